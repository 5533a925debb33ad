"""Swedish chart theme and an offline Altair renderer: the one ``setup()`` call of every notebook.

Altair's default renderer loads Vega from a CDN, which fails on the course machines. Here the
JavaScript bundle of vl-convert (vega, vega-lite, vega-embed) is put into the notebook once,
in the output of ``setup()``, and every chart output waits for ``window.vegaEmbed``. A notebook
with many charts therefore carries the 0.9 MB bundle once, and still draws when it is reopened
or exported to HTML (see :mod:`kompetens_lib.present.html_export`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, Literal

import altair as alt

from kompetens_lib.errors import KompetensError, plain_warnings

__all__ = [
    "FONT",
    "NUMBER_LOCALE",
    "PALETTE",
    "TIME_LOCALE",
    "register",
    "setup",
    "theme",
    "title_text",
]

CHART_SPEC_MIME = "application/vnd.kompetens.chart+json"
THEME_NAME = "kompetens"
RENDERER_NAME = "kompetens"
STATIC_RENDERERS: dict[str, str] = {"png": "kompetens-png", "svg": "kompetens-svg"}
MODE_ENV_VAR = "KOMPETENS_CHARTS"
CACHE_ENV_VAR = "KOMPETENS_CACHE_DIR"

# Markers that html_export relies on to find the bundle and the charts in notebook outputs.
BUNDLE_ATTR = "data-kompetens-bundle"
CHART_ATTR = "data-kompetens-chart"
SETUP_CLASS = "kompetens-setup"

# d3-format locale: "12 345", "0,5", "12 %" (non-breaking spaces, so numbers never wrap),
# and a real minus sign.
NUMBER_LOCALE: dict[str, Any] = {
    "decimal": ",",
    "thousands": "\u00a0",
    "grouping": [3],
    "currency": ["", "\u00a0kr"],
    "percent": "\u00a0%",
    "minus": "\u2212",
}
TIME_LOCALE: dict[str, Any] = {
    "dateTime": "%A den %d %B %Y %X",
    "date": "%Y-%m-%d",
    "time": "%H:%M:%S",
    "periods": ["fm", "em"],
    "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
    "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
    "months": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "shortMonths": [
        "jan",
        "feb",
        "mar",
        "apr",
        "maj",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ],
}

# System fonts only: nothing is downloaded. Segoe UI on Windows, Helvetica on macOS.
FONT = "Segoe UI, Helvetica Neue, Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif"
TEXT_COLOR = "#1b1b1b"
MUTED_COLOR = "#5a5a5a"
PRIMARY = "#1f5f8b"
ACCENT = "#d9822b"
NATIONAL_GREY = "#9a9a9a"
# Distinguishable for the common colour-vision deficiencies (Okabe–Ito based).
PALETTE: tuple[str, ...] = (
    PRIMARY,
    ACCENT,
    "#2a9d6f",
    "#c2495b",
    "#7b5ea7",
    "#4aa3c8",
    "#b89b2d",
    NATIONAL_GREY,
)

# Swedish labels for vega-embed's action menu; only export is offered (the editor link
# would reach the internet).
_EMBED_I18N = {
    "PNG_ACTION": "Spara som PNG",
    "SVG_ACTION": "Spara som SVG",
    "SOURCE_ACTION": "Visa källkod",
    "COMPILED_ACTION": "Visa Vega-specifikation",
    "EDITOR_ACTION": "Öppna i Vega Editor",
    "CLICK_TO_VIEW_ACTIONS": "Klicka för att spara diagrammet",
}

_PLACEHOLDER = (
    "Diagrammet ritas med JavaScript. Syns det inte: kör cellen igen, eller markera "
    "anteckningsboken som betrodd (i en terminal: jupyter trust FILNAMN.ipynb)."
)
_WAITING = (
    "Väntar på diagrambiblioteket. Kör cellen med kompetens_lib.setup() överst i "
    "anteckningsboken och sedan den här cellen igen."
)


def theme() -> dict[str, Any]:
    """The workbook's Altair theme: Swedish number format, system fonts, muted titles.

    The locale travels inside each spec (``config.locale``), so Swedish numbers appear in
    every renderer, including static PNG/SVG export with vl-convert.

    >>> theme()["config"]["locale"]["number"]["decimal"]
    ','
    """
    axis = {
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "labelColor": TEXT_COLOR,
        "titleColor": TEXT_COLOR,
        "domainColor": "#8a8a8a",
        "tickColor": "#8a8a8a",
        "gridColor": "#e4e4e4",
        "labelLimit": 240,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "locale": {"number": dict(NUMBER_LOCALE), "time": dict(TIME_LOCALE)},
            "title": {
                "anchor": "start",
                "fontSize": 16,
                "fontWeight": "bold",
                "color": TEXT_COLOR,
                "subtitleFontSize": 12,
                "subtitleColor": MUTED_COLOR,
                "subtitlePadding": 4,
                "offset": 14,
            },
            "axis": axis,
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": "normal",
                "labelColor": TEXT_COLOR,
                "titleColor": TEXT_COLOR,
                "orient": "top",
                "labelLimit": 240,
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "view": {"continuousWidth": 520, "continuousHeight": 300, "stroke": None},
            "range": {"category": list(PALETTE)},
            "mark": {"color": PRIMARY},
            "bar": {"color": PRIMARY},
            "line": {"color": PRIMARY, "strokeWidth": 2.5},
            "point": {"color": PRIMARY, "filled": True, "size": 45},
            "rule": {"color": TEXT_COLOR},
            "text": {"color": TEXT_COLOR, "fontSize": 11},
        }
    }


# ----------------------------------------------------------------------------------------
# The JavaScript bundle
# ----------------------------------------------------------------------------------------


def _cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kompetens"


@functools.cache
def bundle_js() -> str:
    """The vega + vega-lite + vega-embed bundle as one classic script (~0.9 MB).

    Building it takes vl-convert ~1.7 s, so it is cached on disk per vl-convert version
    (``$KOMPETENS_CACHE_DIR`` or ``~/.cache/kompetens``); an unwritable cache only costs time.
    """
    import vl_convert as vlc

    key = f"{vlc.__version__}-vega{vlc.get_vega_version()}-embed{vlc.get_vega_embed_version()}"
    path = _cache_dir() / f"vega-bundle-{key}.js"
    try:
        text = path.read_text(encoding="utf-8")
        if "window.vegaEmbed" in text and "</script" not in text.lower():
            return text
    except OSError:
        pass
    text = vlc.javascript_bundle()
    if "</script" in text.lower():  # would end the <script> element early
        raise RuntimeError("vl-convert's bundle contains '</script'; cannot inline it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vega-bundle-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        pass
    return text


def bundle_script_tag() -> str:
    """``<script>`` that defines ``window.vegaEmbed`` unless a previous output already did.

    The bundle declares top-level ``const``s, so it runs inside a function: running it a
    second time in the same page would otherwise fail with "already declared".
    """
    return (
        f'<script type="text/javascript" {BUNDLE_ATTR}="1">\n'
        "if (!window.vegaEmbed) { (function () {\n"
        f"{bundle_js()}\n"
        "})(); }\n"
        "</script>"
    )


def setup_html() -> str:
    """The (invisible) HTML output of ``setup()``: the bundle, once per notebook."""
    return f'<div class="{SETUP_CLASS}" hidden>{bundle_script_tag()}</div>'


# ----------------------------------------------------------------------------------------
# Renderers
# ----------------------------------------------------------------------------------------


class _Session:
    """Per-kernel state: element-id counter and whether the bundle is already in a output."""

    counter = 0
    bundle_shown = False


def _reset_session() -> None:
    """Forget ids and the shown bundle (for tests, and a fresh start in one process)."""
    _Session.counter = 0
    _Session.bundle_shown = False


def _json_for_script(value: Any) -> str:
    # Escaping <, > and & keeps "</script>" or "<!--" inside data from ending the element.
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def title_text(spec: dict[str, Any]) -> str:
    """A chart spec's title as one line of text ("" when it has none)."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title) if title else ""


