"""Tables of notebook 03 (tillgång): the labour force's age structure, retirements, people
entering and leaving working age, graduates, and the cohort-flow projection of supply set
against the breakdown of T&P's supply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share
from kompetens_lib.data.tables import load
from kompetens_lib.errors import InconsistentPopulationError, KompetensError
from kompetens_lib.methods.breakdown import (
    DEFAULT_DAMPING,
)
from kompetens_lib.methods.exits import EXIT_CAUSES, NET_OUT_MIGRATION, exit_hazards, exits
from kompetens_lib.methods.supply import (
    EXIT_AGE,
    GRADUATE_AGE_SHARES,
    check_exit_age,
    retirements,
    supply_projection,
)
from kompetens_lib.reference.regions import NATIONAL_CODE, region_name, resolve_region
from kompetens_lib.reference.taxonomy import (
    AGE_BANDS,
    FORM_LABELS,
    FORMS,
    education_groups,
)
from kompetens_lib.workbook.assumptions import check_net_migration, scenario_exit_age
from kompetens_lib.workbook.breakdown_tables import method_totals, method_values
from kompetens_lib.workbook.forecast import (
    DEFAULT_HORIZONS,
    forecast_base_year,
    horizons_within,
    resolve_target_year,
    round_persons,
    with_short_names,
)
from kompetens_lib.workbook.memo import warn_once
from kompetens_lib.workbook.params import scenario

__all__ = [
    "COHORT_VARIANTS",
    "employed_exits",
    "exit_assumptions",
    "entrants_and_leavers",
    "exits_summary",
    "graduates_by_form",
    "key_figure_labels_supply",
    "key_figures_supply",
    "projected_supply",
    "retirement_summary",
    "retirements_by_group",
    "supply_age_structure",
    "supply_comparison",
]



def supply_age_structure(region: object, year: int | None = None, source: Any = None
                         ) -> pd.DataFrame:
    """Age structure of the labour force (by residence) in the county and in Riket.

    Returns ``area``, ``age_band``, ``labour_force``, ``share`` (for
    :func:`kompetens_lib.present.charts.age_structure_chart`).
    """
    region, year, _, _, source = scenario(region, year, source=source)
    code = resolve_region(region)
    frame = load("labour_force", source)
    year = int(frame["year"].max()) if year is None else int(year)
    frame = frame[(frame["year"] == year) & frame["region"].isin([code, NATIONAL_CODE])]
    if frame.empty:
        raise KompetensError(f"Arbetskraften saknar året {year}.")
    ages = frame.groupby(["region", "age_band"], observed=True)["value"].sum().reset_index()
    ages["share"] = ages["value"] / ages.groupby("region")["value"].transform("sum")
    ages["area"] = ages["region"].map(region_name)
    ages["order"] = ages["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)})
    ages = ages.sort_values(["region", "order"], ascending=[False, True])
    return ages.rename(columns={"value": "labour_force"})[
        ["area", "age_band", "labour_force", "share"]].reset_index(drop=True)


def employed_exits(
    region: object,
    base_year: int,
    horizons: Sequence[int],
    *,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    net_out_migration: float = NET_OUT_MIGRATION,
    source: Any = None,
) -> pd.DataFrame:
    """Permanent exits of the county's employed by group and cause within each horizon
    (:func:`kompetens_lib.methods.exits.exits`); a distribution over exit ages
    (``{65: 0.5, 67: 0.5}``) weighs the exits of each age. Riket ("00") sums the counties.
    """
    code = resolve_region(region)
    chosen = scenario_exit_age(exit_age)
    ages = dict(chosen) if isinstance(chosen, Mapping) else {int(chosen): 1.0}
    employed = load("employed", source)
    if code != NATIONAL_CODE:
        employed = employed[employed["region"] == code]
    parts = []
    for age, weight in ages.items():
        hazards = exit_hazards(min(max(int(age), 62), 74), net_out_migration=net_out_migration)
        part = exits(employed, list(horizons), exit_age=min(max(int(age), 62), 74),
                     base_year=base_year, hazards=hazards)
        for column in (*EXIT_CAUSES, "value"):
            part[column] = part[column] * float(weight)
        parts.append(part)
    keys = ["region", "education_group", "horizon", "year"]
    out = pd.concat(parts).groupby(keys, observed=True, as_index=False)[
        [*EXIT_CAUSES, "value"]].sum()
    if code == NATIONAL_CODE:
        out = out.groupby(keys[1:], observed=True, as_index=False)[[*EXIT_CAUSES, "value"]].sum()
        out.insert(0, "region", pd.array([NATIONAL_CODE] * len(out), dtype="string"))
    out.attrs = {"base_year": int(base_year), "exit_age": chosen,
                 "net_out_migration": float(net_out_migration)}
    return out


def exit_assumptions(exit_age: int = EXIT_AGE, net_out_migration: float = NET_OUT_MIGRATION
                     ) -> pd.DataFrame:
    """The named exit assumptions with their values and sources, for notebooks 03 and 05:
    ``assumption``, ``value``, ``source`` (Swedish text)."""
    from kompetens_lib.methods.exits import MORTALITY, OTHER_EXIT_RATE, RETIREMENT_HAZARD

    h = exit_hazards(min(max(int(exit_age), 62), 74), net_out_migration=net_out_migration)
    h = h.set_index("age")
    rows = [
        ("Pensionsrisk per år vid utträdesåldern", f"{RETIREMENT_HAZARD['k']:.0%} vid "
         f"{exit_age} år, {RETIREMENT_HAZARD['after_k']:.0%} per år därefter, "
         f"{RETIREMENT_HAZARD['from_60']:.0%} per år från 60",
         "Pensionsmyndigheten: genomsnittlig utträdesålder ca 64,5–65 år; riktålder 66"),
        ("Dödsrisk per år", f"{h.loc[40, 'deaths']:.2%} vid 40, {h.loc[60, 'deaths']:.2%} vid "
         f"60, {h.loc[70, 'deaths']:.2%} vid 70 (a = {MORTALITY['a']:g}, b = {MORTALITY['b']:g})",
         "SCB:s livslängdstabeller, början av 2020-talet (avrundat)"),
        ("Andra permanenta avgångar per år", f"{OTHER_EXIT_RATE:.1%} före utträdesåldern",
         "Försäkringskassan: ca 15 000 nya sjukersättningar per år"),
        ("Nettoutflyttning av förvärvsarbetande per år", f"{float(net_out_migration):.1%}",
         "Antagande i scenariot (parametern net_out_migration)"),
    ]
    rows = [(a, v.replace(".", ",").replace("%", "\u00a0%"), src) for a, v, src in rows]
    return pd.DataFrame(rows, columns=["assumption", "value", "source"]).astype("string")


def exits_summary(
    region: object,
    *,
    base_year: int | None = None,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    net_out_migration: float = NET_OUT_MIGRATION,
    source: Any = None,
) -> pd.DataFrame:
    """Permanent exits of the county's employed within each horizon, by cause, all groups.

    Returns ``horizon``, ``horizon_label``, ``year``, the causes (``retirements``,
    ``deaths``, ``other_exits``, ``net_out_migration``), ``exits`` (their sum), ``employed``,
    ``share_employed`` and ``share_per_year`` (exits per year of the horizon as a share of
    the employed: close to each other for all horizons, since exits are spread by age).
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    chosen = horizons_within(base, horizons, source)
    rd = employed_exits(code, base, chosen, exit_age=exit_age,
                        net_out_migration=net_out_migration, source=source)
    out = rd.groupby(["horizon", "year"], observed=True)[[*EXIT_CAUSES, "value"]].sum()
    out = out.reset_index().rename(columns={"value": "exits"})
    employed = load("employed", source)
    total = float(employed.loc[(employed["region"] == code) & (employed["year"] == base),
                               "value"].sum())
    out["employed"] = total
    out["share_employed"] = out["exits"] / total if total else np.nan
    out["share_per_year"] = out["share_employed"] / out["horizon"]
    out.insert(1, "horizon_label", out["horizon"].map(_horizon_label).astype("string"))
    return out


