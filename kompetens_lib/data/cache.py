"""A workshop's offline data folder, build side: fetch real data once, then run with no network.

A cache folder holds the workbook's tables as ``<name>.parquet``, ``provenance.json`` (one
record per table, the shape of the bundled example's, with ``synthetic: false``,
``source`` and ``table_id``) and ``manifest.json`` (the tables, when they were written and
their sha256 checksums). ``kompetens_lib.load(name, source=DIR)`` reads it like any folder
of tables; the read side, which checks each file first, is
:mod:`kompetens_lib.data.cache_manifest` (its names are re-exported here).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.data.cache_manifest import (
    FORMAT,
    MANIFEST,
    PROVENANCE,
    read_manifest,
    sha256_file,
    verify_cache,
    verify_table,
)
from kompetens_lib.data.population_projection import (
    apply_own_projection,
    validate_projection_template,
)
from kompetens_lib.data.recipes import CACHE_RECIPES, fetch_recipe, get_recipe
from kompetens_lib.data.scb_api import ScbClient, read_provenance
from kompetens_lib.data.tables import (
    OPTIONAL_TABLES,
    TABLE_LABELS,
    TABLES,
    load,
    provenance,
    validate,
)
from kompetens_lib.data.tp_template import validate_tp_template
from kompetens_lib.data.writing import readable, write_tidy
from kompetens_lib.errors import DataValidationError, KompetensError, RecipeError, ScbApiError

__all__ = [
    "DEFAULT_DIR",
    "MANIFEST",
    "PROVENANCE",
    "CacheReport",
    "build_cache",
    "read_manifest",
    "sha256_file",
    "summary",
    "verify_cache",
    "verify_table",
]

DEFAULT_DIR = "kompetens-data"

logger = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class CacheReport:
    """What :func:`build_cache` did."""

    directory: Path
    written: dict[str, dict] = field(default_factory=dict)  # name -> manifest entry
    kept: list[str] = field(default_factory=list)  # tables from an earlier build
    dropped: list[str] = field(default_factory=list)  # earlier tables that no longer verify
    failed: dict[str, str] = field(default_factory=dict)  # recipe -> Swedish reason
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _years(frame: pd.DataFrame) -> list[int] | None:
    if "year" in frame.columns and len(frame):
        return [int(frame["year"].min()), int(frame["year"].max())]
    return None


def _slim(record: dict) -> dict:
    """A provenance record for provenance.json: the parts without their column maps."""
    out = {k: v for k, v in record.items() if k != "parts"}
    if record.get("parts"):
        out["parts"] = [{k: v for k, v in part.items() if k not in ("columns",)}
                        for part in record["parts"]]
    return out


def _from_file(name: str, file: Path) -> tuple[pd.DataFrame, dict]:
    if name not in TABLES and name not in OPTIONAL_TABLES:
        valid = ", ".join((*TABLES, *OPTIONAL_TABLES))
        raise KompetensError(
            f"--from-files: {name!r} är ingen av arbetsbokens tabeller. Ange NAMN=FIL med "
            f"ett av namnen {valid}, eller en fil som heter som tabellen (t.ex. employed.parquet)."
        )
    if not file.is_file():
        raise KompetensError(f"--from-files: filen {str(file)!r} finns inte.")
    try:
        if file.suffix.lower() in (".parquet", ".pq"):
            raw = pd.read_parquet(file)
        else:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes a Swedish message
        raise DataValidationError(
            f"Filen {file} kunde inte läsas ({type(exc).__name__}: {exc}). Den ska vara "
            "parquet eller CSV i UTF-8 i arbetsbokens långa format (som 'kompetens data fetch "
            "--recipe' skriver)."
        ) from None
    frame = validate(name, raw, file)
    # The file's own sidecar, else the record of the folder it comes from (another cache,
    # or the bundled example data, which must stay marked as synthetic).
    record = read_provenance(file) or {}
    folder_records = file.parent / PROVENANCE
    if not record and folder_records.is_file():
        try:
            record = dict(json.loads(folder_records.read_text(encoding="utf-8")).get(name) or {})
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            record = {}
    record = {
        "table": name,
        "title": record.get("title") or TABLE_LABELS[name].capitalize(),
        "source": record.get("source") or f"egen fil {file.name}",
        **{k: v for k, v in record.items() if k not in ("table", "title", "source")},
        "synthetic": bool(record.get("synthetic", False)),
        "file": str(file),
    }
    return frame, record


def _from_template(path: Path) -> tuple[pd.DataFrame, dict]:
    frame = validate_tp_template(path)
    record = {
        "table": "national_forecast",
        "title": "Nationell prognos (T&P): tillgång och efterfrågan efter utbildningsgrupp "
                 "och år, med bedömning",
        "source": f"SCB, Trender och prognoser (förd till T&P-mallen {path.name})",
        "method": "Nationella siffror ur SCB:s T&P-bilaga, införda i T&P-mallen "
                  "(docs/tp-mall.md) och kontrollerade med validate_tp_template.",
        "generated": datetime.now(UTC).date().isoformat(),
        "licence": "SCB, CC0 (källa: SCB)",
        "synthetic": False,
        "file": str(path),
    }
    return frame, record


def _parse_from_files(items: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for item in items:
        name, sep, file = str(item).partition("=")
        if sep:
            out.append((name.strip(), Path(file.strip())))
        else:
            path = Path(item)
            out.append((path.name.split(".")[0], path))
    return out


def _with_own_projection(directory: Path, fetched: tuple | None,
                         template: Path) -> tuple[pd.DataFrame, dict, str]:
    """The population table with the region's own projection in place of the fallback."""
    own = validate_projection_template(template)
    if fetched is not None:
        frame, record, origin = fetched
    else:
        try:
            frame = load("population", directory)
        except KompetensError:
            raise KompetensError(
                "Befolkningsprognosen kompletterar tabellen 'population', men den finns inte i "
                f"cachen {directory}. Hämta den samtidigt: kompetens data cache --recipes "
                "population --befolkningsprognos FIL.") from None
        record = dict(provenance("population", directory))
        origin = "api"
    counties = sorted(set(own["region"]))
    table = validate("population", apply_own_projection(frame, own), template.name)
    record = dict(record)
    record["notes"] = [*record.get("notes", []),
                       f"Framskrivna år för län {', '.join(counties)} kommer från regionens egen "
                       f"befolkningsprognos ({template.name}), inte från SCB."]
    record["method"] = (f"{record.get('method', '')} Län {', '.join(counties)}: regionens "
                        f"egen befolkningsprognos ({template.name}).").strip()
    record["own_projection"] = {"file": template.name, "counties": counties,
                                "sha256": sha256_file(template)}
    table.attrs = {}
    return table, record, origin


