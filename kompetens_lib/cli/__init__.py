"""The command line: every argparse parser and ``main``. Nothing imports this package."""

from kompetens_lib.cli.main import main

__all__ = ["main"]
