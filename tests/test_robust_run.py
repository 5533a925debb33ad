"""`kompetens run` never trades a good build for a bad one (issues 15 and 16): parameters are
checked before any work, a failed rerun keeps the last good output, damaged outputs are
rebuilt, the mandate is an input of the fingerprint, and --jobs is capped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.publish import runner
from kompetens_lib.publish.workers import worker_limit

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _tiny(folder: Path, name: str = "01_liten.ipynb") -> Path:
    """A notebook with a parameters cell whose run fails when ``fail`` is True."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('region = "12"\nfail = False', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("assert not fail, 'misslyckas med flit'\nprint('klar')"),
    ]
    path = folder / name
    nbformat.write(nb, str(path))
    return path


def test_a_misspelt_parameter_is_refused_before_any_work_naming_the_valid_ones(tmp_path):
    with pytest.raises(KompetensError, match="Okänd parameter: base_yaer.*base_year"):
        runner.plan(["23"], False, ["01"], tmp_path / "build", {"base_yaer": 2015}, NOTEBOOKS)
    assert not (tmp_path / "build").exists()


def test_a_year_outside_the_data_is_refused_before_any_work(tmp_path):
    with pytest.raises(KompetensError, match="1900.*Giltiga år"):
        runner.plan(["23"], False, None, tmp_path / "build", {"base_year": 1900}, NOTEBOOKS)
    assert not (tmp_path / "build").exists()


def test_parameter_values_get_the_type_of_the_notebooks_default(tmp_path):
    checked = runner.check_parameters({"group": 103, "damping": "0,25", "interactive": "nej"},
                                      [NOTEBOOKS / "02_nedbrytning.ipynb"], ["23"])
    assert checked == {"group": "103", "damping": 0.25, "interactive": False}
    with pytest.raises(KompetensError, match="damping"):
        runner.check_parameters({"damping": 3}, [NOTEBOOKS / "02_nedbrytning.ipynb"], ["23"])


def test_a_failed_rerun_keeps_the_last_good_output_and_a_damaged_output_is_rebuilt(tmp_path):
    book = _tiny(tmp_path / "nb")
    out = tmp_path / "build"
    [job] = runner.plan(["12"], False, None, out, {}, tmp_path / "nb")
    first = runner.execute(job)
    assert first.ok, first.error
    good = job.output.read_bytes()
    assert runner.up_to_date(job) is not None

    # damaged output: no longer trusted as unchanged
    job.output.write_bytes(good[: len(good) // 2])
    assert runner.up_to_date(job) is None
    job.output.write_bytes(good)
    assert runner.up_to_date(job) is not None

    [failing] = runner.plan(["12"], False, None, out, {"fail": True}, tmp_path / "nb")
    second = runner.execute(failing)
    assert not second.ok and second.kept_good
    assert "senaste lyckade versionen" in second.error
    assert job.output.read_bytes() == good  # the good notebook is still there
    failed = nbformat.read(failing.failed_output, as_version=4)
    assert any(o.get("output_type") == "error" for c in failed.cells for o in c.get("outputs", []))
    state = json.loads(job.state_file.read_text(encoding="utf-8"))
    assert state["ok"] is False and state["kept_good"]["ok"] is True
    assert book.exists()
    # failing again: still kept, and still in the county's report
    reported = []
    [third] = runner.run_jobs([failing], 1, after_region=lambda c, f, e: reported.extend(e))
    assert third.kept_good and job.output.read_bytes() == good
    assert reported == [job.output]


def test_changing_the_mandate_makes_the_county_stale(tmp_path, monkeypatch):
    from kompetens_lib.workbook.mandate import mandate_path

    monkeypatch.setenv("KOMPETENS_UPPDRAG", str(tmp_path / "uppdrag"))
    _tiny(tmp_path / "nb")
    plan = lambda: runner.plan(["12"], False, None, tmp_path / "b", {}, tmp_path / "nb")  # noqa: E731
    without = plan()[0].fingerprint
    path = mandate_path("12")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"fråga": "Vilka behövs?"}), encoding="utf-8")
    with_mandate = plan()[0].fingerprint
    path.write_text(json.dumps({"fråga": "Vilka behövs år 2035?"}), encoding="utf-8")
    changed = plan()[0].fingerprint
    assert len({without, with_mandate, changed}) == 3


def test_jobs_are_capped_by_the_cores_with_a_swedish_note():
    workers, note = worker_limit(999)
    assert 1 <= workers <= (os.cpu_count() or 1)
    assert "--jobs 999" in note and "kärnor" in note
    assert worker_limit(1) == (1, "")


def test_a_notebook_in_another_language_is_refused_in_swedish_without_a_kernel(tmp_path):
    from kompetens_lib.publish.executor import STARTUP, execute_notebook

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    nb.cells = [nbformat.v4.new_code_cell('region <- "12"', metadata={"tags": ["parameters"]})]
    path = tmp_path / "r.ipynb"
    nbformat.write(nb, str(path))
    run = execute_notebook(path, tmp_path / "ut.ipynb")
    assert not run.ok and run.reason == STARTUP
    assert "'r'" in run.error and "Python" in run.error
    assert not (tmp_path / "ut.ipynb").exists()
