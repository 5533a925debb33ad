"""Tables of notebook 02 (nedbrytning): the county's share of the national forecast by every
method, the range over the methods, and the back-test of the methods on the county's history."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import format_years
from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.breakdown import (
    COMPARED_LABELS,
    COMPARED_METHODS,
    DEFAULT_DAMPING,
    METHOD_LABELS,
    METHODS,
    compare_methods,
    resolve_method,
)
from kompetens_lib.methods.industry import METHOD_CODE as INDUSTRY
from kompetens_lib.methods.uncertainty import (
    DEFAULT_CREDIBILITY,
    DEFAULT_HORIZONS,
    DEFAULT_QUANTILE,
    error_bands,
    widen,
)
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.reference.taxonomy import (
    resolve_group,
)
from kompetens_lib.workbook.forecast import (
    HISTORY_TABLES,
    breakdown_options,
    forecast_base_year,
    forecast_side,
    method_options,
    resolve_target_year,
    round_persons,
    with_short_names,
)
from kompetens_lib.workbook.memo import forecast_for, memoised, warn_once
from kompetens_lib.workbook.params import RAS_TOTALS, scenario

__all__ = [
    "KEY_FIGURE_LABELS_BREAKDOWN",
    "SYNTHETIC_VERDICT",
    "backtest_caption",
    "backtest_summary",
    "backtest_worst_groups",
    "error_band_table",
    "group_bands",
    "industry_inputs",
    "key_figures_breakdown",
    "method_range",
    "method_totals",
    "method_values",
    "ras_region_totals",
    "ras_totals_table",
]

#: The back-test's verdict on the bundled example data is a verdict on synthetic data.
SYNTHETIC_VERDICT = (
    "Exempeldata: bakåttestet mäter metoderna på syntetiska data, inte på länets verkliga "
    "historia. Ranglistan säger hur metoderna klarar exempeldatans variation, inte vilken "
    "metod som passar länet."
)


def _is_synthetic(history: pd.DataFrame) -> bool:
    return bool(history.attrs.get("provenance", {}).get("synthetic", False))


def ras_region_totals(
    column: str = "demand",
    *,
    base_year: int,
    years: list[int] | None = None,
    source: Any = None,
) -> pd.DataFrame:
    """County totals for the constrained (RAS) method: the county's population projection
    times its base-year rate by age band (employed ÷ population for demand, labour force ÷
    population for supply); see
    :func:`kompetens_lib.methods.region_totals.population_region_totals`. Used with
    ``rescale_totals=True``: the counties keep their relative sizes and add up to the
    national forecast. Returns ``region``, ``year``, ``value`` for all counties.
    """
    column = forecast_side(column)
    if years is None:
        forecast_years = load("national_forecast", source)["year"]
        years = list(range(int(base_year), int(forecast_years.max()) + 1))

    def compute() -> pd.DataFrame:
        return breakdown_options("constrained", DEFAULT_DAMPING, column=column,
                                 base=int(base_year), source=source,
                                 years=years)["region_totals"]

    return memoised(("ras_totals", column, int(base_year), tuple(years)), source, compute)


def _ras_options(column: str, base: int, source: Any, years: list[int] | None = None) -> dict:
    return {"region_totals": ras_region_totals(column, base_year=base, years=years,
                                               source=source),
            "rescale_totals": True}


def ras_totals_table(
    region: object, column: str = "demand", *, base_year: int | None = None,
    target_year: int | None = None, source: Any = None,
) -> pd.DataFrame:
    """Where the RAS county totals come from, one row per county: ``region``,
    ``region_name``, ``base`` (employed or labour force, base year), ``rate`` (that ÷
    population 16–74), ``population_base`` and ``population_target`` (16–74),
    ``share_base`` and ``share_target`` (the county's share of the counties' total, 0–1),
    ``is_county`` (the scenario's county) and ``county_mark`` ("ditt län" or "").
    ``attrs``: ``base_year``, ``target_year``.
    """
    region, base_year, target_year, _, source = scenario(region, base_year, target_year,
                                                         source=source)
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    totals = ras_region_totals(column, base_year=base, years=[base, target], source=source)
    wide = totals.pivot(index="region", columns="year", values="value")
    pop = load("population", source)
    pop = pop[(pop["region"] != "00") & pop["age_band"].isin(
        load(HISTORY_TABLES[column], source)["age_band"].unique())]
    people = pop.groupby(["region", "year"], observed=True)["value"].sum().unstack("year")
    out = pd.DataFrame({
        "region": pd.array(wide.index.astype(str), dtype="string"),
        "base": wide[base].to_numpy(),
        "population_base": people.loc[wide.index, base].to_numpy(float),
        "population_target": people.loc[wide.index, target].to_numpy(float),
        "share_base": (wide[base] / wide[base].sum()).to_numpy(),
        "share_target": (wide[target] / wide[target].sum()).to_numpy(),
    })
    out.insert(1, "region_name", out["region"].map(region_name).astype("string"))
    out.insert(3, "rate", out["base"] / out["population_base"])
    out["is_county"] = out["region"] == code
    out["county_mark"] = pd.array(np.where(out["is_county"], "ditt län", ""), dtype="string")
    out.attrs = {"base_year": base, "target_year": target, "region": code}
    return out



def industry_inputs(years: list[int], source: Any = None) -> tuple | None:
    """``(industry_forecast, industry_employed)`` for the industry-based method, the
    forecast by industry on every one of ``years`` (interpolated linearly per industry where
    a T&P table gives only some years), or None with a warning when the forecast by
    industry does not span them, or when the tables by industry are the example's (the
    optional tables fall back to it) while the county's other statistics are real."""
    forecast = load("industry_forecast", source)
    have = sorted(int(y) for y in forecast["year"].unique())
    if not years or years[0] < have[0] or years[-1] > have[-1]:
        warn_once(f"Prognosen efter näringsgren ({have[0]}–{have[-1]}) täcker inte åren "
                  f"{format_years(years)}; den näringsgrensbaserade metoden lämnas utanför "
                  "jämförelsen.")
        return None
    parts = []
    for code, rows in forecast.groupby("industry", observed=True, sort=True):
        rows = rows.groupby("year")["demand"].sum().sort_index()
        parts.append(pd.DataFrame({"industry": code, "year": years, "demand": np.interp(
            years, rows.index.to_numpy(), rows.to_numpy(float))}))
    frame = pd.concat(parts, ignore_index=True).astype({"industry": "string"})
    employed = load("industry_employed", source)
    if ((_is_synthetic(forecast) or _is_synthetic(employed))
            and not _is_synthetic(load("employed", source))):
        # The county's own statistics with the example's tables by industry would mix
        # synthetic figures into a real range.
        warn_once("Tabellerna efter näringsgren är exempeldata men länets övriga statistik är "
                  "det inte; den näringsgrensbaserade metoden lämnas utanför jämförelsen. Lägg "
                  "industry_employed och industry_forecast i datamappen för att ta med den.")
        return None
    return frame, employed


