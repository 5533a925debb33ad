"""A county's slide deck (``.pptx``) for strategists and communicators: title, mandate, one
slide per key message with its chart, balance and places, the establishment scenario when
the build has one, caveats.

Charts are PNG images made by vl-convert (no browser); the deck opens in PowerPoint and
LibreOffice. The content is :mod:`kompetens_lib.publish.report_content`, as in the report.
"""

from __future__ import annotations

import io
from pathlib import Path

from kompetens_lib._internal.files import atomic_write_bytes
from kompetens_lib.publish.chart_files import chart_png
from kompetens_lib.publish.report_content import ReportContent

__all__ = ["build_deck", "chart_png"]

_WIDE = (13.333, 7.5)  # inches, 16:9


def _text_slide(prs, title: str, lines: list[str], *, note: str = ""):
    from pptx.util import Inches, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
    _title(slide, title)
    box = slide.shapes.add_textbox(Inches(0.7), Inches(1.6), Inches(11.9), Inches(5.2))
    frame = box.text_frame
    frame.word_wrap = True
    size = Pt(18) if sum(len(line) for line in lines) < 900 else Pt(14)  # long lists fit
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = size
        paragraph.space_after = Pt(10)
    if note:
        _source(slide, note)
    return slide


def _title(slide, text: str) -> None:
    """The slide's title across the wide slide (the default layouts are drawn for 4:3)."""
    from pptx.util import Inches, Pt

    shape = slide.shapes.title
    shape.text = text
    shape.left, shape.top, shape.width, shape.height = (Inches(0.5), Inches(0.3),
                                                        Inches(12.3), Inches(1.1))
    for paragraph in shape.text_frame.paragraphs:
        paragraph.font.size = Pt(30)


def _source(slide, note: str) -> None:
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(0.7), Inches(6.85), Inches(11.9), Inches(0.4))
    box.text_frame.word_wrap = True
    box.text_frame.paragraphs[0].text = note
    box.text_frame.paragraphs[0].font.size = Pt(11)


def _chart_slide(prs, title: str, text: str, chart, note: str):
    from PIL import Image
    from pptx.util import Inches, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, title)
    box = slide.shapes.add_textbox(Inches(0.5), Inches(1.5), Inches(4.3), Inches(5.2))
    box.text_frame.word_wrap = True
    box.text_frame.paragraphs[0].text = text
    box.text_frame.paragraphs[0].font.size = Pt(16)
    png = chart_png(chart)
    width, height = Image.open(io.BytesIO(png)).size
    max_w, max_h = 8.0, 5.2
    scale = min(max_w / width, max_h / height)
    slide.shapes.add_picture(io.BytesIO(png), Inches(5.0), Inches(1.5),
                             Inches(width * scale), Inches(height * scale))
    _source(slide, note)
    return slide


def build_deck(content: ReportContent, out: Path) -> Path:
    """Write the deck for ``content`` to ``out`` (atomically) and return its path."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(_WIDE[0]), Inches(_WIDE[1])
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = content.title
    for shape in title.placeholders:  # centred on the wide slide
        shape.left, shape.width = Inches(0.9), Inches(_WIDE[0] - 1.8)
    title.placeholders[1].text = (f"{content.region_name} · {content.made} · metod: "
                                  f"{content.method_label.lower()}\n{content.source_note}")
    mandate = [f"{label}: {text}" for label, text in content.mandate]
    if content.mandate_is_example:
        mandate.append("(Exempeluppdrag – länets eget uppdrag är inte ifyllt.)")
    _text_slide(prs, "Uppdraget", mandate or ["Uppdraget är inte ifyllt."])
    charts = list(content.key_charts)
    # Messages 1–2 are carried by the need chart, message 3 by the shortage chart.
    chart_of = {0: 0, 1: 0, 2: 1}
    for i, message in enumerate(content.messages):
        chart = charts[chart_of.get(i, 0)] if charts else None
        if chart is None:
            _text_slide(prs, message.title, [message.text], note=content.source_note)
        else:
            _chart_slide(prs, message.title, message.text, chart, content.source_note)
    for section in content.sections:
        if section.key in ("balans", "behov", "etableringar") and section.charts:
            _chart_slide(prs, section.title, " ".join(section.paragraphs), section.charts[0],
                         content.source_note)
    _text_slide(prs, "Att tänka på", list(content.caveats))
    buffer = io.BytesIO()
    prs.save(buffer)
    atomic_write_bytes(Path(out), buffer.getvalue())
    return Path(out)
