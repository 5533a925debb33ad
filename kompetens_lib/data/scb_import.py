"""Import of tables that analysts download by hand from SCB's Statistical Database.

Reads the web page's CSV exports (any of the encodings and separators SCB and Excel produce)
and its Excel downloads into one tidy long table, checks them, and writes the result.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import math
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import strip_accents
from kompetens_lib.errors import DataValidationError, KompetensError, ScbImportError
from kompetens_lib._internal.files import atomic_write
from kompetens_lib.reference.regions import NATIONAL_CODE, resolve_region

__all__ = [
    "ImportReport",
    "ScbImportError",
    "cli_import",
    "format_report",
    "import_scb_file",
    "snake_name",
    "write_tidy",
]


@dataclass
class ImportReport:
    """What :func:`import_scb_file` found; stored as a plain dict in ``df.attrs``.

    The dict form (``dataclasses.asdict``) is JSON-safe, so it survives ``to_parquet``.
    """

    source: str
    format: str  # "csv" or "xlsx"
    encoding: str | None = None  # "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"
    separator: str | None = None  # ",", ";" or "\t"
    decimal: str | None = None  # "." or "," where a value had decimals
    sheet: str | None = None
    layout: str = "wide"  # "wide": one column per year; "long": a year column
    header_line: int = 0
    data_rows: int = 0
    rows: int = 0
    columns: list[str] = field(default_factory=list)
    year_columns: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    missing: int = 0
    missing_by_marker: dict[str, int] = field(default_factory=dict)
    zeros_from_dash: int = 0
    complete: bool = True
    totals: list[dict[str, Any]] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- vocabulary

_SEPARATORS: tuple[str, ...] = (",", ";", "\t")
_SEP_NAMES = {",": "komma", ";": "semikolon", "\t": "tabb"}
# "2017", "2006 Samtliga", "2019K4", "2020M01": the year is the leading four digits.
_YEAR_RE = re.compile(r"^((?:18|19|20|21)\d\d)(?!\d)[\s:]*(.*)$")
_TIME_NAMES = {"ar", "year", "tid", "time", "period", "manad", "month", "kvartal", "quarter"}
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
_REGION_NAMES = {"region", "lan", "county", "counties", "kommun", "municipality", "lan_kommun"}
_RESERVED = {"year", "value", "heading"}
# Labels of a total member: "totalt", "samtliga utbildningsgrupper", "00 Riket", "Total".
_TOTAL_RE = re.compile(
    r"^(totalt|total|samtliga|summa|alla|all|both sexes|riket|hela riket|sverige|sweden)\b"
)
# A code at the start of a label: "01", "214", "55C", "0180", "10.1", or an SNI letter "C".
_CODE_RE = re.compile(
    r"^(?P<code>[0-9][0-9A-Za-z]*(?:[.+][0-9A-Za-z]+)*|[A-Z](?:[+\-][A-Z])*)\s+(?P<label>\S.*)$"
)
_UNIT_LABEL_RE = re.compile(r"^(år|years?|yrs|års)\b", re.IGNORECASE)
# UTF-8 bytes of å, ä, ö, é, Å, Ä, Ö read as Latin-1 or cp1252 start with "Ã".
_MOJIBAKE_TAILS = {chr(b) for b in range(0x80, 0xC0)} | {
    bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xA0)
}
_MOJIBAKE_RE = re.compile("Ã[" + re.escape("".join(sorted(_MOJIBAKE_TAILS - {""}))) + "]")


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


def _is_region_name(name: str) -> bool:
    return name in _REGION_NAMES or name.startswith("region")


def _is_total_label(text: str) -> bool:
    return bool(_TOTAL_RE.match(strip_accents(text).strip()))


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- reading text


@dataclass
class _Table:
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


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """Return the text and the encoding used; detect it when ``encoding`` is None."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ScbImportError(
            f"{name}: filen är tom. Förväntade en rubrikrad och minst en datarad, så som "
            "filen ser ut när den laddats ned från SCB:s statistikdatabas."
        )
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ScbImportError(
                f"Okänd teckenkodning {encoding!r}. Giltiga är t.ex. 'utf-8', 'utf-8-sig', "
                "'latin-1' och 'cp1252', eller ingen alls (då gissas den)."
            ) from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise ScbImportError(
                f"{name}, rad {line}: byte 0x{data[exc.start]:02x} kan inte läsas som "
                f"{encoding}. Förväntade text i {encoding}; filen har troligen en annan "
                "teckenkodning (SCB:s nedladdningar är latin-1 eller UTF-8). Ange ingen "
                "teckenkodning så gissas den."
            ) from None
        used = encoding
    else:
        text, used = _guess_decode(data, name)
    text = text.removeprefix("\ufeff")
    _check_mojibake(text, name, used)
    return text, used


def _guess_decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        line = _line_of(data, data.index(b"\x00"))
        raise ScbImportError(
            f"{name}, rad {line}: filen innehåller nollbytes. "
            "Förväntade en textfil (CSV); det här ser ut som en binärfil eller UTF-16 utan "
            "byte-ordningsmärke. Spara om den som CSV (UTF-8) eller ladda ned den igen."
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in data):
        # Bytes 0x80–0x9F are control characters in Latin-1 but letters and dashes in
        # cp1252 (what Excel on Windows writes).
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ScbImportError(
                f"{name}, rad {_line_of(data, exc.start)}: byte 0x{data[exc.start]:02x} är "
                "varken UTF-8, latin-1 eller cp1252-text. Förväntade en CSV-fil som laddats "
                "ned från SCB (latin-1 eller UTF-8)."
            ) from None
    return data.decode("latin-1"), "latin-1"


def _check_mojibake(text: str, name: str, encoding: str) -> None:
    for pattern, what in ((_MOJIBAKE_RE, "dubbelkodade tecken"), (re.compile("\ufffd"), "�")):
        match = pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            snippet = text.splitlines()[line - 1].strip()
            raise ScbImportError(
                f"{name}, rad {line}: texten innehåller {what} ({_short(snippet)!r}) och "
                f"lästes som {encoding}. Förväntade läsbara svenska tecken (å, ä, ö). Filen "
                "har lästs eller sparats med fel teckenkodning: ange rätt kodning (t.ex. "
                "'utf-8' i stället för 'latin-1') eller ladda ned filen från SCB igen."
            )


