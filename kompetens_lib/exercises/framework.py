"""The check framework: the exercises, the participant's context, check results and the
registry of checks that :func:`run_checks` and :func:`report` run on a notebook's answers.

Every exercise notebook starts with ``ctx = ex.start("ovningN", region, prioriterade_grupper)``
and checks each answer with a function registered by :func:`check`. A check compares the
answer with values the workbook computes *at check time* for the participant's own county,
so no answer is stored anywhere; its messages say what is wrong and what to try, never the
expected value. Checks display themselves (HTML, text, and JSON under :data:`CHECK_MIME`) so
that the cohort feedback can read the results back from an executed notebook.
"""

from __future__ import annotations

import functools
import html
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from kompetens_lib.errors import AnswerMissing, KompetensError
from kompetens_lib.exercises.answers import resolve_groups
from kompetens_lib.reference.regions import regions, resolve_region
from kompetens_lib.reference.taxonomy import education_groups, resolve_group

CHECK_MIME = "application/vnd.kompetens.check+json"
REPORT_MIME = "application/vnd.kompetens.exercise-report+json"

#: Written by ``kompetens cohort release`` in each participant's folder.
RELEASE_MANIFEST = ".kompetens-utdelning.json"

#: Priority groups used when the participant names none: the county's largest groups that
#: an education can be planned for (not compulsory school, unknown or unspecified education).
DEFAULT_GROUP_COUNT = 5
_NOT_PLANNABLE_LEVELS = ("förgymnasial", "okänd")
_NOT_PLANNABLE_GROUPS = ("901", "902", "903")

#: Exercises 4 and 6 look ten years ahead.
HORIZON = 10

PASSED, FAILED, MISSING = "passed", "failed", "missing"
STATUS_LABELS = {PASSED: "godkänd", FAILED: "inte klar än", MISSING: "ej besvarad"}
ALL_PASSED = "Alla synliga kontroller godkända."
FILL_IN = "Fyll i cellen ovan först"
#: The headline of a check whose answer is not given: the bullet under it says what to do.
NOT_FILLED_IN = "Inte ifyllt än."
NOT_YET = "Inte riktigt än. Det här kan du titta på:"


class Note(str):
    """A message of a check that passed: says how the answer was read (e.g. accepted as
    rounded to hundreds), without making the check fail."""


#: Answers rounded as the workbook rounds persons (``round_persons``: hundreds from 1 000, as
#: SCB rounds its forecasts, tens below) are accepted, and the check says so.
ROUNDING = 100
ROUNDING_TEXT = "avrundat som arbetsboken avrundar (till hundratal från 1 000, annars tiotal)"


