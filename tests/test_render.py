"""setup(), the Swedish theme and the offline renderers (no kernel, no browser)."""

from __future__ import annotations

import base64
import re
import struct

import altair as alt
import pandas as pd
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import render


@pytest.fixture(autouse=True)
def altair_state(monkeypatch: pytest.MonkeyPatch):
    """Leave Altair's global renderer and theme as they were, and start a fresh session."""
    renderer, options = alt.renderers.active, dict(alt.renderers.options)
    theme = alt.theme.active
    monkeypatch.delenv(render.MODE_ENV_VAR, raising=False)
    render._reset_session()
    yield
    alt.renderers.enable(renderer, **options)
    alt.theme.enable(theme)
    render._reset_session()


def _chart(title: str = "Antal", values: tuple[float, ...] = (12345.0, 800.5)) -> alt.Chart:
    df = pd.DataFrame({"grupp": [f"G{i}" for i in range(len(values))], "antal": list(values)})
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(x=alt.X("antal:Q", axis=alt.Axis(format=",.1f")), y="grupp:N")
        .properties(title=title)
    )


def _svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_setup_enables_theme_and_offline_renderer_without_output_outside_kernel(capsys) -> None:
    render.setup()
    assert alt.theme.active == render.THEME_NAME
    assert alt.renderers.active == render.RENDERER_NAME
    assert capsys.readouterr().out == ""
    # Outside a kernel nothing carried the bundle yet, so the first chart must.
    assert render.BUNDLE_ATTR in _chart()._repr_mimebundle_()["text/html"]


@pytest.mark.parametrize(
    ("static", "renderer"),
    [
        (True, "kompetens-png"),
        ("png", "kompetens-png"),
        ("svg", "kompetens-svg"),
        (False, "kompetens"),
        ("interactive", "kompetens"),
    ],
)
def test_setup_static_modes(static: object, renderer: str) -> None:
    render.setup(static=static)  # type: ignore[arg-type]
    assert alt.renderers.active == renderer
    assert alt.theme.active == render.THEME_NAME


def test_setup_reads_mode_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(render.MODE_ENV_VAR, "SVG")
    render.setup()
    assert alt.renderers.active == "kompetens-svg"
    render.setup(static=False)  # the argument wins over the environment
    assert alt.renderers.active == "kompetens"


@pytest.mark.parametrize("bad", ["bild", 2])
def test_setup_rejects_unknown_mode_in_swedish(bad: object) -> None:
    with pytest.raises(KompetensError, match="okänt värde.*Giltiga värden: False"):
        render.setup(static=bad)  # type: ignore[arg-type]