def _all_method_values(column: str, base: int, source: Any, damping: float,
                       ras_choice: str) -> pd.DataFrame:
    """Every county's values by every method compared (memoised, and primed in a batch
    run's kernel template: each notebook then takes its county's rows)."""
    def compute() -> pd.DataFrame:
        history = load(HISTORY_TABLES[column], source)
        national = forecast_for(history, source, base)
        industry = None
        if column == "demand":
            industry = industry_inputs(sorted(int(y) for y in national["year"].unique()),
                                       source)
        ras = _ras_options(column, base, source) if ras_choice == "population" else {}

        def run(industry: tuple | None) -> pd.DataFrame:
            return compare_methods(national, history, base_year=base, column=column,
                                   damping=damping, detail=True, industry=industry,
                                   methods=COMPARED_METHODS if industry is not None
                                   else METHODS, **ras)

        try:
            return run(industry)
        except KompetensError as exc:
            if industry is None:
                raise
            # The optional tables by industry may not fit the county's statistics (another
            # base year, other groups): the four share methods still run.
            warn_once(f"Den näringsgrensbaserade metoden kunde inte räknas och lämnas "
                      f"utanför jämförelsen: {exc}")
            return run(None)

    return memoised(("method_values", column, base, damping, ras_choice), source, compute)


