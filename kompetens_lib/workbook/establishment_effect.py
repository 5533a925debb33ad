"""What an establishment scenario does to a county's recruitment need and education places
(the industry notebook, issue 13).

The establishment layer (:func:`kompetens_lib.workbook.industry_tables.establishment_layer`)
is added to the chosen breakdown's demand; the recruitment need is then computed with and
without it, from the same retirements, and the places per year follow from
:func:`kompetens_lib.workbook.need_tables.places_table`. New jobs bring no retirements of their
own within the horizon, so the layer changes the need through the expansion only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.balance import DEFAULT_THRESHOLDS
from kompetens_lib.methods.breakdown import DEFAULT_DAMPING, resolve_method
from kompetens_lib.methods.establishments import (
    Establishment,
    add_layer,
    parse_events,
)
from kompetens_lib.methods.need import recruitment_need
from kompetens_lib.methods.supply import EXIT_AGE
from kompetens_lib.reference.industries import industry_label
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.reference.taxonomy import FORMS, education_groups
from kompetens_lib.workbook.assumptions import Assumptions
from kompetens_lib.workbook.balance_tables import (
    SHORTAGE,
    regional_balance_all,
    workplace_balance,
)
from kompetens_lib.workbook.forecast import forecast_base_year, resolve_target_year
from kompetens_lib.workbook.industry_tables import establishment_layer, industry_structure
from kompetens_lib.workbook.memo import breakdown_all
from kompetens_lib.workbook.need_tables import REGIONAL_FORMS, places_table
from kompetens_lib.workbook.params import scenario
from kompetens_lib.workbook.scenario_file import example_scenario_path, read_scenario
from kompetens_lib.workbook.supply_tables import employed_exits

__all__ = ["EXAMPLE_REGION", "FileEffect", "WorkedScenario", "describe_balance_effect",
           "describe_effect", "effect_summary", "events_table", "extra_balance", "extra_need",
           "extra_places", "extra_places_by_form", "file_effect", "illustrative_events",
           "layer_by_group", "parse_scenario", "worked_scenario"]

#: The county the bundled example scenario is written for (Norrbotten's green industry).
EXAMPLE_REGION = "25"
#: Kinds of :class:`WorkedScenario`: the participant's file, the bundled example, or an
#: illustrative event made for the county.
FILE, EXAMPLE, ILLUSTRATIVE = "file", "example", "illustrative"


@dataclass(frozen=True)
class WorkedScenario:
    """The events a notebook works with, where they came from and a Swedish description."""

    events: tuple[Establishment, ...]
    kind: str
    description: str

    @property
    def jobs(self) -> float:
        """Jobs of all events when fully built (negative: more closures than openings)."""
        return float(sum(e.jobs for e in self.events))


def _years(source: Any) -> list[int]:
    return sorted(int(y) for y in load("national_forecast", source)["year"].unique())


def parse_scenario(events: object, source: Any = None) -> list[Establishment]:
    """Validated events from a scenario file path, a list of dicts or of
    :class:`Establishment`; start years must lie within the forecast's years."""
    years = _years(source)
    if isinstance(events, WorkedScenario):
        return list(events.events)
    if isinstance(events, (str, os.PathLike)):
        return read_scenario(events, years)
    if isinstance(events, Mapping):
        events = [events]
    items = list(events)  # type: ignore[arg-type]
    if items and all(isinstance(e, Establishment) for e in items):
        return items
    return parse_events(items, years=years)