def rounded_match(given: float, expected: float, step: int = ROUNDING) -> bool:
    """Whether ``given`` is ``expected`` rounded as the workbook rounds: to ``step`` from
    1 000 (1 249 → 1 200), to a tenth of it below (296 → 300, 238.7 → 240), or to tens
    anywhere (1 234 → 1 230) – a multiple of the step within half a step.

    >>> rounded_match(300, 296), rounded_match(200, 238.7), rounded_match(1200, 1249)
    (True, False, True)
    """
    given, expected = float(given), float(expected)
    sizes = (step, step / 10) if abs(expected) >= 10 * step else (step / 10,)
    for size in sizes:
        if abs(given / size - round(given / size)) < 1e-9 and abs(given - expected) <= size / 2:
            return True
    return False


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``ovning2``), number, file stem and Swedish title."""

    id: str
    number: int
    stem: str
    title: str

    @property
    def filename(self) -> str:
        return f"{self.stem}.ipynb"


EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in (
        Exercise("ovning1", 1, "ovning1_uppdraget", "Uppdraget"),
        Exercise("ovning2", 2, "ovning2_nulaget", "Nuläget i din region"),
        Exercise("ovning3", 3, "ovning3_nedbrytningen", "Gör nedbrytningen själv"),
        Exercise("ovning4", 4, "ovning4_pensionsavgangarna", "Pensionsavgångarna"),
        Exercise("ovning5", 5, "ovning5_balansen", "Balansen i dina grupper"),
        Exercise("ovning6", 6, "ovning6_rekryteringsbehov", "Rekryteringsbehov och dimensionering"),
        Exercise("ovning7", 7, "ovning7_kommunicera", "Kommunicera"),
        Exercise("ovning8", 8, "ovning8_lana_ett_exempel", "Låna ett exempel"),
        Exercise("ovning9", 9, "ovning9_etablering", "Etableringar i din region"),
    )
}


def exercise(value: object) -> Exercise:
    """The exercise for an id (``"ovning2"``), a number (``2``, ``"2"``) or a file stem."""
    text = str(value).strip().removesuffix(".ipynb")
    for item in EXERCISES.values():
        if text in (item.id, item.stem, str(item.number)):
            return item
    valid = ", ".join(f"{e.number} ({e.title})" for e in EXERCISES.values())
    raise KompetensError(f"Okänd övning: {value!r}. Giltiga övningar: {valid}.")



# ---------------------------------------------------------------------------------------
# The participant's context
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every check needs: the exercise, the county, the priority groups and the years."""

    exercise: str
    region: str
    region_name: str
    groups: tuple[str, ...]
    base_year: int
    target_year: int
    participant: str = ""
    source: str | None = None
    default_groups_used: bool = False

    @property
    def group(self) -> str:
        """The first priority group: the one exercises 3, 4 and 6 look at closely."""
        return self.groups[0]

    @property
    def group_name(self) -> str:
        """Short name of the first priority group."""
        return group_name(self.group)

    @property
    def group_names(self) -> list[str]:
        """Short names of the priority groups."""
        return [group_name(g) for g in self.groups]

    @property
    def short_region(self) -> str:
        """The county's short name ('Skåne')."""
        return regions().set_index("code").loc[self.region, "short_name"]


def group_name(code: str) -> str:
    """Short Swedish name of a group code ('713' → 'Sjuksköterskor')."""
    names = education_groups().set_index("code")["short_name"]
    return str(names.get(code, code))


def _source_key(source: object) -> str | None:
    if source in (None, ""):
        return os.environ.get("KOMPETENS_DATA") or None
    return str(source)


def parse_groups(value: object) -> list[str]:
    """Group codes for what a participant or a roster gives: a list of codes or short names,
    or one text with the groups separated by semicolons (short names may contain commas).

    Raises :class:`KompetensError` naming every unknown group.
    """
    if value is None or value is ... or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if ";" in text:
            items = [part.strip() for part in text.split(";")]
        else:
            parts = [part.strip() for part in text.split(",")]
            items = parts
            if len(parts) > 1:
                try:
                    [resolve_group(p) for p in parts if p]
                except KompetensError:
                    items = [text]  # a short name with a comma, e.g. 'Pedagogik, ej examen'
    elif isinstance(value, (list, tuple, set, pd.Series, pd.Index, np.ndarray)):
        items = [str(v).strip() for v in value]
    else:
        items = [str(value).strip()]
    return resolve_groups(item for item in items if item)


@functools.lru_cache(maxsize=64)
def _default_groups(region: str, year: int, source: str | None) -> tuple[str, ...]:
    from kompetens_lib.workbook.profile import location_quotients

    lq = location_quotients(region, year, source)
    plannable = lq[~lq["level"].isin(_NOT_PLANNABLE_LEVELS)
                   & ~lq["education_group"].isin(_NOT_PLANNABLE_GROUPS)]
    return tuple(str(g) for g in plannable["education_group"].head(DEFAULT_GROUP_COUNT))


