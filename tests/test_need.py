"""Tests for kompetens_lib.methods.need: recruitment need and dimensioning of education places."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.need import dimensioning, recruitment_need

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def demand_frame() -> pd.DataFrame:
    rows = [
        ("12", "108", 2023, 1000.0),
        ("12", "108", 2028, 1100.0),
        ("12", "108", 2033, 1150.0),
        ("12", "501", 2023, 500.0),
        ("12", "501", 2028, 450.0),
        ("12", "501", 2033, 400.0),
    ]
    return pd.DataFrame(rows, columns=["region", "education_group", "year", "value"])


def replacement_frame() -> pd.DataFrame:
    rows = [
        ("12", "108", 5, 2028, 150.0),
        ("12", "108", 10, 2033, 300.0),
        ("12", "501", 5, 2028, 60.0),
        ("12", "501", 10, 2033, 120.0),
    ]
    return pd.DataFrame(rows, columns=["region", "education_group", "horizon", "year", "value"])


def test_recruitment_need_hand_worked():
    """108: demand 1000 → 1100 (2028) → 1150 (2033); replacement 150 and 300.
    2023–2028: expansion 100, need 150 + 100 = 250; 2023–2033: 150, need 450.
    501: demand 500 → 450 → 400 (falling); replacement 60 and 120. Expansion −50 and
    −100 is shown but does not reduce the need: need = 60 and 120."""
    demand, replacement = demand_frame(), replacement_frame()
    before = (demand.copy(deep=True), replacement.copy(deep=True))
    out = recruitment_need(demand, replacement)
    assert list(out.columns) == [
        "region",
        "education_group",
        "period",
        "horizon",
        "replacement",
        "expansion",
        "need",
    ]
    got = out.set_index(["education_group", "period"])
    assert got.loc[
        ("108", "2023–2028"), ["replacement", "expansion", "need"]
    ].tolist() == pytest.approx([150, 100, 250])
    assert got.loc[("108", "2023–2033"), "need"] == pytest.approx(450)
    assert got.loc[("501", "2023–2028"), ["expansion", "need"]].tolist() == pytest.approx([-50, 60])
    assert got.loc[("501", "2023–2033"), "need"] == pytest.approx(120)
    pd.testing.assert_frame_equal(demand, before[0])
    pd.testing.assert_frame_equal(replacement, before[1])


def test_recruitment_need_errors():
    demand, replacement = demand_frame(), replacement_frame()
    longer = pd.concat([replacement, replacement.assign(horizon=15, year=2038)])
    with pytest.raises(KompetensError, match=r"saknar år 2038.*2023–2038.*högst 10 år"):
        recruitment_need(demand, longer)
    mixed = replacement.assign(year=[2028, 2034, 2028, 2033])
    with pytest.raises(KompetensError, match=r"blandar basår \(2023, 2024\)"):
        recruitment_need(demand, mixed)
    with pytest.raises(KompetensError, match=r"Basåret 2020 stämmer inte.*base_year=2023"):
        recruitment_need(demand, replacement, base_year=2020)
    with pytest.raises(KompetensError, match=r"501.*saknar pensionsavgångar"):
        recruitment_need(demand, replacement[replacement["education_group"] == "108"])
    with pytest.raises(KompetensError, match=r"inga län gemensamt.*demand: 12.*replacement: 01"):
        recruitment_need(demand, replacement.assign(region="01"))
    with pytest.raises(KompetensError, match=r"saknar kolumnen/kolumnerna horizon"):
        recruitment_need(demand, replacement.drop(columns="horizon"))


def test_recruitment_need_from_library_pipeline():
    """retirements → recruitment_need: the replacement column is the retirements."""
    from kompetens_lib.methods.supply import retirements

    employed = pd.DataFrame(
        {
            "region": "12",
            "education_group": "108",
            "year": 2023,
            "age_band": ["45-54", "55-64"],
            "value": [50, 100],
        }
    )
    demand = demand_frame()[lambda d: d["education_group"] == "108"]
    out = recruitment_need(demand, retirements(employed, [5, 10]))
    assert out["replacement"].tolist() == pytest.approx([40.0, 90.0])
    assert out["need"].tolist() == pytest.approx([140.0, 240.0])


def need_frame(need: float = 1000.0, group: str = "301", horizon: int = 10) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["12"],
            "education_group": [group],
            "period": [f"2023–{2023 + horizon}"],
            "horizon": [horizon],
            "need": [need],
        }
    )


def test_dimensioning_hand_worked():
    """Need 1000 over 10 years → 100 a year; split gymnasium 0.6 / komvux 0.4 → 60 and 40.
    Graduates meet half the need; stay shares 0.8 and 1.0; completion 0.75 and 0.5.
    gymnasium: graduates 60·0.5/0.8 = 37.5, places 37.5/0.75 = 50.
    komvux: graduates 40·0.5/1.0 = 20, places 20/0.5 = 40."""
    shares = pd.DataFrame(
        {"education_group": ["301", "301"], "form": ["gymnasium", "komvux"], "share": [0.6, 0.4]}
    )
    need = need_frame()
    before = need.copy(deep=True)
    out = dimensioning(
        need,
        form_shares=shares,
        graduate_share=0.5,
        stay_share={"gymnasium": 0.8, "komvux": 1.0, "yh": 1.0, "högskola": 1.0},
        completion_rate={"gymnasium": 0.75, "komvux": 0.5, "yh": 1.0, "högskola": 1.0},
    )
    assert list(out.columns) == [
        "region",
        "education_group",
        "period",
        "form",
        "yearly_need",
        "graduates_needed",
        "places",
    ]
    got = out.set_index("form")
    assert got.loc[
        "gymnasium", ["yearly_need", "graduates_needed", "places"]
    ].tolist() == pytest.approx([60, 37.5, 50])
    assert got.loc[
        "komvux", ["yearly_need", "graduates_needed", "places"]
    ].tolist() == pytest.approx([40, 20, 40])
    pd.testing.assert_frame_equal(need, before)


def test_dimensioning_form_shares_from_graduates_and_levels():
    """108 (förskollärare, ≥ 3 years): graduates högskola 90 and yh 10 in the last three
    years → 0.9 / 0.1 (Riket rows are not counted twice). 301 (Gymn. ekonomi) has no
    graduates, so its level (gymnasial) gives gymnasium 0.7 / komvux 0.3. 001 (folkskola)
    gets no places."""
    graduates = pd.DataFrame(
        {
            "region": ["12", "12", "00", "00", "12"],
            "education_group": "108",
            "form": ["högskola", "yh", "högskola", "yh", "högskola"],
            "year": [2023, 2023, 2023, 2023, 2015],
            "value": [90, 10, 90, 10, 1000],
        }
    )
    need = pd.concat([need_frame(group="108"), need_frame(group="301"), need_frame(group="001")])
    out = dimensioning(
        need, graduates=graduates, graduate_share=1.0, stay_share=1.0, completion_rate=1.0
    )
    got = out.set_index(["education_group", "form"])["yearly_need"]
    assert got[("108", "högskola")] == pytest.approx(90)
    assert got[("108", "yh")] == pytest.approx(10)
    assert got[("301", "gymnasium")] == pytest.approx(70)
    assert got[("301", "komvux")] == pytest.approx(30)
    assert "001" not in set(out["education_group"])
    assert out.attrs["excluded_groups"] == ["001"]
    assert out.attrs["form_shares"] == "graduates"


def test_dimensioning_defaults_are_documented_assumptions():
    out = dimensioning(need_frame(group="108"))
    row = out.iloc[0]
    # 100 a year · 0.7 (graduate share) / 0.5 (stay, högskola) / 0.6 (completion)
    assert row["form"] == "högskola"
    assert row["places"] == pytest.approx(100 * 0.7 / 0.5 / 0.6)


def test_dimensioning_errors():
    need = need_frame()
    with pytest.raises(KompetensError, match=r"'completion_rate' ska vara andelar i \(0, 1\]"):
        dimensioning(need, completion_rate=0)
    with pytest.raises(KompetensError, match=r"'stay_share' saknar värden.*yh, högskola"):
        dimensioning(need, stay_share={"gymnasium": 0.8, "komvux": 0.9})
    with pytest.raises(KompetensError, match=r"graduate_share.*mellan 0 och 1"):
        dimensioning(need, graduate_share=1.2)
    shares = pd.DataFrame({"education_group": ["301"], "form": ["gymnasium"], "share": [0.5]})
    with pytest.raises(KompetensError, match=r"summera till 1.*301"):
        dimensioning(need, form_shares=shares)
    with pytest.raises(
        KompetensError,
        match=r"Okända utbildningsformer.*folkhögskola.*"
        r"gymnasium, komvux, yh, högskola",
    ):
        dimensioning(need, form_shares=shares.assign(form="folkhögskola", share=1.0))
    with pytest.raises(KompetensError, match=r"'horizon' i 'need'.*≥ 1"):
        dimensioning(need.assign(horizon=0))
    with pytest.raises(KompetensError, match=r"negativa"):
        dimensioning(need.assign(need=-1.0))


@PROPERTY
@given(
    st.floats(0, 1e6),
    st.integers(1, 15),
    st.floats(0, 1),
    st.floats(0.05, 1),
    st.floats(0.05, 1),
    st.floats(0.01, 100),
)
def test_property_dimensioning_is_linear_and_keeps_the_need(
    need, horizon, graduate_share, stay, completion, k
):
    frame = need_frame(need, "301", horizon)
    out = dimensioning(
        frame, graduate_share=graduate_share, stay_share=stay, completion_rate=completion
    )
    assert out["yearly_need"].sum() == pytest.approx(need / horizon)
    assert (out["places"] >= out["graduates_needed"] - 1e-9).all()
    scaled = dimensioning(
        frame.assign(need=need * k),
        graduate_share=graduate_share,
        stay_share=stay,
        completion_rate=completion,
    )
    np.testing.assert_allclose(scaled["places"], k * out["places"], rtol=1e-9, atol=1e-9)


def test_bundled_data_need_and_dimensioning():
    load = pytest.importorskip("kompetens_lib.data.tables").load
    from kompetens_lib.methods.breakdown import breakdown
    from kompetens_lib.methods.supply import retirements

    employed, forecast = load("employed"), load("national_forecast")
    demand = breakdown(forecast, employed, column="demand")
    need = recruitment_need(demand, retirements(employed, [5, 10, 12]))
    assert set(need["period"]) == {"2023–2028", "2023–2033", "2023–2035"}
    assert (need["need"] >= need["replacement"]).all()
    places = dimensioning(need, graduates=load("graduates"))
    assert set(places["form"]) == {"gymnasium", "komvux", "yh", "högskola"}
    assert (places["places"] >= 0).all()
