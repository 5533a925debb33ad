"""The cohort overview (``build/index.html``) and the per-county key-figure files.

The overview shows all counties in one table with their key figures, a map of the counties
for a chosen education group and measure (opening on the group most counties need most),
links to every county's report, PDF, deck and notebooks by their titles, and the run's
date, data source and parameters. It works from the file system with no internet: the
chart library is the build's shared copy in ``_static/``.
"""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import datetime
from pathlib import Path

import altair as alt
import pandas as pd

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.present import keyfigures, render
from kompetens_lib.present.charts.overview import map_chart
from kompetens_lib.publish.runner import Result
from kompetens_lib.reference.regions import region_name

MAP_GROUPS = 40  # the largest groups nationally; keeps the map's data small

MEASURES = {
    "lq": ("Lokaliseringskvot", ".2f"),
    "share_55plus": ("Andel 55 år och äldre", ".1%"),
    "employed": ("Förvärvsarbetande", ",.0f"),
}


def _fmt_int(x: int) -> str:
    return f"{x:,}".replace(",", "\u00a0")


def _fmt_pct(x: float) -> str:
    return f"{x * 100:.1f} %".replace(".", ",")


def _label(value: float, fmt: str) -> str:
    if pd.isna(value):
        return "–"
    if fmt.endswith("%"):
        return _fmt_pct(value)
    if fmt.endswith(".0f"):
        return _fmt_int(int(round(value)))
    return f"{value:.2f}".replace(".", ",")


def write_key_figure_files(county_dir: Path, sections: dict[str, dict]) -> list[Path]:
    """``nyckeltal.json`` (by notebook section) and ``nyckeltal.csv`` (one row per figure)."""
    json_path = county_dir / "nyckeltal.json"
    atomic_write_text(json_path, json.dumps(sections, ensure_ascii=False, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["avsnitt", "nyckeltal", "värde"])
    for section, figures in sections.items():
        for key, value in figures.items():
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            writer.writerow([section, key, value])
    csv_path = county_dir / "nyckeltal.csv"
    atomic_write_text(csv_path, buffer.getvalue())
    return [json_path, csv_path]


def map_data(year: int, source=None) -> pd.DataFrame:
    """Long table for the overview map: region, group, measure, value, label."""
    from kompetens_lib.workbook.profile import county_group_measures

    table = county_group_measures(year, source)
    largest = (table.groupby("short_name")["employed"].sum()
               .sort_values(ascending=False).head(MAP_GROUPS).index)
    table = table[table["short_name"].isin(largest)]
    rows = []
    for measure, (title, fmt) in MEASURES.items():
        part = table[["region", "short_name", measure]].rename(
            columns={"short_name": "group", measure: "value"})
        part = part.assign(measure=title, label=[_label(v, fmt) for v in part["value"]])
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def notebook_title(path: Path) -> str:
    """The first heading of a notebook (its title), or its file name when it has none."""
    import re

    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a missing or broken file keeps its name
        return Path(path).stem
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).replace("**", "")
    return Path(path).stem


def _links(county_dir: Path, out_dir: Path, items: list[Result]) -> str:
    from kompetens_lib.publish.layout import DECK_NAME, PDF_NAME, REPORT_NAME

    parts = []
    for name, label in ((REPORT_NAME, "<strong>Rapport</strong>"), (PDF_NAME, "PDF"),
                        (DECK_NAME, "Bildspel")):
        path = county_dir / name
        if path.exists():
            parts.append(f"<a href='{html.escape(path.relative_to(out_dir).as_posix())}'>"
                         f"{label}</a>")
    for r in items:
        title = html.escape(notebook_title(r.job.notebook))
        if r.ok:
            parts.append(f"<a href='{html.escape(r.job.html.relative_to(out_dir).as_posix())}'>"
                         f"{title}</a>")
        else:
            parts.append(f"<span class='fel' title='{html.escape(r.error)}'>"
                         f"{title}: misslyckades</span>")
    return " · ".join(parts)


def start_group(results: list[Result]) -> str | None:
    """The education group the map opens on: the one most counties name as their largest
    recruitment need (the brief's key figure), else None (the largest group)."""
    from collections import Counter

    names: Counter = Counter()
    for result in results:
        for record in result.key_figures:
            if isinstance(record, dict) and record.get("largest_need_group"):
                names[str(record["largest_need_group"])] += 1
    return names.most_common(1)[0][0] if names else None


