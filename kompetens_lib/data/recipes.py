"""Recipes: which of SCB's tables make each of the workbook's tables, and how.

``fetch_recipe("employment")`` fetches SCB's tables through :mod:`kompetens_lib.data.scb_api`
and returns exactly the frame ``load("employed")`` returns for real data (checked by
:func:`kompetens_lib.data.tables.validate`), with provenance naming every SCB table used.

Assumptions about SCB's tables
------------------------------
All of SCB's table ids, variable codes and value labels the recipes rely on are in
:data:`~kompetens_lib.data.recipe_sources.SOURCES` (:mod:`kompetens_lib.data.recipe_sources`,
where each is explained) and nowhere else; they are re-exported here.

Modelling choices (also in each table's provenance ``method``)
--------------------------------------------------------------
* Riket ("00") is always the sum of the 21 counties, so that tables add up even where SCB's
  published totals differ (CKM noise, "county unknown").
* The matching-indicator tables count people aged 20–64 and have no age. The ages of
  ``employed`` and ``labour_force`` come from BAS (TAB3200: the county's employed, or
  employed + unemployed, by 5-year age 15–74, by residence): each band is split over the
  education levels as the county's population of that age (UF0506, nearest year), and a
  group's 20–64 total is spread by its level's key, with 16–24 (15-year-olds included) and
  65–74 added in the level's proportion to ages 20–64, so that the employed past 65 – the
  retirements – are there. Assumed: no age × group interaction within a level. Integers by
  largest remainders (:func:`kompetens_lib.data.recipe_math.spread_by_age`).
* ``industry_employed`` is an estimate: SCB publishes no county × industry × education
  table. The county's employed by SNI section (TAB3204, BAS, by workplace; SCB's joint codes
  such as "B+C" split by the example's national section sizes) and by group (the
  ``employment`` recipe, all ages) are SCB's; the industry × group interaction is the bundled
  example's national pattern (synthetic), raked to the county's totals. Summed over
  industries it is ``employed`` summed over ages, exactly.
* ``graduates``: SCB's table has no form of education; the form is derived from the group
  (gymnasial groups → "gymnasium", which then includes komvux; YH groups → "yh"; other
  post-secondary groups → "högskola"). The year is the second year of SCB's period
  ("2022-2023" → 2023).
* No SCB table holds the T&P forecast: ``national_forecast`` and ``industry_forecast``
  point to docs/tp-mall.md (the industry one falls back to the example, with a warning).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from kompetens_lib.data.population_projection import (
    FALLBACK_METHOD,
    national_by_band,
    project_by_national_change,
)
from kompetens_lib.data.recipe_math import (
    finest_codes,
    five_year_band,
    nearest_years,
    rake,
    round_columns,
    spread_by_age,
)
from kompetens_lib.data.recipe_select import find_table, resolve_source, table_id_of
from kompetens_lib.data.recipe_select import norm_label as _norm
from kompetens_lib.data.recipe_sources import (
    GROUP_AGGREGATES,
    SOURCES,
    Pick,
    Source,
)
from kompetens_lib.data.scb_cells import snake_name
from kompetens_lib.data.schema import OPTIONAL_TABLES
from kompetens_lib.errors import RecipeError
from kompetens_lib.reference.industries import INDUSTRY_CODES
from kompetens_lib.reference.regions import NATIONAL_CODE
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
    "CACHE_RECIPES",
    "WORKBOOK_RECIPES",
    "Pick",
    "Recipe",
    "RecipeError",
    "Source",
    "describe",
    "fetch_recipe",
    "find_table",
    "get_recipe",
    "table_id_of",
    "years_from_select",
]



SOURCE_NAME = "SCB, Statistikdatabasen"
INDUSTRY_ORDER = {code: i for i, code in enumerate(INDUSTRY_CODES)}


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
        "forskarutbildning och 'uppgift saknas'; rätta _level_of i kompetens_lib/data/recipes.py."
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


def _age_key(frames: dict[str, pd.DataFrame], by_age: str,
             notes: list[str]) -> pd.DataFrame:
    """People by region, level, age band and year: BAS's counts by age (TAB3200) split by
    the band's education levels (UF0506, nearest year); ``core`` is the part aged 20–64."""
    df = frames[by_age]
    ages = df[_column(df, "Alder")].map(five_year_band)
    labels = df[_column(df, "Alder") + "_label"].map(five_year_band)
    ages = ages.where(ages.notna(), labels)
    bas = pd.DataFrame({"region": df["region"], "age": ages, "year": _years(df),
                        "value": _counts(df, notes, SOURCES[by_age].table_id)})
    if bas["age"].isna().all():
        shown = ", ".join(sorted(set(df[_column(df, "Alder") + "_label"].astype(str)))[:10])
        raise RecipeError(f"Tabell {SOURCES[by_age].table_id} har inga 5-årsåldrar (t.ex. "
                          f"'65-69'); variabeln Alder har: {shown}.")
    bas = bas[bas["age"].notna()]
    lo = bas["age"].map(lambda a: a[0])
    bas["age_band"] = lo.map(lambda a: _age_band_of(max(a, 16), AGE_BANDS))
    bas["core"] = bas["value"].where((lo >= 20) & (bas["age"].map(lambda a: a[1]) <= 64), 0)
    bas = bas.groupby(["region", "age_band", "year"], as_index=False)[["value", "core"]].sum()
    level = _build_education_level(frames, notes)
    level = level[level["region"] != NATIONAL_CODE]
    year_map = nearest_years(bas["year"], level["year"])
    bas["level_year"] = bas["year"].map(year_map)
    mix = level.rename(columns={"year": "level_year"})
    mix["mix"] = mix["value"] / mix.groupby(["region", "age_band", "level_year"])[
        "value"].transform("sum").where(lambda v: v > 0)
    key = bas.merge(mix[["region", "education_level", "age_band", "level_year", "mix"]],
                    on=["region", "age_band", "level_year"], how="inner")
    key["weight"] = key["value"] * key["mix"].fillna(0.0)
    key["core"] = key["core"] * key["mix"].fillna(0.0)
    return key[["region", "education_level", "age_band", "year", "weight", "core"]]


