"""Exercise 3, the breakdown by hand (ovning3_nedbrytningen): the fixed-share breakdown of
the first priority group, the range between the four methods and why they differ.

Expected values are those notebook 02 shows: :func:`kompetens_lib.workbook.results.method_values`
and :func:`~kompetens_lib.workbook.results.method_range`, on the national forecast with every
year (T&P often publishes only the base and target years)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from kompetens_lib._internal.text import format_years
from kompetens_lib.data.tables import available_years, load
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.answers import (
    answer_text,
    as_number,
    close,
    mentions,
    region_words,
    words,
)
from kompetens_lib.exercises.framework import (
    ROUNDING,
    ROUNDING_TEXT,
    Context,
    Note,
    check,
    rounded_match,
)
from kompetens_lib.methods.breakdown import breakdown, compare_methods
from kompetens_lib.workbook.breakdown_tables import method_range, method_values
from kompetens_lib.workbook.forecast import national_forecast
from kompetens_lib.workbook.profile import location_quotients


def _fixed_share(ctx: Context, column: str) -> pd.Series:
    """Year → the first priority group's fixed-share breakdown, as notebook 02 has it."""
    values = method_values(ctx.region, column, base_year=ctx.base_year, source=ctx.source)
    part = values[(values["method"] == "fixed_share") & (values["education_group"] == ctx.group)]
    return part.set_index("year")["value"].astype(float)


def _national(ctx: Context) -> pd.DataFrame:
    """The national forecast of the first priority group, every year, indexed by year."""
    forecast = national_forecast(ctx.source)
    return forecast[forecast["education_group"] == ctx.group].set_index("year")


def _forecast_years(ctx: Context) -> list[int]:
    """The years of the forecast table itself (``kl.load``) from the base to the target
    year: an answer built from it has these, one from the workbook has every year."""
    years = available_years("national_forecast", ctx.source)
    return [int(y) for y in years if ctx.base_year <= y <= ctx.target_year]


@functools.lru_cache(maxsize=16)
def _fixed_share_from(source: str | None, base_year: int, share_year: int) -> pd.DataFrame:
    # A wrong answer to recognise: the share taken from another year than the base year
    # (before the forecast starts, so not a base year the workbook accepts).
    forecast = national_forecast(source)
    return breakdown(forecast[forecast["year"] >= base_year], load("employed", source),
                     "fixed_share", share_year, column="demand")


def _other_year_values(ctx: Context, share_year: int) -> pd.Series:
    frame = _fixed_share_from(ctx.source, ctx.base_year, share_year)
    part = frame[(frame["region"] == ctx.region) & (frame["education_group"] == ctx.group)]
    return part.set_index("year")["value"].astype(float)


def _exact(given: float, expected: float) -> bool:
    """Equal but for the decimals a participant's own arithmetic may carry."""
    return close(given, expected, rel=0.0005, abs_tol=1.0)


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
    if index and max(index) < 1900:
        shown = ", ".join(str(i) for i in index[:3])
        raise KompetensError(f"{name} har radnummer ({shown} …) som index, inte årtal. Gör en "
                             "tabell med kolumnerna year och value, eller sätt åren som index "
                             "(t.ex. med .set_index(\"year\")).")
    numbers = pd.to_numeric(pd.Series(list(value), index=index), errors="coerce")
    if numbers.isna().any():
        raise KompetensError(f"{name} har värden som inte är tal. Alla värden ska vara antal "
                             "personer.")
    return numbers.astype(float)


