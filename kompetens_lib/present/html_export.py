"""Export an executed notebook to one standalone HTML page that works offline from file://.

nbconvert's lab template loads require.js, MathJax, Mermaid and the widget manager from CDNs;
the template here drops them, puts the chart bundle once in ``<head>`` and removes the copies
that notebook outputs carry. ``include_code=False`` gives a report for strategists.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import warnings
from pathlib import Path

import nbformat

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.errors import KompetensError
from kompetens_lib.present import render

__all__ = ["LESSON_TAG", "export_html", "external_references"]

# Blocks of nbconvert's lab/index.html.j2 that reference CDNs are emptied; the chart
# bundle takes the place of require.js.
_TEMPLATE_NAME = "kompetens_offline.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
{%- if resources.kompetens_bundle %}
{{ resources.kompetens_bundle }}
{%- endif %}
<style>
.kompetens-chart-output { overflow-x: auto; }
.kompetens-chart .vega-embed { padding-right: 0; }
</style>
{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

_BUNDLE_PLACEHOLDER = "<!-- kompetens: diagrambibliotek -->"

# Cell tags that authors use (Jupyter Book's names) to keep things out of a rendered page.
_REMOVE_CELL_TAGS = {"remove-cell", "remove_cell"}
_REMOVE_INPUT_TAGS = {"remove-input", "remove_input", "hide-input", "hide_input"}
_REMOVE_OUTPUT_TAGS = {"remove-output", "remove_output"}
# papermill's injected "# Parameters" cell is the build's plumbing, never page content.
_INJECTED_TAG = "injected-parameters"
#: Tag of notebook text meant for the analyst only (lesson prose, instructions): left out
#: of pages without code, which are meant for readers who do not run the notebook.
LESSON_TAG = "lektion"
_LESSON_TAGS = {LESSON_TAG, "lesson-only"}  # the second: the name an earlier version used

_BUNDLE_RE = re.compile(
    rf"<script[^>]*\b{render.BUNDLE_ATTR}\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE
)
_EXTERNAL = r"""(?:https?:)?//"""
_EXTERNAL_TAG_RES = (
    re.compile(
        rf"""<script\b[^>]*\bsrc\s*=\s*["']?{_EXTERNAL}[^>]*>.*?</script\s*>""",
        re.DOTALL | re.IGNORECASE,
    ),
    re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']?{_EXTERNAL}[^>]*>""", re.DOTALL | re.IGNORECASE),
    re.compile(
        rf"""<iframe\b[^>]*\bsrc\s*=\s*["']?{_EXTERNAL}[^>]*>.*?</iframe\s*>""",
        re.DOTALL | re.IGNORECASE,
    ),
)
_STYLE_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)
_CSS_EXTERNAL_RE = re.compile(
    rf"""@import\s+(?:url\()?\s*["']?{_EXTERNAL}|url\(\s*["']?{_EXTERNAL}""", re.IGNORECASE
)


def external_references(html: str) -> list[str]:
    """Script, stylesheet, iframe and CSS references in ``html`` that would leave the machine.

    >>> external_references('<script src="https://cdn.example/x.js"></script><p>ok</p>')
    ['<script src="https://cdn.example/x.js"></script>']
    """
    found = [m.group(0) for pattern in _EXTERNAL_TAG_RES for m in pattern.finditer(html)]
    for style in _STYLE_RE.finditer(html):
        found += [m.group(0) for m in _CSS_EXTERNAL_RE.finditer(style.group(1))]
    return found


def _load(
    notebook: str | os.PathLike[str] | nbformat.NotebookNode,
) -> tuple[nbformat.NotebookNode, str]:
    if isinstance(notebook, nbformat.NotebookNode):
        return copy.deepcopy(notebook), ""
    if not isinstance(notebook, (str, os.PathLike)):
        raise KompetensError(
            "export_html behöver en sökväg till en .ipynb-fil eller en inläst anteckningsbok "
            f"(nbformat), men fick {type(notebook).__name__}."
        )
    path = Path(notebook)
    if not path.is_file():
        raise KompetensError(f"Hittar ingen anteckningsbok: {path}. Kontrollera sökvägen.")
    try:
        return nbformat.read(path, as_version=4), path.stem
    except Exception as err:  # nbformat raises several unrelated types for bad files
        raise KompetensError(
            f"{path.name} går inte att läsa som en Jupyter-anteckningsbok (.ipynb): {err}"
        ) from err


def _first_heading(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, re.MULTILINE)
            if match:
                return match.group(1)
    return ""


def _html_of(output: nbformat.NotebookNode) -> str:
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


