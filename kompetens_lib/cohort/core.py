"""The facilitator's cohort workflow: release personal exercise folders, collect them, and
give feedback.

``release`` writes one folder per participant of a roster, with the exercises parameterised
for the participant's county and groups (papermill's prepare-only mode); a rerun never
overwrites a file the participant has changed. ``collect`` copies the notebooks into a dated
snapshot without touching the originals. ``feedback`` runs every exercise notebook of a
snapshot in a fresh kernel with time limits and writes a Swedish HTML page per participant
and a cohort overview. Everything stays on this machine: nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import datetime as dt
import hashlib
import html
import io
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.core import ALL_PASSED, EXERCISES, FAILED, MISSING, PASSED, RELEASE_MANIFEST, REPORT_MIME, checks, exercise, group_name, master_paths, parse_groups, participant_copy
from kompetens_lib._internal.text import fold
from kompetens_lib.reference.regions import region_name, regions, resolve_region, slugify, suggest_region
from kompetens_lib.publish.runner import atomic_write_bytes, atomic_write_text

MANIFEST = RELEASE_MANIFEST
SNAPSHOT_MANIFEST = "insamling.json"
FEEDBACK_JSON = "aterkoppling.json"
README_NAME = "LASMIG.md"
BESIDE_SUFFIX = "_ny-version"
DEFAULT_RELEASE_DIR = "deltagare"
DEFAULT_SNAPSHOT_DIR = "insamlingar"
DEFAULT_FEEDBACK_DIR = "aterkoppling"
DEFAULT_CELL_TIMEOUT = 60
DEFAULT_NOTEBOOK_TIMEOUT = 600
MAX_NOTEBOOK_BYTES = 50_000_000
ROSTER_COLUMNS = ("deltagare", "region", "prioriterade_grupper")

NOT_STARTED, RAN, CRASHED, TIMED_OUT, BROKEN, NOT_HANDED_IN = (
    "not_started", "ran", "crashed", "timed_out", "broken", "not_handed_in")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str:
    return _sha(path.read_bytes())


def _swedish_time(moment: dt.datetime) -> str:
    months = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december")
    return f"{moment.day} {months[moment.month - 1]} {moment.year} kl. {moment:%H.%M}"


# ---------------------------------------------------------------------------------------
# Roster
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    """One roster row, validated: name, folder name, county and priority groups."""

    name: str
    slug: str
    region: str
    groups: tuple[str, ...]
    groups_given: bool
    row: int

    @property
    def region_name(self) -> str:
        return region_name(self.region)


def _decode(data: bytes) -> str:
    # Excel on a Swedish Windows saves "CSV" as cp1252; everything else is UTF-8.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_roster(path: str | os.PathLike) -> list[Participant]:
    """Read and validate a roster (CSV with ``deltagare``, ``region`` and optionally
    ``prioriterade_grupper``; comma, semicolon or tab; UTF-8 or Windows-1252).

    Every bad row (empty name, unknown county or group, a participant listed twice) is
    collected, and one :class:`KompetensError` lists them all.
    """
    file = Path(path)
    if not file.is_file():
        raise KompetensError(f"Deltagarlistan {str(path)!r} finns inte. Ange en CSV-fil med "
                             "kolumnerna deltagare och region (och valfritt "
                             "prioriterade_grupper).")
    text = _decode(file.read_bytes())
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise KompetensError(f"Deltagarlistan {file.name} är tom. Första raden ska vara "
                             "kolumnnamnen: deltagare, region, prioriterade_grupper.")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    rows = list(reader)
    header = [fold(h).replace(" ", "_") for h in rows[0]]
    found = ", ".join(h.strip() for h in rows[0] if h.strip()) or "(inga)"
    lacking = [c for c in ROSTER_COLUMNS[:2] if c not in header]
    if lacking:
        raise KompetensError(
            f"Deltagarlistan {file.name} saknar kolumnen {', '.join(lacking)}. Kolumner som "
            f"krävs: deltagare och region (och valfritt prioriterade_grupper, med grupperna "
            f"åtskilda av semikolon). Listan har: {found}.")
    position = {name: header.index(name) for name in ROSTER_COLUMNS if name in header}

    groups_last = position.get("prioriterade_grupper") == len(header) - 1

    def cell(values: list[str], name: str) -> str:
        index = position.get(name)
        if index is None or index >= len(values):
            return ""
        if name == "prioriterade_grupper" and groups_last:
            # In a semicolon file, groups separated by semicolons spill into extra fields.
            return ";".join(v.strip() for v in values[index:] if v.strip())
        return values[index].strip()

    participants: list[Participant] = []
    problems: list[str] = []
    seen_names: dict[str, int] = {}
    seen_slugs: dict[str, tuple[str, int]] = {}
    bad_county = False
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        name = " ".join(cell(values, "deltagare").split())
        county_text = cell(values, "region")
        who = f"rad {number}" + (f" ({name})" if name else "")
        row_problems = []
        if len(values) > len(header) and not groups_last:
            row_problems.append(f"raden har {len(values)} fält men rubrikraden {len(header)}; "
                                "sätt värden som innehåller avgränsaren inom citattecken")
        if not name:
            row_problems.append("namnet saknas i kolumnen deltagare")
        code = None
        if not county_text:
            row_problems.append("länet saknas i kolumnen region")
            bad_county = True
        else:
            try:
                code = resolve_region(county_text)
            except KompetensError:
                bad_county = True
                guess = suggest_region(county_text)
                hint = f" – menade du {region_name(guess)} ({guess})?" if guess else ""
                row_problems.append(f"okänt län {county_text!r}{hint}")
        groups: list[str] = []
        group_text = cell(values, "prioriterade_grupper")
        try:
            groups = parse_groups(group_text)
        except KompetensError as exc:
            row_problems.append(str(exc))
        if name:
            key = fold(name)
            slug = slugify(name) or "deltagare"
            if key in seen_names:
                row_problems.append(f"{name} finns redan på rad {seen_names[key]}")
            elif slug in seen_slugs:
                other, row = seen_slugs[slug]
                row_problems.append(f"namnet ger samma mappnamn ({slug}) som {other} på rad "
                                    f"{row}; skriv namnen så att de skiljer sig åt")
            else:
                seen_names[key] = number
                seen_slugs[slug] = (name, number)
        if row_problems:
            problems.append(f"{who}: " + "; ".join(row_problems) + ".")
            continue
        assert code is not None
        chosen = tuple(groups)
        participants.append(Participant(name, slugify(name) or "deltagare", code,
                                        chosen, bool(groups), number))
    if problems:
        footer = ""
        if bad_county:
            footer = " Giltiga län: " + ", ".join(
                f"{r.code} {r.short_name}" for r in regions().itertuples()) + "."
        raise KompetensError(
            f"Deltagarlistan {file.name} har {len(problems)} "
            f"{'rad' if len(problems) == 1 else 'rader'} som behöver rättas innan något "
            "delas ut:\n  " + "\n  ".join(problems) + footer)
    if not participants:
        raise KompetensError(f"Deltagarlistan {file.name} har inga deltagare, bara "
                             "kolumnnamnen.")
    return participants


# ---------------------------------------------------------------------------------------
# Release
# ---------------------------------------------------------------------------------------


def _literal(value: object) -> str:
    """A Python literal with Swedish letters kept readable (papermill escapes them)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _parameter_source(person: Participant, groups: tuple[str, ...]) -> str:
    names = ", ".join(group_name(g) for g in groups)
    note = "" if person.groups_given else " (länets största grupper)"
    return "\n".join([
        "# Dina parametrar, ifyllda av handledaren. Det är den här cellen som gäller:",
        "# ändra här om du vill byta län eller grupper.",
        f"deltagare = {_literal(person.name)}",
        f"region = {_literal(person.region)}  # {person.region_name}",
        f"prioriterade_grupper = {_literal(list(groups))}  # {names}{note}",
    ])


