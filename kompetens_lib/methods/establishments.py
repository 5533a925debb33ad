"""Establishment scenarios: single large events ("the battery plant", "the mine that closes")
turned into demand by education group and year, a layer to add on top of a breakdown.

An event names a county, an industry, a number of jobs (negative for a closure), a start year
and a number of ramp-up years, and optionally its own education mix. The jobs ramp up
linearly; the mix is the event's own, else the county's mix of that industry in the base
year, else the national mix of the industry.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import format_years
from kompetens_lib.errors import KompetensError, KompetensWarning, ScenarioError
from kompetens_lib.methods import tidy
from kompetens_lib.reference.industries import industry_label, resolve_industry
from kompetens_lib.reference.regions import NATIONAL_CODE, resolve_region
from kompetens_lib.reference.taxonomy import resolve_group

__all__ = ["FIELDS", "MIX_TOLERANCE", "Establishment", "add_layer", "establishment_demand",
           "jobs_by_year", "parse_events"]

#: The fields of an event: English name → Swedish name (both are accepted in files).
FIELDS: dict[str, str] = {
    "name": "namn",
    "region": "län",
    "industry": "näringsgren",
    "jobs": "jobb",
    "start_year": "startår",
    "ramp_years": "upptrappningsår",
    "mix": "utbildningsmix",
}
REQUIRED = ("name", "region", "industry", "jobs", "start_year")
#: How far the shares of an event's own mix may be from summing to 1.
MIX_TOLERANCE = 0.005
_ALIASES = {**{k: k for k in FIELDS}, **{v: k for k, v in FIELDS.items()},
            "lan": "region", "naringsgren": "industry", "startar": "start_year",
            "upptrappningsar": "ramp_years", "mix": "mix"}


@dataclass(frozen=True)
class Establishment:
    """One validated event; ``mix`` maps group codes to shares (None: use the industry's)."""

    name: str
    region: str
    industry: str
    jobs: float
    start_year: int
    ramp_years: int = 0
    mix: dict[str, float] | None = field(default=None, compare=False)

    @property
    def full_year(self) -> int:
        """The first year with all the jobs: start year + ramp-up years − 1."""
        return self.start_year + max(self.ramp_years, 1) - 1


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number == int(number) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _parse_one(raw: object, where: str, years: Sequence[int] | None,
               problems: list[str]) -> Establishment | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: en etablering ska vara en tabell med fälten "
                        f"{', '.join(FIELDS.values())}, inte {type(raw).__name__}.")
        return None
    event: dict[str, object] = {}
    for key, value in raw.items():
        canonical = _ALIASES.get(str(key).strip().casefold())
        if canonical is None:
            problems.append(f"{where}: okänt fält {key!r}. Giltiga fält: "
                            f"{', '.join(FIELDS.values())} (eller på engelska "
                            f"{', '.join(FIELDS)}).")
            continue
        event[canonical] = value
    name = str(event.get("name") or "").strip()
    label = f"{where} ({name})" if name else where
    before = len(problems)
    for key in REQUIRED:
        if event.get(key) in (None, ""):
            problems.append(f"{label}: fältet '{FIELDS[key]}' saknas.")
    if len(problems) > before:
        return None

    region = industry = None
    try:
        region = resolve_region(event["region"])
    except KompetensError as exc:
        problems.append(f"{label}: {exc}")
    try:
        industry = resolve_industry(event["industry"])
    except KompetensError as exc:
        problems.append(f"{label}: {exc}")
    jobs = _number(event["jobs"])
    if jobs is None or jobs == 0:
        problems.append(f"{label}: 'jobb' ska vara ett tal skilt från 0 (positivt för nya jobb, "
                        f"negativt för en nedläggning), inte {event['jobs']!r}.")
    start = _whole(event["start_year"])
    if start is None:
        problems.append(f"{label}: 'startår' ska vara ett årtal, t.ex. 2026, inte "
                        f"{event['start_year']!r}.")
    elif years is not None and not (min(years) <= start <= max(years)):
        problems.append(f"{label}: startåret {start} ligger utanför prognosens år "
                        f"{format_years(years)}. Välj ett startår från {min(years)} till "
                        f"{max(years)}.")
    ramp = _whole(event.get("ramp_years", 0))
    if ramp is None or ramp < 0:
        problems.append(f"{label}: 'upptrappningsår' ska vara ett helt antal år ≥ 0 (0 = alla "
                        f"jobb från startåret), inte {event.get('ramp_years')!r}.")
    mix = _parse_mix(event.get("mix"), label, problems)
    if len(problems) > before:
        return None
    return Establishment(name or where, region, industry, float(jobs), start, ramp, mix)  # type: ignore[arg-type]


