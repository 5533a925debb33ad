"""`kompetens run --all` executes the first notebook with papermill for every county.

This is the end-to-end path: data → library → parameterised notebook → papermill → HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import kompetens_lib as kl
from kompetens_lib import cli
from kompetens_lib.present.summaries import read_key_figures
from kompetens_lib.workbook import profile

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    code = cli.main(["run", "--all", "--out", str(out), "--jobs", "2",
                     "--notebook-dir", str(ROOT / "notebooks")])
    assert code == 0
    return out


def _county_dirs(build: Path) -> dict[str, Path]:
    return {p.name[:2]: p for p in build.iterdir() if p.is_dir() and p.name[:2].isdigit()}


def test_every_county_gets_an_executed_notebook_and_a_page(build):
    dirs = _county_dirs(build)
    assert sorted(dirs) == sorted(kl.regions()["code"])
    for code, folder in dirs.items():
        slug = kl.regions().set_index("code").loc[code, "slug"]
        assert folder.name == f"{code}-{slug}"
        assert (folder / "01_nulage.ipynb").stat().st_size > 0
        assert (folder / "01_nulage.html").stat().st_size > 0
        assert not list(folder.glob(".*.tmp")) and not list(folder.glob(".*.ipynb"))


def test_every_executed_notebook_of_every_county_finished_without_errors(build):
    from kompetens_lib.publish.runner import AREA_NOTEBOOKS

    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
                     if p.name not in AREA_NOTEBOOKS)  # the planning area's runs with --area
    assert len(lessons) == 9
    for code, folder in _county_dirs(build).items():
        assert sorted(p.name for p in folder.glob("[0-9][0-9]_*.ipynb")) == lessons, code
        for name in lessons:
            nb = nbformat.read(folder / name, as_version=4)
            errors = [o for c in nb.cells for o in c.get("outputs", [])
                      if o.get("output_type") == "error"]
            assert not errors, (code, name, errors)


def test_executed_notebooks_show_the_library_key_figures(build):
    for code, folder in _county_dirs(build).items():
        nb = nbformat.read(folder / "01_nulage.ipynb", as_version=4)
        shown = read_key_figures(nb)
        assert shown == [json.loads(json.dumps(profile.key_figures(code, 2023)))], code


@pytest.mark.parametrize("code", ["01", "12", "23"])
def test_forecast_notebooks_show_the_library_key_figures(build, code):
    from kompetens_lib.present import keyfigures
    from kompetens_lib.workbook import breakdown_tables, supply_tables

    folder = _county_dirs(build)[code]

    def shown(name: str, section: str) -> dict:
        records = keyfigures.by_section(keyfigures.read(folder / name))
        return records[section]

    def plain(value: dict) -> dict:
        return json.loads(json.dumps(value))

    expected = breakdown_tables.key_figures_breakdown(code, base_year=2023, target_year=2035,
                                             method="fixed_share", damping=0.5)
    assert shown("02_nedbrytning.ipynb", "nedbrytning") == plain(expected)
    expected = supply_tables.key_figures_supply(code, base_year=2023, target_year=2035, exit_age=66,
                                          graduate_stay_share=0.8, net_migration=0.0)
    assert shown("03_tillgang.ipynb", "tillgang") == plain(expected)


def test_parameters_were_injected_and_summarised(build):
    nb = nbformat.read(build / "05-ostergotland" / "01_nulage.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'region = "05"' in injected[0].source
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "Östergötlands län (05)" in text


def test_pages_say_example_data_and_load_nothing_from_the_internet(build):
    page = (build / "12-skane" / "01_nulage.html").read_text(encoding="utf-8")
    assert "Exempeldata – inte officiell statistik" in page
    external = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']https?://[^\"']+", page)
    assert external == []


def test_index_links_every_county(build):
    index = (build / "index.html").read_text(encoding="utf-8")
    for row in kl.regions().itertuples():
        assert f"{row.code}-{row.slug}/01_nulage.html" in index
    assert "Exempeldata – inte officiell statistik" in index
    summary = json.loads((build / "run.json").read_text(encoding="utf-8"))
    assert len(summary) == 21 * 9 and all(r["ok"] for r in summary)


def test_executed_notebooks_are_trusted_on_the_building_machine(build):
    nb = nbformat.read(build / "12-skane" / "01_nulage.ipynb", as_version=4)
    from nbformat.sign import NotebookNotary

    assert NotebookNotary().check_signature(nb)


def test_each_county_gets_a_report_without_code(build):
    page = (build / "12-skane" / "rapport.html").read_text(encoding="utf-8")
    assert "Kompetensbehovet i Skåne län fram till 2035 – rapport" in page
    assert "inte officiell statistik" in page
    assert "Exempeldata – inte officiell statistik" in page
    assert "import kompetens_lib" not in page  # no code cells
    assert "Det här lär du dig" not in page  # no lesson scaffolding
    assert page.count("class='kompetens-chart'") >= 5
    # Every lesson notebook's page still shows the mandate at the top.
    for name in ("01_nulage", "02_nedbrytning", "03_tillgang", "04_efterfragan_balans",
                 "06_rekrytering_dimensionering"):
        assert "kompetens-uppdrag" in (build / "12-skane" / f"{name}.html").read_text(
            encoding="utf-8"), name


def test_the_report_s_charts_are_files_and_the_deck_carries_them_as_pictures(build):
    from pptx import Presentation

    folder = build / "05-ostergotland"
    svgs = sorted((folder / "diagram").glob("*.svg"))
    assert svgs and all(p.name.startswith("rapport-") for p in svgs)
    assert not list((folder / "diagram").glob("*.png"))
    report = (folder / "rapport.html").read_text(encoding="utf-8")
    # Exactly the report's charts, each the SVG the report shows.
    assert report.count("<figure class='kompetens-chart'") == len(svgs)
    for path in svgs:
        svg = path.read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<svg") and "Exempeldata" in svg
        assert svg in report
    pictures = [shape for slide in Presentation(folder / "presentation.pptx").slides
                for shape in slide.shapes if shape.shape_type == 13]
    assert pictures


def test_key_figures_are_written_as_json_and_csv(build):
    folder = build / "23-jamtland"
    sections = json.loads((folder / "nyckeltal.json").read_text(encoding="utf-8"))
    assert sections["nulage"]["employed"] == profile.key_figures("23", 2023)["employed"]
    csv_text = (folder / "nyckeltal.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0] == "avsnitt,nyckeltal,värde"
    assert f"nulage,employed,{sections['nulage']['employed']}" in csv_text


@pytest.mark.browser
def test_overview_and_a_county_report_draw_offline_in_chromium(build):
    from browser import offline_browser, offline_page, wait_for_charts

    with offline_browser() as browser:
        with offline_page(browser, "index") as (page, log):
            page.goto((build / "index.html").as_uri())
            before = wait_for_charts(page, 1)[0]
            assert before["marks"] >= 21 and before["width"] > 100
            page.select_option("select >> nth=1", label="Andel 55 år och äldre")
            page.wait_for_timeout(300)
            after = page.evaluate(
                """() => [...document.querySelectorAll('.kompetens-chart svg text')]
                   .map(t => t.textContent)""")
            assert any(t.endswith("%") for t in after)
            assert before["texts"] != after
            assert log.outside_requests == [] and log.console_errors == []
            assert log.page_errors == []
        with offline_page(browser, "rapport") as (page, log):
            page.goto((build / "12-skane" / "rapport.html").as_uri())
            count = page.evaluate("document.querySelectorAll('.kompetens-chart').length")
            charts = wait_for_charts(page, count)
            assert count >= 5 and all(c["marks"] > 0 for c in charts)
            assert log.outside_requests == [] and log.console_errors == []
            assert log.page_errors == []
