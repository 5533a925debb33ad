"""A killed or terminated `kompetens run` leaves no process building on its own (issue 15)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="parent-death signals are Linux's")


def _sleeping_notebook(folder: Path, pid_file: Path) -> None:
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('region = "12"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import os, time\n"
            f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
            "time.sleep(120)"),
    ]
    nbformat.write(nb, str(folder / "01_sover.ipynb"))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _start(tmp_path: Path):
    pid_file = tmp_path / "kernel.pid"
    _sleeping_notebook(tmp_path / "nb", pid_file)
    command = [sys.executable, "-m", "kompetens_lib.cli", "run", "--region", "12",
               "--notebook-dir", str(tmp_path / "nb"), "--out", str(tmp_path / "build"),
               "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=tmp_path)
    deadline = time.monotonic() + 90
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the notebook never started"
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.2)
    return process, int(pid_file.read_text())


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)  # do not leave it to the machine
            return False
        time.sleep(0.1)
    return True


def test_sigkill_of_the_run_takes_its_kernels_with_it(tmp_path):
    process, kernel = _start(tmp_path)
    process.kill()
    process.wait()
    assert _gone_within(kernel, 10)


def test_sigterm_stops_the_run_like_ctrl_c_with_a_swedish_message(tmp_path):
    process, kernel = _start(tmp_path)
    process.terminate()
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 143
    assert "Avbrutet (SIGTERM)" in output and "Traceback" not in output
    assert _gone_within(kernel, 10)
    assert not (tmp_path / "build" / "12-skane" / "01_sover.ipynb").exists()
