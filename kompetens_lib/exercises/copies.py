"""Facilitator masters → participant copies: solution cells become placeholders derived
from the solution, facilitator notes are dropped (``python -m kompetens_lib.exercises``).

Facilitator masters (``exercises/masters/``) hold solutions in cells tagged ``solution``;
:func:`participant_copy` replaces them by placeholders (``svar = ...``) and drops cells
tagged ``handledare``.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from pathlib import Path

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.errors import KompetensError

ROOT = Path(__file__).resolve().parents[2]
EXERCISES_DIR = ROOT / "exercises"
MASTERS_DIR = EXERCISES_DIR / "masters"
EXERCISES_ENV = "KOMPETENS_EXERCISES"

_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)\s]+)\)")

SOLUTION_TAG = "solution"
FACILITATOR_TAG = "handledare"


def exercises_dir() -> Path:
    """``$KOMPETENS_EXERCISES`` or the checkout's ``exercises/``."""
    return Path(os.environ.get(EXERCISES_ENV) or EXERCISES_DIR)


def _placeholder(cell) -> str:
    """The placeholder for a solution cell: ``metadata.kompetens.placeholder``, else one
    ``name = ...`` line per name the solution assigns at top level."""
    given = cell.get("metadata", {}).get("kompetens", {}).get("placeholder")
    if given:
        return given
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return "svar = ...  # skriv ditt svar här"
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return "\n".join(f"{n} = ...  # skriv ditt svar här" for n in names) or "# skriv ditt svar här"


def participant_copy(master):
    """A participant's copy of a master notebook (not modified): solution code cells become
    their placeholder, solution and facilitator markdown cells are dropped, outputs and
    execution counts cleared, and only neutral metadata kept."""
    import copy

    import nbformat

    nb = copy.deepcopy(master)
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if FACILITATOR_TAG in tags:
            continue
        if SOLUTION_TAG in tags:
            if cell.cell_type != "code":
                continue
            new = nbformat.v4.new_code_cell(_placeholder(cell))
            new["id"] = cell.get("id", new["id"])
            new.metadata = {"tags": ["svar"]}
            cells.append(new)
            continue
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items() if k == "tags"}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    info = dict(master.metadata.get("kompetens", {}))
    digest = hashlib.sha256("\x00".join(c.source for c in cells).encode("utf-8")).hexdigest()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "kompetens": {"exercise": info.get("exercise", ""), "title": info.get("title", ""),
                      "version": digest[:12]},
    }
    return nb


def master_paths(masters: Path | None = None) -> list[Path]:
    """The master notebooks, in exercise order."""
    directory = Path(masters) if masters else exercises_dir() / "masters"
    found = sorted(directory.glob("ovning*.ipynb"),
                   key=lambda p: (int(re.sub(r"\D.*", "", p.stem[6:]) or 0), p.name))
    if not found:
        raise KompetensError(f"Hittade inga övningar (ovningN_namn.ipynb) i {directory}.")
    return found


def participant_text(master_path: Path) -> str:
    """The participant copy of a master file, as the text written to disk."""
    import nbformat

    master = nbformat.read(master_path, as_version=4)
    return nbformat.writes(participant_copy(master)) + "\n"


def build_participant_copies(masters: Path | None = None, out: Path | None = None, *,
                             check: bool = False) -> list[Path]:
    """Write the participant copy of every master to ``out`` (default ``exercises/``).

    Returns the files that were (or, with ``check``, would be) written because they were
    missing or out of date; with ``check`` nothing is written.
    """
    masters = Path(masters) if masters else exercises_dir() / "masters"
    out = Path(out) if out else exercises_dir()
    stale = []
    for path in master_paths(masters):
        text = participant_text(path)
        target = out / path.name
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not check:
            atomic_write_text(target, text)
    return stale


def rewrite_links(text: str, here: Path, copied: set[Path]) -> str:
    """Markdown links of a file at folder-relative ``here`` (``exercises/ovning1.ipynb``) in
    a folder that holds the ``copied`` files (folder-relative paths): a relative link to a
    copied file stays; one to a file that is not there becomes its text and the file's
    name in code, so that no link in the folder is dead.

    >>> rewrite_links("[Nuläge](../notebooks/01_nulage.ipynb)", Path("ovning2.ipynb"), set())
    'Nuläge (`notebooks/01_nulage.ipynb` i arbetsboken)'
    """

    def fix(match: re.Match) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)  # a web address or an anchor in the same file
        path = target.split("#", 1)[0]
        resolved = Path(os.path.normpath(here.parent / path))
        if resolved in copied or (Path(path).suffix == "" and any(
                c.parts[:len(resolved.parts)] == resolved.parts for c in copied)):
            return match.group(0)
        if label.startswith("!"):
            return label[2:-1]
        return f"{label[1:-1]} (`{resolved.as_posix().lstrip('./')}` i arbetsboken)"

    return _LINK.sub(fix, text)
