"""What a newcomer reads in the checks of exercises 1–3 (issue 17): headings that name the
check, "not filled in" only when it is not, rounding to hundreds accepted as the workbook
teaches, the small-group case of exercise 2 said as it is, and a save cell that shows no
raw path and never suggests a function the notebook has not imported."""

from __future__ import annotations

import re

import numpy as np
import pytest

import kompetens_lib as kl
from kompetens_lib import exercises as ex
from kompetens_lib.exercises.framework import rounded_match
from kompetens_lib.workbook import profile

BASE, TARGET = 2023, 2035

GOOD_MANDATE = {
    "fråga": "Hur många platser i vård- och omsorgsutbildning för vuxna behöver länet "
             "planera för per år fram till 2033?",
    "beslut": "Regionstyrelsen beslutar i juni 2027 om regionens förslag till dimensionering "
              "av regionalt yrkesvux.",
    "uppdragsgivare": "Enhetschefen för analys",
    "mottagare": "Strategen för kompetensförsörjning",
    "klart_senast": "2027-03-15",
    "avgränsning": "Bara gymnasial vård- och omsorgsutbildning; högskolan ingår inte.",
}


def ctx_for(exercise: str, region: str = "12", groups=("713", "702", "103", "305", "502")):
    return ex.context(exercise, region, list(groups))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.:!?])\s+|\n", text) if s.strip()]


def test_heading_names_the_check_and_the_bullet_says_what_to_do():
    result = ex.check_mandate_complete(ctx_for("ovning1"), {"fråga": ...})
    heading, bullet = result.text().splitlines()
    assert result.status == ex.MISSING
    assert "Uppdragets sex delar" in heading and heading.endswith(ex.NOT_FILLED_IN)
    assert "komplett" not in heading  # no verdict in the name of the check
    assert "Skriv ditt svar i uppdrag" in bullet and ex.NOT_FILLED_IN not in bullet
    html = result.html()
    assert html.count(ex.NOT_FILLED_IN) == 1
    all_sentences = sentences(result.text().replace("…", "").replace("–", ""))
    assert len(all_sentences) == len(set(all_sentences))


@pytest.mark.parametrize("check", [ex.check_largest_groups, ex.check_high_lq,
                                   ex.check_method_range, ex.check_own_breakdown])
def test_missing_answers_say_not_filled_in_once_and_what_to_write(check):
    exercise = "ovning2" if check in (ex.check_largest_groups, ex.check_high_lq) else "ovning3"
    result = check(ctx_for(exercise), ...)
    assert result.status == ex.MISSING
    assert result.text().count(ex.NOT_FILLED_IN) == 1
    assert "Skriv ditt svar i" in result.messages[0]


def test_a_filled_in_but_wrong_answer_is_never_called_not_filled_in():
    result = ex.check_mandate_complete(ctx_for("ovning1"), {**GOOD_MANDATE,
                                                             "klart_senast": "15 mars"})
    assert result.status == ex.FAILED
    assert ex.NOT_FILLED_IN not in result.text() and ex.FILL_IN not in result.text()
    one_empty = ex.check_mandate_complete(ctx_for("ovning1"), {**GOOD_MANDATE,
                                                                "mottagare": ...})
    assert "Skriv dem" not in one_empty.text()
    assert "'mottagare' (vem som ska få svaret) tillsammans med din chef" in one_empty.text()


def test_save_cell_says_why_nothing_was_saved_without_fill_in_first_or_code_hints(
        tmp_path, monkeypatch, capsys):
    from kompetens_lib.workbook import mandate

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(mandate.ENV_VAR, raising=False)
    ctx = ctx_for("ovning1")
    assert ex.save_mandate(ctx, {**GOOD_MANDATE, "klart_senast": "15 mars"}) is None
    said = capsys.readouterr().out
    assert "sparades inte" in said and ex.FILL_IN not in said
    assert "allow_incomplete" not in said and "mandate.save" not in said
    assert ex.save_mandate(ctx, {**GOOD_MANDATE, "mottagare": ...}) is None
    said = capsys.readouterr().out
    assert "Mottagaren saknas" in said and "allow_incomplete" not in said
    assert ex.save_mandate(ctx, ...) is None
    assert "inte ifyllt" in capsys.readouterr().out
    assert not (tmp_path / "uppdrag").exists()