@check("ovning3", "egen_nedbrytning", "Din nedbrytning med fast andel", ["min_nedbrytning"])
def check_own_breakdown(ctx: Context, min_nedbrytning: object) -> list[str]:
    """Fixed-share breakdown of the demand forecast for the first priority group."""
    given = _year_values(min_nedbrytning, "min_nedbrytning", ctx)
    expected = _fixed_share(ctx, "demand")
    lacking = [y for y in _forecast_years(ctx) if y not in given.index]
    if lacking:
        return [(f"År saknas: {format_years(lacking)}. Ta med alla prognosår från basåret "
                f"{ctx.base_year} till {ctx.target_year}.")]
    years = [y for y in expected.index if y in given.index]
    expected = expected.reindex(years)
    given = given.reindex(years)
    pairs = list(zip(given, expected))
    if all(_exact(g, e) for g, e in pairs):
        return []
    # A rounded answer is told so, even where 0,5 % would have let it through unremarked.
    if all(_exact(g, e) or rounded_match(g, e) for g, e in pairs) or (
            any(rounded_match(g, e) for g, e in pairs)
            and all(close(g, e, rel=0.005) or rounded_match(g, e) for g, e in pairs)):
        return [Note("Godkänt: värdena stämmer, " + ROUNDING_TEXT.replace("avrundat", "avrundade")
                     + ".")]
    if all(close(g, e, rel=0.005) for g, e in pairs):
        return []
    national = _national(ctx)
    national_demand = national["demand"].astype(float).reindex(years)
    national_supply = national["supply"].astype(float).reindex(years)
    share = expected / national_demand
    ratio = given / expected

    def same(series: pd.Series) -> bool:
        return all(close(g, s, rel=0.005) for g, s in zip(given, series))

    if same(national_demand):
        return [("Det ser ut som rikets prognos. Multiplicera den med länets andel av gruppen "
                f"basåret {ctx.base_year}.")]
    if same(national_supply * share) or same(_fixed_share(ctx, "supply").reindex(years)):
        return [("Du har brutit ned tillgången (supply). Uppgiften gäller efterfrågan: använd "
                "kolumnen demand i prognosen.")]
    lq = location_quotients(ctx.region, ctx.base_year, ctx.source).set_index("education_group")
    of_county = float(lq["region_share"].get(ctx.group, 0.0))
    if of_county > 0 and same(national_demand * of_county):
        return [("Andelen ska vara länets del av gruppen i riket (länets antal i gruppen ÷ rikets "
                "antal i gruppen), inte gruppens del av länets förvärvsarbetande.")]
    if ratio.notna().all() and float(ratio.std()) < 1e-6 * max(float(ratio.mean()), 1e-9):
        factor = float(ratio.mean())
        if close(factor, 0.5, rel=0.01, abs_tol=0):
            return [("Andelen blir hälften för liten: du har räknat med rikets rader "
                    "(region \"00\") i nämnaren. Summera bara länen, eller dela med raden för "
                    "riket.")]
        closest, error = None, 0.005
        for year in available_years("employed", ctx.source):
            if int(year) == ctx.base_year:
                continue
            other = _other_year_values(ctx, int(year)).reindex(years)
            off = float((abs(given - other) / other.abs().clip(lower=1.0)).max())
            if off <= error:
                closest, error = int(year), off
        if closest is not None:
            return [f"Andelen kommer från år {closest}. Använd basåret {ctx.base_year}."]
        return [("Alla år avviker med samma faktor, så andelen är fel men multiplikationen rätt. "
                f"Andelen = länets förvärvsarbetande i gruppen år {ctx.base_year} ÷ rikets "
                "förvärvsarbetande i gruppen samma år (summera över åldersgrupperna).")]
    off = [int(y) for y, g, e in zip(years, given, expected) if not close(g, e, rel=0.005)]
    near = all(close(g, e, rel=0.05) for g, e in zip(given, expected))
    tail = (" – men de är nära. Kontrollera avrundningen och att du använder samma andel alla "
            "år." if near else ". Multiplicera samma andel med rikets prognos år för år.")
    return [(f"Värdena avviker för år {format_years(off)} mer än kontrollen tillåter (0,5 %, "
             "eller avrundning som arbetsboken avrundar: hundratal från 1 000, annars tiotal)"
             + tail)]


def _ranges(ctx: Context, column: str) -> pd.DataFrame:
    """Per year and method the first priority group's value and the range over the methods
    (:func:`~kompetens_lib.workbook.results.method_range`, as notebook 02 shows it)."""
    values = method_values(ctx.region, column, base_year=ctx.base_year, source=ctx.source)
    values = values[values["education_group"] == ctx.group]
    return pd.concat([method_range(values, int(year), n=1).assign(year=int(year))
                      for year in sorted(values["year"].unique())], ignore_index=True)


@functools.lru_cache(maxsize=64)
def _cell_spread_cached(region: str, group: str, base_year: int, target_year: int,
                        source: object) -> float:
    history = load("employed", source)
    national = national_forecast(source)
    values = compare_methods(national, history, region=region, base_year=base_year,
                             column="demand", detail=True)
    values = values[(values["education_group"] == group) & (values["year"] == target_year)]
    return float(values["value"].max() - values["value"].min())


def _cell_spread(ctx: Context) -> float:
    """The range as the exercise's cell computes it: ``kl.compare_methods`` with its default
    options (RAS keeps the counties' base-year shares of the total)."""
    return _cell_spread_cached(ctx.region, ctx.group, ctx.base_year, ctx.target_year,
                               ctx.source)


def _spread(ranges: pd.DataFrame, year: int) -> float:
    return float(ranges.loc[ranges["year"] == year, "spread"].iloc[0])


