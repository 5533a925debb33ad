"""The explorer of notebook 08 works in a real JupyterLab in headless Chromium, and in the
folder ``kompetens start`` makes every link a newcomer clicks opens its file.

A temporary copy of the notebook (never the committed file: JupyterLab's autosave would
rewrite it) gets ``interactive = True``; a JupyterLab server is started on a free port with
this interpreter, with its settings, workspaces and runtime files in the temporary folder.
The page runs all cells, the test changes the education group in the explorer and checks
that the chart was drawn again with the new group. On failure a screenshot is kept under
test-artifacts/. The server is always stopped.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser import ARTIFACTS, offline_browser, require_chromium

from kompetens_lib.present import compare

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "08_jamfor_och_lana.ipynb"
EXPLORER = f".{compare.EXPLORER_CLASS}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _interactive_copy(folder: Path) -> Path:
    nb = nbformat.read(ROOT / "notebooks" / NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    source, count = re.subn(r"^interactive = False\b", "interactive = True", cell.source,
                            flags=re.MULTILINE)
    assert count == 1, "the parameters cell of 07 should set interactive = False"
    cell.source = source
    target = folder / NOTEBOOK
    nbformat.write(nb, target)
    return target


def _settings(home: Path, news_off: bool = True) -> Path:
    """User settings for the test server: every cell stays in the page (no windowing, so
    the explorer is found wherever it is) and, unless the test checks the workbook's own
    setting, no news is fetched from the internet."""
    settings = home / "settings"
    values = {"@jupyterlab/notebook-extension/tracker": '{"windowingMode": "none"}'}
    if news_off:
        values["@jupyterlab/apputils-extension/notification"] = '{"fetchNews": "false"}'
    for name, value in values.items():
        package, _, plugin = name.rpartition("/")
        path = settings / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value, encoding="utf-8")
    return settings


@contextlib.contextmanager
def jupyterlab(folder: Path, home: Path, env: dict[str, str] | None = None,
               news_off: bool = True):
    """A JupyterLab server serving ``folder`` (with ``env`` as its environment, default
    this process's); yields its base URL."""
    port = _free_port()
    env = dict(os.environ if env is None else env)
    env.update({
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(_settings(home, news_off)),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "KOMPETENS_UPPDRAG": str(home / "uppdrag"),
        "PYTHONUTF8": "1",
    })
    env.pop("KOMPETENS_DATA", None)
    log = (home / "jupyterlab.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip", "127.0.0.1",
         "--port", str(port), "--ServerApp.token=", "--ServerApp.password=", "--allow-root",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0",
         f"--ServerApp.root_dir={folder}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("JupyterLab did not start:\n"
                                       + (home / "jupyterlab.log").read_text(errors="replace")
                                       ) from None
                time.sleep(0.3)
        yield url
    finally:
        # SIGTERM lets the server shut its kernels down; then make sure it is gone.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()


# JupyterLab shows an SVG output as an <img> with a data URI (or inline <svg>): return the
# chart's markup as text either way.
EXPLORER_SVG_JS = f"""
() => {{
  const box = document.querySelector('{EXPLORER}');
  if (!box) return null;
  const svg = box.querySelector('svg');
  if (svg) return svg.outerHTML;
  const img = box.querySelector('img[src^="data:image/svg+xml"]');
  if (!img) return null;
  const src = img.getAttribute('src');
  const data = src.slice(src.indexOf(',') + 1);
  return src.includes(';base64,') ? decodeURIComponent(escape(atob(data)))
                                  : decodeURIComponent(data);
}}
"""


def test_explorer_redraws_when_the_group_changes(tmp_path: Path) -> None:
    require_chromium()
    started = time.monotonic()
    work = tmp_path / "notebooks"
    work.mkdir()
    home = tmp_path / "jupyter"
    home.mkdir()
    _interactive_copy(work)
    with jupyterlab(work, home) as url, offline_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside: list[str] = []

        def route(r) -> None:
            if r.request.url.startswith((url, "ws://127.0.0.1", "data:", "blob:", "about:")):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        try:
            page.goto(f"{url}/lab/tree/{NOTEBOOK}")
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " return !!(w && w.sessionContext && w.sessionContext.session"
                " && w.sessionContext.session.kernel); }", timeout=30_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(f"({EXPLORER_SVG_JS})() !== null", timeout=40_000)
            before = page.evaluate(EXPLORER_SVG_JS)
            assert "Gymn. vård och omsorg" in before

            box = page.locator(EXPLORER)
            assert box.get_by_text("Utbildningsgrupp").count() >= 1
            assert box.get_by_text("Län", exact=True).count() >= 1
            box.locator(".kompetens-explorer-grupp select").select_option(label="Förskollärare")
            page.wait_for_function(
                f"(old) => {{ const now = ({EXPLORER_SVG_JS})();"
                " return now !== null && now !== old && now.includes('Förskollärare'); }",
                arg=before, timeout=20_000)
            after = page.evaluate(EXPLORER_SVG_JS)
            assert after != before

            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']").count()
            assert errors == 0, "a cell raised an error"
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / "jupyterlab-explorer.png"), full_page=True)
            raise
        finally:
            page.close()
    assert time.monotonic() - started < 90, "the JupyterLab test should stay well under a minute"


