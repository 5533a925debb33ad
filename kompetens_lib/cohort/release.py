"""Release: give each participant of a roster a folder with their parameterised exercises.

The exercises are parameterised for the participant's county and groups (papermill's
prepare-only mode); a rerun never overwrites a file the participant has changed: the new
version is written beside it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kompetens_lib._internal.files import atomic_write_bytes, atomic_write_text
from kompetens_lib._internal.text import person_key
from kompetens_lib.cohort.roster import Participant, read_roster
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises import (
    EXERCISES,
    RELEASE_MANIFEST,
    default_groups,
    exercise,
    group_name,
    master_paths,
    participant_copy,
)
from kompetens_lib.exercises.copies import rewrite_links
from kompetens_lib.publish.executor import inject_parameters

__all__ = ["BESIDE_SUFFIX", "DEFAULT_RELEASE_DIR", "LOCK_NAME", "MANIFEST", "README_NAME",
           "ReleaseOutcome", "file_sha256", "locked", "read_release_manifest", "release",
           "select_exercises"]

MANIFEST = RELEASE_MANIFEST
README_NAME = "LASMIG.md"
BESIDE_SUFFIX = "_ny-version"
DEFAULT_RELEASE_DIR = "deltagare"
#: Two releases into one folder at the same time wait for each other on this file.
LOCK_NAME = ".utdelning.lock"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex: how release and collect tell a file the
    participant has changed from one as released."""
    return _sha(Path(path).read_bytes())


def read_release_manifest(folder: Path) -> dict:
    """The release manifest of a participant's folder (what was released, with hashes);
    ``{}`` when there is none or it cannot be read."""
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _literal(value: object) -> str:
    """A Python literal with Swedish letters kept readable (papermill escapes them)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def _parameter_source(person: Participant, groups: tuple[str, ...]) -> str:
    names = ", ".join(group_name(g) for g in groups)
    note = "" if person.groups_given else " (länets största grupper utom förgymnasial och okänd)"
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

    parameters = {"deltagare": person.name, "region": person.region,
                  "prioriterade_grupper": list(groups)}
    nb = inject_parameters(copy, parameters)
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
    current = file_sha256(target)
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
        if path.exists() and file_sha256(path) == new_sha:
            outcome.add("oförändrad", candidate)
            return
        entry = files.get(candidate)
        if not path.exists() or (entry and file_sha256(path) == entry.get("sha256")):
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


def _flat_links(nb: Any, filename: str) -> Any:
    """A released copy lies alone in the participant's folder: its links to the workbook's
    notebooks and docs become text naming the file, so that no link in the folder is dead."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source, Path(filename), set())
    return nb


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
    copies = {item.id: _flat_links(
        participant_copy(nbformat.read(sources[item.stem], as_version=4)), item.filename)
              for item in items}
    when = (now or _now()).isoformat()
    out = Path(out)
    _check_folders(participants, out)
    with locked(out):
        _check_folders(participants, out)  # again: another release may have run meanwhile
        return _release_all(participants, items, copies, out, when)


def _check_folders(participants: list[Participant], out: Path) -> None:
    """Refuse, before anything is written, to give a person a folder released to someone
    else ("Eva Oberg" never gets the folder and edits of "Eva Öberg")."""
    problems = []
    for person in participants:
        owner = read_release_manifest(out / person.slug).get("deltagare")
        if owner and person_key(owner) != person_key(person.name):
            problems.append(f"mappen {person.slug} tillhör {owner}, men rad {person.row} i "
                            f"listan är {person.name}")
    if problems:
        raise KompetensError(
            "Deltagarlistan ger en person en mapp som redan delats ut till någon annan: "
            + "; ".join(problems) + ". Olika personer får aldrig samma mapp. Är det samma "
            "person, skriv namnet som förut; annars skriv namnet så att det ger ett eget "
            "mappnamn (t.ex. med en initial) eller dela ut till en ny mapp med --out.")


class locked:
    """Hold an exclusive lock (fcntl) on ``.<out>.utdelning.lock`` beside ``out`` while
    releasing into ``out``."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.handle = None

    def __enter__(self):
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            # Beside the folder, not in it: the folder holds only participants' folders.
            self.handle = open(self.out.parent / f".{self.out.name}{LOCK_NAME}", "a+b")
        except OSError as exc:
            raise KompetensError(f"Kan inte skriva i mappen {self.out} (felkod {exc.errno}). "
                                 "Ange en mapp du får skriva i med --out.") from None
        try:
            import fcntl

            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)
        except (ImportError, OSError):
            pass  # no locks here (not POSIX): releases are not serialised
        return self

    def __exit__(self, *exc):
        if self.handle is not None:
            self.handle.close()  # closing releases the lock
        return False


def _release_all(participants: list[Participant], items: list, copies: dict, out: Path,
                 when: str) -> list[ReleaseOutcome]:
    outcomes = []
    for person in participants:
        groups = person.groups or tuple(default_groups(person.region))
        person = Participant(person.name, person.slug, person.region, groups,
                             person.groups_given, person.row)
        folder = out / person.slug
        folder.mkdir(parents=True, exist_ok=True)
        manifest = read_release_manifest(folder)
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

