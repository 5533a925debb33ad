"""The one notebook executor: outputs written atomically, failures summed up in Swedish."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import nbformat
import pytest

from kompetens_lib.publish import executor, kernels, runner

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the kernels of these tests are Linux processes")


def _notebook(path: Path, *bodies: str, tags: dict[int, list[str]] | None = None) -> Path:
    cells = [nbformat.v4.new_code_cell("region = '12'", metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(body, metadata={"tags": (tags or {}).get(i, [])})
              for i, body in enumerate(bodies, start=1)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        path)
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def fresh_kernels():
    kernels.shutdown()
    yield
    kernels.shutdown()


def test_a_run_injects_parameters_and_writes_a_readable_trusted_notebook(tmp_path):
    notebook = _notebook(tmp_path / "01_ok.ipynb", "print(region)")
    out = tmp_path / "ut" / "01_ok.ipynb"
    run = executor.execute_notebook(notebook, out, parameters={"region": "05"})
    assert run.ok and run.error == "" and run.output == out
    texts = [o.get("text", "") for c in run.nb.cells for o in c.get("outputs", [])]
    assert "05\n" in texts
    from nbformat.sign import NotebookNotary

    assert NotebookNotary().check_signature(nbformat.read(out, as_version=4))
    assert _leftovers(out.parent) == []


def test_a_failed_run_replaces_a_good_output_only_when_asked_to(tmp_path):
    good = _notebook(tmp_path / "01_ok.ipynb", "x = 1")
    out = tmp_path / "ut" / "01.ipynb"
    assert executor.execute_notebook(good, out).ok
    before = out.read_bytes()
    bad = _notebook(tmp_path / "02_fel.ipynb", "x = 1", "1 / 0")
    run = executor.execute_notebook(bad, out, keep_failed=False)
    assert not run.ok and run.reason == "error" and run.output is None
    assert run.error == "cell 3: ZeroDivisionError: division by zero"  # the cell's number
    assert run.stopped_at == 2
    assert out.read_bytes() == before and _leftovers(out.parent) == []
    kept = executor.execute_notebook(bad, out, keep_failed=True)
    assert kept.output == out and out.read_bytes() != before  # it shows where it failed


def test_a_dead_kernel_and_a_slow_cell_are_failures_said_in_swedish(tmp_path):
    dies = _notebook(tmp_path / "01_doer.ipynb", "print('hann hit')", "import os\nos._exit(1)")
    run = executor.execute_notebook(dies, tmp_path / "ut" / "doer.ipynb")
    assert not run.ok and run.reason == "dead_kernel" and run.stopped_at == 2
    assert "kärnan (Python-processen) dog" in run.error
    slow = _notebook(tmp_path / "02_slow.ipynb", "import time\ntime.sleep(30)")
    run = executor.execute_notebook(slow, tmp_path / "ut" / "slow.ipynb", cell_timeout=2)
    assert not run.ok and run.reason == "cell_timeout"
    assert "cellen tog längre tid än tidsgränsen" in run.error


def test_the_notebook_time_limit_skips_cells_but_runs_those_tagged_to_always_run(tmp_path):
    notebook = _notebook(tmp_path / "01_lang.ipynb", "import time\ntime.sleep(3)",
                         "skipped = True", "print('rapport')",
                         tags={3: [executor.ALWAYS_RUN_TAG]})
    run = executor.execute_notebook(notebook, None, notebook_timeout=1, cell_timeout=10)
    assert not run.ok and run.reason == "notebook_timeout"
    assert run.skipped == [2]
    assert [c.index for c in run.cells] == [0, 1, 3]
    assert run.nb.cells[3].outputs[0]["text"] == "rapport\n"


def test_errors_can_be_allowed_and_the_kernel_gets_the_environment_asked_for(tmp_path):
    notebook = _notebook(tmp_path / "01_fel.ipynb", "1 / 0",
                         "import os\nprint(os.environ['KOMPETENS_PROV'])")
    run = executor.execute_notebook(notebook, None, allow_errors=True,
                                    env={"KOMPETENS_PROV": "ja"}, cwd=tmp_path)
    assert run.ok, run.error
    assert run.nb.cells[1].outputs[0]["ename"] == "ZeroDivisionError"
    assert run.nb.cells[2].outputs[0]["text"] == "ja\n"  # indices as the cells ran


@pytest.mark.parametrize("kernel", ["plain", "forked"])
def test_ctrl_c_never_replaces_a_good_output(tmp_path, kernel, fresh_kernels, monkeypatch):
    monkeypatch.delenv(kernels.FORK_ENV, raising=False)
    out = tmp_path / "ut" / "01.ipynb"
    good = _notebook(tmp_path / "01_ok.ipynb", "x = 1")
    assert executor.execute_notebook(good, out, kernel=kernel).ok
    before = out.read_bytes()
    stopped = _notebook(tmp_path / "02_stoppas.ipynb", "print('hann hit')",
                        f"import os, signal, time\nos.kill({os.getpid()}, signal.SIGINT)\n"
                        "time.sleep(30)")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            executor.execute_notebook(stopped, out, kernel=kernel, keep_failed=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert out.read_bytes() == before and _leftovers(out.parent) == []
    # The next run in the same process works as before.
    assert executor.execute_notebook(good, out, kernel=kernel).ok


def test_a_failed_rerun_keeps_the_county_page_of_the_good_run(tmp_path, fresh_kernels):
    notebook = _notebook(tmp_path / "01_sida.ipynb", "print('MARKERING-BRA')")
    job = runner.Job(notebook, "12", tmp_path / "build")
    assert runner.execute(job).ok
    page = job.html.read_bytes()
    _notebook(notebook, "raise ValueError('trasig')")
    result = runner.execute(job)
    # (papermill's parameters cell runs first: the failing cell is the third to run)
    assert not result.ok and "cell 3: ValueError: trasig" in result.error
    assert job.html.read_bytes() == page  # the page still shows the good run
    assert runner.up_to_date(job) is None  # and the failure is remembered: it runs again


def test_the_kernel_template_preloads_whole_packages_and_skips_missing_names(monkeypatch):
    loaded = kernels.preload_modules()
    assert "kompetens_lib.workbook.balance_tables" in loaded
    assert "kompetens_lib.present.charts" in loaded
    monkeypatch.setattr(kernels, "PRELOAD", (*kernels.PRELOAD, "kompetens_lib.finns_inte"))
    monkeypatch.setattr(kernels, "PRELOAD_PACKAGES",
                        (*kernels.PRELOAD_PACKAGES, "kompetens_lib.saknas"))
    monkeypatch.setattr(kernels, "NOTEBOOK_NAMES", (*kernels.NOTEBOOK_NAMES, "borta"))
    assert set(kernels.preload_modules()) == set(loaded)
