"""Scenario switches of issue 12 (participation, migration) and the scenario parameters of
the notebooks: named, validated in Swedish, declared in the notebooks' parameter cells, and
moving supply and balance as they say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.supply import PARTICIPATION_CHANGE_RANGE
from kompetens_lib.publish.runner import notebook_parameters
from kompetens_lib.reference.taxonomy import JUDGEMENTS
from kompetens_lib.workbook import balance_tables, params, supply_tables

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {p.name[:2]: p for p in (ROOT / "notebooks").glob("0[0-9]_*.ipynb")}


def _lf() -> pd.DataFrame:
    return pd.DataFrame({"region": "12", "education_group": "108", "year": 2023,
                         "age_band": ["25-34", "55-64"], "value": [800.0, 400.0]})


def test_no_participation_change_is_the_forecast_s_own_projection():
    plain = kl.supply_projection(_lf(), 10, participation=0.8)
    zero = kl.supply_projection(_lf(), 10, participation=0.8, participation_change=0)
    pd.testing.assert_frame_equal(plain, zero)


def test_participation_change_is_phased_in_and_reached_by_the_last_year():
    plain = kl.supply_projection(_lf(), 10, participation=0.8, by_age=True)
    more = kl.supply_projection(_lf(), 10, participation=0.8, by_age=True,
                                participation_change=5)
    key = ["age_band", "year"]
    a = plain.set_index(key)["value"]
    b = more.set_index(key)["value"]
    # The stock is the same, so supply moves by the rate: (0.8 + 0.05·t/10) / 0.8.
    for year, t in ((2023, 0), (2028, 5), (2033, 10)):
        for band in ("25-34", "55-64"):
            if a[band, year] > 0:
                assert b[band, year] / a[band, year] == pytest.approx((0.8 + 0.05 * t / 10) / 0.8)


def test_participation_change_for_chosen_bands_leaves_the_others():
    plain = kl.supply_projection(_lf(), 10, participation=0.8, by_age=True)
    older = kl.supply_projection(_lf(), 10, participation=0.8, by_age=True,
                                 participation_change=-4, participation_bands=["55-64"])
    a = plain.set_index(["age_band", "year"])["value"]
    b = older.set_index(["age_band", "year"])["value"]
    assert b["25-34", 2033] == pytest.approx(a["25-34", 2033])
    assert b["55-64", 2033] < a["55-64", 2033]


@pytest.mark.parametrize("change", [PARTICIPATION_CHANGE_RANGE[1] + 1, "mycket", True])
def test_participation_change_outside_its_range_is_refused_in_swedish(change):
    with pytest.raises(KompetensError, match="participation_change ska vara en förändring"):
        kl.supply_projection(_lf(), 5, participation_change=change)
    with pytest.raises(KompetensError, match="participation_bands ska vara"):
        kl.supply_projection(_lf(), 5, participation_change=1, participation_bands=["60-70"])


@pytest.fixture(scope="module")
def skane():
    plain = balance_tables.balance_table("12")
    higher = balance_tables.balance_table("12", participation_change=3)
    plain = plain.set_index("education_group").sort_index()
    return plain, higher.set_index("education_group").reindex(plain.index)


def test_higher_participation_raises_the_county_s_supply_and_never_tightens_a_judgement(skane):
    plain, higher = skane
    assert (higher["supply"] > plain["supply"]).all()
    assert (higher["demand"] == plain["demand"]).all()
    rank = {j: i for i, j in enumerate(JUDGEMENTS)}
    moved = [(rank[a], rank[b]) for a, b in zip(plain["judgement"], higher["judgement"])
             if a in rank and b in rank]
    assert all(b >= a for a, b in moved)
    assert any(b > a for a, b in moved)  # three points by 2035 move some group


def test_a_participation_scenario_moves_the_nation_with_the_counties():
    base = 2023
    plain = balance_tables.regional_supply_all(base, 2035)
    higher = balance_tables.regional_supply_all(base, 2035, participation_change=3)
    total = plain.groupby("year")["value"].sum()
    scenario = higher.groupby("year")["value"].sum()
    assert scenario[base] == pytest.approx(total[base])  # the base year is observed
    assert scenario[2035] > total[2035] * 1.02


def test_net_migration_moves_the_balance_in_notebook_04_too():
    plain = balance_tables.balance_table("12", target_year=2030)
    moving_in = balance_tables.balance_table("12", target_year=2030, net_migration=0.01)
    assert moving_in["supply"].sum() > plain["supply"].sum()


def test_a_supply_scenario_on_the_breakdown_basis_is_refused_in_swedish():
    with pytest.raises(KompetensError, match="gäller därför bara basis = 'workplace'"):
        balance_tables.balance_table("12", basis="breakdown", participation_change=2)


def test_the_supply_key_figures_name_the_participation_assumption():
    figures = supply_tables.key_figures_supply("23", participation_change=2)
    plain = supply_tables.key_figures_supply("23")
    assert figures["participation_change"] == 2.0
    assert (figures["share_supply_change_projection"]["högst"]
            > plain["share_supply_change_projection"]["högst"])
    assert "participation_change" in supply_tables.key_figure_labels_supply(figures)


# --- Params ------------------------------------------------------------------------------

def test_params_carry_the_scenario_with_its_defaults():
    p = params.validate("12")
    for name, default in params.SCENARIO_DEFAULTS.items():
        assert getattr(p, name) == default, name
    q = params.validate("12", participation_change="2,5", openings="NET", basis="breakdown",
                        participation_bands="65-74", ras_totals="base_share")
    assert (q.participation_change, q.openings, q.basis, q.participation_bands,
            q.ras_totals) == (2.5, "net", "breakdown", ("65-74",), "base_share")


@pytest.mark.parametrize("name, value, valid", [
    ("participation_change", 12, "mellan -10 och 10"),
    ("net_migration", 0.2, "mellan -0.05 och 0.05"),
    ("net_out_migration", "x", "mellan -0.05 och 0.05"),
    ("exit_age", 80, "mellan 60 och 72"),
    ("openings", "brutto", "'max' eller 'net'"),
    ("basis", "bostad", "'workplace' eller 'breakdown'"),
    ("ras_totals", "gissning", "'population' eller 'base_share'"),
    ("damping", 2, "damping"),
    ("band_quantile", 1.5, "mellan 0.5 och 0.99"),
    ("credibility", 0, "mellan 1 och 10000000"),
    ("participation_bands", ["15-19"], "16-24, 25-34"),
])
def test_a_bad_scenario_parameter_is_named_with_its_valid_range(name, value, valid):
    with pytest.raises(KompetensError, match=name) as caught:
        params.validate("12", **{name: value})
    assert valid in str(caught.value)


def test_an_unknown_scenario_parameter_is_refused():
    with pytest.raises(KompetensError, match="Okänd scenarioparameter: pension"):
        params.validate("12", pension=67)


@pytest.mark.parametrize("notebook, names", [
    ("02", ["damping", "credibility", "band_quantile", "ras_totals"]),
    ("03", ["exit_age", "net_migration", "net_out_migration", "participation_change",
            "participation_bands"]),
    ("04", ["basis", "thresholds", "net_migration", "participation_change",
            "participation_bands"]),
    ("06", ["exit_age", "net_out_migration", "openings"]),
])
def test_the_scenario_parameters_are_declared_where_they_are_used(notebook, names):
    declared = notebook_parameters(NOTEBOOKS[notebook])
    missing = [n for n in names if n not in declared]
    assert not missing, missing
    for name in names:
        if name in params.SCENARIO_DEFAULTS:
            value = declared[name]
            value = tuple(value) if isinstance(value, list) else value
            assert value == params.SCENARIO_DEFAULTS[name], name  # default = no scenario


def test_every_scenario_parameter_has_a_swedish_comment_in_its_notebook():
    import nbformat

    for key in ("02", "03", "04", "06"):
        nb = nbformat.read(NOTEBOOKS[key], as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            if "=" in line and not line.startswith("#"):
                name = line.split("=")[0].strip()
                commented = "#" in line or (i > 0 and lines[i - 1].startswith("#"))
                assert commented, (key, name)


def test_the_ras_totals_switch_changes_only_the_constrained_method():
    population = balance_tables.method_values("23", "demand")
    shares = balance_tables.method_values("23", "demand", ras_totals="base_share")
    a = population.set_index(["method", "education_group", "year"])["value"]
    b = shares.set_index(["method", "education_group", "year"])["value"]
    np.testing.assert_allclose(a.loc["fixed_share"], b.loc["fixed_share"])
    assert not np.allclose(a.loc["constrained"], b.loc["constrained"])


def test_the_net_reading_of_openings_plans_no_places_for_a_shrinking_group():
    from kompetens_lib.workbook import need_tables

    need = need_tables.need_table("25", openings="net")
    shrinking = need[need["need"] < 0]["education_group"]
    assert len(shrinking)  # the example has groups whose decline outweighs their exits
    places = need_tables.places_table(need)
    assert (places["places"] >= 0).all()
    assert (places[places["education_group"].isin(shrinking)]["places"] == 0).all()


def test_the_parameter_summary_names_a_scenario_only_when_one_is_set():
    from kompetens_lib.present.summaries import params_bundle

    plain = params_bundle(params.validate("12", exit_age=66))["text/plain"]
    assert "Scenario" not in plain
    shown = params_bundle(params.validate("12", participation_change=2,
                                          participation_bands=["65-74"]))["text/plain"]
    assert "Scenario: Förändrat arbetskraftsdeltagande till målåret, procentenheter: 2,0" in shown
    assert "Scenario: Åldersgrupper med förändrat deltagande: 65-74" in shown


def test_kompetens_run_accepts_the_new_parameters_of_the_notebooks():
    from kompetens_lib.publish.runner import check_parameters

    chosen = [NOTEBOOKS["03"], NOTEBOOKS["04"], NOTEBOOKS["06"]]
    checked = check_parameters({"participation_change": "2,5", "openings": "net",
                                "net_migration": "0.004"}, chosen, ["12"])
    assert checked == {"participation_change": 2.5, "openings": "net", "net_migration": 0.004}
    with pytest.raises(KompetensError, match="Okänd parameter: participation"):
        check_parameters({"participation": 2}, chosen, ["12"])