def illustrative_events(region: object, base_year: int | None = None, source: Any = None
                        ) -> list[dict]:
    """One illustrative establishment for a county without a scenario of its own.

    The industry is the county's most specialised one (highest location quotient among
    industries with at least 2 % of the county's employed); the jobs are 1 % of the county's
    employed, rounded to 50 (at least 100); it starts three years after the base year and
    takes three years to ramp up. It is an example to learn from, not a forecast.
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    structure = industry_structure(code, base_year, source=source)
    candidates = structure[(structure["region_share"] >= 0.02) & (structure["industry"] != "US")]
    chosen = candidates.sort_values("lq", ascending=False, kind="stable").iloc[0]
    jobs = max(100, int(round(float(structure["employed"].sum()) * 0.01 / 50.0)) * 50)
    years = _years(source)
    base = forecast_base_year(base_year, source)
    start = min(base + 3, years[-1])
    return [{"namn": f"Exempel: ny arbetsgivare inom {chosen['short_name'].lower()}",
             "län": code, "näringsgren": str(chosen["industry"]), "jobb": jobs,
             "startår": start, "upptrappningsår": 3}]


def worked_scenario(region: object, scenario_file: object = None, base_year: int | None = None,
                    source: Any = None) -> WorkedScenario:
    """The events the notebook works through for a county.

    With a ``scenario_file`` its events in the county; without one the bundled example for
    Norrbotten (:data:`EXAMPLE_REGION`) and an illustrative event
    (:func:`illustrative_events`) for every other county, also when the file has no event in
    the county. The description (Swedish) says which, and that examples are not real plans.
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    name = region_name(code)
    note = ""
    if scenario_file not in (None, ""):
        events = [e for e in parse_scenario(Path(str(scenario_file)), source)
                  if e.region == code]
        if events:
            return WorkedScenario(tuple(events), FILE, (
                f"Etableringarna i {name} från scenariofilen {Path(str(scenario_file)).name} "
                f"({len(events)} st). Det är dina antaganden, inte en prognos."))
        note = (f"Scenariofilen {Path(str(scenario_file)).name} har ingen etablering i {name}; "
                "i stället visas ett exempel. ")
    if code == EXAMPLE_REGION and not note:
        events = parse_scenario(example_scenario_path(), source)
        return WorkedScenario(tuple(e for e in events if e.region == code), EXAMPLE, (
            "Exempelscenariot för exempeldata: en stor grön industri och en utbyggd gruva i "
            "Norrbotten. Syntetiskt – inga verkliga planer och inte officiell statistik."))
    events = parse_scenario(illustrative_events(code, base_year, source), source)
    return WorkedScenario(tuple(events), ILLUSTRATIVE, note + (
        f"Illustrativt exempel för {name}: en påhittad ny arbetsgivare i länets mest "
        "specialiserade näringsgren, för att visa räkningen – inga verkliga planer. Skriv "
        "din egen scenariofil (docs/scenarier.md) och ange den i scenario_file."))


def events_table(events: object, source: Any = None) -> pd.DataFrame:
    """One row per event: ``establishment``, ``region``, ``region_name``, ``industry``,
    ``industry_name``, ``jobs``, ``start_year``, ``ramp_years``, ``full_year``, ``mix``
    (Swedish: whose education mix is used)."""
    rows = []
    for e in parse_scenario(events, source):
        rows.append({"establishment": e.name, "region": e.region,
                     "region_name": region_name(e.region), "industry": e.industry,
                     "industry_name": industry_label(e.industry), "jobs": float(e.jobs),
                     "start_year": e.start_year, "ramp_years": e.ramp_years,
                     "full_year": e.full_year,
                     "mix": "egen" if e.mix is not None else "näringsgrenens i länet"})
    return pd.DataFrame(rows)


def layer_by_group(region: object, events: object, *, years: Sequence[int] | None = None,
                   base_year: int | None = None, target_year: int | None = None,
                   source: Any = None) -> pd.DataFrame:
    """The county's establishment layer, one row per group and one column per year of
    ``years`` (default: the first full year of the events and the target year), largest
    absolute value in the last year first. Columns: ``education_group``, ``short_name``,
    then the years as integers."""
    region, base_year, target_year, _, source = scenario(region, base_year, target_year,
                                                         source=source)
    code = resolve_region(region)
    parsed = parse_scenario(events, source)
    layer = establishment_layer(parsed, code, base_year, source)
    if years is None:
        base = forecast_base_year(base_year, source)
        target = resolve_target_year(base, target_year, source)
        years = sorted({min(max(e.full_year for e in parsed), target), target})
    years = [int(y) for y in years]
    wide = layer[layer["year"].isin(years)].pivot_table(
        index=["education_group", "short_name"], columns="year", values="value",
        aggfunc="sum", fill_value=0.0).reindex(columns=years, fill_value=0.0)
    wide = wide.reset_index()
    wide.columns = [c if isinstance(c, str) else int(c) for c in wide.columns]
    wide = wide.sort_values(years[-1], key=abs, ascending=False, kind="stable")
    return wide.reset_index(drop=True)


