"""Exercises: the participant's context, check functions that explain, and participant copies.

Every exercise notebook starts with ``ctx = ex.start("ovningN", region, prioriterade_grupper)``
and checks each answer with a function of this module. A check compares the answer with
values the library computes *at check time* for the participant's own county, so no answer
is stored anywhere; its messages say what is wrong and what to try, never the expected value.
Checks display themselves (HTML, text, and JSON under :data:`CHECK_MIME`) so that the cohort
feedback can read the results back from an executed notebook.

Facilitator masters (``exercises/masters/``) hold solutions in cells tagged ``solution``;
:func:`participant_copy` replaces them by placeholders (``svar = ...``) and drops cells
tagged ``handledare``. ``python -m kompetens_lib.exercises`` regenerates ``exercises/*.ipynb``.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import html
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib._internal.text import fold
from kompetens_lib.reference.regions import NATIONAL_CODE, region_name, regions, resolve_region
from kompetens_lib.reference.taxonomy import education_groups, resolve_group

__all__ = [
    "CHECK_MIME",
    "EXERCISES",
    "REPORT_MIME",
    "CheckResult",
    "Context",
    "ExerciseReport",
    "build_participant_copies",
    "context",
    "default_groups",
    "participant_copy",
    "report",
    "run_checks",
    "save_mandate",
    "start",
]

CHECK_MIME = "application/vnd.kompetens.check+json"
REPORT_MIME = "application/vnd.kompetens.exercise-report+json"

ROOT = Path(__file__).resolve().parents[2]
EXERCISES_DIR = ROOT / "exercises"
MASTERS_DIR = EXERCISES_DIR / "masters"
EXERCISES_ENV = "KOMPETENS_EXERCISES"

SOLUTION_TAG = "solution"
FACILITATOR_TAG = "handledare"
#: Written by ``kompetens cohort release`` in each participant's folder.
RELEASE_MANIFEST = ".kompetens-utdelning.json"

#: Priority groups used when the participant names none: the county's largest groups that
#: an education can be planned for (not compulsory school, unknown or unspecified education).
DEFAULT_GROUP_COUNT = 5
_NOT_PLANNABLE_LEVELS = ("förgymnasial", "okänd")
_NOT_PLANNABLE_GROUPS = ("901", "902", "903")

#: Location quotient above which a group counts as a county speciality (exercise 2), and the
#: smallest group considered (tiny groups have noisy quotients; notebook 01 says the same).
LQ_THRESHOLD = 1.2
LQ_MIN_EMPLOYED = 500
#: Exercises 4 and 6 look ten years ahead.
HORIZON = 10
SHORTAGE_WORDS = ("stor brist", "brist", "viss brist")

PASSED, FAILED, MISSING = "passed", "failed", "missing"
STATUS_LABELS = {PASSED: "godkänd", FAILED: "inte klar än", MISSING: "ej besvarad"}
ALL_PASSED = "Alla synliga kontroller godkända."
FILL_IN = "Fyll i cellen ovan först"


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
        return group_name(self.group)

    @property
    def group_names(self) -> list[str]:
        return [group_name(g) for g in self.groups]

    @property
    def short_region(self) -> str:
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
    codes: list[str] = []
    unknown: list[str] = []
    for item in items:
        if not item:
            continue
        try:
            code = resolve_group(item)
        except KompetensError as exc:
            unknown.append(str(exc))
            continue
        if code not in codes:
            codes.append(code)
    if unknown:
        raise KompetensError(" ".join(unknown))
    return codes


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


def _context_bundle(ctx: Context, mandate: Mapping[str, str] | None = None) -> dict:
    item = EXERCISES[ctx.exercise]
    groups = ", ".join(f"{name} ({code})" for code, name in zip(ctx.groups, ctx.group_names))
    if ctx.default_groups_used:
        groups += " – länets största grupper, eftersom du inte har valt några"
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
    ctx = context(exercise_id, region, prioriterade_grupper, deltagare=deltagare, source=source)
    saved = _saved_mandate(ctx.region) if ctx.exercise != "ovning1" else None
    _display(_context_bundle(ctx, saved))
    return ctx


def _display(bundle: dict) -> None:
    from kompetens_lib.present.render import in_kernel

    if not in_kernel():
        print(bundle["text/plain"])
        return
    from IPython.display import display

    display(bundle, raw=True)


# ---------------------------------------------------------------------------------------
# Check results
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
            return f"{FILL_IN}."
        return "Inte riktigt än. Det här kan du titta på:"

    def as_dict(self) -> dict:
        return {"exercise": self.exercise, "check": self.check, "title": self.title,
                "status": self.status, "messages": list(self.messages)}

    def text(self) -> str:
        icon = _STYLE[self.status][0]
        lines = [f"{icon} {self.title}: {self.headline}"]
        lines += [f"  – {m}" for m in self.messages]
        return "\n".join(lines)

    def html(self) -> str:
        icon, color, background = _STYLE[self.status]
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.messages)
        listing = f"<ul style='margin:.2em 0'>{items}</ul>" if items else ""
        return (f"<div class='kompetens-kontroll kompetens-{self.status}' style='border-left:"
                f"4px solid {color};background:{background};padding:.4em .8em;margin:.3em 0'>"
                f"<strong>{icon} {html.escape(self.title)}</strong>: "
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


class _Missing(Exception):
    """An answer the check needs is not given yet (message in Swedish)."""


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its id, Swedish title, function and the answer variables it reads."""

    exercise: str
    id: str
    title: str
    function: Callable[..., CheckResult]
    variables: tuple[str, ...]


_REGISTRY: dict[str, list[CheckSpec]] = {}


def _is_missing(value: object) -> bool:
    """``...``, None, an empty text, or a placeholder list/dict whose items are all missing
    (an empty list is an answer: 'no group')."""
    if value is ... or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)) and value:
        return all(_is_missing(v) for v in value)
    if isinstance(value, Mapping) and value:
        return all(_is_missing(v) for v in value.values())
    return False


def _check(exercise_id: str, check_id: str, title: str, variables: Sequence[str]):
    """Register a check. The wrapped function returns a list of Swedish problems (empty:
    passed); the wrapper turns a missing first answer, a missing context and any exception
    into a kind message instead of a traceback."""

    def wrap(func: Callable[..., list[str]]) -> Callable[..., CheckResult]:
        @functools.wraps(func)
        def run(ctx: object, *answers: object) -> CheckResult:
            def result(status: str, messages: list[str]) -> CheckResult:
                return CheckResult(exercise_id, check_id, title, status, messages)

            if not isinstance(ctx, Context):
                return result(MISSING, [("Kör cellen med ex.start(…) överst i anteckningsboken "
                                        "först; den sätter upp ctx.")])
            if answers and _is_missing(answers[0]):
                return result(MISSING, [f"{FILL_IN}: ersätt ... i {variables[0]} med ditt svar."])
            try:
                problems = func(ctx, *answers)
            except _Missing as exc:
                return result(MISSING, [str(exc)])
            except KompetensError as exc:
                problems = [str(exc)]
            except Exception as exc:  # noqa: BLE001 - a participant's odd answer, not a crash
                detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
                problems = [(f"Kontrollen kunde inte läsa ditt svar ({detail}). Kontrollera att "
                            "svaret har den form som uppgiften beskriver.")]
            return result(FAILED if problems else PASSED, problems)

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
    if problem:
        for r in results:
            r.messages = [problem]
    return ExerciseReport(item.id, results, problem)


def report(exercise_id: str, namespace: Mapping[str, Any]) -> ExerciseReport:
    """:func:`run_checks`, for the summary cell at the end of an exercise notebook."""
    return run_checks(exercise_id, namespace)


# ---------------------------------------------------------------------------------------
# Answer helpers (all messages Swedish; none shows an expected value)
# ---------------------------------------------------------------------------------------

_ABBREVIATIONS = ("t.ex.", "bl.a.", "m.fl.", "d.v.s.", "dvs.", "ca.", "osv.", "resp.", "s.k.",
                  "st.", "jfr.", "gymn.", "kap.", "nr.", "inkl.", "exkl.", "f.d.", "m.m.")


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise KompetensError(f"{name} ska vara en text inom citattecken, t.ex. \"…\", inte "
                             f"{type(value).__name__}.")
    return " ".join(value.split())


def _words(text: str) -> list[str]:
    return re.findall(r"[\wåäöÅÄÖéÉ]+", text)


def _sentences(text: str) -> list[str]:
    cleaned = text
    for abbreviation in _ABBREVIATIONS:
        cleaned = re.sub(re.escape(abbreviation), abbreviation.replace(".", ""), cleaned,
                         flags=re.IGNORECASE)
    parts = re.split(r"(?<=[.!?])\s+", cleaned.strip())
    return [p for p in parts if len(_words(p)) >= 2]


def _has_number(text: str) -> bool:
    return re.search(r"\d", text) is not None


def _mentions(text: str, needles: Iterable[str], *, word_start: bool = False) -> bool:
    """Whether ``text`` contains one of ``needles``, ignoring case, accents and separators;
    with ``word_start`` a needle must begin a word ('ras' matches 'RAS', not 'prioriteras')."""
    folded = fold(text)
    for needle in needles:
        wanted = fold(needle)
        if not wanted:
            continue
        if word_start and wanted[0].isalnum():
            if re.search(r"(?<![0-9a-z])" + re.escape(wanted), folded):
                return True
        elif wanted in folded:
            return True
    return False


