"""Recipes: which of SCB's tables make each of the workbook's tables, and how.

``fetch_recipe("employment")`` fetches SCB's tables through :mod:`kompetens_lib.data.scb_api`
and returns exactly the frame ``load("employed")`` returns for real data (checked by
:func:`kompetens_lib.data.tables.validate`), with provenance naming every SCB table used.

Assumptions about SCB's tables
------------------------------
All of SCB's table ids, variable codes and value labels the recipes rely on are written in
:data:`SOURCES` below and nowhere else. Before any data are fetched, each one is checked
against the table's live ``/metadata``; a difference stops the fetch with a Swedish message
that names the table, the variable and what the table has instead. Values are chosen by
their Swedish label, with SCB's code as a first guess, so a renumbered code does not break a
recipe but a renamed value does. ``tests/fixtures/pxweb`` is written to them:

* ``TAB638`` (BE0101, folkmängd): variables ``Region``, ``Civilstand``, ``Alder`` (one-year
  ages labelled "N år", "100+ år"), ``Kon``, ``ContentsCode`` (``BE0101N1`` Folkmängd),
  ``Tid`` – as used in public v2 scripts (pxwebpy's documentation, Region Dalarna). Years
  from 2025 are in SCB's CKM table TAB5557, which no recipe reads yet.
* ``TAB698`` (BE0401, SCB's population projection by region, one-year age and sex, 2024–
  2070; ``ContentsCode`` ``000004LG``): id and variables as in a public Karlstad v2 pipeline
  (``pipeline/hamta-scb-data.ps1``, "SCB:s befolkningsframskrivning per ålder"). The recipe
  reads Riket ("00") and projects the counties from it
  (:mod:`kompetens_lib.data.population_projection`); the content label "Folkmängd" is assumed.
* ``TAB6369`` (AM9906, regional matching indicators: employed 20–64 by workplace and by
  residence, commuters across county borders, by education group) and ``TAB6368``
  (participation 20–64 by education group, "I arbetskraften"): ids, variables
  ``Region``, ``Utbildngrupp``, ``Kon``, ``ContentsCode``, ``Tid`` and the content labels are
  from Region Dalarna's v2 scripts (2026). Out-commuters may be negative; the absolute is used.
* ``TAB3981`` (UF0506, population 16–74 by education level and age): id, ``UtbildningsNiva``
  and ``ContentsCode`` ``UF0506A1`` confirmed by Region Dalarna's v2 migration guide
  (Region-Dalarna/diagram, MIGRERING_PXWEB2R.md); age bands as in SCB's CSV export.
* ``RegionInd19U3N`` (AM9906, supply flows 18–64): the v1 name; no public v2 script uses it
  yet (Region Dalarna's is still v1), so its ``TAB`` id is unverified: on a 404 put the id
  in :data:`SOURCES`. Contents are matched by SCB's labels ("- Varav examinerade …").
* Education groups are matched by SCB's label against
  :func:`kompetens_lib.reference.taxonomy.education_groups` (the same labels, spaces normalised);
  SCB's aggregates (:data:`GROUP_AGGREGATES`) are dropped; a group the workbook does not know
  is left out and named in the provenance notes.

Modelling choices (also in each table's provenance ``method``)
--------------------------------------------------------------
* Riket ("00") is always the sum of the 21 counties, so that tables add up even where SCB's
  published totals differ (CKM noise, "county unknown").
* The matching-indicator tables count people aged 20–64 and have no age. ``employed`` and
  ``labour_force`` are spread over the workbook's age bands with the age structure of the
  county's population with the same education level (UF0506, nearest year), counting only
  ages 20–64: the 16–24 band gets 5/9 of its people (ages 20–24, assuming even ages), 65–74
  none. Integers are kept by largest remainders, so group totals are SCB's exactly.
* ``graduates``: SCB's table has no form of education; the form is derived from the group
  (gymnasial groups → "gymnasium", which then includes komvux; YH groups → "yh"; other
  post-secondary groups → "högskola"). The year is the second year of SCB's period
  ("2022-2023" → 2023).
* No SCB table holds the T&P forecast: ``national_forecast`` points to docs/tp-mall.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from kompetens_lib.data.population_projection import (
    FALLBACK_METHOD,
    national_by_band,
    project_by_national_change,
)
from kompetens_lib.data.scb_cells import snake_name
from kompetens_lib.errors import RecipeError
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE
from kompetens_lib.reference.taxonomy import (
    AGE_BANDS,
    LEVELS,
    POPULATION_AGE_BANDS,
    education_groups,
)

__all__ = [
    "GROUP_AGGREGATES",
    "RECIPES",
    "SOURCES",
    "WORKBOOK_RECIPES",
    "Pick",
    "Recipe",
    "RecipeError",
    "Source",
    "describe",
    "fetch_recipe",
    "get_recipe",
    "years_from_select",
]


# --------------------------------------------------------------------------- assumptions

ALL = "*"  # every value
TOTAL = "total"  # left out when it may be eliminated, else the value labelled "totalt"
COUNTIES = "counties"  # the 21 counties ("01".."25"); Riket is summed from them
YEARS = "years"  # every year, or those the user chose
ONLY = "only"  # the table's single value (error if there are several)


@dataclass(frozen=True)
class Pick:
    """A value chosen by its Swedish label; ``code`` is SCB's code as far as known."""

    label: str
    code: str | None = None


