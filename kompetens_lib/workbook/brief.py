"""What notebooks 00 and 06 show as tables and text: the data and their limits, the caveats,
and the numbers and key messages of a county's one-page brief (charts and HTML: present/).

Every number comes from the analysis core through :mod:`kompetens_lib.workbook.results` (the
same tables notebooks 02–05 show), so the brief and the notebooks never disagree. Numbers of
persons are rounded with :func:`kompetens_lib.workbook.results.round_persons`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kompetens_lib.data.tables import TABLE_LABELS, TABLES, load, provenance, source_note
from kompetens_lib.methods.breakdown import METHOD_LABELS, METHODS, resolve_method
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.reference.taxonomy import education_groups
from kompetens_lib.workbook import mandate as mandate_mod

__all__ = [
    "DATA_KEY_FIGURE_LABELS",
    "METHOD_LABELS",
    "SERIES_BREAKS",
    "SHORTAGE",
    "BriefContent",
    "Message",
    "brief_content",
    "caveats",
    "data_key_figures",
    "data_overview",
    "forecast_years",
    "key_figure_labels",
    "relevant_groups",
    "series_breaks",
    "source_note",
    "synthetic_data",
]

# METHOD_LABELS and source_note are re-exported: present/ shows them but reaches the
# methods and data layers only through the workbook.

#: Judgements that count as a shortage in the messages (SCB's words, tightest first).
SHORTAGE: tuple[str, ...] = ("stor brist", "brist")

#: Series breaks every reader must hear about (DOMAIN.md): what changed, when, and why it
#: matters for a comparison over time.
SERIES_BREAKS: tuple[tuple[str, str], ...] = (
    ("Sysselsättningen 2019/2020",
     ("SCB bytte från RAMS till BAS. BAS räknar ungefär 50 000 fler förvärvsarbetande i "
     "riket, så en ökning över de åren kan bero på räknesättet.")),
    ("Utbildningarna 2018/19",
     ("Utbildningsklassningen bytte från SUN 2000 till SUN 2020; några grupper fick nya "
     "gränser.")),
    ("Yrkena 2014",
     ("Yrkesklassningen bytte från SSYK 96 till SSYK 2012, så yrkesserier före och efter går "
     "inte att jämföra rakt av.")),
)


def _fmt(value: float) -> str:
    """Persons with a non-breaking thousands space: 12 300."""
    return f"{round(value):,}".replace(",", "\u00a0")


def _pct(share: float) -> str:
    return f"{share * 100:.0f}\u00a0%"


def relevant_groups() -> list[str]:
    """Groups an education can lead to: upper-secondary and post-secondary, known field.

    Compulsory school (förgymnasial), unknown level and unknown field are left out of the
    messages: no programme educates for them, and their demand falls in T&P.
    """
    g = education_groups()
    keep = g["level"].isin(["gymnasial", "eftergymnasial < 3 år", "eftergymnasial ≥ 3 år"]) & (
        g["field_code"] != "9")
    return g.loc[keep, "code"].astype(str).tolist()


# ----------------------------------------------------------------------------------------
# Data and its limits (also shown in notebook 00)
# ----------------------------------------------------------------------------------------


#: ", framtagna av kompetens_lib.data.example_data" in the example's provenance: a module
#: path means nothing to a participant.
_GENERATOR = re.compile(r",? framtagna av kompetens_lib[\w.]*")


def data_overview(source: Any = None) -> pd.DataFrame:
    """One row per data table: what it holds, its years and where it comes from.

    Index ``Namn i koden`` (the name to type in ``kl.load(...)``); columns ``Innehåll``,
    ``År``, ``Källa``, ``Syntetisk`` (Swedish headers: the frame is shown to participants as
    it is). The source is the provenance's, without the generator's module path.
    """
    rows = []
    for name in TABLES:
        frame = load(name, source)
        years = sorted(frame["year"].unique().tolist())
        record = provenance(name, source)
        rows.append({
            "Namn i koden": name,
            "Innehåll": TABLE_LABELS[name],
            "År": f"{years[0]}–{years[-1]}",
            "Källa": _GENERATOR.sub("", str(record.get("source", "okänd"))),
            "Syntetisk": "ja" if record.get("synthetic") else "nej",
        })
    return pd.DataFrame(rows).set_index("Namn i koden")


def series_breaks() -> pd.DataFrame:
    """The series breaks as a table with Swedish headers (``Seriebrott``, ``Vad det betyder``)."""
    return pd.DataFrame(list(SERIES_BREAKS), columns=["Seriebrott", "Vad det betyder"]) \
        .set_index("Seriebrott")


def forecast_years(source: Any = None) -> list[int]:
    """The years of the national forecast, sorted (e.g. for a target-year slider).

    >>> forecast_years()[0], forecast_years()[-1]
    (2023, 2035)
    """
    return sorted(int(y) for y in load("national_forecast", source)["year"].unique().tolist())


def synthetic_data(source: Any = None) -> bool:
    """True when any table of the source is synthetic (the bundled example data)."""
    return any(bool(provenance(name, source).get("synthetic")) for name in TABLES)


def data_key_figures(region: object, base_year: int | None = None,
                     target_year: int | None = None, source: Any = None) -> dict:
    """Key figures of notebook 00 (section "kom_igang"): what the data cover and how far the
    breakdown methods (the four share methods and the industry-based one) lie apart for the
    county's demand in the target year.

    >>> f = data_key_figures("12")
    >>> f["history_years"], f["forecast_years"]
    ('2010–2023', '2023–2035')
    """
    from kompetens_lib.workbook.breakdown_tables import method_totals, method_values
    from kompetens_lib.workbook.forecast import (
        forecast_base_year,
        resolve_target_year,
        round_persons,
    )

    code = resolve_region(region)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    history = sorted(load("employed", source)["year"].unique().tolist())
    forecast = sorted(load("national_forecast", source)["year"].unique().tolist())
    totals = method_totals(method_values(code, "demand", base_year=base, source=source))
    at_target = totals[totals["year"] == target]["value"]
    low, high = float(at_target.min()), float(at_target.max())
    return {
        "region": code,
        "region_name": region_name(code),
        "history_years": f"{history[0]}–{history[-1]}",
        "forecast_years": f"{forecast[0]}–{forecast[-1]}",
        "education_groups": len(education_groups()),
        "synthetic": synthetic_data(source),
        "demand_target_range": [round_persons(low), round_persons(high)],
        "share_method_spread": round((high - low) / float(at_target.median()), 4)
        if float(at_target.median()) else 0.0,
        "target_year": target,
    }


DATA_KEY_FIGURE_LABELS: dict[str, str] = {
    "history_years": "År med utfall (förvärvsarbetande)",
    "forecast_years": "År i riksprognosen",
    "education_groups": "Antal utbildningsgrupper",
    "synthetic": "Syntetiska exempeldata",
    "demand_target_range": "Efterfrågan i länet målåret, lägst–högst över metoderna",
    "share_method_spread": "Spannet mellan metoderna, andel av medianen",
}


def caveats(source: Any = None, *, method_range: tuple[float, float] | None = None,
            method: str | None = None, target_year: int | None = None) -> list[str]:
    """The caveats every reader of a result must get, in plain Swedish.

    Always: what the numbers are (synthetic example data, or an own breakdown that is not
    official statistics), that a forecast is a conditional picture, the series breaks and
    the rounding. With ``method_range`` (lowest, highest total) the range between the
    breakdown methods is stated with its numbers.
    """
    items = []
    if synthetic_data(source):
        items.append(
            "Siffrorna bygger på arbetsbokens exempeldata: syntetiska tal som liknar SCB:s men "
            "inte är officiell statistik. De duger för att lära sig metoden, inte som underlag "
            "för beslut."
        )
    else:
        items.append(
            "Siffrorna är en egen regional nedbrytning av SCB:s prognos Trender och prognoser, "
            "inte officiell statistik. Ange alltid metod och källa när du använder dem."
        )
    items.append(
        "Det är en prognos: den visar vad som händer om dagens mönster håller i sig, inte vad "
        "som kommer att hända. SCB:s riksprognos är själv osäker, och nedbrytningen till länet "
        "lägger till mer osäkerhet."
    )
    if method_range is not None:
        low, high = method_range
        label = METHOD_LABELS.get(method or "", method or "den valda metoden")
        when = f" fram till {target_year}" if target_year else ""
        items.append(
            f"Riksprognosen kan fördelas på länen på flera sätt. Med arbetsbokens fyra metoder "
            f"blir länets rekryteringsbehov{when} mellan {_fmt(low)} och {_fmt(high)} personer; "
            f"siffrorna här bygger på metoden {label.lower()}."
        )
    items.append(
        "Statistiken har seriebrott: SCB räknar sysselsättningen på ett nytt sätt sedan "
        "2019/2020 (RAMS blev BAS, som ger ungefär 50 000 fler förvärvsarbetande i riket), och "
        "utbildningarna klassas enligt SUN 2020 sedan läsåret 2018/19. En förändring över de "
        "åren kan alltså bero på räknesättet."
    )
    items.append(
        "Antalet personer är avrundat till hundratal (tiotal under 1 000), eftersom "
        "beräkningen inte är exaktare än så. Avgångarna sprids över perioden efter ålder: "
        "pension, dödsfall och andra permanenta avgångar räknas var för sig."
    )
    return items


# ----------------------------------------------------------------------------------------
# The brief's numbers and messages
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One key message: a short title, a sentence or two, and the number it cites."""

    key: str
    title: str
    text: str
    figure: int | float


