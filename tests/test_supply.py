"""Tests for kompetens_lib.methods.supply: retirements and the cohort-flow supply projection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.supply import exit_probabilities, retirements, supply_projection
from kompetens_lib.reference.taxonomy import AGE_BANDS

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def by_band(
    values: list[float], region: str = "12", group: str = "108", year: int = 2023
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": region,
            "education_group": group,
            "age_band": AGE_BANDS,
            "year": year,
            "value": values,
        }
    )


# --------------------------------------------------------------------------------------
# Exit probabilities and retirements
# --------------------------------------------------------------------------------------


def test_exit_probabilities_hand_worked():
    """Exit at 66, ages uniform in bands. 55–64 within 5 years: ages 61–64 (4 of 10) → 0.4;
    within 10: 56–64 → 0.9; within 15: all → 1. 45–54 within 15: 51–54 → 0.4.
    65–74: all are 65 or older, so all leave within 5 years. 16–24: nobody."""
    p = exit_probabilities([5, 10, 15]).set_index(["age_band", "horizon"])["probability"]
    assert p[("55-64", 5)] == pytest.approx(0.4)
    assert p[("55-64", 10)] == pytest.approx(0.9)
    assert p[("55-64", 15)] == pytest.approx(1.0)
    assert p[("45-54", 10)] == pytest.approx(0.0)
    assert p[("45-54", 15)] == pytest.approx(0.4)
    assert p[("65-74", 5)] == pytest.approx(1.0)
    assert p[("16-24", 15)] == pytest.approx(0.0)


def test_exit_probabilities_distribution_and_nine_year_band():
    """Exit ages 64 and 66 with weight 0.5 each, 55–64 within 5 years:
    0.5·(ages ≥ 59: 6/10) + 0.5·(ages ≥ 61: 4/10) = 0.5.
    Exit at 30, 16–24 (nine ages 16..24) within 10 years: ages ≥ 20 → 5/9."""
    p = exit_probabilities(5, {64: 0.5, 66: 0.5}).set_index("age_band")["probability"]
    assert p["55-64"] == pytest.approx(0.5)
    young = exit_probabilities(10, 30).set_index("age_band")["probability"]
    assert young["16-24"] == pytest.approx(5 / 9)


def test_retirements_hand_worked():
    """Employed 45–54: 50, 55–64: 100, 65–74: 10. Exit at 66:
    5 years: 0.4·100 + 1·10 = 50; 10 years: 0.9·100 + 10 = 100;
    15 years: 0.4·50 + 100 + 10 = 130."""
    employed = by_band([0, 0, 0, 50, 100, 10])
    out = retirements(employed)
    assert list(out.columns) == ["region", "education_group", "horizon", "year", "value"]
    assert out["value"].tolist() == pytest.approx([50.0, 100.0, 130.0])
    assert out["year"].tolist() == [2028, 2033, 2038]
    assert out.attrs["base_year"] == 2023


def test_retirements_later_exit_age_lowers_replacement():
    """Exit at 68, 5 years: 55–64 ages ≥ 63 → 0.2·100; 65–74 → all 10 → 30."""
    out = retirements(by_band([0, 0, 0, 50, 100, 10]), 5, exit_age=68)
    assert out["value"].tolist() == pytest.approx([30.0])


def test_retirements_drop_riket_sum_extra_columns_and_keep_input():
    employed = pd.concat([by_band([0, 0, 0, 50, 100, 10]), by_band([0, 0, 0, 50, 100, 10], "00")])
    employed = pd.concat(
        [
            employed.assign(sex="k", value=employed["value"] // 2),
            employed.assign(sex="m", value=employed["value"] // 2),
        ]
    )
    before = employed.copy(deep=True)
    out = retirements(employed, 10)
    assert out["region"].tolist() == ["12"]
    assert out["value"].tolist() == pytest.approx([100.0])
    pd.testing.assert_frame_equal(employed, before)


def test_retirements_errors():
    employed = by_band([0, 0, 0, 50, 100, 10])
    with pytest.raises(
        KompetensError,
        match=r"Basåret 2019 finns inte i 'employed'\. "
        r"Giltiga basår: 2023\.",
    ):
        retirements(employed, base_year=2019)
    bad = employed.assign(age_band=["16-24", "25-34", "35-44", "45-54", "55-64", "65+"])
    with pytest.raises(KompetensError, match=r"Okända åldersgrupper.*65\+.*16-24, 25-34"):
        retirements(bad)
    with pytest.raises(KompetensError, match=r"negativa"):
        retirements(employed.assign(value=[0, 0, 0, -1, 100, 10]))
    with pytest.raises(KompetensError, match=r"NaN"):
        retirements(employed.assign(value=[0, 0, 0, np.nan, 100, 10]))
    with pytest.raises(KompetensError, match=r"Horisonten.*≥ 1.*5, 10 och 15"):
        retirements(employed, 0)
    with pytest.raises(KompetensError, match=r"summerar till 1.*64: 0.2"):
        retirements(employed, exit_age={65: 0.5, 66: 0.2})
    with pytest.raises(KompetensError, match=r"saknar kolumnen/kolumnerna age_band"):
        retirements(employed.drop(columns="age_band"))


@PROPERTY
@given(st.lists(st.integers(0, 10_000), min_size=6, max_size=6), st.integers(55, 72))
def test_property_retirements_grow_with_horizon_and_stay_below_employed(counts, exit_age):
    out = retirements(by_band(counts), [1, 5, 10, 15, 20], exit_age=exit_age)
    leaving = out["value"].to_numpy()
    assert (np.diff(leaving) >= -1e-9).all()
    assert (leaving >= 0).all()
    assert leaving[-1] <= sum(counts) + 1e-9


# --------------------------------------------------------------------------------------
# Supply projection
# --------------------------------------------------------------------------------------


def test_supply_projection_ageing_hand_worked():
    """Participation 1, labour force 16–24: 90, the other bands 100, no flows.
    Year 1: 16–24 loses 1/9 (10) → 80; each other band loses 1/10 (10) and gains 10 from
    the band below → 100; the 10 leaving 65–74 turn 75 and leave: 590 − 10 = 580.
    Year 2: 16–24 = 80·8/9 = 71.11, 25–34 = 90 + 80/9 = 98.89, the rest 100 → 570."""
    lf = by_band([90, 100, 100, 100, 100, 100])
    out = supply_projection(lf, 2, participation=1.0)
    assert out["year"].tolist() == [2023, 2024, 2025]
    assert out["value"].tolist() == pytest.approx([590.0, 580.0, 570.0])
    ages = supply_projection(lf, 2, participation=1.0, by_age=True)
    year2 = ages[ages["year"] == 2025].set_index("age_band")["value"]
    assert year2["16-24"] == pytest.approx(640 / 9)
    assert year2["25-34"] == pytest.approx(90 + 80 / 9)


def test_supply_projection_participation_makes_the_old_retire():
    """Participation 0.5 at 16–24, 0.2 at 65–74, 1 otherwise. Labour force
    [45, 100, 100, 100, 200, 20] → people [90, 100, 100, 100, 200, 100].
    Year 1 people: [80, 100, 100, 100, 190, 110]; supply = [40, 100, 100, 100, 190, 22]
    → 552 (base 565): of the 20 people moving from 55–64 to 65–74 only a fifth stay."""
    lf = by_band([45, 100, 100, 100, 200, 20])
    rate = pd.DataFrame({"age_band": AGE_BANDS, "value": [0.5, 1, 1, 1, 1, 0.2]})
    out = supply_projection(lf, 1, participation=rate)
    assert out["value"].tolist() == pytest.approx([565.0, 552.0])
    assert out.attrs["participation"] == "parameter"
    # The same rates computed from a population table give the same projection.
    population = by_band([90, 100, 100, 100, 200, 100]).drop(columns="education_group")
    population = pd.concat(
        [
            population,
            pd.DataFrame({"region": ["12"], "age_band": ["75+"], "year": [2023], "value": [500]}),
        ]
    )
    from_population = supply_projection(lf, 1, population=population)
    assert from_population["value"].tolist() == pytest.approx([565.0, 552.0])
    assert from_population.attrs["participation"] == "population"


def test_supply_projection_flows_hand_worked():
    """Participation 1, everyone 100 in 35–44 only. Graduates of högskola 20, 30, 40 in
    2021–2023 → mean 30 a year, all into 25–34 (given age shares), half stay → +15;
    in-movers +5 and out-movers −3 in 35–44; further-educated −2 in 35–44.
    Year 1: 35–44 = 100 − 10 + 5 − 3 − 2 = 90, 45–54 = 10, 25–34 = 15 → 115."""
    lf = by_band([0, 0, 100, 0, 0, 0])
    grads = pd.DataFrame(
        {
            "region": "12",
            "education_group": "108",
            "form": "högskola",
            "year": [2021, 2022, 2023],
            "value": [20, 30, 40],
        }
    )
    def flow(v):
        return pd.DataFrame(
            {"region": ["12"], "education_group": ["108"], "age_band": ["35-44"], "value": [v]}
        )

    out = supply_projection(
        lf,
        1,
        participation=1.0,
        graduates=grads,
        graduate_age_shares={"högskola": {"25-34": 1.0}},
        graduate_stay_share=0.5,
        in_movers=flow(5),
        out_movers=flow(3),
        further_educated=flow(2),
        by_age=True,
    )
    year1 = out[out["year"] == 2024].set_index("age_band")["value"]
    assert year1["25-34"] == pytest.approx(15.0)
    assert year1["35-44"] == pytest.approx(90.0)
    assert year1["45-54"] == pytest.approx(10.0)
    assert year1.sum() == pytest.approx(115.0)


def test_supply_projection_default_graduate_ages_and_entrants():
    """Default age shares for högskola: 0.35/0.55/0.10 of 100 graduates a year;
    entrants (no age band given) 12 a year into 16–24."""
    lf = by_band([0, 0, 0, 0, 0, 0])
    grads = pd.DataFrame(
        {
            "region": "12",
            "education_group": "108",
            "form": "högskola",
            "year": [2021, 2022, 2023],
            "value": [100, 100, 100],
        }
    )
    entrants = pd.DataFrame({"region": ["12"], "education_group": ["108"], "value": [12.0]})
    out = supply_projection(
        lf, 1, participation=1.0, graduates=grads, entrants=entrants, by_age=True
    )
    year1 = out[out["year"] == 2024].set_index("age_band")["value"]
    assert year1["16-24"] == pytest.approx(35 + 12)
    assert year1["25-34"] == pytest.approx(55)
    assert year1["35-44"] == pytest.approx(10)


def test_supply_projection_out_movers_cannot_make_stock_negative():
    lf = by_band([0, 0, 10, 0, 0, 0])
    out_movers = pd.DataFrame(
        {"region": ["12"], "education_group": ["108"], "age_band": ["35-44"], "value": [50]}
    )
    out = supply_projection(lf, 3, participation=1.0, out_movers=out_movers, by_age=True)
    assert (out["value"] >= 0).all()
    assert out[out["year"] == 2024]["value"].sum() == pytest.approx(1.0)  # the 1 who aged


def test_supply_projection_defaults_and_input_not_mutated():
    lf = pd.concat([by_band([50, 90, 90, 90, 80, 15]), by_band([50, 90, 90, 90, 80, 15], "00")])
    before = lf.copy(deep=True)
    out = supply_projection(lf)
    pd.testing.assert_frame_equal(lf, before)
    assert out.attrs["participation"] == "default"
    assert out["region"].unique().tolist() == ["12"]
    assert out["year"].tolist() == list(range(2023, 2036))
    assert out["value"].iloc[0] == pytest.approx(415.0)
    assert out["value"].iloc[-1] < 415.0  # no inflows: the stock ages out


def test_supply_projection_errors():
    lf = by_band([50, 90, 90, 90, 80, 15])
    grads = pd.DataFrame(
        {
            "region": "12",
            "education_group": "108",
            "form": "högskola",
            "year": [2022, 2023],
            "value": [1, 1],
        }
    )
    with pytest.raises(
        KompetensError,
        match=r"'graduates' saknar år 2021.*År i tabellen: "
        r"2022–2023",
    ):
        supply_projection(lf, graduates=grads)
    with pytest.raises(
        KompetensError,
        match=r"Okända utbildningsformer.*folkhögskola.*"
        r"gymnasium, komvux, yh, högskola",
    ):
        supply_projection(lf, graduates=grads.assign(form="folkhögskola"), flow_years=2)
    with pytest.raises(
        KompetensError,
        match=r"Utbildningsgrupperna 999.*finns inte i "
        r"arbetskraften.*108",
    ):
        supply_projection(lf, graduates=grads.assign(education_group="999"), flow_years=2)
    with pytest.raises(KompetensError, match=r"Deltagandet.*\(0, 1\]"):
        supply_projection(lf, participation=1.5)
    population = by_band([10, 90, 90, 90, 80, 15]).drop(columns="education_group")
    with pytest.raises(
        KompetensError,
        match=r"Befolkningen i län 12, åldersgrupp 16-24.*"
        r"kan inte vara över 1",
    ):
        supply_projection(lf, population=population)
    with pytest.raises(KompetensError, match=r"'population' saknar basåret 2023.*2020"):
        supply_projection(lf, population=population.assign(year=2020))
    with pytest.raises(KompetensError, match=r"Horisonten ska vara ett heltal ≥ 1"):
        supply_projection(lf, 0)
    with pytest.raises(KompetensError, match=r"saknar kolumnen/kolumnerna age_band"):
        supply_projection(
            lf, in_movers=pd.DataFrame({"region": ["12"], "education_group": ["108"], "value": [1]})
        )
    rate = pd.DataFrame({"age_band": AGE_BANDS[:5], "value": 0.5})
    with pytest.raises(
        KompetensError,
        match=r"'participation' saknar ett värde för age_band "
        r"65-74",
    ):
        supply_projection(lf, participation=rate)
    with pytest.raises(KompetensError, match=r"graduate_stay_share.*mellan 0 och 1"):
        supply_projection(lf, graduate_stay_share=2)


@PROPERTY
@given(st.lists(st.integers(0, 10_000), min_size=6, max_size=6), st.integers(1, 15))
def test_property_projection_without_inflows_never_grows(counts, horizon):
    out = supply_projection(by_band(counts), horizon, participation=1.0)
    total = out["value"].to_numpy()
    assert total[0] == pytest.approx(sum(counts))
    assert (total >= 0).all()
    assert (np.diff(total) <= 1e-9).all()


# --------------------------------------------------------------------------------------
# Integration with the bundled example data
# --------------------------------------------------------------------------------------


def test_bundled_data_retirements_and_supply():
    load = pytest.importorskip("kompetens_lib.data.tables").load
    employed, labour_force = load("employed"), load("labour_force")
    out = retirements(employed, [5, 10])
    base = employed[(employed["year"] == 2023) & (employed["region"] != "00")]
    assert out["region"].nunique() == 21
    share10 = out.loc[out["horizon"] == 10, "value"].sum() / base["value"].sum()
    assert 0.1 < share10 < 0.4  # a retirement wave, not everyone and not nobody
    supply = supply_projection(
        labour_force, population=load("population"), graduates=load("graduates")
    )
    first = supply[supply["year"] == 2023]["value"].sum()
    lf_base = labour_force[(labour_force["year"] == 2023) & (labour_force["region"] != "00")]
    assert first == pytest.approx(lf_base["value"].sum())
    assert supply["year"].max() == 2035
