"""Turning a raw SCB table tidy: one row per label combination and year, codes split
from labels, and the checks and counts of the import report."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import fold
from kompetens_lib.data.scb_cells import (
    TIME_NAMES,
    YEAR_RE,
    NumberFormat,
    RawTable,
    decide_number_format,
    is_total_label,
    is_value_cell,
    parse_number,
    shorten,
    snake_name,
)
from kompetens_lib.errors import KompetensError, ScbImportError
from kompetens_lib.reference.geography import resolve_area, split_area_label
from kompetens_lib.reference.regions import NATIONAL_CODE

__all__ = ["ImportReport", "tidy"]

_REGION_NAMES = {
    "region", "lan", "county", "counties", "kommun", "municipality", "lan_kommun",
    "riksomrade", "nuts", "fa_region", "omrade", "area",
}
_RESERVED = {"year", "value", "heading"}
# A code at the start of a label: "01", "214", "55C", "0180", "10.1", or an SNI letter "C".
_CODE_RE = re.compile(
    r"^(?P<code>[0-9][0-9A-Za-z]*(?:[.+][0-9A-Za-z]+)*|[A-Z](?:[+\-][A-Z])*)\s+(?P<label>\S.*)$"
)
_UNKNOWN_RE = re.compile(r"okänd|okänt|unknown|uppgift saknas|not stated", re.IGNORECASE)
_UNIT_LABEL_RE = re.compile(r"^(år|years?|yrs|års)\b", re.IGNORECASE)


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
    thousands: str | None = None  # "." or "," when the file groups thousands with one
    number_format: str = ""  # Swedish note on how the number format was decided
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


def _is_region_name(name: str) -> bool:
    return name in _REGION_NAMES or name.startswith("region")


@dataclass
class _Dimension:
    name: str  # output column name of the code (or of the text when not split)
    header: str  # heading in the file
    codes: list[str]
    labels: list[str] | None  # None when the values carry no code
    types: list[str] | None = None  # region types ("län", "kommun" …) of a region column


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
        elif is_total_label(value):
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
    """Codes, labels and region types of a region column, whatever its geography."""
    resolved: dict[str, tuple[str, str, str]] = {}
    for i, value in enumerate(values):
        if value in resolved:
            continue
        code, label = split_area_label(value)
        try:
            area = resolve_area(value)
        except KompetensError as exc:
            if is_total_label(value):
                area = resolve_area(NATIONAL_CODE)
            elif code is not None and _UNKNOWN_RE.search(label):
                # SCB's "99 Okänt län" / "99 County unknown": people with no known region.
                resolved[value] = (code, label, "okänd")
                continue
            else:
                raise ScbImportError(
                    f"{name}, rad {lines[i]}, kolumn {header!r}: regionen {value!r} känns inte "
                    f"igen ({exc}) Förväntade 'kod namn' som '01 Stockholms län', "
                    "'SE11 Stockholm', 'FA08 Västerås' eller '0180 Stockholm', eller ett namn "
                    "som 'Riket', 'Sweden', 'Skåne län' eller 'Kiruna'."
                ) from None
        resolved[value] = (area.code, label if code is not None else value, area.type)
    return _Dimension(
        "region",
        header,
        [resolved[v][0] for v in values],
        [resolved[v][1] for v in values],
        types=[resolved[v][2] for v in values],
    )


def _looks_like_regions(values: list[str]) -> bool:
    for value in set(values):
        _, candidate = split_area_label(value)
        if candidate.strip().isdigit():
            return False
        try:
            resolve_area(value)
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

    def __init__(self, name: str, fmt: NumberFormat | None = None) -> None:
        self.name = name
        self.fmt = fmt
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
                hit = parse_number(cell, self.fmt)
            except ValueError:
                raise ScbImportError(
                    f"{self.name}, rad {line}, kolumn {column!r}: värdet {shorten(cell)!r} är "
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
                        f"{point!r} i {shorten(cell)!r} skiljer sig från {self.decimal[0]!r} "
                        f"på rad {self.decimal[1]}. Förväntade samma decimaltecken i hela filen."
                    )
        return number


def tidy(table: RawTable, report: ImportReport, decimal: str | None = None) -> pd.DataFrame:
    """The raw table as a tidy frame (see :func:`~kompetens_lib.data.scb_import.import_scb_file`
    for the schema); fills ``report`` with what was found and checked."""
    name = table.name
    header = [h.strip() for h in table.header]
    year_idx = [i for i, h in enumerate(header) if YEAR_RE.match(h)]
    if year_idx:
        report.layout = "wide"
        label_idx = [i for i in range(len(header)) if i not in year_idx]
    else:
        report.layout = "long"
        return _tidy_long(table, header, report, decimal)
    _drop_repeated_headers(table, header, year_idx)
    label_idx = _drop_total_columns(table, header, year_idx, label_idx)
    lines = [line for line, _ in table.rows]
    cells = [[("" if c is None else c) for c in fields] for _, fields in table.rows]
    # Years and the text after them.
    years: list[int] = []
    extras: list[str] = []
    seen: dict[tuple[int, str], str] = {}
    for i in year_idx:
        match = YEAR_RE.match(header[i])
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
    fmt = decide_number_format(
        [(row[i], line, header[i]) for line, row in zip(lines, cells) for i in year_idx],
        name, decimal,
    )
    values = _Values(name, fmt)
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
        if dim.types is not None:
            data[f"{dim.name}_type"] = pd.array(
                np.repeat(np.array(dim.types, dtype=object), n_years), "string"
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


def _same_text(a: Any, b: Any) -> bool:
    if isinstance(a, float) and a.is_integer():
        a = int(a)
    return fold(str(a if a is not None else "")) == fold(str(b if b is not None else ""))


def _drop_repeated_headers(table: RawTable, header: list[str], year_idx: list[int]) -> None:
    """Remove copies of the header inside the data (Excel round trips, SCB's own layouts);
    refuse a row that is the header of another table."""
    kept: list[tuple[int, list[Any]]] = []
    dropped: list[int] = []
    for line, fields in table.rows:
        if len(fields) == len(header) and all(_same_text(f, h) for f, h in zip(fields, header)):
            dropped.append(line)
            continue
        year_cells = [fields[i] for i in year_idx if i < len(fields)]
        texts = [str(int(c)) if isinstance(c, float) and c.is_integer() else str(c).strip()
                 for c in year_cells]
        found = [YEAR_RE.match(t) for t in texts]
        increasing = all(found) and all(
            int(a[1]) < int(b[1]) for a, b in zip(found, found[1:])  # type: ignore[index]
        )
        if len(texts) >= 2 and increasing and _labels_are_headings(fields, header, year_idx):
            raise ScbImportError(
                f"{table.name}, rad {line}: raden ser ut som rubrikraden i en annan tabell "
                f"({shorten(', '.join(texts), 80)}). Förväntade en tabell per fil: dela upp "
                "filen eller ladda ned tabellerna var för sig."
            )
        kept.append((line, fields))
    if dropped:
        table.rows = kept
        shown = ", ".join(str(n) for n in dropped[:5]) + (" …" if len(dropped) > 5 else "")
        table.warnings.append(
            f"Rubrikraden upprepas inne i tabellen (rad {shown}); de raderna lästes inte som data."
        )
        if not kept:
            raise ScbImportError(
                f"{table.name}: filen har bara rubrikrader och inga datarader."
            )


def _labels_are_headings(fields: list[Any], header: list[str], year_idx: list[int]) -> bool:
    """Whether the label cells of a row read like variable names (a header row)."""
    labels = [str(fields[i]).strip() for i in range(len(fields)) if i not in year_idx]
    if not labels:
        return True
    return all(_is_region_name(snake_name(t)) or snake_name(t) in _HEADING_WORDS for t in labels)


_HEADING_WORDS = {"kon", "alder", "utbildningsniva", "utbildningsgrupp", "yrke", "sektor",
                  "sector", "occupation", "naringsgren", "industry", "tabellinnehall",
                  "contents", "utbildningsinriktning"}


def _drop_total_columns(
    table: RawTable, header: list[str], year_idx: list[int], label_idx: list[int]
) -> list[int]:
    """A value column after the years that is not a year ("totalt"): dropped when it is a
    total over the years, refused otherwise, never read as labels."""
    first_year = min(year_idx)
    keep = []
    for i in label_idx:
        cells = [fields[i] for _, fields in table.rows]
        numeric = all(is_value_cell(c) for c in cells) and any(
            parse_number(c)[0] is not None for c in cells
        )
        if i < first_year or not numeric:
            keep.append(i)
            continue
        if is_total_label(header[i]):
            table.warnings.append(
                f"Kolumnen {header[i]!r} är en summa över åren och lästes inte som data."
            )
            continue
        raise ScbImportError(
            f"{table.name}, rad {table.header_line}: kolumnen {header[i]!r} har tal men inget "
            "årtal i rubriken. Förväntade etikettkolumner först och sedan en kolumn per år; "
            "ta bort kolumnen eller ge den ett årtal."
        )
    return keep


def _tidy_long(
    table: RawTable, header: list[str], report: ImportReport, decimal: str | None
) -> pd.DataFrame:
    name = table.name
    _drop_repeated_headers(table, header, [])
    lines = [line for line, _ in table.rows]
    cells = [[("" if c is None else c) for c in fields] for _, fields in table.rows]
    time_idx = next(i for i, h in enumerate(header) if snake_name(h) in TIME_NAMES)
    value_idx: list[int] = []
    for i in range(len(header) - 1, -1, -1):
        if i == time_idx or not all(is_value_cell(row[i]) or row[i] == "" for row in cells):
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
        match = YEAR_RE.match(str(row[time_idx]).strip())
        if not match:
            raise ScbImportError(
                f"{name}, rad {line}, kolumn {header[time_idx]!r}: {shorten(row[time_idx])!r} "
                "är inget årtal. Förväntade ett år som '2017' eller '2019K4'."
            )
        years.append(int(match[1]))
        extras.append(match[2].strip())
    dims = _dimensions(table, header, label_idx, cells, lines)
    _check_keys(table, dims, lines, extra=[f"{y} {e}" for y, e in zip(years, extras)])
    fmt = decide_number_format(
        [(row[i], line, header[i]) for line, row in zip(lines, cells) for i in value_idx],
        name, decimal,
    )
    values = _Values(name, fmt)
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
        if dim.types is not None:
            data[f"{dim.name}_type"] = pd.array(
                np.repeat(np.array(dim.types, dtype=object), n_values), "string"
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
    table: RawTable,
    header: list[str],
    label_idx: list[int],
    cells: list[list[Any]],
    lines: list[int],
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
    table: RawTable, dims: list[_Dimension], lines: list[int], extra: list[str] | None = None
) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for r, line in enumerate(lines):
        key = tuple(d.codes[r] if d.labels is None else f"{d.codes[r]} {d.labels[r]}" for d in dims)
        if extra is not None:
            key = (*key, extra[r])
        if key in seen:
            shown = ", ".join(key) or "(inga etiketter)"
            raise ScbImportError(
                f"{table.name}, rad {line}: samma etiketter ({shorten(shown, 100)}) som på rad "
                f"{seen[key]}. Förväntade en rad per kombination av etiketter."
            )
        seen[key] = line


def _fill_report(
    report: ImportReport,
    table: RawTable,
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
    if values.fmt is not None:
        report.thousands = values.fmt.thousands
        report.number_format = values.fmt.evidence
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
        if col == "region" and "region_type" in frame:
            kinds = set(frame["region_type"].dropna()) - {"riket"}
            if kinds != {"län"}:
                continue  # parts of another geography (or several) do not add up to Riket
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
        members[label_col].map(lambda s: isinstance(s, str) and is_total_label(s))
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