def _parse_mix(raw: object, label: str, problems: list[str]) -> dict[str, float] | None:
    if raw is None or (isinstance(raw, Mapping) and not raw):
        return None
    if not isinstance(raw, Mapping):
        problems.append(f"{label}: 'utbildningsmix' ska vara en tabell utbildningsgrupp = andel, "
                        f"t.ex. {{\"505\" = 0.4, \"Gymnasieingenjörer\" = 0.6}}.")
        return None
    mix: dict[str, float] = {}
    ok = True
    for key, value in raw.items():
        try:
            code = resolve_group(key)
        except KompetensError as exc:
            problems.append(f"{label}: i 'utbildningsmix': {exc}")
            ok = False
            continue
        share = _number(value)
        if share is None or not (0 <= share <= 1) or isinstance(value, bool):
            problems.append(f"{label}: andelen för {key!r} i 'utbildningsmix' ska vara ett tal "
                            f"mellan 0 och 1, inte {value!r}.")
            ok = False
            continue
        mix[code] = mix.get(code, 0.0) + share
    if ok:
        total = sum(mix.values())
        if abs(total - 1) > MIX_TOLERANCE:
            shown = f"{total:.3f}".replace(".", ",")
            problems.append(f"{label}: andelarna i 'utbildningsmix' summerar till {shown}, men "
                            f"ska summera till 1 (100 %). Justera andelarna eller ta bort "
                            f"mixen så används näringsgrenens egen.")
            ok = False
    return mix if ok else None


def parse_events(events: Iterable[object], *, years: Sequence[int] | None = None,
                 origin: str = "scenariot") -> list[Establishment]:
    """Validate events (dicts with Swedish or English keys) into :class:`Establishment`.

    ``years`` is the horizon (e.g. the forecast years); a start year outside it is an error.
    Every problem of every event is collected and raised together as one
    :class:`ScenarioError` (Swedish), naming the event, what was wrong and what is valid.

    >>> e = parse_events([{"namn": "Verket", "län": "Norrbotten", "näringsgren": "C",
    ...                    "jobb": 3000, "startår": 2026, "upptrappningsår": 4}])[0]
    >>> e.region, e.industry, e.full_year
    ('25', 'C', 2029)
    """
    if isinstance(events, Mapping):
        events = [events]
    problems: list[str] = []
    parsed: list[Establishment] = []
    seen: set[str] = set()
    for n, raw in enumerate(events, 1):
        event = _parse_one(raw, f"Etablering {n}", years, problems)
        if event is None:
            continue
        if event.name in seen:
            problems.append(f"Etablering {n}: namnet {event.name!r} används redan; ge varje "
                            "etablering ett eget namn.")
            continue
        seen.add(event.name)
        parsed.append(event)
    if problems:
        raise ScenarioError(problems, origin)
    if not parsed:
        raise ScenarioError(["inga etableringar hittades; ange minst en."], origin)
    return parsed


def jobs_by_year(event: Establishment, years: Sequence[int]) -> np.ndarray:
    """The event's jobs in each year: 0 before the start, then a linear ramp.

    With ``R`` ramp-up years the year ``start + k`` has ``jobs · min(1, (k + 1) / R)``, so
    all jobs are there from ``start + R − 1`` on (``R`` = 0 or 1: all from the start year).

    >>> e = Establishment("x", "25", "C", 100.0, 2026, 4)
    >>> jobs_by_year(e, range(2025, 2031)).tolist()
    [0.0, 25.0, 50.0, 75.0, 100.0, 100.0]
    """
    ys = np.asarray(list(years), dtype=float)
    step = ys - event.start_year + 1
    ramp = max(event.ramp_years, 1)
    return event.jobs * np.clip(step / ramp, 0.0, 1.0)


