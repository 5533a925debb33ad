"""A participant's code in `cohort feedback` harms nobody else (issue 15): it cannot kill the
facilitator's run, forge its own checks, change another participant's notebook, or leave
processes running; only its own page says what happened."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from kompetens_lib import cohort
from kompetens_lib import exercises as ex
from kompetens_lib.cli import cohort as cohort_cli

ROOT = Path(__file__).resolve().parents[1]
MASTERS = ROOT / "exercises" / "masters"
ROSTER = "deltagare;region\nAnna Andersson;Skåne\nBo Berg;05\nCarl Carlsson;01\n"


def _solution(variable: str) -> str:
    nb = nbformat.read(MASTERS / "ovning2_nulaget.ipynb", as_version=4)
    for cell in nb.cells:
        if ex.SOLUTION_TAG in cell.metadata.get("tags", []) and \
                re.search(rf"^{variable} = ", cell.source, re.MULTILINE):
            return cell.source
    raise AssertionError(variable)


def _answer(path: Path, variable: str, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "svar" in cell.metadata.get("tags", []) and \
                re.search(rf"^{variable} = ", cell.source, re.MULTILINE):
            cell.source = source
            nbformat.write(nb, path)
            return
    raise AssertionError(variable)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hostile_notebook_harms_only_its_own_page(tmp_path, jobs, capsys):
    roster = tmp_path / "lista.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    released = tmp_path / "deltagare"
    assert cohort_cli.main(["release", str(roster), "--out", str(released),
                            "--exercises", "2"]) == 0
    anna, bo, carl = (released / s / "ovning2_nulaget.ipynb"
                      for s in ("anna-andersson", "bo-berg", "carl-carlsson"))
    for variable in ("storsta_grupper", "hog_kvot", "forklaring"):
        _answer(anna, variable, _solution(variable))
    # Bo kills the process that started his kernel.
    _answer(bo, "storsta_grupper",
            "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nstorsta_grupper = []")
    # Carl forges his checks, rewrites the other snapshots and leaves a process running.
    pid_file = tmp_path / "sleeper.pid"
    _answer(carl, "storsta_grupper", (
        "import glob, subprocess\n"
        "import kompetens_lib.exercises as _ex\n"
        "import kompetens_lib.exercises.framework as _fw\n"
        "_ex.run_checks = _ex.report = _fw.run_checks = lambda *a, **k: None\n"
        "for _p in glob.glob('../../*/ovning2_nulaget.ipynb'):\n"
        "    open(_p, 'w').write('{}')\n"
        "_s = subprocess.Popen(['sleep', '300'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(_s.pid))\n"
        "storsta_grupper = ['fel']"))
    snapshot = tmp_path / "insamling"
    assert cohort_cli.main(["collect", "--from", str(released), "--out", str(snapshot)]) == 0
    pages = tmp_path / "sidor"
    code = cohort_cli.main(["feedback", str(snapshot), "--out", str(pages), "--timeout", "30",
                            "--jobs", jobs])
    assert code == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert "3 anteckningsböcker kördes: " in summary
    assert "2 klara" in summary and "1 kraschade" in summary
    record = json.loads((pages / cohort.FEEDBACK_JSON).read_text(encoding="utf-8"))
    results = {p["slug"]: p["results"][0] for p in record["participants"]}
    assert results["anna-andersson"]["status"] == "ran"
    assert [c["status"] for c in results["anna-andersson"]["checks"]] == ["passed"] * 3
    assert results["bo-berg"]["status"] == "crashed"
    carl_checks = {c["check"]: c["status"] for c in results["carl-carlsson"]["checks"]}
    assert carl_checks["storsta_grupper"] == "failed"  # the checks were not replaced
    deadline = time.monotonic() + 10
    sleeper = int(pid_file.read_text())
    while _alive(sleeper) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _alive(sleeper)
    if alive:
        os.kill(sleeper, 9)
    assert not alive, "a process the notebook started outlived the feedback run"


def test_a_participants_kernel_is_limited_in_memory_and_file_size(tmp_path):
    from kompetens_lib.publish.executor import execute_notebook
    from kompetens_lib.publish.kernels import Limits

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = bytearray(8 * 1024 ** 3)"),
                nbformat.v4.new_code_cell("open('stor.bin', 'wb').write(b'0' * 3 * 1024 ** 2)"),
                nbformat.v4.new_code_cell("import os\nprint(os.getppid() != " f"{os.getpid()})")]
    run = execute_notebook(nb, None, cwd=tmp_path, kernel="plain", allow_errors=True,
                           sign=False, limits=Limits(memory_mb=2048, file_mb=1))
    assert run.ok, run.error
    errors = [[o.get("ename") for o in c.outputs if o.get("output_type") == "error"]
              for c in run.nb.cells]
    assert errors[0] == ["MemoryError"]
    assert errors[1] == ["OSError"]  # File too large
    assert (tmp_path / "stor.bin").stat().st_size <= 1024 ** 2
    # the kernel's parent is its guard, not this process
    assert run.nb.cells[2].outputs[0]["text"].strip() == "True"
