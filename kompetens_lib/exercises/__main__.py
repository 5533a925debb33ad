"""``python -m kompetens_lib.exercises``: regenerate the participant copies."""

import sys

from kompetens_lib.cli.exercises import main

sys.exit(main(prog="python -m kompetens_lib.exercises"))
