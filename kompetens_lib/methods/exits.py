"""Permanent exits of the employed, spread over the horizon by a hazard per year of age:
retirements, deaths, other permanent exits and net out-migration, each a named parameter.

Replaces the step rule of :func:`kompetens_lib.methods.supply.retirements` (everyone at or
above ``exit_age − T`` leaves by ``T``, so everyone aged 65–74 leaves in year one) with a
yearly hazard: a person aged ``x`` in year ``t`` leaves during that year with probability
``h(x) = h_ret(x) + h_death(x) + h_other(x) + h_mig``, and the causes compete
(``exits_c(T) = Σ_t S(t−1) · h_c(x+t−1)``, ``S`` the share still employed).

Sources of the default figures (rounded; replace them with the county's own where known):

- Retirement: Pensionsmyndigheten reports an average exit age from working life of about
  64.5–65 years in the early 2020s, and a "riktålder" of 66 from 2026 (guaranteed pension
  from 66). :data:`RETIREMENT_HAZARD` spreads exits from 60 on, with the largest step at the
  exit age (default :data:`~kompetens_lib.methods.supply.EXIT_AGE` = 66) and 25 % a year of
  those still working after it; with these hazards the mean exit age of a 55-year-old who
  works on is about 64.9.
- Deaths: SCB's life tables (*livslängdstabeller*, both sexes, early 2020s) give a yearly
  risk of death of about 0.08 % at 40, 0.5 % at 60 and 1.3 % at 70; :data:`MORTALITY`
  is the Gompertz curve ``q(x) = 2.06e-5 · exp(0.0916 · x)`` through those points.
- Other permanent exits (sickness compensation, leaving the labour force for good):
  Försäkringskassan grants sickness compensation (*sjukersättning*) to the order of 15 000
  people a year, about 0.3 % of the employed: :data:`OTHER_EXIT_RATE` = 0.003 a year, ages
  below the exit age.
- Net out-migration of the employed (abroad, or out of the county beyond what the supply
  model counts): :data:`NET_OUT_MIGRATION` = 0, an assumption to set in the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_number
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.reference.taxonomy import AGE_BANDS

__all__ = [
    "EXIT_CAUSES",
    "EXIT_CAUSE_LABELS",
    "MORTALITY",
    "NET_OUT_MIGRATION",
    "OTHER_EXIT_RATE",
    "RETIREMENT_HAZARD",
    "exit_hazards",
    "exits",
    "yearly_exit_rates",
]

EXIT_CAUSES: tuple[str, ...] = ("retirements", "deaths", "other_exits", "net_out_migration")
EXIT_CAUSE_LABELS: dict[str, str] = {
    "retirements": "Pensionsavgångar",
    "deaths": "Dödsfall",
    "other_exits": "Andra permanenta avgångar",
    "net_out_migration": "Nettoutflyttning",
}

#: Yearly retirement hazard of the still employed, by age relative to the exit age ``k``:
#: small from 60 (early pension, occupational schemes), the largest step at ``k``, and a
#: quarter a year of those still working after it. Nobody works past 74 (the age bands).
RETIREMENT_HAZARD: dict[str, float] = {
    "from_60": 0.04,      # ages 60 … k−3
    "k-2": 0.08,
    "k-1": 0.15,
    "k": 0.45,
    "after_k": 0.25,
}
#: Gompertz mortality ``q(x) = a · exp(b · x)``, fitted to SCB's life tables (see above).
MORTALITY: dict[str, float] = {"a": 2.06e-5, "b": 0.0916}
#: Other permanent exits a year below the exit age (see the module docstring).
OTHER_EXIT_RATE = 0.003
#: Net out-migration of the employed a year (share); a scenario assumption, default 0.
NET_OUT_MIGRATION = 0.0

_AGES = np.arange(16, 76)  # single ages 16 … 75 (75: everyone leaves the age bands)


def _check_rate(value: object, name: str, low: float = 0.0, high: float = 0.2) -> float:
    rate = check_number(value, name)
    if not low <= rate <= high:
        raise KompetensError(
            f"{name} ska vara en andel per år mellan {low:g} och {high:g} (t.ex. 0.003); "
            f"fick {value!r}."
        )
    return float(rate)


def exit_hazards(
    exit_age: int = 66,
    *,
    retirement_hazard: Mapping[str, float] = RETIREMENT_HAZARD,
    mortality: Mapping[str, float] = MORTALITY,
    other_exit_rate: float = OTHER_EXIT_RATE,
    net_out_migration: float = NET_OUT_MIGRATION,
) -> pd.DataFrame:
    """Yearly hazard of each exit cause by single age 16–74.

    Returns ``age`` and one column per cause in :data:`EXIT_CAUSES` (probability of leaving
    during a year at that age for that cause, competing causes not yet removed).

    >>> h = exit_hazards(66).set_index("age")
    >>> float(h.loc[66, "retirements"]), float(h.loc[50, "retirements"])
    (0.45, 0.0)
    """
    if isinstance(exit_age, bool) or not isinstance(exit_age, (int, np.integer)) or not (
        62 <= exit_age <= 74
    ):
        raise KompetensError(
            f"Utträdesåldern ska vara ett heltal mellan 62 och 74 för avgångsrisken per år; "
            f"fick {exit_age!r}."
        )
    other = _check_rate(other_exit_rate, "other_exit_rate")
    migration = _check_rate(net_out_migration, "net_out_migration", -0.05, 0.05)
    k = int(exit_age)
    ages = np.arange(16, 75)
    ret = np.zeros(len(ages))
    ret[(ages >= 60) & (ages <= k - 3)] = retirement_hazard["from_60"]
    ret[ages == k - 2] = retirement_hazard["k-2"]
    ret[ages == k - 1] = retirement_hazard["k-1"]
    ret[ages == k] = retirement_hazard["k"]
    ret[ages > k] = retirement_hazard["after_k"]
    death = np.minimum(float(mortality["a"]) * np.exp(float(mortality["b"]) * ages), 1.0)
    other_h = np.where(ages < k, other, 0.0)
    return pd.DataFrame({
        "age": ages.astype(np.int64),
        "retirements": ret,
        "deaths": death,
        "other_exits": other_h,
        "net_out_migration": np.full(len(ages), migration),
    })


def _cause_matrix(horizons: Sequence[int], hazards: pd.DataFrame) -> np.ndarray:
    """(C, A, H): share of an age band's employed leaving by cause within each horizon.

    Ages are uniform within the band; a person aged x at the base year is x + t − 1 during
    year t; at 75 the remaining leave as retirements (they leave the age bands).
    """
    table = hazards.set_index("age")
    h = np.zeros((len(EXIT_CAUSES), 76 + max(horizons)))
    for c, cause in enumerate(EXIT_CAUSES):
        h[c, 16:75] = table[cause].to_numpy(dtype=float)
    h[0, 75:] = 1.0  # nobody stays in the 16–74 bands past 74
    out = np.zeros((len(EXIT_CAUSES), len(AGE_BANDS), len(horizons)))
    longest = max(horizons)
    for a, band in enumerate(AGE_BANDS):
        lo, _, hi = band.partition("-")
        ages = np.arange(int(lo), int(hi) + 1)
        alive = np.ones(len(ages))
        left = np.zeros((len(EXIT_CAUSES), len(ages)))
        for t in range(1, longest + 1):
            rate = h[:, ages + t - 1]  # (C, n)
            total = np.minimum(rate.sum(axis=0), 1.0)
            scale = np.divide(total, rate.sum(axis=0), out=np.zeros(len(ages)),
                              where=rate.sum(axis=0) > 0)
            left += alive[None] * rate * scale[None]
            alive = alive * (1.0 - total)
            if t in horizons:
                out[:, a, list(horizons).index(t)] = left.mean(axis=1)
    return out


def exits(
    employed: pd.DataFrame,
    horizon: int | Sequence[int] = (5, 10, 15),
    *,
    exit_age: int = 66,
    base_year: int | None = None,
    hazards: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Permanent exits of the base year's employed within each horizon, by cause.

    ``EXITS_c[r, g, T] = Σ_a E[r, g, a, 0] · P_c(a, T)`` with ``P_c`` the cumulative share
    leaving for cause ``c`` by ``T`` under the yearly hazards of :func:`exit_hazards`.

    Parameters
    ----------
    employed
        ``region``, ``education_group``, ``age_band``, ``year``, ``value`` (Riket is dropped;
        other columns are summed over).
    horizon
        Years ahead, an int or a list.
    exit_age
        The age of the largest retirement step (default 66).
    base_year
        Default the last year in ``employed``.
    hazards
        A table as returned by :func:`exit_hazards`; default ``exit_hazards(exit_age)``.

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``horizon``, ``year``, one column per cause of
        :data:`EXIT_CAUSES` and ``value`` (their sum), persons, cumulative. The input is not
        modified.

    >>> emp = pd.DataFrame({"region": "12", "education_group": "108", "year": 2023,
    ...                     "age_band": ["35-44"], "value": [1000]})
    >>> round(float(exits(emp, 1)["deaths"].iloc[0]), 2)  # 1000 · mean q(35…44)
    0.72
    """
    horizons = tidy.years_list(horizon, "horizon")
    if horizons[0] < 1:
        raise KompetensError(f"Horisonten ska vara heltal ≥ 1 (år framåt); fick {horizon!r}.")
    hazards = exit_hazards(exit_age) if hazards is None else hazards
    keys = ["region", "education_group", "age_band", "year"]
    frame = tidy.require_frame(employed, "employed", [*keys, "value"])
    coded = tidy.encode(frame, "employed", keys, drop_national=True)
    years = sorted(coded.uniques["year"])
    base = int(years[-1]) if base_year is None else int(base_year)
    if base not in years:
        raise KompetensError(f"Basåret {base} finns inte i 'employed'.")
    regions = tuple(c for c in COUNTY_CODES if c in set(coded.uniques["region"]))
    groups = tuple(sorted(coded.uniques["education_group"]))
    cube = tidy.cube(
        coded,
        {"year": [base], "region": regions, "education_group": groups, "age_band": AGE_BANDS},
    )[0]  # (R, G, A)
    shares = _cause_matrix(horizons, hazards)  # (C, A, H)
    leaving = np.einsum("rga,cah->crgh", cube, shares)
    n_r, n_g, n_h = leaving.shape[1:]
    out = pd.DataFrame({
        "region": pd.array(np.repeat(np.array(regions, dtype=object), n_g * n_h),
                           dtype="string"),
        "education_group": pd.array(
            np.tile(np.repeat(np.array(groups, dtype=object), n_h), n_r), dtype="string"),
        "horizon": np.tile(np.array(horizons, dtype=np.int64), n_r * n_g),
        "year": np.tile(np.array(horizons, dtype=np.int64) + base, n_r * n_g),
    })
    for c, cause in enumerate(EXIT_CAUSES):
        out[cause] = leaving[c].reshape(-1)
    out["value"] = leaving.sum(axis=0).reshape(-1)
    out.attrs = {"base_year": base, "exit_age": int(exit_age)}
    return out


def yearly_exit_rates(
    employed: pd.DataFrame, horizon: int = 10, *, exit_age: int = 66,
    base_year: int | None = None,
) -> pd.DataFrame:
    """Exits during each single year 1 … ``horizon`` as a share of the base-year employed
    (all counties and groups together): ``year_ahead``, ``exits``, ``share``.

    Shows that exits are spread over the horizon: year one is close to the yearly mean.
    """
    out = exits(employed, list(range(1, horizon + 1)), exit_age=exit_age, base_year=base_year)
    cumulative = out.groupby("horizon")["value"].sum().sort_index()
    base = out.attrs["base_year"]
    total = float(employed.loc[(employed["year"] == base)
                               & (employed["region"] != "00"), "value"].sum())
    yearly = cumulative.diff().fillna(cumulative)
    return pd.DataFrame({"year_ahead": cumulative.index.astype(np.int64),
                         "exits": yearly.to_numpy(),
                         "share": yearly.to_numpy() / total if total else np.nan})
