"""Regional breakdown of a national forecast by education group: four methods and their range.

SCB's national forecast (Trender och prognoser) is split over the counties from the counties'
own history. Every method returns counties that add up to the national figure for each
group and year. The frame checks and the county×group cube shared with the other analysis
modules are in :mod:`kompetens_lib.methods.tidy`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share
from kompetens_lib._internal.choices import resolve_choice
from kompetens_lib._internal.text import format_count, format_list, format_years
from kompetens_lib.errors import ConvergenceWarning, KompetensError
from kompetens_lib.methods import industry as industry_method
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE, resolve_region

__all__ = [
    "DEFAULT_DAMPING",
    "DEFAULT_WINDOW_YEARS",
    "COMPARED_LABELS",
    "COMPARED_METHODS",
    "METHODS",
    "METHOD_LABELS",
    "METHOD_OPTIONS",
    "ConvergenceWarning",
    "Prepared",
    "breakdown",
    "check_options",
    "compare_methods",
    "national_growth",
    "prepare",
    "resolve_method",
    "run_method",
]

Method = Literal["fixed_share", "trend_share", "shift_share", "constrained"]

METHODS: tuple[str, ...] = ("fixed_share", "trend_share", "shift_share", "constrained")
METHOD_LABELS: dict[str, str] = {
    "fixed_share": "Fast andel",
    "trend_share": "Trendandel",
    "shift_share": "Shift-share",
    "constrained": "Betingad (RAS)",
}
#: The methods compared side by side (range and back-test): the four share methods and the
#: industry-based one of :mod:`kompetens_lib.methods.industry` (demand only; it needs the
#: tables by industry, so it is not one of :data:`METHODS` that :func:`breakdown` runs).
COMPARED_METHODS: tuple[str, ...] = (*METHODS, industry_method.METHOD_CODE)
COMPARED_LABELS: dict[str, str] = {**METHOD_LABELS,
                                   industry_method.METHOD_CODE: industry_method.METHOD_LABEL}


def resolve_method(method: object) -> str:
    """The method code for a code or its Swedish name, in any case, with spaces, hyphens or
    underscores ("Fast andel", "fixed share", "fixed-share" → "fixed_share").

    The one method-name resolver of the library. Raises :class:`KompetensError` in Swedish
    listing the valid methods.

    >>> [resolve_method(m) for m in ("fixed share", "Fast andel", "SHIFT_SHARE")]
    ['fixed_share', 'fixed_share', 'shift_share']
    """
    try:
        return resolve_choice(method, "metod", METHOD_LABELS)
    except KompetensError:
        valid = ", ".join(f"'{k}' ({v})" for k, v in METHOD_LABELS.items())
        raise KompetensError(f"Okänd metod: {method!r}. Giltiga metoder: {valid}.") from None


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

#: The options each method accepts (see :func:`breakdown`).
METHOD_OPTIONS: dict[str, tuple[str, ...]] = {
    "fixed_share": (),
    "trend_share": ("window",),
    "shift_share": ("window", "damping"),
    "constrained": ("region_totals", "rescale_totals", "tol", "max_iter"),
}



# --------------------------------------------------------------------------------------
# Input preparation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """Validated breakdown inputs as arrays: the history cube and the national forecast.

    Made by :func:`prepare`; :func:`run_method` runs one method on it, so that several
    methods (or the back-test) share one validation.
    """

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


def prepare(
    national: pd.DataFrame,
    history: pd.DataFrame,
    base_year: int | None,
    column: str,
) -> Prepared:
    """Check ``national`` and ``history`` as :func:`breakdown` does and return them as arrays.

    Swedish errors for missing columns, a base year outside the history, groups missing from
    the history, duplicate or missing forecast years, and groups empty in the base year.
    """
    national = tidy.require_frame(national, "national", ["education_group", "year", column])
    history = tidy.require_frame(history, "history", ["region", "education_group", "year", "value"])

    nat = tidy.encode(national, "national", ["education_group", "year"], column)
    hist_keys = ["region", "education_group", "year"]
    hist = tidy.encode(history, "history", hist_keys, "value", drop_national=True)
    extra = set(history.columns) - {*hist_keys, "value"}

    hist_years = np.array(sorted(hist.uniques["year"]), dtype=np.int64)
    if base_year is None:
        base_year = int(hist_years[-1])
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)):
        raise KompetensError(f"Basåret ska vara ett årtal (heltal), inte {base_year!r}.")
    base_year = int(base_year)
    if base_year not in set(hist_years.tolist()):
        raise KompetensError(
            f"Basåret {base_year} finns inte i historiken. Giltiga basår: "
            f"{format_years(hist_years)}."
        )

    groups = tuple(sorted(nat.uniques["education_group"]))
    hist_groups = set(hist.uniques["education_group"])
    unknown = [g for g in groups if g not in hist_groups]
    if unknown:
        raise KompetensError(
            f"Utbildningsgrupperna {format_list(unknown)} finns i 'national' men inte i "
            f"'history', så de kan inte fördelas på län. Grupper i historiken: "
            f"{format_list(sorted(hist_groups))}."
        )
    years = np.array(sorted(nat.uniques["year"]), dtype=np.int64)
    early = years[years < base_year]
    if len(early):
        raise KompetensError(
            f"Prognosåren i 'national' måste vara basåret {base_year} eller senare, men "
            f"tabellen har {format_years(early)}. Ta bort de åren eller välj ett tidigare basår "
            f"(giltiga basår: {format_years(hist_years[hist_years <= years.min()])})."
        )
    # Every group must have every forecast year, or the result would have holes.
    counts = tidy.cube(
        tidy.Coded(nat.codes, nat.uniques, np.ones(nat.n_rows), nat.n_rows),
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
            f"måste ha samma prognosår: {format_years(years)}."
        )
    nat_cube = tidy.cube(nat, {"year": years.tolist(), "education_group": groups})

    regions = tuple(c for c in COUNTY_CODES if c in set(hist.uniques["region"]))
    hist_cube = tidy.cube(
        hist,
        {"year": hist_years.tolist(), "region": regions, "education_group": groups},
        duplicates_in=None if extra else "history",
    )
    prepared = Prepared(
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
            f"Utbildningsgrupperna {format_list(bad)} har inga personer i något län basåret "
            f"{base_year}, men en positiv riksprognos; andelar kan inte beräknas. Välj ett "
            "basår där gruppen finns i historiken eller ta bort gruppen ur 'national'."
        )
    return prepared


def _window(prepared: Prepared, window: object, method: str) -> np.ndarray:
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
        years = tidy.years_list(window, "window")
    late = [y for y in years if y > base]
    if late:
        raise KompetensError(
            f"Fönstret får inte innehålla år efter basåret {base} (det vore att titta i "
            f"facit): {format_years(late)}. Välj år till och med {base}."
        )
    missing = [y for y in years if y not in set(available.tolist())]
    if missing:
        raise KompetensError(
            f"Historiken saknar år {format_years(missing)} i fönstret {format_years(years)}. "
            f"År som finns i historiken: {format_years(available)}."
        )
    if len(years) < 2:
        raise KompetensError(
            f"{METHOD_LABELS[method]} behöver minst två historiska år i fönstret, men fick "
            f"{format_years(years)}. År som finns i historiken: {format_years(available)}."
        )
    return np.array(sorted(years), dtype=np.int64)


# --------------------------------------------------------------------------------------
# The four methods on arrays: each returns (T, R, G)
# --------------------------------------------------------------------------------------


def _shares(matrix: np.ndarray) -> np.ndarray:
    """Column shares of an (..., R, G) array over R; 0 where a group's total is 0."""
    total = matrix.sum(axis=-2, keepdims=True)
    return np.divide(matrix, total, out=np.zeros_like(matrix, dtype=float), where=total > 0)


