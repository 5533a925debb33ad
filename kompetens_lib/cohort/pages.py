"""The feedback pages: one Swedish HTML page per participant and the cohort's overview.

Plain, self-contained HTML (no scripts, nothing fetched); the pages never show the expected
values, only what the checks said.
"""

from __future__ import annotations

import datetime as dt
import html

from kompetens_lib.cohort.status import BROKEN, CRASHED, DISK_FULL, NOT_STARTED, RAN, TIMED_OUT
from kompetens_lib.exercises import (
    ALL_PASSED,
    EXERCISES,
    FAILED,
    MISSING,
    NOT_FILLED_IN,
    NOT_YET,
    PASSED,
)
from kompetens_lib.reference.regions import region_name

__all__ = ["overview_page", "participant_page", "result_html", "summary"]


def _swedish_time(moment: dt.datetime) -> str:
    months = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december")
    return f"{moment.day} {months[moment.month - 1]} {moment.year} kl. {moment:%H.%M}"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Color Emoji","Segoe UI Symbol",
"DejaVu Sans",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f5f5f5}
.passed{color:#1b7a3a}.failed{color:#a35200}.missing,.not_run{color:#555}
.problem{background:#fdf3e7;border-left:4px solid #a35200;padding:.4rem .8rem;margin:.4rem 0}
.kontroll{margin:.4rem 0}.kontroll ul{margin:.2rem 0}small{color:#555}
"""

_CHECK_ICONS = {PASSED: "✔", FAILED: "✎", MISSING: "…", "not_run": "–"}


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang='sv'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def summary(result: dict | None) -> tuple[str, str]:
    """(short label for the overview, class) of one exercise's result."""
    if result is None:
        return "– ej inlämnad", "missing"
    status = result["status"]
    if status == NOT_STARTED:
        return "○ inte påbörjad", "missing"
    if status == CRASHED:
        return "✘ kraschade", "failed"
    if status == TIMED_OUT:
        return "◷ tidsgränsen nåddes", "failed"
    if status == BROKEN:
        return "✘ kunde inte köras", "failed"
    if status == DISK_FULL:
        return f"✘ avbröts: skrev mer än {result.get('disk_mb', '?')} MB", "failed"
    done = sum(c["status"] == PASSED for c in result["checks"])
    total = len(result["checks"])
    warning = " ⚠" if result.get("cell_errors") or result.get("timeouts") else ""
    if total and done == total:
        return "✔ klar" + warning, "passed"
    if all(c["status"] == MISSING for c in result["checks"]) and not warning:
        return "○ inte påbörjad", "missing"
    return f"◐ {done} av {total}{warning}", "failed"


def _status_sentence(result: dict) -> str:
    status = result["status"]
    if status == NOT_STARTED:
        return "Inte påbörjad ännu: inga svar är ifyllda."
    if status == CRASHED:
        where = result.get("crash_cell")
        at = (f" i kodcell {where['cell']} (som börjar med <code>{html.escape(where['line'])}"
              f"</code>)") if where else ""
        return (f"Anteckningsboken kraschade{at}: Python-kärnan stängdes av, så kontrollerna "
                "kunde inte köras. Ta bort eller rätta det som stänger av kärnan och kör om.")
    if status == TIMED_OUT:
        where = result.get("crash_cell")
        at = (f" i kodcell {where['cell']} (som börjar med <code>{html.escape(where['line'])}"
              f"</code>)") if where else ""
        return (f"Anteckningsboken tog för lång tid och stoppades{at}, så kontrollerna kunde "
                "inte köras. Leta efter en loop som aldrig tar slut.")
    if status == BROKEN:
        return "Anteckningsboken kunde inte köras: " + html.escape(result.get("problem", ""))
    if status == DISK_FULL:
        return (f"Anteckningsboken avbröts: skrev mer än {result.get('disk_mb', '?')} MB "
                "filer, mer än en övning behöver, så kontrollerna kunde inte köras. Leta "
                "efter en cell som skriver stora filer eller skriver i en loop.")
    done = sum(c["status"] == PASSED for c in result["checks"])
    total = len(result["checks"])
    if total and done == total:
        return f"<strong>{ALL_PASSED}</strong> Bra jobbat!"
    return f"{done} av {total} delar klara. Fortsätt gärna där kontrollerna säger något."


def result_html(result: dict) -> str:
    """The HTML of one exercise's feedback result: what happened, cell problems, checks."""
    parts = [f"<p>{_status_sentence(result)}</p>"]
    for item in result.get("timeouts", []):
        parts.append(
            f"<div class='problem'>Kodcell {item['cell']} (som börjar med "
            f"<code>{html.escape(item['line'])}</code>) avbröts efter {item['seconds']} "
            "sekunder. Kontrollera att loopen tar slut; resten av anteckningsboken kördes "
            "ändå.</div>")
    for item in result.get("cell_errors", []):
        parts.append(
            f"<div class='problem'>Kodcell {item['cell']} (som börjar med "
            f"<code>{html.escape(item['line'])}</code>) gav ett fel: "
            f"<code>{html.escape(item['ename'])}: {html.escape(item['evalue'])}</code>. "
            "Rätta felet och kör om cellen.</div>")
    if result.get("problem") and result["status"] == RAN:
        parts.append(f"<div class='problem'>{html.escape(result['problem'])}</div>")
    if result["status"] in (RAN,):
        for check in result["checks"]:
            status = check["status"]
            headline = {PASSED: ALL_PASSED, MISSING: NOT_FILLED_IN,
                        FAILED: NOT_YET}.get(status, "")
            items = "".join(f"<li>{html.escape(m)}</li>" for m in check.get("messages", [])
                            if status == FAILED)
            listing = f"<ul>{items}</ul>" if items else ""
            parts.append(f"<div class='kontroll {status}'>{_CHECK_ICONS.get(status, '')} "
                         f"<strong>{html.escape(check['title'])}</strong> – "
                         f"{html.escape(headline)}{listing}</div>")
    return "\n".join(parts)


def participant_page(person: dict, results: dict[str, dict], collected: str,
                     exercise_ids: list[str]) -> str:
    """A participant's page: every exercise of the run with what its checks said."""
    moment = dt.datetime.fromisoformat(collected)
    region = person.get("region")
    where = f"{region_name(region)} ({region}) · " if region else ""
    body = [f"<h1>Återkoppling till {html.escape(person['deltagare'])}</h1>",
            f"<p><small>{html.escape(where)}insamlat {_swedish_time(moment)}</small></p>",
            ("<p>Här är vad kontrollerna i dina övningar säger, körda på nytt från början. "
            "De visar inga facit: svaren räknas fram för ditt län. Står det <em>Alla synliga "
            "kontroller godkända</em> är övningen klar – resten tar vi gärna upp vid nästa "
            "träff.</p>")]
    for exercise_id in exercise_ids:
        item = EXERCISES[exercise_id]
        result = results.get(exercise_id)
        body.append(f"<h2>Övning {item.number} – {html.escape(item.title)}</h2>")
        if result is None:
            body.append("<p>Ingen anteckningsbok för den här övningen kom med i "
                        "insamlingen.</p>")
        else:
            body.append(result_html(result))
            body.append(f"<p><small>Fil: {html.escape(result['file'])}</small></p>")
    body.append("<h2>Behöver du hjälp?</h2><p>Fråga handledaren eller en kollega i kohorten. "
                "Mer om övningarna finns i arbetsbokens <code>docs/deltagare.md</code>.</p>")
    return _page(f"Återkoppling – {person['deltagare']}", "\n".join(body))


def overview_page(manifest: dict, by_person: dict[str, dict[str, dict]],
                  exercise_ids: list[str], seconds: float) -> str:
    """The cohort's overview: who has done what, the checks most often not passed, and the
    problems of the run."""
    moment = dt.datetime.fromisoformat(manifest["collected"])
    people = manifest["participants"]
    ran = sum(r["status"] != NOT_STARTED for rs in by_person.values() for r in rs.values())
    head = "".join(f"<th>Övning {EXERCISES[e].number}<br><small>{html.escape(EXERCISES[e].title)}"
                   f"</small></th>" for e in exercise_ids)
    rows = []
    for person in people:
        results = by_person.get(person["slug"], {})
        region = person.get("region") or ""
        cells = []
        for exercise_id in exercise_ids:
            label, css = summary(results.get(exercise_id))
            cells.append(f"<td class='{css}'>{html.escape(label)}</td>")
        rows.append(f"<tr><td><a href='{html.escape(person['slug'])}.html'>"
                    f"{html.escape(person['deltagare'])}</a></td><td>{html.escape(region)}</td>"
                    + "".join(cells) + "</tr>")
    table = (f"<table><tr><th>Deltagare</th><th>Län</th>{head}</tr>" + "".join(rows)
             + "</table>")
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for results in by_person.values():
        for exercise_id, result in results.items():
            for check in result["checks"]:
                key = (exercise_id, check["check"])
                entry = counts.setdefault(key, {"title": check["title"], PASSED: 0, FAILED: 0,
                                                MISSING: 0, "not_run": 0})
                entry[check["status"]] = entry.get(check["status"], 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][FAILED], -kv[1][MISSING],
                                                     EXERCISES[kv[0][0]].number))
    check_rows = "".join(
        f"<tr><td>Övning {EXERCISES[e].number}</td><td>{html.escape(v['title'])}</td>"
        f"<td>{v[FAILED]}</td><td>{v[MISSING]}</td><td>{v[PASSED]}</td></tr>"
        for (e, _), v in ranked if v[FAILED] or v[MISSING])
    check_table = (
        "<table><tr><th>Övning</th><th>Kontroll</th><th>inte klar än</th><th>ej besvarad</th>"
        f"<th>godkänd</th></tr>{check_rows}</table>" if check_rows
        else "<p>Alla kontroller som kördes är godkända.</p>")
    problems = []
    names = {p["slug"]: p["deltagare"] for p in people}
    for slug, results in by_person.items():
        for exercise_id, result in sorted(results.items(), key=lambda kv: EXERCISES[kv[0]].number):
            label = f"{names.get(slug, slug)}, övning {EXERCISES[exercise_id].number}"
            if result["status"] in (CRASHED, TIMED_OUT, BROKEN, DISK_FULL):
                problems.append(f"<li>{html.escape(label)}: {html.escape(summary(result)[0])}"
                                + (f" – {html.escape(result['problem'])}"
                                   if result.get("problem") else "") + "</li>")
            for item in result.get("timeouts", []):
                problems.append(f"<li>{html.escape(label)}: kodcell {item['cell']} avbröts "
                                f"efter {item['seconds']} s (<code>{html.escape(item['line'])}"
                                "</code>)</li>")
            for item in result.get("cell_errors", []):
                problems.append(f"<li>{html.escape(label)}: kodcell {item['cell']} gav "
                                f"<code>{html.escape(item['ename'])}</code></li>")
    changed = manifest.get("snapshot_changed") or []
    if changed:
        problems.append("<li>Filer i insamlingen ändrades medan deltagarnas kod kördes: "
                        + html.escape(", ".join(changed)) + ". Sidorna bygger på filerna "
                        "som de samlades in; samla in på nytt för en oförändrad insamling."
                        "</li>")
    problem_list = f"<ul>{''.join(problems)}</ul>" if problems else "<p>Inga.</p>"
    legend = ("<p><small>✔ klar: alla synliga kontroller godkända · ◐ delvis klar · "
              "○ inte påbörjad · ✘ kraschade, avbröts eller kunde inte köras · "
              "◷ tidsgränsen nåddes · "
              "⚠ fel eller avbruten cell i anteckningsboken · – ej inlämnad</small></p>")
    body = [
        "<h1>Kohortöversikt</h1>",
        f"<p>Insamlat {_swedish_time(moment)} · {len(people)} deltagare · {ran} "
        f"anteckningsböcker körda på {seconds:.0f} s.</p>".replace(".0 s", " s"),
        "<h2>Vem har gjort vad</h2>", table, legend,
        "<h2>Kontroller som oftast inte går igenom</h2>",
        ("<p>Sorterat efter hur många som inte är klara. En kontroll som många fastnar på är "
        "ett bra ämne för nästa träff.</p>"), check_table,
        "<h2>Problem vid körningen</h2>", problem_list,
    ]
    if manifest.get("unattributed"):
        body.append("<h2>Filer utan deltagare</h2><ul>" + "".join(
            f"<li>{html.escape(n)}</li>" for n in manifest["unattributed"]) + "</ul>")
    return _page("Kohortöversikt", "\n".join(body))

