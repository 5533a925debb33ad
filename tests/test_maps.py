"""The schematic county map: one tile per county, values joined by code, spec as expected."""

from __future__ import annotations

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts import maps


def _values():
    codes = kl.regions()["code"].tolist()
    return pd.DataFrame({"region": codes, "need": range(100, 100 + 10 * len(codes), 10)})


def test_every_county_has_its_own_tile():
    assert sorted(maps.TILES) == sorted(kl.regions()["code"])
    assert len(set(maps.TILES.values())) == 21
    north = maps.TILES["25"][1]
    south = maps.TILES["12"][1]
    assert north < maps.TILES["01"][1] < south  # Norrbotten above Stockholm above Skåne


def test_values_are_joined_by_code_and_riket_is_ignored():
    df = pd.concat([_values(), pd.DataFrame({"region": ["00"], "need": [9999]})])
    frame = maps.tile_frame(df, "need").set_index("region")
    assert len(frame) == 21
    assert frame.loc["12", "need"] == _values().set_index("region").loc["12", "need"]
    assert frame.loc["12", "name"] == "Skåne län"


def test_missing_counties_stay_on_the_map_without_a_value():
    frame = maps.tile_frame(_values().iloc[:-1], "need")
    assert len(frame) == 21 and frame["need"].isna().sum() == 1


def test_chart_spec_has_tiles_labels_title_source_and_schematic_note():
    chart = maps.county_map_chart(_values(), value="need", title="Rekryteringsbehov",
                                  value_title="Personer", source="Källa: test", fmt=",.0f")
    spec = chart.to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "text", "text"]
    assert spec["title"]["text"] == "Rekryteringsbehov"
    assert spec["title"]["subtitle"][-1] == "Källa: test"
    assert maps.SCHEMATIC_NOTE in spec["title"]["subtitle"]
    color = spec["layer"][0]["encoding"]["color"]
    assert color["condition"]["field"] == "need"


@pytest.mark.parametrize("df, message", [
    (pd.DataFrame({"region": ["99"], "need": [1]}), "Okända länskoder"),
    (pd.DataFrame({"region": ["01", "01"], "need": [1, 2]}), "ett värde per län"),
    (pd.DataFrame({"lan": ["01"], "need": [1]}), "behöver kolumnerna"),
])
def test_bad_input_is_explained(df, message):
    with pytest.raises(KompetensError, match=message):
        maps.county_map_chart(df, value="need", title="t", value_title="v", source="s")


def test_a_diverging_map_is_centred_on_its_midpoint():
    df = _values().assign(ratio=[100 + (i % 5) for i in range(21)])
    spec = maps.county_map_chart(df, value="ratio", title="t", value_title="S/D",
                                 source="s", domain_mid=100).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["condition"]["scale"]
    assert scale["domain"] == [96.0, 104.0]
