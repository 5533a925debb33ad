"""Run the workbook's notebooks with papermill for one or more counties, in parallel.

Each (notebook, county) pair is a job executed in a worker process; a failing job does not
stop the others. A job whose inputs (notebook, parameters, data, library) are unchanged since
its last good run is skipped unless forced. Outputs are written to temporary files and moved
into place, so an interrupted run never leaves a half-written notebook or page that looks
complete.
"""

from __future__ import annotations

import ast
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
from kompetens_lib.publish.layout import (
    NOTEBOOK_DIR,
    NOTEBOOK_ENV,
    SCENARIO_DIR,
    SCENARIO_PARAMETER,
    STATE_DIR,
)
from kompetens_lib.publish.workers import spawn_pool, stop_pool
from kompetens_lib.reference.regions import region_name, region_slug, regions, resolve_region

__all__ = ["AREA_NOTEBOOKS", "FAILED_SUFFIX", "BuildScenario", "Job", "Result",
           "check_parameters", "execute", "install_scenario", "literal_parameters",
           "notebook_parameters", "plan", "read_build_scenario", "run_jobs", "write_summary"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = DEFAULT_CELL_TIMEOUT  # seconds per cell
TASKS_PER_WORKER = 120
#: A failed rerun of a notebook that had a good output writes the failed notebook beside it,
#: as ``NN_namn.misslyckad.ipynb``, and keeps the good one.
FAILED_SUFFIX = ".misslyckad"


@dataclass(frozen=True)
class Job:
    notebook: Path
    region: str
    out_dir: Path
    parameters: tuple[tuple[str, object], ...] = ()
    timeout: int = DEFAULT_TIMEOUT
    data: str | None = None
    fingerprint: str = ""
    #: Content hash of the build's scenario copy given to this notebook ("" when none).
    scenario: str = ""

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
    def failed_output(self) -> Path:
        return self.county_dir / f"{self.notebook.stem}{FAILED_SUFFIX}.ipynb"

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
    kept_good: bool = False  # failed, and the last good output was kept


def default_notebook_dir() -> Path:
    """``$KOMPETENS_NOTEBOOKS``, else ``./notebooks`` when it exists, else the checkout's."""
    if os.environ.get(NOTEBOOK_ENV):
        return Path(os.environ[NOTEBOOK_ENV])
    local = Path.cwd() / "notebooks"
    return local if local.is_dir() else NOTEBOOK_DIR


#: Notebooks for a planning area, not a county: built only by ``kompetens run --area``
#: (:mod:`kompetens_lib.publish.area_build`), never for every county.
AREA_NOTEBOOKS: tuple[str, ...] = ("09_planeringsomrade.ipynb",)


def find_notebooks(selection: list[str] | None = None, directory: Path | None = None) -> list[Path]:
    """The numbered county notebooks ``NN_*.ipynb`` in ``directory`` (not the planning-area
    notebooks of :data:`AREA_NOTEBOOKS`); ``selection`` keeps those whose number or name is
    listed ("01", "1", "01_nulage")."""
    directory = Path(directory or default_notebook_dir())
    found = sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb")
                   if p.name not in AREA_NOTEBOOKS)
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


def literal_parameters(source: str) -> dict:
    """Names assigned plain literals in a parameters cell (``region = "12"`` → {...});
    a value that is not a literal is kept as its source text."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise KompetensError(f"Parametercellen går inte att läsa som Python: {exc.msg} "
                             f"(rad {exc.lineno}).") from None
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                values[node.targets[0].id] = ast.unparse(node.value)
    return values


def notebook_parameters(path: Path) -> dict:
    """The parameters (name → default) of a notebook's cell tagged ``parameters``."""
    nb = nbformat.read(path, as_version=4)
    index = parameters_cell(nb)
    return {} if index is None else literal_parameters(nb.cells[index].source)


#: Parameters whose values are shares in [0, 1].
_SHARES = ("damping", "graduate_stay_share", "graduate_share")


def _typed(name: str, value: object, default: object) -> object:
    """``value`` as the type of the notebook's default (``--param group=103`` is the text
    "103" where the notebook has a text), or a Swedish error naming the expected kind."""
    if isinstance(default, bool):
        text = str(value).strip().lower()
        if isinstance(value, bool):
            return value
        if text in ("true", "ja", "1"):
            return True
        if text in ("false", "nej", "0"):
            return False
        raise KompetensError(f"Parametern {name} ska vara True eller False, inte {value!r}.")
    if isinstance(default, int):
        try:
            return int(str(value).strip())
        except ValueError:
            raise KompetensError(f"Parametern {name} ska vara ett heltal, t.ex. {default}; "
                                 f"fick {value!r}.") from None
    if isinstance(default, float):
        try:
            return float(str(value).strip().replace(",", "."))
        except ValueError:
            raise KompetensError(f"Parametern {name} ska vara ett tal, t.ex. "
                                 f"{str(default).replace('.', ',')}; fick {value!r}.") from None
    if isinstance(default, str):
        return str(value)
    raise KompetensError(f"Parametern {name} kan inte sättas med --param (den är "
                         f"{type(default).__name__} i anteckningsboken): ändra den i "
                         "anteckningsbokens parametercell.")


