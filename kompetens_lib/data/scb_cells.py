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
    "NumberFormat",
    "RawTable",
    "decide_number_format",
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


@dataclass(frozen=True)
class NumberFormat:
    """How a file writes its numbers, decided from all of its value cells.

    ``decimal`` and ``thousands`` are "," or "." or None (spaces are always thousands);
    ``evidence`` is a Swedish note on what decided it, for the import report.
    """

    decimal: str | None = None
    thousands: str | None = None
    evidence: str = ""


_SHAPE_RE = re.compile(r"\d[\d \u00a0\u202f\u2009.,]*")


def _shape(text: str) -> tuple[str, str | None, str | None] | None:
    """Classify a number's text: ("int"|"dec"|"thou"|"amb"|"both", mark, other mark).

    "amb" is one "," or "." followed by exactly three digits ("1,234"): thousands or
    decimals, which only the rest of the file can tell.
    """
    if not _SHAPE_RE.fullmatch(text):
        return None
    marks = [c for c in text if c in ".,"]
    if not marks:
        return "int", None, None
    kinds = set(marks)
    if len(kinds) == 2:
        dec = marks[-1]
        if marks.count(dec) != 1:
            return None
        return "both", dec, ("," if dec == "." else ".")
    mark = marks[0]
    whole, _, frac = text.rpartition(mark)
    if len(marks) > 1:
        return "thou", mark, None
    if (
        len(frac) == 3
        and frac.isdigit()
        and 1 <= len(whole) <= 3
        and whole.isdigit()
        and not whole.startswith("0")  # "0,720" has no thousands
    ):
        return "amb", mark, None
    return "dec", mark, None


def _to_number(text: str, decimal: str | None, thousands: str | None, cell: Any) -> Any:
    body = text
    for space in _THOUSANDS_SPACES:
        if space in body:
            groups = body.split(decimal)[0] if decimal and decimal in body else body
            parts = re.split(f"[{_THOUSANDS_SPACES}]+", groups.strip())
            if not 1 <= len(parts[0]) <= 3 or any(len(g) != 3 for g in parts[1:]):
                raise ValueError(cell)
            break
    body = re.sub(f"[{_THOUSANDS_SPACES}]", "", body)
    if thousands and thousands in body:
        head = body.split(decimal)[0] if decimal and decimal in body else body
        parts = head.split(thousands)
        if not 1 <= len(parts[0]) <= 3 or any(len(g) != 3 for g in parts[1:]):
            raise ValueError(cell)
        body = body.replace(thousands, "")
    if decimal and decimal in body:
        whole, _, frac = body.partition(decimal)
        if not (whole.isdigit() and frac.isdigit()):
            raise ValueError(cell)
        return float(f"{whole}.{frac}"), len(frac)
    if not body.isdigit():
        raise ValueError(cell)
    return int(body), None