Choice = str | tuple[Pick, ...]


@dataclass(frozen=True)
class Source:
    """One of SCB's tables as a recipe reads it: id, what it is, the selection sent."""

    table_id: str
    about: str  # Swedish
    select: dict[str, Choice]
    verified: str  # Swedish: what the assumptions rest on


_AGES_1Y = tuple(Pick(f"{a} år", str(a)) for a in range(100)) + (Pick("100+ år", "100+"),)
_AGE_BANDS_UF = tuple(Pick(f"{band} år", band) for band in AGE_BANDS)

# Keyed by what the selection gives; one SCB table can serve several recipes.
SOURCES: dict[str, Source] = {
    "population": Source(
        "TAB638",
        "Folkmängden efter region, civilstånd, ålder, kön, tabellinnehåll och år (BE0101)",
        {"Region": COUNTIES, "Civilstand": TOTAL, "Alder": _AGES_1Y, "Kon": TOTAL,
         "ContentsCode": (Pick("Folkmängd", "BE0101N1"),), "Tid": YEARS},
        "variabler och koder enligt publika v2-skript (pxwebpy, Region Dalarna)",
    ),
    "education_level": Source(
        "TAB3981",
        "Befolkning 16–74 år efter region, utbildningsnivå, ålder och kön (UF0506)",
        {"Region": COUNTIES, "UtbildningsNiva": ALL, "Alder": _AGE_BANDS_UF, "Kon": TOTAL,
         "ContentsCode": ONLY, "Tid": ALL},
        "tabell-id, UtbildningsNiva och UF0506A1 enligt Region Dalarnas v2-migrering (2026)",
    ),
    "population_projection": Source(
        "TAB698",
        "Framskriven folkmängd efter region, ålder, kön och år (BE0401, "
        "befolkningsframskrivning)",
        {"Region": (Pick("Riket", "00"),), "Alder": ALL, "Kon": ALL,
         "ContentsCode": (Pick("Folkmängd", "000004LG"),), "Tid": ALL},
        "tabell-id och variabler enligt en publik v2-pipeline (Karlstad, 2026); etiketten "
        "'Folkmängd' är antagen",
    ),
    "employed_by_group": Source(
        "TAB6369",
        "Förvärvsarbetande 20–64 år (dag- och nattbefolkning) och pendlare över länsgräns "
        "efter region, utbildningsgrupp och kön (AM9906, regionala matchningsindikatorer)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL,
         "ContentsCode": (Pick("Dagbefolkning (förvärvsarbetande)", "000005SJ"),),
         "Tid": YEARS},
        "tabell-id, variabler och innehåll enligt Region Dalarnas v2-skript (2026)",
    ),
    "commuters": Source(
        "TAB6369",
        "Förvärvsarbetande 20–64 år (dag- och nattbefolkning) och pendlare över länsgräns "
        "efter region, utbildningsgrupp och kön (AM9906, regionala matchningsindikatorer)",
        {"Region": COUNTIES, "Utbildngrupp": (Pick("samtliga utbildningsgrupper", "00S"),),
         "Kon": TOTAL,
         "ContentsCode": (Pick("Inpendlare över regiongräns", "000005SL"),
                          Pick("Utpendlare över regiongräns", "000005SM")),
         "Tid": YEARS},
        "tabell-id, variabler och innehåll enligt Region Dalarnas v2-skript (2026)",
    ),
    "labour_force_by_group": Source(
        "TAB6368",
        "Befolkning 20–64 år efter region, utbildningsgrupp, kön och "
        "arbetskraftstillhörighet (AM9906, RegionInd19U1bN1)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL,
         "ContentsCode": (Pick("I arbetskraften", "000007ID"),), "Tid": YEARS},
        "tabell-id, variabler och innehållskoder enligt Region Dalarnas v2-skript (2026)",
    ),
    "graduates_by_group": Source(
        "RegionInd19U3N",
        "In- och utflöden 18–64 år efter region, utbildningsgrupp och kön (AM9906, "
        "RegionInd19U3N)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL,
         "ContentsCode": (Pick("- Varav examinerade inom regionen"),), "Tid": YEARS},
        "v1-namnet; tabellens v2-id (TAB…) är inte kontrollerat – innehållet matchas på "
        "SCB:s etiketter",
    ),
    "supply_flows": Source(
        "RegionInd19U3N",
        "In- och utflöden 18–64 år efter region, utbildningsgrupp och kön (AM9906, "
        "RegionInd19U3N)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL, "ContentsCode": ALL,
         "Tid": YEARS},
        "v1-namnet; tabellens v2-id (TAB…) är inte kontrollerat – innehållet matchas på "
        "SCB:s etiketter",
    ),
}