def _build_by_age(source: str, by_age: str) -> Callable[[dict[str, pd.DataFrame], list[str]],
                                                        pd.DataFrame]:
    def build(frames: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame:
        totals = _by_group(frames[source], SOURCES[source].table_id, notes)
        key = _age_key(frames, by_age, notes)
        out = spread_by_age(totals, key, notes, key_name="TAB3200")
        out = _with_national(out, ["education_group", "age_band", "year"])
        return _sorted(out, ["region", "education_group", "age_band", "year"])

    return build


def _national_pattern() -> pd.DataFrame:
    """The bundled example's national industry × group pattern (synthetic; the seed only)."""
    import warnings

    from kompetens_lib.data.tables import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        example = load("industry_employed")
    return example[example["region"] == NATIONAL_CODE]


def _industry_totals(frames: dict[str, pd.DataFrame], notes: list[str],
                     pattern: pd.DataFrame) -> pd.DataFrame:
    """Region × SNI section × year from TAB3204; SCB's joint codes ("B+C") split by the
    pattern's national section sizes."""
    df = frames["employed_by_industry"]
    codes = df[_column(df, "SNI2007")].astype("string")
    finest = finest_codes(sorted(set(codes)))
    covered = set().union(*finest.values()) if finest else set()
    if not covered:
        raise RecipeError("Näringsgrenarna i TAB3204 går inte att läsa som SNI 2007-avdelningar "
                          f"(koder: {', '.join(sorted(set(codes))[:12])}). Receptet väntar sig "
                          "koder som 'A', 'B+C', 'A-U+US'; se SOURCES i "
                          "kompetens_lib/data/recipe_sources.py.")
    lacking = [c for c in INDUSTRY_CODES if c not in covered]
    if lacking:
        notes.append(f"TAB3204 saknar näringsgrenarna {', '.join(lacking)}; de får inga "
                     "förvärvsarbetande.")
    joint = sorted(c for c, sections in finest.items() if len(sections) > 1)
    size = pattern.groupby("industry")["value"].sum()
    rows = []
    for code, sections in finest.items():
        part = df[codes == code]
        weights = size.reindex(sorted(sections)).fillna(0.0)
        weights = weights / weights.sum() if weights.sum() > 0 else weights * 0 + 1 / len(
            weights)
        for section, weight in weights.items():
            rows.append(pd.DataFrame({
                "region": part["region"], "industry": section, "year": _years(part),
                "value": _counts(part, notes, "TAB3204") * weight}))
    if joint:
        notes.append("SCB redovisar några näringsgrenar sammanslagna (" + ", ".join(joint)
                     + "); de delades på avdelningarna efter exempeldatans storlekar i riket.")
    out = pd.concat(rows, ignore_index=True)
    return out.groupby(["region", "industry", "year"], as_index=False)["value"].sum()


def _build_industry_employed(frames: dict[str, pd.DataFrame],
                             notes: list[str]) -> pd.DataFrame:
    employed = _build_by_age("employed_by_group", "employed_by_age")(frames, notes)
    groups = employed[employed["region"] != NATIONAL_CODE].groupby(
        ["region", "education_group", "year"], as_index=False)["value"].sum()
    pattern = _national_pattern()
    industry = _industry_totals(frames, notes, pattern)
    year_map = nearest_years(groups["year"], industry["year"])
    seed_years = nearest_years(groups["year"], pattern["year"])
    moved = sorted(y for y, k in year_map.items() if y != k)
    if moved:
        notes.append("Näringsgrensfördelningen (TAB3204) finns inte för år "
                     + ", ".join(f"{y} (använde {year_map[y]})" for y in moved) + ".")
    sections = sorted(set(industry["industry"]), key=INDUSTRY_ORDER.get)
    parts = []
    for (region, year), cols in groups.groupby(["region", "year"], sort=False):
        rows = industry[(industry["region"] == region) & (industry["year"] == year_map[year])]
        rows = rows.set_index("industry")["value"].reindex(sections).fillna(0.0)
        seed = pattern[pattern["year"] == seed_years[year]].pivot_table(
            index="industry", columns="education_group", values="value", aggfunc="sum")
        seed = seed.reindex(index=sections, columns=list(cols["education_group"]))
        row_mean = seed.mean(axis=1).fillna(1.0)  # for groups the example lacks
        seed = seed.T.fillna(row_mean).T
        fitted = rake(seed.to_numpy(), rows.to_numpy(), cols["value"].to_numpy())
        whole = round_columns(fitted, cols["value"].to_numpy())
        frame = pd.DataFrame(whole, index=sections, columns=list(cols["education_group"]))
        frame = frame.stack().rename("value").reset_index()
        frame.columns = ["industry", "education_group", "value"]
        frame.insert(0, "region", region)
        frame["year"] = int(year)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out = _with_national(out, ["industry", "education_group", "year"])
    return _sorted(out, ["region", "industry", "education_group", "year"]).astype(
        {"region": "string", "industry": "string", "education_group": "string",
         "year": "int64", "value": "int64"})


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
    " SCB:s tabell per utbildningsgrupp räknar personer 20–64 år och saknar ålder. Åldrarna "
    "kommer från BAS (TAB3200, efter bostadslän, 5-årsåldrar 15–74): länets antal i varje "
    "åldersgrupp delas på utbildningsnivåerna som länets befolkning i samma ålder (UF0506, "
    "närmaste år), och gruppens antal 20–64 år fördelas efter nivåns åldersfördelning. "
    "16–24 och 65–74 år läggs till i samma proportion mot 20–64 år som hos nivån i BAS "
    "(15-åringar ingår i 16–24); antaget: ingen samvariation mellan ålder och "
    "utbildningsgrupp inom en nivå. Heltal som summerar till gruppens antal."
)
_INDUSTRY_METHOD = (
    " Näringsgren × utbildningsgrupp är en skattning, inte SCB:s tabell (SCB publicerar "
    "ingen tabell län × näringsgren × utbildning): länets förvärvsarbetande per näringsgren "
    "(TAB3204, BAS, efter arbetsställe) och per utbildningsgrupp (receptet 'employment', "
    "alla åldrar) är SCB:s; sambandet mellan näringsgren och utbildning inom länet kommer "
    "från exempeldatans nationella mönster (syntetiskt) och anpassas till länets summor "
    "(IPF). Summerat över näringsgrenar är tabellen exakt 'employed' summerad över åldrar."
)
NO_SCB_INDUSTRY_FORECAST = (
    "SCB publicerar ingen prognos efter näringsgren i statistikdatabasen; T&P:s efterfrågan "
    "per näringsgren finns i T&P-publikationens bilagor. För över den till en CSV med "
    "kolumnerna industry, year, demand (docs/tp-mall.md, avsnittet om näringsgrenar) och lägg "
    "den i cachen med 'kompetens data cache --from-files industry_forecast=FIL'. Utan den "
    "visar arbetsboken exempeldatans prognos och säger det."
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
               "Förvärvsarbetande 16–74 år (dagbefolkning) efter län, utbildningsgrupp, "
               "ålder och år", ("employed_by_group", "education_level", "employed_by_age"),
               _build_by_age("employed_by_group", "employed_by_age"),
               _SCB_METHOD + " Dagbefolkning (förvärvsarbetande efter arbetsställets län), "
               "båda könen; åldrarna efter BAS:s sysselsatta." + _AGE_METHOD,
               aliases=("employed", "sysselsatta")),
        Recipe("labour_force", "labour_force",
               "Arbetskraft 16–74 år (nattbefolkning) efter län, utbildningsgrupp, ålder och år",
               ("labour_force_by_group", "education_level", "labour_force_by_age"),
               _build_by_age("labour_force_by_group", "labour_force_by_age"),
               _SCB_METHOD + " 'I arbetskraften' efter bostadslän, båda könen; åldrarna efter "
               "BAS:s sysselsatta och arbetslösa." + _AGE_METHOD,
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
        Recipe("industry_employed", "industry_employed",
               "Förvärvsarbetande (dagbefolkning) efter län, näringsgren, utbildningsgrupp och "
               "år (skattning)",
               ("employed_by_group", "education_level", "employed_by_age",
                "employed_by_industry"), _build_industry_employed,
               _SCB_METHOD + _INDUSTRY_METHOD, aliases=("naringsgren", "bransch")),
        Recipe("industry_forecast", "industry_forecast",
               "Nationell prognos (T&P) efter näringsgren och år", (), None,
               "Ingen SCB-tabell: från T&P-publikationen.", no_scb_table=NO_SCB_INDUSTRY_FORECAST,
               aliases=("naringsgrensprognos",)),
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
# What ``kompetens data cache`` fetches by default: the workbook's tables and the optional
# industry table (its forecast has no SCB table, like national_forecast).
CACHE_RECIPES: tuple[str, ...] = (*WORKBOOK_RECIPES, "industry_employed")


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
        kind = ("valfri tabell" if recipe.output in OPTIONAL_TABLES else
                "arbetsbokens tabell" if recipe.workbook else "extra tabell")
        lines.append(f"  {recipe.name:<18} → {recipe.output} ({kind}): {recipe.title}")
        if recipe.no_scb_table:
            lines.append("      ingen SCB-tabell: se docs/tp-mall.md")
        for key in recipe.sources:
            source = SOURCES[key]
            found = " [tabell-id:t slås upp i SCB:s tabellindex]" if source.find else ""
            lines.append(f"      {source.table_id}: {source.about}{found}")
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
    selections = {key: resolve_source(client, SOURCES[key], years)
                  for key in recipe.sources}  # every assumption before any data call
    for key, selection in selections.items():
        frames[key] = client.fetch(table_id_of(SOURCES[key], client), selection)
    notes: list[str] = []
    assert recipe.build is not None
    table = recipe.build(frames, notes)
    if recipe.workbook or recipe.output in OPTIONAL_TABLES:
        table = validate(recipe.output, table, f"receptet {recipe.name!r}")
    if table.empty:
        raise RecipeError(f"Receptet {recipe.name!r} gav en tom tabell; kontrollera urvalet "
                          "av år.")
    parts = [frames[key].attrs["provenance"] for key in recipe.sources]
    ids = ", ".join(dict.fromkeys(table_id_of(SOURCES[key], client) for key in recipe.sources))
    for key in recipe.sources:
        source = SOURCES[key]
        if source.find is not None and table_id_of(source, client) != source.table_id:
            notes.append(f"Tabell-id:t {table_id_of(source, client)} hittades i SCB:s "
                         f"tabellindex ({source.about}).")
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
