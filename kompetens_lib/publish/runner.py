"""Run the workbook's notebooks with papermill for one or more counties, in parallel.

Each (notebook, county) pair is a job executed in a worker process; a failing job does not
stop the others. A job whose inputs (notebook, parameters, data, library) are unchanged since
its last good run is skipped unless forced. Outputs are written to temporary files and moved
into place, so an interrupted run never leaves a half-written notebook or page that looks
complete.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kompetens_lib import __version__
from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.errors import KompetensError
from kompetens_lib.publish.executor import DEFAULT_CELL_TIMEOUT, execute_notebook, one_line_error
from kompetens_lib.publish.layout import CHART_DIR, NOTEBOOK_DIR, NOTEBOOK_ENV, STATE_DIR
from kompetens_lib.publish.workers import spawn_pool, stop_pool
from kompetens_lib.reference.regions import region_name, region_slug, regions, resolve_region

__all__ = ["Job", "Result", "execute", "plan", "run_jobs", "write_summary"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = DEFAULT_CELL_TIMEOUT  # seconds per cell
TASKS_PER_WORKER = 120


@dataclass(frozen=True)
class Job:
    notebook: Path
    region: str
    out_dir: Path
    parameters: tuple[tuple[str, object], ...] = ()
    timeout: int = DEFAULT_TIMEOUT
    data: str | None = None
    fingerprint: str = ""

    @property
    def params(self) -> dict:
        return dict(self.parameters)

    @property
    def county_dir(self) -> Path:
        return self.out_dir / f"{self.region}-{region_slug(self.region)}"

    @property
    def output(self) -> Path:
        return self.county_dir / self.notebook.name

    @property
    def html(self) -> Path:
        return self.output.with_suffix(".html")

    @property
    def state_file(self) -> Path:
        return self.county_dir / STATE_DIR / f"{self.notebook.stem}.json"


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    error: str = ""
    key_figures: list = field(default_factory=list)
    skipped: bool = False
    peak_mb: float = 0.0
    kernel_peak_mb: float = 0.0
    template_peak_mb: float = 0.0


def default_notebook_dir() -> Path:
    """``$KOMPETENS_NOTEBOOKS``, else ``./notebooks`` when it exists, else the checkout's."""
    if os.environ.get(NOTEBOOK_ENV):
        return Path(os.environ[NOTEBOOK_ENV])
    local = Path.cwd() / "notebooks"
    return local if local.is_dir() else NOTEBOOK_DIR


def find_notebooks(selection: list[str] | None = None, directory: Path | None = None) -> list[Path]:
    """The numbered notebooks ``NN_*.ipynb`` in ``directory``; ``selection`` keeps those
    whose number or name is listed ("01", "1", "01_nulage")."""
    directory = Path(directory or default_notebook_dir())
    found = sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise KompetensError(
            f"Hittade inga arbetsboksanteckningsböcker (NN_namn.ipynb) i {directory}.")
    if not selection:
        return found
    chosen = []
    for wanted in selection:
        key = wanted.strip().removesuffix(".ipynb")
        matches = [p for p in found
                   if p.stem == key or p.stem.split("_")[0] == key.zfill(2)]
        if not matches:
            valid = ", ".join(p.stem for p in found)
            raise KompetensError(f"Okänd anteckningsbok: {wanted!r}. Giltiga: {valid}.")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def parameters_cell(nb: nbformat.NotebookNode) -> int | None:
    """Index of the cell tagged ``parameters``, or None."""
    for index, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return index
    return None


def check_parameters_cell(path: Path) -> None:
    """Refuse a notebook without a cell tagged ``parameters`` (papermill only warns)."""
    if parameters_cell(nbformat.read(path, as_version=4)) is None:
        raise KompetensError(
            f"Anteckningsboken {path.name} saknar en parametercell. Lägg parametrarna (t.ex. "
            "region = \"12\") i en egen kodcell överst och ge den taggen 'parameters' (i "
            "JupyterLab: markera cellen, öppna kugghjulet i högerpanelen och skriv "
            "parameters under Cell Tags)."
        )


# --- incremental builds -------------------------------------------------------------------

def _hash_files(paths: list[Path], root: Path | None = None) -> str:
    """Hash names and contents; names relative to ``root`` (so a moved file counts)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update((path.relative_to(root).as_posix() if root else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def library_fingerprint(package: Path | None = None) -> str:
    """Version and source of the library: a code change makes every notebook stale.

    Every ``.py`` file of every subpackage counts, by its path inside the package.
    """
    package = Path(__file__).resolve().parents[1] if package is None else Path(package)
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    return __version__ + ":" + _hash_files(files, package)


def data_fingerprint(source: str | None) -> str:
    """Content hash of the data source's table files (the bundled example data by default)."""
    from kompetens_lib.data.tables import source_dir

    directory = source_dir(source)
    files = [p for p in directory.iterdir()
             if p.is_file() and p.suffix in (".parquet", ".csv", ".json")]
    return str(directory) + ":" + _hash_files(files)


