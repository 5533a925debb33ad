"""The scenario of a notebook run: validate what a participant or papermill put in the
parameters cell, and hand the validated :class:`Params` to every table function."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

from kompetens_lib._internal.checks import check_flag, check_number, check_share
from kompetens_lib.data.tables import SOURCE_ENV, available_years, source_note
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.breakdown import DEFAULT_DAMPING, resolve_method
from kompetens_lib.methods.exits import NET_OUT_MIGRATION
from kompetens_lib.methods.need import OPENINGS
from kompetens_lib.methods.supply import (
    EXIT_AGE,
    check_exit_age,
    check_participation_change,
)
from kompetens_lib.methods.uncertainty import DEFAULT_CREDIBILITY, DEFAULT_QUANTILE
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.reference.taxonomy import AGE_BANDS

__all__ = ["BASES", "RAS_TOTALS", "SCENARIO_DEFAULTS", "Params", "check_scenario",
           "check_share", "scenario", "validate"]

#: How the balance is computed (parameter ``basis``). "workplace" (default): the county's
#: own supply (its cohort flow: ages, graduates, migration, exits) put on the workplace
#: basis by adding net in-commuting, against demand by workplace from the breakdown.
#: "breakdown": both sides broken down from T&P by the same method (every county then gets
#: the national judgement under the fixed share, and S/D mixes commuting into shortage).
BASES: tuple[str, ...] = ("workplace", "breakdown")
#: Where the constrained method (RAS) takes its county totals (parameter ``ras_totals``):
#: "population" (default) the county's population projection times its base-year rate by
#: age band; "base_share" each county keeps its base-year share of the total.
RAS_TOTALS: tuple[str, ...] = ("population", "base_share")

#: The scenario parameters of notebooks 02–06 beyond county, years and method, with their
#: defaults (the forecast's own assumptions: no scenario).
SCENARIO_DEFAULTS: dict[str, object] = {
    "damping": DEFAULT_DAMPING,
    "credibility": DEFAULT_CREDIBILITY,
    "band_quantile": DEFAULT_QUANTILE,
    "ras_totals": "population",
    "exit_age": EXIT_AGE,
    "net_out_migration": NET_OUT_MIGRATION,
    "net_migration": 0.0,
    "participation_change": 0.0,
    "participation_bands": tuple(AGE_BANDS),
    "openings": "max",
    "basis": "workplace",
}


@dataclass(frozen=True)
class Params:
    """Validated notebook parameters: the scenario the notebook's tables are computed for.

    Every workbook table function takes a Params as its first argument in place of the
    county, and then takes the base year, target year, method and data source from it
    (``balance_table(p)``); arguments given explicitly win.
    """

    region: str
    region_name: str
    base_year: int
    source: str
    source_note: str
    target_year: int | None = None
    method: str | None = None
    interactive: bool = False
    damping: float = DEFAULT_DAMPING
    credibility: float = DEFAULT_CREDIBILITY
    band_quantile: float = DEFAULT_QUANTILE
    ras_totals: str = "population"
    exit_age: int = EXIT_AGE
    net_out_migration: float = NET_OUT_MIGRATION
    net_migration: float = 0.0
    participation_change: float = 0.0
    participation_bands: tuple[str, ...] = tuple(AGE_BANDS)
    openings: str = "max"
    basis: str = "workplace"

    def as_dict(self) -> dict:
        return asdict(self)


def scenario(
    region: object,
    base_year: Any = None,
    target_year: Any = None,
    method: Any = None,
    source: Any = None,
) -> tuple[object, Any, Any, Any, Any]:
    """``(region, base_year, target_year, method, source)`` with what a :class:`Params` in
    ``region`` supplies wherever the caller gave None; anything else passes unchanged.

    >>> p = Params("12", "Skåne län", 2023, "example", "", target_year=2030)
    >>> scenario(p, target_year=2035)
    ('12', 2023, 2035, None, 'example')
    >>> scenario("12", 2020)
    ('12', 2020, None, None, None)
    """
    if not isinstance(region, Params):
        return region, base_year, target_year, method, source
    p = region
    return (
        p.region,
        p.base_year if base_year is None else base_year,
        p.target_year if target_year is None else target_year,
        p.method if method is None else method,
        p.source if source is None else source,
    )


def _as_year(value: object, name: str, valid: list[int]) -> int:
    span = f"{valid[0]}–{valid[-1]}"
    if isinstance(value, bool):
        raise KompetensError(f"Parametern {name} ska vara ett årtal ({span}), inte {value!r}.")
    try:
        year = int(str(value).strip())
    except ValueError:
        raise KompetensError(
            f"Parametern {name} ska vara ett årtal, t.ex. {valid[-1]}; fick {value!r}. "
            f"Giltiga år: {span}."
        ) from None
    if year not in valid:
        raise KompetensError(f"{name} = {year} finns inte i data. Giltiga år: {span}.")
    return year


def _rate(value: object, name: str, low: float, high: float, example: str, what: str) -> float:
    try:
        rate = check_number(value, name)
    except KompetensError:
        rate = float("nan")
    if not low <= rate <= high:
        raise KompetensError(
            f"Parametern {name} ska vara {what}, mellan {low:.10g} och {high:.10g} (t.ex. "
            f"{example}); fick {value!r}.")
    return rate


def _choice(value: object, name: str, valid: tuple[str, ...], meaning: str) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else value
    if text not in valid:
        listing = " eller ".join(f"'{v}'" for v in valid)
        raise KompetensError(f"Parametern {name} ska vara {listing} ({meaning}); fick {value!r}.")
    return str(text)


def _bands(value: object) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    try:
        bands = tuple(str(b).strip() for b in items)  # type: ignore[union-attr]
    except TypeError:
        bands = ()
    if not bands or any(b not in AGE_BANDS for b in bands):
        raise KompetensError(
            f"Parametern participation_bands ska vara en lista med åldersgrupper bland "
            f"{', '.join(AGE_BANDS)}, t.ex. [\"55-64\", \"65-74\"]; fick {value!r}.")
    return bands


def check_scenario(**values: object) -> dict[str, object]:
    """The scenario parameters given (names in :data:`SCENARIO_DEFAULTS`), validated and
    normalised; a Swedish error names the parameter and its valid range.

    >>> check_scenario(participation_change="2,5", openings="NET")
    {'participation_change': 2.5, 'openings': 'net'}
    """
    unknown = [k for k in values if k not in SCENARIO_DEFAULTS]
    if unknown:
        raise KompetensError(f"Okänd scenarioparameter: {', '.join(unknown)}. Giltiga: "
                             f"{', '.join(SCENARIO_DEFAULTS)}.")
    checks = {
        "damping": lambda v: check_share(v, "damping", hint="0 ger fast andel, 1 för hela "
                                         "länets historiska förskjutning framåt."),
        "credibility": lambda v: _rate(v, "credibility", 1, 10_000_000, "50000",
                                       "antal personer som ger länets eget fel halva vikten"),
        "band_quantile": lambda v: _rate(v, "band_quantile", 0.5, 0.99, "0.8",
                                         "andelen av bakåttestets fel inom felbandet"),
        "ras_totals": lambda v: _choice(v, "ras_totals", RAS_TOTALS,
                                        "länstotaler från befolkningsprognosen eller länens "
                                        "andelar basåret"),
        "exit_age": lambda v: check_exit_age(v, "exit_age"),
        "net_out_migration": lambda v: _rate(v, "net_out_migration", -0.05, 0.05, "0.002",
                                             "nettoutflyttningen av förvärvsarbetande per "
                                             "år, andel"),
        "net_migration": lambda v: _rate(v, "net_migration", -0.05, 0.05, "0.005",
                                         "nettoinflyttningen per år som andel av "
                                         "arbetskraften"),
        # Range: PARTICIPATION_CHANGE_RANGE, checked where the cohort flow uses it.
        "participation_change": lambda v: check_participation_change(v),
        "participation_bands": _bands,
        "openings": lambda v: _choice(v, "openings", tuple(OPENINGS),
                                      "'max' ersättning + växande efterfrågan, 'net' som BLS "
                                      "med krympande grupper kvittade"),
        "basis": lambda v: _choice(v, "basis", BASES,
                                   "balansen efter arbetsställe med länets egen tillgång, "
                                   "eller båda sidor nedbrutna från T&P"),
    }
    return {k: checks[k](v) for k, v in values.items()}


def validate(region: object, base_year: object = None, source: object = None, *,
             target_year: object = None, method: object = None,
             interactive: object = False, **scenario_values: object) -> Params:
    """Check the common parameters and return them normalised, as the run's scenario.

    ``region`` may be a code, a name or an integer (papermill's ``-p region 05`` gives
    ``5``); ``base_year`` must be a year of the employment history (default: the latest);
    ``source`` is the data source ("example" or a folder; default: ``$KOMPETENS_DATA``, as
    ``kompetens run --data`` sets it for the kernel, or the bundled example); ``target_year``
    a forecast year after the base year (default: the forecast's last year); ``method`` one
    of the breakdown methods (by code or Swedish name); ``interactive`` whether widgets are
    shown (False in batch runs). The source is carried by the returned :class:`Params`
    only: nothing else in the process changes, so two scenarios with different sources can
    be used side by side. The scenario parameters of :data:`SCENARIO_DEFAULTS` (exit age and
    exit hazards, migration, participation, openings, balance basis, RAS totals, error-band
    options) may be given as keywords; missing ones keep their defaults. Raises
    :class:`KompetensError` in Swedish naming the valid choices.
    """
    code = resolve_region(region)
    if source in (None, ""):
        source = os.environ.get(SOURCE_ENV) or "example"
    source_text = str(source)
    years = available_years("employed", source_text)  # an unknown source stops here, in Swedish
    year = years[-1] if base_year in (None, "") else _as_year(base_year, "base_year", years)
    target = None
    if target_year not in (None, ""):
        forecast_years = [y for y in available_years("national_forecast", source_text) if y > year]
        if not forecast_years:
            raise KompetensError(f"Prognosen har inga år efter basåret {year}.")
        target = _as_year(target_year, "target_year", forecast_years)
    chosen = None if method in (None, "") else resolve_method(method)
    checked = check_scenario(**scenario_values)
    return Params(code, region_name(code), year, source_text,
                  source_note("employed", source_text), target, chosen,
                  check_flag(interactive, "interactive"), **checked)  # type: ignore[arg-type]
