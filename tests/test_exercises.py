"""Exercises: participant copies from the masters, and every check function.

Each check is tried with a right answer (passes), typical wrong answers (the Swedish hint
that fits), a missing answer ("Inte ifyllt än", then what to do), and never shows the value it
compares with.
"""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import altair as alt
import nbformat
import numpy as np
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib import exercises as ex
from kompetens_lib.cli.exercises import main as exercises_main
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises import answers, ovning2_nulaget
from kompetens_lib.present import charts, summaries
from kompetens_lib.workbook import profile

ROOT = Path(__file__).resolve().parents[1]
MASTERS = ROOT / "exercises" / "masters"
BASE, TARGET = 2023, 2035


# --- helpers ----------------------------------------------------------------------------------

def ctx_for(exercise: str, region: str = "12", groups=("713", "702", "103", "305", "502")):
    return ex.context(exercise, region, list(groups))


def text_of(result) -> str:
    return " ".join(result.messages)


def number_forms(value: float) -> set[str]:
    """Ways an expected number could be printed (rounded, decimals, Swedish separators)."""
    forms = set()
    for digits in (0, 1, 2):
        plain = f"{value:.{digits}f}"
        forms |= {plain, plain.replace(".", ","), f"{value:,.{digits}f}".replace(",", " "),
                  f"{value:,.{digits}f}".replace(",", "\u00a0")}
    return {f for f in forms if len(f.replace(",", "").replace(".", "").replace(" ", "")) >= 3}


def assert_no_leak(result, *values: float, names=()):
    message = json.dumps(result.as_dict(), ensure_ascii=False)
    for value in values:
        for form in number_forms(float(value)):
            assert form not in message, (form, message)
    for name in names:
        assert name not in message, (name, message)


def passes(result):
    assert result.status == ex.PASSED, result.text()
    assert "Alla synliga kontroller godkända" in result.text()


def fails_with(result, *phrases):
    assert result.status == ex.FAILED, result.text()
    for phrase in phrases:
        assert phrase in text_of(result), (phrase, text_of(result))


def is_missing(result):
    """Not filled in: the heading names the check and says so; the bullet says what to do,
    and no sentence is said twice."""
    assert result.status == ex.MISSING, result.text()
    heading, *bullets = result.text().splitlines()
    assert heading.endswith(ex.NOT_FILLED_IN) and result.title in heading, heading
    assert bullets and all(ex.NOT_FILLED_IN not in b for b in bullets), result.text()
    sentences = [s.strip() for s in re.split(r"(?<=[.:!?])\s", result.text()) if s.strip()]
    assert len(sentences) == len(set(sentences)), result.text()


@pytest.fixture(scope="module")
def employed():
    return kl.load("employed")


@pytest.fixture(scope="module")
def forecast():
    return kl.load("national_forecast")


def group_sums(employed, region, year=BASE):
    part = employed[(employed["region"] == region) & (employed["year"] == year)]
    return part.groupby("education_group")["value"].sum().sort_values(ascending=False)


# --- participant copies -------------------------------------------------------------------------

def test_participant_copies_are_up_to_date_with_the_masters():
    stale = ex.build_participant_copies(check=True)
    assert stale == [], ("Kör python -m kompetens_lib.exercises", stale)
    assert exercises_main(["--check"]) == 0


