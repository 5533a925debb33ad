"""A one-page brief for strategists and communicators: the mandate at the top, three key
messages that each cite a number, the two charts that carry them, and the caveats in plain
Swedish. Built as data (:class:`Brief`) and as an HTML fragment (:meth:`Brief.to_html`).

Every number comes from the analysis core through :mod:`kompetens_lib.workbook.results` (the same
tables notebooks 02–05 show), so the brief and the notebooks never disagree. Numbers of
persons are rounded with :func:`kompetens_lib.workbook.results.round_persons`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from kompetens_lib.workbook import mandate as mandate_mod
from kompetens_lib.methods.breakdown import METHOD_LABELS, METHODS, resolve_method
from kompetens_lib.present.charts import COUNT_FORMAT, chart_title
from kompetens_lib.data.tables import TABLE_LABELS, TABLES, load, provenance, source_note
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import region_name, resolve_region
from kompetens_lib.present.render import MUTED_COLOR, PRIMARY, TEXT_COLOR
from kompetens_lib.reference.taxonomy import education_groups

__all__ = [
    "SERIES_BREAKS",
    "Brief",
    "Message",
    "build_brief",
    "caveats",
    "data_key_figures",
    "data_overview",
    "key_figure_labels",
    "need_chart",
    "relevant_groups",
    "series_breaks",
    "shortage_chart",
    "show",
    "show_data_overview",
    "show_series_breaks",
    "table_html",
]

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


def data_overview(source: Any = None) -> pd.DataFrame:
    """One row per data table: what it holds, its years and where it comes from.

    Index ``Tabell``; columns ``Innehåll``, ``År``, ``Källa``, ``Syntetisk`` (Swedish headers:
    the frame is shown to participants as it is).
    """
    rows = []
    for name in TABLES:
        frame = load(name, source)
        years = sorted(frame["year"].unique().tolist())
        record = provenance(name, source)
        rows.append({
            "Tabell": name,
            "Innehåll": TABLE_LABELS[name],
            "År": f"{years[0]}–{years[-1]}",
            "Källa": str(record.get("source", "okänd")),
            "Syntetisk": "ja" if record.get("synthetic") else "nej",
        })
    return pd.DataFrame(rows).set_index("Tabell")


def series_breaks() -> pd.DataFrame:
    """The series breaks as a table with Swedish headers (``Seriebrott``, ``Vad det betyder``)."""
    return pd.DataFrame(list(SERIES_BREAKS), columns=["Seriebrott", "Vad det betyder"]) \
        .set_index("Seriebrott")


def data_key_figures(region: object, base_year: int | None = None,
                     target_year: int | None = None, source: Any = None) -> dict:
    """Key figures of notebook 00 (section "kom_igang"): what the data cover and how far the
    four breakdown methods lie apart for the county's demand in the target year.

    >>> f = data_key_figures("12")
    >>> f["history_years"], f["forecast_years"]
    ('2010–2023', '2023–2035')
    """
    from kompetens_lib.workbook.results import resolve_target_year, forecast_base_year, method_totals, method_values, round_persons

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
        "synthetic": _synthetic(source),
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
    "demand_target_range": "Efterfrågan i länet målåret, lägst–högst över de fyra metoderna",
    "share_method_spread": "Spannet mellan metoderna, andel av medianen",
}


def table_html(frame: pd.DataFrame, *, caption: str = "") -> str:
    """A small left-aligned HTML table of a frame with Swedish headers; text is never cut."""
    index_name = frame.index.name or ""
    head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>"
                   for c in [index_name, *frame.columns])
    rows = "".join(
        "<tr>" + f"<th style='text-align:left'>{html.escape(str(i))}</th>"
        + "".join(f"<td style='text-align:left'>{html.escape(str(v))}</td>" for v in row)
        + "</tr>" for i, row in zip(frame.index, frame.itertuples(index=False)))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f"<table class='kompetens-tabell'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def show_data_overview(source: Any = None) -> None:
    """Display :func:`data_overview` as a table in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(data_overview(source), caption="Arbetsbokens tabeller")))


