"""The scenario of a notebook run: validate what a participant or papermill put in the
parameters cell, and hand the validated :class:`Params` to every table function."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

from kompetens_lib._internal.checks import check_flag, check_share
from kompetens_lib.data.tables import SOURCE_ENV, available_years, source_note
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.breakdown import resolve_method
from kompetens_lib.reference.regions import region_name, resolve_region

__all__ = ["Params", "check_share", "scenario", "validate"]


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


def validate(region: object, base_year: object = None, source: object = None, *,
             target_year: object = None, method: object = None,
             interactive: object = False) -> Params:
    """Check the common parameters and return them normalised, as the run's scenario.

    ``region`` may be a code, a name or an integer (papermill's ``-p region 05`` gives
    ``5``); ``base_year`` must be a year of the employment history (default: the latest);
    ``source`` is the data source ("example" or a folder; default: ``$KOMPETENS_DATA``, as
    ``kompetens run --data`` sets it for the kernel, or the bundled example); ``target_year``
    a forecast year after the base year (default: the forecast's last year); ``method`` one
    of the breakdown methods (by code or Swedish name); ``interactive`` whether widgets are
    shown (False in batch runs). The source is carried by the returned :class:`Params`
    only: nothing else in the process changes, so two scenarios with different sources can
    be used side by side. Raises :class:`KompetensError` in Swedish naming the valid choices.
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
    return Params(code, region_name(code), year, source_text,
                  source_note("employed", source_text), target, chosen,
                  check_flag(interactive, "interactive"))
