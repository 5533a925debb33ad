"""County results broken down to municipalities add up to the county; a planning area is
the sum of its municipalities, across a county border too."""

from __future__ import annotations

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.municipal import aggregate_to_area, to_municipalities


def county_result():
    return pd.DataFrame({
        "region": ["19", "19", "20", "20"],
        "education_group": ["A", "B", "A", "B"],
        "value": [100.0, 40.0, 300.0, 60.0],
    })


def weights():
    # Two municipalities of Västmanland (1:3) and two of Dalarna (1:1), by hand.
    return pd.DataFrame({"municipality": ["1982", "1980", "2085", "2061"],
                         "weight": [1, 3, 5, 5]})


def test_municipalities_get_their_share_and_add_up_to_the_county():
    result = county_result()
    out = to_municipalities(result, weights())
    got = out.set_index(["municipality", "education_group"])["value"]
    assert got[("1982", "A")] == pytest.approx(25.0)
    assert got[("1980", "A")] == pytest.approx(75.0)
    assert got[("2085", "B")] == pytest.approx(30.0)
    sums = out.groupby(["county", "education_group"])["value"].sum()
    assert sums.tolist() == pytest.approx(result["value"].tolist())
    assert result["region"].tolist() == ["19", "19", "20", "20"]  # input not mutated


def test_a_planning_area_across_a_county_border_sums_its_municipalities():
    area = kl.planning_area(["Ludvika", "Smedjebacken", "Fagersta"], name="Bergslagen")
    out = aggregate_to_area(to_municipalities(county_result(), weights()), area.codes,
                            area.name)
    got = out.set_index("education_group")["value"]
    # A: Ludvika 150 + Smedjebacken 150 + Fagersta 25; B: 30 + 30 + 10
    assert got["A"] == pytest.approx(325.0) and got["B"] == pytest.approx(70.0)
    assert set(out["planning_area"]) == {"Bergslagen"}


def test_missing_weights_and_municipalities_are_explained():
    with pytest.raises(KompetensError, match="Vikter saknas för län 20"):
        to_municipalities(county_result(), weights().iloc[:2])
    with pytest.raises(KompetensError, match="Okända kommunkoder"):
        to_municipalities(county_result(), pd.DataFrame({"municipality": ["9999"],
                                                         "weight": [1]}))
    municipal = to_municipalities(county_result(), weights())
    with pytest.raises(KompetensError, match="1984 .*saknas"):
        aggregate_to_area(municipal, ["1982", "1984", "2085"], "X")