def default_groups(region: object, base_year: int | None = None, source: object = None
                   ) -> list[str]:
    """The county's five largest groups that an education can be planned for."""
    from kompetens_lib.data.tables import available_years

    code = resolve_region(region)
    key = _source_key(source)
    year = int(base_year) if base_year is not None else available_years("employed", key)[-1]
    return list(_default_groups(code, year, key))


def context(exercise_id: str, region: object, prioriterade_grupper: object = None, *,
            deltagare: object = "", source: object = None) -> Context:
    """Validate the parameters cell of an exercise and return the participant's context.

    ``region`` is a county code or name (papermill's ``-p region 05`` gives ``5``: also
    fine); ``prioriterade_grupper`` a list of group codes or short names, empty for the
    county's five largest groups. Raises :class:`KompetensError` in Swedish.

    >>> ctx = context("ovning2", "Skåne", ["713"])
    >>> ctx.region, ctx.group_name
    ('12', 'Sjuksköterskor')
    """
    from kompetens_lib.data.tables import available_years
    from kompetens_lib.workbook.params import validate

    item = exercise(exercise_id)
    key = _source_key(source)
    params = validate(region=region, source=key or None)
    groups = parse_groups(prioriterade_grupper)
    defaulted = not groups
    if defaulted:
        groups = list(_default_groups(params.region, params.base_year, key))
    target = available_years("national_forecast", key)[-1]
    name = "" if deltagare in (None, ...) else str(deltagare).strip()
    return Context(item.id, params.region, params.region_name, tuple(groups),
                   params.base_year, int(target), name, key, defaulted)


def context_bundle(ctx: Context, mandate: Mapping[str, str] | None = None) -> dict:
    """What :func:`start` shows: the exercise, the county, the groups, the years (and the
    saved mandate's question and decision)."""
    item = EXERCISES[ctx.exercise]
    groups = ", ".join(f"{name} ({code})" for code, name in zip(ctx.groups, ctx.group_names))
    if ctx.default_groups_used:
        groups += (" – länets fem största grupper utom förgymnasial och okänd utbildning, "
                   "eftersom du inte har valt några")
    rows = []
    if ctx.participant:
        rows.append(("Deltagare", ctx.participant))
    rows += [("Län", f"{ctx.region_name} ({ctx.region})"), ("Prioriterade grupper", groups),
             ("Basår", str(ctx.base_year)), ("Målår", str(ctx.target_year))]
    if mandate:
        rows.append(("Ditt uppdrag", (f"{mandate.get('fråga', '')} (beslut: "
                                     f"{mandate.get('beslut', '')})")))
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    caption = f"Övning {item.number} – {item.title}"
    return {
        "text/html": f"<table class='kompetens-ovning'><caption>{html.escape(caption)}"
                     f"</caption>{body}</table>",
        "text/plain": caption + "\n" + "\n".join(f"  {k}: {v}" for k, v in rows),
    }


def start(exercise_id: str, region: object, prioriterade_grupper: object = None, *,
          deltagare: object = "", source: object = None) -> Context:
    """:func:`context`, and show the participant what the exercise will use (and the
    county's saved mandate from exercise 1 or notebook 00, if there is one)."""
    from kompetens_lib.errors import plain_warnings
    from kompetens_lib.present.render import in_kernel

    if in_kernel():
        plain_warnings()  # before the first table is read: its notes come as "Obs! …"
    ctx = context(exercise_id, region, prioriterade_grupper, deltagare=deltagare, source=source)
    saved = saved_mandate(ctx.region) if ctx.exercise != "ovning1" else None
    display(context_bundle(ctx, saved))
    return ctx


def display(bundle: dict) -> None:
    """Show a display bundle (HTML and text) in a notebook; print its text elsewhere."""
    from kompetens_lib.present.render import in_kernel

    if not in_kernel():
        print(bundle["text/plain"])
        return
    from IPython.display import display as show

    show(bundle, raw=True)