@dataclass(frozen=True)
class BriefContent:
    """Everything in a county's brief except its charts and HTML (see
    :func:`kompetens_lib.present.brief.build_brief`): the messages, the caveats, the key
    figures and the two tables the charts are drawn from."""

    region: str
    base_year: int
    target_year: int
    method: str
    source_note: str
    mandate: mandate_mod.Mandate
    messages: tuple[Message, ...]
    caveats: tuple[str, ...]
    #: Recruitment need of the chosen method, groups an education leads to only.
    need: pd.DataFrame
    #: Balance in the target year of the chosen method, the same groups.
    balance: pd.DataFrame
    figures: dict = field(default_factory=dict)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]


def _need_by_method(code: str, base: int, target: int, source: Any,
                    groups: Sequence[str] | None) -> dict[str, pd.DataFrame]:
    from kompetens_lib.workbook.need_tables import need_table

    out = {}
    for m in METHODS:
        table = need_table(code, base_year=base, target_year=target, method=m, source=source)
        out[m] = table if groups is None else table[table["education_group"].isin(groups)]
    return out


def brief_content(region: object, base_year: int | None = None, target_year: int | None = None,
                  method: str = "fixed_share", source: Any = None) -> BriefContent:
    """The county's brief as numbers and text: three key messages, caveats, key figures.

    The messages, each citing a number from the analysis core (groups that education leads
    to only, see :func:`relevant_groups`):

    1. the group with the largest recruitment need from the base year to the target year,
       with the range of that need over the four breakdown methods;
    2. the retirement wave: how many of today's employed reach the exit age by the target
       year, and the retirements' share of the whole recruitment need;
    3. the shortages: how many groups are judged *brist* or *stor brist* in the target
       year, and the largest gap (demand − supply) among them.

    ``figures`` holds the same numbers as plain JSON values (section "kommunicera").

    >>> c = brief_content("23")
    >>> len(c.messages), c.mandate.example
    (3, True)
    """
    from kompetens_lib.workbook.balance_tables import balance_table
    from kompetens_lib.workbook.forecast import (
        forecast_base_year,
        resolve_target_year,
        round_persons,
    )
    from kompetens_lib.workbook.key_figures import county_key_figures
    from kompetens_lib.workbook.supply_tables import exits_summary

    code = resolve_region(region)
    chosen = resolve_method(method)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    note = source_note("employed", source)
    groups = relevant_groups()
    name = region_name(code)
    the_mandate = mandate_mod.load(code)

    full = _need_by_method(code, base, target, source, None)
    needs = {m: t[t["education_group"].isin(groups)] for m, t in full.items()}
    need = needs[chosen]
    totals = {m: float(t["need"].sum()) for m, t in full.items()}
    top = need.sort_values("need", ascending=False).iloc[0]
    top_range = [float(t.set_index("education_group").loc[top["education_group"], "need"])
                 for t in needs.values()]

    # The key figures have one definition (workbook.key_figures), shared with notebooks
    # 04–05, the report and the overview: all groups of the county's need table.
    key = county_key_figures(code, base_year=base, target_year=target, method=chosen,
                             source=source)
    retire = exits_summary(code, base_year=base, horizons=[target - base], source=source)
    retire_row = retire.iloc[-1].copy()
    retire_row["share_employed"] = float(retire_row["retirements"] / retire_row["employed"])
    share_retiring = float(retire_row["share_employed"])
    share_of_need = float(key["share_need_retirements"])

    bal_all = balance_table(code, base_year=base, target_year=target, method=chosen,
                            source=source)
    bal = bal_all[bal_all["education_group"].isin(groups)]

    m1 = Message(
        "largest_need",
        f"Störst rekryteringsbehov: {top['short_name']}",
        f"Fram till {target} behöver {name} rekrytera omkring "
        f"{_fmt(round_persons(top['need']))} personer med utbildningen {top['short_name']} – "
        f"fler än i någon annan utbildningsgrupp. "
        f"{_fmt(round_persons(top['replacement']))} av dem ersätter personer som går i "
        f"pension. Beroende på beräkningsmetod blir behovet mellan "
        f"{_fmt(round_persons(min(top_range)))} och {_fmt(round_persons(max(top_range)))}.",
        round_persons(top["need"]),
    )
    m2 = _retirement_message(retire_row, share_of_need, float(key["need_total"]), target,
                             round_persons)
    m3, gap = _shortage_message(bal_all, target, round_persons)
    low, high = min(totals.values()), max(totals.values())
    figures = {
        "region": code,
        "region_name": name,
        "base_year": base,
        "target_year": target,
        "method": chosen,
        "need_total": key["need_total"],
        "need_range": [round_persons(low), round_persons(high)],
        "largest_need_group": str(top["short_name"]),
        "largest_need": round_persons(top["need"]),
        "retirements": round_persons(retire_row["retirements"]),
        "share_employed_retiring": round(share_retiring, 4),
        "share_need_replacement": key["share_need_replacement"],
        "share_need_retirements": key["share_need_retirements"],
        "shortage_groups": key["shortage_groups"],
        "places_to_plan": key["places_to_plan"],
        "intake_today": key["intake_today"],
        "largest_gap": gap,
        "mandate_filled": not the_mandate.example,
    }
    return BriefContent(
        region=code, base_year=base, target_year=target, method=chosen, source_note=note,
        mandate=the_mandate, messages=(m1, m2, m3),
        caveats=tuple(caveats(source, method_range=(round_persons(low), round_persons(high)),
                              method=chosen, target_year=target)),
        need=need, balance=bal, figures=figures,
    )


