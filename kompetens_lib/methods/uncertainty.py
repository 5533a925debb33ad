"""Error bands beyond the method range: how far a breakdown has missed in the back-test, by
horizon and cell size, with small counties' own errors shrunk towards the pooled pattern."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.breakdown import resolve_method

__all__ = [
    "DEFAULT_CREDIBILITY",
    "DEFAULT_HORIZONS",
    "DEFAULT_QUANTILE",
    "SIZE_EDGES",
    "error_bands",
    "size_class",
    "widen",
]

#: Back-test horizons (years from base to target year) the bands are measured at.
DEFAULT_HORIZONS: tuple[int, ...] = (2, 4, 6, 8)
#: Cell size classes (persons in the county × group cell at the base year).
SIZE_EDGES: tuple[int, ...] = (100, 1_000, 10_000)
#: k in the credibility weight Z = n / (n + k): a county whose cells of a size class hold
#: k persons gets half its own error and half the pooled error of all counties.
DEFAULT_CREDIBILITY = 50_000
#: The band holds this share of the back-test's absolute relative errors.
DEFAULT_QUANTILE = 0.8


def size_class(size: np.ndarray | pd.Series, edges: Sequence[int] = SIZE_EDGES) -> pd.Series:
    """Swedish label of each cell's size class ("under 100", "100–1 000", …, "10 000+").

    >>> size_class(np.array([50, 500, 50_000])).tolist()
    ['under 100', '100–1 000', '10 000+']
    """
    def fmt(x: int) -> str:
        return f"{x:,}".replace(",", " ")
    labels = [f"under {fmt(edges[0])}"]
    labels += [f"{fmt(a)}–{fmt(b)}" for a, b in zip(edges[:-1], edges[1:])]
    labels += [f"{fmt(edges[-1])}+"]
    idx = np.searchsorted(np.asarray(edges, dtype=float), np.asarray(size, dtype=float),
                          side="right")
    return pd.Series(np.array(labels, dtype=object)[idx], dtype="string")


def error_bands(
    history: pd.DataFrame,
    method: str = "fixed_share",
    region: str | None = None,
    *,
    target_year: int | None = None,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    size_edges: Sequence[int] = SIZE_EDGES,
    credibility: float = DEFAULT_CREDIBILITY,
    quantile: float = DEFAULT_QUANTILE,
    **options: Any,
) -> pd.DataFrame:
    """Back-test error bands by horizon and cell size, shrunk for small counties.

    For each horizon ``h`` the method is back-tested from ``target_year − h`` to
    ``target_year`` (see :func:`kompetens_lib.methods.backtest.backtest`). Every county ×
    group cell gets its relative error ``e = (F − A) / A`` and a size class from its
    base-year size. For each horizon and size class:

    * ``pooled`` = the ``quantile`` of ``|e|`` over the cells of all counties (percent);
    * ``own`` = the same quantile over the county's own cells;
    * ``weight`` = the credibility weight ``Z = n / (n + k)``, ``n`` the persons in the
      county's cells of that class at the base year and ``k = credibility``;
    * ``band = Z · own + (1 − Z) · pooled`` (empirical-Bayes / Bühlmann credibility).

    A large county's band is mostly its own history; a small county's (Gotland, Jämtland)
    is pulled towards the pattern of all counties, since a few small cells cannot say
    much on their own. Without the county's cells in a class the band is the pooled one.

    Parameters
    ----------
    history
        ``region``, ``education_group``, ``year``, ``value`` (e.g. the employed).
    method
        A breakdown method (code or Swedish name).
    region
        County code; ``None`` gives the pooled bands only (``own`` NaN, ``weight`` 0).
    horizons
        Years between base and target year; each must leave a base year in the history
        (and two years up to it for the trend and shift-share methods).
    credibility, quantile
        ``k`` of the weight (persons, > 0) and the share of errors inside the band (0–1).
    **options
        Method options (``window``, ``damping``, ``region_totals``), as in the back-test.

    Returns
    -------
    DataFrame
        ``horizon``, ``size_class``, ``n_cells`` (the county's), ``pooled``, ``own``,
        ``weight``, ``band`` (percent), sorted by horizon and size.
    """
    method = resolve_method(method)
    if not (isinstance(credibility, (int, float)) and credibility > 0):
        raise KompetensError(
            f"Trovärdighetskonstanten (credibility, k) ska vara ett positivt antal personer, "
            f"inte {credibility!r}."
        )
    quantile = check_share(quantile, "Kvantilen (quantile)", text=False)
    years = sorted(int(y) for y in history["year"].unique())
    target = years[-1] if target_year is None else int(target_year)
    labels = size_class(np.array([0, *size_edges]), size_edges).tolist()
    rows = []
    for h in sorted({int(x) for x in horizons}):
        cells = backtest(history, method, target - h, target, level="cell", **options)
        base = _base_sizes(history, target - h, cells)
        actual = cells["actual"].to_numpy(float)
        ok = actual > 0
        rel = np.abs(cells["error"].to_numpy(float)[ok] / actual[ok])
        cls = size_class(base[ok], size_edges).to_numpy()
        mine = (cells["region"].to_numpy() == region)[ok] if region else np.zeros(ok.sum(), bool)
        size = base[ok]
        for label in labels:
            inside = cls == label
            if not inside.any():
                continue
            pooled = 100 * float(np.quantile(rel[inside], quantile))
            own_cells = inside & mine
            n_cells = int(own_cells.sum())
            if n_cells:
                own = 100 * float(np.quantile(rel[own_cells], quantile))
                persons = float(size[own_cells].sum())
                weight = persons / (persons + float(credibility))
            else:
                own, weight = np.nan, 0.0
            band = pooled if not n_cells else weight * own + (1 - weight) * pooled
            rows.append((h, label, n_cells, pooled, own, weight, band))
    out = pd.DataFrame(rows, columns=["horizon", "size_class", "n_cells", "pooled", "own",
                                      "weight", "band"])
    out["size_class"] = out["size_class"].astype("string")
    out.attrs = {"method": method, "region": region, "target_year": target,
                 "quantile": float(quantile), "credibility": float(credibility)}
    return out


def _base_sizes(history: pd.DataFrame, base_year: int, cells: pd.DataFrame) -> np.ndarray:
    """Base-year size of each back-test cell (county × group), in the cells' order."""
    past = history[(history["year"] == base_year) & (history["region"] != "00")]
    sizes = past.groupby(["region", "education_group"], observed=True)["value"].sum()
    index = pd.MultiIndex.from_arrays([cells["region"].astype(str),
                                       cells["education_group"].astype(str)])
    sizes.index = pd.MultiIndex.from_arrays([sizes.index.get_level_values(0).astype(str),
                                             sizes.index.get_level_values(1).astype(str)])
    return sizes.reindex(index).fillna(0.0).to_numpy(float)


def widen(
    values: pd.DataFrame, bands: pd.DataFrame, base_year: int,
    size_edges: Sequence[int] = SIZE_EDGES,
) -> pd.DataFrame:
    """Low and high value of each forecast cell from the error bands.

    ``values`` has ``education_group``, ``year``, ``value`` and ``base_value`` (the cell at
    the base year). The band of horizon ``T − 0`` and the cell's size class is used; beyond
    the longest back-tested horizon ``H`` it grows with the square root of the horizon,
    ``band(T) = band(H) · √((T − 0) / H)`` (errors of a share drifting like a random walk).
    Returns ``values`` with ``band`` (percent), ``low = value · (1 − band/100)`` (at least 0)
    and ``high = value · (1 + band/100)``.
    """
    out = values.copy()
    horizon = (out["year"].to_numpy() - int(base_year)).astype(float)
    cls = size_class(out["base_value"].to_numpy(float), size_edges).to_numpy()
    band = np.zeros(len(out))
    for label in np.unique(cls):
        rows = bands[bands["size_class"] == label].sort_values("horizon")
        if rows.empty:
            rows = bands.groupby("horizon", as_index=False)["band"].max()
        hs, bs = rows["horizon"].to_numpy(float), rows["band"].to_numpy(float)
        at = cls == label
        h = horizon[at]
        inner = np.interp(np.minimum(h, hs[-1]), np.r_[0.0, hs], np.r_[0.0, bs])
        band[at] = np.where(h > hs[-1], bs[-1] * np.sqrt(np.maximum(h, 1) / hs[-1]), inner)
    out["band"] = band
    out["low"] = np.clip(out["value"] * (1 - band / 100), 0, None)
    out["high"] = out["value"] * (1 + band / 100)
    return out
