"""Explorers: pure callbacks (state, new value) → (state, chart), and the widgets wired to
them, driven in plain pytest (observers fire synchronously; no kernel, no browser)."""

from __future__ import annotations

import json

import altair as alt
import ipywidgets as widgets
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import explore, render


@pytest.fixture(autouse=True)
def offline_renderer(monkeypatch):
    # A run elsewhere in the session may have chosen another data source for the process.
    monkeypatch.delenv("KOMPETENS_DATA", raising=False)
    # The workbook's renderer puts the spec in the output, so tests can read the title.
    render.setup(static=False)
    yield
    render._reset_session()


def _title(chart) -> str:
    title = chart.to_dict()["title"]
    return title["text"] if isinstance(title, dict) else str(title)


def _shown_title(explorer: explore.Explorer) -> str:
    outputs = explorer.output.outputs
    assert len(outputs) == 1  # every redraw replaces the chart
    spec = outputs[0]["data"][render.CHART_SPEC_MIME]
    spec = json.loads(spec) if isinstance(spec, str) else spec
    return spec["title"]["text"]


def _control(explorer: explore.Explorer, description: str, css: str | None = None):
    found = [w for w, _ in explorer.controls.values() if w.description == description]
    assert len(found) == 1, description
    if css is not None:
        assert f"kompetens-explorer-{css}" in found[0]._dom_classes  # for browser tests
    return found[0]


def test_widget_charts_are_svg_with_the_spec_alongside():
    explorer = explore.breakdown_explorer("12", "103", interactive=True)
    data = explorer.output.outputs[0]["data"]
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    assert "Förskollärare i Skåne län" in data["image/svg+xml"]  # the title is SVG text
    assert data["text/plain"] == "Diagram: Efterfrågan: Förskollärare i Skåne län"


# --- notebook 02 ---------------------------------------------------------------------


def test_breakdown_callbacks_return_a_new_state_and_its_chart():
    state = explore.BreakdownState("12")
    assert _title(explore.breakdown_view(state)) == \
        "Efterfrågan: alla utbildningsgrupper i Skåne län"
    moved, chart = explore.on_region(state, "Jämtland")
    assert moved.region == "23" and state.region == "12"  # the old state is untouched
    assert _title(chart) == "Efterfrågan: alla utbildningsgrupper i Jämtlands län"
    moved, chart = explore.on_group(moved, "Sjuksköterskor")
    assert moved.group == "713" and "Sjuksköterskor i Jämtlands län" in _title(chart)
    moved, chart = explore.on_column(moved, "supply")
    assert _title(chart) == "Tillgång: Sjuksköterskor i Jämtlands län"
    _, chart = explore.on_group(moved, "alla")
    assert moved.column == "supply" and "alla utbildningsgrupper" in _title(chart)


def test_breakdown_callbacks_refuse_bad_values_in_swedish():
    state = explore.BreakdownState("12")
    with pytest.raises(KompetensError, match="Okänt län"):
        explore.on_region(state, "Atlantis")
    with pytest.raises(KompetensError, match="Okänd utbildningsgrupp"):
        explore.on_group(state, "Astronauter")
    with pytest.raises(KompetensError, match="'demand'"):
        explore.on_column(state, "jobs")


def test_breakdown_explorer_in_batch_mode_is_the_static_chart():
    chart = explore.breakdown_explorer("12", "103")
    assert isinstance(chart, alt.TopLevelMixin)
    assert _title(chart) == "Efterfrågan: Förskollärare i Skåne län"


def test_breakdown_explorer_widgets_redraw_the_chart():
    explorer = explore.breakdown_explorer("12", "103", interactive=True)
    assert isinstance(explorer.box, widgets.VBox)
    classes = set(explorer.box._dom_classes)
    assert {"kompetens-explorer", "kompetens-explorer-nedbrytning"} <= classes
    assert explore.OUTPUT_CLASS in explorer.output._dom_classes
    assert _shown_title(explorer) == "Efterfrågan: Förskollärare i Skåne län"
    _control(explorer, "Län", "lan").value = "01"
    assert _shown_title(explorer) == "Efterfrågan: Förskollärare i Stockholms län"
    _control(explorer, "Utbildningsgrupp", "grupp").value = "713"
    _control(explorer, "Prognos", "prognos").value = "supply"
    assert _shown_title(explorer) == "Tillgång: Sjuksköterskor i Stockholms län"
    assert explorer.state == explore.BreakdownState("01", "713", "supply")
    assert len(_control(explorer, "Län").options) == 21