def mandate_directory() -> Path | None:
    """Where exercise 1 keeps the mandate: in a participant's released folder its own
    ``uppdrag/`` (participants from one county must not share a file); elsewhere the
    workbook's rule (:func:`kompetens_lib.workbook.mandate.mandate_dir`)."""
    from kompetens_lib.workbook.mandate import ENV_VAR

    if not os.environ.get(ENV_VAR) and Path(RELEASE_MANIFEST).is_file():
        return Path("uppdrag")
    return None


def say(text: str) -> None:
    """Show one Swedish sentence to the participant."""
    display({"text/plain": text, "text/html": f"<p>{html.escape(text)}</p>"})


def saved_mandate(region: str) -> dict | None:
    """The county's saved mandate (question and decision), or None for the example."""
    from kompetens_lib.workbook import mandate

    try:
        found = mandate.load(region, mandate_directory())
    except KompetensError:
        return None
    if found.example or not found.question:
        return None
    return {"fråga": found.question, "beslut": found.decision}


# ---------------------------------------------------------------------------------------
# Check results and the registry
# ---------------------------------------------------------------------------------------

_STYLE = {
    PASSED: ("✔", "#1b7a3a", "#eef7f0"),
    FAILED: ("✎", "#a35200", "#fdf3e7"),
    MISSING: ("…", "#555555", "#f3f3f3"),
}


@dataclass
class CheckResult:
    """The outcome of one check: ``status`` is ``passed``, ``failed`` or ``missing``."""

    exercise: str
    check: str
    title: str
    status: str
    messages: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def headline(self) -> str:
        if self.status == PASSED:
            return ALL_PASSED
        if self.status == MISSING:
            return NOT_FILLED_IN
        return NOT_YET

    def as_dict(self) -> dict:
        return {"exercise": self.exercise, "check": self.check, "title": self.title,
                "status": self.status, "messages": list(self.messages)}

    def text(self) -> str:
        icon = _STYLE[self.status][0]
        lines = [f"{icon} {self.title} – {self.headline}"]
        lines += [f"  – {m}" for m in self.messages]
        return "\n".join(lines)

    def html(self) -> str:
        icon, color, background = _STYLE[self.status]
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
        listing = f"<ul style='margin:.2em 0'>{items}</ul>" if items else ""
        return (f"<div class='kompetens-kontroll kompetens-{self.status}' style='border-left:"
                f"4px solid {color};background:{background};padding:.4em .8em;margin:.3em 0'>"
                f"<strong>{icon} {html.escape(self.title)}</strong> – "
                f"{html.escape(self.headline)}{listing}</div>")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.html(), "text/plain": self.text(), CHECK_MIME: self.as_dict()}

    def __repr__(self) -> str:
        return self.text()


@dataclass
class ExerciseReport:
    """All checks of one exercise, as the last cell of a notebook (and the feedback) shows."""

    exercise: str
    results: list[CheckResult]
    problem: str = ""

    def as_dict(self) -> dict:
        return {"exercise": self.exercise, "problem": self.problem,
                "checks": [r.as_dict() for r in self.results]}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        item = EXERCISES[self.exercise]
        done = sum(r.passed for r in self.results)
        head = f"Övning {item.number} – {item.title}: {done} av {len(self.results)} delar klara."
        if done == len(self.results):
            head += " " + ALL_PASSED
        note = f"<p>{html.escape(self.problem)}</p>" if self.problem else ""
        text_note = f"\n{self.problem}" if self.problem else ""
        return {
            "text/html": f"<p><strong>{html.escape(head)}</strong></p>{note}"
                         + "".join(r.html() for r in self.results),
            "text/plain": head + text_note + "\n" + "\n".join(r.text() for r in self.results),
            REPORT_MIME: self.as_dict(),
        }


