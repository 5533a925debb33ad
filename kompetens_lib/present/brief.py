"""A one-page brief for strategists and communicators: the mandate at the top, three key
messages that each cite a number, the two charts that carry them, and the caveats in plain
Swedish. Built as data (:class:`Brief`) and as an HTML fragment (:meth:`Brief.to_html`).

The numbers, messages and caveats come from :mod:`kompetens_lib.workbook.brief` (which takes
them from the same tables notebooks 02–05 show); this module adds the charts and the HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.brief import need_chart, shortage_chart
from kompetens_lib.present.render import MUTED_COLOR, TEXT_COLOR
from kompetens_lib.present.summaries import mandate_html, mandate_text
from kompetens_lib.reference.regions import region_name
from kompetens_lib.workbook import mandate as mandate_mod
from kompetens_lib.workbook.brief import (
    METHOD_LABELS,
    Message,
    brief_content,
    data_overview,
    series_breaks,
)

__all__ = [
    "Brief",
    "build_brief",
    "message_html",
    "need_chart",
    "shortage_chart",
    "show",
    "show_data_overview",
    "show_series_breaks",
    "table_html",
]


def table_html(frame: pd.DataFrame, *, caption: str = "") -> str:
    """A small left-aligned HTML table of a frame with Swedish headers; text is never cut."""
    index_name = frame.index.name or ""
    head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>"
                   for c in [index_name, *frame.columns])
    rows = "".join(
        "<tr>" + f"<th style='text-align:left'>{html.escape(str(i))}</th>"
        + "".join(f"<td style='text-align:left'>{html.escape(str(v))}</td>" for v in row)
        + "</tr>" for i, row in zip(frame.index, frame.itertuples(index=False)))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f"<table class='kompetens-tabell'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def show_data_overview(source: Any = None) -> None:
    """Display :func:`data_overview` as a table in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(data_overview(source), caption="Arbetsbokens tabeller")))


def show_series_breaks() -> None:
    """Display :func:`series_breaks` as a table in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(series_breaks(), caption="Seriebrott att känna till")))


# ----------------------------------------------------------------------------------------
# The brief as data
# ----------------------------------------------------------------------------------------


def message_html(message: Message) -> str:
    """One key message as a list item, its key in ``data-budskap`` (for tests and styles)."""
    return (f"<li data-budskap='{html.escape(message.key)}'><strong>"
            f"{html.escape(message.title)}</strong><br>{html.escape(message.text)}</li>")


@dataclass(frozen=True)
class Brief:
    """A county's one-page brief. Build it with :func:`build_brief`."""

    region: str
    base_year: int
    target_year: int
    method: str
    source_note: str
    mandate: mandate_mod.Mandate
    messages: tuple[Message, ...]
    charts: tuple[alt.TopLevelMixin, ...]
    caveats: tuple[str, ...]
    figures: dict = field(default_factory=dict)

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    @property
    def title(self) -> str:
        return (f"Kompetensbehovet i {self.region_name} fram till {self.target_year} – "
                "det viktigaste på en sida")

    # -- HTML ---------------------------------------------------------------------------

    def header_html(self) -> str:
        method = METHOD_LABELS.get(self.method, self.method)
        return (
            f"<h2 style='margin:0 0 4px 0'>{html.escape(self.title)}</h2>"
            f"<p style='margin:0 0 10px 0;color:{MUTED_COLOR}'>Basår {self.base_year}, målår "
            f"{self.target_year}, metod: {html.escape(method.lower())}. "
            f"{html.escape(self.source_note)}</p>"
        )

    def messages_html(self) -> str:
        items = "".join(message_html(m) for m in self.messages)
        return (f"<h3 style='margin:14px 0 4px 0'>Tre budskap</h3>"
                f"<ol class='kompetens-budskap' style='line-height:1.5;max-width:820px;"
                f"padding-left:22px'>{items}</ol>")

    def caveats_html(self) -> str:
        items = "".join(f"<li>{html.escape(c)}</li>" for c in self.caveats)
        return (f"<h3 style='margin:14px 0 4px 0'>Att tänka på</h3>"
                f"<ul class='kompetens-forbehall' style='line-height:1.5;max-width:820px;"
                f"padding-left:22px'>{items}</ul>")

    def to_html(self, *, charts: str = "svg") -> str:
        """The brief as one HTML fragment (a ``<section>``), ready to put in a page.

        ``charts``: ``"svg"`` (default; inline SVG made by vl-convert, needs no JavaScript
        and prints well), ``"png"`` (inline images, for e-mail) or ``"none"``.
        """
        if charts not in ("svg", "png", "none"):
            raise KompetensError(
                f"Okänt värde för charts: {charts!r}. Giltiga: 'svg', 'png' och 'none'."
            )
        figures = "" if charts == "none" else "".join(
            f"<figure class='kompetens-kort-diagram' style='margin:10px 0'>"
            f"{_static_chart(c, charts)}</figure>" for c in self.charts)
        return (
            "<section class='kompetens-kort' style='font-family:Segoe UI,Helvetica,Arial,"
            f"sans-serif;color:{TEXT_COLOR};max-width:900px'>"
            f"{self.header_html()}{mandate_html(self.mandate)}"
            f"{self.messages_html()}{figures}{self.caveats_html()}</section>"
        )

    def to_text(self) -> str:
        lines = [self.title, "", mandate_text(self.mandate), "", "Tre budskap:"]
        lines += [f"{i}. {m.title}: {m.text}" for i, m in enumerate(self.messages, 1)]
        lines += ["", "Att tänka på:"] + [f"- {c}" for c in self.caveats]
        return "\n".join(lines)

    def save(self, path: str | Path) -> Path:
        """Write the brief as a standalone HTML page (charts as SVG); returns the path."""
        from kompetens_lib._internal.files import atomic_write_text

        path = Path(path)
        page = ("<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'>"
                f"<title>{html.escape(self.title)}</title></head><body style='margin:24px'>"
                f"{self.to_html()}</body></html>\n")
        atomic_write_text(path, page)
        return path


