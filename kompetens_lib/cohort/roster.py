"""The cohort's roster: read and validate the facilitator's participant list (CSV).

One :class:`Participant` per row, with county and priority groups resolved; every bad row is
reported at once, before anything is released.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from kompetens_lib._internal.text import fold, person_key, short_slug
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises import parse_groups
from kompetens_lib.reference.regions import (
    region_name,
    regions,
    resolve_region,
    suggest_region,
)

__all__ = ["ROSTER_COLUMNS", "Participant", "participant_slug", "read_roster"]

ROSTER_COLUMNS = ("deltagare", "region", "prioriterade_grupper")


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


def participant_slug(name: str) -> str:
    """A participant's folder name: ASCII, at most 60 characters (a longer name is cut and
    given a hash of the whole name)."""
    return short_slug(name, 60, "deltagare")


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
    data = file.read_bytes()
    if data[:4] == b"PK\x03\x04" or file.suffix.lower() in (".xlsx", ".xls", ".ods"):
        raise KompetensError(f"Deltagarlistan {file.name} är en kalkylbok, inte en CSV-fil. "
                             "Spara den som CSV i Excel (Arkiv → Spara som → CSV UTF-8) och "
                             "ange den filen.")
    if b"\x00" in data[:4096]:
        raise KompetensError(f"Deltagarlistan {file.name} är ingen textfil. Ange en CSV-fil "
                             "med kolumnerna deltagare och region.")
    text = _decode(data)
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
            key = person_key(name)
            slug = participant_slug(name)
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
            text = "; ".join(row_problems)
            problems.append(f"{who}: {text}" + ("" if text.endswith(("?", ".", "!")) else "."))
            continue
        assert code is not None
        chosen = tuple(groups)
        participants.append(Participant(name, participant_slug(name), code,
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

