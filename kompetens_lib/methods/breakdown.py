"""Regional breakdown of a national forecast by education group: four methods and their range.

SCB's national forecast (Trender och prognoser) is split over the counties from the counties'
own history. Every method returns counties that add up to the national figure for each
group and year. The small validation helpers at the top are shared by the other analysis
modules (supply, need, balance, backtest).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from kompetens_lib.errors import ConvergenceWarning, KompetensError
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE, resolve_region

__all__ = [
    "DEFAULT_DAMPING",
    "DEFAULT_WINDOW_YEARS",
    "METHODS",
    "METHOD_LABELS",
    "ConvergenceWarning",
    "breakdown",
    "compare_methods",
]

Method = Literal["fixed_share", "trend_share", "shift_share", "constrained"]

METHODS: tuple[str, ...] = ("fixed_share", "trend_share", "shift_share", "constrained")
METHOD_LABELS: dict[str, str] = {
    "fixed_share": "Fast andel",
    "trend_share": "Trendandel",
    "shift_share": "Shift-share",
    "constrained": "Betingad (RAS)",
}


def resolve_method(method: object) -> str:
    """The method code for a code or its Swedish name ("Fast andel" → "fixed_share").

    Raises :class:`KompetensError` in Swedish listing the valid methods.
    """
    text = str(method).strip()
    if text in METHODS:
        return text
    by_label = {label.casefold(): key for key, label in METHOD_LABELS.items()}
    if text.casefold() in by_label:
        return by_label[text.casefold()]
    valid = ", ".join(f"'{k}' ({v})" for k, v in METHOD_LABELS.items())
    raise KompetensError(f"Okänd metod: {method!r}. Giltiga metoder: {valid}.")


#: λ: half of the county's historical shift is carried forward. Full persistence (λ = 1)
#: extrapolates past booms for 12 years; λ = 0 is the fixed share. Half is the usual
#: compromise in shift-share practice, and the user should vary it.
DEFAULT_DAMPING = 0.5
#: History window of the trend and shift-share methods: the ten years up to the base year.
DEFAULT_WINDOW_YEARS = 10
#: RAS stops when every county total is met within this relative error.
RAS_TOLERANCE = 1e-9
RAS_MAX_ITER = 1000
#: Relative tolerance for "the two margins add up to the same total".
MARGIN_RTOL = 1e-6

_OPTIONS: dict[str, tuple[str, ...]] = {
    "fixed_share": (),
    "trend_share": ("window",),
    "shift_share": ("window", "damping"),
    "constrained": ("region_totals", "rescale_totals", "tol", "max_iter"),
}


# --------------------------------------------------------------------------------------
# Shared validation and formatting helpers (Swedish messages)
# --------------------------------------------------------------------------------------

_KIND_WORDS = {
    "region": "län",
    "education_group": "grupp",
    "age_band": "åldersgrupp",
    "form": "utbildningsform",
    "horizon": "horisont",
    "year": "år",
}


def _fmt_num(x: float) -> str:
    """4912345.2 → '4 912 345' (Swedish thousands separator)."""
    return f"{x:,.0f}".replace(",", " ")


def _fmt_list(items: Iterable[Any], limit: int = 8) -> str:
    items = [str(i) for i in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", … ({len(items)} st)"


def _fmt_years(years: Iterable[int]) -> str:
    """[2010, 2011, 2012, 2015] → '2010–2012, 2015'."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return "(inga år)"
    parts: list[str] = []
    start = prev = ys[0]
    for y in ys[1:] + [None]:  # type: ignore[list-item]
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)


def _require_frame(obj: object, name: str, columns: Sequence[str]) -> pd.DataFrame:
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
    parts = [f"{_KIND_WORDS.get(k, k)} {row[k]}" for k in keys if k in frame.columns]
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
class _Coded:
    """A tidy table's key columns as integer codes into their unique labels."""

    codes: dict[str, np.ndarray]
    uniques: dict[str, list[Any]]
    values: np.ndarray
    n_rows: int


