"""Reading SCB's Excel downloads (.xlsx): find header, sub-headings, data block and
footnotes in a sheet's grid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kompetens_lib.data.scb_cells import (
    TIME_NAMES,
    YEAR_RE,
    RawTable,
    is_value_cell,
    snake_name,
)
from kompetens_lib.errors import ScbImportError

__all__ = ["grid_to_table", "read_xlsx"]

def read_xlsx(path: Path, name: str, sheet: str | int | None) -> tuple[RawTable, str]:
    """Read one sheet (the first unless ``sheet`` names one) as a raw table; return it
    and the sheet's name."""
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
    return grid_to_table(grid, f"{name} (blad {sheet_name!r})"), sheet_name


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
    return isinstance(value, str) and bool(YEAR_RE.match(value))


def grid_to_table(raw: list[list[Any]], name: str) -> RawTable:
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
        if any(isinstance(v, str) and snake_name(v) in TIME_NAMES for v in r):
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
            if any(is_value_cell(v) for v in grid[i][first_year:])
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
        if any(is_value_cell(row[c]) for c in year_cols) and any(
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
    return RawTable(name, header, header_at + 1, rows, title, footnotes, forward_filled=filled)


def _long_grid(grid: list[list[Any]], header_at: int, name: str) -> RawTable:
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
    return RawTable(name, [str(head[c]) for c in cols], header_at + 1, rows, title, footnotes)
