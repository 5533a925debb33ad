"""A data source chosen once (`--data`) flows through the notebook, its page and report,
and every source note names SCB and the table ids instead of "Exempeldata"."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from pxweb_server import PxWebServer

from kompetens_lib import cli

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(str(files("kompetens_lib") / "data" / "tp_template_example.csv"))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("cache") / "workshop"
    with PxWebServer() as server:
        assert cli.main(["data", "cache", "--out", str(directory), "--api-url", server.url,
                         "--tp-mall", str(TEMPLATE), "--recipes", "population", "employment",
                         "labour_force", "graduates", "commuting"]) == 0
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
