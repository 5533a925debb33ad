"""Import of tables that analysts download by hand from SCB's Statistical Database.

Reads the web page's CSV exports (any of the encodings and separators SCB and Excel produce)
and its Excel downloads into one tidy long table, checks them, and writes the result. The
work is split by step: :mod:`~kompetens_lib.data.scb_csv` (decoding, CSV),
:mod:`~kompetens_lib.data.scb_xlsx` (Excel grids), :mod:`~kompetens_lib.data.scb_tidy` (the
tidy shape, its checks and report) and :mod:`~kompetens_lib.data.writing` (atomic files).
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_lib.data.scb_cells import snake_name
from kompetens_lib.data.scb_csv import SEP_NAMES, decode, read_csv_text
from kompetens_lib.data.scb_tidy import ImportReport, tidy
from kompetens_lib.data.scb_xlsx import read_xlsx
from kompetens_lib.data.writing import write_tidy
from kompetens_lib.errors import ScbImportError

__all__ = [
    "ImportReport",
    "ScbImportError",
    "format_report",
    "import_scb_file",
    "snake_name",
    "write_tidy",
]


def import_scb_file(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    sep: str | None = None,
    sheet: str | int | None = None,
    strict_totals: bool = False,
    decimal: str | None = None,
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
      may use spaces, "," or "." as thousands separators and a decimal comma or point; the
      format is decided from the whole file (``decimal`` settles a file where nothing else does)
      and reported; a number that could be read two ways is refused with the example.

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
        table, sheet_name = read_xlsx(path, name, sheet)
        report = ImportReport(source=str(path), format="xlsx", sheet=sheet_name)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise ScbImportError(
            f"{name}: gamla Excel-filer (.xls) kan inte läsas. Förväntade CSV eller .xlsx: "
            "spara om filen som .xlsx eller ladda ned den som CSV från SCB."
        )
    else:
        text, used = decode(data, name, encoding)
        table = read_csv_text(text, name, sep)
        report = ImportReport(
            source=str(path), format="csv", encoding=used, separator=table.separator
        )
    frame = tidy(table, report, decimal)
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
        separator = SEP_NAMES.get(r["separator"], r["separator"])
        how = f"teckenkodning {r['encoding']}, avgränsare {separator}"
    else:
        how = f"Excel, blad {r['sheet']!r}"
    if r.get("decimal"):
        how += f", decimaltecken {'komma' if r['decimal'] == ',' else 'punkt'}"
    if r.get("thousands"):
        how += f", tusentalsavgränsare {'komma' if r['thousands'] == ',' else 'punkt'}"
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
    if r.get("number_format"):
        lines.append(f"  Talformat: {r['number_format']}.")
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
