"""Chart builders of the forecast notebooks (02–05): assertions on chart.to_dict() only."""

from __future__ import annotations

import pandas as pd
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import charts, tables
from kompetens_lib.present.render import ACCENT, PRIMARY
from kompetens_lib.workbook import balance_tables, breakdown_tables, need_tables, supply_tables

SOURCE = "Källa: Exempeldata – inte officiell statistik (syntetiska data)."
METHODS = list(charts.METHOD_ORDER)


def _title(spec: dict) -> tuple[str, list[str]]:
    title = spec["title"]
    subtitle = title.get("subtitle", [])
    return title["text"], [subtitle] if isinstance(subtitle, str) else list(subtitle)


def _assert_titled(spec: dict, text: str | None = None) -> list[str]:
    title, subtitle = _title(spec)
    assert title and (text is None or title == text)
    assert subtitle[-1] == SOURCE  # the source travels with the chart
    return subtitle


def _layer(spec: dict, mark: str) -> dict:
    for layer in spec["layer"]:
        kind = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if kind == mark:
            return layer
    raise AssertionError(f"no {mark} layer")


def _data(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


@pytest.fixture(autouse=True)
def example_data(monkeypatch):
    # A run elsewhere in the session may have chosen another data source for the process.
    monkeypatch.delenv("KOMPETENS_DATA", raising=False)


@pytest.fixture
def method_lines() -> pd.DataFrame:
    rows = [(y, m, 1000 + (y - 2023) * (10 + i)) for i, m in enumerate(reversed(METHODS))
            for y in range(2023, 2036)]
    return pd.DataFrame(rows, columns=["year", "method_label", "value"])


# --- builders, one by one ------------------------------------------------------------


def test_method_comparison_chart_draws_a_band_under_one_line_per_method(method_lines):
    spec = charts.method_comparison_chart(method_lines, source=SOURCE, title="Efterfrågan",
                                          value_title="Antal förvärvsarbetande").to_dict()
    _assert_titled(spec, "Efterfrågan")
    area, line = _layer(spec, "area"), _layer(spec, "line")
    assert area["encoding"]["y"]["field"] == "low" and area["encoding"]["y2"]["field"] == "high"
    band = _data(spec, area)
    assert band[0]["low"] == 1000 and band[-1]["high"] == 1000 + 12 * (10 + len(METHODS) - 1)
    color = line["encoding"]["color"]
    assert color["field"] == "method_label" and color["title"] == "Metod"
    assert color["scale"]["domain"] == METHODS  # the fixed order, whatever the input order
    assert color["scale"]["range"][0] == PRIMARY
    assert line["encoding"]["y"]["title"] == "Antal förvärvsarbetande"
    assert line["encoding"]["x"]["axis"]["format"] == "d"
    assert line["encoding"]["x"]["scale"]["nice"] is False


def test_method_comparison_chart_refuses_duplicates_and_missing_columns(method_lines):
    with pytest.raises(KompetensError, match="flera rader för year=2023"):
        charts.method_comparison_chart(pd.concat([method_lines, method_lines.head(1)]),
                                       source=SOURCE)
    with pytest.raises(KompetensError, match="saknar kolumnen 'method_label'"):
        charts.method_comparison_chart(method_lines.drop(columns="method_label"), source=SOURCE)
    with pytest.raises(KompetensError, match="källa"):
        charts.method_comparison_chart(method_lines, source="")


def test_method_range_chart_shows_deviation_from_the_median_with_shapes():
    frame = pd.DataFrame({"short_name": ["Stor"] * 4 + ["Liten"] * 4,
                          "method_label": METHODS[:4] * 2,
                          "value": [1000, 1020, 980, 1000, 10, 12, 9, 10]})
    spec = charts.method_range_chart(frame, source=SOURCE).to_dict()
    _assert_titled(spec)
    points, rule = _layer(spec, "point"), _layer(spec, "rule")
    assert points["encoding"]["x"]["field"] == "deviation"
    assert points["encoding"]["x"]["axis"]["format"] == charts.DEVIATION_FORMAT
    assert points["encoding"]["shape"]["field"] == "method_label"  # readable without colour
    assert points["encoding"]["y"]["sort"] == ["Stor", "Liten"]
    deviations = {(r["short_name"], r["method_label"]): r["deviation"] for r in _data(spec, points)}
    assert deviations[("Stor", "Trendandel")] == pytest.approx(0.02)
    assert deviations[("Liten", "Trendandel")] == pytest.approx(0.2)
    assert rule["encoding"]["x2"]["field"] == "high"


def test_backtest_chart_has_bars_labels_and_the_all_county_tick():
    frame = pd.DataFrame({"method_label": METHODS, "wape": [2.2, 0.7, 0.8, 2.1, 1.5],
                          "wape_all": [2.2, 0.4, 1.0, 2.3, 1.4]})
    spec = charts.backtest_chart(frame, source=SOURCE).to_dict()
    subtitle = _assert_titled(spec)
    assert "medianen för alla 21 län" in subtitle[0]
    bars = _layer(spec, "bar")
    assert bars["encoding"]["x"]["title"] == "Viktat fel (WAPE), procent"
    assert bars["encoding"]["y"]["sort"] == METHODS
    assert _layer(spec, "tick")["encoding"]["x"]["field"] == "wape_all"
    assert _layer(spec, "text")["encoding"]["text"]["format"] == ".1f"
    only_county = charts.backtest_chart(frame.drop(columns="wape_all"), source=SOURCE).to_dict()
    assert [layer["mark"]["type"] for layer in only_county["layer"]] == ["bar", "text"]


def test_retirements_chart_groups_the_horizons_per_group():
    frame = pd.DataFrame({"short_name": ["B"] * 3 + ["A"] * 3,
                          "horizon_label": ["Inom 5 år", "Inom 10 år", "Inom 12 år"] * 2,
                          "value": [50, 90, 110, 30, 60, 70]})
    spec = charts.retirements_chart(frame, source=SOURCE).to_dict()
    _assert_titled(spec, "Pensionsavgångar per utbildningsgrupp")
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert enc["y"]["sort"] == ["B", "A"]  # the table's order: most retirements first
    assert enc["yOffset"]["sort"] == ["Inom 5 år", "Inom 10 år", "Inom 12 år"]
    assert enc["color"]["title"] == "Period"
    assert enc["x"]["title"] == "Antal personer som går i pension"


def test_flows_chart_dashes_the_projection_and_joins_it_to_the_observed_years():
    frame = pd.DataFrame({"year": [2022, 2023, 2024, 2025] * 2,
                          "kind": ["Fyller 16 år"] * 4 + ["Fyller 66 år"] * 4,
                          "value": [10, 11, 12, 13, 20, 21, 22, 23],
                          "projection": [False, False, True, True] * 2})
    spec = charts.flows_chart(frame, series="kind", series_title="Flöde", source=SOURCE,
                              title="Flöden").to_dict()
    _assert_titled(spec, "Flöden")
    enc = spec["encoding"]
    assert enc["strokeDash"]["scale"]["domain"] == ["Utfall", "Prognos"]
    assert enc["detail"]["field"] == "kind" and enc["color"]["title"] == "Flöde"
    rows = spec["datasets"][spec["data"]["name"]]
    projected_years = sorted(r["year"] for r in rows if r["segment"] == "Prognos"
                             and r["kind"] == "Fyller 16 år")
    assert projected_years == [2023, 2024, 2025]  # starts at the last observed year
    plain = charts.flows_chart(frame.drop(columns="projection"), series="kind", source=SOURCE,
                               title="Flöden", order=["Fyller 66 år"]).to_dict()
    assert "strokeDash" not in plain["encoding"]
    assert plain["encoding"]["color"]["sort"] == ["Fyller 66 år", "Fyller 16 år"]


def test_supply_projection_chart_has_band_baseline_and_labelled_lines():
    frame = pd.DataFrame({"year": [2023, 2029, 2035], "tp_min": [100, 103, 106],
                          "tp_max": [100, 105, 110], "tp_median": [100, 104, 108],
                          "cohort": [100, 98, 96]})
    lines = {"tp_median": "Nedbrytning av T&P, median", "cohort": "Kohortmodell"}
    spec = charts.supply_projection_chart(frame, source=SOURCE, lines=lines).to_dict()
    subtitle = _assert_titled(spec)
    assert "T&P" in subtitle[0]  # the acronym keeps its capitals
    assert _layer(spec, "rule")["encoding"]["y"]["field"] == "y"
    line = _layer(spec, "line")
    assert line["encoding"]["color"]["scale"]["domain"] == list(lines.values())
    assert line["encoding"]["y"]["title"] == "Index, basåret = 100"
    assert line["encoding"]["color"]["legend"]["labelLimit"] >= 400


def test_change_chart_colours_growth_and_decline_and_shows_the_range():
    frame = pd.DataFrame({"short_name": ["A", "B", "C"], "change": [300, -120, 40],
                          "change_min": [250, -150, 30], "change_max": [320, -100, 60]})
    spec = charts.change_chart(frame, source=SOURCE).to_dict()
    subtitle = _assert_titled(spec)
    assert "spannet" in subtitle[0]
    bars = _layer(spec, "bar")
    assert bars["encoding"]["color"]["scale"]["range"] == [PRIMARY, ACCENT]
    assert bars["encoding"]["y"]["sort"] == ["A", "C", "B"]
    ranges = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"
              and "x2" in layer["encoding"]]
    assert ranges and ranges[0]["encoding"]["x2"]["field"] == "change_max"
    no_range = charts.change_chart(frame[["short_name", "change"]], source=SOURCE).to_dict()
    assert len(no_range["layer"]) == 2


