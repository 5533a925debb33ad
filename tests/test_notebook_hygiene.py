"""Committed notebooks are clean and share one structure.

Clean: no outputs, execution counts, tracebacks, widget state or chart data (those belong in
builds, not in git); no absolute paths from someone's machine; no personal data (e-mail
addresses, Swedish personal identity numbers, phone numbers). Checked for every notebook
under ``notebooks/`` and ``exercises/`` that git tracks or would track (untracked files
that are not ignored count, so a new notebook is checked before its first commit).

Structure, for the lesson notebooks ``notebooks/NN_*.ipynb``: learning goals ("Det här lär
du dig") and time ("Tid:") at the top; a cell tagged ``parameters`` holding plain literals
only (read with ``ast``), followed by a cell that calls ``params.validate(``; key points
("## Att ta med dig"); and a link to the next notebook when it exists.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("notebooks", "exercises")

ABSOLUTE_PATH = re.compile(r"/home/|/root/|/tmp/|[A-Za-z]:\\\\|[A-Za-z]:\\(?![\\\"n])",
                           re.IGNORECASE)
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
# ÅÅMMDD-NNNN, ÅÅÅÅMMDD-NNNN, ÅÅMMDD+NNNN (100+ years), optionally without separator when
# 12 digits; checked with the date and the Luhn digit to avoid flagging ordinary numbers.
PERSONNUMMER = re.compile(r"(?<![\d-])((?:19|20)?\d{6})([-+]?)(\d{4})(?![\d-])")
PHONE = re.compile(
    r"(?<![\w+])(?:\+46|0046)[\s-]?\(?0?\)?[1-9](?:[\s-]?\d){6,8}(?!\d)"  # +46 70 123 45 67
    r"|(?<![\w-])0\d{1,3}\s?-\s?\d(?:\s?\d){4,7}(?!\d)"  # 08-123 45 67, 070-123 45 67
    r"|(?<![\w])07[02369][\s]\d{3}[\s]\d{2}[\s]\d{2}(?!\d)"  # 070 123 45 67
)
CHART_MARKERS = ("application/vnd.vegalite", "application/vnd.vega", "vega-embed",
                 "data-kompetens-chart", "application/vnd.kompetens.chart+json",
                 "application/vnd.kompetens.keyfigures+json", "altair-viz-")


def committed_notebooks() -> list[Path]:
    """Tracked plus untracked-but-not-ignored notebooks under notebooks/ and exercises/."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
             *(f"{folder}/*.ipynb" for folder in FOLDERS)],
            cwd=ROOT, capture_output=True, check=True, text=True,
        ).stdout.split("\0")
        paths = [ROOT / p for p in listed if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (e.g. a tarball)
        paths = [p for folder in FOLDERS for p in (ROOT / folder).rglob("*.ipynb")]
    return sorted({p for p in paths if p.exists() and ".ipynb_checkpoints" not in p.parts})


def lesson_notebooks() -> list[Path]:
    return [p for p in committed_notebooks()
            if p.parent == ROOT / "notebooks" and re.match(r"\d\d_", p.name)]


# ----------------------------------------------------------------------------------------
# Detectors (unit-tested below, so an empty finding means something)
# ----------------------------------------------------------------------------------------


def _luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_date(six: str) -> bool:
    month, day = int(six[2:4]), int(six[4:6])
    day = day - 60 if day > 60 else day  # samordningsnummer add 60 to the day
    return 1 <= month <= 12 and 1 <= day <= 31


def personal_data(text: str) -> list[str]:
    """E-mail addresses, personal identity numbers and phone numbers found in ``text``."""
    found = [f"e-post: {m.group(0)}" for m in EMAIL.finditer(text)]
    for m in PERSONNUMMER.finditer(text):
        date, sep, last = m.groups()
        if len(date) == 6 and not sep:
            continue  # ten bare digits are far more often something else
        six = date[-6:]
        if _is_date(six) and _luhn_ok(six + last):
            found.append(f"personnummer: {m.group(0)}")
    found += [f"telefonnummer: {m.group(0)}" for m in PHONE.finditer(text)]
    return found


def hygiene_problems(nb: nbformat.NotebookNode, raw: str) -> list[str]:
    """Everything that must not be in a committed notebook."""
    problems = []
    for index, cell in enumerate(nb.cells):
        where = f"cell {index}"
        if cell.cell_type == "code":
            if cell.get("outputs"):
                problems.append(f"{where}: har utdata (töm med Kernel → Restart and Clear)")
            if cell.get("execution_count") is not None:
                problems.append(f"{where}: har ett körnummer")
        if cell.get("attachments"):
            problems.append(f"{where}: har bilagor")
    if "traceback" in raw:
        problems.append("innehåller en traceback")
    for marker in CHART_MARKERS:
        if marker in raw:
            problems.append(f"innehåller diagramdata ({marker})")
    for key in ("widgets", "papermill"):
        if key in nb.metadata:
            problems.append(f"metadata innehåller {key!r}")
    for m in ABSOLUTE_PATH.finditer(raw):
        problems.append(f"absolut sökväg: …{raw[max(0, m.start() - 20):m.end() + 20]}…")
    text = "\n".join(cell.source for cell in nb.cells) + "\n" + json.dumps(nb.metadata)
    problems += personal_data(text)
    return problems


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def structure_problems(nb: nbformat.NotebookNode, path: Path) -> list[str]:
    problems = []
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown":
        return ["första cellen ska vara text med rubrik, mål och tid"]
    head = cells[0].source
    if not head.lstrip().startswith("# "):
        problems.append("första cellen saknar en rubrik (# …)")
    if "**Det här lär du dig**" not in head:
        problems.append("första cellen saknar **Det här lär du dig**")
    if "**Tid:**" not in head:
        problems.append("första cellen saknar **Tid:**")
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        problems.append(f"ska ha exakt en cell med taggen parameters, har {len(tagged)}")
    else:
        index = tagged[0]
        cell = cells[index]
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as exc:
            problems.append(f"parametercellen är inte giltig Python: {exc.msg}")
            tree = ast.Module(body=[], type_ignores=[])
        if not tree.body:
            problems.append("parametercellen är tom")
        for node in tree.body:
            ok = (isinstance(node, ast.Assign) and len(node.targets) == 1
                  and isinstance(node.targets[0], ast.Name) and _literal(node.value))
            if not ok:
                problems.append(f"parametercellen rad {node.lineno}: bara 'namn = literal' är "
                                f"tillåtet, fick {ast.unparse(node)!r}")
        following = next((c for c in cells[index + 1:] if c.cell_type == "code"), None)
        if following is None or "params.validate(" not in following.source:
            problems.append("cellen efter parametercellen ska anropa params.validate(...)")
    takeaways = re.compile(r"^## Att ta med dig\s*$", re.MULTILINE)
    if not any(c.cell_type == "markdown" and takeaways.search(c.source) for c in cells):
        problems.append("saknar avsnittet ## Att ta med dig")
    number = int(path.name[:2])
    following_nb = sorted(path.parent.glob(f"{number + 1:02d}_*.ipynb"))
    if following_nb:
        target = following_nb[0].name
        links = re.compile(r"\]\((?:\./)?" + re.escape(target) + r"\)")
        if not any(c.cell_type == "markdown" and links.search(c.source) for c in cells):
            problems.append(f"saknar en länk till nästa anteckningsbok: [..]({target})")
    return problems


# ----------------------------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------------------------


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


NOTEBOOKS = committed_notebooks()
LESSONS = lesson_notebooks()


def test_there_are_notebooks_to_check():
    assert (ROOT / "notebooks" / "00_kom_igang.ipynb") in LESSONS
    assert (ROOT / "notebooks" / "01_nulage.ipynb") in LESSONS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_notebook_is_clean(path: Path):
    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    problems = hygiene_problems(nb, raw)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_notebook_has_the_shared_structure(path: Path):
    nb = nbformat.read(path, as_version=4)
    problems = structure_problems(nb, path)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


# ----------------------------------------------------------------------------------------
# The detectors themselves
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "anna.andersson@region.se",
    "Personnummer 19811218-9876",
    "811218-9876",
    "ring 070-123 45 67",
    "ring 070 123 45 67",
    "växel 08-123 456 78",
    "+46 70 123 45 67",
    "+46701234567",
])
def test_detectors_find_personal_data(text):
    assert personal_data(text), text