def _encode(
    frame: pd.DataFrame,
    name: str,
    keys: Sequence[str],
    value_column: str = "value",
    *,
    allow_negative: bool = False,
    drop_national: bool = False,
) -> _Coded:
    """Factorise key columns once, validating codes (text), years (integers) and values.

    Rows for Riket ("00") stay in the codes; callers drop them by leaving "00" off the
    region axis of :func:`_cube`. ``drop_national`` only refuses a table without counties.
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
                f"Varje rad behöver en {_KIND_WORDS.get(key, key)}."
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
                    f"Okända länskoder i '{name}': {_fmt_list(unknown)}. Giltiga länskoder "
                    f"är {', '.join(COUNTY_CODES)} (och '00' för riket), alltid som text "
                    "med två siffror."
                )
            if drop_national and labels == [NATIONAL_CODE]:
                raise KompetensError(
                    f"Tabellen '{name}' har bara rader för riket ('00'); länsrader "
                    f"('01'–'25') behövs."
                )
        codes[key], uniques[key] = c, labels
    return _Coded(codes=codes, uniques=uniques, values=values, n_rows=len(values))


def _cube(
    coded: _Coded,
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
            order = list(_KIND_WORDS)
            parts = sorted(
                zip(axes.items(), cell),
                key=lambda item: order.index(item[0][0]) if item[0][0] in order else -1,
            )
            where = ", ".join(
                f"{_KIND_WORDS.get(col, col)} {labels[i]}" for (col, labels), i in parts
            )
            raise KompetensError(
                f"Tabellen '{duplicates_in}' har dubbletter: flera rader för {where}. "
                f"Varje kombination av {', '.join(axes)} får bara finnas en gång."
            )
    out = np.bincount(flat, weights=coded.values[keep], minlength=size)
    return out.reshape(shape)


def _resolve_choice(value: object, name: str, choices: Mapping[str, str]) -> str:
    """Match a method name in code or Swedish label form (case-insensitive)."""
    if isinstance(value, str):
        folded = value.strip().casefold().replace("-", "_").replace(" ", "_")
        for code, label in choices.items():
            if folded in (code, label.casefold().replace("-", "_").replace(" ", "_")):
                return code
    listing = ", ".join(f"'{c}' ({label})" for c, label in choices.items())
    raise KompetensError(f"Okänd {name}: {value!r}. Giltiga val: {listing}.")


def _years_list(value: object, name: str) -> list[int]:
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


# --------------------------------------------------------------------------------------
# Input preparation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    regions: tuple[str, ...]
    groups: tuple[str, ...]
    hist_years: np.ndarray  # (Y,) sorted
    hist: np.ndarray  # (Y, R, G) history of the national groups
    years: np.ndarray  # (T,) forecast years
    national: np.ndarray  # (T, G)
    base_year: int
    column: str

    @property
    def base(self) -> np.ndarray:
        return self.hist[self.year_index(self.base_year)]

    def year_index(self, year: int) -> int:
        return int(np.searchsorted(self.hist_years, year))


def _prepare(
    national: pd.DataFrame,
    history: pd.DataFrame,
    base_year: int | None,
    column: str,
) -> _Prepared:
    national = _require_frame(national, "national", ["education_group", "year", column])
    history = _require_frame(history, "history", ["region", "education_group", "year", "value"])

    nat = _encode(national, "national", ["education_group", "year"], column)
    hist_keys = ["region", "education_group", "year"]
    hist = _encode(history, "history", hist_keys, "value", drop_national=True)
    extra = set(history.columns) - {*hist_keys, "value"}

    hist_years = np.array(sorted(hist.uniques["year"]), dtype=np.int64)
    if base_year is None:
        base_year = int(hist_years[-1])
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)):
        raise KompetensError(f"Basåret ska vara ett årtal (heltal), inte {base_year!r}.")
    base_year = int(base_year)
    if base_year not in set(hist_years.tolist()):
        raise KompetensError(
            f"Basåret {base_year} finns inte i historiken. Giltiga basår: {_fmt_years(hist_years)}."
        )

    groups = tuple(sorted(nat.uniques["education_group"]))
    hist_groups = set(hist.uniques["education_group"])
    unknown = [g for g in groups if g not in hist_groups]
    if unknown:
        raise KompetensError(
            f"Utbildningsgrupperna {_fmt_list(unknown)} finns i 'national' men inte i "
            f"'history', så de kan inte fördelas på län. Grupper i historiken: "
            f"{_fmt_list(sorted(hist_groups))}."
        )
    years = np.array(sorted(nat.uniques["year"]), dtype=np.int64)
    early = years[years < base_year]
    if len(early):
        raise KompetensError(
            f"Prognosåren i 'national' måste vara basåret {base_year} eller senare, men "
            f"tabellen har {_fmt_years(early)}. Ta bort de åren eller välj ett tidigare basår "
            f"(giltiga basår: {_fmt_years(hist_years[hist_years <= years.min()])})."
        )
    # Every group must have every forecast year, or the result would have holes.
    counts = _cube(
        _Coded(nat.codes, nat.uniques, np.ones(nat.n_rows), nat.n_rows),
        {"year": years.tolist(), "education_group": groups},
    )
    if counts.max() > 1:
        t, g = np.unravel_index(int(np.argmax(counts)), counts.shape)
        raise KompetensError(
            f"Tabellen 'national' har dubbletter: flera rader för grupp {groups[g]}, "
            f"år {years[t]}. Varje grupp och år får bara finnas en gång."
        )
    if counts.min() == 0:
        t, g = np.unravel_index(int(np.argmin(counts)), counts.shape)
        raise KompetensError(
            f"Prognosen i 'national' för grupp {groups[g]} saknar år {years[t]}. Varje grupp "
            f"måste ha samma prognosår: {_fmt_years(years)}."
        )
    nat_cube = _cube(nat, {"year": years.tolist(), "education_group": groups})

    regions = tuple(c for c in COUNTY_CODES if c in set(hist.uniques["region"]))
    hist_cube = _cube(
        hist,
        {"year": hist_years.tolist(), "region": regions, "education_group": groups},
        duplicates_in=None if extra else "history",
    )
    prepared = _Prepared(
        regions=regions,
        groups=groups,
        hist_years=hist_years,
        hist=hist_cube,
        years=years,
        national=nat_cube,
        base_year=base_year,
        column=column,
    )
    base_total = prepared.base.sum(axis=0)
    empty = (base_total <= 0) & (nat_cube.max(axis=0) > 0)
    if empty.any():
        bad = [g for g, e in zip(groups, empty) if e]
        raise KompetensError(
            f"Utbildningsgrupperna {_fmt_list(bad)} har inga personer i något län basåret "
            f"{base_year}, men en positiv riksprognos; andelar kan inte beräknas. Välj ett "
            "basår där gruppen finns i historiken eller ta bort gruppen ur 'national'."
        )
    return prepared


def _window(prepared: _Prepared, window: object, method: str) -> np.ndarray:
    """Years of the history window: None (default), (start, end) inclusive, or a list."""
    base = prepared.base_year
    available = prepared.hist_years
    if window is None:
        years = available[(available <= base) & (available > base - DEFAULT_WINDOW_YEARS)]
        years = years.tolist()
    elif (
        isinstance(window, tuple)
        and len(window) == 2
        and all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in window)
    ):
        start, end = int(window[0]), int(window[1])
        if start >= end:
            raise KompetensError(
                f"Fönstret {window} för {METHOD_LABELS[method].lower()} ska anges som "
                "(första år, sista år) med första året före det sista, t.ex. (2014, 2023)."
            )
        years = list(range(start, end + 1))
    else:
        years = _years_list(window, "window")
    late = [y for y in years if y > base]
    if late:
        raise KompetensError(
            f"Fönstret får inte innehålla år efter basåret {base} (det vore att titta i "
            f"facit): {_fmt_years(late)}. Välj år till och med {base}."
        )
    missing = [y for y in years if y not in set(available.tolist())]
    if missing:
        raise KompetensError(
            f"Historiken saknar år {_fmt_years(missing)} i fönstret {_fmt_years(years)}. "
            f"År som finns i historiken: {_fmt_years(available)}."
        )
    if len(years) < 2:
        raise KompetensError(
            f"{METHOD_LABELS[method]} behöver minst två historiska år i fönstret, men fick "
            f"{_fmt_years(years)}. År som finns i historiken: {_fmt_years(available)}."
        )
    return np.array(sorted(years), dtype=np.int64)


# --------------------------------------------------------------------------------------
# The four methods on arrays: each returns (T, R, G)
# --------------------------------------------------------------------------------------


def _shares(matrix: np.ndarray) -> np.ndarray:
    """Column shares of an (..., R, G) array over R; 0 where a group's total is 0."""
    total = matrix.sum(axis=-2, keepdims=True)
    return np.divide(matrix, total, out=np.zeros_like(matrix, dtype=float), where=total > 0)


