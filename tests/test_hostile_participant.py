"""A participant's code in `cohort feedback` harms nobody else (issue 15): it cannot kill the
facilitator's run, forge its own checks, change another participant's notebook, or leave
processes running; only its own page says what happened."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from kompetens_lib import cohort
from kompetens_lib import exercises as ex
from kompetens_lib.cli import cohort as cohort_cli
from kompetens_lib.publish import sandbox

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


def _processes_running(argument: str) -> list[int]:
    """The live processes whose command line holds ``argument``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argument.encode() in argv and _alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cohort(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    roster = tmp_path / "lista.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    released = tmp_path / "deltagare"
    assert cohort_cli.main(["release", str(roster), "--out", str(released),
                            "--exercises", "2"]) == 0
    notebooks = {s: released / s / "ovning2_nulaget.ipynb"
                 for s in ("anna-andersson", "bo-berg", "carl-carlsson")}
    for variable in ("storsta_grupper", "hog_kvot", "forklaring"):
        _answer(notebooks["anna-andersson"], variable, _solution(variable))
    return released, notebooks


def _collect(tmp_path: Path, released: Path) -> tuple[Path, dict[str, str]]:
    """Collect; return the snapshot and the checksum of every file in it."""
    snapshot = tmp_path / "insamling"
    assert cohort_cli.main(["collect", "--from", str(released), "--out", str(snapshot)]) == 0
    return snapshot, {str(p.relative_to(snapshot)): _sha(p)
                      for p in sorted(snapshot.rglob("*")) if p.is_file()}


def _results(pages: Path) -> dict[str, dict]:
    record = json.loads((pages / cohort.FEEDBACK_JSON).read_text(encoding="utf-8"))
    return {p["slug"]: p["results"][0] for p in record["participants"]}


SLEEP = "317.25"  # a sleep no other process on this machine has started
ESCAPED = "318.25"  # the same, started in a session (process group) of its own


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hostile_notebook_harms_only_its_own_page(tmp_path, jobs, capsys):
    released, notebooks = _cohort(tmp_path)
    # Bo kills the process that started his kernel.
    _answer(notebooks["bo-berg"], "storsta_grupper",
            "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nstorsta_grupper = []")
    # Carl forges his checks, rewrites the other snapshots and leaves a process running.
    _answer(notebooks["carl-carlsson"], "storsta_grupper", (
        "import glob, subprocess\n"
        "import kompetens_lib.exercises as _ex\n"
        "import kompetens_lib.exercises.framework as _fw\n"
        "_ex.run_checks = _ex.report = _fw.run_checks = lambda *a, **k: None\n"
        "for _p in glob.glob('../../*/ovning2_nulaget.ipynb'):\n"
        "    try:\n"
        "        open(_p, 'w').write('{}')\n"
        "    except OSError:\n"
        "        pass\n"
        f"_s = subprocess.Popen(['sleep', {SLEEP!r}])\n"
        f"_e = subprocess.Popen(['sleep', {ESCAPED!r}], start_new_session=True)\n"
        "storsta_grupper = ['fel']"))
    snapshot, before = _collect(tmp_path, released)
    pages = tmp_path / "sidor"
    code = cohort_cli.main(["feedback", str(snapshot), "--out", str(pages), "--timeout", "30",
                            "--jobs", jobs])
    assert code == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert "3 anteckningsböcker kördes: " in summary
    assert "2 klara" in summary and "1 kraschade" in summary
    results = _results(pages)
    assert results["anna-andersson"]["status"] == "ran"
    assert [c["status"] for c in results["anna-andersson"]["checks"]] == ["passed"] * 3
    assert results["bo-berg"]["status"] == "crashed"
    carl_checks = {c["check"]: c["status"] for c in results["carl-carlsson"]["checks"]}
    assert carl_checks["storsta_grupper"] == "failed"  # the checks were not replaced
    assert {str(p.relative_to(snapshot)): _sha(p) for p in sorted(snapshot.rglob("*"))
            if p.is_file()} == before
    deadline = time.monotonic() + 10
    while (_processes_running(SLEEP) or _processes_running(ESCAPED)) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    left, escaped = _processes_running(SLEEP), _processes_running(ESCAPED)
    for pid in left + escaped:
        os.kill(pid, 9)
    assert not left, "a process the notebook started outlived the feedback run"
    assert not escaped, "a process in a session of its own outlived the feedback run"


def _vandal(snapshot: Path, released: Path, pages: Path) -> str:
    """A cell that tries every way to harm the others that a participant could guess."""
    return (
        "import glob, os, shutil\n"
        "_tried = []\n"
        "def _harm(what, *args):\n"
        "    try:\n"
        "        what(*args)\n"
        "    except OSError:\n"
        "        pass\n"
        "def _rewrite(path):\n"
        "    os.chmod(path, 0o600)\n"
        "    open(path, 'w').write('{}')\n"
        "for _p in (glob.glob('../*/*.ipynb') + glob.glob('../../*/*.ipynb')\n"
        "           + glob.glob('../../*/*/*.ipynb')\n"
        f"           + glob.glob({str(snapshot)!r} + '/*/*.ipynb')\n"
        f"           + glob.glob({str(released)!r} + '/*/*.ipynb')):\n"
        "    _tried.append(_p)\n"
        "    _harm(_rewrite, _p)\n"
        f"_harm(os.chmod, {str(snapshot / cohort.SNAPSHOT_MANIFEST)!r}, 0o600)\n"
        f"_harm(lambda: open({str(snapshot / cohort.SNAPSHOT_MANIFEST)!r}, 'w').write('{{}}'))\n"
        f"_harm(shutil.rmtree, {str(pages)!r})\n"
        f"_harm(lambda: os.makedirs({str(pages / 'falsk')!r}))\n"
        "storsta_grupper = ['fel']")


@pytest.mark.skipif(not sandbox.available(), reason="no mount namespaces here")
def test_a_participant_cannot_touch_other_snapshots_the_release_or_the_pages(tmp_path, capsys,
                                                                            monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    released, notebooks = _cohort(tmp_path)
    pages = tmp_path / "sidor"
    pages.mkdir()
    (pages / "behall.txt").write_text("handledarens fil", encoding="utf-8")
    snapshot = tmp_path / "insamling"
    _answer(notebooks["carl-carlsson"], "storsta_grupper", _vandal(snapshot, released, pages))
    # Bo writes files until he is stopped.
    _answer(notebooks["bo-berg"], "storsta_grupper", (
        "import itertools\n"
        "for _i in itertools.count():\n"
        "    open(f'stor{_i}.bin', 'wb').write(b'0' * 2 ** 20)\n"
        "storsta_grupper = []"))
    released_before = {s: _sha(p) for s, p in notebooks.items()}
    snapshot, before = _collect(tmp_path, released)
    code = cohort_cli.main(["feedback", str(snapshot), "--out", str(pages), "--timeout", "60",
                            "--jobs", "2", "--disk-mb", "8"])
    out = capsys.readouterr().out
    assert code == 0
    summary = out.splitlines()[-1]
    assert "3 anteckningsböcker kördes: " in summary
    assert "1 avbröts för att de skrev för mycket" in summary and "2 klara" in summary
    assert "bo-berg övning 2: AVBRÖTS: skrev mer än 8 MB" in out
    # Nothing of the others' changed: not the snapshot, the release nor the facilitator's folder.
    assert {str(p.relative_to(snapshot)): _sha(p) for p in sorted(snapshot.rglob("*"))
            if p.is_file()} == before
    assert {s: _sha(p) for s, p in notebooks.items()} == released_before
    assert (pages / "behall.txt").read_text(encoding="utf-8") == "handledarens fil"
    assert not (pages / "falsk").exists()
    results = _results(pages)
    assert [c["status"] for c in results["anna-andersson"]["checks"]] == ["passed"] * 3
    carl_checks = {c["check"]: c["status"] for c in results["carl-carlsson"]["checks"]}
    assert carl_checks["storsta_grupper"] == "failed"
    assert results["bo-berg"]["status"] == cohort.DISK_FULL
    bo_page = re.sub(r"\s+", " ", (pages / "bo-berg.html").read_text(encoding="utf-8"))
    assert "avbröts: skrev mer än 8 MB" in bo_page
    assert "avbröts: skrev mer än 8 MB" in (pages / "index.html").read_text(encoding="utf-8")
    assert "avbröts" not in (pages / "anna-andersson.html").read_text(encoding="utf-8")
    # The working copies are gone.
    assert not list((tmp_path / "tmp").iterdir())


def test_without_the_sandbox_a_changed_snapshot_is_found_and_said(tmp_path, capsys,
                                                                    monkeypatch):
    monkeypatch.setenv(sandbox.SANDBOX_ENV, "0")
    released, notebooks = _cohort(tmp_path)
    pages = tmp_path / "sidor"
    snapshot = tmp_path / "insamling"
    # Same user as the facilitator: the read-only modes are changed back, then written.
    _answer(notebooks["carl-carlsson"], "storsta_grupper", _vandal(snapshot, released, pages))
    snapshot, before = _collect(tmp_path, released)
    modes = {p: p.stat().st_mode for p in snapshot.rglob("*")}
    code = cohort_cli.main(["feedback", str(snapshot), "--out", str(pages), "--timeout", "60",
                            "--jobs", "1"])
    captured = capsys.readouterr()
    after = {str(p.relative_to(snapshot)): _sha(p) for p in sorted(snapshot.rglob("*"))
             if p.is_file()}
    changed = sorted(k for k in before if after.get(k) != before[k])
    assert "anna-andersson/ovning2_nulaget.ipynb" in changed  # no sandbox: it was written
    assert code == 1  # the exit status tells the truth
    assert "filer i insamlingen ändrades medan deltagarnas kod kördes" in captured.err
    record = json.loads((pages / cohort.FEEDBACK_JSON).read_text(encoding="utf-8"))
    assert record["sandboxed"] is False
    assert sorted(record["snapshot_changed"]) == changed
    assert "ändrades medan deltagarnas kod kördes" in (pages / "index.html").read_text(
        encoding="utf-8")
    # The pages were made from the notebooks as collected (read before any code ran).
    results = _results(pages)
    assert [c["status"] for c in results["anna-andersson"]["checks"]] == ["passed"] * 3
    assert results["bo-berg"]["status"] == cohort.NOT_STARTED
    # The snapshot's modes are as they were before the run (read-only only while it ran).
    assert {p: p.stat().st_mode for p in snapshot.rglob("*")} == modes


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


def test_the_guard_stops_a_kernel_whose_files_grow_past_the_disk_limit(tmp_path):
    from kompetens_lib.publish.executor import execute_notebook
    from kompetens_lib.publish.kernels import Limits

    nb = nbformat.v4.new_notebook()
    # Without the guard this cell would run until its time limit (and write gigabytes).
    nb.cells = [nbformat.v4.new_code_cell(
        "import itertools, time\n"
        "for i in itertools.count():\n"
        "    open(f'f{i}.bin', 'wb').write(b'0' * 2 ** 20)\n"
        "    time.sleep(0.01)")]
    run = execute_notebook(nb, None, cwd=tmp_path, kernel="plain", allow_errors=True,
                           sign=False, cell_timeout=300,
                           limits=Limits(disk_mb=3, disk_path=str(tmp_path)))
    assert type(run.exception).__name__ == "DeadKernelError"
    assert 3 * 2 ** 20 < sandbox.folder_bytes(tmp_path) < 100 * 2 ** 20


def test_the_working_copy_holds_only_the_participants_own_files(tmp_path):
    other = tmp_path / "insamling" / "bo-berg"
    other.mkdir(parents=True)
    (other / "ovning2.ipynb").write_text("Bos svar", encoding="utf-8")
    own = tmp_path / "insamling" / "anna-andersson"
    own.mkdir()
    (own / "data.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (own / "bos.ipynb").symlink_to(other / "ovning2.ipynb")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(open('data.csv').read())"),
                nbformat.v4.new_code_cell("print(open('bos.ipynb').read())"),
                nbformat.v4.new_code_cell("import os\nos.chmod('.', 0o500)")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    content = nbformat.writes(nb).encode()
    (own / "ovning2.ipynb").write_bytes(content)
    job = cohort.FeedbackJob("anna-andersson", "ovning2", str(own), "ovning2.ipynb", 30, 60,
                             content, scratch=str(tmp_path / "arbete"))
    (tmp_path / "arbete").mkdir()
    result = cohort.run_feedback_job(job)
    errors = {e["cell"]: e["ename"] for e in result["cell_errors"]}
    assert errors == {2: "FileNotFoundError"}  # her own file is there, the link is not
    assert result["status"] == cohort.RAN
    assert list((tmp_path / "arbete").iterdir()) == []  # removed, whatever its modes


@pytest.mark.skipif(not sandbox.available(), reason="no mount namespaces here")
def test_in_the_sandbox_only_the_own_folder_is_writable_and_hidden_folders_are_empty(
        tmp_path):
    scratch, shared = tmp_path / "arbete", tmp_path / "insamling"
    own, other = scratch / "egen", scratch / "annan"
    for folder in (own, other, shared):
        folder.mkdir(parents=True)
    (other / "svar.txt").write_text("annans", encoding="utf-8")
    (shared / "svar.txt").write_text("insamlat", encoding="utf-8")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        code = 1
        try:
            sandbox.enter(str(own), [str(scratch), str(shared)])
            (own / "mitt.txt").write_text("mitt", encoding="utf-8")
            seen = sorted(p.name for p in scratch.iterdir()) + sorted(shared.iterdir())
            blocked = 0
            for target in (tmp_path / "ny.txt", other / "svar.txt", shared / "svar.txt"):
                try:
                    target.write_text("x", encoding="utf-8")
                except OSError:
                    blocked += 1
            code = 0 if seen == ["egen"] and blocked == 3 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (own / "mitt.txt").read_text(encoding="utf-8") == "mitt"
    assert (other / "svar.txt").read_text(encoding="utf-8") == "annans"
    assert (shared / "svar.txt").read_text(encoding="utf-8") == "insamlat"
    assert not (tmp_path / "ny.txt").exists()


@pytest.mark.skipif(not sandbox.available(), reason="no mount namespaces here")
def test_a_sandboxed_kernel_sees_no_other_working_copy_nor_the_snapshot(tmp_path):
    scratch = tmp_path / "arbete"
    (scratch / "deltagare-annan").mkdir(parents=True)
    (scratch / "deltagare-annan" / "svar.ipynb").write_text("annans", encoding="utf-8")
    own = tmp_path / "insamling" / "anna-andersson"
    own.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os\n"
        "mine = os.path.basename(os.path.abspath('..'))\n"
        "assert os.listdir('../..') == [mine], os.listdir('../..')\n"
        f"assert os.listdir({str(own.parent)!r}) == [], 'insamlingen syns'\n"
        "open('eget.txt', 'w').write('mitt')")]
    content = nbformat.writes(nb).encode()
    (own / "ovning2.ipynb").write_bytes(content)
    job = cohort.FeedbackJob("anna-andersson", "ovning2", str(own), "ovning2.ipynb", 30, 60,
                             content, scratch=str(scratch), sandboxed=True,
                             hidden=(str(scratch), str(own.parent)))
    result = cohort.run_feedback_job(job)
    assert result["status"] == cohort.RAN
    assert result["cell_errors"] == []
    assert sorted(p.name for p in scratch.iterdir()) == ["deltagare-annan"]


def test_a_file_changed_before_the_run_is_not_reported_as_changed_by_the_run(tmp_path, capsys):
    released, notebooks = _cohort(tmp_path)
    _answer(notebooks["carl-carlsson"], "storsta_grupper", "storsta_grupper = ['fel']")
    snapshot, _ = _collect(tmp_path, released)
    # Anna's notebook is edited in the snapshot after the collection, before feedback.
    anna = snapshot / "anna-andersson" / "ovning2_nulaget.ipynb"
    anna.write_text(anna.read_text(encoding="utf-8").replace("storsta_grupper",
                                                             "storsta_grupper "),
                    encoding="utf-8")
    pages = tmp_path / "sidor"
    assert cohort_cli.main(["feedback", str(snapshot), "--out", str(pages), "--jobs", "1"]) == 0
    assert "ändrades medan" not in capsys.readouterr().err
    record = json.loads((pages / cohort.FEEDBACK_JSON).read_text(encoding="utf-8"))
    assert record["snapshot_changed"] == []
    results = _results(pages)
    assert results["anna-andersson"]["status"] == cohort.BROKEN  # said on her own page
    assert results["carl-carlsson"]["status"] == cohort.RAN
