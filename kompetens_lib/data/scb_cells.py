"""What the cells of an SCB download mean: variable names, year headings, totals, values.

Shared by the CSV and Excel readers and the tidy step of :mod:`kompetens_lib.data.scb_import`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from kompetens_lib._internal.text import strip_accents

__all__ = [
    "RawTable",
    "TIME_NAMES",
    "YEAR_RE",
    "is_total_label",
    "is_value_cell",
    "parse_number",
    "shorten",
    "snake_name",
]

# "2017", "2006 Samtliga", "2019K4", "2020M01": the year is the leading four digits.
YEAR_RE = re.compile(r"^((?:18|19|20|21)\d\d)(?!\d)[\s:]*(.*)$")
TIME_NAMES = {"ar", "year", "tid", "time", "period", "manad", "month", "kvartal", "quarter"}
_MISSING_MARKERS = {"..": "..", ".": ".", "": ""}
# SCB's legend: "–" means "nothing to report" (zero), not a missing value.
_ZERO_MARKERS = {"-", "–", "—"}
_THOUSANDS_SPACES = " \u00a0\u202f\u2009"
# Variable names in English downloads mapped to the Swedish names used in the code.
_ENGLISH_NAMES = {
    "sex": "kon",
    "gender": "kon",
    "age": "alder",
    "level_of_education": "utbildningsniva",
    "educational_level": "utbildningsniva",
    "education_level": "utbildningsniva",
    "educational_attainment": "utbildningsniva",
    "educational_attainment_level": "utbildningsniva",
    "level_of_educational_attainment": "utbildningsniva",
}
# Labels of a total member: "totalt", "samtliga utbildningsgrupper", "00 Riket", "Total".
_TOTAL_RE = re.compile(
    r"^(totalt|total|samtliga|summa|alla|all|both sexes|riket|hela riket|sverige|sweden)\b"
)


def snake_name(text: str) -> str:
    """Variable name as snake_case ASCII: 'utbildningsnivå' → 'utbildningsniva'.

    >>> snake_name("kön"), snake_name("occupation (SSYK 2012)"), snake_name("Sex")
    ('kon', 'occupation_ssyk_2012', 'kon')
    """
    name = re.sub(r"[^a-z0-9]+", "_", strip_accents(text)).strip("_")
    name = _ENGLISH_NAMES.get(name, name)
    if name and name[0].isdigit():
        name = "v_" + name
    return name


def is_total_label(text: str) -> bool:
    """Whether a label names a total member ("totalt", "samtliga …", "Riket", "Total")."""
    return bool(_TOTAL_RE.match(strip_accents(text).strip()))


def shorten(value: object, limit: int = 60) -> str:
    """``value`` as text of at most ``limit`` characters, cut with "…" (for messages)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class RawTable:
    """The header and data rows of a file, before they are made tidy."""

    name: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[Any]]]
    title: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    separator: str | None = None
    forward_filled: bool = False


def parse_number(cell: Any) -> tuple[float | int | None, str]:
    """Parse one value cell; return (number or None, kind).

    kind: "int", "float:<decimal char>:<decimals>", "missing:<marker>", "zero" (SCB's dash).
    Raises ValueError for anything else.
    """
    if isinstance(cell, bool):
        raise ValueError(cell)  # noqa: TRY004 - callers treat it as "not a number"
    if isinstance(cell, int):
        return cell, "int"
    if isinstance(cell, float):
        if math.isnan(cell):
            return None, "missing:"
        if cell.is_integer():
            return int(cell), "int"
        decimals = len(repr(round(cell, 9)).partition(".")[2])
        return cell, f"float::{decimals}"
    text = "" if cell is None else str(cell).strip()
    if text in _MISSING_MARKERS:
        return None, f"missing:{text}"
    if text in _ZERO_MARKERS:
        return 0, "zero"
    sign = 1
    if text[0] in "+-−":
        sign = -1 if text[0] != "+" else 1
        text = text[1:].lstrip()
    match = re.fullmatch(r"(\d[\d \u00a0\u202f\u2009]*)(?:([.,])(\d+))?", text)
    if not match:
        raise ValueError(cell)
    whole, point, frac = match.groups()
    groups = re.split(f"[{_THOUSANDS_SPACES}]+", whole.strip())
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(cell)
    digits = "".join(groups)
    if point is None:
        return sign * int(digits), "int"
    return sign * float(f"{digits}.{frac}"), f"float:{point}:{len(frac)}"


def is_value_cell(value: Any) -> bool:
    """Whether a cell holds a value: a number, a missing-value marker or SCB's dash."""
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        parse_number(value)
    except ValueError:
        return False
    return True
