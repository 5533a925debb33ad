"""The one-page brief: messages cite numbers from the analysis core, charts carry them,
caveats are plain Swedish, and the HTML fragment stands alone."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import brief
from kompetens_lib.present.html_export import external_references
from kompetens_lib.workbook import balance_tables, forecast, mandate, need_tables, supply_tables
from kompetens_lib.workbook import brief as brief_tables

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def no_saved_mandates(tmp_path, monkeypatch):
    monkeypatch.setenv(mandate.ENV_VAR, str(tmp_path / "uppdrag"))


@pytest.fixture(scope="module")
def jamtland(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(mandate.ENV_VAR, str(tmp_path_factory.mktemp("tom") / "uppdrag"))
        yield brief.build_brief("23", 2023, 2035, "fixed_share")


def persons(value: int) -> str:
    return f"{value:,}".replace(",", NBSP)


def test_three_messages_two_charts_and_the_example_mandate(jamtland):
    assert [m.key for m in jamtland.messages] == ["largest_need", "retirements", "shortages"]
    assert len(jamtland.charts) == 2
    assert jamtland.mandate.example and jamtland.mandate.region == "23"
    assert jamtland.figures["mandate_filled"] is False


def test_every_message_cites_its_number(jamtland):
    for message in jamtland.messages:
        assert persons(message.figure) in message.text or str(message.figure) in message.title


def test_largest_need_is_the_need_table_of_notebook_05(jamtland):
    need = need_tables.need_table("23", base_year=2023, target_year=2035, method="fixed_share")
    # The total is one key figure over all groups, as notebook 06 shows it; the largest
    # group is the largest that an education leads to.
    assert jamtland.figures["need_total"] == forecast.round_persons(need["need"].sum())
    need = need[need["education_group"].isin(brief_tables.relevant_groups())]
    top = need.iloc[0]
    assert jamtland.figures["largest_need_group"] == top["short_name"]
    assert jamtland.figures["largest_need"] == forecast.round_persons(top["need"])
    low, high = jamtland.figures["need_range"]
    assert low <= jamtland.figures["need_total"] <= high
    assert top["short_name"] in jamtland.messages[0].text


def test_retirements_and_shortages_match_the_core(jamtland):
    summary = supply_tables.exits_summary("23", base_year=2023, horizons=[12])
    assert jamtland.figures["retirements"] == forecast.round_persons(
        summary["retirements"].iloc[-1])
    table = balance_tables.balance_table("23", base_year=2023, target_year=2035)
    assert jamtland.figures["shortage_groups"] == int(
        table["judgement"].isin(["stor brist", "brist"]).sum())
    assert f"Brist i {jamtland.figures['shortage_groups']} utbildningsgrupper" in \
        jamtland.messages[2].title


def test_figures_are_plain_json(jamtland):
    assert json.loads(json.dumps(jamtland.figures)) == jamtland.figures
    labels = brief_tables.key_figure_labels(jamtland.figures)
    assert set(labels) <= set(jamtland.figures)


def test_groups_without_an_education_are_left_out():
    groups = set(brief_tables.relevant_groups())
    assert "702" in groups and "103" in groups
    assert not groups & {"001", "002", "901", "902", "903"}


def test_caveats_say_what_the_numbers_are(jamtland):
    text = " ".join(jamtland.caveats)
    assert "exempeldata" in text and "inte är officiell statistik" in text
    assert "prognos" in text and "seriebrott" in text and "RAMS" in text
    low, high = jamtland.figures["need_range"]
    assert f"mellan {persons(low)} och {persons(high)} personer" in text
    assert "fast andel" in text


def test_real_data_are_called_an_own_breakdown(monkeypatch):
    monkeypatch.setattr(brief_tables, "synthetic_data", lambda source=None: False)
    text = " ".join(brief_tables.caveats())
    assert "egen regional nedbrytning" in text and "inte officiell statistik" in text
    assert "exempeldata" not in text


def test_html_fragment_has_mandate_messages_svg_charts_and_no_script(jamtland):
    page = jamtland.to_html()
    assert page.startswith("<section class='kompetens-kort'")
    assert page.index(mandate.EXAMPLE_TITLE) < page.index("Tre budskap") < page.index(
        "Att tänka på")
    assert page.count("data-budskap=") == 3
    assert page.count("<svg") >= 2 and "<script" not in page
    assert "Jämtlands län" in page
    bare = jamtland.to_html(charts="none")
    assert "<svg" not in bare
    with pytest.raises(KompetensError, match="'svg', 'png' och 'none'"):
        jamtland.to_html(charts="pdf")


def test_saved_page_is_standalone(jamtland, tmp_path):
    path = jamtland.save(tmp_path / "kort.html")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "lang='sv'" in text
    assert external_references(text) == []


def test_a_saved_mandate_heads_the_brief(tmp_path, monkeypatch):
    monkeypatch.setenv(mandate.ENV_VAR, str(tmp_path / "egen"))
    mandate.save(mandate.Mandate("23", question="Hur många förskollärare behövs?",
                                 decision="Platser i förskollärarutbildningen",
                                 recipient="Utbildningsnämnden", deadline="2027-05-01"))
    b = brief.build_brief("Jämtland")
    assert not b.mandate.example and b.figures["mandate_filled"] is True
    assert "Hur många förskollärare behövs?" in b.to_html(charts="none")


def test_need_chart_stacks_retirements_and_growth():
    df = pd.DataFrame({"short_name": ["A", "B", "C"], "replacement": [500.0, 300.0, 100.0],
                       "expansion": [200.0, -50.0, 10.0], "need": [700.0, 300.0, 110.0]})
    spec = brief.need_chart(df, source="Källa: exempel.", n=2, period="2023–2035").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["stack"] == "zero"
    assert spec["encoding"]["y"]["sort"] == ["A", "B"]
    rows = spec["datasets"][spec["data"]["name"]]
    assert {(r["short_name"], r["part"]): r["value"] for r in rows}[("B", "Ökad efterfrågan")] == 0
    assert spec["title"]["subtitle"][-1] == "Källa: exempel."
    with pytest.raises(KompetensError, match="saknar kolumnen 'need'"):
        brief.need_chart(df.drop(columns="need"), source="Källa: exempel.")


def test_shortage_chart_shows_missing_per_hundred_coloured_by_judgement():
    df = pd.DataFrame({"short_name": ["A", "B", "C"], "ratio": [88.0, 97.0, 120.0],
                       "judgement": ["stor brist", "brist", "överskott"]})
    spec = brief.shortage_chart(df, source="Källa: exempel.", n=2, target_year=2035).to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert [(r["short_name"], r["missing"]) for r in rows] == [("A", 12.0), ("B", 3.0)]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["stor brist", "brist"]
    assert spec["encoding"]["color"]["title"] == "Bedömning 2035"


def test_unknown_method_is_refused_in_swedish():
    with pytest.raises(KompetensError, match="Giltiga metoder"):
        brief.build_brief("23", method="gissning")


def test_data_overview_and_series_breaks_are_swedish_tables():
    overview = brief_tables.data_overview()
    assert overview.index.name == "Namn i koden" and len(overview) == 6
    assert not overview["Källa"].str.contains("kompetens_lib").any()
    assert overview["Källa"].str.startswith("Exempeldata (syntetiska)").all()
    assert set(overview["Syntetisk"]) == {"ja"}
    breaks = brief_tables.series_breaks()
    assert "Sysselsättningen 2019/2020" in breaks.index
    page = brief.table_html(overview, caption="Tabeller")
    assert "<caption>Tabeller</caption>" in page and "national_forecast" in page
    assert str(overview["Källa"].iloc[0]) in page, "text is never cut"


def test_data_key_figures_state_the_spread_between_methods():
    figures = brief_tables.data_key_figures("12")
    low, high = figures["demand_target_range"]
    assert low < high and 0 < figures["share_method_spread"] < 1
    assert figures["synthetic"] is True
    assert json.loads(json.dumps(figures)) == figures


def test_show_displays_brief_charts_and_caveats(jamtland, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    brief.show(jamtland)
    assert len(shown) == 4
    assert "Tre budskap" in shown[0]["text/html"] and "Att tänka på" in shown[3]["text/html"]
    assert shown[1] is jamtland.charts[0]


def test_the_brief_shows_exactly_the_numbers_and_text_of_the_workbook(jamtland):
    content = brief_tables.brief_content("23", 2023, 2035, "fixed_share")
    assert content.figures == jamtland.figures
    assert content.messages == jamtland.messages
    assert content.caveats == jamtland.caveats
    assert content.source_note == jamtland.source_note
    drawn = jamtland.charts[0].to_dict()
    rows = drawn["datasets"][drawn["data"]["name"]]
    top = content.need.nlargest(10, "need")["short_name"].astype(str).tolist()
    assert list(dict.fromkeys(r["short_name"] for r in rows)) == top


def test_each_message_is_a_list_item_with_its_key(jamtland):
    item = brief.message_html(jamtland.messages[0])
    assert item.startswith("<li data-budskap='largest_need'><strong>Störst rekryteringsbehov")
    assert jamtland.messages_html().count("<li data-budskap=") == 3


def test_forecast_years_are_the_years_of_the_national_forecast():
    years = brief_tables.forecast_years()
    assert years == sorted(set(years)) and (years[0], years[-1]) == (2023, 2035)
    assert brief_tables.data_key_figures("12")["forecast_years"] == f"{years[0]}–{years[-1]}"


def test_old_brief_name_joins_the_workbook_tables_and_the_present_brief():
    import kompetens_lib as kl
    from kompetens_lib.compat import brief as facade

    assert kl.brief is facade
    assert kl.brief.build_brief is brief.build_brief and kl.brief.show is brief.show
    assert kl.brief.data_key_figures is brief_tables.data_key_figures
    assert kl.brief.relevant_groups is brief_tables.relevant_groups
