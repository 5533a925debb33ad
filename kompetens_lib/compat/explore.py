"""``kompetens_lib.explore`` of the flat layout: the explorers of
:mod:`kompetens_lib.present.explore`, reading the data source the old notebook validated."""

from __future__ import annotations

from kompetens_lib.compat.scenario import wrap_module
from kompetens_lib.present.explore import *  # noqa: F403 - the facade re-exports every name
from kompetens_lib.present.explore import __all__

wrap_module(globals(), __all__)
