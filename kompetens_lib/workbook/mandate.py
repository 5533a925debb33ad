"""The participant's mandate (*uppdrag*): the question, the decision it serves, who asked, who
receives the answer, by when, and the delimitation. Stored as a small JSON file per county
that the later notebooks and the reports show at the top (the display is in
:mod:`kompetens_lib.present.summaries`).

Where the files live
--------------------
``$KOMPETENS_UPPDRAG`` if set (a folder). Otherwise the folder ``uppdrag/`` in the workbook:
the first of the working directory and its parents that holds a ``notebooks`` folder, so
that a notebook in ``notebooks/``, an exercise in ``exercises/`` and a command in the
checkout's root all find the same files; if there is none, ``uppdrag/`` in the working
directory. Each county has one file, ``uppdrag/<länskod>.json`` (e.g. ``uppdrag/12.json``);
earlier versions are kept in ``uppdrag/tidigare/``.

Mandate files name people (who asked, who receives): they are personal data and are kept
out of git (``uppdrag/`` is in ``.gitignore``). When a county has no file, :func:`load`
returns a clearly marked example mandate, so that batch runs and reports still work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kompetens_lib._internal.checks import check_flag
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import region_name, resolve_region

__all__ = [
    "ENV_VAR",
    "EXAMPLE_TITLE",
    "FIELD_LABELS",
    "Mandate",
    "NotSaved",
    "Saved",
    "check",
    "example",
    "hints",
    "is_complete",
    "load",
    "mandate_dir",
    "mandate_path",
    "save",
    "save_if",
]

ENV_VAR = "KOMPETENS_UPPDRAG"
FOLDER = "uppdrag"
HISTORY = "tidigare"
FORMAT = "kompetens-uppdrag/1"
EXAMPLE_TITLE = "Exempeluppdrag – ersätt med ditt eget"

#: Swedish labels, in the order a reader meets them. The JSON file uses the same Swedish
#: keys (:data:`_FILE_KEYS`), so a participant can read and edit it by hand.
FIELD_LABELS: dict[str, str] = {
    "question": "Fråga",
    "decision": "Beslut som analysen ska stödja",
    "requested_by": "Uppdragsgivare",
    "recipient": "Mottagare",
    "deadline": "Klart senast",
    "scope": "Avgränsning",
}
_FILE_KEYS: dict[str, str] = {
    "question": "fråga",
    "decision": "beslut",
    "requested_by": "uppdragsgivare",
    "recipient": "mottagare",
    "deadline": "klart_senast",
    "scope": "avgränsning",
}

#: The example mandate's deadline: a fixed date, so that example runs are reproducible.
EXAMPLE_DEADLINE = dt.date(2027, 3, 31)


def _as_date(value: object) -> dt.date | None:
    """A deadline from a date or an ISO string (``2027-03-31``); empty gives None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise KompetensError(
        f"Datumet {text!r} går inte att läsa. Skriv datumet som ÅÅÅÅ-MM-DD, "
        "till exempel \"2027-03-31\"."
    )


