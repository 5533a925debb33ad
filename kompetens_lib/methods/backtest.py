"""Back-test: run a breakdown method from an earlier base year, as if the national outcome
had been the forecast, and measure the error against what the counties really got.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import format_list, format_years
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import industry as industry_method
from kompetens_lib.methods import tidy
from kompetens_lib.methods.breakdown import (
    COMPARED_LABELS,
    METHOD_OPTIONS,
    METHODS,
    Prepared,
    check_options,
    resolve_method,
    run_method,
)
from kompetens_lib.reference.regions import COUNTY_CODES

__all__ = ["DEFAULT_BACKTEST_YEARS", "backtest"]

#: Default distance from base year to target year: 8 years (2015 → 2023 on data to 2023),
#: as long as the history allows while leaving five years for the trend window.
DEFAULT_BACKTEST_YEARS = 8

Level = Literal["cell", "region", "group", "total"]
_LEVELS = {"cell": "län och grupp", "region": "län", "group": "grupp", "total": "totalt"}


def backtest(
    history: pd.DataFrame,
    method: str | Sequence[str] = "fixed_share",
    base_year: int | None = None,
    target_year: int | None = None,
    *,
    level: Level = "region",
    **options: Any,
) -> pd.DataFrame:
    """Back-test breakdown methods on the history.

    The method sees only the history up to ``base_year``, and as "national forecast" the
    true national total of each group in ``target_year`` (the sum over the counties). Its
    county values ``F`` are compared with what the counties had, ``A``:

    ``error = F − A``; ``ape = 100 · |F − A| / A`` (cells with ``A = 0`` have no ape);
    ``mape`` = mean of ``ape`` over the cells; ``wape = 100 · Σ|F − A| / Σ A``, the
    weighted error, in which large groups count more. MAPE is dominated by small cells;
    WAPE says how many of the people were put in the wrong county.

    Parameters
    ----------
    history
        ``region``, ``education_group``, ``year``, ``value`` (e.g. ``load("employed")``;
        Riket rows and extra columns such as ``age_band`` are handled as in
        :func:`kompetens_lib.methods.breakdown`).
    method
        One method, a list, or ``"all"`` for all four. ``"industry"`` (the industry-based
        breakdown, :mod:`kompetens_lib.methods.industry`) needs the option
        ``industry_history`` (e.g. ``load("industry_employed")``): it projects the counties'
        industries from the base year with the true national outcome by industry in the
        target year (the sum over the counties of ``industry_history``) and translates them
        with the counties' base-year mixes; options ``window`` and ``damping`` as for it.
    base_year
        Default ``target_year − 8``.
    target_year
        Default the last year of the history.
    level
        ``"cell"`` (county × group: ``forecast``, ``actual``, ``error``, ``ape``),
        ``"region"`` (per county: ``mape``, ``wape``, ``n_groups``), ``"group"`` (per group
        over counties: ``mape``, ``wape``, ``n_regions``) or ``"total"`` (one row per method).
    **options
        Method options as in :func:`kompetens_lib.methods.breakdown` (``window`` must end by the
        base year); with several methods, each gets the options it knows.

    Returns
    -------
    DataFrame
        Key columns of the level, then ``method``, ``base_year``, ``target_year`` and the
        measures above. Groups that had nobody at the base year cannot be broken down and
        are listed in ``attrs["excluded_groups"]``.

    >>> hist = pd.DataFrame({"region": ["01", "12"] * 2, "education_group": "108",
    ...                      "year": [2015, 2015, 2023, 2023], "value": [100, 100, 150, 50]})
    >>> result = backtest(hist, base_year=2015, target_year=2023)
    >>> result[["region", "mape"]].round(1).values.tolist()  # forecast 100 each; actual 150, 50
    [['01', 33.3], ['12', 100.0]]
    """
    if isinstance(method, str) and method.strip().casefold() in ("all", "alla"):
        methods = list(METHODS)
    elif isinstance(method, str):
        methods = [_resolve(method)]
    else:
        methods = [_resolve(m) for m in method]
        if not methods:
            raise KompetensError(f"Ange minst en metod. Giltiga metoder: {', '.join(METHODS)}.")
    if level not in _LEVELS:
        listing = ", ".join(f"'{k}' ({v})" for k, v in _LEVELS.items())
        raise KompetensError(f"Okänd nivå {level!r}. Giltiga nivåer: {listing}.")
    if len(methods) == 1 and methods[0] != INDUSTRY:
        check_options(methods[0], options)
    else:
        known = {k for m in methods for k in _method_options(m)}
        unknown = [k for k in options if k not in known]
        if unknown:
            raise KompetensError(
                f"Okänt val {format_list(unknown)}. Giltiga val för metoderna: "
                f"{', '.join(sorted(known)) or 'inga'}."
            )

    keys = ["region", "education_group", "year"]
    frame = tidy.require_frame(history, "history", [*keys, "value"])
    coded = tidy.encode(frame, "history", keys, drop_national=True)
    extra = set(frame.columns) - {*keys, "value"}
    years = sorted(coded.uniques["year"])
    if target_year is None:
        target_year = years[-1]
    if target_year not in years:
        raise KompetensError(
            f"Målåret {target_year} finns inte i historiken. Giltiga målår: "
            f"{format_years(years[1:])}."
        )
    if base_year is None:
        base_year = int(target_year) - DEFAULT_BACKTEST_YEARS
    if base_year not in years or base_year >= target_year:
        raise KompetensError(
            f"Basåret {base_year} går inte att använda: det ska finnas i historiken och ligga "
            f"före målåret {target_year}. Giltiga basår: "
            f"{format_years([y for y in years if y < target_year])}."
        )
    regions = tuple(c for c in COUNTY_CODES if c in set(coded.uniques["region"]))
    groups_all = tuple(sorted(coded.uniques["education_group"]))
    past = [y for y in years if y <= base_year]
    cube = tidy.cube(
        coded,
        {"year": [*past, target_year], "region": regions, "education_group": groups_all},
        duplicates_in=None if extra else "history",
    )
    hist, actual = cube[:-1], cube[-1]  # (Y, R, G), (R, G)
    usable = hist[-1].sum(axis=0) > 0
    excluded = [g for g, ok in zip(groups_all, usable) if not ok]
    groups = tuple(g for g, ok in zip(groups_all, usable) if ok)
    if not groups:
        raise KompetensError(
            f"Ingen utbildningsgrupp har personer i länen basåret {base_year}; välj ett annat "
            "basår."
        )
    hist, actual = hist[:, :, usable], actual[:, usable]
    prepared = Prepared(
        regions=regions,
        groups=groups,
        hist_years=np.array(past, dtype=np.int64),
        hist=hist,
        years=np.array([target_year], dtype=np.int64),
        national=actual.sum(axis=0)[None, :],
        base_year=int(base_year),
        column="value",
    )
    parts = []
    for m in methods:
        opts = {k: v for k, v in options.items() if k in _method_options(m)}
        forecast = (_industry_forecast(prepared, int(target_year), **opts) if m == INDUSTRY
                    else run_method(prepared, m, opts)[0][0])  # (R, G)
        parts.append(_measure(forecast, actual, regions, groups, m, level))
    out = pd.concat(parts, ignore_index=True)
    out.insert(out.columns.get_loc("method") + 1, "base_year", int(base_year))
    out.insert(out.columns.get_loc("base_year") + 1, "target_year", int(target_year))
    out.attrs = {"excluded_groups": excluded, "level": level}
    return out


INDUSTRY = industry_method.METHOD_CODE
_INDUSTRY_OPTIONS = ("industry_history", "window", "damping")


def _resolve(method: object) -> str:
    text = str(method).strip().casefold()
    if text in (INDUSTRY, COMPARED_LABELS[INDUSTRY].casefold()):
        return INDUSTRY
    return resolve_method(method)


def _method_options(method: str) -> tuple[str, ...]:
    return _INDUSTRY_OPTIONS if method == INDUSTRY else METHOD_OPTIONS[method]


def _industry_forecast(p: Prepared, target_year: int, industry_history: pd.DataFrame | None = None,
                       window: tuple[int, int] | None = None,
                       damping: float = industry_method.DEFAULT_DAMPING) -> np.ndarray:
    """The industry-based breakdown from the base year, given the true national outcome by
    industry and by group in the target year: (R, G) for the target year."""
    if industry_history is None:
        raise KompetensError(
            f"Bakåttestet av {COMPARED_LABELS[INDUSTRY].lower()} nedbrytning behöver "
            "historiken efter näringsgren: industry_history=load('industry_employed').")
    frame = tidy.require_frame(industry_history, "industry_history",
                               ["region", "industry", "education_group", "year", "value"])
    # Only the years up to the base year and the target year are read: filter on the years
    # first (a long history by industry is large).
    year = pd.to_numeric(frame["year"], errors="coerce").to_numpy()
    frame = frame[(year <= p.base_year) | (year == target_year)]
    counties = frame[frame["region"].astype(str) != "00"]
    years = set(counties["year"].astype(int).unique().tolist())
    missing = [y for y in (p.base_year, target_year) if y not in years]
    if missing:
        raise KompetensError(
            f"Historiken efter näringsgren saknar åren {format_years(missing)}; bakåttestet "
            f"behöver basåret {p.base_year} och målåret {target_year}.")
    ends = counties[counties["year"].isin([p.base_year, target_year])]
    by_industry = ends.groupby(["industry", "year"], as_index=False, observed=True)["value"].sum()
    national = pd.DataFrame({"education_group": list(p.groups), "year": target_year,
                             "value": p.national[0]})
    national = pd.concat([national.assign(year=p.base_year, value=p.base.sum(axis=0)),
                          national], ignore_index=True)
    cube = industry_method.industry_cube(
        national, by_industry, counties[counties["year"] <= p.base_year], p.base_year,
        regions=p.regions, groups=p.groups, years=np.array([target_year]), column="value",
        forecast_column="value", window=window, damping=damping)
    return cube[0]


def _measure(
    forecast: np.ndarray,
    actual: np.ndarray,
    regions: tuple[str, ...],
    groups: tuple[str, ...],
    method: str,
    level: str,
) -> pd.DataFrame:
    error = forecast - actual
    with np.errstate(divide="ignore", invalid="ignore"):
        ape = np.where(actual > 0, 100.0 * np.abs(error) / actual, np.nan)
    if level == "cell":
        n_r, n_g = forecast.shape
        return pd.DataFrame(
            {
                "region": pd.array(np.repeat(np.array(regions, dtype=object), n_g), dtype="string"),
                "education_group": pd.array(
                    np.tile(np.array(groups, dtype=object), n_r), dtype="string"
                ),
                "method": pd.array([method] * (n_r * n_g), dtype="string"),
                "forecast": forecast.reshape(-1),
                "actual": actual.reshape(-1),
                "error": error.reshape(-1),
                "ape": ape.reshape(-1),
            }
        )
    axis = {"region": 1, "group": 0, "total": None}[level]
    valid = np.isfinite(ape)
    n = valid.sum(axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = np.where(n > 0, np.nansum(ape, axis=axis) / np.maximum(n, 1), np.nan)
        total_actual = actual.sum(axis=axis)
        wape = np.where(
            total_actual > 0, 100.0 * np.abs(error).sum(axis=axis) / total_actual, np.nan
        )
    if level == "total":
        return pd.DataFrame(
            {
                "method": pd.array([method], dtype="string"),
                "mape": [float(mape)],
                "wape": [float(wape)],
                "n_cells": [int(n)],
            }
        )
    key, labels, count = (
        ("region", regions, "n_groups")
        if level == "region"
        else ("education_group", groups, "n_regions")
    )
    return pd.DataFrame(
        {
            key: pd.array(np.array(labels, dtype=object), dtype="string"),
            "method": pd.array([method] * len(labels), dtype="string"),
            "mape": mape,
            "wape": wape,
            count: n.astype(np.int64),
        }
    )
