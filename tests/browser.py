"""Helpers for tests that execute notebooks and open pages in headless Chromium, offline.

Import from test modules (``from browser import ...``; pytest puts ``tests/`` on the path).
Every request that is not ``file:`` or ``data:`` is blocked and recorded, so a page that
would fetch anything from the internet fails its test instead of passing by luck.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Path of the system Chromium, or None (Playwright cannot download one here)."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def require_chromium() -> str:
    """Chromium's path; skip without it, except in CI (KOMPETENS_REQUIRE_BROWSER=1): fail."""
    path = chromium_path()
    if path is None:
        if os.environ.get("KOMPETENS_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "KOMPETENS_REQUIRE_BROWSER=1 but no Chromium at /usr/bin/chromium or on PATH"
            )
        pytest.skip("no Chromium at /usr/bin/chromium or on PATH")
    return path


def execute_notebook(nb: Any, cwd: Path, timeout: int = 120) -> None:
    """Run ``nb`` in place with an ipykernel of *this* interpreter (not whatever 'python3'
    kernelspec a user directory might hold)."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    spec_root = Path(tempfile.mkdtemp(prefix="kernelspec-", dir=cwd))
    spec_dir = spec_root / "kompetens-test"
    spec_dir.mkdir()
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "kompetens test",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    km = KernelManager(
        kernel_name="kompetens-test",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_root)]),
    )
    client = NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    finally:
        if km.has_kernel:  # nbclient leaves a kernel it was handed running
            km.shutdown_kernel(now=True)


@dataclass
class PageLog:
    """What a page did: blocked outside requests, console errors, uncaught page errors."""

    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@contextmanager
def offline_browser() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``) for the duration of the block."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def offline_page(browser: Any, name: str) -> Iterator[tuple[Any, PageLog]]:
    """A page that blocks and records non-file requests; screenshot to test-artifacts/ on
    failure of the block."""
    log = PageLog()
    page = browser.new_page(viewport={"width": 1200, "height": 900})

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            log.outside_requests.append(url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    try:
        yield page, log
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        # The screenshot must not hide the real failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
    finally:
        page.close()


# Per chart container: whether an SVG exists, its size, and the number of drawn data marks
# (Vega gives user marks the class "role-mark"; axes and legends have other roles).
CHART_REPORT_JS = """
() => [...document.querySelectorAll('.kompetens-chart')].map(el => {
  const svg = el.querySelector('svg.marks');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const marks = svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > line').length : 0;
  // Multi-line titles are one <text> with a <tspan> per line: keep lines apart.
  const texts = svg ? [...svg.querySelectorAll('text')].flatMap(t => {
    const lines = t.querySelectorAll('tspan');
    return lines.length ? [...lines].map(l => l.textContent) : [t.textContent];
  }) : [];
  return {id: el.id, svg: !!svg, width: box.width, height: box.height, marks, texts};
})
"""

ALL_DRAWN_JS = """
(n) => {
  const charts = [...document.querySelectorAll('.kompetens-chart')];
  return charts.length === n && charts.every(
    el => el.querySelector('svg.marks g.role-mark > path, svg.marks g.role-mark > line'));
}
"""


def wait_for_charts(page: Any, count: int, timeout_ms: int = 10_000) -> list[dict[str, Any]]:
    """Wait until ``count`` chart containers have drawn marks; return a report per chart."""
    page.wait_for_function(ALL_DRAWN_JS, arg=count, timeout=timeout_ms)
    return page.evaluate(CHART_REPORT_JS)


# A page that inserts notebook outputs the way JupyterLab does: HTML via innerHTML, then
# each <script> re-created so that it runs when the output is attached to the document.
HARNESS_TEMPLATE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Notebook outputs</title></head>
<body><main id="notebook"></main>
<script>
const outputs = %(outputs)s;
const delayFirst = %(delay_first)d;
function show(html) {
  const host = document.createElement('div');
  host.className = 'jp-OutputArea-output';
  host.innerHTML = html;
  for (const old of Array.from(host.getElementsByTagName('script'))) {
    const s = document.createElement('script');
    for (const a of Array.from(old.attributes)) s.setAttribute(a.name, a.value);
    s.textContent = old.textContent;
    old.parentNode.replaceChild(s, old);
  }
  document.getElementById('notebook').appendChild(host);
}
if (delayFirst > 0) {
  outputs.slice(1).forEach(show);
  setTimeout(() => show(outputs[0]), delayFirst);
} else {
  outputs.forEach(show);
}
</script></body></html>
"""


def output_harness(nb: Any, path: Path, *, delay_first_ms: int = 0) -> Path:
    """Write a page showing the ``text/html`` outputs of ``nb`` as JupyterLab would.

    With ``delay_first_ms`` the first output (setup()'s, with the chart library) appears
    only after the others, as when a frontend renders cells out of order.
    """
    htmls = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html:
                htmls.append("".join(html) if isinstance(html, list) else html)
    payload = json.dumps(htmls).replace("<", "\\u003c")
    path.write_text(
        HARNESS_TEMPLATE % {"outputs": payload, "delay_first": delay_first_ms}, encoding="utf-8"
    )
    return path