def _contains_any(text: str, needles: Iterable[str]) -> bool:
    """Case-insensitive substring test that keeps accents ('år' is not 'ar')."""
    lowered = text.casefold()
    return any(n.casefold() in lowered for n in needles)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _as_number(value: object, name: str) -> float:
    """A single number from a number, a one-element Series/DataFrame or a numpy scalar."""
    if isinstance(value, (pd.Series, pd.DataFrame, pd.Index, np.ndarray, list, tuple)):
        flat = np.asarray(value, dtype=object).ravel()
        if len(flat) != 1:
            raise KompetensError(f"{name} ska vara ett enda tal, men är en samling med "
                                 f"{len(flat)} värden. Välj ut värdet för din grupp och ditt län, "
                                 "t.ex. med .sum() eller .iloc[0].")
        value = flat[0]
    if isinstance(value, bool):
        raise KompetensError(f"{name} ska vara ett tal, inte {value}.")
    if isinstance(value, str):
        raise KompetensError(f"{name} ska vara ett tal, inte texten {value!r}. Ta bort "
                             "citattecknen (och skriv decimaler med punkt, t.ex. 0.25).")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise KompetensError(f"{name} ska vara ett tal, inte {type(value).__name__}.") from None
    if not math.isfinite(number):
        raise KompetensError(f"{name} är inget tal (NaN eller oändligt). Kontrollera att filtret "
                             "träffar några rader: fel länskod eller gruppkod ger en tom tabell.")
    return number


def _close(a: float, b: float, rel: float = 0.01, abs_tol: float = 0.5) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def _group_items(value: object, name: str) -> list[object]:
    if isinstance(value, pd.DataFrame):
        for column in ("education_group", "short_name", "grupp", "utbildningsgrupp"):
            if column in value.columns:
                return list(value[column])
        if value.index.name in ("education_group", "short_name"):
            return list(value.index)
        raise KompetensError(f"Tabellen i {name} behöver kolumnen education_group (gruppkod) "
                             "eller short_name (kortnamn).")
    if isinstance(value, pd.Series):
        if pd.api.types.is_numeric_dtype(value) and not pd.api.types.is_bool_dtype(value):
            return list(value.index)
        return list(value)
    if isinstance(value, (pd.Index, np.ndarray, list, tuple, set)):
        return list(value)
    if isinstance(value, str):
        return [value]
    raise KompetensError(f"{name} ska vara en lista med gruppkoder eller kortnamn, t.ex. "
                         f"[\"713\", \"Förskollärare\"], inte {type(value).__name__}.")


def _group_set(value: object, name: str) -> list[str]:
    """Resolve a list of groups; Swedish error listing every group the taxonomy lacks."""
    codes: list[str] = []
    unknown: list[str] = []
    for item in _group_items(value, name):
        try:
            code = resolve_group(str(item).strip())
        except KompetensError as exc:
            unknown.append(str(exc))
            continue
        if code not in codes:
            codes.append(code)
    if unknown:
        raise KompetensError(" ".join(unknown))
    return codes


def _group_words(codes: Iterable[str]) -> list[str]:
    """Ways a text may name a group: short name, short name without 'Gymn. ', SCB label.
    (Codes are left out: '202' hides in '2023'.)"""
    table = education_groups().set_index("code")
    words: list[str] = []
    for code in codes:
        short = str(table.loc[code, "short_name"])
        words += [short, short.removeprefix("Gymn. "), str(table.loc[code, "label"])]
    return words


def _all_group_words() -> list[str]:
    return _group_words(education_groups()["code"])


def _region_words(code: str) -> list[str]:
    row = regions().set_index("code").loc[code]
    return [str(row["name"]), str(row["short_name"])]


# ---------------------------------------------------------------------------------------
# Values the library computes for a county (cached; never shown to the participant)
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _table(name: str, source: str | None) -> pd.DataFrame:
    from kompetens_lib.data.tables import load

    return load(name, source)


@functools.lru_cache(maxsize=64)
def _lq(region: str, year: int, source: str | None) -> pd.DataFrame:
    from kompetens_lib.workbook.profile import location_quotients

    return location_quotients(region, year, source)


def _top3(region: str, year: int, source: str | None) -> set[str]:
    if region == NATIONAL_CODE:
        employed = _table("employed", source)
        part = employed[(employed["region"] == NATIONAL_CODE) & (employed["year"] == year)]
        sums = part.groupby("education_group", observed=True)["value"].sum()
        return set(sums.sort_values(ascending=False, kind="stable").index[:3].astype(str))
    return set(_lq(region, year, source)["education_group"].head(3).astype(str))


@functools.lru_cache(maxsize=8)
def _breakdown(source: str | None, base_year: int, column: str, method: str = "fixed_share"
               ) -> pd.DataFrame:
    from kompetens_lib.methods.breakdown import breakdown

    history = _table("labour_force" if column == "supply" else "employed", source)
    return breakdown(_table("national_forecast", source), history, method, base_year,
                     column=column)


def _county_series(frame: pd.DataFrame, region: str, group: str) -> pd.Series:
    part = frame[(frame["region"] == region) & (frame["education_group"] == group)]
    return part.set_index("year")["value"].astype(float)


@functools.lru_cache(maxsize=16)
def _retirements(source: str | None, base_year: int, horizons: tuple[int, ...],
                 exit_age: int) -> pd.DataFrame:
    from kompetens_lib.methods.supply import retirements

    return retirements(_table("employed", source), list(horizons), exit_age=exit_age,
                       base_year=base_year)


def _employed_by_age(ctx: Context, region: str, group: str) -> pd.Series:
    employed = _table("employed", ctx.source)
    part = employed[(employed["region"] == region) & (employed["education_group"] == group)
                    & (employed["year"] == ctx.base_year)]
    return part.groupby("age_band", observed=True)["value"].sum().astype(float)


# ---------------------------------------------------------------------------------------
# Exercise 1: the mandate
# ---------------------------------------------------------------------------------------

#: (key the participant writes, other accepted names, Swedish label). The keys are those of
#: the workbook's mandate files (:mod:`kompetens_lib.workbook.mandate`), so the answer can be saved
#: as the county's mandate and shown at the top of the notebooks.
MANDATE_FIELDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("fråga", ("question",), "frågan som uppdraget ska besvara"),
    ("beslut", ("decision",), "beslutet som svaret ska stödja"),
    ("uppdragsgivare", ("chef", "requested_by", "manager"), "chefen som gav uppdraget"),
    ("mottagare", ("recipient",), "vem som ska få svaret"),
    ("klart_senast", ("deadline",), "när svaret ska vara klart"),
    ("avgränsning", ("scope", "delimitation"), "vad som inte ingår"),
)
_MANDATE_ATTRIBUTES = {"fråga": "question", "beslut": "decision",
                       "uppdragsgivare": "requested_by", "mottagare": "recipient",
                       "klart_senast": "deadline", "avgränsning": "scope"}
_DECISION_STEMS = (
    "beslut", "besluta", "valj", "val av", "prioriter", "dimensioner", "fordel", "satsa",
    "starta", "utoka", "minska", "avveckl", "upphandl", "planer", "inratta", "finansier",
    "platser", "anslag", "budget", "bevilja", "lagga ned", "infora", "stall", "rekommend",
    "godkann", "anta ", "faststall", "inriktning",
)
_SELF = {"jag", "mig", "jag sjalv", "ingen", "-", "?", "vet ej", "okand"}
_STOPWORDS = {"som", "ska", "till", "för", "med", "inom", "eller", "och", "att", "vilka",
              "vilken", "vilket", "många", "regionen", "under", "efter", "inför", "genom",
              "mellan", "kommande", "behov"}


def _mandate_fields(value: object) -> dict[str, object]:
    if isinstance(value, Mapping):
        folded = {fold(str(k)).replace(" ", "_"): v for k, v in value.items()}
        out = {}
        for key, english, _ in MANDATE_FIELDS:
            for candidate in (key, *english):
                hit = folded.get(fold(candidate).replace(" ", "_"))
                if hit is not None:
                    out[key] = hit
                    break
        return out
    if any(hasattr(value, attr) for _, names, _ in MANDATE_FIELDS for attr in names):
        out = {}
        for key, names, _ in MANDATE_FIELDS:
            present = [n for n in names if getattr(value, n, None) not in (None, "")]
            out[key] = getattr(value, present[0]) if present else None
        return out
    raise KompetensError(
        "uppdrag ska vara en ordbok (dict) med nycklarna "
        + ", ".join(f"'{k}'" for k, _, _ in MANDATE_FIELDS)
        + f", inte {type(value).__name__}.")


def _field_text(fields: Mapping[str, object], key: str) -> str:
    value = fields.get(key)
    if value is None or value is ...:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return " ".join(str(value).split())


def _is_iso_date(text: str) -> bool:
    """A date the mandate file can hold: ÅÅÅÅ-MM-DD (the rule of kompetens_lib.workbook.mandate)."""
    from kompetens_lib.workbook.mandate import Mandate

    try:
        Mandate("01", deadline=text)
    except KompetensError:
        return False
    return True


@_check("ovning1", "uppdrag_komplett", "Uppdraget är komplett", ["uppdrag"])
def check_mandate_complete(ctx: Context, uppdrag: object) -> list[str]:
    """Every field of the mandate is filled in with something a reader can act on."""
    fields = _mandate_fields(uppdrag)
    empty = [key for key, _, _ in MANDATE_FIELDS if not _field_text(fields, key)]
    if len(empty) == len(MANDATE_FIELDS):
        raise _Missing(f"{FILL_IN}: ersätt ... i uppdrag med era formuleringar.")
    problems = []
    if empty:
        labels = {key: label for key, _, label in MANDATE_FIELDS}
        listing = "; ".join(f"'{k}' ({labels[k]})" for k in empty)
        problems.append(f"Fyll i {listing}. Skriv dem tillsammans med din chef.")
    question = _field_text(fields, "fråga")
    if question and len(_words(question)) < 6:
        problems.append("Frågan är väldigt kort. Skriv ut vad som ska besvaras, för vilket "
                        "område och vilka år – så att någon annan kan förstå den.")
    scope = _field_text(fields, "avgränsning")
    if scope and len(_words(scope)) < 3:
        problems.append("Avgränsningen behöver några ord till: vad ingår inte (t.ex. "
                        "grupper, utbildningsformer eller år)?")
    deadline = _field_text(fields, "klart_senast")
    if deadline and not _is_iso_date(deadline):
        problems.append(f"Skriv datumet i 'klart_senast' som ÅÅÅÅ-MM-DD, t.ex. "
                        f"\"2027-03-15\", inte {deadline!r}.")
    for key, who in (("mottagare", "Mottagaren"), ("uppdragsgivare", "Uppdragsgivaren")):
        text = _field_text(fields, key)
        if text and fold(text) in _SELF:
            problems.append(f"{who} ska vara en namngiven person eller roll, inte {text!r}.")
    return problems


