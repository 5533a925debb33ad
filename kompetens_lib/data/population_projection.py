"""County population by age to the target year: the region's own projection, or a fallback
made from SCB's national population projection.

SCB's population table (TAB638) has only observed years, and the notebooks need every year
to the forecast's target year. Two ways to get them, both labelled as what they are in the
table's ``projection`` column and in its provenance:

* **The region's own projection** (:func:`validate_projection_template`): a CSV the analyst
  fills from the region's population forecast (docs/data.md, "Befolkningsprognos"). It
  replaces the fallback for the counties it covers.
* **The fallback** (:func:`project_by_national_change`): each county's base-year age
  structure moved by the national projected change of the same age band,

  .. math:: P_{c,b,y} = P_{c,b,0} \\cdot N_{b,y} / N_{b,0},

  with :math:`P_{c,b,0}` the county's population in band *b* in the last observed year and
  :math:`N_{b,y}` SCB's national projection. This keeps the county's age structure and lets
  it age as the nation ages; it knows nothing of the county's own migration or births, so a
  growing county is understated and a shrinking one overstated. It is not SCB's regional
  projection and is never shown as one.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_lib.data.scb_csv import decode
from kompetens_lib.errors import DataValidationError, KompetensError, ScbImportError
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE, resolve_region
from kompetens_lib.reference.taxonomy import POPULATION_AGE_BANDS

__all__ = [
    "FALLBACK_METHOD",
    "TEMPLATE_COLUMNS",
    "apply_own_projection",
    "national_by_band",
    "project_by_national_change",
    "validate_projection_template",
]

TEMPLATE_COLUMNS = ("län", "åldersgrupp", "år", "antal")
_ENGLISH = {"region": "län", "age_band": "åldersgrupp", "year": "år", "value": "antal"}
_IGNORED = {"kommentar", "kalla", "källa", "comment", "source"}

FALLBACK_METHOD = (
    "Framskrivna år (projection = true) är inte SCB:s länsprognos: länets åldersstruktur "
    "det senaste utfallsåret ({base}) har förts fram med rikets förändring per åldersgrupp "
    "i SCB:s befolkningsframskrivning ({table}). Länets egen flyttning och fruktsamhet "
    "ingår inte; använd regionens egen prognos (kompetens data cache --befolkningsprognos) "
    "där den finns."
)


def _band(text: object) -> str | None:
    """A population age band ("0-15", "16–24 år", "75+") → the workbook's code, or None."""
    folded = re.sub(r"\s*år\s*$", "", str(text).strip().casefold()).replace("–", "-")
    folded = folded.replace(" ", "")
    return folded if folded in POPULATION_AGE_BANDS else None


def _band_of_age(label: object) -> str | None:
    """A one-year age label ("17 år", "100+ år", "105+") → its band; None for totals."""
    match = re.match(r"^\s*(\d+)", str(label))
    if not match:
        return None
    age = int(match.group(1))
    for band in POPULATION_AGE_BANDS:
        lo, _, hi = band.rstrip("+").partition("-")
        if int(lo) <= age <= (int(hi) if hi else 10**6):
            return band
    return None  # pragma: no cover - the bands cover every age


def national_by_band(frame: pd.DataFrame) -> pd.DataFrame:
    """SCB's national projection (one-year ages, any sexes) → ``age_band``, ``year``, ``value``.

    ``frame`` is a tidy frame from :meth:`~kompetens_lib.data.scb_api.ScbClient.fetch`
    (``attrs["provenance"]["columns"]`` names its columns). Totals ("totalt ålder") are left
    out; sexes and everything else are summed.
    """
    columns = frame.attrs["provenance"]["columns"]
    ages = frame[columns["Alder"] + "_label"].map(_band_of_age)
    time = frame[columns["Tid"]].astype("string").str.extract(r"(\d{4})")[0]
    out = pd.DataFrame({"age_band": ages, "year": time, "value": frame["value"]})
    out = out[out["age_band"].notna() & out["year"].notna()]
    out = out.astype({"year": "int64"})
    out["value"] = out["value"].fillna(0).astype(float)
    return out.groupby(["age_band", "year"], as_index=False)["value"].sum()


