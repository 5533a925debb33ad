"""The one Swedish argument parser: argparse with Swedish help and errors, no global patch.

argparse builds its English phrases with ``gettext`` at call time. Rather than replace
``argparse._`` for the whole process, this subclass gives its own help flag and group titles
in Swedish, prints "Användning:" through its formatter and translates the messages that reach
:meth:`SwedishArgumentParser.error`. Sub-parsers are of the same class (argparse makes them
with ``type(self)``), so one ``kompetens`` tree is Swedish all the way down.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

__all__ = ["SwedishArgumentParser", "SwedishHelpFormatter", "translate"]

#: argparse's error messages (Python 3.11–3.13) and their Swedish forms, as patterns.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"följande argument krävs: \1"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"ogiltigt val: \1 (välj bland \2)"),
    (r"invalid (\w+) value: (.*)", r"ogiltigt värde (\1): \2"),
    (r"expected one argument", "väntade ett värde"),
    (r"expected at least one argument", "väntade minst ett värde"),
    (r"expected at most one argument", "väntade högst ett värde"),
    (r"expected (\d+) arguments?", r"väntade \1 värden"),
    (r"ambiguous option: (.*) could match (.*)", r"tvetydig flagga: \1 kan betyda \2"),
    (r"not allowed with argument (.*)", r"går inte ihop med argumentet \1"),
    (r"one of the arguments (.*) is required", r"ett av argumenten \1 krävs"),
    (r"ignored explicit argument (.*)", r"ignorerade värdet \1"),
    (r"^argument (.*?): ", r"argumentet \1: "),
)


def translate(message: str) -> str:
    """argparse's English error message in Swedish (unknown messages pass unchanged)."""
    for pattern, swedish in _MESSAGES:
        message = re.sub(pattern, swedish, message)
    return message


class SwedishHelpFormatter(argparse.HelpFormatter):
    """Help with a Swedish "Användning:" line; descriptions and epilogs wrap, but each line
    written on its own (one example command per line) stays a line."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        super().add_usage(usage, actions, groups, "Användning: " if prefix is None else prefix)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(super(SwedishHelpFormatter, self)._fill_text(line, width, indent)
                         for line in text.splitlines())


class SwedishArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help, usage and errors are Swedish.

    >>> parser = SwedishArgumentParser(prog="kompetens exempel")
    >>> "visa den här hjälpen och avsluta" in parser.format_help()
    True
    """

    def __init__(self, *args, add_help: bool = True, **kwargs) -> None:
        kwargs.setdefault("formatter_class", SwedishHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        if add_help:
            self.add_argument("-h", "--help", action="help",
                              default=argparse.SUPPRESS, help="visa den här hjälpen och avsluta")

    def add_subparsers(self, **kwargs):  # type: ignore[override]
        kwargs.setdefault("title", "kommandon")
        kwargs.setdefault("metavar", "KOMMANDO")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fel: {translate(message)}\n")