def test_a_failing_callback_shows_a_swedish_message_and_keeps_the_chart():
    explorer = explore.breakdown_explorer("12", interactive=True)
    before = explorer.state
    handler = explorer._handler(explore.on_group)
    handler({"new": "Astronauter"})
    assert "Okänd utbildningsgrupp" in explorer.message.value
    assert explorer.state == before
    assert _shown_title(explorer) == "Efterfrågan: alla utbildningsgrupper i Skåne län"
    handler({"new": "103"})
    assert explorer.message.value == ""


# --- notebook 04 ---------------------------------------------------------------------


def test_map_callbacks_change_group_method_and_target_year():
    state = explore.BalanceMapState("103", target_year=2035)
    chart = explore.balance_map_view(state)
    assert _title(chart) == "Förskollärare: tillgång per 100 efterfrågade 2035"
    moved, chart = explore.on_map_target_year(state, 2030)
    assert moved.target_year == 2030 and _title(chart).endswith("2030")
    moved, chart = explore.on_map_method(moved, "Trendandel")
    assert moved.method == "trend_share"
    assert "Metod: Trendandel" in chart.to_dict()["title"]["subtitle"][0]
    moved, chart = explore.on_map_group(moved, "Sjuksköterskor")
    assert _title(chart) == "Sjuksköterskor: tillgång per 100 efterfrågade 2030"
    with pytest.raises(KompetensError, match="Giltiga målår"):
        explore.on_map_target_year(moved, 2040)


def test_map_has_all_21_counties():
    spec = explore.balance_map_view(explore.BalanceMapState("103", target_year=2035)).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 21 and all(r["ratio"] is not None for r in rows)


def test_map_explorer_widgets_redraw_the_map():
    explorer = explore.balance_map_explorer("103", interactive=True)
    assert "kompetens-explorer-karta" in explorer.box._dom_classes
    assert _shown_title(explorer) == "Förskollärare: tillgång per 100 efterfrågade 2035"
    year = _control(explorer, "Målår", "malar")
    assert (year.min, year.max) == (2024, 2035)
    year.value = 2028
    _control(explorer, "Utbildningsgrupp").value = "713"
    assert _shown_title(explorer) == "Sjuksköterskor: tillgång per 100 efterfrågade 2028"
    _control(explorer, "Metod", "metod").value = "constrained"
    assert explorer.state.method == "constrained"


def test_map_explorer_in_batch_mode_is_the_static_map():
    chart = explore.balance_map_explorer("Förskollärare", method="shift_share", target_year=2030)
    assert _title(chart) == "Förskollärare: tillgång per 100 efterfrågade 2030"


# --- notebook 06 ---------------------------------------------------------------------


def test_places_callbacks_recompute_with_the_new_assumption():
    state = explore.PlacesState("23")

    def total(chart) -> float:
        spec = chart.to_dict()
        return sum(r["places"] for r in spec["datasets"][spec["data"]["name"]])

    base_total = total(explore.places_view(state))
    moved, chart = explore.on_graduate_share(state, 0.35)
    assert moved.graduate_share == 0.35
    assert total(chart) < base_total  # fewer places when graduates meet less of the need
    moved, chart = explore.on_places_region(moved, "Skåne")
    assert "Skåne län" in _title(chart)
    moved, _ = explore.on_places_method(moved, "shift_share")
    assert moved.method == "shift_share"
    with pytest.raises(KompetensError, match="mellan 0 och 1"):
        explore.on_graduate_share(state, 1.5)


def test_places_explorer_widgets_redraw_the_chart():
    explorer = explore.places_explorer("23", interactive=True)
    assert "kompetens-explorer-platser" in explorer.box._dom_classes
    assert _shown_title(explorer) == "Nybörjarplatser per år att planera för i Jämtlands län"
    _control(explorer, "Andel som nyexaminerade möter", "andel").value = 0.5
    assert explorer.state.graduate_share == 0.5
    _control(explorer, "Län").value = "01"
    assert _shown_title(explorer).endswith("Stockholms län")


def test_places_explorer_in_batch_mode_shows_what_the_slider_would():
    chart = explore.places_explorer("23", method="trend_share")
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"]["field"] == "graduate_share"
    assert spec["encoding"]["x"]["axis"]["format"] == ".0%"
    assert "Jämtlands län" in _title(chart)
    rows = spec["datasets"][spec["data"]["name"]]
    assert sorted({r["graduate_share"] for r in rows}) == [0.5, 0.6, 0.7, 0.8, 0.9]