def _fixed_share(p: Prepared) -> np.ndarray:
    return _shares(p.base)[None, :, :] * p.national[:, None, :]


def _trend_share(p: Prepared, window: object = None) -> np.ndarray:
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
    p: Prepared, window: object = None, damping: float = DEFAULT_DAMPING
) -> np.ndarray:
    damping = check_share(
        damping, "Dämpningen (damping, λ)", text=False,
        hint="0 ger fast andel, 1 för hela den historiska förskjutningen framåt.",
    )
    years = _window(p, window, "shift_share")
    first, last = p.hist[p.year_index(int(years[0]))], p.hist[p.year_index(int(years[-1]))]
    length = float(years[-1] - years[0])
    d_r = _annual_growth(first, last, length)  # (R, G)
    d_n = _annual_growth(first.sum(0), last.sum(0), length)  # (G,)
    defined = (first > 0) & (first.sum(0) > 0)[None, :]
    differential = np.where(defined, d_r - d_n[None, :], 0.0)  # δ_rg per year

    base = p.base
    growth_rate = national_growth(p)  # g_N(0→T), (T, G)
    horizon = (p.years - p.base_year).astype(float)[:, None, None]
    weight = base[None] * (
        1.0 + growth_rate[:, None, :] + float(damping) * differential[None] * horizon
    )
    weight = np.clip(weight, 0.0, None)
    # Where every county was clipped away (only possible in degenerate data), fall back to
    # the base-year shares rather than dividing by zero.
    dead = weight.sum(axis=1, keepdims=True) <= 0
    weight = np.where(dead, base[None], weight)
    return _shares(weight) * p.national[:, None, :]


