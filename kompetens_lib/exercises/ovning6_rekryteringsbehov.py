"""Exercise 6, recruitment need and places (ovning6_rekryteringsbehov): assumptions that
can be defended, the ten-year need of the priority groups, and the places per year.

The expected values are those of notebook 06: the need by each method
(:func:`kompetens_lib.workbook.results.need_table`) and the places from the participant's
own need and assumptions (:func:`kompetens_lib.workbook.results.places_table`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kompetens_lib._internal.checks import is_share
from kompetens_lib._internal.text import fold
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.answers import close, folded_keys, words
from kompetens_lib.exercises.framework import (
    FILL_IN,
    HORIZON,
    Context,
    check,
    group_name,
    is_missing,
    missing,
)
from kompetens_lib.methods.breakdown import METHODS
from kompetens_lib.methods.need import dimensioning
from kompetens_lib.reference.taxonomy import FORMS, resolve_group
from kompetens_lib.workbook.assumptions import Assumptions
from kompetens_lib.workbook.defaults import EXIT_AGE, EXIT_AGE_RANGE, check_exit_age
from kompetens_lib.workbook.need_tables import need_table, places_table

ASSUMPTIONS: tuple[tuple[str, str, str], ...] = (
    ("utträdesålder", "exit_age", "åldern då man lämnar arbetslivet (ett heltal "
                                  f"{EXIT_AGE_RANGE[0]}–{EXIT_AGE_RANGE[1]})"),
    ("andel_nyexaminerade", "graduate_share",
     "andelen av behovet som nyexaminerade ska möta (mellan 0 och 1)"),
    ("genomströmning", "completion_rate",
     "andelen som tar examen (mellan 0 och 1, ett tal eller ett per utbildningsform)"),
    ("stannar_i_länet", "stay_share",
     "andelen examinerade som stannar i länet (mellan 0 och 1, ett tal eller ett per form)"),
)


def _assumptions(antaganden: object) -> tuple[dict[str, Any], list[str]]:
    """Library arguments from the participant's dict, and the problems found."""
    if not isinstance(antaganden, Mapping):
        keys = ", ".join(f"'{k}'" for k, _, _ in ASSUMPTIONS)
        raise KompetensError(f"antaganden ska vara en ordbok (dict) med nycklarna {keys}, inte "
                             f"{type(antaganden).__name__}.")
    given = folded_keys(antaganden)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, argument, description in ASSUMPTIONS:
        value = given.get(fold(key).replace(" ", "_"), given.get(argument))
        if value is None or value is ...:
            problems.append(f"'{key}' saknas: {description}.")
            continue
        if argument == "exit_age":
            try:  # the workbook's rule, so that an answer the notebook accepts passes here
                values[argument] = check_exit_age(value, f"'{key}'")
            except KompetensError:
                problems.append(f"'{key}' ska vara {description}, inte {value!r}.")
            continue
        items = dict(value) if isinstance(value, Mapping) else None
        numbers = list(items.values()) if items is not None else [value]
        ok = all(is_share(v, allow_zero=False) for v in numbers)
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


@check("ovning6", "antaganden", "Antaganden som går att försvara", ["antaganden", "motivering"])
def check_assumptions(ctx: Context, antaganden: object, motivering: object = ...) -> list[str]:
    """Every assumption given, in its valid range, and motivated in a sentence or more."""
    if isinstance(antaganden, Mapping) and all(is_missing(v) for v in antaganden.values()):
        missing(f"{FILL_IN}: ersätt ... i antaganden med dina värden.")
    _, problems = _assumptions(antaganden)
    if is_missing(motivering) or (isinstance(motivering, Mapping)
                                   and all(is_missing(v) for v in motivering.values())):
        return problems + [("Motivera antagandena i motivering: en ordbok med samma nycklar och "
                           "en mening var om varför värdet gäller i ditt län.")]
    if not isinstance(motivering, Mapping):
        return problems + [(f"motivering ska vara en ordbok (dict) med samma nycklar som "
                           f"antaganden, inte {type(motivering).__name__}.")]
    reasons = folded_keys(motivering)
    thin = []
    for key, argument, _ in ASSUMPTIONS:
        text = reasons.get(fold(key).replace(" ", "_"), reasons.get(argument))
        if not isinstance(text, str) or len(words(text)) < 6:
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


