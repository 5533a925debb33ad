"""Tables of notebook 09 (planeringsområde): a planning area's municipalities, employment
and commuting, and its recruitment need and places per vocational programme.

A planning area (DOMAIN §10) is at least three municipalities, possibly in more than one
county. The county's forecast (the breakdown, the exits, the need of notebook 06) is broken
down to its municipalities by each municipality's own employed by workplace
(:func:`kompetens_lib.methods.municipal.municipal_shares`: its share of the county's
employed in the group in the base year; with ``share_method="trend"`` that share moved by
the trend of the municipality's share of the county's employed over the history). The area
is the sum of its municipalities. The need is computed per county part of the area
(replacement + max(expansion, 0) within one county's forecast) and the parts are added:
growth in one county does not cancel decline in the other. Places per programme follow
notebook 06 (:func:`kompetens_lib.workbook.need_tables.places_table` and
:func:`~kompetens_lib.workbook.need_tables.programme_places`) per county part; today's
intake and graduates of the area are the county's times the area's share of the county's
population of the age that starts the form (16–24 for upper-secondary school, 25–54 for
komvux and YH): an estimate, since intake is published by county in the example data.
Nothing here is official statistics.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_lib.data.tables import example_dir, load
from kompetens_lib.errors import KompetensError, PlanningAreaError
from kompetens_lib.methods.breakdown import DEFAULT_DAMPING, resolve_method
from kompetens_lib.methods.municipal import (
    SHARE_METHODS,
    municipal_shares,
    net_commuting,
    to_municipalities,
)
from kompetens_lib.methods.supply import EXIT_AGE
from kompetens_lib.reference.planning_areas import PlanningArea, planning_area
from kompetens_lib.reference.regions import region_name
from kompetens_lib.workbook.assumptions import Assumptions
from kompetens_lib.workbook.forecast import (
    forecast_base_year,
    resolve_target_year,
    round_persons,
)
from kompetens_lib.workbook.memo import breakdown_all
from kompetens_lib.workbook.need_tables import need_table, places_table, programme_places

__all__ = [
    "EXAMPLE_AREA_FILE",
    "EXPORT_AGES",
    "AREA_NOTE",
    "area_commuting",
    "area_key_figures",
    "area_summary_lines",
    "commuting_series",
    "area_members",
    "area_need",
    "area_need_by_group",
    "area_places",
    "area_programme_places",
    "example_area_file",
    "load_area",
    "municipal_need",
]

#: The bundled example planning area (an example, not an agreement between municipalities).
EXAMPLE_AREA_FILE = "planeringsomrade_bergslagen.toml"
#: The age bands whose share of the county's population carries today's intake to the area.
EXPORT_AGES: dict[str, tuple[str, ...]] = {"gymnasium": ("16-24",),
                                           "komvux": ("25-34", "35-44", "45-54"),
                                           "yh": ("25-34", "35-44", "45-54")}
#: What every table and chart of an area says about its numbers (Swedish, for participants).
AREA_NOTE = ("Kommunsiffrorna är länens siffror fördelade på kommunerna efter deras egna "
             "förvärvsarbetande och befolkning (egen beräkning, inte officiell statistik). I "
             "exempeldata följer kommunernas befolkning SCB:s folkmängd 2024, men "
             "sysselsättningen per kommun är syntetisk.")
_EXAMPLE_WORDS = {"", "exempel", "example"}
_EXIT_PARTS = ("replacement", "retirements", "deaths", "other_exits", "net_out_migration")


def example_area_file() -> Path:
    """The bundled example planning area file (three municipalities in two counties)."""
    return example_dir() / EXAMPLE_AREA_FILE


def load_area(area_file: str | os.PathLike[str] | PlanningArea | None = None,
              name: str | None = None) -> PlanningArea:
    """The validated planning area of ``area_file`` (a TOML file; "" or "exempel" means the
    bundled example); ``name`` picks one of a file with several ("" or None: the only one).
    Raises :class:`~kompetens_lib.errors.PlanningAreaError` in Swedish."""
    if isinstance(area_file, PlanningArea):
        return area_file
    name = name or None
    if area_file is None or str(area_file).strip().lower() in _EXAMPLE_WORDS:
        return planning_area(example_area_file(), name)
    path = Path(area_file).expanduser()
    if path.suffix.lower() != ".toml":
        raise PlanningAreaError(
            f"Planeringsområdet ska anges som en TOML-fil (.toml), inte {str(path)!r}. "
            "Formatet: en rubrik per område, t.ex. [Skaraborg], och "
            "kommuner = [\"Skövde\", \"Skara\", \"Falköping\"] (se docs/data.md).")
    return planning_area(path, name)


def _members(area: PlanningArea) -> pd.DataFrame:
    table = area.table().rename(columns={"code": "municipality"})
    table["county_name"] = table["county"].map(region_name).astype("string")
    return table


def _latest(frame: pd.DataFrame, year: int | None) -> int:
    years = sorted(frame["year"].unique().tolist())
    if year is None:
        return int(years[-1])
    if int(year) not in years:
        raise KompetensError(f"År {year} finns inte i kommuntabellerna. Giltiga år: "
                             f"{years[0]}–{years[-1]}.")
    return int(year)


def area_members(area: PlanningArea, *, year: int | None = None,
                 source: Any = None) -> pd.DataFrame:
    """The area's municipalities in ``year`` (default the latest): ``municipality``,
    ``name``, ``county``, ``county_name``, ``population``, ``population_16_24``,
    ``workplace`` (employed by workplace), ``residence`` (by residence), ``net`` (net
    in-commuting = workplace − residence), ``ratio`` (jobs per employed resident) and
    ``share_of_county`` (the municipality's share of its county's employed by workplace).
    ``attrs["year"]`` is the year."""
    employed = load("municipal_employed", source)
    chosen = _latest(employed, year)
    commuting = net_commuting(employed[employed["year"] == chosen])
    pop = load("municipal_population", source)
    pop = pop[pop["year"] == _latest(pop, chosen if chosen in set(pop["year"]) else None)]
    totals = pop.groupby("municipality")["value"].sum()
    young = pop[pop["age_band"] == "16-24"].groupby("municipality")["value"].sum()
    county_work = commuting.groupby("county")["workplace"].sum()
    out = _members(area).merge(commuting.drop(columns=["county", "year"]), on="municipality",
                               how="left")
    out.insert(4, "population", out["municipality"].map(totals).astype("float64"))
    out.insert(5, "population_16_24", out["municipality"].map(young).astype("float64"))
    out["share_of_county"] = out["workplace"] / out["county"].map(county_work).astype(float)
    out = out.drop(columns="planning_area")
    out.attrs = {"year": chosen, "area": area.name}
    return out


def area_commuting(area: PlanningArea, *, source: Any = None) -> pd.DataFrame:
    """The area's employed by workplace and by residence and its net in-commuting per year,
    summed over its municipalities: ``year``, ``workplace``, ``residence``, ``net``."""
    commuting = net_commuting(load("municipal_employed", source))
    part = commuting[commuting["municipality"].isin(area.codes)]
    out = part.groupby("year", as_index=False)[["workplace", "residence", "net"]].sum()
    out.attrs = {"area": area.name}
    return out


def commuting_series(commuting: pd.DataFrame) -> pd.DataFrame:
    """:func:`area_commuting` in long form for a line chart: ``year``, ``series`` (Swedish
    label: by workplace, by residence), ``value``."""
    labels = {"workplace": "Förvärvsarbetande efter arbetsort",
              "residence": "Förvärvsarbetande efter bostadsort"}
    out = commuting.melt(id_vars="year", value_vars=list(labels), var_name="series")
    out["series"] = out["series"].map(labels).astype("string")
    return out[["year", "series", "value"]].reset_index(drop=True)


def _group_base_year(groups: pd.DataFrame, base: int) -> int:
    years = sorted(groups["year"].unique().tolist())
    earlier = [y for y in years if y <= base]
    return int(earlier[-1] if earlier else years[0])


def _shares(county: str, base: int, target: int, share_method: str,
            source: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The county's municipalities' shares by group in the base and the target year."""
    groups = load("municipal_employed_group", source)
    groups = groups[groups["municipality"].str[:2] == county]
    group_year = _group_base_year(groups, base)
    base_shares = municipal_shares(groups, group_year, [group_year], method="fixed",
                                   keys=("education_group",)).drop(columns="year")
    target_shares = base_shares.copy()
    if share_method == "trend":
        employed = load("municipal_employed", source)
        work = employed[(employed["basis"] == "arbetsort")
                        & (employed["municipality"].str[:2] == county)]
        trend = municipal_shares(work, min(base, int(work["year"].max())), [base, target],
                                 method="trend")
        fitted = trend.pivot(index="municipality", columns="year", values="weight")
        ratio = (fitted[target] / fitted[base].where(fitted[base] > 0)).fillna(0.0)
        target_shares["weight"] = target_shares["weight"] * target_shares[
            "municipality"].map(ratio).astype(float)
        sums = target_shares.groupby("education_group")["weight"].transform("sum")
        target_shares["weight"] = target_shares["weight"] / sums.where(sums > 0, 1.0)
    return base_shares, target_shares