def test_command_line_writes_stale_copies_and_checks_them(tmp_path, capsys):
    out = tmp_path / "ovningar"
    out.mkdir()
    assert exercises_main(["--check", "--out", str(out)]) == 1
    assert "Inaktuella deltagarexemplar" in capsys.readouterr().out
    assert list(out.iterdir()) == []
    assert exercises_main(["--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [e.filename for e in ex.EXERCISES.values()]
    assert exercises_main(["--check", "--out", str(out)]) == 0
    assert exercises_main(["--masters", str(tmp_path / "saknas")]) == 2
    assert "fel: Hittade inga övningar" in capsys.readouterr().out


def _literals(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)) \
                and not isinstance(node.value, bool):
            text = str(node.value)
            if len(text) >= 4:
                found.add(text)
    return found


@pytest.mark.parametrize("master", sorted(MASTERS.glob("ovning*.ipynb")), ids=lambda p: p.stem)
def test_participant_copy_contains_no_solution(master):
    nb = nbformat.read(master, as_version=4)
    copy = ex.participant_copy(nb)
    text = nbformat.writes(copy)
    solutions = [c for c in nb.cells if ex.SOLUTION_TAG in c.metadata.get("tags", [])]
    notes = [c for c in nb.cells if ex.FACILITATOR_TAG in c.metadata.get("tags", [])]
    assert solutions, "every master has solution cells"
    others = "\n".join(c.source for c in nb.cells if c not in solutions and c not in notes)
    for cell in solutions:
        assert cell.source not in text
        placeholder = cell.metadata.get("kompetens", {}).get("placeholder", "")
        for line in cell.source.splitlines():
            line = line.strip()
            if len(line) > 12 and line not in others and line not in placeholder:
                assert line not in text, line
        for literal in _literals(cell.source) if cell.cell_type == "code" else ():
            if literal not in others and literal not in placeholder:
                assert literal not in text, literal
    for cell in notes:
        assert cell.source not in text
    for cell in copy.cells:
        tags = cell.metadata.get("tags", [])
        assert ex.SOLUTION_TAG not in tags and ex.FACILITATOR_TAG not in tags
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # every solution became a placeholder that still defines the answer names, as `...`
    answers = [c for c in copy.cells if "svar" in c.metadata.get("tags", [])]
    assert len(answers) == len(solutions)
    for cell in answers:
        assert "..." in cell.source
    assert copy.metadata["kompetens"]["exercise"] == nb.metadata["kompetens"]["exercise"]


def test_placeholder_is_derived_from_the_solution_when_not_given():
    cell = nbformat.v4.new_code_cell("x = 1\nsvar, y = 2, 3\nsvar = x + 4")
    cell.metadata = {"tags": ["solution"]}
    nb = nbformat.v4.new_notebook(cells=[cell])
    copy = ex.participant_copy(nb)
    assert copy.cells[0].source.splitlines() == [
        "x = ...  # skriv ditt svar här", "svar = ...  # skriv ditt svar här"]


def test_every_master_is_registered_and_calls_all_its_checks():
    masters = sorted(MASTERS.glob("ovning*.ipynb"))
    assert [m.stem for m in masters] == [e.stem for e in ex.EXERCISES.values()]
    for path in masters:
        nb = nbformat.read(path, as_version=4)
        exercise = nb.metadata["kompetens"]["exercise"]
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
        assert f'ex.start("{exercise}"' in source and f'ex.report("{exercise}"' in source
        for spec in ex.checks(exercise):
            assert f"ex.{spec.function.__name__}(ctx" in source, spec.id
            for variable in spec.variables:
                assert f"{variable} = " in source, (exercise, variable)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "Det här övar du" in text and "Tid:" in text and "Att ta med dig" in text


def _execute_in_process(path: Path, region: str, groups=()) -> ex.ExerciseReport:
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            source += f"\nregion = {region!r}\nprioriterade_grupper = {list(groups)!r}"
        exec(compile(source, str(path), "exec"), namespace)  # noqa: S102
    return ex.run_checks(nb.metadata["kompetens"]["exercise"], namespace)


def _fake_executed_notebook(region: str, path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(f'region = "{region}"')
    params.metadata["tags"] = ["parameters"]
    params.execution_count = 1
    shown = nbformat.v4.new_code_cell("profile.show_key_figures(figures)")
    shown.execution_count = 2
    shown.outputs = [nbformat.v4.new_output(
        "display_data", data=summaries.key_figures_bundle(profile.key_figures(region, BASE)))]
    nb.cells = [params, shown]
    nbformat.write(nb, path)


@pytest.mark.parametrize("region,groups", [("12", ()), ("01", ("713", "Förskollärare")),
                                           ("13", ()), ("25", ("702",))])
def test_master_solutions_pass_every_check(region, groups, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _fake_executed_notebook("09" if region != "09" else "10", tmp_path / "01_nulage_halland.ipynb")
    (tmp_path / "anpassade").mkdir()
    _fake_executed_notebook(region, tmp_path / "anpassade" / "01_nulage-mitt-lan.ipynb")
    for path in sorted(MASTERS.glob("ovning*.ipynb")):
        report = _execute_in_process(path, region, groups)
        assert report.problem == ""
        for result in report.results:
            assert result.status == ex.PASSED, (path.stem, region, result.text())


def test_participant_copies_run_and_say_fill_in_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for path in sorted((ROOT / "exercises").glob("ovning*.ipynb")):
        report = _execute_in_process(path, "05")
        for result in report.results:
            is_missing(result)
    assert not (tmp_path / "uppdrag").exists()  # nothing saved from an empty mandate


# --- context and display ------------------------------------------------------------------------

def test_context_resolves_county_and_groups_and_defaults():
    ctx = ex.context("2", 5, "Sjuksköterskor; 103", deltagare="Åsa")
    assert ctx.exercise == "ovning2" and ctx.region == "05" and ctx.groups == ("713", "103")
    assert ctx.base_year == BASE and ctx.target_year == TARGET and ctx.participant == "Åsa"
    default = ex.context("ovning5", "Skåne")
    assert default.default_groups_used and len(default.groups) == 5
    levels = kl.education_groups().set_index("code")["level"]
    assert all(levels[g] not in ("förgymnasial", "okänd") for g in default.groups)
    assert ex.parse_groups("Pedagogik, ej examen") == ["102"]
    assert ex.parse_groups("713, 103") == ["713", "103"]


def test_bad_parameters_are_explained_in_swedish():
    with pytest.raises(KompetensError, match="Okänt län: 'Skåna'. Menade du 'Skåne län'"):
        ex.context("ovning2", "Skåna")
    with pytest.raises(KompetensError, match="Okänd utbildningsgrupp: 'Rymdpiloter'"):
        ex.context("ovning2", "12", ["Rymdpiloter"])
    with pytest.raises(KompetensError, match="Okänd övning: 'ovning99'. Giltiga övningar: 1"):
        ex.context("ovning99", "12")


def test_check_result_displays_itself_with_json_for_the_feedback():
    result = ex.check_messages(ctx_for("ovning7"), ["Ett budskap med 12 ord här och där",
                                                     "Ett annat budskap med 3 ord och så",
                                                     "Ett tredje budskap med 45 ord ungefär"])
    bundle = result._repr_mimebundle_()
    assert bundle[ex.CHECK_MIME]["status"] == "passed"
    assert "Alla synliga kontroller godkända" in bundle["text/html"]
    report = ex.run_checks("ovning7", {"ctx": ctx_for("ovning7")})
    data = report._repr_mimebundle_()[ex.REPORT_MIME]
    assert [c["status"] for c in data["checks"]] == ["missing"] * 3


def test_checks_without_context_or_with_bad_parameters_are_kind():
    result = ex.check_largest_groups(None, ["702"])
    assert result.status == ex.FAILED and "ex.start" in text_of(result)
    assert ex.NOT_FILLED_IN not in result.text()  # the answer is there: only ctx is not
    report = ex.run_checks("ovning2", {"region": "Atlantis", "storsta_grupper": ["702"]})
    assert "Parametrarna överst i anteckningsboken är ogiltiga" in report.problem
    assert all(r.status == ex.FAILED and report.problem not in r.text()
               for r in report.results)


def test_a_strange_answer_never_raises():
    result = ex.check_retirements(ctx_for("ovning4"), object())
    assert result.status == ex.FAILED and "ska vara ett tal" in text_of(result)


# --- exercise 1 --------------------------------------------------------------------------------

GOOD_MANDATE = {
    "fråga": ("Hur många platser i yrkesvux för undersköterskor behöver länet planera för "
              "till 2030?"),
    "beslut": "Regionstyrelsen beslutar om förslaget till dimensionering i juni.",
    "uppdragsgivare": "Enhetschefen för analys",
    "mottagare": "Strategen för kompetensförsörjning",
    "klart_senast": "2027-03-15",
    "avgränsning": "Högskolans utbildningar ingår inte.",
}


def test_mandate_checks():
    ctx = ctx_for("ovning1")
    passes(ex.check_mandate_complete(ctx, GOOD_MANDATE))
    passes(ex.check_mandate_question(ctx, GOOD_MANDATE))
    folded = {"fraga": GOOD_MANDATE["fråga"], **{k: v for k, v in GOOD_MANDATE.items()
                                                 if k not in ("fråga", "avgränsning",
                                                              "uppdragsgivare", "klart_senast")},
              "avgransning": GOOD_MANDATE["avgränsning"], "chef": "Enhetschefen",
              "deadline": "2027-03-15"}
    passes(ex.check_mandate_complete(ctx, folded))
    is_missing(ex.check_mandate_complete(ctx, ...))
    is_missing(ex.check_mandate_complete(ctx, {k: ... for k in GOOD_MANDATE}))
    is_missing(ex.check_mandate_question(ctx, {**GOOD_MANDATE, "fråga": ...}))
    fails_with(ex.check_mandate_complete(ctx, {**GOOD_MANDATE, "beslut": ...,
                                               "uppdragsgivare": ""}),
               "Fyll i 'beslut'", "'uppdragsgivare' (chefen som gav uppdraget)")
    fails_with(ex.check_mandate_complete(ctx, {**GOOD_MANDATE, "klart_senast": "15 mars"}),
               "Skriv datumet i 'klart_senast' som ÅÅÅÅ-MM-DD")
    fails_with(ex.check_mandate_complete(ctx, {**GOOD_MANDATE, "mottagare": "Jag"}),
               "namngiven person eller roll")
    fails_with(ex.check_mandate_complete(ctx, "ett uppdrag"), "ordbok (dict)")
    fails_with(ex.check_mandate_question(ctx, {**GOOD_MANDATE, "fråga": GOOD_MANDATE[
        "fråga"].rstrip("?")}), "frågetecken")
    fails_with(ex.check_mandate_question(ctx, {**GOOD_MANDATE, "beslut": "Det är viktigt."}),
               "beskriver inget beslut")
    fails_with(ex.check_mandate_question(ctx, {
        **GOOD_MANDATE, "fråga": "Hur har sysselsättningen utvecklats i länet sedan år 2010?"}),
        "Frågan nämner inte beslutet")


def test_mandate_from_the_mandate_module_and_saved_as_the_countys_mandate(tmp_path,
                                                                        monkeypatch):
    from kompetens_lib.workbook import mandate

    written = mandate.Mandate("12", question=GOOD_MANDATE["fråga"],
                              decision=GOOD_MANDATE["beslut"],
                              requested_by=GOOD_MANDATE["uppdragsgivare"],
                              recipient=GOOD_MANDATE["mottagare"],
                              deadline=GOOD_MANDATE["klart_senast"],
                              scope=GOOD_MANDATE["avgränsning"])
    passes(ex.check_mandate_complete(ctx_for("ovning1"), written))
    passes(ex.check_mandate_question(ctx_for("ovning1"), written))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(mandate.ENV_VAR, raising=False)
    assert ex.save_mandate(ctx_for("ovning1"), {**GOOD_MANDATE, "klart_senast": ...}) is None
    path = ex.save_mandate(ctx_for("ovning1"), GOOD_MANDATE)
    assert path == tmp_path / "uppdrag" / "12.json"
    loaded = mandate.load("12")
    assert loaded.question == GOOD_MANDATE["fråga"] and not loaded.example
    assert loaded.requested_by == GOOD_MANDATE["uppdragsgivare"]
    bundle = ex.context_bundle(ctx_for("ovning2"), ex.saved_mandate("12"))
    assert "Ditt uppdrag" in bundle["text/plain"] and GOOD_MANDATE["fråga"] in bundle["text/plain"]
    assert ex.saved_mandate("05") is None  # the example mandate is not shown as yours


def test_a_released_folder_keeps_its_own_mandate(tmp_path, monkeypatch):
    from kompetens_lib.workbook import mandate

    monkeypatch.delenv(mandate.ENV_VAR, raising=False)
    book = tmp_path / "arbetsbok"
    (book / "notebooks").mkdir(parents=True)
    folder = book / "deltagare" / "anna"
    folder.mkdir(parents=True)
    (folder / ex.RELEASE_MANIFEST).write_text("{}", encoding="utf-8")
    monkeypatch.chdir(folder)
    assert ex.save_mandate(ctx_for("ovning1"), GOOD_MANDATE) == Path("uppdrag") / "12.json"
    assert (folder / "uppdrag" / "12.json").exists() and not (book / "uppdrag").exists()
    assert ex.saved_mandate("12")["fråga"] == GOOD_MANDATE["fråga"]


# --- exercise 2 --------------------------------------------------------------------------------

def test_largest_groups(employed):
    ctx = ctx_for("ovning2", "01")
    top = group_sums(employed, "01")
    right = list(top.index[:3])
    passes(ex.check_largest_groups(ctx, right))
    names = kl.education_groups().set_index("code")["short_name"]
    passes(ex.check_largest_groups(ctx, [names[g] for g in right]))
    passes(ex.check_largest_groups(ctx, top.head(3)))  # a Series of counts, groups in the index
    riket = list(group_sums(employed, "00").index[:3])
    assert set(riket) != set(right)
    wrong = ex.check_largest_groups(ctx, riket)
    fails_with(wrong, "rikets tre största")
    assert_no_leak(wrong, names=[names[g] for g in right if g not in riket])
    lq = profile.location_quotients("01", BASE).sort_values("lq", ascending=False)
    fails_with(ex.check_largest_groups(ctx, list(lq["education_group"][:3])),
               "sorterat efter lokaliseringskvot")
    fails_with(ex.check_largest_groups(ctx, right[:2]), "exakt tre")
    fails_with(ex.check_largest_groups(ctx, ["Rymdpiloter", "702", "305"]),
               "Okänd utbildningsgrupp: 'Rymdpiloter'")
    other = ex.check_largest_groups(ctx, ["709", "713", "106"])
    fails_with(other, "av de tre stämmer")
    assert_no_leak(other, names=[names[g] for g in right])
    is_missing(ex.check_largest_groups(ctx, ...))


def test_largest_groups_of_another_year(employed, monkeypatch):
    ctx = ctx_for("ovning2", "01")
    then = list(group_sums(employed, "01", 2010).index[:3])
    assert set(then) != set(group_sums(employed, "01").index[:3])  # true in the example data
    # Stockholm 2010 happens to equal Riket 2023; hide Riket to reach the year hint.
    real = ovning2_nulaget._top3
    monkeypatch.setattr(ovning2_nulaget, "_top3",
                        lambda r, y, s: {"x"} if r == "00" else real(r, y, s))
    fails_with(ex.check_largest_groups(ctx, then), "annat år", "basåret 2023")


def test_high_location_quotients():
    lq = profile.location_quotients("09", BASE)
    ctx = ctx_for("ovning2", "09")
    right = lq[(lq["lq"] > 1.2) & (lq["employed"] >= 500)]
    passes(ex.check_high_lq(ctx, right))  # the filtered frame itself
    passes(ex.check_high_lq(ctx, list(right["short_name"])))
    small = lq[lq["lq"] > 1.2]
    assert len(small) > len(right)
    fails_with(ex.check_high_lq(ctx, list(small["education_group"])), "små grupper")
    fails_with(ex.check_high_lq(ctx, list(lq[(lq["lq"] > 1) & (lq["employed"] >= 500)]
                                          ["education_group"])), "över 1,0")
    partial = ex.check_high_lq(ctx, list(right["education_group"][:1]) + ["709"])
    fails_with(partial, "Listan stämmer inte helt", "saknas")
    assert_no_leak(partial, names=list(right["short_name"][1:]))
    fails_with(ex.check_high_lq(ctx, []), "saknas")
    from kompetens_lib.reference.regions import COUNTY_CODES

    none_high = [code for code in COUNTY_CODES
                 if profile.location_quotients(code, BASE)
                 .query("lq > 1.2 and employed >= 500").empty]
    for code in none_high[:1]:  # where no group reaches 1.2, the empty list is right
        passes(ex.check_high_lq(ctx_for("ovning2", code), []))
    is_missing(ex.check_high_lq(ctx, ...))


def test_lq_explanation():
    ctx = ctx_for("ovning2")
    good = ("Sjuksköterskor är en större del av de förvärvsarbetande i länet än i riket. "
            "Det beror troligen på universitetssjukhuset, t.ex. i Lund.")
    passes(ex.check_lq_explanation(ctx, good))
    fails_with(ex.check_lq_explanation(ctx, "Sjuksköterskor är många här jämfört med riket."),
               "två meningar")
    fails_with(ex.check_lq_explanation(ctx, "Gruppen är stor här. Den är större än i riket."),
               "Nämn gruppen")
    fails_with(ex.check_lq_explanation(ctx, "Sjuksköterskor är många. Sjukhuset är stort."),
               "Jämför med riket")
    fails_with(ex.check_lq_explanation(ctx, 42), "text inom citattecken")
    is_missing(ex.check_lq_explanation(ctx, "  "))


# --- exercise 3 --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_breakdown(employed, forecast):
    base = employed[(employed["year"] == BASE) & (employed["education_group"] == "713")]
    share = (base.loc[base["region"] == "12", "value"].sum()
             / base.loc[base["region"] == "00", "value"].sum())
    group = forecast[forecast["education_group"] == "713"]
    return group.assign(value=group["demand"] * share)[["year", "value"]].reset_index(drop=True)


def test_own_breakdown_right_and_missing(own_breakdown):
    ctx = ctx_for("ovning3")
    passes(ex.check_own_breakdown(ctx, own_breakdown))
    passes(ex.check_own_breakdown(ctx, own_breakdown.set_index("year")["value"]))
    passes(ex.check_own_breakdown(ctx, own_breakdown.assign(region="12", education_group="713")))
    is_missing(ex.check_own_breakdown(ctx, ...))


def test_own_breakdown_hints(own_breakdown, employed, forecast):
    ctx = ctx_for("ovning3")
    group = forecast[forecast["education_group"] == "713"].reset_index(drop=True)
    expected = own_breakdown["value"].to_numpy()
    national = own_breakdown.assign(value=group["demand"].to_numpy())
    fails_with(ex.check_own_breakdown(ctx, national), "rikets prognos")
    share = expected[0] / group["demand"].iloc[0]
    supply = own_breakdown.assign(value=group["supply"].to_numpy() * share)
    fails_with(ex.check_own_breakdown(ctx, supply), "tillgången (supply)")
    half = own_breakdown.assign(value=expected * 0.5)
    fails_with(ex.check_own_breakdown(ctx, half), "rikets rader", "hälften")
    base = employed[(employed["year"] == BASE) & (employed["region"] == "12")]
    of_county = base.loc[base["education_group"] == "713", "value"].sum() / base["value"].sum()
    fails_with(ex.check_own_breakdown(ctx, own_breakdown.assign(
        value=group["demand"].to_numpy() * of_county)), "inte gruppens del av länets")
    old = employed[(employed["year"] == 2012) & (employed["education_group"] == "713")]
    old_share = (old.loc[old["region"] == "12", "value"].sum()
                 / old.loc[old["region"] == "00", "value"].sum())
    fails_with(ex.check_own_breakdown(ctx, own_breakdown.assign(
        value=group["demand"].to_numpy() * old_share)), "Andelen kommer från år 2012")
    fails_with(ex.check_own_breakdown(ctx, own_breakdown[own_breakdown["year"] <= 2030]),
               "År saknas: 2031–2035")
    noisy = own_breakdown.assign(value=expected * np.linspace(1.0, 1.2, len(expected)))
    result = ex.check_own_breakdown(ctx, noisy)
    fails_with(result, "mer än kontrollen tillåter (0,5 %")
    fails_with(ex.check_own_breakdown(ctx, own_breakdown.assign(region="14")), "fel län")
    fails_with(ex.check_own_breakdown(ctx, [1, 2, 3]), "year och value")
    for r in (result, ex.check_own_breakdown(ctx, half), ex.check_own_breakdown(ctx, national)):
        assert_no_leak(r, *expected)


def _methods(forecast, employed, column="demand", history=None):
    frame = kl.compare_methods(forecast, history if history is not None else employed,
                               region="12", base_year=BASE, column=column, detail=True)
    return frame[frame["education_group"] == "713"]


def test_method_range(forecast, employed):
    ctx = ctx_for("ovning3")
    methods = _methods(forecast, employed)
    target = methods[methods["year"] == TARGET]["value"]
    spread = float(target.max() - target.min())
    passes(ex.check_method_range(ctx, spread))
    passes(ex.check_method_range(ctx, np.float64(spread)))
    fails_with(ex.check_method_range(ctx, -spread), "kan inte vara negativt")
    fails_with(ex.check_method_range(ctx, float(target.iloc[1])), "en av metodernas prognoser")
    supply = _methods(forecast, employed, "supply", kl.load("labour_force"))
    supply = supply[supply["year"] == TARGET]["value"]
    fails_with(ex.check_method_range(ctx, float(supply.max() - supply.min())), "tillgången")
    fails_with(ex.check_method_range(ctx, spread / float(np.median(target))), "antal personer")
    earlier = methods[methods["year"] == 2030]["value"]
    fails_with(ex.check_method_range(ctx, float(earlier.max() - earlier.min())),
               "annat år", str(TARGET))
    fails_with(ex.check_method_range(ctx, "123"), "inte texten")
    wrong = ex.check_method_range(ctx, spread * 3 + 17)
    fails_with(wrong, "Värdet stämmer inte")
    assert_no_leak(wrong, spread, *target)
    is_missing(ex.check_method_range(ctx, None))


def test_method_range_of_notebook_02_with_the_industry_method_passes_too():
    from kompetens_lib.workbook.breakdown_tables import method_range, method_values

    ctx = ctx_for("ovning3")
    values = method_values("12", "demand", base_year=BASE)
    values = values[values["education_group"] == "713"]
    assert "industry" in set(values["method"])
    shown = float(method_range(values, TARGET, n=1)["spread"].iloc[0])
    passes(ex.check_method_range(ctx, shown))


def test_method_explanation():
    ctx = ctx_for("ovning3")
    good = ("Trendandelen ger högst värde för Skåne eftersom länets andel av gruppen har ökat "
            "de senaste tio åren. Fast andel låter andelen stå still och hamnar lägre, och "
            "RAS ligger nära fast andel.")
    passes(ex.check_method_explanation(ctx, good))
    fails_with(ex.check_method_explanation(ctx, "Trend och fast andel skiljer sig i länet."),
               "minst 25 ord")
    fails_with(ex.check_method_explanation(ctx, good.replace("Fast andel", "Den andra")
                                            .replace("fast andel", "den").replace("RAS", "den")),
               "minst två av metoderna")
    fails_with(ex.check_method_explanation(ctx, good.replace("Skåne", "Gotland")
                                            .replace("länets", "dess")), "Skriv om ditt län")
    assert answers.mentions("RAS ger", ["ras"], word_start=True)
    assert not answers.mentions("det prioriteras", ["ras"], word_start=True)


# --- exercise 4 --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ages(employed):
    part = employed[(employed["region"] == "12") & (employed["education_group"] == "713")
                    & (employed["year"] == BASE)]
    return part.set_index("age_band")["value"].astype(float)


def test_retirements(ages, employed):
    ctx = ctx_for("ovning4")
    right = 0.9 * ages["55-64"] + ages["65-74"]
    passes(ex.check_retirements(ctx, right))
    library = kl.retirements(employed, horizon=10)
    mine = library[(library["region"] == "12") & (library["education_group"] == "713")]
    passes(ex.check_retirements(ctx, mine["value"]))  # a one-row Series is fine
    for wrong, phrase in ((ages["55-64"] + ages["65-74"], "alla som är 55 år och äldre"),
                          (ages["55-64"], "65–74 år saknas"),
                          (0.9 * ages["55-64"], "65–74 år saknas")):
        result = ex.check_retirements(ctx, wrong)
        fails_with(result, phrase)
        assert_no_leak(result, right)
    national = library[library["education_group"] == "713"]["value"].sum()
    fails_with(ex.check_retirements(ctx, national), "rikets pensionsavgångar")
    five = kl.retirements(employed, horizon=5)
    five = five[(five["region"] == "12") & (five["education_group"] == "713")]["value"].sum()
    fails_with(ex.check_retirements(ctx, five), "5 års horisont")
    fails_with(ex.check_retirements(ctx, library["value"]), "enda tal")
    fails_with(ex.check_retirements(ctx, float("nan")), "inget tal")
    fails_with(ex.check_retirements(ctx, True), "ska vara ett tal")
    is_missing(ex.check_retirements(ctx, ...))


def test_retirement_share(ages, employed):
    ctx = ctx_for("ovning4")
    share = (0.9 * ages["55-64"] + ages["65-74"]) / ages.sum()
    passes(ex.check_retirement_share(ctx, share))
    result = ex.check_retirement_share(ctx, share * 100)
    fails_with(result, "decimaltal")
    assert_no_leak(result, share * 100)
    national = employed[(employed["region"] == "00") & (employed["education_group"] == "713")
                        & (employed["year"] == BASE)].set_index("age_band")["value"]
    national_share = (0.9 * national["55-64"] + national["65-74"]) / national.sum()
    if abs(national_share - share) > 0.006:
        fails_with(ex.check_retirement_share(ctx, national_share), "andelen i riket")
    fails_with(ex.check_retirement_share(ctx, 150), "mellan 0 och 1")
    fails_with(ex.check_retirement_share(ctx, share + 0.1), "Andelen stämmer inte")


def test_retirement_comment():
    ctx = ctx_for("ovning4")
    passes(ex.check_retirement_comment(ctx, "I länet går 24 procent av gruppen i pension inom "
                                            "tio år, mot 21 procent i riket, så vi behöver "
                                            "rekrytera fler."))
    fails_with(ex.check_retirement_comment(ctx, "Fler går i pension här."), "minst 15 ord",
               "Jämför med riket", "minst en siffra")


# --- exercise 5 --------------------------------------------------------------------------------

ASSUMPTIONS = {"utträdesålder": 66, "andel_nyexaminerade": 0.7,
               "genomströmning": {"gymnasium": 0.75, "komvux": 0.7, "yh": 0.75, "högskola": 0.6},
               "stannar_i_länet": 0.8}
REASONS = {k: "Värdet bygger på länets egen uppföljning från förra året." for k in ASSUMPTIONS}


def test_assumptions():
    ctx = ctx_for("ovning6")
    passes(ex.check_assumptions(ctx, ASSUMPTIONS, REASONS))
    passes(ex.check_assumptions(ctx, {"uttradesalder": 65, "andel nyexaminerade": 0.6,
                                      "genomstromning": 0.7, "stannar_i_lanet": {
                                          "gymnasium": 0.8, "komvux": 0.9, "yh": 0.8,
                                          "hogskola": 0.5}}, REASONS))
    is_missing(ex.check_assumptions(ctx, {k: ... for k in ASSUMPTIONS}, REASONS))
    fails_with(ex.check_assumptions(ctx, {**ASSUMPTIONS, "andel_nyexaminerade": 70}, REASONS),
               "decimaltal")
    fails_with(ex.check_assumptions(ctx, {**ASSUMPTIONS, "utträdesålder": 50}, REASONS),
               "heltal 60–72")
    fails_with(ex.check_assumptions(ctx, {k: v for k, v in ASSUMPTIONS.items()
                                          if k != "genomströmning"}, REASONS),
               "'genomströmning' saknas")
    fails_with(ex.check_assumptions(ctx, {**ASSUMPTIONS, "genomströmning": {"yh": 0.7}}, REASONS),
               "saknar värden för gymnasium, komvux, högskola")
    fails_with(ex.check_assumptions(ctx, ASSUMPTIONS, {**REASONS, "stannar_i_länet": "Ja."}),
               "Motivera 'stannar_i_länet'")
    fails_with(ex.check_assumptions(ctx, ASSUMPTIONS, ...), "Motivera antagandena")
    fails_with(ex.check_assumptions(ctx, [66, 0.7], REASONS), "ordbok (dict)")


@pytest.mark.parametrize("age", [59, 60, 66, 72, 73, 75])
def test_the_exercise_accepts_exactly_the_exit_ages_the_workbook_accepts(age):
    from kompetens_lib.workbook.assumptions import assumptions

    try:
        assumptions(exit_age=age)
        workbook_accepts = True
    except KompetensError:
        workbook_accepts = False
    result = ex.check_assumptions(ctx_for("ovning6"), {**ASSUMPTIONS, "utträdesålder": age},
                                  REASONS)
    assert (result.status == ex.PASSED) == workbook_accepts, (age, result.text())


@pytest.fixture(scope="module")
def need_frames(employed, forecast):
    groups = ["713", "702", "103", "305", "502"]
    retire = kl.retirements(employed, horizon=10)
    out = {}
    for method in ("fixed_share", "trend_share"):
        demand = kl.breakdown(forecast, employed, method, BASE, column="demand")
        need = kl.recruitment_need(demand, retire)
        out[method] = need[(need["region"] == "12") & need["education_group"].isin(groups)] \
            .reset_index(drop=True)
    return out


def test_need(need_frames):
    ctx = ctx_for("ovning6")
    need = need_frames["fixed_share"]
    passes(ex.check_need(ctx, need, ASSUMPTIONS))
    passes(ex.check_need(ctx, need_frames["trend_share"], ASSUMPTIONS))
    passes(ex.check_need(ctx, need[["education_group", "need"]], ...))
    growing = need[need["expansion"] > 0]
    assert len(growing), "example data: some priority group grows"
    only_replacement = need.assign(need=need["replacement"])
    result = ex.check_need(ctx, only_replacement, ASSUMPTIONS)
    fails_with(result, "Expansionen saknas", "utanför spannet mellan metoderna")
    assert_no_leak(result, *need["need"])
    shrinking = need[need["expansion"] < -50]
    if len(shrinking):
        subtracted = need.assign(need=need["replacement"] + need["expansion"])
        fails_with(ex.check_need(ctx, subtracted, ASSUMPTIONS), "räknas som 0")
    fails_with(ex.check_need(ctx, need[need["education_group"] != "103"], ASSUMPTIONS),
               "saknar dina prioriterade grupper Förskollärare")
    extra = pd.concat([need, need.iloc[:1].assign(education_group="709")])
    fails_with(ex.check_need(ctx, extra, ASSUMPTIONS), "inte är prioriterade: Läkare")
    fails_with(ex.check_need(ctx, need.assign(region="14"), ASSUMPTIONS), "bara ha rader för")
    fails_with(ex.check_need(ctx, need.assign(horizon=15), ASSUMPTIONS), "tio år (horizon 10)")
    fails_with(ex.check_need(ctx, {"713": 5}, ASSUMPTIONS), "tabell (DataFrame)")
    is_missing(ex.check_need(ctx, ..., ASSUMPTIONS))


def test_need_uses_the_participants_exit_age(employed, forecast):
    ctx = ctx_for("ovning6")
    demand = kl.breakdown(forecast, employed, "fixed_share", BASE, column="demand")
    need = kl.recruitment_need(demand, kl.retirements(employed, horizon=10, exit_age=64))
    need = need[(need["region"] == "12") & need["education_group"].isin(ctx.groups)]
    passes(ex.check_need(ctx, need, {**ASSUMPTIONS, "utträdesålder": 64}))
    fails_with(ex.check_need(ctx, need, ASSUMPTIONS), "utanför spannet mellan metoderna")


def test_places(need_frames):
    ctx = ctx_for("ovning6")
    need = need_frames["fixed_share"]
    options = {"graduate_share": 0.7, "completion_rate": ASSUMPTIONS["genomströmning"],
               "stay_share": 0.8}
    places = kl.dimensioning(need, graduates=kl.load("graduates"), **options)
    passes(ex.check_places(ctx, places, need, ASSUMPTIONS))
    passes(ex.check_places(ctx, kl.dimensioning(need, **options), need, ASSUMPTIONS))
    result = ex.check_places(ctx, places.assign(places=places["graduates_needed"]), need,
                             ASSUMPTIONS)
    fails_with(result, "Genomströmningen saknas")
    assert_no_leak(result, *places["places"])
    fails_with(ex.check_places(ctx, places.assign(places=places["places"] * 10), need,
                               ASSUMPTIONS), "dela med tio")
    fails_with(ex.check_places(ctx, places.assign(places=places["places"] * 1.5), need,
                               ASSUMPTIONS), "stämmer inte med ditt behov")
    two_forms = places.groupby("education_group")["form"].transform("count") > 1
    assert two_forms.any()
    fails_with(ex.check_places(ctx, places.drop(index=places[two_forms].index[0]), need,
                               ASSUMPTIONS), "Utbildningsformerna stämmer inte")
    fails_with(ex.check_places(ctx, places.drop(columns="form"), need, ASSUMPTIONS),
               "saknar kolumnen form")
    fails_with(ex.check_places(ctx, places, need, {**ASSUMPTIONS, "stannar_i_länet": 2}),
               "Rätta antagandena först")
    is_missing(ex.check_places(ctx, places, ..., ASSUMPTIONS))
    is_missing(ex.check_places(ctx, ..., need, ASSUMPTIONS))


# --- exercise 6 --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def county_balance(employed, forecast):
    supply = kl.breakdown(forecast, kl.load("labour_force"), "fixed_share", BASE, column="supply")
    demand = kl.breakdown(forecast, employed, "fixed_share", BASE, column="demand")
    frame = kl.balance(supply, demand, forecast)
    return frame[frame["region"] == "12"]


def test_shortage_groups(county_balance):
    ctx = ctx_for("ovning5")
    mine = county_balance[county_balance["education_group"].isin(ctx.groups)]
    words = ["viss brist", "brist", "stor brist"]
    target = mine[(mine["year"] == TARGET) & mine["judgement"].isin(words)]
    right = list(target["education_group"])
    passes(ex.check_shortage_groups(ctx, right))
    passes(ex.check_shortage_groups(ctx, target))
    base = list(mine[(mine["year"] == BASE) & mine["judgement"].isin(words)]["education_group"])
    if set(base) != set(right):
        fails_with(ex.check_shortage_groups(ctx, base), "bedömningen för basåret")
    outside = ex.check_shortage_groups(ctx, right + ["709"])
    fails_with(outside, "Läkare är inte bland dem")
    others = [g for g in ctx.groups if g not in right]
    wrong = ex.check_shortage_groups(ctx, others[:1] if right else ctx.groups[:2])
    fails_with(wrong, "Listan stämmer inte helt")
    names = kl.education_groups().set_index("code")["short_name"]
    assert_no_leak(wrong, names=[names[g] for g in right if g not in others[:1]])
    is_missing(ex.check_shortage_groups(ctx, ...))


def test_balance_ratio(county_balance):
    ctx = ctx_for("ovning5")
    rows = county_balance[county_balance["education_group"] == ctx.group].set_index("year")
    ratio = float(rows.loc[TARGET, "ratio"])
    passes(ex.check_balance_ratio(ctx, ratio))
    fails_with(ex.check_balance_ratio(ctx, ratio / 100), "Multiplicera med 100")
    fails_with(ex.check_balance_ratio(ctx, 10000 / ratio), "Kvoten är vänd")
    fails_with(ex.check_balance_ratio(ctx, float(rows.loc[TARGET, "balance"])), "skillnaden")
    if abs(float(rows.loc[BASE, "ratio"]) - ratio) > 0.6:
        fails_with(ex.check_balance_ratio(ctx, float(rows.loc[BASE, "ratio"])), "basåret")
    wrong = ex.check_balance_ratio(ctx, ratio + 7)
    fails_with(wrong, "Kvoten stämmer inte")
    assert_no_leak(wrong, ratio)


def test_balance_comment():
    ctx = ctx_for("ovning5")
    passes(ex.check_balance_comment(ctx, "Med trösklarna 2, 5 och 10 procent flyttas "
                                         "bedömningen för sjuksköterskor ett steg mot brist, "
                                         "så valet av tröskel spelar roll."))
    fails_with(ex.check_balance_comment(ctx, "Bedömningen ändras inte för någon av mina "
                                             "grupper när vi räknar om allting på nytt igen."),
               "Skriv om trösklarna", "minst en siffra")


# --- exercise 7 --------------------------------------------------------------------------------

MESSAGES = ["Var fjärde undersköterska går i pension före 2033.",
            "Länet behöver utbilda cirka 350 undersköterskor per år.",
            "Tre av fem prioriterade grupper får brist 2035."]


def test_messages():
    ctx = ctx_for("ovning7")
    passes(ex.check_messages(ctx, MESSAGES))
    is_missing(ex.check_messages(ctx, [..., ..., ...]))
    fails_with(ex.check_messages(ctx, MESSAGES[:2]), "exakt tre budskap; du har 2")
    fails_with(ex.check_messages(ctx, [MESSAGES[0], "Vi behöver fler undersköterskor i länet.",
                                       MESSAGES[2]]), "Budskap 2 saknar en siffra")
    fails_with(ex.check_messages(ctx, [MESSAGES[0], MESSAGES[1], "Brist 2035."]),
               "Budskap 3 är för kort")
    fails_with(ex.check_messages(ctx, [MESSAGES[0], " ".join(["ord"] * 45) + " 12",
                                       MESSAGES[2]]), "Budskap 2 har 46 ord")
    fails_with(ex.check_messages(ctx, [MESSAGES[0], MESSAGES[0], MESSAGES[2]]), "likadana")
    fails_with(ex.check_messages(ctx, "tre budskap"), "lista med tre texter")


def test_charts():
    ctx = ctx_for("ovning7")
    source = kl.source_note("employed")
    lq = profile.location_quotients("12", BASE)
    good = [charts.location_quotient_chart(lq, source=source),
            charts.line_chart(pd.DataFrame({"år": [2020, 2021], "antal": [10, 12]}), "år",
                              "antal", "Sjuksköterskor", "År", "Antal personer", source)]
    passes(ex.check_charts(ctx, good))
    passes(ex.check_charts(ctx, [good[0], good[1].to_dict()]))
    bare = alt.Chart(pd.DataFrame({"g": ["a"], "value": [1]})).mark_bar().encode(
        x="value:Q", y="g:N")
    fails_with(ex.check_charts(ctx, [good[0], bare]), "Diagram 2 saknar rubrik",
               "Diagram 2 saknar enhet", "Diagram 2 saknar källa")
    titled = bare.encode(x=alt.X("value:Q", title="Antal personer")).properties(
        title=alt.TitleParams("Rubrik", subtitle=["Källa: SCB"]))
    passes(ex.check_charts(ctx, [good[0], titled]))
    fails_with(ex.check_charts(ctx, [good[0], "ett diagram"]), "Diagram 2 är inte ett Altair")
    fails_with(ex.check_charts(ctx, good[:1]), "exakt två diagram")
    is_missing(ex.check_charts(ctx, [..., ...]))


def test_caveat():
    ctx = ctx_for("ovning7")
    passes(ex.check_caveat(ctx, "Siffrorna är en egen beräkning som bygger på antaganden om "
                                "pensionsålder och utbildning."))
    fails_with(ex.check_caveat(ctx, "Siffrorna är lite sådär."), "för kort")
    fails_with(ex.check_caveat(ctx, "Det här är siffror som jag har tagit fram till dig i dag."),
               "vad som gör siffrorna osäkra")


# --- exercise 8 --------------------------------------------------------------------------------

def test_adapted_notebook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ctx = ctx_for("ovning8")
    _fake_executed_notebook("13", tmp_path / "halland.ipynb")
    _fake_executed_notebook("12", tmp_path / "mitt.ipynb")
    passes(ex.check_adapted_notebook(ctx, "mitt.ipynb", "halland.ipynb"))
    fails_with(ex.check_adapted_notebook(ctx, "halland.ipynb", "mitt.ipynb"),
               "inställd på Hallands län", "redan för ditt län")
    fails_with(ex.check_adapted_notebook(ctx, "mitt.ipynb", "mitt.ipynb"), "samma fil två gånger")
    fails_with(ex.check_adapted_notebook(ctx, "saknas.ipynb", "halland.ipynb"),
               "Hittar ingen fil 'saknas.ipynb'")
    # the parameter changed but the notebook was not rerun: key figures still Halland's
    stale = nbformat.read(tmp_path / "halland.ipynb", as_version=4)
    injected = nbformat.v4.new_code_cell('region = "12"')
    injected.metadata["tags"] = ["injected-parameters"]
    stale.cells.insert(1, injected)
    nbformat.write(stale, tmp_path / "ej_omkord.ipynb")
    fails_with(ex.check_adapted_notebook(ctx, "ej_omkord.ipynb", "halland.ipynb"),
               "nyckeltalen gäller fortfarande den andra regionen")
    unrun = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('region = "12"')])
    unrun.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(unrun, tmp_path / "ej_kord.ipynb")
    fails_with(ex.check_adapted_notebook(ctx, "ej_kord.ipynb"), "inte körd")
    broken = nbformat.read(tmp_path / "mitt.ipynb", as_version=4)
    broken.cells[1].outputs.append(nbformat.v4.new_output("error", ename="KeyError",
                                                          evalue="'x'", traceback=[]))
    nbformat.write(broken, tmp_path / "fel.ipynb")
    fails_with(ex.check_adapted_notebook(ctx, "fel.ipynb"), "1 fel (första: KeyError)")
    fails_with(ex.check_adapted_notebook(ctx, 3), "sökvägen till en anteckningsbok")
    is_missing(ex.check_adapted_notebook(ctx, ..., ...))
    table = ex.compare_key_figures("halland.ipynb", "mitt.ipynb")
    assert list(table.columns) == ["Hallands län", "Skåne län"]
    assert "Andel 55 år och äldre" in table.index
    assert ex.compare_key_figures(..., "mitt.ipynb") is None
    assert ex.region_of("halland.ipynb") == "Hallands län"


def test_comparison(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ctx = ctx_for("ovning8")
    _fake_executed_notebook("13", tmp_path / "halland.ipynb")
    good = ("Halland har en högre andel förvärvsarbetande som är 55 år eller äldre än Skåne, "
            "24 procent mot 21. I Skåne är pendlingen större. Jag tar med sättet att visa "
            "pensionsvågen per grupp till vår egen rapport.")
    passes(ex.check_comparison(ctx, good, "halland.ipynb"))
    fails_with(ex.check_comparison(ctx, good.replace("Halland", "Kalmar"), "halland.ipynb"),
               "Nämn regionen du lånade från (Hallands län)")
    fails_with(ex.check_comparison(ctx, good.replace("Skåne", "länet"), "halland.ipynb"),
               "Nämn ditt eget län (Skåne)")
    fails_with(ex.check_comparison(ctx, "Halland och Skåne är olika på många sätt.", ...),
               "minst 25 ord", "minst en siffra")
    is_missing(ex.check_comparison(ctx, "", "halland.ipynb"))


def test_every_registered_check_is_unit_tested():
    here = Path(__file__).parent  # exercise 9's checks have a test file of their own
    tested = "".join(here.joinpath(name).read_text(encoding="utf-8")
                     for name in ("test_exercises.py", "test_ovning9.py"))
    registered = [spec for e in ex.EXERCISES for spec in ex.checks(e)]
    for spec in registered:
        assert f"ex.{spec.function.__name__}(" in tested, spec.function.__name__
    assert len(registered) == 25
    assert math.isclose(ex.LQ_THRESHOLD, 1.2)
