"""Exits of the employed spread over the horizon by a hazard per year of age (issue 12)."""

import numpy as np
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.methods.exits import EXIT_CAUSES, exit_hazards, exits, yearly_exit_rates
from kompetens_lib.methods.need import recruitment_need
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.workbook import need_tables, supply_tables


@pytest.fixture(scope="module")
def employed():
    return kl.load("employed")


@pytest.mark.parametrize("region", [None, *COUNTY_CODES])
def test_year_one_exits_are_not_front_loaded(employed, region):
    table = employed if region is None else employed[employed["region"] == region]
    rates = yearly_exit_rates(table, 10, base_year=2023)
    assert rates["share"].iloc[0] <= 1.2 * rates["share"].mean()


def test_the_step_rule_was_front_loaded_and_the_hazard_is_not(employed):
    stockholm = employed[employed["region"] == "01"]
    step = kl.retirements(stockholm, [1, 10], base_year=2023).groupby("horizon")["value"].sum()
    hazard = exits(stockholm, [1, 10], base_year=2023).groupby("horizon")["retirements"].sum()
    assert step[1] > 1.5 * step[10] / 10  # everyone past 65 - 1 leaves in year one
    assert hazard[1] <= 1.2 * hazard[10] / 10


def test_exits_are_the_sum_of_their_causes_and_never_exceed_the_employed(employed):
    out = exits(employed, [5, 15], base_year=2023)
    assert np.allclose(out[list(EXIT_CAUSES)].sum(axis=1), out["value"])
    base = employed[(employed["year"] == 2023) & (employed["region"] != "00")]
    total = base.groupby(["region", "education_group"])["value"].sum()
    fifteen = out[out["horizon"] == 15].set_index(["region", "education_group"])["value"]
    assert (fifteen <= total.reindex(fifteen.index) + 1e-9).all()


def test_a_later_exit_age_means_fewer_retirements_within_five_years(employed):
    early = exits(employed, 5, exit_age=64, base_year=2023)["retirements"].sum()
    late = exits(employed, 5, exit_age=68, base_year=2023)["retirements"].sum()
    assert late < early


def test_net_out_migration_is_a_named_assumption_that_adds_exits(employed):
    table = employed[employed["region"] == "04"]
    none = exits(table, 10, base_year=2023)
    some = exits(table, 10, base_year=2023, hazards=exit_hazards(66, net_out_migration=0.005))
    assert none["net_out_migration"].sum() == 0
    assert some["net_out_migration"].sum() > 0.04 * table[table["year"] == 2023]["value"].sum()


def test_other_exits_stop_at_the_exit_age_and_deaths_rise_with_age():
    h = exit_hazards(66).set_index("age")
    assert h.loc[70, "other_exits"] == 0 and h.loc[40, "other_exits"] > 0
    assert h["deaths"].is_monotonic_increasing


def test_the_need_shows_replacement_split_into_its_parts():
    need = need_tables.need_table("04", target_year=2035)
    parts = need[list(EXIT_CAUSES)].sum(axis=1)
    assert np.allclose(parts, need["replacement"])
    assert need["deaths"].sum() > 0 and need["other_exits"].sum() > 0
    summary = supply_tables.exits_summary("04", horizons=(5, 10))
    assert summary["share_per_year"].iloc[0] == pytest.approx(
        summary["share_per_year"].iloc[1], rel=0.2)


def _county_and_national(openings):
    demand = pd.DataFrame({
        "region": ["01", "01", "04", "04"], "education_group": "108",
        "year": [2023, 2035, 2023, 2035], "value": [1000.0, 1300.0, 500.0, 400.0]})
    replacement = pd.DataFrame({"region": ["01", "04"], "education_group": "108",
                                "horizon": 12, "year": 2035, "value": [200.0, 150.0]})
    counties = recruitment_need(demand, replacement, openings=openings)
    nation_demand = demand.groupby(["education_group", "year"], as_index=False)["value"].sum()
    nation = recruitment_need(nation_demand.assign(region="00"), pd.DataFrame(
        {"region": ["00"], "education_group": "108", "horizon": 12, "year": 2035,
         "value": [350.0]}), openings=openings)
    return counties, nation


def test_county_needs_add_up_to_the_national_need_net_of_decline():
    counties, nation = _county_and_national("net")
    assert counties["need"].sum() == pytest.approx(nation["need"].sum())  # 350 + 200
    assert counties["need"].sum() == pytest.approx(550.0)


def test_with_max_expansion_the_national_need_is_the_sum_of_the_counties():
    counties, nation = _county_and_national("max")
    # A county's decline does not offset another county's growth: the national need is
    # the sum of the county needs, the national max(expansion, 0) is less by the decline.
    assert counties["need"].sum() == pytest.approx(350 + 300)
    assert counties["need"].sum() - nation["need"].sum() == pytest.approx(100.0)


def test_openings_must_be_max_or_net():
    demand = pd.DataFrame({"region": "01", "education_group": "108", "year": [2023, 2035],
                           "value": [1.0, 2.0]})
    rep = pd.DataFrame({"region": ["01"], "education_group": "108", "horizon": 12,
                        "year": 2035, "value": [1.0]})
    with pytest.raises(kl.KompetensError, match="openings ska vara"):
        recruitment_need(demand, rep, openings="bls")


def test_the_step_rule_remains_available_for_the_exercises(employed):
    need = need_tables.need_table("04", target_year=2033, replacement="retirements")
    step = kl.retirements(employed[employed["region"] == "04"], 10, base_year=2023)
    assert need["replacement"].sum() == pytest.approx(step["value"].sum())
    assert need["deaths"].sum() == 0
    with pytest.raises(kl.KompetensError, match="replacement ska vara"):
        need_tables.need_table("04", replacement="pension")
