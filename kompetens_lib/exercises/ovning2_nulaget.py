"""Exercise 2, where the county stands (ovning2_nulaget): its largest groups, its
specialities by location quotient (:func:`kompetens_lib.workbook.profile.location_quotients`,
as notebook 01 shows them) and an explanation of one of them."""

from __future__ import annotations

import functools

import pandas as pd

from kompetens_lib.data.tables import available_years, load
from kompetens_lib.exercises.answers import (
    all_group_words,
    answer_text,
    count_phrase,
    group_set,
    mentions,
    sentences,
)
from kompetens_lib.exercises.framework import Context, check, default_groups
from kompetens_lib.reference.regions import NATIONAL_CODE
from kompetens_lib.workbook.profile import location_quotients

#: Location quotient above which a group counts as a county speciality, and the smallest
#: group considered (tiny groups have noisy quotients; notebook 01 says the same).
LQ_THRESHOLD = 1.2
LQ_MIN_EMPLOYED = 500


@functools.lru_cache(maxsize=64)
def _lq(region: str, year: int, source: str | None) -> pd.DataFrame:
    # Cached: the hints look at several years; callers only read the frame.
    return location_quotients(region, year, source)


def _top3(region: str, year: int, source: str | None) -> set[str]:
    if region == NATIONAL_CODE:
        # Riket is no county the workbook profiles: sum its rows as a participant would.
        employed = load("employed", source)
        part = employed[(employed["region"] == NATIONAL_CODE) & (employed["year"] == year)]
        sums = part.groupby("education_group", observed=True)["value"].sum()
        return set(sums.sort_values(ascending=False, kind="stable").index[:3].astype(str))
    return set(_lq(region, year, source)["education_group"].head(3).astype(str))


@check("ovning2", "storsta_grupper", "Länets tre största grupper", ["storsta_grupper"])
def check_largest_groups(ctx: Context, storsta_grupper: object) -> list[str]:
    """The county's three largest education groups by employed in the base year."""
    given = group_set(storsta_grupper, "storsta_grupper")
    if len(given) != 3:
        return [f"Ange exakt tre olika grupper; du har angett {len(given)}."]
    given_set = set(given)
    expected = _top3(ctx.region, ctx.base_year, ctx.source)
    if given_set == expected:
        return []
    first_year = available_years("employed", ctx.source)[0]
    by_lq = set(_lq(ctx.region, ctx.base_year, ctx.source)
                .sort_values("lq", ascending=False, kind="stable")["education_group"].head(3))
    if given_set == _top3(NATIONAL_CODE, ctx.base_year, ctx.source):
        hint = ("Det ser ut som rikets tre största grupper. Filtrera fram ditt län "
                f"(region == \"{ctx.region}\") innan du summerar.")
    elif given_set == by_lq:
        hint = ("Du har sorterat efter lokaliseringskvot. Här ska grupperna sorteras efter antal "
                "förvärvsarbetande.")
    elif given_set == set(default_groups(ctx.region, ctx.base_year, ctx.source)[:3]):
        hint = ("Det ser ut som de tre första av de prioriterade grupperna överst, där "
                "förgymnasial och okänd utbildning inte är med. Här räknas alla "
                "utbildningsgrupper: summera hela tabellen employed för ditt län.")
    elif any(given_set == _top3(ctx.region, year, ctx.source)
             for year in range(first_year, ctx.base_year)):
        hint = f"Grupperna stämmer för ett annat år. Använd basåret {ctx.base_year}."
    else:
        right = len(given_set & expected)
        hint = (f"{right} av de tre stämmer. Summera förvärvsarbetande per utbildningsgrupp i "
                f"ditt län år {ctx.base_year}, över alla åldersgrupper, och ta de tre största.")
    return [hint]


def _high_lq(ctx: Context, threshold: float = LQ_THRESHOLD, min_employed: int = LQ_MIN_EMPLOYED
             ) -> set[str]:
    lq = _lq(ctx.region, ctx.base_year, ctx.source)
    return set(lq.loc[(lq["lq"] > threshold) & (lq["employed"] >= min_employed),
                      "education_group"].astype(str))


@check("ovning2", "hog_kvot", "Grupper med lokaliseringskvot över 1,2", ["hog_kvot"])
def check_high_lq(ctx: Context, hog_kvot: object) -> list[str]:
    """Groups with LQ above 1.2 among groups with at least 500 employed in the county."""
    given = set(group_set(hog_kvot, "hog_kvot"))
    expected = _high_lq(ctx)
    if given == expected:
        return []
    lq = _lq(ctx.region, ctx.base_year, ctx.source)
    inverted = set(lq.loc[(lq["lq"] < 1 / LQ_THRESHOLD) & (lq["employed"] >= LQ_MIN_EMPLOYED),
                          "education_group"].astype(str))
    if given == _high_lq(ctx, min_employed=0):
        return [("Du har tagit med små grupper. Uppgiften gäller grupper med minst "
                f"{LQ_MIN_EMPLOYED} förvärvsarbetande i länet: små grupper har osäkra kvoter.")]
    if given == _high_lq(ctx, threshold=1.0):
        return ["Du har tagit med alla grupper med kvot över 1,0. Gränsen här är 1,2."]
    if given and given == inverted:
        return [("Kvoten verkar vara vänd upp och ned: dela gruppens andel i länet med dess "
                "andel i riket, inte tvärtom.")]
    extra = given - expected
    too_small = extra & _high_lq(ctx, min_employed=0)
    low = extra - too_small
    lacking = len(expected - given)
    parts = []
    if too_small:
        have = count_phrase(len(too_small), 'av dina grupper har', 'av dina grupper har')
        parts.append(f"{have} kvot över 1,2 men färre än {LQ_MIN_EMPLOYED} förvärvsarbetande "
                     "i länet (för små för uppgiften)")
    if low:
        have = count_phrase(len(low), 'av dina grupper har', 'av dina grupper har')
        parts.append(f"{have} inte kvot över 1,2")
    if lacking:
        parts.append(f"{count_phrase(lacking, 'grupp', 'grupper')} med kvot över 1,2 och minst "
                     f"{LQ_MIN_EMPLOYED} förvärvsarbetande saknas")
    return ["Listan stämmer inte helt: " + ", ".join(parts[:-1])
            + (" och " if len(parts) > 1 else "") + parts[-1] + ". Filtrera tabellen lq (från "
            "profile.location_quotients) på både kolumnen lq (kvoten) och kolumnen employed "
            "(antal förvärvsarbetande)."]


@check("ovning2", "forklaring", "Förklaringen av en grupp", ["forklaring"])
def check_lq_explanation(ctx: Context, forklaring: object) -> list[str]:
    """Two or three sentences that name a group and compare the county with Riket."""
    text = answer_text(forklaring, "forklaring")
    problems = []
    found = sentences(text)
    if len(found) < 2:
        problems.append("Skriv två meningar: en om vad kvoten visar och en om varför.")
    elif len(found) > 3:
        problems.append(f"Håll dig till två meningar (du har {len(found)}). Det tvingar "
                        "fram det viktigaste.")
    if not mentions(text, all_group_words()):
        problems.append("Nämn gruppen du förklarar med dess namn, t.ex. kortnamnet från "
                        "tabellen ('Sjuksköterskor').")
    if not mentions(text, ("riket", "rikets", "sverige", "nationell", "landet", "hela landet")):
        problems.append("Jämför med riket: kvoten säger hur länet skiljer sig från landet som "
                        "helhet.")
    return problems
