"""The facilitator's cohort workflow: roster, release, re-release, collect and feedback.

A simulated cohort of five participants in five counties gets its exercises, answers some
right, some wrong, leaves some empty, crashes its kernel and loops forever; the facilitator
updates the exercises and re-releases (nothing a participant changed is overwritten), collects
and gives feedback, and the feedback says what happened in Swedish.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from kompetens_lib import cohort
from kompetens_lib import exercises as ex
from kompetens_lib.cli import cohort as cohort_cli
from kompetens_lib.present.html_export import external_references

ROOT = Path(__file__).resolve().parents[1]
MASTERS = ROOT / "exercises" / "masters"

ROSTER = (
    "deltagare;region;prioriterade_grupper\n"
    "Anna Andersson;Skåne;Sjuksköterskor;Förskollärare\n"
    "Bertil Berg;05;\n"
    "Cecilia Ceder;Norrbottens län;702\n"
    "David Dahl;1;\n"
    "Eva Ek;Gotland;\n"
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def solution(stem: str, variable: str) -> str:
    """The master's solution cell that defines ``variable``."""
    nb = nbformat.read(MASTERS / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        if ex.SOLUTION_TAG in cell.metadata.get("tags", []) and \
                re.search(rf"^{variable} = ", cell.source, re.MULTILINE):
            return cell.source
    raise AssertionError(f"no solution for {variable} in {stem}")


def answer(path: Path, variable: str, source: str) -> None:
    """Replace the participant's placeholder cell for ``variable`` with ``source``."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if "svar" in cell.metadata.get("tags", []) and \
                re.search(rf"^{variable} = ", cell.source, re.MULTILINE):
            cell.source = source
            nbformat.write(nb, path)
            return
    raise AssertionError(f"no answer cell for {variable} in {path}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cohort_cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def page_text(path: Path) -> str:
    text = re.sub(r"<style>.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).replace("&#x27;", "'")


# --- roster ------------------------------------------------------------------------------------

def test_roster_in_excel_encoding_with_groups_and_defaults(tmp_path):
    path = tmp_path / "deltagarlista.csv"
    path.write_bytes(ROSTER.encode("cp1252"))
    people = cohort.read_roster(path)
    assert [p.slug for p in people] == ["anna-andersson", "bertil-berg", "cecilia-ceder",
                                        "david-dahl", "eva-ek"]
    assert [p.region for p in people] == ["12", "05", "25", "01", "09"]
    assert people[0].groups == ("713", "103") and people[0].groups_given
    assert people[1].groups == () and not people[1].groups_given
    comma = tmp_path / "roster.csv"
    comma.write_text('\ufeffDeltagare,Region,Prioriterade grupper\n'
                     '"Åsa Öberg",Kalmar,"Pedagogik, ej examen; 713"\n', encoding="utf-8")
    (person,) = cohort.read_roster(comma)
    assert (person.name, person.slug, person.region, person.groups) == (
        "Åsa Öberg", "asa-oberg", "08", ("102", "713"))


def test_bad_roster_rows_are_listed_together_and_nothing_is_written(tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text("deltagare;region;prioriterade_grupper\n"
                    "Anna Andersson;Skåne;\n"
                    ";05;\n"
                    "Bertil Berg;Skane2;\n"
                    "anna andersson;12;\n"
                    "Cecilia Ceder;25;Rymdpiloter\n"
                    "Anna-Andersson;14;\n"
                    "David Dahl;;\n", encoding="utf-8")
    out = tmp_path / "deltagare"
    code, _, err = run(capsys, "release", str(path), "--out", str(out))
    assert code == 2 and not out.exists()
    assert "har 6 rader som behöver rättas innan något delas ut" in err
    assert "rad 3: namnet saknas i kolumnen deltagare." in err
    assert "rad 4 (Bertil Berg): okänt län 'Skane2' – menade du Skåne län (12)?" in err
    assert "rad 5 (anna andersson): anna andersson finns redan på rad 2." in err
    assert "rad 6 (Cecilia Ceder): Okänd utbildningsgrupp: 'Rymdpiloter'." in err
    assert "rad 7 (Anna-Andersson): Anna-Andersson finns redan på rad 2." in err
    assert "rad 8 (David Dahl): länet saknas i kolumnen region." in err
    assert "Giltiga län: 01 Stockholm, 03 Uppsala" in err
    assert "Traceback" not in err


def test_roster_without_required_columns(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("namn,län\nAnna,12\n", encoding="utf-8")
    with pytest.raises(ex.KompetensError, match="saknar kolumnen deltagare, region.*"
                                                "Listan har: namn, län"):
        cohort.read_roster(path)
    path.write_text("deltagare,region\n", encoding="utf-8")
    with pytest.raises(ex.KompetensError, match="har inga deltagare"):
        cohort.read_roster(path)


def test_help_and_errors_are_swedish(capsys):
    for action in ("release", "collect", "feedback"):
        with pytest.raises(SystemExit):
            cohort_cli.main([action, "--help"])
        out = capsys.readouterr().out
        assert out.startswith("Användning: kompetens cohort " + action)
        assert "visa den här hjälpen och avsluta" in out and "show this help" not in out
    with pytest.raises(SystemExit):
        cohort_cli.main(["feedback"])
    assert "följande argument krävs: INSAMLING" in capsys.readouterr().err
    code, _, err = run(capsys, "feedback", "finns-inte")
    assert code == 2 and "är ingen insamling" in err


# --- the simulated cohort ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory):
    """Release, answer, update and re-release, collect and give feedback, as a facilitator
    would; returns the paths and what the commands printed."""
    root = tmp_path_factory.mktemp("kohort")
    roster = root / "deltagarlista.csv"
    roster.write_bytes(ROSTER.encode("cp1252"))
    released = root / "deltagare"
    logs = {}

    def cli(name, *argv):
        import contextlib
        import io

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cohort_cli.main(list(argv))
        logs[name] = (code, out.getvalue(), err.getvalue())
        return code

    assert cli("release", "release", str(roster), "--out", str(released),
               "--exercises", "1,2,4") == 0

    def folder(slug):
        return released / slug

    anna, bertil, david, eva = (folder(s) for s in ("anna-andersson", "bertil-berg",
                                                    "david-dahl", "eva-ek"))
    # Anna does everything right.
    answer(anna / "ovning1_uppdraget.ipynb", "uppdrag", solution("ovning1_uppdraget", "uppdrag"))
    for variable in ("storsta_grupper", "hog_kvot", "forklaring"):
        answer(anna / "ovning2_nulaget.ipynb", variable, solution("ovning2_nulaget", variable))
    for variable in ("pensionsavgangar", "andel_pension", "pension_kommentar"):
        answer(anna / "ovning4_pensionsavgangarna.ipynb", variable,
               solution("ovning4_pensionsavgangarna", variable))
    # Bertil makes the usual mistakes.
    answer(bertil / "ovning2_nulaget.ipynb", "storsta_grupper",
           'storsta_grupper = ["Ekonomer", "Jurister", "Läkare"]')
    answer(bertil / "ovning2_nulaget.ipynb", "forklaring",
           'forklaring = "Ekonomer är många här."')
    answer(bertil / "ovning4_pensionsavgangarna.ipynb", "pensionsavgangar",
           'pensionsavgangar = min_grupp.loc[min_grupp["age_band"] == "55-64", "value"].sum()')
    # Cecilia has not started. David's kernel dies in exercise 2; exercise 4 is right.
    answer(david / "ovning2_nulaget.ipynb", "storsta_grupper", "import os\nos._exit(1)")
    for variable in ("pensionsavgangar", "andel_pension"):
        answer(david / "ovning4_pensionsavgangarna.ipynb", variable,
               solution("ovning4_pensionsavgangarna", variable))
    # Eva loops forever in exercise 4 and divides by zero in exercise 2.
    answer(eva / "ovning4_pensionsavgangarna.ipynb", "pensionsavgangar",
           "while True:\n    pass")
    answer(eva / "ovning4_pensionsavgangarna.ipynb", "andel_pension", "andel_pension = 0.9")
    answer(eva / "ovning2_nulaget.ipynb", "storsta_grupper",
           solution("ovning2_nulaget", "storsta_grupper"))
    answer(eva / "ovning2_nulaget.ipynb", "hog_kvot", "hog_kvot = 1 / 0")

    changed = {p: sha(p) for p in released.rglob("ovning*.ipynb")
               if p.parent.name != "cecilia-ceder"}
    pristine = {p: sha(p) for p in (released / "cecilia-ceder").glob("ovning*.ipynb")}

    # The facilitator updates two exercises and releases again.
    masters = root / "masters"
    shutil.copytree(MASTERS, masters)
    for stem in ("ovning2_nulaget", "ovning4_pensionsavgangarna"):
        nb = nbformat.read(masters / f"{stem}.ipynb", as_version=4)
        nb.cells[0].source += "\n\n*Uppdaterad inför träff 2: nytt tips i uppgift 1.*"
        nbformat.write(nb, masters / f"{stem}.ipynb")
    assert cli("rerelease", "release", str(roster), "--out", str(released), "--exercises",
               "1,2,4", "--masters", str(masters)) == 0

    originals = {p: (sha(p), p.stat().st_mtime_ns) for p in released.rglob("*")
                 if p.is_file()}
    snapshot = root / "insamling"
    assert cli("collect", "collect", "--from", str(released), "--out", str(snapshot)) == 0
    assert cli("collect-again", "collect", "--from", str(released), "--out",
               str(snapshot)) == 2
    pages = root / "aterkoppling"
    assert cli("feedback", "feedback", str(snapshot), "--out", str(pages), "--timeout", "6",
               "--jobs", "2") == 0
    return {"root": root, "released": released, "snapshot": snapshot, "pages": pages,
            "logs": logs, "changed": changed, "pristine": pristine, "originals": originals}


def test_release_gives_each_participant_a_parameterised_folder(cohort_run):
    released = cohort_run["released"]
    assert sorted(p.name for p in released.iterdir()) == [
        "anna-andersson", "bertil-berg", "cecilia-ceder", "david-dahl", "eva-ek"]
    nb = nbformat.read(released / "cecilia-ceder" / "ovning2_nulaget.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'deltagare = "Cecilia Ceder"' in injected[0].source
    assert 'region = "25"  # Norrbottens län' in injected[0].source
    assert 'prioriterade_grupper = ["702"]  # Gymn. vård och omsorg' in injected[0].source
    assert "\\x" not in injected[0].source  # Swedish letters stay readable
    assert nb.metadata["kompetens"]["deltagare"] == "Cecilia Ceder"
    assert nb.metadata["papermill"]["parameters"]["region"] == "25"
    assert not any(ex.SOLUTION_TAG in c.metadata.get("tags", []) for c in nb.cells)
    bertil = nbformat.read(released / "bertil-berg" / "ovning1_uppdraget.ipynb", as_version=4)
    params = next(c for c in bertil.cells if "injected-parameters" in c.metadata.get("tags", []))
    groups = ex.default_groups("05")
    assert f"prioriterade_grupper = {json.dumps(groups)}" in params.source
    assert "(länets största grupper utom förgymnasial och okänd)" in params.source
    readme = (released / "anna-andersson" / cohort.README_NAME).read_text(encoding="utf-8")
    assert "Övning 2 – Nuläget i din region" in readme and "Sjuksköterskor" in readme
    _, out, _ = cohort_run["logs"]["release"]
    assert "anna-andersson/ (Anna Andersson, 12 Skåne län): 3 nya" in out
    assert "Klart: 5 deltagare" in out


def test_rerelease_never_overwrites_a_changed_file(cohort_run):
    for path, digest in cohort_run["changed"].items():
        assert sha(path) == digest, path
    _, out, _ = cohort_run["logs"]["rerelease"]
    released = cohort_run["released"]
    for slug in ("anna-andersson", "bertil-berg", "david-dahl", "eva-ek"):
        for stem in ("ovning2_nulaget", "ovning4_pensionsavgangarna"):
            beside = released / slug / f"{stem}_ny-version.ipynb"
            if sha(released / slug / f"{stem}.ipynb") == cohort_run["changed"].get(
                    released / slug / f"{stem}.ipynb"):
                assert beside.exists(), beside
                assert "Uppdaterad inför träff 2" in beside.read_text(encoding="utf-8")
                assert f"{slug}/{stem}.ipynb är ändrad av deltagaren → ny version i " \
                       f"{slug}/{stem}_ny-version.ipynb" in out
    # Exercise 1 did not change, so nothing new is written beside Bertil's untouched copy.
    assert not (released / "bertil-berg" / "ovning1_uppdraget_ny-version.ipynb").exists()
    # Cecilia's untouched notebooks are simply updated in place.
    for path in cohort_run["pristine"]:
        text = path.read_text(encoding="utf-8")
        if "ovning1" in path.name:
            assert "Uppdaterad" not in text
        else:
            assert "Uppdaterad inför träff 2" in text
        assert not path.with_name(path.stem + "_ny-version.ipynb").exists()
    assert "cecilia-ceder/ (Cecilia Ceder, 25 Norrbottens län): 2 uppdaterade" in out


def test_collect_copies_without_changing_the_originals(cohort_run, capsys):
    for path, (digest, mtime) in cohort_run["originals"].items():
        assert sha(path) == digest and path.stat().st_mtime_ns == mtime, path
    snapshot = cohort_run["snapshot"]
    manifest = json.loads((snapshot / cohort.SNAPSHOT_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["collected"][:4].isdigit()
    people = {p["slug"]: p for p in manifest["participants"]}
    assert set(people) == {"anna-andersson", "bertil-berg", "cecilia-ceder", "david-dahl",
                           "eva-ek"}
    anna = {f["path"]: f for f in people["anna-andersson"]["files"]}
    assert anna["ovning2_nulaget.ipynb"]["pristine"] is False
    assert anna["ovning2_nulaget_ny-version.ipynb"]["pristine"] is True
    for item in anna.values():
        copy = snapshot / "anna-andersson" / item["path"]
        assert sha(copy) == item["sha256"] == sha(Path(item["original"]))
    _, _, err = cohort_run["logs"]["collect-again"]
    assert "finns redan och är inte tom" in err
    assert "Samlade in" in cohort_run["logs"]["collect"][1]


def _results(cohort_run) -> dict:
    record = json.loads((cohort_run["pages"] / cohort.FEEDBACK_JSON).read_text(encoding="utf-8"))
    return {(p["slug"], r["exercise"]): r for p in record["participants"] for r in p["results"]}


def test_feedback_runs_every_check_and_reports_crashes_and_loops(cohort_run):
    results = _results(cohort_run)
    statuses = {key: r["status"] for key, r in results.items()}
    assert statuses[("anna-andersson", "ovning2")] == "ran"
    assert all(c["status"] == "passed" for key in (("anna-andersson", e) for e in
               ("ovning1", "ovning2", "ovning4")) for c in results[key]["checks"])
    bertil = {c["check"]: c for c in results[("bertil-berg", "ovning2")]["checks"]}
    assert results[("bertil-berg", "ovning2")]["file"] == "ovning2_nulaget.ipynb"
    assert bertil["storsta_grupper"]["status"] == "failed"
    assert bertil["hog_kvot"]["status"] == "missing"
    assert "två meningar" in " ".join(bertil["forklaring"]["messages"])
    retire = {c["check"]: c for c in results[("bertil-berg", "ovning4")]["checks"]}
    assert "Gruppen 65–74 år saknas" in " ".join(retire["pensionsavgangar"]["messages"])
    assert statuses[("cecilia-ceder", "ovning2")] == "not_started"
    assert statuses[("david-dahl", "ovning2")] == "crashed"
    assert results[("david-dahl", "ovning2")]["crash_cell"]["line"] == "import os"
    david4 = results[("david-dahl", "ovning4")]
    assert [c["status"] for c in david4["checks"]] == ["passed", "passed", "missing"], david4
    eva = results[("eva-ek", "ovning4")]
    assert eva["status"] == "ran" and eva["timeouts"][0]["line"] == "while True:"
    assert {c["check"]: c["status"] for c in eva["checks"]} == {
        "pensionsavgangar": "missing", "andel_pension": "failed", "pension_kommentar": "missing"}
    eva2 = results[("eva-ek", "ovning2")]
    assert [e["ename"] for e in eva2["cell_errors"]] == ["ZeroDivisionError"]
    assert eva2["checks"][0]["status"] == "passed"
    assert ("eva-ek", "ovning1") in results and statuses[("eva-ek", "ovning1")] == "not_started"
    # Anna's exercise 1 saved her mandate while it ran: in a temporary copy, not the snapshot.
    assert not list(cohort_run["snapshot"].rglob("uppdrag"))


def test_feedback_pages_in_swedish(cohort_run):
    pages = cohort_run["pages"]
    overview = page_text(pages / "index.html")
    for name in ("Anna Andersson", "Bertil Berg", "Cecilia Ceder", "David Dahl", "Eva Ek"):
        assert name in overview
    assert "Kohortöversikt" in overview and "Vem har gjort vad" in overview
    assert "Kontroller som oftast inte går igenom" in overview
    row = re.search(r"Anna Andersson 12 (.*?) Bertil", overview).group(1)
    assert row.split() == ["✔", "klar", "✔", "klar", "✔", "klar"]
    assert "✘ kraschade" in overview and "○ inte påbörjad" in overview
    assert "Eva Ek, övning 4: kodcell" in overview and "avbröts efter 6 s" in overview
    rows = re.findall(r"<tr><td>Övning (\d)</td><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td>"
                      r"<td>(\d+)</td></tr>", (pages / "index.html").read_text(encoding="utf-8"))
    failing = [int(r[2]) for r in rows]
    assert failing == sorted(failing, reverse=True) and failing[0] >= 1
    counts = {title: (int(f), int(m), int(ok)) for _, title, f, m, ok in rows}
    assert counts["Länets tre största grupper"] == (1, 1, 2)  # Bertil; Cecilia; Anna, Eva
    assert counts["Pensionsavgångar på tio år"][0] == 1  # Bertil
    anna = page_text(pages / "anna-andersson.html")
    assert "Återkoppling till Anna Andersson" in anna
    assert anna.count("Alla synliga kontroller godkända") >= 3
    eva = page_text(pages / "eva-ek.html")
    assert "avbröts efter 6 sekunder" in eva and "while True:" in eva
    assert "ZeroDivisionError: division by zero" in eva
    david = page_text(pages / "david-dahl.html")
    assert "kraschade i kodcell" in david and "kontrollerna kunde inte köras" in david
    bertil = page_text(pages / "bertil-berg.html")
    assert "Gruppen 65–74 år saknas" in bertil and "Skriv två meningar" in bertil
    cecilia = page_text(pages / "cecilia-ceder.html")
    assert "Inte påbörjad ännu" in cecilia
    for page in pages.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert external_references(html) == [], page
        assert "<html lang='sv'>" in html
        for english in ("Traceback", "passed", "failed", "not_started"):
            assert english not in page_text(page), (english, page)


def test_feedback_never_shows_the_expected_values(cohort_run):
    from kompetens_lib.workbook import profile

    bertil = page_text(cohort_run["pages"] / "bertil-berg.html")
    top = profile.location_quotients("05", 2023)
    for name in top["short_name"].head(3):
        if name not in ("Ekonomer", "Jurister", "Läkare"):
            assert name not in bertil


def test_stubborn_loop_is_stopped_by_the_notebook_time_limit(tmp_path):
    stubborn = "while True:\n    try:\n        while True:\n            pass\n" \
               "    except KeyboardInterrupt:\n        pass"  # swallows the interrupt
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                         nbformat.v4.new_code_cell(stubborn)])
    nb.metadata["kompetens"] = {"exercise": "ovning1"}
    nbformat.write(nb, tmp_path / "ovning1_uppdraget.ipynb")
    job = cohort.FeedbackJob("x", "ovning1", str(tmp_path), "ovning1_uppdraget.ipynb",
                             cell_timeout=1, notebook_timeout=2)
    result = cohort.run_feedback_job(job)
    assert result["status"] == cohort.TIMED_OUT
    assert result["crash_cell"] == {"cell": 2, "line": "while True:"}
    assert [c["status"] for c in result["checks"]] == ["not_run", "not_run"]
    page = cohort.result_html(result)
    assert "tog för lång tid och stoppades" in page and "kodcell 2" in page
    assert result["seconds"] < 20


# --- hand-ins and privacy ----------------------------------------------------------------------

def test_collect_from_a_folder_of_hand_ins(tmp_path, capsys):
    handins = tmp_path / "inlamningar"
    handins.mkdir()
    copy = ex.participant_copy(nbformat.read(MASTERS / "ovning2_nulaget.ipynb", as_version=4))
    copy.metadata["kompetens"]["deltagare"] = "Åsa Öberg"
    nbformat.write(copy, handins / "asa_ovning2.ipynb")
    (handins / "bertil").mkdir()
    plain = nbformat.v4.new_notebook()
    nbformat.write(plain, handins / "bertil" / "min_anteckningsbok.ipynb")
    nbformat.write(plain, handins / "vem.ipynb")
    (handins / ".ipynb_checkpoints").mkdir()
    nbformat.write(plain, handins / ".ipynb_checkpoints" / "asa_ovning2-checkpoint.ipynb")
    snapshot = tmp_path / "snap"
    code, out, _ = run(capsys, "collect", "--from", str(handins), "--out", str(snapshot))
    assert code == 0
    assert "Samlade in 2 anteckningsböcker från 2 deltagare" in out
    assert "vem.ipynb" in out  # not attributed: listed, not collected
    manifest = json.loads((snapshot / cohort.SNAPSHOT_MANIFEST).read_text(encoding="utf-8"))
    assert {p["slug"] for p in manifest["participants"]} == {"asa-oberg", "bertil"}
    assert manifest["unattributed"] == ["vem.ipynb"]
    assert (snapshot / "asa-oberg" / "asa_ovning2.ipynb").exists()
    code, _, err = run(capsys, "collect", "--from", str(handins), "--out",
                       str(handins / "inne"))
    assert code == 2 and "kan inte ligga i mappen som samlas in" in err


def test_rosters_and_participant_data_stay_out_of_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("git finns inte här")
    paths = ["deltagarlista.csv", "kohort/roster-vt27.csv",
             "deltagare/anna/ovning1_uppdraget.ipynb",
             "insamlingar/2027-03-01_1000/insamling.json", "aterkoppling/x/index.html",
             "mitt-arbete/ovning2_nulaget.ipynb", "exercises/uppdrag/12.json",
             "deltagare/anna/.kompetens-utdelning.json"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert sorted(done.stdout.split()) == sorted(paths), done.stdout
    kept = subprocess.run(["git", "check-ignore", "--no-index",
                           "exercises/ovning2_nulaget.ipynb",
                           "exercises/masters/ovning2_nulaget.ipynb"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert kept.stdout.strip() == ""


def test_the_cohort_code_sends_nothing_anywhere():
    for path in sorted((ROOT / "kompetens_lib" / "cohort").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for word in ("urllib", "requests", "http://", "https://", "smtplib", "socket"):
            assert word not in source, (path.name, word)


def test_ctrl_c_during_feedback_says_so_and_writes_no_pages(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cohort_cli, "feedback", interrupted)
    pages = tmp_path / "sidor"
    code, out, _ = run(capsys, "feedback", str(tmp_path), "--out", str(pages))
    assert code == 130 and "Avbrutet" in out and not pages.exists()
