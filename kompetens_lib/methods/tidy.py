"""Tidy-frame toolkit of the analysis core: frame checks, key encoding and the county×group cube.

Every method module (breakdown, supply, need, balance, backtest) takes tidy frames with key
columns (region, education_group, age_band, year, …) and one value column. The helpers here
check such a frame, factorise its keys once with Swedish errors that name a bad row, and
turn it into a dense array over chosen axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import format_list
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE

__all__ = ["KIND_WORDS", "Coded", "cube", "encode", "require_frame", "years_list"]

#: The Swedish word for each key column, as error messages name a row ("län 12, grupp 108").
KIND_WORDS = {
    "region": "län",
    "education_group": "grupp",
    "age_band": "åldersgrupp",
    "form": "utbildningsform",
    "horizon": "horisont",
    "year": "år",
    "industry": "näringsgren",
}


def require_frame(obj: object, name: str, columns: Sequence[str]) -> pd.DataFrame:
    """Check that ``obj`` is a DataFrame with ``columns``; return it (not copied)."""
    wanted = ", ".join(columns)
    if not isinstance(obj, pd.DataFrame):
        raise KompetensError(
            f"'{name}' ska vara en tabell (pandas DataFrame) med kolumnerna {wanted}, "
            f"inte {type(obj).__name__}."
        )
    missing = [c for c in columns if c not in obj.columns]
    if missing:
        raise KompetensError(
            f"Tabellen '{name}' saknar kolumnen/kolumnerna {', '.join(missing)}. "
            f"Kolumner som krävs: {wanted}. Kolumner som finns: "
            f"{', '.join(map(str, obj.columns)) or '(inga)'}."
        )
    if len(obj) == 0:
        raise KompetensError(f"Tabellen '{name}' är tom; den behöver rader med {wanted}.")
    return obj


def _row_hint(frame: pd.DataFrame, mask: np.ndarray, keys: Sequence[str]) -> str:
    """'län 12, grupp 108, år 2015' for the first row where ``mask`` holds."""
    pos = int(np.flatnonzero(mask)[0])
    row = frame.iloc[pos]
    parts = [f"{KIND_WORDS.get(k, k)} {row[k]}" for k in keys if k in frame.columns]
    return ", ".join(parts) if parts else f"rad {pos + 1}"


_INTEGER_KEYS = {"year": "årtal (t.ex. 2023)", "horizon": "antal år (t.ex. 10)"}


def _numeric_values(
    frame: pd.DataFrame,
    name: str,
    column: str = "value",
    *,
    keys: Sequence[str] = (),
    allow_negative: bool = False,
) -> np.ndarray:
    """Float values of ``column``; Swedish error for text, NaN, infinity or negatives."""
    series = frame[column]
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        raise KompetensError(
            f"Kolumnen '{column}' i '{name}' måste innehålla tal, men har typen "
            f"{series.dtype}. Omvandla t.ex. med pd.to_numeric(tabell['{column}']); "
            "giltiga värden är tal ≥ 0."
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise KompetensError(
            f"Kolumnen '{column}' i '{name}' har {int(bad.sum())} saknade eller oändliga "
            f"värden (NaN), t.ex. {_row_hint(frame, bad, keys)}. Fyll i eller ta bort "
            "raderna: alla värden måste vara tal" + ("." if allow_negative else " ≥ 0.")
        )
    if not allow_negative:
        bad = values < 0
        if bad.any():
            raise KompetensError(
                f"Kolumnen '{column}' i '{name}' har {int(bad.sum())} negativa värden, "
                f"t.ex. {values[bad][0]:g} för {_row_hint(frame, bad, keys)}. Antal personer "
                "kan inte vara negativa; giltiga värden är tal ≥ 0."
            )
    return values


@dataclass(frozen=True)
class Coded:
    """A tidy table's key columns as integer codes into their unique labels."""

    codes: dict[str, np.ndarray]
    uniques: dict[str, list[Any]]
    values: np.ndarray
    n_rows: int