def show_series_breaks() -> None:
    """Display :func:`series_breaks` as a table in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(series_breaks(), caption="Seriebrott att känna till")))


def _synthetic(source: Any) -> bool:
    return any(bool(provenance(name, source).get("synthetic")) for name in TABLES)


def caveats(source: Any = None, *, method_range: tuple[float, float] | None = None,
            method: str | None = None, target_year: int | None = None) -> list[str]:
    """The caveats every reader of a result must get, in plain Swedish.

    Always: what the numbers are (synthetic example data, or an own breakdown that is not
    official statistics), that a forecast is a conditional picture, the series breaks and
    the rounding. With ``method_range`` (lowest, highest total) the range between the
    breakdown methods is stated with its numbers.
    """
    items = []
    if _synthetic(source):
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
        "beräkningen inte är exaktare än så. Pensionsavgångarna räknar bara dem som når "
        "pensionsåldern; de som slutar av andra skäl kommer till."
    )
    return items


# ----------------------------------------------------------------------------------------
# The brief as data
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One key message: a short title, a sentence or two, and the number it cites."""

    key: str
    title: str
    text: str
    figure: int | float

    def to_html(self) -> str:
        return (f"<li data-budskap='{html.escape(self.key)}'><strong>{html.escape(self.title)}"
                f"</strong><br>{html.escape(self.text)}</li>")


@dataclass(frozen=True)
class Brief:
    """A county's one-page brief. Build it with :func:`build_brief`."""

    region: str
    base_year: int
    target_year: int
    method: str
    source_note: str
    mandate: mandate_mod.Mandate
    messages: tuple[Message, ...]
    charts: tuple[alt.TopLevelMixin, ...]
    caveats: tuple[str, ...]
    figures: dict = field(default_factory=dict)

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    @property
    def title(self) -> str:
        return (f"Kompetensbehovet i {self.region_name} fram till {self.target_year} – "
                "det viktigaste på en sida")

    # -- HTML ---------------------------------------------------------------------------

    def header_html(self) -> str:
        method = METHOD_LABELS.get(self.method, self.method)
        return (
            f"<h2 style='margin:0 0 4px 0'>{html.escape(self.title)}</h2>"
            f"<p style='margin:0 0 10px 0;color:{MUTED_COLOR}'>Basår {self.base_year}, målår "
            f"{self.target_year}, metod: {html.escape(method.lower())}. "
            f"{html.escape(self.source_note)}</p>"
        )

    def messages_html(self) -> str:
        items = "".join(m.to_html() for m in self.messages)
        return (f"<h3 style='margin:14px 0 4px 0'>Tre budskap</h3>"
                f"<ol class='kompetens-budskap' style='line-height:1.5;max-width:820px;"
                f"padding-left:22px'>{items}</ol>")

    def caveats_html(self) -> str:
        items = "".join(f"<li>{html.escape(c)}</li>" for c in self.caveats)
        return (f"<h3 style='margin:14px 0 4px 0'>Att tänka på</h3>"
                f"<ul class='kompetens-forbehall' style='line-height:1.5;max-width:820px;"
                f"padding-left:22px'>{items}</ul>")

    def to_html(self, *, charts: str = "svg") -> str:
        """The brief as one HTML fragment (a ``<section>``), ready to put in a page.

        ``charts``: ``"svg"`` (default; inline SVG made by vl-convert, needs no JavaScript
        and prints well), ``"png"`` (inline images, for e-mail) or ``"none"``.
        """
        if charts not in ("svg", "png", "none"):
            raise KompetensError(
                f"Okänt värde för charts: {charts!r}. Giltiga: 'svg', 'png' och 'none'."
            )
        figures = "" if charts == "none" else "".join(
            f"<figure class='kompetens-kort-diagram' style='margin:10px 0'>"
            f"{_static_chart(c, charts)}</figure>" for c in self.charts)
        return (
            "<section class='kompetens-kort' style='font-family:Segoe UI,Helvetica,Arial,"
            f"sans-serif;color:{TEXT_COLOR};max-width:900px'>"
            f"{self.header_html()}{mandate_mod.to_html(self.mandate)}"
            f"{self.messages_html()}{figures}{self.caveats_html()}</section>"
        )

    def to_text(self) -> str:
        lines = [self.title, "", mandate_mod.to_text(self.mandate), "", "Tre budskap:"]
        lines += [f"{i}. {m.title}: {m.text}" for i, m in enumerate(self.messages, 1)]
        lines += ["", "Att tänka på:"] + [f"- {c}" for c in self.caveats]
        return "\n".join(lines)

    def save(self, path: str | Path) -> Path:
        """Write the brief as a standalone HTML page (charts as SVG); returns the path."""
        from kompetens_lib._internal.files import atomic_write_text

        path = Path(path)
        page = ("<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'>"
                f"<title>{html.escape(self.title)}</title></head><body style='margin:24px'>"
                f"{self.to_html()}</body></html>\n")
        atomic_write_text(path, page)
        return path


