"""Names of people stay out of shared builds unless the facilitator opts in (issue 15)."""

from __future__ import annotations

import stat

from kompetens_lib._internal.files import make_tree_private
from kompetens_lib.cli.main import build_parser
from kompetens_lib.present import summaries
from kompetens_lib.workbook.mandate import Mandate

MANDATE = Mandate("12", question="Hur många undersköterskor behövs till 2035?",
                  decision="Platser i yrkesvux 2026", requested_by="Karin Regionsdirektör",
                  recipient="Per Nämndordförande", deadline="2027-03-31")


def test_a_batch_run_leaves_the_mandates_names_out(monkeypatch):
    monkeypatch.setenv(summaries.NAMES_ENV, "dolj")
    shown = summaries.mandate_html(MANDATE) + summaries.mandate_text(MANDATE)
    assert "Karin" not in shown and "Per Nämndordförande" not in shown
    assert summaries.HIDDEN_NAME in shown and "undersköterskor" in shown


def test_names_are_shown_when_asked_for_and_in_a_participants_own_notebook(monkeypatch):
    monkeypatch.setenv(summaries.NAMES_ENV, "visa")
    assert "Karin Regionsdirektör" in summaries.mandate_text(MANDATE)
    monkeypatch.delenv(summaries.NAMES_ENV)
    assert "Per Nämndordförande" in summaries.mandate_html(MANDATE)


def test_the_run_command_has_an_opt_in_flag_with_a_swedish_alias():
    args = build_parser().parse_args(["run", "--med-namn"])
    assert args.with_names is True
    assert build_parser().parse_args(["run"]).with_names is False


def test_the_fingerprint_changes_when_names_are_shown(tmp_path, monkeypatch):
    import nbformat

    from kompetens_lib.publish import runner

    (tmp_path / "nb").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('region = "12"', metadata={"tags": ["parameters"]})]
    nbformat.write(nb, str(tmp_path / "nb" / "00_x.ipynb"))
    prints = []
    for value in ("dolj", "visa"):
        monkeypatch.setenv(summaries.NAMES_ENV, value)
        prints.append(runner.plan(["12"], False, None, tmp_path, {}, tmp_path / "nb")[0]
                      .fingerprint)
    assert prints[0] != prints[1]


def test_outputs_that_name_people_are_owner_only(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "sida.html").write_text("x", encoding="utf-8")
    (tmp_path / "a" / "c.json").write_text("{}", encoding="utf-8")
    assert make_tree_private(tmp_path / "a") == 2
    for path in (tmp_path / "a" / "b" / "sida.html", tmp_path / "a" / "c.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700
