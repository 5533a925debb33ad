"""What a county's report and slide deck say, gathered from the workbook's tables.

This is the one module through which the report and the deck reach the workbook: the key
messages, the tables behind each theme and the charts drawn from them. Nothing here is read
from executed notebooks, so no lesson text or code can reach a strategist's page.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from kompetens_lib.present import charts
from kompetens_lib.present.brief import build_brief
from kompetens_lib.present.charts import industry as industry_charts
from kompetens_lib.workbook import (
    assumptions,
    balance_tables,
    breakdown_tables,
    need_tables,
    params,
    profile,
    supply_tables,
)
from kompetens_lib.workbook.brief import METHOD_LABELS, synthetic_data

__all__ = ["ReportContent", "Section", "report_content"]


def _n(value: float) -> str:
    """Swedish whole number with a non-breaking thin space between thousands."""
    return f"{round(float(value)):,}".replace(",", "\u00a0").replace("-", "\u2212")


def _rounded(value: float) -> str:
    value = float(value)
    step = 100 if abs(value) >= 1000 else 10
    return _n(round(value / step) * step)


def _pct(share: float) -> str:
    return f"{float(share) * 100:.0f}\u00a0%"


@dataclass(frozen=True)
class Section:
    """One theme of the report: a heading, a few sentences, charts and an optional table."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    charts: tuple[alt.TopLevelMixin, ...] = ()
    table: pd.DataFrame | None = None
    table_caption: str = ""


@dataclass(frozen=True)
class ReportContent:
    """Everything the report and the deck show for one county."""

    region: str
    region_name: str
    base_year: int
    target_year: int
    method_label: str
    source_note: str
    synthetic: bool
    #: (label, text) pairs of the mandate; no names of people.
    mandate: tuple[tuple[str, str], ...]
    mandate_is_example: bool
    messages: tuple[Any, ...]
    key_charts: tuple[alt.TopLevelMixin, ...]
    caveats: tuple[str, ...]
    sections: tuple[Section, ...]
    figures: dict = field(default_factory=dict)
    made: str = field(default_factory=lambda: dt.date.today().isoformat())

    @property
    def title(self) -> str:
        return f"Kompetensbehovet i {self.region_name} fram till {self.target_year}"


# The mandate's fields a strategist's page shows. Who asked and who receives it are names
# of people: they stay out unless a build opts in.
_MANDATE_FIELDS = (("question", "Fråga"), ("decision", "Beslut som analysen ska stödja"),
                   ("scope", "Avgränsning"), ("deadline", "Klart senast"))


#: The mandate's fields that name people: in the report only when the build opts in
#: (``kompetens run --med-namn``), since builds are what gets shared.
_PERSONAL_FIELDS = (("requested_by", "Uppdragsgivare"), ("recipient", "Mottagare"))


def _names_shown() -> bool:
    import os

    from kompetens_lib.present.summaries import NAMES_ENV

    return os.environ.get(NAMES_ENV, "").strip().casefold() == "visa"


def _mandate(mandate) -> tuple[tuple[str, str], ...]:
    rows = []
    fields = _MANDATE_FIELDS + (_PERSONAL_FIELDS if _names_shown() else ())
    for name, label in fields:
        value = getattr(mandate, name, None)
        if value:
            rows.append((label, value.isoformat() if hasattr(value, "isoformat") else str(value)))
    return tuple(rows)


def _today(p, note: str) -> Section:
    figures = profile.key_figures(p)
    ages = profile.age_structure(p)
    exit_age = assumptions.supply_assumptions().exit_age
    text = (f"År {p.base_year} förvärvsarbetade omkring {_rounded(figures['employed'])} "
            f"personer i {p.region_name}. {_pct(figures['share_55plus'])} av dem var 55 år "
            f"eller äldre och når pensionsåldern ({exit_age} år) inom {exit_age - 55} år; "
            f"{_pct(figures['share_long_post_secondary'])} hade en eftergymnasial utbildning "
            "på minst tre år.")
    chart = charts.age_structure_chart(ages, source=note)
    return Section("nulage", f"Nuläget {p.base_year}", (text,), (chart,))


def _breakdown(p, note: str) -> Section:
    demand = breakdown_tables.method_values(p, "demand")
    totals = breakdown_tables.method_totals(demand)
    target = totals[totals["year"] == p.target_year] if "year" in totals else totals
    value_col = "value" if "value" in target.columns else target.select_dtypes("number").columns[-1]
    low, high = float(target[value_col].min()), float(target[value_col].max())
    text = (
        f"SCB:s riksprognos Trender och prognoser fördelas här på länet med fyra metoder. "
        f"För {p.target_year} ger de mellan {_rounded(low)} och {_rounded(high)} "
        f"förvärvsarbetande i {p.region_name}. Skillnaden mellan metoderna är ett mått på "
        f"osäkerheten; rapportens siffror bygger på metoden {METHOD_LABELS[p.method].lower()}."
    )
    chart = charts.method_comparison_chart(
        totals, source=note, title=f"Efterfrågan i {p.region_name} med fyra metoder",
        value_title="Antal förvärvsarbetande")
    return Section("nedbrytning", "Nedbrytningen och dess spann", (text,), (chart,))


