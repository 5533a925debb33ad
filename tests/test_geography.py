"""Geography beyond the county: municipalities, NUTS areas, FA codes, the one resolver,
planning areas, and the workbook's county-domain message for other geographies."""

from __future__ import annotations

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.data.tables import validate
from kompetens_lib.errors import DataValidationError, KompetensError, PlanningAreaError
from kompetens_lib.reference.geography import AREA_TYPES, municipalities, nuts_areas, resolve_area
from kompetens_lib.reference.regions import COUNTY_CODES


def test_there_are_290_municipalities_whose_code_starts_with_their_county():
    table = municipalities()
    assert len(table) == 290
    assert table["code"].is_unique and table["name"].is_unique
    assert all(len(c) == 4 and c.isdigit() for c in table["code"])
    assert (table["code"].str[:2] == table["county"]).all()
    assert set(table["county"]) == set(COUNTY_CODES)


@pytest.mark.parametrize(
    "code, name",
    [("0180", "Stockholm"), ("1280", "Malmö"), ("1480", "Göteborg"), ("2080", "Falun"),
     ("2584", "Kiruna"), ("0114", "Upplands Väsby"), ("0980", "Gotland")],
)
def test_known_municipality_codes_have_their_names(code, name):
    assert municipalities().set_index("code").loc[code, "name"] == name


def test_municipalities_of_one_county():
    assert municipalities("Gotland")["code"].tolist() == ["0980"]
    assert len(municipalities("14")) == 49


def test_nuts_areas_cover_every_county_once_per_level():
    table = nuts_areas()
    for level in (1, 2):
        counties = ",".join(table.loc[table["level"] == level, "counties"]).split(",")
        assert sorted(counties) == sorted(COUNTY_CODES)
    assert set(table["code"]) == {"SE1", "SE11", "SE12", "SE2", "SE21", "SE22", "SE23",
                                  "SE3", "SE31", "SE32", "SE33"}
    # Each NUTS 1 area is exactly its NUTS 2 areas.
    by_code = table.set_index("code")["counties"].str.split(",")
    assert sorted(by_code["SE1"]) == sorted(by_code["SE11"] + by_code["SE12"])


@pytest.mark.parametrize(
    "value, code, kind",
    [
        ("SE11 Stockholm", "SE11", "riksområde"), ("SE Sweden", "00", "riket"),
        ("SE21 Småland and islands", "SE21", "riksområde"), ("Östra Mellansverige", "SE12",
                                                             "riksområde"),
        ("East-Central Sweden", "SE12", "riksområde"), ("SE33", "SE33", "riksområde"),
        ("01 Stockholm county", "01", "län"), ("01 Stockholms län", "01", "län"),
        ("Stockholm", "01", "län"), ("Skåne", "12", "län"), (12, "12", "län"),
        ("0180 Stockholm", "0180", "kommun"), ("Kiruna", "2584", "kommun"), (180, "0180", "kommun"),
        ("Uppsala kommun", "0380", "kommun"), ("Malmö", "1280", "kommun"),
        ("FA08 Västerås", "FA08", "fa-region"), ("FA 12", "FA12", "fa-region"),
        ("Riket", "00", "riket"), ("00 Riket", "00", "riket"), ("Sweden", "00", "riket"),
    ],
)
def test_resolve_area_takes_codes_and_names_in_swedish_and_english(value, code, kind):
    area = resolve_area(value)
    assert (area.code, area.type) == (code, kind)
    assert area.type in AREA_TYPES


def test_a_name_shared_by_county_and_municipality_means_the_county_unless_asked():
    assert resolve_area("Uppsala").type == "län"
    assert resolve_area("Uppsala", types=("kommun",)).code == "0380"


def test_resolve_area_suggests_near_misses_in_swedish():
    with pytest.raises(KompetensError, match="Menade du 'Kiruna' \\(2584, kommun\\)"):
        resolve_area("Kirna")
    with pytest.raises(KompetensError, match="Menade du 'Skåne län'"):
        resolve_area("Skaane")


@pytest.mark.parametrize("value", ["SE4", "FA77", "0999 Ingenstans", "01 Skåne län", "2584 Malmö"])
def test_resolve_area_refuses_unknown_codes_and_contradicting_labels(value):
    with pytest.raises(KompetensError):
        resolve_area(value)


def test_resolve_area_limits_the_type():
    with pytest.raises(KompetensError, match="typen län"):
        resolve_area("Skåne län", types=("kommun",))


def test_planning_area_from_a_toml_file_may_cross_a_county_border(tmp_path):
    path = tmp_path / "omraden.toml"
    path.write_text(
        '[Bergslagen]\nkommuner = ["Ludvika", "Smedjebacken", "1982", "Norberg"]\n'
        '[Skaraborg]\nbeskrivning = "Skaraborgs kommunalförbund"\n'
        'kommuner = ["Skövde", "Skara", "Falköping"]\n',
        encoding="utf-8",
    )
    area = kl.planning_area(path, name="Bergslagen")
    assert area.codes == ["2085", "2061", "1982", "1962"]
    assert area.counties == ["19", "20"]
    assert area.table()["county"].tolist() == ["20", "20", "19", "19"]
    assert [a.name for a in kl.planning_areas(path)] == ["Bergslagen", "Skaraborg"]
    with pytest.raises(PlanningAreaError, match="Ange vilket med name="):
        kl.planning_area(path)


@pytest.mark.parametrize(
    "members, phrase",
    [
        (["Skövde", "Skara"], "minst 3 kommuner"),
        (["Skövde", "Skara", "Kirna"], "Menade du 'Kiruna'"),
        (["Skövde", "1496", "Skara"], "samma kommun"),
        (["Skövde", "Skåne län", "Skara"], "typen län"),
    ],
)
def test_planning_area_is_validated_with_swedish_messages(members, phrase):
    with pytest.raises(PlanningAreaError, match=phrase):
        kl.planning_area(members, name="Test")


def test_planning_area_file_errors_name_the_problem(tmp_path):
    bad = tmp_path / "fel.toml"
    bad.write_text("[Skaraborg\nkommuner = 1\n", encoding="utf-8")
    with pytest.raises(PlanningAreaError, match="TOML"):
        kl.planning_area(bad)
    odd = tmp_path / "nyckel.toml"
    odd.write_text('[A]\nkommuner = ["Skövde", "Skara", "Hjo"]\nkommun = 1\n', encoding="utf-8")
    with pytest.raises(PlanningAreaError, match="okända nycklar"):
        kl.planning_area(odd)


def test_a_workbook_table_of_municipalities_says_which_geography_it_has():
    frame = pd.DataFrame(
        {"region": ["0180", "1280"], "age_band": ["16-19", "16-19"], "year": [2020, 2020],
         "value": [1, 2], "projection": [False, False]}
    )
    with pytest.raises(DataValidationError, match="typen kommun \\(t.ex. 0180 Stockholm\\)"):
        validate("population", frame)
