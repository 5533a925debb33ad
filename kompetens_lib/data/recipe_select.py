"""Which of SCB's tables a recipe's source is, and the selection sent to it.

A source's table id is its own (:class:`~kompetens_lib.data.recipe_sources.Source`), or the
one the environment gives (``KOMPETENS_SCB_TABELL_<id>=TAB…``), or, for a source whose v2 id
is not known (``Source.find``), the one SCB's v2 index gives (:func:`find_table`). The
selection (:func:`resolve_source`) is built from the table's metadata after every
assumption of the source has been checked, with a Swedish :class:`RecipeError` naming the
one that failed; no data are asked for before every source of a recipe has passed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence

from kompetens_lib.data.recipe_sources import ALL, COUNTIES, ONLY, TOTAL, YEARS, Source
from kompetens_lib.errors import RecipeError
from kompetens_lib.reference.regions import COUNTY_CODES

__all__ = ["TABLE_ENV", "find_table", "norm_label", "resolve_source", "table_id_of"]

TABLE_ENV = "KOMPETENS_SCB_TABELL_"  # + a SOURCES table id: another id for that table


def norm_label(text: object) -> str:
    """Compare labels: NFC, case-folded, spaces collapsed, a leading "- Varav" dropped."""
    folded = " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())
    return re.sub(r"^[-–\s]*(varav\s+)?", "", folded)


def table_id_of(source: Source, client=None) -> str:
    """The table id to ask for.

    The environment's ``KOMPETENS_SCB_TABELL_<id>`` if set; else, for a source with
    ``find``, the id SCB's v2 index gives (:func:`find_table`, needs ``client``); else the
    source's own id.
    """
    given = os.environ.get(f"{TABLE_ENV}{source.table_id}", "").strip()
    if given:
        return given
    if source.find is not None and client is not None:
        return find_table(client, source)
    return source.table_id


def find_table(client, source: Source) -> str:
    """The v2 id of a ``find`` source's table, looked up in SCB's index (remembered per client).

    Each query of ``source.find`` is sent to ``/tables?query=``; a table found qualifies if
    its metadata has every variable of ``source.select`` and a content for every label of
    ``source.find.contents``. The first query with exactly one qualifying table decides;
    none, or several, is a Swedish :class:`RecipeError` that names what was searched.
    """
    assert source.find is not None
    found = client.found_tables
    if source.table_id in found:
        return found[source.table_id]
    wanted = {norm_label(label) for label in source.find.contents}
    seen: dict[str, str] = {}
    several: list[str] = []
    for query in source.find.queries:
        fitting = []
        for entry in client.search_tables(query):
            table = str(entry["id"])
            seen.setdefault(table, str(entry.get("label", "")))
            variables = {v.code: v for v in client.variables(table)}
            contents = variables.get("ContentsCode")
            if (contents is None or not set(source.select) <= set(variables)
                    or not wanted <= {norm_label(label) for label in contents.values.values()}):
                continue
            fitting.append(table)
        if len(fitting) == 1:
            found[source.table_id] = fitting[0]
            return fitting[0]
        several = several or fitting
    tried = ", ".join(f"'{q}'" for q in source.find.queries)
    if several:
        listing = ", ".join(f"{t} ({seen[t]})" for t in several)
        problem = f"flera tabeller passar: {listing}"
    elif seen:
        listing = ", ".join(f"{t} ({label})" for t, label in list(seen.items())[:8])
        problem = f"ingen av de funna tabellerna har det innehållet ({listing})"
    else:
        problem = "sökningarna gav inga tabeller"
    raise RecipeError(
        f"Hittade inte tabellen {source.about} i SCB:s tabellindex: {problem}. Sökte på "
        f"{tried} efter en tabell med innehållet "
        f"{', '.join(repr(c) for c in source.find.contents)}. Sök upp tabellen på "
        f"statistikdatabasen.scb.se och ange dess id, t.ex. {TABLE_ENV}{source.table_id}="
        "TAB1234, och kör igen.")


def resolve_source(client, source: Source,
                   years: Sequence[int] | None) -> dict[str, list[str]]:
    """The selection to send for a source, after checking every assumption (Swedish errors)."""
    table = table_id_of(source, client)
    variables = {v.code: v for v in client.variables(table)}
    fix = (f"SCB kan ha ändrat tabellen; antagandet står i SOURCES i "
           f"kompetens_lib/data/recipe_sources.py "
           f"({source.verified}).")
    listing = ", ".join(f"{v.code} ({v.label})" for v in variables.values())
    selection: dict[str, list[str]] = {}
    for code, choice in source.select.items():
        var = variables.get(code)
        if var is None:
            raise RecipeError(f"Tabell {table} saknar variabeln {code!r} som receptet väntar "
                              f"sig. Tabellen har: {listing}. {fix}")
        if choice == ALL:
            selection[code] = list(var.values)
        elif choice == ONLY:
            if len(var.values) != 1:
                shown = ", ".join(f"{c} ({lb})" for c, lb in var.values.items())
                raise RecipeError(f"Variabeln {code} i tabell {table} väntades ha ett enda "
                                  f"värde men har {len(var.values)}: {shown}. {fix}")
            selection[code] = list(var.values)
        elif choice == COUNTIES:
            missing = [c for c in COUNTY_CODES if c not in var.values]
            if missing:
                raise RecipeError(f"Variabeln {code} i tabell {table} saknar länskoderna "
                                  f"{', '.join(missing)}. {fix}")
            selection[code] = list(COUNTY_CODES)
        elif choice == YEARS:
            available = {c: int(m.group(1)) for c in var.values
                         if (m := re.search(r"(\d{4})\D*$", c))}
            if years is None:
                selection[code] = list(available)
            else:
                chosen = [c for c, y in available.items() if y in set(years)]
                if not chosen:
                    have = sorted(set(available.values()))
                    raise RecipeError(
                        f"Tabell {table} har inga uppgifter för år {', '.join(map(str, years))}; "
                        f"den har år {have[0]}–{have[-1]}." if have else
                        f"Tabell {table} har inga år.")
                selection[code] = chosen
        elif choice == TOTAL:
            if var.elimination:
                continue  # left out: the API sums over it
            totals = [c for c, label in var.values.items()
                      if norm_label(label).startswith(("totalt", "samtliga", "båda könen"))]
            if len(totals) != 1:
                shown = ", ".join(f"{c} ({lb})" for c, lb in var.values.items())
                raise RecipeError(f"Variabeln {code} i tabell {table} går inte att utelämna "
                                  f"och har inget entydigt 'totalt'-värde: {shown}. {fix}")
            selection[code] = totals
        else:
            by_label = {norm_label(label): c for c, label in var.values.items()}
            chosen = []
            for pick in choice:
                known = norm_label(var.values.get(pick.code, "")) if pick.code else ""
                if pick.code in var.values and (known == norm_label(pick.label) or (
                        pick.like and re.search(pick.like, known))):
                    chosen.append(pick.code)
                elif norm_label(pick.label) in by_label:
                    chosen.append(by_label[norm_label(pick.label)])
                else:
                    shown = ", ".join(f"{c} ({lb})" for c, lb in list(var.values.items())[:15])
                    raise RecipeError(
                        f"Variabeln {code} ({var.label}) i tabell {table} har inget värde "
                        f"{pick.label!r}" + (f" (kod {pick.code})" if pick.code else "")
                        + f". Tabellen har t.ex.: {shown}. {fix}")
            selection[code] = chosen
    unknown = [v for c, v in variables.items() if c not in source.select and not v.elimination]
    if unknown:
        names = ", ".join(f"{v.code} ({v.label})" for v in unknown)
        raise RecipeError(f"Tabell {table} har variabler som receptet inte känner till och som "
                          f"inte kan utelämnas: {names}. {fix}")
    return selection
