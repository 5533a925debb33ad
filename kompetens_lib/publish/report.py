"""Per-county material for strategists and communicators: a report (``rapport.html``, print-
ready on A4, and ``rapport.pdf`` beside it), a slide deck, and the report's charts as SVG
files in ``diagram/`` (every chart on a notebook page can be saved from its chart menu).

The report is built from the workbook's tables (:mod:`kompetens_lib.publish.report_content`),
never from notebook cells, so no code, lesson text or instruction can reach it. Charts are
static SVG drawn by vl-convert: the page needs no JavaScript, prints as it shows and opens at
once. After a county's notebooks the build is made lean (:mod:`kompetens_lib.publish.lean`).
"""

from __future__ import annotations

import ast
import html
import json
import logging
from pathlib import Path

import nbformat

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.present.html_export import LESSON_TAG
from kompetens_lib.publish.chart_files import chart_svg, write_chart_files
from kompetens_lib.publish.layout import (
    CHART_DIR,
    DECK_NAME,
    PDF_NAME,
    REPORT_NAME,
    SCENARIO_DIR,
    SCENARIO_PARAMETER,
    STATE_DIR,
)

__all__ = ["LESSON_TAG", "build_report", "build_scenario", "county_report", "report_html",
           "run_parameters", "scenario_copy_of"]

logger = logging.getLogger(__name__)



# ----------------------------------------------------------------------------------------
# The report page
# ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Segoe UI","Helvetica Neue",Helvetica,Arial,"Liberation Sans",sans-serif;
 color:#1b1b1b;margin:2rem auto;max-width:52rem;padding:0 1rem;line-height:1.5}
