"""Where a county stands today (nuläge): employment by group against Riket, education level,
age structure, the share aged 55+ and commuting. All figures come from the data layer; the
key figures are shown by :mod:`kompetens_lib.present.summaries`."""

from __future__ import annotations

import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import NATIONAL_CODE, region_name, resolve_region
from kompetens_lib.reference.taxonomy import AGE_BANDS, LEVELS, education_groups
from kompetens_lib.workbook.params import scenario

OLDER_BANDS = ("55-64", "65-74")


def _employed_year(year: int | None, source) -> pd.DataFrame:
    """The employed in ``year`` (default the latest year), or a Swedish error."""
    employed = load("employed", source)
    years = sorted(employed["year"].unique())
    if year is None:
        year = years[-1]
    if year not in years:
        raise KompetensError(
            f"Året {year} finns inte i tabellen förvärvsarbetande. Giltiga år: "
            f"{years[0]}–{years[-1]}."
        )
    return employed[employed["year"] == year]


def location_quotients(region: object, year: int | None = None, source=None) -> pd.DataFrame:
    """Employment by education group in the county compared with Riket.

    ``lq = (E_re / E_r) / (E_Ne / E_N)``: above 1 the group is a larger part of the county's
    employment than of the country's.

    Returns columns ``education_group``, ``short_name``, ``level``, ``employed``,
    ``region_share``, ``national_share``, ``lq``, sorted by ``employed`` (largest first).
    """
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    frame = _employed_year(year, source)
    by_group = frame.groupby(["region", "education_group"], observed=True)["value"].sum()
    county = by_group.loc[code]
    national = by_group.loc[NATIONAL_CODE]
    groups = education_groups().set_index("code")
    result = pd.DataFrame({
        "education_group": county.index.astype("string"),
        "employed": county.to_numpy(),
        "region_share": (county / county.sum()).to_numpy(),
        "national_share": (national.reindex(county.index) / national.sum()).to_numpy(),
    })
    result["lq"] = result["region_share"] / result["national_share"]
    result.insert(1, "short_name", result["education_group"].map(groups["short_name"]))
    result.insert(2, "level", result["education_group"].map(groups["level"]))
    return result.sort_values("employed", ascending=False, kind="stable").reset_index(drop=True)


def level_mix(region: object, year: int | None = None, source=None) -> pd.DataFrame:
    """Education level of the employed in the county and in Riket.

    Returns ``area`` (county name or "Riket"), ``level``, ``employed``, ``share``.
    """
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    frame = _employed_year(year, source)
    levels = education_groups().set_index("code")["level"]
    frame = frame[frame["region"].isin([code, NATIONAL_CODE])].assign(
        level=lambda f: f["education_group"].map(levels)
    )
    mix = frame.groupby(["region", "level"], observed=True)["value"].sum().reset_index()
    mix["share"] = mix["value"] / mix.groupby("region")["value"].transform("sum")
    mix["area"] = mix["region"].map(lambda r: region_name(r))
    mix["level"] = pd.Categorical(mix["level"], categories=LEVELS, ordered=True)
    mix = mix.sort_values(["region", "level"], ascending=[False, True])
    mix["level"] = mix["level"].astype("string")
    return mix.rename(columns={"value": "employed"})[["area", "level", "employed", "share"]] \
        .reset_index(drop=True)


