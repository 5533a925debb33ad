"""A workshop cache's read side: its manifest, and the checksums that every load checks.

A cache folder holds the workbook's tables as ``<name>.parquet``, ``provenance.json`` and
``manifest.json`` (the tables, when they were written and their sha256 checksums).
:func:`kompetens_lib.data.tables.load` calls :func:`verify_table` for every folder with a
manifest; :mod:`kompetens_lib.data.cache` builds them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path

from kompetens_lib.data.schema import TABLE_LABELS
from kompetens_lib.errors import DataValidationError

__all__ = [
    "FORMAT",
    "MANIFEST",
    "PROVENANCE",
    "REBUILD_HINT",
    "read_manifest",
    "sha256_file",
    "verify_cache",
    "verify_table",
]

MANIFEST = "manifest.json"
PROVENANCE = "provenance.json"
#: The manifest's format number, written by the build side.
FORMAT = 1
#: How to repair a cache that fails a check (``{dir}``: the cache folder).
REBUILD_HINT = "Bygg om cachen med 'kompetens data cache --out {dir}' eller kopiera den igen."


@functools.lru_cache(maxsize=64)
def _sha256_of(path: str, size: int, mtime_ns: int, ctime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The file's sha256 as hex (remembered while size, mtime and ctime stay the same)."""
    stat = os.stat(path)
    return _sha256_of(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns,
                      stat.st_ctime_ns)


def read_manifest(directory: str | os.PathLike[str]) -> dict:
    """The folder's ``manifest.json`` (Swedish :class:`DataValidationError` if unreadable)."""
    file = Path(directory) / MANIFEST
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError(
            f"Mappen {directory} har ingen {MANIFEST}; den är ingen förberedd cache. "
            + REBUILD_HINT.format(dir=directory)
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            f"Cachens {file} går inte att läsa ({exc}); filen ska vara JSON som "
            f"'kompetens data cache' skrev. " + REBUILD_HINT.format(dir=directory)
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise DataValidationError(
            f"Cachens {file} saknar listan 'tables'. " + REBUILD_HINT.format(dir=directory)
        )
    return manifest


def verify_table(directory: str | os.PathLike[str], name: str,
                 path: str | os.PathLike[str]) -> None:
    """Check a cache's table file against its manifest; raise a Swedish error if it differs.

    Raises :class:`~kompetens_lib.errors.DataValidationError` when the manifest cannot be
    read, does not list the table, names another file, or holds another sha256 checksum
    (the file was changed or damaged after the cache was built). Called by
    :func:`kompetens_lib.data.tables.load` for every folder that has a ``manifest.json``.
    """
    directory = Path(directory)
    path = Path(path)
    manifest = read_manifest(directory)
    entry = manifest["tables"].get(name)
    label = f" ({TABLE_LABELS[name]})" if name in TABLE_LABELS else ""
    if not isinstance(entry, dict):
        listed = ", ".join(sorted(manifest["tables"])) or "inga"
        raise DataValidationError(
            f"Tabellen {name!r}{label} finns i cachen {directory} ({path.name}) men inte i dess "
            f"{MANIFEST} (som listar: {listed}), så filen kan inte kontrolleras. "
            + REBUILD_HINT.format(dir=directory)
        )
    if entry.get("file") != path.name:
        raise DataValidationError(
            f"Cachens {MANIFEST} anger filen {entry.get('file')!r} för tabellen {name!r}{label}, "
            f"men i mappen {directory} finns {path.name}. " + REBUILD_HINT.format(dir=directory)
        )
    actual = sha256_file(path)
    expected = str(entry.get("sha256", ""))
    if actual != expected:
        raise DataValidationError(
            f"Filen {path} stämmer inte med cachens {MANIFEST}: kontrollsumman (sha256) är "
            f"{actual[:12]}… men manifestet väntar {expected[:12] or '(ingen)'}…. Filen har "
            f"ändrats eller skadats efter att cachen byggdes ({entry.get('written', '?')}). "
            + REBUILD_HINT.format(dir=directory)
        )


def verify_cache(directory: str | os.PathLike[str]) -> list[str]:
    """Check every table and ``provenance.json`` of a cache; return the tables' names."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    for name, entry in manifest["tables"].items():
        path = directory / str(entry.get("file", f"{name}.parquet"))
        if not path.exists():
            raise DataValidationError(
                f"Cachens {MANIFEST} listar {path.name}, men filen finns inte i {directory}. "
                + REBUILD_HINT.format(dir=directory)
            )
        verify_table(directory, name, path)
    prov = manifest.get("provenance")
    prov_file = directory / PROVENANCE
    if (isinstance(prov, dict) and prov_file.exists()
            and sha256_file(prov_file) != prov.get("sha256")):
        raise DataValidationError(
            f"Cachens {PROVENANCE} stämmer inte med {MANIFEST} (kontrollsumman skiljer "
            f"sig): källuppgifterna har ändrats efter att cachen byggdes. "
            + REBUILD_HINT.format(dir=directory)
        )
    return list(manifest["tables"])
