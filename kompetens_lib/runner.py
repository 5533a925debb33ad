"""Run the workbook's notebooks with papermill for one or more counties, in parallel.

Each (notebook, county) pair is a job executed in a worker process; a failing job does not
stop the others. Outputs are written to temporary files and moved into place, so an
interrupted run never leaves a half-written notebook or page that looks complete.
"""

from __future__ import annotations

import concurrent.futures as cf
import html
import json
import multiprocessing
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

from .errors import KompetensError
from .regions import region_name, regions, resolve_region

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK_ENV = "KOMPETENS_NOTEBOOKS"
DEFAULT_TIMEOUT = 600  # seconds per cell


@dataclass(frozen=True)
class Job:
    notebook: Path
    region: str
    out_dir: Path
    parameters: dict = field(default_factory=dict)
    timeout: int = DEFAULT_TIMEOUT

    @property
    def county_dir(self) -> Path:
        slug = regions().set_index("code").loc[self.region, "slug"]
        return self.out_dir / f"{self.region}-{slug}"

    @property
    def output(self) -> Path:
        return self.county_dir / self.notebook.name

    @property
    def html(self) -> Path:
        return self.output.with_suffix(".html")


@dataclass
class Result:
    job: Job
    ok: bool
    seconds: float
    error: str = ""
    key_figures: list = field(default_factory=list)


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
        raise KompetensError(f"Hittade inga arbetsboksanteckningsböcker (NN_namn.ipynb) i {directory}.")
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


def check_parameters_cell(path: Path) -> None:
    """Refuse a notebook without a cell tagged ``parameters`` (papermill only warns)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return
    raise KompetensError(
        f"Anteckningsboken {path.name} saknar en parametercell. Lägg parametrarna (t.ex. "
        "region = \"12\") i en egen kodcell och ge den taggen 'parameters' (i JupyterLab: "
        "högerpanelen → Property Inspector → Cell Tags)."
    )


def _readable(path: str | Path) -> None:
    """Give a temporary file the usual permissions (mkstemp makes it owner-only)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        _readable(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _sign(path: str) -> None:
    """Mark an executed notebook as trusted on this machine, so that JupyterLab runs its
    chart outputs when it is opened (papermill's notebooks are unsigned)."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.sign.NotebookNotary().sign(nb)
    except Exception:  # noqa: BLE001 - signing is a convenience, never a reason to fail
        pass


def _one_line_error(exc: BaseException) -> str:
    """'cell N: ErrorName: message' for papermill errors, else 'ErrorName: message'."""
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    value = " ".join(str(value).split())
    cell = getattr(exc, "exec_count", None)
    where = f"cell {cell}: " if cell else ""
    text = f"{where}{name}: {value}"
    return text if len(text) <= 300 else text[:297] + "…"


def execute(job: Job) -> Result:
    """Run one notebook for one county; never raises (errors go into the result)."""
    import papermill  # kompetens_lib's import has made its slow dependency lazy

    from .html_export import export_html
    from .profile import read_key_figures

    started = time.perf_counter()
    job.county_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=job.county_dir, prefix=f".{job.output.stem}.",
                               suffix=".ipynb")
    os.close(fd)
    params = {"region": job.region, **job.parameters}
    try:
        check_parameters_cell(job.notebook)
        try:
            papermill.execute_notebook(
                str(job.notebook), tmp, parameters=params, kernel_name="python3",
                progress_bar=False, log_output=False, cwd=str(job.notebook.parent),
                execution_timeout=job.timeout,
            )
        finally:
            # Keep the executed notebook even when a cell failed: it shows where.
            if os.path.getsize(tmp) > 0:
                _sign(tmp)
                _readable(tmp)
                os.replace(tmp, job.output)
        export_html(job.output, job.html, include_code=True,
                    title=f"{job.notebook.stem} – {region_name(job.region)}")
        figures = read_key_figures(job.output)
        return Result(job, True, time.perf_counter() - started, key_figures=figures)
    except BaseException as exc:  # noqa: BLE001 - a dead kernel or timeout is a failure too
        if isinstance(exc, KeyboardInterrupt):
            raise
        return Result(job, False, time.perf_counter() - started, error=_one_line_error(exc))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def plan(region_values: list[str] | None, all_regions: bool, notebooks: list[str] | None,
         out_dir: Path, parameters: dict | None = None,
         notebook_dir: Path | None = None) -> list[Job]:
    """Resolve counties and notebooks into jobs; bad input stops here, before any work."""
    if region_values and all_regions:
        raise KompetensError("Ange antingen --region eller --all, inte båda.")
    if region_values:
        codes = []
        for value in region_values:
            for part in str(value).split(","):
                if part.strip():
                    code = resolve_region(part.strip())
                    if code not in codes:
                        codes.append(code)
    else:
        codes = regions()["code"].tolist()
    chosen = find_notebooks(notebooks, notebook_dir)
    for nb in chosen:
        check_parameters_cell(nb)
    return [Job(nb, code, Path(out_dir), dict(parameters or {}))
            for code in codes for nb in chosen]


def run_jobs(jobs: list[Job], workers: int | None = None, progress=None) -> list[Result]:
    """Execute jobs in ``workers`` processes (default: one per core)."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    results: list[Result] = []
    if workers == 1:
        for job in jobs:
            results.append(execute(job))
            if progress:
                progress(results[-1], len(results), len(jobs))
        return results
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(execute, job): i for i, job in enumerate(jobs)}
        done: dict[int, Result] = {}
        for future in cf.as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except BaseException as exc:  # noqa: BLE001 - a crashed worker process
                result = Result(jobs[index], False, 0.0, error=_one_line_error(exc))
            done[index] = result
            results.append(result)
            if progress:
                progress(result, len(results), len(jobs))
    return [done[i] for i in range(len(jobs))]


