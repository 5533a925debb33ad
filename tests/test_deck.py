"""The county's slide deck opens with python-pptx and holds the messages, charts and
caveats."""

from __future__ import annotations

import pytest

from kompetens_lib.publish.deck import build_deck
from kompetens_lib.publish.report_content import report_content


@pytest.fixture(scope="module")
def content():
    return report_content("23")


@pytest.fixture(scope="module")
def deck(content, tmp_path_factory):
    from pptx import Presentation

    path = build_deck(content, tmp_path_factory.mktemp("deck") / "presentation.pptx")
    return Presentation(str(path))


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_the_deck_has_title_mandate_three_messages_balance_places_and_caveats(deck, content):
    slides = list(deck.slides)
    assert len(slides) == 1 + 1 + len(content.messages) + 2 + 1
    assert content.region_name in _texts(slides[0]) and content.made in _texts(slides[0])
    assert "Uppdraget" in _texts(slides[1])
    for slide, message in zip(slides[2:5], content.messages):
        assert message.title in _texts(slide)
    assert "Balans" in _texts(slides[5])
    assert "platser" in _texts(slides[6])
    assert "Att tänka på" in _texts(slides[-1])
    assert "inte officiell statistik" in "\n".join(_texts(s) for s in slides)


def test_every_message_balance_and_places_slide_carries_a_chart_and_its_source(deck, content):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for slide in list(deck.slides)[2:7]:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0].image.content_type == "image/png"
        assert content.source_note in _texts(slide)
        assert pictures[0].left + pictures[0].width <= deck.slide_width


def test_the_deck_names_no_people_from_the_mandate(deck):
    from kompetens_lib.workbook import mandate as mandate_mod

    example = mandate_mod.load("23")
    text = "\n".join(_texts(s) for s in deck.slides)
    for who in (example.requested_by, example.recipient):
        if who:
            assert who not in text


def test_a_slide_picture_is_the_report_chart_on_a_palette_that_looks_the_same(content):
    import io

    import vl_convert as vlc
    from PIL import Image, ImageChops, ImageStat

    from kompetens_lib.publish.chart_files import chart_png, chart_svg

    chart = content.key_charts[0]
    raw = vlc.svg_to_png(chart_svg(chart), scale=1.5)  # what the deck carried before
    full = Image.open(io.BytesIO(raw)).convert("RGB")
    small = chart_png(chart)
    picture = Image.open(io.BytesIO(small))
    assert picture.mode == "P" and picture.size == full.size
    # The same picture to the eye: on average under one step of 255 per channel.
    difference = ImageStat.Stat(ImageChops.difference(full, picture.convert("RGB")))
    assert max(difference.mean) < 1.0
    assert len(small) < len(raw) / 3
