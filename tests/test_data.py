"""Every bundled table loads with fixed columns and dtypes; broken files give Swedish errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.data.tables import TABLES, example_dir
from kompetens_lib.errors import DataValidationError, KompetensError

COLUMNS = {
    "employed": ["region", "education_group", "age_band", "year", "value"],
    "labour_force": ["region", "education_group", "age_band", "year", "value"],
    "population": ["region", "age_band", "year", "value", "projection"],
    "graduates": ["region", "education_group", "form", "year", "value"],
    "commuting": ["region", "year", "direction", "value"],
    "national_forecast": ["education_group", "year", "supply", "demand", "judgement"],
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_each_table_loads_with_fixed_columns_and_dtypes(name):
    frame = kl.load(name)
    assert frame.columns.tolist() == COLUMNS[name]
    assert frame["year"].dtype == "int64"
    for column in frame.columns:
        if column in ("year", "value", "supply", "demand"):
            assert frame[column].dtype == "int64", column
        elif column == "projection":
            assert frame[column].dtype == bool
        else:
            assert pd.api.types.is_string_dtype(frame[column]), column
    assert frame.attrs["provenance"]["synthetic"] is True
    assert frame.attrs["provenance"]["table"] == name
    for key in ("source", "method", "generated", "licence"):
        assert frame.attrs["provenance"][key]


def test_history_and_forecast_years():
    assert sorted(kl.load("employed")["year"].unique()) == list(range(2010, 2024))
    assert sorted(kl.load("population")["year"].unique()) == list(range(2010, 2036))
    forecast = kl.load("national_forecast")
    assert sorted(forecast["year"].unique()) == list(range(2023, 2036))
    judged = forecast[forecast["judgement"] != ""]
    assert set(judged["year"]) == {2023, 2035}


def test_load_returns_a_copy_that_callers_may_modify():
    first = kl.load("commuting")
    first.loc[:, "value"] = -1
    assert (kl.load("commuting")["value"] >= 0).all()


def test_unknown_table_names_the_valid_ones():
    with pytest.raises(KompetensError) as err:
        kl.load("sysselsatta")
    assert "Okänd tabell" in str(err.value) and "'employed' (förvärvsarbetande)" in str(err.value)


def test_missing_source_folder_is_explained(tmp_path):
    with pytest.raises(KompetensError, match="finns inte eller är ingen mapp"):
        kl.load("employed", tmp_path / "saknas")
    with pytest.raises(KompetensError, match="väntade filen employed.parquet"):
        kl.load("employed", tmp_path)


def test_source_note_says_example_data_for_synthetic_tables():
    assert "Exempeldata – inte officiell statistik" in kl.source_note("employed")


def _copy_source(tmp_path: Path, name: str, frame: pd.DataFrame, fmt: str = "csv") -> Path:
    folder = tmp_path / "källa"
    folder.mkdir(exist_ok=True)
    shutil.copy(example_dir() / "provenance.json", folder / "provenance.json")
    if fmt == "csv":
        frame.to_csv(folder / f"{name}.csv", index=False)
    else:
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def test_a_valid_csv_copy_loads_like_the_bundled_table(tmp_path):
    original = kl.load("commuting")
    folder = _copy_source(tmp_path, "commuting", original)
    loaded = kl.load("commuting", folder)
    pd.testing.assert_frame_equal(loaded, original)


def _broken(name: str, how: str) -> pd.DataFrame:
    frame = kl.load(name).copy()
    county = frame.index[frame.get("region", pd.Series("x", index=frame.index)) != "00"][0]
    if how == "negative":
        frame.loc[county, "value"] = -5
    elif how == "missing_column":
        frame = frame.drop(columns=["value"])
    elif how == "unknown_region":
        frame.loc[county, "region"] = "02"
    elif how == "duplicate":
        frame = pd.concat([frame, frame.loc[[county]]], ignore_index=True)
    elif how == "sum":
        frame.loc[county, "value"] += 1
    elif how == "nan":
        frame["value"] = frame["value"].astype("float")
        frame.loc[county, "value"] = float("nan")
    elif how == "unknown_group":
        frame.loc[county, "education_group"] = "999"
    elif how == "bad_age":
        frame.loc[county, "age_band"] = "16-25"
    return frame


@pytest.mark.parametrize("name, how, rule", [
    ("commuting", "negative", "icke-negativa antal"),
    ("commuting", "missing_column", "kolumner"),
    ("commuting", "unknown_region", "koder"),
    ("commuting", "duplicate", "unika nycklar"),
    ("commuting", "sum", "länen summerar till riket"),
    ("commuting", "nan", "saknade värden"),
    ("graduates", "unknown_group", "koder"),
    ("population", "bad_age", "koder"),
])
def test_broken_file_names_file_rule_and_an_example_row(tmp_path, name, how, rule):
    folder = _copy_source(tmp_path, name, _broken(name, how))
    with pytest.raises(DataValidationError) as err:
        kl.load(name, folder)
    message = str(err.value)
    assert f"{name}.csv" in message
    assert f"bryter mot regeln '{rule}'" in message
    if rule != "kolumner":
        assert "Exempel på rad: {" in message


def test_judgement_outside_base_and_target_year_is_refused(tmp_path):
    frame = kl.load("national_forecast")
    frame.loc[frame["year"] == 2030, "judgement"] = "brist"
    folder = _copy_source(tmp_path, "national_forecast", frame, fmt="parquet")
    with pytest.raises(DataValidationError, match="bedömningar får bara finnas"):
        kl.load("national_forecast", folder)


def test_unreadable_file_is_explained(tmp_path):
    folder = tmp_path / "trasig"
    folder.mkdir()
    (folder / "employed.parquet").write_bytes(b"inte parquet")
    with pytest.raises(DataValidationError, match="kunde inte läsas"):
        kl.load("employed", folder)


def test_edited_file_is_reloaded_not_served_from_cache(tmp_path):
    frame = kl.load("commuting")
    folder = _copy_source(tmp_path, "commuting", frame)
    kl.load("commuting", folder)
    _copy_source(tmp_path, "commuting", _broken("commuting", "negative"))
    with pytest.raises(DataValidationError):
        kl.load("commuting", folder)


def test_every_table_spec_is_bundled():
    for name in TABLES:
        assert (example_dir() / f"{name}.parquet").exists()


def test_the_data_package_exports_the_public_names_of_tables_explicitly():
    import kompetens_lib.data as data
    from kompetens_lib.data import tables

    assert set(data.__all__) == set(tables.__all__)
    assert {"load", "validate", "TABLES", "TABLE_LABELS", "SOURCE_ENV", "available_years",
            "provenance", "source_note", "source_dir", "example_dir"} <= set(data.__all__)
    for name in data.__all__:
        assert getattr(data, name) is getattr(tables, name), name
    assert set(data.__all__) <= set(dir(data))
    with pytest.raises(AttributeError, match="has no attribute '_load_cached'"):
        data._load_cached  # noqa: B018 - private names of tables are not exported
