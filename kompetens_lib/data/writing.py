"""Writing tidy tables: parquet or CSV by the file ending, atomically, readable by others."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from kompetens_lib._internal.files import atomic_write
from kompetens_lib.errors import KompetensError

__all__ = ["readable", "write_tidy"]

_WRITERS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv"}


def write_tidy(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a tidy frame to ``.parquet`` or ``.csv`` (by the file ending), atomically.

    The frame goes to a temporary file in the target folder which then replaces the target
    (``os.replace``), so a reader never sees half a file and a failed write leaves an
    existing file as it was. An existing file at ``path`` is replaced: the caller named it.
    CSV is UTF-8 with a comma separator and a decimal point; codes stay text, but read it
    back with ``dtype=str`` for the code columns (parquet keeps the types and the report).

    >>> write_tidy(import_scb_file("UF0506A1.csv"), "uf0506.parquet")  # doctest: +SKIP
    """
    if not isinstance(df, pd.DataFrame):
        raise KompetensError(f"write_tidy behöver en DataFrame, inte {type(df).__name__}.")
    path = Path(path)
    kind = _WRITERS.get(path.suffix.lower())
    if kind is None:
        raise KompetensError(
            f"Kan inte skriva {str(path)!r}: okänd filändelse {path.suffix or '(ingen)'!r}. "
            "Giltiga är .parquet och .csv."
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise KompetensError(f"Mappen {str(folder)!r} finns inte; skapa den först.")
    if kind == "parquet":
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8",
                                                 lineterminator="\n"))
    return path


def readable(path: str | os.PathLike[str]) -> None:
    """Give a file written through a private temporary file the usual permissions.

    Temporary files are created 0600; a data file is meant to be shared (a workshop cache is
    copied to every participant), so it gets 0666 less the umask, like any new file.
    """
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
