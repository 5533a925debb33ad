"""From county to municipalities and planning areas: break a county result down by each
municipality's share, and add municipalities up to a planning area.

Notation: c county, m municipality in c, w_m a weight (employed by workplace, population …).
Breakdown: X_m = X_c · w_m / Σ_{m' in c} w_m'. The municipalities of a county add up to the
county exactly; the result is a breakdown by a fixed share, not official statistics.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.tidy import require_frame
from kompetens_lib.reference.geography import municipalities

__all__ = ["aggregate_to_area", "to_municipalities"]


def to_municipalities(
    county_result: pd.DataFrame, weights: pd.DataFrame, value: str = "value"
) -> pd.DataFrame:
    """Break a county result down to its municipalities by their share of ``weights``.

    ``county_result`` has ``region`` (county code) and ``value`` (or the column named by
    ``value``) and any other key columns (education group, year …); ``weights`` has
    ``municipality`` (four-digit code) and ``weight`` (non-negative; may also carry any of
    the result's key columns, e.g. ``year``, to vary the shares). Returns the result's
    columns with ``region`` replaced by ``municipality`` and ``county``; the input is not
    mutated.

    >>> result = pd.DataFrame({"region": ["09"], "value": [100.0]})
    >>> to_municipalities(result, pd.DataFrame({"municipality": ["0980"], "weight": [1]}))
      municipality county  value
    0         0980     09  100.0
    """
    require_frame(county_result, "county_result", ["region", value])
    require_frame(weights, "weights", ["municipality", "weight"])
    known = municipalities().set_index("code")["county"]
    w = weights.copy()
    w["municipality"] = w["municipality"].astype("string")
    unknown = sorted(set(w["municipality"]) - set(known.index))
    if unknown:
        raise KompetensError(
            f"Okända kommunkoder i vikterna: {', '.join(unknown[:5])}. Förväntade fyrsiffriga "
            "kommunkoder som '0180'."
        )
    if (pd.to_numeric(w["weight"], errors="coerce").fillna(-1) < 0).any():
        raise KompetensError("Vikterna ska vara tal ≥ 0 (t.ex. förvärvsarbetande per kommun).")
    w["county"] = w["municipality"].map(known).astype("string")
    shared = [c for c in w.columns if c in county_result.columns and c not in ("region", value)]
    group = ["county", *shared]
    totals = w.groupby(group, dropna=False)["weight"].transform("sum")
    if (totals == 0).any():
        bad = w.loc[totals == 0, "county"].iloc[0]
        raise KompetensError(
            f"Vikterna för län {bad} summerar till 0; kommunernas andelar kan inte beräknas."
        )
    w["share"] = w["weight"].astype("float64") / totals.astype("float64")
    left = county_result.rename(columns={"region": "county"}).copy()
    left["county"] = left["county"].astype("string")
    missing = sorted(set(left["county"]) - set(w["county"]))
    if missing:
        raise KompetensError(
            f"Vikter saknas för län {', '.join(missing)}; ge vikter för länets kommuner."
        )
    out = left.merge(w[["municipality", "share", *group]], on=group, how="left")
    out[value] = out[value].astype("float64") * out["share"]
    keys = [c for c in county_result.columns if c not in ("region", value)]
    return out[["municipality", "county", *keys, value]].reset_index(drop=True)


def aggregate_to_area(
    municipal: pd.DataFrame, codes: Sequence[str], name: str, value: str = "value"
) -> pd.DataFrame:
    """Add municipalities up to a planning area (``codes``, e.g. ``planning_area(...).codes``).

    Returns one row per combination of the other key columns, with ``planning_area`` =
    ``name``. Raises :class:`KompetensError` when a municipality of the area has no rows.
    """
    require_frame(municipal, "municipal", ["municipality", value])
    present = set(municipal["municipality"].astype(str))
    absent = [c for c in codes if c not in present]
    if absent:
        raise KompetensError(
            f"Kommunerna {', '.join(absent)} i planeringsområdet {name!r} saknas i tabellen."
        )
    part = municipal[municipal["municipality"].astype(str).isin(list(codes))]
    keys = [c for c in municipal.columns if c not in ("municipality", "county", value)]
    if keys:
        out = part.groupby(keys, dropna=False, sort=False)[value].sum().reset_index()
    else:
        out = pd.DataFrame({value: [part[value].sum()]})
    out.insert(0, "planning_area", name)
    return out