# SCB's aggregates among the education groups of the matching indicators (levels, fields,
# totals), spelled as SCB does (data/education_groups_scb_am9906.txt in ../shared).
GROUP_AGGREGATES: frozenset[str] = frozenset({
    "samtliga utbildningsnivåer", "samtliga utbildningsinriktningar", "allmän utbildning",
    "samtliga utbildningsgrupper", "pedagogik och lärarutbildning", "förgymnasial utbildning",
    "humaniora och konst", "gymnasial utbildning",
    "samhällsvetenskap, juridik, handel, administration",
    "eftergymnasial utbildning, mindre än 3 år", "naturvetenskap, matematik och data",
    "teknik och tillverkning", "eftergymnasial utbildning, 3 år eller mer",
    "lant- och skogsbruk samt djursjukvård", "okänd utbildningsnivå",
    "hälso- och sjukvård samt social omsorg", "tjänster", "okänd utbildningsinriktning",
})

# Share of each UF0506 age band that falls in the matching indicators' ages 20–64.
AGE_KEY_WEIGHT: dict[str, float] = {"16-24": 5 / 9, "25-34": 1.0, "35-44": 1.0,
                                    "45-54": 1.0, "55-64": 1.0, "65-74": 0.0}
SOURCE_NAME = "SCB, Statistikdatabasen"


# --------------------------------------------------------------------------- recipes


@dataclass(frozen=True)
class Recipe:
    """How one table is made from SCB's tables."""

    name: str
    output: str  # the table's name (a workbook table, or an extra table)
    title: str  # Swedish
    sources: tuple[str, ...]  # keys of SOURCES
    build: Callable[[dict[str, pd.DataFrame], list[str]], pd.DataFrame] | None
    method: str  # Swedish
    workbook: bool = True
    no_scb_table: str | None = None  # Swedish: why there is no SCB table, what to do
    aliases: tuple[str, ...] = field(default_factory=tuple)


def _norm(text: object) -> str:
    """Compare labels: NFC, case-folded, spaces collapsed, a leading "- Varav" dropped."""
    folded = " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())
    return re.sub(r"^[-–\s]*(varav\s+)?", "", folded)


def _column(frame: pd.DataFrame, variable: str) -> str:
    return frame.attrs["provenance"]["columns"][variable]


def _years(frame: pd.DataFrame, variable: str = "Tid") -> pd.Series:
    """Calendar years of the time variable ("2023"; "2022-2023" → 2023)."""
    column = _column(frame, variable)
    if column == "year":
        return frame["year"].astype("int64")
    return frame[column].astype("string").str.extract(r"(\d{4})\D*$")[0].astype("int64")


def _counts(frame: pd.DataFrame, notes: list[str], what: str) -> pd.Series:
    values = frame["value"]
    missing = int(values.isna().sum())
    if missing:
        notes.append(f"{missing} värden saknades hos SCB (..) i {what} och räknades som 0.")
    return values.fillna(0).astype("int64")


def _group_codes(frame: pd.DataFrame, notes: list[str], table_id: str) -> pd.Series:
    """The workbook's group code for each row by SCB's label; <NA> for rows to drop."""
    groups = education_groups()
    by_label = {_norm(label): code for label, code in zip(groups["label"], groups["code"])}
    labels = frame[_column(frame, "Utbildngrupp") + "_label"].map(_norm)
    codes = labels.map(by_label).astype("string")
    unknown = sorted(set(labels[codes.isna() & ~labels.isin(GROUP_AGGREGATES)]))
    if unknown:
        notes.append(
            f"{len(unknown)} utbildningsgrupper i {table_id} finns inte i arbetsbokens indelning "
            f"och utelämnades: {', '.join(unknown)}."
        )
    return codes


def _with_national(frame: pd.DataFrame, keys: list[str], value: str = "value") -> pd.DataFrame:
    counties = frame[frame["region"] != NATIONAL_CODE]
    national = counties.groupby(keys, as_index=False, sort=False)[value].sum()
    national.insert(0, "region", NATIONAL_CODE)
    return pd.concat([national, counties], ignore_index=True)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable", ignore_index=True)