def municipal_need(
    county: str,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    share_method: str = "fixed",
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    damping: float = DEFAULT_DAMPING,
    net_out_migration: float | None = None,
    source: Any = None,
) -> pd.DataFrame:
    """The county's recruitment need of notebook 06 broken down to its municipalities.

    For municipality m and group e with shares s_me0 (base year) and s_meT (target year):
    ``replacement_me = RD_ce · s_me0`` (and each exit cause likewise), ``demand_base =
    D_ce0 · s_me0``, ``demand_target = D_ceT · s_meT``, ``expansion = demand_target −
    demand_base``. Replacement, expansion and the demand add up over the county's
    municipalities to the county's exactly. Returns ``municipality``, ``county``,
    ``education_group``, ``demand_base``, ``demand_target``, the exit columns,
    ``expansion``; ``attrs`` carry the county's need attrs, ``share_method`` and
    ``need`` (the county's :func:`need_table`)."""
    if share_method not in SHARE_METHODS:
        raise KompetensError(
            f"Okänd andelsmetod {share_method!r} för kommunerna. Giltiga: "
            + ", ".join(f"'{k}' ({v})" for k, v in SHARE_METHODS.items()) + ".")
    options = {} if net_out_migration is None else {"net_out_migration": net_out_migration}
    need = need_table(county, base_year=base_year, target_year=target_year, method=method,
                      exit_age=exit_age, source=source, damping=damping, **options)
    base, target = int(need.attrs["base_year"]), int(need.attrs["target_year"])
    base_shares, target_shares = _shares(county, base, target, share_method, source)
    demand = breakdown_all("demand", need.attrs["method"], base, source, damping)
    demand = demand[(demand["region"] == county) & demand["year"].isin([base, target])]
    parts = []
    for column in _EXIT_PARTS:
        result = need[["education_group", column]].rename(columns={column: "value"})
        split = to_municipalities(result.assign(region=county), base_shares)
        parts.append(split.set_index(["municipality", "county", "education_group"])["value"]
                     .rename(column))
    for year, shares, column in ((base, base_shares, "demand_base"),
                                 (target, target_shares, "demand_target")):
        result = demand[demand["year"] == year][["region", "education_group", "value"]]
        split = to_municipalities(result, shares)
        parts.append(split.set_index(["municipality", "county", "education_group"])["value"]
                     .rename(column))
    out = pd.concat(parts, axis=1).fillna(0.0).reset_index()
    out["expansion"] = out["demand_target"] - out["demand_base"]
    out = out[["municipality", "county", "education_group", "demand_base", "demand_target",
               *_EXIT_PARTS, "expansion"]]
    out.attrs = {**need.attrs, "share_method": share_method, "need": need}
    return out.reset_index(drop=True)


