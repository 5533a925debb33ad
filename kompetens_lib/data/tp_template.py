"""The CSV template an analyst fills from SCB's T&P appendix, and its validator.

SCB publishes Trender och prognoser as report tables and Excel appendices, not in the
database; a region copies the national figures into this template (docs/tp-mall.md) and
:func:`validate_tp_template` turns it into the workbook's ``national_forecast`` table.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kompetens_lib.data.scb_cells import parse_number, snake_name
from kompetens_lib.data.scb_csv import decode
from kompetens_lib.data.tables import validate
from kompetens_lib.errors import KompetensError, ScbImportError, TemplateError
from kompetens_lib.reference.taxonomy import JUDGEMENTS, OTHER_JUDGEMENTS, resolve_group

__all__ = [
    "OUTPUT_COLUMNS",
    "TEMPLATE_COLUMNS",
    "TemplateError",
    "TemplateProblem",
    "validate_tp_template",
]

# Column headings of the template, in order; "kommentar" is optional and ignored.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "utbildningsgrupp",
    "år",
    "tillgång",
    "efterfrågan",
    "bedömning",
)
OUTPUT_COLUMNS: tuple[str, ...] = ("education_group", "year", "supply", "demand", "judgement")
FIRST_YEAR, LAST_YEAR = 2000, 2100

# Headings accepted for each column (compared after snake_name folding).
_HEADINGS: dict[str, tuple[str, ...]] = {
    "education_group": ("utbildningsgrupp", "grupp", "education_group"),
    "year": ("ar", "year"),
    "supply": ("tillgang", "utbud", "supply"),
    "demand": ("efterfragan", "demand"),
    "judgement": ("bedomning", "judgement", "judgment"),
}
_IGNORED = {"kommentar", "kalla", "comment", "source", "anmarkning"}
_SWEDISH = dict(zip(OUTPUT_COLUMNS, TEMPLATE_COLUMNS))
_VALID_JUDGEMENTS = JUDGEMENTS + OTHER_JUDGEMENTS
# SCB writes "(relativt) balanserat" where the workbook's scale says "balans".
_JUDGEMENT_SYNONYMS = {"balanserat": "balans", "relativt balanserat": "balans"}


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in a template: where it is and what would be valid (Swedish)."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"rad {self.line}" + (f", kolumn '{self.column}'" if self.column else "")
        value = f", värde {self.value!r}" if self.value != "" else ""
        return f"{where}{value}: {self.message}"


def _judgement(text: str) -> str | None:
    folded = " ".join(text.casefold().split())
    folded = _JUDGEMENT_SYNONYMS.get(folded, folded)
    return folded if folded in _VALID_JUDGEMENTS else None


_COUNT = "ett heltal ≥ 0 (antal personer, t.ex. 12300 eller 12 300)"


def _number_problem(column: str, cell: str) -> tuple[int | None, str | None]:
    if not cell.strip() or cell.strip() in {"..", "."}:
        return None, f"{_SWEDISH[column]} saknas. Förväntade {_COUNT}."
    try:
        number, kind = parse_number(cell)
    except ValueError:
        number, kind = None, "bad"
    if number is None or kind == "zero" and cell.strip() != "0":
        return None, f"inget tal. Förväntade {_COUNT}."
    if number < 0:
        return None, f"negativt. Förväntade {_COUNT}."
    if number != int(number):
        return None, f"inget heltal. Förväntade {_COUNT}; SCB avrundar till hela personer."
    return int(number), None


def validate_tp_template(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Check a filled T&P template and return it as the ``national_forecast`` table.

    The template (docs/tp-mall.md) is a CSV file with the columns ``utbildningsgrupp``,
    ``år``, ``tillgång``, ``efterfrågan`` and ``bedömning`` (optionally ``kommentar``;
    English headings ``education_group``, ``year``, ``supply``, ``demand``, ``judgement``
    are accepted too). Comma, semicolon or tab; UTF-8 (with or without BOM), Latin-1 or
    cp1252 as Excel saves it; lines starting with ``#`` are comments.

    Rules: the group is a code from :func:`kompetens_lib.reference.taxonomy.education_groups`
    ("103"; "3" and "03" are read as "003", since Excel drops leading zeros), a short name
    or SCB's label (any case); the year is a whole number 2000–2100; supply and demand are
    whole numbers ≥ 0 (spaces as thousands separators are fine); the judgement is empty or
    one of :data:`~kompetens_lib.reference.taxonomy.JUDGEMENTS` and
    :data:`~kompetens_lib.reference.taxonomy.OTHER_JUDGEMENTS` (any case; SCB's "(relativt)
    balanserat" is read as "balans"), and only in the first (base) and last (target) year
    of the template, as the workbook's table requires; each group and year occurs once.

    All problems are collected and raised together as one :class:`TemplateError` (Swedish;
    each with line, column, value and what is valid; also in ``err.problems``).

    Returns a new frame sorted by group and year, checked by
    ``kompetens_lib.data.tables.validate("national_forecast", ...)`` and so shaped like
    ``load("national_forecast")``: ``education_group`` (string, three-digit code), ``year``,
    ``supply`` and ``demand`` (int64) and ``judgement`` (string, ``""`` where empty).

    >>> from importlib.resources import files
    >>> df = validate_tp_template(files("kompetens_lib") / "data/tp_template_example.csv")
    >>> df.columns.tolist()
    ['education_group', 'year', 'supply', 'demand', 'judgement']
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KompetensError(f"T&P-mallen {str(path)!r} finns inte.") from None
    try:
        text, _ = decode(data, name, None)
    except ScbImportError as exc:
        raise TemplateError(name, [TemplateProblem(1, "", "", str(exc))]) from None
    # Comments become blank lines so that line numbers stay those of the file.
    lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines()]
    records = _records(lines)
    problems: list[TemplateProblem] = []
    if not records:
        raise TemplateError(
            name,
            [
                TemplateProblem(
                    1,
                    "",
                    "",
                    f"mallen är tom. Förväntade en rubrikrad: {','.join(TEMPLATE_COLUMNS)}.",
                )
            ],
        )
    header_line, header = records[0]
    columns = _map_header(header, header_line, problems)
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, int], int] = {}
    for line, fields in records[1:]:
        if len(fields) != len(header):
            problems.append(
                TemplateProblem(
                    line,
                    "",
                    "",
                    f"raden har {len(fields)} fält men rubrikraden har {len(header)}. "
                    "Förväntade ett värde per kolumn (tomt fält för tom bedömning); "
                    "kontrollera avgränsare och citattecken.",
                )
            )
            continue
        row = _check_row(line, fields, columns, problems)
        row["_line"] = line
        key = (row.get("education_group"), row.get("year"))
        if None not in key and isinstance(key[0], str):
            if key in seen:
                problems.append(
                    TemplateProblem(
                        line,
                        _SWEDISH["education_group"],
                        str(key[0]),
                        f"grupp {key[0]} år {key[1]} finns redan på rad {seen[key]}. "
                        "Förväntade en rad per utbildningsgrupp och år.",
                    )
                )
            else:
                seen[key] = line  # type: ignore[index]
        rows.append(row)
    if len(records) == 1:
        problems.append(
            TemplateProblem(header_line, "", "", "mallen har inga datarader under rubrikraden.")
        )
    _check_judgement_years(rows, problems)
    if problems:
        raise TemplateError(name, sorted(problems, key=lambda p: p.line))
    frame = pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
    # The workbook's own rules for the table, so that the result loads like any other.
    frame = validate("national_forecast", frame, path)
    return frame.sort_values(["education_group", "year"], ignore_index=True)


def _check_judgement_years(rows: list[dict[str, object]], problems: list[TemplateProblem]) -> None:
    """The workbook moves the base-year judgement to the target year: none in between."""
    years = [r["year"] for r in rows if isinstance(r.get("year"), int)]
    if not years:
        return
    first, last = min(years), max(years)
    for r in rows:
        if r.get("judgement") and r.get("year") not in (first, last, None):
            problems.append(
                TemplateProblem(
                    int(r["_line"]),  # type: ignore[call-overload]
                    _SWEDISH["judgement"],
                    str(r["judgement"]),
                    f"en bedömning för år {r['year']}. Förväntade bedömningar bara för basåret "
                    f"{first} och målåret {last} (lämna fältet tomt för andra år).",
                )
            )


def _records(lines: list[str]) -> list[tuple[int, list[str]]]:
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return []
    sep = max((",", ";", "\t"), key=lambda s: len(next(csv.reader([first], delimiter=s))))
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)
    records = []
    for fields in reader:
        if any(f.strip() for f in fields):
            records.append((reader.line_num, [f.strip() for f in fields]))
    return records


def _map_header(header: list[str], line: int, problems: list[TemplateProblem]) -> dict[str, int]:
    columns: dict[str, int] = {}
    lookup = {alias: column for column, aliases in _HEADINGS.items() for alias in aliases}
    valid = ", ".join(TEMPLATE_COLUMNS) + " (och valfritt kommentar)"
    for index, heading in enumerate(header):
        key = snake_name(heading)
        column = lookup.get(key)
        if column is None:
            if key in _IGNORED:
                continue
            problems.append(
                TemplateProblem(line, heading, "", f"okänd kolumn. Giltiga kolumner är {valid}.")
            )
        elif column in columns:
            problems.append(
                TemplateProblem(line, heading, "", f"kolumnen {_SWEDISH[column]} finns två gånger.")
            )
        else:
            columns[column] = index
    for column in OUTPUT_COLUMNS:
        if column not in columns:
            problems.append(
                TemplateProblem(
                    line,
                    _SWEDISH[column],
                    "",
                    f"kolumnen saknas. Förväntade rubrikraden {','.join(TEMPLATE_COLUMNS)}.",
                )
            )
    return columns


def _check_row(
    line: int, fields: list[str], columns: dict[str, int], problems: list[TemplateProblem]
) -> dict[str, object]:
    row: dict[str, object] = {}

    def problem(column: str, value: str, message: str) -> None:
        problems.append(TemplateProblem(line, _SWEDISH[column], value, message))

    if "education_group" in columns:
        cell = fields[columns["education_group"]]
        if not cell:
            problem(
                "education_group",
                cell,
                "utbildningsgrupp saknas. Förväntade en kod som "
                "'103' eller ett kortnamn som 'Förskollärare'.",
            )
        else:
            candidate = cell.zfill(3) if cell.isdigit() and len(cell) < 3 else cell
            try:
                row["education_group"] = resolve_group(candidate)
            except KompetensError as exc:
                problem("education_group", cell, str(exc))
    if "year" in columns:
        cell = fields[columns["year"]]
        if cell.isdigit() and FIRST_YEAR <= int(cell) <= LAST_YEAR:
            row["year"] = int(cell)
        else:
            expected = f"förväntade ett årtal {FIRST_YEAR}–{LAST_YEAR}, t.ex. 2035."
            problem("year", cell, expected)
    for column in ("supply", "demand"):
        if column in columns:
            cell = fields[columns[column]]
            number, message = _number_problem(column, cell)
            if message:
                problem(column, cell, message)
            else:
                row[column] = number
    if "judgement" in columns:
        cell = fields[columns["judgement"]]
        if not cell:
            row["judgement"] = ""
        else:
            judgement = _judgement(cell)
            if judgement is None:
                close = difflib.get_close_matches(cell.casefold(), _VALID_JUDGEMENTS, n=1)
                hint = f" Menade du '{close[0]}'?" if close else ""
                problem(
                    "judgement",
                    cell,
                    f"okänd bedömning.{hint} Giltiga är tomt eller "
                    + ", ".join(f"'{j}'" for j in _VALID_JUDGEMENTS)
                    + ".",
                )
            else:
                row["judgement"] = judgement
    return row