def age_structure(region: object, year: int | None = None, source=None) -> pd.DataFrame:
    """Age structure of the employed in the county and in Riket: ``area``, ``age_band``,
    ``employed``, ``share``."""
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    frame = _employed_year(year, source)
    frame = frame[frame["region"].isin([code, NATIONAL_CODE])]
    ages = frame.groupby(["region", "age_band"], observed=True)["value"].sum().reset_index()
    ages["share"] = ages["value"] / ages.groupby("region")["value"].transform("sum")
    ages["area"] = ages["region"].map(lambda r: region_name(r))
    ages["order"] = ages["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)})
    ages = ages.sort_values(["region", "order"], ascending=[False, True])
    return ages.rename(columns={"value": "employed"})[["area", "age_band", "employed", "share"]] \
        .reset_index(drop=True)


def older_share(region: object, year: int | None = None, source=None) -> pd.DataFrame:
    """Share of the employed aged 55+ per education group in the county.

    Returns ``education_group``, ``short_name``, ``employed``, ``employed_55plus``,
    ``share_55plus``; groups with no employed are left out. Sorted by ``employed``.
    """
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    frame = _employed_year(year, source)
    frame = frame[frame["region"] == code]
    total = frame.groupby("education_group", observed=True)["value"].sum()
    older = frame[frame["age_band"].isin(OLDER_BANDS)].groupby(
        "education_group", observed=True)["value"].sum()
    result = pd.DataFrame({"employed": total, "employed_55plus": older.reindex(total.index,
                                                                               fill_value=0)})
    result = result[result["employed"] > 0].reset_index()
    result["share_55plus"] = result["employed_55plus"] / result["employed"]
    names = education_groups().set_index("code")["short_name"]
    result.insert(1, "short_name", result["education_group"].map(names))
    result["education_group"] = result["education_group"].astype("string")
    return result.sort_values("employed", ascending=False, kind="stable").reset_index(drop=True)


def commuting(region: object, source=None) -> pd.DataFrame:
    """In- and out-commuters across the county border by year: ``year``, ``direction``
    ("in"/"ut"), ``value``."""
    region, _, _, _, source = scenario(region, source=source)
    code = resolve_region(region)
    frame = load("commuting", source)
    frame = frame[frame["region"] == code]
    return frame[["year", "direction", "value"]].sort_values(["year", "direction"]) \
        .reset_index(drop=True)


def key_figures(region: object, year: int | None = None, source=None, *,
                min_employed: int = 500) -> dict:
    """The first notebook's key figures for a county, as plain Python values.

    ``top_lq`` lists the three groups with the highest location quotient among groups with
    at least ``min_employed`` employed in the county (tiny groups have noisy quotients).
    """
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    year = int(_employed_year(year, source)["year"].iloc[0])
    lq = location_quotients(code, year, source)
    ages = age_structure(code, year, source)
    levels = level_mix(code, year, source)
    flows = commuting(code, source)
    flows = flows[flows["year"] == year].set_index("direction")["value"]
    name = region_name(code)

    def share_older(area: str) -> float:
        part = ages[(ages["area"] == area) & ages["age_band"].isin(OLDER_BANDS)]
        return float(part["share"].sum())

    def long_post(area: str) -> float:
        row = levels[(levels["area"] == area) & (levels["level"] == "eftergymnasial ≥ 3 år")]
        return float(row["share"].sum())

    big = lq[lq["employed"] >= min_employed].sort_values("lq", ascending=False, kind="stable")
    return {
        "region": code,
        "region_name": name,
        "year": int(year),
        "employed": int(lq["employed"].sum()),
        "share_55plus": round(share_older(name), 4),
        "share_55plus_riket": round(share_older("Riket"), 4),
        "share_long_post_secondary": round(long_post(name), 4),
        "share_long_post_secondary_riket": round(long_post("Riket"), 4),
        "largest_groups": lq["short_name"].head(3).tolist(),
        "top_lq": [
            {"group": str(r.short_name), "lq": round(float(r.lq), 2)}
            for r in big.head(3).itertuples()
        ],
        "in_commuters": int(flows.get("in", 0)),
        "out_commuters": int(flows.get("ut", 0)),
    }


KEY_FIGURE_LABELS = {
    "employed": "Förvärvsarbetande (arbetsställe i länet)",
    "share_55plus": "Andel 55 år och äldre",
    "share_55plus_riket": "Andel 55 år och äldre, riket",
    "share_long_post_secondary": "Andel med eftergymnasial utbildning ≥ 3 år",
    "share_long_post_secondary_riket": "Andel med eftergymnasial utbildning ≥ 3 år, riket",
    "largest_groups": "Största utbildningsgrupperna",
    "top_lq": "Högst lokaliseringskvot",
    "in_commuters": "Inpendlare",
    "out_commuters": "Utpendlare",
}


def county_group_measures(year: int, source=None) -> pd.DataFrame:
    """For every county and education group at once: ``employed``, ``lq`` and
    ``share_55plus`` (vectorised; the cohort overview's map uses it).

    Returns columns ``region``, ``education_group``, ``short_name``, ``employed``, ``lq``,
    ``share_55plus`` (NaN where a county has no employed in a group).
    """
    frame = _employed_year(year, source)
    total = frame.groupby(["region", "education_group"], observed=True)["value"].sum()
    older = frame[frame["age_band"].isin(OLDER_BANDS)].groupby(
        ["region", "education_group"], observed=True)["value"].sum()
    table = pd.DataFrame({"employed": total,
                          "older": older.reindex(total.index, fill_value=0)}).reset_index()
    national = table[table["region"] == NATIONAL_CODE].set_index("education_group")["employed"]
    table = table[table["region"] != NATIONAL_CODE].copy()
    region_total = table.groupby("region")["employed"].transform("sum")
    national_share = table["education_group"].map(national / national.sum())
    table["lq"] = (table["employed"] / region_total) / national_share
    table["share_55plus"] = (table["older"] / table["employed"]).where(table["employed"] > 0)
    names = education_groups().set_index("code")["short_name"]
    table["short_name"] = table["education_group"].map(names)
    return table[["region", "education_group", "short_name", "employed", "lq",
                  "share_55plus"]].reset_index(drop=True)
