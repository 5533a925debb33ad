"""HTML tables for participants: Swedish headers and number formats, the judgement per group
as a coloured table that reads without colour, and the assumptions with their reasons."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.taxonomy import FORM_LABELS, FORMS, JUDGEMENTS, NOT_APPLICABLE
from kompetens_lib.workbook.assumptions import (
    ASSUMPTION_REASONS,
    Assumptions,
    SupplyAssumptions,
)
from kompetens_lib.workbook.defaults import COMPARED_LABELS, METHOD_LABELS
from kompetens_lib.workbook.forecast import round_persons

__all__ = [
    "COLUMN_LABELS",
    "JUDGEMENT_STYLE",
    "Preview",
    "column_label",
    "preview",
    "assumptions_html",
    "show_assumptions",
    "show_supply_assumptions",
    "show_table",
    "show_traffic_lights",
    "supply_assumptions_html",
    "table_html",
    "traffic_light_html",
]


#: Colour, text colour and short word for each judgement: a red–blue diverging scale (red =
#: shortage, blue = surplus, as on the county map), readable for the common colour-vision
#: deficiencies; the word is always printed, so the table reads without colour too.
JUDGEMENT_STYLE: dict[str, tuple[str, str]] = {
    "stor brist": ("#b2182b", "white"),
    "brist": ("#e08064", "#1b1b1b"),
    "viss brist": ("#fbd5c3", "#1b1b1b"),
    "balans": ("#f2f2f2", "#1b1b1b"),
    "visst överskott": ("#d1e5f0", "#1b1b1b"),
    "överskott": ("#6fa8d0", "#1b1b1b"),
    "stort överskott": ("#2166ac", "white"),
    NOT_APPLICABLE: ("#ffffff", "#5a5a5a"),
}


#: Swedish headers for the fixed English column names of the workbook's frames. Code keeps
#: the English names (``lq["lq"] > 1.2``); what a participant reads is Swedish, with the
#: name to type shown beside it (:func:`preview`).
COLUMN_LABELS: dict[str, str] = {
    "region": "Län",
    "region_name": "Län",
    "area": "Område",
    "education_group": "Utbildningsgrupp",
    "short_name": "Kortnamn",
    "label": "Benämning",
    "level": "Utbildningsnivå",
    "field_code": "Inriktning",
    "age_band": "Åldersgrupp",
    "year": "År",
    "value": "Antal",
    "employed": "Förvärvsarbetande",
    "labour_force": "Arbetskraft",
    "population": "Befolkning",
    "graduates": "Examinerade",
    "region_share": "Andel av länet",
    "national_share": "Andel av riket",
    "lq": "Lokaliseringskvot",
    "supply": "Tillgång",
    "demand": "Efterfrågan",
    "balance": "Tillgång − efterfrågan",
    "ratio": "Tillgång per 100 efterfrågade",
    "change": "Förändring",
    "judgement": "Bedömning",
    "judgement_base": "Bedömning basåret",
    "method": "Metod",
    "method_label": "Metod",
    "median": "Median",
    "min": "Lägsta",
    "max": "Högsta",
    "spread": "Spann",
    "spread_share": "Spann, andel av medianen",
    "forecast": "Beräknat",
    "actual": "Faktiskt",
    "error": "Fel",
    "ape": "Fel i procent",
    "wape": "Viktat fel i procent",
    "replacement": "Ersättning",
    "retirements": "Pensionsavgångar",
    "expansion": "Expansion",
    "need": "Rekryteringsbehov",
    "need_total": "Rekryteringsbehov totalt",
    "need_per_year": "Rekryteringsbehov per år",
    "places": "Utbildningsplatser",
    "share": "Andel",
    "form": "Utbildningsform",
    "form_label": "Utbildningsform",
    "kind": "Slag",
    "gap": "Gap",
    "direction": "Riktning",
    "horizon": "År framåt",
    "base_year": "Basår",
    "target_year": "Målår",
}


def column_label(name: object) -> str:
    """The Swedish header of a column: a workbook column name ('lq' → 'Lokaliseringskvot'),
    a method code ('fixed_share' → 'Fast andel'); anything else as it is."""
    text = str(name)
    return COLUMN_LABELS.get(text) or METHOD_LABELS.get(text) or text


_PREVIEW_DIGITS = {"lq": 2, "region_share": 3, "national_share": 3, "share": 3,
                   "spread_share": 3, "change": 3, "ratio": 0}


def _value_text(column: str, value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if column in ("method",) and str(value) in COMPARED_LABELS:
        return f"{COMPARED_LABELS[str(value)]} ({value})"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if column in ("year", "base_year", "target_year", "horizon"):
        return str(value)
    if isinstance(value, (int,)) or (hasattr(value, "dtype") and
                                      pd.api.types.is_integer_dtype(value.dtype)):
        return _fmt_decimal(value, 0)
    if isinstance(value, float) or (hasattr(value, "dtype") and
                                    pd.api.types.is_float_dtype(value.dtype)):
        number = float(value)
        digits = _PREVIEW_DIGITS.get(column, 0 if abs(number) >= 100 else 2)
        return _fmt_decimal(number, digits)
    return str(value)


class Preview:
    """The first rows of a frame, as a participant reads them: Swedish headers with the
    column name to type under each (``Lokaliseringskvot`` / ``lq``), method codes with their
    Swedish names, Swedish number formats. The frame itself is not changed."""

    def __init__(self, df: pd.DataFrame | pd.Series, n: int = 5) -> None:
        frame = df.to_frame() if isinstance(df, pd.Series) else df
        frame = frame.head(n)
        if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
            name = frame.index.name or "index"
            frame = frame.reset_index(names=str(name)) if frame.index.name is not None \
                else frame.reset_index(drop=True)
        self.frame = frame
        self.total = len(df)

    def _columns(self) -> list[tuple[str, str]]:
        return [(str(c), column_label(c)) for c in self.frame.columns]

    def _note(self) -> str:
        if self.total > len(self.frame):
            return f"De första {len(self.frame)} av {_fmt_decimal(self.total, 0)} raderna."
        return f"{len(self.frame)} rader."

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th style='text-align:left'>{html.escape(label)}"
            + (f"<br><small><code>{html.escape(name)}</code></small>" if label != name else "")
            + "</th>" for name, label in self._columns())
        rows = []
        for record in self.frame.itertuples(index=False):
            cells = "".join(f"<td style='text-align:left'>{html.escape(_value_text(c, v))}</td>"
                            for (c, _), v in zip(self._columns(), record))
            rows.append(f"<tr>{cells}</tr>")
        return (f"<table class='kompetens-forhandsvisning'><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table><p><small>{self._note()} Kolumnens "
                "namn i koden står under rubriken.</small></p>")

    def __repr__(self) -> str:
        columns = self._columns()
        header = " | ".join(label if label == name else f"{label} [{name}]"
                            for name, label in columns)
        lines = [header]
        for record in self.frame.itertuples(index=False):
            lines.append(" | ".join(_value_text(c, v) for (c, _), v in zip(columns, record)))
        return "\n".join(lines + [self._note()])


def preview(df: pd.DataFrame | pd.Series, n: int = 5) -> Preview:
    """:class:`Preview` of the first ``n`` rows: the last line of a cell shows it.

    >>> preview(pd.DataFrame({"lq": [1.25]})).frame.columns.tolist()
    ['lq']
    """
    return Preview(df, n)


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def _assumptions_table(caption: str, rows: list[tuple[str, str, str, str]]) -> str:
    """An HTML table of assumptions: name, value in this run, default, reason."""
    head = "".join(f"<th style='text-align:left'>{h}</th>"
                   for h in ("Antagande", "Värde i den här körningen", "Förval", "Skäl"))
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row)
        + "</tr>" for row in rows)
    return (f"<table class='kompetens-antaganden'><caption>{caption}"
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def assumptions_html(a: Assumptions) -> str:
    """An HTML table of the assumptions with their values, defaults and reasons."""

    def per_form(values: Mapping[str, float]) -> str:
        return ", ".join(f"{FORM_LABELS[f].lower()} {_pct(values[f])}" for f in FORMS)

    default = Assumptions()
    rows = [
        ("Andel av behovet som nyexaminerade ska möta", _pct(a.graduate_share),
         _pct(default.graduate_share), ASSUMPTION_REASONS["graduate_share"]),
        ("Andel som fullföljer utbildningen", per_form(a.completion_rate),
         per_form(default.completion_rate), ASSUMPTION_REASONS["completion_rate"]),
        ("Andel examinerade som stannar i länet", per_form(a.stay_share),
         per_form(default.stay_share), ASSUMPTION_REASONS["stay_share"]),
        ("Utträdesålder (pension)", f"{a.exit_age} år", f"{default.exit_age} år",
         ASSUMPTION_REASONS["exit_age"]),
    ]
    return _assumptions_table("Antaganden för dimensioneringen", rows)


def show_assumptions(a: Assumptions) -> None:
    """Display :func:`assumptions_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(assumptions_html(a)))


def supply_assumptions_html(a: SupplyAssumptions) -> str:
    """An HTML table of the supply assumptions with their values, defaults and reasons."""
    rows = [
        ("Utträdesålder (pension)", f"{a.exit_age} år", f"{SupplyAssumptions().exit_age} år",
         ASSUMPTION_REASONS["exit_age"]),
        ("Andel examinerade som stannar i länet", _pct(a.graduate_stay_share), "80 %",
         "Mellan gymnasiets 85 % och högskolans 50 %; ersätt med länets egen uppföljning."),
        ("Nettoinflyttning per år, andel av arbetskraften",
         f"{a.net_migration * 100:.1f} %".replace(".", ","), "0,0 %",
         ("Exempeldata saknar flyttflöden; SCB:s matchningsindikatorer har in- och "
          "utflyttade per utbildningsgrupp.")),
    ]
    return _assumptions_table("Antaganden för tillgången", rows)


def show_supply_assumptions(a: SupplyAssumptions) -> None:
    """Display :func:`supply_assumptions_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(supply_assumptions_html(a)))