def _plain_text(spec: dict[str, Any]) -> str:
    title = title_text(spec)
    return f"Diagram: {title}" if title else "Diagram"


def _slug(text: str) -> str:
    from kompetens_lib.reference.regions import slugify

    return slugify(text)[:60] or "diagram"


def element_id(spec: dict[str, Any], counter: int) -> str:
    """Deterministic element id: a digest of the spec plus the chart's number in the session.

    The same notebook run twice gives the same ids, so outputs compare equal (nbval).
    """
    digest = hashlib.sha256(_json_for_script(spec).encode("utf-8")).hexdigest()[:12]
    return f"kompetens-chart-{digest}-{counter}"


def embed_options(spec: dict[str, Any] | None = None, *, actions: bool = True) -> dict[str, Any]:
    """vega-embed options: SVG renderer, Swedish locale and menu, offline-safe actions."""
    options: dict[str, Any] = {
        "renderer": "svg",
        "formatLocale": NUMBER_LOCALE,
        "timeFormatLocale": TIME_LOCALE,
        "i18n": _EMBED_I18N,
        "actions": (
            {"export": True, "source": False, "compiled": False, "editor": False}
            if actions
            else False
        ),
    }
    if spec is not None:
        options["downloadFileName"] = _slug(title_text(spec))
    return options


_CHART_SCRIPT = """(function () {
  var id = %(id)s;
  var spec = %(spec)s;
  var opt = %(opt)s;
  var script = document.currentScript;
  var tries = 0;
  function target() {
    // Look next to this script first: in JupyterLab the output is not yet in the document
    // when its scripts run, so getElementById alone would miss it.
    var host = script && script.parentNode;
    var el = host && host.querySelector ? host.querySelector('[%(attr)s="' + id + '"]') : null;
    return el || document.getElementById(id);
  }
  function wait() {
    var el = target();
    if (el && window.vegaEmbed) {
      el.textContent = "";
      window.vegaEmbed(el, spec, opt).catch(function (err) {
        el.textContent = %(failed)s + String(err);
        console.error(err);
      });
      return;
    }
    tries += 1;
    if (el && tries === 100) { el.textContent = %(waiting)s; }
    // Poll: fast for five seconds, then once a second for ten minutes.
    if (tries < 700) { setTimeout(wait, tries < 100 ? 50 : 1000); }
  }
  wait();
})();"""


