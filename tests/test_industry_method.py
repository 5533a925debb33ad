"""The industry-based breakdown: conservation, scale invariance, λ = 0, its frame shape, and
its place among the compared methods (range and back-test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.breakdown import (
    COMPARED_LABELS,
    COMPARED_METHODS,
    breakdown,
    compare_methods,
)
from kompetens_lib.methods.industry import industry_breakdown, industry_mix, industry_projection
from kompetens_lib.workbook import breakdown_tables, memo


def _history() -> pd.DataFrame:
    """Two counties, two industries, three groups, years 2020 and 2023 (hand-made)."""
    rows = []
    base = {("01", "C", "505"): 60, ("01", "C", "501"): 40, ("01", "Q", "702"): 100,
            ("12", "C", "505"): 150, ("12", "C", "501"): 50, ("12", "Q", "702"): 50,
            ("12", "Q", "501"): 50}
    early = {key: value * (0.8 if key[0] == "01" else 1.0) for key, value in base.items()}
    for year, table in ((2020, early), (2023, base)):
        for (region, industry, group), value in table.items():
            rows.append((region, industry, group, year, float(value)))
    return pd.DataFrame(rows, columns=["region", "industry", "education_group", "year", "value"])


def _forecast(c_growth: float = 1.5, q_growth: float = 1.1) -> pd.DataFrame:
    return pd.DataFrame({"industry": ["C", "C", "Q", "Q"], "year": [2023, 2030] * 2,
                         "demand": [300.0, 300.0 * c_growth, 200.0, 200.0 * q_growth]})


def _national() -> pd.DataFrame:
    return pd.DataFrame({"education_group": ["501", "505", "702"] * 2,
                         "year": [2023] * 3 + [2030] * 3,
                         "demand": [140.0, 210.0, 150.0, 200.0, 260.0, 180.0]})


def test_counties_add_up_to_the_forecast_per_industry_and_year():
    projection = industry_projection(_forecast(), _history(), damping=1.0)
    sums = projection.groupby(["industry", "year"])["value"].sum()
    expected = {(i, y): v for i, y, v in _forecast().itertuples(index=False)}
    assert {(str(i), int(y)): v for (i, y), v in sums.items()} == pytest.approx(expected)


def test_counties_add_up_to_the_national_forecast_per_group_and_year():
    result = industry_breakdown(_national(), _forecast(), _history(), damping=0.7)
    sums = result.groupby(["education_group", "year"])["value"].sum()
    expected = {(g, y): v for g, y, v in _national().itertuples(index=False)}
    assert {(str(g), int(y)): v for (g, y), v in sums.items()} == pytest.approx(expected)


def test_without_a_national_forecast_all_jobs_of_the_industries_are_kept():
    result = industry_breakdown(None, _forecast(), _history())
    totals = result.groupby("year")["value"].sum()
    assert totals.loc[2030] == pytest.approx(300 * 1.5 + 200 * 1.1)


def test_example_data_conserves_riket_per_group_and_per_industry():
    national = kl.load("national_forecast")
    forecast, history = kl.load("industry_forecast"), kl.load("industry_employed")
    result = industry_breakdown(national, forecast, history)
    sums = result.groupby(["education_group", "year"])["value"].sum()
    expected = national.set_index(["education_group", "year"])["demand"].astype(float)
    np.testing.assert_allclose(sums.sort_index(), expected.loc[sums.sort_index().index],
                               rtol=1e-9)
    projection = industry_projection(forecast, history)
    by_industry = projection.groupby(["industry", "year"])["value"].sum()
    wanted = forecast.set_index(["industry", "year"])["demand"].astype(float)
    np.testing.assert_allclose(by_industry, wanted.loc[by_industry.index], rtol=1e-9)


def test_history_in_thousands_gives_the_same_result():
    history = _history()
    thousands = history.assign(value=history["value"] / 1000)
    a = industry_breakdown(_national(), _forecast(), history, damping=0.5)
    b = industry_breakdown(_national(), _forecast(), thousands, damping=0.5)
    np.testing.assert_allclose(a["value"], b["value"], rtol=1e-12)


def test_scaling_both_forecasts_scales_the_result():
    k = 1000.0
    forecast, national = _forecast(), _national()
    a = industry_breakdown(national, forecast, _history())
    b = industry_breakdown(national.assign(demand=national["demand"] * k),
                           forecast.assign(demand=forecast["demand"] * k), _history())
    np.testing.assert_allclose(b["value"], a["value"] * k, rtol=1e-12)
    c = industry_breakdown(None, forecast.assign(demand=forecast["demand"] * k), _history())
    d = industry_breakdown(None, forecast, _history())
    np.testing.assert_allclose(c["value"], d["value"] * k, rtol=1e-12)


def test_damping_zero_keeps_each_county_s_base_share_of_its_industry():
    projection = industry_projection(_forecast(), _history(), damping=0)
    at = projection.set_index(["region", "industry", "year"])["value"]
    # Base 2023: C is 100 in 01 and 200 in 12; the forecast of C in 2030 is 450.
    assert at["01", "C", 2030] == pytest.approx(450 * 100 / 300)
    assert at["12", "C", 2030] == pytest.approx(450 * 200 / 300)


def test_damping_zero_by_hand_through_the_county_mix():
    result = industry_breakdown(None, _forecast(), _history(), damping=0)
    at = result.set_index(["region", "education_group", "year"])["value"]
    # County 12 in 2030: C = 450·200/300 = 300 split 150:50 → 225 in 505, 75 in 501;
    # Q = 220·100/200 = 110 split 50:50 → 55 in 702 and 55 in 501.
    assert at["12", "505", 2030] == pytest.approx(225)
    assert at["12", "501", 2030] == pytest.approx(75 + 55)
    assert at["12", "702", 2030] == pytest.approx(55)


def test_with_equal_industry_growth_and_no_damping_it_is_the_fixed_share():
    history = _history()
    by_group = history.groupby(["region", "education_group", "year"], as_index=False)["value"]
    by_group = by_group.sum()
    ours = industry_breakdown(_national(), _forecast(1.2, 1.2), history, damping=0)
    fixed = breakdown(_national(), by_group, "fixed_share", 2023, column="demand")
    merged = ours.merge(fixed, on=["region", "education_group", "year"])
    np.testing.assert_allclose(merged["value_x"], merged["value_y"], rtol=1e-12)


def test_a_county_that_grew_faster_gains_with_damping():
    low = industry_projection(_forecast(), _history(), damping=0).set_index(
        ["region", "industry", "year"])["value"]
    high = industry_projection(_forecast(), _history(), damping=1).set_index(
        ["region", "industry", "year"])["value"]
    assert high["01", "C", 2030] > low["01", "C", 2030]  # 01 grew 25 % from 2020 to 2023
    assert high["01", "C", 2023] == pytest.approx(low["01", "C", 2023])


def test_an_industry_that_grows_more_moves_demand_to_the_county_that_has_it():
    fast_c = industry_breakdown(_national(), _forecast(2.0, 1.0), _history(), damping=0)
    fast_q = industry_breakdown(_national(), _forecast(1.0, 2.0), _history(), damping=0)
    share = {}
    for name, frame in (("c", fast_c), ("q", fast_q)):
        year = frame[(frame["year"] == 2030) & (frame["education_group"] == "501")]
        share[name] = year.set_index("region")["value"]["12"] / year["value"].sum()
    # In 12 group 501 is half of Q, in 01 none of Q: a fast Q pulls 501 demand to 12.
    assert share["q"] > share["c"]


def test_output_has_the_shape_of_the_other_breakdown_methods():
    national = kl.load("national_forecast")
    ours = industry_breakdown(national, kl.load("industry_forecast"),
                              kl.load("industry_employed"))
    theirs = breakdown(national, kl.load("employed"), "shift_share", column="demand")
    assert ours.columns.tolist() == theirs.columns.tolist()
    assert ours.dtypes.to_dict() == theirs.dtypes.to_dict()
    key = ["region", "education_group", "year"]
    assert ours[key].equals(theirs[key])
    assert ours.attrs["method"] == "industry" and ours.attrs["base_year"] == 2023


def test_mix_shares_add_up_to_one_and_fall_back_to_the_national_mix():
    mix = industry_mix(_history())
    sums = mix.groupby(["region", "industry"])["share"].sum()
    assert np.allclose(sums, 1.0)
    # County 01 has nobody in group 501 of Q, but the mix of 01 is its own, not national.
    own = mix.set_index(["region", "industry", "education_group"])["share"]
    assert own["01", "Q", "702"] == pytest.approx(1.0)
    assert own["00", "Q", "702"] == pytest.approx(150 / 200)


def test_errors_are_swedish_and_name_what_is_valid():
    with pytest.raises(KompetensError, match="finns i historiken men inte i 'industry_forecast'"):
        industry_projection(_forecast()[lambda f: f["industry"] == "C"], _history())
    with pytest.raises(KompetensError, match="Dämpningen"):
        industry_projection(_forecast(), _history(), damping=1.5)
    with pytest.raises(KompetensError, match="Basåret 2019 finns inte"):
        industry_projection(_forecast(), _history(), base_year=2019)
    empty = _history().assign(value=lambda f: f["value"].where(f["industry"] != "Q", 0.0))
    with pytest.raises(KompetensError, match="Q har inga förvärvsarbetande i något län"):
        industry_projection(_forecast(), empty)
    with pytest.raises(KompetensError, match="Fönstret ska anges som"):
        industry_projection(_forecast(), _history(), window=("2020", "2023"))
    with pytest.raises(KompetensError, match="sluta senast basåret"):
        industry_projection(_forecast(), _history(), base_year=2020, window=(2020, 2023))
    with pytest.raises(KompetensError, match="saknar prognosåren"):
        industry_breakdown(_national()[lambda f: f["year"] == 2023], _forecast(), _history())


def test_inputs_are_not_modified():
    history, forecast, national = _history(), _forecast(), _national()
    copies = [f.copy() for f in (history, forecast, national)]
    industry_breakdown(national, forecast, history, damping=1)
    for before, after in zip(copies, (history, forecast, national)):
        pd.testing.assert_frame_equal(before, after)


def _random_inputs(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    regions, industries, groups = ["01", "12", "25"], ["B", "C", "Q"], ["501", "505", "702",
                                                                        "713"]
    index = pd.MultiIndex.from_product([regions, industries, groups, [2018, 2023]],
                                       names=["region", "industry", "education_group", "year"])
    values = rng.integers(0, 500, len(index)).astype(float)
    values[rng.random(len(index)) < 0.2] = 0.0  # some empty cells
    history = pd.DataFrame({"value": values}, index=index).reset_index()
    base = history[history["year"] == 2023].groupby("industry")["value"].sum()
    forecast = pd.DataFrame(
        [(i, y, base[i] * (1 + rng.uniform(-0.3, 0.6)) if y > 2023 else base[i])
         for i in industries for y in (2023, 2028, 2035)],
        columns=["industry", "year", "demand"])
    national = pd.DataFrame(
        [(g, y, rng.uniform(100, 2000)) for g in groups for y in (2023, 2028, 2035)],
        columns=["education_group", "year", "demand"])
    return history, forecast, national


@pytest.mark.parametrize("seed", range(6))
def test_properties_hold_on_random_inputs(seed):
    history, forecast, national = _random_inputs(seed)
    damping = [0.0, 0.3, 1.0][seed % 3]
    projection = industry_projection(forecast, history, damping=damping)
    by_industry = projection.groupby(["industry", "year"])["value"].sum()
    wanted = forecast.set_index(["industry", "year"])["demand"]
    for key, value in by_industry.items():
        assert value == pytest.approx(wanted[key], rel=1e-9)
    result = industry_breakdown(national, forecast, history, damping=damping)
    by_group = result.groupby(["education_group", "year"])["value"].sum()
    target = national.set_index(["education_group", "year"])["demand"]
    for key, value in by_group.items():
        assert value == pytest.approx(target[key], rel=1e-9)
    assert (result["value"] >= 0).all()
    scaled = industry_breakdown(national.assign(demand=national["demand"] * 7),
                                forecast.assign(demand=forecast["demand"] * 7),
                                history.assign(value=history["value"] / 1000),
                                damping=damping)
    np.testing.assert_allclose(scaled["value"], result["value"] * 7, rtol=1e-9, atol=1e-9)
    if damping == 0:
        base = history[history["year"] == 2023].groupby(["region", "industry"])["value"].sum()
        shares = base / base.groupby("industry").transform("sum")
        for year in (2028, 2035):
            at = projection[projection["year"] == year].set_index(["region", "industry"])
            got = at["value"] / at.groupby("industry")["value"].transform("sum")
            np.testing.assert_allclose(got.loc[shares.index], shares.fillna(0), atol=1e-12)


def test_it_runs_from_an_earlier_base_year_as_a_back_test_would():
    history = kl.load("industry_employed")
    national_rows = history[history["region"] == "00"]
    actual = national_rows[national_rows["year"].isin([2015, 2023])]
    forecast = actual.groupby(["industry", "year"], as_index=False)["value"].sum()
    groups = actual.groupby(["education_group", "year"], as_index=False)["value"].sum()
    past = history[history["year"] <= 2015]
    result = industry_breakdown(groups, forecast, past, base_year=2015, column="value",
                                forecast_column="value")
    in_2023 = result[result["year"] == 2023].set_index(["region", "education_group"])["value"]
    truth = (history[(history["year"] == 2023) & (history["region"] != "00")]
             .groupby(["region", "education_group"])["value"].sum())
    assert in_2023.sum() == pytest.approx(truth.sum())
    error = (in_2023 - truth.reindex(in_2023.index, fill_value=0)).abs().sum() / truth.sum()
    assert 0 < error < 0.2  # a real forecast error, not a copy of the answer


# --- the industry method among the compared methods (range and back-test) -------------------

def _industry_tables():
    return kl.load("industry_forecast"), kl.load("industry_employed")


def test_compare_methods_runs_the_industry_method_beside_the_share_methods():
    national, history = kl.load("national_forecast"), kl.load("employed")
    detail = compare_methods(national, history, column="demand", methods=COMPARED_METHODS,
                             industry=_industry_tables(), detail=True)
    assert set(detail["method"]) == set(COMPARED_METHODS)
    ours = detail[detail["method"] == "industry"]
    sums = ours.groupby(["education_group", "year"])["value"].sum()
    wanted = national.set_index(["education_group", "year"])["demand"].loc[sums.index]
    np.testing.assert_allclose(sums, wanted, rtol=1e-9)  # counties add up to Riket per group
    alone = industry_breakdown(national, *_industry_tables())
    merged = ours.merge(alone, on=["region", "education_group", "year"])
    np.testing.assert_allclose(merged["value_x"], merged["value_y"], rtol=1e-12)
    band = compare_methods(national, history, region="25", column="demand",
                           methods=COMPARED_METHODS, industry=_industry_tables())
    at = ours[ours["region"] == "25"].merge(band, on=["region", "education_group", "year"])
    assert (at["min"] <= at["value"] + 1e-9).all() and (at["value"] <= at["max"] + 1e-9).all()
    assert (band["n_methods"] == 5).all()


def test_the_industry_method_without_its_tables_is_refused_in_swedish():
    with pytest.raises(KompetensError, match="behöver tabellerna efter näringsgren"):
        compare_methods(kl.load("national_forecast"), kl.load("employed"), column="demand",
                        methods=["fixed_share", "Näringsgrensbaserad"])
    assert COMPARED_LABELS["industry"] == "Näringsgrensbaserad"


def test_the_back_test_runs_the_industry_method_from_an_earlier_base_year():
    history = kl.load("employed")
    cells = backtest(history, ["fixed_share", "industry"], 2015, 2023, level="cell",
                     industry_history=kl.load("industry_employed"))
    ours = cells[cells["method"] == "industry"]
    by_group = ours.groupby("education_group")[["forecast", "actual"]].sum()
    np.testing.assert_allclose(by_group["forecast"], by_group["actual"], rtol=1e-9)
    assert (ours["base_year"] == 2015).all()
    assert 0 < ours["error"].abs().sum() / ours["actual"].sum() < 0.2
    fixed = cells[cells["method"] == "fixed_share"]
    assert not np.allclose(ours["forecast"].to_numpy(), fixed["forecast"].to_numpy())
    with pytest.raises(KompetensError, match="behöver historiken efter näringsgren"):
        backtest(history, "industry", 2015, 2023)


def test_notebook_02_shows_the_industry_method_in_the_demand_range_and_the_back_test():
    demand = breakdown_tables.method_values("25", "demand")
    supply = breakdown_tables.method_values("25", "supply")
    assert "Näringsgrensbaserad" in set(demand["method_label"])
    assert "industry" not in set(supply["method"])  # it breaks down demand only
    test = breakdown_tables.backtest_summary("25")
    assert "Näringsgrensbaserad" in set(test["method_label"])
    assert sorted(test["rank"]) == sorted(test["wape"].rank(method="min").astype(int))
    figures = breakdown_tables.key_figures_breakdown("25")
    totals = breakdown_tables.method_totals(demand)
    at = totals[totals["year"] == figures["target_year"]]["value"]
    assert figures["demand_range"]["lägst"] == breakdown_tables.round_persons(at.min())
    assert "Näringsgrensbaserad" in figures["backtest_wape_share"]


def test_the_example_s_tables_by_industry_never_join_a_range_of_real_statistics(monkeypatch):
    # The optional tables by industry fall back to the example; with the county's own
    # (real) statistics that would mix synthetic figures into the range and the back-test.
    real = {"employed", "labour_force"}
    original = breakdown_tables.load

    def load(name, source=None):
        frame = original(name, source)
        if name in real:
            frame.attrs = {**frame.attrs, "provenance": {"synthetic": False}}
        return frame

    monkeypatch.setattr(breakdown_tables, "load", load)
    # The same files as the example's: a fresh memo, or the comparison computed from them
    # as synthetic data (by an earlier test, or a kernel template) would be reused.
    monkeypatch.setattr(memo, "MEMO", type(memo.MEMO)())
    monkeypatch.setattr(memo, "WARNED", type(memo.WARNED)())
    with pytest.warns(Warning, match="lämnas utanför jämförelsen"):
        values = breakdown_tables.method_values("21", "demand")
    assert "industry" not in set(values["method"])
    test = breakdown_tables.backtest_summary("21")
    assert "industry" not in set(test["method"])
    assert len(test) == 4
