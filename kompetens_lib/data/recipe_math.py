"""The arithmetic of the recipes: spreading SCB's totals over ages, and industries × groups.

Pure functions on plain frames (no SCB specifics beyond code shapes), used by
:mod:`kompetens_lib.data.recipes`:

* :func:`spread_by_age` splits region × education group × year totals over the workbook's
  age bands with an age key per region, education level and year, in integers;
* :func:`five_year_band` reads an SCB age code or label such as ``"65-69"`` / ``"65-69 år"``;
* :func:`sni_sections` and :func:`finest_codes` read SCB's SNI 2007 codes (``"B+C"``,
  ``"R+S+T+U"``, ``"A-U+US"``) as sets of sections and keep the finest non-overlapping ones;
* :func:`rake` (iterative proportional fitting) and :func:`round_columns` make an
  industry × group matrix that meets given row and column totals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kompetens_lib.reference.industries import INDUSTRY_CODES
from kompetens_lib.reference.taxonomy import AGE_BANDS, education_groups

__all__ = ["finest_codes", "five_year_band", "nearest_years", "rake", "round_columns",
           "sni_sections", "spread_by_age"]


def nearest_years(years: Sequence[int], available: Sequence[int]) -> dict[int, int]:
    """Each year → the nearest available year (the earlier one on a tie)."""
    pool = sorted({int(y) for y in available})
    return {int(y): min(pool, key=lambda a: (abs(a - int(y)), a)) for y in set(years)}


def five_year_band(text: object) -> tuple[int, int] | None:
    """``"65-69"`` or ``"65-69 år"`` → (65, 69); None for other spans (totals like 20-64)."""
    match = re.match(r"^\s*(\d+)\s*[-–]\s*(\d+)", str(text))
    if not match:
        return None
    lo, hi = int(match.group(1)), int(match.group(2))
    return (lo, hi) if hi - lo == 4 else None


def _largest_remainder(raw: np.ndarray, target: np.ndarray, groups: np.ndarray,
                       order: np.ndarray) -> np.ndarray:
    """Integers near ``raw`` whose sums per ``groups`` are ``target`` (one per row)."""
    base = np.floor(raw + 1e-9)
    frame = pd.DataFrame({"g": groups, "frac": raw - base, "o": order, "base": base})
    left = target - frame.groupby("g")["base"].transform("sum").to_numpy()
    rank = frame.sort_values(["frac", "o"], ascending=[False, True]).groupby("g").cumcount()
    return (base + (rank.reindex(frame.index).to_numpy() < left)).astype(np.int64)


def spread_by_age(totals: pd.DataFrame, key: pd.DataFrame, notes: list[str],
                  key_name: str = "UF0506") -> pd.DataFrame:
    """Split region × group × year totals over the age bands by an age key, in integers.

    ``totals``: region, education_group, year, value (SCB's counts, for the ages SCB's
    table covers). ``key``: region, education_level, age_band, year, ``weight`` (people in
    the band) and ``core`` (the part of them in the ages ``totals`` counts). Each group gets
    ``value × Σweight / Σcore`` people spread by the weights of its level; where the key has
    nobody of a level, the region's all-level key is used, then the country's. When
    ``weight`` equals ``core``, the group totals are ``value`` exactly.
    """
    groups = education_groups()[["code", "level"]].rename(
        columns={"code": "education_group", "level": "education_level"})
    totals = totals.merge(groups, on="education_group", how="left")
    year_map = nearest_years(totals["year"], key["year"])
    moved = sorted({y for y, k in year_map.items() if y != k})
    if moved:
        notes.append(f"Åldersfördelningen ({key_name}) finns inte för år "
                     + ", ".join(f"{y} (använde {year_map[y]})" for y in moved) + ".")
    totals["key_year"] = totals["year"].map(year_map)
    key = key.rename(columns={"year": "key_year"})
    levels = [["region", "education_level", "key_year"], ["region", "key_year"], ["key_year"]]
    cells = totals.merge(pd.DataFrame({"age_band": list(AGE_BANDS)}), how="cross")
    group_keys = ["region", "education_group", "year"]
    shares, factors = [], []
    for i, by in enumerate(levels):
        sums = key.groupby([*by, "age_band"], as_index=False)[["weight", "core"]].sum()
        whole = sums.groupby(by)[["weight", "core"]].transform("sum")
        sums[f"s{i}"] = sums["weight"] / whole["weight"].where(whole["weight"] > 0)
        sums[f"f{i}"] = whole["weight"] / whole["core"].where(whole["core"] > 0)
        cells = cells.merge(sums[[*by, "age_band", f"s{i}", f"f{i}"]],
                            on=[*by, "age_band"], how="left")
        shares.append(f"s{i}")
        factors.append(f"f{i}")
    by_group = [cells[k] for k in group_keys]
    share = pd.Series(np.nan, index=cells.index)
    factor = pd.Series(np.nan, index=cells.index)
    for s, f in zip(shares, factors):
        usable = share.isna() & (cells[s].fillna(0).groupby(by_group).transform("sum") > 0)
        share = share.where(~usable, cells[s].fillna(0.0))
        factor = factor.where(~usable, cells[f].groupby(by_group).transform("max"))
    if (cells["s0"].fillna(0).groupby(by_group).transform("sum") <= 0).any():
        notes.append("Några län och utbildningsnivåer saknas i åldersfördelningen; där "
                     "användes länets (eller rikets) fördelning för alla nivåer.")
    share = share.fillna(0.0).to_numpy()
    target = np.rint(cells["value"].to_numpy(dtype=float)
                     * factor.fillna(1.0).to_numpy()).astype(np.int64)
    group_id = cells.groupby(group_keys, sort=False).ngroup().to_numpy()
    order = cells["age_band"].map({b: i for i, b in enumerate(AGE_BANDS)}).to_numpy()
    raw = target * share
    cells["value"] = _largest_remainder(raw, target, group_id, order)
    return cells[["region", "education_group", "age_band", "year", "value"]]


def sni_sections(code: object) -> frozenset[str] | None:
    """The SNI 2007 sections an SCB code covers: ``"B+C"`` → {B, C}, ``"A-U+US"`` → all."""
    text = str(code).strip().upper().replace(" ", "")
    if text in ("00", "US", "OKÄND"):
        return frozenset({"US"})
    sections: set[str] = set()
    letters = [c for c in INDUSTRY_CODES if len(c) == 1]
    for part in text.split("+"):
        if part == "US" or part == "00":
            sections.add("US")
        elif re.fullmatch(r"[A-U]-[A-U]", part):
            lo, hi = part.split("-")
            sections.update(c for c in letters if lo <= c <= hi)
        elif re.fullmatch(r"[A-U]", part):
            sections.add(part)
        else:
            return None
    return frozenset(sections)


def finest_codes(codes: Sequence[str]) -> dict[str, frozenset[str]]:
    """The codes that do not overlap a finer one (SCB's aggregates dropped), with sections."""
    parsed = {c: s for c in codes if (s := sni_sections(c))}
    kept: dict[str, frozenset[str]] = {}
    for code in sorted(parsed, key=lambda c: (len(parsed[c]), c)):
        if all(not (parsed[code] & other) for other in kept.values()):
            kept[code] = parsed[code]
    return kept


def rake(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray,
         iterations: int = 200) -> np.ndarray:
    """Iterative proportional fitting of ``seed`` (rows × cols) to the row and column totals.

    The row totals are first scaled to the column totals' sum, so the columns hold exactly.
    """
    rows = np.asarray(rows, dtype=float)
    cols = np.asarray(cols, dtype=float)
    if rows.sum() > 0:
        rows = rows * cols.sum() / rows.sum()
    out = np.asarray(seed, dtype=float).copy() + 1e-12
    for _ in range(iterations):
        r = out.sum(axis=1)
        out *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = out.sum(axis=0)
        out *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[None, :]
    return out


def round_columns(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers near ``values`` whose column sums are ``totals`` (largest remainders)."""
    n_rows, n_cols = values.shape
    raw = values.reshape(-1)
    groups = np.tile(np.arange(n_cols), n_rows)
    order = np.repeat(np.arange(n_rows), n_cols)
    target = np.asarray(totals, dtype=np.int64)[groups]
    return _largest_remainder(raw, target, groups, order).reshape(n_rows, n_cols)