def chart_html(spec: dict[str, Any], *, include_bundle: bool = False, actions: bool = True) -> str:
    """HTML for one chart output: a placeholder ``div`` and a script that draws into it."""
    _Session.counter += 1
    chart_id = element_id(spec, _Session.counter)
    script = _CHART_SCRIPT % {
        "id": json.dumps(chart_id),
        "spec": _json_for_script(spec),
        "opt": _json_for_script(embed_options(spec, actions=actions)),
        "attr": CHART_ATTR,
        "failed": _json_for_script("Diagrammet kunde inte ritas: "),
        "waiting": _json_for_script(_WAITING),
    }
    parts = []
    if include_bundle:
        parts.append(bundle_script_tag())
    parts.append(
        f'<div class="kompetens-chart" id="{chart_id}" {CHART_ATTR}="{chart_id}">'
        f'<p style="color:{MUTED_COLOR};font-size:12px;font-style:italic">{_PLACEHOLDER}</p>'
        "</div>"
    )
    parts.append(f'<script type="text/javascript">\n{script}\n</script>')
    return '<div class="kompetens-chart-output">' + "\n".join(parts) + "</div>"


def interactive_renderer(spec: dict[str, Any], actions: bool = True, **_: Any) -> dict[str, str]:
    """Altair renderer: offline interactive HTML; carries the bundle only if no output has."""
    include_bundle = not _Session.bundle_shown
    _Session.bundle_shown = True
    return {
        "text/html": chart_html(spec, include_bundle=include_bundle, actions=actions),
        "text/plain": _plain_text(spec),
        # The spec itself, so that builds can export the chart as PNG/SVG for slides.
        CHART_SPEC_MIME: spec,
    }


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # IHDR chunk
    return width, height


def png_renderer(spec: dict[str, Any], scale: float = 2.0, **_: Any) -> Any:
    """Altair renderer: a PNG made by vl-convert (no browser; shows even in untrusted files)."""
    import vl_convert as vlc

    png = vlc.vegalite_to_png(spec, scale=scale)
    width, height = _png_size(png)
    data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": _plain_text(spec)}
    # Drawn at `scale` for sharpness; shown at its natural size.
    meta = {"image/png": {"width": round(width / scale), "height": round(height / scale)}}
    return data, meta


def svg_renderer(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    """Altair renderer: an SVG made by vl-convert."""
    import vl_convert as vlc

    return {"image/svg+xml": vlc.vegalite_to_svg(spec), "text/plain": _plain_text(spec)}


def register() -> None:
    """Register the theme and the renderers with Altair without enabling them (idempotent)."""
    alt.theme.register(THEME_NAME, enable=False)(theme)
    alt.renderers.register(RENDERER_NAME, interactive_renderer)
    alt.renderers.register(STATIC_RENDERERS["png"], png_renderer)
    alt.renderers.register(STATIC_RENDERERS["svg"], svg_renderer)


Mode = Literal["interactive", "png", "svg"]


def _resolve_mode(static: bool | str | None) -> Mode:
    if static is None:
        value: object = os.environ.get(MODE_ENV_VAR, "").strip().lower() or "interactive"
        origin = f"Miljövariabeln {MODE_ENV_VAR}"
    else:
        value = static
        origin = "Argumentet static"
    if value is False or value == "interactive":
        return "interactive"
    if value is True:
        return "png"
    if value in ("png", "svg"):
        return value  # type: ignore[return-value]
    raise KompetensError(
        f"{origin} har ett okänt värde: {value!r}. Giltiga värden: False eller "
        "'interactive' (interaktiva diagram), True eller 'png' (bilder), 'svg'."
    )


def in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def setup(*, static: bool | Literal["interactive", "png", "svg"] | None = None) -> None:
    """Prepare a notebook for charts: Swedish theme and offline rendering. Call it first.

    Parameters
    ----------
    static
        ``False``/``"interactive"`` (default): interactive charts drawn in the browser with no
        internet; the chart library is placed once, in this call's output. ``True``/``"png"``:
        PNG images (for batch runs: they show even in notebooks JupyterLab does not trust);
        ``"svg"``: SVG images. ``None`` reads ``$KOMPETENS_CHARTS`` (default interactive).

    Examples
    --------
    >>> import kompetens_lib as kl
    >>> kl.setup()  # doctest: +SKIP
    """
    mode = _resolve_mode(static)
    if in_kernel():
        plain_warnings()
    register()
    alt.theme.enable(THEME_NAME)
    if mode != "interactive":
        alt.renderers.enable(STATIC_RENDERERS[mode])
        return
    alt.renderers.enable(RENDERER_NAME)
    if in_kernel():
        from IPython.display import display

        # Every run of the setup cell replaces its own output, so a notebook holds the bundle
        # exactly once however often the cell is run.
        display({"text/html": setup_html(), "text/plain": ""}, raw=True)
        _Session.bundle_shown = True
