"""Charts draw offline in a real browser: in exported HTML and in the notebook's own outputs.

A notebook with setup() and three charts from kompetens_lib.present.charts is executed in a
kernel of this interpreter, exported with export_html and opened from file:// in headless
Chromium with every non-file request blocked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from browser import (
    execute_notebook,
    offline_browser,
    offline_page,
    output_harness,
    require_chromium,
    wait_for_charts,
)

from kompetens_lib.present.html_export import export_html

pytestmark = pytest.mark.browser

SOURCE = "Källa: Exempeldata – inte officiell statistik."

DATA_CELL = """
import pandas as pd
lq = pd.DataFrame({
    "short_name": [f"Grupp {i}" for i in range(20)],
    "lq": [0.5 + 0.06 * i for i in range(20)],
    "employed": [1000 * (i + 1) for i in range(20)],
})
levels = pd.DataFrame({
    "area": ["Skåne län"] * 4 + ["Riket"] * 4,
    "level": ["förgymnasial", "gymnasial", "eftergymnasial < 3 år", "eftergymnasial ≥ 3 år"] * 2,
    "share": [0.12, 0.41, 0.16, 0.31, 0.11, 0.43, 0.15, 0.31],
})
commuting = pd.DataFrame({
    "year": [y for y in range(2016, 2024) for _ in (0, 1)],
    "direction": ["in", "ut"] * 8,
    "value": [40000 + 1500 * i for i in range(16)],
})
"""


@pytest.fixture(scope="module")
def browser():
    with offline_browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    require_chromium()
    work = tmp_path_factory.mktemp("browser-nb")
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Läget i länet\n\nTre diagram."),
        v4.new_code_cell("import sys\nfrom kompetens_lib import charts, render\nrender.setup()"),
        v4.new_code_cell("print(sys.executable)"),
        v4.new_code_cell(DATA_CELL),
        v4.new_code_cell(f"charts.location_quotient_chart(lq, source={SOURCE!r}, n=15)"),
        v4.new_markdown_cell("Utbildningsnivå jämfört med riket."),
        v4.new_code_cell(f"charts.level_mix_chart(levels, source={SOURCE!r})"),
        v4.new_code_cell(f"charts.commuting_chart(commuting, source={SOURCE!r})"),
    ]
    execute_notebook(nb, work)
    path = work / "lage.ipynb"
    nbformat.write(nb, path)
    return nb, path


def test_kernel_is_this_interpreter(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, _ = executed
    printed = nb.cells[2].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


def _assert_three_charts_drawn(report: list[dict]) -> None:
    assert len(report) == 3
    for chart in report:
        assert chart["svg"] and chart["width"] > 100 and chart["height"] > 100, chart["id"]
    lq, levels, commuting = report
    # 15 bars + the rule at 1,0; 8 grouped bars; 2 lines + 16 points.
    assert lq["marks"] == 16
    assert levels["marks"] == 8
    assert commuting["marks"] == 18
    # Swedish formatting and the source note come out of the real renderer.
    assert "1,0" in lq["texts"]
    assert "40\u00a0%" in levels["texts"]
    assert "50\u00a0000" in commuting["texts"]
    assert all(SOURCE in chart["texts"] for chart in report)


@pytest.mark.parametrize("include_code", [True, False], ids=["med-kod", "rapport"])
def test_exported_html_draws_all_charts_offline(
    executed: tuple[nbformat.NotebookNode, Path], browser, tmp_path: Path, include_code: bool
) -> None:
    _, nb_path = executed
    out = export_html(nb_path, tmp_path / "lage.html", include_code=include_code)
    with offline_page(browser, f"export-{include_code}") as (page, log):
        page.goto(out.as_uri())
        report = wait_for_charts(page, 3)
        _assert_three_charts_drawn(report)
        page.wait_for_timeout(100)  # let late errors surface
        assert log.outside_requests == []
        assert log.console_errors == []
        assert log.page_errors == []
        code_visible = page.locator(".jp-CodeCell .jp-InputArea-editor").count() > 0
        assert code_visible is include_code


@pytest.mark.parametrize("delay_first_ms", [0, 400], ids=["i-ordning", "setup-sist"])
def test_notebook_outputs_draw_by_themselves(
    executed: tuple[nbformat.NotebookNode, Path], browser, tmp_path: Path, delay_first_ms: int
) -> None:
    """The saved outputs, shown the way JupyterLab inserts them, draw with no export step;
    also when setup()'s output (the library) arrives after the charts."""
    nb, _ = executed
    page_path = output_harness(nb, tmp_path / "outputs.html", delay_first_ms=delay_first_ms)
    with offline_page(browser, f"outputs-{delay_first_ms}") as (page, log):
        page.goto(page_path.as_uri())
        _assert_three_charts_drawn(wait_for_charts(page, 3))
        assert log.outside_requests == []
        assert log.console_errors == []
        assert log.page_errors == []


def test_outside_requests_are_caught(browser, tmp_path: Path) -> None:
    """The request blocker itself works, so the empty lists above mean something."""
    page_path = tmp_path / "canary.html"
    page_path.write_text(
        '<html><body><img src="http://example.invalid/a.png">'
        '<script src="https://cdn.example.invalid/b.js"></script></body></html>',
        encoding="utf-8",
    )
    with offline_page(browser, "canary") as (page, log):
        page.goto(page_path.as_uri())
        page.wait_for_timeout(200)
    assert sorted(log.outside_requests) == [
        "http://example.invalid/a.png",
        "https://cdn.example.invalid/b.js",
    ]
