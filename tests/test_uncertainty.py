"""RAS county totals from the population, back-test error bands with credibility weighting,
the RAMS → BAS series break the loader marks, and the example data's variation (issue 12)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kompetens_lib as kl
from kompetens_lib.data import tables
from kompetens_lib.errors import KompetensWarning
from kompetens_lib.methods.breakdown import breakdown
from kompetens_lib.methods.region_totals import employment_rates, population_region_totals
from kompetens_lib.methods.uncertainty import error_bands, size_class, widen
from kompetens_lib.workbook import breakdown_tables


def test_population_totals_keep_each_age_bands_employment_rate():
    pop = pd.DataFrame({
        "region": ["01"] * 4 + ["12"] * 4,
        "age_band": ["25-34", "25-34", "55-64", "55-64"] * 2,
        "year": [2023, 2030] * 4,
        "value": [100, 150, 100, 50, 200, 200, 100, 100],
    })
    emp = pd.DataFrame({"region": ["01", "01", "12", "12"],
                        "age_band": ["25-34", "55-64", "25-34", "55-64"],
                        "year": [2023] * 4, "value": [80, 60, 150, 50]})
    out = population_region_totals(pop, emp, 2023, [2030]).set_index("region")["value"]
    # Stockholm: 150 · 0.8 + 50 · 0.6; Skåne: unchanged population and rates.
    assert out["01"] == pytest.approx(150.0)
    assert out["12"] == pytest.approx(200.0)
    rates = employment_rates(pop, emp, 2023).set_index(["region", "age_band"])["rate"]
    assert rates[("01", "55-64")] == pytest.approx(0.6)


def test_ras_with_population_totals_moves_a_county_with_its_population():
    totals = breakdown_tables.ras_region_totals("demand", base_year=2023, source="example")
    employed, forecast = kl.load("employed"), kl.load("national_forecast")
    ras = breakdown(forecast, employed, "constrained", column="demand",
                    region_totals=totals, rescale_totals=True)
    fixed = breakdown(forecast, employed, "fixed_share", column="demand")
    at = (ras["year"] == 2035)
    share_ras = ras[at].groupby("region")["value"].sum() / ras[at]["value"].sum()
    share_fixed = fixed[at].groupby("region")["value"].sum() / fixed[at]["value"].sum()
    wide = totals.pivot(index="region", columns="year", values="value")
    expected = wide[2035] / wide[2035].sum()
    np.testing.assert_allclose(share_ras[expected.index], expected, rtol=1e-8)
    # The county's own population now decides: not every county keeps its share.
    assert (share_ras - share_fixed).abs().max() > 1e-3


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 5), st.integers(1, 4), st.data())
def test_property_ras_holds_both_margins_after_fitting(n_regions, n_groups, data):
    regions = ["01", "03", "09", "12", "23"][:n_regions]
    groups = ["108", "501", "702", "003"][:n_groups]
    base = data.draw(st.lists(st.integers(1, 1000), min_size=n_regions * n_groups,
                              max_size=n_regions * n_groups))
    hist = pd.DataFrame([(r, g, 2023, float(base[i * n_groups + j]))
                         for i, r in enumerate(regions) for j, g in enumerate(groups)],
                        columns=["region", "education_group", "year", "value"])
    nat_values = data.draw(st.lists(st.floats(1, 1e5), min_size=n_groups, max_size=n_groups))
    nat = pd.DataFrame({"education_group": groups, "year": 2030, "value": nat_values})
    weights = data.draw(st.lists(st.floats(0.1, 10), min_size=n_regions, max_size=n_regions))
    totals = pd.DataFrame({"region": regions, "year": 2030, "value": weights})
    out = breakdown(nat, hist, "constrained", region_totals=totals, rescale_totals=True,
                    tol=1e-10, max_iter=5000)
    if not all(c["converged"] for c in out.attrs["convergence"].values()):
        return  # the warning path is tested in test_breakdown
    cols = out.groupby("education_group")["value"].sum()
    np.testing.assert_allclose(cols[groups].to_numpy(), nat_values, rtol=1e-8)
    rows = out.groupby("region")["value"].sum()
    expected = np.array(weights) / sum(weights) * sum(nat_values)
    np.testing.assert_allclose(rows[regions].to_numpy(), expected, rtol=1e-7)


def test_size_classes_are_named_in_swedish():
    assert size_class(np.array([0, 99, 100, 9_999, 10_000])).tolist() == [
        "under 100", "under 100", "100–1 000", "1 000–10 000", "10 000+"]


def test_small_counties_are_shrunk_towards_the_pooled_band():
    employed = kl.load("employed")
    gotland = error_bands(employed, "fixed_share", "09", horizons=(4,))
    stockholm = error_bands(employed, "fixed_share", "01", horizons=(4,))
    for band in (gotland, stockholm):
        known = band.dropna(subset=["own"])
        low = np.minimum(known["own"], known["pooled"]) - 1e-9
        high = np.maximum(known["own"], known["pooled"]) + 1e-9
        assert ((known["band"] >= low) & (known["band"] <= high)).all()
        expected = known["weight"] * known["own"] + (1 - known["weight"]) * known["pooled"]
        np.testing.assert_allclose(known["band"], expected)
    cls = "1 000–10 000"
    assert (gotland.set_index("size_class").loc[cls, "weight"]
            < stockholm.set_index("size_class").loc[cls, "weight"])
    # A class where Gotland has no cells gets the pooled band.
    empty = gotland[gotland["n_cells"] == 0]
    np.testing.assert_allclose(empty["band"], empty["pooled"])


def test_error_bands_are_wider_for_small_cells():
    bands = error_bands(kl.load("employed"), "fixed_share", horizons=(8,))
    pooled = bands.set_index("size_class")["pooled"]
    assert pooled["under 100"] > pooled["100–1 000"] > pooled["10 000+"]


def test_widen_grows_with_the_square_root_beyond_the_tested_horizon():
    bands = pd.DataFrame({"horizon": [2, 8], "size_class": ["10 000+"] * 2,
                          "band": [2.0, 4.0]})
    values = pd.DataFrame({"education_group": ["108"] * 3, "year": [2027, 2031, 2055],
                           "value": [100.0] * 3, "base_value": [20_000.0] * 3})
    out = widen(values, bands, 2023)
    # 4 years: between 2 % (2 years) and 4 % (8 years); 32 years: 4 % · √(32 / 8).
    assert out["band"].tolist() == pytest.approx([2 + 2 * 2 / 6, 4.0, 8.0])
    assert out["low"].tolist() == pytest.approx([100 - 8 / 3, 96.0, 92.0])
    assert out["high"].tolist() == pytest.approx([100 + 8 / 3, 104.0, 108.0])


def test_loader_marks_the_rams_bas_break_and_warns_once():
    tables._WARNED_BREAKS.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        employed = kl.load("employed")
        kl.load("employed")
        kl.load("labour_force")
    notes = [w for w in caught if issubclass(w.category, KompetensWarning)]
    assert len(notes) == 1 and "RAMS" in str(notes[0].message)
    assert employed.attrs["series_breaks"] == [{"year": 2020, "before": "RAMS", "after": "BAS"}]
    assert kl.load("population").attrs["series_breaks"] == []


def test_example_employment_has_the_bas_level_shift_from_2020(monkeypatch):
    from kompetens_lib.data import example_data

    with_break = example_data.generate()["employed"].query("region == '00'")
    monkeypatch.setattr(example_data, "SERIES_BREAK_EMPLOYED", 0)
    without = example_data.generate()["employed"].query("region == '00'")
    shift = (with_break.groupby("year")["value"].sum()
             - without.groupby("year")["value"].sum())
    assert (shift[shift.index < 2020] == 0).all()
    assert shift[shift.index >= 2020].to_numpy() == pytest.approx(50_000, abs=500)


def test_example_gotland_has_net_commuting_near_zero():
    flows = kl.load("commuting").query("region == '09'")
    by_year = flows.pivot_table(index="year", columns="direction", values="value")
    employed = kl.load("employed").query("region == '09'").groupby("year")["value"].sum()
    net = (by_year["in"] - by_year["ut"]) / employed
    assert net.abs().max() < 0.005


def test_example_county_shares_do_not_lie_on_a_straight_line():
    employed = kl.load("employed").query("region != '00' and year <= 2015")
    cells = employed.groupby(["region", "education_group", "year"])["value"].sum().unstack()
    shares = cells / cells.groupby(level="education_group").transform("sum")
    shares = shares[shares.mean(axis=1) > 0]
    x = shares.columns.to_numpy(float)
    slope, intercept = np.polyfit(x, shares.to_numpy().T, 1)
    fit = np.outer(slope, x) + intercept[:, None]
    distance = np.abs(shares.to_numpy() - fit).mean(axis=1) / shares.mean(axis=1).to_numpy()
    assert np.median(distance) > 0.01


def test_backtest_caption_says_the_verdict_is_on_synthetic_data():
    test = breakdown_tables.backtest_summary("23")
    assert test.attrs["synthetic"] and "syntetiska" in test.attrs["note"]
    assert "syntetiska exempeldata" in breakdown_tables.backtest_caption(test, "Jämtlands län")


def test_uncertainty_charts_carry_title_units_and_source():
    from kompetens_lib.present import charts

    bands = breakdown_tables.error_band_table("09", "fixed_share")
    spec = charts.error_band_chart(bands, source="Källa: exempel.").to_dict()
    assert spec["title"]["subtitle"][-1] == "Källa: exempel."
    assert "procent" in spec["encoding"]["y"]["title"]
    groups = breakdown_tables.group_bands("09", "fixed_share", n=5)
    assert (groups["low"] <= groups["value"]).all() and (groups["value"] <= groups["high"]).all()
    layered = charts.group_band_chart(groups, source="Källa: exempel.").to_dict()
    assert [layer["mark"]["type"] for layer in layered["layer"]] == ["bar", "rule", "point"]