def _static_chart(chart: alt.TopLevelMixin, kind: str) -> str:
    import base64

    import vl_convert as vlc

    spec = chart.to_dict()
    if kind == "png":
        data = base64.b64encode(vlc.vegalite_to_png(spec, scale=2)).decode("ascii")
        title = html.escape(str(spec.get("title", {}).get("text", "Diagram")))
        return f"<img alt='{title}' style='max-width:100%' src='data:image/png;base64,{data}'>"
    return vlc.vegalite_to_svg(spec)


# ----------------------------------------------------------------------------------------
# Charts
# ----------------------------------------------------------------------------------------


def need_chart(need: pd.DataFrame, *, source: str, n: int = 10, period: str = "",
               method: str = "") -> alt.Chart:
    """Stacked horizontal bars: recruitment need of the ``n`` largest groups, split into
    retirements and growth (negative growth shown as 0).

    ``need`` has ``short_name``, ``replacement``, ``expansion``, ``need`` (e.g.
    :func:`kompetens_lib.workbook.results.need_table`).

    >>> df = pd.DataFrame({"short_name": ["A", "B"], "replacement": [500.0, 300.0],
    ...                    "expansion": [200.0, -50.0], "need": [700.0, 300.0]})
    >>> need_chart(df, source="Källa: exempel.").to_dict()["mark"]["type"]
    'bar'
    """
    for column in ("short_name", "replacement", "expansion", "need"):
        if column not in need.columns:
            raise KompetensError(
                f"Tabellen till behovsdiagrammet saknar kolumnen {column!r}; den behöver "
                "short_name, replacement, expansion och need (från results.need_table)."
            )
    top = need.nlargest(n, "need")
    order = top["short_name"].astype(str).tolist()
    parts = {"Pensionsavgångar": top["replacement"].clip(lower=0),
             "Ökad efterfrågan": top["expansion"].clip(lower=0)}
    frame = pd.concat([
        pd.DataFrame({"short_name": top["short_name"].astype(str), "part": label,
                      "value": values.astype(float), "need": top["need"].astype(float)})
        for label, values in parts.items()
    ], ignore_index=True)
    frame["order"] = frame["part"].map({"Pensionsavgångar": 0, "Ökad efterfrågan": 1})
    subtitle = [f"De {len(order)} utbildningsgrupper som behöver flest nya personer"
                + (f" {period}" if period else "") + "."]
    if method:
        subtitle.append(f"Nedbrytning med metoden {method.lower()}.")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", stack="zero", title="Antal personer",
                    axis=alt.Axis(format=COUNT_FORMAT)),
            y=alt.Y("short_name:N", title=None, sort=order),
            color=alt.Color("part:N", title="Därför behövs de",
                            scale=alt.Scale(domain=list(parts), range=[PRIMARY, "#d9822b"])),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("part:N", title="Del"),
                alt.Tooltip("value:Q", title="Personer", format=COUNT_FORMAT),
                alt.Tooltip("need:Q", title="Rekryteringsbehov totalt", format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title("Rekryteringsbehov per utbildningsgrupp", source, subtitle),
                    width=520)
    )


