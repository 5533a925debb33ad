"""Who is who in a cohort (issue 15): one name rule everywhere, a folder never changes hands,
long names give safe folder names, releases into one folder wait for each other, a damaged
hand-in or snapshot is named as such, and a spreadsheet roster gets a Swedish message."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from kompetens_lib._internal.text import person_key, short_slug
from kompetens_lib.cli import cohort as cohort_cli
from kompetens_lib.cohort import collect, read_roster, release
from kompetens_lib.cohort.release import MANIFEST, locked
from kompetens_lib.errors import KompetensError


def _roster(tmp_path: Path, *rows: str, name: str = "lista.csv") -> Path:
    path = tmp_path / name
    path.write_text("deltagare;region\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_names_are_one_person_up_to_case_and_spaces_but_not_accents():
    assert person_key("  eva   ÖBERG") == person_key("Eva Öberg")
    assert person_key("Eva Oberg") != person_key("Eva Öberg")


def test_a_new_person_never_inherits_another_persons_folder(tmp_path):
    out = tmp_path / "deltagare"
    release(_roster(tmp_path, "Eva Öberg;12", name="a.csv"), out, selection="1")
    mine = out / "eva-oberg" / "ovning1_uppdraget.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace("uppdrag = ", "uppdrag =  "),
                    encoding="utf-8")
    before = mine.read_bytes()
    with pytest.raises(KompetensError, match="eva-oberg tillhör Eva Öberg.*Eva Oberg"):
        release(_roster(tmp_path, "Eva Oberg;12", name="b.csv"), out, selection="1")
    assert mine.read_bytes() == before
    manifest = json.loads((out / "eva-oberg" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["deltagare"] == "Eva Öberg"
    # the same person, written with other spaces and case, keeps her folder
    release(_roster(tmp_path, "eva  öberg;12", name="c.csv"), out, selection="1")


def test_a_300_character_name_gets_a_short_safe_folder(tmp_path):
    long_a, long_b = "Anna " + "Lång" * 75 + "a", "Anna " + "Lång" * 75 + "b"
    assert short_slug(long_a) != short_slug(long_b)
    people = read_roster(_roster(tmp_path, f"{long_a};12", f"{long_b};01"))
    assert all(len(p.slug) <= 60 for p in people)
    outcomes = release(_roster(tmp_path, f"{long_a};12", name="r.csv"), tmp_path / "ut",
                       selection="1")
    assert outcomes[0].folder.is_dir() and len(outcomes[0].folder.name) <= 60


def test_releases_into_one_folder_wait_for_each_other(tmp_path):
    out = tmp_path / "ut"
    order = []
    with locked(out):
        worker = threading.Thread(target=lambda: (release(
            _roster(tmp_path, "Bo Berg;05"), out, selection="1"), order.append("release")))
        worker.start()
        worker.join(1.5)
        order.append("lock released")
    worker.join(60)
    assert order == ["lock released", "release"]


def test_a_spreadsheet_roster_gets_a_swedish_message(tmp_path):
    book = tmp_path / "lista.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(KompetensError, match="kalkylbok.*CSV"):
        read_roster(book)


def test_a_damaged_snapshot_manifest_gets_a_swedish_message(tmp_path, capsys):
    snapshot = tmp_path / "insamling"
    snapshot.mkdir()
    (snapshot / "insamling.json").write_text('{"participants": [', encoding="utf-8")
    assert cohort_cli.main(["feedback", str(snapshot)]) == 2
    err = capsys.readouterr().err
    assert "skadad" in err and "Traceback" not in err


def test_a_truncated_hand_in_is_collected_as_that_exercise(tmp_path):
    out = tmp_path / "deltagare"
    release(_roster(tmp_path, "Bo Berg;05"), out, selection="1")
    book = out / "bo-berg" / "ovning1_uppdraget.ipynb"
    book.write_bytes(book.read_bytes()[:200])
    snapshot = collect(out, tmp_path / "insamling")
    manifest = json.loads((snapshot / "insamling.json").read_text(encoding="utf-8"))
    [item] = [f for f in manifest["participants"][0]["files"] if f["path"].endswith(".ipynb")]
    assert item["exercise"] == "ovning1" and item["pristine"] is False


def test_feedback_progress_says_a_cell_timed_out_instead_of_done(capsys):
    result = {"participant": "eva-ek", "exercise": "ovning4", "status": "ran", "seconds": 7.0,
              "timeouts": [{"cell": 3, "line": "while True:", "seconds": 6}]}
    cohort_cli._Progress()(result, 1, 1)
    line = capsys.readouterr().out
    assert "TIDSGRÄNS i cell 3" in line and ": klar" not in line
    cohort_cli._Progress()({**result, "timeouts": []}, 1, 1)
    assert ": klar" in capsys.readouterr().out


def test_a_240_character_name_gets_its_page_and_the_overview(tmp_path, capsys):
    name = "Anna " + "Lång" * 59 + "a"
    assert len(name) >= 240
    released = tmp_path / "deltagare"
    release(_roster(tmp_path, f"{name};12", "Bo Berg;05"), released, selection="2")
    snapshot = collect(released, tmp_path / "insamling")
    pages = tmp_path / "sidor"
    assert cohort_cli.main(["feedback", str(snapshot), "--out", str(pages)]) == 0
    record = json.loads((pages / "aterkoppling.json").read_text(encoding="utf-8"))
    [long_one] = [p for p in record["participants"] if p["deltagare"] == name]
    assert len(long_one["slug"]) <= 60
    assert name in (pages / f"{long_one['slug']}.html").read_text(encoding="utf-8")
    assert name in (pages / "index.html").read_text(encoding="utf-8")


def test_concurrent_releases_leave_no_false_changes_and_a_manifest_that_matches(tmp_path):
    import hashlib

    out = tmp_path / "ut"
    roster = _roster(tmp_path, "Bo Berg;05", "Eva Ek;09")
    outcomes: list = []
    threads = [threading.Thread(target=lambda: outcomes.append(release(roster, out,
                                                                       selection="1,2")))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(outcomes) == 2
    assert not [b for run in outcomes for o in run for b in o.beside]  # nothing "changed"
    for folder in (out / "bo-berg", out / "eva-ek"):
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        for relative, record in manifest["files"].items():
            data = (folder / relative).read_bytes()
            assert hashlib.sha256(data).hexdigest() == record["sha256"], relative
        assert not list(folder.glob("*_ny-version*"))
