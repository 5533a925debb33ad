"""The ``kompetens`` command: build the workbook for counties (``run``), list counties.

All help and error text is Swedish; argparse's own English phrases are translated here.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

from kompetens_lib.errors import KompetensError

_SV = {
    "usage: ": "Användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "optional arguments": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "expected one argument": "väntade ett värde",
    "expected at least one argument": "väntade minst ett värde",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s":
        "tvetydig flagga: %(option)s kan betyda %(matches)s",
}


def _translate(text: str) -> str:
    return _SV.get(text, text)


def _ntranslate(singular: str, plural: str, n: int) -> str:
    return _translate(singular if n == 1 else plural)


argparse._ = _translate  # type: ignore[attr-defined]
argparse.ngettext = _ntranslate  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kompetens",
        description="Arbetsboken för regional nedbrytning av SCB:s prognoser om "
                    "kompetensbehov. Bygger länens anteckningsböcker och sidor.",
    )
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO")

    run = commands.add_parser(
        "run", help="kör anteckningsböckerna för ett eller flera län",
        description="Kör arbetsbokens anteckningsböcker med papermill för valda län och "
                    "skriver körda anteckningsböcker och HTML-sidor under --out.")
    run.add_argument("--region", action="append", metavar="LÄN",
                     help="länskod eller namn, t.ex. 12 eller Skåne (flera går bra)")
    run.add_argument("--all", action="store_true", help="alla 21 län (standard)")
    run.add_argument("--notebooks", metavar="NN,NN",
                     help="vilka anteckningsböcker, t.ex. 01 (standard: alla)")
    run.add_argument("--out", default="build", metavar="MAPP",
                     help="utdatamapp (standard: build)")
    run.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="antal parallella processer (standard: en per kärna)")
    run.add_argument("--param", action="append", default=[], metavar="NAMN=VÄRDE",
                     help="sätt en parameter i anteckningsböckerna, t.ex. base_year=2022")
    run.add_argument("--notebook-dir", default=None, metavar="MAPP",
                     help="mapp med anteckningsböckerna (standard: ./notebooks)")
    run.add_argument("--data", default=None, metavar="KÄLLA",
                     help="datakälla: example (inbyggda exempeldata, standard) eller en mapp "
                          "med tabeller, t.ex. en förberedd cache")
    run.add_argument("--force", action="store_true",
                     help="kör om även anteckningsböcker vars indata inte ändrats")
    run.add_argument("--timeout", type=int, default=600, metavar="SEKUNDER",
                     help="längsta tid för en cell innan körningen avbryts (standard: 600)")

    data = commands.add_parser(
        "data", help="hantera data: hämta från SCB:s API, läs in nedladdade filer, bygg en cache",
        description="Datakommandon. 'kompetens data import FIL' läser en CSV- eller "
                    "Excelfil som laddats ned från SCB:s statistikdatabas till långt format; "
                    "'kompetens data fetch' hämtar en tabell eller ett recept via SCB:s API; "
                    "'kompetens data cache' förbereder en mapp för att köra utan nätverk.",
        add_help=True)
    data.add_argument("action", choices=["import", "fetch", "cache"], metavar="ÅTGÄRD",
                      help="import: läs in en nedladdad SCB-fil; fetch: hämta via SCB:s API; "
                           "cache: förbered en datamapp för arbete utan nätverk")
    data.add_argument("rest", nargs=argparse.REMAINDER, metavar="…",
                      help="argument till åtgärden (se 'kompetens data ÅTGÄRD --help')")

    adapt = commands.add_parser(
        "adapt", help="kör en annan regions anteckningsbok för ditt län",
        description="Kör om en anteckningsbok som en annan region gjort för ditt län: hittar "
                    "parametercellen, visar vilka parametrar som ändras, kör och visar deras "
                    "nyckeltal bredvid dina. Originalfilen ändras aldrig.")
    adapt.add_argument("notebook", metavar="ANTECKNINGSBOK", help="deras .ipynb-fil")
    adapt.add_argument("--region", required=True, metavar="LÄN",
                       help="ditt län: kod eller namn, t.ex. 05 eller Östergötland")
    adapt.add_argument("--out", default="anpassade", metavar="MAPP",
                       help="mapp för den körda anteckningsboken (standard: anpassade)")
    adapt.add_argument("--param", action="append", default=[], metavar="NAMN=VÄRDE",
                       help="ändra fler parametrar, t.ex. base_year=2022")
    adapt.add_argument("--timeout", type=int, default=600, metavar="SEKUNDER",
                       help="längsta tid för en cell (standard: 600)")

    cohort = commands.add_parser(
        "cohort", help="handledarens kohortflöde: dela ut, samla in, ge återkoppling",
        description="Kohortkommandon för handledare: 'release' delar ut personliga "
                    "övningsmappar, 'collect' samlar in dem, 'feedback' ger återkoppling.")
    cohort.add_argument("action", choices=["release", "collect", "feedback"], metavar="ÅTGÄRD",
                        help="release, collect eller feedback")
    cohort.add_argument("rest", nargs=argparse.REMAINDER, metavar="…",
                        help="argument till åtgärden (se 'kompetens cohort ÅTGÄRD --help')")

    commands.add_parser("regioner", help="lista länskoder och namn",
                        description="Listar de 21 länen med kod och namn.")
    return parser


def _parse_params(items: list[str]) -> dict:
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise KompetensError(f"Parametern {item!r} ska skrivas NAMN=VÄRDE, t.ex. base_year=2022.")
        value = value.strip()
        params[name.strip()] = int(value) if value.lstrip("-").isdigit() else value
    return params


class Progress:
    """Counts notebooks done, failed, unchanged and left; one line per notebook, or a
    single updating line on a terminal."""

    def __init__(self, total: int, stream=None) -> None:
        self.total = total
        self.stream = stream or sys.stdout
        self.done = self.failed = self.skipped = 0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, result, finished: int, total: int) -> None:
        if result.skipped:
            self.skipped += 1
        elif result.ok:
            self.done += 1
        else:
            self.failed += 1
        left = self.total - finished
        width = 20
        filled = int(width * finished / max(self.total, 1))
        bar = "█" * filled + "░" * (width - filled)
        what = "oförändrad" if result.skipped else (
            f"{result.seconds:.1f} s".replace(".", ",") if result.ok else "MISSLYCKADES")
        line = (f"[{bar}] {finished}/{self.total} · {self.done} klara · {self.failed} "
                f"misslyckade · {self.skipped} oförändrade · {left} kvar · "
                f"{result.job.region} {result.job.notebook.stem}: {what}")
        if self.tty:
            end = "\n" if finished == self.total else ""
            self.stream.write("\r\033[K" + line + end)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _missing_reports(results, note: str) -> None:
    """Build the report of a county whose notebooks were all up to date but whose report
    is missing (the workers build the others as soon as a county is done)."""
    from kompetens_lib.publish.report import REPORT_NAME, county_report

    by_region: dict[str, list] = {}
    for result in results:
        by_region.setdefault(result.job.region, []).append(result)
    for code, items in by_region.items():
        folder = items[0].job.county_dir
        if all(r.skipped for r in items) and not (folder / REPORT_NAME).exists():
            county_report(code, folder, [r.job.output for r in items if r.ok],
                          source_note=note)


def _run(args: argparse.Namespace) -> int:
    from kompetens_lib.publish import runner
    from kompetens_lib.data.tables import source_note
    from kompetens_lib.publish.report import county_report

    notebooks = args.notebooks.split(",") if args.notebooks else None
    params = _parse_params(args.param)
    if "region" in params:
        raise KompetensError("Ange län med --region, inte som --param region=….")
    if args.jobs is not None and args.jobs < 1:
        raise KompetensError(f"--jobs måste vara minst 1, inte {args.jobs}.")
    if args.timeout < 1:
        raise KompetensError(f"--timeout måste vara minst 1 sekund, inte {args.timeout}.")
    jobs = runner.plan(args.region, args.all, notebooks, Path(args.out), params,
                       Path(args.notebook_dir) if args.notebook_dir else None,
                       data=args.data, timeout=args.timeout)
    workers = args.jobs or os.cpu_count() or 1
    print(f"Kör {len(jobs)} anteckningsböcker i upp till {min(workers, len(jobs))} processer "
          f"till {args.out}/ …", flush=True)
    started = time.perf_counter()
    note = source_note("employed", args.data)
    try:
        results = runner.run_jobs(jobs, workers, Progress(len(jobs)), force=args.force,
                                  after_region=functools.partial(county_report,
                                                                 source_note=note))
    except KeyboardInterrupt:
        print(f"\nAvbrutet. Det som hann bli klart finns kvar i {args.out}/; kör samma kommando "
              "igen för att fortsätta (klara anteckningsböcker körs inte om).", flush=True)
        return 130
    _missing_reports(results, note)
    index = Path(args.out) / "index.html"
    if any(not r.skipped for r in results) or not index.exists():
        from kompetens_lib.publish import overview  # imports the chart library: only when the page is rebuilt

        index = overview.write_index(
            Path(args.out), results, source_note=note, source=args.data,
            parameters={**params, **({"data": args.data} if args.data else {})})
    runner.write_summary(Path(args.out), results)
    failed = [r for r in results if not r.ok]
    skipped = sum(r.skipped for r in results)
    elapsed = time.perf_counter() - started
    ran = len(results) - len(failed) - skipped
    print(f"Klart på {elapsed:.0f} s: {ran} lyckades, {len(failed)} misslyckades, "
          f"{skipped} oförändrade. Översikt: {index}")
    if failed:
        print("\nMisslyckade körningar:")
        print(f"  {'län':<4} {'anteckningsbok':<22} fel")
        for r in failed:
            print(f"  {r.job.region:<4} {r.job.notebook.stem:<22} {r.error}\n"
                  f"  {'':<4} {'':<22} körd anteckningsbok: {r.job.output}")
        return 1
    return 0


def _list_regions() -> int:
    from kompetens_lib.reference.regions import regions

    for row in regions().itertuples():
        print(f"{row.code}  {row.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "data":
            if args.action == "fetch":
                from kompetens_lib.data.scb_api import cli_fetch

                return cli_fetch(args.rest)
            if args.action == "cache":
                from kompetens_lib.data.cache import cli_cache

                return cli_cache(args.rest)
            from kompetens_lib.data.scb_import import cli_import

            return cli_import(args.rest)
        if args.command == "adapt":
            from kompetens_lib.publish.adapt import adapt

            params = _parse_params(args.param)
            params.pop("region", None)
            adapt(Path(args.notebook), args.region, out_dir=Path(args.out), overrides=params,
                  timeout=args.timeout)
            return 0
        if args.command == "cohort":
            from kompetens_lib.cohort.core import cli_cohort

            return cli_cohort([args.action, *args.rest])
        if args.command == "regioner":
            return _list_regions()
        parser.print_help()
        return 2
    except KompetensError as exc:
        print(f"kompetens: fel: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
