"""Tables of notebook 04 (efterfrågan och balans): the change in demand, supply against
demand and the judgement per group, by the chosen method and by every method."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kompetens_lib.methods.balance import DEFAULT_THRESHOLDS
from kompetens_lib.methods.breakdown import (
    DEFAULT_DAMPING,
    METHOD_LABELS,
    METHODS,
    resolve_method,
)
from kompetens_lib.reference.regions import COUNTY_CODES, region_name, resolve_region
from kompetens_lib.reference.taxonomy import (
    JUDGEMENTS,
    NOT_APPLICABLE,
    education_groups,
    resolve_group,
)
from kompetens_lib.workbook.breakdown_tables import method_values
from kompetens_lib.workbook.forecast import (
    forecast_base_year,
    group_short_names,
    resolve_target_year,
    round_persons,
    with_short_names,
)
from kompetens_lib.workbook.memo import balance_all
from kompetens_lib.workbook.params import scenario

__all__ = [
    "KEY_FIGURE_LABELS_BALANCE",
    "balance_table",
    "county_balance",
    "demand_change",
    "judgement_count_table",
    "judgement_counts",
    "judgements_by_method",
    "key_figures_balance",
]



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
    method) and ``change_min``/``change_max`` (over the four methods), for the ``n`` groups
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
    changes = pd.DataFrame({m: wide[(m, target)] - wide[(m, base)] for m in METHODS})
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
) -> pd.DataFrame:
    """Supply, demand and the judgement per group in the county, base year and target year.

    Returns ``education_group``, ``short_name``, ``level``, ``supply``, ``demand``,
    ``balance`` (S − D), ``ratio`` (100 · S/D), ``change`` (relative change of S/D since
    the base year), ``judgement_base`` and ``judgement`` (target year), sorted from the
    tightest judgement to the loosest, larger demand first. The national base-year
    judgement is the county's starting point (see :func:`kompetens_lib.methods.balance`).
    """
    region, base_year, target_year, method, source = scenario(
        region, base_year, target_year, method, source
    )
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
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
    out = out[["education_group", "short_name", "level", "supply", "demand", "balance", "ratio",
               "change", "judgement_base", "judgement"]].reset_index(drop=True)
    out.attrs = {"region": code, "base_year": base, "target_year": target, "method": chosen,
                 "thresholds": tuple(float(t) for t in thresholds)}
    return out


def judgements_by_method(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """The target-year judgement of every group by each of the four methods.

    Returns ``education_group``, ``short_name``, ``demand`` (median over the methods), one
    column per method (named by its Swedish label) and ``disagree`` (the methods give
    different words), groups that disagree first, then by demand. With the fixed share
    the county's supply and demand change exactly as the nation's, so its judgement is the
    national one; only the other methods can move a county away from it.
    """
    region, base_year, target_year, _, source = scenario(
        region, base_year, target_year, source=source
    )
    code = resolve_region(region)
    tables = {m: balance_table(code, base_year=base_year, target_year=target_year, method=m,
                               source=source, damping=damping, thresholds=thresholds)
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
) -> pd.DataFrame:
    """One group in all 21 counties in the target year (for the county map).

    Returns ``region``, ``name``, ``supply``, ``demand``, ``balance``, ``ratio``,
    ``judgement``. ``attrs`` holds the group's code and short name.
    """
    code = resolve_group(group)
    chosen = resolve_method(method)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
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


KEY_FIGURE_LABELS_BALANCE: dict[str, str] = {
    "supply_target": "Tillgång målåret, alla grupper",
    "demand_target": "Efterfrågan målåret, alla grupper",
    "balance_target": "Tillgång − efterfrågan målåret",
    "judgements_base": "Antal grupper per bedömning, basåret",
    "judgements_target": "Antal grupper per bedömning, målåret",
    "tighter_groups": "Grupper som går mot brist",
    "looser_groups": "Grupper som går mot överskott",
    "shortage_groups": "Största grupperna med brist målåret",
    "surplus_groups": "Största grupperna med överskott målåret",
}
