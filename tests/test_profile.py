"""Nuläge figures: location quotients, level mix, age structure, 55+ and commuting."""

from __future__ import annotations

import numpy as np
import pytest

import kompetens_lib as kl
from kompetens_lib import profile
from kompetens_lib.errors import KompetensError


def test_location_quotient_formula_on_the_bundled_data():
    lq = profile.location_quotients("Skåne", 2023)
    employed = kl.load("employed").query("year == 2023")
    county = employed[employed["region"] == "12"].groupby("education_group")["value"].sum()
    nation = employed[employed["region"] == "00"].groupby("education_group")["value"].sum()
    group = kl.resolve_group("Gymn. vård och omsorg")
    expected = (county[group] / county.sum()) / (nation[group] / nation.sum())
    row = lq.set_index("education_group").loc[group]
    assert row["lq"] == pytest.approx(expected)
    assert row["employed"] == county[group]
    assert lq["region_share"].sum() == pytest.approx(1.0)
    assert lq["employed"].is_monotonic_decreasing


def test_employment_weighted_location_quotients_average_one():
    lq = profile.location_quotients("01", 2023)
    assert np.average(lq["lq"], weights=lq["national_share"]) == pytest.approx(1.0)


def test_stockholm_is_specialised_in_long_post_secondary_groups():
    lq = profile.location_quotients("01", 2023).set_index("short_name")
    assert lq.loc["Jurister", "lq"] > 1.3
    assert lq.loc["Gymn. naturbruk", "lq"] < 0.5


def test_level_mix_and_age_structure_shares_sum_to_one_per_area():
    levels = profile.level_mix(12, 2023)
    assert set(levels["area"]) == {"Skåne län", "Riket"}
    assert levels.groupby("area")["share"].sum().round(9).eq(1).all()
    ages = profile.age_structure("Norrbotten", 2023)
    assert ages.groupby("area")["share"].sum().round(9).eq(1).all()
    assert ages["age_band"].tolist()[:6] == ["16-24", "25-34", "35-44", "45-54", "55-64", "65-74"]


def test_older_share_counts_55_to_74():
    older = profile.older_share("25", 2023).set_index("short_name")
    employed = kl.load("employed").query("year == 2023 and region == '25'")
    group = kl.resolve_group("Förskollärare")
    rows = employed[employed["education_group"] == group]
    expected = rows[rows["age_band"].isin(["55-64", "65-74"])]["value"].sum() / rows["value"].sum()
    assert older.loc["Förskollärare", "share_55plus"] == pytest.approx(expected)


def test_key_figures_agree_with_the_tables():
    figures = profile.key_figures("13", 2023)
    employed = kl.load("employed").query("year == 2023 and region == '13'")
    assert figures["employed"] == employed["value"].sum()
    flows = kl.load("commuting").query("year == 2023 and region == '13'").set_index("direction")
    assert figures["in_commuters"] == flows.loc["in", "value"]
    assert figures["out_commuters"] == flows.loc["ut", "value"]
    assert len(figures["top_lq"]) == 3
    assert figures["region_name"] == "Hallands län"


def test_key_figures_bundle_is_readable_and_machine_readable():
    figures = profile.key_figures("12", 2023)
    bundle = profile.key_figures_bundle(figures, note="Källa: test")
    assert bundle[profile.KEY_FIGURES_MIME] == {"section": "nulage", **figures}
    assert "Nyckeltal för Skåne län 2023" in bundle["text/html"]
    assert "Källa: test" in bundle["text/plain"]
    assert "eftergymn," not in bundle["text/plain"]


def test_a_year_outside_the_data_is_explained():
    with pytest.raises(KompetensError, match="Giltiga år: 2010–2023"):
        profile.location_quotients("12", 2030)


def test_vectorised_county_measures_agree_with_the_per_county_functions():
    table = profile.county_group_measures(2023).set_index(["region", "education_group"])
    assert len(table) == 21 * 102
    lq = profile.location_quotients("23", 2023).set_index("education_group")
    older = profile.older_share("23", 2023).set_index("education_group")
    for group in ("702", "103", "404"):
        assert table.loc[("23", group), "lq"] == pytest.approx(lq.loc[group, "lq"])
        assert table.loc[("23", group), "share_55plus"] == pytest.approx(
            older.loc[group, "share_55plus"])
