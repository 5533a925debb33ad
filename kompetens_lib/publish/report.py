"""Per-county material for strategists and communicators: one report page without code,
and every chart as PNG and SVG files for slides (vl-convert; no browser needed)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from kompetens_lib._internal.files import atomic_write_bytes
from kompetens_lib.publish.layout import REPORT_NAME, STATE_DIR
from kompetens_lib.reference.regions import region_name, slugify

# The brief (notebook 06) carries the mandate and the key messages: it opens the report.
LEAD_NOTEBOOK_PREFIX = "06_"


def chart_specs(notebook) -> list[dict]:
    """Vega-Lite specs of the charts shown in an executed notebook, in order."""
    from kompetens_lib.present.render import (
        CHART_SPEC_MIME,  # (render imports the chart library: only here)
    )

    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    specs = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get(CHART_SPEC_MIME)
            if spec:
                specs.append(json.loads(spec) if isinstance(spec, str) else dict(spec))
    return specs


def _title_of(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(title)
    return str(title) or "diagram"


def export_charts(notebook, out_dir: Path, *, formats=("png", "svg"),
                  prefix: str | None = None) -> list[Path]:
    """Write every chart of an executed notebook as ``NN-MM-title.png/.svg`` in ``out_dir``.

    ``notebook`` is a path or a read notebook; ``prefix`` (default: the file's name)
    supplies the notebook number ``NN``. File names are stable (notebook number, chart
    number, title) so that slides can link to them across rebuilds.
    """
    import vl_convert as vlc

    if prefix is None:
        if isinstance(notebook, nbformat.NotebookNode):
            raise TypeError("export_charts needs prefix= for a notebook that is not a file")
        prefix = Path(notebook).stem
    prefix = prefix.split("_")[0]
    written = []
    for number, spec in enumerate(chart_specs(notebook), 1):
        slug = slugify(_title_of(spec))[:60].strip("-") or "diagram"
        stem = f"{prefix}-{number:02d}-{slug}"
        svg = vlc.vegalite_to_svg(spec)  # rendered once; the PNG is rasterised from it
        if "png" in formats:
            path = out_dir / f"{stem}.png"
            atomic_write_bytes(path, vlc.svg_to_png(svg, scale=2))
            written.append(path)
        if "svg" in formats:
            path = out_dir / f"{stem}.svg"
            atomic_write_bytes(path, svg.encode("utf-8"))
            written.append(path)
    return written


LESSON_TAG = "lesson-only"
_LESSON_MARKERS = ("Det här lär du dig", "## Att ta med dig", "**Tid:**",
                   "Så använder du anteckningsboken")


def _report_cells(nb: nbformat.NotebookNode) -> list:
    """The cells a reader of the report needs: no parameters, no lesson scaffolding.

    Cells tagged ``lesson-only`` are left out; a lesson's opening cell keeps only its title,
    and its closing "Att ta med dig" cell is dropped.
    """
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters", LESSON_TAG}:
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "markdown" and any(m in cell.source for m in _LESSON_MARKERS):
            headings = [ln for ln in cell.source.splitlines() if ln.startswith("# ")]
            if not headings:
                continue
            cell.source = headings[0]
        cells.append(cell)
    return cells


def build_report(region: str, executed: list[Path], out_path: Path, *, source_note: str) -> Path:
    """One page without code for strategists and communicators.

    The brief (notebook 06: mandate, key messages, the two charts, caveats) comes first,
    then the other notebooks in reading order, all with their charts and source notes.
    """
    from kompetens_lib.present.html_export import export_html

    ordered = sorted(executed, key=lambda p: (not p.name.startswith(LEAD_NOTEBOOK_PREFIX),
                                              p.name))
    name = region_name(region)
    intro = nbformat.v4.new_markdown_cell(
        f"# Kompetensbehov i {name} – rapport\n\n"
        "Rapporten samlar arbetsbokens resultat för länet utan programkod. Den regionala "
        "nedbrytningen är en egen beräkning och **inte officiell statistik**.\n\n"
        f"*{source_note}*"
    )
    cells = [intro]
    for path in ordered:
        nb = nbformat.read(path, as_version=4)
        cells.extend(_report_cells(nb))
    combined = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    return export_html(combined, out_path, include_code=False,
                       title=f"Kompetensbehov i {name} – rapport")



def county_report(code: str, folder: Path, executed: list[Path], *,
                  source_note: str) -> Path | None:
    """Build ``rapport.html`` in the county's ``folder`` of the build.

    The report covers every notebook of the county whose last run succeeded, not only those
    in ``executed`` (the ones just run): rerunning one notebook must not drop the others,
    and one that failed drops out until it runs again. None when nothing has succeeded.
    """

    folder = Path(folder)
    chosen = {Path(p).name: Path(p) for p in executed}
    for path in folder.glob("[0-9][0-9]_*.ipynb"):
        if path.name in chosen:
            continue
        try:
            state = json.loads((folder / STATE_DIR / f"{path.stem}.json").read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if state.get("ok"):
            chosen[path.name] = path
    if not chosen:
        return None
    return build_report(code, sorted(chosen.values()), folder / REPORT_NAME,
                        source_note=source_note)