def parse_number(cell: Any, fmt: NumberFormat | None = None) -> tuple[float | int | None, str]:
    """Parse one value cell; return (number or None, kind).

    kind: "int", "float:<decimal char>:<decimals>", "missing:<marker>", "zero" (SCB's dash).
    ``fmt`` is the file's :class:`NumberFormat`; without it a lone "," or "." is a decimal
    mark (enough to tell whether a cell holds a number). Raises ValueError for anything else.
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
    shape = _shape(text)
    if shape is None:
        raise ValueError(cell)
    kind, mark, other = shape
    if fmt is not None:
        decimal, thousands = fmt.decimal, fmt.thousands
    elif kind == "both":
        decimal, thousands = mark, other
    elif kind == "thou":
        decimal, thousands = None, mark
    else:
        decimal, thousands = mark, None
    number, decimals = _to_number(text, decimal, thousands, cell)
    if decimals is None:
        return sign * number, "int"
    return sign * number, f"float:{decimal}:{decimals}"


def decide_number_format(
    cells: list[tuple[Any, int, str]], name: str, decimal: str | None = None
) -> NumberFormat:
    """Decide the file's decimal mark and thousands separator from all its value cells.

    ``cells`` holds (cell, line, column). A lone mark followed by three digits ("1,234")
    is read by what the rest of the file shows: decimals if the same mark appears with
    other than three digits after it, thousands if the other mark is the decimal one.
    When nothing in the file tells, :class:`~kompetens_lib.errors.ScbImportError` shows
    the example, unless ``decimal`` ("," or ".") says it.
    """
    from kompetens_lib.errors import ScbImportError

    dec_seen: dict[str, tuple[Any, int, str]] = {}
    thou_seen: dict[str, tuple[Any, int, str]] = {}
    amb_seen: dict[str, tuple[Any, int, str]] = {}
    spaced: tuple[Any, int, str] | None = None
    texts = 0
    for cell, line, column in cells:
        if not isinstance(cell, str):
            continue
        texts += 1
        text = cell.strip().lstrip("+-−").strip()
        shape = _shape(text) if text else None
        if shape is None:
            continue
        kind, mark, other = shape
        where = (cell, line, column)
        if spaced is None and any(c in text for c in _THOUSANDS_SPACES):
            spaced = where
        if kind == "dec":
            dec_seen.setdefault(mark, where)
        elif kind == "thou":
            thou_seen.setdefault(mark, where)
        elif kind == "amb":
            amb_seen.setdefault(mark, where)
        elif kind == "both":
            dec_seen.setdefault(mark, where)
            thou_seen.setdefault(other, where)

    def show(where: tuple[Any, int, str]) -> str:
        return f"{shorten(where[0])!r} (rad {where[1]}, kolumn {where[2]!r})"

    if decimal is not None:
        if decimal not in (",", "."):
            raise ScbImportError(
                f"Okänt decimaltecken {decimal!r}. Giltiga är ',' (komma) och '.' (punkt)."
            )
        other = "," if decimal == "." else "."
        if decimal in thou_seen:
            raise ScbImportError(
                f"{name}: decimaltecknet {decimal!r} angavs, men {show(thou_seen[decimal])} "
                f"använder {decimal!r} som tusentalsavgränsare. Förväntade ett decimaltecken "
                "per fil."
            )
        used_thousands = other if (other in thou_seen or other in amb_seen) else None
        return NumberFormat(decimal, used_thousands, f"decimaltecken {_mark_name(decimal)} "
                            "(angivet)")
    for mark in (",", "."):
        if mark in dec_seen and mark in thou_seen:
            raise ScbImportError(
                f"{name}: {_mark_name(mark)} används både som decimaltecken, t.ex. "
                f"{show(dec_seen[mark])}, och som tusentalsavgränsare, t.ex. "
                f"{show(thou_seen[mark])}. Förväntade samma talformat i hela filen."
            )
    if len(dec_seen) > 1:
        raise ScbImportError(
            f"{name}: både komma och punkt används som decimaltecken, t.ex. "
            f"{show(dec_seen[','])} och {show(dec_seen['.'])}. Förväntade samma decimaltecken "
            "i hela filen."
        )
    if len(thou_seen) > 1:
        raise ScbImportError(
            f"{name}: både komma och punkt används som tusentalsavgränsare, t.ex. "
            f"{show(thou_seen[','])} och {show(thou_seen['.'])}. Förväntade samma talformat i "
            "hela filen."
        )
    dec = next(iter(dec_seen), None)
    thou = next(iter(thou_seen), None)
    notes = []
    if dec:
        notes.append(f"decimaltecken {_mark_name(dec)} (t.ex. {show(dec_seen[dec])})")
    if thou:
        notes.append(f"tusentalsavgränsare {_mark_name(thou)} (t.ex. {show(thou_seen[thou])})")
    for mark, where in amb_seen.items():
        other = "," if mark == "." else "."
        if mark == dec or other == thou:
            dec = mark
        elif mark == thou or other == dec:
            thou = mark
        else:
            value = str(where[0]).strip()
            whole, _, frac = value.rpartition(mark)
            raise ScbImportError(
                f"{name}: talet {show(where)} kan läsas på två sätt: {whole}{frac} (med "
                f"{_mark_name(mark)} som tusentalsavgränsare) eller {whole},{frac} (med "
                f"{_mark_name(mark)} som decimaltecken), och inget annat tal i filen avgör "
                "vilket. Ange decimaltecknet (i kommandot --decimal , eller --decimal . och "
                "i Python decimal=',' eller decimal='.'), eller ladda ned filen från SCB "
                "igen utan tusentalsavgränsare."
            )
    if spaced is not None:
        notes.append(f"mellanslag som tusentalsavgränsare (t.ex. {show(spaced)})")
    if not notes:
        notes.append("tal utan decimaler och utan tusentalsavgränsare" if texts
                     else "Excels egna tal (inga tal skrivna som text)")
    return NumberFormat(dec, thou, "; ".join(notes))


def _mark_name(mark: str) -> str:
    return {",": "komma", ".": "punkt"}.get(mark, repr(mark))


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
