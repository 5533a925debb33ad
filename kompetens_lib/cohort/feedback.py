"""Feedback: run every collected exercise notebook with its checks and write the pages.

Each notebook runs in a private working copy of the participant's own files, in a fresh
kernel, through the one notebook executor (:mod:`kompetens_lib.publish.executor`) with a
time limit per cell and per notebook, limits on memory, file size and the disk space of the
working copy, and (where Linux allows it) in a sandbox that sees everything else read-only
and not the other participants' files at all (:mod:`kompetens_lib.publish.sandbox`); what
its checks said becomes a result (see :mod:`kompetens_lib.cohort.status`), and
:mod:`kompetens_lib.cohort.pages` turns the results into Swedish HTML pages.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kompetens_lib._internal.files import atomic_write_text, make_tree_private
from kompetens_lib.cohort.collect import DEFAULT_SNAPSHOT_DIR, SNAPSHOT_MANIFEST, read_snapshot
from kompetens_lib.cohort.pages import overview_page, participant_page
from kompetens_lib.cohort.release import DEFAULT_RELEASE_DIR
from kompetens_lib.cohort.status import BROKEN, CRASHED, DISK_FULL, NOT_STARTED, RAN, TIMED_OUT
from kompetens_lib.cohort.transport import (
    ANSWERS_MIME,
    CONTEXT_NAMES,
    MAX_BYTES,
    decode,
    export_cell_source,
)
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises import EXERCISES, MISSING, NOT_FILLED_IN, checks, run_checks
from kompetens_lib.publish import sandbox
from kompetens_lib.publish.executor import ALWAYS_RUN_TAG, NOTEBOOK_TIMEOUT, execute_notebook
from kompetens_lib.publish.kernels import Limits
from kompetens_lib.publish.workers import spawn_pool, stop_pool

__all__ = ["DEFAULT_CELL_TIMEOUT", "DEFAULT_DISK_MB", "DEFAULT_FEEDBACK_DIR",
           "DEFAULT_NOTEBOOK_TIMEOUT", "FEEDBACK_JSON", "FeedbackJob", "feedback",
           "plan_feedback", "run_feedback_job", "run_jobs"]

FEEDBACK_JSON = "aterkoppling.json"
DEFAULT_FEEDBACK_DIR = "aterkoppling"
DEFAULT_CELL_TIMEOUT = 60
DEFAULT_NOTEBOOK_TIMEOUT = 600
# Where a participant's mandate (exercise 1) is saved while their notebook runs: inside the
# temporary copy, never in the facilitator's own mandate folder.
MANDATE_ENV = "KOMPETENS_UPPDRAG"
#: Limits of a participant's kernel: address space (a kernel with the workbook's imports
#: uses ~1.7 GB of it), the largest file it may write, CPU seconds beyond the time limit.
MEMORY_LIMIT_MB = 4096
FILE_LIMIT_MB = 200
#: The most a participant's working copy may take on disk, all files together (what the
#: notebook writes, its temporary files and caches included).
DEFAULT_DISK_MB = 500


@dataclass(frozen=True)
class FeedbackJob:
    """One notebook to give feedback on: whose, which exercise, where, and its time limits."""

    slug: str
    exercise: str
    folder: str  # the participant's folder in the snapshot
    notebook: str  # path relative to ``folder``
    cell_timeout: int
    notebook_timeout: int
    #: The notebook as collected, read by the facilitator's process when the run was
    #: planned: what another participant's code writes into the snapshot later is not run.
    content: bytes = b""
    memory_mb: int = MEMORY_LIMIT_MB
    disk_mb: int = DEFAULT_DISK_MB
    #: The run's folder of working copies (private); each job's copy is made inside it.
    scratch: str = ""
    #: Whether the kernel runs in the sandbox, and the folders it must not see there.
    sandboxed: bool = False
    hidden: tuple[str, ...] = ()


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.strip().startswith("#"):
            text = line.strip()
            return text if len(text) <= 60 else text[:57] + "…"
    return source.strip().splitlines()[0][:60] if source.strip() else ""


def _is_helper_call(source: str) -> bool:
    """A cell that only calls the exercise helpers (``ex.check_…(ctx, svar)``)."""
    lines = [line.strip() for line in source.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    return bool(lines) and all(line.startswith("ex.") for line in lines)


def _answer_names(exercise_id: str) -> list[str]:
    names = list(CONTEXT_NAMES)
    for spec in checks(exercise_id):
        names += [v for v in spec.variables if v not in names]
    return names


def _result(job: FeedbackJob, status: str = RAN) -> dict:
    return {"participant": job.slug, "exercise": job.exercise, "file": job.notebook,
            "status": status, "seconds": 0.0, "cell_errors": [], "timeouts": [], "checks": [],
            "problem": ""}


def _copy_own_files(folder: str, work: Path) -> None:
    """Copy the participant's folder to ``work``: their files and folders only (a symbolic
    link, which could lead to someone else's files, is left out)."""
    shutil.copytree(folder, work, ignore=lambda d, names: [
        n for n in names if os.path.islink(os.path.join(d, n))])