def _fixed_share(p: _Prepared) -> np.ndarray:
    return _shares(p.base)[None, :, :] * p.national[:, None, :]


def _trend_share(p: _Prepared, window: object = None) -> np.ndarray:
    years = _window(p, window, "trend_share")
    idx = np.searchsorted(p.hist_years, years)
    panel = p.hist[idx]  # (W, R, G)
    shares = _shares(panel)
    # A year where a group is empty everywhere has no shares: leave it out of that group's fit.
    valid = (panel.sum(axis=1) > 0).astype(float)  # (W, G)
    n = valid.sum(axis=0)  # (G,)
    x = years.astype(float)[:, None]  # (W, 1)
    x_mean = np.divide((valid * x).sum(0), n, out=np.zeros_like(n), where=n > 0)
    dx = (x - x_mean[None, :]) * valid  # (W, G)
    sxx = (dx**2).sum(axis=0)
    s_mean = np.divide(
        (shares * valid[:, None, :]).sum(0),
        n[None, :],
        out=np.zeros_like(shares[0]),
        where=n[None, :] > 0,
    )
    sxy = (dx[:, None, :] * (shares - s_mean[None])).sum(axis=0)  # (R, G)
    slope = np.divide(sxy, sxx[None, :], out=np.zeros_like(sxy), where=sxx[None, :] > 0)
    horizon = (p.years - p.base_year).astype(float)[:, None, None]
    projected = np.clip(_shares(p.base)[None] + slope[None] * horizon, 0.0, None)
    return _shares(projected) * p.national[:, None, :]