def area_need(
    area: PlanningArea,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    share_method: str = "fixed",
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    damping: float = DEFAULT_DAMPING,
    source: Any = None,
) -> pd.DataFrame:
    """The area's recruitment need per county part and group.

    Each county part sums its municipalities of :func:`municipal_need`; ``need =
    replacement + max(expansion, 0)`` within the part (``openings="max"`` as notebook 06).
    Returns ``county``, ``county_name``, ``education_group``, ``short_name``, ``level``,
    ``period``, ``horizon``, the exit columns, ``expansion``, ``need``, ``need_per_year``;
    ``attrs``: ``area``, ``counties``, ``base_year``, ``target_year``, ``method``,
    ``share_method``, ``source``."""
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    frames = []
    for county in area.counties:
        municipal = municipal_need(county, base_year=base, target_year=target, method=chosen,
                                   share_method=share_method, exit_age=exit_age,
                                   damping=damping, source=source)
        county_need = municipal.attrs["need"]
        values = [*_EXIT_PARTS, "expansion"]
        inside = municipal[municipal["municipality"].isin(area.codes)]
        part = inside.groupby("education_group", observed=True)[values].sum().reset_index()
        info = county_need[["education_group", "short_name", "level", "period", "horizon"]]
        part = info.merge(part, on="education_group", how="left").fillna(
            {v: 0.0 for v in values})
        part["need"] = part["replacement"] + part["expansion"].clip(lower=0.0)
        part["need_per_year"] = part["need"] / part["horizon"]
        part.insert(0, "county", county)
        part.insert(1, "county_name", region_name(county))
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["county"] = out["county"].astype("string")
    out["county_name"] = out["county_name"].astype("string")
    out.attrs = {"area": area.name, "counties": list(area.counties), "base_year": base,
                 "target_year": target, "method": chosen, "share_method": share_method,
                 **({"source": str(source)} if source is not None else {})}
    return out