h1{font-size:1.8rem;margin:0 0 .3rem}h2{font-size:1.3rem;margin:2rem 0 .5rem;
 border-bottom:2px solid #1f5f8b;padding-bottom:.2rem}
.meta,.kalla{color:#5a5a5a;font-size:.9rem}
.uppdrag dt{font-weight:600}.uppdrag dd{margin:0 0 .5rem 0}
.budskap li{margin-bottom:.6rem}.budskap .tal{font-weight:700;color:#1f5f8b}
.varning{background:#fff4e5;border-left:4px solid #d9822b;padding:.5rem 1rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5rem 0}caption{text-align:left;font-weight:600}
td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
td.tal{text-align:right}
@page{size:A4;margin:16mm 14mm}
@media print{body{margin:0;max-width:none;font-size:10.5pt}
 section.tema,section.forbehall{break-before:page}
 figure,table,.budskap li{break-inside:avoid}h2{break-after:avoid}
 a{color:inherit;text-decoration:none}}
"""


def _figure(chart) -> str:
    from kompetens_lib.present.render import CHART_ATTR, title_text

    spec = chart.to_dict()
    title = html.escape(title_text(spec) or "diagram")
    return (f"<figure class='kompetens-chart' {CHART_ATTR}='static' role='img' "
            f"aria-label='{title}'>{chart_svg(chart)}</figure>")


def _table(frame, caption: str) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [frame.index.name or "",
                                                              *frame.columns])
    rows = "".join(
        f"<tr><th>{html.escape(str(i))}</th>"
        + "".join(f"<td class='tal'>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for i, row in zip(frame.index, frame.itertuples(index=False)))
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def report_html(content) -> str:
    """The report page for a :class:`~kompetens_lib.publish.report_content.ReportContent`."""
    e = html.escape
    mandate = "".join(f"<dt>{e(label)}</dt><dd>{e(text)}</dd>" for label, text in content.mandate)
    if content.mandate_is_example:
        mandate += ("<dd class='meta'>Exempeluppdrag: länets eget uppdrag är inte ifyllt "
                    "ännu.</dd>")
    messages = "".join(
        f"<li data-budskap='{e(m.key)}'><strong>{e(m.title)}</strong> "
        f"<span class='tal'>({e(_figure_text(m.figure))})</span><br>{e(m.text)}</li>"
        for m in content.messages)
    key_charts = "".join(_figure(c) for c in content.key_charts)
    caveats = "".join(f"<li>{e(c)}</li>" for c in content.caveats)
    sections = []
    for s in content.sections:
        parts = [f"<section class='tema' id='{e(s.key)}'><h2>{e(s.title)}</h2>"]
        parts += [f"<p>{e(p)}</p>" for p in s.paragraphs]
        parts += [_figure(c) for c in s.charts]
        if s.table is not None:
            parts.append(_table(s.table, s.table_caption))
        parts.append("</section>")
        sections.append("".join(parts))
    status = ("Exempeldata – inte officiell statistik" if content.synthetic
              else "Egen regional nedbrytning – inte officiell statistik")
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(content.title)} – rapport</title><style>{_CSS}</style></head>
<body>
<header><h1>{e(content.title)}</h1>
<p class="meta">{e(content.region_name)} · {e(content.made)} · basår {content.base_year},
målår {content.target_year} · metod: {e(content.method_label.lower())}</p>
<p class="varning"><strong>{e(status)}.</strong> {e(content.source_note)}</p></header>
<section class="uppdrag"><h2>Uppdraget</h2><dl class="uppdrag">{mandate}</dl></section>
<section class="budskap"><h2>Tre budskap</h2><ol class="budskap">{messages}</ol>
{key_charts}</section>
<section class="forbehall"><h2>Att tänka på</h2><ul>{caveats}</ul></section>
{''.join(sections)}
<footer><p class="kalla">{e(content.source_note)}</p></footer>
</body></html>
"""


def _figure_text(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value * 100:.0f} %" if value < 1 else f"{value:.1f}".replace(".", ",")
    return f"{int(round(float(value))):,}".replace(",", "\u00a0")


def run_parameters(executed: list[Path]) -> dict:
    """The parameters a build gave its notebooks (papermill's injected cell), as literals."""
    for path in executed:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - an unreadable notebook gives no parameters
            continue
        for cell in nb.cells:
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                values = {}
                for node in ast.parse(cell.source).body:
                    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                        try:
                            values[node.targets[0].id] = ast.literal_eval(node.value)
                        except ValueError:
                            pass
                return values
    return {}


def scenario_copy_of(value: object, out_dir: Path) -> Path | None:
    """The scenario file a notebook's ``scenario_file`` parameter names: the build's copy,
    found in ``out_dir`` by its last parts (``scenario/<hash>/<name>``), else the file
    itself when it is an absolute path that exists; None without one."""
    if not isinstance(value, str) or not value.strip():
        return None
    given = Path(value)
    parts = given.parts
    if len(parts) >= 3 and parts[-3] == SCENARIO_DIR:
        copy = Path(out_dir) / SCENARIO_DIR / parts[-2] / parts[-1]
        if copy.is_file():
            return copy
    return given if given.is_absolute() and given.is_file() else None


def build_scenario(executed: list[Path], out_dir: Path) -> Path | None:
    """The establishment scenario the county's notebooks ran with (the first that names
    one), as the build's copy in ``out_dir``; None when none did."""
    for path in executed:
        copy = scenario_copy_of(run_parameters([path]).get(SCENARIO_PARAMETER), out_dir)
        if copy is not None:
            return copy
    return None


def build_report(region: str, out_dir: Path, *, parameters: dict | None = None,
                 pdf: bool = True, deck: bool = True,
                 scenario: Path | None = None) -> dict[str, Path | None]:
    """Write the county's ``rapport.html``, ``rapport.pdf`` and slide deck in ``out_dir``.

    ``parameters`` are the build's (base and target year, method, data); unknown ones are
    ignored. ``scenario`` is an establishment scenario file: with events in the county the
    report and the deck get a section on them. Returns the paths written (None for a PDF
    that no Chromium could print).
    """
    from kompetens_lib.publish import deck as deck_mod
    from kompetens_lib.publish import pdf as pdf_mod
    from kompetens_lib.publish.report_content import report_content

    given = parameters or {}
    content = report_content(region, base_year=given.get("base_year"),
                             target_year=given.get("target_year"),
                             method=given.get("method"), source=given.get("data"),
                             scenario=scenario)
    out_dir = Path(out_dir)
    page = out_dir / REPORT_NAME
    atomic_write_text(page, report_html(content))
    # The report's charts as files for communicators (rendered once, above).
    write_chart_files([*content.key_charts, *(c for s in content.sections for c in s.charts)],
                      out_dir / CHART_DIR)
    written: dict[str, Path | None] = {"report": page, "pdf": None, "deck": None}
    if deck:
        written["deck"] = deck_mod.build_deck(content, out_dir / DECK_NAME)
    if pdf:
        written["pdf"] = pdf_mod.print_to_pdf(page, out_dir / PDF_NAME)
        if written["pdf"] is None:
            logger.warning("Ingen PDF av rapporten för %s: Chromium finns inte på datorn "
                           "(installera paketet chromium, eller ange programmet i %s). "
                           "Rapporten finns som HTML.", content.region_name,
                           pdf_mod.CHROMIUM_ENV)
    return written


def _succeeded(folder: Path, executed: list[Path]) -> list[Path]:
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
    return sorted(chosen.values())


def county_report(code: str, folder: Path, executed: list[Path], *,
                  source_note: str = "") -> Path | None:
    """Build the county's report, PDF and deck in its ``folder`` of the build, and make the
    county's pages and notebooks lean (shared chart library and stylesheet).

    The report needs at least one notebook of the county whose last run succeeded (their
    parameters are the build's, and the scenario one of them ran with); None when nothing
    has succeeded. ``source_note`` is kept
    for callers; the report takes its note from the data it reads.
    """
    from kompetens_lib.publish import lean

    folder = Path(folder)
    chosen = _succeeded(folder, executed)
    if not chosen:
        return None
    for notebook in chosen:
        lean.slim_notebook_file(notebook)
        page = notebook.with_suffix(".html")
        if page.exists():
            lean.link_shared_assets(page, folder.parent)
    return build_report(code, folder, parameters=run_parameters(chosen),
                        scenario=build_scenario(chosen, folder.parent))["report"]