def _need_by_method(ctx: Context, exit_age: int) -> pd.DataFrame:
    """Recruitment need over ten years per method for the county's priority groups, as
    notebook 06 computes it with the simple retirement rule the exercise teaches
    (:func:`kompetens_lib.workbook.need_tables.need_table`, ``replacement="retirements"``)."""
    tables = []
    for method in METHODS:
        need = need_table(ctx.region, base_year=ctx.base_year,
                          target_year=ctx.base_year + HORIZON, method=method,
                          exit_age=exit_age, source=ctx.source, replacement="retirements")
        tables.append(need[need["education_group"].isin(ctx.groups)].assign(method=method))
    return pd.concat(tables, ignore_index=True)


@check("ovning6", "behov", "Rekryteringsbehovet för dina grupper", ["behov", "antaganden"])
def check_need(ctx: Context, behov: object, antaganden: object = ...) -> list[str]:
    """Ten-year recruitment need of the priority groups, within the range of the methods."""
    given = _need_frame(behov, "behov", ctx, "need")
    problems = _check_groups(given.index, ctx, "behov")
    if problems:
        return problems
    if given.isna().any():
        return ["Kolumnen need har tomma värden eller text. Alla värden ska vara antal personer."]
    exit_age = EXIT_AGE
    if isinstance(antaganden, Mapping):
        values, _ = _assumptions(antaganden)
        exit_age = values.get("exit_age", EXIT_AGE)
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
        if close(value, replacement, rel=0.005, abs_tol=1.0) and (expansions > 0).any():
            hints.append("Expansionen saknas: behovet är pensionsavgångar plus ökningen av "
                         "efterfrågan (om den ökar).")
        elif any(close(value, replacement + e, rel=0.005, abs_tol=1.0) for e in expansions
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


@check("ovning6", "platser", "Utbildningsplatser per år", ["platser", "behov", "antaganden"])
def check_places(ctx: Context, platser: object, behov: object = ...,
                 antaganden: object = ...) -> list[str]:
    """Places per year by group and form from the participant's own need and assumptions."""
    if not isinstance(platser, pd.DataFrame):
        raise KompetensError("platser ska vara en tabell (DataFrame) med kolumnerna "
                             f"education_group, form och places, inte {type(platser).__name__}.")
    if is_missing(behov) or is_missing(antaganden):
        missing(f"{FILL_IN}: platserna räknas från behov och antaganden, så fyll i dem "
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
    # What notebook 06 computes (the national mix of graduates over forms), and what
    # kl.dimensioning gives without ``graduates``.
    candidates = [_places(ctx, frame, options), dimensioning(frame, **options)]

    def matches(column: str, scale: float = 1.0) -> bool:
        for candidate in candidates:
            wanted = candidate.set_index(["education_group", "form"])[column] * scale
            if set(wanted.index) != set(given.index):
                continue
            if all(close(float(given[k]), float(v), rel=0.01, abs_tol=0.5)
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


def _places(ctx: Context, need: pd.DataFrame, options: Mapping[str, Any]) -> pd.DataFrame:
    """Places per year for the participant's need and assumptions, as notebook 06 computes
    them (:func:`kompetens_lib.workbook.results.places_table`)."""
    def per_form(value: Any) -> dict[str, float]:
        return dict(value) if isinstance(value, Mapping) else {f: float(value) for f in FORMS}

    chosen = Assumptions(graduate_share=float(options["graduate_share"]),
                         completion_rate=per_form(options["completion_rate"]),
                         stay_share=per_form(options["stay_share"]))
    frame = need.drop(columns="region")
    frame.attrs = {"region": ctx.region}
    return places_table(frame, chosen, source=ctx.source)