def area_need_by_group(need: pd.DataFrame) -> pd.DataFrame:
    """The area's need per group, the county parts added: ``education_group``,
    ``short_name``, ``level``, ``period``, ``horizon``, the exit columns, ``expansion``,
    ``need``, ``need_per_year``; largest need first."""
    keys = ["education_group", "short_name", "level", "period", "horizon"]
    values = [*_EXIT_PARTS, "expansion", "need", "need_per_year"]
    out = need.groupby(keys, observed=True, dropna=False)[values].sum().reset_index()
    out = out.sort_values("need", ascending=False).reset_index(drop=True)
    out.attrs = dict(need.attrs)
    return out


def _part(need: pd.DataFrame, county: str) -> pd.DataFrame:
    part = need[need["county"] == county].drop(columns=["county", "county_name"])
    part = part.reset_index(drop=True)
    part.attrs = {"region": county, "base_year": need.attrs.get("base_year"),
                  "target_year": need.attrs.get("target_year"),
                  **({"source": need.attrs["source"]} if "source" in need.attrs else {})}
    return part


def area_places(need: pd.DataFrame, a: Assumptions | None = None, *,
                source: Any = None) -> pd.DataFrame:
    """Starting places per year per group and form for the area (notebook 06's
    :func:`places_table` per county part, added up): ``education_group``, ``short_name``,
    ``form``, ``form_label``, ``yearly_need``, ``graduates_needed``, ``places``."""
    frames = [places_table(_part(need, c), a, source=source) for c in need.attrs["counties"]]
    keys = ["education_group", "short_name", "form", "form_label"]
    out = pd.concat(frames, ignore_index=True).groupby(keys, observed=True)[
        ["yearly_need", "graduates_needed", "places"]].sum().reset_index()
    out.attrs = {**dict(need.attrs), **(a or Assumptions()).as_dict()}
    return out


