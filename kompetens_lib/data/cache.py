"""A workshop's offline data folder: fetch real data once, then run with no network.

A cache folder holds the workbook's tables as ``<name>.parquet``, ``provenance.json`` (one
record per table, the shape of the bundled example's, with ``synthetic: false``,
``source`` and ``table_id``) and ``manifest.json`` (the tables, when they were written and
their sha256 checksums). ``kompetens_lib.load(name, source=DIR)`` reads it like any folder
of tables; because the folder has a manifest, :func:`verify_table` checks each file first.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kompetens_lib.errors import DataValidationError, KompetensError
from kompetens_lib._internal.files import atomic_write_text

__all__ = [
    "MANIFEST",
    "PROVENANCE",
    "CacheReport",
    "build_cache",
    "cli_cache",
    "read_manifest",
    "sha256_file",
    "verify_cache",
    "verify_table",
]

MANIFEST = "manifest.json"
PROVENANCE = "provenance.json"
FORMAT = 1
DEFAULT_DIR = "kompetens-data"
_PROG = "kompetens data cache"
_REBUILD = "Bygg om cachen med 'kompetens data cache --out {dir}' eller kopiera den igen."


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


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
            + _REBUILD.format(dir=directory)
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataValidationError(
            f"Cachens {file} går inte att läsa ({exc}); filen ska vara JSON som "
            f"'kompetens data cache' skrev. " + _REBUILD.format(dir=directory)
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise DataValidationError(
            f"Cachens {file} saknar listan 'tables'. " + _REBUILD.format(dir=directory)
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
    from kompetens_lib.data.tables import TABLE_LABELS

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
            + _REBUILD.format(dir=directory)
        )
    if entry.get("file") != path.name:
        raise DataValidationError(
            f"Cachens {MANIFEST} anger filen {entry.get('file')!r} för tabellen {name!r}{label}, "
            f"men i mappen {directory} finns {path.name}. " + _REBUILD.format(dir=directory)
        )
    actual = sha256_file(path)
    expected = str(entry.get("sha256", ""))
    if actual != expected:
        raise DataValidationError(
            f"Filen {path} stämmer inte med cachens {MANIFEST}: kontrollsumman (sha256) är "
            f"{actual[:12]}… men manifestet väntar {expected[:12] or '(ingen)'}…. Filen har "
            f"ändrats eller skadats efter att cachen byggdes ({entry.get('written', '?')}). "
            + _REBUILD.format(dir=directory)
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
                + _REBUILD.format(dir=directory)
            )
        verify_table(directory, name, path)
    prov = manifest.get("provenance")
    prov_file = directory / PROVENANCE
    if (isinstance(prov, dict) and prov_file.exists()
            and sha256_file(prov_file) != prov.get("sha256")):
        raise DataValidationError(
            f"Cachens {PROVENANCE} stämmer inte med {MANIFEST} (kontrollsumman skiljer "
            f"sig): källuppgifterna har ändrats efter att cachen byggdes. "
            + _REBUILD.format(dir=directory)
        )
    return list(manifest["tables"])


# --------------------------------------------------------------------------- building


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
    from kompetens_lib.data.tables import TABLE_LABELS, TABLES, validate
    from kompetens_lib.data.scb_api import read_provenance

    if name not in TABLES:
        valid = ", ".join(TABLES)
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
    from kompetens_lib.data.tp_template import validate_tp_template

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


def _atomic_text(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def build_cache(
    directory: str | os.PathLike[str] = DEFAULT_DIR,
    *,
    recipes: Sequence[str] | None = None,
    from_files: Sequence[str] = (),
    tp_template: str | os.PathLike[str] | None = None,
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
        :data:`~kompetens_lib.data.recipes.WORKBOOK_RECIPES` when nothing else is given, none when
        ``from_files`` or ``tp_template`` is.
    from_files
        ``"NAME=FILE"`` or ``"FILE"`` (named after its table, e.g. ``employed.parquet``):
        tables made elsewhere (``kompetens data fetch --recipe``), validated and copied in,
        with the provenance of their sidecar where there is one.
    tp_template
        A filled T&P template (docs/tp-mall.md), validated and stored as
        ``national_forecast.parquet``.
    api_url, client, years
        Where and what to fetch (see :func:`kompetens_lib.data.recipes.fetch_recipe`).

    Everything is fetched and checked before anything is written. If the API cannot be
    reached, :class:`~kompetens_lib.data.scb_api.ScbApiError` is raised and the folder is left
    exactly as it was. A recipe that fails for another reason (a table SCB has changed) is
    reported in ``failed``; the other tables are written.

    >>> report = build_cache("workshop-data", years=[2022, 2023])  # doctest: +SKIP
    """
    from kompetens_lib import __version__
    from kompetens_lib.data.recipes import WORKBOOK_RECIPES, RecipeError, fetch_recipe, get_recipe
    from kompetens_lib.data.scb_api import ScbApiError, ScbClient, readable
    from kompetens_lib.data.scb_import import write_tidy

    directory = Path(directory)
    report = CacheReport(directory)
    if recipes is None:
        recipes = () if (from_files or tp_template) else WORKBOOK_RECIPES
    chosen = list(dict.fromkeys(get_recipe(r).name for r in recipes))
    if "national_forecast" in chosen:
        chosen.remove("national_forecast")
        if tp_template is None:
            raise KompetensError(get_recipe("national_forecast").no_scb_table or "")

    tables: dict[str, tuple[pd.DataFrame, dict, str]] = {}  # name -> frame, record, origin
    for name, file in _parse_from_files(from_files):
        frame, record = _from_file(name, file)
        tables[name] = (frame, record, "fil")
    if tp_template is not None:
        if "national_forecast" in tables:
            raise KompetensError("national_forecast ges både med --from-files och --tp-mall; "
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
            try:
                frame = fetch_recipe(name, client=client, years=years)
            except ScbApiError as exc:
                if exc.kind in ("network", "limit"):
                    raise  # nothing else will work either; nothing has been written
                report.failed[name] = str(exc)
                continue
            except RecipeError as exc:
                report.failed[name] = str(exc)
                continue
            tables[recipe.output] = (frame, frame.attrs["provenance"], "api")

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


# --------------------------------------------------------------------------- CLI


def _parser() -> argparse.ArgumentParser:
    from kompetens_lib.data.scb_api import API_URL_ENV, DEFAULT_API_URL, _HelpFormatter
    from kompetens_lib.data.scb_import import _SwedishParser

    parser = _SwedishParser(
        prog=_PROG,
        description=(
            "Förbereder en mapp med allt en workshop behöver för att köra utan nätverk: "
            "arbetsbokens tabeller hämtade från SCB:s API (recepten), egna filer och en ifylld "
            "T&P-mall, med provenance.json och manifest.json (kontrollsummor). Använd mappen "
            "som datakälla med --data MAPP eller KOMPETENS_DATA=MAPP."
        ),
        epilog=(
            "Exempel: kompetens data cache --out workshop-data\n"
            "         kompetens data cache --out workshop-data --tp-mall tp_2023.csv\n"
            "         kompetens data cache --out workshop-data --from-files employed.parquet\n"
            "         kompetens data cache --out workshop-data --kontrollera"
        ),
        formatter_class=_HelpFormatter,
        add_help=False,
    )
    parser._optionals.title = "flaggor"
    parser.add_argument("--out", "-o", default=DEFAULT_DIR, metavar="MAPP",
                        help=f"cachemappen (standard: {DEFAULT_DIR})")
    parser.add_argument("--recipes", "--recept", nargs="+", metavar="RECEPT",
                        help="recept att hämta från SCB (standard: arbetsbokens tabeller om "
                             "inget annat anges; se 'kompetens data fetch --lista')")
    parser.add_argument("--from-files", nargs="+", default=[], metavar="[NAMN=]FIL",
                        help="färdiga tabeller att lägga in, t.ex. employed=hämtad.parquet")
    parser.add_argument("--tp-mall", metavar="FIL",
                        help="ifylld T&P-mall (docs/tp-mall.md) → national_forecast")
    parser.add_argument("--select", action="append", default=[], metavar="Tid=ÅR,ÅR",
                        help="bara dessa år, t.ex. Tid=2022,2023")
    parser.add_argument("--api-url", metavar="URL",
                        help=f"API:ts adress (standard: ${API_URL_ENV} eller {DEFAULT_API_URL})")
    parser.add_argument("--kontrollera", action="store_true",
                        help="kontrollera en befintlig cache mot manifest.json och avsluta")
    parser.add_argument("-h", "--help", action="help", help="visa den här hjälpen och avsluta")
    return parser


def _summary(report: CacheReport) -> str:
    from kompetens_lib.data.tables import TABLES

    lines = [f"Cachen i {report.directory}:"]
    for name, entry in report.written.items():
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
                     "T&P-mallen (docs/tp-mall.md) och kör igen med --tp-mall FIL.")
    others = [t for t in missing if t != "national_forecast"]
    if others:
        lines.append(f"  Obs: tabeller som saknas i cachen: {', '.join(others)}.")
    lines.append(f"Använd cachen: kompetens run --data {report.directory}, eller "
                 f"KOMPETENS_DATA={report.directory} för anteckningsböckerna.")
    return "\n".join(lines)


def cli_cache(argv: list[str]) -> int:
    """``kompetens data cache``: build or check a cache folder; print a Swedish summary.

    Returns 0 on success, 1 when something failed (nothing is written if the API could not
    be reached), 2 for wrong arguments.
    """
    from kompetens_lib.data.recipes import years_from_select
    from kompetens_lib.data.scb_api import ScbApiError, parse_select

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.kontrollera:
            names = verify_cache(args.out)
            print(f"Cachen i {args.out} stämmer med manifest.json: {', '.join(names)}.")
            return 0
        years = years_from_select(parse_select(args.select))
        report = build_cache(args.out, recipes=args.recipes, from_files=args.from_files,
                             tp_template=args.tp_mall, api_url=args.api_url, years=years)
    except ScbApiError as exc:
        print(f"{_PROG}: fel: {exc}", file=sys.stderr)
        return 1
    except KompetensError as exc:
        print(f"{_PROG}: fel: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{_PROG}: fel: kunde inte skriva i {args.out}: {exc.strerror or exc}.",
              file=sys.stderr)
        return 1
    print(_summary(report))
    return 0 if report.ok else 1
