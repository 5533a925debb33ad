"""Notebook 08's tables: which counties are comparable to a county, and one education
group (or all) in the county beside them and Riket (charts and the explorer: present/).

Comparable counties
-------------------
Two counties are compared on the structure of their employment in the base year:

* **mix distance** – the dissimilarity index of the employment mix over the education
  groups, ``½ · Σ_g |s_rg − s_cg|`` with ``s`` the group's share of the county's employed,
  in percentage points: the share of the employed who would have to have another
  education for the two mixes to be equal (0 = same mix);
* **size distance** – ``|ln(E_c / E_r)|``, the log ratio of the numbers employed.

``distance = mix distance + size_weight · size distance``; the ``n`` counties with the
smallest distance are the comparable ones. With the default ``size_weight`` of 3, a county
twice (or half) as large counts as about 2 percentage points more different (3 · ln 2):
the mix decides, size breaks near-ties. Riket is always shown beside them, never chosen.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib.data.tables import load, source_note
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.breakdown import METHOD_LABELS, resolve_method
from kompetens_lib.reference.regions import (
    COUNTY_CODES,
    NATIONAL_CODE,
    NATIONAL_NAME,
    region_name,
    resolve_region,
)
from kompetens_lib.reference.taxonomy import education_groups, resolve_group
from kompetens_lib.workbook.brief import relevant_groups

__all__ = [
    "ALL_GROUPS",
    "ALL_GROUPS_LABEL",
    "DEFAULT_PEERS",
    "KEY_FIGURE_LABELS",
    "METHOD_LABELS",
    "ROLE_NATIONAL",
    "ROLE_OWN",
    "ROLE_PEER",
    "SIZE_WEIGHT",
    "comparable_regions",
    "comparison_source",
    "group_code",
    "group_comparison",
    "group_label",
    "key_figures",
    "peers",
    "resolve_method",
    "resolve_years",
]

# METHOD_LABELS and resolve_method are re-exported: present/ shows and checks method names
# but reaches the methods layer only through the workbook.

#: Weight of the size distance (|ln size ratio|) against the mix distance (points).
SIZE_WEIGHT = 3.0
DEFAULT_PEERS = 3
#: Code for "all groups an education leads to" in the comparison and the explorer.
ALL_GROUPS = "alla"
ALL_GROUPS_LABEL = "Alla grupper med gymnasial eller eftergymnasial utbildning"

#: The roles of the areas in :func:`group_comparison` (also the charts' legend).
ROLE_OWN = "Ditt län"
ROLE_PEER = "Jämförbart län"
ROLE_NATIONAL = "Riket"


# ----------------------------------------------------------------------------------------
# Comparable counties
# ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _structure(year: int | None, source: Any) -> tuple[int, pd.DataFrame]:
    employed = load("employed", source)
    years = sorted(employed["year"].unique().tolist())
    chosen = years[-1] if year is None else int(year)
    if chosen not in years:
        raise KompetensError(
            f"Året {year} finns inte bland de förvärvsarbetande. Giltiga år: "
            f"{years[0]}–{years[-1]}."
        )
    frame = employed[(employed["year"] == chosen) & (employed["region"] != NATIONAL_CODE)]
    wide = frame.pivot_table(index="region", columns="education_group", values="value",
                             aggfunc="sum", fill_value=0, observed=True)
    return chosen, wide.astype(float)


def comparable_regions(region: object, *, n: int = DEFAULT_PEERS, year: int | None = None,
                       size_weight: float = SIZE_WEIGHT, source: Any = None) -> pd.DataFrame:
    """All other counties ordered by how comparable they are to ``region``.

    Returns ``region``, ``name``, ``employed``, ``mix_distance`` (percentage points),
    ``size_ratio`` (their employed ÷ yours), ``distance`` and ``chosen`` (True for the
    ``n`` nearest). See the module docstring for the measure.

    >>> comparable_regions("12").head(3)["name"].tolist()
    ['Västra Götalands län', 'Uppsala län', 'Östergötlands län']
    """
    code = resolve_region(region)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 20:
        raise KompetensError(f"Antalet jämförbara län ska vara ett heltal 1–20, inte {n!r}.")
    try:
        weight = float(size_weight)
    except (TypeError, ValueError):
        weight = -1.0
    if not weight >= 0 or not math.isfinite(weight):
        raise KompetensError(
            f"size_weight ska vara ett tal ≥ 0 (0 = bara sammansättningen räknas), inte "
            f"{size_weight!r}."
        )
    chosen_year, wide = _structure(year, source)
    if code not in wide.index:
        raise KompetensError(f"Län {code} saknas bland de förvärvsarbetande {chosen_year}.")
    totals = wide.sum(axis=1)
    shares = wide.div(totals, axis=0)
    own = shares.loc[code]
    others = [c for c in COUNTY_CODES if c in wide.index and c != code]
    mix = 50.0 * (shares.loc[others] - own).abs().sum(axis=1)  # ½ Σ|Δs| in points
    ratio = totals.loc[others] / totals.loc[code]
    out = pd.DataFrame({
        "region": pd.array(others, dtype="string"),
        "name": pd.array([region_name(c) for c in others], dtype="string"),
        "employed": totals.loc[others].round().astype("int64").to_numpy(),
        "mix_distance": mix.to_numpy(),
        "size_ratio": ratio.to_numpy(),
    })
    out["distance"] = out["mix_distance"] + weight * np.abs(np.log(out["size_ratio"]))
    out = out.sort_values(["distance", "region"], kind="stable").reset_index(drop=True)
    out["chosen"] = out.index < n
    out.attrs = {"region": code, "year": chosen_year, "size_weight": weight, "n": int(n)}
    return out


def peers(region: object, n: int = DEFAULT_PEERS, *, year: int | None = None,
          source: Any = None) -> list[str]:
    """Codes of the ``n`` counties most comparable to ``region``."""
    table = comparable_regions(region, n=n, year=year, source=source)
    return table.loc[table["chosen"], "region"].astype(str).tolist()


# ----------------------------------------------------------------------------------------
# The county beside comparable counties and Riket
# ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _need_all(base_year: int, target_year: int, method: str, source: Any) -> pd.DataFrame:
    """Recruitment need per county and group (all counties), by the one definition the
    need notebook uses (:func:`kompetens_lib.workbook.need_tables.need_table`), with the
    base-year employed and employed aged 55+ beside it."""
    from kompetens_lib.workbook.need_tables import need_table

    employed = load("employed", source)
    base = employed[employed["year"] == base_year]
    stock = base.groupby(["region", "education_group"], observed=True)["value"].sum()
    older = base[base["age_band"].isin(["55-64", "65-74"])].groupby(
        ["region", "education_group"], observed=True)["value"].sum()
    parts = []
    for code in COUNTY_CODES:
        need = need_table(code, base_year=base_year, target_year=target_year, method=method,
                          source=source)
        need.insert(0, "region", code)
        parts.append(need)
    need = pd.concat(parts, ignore_index=True)
    key = pd.MultiIndex.from_frame(need[["region", "education_group"]].astype(str))
    need["employed"] = stock.reindex(key, fill_value=0).to_numpy(dtype=float)
    need["employed_55plus"] = older.reindex(key, fill_value=0).to_numpy(dtype=float)
    return need


def group_code(group: object) -> str:
    """A group code from a code or short name, or :data:`ALL_GROUPS` for "alla"."""
    if str(group).strip().casefold() in (ALL_GROUPS, "alla grupper", "samtliga", "t"):
        return ALL_GROUPS
    return resolve_group(group)


def group_label(code: str) -> str:
    """The group's short name, or :data:`ALL_GROUPS_LABEL` for :data:`ALL_GROUPS`."""
    if code == ALL_GROUPS:
        return ALL_GROUPS_LABEL
    return str(education_groups().set_index("code").loc[code, "short_name"])


