"""From county to municipalities and planning areas: break a county result down by each
municipality's share, and add municipalities up to a planning area.

Notation: c county, m municipality in c, w_m a weight (employed by workplace, population …).
Breakdown: X_m = X_c · w_m / Σ_{m' in c} w_m'. The municipalities of a county add up to the
county exactly; the result is a breakdown by a fixed share, not official statistics.

The weights come from the municipality's own history (:func:`municipal_shares`): its share
of the county's employed by workplace in the base year (fixed share), or that share's
linear trend over the history years projected, clipped at 0 and rescaled so that the
county's municipalities again add up to 1 (trend share, DOMAIN §5.2 one level down).
Commuting between municipalities (:func:`net_commuting`): net in-commuting = employed by
workplace − employed by residence; summed over a county's municipalities it is the
county's net commuting (commuting between its own municipalities cancels).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.tidy import require_frame
from kompetens_lib.reference.geography import municipalities

__all__ = ["SHARE_METHODS", "aggregate_to_area", "municipal_shares", "net_commuting",
           "to_municipalities"]

#: How a municipality's share of its county moves over the years: its base-year share
#: throughout ("fixed"), or the linear trend of its own history ("trend").
SHARE_METHODS: dict[str, str] = {"fixed": "fast andel (basåret)",
                                 "trend": "trendad andel (kommunens egen historik)"}


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


def _with_county(frame: pd.DataFrame) -> pd.DataFrame:
    known = municipalities().set_index("code")["county"]
    out = frame.copy()
    out["municipality"] = out["municipality"].astype("string")
    out["county"] = out["municipality"].map(known).astype("string")
    if out["county"].isna().any():
        bad = out.loc[out["county"].isna(), "municipality"].iloc[0]
        raise KompetensError(f"Okänd kommunkod {bad!r}. Förväntade fyrsiffriga kommunkoder "
                             "som '0180'.")
    return out


def municipal_shares(
    history: pd.DataFrame,
    base_year: int,
    years: Sequence[int],
    *,
    method: str = "fixed",
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """Each municipality's share of its county, for ``years``, from its own history.

    ``history`` has ``municipality``, ``year``, ``value`` (e.g. employed by workplace) and
    the ``keys`` columns (e.g. ``education_group``) the shares are taken within. With
    ``method="fixed"`` the share of ``base_year`` holds for every year:
    s_m = E_m0 / Σ_{m' in c} E_m'0. With ``"trend"`` the shares of the history years up to
    ``base_year`` get a least-squares line per municipality, s_m(t) = a_m + b_m·t, which is
    evaluated at each year, clipped at 0 and rescaled so that the county's municipalities
    add up to 1 (a county with only one municipality keeps 1). Returns ``municipality``,
    ``county``, the ``keys``, ``year``, ``weight`` (the share), ready as weights for
    :func:`to_municipalities`.
    """
    require_frame(history, "history", ["municipality", "year", "value", *keys])
    if method not in SHARE_METHODS:
        raise KompetensError(
            f"Okänd andelsmetod {method!r} för kommunerna. Giltiga: "
            + ", ".join(f"'{k}' ({v})" for k, v in SHARE_METHODS.items()) + "."
        )
    frame = _with_county(history)
    frame = frame[frame["year"] <= int(base_year)]
    if int(base_year) not in set(frame["year"].tolist()):
        raise KompetensError(
            f"Kommunernas historik saknar basåret {base_year}. Historiken har åren "
            f"{sorted(set(history['year'].tolist()))}."
        )
    group = ["county", *keys, "year"]
    totals = frame.groupby(group, dropna=False)["value"].transform("sum").astype("float64")
    frame["share"] = frame["value"].astype("float64").where(totals > 0, 0.0) / totals.where(
        totals > 0, 1.0)
    ident = ["municipality", "county", *keys]
    if method == "fixed":
        base = frame[frame["year"] == int(base_year)][[*ident, "share"]]
        out = pd.concat([base.assign(year=int(y)) for y in years], ignore_index=True)
    else:
        def line(part: pd.DataFrame) -> tuple[float, float]:
            t = part["year"].to_numpy(dtype=float)
            s = part["share"].to_numpy(dtype=float)
            if len(t) < 2 or t.std() == 0:
                return float(s.mean()), 0.0
            slope = float(((t - t.mean()) * (s - s.mean())).sum() / ((t - t.mean()) ** 2).sum())
            return float(s.mean() - slope * t.mean()), slope

        fits = {key: line(part) for key, part in frame.groupby(ident, dropna=False)}
        rows = [(*key, int(y), max(a + b * float(y), 0.0)) for key, (a, b) in fits.items()
                for y in years]
        out = pd.DataFrame(rows, columns=[*ident, "year", "share"])
    out["year"] = out["year"].astype("int64")
    sums = out.groupby(group, dropna=False)["share"].transform("sum")
    out["weight"] = (out["share"] / sums.where(sums > 0, 1.0)).fillna(0.0)
    return out[[*ident, "year", "weight"]].sort_values([*ident, "year"]).reset_index(drop=True)


def net_commuting(employed: pd.DataFrame) -> pd.DataFrame:
    """Net in-commuting per municipality and year from employed by workplace and residence.

    ``employed`` has ``municipality``, ``basis`` ("arbetsort" by workplace, "bostadsort" by
    residence), ``year``, ``value``. Returns ``municipality``, ``county``, ``year``,
    ``workplace``, ``residence``, ``net`` = workplace − residence (positive: more come to
    work in the municipality than its residents work elsewhere) and ``ratio`` = workplace ÷
    residence (jobs per employed resident).
    """
    require_frame(employed, "employed", ["municipality", "basis", "year", "value"])
    bases = set(employed["basis"].astype(str))
    if not {"arbetsort", "bostadsort"} <= bases:
        raise KompetensError(
            "Pendlingen kräver förvärvsarbetande både efter arbetsort ('arbetsort') och efter "
            f"bostadsort ('bostadsort') i kolumnen basis; tabellen har {sorted(bases)}."
        )
    wide = employed.pivot_table(index=["municipality", "year"], columns="basis",
                                values="value", aggfunc="sum").reset_index()
    wide = _with_county(wide.rename(columns={"arbetsort": "workplace",
                                             "bostadsort": "residence"}))
    wide["workplace"] = wide["workplace"].astype("float64")
    wide["residence"] = wide["residence"].astype("float64")
    wide["net"] = wide["workplace"] - wide["residence"]
    wide["ratio"] = wide["workplace"] / wide["residence"].where(wide["residence"] > 0)
    wide.columns.name = None
    return wide[["municipality", "county", "year", "workplace", "residence", "net",
                 "ratio"]].reset_index(drop=True)