@_check("ovning1", "uppdrag_fraga", "Frågan pekar på ett beslut", ["uppdrag"])
def check_mandate_question(ctx: Context, uppdrag: object) -> list[str]:
    """The question is a question, the decision is a decision, and the question names it."""
    fields = _mandate_fields(uppdrag)
    question = _field_text(fields, "fråga")
    decision = _field_text(fields, "beslut")
    if not question:
        raise _Missing(f"{FILL_IN}: skriv frågan under 'fråga' i uppdrag.")
    problems = []
    if not question.rstrip().endswith("?"):
        problems.append("Skriv frågan som en fråga, med frågetecken på slutet.")
    if not decision:
        problems.append("Skriv under 'beslut' vilket beslut svaret ska stödja.")
    elif not _mentions(decision, _DECISION_STEMS):
        problems.append("'beslut' beskriver inget beslut. Skriv vem som beslutar vad, t.ex. "
                        "'Regionstyrelsen beslutar om …' eller 'Kommunerna väljer …'.")
    decision_words = {w for w in map(fold, _words(decision))
                      if len(w) >= 5 and w not in {fold(s) for s in _STOPWORDS}}
    question_words = set(map(fold, _words(question)))
    if decision and not (_mentions(question, _DECISION_STEMS) or decision_words & question_words):
        problems.append("Frågan nämner inte beslutet. Skriv frågan så att den pekar på det som "
                        "ska beslutas, t.ex. 'Hur många platser … behöver regionen föreslå …?'.")
    return problems


def _mandate_directory() -> Path | None:
    """Where exercise 1 keeps the mandate: in a participant's released folder its own
    ``uppdrag/`` (participants from one county must not share a file); elsewhere the
    workbook's rule (:func:`kompetens_lib.workbook.mandate.mandate_dir`)."""
    from kompetens_lib.workbook.mandate import ENV_VAR

    if not os.environ.get(ENV_VAR) and Path(RELEASE_MANIFEST).is_file():
        return Path("uppdrag")
    return None


def _say(text: str) -> None:
    _display({"text/plain": text, "text/html": f"<p>{html.escape(text)}</p>"})


def save_mandate(ctx: Context, uppdrag: object, directory: str | os.PathLike | None = None
                 ) -> Path | None:
    """Save the mandate as the county's mandate file (:func:`kompetens_lib.workbook.mandate.save`), so
    the workbook's notebooks and the next exercises show it at the top. Nothing is saved
    while it is incomplete; an earlier file is kept in ``uppdrag/tidigare/``."""
    from kompetens_lib.workbook import mandate

    if not isinstance(ctx, Context):
        _say("Kör cellen med ex.start(…) överst i anteckningsboken först.")
        return None
    fields = _mandate_fields(uppdrag) if not _is_missing(uppdrag) else {}
    values = {attr: _field_text(fields, key) for key, attr in _MANDATE_ATTRIBUTES.items()}
    try:
        saved = mandate.save(mandate.Mandate(ctx.region, **values),
                             directory if directory is not None else _mandate_directory())
    except KompetensError as exc:
        _say(f"{FILL_IN}: uppdraget sparas när det är komplett. ({exc})")
        return None
    if saved.unchanged:
        _say(f"Uppdraget är redan sparat i {saved.path}.")
    else:
        _say(f"Uppdraget är sparat i {saved.path}. Arbetsbokens anteckningsböcker och nästa "
             "övningar visar det överst." + (f" Den tidigare versionen finns i {saved.previous}."
                                            if saved.previous else ""))
    return saved.path


def _saved_mandate(region: str) -> dict | None:
    """The county's saved mandate (question and decision), or None for the example."""
    from kompetens_lib.workbook import mandate

    try:
        found = mandate.load(region, _mandate_directory())
    except KompetensError:
        return None
    if found.example or not found.question:
        return None
    return {"fråga": found.question, "beslut": found.decision}


# ---------------------------------------------------------------------------------------
# Exercise 2: nuläget
# ---------------------------------------------------------------------------------------


@_check("ovning2", "storsta_grupper", "Länets tre största grupper", ["storsta_grupper"])
def check_largest_groups(ctx: Context, storsta_grupper: object) -> list[str]:
    """The county's three largest education groups by employed in the base year."""
    given = _group_set(storsta_grupper, "storsta_grupper")
    if len(given) != 3:
        return [f"Ange exakt tre olika grupper; du har angett {len(given)}."]
    given_set = set(given)
    expected = _top3(ctx.region, ctx.base_year, ctx.source)
    if given_set == expected:
        return []
    first_year = int(_table("employed", ctx.source)["year"].min())
    by_lq = set(_lq(ctx.region, ctx.base_year, ctx.source)
                .sort_values("lq", ascending=False, kind="stable")["education_group"].head(3))
    if given_set == _top3(NATIONAL_CODE, ctx.base_year, ctx.source):
        hint = ("Det ser ut som rikets tre största grupper. Filtrera fram ditt län "
                f"(region == \"{ctx.region}\") innan du summerar.")
    elif given_set == by_lq:
        hint = ("Du har sorterat efter lokaliseringskvot. Här ska grupperna sorteras efter antal "
                "förvärvsarbetande.")
    elif any(given_set == _top3(ctx.region, year, ctx.source)
             for year in range(first_year, ctx.base_year)):
        hint = f"Grupperna stämmer för ett annat år. Använd basåret {ctx.base_year}."
    else:
        right = len(given_set & expected)
        hint = (f"{right} av de tre stämmer. Summera förvärvsarbetande per utbildningsgrupp i "
                f"ditt län år {ctx.base_year}, över alla åldersgrupper, och ta de tre största.")
    return [hint]


def _high_lq(ctx: Context, threshold: float = LQ_THRESHOLD, min_employed: int = LQ_MIN_EMPLOYED
             ) -> set[str]:
    lq = _lq(ctx.region, ctx.base_year, ctx.source)
    return set(lq.loc[(lq["lq"] > threshold) & (lq["employed"] >= min_employed),
                      "education_group"].astype(str))


@_check("ovning2", "hog_kvot", "Grupper med lokaliseringskvot över 1,2", ["hog_kvot"])
def check_high_lq(ctx: Context, hog_kvot: object) -> list[str]:
    """Groups with LQ above 1.2 among groups with at least 500 employed in the county."""
    given = set(_group_set(hog_kvot, "hog_kvot"))
    expected = _high_lq(ctx)
    if given == expected:
        return []
    lq = _lq(ctx.region, ctx.base_year, ctx.source)
    inverted = set(lq.loc[(lq["lq"] < 1 / LQ_THRESHOLD) & (lq["employed"] >= LQ_MIN_EMPLOYED),
                          "education_group"].astype(str))
    if given == _high_lq(ctx, min_employed=0):
        return [("Du har tagit med små grupper. Uppgiften gäller grupper med minst "
                f"{LQ_MIN_EMPLOYED} förvärvsarbetande i länet: små grupper har osäkra kvoter.")]
    if given == _high_lq(ctx, threshold=1.0):
        return ["Du har tagit med alla grupper med kvot över 1,0. Gränsen här är 1,2."]
    if given and given == inverted:
        return [("Kvoten verkar vara vänd upp och ned: dela gruppens andel i länet med dess "
                "andel i riket, inte tvärtom.")]
    extra = len(given - expected)
    lacking = len(expected - given)
    parts = []
    if extra:
        parts.append(f"{_count(extra, 'av dina grupper har', 'av dina grupper har')} inte kvot "
                     "över 1,2 (bland grupper med minst 500 förvärvsarbetande)")
    if lacking:
        parts.append(f"{_count(lacking, 'grupp', 'grupper')} med kvot över 1,2 saknas")
    return ["Listan stämmer inte helt: " + " och ".join(parts) + ". Filtrera tabellen från "
            "profile.location_quotients på både lq och employed."]


@_check("ovning2", "forklaring", "Förklaringen av en grupp", ["forklaring"])
def check_lq_explanation(ctx: Context, forklaring: object) -> list[str]:
    """Two or three sentences that name a group and compare the county with Riket."""
    text = _text(forklaring, "forklaring")
    problems = []
    sentences = _sentences(text)
    if len(sentences) < 2:
        problems.append("Skriv två meningar: en om vad kvoten visar och en om varför.")
    elif len(sentences) > 3:
        problems.append(f"Håll dig till två meningar (du har {len(sentences)}). Det tvingar "
                        "fram det viktigaste.")
    if not _mentions(text, _all_group_words()):
        problems.append("Nämn gruppen du förklarar med dess namn, t.ex. kortnamnet från "
                        "tabellen ('Sjuksköterskor').")
    if not _mentions(text, ("riket", "rikets", "sverige", "nationell", "landet", "hela landet")):
        problems.append("Jämför med riket: kvoten säger hur länet skiljer sig från landet som "
                        "helhet.")
    return problems


# ---------------------------------------------------------------------------------------
# Exercise 3: the breakdown by hand
# ---------------------------------------------------------------------------------------