def _disk_full(job: FeedbackJob, result: dict) -> None:
    result.update(status=DISK_FULL, disk_mb=job.disk_mb, cell_errors=[], timeouts=[],
                  checks=[], problem=(
                      f"Anteckningsboken avbröts: den skrev mer än {job.disk_mb} MB filer. "
                      "De andra deltagarnas anteckningsböcker påverkades inte."))


def run_feedback_job(job: FeedbackJob) -> dict:
    """Execute one exercise notebook in a fresh kernel and check its answers.

    Runs in a private working copy of the participant's own files (their relative paths
    work, the snapshot is not changed), with the notebook as it was collected
    (``job.content``), in a kernel under limits (memory, file size, CPU, the disk space of
    the working copy; see :func:`kompetens_lib.publish.kernels.guard`) that is killed with
    everything it started when it is done, and in the sandbox when ``job.sandboxed``. The
    kernel only exports the answers; the checks run here, in the facilitator's process
    (:mod:`kompetens_lib.cohort.transport`), so code in the notebook cannot change what they
    say. A cell that runs longer than ``cell_timeout`` is interrupted and the rest
    continues; after ``notebook_timeout`` seconds the remaining cells are skipped (the
    answers are still exported) and a kernel that does not stop is killed. A working copy
    that grows past ``disk_mb`` stops the kernel. The working copy is removed afterwards.
    Never raises, except on Ctrl-C.
    """
    import nbformat

    started = time.monotonic()
    result = _result(job)
    with tempfile.TemporaryDirectory(prefix="deltagare-", dir=job.scratch or None,
                                     ignore_cleanup_errors=True) as tmp:
        work = Path(tmp) / "arbete"
        try:
            _copy_own_files(job.folder, work)
        except (OSError, shutil.Error) as exc:
            result.update(status=BROKEN, problem=f"Deltagarens mapp gick inte att kopiera "
                                                 f"({type(exc).__name__}).")
            return result
        path = work / job.notebook
        try:
            if job.content:
                if path.is_symlink():
                    path.unlink()
                path.write_bytes(job.content)
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - a broken file is reported, not fatal
            result.update(status=BROKEN, problem=f"Filen går inte att läsa som anteckningsbok "
                                                 f"({type(exc).__name__}).")
            return result
        nb.cells.append(nbformat.v4.new_code_cell(export_cell_source(_answer_names(job.exercise)),
                                                  metadata={"tags": [ALWAYS_RUN_TAG]}))
        report = len(nb.cells) - 1
        private = {name: str(Path(tmp) / folder) for name, folder in (
            ("TMPDIR", "tmp"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib"),
            ("XDG_CACHE_HOME", "cache"))}
        for folder in private.values():
            os.makedirs(folder, exist_ok=True)
        limits = Limits(memory_mb=job.memory_mb, file_mb=min(FILE_LIMIT_MB, job.disk_mb),
                        cpu_seconds=job.notebook_timeout + 2 * job.cell_timeout + 30,
                        disk_mb=job.disk_mb, disk_path=tmp,
                        sandbox={"writable": tmp, "hidden": list(job.hidden)}
                        if job.sandboxed else None)
        run = execute_notebook(nb, None, cwd=path.parent, kernel="plain",
                               env={MANDATE_ENV: str(Path(tmp) / "uppdrag"), **private},
                               cell_timeout=job.cell_timeout,
                               notebook_timeout=job.notebook_timeout,
                               interrupt_on_timeout=True, allow_errors=True, sign=False,
                               limits=limits)
        if sandbox.folder_bytes(tmp, stop=job.disk_mb * 1024 * 1024) > job.disk_mb * 1024 ** 2:
            _disk_full(job, result)
        else:
            _read_run(job, run, report, result, path.parent)
    if result["status"] in (CRASHED, TIMED_OUT, DISK_FULL) and not result["checks"]:
        result["checks"] = [{"exercise": job.exercise, "check": spec.id, "title": spec.title,
                             "status": "not_run", "messages": []} for spec in checks(job.exercise)]
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _check_answers(job: FeedbackJob, output: dict, folder: Path, result: dict) -> bool:
    """Run the exercise's checks here on the answers the kernel exported; False if there
    were none to read."""
    raw = output.get("data", {}).get(ANSWERS_MIME)
    if raw is None:
        return False
    if isinstance(raw, str) and len(raw) > MAX_BYTES:
        result["problem"] = "Svaren är för stora för att kontrolleras (över 20 MB)."
        return True
    try:
        answers = decode(json.loads(raw) if isinstance(raw, str) else raw)
    except ValueError:
        answers = None
    if not isinstance(answers, dict):
        result["problem"] = "Svaren gick inte att läsa ur anteckningsboken."
        return True
    here = os.getcwd()
    try:
        os.chdir(folder)  # answers that name files are relative to the notebook
        report = run_checks(job.exercise, answers)
    finally:
        os.chdir(here)
    result["checks"] = [r.as_dict() for r in report.results]
    result["problem"] = report.problem
    return True


def _read_run(job: FeedbackJob, run, report: int, result: dict, folder: Path) -> None:
    """Fill ``result`` from the executor's account of the run (cells, errors, time)."""
    timed_out = run.reason == NOTEBOOK_TIMEOUT
    if run.skipped:
        result["status"] = TIMED_OUT
    crashed_at = None
    if run.exception is not None:
        if type(run.exception).__name__ == "DeadKernelError":
            result["status"] = TIMED_OUT if timed_out else CRASHED
            crashed_at = run.stopped_at
        elif result["status"] == RAN:
            result["status"] = TIMED_OUT if timed_out else CRASHED
            result["problem"] = f"{type(run.exception).__name__}: {run.exception}"[:300]
    if run.nb is None:
        return
    cells = run.nb.cells
    numbers, count = {}, 0
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and index != report:
            count += 1
            numbers[index] = count
    if crashed_at is not None and crashed_at != report:
        result["crash_cell"] = {"cell": numbers.get(crashed_at),
                                "line": _first_line(cells[crashed_at].source)}
    for cell_run in run.cells:
        if cell_run.index == crashed_at:
            continue
        cell = cells[cell_run.index]
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if cell_run.index == report:
            for output in cell.get("outputs", []):
                if _check_answers(job, output, folder, result):
                    break
            if errors and not result["checks"]:
                result["status"] = BROKEN
                result["problem"] = (f"Kontrollerna kunde inte köras: "
                                     f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
            continue
        where = {"cell": numbers[cell_run.index], "line": _first_line(cell.source)}
        if cell_run.seconds >= job.cell_timeout * 0.95:
            # Interrupted: an interrupt inside an import may leave no error output.
            result["timeouts"].append({**where, "seconds": job.cell_timeout})
            continue
        for error in errors:
            if error.get("ename") == "NameError" and _is_helper_call(cell.source):
                continue  # a check of an answer that failed above: already said
            value = " ".join(str(error.get("evalue", "")).split())
            result["cell_errors"].append({
                **where, "ename": error.get("ename", "Fel"),
                "evalue": value if len(value) <= 300 else value[:297] + "…"})


def _not_started(slug: str, exercise_id: str, notebook: str) -> dict:
    return {"participant": slug, "exercise": exercise_id, "file": notebook,
            "status": NOT_STARTED, "seconds": 0.0, "cell_errors": [], "timeouts": [],
            "problem": "",
            "checks": [{"exercise": exercise_id, "check": spec.id, "title": spec.title,
                        "status": MISSING, "messages": [NOT_FILLED_IN]}
                       for spec in checks(exercise_id)]}


def _choose(files: list[dict]) -> dict:
    """The notebook to give feedback on: one the participant changed, the newest first."""
    changed = [f for f in files if f.get("pristine") is not True]
    pool = changed or files
    return max(pool, key=lambda f: (f.get("modified", ""), f["path"]))


def plan_feedback(snapshot: Path, cell_timeout: int, notebook_timeout: int
                  ) -> tuple[dict, list[FeedbackJob], list[dict]]:
    """The snapshot's manifest, the notebooks to run, and the results known without running
    (notebooks still as released: not started)."""
    manifest = read_snapshot(snapshot)
    jobs, known = [], []
    for person in manifest["participants"]:
        by_exercise: dict[str, list[dict]] = {}
        for item in person["files"]:
            if item.get("exercise") in EXERCISES:
                by_exercise.setdefault(item["exercise"], []).append(item)
        for exercise_id, files in sorted(by_exercise.items(),
                                         key=lambda kv: EXERCISES[kv[0]].number):
            chosen = _choose(files)
            if chosen.get("pristine") is True:
                known.append(_not_started(person["slug"], exercise_id, chosen["path"]))
                continue
            folder = (snapshot / person["slug"]).resolve()
            try:
                content = (folder / chosen["path"]).read_bytes()
            except OSError:
                content = None
            expected = chosen.get("sha256")
            if content is None or (expected and hashlib.sha256(content).hexdigest() != expected):
                job = FeedbackJob(person["slug"], exercise_id, str(folder), chosen["path"],
                                  cell_timeout, notebook_timeout)
                known.append({**_result(job, BROKEN), "problem": (
                    "Filen i insamlingen saknas eller har ändrats efter insamlingen (den "
                    "stämmer inte med insamling.json). Samla in på nytt med kompetens cohort "
                    "collect.")})
                continue
            jobs.append(FeedbackJob(person["slug"], exercise_id, str(folder), chosen["path"],
                                    cell_timeout, notebook_timeout, content))
    return manifest, jobs, known


def _crashed(job: FeedbackJob, exc: BaseException | None = None) -> dict:
    detail = f" ({type(exc).__name__})" if exc is not None else ""
    return {**_result(job, CRASHED), "problem": (
        "Processen som körde anteckningsboken stoppades av koden i den" + detail + "; "
        "de andra deltagarnas anteckningsböcker påverkades inte.")}


def _run_pool(jobs: list[FeedbackJob], workers: int, report) -> list[FeedbackJob]:
    """Run ``jobs`` in a pool; return those whose worker died (a dead worker breaks the
    whole pool, so they may be innocent: they are run again)."""
    again: list[FeedbackJob] = []
    with spawn_pool(workers) as pool:
        futures = {pool.submit(run_feedback_job, job): job for job in jobs}
        try:
            for future in cf.as_completed(futures):
                job = futures[future]
                try:
                    report(future.result())
                except cf.process.BrokenProcessPool:
                    again.append(job)
                except Exception as exc:  # noqa: BLE001 - a worker process died
                    report(_crashed(job, exc))
        except KeyboardInterrupt:
            stop_pool(pool)
            raise
    return again


def run_jobs(jobs: list[FeedbackJob], workers: int | None = None, progress=None) -> list[dict]:
    """Run feedback jobs, in parallel worker processes when there is more than one;
    ``progress(result, finished, total)`` is called as each one finishes. A notebook whose
    code stops its worker affects only its own result: the notebooks that shared the broken
    pool are run again, each in a pool of its own. Ctrl-C stops the workers at once and is
    raised again."""
    results: list[dict] = []
    if not jobs:
        return results

    def report(result: dict) -> None:
        results.append(result)
        if progress:
            progress(result, len(results), len(jobs))

    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        for job in jobs:
            report(run_feedback_job(job))
        return results
    again = _run_pool(jobs, workers, report)
    for job in again:  # alone now: a pool that breaks again was broken by this notebook
        for retried in _run_pool([job], 1, report):
            report(_crashed(retried))
    return results


def _read_only(snapshot: Path) -> list[tuple[str, int]]:
    """Make the snapshot read-only (files 0400, folders 0500) while participants' code runs;
    returns the modes to put back. (Only a hurdle where the sandbox is missing: code run by
    the same user may change the modes back, and root ignores them.)"""
    modes = []
    for folder, _dirs, files in os.walk(snapshot, topdown=False):
        for path in [os.path.join(folder, n) for n in files] + [folder]:
            try:
                info = os.lstat(path)
                if not os.path.islink(path):
                    modes.append((path, info.st_mode & 0o7777))
                    os.chmod(path, 0o500 if os.path.isdir(path) else 0o400)
            except OSError:
                pass
    return modes


def _restore_modes(modes: list[tuple[str, int]]) -> None:
    for path, mode in reversed(modes):
        try:
            os.chmod(path, mode)
        except OSError:
            pass


def _manifest_sha(snapshot: Path) -> str:
    try:
        return hashlib.sha256((snapshot / SNAPSHOT_MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return ""


def _changed_files(snapshot: Path, manifest: dict, manifest_sha: str) -> list[str]:
    """The snapshot's files that no longer match their checksums in the manifest (read
    before the run), the manifest itself first if it changed."""
    changed = [SNAPSHOT_MANIFEST] if _manifest_sha(snapshot) != manifest_sha else []
    for person in manifest["participants"]:
        for item in person["files"]:
            name = f"{person['slug']}/{item.get('path', '')}"
            expected = item.get("sha256")
            try:
                data = (snapshot / person["slug"] / item["path"]).read_bytes()
            except (OSError, KeyError, TypeError):
                changed.append(name)
                continue
            if expected and hashlib.sha256(data).hexdigest() != expected:
                changed.append(name)
    return changed


def _remove_tree(folder: str) -> None:
    """Remove a run's working copies, whatever modes the participants' code left."""
    for path, dirs, _files in os.walk(folder):
        for name in dirs:
            try:
                os.chmod(os.path.join(path, name), 0o700)
            except OSError:
                pass
    shutil.rmtree(folder, ignore_errors=True)


def _make_out(out: Path) -> None:
    """Create the pages' folder before any participant's code runs (a Swedish error if it
    cannot be: then nothing is run)."""
    if out.exists() and not out.is_dir():
        raise KompetensError(f"--out {out} är en fil, inte en mapp. Ange en mapp för "
                             "sidorna, t.ex. --out aterkoppling/traff1.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".skrivtest-")
        probe.close()
    except OSError as exc:
        raise KompetensError(f"Kan inte skriva sidorna i mappen --out {out} "
                             f"({exc.strerror or type(exc).__name__}). Ange en mapp du får "
                             "skriva i, t.ex. --out aterkoppling/traff1.") from None


def feedback(snapshot: str | os.PathLike, out: str | os.PathLike | None = None, *,
             cell_timeout: int = DEFAULT_CELL_TIMEOUT,
             notebook_timeout: int = DEFAULT_NOTEBOOK_TIMEOUT,
             workers: int | None = None, progress=None,
             disk_mb: int = DEFAULT_DISK_MB) -> Path:
    """Run the checks of every collected exercise notebook and write the feedback pages:
    ``<out>/index.html`` (the cohort), ``<out>/<deltagare>.html`` and ``aterkoppling.json``.
    Returns ``out``.

    The participants' code runs in private working copies in a temporary folder removed
    afterwards, each under ``disk_mb`` MB; in the sandbox where Linux allows it (the
    snapshot, its source, ``out`` and the other working copies out of sight, everything
    else read-only), else with the snapshot read-only. Either way the snapshot is checked
    against its checksums afterwards: files that changed are listed in ``aterkoppling.json``
    (``snapshot_changed``) and on the overview page. The pages are written by this process
    only, after all participants' code has stopped."""
    if cell_timeout < 1 or notebook_timeout < 1:
        raise KompetensError("Tidsgränserna måste vara minst 1 sekund.")
    if disk_mb < 1:
        raise KompetensError(f"Diskgränsen måste vara minst 1 MB, inte {disk_mb}.")
    snapshot = Path(snapshot)
    manifest_sha = _manifest_sha(snapshot)
    manifest, jobs, known = plan_feedback(snapshot, cell_timeout, notebook_timeout)
    # Files already changed since the collection are reported as such, not as changed now.
    changed_before = set(_changed_files(snapshot, manifest, manifest_sha)) if jobs else set()
    out = Path(out) if out else Path(DEFAULT_FEEDBACK_DIR) / snapshot.name
    _make_out(out)
    sandboxed = bool(jobs) and sandbox.available()
    started = time.monotonic()
    scratch = tempfile.mkdtemp(prefix="kompetens-feedback-")  # private (0700)
    # What the kernel must not see: this run's folders, the cohort's usual folders here,
    # and this folder itself (the sandbox never hides what holds Python or this package).
    hidden = [str(snapshot.resolve()), str(out.resolve()), scratch, os.getcwd(),
              *(str(Path(name).resolve()) for name in (DEFAULT_RELEASE_DIR,
                                                       DEFAULT_SNAPSHOT_DIR,
                                                       DEFAULT_FEEDBACK_DIR))]
    if isinstance(manifest.get("source"), str):
        hidden.append(manifest["source"])
    jobs = [dataclasses.replace(job, disk_mb=disk_mb, scratch=scratch, sandboxed=sandboxed,
                                hidden=tuple(hidden)) for job in jobs]
    modes = [] if sandboxed or not jobs else _read_only(snapshot)
    try:
        results = known + run_jobs(jobs, workers, progress)
    finally:
        _restore_modes(modes)
        _remove_tree(scratch)
    seconds = time.monotonic() - started
    changed = [name for name in (_changed_files(snapshot, manifest, manifest_sha)
                                 if jobs else []) if name not in changed_before]
    by_person: dict[str, dict[str, dict]] = {}
    for result in results:
        by_person.setdefault(result["participant"], {})[result["exercise"]] = result
    exercise_ids = sorted({r["exercise"] for r in results}, key=lambda e: EXERCISES[e].number)
    out.mkdir(parents=True, exist_ok=True)
    for person in manifest["participants"]:
        page = participant_page(person, by_person.get(person["slug"], {}),
                                 manifest["collected"], exercise_ids)
        atomic_write_text(out / f"{person['slug']}.html", page)
    atomic_write_text(out / "index.html",
                      overview_page({**manifest, "snapshot_changed": changed}, by_person,
                                    exercise_ids, seconds))
    record = {"collected": manifest["collected"], "snapshot": str(snapshot.resolve()),
              "sandboxed": sandboxed, "snapshot_changed": changed,
              "participants": [{"deltagare": p["deltagare"], "slug": p["slug"],
                                "region": p.get("region"),
                                "results": [by_person.get(p["slug"], {})[e] for e in exercise_ids
                                            if e in by_person.get(p["slug"], {})]}
                               for p in manifest["participants"]]}
    atomic_write_text(out / FEEDBACK_JSON, json.dumps(record, ensure_ascii=False, indent=1)
                      + "\n")
    # The pages name the participants and what they got wrong: for the facilitator only.
    make_tree_private(out)
    return out
