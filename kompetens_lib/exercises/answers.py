"""Reading a participant's answer: texts, sentences, numbers and lists of groups, with
Swedish messages that never show an expected value."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kompetens_lib._internal.text import fold
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import regions
from kompetens_lib.reference.taxonomy import education_groups, resolve_group

_ABBREVIATIONS = ("t.ex.", "bl.a.", "m.fl.", "d.v.s.", "dvs.", "ca.", "osv.", "resp.", "s.k.",
                  "st.", "jfr.", "gymn.", "kap.", "nr.", "inkl.", "exkl.", "f.d.", "m.m.")


def answer_text(value: object, name: str) -> str:
    """A text answer with its whitespace collapsed; Swedish error if it is not a text."""
    if not isinstance(value, str):
        raise KompetensError(f"{name} ska vara en text inom citattecken, t.ex. \"…\", inte "
                             f"{type(value).__name__}.")
    return " ".join(value.split())


def words(text: str) -> list[str]:
    """The words of a text (letters and digits, Swedish letters included)."""
    return re.findall(r"[\wåäöÅÄÖéÉ]+", text)


def sentences(text: str) -> list[str]:
    """The sentences of a text (common abbreviations do not end one; two words or more)."""
    cleaned = text
    for abbreviation in _ABBREVIATIONS:
        cleaned = re.sub(re.escape(abbreviation), abbreviation.replace(".", ""), cleaned,
                         flags=re.IGNORECASE)
    parts = re.split(r"(?<=[.!?])\s+", cleaned.strip())
    return [p for p in parts if len(words(p)) >= 2]


def has_number(text: str) -> bool:
    """Whether the text carries a digit."""
    return re.search(r"\d", text) is not None


def mentions(text: str, needles: Iterable[str], *, word_start: bool = False) -> bool:
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


def contains_any(text: str, needles: Iterable[str]) -> bool:
    """Case-insensitive substring test that keeps accents ('år' is not 'ar')."""
    lowered = text.casefold()
    return any(n.casefold() in lowered for n in needles)


def count_phrase(n: int, one: str, many: str) -> str:
    """'1 grupp', '3 grupper'."""
    return f"{n} {one if n == 1 else many}"


def as_number(value: object, name: str) -> float:
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


def close(a: float, b: float, rel: float = 0.01, abs_tol: float = 0.5) -> bool:
    """Whether two numbers agree within ``rel`` (relative) or ``abs_tol`` (absolute)."""
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def group_items(value: object, name: str) -> list[object]:
    """The items of a group answer: a list, a Series (its index when it holds counts) or a
    table's group column."""
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
        if "," in value and not _is_group(value):  # 'Gymn. data, el och energi' is one
            raise KompetensError(f"{name} ska vara en lista med en text per grupp, t.ex. "
                                 f"[\"713\", \"Förskollärare\"], inte en enda text med "
                                 f"kommatecken ({value!r}).")
        return [value]
    raise KompetensError(f"{name} ska vara en lista med gruppkoder eller kortnamn, t.ex. "
                         f"[\"713\", \"Förskollärare\"], inte {type(value).__name__}.")


def _is_group(text: str) -> bool:
    try:
        resolve_group(text.strip())
    except KompetensError:
        return False
    return True


def group_words(codes: Iterable[str]) -> list[str]:
    """Ways a text may name a group: short name, short name without 'Gymn. ', SCB label.
    (Codes are left out: '202' hides in '2023'.)"""
    table = education_groups().set_index("code")
    names: list[str] = []
    for code in codes:
        short = str(table.loc[code, "short_name"])
        names += [short, short.removeprefix("Gymn. "), str(table.loc[code, "label"])]
    return names


def all_group_words() -> list[str]:
    """Every way a text may name any group (see :func:`group_words`)."""
    return group_words(education_groups()["code"])


def region_words(code: str) -> list[str]:
    """Ways a text may name a county: its name and its short name."""
    row = regions().set_index("code").loc[code]
    return [str(row["name"]), str(row["short_name"])]


def resolve_groups(items: Iterable[object]) -> list[str]:
    """Group codes for codes or short names, in order and without repeats.

    Raises :class:`KompetensError` naming every group the taxonomy lacks.
    """
    codes: list[str] = []
    unknown: list[str] = []
    for item in items:
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


def group_set(value: object, name: str) -> list[str]:
    """The groups of an answer (a list, a Series or a table of groups); Swedish error
    listing every group the taxonomy lacks."""
    return resolve_groups(group_items(value, name))


def folded_keys(value: Mapping) -> dict[str, object]:
    """A mapping's keys folded (case, accents, spaces → ``_``), so 'Utträdesålder' is found."""
    return {fold(str(k)).replace(" ", "_"): v for k, v in value.items()}
