"""``kompetens_lib.compare`` of the flat layout: notebook 08's tables
(:mod:`kompetens_lib.workbook.compare`) and its charts, explorer and commands
(:mod:`kompetens_lib.present.compare`) under one name, for notebooks already handed out."""

from __future__ import annotations

from kompetens_lib.present.compare import (
    EXPLORER_CLASS,
    ExplorerState,
    adapt_commands,
    choose_group,
    choose_region,
    comparison_chart,
    distance_chart,
    explorer,
    explorer_chart,
    explorer_table,
    group_options,
    peers_text,
    show_adapt_commands,
    start,
)
from kompetens_lib.workbook.compare import (
    ALL_GROUPS,
    ALL_GROUPS_LABEL,
    DEFAULT_PEERS,
    KEY_FIGURE_LABELS,
    ROLE_NATIONAL,
    ROLE_OWN,
    ROLE_PEER,
    SIZE_WEIGHT,
    comparable_regions,
    group_comparison,
    key_figures,
    peers,
)

__all__ = [
    "ALL_GROUPS",
    "ALL_GROUPS_LABEL",
    "DEFAULT_PEERS",
    "EXPLORER_CLASS",
    "KEY_FIGURE_LABELS",
    "ROLE_NATIONAL",
    "ROLE_OWN",
    "ROLE_PEER",
    "SIZE_WEIGHT",
    "ExplorerState",
    "adapt_commands",
    "choose_group",
    "choose_region",
    "comparable_regions",
    "comparison_chart",
    "distance_chart",
    "explorer",
    "explorer_chart",
    "explorer_table",
    "group_comparison",
    "group_options",
    "key_figures",
    "peers",
    "peers_text",
    "show_adapt_commands",
    "start",
]
