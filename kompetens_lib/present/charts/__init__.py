"""Chart builders: tidy frames in, Altair charts out (never rendered here), one module per
subject; every builder and constant is importable from here by the name it always had.

Every chart has a Swedish title, axis titles that name the unit, and the source note as the
last subtitle line, so the source stays with the chart when it is saved as an image. Builders
take a copy of the data, keep only the columns they draw, and refuse frames larger than
:data:`MAX_ROWS` rather than let a chart grow silently.

``common`` (formats, validation, titles), ``profile`` (notebook 01), ``generic`` (bar and
line charts), ``forecast`` (notebooks 02–06), ``brief`` (07), ``compare`` (08), ``maps``
(the county tile map) and ``overview`` (the cohort overview's map). The brief's own
``need_chart`` is :func:`kompetens_lib.present.charts.brief.need_chart`: here ``need_chart``
is that of notebook 06, as it always was.
"""

from __future__ import annotations

from kompetens_lib.present.charts import brief, compare, maps, overview
from kompetens_lib.present.charts.brief import shortage_chart
from kompetens_lib.present.charts.common import (
    COUNT_FORMAT,
    LQ_FORMAT,
    MAX_ROWS,
    NATIONAL_AREA,
    PERCENT_FORMAT,
    PERCENT_TOOLTIP_FORMAT,
    YEAR_FORMAT,
    chart_title,
)
from kompetens_lib.present.charts.compare import comparison_chart, distance_chart
from kompetens_lib.present.charts.forecast import (
    BAND_COLOR,
    DEVIATION_FORMAT,
    FORM_ORDER,
    INDEX_FORMAT,
    METHOD_ORDER,
    METHOD_SHAPES,
    NEED_PARTS,
    backtest_chart,
    balance_ratio_chart,
    change_chart,
    flows_chart,
    method_comparison_chart,
    method_range_chart,
    need_chart,
    need_output_chart,
    places_chart,
    retirements_chart,
    supply_projection_chart,
)
from kompetens_lib.present.charts.generic import Sort, bar_chart, line_chart
from kompetens_lib.present.charts.maps import (
    SCHEMATIC_NOTE,
    TILE_SIZE,
    TILES,
    county_map_chart,
    tile_frame,
)
from kompetens_lib.present.charts.overview import map_chart
from kompetens_lib.present.charts.profile import (
    DIRECTION_LABELS,
    age_structure_chart,
    commuting_chart,
    level_mix_chart,
    location_quotient_chart,
    older_share_chart,
)
from kompetens_lib.present.charts.uncertainty import error_band_chart, group_band_chart

__all__ = [
    "BAND_COLOR",
    "COUNT_FORMAT",
    "DEVIATION_FORMAT",
    "DIRECTION_LABELS",
    "FORM_ORDER",
    "INDEX_FORMAT",
    "LQ_FORMAT",
    "MAX_ROWS",
    "METHOD_ORDER",
    "METHOD_SHAPES",
    "NATIONAL_AREA",
    "NEED_PARTS",
    "PERCENT_FORMAT",
    "PERCENT_TOOLTIP_FORMAT",
    "SCHEMATIC_NOTE",
    "TILES",
    "TILE_SIZE",
    "YEAR_FORMAT",
    "Sort",
    "age_structure_chart",
    "backtest_chart",
    "balance_ratio_chart",
    "bar_chart",
    "brief",
    "change_chart",
    "chart_title",
    "commuting_chart",
    "compare",
    "comparison_chart",
    "county_map_chart",
    "distance_chart",
    "error_band_chart",
    "group_band_chart",
    "flows_chart",
    "level_mix_chart",
    "line_chart",
    "location_quotient_chart",
    "map_chart",
    "maps",
    "method_comparison_chart",
    "method_range_chart",
    "need_chart",
    "need_output_chart",
    "older_share_chart",
    "overview",
    "places_chart",
    "retirements_chart",
    "shortage_chart",
    "supply_projection_chart",
    "tile_frame",
]