def _level_of(label: str) -> str | None:
    """A UF0506 education level label → the workbook's level; None for totals."""
    text = _norm(label)
    if text.startswith(("totalt", "samtliga")):
        return None
    if "saknas" in text or "okänd" in text:
        return "okänd"
    if text.startswith("förgymnasial"):
        return "förgymnasial"
    if text.startswith("gymnasial"):
        return "gymnasial"
    if text.startswith("forskarutbildning"):
        return "eftergymnasial ≥ 3 år"
    if text.startswith("eftergymnasial"):
        if re.search(r"(mindre|kortare) än 3", text):
            return "eftergymnasial < 3 år"
        if re.search(r"3 år eller (mer|längre)|minst 3", text):
            return "eftergymnasial ≥ 3 år"
    raise RecipeError(
        f"Okänd utbildningsnivå i SCB:s tabell: {label!r}. Receptet känner igen "
        "förgymnasial, gymnasial, eftergymnasial (mindre än 3 år / 3 år eller mer), "
        "forskarutbildning och 'uppgift saknas'; rätta _level_of i kompetens_lib/recipes.py."
    )


def _age_band_of(label: str, bands: Sequence[str]) -> str:
    match = re.match(r"^\s*(\d+)", str(label))
    if not match:
        raise RecipeError(f"Åldern {label!r} i SCB:s tabell kan inte läsas som ett antal år.")
    age = int(match.group(1))
    for band in bands:
        lo, _, hi = band.partition("-")
        lower = int(lo.rstrip("+"))
        upper = int(hi) if hi else 10**6
        if lower <= age <= upper:
            return band
    raise RecipeError(f"Åldern {age} ryms inte i arbetsbokens åldersgrupper {list(bands)}.")


# -- builders -----------------------------------------------------------------------------


