"""Sweden's counties (SCB's codes) and a forgiving resolver for what users type."""

from __future__ import annotations

import numbers
import re

import pandas as pd

from kompetens_lib._internal.text import closest, fold, slugify
from kompetens_lib.errors import KompetensError

NATIONAL_CODE = "00"
NATIONAL_NAME = "Riket"

# SCB code list vs_RegionLän07: code, name, short name, genitive stem used in "X län".
_COUNTIES: tuple[tuple[str, str, str], ...] = (
    ("01", "Stockholms län", "Stockholm"),
    ("03", "Uppsala län", "Uppsala"),
    ("04", "Södermanlands län", "Södermanland"),
    ("05", "Östergötlands län", "Östergötland"),
    ("06", "Jönköpings län", "Jönköping"),
    ("07", "Kronobergs län", "Kronoberg"),
    ("08", "Kalmar län", "Kalmar"),
    ("09", "Gotlands län", "Gotland"),
    ("10", "Blekinge län", "Blekinge"),
    ("12", "Skåne län", "Skåne"),
    ("13", "Hallands län", "Halland"),
    ("14", "Västra Götalands län", "Västra Götaland"),
    ("17", "Värmlands län", "Värmland"),
    ("18", "Örebro län", "Örebro"),
    ("19", "Västmanlands län", "Västmanland"),
    ("20", "Dalarnas län", "Dalarna"),
    ("21", "Gävleborgs län", "Gävleborg"),
    ("22", "Västernorrlands län", "Västernorrland"),
    ("23", "Jämtlands län", "Jämtland"),
    ("24", "Västerbottens län", "Västerbotten"),
    ("25", "Norrbottens län", "Norrbotten"),
)

COUNTY_CODES: tuple[str, ...] = tuple(code for code, _, _ in _COUNTIES)


def region_slug(code: str) -> str:
    """The folder name part of a county: '12' → 'skane' (see :func:`regions`)."""
    for c, _, short in _COUNTIES:
        if c == code:
            return slugify(short)
    raise KeyError(code)


def regions(include_national: bool = False) -> pd.DataFrame:
    """Return the county reference table.

    Columns: ``code`` (string, "01".."25"), ``name`` ("Skåne län"), ``short_name``
    ("Skåne"), ``slug`` (ASCII, for folder names: "skane"). With ``include_national``
    the first row is "00" Riket.

    >>> regions().set_index("code").loc["12", "name"]
    'Skåne län'
    """
    rows = [(c, n, s, slugify(s)) for c, n, s in _COUNTIES]
    if include_national:
        rows.insert(0, (NATIONAL_CODE, NATIONAL_NAME, NATIONAL_NAME, "riket"))
    frame = pd.DataFrame(rows, columns=["code", "name", "short_name", "slug"])
    return frame.astype("string")




def _strip_county_words(folded: str) -> str:
    folded = re.sub(r"^(region|lan) ", "", folded)
    folded = re.sub(r" (lan|county|region)$", "", folded)
    return folded.strip()


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name, short in _COUNTIES:
        stem = name.removesuffix(" län")
        for alias in (code, str(int(code)), name, short, stem, f"region {short}"):
            table[fold(alias)] = code
            table[_strip_county_words(fold(alias))] = code
    return table


_ALIASES = _aliases()
_NATIONAL_ALIASES = {"00", "0", "riket", "sverige", "hela riket", "sweden"}


def region_name(code: str) -> str:
    """Full name of a county code, or 'Riket' for "00"."""
    if code == NATIONAL_CODE:
        return NATIONAL_NAME
    for c, name, _ in _COUNTIES:
        if c == code:
            return name
    raise KompetensError(f"Okänd länskod: {code!r}. {_valid_choices()}")


def _valid_choices() -> str:
    listed = ", ".join(f"{c} {s}" for c, _, s in _COUNTIES)
    return f"Giltiga val är länskod eller namn: {listed}."


def resolve_region(value: object, *, allow_national: bool = False) -> str:
    """Return the two-digit county code for a code, name, short name or integer.

    Accepts what participants and papermill produce: ``"12"``, ``12`` (``-p region 12``
    arrives as an integer, ``05`` as ``5``), ``"Skåne"``, ``"skane"``, ``"Skåne län"``,
    ``"SKÅNE LÄN"``. With ``allow_national`` also "00"/"Riket".

    Raises :class:`KompetensError` in Swedish listing the valid choices, with a
    suggestion for near misses.

    >>> resolve_region("skane"), resolve_region(5), resolve_region("Västra Götalands län")
    ('12', '05', '14')
    """
    if isinstance(value, bool) or value is None:
        raise KompetensError(f"Län saknas eller är ogiltigt ({value!r}). {_valid_choices()}")
    if isinstance(value, numbers.Integral):
        text = str(int(value)).zfill(2)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value)).zfill(2)
    elif isinstance(value, str):
        text = value
    else:
        raise KompetensError(
            f"Län måste anges som kod eller namn, inte som {type(value).__name__} "
            f"({value!r}). {_valid_choices()}"
        )
    folded = fold(text)
    if folded.isdigit():
        folded = folded.zfill(2)
    if allow_national and folded in _NATIONAL_ALIASES:
        return NATIONAL_CODE
    for candidate in (folded, _strip_county_words(folded)):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    suggestion = suggest_region(folded)
    hint = f" Menade du '{region_name(suggestion)}' ({suggestion})?" if suggestion else ""
    raise KompetensError(f"Okänt län: {value!r}.{hint} {_valid_choices()}")


def suggest_region(text: str) -> str | None:
    """The county code a misspelt name most likely means ("Skaane" → "12"), or None."""
    folded = fold(text)
    if not folded or folded.isdigit():
        return None
    match = closest(_strip_county_words(folded), [k for k in _ALIASES if not k.isdigit()])
    return _ALIASES[match] if match else None
