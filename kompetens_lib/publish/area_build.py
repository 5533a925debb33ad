"""``kompetens run --area FILE``: build the planning-area notebook and a small report page.

The area notebook (``09_planeringsomrade.ipynb``) is not one of the county notebooks: it
runs once per planning area, never for every county (:func:`runner.find_notebooks` leaves it
out of county builds). Its outputs go to ``<out>/omrade-<slug>/``: the executed notebook,
its HTML page and ``rapport.html``, a page for strategists made from the workbook's tables
(never from notebook cells), through :func:`kompetens_lib.publish.report.report_html`.
Everything about the area is checked before any work: a bad file stops the run with the
Swedish message of :func:`kompetens_lib.reference.planning_areas.planning_area`.

Builds are incremental, as the county builds are: an area whose inputs (its name and
municipalities, the notebook, the parameters, the data's and the library's fingerprints)
are those of its last successful build, and whose outputs still have the checksums then
recorded, is not built again (``force=True``, ``--force``, builds it anyway). Another area
in the same file does not count, so editing one area rebuilds only that one. A failed run
never replaces a good output: the failed notebook goes beside it as
``09_planeringsomrade.misslyckad.ipynb``.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from kompetens_lib._internal.files import atomic_write, atomic_write_text
from kompetens_lib._internal.text import slugify
from kompetens_lib.errors import KompetensError, KompetensWarning
from kompetens_lib.methods.municipal import SHARE_METHODS
from kompetens_lib.publish.executor import DEFAULT_CELL_TIMEOUT, execute_notebook, one_line_error
from kompetens_lib.publish.layout import REPORT_NAME, STATE_DIR
from kompetens_lib.publish.runner import (
    AREA_NOTEBOOKS,
    FAILED_SUFFIX,
    check_parameters,
    check_parameters_cell,
    data_fingerprint,
    default_notebook_dir,
    file_sha256,
    library_fingerprint,
    read_state,
)
from kompetens_lib.reference.planning_areas import PlanningArea, planning_areas
from kompetens_lib.workbook import area_tables

__all__ = ["AREA_PREFIX", "AreaJob", "AreaResult", "area_dir", "area_fingerprint",
           "area_up_to_date", "build_area", "plan_areas"]

#: Folder of an area in a build: ``omrade-<slug of the area's name>``.
AREA_PREFIX = "omrade-"
#: What the overview reads of an area build (name, municipalities, key figures).
SUMMARY_NAME = "omrade.json"


def area_dir(out_dir: Path, area: PlanningArea) -> Path:
    """``<out>/omrade-<slug>/`` for ``area``."""
    return Path(out_dir) / f"{AREA_PREFIX}{slugify(area.name) or 'omrade'}"


@dataclass(frozen=True)
class AreaJob:
    """A checked area build: the area, its file, the notebook and the parameters."""

    area: PlanningArea
    area_file: Path
    notebook: Path
    out_dir: Path
    parameters: dict = field(default_factory=dict)
    data: str | None = None
    timeout: int = DEFAULT_CELL_TIMEOUT

    @property
    def folder(self) -> Path:
        return area_dir(self.out_dir, self.area)

    @property
    def output(self) -> Path:
        return self.folder / self.notebook.name

    @property
    def html(self) -> Path:
        return self.output.with_suffix(".html")

    @property
    def failed_output(self) -> Path:
        return self.folder / f"{self.notebook.stem}{FAILED_SUFFIX}.ipynb"

    @property
    def state_file(self) -> Path:
        return self.folder / STATE_DIR / f"{self.notebook.stem}.json"

    @property
    def outputs(self) -> tuple[Path, ...]:
        """What a successful build leaves: the notebook, its page, the report, the summary."""
        return (self.output, self.html, self.folder / REPORT_NAME, self.folder / SUMMARY_NAME)


@dataclass
class AreaResult:
    job: AreaJob
    ok: bool
    seconds: float
    error: str = ""
    report: Path | None = None
    skipped: bool = False  # up to date: not built again
    kept_good: bool = False  # failed, and the last good build is still there


def area_fingerprint(job: AreaJob, library: str | None = None, data: str | None = None) -> str:
    """What an area build depends on: the area itself (name, municipalities), the notebook,
    the parameters, the data and the library (fingerprints as for the county builds)."""
    digest = hashlib.sha256()
    digest.update(job.notebook.read_bytes())
    digest.update(json.dumps({"area": job.area.name, "municipalities": job.area.codes,
                              "parameters": job.parameters}, sort_keys=True,
                             default=str).encode())
    digest.update((library or library_fingerprint()).encode())
    digest.update((data or data_fingerprint(job.data)).encode())
    return digest.hexdigest()


def _checksums(job: AreaJob) -> dict[str, str | None]:
    return {path.name: file_sha256(path) for path in job.outputs}


def area_up_to_date(job: AreaJob, fingerprint: str | None = None) -> dict | None:
    """The saved state if the area's last build succeeded with the same inputs and its
    outputs still have the checksums it recorded; else None."""
    state = read_state(job)
    if not state or not state.get("ok"):
        return None
    if state.get("inputs") != (fingerprint or area_fingerprint(job)):
        return None
    checksums = _checksums(job)
    if None in checksums.values() or state.get("checksums") != checksums:
        return None
    return state


def plan_areas(area_file: str | Path, out_dir: Path, parameters: dict | None = None,
               notebook_dir: Path | None = None, *, data: str | None = None,
               timeout: int = DEFAULT_CELL_TIMEOUT) -> list[AreaJob]:
    """One job per planning area of ``area_file`` (a TOML file may hold several). The file,
    the notebook and the parameters are checked first; raises :class:`KompetensError`
    (Swedish) before any work."""
    path = Path(area_file).expanduser()
    if not path.is_file():
        raise KompetensError(
            f"--area {area_file}: filen finns inte. Ange en TOML-fil med ett planeringsområde, "
            "t.ex. [Skaraborg] och kommuner = [\"Skövde\", \"Skara\", \"Falköping\"] (se "
            "docs/data.md).")
    if path.suffix.lower() != ".toml":
        area_tables.load_area(path)  # raises the Swedish message about the format
    areas = planning_areas(path)
    directory = Path(notebook_dir or default_notebook_dir())
    found = [directory / name for name in AREA_NOTEBOOKS if (directory / name).is_file()]
    if not found:
        raise KompetensError(
            f"Hittade inte planeringsområdets anteckningsbok ({', '.join(AREA_NOTEBOOKS)}) i "
            f"{directory}.")
    notebook = found[0].resolve()
    check_parameters_cell(notebook)
    if data:
        from kompetens_lib.data.tables import source_dir

        source_dir(data)
    given = dict(parameters or {})
    for name in ("area_file", "area_name", "region"):
        if name in given:
            raise KompetensError(f"Ange planeringsområdet med --area, inte som --param {name}=….")
    checked = check_parameters(given, [notebook], [areas[0].counties[0]], data)
    if checked.get("share_method", "fixed") not in SHARE_METHODS:
        raise KompetensError(
            f"share_method = {checked['share_method']!r} finns inte. Giltiga: "
            + ", ".join(f"'{k}' ({v})" for k, v in SHARE_METHODS.items()) + ".")
    folders = [area_dir(out_dir, a) for a in areas]
    if len(set(folders)) < len(folders):
        raise KompetensError(f"{path.name}: två planeringsområden får samma mappnamn; ge dem "
                             "namn som skiljer sig åt i bokstäver eller siffror.")
    return [AreaJob(a, path.resolve(), notebook, Path(out_dir), checked, data, timeout)
            for a in areas]


def _report_content(job: AreaJob, source: Any):
    from kompetens_lib.data.tables import source_note
    from kompetens_lib.methods.breakdown import METHOD_LABELS
    from kompetens_lib.publish.report_content import ReportContent, Section
    from kompetens_lib.workbook.forecast import round_persons

    p = job.parameters
    members = area_tables.area_members(job.area, source=source)
    need = area_tables.area_need(job.area, base_year=p.get("base_year"),
                                 target_year=p.get("target_year"), method=p.get("method"),
                                 share_method=p.get("share_method", "fixed"), source=source)
    by_group = area_tables.area_need_by_group(need)
    planned = area_tables.area_programme_places(job.area, need, source=source)

    def n(value: float) -> str:
        return f"{round_persons(float(value)):,}".replace(",", "\u00a0")

    table_members = pd.DataFrame({
        "Län": members["county_name"].tolist(),
        "Befolkning": [n(v) for v in members["population"]],
        "Arbetsort": [n(v) for v in members["workplace"]],
        "Bostadsort": [n(v) for v in members["residence"]],
        "Nettoinpendling": [n(v) for v in members["net"]]},
        index=pd.Index(members["name"].tolist(), name="Kommun"))
    top = by_group.head(10)
    table_need = pd.DataFrame({"Ersättningsbehov": [n(v) for v in top["replacement"]],
                               "Expansionsbehov": [n(v) for v in top["expansion"]],
                               "Rekryteringsbehov": [n(v) for v in top["need"]]},
                              index=pd.Index(top["short_name"].tolist(),
                                             name="Utbildningsgrupp"))
    table_places = pd.DataFrame({"Form": planned["form_label"].tolist(),
                                 "Planerat per år": [n(v) for v in planned["places"]],
                                 "Antagna i dag (uppskattat)": [n(v) for v in planned["intake"]]},
                                index=pd.Index(planned["name"].tolist(), name="Utbildning"))
    note = f"{source_note('employed', source)} {area_tables.AREA_NOTE}"
    provenance = members.attrs
    names = ", ".join(f"{m.name} ({m.counties[0]})" for m in job.area.municipalities)
    period = str(by_group["period"].iloc[0])
    sections = (
        Section("kommuner", "Områdets kommuner",
                (f"{job.area.name}: {names}. Förvärvsarbetande efter arbetsort och bostadsort "
                 f"{provenance['year']}; skillnaden är nettoinpendlingen.",),
                table=table_members, table_caption="Kommunerna"),
        Section("behov", "Rekryteringsbehov",
                (f"Rekryteringsbehov {period}: länens behov fördelat efter kommunernas egna "
                 "förvärvsarbetande, räknat per länsdel och summerat.",),
                table=table_need, table_caption="De tio största grupperna"),
        Section("platser", "Nybörjarplatser per yrkesprogram",
                ("Planerade nybörjarplatser per år bredvid dagens antagning (länets antagning "
                 "gånger områdets andel av länets befolkning i åldern).",),
                table=table_places, table_caption="Planerat mot i dag"),
    )
    figures = area_tables.area_key_figures(members, by_group, planned)
    messages = (
        _Message("behov", "Rekryteringsbehov under perioden", figures["need_total"],
                 f"Så många behöver anställas i området {period}, ersättning och expansion."),
        _Message("platser", "Nybörjarplatser per år på gymnasiets yrkesprogram",
                 figures["places_gymnasium"],
                 f"Att ställa bredvid dagens antagning: {n(figures['intake_gymnasium'])} per "
                 "år (uppskattat)."),
        _Message("pendling", "Nettoinpendling till området", figures["net_commuting"],
                 "Negativt: fler bor och arbetar än det finns jobb i området; en del av dem "
                 "som utbildas arbetar utanför det."),
    )
    return ReportContent(
        region="", region_name=job.area.name, base_year=int(need.attrs["base_year"]),
        target_year=int(need.attrs["target_year"]),
        method_label=METHOD_LABELS.get(need.attrs["method"], str(need.attrs["method"])),
        source_note=note, synthetic=_synthetic(source),
        mandate=(("Fråga", "Hur många nybörjarplatser per yrkesprogram behöver "
                           "planeringsområdet, jämfört med dagens antagning?"),
                 ("Avgränsning", f"Kommunerna {names}.")),
        mandate_is_example=False, messages=messages, key_charts=(),
        caveats=("Kommunsiffrorna är länens siffror fördelade efter kommunernas egna "
                 "förvärvsarbetande: en egen beräkning, inte officiell statistik.",
                 "Dagens antagning i området är uppskattad från länets.",
                 "Exempeldata är syntetiska: kommunernas befolkning följer SCB:s folkmängd 2024, "
                 "sysselsättningen per kommun är påhittad."),
        sections=sections)


@dataclass(frozen=True)
class _Message:
    key: str
    title: str
    figure: int
    text: str


def _synthetic(source: Any) -> bool:
    from kompetens_lib.data.tables import provenance

    return bool(provenance("municipal_employed", source).get("synthetic", False))


def build_area(job: AreaJob, *, force: bool = False) -> AreaResult:
    """Execute the area notebook and write its page and the area's report, unless the area
    is up to date (:func:`area_up_to_date`; ``force`` builds it anyway). Never raises except
    on Ctrl-C (errors go into the result); a failed run leaves a good earlier build as it
    was."""
    started = time.perf_counter()
    fingerprint = area_fingerprint(job)
    if not force and (state := area_up_to_date(job, fingerprint)) is not None:
        report = job.folder / REPORT_NAME
        return AreaResult(job, True, float(state.get("seconds", 0.0)), report=report,
                          skipped=True)
    previous = read_state(job)
    good = bool(previous and previous.get("ok") and job.output.exists())
    result = _build(job, started, keep_good=good)
    if not result.ok and good:
        result.kept_good = True
        result.error += (f" – den senaste lyckade versionen ({previous.get('finished', '?')}) "
                         f"finns kvar; den misslyckade körningen: {job.failed_output.name}")
    state = {"inputs": fingerprint, "ok": result.ok, "error": result.error,
             "seconds": round(result.seconds, 2),
             "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
             "checksums": _checksums(job) if result.ok else None}
    if result.kept_good and previous is not None:
        state.update(ok=True, inputs=previous.get("inputs"),
                     checksums=previous.get("checksums"), failed=result.error)
    atomic_write_text(job.state_file, json.dumps(state, ensure_ascii=False, indent=1))
    return result


def _build(job: AreaJob, started: float, *, keep_good: bool) -> AreaResult:
    from kompetens_lib.present.html_export import export_html
    from kompetens_lib.publish import lean
    from kompetens_lib.publish.report import report_html

    folder = job.folder
    folder.mkdir(parents=True, exist_ok=True)
    params = {"area_file": str(job.area_file), "area_name": job.area.name, **job.parameters}
    if job.data:
        params["data"] = job.data
    try:
        run = execute_notebook(job.notebook, None, parameters=params, kernel="plain",
                               data=job.data, cwd=job.notebook.parent,
                               cell_timeout=job.timeout)
        if not run.ok:
            if run.nb is not None:  # shows where it failed; never over a good output
                target = job.failed_output if keep_good else job.output
                atomic_write(target, lambda tmp: nbformat.write(run.nb, str(tmp)))
            return AreaResult(job, False, time.perf_counter() - started, error=run.error)
        with warnings.catch_warnings():  # the notebook has shown the data's notes already
            warnings.simplefilter("ignore", KompetensWarning)
            content = _report_content(job, job.data)
        atomic_write(job.output, lambda tmp: nbformat.write(run.nb, str(tmp)))
        export_html(run.nb, job.html, include_code=True,
                    title=f"{job.notebook.stem} – {job.area.name}")
        lean.link_shared_assets(job.html, job.out_dir)
        report = folder / REPORT_NAME
        atomic_write_text(report, report_html(content))
        summary = {"name": job.area.name, "municipalities": job.area.codes,
                   "names": [m.name for m in job.area.municipalities],
                   "counties": job.area.counties, "synthetic": _synthetic(job.data),
                   "figures": {m.key: m.figure for m in content.messages}}
        atomic_write_text(folder / SUMMARY_NAME,
                          json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        try:
            job.failed_output.unlink()
        except OSError:
            pass
        return AreaResult(job, True, time.perf_counter() - started, report=report)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a page that cannot be built fails the area
        return AreaResult(job, False, time.perf_counter() - started, error=one_line_error(exc))


def area_summaries(out_dir: Path) -> list[dict]:
    """The areas built in ``out_dir`` (for the overview): each ``omrade.json`` with the
    ``folder`` it is in, sorted by name."""
    found = []
    for path in sorted(Path(out_dir).glob(f"{AREA_PREFIX}*/{SUMMARY_NAME}")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append({**record, "folder": path.parent.name})
    return sorted(found, key=lambda r: str(r.get("name", "")))


__all__ += ["SUMMARY_NAME", "area_summaries"]
