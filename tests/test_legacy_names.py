"""Names that notebooks and participant copies of the flat layout call keep working.

Participant copies already handed out, and notebooks borrowed from other regions, say
``from kompetens_lib import results`` and call ``results.balance_table(...)`` or
``ex.check_places(...)``. The names below are every ``module.name`` the workbook's notebooks
and exercise copies used before the library was split into layers.
"""

from __future__ import annotations

import importlib

import pytest

import kompetens_lib

NAMES_BEFORE_THE_LAYERS: dict[str, tuple[str, ...]] = {
    "": (
        "KompetensError", "balance", "breakdown", "compare_methods", "dimensioning", "load",
        "recruitment_need", "resolve_group", "retirements", "setup", "source_note",
    ),
    "brief": (
        "DATA_KEY_FIGURE_LABELS", "build_brief", "data_key_figures", "key_figure_labels", "show",
        "show_data_overview", "show_series_breaks",
    ),
    "charts": (
        "FORM_ORDER", "age_structure_chart", "backtest_chart", "balance_ratio_chart", "bar_chart",
        "change_chart", "commuting_chart", "flows_chart", "level_mix_chart",
        "location_quotient_chart", "method_comparison_chart", "method_range_chart", "need_chart",
        "need_output_chart", "older_share_chart", "places_chart", "retirements_chart",
        "supply_projection_chart",
    ),
    "compare": (
        "KEY_FIGURE_LABELS", "comparable_regions", "comparison_chart", "distance_chart",
        "explorer", "explorer_chart", "group_comparison", "key_figures", "show_adapt_commands",
        "start",
    ),
    "exercises": (
        "check_adapted_notebook", "check_assumptions", "check_balance_comment",
        "check_balance_ratio", "check_caveat", "check_charts", "check_comparison",
        "check_high_lq", "check_largest_groups", "check_lq_explanation", "check_mandate_complete",
        "check_mandate_question", "check_messages", "check_method_explanation",
        "check_method_range", "check_need", "check_own_breakdown", "check_places",
        "check_retirement_comment", "check_retirement_share", "check_retirements",
        "check_shortage_groups", "compare_key_figures", "group_name", "region_of", "report",
        "save_mandate", "show_charts", "start",
    ),
    "explore": (
        "balance_map_explorer", "breakdown_explorer", "places_explorer",
    ),
    "keyfigures": (
        "show",
    ),
    "mandate": (
        "Mandate", "example", "save_if", "show",
    ),
    "params": (
        "show", "validate",
    ),
    "profile": (
        "age_structure", "commuting", "key_figures", "level_mix", "location_quotients",
        "older_share", "show_key_figures",
    ),
    "results": (
        "KEY_FIGURE_LABELS_BALANCE", "KEY_FIGURE_LABELS_BREAKDOWN", "KEY_FIGURE_LABELS_NEED",
        "assumptions", "backtest_summary", "backtest_worst_groups", "balance_table",
        "check_share", "demand_change", "education_output", "entrants_and_leavers",
        "graduates_by_form", "judgement_count_table", "judgements_by_method",
        "key_figure_labels_supply", "key_figures_balance", "key_figures_breakdown",
        "key_figures_need", "key_figures_supply", "method_label", "method_range", "method_totals",
        "method_values", "need_table", "need_vs_output", "places_by_form", "places_table",
        "retirement_summary", "retirements_by_group", "show_assumptions",
        "show_supply_assumptions", "show_table", "show_traffic_lights", "supply_age_structure",
        "supply_assumptions", "supply_comparison", "top_places",
    ),
}


@pytest.mark.parametrize("module", sorted(NAMES_BEFORE_THE_LAYERS))
def test_every_name_old_notebooks_call_still_resolves(module):
    namespace = kompetens_lib if not module else getattr(kompetens_lib, module)
    missing = [name for name in NAMES_BEFORE_THE_LAYERS[module] if not hasattr(namespace, name)]
    assert missing == [], f"kompetens_lib.{module}: {missing}"


@pytest.mark.parametrize("module", sorted(kompetens_lib.LEGACY_MODULES))
def test_old_module_names_import_with_from_import(module):
    namespace: dict = {}
    exec(f"from kompetens_lib import {module}", namespace)  # noqa: S102 - the old spelling
    target = importlib.import_module(f"kompetens_lib.{kompetens_lib.LEGACY_MODULES[module]}")
    assert namespace[module] is target


def test_public_api_names_keep_working():
    for name in kompetens_lib.__all__:
        assert getattr(kompetens_lib, name) is not None, name


@pytest.fixture
def doubled_source(tmp_path):
    """A data folder like the example data, with twice as many employed everywhere."""
    import shutil

    import pandas as pd

    from kompetens_lib.compat import scenario
    from kompetens_lib.data.tables import example_dir

    folder = tmp_path / "dubbla"
    shutil.copytree(example_dir(), folder)
    employed = pd.read_parquet(folder / "employed.parquet")
    employed["value"] = employed["value"] * 2
    employed.to_parquet(folder / "employed.parquet", index=False)
    yield str(folder)
    scenario.forget()


def test_an_old_notebook_reads_the_data_it_validated_without_naming_it_again(
        doubled_source, monkeypatch):
    import os

    monkeypatch.delenv("KOMPETENS_DATA", raising=False)
    from kompetens_lib.workbook import profile as layered_profile

    example = layered_profile.key_figures("12", 2023)["employed"]
    before = dict(os.environ)
    namespace: dict = {}
    exec(  # noqa: S102 - the cells of a notebook written for the flat layout
        "from kompetens_lib import params, profile\n"
        f"p = params.validate(region='12', base_year=2023, source={doubled_source!r})\n"
        "old = profile.key_figures(p.region, p.base_year)['employed']\n",
        namespace)
    assert namespace["old"] == 2 * example
    assert dict(os.environ) == before  # remembered in the legacy facade, not the environment
    # Code of the layered library is not affected: without a source it reads the example.
    assert layered_profile.key_figures("12", 2023)["employed"] == example
