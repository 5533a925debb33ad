"""Kernels for batch runs: a fresh process per notebook, forked from a preloaded template."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from kompetens_lib.publish import kernels, runner

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="kernels are forked from a template on Linux only")

REPORT = """
import json, os, sys
import kompetens_lib
from kompetens_lib.workbook import memo
print(json.dumps({
    "pid": os.getpid(),
    "ppid": os.getppid(),
    "cwd": os.getcwd(),
    "data": os.environ.get("KOMPETENS_DATA"),
    "primed": len(memo.MEMO),
    "leftover_attribute": hasattr(kompetens_lib, "left_by_a_notebook"),
    "leftover_env": os.environ.get("LEFT_BY_A_NOTEBOOK"),
}))
kompetens_lib.left_by_a_notebook = True
os.environ["LEFT_BY_A_NOTEBOOK"] = "1"
"""


def _notebook(path: Path, *bodies: str) -> Path:
    cells = [nbformat.v4.new_code_cell("region = '12'", metadata={"tags": ["parameters"]})]
    cells += [nbformat.v4.new_code_cell(body) for body in bodies]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        path)
    return path


def _printed(result: runner.Result) -> dict:
    nb = nbformat.read(result.job.output, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                return json.loads(output["text"])
    raise AssertionError("the notebook printed nothing")


@pytest.fixture
def fresh_kernels():
    kernels.shutdown()
    yield
    kernels.shutdown()


def _run(tmp_path: Path, notebook: Path, region: str, data: str | None = None):
    job = runner.Job(notebook, region, tmp_path / "build", data=data)
    result = runner.execute(job)
    assert result.ok, result.error
    return result


def test_every_notebook_gets_its_own_kernel_forked_from_a_preloaded_template(
        tmp_path, fresh_kernels, monkeypatch):
    monkeypatch.delenv(kernels.FORK_ENV, raising=False)
    notebook = _notebook(tmp_path / "01_rapport.ipynb", REPORT)
    first = _printed(_run(tmp_path, notebook, "12"))
    second = _printed(_run(tmp_path, notebook, "13"))
    assert first["pid"] != second["pid"] != os.getpid()
    # Both are children of the same template process, not of this one...
    assert first["ppid"] == second["ppid"] != os.getpid()
    # ... which had computed the whole-country breakdowns before forking.
    assert first["primed"] > 0 and second["primed"] > 0
    # What one notebook leaves behind is gone in the next.
    assert first["leftover_attribute"] is False and second["leftover_attribute"] is False
    assert first["leftover_env"] is None and second["leftover_env"] is None
    assert first["cwd"] == second["cwd"] == str(tmp_path)


def test_a_forked_kernel_reads_the_runs_data_source(tmp_path, fresh_kernels, monkeypatch):
    monkeypatch.delenv(kernels.FORK_ENV, raising=False)
    notebook = _notebook(tmp_path / "01_rapport.ipynb", REPORT)
    result = _run(tmp_path, notebook, "12", data="example")
    assert _printed(result)["data"] == "example"
    assert result.kernel_peak_mb > 50  # read from the kernel process before it was stopped


def test_kernels_start_plainly_when_forking_is_switched_off(tmp_path, fresh_kernels,
                                                             monkeypatch):
    monkeypatch.setenv(kernels.FORK_ENV, "0")
    assert not kernels.fork_supported()
    notebook = _notebook(tmp_path / "01_rapport.ipynb", REPORT)
    printed = _printed(_run(tmp_path, notebook, "12"))
    assert printed["ppid"] == os.getpid()  # started by this process, as jupyter_client does


def test_a_kernel_spec_for_another_python_is_never_forked():
    assert kernels._fork_argv([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"]) \
        == ["-f", "c.json"]
    assert kernels._fork_argv(["/usr/bin/env", "-m", "ipykernel_launcher", "-f", "c"]) is None
    assert kernels._fork_argv([sys.executable, "-m", "other_kernel", "-f", "c.json"]) is None


def test_many_notebooks_in_one_worker_do_not_leak_file_descriptors(tmp_path, fresh_kernels):
    notebook = _notebook(tmp_path / "01_enkel.ipynb", "x = 1")
    counts = []
    for region in ("01", "03", "04", "05", "06"):
        _run(tmp_path, notebook, region)
        counts.append(len(os.listdir("/proc/self/fd")))
    # The first runs open what stays open (template pipes, the next warm kernel); after
    # that, a notebook must give back every descriptor it took.
    assert counts[-1] <= counts[1], counts


def test_a_dying_kernel_keeps_the_cells_that_ran_in_the_saved_notebook(tmp_path,
                                                                        fresh_kernels):
    notebook = _notebook(tmp_path / "01_doer.ipynb", "print('hann hit')", "import os\nos._exit(1)")
    job = runner.Job(notebook, "12", tmp_path / "build")
    result = runner.execute(job)
    assert not result.ok and "kärnan" in result.error
    nb = nbformat.read(job.output, as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert "hann hit\n" in texts


def test_a_forked_kernel_that_never_answers_gives_way_to_a_plain_one(tmp_path, fresh_kernels,
                                                                     monkeypatch):
    import subprocess

    monkeypatch.delenv(kernels.FORK_ENV, raising=False)
    monkeypatch.setattr(kernels, "READY_TIMEOUT", 2)
    duds = []

    def fork_a_dud(self, argv, cwd, env):  # a "kernel" that never opens its sockets
        duds.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
        return duds[-1].pid

    monkeypatch.setattr(kernels._Template, "fork", fork_a_dud)
    notebook = _notebook(tmp_path / "01_rapport.ipynb", REPORT)
    try:
        printed = _printed(_run(tmp_path, notebook, "12"))
    finally:
        for dud in duds:
            dud.kill()
            dud.wait()
    assert duds, "no kernel was forked"
    assert printed["ppid"] == os.getpid()  # the notebook ran, on a kernel started plainly
    assert (str(tmp_path), None) in kernels._broken  # and this worker stops forking