def resolve_years(base_year: int | None, target_year: int | None,
                  source: Any) -> tuple[int, int]:
    """(base year, target year) as the forecast notebooks resolve them."""
    from kompetens_lib.workbook.forecast import forecast_base_year, resolve_target_year

    base = forecast_base_year(base_year, source)
    return base, resolve_target_year(base, target_year, source)


def group_comparison(region: object, group: object = ALL_GROUPS, *,
                     peer_regions: Sequence[object] | None = None, n: int = DEFAULT_PEERS,
                     base_year: int | None = None, target_year: int | None = None,
                     method: str = "fixed_share", source: Any = None) -> pd.DataFrame:
    """One education group (or all groups an education leads to) in the county, its
    comparable counties and Riket.

    For each area: ``employed`` in the group in the base year, ``share_55plus`` of them,
    ``replacement`` (retirements to the target year), ``expansion`` (demand change),
    ``need`` (replacement + max(expansion, 0), summed over groups for "alla") and
    ``need_rate`` = need ÷ employed: how large the need is against today's workforce,
    which makes counties of different size comparable. Riket's need is computed on the
    national totals of each group.

    Returns ``area``, ``region``, ``role`` ("Ditt län", "Jämförbart län", "Riket") and the
    measures above, own county first and Riket last. ``peer_regions`` overrides the
    comparable counties (default: :func:`peers`).
    """
    code = resolve_region(region)
    chosen_group = group_code(group)
    chosen = resolve_method(method)
    base, target = resolve_years(base_year, target_year, source)
    if peer_regions is None:
        others = peers(code, n, year=base, source=source)
    else:
        others = [resolve_region(p) for p in peer_regions]
        others = [p for p in dict.fromkeys(others) if p != code]
    need = _need_all(base, target, chosen, source)
    members = relevant_groups() if chosen_group == ALL_GROUPS else [chosen_group]
    need = need[need["education_group"].isin(members)]
    rows = []
    for area_code, role in [(code, ROLE_OWN), *((p, ROLE_PEER) for p in others)]:
        part = need[need["region"] == area_code]
        rows.append((region_name(area_code), area_code, role, part["employed"].sum(),
                     part["employed_55plus"].sum(), part["replacement"].sum(),
                     part["expansion"].sum(), part["need"].sum()))
    by_group = need.groupby("education_group", observed=True)[
        ["employed", "employed_55plus", "replacement", "expansion"]].sum()
    national_need = need["need"].sum()  # Riket's need is the sum of the counties' needs
    rows.append((NATIONAL_NAME, NATIONAL_CODE, ROLE_NATIONAL, by_group["employed"].sum(),
                 by_group["employed_55plus"].sum(), by_group["replacement"].sum(),
                 by_group["expansion"].sum(), national_need))
    out = pd.DataFrame(rows, columns=["area", "region", "role", "employed", "employed_55plus",
                                      "replacement", "expansion", "need"])
    employed = out["employed"].where(out["employed"] > 0)
    out["share_55plus"] = out["employed_55plus"] / employed
    out["need_rate"] = out["need"] / employed
    out = out.drop(columns="employed_55plus")
    for column in ("area", "region", "role"):
        out[column] = out[column].astype("string")
    out.attrs = {"region": code, "group": chosen_group, "group_label": group_label(chosen_group),
                 "base_year": base, "target_year": target, "method": chosen,
                 "peers": list(others)}
    return out


