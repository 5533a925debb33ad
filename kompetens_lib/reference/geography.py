"""Geography beyond the county: Riket, NUTS areas (riksområden), counties, FA regions and
municipalities, and one resolver for a code or a name in Swedish or English.

Sources: municipalities from SCB's code list (``municipalities.csv``, its header cites it);
NUTS areas from SCB's regional divisions (*riksområden*, NUTS 2021); counties from
:mod:`kompetens_lib.reference.regions`. FA regions (functional analysis regions,
codes "FA00".."FA60" as in SCB's AM9906) are recognised by their code and keep the name the
file gives them. Their members are not bundled: Tillväxtverket publishes the municipality →
FA key (FA15, 60 regions) as a spreadsheet, no text copy of the whole key could be checked
against a source (searched 2026-12), and SCB's AM9906 numbering was not confirmed to be
Tillväxtverket's, so no name is guessed from a number.
"""

from __future__ import annotations

import csv
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

from kompetens_lib._internal.text import closest, fold
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import (
    COUNTY_CODES,
    NATIONAL_CODE,
    NATIONAL_NAME,
    region_name,
    resolve_region,
)

__all__ = [
    "AREA_TYPES",
    "Area",
    "municipalities",
    "nuts_areas",
    "resolve_area",
    "split_area_label",
]

#: Region types, from the whole country down.
AREA_TYPES: tuple[str, ...] = ("riket", "riksområde", "län", "fa-region", "kommun")

# NUTS (SCB's riksområden, NUTS 2021): code, Swedish name, English name (as in SCB's English
# exports), counties.
_NUTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("SE1", "Östra Sverige", "East Sweden", ("01", "03", "04", "05", "18", "19")),
    ("SE11", "Stockholm", "Stockholm", ("01",)),
    ("SE12", "Östra Mellansverige", "East-Central Sweden", ("03", "04", "05", "18", "19")),
    ("SE2", "Södra Sverige", "Southern Sweden", ("06", "07", "08", "09", "10", "12", "13", "14")),
    ("SE21", "Småland med öarna", "Småland and islands", ("06", "07", "08", "09")),
    ("SE22", "Sydsverige", "South Sweden", ("10", "12")),
    ("SE23", "Västsverige", "West Sweden", ("13", "14")),
    ("SE3", "Norra Sverige", "North Sweden", ("17", "20", "21", "22", "23", "24", "25")),
    ("SE31", "Norra Mellansverige", "North-Central Sweden", ("17", "20", "21")),
    ("SE32", "Mellersta Norrland", "Central Norrland", ("22", "23")),
    ("SE33", "Övre Norrland", "Upper Norrland", ("24", "25")),
)
_NATIONAL_WORDS = {"riket", "hela riket", "sverige", "sweden", "whole country", "se", "se sweden",
                   "00", "0", "se0", "total", "totalt"}
