"""Education groups (SCB's groups of the regional matching indicators) and age bands."""

from __future__ import annotations

import functools
from importlib import resources

import pandas as pd

from kompetens_lib.errors import KompetensError

LEVELS: tuple[str, ...] = (
    "förgymnasial",
    "gymnasial",
    "eftergymnasial < 3 år",
    "eftergymnasial ≥ 3 år",
    "okänd",
)

# The working-age bands used throughout; codes are ASCII, labels use an en dash.
AGE_BANDS: tuple[str, ...] = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74")
# Population also covers children and the old, so that totals can be calibrated.
POPULATION_AGE_BANDS: tuple[str, ...] = ("0-15", *AGE_BANDS, "75+")

FORMS: tuple[str, ...] = ("gymnasium", "komvux", "yh", "högskola")
FORM_LABELS: dict[str, str] = {
    "gymnasium": "Gymnasieskola",
    "komvux": "Komvux",
    "yh": "Yrkeshögskola",
    "högskola": "Universitet och högskola",
}


def age_band_label(code: str) -> str:
    """'16-24' → '16–24 år', '75+' → '75+ år'."""
    return code.replace("-", "–") + " år"


def age_bands(include_population_only: bool = False) -> pd.DataFrame:
    """Age bands as a table: ``code``, ``label``, ``lower``, ``upper`` (inclusive; 75+ → 99)."""
    codes = POPULATION_AGE_BANDS if include_population_only else AGE_BANDS
    rows = []
    for code in codes:
        lo, _, hi = code.partition("-")
        lower = int(lo.rstrip("+"))
        upper = int(hi) if hi else 99
        rows.append((code, age_band_label(code), lower, upper))
    frame = pd.DataFrame(rows, columns=["code", "label", "lower", "upper"])
    return frame.astype({"code": "string", "label": "string"})


@functools.cache
def _groups() -> pd.DataFrame:
    with resources.files(__package__).joinpath("education_groups.csv").open(
        encoding="utf-8"
    ) as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    frame["kind"] = "grupp"
    return frame.astype("string")


def education_groups(aggregates: bool = False) -> pd.DataFrame:
    """Return the education-group taxonomy.

    Columns: ``code`` (stable three-digit string; first digit = SUN broad field),
    ``label`` (SCB's label), ``short_name`` (short Swedish name for charts), ``level``
    (one of :data:`LEVELS`), ``field_code`` and ``field`` (SUN broad field), ``kind``
    ("grupp"). With ``aggregates`` the aggregates follow: one row per level
    (``kind`` "nivå", code "N1".."N5"), per field ("inriktning", "I0".."I9") and the
    total ("totalt", "T").

    >>> g = education_groups().set_index("code")
    >>> g.loc["103", "short_name"], g.loc["103", "level"]
    ('Förskollärare', 'eftergymnasial ≥ 3 år')
    """
    groups = _groups().copy()
    if not aggregates:
        return groups
    rows = [
        (f"N{i}", level, level.capitalize(), level, "", "", "nivå")
        for i, level in enumerate(LEVELS, 1)
    ]
    fields = groups[["field_code", "field"]].drop_duplicates()
    rows += [
        (f"I{f}", name, name.capitalize(), "", f, name, "inriktning")
        for f, name in zip(fields["field_code"], fields["field"])
    ]
    rows.append(("T", "samtliga utbildningsgrupper", "Samtliga", "", "", "", "totalt"))
    extra = pd.DataFrame(rows, columns=groups.columns).astype("string")
    return pd.concat([groups, extra], ignore_index=True)


def group_members(aggregate_code: str) -> list[str]:
    """Detailed group codes that make up an aggregate code (``N2``, ``I7``, ``T``)."""
    groups = _groups()
    if aggregate_code == "T":
        return groups["code"].tolist()
    if aggregate_code.startswith("N") and aggregate_code[1:].isdigit():
        idx = int(aggregate_code[1:]) - 1
        if 0 <= idx < len(LEVELS):
            return groups.loc[groups["level"] == LEVELS[idx], "code"].tolist()
    if aggregate_code.startswith("I"):
        members = groups.loc[groups["field_code"] == aggregate_code[1:], "code"].tolist()
        if members:
            return members
    raise KompetensError(
        f"Okänt aggregat: {aggregate_code!r}. Giltiga är T (samtliga), N1–N{len(LEVELS)} "
        "(utbildningsnivåer) och I0–I9 (utbildningsinriktningar)."
    )


def resolve_group(value: object) -> str:
    """Return the group code for a code, a short name or an SCB label (any case)."""
    groups = _groups()
    text = str(value).strip()
    if text in set(groups["code"]):
        return text
    folded = text.casefold()
    for column in ("short_name", "label"):
        hits = groups.loc[groups[column].str.casefold() == folded, "code"]
        if len(hits):
            return str(hits.iloc[0])
    import difflib

    names = groups["short_name"].tolist()
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    hint = ""
    if close:
        code = groups.loc[groups["short_name"] == close[0], "code"].iloc[0]
        hint = f" Menade du '{close[0]}' ({code})?"
    raise KompetensError(
        f"Okänd utbildningsgrupp: {value!r}.{hint} Ange en kod som '103' eller ett kortnamn "
        "som 'Förskollärare'; hela listan ger kompetens_lib.education_groups()."
    )


# SCB's verbal balance judgements from tight to loose (T&P 2020 table). The seven steps are
# the scale that computed judgements use; the other words occur in SCB's tables.
JUDGEMENTS: tuple[str, ...] = (
    "stor brist",
    "brist",
    "viss brist",
    "balans",
    "visst överskott",
    "överskott",
    "stort överskott",
)
OTHER_JUDGEMENTS: tuple[str, ...] = ("god tillgång", "risk för överskott", "varierat")
#: No judgement (no base judgement, or SCB's "varierat"): lower-case like the other ratings.
NOT_APPLICABLE = "inte aktuellt"