def _year_values(value: object, name: str, ctx: Context) -> pd.Series:
    """Year → value from a Series indexed by year, a DataFrame with year and value, or a dict."""
    if isinstance(value, Mapping):
        value = pd.Series(dict(value))
    if isinstance(value, pd.DataFrame):
        frame = value
        if "year" not in frame.columns and frame.index.name == "year":
            frame = frame.reset_index()
        if "year" not in frame.columns or "value" not in frame.columns:
            raise KompetensError(f"Tabellen {name} behöver kolumnerna year och value; den har "
                                 f"{', '.join(map(str, frame.columns))}.")
        for column, wanted, what in (("region", ctx.region, "län"),
                                     ("education_group", ctx.group, "grupper")):
            if column in frame.columns:
                found = set(frame[column].astype(str))
                if len(found) > 1:
                    raise KompetensError(f"Tabellen {name} har flera {what} ({len(found)} st). "
                                         f"Behåll bara raderna för "
                                         f"{'ditt län' if column == 'region' else 'din grupp'}.")
                if found and found != {wanted}:
                    label = ctx.region_name if column == "region" else ctx.group_name
                    raise KompetensError(f"Tabellen {name} gäller fel "
                                         f"{'län' if column == 'region' else 'grupp'}: använd "
                                         f"{label} ({wanted}).")
        if frame["year"].duplicated().any():
            raise KompetensError(f"Tabellen {name} har flera rader för samma år. Summera eller "
                                 "filtrera så att varje år finns en gång.")
        value = frame.set_index("year")["value"]
    if not isinstance(value, pd.Series):
        raise KompetensError(f"{name} ska vara en tabell (DataFrame) med kolumnerna year och "
                             f"value, eller en Series med åren som index, inte "
                             f"{type(value).__name__}.")
    try:
        index = [int(y) for y in value.index]
    except (TypeError, ValueError):
        raise KompetensError(f"Indexet i {name} ska vara årtal (t.ex. 2030).") from None
    numbers = pd.to_numeric(pd.Series(list(value), index=index), errors="coerce")
    if numbers.isna().any():
        raise KompetensError(f"{name} har värden som inte är tal. Alla värden ska vara antal "
                             "personer.")
    return numbers.astype(float)


def _years_text(years: Sequence[int]) -> str:
    from kompetens_lib.methods.breakdown import _fmt_years

    return _fmt_years(years)


@_check("ovning3", "egen_nedbrytning", "Din nedbrytning med fast andel", ["min_nedbrytning"])
def check_own_breakdown(ctx: Context, min_nedbrytning: object) -> list[str]:
    """Fixed-share breakdown of the demand forecast for the first priority group."""
    given = _year_values(min_nedbrytning, "min_nedbrytning", ctx)
    expected = _county_series(_breakdown(ctx.source, ctx.base_year, "demand"),
                              ctx.region, ctx.group)
    missing = [y for y in expected.index if y not in given.index]
    if missing:
        return [(f"År saknas: {_years_text(missing)}. Ta med alla prognosår från basåret "
                f"{ctx.base_year} till {ctx.target_year}.")]
    given = given.reindex(expected.index)
    if all(_close(g, e, rel=0.005) for g, e in zip(given, expected)):
        return []
    forecast = _table("national_forecast", ctx.source).set_index(
        ["education_group", "year"]).loc[ctx.group]
    national_demand = forecast["demand"].astype(float).reindex(expected.index)
    national_supply = forecast["supply"].astype(float).reindex(expected.index)
    share = expected / national_demand
    ratio = given / expected

    def same(series: pd.Series) -> bool:
        return all(_close(g, s, rel=0.005) for g, s in zip(given, series))

    if same(national_demand):
        return [("Det ser ut som rikets prognos. Multiplicera den med länets andel av gruppen "
                f"basåret {ctx.base_year}.")]
    if same(national_supply * share) or same(_county_series(
            _breakdown(ctx.source, ctx.base_year, "supply"), ctx.region, ctx.group)):
        return [("Du har brutit ned tillgången (supply). Uppgiften gäller efterfrågan: använd "
                "kolumnen demand i prognosen.")]
    employed = _table("employed", ctx.source)
    base = employed[employed["year"] == ctx.base_year]
    county_total = float(base.loc[base["region"] == ctx.region, "value"].sum())
    county_group = float(base.loc[(base["region"] == ctx.region)
                                  & (base["education_group"] == ctx.group), "value"].sum())
    if county_total > 0 and same(national_demand * county_group / county_total):
        return [("Andelen ska vara länets del av gruppen i riket (länets antal i gruppen ÷ rikets "
                "antal i gruppen), inte gruppens del av länets förvärvsarbetande.")]
    if ratio.notna().all() and float(ratio.std()) < 1e-6 * max(float(ratio.mean()), 1e-9):
        factor = float(ratio.mean())
        if _close(factor, 0.5, rel=0.01, abs_tol=0):
            return [("Andelen blir hälften för liten: du har räknat med rikets rader "
                    "(region \"00\") i nämnaren. Summera bara länen, eller dela med raden för "
                    "riket.")]
        closest, error = None, 0.005
        for year in sorted(employed["year"].unique()):
            if int(year) == ctx.base_year:
                continue
            other = _county_series(_breakdown(ctx.source, int(year), "demand"), ctx.region,
                                   ctx.group).reindex(expected.index)
            off = float((abs(given - other) / other.abs().clip(lower=1.0)).max())
            if off <= error:
                closest, error = int(year), off
        if closest is not None:
            return [f"Andelen kommer från år {closest}. Använd basåret {ctx.base_year}."]
        return [("Alla år avviker med samma faktor, så andelen är fel men multiplikationen rätt. "
                f"Andelen = länets förvärvsarbetande i gruppen år {ctx.base_year} ÷ rikets "
                "förvärvsarbetande i gruppen samma år (summera över åldersgrupperna).")]
    off = [int(y) for y, g, e in zip(expected.index, given, expected)
           if not _close(g, e, rel=0.005)]
    return [(f"Värdena avviker mer än 0,5 % från bibliotekets beräkning för år {_years_text(off)}. "
            "Multiplicera samma andel med rikets prognos år för år.")]


def _method_values(ctx: Context, column: str, year: int, region: str | None = None,
                   group: str | None = None) -> list[float]:
    from kompetens_lib.methods.breakdown import METHODS

    values = []
    for method in METHODS:
        series = _county_series(_breakdown(ctx.source, ctx.base_year, column, method),
                                region or ctx.region, group or ctx.group)
        values.append(float(series.get(year, np.nan)))
    return values


@_check("ovning3", "metodspann", "Spannet mellan metoderna", ["metodspann"])
def check_method_range(ctx: Context, metodspann: object) -> list[str]:
    """Highest minus lowest of the four methods, demand, target year, first priority group."""
    given = _as_number(metodspann, "metodspann")
    values = _method_values(ctx, "demand", ctx.target_year)
    expected = max(values) - min(values)
    if _close(given, expected, rel=0.01, abs_tol=1.0):
        return []
    if given < 0:
        return ["Spannet är högsta minus lägsta värdet och kan inte vara negativt."]
    if any(_close(given, v, rel=0.005, abs_tol=1.0) for v in values):
        return [("Du har angett en av metodernas prognoser. Spannet är skillnaden mellan den "
                "högsta och den lägsta.")]
    supply = _method_values(ctx, "supply", ctx.target_year)
    if _close(given, max(supply) - min(supply), rel=0.01, abs_tol=1.0):
        return ["Det är spannet för tillgången (supply). Uppgiften gäller efterfrågan (demand)."]
    median = float(np.median(values))
    if median > 0 and _close(given, expected / median, rel=0.01, abs_tol=0.001):
        return ["Ange spannet i antal personer, inte som andel av medianen."]
    for year in range(ctx.base_year + 1, ctx.target_year):
        other = _method_values(ctx, "demand", year)
        if _close(given, max(other) - min(other), rel=0.01, abs_tol=1.0):
            return [f"Spannet gäller ett annat år. Använd målåret {ctx.target_year}."]
    return [(f"Värdet stämmer inte. Jämför de fyra metoderna för din grupp och ditt län år "
            f"{ctx.target_year} (efterfrågan), t.ex. med kl.compare_methods(…, region="
            f"\"{ctx.region}\", column=\"demand\"), och räkna max − min.")]


_METHOD_WORDS = {
    "fast andel": ("fast andel", "fasta andel", "fixed share", "fixed_share"),
    "trendandel": ("trend",),
    "shift-share": ("shift share", "shift-share", "shift_share", "skiftandel"),
    "betingad (RAS)": ("ras", "betingad", "constrained", "proportionell anpassning"),
}


@_check("ovning3", "metodforklaring", "Varför metoderna skiljer sig", ["metodforklaring"])
def check_method_explanation(ctx: Context, metodforklaring: object) -> list[str]:
    """A short explanation that names two methods and is about the participant's county."""
    text = _text(metodforklaring, "metodforklaring")
    problems = []
    if len(_words(text)) < 25:
        problems.append("Skriv lite mer, minst 25 ord: vad skiljer metoderna åt, och vad i "
                        "länets historik gör att de hamnar olika?")
    named = [m for m, words in _METHOD_WORDS.items() if _mentions(text, words, word_start=True)]
    if len(named) < 2:
        problems.append("Nämn minst två av metoderna vid namn (fast andel, trendandel, "
                        "shift-share, betingad/RAS) och jämför dem.")
    if not _mentions(text, [*_region_words(ctx.region), "länet", "länets", "regionen",
                            "regionens"]):
        problems.append(f"Skriv om ditt län ({ctx.region_name}): förklaringen ska gälla just "
                        "er utveckling.")
    return problems


# ---------------------------------------------------------------------------------------
# Exercise 4: retirements
# ---------------------------------------------------------------------------------------


def _retired(ctx: Context, region: str, group: str, horizon: int = HORIZON,
             exit_age: int = 66) -> float:
    if region == NATIONAL_CODE:
        frame = _retirements(ctx.source, ctx.base_year, (horizon,), exit_age)
        part = frame[(frame["education_group"] == group) & (frame["horizon"] == horizon)]
        return float(part["value"].sum())
    frame = _retirements(ctx.source, ctx.base_year, (horizon,), exit_age)
    part = frame[(frame["region"] == region) & (frame["education_group"] == group)
                 & (frame["horizon"] == horizon)]
    return float(part["value"].sum())


