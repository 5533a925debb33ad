"""The report's charts as files: each chart rendered to SVG once per build step, shared by
the report page (inline SVG), the slide deck (a PNG rasterised from that SVG) and the
county's ``diagram/`` folder (the SVG files communicators take into their own material).

A chart on a notebook page can still be saved by whoever reads it: the page's chart menu
exports SVG and PNG.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path

from kompetens_lib._internal.files import atomic_write_bytes
from kompetens_lib._internal.text import slugify

__all__ = ["chart_png", "chart_svg", "write_chart_files"]

#: Rendered SVGs by spec, for the few charts one county's report, deck and files share.
_RENDERED: OrderedDict[str, str] = OrderedDict()
_KEEP = 64


def chart_svg(chart) -> str:
    """An Altair chart (or a Vega-Lite spec) as SVG, rendered once for equal specs."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    key = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    svg = _RENDERED.get(key)
    if svg is None:
        svg = vlc.vegalite_to_svg(spec)
        _RENDERED[key] = svg
        while len(_RENDERED) > _KEEP:
            _RENDERED.popitem(last=False)
    else:
        _RENDERED.move_to_end(key)
    return svg


def chart_png(chart, scale: float = 1.5) -> bytes:
    """A chart as a PNG at ``scale`` times its size, rasterised from :func:`chart_svg`, on
    white and with a palette of 256 colours: a chart's flat colours and antialiased text
    look the same, and the file is about a tenth (the slide deck carries these)."""
    import io

    import vl_convert as vlc
    from PIL import Image

    image = Image.open(io.BytesIO(vlc.svg_to_png(chart_svg(chart), scale=scale)))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    image = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                          dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def write_chart_files(charts, out_dir: Path, prefix: str = "rapport") -> list[Path]:
    """Write ``charts`` as ``<prefix>-NN-title.svg`` in ``out_dir`` (atomically) and remove
    the other SVG files there, so that the folder holds exactly these charts. Names are
    stable across rebuilds (number and title)."""
    from kompetens_lib.present.render import title_text  # (imports the chart library)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for number, chart in enumerate(charts, 1):
        spec = chart if isinstance(chart, dict) else chart.to_dict()
        slug = slugify(title_text(spec))[:60].strip("-") or "diagram"
        path = out_dir / f"{prefix}-{number:02d}-{slug}.svg"
        atomic_write_bytes(path, chart_svg(chart).encode("utf-8"))
        written.append(path)
    keep = set(written)
    for stale in out_dir.glob("*.svg"):
        if stale not in keep:
            try:
                stale.unlink()
            except OSError:
                pass
    return written
