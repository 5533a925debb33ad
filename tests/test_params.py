"""Notebook parameters are validated and normalised with Swedish messages."""

from __future__ import annotations

import pandas as pd
import pytest

from kompetens_lib import params
from kompetens_lib.errors import KompetensError


def test_papermill_integer_region_and_string_year_are_normalised():
    p = params.validate(region=5, base_year="2020")
    assert (p.region, p.region_name, p.base_year) == ("05", "Östergötlands län", 2020)
    assert "Exempeldata" in p.source_note


def test_default_base_year_is_the_latest_history_year():
    assert params.validate("Skåne").base_year == 2023


@pytest.mark.parametrize("year, message", [
    (2030, "finns inte i data. Giltiga år: 2010–2023"),
    ("tjugo", "ska vara ett årtal"),
    (True, "ska vara ett årtal"),
])
def test_bad_base_year_is_explained(year, message):
    with pytest.raises(KompetensError, match=message):
        params.validate("12", base_year=year)


def test_summary_shows_county_year_and_source():
    bundle = params.summary_bundle(params.validate("12"))
    assert "Skåne län (12)" in bundle["text/html"]
    assert "2023" in bundle["text/plain"]
    assert "Exempeldata – inte officiell statistik" in bundle["text/plain"]


def test_target_year_method_and_interactive():
    p = params.validate("12", target_year="2030", method="Fast andel", interactive="False")
    assert (p.target_year, p.method, p.interactive) == (2030, "fixed_share", False)
    assert params.validate("12", method="constrained").method == "constrained"
    bundle = params.summary_bundle(p)
    assert "Målår" in bundle["text/plain"] and "Fast andel" in bundle["text/plain"]


@pytest.mark.parametrize("kwargs, message", [
    ({"target_year": 2040}, "Giltiga år: 2024–2035"),
    ({"target_year": 2023}, "Giltiga år: 2024–2035"),
    ({"method": "gissning"}, "Okänd metod: 'gissning'. Giltiga metoder: 'fixed_share'"),
    ({"interactive": "kanske"}, "ska vara True eller False"),
])
def test_bad_forecast_parameters_are_explained(kwargs, message):
    with pytest.raises(KompetensError, match=message):
        params.validate("12", **kwargs)


def _copy_of_the_example(folder, *, employed_factor: int = 1):
    """The example data in ``folder``, with the employed multiplied by ``employed_factor``."""
    import shutil

    import kompetens_lib as kl
    from kompetens_lib.data.tables import example_dir

    shutil.copytree(example_dir(), folder)
    if employed_factor != 1:
        employed = kl.load("employed")
        employed["value"] = employed["value"] * employed_factor
        (folder / "employed.parquet").unlink()
        employed.to_parquet(folder / "employed.parquet")
    return str(folder)


def test_validate_leaves_the_environment_alone(tmp_path, monkeypatch):
    import os

    monkeypatch.delenv("KOMPETENS_DATA", raising=False)
    before = dict(os.environ)
    p = params.validate("12", source=_copy_of_the_example(tmp_path / "kalla"))
    assert p.source == str(tmp_path / "kalla")
    assert dict(os.environ) == before
    with pytest.raises(KompetensError, match="finns inte eller är ingen mapp"):
        params.validate("12", source=str(tmp_path / "saknas"))


def test_the_kernels_data_source_is_the_default(tmp_path, monkeypatch):
    folder = _copy_of_the_example(tmp_path / "kalla")
    monkeypatch.setenv("KOMPETENS_DATA", folder)  # as `kompetens run --data` starts a kernel
    assert params.validate("12").source == folder


def test_two_scenarios_with_different_sources_each_get_their_own_data(tmp_path, monkeypatch):
    from kompetens_lib import profile, results

    monkeypatch.delenv("KOMPETENS_DATA", raising=False)
    single = params.validate("12", source=_copy_of_the_example(tmp_path / "en"))
    double = params.validate("12", source=_copy_of_the_example(tmp_path / "dubbel",
                                                                 employed_factor=2))
    employed = {p.source: profile.location_quotients(p)["employed"].sum()
                for p in (single, double, single)}
    assert employed[double.source] == 2 * employed[single.source]
    demand = [results.balance_table(p)["demand"].sum() for p in (single, double, single)]
    assert demand[1] == pytest.approx(demand[0]) and demand[2] == pytest.approx(demand[0])
    need = [results.need_table(p)["replacement"].sum() for p in (single, double)]
    assert need[1] == pytest.approx(2 * need[0])


def test_a_table_function_takes_its_years_method_and_source_from_params():
    from kompetens_lib import results

    p = params.validate("23", base_year=2023, target_year=2030, method="trend_share")
    table = results.balance_table(p)
    assert (table.attrs["base_year"], table.attrs["target_year"], table.attrs["method"]) == (
        2023, 2030, "trend_share")
    old_form = results.balance_table(p.region, base_year=p.base_year, target_year=p.target_year,
                                     method=p.method, source=p.source)
    pd.testing.assert_frame_equal(table, old_form)
    explicit = results.balance_table(p, method="fixed_share", target_year=2035)
    assert (explicit.attrs["method"], explicit.attrs["target_year"]) == ("fixed_share", 2035)