_FA_RE = re.compile(r"^fa ?(\d{1,2})$")
# "SE11 Stockholm", "0180 Stockholm", "FA08 Västerås", "01 Stockholm county"
_CODE_LABEL_RE = re.compile(r"^(SE\d{0,2}|FA ?\d{1,2}|\d{1,4})\s+(\S.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """One area: ``code`` ("00", "SE11", "12", "FA08", "0180"), Swedish ``name``, ``type``
    (one of :data:`AREA_TYPES`), the ``counties`` it lies in or covers, and (for a
    municipality) its county in ``counties``."""

    code: str
    name: str
    type: str
    counties: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _municipality_rows() -> tuple[tuple[str, str, str], ...]:
    text = resources.files(__package__).joinpath("municipalities.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple((r["code"], r["name"], r["county"]) for r in csv.DictReader(lines))


def municipalities(county: object | None = None) -> pd.DataFrame:
    """The 290 municipalities: ``code`` ("0180"), ``name`` ("Stockholm"), ``county`` ("01").

    With ``county`` (a code or name) only that county's municipalities.

    >>> municipalities("Gotland")["name"].tolist()
    ['Gotland']
    """
    rows = _municipality_rows()
    if county is not None:
        code = resolve_region(county)
        rows = tuple(r for r in rows if r[2] == code)
    return pd.DataFrame(list(rows), columns=["code", "name", "county"]).astype("string")


def nuts_areas() -> pd.DataFrame:
    """SCB's riksområden (NUTS 1 and 2): ``code``, ``name``, ``name_en``, ``level``
    (1 or 2), ``counties`` (comma-separated county codes)."""
    rows = [(c, n, e, len(c) - 2, ",".join(k)) for c, n, e, k in _NUTS]
    frame = pd.DataFrame(rows, columns=["code", "name", "name_en", "level", "counties"])
    return frame.astype({"code": "string", "name": "string", "name_en": "string",
                         "counties": "string"})


@lru_cache(maxsize=1)
def _by_name() -> dict[str, dict[str, Area]]:
    """Folded names → area, per region type (a name can mean a county and a municipality)."""
    table: dict[str, dict[str, Area]] = {t: {} for t in AREA_TYPES}
    for code, name, english, counties in _NUTS:
        area = Area(code, name, "riksområde", counties)
        for alias in (code, name, english, f"{code} {name}", f"{code} {english}"):
            table["riksområde"][fold(alias)] = area
    for code, name, county in _municipality_rows():
        area = Area(code, name, "kommun", (county,))
        genitive = name if name.endswith("s") else name + "s"
        for alias in (code, name, f"{name} kommun", f"{genitive} kommun",
                      f"{name} municipality", f"{code} {name}"):
            table["kommun"][fold(alias)] = area
    return table


def _county(code: str) -> Area:
    return Area(code, region_name(code), "län", (code,))


def _national() -> Area:
    return Area(NATIONAL_CODE, NATIONAL_NAME, "riket", COUNTY_CODES)


def split_area_label(text: str) -> tuple[str | None, str]:
    """Split "SE11 Stockholm" into ("SE11", "Stockholm"); (None, text) without a code."""
    match = _CODE_LABEL_RE.match(text.strip())
    if not match:
        return None, text.strip()
    return match[1].replace(" ", "").upper(), match[2].strip()


def _fa(number: str, label: str | None) -> Area:
    n = int(number)
    if not 0 <= n <= 60:
        raise KompetensError(
            f"Okänd FA-region: FA{number}. Giltiga är FA00–FA60 (funktionella "
            "analysregioner, som i SCB:s tabell AM9906)."
        )
    code = f"FA{n:02d}"
    return Area(code, label or code, "fa-region")


def _valid() -> str:
    return ("Giltiga är 'Riket', ett riksområde (SE1, SE11 … SE33, t.ex. 'SE11 Stockholm'), "
            "ett län (kod 01–25 eller namn), en FA-region (FA01–FA60) eller en kommun "
            "(fyrsiffrig kod som 0180 eller namn som 'Kiruna'), på svenska eller engelska.")


def resolve_area(value: object, *, types: tuple[str, ...] | None = None) -> Area:
    """Return the area a code or name means, with its region type.

    Accepts codes ("00", "SE11", "12", "FA08", "0180", 180), names in Swedish or English
    ("Riket", "Sweden", "Stockholm", "East-Central Sweden", "Kiruna kommun", "Skåne län",
    "Stockholm county") and SCB's "code name" labels ("SE11 Stockholm", "0180 Stockholm",
    "01 Stockholms län"). A name shared by a county and a municipality ("Stockholm",
    "Uppsala") means the county unless ``types`` asks for municipalities (or says
    "kommun"). ``types`` limits the region types accepted.

    Raises :class:`KompetensError` in Swedish with a near-miss suggestion.

    >>> resolve_area("SE11 Stockholm").type, resolve_area("2584").name
    ('riksområde', 'Kiruna')
    >>> resolve_area("Stockholm", types=("kommun",)).code
    '0180'
    """
    area = _resolve(value, types)
    if types is not None and area.type not in types:
        raise KompetensError(
            f"{value!r} är ett område av typen {area.type} ({area.code} {area.name}); här "
            f"behövs {' eller '.join(types)}."
        )
    return area


def _resolve(value: object, types: tuple[str, ...] | None) -> Area:
    if isinstance(value, bool) or value is None:
        raise KompetensError(f"Område saknas eller är ogiltigt ({value!r}). {_valid()}")
    if isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
        value = str(number).zfill(4 if number >= 100 else 2)
    if not isinstance(value, str):
        raise KompetensError(
            f"Område måste anges som kod eller namn, inte som {type(value).__name__} "
            f"({value!r}). {_valid()}"
        )
    text = value.strip()
    code, label = split_area_label(text)
    if code is not None:
        return _from_code(code, label, value)
    area = _from_code(text.replace(" ", "").upper(), None, value, quiet=True)
    if area is not None:
        return area
    return _from_name(text, value, types)


def _from_code(code: str, label: str | None, value: object, quiet: bool = False) -> Area | None:
    folded_label = fold(label) if label else None
    if code in ("SE", "00", "0", "SE0"):
        if code in ("SE", "SE0") or folded_label is None or folded_label in _NATIONAL_WORDS:
            return _national()
    elif code.startswith("SE"):
        area = _by_name()["riksområde"].get(fold(code))
        if area is not None:
            return area
    elif re.fullmatch(r"FA\d{1,2}", code):
        return _fa(code[2:], label)
    elif code.isdigit() and len(code) <= 2:
        county = code.zfill(2)
        if county in COUNTY_CODES:
            area = _county(county)
            if folded_label is not None:
                named = _county_by_name(label or "")
                if named is not None and named != county:
                    raise KompetensError(
                        f"Området {value!r} har länskoden {county} men namnet hör till län "
                        f"{named} ({region_name(named)}). Förväntade att kod och namn hör ihop."
                    )
            return area
    elif code.isdigit() and len(code) in (3, 4):
        area = _by_name()["kommun"].get(code.zfill(4))
        if area is not None:
            if folded_label is not None and fold(area.name) not in folded_label:
                raise KompetensError(
                    f"Området {value!r} har kommunkoden {area.code} men den koden är "
                    f"{area.name}. Förväntade att kod och namn hör ihop."
                )
            return area
    if quiet:
        return None
    raise KompetensError(f"Okänd områdeskod {code!r} i {value!r}. {_valid()}")


def _county_by_name(text: str) -> str | None:
    try:
        return resolve_region(text)
    except KompetensError:
        return None


def _from_name(text: str, value: object, types: tuple[str, ...] | None) -> Area:
    folded = fold(text)
    if folded in _NATIONAL_WORDS:
        return _national()
    wants_municipality = (types is not None and "kommun" in types and "län" not in types) or (
        folded.endswith((" kommun", " municipality"))
    )
    kommun = _by_name()["kommun"].get(folded)
    if wants_municipality and kommun is not None:
        return kommun
    county = _county_by_name(re.sub(r" county$", "", folded))
    if county is not None and (types is None or "län" in types or kommun is None):
        return _county(county)
    nuts = _by_name()["riksområde"].get(folded)
    if nuts is not None:
        return nuts
    if kommun is not None:
        return kommun
    fa = _FA_RE.match(folded)
    if fa:
        return _fa(fa[1], None)
    candidates = {fold(region_name(c)): _county(c) for c in COUNTY_CODES}
    candidates |= {fold(region_name(c).removesuffix(" län").removesuffix("s")): _county(c)
                   for c in COUNTY_CODES}
    for kind in ("riksområde", "kommun"):
        candidates |= {n: a for n, a in _by_name()[kind].items() if not n[0].isdigit()}
    suggestion = closest(folded, list(candidates))
    hint = ""
    if suggestion:
        area = candidates[suggestion]
        hint = f" Menade du '{area.name}' ({area.code}, {area.type})?"
    raise KompetensError(f"Okänt område: {value!r}.{hint} {_valid()}")