def project_by_national_change(
    population: pd.DataFrame, national: pd.DataFrame, *, until: int | None = None
) -> pd.DataFrame:
    """Extend the observed ``population`` table with projected years (the fallback).

    Parameters
    ----------
    population
        The workbook's population table, observed years only (``region``, ``age_band``,
        ``year``, ``value``, ``projection``), counties and Riket.
    national
        ``age_band``, ``year``, ``value``: SCB's national projection by band
        (:func:`national_by_band`).
    until
        The last year to project (default: the projection's last year).

    Returns
    -------
    DataFrame
        ``population`` with one row per county, band and year after the last observed year,
        ``projection`` True, Riket the sum of the counties; the input is not changed.

    >>> pop = pd.DataFrame({"region": ["00", "01"], "age_band": ["0-15"] * 2,
    ...                     "year": [2023] * 2, "value": [100, 100], "projection": False})
    >>> nat = pd.DataFrame({"age_band": ["0-15"] * 2, "year": [2023, 2030],
    ...                     "value": [1000.0, 1100.0]})
    >>> project_by_national_change(pop, nat)["value"].tolist()
    [100, 110, 100, 110]
    """
    observed = population[~population["projection"].astype(bool)]
    base = int(observed["year"].max())
    last = max(int(y) for y in national["year"].unique())
    last = last if until is None else min(last, int(until))
    years = list(range(base + 1, last + 1))  # every year: gaps are interpolated below
    if not years:
        raise KompetensError(
            f"SCB:s befolkningsframskrivning har inga år efter {base}, det senaste utfallsåret; "
            "det finns inget att skriva fram. Ange regionens egen prognos i stället "
            "(kompetens data cache --befolkningsprognos FIL)."
        )
    nat = national.pivot_table(index="age_band", columns="year", values="value",
                               aggfunc="sum")
    counties = observed[(observed["year"] == base) & (observed["region"] != NATIONAL_CODE)]
    start = counties.pivot_table(index="region", columns="age_band", values="value",
                                 aggfunc="sum")
    if base in nat.columns:  # the projection's own base year: its level, not the register's
        base_level = nat[base]
    else:
        base_level = start.sum(axis=0).astype(float)
    # Years between the base year and the projection's first year (a base year chosen
    # earlier than the newest): straight line from the base level to the projection.
    nat = nat.reindex(columns=sorted({*nat.columns, *years}))
    nat[base] = base_level
    nat = nat.reindex(columns=sorted(nat.columns)).interpolate(axis=1, limit_area="inside")
    missing = [b for b in POPULATION_AGE_BANDS if b not in nat.index]
    if missing:
        raise KompetensError(
            "SCB:s befolkningsframskrivning saknar åldrarna i åldersgrupperna "
            f"{', '.join(missing)}; alla åldrar 0–100+ behövs."
        )
    rows = []
    for year in years:
        factor = (nat[year] / nat[base].replace(0, np.nan)).fillna(1.0)
        values = (start * factor.reindex(start.columns)).round().astype("int64")
        part = values.stack().rename("value").reset_index()
        part["year"] = year
        rows.append(part)
    projected = pd.concat(rows, ignore_index=True)
    national_rows = projected.groupby(["age_band", "year"], as_index=False)["value"].sum()
    national_rows.insert(0, "region", NATIONAL_CODE)
    projected = pd.concat([national_rows, projected], ignore_index=True)
    projected["projection"] = True
    out = pd.concat([population, projected[population.columns]], ignore_index=True)
    out = out.astype(population.dtypes.to_dict())
    return out.sort_values(["region", "age_band", "year"], kind="stable", ignore_index=True)