def input_fingerprint(job: Job, library: str, data: str) -> str:
    digest = hashlib.sha256()
    digest.update(job.notebook.read_bytes())
    digest.update(json.dumps({"region": job.region, **job.params}, sort_keys=True,
                             default=str).encode())
    digest.update(library.encode())
    digest.update(data.encode())
    return digest.hexdigest()


def _read_state(job: Job) -> dict | None:
    try:
        return json.loads(job.state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def up_to_date(job: Job) -> dict | None:
    """The saved state if the job's last run succeeded with the same inputs and its
    outputs still exist; else None."""
    state = _read_state(job)
    if not state or not state.get("ok") or state.get("inputs") != job.fingerprint:
        return None
    if not (job.output.exists() and job.html.exists()):
        return None
    return state


# --- execution -------------------------------------------------------------------------------

def _peak_mb() -> tuple[float, float]:
    import resource

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(self_kb / 1024, 1), round(child_kb / 1024, 1)


def _remove_leftovers(job: Job) -> None:
    """Temporary files of this job left by a run that was stopped (Ctrl-C, a killed worker):
    only this job writes them, so they cannot belong to anything still running."""

    number = job.notebook.stem.split("_")[0]
    leftovers = [(job.county_dir, f".{job.output.stem}.*.ipynb"),
                 (job.county_dir, f".{job.output.name}.*.tmp"),
                 (job.county_dir, f".{job.html.name}.*.tmp"),
                 (job.county_dir / CHART_DIR, f".{number}-*.tmp"),
                 (job.state_file.parent, f".{job.state_file.name}.*.tmp")]
    for directory, pattern in leftovers:
        for path in directory.glob(pattern):
            try:
                path.unlink()
            except OSError:
                pass


def execute(job: Job) -> Result:
    """Run one notebook for one county; never raises (errors go into the result), except
    on Ctrl-C, which leaves the county's outputs as they were."""
    from kompetens_lib.present.html_export import export_html
    from kompetens_lib.present.keyfigures import read as read_key_figures
    from kompetens_lib.publish.kernels import template_peak_mb
    from kompetens_lib.publish.report import export_charts

    started = time.perf_counter()
    job.county_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(job)
    params = {"region": job.region, **job.params}
    if job.data:
        params["data"] = job.data  # the kernel also gets it in its environment
    result: Result
    kernel_peak = None
    try:
        check_parameters_cell(job.notebook)
        # Keep the executed notebook even when a cell failed: it shows where.
        run = execute_notebook(job.notebook, job.output, parameters=params, kernel="forked",
                               data=job.data, cwd=job.notebook.parent,
                               cell_timeout=job.timeout, keep_failed=True)
        kernel_peak = run.kernel_peak_mb
        if run.ok:
            nb = run.nb
            export_html(nb, job.html, include_code=True,
                        title=f"{job.notebook.stem} – {region_name(job.region)}")
            export_charts(nb, job.county_dir / CHART_DIR, prefix=job.notebook.stem)
            figures = read_key_figures(nb)
            result = Result(job, True, time.perf_counter() - started, key_figures=figures)
        else:
            result = Result(job, False, time.perf_counter() - started, error=run.error)
    except BaseException as exc:  # noqa: BLE001 - a page that cannot be built fails the job
        if isinstance(exc, KeyboardInterrupt):
            raise
        result = Result(job, False, time.perf_counter() - started, error=one_line_error(exc))
    result.peak_mb, children_peak = _peak_mb()
    result.kernel_peak_mb = round(kernel_peak, 1) if kernel_peak is not None else children_peak
    result.template_peak_mb = round(template_peak_mb(), 1)
    state = {"inputs": job.fingerprint, "ok": result.ok, "error": result.error,
             "seconds": round(result.seconds, 2), "key_figures": result.key_figures,
             "worker_peak_mb": result.peak_mb, "kernel_peak_mb": result.kernel_peak_mb,
             "template_peak_mb": result.template_peak_mb,
             "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    atomic_write_text(job.state_file, json.dumps(state, ensure_ascii=False, indent=1))
    return result


def _split_regions(values: list[str]) -> list[str]:
    codes: list[str] = []
    for value in values:
        for part in str(value).split(","):
            if part.strip():
                code = resolve_region(part.strip())
                if code not in codes:
                    codes.append(code)
    return codes


def plan(region_values: list[str] | None, all_regions: bool, notebooks: list[str] | None,
         out_dir: Path, parameters: dict | None = None, notebook_dir: Path | None = None,
         *, data: str | None = None, timeout: int = DEFAULT_TIMEOUT) -> list[Job]:
    """Resolve counties and notebooks into jobs; bad input stops here, before any work."""
    if region_values and all_regions:
        raise KompetensError("Ange antingen --region eller --all, inte båda.")
    codes = _split_regions(region_values) if region_values else regions()["code"].tolist()
    chosen = find_notebooks(notebooks, notebook_dir)
    for nb in chosen:
        check_parameters_cell(nb)
    if data:
        from kompetens_lib.data.tables import source_dir

        source_dir(data)  # an unknown source stops here, with the data layer's message
    library = library_fingerprint()
    data_print = data_fingerprint(data)
    items = tuple(sorted((parameters or {}).items()))
    jobs = []
    for code in codes:
        for nb in chosen:
            job = Job(nb.resolve(), code, Path(out_dir), items, timeout, data)
            jobs.append(Job(job.notebook, code, job.out_dir, items, timeout, data,
                            input_fingerprint(job, library, data_print)))
    return jobs


def run_jobs(jobs: list[Job], workers: int | None = None, progress=None,
             *, force: bool = False, after_region=None) -> list[Result]:
    """Execute jobs in ``workers`` processes (default: one per core); jobs that are up to
    date are skipped (and reported) unless ``force``.

    ``after_region(code, folder, executed)``, a picklable function, runs in a worker as soon
    as all of a county's jobs are done and at least one of them ran, with the county's output
    folder and the executed notebooks that succeeded: the county's report is built while
    other counties still run. Its failures are reported as warnings; they do not fail the
    run.
    """
    results: dict[int, Result] = {}
    pending: list[int] = []
    by_region: dict[str, list[int]] = {}
    for index, job in enumerate(jobs):
        by_region.setdefault(job.region, []).append(index)
        state = None if force else up_to_date(job)
        if state is not None:
            results[index] = Result(job, True, 0.0, key_figures=state.get("key_figures", []),
                                    skipped=True)
            if progress:
                progress(results[index], len(results), len(jobs))
        else:
            pending.append(index)
    if not pending:
        return [results[i] for i in range(len(jobs))]

    def region_done(index: int) -> tuple | None:
        """(code, folder, executed) when ``index`` was the last job of its county to finish."""
        code = jobs[index].region
        items = [results.get(i) for i in by_region[code]]
        if after_region is None or any(r is None for r in items) or all(r.skipped
                                                                        for r in items):
            return None
        return (code, jobs[index].county_dir, [r.job.output for r in items if r.ok])

    workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    if workers == 1:
        try:
            for index in pending:
                results[index] = execute(jobs[index])
                if progress:
                    progress(results[index], len(results), len(jobs))
                task = region_done(index)
                if task:
                    _after_region_safely(after_region, *task)
        finally:
            from kompetens_lib.publish.kernels import shutdown

            shutdown()
        return [results[i] for i in range(len(jobs))]

    def collect(pool, futures: dict, extra: list) -> None:
        for future in cf.as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except BaseException as exc:  # noqa: BLE001 - a crashed worker process
                result = Result(jobs[index], False, 0.0, error=one_line_error(exc))
            results[index] = result
            if progress:
                progress(result, len(results), len(jobs))
            task = region_done(index)
            if task:
                extra.append(pool.submit(_after_region_safely, after_region, *task))

    # Workers are replaced after TASKS_PER_WORKER notebooks each (a fresh pool per chunk),
    # which bounds what a long build can accumulate in one process. (ProcessPoolExecutor's
    # own max_tasks_per_child can deadlock on Python 3.11.)
    chunk = workers * TASKS_PER_WORKER
    for start in range(0, len(pending), chunk):
        part = pending[start:start + chunk]
        with spawn_pool(min(workers, len(part))) as pool:
            futures = {pool.submit(execute, jobs[i]): i for i in part}
            extra = []
            try:
                collect(pool, futures, extra)
                for future in extra:
                    try:
                        future.result()
                    except Exception as exc:  # noqa: BLE001 - a crashed worker process
                        logger.warning("en länsrapport kunde inte byggas: %s", one_line_error(exc))
            except KeyboardInterrupt:
                stop_pool(pool)
                raise
    return [results[i] for i in range(len(jobs))]


def _after_region_safely(function, code: str, folder: Path, executed: list[Path]) -> None:
    try:
        function(code, folder, executed)
    except Exception as exc:  # noqa: BLE001 - a report must not fail the run
        logger.warning("rapporten för %s kunde inte byggas: %s", region_name(code),
                       one_line_error(exc))


def write_summary(out_dir: Path, results: list[Result]) -> Path:
    """``run.json``: what ran, how long it took and what failed."""
    records = [{"notebook": r.job.notebook.name, "region": r.job.region, "ok": r.ok,
                "skipped": r.skipped, "seconds": round(r.seconds, 2), "error": r.error,
                "worker_peak_mb": r.peak_mb, "kernel_peak_mb": r.kernel_peak_mb,
                "template_peak_mb": r.template_peak_mb, "output": str(r.job.output),
                "key_figures": r.key_figures} for r in results]
    path = Path(out_dir) / "run.json"
    atomic_write_text(path, json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return path
