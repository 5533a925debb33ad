"""The county report: written for a strategist from the workbook's tables, never from
notebook cells; print-ready; no code, lesson text or instructions; no dead links."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from kompetens_lib.publish import report
from kompetens_lib.publish.layout import REPORT_NAME
from kompetens_lib.workbook import mandate as mandate_mod

# Words that only belong in a lesson or in code: none may reach a strategist's page.
LESSON_AND_CODE = ("interactive", "papermill", "to_html", "kl.", "import ", "kompetens_lib",
                   "Läs budskapen högt", "parametercellen", "Skaane", "# Parameters",
                   "jp-CodeCell", "<pre", "Det här lär du dig", "Att ta med dig", ".ipynb",
                   "metoder.md", "In [")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("23-jamtland")
    return report.build_report("23", folder, pdf=False, deck=False)


@pytest.fixture(scope="module")
def page(built) -> str:
    return built["report"].read_text(encoding="utf-8")


def _visible_text(page: str) -> str:
    text = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", page, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", text)


def test_the_report_holds_no_code_lesson_prose_or_instructions(page):
    found = [word for word in LESSON_AND_CODE if word in page]
    assert found == []
    assert "<script" not in page  # static charts: nothing runs, nothing to wait for


def test_the_report_opens_with_the_mandate_then_three_messages_then_caveats(page):
    text = _visible_text(page)
    order = [text.index(h) for h in ("Uppdraget", "Tre budskap", "Att tänka på", "Nuläget",
                                     "Nedbrytningen och dess spann", "Balans",
                                     "Rekryteringsbehov och platser per program")]
    assert order == sorted(order)
    assert len(re.findall(r"<li data-budskap=", page)) == 3
    # Every message cites a number.
    for item in re.findall(r"<li data-budskap=.*?</li>", page, flags=re.DOTALL):
        assert re.search(r"\d", _visible_text(item))


def test_the_mandate_question_is_shown_and_no_names_of_people(page):
    example = mandate_mod.load("23")
    assert example.question and html.escape(example.question) in page
    for who in (example.requested_by, example.recipient):
        if who:
            assert html.escape(who) not in page
    assert "Uppdragsgivare" not in page and "Mottagare" not in page


def test_names_of_people_reach_the_report_only_when_the_build_opts_in(tmp_path, monkeypatch):
    from kompetens_lib.present.summaries import NAMES_ENV

    example = mandate_mod.load("23")
    who = example.requested_by or example.recipient
    assert who, "the example mandate should name someone for this test to mean anything"
    monkeypatch.setenv(NAMES_ENV, "visa")
    shown = report.build_report("23", tmp_path / "visa", pdf=False, deck=False)
    assert html.escape(who) in shown["report"].read_text(encoding="utf-8")
    monkeypatch.setenv(NAMES_ENV, "dolj")
    hidden = report.build_report("23", tmp_path / "dolj", pdf=False, deck=False)
    assert html.escape(who) not in hidden["report"].read_text(encoding="utf-8")


def test_caveats_say_example_data_not_official_statistics_and_the_method_range(page):
    text = _visible_text(page)
    assert "exempeldata" in text.lower()
    assert "inte officiell statistik" in text
    assert re.search(r"mellan [\d\u00a0 ]+ och [\d\u00a0 ]+ personer", text)


def test_each_theme_has_a_chart_and_the_messages_two(page):
    sections = re.findall(r"<section class='tema'.*?</section>", page, flags=re.DOTALL)
    assert len(sections) == 5
    assert all("<svg" in s for s in sections)
    assert page.count("<svg") >= len(sections) + 2


def test_the_report_is_print_ready_on_a4(page):
    assert "@page{size:A4" in page.replace(" ", "")
    assert "@media print" in page and "break-before:page" in page
    assert "break-inside:avoid" in page


def test_every_link_and_source_in_the_report_resolves(built, page):
    folder = built["report"].parent
    for ref in re.findall(r"""(?:href|src)\s*=\s*["']([^"'#]+)""", page):
        assert not ref.startswith(("http:", "https:", "//")), ref
        assert (folder / unquote(ref)).exists(), ref


def test_county_report_builds_from_the_library_not_from_notebook_cells(tmp_path):
    import nbformat

    folder = tmp_path / "23-jamtland"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Lektion\n\nSätt interactive = True i parametercellen."),
        nbformat.v4.new_code_cell("print('MARKERING')", outputs=[
            nbformat.v4.new_output("stream", text="MARKERING\n")]),
    ])
    path = folder / "01_prov.ipynb"
    nbformat.write(nb, path)
    written = report.county_report("23", folder, [path], source_note="")
    assert written == folder / REPORT_NAME
    page = written.read_text(encoding="utf-8")
    assert "MARKERING" not in page and "interactive" not in page
    assert "Tre budskap" in page


def test_county_report_needs_a_notebook_that_succeeded(tmp_path):
    assert report.county_report("23", tmp_path, [], source_note="") is None


def test_the_build_parameters_come_from_papermills_injected_cell(tmp_path):
    import nbformat

    cell = nbformat.v4.new_code_cell('region = "23"\nmethod = "trend_share"\ntarget_year = 2030')
    cell.metadata["tags"] = ["injected-parameters"]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    assert report.run_parameters([path]) == {"region": "23", "method": "trend_share",
                                             "target_year": 2030}


@pytest.mark.browser
def test_the_report_prints_to_a_pdf_with_no_network(built, tmp_path):
    from kompetens_lib.publish.pdf import find_chromium, print_to_pdf

    if find_chromium() is None:
        pytest.skip("no Chromium")
    pdf = print_to_pdf(built["report"], tmp_path / "rapport.pdf")
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    # Several A4 pages: the themes start on pages of their own.
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 5


@pytest.mark.browser
def test_one_chromium_prints_every_pdf_of_a_process_and_a_dead_one_is_replaced(built, tmp_path):
    import os
    import signal

    from kompetens_lib.publish import pdf

    program = pdf.find_chromium()
    if program is None:
        pytest.skip("no Chromium")

    def pages(path):
        data = path.read_bytes()
        assert data[:5] == b"%PDF-"
        return len(re.findall(rb"/Type\s*/Page\b", data))

    first = pages(pdf.print_to_pdf(built["report"], tmp_path / "a.pdf"))
    session = pdf._SESSIONS[program]
    assert pages(pdf.print_to_pdf(built["report"], tmp_path / "b.pdf")) == first >= 5
    assert pdf._SESSIONS[program] is session  # the same Chromium printed both
    os.kill(session.process.pid, signal.SIGKILL)
    session.process.wait()
    # A Chromium that died is not waited for: the page is still printed, and right.
    assert pages(pdf.print_to_pdf(built["report"], tmp_path / "c.pdf")) == first
    pdf._close_sessions()
    assert session.process.poll() is not None and not pdf._SESSIONS


def test_no_chromium_skips_the_pdf_with_a_swedish_warning(tmp_path, monkeypatch, caplog):
    from kompetens_lib.publish import pdf

    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "finns-inte"))
    assert pdf.find_chromium() is None
    with caplog.at_level("WARNING"):
        written = report.build_report("23", tmp_path, deck=False)
    assert written["pdf"] is None and not (tmp_path / "rapport.pdf").exists()
    assert written["report"].exists()
    assert "Ingen PDF" in caplog.text and "Chromium" in caplog.text


def test_report_module_uses_the_workbook_through_one_module():
    source = Path(report.__file__).read_text(encoding="utf-8")
    assert "kompetens_lib.workbook" not in source
