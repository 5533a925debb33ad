"""kompetens_lib.methods.breakdown: hand-worked examples, properties and Swedish errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.breakdown import METHODS, ConvergenceWarning, breakdown, compare_methods
from kompetens_lib.reference.regions import COUNTY_CODES


def hist_frame(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "education_group", "year", "value"])


def nat_frame(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["education_group", "year", "value"])


def values(result: pd.DataFrame) -> dict[tuple[str, str, int], float]:
    return {
        (r, g, int(y)): float(v)
        for r, g, y, v in result[["region", "education_group", "year", "value"]].itertuples(
            index=False
        )
    }


# --------------------------------------------------------------------------------------
# Hand-worked examples
# --------------------------------------------------------------------------------------


def test_fixed_share_hand_worked():
    """Base 2023: group 108 has 30 in 01 and 70 in 12 (shares 0.3, 0.7); group 501 has
    50 and 50 (0.5, 0.5). National 2030: 108 → 200, 501 → 80.
    So 01/108 = 0.3·200 = 60, 12/108 = 140, 01/501 = 40, 12/501 = 40."""
    hist = hist_frame(
        [
            ("01", "108", 2023, 30),
            ("12", "108", 2023, 70),
            ("01", "501", 2023, 50),
            ("12", "501", 2023, 50),
        ]
    )
    nat = nat_frame([("108", 2030, 200.0), ("501", 2030, 80.0)])
    out = breakdown(nat, hist, "fixed_share")
    assert list(out.columns) == ["region", "education_group", "year", "value"]
    assert values(out) == pytest.approx(
        {
            ("01", "108", 2030): 60.0,
            ("12", "108", 2030): 140.0,
            ("01", "501", 2030): 40.0,
            ("12", "501", 2030): 40.0,
        }
    )
    assert out.attrs["method"] == "fixed_share" and out.attrs["base_year"] == 2023


def test_trend_share_hand_worked_is_anchored_at_base_year():
    """Shares of 01: 2021 0.2, 2022 0.3, 2023 0.3 (12 has the rest). OLS slope over
    2021–2023: x̄ = 2022, s̄ = 0.2667; Σ(x−x̄)(s−s̄) = (−1)(−0.0667) + 1·(0.0333) = 0.1,
    Σ(x−x̄)² = 2 → b = 0.05 per year. Anchored at the base share 0.3: in 2025
    s = 0.3 + 2·0.05 = 0.4 → 01 gets 40 of 100, 12 gets 60 (the unanchored OLS line would
    give 0.4167). In 2040, s_01 = 0.3 + 17·0.05 = 1.15 and s_12 = −0.15 → clipped to 0
    and rescaled: 01 gets all 100."""
    hist = hist_frame(
        [
            ("01", "108", 2021, 20),
            ("12", "108", 2021, 80),
            ("01", "108", 2022, 30),
            ("12", "108", 2022, 70),
            ("01", "108", 2023, 30),
            ("12", "108", 2023, 70),
        ]
    )
    nat = nat_frame([("108", 2025, 100.0), ("108", 2040, 100.0)])
    out = values(breakdown(nat, hist, "trend_share", window=(2021, 2023)))
    assert out[("01", "108", 2025)] == pytest.approx(40.0)
    assert out[("12", "108", 2025)] == pytest.approx(60.0)
    assert out[("01", "108", 2040)] == pytest.approx(100.0)
    assert out[("12", "108", 2040)] == pytest.approx(0.0)


def test_trend_share_window_as_list_of_years():
    """Window [2021, 2023] (two years only): slope (0.3 − 0.2)/2 = 0.05, same as above."""
    hist = hist_frame(
        [
            ("01", "108", 2021, 20),
            ("12", "108", 2021, 80),
            ("01", "108", 2022, 90),
            ("12", "108", 2022, 10),
            ("01", "108", 2023, 30),
            ("12", "108", 2023, 70),
        ]
    )
    nat = nat_frame([("108", 2025, 100.0)])
    out = values(breakdown(nat, hist, "trend_share", window=[2021, 2023]))
    assert out[("01", "108", 2025)] == pytest.approx(40.0)


def test_shift_share_hand_worked():
    """Window 2022–2023 (one year): 01 grows 100 → 150 (+50 %), 12 falls 100 → 50 (−50 %),
    the nation stays at 200 (0 %). So d_01 = +0.5, d_12 = −0.5 per year.
    National forecast 2025 = 200, h = 2, 1 + g_N = 200/200 = 1, λ = 0.5:
    W_01 = 150·(1 + 0.5·0.5·2) = 225; W_12 = 50·(1 − 0.5·0.5·2) = 25; ΣW = 250.
    X_01 = 200·225/250 = 180; X_12 = 200·25/250 = 20.
    With λ = 1 and 2026 (h = 3): W_12 = 50·(1 − 1.5) < 0 → clipped to 0, 01 gets 200."""
    hist = hist_frame(
        [
            ("01", "108", 2022, 100),
            ("12", "108", 2022, 100),
            ("01", "108", 2023, 150),
            ("12", "108", 2023, 50),
        ]
    )
    nat = nat_frame([("108", 2025, 200.0), ("108", 2026, 200.0)])
    out = values(breakdown(nat, hist, "shift_share", window=(2022, 2023), damping=0.5))
    assert out[("01", "108", 2025)] == pytest.approx(180.0)
    assert out[("12", "108", 2025)] == pytest.approx(20.0)
    full = values(breakdown(nat, hist, "shift_share", window=(2022, 2023), damping=1.0))
    assert full[("01", "108", 2026)] == pytest.approx(200.0)
    assert full[("12", "108", 2026)] == pytest.approx(0.0)


def test_shift_share_national_growth_term():
    """Same history, national 2025 = 400 (1 + g_N = 2), λ = 0.5, h = 2:
    W_01 = 150·(2 + 0.5) = 375, W_12 = 50·(2 − 0.5) = 75, ΣW = 450.
    X_01 = 400·375/450 = 333.33, X_12 = 66.67."""
    hist = hist_frame(
        [
            ("01", "108", 2022, 100),
            ("12", "108", 2022, 100),
            ("01", "108", 2023, 150),
            ("12", "108", 2023, 50),
        ]
    )
    nat = nat_frame([("108", 2025, 400.0)])
    out = values(breakdown(nat, hist, "shift_share", window=(2022, 2023), damping=0.5))
    assert out[("01", "108", 2025)] == pytest.approx(1000 / 3)
    assert out[("12", "108", 2025)] == pytest.approx(200 / 3)


def test_constrained_hand_worked_ras():
    """Base matrix (rows 01, 12; columns 108, 501) [[10, 10], [10, 30]]; county totals
    01 = 30, 12 = 50; group totals 40 and 40. RAS keeps the cross-product ratio
    x11·x22 / (x12·x21) = 10·30 / (10·10) = 3. With x11 = t the margins give
    x12 = 30 − t, x21 = 40 − t, x22 = 10 + t, and t(10 + t) = 3(30 − t)(40 − t)
    → t² − 110t + 1800 = 0 → t = 20. Answer [[20, 10], [20, 30]]."""
    hist = hist_frame(
        [
            ("01", "108", 2023, 10),
            ("01", "501", 2023, 10),
            ("12", "108", 2023, 10),
            ("12", "501", 2023, 30),
        ]
    )
    nat = nat_frame([("108", 2030, 40.0), ("501", 2030, 40.0)])
    totals = pd.DataFrame({"region": ["01", "12"], "year": [2030, 2030], "value": [30.0, 50.0]})
    out = breakdown(nat, hist, "constrained", region_totals=totals)
    assert values(out) == pytest.approx(
        {
            ("01", "108", 2030): 20.0,
            ("01", "501", 2030): 10.0,
            ("12", "108", 2030): 20.0,
            ("12", "501", 2030): 30.0,
        },
        abs=1e-6,
    )
    report = out.attrs["convergence"][2030]
    assert report["converged"] is True
    assert report["max_error"] <= 1e-9
    assert report["iterations"] >= 2  # one pass is not enough for this matrix


def test_constrained_default_totals_keep_base_county_shares():
    """Default county totals: base-year shares of the total over groups, 20/60 and 40/60,
    times the national total 80 → 26.67 and 53.33."""
    hist = hist_frame(
        [
            ("01", "108", 2023, 10),
            ("01", "501", 2023, 10),
            ("12", "108", 2023, 10),
            ("12", "501", 2023, 30),
        ]
    )
    nat = nat_frame([("108", 2030, 40.0), ("501", 2030, 40.0)])
    out = breakdown(nat, hist, "constrained")
    county = out.groupby("region")["value"].sum()
    assert county["01"] == pytest.approx(80 / 3)
    assert county["12"] == pytest.approx(160 / 3)


def test_constrained_reports_non_convergence_with_a_warning():
    """Base [[10, 0], [0, 10]] cannot have county totals 30/50 and group totals 40/40
    (01 only has group 108, which must be 40): RAS cannot converge."""
    hist = hist_frame(
        [
            ("01", "108", 2023, 10),
            ("01", "501", 2023, 0),
            ("12", "108", 2023, 0),
            ("12", "501", 2023, 10),
        ]
    )
    nat = nat_frame([("108", 2030, 40.0), ("501", 2030, 40.0)])
    totals = pd.DataFrame({"region": ["01", "12"], "year": [2030, 2030], "value": [30.0, 50.0]})
    with pytest.warns(ConvergenceWarning, match="RAS-anpassningen nådde inte"):
        out = breakdown(nat, hist, "constrained", region_totals=totals, max_iter=50)
    assert out.attrs["convergence"][2030]["converged"] is False
    assert out.attrs["convergence"][2030]["max_error"] > 0.1
    # The group totals still hold.
    assert out.groupby("education_group")["value"].sum().to_dict() == pytest.approx(
        {"108": 40.0, "501": 40.0}
    )


def test_rescale_totals_scales_county_margins_to_the_national_total():
    """Totals 30 and 60 (sum 90) scaled to 80 → 26.67 and 53.33."""
    hist = hist_frame(
        [
            ("01", "108", 2023, 10),
            ("01", "501", 2023, 10),
            ("12", "108", 2023, 10),
            ("12", "501", 2023, 30),
        ]
    )
    nat = nat_frame([("108", 2030, 40.0), ("501", 2030, 40.0)])
    totals = pd.DataFrame({"region": ["01", "12"], "year": [2030, 2030], "value": [30.0, 60.0]})
    out = breakdown(nat, hist, "constrained", region_totals=totals, rescale_totals=True)
    assert out.groupby("region")["value"].sum()["01"] == pytest.approx(80 / 3)


def test_compare_methods_hand_worked_range():
    """History 2022: 90/210, 2023: 100/200 (01/12); national 2030 = 300, window 2022–2023.
    fixed: 12 → 200. trend: slope of 12 = 2/3 − 0.7 = −1/30, 7 years → 2/3 − 7/30 = 13/30
    → 130. shift-share (λ 0.5): d_12 = 200/210 − 1 − 0 = −1/21, d_01 = 1/9;
    W_12 = 200(1 − 0.5·7/21) = 166.67, W_01 = 100(1 + 0.5·7/9) = 138.89 → 163.64.
    constrained (one group): 200. So min 130, median (163.64+200)/2 = 181.82, max 200."""
    hist = hist_frame(
        [
            ("01", "108", 2022, 90),
            ("12", "108", 2022, 210),
            ("01", "108", 2023, 100),
            ("12", "108", 2023, 200),
        ]
    )
    nat = nat_frame([("108", 2030, 300.0)])
    band = compare_methods(nat, hist, region="Skåne")
    assert list(band.columns) == [
        "region",
        "education_group",
        "year",
        "min",
        "median",
        "max",
        "n_methods",
    ]
    row = band.iloc[0]
    assert row["region"] == "12"
    assert row["min"] == pytest.approx(130.0)
    assert row["median"] == pytest.approx((300 * 166.6666667 / 305.5555556 + 200) / 2)
    assert row["max"] == pytest.approx(200.0)
    assert row["n_methods"] == 4
    detail = compare_methods(nat, hist, detail=True)
    assert set(detail["method"]) == set(METHODS)
    assert len(detail) == 4 * 2


# --------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------


def small_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    hist = hist_frame(
        [
            (r, g, y, v)
            for (r, g, base) in [
                ("01", "108", 30),
                ("12", "108", 70),
                ("01", "501", 50),
                ("12", "501", 40),
            ]
            for y, v in [(2021, base - 4), (2022, base - 2), (2023, base)]
        ]
    )
    nat = nat_frame([(g, y, v) for g in ("108", "501") for y, v in [(2023, 100.0), (2030, 120.0)]])
    return nat, hist


@pytest.mark.parametrize("method", METHODS)
def test_inputs_are_not_mutated(method):
    nat, hist = small_case()
    hist = pd.concat(
        [
            hist,
            hist.groupby(["education_group", "year"], as_index=False)["value"]
            .sum()
            .assign(region="00"),
        ],
        ignore_index=True,
    )
    nat_before, hist_before = nat.copy(deep=True), hist.copy(deep=True)
    breakdown(nat, hist, method)
    pd.testing.assert_frame_equal(nat, nat_before)
    pd.testing.assert_frame_equal(hist, hist_before)


def test_national_rows_are_dropped_and_extra_columns_summed():
    nat, hist = small_case()
    plain = breakdown(nat, hist, "trend_share")
    riket = hist.groupby(["education_group", "year"], as_index=False)["value"].sum()
    with_riket = pd.concat([hist, riket.assign(region="00")], ignore_index=True)
    by_age = pd.concat(
        [
            hist.assign(age_band="25-34", value=hist["value"] - 1),
            hist.assign(age_band="35-44", value=1),
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(breakdown(nat, with_riket, "trend_share"), plain)
    pd.testing.assert_frame_equal(breakdown(nat, by_age, "trend_share"), plain)
    assert "00" not in set(plain["region"])


def test_supply_and_demand_use_the_same_call():
    _, hist = small_case()
    forecast = pd.DataFrame(
        {
            "education_group": ["108", "501"],
            "year": [2030, 2030],
            "supply": [100.0, 50.0],
            "demand": [120.0, 40.0],
            "judgement": ["", ""],
        }
    )
    supply = breakdown(forecast, hist, column="supply")
    demand = breakdown(forecast, hist, column="demand")
    assert supply.groupby("education_group")["value"].sum().to_dict() == pytest.approx(
        {"108": 100.0, "501": 50.0}
    )
    assert demand.groupby("education_group")["value"].sum().to_dict() == pytest.approx(
        {"108": 120.0, "501": 40.0}
    )


def test_swedish_method_label_is_accepted():
    nat, hist = small_case()
    pd.testing.assert_frame_equal(
        breakdown(nat, hist, "Fast andel"), breakdown(nat, hist, "fixed_share")
    )


def test_missing_county_group_rows_count_as_zero():
    hist = hist_frame([("01", "108", 2023, 10), ("12", "108", 2023, 30), ("12", "501", 2023, 5)])
    nat = nat_frame([("108", 2030, 8.0), ("501", 2030, 10.0)])
    out = values(breakdown(nat, hist))
    assert out[("01", "501", 2030)] == 0.0
    assert out[("12", "501", 2030)] == pytest.approx(10.0)
    assert out[("01", "108", 2030)] == pytest.approx(2.0)


# --------------------------------------------------------------------------------------
# Swedish errors that say what is wrong and what is valid
# --------------------------------------------------------------------------------------


def test_base_year_outside_history():
    nat, hist = small_case()
    with pytest.raises(
        KompetensError,
        match=r"Basåret 2030 finns inte i historiken\. "
        r"Giltiga basår: 2021–2023\.",
    ):
        breakdown(nat, hist, base_year=2030)


def test_missing_years_in_window():
    nat, hist = small_case()
    hist = hist[hist["year"] != 2022]
    with pytest.raises(
        KompetensError,
        match=r"saknar år 2022.*År som finns i historiken: "
        r"2021, 2023",
    ):
        breakdown(nat, hist, "trend_share", window=(2021, 2023))


def test_missing_forecast_year_for_a_group():
    nat, hist = small_case()
    nat = nat[~((nat["education_group"] == "501") & (nat["year"] == 2030))]
    with pytest.raises(KompetensError, match=r"grupp 501 saknar år 2030.*2023, 2030"):
        breakdown(nat, hist)


def test_unknown_group():
    nat, hist = small_case()
    nat = pd.concat([nat, nat_frame([("999", 2023, 1.0), ("999", 2030, 1.0)])])
    with pytest.raises(
        KompetensError,
        match=r"999.*finns i 'national' men inte i 'history'.*"
        r"Grupper i historiken: 108, 501",
    ):
        breakdown(nat, hist)


def test_nan_values():
    nat, hist = small_case()
    hist.loc[2, "value"] = np.nan
    with pytest.raises(KompetensError, match=r"saknade.*NaN.*län 01, grupp 108, år 2023.*≥ 0"):
        breakdown(nat, hist)
    nat2, hist2 = small_case()
    nat2.loc[0, "value"] = np.nan
    with pytest.raises(KompetensError, match=r"'national'.*NaN"):
        breakdown(nat2, hist2)


def test_negative_counts():
    nat, hist = small_case()
    hist.loc[0, "value"] = -5
    with pytest.raises(KompetensError, match=r"negativa värden.*-5.*≥ 0"):
        breakdown(nat, hist)


def test_margins_that_do_not_add_up():
    hist = hist_frame(
        [
            ("01", "108", 2023, 10),
            ("01", "501", 2023, 10),
            ("12", "108", 2023, 10),
            ("12", "501", 2023, 30),
        ]
    )
    nat = nat_frame([("108", 2030, 40.0), ("501", 2030, 40.0)])
    totals = pd.DataFrame({"region": ["01", "12"], "year": [2030, 2030], "value": [31.0, 50.0]})
    with pytest.raises(KompetensError, match=r"Marginalerna går inte ihop år 2030.*81.*80"):
        breakdown(nat, hist, "constrained", region_totals=totals)


def test_region_totals_missing_county_or_year():
    nat, hist = small_case()
    totals = pd.DataFrame({"region": ["01"], "year": [2030], "value": [1.0]})
    with pytest.raises(KompetensError, match=r"Saknas: 12.*Län i historiken: 01, 12"):
        breakdown(nat, hist, "constrained", region_totals=totals)
    totals = pd.DataFrame({"region": ["01", "12"], "year": [2030, 2030], "value": [1.0, 1.0]})
    with pytest.raises(KompetensError, match=r"saknar år 2023.*prognosår: 2023, 2030"):
        breakdown(nat, hist, "constrained", region_totals=totals)


def test_unknown_method_and_option():
    nat, hist = small_case()
    with pytest.raises(
        KompetensError,
        match=r"Okänd metod: 'magic'.*'fixed_share'.*"
        r"'constrained'",
    ):
        breakdown(nat, hist, "magic")
    with pytest.raises(
        KompetensError,
        match=r"Okänt val dampning.*Giltiga val för metoden: "
        r"window, damping",
    ):
        breakdown(nat, hist, "shift_share", dampning=0.5)


@pytest.mark.parametrize("damping", [-0.1, 1.5, "hög"])
def test_damping_out_of_range(damping):
    nat, hist = small_case()
    with pytest.raises(KompetensError, match=r"mellan 0 och 1"):
        breakdown(nat, hist, "shift_share", damping=damping)


def test_region_codes_as_numbers():
    nat, hist = small_case()
    hist["region"] = hist["region"].astype(int)
    with pytest.raises(KompetensError, match=r"koder som text.*zfill\(2\)"):
        breakdown(nat, hist)


def test_unknown_region_code():
    nat, hist = small_case()
    hist.loc[0, "region"] = "02"
    with pytest.raises(KompetensError, match=r"Okända länskoder.*02.*Giltiga länskoder är 01, 03"):
        breakdown(nat, hist)


def test_window_with_years_after_base_year():
    nat, hist = small_case()
    with pytest.raises(KompetensError, match=r"efter basåret 2022.*till och med 2022"):
        breakdown(
            nat[nat["year"] >= 2023], hist, "trend_share", base_year=2022, window=(2021, 2023)
        )


def test_window_too_short():
    nat, hist = small_case()
    with pytest.raises(KompetensError, match=r"minst två historiska år"):
        breakdown(nat, hist, "trend_share", window=[2023])


def test_forecast_year_before_base_year():
    nat, hist = small_case()
    with pytest.raises(KompetensError, match=r"basåret 2023 eller senare.*2022"):
        breakdown(pd.concat([nat, nat_frame([("108", 2022, 1.0), ("501", 2022, 1.0)])]), hist)


def test_missing_column_and_wrong_type():
    nat, hist = small_case()
    with pytest.raises(
        KompetensError,
        match=r"saknar kolumnen/kolumnerna value.*Kolumner som "
        r"krävs: region, education_group, year, value",
    ):
        breakdown(nat, hist.drop(columns="value"))
    with pytest.raises(KompetensError, match=r"ska vara en tabell"):
        breakdown(nat, [1, 2, 3])
    with pytest.raises(KompetensError, match=r"saknar kolumnen/kolumnerna demand"):
        breakdown(nat, hist, column="demand")


def test_duplicate_rows():
    nat, hist = small_case()
    with pytest.raises(KompetensError, match=r"dubbletter.*län 01, grupp 108, år 2021"):
        breakdown(nat, pd.concat([hist, hist.head(1)]))


def test_group_without_base_year_people():
    hist = hist_frame([("01", "108", 2023, 0), ("12", "108", 2023, 0), ("12", "501", 2023, 5)])
    nat = nat_frame([("108", 2030, 8.0), ("501", 2030, 10.0)])
    with pytest.raises(KompetensError, match=r"108 har inga personer i något län basåret 2023"):
        breakdown(nat, hist)


def test_compare_methods_unknown_region():
    nat, hist = small_case()
    with pytest.raises(KompetensError, match=r"Län 14 finns inte i historiken.*01, 12"):
        compare_methods(nat, hist, region="Västra Götaland")


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

HIST_YEARS = list(range(2018, 2024))
FORECAST_YEARS = [2023, 2026, 2030, 2035]


@st.composite
def cases(draw):
    n_regions = draw(st.integers(2, 5))
    regions = draw(st.permutations(COUNTY_CODES))[:n_regions]
    groups = ["108", "501", "702", "003"][: draw(st.integers(1, 4))]
    counts = draw(
        st.lists(
            st.integers(0, 1000),
            min_size=n_regions * len(groups) * len(HIST_YEARS),
            max_size=n_regions * len(groups) * len(HIST_YEARS),
        )
    )
    cube = np.array(counts, dtype=float).reshape(len(HIST_YEARS), n_regions, len(groups))
    cube[-1, 0, :] += 1  # every group exists in the base year
    rows = [
        (r, g, y, cube[t, i, j])
        for t, y in enumerate(HIST_YEARS)
        for i, r in enumerate(regions)
        for j, g in enumerate(groups)
    ]
    nat_values = draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(1e-3, 1e6)),
            min_size=len(groups) * len(FORECAST_YEARS),
            max_size=len(groups) * len(FORECAST_YEARS),
        )
    )
    nat = nat_frame(
        [
            (g, y, nat_values[k * len(FORECAST_YEARS) + t])
            for k, g in enumerate(groups)
            for t, y in enumerate(FORECAST_YEARS)
        ]
    )
    return nat, hist_frame(rows)


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def county_sums_match(result: pd.DataFrame, nat: pd.DataFrame) -> None:
    sums = result.groupby(["education_group", "year"])["value"].sum()
    expected = nat.set_index(["education_group", "year"])["value"].reindex(sums.index)
    np.testing.assert_allclose(sums.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-6)


@PROPERTY
@given(cases(), st.sampled_from(METHODS), st.floats(0, 1))
def test_property_counties_add_up_and_are_non_negative(case, method, damping):
    nat, hist = case
    options = {"damping": damping} if method == "shift_share" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        out = breakdown(nat, hist, method, **options)
    county_sums_match(out, nat)
    assert (out["value"] >= -1e-9).all()
    merged = out.merge(nat.rename(columns={"value": "national"}), on=["education_group", "year"])
    positive = merged["national"] > 0
    shares = merged.loc[positive, "value"] / merged.loc[positive, "national"]
    assert ((shares >= -1e-12) & (shares <= 1 + 1e-9)).all()
    share_sums = shares.groupby(
        [merged.loc[positive, "education_group"], merged.loc[positive, "year"]]
    ).sum()
    np.testing.assert_allclose(share_sums.to_numpy(), 1.0, rtol=1e-9)


@PROPERTY
@given(
    cases(), st.sampled_from(["fixed_share", "trend_share", "constrained"]), st.floats(0.01, 100)
)
def test_property_scaling_national_scales_counties(case, method, k):
    nat, hist = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        base = breakdown(nat, hist, method)
        scaled = breakdown(nat.assign(value=nat["value"] * k), hist, method)
    np.testing.assert_allclose(
        scaled["value"].to_numpy(), k * base["value"].to_numpy(), rtol=1e-7, atol=1e-6
    )


@PROPERTY
@given(cases())
def test_property_shift_share_without_damping_is_fixed_share(case):
    nat, hist = case
    fixed = breakdown(nat, hist, "fixed_share")
    shift = breakdown(nat, hist, "shift_share", damping=0.0)
    np.testing.assert_allclose(
        shift["value"].to_numpy(), fixed["value"].to_numpy(), rtol=1e-9, atol=1e-6
    )


@PROPERTY
@given(cases())
def test_property_trend_share_reproduces_fixed_share_in_base_year(case):
    nat, hist = case
    fixed = breakdown(nat, hist, "fixed_share")
    trend = breakdown(nat, hist, "trend_share")
    at_base = (trend["year"] == 2023).to_numpy()
    np.testing.assert_allclose(
        trend["value"].to_numpy()[at_base], fixed["value"].to_numpy()[at_base], rtol=1e-9, atol=1e-6
    )


@PROPERTY
@given(cases(), st.data())
def test_property_ras_meets_both_margins_or_says_so(case, data):
    nat, hist = case
    regions = sorted(hist["region"].unique())
    weights = data.draw(st.lists(st.floats(0.01, 10), min_size=len(regions), max_size=len(regions)))
    national_total = nat.groupby("year")["value"].sum()
    totals = pd.DataFrame(
        [
            (r, y, national_total[y] * w / sum(weights))
            for y in FORECAST_YEARS
            for r, w in zip(regions, weights)
        ],
        columns=["region", "year", "value"],
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            out = breakdown(nat, hist, "constrained", region_totals=totals, max_iter=200)
    except KompetensError as error:  # a county with nobody in the base year, or a group
        assert "RAS" in str(error) or "kan inte fördelas" in str(error)  # that cannot be placed
        return
    county_sums_match(out, nat)
    got = out.groupby(["region", "year"])["value"].sum()
    want = totals.set_index(["region", "year"])["value"].reindex(got.index)
    report = out.attrs["convergence"]
    if all(r["converged"] for r in report.values()):
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-6, atol=1e-3)
        assert not [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    else:
        assert [w for w in caught if issubclass(w.category, ConvergenceWarning)]


# --------------------------------------------------------------------------------------
# Integration with the bundled example data
# --------------------------------------------------------------------------------------


def test_bundled_data_all_methods():
    load = pytest.importorskip("kompetens_lib.data.tables").load
    employed, forecast = load("employed"), load("national_forecast")
    band = compare_methods(forecast, employed, column="demand")
    n_groups = forecast["education_group"].nunique()
    assert len(band) == 21 * n_groups * forecast["year"].nunique()
    assert (band["min"] <= band["median"] + 1e-9).all()
    assert (band["median"] <= band["max"] + 1e-9).all()
    total = band.groupby(["education_group", "year"])["median"].sum()
    assert total.gt(0).all()
    result = breakdown(forecast, employed, "constrained", column="demand")
    assert all(r["converged"] for r in result.attrs["convergence"].values())
    county_sums_match(result, forecast.rename(columns={"demand": "value"}))


@pytest.mark.parametrize("name", [
    "fixed_share", "fixed share", "fixed-share", "Fast andel", "fast andel", "FAST ANDEL",
    " Fixed_Share ",
])
def test_resolve_method_accepts_codes_and_swedish_labels_in_any_spelling(name):
    from kompetens_lib.methods.breakdown import resolve_method

    assert resolve_method(name) == "fixed_share"


def test_resolve_method_knows_every_method_by_its_label():
    from kompetens_lib.methods.breakdown import METHOD_LABELS, resolve_method

    assert {resolve_method(label): code for code, label in METHOD_LABELS.items()} == {
        code: code for code in METHOD_LABELS}
    assert resolve_method("shift share") == resolve_method("Shift-share") == "shift_share"
    assert resolve_method("betingad (ras)") == "constrained"


@pytest.mark.parametrize("name", ["gissning", None, 3])
def test_resolve_method_names_the_valid_methods(name):
    from kompetens_lib.methods.breakdown import resolve_method

    with pytest.raises(KompetensError, match=r"Okänd metod: .*Giltiga metoder: 'fixed_share'"):
        resolve_method(name)


def test_breakdown_accepts_a_method_however_it_is_spelled():
    nat, hist = small_case()
    expected = breakdown(nat, hist, "fixed_share")
    pd.testing.assert_frame_equal(breakdown(nat, hist, "Fast andel"), expected)
    pd.testing.assert_frame_equal(breakdown(nat, hist, "fixed share"), expected)


# --------------------------------------------------------------------------------------
# Shift-share on growth rates (issue 12): the result scales with its inputs
# --------------------------------------------------------------------------------------


@PROPERTY
@given(cases(), st.floats(0, 1), st.floats(1e-3, 1e3))
def test_property_shift_share_scales_with_the_national_forecast(case, damping, k):
    nat, hist = case
    base = breakdown(nat, hist, "shift_share", damping=damping)
    scaled = breakdown(nat.assign(value=nat["value"] * k), hist, "shift_share", damping=damping)
    np.testing.assert_allclose(
        scaled["value"].to_numpy(), k * base["value"].to_numpy(), rtol=1e-7, atol=1e-6
    )


@PROPERTY
@given(cases(), st.floats(0, 1), st.floats(1e-3, 1e3))
def test_property_shift_share_does_not_depend_on_the_unit_of_the_history(case, damping, k):
    nat, hist = case
    base = breakdown(nat, hist, "shift_share", damping=damping)
    scaled = breakdown(nat, hist.assign(value=hist["value"] * k), "shift_share", damping=damping)
    np.testing.assert_allclose(
        scaled["value"].to_numpy(), base["value"].to_numpy(), rtol=1e-7, atol=1e-6
    )
    county_sums_match(scaled, nat)


@PROPERTY
@given(cases())
def test_property_shift_share_without_damping_grows_every_county_at_the_national_rate(case):
    nat, hist = case
    base_year = max(HIST_YEARS)
    at_base = hist[hist["year"] == base_year].groupby("education_group")["value"].sum()
    # A consistent forecast: its base year is the history's national total.
    nat = nat.copy()
    first = nat["year"] == base_year
    nat.loc[first, "value"] = nat.loc[first, "education_group"].map(at_base).to_numpy()
    out = breakdown(nat, hist, "shift_share", damping=0.0)
    start = hist[hist["year"] == base_year].set_index(["region", "education_group"])["value"]
    national = nat.set_index(["education_group", "year"])["value"]
    for (region, group, year), value in values(out).items():
        if start.get((region, group), 0) > 0:
            rate = national[(group, year)] / national[(group, base_year)] - 1
            assert value / start[(region, group)] - 1 == pytest.approx(rate, abs=1e-9)


def test_shift_share_with_the_forecast_in_thousands_keeps_stockholm():
    """The bug of issue 12: the forecast in thousands gave Stockholm 0 in 2035."""
    import kompetens_lib as kl

    employed, forecast = kl.load("employed"), kl.load("national_forecast")
    persons = breakdown(forecast, employed, "shift_share", column="demand")
    thousands = breakdown(forecast.assign(demand=forecast["demand"] / 1000), employed,
                          "shift_share", column="demand")
    np.testing.assert_allclose(thousands["value"] * 1000, persons["value"], rtol=1e-9)
    stockholm = thousands[(thousands["region"] == "01") & (thousands["year"] == 2035)]
    assert stockholm["value"].sum() > 1000  # over a million people, in thousands


@PROPERTY
@given(cases(), st.sampled_from(METHODS), st.floats(1e-3, 1e3))
def test_property_no_method_depends_on_the_unit_of_the_history(case, method, k):
    # Every method takes shares or growth rates from the history, so the history in
    # thousands (or any other unit) gives the same counties.
    nat, hist = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        base = breakdown(nat, hist, method)
        other_unit = breakdown(nat, hist.assign(value=hist["value"] * k), method)
    np.testing.assert_allclose(other_unit["value"].to_numpy(), base["value"].to_numpy(),
                               rtol=1e-7, atol=1e-6)