def national_growth(p: Prepared) -> np.ndarray:
    """The national growth rate of each group from the base year, ``g_N(0→T)``, (T, G).

    ``g_N = N[g, T] / N[g, 0] − 1`` from the national forecast itself, so the rate does not
    depend on the unit of the forecast (persons or thousands). Where the forecast has no
    base-year row, the history's national total of the base year stands in for ``N[g, 0]``
    (then the two tables must be in the same unit). A group with nothing at the base year
    grows by 0.
    """
    if p.base_year in set(p.years.tolist()):
        start = p.national[int(np.searchsorted(p.years, p.base_year))]
    else:
        start = p.base.sum(axis=0)
    ratio = np.divide(
        p.national, start[None, :], out=np.ones_like(p.national, dtype=float),
        where=start[None, :] > 0,
    )
    return ratio - 1.0


def _annual_growth(first: np.ndarray, last: np.ndarray, years: float) -> np.ndarray:
    ratio = np.divide(last, first, out=np.ones_like(last, dtype=float), where=first > 0)
    return ratio ** (1.0 / years) - 1.0


def _region_totals(
    p: Prepared, region_totals: pd.DataFrame | None, rescale_totals: bool
) -> np.ndarray:
    """County margins (T, R): given, or the base-year county shares of the national total."""
    national_total = p.national.sum(axis=1)  # (T,)
    if region_totals is None:
        base_rows = p.base.sum(axis=1)
        share = base_rows / base_rows.sum() if base_rows.sum() > 0 else base_rows
        return share[None, :] * national_total[:, None]
    frame = tidy.require_frame(region_totals, "region_totals", ["region", "year", "value"])
    coded = tidy.encode(frame, "region_totals", ["region", "year"], drop_national=True)
    have_regions = set(coded.uniques["region"]) - {NATIONAL_CODE}
    missing = [r for r in p.regions if r not in have_regions]
    extra = sorted(have_regions - set(p.regions))
    if missing or extra:
        raise KompetensError(
            "Länen i 'region_totals' ska vara desamma som i historiken. "
            + (f"Saknas: {format_list(missing)}. " if missing else "")
            + (f"Finns inte i historiken: {format_list(extra)}. " if extra else "")
            + f"Län i historiken: {format_list(p.regions, 25)}."
        )
    missing_years = [y for y in p.years.tolist() if y not in set(coded.uniques["year"])]
    if missing_years:
        raise KompetensError(
            f"'region_totals' saknar år {format_years(missing_years)}. Länstotaler behövs för "
            f"alla prognosår: {format_years(p.years)}."
        )
    counts = tidy.cube(
        tidy.Coded(coded.codes, coded.uniques, np.ones(coded.n_rows), coded.n_rows),
        {"year": p.years.tolist(), "region": p.regions},
        duplicates_in="region_totals",
    )
    if counts.min() == 0:
        t, r = np.unravel_index(int(np.argmin(counts)), counts.shape)
        raise KompetensError(
            f"'region_totals' saknar län {p.regions[r]} år {p.years[t]}. Varje län behöver "
            f"en total för varje prognosår: {format_years(p.years)}."
        )
    totals = tidy.cube(coded, {"year": p.years.tolist(), "region": p.regions})
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
            f"summerar till {format_count(sums[t])}, men riksprognosen för grupperna summerar till "
            f"{format_count(national_total[t])}. De två summorna måste vara lika (inom "
            f"{MARGIN_RTOL:g} relativt). Skala länstotalerna till riksprognosen, eller ange "
            "rescale_totals=True så gör funktionen det proportionellt."
        )
    return totals


