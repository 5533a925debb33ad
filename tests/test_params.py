"""Notebook parameters are validated and normalised with Swedish messages."""

from __future__ import annotations

import pytest

from kompetens_lib.workbook import params
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


def test_a_chosen_data_source_holds_for_later_loads(tmp_path, monkeypatch):
    import shutil

    import kompetens_lib as kl
    from kompetens_lib.data.tables import example_dir

    monkeypatch.delenv("KOMPETENS_DATA", raising=False)
    folder = tmp_path / "kalla"
    shutil.copytree(example_dir(), folder)
    p = params.validate("12", source=str(folder))
    assert p.source == str(folder)
    assert kl.load("commuting").attrs["provenance"]["table"] == "commuting"
    import os

    assert os.environ["KOMPETENS_DATA"] == str(folder)
    with pytest.raises(KompetensError, match="finns inte eller är ingen mapp"):
        params.validate("12", source=str(tmp_path / "saknas"))