@dataclass(frozen=True)
class Mandate:
    """One county's mandate. Text fields are stripped; ``deadline`` is a date or None.

    ``example`` marks the built-in example mandate; ``saved`` is the time the file was
    written (ISO text), empty for a mandate not yet saved.

    >>> m = Mandate("skåne", question="Hur många undersköterskor behövs till 2035?",
    ...             decision="Antal platser i regionalt yrkesvux 2026", recipient="Nämnden",
    ...             deadline="2027-03-31")
    >>> m.region, m.deadline.isoformat(), is_complete(m)
    ('12', '2027-03-31', True)
    """

    region: str
    question: str = ""
    decision: str = ""
    requested_by: str = ""
    recipient: str = ""
    deadline: dt.date | None = None
    scope: str = ""
    example: bool = False
    saved: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "region", resolve_region(self.region))
        for name in ("question", "decision", "requested_by", "recipient", "scope", "saved"):
            value = getattr(self, name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise KompetensError(
                    f"Uppdragets fält {FIELD_LABELS.get(name, name).lower()!r} ska vara text "
                    f"inom citattecken, inte {type(value).__name__} ({value!r})."
                )
            object.__setattr__(self, name, " ".join(value.split()))
        object.__setattr__(self, "deadline", _as_date(self.deadline))

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    def as_record(self) -> dict:
        """The JSON record written to the mandate file (Swedish keys)."""
        record: dict = {"format": FORMAT, "län": self.region}
        for name, key in _FILE_KEYS.items():
            value = getattr(self, name)
            record[key] = value.isoformat() if isinstance(value, dt.date) else value
        record["sparad"] = self.saved
        return record

    @classmethod
    def from_record(cls, record: dict, *, file: str = "<uppdrag>") -> Mandate:
        """Read a record written by :meth:`as_record` (English keys are also accepted)."""
        if not isinstance(record, dict):
            raise KompetensError(
                f"Uppdragsfilen {file} ska innehålla ett JSON-objekt ({{…}}), inte "
                f"{type(record).__name__}."
            )
        values: dict = {}
        for name, key in _FILE_KEYS.items():
            if key in record:
                values[name] = record[key]
            elif name in record:
                values[name] = record[name]
        region = record.get("län", record.get("region"))
        if region is None:
            raise KompetensError(f"Uppdragsfilen {file} saknar fältet \"län\" (länskoden).")
        try:
            return cls(region=region, saved=str(record.get("sparad", "") or ""), **values)
        except KompetensError as exc:
            raise KompetensError(f"Uppdragsfilen {file}: {exc}") from None


def check(mandate: Mandate) -> list[str]:
    """What the mandate lacks before it can guide an analysis, in Swedish; empty if complete.

    Required: a question; the decision the question serves; a recipient; a deadline.
    (Who asked and the delimitation are recommended: see :func:`hints`.)

    >>> check(Mandate("12", question="Hur många?"))[0].split(":")[0]
    'Beslutet saknas'
    """
    problems = []
    if not mandate.question:
        problems.append("Frågan saknas: skriv vilken fråga analysen ska besvara.")
    if not mandate.decision:
        problems.append(
            "Beslutet saknas: skriv vilket beslut frågan ska ge underlag till, t.ex. antal "
            "platser i regionalt yrkesvux nästa år."
        )
    if not mandate.recipient:
        problems.append("Mottagaren saknas: skriv vem som ska använda svaret.")
    if mandate.deadline is None:
        problems.append("Datumet saknas: skriv när svaret ska vara klart, som ÅÅÅÅ-MM-DD.")
    return problems


def hints(mandate: Mandate) -> list[str]:
    """Recommendations that do not block saving (Swedish)."""
    found = []
    if not mandate.requested_by:
        found.append("Skriv vem som gav uppdraget – det är chefens mandat som ger analysen "
                     "genomslag.")
    if not mandate.scope:
        found.append("Skriv en avgränsning: vilka utbildningsgrupper, vilken tidshorisont, "
                     "vad som inte ingår.")
    return found


def is_complete(mandate: Mandate) -> bool:
    """True when :func:`check` finds nothing missing."""
    return not check(mandate)


def example(region: object) -> Mandate:
    """The example mandate for a county, marked as such (``example=True``).

    It shows what a complete mandate looks like; it is not anybody's real assignment.
    """
    code = resolve_region(region)
    name = region_name(code)
    return Mandate(
        region=code,
        question=(
            f"Vilka yrkesutbildningar behöver fler platser i {name} fram till T&P:s prognosår, "
            "och hur många platser per år i regionalt yrkesvux och yrkeshögskola motsvarar det?"
        ),
        decision=(
            "Regionens prioriteringar inför nästa ansökningsomgång till yrkeshögskolan och "
            "dialogen med kommunerna om platser i regionalt yrkesvux."
        ),
        requested_by="Operativ chef för regional utveckling (exempel)",
        recipient="Regionala utvecklingsnämnden och strategerna för kompetensförsörjning",
        deadline=EXAMPLE_DEADLINE,
        scope=(
            "Hela länet; utbildningsgrupper på gymnasial och eftergymnasial nivå; från basåret "
            "till T&P:s prognosår. Pendling beskrivs men räknas inte om."
        ),
        example=True,
    )


# ----------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------


def mandate_dir() -> Path:
    """The folder of the mandate files (see the module docstring for the rule)."""
    explicit = os.environ.get(ENV_VAR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir():
            return folder / FOLDER
    return here / FOLDER


def mandate_path(region: object, directory: str | os.PathLike | None = None) -> Path:
    """``<mandate folder>/<länskod>.json``."""
    folder = Path(directory) if directory is not None else mandate_dir()
    return folder / f"{resolve_region(region)}.json"


def _display_path(path: Path) -> str:
    """The path relative to the working directory when possible: outputs and pages must not
    carry a participant's home folder."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.name


def load(region: object, directory: str | os.PathLike | None = None) -> Mandate:
    """The county's saved mandate, or the example mandate if it has none.

    A file that exists but cannot be read is an error (never silently replaced by the
    example, which would hide the participant's work).
    """
    code = resolve_region(region)
    path = mandate_path(code, directory)
    if not path.exists():
        return example(code)
    shown = _display_path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KompetensError(
            f"Uppdragsfilen {shown} kunde inte läsas ({type(exc).__name__}: {exc}). Den ska "
            "vara JSON i UTF-8, som mandate.save skriver den. Rätta filen, eller flytta den och "
            "spara uppdraget på nytt; tidigare versioner finns i "
            f"{_display_path(path.parent / HISTORY)}."
        ) from None
    mandate = Mandate.from_record(record, file=shown)
    if mandate.region != code:
        raise KompetensError(
            f"Uppdragsfilen {shown} gäller län {mandate.region} ({mandate.region_name}), inte "
            f"{code} ({region_name(code)}). Filen ska heta {mandate.region}.json."
        )
    return mandate


@dataclass(frozen=True)
class Saved:
    """What :func:`save` did: the file written and, if there was one, the earlier version."""

    path: Path
    previous: Path | None = None
    unchanged: bool = False

    def message(self) -> str:
        shown = _display_path(self.path)
        if self.unchanged:
            return f"Uppdraget är oförändrat; filen {shown} har inte skrivits om."
        text = f"Uppdraget sparades i {shown}."
        if self.previous is not None:
            text += f" Den tidigare versionen finns kvar i {_display_path(self.previous)}."
        return text + " Filen innehåller namn: den hålls utanför git (se .gitignore)."

    def __str__(self) -> str:
        return self.message()


def _write_atomic(path: Path, text: str) -> None:
    """Like :func:`kompetens_lib._internal.files.atomic_write_text`, but the file stays readable
    by its owner only (``mkstemp``'s mode): it names people."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _backup_name(path: Path, now: dt.datetime) -> Path:
    folder = path.parent / HISTORY
    stem = f"{path.stem}-{now:%Y%m%d-%H%M%S}"
    candidate = folder / f"{stem}.json"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.json"
        number += 1
    return candidate


def save(mandate: Mandate, directory: str | os.PathLike | None = None, *,
         allow_incomplete: bool = False, now: dt.datetime | None = None) -> Saved:
    """Write the mandate to ``<folder>/<länskod>.json`` and return what was done.

    The write is atomic (a temporary file in the same folder, then a rename). An earlier
    file with different content is never overwritten silently: it is first copied to
    ``<folder>/tidigare/<länskod>-<tid>.json``. Saving the same content again writes nothing.

    Raises :class:`KompetensError` for the example mandate and, unless
    ``allow_incomplete``, for a mandate that :func:`check` finds incomplete.
    """
    if not isinstance(mandate, Mandate):
        raise KompetensError(
            f"mandate.save behöver ett uppdrag (mandate.Mandate), inte {type(mandate).__name__}."
        )
    if mandate.example:
        raise KompetensError(
            "Det här är exempeluppdraget. Fyll i ditt eget uppdrag (fråga, beslut, mottagare, "
            "datum) och spara det i stället."
        )
    problems = check(mandate)
    if problems and not allow_incomplete:
        raise KompetensError(
            "Uppdraget sparades inte eftersom det är ofullständigt: " + " ".join(problems)
            + " (Vill du spara ett utkast ändå: mandate.save(..., allow_incomplete=True).)"
        )
    now = now or dt.datetime.now().replace(microsecond=0)
    path = mandate_path(mandate.region, directory)
    previous = None
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            old = None
        new = mandate.as_record()
        if isinstance(old, dict) and {k: v for k, v in old.items() if k != "sparad"} == {
                k: v for k, v in new.items() if k != "sparad"}:
            return Saved(path, unchanged=True)
        previous = _backup_name(path, now)
        previous.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, previous)
    stamped = dataclasses.replace(mandate, saved=now.isoformat(timespec="seconds"))
    _write_atomic(path, json.dumps(stamped.as_record(), ensure_ascii=False, indent=2) + "\n")
    return Saved(path, previous)


@dataclass(frozen=True)
class NotSaved:
    """What :func:`save_if` did when it was not asked to save: why, in Swedish."""

    reason: str

    def message(self) -> str:
        return self.reason

    def __str__(self) -> str:
        return self.reason


def save_if(flag: object, mandate: Mandate, directory: str | os.PathLike | None = None
            ) -> Saved | NotSaved:
    """Save only when ``flag`` (the notebook's ``save_mandate`` parameter) is true.

    Batch runs leave the flag False, so they never write files; the result says in Swedish
    what happened either way.
    """
    if not check_flag(flag, "save_mandate"):
        return NotSaved(
            "Uppdraget sparades inte (save_mandate = False). När det är komplett: sätt "
            "save_mandate = True i parametercellen och kör anteckningsboken igen."
        )
    return save(mandate, directory)