def _released_notebook(copy, person: Participant, groups: tuple[str, ...]) -> bytes:
    """A participant's copy with their parameters injected by papermill (prepare only),
    made readable and deterministic (same inputs, same bytes)."""
    import nbformat
    import papermill

    parameters = {"deltagare": person.name, "region": person.region,
                  "prioriterade_grupper": list(groups)}
    nb = papermill.execute_notebook(copy, None, parameters=parameters, prepare_only=True,
                                    kernel_name="python3", language="python",
                                    progress_bar=False, log_output=False)
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cell.source = _parameter_source(person, groups)
            cell["id"] = "injicerade-parametrar"
        elif "parameters" in tags:
            lines = cell.source.splitlines()
            if lines and lines[0].startswith("#"):
                lines[0] = ("# Standardvärden. Cellen under, med dina egna värden, är den "
                            "som gäller.")
            cell.source = "\n".join(lines)
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items()
                         if k == "tags" and v}
        if "id" not in cell:
            cell["id"] = f"cell-{index}"
    info = dict(nb.metadata.get("kompetens", {}))
    info.update({"deltagare": person.name, "region": person.region})
    nb.metadata = {
        "kernelspec": nb.metadata.get("kernelspec", {}),
        "language_info": {"name": "python"},
        "kompetens": info,
        "papermill": {"parameters": parameters},
    }
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def _readme(person: Participant, items: list) -> bytes:
    lines = [
        f"# Övningar för {person.name}",
        "",
        f"Län: {person.region_name} ({person.region}). Prioriterade grupper: "
        + ", ".join(group_name(g) for g in person.groups) + ".",
        "",
        ("Öppna en övning i JupyterLab och kör cellerna uppifrån och ned. Dina parametrar är "
        "redan ifyllda. Under varje svar finns en kontroll som säger direkt vad som stämmer "
        "och vad du kan ändra."),
        "",
        "| fil | övning |",
        "|---|---|",
        *[f"| `{item.filename}` | Övning {item.number} – {item.title} |" for item in items],
        "",
        (f"Om handledaren delar ut en ny version av en övning som du redan har ändrat, hamnar "
        f"den bredvid din fil med `{BESIDE_SUFFIX}` i namnet. Din egen fil rörs aldrig."),
        "",
        "Mer hjälp finns i arbetsbokens `docs/deltagare.md`.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class ReleaseOutcome:
    """What a release did to one participant's folder."""

    participant: Participant
    folder: Path
    written: dict[str, list[str]] = field(default_factory=dict)  # status → file names
    beside: list[tuple[str, str]] = field(default_factory=list)  # (changed file, new file)

    def add(self, status: str, name: str) -> None:
        self.written.setdefault(status, []).append(name)


def _beside_name(name: str, number: int) -> str:
    stem, dot, suffix = name.rpartition(".")
    extra = "" if number == 1 else f"-{number}"
    return f"{stem}{BESIDE_SUFFIX}{extra}{dot}{suffix}"


def _place(folder: Path, name: str, data: bytes, files: dict, outcome: ReleaseOutcome,
           when: str, info: dict) -> None:
    """Write one released file, never over a file the participant has changed."""
    new_sha = _sha(data)
    record = files.get(name)
    target = folder / name
    if not target.exists():
        atomic_write_bytes(target, data)
        files[name] = {**info, "sha256": new_sha, "latest": new_sha, "released": when}
        outcome.add("återställd" if record else "ny", name)
        return
    current = _file_sha(target)
    if record and current == record.get("sha256"):
        if current == new_sha:
            outcome.add("oförändrad", name)
            return
        atomic_write_bytes(target, data)
        files[name] = {**info, "sha256": new_sha, "latest": new_sha, "released": when}
        outcome.add("uppdaterad", name)
        return
    # The participant has changed the file (or it was never ours): leave it alone.
    if current == new_sha or (record and record.get("latest") == new_sha):
        outcome.add("oförändrad", name)
        return
    if record is None:
        files[name] = {**info, "sha256": None, "latest": new_sha, "released": when}
    else:
        record["latest"] = new_sha
    number = 1
    while True:
        candidate = _beside_name(name, number)
        path = folder / candidate
        if path.exists() and _file_sha(path) == new_sha:
            outcome.add("oförändrad", candidate)
            return
        entry = files.get(candidate)
        if not path.exists() or (entry and _file_sha(path) == entry.get("sha256")):
            atomic_write_bytes(path, data)
            files[candidate] = {**info, "sha256": new_sha, "latest": new_sha,
                                "released": when, "beside": name}
            outcome.add("ny version bredvid", candidate)
            outcome.beside.append((name, candidate))
            return
        number += 1


def select_exercises(selection: str | None) -> list:
    """Exercises named by number or id ("1,2,ovning4"); all of them when None."""
    if not selection:
        return list(EXERCISES.values())
    chosen = []
    for part in selection.split(","):
        if part.strip():
            item = exercise(part.strip())
            if item not in chosen:
                chosen.append(item)
    if not chosen:
        raise KompetensError("Ange minst en övning, t.ex. --exercises 1,2.")
    return sorted(chosen, key=lambda e: e.number)


def release(roster: str | os.PathLike, out: str | os.PathLike = DEFAULT_RELEASE_DIR, *,
            masters: str | os.PathLike | None = None, selection: str | None = None,
            now: dt.datetime | None = None) -> list[ReleaseOutcome]:
    """Give each participant of ``roster`` a folder in ``out`` with their exercises.

    All input is checked before anything is written. A file the participant has changed is
    never overwritten: a new version is written beside it (``…_ny-version.ipynb``).
    """
    import nbformat

    participants = read_roster(roster)
    items = select_exercises(selection)
    sources = {p.stem: p for p in master_paths(Path(masters) if masters else None)}
    lacking = [item.filename for item in items if item.stem not in sources]
    if lacking:
        raise KompetensError(f"Originalen saknas för {', '.join(lacking)} i "
                             f"{Path(masters) if masters else 'exercises/masters'}.")
    copies = {item.id: participant_copy(nbformat.read(sources[item.stem], as_version=4))
              for item in items}
    from kompetens_lib.exercises.core import default_groups

    when = (now or _now()).isoformat()
    out = Path(out)
    outcomes = []
    for person in participants:
        groups = person.groups or tuple(default_groups(person.region))
        person = Participant(person.name, person.slug, person.region, groups,
                             person.groups_given, person.row)
        folder = out / person.slug
        folder.mkdir(parents=True, exist_ok=True)
        manifest = _read_manifest(folder)
        files = manifest.get("files", {})
        outcome = ReleaseOutcome(person, folder)
        for item in items:
            data = _released_notebook(copies[item.id], person, groups)
            info = {"exercise": item.id,
                    "version": copies[item.id].metadata["kompetens"]["version"]}
            _place(folder, item.filename, data, files, outcome, when, info)
        _place(folder, README_NAME, _readme(person, items), files, outcome, when,
               {"exercise": ""})
        manifest = {"deltagare": person.name, "slug": person.slug, "region": person.region,
                    "prioriterade_grupper": list(groups), "released": when, "files": files}
        atomic_write_text(folder / MANIFEST,
                          json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        outcomes.append(outcome)
    return outcomes


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


# ---------------------------------------------------------------------------------------
# Collect
# ---------------------------------------------------------------------------------------


def _notebook_meta(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data.get("metadata", {}).get("kompetens", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def collect(source: str | os.PathLike = DEFAULT_RELEASE_DIR, out: str | os.PathLike | None
            = None, *, now: dt.datetime | None = None) -> Path:
    """Copy the participants' notebooks from ``source`` into a new dated snapshot.

    ``source`` is a release folder (one folder per participant) or any folder of hand-ins;
    hand-ins are attributed by the participant recorded in the notebook, else by their
    folder. The originals are only read. Returns the snapshot folder.
    """
    moment = now or _now()
    source = Path(source)
    if not source.is_dir():
        raise KompetensError(f"Mappen {str(source)!r} finns inte. Ange mappen med "
                             "deltagarnas övningar, t.ex. --from deltagare.")
    snapshot = Path(out) if out else Path(DEFAULT_SNAPSHOT_DIR) / f"{moment:%Y-%m-%d_%H%M}"
    if snapshot.exists() and any(snapshot.iterdir()):
        raise KompetensError(f"Mappen {snapshot} finns redan och är inte tom. En insamling "
                             "skrivs aldrig över: välj en ny mapp med --out.")
    if snapshot.resolve().is_relative_to(source.resolve()):
        raise KompetensError("Insamlingen kan inte ligga i mappen som samlas in. Välj en "
                             "mapp utanför den med --out.")
    people: dict[str, dict] = {}
    unattributed: list[str] = []
    skipped: list[str] = []

    def person_for(key: str, name: str, region: str | None, groups=None) -> dict:
        entry = people.get(key)
        if entry is None:
            entry = people[key] = {"deltagare": name, "region": region,
                                   "prioriterade_grupper": groups or [], "files": []}
        return entry

    manifests = {p.parent: _read_manifest(p.parent) for p in source.rglob(MANIFEST)
                 if not _hidden(p.parent, source)}
    for path in sorted(source.rglob("*.ipynb")):
        if _hidden(path, source) or ".ipynb_checkpoints" in path.parts:
            continue
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            skipped.append(str(path.relative_to(source)))
            continue
        folder = next((f for f in manifests if path.is_relative_to(f)), None)
        meta = _notebook_meta(path)
        if folder is not None:
            manifest = manifests[folder]
            name = manifest.get("deltagare") or folder.name
            entry = person_for(fold(name), name, manifest.get("region"),
                               manifest.get("prioriterade_grupper"))
            relative = path.relative_to(folder)
            record = manifest.get("files", {}).get(str(relative.as_posix()))
            pristine = bool(record) and _file_sha(path) == record.get("sha256")
        else:
            name = meta.get("deltagare") or (path.parent.name if path.parent != source
                                             else "")
            if not name:
                unattributed.append(str(path.relative_to(source)))
                continue
            entry = person_for(fold(name), name, meta.get("region"))
            relative = Path(path.name) if meta.get("deltagare") else path.relative_to(
                path.parent)
            pristine = None
        entry["files"].append({"source": path, "relative": relative.as_posix(),
                               "exercise": meta.get("exercise", ""), "pristine": pristine})
    slugs: set[str] = set()
    records = []
    snapshot.mkdir(parents=True, exist_ok=True)
    for entry in sorted(people.values(), key=lambda e: fold(e["deltagare"])):
        slug = slugify(entry["deltagare"]) or "deltagare"
        base, n = slug, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        files = []
        for item in entry["files"]:
            target = snapshot / slug / item["relative"]
            if target.exists():  # two hand-ins with the same name: keep both
                target = target.with_name(f"{target.stem}-{len(files) + 1}{target.suffix}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item["source"], target)
            stat = item["source"].stat()
            files.append({
                "path": target.relative_to(snapshot / slug).as_posix(),
                "original": str(item["source"].resolve()),
                "sha256": _file_sha(target),
                "exercise": item["exercise"],
                "pristine": item["pristine"],
                "modified": dt.datetime.fromtimestamp(stat.st_mtime).replace(
                    microsecond=0).isoformat(),
            })
        records.append({"deltagare": entry["deltagare"], "slug": slug,
                        "region": entry["region"],
                        "prioriterade_grupper": entry["prioriterade_grupper"], "files": files})
    manifest = {"collected": moment.isoformat(), "source": str(source.resolve()),
                "participants": records, "unattributed": unattributed, "skipped": skipped}
    atomic_write_text(snapshot / SNAPSHOT_MANIFEST,
                      json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    count = sum(len(r["files"]) for r in records)
    print(f"Samlade in {count} anteckningsböcker från {len(records)} deltagare till "
          f"{snapshot}/. Originalen är orörda.")
    if unattributed:
        print("Kunde inte knytas till någon deltagare (kom inte med):")
        for name in unattributed:
            print(f"  {name}")
    if skipped:
        print("För stora för att samlas in (över 50 MB):")
        for name in skipped:
            print(f"  {name}")
    return snapshot


# ---------------------------------------------------------------------------------------
# Feedback: run every exercise notebook in a fresh kernel
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackJob:
    slug: str
    exercise: str
    folder: str  # the participant's folder in the snapshot
    notebook: str  # path relative to ``folder``
    cell_timeout: int
    notebook_timeout: int


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            text = line.strip()
            return text if len(text) <= 60 else text[:57] + "…"
    return source.strip().splitlines()[0][:60] if source.strip() else ""


def _is_helper_call(source: str) -> bool:
    """A cell that only calls the exercise helpers (``ex.check_…(ctx, svar)``)."""
    lines = [line.strip() for line in source.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    return bool(lines) and all(line.startswith("ex.") for line in lines)


def _kernel_pid(client) -> int | None:
    manager = getattr(client, "km", None)
    provisioner = getattr(manager, "provisioner", None)
    process = getattr(provisioner, "process", None)
    pid = getattr(process, "pid", None) or getattr(provisioner, "pid", None)
    return int(pid) if pid else None


def _report_cell_source(exercise_id: str) -> str:
    return ("import kompetens_lib.exercises.core as _kompetens_feedback\n"
            "from IPython.display import display as _kompetens_display\n"
            f"_kompetens_display(_kompetens_feedback.report({exercise_id!r}, globals()))")


def run_feedback_job(job: FeedbackJob) -> dict:
    """Execute one exercise notebook in a fresh kernel and return what its checks said.

    Runs in a copy of the participant's folder (their relative paths work, the snapshot is
    not changed). A cell that runs longer than ``cell_timeout`` is interrupted and the rest
    continues; the whole notebook gets ``notebook_timeout`` seconds, then the kernel is
    stopped. Never raises.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    started = time.monotonic()
    result = {"participant": job.slug, "exercise": job.exercise, "file": job.notebook,
              "status": RAN, "seconds": 0.0, "cell_errors": [], "timeouts": [], "checks": [],
              "problem": ""}
    with tempfile.TemporaryDirectory(prefix="kompetens-feedback-") as tmp:
        work = Path(tmp) / "arbete"
        shutil.copytree(job.folder, work)
        path = work / job.notebook
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - a broken file is reported, not fatal
            result.update(status=BROKEN, problem=f"Filen går inte att läsa som anteckningsbok "
                                                 f"({type(exc).__name__}).")
            return result
        report = nbformat.v4.new_code_cell(_report_cell_source(job.exercise))
        nb.cells.append(report)
        client = NotebookClient(nb, timeout=job.cell_timeout, kernel_name="python3",
                                allow_errors=True, interrupt_on_timeout=True,
                                record_timing=False, extra_arguments=["--log-level=ERROR"],
                                resources={"metadata": {"path": str(path.parent)}})
        deadline = started + job.notebook_timeout
        killer: threading.Timer | None = None
        killed = threading.Event()

        def kill() -> None:
            pid = _kernel_pid(client)
            if pid:
                killed.set()
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

        code_number = 0
        # A participant's mandate (exercise 1) is saved inside the temporary copy, never in
        # the facilitator's own mandate folder.
        env = {**os.environ, "KOMPETENS_UPPDRAG": str(Path(tmp) / "uppdrag")}
        try:
            with client.setup_kernel(env=env):
                # The participant's time starts when their kernel is ready: a slow start on
                # a busy machine must not use it up.
                deadline = time.monotonic() + job.notebook_timeout
                killer = threading.Timer(job.notebook_timeout + job.cell_timeout, kill)
                killer.daemon = True
                killer.start()
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    is_report = cell is report
                    if not is_report:
                        code_number += 1
                        if not cell.source.strip():
                            continue
                        if time.monotonic() > deadline:
                            result["status"] = TIMED_OUT
                            continue
                    cell_started = time.monotonic()
                    try:
                        client.execute_cell(cell, index)
                    except DeadKernelError:
                        result["status"] = TIMED_OUT if killed.is_set() else CRASHED
                        if not is_report:
                            result["crash_cell"] = {"cell": code_number,
                                                    "line": _first_line(cell.source)}
                        break
                    elapsed = time.monotonic() - cell_started
                    errors = [o for o in cell.get("outputs", [])
                              if o.get("output_type") == "error"]
                    if is_report:
                        for output in cell.get("outputs", []):
                            data = output.get("data", {})
                            if REPORT_MIME in data:
                                value = data[REPORT_MIME]
                                value = json.loads(value) if isinstance(value, str) else value
                                result["checks"] = list(value.get("checks", []))
                                result["problem"] = value.get("problem", "")
                        if errors and not result["checks"]:
                            result["status"] = BROKEN
                            result["problem"] = (f"Kontrollerna kunde inte köras: "
                                                 f"{errors[0].get('ename')}: "
                                                 f"{errors[0].get('evalue')}")
                        continue
                    where = {"cell": code_number, "line": _first_line(cell.source)}
                    if elapsed >= job.cell_timeout * 0.95:
                        # Interrupted: an interrupt inside an import may leave no error output.
                        result["timeouts"].append({**where, "seconds": job.cell_timeout})
                        continue
                    for error in errors:
                        if error.get("ename") == "NameError" and _is_helper_call(cell.source):
                            continue  # a check of an answer that failed above: already said
                        value = " ".join(str(error.get("evalue", "")).split())
                        result["cell_errors"].append({
                            **where, "ename": error.get("ename", "Fel"),
                            "evalue": value if len(value) <= 300 else value[:297] + "…"})
        except Exception as exc:  # noqa: BLE001 - the kernel could not start, or worse
            if result["status"] == RAN:
                result["status"] = TIMED_OUT if killed.is_set() else CRASHED
                result["problem"] = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            if killer is not None:
                killer.cancel()
    if result["status"] in (CRASHED, TIMED_OUT) and not result["checks"]:
        result["checks"] = [{"exercise": job.exercise, "check": spec.id, "title": spec.title,
                             "status": "not_run", "messages": []} for spec in checks(job.exercise)]
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _not_started(slug: str, exercise_id: str, notebook: str) -> dict:
    return {"participant": slug, "exercise": exercise_id, "file": notebook,
            "status": NOT_STARTED, "seconds": 0.0, "cell_errors": [], "timeouts": [],
            "problem": "",
            "checks": [{"exercise": exercise_id, "check": spec.id, "title": spec.title,
                        "status": MISSING, "messages": ["Fyll i cellen ovan först."]}
                       for spec in checks(exercise_id)]}


def _read_snapshot(snapshot: Path) -> dict:
    file = snapshot / SNAPSHOT_MANIFEST
    if not file.is_file():
        raise KompetensError(f"{snapshot} är ingen insamling: filen {SNAPSHOT_MANIFEST} "
                             "saknas. Samla först in med kompetens cohort collect.")
    return json.loads(file.read_text(encoding="utf-8"))


def _choose(files: list[dict]) -> dict:
    """The notebook to give feedback on: one the participant changed, the newest first."""
    changed = [f for f in files if f.get("pristine") is not True]
    pool = changed or files
    return max(pool, key=lambda f: (f.get("modified", ""), f["path"]))


def plan_feedback(snapshot: Path, cell_timeout: int, notebook_timeout: int
                  ) -> tuple[dict, list[FeedbackJob], list[dict]]:
    """The snapshot's manifest, the notebooks to run, and the results known without running
    (notebooks still as released: not started)."""
    manifest = _read_snapshot(snapshot)
    jobs, known = [], []
    for person in manifest["participants"]:
        by_exercise: dict[str, list[dict]] = {}
        for item in person["files"]:
            if item.get("exercise") in EXERCISES:
                by_exercise.setdefault(item["exercise"], []).append(item)
        for exercise_id, files in sorted(by_exercise.items(),
                                         key=lambda kv: EXERCISES[kv[0]].number):
            chosen = _choose(files)
            if chosen.get("pristine") is True:
                known.append(_not_started(person["slug"], exercise_id, chosen["path"]))
            else:
                jobs.append(FeedbackJob(person["slug"], exercise_id,
                                        str((snapshot / person["slug"]).resolve()),
                                        chosen["path"], cell_timeout, notebook_timeout))
    return manifest, jobs, known


def run_jobs(jobs: list[FeedbackJob], workers: int | None = None, progress=None) -> list[dict]:
    """Run feedback jobs, in parallel worker processes when there is more than one."""
    results: list[dict] = []
    if not jobs:
        return results
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        for job in jobs:
            results.append(run_feedback_job(job))
            if progress:
                progress(results[-1], len(results), len(jobs))
        return results
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_feedback_job, job): job for job in jobs}
        for future in cf.as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except BaseException as exc:  # noqa: BLE001 - a worker process died
                result = {"participant": job.slug, "exercise": job.exercise,
                          "file": job.notebook, "status": CRASHED, "seconds": 0.0,
                          "cell_errors": [], "timeouts": [], "checks": [],
                          "problem": f"{type(exc).__name__}: {exc}"[:300]}
            results.append(result)
            if progress:
                progress(result, len(results), len(jobs))
    return results


# ---------------------------------------------------------------------------------------
# Feedback pages
# ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f5f5f5}
.passed{color:#1b7a3a}.failed{color:#a35200}.missing,.not_run{color:#555}
.problem{background:#fdf3e7;border-left:4px solid #a35200;padding:.4rem .8rem;margin:.4rem 0}
.kontroll{margin:.4rem 0}.kontroll ul{margin:.2rem 0}small{color:#555}
"""

_CHECK_ICONS = {PASSED: "✔", FAILED: "✎", MISSING: "…", "not_run": "–"}


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang='sv'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def _summary(result: dict | None) -> tuple[str, str]:
    """(short label for the overview, class) of one exercise's result."""
    if result is None:
        return "– ej inlämnad", "missing"
    status = result["status"]
    if status == NOT_STARTED:
        return "○ inte påbörjad", "missing"
    if status == CRASHED:
        return "✘ kraschade", "failed"
    if status == TIMED_OUT:
        return "⏱ tidsgränsen nåddes", "failed"
    if status == BROKEN:
        return "✘ kunde inte köras", "failed"
    done = sum(c["status"] == PASSED for c in result["checks"])
    total = len(result["checks"])
    warning = " ⚠" if result.get("cell_errors") or result.get("timeouts") else ""
    if total and done == total:
        return "✔ klar" + warning, "passed"
    if all(c["status"] == MISSING for c in result["checks"]) and not warning:
        return "○ inte påbörjad", "missing"
    return f"◐ {done} av {total}{warning}", "failed"


def _status_sentence(result: dict) -> str:
    status = result["status"]
    if status == NOT_STARTED:
        return "Inte påbörjad ännu: inga svar är ifyllda."
    if status == CRASHED:
        where = result.get("crash_cell")
        at = (f" i kodcell {where['cell']} (som börjar med <code>{html.escape(where['line'])}"
              f"</code>)") if where else ""
        return (f"Anteckningsboken kraschade{at}: Python-kärnan stängdes av, så kontrollerna "
                "kunde inte köras. Ta bort eller rätta det som stänger av kärnan och kör om.")
    if status == TIMED_OUT:
        where = result.get("crash_cell")
        at = (f" i kodcell {where['cell']} (som börjar med <code>{html.escape(where['line'])}"
              f"</code>)") if where else ""
        return (f"Anteckningsboken tog för lång tid och stoppades{at}, så kontrollerna kunde "
                "inte köras. Leta efter en loop som aldrig tar slut.")
    if status == BROKEN:
        return "Anteckningsboken kunde inte köras: " + html.escape(result.get("problem", ""))
    done = sum(c["status"] == PASSED for c in result["checks"])
    total = len(result["checks"])
    if total and done == total:
        return f"<strong>{ALL_PASSED}</strong> Bra jobbat!"
    return f"{done} av {total} delar klara. Fortsätt gärna där kontrollerna säger något."


def _result_html(result: dict) -> str:
    parts = [f"<p>{_status_sentence(result)}</p>"]
    for item in result.get("timeouts", []):
        parts.append(
            f"<div class='problem'>Kodcell {item['cell']} (som börjar med "
            f"<code>{html.escape(item['line'])}</code>) avbröts efter {item['seconds']} "
            "sekunder. Kontrollera att loopen tar slut; resten av anteckningsboken kördes "
            "ändå.</div>")
    for item in result.get("cell_errors", []):
        parts.append(
            f"<div class='problem'>Kodcell {item['cell']} (som börjar med "
            f"<code>{html.escape(item['line'])}</code>) gav ett fel: "
            f"<code>{html.escape(item['ename'])}: {html.escape(item['evalue'])}</code>. "
            "Rätta felet och kör om cellen.</div>")
    if result.get("problem") and result["status"] == RAN:
        parts.append(f"<div class='problem'>{html.escape(result['problem'])}</div>")
    if result["status"] in (RAN,):
        for check in result["checks"]:
            status = check["status"]
            headline = {PASSED: ALL_PASSED, MISSING: "Inte besvarad ännu.",
                        FAILED: "Inte riktigt än:"}.get(status, "")
            items = "".join(f"<li>{html.escape(m)}</li>" for m in check.get("messages", [])
                            if status == FAILED)
            listing = f"<ul>{items}</ul>" if items else ""
            parts.append(f"<div class='kontroll {status}'>{_CHECK_ICONS.get(status, '')} "
                         f"<strong>{html.escape(check['title'])}</strong>: "
                         f"{html.escape(headline)}{listing}</div>")
    return "\n".join(parts)


def _participant_page(person: dict, results: dict[str, dict], collected: str,
                      exercise_ids: list[str]) -> str:
    moment = dt.datetime.fromisoformat(collected)
    region = person.get("region")
    where = f"{region_name(region)} ({region}) · " if region else ""
    body = [f"<h1>Återkoppling till {html.escape(person['deltagare'])}</h1>",
            f"<p><small>{html.escape(where)}insamlat {_swedish_time(moment)}</small></p>",
            ("<p>Här är vad kontrollerna i dina övningar säger, körda på nytt från början. "
            "De visar inga facit: svaren räknas fram för ditt län. Står det <em>Alla synliga "
            "kontroller godkända</em> är övningen klar – resten tar vi gärna upp vid nästa "
            "träff.</p>")]
    for exercise_id in exercise_ids:
        item = EXERCISES[exercise_id]
        result = results.get(exercise_id)
        body.append(f"<h2>Övning {item.number} – {html.escape(item.title)}</h2>")
        if result is None:
            body.append("<p>Ingen anteckningsbok för den här övningen kom med i "
                        "insamlingen.</p>")
        else:
            body.append(_result_html(result))
            body.append(f"<p><small>Fil: {html.escape(result['file'])}</small></p>")
    body.append("<h2>Behöver du hjälp?</h2><p>Fråga handledaren eller en kollega i kohorten. "
                "Mer om övningarna finns i arbetsbokens <code>docs/deltagare.md</code>.</p>")
    return _page(f"Återkoppling – {person['deltagare']}", "\n".join(body))


def _overview_page(manifest: dict, by_person: dict[str, dict[str, dict]],
                   exercise_ids: list[str], seconds: float) -> str:
    moment = dt.datetime.fromisoformat(manifest["collected"])
    people = manifest["participants"]
    ran = sum(r["status"] != NOT_STARTED for rs in by_person.values() for r in rs.values())
    head = "".join(f"<th>Övning {EXERCISES[e].number}<br><small>{html.escape(EXERCISES[e].title)}"
                   f"</small></th>" for e in exercise_ids)
    rows = []
    for person in people:
        results = by_person.get(person["slug"], {})
        region = person.get("region") or ""
        cells = []
        for exercise_id in exercise_ids:
            label, css = _summary(results.get(exercise_id))
            cells.append(f"<td class='{css}'>{html.escape(label)}</td>")
        rows.append(f"<tr><td><a href='{html.escape(person['slug'])}.html'>"
                    f"{html.escape(person['deltagare'])}</a></td><td>{html.escape(region)}</td>"
                    + "".join(cells) + "</tr>")
    table = (f"<table><tr><th>Deltagare</th><th>Län</th>{head}</tr>" + "".join(rows)
             + "</table>")
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for results in by_person.values():
        for exercise_id, result in results.items():
            for check in result["checks"]:
                key = (exercise_id, check["check"])
                entry = counts.setdefault(key, {"title": check["title"], PASSED: 0, FAILED: 0,
                                                MISSING: 0, "not_run": 0})
                entry[check["status"]] = entry.get(check["status"], 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][FAILED], -kv[1][MISSING],
                                                     EXERCISES[kv[0][0]].number))
    check_rows = "".join(
        f"<tr><td>Övning {EXERCISES[e].number}</td><td>{html.escape(v['title'])}</td>"
        f"<td>{v[FAILED]}</td><td>{v[MISSING]}</td><td>{v[PASSED]}</td></tr>"
        for (e, _), v in ranked if v[FAILED] or v[MISSING])
    check_table = (
        "<table><tr><th>Övning</th><th>Kontroll</th><th>inte klar än</th><th>ej besvarad</th>"
        f"<th>godkänd</th></tr>{check_rows}</table>" if check_rows
        else "<p>Alla kontroller som kördes är godkända.</p>")
    problems = []
    names = {p["slug"]: p["deltagare"] for p in people}
    for slug, results in by_person.items():
        for exercise_id, result in sorted(results.items(), key=lambda kv: EXERCISES[kv[0]].number):
            label = f"{names.get(slug, slug)}, övning {EXERCISES[exercise_id].number}"
            if result["status"] in (CRASHED, TIMED_OUT, BROKEN):
                problems.append(f"<li>{html.escape(label)}: {html.escape(_summary(result)[0])}"
                                + (f" – {html.escape(result['problem'])}"
                                   if result.get("problem") else "") + "</li>")
            for item in result.get("timeouts", []):
                problems.append(f"<li>{html.escape(label)}: kodcell {item['cell']} avbröts "
                                f"efter {item['seconds']} s (<code>{html.escape(item['line'])}"
                                "</code>)</li>")
            for item in result.get("cell_errors", []):
                problems.append(f"<li>{html.escape(label)}: kodcell {item['cell']} gav "
                                f"<code>{html.escape(item['ename'])}</code></li>")
    problem_list = f"<ul>{''.join(problems)}</ul>" if problems else "<p>Inga.</p>"
    legend = ("<p><small>✔ klar: alla synliga kontroller godkända · ◐ delvis klar · "
              "○ inte påbörjad · ✘ kraschade eller kunde inte köras · ⏱ tidsgränsen nåddes · "
              "⚠ fel eller avbruten cell i anteckningsboken · – ej inlämnad</small></p>")
    body = [
        "<h1>Kohortöversikt</h1>",
        f"<p>Insamlat {_swedish_time(moment)} · {len(people)} deltagare · {ran} "
        f"anteckningsböcker körda på {seconds:.0f} s.</p>".replace(".0 s", " s"),
        "<h2>Vem har gjort vad</h2>", table, legend,
        "<h2>Kontroller som oftast inte går igenom</h2>",
        ("<p>Sorterat efter hur många som inte är klara. En kontroll som många fastnar på är "
        "ett bra ämne för nästa träff.</p>"), check_table,
        "<h2>Problem vid körningen</h2>", problem_list,
    ]
    if manifest.get("unattributed"):
        body.append("<h2>Filer utan deltagare</h2><ul>" + "".join(
            f"<li>{html.escape(n)}</li>" for n in manifest["unattributed"]) + "</ul>")
    return _page("Kohortöversikt", "\n".join(body))


def feedback(snapshot: str | os.PathLike, out: str | os.PathLike | None = None, *,
             cell_timeout: int = DEFAULT_CELL_TIMEOUT,
             notebook_timeout: int = DEFAULT_NOTEBOOK_TIMEOUT,
             workers: int | None = None, progress=None) -> Path:
    """Run the checks of every collected exercise notebook and write the feedback pages:
    ``<out>/index.html`` (the cohort), ``<out>/<deltagare>.html`` and ``aterkoppling.json``.
    Returns ``out``."""
    if cell_timeout < 1 or notebook_timeout < 1:
        raise KompetensError("Tidsgränserna måste vara minst 1 sekund.")
    snapshot = Path(snapshot)
    manifest, jobs, known = plan_feedback(snapshot, cell_timeout, notebook_timeout)
    out = Path(out) if out else Path(DEFAULT_FEEDBACK_DIR) / snapshot.name
    started = time.monotonic()
    results = known + run_jobs(jobs, workers, progress)
    seconds = time.monotonic() - started
    by_person: dict[str, dict[str, dict]] = {}
    for result in results:
        by_person.setdefault(result["participant"], {})[result["exercise"]] = result
    exercise_ids = sorted({r["exercise"] for r in results}, key=lambda e: EXERCISES[e].number)
    out.mkdir(parents=True, exist_ok=True)
    for person in manifest["participants"]:
        page = _participant_page(person, by_person.get(person["slug"], {}),
                                 manifest["collected"], exercise_ids)
        atomic_write_text(out / f"{person['slug']}.html", page)
    atomic_write_text(out / "index.html",
                      _overview_page(manifest, by_person, exercise_ids, seconds))
    record = {"collected": manifest["collected"], "snapshot": str(snapshot.resolve()),
              "participants": [{"deltagare": p["deltagare"], "slug": p["slug"],
                                "region": p.get("region"),
                                "results": [by_person.get(p["slug"], {})[e] for e in exercise_ids
                                            if e in by_person.get(p["slug"], {})]}
                               for p in manifest["participants"]]}
    atomic_write_text(out / FEEDBACK_JSON, json.dumps(record, ensure_ascii=False, indent=1)
                      + "\n")
    return out


# ---------------------------------------------------------------------------------------
# Command line: kompetens cohort release|collect|feedback
# ---------------------------------------------------------------------------------------


def _parser(action: str) -> argparse.ArgumentParser:
    from kompetens_lib import cli  # noqa: F401 - installs the Swedish argparse phrases

    prog = f"kompetens cohort {action}"
    if action == "release":
        parser = argparse.ArgumentParser(
            prog=prog,
            description="Delar ut övningarna: en mapp per deltagare i deltagarlistan, med "
                        "län och prioriterade grupper redan ifyllda. En fil som deltagaren "
                        "har ändrat skrivs aldrig över; en ny version hamnar bredvid.")
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
        parser = argparse.ArgumentParser(
            prog=prog,
            description="Samlar in deltagarnas anteckningsböcker till en daterad insamling. "
                        "Originalen ändras inte.")
        parser.add_argument("--from", dest="source", default=DEFAULT_RELEASE_DIR,
                            metavar="MAPP",
                            help=f"mappen med deltagarnas mappar eller inlämnade filer "
                                 f"(standard: {DEFAULT_RELEASE_DIR})")
        parser.add_argument("--out", metavar="INSAMLING",
                            help=f"ny mapp för insamlingen (standard: "
                                 f"{DEFAULT_SNAPSHOT_DIR}/ÅÅÅÅ-MM-DD_TTMM)")
    else:
        parser = argparse.ArgumentParser(
            prog=prog,
            description="Kör alla kontroller i en insamling, varje anteckningsbok i en ny "
                        "Python-kärna med tidsgräns, och skriver en återkopplingssida per "
                        "deltagare och en kohortöversikt.")
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
    return parser


class _Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, result: dict, finished: int, total: int) -> None:
        label = {RAN: "klar", CRASHED: "KRASCHADE", TIMED_OUT: "TIDSGRÄNS",
                 BROKEN: "KUNDE INTE KÖRAS"}.get(result["status"], result["status"])
        seconds = f"{result['seconds']:.1f}".replace(".", ",")
        print(f"  [{finished}/{total}] {result['participant']} övning "
              f"{EXERCISES[result['exercise']].number}: {label} ({seconds} s)", flush=True)


def cli_cohort(argv: list[str]) -> int:
    """``kompetens cohort ACTION …``: ``argv[0]`` is release, collect or feedback."""
    actions = ("release", "collect", "feedback")
    if not argv or argv[0] not in actions:
        print(f"kompetens cohort: fel: ange en åtgärd: {', '.join(actions)}.", file=sys.stderr)
        return 2
    action, rest = argv[0], argv[1:]
    args = _parser(action).parse_args(rest)
    try:
        if action == "release":
            out = Path(args.out)
            print(f"Delar ut övningar till deltagarna i {args.roster} …", flush=True)
            outcomes = release(args.roster, out, masters=args.masters,
                               selection=args.exercises)
            _print_release(outcomes, out)
            return 0
        if action == "collect":
            collect(args.source, args.out)
            return 0
        if args.jobs is not None and args.jobs < 1:
            raise KompetensError(f"--jobs måste vara minst 1, inte {args.jobs}.")
        snapshot = Path(args.snapshot)
        print(f"Kör kontrollerna för insamlingen {snapshot} …", flush=True)
        out = feedback(snapshot, args.out, cell_timeout=args.timeout,
                       notebook_timeout=args.notebook_timeout, workers=args.jobs,
                       progress=_Progress())
        print(f"Klart. Kohortöversikten: {out / 'index.html'}; en sida per deltagare i {out}/.")
        return 0
    except KompetensError as exc:
        print(f"kompetens cohort {action}: fel: {exc}", file=sys.stderr)
        return 2
