"""Exercise 7, communicate (ovning7_kommunicera): three messages with numbers, two charts
with a title, a unit and a source, and one caveat."""

from __future__ import annotations

from collections.abc import Mapping

from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.answers import answer_text, contains_any, has_number, mentions, words
from kompetens_lib.exercises.framework import FILL_IN, Context, check, display, is_missing

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
        raise KompetensError(f"Diagram {index} är inte ett Altair-diagram "
                             f"({type(chart).__name__}). Använd diagramfunktionerna i "
                             "kompetens_lib.present.charts eller alt.Chart.")
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
    if has_quantity and not any(contains_any(t, _UNIT_WORDS) for t in axis_titles):
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


@check("ovning7", "budskap", "Tre budskap med siffror", ["budskap"])
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
        n_words = len(words(message))
        if n_words < 5:
            problems.append(f"Budskap {number} är för kort för att stå på egen hand: skriv en "
                            "hel mening.")
        elif n_words > 40:
            problems.append(f"Budskap {number} har {n_words} ord. Korta det till högst 40: en "
                            "strateg ska kunna läsa det högt på en gång.")
        if not has_number(message):
            problems.append(f"Budskap {number} saknar en siffra. Ett budskap blir konkret när "
                            "det bär ett tal, t.ex. hur många som behövs eller hur stor andel.")
    texts = [" ".join(str(m).split()).casefold() for m in budskap]
    if len(set(texts)) < len(texts):
        problems.append("Två budskap är likadana. Varje budskap ska säga något eget.")
    return problems


@check("ovning7", "diagram", "Två diagram med rubrik, enhet och källa", ["diagram"])
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
    if is_missing(diagram):
        display({"text/plain": f"{FILL_IN}: diagrammen visas här när de finns.",
                  "text/html": f"<p>{FILL_IN}: diagrammen visas här när de finns.</p>"})
        return
    from IPython.display import display as show

    for chart in diagram if isinstance(diagram, (list, tuple)) else [diagram]:
        if not is_missing(chart):
            show(chart)


@check("ovning7", "forbehall", "Ett förbehåll", ["forbehall"])
def check_caveat(ctx: Context, forbehall: object) -> list[str]:
    """One caveat that says what makes the numbers uncertain."""
    text = answer_text(forbehall, "forbehall")
    n_words = len(words(text))
    problems = []
    if n_words < 8:
        problems.append("Förbehållet är för kort. Skriv en hel mening, minst åtta ord.")
    elif n_words > 80:
        problems.append("Förbehållet är långt. Håll det till ett par meningar, högst 80 ord.")
    if not mentions(text, _CAVEAT_WORDS):
        problems.append("Säg vad som gör siffrorna osäkra, t.ex. metodvalet, ett antagande eller "
                        "att det är en egen beräkning och inte officiell statistik.")
    return problems