@pytest.mark.parametrize("text", [
    "Befolkning 16–74 år: 1 694 184 personer.",
    "region = \"12\"  # Skåne",
    "2023–2035, 12 345 förvärvsarbetande, 0,5 %",
    "Klart senast 2027-03-31",
    "19811218-9875",  # wrong Luhn digit
    "SSYK 2012, SUN 2000, T&P 2020",
    "papermill deras.ipynb deras-05-ostergotland.ipynb -r region 05",
])
def test_detectors_leave_ordinary_text_alone(text):
    assert personal_data(text) == [], text


def _nb(cells, metadata=None) -> tuple[nbformat.NotebookNode, str]:
    nb = nbformat.v4.new_notebook(cells=cells, metadata=metadata or {})
    return nb, nbformat.writes(nb)


def test_hygiene_catches_outputs_paths_and_widget_state():
    cell = nbformat.v4.new_code_cell("x = 1", execution_count=3, outputs=[
        nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["t"])])
    nb, raw = _nb([cell, nbformat.v4.new_markdown_cell("se /home/anna/data.csv")],
                  {"widgets": {"state": {}}})
    found = " | ".join(hygiene_problems(nb, raw))
    for word in ("utdata", "körnummer", "traceback", "absolut sökväg", "widgets"):
        assert word in found
    windows, raw = _nb([nbformat.v4.new_markdown_cell(r"filen C:\Users\anna\x.csv")])
    assert any("absolut" in p for p in hygiene_problems(windows, raw))


def test_structure_check_finds_code_in_the_parameters_cell(tmp_path):
    params = nbformat.v4.new_code_cell("region = '12'\nyear = int('2023')")
    params.metadata["tags"] = ["parameters"]
    nb, _ = _nb([nbformat.v4.new_markdown_cell("# Titel\n\n**Det här lär du dig**\n"),
                 params, nbformat.v4.new_code_cell("p = 1")])
    found = " | ".join(structure_problems(nb, tmp_path / "09_x.ipynb"))
    assert "bara 'namn = literal'" in found and "params.validate" in found
    assert "Tid:" in found and "Att ta med dig" in found
