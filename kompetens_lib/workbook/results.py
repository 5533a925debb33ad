"""Tables behind notebooks 02–05, ready to show: the county's breakdown by every method and
their range, the back-test, supply flows and the cohort-flow projection, balance and the
judgement per group, recruitment need and the education places it implies.

Thin wrappers over the analysis core (breakdown, supply, need, balance, backtest), so that
the notebooks, the reports and the cohort overview share one computation. Every function
takes plain arguments (county, years, method, data source), returns a tidy DataFrame or a
dict of plain values, and never modifies its inputs. Key-figure functions return
JSON-ready dicts for :func:`kompetens_lib.present.keyfigures.show`.
"""

from __future__ import annotations

import copy
import html
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.balance import DEFAULT_THRESHOLDS, balance
from kompetens_lib.methods.breakdown import DEFAULT_DAMPING, METHOD_LABELS, METHODS, breakdown, compare_methods, resolve_method
from kompetens_lib.data.tables import load
from kompetens_lib.errors import InconsistentPopulationError, KompetensError
from kompetens_lib.methods.need import COMPLETION_RATES, GRADUATE_SHARE, STAY_SHARES, dimensioning, recruitment_need
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE, region_name, resolve_region
from kompetens_lib.methods.supply import EXIT_AGE, retirements, supply_projection
from kompetens_lib.reference.taxonomy import AGE_BANDS, FORM_LABELS, FORMS, JUDGEMENTS, NOT_APPLICABLE, education_groups, resolve_group

__all__ = [
    "COHORT_VARIANTS",
    "COLUMN_LABELS",
    "DEFAULT_HORIZONS",
    "HISTORY_TABLES",
    "JUDGEMENT_STYLE",
    "KEY_FIGURE_LABELS_BALANCE",
    "KEY_FIGURE_LABELS_BREAKDOWN",
    "KEY_FIGURE_LABELS_NEED",
    "REGIONAL_FORMS",
    "Assumptions",
    "SupplyAssumptions",
    "assumptions",
    "assumptions_html",
    "backtest_summary",
    "backtest_worst_groups",
    "balance_table",
    "check_share",
    "county_balance",
    "demand_change",
    "education_output",
    "entrants_and_leavers",
    "forecast_base_year",
    "graduates_by_form",
    "horizons_within",
    "judgement_count_table",
    "judgement_counts",
    "judgements_by_method",
    "key_figure_labels_supply",
    "key_figures_balance",
    "key_figures_breakdown",
    "key_figures_need",
    "key_figures_supply",
    "method_label",
    "method_range",
    "method_totals",
    "method_values",
    "national_forecast",
    "need_table",
    "need_vs_output",
    "places_by_form",
    "places_sensitivity",
    "places_table",
    "projected_supply",
    "retirement_summary",
    "retirements_by_group",
    "round_persons",
    "show_assumptions",
    "show_supply_assumptions",
    "show_table",
    "show_traffic_lights",
    "supply_age_structure",
    "supply_assumptions",
    "supply_assumptions_html",
    "supply_comparison",
    "table_html",
    "top_places",
    "traffic_light_html",
]

#: Which history each side of the forecast is broken down from: demand where people work
#: (employed by workplace), supply where they live (labour force by residence).
HISTORY_TABLES: dict[str, str] = {"demand": "employed", "supply": "labour_force"}
COLUMN_LABELS: dict[str, str] = {"demand": "Efterfrågan", "supply": "Tillgång"}

#: Retirement horizons from the base year. T&P ends in 2035; from base year 2023 the longest
#: horizon that can be set against the forecast's demand is 12 years.
DEFAULT_HORIZONS: tuple[int, ...] = (5, 10, 12)

#: Colour, text colour and short word for each judgement: a red–blue diverging scale (red =
#: shortage, blue = surplus, as on the county map), readable for the common colour-vision
#: deficiencies; the word is always printed, so the table reads without colour too.
JUDGEMENT_STYLE: dict[str, tuple[str, str]] = {
    "stor brist": ("#b2182b", "white"),
    "brist": ("#e08064", "#1b1b1b"),
    "viss brist": ("#fbd5c3", "#1b1b1b"),
    "balans": ("#f2f2f2", "#1b1b1b"),
    "visst överskott": ("#d1e5f0", "#1b1b1b"),
    "överskott": ("#6fa8d0", "#1b1b1b"),
    "stort överskott": ("#2166ac", "white"),
    NOT_APPLICABLE: ("#ffffff", "#5a5a5a"),
}


# ----------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------


def round_persons(value: float) -> int:
    """Round a computed number of persons to what the data support.

    Hundreds from 1 000 (as SCB rounds its forecasts), tens below: a breakdown is an
    estimate, and more digits would suggest a precision it does not have.

    >>> round_persons(12345.6), round_persons(987.0), round_persons(-1549.0)
    (12300, 990, -1500)
    """
    if value is None or not math.isfinite(float(value)):
        return 0
    step = 100 if abs(value) >= 1000 else 10
    return int(step * round(float(value) / step))


def _names() -> pd.Series:
    return education_groups().set_index("code")["short_name"].astype(str)


