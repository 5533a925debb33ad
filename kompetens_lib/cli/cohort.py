"""``kompetens cohort release|collect|feedback``: the facilitator's cohort workflow in a terminal.

Parses the arguments (in Swedish), calls :mod:`kompetens_lib.cohort` and prints what it did.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kompetens_lib.cli.parser import SwedishArgumentParser
from kompetens_lib.cohort import (
    BROKEN,
    CRASHED,
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_DISK_MB,
    DEFAULT_FEEDBACK_DIR,
    DEFAULT_NOTEBOOK_TIMEOUT,
    DEFAULT_RELEASE_DIR,
    DEFAULT_SNAPSHOT_DIR,
    DISK_FULL,
    FEEDBACK_JSON,
    RAN,
    README_NAME,
    TIMED_OUT,
    ReleaseOutcome,
    collect,
    feedback,
    read_snapshot,
    release,
)
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises import EXERCISES

__all__ = ["ACTIONS", "build_parser", "main"]

ACTIONS = ("release", "collect", "feedback")


_DESCRIPTIONS = {
    "release": "Delar ut övningarna: en mapp per deltagare i deltagarlistan, med län och "
               "prioriterade grupper redan ifyllda. En fil som deltagaren har ändrat skrivs "
               "aldrig över; en ny version hamnar bredvid.",
    "collect": "Samlar in deltagarnas anteckningsböcker till en daterad insamling. "
               "Originalen ändras inte.",
    "feedback": "Kör alla kontroller i en insamling, varje anteckningsbok i en ny "
                "Python-kärna med tidsgräns, och skriver en återkopplingssida per deltagare "
                "och en kohortöversikt.",
}
_HELP = {
    "release": "dela ut övningar till deltagarna i en deltagarlista",
    "collect": "samla in deltagarnas anteckningsböcker",
    "feedback": "kör kontrollerna i en insamling och skriv återkopplingssidor",
}


def _add_arguments(parser: SwedishArgumentParser, action: str) -> None:
    if action == "release":
        parser.add_argument("roster", metavar="DELTAGARLISTA.csv",
                            help="CSV med kolumnerna deltagare, region och valfritt "
                                 "prioriterade_grupper (grupper åtskilda av semikolon)")
        parser.add_argument("--out", default=DEFAULT_RELEASE_DIR, metavar="MAPP",
                            help=f"mapp för deltagarnas mappar (standard: "
                                 f"{DEFAULT_RELEASE_DIR})")
        parser.add_argument("--exercises", metavar="N,N",
                            help="vilka övningar, t.ex. 1,2,4 (standard: alla)")
        parser.add_argument("--masters", metavar="MAPP",
                            help="mapp med handledarens original (standard: exercises/masters)")
    elif action == "collect":
        parser.add_argument("--from", dest="source", default=DEFAULT_RELEASE_DIR,
                            metavar="MAPP",
                            help=f"mappen med deltagarnas mappar eller inlämnade filer "
                                 f"(standard: {DEFAULT_RELEASE_DIR})")
        parser.add_argument("--out", metavar="INSAMLING",
                            help=f"ny mapp för insamlingen (standard: "
                                 f"{DEFAULT_SNAPSHOT_DIR}/ÅÅÅÅ-MM-DD_TTMM)")
    else:
        parser.add_argument("snapshot", metavar="INSAMLING",
                            help="mappen som kompetens cohort collect skapade")
        parser.add_argument("--out", metavar="MAPP",
                            help=f"mapp för sidorna (standard: {DEFAULT_FEEDBACK_DIR}/"
                                 "INSAMLINGENS-NAMN)")
        parser.add_argument("--timeout", type=int, default=DEFAULT_CELL_TIMEOUT,
                            metavar="SEKUNDER",
                            help=f"längsta tid för en cell innan den avbryts (standard: "
                                 f"{DEFAULT_CELL_TIMEOUT})")
        parser.add_argument("--notebook-timeout", type=int, default=DEFAULT_NOTEBOOK_TIMEOUT,
                            metavar="SEKUNDER",
                            help=f"längsta tid för en hel anteckningsbok (standard: "
                                 f"{DEFAULT_NOTEBOOK_TIMEOUT})")
        parser.add_argument("--jobs", type=int, default=None, metavar="N",
                            help="antal parallella processer (standard: en per kärna)")
        parser.add_argument("--disk-mb", type=int, default=DEFAULT_DISK_MB, metavar="MB",
                            help=f"mest diskutrymme som en deltagares anteckningsbok får "
                                 f"skriva, alla filer tillsammans (standard: "
                                 f"{DEFAULT_DISK_MB})")


def build_parser(action: str | None = None) -> SwedishArgumentParser:
    """The Swedish argument parser of ``kompetens cohort`` (or of one ``ACTION``)."""
    if action is not None:
        parser = SwedishArgumentParser(prog=f"kompetens cohort {action}",
                                       description=_DESCRIPTIONS[action])
        _add_arguments(parser, action)
        return parser
    parser = SwedishArgumentParser(
        prog="kompetens cohort",
        description="Handledarens arbetsgång för en kohort: dela ut övningar, samla in "
                    "dem och ge återkoppling.")
    actions = parser.add_subparsers(dest="action", required=True, title="åtgärder",
                                    metavar="ÅTGÄRD")
    for name in ACTIONS:
        _add_arguments(actions.add_parser(name, help=_HELP[name],
                                          description=_DESCRIPTIONS[name]), name)
    return parser


_PLURAL = {"ny": "nya", "uppdaterad": "uppdaterade", "återställd": "återställda",
           "oförändrad": "oförändrade", "ny version bredvid": "nya versioner bredvid"}


def _counted(n: int, status: str) -> str:
    return f"{n} {status if n == 1 else _PLURAL.get(status, status)}"


def _print_release(outcomes: list[ReleaseOutcome], out: Path) -> None:
    totals: dict[str, int] = {}
    for outcome in outcomes:
        person = outcome.participant
        parts = []
        for status, names in outcome.written.items():
            count = len([n for n in names if n != README_NAME])
            totals[status] = totals.get(status, 0) + count
            if count and status != "oförändrad":
                parts.append(_counted(count, status))
        summary = ", ".join(parts) or "inget nytt"
        print(f"  {person.slug}/ ({person.name}, {person.region} {person.region_name}): "
              f"{summary}")
    beside = [(o.participant.slug, changed, new) for o in outcomes for changed, new in o.beside]
    if beside:
        print("\nÄndrade filer som inte skrevs över (den nya versionen ligger bredvid):")
        for slug, changed, new in beside:
            print(f"  {slug}/{changed} är ändrad av deltagaren → ny version i {slug}/{new}")
    words = ", ".join(_counted(n, status) for status, n in totals.items() if n)
    print(f"\nKlart: {len(outcomes)} deltagare i {out}/ ({words or 'inga övningar'}).")


def _print_collect(snapshot: Path) -> None:
    manifest = read_snapshot(snapshot)
    records = manifest["participants"]
    count = sum(len(r["files"]) for r in records)
    print(f"Samlade in {count} anteckningsböcker från {len(records)} deltagare till "
          f"{snapshot}/. Originalen är orörda.")
    if manifest.get("unattributed"):
        print("Kunde inte knytas till någon deltagare (kom inte med):")
        for name in manifest["unattributed"]:
            print(f"  {name}")
    if manifest.get("skipped"):
        print("För stora för att samlas in (över 50 MB):")
        for name in manifest["skipped"]:
            print(f"  {name}")


class _Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}

    def summary(self) -> str:
        """'3 anteckningsböcker kördes: 1 klar, 1 kraschade, 1 nådde tidsgränsen' (what ran)."""
        words = {RAN: "klara", CRASHED: "kraschade", TIMED_OUT: "nådde tidsgränsen",
                 BROKEN: "kunde inte köras", DISK_FULL: "avbröts för att de skrev för mycket",
                 "timeout_cell": "med en cell som avbröts"}
        total = sum(v for k, v in self.counts.items() if k != "timeout_cell")
        parts = [f"{n} {words.get(k, k)}" for k, n in self.counts.items() if n]
        return f"{total} anteckningsböcker kördes" + (": " + ", ".join(parts) if parts else "")

    def __call__(self, result: dict, finished: int, total: int) -> None:
        self.counts[result["status"]] = self.counts.get(result["status"], 0) + 1
        if result["status"] == RAN and result.get("timeouts"):
            self.counts["timeout_cell"] = self.counts.get("timeout_cell", 0) + 1
        label = {RAN: "klar", CRASHED: "KRASCHADE", TIMED_OUT: "TIDSGRÄNS",
                 BROKEN: "KUNDE INTE KÖRAS",
                 DISK_FULL: f"AVBRÖTS: skrev mer än {result.get('disk_mb')} MB"
                 }.get(result["status"], result["status"])
        if result["status"] == RAN and result.get("timeouts"):
            cells = ", ".join(str(t.get("cell")) for t in result["timeouts"])
            label = f"TIDSGRÄNS i cell {cells} (cellen avbröts, resten kördes)"
        seconds = f"{result['seconds']:.1f}".replace(".", ",")
        print(f"  [{finished}/{total}] {result['participant']} övning "
              f"{EXERCISES[result['exercise']].number}: {label} ({seconds} s)", flush=True)


def _snapshot_changed(out: Path) -> list[str]:
    """The snapshot's files the feedback run found changed (see ``feedback``)."""
    try:
        record = json.loads((out / FEEDBACK_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return list(record.get("snapshot_changed") or [])


def main(argv: list[str]) -> int:
    """``kompetens cohort ACTION …``: ``argv[0]`` is release, collect or feedback; returns
    the exit code (2 for bad input, 130 after Ctrl-C)."""
    args = build_parser().parse_args(argv)
    action = args.action
    try:
        if action == "release":
            out = Path(args.out)
            print(f"Delar ut övningar till deltagarna i {args.roster} …", flush=True)
            outcomes = release(args.roster, out, masters=args.masters,
                               selection=args.exercises)
            _print_release(outcomes, out)
            return 0
        if action == "collect":
            _print_collect(collect(args.source, args.out))
            return 0
        if args.jobs is not None and args.jobs < 1:
            raise KompetensError(f"--jobs måste vara minst 1, inte {args.jobs}.")
        from kompetens_lib.publish.workers import worker_limit

        workers, note = worker_limit(args.jobs)
        if note:
            print(f"kompetens cohort feedback: obs: {note}", file=sys.stderr, flush=True)
        snapshot = Path(args.snapshot)
        print(f"Kör kontrollerna för insamlingen {snapshot} …", flush=True)
        progress = _Progress()
        try:
            out = feedback(snapshot, args.out, cell_timeout=args.timeout,
                           notebook_timeout=args.notebook_timeout, workers=workers,
                           progress=progress, disk_mb=args.disk_mb)
        except KeyboardInterrupt:
            print("\nAvbrutet. Inga återkopplingssidor skrevs; kör samma kommando igen för att "
                  "köra kontrollerna.", flush=True)
            return 130
        print(f"Klart. {progress.summary()}. Kohortöversikten: {out / 'index.html'}; en sida "
              f"per deltagare i {out}/ (bara läsbara för dig: de namnger deltagarna).")
        changed = _snapshot_changed(out)
        if changed:
            print(f"kompetens cohort feedback: fel: {len(changed)} filer i insamlingen "
                  f"ändrades medan deltagarnas kod kördes ({', '.join(changed[:5])}"
                  f"{' …' if len(changed) > 5 else ''}). Sidorna bygger på filerna som de "
                  "samlades in; samla in på nytt med kompetens cohort collect för en "
                  "oförändrad insamling.", file=sys.stderr)
            return 1
        return 0
    except KompetensError as exc:
        print(f"kompetens cohort {action}: fel: {exc}", file=sys.stderr)
        return 2
