"""The industry code list, its resolver, and the bundled industry example tables."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.data import example_industry
from kompetens_lib.data.schema import OPTIONAL_TABLES
from kompetens_lib.data.tables import TABLES, example_dir
from kompetens_lib.errors import DataValidationError, KompetensError, KompetensWarning
from kompetens_lib.reference.industries import INDUSTRY_CODES, industry_label, resolve_industry
from kompetens_lib.reference.regions import COUNTY_CODES

SECTIONS = [chr(c) for c in range(ord("A"), ord("U") + 1)]


# ----------------------------------------------------------------------------- reference


def test_the_list_has_the_21_sni_sections_and_unknown():
    table = kl.industries()
    assert table["code"].tolist() == [*SECTIONS, "US"]
    assert table["name"].str.len().min() > 0 and table["short_name"].is_unique
    names = table.set_index("code")["name"]
    assert names["B"] == "Utvinning av mineral"
    assert names["Q"] == "Vård och omsorg, sociala tjänster"
    assert names["N"] == "Uthyrning, fastighetsservice, resetjänster och andra stödtjänster"


@pytest.mark.parametrize("value, code", [
    ("C", "C"), ("c", "C"), (" Tillverkning ", "C"), ("UTVINNING AV MINERAL", "B"),
    ("Gruvor", "B"), ("vard och omsorg, sociala tjanster", "Q"), ("SNI J", "J"),
    ("US", "US"), ("00", "US"), ("okänd", "US"),
])
def test_resolver_accepts_code_name_and_short_label(value, code):
    assert resolve_industry(value) == code


def test_resolver_suggests_the_near_miss_in_swedish_and_lists_the_codes():
    with pytest.raises(KompetensError) as info:
        resolve_industry("Tilverkning")
    message = str(info.value)
    assert "Okänd näringsgren" in message and "Menade du C Tillverkning?" in message
    assert "B Gruvor" in message and "kompetens_lib.industries()" in message


def test_resolver_refuses_a_number_and_an_unknown_letter():
    for value in (3, "Z"):
        with pytest.raises(KompetensError, match="Okänd näringsgren"):
            resolve_industry(value)


def test_label_gives_short_or_full_name():
    assert industry_label("J") == "IT och kommunikation"
    assert industry_label("J", short=False) == "Informations- och kommunikationsverksamhet"


# ----------------------------------------------------------------------------- example data


@pytest.fixture(scope="module")
def employed_by_industry():
    return kl.load("industry_employed")


def test_industry_tables_load_validated_with_synthetic_provenance(employed_by_industry):
    forecast = kl.load("industry_forecast")
    assert employed_by_industry.columns.tolist() == [
        "region", "industry", "education_group", "year", "value"]
    assert forecast.columns.tolist() == ["industry", "year", "demand"]
    for frame in (employed_by_industry, forecast):
        assert frame.attrs["provenance"]["synthetic"] is True
        assert "Exempeldata" in frame.attrs["provenance"]["source"]
    assert set(employed_by_industry["industry"]) <= set(INDUSTRY_CODES)
    assert sorted(employed_by_industry["year"].unique()) == list(range(2010, 2024))
    assert forecast["year"].max() == 2035


def test_optional_tables_are_not_required_of_every_data_source():
    assert not set(OPTIONAL_TABLES) & set(TABLES)


def test_summed_over_industries_it_is_exactly_the_employed_table(employed_by_industry):
    keys = ["region", "education_group", "year"]
    employed = kl.load("employed").groupby(keys)["value"].sum()
    by_industry = employed_by_industry.groupby(keys)["value"].sum()
    by_industry = by_industry.reindex(employed.index, fill_value=0)
    assert (by_industry == employed).all()


def test_forecast_by_industry_adds_up_to_the_national_forecast_each_year():
    national = kl.load("national_forecast").groupby("year")["demand"].sum()
    by_industry = kl.load("industry_forecast").groupby("year")["demand"].sum()
    pd.testing.assert_series_equal(by_industry, national, check_names=False)


def _location_quotients(frame: pd.DataFrame, year: int = 2023) -> pd.DataFrame:
    table = frame[frame["year"] == year].groupby(["region", "industry"])["value"].sum()
    table = table.unstack(fill_value=0)
    shares = table.div(table.sum(axis=1), axis=0)
    return shares.drop(index="00") / shares.loc["00"]


def test_regional_structure_is_plausible(employed_by_industry):
    lq = _location_quotients(employed_by_industry)
    assert lq.loc["25", "B"] > 5 and lq.loc["25", "B"] == lq["B"].max()  # Norrbotten's mines
    assert lq.loc["06", "C"] > 1.5 and lq.loc["14", "C"] > 1.1  # Jönköping, Västra Götaland
    for county in ("23", "09"):  # Jämtland, Gotland: public sector
        assert (lq.loc[county, ["O", "P", "Q"]] > 1).all()
    assert lq.loc["01", "J"] > 1.3 and lq.loc["01", "K"] > 1.3  # Stockholm: ICT, finance
    assert lq.loc["01", "J"] == lq["J"].max()


def test_regenerating_gives_exactly_the_bundled_tables():
    for name, frame in example_industry.generate().items():
        bundled = kl.load(name)
        bundled.attrs = {}
        pd.testing.assert_frame_equal(frame, bundled, obj=name)


def test_bundled_files_stay_small():
    for name in OPTIONAL_TABLES:
        assert (example_dir() / f"{name}.parquet").stat().st_size < 3_000_000


def test_a_file_with_an_unknown_industry_code_is_refused_in_swedish(tmp_path,
                                                                    employed_by_industry):
    frame = employed_by_industry.copy()
    frame["industry"] = frame["industry"].astype(object)
    frame.loc[frame.index[5], "industry"] = "Z"
    frame.to_parquet(tmp_path / "industry_employed.parquet", index=False)
    with pytest.raises(DataValidationError, match="okända värden i kolumnen 'industry'"):
        kl.load("industry_employed", tmp_path)


def test_a_county_row_that_does_not_add_up_to_riket_is_refused(tmp_path,
                                                              employed_by_industry):
    frame = employed_by_industry.copy()
    county = frame.index[frame["region"] == COUNTY_CODES[0]][0]
    frame.loc[county, "value"] += 1
    frame.to_csv(tmp_path / "industry_employed.csv", index=False)
    with pytest.raises(DataValidationError, match="länen summerar till riket"):
        kl.load("industry_employed", tmp_path)


def test_a_source_without_industry_tables_gets_the_example_with_a_warning(tmp_path):
    from kompetens_lib.data import tables

    shutil.copy(example_dir() / "employed.parquet", tmp_path / "employed.parquet")
    tables._FELL_BACK.discard("industry_forecast")
    with pytest.warns(KompetensWarning, match="industry_forecast.parquet"):
        frame = kl.load("industry_forecast", tmp_path)
    assert frame.attrs["provenance"]["synthetic"] is True


@pytest.mark.parametrize("module", [
    "kompetens_lib.reference.industries", "kompetens_lib.methods.industry",
    "kompetens_lib.methods.establishments", "kompetens_lib.workbook.scenario_file",
])
def test_docstring_examples_of_the_industry_modules_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