def _prepare(nb: nbformat.NotebookNode, include_code: bool) -> bool:
    """Remove bundle copies and hidden material in place; return whether charts remain."""
    has_charts = False
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVE_CELL_TAGS or _INJECTED_TAG in tags:
            continue
        if not include_code and tags & _LESSON_TAGS:
            continue
        if cell.cell_type == "code":
            if tags & _REMOVE_INPUT_TAGS:
                cell.metadata.setdefault("transient", {})["remove_source"] = True
                cell.source = ""
            outputs = [] if tags & _REMOVE_OUTPUT_TAGS else list(cell.get("outputs", []))
            kept = []
            for output in outputs:
                if (
                    not include_code
                    and output.get("output_type") == "stream"
                    and (output.get("name") == "stderr")
                ):
                    continue  # warnings are for the analyst, not the report's reader
                html = _html_of(output)
                if html and render.BUNDLE_ATTR in html:
                    if render.SETUP_CLASS in html:
                        continue  # setup()'s output holds only the bundle
                    output["data"]["text/html"] = _BUNDLE_RE.sub("", html)
                    html = output["data"]["text/html"]
                if html and render.CHART_ATTR in html:
                    has_charts = True
                kept.append(output)
            cell.outputs = kept
            if not include_code and not kept:
                continue  # nothing to show once code is hidden
        cells.append(cell)
    nb.cells = cells
    return has_charts


_LOCAL_LINK = re.compile(r"""<a\s+href="(?![a-z][a-z0-9+.-]*:|#|/)([^"]*)"([^>]*)>(.*?)</a>""",
                         re.DOTALL | re.IGNORECASE)


def local_links(body: str) -> str:
    """Links between notebooks point at the pages beside this one (``02_x.ipynb`` →
    ``02_x.html``: a build writes each page next to its notebook); a link out of the
    notebooks' folder (``../docs/metoder.md``, ``../exercises/…``), which a build does not
    hold, becomes its text and the file's place in the workbook, so no link is dead.

    >>> local_links('<a href="02_nedbrytning.ipynb#bakatest">nästa</a>')
    '<a href="02_nedbrytning.html#bakatest">nästa</a>'
    >>> local_links('<a href="../docs/metoder.md">metoderna</a>')
    'metoderna (docs/metoder.md i arbetsboken)'
    """
    def replace(match: re.Match) -> str:
        target, rest, text = match.groups()
        path, _, anchor = target.partition("#")
        if "/" not in path and path.endswith(".ipynb"):
            return (f'<a href="{path[:-len(".ipynb")]}.html{"#" + anchor if anchor else ""}"'
                    f"{rest}>{text}</a>")
        if path.startswith("../"):
            return f"{text} ({path[3:]} i arbetsboken)"
        return match.group(0)

    return _LOCAL_LINK.sub(replace, body)


@functools.lru_cache(maxsize=2)
def _exporter(include_code: bool):
    """One exporter per mode and process: building one compiles its templates (~0.3 s)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        template_file=_TEMPLATE_NAME,
        language_code="sv",
        exclude_input=not include_code,
        exclude_input_prompt=not include_code,
        exclude_output_prompt=not include_code,
    )


def _write_atomically(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def export_html(
    notebook: str | os.PathLike[str] | nbformat.NotebookNode,
    out_path: str | os.PathLike[str],
    *,
    include_code: bool = True,
    title: str | None = None,
) -> Path:
    """Write an executed notebook as one HTML page that needs no internet; return its path.

    Charts are drawn by the chart library embedded once in the page. With
    ``include_code=False`` code cells, prompts, stderr output and cells without output are
    left out, and so are cells tagged ``lektion`` (lesson text for the analyst): a page for
    readers who do not code. papermill's injected parameters cell never shows. Cells
    tagged ``remove-cell``,
    ``remove-input`` or ``remove-output`` are honoured in both modes. The file is written
    to a temporary file next to ``out_path`` and then moved into place, so a reader never
    sees half a page. The notebook passed in is not changed.

    >>> export_html("01_nulage.ipynb", "rapport.html", include_code=False)  # doctest: +SKIP
    PosixPath('rapport.html')
    """
    out = Path(out_path)
    if out.suffix.lower() not in (".html", ".htm"):
        raise KompetensError(f"Utfilen ska sluta på .html, men heter {out.name!r}.")
    nb, stem = _load(notebook)
    has_charts = _prepare(nb, include_code)
    page_title = title or nb.metadata.get("title") or _first_heading(nb) or stem or "Rapport"
    nb.metadata["title"] = page_title  # the lab template prefers this for <title>

    exporter = _exporter(include_code)
    resources = {
        "metadata": {"name": page_title},
        # The ~0.9 MB bundle goes in after nbconvert, which parses and re-serialises the
        # whole page (a third of an export's time was spent on the bundle).
        "kompetens_bundle": _BUNDLE_PLACEHOLDER if has_charts else "",
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)

    body = local_links(body)
    leftovers = external_references(body)
    if leftovers:
        for pattern in _EXTERNAL_TAG_RES:
            body = pattern.sub("", body)
        warnings.warn(
            f"{len(leftovers)} hänvisning(ar) till filer på internet togs bort ur sidan, så att "
            f"den fungerar utan nätverk; den första: {leftovers[0][:120]}",
            stacklevel=2,
        )

    if has_charts:
        body = body.replace(_BUNDLE_PLACEHOLDER, render.bundle_script_tag(), 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(out, body)
    return out
