"""The data layer: load a validated tidy table by name, with its provenance.

``load("employed")`` returns the bundled example data unless another source is named.
A source is a folder holding ``<table>.parquet`` or ``<table>.csv`` files (and optionally
``provenance.json``); every table is validated on load, whatever its source, and a broken
file gives a Swedish error that names the file, the rule broken and an example row.
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from importlib import resources
from pathlib import Path

import pandas as pd

from kompetens_lib.data.cache_manifest import MANIFEST, verify_table
from kompetens_lib.data.schema import (
    EXAMPLE_FALLBACK,
    OPTIONAL_TABLE_LABELS,
    OPTIONAL_TABLES,
    SERIES_BREAKS,
    TABLE_LABELS,
    TABLES,
    TableSpec,
)
from kompetens_lib.errors import DataValidationError, KompetensError, KompetensWarning
from kompetens_lib.reference.geography import municipalities
from kompetens_lib.reference.industries import INDUSTRY_CODES
from kompetens_lib.reference.programmes import programmes
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE
from kompetens_lib.reference.taxonomy import (
    AGE_BANDS,
    FORMS,
    JUDGEMENTS,
    OTHER_JUDGEMENTS,
    POPULATION_AGE_BANDS,
    education_groups,
)

__all__ = [
    "EXAMPLE_SOURCE",
    "SOURCE_ENV",
    "SYNTHETIC_NOTE",
    "TABLES",
    "TABLE_LABELS",
    "TableSpec",
    "available_years",
    "example_dir",
    "load",
    "provenance",
    "source_dir",
    "source_note",
    "validate",
]

EXAMPLE_SOURCE = "example"
SOURCE_ENV = "KOMPETENS_DATA"
SYNTHETIC_NOTE = "Exempeldata – inte officiell statistik"


def _domains() -> dict[str, set[str]]:
    return {
        "region": {NATIONAL_CODE, *COUNTY_CODES},
        "education_group": set(education_groups()["code"]),
        "form": set(FORMS),
        "direction": {"in", "ut"},
        "programme": set(programmes()["code"]),
        "judgement": {"", *JUDGEMENTS, *OTHER_JUDGEMENTS},
        "industry": set(INDUSTRY_CODES),
        "municipality": set(municipalities()["code"]),
        "basis": {"arbetsort", "bostadsort"},
    }


def example_dir() -> Path:
    """The folder of the bundled example data (synthetic, calibrated to SCB's totals)."""
    return Path(str(resources.files(__package__).joinpath("example")))


def source_dir(source: str | os.PathLike | None) -> Path:
    """The folder a data source names: ``"example"``, a folder, or ``$KOMPETENS_DATA`` when
    ``source`` is None (else the example). Swedish :class:`KompetensError` if it is no folder.
    """
    if source is None:
        source = os.environ.get(SOURCE_ENV) or EXAMPLE_SOURCE
    if str(source) == EXAMPLE_SOURCE:
        return example_dir()
    path = Path(source).expanduser()
    if not path.is_dir():
        raise KompetensError(
            f"Datakällan {str(source)!r} finns inte eller är ingen mapp. Ange 'example' för "
            "de inbyggda exempeldata eller en mapp med tabellfiler (t.ex. employed.parquet)."
        )
    return path


def _table_file(directory: Path, name: str) -> Path:
    for suffix in (".parquet", ".csv"):
        candidate = directory / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    raise KompetensError(
        f"Tabellen {name!r} ({TABLE_LABELS.get(name) or OPTIONAL_TABLE_LABELS[name]}) "
        f"saknas i datakällan {directory}: väntade filen {name}.parquet eller {name}.csv."
    )


def _check_name(name: str) -> None:
    if name not in TABLES and name not in OPTIONAL_TABLES:
        valid = ", ".join(f"'{n}' ({TABLE_LABELS[n]})" for n in (*TABLES, *OPTIONAL_TABLES))
        raise KompetensError(f"Okänd tabell: {name!r}. Giltiga tabeller: {valid}.")


#: Optional tables already read from the example in place of a source's (warned once).
_FELL_BACK: set[str] = set()


def load(name: str, source: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the validated tidy table ``name`` from ``source``.

    Parameters
    ----------
    name
        One of ``"employed"``, ``"labour_force"``, ``"population"``, ``"graduates"``,
        ``"commuting"``, ``"national_forecast"``.
    source
        ``"example"`` (the bundled synthetic data; the default), or a folder with
        ``<name>.parquet``/``<name>.csv`` files. If not given, the environment variable
        ``KOMPETENS_DATA`` is used when set.

    Returns
    -------
    DataFrame
        A fresh copy (callers may modify it). Columns: ``region`` (string code, "00" is
        Riket), ``education_group``, ``age_band`` / ``form`` / ``direction`` where the
        table has them, ``year`` (int64) and ``value`` (int64); the national forecast has
        ``education_group``, ``year``, ``supply``, ``demand``, ``judgement``.
        ``frame.attrs["provenance"]`` holds the table's provenance and
        ``frame.attrs["series_breaks"]`` the series breaks its years straddle (the
        employed and the labour force: RAMS → BAS from 2020, as
        ``[{"year": 2020, "before": "RAMS", "after": "BAS"}]``; empty for other tables);
        the first load of a table with a break warns once (:class:`KompetensWarning`).

    >>> load("employed").columns.tolist()
    ['region', 'education_group', 'age_band', 'year', 'value']
    """
    _check_name(name)
    directory = source_dir(source)
    if name in EXAMPLE_FALLBACK and not any(
            (directory / f"{name}{suffix}").exists() for suffix in (".parquet", ".csv")):
        if directory != example_dir() and name not in _FELL_BACK:
            _FELL_BACK.add(name)
            warnings.warn(
                f"Tabellen {name!r} ({TABLE_LABELS[name]}) finns inte i datakällan "
                f"{directory}; arbetsboken använder exempeldata (syntetiska, inte officiell "
                f"statistik) för den. Lägg {name}.parquet eller {name}.csv i datakällan för "
                "att använda egna data.", KompetensWarning, stacklevel=2)
        directory = example_dir()  # an optional table the source lacks: the example's
    path = _table_file(directory, name)
    if (directory / MANIFEST).exists():
        # A prepared workshop cache: check its checksums.
        verify_table(directory, name, path)
    stat = path.stat()
    frame = _load_cached(name, str(path), stat.st_mtime_ns, stat.st_size)
    result = frame.copy()
    result.attrs["provenance"] = dict(frame.attrs["provenance"])
    _mark_series_breaks(name, result)
    return result


# --- series breaks (RAMS → BAS) ------------------------------------------------------
_WARNED_BREAKS: set[tuple[str, int]] = set()


def _mark_series_breaks(name: str, frame: pd.DataFrame) -> None:
    """Set ``frame.attrs["series_breaks"]`` (a list of ``{"year", "before", "after"}``) for
    every break of :data:`~kompetens_lib.data.schema.SERIES_BREAKS` that the table's years
    straddle, and warn once per process and break (Swedish, :class:`KompetensWarning`)."""
    years = frame["year"] if "year" in frame else pd.Series(dtype="int64")
    breaks = [
        {"year": year, "before": before, "after": after}
        for year, before, after in SERIES_BREAKS.get(name, ())
        if len(years) and years.min() < year <= years.max()
    ]
    frame.attrs["series_breaks"] = breaks
    for item in breaks:
        key = (item["before"] + item["after"], item["year"])
        if key in _WARNED_BREAKS:
            continue
        _WARNED_BREAKS.add(key)
        warnings.warn(
            f"Seriebrott i sysselsättningsstatistiken: åren före {item['year']} kommer från "
            f"{item['before']}, åren från {item['year']} från {item['after']} (Befolkningens "
            "arbetsmarknadsstatus). BAS räknar ungefär 50 000 fler förvärvsarbetande i riket; "
            "en förändring över brottet är delvis ett mätbyte, inte en verklig förändring. "
            "Anteckningsboken 02 Regional nedbrytning visar hur metoderna hanterar brottet.",
            KompetensWarning,
            stacklevel=3,
        )


@functools.lru_cache(maxsize=32)
def _load_cached(name: str, path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    file = Path(path)
    try:
        if file.suffix == ".parquet":
            raw = pd.read_parquet(file)
        else:
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes a Swedish message
        raise DataValidationError(
            f"Datafilen {file} kunde inte läsas ({type(exc).__name__}: {exc}). Filen ska vara "
            "parquet eller CSV i UTF-8 med kolumnnamn på första raden."
        ) from exc
    frame = validate(name, raw, file)
    frame.attrs["provenance"] = _provenance_for(file.parent, name)
    return frame


def validate(name: str, frame: pd.DataFrame, file: Path | str = "<tabell>") -> pd.DataFrame:
    """Check ``frame`` against the rules of table ``name`` and return it with fixed dtypes.

    Rules: the expected columns exist; codes are in their domains; years are integers;
    counts are non-negative integers with no missing values; keys are unique; county rows
    add up to the Riket rows ("00") where the table has them. Raises
    :class:`DataValidationError` naming the file, the rule and an example row.
    """
    spec = TABLES[name] if name in TABLES else OPTIONAL_TABLES[name]
    expected = [*spec.keys, *spec.counts, *spec.extra]
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"Datafilen {file} bryter mot regeln 'kolumner': kolumnerna {missing} saknas. "
            f"Tabellen {name!r} ska ha kolumnerna {expected}; filen har {list(frame.columns)}."
        )
    frame = frame[expected].copy()

    def fail(rule: str, detail: str, rows: pd.Series) -> None:
        example = frame.loc[rows].head(1)
        shown = example.to_dict("records")[0] if len(example) else {}
        raise DataValidationError(
            f"Datafilen {file} bryter mot regeln '{rule}': {detail} "
            f"({int(rows.sum())} rader). Exempel på rad: {shown}"
        )

    domains = _domains()
    domains["age_band"] = set(POPULATION_AGE_BANDS if name in ("population", "municipal_population")
                              else AGE_BANDS)
    for column in spec.keys + spec.extra:
        if column == "year":
            continue
        if column == "projection":
            values = frame[column].astype("string").str.lower()
            bad = ~values.isin(["true", "false", "1", "0"])
            if bad.any():
                fail("värden", "kolumnen 'projection' ska vara sann/falsk (True/False)", bad)
            frame[column] = values.isin(["true", "1"])
            continue
        values = frame[column].astype("string").fillna("")
        if column == "region":
            values = values.str.zfill(2)
        frame[column] = values
        allowed = domains.get(column)
        if allowed is not None:
            bad = ~values.isin(allowed)
            if column == "region" and bad.any():
                _fail_other_geography(file, name, frame.loc[bad, "region"])
            if bad.any():
                listing = ", ".join(sorted(allowed - {""}))
                if len(listing) > 200:
                    listing = listing[:200] + " …"
                fail("koder", f"okända värden i kolumnen {column!r}; giltiga är {listing}", bad)

    for column in ("year", *spec.counts):
        numeric = pd.to_numeric(frame[column], errors="coerce")
        bad = numeric.isna()
        if bad.any():
            fail("saknade värden", f"kolumnen {column!r} har tomma eller icke-numeriska värden",
                 bad)
        bad = numeric != numeric.round()
        if bad.any():
            fail("heltal", f"kolumnen {column!r} ska innehålla heltal", bad)
        if column != "year":
            bad = numeric < 0
            if bad.any():
                fail("icke-negativa antal", f"kolumnen {column!r} har negativa antal", bad)
        frame[column] = numeric.astype("int64")

    duplicated = frame.duplicated(list(spec.keys), keep=False)
    if duplicated.any():
        fail("unika nycklar", f"samma kombination av {list(spec.keys)} förekommer flera gånger",
             duplicated)

    if spec.national_rows:
        _check_national_sums(frame, spec, fail)
    if name == "national_forecast":
        _check_judgement_years(frame, fail)

    for column in spec.keys + spec.extra:
        if column not in ("year", "projection"):
            frame[column] = frame[column].astype("string")
    return frame.reset_index(drop=True)


def _fail_other_geography(file: Path | str, name: str, codes: pd.Series) -> None:
    """A table of municipalities, NUTS or FA regions is a good SCB file but not a workbook
    table: say which geography it has and what to do (issue 14)."""
    from kompetens_lib.reference.geography import resolve_area

    kinds: dict[str, str] = {}
    for code in dict.fromkeys(str(c) for c in codes.dropna()):
        try:
            area = resolve_area(code)
        except KompetensError:
            return  # unknown codes: the generic rule below explains them
        kinds.setdefault(area.type, f"{area.code} {area.name}")
    if not kinds or set(kinds) <= {"län", "riket"}:
        return
    shown = "; ".join(f"{kind} (t.ex. {example})" for kind, example in kinds.items())
    raise DataValidationError(
        f"Datafilen {file} kan inte användas som arbetsbokens tabell {name!r}: den har "
        f"regioner av typen {shown}, men arbetsbokens tabeller är per län (01–25) med riket "
        "(00). Filen går att läsa och analysera som den är (kompetens data import), eller "
        "summera den till län först; för kommuner finns planeringsområden "
        "(kompetens_lib.planning_area), se docs/data.md."
    )


def _check_national_sums(frame: pd.DataFrame, spec: TableSpec, fail) -> None:
    others = [k for k in spec.keys if k != "region"]
    is_national = frame["region"] == NATIONAL_CODE
    if not is_national.any():
        fail("riket", "raderna för riket (region '00') saknas", ~is_national)
    county = frame.loc[~is_national].groupby(others)["value"].sum()
    national = frame.loc[is_national].set_index(others)["value"]
    county, national = county.align(national, fill_value=0)
    off = county != national
    if off.any():
        key = off[off].index[0]
        key = key if isinstance(key, tuple) else (key,)
        mask = is_national.copy()
        for column, value in zip(others, key):
            mask &= frame[column] == value
        fail(
            "länen summerar till riket",
            f"länens summa {int(county[off].iloc[0])} skiljer sig från rikets "
            f"{int(national[off].iloc[0])} för {dict(zip(others, key))}",
            mask,
        )


def _check_judgement_years(frame: pd.DataFrame, fail) -> None:
    first, last = frame["year"].min(), frame["year"].max()
    bad = (frame["judgement"] != "") & ~frame["year"].isin([first, last])
    if bad.any():
        fail("bedömning", f"bedömningar får bara finnas för basåret {first} och målåret {last}",
             bad)


def _provenance_for(directory: Path, name: str) -> dict:
    file = directory / "provenance.json"
    if file.exists():
        records = json.loads(file.read_text(encoding="utf-8"))
        if name in records:
            return dict(records[name])
    for side in (directory / f"{name}.provenance.json",
                 directory / f"{name}.parquet.provenance.json",
                 directory / f"{name}.csv.provenance.json"):
        if name in OPTIONAL_TABLES and side.exists():  # the optional tables' own sidecars
            return dict(json.loads(side.read_text(encoding="utf-8")))
    return {"table": name, "source": str(directory), "synthetic": False}


def provenance(name: str, source: str | os.PathLike | None = None) -> dict:
    """Provenance record of a table: source, method, date, licence, ``synthetic`` flag."""
    _check_name(name)
    directory = source_dir(source)
    return _provenance_for(directory, name)


def source_note(name: str | None = None, source: str | os.PathLike | None = None) -> str:
    """The source line for charts and reports made from a table.

    Synthetic data always say "Exempeldata – inte officiell statistik".

    >>> source_note("employed")  # doctest: +ELLIPSIS
    'Källa: Exempeldata – inte officiell statistik (syntetiska data kalibrerade mot SCB:s ...'
    """
    record = provenance(name or "employed", source)
    if record.get("synthetic", False):
        return (f"Källa: {SYNTHETIC_NOTE} (syntetiska data kalibrerade mot SCB:s "
                "publicerade totaler).")
    origin = record.get("source", "okänd källa")
    table_id = record.get("table_id")
    word = "tabeller" if table_id and "," in str(table_id) else "tabell"
    suffix = f", {word} {table_id}" if table_id else ""
    return (f"Källa: {origin}{suffix}. Regional nedbrytning: egen beräkning, inte officiell "
            "statistik.")


def available_years(name: str, source: str | os.PathLike | None = None) -> list[int]:
    """The years a table covers, sorted."""
    return sorted(load(name, source)["year"].unique().tolist())