def missing(message: str) -> NoReturn:
    """Stop a check: an answer it needs is not given yet (``message`` in Swedish); the
    framework turns it into a ``missing`` result."""
    raise AnswerMissing(message)


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its id, Swedish title, function and the answer variables it reads."""

    exercise: str
    id: str
    title: str
    function: Callable[..., CheckResult]
    variables: tuple[str, ...]


_REGISTRY: dict[str, list[CheckSpec]] = {}


def is_missing(value: object) -> bool:
    """``...``, None, an empty text, or a placeholder list/dict whose items are all missing
    (an empty list is an answer: 'no group')."""
    if value is ... or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)) and value:
        return all(is_missing(v) for v in value)
    if isinstance(value, Mapping) and value:
        return all(is_missing(v) for v in value.values())
    return False


def check(exercise_id: str, check_id: str, title: str, variables: Sequence[str]):
    """Register a check (a decorator). The wrapped function returns a list of Swedish
    problems (empty: passed); the wrapper turns a missing first answer, a missing context
    and any exception into a kind message instead of a traceback."""

    def wrap(func: Callable[..., list[str]]) -> Callable[..., CheckResult]:
        @functools.wraps(func)
        def run(ctx: object, *answers: object) -> CheckResult:
            def result(status: str, messages: list[str]) -> CheckResult:
                return CheckResult(exercise_id, check_id, title, status, messages)

            if not isinstance(ctx, Context):  # the answer may well be there: not "missing"
                return result(FAILED, [("Kör cellen med ex.start(…) överst i anteckningsboken "
                                        "först; den sätter upp ctx.")])
            if answers and is_missing(answers[0]):
                return result(MISSING, [f"Skriv ditt svar i {variables[0]} i stället för ... "
                                        "och kör cellerna igen."])
            try:
                problems = func(ctx, *answers)
            except AnswerMissing as exc:
                return result(MISSING, [str(exc)])
            except KompetensError as exc:
                problems = [str(exc)]
            except Exception as exc:  # noqa: BLE001 - a participant's odd answer, not a crash
                detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
                problems = [(f"Kontrollen kunde inte läsa ditt svar ({detail}). Kontrollera att "
                            "svaret har den form som uppgiften beskriver.")]
            failed = any(not isinstance(p, Note) for p in problems)
            return result(FAILED if failed else PASSED, [str(p) for p in problems])

        run.check_id = check_id  # type: ignore[attr-defined]
        _REGISTRY.setdefault(exercise_id, []).append(
            CheckSpec(exercise_id, check_id, title, run, tuple(variables)))
        return run

    return wrap


def checks(exercise_id: str) -> list[CheckSpec]:
    """The registered checks of an exercise, in order."""
    return list(_REGISTRY.get(exercise(exercise_id).id, []))


def run_checks(exercise_id: str, namespace: Mapping[str, Any]) -> ExerciseReport:
    """Run every check of an exercise on the answers found in ``namespace`` (a notebook's
    ``globals()``): answers not defined count as not given."""
    item = exercise(exercise_id)
    ctx = namespace.get("ctx")
    problem = ""
    if not isinstance(ctx, Context) or ctx.exercise != item.id:
        try:
            ctx = context(item.id, namespace.get("region"), namespace.get("prioriterade_grupper"),
                          deltagare=namespace.get("deltagare", ""))
        except Exception as exc:  # noqa: BLE001
            problem = f"Parametrarna överst i anteckningsboken är ogiltiga: {exc}"
            ctx = None
    results = [spec.function(ctx, *(namespace.get(v, ...) for v in spec.variables))
               for spec in checks(item.id)]
    if problem:  # said once, above the checks; each check says where to look
        for r in results:
            r.status = FAILED
            r.messages = ["Rätta parametrarna överst i anteckningsboken först (se ovan) och "
                          "kör alla celler igen."]
    return ExerciseReport(item.id, results, problem)


def report(exercise_id: str, namespace: Mapping[str, Any]) -> ExerciseReport:
    """:func:`run_checks`, for the summary cell at the end of an exercise notebook."""
    return run_checks(exercise_id, namespace)