def _shift_share(
    p: _Prepared, window: object = None, damping: float = DEFAULT_DAMPING
) -> np.ndarray:
    if (
        isinstance(damping, bool)
        or not isinstance(damping, (int, float, np.number))
        or not (0.0 <= float(damping) <= 1.0)
    ):
        raise KompetensError(
            f"Dämpningen (damping, λ) ska vara ett tal mellan 0 och 1, inte {damping!r}. "
            "0 ger fast andel, 1 för hela den historiska förskjutningen framåt."
        )
    years = _window(p, window, "shift_share")
    first, last = p.hist[p.year_index(int(years[0]))], p.hist[p.year_index(int(years[-1]))]
    length = float(years[-1] - years[0])
    d_r = _annual_growth(first, last, length)  # (R, G)
    d_n = _annual_growth(first.sum(0), last.sum(0), length)  # (G,)
    defined = (first > 0) & (first.sum(0) > 0)[None, :]
    differential = np.where(defined, d_r - d_n[None, :], 0.0)  # δ_rg per year

    base = p.base
    base_total = base.sum(axis=0)  # (G,)
    growth_factor = np.divide(
        p.national, base_total[None, :], out=np.zeros_like(p.national), where=base_total > 0
    )  # 1 + g_NgT, (T, G)
    horizon = (p.years - p.base_year).astype(float)[:, None, None]
    weight = base[None] * (
        growth_factor[:, None, :] + float(damping) * differential[None] * horizon
    )
    weight = np.clip(weight, 0.0, None)
    # Where every county was clipped away (only possible in degenerate data), fall back to
    # the base-year shares rather than dividing by zero.
    dead = weight.sum(axis=1, keepdims=True) <= 0
    weight = np.where(dead, base[None], weight)
    return _shares(weight) * p.national[:, None, :]


def _annual_growth(first: np.ndarray, last: np.ndarray, years: float) -> np.ndarray:
    ratio = np.divide(last, first, out=np.ones_like(last, dtype=float), where=first > 0)
    return ratio ** (1.0 / years) - 1.0