def _retirement_message(row: pd.Series, share_of_need: float, need_total: float,
                        target: int, rounded) -> Message:
    """Message 2: the retirement wave and its share of the recruitment need."""
    title = (f"Pensionsvågen: {_pct(float(row['share_employed']))} av de förvärvsarbetande "
             f"går i pension före {target}")
    text = (f"Omkring {_fmt(rounded(row['retirements']))} av länets "
            f"{_fmt(rounded(row['employed']))} förvärvsarbetande når pensionsåldern före "
            f"{target}. ")
    need = f"hela rekryteringsbehovet ({_fmt(rounded(need_total))} personer)"
    if share_of_need >= 0.5:
        text += (f"Pensionsavgångarna står för {_pct(share_of_need)} av {need}: att ersätta dem "
                 "som slutar väger tyngre än att efterfrågan växer.")
    else:
        text += (f"De står för {_pct(share_of_need)} av {need}; resten beror på att "
                 "efterfrågan växer.")
    return Message("retirements", title, text, rounded(row["retirements"]))


def _shortage_message(bal: pd.DataFrame, target: int, rounded) -> tuple[Message, int]:
    """Message 3: groups judged *brist* or *stor brist*, and the largest gap among them."""
    short = bal[bal["judgement"].isin(SHORTAGE)].copy()
    if short.empty:
        tight = bal.dropna(subset=["ratio"]).nsmallest(1, "ratio").iloc[0]
        return Message(
            "shortages", f"Ingen utbildningsgrupp med brist {target}",
            f"Beräkningen pekar inte på brist i någon av länets {len(bal)} "
            f"utbildningsgrupper {target}. Närmast är {tight['short_name']} med "
            f"{tight['ratio']:.0f} tillgängliga per 100 efterfrågade.",
            0,
        ), 0
    short["gap"] = short["demand"] - short["supply"]
    short = short.sort_values("gap", ascending=False)
    worst = short.iloc[0]
    text = (f"Beräkningen pekar på brist eller stor brist {target} i {len(short)} av "
            f"{len(bal)} utbildningsgrupper, bland dem "
            f"{_join(short['short_name'].head(3).tolist())}.")
    if worst["gap"] > 0:
        text += (f" Störst är gapet för {worst['short_name']}: omkring "
                 f"{_fmt(rounded(worst['gap']))} fler efterfrågade än tillgängliga.")
    title = f"Brist i {len(short)} utbildningsgrupper {target}"
    return Message("shortages", title, text, len(short)), rounded(max(float(worst["gap"]), 0.0))


