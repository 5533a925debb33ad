"""Tables of notebook 04 (efterfrågan och balans): the change in demand, supply against
demand and the judgement per group, by the chosen method and by every method."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.balance import DEFAULT_THRESHOLDS, balance_on_workplace_basis
from kompetens_lib.methods.breakdown import (
    COMPARED_METHODS,
    DEFAULT_DAMPING,
    METHOD_LABELS,
    METHODS,
    resolve_method,
)
from kompetens_lib.methods.supply import check_participation_change
from kompetens_lib.reference.regions import COUNTY_CODES, region_name, resolve_region
from kompetens_lib.reference.taxonomy import (
    JUDGEMENTS,
    NOT_APPLICABLE,
    education_groups,
    resolve_group,
)
from kompetens_lib.workbook.assumptions import check_net_migration
from kompetens_lib.workbook.breakdown_tables import method_values
from kompetens_lib.workbook.forecast import (
    base_judgements,
    forecast_base_year,
    group_short_names,
    national_forecast,
    resolve_target_year,
    round_persons,
    with_short_names,
)
from kompetens_lib.workbook.memo import balance_all, breakdown_all, memoised
from kompetens_lib.workbook.params import BASES, scenario
from kompetens_lib.workbook.supply_tables import COHORT_VARIANTS, projected_supply

__all__ = [
    "BASES",
    "KEY_FIGURE_LABELS_BALANCE",
    "SHORTAGE",
    "SHORTAGE_WORDS",
    "net_commuting_by_group",
    "regional_balance_all",
    "regional_supply_all",
    "workplace_balance",
    "shortage_count",
    "balance_table",
    "county_balance",
    "demand_change",
    "judgement_count_table",
    "judgement_counts",
    "judgements_by_method",
    "key_figures_balance",
]


#: The judgements that count as shortage (SCB's words, tightest first).
SHORTAGE_WORDS: tuple[str, ...] = tuple(JUDGEMENTS[:3])
#: The judgements counted in the key figure "groups in shortage" (brief, notebooks 04–06).
SHORTAGE: tuple[str, ...] = ("stor brist", "brist")


def _basis(basis: object) -> str:
    if basis not in BASES:
        raise KompetensError(
            f"basis ska vara 'workplace' (tillgång efter arbetsställe: länets egen "
            f"kohortmodell plus nettoinpendling) eller 'breakdown' (båda sidor nedbrutna från "
            f"T&P); fick {basis!r}."
        )
    return str(basis)


def net_commuting_by_group(base: int, source: Any = None) -> pd.DataFrame:
    """Net in-commuting (in-commuters − out-commuters) per county in the base year, spread
    over the groups like the county's employed by workplace: ``region``,
    ``education_group``, ``value`` (persons). Sums to 0 over the counties when in- and
    out-commuting balance nationally."""
    flows = load("commuting", source)
    flows = flows[(flows["year"] == base) & (flows["region"] != "00")]
    wide = flows.pivot_table(index="region", columns="direction", values="value",
                             aggfunc="sum", observed=True)
    net = wide.get("in", 0.0) - wide.get("ut", 0.0)
    employed = load("employed", source)
    employed = employed[(employed["year"] == base) & (employed["region"] != "00")]
    per_group = employed.groupby(["region", "education_group"], observed=True)["value"].sum()
    share = per_group / per_group.groupby(level="region").transform("sum")
    out = share.reset_index(name="share")
    out["value"] = out["share"] * out["region"].map(net).fillna(0.0).astype(float)
    # Commuters cross county borders, so each group's net commuting sums to 0 over the
    # counties: take the group's national excess from the counties in proportion to size.
    size = out["value"].abs()
    excess = out.groupby("education_group", observed=True)["value"].transform("sum")
    weight = size / size.groupby(out["education_group"], observed=True).transform("sum")
    out["value"] = out["value"] - excess * weight.fillna(0.0)
    return out[["region", "education_group", "value"]]


def _cohort_supply(base: int, target: int, source: Any, net_migration: float,
                   participation_change: float,
                   participation_bands: tuple[str, ...] | None) -> pd.DataFrame:
    """Every county's own cohort-flow supply (the mean of the two variants), memoised."""
    def compute() -> pd.DataFrame:
        parts = []
        for code in COUNTY_CODES:
            runs = [projected_supply(code, base_year=base, target_year=target,
                                     remove_further_educated=remove, source=source,
                                     net_migration=net_migration,
                                     participation_change=participation_change,
                                     participation_bands=participation_bands)
                    .set_index(["region", "education_group", "year"])["value"]
                    for _, remove in COHORT_VARIANTS.values()]
            parts.append((sum(runs) / len(runs)).rename("value").reset_index())
        return pd.concat(parts, ignore_index=True)

    key = ("cohort_supply_raw", base, target, float(net_migration), float(participation_change),
           participation_bands)
    return memoised(key, source, compute)


