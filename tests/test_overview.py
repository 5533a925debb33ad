"""The build's overview page: the map names its group and measure and opens on the group
most counties need most; links read as notebook titles; the county table sorts; the chart
library is the build's shared copy."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kompetens_lib.present.charts.overview import map_chart
from kompetens_lib.publish import overview
from kompetens_lib.publish.runner import Job, Result


def _notebook(path: Path, heading: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {heading}\n\nText.")])
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ov")
    notebooks = root / "nb"
    notebooks.mkdir()
    source = _notebook(notebooks / "06_rekrytering_dimensionering.ipynb",
                       "5. Rekryteringsbehov och dimensionering")
    out = root / "build"
    results = []
    for code, group in (("12", "Sjuksköterskor"), ("23", "Sjuksköterskor"), ("01", "Ekonomer")):
        job = Job(source, code, out)
        job.county_dir.mkdir(parents=True)
        job.html.write_text("<p>sida</p>", encoding="utf-8")
        figures = [{"section": "kommunicera", "largest_need_group": group}]
        results.append(Result(job, True, 1.0, key_figures=figures))
    (results[0].job.county_dir / "rapport.html").write_text("<p>r</p>", encoding="utf-8")
    return overview.write_index(out, results, source_note="Källa: prov")


def test_links_read_as_notebook_titles_and_lead_to_existing_pages(index):
    page = index.read_text(encoding="utf-8")
    assert "5. Rekryteringsbehov och dimensionering" in page
    assert ">06_rekrytering_dimensionering<" not in page
    for ref in re.findall(r"href='([^']+)'", page):
        assert (index.parent / ref).exists(), ref
    assert "Rapport</strong></a>" in page


def test_the_map_opens_on_the_group_most_counties_need_most(index):
    assert overview.start_group([Result(Job(Path("x"), "12", Path(".")), True, 0.0,
                                        key_figures=[{"largest_need_group": "A"}])]) == "A"
    assert overview.start_group([]) is None


def test_the_map_title_names_the_chosen_group_and_measure():
    data = pd.DataFrame({"region": ["12", "23"] * 2, "group": ["A", "A", "B", "B"],
                         "measure": ["Mått"] * 4, "value": [1, 2, 3, 4],
                         "label": ["1", "2", "3", "4"]})
    spec = map_chart(data, source="Källa: prov", group="B").to_dict()
    grupp = next(p for p in spec["params"] if p["name"] == "grupp")
    assert grupp["value"] == "B" and grupp["bind"]["options"][0] == "B"
    expr = spec["title"]["text"]["expr"]
    assert "grupp" in expr and "matt" in expr


def test_the_overview_links_the_shared_chart_library(index):
    page = index.read_text(encoding="utf-8")
    assert "window.vegaEmbed=" not in page.replace(" ", "")
    src = re.search(r'data-kompetens-bundle="1" src="([^"]+)"', page).group(1)
    assert src.startswith("_static/") and (index.parent / src).exists()
    assert len(page.encode("utf-8")) < 800_000


@pytest.mark.browser
def test_the_overview_sorts_its_table_and_shows_the_group_offline(index, tmp_path):
    from browser import offline_browser, offline_page, wait_for_charts

    with offline_browser() as browser, offline_page(browser, "oversikt") as (page, log):
        page.goto(index.as_uri())
        wait_for_charts(page, 1)
        assert page.evaluate("document.querySelector('select').value") == "Sjuksköterskor"
        texts = page.evaluate("[...document.querySelectorAll('.kompetens-chart svg text')]"
                              ".map(t => t.textContent).join(' | ')")
        assert "Sjuksköterskor" in texts and "Lokaliseringskvot" in texts
        codes = lambda: page.evaluate(  # noqa: E731
            "[...document.querySelectorAll('table.sortera tbody tr')].map(r => r.cells[0]"
            ".textContent)")
        page.click("table.sortera th >> nth=0")
        assert codes() == sorted(codes())
        page.click("table.sortera th >> nth=0")
        assert codes() == sorted(codes(), reverse=True)
        assert log.outside_requests == [] and log.console_errors == []
        assert log.page_errors == []
        page.screenshot(path=str(tmp_path / "oversikt.png"), full_page=True)
