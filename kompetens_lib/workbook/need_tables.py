"""Tables of notebook 06 (rekrytering och dimensionering): recruitment need per group, the
education output, and the starting places per year the need implies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib._internal.checks import check_share
from kompetens_lib.data.tables import load
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.breakdown import (
    DEFAULT_DAMPING,
    resolve_method,
)
from kompetens_lib.methods.exits import EXIT_CAUSES, NET_OUT_MIGRATION
from kompetens_lib.methods.need import (
    GRADUATE_SHARE,
    dimensioning,
    recruitment_need,
)
from kompetens_lib.methods.supply import EXIT_AGE, retirements
from kompetens_lib.reference.programmes import PROGRAMME_FORMS, programme_groups
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.reference.taxonomy import (
    FORM_LABELS,
    FORMS,
    education_groups,
)
from kompetens_lib.workbook.assumptions import Assumptions, scenario_exit_age
from kompetens_lib.workbook.forecast import (
    forecast_base_year,
    resolve_target_year,
    round_persons,
    with_short_names,
)
from kompetens_lib.workbook.memo import breakdown_all
from kompetens_lib.workbook.params import scenario
from kompetens_lib.workbook.supply_tables import employed_exits

__all__ = [
    "KEY_FIGURE_LABELS_NEED",
    "REGIONAL_FORMS",
    "education_output",
    "key_figures_need",
    "need_table",
    "need_vs_output",
    "places_by_form",
    "programme_places",
    "places_sensitivity",
    "places_table",
    "top_places",
    "university_output",
]



def need_table(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    exit_age: int | Mapping[int, float] = EXIT_AGE,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    openings: str = "max",
    net_out_migration: float = NET_OUT_MIGRATION,
    replacement: str = "exits",
) -> pd.DataFrame:
    """Recruitment need per group in the county from the base year to the target year.

    ``replacement="retirements"`` uses the simple step rule of
    :func:`kompetens_lib.retirements` instead (retirements only, those past the exit age at
    once), as the exercises compute it by hand; the other parts are then 0.

    ``need = replacement + max(expansion, 0)`` (or ``replacement + expansion`` with
    ``openings="net"``, the BLS reading) with replacement all permanent exits of the
    employed spread over the period by a hazard per year of age
    (:func:`kompetens_lib.methods.exits.exits`: retirements, deaths, other exits and
    ``net_out_migration`` a year) and expansion the change of the broken-down demand.
    Returns ``education_group``, ``short_name``, ``level``, ``period``, ``horizon``,
    ``replacement``, its parts ``retirements``, ``deaths``, ``other_exits``,
    ``net_out_migration``, then ``expansion``, ``need``, ``need_per_year``; largest need first.
    """
    region, base_year, target_year, method, source = scenario(
        region, base_year, target_year, method, source
    )
    code = resolve_region(region)
    chosen = resolve_method(method or "fixed_share")
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    demand = breakdown_all("demand", chosen, base, source, damping)
    demand = demand[demand["region"] == code]
    if replacement not in ("exits", "retirements"):
        raise KompetensError(
            f"replacement ska vara 'exits' (alla avgångar spridda över åren) eller "
            f"'retirements' (bara pensionsavgångar, enkel regel); fick {replacement!r}."
        )
    rd = employed_exits(code, base, [target - base], exit_age=exit_age,
                        net_out_migration=net_out_migration, source=source)
    if replacement == "retirements":
        employed = load("employed", source)
        step = retirements(employed[employed["region"] == code], target - base,
                           exit_age=scenario_exit_age(exit_age), base_year=base)
        rd = rd.drop(columns="value").merge(
            step[["region", "education_group", "horizon", "year", "value"]],
            on=["region", "education_group", "horizon", "year"])
        rd["retirements"] = rd["value"]
        for cause in EXIT_CAUSES[1:]:
            rd[cause] = 0.0
    need = recruitment_need(demand, rd, base_year=base, openings=openings)
    parts = rd.set_index("education_group")
    for pos, cause in enumerate(EXIT_CAUSES):
        need.insert(5 + pos, cause, need["education_group"].map(parts[cause]).astype(float))
    need["need_per_year"] = need["need"] / need["horizon"]
    need = with_short_names(need)
    levels = education_groups().set_index("code")["level"]
    need.insert(3, "level", need["education_group"].map(levels).astype("string"))
    need = need.drop(columns="region").sort_values("need", ascending=False).reset_index(drop=True)
    need.attrs = {"region": code, "base_year": base, "target_year": target, "method": chosen,
                  "openings": openings, "net_out_migration": float(net_out_migration)}
    if source is not None:
        # places_table(need, a) then reads the graduates of the same data source.
        need.attrs["source"] = str(source)
    return need


def education_output(
    region: object, *, base_year: int | None = None, years: int = 3, source: Any = None
) -> pd.DataFrame:
    """Graduates per year in the county by group and form: mean of the last ``years`` years.

    Returns ``education_group``, ``form``, ``graduates``.
    """
    region, base_year, _, _, source = scenario(region, base_year, source=source)
    code = resolve_region(region)
    grads = load("graduates", source)
    base = int(grads["year"].max()) if base_year is None else int(base_year)
    recent = grads[(grads["region"] == code) & grads["year"].between(base - years + 1, base)]
    if recent.empty:
        raise KompetensError(
            f"Examinerade saknas för län {code} åren {base - years + 1}–{base}."
        )
    out = recent.groupby(["education_group", "form"], observed=True)["value"].sum() / years
    return out.rename("graduates").reset_index()


def need_vs_output(need: pd.DataFrame, output: pd.DataFrame, *, n: int = 12) -> pd.DataFrame:
    """Yearly recruitment need against graduates per year for the ``n`` groups with the
    largest need that have an education to plan (groups without graduates are left out).

    Returns ``education_group``, ``short_name``, ``need_per_year``, ``graduates`` and
    ``coverage`` (graduates ÷ yearly need).
    """
    per_group = output.groupby("education_group", observed=True)["graduates"].sum()
    frame = need[["education_group", "short_name", "need_per_year"]].copy()
    frame["graduates"] = frame["education_group"].map(per_group).fillna(0.0).astype(float)
    frame = frame[frame["graduates"] > 0].nlargest(n, "need_per_year")
    frame["coverage"] = np.where(frame["need_per_year"] > 0,
                                 frame["graduates"] / frame["need_per_year"], np.nan)
    return frame.reset_index(drop=True)


def places_table(
    need: pd.DataFrame, a: Assumptions | None = None, *, source: Any = None
) -> pd.DataFrame:
    """Starting places per year to plan, per group and form, from :func:`need_table`.

    Uses :func:`kompetens_lib.dimensioning` with the assumptions ``a`` and the national mix
    of graduates over forms. The graduates come from ``source``, by default the data source
    ``need`` was computed from. Returns ``education_group``, ``short_name``, ``form``,
    ``form_label``, ``yearly_need``, ``graduates_needed``, ``places``. A negative need (the
    ``openings="net"`` reading of a shrinking group) plans no places.
    """
    a = a or Assumptions()
    if source is None:
        source = need.attrs.get("source")
    frame = need.copy()
    frame.insert(0, "region", need.attrs.get("region", "00"))
    frame["region"] = frame["region"].astype("string")
    # With openings="net" a shrinking group's need may be negative (it offsets growth in the
    # total); a group needs no places then, not negative places.
    frame["need"] = frame["need"].clip(lower=0.0)
    dim = dimensioning(
        frame[["region", "education_group", "period", "horizon", "need"]],
        graduate_share=a.graduate_share, completion_rate=a.completion_rate,
        stay_share=a.stay_share, graduates=load("graduates", source),
    )
    dim = with_short_names(dim.drop(columns=["region", "period"]))
    dim.insert(3, "form_label", dim["form"].map(FORM_LABELS).astype("string"))
    dim.attrs = {**need.attrs, **a.as_dict(), "excluded_groups": dim.attrs.get(
        "excluded_groups", [])}
    return dim.reset_index(drop=True)


#: The forms the regions' dimensioning mandate is about; university places are planned
#: nationally, so charts of places to plan leave them out by default.
REGIONAL_FORMS: tuple[str, ...] = ("gymnasium", "komvux", "yh")


def top_places(
    places: pd.DataFrame, *, n: int = 12, forms: Sequence[str] = REGIONAL_FORMS
) -> pd.DataFrame:
    """Rows of :func:`places_table` for the ``forms`` given, for the ``n`` groups with the
    most places in those forms (for :func:`kompetens_lib.present.charts.places_chart`)."""
    unknown = [f for f in forms if f not in FORMS]
    if unknown:
        raise KompetensError(
            f"Okända utbildningsformer: {', '.join(unknown)}. Giltiga former: {', '.join(FORMS)}."
        )
    chosen = places[places["form"].isin(list(forms))]
    top = chosen.groupby("education_group", observed=True)["places"].sum().nlargest(n).index
    return chosen[chosen["education_group"].isin(top)].reset_index(drop=True)


def places_sensitivity(
    need: pd.DataFrame,
    a: Assumptions | None = None,
    *,
    shares: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9),
    forms: Sequence[str] = REGIONAL_FORMS,
    source: Any = None,
) -> pd.DataFrame:
    """Places per year by form for several shares of the need that new graduates meet.

    Returns ``graduate_share``, ``form``, ``form_label``, ``places`` (all groups): how much
    the most debated assumption moves the answer. Places are proportional to the share.
    """
    a = a or Assumptions()
    rows = []
    for share in shares:
        varied = Assumptions(check_share(share, "graduate_share"), a.completion_rate, a.stay_share,
                             a.exit_age)
        totals = places_by_form(places_table(need, varied, source=source))
        totals = totals[totals["form"].isin(list(forms))]
        rows.append(totals.assign(graduate_share=float(share)))
    out = pd.concat(rows, ignore_index=True)
    return out[["graduate_share", "form", "form_label", "places"]]


def places_by_form(places: pd.DataFrame) -> pd.DataFrame:
    """Totals per form: ``form``, ``form_label``, ``yearly_need``, ``graduates_needed``,
    ``places`` (all groups)."""
    out = places.groupby(["form", "form_label"], observed=True)[
        ["yearly_need", "graduates_needed", "places"]].sum().reset_index()
    order = {f: i for i, f in enumerate(FORMS)}
    return out.sort_values("form", key=lambda s: s.map(order)).reset_index(drop=True)


def key_figures_need(need: pd.DataFrame, places: pd.DataFrame, *, n: int = 5) -> dict:
    """Key figures of notebook 06 (section "behov") from :func:`need_table` and
    :func:`places_table`."""
    attrs = need.attrs
    code = attrs.get("region", "")
    # Places to plan: the programmes dimensioning covers, never university (§11).
    totals = programme_places(places).groupby("form_label", observed=True, sort=False)[
        "places"].sum()
    horizon = int(need["horizon"].iloc[0])
    return {
        "region": code,
        "region_name": region_name(code) if code else "",
        "need_period": str(need["period"].iloc[0]),
        "need_total": round_persons(need["need"].sum()),
        "need_replacement": round_persons(need["replacement"].sum()),
        "need_expansion": round_persons(need["expansion"].clip(lower=0).sum()),
        "need_per_year": round_persons(need["need"].sum() / horizon),
        "share_need_replacement": round(float(need["replacement"].sum() / need["need"].sum()),
                                        4) if need["need"].sum() else 0.0,
        **({"share_need_retirements": round(float(need["retirements"].sum()
                                                  / need["need"].sum()), 4)}
           if "retirements" in need and need["need"].sum() else {}),
        "need_top_groups": [{"group": str(r.short_name), "need": round_persons(r.need)}
                            for r in need.head(n).itertuples()],
        "places_per_year": {str(k): round_persons(float(v)) for k, v in totals.items()},
        "assumption_graduate_share": float(places.attrs.get("graduate_share", GRADUATE_SHARE)),
        "assumption_exit_age": int(places.attrs.get("exit_age", EXIT_AGE)),
    }


KEY_FIGURE_LABELS_NEED: dict[str, str] = {
    "need_period": "Period",
    "need_total": "Rekryteringsbehov under perioden",
    "need_replacement": "varav ersättningsbehov (pension, dödsfall, andra avgångar, "
                        "utflyttning)",
    "share_need_retirements": "Pensionsavgångarnas andel av behovet",
    "need_expansion": "varav expansionsbehov (växande grupper)",
    "need_per_year": "Rekryteringsbehov per år",
    "share_need_replacement": "Ersättningsbehovets andel av behovet",
    "need_top_groups": "Störst behov",
    "places_per_year": "Nybörjarplatser per år att planera för (yrkesprogram, yrkesvux, YH)",
    "assumption_graduate_share": "Antagande: andel av behovet som nyexaminerade möter",
    "assumption_exit_age": "Antagande: utträdesålder",
}


def programme_places(
    places: pd.DataFrame, *, source: Any = None, output_years: int = 3
) -> pd.DataFrame:
    """Planned places per year per programme beside today's intake and graduates (§11).

    The places of :func:`places_table` in the forms that dimensioning covers (upper-
    secondary vocational programmes, komvux/yrkesvux, YH) are set on the programmes that
    lead to each group (:func:`kompetens_lib.reference.programmes.programme_groups`; a
    group led to by two programmes of one form is shared equally). University-preparatory
    programmes and higher education are not in the table: groups that only they lead to
    are left out (``attrs["not_planned_groups"]``). Returns ``programme``, ``name``,
    ``form``, ``form_label``, ``places`` (planned, per year), ``intake`` (today: the latest
    year of ``load("intake")``), ``graduates`` (mean of the last ``output_years`` years,
    groups the programme leads to) and ``difference`` (places − intake), by form and then
    by places, largest first.
    """
    if source is None:
        source = places.attrs.get("source")
    code = str(places.attrs.get("region", "00"))
    links = programme_groups()
    chosen = places[places["form"].isin(list(PROGRAMME_FORMS))]
    merged = links.merge(chosen[["education_group", "form", "places"]],
                         on=["education_group", "form"], how="left")
    merged["places"] = merged["places"].fillna(0.0) * merged["weight"]
    grads = load("graduates", source)
    last = int(grads["year"].max())
    recent = grads[(grads["region"] == code)
                   & grads["year"].between(last - output_years + 1, last)]
    per_group = (recent.groupby(["education_group", "form"], observed=True)["value"].sum()
                 / float(output_years)).rename("graduates").reset_index()
    merged = merged.merge(per_group, on=["education_group", "form"], how="left")
    merged["graduates"] = merged["graduates"].fillna(0.0) * merged["weight"]
    out = merged.groupby(["programme", "name", "form"], observed=True)[
        ["places", "graduates"]].sum().reset_index()
    intake = load("intake", source)
    intake = intake[(intake["region"] == code) & (intake["year"] == intake["year"].max())]
    out["intake"] = out["programme"].map(
        intake.set_index("programme")["value"]).fillna(0.0).astype(float)
    out["difference"] = out["places"] - out["intake"]
    out.insert(3, "form_label", out["form"].map(FORM_LABELS).astype("string"))
    order = {f: i for i, f in enumerate(PROGRAMME_FORMS)}
    out = out.assign(_o=out["form"].map(order)).sort_values(
        ["_o", "places"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)
    covered = set(links["education_group"])
    out.attrs = {"region": code, "intake_year": int(intake["year"].max()) if len(intake)
                 else None,
                 "not_planned_groups": sorted(set(places["education_group"]) - covered)}
    return out[["programme", "name", "form", "form_label", "places", "intake", "graduates",
                "difference"]]


def university_output(region: object, *, years: int = 3, source: Any = None) -> dict:
    """Context only, never places to plan: university graduates per year in the county
    (mean of the last ``years`` years) and the yearly need of groups whose education is
    mainly higher education."""
    output = education_output(region, years=years, source=source)
    return {"graduates_per_year": round_persons(
        float(output.loc[output["form"] == "högskola", "graduates"].sum()))}