def _header_kind(fields: Sequence[str]) -> str | None:
    """'wide' if some field is a year heading, 'long' if one names the time variable."""
    cleaned = [f.strip() for f in fields]
    if len([f for f in cleaned if f]) < 2:
        return None
    if any(_YEAR_RE.match(f) for f in cleaned):
        return "wide"
    if any(snake_name(f) in _TIME_NAMES for f in cleaned):
        return "long"
    return None


def _parse_lines(lines: Sequence[str], sep: str) -> list[list[str]]:
    return list(csv.reader(lines, delimiter=sep, quotechar='"'))


def _sniff_separator(text: str, name: str) -> str:
    lines = [line for line in text.splitlines()[:200] if line.strip()][:60]
    best: tuple[tuple[int, int, int], str] | None = None
    for sep in _SEPARATORS:
        rows = _parse_lines(lines, sep)
        header = next((i for i, r in enumerate(rows) if _header_kind(r)), None)
        if header is None:
            counts = Counter(len(r) for r in rows if len(r) > 1)
            width, agree = counts.most_common(1)[0] if counts else (1, 0)
            score = (0, agree, width)
        else:
            width = len(rows[header])
            agree = sum(1 for r in rows[header:] if len(r) == width)
            score = (1, agree, width)
        if best is None or score > best[0]:
            best = (score, sep)
    assert best is not None
    if best[0][2] < 2:
        raise ScbImportError(
            f"{name}, rad 1: hittade ingen avgränsare. Förväntade kolumner avgränsade med "
            "komma, semikolon eller tabb, som i SCB:s CSV-nedladdningar."
        )
    return best[1]


def _read_csv_text(text: str, name: str, sep: str | None) -> _Table:
    if sep is None:
        sep = _sniff_separator(text, name)
    elif sep not in _SEPARATORS:
        raise ScbImportError(
            f"Okänd avgränsare {sep!r}. Giltiga är ',' (komma), ';' (semikolon) och '\\t' (tabb)."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=True)
    records: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ScbImportError(
                f"{name}, rad {start}: felaktiga citattecken ({exc}). Förväntade fält inom "
                f'raka citattecken ("...") avgränsade med {_SEP_NAMES[sep]}.'
            ) from None
        records.append((start, fields))

    def blank(fields: list[str]) -> bool:
        return all(not f.strip() for f in fields)

    header_at = next((i for i, (_, f) in enumerate(records) if _header_kind(f)), None)
    if header_at is None:
        first = next(((n, f) for n, f in records if not blank(f)), None)
        line, fields = first if first else (1, [])
        shown = ", ".join(repr(f.strip()) for f in fields[:8])
        raise ScbImportError(
            f"{name}, rad {line}: hittade inga årskolumner. Förväntade en rubrikrad med "
            "kolumner som börjar med ett årtal ('2017', '2006 Samtliga') eller en kolumn "
            f"'år'/'year'; rubrikerna var: {shown}."
        )
    header_line, header = records[header_at]
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()  # a separator at the end of every line
    width = len(header)
    for line, fields in records[:header_at]:
        # Title text above the header is kept; a row shaped like the header is not a title
        # but a header without years (a data value like 2017 was taken for a year).
        if len([f for f in fields if f.strip()]) >= 2 and len(fields) >= width:
            shown = ", ".join(repr(f.strip()) for f in fields[:8])
            raise ScbImportError(
                f"{name}, rad {line}: hittade inga årskolumner i rubrikraden. Förväntade "
                "kolumnrubriker som börjar med ett årtal ('2017', '2006 Samtliga') eller en "
                f"kolumn 'år'/'year'; rubrikerna var: {shown}."
            )
    # Text lines split at the separator are put back together with it.
    joiner = {"\t": " "}.get(sep, f"{sep} ")
    title = [
        joiner.join(f.strip() for f in fields if f.strip()) for _, fields in records[:header_at]
    ]
    title = [t for t in title if t]
    rows: list[tuple[int, list[str]]] = []
    footnotes: list[str] = []
    seen_blank = False
    for line, fields in records[header_at + 1 :]:
        if blank(fields):
            if rows:
                seen_blank = True
            continue
        if len(fields) > width and all(not f.strip() for f in fields[width:]):
            fields = fields[:width]
        if seen_blank:
            # After a blank line: footnotes (text only), or more data rows.
            if _looks_like_data(fields, header):
                if footnotes:
                    raise ScbImportError(
                        f"{name}, rad {line}: en datarad efter fotnoterna. Förväntade alla "
                        "datarader före fotnoterna; ta bort tomma rader inne i tabellen."
                    )
                rows.append((line, fields))
                continue
            if len(fields) == 1 or not any(_is_number_text(f) for f in fields):
                footnotes.append(joiner.join(f.strip() for f in fields if f.strip()))
                continue
        if len(fields) != width:
            raise ScbImportError(
                f"{name}, rad {line}: raden har {len(fields)} fält men rubrikraden (rad "
                f"{header_line}) har {width}. Förväntade {width} fält avgränsade med "
                f"{_SEP_NAMES[sep]}; kontrollera avgränsare och citattecken på raden."
            )
        rows.append((line, fields))
    if not rows:
        raise ScbImportError(
            f"{name}, rad {header_line}: filen har en rubrikrad men inga datarader. "
            "Förväntade minst en rad med värden under rubrikraden."
        )
    return _Table(name, header, header_line, rows, title, footnotes, separator=sep)


def _is_number_text(text: str) -> bool:
    try:
        number, _ = _parse_number(text)
    except ValueError:
        return False
    return number is not None