@_check("ovning4", "pensionsavgangar", "Pensionsavgångar på tio år", ["pensionsavgangar"])
def check_retirements(ctx: Context, pensionsavgangar: object) -> list[str]:
    """Retirements within ten years in the first priority group (exit age 66)."""
    given = _as_number(pensionsavgangar, "pensionsavgangar")
    expected = _retired(ctx, ctx.region, ctx.group)
    if _close(given, expected, rel=0.01, abs_tol=1.0):
        return []
    ages = _employed_by_age(ctx, ctx.region, ctx.group)
    older = float(ages.get("55-64", 0.0))
    oldest = float(ages.get("65-74", 0.0))
    if _close(given, older + oldest, rel=0.005, abs_tol=1.0):
        return [("Du räknar med att alla som är 55 år och äldre går i pension. Med utträdesålder "
                "66 hinner den som är 55 i dag bara fylla 65 på tio år: ta med nio av tio "
                "åldrar i 55–64.")]
    if _close(given, older, rel=0.005, abs_tol=1.0) or _close(given, 0.9 * older, rel=0.005,
                                                               abs_tol=1.0):
        return [("Gruppen 65–74 år saknas: de som redan passerat utträdesåldern lämnar också "
                "inom perioden.")]
    if _close(given, _retired(ctx, NATIONAL_CODE, ctx.group), rel=0.005, abs_tol=1.0):
        return ["Det ser ut som rikets pensionsavgångar. Filtrera fram ditt län."]
    for horizon in (5, 15):
        if _close(given, _retired(ctx, ctx.region, ctx.group, horizon), rel=0.005, abs_tol=1.0):
            return [(f"Det ser ut som {horizon} års horisont. Uppgiften gäller tio år "
                    "(horizon=10).")]
    return [("Värdet stämmer inte. Räkna med utträdesålder 66 och tio år framåt, t.ex. med "
            "kl.retirements(kl.load(\"employed\"), horizon=10), och välj ut ditt län och din "
            "grupp.")]


def _retirement_share(ctx: Context, region: str) -> float:
    employed = float(_employed_by_age(ctx, region, ctx.group).sum())
    return _retired(ctx, region, ctx.group) / employed if employed else float("nan")


@_check("ovning4", "andel_pension", "Andelen som går i pension", ["andel_pension"])
def check_retirement_share(ctx: Context, andel_pension: object) -> list[str]:
    """Retirements as a share of the group's employed in the county (a decimal, 0–1)."""
    given = _as_number(andel_pension, "andel_pension")
    expected = _retirement_share(ctx, ctx.region)
    if math.isclose(given, expected, abs_tol=0.005):
        return []
    if 1 < given <= 100 and math.isclose(given / 100, expected, abs_tol=0.005):
        return ["Ange andelen som ett decimaltal, t.ex. 0.25 för 25 %."]
    if math.isclose(given, _retirement_share(ctx, NATIONAL_CODE), abs_tol=0.002):
        return ["Det ser ut som andelen i riket. Här ska du räkna på ditt län."]
    if given > 1:
        return [("En andel ligger mellan 0 och 1. Dela pensionsavgångarna med antalet "
                f"förvärvsarbetande i gruppen år {ctx.base_year}.")]
    return [("Andelen stämmer inte. Dela pensionsavgångarna på tio år med antalet "
            f"förvärvsarbetande i gruppen i länet år {ctx.base_year} (alla åldrar).")]


@_check("ovning4", "pension_kommentar", "Jämförelsen med riket", ["pension_kommentar"])
def check_retirement_comment(ctx: Context, pension_kommentar: object) -> list[str]:
    """A short comment that compares the county's retirement wave with Riket's, with a number."""
    text = _text(pension_kommentar, "pension_kommentar")
    problems = []
    if len(_words(text)) < 15:
        problems.append("Skriv lite mer, minst 15 ord: är pensionsvågen större eller mindre än "
                        "i riket, och vad betyder det för rekryteringen?")
    if not _mentions(text, ("riket", "rikets", "sverige", "landet", "nationell")):
        problems.append("Jämför med riket.")
    if not _has_number(text):
        problems.append("Ta med minst en siffra, t.ex. andelen i länet och i riket.")
    return problems


# ---------------------------------------------------------------------------------------
# Exercise 6: recruitment need and places
# ---------------------------------------------------------------------------------------

#: (key the participant writes, library argument, Swedish description, valid range)
ASSUMPTIONS: tuple[tuple[str, str, str], ...] = (
    ("utträdesålder", "exit_age", "åldern då man lämnar arbetslivet (ett heltal 60–75)"),
    ("andel_nyexaminerade", "graduate_share",
     "andelen av behovet som nyexaminerade ska möta (mellan 0 och 1)"),
    ("genomströmning", "completion_rate",
     "andelen som tar examen (mellan 0 och 1, ett tal eller ett per utbildningsform)"),
    ("stannar_i_länet", "stay_share",
     "andelen examinerade som stannar i länet (mellan 0 och 1, ett tal eller ett per form)"),
)


def _folded_keys(value: Mapping) -> dict[str, object]:
    return {fold(str(k)).replace(" ", "_"): v for k, v in value.items()}


def _assumptions(antaganden: object) -> tuple[dict[str, Any], list[str]]:
    """Library arguments from the participant's dict, and the problems found."""
    from kompetens_lib.reference.taxonomy import FORMS

    if not isinstance(antaganden, Mapping):
        keys = ", ".join(f"'{k}'" for k, _, _ in ASSUMPTIONS)
        raise KompetensError(f"antaganden ska vara en ordbok (dict) med nycklarna {keys}, inte "
                             f"{type(antaganden).__name__}.")
    given = _folded_keys(antaganden)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, argument, description in ASSUMPTIONS:
        value = given.get(fold(key).replace(" ", "_"), given.get(argument))
        if value is None or value is ...:
            problems.append(f"'{key}' saknas: {description}.")
            continue
        if argument == "exit_age":
            ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool) \
                and 60 <= int(value) <= 75
            if not ok:
                problems.append(f"'{key}' ska vara {description}, inte {value!r}.")
                continue
            values[argument] = int(value)
            continue
        items = dict(value) if isinstance(value, Mapping) else None
        numbers = list(items.values()) if items is not None else [value]
        ok = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                 and 0 < float(v) <= 1 for v in numbers)
        if items is not None:
            folded_forms = {fold(k): k for k in FORMS}
            renamed = {folded_forms.get(fold(str(k)), str(k)): v for k, v in items.items()}
            lacking = [f for f in FORMS if f not in renamed]
            if lacking:
                problems.append(f"'{key}' saknar värden för {', '.join(lacking)}. Ange ett tal "
                                f"för varje form ({', '.join(FORMS)}) eller ett enda tal.")
                continue
            items = {f: renamed[f] for f in FORMS}
        if not ok:
            shown = numbers[0] if items is None else value
            hint = " Ange andelar som decimaltal, t.ex. 0.8 för 80 %." if any(
                isinstance(v, (int, float)) and not isinstance(v, bool) and 1 < float(v) <= 100
                for v in numbers) else ""
            problems.append(f"'{key}' ska vara {description}, inte {shown!r}.{hint}")
            continue
        values[argument] = {f: float(v) for f, v in items.items()} if items is not None \
            else float(value)
    return values, problems


@_check("ovning6", "antaganden", "Antaganden som går att försvara", ["antaganden", "motivering"])
def check_assumptions(ctx: Context, antaganden: object, motivering: object = ...) -> list[str]:
    """Every assumption given, in its valid range, and motivated in a sentence or more."""
    if isinstance(antaganden, Mapping) and all(_is_missing(v) for v in antaganden.values()):
        raise _Missing(f"{FILL_IN}: ersätt ... i antaganden med dina värden.")
    _, problems = _assumptions(antaganden)
    if _is_missing(motivering) or (isinstance(motivering, Mapping)
                                   and all(_is_missing(v) for v in motivering.values())):
        return problems + [("Motivera antagandena i motivering: en ordbok med samma nycklar och "
                           "en mening var om varför värdet gäller i ditt län.")]
    if not isinstance(motivering, Mapping):
        return problems + [(f"motivering ska vara en ordbok (dict) med samma nycklar som "
                           f"antaganden, inte {type(motivering).__name__}.")]
    reasons = _folded_keys(motivering)
    thin = []
    for key, argument, _ in ASSUMPTIONS:
        text = reasons.get(fold(key).replace(" ", "_"), reasons.get(argument))
        if not isinstance(text, str) or len(_words(text)) < 6:
            thin.append(key)
    if thin:
        problems.append("Motivera " + ", ".join(f"'{k}'" for k in thin) + " med minst en hel "
                        "mening (sex ord eller fler): varför gäller värdet i ditt län, och vem "
                        "kan bekräfta det?")
    return problems


def _need_frame(value: object, name: str, ctx: Context, column: str) -> pd.Series:
    """Group → value from a DataFrame with education_group and ``column``."""
    if not isinstance(value, pd.DataFrame):
        raise KompetensError(f"{name} ska vara en tabell (DataFrame) med kolumnerna "
                             f"education_group och {column}, inte {type(value).__name__}.")
    frame = value
    if "education_group" not in frame.columns and frame.index.name == "education_group":
        frame = frame.reset_index()
    lacking = [c for c in ("education_group", column) if c not in frame.columns]
    if lacking:
        raise KompetensError(f"Tabellen {name} saknar kolumnen {', '.join(lacking)}. Den ska ha "
                             f"education_group och {column}.")
    if "region" in frame.columns:
        found = set(frame["region"].astype(str))
        if found != {ctx.region}:
            raise KompetensError(f"Tabellen {name} ska bara ha rader för ditt län "
                                 f"({ctx.region_name}, \"{ctx.region}\").")
    if "horizon" in frame.columns:
        found_h = {int(h) for h in frame["horizon"]}
        if found_h != {HORIZON}:
            raise KompetensError(f"Tabellen {name} ska gälla tio år (horizon 10), inte "
                                 f"{', '.join(str(h) for h in sorted(found_h))}.")
    codes = [resolve_group(str(g)) for g in frame["education_group"]]
    if len(set(codes)) != len(codes):
        raise KompetensError(f"Tabellen {name} har flera rader för samma grupp. Det ska vara "
                             "en rad per prioriterad grupp.")
    return pd.Series(pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float),
                     index=codes)


def _check_groups(given: Iterable[str], ctx: Context, name: str) -> list[str]:
    given = set(given)
    problems = []
    lacking = [g for g in ctx.groups if g not in given]
    extra = [g for g in given if g not in ctx.groups]
    if lacking:
        problems.append(f"Tabellen {name} saknar dina prioriterade grupper "
                        f"{', '.join(group_name(g) for g in lacking)}.")
    if extra:
        problems.append(f"Tabellen {name} har grupper som inte är prioriterade: "
                        f"{', '.join(group_name(g) for g in extra)}. Ta bara med "
                        "prioriterade_grupper.")
    return problems


