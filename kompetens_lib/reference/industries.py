"""Industries: the sections A–U of SNI 2007 (Svensk näringsgrensindelning) plus unknown.

Codes are SCB's section letters; unknown industry is ``"US"`` ("uppgift saknas"), the code
of SCB's register-based employment tables (older RAMS tables write ``"00"``, accepted here).
"""

from __future__ import annotations

import functools
from importlib import resources

import pandas as pd

from kompetens_lib._internal.choices import choice_key, resolve_choice
from kompetens_lib._internal.text import closest
from kompetens_lib.errors import KompetensError

__all__ = ["INDUSTRY_CODES", "UNKNOWN_INDUSTRY", "industries", "industry_label", "resolve_industry"]

UNKNOWN_INDUSTRY = "US"
# Other spellings of "unknown industry" met in SCB's tables and typed by users.
_UNKNOWN_ALIASES = ("00", "okänd", "okand", "uppgift saknas", "okänd näringsgren")


@functools.cache
def _table() -> pd.DataFrame:
    with resources.files(__package__).joinpath("industries.csv").open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return frame.astype("string")


INDUSTRY_CODES: tuple[str, ...] = tuple(_table()["code"])


def industries() -> pd.DataFrame:
    """The industry classification as a table: ``code``, ``name``, ``short_name``.

    ``code`` is the SNI 2007 section letter (``"A"`` … ``"U"``) or ``"US"`` for unknown;
    ``name`` is SCB's Swedish name of the section, ``short_name`` a short label for charts.

    >>> t = industries().set_index("code")
    >>> t.loc["B", "name"], t.loc["Q", "short_name"], len(t)
    ('Utvinning av mineral', 'Vård och omsorg', 22)
    """
    return _table().copy()


def industry_label(code: str, short: bool = True) -> str:
    """The Swedish short label (or full name) of an industry code.

    >>> industry_label("C"), industry_label("J", short=False)
    ('Tillverkning', 'Informations- och kommunikationsverksamhet')
    """
    table = _table().set_index("code")
    if code not in table.index:
        resolve_industry(code)  # raises the Swedish error
    return str(table.loc[code, "short_name" if short else "name"])


def resolve_industry(value: object) -> str:
    """The industry code for a section letter, SCB's name or the short label, in any case.

    Accepts ``"C"``, ``"c"``, ``"Tillverkning"``, ``"Utvinning av mineral"``, ``"Gruvor"``,
    SCB's combined spelling ``"SNI C"`` and the unknown codes ``"US"``/``"00"``/``"okänd"``.
    Raises :class:`KompetensError` in Swedish with a near-miss suggestion and the valid codes.

    >>> resolve_industry("tillverkning"), resolve_industry("b"), resolve_industry("00")
    ('C', 'B', 'US')
    """
    table = _table()
    by_name = dict(zip(table["code"], table["name"]))
    by_short = dict(zip(table["code"], table["short_name"]))
    if isinstance(value, str):
        text = value.strip()
        if text.upper().startswith("SNI "):
            text = text[4:].strip()
        if choice_key(text) in {choice_key(a) for a in _UNKNOWN_ALIASES}:
            return UNKNOWN_INDUSTRY
        for labels in (by_name, by_short):
            try:
                return resolve_choice(text, "näringsgren", labels)
            except KompetensError:
                pass
        suggestion = _suggest(text, by_name, by_short)
    else:
        suggestion = None
    hint = f" Menade du {suggestion[0]} {suggestion[1]}?" if suggestion else ""
    listing = ", ".join(f"{c} {s}" for c, s in by_short.items())
    raise KompetensError(
        f"Okänd näringsgren: {value!r}.{hint} Ange en avdelning i SNI 2007 som bokstav eller "
        f"namn: {listing}. Hela listan ger kompetens_lib.industries()."
    )


def _suggest(text: str, by_name: dict, by_short: dict) -> tuple[str, str] | None:
    keys: dict[str, str] = {}
    for labels in (by_short, by_name):
        for code, label in labels.items():
            keys.setdefault(choice_key(label), code)
    match = closest(choice_key(text), keys, cutoff=0.6)
    if match is None:
        # A misspelt first word ("Tilverkning av bilar") still names its section.
        first = choice_key(text).split(" ")[0] if text.strip() else ""
        words = {k.split(" ")[0]: c for k, c in keys.items()}
        hit = closest(first, words, cutoff=0.75) if first else None
        if hit is None:
            return None
        code = words[hit]
    else:
        code = keys[match]
    return code, by_short[code]