def write_index(out_dir: Path, results: list[Result], *, source_note: str) -> Path:
    """``index.html``: one row per county with links to its pages and its key figures."""
    out_dir = Path(out_dir)
    rows = []
    by_region: dict[str, list[Result]] = {}
    for result in results:
        by_region.setdefault(result.job.region, []).append(result)
    for code, items in sorted(by_region.items()):
        links = " ".join(
            f"<a href='{html.escape(r.job.html.relative_to(out_dir).as_posix())}'>"
            f"{html.escape(r.job.notebook.stem)}</a>" if r.ok else
            f"<span class='fel'>{html.escape(r.job.notebook.stem)}: misslyckades</span>"
            for r in items)
        figures = next((f[0] for r in items for f in [r.key_figures] if f), None)
        cells = ["", "", ""]
        if figures:
            cells = [f"{figures['employed']:,}".replace(",", "\u00a0"),
                     f"{figures['share_55plus'] * 100:.1f} %".replace(".", ","),
                     f"{figures['share_long_post_secondary'] * 100:.1f} %".replace(".", ",")]
        rows.append(f"<tr><td>{code}</td><td>{html.escape(region_name(code))}</td>"
                    + "".join(f"<td class='tal'>{c}</td>" for c in cells)
                    + f"<td>{links}</td></tr>")
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kompetens – alla län</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .6rem;border-bottom:1px solid #ddd}}
.tal{{text-align:right}}.fel{{color:#a00}}.not{{color:#555;font-size:.9rem}}</style></head>
<body><h1>Regional nedbrytning – alla län</h1>
<p class="not">{html.escape(source_note)} Körd {stamp}.</p>
<table><thead><tr><th>Kod</th><th>Län</th><th>Förvärvsarbetande</th><th>Andel 55+</th>
<th>Andel eftergymn. ≥ 3 år</th><th>Sidor</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table></body></html>
"""
    path = out_dir / "index.html"
    _atomic_write_text(path, page)
    return path


def write_summary(out_dir: Path, results: list[Result]) -> Path:
    """``run.json``: what ran, how long it took and what failed."""
    records = [{"notebook": r.job.notebook.name, "region": r.job.region, "ok": r.ok,
                "seconds": round(r.seconds, 2), "error": r.error,
                "output": str(r.job.output), "key_figures": r.key_figures} for r in results]
    path = Path(out_dir) / "run.json"
    _atomic_write_text(path, json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    return path