def _age_shares(area: PlanningArea, county: str, source: Any) -> dict[str, float]:
    pop = load("municipal_population", source)
    pop = pop[(pop["year"] == pop["year"].max()) & (pop["municipality"].str[:2] == county)]
    shares = {}
    for form, ages in EXPORT_AGES.items():
        part = pop[pop["age_band"].isin(list(ages))]
        total = float(part["value"].sum())
        inside = float(part.loc[part["municipality"].isin(area.codes), "value"].sum())
        shares[form] = inside / total if total else 0.0
    return shares


def area_programme_places(area: PlanningArea, need: pd.DataFrame,
                          a: Assumptions | None = None, *, source: Any = None
                          ) -> pd.DataFrame:
    """Planned places per year per vocational programme for the area beside today's intake
    and graduates (estimated for the area, see the module docstring): ``programme``,
    ``name``, ``form``, ``form_label``, ``places``, ``intake``, ``graduates``,
    ``difference`` (places − intake). University-preparatory programmes and higher
    education are not in it (DOMAIN §11)."""
    frames = []
    for county in need.attrs["counties"]:
        places = places_table(_part(need, county), a, source=source)
        table = programme_places(places, source=source)
        shares = _age_shares(area, county, source)
        scale = table["form"].map(shares).astype(float)
        table["intake"] = table["intake"] * scale
        table["graduates"] = table["graduates"] * scale
        frames.append(table)
    keys = ["programme", "name", "form", "form_label"]
    out = pd.concat(frames, ignore_index=True).groupby(keys, observed=True, sort=False)[
        ["places", "intake", "graduates"]].sum().reset_index()
    out["difference"] = out["places"] - out["intake"]
    order = {"gymnasium": 0, "komvux": 1, "yh": 2}
    out = out.assign(_o=out["form"].map(order)).sort_values(
        ["_o", "places"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)
    out.attrs = {"area": area.name, "counties": list(need.attrs["counties"])}
    return out


def area_key_figures(members: pd.DataFrame, need_by_group: pd.DataFrame,
                     planned: pd.DataFrame) -> dict:
    """The area's key figures, defined once for the notebook, the report and the overview:
    ``period``, ``need_total`` (recruitment need over the period), ``need_per_year``,
    ``places_gymnasium`` and ``intake_gymnasium`` (planned places per year on the upper-
    secondary vocational programmes and today's estimated intake), ``places_total`` (all
    forms dimensioning covers) and ``net_commuting`` (net in-commuting to the area), rounded
    as the workbook rounds persons."""
    gymnasium = planned[planned["form"] == "gymnasium"]
    horizon = int(need_by_group["horizon"].iloc[0])
    total = float(need_by_group["need"].sum())
    return {"period": str(need_by_group["period"].iloc[0]),
            "need_total": round_persons(total),
            "need_per_year": round_persons(total / horizon),
            "places_gymnasium": round_persons(float(gymnasium["places"].sum())),
            "intake_gymnasium": round_persons(float(gymnasium["intake"].sum())),
            "places_total": round_persons(float(planned["places"].sum())),
            "net_commuting": round_persons(float(members["net"].sum()))}


def _n(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0").replace("-", "−")


def area_summary_lines(figures: dict, area: PlanningArea) -> list[str]:
    """The key figures of :func:`area_key_figures` as Swedish sentences."""
    net = figures["net_commuting"]
    direction = "inpendling till" if net >= 0 else "utpendling från"
    return [
        f"Rekryteringsbehov i {area.name} {figures['period']}: {_n(figures['need_total'])} "
        f"personer, {_n(figures['need_per_year'])} per år.",
        f"Nybörjarplatser per år på gymnasiets yrkesprogram: {_n(figures['places_gymnasium'])}"
        f" (antagna i dag, uppskattat: {_n(figures['intake_gymnasium'])}); alla "
        f"yrkesutbildningar: {_n(figures['places_total'])}.",
        f"Nettopendling: {_n(abs(net))} personers {direction} området.",
    ]