def validate_projection_template(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the region's own population projection (the template) as tidy rows.

    The template is a CSV with the columns ``län``, ``åldersgrupp``, ``år``, ``antal`` (or
    ``region``, ``age_band``, ``year``, ``value``; a ``kommentar`` column is ignored; lines
    starting with ``#`` are comments). ``län`` is a county code or name ("20", "Dalarnas
    län", "Dalarna"); ``åldersgrupp`` one of 0-15, 16-24, 25-34, 35-44, 45-54, 55-64, 65-74,
    75+ ("år" after it is fine); ``år`` a year 2000–2100; ``antal`` a whole number ≥ 0
    (spaces as thousands separators are fine). Each county must give every age band for
    every year it gives, and each county, band and year occurs once.

    Returns ``region``, ``age_band``, ``year``, ``value`` (counties only, no Riket); raises
    :class:`~kompetens_lib.errors.DataValidationError` listing every problem in Swedish.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KompetensError(f"Befolkningsprognosen {str(path)!r} finns inte.") from None
    try:
        text, _ = decode(data, path.name, None)
    except ScbImportError as exc:
        raise DataValidationError(f"Befolkningsprognosen {path.name}: {exc}") from None
    lines = ["" if line.lstrip().startswith("#") else line for line in text.splitlines()]
    first = next((line for line in lines if line.strip()), "")
    sep = max((",", ";", "\t"), key=lambda s: len(next(csv.reader([first], delimiter=s))))
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)
    records = [(reader.line_num, [f.strip() for f in row]) for row in reader
               if any(f.strip() for f in row)]
    problems: list[str] = []
    valid_bands = ", ".join(POPULATION_AGE_BANDS)
    if not records:
        problems.append(f"filen är tom; första raden ska vara {','.join(TEMPLATE_COLUMNS)}.")
        records = [(1, [])]
    header_line, header = records[0]
    names = [_ENGLISH.get(h.casefold(), h.casefold()) for h in header]
    index = {name: i for i, name in enumerate(names)}
    for column in TEMPLATE_COLUMNS:
        if column not in index and header:
            problems.append(f"rad {header_line}: kolumnen '{column}' saknas. Rubrikraden ska "
                            f"vara {','.join(TEMPLATE_COLUMNS)} (valfritt: kommentar).")
    unknown = [h for h, n in zip(header, names) if n not in TEMPLATE_COLUMNS
               and n not in _IGNORED]
    if unknown:
        problems.append(f"rad {header_line}: okända kolumner {', '.join(unknown)}; giltiga "
                        f"är {','.join(TEMPLATE_COLUMNS)} och kommentar.")
    rows: list[tuple[str, str, int, int]] = []
    seen: dict[tuple[str, str, int], int] = {}
    if not problems:
        for line, fields in records[1:]:
            cell = {c: (fields[index[c]] if index[c] < len(fields) else "")
                    for c in TEMPLATE_COLUMNS}
            try:
                region = resolve_region(cell["län"])
            except KompetensError:
                problems.append(f"rad {line}, kolumn län: {cell['län']!r} är inget län; ange "
                                "länskoden (01–25) eller länets namn, t.ex. 20 eller Dalarna.")
                continue
            band = _band(cell["åldersgrupp"])
            if band is None:
                problems.append(f"rad {line}, kolumn åldersgrupp: {cell['åldersgrupp']!r}; "
                                f"giltiga åldersgrupper är {valid_bands}.")
            year_text, count_text = cell["år"], re.sub(r"[\s\u00a0]", "", cell["antal"])
            year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
            if year is None or not 2000 <= year <= 2100:
                problems.append(f"rad {line}, kolumn år: {year_text!r}; ange ett år 2000–2100 "
                                "med fyra siffror.")
            if not re.fullmatch(r"\d+", count_text):
                problems.append(f"rad {line}, kolumn antal: {cell['antal']!r}; ange ett "
                                "heltal ≥ 0 (antal personer, t.ex. 12300 eller 12 300).")
            if band is None or year is None or not re.fullmatch(r"\d+", count_text):
                continue
            key = (region, band, year)
            if key in seen:
                problems.append(f"rad {line}: län {region}, {band} år {year} finns redan på "
                                f"rad {seen[key]}; varje län, åldersgrupp och år en gång.")
                continue
            seen[key] = line
            rows.append((region, band, year, int(count_text)))
    frame = pd.DataFrame(rows, columns=["region", "age_band", "year", "value"])
    if not problems and frame.empty:
        problems.append("filen har en rubrikrad men inga rader med antal.")
    for (region, year), part in frame.groupby(["region", "year"]):
        lacking = [b for b in POPULATION_AGE_BANDS if b not in set(part["age_band"])]
        if lacking:
            problems.append(f"län {region} år {year} saknar åldersgrupperna "
                            f"{', '.join(lacking)}; alla {valid_bands} behövs.")
    if problems:
        count = "ett problem" if len(problems) == 1 else f"{len(problems)} problem"
        raise DataValidationError(
            f"Befolkningsprognosen {path.name} har {count}:\n"
            + "\n".join(f"- {p}" for p in problems)
            + "\nSe docs/data.md, avsnittet Befolkningsprognos för hur mallen fylls i.")
    frame = frame.astype({"region": "string", "age_band": "string", "year": "int64",
                          "value": "int64"})
    return frame.sort_values(["region", "age_band", "year"], ignore_index=True)


def apply_own_projection(
    population: pd.DataFrame, own: pd.DataFrame, *, counties: Sequence[str] | None = None
) -> pd.DataFrame:
    """Put the region's own projection in place of the projected years of its counties.

    The years ``own`` gives after the last observed year replace that county's rows for
    those years (flagged ``projection`` True); observed years are never replaced, years it
    does not give keep the fallback; Riket is summed again. Other counties keep what they
    had. Years that not every county has are left out, so that Riket adds up.
    """
    observed_last = int(population.loc[~population["projection"].astype(bool), "year"].max())
    own = own[own["year"] > observed_last]
    if own.empty:
        raise KompetensError(
            f"Befolkningsprognosen har inga år efter {observed_last}, det senaste utfallsåret "
            "i SCB:s befolkningstabell; inget att lägga in.")
    chosen = sorted(set(own["region"]) if counties is None else set(counties))
    bad = [c for c in chosen if c not in COUNTY_CODES]
    if bad:  # pragma: no cover - validate_projection_template resolves counties
        raise KompetensError(f"Okända län i befolkningsprognosen: {', '.join(bad)}.")
    replaced = population["region"].isin(chosen) & population["year"].isin(set(own["year"]))
    kept = population[~replaced & (population["region"] != NATIONAL_CODE)]
    added = own[own["region"].isin(chosen)].assign(projection=True)
    counties_only = pd.concat([kept, added[population.columns]], ignore_index=True)
    # Riket only where every county has the year; elsewhere the table would not add up.
    per_year = counties_only.groupby("year")["region"].nunique()
    counties = set(population["region"]) - {NATIONAL_CODE} | set(chosen)
    full = set(per_year[per_year == len(counties)].index)
    if not set(added["year"]) & full:
        raise KompetensError(
            "Befolkningsprognosens år (" + ", ".join(map(str, sorted(set(added["year"]))))
            + ") saknas för de andra länen, så Riket kan inte summeras. Hämta receptet "
            "'population' samtidigt (det skriver fram alla län ur rikets prognos) eller fyll "
            "i alla 21 län.")
    counties_only = counties_only[counties_only["year"].isin(full)]
    national = counties_only.groupby(["age_band", "year"], as_index=False).agg(
        value=("value", "sum"), projection=("projection", "max"))
    national.insert(0, "region", NATIONAL_CODE)
    out = pd.concat([national[population.columns], counties_only], ignore_index=True)
    out = out.astype(population.dtypes.to_dict())
    return out.sort_values(["region", "age_band", "year"], kind="stable", ignore_index=True)
