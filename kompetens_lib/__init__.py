"""kompetens_lib: the library behind the kompetens workbook.

Regional breakdown of Statistics Sweden's national forecast (Trender och prognoser) of
supply and demand by education group, for Sweden's 21 counties. The public API is the
names in ``__all__``; they are imported lazily so that ``import kompetens_lib`` is cheap
in a notebook kernel. The layers are subpackages (see docs/architecture.md).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from kompetens_lib._internal import speedups

speedups.apply()
# Diagnostics go through logging; the library never configures output (the CLI does).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # reference data
    "regions": "reference.regions",
    "resolve_region": "reference.regions",
    "region_name": "reference.regions",
    "resolve_area": "reference.geography",
    "municipalities": "reference.geography",
    "nuts_areas": "reference.geography",
    "planning_area": "reference.planning_areas",
    "planning_areas": "reference.planning_areas",
    "education_groups": "reference.taxonomy",
    "resolve_group": "reference.taxonomy",
    "age_bands": "reference.taxonomy",
    # data layer
    "load": "data.tables",
    "provenance": "data.tables",
    "source_note": "data.tables",
    # analysis core
    "breakdown": "methods.breakdown",
    "compare_methods": "methods.breakdown",
    "retirements": "methods.supply",
    "supply_projection": "methods.supply",
    "recruitment_need": "methods.need",
    "dimensioning": "methods.need",
    "balance": "methods.balance",
    "backtest": "methods.backtest",
    "exits": "methods.exits",
    "exit_hazards": "methods.exits",
    "balance_on_workplace_basis": "methods.balance",
    "programmes": "reference.programmes",
    # notebooks
    "setup": "present.render",
    "export_html": "present.html_export",
    # industries and establishments (issue 13)
    "industries": "reference.industries",
    "resolve_industry": "reference.industries",
    "industry_breakdown": "methods.industry",
    "establishment_demand": "methods.establishments",
    "read_scenario": "workbook.scenario_file",
    # errors
    "KompetensError": "errors",
    "DataValidationError": "errors",
}

#: Module names of the flat layout before the layers: notebooks and participant copies
#: already handed out say ``from kompetens_lib import results`` or ``kl.charts``.
LEGACY_MODULES: dict[str, str] = {
    "adapt": "publish.adapt",
    "brief": "compat.brief",
    "cache": "data.cache",
    "charts": "present.charts",
    "compare": "compat.compare",
    "example_data": "data.example_data",
    "explore": "compat.explore",
    "files": "_internal.files",
    "html_export": "present.html_export",
    "kernels": "publish.kernels",
    "keyfigures": "present.keyfigures",
    "mandate": "compat.mandate",
    "maps": "present.charts.maps",
    "need": "methods.need",
    "overview": "publish.overview",
    "params": "compat.params",
    "profile": "compat.profile",
    "recipes": "data.recipes",
    "render": "present.render",
    "report": "publish.report",
    "results": "compat.results",
    "runner": "publish.runner",
    "scb_api": "data.scb_api",
    "scb_import": "data.scb_import",
    "supply": "methods.supply",
    "taxonomy": "reference.taxonomy",
    "tp_template": "data.tp_template",
}

#: The layers, importable as attributes too (``kl.methods``, ``kl.exercises``).
SUBPACKAGES: tuple[str, ...] = (
    "reference", "data", "methods", "workbook", "present", "exercises", "publish", "cohort",
)

__all__ = sorted(_EXPORTS) + ["__version__"]

# Functions named like their module are bound eagerly: importing a submodule sets the
# package attribute to the module, which would shadow the lazy lookup below.
from kompetens_lib.methods.backtest import backtest  # noqa: E402
from kompetens_lib.methods.balance import balance  # noqa: E402
from kompetens_lib.methods.breakdown import breakdown  # noqa: E402
from kompetens_lib.reference.regions import regions  # noqa: E402


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is not None:
        value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    elif name in LEGACY_MODULES:
        value = importlib.import_module(f"{__name__}.{LEGACY_MODULES[name]}")
    elif name in SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'kompetens_lib' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from kompetens_lib.data.tables import load, provenance, source_note
    from kompetens_lib.errors import DataValidationError, KompetensError
    from kompetens_lib.methods.backtest import backtest
    from kompetens_lib.methods.balance import balance, balance_on_workplace_basis
    from kompetens_lib.methods.breakdown import breakdown, compare_methods
    from kompetens_lib.methods.establishments import establishment_demand
    from kompetens_lib.methods.exits import exit_hazards, exits
    from kompetens_lib.methods.industry import industry_breakdown
    from kompetens_lib.methods.need import dimensioning, recruitment_need
    from kompetens_lib.methods.supply import retirements, supply_projection
    from kompetens_lib.present.html_export import export_html
    from kompetens_lib.present.render import setup
    from kompetens_lib.reference.industries import industries, resolve_industry
    from kompetens_lib.reference.programmes import programmes
    from kompetens_lib.reference.regions import region_name, regions, resolve_region
    from kompetens_lib.reference.taxonomy import age_bands, education_groups, resolve_group
    from kompetens_lib.workbook.scenario_file import read_scenario