def check_parameters(parameters: dict, notebooks: list[Path], regions_: list[str],
                     data: str | None = None) -> dict:
    """``parameters`` checked once, before any work: every name must be a parameter of at
    least one of ``notebooks``, every value is converted to the type of its default and
    checked by the workbook's own validation (years, method, exit age, shares). Returns the
    parameters as the notebooks will get them; raises :class:`KompetensError` in Swedish
    naming the valid names or values."""
    from kompetens_lib._internal.checks import check_share
    from kompetens_lib.methods.supply import check_exit_age
    from kompetens_lib.workbook import params as workbook_params

    if not parameters:
        return {}
    known: dict[str, object] = {}
    for path in notebooks:
        for name, default in notebook_parameters(path).items():
            known.setdefault(name, default)
    unknown = [name for name in parameters if name not in known]
    if unknown:
        valid = ", ".join(sorted(n for n in known if n not in ("region", "data")))
        raise KompetensError(
            f"Okänd parameter: {', '.join(unknown)}. Ingen av de valda anteckningsböckerna har "
            f"den i sin parametercell. Giltiga namn: {valid}.")
    checked = {name: _typed(name, value, known[name]) for name, value in parameters.items()}
    scenario = {k: checked.get(k) for k in ("base_year", "target_year", "method")}
    if any(v is not None for v in scenario.values()):
        for code in regions_[:1]:  # the years and methods are the same for every county
            workbook_params.validate(code, scenario["base_year"], data,
                                     target_year=scenario["target_year"],
                                     method=scenario["method"])
    if "exit_age" in checked:
        check_exit_age(checked["exit_age"])
    for name in _SHARES:
        if name in checked:
            checked[name] = check_share(checked[name], name)
    return checked


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


def _file_inputs(job: Job) -> list[Path]:
    """Files the notebook reads besides the data: the county's mandate (issue 16) and any
    file named by a parameter (a scenario file)."""
    from kompetens_lib.workbook.mandate import mandate_path

    files = []
    try:
        mandate = mandate_path(job.region)
        if mandate.is_file():
            files.append(mandate)
    except Exception:  # noqa: BLE001 - no mandate folder: nothing to hash
        pass
    for name, value in job.params.items():
        if job.scenario and name == SCENARIO_PARAMETER:
            continue  # the build's copy, named by its content hash: the name fingerprints it
        if isinstance(value, str) and value.strip() and len(value) < 4096:
            try:
                path = Path(value).expanduser()
                if path.is_file():
                    files.append(path)
            except OSError:
                pass
    return files