def _constrained(
    p: Prepared,
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
            f"länstotalen år {p.years[t]} är {format_count(rows[t, r])}. RAS kan bara skala om "
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
            f"{max_iter} iterationer för år {format_years(bad)} (största relativa fel {worst} %). "
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


def run_method(p: Prepared, method: str, options: Mapping[str, Any]) -> tuple[np.ndarray, dict]:
    """One method (a code, see :func:`resolve_method`) on prepared inputs: the (T, R, G)
    values and extra ``attrs`` (the RAS convergence report for ``"constrained"``)."""
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


def check_options(method: str, options: Mapping[str, Any]) -> None:
    """Refuse options the method does not take (see :data:`METHOD_OPTIONS`), in Swedish."""
    valid = METHOD_OPTIONS[method]
    unknown = [k for k in options if k not in valid]
    if unknown:
        listing = ", ".join(valid) if valid else "inga"
        raise KompetensError(
            f"Okänt val {format_list(unknown)} för metoden {method} "
            f"({METHOD_LABELS[method]}). Giltiga val för metoden: {listing}."
        )


def _to_frame(
    p: Prepared, values: np.ndarray, regions: Sequence[str] | None = None
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
        and ``X = N · W / Σ_r W``. ``g_N[g, T] = N[g, T] / N[g, 0] − 1`` is the national
        growth *rate* of the group in the forecast itself (national growth and group mix
        together; see :func:`national_growth`), so the result scales with its inputs: the
        forecast in thousands gives the same counties in thousands;
        ``d[r, g] = (H[r,g,y1]/H[r,g,y0])^(1/(y1−y0)) − (H[N,g,y1]/H[N,g,y0])^(1/(y1−y0))``
        is the county's annualised growth differential over the window's first (``y0``)
        and last (``y1``) year (0 where the county had nobody at ``y0``). Options
        ``window`` (as above) and ``damping`` = λ in [0, 1], default 0.5. λ = 0 gives the
        fixed share: every county grows at the national rate of the group.
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
    method = resolve_method(method)
    check_options(method, options)
    prepared = prepare(national, history, base_year, column)
    values, extra = run_method(prepared, method, options)
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
    rescale_totals: bool = False,
    detail: bool = False,
    industry: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Run several breakdown methods and return their range: the honest uncertainty band.

    For each county, group and year: ``min``, ``median`` and ``max`` over the methods'
    values (see :func:`breakdown` for each formula), and ``n_methods``. Every method sees
    the same inputs; each method gets the options its :data:`METHOD_OPTIONS` entry names:
    ``window`` the trend and shift-share methods, ``damping`` (λ) shift-share,
    ``region_totals`` and ``rescale_totals`` the constrained method.

    Parameters
    ----------
    national, history, base_year, column
        As in :func:`breakdown`.
    region
        A county (code or name, e.g. ``"12"`` or ``"Skåne"``) or ``None`` for all counties.
        All counties are always computed (the constrained method needs them); only the
        rows shown are filtered.
    methods
        Which methods to compare; default the four of :data:`METHODS`. ``"industry"`` (see
        :data:`COMPARED_METHODS`) adds the industry-based breakdown of demand, with
        ``industry`` = ``(industry_forecast, industry_history)``, e.g.
        ``(load("industry_forecast"), load("industry_employed"))``; it gets ``window`` and
        ``damping`` too.
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
    by_industry = industry_method.METHOD_CODE
    chosen = [by_industry if str(m).strip().casefold() in
              (by_industry, COMPARED_LABELS[by_industry].casefold())
              else resolve_method(m) for m in methods]
    if not chosen:
        raise KompetensError(f"Ange minst en metod. Giltiga metoder: {', '.join(METHODS)}.")
    prepared = prepare(national, history, base_year, column)
    regions = None
    if region is not None:
        code = resolve_region(region)
        if code not in prepared.regions:
            raise KompetensError(
                f"Län {code} finns inte i historiken. Län i historiken: "
                f"{format_list(prepared.regions, 25)}."
            )
        regions = [code]
    scenario = {"window": window, "damping": damping, "region_totals": region_totals,
                "rescale_totals": rescale_totals}
    # Each method takes the scenario options its entry in METHOD_OPTIONS names.
    results = [
        _industry_values(prepared, industry, window, damping) if m == by_industry else
        run_method(prepared, m, {k: v for k, v in scenario.items() if k in METHOD_OPTIONS[m]})[0]
        for m in chosen
    ]
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


def _industry_values(p: Prepared, industry: tuple[pd.DataFrame, pd.DataFrame] | None,
                     window: object, damping: float) -> np.ndarray:
    if industry is None:
        raise KompetensError(f"Metoden {COMPARED_LABELS['industry'].lower()} behöver tabellerna "
                             "efter näringsgren: industry=(industry_forecast, industry_history).")
    national = pd.DataFrame({"education_group": np.repeat(np.array(p.groups), len(p.years)),
                             "year": np.tile(p.years, len(p.groups)),
                             p.column: p.national.T.reshape(-1)})
    return industry_method.industry_cube(
        national, industry[0], industry[1], p.base_year, regions=p.regions, groups=p.groups,
        years=p.years, column=p.column, forecast_column=p.column, window=window,
        damping=damping)
