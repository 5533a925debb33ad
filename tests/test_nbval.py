"""nbval runs the committed lesson notebooks and checks their key figures for the default
county.

Why this shape
--------------
Committed notebooks carry no outputs (see test_notebook_hygiene.py), so nbval has nothing
to compare against in them. The expected outputs live in a small reference file,
``tests/nbval_reference.json``: for each notebook, the outputs of its *key-figure cells* –
the cells that call ``keyfigures.show(...)`` or a ``show_key_figures(...)`` helper – keyed
by cell id. Charts and tables are not kept: they are large, and the key figures are the
numbers that reports, the cohort overview and participants rely on.

At test time each committed notebook is copied to a temporary folder, its key-figure cells
are marked ``# NBVAL_CHECK_OUTPUT`` and given the stored outputs, and
``pytest --nbval-lax`` runs the copies in a subprocess with this interpreter's kernel
(``--nbval-current-env``) and the shared sanitiser ``tests/nbval_sanitize.cfg`` (ids,
paths, dates). Every cell runs, so any error fails; only the marked cells are compared.
The default county is the one in each notebook's parameters cell; mandate files are
isolated (``KOMPETENS_UPPDRAG`` points to an empty folder) and the bundled example data are
used. The subprocess runs the notebooks one after the other and never with xdist, so the
main suite's ``-n 2 --dist loadfile`` cannot spread one notebook's cells over workers.

Regenerate the reference after an intended change of numbers or of a key-figure cell::

    .venv/bin/python tests/test_nbval.py --update            # all lesson notebooks
    .venv/bin/python tests/test_nbval.py --update 06 07      # some of them

and review the diff of ``tests/nbval_reference.json`` before committing it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_notebook_hygiene import lesson_notebooks

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "nbval_reference.json"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
KEY_FIGURE_CELL = re.compile(r"\b(?:keyfigures\.show|show_key_figures)\(")
MARK = "# NBVAL_CHECK_OUTPUT"
UPDATE_COMMAND = ".venv/bin/python tests/test_nbval.py --update"


def key_figure_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indexes of the code cells that show key figures."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and KEY_FIGURE_CELL.search(c.source)]


def _cell_key(nb: nbformat.NotebookNode, index: int) -> str:
    return nb.cells[index].get("id") or f"index-{index}"


def read_reference() -> dict:
    if not REFERENCE.exists():
        return {}
    return json.loads(REFERENCE.read_text(encoding="utf-8")).get("notebooks", {})


def environment(folder: Path) -> dict[str, str]:
    """The environment both the check and the regeneration run in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "KOMPETENS_DATA", "KOMPETENS_CHARTS"))}
    env["KOMPETENS_UPPDRAG"] = str(folder / "uppdrag-finns-inte")
    env["PYTHONUTF8"] = "1"
    return env


def golden_copies(notebooks: list[Path], reference: dict, folder: Path) -> tuple[list[Path],
                                                                                 list[str]]:
    """Write marked copies with the stored outputs; return them and what lacks a reference."""
    written, missing = [], []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        stored = reference.get(path.name, {})
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        for index in key_figure_cells(nb):
            key = _cell_key(nb, index)
            if key not in stored:
                missing.append(f"{path.name}: cell {index} ({key})")
                continue
            cell = nb.cells[index]
            cell.source = f"{MARK}\n{cell.source}"
            cell.outputs = [nbformat.from_dict(o) for o in stored[key]["outputs"]]
            cell.execution_count = index + 1  # nbval compares only cells marked as run
        target = folder / path.name
        nbformat.write(nb, target)
        written.append(target)
    return written, missing


def test_reference_covers_every_key_figure_cell():
    reference = read_reference()
    problems = []
    for path in lesson_notebooks():
        nb = nbformat.read(path, as_version=4)
        keys = {_cell_key(nb, i) for i in key_figure_cells(nb)}
        stored = set(reference.get(path.name, {}))
        if keys - stored:
            problems.append(f"{path.name}: no stored output for {sorted(keys - stored)}")
        if stored - keys:
            problems.append(f"{path.name}: stored output for cells that are gone "
                            f"{sorted(stored - keys)}")
    gone = set(reference) - {p.name for p in lesson_notebooks()}
    if gone:
        problems.append(f"reference for notebooks that are gone: {sorted(gone)}")
    assert not problems, ("Regenerate the reference with " + UPDATE_COMMAND + ":\n  "
                          + "\n  ".join(problems))


def test_nbval_runs_the_notebooks_and_key_figures_match(tmp_path):
    notebooks = lesson_notebooks()
    assert notebooks
    copies, missing = golden_copies(notebooks, read_reference(), tmp_path)
    assert not missing, f"Regenerate with {UPDATE_COMMAND}; missing: {missing}"
    command = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
               "--nbval-sanitize-with", str(SANITIZE), "--nbval-cell-timeout", "600",
               "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "-rf", "--color=no",
               "--rootdir", str(tmp_path), *(p.name for p in copies)]
    done = subprocess.run(command, cwd=tmp_path, env=environment(tmp_path),
                          capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, (
        f"nbval failed (exit {done.returncode}). If the numbers changed on purpose, "
        f"regenerate with {UPDATE_COMMAND}.\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}")


# ----------------------------------------------------------------------------------------
# Regeneration
# ----------------------------------------------------------------------------------------


def _clean_output(output: dict) -> dict:
    out = copy.deepcopy(dict(output))
    if out.get("output_type") == "execute_result":
        out["execution_count"] = None
    return out


def update(selection: list[str] | None = None) -> Path:
    """Execute the lesson notebooks (or those whose names start with ``selection``) and
    store the outputs of their key-figure cells in the reference file."""
    from browser import execute_notebook

    reference = read_reference()
    chosen = [p for p in lesson_notebooks()
              if not selection or any(p.name.startswith(s) for s in selection)]
    current = {p.name for p in lesson_notebooks()}
    reference = {k: v for k, v in reference.items() if k in current}
    with tempfile.TemporaryDirectory(prefix="nbval-reference-") as tmp:
        folder = Path(tmp)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(environment(folder))
        try:
            for path in chosen:
                nb = nbformat.read(path, as_version=4)
                execute_notebook(nb, folder, timeout=600)
                reference[path.name] = {
                    _cell_key(nb, i): {"index": i,
                                       "outputs": [_clean_output(o) for o in nb.cells[i].outputs]}
                    for i in key_figure_cells(nb)
                }
                print(f"{path.name}: {len(reference[path.name])} key-figure cells")
        finally:
            os.environ.clear()
            os.environ.update(saved)
    payload = {
        "_about": "Expected outputs of the key-figure cells of notebooks/*.ipynb for the default "
                  "county, checked by tests/test_nbval.py. Regenerate: " + UPDATE_COMMAND,
        "notebooks": dict(sorted(reference.items())),
    }
    REFERENCE.write_text(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
                         + "\n", encoding="utf-8")
    return REFERENCE


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "--update":
        print(__doc__)
        sys.exit(2)
    print(f"wrote {update(sys.argv[2:])}")
