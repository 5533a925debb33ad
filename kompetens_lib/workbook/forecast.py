"""What every notebook step starts from: the national forecast, the base and target years,
the forecast's horizons, method names and how persons are rounded for display."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.breakdown import (
    METHOD_LABELS,
    resolve_method,
)
from kompetens_lib.methods.region_totals import population_region_totals
from kompetens_lib.reference.taxonomy import (
    education_groups,
)

__all__ = [
    "COLUMN_LABELS",
    "DEFAULT_HORIZONS",
    "HISTORY_TABLES",
    "base_judgements",
    "breakdown_options",
    "forecast_base_year",
    "forecast_side",
    "group_short_names",
    "horizons_within",
    "method_label",
    "method_options",
    "national_forecast",
    "resolve_target_year",
    "round_persons",
    "with_short_names",
]

#: Which history each side of the forecast is broken down from: demand where people work
#: (employed by workplace), supply where they live (labour force by residence).
HISTORY_TABLES: dict[str, str] = {"demand": "employed", "supply": "labour_force"}
COLUMN_LABELS: dict[str, str] = {"demand": "Efterfrågan", "supply": "Tillgång"}

#: Retirement horizons from the base year. T&P ends in 2035; from base year 2023 the longest
#: horizon that can be set against the forecast's demand is 12 years.
DEFAULT_HORIZONS: tuple[int, ...] = (5, 10, 12)


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


def group_short_names() -> pd.Series:
    """Short Swedish name of every education group, indexed by code."""
    return education_groups().set_index("code")["short_name"].astype(str)


def with_short_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with ``short_name`` inserted after ``education_group``."""
    out = frame.copy()
    names = group_short_names()
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


def resolve_target_year(base: int, target_year: int | None, source: Any = None) -> int:
    """The target year: a forecast year after ``base``; default the forecast's last year.

    >>> resolve_target_year(2023, None)
    2035
    """
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


def base_judgements(national: pd.DataFrame, base: int) -> pd.DataFrame:
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


def forecast_side(column: str) -> str:
    """``column`` if it names a side of the forecast ("demand" or "supply"); Swedish error."""
    if column not in HISTORY_TABLES:
        raise KompetensError(
            f"Okänd sida av prognosen: {column!r}. Giltiga: 'demand' (efterfrågan) och "
            "'supply' (tillgång)."
        )
    return column


def method_options(method: str, damping: float) -> dict[str, Any]:
    """The breakdown options of the workbook's scenario for ``method``: λ for shift-share."""
    return {"damping": damping} if method == "shift_share" else {}


def breakdown_options(
    method: str, damping: float, *, column: str, base: int, source: Any = None,
    years: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Every breakdown option of the workbook's scenario for ``method``: λ for shift-share;
    for the constrained method (RAS) the county totals from the population projection
    times the base-year rates by age band, scaled to the national total
    (:func:`kompetens_lib.methods.region_totals.population_region_totals`). ``years``
    defaults to the forecast's years from ``base``. The one place that says how the
    workbook runs a method, so that every notebook shows the same figures.
    """
    options = method_options(method, damping)
    if method == "constrained":
        if years is None:
            last = int(load("national_forecast", source)["year"].max())
            years = range(int(base), last + 1)
        history = load(HISTORY_TABLES[forecast_side(column)], source)
        options["region_totals"] = population_region_totals(
            load("population", source), history, int(base), list(years))
        options["rescale_totals"] = True
    return options
