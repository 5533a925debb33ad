"""The data layer: load and validate tables, example data, SCB API, imports, T&P template, cache.

The package exports the public names of :mod:`kompetens_lib.data.tables` (``load``,
``validate``, ``TABLES``, ``source_note`` …); the other modules are imported by their names.
"""

from __future__ import annotations

from kompetens_lib.data.tables import *  # noqa: F403 - the package's API is that of tables
from kompetens_lib.data.tables import __all__  # noqa: F401