@check("ovning3", "metodspann", "Spannet mellan metoderna", ["metodspann"])
def check_method_range(ctx: Context, metodspann: object) -> list[str]:
    """Highest minus lowest over the methods, demand, target year, first priority group: the
    range notebook 02 shows (the four share methods and the industry-based one), or the four
    methods of the exercise's own ``kl.compare_methods`` cell."""
    given = as_number(metodspann, "metodspann")
    demand = _ranges(ctx, "demand")
    target = demand[demand["year"] == ctx.target_year]
    expected = _spread(demand, ctx.target_year)
    if _exact(given, expected):
        return []
    if rounded_match(given, expected):
        return [Note(f"Godkänt: spannet stämmer, {ROUNDING_TEXT}.")]
    if close(given, expected, rel=0.01, abs_tol=1.0):
        return []
    own = _cell_spread(ctx)
    if close(given, own, rel=0.01, abs_tol=1.0) or rounded_match(given, own):
        return [Note("Godkänt: spannet stämmer med kl.compare_methods och de fyra metoderna. "
                     "Anteckningsboken 02 ger RAS länens totaler från befolkningsprognosen och "
                     "tar med den näringsgrensbaserade metoden i efterfrågans spann, så dess "
                     "spann kan skilja sig något.")]
    if given < 0:
        return ["Spannet är högsta minus lägsta värdet och kan inte vara negativt."]
    if any(close(given, float(v), rel=0.005, abs_tol=1.0) for v in target["value"]):
        return [("Du har angett en av metodernas prognoser. Spannet är skillnaden mellan den "
                "högsta och den lägsta.")]
    if close(given, _spread(_ranges(ctx, "supply"), ctx.target_year), rel=0.01, abs_tol=1.0):
        return ["Det är spannet för tillgången (supply). Uppgiften gäller efterfrågan (demand)."]
    median = float(target["median"].iloc[0])
    if median > 0 and close(given, expected / median, rel=0.01, abs_tol=0.001):
        return ["Ange spannet i antal personer, inte som andel av medianen."]
    for year in range(ctx.base_year + 1, ctx.target_year):
        if close(given, _spread(demand, year), rel=0.01, abs_tol=1.0):
            return [f"Spannet gäller ett annat år. Använd målåret {ctx.target_year}."]
    if (abs(expected) < 10 * ROUNDING and abs(given - expected) <= ROUNDING / 2
            and given % ROUNDING == 0):
        return [("Nära, men för grovt avrundat: under 1 000 avrundar arbetsboken till tiotal, "
                 "inte till hundratal (937 blir 940). Skriv spannet avrundat till tiotal, "
                 "eller utan avrundning.")]
    if close(given, expected, rel=0.2, abs_tol=0):
        return [("Nära, men utanför det kontrollen godtar (1 %, eller avrundning som "
                 "arbetsboken avrundar: hundratal från 1 000, annars tiotal). Räkna max − min "
                 f"för efterfrågan år {ctx.target_year} igen, utan att avrunda metodernas "
                 "värden först.")]
    return [(f"Värdet stämmer inte. Jämför de fyra metoderna för din grupp och ditt län år "
            f"{ctx.target_year} (efterfrågan), t.ex. med kl.compare_methods(…, region="
            f"\"{ctx.region}\", column=\"demand\"), och räkna max − min.")]


_METHOD_WORDS = {
    "fast andel": ("fast andel", "fasta andel", "fixed share", "fixed_share"),
    "trendandel": ("trend",),
    "shift-share": ("shift share", "shift-share", "shift_share", "skiftandel"),
    "betingad (RAS)": ("ras", "betingad", "constrained", "proportionell anpassning"),
}


@check("ovning3", "metodforklaring", "Varför metoderna skiljer sig", ["metodforklaring"])
def check_method_explanation(ctx: Context, metodforklaring: object) -> list[str]:
    """A short explanation that names two methods and is about the participant's county."""
    text = answer_text(metodforklaring, "metodforklaring")
    problems = []
    if len(words(text)) < 25:
        problems.append("Skriv lite mer, minst 25 ord: vad skiljer metoderna åt, och vad i "
                        "länets historik gör att de hamnar olika?")
    named = [m for m, names in _METHOD_WORDS.items() if mentions(text, names, word_start=True)]
    if len(named) < 2:
        problems.append("Nämn minst två av metoderna vid namn (fast andel, trendandel, "
                        "shift-share, betingad/RAS) och jämför dem.")
    if not mentions(text, [*region_words(ctx.region), "länet", "länets", "regionen",
                            "regionens"]):
        problems.append(f"Skriv om ditt län ({ctx.region_name}): förklaringen ska gälla just "
                        "er utveckling.")
    return problems
