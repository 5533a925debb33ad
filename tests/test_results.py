"""Tables behind notebooks 02–05 (kompetens_lib.compat.results), on the bundled example data."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib import results
from kompetens_lib.errors import KompetensError, KompetensWarning
from kompetens_lib.methods.breakdown import COMPARED_LABELS, COMPARED_METHODS, METHOD_LABELS
from kompetens_lib.reference.taxonomy import FORMS, JUDGEMENTS, NOT_APPLICABLE

REGION = "23"  # Jämtland: a small county, where small groups make the methods differ most


@pytest.fixture(scope="module", autouse=True)
def example_data():
    # A run elsewhere in the session may have chosen another data source for the process;
    # module scope, so that the module's shared tables below are made from the example too.
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("KOMPETENS_DATA", raising=False)
        yield


@pytest.fixture(scope="module")
def demand_values() -> pd.DataFrame:
    return results.method_values(REGION, "demand")


@pytest.fixture(scope="module")
def balance() -> pd.DataFrame:
    return results.balance_table(REGION, method="trend_share")


@pytest.fixture(scope="module")
def need() -> pd.DataFrame:
    return results.need_table(REGION)


# --- shared helpers ------------------------------------------------------------------


def test_round_persons_uses_hundreds_from_a_thousand_and_tens_below():
    assert results.round_persons(12_345.6) == 12_300
    assert results.round_persons(987) == 990
    assert results.round_persons(-1_549) == -1_500
    assert results.round_persons(float("nan")) == 0


def test_base_year_must_be_a_history_year_within_the_forecast():
    assert results.forecast_base_year() == 2023
    with pytest.raises(KompetensError, match="Giltiga basår: 2023"):
        results.forecast_base_year(2020)


@pytest.fixture
def sparse_source(tmp_path):
    """The example data with a forecast that, like T&P, has only some years."""
    import shutil

    from kompetens_lib.data.tables import example_dir

    folder = tmp_path / "glest"
    shutil.copytree(example_dir(), folder)
    forecast = kl.load("national_forecast")
    forecast = forecast[forecast["year"].isin([2023, 2029, 2035])]
    (folder / "national_forecast.parquet").unlink()
    forecast.to_parquet(folder / "national_forecast.parquet")
    return str(folder)


def test_a_forecast_with_few_years_is_interpolated_per_group(sparse_source):
    full = kl.load("national_forecast").set_index(["education_group", "year"])
    filled = results.national_forecast(sparse_source).set_index(["education_group", "year"])
    assert len(filled) == len(full)
    start, mid = full.loc[("103", 2023), "demand"], full.loc[("103", 2029), "demand"]
    assert filled.loc[("103", 2026), "demand"] == pytest.approx(start + (mid - start) / 2)
    assert filled.loc[("103", 2026), "judgement"] == ""
    assert filled.loc[("103", 2023), "judgement"] == full.loc[("103", 2023), "judgement"]
    table = results.balance_table(REGION, source=sparse_source)
    assert set(table["judgement"]) <= {*JUDGEMENTS, NOT_APPLICABLE}
    assert (table["judgement_base"] != NOT_APPLICABLE).any()
    assert results.national_forecast() is not None  # the full example comes back as loaded


def test_horizons_must_end_within_the_forecast():
    assert results.horizons_within(2023, (12, 5, 10)) == [5, 10, 12]
    with pytest.raises(KompetensError, match="högst 12 år"):
        results.horizons_within(2023, (5, 15))


def test_method_label_accepts_codes_and_swedish_names():
    assert results.method_label("shift_share") == "Shift-share"
    assert results.method_label("Fast andel") == "Fast andel"
    with pytest.raises(KompetensError, match="Giltiga metoder"):
        results.method_label("linear")


# --- notebook 02 ---------------------------------------------------------------------


def test_method_values_has_every_method_and_the_fixed_share_formula(demand_values):
    # The four share methods and, on the example's industry tables, the industry-based one.
    assert set(demand_values["method"]) == set(COMPARED_METHODS)
    assert set(demand_values["region"]) == {REGION}
    assert demand_values["short_name"].notna().all()
    assert dict(zip(demand_values["method"], demand_values["method_label"])) == COMPARED_LABELS
    employed = kl.load("employed")
    base = employed[employed["year"] == 2023]
    share = (base[(base["region"] == REGION) & (base["education_group"] == "103")]["value"].sum()
             / base[(base["region"] != "00") & (base["education_group"] == "103")]["value"].sum())
    national = kl.load("national_forecast").set_index(["education_group", "year"])["demand"]
    row = demand_values[(demand_values["method"] == "fixed_share")
                        & (demand_values["education_group"] == "103")
                        & (demand_values["year"] == 2035)]
    assert row["value"].iloc[0] == pytest.approx(share * national[("103", 2035)])


def test_method_values_refuses_an_unknown_side():
    with pytest.raises(KompetensError, match="'demand'.*'supply'"):
        results.method_values(REGION, "jobs")


def test_method_totals_sums_the_groups_per_method_and_year(demand_values):
    totals = results.method_totals(demand_values)
    assert len(totals) == len(COMPARED_METHODS) * demand_values["year"].nunique()
    trend = demand_values[demand_values["method"] == "trend_share"]
    expected = trend.groupby("year")["value"].sum()
    got = totals[totals["method"] == "trend_share"].set_index("year")["value"]
    pd.testing.assert_series_equal(got, expected, check_names=False)
    one = results.method_totals(demand_values, group="Förskollärare")
    assert len(one) == len(totals)
    assert (one["value"] < totals["value"]).all()


def test_method_range_keeps_the_largest_groups_with_min_median_max(demand_values):
    spread = results.method_range(demand_values, 2035, n=5)
    assert spread["education_group"].nunique() == 5
    assert len(spread) == 5 * len(COMPARED_METHODS)
    assert (spread["min"] <= spread["median"]).all() and (spread["median"] <= spread["max"]).all()
    medians = spread.drop_duplicates("education_group")["median"]
    assert medians.is_monotonic_decreasing
    assert (spread["spread"] == spread["max"] - spread["min"]).all()
    with pytest.raises(KompetensError, match="Målåret 2040"):
        results.method_range(demand_values, 2040)


def test_backtest_summary_ranks_the_methods_for_the_county():
    test = results.backtest_summary(REGION)
    assert list(test["method"]) == list(COMPARED_METHODS)
    assert test.attrs["base_year"] == 2015 and test.attrs["target_year"] == 2023
    assert test.loc[test["best"], "wape"].iloc[0] == test["wape"].min()
    assert sorted(test["rank"]) == list(range(1, len(COMPARED_METHODS) + 1))
    from kompetens_lib.workbook.breakdown_tables import ras_region_totals

    # RAS as the workbook runs it: county totals from the population (notebook 02).
    totals = ras_region_totals("demand", base_year=2015, years=[2023])
    full = kl.backtest(kl.load("employed"), list(COMPARED_METHODS), level="region",
                       region_totals=totals, rescale_totals=True, damping=0.5,
                       industry_history=kl.load("industry_employed"))
    median = full.groupby("method")["wape"].median()
    assert test.set_index("method")["wape_all"].to_dict() == pytest.approx(median.to_dict())


def test_backtest_worst_groups_are_sorted_by_absolute_error():
    worst = results.backtest_worst_groups(REGION, "Fast andel", n=5)
    assert len(worst) == 5
    assert worst["error"].abs().is_monotonic_decreasing
    assert (worst["error"] == worst["forecast"] - worst["actual"]).all()


def test_key_figures_breakdown_are_plain_json_and_labelled():
    figures = results.key_figures_breakdown(REGION, method="shift_share")
    assert json.loads(json.dumps(figures)) == figures
    assert figures["method_label"] == "Shift-share"
    for side in ("demand", "supply"):
        low, high = figures[f"{side}_range"]["lägst"], figures[f"{side}_range"]["högst"]
        assert low <= figures[f"{side}_target"] <= high
        assert figures[f"{side}_target"] % 100 == 0
    assert set(figures["backtest_wape_share"]) == set(COMPARED_LABELS.values())
    assert all(0 <= v < 1 for v in figures["backtest_wape_share"].values())
    assert figures["backtest_best"] in COMPARED_LABELS.values()
    assert set(results.KEY_FIGURE_LABELS_BREAKDOWN) <= set(figures)


# --- notebook 03 ---------------------------------------------------------------------


def test_supply_age_structure_has_county_and_riket_shares():
    ages = results.supply_age_structure(REGION, 2023)
    assert set(ages["area"]) == {"Jämtlands län", "Riket"}
    assert ages.groupby("area")["share"].sum().to_numpy() == pytest.approx([1.0, 1.0])


def test_retirement_summary_grows_with_the_horizon_and_matches_the_core():
    summary = results.retirement_summary(REGION)
    assert list(summary["horizon"]) == [5, 10, 12]
    assert list(summary["year"]) == [2028, 2033, 2035]
    assert summary["retirements"].is_monotonic_increasing
    employed = kl.load("employed")
    core = kl.retirements(employed, 12)
    assert summary["retirements"].iloc[-1] == pytest.approx(
        core[core["region"] == REGION]["value"].sum())
    assert (summary["share_employed"] < 1).all()
    with pytest.raises(KompetensError, match="prognosen slutar 2035"):
        results.retirement_summary(REGION, horizons=(5, 15))


def test_retirements_by_group_keeps_n_groups_in_order_of_the_longest_horizon():
    by_group = results.retirements_by_group(REGION, n=4)
    assert by_group["education_group"].nunique() == 4 and len(by_group) == 12
    longest = by_group[by_group["horizon"] == 12]["value"]
    assert longest.is_monotonic_decreasing
    assert set(by_group["horizon_label"]) == {"Inom 5 år", "Inom 10 år", "Inom 12 år"}


def test_entrants_and_leavers_are_estimated_from_the_age_bands():
    flows = results.entrants_and_leavers(REGION, exit_age=66)
    pop = kl.load("population")
    pop = pop[(pop["region"] == REGION) & (pop["year"] == 2023)].set_index("age_band")["value"]
    young = flows[(flows["kind"] == "Fyller 16 år") & (flows["year"] == 2023)]["value"].iloc[0]
    old = flows[(flows["kind"] == "Fyller 66 år") & (flows["year"] == 2023)]["value"].iloc[0]
    assert young == pytest.approx(pop["0-15"] / 16)
    assert old == pytest.approx(pop["65-74"] / 10)
    assert not flows[flows["year"] <= 2023]["projection"].any()
    assert flows[flows["year"] > 2023]["projection"].all()
    later = results.entrants_and_leavers(REGION, exit_age=65)
    assert set(later["kind"]) == {"Fyller 16 år", "Fyller 65 år"}


def test_graduates_by_form_sum_the_county_rows():
    grads = results.graduates_by_form(REGION)
    raw = kl.load("graduates")
    assert grads["value"].sum() == raw[raw["region"] == REGION]["value"].sum()
    assert list(grads[grads["year"] == 2023]["form"]) == list(FORMS)


def test_projected_supply_starts_at_the_labour_force_and_reacts_to_its_assumptions():
    lf = kl.load("labour_force")
    start = lf[(lf["region"] == REGION) & (lf["year"] == 2023)]["value"].sum()

    def total(**kwargs) -> pd.Series:
        frame = results.projected_supply(REGION, **kwargs)
        return frame.groupby("year")["value"].sum()

    plain = total()
    assert plain.loc[2023] == pytest.approx(start)
    assert plain.index.max() == 2035
    assert total(net_migration=0.01).loc[2035] > plain.loc[2035]
    assert total(net_migration=-0.01).loc[2035] < plain.loc[2035]
    assert total(remove_further_educated=True).loc[2035] < plain.loc[2035]
    assert total(graduate_stay_share=0.5).loc[2035] < plain.loc[2035]
    with pytest.raises(KompetensError, match="net_migration"):
        results.projected_supply(REGION, net_migration=0.2)


def test_supply_comparison_is_an_index_with_the_base_year_at_100():
    comparison = results.supply_comparison(REGION)
    assert list(comparison.columns) == ["year", "tp_min", "tp_median", "tp_max",
                                        "cohort_high", "cohort_low"]
    assert comparison.iloc[0, 1:].to_numpy() == pytest.approx(np.full(5, 100.0))
    last = comparison.iloc[-1]
    assert last["tp_min"] <= last["tp_median"] <= last["tp_max"]
    assert last["cohort_low"] < last["cohort_high"]
    assert set(comparison.attrs["labels"]) == {"tp_median", "cohort_high", "cohort_low"}
    json.dumps(comparison.attrs["persons"])  # plain data, not a frame


def test_key_figures_supply_are_plain_json_with_labels_for_every_key():
    figures = results.key_figures_supply(REGION)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["retirements_5"] < figures["retirements_10"] < figures["retirements_12"]
    assert set(figures["graduates_per_year"]) == {"Gymnasieskola", "Komvux", "Yrkeshögskola",
                                                  "Universitet och högskola"}
    assert figures["share_supply_change_projection"]["lägst"] <= \
        figures["share_supply_change_projection"]["högst"]
    labels = results.key_figure_labels_supply(figures)
    shown = set(figures) - {"region", "region_name", "base_year", "target_year"}
    assert shown <= set(labels)


def test_supply_assumptions_accept_text_and_name_the_valid_range():
    a = results.supply_assumptions("67", "0,75", "0.005")
    assert (a.exit_age, a.graduate_stay_share, a.net_migration) == (67, 0.75, 0.005)
    with pytest.raises(KompetensError, match="mellan 60 och 72"):
        results.supply_assumptions(exit_age=80)
    with pytest.raises(KompetensError, match="mellan 0 och 1"):
        results.supply_assumptions(graduate_stay_share=1.5)
    html = results.supply_assumptions_html(a)
    assert "67 år" in html and "75 %" in html and "0,5 %" in html


# --- notebook 04 ---------------------------------------------------------------------


def test_demand_change_has_the_range_over_the_methods():
    change = results.demand_change(REGION, method="trend_share", n=6)
    assert len(change) == 6
    assert (change["change"] == change["target"] - change["base"]).all()
    assert ((change["change_min"] <= change["change"] + 1e-9)
            & (change["change"] <= change["change_max"] + 1e-9)).all()
    assert change["change"].is_monotonic_decreasing


def test_balance_table_computes_balance_ratio_and_orders_by_judgement(balance):
    assert balance.attrs["target_year"] == 2035 and balance.attrs["method"] == "trend_share"
    assert (balance["balance"] == balance["supply"] - balance["demand"]).all()
    assert balance["ratio"].to_numpy() == pytest.approx(
        100 * balance["supply"] / balance["demand"])
    assert set(balance["judgement"]) <= {*JUDGEMENTS, NOT_APPLICABLE}
    rank = balance["judgement"].map({j: i for i, j in enumerate([*JUDGEMENTS, NOT_APPLICABLE])})
    assert rank.is_monotonic_increasing
    assert len(balance) == kl.load("national_forecast")["education_group"].nunique()


def test_judgement_counts_add_up_to_the_groups(balance):
    counts = results.judgement_counts(balance)
    assert sum(counts.values()) == len(balance)
    assert list(counts) == [j for j in [*JUDGEMENTS, NOT_APPLICABLE] if j in counts]
    table = results.judgement_count_table(balance)
    assert table["groups_target"].sum() == table["groups_base"].sum() == len(balance)
    assert list(table["judgement"]) == [*JUDGEMENTS, NOT_APPLICABLE]


def test_county_balance_has_all_21_counties_adding_up_to_the_nation():
    table = results.county_balance("Förskollärare", method="fixed_share", target_year=2030)
    assert len(table) == 21 and table["region"].is_unique
    assert table.attrs["short_name"] == "Förskollärare"
    national = kl.load("national_forecast").set_index(["education_group", "year"])
    assert table["supply"].sum() == pytest.approx(national.loc[("103", 2030), "supply"])
    assert table["demand"].sum() == pytest.approx(national.loc[("103", 2030), "demand"])
    with pytest.raises(KompetensError, match="Okänd utbildningsgrupp"):
        results.county_balance("Astronauter")


def test_key_figures_balance_are_plain_json(balance):
    figures = results.key_figures_balance(balance, n=3)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["region"] == REGION and figures["method"] == "trend_share"
    assert sum(figures["judgements_target"].values()) == len(balance)
    assert len(figures["shortage_groups"]) <= 3
    assert all(g["judgement"] in JUDGEMENTS[:3] for g in figures["shortage_groups"])
    assert set(results.KEY_FIGURE_LABELS_BALANCE) <= set(figures)


# --- notebook 06 ---------------------------------------------------------------------


def test_need_is_replacement_plus_positive_expansion(need):
    assert need["period"].unique().tolist() == ["2023–2035"]
    assert need["need"].to_numpy() == pytest.approx(
        (need["replacement"] + need["expansion"].clip(lower=0)).to_numpy())
    assert need["need_per_year"].to_numpy() == pytest.approx((need["need"] / 12).to_numpy())
    assert need["need"].is_monotonic_decreasing
    assert (need["expansion"] < 0).any()  # shrinking groups are kept, not dropped


def test_need_vs_output_leaves_out_groups_without_graduates(need):
    output = results.education_output(REGION, base_year=2023)
    compared = results.need_vs_output(need, output, n=8)
    assert len(compared) == 8 and (compared["graduates"] > 0).all()
    assert "002" not in set(compared["education_group"])  # compulsory school: nothing to plan
    assert compared["coverage"].to_numpy() == pytest.approx(
        (compared["graduates"] / compared["need_per_year"]).to_numpy())


def test_assumptions_accept_text_numbers_and_partial_mappings():
    a = results.assumptions("0,6", {"Högskola": 0.5}, 0.9, "65")
    assert a.graduate_share == 0.6 and a.exit_age == 65
    assert a.completion_rate == {"gymnasium": 0.75, "komvux": 0.70, "yh": 0.75, "högskola": 0.5}
    assert set(a.stay_share.values()) == {0.9}
    with pytest.raises(KompetensError, match="mellan 0 och 1"):
        results.assumptions(graduate_share=1.2)
    with pytest.raises(KompetensError, match="okända utbildningsformer: universitet"):
        results.assumptions(completion_rate={"universitet": 0.5})
    with pytest.raises(KompetensError, match="större än 0"):
        results.assumptions(stay_share=0)


def test_places_follow_the_documented_formula(need):
    a = results.assumptions(0.5, 0.8, 0.5)
    places = results.places_table(need, a)
    assert (places["places"] > 0).all()
    assert places["graduates_needed"].to_numpy() == pytest.approx(
        (places["yearly_need"] * 0.5 / 0.5).to_numpy())
    assert places["places"].to_numpy() == pytest.approx(
        (places["graduates_needed"] / 0.8).to_numpy())
    per_group = places.groupby("education_group")["yearly_need"].sum()
    expected = need.set_index("education_group")["need_per_year"].reindex(per_group.index)
    assert per_group.to_numpy() == pytest.approx(expected.to_numpy())
    assert "002" in places.attrs["excluded_groups"]
    totals = results.places_by_form(places)
    assert list(totals["form"]) == [f for f in FORMS if f in set(places["form"])]
    regional = results.top_places(places, n=5)
    assert set(regional["form"]) <= set(results.REGIONAL_FORMS)
    assert regional["education_group"].nunique() == 5
    with pytest.raises(KompetensError, match="Okända utbildningsformer"):
        results.top_places(places, forms=("folkhögskola",))


def test_key_figures_need_are_plain_json(need):
    places = results.places_table(need, results.Assumptions())
    figures = results.key_figures_need(need, places)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["need_total"] == results.round_persons(need["need"].sum())
    assert 0 < figures["share_need_replacement"] <= 1
    assert set(figures["places_per_year"]) <= {"Gymnasieskola", "Komvux", "Yrkeshögskola",
                                               "Universitet och högskola"}
    assert set(results.KEY_FIGURE_LABELS_NEED) <= set(figures)


def test_assumptions_table_shows_values_defaults_and_reasons():
    html = results.assumptions_html(results.assumptions(0.6))
    assert "60 %" in html and "70 %" in html and "yrkesbytare" in html
    assert html.count("<tr>") == 5  # header and four assumptions


# --- HTML tables ---------------------------------------------------------------------


def test_table_html_formats_numbers_the_swedish_way():
    frame = pd.DataFrame({"name": ["A", "B"], "n": [12_345.0, -987.0], "share": [0.123, 0.5]})
    html = results.table_html(frame, {"name": "Grupp", "n": "Antal", "share": "Andel"},
                              formats={"share": "percent"}, caption="Rubrik", note="Källa: x.")
    assert "12\u00a0300" in html and "\u2212990" in html and "12,3\u00a0%" in html
    assert "<caption>Rubrik</caption>" in html and "Källa: x." in html
    with pytest.raises(KompetensError, match="saknar kolumnerna x"):
        results.table_html(frame, {"x": "X"})
    with pytest.raises(KompetensError, match="Okänt format"):
        results.table_html(frame, {"n": "Antal"}, formats={"n": "money"})


def test_traffic_lights_read_without_colour(balance):
    html = results.traffic_light_html(balance, n=10, caption="Bedömning")
    assert html.count("<tr>") == 11
    for word in set(balance.nlargest(10, "demand")["judgement"]):
        assert f"data-bedomning='{word}'" in html
        assert f">{word}</td>" in html
    assert "Bedömning 2023" in html and "Bedömning 2035" in html
    assert any(d in html for d in ("mot brist", "mot överskott", "oförändrad"))
    # The legend lists the whole scale in words, each on its colour.
    for word, (background, _) in results.JUDGEMENT_STYLE.items():
        assert word in html and background in html
    with pytest.raises(KompetensError, match="balance_table"):
        results.traffic_light_html(balance.drop(columns="judgement"))


def test_judgements_by_method_put_the_disagreements_first():
    table = results.judgements_by_method(REGION)
    labels = list(METHOD_LABELS.values())
    assert table.attrs["methods"] == labels
    assert list(table.columns) == ["education_group", "short_name", "demand", *labels,
                                   "disagree"]
    assert (table["disagree"] == (table[labels].nunique(axis=1) > 1)).all()
    assert table["disagree"].is_monotonic_decreasing
    fixed = results.balance_table(REGION, method="fixed_share").set_index("education_group")
    assert (table.set_index("education_group")["Fast andel"]
            == fixed["judgement"].reindex(table["education_group"])).all()


def test_an_empty_table_says_so():
    empty = pd.DataFrame({"n": pd.Series([], dtype=float)})
    html = results.table_html(empty, {"n": "Antal"}, empty_text="Inget att visa.")
    assert "colspan='1'" in html and "Inget att visa." in html


def test_places_sensitivity_is_proportional_to_the_graduate_share(need):
    table = results.places_sensitivity(need, shares=(0.5, 1.0))
    assert set(table["form"]) <= set(results.REGIONAL_FORMS)
    wide = table.pivot(index="form", columns="graduate_share", values="places")
    assert (wide[1.0] / wide[0.5]).to_numpy() == pytest.approx([2.0] * len(wide))


def test_a_short_history_and_foreign_groups_give_warnings_not_errors(tmp_path):
    """A real-data source may have two history years and T&P groups the county tables lack."""
    import shutil

    from kompetens_lib.data.tables import example_dir

    folder = tmp_path / "kort"
    shutil.copytree(example_dir(), folder)
    for name in ("employed", "labour_force", "graduates"):
        frame = kl.load(name)
        frame = frame[frame["year"] >= 2022]
        if name != "graduates":
            frame = frame[frame["education_group"] != "108"]
        (folder / f"{name}.parquet").unlink()
        frame.to_parquet(folder / f"{name}.parquet")
    source = str(folder)
    results._WARNED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        test = results.backtest_summary(REGION, source=source)
        results.method_values(REGION, "demand", source=source)
        results.method_values(REGION, "supply", source=source)
    # Notes to the participant come through the one channel, as KompetensWarning.
    messages = " ".join(str(w.message) for w in caught if w.category is KompetensWarning)
    # Too short a history for trend share and shift-share; the industry method needs only
    # the base and target years of its own tables.
    assert list(test["method"]) == ["fixed_share", "constrained", "industry"]
    assert "för kort för trendandel" in messages
    assert messages.count("kan brytas ned: 108") == 1  # said once, not for every table
    with pytest.warns(UserWarning, match="Examinerade i utbildningsgrupper som saknas"):
        comparison = results.supply_comparison(REGION, source=source)
    assert comparison.iloc[0, 1:].to_numpy() == pytest.approx(np.full(5, 100.0))


def test_whole_country_breakdowns_are_memoised_and_every_caller_gets_its_own_copy():
    results._MEMO.clear()
    first = results.balance_table(REGION, method="shift_share")
    cached = len(results._MEMO)
    # The balance, the demand breakdown and the counties' cohort-flow supply behind it.
    assert sorted(key[0] for key in results._MEMO) == [
        "balance", "breakdown", "cohort_supply", "cohort_supply_raw"]
    first["demand"] = -1.0
    first.attrs["region"] = "ändrad"
    again = results.balance_table(REGION, method="shift_share")
    assert len(results._MEMO) == cached  # nothing recomputed for the same inputs
    assert (again["demand"] > 0).all() and again.attrs["region"] == REGION
    # The other counties come from the same whole-country computation.
    results.balance_table("01", method="shift_share")
    assert len(results._MEMO) == cached


def test_a_changed_data_file_is_recomputed_not_served_from_memory(tmp_path):
    import shutil

    from kompetens_lib.data.tables import example_dir

    folder = tmp_path / "data"
    shutil.copytree(example_dir(), folder)
    source = str(folder)
    before = results.balance_table(REGION, source=source)
    employed = kl.load("employed", source)
    # Jämtland and Stockholm swap places: the country's sums stay, the county's share grows.
    employed["region"] = employed["region"].replace({REGION: "01", "01": REGION})
    (folder / "employed.parquet").unlink()
    employed.to_parquet(folder / "employed.parquet")
    after = results.balance_table(REGION, source=source)
    assert after["demand"].sum() > 10 * before["demand"].sum()  # not served from memory
    keys = [k for k in results._MEMO if k[0] == "balance" and k[-1][0] == source]
    assert len({k[-1] for k in keys}) == 2  # one entry per version of the files


def test_a_warning_from_a_memoised_computation_is_shown_once_in_a_fresh_process(tmp_path):
    import shutil

    from kompetens_lib.data.tables import example_dir

    folder = tmp_path / "utan108"
    shutil.copytree(example_dir(), folder)
    for name in ("employed", "labour_force"):
        frame = kl.load(name)
        (folder / f"{name}.parquet").unlink()
        frame[frame["education_group"] != "108"].to_parquet(folder / f"{name}.parquet")
    source = str(folder)
    # What a batch run's template does before forking: compute, keep the warning unshown.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results.prime(source)
    assert not [w for w in caught if "kan brytas ned: 108" in str(w.message)]
    # A notebook's kernel (a fork of it) then sees the warning once, when it uses the table.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results.balance_table(REGION, source=source)
        results.balance_table(REGION, source=source)
        results.need_table(REGION, source=source)
    shown = [w for w in caught if "kan brytas ned: 108" in str(w.message)]
    assert len(shown) == 1


def test_the_memo_exists_once_and_the_old_names_bind_it():
    from kompetens_lib.workbook import memo

    assert results._MEMO is memo.MEMO and results._WARNED is memo.WARNED
    # The old name may be the facade's wrapper that passes the validated source on.
    assert getattr(results.prime, "__wrapped__", results.prime) is memo.prime


def test_every_name_of_the_old_results_module_resolves():
    from kompetens_lib.compat import results as facade

    missing = [name for name in facade.__all__ if not hasattr(facade, name)]
    assert missing == []


def test_warnings_to_the_participant_are_kompetens_warnings_shown_once():
    from kompetens_lib.workbook.memo import WARNED, warn_once

    WARNED.discard("Testmeddelande.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_once("Testmeddelande.")
        warn_once("Testmeddelande.")
    assert [w.category for w in caught] == [KompetensWarning]
