"""Exercise 5, balance (ovning5_balansen): which priority groups face a shortage in the
target year, the ratio of supply to demand, and what the thresholds do.

The expected values are those of notebook 04
(:func:`kompetens_lib.workbook.results.balance_table`, fixed share), on the national
forecast with every year (T&P often publishes only the base and target years)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kompetens_lib.exercises.answers import (
    answer_text,
    as_number,
    close,
    group_set,
    has_number,
    mentions,
    words,
)
from kompetens_lib.exercises.framework import Context, check, group_name
from kompetens_lib.workbook.balance_tables import balance_table
from kompetens_lib.workbook.breakdown_tables import method_values
from kompetens_lib.workbook.forecast import national_forecast

SHORTAGE_WORDS = ("stor brist", "brist", "viss brist")


def _balance(ctx: Context) -> pd.DataFrame:
    """The county's balance in the target year by group (fixed share) as the exercise builds
    it by hand: ``kl.balance`` on the two breakdowns (``basis="breakdown"``). Notebook 04
    goes on to the workplace basis (own supply plus net commuting)."""
    table = balance_table(ctx.region, base_year=ctx.base_year, target_year=ctx.target_year,
                          method="fixed_share", source=ctx.source, basis="breakdown")
    return table.set_index("education_group")


def _shortage(ctx: Context, column: str) -> set[str]:
    """Priority groups judged as a shortage: ``judgement`` (target year) or
    ``judgement_base`` (base year)."""
    table = _balance(ctx)
    mine = table[table.index.isin(ctx.groups)]
    return set(mine.index[mine[column].isin(SHORTAGE_WORDS)].astype(str))


def _base_ratio(ctx: Context) -> float:
    """100 · supply / demand of the first priority group in the base year (fixed share)."""
    sides = []
    for column in ("supply", "demand"):
        values = method_values(ctx.region, column, base_year=ctx.base_year, source=ctx.source)
        part = values[(values["method"] == "fixed_share") & (values["education_group"] == ctx.group)
                      & (values["year"] == ctx.base_year)]
        sides.append(float(part["value"].sum()))
    supply, demand = sides
    return 100.0 * supply / demand if demand > 0 else float(np.nan)


@check("ovning5", "brist_grupper", "Grupper med brist i målåret", ["brist_grupper"])
def check_shortage_groups(ctx: Context, brist_grupper: object) -> list[str]:
    """Which priority groups are judged as some kind of shortage in the target year."""
    given = set(group_set(brist_grupper, "brist_grupper"))
    outside = [g for g in given if g not in ctx.groups]
    if outside:
        return [(f"Ta bara med dina prioriterade grupper; {', '.join(map(group_name, outside))} "
                "är inte bland dem.")]
    expected = _shortage(ctx, "judgement")
    if given == expected:
        return []
    if given == _shortage(ctx, "judgement_base"):
        return [(f"Det ser ut som bedömningen för basåret. Frågan gäller målåret "
                f"{ctx.target_year}.")]
    national = national_forecast(ctx.source)
    national = national[(national["year"] == ctx.target_year)
                        & national["education_group"].isin(ctx.groups)]
    if given == set(national.loc[national["judgement"].isin(SHORTAGE_WORDS),
                                 "education_group"].astype(str)):
        return [("Det ser ut som rikets bedömning i prognosen. Här ska du använda länets "
                "bedömning från kl.balance på länets nedbrytning.")]
    return [("Listan stämmer inte helt. Brist betyder här bedömningen 'viss brist', 'brist' eller "
            f"'stor brist' år {ctx.target_year} i ditt län. Bryt ned tillgång (labour_force, "
            "column=\"supply\") och efterfrågan (employed, column=\"demand\") med fast andel och "
            "använd kl.balance(tillgång, efterfrågan, prognos).")]


@check("ovning5", "kvot", "Kvoten tillgång/efterfrågan", ["kvot"])
def check_balance_ratio(ctx: Context, kvot: object) -> list[str]:
    """100 · supply / demand in the target year for the first priority group."""
    given = as_number(kvot, "kvot")
    row = _balance(ctx).loc[ctx.group]
    supply, demand = float(row["supply"]), float(row["demand"])
    expected = 100 * supply / demand
    if math.isclose(given, expected, abs_tol=0.5):
        return []
    if math.isclose(given, expected / 100, abs_tol=0.005):
        return ["Multiplicera med 100: kvoten anges så att 100 betyder balans."]
    if supply > 0 and math.isclose(given, 100 * demand / supply, abs_tol=0.5):
        return ["Kvoten är vänd: dela tillgången med efterfrågan, inte tvärtom."]
    if close(given, supply - demand, rel=0.005, abs_tol=1.0):
        return [("Det är skillnaden tillgång − efterfrågan (balansen). Kvoten är 100 · tillgång ÷ "
                "efterfrågan.")]
    if math.isclose(given, _base_ratio(ctx), abs_tol=0.5):
        return [f"Det ser ut som kvoten för basåret. Använd målåret {ctx.target_year}."]
    return [(f"Kvoten stämmer inte. Ta kolumnen ratio för din grupp och ditt län år "
            f"{ctx.target_year} i resultatet av kl.balance.")]


@check("ovning5", "balans_kommentar", "Trösklarna och bedömningen", ["balans_kommentar"])
def check_balance_comment(ctx: Context, balans_kommentar: object) -> list[str]:
    """A comment on how the thresholds move the judgement, with a number."""
    text = answer_text(balans_kommentar, "balans_kommentar")
    problems = []
    if len(words(text)) < 15:
        problems.append("Skriv lite mer, minst 15 ord.")
    if not mentions(text, ("tröskel", "trösklar", "tröskeln", "trösklarna", "gräns")):
        problems.append("Skriv om trösklarna: hur mycket måste kvoten ändras för att "
                        "bedömningen ska flytta ett steg?")
    if not has_number(text):
        problems.append("Ta med minst en siffra, t.ex. en tröskel eller din grupps förändring.")
    return problems