def _supply(p, note: str) -> Section:
    a = assumptions.supply_assumptions()
    leaving = supply_tables.retirement_summary(p, exit_age=a.exit_age)
    last = leaving.iloc[-1]
    by_group = supply_tables.retirements_by_group(p, exit_age=a.exit_age, n=12)
    top = by_group.iloc[0]
    name = top.get("short_name", top.get("education_group", ""))
    text = (
        f"Fram till {int(last['year'])} når omkring {_rounded(last['retirements'])} av dagens "
        f"förvärvsarbetande i {p.region_name} pensionsåldern ({a.exit_age} år), "
        f"{_pct(last['share_employed'])} av alla. Flest försvinner i gruppen {name}."
    )
    chart = charts.retirements_chart(
        by_group, source=note, title=f"Pensionsavgångar i {p.region_name}, 12 största grupperna",
        subtitle=f"Utträde vid {a.exit_age} år. Antal räknat från {p.base_year}.")
    return Section("tillgang", "Tillgång och pensionsavgångar", (text,), (chart,))


def _balance(p, note: str) -> Section:
    balance = balance_tables.balance_table(p)
    counts = balance_tables.judgement_counts(balance)
    tight = sum(v for k, v in counts.items() if k in ("stor brist", "brist"))
    loose = sum(v for k, v in counts.items() if "överskott" in str(k))
    text = (
        f"Tillgången och efterfrågan jämförs per utbildningsgrupp år {p.target_year}. "
        f"{tight} grupper bedöms ha brist eller stor brist och {loose} grupper ett överskott. "
        "Under 100 i diagrammet betyder färre tillgängliga än efterfrågade."
    )
    chart = charts.balance_ratio_chart(
        balance.nlargest(20, "demand"), source=note,
        title=f"Tillgång per 100 efterfrågade {p.target_year}, {p.region_name}",
        subtitle="De 20 största grupperna. Under 100: brist, över 100: överskott.")
    table = balance_tables.judgement_count_table(balance).rename(columns={
        "judgement": "Bedömning", "groups_base": f"Antal grupper {p.base_year}",
        "groups_target": f"Antal grupper {p.target_year}"}).set_index("Bedömning")
    return Section("balans", f"Balans {p.target_year}", (text,), (chart,), table,
                   "Antal utbildningsgrupper per bedömning")


def _need(p, note: str) -> Section:
    a = assumptions.assumptions()
    need = need_tables.need_table(p, exit_age=a.exit_age)
    places = need_tables.places_table(need, a)
    by_form = need_tables.places_by_form(places)
    total_places = float(by_form["places"].sum())
    period = need["period"].iloc[0]
    text = (
        f"Rekryteringsbehovet {period} är de som går i pension plus den växande "
        f"efterfrågan: totalt omkring {_rounded(need['need'].sum())} personer. Omräknat till "
        f"nybörjarplatser per år i gymnasieskolans yrkesprogram, komvux och yrkeshögskola "
        f"motsvarar det omkring {_rounded(total_places)} platser per år, med antagandena om "
        "hur många som fullföljer och stannar i länet."
    )
    chart = charts.places_chart(
        need_tables.top_places(places, n=12), source=note,
        title=f"Nybörjarplatser per år att planera för, {p.region_name}",
        subtitle="De 12 grupperna med flest platser.")
    table = by_form.rename(columns={
        "form_label": "Utbildningsform", "yearly_need": "Årligt behov",
        "graduates_needed": "Examinerade som behövs per år",
        "places": "Nybörjarplatser per år"})
    keep = [c for c in ("Utbildningsform", "Årligt behov", "Examinerade som behövs per år",
                        "Nybörjarplatser per år") if c in table.columns]
    table = table[keep].set_index("Utbildningsform")
    for column in table.columns:
        table[column] = [_rounded(v) for v in table[column]]
    return Section("behov", "Rekryteringsbehov och platser per program", (text,), (chart,),
                   table, "Nybörjarplatser per år per utbildningsform")


THEMES = (_today, _breakdown, _supply, _balance, _need)

