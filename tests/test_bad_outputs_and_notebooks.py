"""Damaged outputs, unwritable output folders and notebooks without a kernel spec (issue 15):
an emptied notebook or a damaged page is rebuilt, never trusted as unchanged; an output
folder that cannot be written is refused in Swedish before any work; a notebook that names no
language is adapted as the Python notebook it is."""

from __future__ import annotations

from pathlib import Path

import nbformat

from kompetens_lib.cli import cohort as cohort_cli
from kompetens_lib.cli.main import main as kompetens_main
from kompetens_lib.publish import adapt, runner


def _tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('region = "12"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print('klar', region)")]
    path = folder / "01_liten.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_an_emptied_notebook_or_a_damaged_page_is_not_trusted_as_unchanged(tmp_path):
    _tiny(tmp_path / "nb")
    [job] = runner.plan(["12"], False, None, tmp_path / "build", {}, tmp_path / "nb")
    assert runner.execute(job).ok
    assert runner.up_to_date(job) is not None
    for path in (job.output, job.html):
        good = path.read_bytes()
        for damaged in (b"", good[: len(good) // 3]):
            path.write_bytes(damaged)
            assert runner.up_to_date(job) is None, (path.name, len(damaged))
        path.write_bytes(good)
        assert runner.up_to_date(job) is not None


def test_an_output_folder_under_proc_is_refused_in_swedish(capsys):
    assert kompetens_main(["run", "--region", "23", "--out", "/proc/x"]) == 2
    err = capsys.readouterr().err
    assert "--out /proc/x" in err and "Traceback" not in err


def test_feedback_into_a_file_or_an_unwritable_folder_is_refused_before_any_work(tmp_path,
                                                                                   capsys):
    file = tmp_path / "fil.txt"
    file.write_text("x", encoding="utf-8")
    snapshot = tmp_path / "insamling"
    snapshot.mkdir()
    (snapshot / "insamling.json").write_text(
        '{"collected": "2027-03-01T14:00:00", "participants": []}', encoding="utf-8")
    assert cohort_cli.main(["feedback", str(snapshot), "--out", str(file)]) == 2
    assert "är en fil, inte en mapp" in capsys.readouterr().err
    assert cohort_cli.main(["feedback", str(snapshot), "--out", "/proc/x"]) == 2
    err = capsys.readouterr().err
    assert "Kan inte skriva sidorna i mappen --out /proc/x" in err and "Traceback" not in err


def test_a_notebook_without_a_kernel_spec_is_adapted_as_python(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata.pop("kernelspec", None)
    nb.metadata.pop("language_info", None)
    nb.cells = [nbformat.v4.new_code_cell('region = "12"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print('län', region)")]
    path = tmp_path / "deras.ipynb"
    nbformat.write(nb, str(path))
    said: list[str] = []
    result = adapt.adapt(path, "05", out_dir=tmp_path / "ut", echo=lambda *a: said.append(
        " ".join(map(str, a))))
    assert Path(result).is_file()
    ran = nbformat.read(result, as_version=4)
    printed = "".join(o.get("text", "") for c in ran.cells for o in c.get("outputs", []))
    assert "län 05" in printed
    assert not any("No language" in line for line in said)
