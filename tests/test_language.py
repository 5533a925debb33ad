"""What a participant reads is Swedish (issue 17): executed notebooks 00–02 and exercises
1–3 for one county, the exercise checks, a feedback page and every command's help are
scanned for the workbook's English column names and method codes shown as headers or
values, and for doubled punctuation ('(23)?.', '..')."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import nbformat
import pytest
from browser import execute_notebook

from kompetens_lib import exercises as ex
from kompetens_lib.cli import start

ROOT = Path(__file__).resolve().parents[1]
REGION = "23"  # Jämtland: a small county, as in the issue

#: Column names of the workbook's frames and method codes that must never be what a
#: participant reads as a header or a value (in code and beside a Swedish label they are fine).
ENGLISH = ("education_group", "short_name", "lq", "supply", "demand", "judgement",
           "judgement_base", "employed", "region_share", "national_share", "method", "value",
           "year", "region", "fixed_share", "trend_share", "shift_share", "constrained",
           "spread", "median", "forecast", "actual", "error")

METHOD_CODES = ("fixed_share", "trend_share", "shift_share", "constrained")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_CODE = re.compile(r"<code>.*?</code>|<small>.*?</small>|`[^`]*`", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
DOUBLE = re.compile(r"(?<![.\w])\.\.(?!\.)|\w\.\.(?!\.)|[?!:;,]\.(?!\.)|\.[?!;,]")


_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|https?://\S+")


def double_punctuation(text: str) -> list[str]:
    """Doubled punctuation in prose (code spans, link targets and the ellipsis '...' left
    out)."""
    prose = _LINK_TARGET.sub("]", _CODE.sub(" ", text))
    return [prose[max(0, m.start() - 30):m.end() + 10] for m in DOUBLE.finditer(prose)]


def english_cells(html_text: str) -> list[str]:
    """Column headers (a table's head, or its first row) whose whole text is an English
    column name or method code, and cells that show a bare method code. (A row header
    naming a table, such as ``employed`` for ``kl.load("employed")``, is a name to type.)"""
    found = []
    for table in re.findall(r"<table\b.*?</table>", html_text, re.DOTALL):
        head = re.search(r"<thead>(.*?)</thead>", table, re.DOTALL) or re.search(
            r"<tr\b.*?</tr>", table, re.DOTALL)
        headers = re.findall(r"<th[^>]*>(.*?)</th>", head.group(0) if head else "", re.DOTALL)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", table, re.DOTALL)
        for words, texts in ((ENGLISH, headers), (METHOD_CODES, cells)):
            for cell in texts:
                text = html_lib.unescape(_TAGS.sub("", _CODE.sub("", cell))).strip()
                if text in words:
                    found.append(text)
    return found


def prose_of(html_text: str) -> str:
    """The text of an HTML output, without scripts, styles and code."""
    return html_lib.unescape(_TAGS.sub(" ", _CODE.sub(" ", _SCRIPT.sub(" ", html_text))))


def english_plain(text: str) -> list[str]:
    """A plain-text table (a DataFrame shown raw) with English headers."""
    hits = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and sum(w in ENGLISH for w in words) >= 2:
            hits.append(line.strip())
    return hits


def test_the_scanners_find_what_they_look_for():
    assert double_punctuation("Menade du Jämtland (23)?.") and double_punctuation("klart..")
    assert not double_punctuation("Ersätt `...` med ditt svar... och fortsätt. Nästa.")
    assert english_cells("<table><tr><th>education_group</th></tr><tr><th>employed</th>"
                         "<td>fixed_share</td><td>lq</td></tr></table>"
                         ) == ["education_group", "fixed_share"]
    assert not double_punctuation("Se [Nuläge](../notebooks/01_nulage.ipynb).")
    assert not double_punctuation(prose_of("<style>a{margin:.5rem 0}</style><p>Bra.</p>"))
    assert not english_cells("<th>Lokaliseringskvot<br><small><code>lq</code></small></th>")
    assert english_plain("  education_group  lq  supply\n0  702  1.2  300")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Notebooks 00–02 and exercises 1–3 run for Jämtland in a folder from kompetens start,
    exercises with their masters' solutions (so that every check says something) and once
    as the participant gets them."""
    folder = tmp_path_factory.mktemp("mitt-arbete")
    start.prepare(folder, REGION, root=ROOT)
    runs = []
    for name in ("00_kom_igang", "01_nulage", "02_nedbrytning"):
        runs.append(folder / "notebooks" / f"{name}.ipynb")
    for stem in ("ovning1_uppdraget", "ovning2_nulaget", "ovning3_nedbrytningen"):
        runs.append(folder / "exercises" / f"{stem}.ipynb")
        master = nbformat.read(ROOT / "exercises" / "masters" / f"{stem}.ipynb", as_version=4)
        start.set_region(master, REGION)
        solved = folder / "exercises" / f"{stem}_losning.ipynb"
        nbformat.write(master, solved)
        runs.append(solved)
    out = []
    for path in runs:
        nb = nbformat.read(path, as_version=4)
        execute_notebook(nb, path.parent, timeout=180)
        out.append((path.name, nb))
    return out


def _outputs(nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield index, "text/markdown", cell.source
        for output in cell.get("outputs", []):
            data = dict(output.get("data", {}))
            if output.get("output_type") == "stream":
                data = {"text/plain": output.get("text", "")}
            for mime in ("text/html", "text/plain", "text/markdown"):
                if mime in data:
                    text = data[mime]
                    yield index, mime, "".join(text) if isinstance(text, list) else text
                    if mime == "text/html":
                        break  # what JupyterLab shows; the plain text is its fallback


def test_executed_notebooks_and_exercises_show_no_english_headers(executed):
    problems = []
    for name, nb in executed:
        for index, mime, text in _outputs(nb):
            if mime == "text/html":
                problems += [(name, index, hit) for hit in english_cells(text)]
            elif mime == "text/plain":
                problems += [(name, index, hit) for hit in english_plain(text)]
    assert not problems, problems


def test_executed_notebooks_and_exercises_have_no_doubled_punctuation(executed):
    problems = []
    for name, nb in executed:
        for index, mime, text in _outputs(nb):
            if mime == "text/html":
                text = prose_of(text)
            problems += [(name, index, hit) for hit in double_punctuation(text)]
    assert not problems, problems


def test_library_notes_show_without_python_warning_lines(executed):
    # A note such as the series break comes as "Obs! …", not as "…/tables.py:403:
    # KompetensWarning: …" followed by a line of the library's code.
    problems = []
    for name, nb in executed:
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.get("output_type") == "stream" else ""
                if re.search(r"\w+Warning:|\.py:\d+:", text):
                    problems.append((name, text[:160]))
    assert not problems, problems


def test_no_check_of_exercises_1_to_3_errs(executed):
    for name, nb in executed:
        errors = [o for c in nb.cells for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, (name, errors[0].get("ename"), errors[0].get("evalue"))


def test_feedback_page_of_the_executed_exercises_reads_swedish(executed):
    from kompetens_lib.cohort import pages

    results = {}
    for name, nb in executed:
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                report = output.get("data", {}).get(ex.REPORT_MIME)
                if report and not name.endswith("_losning.ipynb"):
                    results[report["exercise"]] = {
                        "status": "ran", "checks": report["checks"], "file": name,
                        "problem": report.get("problem", ""), "timeouts": [],
                        "cell_errors": []}
    assert set(results) == {"ovning1", "ovning2", "ovning3"}
    page = pages.participant_page({"deltagare": "Kim", "region": REGION}, results,
                                  "2026-12-01T10:00:00", list(results))
    assert not double_punctuation(prose_of(page)), double_punctuation(prose_of(page))
    assert not english_cells(page)


COMMANDS = [[], ["run"], ["regions"], ["adapt"], ["data", "fetch"], ["data", "import"],
            ["data", "cache"], ["cohort"], ["cohort", "release"], ["cohort", "collect"],
            ["cohort", "feedback"], ["exercises"], ["start"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kompetens")
def test_command_help_has_no_doubled_punctuation(command, capsys):
    from kompetens_lib.cli.main import main

    main([*command, "--help"])
    text = capsys.readouterr().out
    assert "usage" not in text.lower() or "användning" in text.lower()
    assert len(text) > 100
    assert not double_punctuation(text), double_punctuation(text)


def test_start_help_has_no_doubled_punctuation(capsys):
    with pytest.raises(SystemExit):
        start.main(["--help"])
    text = capsys.readouterr().out
    assert "användning" in text.lower() and not double_punctuation(text)


# --- the formatters and tables the scans rely on ------------------------------------------

def test_preview_shows_swedish_headers_with_the_name_to_type_and_method_labels():
    import pandas as pd

    from kompetens_lib.present.tables import column_label, preview

    frame = pd.DataFrame({"education_group": ["713"], "lq": [1.234], "method": ["constrained"],
                          "value": [-2400]})
    shown = preview(frame)
    page = shown._repr_html_()
    assert not english_cells(page)
    assert "Lokaliseringskvot" in page and "<code>lq</code>" in page
    assert "Betingad (RAS) (constrained)" in page and "1,23" in page
    assert "\u22122\u00a0400" in page and "-2" not in page
    assert column_label("fixed_share") == "Fast andel" and column_label("okänd") == "okänd"
    assert list(frame.columns) == ["education_group", "lq", "method", "value"]  # untouched


def test_a_difference_column_adds_up_as_printed():
    import pandas as pd

    from kompetens_lib.present.tables import table_html

    frame = pd.DataFrame({"forecast": [5249.0, 123456.0], "actual": [5099.0, 120011.0],
                          "error": [150.0, 3445.0]})
    page = table_html(frame, {"forecast": "Beräknat", "actual": "Faktiskt", "error": "Fel"},
                      differences={"error": ("forecast", "actual")})
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>")[1])
    for row in rows:
        a, b, d = (int(re.sub(r"\D", "", c)) for c in re.findall(r">([^<]*)</td>", row))
        assert a - b == d, row
    assert frame["error"].tolist() == [150.0, 3445.0]  # the input is not changed


def test_numbers_are_formatted_with_the_minus_sign_and_ranges_with_an_en_dash():
    from kompetens_lib._internal.text import format_count, format_range, format_signed

    assert format_count(-2400) == "\u22122 400" and "-" not in format_count(-900)
    assert format_signed(-900) == "\u2212900" and format_signed(1200) == "+1 200"
    assert format_range(2400, 2100) == "2 100\u20132 400"
    assert format_range(-500, 300) == "\u2212500\u2013300"


def test_ratings_are_lower_case_like_the_scale():
    from kompetens_lib.reference.taxonomy import JUDGEMENTS, NOT_APPLICABLE

    assert all(j == j.lower() for j in (*JUDGEMENTS, NOT_APPLICABLE))