def _horizon_label(h: int) -> str:
    return f"Inom {h} år"


def retirement_summary(
    region: object,
    *,
    base_year: int | None = None,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    source: Any = None,
) -> pd.DataFrame:
    """Retirements among the county's employed within each horizon, all groups together.

    The simple step rule of :func:`kompetens_lib.retirements` (everyone reaching the exit
    age within the horizon, those past it at once), as exercise 4 computes it by hand.
    The notebooks and the need use :func:`exits_summary`, which spreads exits over the
    horizon by a hazard per year of age.

    Returns ``horizon``, ``horizon_label``, ``year``, ``retirements`` (cumulative persons),
    ``employed`` (base year) and ``share_employed``.
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    chosen = horizons_within(base, horizons, source)
    employed = load("employed", source)
    employed = employed[employed["region"] == code]
    rd = retirements(employed, chosen, exit_age=scenario_exit_age(exit_age), base_year=base)
    out = rd.groupby(["horizon", "year"], observed=True)["value"].sum().reset_index()
    total = float(employed.loc[employed["year"] == base, "value"].sum())
    out = out.rename(columns={"value": "retirements"})
    out["employed"] = total
    out["share_employed"] = out["retirements"] / total if total else np.nan
    out.insert(1, "horizon_label", out["horizon"].map(_horizon_label).astype("string"))
    return out


def retirements_by_group(
    region: object,
    *,
    base_year: int | None = None,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    source: Any = None,
    n: int = 12,
) -> pd.DataFrame:
    """Retirements per group within each horizon for the ``n`` groups losing most people.

    Returns ``education_group``, ``short_name``, ``horizon``, ``horizon_label``, ``value``
    and ``employed`` (the group's employed in the base year), ordered by the longest
    horizon, largest first.
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    chosen = horizons_within(base, horizons, source)
    employed = load("employed", source)
    employed = employed[employed["region"] == code]
    rd = retirements(employed, chosen, exit_age=scenario_exit_age(exit_age), base_year=base)
    longest = rd[rd["horizon"] == chosen[-1]].nlargest(n, "value")
    order = longest["education_group"].tolist()
    out = rd[rd["education_group"].isin(order)].copy()
    out["order"] = out["education_group"].map({g: i for i, g in enumerate(order)})
    out = out.sort_values(["order", "horizon"]).drop(columns="order")
    stock = employed[employed["year"] == base].groupby("education_group", observed=True)[
        "value"].sum()
    out["employed"] = out["education_group"].map(stock).astype(float)
    out["horizon_label"] = out["horizon"].map(_horizon_label).astype("string")
    out = with_short_names(out)
    return out[["education_group", "short_name", "horizon", "horizon_label", "value",
                "employed"]].reset_index(drop=True)


def _band_of(age: int) -> tuple[str, int]:
    for band in AGE_BANDS:
        lo, _, hi = band.partition("-")
        if int(lo) <= age <= int(hi):
            return band, int(hi) - int(lo) + 1
    raise KompetensError(
        f"Utträdesåldern {age} ligger utanför åldersgrupperna 16–74 år; ange en ålder mellan "
        "17 och 75."
    )


def entrants_and_leavers(
    region: object, *, exit_age: int = EXIT_AGE, source: Any = None
) -> pd.DataFrame:
    """People reaching working age (16) and the exit age per year, from the population.

    Estimated from the ten-year bands: those turning 16 next year ≈ population 0–15 ÷ 16;
    those reaching ``exit_age`` ≈ the band holding ``exit_age − 1`` ÷ its width. The
    population table's projection years are flagged. Returns ``year``, ``kind``
    ("Fyller 16 år", "Fyller 66 år"), ``value``, ``projection``.
    """
    region, _, _, _, source = scenario(region, source=source)
    code = resolve_region(region)
    exit_age = check_exit_age(exit_age)
    band, width = _band_of(exit_age - 1)
    pop = load("population", source)
    pop = pop[pop["region"] == code]
    wide = pop.pivot_table(index="year", columns="age_band", values="value", aggfunc="sum")
    projection = pop.groupby("year")["projection"].max()
    young = wide["0-15"] / 16.0
    old = wide[band] / float(width)
    rows = []
    for label, series in ((("Fyller 16 år"), young), (f"Fyller {int(exit_age)} år", old)):
        part = series.rename("value").reset_index()
        part["kind"] = label
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["projection"] = out["year"].map(projection).astype(bool)
    out["year"] = out["year"].astype("int64")
    out["kind"] = out["kind"].astype("string")
    return out[["year", "kind", "value", "projection"]]


def graduates_by_form(region: object, source: Any = None) -> pd.DataFrame:
    """Graduates per year in the county by form of education.

    Returns ``year``, ``form``, ``form_label`` (Swedish), ``value`` (persons).
    """
    region, _, _, _, source = scenario(region, source=source)
    code = resolve_region(region)
    grads = load("graduates", source)
    grads = grads[grads["region"] == code]
    out = grads.groupby(["year", "form"], observed=True)["value"].sum().reset_index()
    out["form_label"] = out["form"].map(FORM_LABELS).astype("string")
    order = {f: i for i, f in enumerate(FORMS)}
    out = out.sort_values(["year", "form"], key=lambda s: s.map(order) if s.name == "form"
                          else s).reset_index(drop=True)
    return out[["year", "form", "form_label", "value"]]


def _net_migration_flows(
    labour_force: pd.DataFrame, code: str, base: int, rate: float
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """In- or out-movers per year as ``rate`` × the base-year labour force, spread like it."""
    if rate == 0:
        return None, None
    base_lf = labour_force[(labour_force["region"] == code) & (labour_force["year"] == base)]
    flow = base_lf[["region", "education_group", "age_band"]].copy()
    flow["value"] = base_lf["value"].to_numpy(dtype=float) * abs(rate)
    return (flow, None) if rate > 0 else (None, flow)


def _further_educated(
    graduates: pd.DataFrame, labour_force: pd.DataFrame, code: str, base: int,
    flow_years: int, stay_share: float,
) -> pd.DataFrame | None:
    """People leaving their old group when they graduate into a new one (approximation).

    Komvux graduates leave the compulsory-school groups; YH and university graduates leave
    the upper-secondary groups, spread over age bands like the graduates of their form and
    over the groups like the base-year labour force. Upper-secondary pupils are not
    removed: new 16-year-olds are not added either, and the two roughly cancel.
    """
    levels = education_groups().set_index("code")["level"].astype(str)
    grads = graduates[(graduates["region"] == code)
                      & graduates["year"].between(base - flow_years + 1, base)]
    per_form = grads.groupby("form", observed=True)["value"].sum() / float(flow_years)
    lf = labour_force[(labour_force["region"] == code) & (labour_force["year"] == base)]
    lf = lf.assign(level=lf["education_group"].map(levels))
    parts = []
    for forms, level in ((("komvux",), "förgymnasial"), (("yh", "högskola"), "gymnasial")):
        pool = lf[lf["level"] == level]
        for form in forms:
            count = float(per_form.get(form, 0.0)) * stay_share
            if count <= 0 or pool.empty:
                continue
            for band, share in GRADUATE_AGE_SHARES[form].items():
                in_band = pool[pool["age_band"] == band]
                total = float(in_band["value"].sum())
                if total <= 0:
                    continue
                part = in_band[["region", "education_group", "age_band"]].copy()
                # Never take more than 10 % of a cell a year: small groups must not empty.
                part["value"] = np.minimum(
                    in_band["value"].to_numpy(float) / total * count * share,
                    0.1 * in_band["value"].to_numpy(float),
                )
                parts.append(part)
    if not parts:
        return None
    out = pd.concat(parts, ignore_index=True)
    return out.groupby(["region", "education_group", "age_band"], observed=True,
                       as_index=False)["value"].sum()


def projected_supply(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    graduate_stay_share: float = 0.8,
    net_migration: float = 0.0,
    remove_further_educated: bool = False,
    source: Any = None,
    participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cohort-flow projection of the county's labour supply by group (notebook 03).

    Calls :func:`kompetens_lib.supply_projection` for the county with participation from
    the population table, graduates (mean of the last three years, ``graduate_stay_share``
    of them staying), optional net migration (``net_migration`` per year as a share of the
    base-year labour force: positive in-movers, negative out-movers) and, with
    ``remove_further_educated``, graduates leaving their old group (see
    :func:`_further_educated`). ``participation_change`` (percentage points by the target
    year, for ``participation_bands``, default every band) is the participation scenario of
    :func:`kompetens_lib.methods.supply.supply_projection`. Returns ``region``,
    ``education_group``, ``year``, ``value``.
    """
    region, base_year, target_year, _, source = scenario(
        region, base_year, target_year, source=source
    )
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    stay = check_share(graduate_stay_share, "graduate_stay_share")
    rate = check_net_migration(net_migration)
    lf_all = load("labour_force", source)
    lf = lf_all[lf_all["region"] == code]
    pop = load("population", source)
    grads = load("graduates", source)
    grads_county = grads[grads["region"] == code]
    unknown = sorted(set(grads_county["education_group"]) - set(lf["education_group"]))
    if unknown:
        warn_once(f"Examinerade i utbildningsgrupper som saknas i arbetskraften räknas inte i "
                   f"kohortmodellen: {', '.join(unknown)}.")
        grads_county = grads_county[~grads_county["education_group"].isin(unknown)]
    in_movers, out_movers = _net_migration_flows(lf, code, base, rate)
    # The graduate flow is the mean of the last three years, or of as many as there are.
    have = {int(y) for y in grads_county["year"].unique()}
    flow_years = 0
    while flow_years < 3 and base - flow_years in have:
        flow_years += 1
    if flow_years == 0:
        warn_once(f"Examinerade saknas för län {code} fram till {base}; kohortmodellen "
                   "räknar utan examinerade.")
        grads_county = None
    further = (_further_educated(grads_county, lf, code, base, flow_years, stay)
               if remove_further_educated and grads_county is not None else None)
    options = {"base_year": base, "graduates": grads_county, "graduate_stay_share": stay,
                   "in_movers": in_movers, "out_movers": out_movers, "further_educated": further,
                   "flow_years": max(flow_years, 1),
                   "participation_change": participation_change,
                   "participation_bands": participation_bands}
    try:
        out = supply_projection(lf, target - base, population=pop[pop["region"] == code],
                                **options)
    except InconsistentPopulationError as exc:
        # Population and labour force that do not fit together should not stop the lesson:
        # say so, and use rounded national participation rates instead.
        warn_once(f"{exc} Kohortmodellen använder i stället avrundade riksnivåer för "
                   "förvärvsfrekvensen.")
        out = supply_projection(lf, target - base, **options)
    out.attrs.update({"graduate_stay_share": stay, "net_migration": rate,
                      "participation_change": float(out.attrs["participation_change"]),
                      "remove_further_educated": bool(remove_further_educated)})
    return out


#: The two cohort-flow variants shown side by side: the projection cannot know which group
#: a graduate leaves, so the truth lies between counting graduates twice and moving them.
COHORT_VARIANTS: dict[str, tuple[str, bool]] = {
    "cohort_high": ("Kohortmodell, övre: examinerade räknas i både ny och gammal grupp", False),
    "cohort_low": ("Kohortmodell, nedre: examinerade lämnar sin gamla grupp", True),
}


def supply_comparison(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    graduate_stay_share: float = 0.8,
    net_migration: float = 0.0,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """County supply per year by the T&P breakdown and by the cohort-flow projection.

    Returns ``year``, ``tp_min``, ``tp_median``, ``tp_max`` (the breakdown of T&P's supply
    over the four methods) and ``cohort_high``, ``cohort_low`` (:func:`projected_supply`
    without and with graduates leaving their old group), all as an index with the base
    year = 100: the two sources do not count exactly the same people, so their levels
    differ and only their development is compared. ``attrs["persons"]`` holds the same
    columns in persons (a dict of lists); ``attrs["labels"]`` Swedish labels of the lines.
    """
    region, base_year, target_year, _, source = scenario(
        region, base_year, target_year, source=source
    )
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    totals = method_totals(method_values(code, "supply", base_year=base, source=source,
                                         damping=damping))
    persons = totals.groupby("year")["value"].agg(["min", "median", "max"])
    persons.columns = ["tp_min", "tp_median", "tp_max"]
    persons = persons.loc[base:target]
    for column, (_, remove) in COHORT_VARIANTS.items():
        projection = projected_supply(
            code, base_year=base, target_year=target, graduate_stay_share=graduate_stay_share,
            net_migration=net_migration, remove_further_educated=remove, source=source,
            participation_change=participation_change, participation_bands=participation_bands)
        persons[column] = projection.groupby("year")["value"].sum()
    index = persons / persons.loc[base] * 100.0
    out = index.reset_index()
    # Plain lists, not a frame: pandas compares attrs when frames are combined.
    out.attrs = {"persons": persons.reset_index().to_dict("list"), "base_year": base,
                 "target_year": target,
                 "labels": {"tp_median": "Nedbrytning av T&P, median av metoderna",
                            **{k: v[0] for k, v in COHORT_VARIANTS.items()}}}
    return out


def key_figures_supply(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    graduate_stay_share: float = 0.8,
    net_migration: float = 0.0,
    source: Any = None,
    participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> dict:
    """Key figures of notebook 03 (section "tillgang") as plain JSON values.

    ``share_supply_change_projection`` and ``share_supply_change_breakdown`` are the change in
    supply from the base year to the target year (share, low–high) by the cohort-flow projection
    and by the breakdown of T&P.
    """
    region, base_year, target_year, _, source = scenario(
        region, base_year, target_year, source=source
    )
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    # Retirements as in the need and the brief: spread over the horizon by age.
    summary = exits_summary(code, base_year=base, exit_age=exit_age, source=source)
    summary = summary.assign(share_employed=summary["retirements"] / summary["employed"])
    lf = load("labour_force", source)
    lf_total = float(lf[(lf["region"] == code) & (lf["year"] == base)]["value"].sum())
    grads = graduates_by_form(code, source)
    recent = grads[grads["year"] > base - 3].groupby("form")["value"].mean()
    flows = load("commuting", source)
    flows = flows[(flows["region"] == code) & (flows["year"] == base)].set_index("direction")[
        "value"]
    comparison = supply_comparison(code, base_year=base, target_year=target,
                                   graduate_stay_share=graduate_stay_share,
                                   net_migration=net_migration, source=source,
                                   participation_change=participation_change,
                                   participation_bands=participation_bands)
    at_target = comparison.set_index("year").loc[target] / 100.0 - 1.0
    figures: dict[str, Any] = {
        "region": code,
        "region_name": region_name(code),
        "base_year": base,
        "target_year": target,
        "labour_force_base": round_persons(lf_total),
    }
    for row in summary.itertuples():
        figures[f"retirements_{int(row.horizon)}"] = round_persons(row.retirements)
    longest = summary.iloc[-1]
    figures[f"share_retiring_{int(longest.horizon)}"] = round(float(longest.share_employed), 4)
    figures["graduates_per_year"] = {
        FORM_LABELS[f]: round_persons(recent.get(f, 0.0)) for f in FORMS
    }
    figures["net_commuting"] = round_persons(float(flows.get("in", 0)) - float(flows.get("ut", 0)))
    cohort = sorted([float(at_target["cohort_low"]), float(at_target["cohort_high"])])
    figures["share_supply_change_projection"] = {"lägst": round(cohort[0], 3),
                                                 "högst": round(cohort[1], 3)}
    figures["share_supply_change_breakdown"] = {"lägst": round(float(at_target["tp_min"]), 3),
                                                "högst": round(float(at_target["tp_max"]), 3)}
    figures["graduate_stay_share"] = float(graduate_stay_share)
    figures["net_migration_share"] = float(net_migration)
    figures["participation_change"] = float(participation_change)
    return figures


def key_figure_labels_supply(figures: Mapping[str, Any]) -> dict[str, str]:
    """Swedish labels for :func:`key_figures_supply`, with the horizons it holds."""
    labels = {"labour_force_base": f"Arbetskraft basåret {figures.get('base_year', '')}"}
    for key in figures:
        if key.startswith("retirements_"):
            labels[key] = f"Pensionsavgångar inom {key.split('_')[1]} år"
        elif key.startswith("share_retiring_"):
            labels[key] = f"Andel av de förvärvsarbetande som går i pension inom " \
                          f"{key.split('_')[2]} år"
    target = figures.get("target_year", "")
    labels.update({
        "graduates_per_year": "Examinerade per år (snitt senaste tre åren)",
        "net_commuting": "Nettoinpendling (inpendlare − utpendlare)",
        "share_supply_change_projection": f"Förändring av tillgången till {target}, "
                                          "kohortmodellen (lägst–högst)",
        "share_supply_change_breakdown": f"Förändring av tillgången till {target}, "
                                         "nedbrytning av T&P (lägst–högst)",
        "graduate_stay_share": "Antagande: andel examinerade som stannar i länet",
        "net_migration_share": "Antagande: nettoinflyttning per år, andel av arbetskraften",
        "participation_change": "Antagande: förändrat arbetskraftsdeltagande till målåret, "
                                "procentenheter",
    })
    return labels
