"""A data source chosen once (`--data`) flows through the notebook, its page and report,
and every source note names SCB and the table ids instead of "Exempeldata"; and a cache
built from the recipes alone (recorded SCB answers) has every year to the target year and
runs every notebook for every county (issue 14)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest
from pxweb_server import PxWebServer

from kompetens_lib import cli, load
from kompetens_lib.data.recipes import CACHE_RECIPES
from kompetens_lib.data.tables import provenance
from kompetens_lib.publish.runner import find_notebooks
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.workbook import supply_tables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = Path(str(files("kompetens_lib") / "data" / "tp_template_example.csv"))
NOTEBOOKS = sorted(p.stem for p in find_notebooks(None, ROOT / "notebooks"))


def tp_template(directory: Path) -> Path:
    """The bundled example T&P template as it is: base year 2020 (before the recorded
    history's last year 2023), the target year, and a mid-year row for one group only. Every
    notebook must take the forecast from the county's base year on and fill the years
    between."""
    path = directory / "tp.csv"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("cache") / "workshop"
    template = tp_template(directory.parent)
    with PxWebServer() as server:
        assert cli.main(["data", "cache", "--out", str(directory), "--api-url", server.url,
                         "--tp-mall", str(template), "--recipes", *CACHE_RECIPES]) == 0
    return directory


def test_a_run_on_a_prepared_cache_names_scb_everywhere(cache, tmp_path, capsys):
    out = tmp_path / "build"
    code = cli.main(["run", "--region", "12", "--notebooks", "01", "--data", str(cache),
                     "--out", str(out), "--notebook-dir", str(ROOT / "notebooks")])
    assert code == 0, capsys.readouterr()
    for page in (out / "12-skane" / "01_nulage.html", out / "12-skane" / "rapport.html",
                 out / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert "Källa: SCB, Statistikdatabasen" in text, page
        assert "Exempeldata – inte officiell statistik" not in text, page
    svg = next((out / "12-skane" / "diagram").glob("*.svg")).read_text(encoding="utf-8")
    assert "SCB" in svg and "Exempeldata" not in svg


def test_every_county_has_every_population_year_to_the_target_year(cache):
    target = int(load("national_forecast", cache)["year"].max())
    population = load("population", cache)
    observed = population[~population["projection"]]
    last_observed = int(observed["year"].max())
    first = int(observed["year"].min())
    assert last_observed < target  # without a projection the notebooks would lack years
    for code in ("00", *COUNTY_CODES):
        years = set(population.loc[population["region"] == code, "year"])
        assert set(range(first, target + 1)) <= years, code
    assert population.loc[population["year"] > last_observed, "projection"].all()
    record = provenance("population", cache)
    assert "TAB698" in record["table_id"]
    assert "inte SCB:s länsprognos" in " ".join(record["notes"])
    # what notebook 03 shows: people entering and leaving working age in every year
    flows = supply_tables.entrants_and_leavers("23", source=cache)
    assert set(range(last_observed, target + 1)) <= set(flows["year"])
    assert flows.loc[flows["year"] > last_observed, "projection"].all()


@pytest.mark.slow
def test_every_notebook_runs_for_every_county_on_recipe_data(cache, tmp_path, capsys):
    """The whole build on real-data-shaped input: 21 counties × every notebook, once."""
    out = tmp_path / "build"
    code = cli.main(["run", "--all", "--data", str(cache), "--out", str(out),
                     "--notebook-dir", str(ROOT / "notebooks")])
    printed = capsys.readouterr()
    assert code == 0, printed.out[-3000:] + printed.err[-3000:]
    for code in COUNTY_CODES:
        folder = next(out.glob(f"{code}-*"))
        ran = sorted(p.stem for p in folder.glob("*.ipynb"))
        assert ran == NOTEBOOKS, (code, ran)
    figures = json.loads(next(out.glob("23-*/nyckeltal.json")).read_text(encoding="utf-8"))
    assert figures  # the key figures of a county were written from the real-data run
