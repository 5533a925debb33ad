"""``kompetens exercises [--check]`` (also ``python -m kompetens_lib.exercises``): write the
participants' copies of the exercises from the facilitator's masters, or say which are stale."""

from __future__ import annotations

from pathlib import Path

from kompetens_lib.cli.parser import SwedishArgumentParser
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.copies import build_participant_copies

PROG = "kompetens exercises"


def build_parser(prog: str = PROG) -> SwedishArgumentParser:
    """The command line's parser (Swedish help and errors)."""
    parser = SwedishArgumentParser(
        prog=prog,
        description="Skapar deltagarnas exemplar av övningarna (exercises/*.ipynb) från "
                    "handledarens original i exercises/masters/. Lösningar tas bort.")
    parser.add_argument("--masters", metavar="MAPP", help="mapp med original (standard: "
                        "exercises/masters)")
    parser.add_argument("--out", metavar="MAPP", help="mapp för deltagarexemplaren "
                        "(standard: exercises)")
    parser.add_argument("--check", action="store_true",
                        help="skriv inget; avsluta med fel om något exemplar är inaktuellt")
    return parser


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Regenerate the participant copies; with ``--check`` write nothing and return 1 if
    one is out of date (2 on a Swedish error)."""
    args = build_parser(prog).parse_args(argv)
    try:
        stale = build_participant_copies(args.masters and Path(args.masters),
                                         args.out and Path(args.out), check=args.check)
    except KompetensError as exc:
        print(f"fel: {exc}")
        return 2
    if args.check:
        if stale:
            print("Inaktuella deltagarexemplar: " + ", ".join(p.name for p in stale)
                  + f". Kör {prog}.")
            return 1
        print("Alla deltagarexemplar är aktuella.")
        return 0
    print(f"Skrev {len(stale)} deltagarexemplar." if stale else "Alla deltagarexemplar var "
          "redan aktuella.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