def _with_names(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    names = _names()
    position = list(out.columns).index("education_group") + 1
    out.insert(position, "short_name", out["education_group"].map(names).astype("string"))
    return out


def national_forecast(source: Any = None) -> pd.DataFrame:
    """The national forecast with every year from its first to its last.

    T&P publishes some years only (often the base year and 2035, sometimes one in between);
    the years between are interpolated linearly per group, so that a breakdown can start
    from the county's latest history year. Judgements stay on the years that have them.
    The bundled example has every year already and comes back unchanged.

    >>> national_forecast()["year"].agg(["min", "max"]).tolist()
    [2023, 2035]
    """
    frame = load("national_forecast", source)
    years = np.arange(int(frame["year"].min()), int(frame["year"].max()) + 1)
    if frame.groupby("education_group", observed=True)["year"].nunique().eq(len(years)).all():
        return frame
    parts = []
    for group, rows in frame.groupby("education_group", observed=True, sort=True):
        rows = rows.set_index("year").sort_index()
        if len(rows) < 2:
            raise KompetensError(
                f"Riksprognosen har bara ett år för utbildningsgrupp {group}; minst två år "
                "(basår och målår) behövs för att räkna en utveckling."
            )
        part = pd.DataFrame({"year": years})
        for column in ("supply", "demand"):
            part[column] = np.interp(years, rows.index.to_numpy(), rows[column].to_numpy(float))
        part["judgement"] = part["year"].map(rows["judgement"]).fillna("").astype("string")
        part.insert(0, "education_group", group)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["education_group"] = out["education_group"].astype("string")
    out.attrs = dict(frame.attrs)
    return out


def forecast_base_year(base_year: int | None = None, source: Any = None) -> int:
    """The base year of the regional forecast: a history year within the national forecast.

    The breakdown starts from the county's history in the base year and compares every
    later year with it, so the base year must be in the history and in the forecast's span
    (before its last year). Default: the latest history year that qualifies.

    >>> forecast_base_year(2023)
    2023
    """
    forecast = load("national_forecast", source)["year"]
    first, last = int(forecast.min()), int(forecast.max())
    history = sorted(load("employed", source)["year"].unique().tolist())
    valid = [int(y) for y in history if first <= y < last]
    if not valid:
        raise KompetensError(
            f"Historiken ({history[0]}–{history[-1]}) och riksprognosen ({first}–{last}) har "
            "inget gemensamt år att utgå från. Basåret måste finnas i historiken och ligga "
            "före prognosens sista år."
        )
    if base_year is None:
        return valid[-1]
    if int(base_year) not in valid:
        span = f"{valid[0]}–{valid[-1]}" if len(valid) > 1 else str(valid[0])
        raise KompetensError(
            f"Basåret {base_year} går inte att använda: det måste finnas i historiken och ligga "
            f"inom riksprognosen ({first}–{last}), före dess sista år. Giltiga basår: {span}."
        )
    return int(base_year)


def resolve_target_year(base: int, target_year: int | None, source: Any) -> int:
    last = int(load("national_forecast", source)["year"].max())
    if target_year is None:
        return last
    target = int(target_year)
    if not base < target <= last:
        raise KompetensError(
            f"Målåret {target_year} finns inte i riksprognosen efter basåret {base}. Giltiga "
            f"målår: {base + 1}–{last}."
        )
    return target


def _base_judgements(national: pd.DataFrame, base: int) -> pd.DataFrame:
    """The national judgements to start from: those of the latest year up to the base year
    that has any (T&P judges its own base year; the county's base year may be later)."""
    judged = national[national["judgement"].fillna("").astype(str).str.strip() != ""]
    judged = judged[judged["year"] <= base]
    if judged.empty:
        return judged[["education_group", "judgement"]]
    year = int(judged["year"].max())
    return judged[judged["year"] == year][["education_group", "judgement"]]


def horizons_within(
    base_year: int, horizons: Sequence[int] = DEFAULT_HORIZONS, source: Any = None
) -> list[int]:
    """Check that every horizon ends within the forecast; return them sorted.

    T&P ends in 2035: from 2023 a 15-year horizon would end in 2038, where there is no
    demand to compare with, so the default horizons are 5, 10 and 12 years.

    >>> horizons_within(2023, (12, 5, 10))
    [5, 10, 12]
    """
    last = int(load("national_forecast", source)["year"].max())
    chosen = sorted({int(h) for h in horizons})
    too_long = [h for h in chosen if base_year + h > last]
    if not chosen or chosen[0] < 1 or too_long:
        raise KompetensError(
            f"Horisonterna {list(horizons)} går inte att använda: prognosen slutar {last}, så "
            f"från basåret {base_year} kan en horisont vara högst {last - base_year} år "
            f"(t.ex. 5, 10 och {last - base_year})."
        )
    return chosen


def method_label(method: str) -> str:
    """The Swedish name of a breakdown method ("fixed_share" → "Fast andel").

    >>> method_label("constrained")
    'Betingad (RAS)'
    """
    return METHOD_LABELS[resolve_method(method)]


def _column(column: str) -> str:
    if column not in HISTORY_TABLES:
        raise KompetensError(
            f"Okänd sida av prognosen: {column!r}. Giltiga: 'demand' (efterfrågan) och "
            "'supply' (tillgång)."
        )
    return column


def _method_options(method: str, damping: float) -> dict[str, Any]:
    return {"damping": damping} if method == "shift_share" else {}


_WARNED: set[str] = set()
_recording = 0  # > 0 while a memoised computation runs (its warnings are kept, not shown)


def _warn_once(message: str, category: type[Warning] = UserWarning) -> None:
    """A Swedish warning about the data, shown once per process however often the table
    is recomputed (a notebook recomputes the breakdown in several cells)."""
    if _recording:
        warnings.warn(message, category, stacklevel=3)  # kept with the memoised result
    elif message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, category, stacklevel=3)


# Whole-country computations (every county by a method) are memoised per process: the
# notebooks ask for the same breakdown in several cells, for one county at a time. The key
# holds the data files' names, sizes and modification times, so new data is recomputed.
# Warnings raised while computing are kept with the result and shown (once) on its use.
_MEMO: dict[tuple, tuple[pd.DataFrame, list[tuple[str, type[Warning]]]]] = {}
_MEMO_SIZE = 48


def _data_signature(source: Any) -> tuple:
    from kompetens_lib.data.tables import source_dir

    directory = source_dir(source)
    files = []
    for path in sorted(directory.iterdir()):
        if path.is_file():
            stat = path.stat()
            files.append((path.name, stat.st_mtime_ns, stat.st_size))
    return (str(directory), tuple(files))


def _memoised(key: tuple, source: Any, compute) -> pd.DataFrame:
    global _recording
    full_key = (*key, _data_signature(source))
    hit = _MEMO.get(full_key)
    if hit is None:
        _recording += 1
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = compute()
        finally:
            _recording -= 1
        hit = (frame, [(str(w.message), w.category) for w in caught])
        while len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[full_key] = hit
    frame, raised = hit
    for message, category in raised:
        _warn_once(message, category)
    out = frame.copy()
    out.attrs = copy.deepcopy(frame.attrs)
    return out