def _looks_like_data(fields: Sequence[Any], header: Sequence[str]) -> bool:
    """A row after a blank line is data if it fills the year columns with numbers."""
    year_cols = [i for i, h in enumerate(header) if _YEAR_RE.match(str(h))] or [len(header) - 1]
    if len(fields) != len(header):
        return False
    for i in year_cols:
        try:
            _parse_number(fields[i])
        except ValueError:
            return False
    return True


# --------------------------------------------------------------------------- Excel


def _read_xlsx(path: Path, name: str, sheet: str | int | None) -> tuple[_Table, str]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise ScbImportError(
            "För att läsa Excel-filer (.xlsx) behövs paketet openpyxl: pip install openpyxl"
        ) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ScbImportError(
            f"{name}: kan inte öppnas som Excel-fil ({type(exc).__name__}). Förväntade en "
            ".xlsx-fil från SCB:s statistikdatabas; gamla .xls-filer måste sparas om som .xlsx."
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is None:
            sheet_name = names[0]
        elif isinstance(sheet, int) and 0 <= sheet < len(names):
            sheet_name = names[sheet]
        elif isinstance(sheet, str) and sheet in names:
            sheet_name = sheet
        else:
            raise ScbImportError(
                f"{name}: bladet {sheet!r} finns inte. Giltiga blad är: "
                + ", ".join(repr(n) for n in names)
                + "."
            )
        grid = [list(r) for r in workbook[sheet_name].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _grid_to_table(grid, f"{name} (blad {sheet_name!r})"), sheet_name


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip()
    return text or None


def _year_of_cell(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value).is_integer() and 1800 <= value < 2200
    return isinstance(value, str) and bool(_YEAR_RE.match(value))


def _is_value_cell(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        _parse_number(value)
    except ValueError:
        return False
    return True


def _grid_to_table(raw: list[list[Any]], name: str) -> _Table:
    """Find header, data block and footnotes in an SCB Excel sheet.

    The reading: title text above; the header row is the first row with a year in some cell
    (cells merged across sub-headings are carried to the right); rows right under it whose
    year cells hold text are sub-headings ("2006" over "Samtliga"); data starts at the first
    row with a number or ".." under a year and ends at the first row with nothing under the
    years; label cells left empty repeat the label above (SCB prints a label once per group);
    text after the data is kept as footnotes.
    """
    grid = [[_cell(v) for v in row] for row in raw]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [None] * (width - len(r)) for r in grid]
    if not any(any(v is not None for v in r) for r in grid):
        raise ScbImportError(
            f"{name}: bladet är tomt. Förväntade en tabell med rubrikrad och datarader."
        )
    # The header is the first row with a year in it ("wide") or one that names the time
    # variable ("år", "year": the years are then in the rows).
    header_at = None
    for i, r in enumerate(grid):
        if any(isinstance(v, str) and snake_name(v) in _TIME_NAMES for v in r):
            return _long_grid(grid, i, name)
        if any(_year_of_cell(v) for v in r[1:]):
            header_at = i
            break
    if header_at is None:
        raise ScbImportError(
            f"{name}: hittade inga årskolumner. Förväntade en rubrikrad med årtal "
            "('2017', '2006 Samtliga') eller en kolumn 'år'/'year'."
        )
    head = grid[header_at]
    first_year = next(i for i, v in enumerate(head) if i > 0 and _year_of_cell(v))
    data_at = next(
        (
            i
            for i in range(header_at + 1, len(grid))
            if any(_is_value_cell(v) for v in grid[i][first_year:])
        ),
        None,
    )
    if data_at is None:
        raise ScbImportError(
            f"{name}, rad {header_at + 1}: rubrikraden följs inte av några värden. "
            "Förväntade rader med tal eller '..' under årskolumnerna."
        )
    end = next(
        (i for i in range(data_at, len(grid)) if all(v is None for v in grid[i][first_year:])),
        len(grid),
    )
    sub_rows = range(header_at + 1, data_at)
    year_cols: list[int] = []
    headings: list[str] = []
    current: str | None = None
    for col in range(first_year, width):
        value = head[col]
        extra = [str(grid[r][col]) for r in sub_rows if grid[r][col] is not None]
        has_data = any(grid[r][col] is not None for r in range(data_at, end))
        if value is not None and _year_of_cell(value):
            current = str(int(value)) if isinstance(value, (int, float)) else str(value)
        elif value is not None or (current is None and has_data):
            if has_data:
                raise ScbImportError(
                    f"{name}, rad {header_at + 1}: kolumn {col + 1} ({value!r}) har värden men "
                    "inget årtal i rubriken. Förväntade årtal över alla värdekolumner."
                )
            current = None
            continue
        elif not extra:
            if has_data:
                raise ScbImportError(
                    f"{name}, rad {header_at + 1}: kolumn {col + 1} har värden men ingen "
                    "rubrik. Förväntade ett årtal (eller en underrubrik under ett årtal)."
                )
            continue
        year_cols.append(col)
        headings.append(" ".join([current, *extra]))
    label_cols = [
        c for c in range(first_year) if any(grid[r][c] is not None for r in range(header_at, end))
    ]
    header: list[str] = []
    for c in label_cols:
        names = [str(grid[r][c]) for r in range(header_at, data_at) if grid[r][c] is not None]
        header.append(names[-1] if names else "")
    header += headings
    rows: list[tuple[int, list[Any]]] = []
    footnotes: list[str] = []
    previous: list[Any] = [None] * len(label_cols)
    filled = False
    for i in range(data_at, end):
        row = grid[i]
        labels = []
        for k, c in enumerate(label_cols):
            value = row[c]
            if value is None:
                value = previous[k]
                filled = True
                if value is None:
                    raise ScbImportError(
                        f"{name}, rad {i + 1}: etiketten i kolumn {c + 1} saknas och det "
                        "finns ingen etikett ovanför att upprepa. Förväntade en etikett."
                    )
            labels.append(value)
        previous = labels
        rows.append((i + 1, [*(str(v) for v in labels), *(row[c] for c in year_cols)]))
    for i in range(end, len(grid)):
        row = grid[i]
        if any(_is_value_cell(row[c]) for c in year_cols) and any(
            row[c] is not None for c in label_cols
        ):
            raise ScbImportError(
                f"{name}, rad {i + 1}: en rad med värden efter tabellens slut (rad {end}). "
                "Förväntade en sammanhängande tabell utan tomma rader; ta bort den tomma "
                "raden eller raden efter den."
            )
        text = " ".join(str(v) for v in row if v is not None)
        if text:
            footnotes.append(text)
    title = [
        " ".join(str(v) for v in r if v is not None)
        for r in grid[:header_at]
        if any(v is not None for v in r)
    ]
    return _Table(name, header, header_at + 1, rows, title, footnotes, forward_filled=filled)


def _long_grid(grid: list[list[Any]], header_at: int, name: str) -> _Table:
    head = grid[header_at]
    cols = [c for c, v in enumerate(head) if v is not None]
    rows = []
    end = len(grid)
    for i in range(header_at + 1, len(grid)):
        if all(grid[i][c] is None for c in cols):
            end = i
            break
        rows.append((i + 1, ["" if grid[i][c] is None else grid[i][c] for c in cols]))
    if not rows:
        raise ScbImportError(
            f"{name}, rad {header_at + 1}: rubrikraden följs inte av några datarader."
        )
    footnotes = [
        " ".join(str(v) for v in r if v is not None)
        for r in grid[end:]
        if any(v is not None for v in r)
    ]
    title = [
        " ".join(str(v) for v in r if v is not None)
        for r in grid[:header_at]
        if any(v is not None for v in r)
    ]
    return _Table(name, [str(head[c]) for c in cols], header_at + 1, rows, title, footnotes)


# --------------------------------------------------------------------------- numbers


def _parse_number(cell: Any) -> tuple[float | int | None, str]:
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


# --------------------------------------------------------------------------- tidy shape


@dataclass
class _Dimension:
    name: str  # output column name of the code (or of the text when not split)
    header: str  # heading in the file
    codes: list[str]
    labels: list[str] | None  # None when the values carry no code


def _split_codes(values: list[str]) -> tuple[list[str], list[str]] | None:
    """Split "01 Stockholms län" into code and label when every value carries a code."""
    distinct = list(dict.fromkeys(values))
    parts: dict[str, tuple[str, str]] = {}
    coded = 0
    for value in distinct:
        match = _CODE_RE.match(value)
        if match and not _UNIT_LABEL_RE.match(match["label"]):
            parts[value] = (match["code"], match["label"])
            coded += 1
        elif _is_total_label(value):
            parts[value] = (value, value)
        else:
            return None
    if coded == 0:
        return None
    codes = [c for c, _ in parts.values()]
    labels = [lab for _, lab in parts.values()]
    if len(set(codes)) != len(distinct) or len(set(labels)) != len(distinct):
        return None  # "16-24 years" style: a number that is part of the label
    return [parts[v][0] for v in values], [parts[v][1] for v in values]


def _region_dimension(values: list[str], lines: list[int], header: str, name: str) -> _Dimension:
    split = _split_codes(values)
    resolved: dict[str, tuple[str, str]] = {}
    for i, value in enumerate(values):
        if value in resolved:
            continue
        if split is not None:
            code, label = split[0][i], split[1][i]
            if code.isdigit() and len(code) <= 2:
                code = code.zfill(2)
            if _is_total_label(label) and (code == label or code == NATIONAL_CODE):
                code = NATIONAL_CODE
            elif code.isdigit() and len(code) == 2:
                try:
                    by_name = resolve_region(label, allow_national=True)
                except KompetensError:
                    by_name = None
                if by_name is not None and by_name != code:
                    raise ScbImportError(
                        f"{name}, rad {lines[i]}: regionen {value!r} har koden {code} men "
                        f"namnet hör till län {by_name}. Förväntade att kod och namn hör ihop."
                    )
        else:
            label = value
            try:
                code = resolve_region(value, allow_national=True)
            except KompetensError:
                if _is_total_label(value):
                    code = NATIONAL_CODE
                else:
                    raise ScbImportError(
                        f"{name}, rad {lines[i]}: regionen {value!r} känns inte igen. "
                        f"Förväntade 'kod namn' som '01 Stockholms län' eller ett länsnamn, "
                        "'Riket' eller 'Sweden' i kolumnen " + repr(header) + "."
                    ) from None
        resolved[value] = (code, label)
    return _Dimension(
        "region", header, [resolved[v][0] for v in values], [resolved[v][1] for v in values]
    )


def _looks_like_regions(values: list[str]) -> bool:
    for value in set(values):
        match = _CODE_RE.match(value)
        candidate = match["label"] if match else value
        if candidate.strip().isdigit():
            return False
        try:
            resolve_region(candidate, allow_national=True)
        except KompetensError:
            return False
    return True


def _unique_names(names: list[str]) -> list[str]:
    taken: set[str] = set()
    out = []
    for n in names:
        base = n
        k = 2
        while n in taken or n in _RESERVED:
            n = f"{base}_{k}"
            k += 1
        taken.add(n)
        out.append(n)
    return out


class _Values:
    """Parses value cells and keeps the counts the report needs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.missing: Counter[str] = Counter()
        self.zeros = 0
        self.any_float = False
        self.decimal: tuple[str, int] | None = None  # char and the line it was first seen
        self.max_decimals = 0
        self._cache: dict[Any, tuple[Any, str]] = {}

    def parse(self, cell: Any, line: int, column: str) -> float | int | None:
        key = cell if not isinstance(cell, float) else ("f", cell)
        hit = self._cache.get(key)
        if hit is None:
            try:
                hit = _parse_number(cell)
            except ValueError:
                raise ScbImportError(
                    f"{self.name}, rad {line}, kolumn {column!r}: värdet {_short(cell)!r} är "
                    "inget tal. Förväntade ett tal (t.ex. 1234, 1 234 eller 12,5), '..' eller "
                    "'.' för saknat värde."
                ) from None
            self._cache[key] = hit
        number, kind = hit
        if kind.startswith("missing:"):
            self.missing[kind.partition(":")[2]] += 1
        elif kind == "zero":
            self.zeros += 1
        elif kind.startswith("float:"):
            self.any_float = True
            _, point, decimals = kind.split(":")
            self.max_decimals = max(self.max_decimals, int(decimals))
            if point:
                if self.decimal is None:
                    self.decimal = (point, line)
                elif self.decimal[0] != point:
                    raise ScbImportError(
                        f"{self.name}, rad {line}, kolumn {column!r}: decimaltecknet "
                        f"{point!r} i {_short(cell)!r} skiljer sig från {self.decimal[0]!r} "
                        f"på rad {self.decimal[1]}. Förväntade samma decimaltecken i hela filen."
                    )
        return number


def _tidy(table: _Table, report: ImportReport) -> pd.DataFrame:
    name = table.name
    header = [h.strip() for h in table.header]
    year_idx = [i for i, h in enumerate(header) if _YEAR_RE.match(h)]
    if year_idx:
        report.layout = "wide"
        label_idx = [i for i in range(len(header)) if i not in year_idx]
    else:
        report.layout = "long"
        return _tidy_long(table, header, report)
    lines = [line for line, _ in table.rows]
    cells = [[("" if c is None else c) for c in fields] for _, fields in table.rows]
    # Years and the text after them.
    years: list[int] = []
    extras: list[str] = []
    seen: dict[tuple[int, str], str] = {}
    for i in year_idx:
        match = _YEAR_RE.match(header[i])
        assert match
        key = (int(match[1]), match[2].strip())
        if key in seen:
            raise ScbImportError(
                f"{name}, rad {table.header_line}: kolumnrubriken {header[i]!r} finns två "
                f"gånger (även {seen[key]!r}). Förväntade en kolumn per år."
            )
        seen[key] = header[i]
        years.append(key[0])
        extras.append(key[1])
    dims = _dimensions(table, header, label_idx, cells, lines)
    _check_keys(table, dims, lines)
    values = _Values(name)
    matrix = [
        [values.parse(row[i], line, header[i]) for i in year_idx] for line, row in zip(lines, cells)
    ]
    n_rows, n_years = len(cells), len(year_idx)
    data: dict[str, Any] = {}
    for dim in dims:
        data[dim.name] = pd.array(np.repeat(np.array(dim.codes, dtype=object), n_years), "string")
        if dim.labels is not None:
            data[f"{dim.name}_label"] = pd.array(
                np.repeat(np.array(dim.labels, dtype=object), n_years), "string"
            )
    if any(extras):
        data["heading"] = pd.array(
            np.tile(np.array([e or pd.NA for e in extras], dtype=object), n_rows), "string"
        )
    data["year"] = np.tile(np.array(years, dtype="int64"), n_rows)
    flat = [v for row in matrix for v in row]
    data["value"] = _value_array(flat, values.any_float)
    frame = pd.DataFrame(data)
    report.year_columns = [header[i] for i in year_idx]
    _fill_report(report, table, frame, values, dims)
    return frame


def _tidy_long(table: _Table, header: list[str], report: ImportReport) -> pd.DataFrame:
    name = table.name
    lines = [line for line, _ in table.rows]
    cells = [[("" if c is None else c) for c in fields] for _, fields in table.rows]
    time_idx = next(i for i, h in enumerate(header) if snake_name(h) in _TIME_NAMES)
    value_idx: list[int] = []
    for i in range(len(header) - 1, -1, -1):
        if i == time_idx or not all(_is_value_cell(row[i]) or row[i] == "" for row in cells):
            break
        value_idx.insert(0, i)
    if not value_idx:
        raise ScbImportError(
            f"{name}, rad {table.header_line}: hittade inga värdekolumner. Förväntade en "
            "eller flera kolumner längst till höger med tal, eller årtal som kolumnrubriker."
        )
    label_idx = [i for i in range(len(header)) if i != time_idx and i not in value_idx]
    years = []
    extras = []
    for line, row in zip(lines, cells):
        match = _YEAR_RE.match(str(row[time_idx]).strip())
        if not match:
            raise ScbImportError(
                f"{name}, rad {line}, kolumn {header[time_idx]!r}: {_short(row[time_idx])!r} "
                "är inget årtal. Förväntade ett år som '2017' eller '2019K4'."
            )
        years.append(int(match[1]))
        extras.append(match[2].strip())
    dims = _dimensions(table, header, label_idx, cells, lines)
    _check_keys(table, dims, lines, extra=[f"{y} {e}" for y, e in zip(years, extras)])
    values = _Values(name)
    n_values = len(value_idx)
    flat = [
        values.parse(row[i], line, header[i]) for line, row in zip(lines, cells) for i in value_idx
    ]
    data: dict[str, Any] = {}
    for dim in dims:
        data[dim.name] = pd.array(np.repeat(np.array(dim.codes, dtype=object), n_values), "string")
        if dim.labels is not None:
            data[f"{dim.name}_label"] = pd.array(
                np.repeat(np.array(dim.labels, dtype=object), n_values), "string"
            )
    headings: list[Any] = []
    for extra in extras:
        for i in value_idx:
            parts = [p for p in (extra, header[i] if n_values > 1 else "") if p]
            headings.append(" ".join(parts) or pd.NA)
    if any(h is not pd.NA for h in headings):
        data["heading"] = pd.array(np.array(headings, dtype=object), "string")
    data["year"] = np.repeat(np.array(years, dtype="int64"), n_values)
    data["value"] = _value_array(flat, values.any_float)
    frame = pd.DataFrame(data)
    report.year_columns = [header[time_idx]]
    _fill_report(report, table, frame, values, dims)
    return frame


def _value_array(flat: list[Any], any_float: bool) -> Any:
    if any_float:
        return np.array([np.nan if v is None else float(v) for v in flat], dtype="float64")
    return pd.array(flat, dtype="Int64")


def _dimensions(
    table: _Table, header: list[str], label_idx: list[int], cells: list[list[Any]], lines: list[int]
) -> list[_Dimension]:
    name = table.name
    dims: list[_Dimension] = []
    names: list[str] = []
    for k, i in enumerate(label_idx):
        values = []
        for line, row in zip(lines, cells):
            value = str(row[i]).strip()
            if not value:
                raise ScbImportError(
                    f"{name}, rad {line}, kolumn {header[i] or i + 1!r}: etiketten är tom. "
                    "Förväntade en etikett som '01 Stockholms län' eller 'män'."
                )
            values.append(value)
        col_name = snake_name(header[i])
        if not col_name:
            col_name = f"variabel_{k + 1}"
            if _looks_like_regions(values):
                col_name = "region"
            else:
                table.warnings.append(f"Kolumn {i + 1} saknar rubrik och kallas {col_name!r}.")
        if _is_region_name(col_name):
            dims.append(_region_dimension(values, lines, header[i], name))
        else:
            split = _split_codes(values)
            dims.append(
                _Dimension(
                    col_name, header[i], split[0] if split else values, split[1] if split else None
                )
            )
        names.append(dims[-1].name)
    for dim, unique in zip(dims, _unique_names(names)):
        dim.name = unique
    return dims


def _check_keys(
    table: _Table, dims: list[_Dimension], lines: list[int], extra: list[str] | None = None
) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for r, line in enumerate(lines):
        key = tuple(d.codes[r] if d.labels is None else f"{d.codes[r]} {d.labels[r]}" for d in dims)
        if extra is not None:
            key = (*key, extra[r])
        if key in seen:
            shown = ", ".join(key) or "(inga etiketter)"
            raise ScbImportError(
                f"{table.name}, rad {line}: samma etiketter ({_short(shown, 100)}) som på rad "
                f"{seen[key]}. Förväntade en rad per kombination av etiketter."
            )
        seen[key] = line


def _fill_report(
    report: ImportReport,
    table: _Table,
    frame: pd.DataFrame,
    values: _Values,
    dims: list[_Dimension],
) -> None:
    report.header_line = table.header_line
    report.data_rows = len(table.rows)
    report.rows = len(frame)
    report.columns = list(frame.columns)
    report.years = sorted({int(y) for y in frame["year"]})
    report.missing_by_marker = {k: int(values.missing.get(k, 0)) for k in ("..", ".", "")}
    report.missing = int(sum(values.missing.values()))
    report.zeros_from_dash = values.zeros
    report.decimal = values.decimal[0] if values.decimal else None
    report.title = table.title
    report.footnotes = table.footnotes
    report.warnings = table.warnings + report.warnings
    if table.forward_filled:
        report.warnings.append(
            "Tomma etikettceller upprepar etiketten ovanför (SCB skriver den en gång per grupp)."
        )
    distinct = [len(set(d.codes)) for d in dims]
    expected = math.prod(distinct) if dims else 1
    combos = len({tuple(d.codes[r] for d in dims) for r in range(len(table.rows))}) if dims else 1
    report.complete = report.layout == "long" or combos == expected
    if not report.complete:
        report.warnings.append(
            f"Tabellen har {combos} kombinationer av etiketter av {expected} möjliga; vissa "
            "rader saknas jämfört med ett fullständigt uttag."
        )
    unit = _rounding_unit(frame["value"], values)
    key_cols = [d.name for d in dims] + (["heading"] if "heading" in frame else [])
    for col in key_cols:
        check = _check_total(frame, col, key_cols, unit)
        if check is not None:
            report.totals.append(check)
            if check["mismatches"]:
                ex = check["examples"][0]
                report.warnings.append(
                    f"Summakontroll {col!r}: delarna summerar inte till {check['total']!r} i "
                    f"{check['mismatches']} av {check['groups_checked']} grupper (t.ex. "
                    f"{ex['where']}: summa {ex['parts_sum']:g}, totalt {ex['total_value']:g}). "
                    "Saknas delar i uttaget, eller är totalen något annat än summan?"
                )


def _rounding_unit(series: pd.Series, values: _Values) -> float:
    if values.any_float:
        return 10.0 ** (-values.max_decimals)
    nonzero = [abs(int(v)) for v in series.dropna() if int(v) != 0]
    unit = 1
    while unit < 10**6 and nonzero and all(v % (unit * 10) == 0 for v in nonzero):
        unit *= 10
    return float(unit)


def _check_total(
    frame: pd.DataFrame, col: str, key_cols: list[str], unit: float
) -> dict[str, Any] | None:
    label_col = f"{col}_label" if f"{col}_label" in frame else col
    members = frame[list(dict.fromkeys([col, label_col]))].drop_duplicates()
    totals = members[
        members[label_col].map(lambda s: isinstance(s, str) and _is_total_label(s))
        | (members[col] == NATIONAL_CODE if col == "region" else False)
    ]
    if len(totals) != 1 or len(members) < 2:
        return None
    total_code = totals[col].iloc[0]
    total_label = totals[label_col].iloc[0]
    others = [c for c in key_cols if c != col] + ["year"]
    is_total = frame[col] == total_code
    parts = frame.loc[~is_total].copy()
    parts["_missing"] = parts["value"].isna()
    grouped = parts.groupby(others, dropna=False, sort=False).agg(
        parts_sum=("value", "sum"), n_parts=("value", "size"), n_missing=("_missing", "sum")
    )
    total = frame.loc[is_total].set_index(others)["value"].rename("total_value")
    joined = grouped.join(total, how="inner")
    usable = joined[(joined["n_missing"] == 0) & joined["total_value"].notna()]
    diff = (usable["parts_sum"].astype("float64") - usable["total_value"].astype("float64")).abs()
    # Each part and the total are off by at most half the rounding unit.
    tolerance = np.maximum(
        0.5 * unit * (usable["n_parts"] + 1), 1e-9 * usable["total_value"].abs().astype("float64")
    )
    bad = usable[diff > tolerance + 1e-9]
    examples = []
    for idx, row in bad.head(3).iterrows():
        idx = idx if isinstance(idx, tuple) else (idx,)
        where = ", ".join(f"{c}={v}" for c, v in zip(others, idx))
        examples.append(
            {
                "where": where,
                "parts_sum": float(row["parts_sum"]),
                "total_value": float(row["total_value"]),
            }
        )
    return {
        "dimension": col,
        "total": f"{total_code}" if total_code == total_label else f"{total_code} {total_label}",
        "groups_checked": len(usable),
        "groups_skipped": int(len(joined) - len(usable)),
        "mismatches": len(bad),
        "max_abs_diff": float(diff.max()) if len(diff) else 0.0,
        "tolerance_unit": unit,
        "examples": examples,
    }


# --------------------------------------------------------------------------- public API


def import_scb_file(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    strict_totals: bool = False,
) -> pd.DataFrame:
    """Read a CSV or Excel file downloaded from SCB's Statistical Database into a tidy table.

    The input is what the database's web page gives: one label column per variable
    ("01 Stockholms län", "totalt 16-74 år", "män") and one column per year ("2017",
    "2006 Samtliga"); or, when the year is placed in the rows, a column "år"/"year" and one
    or more value columns at the right. The encoding (UTF-8, UTF-8 with BOM, Latin-1,
    cp1252, UTF-16 with BOM) and the separator (comma, semicolon, tab) are detected unless
    given. Title lines above the header and footnotes after a blank line are kept in the
    report. Excel files (``.xlsx``, whatever the file is called) are read like this: text
    above the header is the title; the header is the first row with years (a year cell
    merged over several columns covers them); rows between it and the first numbers are
    sub-headings ("2006" over "Samtliga" gives heading "Samtliga"); the label columns take
    their names from the header rows; an empty label cell repeats the label above it
    (SCB prints a label once per group); the data end at the first row with nothing under
    the years, and text after it is kept as footnotes (more values after it is an error).

    Output schema (one row per label combination and year column, in file order):

    - for each label column of the file, in file order, ``<var>`` (string): the code when
      every value starts with one ("01 Stockholms län" → "01", "55C civilingenjörs…" →
      "55C", "214 Engineering professionals" → "214"), else the text itself; ``<var>_label``
      (string) with the text after the code, present only when codes were split off.
      ``<var>`` is the variable name in snake_case ASCII ("utbildningsnivå" →
      ``utbildningsniva``, "kön"/"sex" → ``kon``, "ålder"/"age" → ``alder``,
      "utbildningsgrupp SUN 2000" → ``utbildningsgrupp_sun_2000``). A value without a code
      in a coded column ("samtliga utbildningsgrupper") keeps its text as code and label.
    - ``region`` / ``region_label`` for the region variable ("region", "län", "county",
      "kommun"): two-digit county codes "01".."25" (county names without a code are
      resolved), "00" for "Riket"/"Sweden"/"00 Riket"; four-digit municipality codes and
      other codes ("99 County unknown") as given. A code that contradicts the county name
      is an error.
    - ``heading`` (string, only where present): text after the year in the column heading
      ("2006 Samtliga" → "Samtliga"; "2019K4" → "K4"), or the value column's heading when
      a long file has several value columns.
    - ``year`` (int64): the four-digit year.
    - ``value``: ``Int64`` when every number is whole, else ``float64``; ``..``, ``.`` and
      empty cells are missing (counted in the report); SCB's dash "-" means zero. Numbers
      may use spaces as thousands separators and a decimal comma or point (one kind per file).

    The report is ``df.attrs["import_report"]``: a JSON-safe dict with the fields of
    :class:`ImportReport` (``rows``, ``data_rows``, ``missing``, ``missing_by_marker``,
    ``encoding``, ``separator``, ``decimal``, ``totals``, ``warnings`` …).
    :func:`format_report` turns it into a Swedish summary. Where a label column has a
    total member ("totalt", "samtliga …", "Riket"), the other members are summed and
    compared with it within the rounding of the data; differences go to ``totals`` and
    ``warnings`` (or raise with ``strict_totals``), since a download can hold only some of
    the parts.

    Raises :class:`ScbImportError` (a :class:`~kompetens_lib.errors.KompetensError`) in
    Swedish, naming the file, the line and what was expected, for an empty file, a row with
    the wrong number of fields, no year columns, a value that is not a number, labels that
    repeat, an encoding that does not fit, and text that was decoded with the wrong
    encoding. It never returns a partly read table.

    >>> df = import_scb_file("UF0506A1.csv")  # doctest: +SKIP
    >>> df.columns.tolist()  # doctest: +SKIP
    ['region', 'region_label', 'alder', 'utbildningsniva', 'kon', 'year', 'value']
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScbImportError(f"Filen {str(path)!r} finns inte.") from None
    except IsADirectoryError:
        raise ScbImportError(f"{str(path)!r} är en mapp, inte en fil.") from None
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in {".xlsx", ".xlsm"}:
        table, sheet_name = _read_xlsx(path, name, sheet)
        report = ImportReport(source=str(path), format="xlsx", sheet=sheet_name)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise ScbImportError(
            f"{name}: gamla Excel-filer (.xls) kan inte läsas. Förväntade CSV eller .xlsx: "
            "spara om filen som .xlsx eller ladda ned den som CSV från SCB."
        )
    else:
        text, used = _decode(data, name, encoding)
        table = _read_csv_text(text, name, sep)
        report = ImportReport(
            source=str(path), format="csv", encoding=used, separator=table.separator
        )
    frame = _tidy(table, report)
    if strict_totals:
        bad = [t for t in report.totals if t["mismatches"]]
        if bad:
            raise ScbImportError(
                f"{name}: summakontrollen misslyckades. "
                + " ".join(w for w in report.warnings if w.startswith("Summakontroll"))
            )
    frame.attrs["import_report"] = asdict(report)
    return frame


def format_report(report: ImportReport | dict[str, Any], written: str | None = None) -> str:
    """A short Swedish summary of an import report (what the CLI prints)."""
    r = asdict(report) if isinstance(report, ImportReport) else report
    if r["format"] == "csv":
        separator = _SEP_NAMES.get(r["separator"], r["separator"])
        how = f"teckenkodning {r['encoding']}, avgränsare {separator}"
    else:
        how = f"Excel, blad {r['sheet']!r}"
    if r.get("decimal"):
        how += f", decimaltecken {'komma' if r['decimal'] == ',' else 'punkt'}"
    markers = r["missing_by_marker"]
    years = r["years"]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "–")
    lines = [
        f"Läste {Path(r['source']).name} ({how}).",
        f"  Rader: {r['rows']} (från {r['data_rows']} datarader i filen), år {span}.",
        f"  Kolumner: {', '.join(r['columns'])}.",
        (
            f"  Saknade värden: {r['missing']} ('..': {markers.get('..', 0)}, "
            f"'.': {markers.get('.', 0)}, tomma: {markers.get('', 0)})."
        ),
    ]
    if r["zeros_from_dash"]:
        lines.append(f"  Streck tolkade som noll: {r['zeros_from_dash']}.")
    for check in r["totals"]:
        status = "stämmer" if not check["mismatches"] else f"{check['mismatches']} avvikelser"
        lines.append(
            f"  Summakontroll {check['dimension']} ({check['total']}): "
            f"{check['groups_checked']} grupper, {status}."
        )
    for warning in r["warnings"]:
        lines.append(f"  Obs: {warning}")
    if written:
        lines.append(f"Skrev {written}.")
    return "\n".join(lines)


_WRITERS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def write_tidy(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a tidy frame to ``.parquet`` or ``.csv`` (by the file ending), atomically.

    The frame goes to a temporary file in the target folder which then replaces the target
    (``os.replace``), so a reader never sees half a file and a failed write leaves an
    existing file as it was. An existing file at ``path`` is replaced: the caller named it.
    CSV is UTF-8 with a comma separator and a decimal point; codes stay text, but read it
    back with ``dtype=str`` for the code columns (parquet keeps the types and the report).

    >>> write_tidy(import_scb_file("UF0506A1.csv"), "uf0506.parquet")  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise KompetensError(f"write_tidy behöver en DataFrame, inte {type(df).__name__}.")
    path = Path(path)
    kind = _WRITERS.get(path.suffix.lower())
    if kind is None:
        raise KompetensError(
            f"Kan inte skriva {str(path)!r}: okänd filändelse {path.suffix or '(ingen)'!r}. "
            "Giltiga är .parquet och .csv."
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise KompetensError(f"Mappen {str(folder)!r} finns inte; skapa den först.")
    if kind == "parquet":
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8",
                                                 lineterminator="\n"))
    return path


class _SwedishHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        super().add_usage(usage, actions, groups, prefix or "Användning: ")


class _SwedishParser(argparse.ArgumentParser):
    _TRANSLATIONS = (
        # The same words as kompetens_lib.cli.main, which translates argparse globally.
        ("the following arguments are required", "följande argument krävs"),
        ("unrecognized arguments", "okända argument"),
        ("expected one argument", "väntade ett värde"),
        ("invalid choice", "ogiltigt val"),
        ("choose from", "välj bland"),
    )

    def error(self, message: str) -> None:  # type: ignore[override]
        for english, swedish in self._TRANSLATIONS:
            message = message.replace(english, swedish)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fel: {message}\n")


_PROG = "kompetens data import"
_SEP_ARGS = {",": ",", ";": ";", "komma": ",", "semikolon": ";", "tabb": "\t", "tab": "\t"}


def _parser() -> argparse.ArgumentParser:
    parser = _SwedishParser(
        prog=_PROG,
        description=(
            "Läser en fil som laddats ned för hand från SCB:s statistikdatabas (CSV eller "
            ".xlsx), gör om den till en lång tabell (en rad per etikettkombination och år) "
            "och skriver den som parquet eller CSV."
        ),
        epilog="Exempel: kompetens data import UF0506A1.csv --out data/uf0506.parquet",
        formatter_class=_SwedishHelpFormatter,
        add_help=False,
    )
    parser._positionals.title = "argument"
    parser._optionals.title = "flaggor"
    parser.add_argument("file", metavar="FIL", help="filen från SCB (.csv eller .xlsx)")
    parser.add_argument(
        "--out",
        "-o",
        metavar="FIL",
        help="var tabellen skrivs (.parquet eller .csv); skrivs över om den finns. Utan "
        "--out skrivs FIL.parquet bredvid indata, men aldrig över en befintlig fil.",
    )
    parser.add_argument(
        "--encoding",
        metavar="KODNING",
        help="teckenkodning, t.ex. latin-1 eller utf-8 (annars gissas den)",
    )
    parser.add_argument(
        "--sep",
        metavar="AVGRÄNSARE",
        choices=sorted(_SEP_ARGS),
        help="komma, semikolon eller tabb (annars gissas den)",
    )
    parser.add_argument("--sheet", metavar="BLAD", help="Excel-blad (annars det första)")
    parser.add_argument(
        "--strikt",
        action="store_true",
        help="avbryt om delarna inte summerar till totalen",
    )
    parser.add_argument("-h", "--help", action="help", help="visa den här hjälpen och avsluta")
    return parser


def cli_import(argv: list[str]) -> int:
    """``kompetens data import FILE [--out FILE]``: import, write, print a Swedish summary.

    Returns the exit code: 0 on success, 1 for a file that could not be read or written,
    2 for wrong arguments.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    source = Path(args.file)
    if args.out:
        out = Path(args.out)
    else:
        out = source.with_suffix(".parquet")
        if out.exists():
            print(
                f"{_PROG}: fel: {out} finns redan. Ange --out {out} för att skriva över "
                "den, eller ett annat filnamn.",
                file=sys.stderr,
            )
            return 1
    sep = _SEP_ARGS[args.sep] if args.sep else None
    try:
        frame = import_scb_file(
            source, encoding=args.encoding, sep=sep, sheet=args.sheet, strict_totals=args.strikt
        )
        written = write_tidy(frame, out)
    except KompetensError as exc:
        print(f"{_PROG}: fel: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{_PROG}: fel: kunde inte skriva {out}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    print(format_report(frame.attrs["import_report"], written=str(written)))
    return 0