def input_fingerprint(job: Job, library: str, data: str) -> str:
    digest = hashlib.sha256()
    digest.update(job.notebook.read_bytes())
    digest.update(json.dumps({"region": job.region, **job.params}, sort_keys=True,
                             default=str).encode())
    digest.update(library.encode())
    digest.update(data.encode())
    digest.update(f"scenario={job.scenario}".encode())
    from kompetens_lib.present.summaries import NAMES_ENV

    digest.update(f"names={os.environ.get(NAMES_ENV, '')}".encode())  # shown or not
    for path in _file_inputs(job):
        digest.update(str(path.resolve()).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    """The file's SHA-256, or None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _checksums(job: Job) -> dict[str, str | None]:
    return {job.output.name: file_sha256(job.output), job.html.name: file_sha256(job.html)}


def read_state(job) -> dict | None:
    """What the last run of a job (anything with a ``state_file``) recorded, or None."""
    try:
        return json.loads(job.state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def up_to_date(job: Job) -> dict | None:
    """The saved state if the job's last run succeeded with the same inputs and its
    outputs still exist with the checksums it recorded; else None."""
    state = read_state(job)
    if not state or not state.get("ok") or state.get("inputs") != job.fingerprint:
        return None
    if not (job.output.exists() and job.html.exists()):
        return None
    # A truncated, emptied or edited output is rebuilt: its checksum no longer matches.
    expected = state.get("checksums")
    if not expected or _checksums(job) != expected:
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

    leftovers = [(job.county_dir, f".{job.output.stem}.*.ipynb"),
                 (job.county_dir, f".{job.output.name}.*.tmp"),
                 (job.county_dir, f".{job.html.name}.*.tmp"),
                 (job.county_dir, f".{job.failed_output.name}.*.tmp"),
                 (job.state_file.parent, f".{job.state_file.name}.*.tmp")]
    for directory, pattern in leftovers:
        for path in directory.glob(pattern):
            try:
                path.unlink()
            except OSError:
                pass


def _write_notebook(nb: nbformat.NotebookNode, path: Path, *, sign: bool) -> None:
    from kompetens_lib._internal.files import atomic_write
    from kompetens_lib.publish.executor import sign_notebook

    if sign:
        sign_notebook(nb)
    atomic_write(path, lambda tmp: nbformat.write(nb, str(tmp)))


def execute(job: Job) -> Result:
    """Run one notebook for one county; never raises (errors go into the result), except
    on Ctrl-C, which leaves the county's outputs as they were."""
    from kompetens_lib.present.html_export import export_html
    from kompetens_lib.present.keyfigures import read as read_key_figures
    from kompetens_lib.publish import lean
    from kompetens_lib.publish.kernels import template_peak_mb

    started = time.perf_counter()
    job.county_dir.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(job)
    params = {"region": job.region, **job.params}
    if job.data:
        params["data"] = job.data  # the kernel also gets it in its environment
    result: Result
    kernel_peak = None
    previous = read_state(job)
    # A good output from an earlier run is never replaced by a failed one.
    good = previous if previous and previous.get("ok") and job.output.exists() else None
    if good is None and previous and previous.get("kept_good") and job.output.exists():
        good = previous["kept_good"]
    try:
        check_parameters_cell(job.notebook)
        # Keep the executed notebook even when a cell failed (it shows where): in place of
        # the output only when there is no good one to keep.
        run = execute_notebook(job.notebook, None, parameters=params, kernel="forked",
                               data=job.data, cwd=job.notebook.parent,
                               cell_timeout=job.timeout)
        kernel_peak = run.kernel_peak_mb
        if run.ok:
            nb = run.nb
            export_html(nb, job.html, include_code=True,
                        title=f"{job.notebook.stem} – {region_name(job.region)}")
            figures = read_key_figures(nb)
            # Lean before the checksums are taken: the chart library once per build.
            lean.link_shared_assets(job.html, job.county_dir.parent)
            lean.slim_notebook(nb)
            _write_notebook(nb, job.output, sign=True)
            result = Result(job, True, time.perf_counter() - started, key_figures=figures)
            try:
                job.failed_output.unlink()
            except OSError:
                pass
        else:
            result = Result(job, False, time.perf_counter() - started, error=run.error)
            if run.nb is not None:
                _write_notebook(run.nb, job.failed_output if good else job.output, sign=False)
    except BaseException as exc:  # noqa: BLE001 - a page that cannot be built fails the job
        if isinstance(exc, KeyboardInterrupt):
            raise
        result = Result(job, False, time.perf_counter() - started, error=one_line_error(exc))
    if not result.ok and good is not None:
        result.kept_good = True
        result.key_figures = list(good.get("key_figures", []))
        result.error += (f" – den senaste lyckade versionen ({good.get('finished', '?')}) finns "
                         f"kvar; den misslyckade körningen: {job.failed_output.name}")
    result.peak_mb, children_peak = _peak_mb()
    result.kernel_peak_mb = round(kernel_peak, 1) if kernel_peak is not None else children_peak
    result.template_peak_mb = round(template_peak_mb(), 1)
    state = {"inputs": job.fingerprint, "ok": result.ok, "error": result.error,
             "seconds": round(result.seconds, 2), "key_figures": result.key_figures,
             "worker_peak_mb": result.peak_mb, "kernel_peak_mb": result.kernel_peak_mb,
             "template_peak_mb": result.template_peak_mb,
             "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
             "checksums": _checksums(job) if result.ok else None}
    if result.kept_good:
        state["kept_good"] = {k: v for k, v in good.items() if k != "kept_good"}
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


# --- an establishment scenario for the whole build (kompetens run --scenario) ---------------

@dataclass(frozen=True)
class BuildScenario:
    """A validated scenario file and the copy of it the build keeps and gives its notebooks."""

    source: Path
    #: The copy: the events in the format of docs/scenarier.md, no comments.
    text: str
    title: str
    names: tuple[str, ...]
    regions: tuple[str, ...]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    @property
    def file_name(self) -> str:
        return f"{self.source.stem}.toml"

    def copy_path(self, out_dir: Path) -> Path:
        """Where the build keeps the copy: its name says which content it holds."""
        return Path(out_dir) / SCENARIO_DIR / self.digest / self.file_name


def read_build_scenario(path: str | os.PathLike, data: str | None = None) -> BuildScenario:
    """Read and validate ``kompetens run --scenario FILE`` before any work: start years within
    the data's forecast years. Raises :class:`KompetensError` in Swedish naming the file and
    every problem (:mod:`kompetens_lib.workbook.scenario_file`)."""
    from kompetens_lib.workbook.establishment_effect import parse_scenario
    from kompetens_lib.workbook.scenario_file import scenario_title, scenario_toml

    if data:
        from kompetens_lib.data.tables import source_dir

        source_dir(data)  # an unknown source is the data layer's message, not the scenario's
    file = Path(path).expanduser()
    if file.is_dir():
        raise KompetensError(f"--scenario {path}: det är en mapp, inte en fil. Ange en "
                             "scenariofil (.toml eller .csv), se docs/scenarier.md.")
    try:
        events = parse_scenario(str(file), data)
    except KompetensError as exc:
        raise KompetensError(f"Scenariofilen {path} (--scenario) går inte att använda. "
                             f"{exc}") from None
    title = scenario_title(file)
    regions_ = tuple(dict.fromkeys(e.region for e in events))
    return BuildScenario(file.resolve(), scenario_toml(events, title), title,
                         tuple(e.name for e in events), regions_)


def install_scenario(scenario: BuildScenario, out_dir: Path) -> Path:
    """Write the build's copy of the scenario (atomically; once per content)."""
    path = scenario.copy_path(out_dir)
    try:
        if path.read_text(encoding="utf-8") == scenario.text:
            return path
    except OSError:
        pass
    atomic_write_text(path, scenario.text)
    return path


def _scenario_value(scenario: BuildScenario, out_dir: Path, notebook: Path) -> str:
    """The copy's path as the notebook sees it: relative to the folder it runs in (no home
    folder in a shared build), absolute where no relative path exists."""
    copy = scenario.copy_path(out_dir).resolve()
    try:
        return Path(os.path.relpath(copy, notebook.parent)).as_posix()
    except ValueError:  # another drive on Windows
        return str(copy)


def plan(region_values: list[str] | None, all_regions: bool, notebooks: list[str] | None,
         out_dir: Path, parameters: dict | None = None, notebook_dir: Path | None = None,
         *, data: str | None = None, timeout: int = DEFAULT_TIMEOUT,
         scenario: BuildScenario | None = None) -> list[Job]:
    """Resolve counties and notebooks into jobs; bad input stops here, before any work.

    With a ``scenario`` every notebook that declares :data:`SCENARIO_PARAMETER` gets the
    path of the build's copy (:func:`install_scenario` writes it); the others are unchanged.
    """
    if region_values and all_regions:
        raise KompetensError("Ange antingen --region eller --all, inte båda.")
    codes = _split_regions(region_values) if region_values else regions()["code"].tolist()
    chosen = find_notebooks(notebooks, notebook_dir)
    for nb in chosen:
        check_parameters_cell(nb)
    if data:
        from kompetens_lib.data.tables import source_dir

        source_dir(data)  # an unknown source stops here, with the data layer's message
    if SCENARIO_PARAMETER in (parameters or {}):
        raise KompetensError(f"Ange scenariofilen med --scenario FIL, inte med --param "
                             f"{SCENARIO_PARAMETER}=…: då kontrolleras den innan något körs och "
                             "en kopia sparas i bygget.")
    parameters = check_parameters(parameters or {}, chosen, codes, data)
    takes_scenario = {nb: scenario is not None and SCENARIO_PARAMETER in notebook_parameters(nb)
                      for nb in chosen}
    library = library_fingerprint()
    data_print = data_fingerprint(data)
    items = tuple(sorted((parameters or {}).items()))
    jobs = []
    for code in codes:
        for nb in chosen:
            given, digest = items, ""
            if takes_scenario[nb]:
                value = _scenario_value(scenario, Path(out_dir), nb.resolve())
                given = tuple(sorted({**dict(items), SCENARIO_PARAMETER: value}.items()))
                digest = scenario.digest
            job = Job(nb.resolve(), code, Path(out_dir), given, timeout, data, scenario=digest)
            jobs.append(Job(job.notebook, code, job.out_dir, given, timeout, data,
                            input_fingerprint(job, library, data_print), digest))
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
        # A kept good notebook (its rerun failed) still belongs in the county's report.
        return (code, jobs[index].county_dir,
                [r.job.output for r in items if r.ok or r.kept_good])

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
                "skipped": r.skipped, "kept_good": r.kept_good,
                "seconds": round(r.seconds, 2), "error": r.error,
                "worker_peak_mb": r.peak_mb, "kernel_peak_mb": r.kernel_peak_mb,
                "template_peak_mb": r.template_peak_mb, "output": str(r.job.output),
                "key_figures": r.key_figures} for r in results]
    path = Path(out_dir) / "run.json"
    atomic_write_text(path, json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return path
