"""Establishment scenarios: the ramp, the mix, validation, scenario files and the layer tables."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensWarning, ScenarioError
from kompetens_lib.methods.establishments import (
    Establishment,
    add_layer,
    establishment_demand,
    jobs_by_year,
    parse_events,
)
from kompetens_lib.methods.industry import industry_breakdown, industry_mix
from kompetens_lib.workbook import industry_tables
from kompetens_lib.workbook.scenario_file import example_scenario_path, read_scenario

YEARS = list(range(2023, 2036))
DOCS = Path(__file__).resolve().parents[1] / "docs" / "scenarier.md"


@pytest.fixture(scope="module")
def mixes():
    return industry_mix(kl.load("industry_employed"))


@pytest.fixture(scope="module")
def demand():
    return industry_breakdown(kl.load("national_forecast"), kl.load("industry_forecast"),
                              kl.load("industry_employed"))


def _event(**changes) -> dict:
    event = {"namn": "Verket", "län": "25", "näringsgren": "C", "jobb": 3000,
             "startår": 2026, "upptrappningsår": 4}
    event.update(changes)
    return event


def test_adding_n_jobs_adds_exactly_n_after_the_ramp_spread_by_the_county_mix(demand, mixes):
    layer = establishment_demand([_event()], YEARS, mixes)
    total = add_layer(demand, layer)
    county = total[total["region"] == "25"]
    added = county.groupby("year")["value"].sum() - county.groupby("year")["base"].sum()
    assert added[2029] == pytest.approx(3000) and added[2035] == pytest.approx(3000)
    assert added[2025] == pytest.approx(0)
    mix = mixes[(mixes["region"] == "25") & (mixes["industry"] == "C")].set_index(
        "education_group")["share"]
    in_2030 = county[county["year"] == 2030].set_index("education_group")
    spread = in_2030["value"] - in_2030["base"]
    np.testing.assert_allclose(spread.reindex(mix.index, fill_value=0), 3000 * mix,
                               rtol=1e-9, atol=1e-9)
    others = total[total["region"] != "25"]
    assert (others["establishments"] == 0).all()


def test_an_own_mix_is_used_as_given():
    mix = {"505": 0.5, "Gymnasieingenjörer": 0.3, "Geovetare": 0.2}
    layer = establishment_demand([_event(utbildningsmix=mix, jobb=1000)], YEARS)
    full = layer[layer["year"] == 2030].set_index("education_group")["value"]
    assert full.to_dict() == pytest.approx({"505": 500, "501": 300, "406": 200})


def test_the_ramp_is_linear_and_a_closure_is_negative():
    event = Establishment("x", "25", "C", 3000.0, 2026, 4)
    assert jobs_by_year(event, range(2025, 2031)).tolist() == [0, 750, 1500, 2250, 3000, 3000]
    assert event.full_year == 2029
    closure = parse_events([_event(jobb=-200, upptrappningsår=0)])[0]
    assert jobs_by_year(closure, [2025, 2026, 2027]).tolist() == [0, -200, -200]


def test_a_county_without_the_industry_gets_the_national_mix(mixes):
    history = pd.DataFrame({
        "region": ["01", "01", "12"], "industry": ["C", "C", "Q"],
        "education_group": ["505", "501", "702"], "year": [2023] * 3, "value": [30, 10, 50]})
    own = industry_mix(history)
    layer = establishment_demand([_event(län="12", jobb=400)], YEARS, own)
    full = layer[layer["year"] == 2030].set_index("education_group")["value"]
    assert full.to_dict() == pytest.approx({"505": 300, "501": 100})


def test_english_keys_and_names_are_accepted():
    event = parse_events([{"name": "Plant", "region": "Norrbotten", "industry": "Tillverkning",
                           "jobs": "1 500", "start_year": "2027", "ramp_years": 3}])[0]
    assert (event.region, event.industry, event.jobs, event.start_year) == ("25", "C", 1500.0,
                                                                          2027)


def test_every_problem_is_reported_at_once_in_swedish():
    bad = [
        _event(näringsgren="Tilverkning", upptrappningsår=-1, startår=2040),
        _event(namn="Gruvan", utbildningsmix={"505": 0.5, "501": 0.3}, jobb=0, färg="röd"),
        {"namn": "Tom"},
    ]
    with pytest.raises(ScenarioError) as info:
        parse_events(bad, years=YEARS, origin="test.toml")
    problems = info.value.problems
    text = str(info.value)
    assert "test.toml" in text and "docs/scenarier.md" in text
    assert any("Menade du C Tillverkning?" in p for p in problems)
    assert any("'upptrappningsår' ska vara ett helt antal år ≥ 0" in p for p in problems)
    assert any("startåret 2040 ligger utanför prognosens år 2023–2035" in p for p in problems)
    assert any("summerar till 0,800, men ska summera till 1" in p for p in problems)
    assert any("'jobb' ska vara ett tal skilt från 0" in p for p in problems)
    assert any("okänt fält 'färg'" in p and "startår" in p for p in problems)
    assert any("Etablering 3 (Tom): fältet 'län' saknas" in p for p in problems)


def test_duplicate_names_and_unknown_groups_in_a_mix_are_refused():
    with pytest.raises(ScenarioError, match="namnet 'Verket' används redan"):
        parse_events([_event(), _event()])
    with pytest.raises(ScenarioError, match="Okänd utbildningsgrupp"):
        parse_events([_event(utbildningsmix={"Rymdpilot": 1.0})])


def test_the_example_scenario_file_reads_and_is_marked_synthetic():
    text = example_scenario_path().read_text(encoding="utf-8")
    assert "SYNTETISKT" in text and "inte officiell statistik" in text
    events = read_scenario(example_scenario_path(), YEARS)
    plant = events[0]
    assert (plant.region, plant.industry, plant.jobs, plant.start_year, plant.ramp_years) == (
        "25", "C", 3000.0, 2026, 4)


def test_every_toml_and_csv_example_in_the_participant_docs_reads(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```(toml|text)\n(.*?)```", text, flags=re.S)
    toml = [b for kind, b in blocks if kind == "toml"]
    csv = [b for kind, b in blocks if kind == "text" and b.startswith("namn;")]
    assert toml and csv
    (tmp_path / "s.toml").write_text(toml[0], encoding="utf-8")
    (tmp_path / "s.csv").write_text(csv[0], encoding="utf-8")
    from_toml = read_scenario(tmp_path / "s.toml", YEARS)
    from_csv = read_scenario(tmp_path / "s.csv", YEARS)
    assert [e.jobs for e in from_toml] == [3000, 400, -120]
    assert from_toml[1].mix == {"505": 0.4, "504": 0.3, "501": 0.2, "406": 0.1}
    assert [e.region for e in from_csv] == ["25", "22", "25"]
    assert from_csv[2].mix == {"505": 0.6, "504": 0.4}


def test_a_broken_toml_file_gets_a_swedish_hint(tmp_path):
    path = tmp_path / "fel.toml"
    path.write_text('[[etablering]]\nlän = "25"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="nycklar med å, ä eller ö"):
        read_scenario(path)
    with pytest.raises(ScenarioError, match="finns inte"):
        read_scenario(tmp_path / "saknas.toml")
    (tmp_path / "x.xlsx").write_bytes(b"")
    with pytest.raises(ScenarioError, match="använd .toml eller .csv"):
        read_scenario(tmp_path / "x.xlsx")


def test_workbook_layer_of_the_example_scenario_adds_the_jobs_in_norrbotten():
    layer = industry_tables.establishment_layer(example_scenario_path(), region="Norrbotten")
    by_year = layer.groupby("year")["value"].sum()
    assert by_year[2025] == 0 and by_year[2026] == pytest.approx(750)
    assert by_year[2029] == pytest.approx(3400) and by_year[2035] == pytest.approx(3400)
    assert {"short_name", "education_group"} <= set(layer.columns)
    jobs = industry_tables.establishment_jobs(example_scenario_path())
    assert jobs.groupby("establishment")["jobs"].max().to_dict() == {
        "Grönt industriverk (exempel)": 3000, "Utbyggd gruva (exempel)": 400}


def test_workbook_structure_table_shows_norrbotten_s_mines():
    table = industry_tables.industry_structure("25")
    assert table["region_share"].sum() == pytest.approx(1)
    assert table["national_share"].sum() == pytest.approx(1)
    lq = table.set_index("industry")["lq"]
    assert lq["B"] > 5 and lq["B"] == lq.max()


def test_workbook_breakdown_table_adds_up_to_the_county_s_industry_demand():
    table = industry_tables.industry_breakdown_table("06", target_year=2035)
    full = industry_tables.industry_demand()
    county = full[(full["region"] == "06") & (full["year"] == 2035)]["value"].sum()
    assert table["industry"].sum() == pytest.approx(county)
    assert np.allclose(table["difference"], table["industry"] - table["fixed_share"])
    assert table.attrs["target_year"] == 2035 and table.attrs["region"] == "06"


def test_public_names_are_exported():
    assert kl.industries is not None and kl.resolve_industry("C") == "C"
    assert kl.establishment_demand is establishment_demand
    assert kl.read_scenario is read_scenario


def test_a_closure_larger_than_demand_warns_in_swedish_and_is_not_hidden():
    demand = pd.DataFrame({"region": ["25"], "education_group": ["505"], "year": [2030],
                           "value": [100.0]})
    layer = establishment_demand([_event(jobb=-250, utbildningsmix={"505": 1.0})], YEARS)
    with pytest.warns(KompetensWarning, match="nedläggningen är större än gruppens"):
        total = add_layer(demand, layer)
    cell = total[(total["year"] == 2030)].set_index("education_group")
    assert cell.loc["505", "value"] == pytest.approx(-150)
    assert cell.loc["505", "base"] == 100
