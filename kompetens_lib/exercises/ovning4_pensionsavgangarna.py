"""Exercise 4, retirements (ovning4_pensionsavgangarna): how many of the first priority
group retire within ten years, as a share of the group, and a comparison with Riket.

The expected values are those of notebook 03
(:func:`kompetens_lib.workbook.results.retirements_by_group`)."""

from __future__ import annotations

import functools
import math

import pandas as pd

from kompetens_lib.data.tables import load
from kompetens_lib.exercises.answers import (
    answer_text,
    as_number,
    close,
    has_number,
    mentions,
    words,
)
from kompetens_lib.exercises.framework import (
    HORIZON,
    ROUNDING_TEXT,
    Context,
    Note,
    check,
    rounded_match,
)
from kompetens_lib.methods.supply import EXIT_AGE, retirements
from kompetens_lib.reference.regions import NATIONAL_CODE
from kompetens_lib.reference.taxonomy import education_groups
from kompetens_lib.workbook.supply_tables import retirements_by_group


def _county_row(ctx: Context) -> pd.Series:
    """The first priority group's retirements within ten years (``value``) and employed in
    the base year (``employed``), as notebook 03 computes them."""
    table = retirements_by_group(ctx.region, base_year=ctx.base_year, horizons=(HORIZON,),
                                 exit_age=EXIT_AGE, source=ctx.source,
                                 n=len(education_groups()))
    rows = table[table["education_group"] == ctx.group]
    if rows.empty:
        return pd.Series({"value": 0.0, "employed": 0.0})
    return rows.iloc[0]


@functools.lru_cache(maxsize=16)
def _all_retirements(source: str | None, base_year: int, horizon: int) -> pd.DataFrame:
    # Wrong answers to recognise (Riket, another horizon, possibly past the forecast's end):
    # kl.retirements on the whole table, as the exercise's notebook calls it.
    return retirements(load("employed", source), [horizon], exit_age=EXIT_AGE,
                       base_year=base_year)


def _county_retired(ctx: Context, horizon: int) -> float:
    frame = _all_retirements(ctx.source, ctx.base_year, horizon)
    part = frame[(frame["region"] == ctx.region) & (frame["education_group"] == ctx.group)]
    return float(part["value"].sum())


def _national_retired(ctx: Context) -> float:
    frame = _all_retirements(ctx.source, ctx.base_year, HORIZON)
    return float(frame.loc[frame["education_group"] == ctx.group, "value"].sum())


def _employed_by_age(ctx: Context, region: str) -> pd.Series:
    employed = load("employed", ctx.source)
    part = employed[(employed["region"] == region) & (employed["education_group"] == ctx.group)
                    & (employed["year"] == ctx.base_year)]
    return part.groupby("age_band", observed=True)["value"].sum().astype(float)


def _national_share(ctx: Context) -> float:
    employed = float(_employed_by_age(ctx, NATIONAL_CODE).sum())
    return _national_retired(ctx) / employed if employed else float("nan")


@check("ovning4", "pensionsavgangar", "Pensionsavgångar på tio år", ["pensionsavgangar"])
def check_retirements(ctx: Context, pensionsavgangar: object) -> list[str]:
    """Retirements within ten years in the first priority group (exit age 66)."""
    given = as_number(pensionsavgangar, "pensionsavgangar")
    expected = float(_county_row(ctx)["value"])
    if close(given, expected, rel=0.01, abs_tol=1.0):
        return []
    if rounded_match(given, expected):
        return [Note(f"Godkänt: antalet stämmer, {ROUNDING_TEXT}.")]
    ages = _employed_by_age(ctx, ctx.region)
    older = float(ages.get("55-64", 0.0))
    oldest = float(ages.get("65-74", 0.0))
    if close(given, older + oldest, rel=0.005, abs_tol=1.0):
        return [("Du räknar med att alla som är 55 år och äldre går i pension. Med utträdesålder "
                "66 hinner den som är 55 i dag bara fylla 65 på tio år: ta med nio av tio "
                "åldrar i 55–64.")]
    if close(given, older, rel=0.005, abs_tol=1.0) or close(given, 0.9 * older, rel=0.005,
                                                               abs_tol=1.0):
        return [("Gruppen 65–74 år saknas: de som redan passerat utträdesåldern lämnar också "
                "inom perioden.")]
    if close(given, _national_retired(ctx), rel=0.005, abs_tol=1.0):
        return ["Det ser ut som rikets pensionsavgångar. Filtrera fram ditt län."]
    for horizon in (5, 15):
        if close(given, _county_retired(ctx, horizon), rel=0.005, abs_tol=1.0):
            return [(f"Det ser ut som {horizon} års horisont. Uppgiften gäller tio år "
                    "(horizon=10).")]
    return [("Värdet stämmer inte. Räkna med utträdesålder 66 och tio år framåt, t.ex. med "
            "kl.retirements(kl.load(\"employed\"), horizon=10), och välj ut ditt län och din "
            "grupp.")]


@check("ovning4", "andel_pension", "Andelen som går i pension", ["andel_pension"])
def check_retirement_share(ctx: Context, andel_pension: object) -> list[str]:
    """Retirements as a share of the group's employed in the county (a decimal, 0–1)."""
    given = as_number(andel_pension, "andel_pension")
    row = _county_row(ctx)
    expected = float(row["value"]) / float(row["employed"]) if row["employed"] else math.nan
    if math.isclose(given, expected, abs_tol=0.005):
        return []
    if 1 < given <= 100 and math.isclose(given / 100, expected, abs_tol=0.005):
        return ["Ange andelen som ett decimaltal, t.ex. 0.25 för 25 %."]
    if math.isclose(given, _national_share(ctx), abs_tol=0.002):
        return ["Det ser ut som andelen i riket. Här ska du räkna på ditt län."]
    if given > 1:
        return [("En andel ligger mellan 0 och 1. Dela pensionsavgångarna med antalet "
                f"förvärvsarbetande i gruppen år {ctx.base_year}.")]
    return [("Andelen stämmer inte. Dela pensionsavgångarna på tio år med antalet "
            f"förvärvsarbetande i gruppen i länet år {ctx.base_year} (alla åldrar).")]


@check("ovning4", "pension_kommentar", "Jämförelsen med riket", ["pension_kommentar"])
def check_retirement_comment(ctx: Context, pension_kommentar: object) -> list[str]:
    """A short comment that compares the county's retirement wave with Riket's, with a number."""
    text = answer_text(pension_kommentar, "pension_kommentar")
    problems = []
    if len(words(text)) < 15:
        problems.append("Skriv lite mer, minst 15 ord: är pensionsvågen större eller mindre än "
                        "i riket, och vad betyder det för rekryteringen?")
    if not mentions(text, ("riket", "rikets", "sverige", "landet", "nationell")):
        problems.append("Jämför med riket.")
    if not has_number(text):
        problems.append("Ta med minst en siffra, t.ex. andelen i länet och i riket.")
    return problems