def _scenario_key(net_migration: object, participation_change: object,
                  participation_bands: object) -> tuple[float, float, tuple[str, ...] | None]:
    bands = None if participation_bands is None else tuple(
        [participation_bands] if isinstance(participation_bands, str) else participation_bands)
    return (check_net_migration(net_migration), check_participation_change(participation_change),
            bands)


def regional_supply_all(
    base: int, target: int, source: Any = None, *, net_migration: float = 0.0,
    participation_change: float = 0.0, participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every county's supply by residence from its own cohort flow (memoised).

    ``S[r, g, t] = S_N[g, t] · CF[r, g, t] / Σ_r' CF0[r', g, t]``: T&P's national supply of
    the group shared over the counties by their own cohort-flow projections (ages,
    graduates, migration and exits; the mean of the two variants of notebook 03: graduates
    counted in both groups, and moved). In the base year that is the counties' labour
    force, as the fixed share; later a county whose cohort flow grows slower than the
    others' gets a smaller share of the national supply, and its judgement moves towards
    shortage. ``CF0`` is the cohort flow without a scenario, ``CF`` with the scenario's
    ``net_migration`` (yearly share of the labour force) and ``participation_change``
    (percentage points by the target year for ``participation_bands``, default every age
    band) in every county: without a scenario the counties add up to T&P's national supply;
    with one, the nation moves by the scenario's effect in the counties' cohort flows.
    Returns ``region``, ``education_group``, ``year``, ``value``.
    """
    migration, change, bands = _scenario_key(net_migration, participation_change,
                                             participation_bands)

    def compute() -> pd.DataFrame:
        plain = _cohort_supply(base, target, source, 0.0, 0.0, None)
        out = (plain if (migration, change) == (0.0, 0.0)
               else _cohort_supply(base, target, source, migration, change, bands))
        # Without a scenario the counties add up to T&P's national supply per group and
        # year: the cohort flow says how a county develops against the others, T&P how the
        # nation does. A scenario scales by the same factor, so it moves the nation too.
        national = national_forecast(source).set_index(["education_group", "year"])["supply"]
        total = plain.groupby(["education_group", "year"], observed=True)["value"].sum()
        keys = pd.MultiIndex.from_frame(out[["education_group", "year"]])
        wanted = keys.map(national).to_numpy(dtype=float)
        have = keys.map(total).to_numpy(dtype=float)
        factor = pd.Series(wanted / have)
        out = out.copy()
        out["value"] = out["value"] * factor.where(factor.notna() & (have > 0),
                                                   1.0).to_numpy()
        return out

    return memoised(("cohort_supply", base, target, migration, change, bands), source, compute)


def workplace_balance(
    demand: pd.DataFrame, base: int, target: int, source: Any = None,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS, *, net_migration: float = 0.0,
    participation_change: float = 0.0, participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every county's balance on the workplace basis against a given ``demand`` (every
    county, tidy ``region``, ``education_group``, ``year``, ``value``; Riket's rows are
    ignored): the county's own supply, net in-commuting and the national base-year
    judgements as in :func:`regional_balance_all`, which is this function on the demand
    breakdown. Not memoised: an establishment layer on the demand goes through here."""
    demand = demand[demand["region"] != "00"]
    supply = regional_supply_all(base, target, source, net_migration=net_migration,
                                 participation_change=participation_change,
                                 participation_bands=participation_bands)
    national = national_forecast(source)
    national = national[national["year"] == base].drop(columns="judgement")
    start = base_judgements(national_forecast(source), base)
    if len(start):
        national = national.merge(start[["education_group", "judgement"]],
                                  on="education_group", how="left")
    return balance_on_workplace_basis(supply, demand, national,
                                      net_commuting_by_group(base, source),
                                      base_year=base, thresholds=thresholds)