# The path of the document JupyterLab shows in the main area, or null.
# (The visible widget of the main area: ``shell.currentWidget`` follows the focus, which a
# headless page may not have.)
SHOWN_JS = "[...window.jupyterapp.shell.widgets('main')].find(w => w.isVisible)"
CURRENT_PATH_JS = f"""
() => {{ const w = window.jupyterapp && {SHOWN_JS};
        return w && w.context ? w.context.path : null; }}
"""

# Links to files in the rendered Markdown of the shown document: JupyterLab resolves a
# relative link to ``<server>/files/<path>?_xsrf=…``; returns the paths, in page order.
LINKS_JS = f"""
() => {{ const w = {SHOWN_JS}; const prefix = window.location.origin + '/files/';
        return [...w.node.querySelectorAll('.jp-RenderedMarkdown a[href]')]
          .map(a => a.href).filter(h => h.startsWith(prefix))
          .map(h => decodeURIComponent(h.slice(prefix.length).split(/[?#]/)[0])); }}
"""

#: The document in the main area that is shown.
CURRENT = ".jp-MainAreaWidget:not(.lm-mod-hidden)"


def _show(page, path: str) -> None:
    """Open (or bring forward) ``path`` and wait until its Markdown is rendered."""
    page.evaluate("async (path) => { await window.jupyterapp.commands.execute("
                  "'docmanager:open', {path}); return true; }", path)
    page.wait_for_function(f"() => ({CURRENT_PATH_JS})() === {path!r}", timeout=30_000)
    page.wait_for_function(f"() => !!({SHOWN_JS}).content.widgets", timeout=30_000)
    # Markdown cells are rendered lazily, as they come into view: render them all.
    page.evaluate("async () => { await window.jupyterapp.commands.execute("
                  "'notebook:render-all-markdown'); return true; }")
    page.wait_for_function(
        f"() => !!({SHOWN_JS}).node.querySelector('.jp-RenderedMarkdown')", timeout=30_000)


#: The documents a newcomer works through (notebooks 00–02, exercises 1–3) and the docs.
NEWCOMER_PATH = ["notebooks/00_kom_igang.ipynb", "notebooks/01_nulage.ipynb",
                 "notebooks/02_nedbrytning.ipynb", "exercises/ovning1_uppdraget.ipynb",
                 "exercises/ovning2_nulaget.ipynb", "exercises/ovning3_nedbrytningen.ipynb"]


def test_links_open_inside_the_participants_folder(tmp_path: Path) -> None:
    """``kompetens start --bara-kopiera`` and JupyterLab as the command starts it: every
    relative link in notebooks 00–02 and exercises 1–3 is clicked and opens its file (no
    "404 Not Found" dialog), and the news pop-up does not appear."""
    from kompetens_lib.cli import start

    require_chromium()
    folder = tmp_path / "mitt-arbete"
    start.prepare(folder, "23")
    home = tmp_path / "jupyter"
    home.mkdir()
    _, env = start.lab_command(folder.resolve())
    with jupyterlab(folder, home, env=env, news_off=False) as url, \
            offline_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            (url, "ws://127.0.0.1", "data:", "blob:", "about:")) else r.abort())
        clicked: list[tuple[str, str]] = []
        try:
            page.goto(f"{url}/lab")
            page.wait_for_function(
                "() => !!(window.jupyterapp"
                " && window.jupyterapp.commands.hasCommand('docmanager:open'))", timeout=30_000)
            for document in NEWCOMER_PATH:
                hrefs = None
                while True:
                    _show(page, document)
                    if hrefs is None:  # rendering is asynchronous: wait for the links
                        page.wait_for_function(f"() => ({LINKS_JS})().length > 0",
                                               timeout=20_000)
                        hrefs = page.evaluate(LINKS_JS)
                    if not hrefs:
                        break
                    expected = hrefs.pop(0)
                    index = len(page.evaluate(LINKS_JS)) - len(hrefs) - 1
                    link = page.locator(
                        f"{CURRENT} .jp-RenderedMarkdown a[href*='/files/']").nth(index)
                    link.scroll_into_view_if_needed()
                    link.click()
                    page.wait_for_function(
                        f"() => ({CURRENT_PATH_JS})() === {expected!r}"
                        " || !!document.querySelector('.jp-Dialog')", timeout=15_000)
                    dialog = page.locator(".jp-Dialog")
                    assert dialog.count() == 0, (document, expected, dialog.inner_text())
                    clicked.append((document, expected))
            assert ("notebooks/01_nulage.ipynb", "exercises/ovning2_nulaget.ipynb") in clicked
            assert any(d.startswith("exercises/") and e.startswith("notebooks/")
                       for d, e in clicked)
            page.wait_for_timeout(1500)
            assert page.get_by_text("Would you like to get notified").count() == 0
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / "jupyterlab-links.png"), full_page=True)
            raise
        finally:
            page.close()
