"""Print a page to PDF with headless Chromium, with no network and no new dependency.

Where no Chromium is installed the PDF is skipped (the caller says so in Swedish); a build
never fails for want of a PDF. A process that prints several pages (a build's worker, one
county after another) keeps one Chromium open and asks it over the DevTools protocol on a
pipe (``--remote-debugging-pipe``): starting Chromium is most of a print's time. Should that
fail, the page is printed by a Chromium of its own (``--print-to-pdf``).
"""

from __future__ import annotations

import atexit
import base64
import json
import logging
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["CHROMIUM_ENV", "find_chromium", "print_to_pdf"]

logger = logging.getLogger(__name__)

#: Environment variable naming the Chromium (or Chrome) program to use.
CHROMIUM_ENV = "KOMPETENS_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """The Chromium program: ``$KOMPETENS_CHROMIUM``, ``/usr/bin/chromium`` or on PATH."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit if Path(explicit).exists() or shutil.which(explicit) else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_to_pdf(page: Path, out: Path, *, timeout: float = 60.0) -> Path | None:
    """Print ``page`` (an HTML file) to ``out``; None when no Chromium is found.

    The PDF is written to a temporary file beside ``out`` and moved into place only when
    Chromium succeeded, so a failed print never replaces a good PDF. Network access is cut
    off with a proxy that does not exist, so a page that still asks for something outside
    cannot wait for it.
    """
    program = find_chromium()
    if program is None:
        return None
    page, out = Path(page).resolve(), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        data = _print_in_session(program, page, timeout)
        if data is not None:
            Path(tmp).write_bytes(data)
        else:
            with tempfile.TemporaryDirectory(prefix="kompetens-chromium-") as profile:
                command = [program, *_FLAGS, f"--user-data-dir={profile}",
                           "--no-pdf-header-footer", f"--print-to-pdf={tmp}", page.as_uri()]
                subprocess.run(command, check=True, timeout=timeout, capture_output=True)
        if os.path.getsize(tmp) == 0:
            raise RuntimeError("Chromium skrev en tom PDF")
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the PDF from other readers
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


#: Headless, no network (a proxy that does not exist), nothing that phones home.
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")


class _Session:
    """One Chromium for this process, spoken to over the DevTools protocol on a pipe (fd 3
    to Chromium, fd 4 back), null-terminated JSON messages."""

    def __init__(self, program: str):
        from kompetens_lib.publish.kernels import die_with_parent

        self.profile = tempfile.TemporaryDirectory(prefix="kompetens-chromium-")
        to_chromium, self._write = os.pipe()
        self._read, from_chromium = os.pipe()

        def child() -> None:
            os.dup2(to_chromium, 3)
            os.dup2(from_chromium, 4)
            die_with_parent()

        self.process = subprocess.Popen(
            [program, *_FLAGS, f"--user-data-dir={self.profile.name}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=child)
        os.close(to_chromium)
        os.close(from_chromium)
        self._buffer = b""
        self._id = 0

    def call(self, method: str, params: dict | None = None, session: str | None = None, *,
             deadline: float, until_event: str | None = None) -> dict:
        """Send one command and return its result (after ``until_event`` for that session,
        when given)."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        result, seen = None, until_event is None
        while result is None or not seen:
            reply = self._next(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"Chromium: {reply['error']}")
                result = reply.get("result", {})
            elif reply.get("method") == until_event and reply.get("sessionId") == session:
                seen = True
        return result

    def _next(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("Chromium svarade inte i tid")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium avslutades")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def print_page(self, page: Path, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        target = self.call("Target.createTarget", {"url": "about:blank"},
                           deadline=deadline)["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                            deadline=deadline)["sessionId"]
        try:
            self.call("Page.enable", session=session, deadline=deadline)
            self.call("Page.navigate", {"url": page.as_uri()}, session, deadline=deadline,
                      until_event="Page.loadEventFired")
            printed = self.call("Page.printToPDF", {
                "printBackground": True, "preferCSSPageSize": True,
                "displayHeaderFooter": False}, session, deadline=deadline)
            return base64.b64decode(printed["data"])
        finally:
            self.call("Target.closeTarget", {"targetId": target}, deadline=deadline + 5)

    def close(self) -> None:
        for fd in (self._write, self._read):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.profile.cleanup()


_SESSIONS: dict[str, _Session] = {}


def _print_in_session(program: str, page: Path, timeout: float) -> bytes | None:
    """The page printed by this process's Chromium, or None when the session cannot
    (the caller then starts a Chromium for this page alone)."""
    session = _SESSIONS.get(program)
    try:
        if session is None:
            session = _SESSIONS[program] = _Session(program)
        return session.print_page(page, timeout)
    except Exception as exc:  # noqa: BLE001 - the page is printed the plain way instead
        logger.debug("Chromium-sessionen kunde inte skriva ut %s: %s", page, exc)
        _close_sessions()
        return None


def _close_sessions() -> None:
    while _SESSIONS:
        _, session = _SESSIONS.popitem()
        try:
            session.close()
        except Exception:  # noqa: BLE001 - leaving is best effort
            pass


atexit.register(_close_sessions)
