"""The status icons of the cohort overview draw in headless Chromium with the fonts a Linux
machine has: each icon is drawn on a canvas in the page's own font stack and compared,
pixel for pixel, with a character no font has (the empty box a browser draws instead)."""

from __future__ import annotations

import pytest
from browser import offline_browser, offline_page

from kompetens_lib.cohort import pages
from kompetens_lib.cohort.status import BROKEN, CRASHED, NOT_STARTED, TIMED_OUT

pytestmark = pytest.mark.browser

# Draws ``text`` and a character of the last private-use plane (no font maps it) in the
# body's font, and says whether the two drawings are the same: the glyph is missing.
MISSING_JS = """
(text) => {
  const font = '40px ' + getComputedStyle(document.body).fontFamily;
  const draw = (s) => {
    const c = document.createElement('canvas'); c.width = 80; c.height = 60;
    const g = c.getContext('2d'); g.font = font; g.fillText(s, 10, 45);
    return Array.from(g.getImageData(0, 0, 80, 60).data).join(',');
  };
  return draw(text) === draw(String.fromCodePoint(0x10FFFD));
}
"""


def overview_icons() -> list[str]:
    labels = [pages.summary({"status": s})[0] for s in (NOT_STARTED, CRASHED, TIMED_OUT, BROKEN)]
    labels.append(pages.summary(None)[0])
    icons = {label.split()[0] for label in labels} | set(pages._CHECK_ICONS.values())
    return sorted(icons | {"◐", "⚠"})


def test_every_status_icon_of_the_cohort_overview_is_drawn(tmp_path):
    page_file = tmp_path / "index.html"
    page_file.write_text(pages._page("Kohortöversikt", "<p>"
                                     + " ".join(overview_icons()) + "</p>"), encoding="utf-8")
    with offline_browser() as browser, offline_page(browser, "glyphs") as (page, _log):
        page.goto(page_file.as_uri())
        assert page.evaluate(MISSING_JS, "\U000FFFFD")  # the detector sees a missing glyph
        missing = [icon for icon in overview_icons() if page.evaluate(MISSING_JS, icon)]
    assert not missing, f"drawn as an empty box: {missing}"
    assert "⏱" not in overview_icons()