def _atomic_text(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def build_cache(
    directory: str | os.PathLike[str] = DEFAULT_DIR,
    *,
    recipes: Sequence[str] | None = None,
    from_files: Sequence[str] = (),
    tp_template: str | os.PathLike[str] | None = None,
    population_template: str | os.PathLike[str] | None = None,
    api_url: str | None = None,
    client=None,
    years: Sequence[int] | None = None,
) -> CacheReport:
    """Prepare (or update) a folder with everything a workshop needs to run offline.

    Parameters
    ----------
    directory
        The cache folder; created if missing. Tables already in it that are not rebuilt now
        are kept if they still match the manifest.
    recipes
        Recipes to fetch from SCB's API (:data:`kompetens_lib.data.recipes.RECIPES`). Default:
        :data:`~kompetens_lib.data.recipes.CACHE_RECIPES` (the workbook's tables and
        ``industry_employed``) when nothing else is given, none when ``from_files`` or
        ``tp_template`` is.
    from_files
        ``"NAME=FILE"`` or ``"FILE"`` (named after its table, e.g. ``employed.parquet``):
        tables made elsewhere (``kompetens data fetch --recipe``), validated and copied in,
        with the provenance of their sidecar where there is one.
    tp_template
        A filled T&P template (docs/tp-mall.md), validated and stored as
        ``national_forecast.parquet``.
    population_template
        The region's own population projection (docs/data.md): replaces
        the projected years of its counties in ``population`` (fetched now, or already in
        the cache); the provenance says which counties use it.
    api_url, client, years
        Where and what to fetch (see :func:`kompetens_lib.data.recipes.fetch_recipe`).

    Everything is fetched and checked before anything is written. If the API cannot be
    reached, :class:`~kompetens_lib.data.scb_api.ScbApiError` is raised and the folder is left
    exactly as it was. A recipe that fails for another reason (a table SCB has changed) is
    reported in ``failed``; the other tables are written.

    >>> report = build_cache("workshop-data", years=[2022, 2023])  # doctest: +SKIP
    """
    from kompetens_lib import __version__
    directory = Path(directory)
    report = CacheReport(directory)
    if recipes is None:
        recipes = () if (from_files or tp_template) else CACHE_RECIPES
    chosen = list(dict.fromkeys(get_recipe(r).name for r in recipes))
    given = {name for name, _ in _parse_from_files(from_files)}
    if tp_template is not None:
        given.add("national_forecast")
    for name in [n for n in chosen if get_recipe(n).no_scb_table]:
        chosen.remove(name)  # no SCB table: comes from a template or a file
        if get_recipe(name).output not in given:
            raise KompetensError(get_recipe(name).no_scb_table or "")

    tables: dict[str, tuple[pd.DataFrame, dict, str]] = {}  # name -> frame, record, origin
    for name, file in _parse_from_files(from_files):
        frame, record = _from_file(name, file)
        tables[name] = (frame, record, "fil")
    if tp_template is not None:
        if "national_forecast" in tables:
            raise KompetensError("national_forecast ges både med --from-files och --tp-template; "
                                 "välj en av dem.")
        frame, record = _from_template(Path(tp_template))
        tables["national_forecast"] = (frame, record, "mall")
    if chosen:
        client = client or ScbClient(api_url)  # an unreachable API stops here
        for name in chosen:
            recipe = get_recipe(name)
            if recipe.output in tables:
                raise KompetensError(f"Tabellen {recipe.output!r} ges både som fil och som "
                                     f"recept ({name}); välj en av dem.")
            logger.info("Hämtar receptet %s från %s …", name, getattr(client, "url", "SCB:s API"))
            try:
                frame = fetch_recipe(name, client=client, years=years)
            except ScbApiError as exc:
                if exc.kind in ("network", "limit"):
                    raise  # nothing else will work either; nothing has been written
                report.failed[name] = str(exc)
                logger.debug("Receptet %s misslyckades (%s).", name, exc.kind)
                continue
            except RecipeError as exc:
                report.failed[name] = str(exc)
                logger.debug("Receptet %s misslyckades: tabellen har ändrats.", name)
                continue
            tables[recipe.output] = (frame, frame.attrs["provenance"], "api")
    if population_template is not None:
        tables["population"] = _with_own_projection(directory, tables.get("population"),
                                                    Path(population_template))

    directory.mkdir(parents=True, exist_ok=True)
    old_manifest = read_manifest(directory) if (directory / MANIFEST).exists() else None
    old_records: dict = {}
    if (directory / PROVENANCE).exists():
        try:
            old_records = json.loads((directory / PROVENANCE).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            old_records = {}
    entries: dict[str, dict] = {}
    records: dict[str, dict] = {}
    if old_manifest is not None:
        for name, entry in old_manifest["tables"].items():
            if name in tables:
                continue
            path = directory / str(entry.get("file", ""))
            try:
                if not path.is_file():
                    raise DataValidationError(f"{path.name} saknas")
                verify_table(directory, name, path)
            except DataValidationError:
                report.dropped.append(name)
                continue
            entries[name] = entry
            records[name] = old_records.get(name, {"table": name})
            report.kept.append(name)

    written_at = _now()
    for name, (frame, record, origin) in tables.items():
        path = directory / f"{name}.parquet"
        data = frame.copy()
        data.attrs = {}  # the record goes to provenance.json, where load() reads it
        write_tidy(data, path)
        readable(path)
        stale = directory / f"{name}.csv"  # load() prefers parquet; a csv would confuse
        if stale.exists():
            stale.unlink()
        entry = {
            "file": path.name,
            "sha256": sha256_file(path),
            "bytes": path.stat().st_size,
            "rows": len(frame),
            "years": _years(frame),
            "origin": origin,
            "table_id": record.get("table_id"),
            "source": record.get("source"),
            "fetched": record.get("fetched"),
            "written": written_at,
        }
        entries[name] = entry
        records[name] = _slim(record)
        report.written[name] = entry
        report.notes.extend(f"{name}: {note}" for note in record.get("notes", []))

    prov_text = json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _atomic_text(directory / PROVENANCE, prov_text)
    manifest = {
        "format": FORMAT,
        "tool": "kompetens data cache",
        "kompetens_version": __version__,
        "created": (old_manifest or {}).get("created", written_at),
        "updated": written_at,
        "tables": dict(sorted(entries.items())),
        "provenance": {"file": PROVENANCE, "sha256": sha256_file(directory / PROVENANCE)},
    }
    _atomic_text(directory / MANIFEST,
                 json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return report


def summary(report: CacheReport) -> str:
    """A Swedish summary of what :func:`build_cache` did (what the CLI prints)."""
    lines = [f"Cachen i {report.directory}:"]
    for entry in report.written.values():
        years = entry.get("years")
        span = f", år {years[0]}–{years[1]}" if years else ""
        origin = {"api": f"SCB {entry.get('table_id')}", "fil": "egen fil",
                  "mall": "T&P-mallen"}[entry["origin"]]
        lines.append(f"  skrev {entry['file']} ({origin}; {entry['rows']} rader{span})")
    for name in report.kept:
        lines.append(f"  behöll {name} från en tidigare körning")
    for name in report.dropped:
        lines.append(f"  tog bort {name} ur manifestet: filen stämde inte längre – hämta om den")
    for name, reason in report.failed.items():
        lines.append(f"  MISSLYCKADES {name}: {reason}")
    for note in report.notes:
        lines.append(f"  Obs: {note}")
    present = set(report.written) | set(report.kept)
    missing = [t for t in TABLES if t not in present]
    if "national_forecast" in missing:
        lines.append("  Obs: national_forecast saknas – SCB har ingen tabell för T&P; fyll i "
                     "T&P-mallen (docs/tp-mall.md) och kör igen med --tp-template FIL.")
    if "industry_forecast" not in present:
        lines.append("  Obs: industry_forecast saknas – SCB har ingen prognos efter näringsgren; "
                     "arbetsboken visar exempeldatans (syntetiska) och säger det. Se "
                     "docs/tp-mall.md (näringsgrenar) och lägg in den med --from-files.")
    others = [t for t in missing if t != "national_forecast"]
    if others:
        lines.append(f"  Obs: tabeller som saknas i cachen: {', '.join(others)}.")
    lines.append(f"Använd cachen: kompetens run --data {report.directory}, eller "
                 f"KOMPETENS_DATA={report.directory} för anteckningsböckerna.")
    return "\n".join(lines)
