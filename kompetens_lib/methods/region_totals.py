"""County totals for the constrained (RAS) breakdown: the county's population projection
times its base-year employment rates by age, so that a county's total follows its own
population and age structure instead of keeping its base-year share of the nation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import format_list, format_years
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES

__all__ = ["employment_rates", "population_region_totals"]


def _cubes(
    population: pd.DataFrame, history: pd.DataFrame, base_year: int
) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, tidy.Coded, list[int]]:
    keys = ["region", "age_band", "year"]
    pop = tidy.encode(tidy.require_frame(population, "population", [*keys, "value"]),
                      "population", keys, drop_national=True)
    hist = tidy.encode(tidy.require_frame(history, "history", [*keys, "value"]),
                       "history", keys, drop_national=True)
    bands = tuple(b for b in hist.uniques["age_band"])
    missing = [b for b in bands if b not in set(pop.uniques["age_band"])]
    if missing:
        raise KompetensError(
            f"Befolkningen saknar åldersgrupperna {format_list(missing)} som historiken har; "
            f"åldersgrupper i befolkningen: {format_list(pop.uniques['age_band'])}."
        )
    regions = tuple(c for c in COUNTY_CODES if c in set(hist.uniques["region"]))
    pop_years = sorted(pop.uniques["year"])
    if base_year not in hist.uniques["year"] or base_year not in pop_years:
        raise KompetensError(
            f"Basåret {base_year} måste finnas både i historiken och i befolkningen "
            f"(befolkningen har {format_years(pop_years)})."
        )
    base = tidy.cube(hist, {"region": regions, "age_band": bands, "year": [base_year]})[..., 0]
    return regions, bands, base, pop, pop_years


def employment_rates(
    population: pd.DataFrame, history: pd.DataFrame, base_year: int
) -> pd.DataFrame:
    """Base-year rate by county and age band: ``e[r, a] = H[r, a, 0] / P[r, a, 0]``.

    ``history`` is e.g. the employed (summed over groups), ``population`` the population
    table. Columns ``region``, ``age_band``, ``rate`` (0 where the county has nobody of
    that age). With the employed by workplace the rate includes net commuting.
    """
    regions, bands, base, pop, _ = _cubes(population, history, base_year)
    people = tidy.cube(pop, {"region": regions, "age_band": bands, "year": [base_year]})[..., 0]
    rate = np.divide(base, people, out=np.zeros_like(base), where=people > 0)
    return pd.DataFrame({
        "region": pd.array(np.repeat(regions, len(bands)), dtype="string"),
        "age_band": pd.array(np.tile(bands, len(regions)), dtype="string"),
        "rate": rate.reshape(-1),
    })


def population_region_totals(
    population: pd.DataFrame,
    history: pd.DataFrame,
    base_year: int,
    years: Sequence[int],
) -> pd.DataFrame:
    """County totals ``R[r, T] = Σ_a P[r, a, T] · H[r, a, 0] / P[r, a, 0]`` for RAS.

    ``P`` is the population (history and projection) by county and age band, ``H`` the
    history (e.g. employed, summed over groups) by county and age band, ``0`` the base year.
    Each county keeps its base-year employment rate by age (see :func:`employment_rates`);
    its total moves with its own projected population and age structure. The totals are
    in persons and do not in general add up to the national forecast: pass them to the
    constrained method with ``rescale_totals=True``, which keeps the counties' relative
    sizes and scales them to the national total.

    Returns ``region``, ``year``, ``value`` for every county of the history and every year
    in ``years``. The input frames are not modified.

    >>> pop = pd.DataFrame({"region": ["01", "01", "12", "12"], "age_band": ["25-34"] * 4,
    ...                     "year": [2023, 2030] * 2, "value": [100, 120, 100, 100]})
    >>> emp = pd.DataFrame({"region": ["01", "12"], "age_band": ["25-34"] * 2,
    ...                     "year": [2023, 2023], "value": [80, 70]})
    >>> population_region_totals(pop, emp, 2023, [2030])["value"].tolist()
    [96.0, 70.0]
    """
    regions, bands, base, pop, pop_years = _cubes(population, history, base_year)
    wanted = [int(y) for y in years]
    missing = [y for y in wanted if y not in set(pop_years)]
    if missing:
        raise KompetensError(
            f"Befolkningen saknar år {format_years(missing)}, som länstotalerna behöver. "
            f"År i befolkningen: {format_years(pop_years)}."
        )
    axis = sorted({base_year, *wanted})
    people = tidy.cube(pop, {"region": regions, "age_band": bands, "year": axis})
    at_base = people[..., axis.index(base_year)]
    rate = np.divide(base, at_base, out=np.zeros_like(base), where=at_base > 0)
    picked = people[..., [axis.index(y) for y in wanted]]
    totals = (picked * rate[..., None]).sum(axis=1)  # (R, T)
    return pd.DataFrame({
        "region": pd.array(np.repeat(regions, len(wanted)), dtype="string"),
        "year": np.tile(np.array(wanted, dtype=np.int64), len(regions)),
        "value": totals.reshape(-1),
    })