@functools.lru_cache(maxsize=16)
def _need_by_method(ctx: Context, exit_age: int) -> pd.DataFrame:
    """Recruitment need over ten years per method for the county's priority groups."""
    from kompetens_lib.methods.breakdown import METHODS
    from kompetens_lib.methods.need import recruitment_need

    rows = []
    replacement = _retirements(ctx.source, ctx.base_year, (HORIZON,), exit_age)
    replacement = replacement[replacement["region"] == ctx.region]
    for method in METHODS:
        demand = _breakdown(ctx.source, ctx.base_year, "demand", method)
        demand = demand[demand["region"] == ctx.region]
        need = recruitment_need(demand, replacement, base_year=ctx.base_year)
        need = need[need["education_group"].isin(ctx.groups)].assign(method=method)
        rows.append(need)
    return pd.concat(rows, ignore_index=True)


@_check("ovning6", "behov", "Rekryteringsbehovet för dina grupper", ["behov", "antaganden"])
def check_need(ctx: Context, behov: object, antaganden: object = ...) -> list[str]:
    """Ten-year recruitment need of the priority groups, within the range of the methods."""
    given = _need_frame(behov, "behov", ctx, "need")
    problems = _check_groups(given.index, ctx, "behov")
    if problems:
        return problems
    if given.isna().any():
        return ["Kolumnen need har tomma värden eller text. Alla värden ska vara antal personer."]
    exit_age = 66
    if isinstance(antaganden, Mapping):
        values, _ = _assumptions(antaganden)
        exit_age = values.get("exit_age", 66)
    by_method = _need_by_method(ctx, exit_age)
    wrong = []
    hints: list[str] = []
    for code in ctx.groups:
        part = by_method[by_method["education_group"] == code]
        low, high = float(part["need"].min()), float(part["need"].max())
        value = float(given[code])
        if low * 0.99 - 1 <= value <= high * 1.01 + 1:
            continue
        wrong.append(group_name(code))
        replacement = float(part["replacement"].iloc[0])
        expansions = part["expansion"].astype(float)
        if _close(value, replacement, rel=0.005, abs_tol=1.0) and (expansions > 0).any():
            hints.append("Expansionen saknas: behovet är pensionsavgångar plus ökningen av "
                         "efterfrågan (om den ökar).")
        elif any(_close(value, replacement + e, rel=0.005, abs_tol=1.0) for e in expansions
                 if e < 0):
            hints.append("När efterfrågan minskar ska expansionen räknas som 0, inte dras "
                         "ifrån: behov = pensionsavgångar + max(expansion, 0).")
    if not wrong:
        return []
    hints = list(dict.fromkeys(hints)) or [
        (f"Räkna behovet på tio år ({ctx.base_year}–{ctx.base_year + HORIZON}) med "
        "kl.recruitment_need(efterfrågan, pensionsavgångar), där efterfrågan är en nedbrytning "
        "och pensionsavgångarna räknas med din utträdesålder.")]
    return [f"Behovet ligger utanför spannet mellan metoderna för {', '.join(wrong)}.", *hints]


@_check("ovning6", "platser", "Utbildningsplatser per år", ["platser", "behov", "antaganden"])
def check_places(ctx: Context, platser: object, behov: object = ...,
                 antaganden: object = ...) -> list[str]:
    """Places per year by group and form from the participant's own need and assumptions."""
    from kompetens_lib.methods.need import dimensioning

    if not isinstance(platser, pd.DataFrame):
        raise KompetensError("platser ska vara en tabell (DataFrame) med kolumnerna "
                             f"education_group, form och places, inte {type(platser).__name__}.")
    if _is_missing(behov) or _is_missing(antaganden):
        raise _Missing(f"{FILL_IN}: platserna räknas från behov och antaganden, så fyll i dem "
                       "först.")
    values, problems = _assumptions(antaganden)
    if problems:
        return ["Rätta antagandena först (se kontrollen av antagandena ovan)."]
    need = _need_frame(behov, "behov", ctx, "need")
    lacking = [c for c in ("education_group", "form", "places") if c not in platser.columns]
    if lacking:
        return [(f"Tabellen platser saknar kolumnen {', '.join(lacking)}. Den ska ha "
                "education_group, form och places.")]
    given = platser.assign(education_group=[resolve_group(str(g))
                                            for g in platser["education_group"]])
    given = given.groupby(["education_group", "form"])["places"].sum()
    problems = _check_groups(given.index.get_level_values(0), ctx, "platser")
    if problems:
        return problems
    frame = pd.DataFrame({"region": ctx.region, "education_group": list(need.index),
                          "period": f"{ctx.base_year}–{ctx.base_year + HORIZON}",
                          "horizon": HORIZON, "need": need.to_numpy()})
    options = {k: v for k, v in values.items() if k != "exit_age"}
    candidates = [dimensioning(frame, graduates=_table("graduates", ctx.source), **options),
                  dimensioning(frame, **options)]

    def matches(column: str, scale: float = 1.0) -> bool:
        for candidate in candidates:
            wanted = candidate.set_index(["education_group", "form"])[column] * scale
            if set(wanted.index) != set(given.index):
                continue
            if all(_close(float(given[k]), float(v), rel=0.01, abs_tol=0.5)
                   for k, v in wanted.items()):
                return True
        return False

    if matches("places"):
        return []
    if not any(set(given.index) == set(c.set_index(["education_group", "form"]).index)
               for c in candidates):
        return [("Utbildningsformerna stämmer inte: ta med en rad per grupp och utbildningsform, "
                "så som kl.dimensioning ger dem (gymnasium, komvux, yh eller högskola beroende "
                "på gruppens nivå).")]
    if matches("graduates_needed"):
        return ["Genomströmningen saknas: platser = examinerade som behövs ÷ genomströmning."]
    if matches("places", HORIZON):
        return ["Behovet gäller tio år. Platserna ska vara per år: dela med tio."]
    return [("Platserna stämmer inte med ditt behov och dina antaganden. Räkna med "
            "kl.dimensioning(…) på ditt behov (kolumnerna region, education_group, period, "
            "horizon, need) med dina antaganden som argument.")]


# ---------------------------------------------------------------------------------------
# Exercise 5: balance
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _balance(source: str | None, base_year: int) -> pd.DataFrame:
    from kompetens_lib.methods.balance import balance

    supply = _breakdown(source, base_year, "supply")
    demand = _breakdown(source, base_year, "demand")
    return balance(supply, demand, _table("national_forecast", source), base_year=base_year)


def _shortage(ctx: Context, year: int) -> set[str]:
    frame = _balance(ctx.source, ctx.base_year)
    part = frame[(frame["region"] == ctx.region) & (frame["year"] == year)
                 & frame["education_group"].isin(ctx.groups)]
    return set(part.loc[part["judgement"].isin(SHORTAGE_WORDS), "education_group"].astype(str))


@_check("ovning5", "brist_grupper", "Grupper med brist i målåret", ["brist_grupper"])
def check_shortage_groups(ctx: Context, brist_grupper: object) -> list[str]:
    """Which priority groups are judged as some kind of shortage in the target year."""
    given = set(_group_set(brist_grupper, "brist_grupper"))
    outside = [g for g in given if g not in ctx.groups]
    if outside:
        return [(f"Ta bara med dina prioriterade grupper; {', '.join(map(group_name, outside))} "
                "är inte bland dem.")]
    expected = _shortage(ctx, ctx.target_year)
    if given == expected:
        return []
    if given == _shortage(ctx, ctx.base_year):
        return [(f"Det ser ut som bedömningen för basåret. Frågan gäller målåret "
                f"{ctx.target_year}.")]
    national = _table("national_forecast", ctx.source)
    national = national[(national["year"] == ctx.target_year)
                        & national["education_group"].isin(ctx.groups)]
    if given == set(national.loc[national["judgement"].isin(SHORTAGE_WORDS),
                                 "education_group"].astype(str)):
        return [("Det ser ut som rikets bedömning i prognosen. Här ska du använda länets "
                "bedömning från kl.balance på länets nedbrytning.")]
    return [("Listan stämmer inte helt. Brist betyder här bedömningen 'viss brist', 'brist' eller "
            f"'stor brist' år {ctx.target_year} i ditt län. Bryt ned tillgång (labour_force, "
            "column=\"supply\") och efterfrågan (employed, column=\"demand\") med fast andel och "
            "använd kl.balance(tillgång, efterfrågan, prognos).")]


@_check("ovning5", "kvot", "Kvoten tillgång/efterfrågan", ["kvot"])
def check_balance_ratio(ctx: Context, kvot: object) -> list[str]:
    """100 · supply / demand in the target year for the first priority group."""
    given = _as_number(kvot, "kvot")
    frame = _balance(ctx.source, ctx.base_year)
    rows = frame[(frame["region"] == ctx.region) & (frame["education_group"] == ctx.group)]
    row = rows[rows["year"] == ctx.target_year].iloc[0]
    supply, demand = float(row["supply"]), float(row["demand"])
    expected = 100 * supply / demand
    if math.isclose(given, expected, abs_tol=0.5):
        return []
    if math.isclose(given, expected / 100, abs_tol=0.005):
        return ["Multiplicera med 100: kvoten anges så att 100 betyder balans."]
    if supply > 0 and math.isclose(given, 100 * demand / supply, abs_tol=0.5):
        return ["Kvoten är vänd: dela tillgången med efterfrågan, inte tvärtom."]
    if _close(given, supply - demand, rel=0.005, abs_tol=1.0):
        return [("Det är skillnaden tillgång − efterfrågan (balansen). Kvoten är 100 · tillgång ÷ "
                "efterfrågan.")]
    base = rows[rows["year"] == ctx.base_year].iloc[0]
    if math.isclose(given, float(base["ratio"]), abs_tol=0.5):
        return [f"Det ser ut som kvoten för basåret. Använd målåret {ctx.target_year}."]
    return [(f"Kvoten stämmer inte. Ta kolumnen ratio för din grupp och ditt län år "
            f"{ctx.target_year} i resultatet av kl.balance.")]


