"""``kompetens_lib.profile`` of the flat layout: the nuläge tables
(:mod:`kompetens_lib.workbook.profile`) and their key-figure display
(:mod:`kompetens_lib.present.summaries`)."""

from __future__ import annotations

from kompetens_lib.compat.scenario import wrap_module
from kompetens_lib.present.summaries import (
    KEY_FIGURES_MIME,
    key_figures_bundle,
    read_key_figures,
    show_key_figures,
)
from kompetens_lib.workbook.profile import (
    KEY_FIGURE_LABELS,
    OLDER_BANDS,
    age_structure,
    commuting,
    county_group_measures,
    key_figures,
    level_mix,
    location_quotients,
    older_share,
)

__all__ = [
    "KEY_FIGURES_MIME",
    "KEY_FIGURE_LABELS",
    "OLDER_BANDS",
    "age_structure",
    "commuting",
    "county_group_measures",
    "key_figures",
    "key_figures_bundle",
    "level_mix",
    "location_quotients",
    "older_share",
    "read_key_figures",
    "show_key_figures",
]

# Old notebooks call these without a source and expect the one they validated.
wrap_module(globals(), __all__)
