"""Industry-based breakdown: counties' industries grow with their national industry, and the
county's own industry × education mix turns industry demand into education groups.

T&P models demand by industry; a county's industry structure (a mine, a large hospital, an
industrial cluster) then moves its demand by education group, which the share methods of
:mod:`kompetens_lib.methods.breakdown` cannot do. The output has the same tidy shape as those
methods (``region``, ``education_group``, ``year``, ``value``), so it can join their range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share
from kompetens_lib._internal.text import format_list, format_years
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES

__all__ = ["DEFAULT_DAMPING", "METHOD_CODE", "METHOD_LABEL", "industry_breakdown", "industry_cube",
           "industry_mix", "industry_projection"]

METHOD_CODE = "industry"
METHOD_LABEL = "Näringsgrensbaserad"
#: λ, the damping of the regional differential: the same default as the shift-share method.
DEFAULT_DAMPING = 0.5
DEFAULT_WINDOW_YEARS = 10
_HISTORY_KEYS = ["region", "industry", "education_group", "year"]


def _history_cube(history: pd.DataFrame) -> tuple[tuple, tuple, tuple, np.ndarray, np.ndarray]:
    history = tidy.require_frame(history, "history", [*_HISTORY_KEYS, "value"])
    coded = tidy.encode(history, "history", _HISTORY_KEYS, "value", drop_national=True)
    regions = tuple(c for c in COUNTY_CODES if c in set(coded.uniques["region"]))
    industries = tuple(sorted(coded.uniques["industry"]))
    groups = tuple(sorted(coded.uniques["education_group"]))
    years = np.array(sorted(coded.uniques["year"]), dtype=np.int64)
    cube = tidy.cube(coded, {"year": years.tolist(), "region": regions, "industry": industries,
                             "education_group": groups}, duplicates_in="history")
    return regions, industries, groups, years, cube  # cube (Y, R, I, G)


def _needed_years(history: pd.DataFrame, base_year: object, window: object) -> pd.DataFrame:
    """The rows of the years the projection reads (the base year and the window's ends):
    a long history by industry is large, and the other years are never used."""
    history = tidy.require_frame(history, "history", [*_HISTORY_KEYS, "value"])
    column = history["year"].to_numpy()
    if column.dtype.kind not in "iu" or not len(column):
        return history  # the full validation names a bad year
    low = int(column.min())
    years = np.flatnonzero(np.bincount(column - low)) + low  # sorted, without hashing
    base = _base_year(years, base_year)
    first, last = _window(years, base, window)
    return history[(column == first) | (column == last) | (column == base)]


def _base_year(years: np.ndarray, base_year: object) -> int:
    if base_year is None:
        return int(years[-1])
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)):
        raise KompetensError(f"Basåret ska vara ett årtal (heltal), inte {base_year!r}.")
    if int(base_year) not in set(years.tolist()):
        raise KompetensError(f"Basåret {base_year} finns inte i historiken. Giltiga basår: "
                             f"{format_years(years)}.")
    return int(base_year)


def _window(years: np.ndarray, base: int, window: object) -> tuple[int, int]:
    if window is None:
        inside = years[(years <= base) & (years > base - DEFAULT_WINDOW_YEARS)]
        first, last = int(inside[0]), int(inside[-1])
    elif (isinstance(window, tuple) and len(window) == 2
          and all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in window)):
        first, last = int(window[0]), int(window[1])
    else:
        raise KompetensError(f"Fönstret ska anges som (första år, sista år), t.ex. (2014, 2023), "
                             f"inte {window!r}.")
    available = set(years.tolist())
    if first not in available or last not in available or last > base:
        raise KompetensError(f"Fönstret ({first}, {last}) måste ligga i historiken och sluta "
                             f"senast basåret {base}. År i historiken: {format_years(years)}.")
    if first >= last:
        if window is None:  # a single history year: no differential to carry forward
            return last, last
        raise KompetensError(f"Fönstret ({first}, {last}) ska ha första året före det sista.")
    return first, last


def _forecast_growth(forecast: pd.DataFrame, column: str, industries: tuple,
                     base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecast years (T,), levels (T, I) and growth factors 1 + g_iT (T, I) from the
    forecast's first year (its base year)."""
    forecast = tidy.require_frame(forecast, "industry_forecast", ["industry", "year", column])
    coded = tidy.encode(forecast, "industry_forecast", ["industry", "year"], column)
    missing = [i for i in industries if i not in set(coded.uniques["industry"])]
    if missing:
        raise KompetensError(
            f"Näringsgrenarna {format_list(missing)} finns i historiken men inte i "
            f"'industry_forecast'. Prognosen behöver varje näringsgren i historiken; "
            f"näringsgrenar i prognosen: {format_list(sorted(coded.uniques['industry']), 25)}.")
    years = np.array(sorted(coded.uniques["year"]), dtype=np.int64)
    if years.min() < base:
        raise KompetensError(
            f"Prognosåren i 'industry_forecast' måste vara basåret {base} eller senare, men "
            f"tabellen har {format_years(years[years < base])}.")
    levels = tidy.cube(coded, {"year": years.tolist(), "industry": industries},
                       duplicates_in="industry_forecast")
    first = levels[0]
    growth = np.divide(levels, first[None, :], out=np.ones_like(levels), where=first[None] > 0)
    return years, levels, growth


def _project(cube: np.ndarray, hist_years: np.ndarray, base: int, window: object,
             damping: float, growth: np.ndarray, levels: np.ndarray,
             years: np.ndarray) -> np.ndarray:
    """County × industry demand (T, R, I), adding up to the forecast per industry and year."""
    employed = cube.sum(axis=3)  # (Y, R, I)
    base_e = employed[int(np.searchsorted(hist_years, base))]
    y0, y1 = _window(hist_years, base, window)
    first = employed[int(np.searchsorted(hist_years, y0))]
    last = employed[int(np.searchsorted(hist_years, y1))]
    length = float(max(y1 - y0, 1))
    ratio_r = np.divide(last, first, out=np.ones_like(last), where=first > 0)
    nat_first, nat_last = first.sum(0), last.sum(0)
    ratio_n = np.divide(nat_last, nat_first, out=np.ones_like(nat_last), where=nat_first > 0)
    d = np.where(first > 0, ratio_r ** (1 / length) - ratio_n[None] ** (1 / length), 0.0)
    horizon = (years - base).astype(float)[:, None, None]
    weight = np.clip(base_e[None] * (growth[:, None, :] + damping * d[None] * horizon), 0, None)
    dead = weight.sum(axis=1, keepdims=True) <= 0
    weight = np.where(dead, base_e[None], weight)
    total = weight.sum(axis=1, keepdims=True)
    shares = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return shares * levels[:, None, :]


def _mix(cube: np.ndarray, hist_years: np.ndarray, base: int) -> np.ndarray:
    """Education mix (R, I, G) of each county's industries in the base year; the national
    mix of the industry where the county has nobody in it."""
    base_cube = cube[int(np.searchsorted(hist_years, base))]  # (R, I, G)
    national = base_cube.sum(axis=0)
    nat_total = national.sum(axis=1, keepdims=True)
    nat_mix = np.divide(national, nat_total, out=np.zeros_like(national), where=nat_total > 0)
    total = base_cube.sum(axis=2, keepdims=True)
    own = np.divide(base_cube, total, out=np.zeros_like(base_cube), where=total > 0)
    return np.where(total > 0, own, nat_mix[None])


class _Run:
    """Validated inputs and the county × industry projection (T, R, I) of one call."""

    def __init__(self, forecast: pd.DataFrame, history: pd.DataFrame, base_year: object,
                 column: str, window: object, damping: object) -> None:
        self.damping = check_share(
            damping, "Dämpningen (damping, λ)", text=False,
            hint="0 ger fasta andelar, 1 för hela den historiska förskjutningen framåt.")
        (self.regions, self.industries, self.groups, self.hist_years,
         self.cube) = _history_cube(_needed_years(history, base_year, window))
        self.base = _base_year(self.hist_years, base_year)
        self.years, levels, growth = _forecast_growth(forecast, column, self.industries,
                                                      self.base)
        base_total = self.cube[int(np.searchsorted(self.hist_years, self.base))].sum(axis=(0, 2))
        empty = [i for i, b, f in zip(self.industries, base_total, levels.max(axis=0))
                 if b <= 0 < f]
        if empty:
            raise KompetensError(
                f"Näringsgrenarna {format_list(empty)} har inga förvärvsarbetande i något län "
                f"basåret {self.base}, men en positiv prognos; den kan inte fördelas på län. "
                "Välj ett annat basår eller ta bort näringsgrenen ur prognosen.")
        self.projection = _project(self.cube, self.hist_years, self.base, window, self.damping,
                                   growth, levels, self.years)


def industry_mix(history: pd.DataFrame, base_year: int | None = None) -> pd.DataFrame:
    """Each county's education mix by industry in the base year (the staffing pattern).

    ``share[r, i, g] = H[r, i, g, 0] / Σ_g H[r, i, g, 0]``; where county ``r`` has nobody in
    industry ``i``, the national mix of ``i``. Rows for Riket ("00") hold the national mix.

    Returns ``region``, ``industry``, ``education_group``, ``share`` (shares add up to 1 per
    county and industry with employment anywhere).
    """
    regions, industries, groups, hist_years, cube = _history_cube(history)
    base = _base_year(hist_years, base_year)
    mix = _mix(cube, hist_years, base)
    national = cube[int(np.searchsorted(hist_years, base))].sum(axis=0)
    nat_total = national.sum(axis=1, keepdims=True)
    nat_mix = np.divide(national, nat_total, out=np.zeros_like(national), where=nat_total > 0)
    values = np.concatenate([nat_mix[None], mix])
    index = pd.MultiIndex.from_product([("00", *regions), industries, groups],
                                       names=["region", "industry", "education_group"])
    frame = pd.DataFrame({"share": values.reshape(-1)}, index=index).reset_index()
    return frame.astype({"region": "string", "industry": "string", "education_group": "string"})


def industry_projection(
    industry_forecast: pd.DataFrame,
    history: pd.DataFrame,
    base_year: int | None = None,
    *,
    column: str = "demand",
    window: tuple[int, int] | None = None,
    damping: float = DEFAULT_DAMPING,
) -> pd.DataFrame:
    """Demand by county × industry and year: shift-share on industries.

    ``W[r, i, T] = E[r, i, 0] · (1 + g_N[i, T] + λ · d[r, i] · (T − 0))`` clipped at 0 and
    ``X[r, i, T] = F[i, T] · W[r, i, T] / Σ_r W[r, i, T]``, with ``E`` the county's employed
    in the industry (``history`` summed over groups), ``F`` the national forecast by
    industry, ``1 + g_N[i, T] = F[i, T] / F[i, first forecast year]`` the national industry's
    growth (a rate, so the two inputs may be in different units) and ``d`` the county's
    annualised growth differential against the national industry over ``window`` (default
    the ten years up to the base year). λ = 0 keeps each county's base-year share of its
    industry. Counties add up to ``F`` for every industry and year.

    Returns ``region``, ``industry``, ``year``, ``value`` (float).
    """
    run = _Run(industry_forecast, history, base_year, column, window, damping)
    regions, industries, years, base, damping = (run.regions, run.industries, run.years,
                                                 run.base, run.damping)
    values = run.projection
    index = pd.MultiIndex.from_product([years.tolist(), regions, industries],
                                       names=["year", "region", "industry"])
    frame = pd.DataFrame({"value": values.reshape(-1)}, index=index).reset_index()
    frame = frame[["region", "industry", "year", "value"]].sort_values(
        ["region", "industry", "year"], ignore_index=True)
    frame = frame.astype({"region": "string", "industry": "string"})
    frame.attrs = {"method": METHOD_CODE, "base_year": base, "column": column,
                   "options": {"window": window, "damping": damping}}
    return frame


def industry_breakdown(
    national: pd.DataFrame | None,
    industry_forecast: pd.DataFrame,
    history: pd.DataFrame,
    base_year: int | None = None,
    *,
    column: str = "demand",
    forecast_column: str = "demand",
    window: tuple[int, int] | None = None,
    damping: float = DEFAULT_DAMPING,
) -> pd.DataFrame:
    """Break national demand down to the counties through their industries.

    First :func:`industry_projection` gives ``X[r, i, T]``; the county's own base-year mix
    ``m[r, i, g]`` (see :func:`industry_mix`) translates it into groups:
    ``Y[r, g, T] = Σ_i X[r, i, T] · m[r, i, g]``. With ``national`` (the national forecast
    by group, ``education_group``, ``year`` and ``column``) the counties are scaled to it:
    ``D[r, g, T] = N[g, T] · Y[r, g, T] / Σ_r Y[r, g, T]``, so that counties add up to
    Riket per group like every breakdown method; without it ``Y`` is returned.

    Parameters
    ----------
    national
        The national forecast by group (e.g. ``load("national_forecast")``), or None.
    industry_forecast
        ``industry``, ``year``, ``forecast_column``: the national forecast by industry.
    history
        ``region``, ``industry``, ``education_group``, ``year``, ``value`` (e.g.
        ``load("industry_employed")``); rows for Riket are dropped.
    base_year, window, damping
        As in :func:`industry_projection`; ``damping`` is λ in [0, 1].

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``year``, ``value`` (float), the frame shape of
        :func:`kompetens_lib.methods.breakdown.breakdown`; ``attrs["method"]`` is
        ``"industry"``. Input frames are not modified.

    >>> hist = pd.DataFrame({"region": ["01", "12"], "industry": ["C", "C"],
    ...                      "education_group": ["505", "505"], "year": [2023, 2023],
    ...                      "value": [100, 300]})
    >>> fc = pd.DataFrame({"industry": ["C", "C"], "year": [2023, 2030], "demand": [400, 800]})
    >>> industry_breakdown(None, fc, hist)["value"].tolist()
    [100.0, 200.0, 300.0, 600.0]
    """
    run = _Run(industry_forecast, history, base_year, forecast_column, window, damping)
    regions, groups, years, base = run.regions, run.groups, run.years, run.base
    cube, hist_years = run.cube, run.hist_years
    y = np.einsum("tri,rig->trg", run.projection, _mix(cube, hist_years, base))
    out_groups = groups
    if national is not None:
        y, years, out_groups = _scale_to_national(national, column, y, years, groups, cube,
                                                  hist_years, base)
    # Counties, groups and years are each sorted already: lay the rows out in that order.
    n_r, n_g, n_t = len(regions), len(out_groups), len(years)
    frame = pd.DataFrame({
        "region": pd.array(np.repeat(np.array(regions, dtype=object), n_g * n_t),
                           dtype="string"),
        "education_group": pd.array(np.tile(np.repeat(np.array(out_groups, dtype=object), n_t),
                                            n_r), dtype="string"),
        "year": np.tile(years, n_r * n_g),
        "value": y.transpose(1, 2, 0).reshape(-1),
    })
    frame.attrs = {"method": METHOD_CODE, "base_year": base, "column": column,
                   "options": {"window": window, "damping": run.damping}}
    return frame


def _scale_to_national(national: pd.DataFrame, column: str, y: np.ndarray, years: np.ndarray,
                       groups: tuple, cube: np.ndarray, hist_years: np.ndarray,
                       base: int) -> tuple[np.ndarray, np.ndarray, tuple]:
    national = tidy.require_frame(national, "national", ["education_group", "year", column])
    coded = tidy.encode(national, "national", ["education_group", "year"], column)
    nat_groups = tuple(sorted(coded.uniques["education_group"]))
    unknown = [g for g in nat_groups if g not in set(groups)]
    if unknown:
        raise KompetensError(
            f"Utbildningsgrupperna {format_list(unknown)} finns i 'national' men inte i "
            f"historiken efter näringsgren, så de kan inte fördelas på län.")
    nat_years = set(coded.uniques["year"])
    missing = [int(t) for t in years if int(t) not in nat_years]
    if missing:
        raise KompetensError(
            f"'national' saknar prognosåren {format_years(missing)} som finns i "
            f"'industry_forecast'. De två prognoserna behöver samma år.")
    levels = tidy.cube(coded, {"year": years.tolist(), "education_group": nat_groups},
                       duplicates_in="national")  # (T, G')
    pick = np.array([groups.index(g) for g in nat_groups], dtype=np.int64)
    y = y[:, :, pick]
    total = y.sum(axis=1, keepdims=True)
    # A group no industry projects anyone into keeps the base-year county shares.
    base_groups = cube[int(np.searchsorted(hist_years, base))].sum(axis=1)[:, pick]  # (R, G')
    fallback = base_groups / np.maximum(base_groups.sum(axis=0, keepdims=True), 1e-300)
    shares = np.where(total > 0, y / np.where(total > 0, total, 1.0), fallback[None])
    return shares * levels[:, None, :], years, nat_groups


def industry_cube(national: pd.DataFrame, industry_forecast: pd.DataFrame,
                  history: pd.DataFrame, base_year: int, *, regions: tuple[str, ...],
                  groups: tuple[str, ...], years: np.ndarray, column: str = "demand",
                  forecast_column: str = "demand", window: tuple[int, int] | None = None,
                  damping: float = DEFAULT_DAMPING) -> np.ndarray:
    """:func:`industry_breakdown` as a (T, R, G) array on the axes of the other breakdown
    methods (``years``, ``regions``, ``groups``), so it can join their range and back-test.

    Every one of ``years`` must be a year of ``industry_forecast`` and every county of
    ``regions`` a county of ``history``, or a Swedish error names what is missing.
    """
    frame = industry_breakdown(national, industry_forecast, history, base_year, column=column,
                               forecast_column=forecast_column, window=window,
                               damping=damping)
    have_years = set(frame["year"].astype(int).unique().tolist())
    missing = [int(y) for y in years if int(y) not in have_years]
    if missing:
        raise KompetensError(
            f"Prognosen efter näringsgren saknar åren {format_years(missing)}; "
            f"{METHOD_LABEL.lower()} nedbrytning behöver samma år som riksprognosen.")
    have_regions = set(frame["region"].astype(str).unique().tolist())
    absent = [r for r in regions if r not in have_regions]
    if absent:
        raise KompetensError(
            f"Länen {format_list(absent)} saknas i historiken efter näringsgren; "
            f"{METHOD_LABEL.lower()} nedbrytning behöver varje län.")
    cube = (frame.set_index(["year", "region", "education_group"])["value"]
            .reindex(pd.MultiIndex.from_product([list(years), list(regions), list(groups)]),
                     fill_value=0.0))
    return cube.to_numpy(dtype=float).reshape(len(years), len(regions), len(groups))
