"""export_html: one offline page, the chart library once, code hidden in report mode.

The notebooks here get their outputs from the renderer in this process (no kernel), which
is what a kernel would put in them; the browser test executes a real one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import charts, html_export, render
from kompetens_lib.present.html_export import export_html, external_references

SOURCE = "Källa: Exempeldata – inte officiell statistik."
v4 = nbformat.v4


@pytest.fixture(autouse=True)
def fresh_session():
    render._reset_session()
    yield
    render._reset_session()


def _chart_output(chart: alt.TopLevelMixin, count: int) -> nbformat.NotebookNode:
    render.register()
    with alt.theme.enable(render.THEME_NAME):
        data = render.interactive_renderer(chart.to_dict())
    return v4.new_output("execute_result", data=data, execution_count=count)


def _notebook() -> nbformat.NotebookNode:
    """setup() output, two charts, a warning on stderr, a tagged cell and markdown."""
    commuting = pd.DataFrame(
        {"year": [2021, 2021, 2022, 2022], "direction": ["in", "ut"] * 2, "value": [5, 7, 6, 8]}
    )
    levels = pd.DataFrame(
        {"area": ["Skåne län", "Riket"], "level": ["gymnasial"] * 2, "share": [0.4, 0.43]}
    )
    setup_out = v4.new_output(
        "display_data", data={"text/html": render.setup_html(), "text/plain": ""}
    )
    render._Session.bundle_shown = True
    cells = [
        v4.new_markdown_cell("# Läget i Skåne\n\nEn [länk](https://www.scb.se) är okej."),
        v4.new_code_cell("import kompetens_lib as kl\nkl.setup()", outputs=[setup_out]),
        v4.new_code_cell(
            "charts.commuting_chart(commuting)",
            outputs=[
                v4.new_output("stream", name="stderr", text="FutureWarning: något tekniskt\n"),
                _chart_output(charts.commuting_chart(commuting, source=SOURCE), 3),
            ],
        ),
        v4.new_code_cell("x = 1  # ingen utdata"),
        v4.new_code_cell(
            "charts.level_mix_chart(levels)",
            outputs=[_chart_output(charts.level_mix_chart(levels, source=SOURCE), 5)],
        ),
        v4.new_code_cell(
            "hemlig_facit = 42",
            metadata={"tags": ["remove-cell"]},
            outputs=[v4.new_output("stream", name="stdout", text="facit 42\n")],
        ),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _head_body(html: str) -> tuple[str, str]:
    # Not "</head>": the library's own source contains that string.
    head, sep, body = html.partition('<body class="jp-Notebook"')
    assert sep, "no notebook body"
    return head, sep + body


def _text(html: str) -> str:
    """Visible-ish text: tags removed (code is split into highlighted spans)."""
    return re.sub(r"<[^>]+>", "", html)


def _bundle_count(html: str) -> int:
    return len(re.findall(rf"<script[^>]*{render.BUNDLE_ATTR}", html))


def test_export_is_offline_with_library_once_in_head(tmp_path: Path) -> None:
    nb_path = tmp_path / "lage.ipynb"
    nbformat.write(_notebook(), nb_path)
    out = export_html(nb_path, tmp_path / "ut" / "lage.html")
    html = out.read_text(encoding="utf-8")
    assert out == tmp_path / "ut" / "lage.html"
    assert external_references(html) == []
    for tag in re.findall(r"<(?:script|link|iframe)\b[^>]*>", html, re.IGNORECASE):
        assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", tag), tag
    assert "require.js" not in html and "mathjax" not in html.lower()
    head, body = _head_body(html)
    assert _bundle_count(head) == 1 and _bundle_count(body) == 0
    # nbconvert re-serialises the page (BeautifulSoup), so attribute order is not fixed.
    chart_divs = re.findall(r'<div[^>]*\bclass="kompetens-chart"[^>]*>', body)
    assert len(chart_divs) == 2 and all(render.CHART_ATTR in d for d in chart_divs)
    assert render.SETUP_CLASS not in body
    assert "<title>Läget i Skåne</title>" in head
    assert '<html lang="sv">' in html
    assert "kl.setup()" in _text(body)  # code shown by default
    assert "jp-InputPrompt" in body
    assert "facit 42" not in body and "hemlig_facit" not in _text(body)  # remove-cell tag
    assert "x = 1" in _text(body) and "FutureWarning" in body  # hidden only in report mode
    assert 'href="https://www.scb.se"' in body  # ordinary links are not resources
    assert not [p for p in out.parent.iterdir() if p.name != "lage.html"]  # no temp left


def test_report_mode_hides_code_prompts_stderr_and_empty_cells(tmp_path: Path) -> None:
    out = export_html(
        _notebook(), tmp_path / "rapport.html", include_code=False, title="Rapport Skåne"
    )
    body = _head_body(out.read_text(encoding="utf-8"))[1]
    assert "<title>Rapport Skåne</title>" in out.read_text(encoding="utf-8")
    assert "kl.setup()" not in _text(body) and "charts.commuting_chart" not in _text(body)
    assert "jp-InputPrompt" not in body and "jp-OutputPrompt" not in body
    assert "FutureWarning" not in body
    assert "x = 1" not in _text(body)
    assert body.count('class="kompetens-chart"') == 2
    assert "Läget i Skåne" in body


def test_chart_output_that_carries_the_bundle_is_deduplicated(tmp_path: Path) -> None:
    # No setup() output: the first chart carried the library itself (renderer fallback).
    chart = charts.commuting_chart(
        pd.DataFrame({"year": [2021], "direction": ["in"], "value": [5]}), source=SOURCE
    )
    first, second = _chart_output(chart, 1), _chart_output(chart, 2)
    assert render.BUNDLE_ATTR in first["data"]["text/html"]
    nb = v4.new_notebook(
        cells=[v4.new_code_cell("a", outputs=[first]), v4.new_code_cell("b", outputs=[second])]
    )
    html = export_html(nb, tmp_path / "a.html").read_text(encoding="utf-8")
    assert _bundle_count(html) == 1
    assert html.count('class="kompetens-chart"') == 2


def test_input_notebook_is_not_changed(tmp_path: Path) -> None:
    nb = _notebook()
    before = nbformat.writes(nb)
    export_html(nb, tmp_path / "a.html", include_code=False)
    assert nbformat.writes(nb) == before


def test_notebook_without_charts_has_no_library(tmp_path: Path) -> None:
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("Bara text")])
    out = export_html(nb, tmp_path / "text.html")
    html = out.read_text(encoding="utf-8")
    assert _bundle_count(html) == 0 and len(html) < 400_000
    assert "<title>Rapport</title>" in html


def test_external_scripts_from_outputs_are_removed_with_warning(tmp_path: Path) -> None:
    out = v4.new_output(
        "display_data",
        data={"text/html": '<script src="https://cdn.example.org/x.js"></script><b>hej</b>'},
    )
    nb = v4.new_notebook(cells=[v4.new_code_cell("x", outputs=[out])])
    with pytest.warns(UserWarning, match="internet togs bort"):
        html = export_html(nb, tmp_path / "x.html").read_text(encoding="utf-8")
    assert "cdn.example.org" not in html and "<b>hej</b>" in html


def test_external_references_finds_css_imports() -> None:
    html = "<style>@import url('https://fonts.example/x.css'); a{color:red}</style>"
    assert len(external_references(html)) == 1
    assert external_references("<style>a{background:url(data:image/png;base64,AA)}</style>") == []
    assert external_references('<link rel="stylesheet" href="//cdn.example/x.css">') != []


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "rapport.html"
    target.write_text("gammal version", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        export_html(v4.new_notebook(), target)
    assert target.read_text(encoding="utf-8") == "gammal version"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]


def test_bad_arguments_are_explained_in_swedish(tmp_path: Path) -> None:
    with pytest.raises(KompetensError, match="Hittar ingen anteckningsbok"):
        export_html(tmp_path / "finns-inte.ipynb", tmp_path / "a.html")
    with pytest.raises(KompetensError, match="ska sluta på .html"):
        export_html(v4.new_notebook(), tmp_path / "a.pdf")
    broken = tmp_path / "trasig.ipynb"
    broken.write_text("{inte json", encoding="utf-8")
    with pytest.raises(KompetensError, match="går inte att läsa som en Jupyter-anteckningsbok"):
        export_html(broken, tmp_path / "a.html")
    with pytest.raises(KompetensError, match="sökväg till en .ipynb-fil"):
        export_html(42, tmp_path / "a.html")  # type: ignore[arg-type]


def test_papermills_parameters_cell_never_reaches_a_page(tmp_path: Path) -> None:
    nb = _notebook()
    injected = nbformat.v4.new_code_cell('# Parameters\nregion = "12"\n')
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(1, injected)
    for include_code in (True, False):
        out = export_html(nb, tmp_path / f"sida-{include_code}.html", include_code=include_code)
        assert "# Parameters" not in _text(out.read_text(encoding="utf-8"))


def test_lesson_cells_are_left_out_of_pages_without_code_only(tmp_path: Path) -> None:
    nb = _notebook()
    lesson = nbformat.v4.new_markdown_cell("Sätt interactive = True i parametercellen.")
    lesson.metadata["tags"] = [html_export.LESSON_TAG]
    nb.cells.insert(1, lesson)
    report = export_html(nb, tmp_path / "rapport.html", include_code=False)
    assert "parametercellen" not in report.read_text(encoding="utf-8")
    page = export_html(nb, tmp_path / "sida.html", include_code=True)
    assert "parametercellen" in page.read_text(encoding="utf-8")


def test_links_point_at_pages_of_the_build_or_name_the_file_in_the_workbook(tmp_path: Path
                                                                           ) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "Nästa: [02 Regional nedbrytning](02_nedbrytning.ipynb), se "
        "[metoderna](../docs/metoder.md) och övningen "
        "[Nuläget](../exercises/ovning2_nulaget.ipynb). [SCB](https://www.scb.se)")]
    page = export_html(nb, tmp_path / "01_nulage.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a\s+href="([^"#]+)', page)
    assert "02_nedbrytning.html" in hrefs and "https://www.scb.se" in hrefs
    assert not [h for h in hrefs if h.endswith((".ipynb", ".md"))], hrefs
    assert "metoderna (docs/metoder.md i arbetsboken)" in page
    assert "Nuläget (exercises/ovning2_nulaget.ipynb i arbetsboken)" in page
