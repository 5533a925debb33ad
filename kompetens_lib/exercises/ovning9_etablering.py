"""Exercise 9, an establishment from the participant's own agenda (ovning9_etablering): enter
an establishment or a closure, compute what it does to the recruitment need, explain it.

The expected values are those of the industry notebook (*Branscher och etableringar*):
:func:`kompetens_lib.workbook.establishment_effect.extra_need`, by every breakdown method.

The module is self-contained: it registers exercise 9 in the exercise list when the list
does not hold it yet, and offers ``start`` and ``report`` under the names the exercise
package uses, so that a master can say ``from kompetens_lib.exercises import
ovning9_etablering as ex``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kompetens_lib.errors import KompetensError, ScenarioError
from kompetens_lib.exercises import framework
from kompetens_lib.exercises.answers import (
    answer_text,
    close,
    folded_keys,
    mentions,
    sentences,
    words,
)
from kompetens_lib.exercises.framework import (
    FILL_IN,
    Context,
    ExerciseReport,
    check,
    missing,
)
from kompetens_lib.methods.breakdown import METHODS
from kompetens_lib.methods.establishments import FIELDS, Establishment
from kompetens_lib.reference.industries import industry_label, resolve_industry
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.workbook.establishment_effect import extra_need, parse_scenario
from kompetens_lib.workbook.industry_tables import industry_structure

__all__ = ["EXERCISE", "EXPLANATION_SENTENCES", "EXPLANATION_WORDS", "check_effect",
           "check_establishment", "check_explanation", "event", "report", "start"]

EXERCISE = framework.EXERCISES["ovning9"]

#: The explanation: two or three sentences, at least this many words.
EXPLANATION_SENTENCES = (2, 3)
EXPLANATION_WORDS = 20
#: The fields the participant fills in (the county comes from the parameters cell).
_ASKED = ("name", "industry", "jobs", "start_year", "ramp_years")


def start(exercise_id: str = EXERCISE.id, region: object = None,
          prioriterade_grupper: object = None, *, deltagare: object = "",
          source: object = None) -> Context:
    """:func:`kompetens_lib.exercises.framework.start` for exercise 9."""
    return framework.start(exercise_id, region, prioriterade_grupper, deltagare=deltagare,
                           source=source)


def report(exercise_id: str, namespace: Mapping[str, Any]) -> ExerciseReport:
    """:func:`kompetens_lib.exercises.framework.report` for exercise 9."""
    return framework.report(exercise_id, namespace)


def event(ctx: Context, etablering: Mapping) -> dict:
    """The participant's establishment as an event in their own county (``län`` added)."""
    if not isinstance(etablering, Mapping):
        raise KompetensError("etablering ska vara en ordbok (dict) med nycklarna "
                             f"{', '.join(FIELDS[k] for k in _ASKED)}, inte "
                             f"{type(etablering).__name__}.")
    given = dict(etablering)
    if not {"lan", "region"} & set(folded_keys(given)):
        given["län"] = ctx.region
    return given


def _parsed(ctx: Context, etablering: object) -> Establishment:
    events = parse_scenario([event(ctx, etablering)], ctx.source)  # type: ignore[arg-type]
    return events[0]


@check("ovning9", "etablering", "Etableringen eller nedläggningen du lagt in", ["etablering"])
def check_establishment(ctx: Context, etablering: object) -> list[str]:
    """A valid event in the participant's county, starting after the base year, with no more
    jobs than the county's industry could plausibly gain or lose."""
    if not isinstance(etablering, Mapping):
        return [f"etablering ska vara en ordbok (dict) med nycklarna "
                f"{', '.join(FIELDS[k] for k in _ASKED)}, inte {type(etablering).__name__}."]
    if all(v is ... for v in etablering.values()):
        missing(f"{FILL_IN}: ersätt ... i etablering med uppgifter från din regions agenda.")
    given = folded_keys(etablering)
    problems = []
    lacking = [FIELDS[k] for k in _ASKED
               if given.get(_fold_field(FIELDS[k]), given.get(k)) in (None, ..., "")]
    if lacking:
        problems.append(f"Fyll i {', '.join(repr(f) for f in lacking)} i etablering (ersätt "
                        "...). Upptrappningsår får vara 0 om alla jobb kommer på en gång.")
        return problems
    county = given.get("lan", given.get("region"))
    if county not in (None, ...):
        try:
            code = resolve_region(county)
        except KompetensError as exc:
            return [str(exc)]
        if code != ctx.region:
            return [f"Etableringen ligger i {region_name(code)}, men övningen gäller ditt län "
                    f"{ctx.region_name}. Ta bort 'län' eller ange \"{ctx.region}\"."]
    try:
        parsed = _parsed(ctx, etablering)
    except ScenarioError as exc:
        return [p.split(": ", 1)[1] if p.startswith("Etablering 1") and ": " in p else p
                for p in exc.problems]
    if parsed.start_year <= ctx.base_year:
        problems.append(f"Startåret {parsed.start_year} ligger inte efter basåret "
                        f"{ctx.base_year}: då finns jobben redan i basåret och syns inte som "
                        f"expansion. Välj ett startår från {ctx.base_year + 1} till "
                        f"{ctx.target_year}.")
    structure = industry_structure(ctx.region, ctx.base_year, source=ctx.source)
    total = float(structure["employed"].sum())
    in_industry = float(structure.set_index("industry").loc[parsed.industry, "employed"])
    if abs(parsed.jobs) > total * 0.25:
        problems.append(f"{abs(parsed.jobs):.0f} jobb är mer än en fjärdedel av alla "
                        f"förvärvsarbetande i {ctx.region_name}. Kontrollera antalet: ange jobben "
                        "när etableringen är fullt utbyggd, inte till exempel en investering i "
                        "kronor.")
    elif parsed.jobs < 0 and -parsed.jobs > in_industry:
        problems.append(f"Nedläggningen tar bort {-parsed.jobs:.0f} jobb, men näringsgrenen "
                        f"{industry_label(parsed.industry)} har bara {in_industry:.0f} "
                        f"förvärvsarbetande i {ctx.region_name}. Minska antalet eller välj "
                        "rätt näringsgren.")
    return problems


