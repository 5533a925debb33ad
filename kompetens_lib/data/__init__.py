"""The data layer: load and validate tables, example data, SCB API, imports, T&P template, cache.

The package exports the public names of :mod:`kompetens_lib.data.tables`, imported on first
use so that ``import kompetens_lib.data`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "EXAMPLE_SOURCE",
    "SOURCE_ENV",
    "SYNTHETIC_NOTE",
    "TABLES",
    "TABLE_LABELS",
    "TableSpec",
    "available_years",
    "example_dir",
    "load",
    "provenance",
    "source_dir",
    "source_note",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        # Submodules (``kompetens_lib.data.recipes``) are found by the import system itself.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("kompetens_lib.data.tables"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from kompetens_lib.data.tables import (
        EXAMPLE_SOURCE,
        SOURCE_ENV,
        SYNTHETIC_NOTE,
        TABLE_LABELS,
        TABLES,
        TableSpec,
        available_years,
        example_dir,
        load,
        provenance,
        source_dir,
        source_note,
        validate,
    )