#: The caveat of a build with an establishment scenario (``kompetens run --scenario``).
SCENARIO_CAVEAT = ("Etableringarna är ett antagande ur scenariofilen, inte en prognos: antal "
                   "jobb, startår och upptrappning är scenariots. Lagret redovisas för sig "
                   "ovanpå nedbrytningen och räknar inte med undanträngning eller "
                   "följdeffekter hos underleverantörer.")


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def _establishments(p, note: str, scenario: Path) -> Section | None:
    """The establishment scenario's section: what it adds to demand, need and places in the
    county; None when the scenario has no event in it."""
    from kompetens_lib.workbook import establishment_effect
    from kompetens_lib.workbook.scenario_file import scenario_title

    events = [e for e in establishment_effect.parse_scenario(str(scenario), p.source)
              if e.region == p.region]
    if not events:
        return None
    a = assumptions.assumptions()
    extra = establishment_effect.extra_need(p.region, events, base_year=p.base_year,
                                            target_year=p.target_year, method=p.method,
                                            exit_age=a.exit_age, source=p.source)
    places = establishment_effect.extra_places(extra, a, source=p.source)
    summary = establishment_effect.effect_summary(extra, places)
    title = scenario_title(scenario)
    named = (f"Bygget har etableringsscenariot {scenario.name}"
             + (f" – {title}" if title else "") + f". I {p.region_name} räknas "
             + ("etableringen " if len(events) == 1 else f"{len(events)} etableringar: ")
             + _names([e.name for e in events])
             + f", med sammanlagt {_rounded(sum(float(e.jobs) for e in events))} jobb när de "
             "är fullt utbyggda.")
    effect = (f"Scenariot läggs som ett eget lager på efterfrågan enligt metoden "
              f"{METHOD_LABELS[p.method].lower()}. "
              + establishment_effect.describe_effect(summary))
    balance = establishment_effect.describe_balance_effect(establishment_effect.extra_balance(
        p.region, events, base_year=p.base_year, target_year=p.target_year, method=p.method,
        source=p.source))
    chart = industry_charts.extra_need_chart(
        extra, source=note, n=12,
        title=f"Extra rekryteringsbehov {summary['period']} av etableringarna, {p.region_name}")
    by_form = establishment_effect.extra_places_by_form(places)
    # Only the forms the region plans for; higher education is planned nationally.
    by_form = by_form[by_form["form"].isin(list(need_tables.REGIONAL_FORMS))].rename(columns={
        "form_label": "Utbildningsform", "places": "Platser per år utan",
        "places_with": "Platser per år med", "extra_places": "Extra platser per år"})
    table = by_form[["Utbildningsform", "Platser per år utan", "Platser per år med",
                     "Extra platser per år"]].set_index("Utbildningsform")
    for column in table.columns:  # tens in every column, so that "with − without" adds up
        table[column] = [_n(round(float(v) / 10) * 10) for v in table[column]]
    return Section("etableringar", "Etableringar och scenarier",
                   (named, effect, balance, SCENARIO_CAVEAT), (chart,), table,
                   "Nybörjarplatser per år med och utan etableringarna")


def report_content(region: object, *, base_year: Any = None, target_year: Any = None,
                   method: Any = None, source: Any = None,
                   scenario: str | os.PathLike | None = None) -> ReportContent:
    """The county's report as data: mandate, three messages, caveats, one section per theme.

    With a ``scenario`` file (the build's copy of ``kompetens run --scenario``) that has
    events in the county, a section *Etableringar och scenarier* follows the themes.

    >>> c = report_content("23")  # doctest: +SKIP
    >>> [s.key for s in c.sections]  # doctest: +SKIP
    ['nulage', 'nedbrytning', 'tillgang', 'balans', 'behov']
    """
    first = params.validate(region, base_year, source, target_year=target_year,
                            method=method or "fixed_share")
    brief = build_brief(first.region, first.base_year, first.target_year, first.method,
                        first.source)
    p = params.validate(first.region, brief.base_year, first.source,
                        target_year=brief.target_year, method=brief.method)
    synthetic = synthetic_data(p.source)
    caveats = list(brief.caveats)
    if synthetic:
        caveats.insert(1, "Den regionala nedbrytningen är en egen beräkning och inte officiell "
                          "statistik, även när den görs på riktiga data.")
    sections = tuple(theme(p, brief.source_note) for theme in THEMES)
    if scenario not in (None, ""):
        section = _establishments(p, brief.source_note, Path(scenario))
        if section is not None:
            sections += (section,)
            caveats.append(SCENARIO_CAVEAT)
    return ReportContent(
        region=p.region, region_name=p.region_name, base_year=brief.base_year,
        target_year=brief.target_year, method_label=METHOD_LABELS[brief.method],
        source_note=brief.source_note, synthetic=synthetic, mandate=_mandate(brief.mandate),
        mandate_is_example=bool(brief.mandate.example), messages=tuple(brief.messages),
        key_charts=tuple(brief.charts), caveats=tuple(caveats), sections=sections,
        figures=dict(brief.figures))
