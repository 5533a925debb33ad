"""Every chart builder lives in kompetens_lib.present.charts, one module per subject, and the
package still answers to every name the flat charts module had."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import kompetens_lib
from kompetens_lib.present import charts

PACKAGE = Path(kompetens_lib.__file__).resolve().parent
CHARTS = PACKAGE / "present" / "charts"

#: The public names of present/charts.py before it became a package (its __all__ and the
#: constants notebooks and other modules used).
NAMES_OF_THE_FLAT_MODULE = (
    "BAND_COLOR", "COUNT_FORMAT", "DEVIATION_FORMAT", "DIRECTION_LABELS", "FORM_ORDER",
    "INDEX_FORMAT", "LQ_FORMAT", "MAX_ROWS", "METHOD_ORDER", "METHOD_SHAPES", "NATIONAL_AREA",
    "NEED_PARTS", "PERCENT_FORMAT", "PERCENT_TOOLTIP_FORMAT", "YEAR_FORMAT", "Sort",
    "age_structure_chart", "backtest_chart", "balance_ratio_chart", "bar_chart", "change_chart",
    "chart_title", "commuting_chart", "flows_chart", "level_mix_chart", "line_chart",
    "location_quotient_chart", "method_comparison_chart", "method_range_chart", "need_chart",
    "need_output_chart", "older_share_chart", "places_chart", "retirements_chart",
    "supply_projection_chart",
)


def _chart_builders_outside_charts() -> list[str]:
    """Functions returning Altair charts (named ``*_chart``) defined outside present/charts/."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if CHARTS in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_chart"):
                found.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    return found


# Not builders: one passes a workbook table on to a builder, one renders a built chart.
ALLOWED_WRAPPERS = {"present/compare.py:explorer_chart", "present/brief.py:_static_chart"}


def test_every_chart_builder_is_defined_in_present_charts():
    assert sorted(set(_chart_builders_outside_charts()) - ALLOWED_WRAPPERS) == []


def test_the_package_answers_to_every_name_of_the_flat_module():
    missing = [name for name in NAMES_OF_THE_FLAT_MODULE if not hasattr(charts, name)]
    assert missing == []
    assert kompetens_lib.charts is charts


def test_need_chart_of_the_package_is_still_notebook_05s():
    from kompetens_lib.present.charts import brief, forecast

    assert charts.need_chart is forecast.need_chart
    assert charts.need_chart is not brief.need_chart


@pytest.mark.parametrize("module", ["brief", "compare", "overview"])
def test_modules_that_had_chart_builders_use_the_ones_in_present_charts(module):
    target = {"brief": "kompetens_lib.present.brief", "compare": "kompetens_lib.present.compare",
              "overview": "kompetens_lib.publish.overview"}[module]
    home = importlib.import_module(f"kompetens_lib.present.charts.{module}")
    old = importlib.import_module(target)
    for name in home.__all__:
        if hasattr(old, name):
            assert getattr(old, name) is getattr(home, name), f"{target}.{name}"


def test_old_maps_name_is_the_charts_maps_module():
    from kompetens_lib.present.charts import maps

    assert kompetens_lib.maps is maps
    assert charts.county_map_chart is maps.county_map_chart