def method_values(
    region: object,
    column: str = "demand",
    *,
    base_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    ras_totals: str = "population",
) -> pd.DataFrame:
    """The county's share of the national forecast by each method compared.

    Returns ``region``, ``education_group``, ``short_name``, ``year``, ``method``,
    ``method_label``, ``value`` (persons, unrounded) for every forecast year. Demand is
    broken down from the employed (by workplace) by the four share methods and the
    industry-based one (:data:`~kompetens_lib.methods.breakdown.COMPARED_METHODS`, on the
    tables by industry: the county's own, else the example's), supply from the labour
    force (by residence) by the four share methods. ``ras_totals`` says where the
    constrained method takes its county totals: ``"population"`` (the population
    projection, see :func:`ras_region_totals`) or ``"base_share"`` (base-year shares).

    >>> v = method_values("23", "demand")
    >>> sorted(v["method"].unique()) == sorted(COMPARED_METHODS)
    True
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    column = forecast_side(column)
    base = forecast_base_year(base_year, source)
    detail = _all_method_values(column, base, source, float(damping), _ras_choice(ras_totals))
    detail = detail[detail["region"] == code]
    if detail.empty:
        known = load(HISTORY_TABLES[column], source)["region"].unique()
        raise KompetensError(f"Län {code} finns inte i historiken. Län i historiken: "
                             f"{', '.join(sorted(str(r) for r in known))}.")
    out = with_short_names(detail[detail["year"] >= base].reset_index(drop=True))
    out["method_label"] = out["method"].map(COMPARED_LABELS).astype("string")
    out.attrs = {"region": code, "column": column, "base_year": base,
                 "ras_totals": ras_totals}
    return out


def _ras_choice(ras_totals: object) -> str:
    if ras_totals not in RAS_TOTALS:
        raise KompetensError(
            f"ras_totals ska vara 'population' (länstotaler från befolkningsprognosen) eller "
            f"'base_share' (länens andelar basåret); fick {ras_totals!r}.")
    return str(ras_totals)


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
    order = {m: i for i, m in enumerate(COMPARED_METHODS)}
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
            f"Bakåttestet behöver minst två år av historik; tabellen har bara {years[0]}."
        )
    return max(target - DEFAULT_BACKTEST_YEARS, earlier[0]), target


def _all_backtest(base_year: int, target_year: int, source: Any, damping: float
                  ) -> pd.DataFrame:
    """Every county's back-test by every method compared (memoised, and primed in a batch
    run's kernel template)."""
    def compute() -> pd.DataFrame:
        history = load("employed", source)
        methods = list(COMPARED_METHODS)
        if sum(int(y) <= base_year for y in history["year"].unique()) < 2:
            # The trend and shift-share methods need two history years up to the base year.
            methods = ["fixed_share", "constrained", INDUSTRY]
            warn_once(
                f"Historiken före {base_year} är för kort för trendandel och shift-share, som "
                "behöver minst två år; bakåttestet visar bara fast andel, betingad (RAS) och "
                "den näringsgrensbaserade metoden."
            )
        industry_history = load("industry_employed", source)
        if _is_synthetic(industry_history) and not _is_synthetic(history):
            methods = [m for m in methods if m != INDUSTRY]  # no synthetic method in a real test

        def run(chosen: list[str]) -> pd.DataFrame:
            options: dict[str, Any] = _ras_options("demand", base_year, source, [target_year])
            if {"shift_share", INDUSTRY} & set(chosen):
                options["damping"] = damping
            if INDUSTRY in chosen:
                options["industry_history"] = industry_history
            return backtest(history, chosen, base_year, target_year, level="region", **options)

        try:
            result = run(methods)
        except KompetensError as exc:
            if INDUSTRY not in methods:
                raise
            # The optional tables by industry may not reach back to the base year.
            warn_once(f"Bakåttestet av den näringsgrensbaserade metoden kunde inte göras och "
                      f"lämnas utanför: {exc}")
            methods = [m for m in methods if m != INDUSTRY]
            result = run(methods)
        return result

    return memoised(("backtest", base_year, target_year, damping), source, compute)


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
    result = _all_backtest(base_year, target_year, source, float(damping))
    county = result[result["region"] == code].copy()
    if county.empty:
        raise KompetensError(f"Län {code} finns inte i bakåttestets historik.")
    county["wape_all"] = county["method"].map(result.groupby("method")["wape"].median())
    county["method_label"] = county["method"].map(COMPARED_LABELS).astype("string")
    county["rank"] = county["wape"].rank(method="min").astype(int)
    county["best"] = county["rank"] == 1
    out = county[["method", "method_label", "mape", "wape", "wape_all", "rank", "best"]]
    out = out.reset_index(drop=True)
    synthetic = _is_synthetic(history)
    out.attrs = {
        "base_year": int(result["base_year"].iloc[0]),
        "target_year": int(result["target_year"].iloc[0]),
        "region": code,
        "synthetic": synthetic,
        "note": SYNTHETIC_VERDICT if synthetic else "",
    }
    return out


def backtest_caption(test: pd.DataFrame, region_label: str = "") -> str:
    """Title of the back-test table or chart; on example data it says the verdict is one
    on synthetic data.

    >>> t = pd.DataFrame(); t.attrs = {"base_year": 2015, "target_year": 2023, "synthetic": True}
    >>> backtest_caption(t, "Gotlands län")
    'Bakåttest 2015–2023: fel per metod i Gotlands län (syntetiska exempeldata)'
    """
    where = f" i {region_label}" if region_label else ""
    tail = " (syntetiska exempeldata)" if test.attrs.get("synthetic") else ""
    return (f"Bakåttest {test.attrs['base_year']}–{test.attrs['target_year']}: fel per metod"
            f"{where}{tail}")


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
    options = method_options(chosen, damping)
    if chosen == "constrained":
        options.update(_ras_options("demand", base_year, source, [target_year]))
    cells = backtest(history, chosen, base_year, target_year, level="cell", **options)
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
    "backtest_years": "Bakåttest, från–till",
    "backtest_wape_share": "Bakåttest: viktat fel (WAPE) per metod",
    "backtest_best": "Minst fel i bakåttestet för länet",
}


