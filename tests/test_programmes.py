"""Dimensioning covers the vocational programmes, komvux/yrkesvux and YH only (DOMAIN §11),
with today's intake beside the planned places (issue 12)."""

import pytest

import kompetens_lib as kl
from kompetens_lib.data.example_education import NATIONAL_VOCATIONAL_INTAKE
from kompetens_lib.reference.programmes import PROGRAMME_FORMS, programme_groups, programmes
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.workbook import key_figures, need_tables

VOCATIONAL = {"Barn- och fritidsprogrammet", "Bygg- och anläggningsprogrammet",
              "El- och energiprogrammet", "Fordons- och transportprogrammet",
              "Handels- och administrationsprogrammet", "Hantverksprogrammet",
              "Hotell- och turismprogrammet", "Industritekniska programmet",
              "Naturbruksprogrammet", "Restaurang- och livsmedelsprogrammet",
              "VVS- och fastighetsprogrammet", "Vård- och omsorgsprogrammet"}
PREPARATORY = ("Ekonomi", "Estetiska", "Humanistiska", "Naturvetenskaps",
               "Samhällsvetenskaps", "Teknikprogrammet")


def test_the_upper_secondary_programmes_are_the_12_vocational_ones():
    table = programmes()
    assert set(table.loc[table["form"] == "gymnasium", "name"]) == VOCATIONAL
    assert set(table["form"]) == set(PROGRAMME_FORMS)
    groups = set(kl.education_groups()["code"])
    assert set(programme_groups()["education_group"]) <= groups


@pytest.fixture(scope="module")
def stockholm():
    need = need_tables.need_table("01", target_year=2035)
    places = need_tables.places_table(need)
    return need, places, need_tables.programme_places(places)


def test_no_university_preparatory_programme_or_higher_education_in_the_places(stockholm):
    need, places, planned = stockholm
    assert set(planned["form"]) <= set(PROGRAMME_FORMS)
    assert not planned["name"].str.contains("|".join(PREPARATORY)).any()
    figures = need_tables.key_figures_need(need, places)
    assert "Universitet och högskola" not in figures["places_per_year"]
    county = key_figures.county_key_figures("01")
    assert "Universitet och högskola" not in county["places_per_year"]
    # University output is there as context, and it is larger than what is planned.
    assert need_tables.university_output("01")["graduates_per_year"] > 0


def test_planned_places_are_the_places_of_the_groups_the_programmes_lead_to(stockholm):
    _, places, planned = stockholm
    covered = set(programme_groups()["education_group"])
    chosen = places[places["form"].isin(PROGRAMME_FORMS)
                    & places["education_group"].isin(covered)]
    assert planned["places"].sum() == pytest.approx(chosen["places"].sum())
    assert (planned["difference"] == planned["places"] - planned["intake"]).all()
    assert planned["intake"].sum() > 0


def test_the_example_intake_is_synthetic_and_calibrated_to_skolverkets_totals():
    intake = kl.load("intake")
    assert kl.provenance("intake")["synthetic"] is True
    gy = intake[intake["form"] == "gymnasium"].groupby("year")["value"].sum()
    for year, total in NATIONAL_VOCATIONAL_INTAKE.items():
        assert gy[year] == pytest.approx(total, abs=12)  # whole persons per programme
    assert set(intake["region"]) == set(COUNTY_CODES)
    stockholm = intake[(intake["region"] == "01") & (intake["form"] == "gymnasium")]
    gotland = intake[(intake["region"] == "09") & (intake["form"] == "gymnasium")]
    assert stockholm["value"].sum() > 10 * gotland["value"].sum()


def test_a_source_without_intake_falls_back_to_the_example(tmp_path):
    import shutil

    from kompetens_lib.data.tables import example_dir

    folder = tmp_path / "data"
    shutil.copytree(example_dir(), folder)
    (folder / "intake.parquet").unlink()
    (folder / "intake.provenance.json").unlink()
    intake = kl.load("intake", str(folder))
    assert len(intake) and kl.provenance("intake")["synthetic"] is True
