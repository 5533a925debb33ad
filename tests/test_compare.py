"""Comparable counties, the county beside them and Riket, the explorer's callbacks (no
browser) and the commands for borrowing another region's notebook."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import numpy as np
import pytest

from kompetens_lib import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.present import compare
from kompetens_lib.workbook import brief as brief_tables
from kompetens_lib.workbook import compare as compare_tables
from kompetens_lib.workbook import need_tables


def test_every_other_county_is_ranked_and_the_nearest_are_chosen():
    table = compare_tables.comparable_regions("12", n=3)
    assert len(table) == 20 and "12" not in set(table["region"])
    assert table["distance"].is_monotonic_increasing
    assert table["chosen"].tolist() == [True] * 3 + [False] * 17
    assert compare_tables.peers("12") == table["region"].head(3).tolist()


def test_distance_is_mix_dissimilarity_plus_weighted_log_size():
    employed = load("employed")
    base = employed[(employed["year"] == 2023) & employed["region"].isin(["12", "23"])]
    wide = base.pivot_table(index="region", columns="education_group", values="value",
                            aggfunc="sum", fill_value=0)
    shares = wide.div(wide.sum(axis=1), axis=0)
    mix = 50 * (shares.loc["12"] - shares.loc["23"]).abs().sum()
    size = abs(np.log(wide.loc["23"].sum() / wide.loc["12"].sum()))
    row = compare_tables.comparable_regions("12").set_index("region").loc["23"]
    assert row["mix_distance"] == pytest.approx(mix)
    assert row["distance"] == pytest.approx(mix + compare_tables.SIZE_WEIGHT * size)
    # The mix measure is symmetric; with no size weight only the mix counts.
    back = compare_tables.comparable_regions("23").set_index("region").loc["12", "mix_distance"]
    assert back == pytest.approx(mix)
    only_mix = compare_tables.comparable_regions("12", size_weight=0)
    assert only_mix["distance"].tolist() == pytest.approx(only_mix["mix_distance"].tolist())


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 0}, "heltal 1–20"),
    ({"n": True}, "heltal 1–20"),
    ({"size_weight": -1}, "size_weight ska vara ett tal ≥ 0"),
    ({"year": 1990}, "Giltiga år: 2010–2023"),
])
def test_bad_choices_are_refused_in_swedish(kwargs, message):
    with pytest.raises(KompetensError, match=message):
        compare_tables.comparable_regions("12", **kwargs)


def test_group_comparison_rows_and_rates():
    frame = compare_tables.group_comparison("23", "Gymn. vård och omsorg")
    assert frame["role"].tolist() == ["Ditt län"] + ["Jämförbart län"] * 3 + ["Riket"]
    assert frame["region"].iloc[0] == "23" and frame["region"].iloc[-1] == "00"
    assert frame["region"].iloc[1:4].tolist() == compare_tables.peers("23")
    expected = (frame["need"] / frame["employed"]).tolist()
    assert frame["need_rate"].tolist() == pytest.approx(expected)
    assert frame.attrs["group_label"] == "Gymn. vård och omsorg"


def test_own_county_agrees_with_the_need_table_of_notebook_05():
    need = need_tables.need_table("23", base_year=2023, target_year=2035, method="trend_share")
    frame = compare_tables.group_comparison("23", "702", method="trend_share")
    row = need.set_index("education_group").loc["702"]
    assert frame["need"].iloc[0] == pytest.approx(row["need"])
    assert frame["replacement"].iloc[0] == pytest.approx(row["replacement"])
    everything = compare_tables.group_comparison("23", "alla", method="trend_share")
    relevant = need[need["education_group"].isin(brief_tables.relevant_groups())]
    assert everything["need"].iloc[0] == pytest.approx(relevant["need"].sum())


def test_riket_need_is_computed_on_national_totals():
    frame = compare_tables.group_comparison("12", "103", peer_regions=["01"])
    county = compare_tables._need_all(2023, 2035, "fixed_share", None)
    group = county[county["education_group"] == "103"]
    expected = group["replacement"].sum() + max(group["expansion"].sum(), 0.0)
    assert frame.set_index("region").loc["00", "need"] == pytest.approx(expected)
    assert frame["region"].tolist() == ["12", "01", "00"]


def test_peer_list_drops_the_county_itself_and_duplicates():
    frame = compare_tables.group_comparison("12", peer_regions=["Skåne", "01", 1])
    assert frame["region"].tolist() == ["12", "01", "00"]


def test_comparison_chart_marks_own_county_peers_and_riket():
    frame = compare_tables.group_comparison("12", "103")
    spec = compare.comparison_chart(frame, source="Källa: exempel.").to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Ditt län", "Jämförbart län", "Riket"]
    assert bars["encoding"]["x"]["axis"]["format"] == ".0%"
    assert spec["layer"][1]["mark"]["type"] == "rule"
    assert "Förskollärare" in spec["title"]["text"]
    assert spec["title"]["subtitle"][-1] == "Källa: exempel."
    with pytest.raises(KompetensError, match="group_comparison"):
        compare.comparison_chart(frame.drop(columns="need_rate"), source="Källa: exempel.")


def test_distance_chart_highlights_the_chosen():
    table = compare_tables.comparable_regions("23")
    spec = compare.distance_chart(table, source="Källa: exempel.").to_dict()
    assert spec["title"]["text"] == "Vilka län liknar Jämtlands län mest"
    rows = spec["datasets"][spec["data"]["name"]]
    assert sum(r["kind"] == "Jämförbart län" for r in rows) == 3


def test_key_figures_are_plain_json():
    figures = compare_tables.key_figures("12", "702")
    assert json.loads(json.dumps(figures)) == figures
    assert len(figures["peers"]) == 3 and figures["group"] == "Gymn. vård och omsorg"
    assert set(compare_tables.KEY_FIGURE_LABELS) <= set(figures)


def test_adapt_commands_keep_the_leading_zero():
    commands = compare.adapt_commands("deras.ipynb", 5)
    assert commands["kompetens"] == "kompetens adapt deras.ipynb --region 05"
    assert commands["papermill"].endswith("-r region 05")
    assert '"region": "05"' in commands["python"]
    with pytest.raises(KompetensError, match=".ipynb"):
        compare.adapt_commands("deras.py", "05")


def test_adapt_commands_are_shown_as_a_swedish_table(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    compare.show_adapt_commands("deras.ipynb", "Kalmar")
    page = shown[0]["text/html"]
    assert "Arbetsbokens kommando" in page and "kompetens adapt deras.ipynb --region 08" in page
    assert "-r region 08" in shown[0]["text/plain"]


# ----------------------------------------------------------------------------------------
# The explorer: callbacks are plain functions; the widget is driven without a browser
# ----------------------------------------------------------------------------------------


def test_callbacks_return_new_states():
    state = compare.start("12", "702")
    assert state.peers == tuple(compare_tables.peers("12"))
    other = compare.choose_group(state, "Förskollärare")
    assert other.group == "103" and state.group == "702"
    assert compare.choose_group(state, "alla").group == compare_tables.ALL_GROUPS
    moved = compare.choose_region(state, "Jämtland")
    assert moved.region == "23" and moved.peers == tuple(compare_tables.peers("23"))
    assert compare.choose_region(state, "12") is state
    with pytest.raises(FrozenInstanceError):
        state.group = "103"  # type: ignore[misc]


def test_callbacks_refuse_unknown_choices_in_swedish():
    state = compare.start("12")
    with pytest.raises(KompetensError, match="Okänd utbildningsgrupp"):
        compare.choose_group(state, "Astronauter")
    with pytest.raises(KompetensError, match="Okänt län"):
        compare.choose_region(state, "Atlantis")


def test_explorer_chart_follows_the_state():
    state = compare.start("12", "702")
    first = compare.explorer_chart(state).to_dict()
    second = compare.explorer_chart(compare.choose_group(state, "103")).to_dict()
    assert "Gymn. vård och omsorg" in first["title"]["text"]
    assert "Förskollärare" in second["title"]["text"]


def test_group_options_start_with_all_groups():
    options = compare.group_options()
    assert options[0] == (compare_tables.ALL_GROUPS_LABEL, compare_tables.ALL_GROUPS)
    assert ("Förskollärare", "103") in options
    assert all(code in brief_tables.relevant_groups() for _, code in options[1:])


def _svg(box) -> str:
    output = box.children[2].outputs
    assert len(output) == 1
    return output[0]["data"]["image/svg+xml"]


def test_widget_redraws_when_a_menu_changes():
    box = compare.explorer(compare.start("12", "702"))
    assert compare.EXPLORER_CLASS in box._dom_classes
    county, group = box.children[0].children
    assert (county.description, group.description) == ("Län", "Utbildningsgrupp")
    before = _svg(box)
    assert "Gymn. vård och omsorg" in before
    group.value = "103"
    after = _svg(box)
    assert after != before and "Förskollärare" in after
    county.value = "23"
    assert box.state.region == "23" and "Jämtlands län" in box.children[1].value
    assert "Jämtlands län" in _svg(box)


def test_old_compare_name_shares_one_memo_with_the_workbook():
    import kompetens_lib as kl
    from kompetens_lib.compat import compare as facade

    assert kl.compare is facade
    assert kl.compare.comparable_regions is compare_tables.comparable_regions
    assert kl.compare.group_comparison is compare_tables.group_comparison
    assert kl.compare.start is compare.start and kl.compare.explorer is compare.explorer
    compare_tables.group_comparison("12", "103", peer_regions=["01"])
    hits = compare_tables._need_all.cache_info().hits
    kl.compare.group_comparison("12", "103", peer_regions=["01"])
    assert compare_tables._need_all.cache_info().hits == hits + 1


def test_explorer_chart_is_the_comparison_chart_of_the_workbook_table():
    state = compare.start("12", "103")
    table = compare_tables.group_comparison("12", "103", peer_regions=state.peers)
    expected = compare.comparison_chart(table, source=compare_tables.comparison_source())
    assert compare.explorer_chart(state).to_dict() == expected.to_dict()
