"""The county population reaches the target year: by the region's own projection (a template
checked with Swedish messages) or by SCB's national projection applied to the county's age
structure, labelled as a projection in the table and its provenance."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from pxweb_server import FIXTURES, PxWebServer

from kompetens_lib import cli, load
from kompetens_lib.data.cache import build_cache
from kompetens_lib.data.population_projection import (
    apply_own_projection,
    project_by_national_change,
    validate_projection_template,
)
from kompetens_lib.data.recipes import fetch_recipe
from kompetens_lib.data.scb_api import ScbClient
from kompetens_lib.data.tables import provenance, validate
from kompetens_lib.errors import DataValidationError, KompetensError
from kompetens_lib.reference.regions import COUNTY_CODES

EXAMPLE = Path(str(files("kompetens_lib") / "data" / "population_template_example.csv"))
TP = Path(str(files("kompetens_lib") / "data" / "tp_template_example.csv"))
BANDS = ["0-15", "16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"]


def observed(values: dict[str, list[int]], year: int = 2023) -> pd.DataFrame:
    """A population table for two counties (01, 03) and Riket, one year."""
    rows = []
    for i, band in enumerate(BANDS):
        a, b = values["01"][i], values["03"][i]
        rows += [("00", band, year, a + b), ("01", band, year, a), ("03", band, year, b)]
    frame = pd.DataFrame(rows, columns=["region", "age_band", "year", "value"])
    frame["projection"] = False
    return frame.astype({"region": "string", "age_band": "string", "year": "int64",
                         "value": "int64", "projection": bool})


def test_each_band_moves_by_the_national_change_of_that_band():
    pop = observed({"01": [100] * 8, "03": [300] * 8})
    national = pd.DataFrame({"age_band": BANDS * 2, "year": [2023] * 8 + [2025] * 8,
                             "value": [1000.0] * 8 + [1000.0] * 7 + [1500.0]})
    out = project_by_national_change(pop, national)
    old = out[(out["age_band"] == "75+") & (out["year"] == 2025)].set_index("region")["value"]
    assert old.to_dict() == {"00": 600, "01": 150, "03": 450}
    young = out[(out["age_band"] == "0-15") & (out["year"] == 2025)].set_index("region")
    assert young["value"].to_dict() == {"00": 400, "01": 100, "03": 300}
    # 2024 is between the base year and the projection's first year: interpolated, no gap
    mid = out[(out["region"] == "01") & (out["age_band"] == "75+") & (out["year"] == 2024)]
    assert mid["value"].tolist() == [125]
    assert out.loc[out["year"] > 2023, "projection"].all()
    assert not out.loc[out["year"] == 2023, "projection"].any()
    assert out.loc[out["year"] == 2023, "value"].tolist() == pop.sort_values(
        ["region", "age_band"])["value"].tolist()


def test_without_the_base_year_the_register_level_is_the_base():
    pop = observed({"01": [100] * 8, "03": [100] * 8})
    national = pd.DataFrame({"age_band": BANDS, "year": [2024] * 8, "value": [220.0] * 8})
    out = project_by_national_change(pop, national)
    assert set(out.loc[(out["year"] == 2024) & (out["region"] == "01"), "value"]) == {110}


def test_a_projection_that_ends_before_the_base_year_is_refused_in_swedish():
    pop = observed({"01": [1] * 8, "03": [1] * 8})
    national = pd.DataFrame({"age_band": BANDS, "year": [2020] * 8, "value": [5.0] * 8})
    with pytest.raises(KompetensError, match="inga år efter 2023"):
        project_by_national_change(pop, national)


def test_the_population_recipe_reaches_the_projections_last_year_for_every_county():
    with PxWebServer() as server:
        population = fetch_recipe("population", client=ScbClient(server.url))
    validate("population", population)
    years = sorted(set(population["year"]))
    assert years == list(range(2019, 2041))
    for code in ("00", *COUNTY_CODES):
        assert sorted(set(population.loc[population["region"] == code, "year"])) == years
    record = population.attrs["provenance"]
    assert record["table_id"] == "TAB638, TAB698"
    assert any("inte SCB:s länsprognos" in note for note in record["notes"])
    # the recorded national projection grows the 75+ band fastest: so does every county
    wide = population[population["region"] == "20"].pivot_table(
        index="year", columns="age_band", values="value")
    growth = wide.loc[2040] / wide.loc[2023]
    assert growth.idxmax() == "75+" and growth["75+"] > 1.1


def test_the_recorded_projection_is_read_by_band_from_riket_only():
    doc = json.loads((FIXTURES / "TAB698" / "data.json").read_text(encoding="utf-8"))
    assert doc["id"] == ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    with PxWebServer() as server:
        fetch_recipe("population", client=ScbClient(server.url))
        body = server.data_requests("TAB698")[0].body
    region = next(s for s in body["selection"] if s["variableCode"] == "Region")
    assert region["valueCodes"] == ["00"]


def test_the_example_template_is_valid_and_tidy():
    frame = validate_projection_template(EXAMPLE)
    assert frame.columns.tolist() == ["region", "age_band", "year", "value"]
    assert set(frame["region"]) == {"20"}
    assert sorted(set(frame["year"])) == list(range(2024, 2036))
    assert set(frame["age_band"]) == set(BANDS)


def test_template_problems_are_all_listed_in_swedish(tmp_path):
    bad = tmp_path / "prognos.csv"
    bad.write_text("län;åldersgrupp;år;antal\nDalarna;0-15;2030;12 000\nFantasia;0-15;2030;5\n"
                   "20;16-20;2030;5\n20;25-34;20x0;-3\n20;0-15 år;2030;7\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        validate_projection_template(bad)
    text = str(err.value)
    assert "rad 3, kolumn län: 'Fantasia' är inget län" in text
    assert "rad 4, kolumn åldersgrupp: '16-20'" in text and "0-15, 16-24" in text
    assert "rad 5, kolumn år: '20x0'" in text
    assert "rad 5, kolumn antal: '-3'" in text
    assert "finns redan på rad 2" in text  # "0-15 år" is the same band as "0-15"
    assert "saknar åldersgrupperna" in text
    with pytest.raises(DataValidationError, match="kolumnen 'antal' saknas"):
        (tmp_path / "b.csv").write_text("län,åldersgrupp,år\n20,0-15,2030\n", encoding="utf-8")
        validate_projection_template(tmp_path / "b.csv")


def test_own_projection_replaces_the_fallback_for_its_county_only():
    pop = observed({"01": [100] * 8, "03": [300] * 8})
    national = pd.DataFrame({"age_band": BANDS * 2, "year": [2023] * 8 + [2024] * 8,
                             "value": [1000.0] * 8 + [2000.0] * 8})
    fallback = project_by_national_change(pop, national)
    own = pd.DataFrame({"region": "03", "age_band": BANDS, "year": 2024, "value": 7})
    out = apply_own_projection(fallback, own)
    at = out[out["year"] == 2024].groupby("region")["value"].sum()
    assert at.to_dict() == {"00": 8 * 200 + 8 * 7, "01": 8 * 200, "03": 8 * 7}
    assert out.loc[out["year"] == 2023, "value"].sum() == pop["value"].sum()


def test_the_cache_takes_the_regions_own_projection_and_says_so(tmp_path):
    cache = tmp_path / "cache"
    with PxWebServer() as server:
        assert cli.main(["data", "cache", "--out", str(cache), "--api-url", server.url,
                         "--recipes", "population", "--befolkningsprognos",
                         str(EXAMPLE)]) == 0
    population = load("population", source=cache)
    own = validate_projection_template(EXAMPLE)
    dalarna = population[(population["region"] == "20") & (population["year"] == 2030)]
    expected = own[own["year"] == 2030].set_index("age_band")["value"]
    assert dalarna.set_index("age_band")["value"].to_dict() == expected.to_dict()
    record = provenance("population", cache)
    assert record["own_projection"]["counties"] == ["20"]
    assert any("regionens egen befolkningsprognos" in n for n in record["notes"])


def test_an_own_projection_alone_cannot_make_riket_and_says_what_to_do(tmp_path):
    with PxWebServer() as server:
        build_cache(tmp_path / "c", recipes=["commuting"], api_url=server.url)
        with pytest.raises(KompetensError, match="finns inte i cachen"):
            build_cache(tmp_path / "c", recipes=[], population_template=EXAMPLE,
                        api_url=server.url)
    assert TP.exists()
