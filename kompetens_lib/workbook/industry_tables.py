"""Industry tables for the notebooks: the county's structure against Riket, the industry-based
breakdown by group, and the establishment layer (issue 13).

Every function takes a county (or a :class:`~kompetens_lib.workbook.params.Params`) and
``source=``, loads the industry tables through :mod:`kompetens_lib.data` and computes
through :mod:`kompetens_lib.methods.industry` and :mod:`kompetens_lib.methods.establishments`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import establishments, industry
from kompetens_lib.methods.breakdown import breakdown
from kompetens_lib.reference.industries import INDUSTRY_CODES, industries
from kompetens_lib.reference.regions import NATIONAL_CODE, resolve_region
from kompetens_lib.reference.taxonomy import education_groups
from kompetens_lib.workbook.memo import forecast_for
from kompetens_lib.workbook.params import scenario
from kompetens_lib.workbook.scenario_file import read_scenario

__all__ = ["establishment_jobs", "establishment_layer", "industry_breakdown_table",
           "industry_demand", "industry_structure"]


def _year(frame: pd.DataFrame, year: int | None, what: str) -> int:
    years = sorted(int(y) for y in frame["year"].unique())
    if year is None:
        return years[-1]
    if int(year) not in years:
        raise KompetensError(f"Året {year} finns inte i tabellen {what}. Giltiga år: "
                             f"{years[0]}–{years[-1]}.")
    return int(year)


def industry_structure(region: object, year: int | None = None, source=None) -> pd.DataFrame:
    """The county's employed by industry against Riket, with the location quotient.

    ``lq = (E_ri / E_r) / (E_Ni / E_N)``: above 1 the industry is a larger part of the
    county's employment than of the country's (Norrbotten's mining, Stockholm's ICT).

    Returns ``industry``, ``short_name``, ``name``, ``employed``, ``region_share``,
    ``national_employed``, ``national_share``, ``lq``, in SNI order.
    """
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    frame = load("industry_employed", source)
    chosen = _year(frame, year, "förvärvsarbetande efter näringsgren")
    frame = frame[frame["year"] == chosen]
    by = frame.groupby(["region", "industry"])["value"].sum()
    county = by.loc[code].reindex(list(INDUSTRY_CODES), fill_value=0)
    national = by.loc[NATIONAL_CODE].reindex(list(INDUSTRY_CODES), fill_value=0)
    names = industries().set_index("code")
    result = pd.DataFrame({
        "industry": pd.array(list(INDUSTRY_CODES), dtype="string"),
        "short_name": names.loc[list(INDUSTRY_CODES), "short_name"].to_numpy(),
        "name": names.loc[list(INDUSTRY_CODES), "name"].to_numpy(),
        "employed": county.to_numpy(),
        "region_share": (county / county.sum()).to_numpy(),
        "national_employed": national.to_numpy(),
        "national_share": (national / national.sum()).to_numpy(),
    })
    result["lq"] = (result["region_share"] / result["national_share"]).where(
        result["national_share"] > 0)
    result.attrs = {"region": code, "year": chosen}
    return result


def industry_demand(base_year: int | None = None, source=None, *,
                    damping: float = industry.DEFAULT_DAMPING,
                    window: tuple[int, int] | None = None) -> pd.DataFrame:
    """The industry-based breakdown of national demand for every county (the tidy shape of
    the other breakdown methods: ``region``, ``education_group``, ``year``, ``value``)."""
    national = load("national_forecast", source)
    if base_year is not None:
        # As the other methods: the forecast from the base year on, every year between
        # (a T&P table may start before the base year and give only some years).
        national = forecast_for(load("employed", source), source, base_year)
    by_industry = load("industry_forecast", source)
    # A T&P table may give only some years (e.g. 2023 and 2035): the industry forecast is
    # used for the years the national forecast has.
    by_industry = by_industry[by_industry["year"].isin(national["year"].unique())]
    return industry.industry_breakdown(
        national, by_industry,
        load("industry_employed", source), base_year, column="demand",
        forecast_column="demand", damping=damping, window=window)


def industry_breakdown_table(region: object, target_year: int | None = None,
                             base_year: int | None = None, source=None, *,
                             damping: float = industry.DEFAULT_DAMPING,
                             window: tuple[int, int] | None = None) -> pd.DataFrame:
    """Demand by group in the target year, by industry-based breakdown, beside fixed share.

    Returns ``education_group``, ``short_name``, ``level``, ``base`` (employed in the base
    year), ``industry`` (the industry-based breakdown), ``fixed_share`` (the same national
    forecast by the fixed share) and ``difference`` (industry − fixed share), largest
    difference first. ``attrs`` holds ``region``, ``base_year``, ``target_year``, ``damping``.
    """
    region, base_year, target_year, _, source = scenario(region, base_year, target_year,
                                                         source=source)
    code = resolve_region(region)
    result = industry_demand(base_year, source, damping=damping, window=window)
    target = _year(result, target_year, "nationell prognos")
    base = result.attrs["base_year"]
    history = load("industry_employed", source)
    base_values = (history[(history["region"] == code) & (history["year"] == base)]
                   .groupby("education_group")["value"].sum())
    employed = load("employed", source)
    fixed = breakdown(forecast_for(employed, source, base), employed, "fixed_share", base,
                      column="demand")
    pick = (result["region"] == code) & (result["year"] == target)
    table = result.loc[pick, ["education_group", "value"]].rename(columns={"value": "industry"})
    fixed_values = fixed[(fixed["region"] == code) & (fixed["year"] == target)].set_index(
        "education_group")["value"]
    groups = education_groups().set_index("code")
    table.insert(1, "short_name", table["education_group"].map(groups["short_name"]))
    table.insert(2, "level", table["education_group"].map(groups["level"]))
    table.insert(3, "base", table["education_group"].map(base_values).fillna(0).astype("int64"))
    table["fixed_share"] = table["education_group"].map(fixed_values).to_numpy(dtype=float)
    table["difference"] = table["industry"] - table["fixed_share"]
    table = table.sort_values("difference", key=abs, ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    table.attrs = {"region": code, "base_year": base, "target_year": target,
                   "damping": float(damping)}
    return table


def _events(events: object, years: list[int]) -> list[establishments.Establishment]:
    if isinstance(events, (str, os.PathLike)):
        return read_scenario(events, years)
    if isinstance(events, Iterable) and not isinstance(events, (str, bytes)):
        items = list(events)
        if items and all(isinstance(e, establishments.Establishment) for e in items):
            return items
        return establishments.parse_events(items, years=years)
    raise KompetensError("Etableringarna ska vara en sökväg till en scenariofil (.toml eller "
                         f".csv) eller en lista med etableringar, inte {type(events).__name__}.")


def establishment_layer(events: object, region: object = None, base_year: int | None = None,
                        source=None, *, by_establishment: bool = False) -> pd.DataFrame:
    """The establishment layer: demand by county, group and year to add to a breakdown.

    ``events`` is a scenario file (see docs/scenarier.md) or a list of dicts; the years are
    the national forecast's. Mixes come from ``industry_employed`` in the base year (the
    county's, else the national). ``region`` keeps one county (None: every county named).

    Returns ``region``, ``education_group``, ``short_name``, ``year``, ``value``, summed
    over the establishments (with ``by_establishment`` also ``establishment`` and
    ``industry``, one row per establishment). Add it to a method's demand with
    :func:`kompetens_lib.methods.establishments.add_layer`.
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    years = sorted(int(y) for y in load("national_forecast", source)["year"].unique())
    parsed = _events(events, years)
    mixes = industry.industry_mix(load("industry_employed", source), base_year)
    layer = establishments.establishment_demand(parsed, years, mixes)
    if region is not None:
        layer = layer[layer["region"] == resolve_region(region)]
    keys = ["region", "education_group", "year"]
    if by_establishment:
        keys = ["establishment", "industry", *keys]
    out = layer.groupby(keys, as_index=False, sort=True)["value"].sum()
    groups = education_groups().set_index("code")
    out.insert(out.columns.get_loc("education_group") + 1, "short_name",
               out["education_group"].map(groups["short_name"]))
    return out.reset_index(drop=True)


def establishment_jobs(events: object, source=None) -> pd.DataFrame:
    """Jobs of each establishment by year (the ramp), one row per establishment and year:
    ``establishment``, ``region``, ``industry``, ``year``, ``jobs``."""
    years = sorted(int(y) for y in load("national_forecast", source)["year"].unique())
    rows = []
    for event in _events(events, years):
        for year, jobs in zip(years, establishments.jobs_by_year(event, years)):
            rows.append((event.name, event.region, event.industry, year, float(jobs)))
    frame = pd.DataFrame(rows, columns=["establishment", "region", "industry", "year", "jobs"])
    return frame.astype({"establishment": "string", "region": "string", "industry": "string"})
