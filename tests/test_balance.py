"""Tests for kompetens_lib.methods.balance: S − D, 100·S/D and the judgement on SCB's scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.balance import balance
from kompetens_lib.reference.taxonomy import JUDGEMENTS, NOT_APPLICABLE

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def series(
    group_values: dict[str, tuple[float, float]], years=(2023, 2035), region: str | None = None
) -> pd.DataFrame:
    rows = [(g, y, v) for g, vals in group_values.items() for y, v in zip(years, vals)]
    frame = pd.DataFrame(rows, columns=["education_group", "year", "value"])
    if region is not None:
        frame.insert(0, "region", region)
    return frame


def judged(words: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"education_group": list(words), "judgement": list(words.values())})


def test_balance_hand_worked():
    """108: base 'balans'; S 100 → 110, D 100 → 120: balance −10, ratio 91.67,
    change = 1.10/1.20 − 1 = −8.3 % → reaches 3 % and 7 % → two steps tighter: 'brist'.
    501: base 'visst överskott' (step 5 of 7); S 100 → 130, D flat: change +30 % → three
    steps looser, stopped at the end of the scale: 'stort överskott'.
    702: base 'brist'; S 100 → 101, D flat: +1 % → no step: 'brist'.
    205: base 'god tillgång' counts as 'visst överskott'; S flat, D 100 → 104.2:
    change −4 % → one step: 'balans'."""
    supply = series({"108": (100, 110), "501": (100, 130), "702": (100, 101), "205": (100, 100)})
    demand = series({"108": (100, 120), "501": (100, 100), "702": (100, 100), "205": (100, 104.2)})
    judgements = judged(
        {"108": "balans", "501": "visst överskott", "702": "brist", "205": "god tillgång"}
    )
    before = (supply.copy(deep=True), demand.copy(deep=True), judgements.copy(deep=True))
    out = balance(supply, demand, judgements)
    assert list(out.columns) == [
        "education_group",
        "year",
        "supply",
        "demand",
        "balance",
        "ratio",
        "change",
        "judgement",
    ]
    target = out[out["year"] == 2035].set_index("education_group")
    assert target.loc["108", "balance"] == pytest.approx(-10)
    assert target.loc["108", "ratio"] == pytest.approx(100 * 110 / 120)
    assert target.loc["108", "change"] == pytest.approx(1.1 / 1.2 - 1)
    assert target["judgement"].to_dict() == {
        "108": "brist",
        "205": "balans",
        "501": "stort överskott",
        "702": "brist",
    }
    base = out[out["year"] == 2023].set_index("education_group")["judgement"]
    assert base["205"] == "visst överskott"  # the base year shows the step it counts as
    for frame, original in zip((supply, demand, judgements), before):
        pd.testing.assert_frame_equal(frame, original)


def test_thresholds_are_parameters():
    """With one threshold at 50 %, a change of −8.3 % moves nothing."""
    supply, demand = series({"108": (100, 110)}), series({"108": (100, 120)})
    out = balance(supply, demand, judged({"108": "balans"}), thresholds=(0.5,))
    assert out["judgement"].tolist() == ["balans", "balans"]
    assert out.attrs["thresholds"] == (0.5,)


def test_not_applicable_without_base_or_demand():
    """No judgement given (702), 'varierat' (501), empty (205), zero demand (108)."""
    supply = series({"108": (10, 10), "501": (100, 100), "702": (100, 100), "205": (5, 5)})
    demand = series({"108": (0, 0), "501": (100, 90), "702": (100, 90), "205": (5, 5)})
    out = balance(supply, demand, judged({"108": "brist", "501": "varierat", "205": ""}))
    assert set(out["judgement"]) == {NOT_APPLICABLE}
    zero = out[out["education_group"] == "108"]
    assert zero["ratio"].isna().all() and zero["change"].isna().all()
    assert balance(supply, demand)["judgement"].eq(NOT_APPLICABLE).all()


def test_regional_balance_national_and_county_judgements():
    """Without a region column in the judgements the national base judgement applies to
    every county; with one, each county has its own."""
    supply = pd.concat(
        [series({"108": (100, 100)}, region="01"), series({"108": (100, 100)}, region="12")]
    )
    demand = pd.concat(
        [series({"108": (100, 110)}, region="01"), series({"108": (100, 100)}, region="12")]
    )
    national = balance(supply, demand, judged({"108": "balans"}))
    target = national[national["year"] == 2035].set_index("region")["judgement"]
    assert target.to_dict() == {"01": "brist", "12": "balans"}  # −9.1 % → two steps
    per_county = pd.DataFrame(
        {
            "region": ["01", "12"],
            "education_group": ["108", "108"],
            "judgement": ["stor brist", "överskott"],
        }
    )
    own = balance(supply, demand, per_county)
    target = own[own["year"] == 2035].set_index("region")["judgement"]
    assert target.to_dict() == {"01": "stor brist", "12": "överskott"}


def test_judgements_from_a_forecast_table_with_years():
    """A table like load('national_forecast'): the base-year rows are used."""
    forecast = pd.DataFrame(
        {
            "education_group": ["108", "108"],
            "year": [2023, 2035],
            "supply": [1, 1],
            "demand": [1, 1],
            "judgement": ["brist", "stor brist"],
        }
    )
    supply, demand = series({"108": (100, 100)}), series({"108": (100, 100)})
    out = balance(supply, demand, forecast)
    assert out["judgement"].tolist() == ["brist", "brist"]


def test_balance_errors():
    supply, demand = series({"108": (100, 110)}), series({"108": (100, 120)})
    with pytest.raises(KompetensError, match=r"Okänd bedömning 'jättebrist'.*stor brist, brist"):
        balance(supply, demand, judged({"108": "jättebrist"}))
    with pytest.raises(KompetensError, match=r"Tröskelvärdena.*växande.*\(0.03, 0.07, 0.12\)"):
        balance(supply, demand, thresholds=(0.1, 0.05))
    with pytest.raises(KompetensError, match=r"Basåret 2030 finns inte i både.*2023, 2035"):
        balance(supply, demand, base_year=2030)
    with pytest.raises(KompetensError, match=r"samma utbildningsgrupper.*Bara i demand: 501"):
        balance(supply, pd.concat([demand, series({"501": (1, 1)})]))
    with pytest.raises(KompetensError, match=r"båda ha kolumnen region"):
        balance(supply.assign(region="01"), demand)
    with pytest.raises(KompetensError, match=r"Värde saknas för grupp 501 år 2035"):
        balance(
            pd.concat([supply, series({"501": (1,)}, years=(2023,))]),
            pd.concat([demand, series({"501": (1, 1)})]),
        )
    with pytest.raises(KompetensError, match=r"inga rader för basåret 2023.*2035"):
        balance(
            supply,
            demand,
            pd.DataFrame({"education_group": ["108"], "year": [2035], "judgement": ["brist"]}),
        )
    with pytest.raises(KompetensError, match=r"flera bedömningar för grupp 108"):
        balance(supply, demand, pd.concat([judged({"108": "brist"}), judged({"108": "balans"})]))
    with pytest.raises(KompetensError, match=r"negativa"):
        balance(supply.assign(value=-1), demand)


@PROPERTY
@given(
    st.floats(1, 1e6),
    st.floats(1, 1e6),
    st.floats(0.5, 2),
    st.floats(0.5, 2),
    st.sampled_from(JUDGEMENTS),
)
def test_property_judgement_moves_with_relative_change(s0, d0, s_growth, d_growth, base):
    supply = series({"108": (s0, s0 * s_growth)})
    demand = series({"108": (d0, d0 * d_growth)})
    out = balance(supply, demand, judged({"108": base}))
    final = out["judgement"].iloc[-1]
    assert final in JUDGEMENTS
    moved = JUDGEMENTS.index(final) - JUDGEMENTS.index(base)
    if s_growth / d_growth > 1:
        assert moved >= 0
    elif s_growth / d_growth < 1:
        assert moved <= 0
    # More supply in the target year never makes the judgement tighter.
    more = balance(series({"108": (s0, s0 * s_growth * 1.05)}), demand, judged({"108": base}))
    assert JUDGEMENTS.index(more["judgement"].iloc[-1]) >= JUDGEMENTS.index(final)
    assert out["balance"].iloc[-1] == pytest.approx(s0 * s_growth - d0 * d_growth)
    assert np.isclose(out["ratio"].iloc[-1], 100 * s0 * s_growth / (d0 * d_growth))


def test_bundled_data_balance():
    load = pytest.importorskip("kompetens_lib.data.tables").load
    from kompetens_lib.methods.breakdown import breakdown

    forecast = load("national_forecast")
    supply = breakdown(forecast, load("labour_force"), column="supply")
    demand = breakdown(forecast, load("employed"), column="demand")
    out = balance(supply, demand, forecast)
    assert out["region"].nunique() == 21
    assert set(out["judgement"]) <= {*JUDGEMENTS, NOT_APPLICABLE}
    target = out[out["year"] == 2035]
    assert target["judgement"].isin(JUDGEMENTS).mean() > 0.8
