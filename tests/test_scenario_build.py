"""`kompetens run --scenario FILE` carries an establishment scenario through the build
(issues 13 and 16): checked before any work, given to the notebooks that declare
``scenario_file`` and no others, copied into the build without comments, a fingerprint input,
and shown to strategists in the report, the deck and the overview."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import pytest

from kompetens_lib import cli
from kompetens_lib.errors import KompetensError
from kompetens_lib.publish import runner
from kompetens_lib.publish.layout import DECK_NAME, REPORT_NAME, SCENARIO_DIR
from kompetens_lib.workbook.scenario_file import (
    example_scenario_path,
    read_scenario,
    scenario_title,
    scenario_toml,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: A comment a participant might leave in a file: it must not reach a shared build.
PRIVATE_NOTE = "# Kontakt: Anna Andersson, 070-123 45 67"
SECTION = "Etableringar och scenarier"


def _scenario(folder: Path, name: str = "grön_industri.toml", *, jobs: int = 3000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = example_scenario_path().read_text(encoding="utf-8").replace(
        "jobb = 3000", f"jobb = {jobs}")
    path = folder / name
    path.write_text(PRIVATE_NOTE + "\n" + text, encoding="utf-8")
    return path


def _injected(path: Path) -> dict:
    from kompetens_lib.publish.report import run_parameters

    return run_parameters([path])


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _section(page: str) -> str:
    match = re.search(r"<section class='tema' id='etableringar'>.*?</section>", page, re.S)
    return match.group(0) if match else ""


# --- planning: before any work ---------------------------------------------------------------

def test_the_scenario_goes_only_to_notebooks_that_declare_scenario_file(tmp_path):
    scenario = runner.read_build_scenario(_scenario(tmp_path / "in"))
    out = tmp_path / "build"
    plain = {j.notebook.stem[:2]: j for j in runner.plan(["25"], False, ["01", "05"], out, {},
                                                         NOTEBOOKS)}
    jobs = {j.notebook.stem[:2]: j for j in runner.plan(["25"], False, ["01", "05"], out, {},
                                                        NOTEBOOKS, scenario=scenario)}
    assert "scenario_file" in runner.notebook_parameters(jobs["05"].notebook)
    assert "scenario_file" not in runner.notebook_parameters(jobs["01"].notebook)
    value = jobs["05"].params["scenario_file"]
    # The build's copy, relative to the folder the notebook runs in (no home folder).
    assert (NOTEBOOKS / value).resolve() == scenario.copy_path(out).resolve()
    assert not Path(value).is_absolute()
    assert "scenario_file" not in jobs["01"].params
    assert jobs["01"].fingerprint == plain["01"].fingerprint  # unaffected
    assert jobs["05"].fingerprint != plain["05"].fingerprint
    assert not out.exists()  # planning writes nothing


def test_a_changed_scenario_changes_the_fingerprint_but_a_changed_comment_does_not(tmp_path):
    out = tmp_path / "build"

    def fingerprint(path: Path) -> str:
        scenario = runner.read_build_scenario(path)
        [job] = runner.plan(["25"], False, ["05"], out, {}, NOTEBOOKS, scenario=scenario)
        return job.fingerprint

    path = _scenario(tmp_path / "in")
    first = fingerprint(path)
    path.write_text(path.read_text(encoding="utf-8") + "\n# en ny kommentar\n",
                    encoding="utf-8")
    assert fingerprint(path) == first
    _scenario(tmp_path / "in", jobs=2000)
    assert fingerprint(path) != first


def test_the_copy_keeps_the_events_and_drops_the_comments(tmp_path):
    path = _scenario(tmp_path)
    scenario = runner.read_build_scenario(path)
    assert PRIVATE_NOTE not in scenario.text and "Andersson" not in scenario.text
    copy = runner.install_scenario(scenario, tmp_path / "build")
    assert copy.parent.parent == tmp_path / "build" / SCENARIO_DIR
    events, again = read_scenario(path), read_scenario(copy)
    assert again == events and [e.mix for e in again] == [e.mix for e in events]
    assert scenario_title(copy) == scenario_title(path) != ""
    assert scenario.names == ("Grönt industriverk (exempel)", "Utbyggd gruva (exempel)")
    assert scenario.regions == ("25",)
    assert scenario_toml(events) == scenario_toml(again)


@pytest.mark.parametrize("text, says", [
    ('[[etablering]]\nnamn = "Verket"\n"län" = "25"\n"näringsgren" = "Tilverkning"\n'
     'jobb = 100\n"startår" = 2026\n', "Tilverkning"),
    ('[[etablering]]\nnamn = "Verket"\n"län" = "25"\n"näringsgren" = "C"\n'
     'jobb = 100\n"startår" = 1990\n', "1990"),
    ("[[etablering]\nnamn = \n", "inte giltig TOML"),
])
def test_a_bad_scenario_is_refused_naming_the_file_and_the_problem(tmp_path, text, says):
    path = tmp_path / "trasig.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KompetensError, match="Scenariofilen .*trasig.toml") as caught:
        runner.read_build_scenario(path)
    assert says in str(caught.value)


def test_a_missing_scenario_file_is_refused_in_swedish(tmp_path):
    with pytest.raises(KompetensError, match="saknas.toml.*finns inte"):
        runner.read_build_scenario(tmp_path / "saknas.toml")


@pytest.mark.parametrize("with_scenario", [False, True])
def test_param_scenario_file_is_refused_pointing_to_the_scenario_flag(tmp_path, with_scenario):
    scenario = runner.read_build_scenario(_scenario(tmp_path)) if with_scenario else None
    with pytest.raises(KompetensError, match="med --scenario FIL, inte med --param"):
        runner.plan(["25"], False, ["05"], tmp_path / "build",
                    {"scenario_file": str(tmp_path / "x.toml")}, NOTEBOOKS, scenario=scenario)
    assert not (tmp_path / "build").exists()


def test_a_csv_scenario_is_kept_in_the_build_as_toml_with_the_same_events(tmp_path):
    path = tmp_path / "etableringar.csv"
    path.write_text("namn;län;näringsgren;jobb;startår;upptrappningsår;utbildningsmix\n"
                    "Batteriverket;25;C;3000;2026;4;\n"
                    "Ny gruvdel;Norrbotten;B;400;2027;2;505:0,6 | 504:0,4\n", encoding="utf-8")
    scenario = runner.read_build_scenario(path)
    copy = runner.install_scenario(scenario, tmp_path / "build")
    assert copy.name == "etableringar.toml"
    again, events = read_scenario(copy), read_scenario(path)
    assert again == events and [e.mix for e in again] == [e.mix for e in events]


def test_an_unknown_data_source_is_named_as_such_not_as_a_bad_scenario(tmp_path):
    with pytest.raises(KompetensError) as caught:
        runner.read_build_scenario(_scenario(tmp_path), data=str(tmp_path / "ingen-data"))
    assert "Scenariofilen" not in str(caught.value)


# --- a build with a scenario -----------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    source = _scenario(tmp_path_factory.mktemp("in"))
    out = tmp_path_factory.mktemp("build")
    code = cli.main(["run", "--region", "25", "--notebooks", "01,05,06", "--out", str(out),
                     "--jobs", "1", "--scenario", str(source),
                     "--notebook-dir", str(NOTEBOOKS)])
    assert code == 0
    return out, source


def test_the_industry_notebook_ran_with_the_builds_copy_of_the_scenario(built):
    out, source = built
    county = out / "25-norrbotten"
    value = _injected(county / "05_branscher_och_etableringar.ipynb")["scenario_file"]
    [copy] = (out / SCENARIO_DIR).glob("*/*.toml")
    assert Path(value).name == copy.name == source.name
    assert PRIVATE_NOTE not in copy.read_text(encoding="utf-8")
    assert "scenario_file" not in _injected(county / "01_nulage.ipynb")
    page = (county / "05_branscher_och_etableringar.html").read_text(encoding="utf-8")
    assert f"från scenariofilen {source.name}" in page
    assert "Andersson" not in page


def test_the_need_notebook_shows_the_places_with_and_without_the_scenario(built):
    out, source = built
    notebook = out / "25-norrbotten" / "06_rekrytering_dimensionering.ipynb"
    assert Path(_injected(notebook)["scenario_file"]).name == source.name
    page = notebook.with_suffix(".html").read_text(encoding="utf-8")
    assert "Nybörjarplatser per år med och utan etableringarna" in page
    assert "Extra platser per år" in page


def test_the_report_has_a_scenario_section_with_its_names_effect_chart_and_caveat(built):
    out, source = built
    page = (out / "25-norrbotten" / REPORT_NAME).read_text(encoding="utf-8")
    section = _section(page)
    assert SECTION in section
    assert source.name in section
    assert "Grönt industriverk (exempel)" in section and "Utbyggd gruva (exempel)" in section
    assert "Rekryteringsbehovet" in section and "nybörjarplatser" in section
    assert "antagande ur scenariofilen, inte en prognos" in section
    assert "en annan bedömning" in section and "brist eller stor brist blir" in section
    page_05 = (out / "25-norrbotten" / "05_branscher_och_etableringar.html").read_text(
        encoding="utf-8")
    assert "Balans 2035 med och utan etableringarna" in page_05
    assert section.count("<svg") == 1
    assert "Universitet" not in section  # higher education is not in the places to plan


def test_the_deck_has_one_slide_on_the_scenario(built):
    from pptx import Presentation

    out, _ = built
    titles = [s.shapes.title.text for s in Presentation(out / "25-norrbotten" / DECK_NAME).slides
              if s.shapes.title is not None]
    assert titles.count(SECTION) == 1


def test_the_overview_names_the_scenario_file_its_events_and_the_county(built):
    out, source = built
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f"Etableringsscenario:</strong> {source.name}" in page
    assert "Grönt industriverk (exempel) i Norrbottens län" in page
    assert "Gäller: Norrbottens län" in page
    assert "scenario_file =" not in page


def test_a_bad_scenario_leaves_a_good_build_untouched(built, tmp_path, capsys):
    out, _ = built
    before = _snapshot(out)
    bad = tmp_path / "fel.toml"
    bad.write_text('[[etablering]]\nnamn = "Verket"\n"län" = "25"\n"näringsgren" = "C"\n'
                   'jobb = "många"\n"startår" = 2026\n', encoding="utf-8")
    code = cli.main(["run", "--region", "25", "--notebooks", "01,05,06", "--out", str(out),
                     "--jobs", "1", "--force", "--scenario", str(bad),
                     "--notebook-dir", str(NOTEBOOKS)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Scenariofilen" in err and "fel.toml" in err and "jobb" in err
    assert _snapshot(out) == before


def test_a_changed_or_removed_scenario_rebuilds_without_force(tmp_path, capsys):
    source = _scenario(tmp_path / "in")
    out = tmp_path / "build"
    argv = ["run", "--region", "25", "--notebooks", "05", "--out", str(out), "--jobs", "1",
            "--notebook-dir", str(NOTEBOOKS)]
    report = out / "25-norrbotten" / REPORT_NAME
    assert cli.main([*argv, "--scenario", str(source)]) == 0
    first = _section(report.read_text(encoding="utf-8"))
    assert "3\u00a0400 jobb" in first
    capsys.readouterr()
    assert cli.main([*argv, "--scenario", str(source)]) == 0
    assert "1 oförändrade" in capsys.readouterr().out

    _scenario(tmp_path / "in", jobs=2000)  # the same file, fewer jobs
    assert cli.main([*argv, "--scenario", str(source)]) == 0
    assert "0 oförändrade" in capsys.readouterr().out
    second = _section(report.read_text(encoding="utf-8"))
    assert "2\u00a0400 jobb" in second and second != first

    assert cli.main(argv) == 0  # no scenario: rebuilt, and the report has no section
    assert "0 oförändrade" in capsys.readouterr().out
    page = report.read_text(encoding="utf-8")
    assert SECTION not in page and _section(page) == ""
    assert "Etableringsscenario" not in (out / "index.html").read_text(encoding="utf-8")
    notebook = out / "25-norrbotten" / "05_branscher_och_etableringar.ipynb"
    assert "scenario_file" not in _injected(notebook)


def test_a_county_without_events_in_the_scenario_gets_no_section(tmp_path):
    from kompetens_lib.publish.report_content import report_content

    content = report_content("01", scenario=_scenario(tmp_path))
    assert "etableringar" not in [s.key for s in content.sections]


@pytest.mark.slow
def test_every_notebook_runs_for_a_county_with_and_without_a_scenario(tmp_path):
    source = _scenario(tmp_path / "in")
    out = tmp_path / "build"
    argv = ["run", "--region", "25", "--out", str(out), "--notebook-dir", str(NOTEBOOKS)]
    assert cli.main([*argv, "--scenario", str(source)]) == 0
    declared = [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
                if "scenario_file" in runner.notebook_parameters(p)]
    assert declared
    for path in declared:
        executed = nbformat.read(out / "25-norrbotten" / path.name, as_version=4)
        assert "scenario_file" in _injected(out / "25-norrbotten" / path.name), path.name
        assert not [o for c in executed.cells for o in c.get("outputs", [])
                    if o.get("output_type") == "error"]
    assert SECTION in (out / "25-norrbotten" / REPORT_NAME).read_text(encoding="utf-8")
    assert cli.main(argv) == 0
    assert SECTION not in (out / "25-norrbotten" / REPORT_NAME).read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_scenario_notebooks_run_for_every_county_with_an_event_in_each(tmp_path):
    """With a scenario that has an event in every county, the notebooks that take it run
    for all 21 counties without an error, and every county's report has its section (the
    other notebooks do not take a scenario: the all-county builds run them without)."""
    from kompetens_lib.reference.regions import COUNTY_CODES

    industries = ["C", "Q", "F", "J", "H", "P", "B"]
    events = "\n".join(
        f'[[etablering]]\nnamn = "Etablering {code}"\n"län" = "{code}"\n'
        f'"näringsgren" = "{industries[i % len(industries)]}"\n'
        f'jobb = {400 + 50 * i if i % 5 else -150}\n"startår" = 2026\n'
        f'"upptrappningsår" = 3\n'
        for i, code in enumerate(COUNTY_CODES))
    source = tmp_path / "alla_lan.toml"
    source.write_text('beskrivning = "En etablering i varje län (test)"\n\n' + events,
                      encoding="utf-8")
    declared = [p.name[:2] for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
                if "scenario_file" in runner.notebook_parameters(p)]
    out = tmp_path / "build"
    assert cli.main(["run", "--all", "--notebooks", ",".join(declared), "--scenario",
                     str(source), "--out", str(out), "--notebook-dir", str(NOTEBOOKS)]) == 0
    folders = [p for p in out.iterdir() if p.is_dir() and p.name[:2].isdigit()]
    assert sorted(p.name[:2] for p in folders) == sorted(COUNTY_CODES)
    for folder in folders:
        for executed in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
            nb = nbformat.read(executed, as_version=4)
            assert "scenario_file" in _injected(executed), executed
            assert not [o for c in nb.cells for o in c.get("outputs", [])
                        if o.get("output_type") == "error"], executed
        section = _section((folder / REPORT_NAME).read_text(encoding="utf-8"))
        assert SECTION in section and f"Etablering {folder.name[:2]}" in section, folder.name


def test_the_run_flags_the_scenario_docs_name_exist():
    """README, docs/scenarier.md and docs/handledare.md name ``--scenario`` with
    ``kompetens run``; every flag of a ``kompetens run`` line they show is one it has."""
    import argparse

    from kompetens_lib.cli.main import build_parser

    [run] = [a.choices["run"] for a in build_parser()._actions
             if isinstance(a, argparse._SubParsersAction)]
    options = {o for a in run._actions for o in a.option_strings}
    for name in ("README.md", "docs/scenarier.md", "docs/handledare.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        lines = re.findall(r"kompetens run[^`\n]*(?:\n[^`\n]*?--scenario[^`\n]*)?", text)
        assert any("--scenario" in line for line in lines), name
        for line in lines:
            for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line.split("#")[0]):
                assert flag in options, (name, flag)


def test_the_overview_note_names_only_the_counties_of_the_run_the_events_are_in(tmp_path):
    from kompetens_lib.publish import overview

    scenario = runner.read_build_scenario(_scenario(tmp_path / "in"))
    out = tmp_path / "build"
    copy = runner.install_scenario(scenario, out)
    value = f"../x/{SCENARIO_DIR}/{copy.parent.name}/{copy.name}"

    def result(code: str, params: tuple = ()) -> runner.Result:
        return runner.Result(runner.Job(NOTEBOOKS / "05_x.ipynb", code, out, params), True, 0.0)

    note = overview.scenario_note(out, [result("25", (("scenario_file", value),)),
                                        result("01", (("scenario_file", value),)),
                                        result("12")])
    assert note.count("Etableringsscenario:") == 1
    assert "Gäller: Norrbottens län." in note and "Stockholm" not in note
    elsewhere = overview.scenario_note(out, [result("01", (("scenario_file", value),))])
    assert "Gäller: inget av länen i bygget" in elsewhere
    assert overview.scenario_note(out, [result("25")]) == ""
