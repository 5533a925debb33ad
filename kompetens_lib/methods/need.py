"""Recruitment need (replacement + expansion) and the education places it implies."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share, is_share
from kompetens_lib._internal.text import format_list, format_years
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE
from kompetens_lib.reference.taxonomy import FORMS, education_groups

__all__ = [
    "COMPLETION_RATES",
    "GRADUATE_SHARE",
    "LEVEL_FORM_SHARES",
    "OPENINGS",
    "STAY_SHARES",
    "dimensioning",
    "recruitment_need",
]

#: Share of starters who complete the education. Rounded planning assumptions, not
#: statistics: check them against Skolverket (upper-secondary diplomas within the
#: programme's time plus one year), Skolverket's komvux statistics, MYH (share of admitted
#: YH students taking a degree) and UKÄ (degrees among programme beginners).
COMPLETION_RATES: dict[str, float] = {
    "gymnasium": 0.75,
    "komvux": 0.70,
    "yh": 0.75,
    "högskola": 0.60,
}

#: Share of graduates who stay and work in the county. Reasoning, not statistics: adult
#: students (komvux) are settled; upper-secondary graduates are young and some move to
#: study; YH programmes are built with local employers; university graduates move most
#: (roughly half stay in the county where they studied). Replace with the county's own
#: follow-up (e.g. SCB's "etablering på arbetsmarknaden" by county).
STAY_SHARES: dict[str, float] = {
    "gymnasium": 0.85,
    "komvux": 0.90,
    "yh": 0.80,
    "högskola": 0.50,
}

#: Share of the recruitment need that new graduates are meant to meet. The rest comes from
#: experienced people changing jobs, in-movers, in-commuters and the unemployed. An
#: assumption to discuss with the dimensioning partners, not a source.
GRADUATE_SHARE = 0.7

#: Default split of a group's need over forms when neither ``form_shares`` nor
#: ``graduates`` is given, by education level (groups of other levels get no places):
#: upper-secondary vocational education is given to young people (gymnasium) and adults
#: (komvux); short post-secondary mostly in YH.
LEVEL_FORM_SHARES: dict[str, dict[str, float]] = {
    "gymnasial": {"gymnasium": 0.7, "komvux": 0.3},
    "eftergymnasial < 3 år": {"yh": 0.7, "högskola": 0.3},
    "eftergymnasial ≥ 3 år": {"högskola": 1.0},
}

#: How expansion enters the need: "max" (replacement + max(expansion, 0), the default of
#: SCB and the regions) or "net" (replacement + expansion: BLS's openings net of decline).
OPENINGS: tuple[str, ...] = ("max", "net")

_NEED_COLUMNS = [
    "region",
    "education_group",
    "period",
    "horizon",
    "replacement",
    "expansion",
    "need",
]


def recruitment_need(
    demand: pd.DataFrame,
    replacement: pd.DataFrame,
    *,
    base_year: int | None = None,
    openings: str = "max",
) -> pd.DataFrame:
    """Recruitment need per county, group and period: replacement + max(expansion, 0).

    With ``openings="net"`` (the BLS reading, openings net of decline) the need is
    ``replacement + expansion``: a shrinking group offsets part of its replacement, and
    the need is linear, so county needs add up to the national need group by group. With
    the default ``"max"`` a county's decline is not set against another county's growth:
    the national need is then the sum of the county needs (not max of the national change).

    For a period from the base year ``0`` to ``T = 0 + h``:
    ``expansion = D[T] − D[0]`` (may be negative: demand falls) and
    ``need = replacement + max(expansion, 0)``, with ``replacement`` the people who leave
    by ``T`` (:func:`kompetens_lib.retirements`).

    Parameters
    ----------
    demand
        ``region``, ``education_group``, ``year``, ``value`` with the base year and every
        target year, e.g. the demand breakdown from :func:`kompetens_lib.methods.breakdown`.
    replacement
        ``region``, ``education_group``, ``horizon``, ``year``, ``value`` as returned by
        :func:`kompetens_lib.retirements`; its horizons are the periods.
    base_year
        Default the base year of ``replacement`` (``year − horizon``).

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``period`` ("2023–2028"), ``horizon`` (years),
        ``replacement``, ``expansion``, ``need``, for the counties found in both tables.
        For stacked charts, show ``replacement`` and ``expansion`` clipped at 0.

    >>> dem = pd.DataFrame({"region": "12", "education_group": "108",
    ...                     "year": [2023, 2028], "value": [1000.0, 1100.0]})
    >>> rep = pd.DataFrame({"region": "12", "education_group": "108", "horizon": [5],
    ...                     "year": [2028], "value": [150.0]})
    >>> recruitment_need(dem, rep)[["replacement", "expansion", "need"]].values.tolist()
    [[150.0, 100.0, 250.0]]
    """
    if openings not in OPENINGS:
        raise KompetensError(
            f"openings ska vara 'max' (ersättning + max(expansion, 0)) eller 'net' "
            f"(ersättning + expansion, som BLS); fick {openings!r}."
        )
    tidy.require_frame(demand, "demand", ["region", "education_group", "year", "value"])
    tidy.require_frame(
        replacement, "replacement", ["region", "education_group", "horizon", "year", "value"]
    )
    dem = tidy.encode(demand, "demand", ["region", "education_group", "year"])
    rep = tidy.encode(replacement, "replacement", ["region", "education_group", "horizon", "year"])
    rep_h = np.asarray(replacement["horizon"].to_numpy(), dtype=float)
    rep_y = np.asarray(replacement["year"].to_numpy(), dtype=float)
    bases = sorted({int(b) for b in rep_y - rep_h})
    if len(bases) != 1:
        raise KompetensError(
            f"'replacement' blandar basår ({format_list(bases)}): year − horizon ska vara samma "
            "basår på alla rader. Räkna pensionsavgångarna från ett basår i taget."
        )
    if base_year is None:
        base_year = bases[0]
    elif base_year != bases[0]:
        raise KompetensError(
            f"Basåret {base_year} stämmer inte med pensionsavgångarnas basår {bases[0]}. "
            f"Använd base_year={bases[0]} eller räkna om retirements(..., base_year={base_year})."
        )
    horizons = sorted({int(h) for h in rep.uniques["horizon"]})
    dem_years = set(dem.uniques["year"])
    needed = [base_year] + [base_year + h for h in horizons]
    missing = [y for y in needed if y not in dem_years]
    if missing:
        longest = max(dem_years) - base_year
        raise KompetensError(
            f"Efterfrågan ('demand') saknar år {format_years(missing)}, som behövs för perioderna "
            f"{', '.join(f'{base_year}–{base_year + h}' for h in horizons)}. Efterfrågan finns "
            f"för {format_years(dem_years)}: välj horisonter på högst {longest} år i "
            "retirements(..., horizon=...)."
        )
    shared = set(dem.uniques["region"]) & set(rep.uniques["region"])
    regions = tuple(c for c in (NATIONAL_CODE, *COUNTY_CODES) if c in shared)
    if not regions:
        raise KompetensError(
            f"'demand' och 'replacement' har inga län gemensamt. Län i demand: "
            f"{format_list(sorted(dem.uniques['region']))}; i replacement: "
            f"{format_list(sorted(rep.uniques['region']))}."
        )
    groups = tuple(sorted(dem.uniques["education_group"]))
    lacking = [g for g in groups if g not in set(rep.uniques["education_group"])]
    if lacking:
        raise KompetensError(
            f"Utbildningsgrupperna {format_list(lacking)} finns i 'demand' men saknar "
            "pensionsavgångar i 'replacement'. Räkna retirements på samma grupper, eller "
            "filtrera bort grupperna ur efterfrågan."
        )
    d = tidy.cube(
        dem, {"year": needed, "region": regions, "education_group": groups}, duplicates_in="demand"
    )  # (1 + H, R, G)
    r = tidy.cube(
        rep,
        {"horizon": horizons, "year": needed[1:], "region": regions, "education_group": groups},
        duplicates_in="replacement",
    )
    r = np.stack([r[i, i] for i in range(len(horizons))])  # (H, R, G), matching year
    expansion = d[1:] - d[0][None]
    need = r + (expansion if openings == "net" else np.clip(expansion, 0.0, None))
    n_h, n_r, n_g = need.shape
    order = (1, 2, 0)  # region, group, horizon
    periods = np.array([f"{base_year}–{base_year + h}" for h in horizons], dtype=object)
    frame = pd.DataFrame(
        {
            "region": pd.array(
                np.repeat(np.array(regions, dtype=object), n_g * n_h), dtype="string"
            ),
            "education_group": pd.array(
                np.tile(np.repeat(np.array(groups, dtype=object), n_h), n_r), dtype="string"
            ),
            "period": pd.array(np.tile(periods, n_r * n_g), dtype="string"),
            "horizon": np.tile(np.array(horizons, dtype=np.int64), n_r * n_g),
            "replacement": r.transpose(order).reshape(-1),
            "expansion": expansion.transpose(order).reshape(-1),
            "need": need.transpose(order).reshape(-1),
        }
    )
    frame.attrs = {"base_year": int(base_year), "openings": openings}
    return frame


def _per_form(
    value: float | Mapping[str, float], name: str, forms: list[str], *, allow_zero: bool = False
) -> dict[str, float]:
    """A rate for each form from a number or a mapping; Swedish error if out of range."""
    low = "[0, 1]" if allow_zero else "(0, 1]"

    if isinstance(value, Mapping):
        missing = [f for f in forms if f not in value]
        if missing:
            raise KompetensError(
                f"'{name}' saknar värden för utbildningsformerna {', '.join(missing)}. Ange en "
                f"andel i {low} för varje form: {', '.join(forms)}."
            )
        rates = {f: value[f] for f in forms}
    else:
        rates = {f: value for f in forms}
    bad = {f: v for f, v in rates.items() if not is_share(v, allow_zero=allow_zero)}
    if bad:
        raise KompetensError(
            f"'{name}' ska vara andelar i {low}, men fick {bad}. Giltigt är t.ex. 0.8 eller "
            f"{{'gymnasium': 0.8, 'komvux': 0.9, 'yh': 0.8, 'högskola': 0.5}}."
        )
    return {f: float(v) for f, v in rates.items()}


def _form_shares(
    groups: tuple[str, ...],
    form_shares: pd.DataFrame | None,
    graduates: pd.DataFrame | None,
    share_years: int,
) -> tuple[np.ndarray, str]:
    """(G, F) split of each group's need over :data:`FORMS`, and where it came from."""
    forms = list(FORMS)
    shares = np.zeros((len(groups), len(forms)))
    if form_shares is not None:
        frame = tidy.require_frame(form_shares, "form_shares", ["education_group", "form", "share"])
        coded = tidy.encode(frame, "form_shares", ["education_group", "form"], "share")
        unknown = [f for f in coded.uniques["form"] if f not in forms]
        if unknown:
            raise KompetensError(
                f"Okända utbildningsformer i 'form_shares': {format_list(unknown)}. Giltiga "
                f"former: {', '.join(forms)}."
            )
        given = tidy.cube(
            coded, {"education_group": groups, "form": forms}, duplicates_in="form_shares"
        )
        sums = given.sum(axis=1)
        bad = [
            g
            for g, s, listed in zip(groups, sums, given.any(axis=1))
            if listed and abs(s - 1) > 1e-6
        ]
        if bad or (given > 1).any():
            raise KompetensError(
                f"Andelarna i 'form_shares' ska vara mellan 0 och 1 och summera till 1 per "
                f"utbildningsgrupp; det gör de inte för {format_list(bad) or 'alla grupper'}."
            )
        return given, "form_shares"
    source = "level"
    if graduates is not None:
        frame = tidy.require_frame(
            graduates, "graduates", ["region", "education_group", "form", "year", "value"]
        )
        coded = tidy.encode(frame, "graduates", ["region", "education_group", "form", "year"])
        last = max(coded.uniques["year"])
        years = [y for y in coded.uniques["year"] if y > last - share_years]
        regions = [r for r in coded.uniques["region"] if r != NATIONAL_CODE]
        counts = tidy.cube(
            coded, {"year": years, "region": regions, "education_group": groups, "form": forms}
        ).sum(axis=(0, 1))  # (G, F)
        total = counts.sum(axis=1, keepdims=True)
        shares = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
        source = "graduates"
    taxonomy = education_groups().set_index("code")["level"]
    for i, group in enumerate(groups):
        if shares[i].sum() > 0:
            continue
        level = str(taxonomy.get(group, ""))
        for form, share in LEVEL_FORM_SHARES.get(level, {}).items():
            shares[i, forms.index(form)] = share
    return shares, source