def test_balance_ratio_chart_draws_from_100_and_prints_the_judgement():
    frame = pd.DataFrame({"short_name": ["A", "B", "C"], "ratio": [88.0, 101.0, 112.0],
                          "judgement": ["stor brist", "balans", "överskott"]})
    spec = charts.balance_ratio_chart(frame, source=SOURCE).to_dict()
    _assert_titled(spec)
    bars = _layer(spec, "bar")
    assert bars["encoding"]["x2"]["field"] == "base"
    color = bars["encoding"]["color"]["scale"]
    assert color["domain"] == ["stor brist", "balans", "överskott"]
    assert color["range"] == [tables.JUDGEMENT_STYLE[w][0] for w in color["domain"]]
    assert _layer(spec, "text")["encoding"]["text"]["field"] == "judgement"
    assert bars["encoding"]["y"]["sort"] == ["A", "B", "C"]  # tightest first
    with pytest.raises(KompetensError, match="Okänd bedömning"):
        charts.balance_ratio_chart(frame.assign(judgement="katastrof"), source=SOURCE)


def test_need_chart_stacks_the_parts_and_clips_negative_expansion():
    frame = pd.DataFrame({"short_name": ["Växer", "Krymper"], "replacement": [100.0, 80.0],
                          "expansion": [50.0, -200.0]})
    chart = charts.need_chart(frame, source=SOURCE)
    spec = chart.to_dict()
    subtitle = _assert_titled(spec, "Rekryteringsbehov per utbildningsgrupp")
    assert "noll" in subtitle[0]  # the clipping is said, not hidden
    enc = spec["encoding"]
    assert enc["x"]["stack"] == "zero" and enc["color"]["sort"] == list(charts.NEED_PARTS)
    rows = spec["datasets"][spec["data"]["name"]]
    shrinking = {r["part"]: r["value"] for r in rows if r["short_name"] == "Krymper"}
    assert shrinking[charts.NEED_PARTS[1]] == 0.0
    assert enc["y"]["sort"] == ["Växer", "Krymper"]
    assert frame["expansion"].tolist() == [50.0, -200.0]  # the input is not modified


