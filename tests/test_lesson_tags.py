"""Notebook text meant for the analyst only is tagged ``lektion`` and never reaches a page
meant for strategists (a page without code)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from kompetens_lib.present.html_export import LESSON_TAG, export_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[0-9]_*.ipynb"))
# Instructions to the analyst: what must never show on a strategist's page.
INSTRUCTIONS = ("interactive", "papermill", "to_html", "parametercell", "Läs budskapen högt",
                "Det här lär du dig", "Att ta med dig", "Skaane")


def _text(page: str) -> str:
    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_prose_of_every_notebook_is_tagged(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "markdown" or "parameters" in tags:
            continue
        found = [w for w in INSTRUCTIONS if w in cell.source]
        assert not found or LESSON_TAG in tags, (path.name, found, cell.source[:80])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_page_without_code_holds_no_lesson_text_or_instructions(path, tmp_path):
    out = export_html(path, tmp_path / "sida.html", include_code=False)
    text = _text(out.read_text(encoding="utf-8"))
    assert [w for w in INSTRUCTIONS if w in text] == []