def test_the_save_cell_of_exercise_1_shows_no_return_value():
    import nbformat

    from kompetens_lib.exercises.copies import EXERCISES_DIR

    nb = nbformat.read(EXERCISES_DIR / "ovning1_uppdraget.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "save_mandate" in c.source)
    assert re.match(r"^\w+ = ex\.save_mandate\(", cell.source.strip())


def test_small_groups_with_a_high_quotient_are_named_as_too_small():
    lq = profile.location_quotients("23", BASE)
    ctx = ctx_for("ovning2", "23")
    small = lq[(lq["lq"] > 1.2) & (lq["employed"] < ex.LQ_MIN_EMPLOYED)]
    right = lq[(lq["lq"] > 1.2) & (lq["employed"] >= ex.LQ_MIN_EMPLOYED)]
    assert len(small) and len(right)
    answer = list(right["education_group"]) + [small["education_group"].iloc[0]]
    text = " ".join(ex.check_high_lq(ctx, answer).messages)
    assert "färre än 500 förvärvsarbetande" in text
    assert "inte kvot över 1,2" not in text
    low = lq[(lq["lq"] < 1.0) & (lq["employed"] >= ex.LQ_MIN_EMPLOYED)]
    text = " ".join(ex.check_high_lq(ctx, list(right["education_group"])
                                     + [low["education_group"].iloc[0]]).messages)
    assert "1 av dina grupper har inte kvot över 1,2" in text


def test_the_preview_in_exercise_2_does_not_show_the_three_largest_groups_first():
    import nbformat

    from kompetens_lib.exercises.copies import EXERCISES_DIR

    nb = nbformat.read(EXERCISES_DIR / "ovning2_nulaget.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "location_quotients" in c.source)
    namespace = {"ex": ex, "ctx": ctx_for("ovning2", "23"), "kl": kl}
    exec(cell.source.replace("from kompetens_lib import profile", ""),
         {**namespace, "profile": profile}, namespace)
    # the cell's last line is an expression: evaluate it to get what the cell shows
    shown = eval(cell.source.strip().splitlines()[-1].split("  #")[0],
                 {**namespace, "profile": profile}, namespace)
    first = list(shown.frame["education_group"].head(3))
    largest = list(profile.location_quotients("23", BASE)["education_group"].head(3))
    assert set(first) != set(largest)


def test_rounded_range_is_accepted_and_said_so():
    """The issue's case: Jämtland, Gymn. vård och omsorg, a range of about 296 written as
    300 (the rounding the workbook teaches) passes and says it was read as rounded."""
    assert rounded_match(300, 296) and rounded_match(1200, 1249) and not rounded_match(290, 296)
    assert not rounded_match(200, 238.7) and rounded_match(240, 238.7)  # tens under 1 000
    from kompetens_lib.exercises import ovning3_nedbrytningen as o3

    # A group whose range, rounded as the workbook rounds, lies outside the 1 % the check
    # allows for an exact answer (which group that is depends on the example data).
    for group in ("702", "505", "507", "503", "501", "504", "515", "518", "513", "522"):
        ctx = ctx_for("ovning3", "23", [group])
        spread = o3._spread(o3._ranges(ctx, "demand"), TARGET)
        rounded = float(round(spread, -2 if spread >= 1000 else -1))
        if abs(rounded - spread) > 0.01 * spread:
            break
    else:
        pytest.fail("no group's rounded range is outside 1 %: choose other groups")
    result = ex.check_method_range(ctx, rounded)
    assert result.status == ex.PASSED, result.text()
    assert "avrundat som arbetsboken avrundar" in " ".join(result.messages)
    near = ex.check_method_range(ctx, round(spread * 1.15))  # within 20 %, not rounding
    assert near.status == ex.FAILED
    assert "Nära" in near.messages[0] and "1 %" in near.messages[0]


def test_own_breakdown_rounded_to_hundreds_passes_with_a_note():
    ctx = ctx_for("ovning3", "23")
    employed = kl.load("employed")
    forecast = kl.load("national_forecast")
    base = employed[(employed["year"] == BASE) & (employed["education_group"] == "713")]
    share = (base.loc[base["region"] == "23", "value"].sum()
             / base.loc[base["region"] == "00", "value"].sum())
    group = forecast[forecast["education_group"] == "713"]
    exact = group["demand"] * share
    answer = group.assign(value=np.round(exact, -2))[["year", "value"]]
    assert (abs(answer["value"] - exact) > 0.005 * exact).any()  # not within 0.5 % alone
    result = ex.check_own_breakdown(ctx, answer)
    assert result.status == ex.PASSED, result.text()
    assert "avrundade som arbetsboken avrundar" in result.messages[0]


def test_retirements_rounded_as_the_workbook_rounds_pass_with_a_note():
    ctx = ctx_for("ovning4", "23")
    table = kl.retirements(kl.load("employed"), horizon=10)
    row = table[(table["region"] == "23") & (table["education_group"] == ctx.group)]
    expected = float(row["value"].sum())
    assert 100 < expected < 1000  # tens, not hundreds, below 1 000
    tens = float(round(expected, -1))
    result = ex.check_retirements(ctx, tens)
    assert result.status == ex.PASSED, result.text()
    if abs(tens - expected) > max(0.01 * expected, 1.0):
        assert "avrundat som arbetsboken avrundar" in result.messages[0]
    assert ex.check_retirements(ctx, float(round(expected, -2))).status == ex.FAILED


def test_several_empty_mandate_fields_are_listed_with_och_not_semicolons():
    result = ex.check_mandate_complete(ctx_for("ovning1"), {**GOOD_MANDATE, "beslut": "",
                                                             "avgränsning": ...})
    text = result.text()
    assert ("'beslut' (beslutet som svaret ska stödja) och 'avgränsning' (vad som inte ingår) "
            "tillsammans med din chef") in text
    assert ";" not in text


def test_the_default_groups_line_says_which_groups_are_left_out():
    from kompetens_lib.exercises.framework import context_bundle

    shown = context_bundle(ex.context("ovning2", "24", []))["text/plain"]
    assert "utom förgymnasial och okänd utbildning" in shown


def test_largest_groups_without_compulsory_school_are_told_to_count_every_group():
    # Västerbotten: Grundskola is among the three largest, but not among the priority groups
    # the exercise shows at the top; an answer copied from there is told why it is off.
    ctx = ex.context("ovning2", "24", [])
    largest = list(profile.location_quotients("24", BASE)["education_group"].head(3))
    priority = list(ex.default_groups("24", BASE)[:3])
    assert set(largest) != set(priority)
    text = ex.check_largest_groups(ctx, priority).messages[0]
    assert "prioriterade grupperna" in text and "alla utbildningsgrupper" in text
    assert ex.check_largest_groups(ctx, largest).status == ex.PASSED


def test_a_comma_separated_text_is_asked_to_be_a_list_but_a_name_with_a_comma_is_a_group():
    ctx = ex.context("ovning2", "24", [])
    result = ex.check_largest_groups(ctx, "702, 002, 003")
    assert result.status == ex.FAILED
    assert "ska vara en lista med en text per grupp" in result.messages[0]
    assert "Okänd utbildningsgrupp" not in result.messages[0]
    one = ex.check_high_lq(ctx, "Gymn. data, el och energi")
    assert "Okänd" not in one.text() and "en text per grupp" not in one.text()


def test_a_range_rounded_to_hundreds_below_1000_is_told_the_tens_rule():
    from kompetens_lib.exercises import ovning3_nedbrytningen as o3

    ctx = ex.context("ovning3", "24", [])  # Gymn. vård och omsorg: a range a little under 1 000
    spread = o3._spread(o3._ranges(ctx, "demand"), TARGET)
    assert 100 < spread < 1000
    hundreds = float(round(spread, -2))
    assert abs(hundreds - spread) > 0.01 * spread  # not within the 1 % for an exact answer
    text = " ".join(ex.check_method_range(ctx, hundreds).messages)
    assert "under 1 000 avrundar arbetsboken till tiotal" in text
    tens = ex.check_method_range(ctx, float(round(spread, -1)))
    assert tens.status == ex.PASSED
    if round(spread, -1) != round(spread):
        assert "avrundat som arbetsboken avrundar" in tens.text()


def test_a_series_with_row_numbers_is_told_to_index_it_by_year():
    ctx = ctx_for("ovning3", "24")
    forecast = kl.load("national_forecast")
    rows = forecast.loc[forecast["education_group"] == ctx.group, "demand"] * 0.03
    text = " ".join(ex.check_own_breakdown(ctx, rows).messages)
    assert "radnummer" in text and "År saknas" not in text


def test_library_warnings_read_as_one_swedish_line_in_a_notebook(capsys):
    import warnings

    from kompetens_lib.errors import KompetensWarning, plain_warnings

    with warnings.catch_warnings(record=True) as others:  # restores showwarning after
        plain_warnings()
        plain_warnings()  # once per process, however often the setup cell runs
        warnings.simplefilter("always")
        warnings.warn("Seriebrott i sysselsättningen.", KompetensWarning, stacklevel=1)
        warnings.warn("other", UserWarning, stacklevel=1)
    err = capsys.readouterr().err
    assert "Obs! Seriebrott i sysselsättningen.\n" in err
    assert "KompetensWarning" not in err and err.count("Obs!") == 1
    assert [w.category for w in others] == [UserWarning]  # Python's own way, untouched