def regional_balance_all(
    base: int, target: int, method: str, source: Any = None,
    damping: float = DEFAULT_DAMPING, thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    *, net_migration: float = 0.0, participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every county's balance on the workplace basis (memoised): the county's own supply
    (:func:`regional_supply_all`) plus net in-commuting (:func:`net_commuting_by_group`)
    against the demand breakdown by ``method``; judgements from
    :func:`kompetens_lib.methods.balance.balance_on_workplace_basis`. ``net_migration``,
    ``participation_change`` and ``participation_bands`` are the supply scenario of
    :func:`regional_supply_all`."""
    migration, change, bands = _scenario_key(net_migration, participation_change,
                                             participation_bands)

    def compute() -> pd.DataFrame:
        demand = breakdown_all("demand", method, base, source, damping)
        return workplace_balance(demand, base, target, source, thresholds,
                                 net_migration=migration, participation_change=change,
                                 participation_bands=bands)

    key = ("balance", "workplace", method, base, target, float(damping),
           tuple(float(t) for t in thresholds), migration, change, bands)
    return memoised(key, source, compute)


def demand_change(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    n: int = 15,
) -> pd.DataFrame:
    """Change in demand from the base year to the target year per group, with the range.

    Returns ``education_group``, ``short_name``, ``base``, ``target``, ``change`` (chosen
    method) and ``change_min``/``change_max`` (over the methods compared, the industry-based
    one included), for the ``n`` groups
    with the largest absolute change, largest first.
    """
    region, base_year, target_year, method, source = scenario(
        region, base_year, target_year, method, source
    )
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    values = method_values(code, "demand", base_year=base, source=source, damping=damping)
    wide = values[values["year"].isin([base, target])].pivot_table(
        index=["education_group", "short_name"], columns=["method", "year"], values="value",
        aggfunc="sum", observed=True,
    )
    compared = [m for m in COMPARED_METHODS if m in set(values["method"])]
    changes = pd.DataFrame({m: wide[(m, target)] - wide[(m, base)] for m in compared})
    out = pd.DataFrame({
        "base": wide[(chosen, base)],
        "target": wide[(chosen, target)],
        "change": changes[chosen],
        "change_min": changes.min(axis=1),
        "change_max": changes.max(axis=1),
    }).reset_index()
    out = out.loc[out["change"].abs().nlargest(n).index].sort_values("change", ascending=False)
    out["short_name"] = out["short_name"].astype("string")
    return out.reset_index(drop=True)


def balance_table(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    basis: str = "workplace",
    net_migration: float = 0.0,
    participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Supply, demand and the judgement per group in the county, base year and target year.

    Returns ``education_group``, ``short_name``, ``level``, ``supply``, ``demand``,
    ``balance`` (S − D), ``ratio`` (100 · S/D), ``change``, ``judgement_base`` and
    ``judgement`` (target year), and with ``basis="workplace"`` (default) also
    ``supply_residence`` and ``net_commuting`` (supply = supply by residence + net
    in-commuting), sorted from the tightest judgement to the loosest, larger demand first.

    ``basis="workplace"``: the county's own cohort-flow supply on the workplace basis
    against the demand breakdown (:func:`regional_balance_all`); ``change`` is the county's
    S/D against the nation's base-year S/D. ``basis="breakdown"``: both sides broken down
    by the method, ``change`` the relative change of S/D since the base year (see
    :func:`kompetens_lib.methods.balance.balance`). ``net_migration`` and
    ``participation_change`` (with ``participation_bands``) are the supply scenario of
    :func:`regional_supply_all`; they move the county's own cohort flow, so they apply to
    the workplace basis only (a Swedish error says so for the breakdown basis).
    """
    region, base_year, target_year, method, source = scenario(
        region, base_year, target_year, method, source
    )
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    if _basis(basis) == "workplace":
        full = regional_balance_all(base, target, chosen, source, damping, thresholds,
                                    net_migration=net_migration,
                                    participation_change=participation_change,
                                    participation_bands=participation_bands)
    else:
        if _scenario_key(net_migration, participation_change, None)[:2] != (0.0, 0.0):
            raise KompetensError(
                "net_migration och participation_change flyttar länets egen kohortmodell och "
                "gäller därför bara basis = 'workplace'. Sätt dem till 0 för basis = "
                "'breakdown', eller välj basis = 'workplace'.")
        full = balance_all(base, chosen, source, damping, thresholds)
    county = full[full["region"] == code]
    start = county[county["year"] == base].set_index("education_group")["judgement"]
    out = county[county["year"] == target].copy()
    out["judgement_base"] = out["education_group"].map(start).astype("string")
    out = with_short_names(out)
    levels = education_groups().set_index("code")["level"]
    out.insert(2, "level", out["education_group"].map(levels).astype("string"))
    rank = {j: i for i, j in enumerate([*JUDGEMENTS, NOT_APPLICABLE])}
    out["_rank"] = out["judgement"].map(rank)
    out = out.sort_values(["_rank", "demand"], ascending=[True, False]).drop(columns="_rank")
    extra = ["supply_residence", "net_commuting"] if basis == "workplace" else []
    out = out[["education_group", "short_name", "level", "supply", *extra, "demand", "balance",
               "ratio", "change", "judgement_base", "judgement"]].reset_index(drop=True)
    out.attrs = {"region": code, "base_year": base, "target_year": target, "method": chosen,
                 "thresholds": tuple(float(t) for t in thresholds), "basis": basis,
                 "net_migration": float(net_migration),
                 "participation_change": float(participation_change)}
    return out


def judgements_by_method(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    net_migration: float = 0.0,
    participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The target-year judgement of every group by each of the four methods.

    Returns ``education_group``, ``short_name``, ``demand`` (median over the methods), one
    column per method (named by its Swedish label) and ``disagree`` (the methods give
    different words), groups that disagree first, then by demand. The county's supply is
    its own cohort flow under every method (with the supply scenario of
    :func:`balance_table`); the methods differ in the demand.
    """
    region, base_year, target_year, _, source = scenario(
        region, base_year, target_year, source=source
    )
    code = resolve_region(region)
    tables = {m: balance_table(code, base_year=base_year, target_year=target_year, method=m,
                               source=source, damping=damping, thresholds=thresholds,
                               net_migration=net_migration,
                               participation_change=participation_change,
                               participation_bands=participation_bands)
              .set_index("education_group") for m in METHODS}
    first = tables[METHODS[0]]
    out = pd.DataFrame({"short_name": first["short_name"]})
    out["demand"] = pd.concat([t["demand"] for t in tables.values()], axis=1).median(axis=1)
    for m, table in tables.items():
        out[METHOD_LABELS[m]] = table["judgement"].reindex(out.index)
    labels = [METHOD_LABELS[m] for m in METHODS]
    out["disagree"] = out[labels].nunique(axis=1) > 1
    out = out.sort_values(["disagree", "demand"], ascending=[False, False]).reset_index()
    out.attrs = {"region": code, "methods": labels}
    return out


def judgement_counts(table: pd.DataFrame, column: str = "judgement") -> dict[str, int]:
    """Number of groups per judgement, from the tightest to the loosest (zeros left out)."""
    counts = table[column].value_counts()
    return {j: int(counts[j]) for j in [*JUDGEMENTS, NOT_APPLICABLE] if j in counts}


def judgement_count_table(table: pd.DataFrame) -> pd.DataFrame:
    """Groups per judgement in the base year and the target year, the whole scale in order.

    Returns ``judgement``, ``groups_base``, ``groups_target`` (from :func:`balance_table`).
    """
    base = judgement_counts(table, "judgement_base")
    target = judgement_counts(table)
    words = [*JUDGEMENTS, NOT_APPLICABLE]
    return pd.DataFrame({
        "judgement": pd.array(words, dtype="string"),
        "groups_base": [base.get(w, 0) for w in words],
        "groups_target": [target.get(w, 0) for w in words],
    })


def county_balance(
    group: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str = "fixed_share",
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    basis: str = "workplace",
) -> pd.DataFrame:
    """One group in all 21 counties in the target year (for the county map), on the
    ``basis`` of :func:`balance_table`.

    Returns ``region``, ``name``, ``supply``, ``demand``, ``balance``, ``ratio``,
    ``judgement``. ``attrs`` holds the group's code and short name.
    """
    code = resolve_group(group)
    chosen = resolve_method(method)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    if _basis(basis) == "workplace":
        full = regional_balance_all(base, target, chosen, source, damping, thresholds)
    else:
        full = balance_all(base, chosen, source, damping, thresholds)
    out = full[(full["education_group"] == code) & (full["year"] == target)
               & full["region"].isin(COUNTY_CODES)].copy()
    out.insert(1, "name", out["region"].map(region_name).astype("string"))
    out = out[["region", "name", "supply", "demand", "balance", "ratio", "judgement"]]
    out.attrs = {"group": code, "short_name": str(group_short_names()[code]), "base_year": base,
                 "target_year": target, "method": chosen}
    return out.reset_index(drop=True)


def key_figures_balance(table: pd.DataFrame, *, n: int = 5) -> dict:
    """Key figures of notebook 04 (section "balans") from :func:`balance_table`.

    ``judgements_target`` counts the groups per judgement in the target year;
    ``shortage_groups`` and ``surplus_groups`` list the ``n`` largest groups (by demand) at
    the tight and the loose end; ``tighter_groups`` counts groups moved towards shortage.
    """
    attrs = table.attrs
    code = attrs.get("region", "")
    shortage = table[table["judgement"].isin(JUDGEMENTS[:3])].nlargest(n, "demand")
    surplus = table[table["judgement"].isin(JUDGEMENTS[4:])].nlargest(n, "demand")
    rank = {j: i for i, j in enumerate(JUDGEMENTS)}
    start = table["judgement_base"].map(rank)
    end = table["judgement"].map(rank)
    both = start.notna() & end.notna()
    return {
        "region": code,
        "region_name": region_name(code) if code else "",
        "base_year": attrs.get("base_year"),
        "target_year": attrs.get("target_year"),
        "method": attrs.get("method"),
        "shortage_group_count": shortage_count(table),
        "net_commuting_target": round_persons(table["net_commuting"].sum())
        if "net_commuting" in table else 0,
        "supply_target": round_persons(table["supply"].sum()),
        "demand_target": round_persons(table["demand"].sum()),
        "balance_target": round_persons(table["balance"].sum()),
        "judgements_base": judgement_counts(table, "judgement_base"),
        "judgements_target": judgement_counts(table),
        "tighter_groups": int((end[both] < start[both]).sum()),
        "looser_groups": int((end[both] > start[both]).sum()),
        "shortage_groups": [{"group": str(r.short_name), "judgement": str(r.judgement)}
                            for r in shortage.itertuples()],
        "surplus_groups": [{"group": str(r.short_name), "judgement": str(r.judgement)}
                           for r in surplus.itertuples()],
    }


def shortage_count(balance: pd.DataFrame) -> int:
    """Groups judged *stor brist* or *brist* in :func:`balance_table`'s target year: the
    one definition of "groups in shortage" (brief, key figures, notebook 04)."""
    return int(balance["judgement"].isin(SHORTAGE).sum())


KEY_FIGURE_LABELS_BALANCE: dict[str, str] = {
    "shortage_group_count": "Antal utbildningsgrupper med brist eller stor brist målåret",
    "net_commuting_target": "varav nettoinpendling (ingår i tillgången)",
    "supply_target": "Tillgång målåret där folk arbetar, alla grupper",
    "demand_target": "Efterfrågan målåret, alla grupper",
    "balance_target": "Tillgång − efterfrågan målåret",
    "judgements_base": "Antal grupper per bedömning, basåret",
    "judgements_target": "Antal grupper per bedömning, målåret",
    "tighter_groups": "Grupper som går mot brist",
    "looser_groups": "Grupper som går mot överskott",
    "shortage_groups": "Största grupperna med brist målåret",
    "surplus_groups": "Största grupperna med överskott målåret",
}


def prime(source: Any = None) -> None:
    """Compute every method's regional balance for the default years now (as a batch run's
    template process does before it forks the notebooks' kernels, see
    :mod:`kompetens_lib.publish.kernels`); each notebook then gets a copy instead of
    projecting every county's cohort flow again. Warnings are kept for the notebooks."""
    import warnings

    from kompetens_lib.workbook.memo import WARNED

    base = forecast_base_year(None, source)
    target = resolve_target_year(base, None, source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in METHODS:
            regional_balance_all(base, target, method, source)
    WARNED.clear()
