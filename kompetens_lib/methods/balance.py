"""Balance between supply and demand: S − D, 100·S/D and the verbal judgement (SCB's scale)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import format_list, format_years
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE
from kompetens_lib.reference.taxonomy import JUDGEMENTS, NOT_APPLICABLE, OTHER_JUDGEMENTS

__all__ = ["DEFAULT_THRESHOLDS", "JUDGEMENT_ALIASES", "balance", "balance_on_workplace_basis"]

#: A relative change of the ratio S/D of at least 3 % moves the judgement one step, 7 % two
#: steps, 12 % three steps (towards surplus if supply grows faster than demand, towards
#: shortage otherwise). Reasoning: about the spacing of the scale if "viss brist" means
#: S/D ≈ 0.97, "brist" ≈ 0.93 and "stor brist" ≈ 0.88 (the example data assume the same).
#: A modelling choice, not SCB's: show it and vary it.
DEFAULT_THRESHOLDS: tuple[float, ...] = (0.03, 0.07, 0.12)

#: Words in SCB's tables that are not on the seven-step scale, and the step they count as.
#: ``None``: no base judgement ("inte aktuellt").
JUDGEMENT_ALIASES: dict[str, str | None] = {
    "relativt balanserat": "balans",
    "balanserat": "balans",
    "god tillgång": "visst överskott",
    "risk för överskott": "visst överskott",
    "varierat": None,
}


def _judgement_index(
    words: Sequence[object], aliases: Mapping[str, str | None], name: str
) -> np.ndarray:
    """Position on :data:`JUDGEMENTS` (0 = stor brist … 6 = stort överskott), −1 = none."""
    lookup = {j.casefold(): i for i, j in enumerate(JUDGEMENTS)}
    alias = {k.casefold(): v for k, v in aliases.items()}
    out = np.full(len(words), -1, dtype=np.int64)
    for i, word in enumerate(words):
        if word is None or word is pd.NA or (isinstance(word, float) and np.isnan(word)):
            continue
        text = str(word).strip().casefold()
        if text in ("", NOT_APPLICABLE.casefold()):
            continue
        if text in alias:
            target = alias[text]
            if target is None:
                continue
            text = target.casefold()
        if text not in lookup:
            raise KompetensError(
                f"Okänd bedömning {word!r} i '{name}'. Giltiga bedömningar (från stram till "
                f"god tillgång): {', '.join(JUDGEMENTS)}; även {', '.join(OTHER_JUDGEMENTS)}, "
                f"'{NOT_APPLICABLE}' eller tom."
            )
        out[i] = lookup[text]
    return out


def _steps(change: np.ndarray, thresholds: Sequence[float]) -> np.ndarray:
    """Signed number of thresholds that |change| reaches."""
    size = np.abs(change)
    count = np.zeros(change.shape, dtype=np.int64)
    for threshold in thresholds:
        count += size >= threshold
    return np.sign(change).astype(np.int64) * count


def balance(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    judgements: pd.DataFrame | None = None,
    *,
    base_year: int | None = None,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    aliases: Mapping[str, str | None] = JUDGEMENT_ALIASES,
) -> pd.DataFrame:
    """Balance per group and year, and the judgement moved from the base-year judgement.

    ``balance = S − D``; ``ratio = 100 · S / D`` (about 100 is balance);
    ``change = (S_T / S_0) / (D_T / D_0) − 1``, the relative change of S/D since the base
    year. The judgement in year ``T`` is the base-year judgement moved ``k`` steps on the
    seven-step scale (:data:`kompetens_lib.reference.taxonomy.JUDGEMENTS`, from *stor brist* to
    *stort överskott*), towards surplus if ``change > 0`` and towards shortage if
    ``change < 0``, where ``k`` is the number of ``thresholds`` that ``|change|`` reaches,
    stopping at the ends of the scale. With the default thresholds (0.03, 0.07, 0.12):

    ============================  =====
    ``|change|``                   steps
    ============================  =====
    below 3 %                      0
    3 % to under 7 %               1
    7 % to under 12 %              2
    12 % or more                   3
    ============================  =====

    Where there is no base judgement (none given, empty, "varierat") or S or D is 0 in a
    year used, the judgement is "inte aktuellt".

    Parameters
    ----------
    supply, demand
        ``education_group``, ``year``, ``value`` and optionally ``region`` (both or neither),
        e.g. the two breakdowns of the national forecast. Both need the base year.
    judgements
        Base-year judgements: ``education_group``, ``judgement`` and optionally ``region``
        (without it the national judgement is used for every county: the county is
        assumed to start where the nation does) and ``year`` (then the base year's rows are
        used, so ``load("national_forecast")`` can be passed as it is). Words as in
        SCB's tables; see ``aliases``.
    base_year
        Default the first year common to supply and demand.
    thresholds
        Increasing positive relative changes, one per step.
    aliases
        Words that are not on the seven-step scale and the step they count as; default
        :data:`JUDGEMENT_ALIASES` ("god tillgång" and "risk för överskott" → "visst
        överskott", "relativt balanserat" → "balans", "varierat" → no judgement).

    Returns
    -------
    DataFrame
        [``region``,] ``education_group``, ``year``, ``supply``, ``demand``, ``balance``,
        ``ratio``, ``change``, ``judgement`` for every year ≥ the base year.

    >>> s = pd.DataFrame({"education_group": "108", "year": [2023, 2035], "value": [100, 110]})
    >>> d = pd.DataFrame({"education_group": "108", "year": [2023, 2035], "value": [100, 120]})
    >>> j = pd.DataFrame({"education_group": ["108"], "judgement": ["balans"]})
    >>> balance(s, d, j)["judgement"].tolist()  # change = 1.10 / 1.20 − 1 = −8.3 %: 2 steps
    ['balans', 'brist']
    """
    _check_thresholds(thresholds)
    tidy.require_frame(supply, "supply", ["education_group", "year", "value"])
    tidy.require_frame(demand, "demand", ["education_group", "year", "value"])
    has_region = "region" in supply.columns
    if has_region != ("region" in demand.columns):
        raise KompetensError(
            "'supply' och 'demand' ska båda ha kolumnen region (länsnivå) eller båda sakna den "
            "(riksnivå)."
        )
    keys = (["region"] if has_region else []) + ["education_group", "year"]
    sup = tidy.encode(supply, "supply", keys)
    dem = tidy.encode(demand, "demand", keys)
    regions: tuple[str, ...] = ("",)
    if has_region:
        found = set(sup.uniques["region"])
        if found != set(dem.uniques["region"]):
            raise KompetensError(
                f"'supply' och 'demand' har olika län: supply {format_list(sorted(found))}, "
                f"demand {format_list(sorted(dem.uniques['region']))}. De ska vara desamma."
            )
        regions = tuple(c for c in (NATIONAL_CODE, *COUNTY_CODES) if c in found)
    groups = tuple(sorted(sup.uniques["education_group"]))
    if set(groups) != set(dem.uniques["education_group"]):
        only_s = sorted(set(groups) - set(dem.uniques["education_group"]))
        only_d = sorted(set(dem.uniques["education_group"]) - set(groups))
        raise KompetensError(
            "'supply' och 'demand' ska ha samma utbildningsgrupper. "
            + (f"Bara i supply: {format_list(only_s)}. " if only_s else "")
            + (f"Bara i demand: {format_list(only_d)}." if only_d else "")
        )
    common = sorted(set(sup.uniques["year"]) & set(dem.uniques["year"]))
    if not common:
        raise KompetensError(
            f"'supply' och 'demand' har inga år gemensamt: supply "
            f"{format_years(sup.uniques['year'])}, demand {format_years(dem.uniques['year'])}."
        )
    if base_year is None:
        base_year = common[0]
    if base_year not in common:
        raise KompetensError(
            f"Basåret {base_year} finns inte i både 'supply' och 'demand'. Giltiga basår (år "
            f"som finns i båda): {format_years(common)}."
        )
    years = [y for y in common if y >= base_year]
    axes = {"year": years, "region": regions, "education_group": groups}
    if not has_region:
        axes.pop("region")
    s = tidy.cube(sup, axes, duplicates_in="supply")
    d = tidy.cube(dem, axes, duplicates_in="demand")
    if not has_region:
        s, d = s[:, None, :], d[:, None, :]  # (T, 1, G)
    present = _cube_count(sup, axes, has_region) * _cube_count(dem, axes, has_region)
    if (present == 0).any():
        t, r, g = np.argwhere(present == 0)[0]
        where = (f"län {regions[r]}, " if has_region else "") + f"grupp {groups[g]}"
        raise KompetensError(
            f"Värde saknas för {where} år {years[t]} i 'supply' eller 'demand'. Båda behöver "
            f"värden för varje grupp{' och län' if has_region else ''} och år "
            f"{format_years(years)}."
        )

    base_idx = _base_judgements(judgements, regions, groups, has_region, base_year, aliases)
    s0, d0 = s[0][None], d[0][None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d > 0, 100.0 * s / d, np.nan)
        change = np.where((s0 > 0) & (d0 > 0) & (d > 0), (s / s0) / (d / d0) - 1.0, np.nan)
    defined = np.isfinite(change) & (base_idx[None] >= 0)
    moved = np.clip(
        base_idx[None] + _steps(np.nan_to_num(change), thresholds), 0, len(JUDGEMENTS) - 1
    )
    words = np.array([*JUDGEMENTS, NOT_APPLICABLE], dtype=object)
    judgement = words[np.where(defined, moved, len(JUDGEMENTS))]

    n_t, n_r, n_g = s.shape
    order = (1, 2, 0)
    columns: dict[str, object] = {}
    if has_region:
        columns["region"] = pd.array(
            np.repeat(np.array(regions, dtype=object), n_g * n_t), dtype="string"
        )
    columns["education_group"] = pd.array(
        np.tile(np.repeat(np.array(groups, dtype=object), n_t), n_r), dtype="string"
    )
    columns["year"] = np.tile(np.array(years, dtype=np.int64), n_r * n_g)
    columns["supply"] = s.transpose(order).reshape(-1).astype(float)
    columns["demand"] = d.transpose(order).reshape(-1).astype(float)
    columns["balance"] = columns["supply"] - columns["demand"]  # type: ignore[operator]
    columns["ratio"] = ratio.transpose(order).reshape(-1)
    columns["change"] = change.transpose(order).reshape(-1)
    columns["judgement"] = pd.array(judgement.transpose(order).reshape(-1), dtype="string")
    frame = pd.DataFrame(columns)
    frame.attrs = {"base_year": int(base_year), "thresholds": tuple(float(t) for t in thresholds)}
    return frame


def _cube_count(
    coded: tidy.Coded, axes: Mapping[str, Sequence[object]], has_region: bool
) -> np.ndarray:
    ones = tidy.Coded(coded.codes, coded.uniques, np.ones(coded.n_rows), coded.n_rows)
    count = tidy.cube(ones, axes)
    return count if has_region else count[:, None, :]


def _check_thresholds(thresholds: Sequence[float]) -> None:
    try:
        values = [float(t) for t in thresholds]
    except (TypeError, ValueError):
        values = []
    if (
        not values
        or any(v <= 0 for v in values)
        or values != sorted(values)
        or len(set(values)) != len(values)
    ):
        raise KompetensError(
            f"Tröskelvärdena (thresholds) ska vara positiva, strikt växande relativa "
            f"förändringar, ett per steg på skalan, t.ex. {DEFAULT_THRESHOLDS}; fick "
            f"{thresholds!r}."
        )


def _base_judgements(
    judgements: pd.DataFrame | None,
    regions: tuple[str, ...],
    groups: tuple[str, ...],
    has_region: bool,
    base_year: int,
    aliases: Mapping[str, str | None],
) -> np.ndarray:
    """(R, G) index on the scale, −1 where there is no base judgement."""
    out = np.full((len(regions), len(groups)), -1, dtype=np.int64)
    if judgements is None:
        return out
    frame = tidy.require_frame(judgements, "judgements", ["education_group", "judgement"])
    if "year" in frame.columns:
        years = pd.to_numeric(frame["year"], errors="coerce")
        frame = frame.loc[(years == base_year).to_numpy()]
        if len(frame) == 0:
            raise KompetensError(
                f"'judgements' har inga rader för basåret {base_year}. År i tabellen: "
                f"{format_years(years.dropna().astype(int))}."
            )
        frame = frame.loc[frame["judgement"].fillna("").astype(str).str.strip() != ""]
    by_region = has_region and "region" in frame.columns
    group_pos = {g: i for i, g in enumerate(groups)}
    region_pos = {r: i for i, r in enumerate(regions)}
    index = _judgement_index(frame["judgement"].tolist(), aliases, "judgements")
    seen: set[tuple[str, str]] = set()
    for row, (group, idx) in enumerate(zip(frame["education_group"].tolist(), index)):
        if group not in group_pos:
            continue
        region = frame["region"].iloc[row] if by_region else ""
        key = (str(region), str(group))
        if key in seen:
            raise KompetensError(
                f"'judgements' har flera bedömningar för grupp {group}"
                + (f" i län {region}" if by_region else "")
                + ". Varje grupp får ha en bedömning för basåret."
            )
        seen.add(key)
        if by_region:
            if region in region_pos:
                out[region_pos[region], group_pos[group]] = idx
        else:
            out[:, group_pos[group]] = idx
    return out


def balance_on_workplace_basis(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    national: pd.DataFrame,
    net_commuting: pd.DataFrame | None = None,
    *,
    base_year: int,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    aliases: Mapping[str, str | None] = JUDGEMENT_ALIASES,
) -> pd.DataFrame:
    """County balance with supply and demand on one basis (where people work).

    Supply is counted where people live, demand where they work. The county's supply is
    put on the workplace basis by adding its net in-commuting (in-commuters − out-commuters,
    spread over the groups as given): ``S*[r, g, t] = S[r, g, t] + C[r, g]``. Then

    ``balance = S* − D``, ``ratio = 100 · S*/D`` and
    ``change = (S*[T]/D[T]) / (S_N[0]/D_N[0]) − 1``,

    the county's ratio against the nation's ratio in the base year, which carries the
    national base-year judgement. The judgement is that judgement moved by the steps of
    ``thresholds`` that ``|change|`` reaches (as in :func:`balance`), so a county whose
    own supply (cohort flow) grows slower than its demand moves towards shortage. Last,
    a judgement never contradicts the side of 100: with ``ratio ≥ 100`` a shortage word
    becomes "balans", with ``ratio ≤ 100`` a surplus word becomes "balans"; "under 100
    means shortage" then holds in every county.

    Parameters
    ----------
    supply, demand
        ``region``, ``education_group``, ``year``, ``value``: supply by residence (e.g. the
        county's cohort-flow projection scaled to the forecast's level), demand by workplace.
    national
        ``education_group``, ``year``, ``supply``, ``demand``, ``judgement`` (the national
        forecast, ``load("national_forecast")``): base-year ratio and judgement per group.
    net_commuting
        ``region``, ``education_group``, ``value``: net in-commuting in persons, constant
        over the years. None: no commuting term.

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``year``, ``supply`` (on the workplace basis),
        ``supply_residence``, ``net_commuting``, ``demand``, ``balance``, ``ratio``,
        ``change``, ``judgement``.

    >>> s = pd.DataFrame({"region": "04", "education_group": "108", "year": [2023, 2035],
    ...                   "value": [90.0, 95.0]})
    >>> d = pd.DataFrame({"region": "04", "education_group": "108", "year": [2023, 2035],
    ...                   "value": [100.0, 100.0]})
    >>> n = pd.DataFrame({"education_group": "108", "year": [2023], "supply": [93.0],
    ...                   "demand": [100.0], "judgement": ["brist"]})
    >>> c = pd.DataFrame({"region": ["04"], "education_group": ["108"], "value": [10.0]})
    >>> out = balance_on_workplace_basis(s, d, n, c, base_year=2023)
    >>> out["judgement"].tolist(), out["ratio"].round(1).tolist()
    (['balans', 'visst överskott'], [100.0, 105.0])
    """
    _check_thresholds(thresholds)
    for frame, name in ((supply, "supply"), (demand, "demand")):
        tidy.require_frame(frame, name, ["region", "education_group", "year", "value"])
    tidy.require_frame(national, "national", ["education_group", "year", "supply", "demand"])
    keys = ["region", "education_group", "year"]
    s = supply[keys + ["value"]].rename(columns={"value": "supply_residence"})
    d = demand[keys + ["value"]].rename(columns={"value": "demand"})
    out = s.merge(d, on=keys, how="inner")
    if out.empty:
        raise KompetensError("'supply' och 'demand' har inga län, grupper och år gemensamt.")
    if net_commuting is not None:
        tidy.require_frame(net_commuting, "net_commuting", ["region", "education_group", "value"])
        c = net_commuting[["region", "education_group", "value"]].rename(
            columns={"value": "net_commuting"})
        out = out.merge(c, on=["region", "education_group"], how="left")
        out["net_commuting"] = out["net_commuting"].fillna(0.0).astype(float)
    else:
        out["net_commuting"] = 0.0
    out = out[out["year"] >= base_year]
    out["supply"] = (out["supply_residence"] + out["net_commuting"]).clip(lower=0.0)
    out["balance"] = out["supply"] - out["demand"]
    nat = national[national["year"] == base_year]
    if nat.empty:
        raise KompetensError(f"'national' saknar basåret {base_year}.")
    nat_ratio = (nat["supply"] / nat["demand"]).set_axis(nat["education_group"].astype(str))
    start = nat.get("judgement")
    index = pd.Series(
        _judgement_index(start.tolist() if start is not None else [None] * len(nat), aliases,
                         "national"),
        index=nat["education_group"].astype(str).to_numpy())
    group = out["education_group"].astype(str)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(out["demand"] > 0, 100.0 * out["supply"] / out["demand"], np.nan)
        anchor = group.map(nat_ratio).to_numpy(dtype=float)
        change = np.where(np.isfinite(ratio) & (anchor > 0), ratio / 100.0 / anchor - 1.0,
                          np.nan)
    base_idx = group.map(index).fillna(-1).to_numpy(dtype=np.int64)
    moved = np.clip(base_idx + _steps(np.nan_to_num(change), thresholds), 0,
                    len(JUDGEMENTS) - 1)
    middle = JUDGEMENTS.index("balans")
    defined = np.isfinite(change) & (base_idx >= 0)
    contradicts = defined & (((ratio >= 100) & (moved < middle))
                             | ((ratio <= 100) & (moved > middle)))
    moved = np.where(contradicts, middle, moved)
    words = np.array([*JUDGEMENTS, NOT_APPLICABLE], dtype=object)
    out["ratio"] = ratio
    out["change"] = change
    out["judgement"] = pd.array(words[np.where(defined, moved, len(JUDGEMENTS))],
                                dtype="string")
    out = out[["region", "education_group", "year", "supply", "supply_residence",
               "net_commuting", "demand", "balance", "ratio", "change", "judgement"]]
    out = out.sort_values(keys).reset_index(drop=True)
    out.attrs = {"base_year": int(base_year), "basis": "workplace",
                 "thresholds": tuple(float(t) for t in thresholds),
                 "set_to_balance": int(contradicts.sum())}
    return out
