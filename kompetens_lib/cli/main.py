"""The ``kompetens`` command: every subcommand's parser and the dispatch to it.

``run`` builds the workbook for counties, ``regions`` lists them, ``adapt`` reruns another
region's notebook, ``data fetch|import|cache`` is :mod:`kompetens_lib.cli.data`, and
``cohort`` and ``exercises`` hand their arguments to :mod:`kompetens_lib.cli.cohort` and
:mod:`kompetens_lib.cli.exercises`. Help and errors are Swedish
(:class:`~kompetens_lib.cli.parser.SwedishArgumentParser`); the library's log records go to
stderr, in Swedish, while a command runs.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from kompetens_lib.cli.data import add_data_parser
from kompetens_lib.cli.parser import SwedishArgumentParser
from kompetens_lib.errors import KompetensError, plain_warnings

__all__ = ["DELEGATED", "Progress", "build_parser", "main"]

#: Commands whose arguments are parsed by their own module: ``kompetens cohort ARGS`` is
#: ``kompetens_lib.cli.cohort.main(ARGS)``.
DELEGATED: dict[str, str] = {
    "cohort": "kompetens_lib.cli.cohort",
    "exercises": "kompetens_lib.cli.exercises",
    "ovningar": "kompetens_lib.cli.exercises",
    "start": "kompetens_lib.cli.start",
}

DESCRIPTION = (
    "Arbetsboken för regional nedbrytning av SCB:s prognoser om kompetensbehov. Bygger "
    "länens anteckningsböcker och sidor.\n"
    "Kommandon och flaggor heter på engelska (t.ex. 'kompetens run --all'); svenska namn "
    "som funnits tidigare fungerar som alias och visas inom parentes eller efter komma, "
    "t.ex. 'regioner' för 'regions' och '--lista' för '--list'. Hjälp och meddelanden är "
    "på svenska. 'kompetens KOMMANDO --help' visar hjälpen för ett kommando."
)


def build_parser() -> SwedishArgumentParser:
    """The ``kompetens`` parser with every command (Swedish help, English names)."""
    parser = SwedishArgumentParser(prog="kompetens", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser(
        "run", help="kör anteckningsböckerna för ett eller flera län",
        description="Kör arbetsbokens anteckningsböcker med papermill för valda län och "
                    "skriver körda anteckningsböcker och HTML-sidor under --out.")
    run.add_argument("--region", action="append", metavar="LÄN",
                     help="länskod eller namn, t.ex. 12 eller Skåne (flera går bra)")
    run.add_argument("--all", action="store_true", help="alla 21 län (standard)")
    run.add_argument("--area", metavar="FIL",
                     help="ett planeringsområde (TOML-fil med minst tre kommuner, se "
                          "docs/data.md): kör planeringsområdets anteckningsbok och rapport "
                          "till MAPP/omrade-<namn>/ i stället för länen")
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
    run.add_argument("--scenario", default=None, metavar="FIL",
                     help="etableringsscenario (TOML- eller CSV-fil, se docs/scenarier.md) som "
                          "läggs på efterfrågan som ett eget lager i de anteckningsböcker som "
                          "har parametern scenario_file, och i rapporten; filen kontrolleras "
                          "innan något körs och en kopia sparas i bygget")
    run.add_argument("--force", action="store_true",
                     help="kör om även anteckningsböcker vars indata inte ändrats")
    run.add_argument("--timeout", type=int, default=600, metavar="SEKUNDER",
                     help="längsta tid för en cell innan körningen avbryts (standard: 600)")
    run.add_argument("--with-names", "--med-namn", dest="with_names", action="store_true",
                     help="visa namnen på uppdragets beställare och mottagare i bygget "
                          "(standard: de visas inte, eftersom byggen delas); med flaggan "
                          "blir byggets filer läsbara bara för dig")
    run.set_defaults(handler=_run)

    add_data_parser(commands)

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
    adapt.set_defaults(handler=_adapt)

    cohort = commands.add_parser(
        "cohort", add_help=False,
        help="handledarens kohortflöde: dela ut, samla in, ge återkoppling "
             "(se 'kompetens cohort --help')",
        description="Kohortkommandon för handledare: 'release' delar ut personliga "
                    "övningsmappar, 'collect' samlar in dem, 'feedback' ger återkoppling.")
    cohort.add_argument("rest", nargs=argparse.REMAINDER, metavar="…")
    exercises = commands.add_parser(
        "exercises", aliases=["ovningar"], add_help=False,
        help="skapa deltagarnas exemplar av övningarna ur handledarens original "
             "(se 'kompetens exercises --help')",
        description="Skapar deltagarnas exemplar av övningarna ur handledarens original, "
                    "utan lösningar.")
    exercises.add_argument("rest", nargs=argparse.REMAINDER, metavar="…")
    start = commands.add_parser(
        "start", add_help=False,
        help="gör din egen arbetsmapp med anteckningsböcker, övningar och handledningar "
             "och öppnar JupyterLab där (se 'kompetens start --help')",
        description="Gör en egen arbetsmapp och öppnar JupyterLab i den.")
    start.add_argument("rest", nargs=argparse.REMAINDER, metavar="…")

    regions = commands.add_parser("regions", aliases=["regioner"],
                                  help="lista länskoder och namn",
                                  description="Listar de 21 länen med kod och namn.")
    regions.set_defaults(handler=_list_regions)
    return parser


def _parse_params(items: list[str]) -> dict:
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise KompetensError(f"Parametern {item!r} ska skrivas NAMN=VÄRDE, t.ex. "
                                 "base_year=2022.")
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
    from kompetens_lib.publish.layout import REPORT_NAME
    from kompetens_lib.publish.report import county_report

    by_region: dict[str, list] = {}
    for result in results:
        by_region.setdefault(result.job.region, []).append(result)
    for code, items in by_region.items():
        folder = items[0].job.county_dir
        if all(r.skipped for r in items) and not (folder / REPORT_NAME).exists():
            county_report(code, folder, [r.job.output for r in items if r.ok or r.kept_good],
                          source_note=note)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[dict]:
    """While the block runs, SIGTERM stops it as Ctrl-C does (``KeyboardInterrupt``, the
    same clean-up and message); the dict yielded says whether a signal came."""
    import signal

    stopped: dict = {}

    def handler(signum, _frame):
        stopped["signal"] = signum
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield stopped
        return
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGTERM, old)


def _check_out(out: Path) -> None:
    """Refuse an output folder that cannot be one, in Swedish, before any work."""
    if out.exists() and not out.is_dir():
        raise KompetensError(f"--out {out} är en fil, inte en mapp. Ange en mapp att skriva "
                             "bygget i, t.ex. --out build.")
    probe = out
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise KompetensError(f"Kan inte skriva i --out {out}: {probe} är inte en skrivbar "
                             "mapp. Ange en mapp du får skriva i, t.ex. --out build.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KompetensError(f"Kan inte skapa mappen --out {out} (felkod {exc.errno}). Ange en "
                             "mapp du får skriva i, t.ex. --out build.") from None


def _run(args: argparse.Namespace) -> int:
    from kompetens_lib.present.summaries import NAMES_ENV

    # Names of people in a mandate stay out of a build (builds are shared) unless asked for;
    # the kernels inherit the choice through the environment.
    before = os.environ.get(NAMES_ENV)
    os.environ[NAMES_ENV] = "visa" if getattr(args, "with_names", False) else "dolj"
    try:
        return _run_build(args)
    finally:
        if before is None:
            os.environ.pop(NAMES_ENV, None)
        else:
            os.environ[NAMES_ENV] = before


def _run_build(args: argparse.Namespace) -> int:
    from kompetens_lib.data.tables import source_note
    from kompetens_lib.publish import runner
    from kompetens_lib.publish.report import county_report

    notebooks = args.notebooks.split(",") if args.notebooks else None
    params = _parse_params(args.param)
    if "region" in params:
        raise KompetensError("Ange län med --region, inte som --param region=….")
    if args.jobs is not None and args.jobs < 1:
        raise KompetensError(f"--jobs måste vara minst 1, inte {args.jobs}.")
    if args.timeout < 1:
        raise KompetensError(f"--timeout måste vara minst 1 sekund, inte {args.timeout}.")
    if getattr(args, "area", None):
        return _run_area(args, params)
    from kompetens_lib.publish.workers import worker_limit

    scenario = (runner.read_build_scenario(args.scenario, args.data)
                if getattr(args, "scenario", None) else None)
    jobs = runner.plan(args.region, args.all, notebooks, Path(args.out), params,
                       Path(args.notebook_dir) if args.notebook_dir else None,
                       data=args.data, timeout=args.timeout, scenario=scenario)
    _check_out(Path(args.out))  # after the input is known to be good: it makes the folder
    if scenario is not None:
        runner.install_scenario(scenario, Path(args.out))
    workers, cap_note = worker_limit(args.jobs)
    if cap_note:
        print(f"kompetens: obs: {cap_note}", file=sys.stderr, flush=True)
    print(f"Kör {len(jobs)} anteckningsböcker i upp till {min(workers, len(jobs))} processer "
          f"till {args.out}/ …", flush=True)
    started = time.perf_counter()
    note = source_note("employed", args.data)
    try:
        with _sigterm_as_interrupt() as stopped:
            results = runner.run_jobs(jobs, workers, Progress(len(jobs)), force=args.force,
                                      after_region=functools.partial(county_report,
                                                                     source_note=note))
    except KeyboardInterrupt:
        # The interrupted notebook's kernel is gone: its client's pending task would say so
        # in an English traceback at exit.
        logging.getLogger("asyncio").disabled = True
        how = "Avbrutet (SIGTERM)" if stopped.get("signal") else "Avbrutet"
        print(f"\n{how}. Det som hann bli klart finns kvar i {args.out}/; kör samma kommando "
              "igen för att fortsätta (klara anteckningsböcker körs inte om).", flush=True)
        return 143 if stopped.get("signal") else 130
    _missing_reports(results, note)
    index = Path(args.out) / "index.html"
    if any(not r.skipped for r in results) or not index.exists():
        # The overview imports the chart library: only when the page is rebuilt.
        from kompetens_lib.publish import overview

        index = overview.write_index(
            Path(args.out), results, source_note=note, source=args.data,
            parameters={**(jobs[0].params if jobs else params),
                        **({"data": args.data} if args.data else {})})
    runner.write_summary(Path(args.out), results)
    if getattr(args, "with_names", False):
        from kompetens_lib._internal.files import make_tree_private

        make_tree_private(args.out)
        print(f"Bygget visar namn ur uppdragen: filerna i {args.out}/ är läsbara bara för dig. "
              "Dela det inte vidare.")
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
                  f"  {'':<4} {'':<22} körd anteckningsbok: "
                  f"{r.job.failed_output if r.kept_good else r.job.output}")
        return 1
    return 0


def _run_area(args: argparse.Namespace, params: dict) -> int:
    """``kompetens run --area FILE``: each planning area's notebook and report (issue 14)."""
    from kompetens_lib.publish import area_build

    if args.region or args.all or args.notebooks:
        raise KompetensError("--area kör planeringsområdets anteckningsbok; ange inte --region, "
                             "--all eller --notebooks samtidigt.")
    jobs = area_build.plan_areas(args.area, Path(args.out), params,
                                 Path(args.notebook_dir) if args.notebook_dir else None,
                                 data=args.data, timeout=args.timeout)
    _check_out(Path(args.out))
    failed = 0
    for job in jobs:
        print(f"Kör planeringsområdet {job.area.name} ({', '.join(job.area.codes)}) till "
              f"{job.folder}/ …", flush=True)
        result = area_build.build_area(job, force=args.force)
        if result.skipped:
            print(f"  oförändrat sedan förra bygget, byggs inte om (--force bygger om): "
                  f"rapport {result.report}", flush=True)
        elif result.ok:
            print(f"  klart på {result.seconds:.0f} s: {job.output.with_suffix('.html')}, "
                  f"rapport {result.report}", flush=True)
        else:
            failed += 1
            shown = job.failed_output if result.kept_good else job.output
            print(f"  misslyckades: {result.error}\n  körd anteckningsbok: {shown}",
                  flush=True)
    from kompetens_lib.publish import overview

    index = overview.refresh_areas(Path(args.out))
    if index is None:  # no overview yet: one with the areas (counties come with their runs)
        from kompetens_lib.data.tables import source_note

        index = overview.write_index(Path(args.out), [], source_note=source_note(
            "employed", args.data), source=args.data, parameters=jobs[0].parameters)
    print(f"Klart: {len(jobs) - failed} lyckades, {failed} misslyckades. Översikt: {index}")
    return 1 if failed else 0


