"""Exercise 9 (ovning9_etablering): a valid establishment, its effect and an explanation
pass; each kind of bad input gets its own Swedish message."""

from __future__ import annotations

import pytest

from kompetens_lib.exercises import framework
from kompetens_lib.exercises import ovning9_etablering as ex
from kompetens_lib.reference.industries import industry_label
from kompetens_lib.workbook import establishment_effect, industry_tables

GOOD = {"namn": "Komponentfabriken", "näringsgren": "C", "jobb": 400, "startår": 2027,
        "upptrappningsår": 3}
EXPLANATION = ("Komponentfabriken inom tillverkning ger 400 nya jobb när den är fullt utbyggd. "
               "Mest ökar behovet av gymnasialt utbildade inom industri, vilket märks i "
               "platserna på industriprogrammet. Antalet jobb är vårt eget antagande.")


@pytest.fixture(scope="module")
def ctx():
    return framework.context("ovning9", "13")


@pytest.fixture(scope="module")
def effect(ctx):
    return establishment_effect.extra_need(ctx.region, [ex.event(ctx, GOOD)],
                                           base_year=ctx.base_year, target_year=ctx.target_year)


def messages(result) -> str:
    return " ".join(result.messages)


def fails_with(result, *parts):
    assert result.status == framework.FAILED, result.text()
    for part in parts:
        assert part in messages(result), (part, result.messages)


def test_exercise_nine_is_registered_with_its_three_checks():
    assert framework.exercise("9") == ex.EXERCISE
    assert [s.id for s in framework.checks("ovning9")] == ["etablering", "effekt", "forklaring"]


def test_valid_answers_pass(ctx, effect):
    assert ex.check_establishment(ctx, GOOD).passed
    assert ex.check_effect(ctx, effect, GOOD).passed
    assert ex.check_explanation(ctx, EXPLANATION, GOOD, effect).passed
    report = ex.report("ovning9", {"ctx": ctx, "etablering": GOOD, "effekt": effect,
                                   "forklaring": EXPLANATION})
    assert [r.status for r in report.results] == [framework.PASSED] * 3


def test_a_closure_passes_and_lowers_the_need(ctx):
    closure = {**GOOD, "namn": "Nedlagd fabrik", "jobb": -200}
    assert ex.check_establishment(ctx, closure).passed
    effect = establishment_effect.extra_need(ctx.region, [ex.event(ctx, closure)],
                                             base_year=ctx.base_year, target_year=ctx.target_year)
    assert effect["extra_need"].sum() < 0
    assert ex.check_effect(ctx, effect, closure).passed


def test_an_effect_by_another_breakdown_method_passes(ctx):
    effect = establishment_effect.extra_need(ctx.region, [ex.event(ctx, GOOD)],
                                             base_year=ctx.base_year, target_year=ctx.target_year,
                                             method="shift_share")
    assert ex.check_effect(ctx, effect, GOOD).passed


def test_placeholders_say_fill_in_first(ctx):
    placeholder = dict.fromkeys(GOOD, ...)
    assert ex.check_establishment(ctx, placeholder).status == framework.MISSING
    assert ex.check_effect(ctx, ..., placeholder).status == framework.MISSING
    assert ex.check_explanation(ctx, ..., placeholder).status == framework.MISSING


@pytest.mark.parametrize("change,message", [
    ({"jobb": ...}, "Fyll i 'jobb'"),
    ({"näringsgren": "Tilverkning"}, "näringsgren"),
    ({"jobb": 0}, "'jobb' ska vara ett tal skilt från 0"),
    ({"startår": 2050}, "utanför prognosens år"),
    ({"startår": 2020}, "utanför prognosens år"),
    ({"startår": 2023}, "ligger inte efter basåret 2023"),
    ({"upptrappningsår": -1}, "'upptrappningsår' ska vara ett helt antal år"),
    ({"län": "Norrbotten"}, "övningen gäller ditt län Hallands län"),
    ({"jobb": 500_000}, "mer än en fjärdedel"),
])
def test_each_bad_establishment_gets_its_message(ctx, change, message):
    fails_with(ex.check_establishment(ctx, {**GOOD, **change}), message)


def test_a_closure_larger_than_the_industry_is_refused(ctx):
    structure = industry_tables.industry_structure("13")
    mining = float(structure.set_index("industry").loc["B", "employed"])
    result = ex.check_establishment(ctx, {**GOOD, "näringsgren": "B", "jobb": -(mining + 100)})
    fails_with(result, "Nedläggningen tar bort", f"näringsgrenen {industry_label('B')} har bara")


def test_an_establishment_that_is_not_a_dict_is_refused(ctx):
    fails_with(ex.check_establishment(ctx, ["Komponentfabriken", "C", 400]),
               "etablering ska vara en ordbok")


def test_bad_effects_get_their_messages(ctx, effect):
    fails_with(ex.check_effect(ctx, [1, 2, 3], GOOD), "effekt ska vara en tabell")
    fails_with(ex.check_effect(ctx, effect.drop(columns="extra_need"), GOOD),
               "saknar kolumnen extra_need")
    doubled = effect.assign(extra_need=effect["extra_need"] * 2)
    fails_with(ex.check_effect(ctx, doubled, GOOD), "stämmer inte med din etablering")
    layer = industry_tables.establishment_layer([ex.event(ctx, GOOD)], ctx.region)
    jobs = layer[layer["year"] == ctx.target_year].rename(columns={"value": "extra_need"})
    fails_with(ex.check_effect(ctx, jobs, GOOD), "Summan är etableringens jobb")
    texty = effect.astype({"extra_need": object})
    texty.loc[0, "extra_need"] = "många"
    fails_with(ex.check_effect(ctx, texty, GOOD), "tomma värden eller text")
    fails_with(ex.check_effect(ctx, effect, {**GOOD, "jobb": 0}), "Rätta etableringen först")


def test_bad_explanations_get_their_messages(ctx, effect):
    fails_with(ex.check_explanation(ctx, "Fabriken inom tillverkning ger jobb.", GOOD, effect),
               "Skriv 2–3 meningar", "minst 20 ord")
    five = " ".join([EXPLANATION] + ["Det här är ännu en mening om tillverkning."] * 2)
    fails_with(ex.check_explanation(ctx, five, GOOD, effect), "Skriv 2–3 meningar (du har 5)")
    vague = ("Den nya arbetsgivaren ger många nya jobb när den är fullt utbyggd om några år. "
             "Behovet av utbildade ökar då i flera grupper och det märks i länet. Antalet jobb "
             "är vårt eget antagande.")
    fails_with(ex.check_explanation(ctx, vague, GOOD, effect), "Nämn näringsgrenen")
    fails_with(ex.check_explanation(ctx, 42, GOOD, effect), "forklaring ska vara en text")


def test_naming_the_largest_group_instead_of_the_industry_passes(ctx, effect):
    largest = effect.iloc[0]["short_name"]
    text = (f"Den nya arbetsgivaren ger många nya jobb när den är fullt utbyggd om några år. "
            f"Mest ökar behovet i gruppen {largest}, och det märks i länets utbildning. Antalet "
            "jobb är vårt eget antagande.")
    assert ex.check_explanation(ctx, text, GOOD, effect).passed
