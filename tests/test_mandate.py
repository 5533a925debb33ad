"""The participant's mandate: completeness check, safe storage, the marked example."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from kompetens_lib import mandate
from kompetens_lib.errors import KompetensError

ROOT = Path(__file__).resolve().parents[1]


def complete(**changes) -> mandate.Mandate:
    fields = {
        "region": "Skåne",
        "question": "Hur många undersköterskor behöver länet rekrytera fram till 2035?",
        "decision": "Antal platser i regionalt yrkesvux 2027",
        "requested_by": "Operativ chef, regional utveckling",
        "recipient": "Regionala utvecklingsnämnden",
        "deadline": "2027-03-31",
        "scope": "Gymnasiala vårdutbildningar",
    }
    fields.update(changes)
    return mandate.Mandate(**fields)


@pytest.fixture(autouse=True)
def mandate_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uppdrag"
    monkeypatch.setenv(mandate.ENV_VAR, str(folder))
    return folder


def test_fields_are_normalised():
    m = complete(region=5, question="  Hur   många?  ", deadline=dt.date(2027, 1, 2))
    assert (m.region, m.question, m.deadline) == ("05", "Hur många?", dt.date(2027, 1, 2))
    assert complete(deadline="2027-3-1").deadline == dt.date(2027, 3, 1)
    assert complete(deadline="").deadline is None


@pytest.mark.parametrize("value", ["31/3 2027", "2027-02-30", "snart"])
def test_a_bad_date_says_how_to_write_it(value):
    with pytest.raises(KompetensError, match="ÅÅÅÅ-MM-DD"):
        complete(deadline=value)


def test_non_text_field_is_refused_in_swedish():
    with pytest.raises(KompetensError, match="ska vara text"):
        complete(question=42)


def test_completeness_needs_question_decision_recipient_and_date():
    assert mandate.check(complete()) == []
    empty = mandate.Mandate("12")
    problems = mandate.check(empty)
    assert len(problems) == 4
    joined = " ".join(problems)
    for word in ("Frågan saknas", "Beslutet saknas", "Mottagaren saknas", "Datumet saknas"):
        assert word in joined
    assert not mandate.is_complete(complete(decision=""))
    # Who asked and the delimitation are advice, not requirements.
    assert mandate.is_complete(complete(requested_by="", scope=""))
    assert len(mandate.hints(complete(requested_by="", scope=""))) == 2


def test_without_a_file_load_gives_the_marked_example(mandate_folder):
    m = mandate.load("23")
    assert m.example and m.region == "23"
    assert mandate.is_complete(m), "the example must show what a complete mandate looks like"
    page = mandate.to_html(m)
    assert mandate.EXAMPLE_TITLE in page and "Jämtlands län" in page
    assert mandate.EXAMPLE_TITLE in mandate.to_text(m)
    assert not mandate_folder.exists(), "loading must never write"


def test_save_and_load_round_trip_with_swedish_keys(mandate_folder):
    saved = mandate.save(complete(), now=dt.datetime(2026, 11, 27, 10, 15))
    assert saved.path == mandate_folder / "12.json"
    record = json.loads(saved.path.read_text(encoding="utf-8"))
    assert record["fråga"].startswith("Hur många undersköterskor")
    assert record["klart_senast"] == "2027-03-31"
    assert record["län"] == "12" and record["sparad"] == "2026-11-27T10:15:00"
    again = mandate.load("Skåne")
    assert again == complete(saved="2026-11-27T10:15:00")
    assert not again.example
    assert [p.name for p in mandate_folder.iterdir()] == ["12.json"], "no temporary files left"
    if os.name == "posix":
        assert saved.path.stat().st_mode & 0o077 == 0, "a file that names people is owner-only"


def test_saving_changed_text_keeps_the_previous_version(mandate_folder):
    mandate.save(complete(), now=dt.datetime(2026, 11, 27, 10, 0))
    first = (mandate_folder / "12.json").read_text(encoding="utf-8")
    result = mandate.save(complete(decision="Nytt beslut"), now=dt.datetime(2026, 11, 28, 9, 0))
    assert result.previous == mandate_folder / "tidigare" / "12-20261128-090000.json"
    assert result.previous.read_text(encoding="utf-8") == first
    assert mandate.load("12").decision == "Nytt beslut"
    assert "tidigare versionen finns kvar" in result.message()


def test_saving_the_same_text_again_writes_nothing(mandate_folder):
    mandate.save(complete(), now=dt.datetime(2026, 11, 27, 10, 0))
    result = mandate.save(mandate.load("12"), now=dt.datetime(2026, 11, 29, 10, 0))
    assert result.unchanged and result.previous is None
    assert not (mandate_folder / "tidigare").exists()
    assert json.loads((mandate_folder / "12.json").read_text())["sparad"] == "2026-11-27T10:00:00"


def test_the_example_and_incomplete_mandates_are_not_saved(mandate_folder):
    with pytest.raises(KompetensError, match="exempeluppdraget"):
        mandate.save(mandate.example("12"))
    with pytest.raises(KompetensError, match="ofullständigt.*Beslutet saknas"):
        mandate.save(complete(decision=""))
    assert not mandate_folder.exists()
    draft = mandate.save(complete(decision=""), allow_incomplete=True)
    assert draft.path.exists()


def test_save_if_writes_only_when_asked(mandate_folder):
    result = mandate.save_if(False, complete())
    assert "sparades inte" in str(result) and not mandate_folder.exists()
    assert "sparades inte" in result._repr_html_()
    assert mandate.save_if("ja", complete()).path.exists()
    with pytest.raises(KompetensError, match="True eller False"):
        mandate.save_if("kanske", complete())


def test_a_broken_file_is_an_error_not_silently_the_example(mandate_folder):
    mandate_folder.mkdir()
    (mandate_folder / "12.json").write_text("{inte json", encoding="utf-8")
    with pytest.raises(KompetensError, match="kunde inte läsas"):
        mandate.load("12")
    (mandate_folder / "12.json").write_text(json.dumps({"län": "05", "fråga": "x"}),
                                            encoding="utf-8")
    with pytest.raises(KompetensError, match="gäller län 05"):
        mandate.load("12")
    (mandate_folder / "12.json").write_text(json.dumps({"län": "12", "klart_senast": "snart"}),
                                            encoding="utf-8")
    with pytest.raises(KompetensError, match="12.json.*ÅÅÅÅ-MM-DD"):
        mandate.load("12")


def test_folder_rule_env_then_workbook_root_then_cwd(tmp_path, monkeypatch):
    monkeypatch.delenv(mandate.ENV_VAR)
    book = tmp_path / "arbetsbok"
    (book / "notebooks").mkdir(parents=True)
    (book / "exercises").mkdir()
    monkeypatch.chdir(book / "notebooks")
    assert mandate.mandate_dir() == book / "uppdrag"
    monkeypatch.chdir(book / "exercises")
    assert mandate.mandate_dir() == book / "uppdrag"
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert mandate.mandate_dir() == elsewhere / "uppdrag"
    monkeypatch.setenv(mandate.ENV_VAR, str(tmp_path / "egen"))
    assert mandate.mandate_path("Jämtland") == tmp_path / "egen" / "23.json"


def test_html_escapes_what_participants_write():
    page = mandate.to_html(complete(question="<script>alert(1)</script> & mer?"))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_incomplete_mandate_shows_what_is_missing():
    page = mandate.to_html(mandate.Mandate("12", question="Hur många?"))
    assert "saknas" in page and "Beslutet saknas" in page
    assert "Uppdrag för Skåne län" in page


def test_saved_message_shows_no_absolute_path(mandate_folder, monkeypatch):
    monkeypatch.chdir(mandate_folder.parent)
    message = mandate.save(complete()).message()
    assert "uppdrag/12.json" in message and str(mandate_folder.parent) not in message
    assert "git" in message


def test_mandate_files_are_kept_out_of_git():
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "uppdrag/" in lines