def _fmt_count(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{round_persons(float(value)):,}".replace(",", "\u00a0").replace("-", "\u2212")


def _fmt_decimal(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{float(value):,.{digits}f}".replace(",", "\u00a0").replace(".", ",")
    return text.replace("-", "\u2212")


def _fmt_percent(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return _fmt_decimal(float(value) * 100, digits) + "\u00a0%"


_FORMATTERS = {
    "count": _fmt_count,
    "decimal": lambda v: _fmt_decimal(v, 1),
    "integer": lambda v: _fmt_decimal(v, 0),
    "percent": _fmt_percent,
    "text": lambda v: "" if v is None or v is pd.NA else str(v),
}


def table_html(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    formats: Mapping[str, str] | None = None,
    caption: str = "",
    note: str = "",
    css_class: str = "kompetens-tabell",
    empty_text: str = "Inga rader att visa.",
    differences: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """A small HTML table with Swedish headers and number formats.

    ``columns`` maps column → header (in display order); ``formats`` maps column → one of
    "count" (persons, rounded with :func:`round_persons`), "decimal", "integer", "percent"
    (share 0–1), "text" (default: "count" for numbers, "text" otherwise).

    ``differences`` maps a column to the two columns it is the difference of
    (``{"error": ("forecast", "actual")}``): in each row the two are rounded to the same
    step and the difference is shown as the difference of the rounded numbers, so that the
    row adds up as printed (5 250 − 5 100 = 150, not 5 200 − 5 100 = 150).
    """
    formats = dict(formats or {})
    if differences:
        df = _rounded_differences(df, differences)
        for column in {c for pair in differences.values() for c in pair} | set(differences):
            if formats.get(column, "count") == "count":
                formats[column] = "integer"
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KompetensError(
            f"Tabellen saknar kolumnerna {', '.join(missing)}; den har "
            f"{', '.join(map(str, df.columns))}."
        )
    kinds = {}
    for column in columns:
        kind = formats.get(column) or (
            "count" if pd.api.types.is_numeric_dtype(df[column]) else "text")
        if kind not in _FORMATTERS:
            raise KompetensError(
                f"Okänt format {kind!r} för kolumnen {column!r}. Giltiga: "
                f"{', '.join(_FORMATTERS)}."
            )
        kinds[column] = kind
    head = "".join(
        f"<th style='text-align:{'left' if kinds[c] == 'text' else 'right'}'>"
        f"{html.escape(label)}</th>" for c, label in columns.items())
    rows = []
    for record in df[list(columns)].itertuples(index=False):
        cells = []
        for column, value in zip(columns, record):
            align = "left" if kinds[column] == "text" else "right"
            cells.append(f"<td style='text-align:{align}'>"
                         f"{html.escape(_FORMATTERS[kinds[column]](value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        rows.append(f"<tr><td colspan='{len(columns)}' style='text-align:left'>"
                    f"{html.escape(empty_text)}</td></tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = f"<p><small>{html.escape(note)}</small></p>" if note else ""
    return (f"<table class='{css_class}'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{foot}")


def _rounded_differences(df: pd.DataFrame, differences: Mapping[str, tuple[str, str]]
                         ) -> pd.DataFrame:
    """A copy in which each pair is rounded to one step per row (tens when any of the
    three is under 1 000, else hundreds) and each difference recomputed from them."""
    missing = [c for d, pair in differences.items() for c in (d, *pair) if c not in df.columns]
    if missing:
        raise KompetensError(f"Tabellen saknar kolumnerna {', '.join(dict.fromkeys(missing))}.")
    out = df.copy()
    for target, (first, second) in differences.items():
        a = pd.to_numeric(out[first], errors="coerce").astype(float)
        b = pd.to_numeric(out[second], errors="coerce").astype(float)
        small = (a.abs() < 1000) | (b.abs() < 1000) | ((a - b).abs() < 1000)
        step = small.map({True: 10.0, False: 100.0})
        ra, rb = (a / step).round() * step, (b / step).round() * step
        out[first], out[second], out[target] = ra, rb, ra - rb
    return out


def show_table(df: pd.DataFrame, columns: Mapping[str, str], **kwargs: Any) -> None:
    """Display :func:`table_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(table_html(df, columns, **kwargs)))


def _direction(start: str, end: str) -> str:
    rank = {j: i for i, j in enumerate(JUDGEMENTS)}
    if start not in rank or end not in rank:
        return "–"
    if rank[end] < rank[start]:
        return "mot brist"
    if rank[end] > rank[start]:
        return "mot överskott"
    return "oförändrad"


def _judgement_cell(word: str) -> str:
    background, color = JUDGEMENT_STYLE.get(word, JUDGEMENT_STYLE[NOT_APPLICABLE])
    return (f"<td class='bedomning' data-bedomning='{html.escape(word)}' "
            f"style='background:{background};color:{color};text-align:left;"
            f"font-weight:600'>{html.escape(word)}</td>")


def traffic_light_html(
    table: pd.DataFrame,
    *,
    n: int | None = None,
    caption: str = "",
    note: str = "",
) -> str:
    """The judgement per group as a coloured table that also reads without colour.

    ``table`` is :func:`~kompetens_lib.workbook.balance_tables.balance_table`; ``n`` keeps
    the ``n`` groups with the largest demand (in the table's order). Each judgement is
    printed as a word in a cell coloured on a red (shortage) – blue (surplus) scale, and a
    column says in words which way the group moved since the base year. A legend row lists
    the scale.
    """
    required = ["short_name", "supply", "demand", "balance", "ratio", "judgement_base",
                "judgement"]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise KompetensError(
            f"Trafikljustabellen behöver kolumnerna {', '.join(required)} (från "
            f"balance_table); {', '.join(missing)} saknas."
        )
    frame = table
    if n is not None:
        keep = table.nlargest(n, "demand").index
        frame = table.loc[table.index.isin(keep)]
    attrs = table.attrs
    base, target = attrs.get("base_year", "basåret"), attrs.get("target_year", "målåret")
    headers = ["Utbildningsgrupp", "Tillgång", "Efterfrågan", "Tillgång − efterfrågan",
               "Tillgång per 100 efterfrågade", f"Bedömning {base}", f"Bedömning {target}",
               "Riktning"]
    head = "".join(
        f"<th style='text-align:{'left' if i in (0, 5, 6, 7) else 'right'}'>{h}</th>"
        for i, h in enumerate(headers))
    rows = []
    for r in frame.itertuples(index=False):
        rows.append(
            "<tr>"
            f"<td style='text-align:left'>{html.escape(str(r.short_name))}</td>"
            f"<td style='text-align:right'>{_fmt_count(r.supply)}</td>"
            f"<td style='text-align:right'>{_fmt_count(r.demand)}</td>"
            f"<td style='text-align:right'>{_fmt_count(r.balance)}</td>"
            f"<td style='text-align:right'>{_fmt_decimal(r.ratio, 0)}</td>"
            f"{_judgement_cell(str(r.judgement_base))}{_judgement_cell(str(r.judgement))}"
            f"<td style='text-align:left'>{_direction(str(r.judgement_base), str(r.judgement))}"
            "</td></tr>")
    legend = " ".join(
        f"<span style='background:{bg};color:{fg};padding:1px 6px;border:1px solid #ccc;"
        f"white-space:nowrap'>{html.escape(word)}</span>"
        for word, (bg, fg) in JUDGEMENT_STYLE.items())
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    foot = (f"<p><small>Skala från stram till god tillgång: {legend}</small></p>"
            + (f"<p><small>{html.escape(note)}</small></p>" if note else ""))
    return (f"<table class='kompetens-trafikljus'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{foot}")


def show_traffic_lights(table: pd.DataFrame, **kwargs: Any) -> None:
    """Display :func:`traffic_light_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(traffic_light_html(table, **kwargs)))