def _region_totals(
    p: _Prepared, region_totals: pd.DataFrame | None, rescale_totals: bool
) -> np.ndarray:
    """County margins (T, R): given, or the base-year county shares of the national total."""
    national_total = p.national.sum(axis=1)  # (T,)
    if region_totals is None:
        base_rows = p.base.sum(axis=1)
        share = base_rows / base_rows.sum() if base_rows.sum() > 0 else base_rows
        return share[None, :] * national_total[:, None]
    frame = _require_frame(region_totals, "region_totals", ["region", "year", "value"])
    coded = _encode(frame, "region_totals", ["region", "year"], drop_national=True)
    have_regions = set(coded.uniques["region"]) - {NATIONAL_CODE}
    missing = [r for r in p.regions if r not in have_regions]
    extra = sorted(have_regions - set(p.regions))
    if missing or extra:
        raise KompetensError(
            "Länen i 'region_totals' ska vara desamma som i historiken. "
            + (f"Saknas: {_fmt_list(missing)}. " if missing else "")
            + (f"Finns inte i historiken: {_fmt_list(extra)}. " if extra else "")
            + f"Län i historiken: {_fmt_list(p.regions, 25)}."
        )
    missing_years = [y for y in p.years.tolist() if y not in set(coded.uniques["year"])]
    if missing_years:
        raise KompetensError(
            f"'region_totals' saknar år {_fmt_years(missing_years)}. Länstotaler behövs för "
            f"alla prognosår: {_fmt_years(p.years)}."
        )
    counts = _cube(
        _Coded(coded.codes, coded.uniques, np.ones(coded.n_rows), coded.n_rows),
        {"year": p.years.tolist(), "region": p.regions},
        duplicates_in="region_totals",
    )
    if counts.min() == 0:
        t, r = np.unravel_index(int(np.argmin(counts)), counts.shape)
        raise KompetensError(
            f"'region_totals' saknar län {p.regions[r]} år {p.years[t]}. Varje län behöver "
            f"en total för varje prognosår: {_fmt_years(p.years)}."
        )
    totals = _cube(coded, {"year": p.years.tolist(), "region": p.regions})
    sums = totals.sum(axis=1)
    off = np.abs(sums - national_total) > MARGIN_RTOL * np.maximum(national_total, 1.0)
    if rescale_totals:
        if (sums <= 0).any():
            raise KompetensError(
                "Länstotalerna i 'region_totals' summerar till 0 något år och kan inte skalas."
            )
        return totals * (national_total / sums)[:, None]
    if off.any():
        t = int(np.flatnonzero(off)[0])
        raise KompetensError(
            f"Marginalerna går inte ihop år {p.years[t]}: länstotalerna i 'region_totals' "
            f"summerar till {_fmt_num(sums[t])}, men riksprognosen för grupperna summerar till "
            f"{_fmt_num(national_total[t])}. De två summorna måste vara lika (inom "
            f"{MARGIN_RTOL:g} relativt). Skala länstotalerna till riksprognosen, eller ange "
            "rescale_totals=True så gör funktionen det proportionellt."
        )
    return totals


def _constrained(
    p: _Prepared,
    region_totals: pd.DataFrame | None = None,
    rescale_totals: bool = False,
    tol: float = RAS_TOLERANCE,
    max_iter: int = RAS_MAX_ITER,
) -> tuple[np.ndarray, dict[int, dict[str, Any]]]:
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise KompetensError(f"Toleransen (tol) ska vara ett positivt tal, inte {tol!r}.")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise KompetensError(
            f"Högsta antal iterationer (max_iter) ska vara ett heltal ≥ 1, inte {max_iter!r}."
        )
    rows = _region_totals(p, region_totals, rescale_totals)  # (T, R)
    cols = p.national  # (T, G)
    base = p.base
    empty_rows = (base.sum(axis=1)[None, :] <= 0) & (rows > 0)
    if empty_rows.any():
        t, r = np.argwhere(empty_rows)[0]
        raise KompetensError(
            f"Län {p.regions[r]} har inga personer i grupperna basåret {p.base_year}, men "
            f"länstotalen år {p.years[t]} är {_fmt_num(rows[t, r])}. RAS kan bara skala om "
            "det som finns; ge länet totalen 0 eller välj ett annat basår."
        )
    matrix, iterations, errors, converged = _ras(base, rows, cols, float(tol), int(max_iter))
    col_error = np.abs(matrix.sum(axis=1) - cols) / np.maximum(cols, 1.0)
    if (col_error > 1e-6).any():
        t, g = np.argwhere(col_error > 1e-6)[0]
        raise KompetensError(
            f"Grupp {p.groups[g]} år {p.years[t]} kan inte fördelas: inget län med positiv "
            "länstotal har personer i gruppen basåret. Kontrollera 'region_totals'."
        )
    report = {
        int(y): {"iterations": int(i), "max_error": float(e), "converged": bool(c)}
        for y, i, e, c in zip(p.years, iterations, errors, converged)
    }
    if not converged.all():
        bad = p.years[~converged]
        worst = f"{100 * errors[~converged].max():.1f}".replace(".", ",")
        warnings.warn(
            f"RAS-anpassningen nådde inte länstotalerna inom toleransen {tol:g} efter "
            f"{max_iter} iterationer för år {_fmt_years(bad)} (största relativa fel {worst} %). "
            "Länen summerar till riksprognosen per grupp, men länstotalerna stämmer inte; "
            "kontrollera att länstotalerna är rimliga för gruppernas storlek, eller höj "
            "max_iter. Se resultatets attrs['convergence'].",
            ConvergenceWarning,
            stacklevel=4,
        )
    return matrix, report


