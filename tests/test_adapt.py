"""`kompetens adapt` reruns another region's notebook for your county and compares."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from kompetens_lib import cli
from kompetens_lib.errors import KompetensError
from kompetens_lib.present import keyfigures
from kompetens_lib.publish import adapt
from kompetens_lib.workbook import profile

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_nulage.ipynb"


@pytest.fixture
def theirs(tmp_path) -> Path:
    """Skåne's notebook as another region would hand it over: committed, not executed."""
    path = tmp_path / "skanes_nulage.ipynb"
    shutil.copy(NOTEBOOK, path)
    return path


def test_adapt_runs_their_notebook_for_my_county_and_compares(theirs, tmp_path, capsys):
    out = tmp_path / "mina"
    before = theirs.read_bytes()
    assert cli.main(["adapt", str(theirs), "--region", "Östergötland", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "region: '12' (Skåne län) → '05' (Östergötlands län)  [ändras]" in text
    assert "Oförändrade parametrar: base_year = 2023" in text
    mine = out / "skanes_nulage-05-ostergotland.ipynb"
    assert mine.exists()
    assert keyfigures.read(mine)[0]["employed"] == profile.key_figures("05", 2023)["employed"]
    # Their notebook had no stored results, so it was run for Skåne too.
    assert (out / "skanes_nulage-12-skane.ipynb").exists()
    ours = profile.key_figures("05", 2023)["employed"]
    theirs_value = profile.key_figures("12", 2023)["employed"]
    row = next(ln for ln in text.splitlines() if ln.startswith("Förvärvsarbetande"))
    assert f"{theirs_value:,}".replace(",", "\u00a0") in row
    assert row.endswith(f"{ours:,}".replace(",", "\u00a0"))
    assert theirs.read_bytes() == before  # the original is never modified


def test_a_second_adaptation_never_overwrites_the_first(theirs, tmp_path):
    out = tmp_path / "mina"
    first = adapt.adapt(theirs, "05", out_dir=out, echo=lambda *_: None)
    second = adapt.adapt(theirs, "05", out_dir=out, echo=lambda *_: None)
    assert first != second and first.exists() and second.name.endswith("-2.ipynb")


def test_notebook_without_parameters_cell_gets_instructions(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    path = tmp_path / "otaggad.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(KompetensError) as err:
        adapt.make_plan(path, "05")
    message = str(err.value)
    assert "saknar en parametercell" in message
    assert "Cell 2 sätter redan region" in message
    assert "taggen parameters" in message


def test_plan_lists_changes_and_refuses_unknown_parameters(theirs):
    plan = adapt.make_plan(theirs, 25, {"base_year": 2020})
    assert plan.their_region == "12" and plan.changes == {"region": "25", "base_year": 2020}
    assert "base_year: 2023 → 2020  [ändras]" in adapt.describe(plan)
    with pytest.raises(KompetensError, match="Parametern 'metod' finns inte"):
        adapt.make_plan(theirs, "05", {"metod": "x"})
    with pytest.raises(KompetensError, match="Menade du"):
        adapt.make_plan(theirs, "Östergötlnd")


def test_literal_parameters_reads_plain_assignments():
    values = adapt.literal_parameters('region = "12"  # Skåne\nbase_year = 2023\nx = f(1)\n')
    assert values == {"region": "12", "base_year": 2023, "x": "f(1)"}


def test_side_by_side_shows_years_as_years_not_as_thousands(tmp_path):
    from kompetens_lib.present import keyfigures
    from kompetens_lib.publish.adapt import side_by_side

    def book(name: str, employed: int) -> Path:
        figures = {"base_year": 2023, "employed": employed}
        data = keyfigures.bundle(figures, section="nulage", title="Nyckeltal",
                                 labels={"base_year": "base_year", "employed": "Sysselsatta"})
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data=data)])]
        path = tmp_path / name
        nbformat.write(nb, str(path))
        return path

    text = side_by_side(book("a.ipynb", 12500), book("b.ipynb", 9800), "Skåne", "Gotland")
    row = next(line for line in text.splitlines() if line.startswith("base_year"))
    assert "2023" in row and "2 023" not in row and "2\xa0023" not in row
    assert "12" in text and "500" in text  # other numbers keep their thousands separator


def test_an_r_notebook_is_refused_in_swedish_naming_no_missing_file(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    nb.cells = [nbformat.v4.new_code_cell('region = "12"', metadata={"tags": ["parameters"]})]
    path = tmp_path / "deras.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(KompetensError) as caught:
        adapt.adapt(path, "05", out_dir=tmp_path / "ut", echo=lambda *a: None)
    message = str(caught.value)
    assert "Python" in message and "Ingen anteckningsbok skrevs" in message
    assert not list((tmp_path / "ut").glob("*.ipynb"))