def shortage_chart(table: pd.DataFrame, *, source: str, n: int = 10,
                   target_year: int | None = None) -> alt.Chart:
    """Horizontal bars of how many are missing per 100 demanded (100 − supply per 100
    demanded) in the target year, for the ``n`` groups where supply falls shortest,
    coloured by judgement. Bars start at 0; a negative bar means more supply than demand.

    ``table`` has ``short_name``, ``ratio`` (100 · S/D) and ``judgement`` (e.g.
    :func:`kompetens_lib.workbook.results.balance_table`).

    >>> df = pd.DataFrame({"short_name": ["A", "B"], "ratio": [88.0, 97.0],
    ...                    "judgement": ["stor brist", "brist"]})
    >>> spec = shortage_chart(df, source="Källa: exempel.").to_dict()
    >>> [row["missing"] for row in spec["datasets"][spec["data"]["name"]]]
    [12.0, 3.0]
    """
    from kompetens_lib.workbook.results import JUDGEMENT_STYLE

    for column in ("short_name", "ratio", "judgement"):
        if column not in table.columns:
            raise KompetensError(
                f"Tabellen till bristdiagrammet saknar kolumnen {column!r}; den behöver "
                "short_name, ratio och judgement (från results.balance_table)."
            )
    frame = table.dropna(subset=["ratio"]).nsmallest(n, "ratio")[
        ["short_name", "ratio", "judgement"]].copy()
    if frame.empty:
        raise KompetensError("Bristdiagrammet har inga grupper med både tillgång och efterfrågan.")
    frame["short_name"] = frame["short_name"].astype(str)
    frame["judgement"] = frame["judgement"].astype(str)
    frame["ratio"] = frame["ratio"].astype(float)
    frame["missing"] = 100.0 - frame["ratio"]
    order = frame["short_name"].tolist()
    words = [w for w in JUDGEMENT_STYLE if w in set(frame["judgement"])]
    when = f" {target_year}" if target_year else ""
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("missing:Q", title="Saknas per 100 efterfrågade", axis=alt.Axis(format="d")),
            y=alt.Y("short_name:N", title=None, sort=order),
            color=alt.Color("judgement:N", title=f"Bedömning{when}", sort=words,
                            scale=alt.Scale(domain=words,
                                            range=[JUDGEMENT_STYLE[w][0] for w in words])),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("missing:Q", title="Saknas per 100 efterfrågade", format=".0f"),
                alt.Tooltip("ratio:Q", title="Tillgång per 100 efterfrågade", format=".0f"),
                alt.Tooltip("judgement:N", title="Bedömning"),
            ],
        )
    )
    subtitle = [f"De {len(order)} utbildningsgrupper där tillgången räcker sämst{when}.",
                "10 betyder att det finns 90 tillgängliga per 100 efterfrågade."]
    return bars.properties(
        title=chart_title("Där det blir svårast att rekrytera", source, subtitle), width=520)


# ----------------------------------------------------------------------------------------
# Building the brief
# ----------------------------------------------------------------------------------------


def _need_by_method(code: str, base: int, target: int, source: Any,
                    groups: Sequence[str]) -> dict[str, pd.DataFrame]:
    from kompetens_lib.workbook.results import need_table

    out = {}
    for m in METHODS:
        table = need_table(code, base_year=base, target_year=target, method=m, source=source)
        out[m] = table[table["education_group"].isin(groups)]
    return out