def _ras(
    base: np.ndarray, rows: np.ndarray, cols: np.ndarray, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Biproportional fitting of ``base`` (R, G) to row targets (T, R) and column targets
    (T, G), all years at once. Ends on a column step, so the column margins always hold."""
    n_years = rows.shape[0]
    matrix = np.repeat(base[None, :, :].astype(float), n_years, axis=0)
    iterations = np.full(n_years, max_iter, dtype=np.int64)
    converged = np.zeros(n_years, dtype=bool)
    errors = np.full(n_years, np.inf)
    for it in range(1, max_iter + 1):
        row_sums = matrix.sum(axis=2)
        matrix *= np.divide(rows, row_sums, out=np.zeros_like(rows), where=row_sums > 0)[:, :, None]
        col_sums = matrix.sum(axis=1)
        matrix *= np.divide(cols, col_sums, out=np.zeros_like(cols), where=col_sums > 0)[:, None, :]
        errors = (np.abs(matrix.sum(axis=2) - rows) / np.maximum(rows, 1.0)).max(axis=1)
        newly = ~converged & (errors <= tol)
        iterations[newly] = it
        converged |= newly
        if converged.all():
            break
    return matrix, iterations, errors, converged


def _run(p: _Prepared, method: str, options: Mapping[str, Any]) -> tuple[np.ndarray, dict]:
    extra: dict[str, Any] = {}
    if method == "fixed_share":
        values = _fixed_share(p)
    elif method == "trend_share":
        values = _trend_share(p, **options)
    elif method == "shift_share":
        values = _shift_share(p, **options)
    else:
        values, extra["convergence"] = _constrained(p, **options)
    return values, extra


def _check_options(method: str, options: Mapping[str, Any]) -> None:
    valid = _OPTIONS[method]
    unknown = [k for k in options if k not in valid]
    if unknown:
        listing = ", ".join(valid) if valid else "inga"
        raise KompetensError(
            f"Okänt val {_fmt_list(unknown)} för metoden {method} "
            f"({METHOD_LABELS[method]}). Giltiga val för metoden: {listing}."
        )


def _to_frame(
    p: _Prepared, values: np.ndarray, regions: Sequence[str] | None = None
) -> pd.DataFrame:
    """(T, R, G) → tidy region, education_group, year, value sorted by region, group, year."""
    region_idx = (
        np.arange(len(p.regions))
        if regions is None
        else np.array([p.regions.index(r) for r in regions], dtype=np.int64)
    )
    n_r, n_g, n_t = len(region_idx), len(p.groups), len(p.years)
    block = values[:, region_idx, :].transpose(1, 2, 0).reshape(-1)
    region_labels = np.array(p.regions, dtype=object)[region_idx]
    return pd.DataFrame(
        {
            "region": pd.array(np.repeat(region_labels, n_g * n_t), dtype="string"),
            "education_group": pd.array(
                np.tile(np.repeat(np.array(p.groups, dtype=object), n_t), n_r), dtype="string"
            ),
            "year": np.tile(p.years, n_r * n_g),
            "value": block,
        }
    )


def _plain(options: Mapping[str, Any]) -> dict[str, Any]:
    """Options safe to keep in ``attrs`` (no frames: attrs are compared on concat)."""
    out: dict[str, Any] = {}
    for key, value in options.items():
        if isinstance(value, pd.DataFrame):
            out[key] = "DataFrame"
        elif isinstance(value, (range, list)):
            out[key] = tuple(value)
        else:
            out[key] = value
    return out


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def breakdown(
    national: pd.DataFrame,
    history: pd.DataFrame,
    method: Method | str = "fixed_share",
    base_year: int | None = None,
    *,
    column: str = "value",
    **options: Any,
) -> pd.DataFrame:
    """Break a national forecast by education group down to the counties.

    Let ``H[r, g, y]`` be the history (county ``r``, group ``g``, year ``y``), ``0`` the
    base year and ``N[g, T]`` the national forecast for year ``T``. Every method gives
    county values ``X[r, g, T] ≥ 0`` with ``Σ_r X[r, g, T] = N[g, T]``.

    ``"fixed_share"``
        ``s[r, g] = H[r, g, 0] / Σ_r H[r, g, 0]``; ``X = s · N``.
    ``"trend_share"``
        ``s[r, g, T] = s[r, g] + b[r, g] · (T − 0)``, with ``b`` the least-squares slope of
        the county's yearly share over ``window``; clipped at 0 and rescaled so the
        shares sum to 1 for each group and year; ``X = s · N``. The line is anchored at the
        observed base-year share, so ``T = 0`` reproduces the fixed share.
        Option ``window``: ``(first, last)`` inclusive or a list of years, all ≤ base year;
        default the ten years up to the base year.
    ``"shift_share"``
        ``W[r, g, T] = H[r, g, 0] · (1 + g_N[g, T] + λ · d[r, g] · (T − 0))``, clipped at 0,
        and ``X = N · W / Σ_r W``. ``1 + g_N = N[g, T] / Σ_r H[r, g, 0]`` is the national
        growth of the group (national growth and group mix together);
        ``d[r, g] = (H[r,g,y1]/H[r,g,y0])^(1/(y1−y0)) − (H[N,g,y1]/H[N,g,y0])^(1/(y1−y0))``
        is the county's annualised growth differential over the window's first (``y0``)
        and last (``y1``) year (0 where the county had nobody at ``y0``). Options
        ``window`` (as above) and ``damping`` = λ in [0, 1], default 0.5. λ = 0 gives the
        fixed share.
    ``"constrained"``
        RAS (iterative proportional fitting) of the base-year county × group matrix to
        two margins each year: county totals and the national group totals ``N[·, T]``.
        Option ``region_totals`` (DataFrame ``region``, ``year``, ``value``), e.g. from the
        population projection times participation; default: each county keeps its
        base-year share of the total over the groups, ``R[r, T] = (Σ_g H[r,g,0] / Σ H) ·
        Σ_g N[g, T]``. The two margins must have the same sum each year (relative
        tolerance 1e-6) or a :class:`KompetensError` gives both sums; ``rescale_totals=True``
        scales the county totals to the national total instead. Options ``tol`` (relative
        error on county totals, default 1e-9) and ``max_iter`` (default 1000). The result's
        ``attrs["convergence"]`` maps each year to ``iterations``, ``max_error``,
        ``converged``; a :class:`ConvergenceWarning` (Swedish) is issued if a year did not
        converge. The group totals always hold (the last step scales the groups).

    Parameters
    ----------
    national
        Columns ``education_group``, ``year`` and ``column``: the national forecast (all
        years ≥ base year; every group must have every year).
    history
        Columns ``region``, ``education_group``, ``year``, ``value``. Rows for Riket
        (``"00"``) are dropped. Other columns (e.g. ``age_band``) are summed over.
        Missing county × group rows count as 0.
    method
        ``"fixed_share"``, ``"trend_share"``, ``"shift_share"`` or ``"constrained"`` (the
        Swedish labels in :data:`METHOD_LABELS` are also accepted).
    base_year
        Year of ``history`` the shares start from; default its last year.
    column
        Column of ``national`` to break down, e.g. ``"supply"`` or ``"demand"`` with
        ``load("national_forecast")``; the same call serves supply and demand.
    **options
        Method options as above.

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``year``, ``value`` (float; round for display) for
        every county in ``history``, every group in ``national`` and every forecast year.
        ``attrs`` holds ``method``, ``base_year``, ``column``, ``options``.

    Raises
    ------
    KompetensError
        In Swedish, for missing columns or years, a base year outside the history, groups
        missing from the history, NaN or negative values, margins that do not add up.

    Notes
    -----
    The input frames are not modified. Groups in ``history`` but not in ``national`` are
    not broken down.

    >>> nat = pd.DataFrame({"education_group": ["108"], "year": [2030], "value": [300.0]})
    >>> hist = pd.DataFrame({"region": ["01", "12"], "education_group": ["108", "108"],
    ...                      "year": [2023, 2023], "value": [100, 200]})
    >>> breakdown(nat, hist)["value"].tolist()
    [100.0, 200.0]
    """
    method = _resolve_choice(method, "metod", METHOD_LABELS)
    _check_options(method, options)
    prepared = _prepare(national, history, base_year, column)
    values, extra = _run(prepared, method, options)
    frame = _to_frame(prepared, values)
    frame.attrs = {
        "method": method,
        "base_year": prepared.base_year,
        "column": column,
        "options": _plain(options),
        **extra,
    }
    return frame


def compare_methods(
    national: pd.DataFrame,
    history: pd.DataFrame,
    region: object = None,
    base_year: int | None = None,
    *,
    methods: Sequence[str] = METHODS,
    column: str = "value",
    window: object = None,
    damping: float = DEFAULT_DAMPING,
    region_totals: pd.DataFrame | None = None,
    detail: bool = False,
) -> pd.DataFrame:
    """Run several breakdown methods and return their range: the honest uncertainty band.

    For each county, group and year: ``min``, ``median`` and ``max`` over the methods'
    values (see :func:`breakdown` for each formula), and ``n_methods``. Every method sees
    the same inputs; ``window`` goes to the trend and shift-share methods, ``damping`` (λ)
    to shift-share and ``region_totals`` to the constrained method.

    Parameters
    ----------
    national, history, base_year, column
        As in :func:`breakdown`.
    region
        A county (code or name, e.g. ``"12"`` or ``"Skåne"``) or ``None`` for all counties.
        All counties are always computed (the constrained method needs them); only the
        rows shown are filtered.
    methods
        Which methods to compare; default all four.
    detail
        If true, return the per-method values instead (columns ``region``,
        ``education_group``, ``year``, ``method``, ``value``).

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``year``, ``min``, ``median``, ``max``, ``n_methods``.

    >>> nat = pd.DataFrame({"education_group": ["108"], "year": [2030], "value": [300.0]})
    >>> hist = pd.DataFrame({"region": ["01", "12"] * 2, "education_group": ["108"] * 4,
    ...                      "year": [2022, 2022, 2023, 2023], "value": [90, 210, 100, 200]})
    >>> band = compare_methods(nat, hist, region="Skåne")
    >>> band[["min", "max"]].round(1).values.tolist()
    [[130.0, 200.0]]
    """
    if isinstance(methods, str):
        methods = [methods]
    chosen = [_resolve_choice(m, "metod", METHOD_LABELS) for m in methods]
    if not chosen:
        raise KompetensError(f"Ange minst en metod. Giltiga metoder: {', '.join(METHODS)}.")
    prepared = _prepare(national, history, base_year, column)
    regions = None
    if region is not None:
        code = resolve_region(region)
        if code not in prepared.regions:
            raise KompetensError(
                f"Län {code} finns inte i historiken. Län i historiken: "
                f"{_fmt_list(prepared.regions, 25)}."
            )
        regions = [code]
    option_sets = {
        "fixed_share": {},
        "trend_share": {"window": window},
        "shift_share": {"window": window, "damping": damping},
        "constrained": {"region_totals": region_totals},
    }
    results = [_run(prepared, m, option_sets[m])[0] for m in chosen]
    if detail:
        parts = []
        for m, values in zip(chosen, results):
            part = _to_frame(prepared, values, regions)
            part.insert(3, "method", m)
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        out["method"] = out["method"].astype("string")
    else:
        stack = np.stack(results)  # (M, T, R, G)
        out = _to_frame(prepared, stack.min(axis=0), regions).rename(columns={"value": "min"})
        out["median"] = _to_frame(prepared, np.median(stack, axis=0), regions)["value"].to_numpy()
        out["max"] = _to_frame(prepared, stack.max(axis=0), regions)["value"].to_numpy()
        out["n_methods"] = len(chosen)
    out.attrs = {"methods": tuple(chosen), "base_year": prepared.base_year, "column": column}
    return out
