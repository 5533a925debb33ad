"""Tests for kompetens_lib.methods.backtest: errors of a method run from an earlier base year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.breakdown import METHODS

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def history() -> pd.DataFrame:
    """108: 01/12 = 90/110 (2014), 100/100 (2015), 150/50 (2023).
    501: 10/10 in every year. Years in between carry noise the method must not see."""
    rows = []
    for year, (a, b) in {
        2014: (90, 110),
        2015: (100, 100),
        2018: (1, 999),
        2023: (150, 50),
    }.items():
        rows += [
            ("01", "108", year, a),
            ("12", "108", year, b),
            ("01", "501", year, 10),
            ("12", "501", year, 10),
        ]
    return pd.DataFrame(rows, columns=["region", "education_group", "year", "value"])


def test_backtest_fixed_share_hand_worked():
    """Base 2015, target 2023. National outcome 2023: 108 → 200, 501 → 20.
    Fixed share 2015: 108 splits 100/100, 501 splits 10/10.
    108: 01 forecast 100 vs 150 → error −50, ape 33.3; 12: 100 vs 50 → +50, ape 100.
    501: exact. Per county: 01 mape (33.3 + 0)/2 = 16.7, wape 50/160 = 31.25;
    12 mape 50, wape 50/60 = 83.3. Total: mape (33.3 + 100 + 0 + 0)/4 = 33.3,
    wape 100/220 = 45.45."""
    hist = history()
    before = hist.copy(deep=True)
    cells = backtest(hist, "fixed_share", 2015, 2023, level="cell")
    assert list(cells.columns) == [
        "region",
        "education_group",
        "method",
        "base_year",
        "target_year",
        "forecast",
        "actual",
        "error",
        "ape",
    ]
    got = cells.set_index(["region", "education_group"])
    assert got.loc[("01", "108"), ["forecast", "actual", "error", "ape"]].tolist() == pytest.approx(
        [100, 150, -50, 100 / 3]
    )
    assert got.loc[("12", "108"), "ape"] == pytest.approx(100)
    assert got.loc[("01", "501"), "error"] == pytest.approx(0)

    regions = backtest(hist, "fixed_share", 2015, 2023).set_index("region")
    assert regions.loc["01", ["mape", "wape"]].tolist() == pytest.approx([50 / 3, 31.25])
    assert regions.loc["12", ["mape", "wape"]].tolist() == pytest.approx([50, 250 / 3])
    assert regions.loc["01", "n_groups"] == 2

    total = backtest(hist, "fixed_share", 2015, 2023, level="total").iloc[0]
    assert total["mape"] == pytest.approx(100 / 3)
    assert total["wape"] == pytest.approx(100 / 220 * 100)
    pd.testing.assert_frame_equal(hist, before)


def test_backtest_trend_share_hand_worked_and_group_level():
    """Trend over 2014–2015: share of 01 in 108 goes 0.45 → 0.50, slope 0.05 a year;
    anchored at 0.5 in 2015, 2023 (8 years) gives 0.9 → 180 of 200 (actual 150, ape 20);
    12 gets 20 (actual 50, ape 60). Group 108 over counties: mape 40, wape 60/200 = 30."""
    groups = backtest(
        history(), "trend_share", 2015, 2023, level="group", window=(2014, 2015)
    ).set_index("education_group")
    assert groups.loc["108", ["mape", "wape", "n_regions"]].tolist() == pytest.approx([40, 30, 2])
    assert groups.loc["501", "wape"] == pytest.approx(0)


def test_backtest_does_not_look_ahead():
    """Changing the years after the base year (except the target's national totals) does
    not change the forecast; changing the county split in the target year only changes
    the actual values."""
    hist = history()
    base = backtest(hist, "all", 2015, 2023, level="cell")
    noisy = hist.copy()
    noisy.loc[noisy["year"] == 2018, "value"] = 5
    split = hist.copy()
    split.loc[(split["year"] == 2023) & (split["education_group"] == "108"), "value"] = [120, 80]
    for changed in (noisy, split):
        other = backtest(changed, "all", 2015, 2023, level="cell")
        np.testing.assert_allclose(other["forecast"], base["forecast"])
    assert not np.allclose(
        backtest(split, "all", 2015, 2023, level="cell")["actual"], base["actual"]
    )


def test_backtest_all_methods_and_defaults():
    out = backtest(history(), "all", level="total")
    assert out["method"].tolist() == list(METHODS)
    assert out["base_year"].unique().tolist() == [2015]  # 2023 − 8
    assert out["target_year"].unique().tolist() == [2023]
    assert out["n_cells"].tolist() == [4] * 4


def test_backtest_excludes_groups_without_base_year_people():
    hist = pd.concat(
        [
            history(),
            pd.DataFrame(
                {
                    "region": ["01", "12"],
                    "education_group": ["702", "702"],
                    "year": [2023, 2023],
                    "value": [5, 5],
                }
            ),
        ]
    )
    out = backtest(hist, "fixed_share", 2015, 2023, level="cell")
    assert "702" not in set(out["education_group"])
    assert out.attrs["excluded_groups"] == ["702"]


def test_backtest_errors():
    hist = history()
    with pytest.raises(
        KompetensError,
        match=r"Målåret 2030 finns inte.*Giltiga målår: 2015, "
        r"2018, 2023",
    ):
        backtest(hist, target_year=2030)
    with pytest.raises(
        KompetensError,
        match=r"Basåret 2023.*före målåret 2023.*Giltiga basår: "
        r"2014–2015, 2018",
    ):
        backtest(hist, base_year=2023, target_year=2023)
    with pytest.raises(KompetensError, match=r"Basåret 2016 går inte"):
        backtest(hist, base_year=2016)
    with pytest.raises(KompetensError, match=r"Okänd nivå 'län'.*'region'"):
        backtest(hist, base_year=2015, level="län")
    with pytest.raises(KompetensError, match=r"Okänd metod: 'median'"):
        backtest(hist, "median", base_year=2015)
    with pytest.raises(KompetensError, match=r"Okänt val lambda.*damping"):
        backtest(hist, "all", base_year=2015, **{"lambda": 0.5})
    with pytest.raises(KompetensError, match=r"efter basåret 2015"):
        backtest(hist, "trend_share", base_year=2015, window=(2014, 2018))
    with pytest.raises(KompetensError, match=r"NaN"):
        backtest(
            hist.assign(value=hist["value"].astype(float).where(hist.index != 3)), base_year=2015
        )


@PROPERTY
@given(st.lists(st.integers(1, 1000), min_size=12, max_size=12), st.sampled_from(METHODS))
def test_property_forecasts_add_up_to_the_outcome(counts, method):
    """Each method's forecast adds up to the national outcome by group, and a perfect
    forecast has zero error: the errors over counties sum to zero."""
    regions, groups, years = ["01", "12", "25"], ["108", "501"], [2014, 2015]
    rows = [
        (r, g, y, counts[i])
        for i, (r, g, y) in enumerate((r, g, y) for y in years for r in regions for g in groups)
    ]
    rows += [
        (r, g, 2023, counts[(i * 5) % 12])
        for i, (r, g) in enumerate((r, g) for r in regions for g in groups)
    ]
    hist = pd.DataFrame(rows, columns=["region", "education_group", "year", "value"])
    out = backtest(hist, method, 2015, 2023, level="cell")
    sums = out.groupby("education_group")[["forecast", "actual", "error"]].sum()
    np.testing.assert_allclose(sums["forecast"], sums["actual"], rtol=1e-9)
    np.testing.assert_allclose(sums["error"], 0, atol=1e-6)
    assert (out["forecast"] >= -1e-9).all()


def test_bundled_data_backtest():
    load = pytest.importorskip("kompetens_lib.data.tables").load
    employed = load("employed")
    out = backtest(employed, "all", 2015, 2023)
    assert len(out) == 4 * 21
    assert np.isfinite(out[["mape", "wape"]].to_numpy()).all()
    assert (out["wape"] >= 0).all()