def _fold_field(key: str) -> str:
    """A field name folded as :func:`kompetens_lib.exercises.answers.folded_keys` folds keys."""
    return next(iter(folded_keys({key: None})))


def _expected(ctx: Context, etablering: Mapping) -> list[pd.Series]:
    """The extra need by group by every breakdown method (group → extra need)."""
    events = [event(ctx, etablering)]
    return [extra_need(ctx.region, events, base_year=ctx.base_year, target_year=ctx.target_year,
                       method=method, source=ctx.source).set_index("education_group")["extra_need"]
            for method in METHODS]


@check("ovning9", "effekt", "Etableringens effekt på rekryteringsbehovet",
       ["effekt", "etablering"])
def check_effect(ctx: Context, effekt: object, etablering: object = ...) -> list[str]:
    """The extra recruitment need by group, as the industry notebook computes it (any method)."""
    if not isinstance(effekt, pd.DataFrame):
        return ["effekt ska vara en tabell (DataFrame) med kolumnerna education_group och "
                f"extra_need, inte {type(effekt).__name__}. Räkna den med "
                "establishment_effect.extra_need(…)."]
    lacking = [c for c in ("education_group", "extra_need") if c not in effekt.columns]
    if lacking:
        return [f"Tabellen effekt saknar kolumnen {', '.join(lacking)}. Den ska ha "
                "education_group och extra_need, som establishment_effect.extra_need(…) ger."]
    if not isinstance(etablering, Mapping) or all(v is ... for v in etablering.values()):
        missing(f"{FILL_IN}: effekten räknas från din etablering, så fyll i den först.")
    try:
        parsed = _parsed(ctx, etablering)
    except ScenarioError:
        return ["Rätta etableringen först (se kontrollen av etableringen ovan)."]
    given = pd.to_numeric(effekt["extra_need"], errors="coerce")
    if given.isna().any():
        return ["Kolumnen extra_need har tomma värden eller text. Alla värden ska vara antal "
                "personer."]
    mine = pd.Series(given.to_numpy(dtype=float), index=effekt["education_group"].astype(str))
    for expected in _expected(ctx, etablering):
        if set(mine.index) == set(expected.index.astype(str)) and all(
                close(float(mine[g]), float(v), rel=0.01, abs_tol=1.0)
                for g, v in expected.items()):
            return []
    if close(float(mine.sum()), parsed.jobs, rel=0.01, abs_tol=1.0):
        return ["Summan är etableringens jobb, inte det extra rekryteringsbehovet. Räkna "
                "behovet med och utan etableringen: establishment_effect.extra_need(…) ger "
                "skillnaden per grupp."]
    return ["Det extra behovet stämmer inte med din etablering. Räkna det med "
            "establishment_effect.extra_need(ctx.region, [ex.event(ctx, etablering)], "
            "base_year=ctx.base_year, target_year=ctx.target_year) och svara med hela tabellen."]


@check("ovning9", "forklaring", "Din förklaring av effekten",
       ["forklaring", "etablering", "effekt"])
def check_explanation(ctx: Context, forklaring: object, etablering: object = ...,
                      effekt: object = ...) -> list[str]:
    """Two or three sentences that name the industry or the group most affected."""
    text = answer_text(forklaring, "forklaring")
    problems = []
    count = len(sentences(text))
    low, high = EXPLANATION_SENTENCES
    if count < low or count > high:
        problems.append(f"Skriv {low}–{high} meningar (du har {count}): vad etableringen är, "
                        "vilka grupper den påverkar mest och vad det betyder för behovet.")
    if len(words(text)) < EXPLANATION_WORDS:
        problems.append(f"Förklaringen är kort: skriv minst {EXPLANATION_WORDS} ord.")
    needles: list[str] = []
    if isinstance(etablering, Mapping):
        raw = folded_keys(etablering).get(_fold_field(FIELDS["industry"]),
                                          etablering.get("industry"))
        try:
            code = resolve_industry(raw)
            needles += [industry_label(code), industry_label(code, short=False)]
        except KompetensError:
            pass
    if isinstance(effekt, pd.DataFrame) and {"extra_need", "short_name"} <= set(effekt.columns) \
            and len(effekt):
        top = effekt.reindex(effekt["extra_need"].abs().sort_values(ascending=False).index)
        needles.append(str(top["short_name"].iloc[0]))
    if needles and not mentions(text, needles):
        problems.append("Nämn näringsgrenen eller den utbildningsgrupp som påverkas mest, så att "
                        "läsaren ser var effekten hamnar.")
    return problems