# Sorts the county table by a clicked column header (numbers by data-v, else by text).
_SORT_JS = """<script>
document.querySelectorAll('table.sortera th').forEach(function (th, col) {
  th.style.cursor = 'pointer'; th.title = 'Klicka för att sortera';
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0];
    var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
    var key = function (tr) { var td = tr.cells[col];
      return td.dataset.v !== undefined ? parseFloat(td.dataset.v) : td.textContent; };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b);
      var c = (typeof x === 'number' && typeof y === 'number') ? x - y
              : String(x).localeCompare(String(y), 'sv');
      return asc ? c : -c;
    }).forEach(function (tr) { body.appendChild(tr); });
  });
});
</script>"""


def scenario_note(out_dir: Path, results: list[Result]) -> str:
    """HTML naming the establishment scenarios the build's notebooks ran with (``kompetens
    run --scenario``): the file, its description, its events and the counties of the run
    they apply to; "" when none did."""
    from kompetens_lib.publish.layout import SCENARIO_PARAMETER
    from kompetens_lib.publish.report import scenario_copy_of
    from kompetens_lib.workbook.scenario_file import read_scenario, scenario_title

    counties: dict[Path, set[str]] = {}
    for result in results:
        copy = scenario_copy_of(result.job.params.get(SCENARIO_PARAMETER), out_dir)
        if copy is not None:
            counties.setdefault(copy, set()).add(result.job.region)
    parts = []
    for copy, codes in counties.items():
        try:
            events = read_scenario(copy)
        except Exception:  # noqa: BLE001 - a copy that cannot be read is named, not shown
            events = []
        title = scenario_title(copy)
        names = "; ".join(f"{e.name} i {region_name(e.region)}" for e in events) or "–"
        applies = sorted({e.region for e in events} & codes)
        where = (", ".join(region_name(c) for c in applies) if applies
                 else "inget av länen i bygget")
        parts.append(
            f"<p class='scenario'><strong>Etableringsscenario:</strong> "
            f"{html.escape(copy.name)}{' – ' + html.escape(title) if title else ''}. "
            f"Etableringar: {html.escape(names)}. Gäller: {html.escape(where)}. Lagret är ett "
            "antagande ur filen, inte en prognos, och redovisas för sig i länens "
            "anteckningsböcker och rapporter.</p>")
    return "\n".join(parts)