def _join(items: Sequence[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def key_figure_labels(figures: dict) -> dict[str, str]:
    """Swedish labels for the brief's ``figures``, for
    :func:`kompetens_lib.present.keyfigures.show`."""
    period = f"{figures.get('base_year', '')}–{figures.get('target_year', '')}"
    return {
        "need_total": f"Rekryteringsbehov {period}, alla utbildningsgrupper",
        "need_range": "Rekryteringsbehov, lägst–högst över metoderna",
        "largest_need_group": "Störst behov",
        "largest_need": "Behov i den gruppen",
        "retirements": f"Pensionsavgångar {period}, alla förvärvsarbetande",
        "share_employed_retiring": "Andel av de förvärvsarbetande som går i pension",
        "share_need_replacement": "Ersättningsbehovets andel av rekryteringsbehovet "
                                  "(pension, dödsfall, andra avgångar, utflyttning)",
        "share_need_retirements": "Pensionsavgångarnas andel av rekryteringsbehovet",
        "places_to_plan": "Nybörjarplatser per år att planera för (yrkesprogram, yrkesvux, "
                          "YH)",
        "intake_today": "Antagna i dag i samma utbildningar",
        "shortage_groups": "Utbildningsgrupper med brist eller stor brist "
                           f"{figures.get('target_year', '')}",
        "largest_gap": "Största gapet (efterfrågan − tillgång), personer",
        "mandate_filled": "Eget uppdrag ifyllt",
    }