def prime(source: Any = None, base_year: int | None = None) -> None:
    """Compute the whole-country breakdowns and balances by every method now (as a batch
    run's template process does before it forks the notebooks' kernels); what a notebook
    asks for later is then a copy. Warnings are kept for the notebooks, not shown here."""
    base = forecast_base_year(base_year, source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in METHODS:
            _balance_all(base, method, source, DEFAULT_DAMPING, DEFAULT_THRESHOLDS)
    _WARNED.clear()


def _forecast_for(history: pd.DataFrame, source: Any, base: int) -> pd.DataFrame:
    """The national forecast from the base year on, for the groups the history has; the
    others are named in a warning (a T&P table may hold groups the regional statistics do
    not)."""
    national = national_forecast(source)
    national = national[national["year"] >= base]
    known = set(history["education_group"].unique())
    missing = sorted(set(national["education_group"].unique()) - known)
    if missing:
        _warn_once(
            f"Riksprognosen har utbildningsgrupper som saknas i länens statistik och därför "
            f"inte kan brytas ned: {', '.join(missing)}. De utelämnas."
        )
        national = national[national["education_group"].isin(known)]
    return national


def _breakdown(column: str, method: str, base: int, source: Any, damping: float) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        history = load(HISTORY_TABLES[column], source)
        national = _forecast_for(history, source, base)
        out = breakdown(
            national, history, method, base, column=column, **_method_options(method, damping)
        )
        return out[out["year"] >= base].reset_index(drop=True)

    return _memoised(("breakdown", column, method, base, float(damping)), source, compute)


# ----------------------------------------------------------------------------------------
# Notebook 02: the breakdown by every method, the range and the back-test
# ----------------------------------------------------------------------------------------


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
    code = resolve_region(region)
    column = _column(column)
    base = forecast_base_year(base_year, source)
    history = load(HISTORY_TABLES[column], source)
    detail = compare_methods(
        _forecast_for(history, source, base),
        history,
        region=code,
        base_year=base,
        column=column,
        damping=damping,
        detail=True,
    )
    out = _with_names(detail[detail["year"] >= base].reset_index(drop=True))
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
    code = resolve_region(region)
    history = load("employed", source)
    base_year, target_year = _backtest_years(history, base_year, target_year)
    methods = list(METHODS)
    if sum(int(y) <= base_year for y in history["year"].unique()) < 2:
        # The trend and shift-share methods need two history years up to the base year.
        methods = ["fixed_share", "constrained"]
        _warn_once(
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
    method: str = "fixed_share",
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
    code = resolve_region(region)
    chosen = resolve_method(method)
    history = load("employed", source)
    base_year, target_year = _backtest_years(history, base_year, target_year)
    cells = backtest(history, chosen, base_year, target_year, level="cell",
                     **_method_options(chosen, damping))
    cells = cells[cells["region"] == code]
    cells = cells.assign(abs_error=cells["error"].abs()).nlargest(n, "abs_error")
    cells = _with_names(cells)
    return cells[["education_group", "short_name", "forecast", "actual", "error", "ape"]] \
        .reset_index(drop=True)


def key_figures_breakdown(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str = "fixed_share",
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
    code = resolve_region(region)
    chosen = resolve_method(method)
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


# ----------------------------------------------------------------------------------------
# Notebook 03: supply
# ----------------------------------------------------------------------------------------


def supply_age_structure(region: object, year: int | None = None, source: Any = None
                         ) -> pd.DataFrame:
    """Age structure of the labour force (by residence) in the county and in Riket.

    Returns ``area``, ``age_band``, ``labour_force``, ``share`` (for
    :func:`kompetens_lib.present.charts.age_structure_chart`).
    """
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

    Returns ``horizon``, ``horizon_label``, ``year``, ``retirements`` (cumulative persons),
    ``employed`` (base year) and ``share_employed``.
    """
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    chosen = horizons_within(base, horizons, source)
    employed = load("employed", source)
    employed = employed[employed["region"] == code]
    rd = retirements(employed, chosen, exit_age=exit_age, base_year=base)
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
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    chosen = horizons_within(base, horizons, source)
    employed = load("employed", source)
    employed = employed[employed["region"] == code]
    rd = retirements(employed, chosen, exit_age=exit_age, base_year=base)
    longest = rd[rd["horizon"] == chosen[-1]].nlargest(n, "value")
    order = longest["education_group"].tolist()
    out = rd[rd["education_group"].isin(order)].copy()
    out["order"] = out["education_group"].map({g: i for i, g in enumerate(order)})
    out = out.sort_values(["order", "horizon"]).drop(columns="order")
    stock = employed[employed["year"] == base].groupby("education_group", observed=True)[
        "value"].sum()
    out["employed"] = out["education_group"].map(stock).astype(float)
    out["horizon_label"] = out["horizon"].map(_horizon_label).astype("string")
    out = _with_names(out)
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
    code = resolve_region(region)
    if isinstance(exit_age, bool) or not isinstance(exit_age, (int, np.integer)):
        raise KompetensError(f"Utträdesåldern ska vara ett heltal, t.ex. 66; fick {exit_age!r}.")
    band, width = _band_of(int(exit_age) - 1)
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
    from kompetens_lib.methods.supply import GRADUATE_AGE_SHARES

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
) -> pd.DataFrame:
    """Cohort-flow projection of the county's labour supply by group (notebook 03).

    Calls :func:`kompetens_lib.supply_projection` for the county with participation from
    the population table, graduates (mean of the last three years, ``graduate_stay_share``
    of them staying), optional net migration (``net_migration`` per year as a share of the
    base-year labour force: positive in-movers, negative out-movers) and, with
    ``remove_further_educated``, graduates leaving their old group (see
    :func:`_further_educated`). Returns ``region``, ``education_group``, ``year``, ``value``.
    """
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    stay = _share(graduate_stay_share, "graduate_stay_share")
    rate = _number(net_migration, "net_migration")
    if not -0.05 <= rate <= 0.05:
        raise KompetensError(
            f"net_migration ska vara nettoinflyttningen per år som andel av arbetskraften, "
            f"mellan -0,05 och 0,05 (t.ex. 0.005 för 0,5 %); fick {net_migration!r}."
        )
    lf_all = load("labour_force", source)
    lf = lf_all[lf_all["region"] == code]
    pop = load("population", source)
    grads = load("graduates", source)
    grads_county = grads[grads["region"] == code]
    unknown = sorted(set(grads_county["education_group"]) - set(lf["education_group"]))
    if unknown:
        _warn_once(f"Examinerade i utbildningsgrupper som saknas i arbetskraften räknas inte i "
                   f"kohortmodellen: {', '.join(unknown)}.")
        grads_county = grads_county[~grads_county["education_group"].isin(unknown)]
    in_movers, out_movers = _net_migration_flows(lf, code, base, rate)
    # The graduate flow is the mean of the last three years, or of as many as there are.
    have = {int(y) for y in grads_county["year"].unique()}
    flow_years = 0
    while flow_years < 3 and base - flow_years in have:
        flow_years += 1
    if flow_years == 0:
        _warn_once(f"Examinerade saknas för län {code} fram till {base}; kohortmodellen "
                   "räknar utan examinerade.")
        grads_county = None
    further = (_further_educated(grads_county, lf, code, base, flow_years, stay)
               if remove_further_educated and grads_county is not None else None)
    options = {"base_year": base, "graduates": grads_county, "graduate_stay_share": stay,
                   "in_movers": in_movers, "out_movers": out_movers, "further_educated": further,
                   "flow_years": max(flow_years, 1)}
    try:
        out = supply_projection(lf, target - base, population=pop[pop["region"] == code],
                                **options)
    except InconsistentPopulationError as exc:
        # Population and labour force that do not fit together should not stop the lesson:
        # say so, and use rounded national participation rates instead.
        _warn_once(f"{exc} Kohortmodellen använder i stället avrundade riksnivåer för "
                   "förvärvsfrekvensen.")
        out = supply_projection(lf, target - base, **options)
    out.attrs.update({"graduate_stay_share": stay, "net_migration": rate,
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
) -> pd.DataFrame:
    """County supply per year by the T&P breakdown and by the cohort-flow projection.

    Returns ``year``, ``tp_min``, ``tp_median``, ``tp_max`` (the breakdown of T&P's supply
    over the four methods) and ``cohort_high``, ``cohort_low`` (:func:`projected_supply`
    without and with graduates leaving their old group), all as an index with the base
    year = 100: the two sources do not count exactly the same people, so their levels
    differ and only their development is compared. ``attrs["persons"]`` holds the same
    columns in persons (a dict of lists); ``attrs["labels"]`` Swedish labels of the lines.
    """
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
            net_migration=net_migration, remove_further_educated=remove, source=source)
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
) -> dict:
    """Key figures of notebook 03 (section "tillgang") as plain JSON values.

    ``share_supply_change_projection`` and ``share_supply_change_breakdown`` are the change in supply
    from the base year to the target year (share, low–high) by the cohort-flow projection
    and by the breakdown of T&P.
    """
    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    summary = retirement_summary(code, base_year=base, exit_age=exit_age, source=source)
    lf = load("labour_force", source)
    lf_total = float(lf[(lf["region"] == code) & (lf["year"] == base)]["value"].sum())
    grads = graduates_by_form(code, source)
    recent = grads[grads["year"] > base - 3].groupby("form")["value"].mean()
    flows = load("commuting", source)
    flows = flows[(flows["region"] == code) & (flows["year"] == base)].set_index("direction")[
        "value"]
    comparison = supply_comparison(code, base_year=base, target_year=target,
                                   graduate_stay_share=graduate_stay_share,
                                   net_migration=net_migration, source=source)
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
    labels.update({
        "graduates_per_year": "Examinerade per år (snitt senaste tre åren)",
        "net_commuting": "Nettoinpendling (inpendlare − utpendlare)",
        "share_supply_change_projection": f"Förändring av tillgången till {figures.get('target_year', '')}, "
                                    "kohortmodellen (lägst–högst)",
        "share_supply_change_breakdown": f"Förändring av tillgången till {figures.get('target_year', '')}, "
                                   "nedbrytning av T&P (lägst–högst)",
        "graduate_stay_share": "Antagande: andel examinerade som stannar i länet",
        "net_migration_share": "Antagande: nettoinflyttning per år, andel av arbetskraften",
    })
    return labels


# ----------------------------------------------------------------------------------------
# Notebook 04: demand and balance
# ----------------------------------------------------------------------------------------


def demand_change(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str = "fixed_share",
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    n: int = 15,
) -> pd.DataFrame:
    """Change in demand from the base year to the target year per group, with the range.

    Returns ``education_group``, ``short_name``, ``base``, ``target``, ``change`` (chosen
    method) and ``change_min``/``change_max`` (over the four methods), for the ``n`` groups
    with the largest absolute change, largest first.
    """
    code = resolve_region(region)
    chosen = resolve_method(method)
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


def _balance_all(
    base: int, method: str, source: Any, damping: float, thresholds: Sequence[float]
) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        demand = _breakdown("demand", method, base, source, damping)
        supply = _breakdown("supply", method, base, source, damping)
        start = _base_judgements(national_forecast(source), base)
        return balance(supply, demand, start if len(start) else None, base_year=base,
                       thresholds=thresholds)

    key = ("balance", method, base, float(damping), tuple(float(t) for t in thresholds))
    return _memoised(key, source, compute)


def balance_table(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str = "fixed_share",
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
    code = resolve_region(region)
    chosen = resolve_method(method)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    full = _balance_all(base, chosen, source, damping, thresholds)
    county = full[full["region"] == code]
    start = county[county["year"] == base].set_index("education_group")["judgement"]
    out = county[county["year"] == target].copy()
    out["judgement_base"] = out["education_group"].map(start).astype("string")
    out = _with_names(out)
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
    full = _balance_all(base, chosen, source, damping, thresholds)
    out = full[(full["education_group"] == code) & (full["year"] == target)
               & full["region"].isin(COUNTY_CODES)].copy()
    out.insert(1, "name", out["region"].map(region_name).astype("string"))
    out = out[["region", "name", "supply", "demand", "balance", "ratio", "judgement"]]
    out.attrs = {"group": code, "short_name": str(_names()[code]), "base_year": base,
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


# ----------------------------------------------------------------------------------------
# Notebook 05: recruitment need and dimensioning
# ----------------------------------------------------------------------------------------


def _number(value: object, name: str) -> float:
    if isinstance(value, bool):
        raise KompetensError(f"{name} ska vara ett tal, inte {value!r}.")
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise KompetensError(f"{name} ska vara ett tal, t.ex. 0.7; fick {value!r}.") from None
    if not math.isfinite(number):
        raise KompetensError(f"{name} ska vara ett ändligt tal; fick {value!r}.")
    return number


def _share(value: object, name: str, *, allow_zero: bool = True) -> float:
    number = _number(value, name)
    low_ok = number >= 0 if allow_zero else number > 0
    if not (low_ok and number <= 1):
        span = "mellan 0 och 1" if allow_zero else "större än 0 och högst 1"
        raise KompetensError(
            f"{name} ska vara en andel {span} (t.ex. 0.7 för 70 %); fick {value!r}."
        )
    return number


def _per_form(value: object, name: str, defaults: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(value, Mapping):
        share = _share(value, name, allow_zero=False)
        return {f: share for f in FORMS}
    aliases = {"hogskola": "högskola", "gymnasieskola": "gymnasium", "yrkeshögskola": "yh"}
    given = {aliases.get(str(k).strip().lower(), str(k).strip().lower()): v
             for k, v in value.items()}
    unknown = sorted(set(given) - set(FORMS))
    if unknown:
        raise KompetensError(
            f"{name} har okända utbildningsformer: {', '.join(unknown)}. Giltiga former: "
            f"{', '.join(FORMS)}."
        )
    return {f: _share(given.get(f, defaults[f]), f"{name}['{f}']", allow_zero=False)
            for f in FORMS}


@dataclass(frozen=True)
class Assumptions:
    """The dimensioning assumptions of notebook 05, validated (see :func:`assumptions`)."""

    graduate_share: float = GRADUATE_SHARE
    completion_rate: dict[str, float] = field(default_factory=lambda: dict(COMPLETION_RATES))
    stay_share: dict[str, float] = field(default_factory=lambda: dict(STAY_SHARES))
    exit_age: int = EXIT_AGE

    def as_dict(self) -> dict[str, Any]:
        return {"graduate_share": self.graduate_share,
                "completion_rate": dict(self.completion_rate),
                "stay_share": dict(self.stay_share), "exit_age": self.exit_age}


def assumptions(
    graduate_share: object = GRADUATE_SHARE,
    completion_rate: object = None,
    stay_share: object = None,
    exit_age: object = EXIT_AGE,
) -> Assumptions:
    """Validate the assumptions a participant set in the parameters cell.

    Accepts numbers or text ("0,7" from ``kompetens run --param``), one number for every
    form or a mapping per form (missing forms keep their defaults). Raises
    :class:`KompetensError` in Swedish naming the valid range.

    >>> assumptions("0,6", {"högskola": 0.5}).completion_rate["högskola"]
    0.5
    """
    share = _share(graduate_share, "graduate_share")
    completion = _per_form(COMPLETION_RATES if completion_rate is None else completion_rate,
                           "completion_rate", COMPLETION_RATES)
    stay = _per_form(STAY_SHARES if stay_share is None else stay_share, "stay_share",
                     STAY_SHARES)
    age = _number(exit_age, "exit_age")
    if age != int(age) or not 60 <= age <= 72:
        raise KompetensError(
            f"exit_age (utträdesålder) ska vara ett helt antal år mellan 60 och 72, t.ex. 66; "
            f"fick {exit_age!r}."
        )
    return Assumptions(share, completion, stay, int(age))


_ASSUMPTION_REASONS: dict[str, str] = {
    "graduate_share": "Resten av behovet möts av yrkesbytare, inflyttade, inpendlare och "
                      "arbetssökande.",
    "completion_rate": "Avrundade planeringsantaganden; jämför med Skolverkets, MYH:s och "
                       "UKÄ:s uppföljningar.",
    "stay_share": "Vuxenstuderande är bofasta, YH byggs med lokala arbetsgivare, "
                  "högskoleutbildade flyttar mest.",
    "exit_age": "Riktåldern för pension i början av 2020-talet; den höjs över tid.",
}


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def _assumptions_table(caption: str, rows: list[tuple[str, str, str, str]]) -> str:
    """An HTML table of assumptions: name, value in this run, default, reason."""
    head = "".join(f"<th style='text-align:left'>{h}</th>"
                   for h in ("Antagande", "Värde i den här körningen", "Förval", "Skäl"))
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row)
        + "</tr>" for row in rows)
    return (f"<table class='kompetens-antaganden'><caption>{caption}"
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def assumptions_html(a: Assumptions) -> str:
    """An HTML table of the assumptions with their values, defaults and reasons."""

    def per_form(values: Mapping[str, float]) -> str:
        return ", ".join(f"{FORM_LABELS[f].lower()} {_pct(values[f])}" for f in FORMS)

    rows = [
        ("Andel av behovet som nyexaminerade ska möta", _pct(a.graduate_share),
         _pct(GRADUATE_SHARE), _ASSUMPTION_REASONS["graduate_share"]),
        ("Andel som fullföljer utbildningen", per_form(a.completion_rate),
         per_form(COMPLETION_RATES), _ASSUMPTION_REASONS["completion_rate"]),
        ("Andel examinerade som stannar i länet", per_form(a.stay_share),
         per_form(STAY_SHARES), _ASSUMPTION_REASONS["stay_share"]),
        ("Utträdesålder (pension)", f"{a.exit_age} år", f"{EXIT_AGE} år",
         _ASSUMPTION_REASONS["exit_age"]),
    ]
    return _assumptions_table("Antaganden för dimensioneringen", rows)


def show_assumptions(a: Assumptions) -> None:
    """Display :func:`assumptions_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(assumptions_html(a)))


@dataclass(frozen=True)
class SupplyAssumptions:
    """The supply assumptions of notebook 03, validated (see :func:`supply_assumptions`)."""

    exit_age: int = EXIT_AGE
    graduate_stay_share: float = 0.8
    net_migration: float = 0.0


def supply_assumptions(
    exit_age: object = EXIT_AGE, graduate_stay_share: object = 0.8, net_migration: object = 0.0
) -> SupplyAssumptions:
    """Validate the supply assumptions set in notebook 03's parameters cell.

    ``exit_age`` is a whole number of years in 60–72; ``graduate_stay_share`` a share in
    [0, 1]; ``net_migration`` the yearly net in-migration as a share of the labour force,
    in [−0.05, 0.05]. Text such as "0,8" is accepted.

    >>> supply_assumptions("67", "0,75").graduate_stay_share
    0.75
    """
    age = _number(exit_age, "exit_age")
    if age != int(age) or not 60 <= age <= 72:
        raise KompetensError(
            f"exit_age (utträdesålder) ska vara ett helt antal år mellan 60 och 72, t.ex. 66; "
            f"fick {exit_age!r}."
        )
    stay = _share(graduate_stay_share, "graduate_stay_share")
    rate = _number(net_migration, "net_migration")
    if not -0.05 <= rate <= 0.05:
        raise KompetensError(
            f"net_migration ska vara nettoinflyttningen per år som andel av arbetskraften, "
            f"mellan -0,05 och 0,05 (t.ex. 0.005 för 0,5 %); fick {net_migration!r}."
        )
    return SupplyAssumptions(int(age), stay, rate)


def supply_assumptions_html(a: SupplyAssumptions) -> str:
    """An HTML table of the supply assumptions with their values, defaults and reasons."""
    rows = [
        ("Utträdesålder (pension)", f"{a.exit_age} år", f"{EXIT_AGE} år",
         _ASSUMPTION_REASONS["exit_age"]),
        ("Andel examinerade som stannar i länet", _pct(a.graduate_stay_share), "80 %",
         "Mellan gymnasiets 85 % och högskolans 50 %; ersätt med länets egen uppföljning."),
        ("Nettoinflyttning per år, andel av arbetskraften",
         f"{a.net_migration * 100:.1f} %".replace(".", ","), "0,0 %",
         ("Exempeldata saknar flyttflöden; SCB:s matchningsindikatorer har in- och "
          "utflyttade per utbildningsgrupp.")),
    ]
    return _assumptions_table("Antaganden för tillgången", rows)


def show_supply_assumptions(a: SupplyAssumptions) -> None:
    """Display :func:`supply_assumptions_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(supply_assumptions_html(a)))


def check_share(value: object, name: str) -> float:
    """A share in [0, 1] from a number or text ("0,5"); Swedish error otherwise.

    >>> check_share("0,5", "damping")
    0.5
    """
    return _share(value, name)


def need_table(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str = "fixed_share",
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
) -> pd.DataFrame:
    """Recruitment need per group in the county from the base year to the target year.

    ``need = replacement + max(expansion, 0)`` with replacement the retirements of the
    employed (:func:`kompetens_lib.retirements`) and expansion the change of the broken-down
    demand. Returns ``education_group``, ``short_name``, ``level``, ``period``, ``horizon``,
    ``replacement``, ``expansion``, ``need``, ``need_per_year``; largest need first.
    """
    code = resolve_region(region)
    chosen = resolve_method(method)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    demand = _breakdown("demand", chosen, base, source, damping)
    demand = demand[demand["region"] == code]
    employed = load("employed", source)
    rd = retirements(employed[employed["region"] == code], target - base, exit_age=exit_age,
                     base_year=base)
    need = recruitment_need(demand, rd, base_year=base)
    need["need_per_year"] = need["need"] / need["horizon"]
    need = _with_names(need)
    levels = education_groups().set_index("code")["level"]
    need.insert(3, "level", need["education_group"].map(levels).astype("string"))
    need = need.drop(columns="region").sort_values("need", ascending=False).reset_index(drop=True)
    need.attrs = {"region": code, "base_year": base, "target_year": target, "method": chosen}
    return need


def education_output(
    region: object, *, base_year: int | None = None, years: int = 3, source: Any = None
) -> pd.DataFrame:
    """Graduates per year in the county by group and form: mean of the last ``years`` years.

    Returns ``education_group``, ``form``, ``graduates``.
    """
    code = resolve_region(region)
    grads = load("graduates", source)
    base = int(grads["year"].max()) if base_year is None else int(base_year)
    recent = grads[(grads["region"] == code) & grads["year"].between(base - years + 1, base)]
    if recent.empty:
        raise KompetensError(
            f"Examinerade saknas för län {code} åren {base - years + 1}–{base}."
        )
    out = recent.groupby(["education_group", "form"], observed=True)["value"].sum() / years
    return out.rename("graduates").reset_index()


def need_vs_output(need: pd.DataFrame, output: pd.DataFrame, *, n: int = 12) -> pd.DataFrame:
    """Yearly recruitment need against graduates per year for the ``n`` groups with the
    largest need that have an education to plan (groups without graduates are left out).

    Returns ``education_group``, ``short_name``, ``need_per_year``, ``graduates`` and
    ``coverage`` (graduates ÷ yearly need).
    """
    per_group = output.groupby("education_group", observed=True)["graduates"].sum()
    frame = need[["education_group", "short_name", "need_per_year"]].copy()
    frame["graduates"] = frame["education_group"].map(per_group).fillna(0.0).astype(float)
    frame = frame[frame["graduates"] > 0].nlargest(n, "need_per_year")
    frame["coverage"] = np.where(frame["need_per_year"] > 0,
                                 frame["graduates"] / frame["need_per_year"], np.nan)
    return frame.reset_index(drop=True)


def places_table(
    need: pd.DataFrame, a: Assumptions | None = None, *, source: Any = None
) -> pd.DataFrame:
    """Starting places per year to plan, per group and form, from :func:`need_table`.

    Uses :func:`kompetens_lib.dimensioning` with the assumptions ``a`` and the national mix
    of graduates over forms. Returns ``education_group``, ``short_name``, ``form``,
    ``form_label``, ``yearly_need``, ``graduates_needed``, ``places``.
    """
    a = a or Assumptions()
    frame = need.copy()
    frame.insert(0, "region", need.attrs.get("region", "00"))
    frame["region"] = frame["region"].astype("string")
    dim = dimensioning(
        frame[["region", "education_group", "period", "horizon", "need"]],
        graduate_share=a.graduate_share, completion_rate=a.completion_rate,
        stay_share=a.stay_share, graduates=load("graduates", source),
    )
    dim = _with_names(dim.drop(columns=["region", "period"]))
    dim.insert(3, "form_label", dim["form"].map(FORM_LABELS).astype("string"))
    dim.attrs = {**need.attrs, **a.as_dict(), "excluded_groups": dim.attrs.get(
        "excluded_groups", [])}
    return dim.reset_index(drop=True)


#: The forms the regions' dimensioning mandate is about; university places are planned
#: nationally, so charts of places to plan leave them out by default.
REGIONAL_FORMS: tuple[str, ...] = ("gymnasium", "komvux", "yh")


def top_places(
    places: pd.DataFrame, *, n: int = 12, forms: Sequence[str] = REGIONAL_FORMS
) -> pd.DataFrame:
    """Rows of :func:`places_table` for the ``forms`` given, for the ``n`` groups with the
    most places in those forms (for :func:`kompetens_lib.present.charts.places_chart`)."""
    unknown = [f for f in forms if f not in FORMS]
    if unknown:
        raise KompetensError(
            f"Okända utbildningsformer: {', '.join(unknown)}. Giltiga former: {', '.join(FORMS)}."
        )
    chosen = places[places["form"].isin(list(forms))]
    top = chosen.groupby("education_group", observed=True)["places"].sum().nlargest(n).index
    return chosen[chosen["education_group"].isin(top)].reset_index(drop=True)


def places_sensitivity(
    need: pd.DataFrame,
    a: Assumptions | None = None,
    *,
    shares: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9),
    forms: Sequence[str] = REGIONAL_FORMS,
    source: Any = None,
) -> pd.DataFrame:
    """Places per year by form for several shares of the need that new graduates meet.

    Returns ``graduate_share``, ``form``, ``form_label``, ``places`` (all groups): how much
    the most debated assumption moves the answer. Places are proportional to the share.
    """
    a = a or Assumptions()
    rows = []
    for share in shares:
        varied = Assumptions(_share(share, "graduate_share"), a.completion_rate, a.stay_share,
                             a.exit_age)
        totals = places_by_form(places_table(need, varied, source=source))
        totals = totals[totals["form"].isin(list(forms))]
        rows.append(totals.assign(graduate_share=float(share)))
    out = pd.concat(rows, ignore_index=True)
    return out[["graduate_share", "form", "form_label", "places"]]


def places_by_form(places: pd.DataFrame) -> pd.DataFrame:
    """Totals per form: ``form``, ``form_label``, ``yearly_need``, ``graduates_needed``,
    ``places`` (all groups)."""
    out = places.groupby(["form", "form_label"], observed=True)[
        ["yearly_need", "graduates_needed", "places"]].sum().reset_index()
    order = {f: i for i, f in enumerate(FORMS)}
    return out.sort_values("form", key=lambda s: s.map(order)).reset_index(drop=True)


def key_figures_need(need: pd.DataFrame, places: pd.DataFrame, *, n: int = 5) -> dict:
    """Key figures of notebook 05 (section "behov") from :func:`need_table` and
    :func:`places_table`."""
    attrs = need.attrs
    code = attrs.get("region", "")
    totals = places_by_form(places)
    horizon = int(need["horizon"].iloc[0])
    return {
        "region": code,
        "region_name": region_name(code) if code else "",
        "need_period": str(need["period"].iloc[0]),
        "need_total": round_persons(need["need"].sum()),
        "need_replacement": round_persons(need["replacement"].sum()),
        "need_expansion": round_persons(need["expansion"].clip(lower=0).sum()),
        "need_per_year": round_persons(need["need"].sum() / horizon),
        "share_need_replacement": round(float(need["replacement"].sum() / need["need"].sum()),
                                        4) if need["need"].sum() else 0.0,
        "need_top_groups": [{"group": str(r.short_name), "need": round_persons(r.need)}
                            for r in need.head(n).itertuples()],
        "places_per_year": {str(r.form_label): round_persons(r.places)
                            for r in totals.itertuples()},
        "assumption_graduate_share": float(places.attrs.get("graduate_share", GRADUATE_SHARE)),
        "assumption_exit_age": int(places.attrs.get("exit_age", EXIT_AGE)),
    }


KEY_FIGURE_LABELS_NEED: dict[str, str] = {
    "need_period": "Period",
    "need_total": "Rekryteringsbehov under perioden",
    "need_replacement": "varav ersättningsbehov (pensionsavgångar)",
    "need_expansion": "varav expansionsbehov (växande grupper)",
    "need_per_year": "Rekryteringsbehov per år",
    "share_need_replacement": "Ersättningsbehovets andel av behovet",
    "need_top_groups": "Störst behov",
    "places_per_year": "Nybörjarplatser per år att planera för",
    "assumption_graduate_share": "Antagande: andel av behovet som nyexaminerade möter",
    "assumption_exit_age": "Antagande: utträdesålder",
}


# ----------------------------------------------------------------------------------------
# HTML tables for participants
# ----------------------------------------------------------------------------------------


def _fmt_count(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{round_persons(float(value)):,}".replace(",", "\u00a0").replace("-", "\u2212")


def _fmt_decimal(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{float(value):,.{digits}f}".replace(",", "\u00a0").replace(".", ",")
    return text.replace("-", "\u2212")


def _fmt_percent(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return _fmt_decimal(float(value) * 100, digits) + "\u00a0%"


_FORMATTERS = {
    "count": _fmt_count,
    "decimal": lambda v: _fmt_decimal(v, 1),
    "integer": lambda v: _fmt_decimal(v, 0),
    "percent": _fmt_percent,
    "text": lambda v: "" if v is None or v is pd.NA else str(v),
}


def table_html(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    formats: Mapping[str, str] | None = None,
    caption: str = "",
    note: str = "",
    css_class: str = "kompetens-tabell",
    empty_text: str = "Inga rader att visa.",
) -> str:
    """A small HTML table with Swedish headers and number formats.

    ``columns`` maps column → header (in display order); ``formats`` maps column → one of
    "count" (persons, rounded with :func:`round_persons`), "decimal", "integer", "percent"
    (share 0–1), "text" (default: "count" for numbers, "text" otherwise).
    """
    formats = dict(formats or {})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KompetensError(
            f"Tabellen saknar kolumnerna {', '.join(missing)}; den har "
            f"{', '.join(map(str, df.columns))}."
        )
    kinds = {}
    for column in columns:
        kind = formats.get(column) or (
            "count" if pd.api.types.is_numeric_dtype(df[column]) else "text")
        if kind not in _FORMATTERS:
            raise KompetensError(
                f"Okänt format {kind!r} för kolumnen {column!r}. Giltiga: "
                f"{', '.join(_FORMATTERS)}."
            )
        kinds[column] = kind
    head = "".join(
        f"<th style='text-align:{'left' if kinds[c] == 'text' else 'right'}'>"
        f"{html.escape(label)}</th>" for c, label in columns.items())
    rows = []
    for record in df[list(columns)].itertuples(index=False):
        cells = []
        for column, value in zip(columns, record):
            align = "left" if kinds[column] == "text" else "right"
            cells.append(f"<td style='text-align:{align}'>"
                         f"{html.escape(_FORMATTERS[kinds[column]](value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        rows.append(f"<tr><td colspan='{len(columns)}' style='text-align:left'>"
                    f"{html.escape(empty_text)}</td></tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = f"<p><small>{html.escape(note)}</small></p>" if note else ""
    return (f"<table class='{css_class}'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{foot}")


def show_table(df: pd.DataFrame, columns: Mapping[str, str], **kwargs: Any) -> None:
    """Display :func:`table_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(df, columns, **kwargs)))


def _direction(start: str, end: str) -> str:
    rank = {j: i for i, j in enumerate(JUDGEMENTS)}
    if start not in rank or end not in rank:
        return "–"
    if rank[end] < rank[start]:
        return "mot brist"
    if rank[end] > rank[start]:
        return "mot överskott"
    return "oförändrad"


def _judgement_cell(word: str) -> str:
    background, color = JUDGEMENT_STYLE.get(word, JUDGEMENT_STYLE[NOT_APPLICABLE])
    return (f"<td class='bedomning' data-bedomning='{html.escape(word)}' "
            f"style='background:{background};color:{color};text-align:left;"
            f"font-weight:600'>{html.escape(word)}</td>")


def traffic_light_html(
    table: pd.DataFrame,
    *,
    n: int | None = None,
    caption: str = "",
    note: str = "",
) -> str:
    """The judgement per group as a coloured table that also reads without colour.

    ``table`` is :func:`balance_table`; ``n`` keeps the ``n`` groups with the largest demand
    (in the table's order). Each judgement is printed as a word in a cell coloured on a
    red (shortage) – blue (surplus) scale, and a column says in words which way the group
    moved since the base year. A legend row lists the scale.
    """
    required = ["short_name", "supply", "demand", "balance", "ratio", "judgement_base",
                "judgement"]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise KompetensError(
            f"Trafikljustabellen behöver kolumnerna {', '.join(required)} (från "
            f"balance_table); {', '.join(missing)} saknas."
        )
    frame = table
    if n is not None:
        keep = table.nlargest(n, "demand").index
        frame = table.loc[table.index.isin(keep)]
    attrs = table.attrs
    base, target = attrs.get("base_year", "basåret"), attrs.get("target_year", "målåret")
    headers = ["Utbildningsgrupp", "Tillgång", "Efterfrågan", "Tillgång − efterfrågan",
               "Tillgång per 100 efterfrågade", f"Bedömning {base}", f"Bedömning {target}",
               "Riktning"]
    head = "".join(
        f"<th style='text-align:{'left' if i in (0, 5, 6, 7) else 'right'}'>{h}</th>"
        for i, h in enumerate(headers))
    rows = []
    for r in frame.itertuples(index=False):
        rows.append(
            "<tr>"
            f"<td style='text-align:left'>{html.escape(str(r.short_name))}</td>"
            f"<td style='text-align:right'>{_fmt_count(r.supply)}</td>"
            f"<td style='text-align:right'>{_fmt_count(r.demand)}</td>"
            f"<td style='text-align:right'>{_fmt_count(r.balance)}</td>"
            f"<td style='text-align:right'>{_fmt_decimal(r.ratio, 0)}</td>"
            f"{_judgement_cell(str(r.judgement_base))}{_judgement_cell(str(r.judgement))}"
            f"<td style='text-align:left'>{_direction(str(r.judgement_base), str(r.judgement))}"
            "</td></tr>")
    legend = " ".join(
        f"<span style='background:{bg};color:{fg};padding:1px 6px;border:1px solid #ccc;"
        f"white-space:nowrap'>{html.escape(word)}</span>"
        for word, (bg, fg) in JUDGEMENT_STYLE.items())
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = (f"<p><small>Skala från stram till god tillgång: {legend}</small></p>"
            + (f"<p><small>{html.escape(note)}</small></p>" if note else ""))
    return (f"<table class='kompetens-trafikljus'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{foot}")


def show_traffic_lights(table: pd.DataFrame, **kwargs: Any) -> None:
    """Display :func:`traffic_light_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(traffic_light_html(table, **kwargs)))