def write_index(out_dir: Path, results: list[Result], *, source_note: str,
                parameters: dict | None = None, year: int | None = None,
                source=None) -> Path:
    """Write ``index.html`` and each county's ``nyckeltal.json``/``.csv``."""
    out_dir = Path(out_dir)
    by_region: dict[str, list[Result]] = {}
    for result in results:
        by_region.setdefault(result.job.region, []).append(result)
    rows = []
    for code, items in sorted(by_region.items()):
        sections = keyfigures.by_section([f for r in items for f in r.key_figures])
        if sections:
            write_key_figure_files(items[0].job.county_dir, sections)
        nulage = sections.get("nulage", {})
        cells = ["<td class='tal'>–</td>"] * 3
        if "employed" in nulage:
            cells = [f"<td class='tal' data-v='{v}'>{text}</td>" for v, text in (
                (nulage["employed"], _fmt_int(nulage["employed"])),
                (nulage["share_55plus"], _fmt_pct(nulage["share_55plus"])),
                (nulage["share_long_post_secondary"],
                 _fmt_pct(nulage["share_long_post_secondary"])))]
        rows.append(f"<tr><td>{code}</td><td>{html.escape(region_name(code))}</td>"
                    + "".join(cells)
                    + f"<td>{_links(items[0].job.county_dir, out_dir, items)}</td></tr>")
    if year is None:
        from kompetens_lib.data.tables import available_years

        year = available_years("employed", source)[-1]
    render.register()
    with alt.theme.enable(render.THEME_NAME):
        chart = map_chart(map_data(year, source), source=source_note,
                          group=start_group(results)).configure_view(stroke=None)
        spec = chart.to_dict()
    chart_block = render.bundle_script_tag() + render.chart_html(spec, actions=False)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    params = ", ".join(f"{k} = {v}" for k, v in (parameters or {}).items()
                       if k != "scenario_file") or "standardvärden"  # named below
    failed = sum(not r.ok for r in results)
    status = (f"<p class='fel'>{failed} körningar misslyckades – se run.json.</p>"
              if failed else "")
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kompetens – alla län</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:75rem;color:#1b1b1b}}
table{{border-collapse:collapse;margin-top:1rem}}
td,th{{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}}
.tal{{text-align:right}}.fel{{color:#a00}}.not{{color:#555;font-size:.9rem}}
.varning{{background:#fff4e5;border-left:4px solid #d9822b;padding:.5rem 1rem}}</style></head>
<body><h1>Regional nedbrytning – alla län</h1>
<p class="varning">Den regionala nedbrytningen är en egen beräkning och <strong>inte officiell
statistik</strong>. {html.escape(source_note)}</p>
<p class="not">Körd {stamp}. Basår för nuläget: {year}. Parametrar: {html.escape(params)}.</p>
{scenario_note(out_dir, results)}
{status}
<h2>Karta</h2>
{chart_block}
<h2>Län</h2>
<table class="sortera"><thead><tr><th>Kod</th><th>Län</th><th class='tal'>Förvärvsarbetande</th>
<th class='tal'>Andel 55+</th>
<th class='tal'>Andel eftergymn. ≥ 3 år</th><th>Sidor</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody></table>
{area_section(out_dir)}
{_SORT_JS}</body></html>
"""
    from kompetens_lib.publish.lean import link_shared_assets

    path = out_dir / "index.html"
    atomic_write_text(path, page)
    link_shared_assets(path, out_dir)  # the chart library once per build, in _static/
    return path


# --- planning areas (kompetens run --area) -------------------------------------------------
_AREA_START, _AREA_END = "<!-- planeringsomraden -->", "<!-- /planeringsomraden -->"


def area_section(out_dir: Path) -> str:
    """The overview's section of the planning areas built in ``out_dir`` (empty without
    any), between markers so that :func:`refresh_areas` can replace it."""
    from kompetens_lib.publish.area_build import area_summaries
    from kompetens_lib.publish.layout import REPORT_NAME

    areas = area_summaries(Path(out_dir))
    if not areas:
        return f"{_AREA_START}{_AREA_END}"
    rows = []
    for record in areas:
        folder = html.escape(str(record["folder"]))
        need = record.get("figures", {}).get("behov")
        rows.append(
            f"<tr><td>{html.escape(str(record['name']))}</td>"
            f"<td>{html.escape(', '.join(record.get('names', [])))}</td>"
            f"<td>{html.escape(', '.join(region_name(c) for c in record.get('counties', [])))}"
            f"</td><td class='tal'>{_fmt_int(int(round(need))) if need is not None else '–'}"
            f"</td><td><a href='{folder}/{REPORT_NAME}'><strong>Rapport</strong></a> · "
            f"<a href='{folder}/09_planeringsomrade.html'>Planeringsområdet</a></td></tr>")
    return (f"{_AREA_START}<h2>Planeringsområden</h2><p class='not'>Kommuner som planerar "
            "yrkesutbildning tillsammans; länens prognos fördelad på kommunerna (egen "
            "beräkning, inte officiell statistik).</p><table><thead><tr><th>Område</th>"
            "<th>Kommuner</th><th>Län</th><th class='tal'>Rekryteringsbehov</th><th>Sidor</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{_AREA_END}")


def refresh_areas(out_dir: Path) -> Path | None:
    """Put the current planning areas into an existing ``index.html`` (replacing its area
    section, or adding one before ``</body>``); None when there is no overview yet."""
    path = Path(out_dir) / "index.html"
    if not path.exists():
        return None
    page = path.read_text(encoding="utf-8")
    block = area_section(out_dir)
    start, end = page.find(_AREA_START), page.find(_AREA_END)
    if start != -1 and end != -1:
        page = page[:start] + block + page[end + len(_AREA_END):]
    else:
        page = page.replace("</body>", block + "</body>", 1)
    atomic_write_text(path, page)
    return path