def _mix_of(event: Establishment, mixes: pd.DataFrame | None) -> dict[str, float]:
    if event.mix is not None:
        return event.mix
    if mixes is not None:
        for region in (event.region, NATIONAL_CODE):
            rows = mixes[(mixes["region"] == region) & (mixes["industry"] == event.industry)]
            rows = rows[rows["share"] > 0]
            if len(rows) and rows["share"].sum() > 0:
                shares = rows["share"] / rows["share"].sum()
                return dict(zip(rows["education_group"].astype(str), shares.astype(float)))
    raise ScenarioError([
        f"{event.name}: det finns ingen utbildningsmix för näringsgren {event.industry} "
        f"({industry_label(event.industry)}) – varken länets, rikets eller en egen. Ange "
        "'utbildningsmix' för etableringen."])


def establishment_demand(
    events: Iterable[object],
    years: Sequence[int],
    mixes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Demand by establishment, education group and year: the layer to add to a breakdown.

    ``value[e, g, y] = jobs_by_year(e, y) · mix[e, g]``; the mix is the event's own, else the
    county's base-year mix of the industry (the rows of ``mixes`` for the county, as
    :func:`kompetens_lib.methods.industry.industry_mix` returns), else the national mix
    (its ``"00"`` rows). Summed over groups, an event gives exactly its jobs in every year
    after the ramp-up.

    Parameters
    ----------
    events
        :class:`Establishment` objects or dicts (validated by :func:`parse_events`).
    years
        The years of the layer (the forecast years); start years must lie within them.
    mixes
        ``region``, ``industry``, ``education_group``, ``share``; may be None when every
        event has its own mix.

    Returns
    -------
    DataFrame
        ``establishment``, ``region``, ``industry``, ``education_group``, ``year``,
        ``value`` (float; negative for a closure).
    """
    years = tidy.years_list(list(years), "years")
    items = list(events)
    if not all(isinstance(e, Establishment) for e in items):
        items = parse_events(items, years=years)
    if mixes is not None:
        mixes = tidy.require_frame(mixes, "mixes",
                                   ["region", "industry", "education_group", "share"])
    parts = []
    for event in items:
        mix = _mix_of(event, mixes)
        jobs = jobs_by_year(event, years)
        groups = sorted(mix)
        shares = np.array([mix[g] for g in groups])
        values = jobs[None, :] * shares[:, None]  # (G, Y)
        parts.append(pd.DataFrame({
            "establishment": event.name,
            "region": event.region,
            "industry": event.industry,
            "education_group": np.repeat(groups, len(years)),
            "year": np.tile(np.array(years, dtype=np.int64), len(groups)),
            "value": values.reshape(-1),
        }))
    frame = pd.concat(parts, ignore_index=True)
    return frame.astype({c: "string" for c in
                         ("establishment", "region", "industry", "education_group")})


def add_layer(demand: pd.DataFrame, layer: pd.DataFrame) -> pd.DataFrame:
    """A breakdown's demand (``region``, ``education_group``, ``year``, ``value``) with the
    establishment layer added; cells only the layer has are added, nothing is clipped.

    Returns ``region``, ``education_group``, ``year``, ``value``, ``base`` (the demand
    without the layer) and ``establishments`` (the layer), so that both stay visible. A
    closure larger than a group's demand leaves a negative value and a
    :class:`~kompetens_lib.errors.KompetensWarning` (Swedish) that names the first such cell.
    """
    keys = ["region", "education_group", "year"]
    demand = tidy.require_frame(demand, "demand", [*keys, "value"])
    layer = tidy.require_frame(layer, "layer", [*keys, "value"])
    base = demand.groupby(keys, as_index=True)["value"].sum().rename("base")
    extra = layer.groupby(keys, as_index=True)["value"].sum().rename("establishments")
    out = pd.concat([base, extra], axis=1).fillna(0.0).reset_index()
    out["value"] = out["base"] + out["establishments"]
    out = out[[*keys, "value", "base", "establishments"]]
    negative = out["value"] < -1e-9
    if negative.any():
        first = out[negative].iloc[0]
        warnings.warn(
            f"Etableringslagret gör efterfrågan negativ i {int(negative.sum())} celler, t.ex. "
            f"län {first['region']}, grupp {first['education_group']}, år {first['year']} "
            f"({first['value']:.0f}): nedläggningen är större än gruppens efterfrågan. "
            "Kontrollera antalet jobb eller utbildningsmixen.",
            KompetensWarning, stacklevel=2)
    return out.astype({"region": "string", "education_group": "string", "year": "int64"})
