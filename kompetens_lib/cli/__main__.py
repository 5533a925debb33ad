"""``python -m kompetens_lib.cli``: the ``kompetens`` command."""

import sys

from kompetens_lib.cli.main import main

sys.exit(main())