def _static_chart(chart: alt.TopLevelMixin, kind: str) -> str:
    import base64

    import vl_convert as vlc

    spec = chart.to_dict()
    if kind == "png":
        data = base64.b64encode(vlc.vegalite_to_png(spec, scale=2)).decode("ascii")
        title = html.escape(str(spec.get("title", {}).get("text", "Diagram")))
        return f"<img alt='{title}' style='max-width:100%' src='data:image/png;base64,{data}'>"
    return vlc.vegalite_to_svg(spec)


def build_brief(region: object, base_year: int | None = None, target_year: int | None = None,
                method: str = "fixed_share", source: Any = None) -> Brief:
    """Build the county's brief: mandate, three key messages, two charts, caveats.

    The messages and figures are :func:`kompetens_lib.workbook.brief.brief_content`; the
    charts carry messages 1–2 (:func:`need_chart`) and 3 (:func:`shortage_chart`).
    ``figures`` holds the numbers as plain JSON values (section "kommunicera").

    >>> b = build_brief("23")
    >>> len(b.messages), len(b.charts), b.mandate.example
    (3, 2, True)
    """
    content = brief_content(region, base_year, target_year, method, source)
    period = f"{content.base_year}–{content.target_year}"
    charts = (
        need_chart(content.need, source=content.source_note, period=period,
                   method=content.method_label),
        shortage_chart(content.balance, source=content.source_note,
                       target_year=content.target_year),
    )
    return Brief(
        region=content.region, base_year=content.base_year, target_year=content.target_year,
        method=content.method, source_note=content.source_note, mandate=content.mandate,
        messages=content.messages, charts=charts, caveats=content.caveats,
        figures=content.figures,
    )


def show(brief: Brief) -> None:
    """Show the brief in a notebook: header, mandate and messages, the two charts as live
    charts (so that reports can export them), then the caveats."""
    from IPython.display import display

    head = f"{brief.header_html()}{mandate_html(brief.mandate)}{brief.messages_html()}"
    display({"text/html": f"<section class='kompetens-kort'>{head}</section>",
             "text/plain": brief.title}, raw=True)
    for chart in brief.charts:
        display(chart)
    display({"text/html": f"<section class='kompetens-kort'>{brief.caveats_html()}</section>",
             "text/plain": "Att tänka på:\n" + "\n".join(f"- {c}" for c in brief.caveats)},
            raw=True)

