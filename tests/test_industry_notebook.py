"""The industry notebook (05_branscher_och_etableringar) runs for counties with and without a
scenario and shows the establishments; the effect tables it shows add up."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from kompetens_lib.present.charts import industry as industry_charts
from kompetens_lib.publish.executor import execute_notebook
from kompetens_lib.workbook import balance_tables, industry_tables, need_tables, params
from kompetens_lib.workbook import establishment_effect as ee
from kompetens_lib.workbook.scenario_file import example_scenario_path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_branscher_och_etableringar.ipynb"
SOURCE = "Källa: exempel."


def _outputs(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/html", ""))
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(str(p) for p in parts)


@pytest.mark.slow
@pytest.mark.parametrize("region,scenario", [("25", "example"), ("25", None), ("13", None),
                                             ("09", None)])
def test_notebook_runs_and_shows_the_establishments(region, scenario, tmp_path, monkeypatch):
    monkeypatch.delenv("KOMPETENS_DATA", raising=False)
    parameters = {"region": region}
    if scenario == "example":
        parameters["scenario_file"] = str(example_scenario_path())
    out = tmp_path / f"05_{region}.ipynb"
    run = execute_notebook(NOTEBOOK, out, parameters=parameters, cwd=tmp_path)
    assert run.ok, run.error
    text = _outputs(nbformat.read(out, as_version=4))
    assert "Traceback" not in text
    p = params.validate(region=region, base_year=2023, target_year=2035)
    worked = ee.worked_scenario(p, parameters.get("scenario_file"))
    expected_kind = {("25", "example"): ee.FILE, ("25", None): ee.EXAMPLE}.get(
        (region, scenario), ee.ILLUSTRATIVE)
    assert worked.kind == expected_kind
    for event in worked.events:
        assert event.name in text
    # The sentence with the jobs and the extra need, as the library words it for the county.
    extra = ee.extra_need(p, worked, method="fixed_share", damping=0.5)
    sentence = ee.describe_effect(ee.effect_summary(extra, ee.extra_places(extra)))
    assert sentence in text
    assert p.region_name in sentence
    balance = ee.extra_balance(p, worked, method="fixed_share", damping=0.5)
    assert ee.describe_balance_effect(balance) in text


def test_worked_scenario_is_the_example_for_norrbotten_and_illustrative_elsewhere():
    norrbotten = ee.worked_scenario(params.validate("25"))
    assert norrbotten.kind == ee.EXAMPLE and norrbotten.jobs == 3400
    assert "Syntetiskt" in norrbotten.description
    halland = ee.worked_scenario(params.validate("13"))
    assert halland.kind == ee.ILLUSTRATIVE and "Illustrativt exempel" in halland.description
    assert [e.region for e in halland.events] == ["13"]
    # The example file has no event in Halland: the notebook says so and falls back.
    fallback = ee.worked_scenario(params.validate("13"), str(example_scenario_path()))
    assert fallback.kind == ee.ILLUSTRATIVE and "har ingen etablering i" in fallback.description


def test_illustrative_event_is_in_the_most_specialised_industry():
    p = params.validate("09")
    structure = industry_tables.industry_structure(p)
    event = ee.illustrative_events(p)[0]
    big = structure[(structure["region_share"] >= 0.02) & (structure["industry"] != "US")]
    assert event["näringsgren"] == big.sort_values("lq").iloc[-1]["industry"]
    assert event["jobb"] % 50 == 0 and event["jobb"] >= 100


def test_extra_need_without_layer_is_the_need_notebooks_need():
    p = params.validate("25", target_year=2035)
    extra = ee.extra_need(p, ee.worked_scenario(p))
    need = need_tables.need_table(p).set_index("education_group")["need"]
    mine = extra.set_index("education_group")["need"]
    assert (mine - need.reindex(mine.index)).abs().max() < 1e-6
    # The layer's expansion is all the jobs (the ramp is complete by the target year) ...
    assert extra["layer_expansion"].sum() == pytest.approx(3400)
    # ... and the extra need is at most that: groups that shrink absorb part of it.
    assert 0 < extra["extra_need"].sum() <= 3400 + 1e-6
    assert (extra["extra_need"] >= -1e-9).all()


def test_balance_without_layer_is_the_balance_notebooks_and_the_layer_only_adds_demand():
    p = params.validate("25", target_year=2035)
    table = ee.extra_balance(p, ee.worked_scenario(p)).set_index("education_group")
    plain = balance_tables.balance_table(p).set_index("education_group").reindex(table.index)
    assert (table["judgement"] == plain["judgement"]).all()
    assert (table["supply"] - plain["supply"]).abs().max() < 1e-6
    assert (table["demand"] - plain["demand"]).abs().max() < 1e-6
    # Same supply, demand plus the layer's jobs in the target year, the ratio from those.
    assert (table["demand_with"] - table["demand"] - table["establishments"]).abs().max() < 1e-6
    assert table["establishments"].sum() == pytest.approx(3400)
    assert (table["ratio_with"] - 100 * table["supply"] / table["demand_with"]).abs().max() < 1e-6
    # More jobs never loosen a group: the ratio falls where the layer adds, never rises.
    touched = table["establishments"] > 0
    assert (table.loc[touched, "ratio_with"] < table.loc[touched, "ratio"]).all()
    assert (table.loc[~touched, "judgement_with"] == table.loc[~touched, "judgement"]).all()
    attrs = table.attrs
    assert attrs["shortage_with"] >= attrs["shortage"]
    assert attrs["shortage"] == balance_tables.shortage_count(plain)
    assert attrs["changed"] == int((table["judgement"] != table["judgement_with"]).sum()) > 0
    assert f"{attrs['changed']} grupper" in ee.describe_balance_effect(table)


def test_a_closure_lowers_need_and_places():
    p = params.validate("13", target_year=2035)
    closure = [{"namn": "Nedlagd fabrik", "län": "13", "näringsgren": "C", "jobb": -800,
                "startår": 2026, "upptrappningsår": 2}]
    extra = ee.extra_need(p, closure)
    assert extra["extra_need"].sum() < 0
    places = ee.extra_places(extra)
    totals = ee.extra_places_by_form(places)
    assert (totals["extra_places"] <= 1e-9).all()
    assert totals["extra_places"].sum() == pytest.approx(places["extra_places"].sum())
    summary = ee.effect_summary(extra, places)
    assert "minskar" in ee.describe_effect(summary)


def test_layer_by_group_holds_the_jobs_in_the_full_year():
    p = params.validate("25", target_year=2035)
    wide = ee.layer_by_group(p, ee.worked_scenario(p))
    assert [c for c in wide.columns if isinstance(c, int)] == [2029, 2035]
    assert wide[2029].sum() == pytest.approx(3400)


def test_industry_charts_have_titles_sources_and_marks():
    p = params.validate("25", target_year=2035)
    worked = ee.worked_scenario(p)
    structure = industry_tables.industry_structure(p)
    lq = industry_charts.industry_lq_chart(structure, source=SOURCE).to_dict()
    assert lq["layer"][0]["mark"]["type"] == "bar" and lq["title"]["subtitle"][-1] == SOURCE
    compared = industry_tables.industry_breakdown_table(p)
    dots = industry_charts.industry_breakdown_chart(compared, source=SOURCE, n=5).to_dict()
    name = dots["layer"][1]["data"]["name"]
    assert {r["method"] for r in dots["datasets"][name]} == {"Näringsgrensbaserad", "Fast andel"}
    assert len(dots["datasets"][name]) == 10  # two dots for each of the five groups
    layer = industry_tables.establishment_layer(list(worked.events), "25")
    bars = industry_charts.establishment_layer_chart(layer, source=SOURCE, n=4).to_dict()
    groups = {row["group"] for rows in bars["datasets"].values() for row in rows}
    assert industry_charts.OTHER_GROUPS in groups and len(groups) == 5
    extra = industry_charts.extra_need_chart(ee.extra_need(p, worked), source=SOURCE).to_dict()
    assert re.search("Extra rekryteringsbehov", extra["title"]["text"])