def build_brief(region: object, base_year: int | None = None, target_year: int | None = None,
                method: str = "fixed_share", source: Any = None) -> Brief:
    """Build the county's brief: mandate, three key messages, two charts, caveats.

    The messages, each citing a number from the analysis core (groups that education leads
    to only, see :func:`relevant_groups`):

    1. the group with the largest recruitment need from the base year to the target year,
       with the range of that need over the four breakdown methods;
    2. the retirement wave: how many of today's employed reach the exit age by the target
       year, and the retirements' share of the whole recruitment need;
    3. the shortages: how many groups are judged *brist* or *stor brist* in the target
       year, and the largest gap (demand − supply) among them.

    The charts carry messages 1–2 (:func:`need_chart`) and 3 (:func:`shortage_chart`).
    ``figures`` holds the same numbers as plain JSON values (section "kommunicera").

    >>> b = build_brief("23")
    >>> len(b.messages), len(b.charts), b.mandate.example
    (3, 2, True)
    """
    from kompetens_lib.workbook.results import resolve_target_year, balance_table, forecast_base_year, retirement_summary, round_persons

    code = resolve_region(region)
    chosen = resolve_method(method)
    base = forecast_base_year(base_year, source)
    target = resolve_target_year(base, target_year, source)
    note = source_note("employed", source)
    groups = relevant_groups()
    name = region_name(code)
    the_mandate = mandate_mod.load(code)

    needs = _need_by_method(code, base, target, source, groups)
    need = needs[chosen]
    totals = {m: float(t["need"].sum()) for m, t in needs.items()}
    top = need.sort_values("need", ascending=False).iloc[0]
    top_range = [float(t.set_index("education_group").loc[top["education_group"], "need"])
                 for t in needs.values()]
    need_total = totals[chosen]

    retire = retirement_summary(code, base_year=base, horizons=[target - base], source=source)
    retire_row = retire.iloc[-1]
    share_retiring = float(retire_row["share_employed"])
    # Both sides are the groups an education leads to, like the need itself.
    share_of_need = float(need["replacement"].sum()) / need_total if need_total else 0.0

    bal = balance_table(code, base_year=base, target_year=target, method=chosen, source=source)
    bal = bal[bal["education_group"].isin(groups)]

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
    m2 = _retirement_message(retire_row, share_of_need, need_total, target, round_persons)
    m3, gap = _shortage_message(bal, target, round_persons)
    low, high = min(totals.values()), max(totals.values())
    figures = {
        "region": code,
        "region_name": name,
        "base_year": base,
        "target_year": target,
        "method": chosen,
        "need_total": round_persons(need_total),
        "need_range": [round_persons(low), round_persons(high)],
        "largest_need_group": str(top["short_name"]),
        "largest_need": round_persons(top["need"]),
        "retirements": round_persons(retire_row["retirements"]),
        "share_employed_retiring": round(share_retiring, 4),
        "share_need_replacement": round(share_of_need, 4),
        "shortage_groups": int(m3.figure),
        "largest_gap": gap,
        "mandate_filled": not the_mandate.example,
    }
    period = f"{base}–{target}"
    charts = (
        need_chart(need, source=note, period=period, method=METHOD_LABELS[chosen]),
        shortage_chart(bal, source=note, target_year=target),
    )
    return Brief(
        region=code, base_year=base, target_year=target, method=chosen, source_note=note,
        mandate=the_mandate, messages=(m1, m2, m3), charts=charts,
        caveats=tuple(caveats(source, method_range=(round_persons(low), round_persons(high)),
                              method=chosen, target_year=target)),
        figures=figures,
    )


def _retirement_message(row: pd.Series, share_of_need: float, need_total: float,
                        target: int, rounded) -> Message:
    """Message 2: the retirement wave and its share of the recruitment need."""
    title = (f"Pensionsvågen: {_pct(float(row['share_employed']))} av de förvärvsarbetande "
             f"går i pension före {target}")
    text = (f"Omkring {_fmt(rounded(row['retirements']))} av länets "
            f"{_fmt(rounded(row['employed']))} förvärvsarbetande når pensionsåldern före "
            f"{target}. ")
    need = (f"rekryteringsbehovet i de utbildningsgrupper som går att utbilda för "
            f"({_fmt(rounded(need_total))} personer)")
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
    """Swedish labels for :attr:`Brief.figures`, for :func:`kompetens_lib.present.keyfigures.show`."""
    period = f"{figures.get('base_year', '')}–{figures.get('target_year', '')}"
    return {
        "need_total": f"Rekryteringsbehov {period}, gymnasial och eftergymnasial utbildning",
        "need_range": "Rekryteringsbehov, lägst–högst över metoderna",
        "largest_need_group": "Störst behov",
        "largest_need": "Behov i den gruppen",
        "retirements": f"Pensionsavgångar {period}, alla förvärvsarbetande",
        "share_employed_retiring": "Andel av de förvärvsarbetande som går i pension",
        "share_need_replacement": "Pensionsavgångarnas andel av rekryteringsbehovet",
        "shortage_groups": "Utbildningsgrupper med brist eller stor brist "
                           f"{figures.get('target_year', '')}",
        "largest_gap": "Största gapet (efterfrågan − tillgång), personer",
        "mandate_filled": "Eget uppdrag ifyllt",
    }


def show(brief: Brief) -> None:
    """Show the brief in a notebook: header, mandate and messages, the two charts as live
    charts (so that reports can export them), then the caveats."""
    from IPython.display import display

    head = f"{brief.header_html()}{mandate_mod.to_html(brief.mandate)}{brief.messages_html()}"
    display({"text/html": f"<section class='kompetens-kort'>{head}</section>",
             "text/plain": brief.title}, raw=True)
    for chart in brief.charts:
        display(chart)
    display({"text/html": f"<section class='kompetens-kort'>{brief.caveats_html()}</section>",
             "text/plain": "Att tänka på:\n" + "\n".join(f"- {c}" for c in brief.caveats)},
            raw=True)

