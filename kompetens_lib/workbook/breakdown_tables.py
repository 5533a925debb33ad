"""Tables of notebook 02 (nedbrytning): the county's share of the national forecast by every
method, the range over the methods, and the back-test of the methods on the county's history."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.breakdown import (
    DEFAULT_DAMPING,
    METHOD_LABELS,
    METHODS,
    compare_methods,
    resolve_method,
)
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.reference.taxonomy import (
    resolve_group,
)
from kompetens_lib.workbook.forecast import (
    HISTORY_TABLES,
    forecast_base_year,
    forecast_side,
    method_options,
    resolve_target_year,
    round_persons,
    with_short_names,
)
from kompetens_lib.workbook.memo import forecast_for, warn_once
from kompetens_lib.workbook.params import scenario

__all__ = [
    "KEY_FIGURE_LABELS_BREAKDOWN",
    "backtest_summary",
    "backtest_worst_groups",
    "key_figures_breakdown",
    "method_range",
    "method_totals",
    "method_values",
]



def method_values(
    region: object,
    column: str = "demand",
    *,
    base_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
) -> pd.DataFrame:
    """The county's share of the national forecast by each of the four methods.

    Returns ``region``, ``education_group``, ``short_name``, ``year``, ``method``,
    ``method_label``, ``value`` (persons, unrounded) for every forecast year. Demand is
    broken down from the employed (by workplace), supply from the labour force (by
    residence).

    >>> v = method_values("23", "demand")
    >>> sorted(v["method"].unique()) == sorted(METHODS)
    True
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    column = forecast_side(column)
    base = forecast_base_year(base_year, source)
    history = load(HISTORY_TABLES[column], source)
    detail = compare_methods(
        forecast_for(history, source, base),
        history,
        region=code,
        base_year=base,
        column=column,
        damping=damping,
        detail=True,
    )
    out = with_short_names(detail[detail["year"] >= base].reset_index(drop=True))
    out["method_label"] = out["method"].map(METHOD_LABELS).astype("string")
    out.attrs = {"region": code, "column": column, "base_year": base}
    return out


def method_totals(values: pd.DataFrame, group: str | None = None) -> pd.DataFrame:
    """County total (or one group) per year and method from :func:`method_values`.

    Returns ``year``, ``method``, ``method_label``, ``value``: four lines, small enough for
    any chart.
    """
    frame = values
    if group is not None:
        code = resolve_group(group)
        frame = frame[frame["education_group"] == code]
    out = (
        frame.groupby(["year", "method", "method_label"], observed=True, sort=False)["value"]
        .sum()
        .reset_index()
    )
    order = {m: i for i, m in enumerate(METHODS)}
    out = out.sort_values(["year", "method"], key=lambda s: s.map(order) if s.name == "method"
                          else s).reset_index(drop=True)
    return out


def method_range(
    values: pd.DataFrame, target_year: int | None = None, *, n: int = 15
) -> pd.DataFrame:
    """The range over the methods per group in the target year, for the ``n`` largest groups.

    Returns one row per group and method: ``education_group``, ``short_name``, ``method``,
    ``method_label``, ``value``, and per group ``min``, ``median``, ``max``, ``spread``
    (max − min) and ``spread_share`` (spread ÷ median). Largest groups (by median) first.
    """
    year = int(values["year"].max()) if target_year is None else int(target_year)
    frame = values[values["year"] == year]
    if frame.empty:
        raise KompetensError(
            f"Målåret {target_year} finns inte i nedbrytningen. Giltiga år: "
            f"{int(values['year'].min())}–{int(values['year'].max())}."
        )
    stats = frame.groupby("education_group", observed=True)["value"].agg(["min", "median", "max"])
    stats["spread"] = stats["max"] - stats["min"]
    stats["spread_share"] = np.where(stats["median"] > 0, stats["spread"] / stats["median"], 0.0)
    top = stats.nlargest(n, "median").index
    out = frame[frame["education_group"].isin(top)].merge(
        stats, left_on="education_group", right_index=True
    )
    out = out.sort_values(["median", "method"], ascending=[False, True]).reset_index(drop=True)
    return out[["education_group", "short_name", "method", "method_label", "value", "min",
                "median", "max", "spread", "spread_share"]]


def _backtest_years(history: pd.DataFrame, base_year: int | None,
                    target_year: int | None) -> tuple[int, int]:
    """Default back-test years: eight years back from the last history year, or as far
    back as the history goes when it is shorter."""
    from kompetens_lib.methods.backtest import DEFAULT_BACKTEST_YEARS

    years = sorted(int(y) for y in history["year"].unique())
    target = years[-1] if target_year is None else int(target_year)
    if base_year is not None:
        return int(base_year), target
    earlier = [y for y in years if y < target]
    if not earlier:
        raise KompetensError(
            f"Back-testet behöver minst två år av historik; tabellen har bara {years[0]}."
        )
    return max(target - DEFAULT_BACKTEST_YEARS, earlier[0]), target


