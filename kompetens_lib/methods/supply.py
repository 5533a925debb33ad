"""Supply side by county and education group: retirements from the age structure, and a
cohort-flow projection of the labour supply on the 10-year age bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share, check_whole_number, is_share
from kompetens_lib._internal.text import format_count, format_list, format_years
from kompetens_lib.errors import InconsistentPopulationError, KompetensError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE
from kompetens_lib.reference.taxonomy import AGE_BANDS

__all__ = [
    "DEFAULT_HORIZONS",
    "DEFAULT_PARTICIPATION",
    "EXIT_AGE",
    "EXIT_AGE_RANGE",
    "GRADUATE_AGE_SHARES",
    "check_exit_age",
    "check_participation_change",
    "exit_probabilities",
    "retirements",
    "supply_projection",
]

#: Exit age used by default: 66, the age from which the guaranteed pension and the
#: "riktålder" of the Swedish pension system apply in the 2020s (the riktålder rises over
#: time: change it in scenarios).
EXIT_AGE = 66
#: The exit ages a scenario may assume (inclusive): from the earliest age of the income
#: pension (62, minus a margin) to the age up to which employment is protected (LAS, 69 in
#: the 2020s, plus a margin). :func:`retirements` itself accepts any age of the age bands.
EXIT_AGE_RANGE: tuple[int, int] = (60, 72)
DEFAULT_HORIZONS: tuple[int, ...] = (5, 10, 15)
#: The change in labour-force participation a scenario may assume, in percentage points
#: reached by the target year: AKU's relative labour-force figures moved by up to about ten
#: points in a decade and a half for the oldest bands (55–64 and 65–74, 2005–2023), a few
#: points for the others; ±10 keeps a scenario within what has happened.
PARTICIPATION_CHANGE_RANGE: tuple[float, float] = (-10.0, 10.0)

#: Labour-force participation by age band, used only when neither ``participation`` nor
#: ``population`` is given: rounded levels of the relative labour-force figures in SCB's
#: Labour Force Survey (AKU) around 2019, all educations together. An assumption to replace
#: with the county's own rates (pass ``population`` and they are computed from the data).
DEFAULT_PARTICIPATION: dict[str, float] = {
    "16-24": 0.55,
    "25-34": 0.89,
    "35-44": 0.92,
    "45-54": 0.91,
    "55-64": 0.82,
    "65-74": 0.17,
}

#: Age bands new graduates enter, by form of education. A rounded assumption, not a source:
#: upper-secondary pupils finish at 18–20; adult vocational students (komvux) and YH
#: students are adults of mixed ages, YH typically around 30; most first university degrees
#: are taken at 22–34.
GRADUATE_AGE_SHARES: dict[str, dict[str, float]] = {
    "gymnasium": {"16-24": 1.0},
    "komvux": {"16-24": 0.25, "25-34": 0.35, "35-44": 0.25, "45-54": 0.15},
    "yh": {"16-24": 0.25, "25-34": 0.50, "35-44": 0.20, "45-54": 0.05},
    "högskola": {"16-24": 0.35, "25-34": 0.55, "35-44": 0.10},
}


def _band_bounds() -> list[tuple[int, int]]:
    bounds = []
    for code in AGE_BANDS:
        lo, _, hi = code.partition("-")
        bounds.append((int(lo), int(hi)))
    return bounds



def check_exit_age(value: object, name: str = "exit_age (utträdesålder)") -> int:
    """A scenario's exit age: a whole number of years in :data:`EXIT_AGE_RANGE`, from a
    number or text ("67"); Swedish error naming the range otherwise.

    >>> check_exit_age("67")
    67
    """
    low, high = EXIT_AGE_RANGE
    return check_whole_number(value, name, low, high, unit="år", example=EXIT_AGE)

def _exit_age_distribution(exit_age: int | Mapping[int, float]) -> list[tuple[int, float]]:
    """``66`` → [(66, 1.0)]; ``{65: .5, 67: .5}`` → [(65, .5), (67, .5)] (weights sum to 1)."""
    if isinstance(exit_age, Mapping):
        items = list(exit_age.items())
    else:
        items = [(exit_age, 1.0)]
    ok = bool(items)
    for age, weight in items:
        if isinstance(age, bool) or not isinstance(age, (int, np.integer)) or not 17 <= age <= 99:
            ok = False
        if not is_share(weight):
            ok = False
    if not ok or abs(sum(w for _, w in items) - 1.0) > 1e-9:
        raise KompetensError(
            f"Utträdesåldern (exit_age) ska vara ett heltal mellan 17 och 99 (t.ex. 66) eller "
            f"en fördelning över åldrar vars andelar summerar till 1, t.ex. "
            f"{{64: 0.2, 65: 0.3, 66: 0.3, 67: 0.2}}; fick {exit_age!r}."
        )
    return [(int(a), float(w)) for a, w in items]


def _exit_matrix(horizons: Sequence[int], exit_age: int | Mapping[int, float]) -> np.ndarray:
    """(A, H): share of each age band who have reached the exit age within each horizon."""
    distribution = _exit_age_distribution(exit_age)
    out = np.zeros((len(AGE_BANDS), len(horizons)))
    for a, (lo, hi) in enumerate(_band_bounds()):
        ages = np.arange(lo, hi + 1)
        for h, horizon in enumerate(horizons):
            out[a, h] = sum(w * np.mean(ages >= k - horizon) for k, w in distribution)
    return out


def _horizons(horizon: int | Sequence[int]) -> list[int]:
    horizons = tidy.years_list(horizon, "horizon")
    if horizons[0] < 1:
        raise KompetensError(
            f"Horisonten ska vara ett eller flera heltal ≥ 1 (år framåt), t.ex. 5, 10 och 15; "
            f"fick {horizon!r}."
        )
    return horizons


def exit_probabilities(
    horizon: int | Sequence[int] = DEFAULT_HORIZONS,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
) -> pd.DataFrame:
    """Cumulative exit probability by age band and horizon.

    ``p_exit(a, T) = Σ_k w_k · #{x ∈ a : x ≥ k − T} / #a``: a person aged ``x`` at the
    base year leaves within ``T`` years if ``x + T ≥ k``, for exit age ``k`` with weight
    ``w_k``. Ages are assumed uniform within a band (16–24 has 9 single ages, the others
    10). People already past the exit age leave within any horizon.

    Returns
    -------
    DataFrame
        ``age_band``, ``horizon``, ``probability``.

    >>> p = exit_probabilities(10).set_index("age_band")["probability"]
    >>> float(p["55-64"]), float(p["45-54"])
    (0.9, 0.0)
    """
    horizons = _horizons(horizon)
    matrix = _exit_matrix(horizons, exit_age)
    return pd.DataFrame(
        {
            "age_band": pd.array(
                np.repeat(np.array(AGE_BANDS, dtype=object), len(horizons)), dtype="string"
            ),
            "horizon": np.tile(np.array(horizons, dtype=np.int64), len(AGE_BANDS)),
            "probability": matrix.reshape(-1),
        }
    )


def _age_table(frame: object, name: str, keys: Sequence[str]) -> tidy.Coded:
    """Encode a table with ``age_band`` and check the bands are the six working-age bands."""
    frame = tidy.require_frame(frame, name, [*keys, "value"])
    coded = tidy.encode(frame, name, keys, drop_national="region" in keys)
    unknown = [b for b in coded.uniques.get("age_band", []) if b not in AGE_BANDS]
    if unknown:
        raise KompetensError(
            f"Okända åldersgrupper i '{name}': {format_list(unknown)}. Giltiga åldersgrupper: "
            f"{', '.join(AGE_BANDS)}."
        )
    return coded


def _base_year(coded: tidy.Coded, name: str, base_year: int | None) -> int:
    years = sorted(coded.uniques["year"])
    if base_year is None:
        return int(years[-1])
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)):
        raise KompetensError(f"Basåret ska vara ett årtal (heltal), inte {base_year!r}.")
    if int(base_year) not in years:
        raise KompetensError(
            f"Basåret {base_year} finns inte i '{name}'. Giltiga basår: {format_years(years)}."
        )
    return int(base_year)


def retirements(
    employed: pd.DataFrame,
    horizon: int | Sequence[int] = DEFAULT_HORIZONS,
    *,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    base_year: int | None = None,
) -> pd.DataFrame:
    """Replacement demand from the age structure: who reaches the exit age within T years.

    ``RD[r, g, T] = Σ_a E[r, g, a, 0] · p_exit(a, T)`` with ``p_exit`` from
    :func:`exit_probabilities` (ages uniform within each band; everyone aged at least
    ``exit_age − T`` at the base year leaves by ``T``, including those already past it).

    Parameters
    ----------
    employed
        Columns ``region``, ``education_group``, ``age_band`` (the six bands "16-24" …
        "65-74"), ``year``, ``value``, e.g. ``load("employed")``. Rows for Riket ("00")
        are dropped (Riket is the sum of the counties); other columns are summed over.
    horizon
        Years ahead: an int or a list, default 5, 10 and 15.
    exit_age
        Exit age (default :data:`EXIT_AGE` = 66), or a distribution over exit ages such
        as ``{64: 0.2, 65: 0.3, 66: 0.3, 67: 0.2}`` for scenarios.
    base_year
        Year of the age structure; default the last year in ``employed``.

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, ``horizon``, ``year`` (base year + horizon),
        ``value`` (persons leaving by then, cumulative, float). ``attrs["base_year"]``.

    Notes
    -----
    Only retirement is counted; deaths, emigration and moves to other jobs before the exit
    age are not. The input is not modified.

    >>> emp = pd.DataFrame({"region": "12", "education_group": "108", "year": 2023,
    ...                     "age_band": ["55-64", "65-74"], "value": [100, 10]})
    >>> retirements(emp, 5)["value"].tolist()
    [50.0]
    """
    horizons = _horizons(horizon)
    keys = ["region", "education_group", "age_band", "year"]
    coded = _age_table(employed, "employed", keys)
    base = _base_year(coded, "employed", base_year)
    regions = tuple(c for c in COUNTY_CODES if c in set(coded.uniques["region"]))
    groups = tuple(sorted(coded.uniques["education_group"]))
    extra = set(employed.columns) - {*keys, "value"}
    cube = tidy.cube(
        coded,
        {"year": [base], "region": regions, "education_group": groups, "age_band": AGE_BANDS},
        duplicates_in=None if extra else "employed",
    )[0]  # (R, G, A)
    leaving = cube @ _exit_matrix(horizons, exit_age)  # (R, G, H)
    n_r, n_g, n_h = leaving.shape
    frame = pd.DataFrame(
        {
            "region": pd.array(
                np.repeat(np.array(regions, dtype=object), n_g * n_h), dtype="string"
            ),
            "education_group": pd.array(
                np.tile(np.repeat(np.array(groups, dtype=object), n_h), n_r), dtype="string"
            ),
            "horizon": np.tile(np.array(horizons, dtype=np.int64), n_r * n_g),
            "year": np.tile(np.array(horizons, dtype=np.int64) + base, n_r * n_g),
            "value": leaving.reshape(-1),
        }
    )
    frame.attrs = {"base_year": base, "exit_age": _plain_exit_age(exit_age)}
    return frame


def _plain_exit_age(exit_age: int | Mapping[int, float]) -> Any:
    return dict(exit_age) if isinstance(exit_age, Mapping) else int(exit_age)


# --------------------------------------------------------------------------------------
# Cohort-flow projection
# --------------------------------------------------------------------------------------


def _participation(
    participation: float | pd.DataFrame | None,
    population: pd.DataFrame | None,
    lf: np.ndarray,
    regions: tuple[str, ...],
    groups: tuple[str, ...],
    base: int,
) -> tuple[np.ndarray, str]:
    """Participation (R, G, A) and where it came from."""
    shape = lf.shape
    if participation is not None:
        if isinstance(participation, (int, float, np.number)) and not isinstance(
            participation, bool
        ):
            share = check_share(participation, "Deltagandet (participation)", allow_zero=False,
                                text=False)
            return np.full(shape, share), "parameter"
        frame = tidy.require_frame(participation, "participation", ["value"])
        keys = [k for k in ("region", "education_group", "age_band") if k in frame.columns]
        if not keys:
            raise KompetensError(
                "Tabellen 'participation' ska ha minst en av kolumnerna region, "
                "education_group, age_band, och kolumnen value (andel i (0, 1])."
            )
        coded = tidy.encode(frame, "participation", keys)
        values = coded.values
        if ((values <= 0) | (values > 1)).any():
            raise KompetensError("Värdena i 'participation' ska vara andelar i (0, 1], t.ex. 0.85.")
        axes_all = {"region": regions, "education_group": groups, "age_band": AGE_BANDS}
        axes = {k: axes_all[k] for k in keys}
        ones = tidy.Coded(coded.codes, coded.uniques, np.ones(coded.n_rows), coded.n_rows)
        counts = tidy.cube(ones, axes, duplicates_in="participation")
        if counts.min() == 0:
            idx = np.unravel_index(int(np.argmin(counts)), counts.shape)
            where = ", ".join(f"{k} {axes[k][i]}" for k, i in zip(keys, idx))
            raise KompetensError(
                f"'participation' saknar ett värde för {where}. Ange deltagande för alla "
                f"kombinationer av {', '.join(keys)} som finns i arbetskraften."
            )
        rate = tidy.cube(coded, axes)
        expand = [slice(None) if k in keys else None for k in axes_all]
        return np.broadcast_to(rate[tuple(expand)], shape).copy(), "parameter"
    if population is not None:
        frame = tidy.require_frame(
            population, "population", ["region", "age_band", "year", "value"]
        )
        coded = tidy.encode(frame, "population", ["region", "age_band", "year"], drop_national=True)
        if base not in coded.uniques["year"]:
            raise KompetensError(
                f"'population' saknar basåret {base}. År i tabellen: "
                f"{format_years(coded.uniques['year'])}."
            )
        pop = tidy.cube(coded, {"year": [base], "region": regions, "age_band": AGE_BANDS})[0]
        labour = lf.sum(axis=1)  # (R, A)
        bad = (labour > 0) & (pop < labour)
        if bad.any():
            r, a = np.argwhere(bad)[0]
            raise InconsistentPopulationError(
                f"Befolkningen i län {regions[r]}, åldersgrupp {AGE_BANDS[a]} år {base} "
                f"({format_count(pop[r, a])}) är mindre än arbetskraften "
                f"({format_count(labour[r, a])}), "
                "men deltagandet kan inte vara över 1. Kontrollera att 'population' och "
                "'labour_force' avser samma län, år och åldrar."
            )
        rate = np.divide(labour, pop, out=np.ones_like(labour), where=labour > 0)
        return np.broadcast_to(rate[:, None, :], shape).copy(), "population"
    rate = np.array([DEFAULT_PARTICIPATION[b] for b in AGE_BANDS])
    return np.broadcast_to(rate[None, None, :], shape).copy(), "default"


def _flow(
    frame: pd.DataFrame | None,
    name: str,
    regions: tuple[str, ...],
    groups: tuple[str, ...],
    base: int,
    flow_years: int,
    *,
    default_band: str | None = None,
) -> np.ndarray | None:
    """Annual flow (R, G, A) from a frame with region, education_group, [age_band], value
    and optionally year (then the mean of the last ``flow_years`` years up to the base)."""
    if frame is None:
        return None
    needed = ["region", "education_group", "value"]
    if default_band is None:
        needed.insert(2, "age_band")
    frame = tidy.require_frame(frame, name, needed)
    keys = [k for k in ("region", "education_group", "age_band", "year") if k in frame.columns]
    coded = tidy.encode(frame, name, keys)
    _check_members(coded, name, regions, groups)
    if "age_band" in keys:
        unknown = [b for b in coded.uniques["age_band"] if b not in AGE_BANDS]
        if default_band is not None:
            unknown = [b for b in coded.uniques["age_band"] if b != default_band]
        if unknown:
            allowed = default_band or ", ".join(AGE_BANDS)
            raise KompetensError(
                f"Okända åldersgrupper i '{name}': {format_list(unknown)}. Giltiga: {allowed}."
            )
    axes: dict[str, Sequence[Any]] = {"region": regions, "education_group": groups}
    if "age_band" in keys:
        axes["age_band"] = AGE_BANDS
    divisor = 1.0
    if "year" in keys:
        years = _flow_window(coded, name, base, flow_years)
        axes = {"year": years, **axes}
        divisor = float(len(years))
    cube = tidy.cube(coded, axes, duplicates_in=name if "year" in keys or len(keys) >= 3 else None)
    if "year" in keys:
        cube = cube.sum(axis=0)
    cube = cube / divisor
    if "age_band" not in keys:
        full = np.zeros((len(regions), len(groups), len(AGE_BANDS)))
        full[:, :, AGE_BANDS.index(default_band)] = cube  # type: ignore[arg-type]
        cube = full
    return cube


def _flow_window(coded: tidy.Coded, name: str, base: int, flow_years: int) -> list[int]:
    years = [base - i for i in range(flow_years)][::-1]
    missing = [y for y in years if y not in set(coded.uniques["year"])]
    if missing:
        raise KompetensError(
            f"'{name}' saknar år {format_years(missing)}: flödet räknas som medelvärdet av de "
            f"{flow_years} åren till och med basåret {base}. År i tabellen: "
            f"{format_years(coded.uniques['year'])}. Ändra flow_years eller basåret."
        )
    return years


def _check_members(
    coded: tidy.Coded, name: str, regions: tuple[str, ...], groups: tuple[str, ...]
) -> None:
    bad_regions = [r for r in coded.uniques["region"] if r != NATIONAL_CODE and r not in regions]
    if bad_regions:
        raise KompetensError(
            f"Länen {format_list(bad_regions)} i '{name}' finns inte i arbetskraften. "
            f"Län i arbetskraften: {format_list(regions, 25)}."
        )
    bad_groups = [g for g in coded.uniques["education_group"] if g not in set(groups)]
    if bad_groups:
        raise KompetensError(
            f"Utbildningsgrupperna {format_list(bad_groups)} i '{name}' finns inte i "
            f"arbetskraften. Grupper i arbetskraften: {format_list(groups)}."
        )


def _graduate_flow(
    graduates: pd.DataFrame | None,
    regions: tuple[str, ...],
    groups: tuple[str, ...],
    base: int,
    flow_years: int,
    age_shares: Mapping[str, Mapping[str, float]],
) -> np.ndarray | None:
    if graduates is None:
        return None
    frame = tidy.require_frame(
        graduates, "graduates", ["region", "education_group", "year", "value"]
    )
    if "age_band" in frame.columns:
        return _flow(frame, "graduates", regions, groups, base, flow_years)
    if "form" not in frame.columns:
        raise KompetensError(
            "Tabellen 'graduates' behöver kolumnen form (gymnasium, komvux, yh, högskola) "
            "eller age_band, så att de examinerade kan fördelas på åldersgrupper."
        )
    coded = tidy.encode(frame, "graduates", ["region", "education_group", "form", "year"])
    _check_members(coded, "graduates", regions, groups)
    forms = coded.uniques["form"]
    unknown = [f for f in forms if f not in age_shares]
    if unknown:
        raise KompetensError(
            f"Okända utbildningsformer i 'graduates': {format_list(unknown)}. Giltiga former: "
            f"{', '.join(age_shares)} (se graduate_age_shares)."
        )
    shares = np.zeros((len(forms), len(AGE_BANDS)))
    for f, form in enumerate(forms):
        spec = age_shares[form]
        if (
            any(b not in AGE_BANDS for b in spec)
            or abs(sum(spec.values()) - 1) > 1e-9
            or any(v < 0 for v in spec.values())
        ):
            raise KompetensError(
                f"graduate_age_shares['{form}'] ska fördela på åldersgrupperna "
                f"{', '.join(AGE_BANDS)} med andelar ≥ 0 som summerar till 1; fick {dict(spec)}."
            )
        for band, share in spec.items():
            shares[f, AGE_BANDS.index(band)] = share
    years = _flow_window(coded, "graduates", base, flow_years)
    cube = tidy.cube(
        coded,
        {"year": years, "region": regions, "education_group": groups, "form": forms},
        duplicates_in="graduates",
    ).sum(axis=0) / len(years)  # (R, G, F)
    return cube @ shares


def supply_projection(
    labour_force: pd.DataFrame,
    horizon: int = 12,
    *,
    base_year: int | None = None,
    participation: float | pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    graduates: pd.DataFrame | None = None,
    graduate_age_shares: Mapping[str, Mapping[str, float]] = GRADUATE_AGE_SHARES,
    graduate_stay_share: float = 1.0,
    entrants: pd.DataFrame | None = None,
    in_movers: pd.DataFrame | None = None,
    out_movers: pd.DataFrame | None = None,
    further_educated: pd.DataFrame | None = None,
    flow_years: int = 3,
    by_age: bool = False,
    participation_change: float = 0.0,
    participation_bands: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cohort-flow projection of the county's labour supply by education group.

    The state is the number of people with each education by county and age band,
    ``P[a] = L[a, 0] / p[a]`` at the base year (``L`` labour force, ``p`` participation).
    Each year, one age cohort of each band moves up (1/9 of 16–24, 1/10 of the others),
    1/10 of 65–74 leaves (turns 75), and then the annual flows are applied:

    ``P[a, t+1] = P[a, t]·(1 − 1/w_a) + P[a−1, t]/w_(a−1) + entrants + graduates·stay
    + in_movers − out_movers − further_educated``, clipped at 0,

    and the labour supply is ``S[t] = Σ_a p[a] · P[a, t]``. Participation is constant over
    time, so the base year reproduces the labour force exactly; retirement works through
    the low participation of 65–74.

    Parameters
    ----------
    labour_force
        ``region``, ``education_group``, ``age_band``, ``year``, ``value`` (e.g.
        ``load("labour_force")``). Riket ("00") is dropped.
    horizon
        Years to project after the base year (default 12: 2023 → 2035 as in T&P).
    base_year
        Default the last year in ``labour_force``.
    participation
        A share in (0, 1] for everyone, or a table with ``value`` and any of ``region``,
        ``education_group``, ``age_band``. If not given and ``population`` is, the
        county's rate by age band is ``Σ_g L[r, g, a] / population[r, a]`` at the base
        year; otherwise :data:`DEFAULT_PARTICIPATION` (rounded national rates). Use
        ``participation=1`` to project the labour force itself (then nobody retires
        before 75).
    population
        ``region``, ``age_band``, ``year``, ``value`` (e.g. ``load("population")``).
    graduates
        ``region``, ``education_group``, ``year``, ``value`` and ``form`` (or ``age_band``):
        the annual inflow is the mean of the last ``flow_years`` years to the base year,
        spread over age bands by ``graduate_age_shares`` and multiplied by
        ``graduate_stay_share`` (share who stay in the county; default 1).
    entrants, in_movers, out_movers, further_educated
        Annual persons: ``region``, ``education_group``, ``age_band``, ``value``
        (``entrants`` may omit ``age_band``: they enter 16–24). With a ``year`` column the
        mean of the last ``flow_years`` years is used. ``further_educated`` are people who
        leave the group by taking a higher education.
    by_age
        Keep the ``age_band`` column instead of summing over it.
    participation_change, participation_bands
        A participation scenario: ``participation_change`` percentage points (in
        :data:`PARTICIPATION_CHANGE_RANGE`, default 0 = the rates of the base year) added to
        the rate of the age bands ``participation_bands`` (default every band), phased in
        linearly so that year ``t`` has ``p[a] + Δ · t / horizon`` (the full change in the
        last year), kept within [0, 1]. The stock of people is the same; only the share of
        them in the labour force moves.

    Returns
    -------
    DataFrame
        ``region``, ``education_group``, [``age_band``,] ``year`` (base … base + horizon),
        ``value`` (labour supply, float). ``attrs["participation"]`` says where the
        participation came from.

    Notes
    -----
    Assumptions: ages are uniform within bands; flows and participation are constant;
    no deaths before 75; graduates add to their new group without leaving their old one
    unless ``further_educated`` says so. The inputs are not modified.

    >>> lf = pd.DataFrame({"region": "12", "education_group": "108", "year": 2023,
    ...                    "age_band": ["16-24", "25-34"], "value": [90, 100]})
    >>> supply_projection(lf, 1, participation=1.0)["value"].tolist()
    [190.0, 190.0]
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise KompetensError(f"Horisonten ska vara ett heltal ≥ 1 (år framåt), inte {horizon!r}.")
    if (
        isinstance(flow_years, bool)
        or not isinstance(flow_years, (int, np.integer))
        or flow_years < 1
    ):
        raise KompetensError(f"flow_years ska vara ett heltal ≥ 1, inte {flow_years!r}.")
    graduate_stay_share = check_share(graduate_stay_share, "graduate_stay_share", text=False)
    keys = ["region", "education_group", "age_band", "year"]
    coded = _age_table(labour_force, "labour_force", keys)
    base = _base_year(coded, "labour_force", base_year)
    regions = tuple(c for c in COUNTY_CODES if c in set(coded.uniques["region"]))
    groups = tuple(sorted(coded.uniques["education_group"]))
    extra = set(labour_force.columns) - {*keys, "value"}
    lf = tidy.cube(
        coded,
        {"year": [base], "region": regions, "education_group": groups, "age_band": AGE_BANDS},
        duplicates_in=None if extra else "labour_force",
    )[0]
    rate, rate_source = _participation(participation, population, lf, regions, groups, base)
    points = check_participation_change(participation_change)
    change = _participation_step(points, participation_bands)

    inflow = np.zeros_like(lf)
    outflow = np.zeros_like(lf)
    grads = _graduate_flow(graduates, regions, groups, base, flow_years, graduate_age_shares)
    if grads is not None:
        inflow += grads * float(graduate_stay_share)
    for frame, name, target, band in (
        (entrants, "entrants", inflow, AGE_BANDS[0]),
        (in_movers, "in_movers", inflow, None),
        (out_movers, "out_movers", outflow, None),
        (further_educated, "further_educated", outflow, None),
    ):
        flow = _flow(frame, name, regions, groups, base, flow_years, default_band=band)
        if flow is not None:
            target += flow

    widths = np.array([hi - lo + 1 for lo, hi in _band_bounds()], dtype=float)
    moving = 1.0 / widths
    stock = lf / rate
    supply = np.empty((horizon + 1, *lf.shape))
    supply[0] = lf
    for t in range(1, horizon + 1):
        leaving = stock * moving
        stock = stock - leaving
        stock[:, :, 1:] += leaving[:, :, :-1]
        stock = np.clip(stock + inflow - outflow, 0.0, None)
        supply[t] = stock * np.clip(rate + change * (t / horizon), 0.0, 1.0)

    years = np.arange(base, base + horizon + 1, dtype=np.int64)
    if by_age:
        values = supply.transpose(1, 2, 3, 0)  # (R, G, A, T)
        dims = [regions, groups, AGE_BANDS]
    else:
        values = supply.sum(axis=3).transpose(1, 2, 0)  # (R, G, T)
        dims = [regions, groups]
    columns = _c_order_labels(dims, len(years))
    columns["year"] = np.tile(years, values.size // len(years))
    columns["value"] = values.reshape(-1)
    frame = pd.DataFrame(columns)
    frame.attrs = {"base_year": base, "participation": rate_source,
                   "participation_change": points}
    return frame


def check_participation_change(value: object,
                               name: str = "participation_change") -> float:
    """A participation scenario in percentage points within
    :data:`PARTICIPATION_CHANGE_RANGE`, from a number or text ("-2,5"); Swedish error.

    >>> check_participation_change("2,5")
    2.5
    """
    low, high = PARTICIPATION_CHANGE_RANGE
    try:
        change = float(str(value).strip().replace(",", ".").replace("−", "-"))
    except ValueError:
        change = float("nan")
    if isinstance(value, bool) or not np.isfinite(change) or not low <= change <= high:
        raise KompetensError(
            f"{name} ska vara en förändring av arbetskraftsdeltagandet i procentenheter "
            f"mellan {low:g} och {high:g} (t.ex. 2 för två procentenheter högre till målåret, "
            f"0 för prognosens egna nivåer); fick {value!r}.")
    return change


def _participation_step(points: float, bands: Sequence[str] | None) -> np.ndarray:
    """The change (A,) as a share to add to each age band's rate by the last year."""
    chosen = list(AGE_BANDS) if bands is None else [str(b).strip() for b in (
        [bands] if isinstance(bands, str) else bands)]
    unknown = [b for b in chosen if b not in AGE_BANDS]
    if unknown or not chosen:
        raise KompetensError(
            f"participation_bands ska vara en lista med åldersgrupper bland "
            f"{', '.join(AGE_BANDS)}; fick {bands!r}.")
    return np.array([points / 100.0 if b in chosen else 0.0 for b in AGE_BANDS])


def _c_order_labels(dims: Sequence[Sequence[str]], n_inner: int) -> dict[str, Any]:
    """Label columns for an array of shape (*dims, n_inner) flattened in C order."""
    names = ["region", "education_group", "age_band"][: len(dims)]
    sizes = [len(d) for d in dims]
    out: dict[str, Any] = {}
    for i, (name, labels) in enumerate(zip(names, dims)):
        repeat = int(np.prod(sizes[i + 1 :], dtype=np.int64)) * n_inner
        tile = int(np.prod(sizes[:i], dtype=np.int64))
        out[name] = pd.array(
            np.tile(np.repeat(np.array(labels, dtype=object), repeat), tile), dtype="string"
        )
    return out
