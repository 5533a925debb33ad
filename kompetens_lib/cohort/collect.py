"""Collect: copy the participants' notebooks into a new dated snapshot, originals untouched.

The snapshot's manifest (``insamling.json``) records who handed in what, with hashes, and
which files could not be attributed or were too large.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from pathlib import Path

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib._internal.text import fold, person_key
from kompetens_lib.cohort.release import (
    DEFAULT_RELEASE_DIR,
    MANIFEST,
    file_sha256,
    read_release_manifest,
)
from kompetens_lib.cohort.roster import participant_slug
from kompetens_lib.errors import KompetensError

__all__ = ["DEFAULT_SNAPSHOT_DIR", "MAX_NOTEBOOK_BYTES", "SNAPSHOT_MANIFEST", "collect",
           "read_snapshot"]

logger = logging.getLogger(__name__)

SNAPSHOT_MANIFEST = "insamling.json"
DEFAULT_SNAPSHOT_DIR = "insamlingar"
MAX_NOTEBOOK_BYTES = 50_000_000


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def read_snapshot(snapshot: Path) -> dict:
    """The manifest of a snapshot made by :func:`collect`; a Swedish error if ``snapshot``
    is not one."""
    file = Path(snapshot) / SNAPSHOT_MANIFEST
    if not file.is_file():
        raise KompetensError(f"{snapshot} är ingen insamling: filen {SNAPSHOT_MANIFEST} "
                             "saknas. Samla först in med kompetens cohort collect.")
    broken = (f"Insamlingens fil {file} är skadad och går inte att läsa. Samla in på nytt "
              "med kompetens cohort collect --from MAPP --out NY_MAPP.")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KompetensError(broken) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("participants"), list) \
            or not all(isinstance(p, dict) and isinstance(p.get("slug"), str)
                       and isinstance(p.get("files"), list) for p in manifest["participants"]):
        raise KompetensError(broken)
    manifest.setdefault("collected", "")
    return manifest


def _notebook_meta(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data.get("metadata", {}).get("kompetens", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def collect(source: str | os.PathLike = DEFAULT_RELEASE_DIR, out: str | os.PathLike | None
            = None, *, now: dt.datetime | None = None) -> Path:
    """Copy the participants' notebooks from ``source`` into a new dated snapshot.

    ``source`` is a release folder (one folder per participant) or any folder of hand-ins;
    hand-ins are attributed by the participant recorded in the notebook, else by their
    folder. The originals are only read. Returns the snapshot folder; its manifest
    (:func:`read_snapshot`) says what was collected, left unattributed or skipped.
    """
    moment = now or _now()
    source = Path(source)
    if not source.is_dir():
        raise KompetensError(f"Mappen {str(source)!r} finns inte. Ange mappen med "
                             "deltagarnas övningar, t.ex. --from deltagare.")
    snapshot = Path(out) if out else Path(DEFAULT_SNAPSHOT_DIR) / f"{moment:%Y-%m-%d_%H%M}"
    if snapshot.exists() and any(snapshot.iterdir()):
        raise KompetensError(f"Mappen {snapshot} finns redan och är inte tom. En insamling "
                             "skrivs aldrig över: välj en ny mapp med --out.")
    if snapshot.resolve().is_relative_to(source.resolve()):
        raise KompetensError("Insamlingen kan inte ligga i mappen som samlas in. Välj en "
                             "mapp utanför den med --out.")
    people: dict[str, dict] = {}
    unattributed: list[str] = []
    skipped: list[str] = []

    def person_for(key: str, name: str, region: str | None, groups=None) -> dict:
        entry = people.get(key)
        if entry is None:
            entry = people[key] = {"deltagare": name, "region": region,
                                   "prioriterade_grupper": groups or [], "files": []}
        return entry

    manifests = {p.parent: read_release_manifest(p.parent) for p in source.rglob(MANIFEST)
                 if not _hidden(p.parent, source)}
    for path in sorted(source.rglob("*.ipynb")):
        if _hidden(path, source) or ".ipynb_checkpoints" in path.parts:
            continue
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            skipped.append(str(path.relative_to(source)))
            continue
        folder = next((f for f in manifests if path.is_relative_to(f)), None)
        meta = _notebook_meta(path)
        if folder is not None:
            manifest = manifests[folder]
            name = manifest.get("deltagare") or folder.name
            entry = person_for(person_key(name), name, manifest.get("region"),
                               manifest.get("prioriterade_grupper"))
            relative = path.relative_to(folder)
            record = manifest.get("files", {}).get(str(relative.as_posix()))
            pristine = bool(record) and file_sha256(path) == record.get("sha256")
            if not meta.get("exercise") and record and record.get("exercise"):
                # A damaged hand-in (cut off, not JSON) is still that exercise's hand-in:
                # the feedback says it cannot be read, not that nothing was handed in.
                meta = {**meta, "exercise": record["exercise"]}
        else:
            name = meta.get("deltagare") or (path.parent.name if path.parent != source
                                             else "")
            if not name:
                unattributed.append(str(path.relative_to(source)))
                continue
            entry = person_for(person_key(name), name, meta.get("region"))
            relative = Path(path.name) if meta.get("deltagare") else path.relative_to(
                path.parent)
            pristine = None
        entry["files"].append({"source": path, "relative": relative.as_posix(),
                               "exercise": meta.get("exercise", ""), "pristine": pristine})
    slugs: set[str] = set()
    records = []
    snapshot.mkdir(parents=True, exist_ok=True)
    for entry in sorted(people.values(), key=lambda e: fold(e["deltagare"])):
        slug = participant_slug(entry["deltagare"])
        base, n = slug, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        files = []
        for item in entry["files"]:
            target = snapshot / slug / item["relative"]
            if target.exists():  # two hand-ins with the same name: keep both
                target = target.with_name(f"{target.stem}-{len(files) + 1}{target.suffix}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item["source"], target)
            stat = item["source"].stat()
            files.append({
                "path": target.relative_to(snapshot / slug).as_posix(),
                "original": str(item["source"].resolve()),
                "sha256": file_sha256(target),
                "exercise": item["exercise"],
                "pristine": item["pristine"],
                "modified": dt.datetime.fromtimestamp(stat.st_mtime).replace(
                    microsecond=0).isoformat(),
            })
        records.append({"deltagare": entry["deltagare"], "slug": slug,
                        "region": entry["region"],
                        "prioriterade_grupper": entry["prioriterade_grupper"], "files": files})
    manifest = {"collected": moment.isoformat(), "source": str(source.resolve()),
                "participants": records, "unattributed": unattributed, "skipped": skipped}
    atomic_write_text(snapshot / SNAPSHOT_MANIFEST,
                      json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    logger.info("collected %d notebooks of %d participants into %s",
                sum(len(r["files"]) for r in records), len(records), snapshot)
    return snapshot