def test_need_output_chart_pairs_need_and_graduates():
    frame = pd.DataFrame({"short_name": ["A", "B"], "need_per_year": [10.0, 40.0],
                          "graduates": [30.0, 20.0]})
    spec = charts.need_output_chart(frame, source=SOURCE).to_dict()
    _assert_titled(spec)
    enc = spec["encoding"]
    assert enc["yOffset"]["field"] == "series"
    assert enc["color"]["scale"]["domain"] == ["Rekryteringsbehov per år",
                                               "Examinerade per år i länet"]
    assert enc["y"]["sort"] == ["B", "A"]
    assert enc["x"]["title"] == "Antal personer per år"


def test_places_chart_stacks_the_forms_in_their_fixed_order():
    frame = pd.DataFrame({"short_name": ["A", "A", "B"],
                          "form_label": ["Komvux", "Gymnasieskola", "Yrkeshögskola"],
                          "places": [10.0, 30.0, 25.0]})
    spec = charts.places_chart(frame, source=SOURCE).to_dict()
    _assert_titled(spec, "Nybörjarplatser per år att planera för")
    enc = spec["encoding"]
    assert enc["color"]["scale"]["domain"] == ["Gymnasieskola", "Komvux", "Yrkeshögskola"]
    assert enc["y"]["sort"] == ["A", "B"]
    assert enc["x"]["title"] == "Nybörjarplatser per år"


# --- shared rules ----------------------------------------------------------------------


@pytest.mark.parametrize("builder, columns", [
    (charts.retirements_chart, ["short_name", "horizon_label", "value"]),
    (charts.need_chart, ["short_name", "replacement", "expansion"]),
    (charts.places_chart, ["short_name", "form_label", "places"]),
])
def test_builders_refuse_frames_over_the_row_limit(builder, columns):
    big = pd.DataFrame({c: range(charts.MAX_ROWS + 1) for c in columns})
    with pytest.raises(KompetensError, match="högst 5\u00a0000"):
        builder(big, source=SOURCE)


def test_builders_on_real_results_stay_small_and_carry_the_source():
    values = breakdown_tables.method_values("12", "demand")
    need = need_tables.need_table("12")
    places = need_tables.places_table(need)
    built = [
        charts.method_comparison_chart(breakdown_tables.method_totals(values), source=SOURCE),
        charts.method_range_chart(breakdown_tables.method_range(values, n=15), source=SOURCE),
        charts.backtest_chart(breakdown_tables.backtest_summary("12"), source=SOURCE),
        charts.retirements_chart(supply_tables.retirements_by_group("12"), source=SOURCE),
        charts.change_chart(balance_tables.demand_change("12"), source=SOURCE),
        charts.balance_ratio_chart(balance_tables.balance_table("12").nlargest(20, "demand"),
                                   source=SOURCE),
        charts.need_chart(need.head(15), source=SOURCE),
        charts.places_chart(need_tables.top_places(places), source=SOURCE),
    ]
    for chart in built:
        spec = chart.to_dict()
        _assert_titled(spec)
        assert all(len(rows) <= 200 for rows in spec["datasets"].values())