def _list_regions(args: argparse.Namespace) -> int:
    from kompetens_lib.reference.regions import regions

    for row in regions().itertuples():
        print(f"{row.code}  {row.name}")
    return 0


def _adapt(args: argparse.Namespace) -> int:
    from kompetens_lib.publish.adapt import adapt

    params = _parse_params(args.param)
    params.pop("region", None)
    adapt(Path(args.notebook), args.region, out_dir=Path(args.out), overrides=params,
          timeout=args.timeout)
    return 0


#: Swedish names of the logging levels, for the lines the CLI prints.
LEVELS = {"DEBUG": "felsökning", "INFO": "info", "WARNING": "varning", "ERROR": "fel",
          "CRITICAL": "allvarligt fel"}


class _SwedishLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = LEVELS.get(record.levelname, record.levelname.lower())
        return f"kompetens: {level}: {record.getMessage()}"


class _StderrHandler(logging.Handler):
    """Writes to the ``sys.stderr`` of the moment (which tests and notebooks replace)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - logging must never break the command
            self.handleError(record)


@contextlib.contextmanager
def logging_to_stderr(level: int = logging.WARNING) -> Iterator[None]:
    """While a command runs, the library's log records at ``level`` and above go to stderr
    as "kompetens: varning: …"; the library itself only has a NullHandler."""
    logger = logging.getLogger("kompetens_lib")
    handler = _StderrHandler(level)
    handler.setFormatter(_SwedishLogFormatter())
    old_level = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _delegate(command: str, argv: list[str]) -> int:
    """``kompetens cohort ARGS`` → ``kompetens_lib.cli.cohort.main(ARGS)`` (same for exercises)."""
    module = importlib.import_module(DELEGATED[command])  # only the command that runs
    try:
        return int(module.main(argv))
    except SystemExit as exc:  # their parser's --help and errors
        return _exit_code(exc)
    except KeyboardInterrupt:
        print("\nkompetens: avbrutet.", file=sys.stderr, flush=True)
        return 130


def main(argv: list[str] | None = None) -> int:
    """Run ``kompetens ARGS`` and return the exit code (0 ok, 1 failed, 2 wrong arguments)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    plain_warnings()  # a note from the library reads "Obs! …", without file and code line
    with logging_to_stderr():
        if argv and argv[0] in DELEGATED:
            return _delegate(argv[0], argv[1:])
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help, or wrong arguments (already explained)
            return _exit_code(exc)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 2
        try:
            return handler(args)
        except KompetensError as exc:
            print(f"kompetens: fel: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:  # a command without its own clean-up message
            logging.getLogger("asyncio").disabled = True
            print("\nkompetens: avbrutet.", file=sys.stderr, flush=True)
            return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