def dimensioning(
    need: pd.DataFrame,
    *,
    graduate_share: float = GRADUATE_SHARE,
    completion_rate: float | Mapping[str, float] = COMPLETION_RATES,
    stay_share: float | Mapping[str, float] = STAY_SHARES,
    form_shares: pd.DataFrame | None = None,
    graduates: pd.DataFrame | None = None,
    share_years: int = 3,
) -> pd.DataFrame:
    """Education places per year that a recruitment need implies, by form of education.

    For county ``r``, group ``g``, form ``f`` and a period of ``h`` years:

    ``yearly_need = need / h · form_share[g, f]``
    ``graduates_needed = yearly_need · graduate_share / stay_share[f]``
    ``places = graduates_needed / completion_rate[f]``

    ``places`` are starting places per year (intake), not seats in use: a three-year
    programme with 100 places a year has about 300 pupils.

    Parameters
    ----------
    need
        Output of :func:`recruitment_need` (``region``, ``education_group``, ``period``,
        ``horizon``, ``need``).
    graduate_share
        Share of the need new graduates should meet, in [0, 1]; default
        :data:`GRADUATE_SHARE` = 0.7 (an assumption: the rest is met by job changers,
        movers, commuters and the unemployed).
    completion_rate
        Share of starters who graduate, per form or one number; default
        :data:`COMPLETION_RATES` (gymnasium 0.75, komvux 0.70, yh 0.75, högskola 0.60,
        rounded planning assumptions to check against Skolverket, MYH and UKÄ).
    stay_share
        Share of graduates who stay to work in the county, per form or one number; default
        :data:`STAY_SHARES` (gymnasium 0.85, komvux 0.90, yh 0.80, högskola 0.50).
    form_shares
        ``education_group``, ``form``, ``share``: how each group's need is split over
        forms (shares sum to 1 per group). If not given, the national mix of ``graduates``
        over the last ``share_years`` years is used, and for groups without graduates
        :data:`LEVEL_FORM_SHARES` by education level.
    graduates
        ``region``, ``education_group``, ``form``, ``year``, ``value`` (``load("graduates")``).

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``period``, ``form``, ``yearly_need``,
        ``graduates_needed``, ``places``. Groups with no form (compulsory school, unknown)
        are left out and listed in ``attrs["excluded_groups"]``.

    >>> need = pd.DataFrame({"region": ["12"], "education_group": ["108"],
    ...                      "period": ["2023–2033"], "horizon": [10], "need": [1000.0]})
    >>> out = dimensioning(need, graduate_share=0.5, completion_rate=0.8, stay_share=0.5)
    >>> out[["form", "yearly_need", "graduates_needed", "places"]].values.tolist()
    [['högskola', 100.0, 100.0, 125.0]]
    """
    tidy.require_frame(need, "need", ["region", "education_group", "period", "horizon", "need"])
    graduate_share = check_share(
        graduate_share, "graduate_share (andel av behovet som nyexaminerade ska möta)",
        text=False,
    )
    if isinstance(share_years, bool) or not isinstance(share_years, int) or share_years < 1:
        raise KompetensError(f"share_years ska vara ett heltal ≥ 1, inte {share_years!r}.")
    forms = list(FORMS)
    completion = _per_form(completion_rate, "completion_rate", forms)
    stay = _per_form(stay_share, "stay_share", forms)
    coded = tidy.encode(need, "need", ["region", "education_group", "period"], "need")
    horizon = np.asarray(need["horizon"].to_numpy(), dtype=float)
    if (
        not pd.api.types.is_numeric_dtype(need["horizon"])
        or (~np.isfinite(horizon) | (horizon <= 0)).any()
    ):
        raise KompetensError(
            "Kolumnen 'horizon' i 'need' ska vara periodens längd i år (ett heltal ≥ 1)."
        )
    groups = tuple(sorted(coded.uniques["education_group"]))
    shares, source = _form_shares(groups, form_shares, graduates, share_years)
    group_pos = {g: i for i, g in enumerate(groups)}
    row_group = np.array([group_pos[g] for g in coded.uniques["education_group"]])[
        coded.codes["education_group"]
    ]
    yearly = coded.values / horizon  # (N,)
    per_form = yearly[:, None] * shares[row_group]  # (N, F)
    graduates_needed = per_form * graduate_share / np.array([stay[f] for f in forms])[None]
    places = graduates_needed / np.array([completion[f] for f in forms])[None]
    keep = shares[row_group] > 0  # (N, F)
    rows, cols = np.nonzero(keep)

    def take(column: str) -> np.ndarray:
        return need[column].to_numpy()[rows]

    frame = pd.DataFrame(
        {
            "region": pd.array(take("region"), dtype="string"),
            "education_group": pd.array(take("education_group"), dtype="string"),
            "period": pd.array(take("period"), dtype="string"),
            "form": pd.array(np.array(forms, dtype=object)[cols], dtype="string"),
            "yearly_need": per_form[rows, cols],
            "graduates_needed": graduates_needed[rows, cols],
            "places": places[rows, cols],
        }
    )
    excluded = [g for g, s in zip(groups, shares) if s.sum() == 0]
    frame.attrs = {
        "excluded_groups": excluded,
        "form_shares": source,
        "graduate_share": float(graduate_share),
        "completion_rate": completion,
        "stay_share": stay,
    }
    return frame