def error_band_table(
    region: object,
    method: str | None = None,
    *,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    credibility: float = DEFAULT_CREDIBILITY,
    quantile: float = DEFAULT_QUANTILE,
) -> pd.DataFrame:
    """Back-test error bands for the county by horizon and cell size (percent), see
    :func:`kompetens_lib.methods.uncertainty.error_bands`: ``horizon``, ``size_class``,
    ``n_cells``, ``pooled``, ``own``, ``weight``, ``band``. ``attrs`` adds ``synthetic``."""
    region, _, _, method, source = scenario(region, method=method, source=source)
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    history = load("employed", source)
    options = method_options(chosen, damping)

    years = sorted(int(y) for y in history["year"].unique())
    target = years[-1]
    # Only horizons whose base year the history holds (with a year before it for the trend
    # and shift-share methods): a short real series gives fewer horizons, not an error.
    needs = 1 if chosen in ("trend_share", "shift_share") else 0
    fitting = tuple(h for h in DEFAULT_HORIZONS if target - h - needs >= years[0])
    if not fitting:
        raise KompetensError(
            f"Historiken ({format_years(years)}) är för kort för felband från bakåttestet: "
            f"det behövs minst {min(DEFAULT_HORIZONS) + needs + 1} år.")

    def compute() -> pd.DataFrame:
        if chosen != "constrained":
            return error_bands(history, chosen, code, horizons=fitting,
                               credibility=credibility, quantile=quantile, **options)
        # RAS needs county totals for each back-test base year: run per horizon.
        parts = []
        for h in fitting:
            ras = _ras_options("demand", target - h, source, [target])
            parts.append(error_bands(history, chosen, code, horizons=(h,),
                                     credibility=credibility, quantile=quantile, **ras))
        return pd.concat(parts, ignore_index=True)

    out = memoised(("error_bands", code, chosen, float(damping), float(credibility),
                    float(quantile)), source, compute)
    out.attrs = {"region": code, "method": chosen, "synthetic": _is_synthetic(history),
                 "credibility": float(credibility), "quantile": float(quantile)}
    return out


def group_bands(
    region: object,
    method: str | None = None,
    *,
    n: int = 10,
    base_year: int | None = None,
    target_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    credibility: float = DEFAULT_CREDIBILITY,
    quantile: float = DEFAULT_QUANTILE,
) -> pd.DataFrame:
    """The county's demand by the chosen method in the target year with the back-test
    error band, for the ``n`` largest groups: ``education_group``, ``short_name``,
    ``base_value``, ``value``, ``band`` (percent), ``low``, ``high``, and the method range
    ``method_min`` and ``method_max``. Beyond the longest back-tested horizon the band grows
    with the square root of the horizon (see :func:`kompetens_lib.methods.uncertainty.widen`).
    """
    region, base_year, target_year, method, source = scenario(
        region, base_year, target_year, method, source)
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    values = method_values(code, "demand", base_year=base, source=source, damping=damping)
    at = values[values["year"] == target]
    start = values[(values["year"] == base) & (values["method"] == chosen)]
    frame = at[at["method"] == chosen][["education_group", "short_name", "year", "value"]]
    frame = frame.merge(start[["education_group", "value"]].rename(
        columns={"value": "base_value"}), on="education_group")
    rng = at.groupby("education_group", observed=True)["value"].agg(["min", "max"])
    bands = error_band_table(code, chosen, source=source, damping=damping,
                             credibility=credibility, quantile=quantile)
    out = widen(frame, bands, base).nlargest(n, "value")
    out["method_min"] = out["education_group"].map(rng["min"]).to_numpy()
    out["method_max"] = out["education_group"].map(rng["max"]).to_numpy()
    out = out[["education_group", "short_name", "base_value", "value", "band", "low", "high",
               "method_min", "method_max"]].reset_index(drop=True)
    out.attrs = {"region": code, "method": chosen, "base_year": base, "target_year": target,
                 "synthetic": bands.attrs["synthetic"]}
    return out


def prime(source: Any = None) -> None:
    """Compute every county's method comparison (demand and supply) and back-test for the
    default years now, as a batch run's kernel template does before it forks the notebooks'
    kernels (see :mod:`kompetens_lib.publish.kernels`): each notebook then takes its county's
    rows instead of running every method for every county again. Warnings are kept for the
    notebooks."""
    import warnings

    from kompetens_lib.workbook.memo import WARNED

    base = forecast_base_year(None, source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for column in ("demand", "supply"):
            _all_method_values(column, base, source, float(DEFAULT_DAMPING), "population")
        history = load("employed", source)
        _all_backtest(*_backtest_years(history, None, None), source, float(DEFAULT_DAMPING))
    WARNED.clear()