@_check("ovning5", "balans_kommentar", "Trösklarna och bedömningen", ["balans_kommentar"])
def check_balance_comment(ctx: Context, balans_kommentar: object) -> list[str]:
    """A comment on how the thresholds move the judgement, with a number."""
    text = _text(balans_kommentar, "balans_kommentar")
    problems = []
    if len(_words(text)) < 15:
        problems.append("Skriv lite mer, minst 15 ord.")
    if not _mentions(text, ("tröskel", "trösklar", "tröskeln", "trösklarna", "gräns")):
        problems.append("Skriv om trösklarna: hur mycket måste kvoten ändras för att "
                        "bedömningen ska flytta ett steg?")
    if not _has_number(text):
        problems.append("Ta med minst en siffra, t.ex. en tröskel eller din grupps förändring.")
    return problems


# ---------------------------------------------------------------------------------------
# Exercise 7: communicate
# ---------------------------------------------------------------------------------------

_UNIT_WORDS = ("antal", "person", "procent", "%", "andel", "kvot", "platser", "tusental",
               "tusen", "kronor", "index", "per år", "sysselsatta", "timmar", "styck")
_YEAR_FIELDS = {"year", "år", "ar", "basår", "målår"}
_CAVEAT_WORDS = ("osäker", "prognos", "antag", "exempeldata", "syntetisk", "officiell",
                 "metod", "spann", "felmarginal", "tolka", "bygger på", "förutsätt",
                 "beror på", "egen beräkning", "skattning", "ungefär", "kan ändras")


def _spec(chart: object, index: int) -> dict:
    if isinstance(chart, Mapping):
        return dict(chart)
    to_dict = getattr(chart, "to_dict", None)
    if to_dict is None:
        raise KompetensError(f"Diagram {index} är inte ett Altair-diagram ({type(chart).__name__})."
                             " Använd diagramfunktionerna i kompetens_lib.present.charts eller alt.Chart.")
    try:
        return to_dict(validate=False)
    except TypeError:
        return to_dict()


def _title_lines(spec: Mapping) -> tuple[str, list[str]]:
    title = spec.get("title")
    if isinstance(title, str):
        return title, []
    if isinstance(title, Mapping):
        text = title.get("text", "")
        text = " ".join(text) if isinstance(text, list) else str(text or "")
        subtitle = title.get("subtitle") or []
        subtitle = [subtitle] if isinstance(subtitle, str) else [str(s) for s in subtitle]
        return text, subtitle
    if isinstance(title, list):
        return " ".join(map(str, title)), []
    return "", []


def _layers(spec: Mapping) -> list[Mapping]:
    found = [spec]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []) or []:
            if isinstance(part, Mapping):
                found += _layers(part)
    if isinstance(spec.get("spec"), Mapping):
        found += _layers(spec["spec"])
    return found


def _chart_problems(chart: object, index: int) -> list[str]:
    spec = _spec(chart, index)
    parts = _layers(spec)
    title, subtitle = "", []
    for part in parts:
        text, lines = _title_lines(part)
        title = title or text
        subtitle += lines
    problems = []
    if not title.strip():
        problems.append(f"Diagram {index} saknar rubrik. Ge det en rubrik som säger vad det "
                        "visar, t.ex. title=\"…\".")
    axis_titles = []
    has_quantity = False
    for part in parts:
        encoding = part.get("encoding") or {}
        for channel in ("x", "y", "theta"):
            enc = encoding.get(channel)
            if not isinstance(enc, Mapping) or enc.get("type") != "quantitative":
                continue
            axis = enc.get("axis") if isinstance(enc.get("axis"), Mapping) else {}
            # Without a title Vega-Lite shows the field name ('value' says nothing).
            name = enc.get("title") or axis.get("title") or enc.get("field") or ""
            name = " ".join(name) if isinstance(name, list) else str(name)
            if (str(enc.get("field", "")).casefold() in _YEAR_FIELDS
                    or name.strip().casefold() in _YEAR_FIELDS or axis.get("format") == "d"):
                continue  # a year axis: its unit is the year
            has_quantity = True
            if name:
                axis_titles.append(name)
    if has_quantity and not any(_contains_any(t, _UNIT_WORDS) for t in axis_titles):
        problems.append(f"Diagram {index} saknar enhet. Skriv enheten i värdeaxelns titel, t.ex. "
                        "\"Antal personer\", \"Andel, procent\" eller \"Platser per år\".")
    texts = [title, *subtitle]
    for part in parts:
        mark = part.get("mark")
        mark_type = mark.get("type") if isinstance(mark, Mapping) else mark
        if mark_type == "text":
            value = (mark.get("text") if isinstance(mark, Mapping) else None) or \
                ((part.get("encoding") or {}).get("text") or {}).get("value")
            if value:
                texts.append(str(value))
    if not any("källa" in t.casefold() for t in texts):
        problems.append(f"Diagram {index} saknar källa. Lägg till en rad som börjar med "
                        "'Källa:' i underrubriken, t.ex. source=… i kompetens_lib.present.charts.")
    return problems


@_check("ovning7", "budskap", "Tre budskap med siffror", ["budskap"])
def check_messages(ctx: Context, budskap: object) -> list[str]:
    """Three short messages, each with a number."""
    if isinstance(budskap, str) or not isinstance(budskap, (list, tuple)):
        return ["budskap ska vara en lista med tre texter: [\"…\", \"…\", \"…\"]."]
    if len(budskap) != 3:
        return [f"Skriv exakt tre budskap; du har {len(budskap)}."]
    problems = []
    for number, message in enumerate(budskap, 1):
        if not isinstance(message, str) or not message.strip():
            problems.append(f"Budskap {number} är tomt.")
            continue
        words = len(_words(message))
        if words < 5:
            problems.append(f"Budskap {number} är för kort för att stå på egen hand: skriv en "
                            "hel mening.")
        elif words > 40:
            problems.append(f"Budskap {number} har {words} ord. Korta det till högst 40: en "
                            "strateg ska kunna läsa det högt på en gång.")
        if not _has_number(message):
            problems.append(f"Budskap {number} saknar en siffra. Ett budskap blir konkret när "
                            "det bär ett tal, t.ex. hur många som behövs eller hur stor andel.")
    texts = [" ".join(str(m).split()).casefold() for m in budskap]
    if len(set(texts)) < len(texts):
        problems.append("Två budskap är likadana. Varje budskap ska säga något eget.")
    return problems


@_check("ovning7", "diagram", "Två diagram med rubrik, enhet och källa", ["diagram"])
def check_charts(ctx: Context, diagram: object) -> list[str]:
    """Two charts, each with a title, a unit on the value axis and a source line."""
    if not isinstance(diagram, (list, tuple)):
        return ["diagram ska vara en lista med två diagram: [diagram1, diagram2]."]
    if len(diagram) != 2:
        return [f"Ta med exakt två diagram; du har {len(diagram)}."]
    problems = []
    for index, chart in enumerate(diagram, 1):
        problems += _chart_problems(chart, index)
    return problems


def show_charts(diagram: object) -> None:
    """Show the participant's charts one after the other (a note while none is given)."""
    if _is_missing(diagram):
        _display({"text/plain": f"{FILL_IN}: diagrammen visas här när de finns.",
                  "text/html": f"<p>{FILL_IN}: diagrammen visas här när de finns.</p>"})
        return
    from IPython.display import display

    for chart in diagram if isinstance(diagram, (list, tuple)) else [diagram]:
        if not _is_missing(chart):
            display(chart)


@_check("ovning7", "forbehall", "Ett förbehåll", ["forbehall"])
def check_caveat(ctx: Context, forbehall: object) -> list[str]:
    """One caveat that says what makes the numbers uncertain."""
    text = _text(forbehall, "forbehall")
    words = len(_words(text))
    problems = []
    if words < 8:
        problems.append("Förbehållet är för kort. Skriv en hel mening, minst åtta ord.")
    elif words > 80:
        problems.append("Förbehållet är långt. Håll det till ett par meningar, högst 80 ord.")
    if not _mentions(text, _CAVEAT_WORDS):
        problems.append("Säg vad som gör siffrorna osäkra, t.ex. metodvalet, ett antagande eller "
                        "att det är en egen beräkning och inte officiell statistik.")
    return problems


# ---------------------------------------------------------------------------------------
# Exercise 8: borrow an example
# ---------------------------------------------------------------------------------------


def _notebook(path: object, name: str):
    import nbformat

    if not isinstance(path, (str, os.PathLike)):
        raise KompetensError(f"{name} ska vara sökvägen till en anteckningsbok som text, t.ex. "
                             f"\"01_nulage_halland.ipynb\", inte {type(path).__name__}.")
    file = Path(path)
    if not file.is_file():
        raise KompetensError(f"Hittar ingen fil {str(path)!r} ({name}). Sökvägen räknas från "
                             f"mappen där den här anteckningsboken ligger ({Path.cwd().name}/).")
    try:
        return nbformat.read(file, as_version=4)
    except Exception:  # noqa: BLE001
        raise KompetensError(f"{str(path)!r} går inte att läsa som en anteckningsbok "
                             "(.ipynb).") from None


def notebook_region(nb) -> str | None:
    """The county a notebook is set up for: its injected parameters, else its parameters
    cell, else its key figures; None if none of them names a county."""
    from kompetens_lib.present import keyfigures

    def from_cell(tag: str) -> str | None:
        found = None
        for cell in nb.cells:
            if cell.cell_type != "code" or tag not in cell.get("metadata", {}).get("tags", []):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if (isinstance(node, ast.Assign) and len(node.targets) == 1
                        and isinstance(node.targets[0], ast.Name)
                        and node.targets[0].id == "region"):
                    try:
                        found = resolve_region(ast.literal_eval(node.value))
                    except (ValueError, KompetensError):
                        pass
        return found

    for tag in ("injected-parameters", "parameters"):
        code = from_cell(tag)
        if code:
            return code
    for record in keyfigures.read(nb):
        if record.get("region"):
            return str(record["region"])
    return None


@_check("ovning8", "lanad_anteckningsbok", "Den lånade anteckningsboken gäller ditt län",
        ["lanad_anteckningsbok", "original_anteckningsbok"])
