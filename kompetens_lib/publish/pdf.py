"""Print a page to PDF with headless Chromium, with no network and no new dependency.

Where no Chromium is installed the PDF is skipped (the caller says so in Swedish); a build
never fails for want of a PDF.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
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
    with tempfile.TemporaryDirectory(prefix="kompetens-chromium-") as profile:
        command = [program, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", f"--user-data-dir={profile}",
                   "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                   "--no-pdf-header-footer", f"--print-to-pdf={tmp}", page.as_uri()]
        try:
            subprocess.run(command, check=True, timeout=timeout, capture_output=True)
            if os.path.getsize(tmp) == 0:
                raise RuntimeError("Chromium skrev en tom PDF")
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the PDF from other readers
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return out
