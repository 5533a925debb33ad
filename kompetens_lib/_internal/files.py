"""Writing files safely: through a temporary file in the target folder, then moved into place.

A reader never sees half a file, an interrupted write leaves any earlier file as it was, and
the result has the usual permissions (``tempfile.mkstemp`` would make it owner-only).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def make_readable(path: str | os.PathLike) -> None:
    """Give a file the permissions a normal ``open()`` would (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def atomic_write(path: str | os.PathLike, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and move the temporary file onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        writer(Path(tmp))
        make_readable(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def make_private(path: str | os.PathLike) -> None:
    """Make a file readable and writable by its owner only (0600), a folder usable by its
    owner only (0700): for outputs that name people."""
    os.chmod(path, 0o700 if os.path.isdir(path) else 0o600)


def make_tree_private(root: str | os.PathLike) -> int:
    """:func:`make_private` for ``root`` and everything under it; returns how many files."""
    count = 0
    for folder, _dirs, files in os.walk(root):
        make_private(folder)
        for name in files:
            make_private(os.path.join(folder, name))
            count += 1
    return count