def test_setup_in_kernel_displays_bundle_once_and_charts_then_omit_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[dict] = []
    monkeypatch.setattr(render, "in_kernel", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    render.setup()
    assert len(shown) == 1
    html = shown[0]["text/html"]
    assert render.SETUP_CLASS in html and "window.vegaEmbed" in html
    assert html.count("<script") == 1
    chart_html = _chart()._repr_mimebundle_()["text/html"]
    assert render.BUNDLE_ATTR not in chart_html
    assert len(chart_html) < 20_000  # a chart output is its spec, not the 0.9 MB library


def test_chart_outputs_have_deterministic_unique_ids() -> None:
    spec = _chart().to_dict()
    first = render.interactive_renderer(spec)["text/html"]
    second = render.interactive_renderer(spec)["text/html"]
    ids = [
        re.search(r'id="(kompetens-chart-[0-9a-f]{12}-\d+)"', h).group(1) for h in (first, second)
    ]
    assert ids[0] != ids[1]  # same chart twice on one page must not collide
    render._reset_session()
    again = render.interactive_renderer(spec)["text/html"]
    assert re.search(r'id="(kompetens-chart-[0-9a-f]{12}-\d+)"', again).group(1) == ids[0]
    assert again == first  # a rerun of the notebook gives identical output (nbval)
    assert render.BUNDLE_ATTR in first and render.BUNDLE_ATTR not in second


def test_chart_output_escapes_script_end_in_data() -> None:
    spec = _chart(title="</script><script>alert(1)</script>").to_dict()
    render._Session.bundle_shown = True
    html = render.interactive_renderer(spec)["text/html"]
    # One opening and one closing tag: the title could not end the script element early.
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert "\\u003c/script\\u003e" in html
    assert render.interactive_renderer(spec)["text/plain"].startswith("Diagram: ")


def test_chart_output_has_swedish_placeholder_and_embed_options() -> None:
    html = render.interactive_renderer(_chart("Pendling").to_dict())["text/html"]
    assert "Diagrammet ritas med JavaScript" in html  # what an untrusted notebook shows
    options = render.embed_options(_chart("Pendling över länsgränsen").to_dict())
    assert options["renderer"] == "svg"
    assert options["formatLocale"]["thousands"] == "\u00a0"
    assert options["actions"] == {
        "export": True,
        "source": False,
        "compiled": False,
        "editor": False,
    }
    assert options["i18n"]["PNG_ACTION"] == "Spara som PNG"
    assert options["downloadFileName"] == "pendling-over-lansgransen"


def test_bundle_tag_runs_bundle_only_once_per_page() -> None:
    tag = render.bundle_script_tag()
    assert tag.startswith("<script") and tag.endswith("</script>")
    assert "if (!window.vegaEmbed) { (function () {" in tag
    assert tag.lower().count("</script") == 1
    assert len(tag) > 500_000


def test_theme_formats_numbers_the_swedish_way() -> None:
    import vl_convert as vlc

    render.register()
    alt.theme.enable(render.THEME_NAME)
    chart = _chart(values=(12345.0, 800.5)).encode(text=alt.Text("antal:Q", format=",.1f"))
    labels = chart.mark_text(align="left") + chart
    svg = vlc.vegalite_to_svg(labels.to_dict())
    texts = _svg_texts(svg)
    assert "12\u00a0345,0" in texts  # thousands: non-breaking space; decimals: comma
    assert "800,5" in texts
    assert "12,345.0" not in svg


def test_theme_content() -> None:
    config = render.theme()["config"]
    assert config["locale"]["number"]["decimal"] == ","
    assert config["locale"]["number"]["percent"] == "\u00a0%"
    assert config["locale"]["time"]["months"][0] == "januari"
    assert config["title"]["anchor"] == "start"
    assert config["range"]["category"][0] == render.PRIMARY
    assert "sans-serif" in config["font"]


def test_png_renderer_returns_sharp_png_shown_at_natural_size() -> None:
    render.register()
    data, meta = render.png_renderer(_chart().to_dict(), scale=2)
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert meta["image/png"] == {"width": round(width / 2), "height": round(height / 2)}
    assert data["text/plain"] == "Diagram: Antal"


def test_svg_renderer() -> None:
    data = render.svg_renderer(_chart("Åldersstruktur").to_dict())
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    assert "Åldersstruktur" in data["image/svg+xml"]


def test_bundle_cache_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import vl_convert as vlc

    calls: list[int] = []

    def fake_bundle() -> str:
        calls.append(1)
        return "window.vegaEmbed = function () {};"

    monkeypatch.setenv(render.CACHE_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(vlc, "javascript_bundle", fake_bundle)
    render.bundle_js.cache_clear()
    try:
        assert render.bundle_js() == "window.vegaEmbed = function () {};"
        cached = list(tmp_path.glob("vega-bundle-*.js"))
        assert len(cached) == 1 and calls == [1]
        render.bundle_js.cache_clear()
        assert render.bundle_js() == "window.vegaEmbed = function () {};"
        assert calls == [1]  # second process-level call read the file
        assert not list(tmp_path.glob("*.tmp"))
    finally:
        render.bundle_js.cache_clear()


def test_bundle_that_would_end_the_script_element_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    import vl_convert as vlc

    monkeypatch.setenv(render.CACHE_ENV_VAR, str(tmp_path))
    monkeypatch.setattr(vlc, "javascript_bundle", lambda: "x = '</SCRIPT>'; window.vegaEmbed=1;")
    render.bundle_js.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="</script"):
            render.bundle_js()
    finally:
        render.bundle_js.cache_clear()
