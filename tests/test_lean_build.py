"""A lean build: the chart library and the page stylesheet once per build, referenced by
relative paths; executed notebooks without the inline library; pages that still draw
offline from file://, also from a zip unpacked elsewhere."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from kompetens_lib.present import render
from kompetens_lib.present.html_export import export_html, external_references
from kompetens_lib.publish import lean


def _chart(title: str) -> dict:
    frame = pd.DataFrame({"grupp": ["A", "B", "C"], "antal": [3, 5, 2]})
    return alt.Chart(frame, title=title).mark_bar().encode(x="grupp:N", y="antal:Q").to_dict()


def _executed_notebook(titles=("Första", "Andra")) -> nbformat.NotebookNode:
    """A notebook with the outputs ``setup()`` and the offline renderer give in a kernel."""
    render._reset_session()
    setup = nbformat.v4.new_code_cell("kl.setup()", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": render.setup_html(), "text/plain": ""})])
    render._Session.bundle_shown = True
    cells = [nbformat.v4.new_markdown_cell("# Prov"), setup]
    for title in titles:
        data = render.interactive_renderer(_chart(title))
        cells.append(nbformat.v4.new_code_cell("chart", outputs=[
            nbformat.v4.new_output("display_data", data=data)]))
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture()
def build(tmp_path) -> Path:
    """A build folder with two counties, each with one exported page, made lean."""
    root = tmp_path / "build"
    for county in ("12-skane", "23-jamtland"):
        page = export_html(_executed_notebook(), root / county / "01_prov.html")
        assert render.BUNDLE_ATTR in page.read_text(encoding="utf-8")
        lean.link_shared_assets(page, root)
    return root


def test_the_chart_library_and_stylesheet_are_written_once_per_build(build):
    static = build / "_static"
    assert len(list(static.glob("vega-bundle-*.js"))) == 1
    for county in ("12-skane", "23-jamtland"):
        text = (build / county / "01_prov.html").read_text(encoding="utf-8")
        bundles = re.findall(rf"<script[^>]*{render.BUNDLE_ATTR}[^>]*>(.*?)</script>", text,
                             flags=re.DOTALL)
        assert bundles == [""]  # one reference, no inline copy
        refs = re.findall(r"""(?:src|href)=["']([^"']+)["']""", text)
        shared = [r for r in refs if r.startswith("../_static/")]
        assert len(shared) >= 2  # the library and nbconvert's stylesheet
        assert all((build / county / r).resolve().exists() for r in shared)
        assert external_references(text) == []
        assert len(text.encode("utf-8")) < 150_000


def test_linking_the_shared_assets_twice_changes_nothing(build):
    page = build / "12-skane" / "01_prov.html"
    before = page.read_bytes()
    assert lean.link_shared_assets(page, build) == 0
    assert page.read_bytes() == before


def test_a_lean_notebook_keeps_its_charts_for_jupyterlab_without_the_library(tmp_path):
    nb = _executed_notebook()
    path = tmp_path / "01_prov.ipynb"
    nbformat.write(nb, path)
    before = path.stat().st_size
    assert lean.slim_notebook_file(path)
    assert path.stat().st_size < before / 5
    text = path.read_text(encoding="utf-8")
    assert render.BUNDLE_ATTR not in text and render.SETUP_CLASS not in text
    slim = nbformat.read(path, as_version=4)
    nbformat.validate(slim)
    vega = [o["data"][lean.VEGA_MIME] for c in slim.cells for o in c.get("outputs", [])
            if lean.VEGA_MIME in o.get("data", {})]
    assert len(vega) == 2
    assert all(v["$schema"].endswith("/vega/v5.json") and v["marks"] for v in vega)
    assert not lean.slim_notebook_file(path)  # already lean


@pytest.mark.browser
def test_a_lean_page_draws_offline_from_a_zip_unpacked_elsewhere(build, tmp_path):
    from browser import offline_browser, offline_page, wait_for_charts

    archive = tmp_path / "bygge.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in build.rglob("*"):
            zf.write(path, path.relative_to(build))
    elsewhere = tmp_path / "någon annanstans"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(elsewhere)
    with offline_browser() as browser, offline_page(browser, "lean") as (page, log):
        page.goto((elsewhere / "23-jamtland" / "01_prov.html").as_uri())
        charts = wait_for_charts(page, 2)
        assert all(c["marks"] > 0 for c in charts)
        assert log.outside_requests == [] and log.console_errors == []
        assert log.page_errors == []
        page.screenshot(path=str(tmp_path / "lean.png"), full_page=True)


@pytest.mark.browser
def test_the_report_renders_offline_in_chromium_with_no_outside_requests(tmp_path):
    from browser import offline_browser, offline_page

    from kompetens_lib.publish.report import build_report

    written = build_report("23", tmp_path, deck=False)
    with offline_browser() as browser, offline_page(browser, "rapport") as (page, log):
        page.goto(written["report"].as_uri())
        figures = page.evaluate(
            "[...document.querySelectorAll('figure.kompetens-chart svg')].map("
            "s => s.getBoundingClientRect().width)")
        assert len(figures) >= 7 and all(w > 200 for w in figures)
        assert page.evaluate("document.documentElement.scrollHeight") < 15_000
        assert log.outside_requests == [] and log.console_errors == []
        assert log.page_errors == []
        page.screenshot(path=str(tmp_path / "rapport.png"), full_page=True)
    if written["pdf"] is not None:
        assert written["pdf"].read_bytes()[:5] == b"%PDF-"


def test_lean_pages_name_no_absolute_path(build):
    # Pages name shared files relative to themselves, so the build can move.
    for page in build.rglob("*.html"):
        assert str(build) not in page.read_text(encoding="utf-8")


@pytest.mark.browser
def test_jupyterlab_draws_the_charts_of_a_lean_notebook(tmp_path):
    from browser import ARTIFACTS, offline_browser, require_chromium
    from test_browser_jupyterlab import jupyterlab

    require_chromium()
    work = tmp_path / "notebooks"
    work.mkdir()
    home = tmp_path / "jupyter"
    home.mkdir()
    nb = _executed_notebook()
    assert lean.slim_notebook(nb)
    nbformat.write(nb, work / "01_prov.ipynb")  # untrusted, as papermill leaves it
    with jupyterlab(work, home) as url, offline_browser() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        outside: list[str] = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            (url, "ws://127.0.0.1", "data:", "blob:", "about:")) else (
            outside.append(r.request.url), r.abort()))
        page.goto(f"{url}/lab/tree/01_prov.ipynb")
        try:
            # JupyterLab's own Vega 5 renderer, not the page's HTML, draws the charts.
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-RenderedVega5')].filter("
                "el => el.querySelector('canvas, svg')).length === 2", timeout=40_000)
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-lean.png"), full_page=True)
            (ARTIFACTS / "jupyterlab-lean.html").write_text(page.content(), encoding="utf-8")
            raise
        page.screenshot(path=str(tmp_path / "jupyterlab-lean.png"), full_page=True)
        page.close()
    assert outside == []
