"""``kompetens_lib.brief`` of the flat layout: the brief's tables and text
(:mod:`kompetens_lib.workbook.brief`) and its charts and HTML
(:mod:`kompetens_lib.present.brief`) under one name, for notebooks already handed out."""

from __future__ import annotations

from kompetens_lib.present.brief import (
    Brief,
    build_brief,
    message_html,
    need_chart,
    shortage_chart,
    show,
    show_data_overview,
    show_series_breaks,
    table_html,
)
from kompetens_lib.workbook.brief import (
    DATA_KEY_FIGURE_LABELS,
    SERIES_BREAKS,
    SHORTAGE,
    BriefContent,
    Message,
    brief_content,
    caveats,
    data_key_figures,
    data_overview,
    key_figure_labels,
    relevant_groups,
    series_breaks,
)

__all__ = [
    "DATA_KEY_FIGURE_LABELS",
    "SERIES_BREAKS",
    "SHORTAGE",
    "Brief",
    "BriefContent",
    "Message",
    "brief_content",
    "build_brief",
    "caveats",
    "data_key_figures",
    "data_overview",
    "key_figure_labels",
    "message_html",
    "need_chart",
    "relevant_groups",
    "series_breaks",
    "shortage_chart",
    "show",
    "show_data_overview",
    "show_series_breaks",
    "table_html",
]