def backtest_summary(
    region: object,
    *,
    source: Any = None,
    base_year: int | None = None,
    target_year: int | None = None,
    damping: float = DEFAULT_DAMPING,
) -> pd.DataFrame:
    """How each method would have done for the county: back-test of employment by group.

    Each method starts from ``base_year`` (default eight years before the last history
    year, or the first history year when the history is shorter) and is given the true
    national outcome in ``target_year``. Returns per method:
    ``method``, ``method_label``, ``mape`` and ``wape`` for the county (percent), ``wape_all``
    (median WAPE over the 21 counties, for comparison), ``rank`` (1 = smallest WAPE for the
    county) and ``best``. ``attrs`` holds ``base_year`` and ``target_year``.
    """
    region, _, _, _, source = scenario(region, source=source)
    code = resolve_region(region)
    history = load("employed", source)
    base_year, target_year = _backtest_years(history, base_year, target_year)
    methods = list(METHODS)
    if sum(int(y) <= base_year for y in history["year"].unique()) < 2:
        # The trend and shift-share methods need two history years up to the base year.
        methods = ["fixed_share", "constrained"]
        warn_once(
            f"Historiken före {base_year} är för kort för trendandel och shift-share, som "
            "behöver minst två år; back-testet visar bara fast andel och betingad (RAS)."
        )
    result = backtest(history, methods, base_year, target_year, level="region",
                      **({"damping": damping} if "shift_share" in methods else {}))
    county = result[result["region"] == code].copy()
    if county.empty:
        raise KompetensError(f"Län {code} finns inte i back-testets historik.")
    county["wape_all"] = county["method"].map(result.groupby("method")["wape"].median())
    county["method_label"] = county["method"].map(METHOD_LABELS).astype("string")
    county["rank"] = county["wape"].rank(method="min").astype(int)
    county["best"] = county["rank"] == 1
    out = county[["method", "method_label", "mape", "wape", "wape_all", "rank", "best"]]
    out = out.reset_index(drop=True)
    out.attrs = {
        "base_year": int(result["base_year"].iloc[0]),
        "target_year": int(result["target_year"].iloc[0]),
        "region": code,
    }
    return out


def backtest_worst_groups(
    region: object,
    method: str | None = None,
    *,
    n: int = 8,
    source: Any = None,
    base_year: int | None = None,
    target_year: int | None = None,
    damping: float = DEFAULT_DAMPING,
) -> pd.DataFrame:
    """The groups where a method missed the county most in the back-test (persons).

    Returns ``short_name``, ``forecast``, ``actual``, ``error`` (forecast − actual) and
    ``ape`` (percent), the ``n`` largest absolute errors first.
    """
    region, _, _, method, source = scenario(region, method=method, source=source)
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    history = load("employed", source)
    base_year, target_year = _backtest_years(history, base_year, target_year)
    cells = backtest(history, chosen, base_year, target_year, level="cell",
                     **method_options(chosen, damping))
    cells = cells[cells["region"] == code]
    cells = cells.assign(abs_error=cells["error"].abs()).nlargest(n, "abs_error")
    cells = with_short_names(cells)
    return cells[["education_group", "short_name", "forecast", "actual", "error", "ape"]] \
        .reset_index(drop=True)


def key_figures_breakdown(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
) -> dict:
    """Key figures of notebook 02 (section "nedbrytning") as plain JSON values.

    Counts are rounded with :func:`round_persons`; ``demand_range`` and ``supply_range`` are
    the lowest ("lägst") and highest ("högst") county total over the four methods in the
    target year; ``spread_share_demand`` is that range as a share of the median;
    ``backtest_wape_share`` the back-test error (WAPE) per method as a share (0.022 =
    2,2 %); ``backtest_best`` the method with the smallest error for the county.
    """
    region, base_year, target_year, method, source = scenario(
        region, base_year, target_year, method, source
    )
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    figures: dict[str, Any] = {
        "region": code,
        "region_name": region_name(code),
        "base_year": base,
        "target_year": target,
        "method": chosen,
        "method_label": METHOD_LABELS[chosen],
    }
    for column in ("demand", "supply"):
        totals = method_totals(method_values(code, column, base_year=base, source=source,
                                             damping=damping))
        at_base = totals[(totals["year"] == base) & (totals["method"] == chosen)]["value"].sum()
        at_target = totals[totals["year"] == target].set_index("method")["value"]
        figures[f"{column}_base"] = round_persons(at_base)
        figures[f"{column}_target"] = round_persons(at_target[chosen])
        figures[f"{column}_range"] = {"lägst": round_persons(at_target.min()),
                                      "högst": round_persons(at_target.max())}
        if column == "demand":
            figures["spread_share_demand"] = round(
                float((at_target.max() - at_target.min()) / at_target.median()), 4
            )
    test = backtest_summary(code, source=source, damping=damping)
    figures["backtest_years"] = f"{test.attrs['base_year']}–{test.attrs['target_year']}"
    figures["backtest_wape_share"] = {
        str(r.method_label): round(float(r.wape) / 100.0, 4) for r in test.itertuples()
    }
    best = test.sort_values("wape").iloc[0]
    figures["backtest_best"] = str(best["method_label"])
    return figures


KEY_FIGURE_LABELS_BREAKDOWN: dict[str, str] = {
    "method_label": "Vald metod",
    "demand_base": "Efterfrågan basåret",
    "demand_target": "Efterfrågan målåret, vald metod",
    "demand_range": "Efterfrågan målåret, lägst–högst över metoderna",
    "spread_share_demand": "Spannet mellan metoderna, andel av medianen",
    "supply_base": "Tillgång basåret",
    "supply_target": "Tillgång målåret, vald metod",
    "supply_range": "Tillgång målåret, lägst–högst över metoderna",
    "backtest_years": "Back-test, från–till",
    "backtest_wape_share": "Back-test: viktat fel (WAPE) per metod",
    "backtest_best": "Minst fel i back-testet för länet",
}