def _need_with_layer(code: str, events: list[Establishment], base: int, target: int,
                     method: str, exit_age: Any, source: Any, damping: float
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    demand = breakdown_all("demand", method, base, source, damping)
    demand = demand[demand["region"] == code]
    # Replacement as the need notebook counts it (all permanent exits, by a hazard per age).
    rd = employed_exits(code, base, [target - base], exit_age=exit_age, source=source)
    # Groups the county's statistics lack (a real source may hold fewer) have no exits: the
    # need is counted for the groups that have them, with and without the layer.
    known = set(rd["education_group"])
    demand = demand[demand["education_group"].isin(known)]
    layer = establishment_layer(events, code, base, source)
    layered = add_layer(demand, layer)
    layered = layered[layered["education_group"].isin(known)]
    without = recruitment_need(demand, rd, base_year=base)
    with_layer = recruitment_need(layered[["region", "education_group", "year", "value"]], rd,
                                  base_year=base)
    return without, with_layer, layer


def _resolved(region: object, events: object, base_year: int | None,
              target_year: int | None, method: str | None, source: Any
              ) -> tuple[str, str, int, int, Any, list[Establishment]]:
    """The county code, method, base and target year, source and validated events of a
    call (the scenario's defaults filled in)."""
    region, base_year, target_year, method, source = scenario(region, base_year, target_year,
                                                              method, source)
    base = forecast_base_year(base_year, source)
    return (resolve_region(region), resolve_method(method or "fixed_share"), base,
            resolve_target_year(base, target_year, source), source,
            parse_scenario(events, source))


def extra_need(region: object, events: object, *, base_year: int | None = None,
               target_year: int | None = None, method: str | None = None,
               exit_age: int | Mapping[int, float] = EXIT_AGE, source: Any = None,
               damping: float = DEFAULT_DAMPING) -> pd.DataFrame:
    """The recruitment need per group with and without the establishment layer.

    ``layer_expansion = L[T] − L[0]`` (the layer's jobs in the target year minus those in
    the base year); ``need = replacement + max(expansion, 0)`` as in
    :func:`kompetens_lib.workbook.need_tables.need_table`, with and without the layer, and
    ``extra_need`` the difference. Returns ``education_group``, ``short_name``, ``level``,
    ``period``, ``horizon``, ``replacement``, ``expansion`` (without the layer),
    ``layer_expansion``, ``need`` (without), ``need_with``, ``extra_need``,
    ``extra_need_per_year``; largest absolute extra need first.
    """
    code, chosen, base, target, source, parsed = _resolved(region, events, base_year,
                                                           target_year, method, source)
    without, with_layer, layer = _need_with_layer(code, parsed, base, target, chosen, exit_age,
                                                  source, damping)
    keys = ["education_group"]
    out = without.drop(columns="region").merge(
        with_layer[["education_group", "expansion", "need"]].rename(
            columns={"expansion": "expansion_with", "need": "need_with"}), on=keys)
    out["layer_expansion"] = out["expansion_with"] - out["expansion"]
    out["extra_need"] = out["need_with"] - out["need"]
    out["extra_need_per_year"] = out["extra_need"] / out["horizon"]
    groups = education_groups().set_index("code")
    out.insert(1, "short_name", out["education_group"].map(groups["short_name"]).astype("string"))
    out.insert(2, "level", out["education_group"].map(groups["level"]).astype("string"))
    columns = ["education_group", "short_name", "level", "period", "horizon", "replacement",
               "expansion", "layer_expansion", "need", "need_with", "extra_need",
               "extra_need_per_year"]
    out = out[columns].sort_values("extra_need", key=abs, ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    out.attrs = {"region": code, "base_year": base, "target_year": target, "method": chosen,
                 "source": None if source is None else str(source),
                 "jobs_target": float(layer.loc[layer["year"] == target, "value"].sum())}
    return out


def extra_balance(region: object, events: object, *, base_year: int | None = None,
                  target_year: int | None = None, method: str | None = None,
                  source: Any = None, damping: float = DEFAULT_DAMPING,
                  thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> pd.DataFrame:
    """The county's balance in the target year with and without the establishment layer,
    on the workplace basis of notebook 04 (the county's own supply and net commuting).

    The layer's jobs ``L[T]`` are added to the county's demand; supply is the same on both
    sides (new jobs are filled from the same labour force, or by more in-commuting, which
    the balance then shows as a shortage). Returns ``education_group``, ``short_name``,
    ``level``, ``supply``, ``demand``, ``establishments`` (``L[T]``), ``demand_with``,
    ``ratio``, ``ratio_with`` (100 · S/D), ``judgement`` and ``judgement_with``, the
    groups the layer touches first (largest ``|L[T]|``), then the rest. ``attrs`` holds
    the shortage counts with and without (``shortage``, ``shortage_with``, the one
    definition of :func:`kompetens_lib.workbook.balance_tables.shortage_count`) and
    ``changed`` (groups whose judgement differs).
    """
    code, chosen, base, target, source, parsed = _resolved(region, events, base_year,
                                                           target_year, method, source)
    demand = breakdown_all("demand", chosen, base, source, damping)
    layer = establishment_layer(parsed, code, base, source)
    layered = add_layer(demand, layer)[["region", "education_group", "year", "value"]]
    keys = ["education_group"]

    def county(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame["region"] == code) & (frame["year"] == target)].set_index(keys)

    without = county(regional_balance_all(base, target, chosen, source, damping, thresholds))
    with_layer = county(workplace_balance(layered, base, target, source, thresholds))
    out = without[["supply", "demand", "ratio", "judgement"]].copy()
    jobs = layer[layer["year"] == target].groupby("education_group")["value"].sum()
    out.insert(2, "establishments", jobs.reindex(out.index).fillna(0.0))
    out.insert(3, "demand_with", with_layer["demand"].reindex(out.index))
    out.insert(5, "ratio_with", with_layer["ratio"].reindex(out.index))
    out["judgement_with"] = with_layer["judgement"].reindex(out.index).astype("string")
    out = out.reset_index()
    groups = education_groups().set_index("code")
    out.insert(1, "short_name", out["education_group"].map(groups["short_name"]).astype("string"))
    out.insert(2, "level", out["education_group"].map(groups["level"]).astype("string"))
    out = out.sort_values("establishments", key=abs, ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    out.attrs = {"region": code, "base_year": base, "target_year": target, "method": chosen,
                 "shortage": int(out["judgement"].isin(SHORTAGE).sum()),
                 "shortage_with": int(out["judgement_with"].isin(SHORTAGE).sum()),
                 "changed": int((out["judgement"] != out["judgement_with"]).sum())}
    return out


def describe_balance_effect(table: pd.DataFrame) -> str:
    """One Swedish sentence on :func:`extra_balance`: how many groups get another judgement
    and the shortage count with and without the layer."""
    a = table.attrs
    changed = a["changed"]
    groups = "grupp" if changed == 1 else "grupper"
    return (f"Med etableringarna får {changed} {groups} en annan bedömning {a['target_year']}; "
            f"grupperna med brist eller stor brist blir {a['shortage_with']} i stället för "
            f"{a['shortage']}. Tillgången är densamma med och utan: jobben fylls av samma "
            "arbetskraft, så lagret syns som större brist – eller som fler som måste pendla "
            "eller flytta in.")


def _as_need(extra: pd.DataFrame, column: str) -> pd.DataFrame:
    need = extra[["education_group", "short_name", "level", "period", "horizon",
                  "replacement", column]].rename(columns={column: "need"})
    need.attrs = {k: v for k, v in extra.attrs.items() if v is not None}
    return need


def extra_places(extra: pd.DataFrame, a: Assumptions | None = None, *,
                 source: Any = None) -> pd.DataFrame:
    """Starting places per year with and without the layer, by group and form, from
    :func:`extra_need` and the dimensioning assumptions ``a`` (as notebook
    *Rekryteringsbehov och dimensionering* computes them).

    Returns ``education_group``, ``short_name``, ``form``, ``form_label``, ``places``
    (without the layer), ``places_with`` and ``extra_places``; largest absolute change first.
    """
    a = a or Assumptions()
    before = places_table(_as_need(extra, "need"), a, source=source)
    after = places_table(_as_need(extra, "need_with"), a, source=source)
    keys = ["education_group", "short_name", "form", "form_label"]
    out = before[[*keys, "places"]].merge(
        after[[*keys, "places"]].rename(columns={"places": "places_with"}), on=keys, how="outer")
    out[["places", "places_with"]] = out[["places", "places_with"]].fillna(0.0)
    out["extra_places"] = out["places_with"] - out["places"]
    out = out.sort_values("extra_places", key=abs, ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    out.attrs = {**extra.attrs, **a.as_dict()}
    return out


def extra_places_by_form(places: pd.DataFrame) -> pd.DataFrame:
    """Totals per form of :func:`extra_places`: ``form``, ``form_label``, ``places``,
    ``places_with``, ``extra_places``, in the order of the forms."""
    out = places.groupby(["form", "form_label"], observed=True)[
        ["places", "places_with", "extra_places"]].sum().reset_index()
    order = {f: i for i, f in enumerate(FORMS)}
    return out.sort_values("form", key=lambda s: s.map(order)).reset_index(drop=True)


def effect_summary(extra: pd.DataFrame, places: pd.DataFrame | None = None, *,
                   forms: Sequence[str] = REGIONAL_FORMS) -> dict:
    """The figures a text about the effect needs: the layer's jobs in the target year, the
    extra need over the period and per year, the group with the largest extra need (by
    absolute value) and, with ``places``, the extra places per year in the regional forms."""
    if extra.empty:
        raise KompetensError("Tabellen över extra behov är tom: det finns ingen etablering i "
                             "länet att räkna på.")
    top = extra.iloc[0]
    summary = {
        "region": extra.attrs.get("region", ""),
        "period": str(top["period"]),
        "jobs_target": float(extra.attrs.get("jobs_target", extra["layer_expansion"].sum())),
        "extra_need": float(extra["extra_need"].sum()),
        "extra_need_per_year": float(extra["extra_need_per_year"].sum()),
        "largest_group": str(top["education_group"]),
        "largest_group_name": str(top["short_name"]),
        "largest_group_extra_need": float(top["extra_need"]),
    }
    if places is not None:
        chosen = places[places["form"].isin(list(forms))]
        summary["extra_places_per_year"] = float(chosen["extra_places"].sum())
    return summary


def _persons(value: float) -> str:
    rounded = round(value, -1) if abs(value) < 1000 else round(value, -2)
    return f"{int(rounded):,}".replace(",", "\u00a0").replace("-", "−")


def describe_effect(summary: dict) -> str:
    """One Swedish paragraph on the effect, from :func:`effect_summary` (rounded to tens,
    to hundreds from 1 000)."""
    name = region_name(summary["region"]) if summary.get("region") else "länet"
    more = summary["extra_need"] >= 0
    text = (f"Etableringarna ger {_persons(summary['jobs_target'])} jobb i {name} målåret. "
            f"Rekryteringsbehovet {summary['period']} {'ökar' if more else 'minskar'} med "
            f"{_persons(abs(summary['extra_need']))} personer, "
            f"{_persons(abs(summary['extra_need_per_year']))} per år; mest i gruppen "
            f"{summary['largest_group_name']} "
            f"({_persons(summary['largest_group_extra_need'])}).")
    if "extra_places_per_year" in summary:
        text += (f" Det motsvarar {_persons(summary['extra_places_per_year'])} nybörjarplatser "
                 "per år i gymnasieskola, komvux och yrkeshögskola.")
    return text


@dataclass(frozen=True)
class FileEffect:
    """What a scenario file's events in a county do to its places (:func:`file_effect`)."""

    #: :func:`extra_places_by_form` for the regional forms (upper-secondary, komvux, YH).
    places_by_form: pd.DataFrame
    #: Swedish: which file and events (:attr:`WorkedScenario.description`).
    description: str
    #: Swedish paragraph on the effect (:func:`describe_effect`).
    text: str


def file_effect(region: object, scenario_file: object, a: Assumptions | None = None, *,
                base_year: int | None = None, target_year: int | None = None,
                method: str | None = None, source: Any = None) -> FileEffect | None:
    """The effect of a scenario file's events in the county on its need and places, for the
    need notebook; None without a file or when the file has no event in the county (no
    example is made up here: notebook 05 shows examples).

    The need is counted with the assumptions ``a`` (their exit age), as the need notebook
    counts it; see :func:`extra_need` and :func:`extra_places`.
    """
    if scenario_file in (None, ""):
        return None
    region, base_year, target_year, method, source = scenario(region, base_year, target_year,
                                                              method, source)
    worked = worked_scenario(region, scenario_file, base_year, source)
    if worked.kind != FILE:
        return None
    a = a or Assumptions()
    extra = extra_need(region, worked, base_year=base_year, target_year=target_year,
                       method=method, exit_age=a.exit_age, source=source)
    places = extra_places(extra, a, source=source)
    by_form = extra_places_by_form(places)
    by_form = by_form[by_form["form"].isin(list(REGIONAL_FORMS))].reset_index(drop=True)
    return FileEffect(by_form, worked.description,
                      describe_effect(effect_summary(extra, places)))