def check_adapted_notebook(ctx: Context, lanad_anteckningsbok: object,
                           original_anteckningsbok: object = ...) -> list[str]:
    """The adapted notebook is set to the participant's county, has been run, and its key
    figures are the county's; the original is another region's."""
    from kompetens_lib.present import keyfigures

    problems = []
    nb = _notebook(lanad_anteckningsbok, "lanad_anteckningsbok")
    if not _is_missing(original_anteckningsbok):
        if Path(str(original_anteckningsbok)).resolve() == Path(str(lanad_anteckningsbok)).resolve():
            return ["Det är samma fil två gånger. Spara din anpassade kopia under ett nytt namn."]
        original = _notebook(original_anteckningsbok, "original_anteckningsbok")
        other = notebook_region(original)
        if other == ctx.region:
            problems.append("Originalet är redan för ditt län. Låna en anteckningsbok från en "
                            "annan region.")
    region = notebook_region(nb)
    if region is None:
        problems.append("Hittar inget län i den lånade anteckningsboken: den behöver en "
                        "parametercell med region = \"…\".")
    elif region != ctx.region:
        problems.append(f"Den lånade anteckningsboken är inställd på {region_name(region)}. "
                        f"Ställ in den på ditt län, t.ex. med kompetens adapt FIL --region "
                        f"{ctx.region}, och kör den.")
    code_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if not any(c.get("execution_count") for c in code_cells):
        problems.append("Den lånade anteckningsboken är inte körd. Öppna den och kör alla "
                        "celler (Run → Run All Cells), och spara.")
    errors = [o for c in code_cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        problems.append(f"Den lånade anteckningsboken har {_count(len(errors), 'fel', 'fel')} "
                        f"(första: {errors[0].get('ename', 'fel')}). Rätta felet och kör om.")
    shown = {str(r.get("region")) for r in keyfigures.read(nb) if r.get("region")}
    if region == ctx.region and shown and shown != {ctx.region}:
        problems.append("Parametern är ändrad men nyckeltalen gäller fortfarande den andra "
                        "regionen. Kör om alla celler och spara.")
    return problems


@_check("ovning8", "jamforelse", "Jämförelsen mellan regionerna",
        ["jamforelse", "original_anteckningsbok"])
def check_comparison(ctx: Context, jamforelse: object, original_anteckningsbok: object = ...
                     ) -> list[str]:
    """A comparison that names both regions and carries a number."""
    text = _text(jamforelse, "jamforelse")
    problems = []
    if len(_words(text)) < 25:
        problems.append("Skriv lite mer, minst 25 ord: vad skiljer era län åt, och vad tar du "
                        "med dig från den andra regionens exempel?")
    if not _mentions(text, _region_words(ctx.region)):
        problems.append(f"Nämn ditt eget län ({ctx.short_region}).")
    other = None
    if not _is_missing(original_anteckningsbok):
        try:
            other = notebook_region(_notebook(original_anteckningsbok, "original_anteckningsbok"))
        except KompetensError:
            other = None
    if other and other != ctx.region:
        if not _mentions(text, _region_words(other)):
            problems.append(f"Nämn regionen du lånade från ({region_name(other)}).")
    else:
        others = [w for code in regions()["code"] if code != ctx.region
                  for w in _region_words(code)]
        if not _mentions(text, others):
            problems.append("Nämn regionen du lånade från.")
    if not _has_number(text):
        problems.append("Ta med minst en siffra från var och en av regionerna.")
    return problems


def region_of(path: object) -> str:
    """The name of the county a notebook is set up for ('Hallands län'), for texts."""
    code = notebook_region(_notebook(path, "anteckningsboken"))
    if code is None:
        raise KompetensError(f"Hittar inget län i {str(path)!r}: den behöver en parametercell "
                             "med region = \"…\".")
    return region_name(code)


def compare_key_figures(original: object, adapted: object) -> pd.DataFrame | None:
    """Key figures of two executed notebooks side by side: one row per figure, one column
    per notebook's county (as formatted in the notebooks). Shows a note and returns None
    while a path is not filled in."""
    from kompetens_lib.present import keyfigures
    from kompetens_lib.workbook.profile import KEY_FIGURE_LABELS

    if _is_missing(original) or _is_missing(adapted):
        _display({"text/plain": f"{FILL_IN}: skriv sökvägarna till båda anteckningsböckerna.",
                  "text/html": f"<p>{FILL_IN}: skriv sökvägarna till båda "
                               "anteckningsböckerna.</p>"})
        return None
    columns = {}
    for path, name in ((original, "original_anteckningsbok"), (adapted, "lanad_anteckningsbok")):
        nb = _notebook(path, name)
        figures = keyfigures.by_section(keyfigures.read(nb))
        merged = {k: v for section in figures.values() for k, v in section.items()}
        if not merged:
            raise KompetensError(f"{str(path)!r} har inga nyckeltal. Kör alla celler i den och "
                                 "spara, och försök igen.")
        label = str(merged.get("region_name") or notebook_region(nb) or path)
        if label in columns:
            label = f"{label} ({Path(str(path)).name})"
        columns[label] = {key: keyfigures.format_value(key, merged[key])
                          for key in KEY_FIGURE_LABELS if key in merged}
    frame = pd.DataFrame(columns)
    frame.index = [KEY_FIGURE_LABELS[k] for k in frame.index]
    frame.index.name = "Nyckeltal"
    return frame


# ---------------------------------------------------------------------------------------
# Masters → participant copies
# ---------------------------------------------------------------------------------------


def exercises_dir() -> Path:
    """``$KOMPETENS_EXERCISES`` or the checkout's ``exercises/``."""
    return Path(os.environ.get(EXERCISES_ENV) or EXERCISES_DIR)


def _placeholder(cell) -> str:
    """The placeholder for a solution cell: ``metadata.kompetens.placeholder``, else one
    ``name = ...`` line per name the solution assigns at top level."""
    given = cell.get("metadata", {}).get("kompetens", {}).get("placeholder")
    if given:
        return given
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
        return "svar = ...  # skriv ditt svar här"
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id not in names:
                names.append(target.id)
    return "\n".join(f"{n} = ...  # skriv ditt svar här" for n in names) or "# skriv ditt svar här"


def participant_copy(master):
    """A participant's copy of a master notebook (not modified): solution code cells become
    their placeholder, solution and facilitator markdown cells are dropped, outputs and
    execution counts cleared, and only neutral metadata kept."""
    import copy

    import nbformat

    nb = copy.deepcopy(master)
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if FACILITATOR_TAG in tags:
            continue
        if SOLUTION_TAG in tags:
            if cell.cell_type != "code":
                continue
            new = nbformat.v4.new_code_cell(_placeholder(cell))
            new["id"] = cell.get("id", new["id"])
            new.metadata = {"tags": ["svar"]}
            cells.append(new)
            continue
        cell.metadata = {k: v for k, v in cell.get("metadata", {}).items() if k == "tags"}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    nb.cells = cells
    info = dict(master.metadata.get("kompetens", {}))
    digest = hashlib.sha256("\x00".join(c.source for c in cells).encode("utf-8")).hexdigest()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "kompetens": {"exercise": info.get("exercise", ""), "title": info.get("title", ""),
                      "version": digest[:12]},
    }
    return nb


def master_paths(masters: Path | None = None) -> list[Path]:
    """The master notebooks, in exercise order."""
    directory = Path(masters) if masters else exercises_dir() / "masters"
    found = sorted(directory.glob("ovning*.ipynb"),
                   key=lambda p: (int(re.sub(r"\D.*", "", p.stem[6:]) or 0), p.name))
    if not found:
        raise KompetensError(f"Hittade inga övningar (ovningN_namn.ipynb) i {directory}.")
    return found


def participant_text(master_path: Path) -> str:
    """The participant copy of a master file, as the text written to disk."""
    import nbformat

    master = nbformat.read(master_path, as_version=4)
    return nbformat.writes(participant_copy(master)) + "\n"


def build_participant_copies(masters: Path | None = None, out: Path | None = None, *,
                             check: bool = False) -> list[Path]:
    """Write the participant copy of every master to ``out`` (default ``exercises/``).

    Returns the files that were (or, with ``check``, would be) written because they were
    missing or out of date; with ``check`` nothing is written.
    """
    masters = Path(masters) if masters else exercises_dir() / "masters"
    out = Path(out) if out else exercises_dir()
    stale = []
    for path in master_paths(masters):
        text = participant_text(path)
        target = out / path.name
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not check:
            from kompetens_lib.publish.runner import atomic_write_text

            atomic_write_text(target, text)
    return stale


def main(argv: list[str] | None = None) -> int:
    """``python -m kompetens_lib.exercises [--check]``: regenerate the participant copies."""
    import argparse

    from kompetens_lib import cli  # noqa: F401 - installs the Swedish argparse phrases

    parser = argparse.ArgumentParser(
        prog="python -m kompetens_lib.exercises",
        description="Skapar deltagarnas exemplar av övningarna (exercises/*.ipynb) från "
                    "handledarens original i exercises/masters/. Lösningar tas bort.")
    parser.add_argument("--masters", metavar="MAPP", help="mapp med original (standard: "
                        "exercises/masters)")
    parser.add_argument("--out", metavar="MAPP", help="mapp för deltagarexemplaren "
                        "(standard: exercises)")
    parser.add_argument("--check", action="store_true",
                        help="skriv inget; avsluta med fel om något exemplar är inaktuellt")
    args = parser.parse_args(argv)
    try:
        stale = build_participant_copies(args.masters and Path(args.masters),
                                         args.out and Path(args.out), check=args.check)
    except KompetensError as exc:
        print(f"fel: {exc}")
        return 2
    if args.check:
        if stale:
            print("Inaktuella deltagarexemplar: " + ", ".join(p.name for p in stale)
                  + ". Kör python -m kompetens_lib.exercises.")
            return 1
        print("Alla deltagarexemplar är aktuella.")
        return 0
    print(f"Skrev {len(stale)} deltagarexemplar." if stale else "Alla deltagarexemplar var "
          "redan aktuella.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
