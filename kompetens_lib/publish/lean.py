"""A lean build: what every page repeats (the chart library, nbconvert's stylesheet) is
written once under ``build/_static/`` and referenced by a relative path.

Pages keep working from ``file://`` with no network and inside a zip unpacked elsewhere,
since they name the shared files relative to themselves. Executed notebooks lose the inline
chart library: their charts carry the compiled Vega spec (``application/vnd.vega.v5+json``),
which JupyterLab draws with its own renderer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import nbformat

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.present import render
from kompetens_lib.publish.layout import BUNDLE_DIR

__all__ = ["VEGA_MIME", "link_shared_assets", "slim_notebook", "slim_notebook_file",
           "static_dir"]

VEGA_MIME = "application/vnd.vega.v5+json"
#: Inline styles at least this long move to a shared file (nbconvert's is ~280 kB).
SHARED_STYLE_MIN = 10_000

_BUNDLE_RE = re.compile(
    rf"<script[^>]*\b{render.BUNDLE_ATTR}\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_STYLE_RE = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)


def static_dir(build_root: Path) -> Path:
    """The build's folder of shared files (``build/_static``)."""
    return Path(build_root) / BUNDLE_DIR


def _shared_file(folder: Path, stem: str, suffix: str, text: str) -> Path:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = folder / f"{stem}-{digest}{suffix}"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
    return path


def _relative(target: Path, page: Path) -> str:
    return Path(os.path.relpath(target, page.parent)).as_posix()


def link_shared_assets(page: Path, build_root: Path) -> int:
    """Move the page's inline chart library and large styles to ``build/_static``.

    Rewrites ``page`` in place (atomically) and returns the bytes saved; a page that
    already links its assets is left as it is (0).
    """
    page = Path(page)
    text = page.read_text(encoding="utf-8")
    before = len(text.encode("utf-8"))
    folder = static_dir(build_root)

    def script(match: re.Match) -> str:
        if not match.group(1).strip():
            return match.group(0)  # already a reference to the shared file
        path = _shared_file(folder, "vega-bundle", ".js", match.group(1).strip() + "\n")
        return (f'<script type="text/javascript" {render.BUNDLE_ATTR}="1" '
                f'src="{_relative(path, page)}"></script>')

    def style(match: re.Match) -> str:
        body = match.group(2)
        if len(body) < SHARED_STYLE_MIN:
            return match.group(0)
        path = _shared_file(folder, "stil", ".css", body)
        return f'<link rel="stylesheet" href="{_relative(path, page)}">'

    new = _BUNDLE_RE.sub(script, text)
    new = _STYLE_RE.sub(style, new)
    if new == text:
        return 0
    atomic_write_text(page, new)
    return before - len(new.encode("utf-8"))


def _vega(spec: dict) -> dict:
    import vl_convert as vlc

    vega = vlc.vegalite_to_vega(spec)
    vega = json.loads(vega) if isinstance(vega, str) else dict(vega)
    # JupyterLab's renderer runs Vega 5, which draws these specs; naming v6 only makes its
    # vega-embed warn about the version.
    vega["$schema"] = "https://vega.github.io/schema/vega/v5.json"
    return vega


def slim_notebook(nb: nbformat.NotebookNode) -> bool:
    """Drop the inline chart library from an executed notebook's outputs, in place.

    A chart output's HTML (which needs the library) and Vega-Lite spec give way to the
    compiled Vega spec, which JupyterLab draws itself. The cells' run timings (papermill's
    and Jupyter's, a fifth of a notebook's metadata) go too: they change on every run and
    say nothing once the notebook ran through. Returns whether anything changed.
    """
    changed = False
    for cell in nb.cells:
        for timing in ("papermill", "execution"):
            if cell.metadata.pop(timing, None) is not None:
                changed = True
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            spec = data.get(render.CHART_SPEC_MIME)
            if spec and render.CHART_ATTR in html:
                spec = json.loads(spec) if isinstance(spec, str) else dict(spec)
                data[VEGA_MIME] = _vega(spec)
                # The compiled spec replaces both (JupyterLab draws it).
                del data["text/html"], data[render.CHART_SPEC_MIME]
                changed = True
            elif html and render.BUNDLE_ATTR in html:
                if render.SETUP_CLASS in html:
                    changed = True
                    continue  # setup()'s output holds only the library
                data["text/html"] = _BUNDLE_RE.sub("", html)
                changed = True
            outputs.append(output)
        if cell.cell_type == "code":
            cell.outputs = outputs
    return changed


def slim_notebook_file(path: Path) -> bool:
    """:func:`slim_notebook` on a file, rewritten atomically only when it changed.

    The file is written as compact JSON (a third smaller than nbformat's indented form;
    JupyterLab and nbformat read it alike, and JupyterLab indents it again on save).
    """
    nb = nbformat.read(path, as_version=4)
    if not slim_notebook(nb):
        return False
    nbformat.validate(nb)
    text = json.dumps(nb, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    atomic_write_text(Path(path), text + "\n")
    return True