def _build_population(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
    df = frames["population"]
    ages = df[_column(df, "Alder") + "_label"]
    out = pd.DataFrame({
        "region": df["region"],
        "age_band": ages.map(lambda a: _age_band_of(a, POPULATION_AGE_BANDS)),
        "year": _years(df),
        "value": _counts(df, notes, "TAB638"),
    })
    out = out.groupby(["region", "age_band", "year"], as_index=False, sort=False)["value"].sum()
    out = _with_national(out, ["age_band", "year"])
    out["projection"] = False
    out = _sorted(out, ["region", "age_band", "year"])
    if "population_projection" not in frames:
        return out
    base = int(out["year"].max())
    notes.append(FALLBACK_METHOD.format(base=base, table="TAB698"))
    return project_by_national_change(out, national_by_band(frames["population_projection"]))


def _build_education_level(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
    df = frames["education_level"]
    levels = df[_column(df, "UtbildningsNiva") + "_label"].map(_level_of)
    out = pd.DataFrame({
        "region": df["region"],
        "education_level": levels,
        "age_band": df[_column(df, "Alder") + "_label"].map(
            lambda a: _age_band_of(a, AGE_BANDS)),
        "year": _years(df),
        "value": _counts(df, notes, "TAB3981"),
    })
    out = out[out["education_level"].notna()]
    keys = ["education_level", "age_band", "year"]
    out = out.groupby(["region", *keys], as_index=False, sort=False)["value"].sum()
    out = _with_national(out, keys)
    order = {level: i for i, level in enumerate(LEVELS)}
    out = out.assign(_o=out["education_level"].map(order))
    out = out.sort_values(["region", "_o", "age_band", "year"], ignore_index=True).drop(
        columns="_o")
    return out.astype({"region": "string", "education_level": "string",
                       "age_band": "string", "year": "int64", "value": "int64"})


def _by_group(frame: pd.DataFrame, table_id: str, notes: list[str]) -> pd.DataFrame:
    """Region × workbook group × year totals of a matching-indicator frame."""
    out = pd.DataFrame({
        "region": frame["region"],
        "education_group": _group_codes(frame, notes, table_id),
        "year": _years(frame),
        "value": _counts(frame, notes, table_id),
    })
    out = out[out["education_group"].notna()]
    return out.groupby(["region", "education_group", "year"], as_index=False,
                       sort=False)["value"].sum()


def _age_key(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
    """Shares of the age bands within (region, level, year), ages 20–64 only."""
    level = _build_education_level(frames, notes)
    level = level[level["region"] != NATIONAL_CODE].copy()
    level["weight"] = level["value"] * level["age_band"].map(AGE_KEY_WEIGHT)
    return level[["region", "education_level", "age_band", "year", "weight"]]


def _nearest(years: Sequence[int], available: Sequence[int]) -> dict[int, int]:
    pool = sorted({int(y) for y in available})
    return {int(y): min(pool, key=lambda a: (abs(a - int(y)), a)) for y in set(years)}


def _spread_by_age(totals: pd.DataFrame, key: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Split region × group × year totals over the age bands by the key, in integers."""
    groups = education_groups()[["code", "level"]].rename(
        columns={"code": "education_group", "level": "education_level"})
    totals = totals.merge(groups, on="education_group", how="left")
    year_map = _nearest(totals["year"], key["year"])
    moved = sorted({y for y, k in year_map.items() if y != k})
    if moved:
        notes.append("Åldersfördelningen (UF0506) finns inte för år "
                     + ", ".join(f"{y} (använde {year_map[y]})" for y in moved) + ".")
    totals["key_year"] = totals["year"].map(year_map)
    bands = pd.DataFrame({"age_band": list(AGE_BANDS)})
    # Shares per (region, level, year), falling back to the region's all-level shares and
    # then to the whole country's where a level has nobody in the key.
    by_level = key.groupby(["region", "education_level", "year", "age_band"])["weight"].sum()
    by_region = key.groupby(["region", "year", "age_band"])["weight"].sum()
    by_country = key.groupby(["year", "age_band"])["weight"].sum()

    def shares(series: pd.Series, keys: list[str]) -> pd.DataFrame:
        frame = series.rename("w").reset_index()
        frame["s"] = frame["w"] / frame.groupby(keys)["w"].transform("sum")
        return frame.drop(columns="w").rename(columns={"year": "key_year"})

    cells = totals.merge(bands, how="cross")
    lv = shares(by_level, ["region", "education_level", "year"]).rename(columns={"s": "s1"})
    rg = shares(by_region, ["region", "year"]).rename(columns={"s": "s2"})
    ct = shares(by_country, ["year"]).rename(columns={"s": "s3"})
    cells = cells.merge(lv, on=["region", "education_level", "key_year", "age_band"],
                        how="left")
    cells = cells.merge(rg, on=["region", "key_year", "age_band"], how="left")
    cells = cells.merge(ct, on=["key_year", "age_band"], how="left")
    group_keys = ["region", "education_group", "year"]
    for column in ("s1", "s2", "s3"):
        cells[column] = cells[column].where(
            cells.groupby(group_keys)[column].transform("sum") > 0)
    share = cells["s1"].fillna(cells["s2"]).fillna(cells["s3"]).fillna(0.0)
    if (cells.groupby(group_keys)["s1"].transform("count") == 0).any():
        notes.append("Några län och utbildningsnivåer saknas i åldersfördelningen; där "
                     "användes länets (eller rikets) fördelning för alla nivåer.")
    raw = cells["value"].to_numpy(dtype=float) * share.to_numpy()
    base = np.floor(raw + 1e-9)
    cells["base"] = base.astype(np.int64)
    cells["frac"] = raw - base
    cells["order"] = cells["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)})
    left = cells["value"] - cells.groupby(group_keys)["base"].transform("sum")
    rank = cells.sort_values(["frac", "order"], ascending=[False, True]).groupby(
        group_keys).cumcount()
    cells["value"] = cells["base"] + (rank.reindex(cells.index) < left).astype(np.int64)
    return cells[["region", "education_group", "age_band", "year", "value"]]


def _build_by_age(source: str) -> Callable[[dict[str, pd.DataFrame], list[str]],
                                           pd.DataFrame]:
    def build(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
        totals = _by_group(frames[source], SOURCES[source].table_id, notes)
        out = _spread_by_age(totals, _age_key(frames, notes), notes)
        out = _with_national(out, ["education_group", "age_band", "year"])
        return _sorted(out, ["region", "education_group", "age_band", "year"])

    return build


def _form_of(code: str, level: str, label: str, short: str) -> str | None:
    if level == "gymnasial":
        return "gymnasium"
    if level.startswith("eftergymnasial"):
        text = _norm(label)
        if short.startswith("YH") or "yrkeshögskola" in text or text.startswith("yh-"):
            return "yh"
        return "högskola"
    return None  # förgymnasial and unknown education: no graduates


def _build_graduates(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
    table_id = SOURCES["graduates_by_group"].table_id
    df = frames["graduates_by_group"]
    totals = _by_group(df, table_id, notes)
    groups = education_groups().set_index("code")
    forms = {code: _form_of(code, row.level, row.label, row.short_name)
             for code, row in groups.iterrows()}
    totals["form"] = totals["education_group"].map(forms)
    dropped = int(totals.loc[totals["form"].isna(), "value"].sum())
    if dropped:
        notes.append(f"{dropped} examinerade med förgymnasial eller okänd utbildning har "
                     "ingen utbildningsform och utelämnades.")
    out = totals[totals["form"].notna()]
    out = out[["region", "education_group", "form", "year", "value"]]
    out = _with_national(out, ["education_group", "form", "year"])
    return _sorted(out, ["region", "education_group", "form", "year"])


def _build_supply_flows(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
    table_id = SOURCES["supply_flows"].table_id
    df = frames["supply_flows"]
    labels = df[_column(df, "ContentsCode") + "_label"].astype("string")
    out = pd.DataFrame({
        "region": df["region"],
        "education_group": _group_codes(df, notes, table_id),
        "flow": labels.map(lambda t: snake_name(_norm(t))),
        "flow_label": labels.str.strip(),
        "year": _years(df),
        "value": _counts(df, notes, table_id),
    })
    out = out[out["education_group"].notna()]
    keys = ["education_group", "flow", "flow_label", "year"]
    out = out.groupby(["region", *keys], as_index=False, sort=False)["value"].sum()
    out = _with_national(out, keys)
    out = _sorted(out, ["region", "education_group", "flow", "year"])
    return out.astype({"region": "string", "education_group": "string", "flow": "string",
                       "flow_label": "string", "year": "int64", "value": "int64"})


def _build_commuting(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
    df = frames["commuters"]
    labels = df[_column(df, "ContentsCode") + "_label"].map(_norm)
    direction = labels.map(lambda t: "in" if t.startswith("inpendlare") else (
        "ut" if t.startswith("utpendlare") else None))
    out = pd.DataFrame({"region": df["region"], "year": _years(df), "direction": direction,
                        "value": _counts(df, notes, "TAB6369").abs()})
    out = out.groupby(["region", "year", "direction"], as_index=False, sort=False)["value"].sum()
    out = _with_national(out, ["year", "direction"])
    return _sorted(out, ["region", "year", "direction"])


_SCB_METHOD = ("Hämtad ur SCB:s statistikdatabas via API v2. Riket är summan av länen.")
_AGE_METHOD = (
    " SCB:s tabell räknar personer 20–64 år och saknar ålder: antalet per län, "
    "utbildningsgrupp och år har fördelats på åldersgrupperna efter åldersfördelningen hos "
    "länets befolkning med samma utbildningsnivå (UF0506, närmaste år), räknat bara för 20–64 "
    "år (5/9 av 16–24 år, inget i 65–74 år), i heltal som summerar till SCB:s antal."
)
NO_SCB_FORECAST = (
    "SCB publicerar inte prognosen Trender och prognoser (T&P) i statistikdatabasen, så det "
    "finns ingen SCB-tabell att hämta för 'national_forecast'. För över siffrorna från SCB:s "
    "Excelbilaga till T&P-mallen (docs/tp-mall.md, exempel i "
    "kompetens_lib/data/tp_template_example.csv), kontrollera den med "
    "kompetens_lib.data.tp_template.validate_tp_template, och lägg den i cachen med "
    "'kompetens data cache --tp-template FIL'."
)

RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in (
        Recipe("population", "population", "Befolkning efter län, ålder och år (utfall och "
               "framskrivning)", ("population", "population_projection"), _build_population,
               _SCB_METHOD + " Ettårsåldrar summerade till arbetsbokens åldersgrupper; "
               "civilstånd och kön summerade. Utfall (projection = false) ur TAB638; "
               "framskrivna år (projection = true) ur rikets befolkningsframskrivning "
               "(TAB698), se anteckningen.", aliases=("befolkning",)),
        Recipe("employment", "employed",
               "Förvärvsarbetande 20–64 år (dagbefolkning) efter län, utbildningsgrupp, "
               "ålder och år", ("employed_by_group", "education_level"),
               _build_by_age("employed_by_group"),
               _SCB_METHOD + " Dagbefolkning (förvärvsarbetande efter arbetsställets län), "
               "båda könen." + _AGE_METHOD, aliases=("employed", "sysselsatta")),
        Recipe("labour_force", "labour_force",
               "Arbetskraft 20–64 år (nattbefolkning) efter län, utbildningsgrupp, ålder och år",
               ("labour_force_by_group", "education_level"),
               _build_by_age("labour_force_by_group"),
               _SCB_METHOD + " 'I arbetskraften' efter bostadslän, båda könen." + _AGE_METHOD,
               aliases=("arbetskraft",)),
        Recipe("graduates", "graduates",
               "Examinerade 18–64 år inom länet efter utbildningsgrupp, form och år",
               ("graduates_by_group",), _build_graduates,
               _SCB_METHOD + " Flödet 'examinerade inom regionen', båda könen; året är det "
               "andra året i SCB:s period. Formen härleds ur utbildningsgruppen: gymnasiala "
               "grupper → gymnasium (komvux ingår, tabellen skiljer inte ut det), YH-grupper "
               "→ yh, övriga eftergymnasiala → högskola.", aliases=("examinerade",)),
        Recipe("commuting", "commuting",
               "In- och utpendlare 20–64 år över länsgräns efter län och år",
               ("commuters",), _build_commuting,
               _SCB_METHOD + " Samtliga utbildningsgrupper, båda könen; utpendlare som "
               "positiva tal.", aliases=("pendling",)),
        Recipe("education_level", "education_level",
               "Befolkning 16–74 år efter län, utbildningsnivå, ålder och år",
               ("education_level",), _build_education_level,
               _SCB_METHOD + " SCB:s nivåer sammanförda till arbetsbokens fem "
               "(forskarutbildning räknas som eftergymnasial ≥ 3 år).", workbook=False,
               aliases=("utbildningsniva",)),
        Recipe("supply_flows", "supply_flows",
               "In- och utflöden 18–64 år efter län, utbildningsgrupp, flöde och år",
               ("supply_flows",), _build_supply_flows,
               _SCB_METHOD + " Alla SCB:s flöden med SCB:s tecken; året är det andra året i "
               "SCB:s period.", workbook=False, aliases=("floden", "tillgangsfloden")),
        Recipe("national_forecast", "national_forecast",
               "Nationell prognos (T&P) efter utbildningsgrupp och år", (), None,
               "Ingen SCB-tabell: fylls i från T&P-mallen.", no_scb_table=NO_SCB_FORECAST,
               aliases=("tp", "prognos")),
    )
}

# The recipes that make the workbook's tables from SCB's database (the forecast comes from
# the T&P template instead).
WORKBOOK_RECIPES: tuple[str, ...] = ("population", "employment", "labour_force", "graduates",
                                     "commuting")


def get_recipe(name: str) -> Recipe:
    """A recipe by its name, its table's name or an alias (Swedish error listing them)."""
    key = _norm(name).replace(" ", "_")
    for recipe in RECIPES.values():
        if key in (recipe.name, recipe.output, *recipe.aliases):
            return recipe
    listing = ", ".join(f"'{r.name}' ({r.output})" for r in RECIPES.values())
    raise RecipeError(f"Okänt recept: {name!r}. Giltiga recept: {listing}.")


def describe() -> str:
    """The recipes as a Swedish list (``kompetens data fetch --list``)."""
    lines = ["Recept (kompetens data fetch --recipe NAMN):"]
    for recipe in RECIPES.values():
        kind = "arbetsbokens tabell" if recipe.workbook else "extra tabell"
        lines.append(f"  {recipe.name:<18} → {recipe.output} ({kind}): {recipe.title}")
        if recipe.no_scb_table:
            lines.append("      ingen SCB-tabell: se docs/tp-mall.md")
        for key in recipe.sources:
            source = SOURCES[key]
            lines.append(f"      {source.table_id}: {source.about}")
    return "\n".join(lines)


def years_from_select(select: Mapping[str, Sequence[str]]) -> list[int] | None:
    """Years from ``--select Tid=2022,2023`` (the only selection a recipe takes)."""
    years: list[int] = []
    for name, codes in select.items():
        if _norm(name) not in ("tid", "år", "ar", "year", "years"):
            raise RecipeError(
                f"Ett recept bestämmer själv sitt urval; bara år går att välja, t.ex. "
                f"--select Tid=2022,2023 (inte {name!r})."
            )
        for code in codes:
            if not re.fullmatch(r"\d{4}", str(code).strip()):
                raise RecipeError(f"Året {code!r} ska vara fyra siffror, t.ex. 2023.")
            years.append(int(code))
    return sorted(set(years)) or None


# --------------------------------------------------------------------------- fetching


def _resolve(client, source: Source, years: Sequence[int] | None) -> dict[str, list[str]]:
    """The selection to send for a source, after checking every assumption (Swedish errors)."""
    table = source.table_id
    variables = {v.code: v for v in client.variables(table)}
    fix = (f"SCB kan ha ändrat tabellen; antagandet står i SOURCES i kompetens_lib/recipes.py "
           f"({source.verified}).")
    listing = ", ".join(f"{v.code} ({v.label})" for v in variables.values())
    selection: dict[str, list[str]] = {}
    for code, choice in source.select.items():
        var = variables.get(code)
        if var is None:
            raise RecipeError(f"Tabell {table} saknar variabeln {code!r} som receptet väntar "
                              f"sig. Tabellen har: {listing}. {fix}")
        if choice == ALL:
            selection[code] = list(var.values)
        elif choice == ONLY:
            if len(var.values) != 1:
                shown = ", ".join(f"{c} ({lb})" for c, lb in var.values.items())
                raise RecipeError(f"Variabeln {code} i tabell {table} väntades ha ett enda "
                                  f"värde men har {len(var.values)}: {shown}. {fix}")
            selection[code] = list(var.values)
        elif choice == COUNTIES:
            missing = [c for c in COUNTY_CODES if c not in var.values]
            if missing:
                raise RecipeError(f"Variabeln {code} i tabell {table} saknar länskoderna "
                                  f"{', '.join(missing)}. {fix}")
            selection[code] = list(COUNTY_CODES)
        elif choice == YEARS:
            available = {c: int(m.group(1)) for c in var.values
                         if (m := re.search(r"(\d{4})\D*$", c))}
            if years is None:
                selection[code] = list(available)
            else:
                chosen = [c for c, y in available.items() if y in set(years)]
                if not chosen:
                    have = sorted(set(available.values()))
                    raise RecipeError(
                        f"Tabell {table} har inga uppgifter för år {', '.join(map(str, years))}; "
                        f"den har år {have[0]}–{have[-1]}." if have else
                        f"Tabell {table} har inga år.")
                selection[code] = chosen
        elif choice == TOTAL:
            if var.elimination:
                continue  # left out: the API sums over it
            totals = [c for c, label in var.values.items()
                      if _norm(label).startswith(("totalt", "samtliga", "båda könen"))]
            if len(totals) != 1:
                shown = ", ".join(f"{c} ({lb})" for c, lb in var.values.items())
                raise RecipeError(f"Variabeln {code} i tabell {table} går inte att utelämna "
                                  f"och har inget entydigt 'totalt'-värde: {shown}. {fix}")
            selection[code] = totals
        else:
            by_label = {_norm(label): c for c, label in var.values.items()}
            chosen = []
            for pick in choice:
                if pick.code in var.values and _norm(var.values[pick.code]) == _norm(pick.label):
                    chosen.append(pick.code)
                elif _norm(pick.label) in by_label:
                    chosen.append(by_label[_norm(pick.label)])
                else:
                    shown = ", ".join(f"{c} ({lb})" for c, lb in list(var.values.items())[:15])
                    raise RecipeError(
                        f"Variabeln {code} ({var.label}) i tabell {table} har inget värde "
                        f"{pick.label!r}" + (f" (kod {pick.code})" if pick.code else "")
                        + f". Tabellen har t.ex.: {shown}. {fix}")
            selection[code] = chosen
    unknown = [v for c, v in variables.items() if c not in source.select and not v.elimination]
    if unknown:
        names = ", ".join(f"{v.code} ({v.label})" for v in unknown)
        raise RecipeError(f"Tabell {table} har variabler som receptet inte känner till och som "
                          f"inte kan utelämnas: {names}. {fix}")
    return selection


def fetch_recipe(
    name: str,
    *,
    client=None,
    api_url: str | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Fetch the SCB tables of a recipe and build its table.

    Parameters
    ----------
    name
        A recipe (``"employment"``), its table (``"employed"``) or an alias; see
        :data:`RECIPES` and :func:`describe`.
    client, api_url
        An existing :class:`~kompetens_lib.data.scb_api.ScbClient`, or the API's base URL.
    years
        Only these years (all years the tables have by default).

    Returns
    -------
    DataFrame
        For a workbook table, exactly the columns and dtypes of ``load(<table>)``, checked by
        :func:`kompetens_lib.data.tables.validate`. ``attrs["provenance"]``: ``table``, ``recipe``,
        ``title``, ``source``, ``table_id`` (comma-separated where SCB tables are combined),
        ``method``, ``notes`` (Swedish), ``fetched``, ``api_url``, ``api_version``,
        ``licence``, ``source_note``, ``synthetic`` (False) and ``parts`` (each SCB table's
        own provenance: query, calls, cells …).

    Raises
    ------
    RecipeError
        When SCB's table differs from the recipe's assumptions, or for ``national_forecast``
        (no SCB table; the message points to the T&P template).
    ScbApiError
        When the API cannot be reached or refuses.

    >>> employed = fetch_recipe("employment", years=[2023])  # doctest: +SKIP
    >>> employed.attrs["provenance"]["table_id"]  # doctest: +SKIP
    'TAB6369, TAB3981'
    """
    from kompetens_lib.data.scb_api import ScbClient
    from kompetens_lib.data.tables import validate

    recipe = get_recipe(name)
    if recipe.no_scb_table:
        raise RecipeError(recipe.no_scb_table)
    client = client or ScbClient(api_url)
    frames: dict[str, pd.DataFrame] = {}
    selections = {key: _resolve(client, SOURCES[key], years)
                  for key in recipe.sources}  # every assumption before any data call
    for key, selection in selections.items():
        frames[key] = client.fetch(SOURCES[key].table_id, selection)
    notes: list[str] = []
    assert recipe.build is not None
    table = recipe.build(frames, notes)
    if recipe.workbook:
        table = validate(recipe.output, table, f"receptet {recipe.name!r}")
    if table.empty:
        raise RecipeError(f"Receptet {recipe.name!r} gav en tom tabell; kontrollera urvalet "
                          "av år.")
    parts = [frames[key].attrs["provenance"] for key in recipe.sources]
    ids = ", ".join(dict.fromkeys(SOURCES[key].table_id for key in recipe.sources))
    table.attrs["provenance"] = {
        "table": recipe.output,
        "recipe": recipe.name,
        "title": recipe.title,
        "source": SOURCE_NAME,
        "table_id": ids,
        "method": recipe.method,
        "notes": list(dict.fromkeys(notes)),
        "generated": datetime.now(UTC).date().isoformat(),
        "fetched": max(p["fetched"] for p in parts),
        "api_url": client.url,
        "api_version": client.api_version,
        "licence": client.licence,
        "source_note": f"{client.source_reference}, tabell {ids}",
        "synthetic": False,
        "parts": parts,
    }
    return table
