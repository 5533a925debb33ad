"""``kompetens start``: the participant's own folder with notebooks, exercises (without
solutions) and docs, links that resolve inside it, the region filled in, the workbook's
JupyterLab settings, and the participant's work never overwritten."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from kompetens_lib.cli import start
from kompetens_lib.exercises.copies import SOLUTION_TAG

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _texts(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            yield path, "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        elif path.suffix == ".md":
            yield path, path.read_text(encoding="utf-8")


def test_copies_notebooks_exercises_and_docs_in_the_workbook_layout(tmp_path, capsys):
    assert start.main(["--dir", str(tmp_path / "mitt"), "--bara-kopiera"]) == 0
    folder = tmp_path / "mitt"
    notebooks = sorted(p.name for p in (folder / "notebooks").glob("*.ipynb"))
    assert notebooks == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    exercises = sorted(p.name for p in (folder / "exercises").glob("*.ipynb"))
    assert exercises == sorted(p.name for p in (ROOT / "exercises" / "masters").glob("*.ipynb"))
    assert (folder / "docs" / "deltagare.md").is_file()
    assert not (folder / "docs" / "handledare.md").exists()  # facilitator's doc stays out
    assert not (folder / "exercises" / "masters").exists()
    out = capsys.readouterr().out
    assert "Kopierade" in out and "JupyterLab" in out


def test_exercise_copies_hold_no_solution(tmp_path):
    start.prepare(tmp_path, root=ROOT)
    for path in (tmp_path / "exercises").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert not [c for c in nb.cells if SOLUTION_TAG in c.metadata.get("tags", [])]
        master = nbformat.read(ROOT / "exercises" / "masters" / path.name, as_version=4)
        solutions = [c.source for c in master.cells
                     if SOLUTION_TAG in c.metadata.get("tags", []) and c.cell_type == "code"]
        text = path.read_text(encoding="utf-8")
        for solution in solutions:
            assert json.dumps(solution)[1:-1] not in text


def test_every_relative_link_resolves_inside_the_folder(tmp_path):
    start.prepare(tmp_path, root=ROOT)
    checked = 0
    for path, text in _texts(tmp_path):
        for target in LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            resolved = (path.parent / unquote(target.split("#")[0])).resolve()
            assert resolved.is_file(), (path.relative_to(tmp_path), target)
            assert tmp_path.resolve() in resolved.parents, (path, target)
            checked += 1
    assert checked >= 25  # notebooks ↔ notebooks, notebooks → exercises and docs, back


def test_a_link_to_a_file_not_copied_becomes_text():
    here = Path("docs") / "deltagare.md"
    text = "Se [README](../README.md) och [metoderna](metoder.md) och [SCB](https://scb.se)."
    out = start.rewrite_links(text, here, {Path("docs/metoder.md")})
    assert "[metoderna](metoder.md)" in out and "[SCB](https://scb.se)" in out
    assert "](../README.md)" not in out and "README (`README.md` i arbetsboken)" in out


def test_region_is_filled_into_every_parameters_cell(tmp_path, capsys):
    assert start.main(["--dir", str(tmp_path), "--region", "Jämtland", "--bara-kopiera"]) == 0
    from kompetens_lib.publish.runner import AREA_NOTEBOOKS

    for path in [*(tmp_path / "notebooks").glob("*.ipynb"),
                 *(tmp_path / "exercises").glob("*.ipynb")]:
        if path.name in AREA_NOTEBOOKS:  # a planning area's notebook has no county
            continue
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        assert re.search(r'^region = "23"  #', cell.source, re.MULTILINE), (path, cell.source)
    assert "Jämtlands län (23)" in capsys.readouterr().out


def test_unknown_region_is_a_swedish_error_and_writes_nothing(tmp_path, capsys):
    assert start.main(["--dir", str(tmp_path / "x"), "--region", "Jämtlandia",
                       "--bara-kopiera"]) == 2
    assert "Menade du 'Jämtlands län' (23)" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_existing_files_are_kept_and_said_so(tmp_path, capsys):
    start.prepare(tmp_path, root=ROOT)
    mine = tmp_path / "exercises" / "ovning2_nulaget.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("...", "['702']", 1),
                    encoding="utf-8")
    before = mine.read_text(encoding="utf-8")
    (tmp_path / "notebooks" / "03_tillgang.ipynb").unlink()
    capsys.readouterr()
    assert start.main(["--dir", str(tmp_path), "--region", "05", "--bara-kopiera"]) == 0
    out = capsys.readouterr().out
    assert mine.read_text(encoding="utf-8") == before
    assert "Behöll" in out and "skrivs aldrig över" in out
    assert "Kopierade 1 filer" in out  # only the one that was missing
    assert (tmp_path / "notebooks" / "03_tillgang.ipynb").is_file()


def test_the_news_pop_up_is_off_in_the_folders_settings(tmp_path):
    result = start.prepare(tmp_path, root=ROOT)
    settings = json.loads((tmp_path / start.SETTINGS_FILE).read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    command, env = start.lab_command(result.folder)
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(tmp_path / ".jupyter")
    assert f"--ServerApp.root_dir={result.folder}" in command
    assert any(a.endswith(start.FIRST_NOTEBOOK) for a in command)


@pytest.mark.parametrize("uid", [0, 1000])
def test_jupyterlab_starts_for_root_too(tmp_path, monkeypatch, uid):
    # As root (a container, WSL) JupyterLab refuses to start unless it is allowed to.
    monkeypatch.setattr(start.os, "geteuid", lambda: uid, raising=False)
    command, _ = start.lab_command(tmp_path)
    assert ("--ServerApp.allow_root=True" in command) == (uid == 0)


def test_jupyterlab_reads_the_folders_settings(tmp_path, monkeypatch):
    """jupyterlab_server reads ``labconfig/default_setting_overrides.json`` from the config
    path the command sets."""
    pytest.importorskip("jupyterlab_server")
    from jupyterlab_server.settings_utils import _get_overrides

    start.prepare(tmp_path, root=ROOT)
    _, env = start.lab_command(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", env["JUPYTER_CONFIG_PATH"])
    overrides, error = _get_overrides(str(tmp_path / "no-app-settings"))
    assert not error
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_a_file_in_place_of_the_folder_is_explained(tmp_path, capsys):
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    assert start.main(["--dir", str(tmp_path / "fil"), "--bara-kopiera"]) == 2
    assert "är en fil" in capsys.readouterr().err


def test_help_is_swedish(capsys):
    with pytest.raises(SystemExit):
        start.main(["--help"])
    out = capsys.readouterr().out
    assert "arbetsmapp" in out and "skrivs aldrig över" in out


def test_the_command_to_start_later_is_the_one_the_participant_typed(tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.setattr(start.sys, "argv", [".venv/bin/kompetens", "start"])
    assert start.main(["--dir", str(tmp_path), "--bara-kopiera"]) == 0
    assert f".venv/bin/kompetens start --dir {tmp_path}" in capsys.readouterr().out
