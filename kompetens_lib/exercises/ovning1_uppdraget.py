"""Exercise 1, the mandate (ovning1_uppdraget): the question, the decision it supports and
who asked, checked for completeness and saved as the county's mandate file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kompetens_lib._internal.text import fold
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.answers import mentions, words
from kompetens_lib.exercises.framework import (
    Context,
    check,
    is_missing,
    mandate_directory,
    missing,
    say,
)

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


@check("ovning1", "uppdrag_komplett", "Uppdragets sex delar", ["uppdrag"])
def check_mandate_complete(ctx: Context, uppdrag: object) -> list[str]:
    """Every field of the mandate is filled in with something a reader can act on."""
    fields = _mandate_fields(uppdrag)
    empty = [key for key, _, _ in MANDATE_FIELDS if not _field_text(fields, key)]
    if len(empty) == len(MANDATE_FIELDS):
        missing("Ersätt ... i uppdrag med era formuleringar och kör cellen igen.")
    problems = []
    if empty:
        labels = {key: label for key, _, label in MANDATE_FIELDS}
        named = [f"'{k}' ({labels[k]})" for k in empty]
        listing = ", ".join(named[:-1]) + " och " + named[-1] if len(named) > 1 else named[0]
        problems.append(f"Fyll i {listing} tillsammans med din chef.")
    question = _field_text(fields, "fråga")
    if question and len(words(question)) < 6:
        problems.append("Frågan är väldigt kort. Skriv ut vad som ska besvaras, för vilket "
                        "område och vilka år – så att någon annan kan förstå den.")
    scope = _field_text(fields, "avgränsning")
    if scope and len(words(scope)) < 3:
        problems.append("Avgränsningen behöver några ord till: vad ingår inte (t.ex. "
                        "grupper, utbildningsformer eller år)?")
    deadline = _field_text(fields, "klart_senast")
    if deadline and not _is_iso_date(deadline):
        problems.append(f"Skriv datumet i 'klart_senast' som ÅÅÅÅ-MM-DD, t.ex. "
                        f"\"2027-03-31\", inte {deadline!r}.")
    for key, who in (("mottagare", "Mottagaren"), ("uppdragsgivare", "Uppdragsgivaren")):
        text = _field_text(fields, key)
        if text and fold(text) in _SELF:
            problems.append(f"{who} ska vara en namngiven person eller roll, inte {text!r}.")
    return problems


@check("ovning1", "uppdrag_fraga", "Frågan och beslutet", ["uppdrag"])
def check_mandate_question(ctx: Context, uppdrag: object) -> list[str]:
    """The question is a question, the decision is a decision, and the question names it."""
    fields = _mandate_fields(uppdrag)
    question = _field_text(fields, "fråga")
    decision = _field_text(fields, "beslut")
    if not question:
        missing("Skriv frågan under 'fråga' i uppdrag och kör cellen igen.")
    problems = []
    if not question.rstrip().endswith("?"):
        problems.append("Skriv frågan som en fråga, med frågetecken på slutet.")
    if not decision:
        problems.append("Skriv under 'beslut' vilket beslut svaret ska stödja.")
    elif not mentions(decision, _DECISION_STEMS):
        problems.append("'beslut' beskriver inget beslut. Skriv vem som beslutar vad, t.ex. "
                        "'Regionstyrelsen beslutar om …' eller 'Kommunerna väljer …'.")
    decision_words = {w for w in map(fold, words(decision))
                      if len(w) >= 5 and w not in {fold(s) for s in _STOPWORDS}}
    question_words = set(map(fold, words(question)))
    if decision and not (mentions(question, _DECISION_STEMS) or decision_words & question_words):
        problems.append("Frågan nämner inte beslutet. Skriv frågan så att den pekar på det som "
                        "ska beslutas, t.ex. 'Hur många platser … behöver regionen föreslå …?'.")
    return problems


def save_mandate(ctx: Context, uppdrag: object, directory: str | os.PathLike | None = None
                 ) -> Path | None:
    """Save the mandate as the county's mandate file
    (:func:`kompetens_lib.workbook.mandate.save`), so the workbook's notebooks and the next
    exercises show it at the top. Nothing is saved while it is incomplete; an earlier file
    is kept in ``uppdrag/tidigare/``."""
    from kompetens_lib.workbook import mandate

    if not isinstance(ctx, Context):
        say("Kör cellen med ex.start(…) överst i anteckningsboken först.")
        return None
    fields = _mandate_fields(uppdrag) if not is_missing(uppdrag) else {}
    values = {attr: _field_text(fields, key) for key, attr in _MANDATE_ATTRIBUTES.items()}
    if not any(values.values()):
        say("Uppdraget sparades inte: det är inte ifyllt än. Skriv det i cellen med uppdrag, "
            "kör den och kör sedan den här cellen igen.")
        return None
    try:
        draft = mandate.Mandate(ctx.region, **values)
        problems = mandate.check(draft)
        if problems:
            say("Uppdraget sparades inte än: " + " ".join(problems)
                + " Ändra i cellen med uppdrag och kör den här cellen igen.")
            return None
        saved = mandate.save(draft, directory if directory is not None else mandate_directory())
    except KompetensError as exc:
        say(f"Uppdraget sparades inte: {exc} Ändra i cellen med uppdrag och kör den här "
            "cellen igen.")
        return None
    if saved.unchanged:
        say(f"Uppdraget är redan sparat i {saved.path}.")
    else:
        say(f"Uppdraget är sparat i {saved.path}. Arbetsbokens anteckningsböcker och nästa "
             "övningar visar det överst." + (f" Den tidigare versionen finns i {saved.previous}."
                                            if saved.previous else ""))
    return saved.path
