"""Reading SCB's CSV downloads: decode the bytes, find the separator, title, header,
data rows and footnotes."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from kompetens_lib.data.scb_cells import (
    TIME_NAMES,
    YEAR_RE,
    RawTable,
    parse_number,
    shorten,
    snake_name,
)
from kompetens_lib.errors import ScbImportError

__all__ = ["SEPARATORS", "SEP_NAMES", "decode", "read_csv_text"]

SEPARATORS: tuple[str, ...] = (",", ";", "\t")
#: The separators' Swedish names, for messages.
SEP_NAMES = {",": "komma", ";": "semikolon", "\t": "tabb"}
# UTF-8 bytes of å, ä, ö, é, Å, Ä, Ö read as Latin-1 or cp1252 start with "Ã".
_MOJIBAKE_TAILS = {chr(b) for b in range(0x80, 0xC0)} | {
    bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xA0)
}
_MOJIBAKE_RE = re.compile("Ã[" + re.escape("".join(sorted(_MOJIBAKE_TAILS - {""}))) + "]")


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
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
                f"{name}, rad {line}: texten innehåller {what} ({shorten(snippet)!r}) och "
                f"lästes som {encoding}. Förväntade läsbara svenska tecken (å, ä, ö). Filen "
                "har lästs eller sparats med fel teckenkodning: ange rätt kodning (t.ex. "
                "'utf-8' i stället för 'latin-1') eller ladda ned filen från SCB igen."
            )


def _header_kind(fields: Sequence[str]) -> str | None:
    """'wide' if some field is a year heading, 'long' if one names the time variable."""
    cleaned = [f.strip() for f in fields]
    if len([f for f in cleaned if f]) < 2:
        return None
    if any(YEAR_RE.match(f) for f in cleaned):
        return "wide"
    if any(snake_name(f) in TIME_NAMES for f in cleaned):
        return "long"
    return None


def _parse_lines(lines: Sequence[str], sep: str) -> list[list[str]]:
    return list(csv.reader(lines, delimiter=sep, quotechar='"'))


def _sniff_separator(text: str, name: str) -> str:
    lines = [line for line in text.splitlines()[:200] if line.strip()][:60]
    best: tuple[tuple[int, int, int], str] | None = None
    for sep in SEPARATORS:
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


def read_csv_text(text: str, name: str, sep: str | None) -> RawTable:
    """Split decoded CSV text into title, header, data rows and footnotes.

    ``sep`` is detected when None. Raises :class:`ScbImportError` naming the line.
    """
    if sep is None:
        sep = _sniff_separator(text, name)
    elif sep not in SEPARATORS:
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
                f'raka citattecken ("...") avgränsade med {SEP_NAMES[sep]}.'
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
        filled = [f.strip() for f in fields if f.strip()]
        if (
            rows
            and len(filled) == 1
            and fields[0].strip()
            and not _is_number_text(fields[0])
            and (len(fields) != width or width > 2)
        ):
            # "Källa: SCB" right under the data (no blank line), often padded with
            # separators by Excel: a footnote; data after it is refused above.
            footnotes.append(filled[0])
            seen_blank = True
            continue
        if len(fields) != width:
            raise ScbImportError(
                f"{name}, rad {line}: raden har {len(fields)} fält men rubrikraden (rad "
                f"{header_line}) har {width}. Förväntade {width} fält avgränsade med "
                f"{SEP_NAMES[sep]}; kontrollera avgränsare och citattecken på raden."
            )
        rows.append((line, fields))
    if not rows:
        raise ScbImportError(
            f"{name}, rad {header_line}: filen har en rubrikrad men inga datarader. "
            "Förväntade minst en rad med värden under rubrikraden."
        )
    return RawTable(name, header, header_line, rows, title, footnotes, separator=sep)


def _is_number_text(text: str) -> bool:
    try:
        number, _ = parse_number(text)
    except ValueError:
        return False
    return number is not None


def _looks_like_data(fields: Sequence[Any], header: Sequence[str]) -> bool:
    """A row after a blank line is data if it fills the year columns with numbers."""
    year_cols = [i for i, h in enumerate(header) if YEAR_RE.match(str(h))] or [len(header) - 1]
    if len(fields) != len(header) or not any(str(fields[i]).strip() for i in year_cols):
        return False
    for i in year_cols:
        try:
            parse_number(fields[i])
        except ValueError:
            return False
    return True