def encode(
    frame: pd.DataFrame,
    name: str,
    keys: Sequence[str],
    value_column: str = "value",
    *,
    allow_negative: bool = False,
    drop_national: bool = False,
) -> Coded:
    """Factorise key columns once, validating codes (text), years (integers) and values.

    Rows for Riket ("00") stay in the codes; callers drop them by leaving "00" off the
    region axis of :func:`cube`. ``drop_national`` only refuses a table without counties.
    """
    values = _numeric_values(frame, name, value_column, keys=keys, allow_negative=allow_negative)
    codes: dict[str, np.ndarray] = {}
    uniques: dict[str, list[Any]] = {}
    for key in keys:
        series = frame[key]
        if key in _INTEGER_KEYS:
            what = _INTEGER_KEYS[key]
            if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
                raise KompetensError(
                    f"Kolumnen '{key}' i '{name}' måste innehålla {what} som heltal, men har "
                    f"typen {series.dtype}. Omvandla t.ex. med tabell['{key}'].astype(int)."
                )
            c, u = pd.factorize(series, use_na_sentinel=True)
            u = np.asarray(u, dtype=float)
            if (c < 0).any() or not np.all(np.isfinite(u)) or np.any(u != np.round(u)):
                raise KompetensError(
                    f"Kolumnen '{key}' i '{name}' har saknade eller icke-heltaliga värden. "
                    f"Giltiga värden är {what} som heltal."
                )
            codes[key], uniques[key] = c, [int(x) for x in u]
            continue
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            example = "'01'" if key == "region" else "'108'"
            fix = (
                "tabell['region'].astype(str).str.zfill(2)"
                if key == "region"
                else f"tabell['{key}'].astype(str)"
            )
            raise KompetensError(
                f"Kolumnen '{key}' i '{name}' måste innehålla koder som text (t.ex. {example}), "
                f"inte tal (typen {series.dtype}): tal tappar inledande nollor. "
                f"Omvandla t.ex. med {fix}."
            )
        c, u = pd.factorize(series, use_na_sentinel=True)
        if (c < 0).any():
            raise KompetensError(
                f"Kolumnen '{key}' i '{name}' har {int((c < 0).sum())} tomma värden (saknas). "
                f"Varje rad behöver en {KIND_WORDS.get(key, key)}."
            )
        labels = list(u)
        odd = [x for x in labels if not isinstance(x, str)]
        if odd:
            raise KompetensError(
                f"Kolumnen '{key}' i '{name}' måste innehålla koder som text, men har "
                f"{odd[0]!r} ({type(odd[0]).__name__})."
            )
        if key == "region":
            valid = set(COUNTY_CODES) | {NATIONAL_CODE}
            unknown = sorted(x for x in labels if x not in valid)
            if unknown:
                raise KompetensError(
                    f"Okända länskoder i '{name}': {format_list(unknown)}. Giltiga länskoder "
                    f"är {', '.join(COUNTY_CODES)} (och '00' för riket), alltid som text "
                    "med två siffror."
                )
            if drop_national and labels == [NATIONAL_CODE]:
                raise KompetensError(
                    f"Tabellen '{name}' har bara rader för riket ('00'); länsrader "
                    f"('01'–'25') behövs."
                )
        codes[key], uniques[key] = c, labels
    return Coded(codes=codes, uniques=uniques, values=values, n_rows=len(values))


def cube(
    coded: Coded,
    axes: Mapping[str, Sequence[Any]],
    *,
    duplicates_in: str | None = None,
    keys_for_message: Sequence[str] = (),
) -> np.ndarray:
    """Dense array over ``axes`` (dict column → labels, in order); rows whose labels are
    not on an axis are dropped, repeated keys are summed (or refused if ``duplicates_in``)."""
    shape = tuple(len(labels) for labels in axes.values())
    flat = np.zeros(coded.n_rows, dtype=np.int64)
    keep = np.ones(coded.n_rows, dtype=bool)
    for column, labels in axes.items():
        position = {label: i for i, label in enumerate(labels)}
        lut = np.array([position.get(u, -1) for u in coded.uniques[column]], dtype=np.int64)
        idx = lut[coded.codes[column]] if coded.n_rows else np.zeros(0, dtype=np.int64)
        keep &= idx >= 0
        flat = flat * max(len(labels), 1) + idx
    size = int(np.prod(shape)) if shape else 1
    flat = flat[keep]
    if duplicates_in is not None:
        counts = np.bincount(flat, minlength=size)
        if counts.max(initial=0) > 1:
            cell = np.unravel_index(int(np.argmax(counts)), shape)
            order = list(KIND_WORDS)
            parts = sorted(
                zip(axes.items(), cell),
                key=lambda item: order.index(item[0][0]) if item[0][0] in order else -1,
            )
            where = ", ".join(
                f"{KIND_WORDS.get(col, col)} {labels[i]}" for (col, labels), i in parts
            )
            raise KompetensError(
                f"Tabellen '{duplicates_in}' har dubbletter: flera rader för {where}. "
                f"Varje kombination av {', '.join(axes)} får bara finnas en gång."
            )
    out = np.bincount(flat, weights=coded.values[keep], minlength=size)
    return out.reshape(shape)


def years_list(value: object, name: str) -> list[int]:
    """An int or an iterable of ints, as a sorted list of unique positive ints."""
    items = [value] if isinstance(value, (int, np.integer)) else value
    try:
        years = sorted({int(x) for x in items})  # type: ignore[union-attr]
        ok = all(float(x) == int(x) for x in items)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        ok = False
        years = []
    if not ok or not years:
        raise KompetensError(
            f"'{name}' ska vara ett heltal eller en lista med heltal, inte {value!r}."
        )
    return years
