"""Feedback: run every collected exercise notebook with its checks and write the pages.

Each notebook runs in a copy of the participant's folder, in a fresh kernel, through the one
notebook executor (:mod:`kompetens_lib.publish.executor`) with a time limit per cell and per
notebook; what its checks said becomes a result (see :mod:`kompetens_lib.cohort.status`),
and :mod:`kompetens_lib.cohort.pages` turns the results into Swedish HTML pages.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.cohort.collect import read_snapshot
from kompetens_lib.cohort.pages import overview_page, participant_page
from kompetens_lib.cohort.status import BROKEN, CRASHED, NOT_STARTED, RAN, TIMED_OUT
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises import EXERCISES, MISSING, REPORT_MIME, checks
from kompetens_lib.publish.executor import ALWAYS_RUN_TAG, NOTEBOOK_TIMEOUT, execute_notebook
from kompetens_lib.publish.workers import spawn_pool, stop_pool

__all__ = ["DEFAULT_CELL_TIMEOUT", "DEFAULT_FEEDBACK_DIR", "DEFAULT_NOTEBOOK_TIMEOUT",
           "FEEDBACK_JSON", "FeedbackJob", "feedback", "plan_feedback", "run_feedback_job",
           "run_jobs"]

FEEDBACK_JSON = "aterkoppling.json"
DEFAULT_FEEDBACK_DIR = "aterkoppling"
DEFAULT_CELL_TIMEOUT = 60
DEFAULT_NOTEBOOK_TIMEOUT = 600
# Where a participant's mandate (exercise 1) is saved while their notebook runs: inside the
# temporary copy, never in the facilitator's own mandate folder.
MANDATE_ENV = "KOMPETENS_UPPDRAG"


@dataclass(frozen=True)
class FeedbackJob:
    """One notebook to give feedback on: whose, which exercise, where, and its time limits."""

    slug: str
    exercise: str
    folder: str  # the participant's folder in the snapshot
    notebook: str  # path relative to ``folder``
    cell_timeout: int
    notebook_timeout: int


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


def _report_cell_source(exercise_id: str) -> str:
    return ("import kompetens_lib.exercises as _kompetens_feedback\n"
            "from IPython.display import display as _kompetens_display\n"
            f"_kompetens_display(_kompetens_feedback.report({exercise_id!r}, globals()))")


def _result(job: FeedbackJob, status: str = RAN) -> dict:
    return {"participant": job.slug, "exercise": job.exercise, "file": job.notebook,
            "status": status, "seconds": 0.0, "cell_errors": [], "timeouts": [], "checks": [],
            "problem": ""}


def run_feedback_job(job: FeedbackJob) -> dict:
    """Execute one exercise notebook in a fresh kernel and return what its checks said.

    Runs in a copy of the participant's folder (their relative paths work, the snapshot is
    not changed). A cell that runs longer than ``cell_timeout`` is interrupted and the rest
    continues; after ``notebook_timeout`` seconds the remaining cells are skipped (the checks
    still run) and a kernel that does not stop is killed. Never raises, except on Ctrl-C.
    """
    import nbformat

    started = time.monotonic()
    result = _result(job)
    with tempfile.TemporaryDirectory(prefix="kompetens-feedback-") as tmp:
        work = Path(tmp) / "arbete"
        shutil.copytree(job.folder, work)
        path = work / job.notebook
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - a broken file is reported, not fatal
            result.update(status=BROKEN, problem=f"Filen går inte att läsa som anteckningsbok "
                                                 f"({type(exc).__name__}).")
            return result
        nb.cells.append(nbformat.v4.new_code_cell(_report_cell_source(job.exercise),
                                                  metadata={"tags": [ALWAYS_RUN_TAG]}))
        report = len(nb.cells) - 1
        run = execute_notebook(nb, None, cwd=path.parent, kernel="plain",
                               env={MANDATE_ENV: str(Path(tmp) / "uppdrag")},
                               cell_timeout=job.cell_timeout,
                               notebook_timeout=job.notebook_timeout,
                               interrupt_on_timeout=True, allow_errors=True, sign=False)
    _read_run(job, run, report, result)
    if result["status"] in (CRASHED, TIMED_OUT) and not result["checks"]:
        result["checks"] = [{"exercise": job.exercise, "check": spec.id, "title": spec.title,
                             "status": "not_run", "messages": []} for spec in checks(job.exercise)]
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _read_run(job: FeedbackJob, run, report: int, result: dict) -> None:
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
                data = output.get("data", {})
                if REPORT_MIME in data:
                    value = data[REPORT_MIME]
                    value = json.loads(value) if isinstance(value, str) else value
                    result["checks"] = list(value.get("checks", []))
                    result["problem"] = value.get("problem", "")
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
                        "status": MISSING, "messages": ["Fyll i cellen ovan först."]}
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
            else:
                jobs.append(FeedbackJob(person["slug"], exercise_id,
                                        str((snapshot / person["slug"]).resolve()),
                                        chosen["path"], cell_timeout, notebook_timeout))
    return manifest, jobs, known


def run_jobs(jobs: list[FeedbackJob], workers: int | None = None, progress=None) -> list[dict]:
    """Run feedback jobs, in parallel worker processes when there is more than one;
    ``progress(result, finished, total)`` is called as each one finishes. Ctrl-C stops the
    workers at once and is raised again."""
    results: list[dict] = []
    if not jobs:
        return results
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        for job in jobs:
            results.append(run_feedback_job(job))
            if progress:
                progress(results[-1], len(results), len(jobs))
        return results
    with spawn_pool(workers) as pool:
        futures = {pool.submit(run_feedback_job, job): job for job in jobs}
        try:
            for future in cf.as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker process died
                    result = {**_result(job, CRASHED),
                              "problem": f"{type(exc).__name__}: {exc}"[:300]}
                results.append(result)
                if progress:
                    progress(result, len(results), len(jobs))
        except KeyboardInterrupt:
            stop_pool(pool)
            raise
    return results


def feedback(snapshot: str | os.PathLike, out: str | os.PathLike | None = None, *,
             cell_timeout: int = DEFAULT_CELL_TIMEOUT,
             notebook_timeout: int = DEFAULT_NOTEBOOK_TIMEOUT,
             workers: int | None = None, progress=None) -> Path:
    """Run the checks of every collected exercise notebook and write the feedback pages:
    ``<out>/index.html`` (the cohort), ``<out>/<deltagare>.html`` and ``aterkoppling.json``.
    Returns ``out``."""
    if cell_timeout < 1 or notebook_timeout < 1:
        raise KompetensError("Tidsgränserna måste vara minst 1 sekund.")
    snapshot = Path(snapshot)
    manifest, jobs, known = plan_feedback(snapshot, cell_timeout, notebook_timeout)
    out = Path(out) if out else Path(DEFAULT_FEEDBACK_DIR) / snapshot.name
    started = time.monotonic()
    results = known + run_jobs(jobs, workers, progress)
    seconds = time.monotonic() - started
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
                      overview_page(manifest, by_person, exercise_ids, seconds))
    record = {"collected": manifest["collected"], "snapshot": str(snapshot.resolve()),
              "participants": [{"deltagare": p["deltagare"], "slug": p["slug"],
                                "region": p.get("region"),
                                "results": [by_person.get(p["slug"], {})[e] for e in exercise_ids
                                            if e in by_person.get(p["slug"], {})]}
                               for p in manifest["participants"]]}
    atomic_write_text(out / FEEDBACK_JSON, json.dumps(record, ensure_ascii=False, indent=1)
                      + "\n")
    return out

