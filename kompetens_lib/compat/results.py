"""``kompetens_lib.results`` of the flat layout: the tables behind notebooks 02–05 and their
HTML display, now in :mod:`kompetens_lib.workbook` (one module per notebook step) and
:mod:`kompetens_lib.present.tables`. The memo state is bound, not copied."""

from __future__ import annotations

from kompetens_lib._internal.checks import check_share
from kompetens_lib.compat.scenario import wrap_module
from kompetens_lib.present.tables import (
    JUDGEMENT_STYLE,
    assumptions_html,
    show_assumptions,
    show_supply_assumptions,
    show_table,
    show_traffic_lights,
    supply_assumptions_html,
    table_html,
    traffic_light_html,
)
from kompetens_lib.workbook.assumptions import (
    Assumptions,
    SupplyAssumptions,
    assumptions,
    supply_assumptions,
)
from kompetens_lib.workbook.balance_tables import (
    KEY_FIGURE_LABELS_BALANCE,
    balance_table,
    county_balance,
    demand_change,
    judgement_count_table,
    judgement_counts,
    judgements_by_method,
    key_figures_balance,
)
from kompetens_lib.workbook.breakdown_tables import (
    KEY_FIGURE_LABELS_BREAKDOWN,
    backtest_summary,
    backtest_worst_groups,
    key_figures_breakdown,
    method_range,
    method_totals,
    method_values,
)
from kompetens_lib.workbook.forecast import (
    COLUMN_LABELS,
    DEFAULT_HORIZONS,
    HISTORY_TABLES,
    forecast_base_year,
    horizons_within,
    method_label,
    national_forecast,
    resolve_target_year,
    round_persons,
)
from kompetens_lib.workbook.memo import MEMO as _MEMO  # noqa: F401 - the old private name
from kompetens_lib.workbook.memo import WARNED as _WARNED  # noqa: F401 - the old private name
from kompetens_lib.workbook.memo import prime
from kompetens_lib.workbook.need_tables import (
    KEY_FIGURE_LABELS_NEED,
    REGIONAL_FORMS,
    education_output,
    key_figures_need,
    need_table,
    need_vs_output,
    places_by_form,
    places_sensitivity,
    places_table,
    top_places,
)
from kompetens_lib.workbook.supply_tables import (
    COHORT_VARIANTS,
    entrants_and_leavers,
    graduates_by_form,
    key_figure_labels_supply,
    key_figures_supply,
    projected_supply,
    retirement_summary,
    retirements_by_group,
    supply_age_structure,
    supply_comparison,
)

__all__ = [
    "COHORT_VARIANTS",
    "COLUMN_LABELS",
    "DEFAULT_HORIZONS",
    "HISTORY_TABLES",
    "JUDGEMENT_STYLE",
    "KEY_FIGURE_LABELS_BALANCE",
    "KEY_FIGURE_LABELS_BREAKDOWN",
    "KEY_FIGURE_LABELS_NEED",
    "REGIONAL_FORMS",
    "Assumptions",
    "SupplyAssumptions",
    "assumptions",
    "assumptions_html",
    "backtest_summary",
    "backtest_worst_groups",
    "balance_table",
    "check_share",
    "county_balance",
    "demand_change",
    "education_output",
    "entrants_and_leavers",
    "forecast_base_year",
    "graduates_by_form",
    "horizons_within",
    "judgement_count_table",
    "judgement_counts",
    "judgements_by_method",
    "key_figure_labels_supply",
    "key_figures_balance",
    "key_figures_breakdown",
    "key_figures_need",
    "key_figures_supply",
    "method_label",
    "method_range",
    "method_totals",
    "method_values",
    "national_forecast",
    "need_table",
    "need_vs_output",
    "places_by_form",
    "places_sensitivity",
    "places_table",
    "prime",
    "projected_supply",
    "resolve_target_year",
    "retirement_summary",
    "retirements_by_group",
    "round_persons",
    "show_assumptions",
    "show_supply_assumptions",
    "show_table",
    "show_traffic_lights",
    "supply_age_structure",
    "supply_assumptions",
    "supply_assumptions_html",
    "supply_comparison",
    "table_html",
    "top_places",
    "traffic_light_html",
]

# Old notebooks call these without a source and expect the one they validated.
wrap_module(globals(), __all__)