def key_figures(region: object, group: object, *, n: int = DEFAULT_PEERS,
                base_year: int | None = None, target_year: int | None = None,
                method: str = "fixed_share", source: Any = None) -> dict:
    """Key figures of notebook 08 (section "jamfor") as plain JSON values."""
    code = resolve_region(region)
    table = comparable_regions(code, n=n, year=base_year, source=source)
    chosen = table[table["chosen"]]
    everything = group_comparison(code, ALL_GROUPS, n=n, base_year=base_year,
                                  target_year=target_year, method=method, source=source)
    one = group_comparison(code, group, n=n, base_year=base_year, target_year=target_year,
                           method=method, source=source)

    def rate(frame: pd.DataFrame, role: str) -> float:
        values = frame.loc[frame["role"] == role, "need_rate"].dropna()
        return round(float(values.median()), 4) if len(values) else 0.0

    return {
        "region": code,
        "region_name": region_name(code),
        "peers": [str(x) for x in chosen["name"]],
        "peer_mix_distance": [round(float(x), 1) for x in chosen["mix_distance"]],
        "share_need_rate_all": rate(everything, ROLE_OWN),
        "share_need_rate_all_peers": rate(everything, ROLE_PEER),
        "share_need_rate_all_riket": rate(everything, ROLE_NATIONAL),
        "group": one.attrs["group_label"],
        "share_need_rate_group": rate(one, ROLE_OWN),
        "share_need_rate_group_peers": rate(one, ROLE_PEER),
        "share_need_rate_group_riket": rate(one, ROLE_NATIONAL),
    }


KEY_FIGURE_LABELS: dict[str, str] = {
    "peers": "Jämförbara län",
    "peer_mix_distance": "Skillnad i sammansättning mot dem, procentenheter",
    "share_need_rate_all": "Rekryteringsbehov i procent av dagens antal, ditt län",
    "share_need_rate_all_peers": "… jämförbara län (median)",
    "share_need_rate_all_riket": "… riket",
    "group": "Vald utbildningsgrupp",
    "share_need_rate_group": "Behov i procent av dagens antal i gruppen, ditt län",
    "share_need_rate_group_peers": "… jämförbara län (median)",
    "share_need_rate_group_riket": "… riket",
}


def comparison_source(source: Any = None) -> str:
    """The source note under notebook 08's charts (that of the employment table)."""
    return source_note("employed", source)
