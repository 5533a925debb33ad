"""The build's overview pages and per-county key-figure files."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import datetime
from pathlib import Path

from .regions import region_name
from .runner import Result, atomic_write_text


def _fmt_int(x: int) -> str:
    return f"{x:,}".replace(",", "\u00a0")


def _fmt_pct(x: float) -> str:
    return f"{x * 100:.1f} %".replace(".", ",")


def flatten_key_figures(figures: list[dict]) -> dict:
    """Merge the key figures a county's notebooks showed into one flat record."""
    merged: dict = {}
    for record in figures:
        for key, value in record.items():
            merged.setdefault(key, value)
    return merged


def write_key_figure_files(county_dir: Path, figures: dict) -> list[Path]:
    """``nyckeltal.json`` and ``nyckeltal.csv`` (one row per figure) in a county's folder."""
    json_path = county_dir / "nyckeltal.json"
    atomic_write_text(json_path, json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["nyckeltal", "värde"])
    for key, value in figures.items():
        if isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
        writer.writerow([key, value])
    csv_path = county_dir / "nyckeltal.csv"
    atomic_write_text(csv_path, buffer.getvalue())
    return [json_path, csv_path]


def write_index(out_dir: Path, results: list[Result], *, source_note: str,
                parameters: dict | None = None) -> Path:
    """``index.html``: one row per county with its key figures and links to its pages."""
    out_dir = Path(out_dir)
    by_region: dict[str, list[Result]] = {}
    for result in results:
        by_region.setdefault(result.job.region, []).append(result)
    rows = []
    for code, items in sorted(by_region.items()):
        links = " ".join(
            f"<a href='{html.escape(r.job.html.relative_to(out_dir).as_posix())}'>"
            f"{html.escape(r.job.notebook.stem)}</a>" if r.ok else
            f"<span class='fel'>{html.escape(r.job.notebook.stem)}: misslyckades</span>"
            for r in items)
        figures = flatten_key_figures([f for r in items for f in r.key_figures])
        if figures:
            write_key_figure_files(items[0].job.county_dir, figures)
        cells = ["", "", ""]
        if "employed" in figures:
            cells = [_fmt_int(figures["employed"]), _fmt_pct(figures["share_55plus"]),
                     _fmt_pct(figures["share_long_post_secondary"])]
        rows.append(f"<tr><td>{code}</td><td>{html.escape(region_name(code))}</td>"
                    + "".join(f"<td class='tal'>{c}</td>" for c in cells)
                    + f"<td>{links}</td></tr>")
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    params = ", ".join(f"{k} = {v}" for k, v in (parameters or {}).items()) or "standardvärden"
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Kompetens – alla län</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .6rem;border-bottom:1px solid #ddd}}
.tal{{text-align:right}}.fel{{color:#a00}}.not{{color:#555;font-size:.9rem}}</style></head>
<body><h1>Regional nedbrytning – alla län</h1>
<p class="not">{html.escape(source_note)}<br>Körd {stamp}. Parametrar: {html.escape(params)}.</p>
<table><thead><tr><th>Kod</th><th>Län</th><th>Förvärvsarbetande</th><th>Andel 55+</th>
<th>Andel eftergymn. ≥ 3 år</th><th>Sidor</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table></body></html>
"""
    path = out_dir / "index.html"
    atomic_write_text(path, page)
    return path
