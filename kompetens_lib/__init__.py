"""kompetens_lib: the library behind the kompetens workbook.

Regional breakdown of Statistics Sweden's national forecast (Trender och prognoser) of
supply and demand by education group, for Sweden's 21 counties. The public API is the
names in ``__all__``; they are imported lazily so that ``import kompetens_lib`` is cheap
in a notebook kernel.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _speedups

_speedups.apply()

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # reference data
    "regions": "regions",
    "resolve_region": "regions",
    "region_name": "regions",
    "education_groups": "taxonomy",
    "resolve_group": "taxonomy",
    "age_bands": "taxonomy",
    # data layer
    "load": "data",
    "provenance": "data",
    "source_note": "data",
    # analysis core
    "breakdown": "breakdown",
    "compare_methods": "breakdown",
    "retirements": "supply",
    "supply_projection": "supply",
    "recruitment_need": "need",
    "dimensioning": "need",
    "balance": "balance",
    "backtest": "backtest",
    # notebooks
    "setup": "render",
    "export_html": "html_export",
    # errors
    "KompetensError": "errors",
    "DataValidationError": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

# Functions named like their module are bound eagerly: importing a submodule sets the
# package attribute to the module, which would shadow the lazy lookup below.
from .regions import regions  # noqa: E402
from .breakdown import breakdown  # noqa: E402
from .balance import balance  # noqa: E402
from .backtest import backtest  # noqa: E402


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'kompetens_lib' has no attribute {name!r}")
    module = importlib.import_module(f".{module_name}", __name__)
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from .backtest import backtest
    from .balance import balance
    from .breakdown import breakdown, compare_methods
    from .data import load, provenance, source_note
    from .errors import DataValidationError, KompetensError
    from .need import dimensioning, recruitment_need
    from .html_export import export_html
    from .render import setup
    from .regions import region_name, regions, resolve_region
    from .supply import retirements, supply_projection
    from .taxonomy import age_bands, education_groups, resolve_group
