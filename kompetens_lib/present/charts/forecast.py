"""Charts of the forecast notebooks 02–05: the breakdown methods and their range, the
back-test, retirements and flows, supply, change, balance, need and places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.common import (
    COUNT_FORMAT,
    PERCENT_TOOLTIP_FORMAT,
    YEAR_FORMAT,
    chart_title,
    checked_frame,
    require_numeric,
    require_unique,
)
from kompetens_lib.present.render import ACCENT, NATIONAL_GREY, PALETTE, PRIMARY, TEXT_COLOR

__all__ = [
    "BAND_COLOR",
    "DEVIATION_FORMAT",
    "FORM_ORDER",
    "INDEX_FORMAT",
    "METHOD_ORDER",
    "METHOD_SHAPES",
    "NEED_PARTS",
    "backtest_chart",
    "balance_ratio_chart",
    "change_chart",
    "flows_chart",
    "method_comparison_chart",
    "method_range_chart",
    "need_chart",
    "need_output_chart",
    "places_chart",
    "retirements_chart",
    "supply_projection_chart",
]

#: Methods in the order and colours used in every chart (Swedish labels as in
#: :data:`kompetens_lib.methods.breakdown.COMPARED_LABELS`: the four share methods and the
#: industry-based one, which joins the demand side).
METHOD_ORDER: tuple[str, ...] = ("Fast andel", "Trendandel", "Shift-share", "Betingad (RAS)",
                                 "Näringsgrensbaserad")
METHOD_SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond", "triangle-down")
FORM_ORDER: tuple[str, ...] = (
    "Gymnasieskola", "Komvux", "Yrkeshögskola", "Universitet och högskola",
)
NEED_PARTS: tuple[str, ...] = (
    "Ersättningsbehov (pension, dödsfall, andra avgångar)",
    "Expansionsbehov (växande efterfrågan)",
)
BAND_COLOR = "#c9d9e6"
INDEX_FORMAT = ".0f"
DEVIATION_FORMAT = ".1~%"  # −1,5 %, −1 %, 0 %: no repeated labels on small spans


def _method_scale(labels: Sequence[str]) -> tuple[list[str], alt.Scale]:
    order = [m for m in METHOD_ORDER if m in labels] + [m for m in labels if m not in METHOD_ORDER]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(order))]
    return order, alt.Scale(domain=order, range=colors)


def _int_years(frame: pd.DataFrame, column: str, chart: str) -> None:
    require_numeric(frame, column, chart)
    if frame[column].isna().any() or (frame[column] % 1 != 0).any():
        raise KompetensError(
            f"Kolumnen {column!r} till {chart} ska innehålla hela årtal, som 2023.")
    frame[column] = frame[column].astype("int64")


def _year_axis(title: str = "År") -> alt.X:
    # nice=False: the axis ends at the last year instead of a rounded year after it.
    return alt.X("year:Q", title=title, axis=alt.Axis(format=YEAR_FORMAT, tickMinStep=1),
                 scale=alt.Scale(zero=False, nice=False))


def method_comparison_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Riksprognosen nedbruten till länet, metoderna sida vid sida",
    value_title: str = "Antal personer",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """One line per breakdown method over the forecast years, on a band from the lowest to
    the highest method: the band is the uncertainty of the breakdown.

    ``df`` has ``year``, ``method_label`` (e.g. "Fast andel") and ``value`` (persons).

    >>> df = pd.DataFrame({"year": [2023, 2035, 2023, 2035], "value": [100, 120, 100, 110],
    ...                    "method_label": ["Fast andel"] * 2 + ["Trendandel"] * 2})
    >>> spec = method_comparison_chart(df, source="Källa: exempel.").to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['area', 'line']
    """
    name = "metoddiagrammet"
    frame = checked_frame(df, name, ["year", "method_label", "value"])
    _int_years(frame, "year", name)
    require_numeric(frame, "value", name)
    frame["method_label"] = frame["method_label"].astype(str)
    require_unique(frame, ["year", "method_label"], name)
    order, scale = _method_scale(list(dict.fromkeys(frame["method_label"])))
    band = frame.groupby("year", as_index=False)["value"].agg(low="min", high="max")
    if subtitle is None:
        subtitle = "Det skuggade fältet visar spannet mellan metoderna."
    area = (
        alt.Chart(band)
        .mark_area(color=BAND_COLOR, opacity=0.7)
        .encode(
            x=_year_axis(),
            y=alt.Y("low:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT),
                    scale=alt.Scale(zero=False)),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("year:Q", title="År", format=YEAR_FORMAT),
                alt.Tooltip("low:Q", title="Lägst", format=COUNT_FORMAT),
                alt.Tooltip("high:Q", title="Högst", format=COUNT_FORMAT),
            ],
        )
    )
    lines = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=_year_axis(),
            y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT),
                    scale=alt.Scale(zero=False)),
            color=alt.Color("method_label:N", title="Metod", sort=order, scale=scale),
            tooltip=[
                alt.Tooltip("method_label:N", title="Metod"),
                alt.Tooltip("year:Q", title="År", format=YEAR_FORMAT),
                alt.Tooltip("value:Q", title=value_title, format=COUNT_FORMAT),
            ],
        )
    )
    return alt.layer(area, lines).properties(title=chart_title(title, source, subtitle), width=560)


def method_range_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Spannet mellan metoderna per utbildningsgrupp",
    value_title: str = "Avvikelse från metodernas median, procent",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """Per group, each method's deviation from the median of the methods (percent): a grey
    line from the lowest to the highest method and one mark per method (colour and shape,
    so it reads without colour). Groups keep the table's order (largest first).

    On a scale of persons the methods of one group lie on top of each other; as a
    deviation the spread is visible for large and small groups alike.
    ``df`` has ``short_name``, ``method_label`` and ``value`` (persons).

    >>> df = pd.DataFrame({"short_name": ["A", "A"], "method_label": ["Fast andel", "Trendandel"],
    ...                    "value": [100, 130]})
    >>> spec = method_range_chart(df, source="Källa: exempel.").to_dict()
    >>> spec["layer"][1]["mark"]["type"], spec["layer"][1]["encoding"]["x"]["field"]
    ('point', 'deviation')
    """
    name = "spanndiagrammet"
    frame = checked_frame(df, name, ["short_name", "method_label", "value"])
    require_numeric(frame, "value", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["method_label"] = frame["method_label"].astype(str)
    require_unique(frame, ["short_name", "method_label"], name)
    order, scale = _method_scale(list(dict.fromkeys(frame["method_label"])))
    shapes = alt.Scale(domain=order, range=list(METHOD_SHAPES[: len(order)]))
    median = frame.groupby("short_name", sort=False)["value"].transform("median")
    frame["median"] = median
    frame["deviation"] = (frame["value"] / median.where(median > 0) - 1.0).fillna(0.0)
    span = frame.groupby("short_name", as_index=False, sort=False)["deviation"].agg(
        low="min", high="max")
    groups = list(dict.fromkeys(frame["short_name"]))
    y = alt.Y("short_name:N", title="Utbildningsgrupp", sort=groups)
    x = alt.X("deviation:Q", title=value_title, axis=alt.Axis(format=DEVIATION_FORMAT))
    rule = (
        alt.Chart(span)
        .mark_rule(color=NATIONAL_GREY, strokeWidth=2)
        .encode(x=alt.X("low:Q", title=value_title, axis=alt.Axis(format=DEVIATION_FORMAT)),
                x2="high:Q", y=y)
    )
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=0.9)
        .encode(
            x=x,
            y=y,
            color=alt.Color("method_label:N", title="Metod", sort=order, scale=scale),
            shape=alt.Shape("method_label:N", title="Metod", sort=order, scale=shapes),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("method_label:N", title="Metod"),
                alt.Tooltip("value:Q", title="Antal personer", format=COUNT_FORMAT),
                alt.Tooltip("deviation:Q", title="Avvikelse från medianen",
                            format=PERCENT_TOOLTIP_FORMAT),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(
        strokeDash=[4, 3], color=TEXT_COLOR).encode(x="x:Q")
    if subtitle is None:
        subtitle = "0 % är metodernas median; den grå linjen går från lägsta till högsta metod."
    return alt.layer(rule, points, zero).properties(
        title=chart_title(title, source, subtitle), width=480)


def backtest_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Bakåttest: hur fel hade metoderna för länet?",
    subtitle: str | Sequence[str] | None = None,
    value_title: str = "Viktat fel (WAPE), procent",
) -> alt.LayerChart:
    """Bars of the county's back-test error per method; a black tick marks the median over
    all counties (column ``wape_all``, optional). Lower is better.

    ``df`` has ``method_label`` and ``wape`` (percent, e.g. 2.4 for 2,4 %).

    >>> df = pd.DataFrame({"method_label": ["Fast andel"], "wape": [2.4], "wape_all": [2.0]})
    >>> spec = backtest_chart(df, source="Källa: exempel.").to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['bar', 'text', 'tick']
    """
    name = "bakåttestdiagrammet"
    frame = checked_frame(df, name, ["method_label", "wape"], ["wape_all"])
    require_numeric(frame, "wape", name)
    frame["method_label"] = frame["method_label"].astype(str)
    require_unique(frame, ["method_label"], name)
    order, scale = _method_scale(list(dict.fromkeys(frame["method_label"])))
    if subtitle is None:
        subtitle = "Kortare stapel = mindre fel."
        if "wape_all" in frame.columns:
            subtitle += " Det svarta strecket är medianen för alla 21 län."
    y = alt.Y("method_label:N", title="Metod", sort=order)
    x = alt.X("wape:Q", title=value_title, axis=alt.Axis(format=".1f"))
    tooltip = [alt.Tooltip("method_label:N", title="Metod"),
               alt.Tooltip("wape:Q", title="Länets fel, procent", format=".1f")]
    if "wape_all" in frame.columns:
        require_numeric(frame, "wape_all", name)
        tooltip.append(alt.Tooltip("wape_all:Q", title="Median alla län, procent", format=".1f"))
    bars = alt.Chart(frame).mark_bar().encode(
        x=x, y=y, color=alt.Color("method_label:N", scale=scale, legend=None), tooltip=tooltip)
    labels = alt.Chart(frame).mark_text(align="left", dx=4).encode(
        x="wape:Q", y=y, text=alt.Text("wape:Q", format=".1f"))
    layers: list[Any] = [bars, labels]
    if "wape_all" in frame.columns:
        layers.append(
            alt.Chart(frame).mark_tick(color=TEXT_COLOR, thickness=3, size=22).encode(
                x="wape_all:Q", y=y, tooltip=tooltip))
    return alt.layer(*layers).properties(title=chart_title(title, source, subtitle), width=420)


def retirements_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Pensionsavgångar per utbildningsgrupp",
    subtitle: str | Sequence[str] | None = None,
    value_title: str = "Antal personer som går i pension",
) -> alt.Chart:
    """Grouped horizontal bars: retirements within each horizon per group.

    ``df`` has ``short_name``, ``horizon_label`` ("Inom 5 år") and ``value``; the table's
    group order is kept.

    >>> df = pd.DataFrame({"short_name": ["A", "A"], "horizon_label": ["Inom 5 år", "Inom 10 år"],
    ...                    "value": [10, 25]})
    >>> retirements_chart(df, source="Källa: exempel.").to_dict()["encoding"]["yOffset"]["field"]
    'horizon_label'
    """
    name = "pensionsdiagrammet"
    frame = checked_frame(df, name, ["short_name", "horizon_label", "value"])
    require_numeric(frame, "value", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["horizon_label"] = frame["horizon_label"].astype(str)
    require_unique(frame, ["short_name", "horizon_label"], name)
    horizons = list(dict.fromkeys(frame["horizon_label"]))
    blues = ["#9ecae1", "#4a90c2", "#1f5f8b", "#0b3a5c"]
    scale = alt.Scale(domain=horizons, range=blues[-len(horizons):] if len(horizons) <= 4
                      else None)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT)),
            y=alt.Y("short_name:N", title="Utbildningsgrupp",
                    sort=list(dict.fromkeys(frame["short_name"]))),
            yOffset=alt.YOffset("horizon_label:N", sort=horizons),
            color=alt.Color("horizon_label:N", title="Period", sort=horizons, scale=scale),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("horizon_label:N", title="Period"),
                alt.Tooltip("value:Q", title=value_title, format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title(title, source, subtitle), width=460,
                    height=alt.Step(10))
    )


def flows_chart(
    df: pd.DataFrame,
    *,
    series: str,
    source: str,
    title: str,
    value_title: str = "Antal personer per år",
    series_title: str = "Serie",
    subtitle: str | Sequence[str] | None = None,
    order: Sequence[str] | None = None,
) -> alt.Chart:
    """Lines of yearly flows (graduates, young people reaching working age …), one per
    value of ``series``. With a boolean ``projection`` column the projection years are
    dashed ("Prognos") and the observed years solid ("Utfall").

    ``df`` has ``year``, ``value``, the ``series`` column and optionally ``projection``.

    >>> df = pd.DataFrame({"year": [2022, 2023, 2024], "value": [5, 6, 7], "kind": ["A"] * 3,
    ...                    "projection": [False, False, True]})
    >>> flows_chart(df, series="kind", source="Källa: exempel.", title="T").to_dict()[
    ...     "encoding"]["strokeDash"]["title"]
    'Uppgift'
    """
    name = "flödesdiagrammet"
    frame = checked_frame(df, name, ["year", "value", series], ["projection"])
    _int_years(frame, "year", name)
    require_numeric(frame, "value", name)
    frame[series] = frame[series].astype(str)
    require_unique(frame, ["year", series], name)
    names = [s for s in (order or []) if s in set(frame[series])]
    names += [s for s in dict.fromkeys(frame[series]) if s not in names]
    encoding: dict[str, Any] = {
        "x": _year_axis(),
        "y": alt.Y("value:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT)),
        "color": alt.Color(f"{series}:N", title=series_title, sort=names,
                           scale=alt.Scale(domain=names, range=list(PALETTE[: len(names)]))),
        "tooltip": [
            alt.Tooltip(f"{series}:N", title=series_title),
            alt.Tooltip("year:Q", title="År", format=YEAR_FORMAT),
            alt.Tooltip("value:Q", title=value_title, format=COUNT_FORMAT),
        ],
    }
    if "projection" in frame.columns and frame["projection"].astype(bool).any():
        frame["projection"] = frame["projection"].astype(bool)
        observed = frame[~frame["projection"]].assign(segment="Utfall")
        # The projection line starts at the last observed year so the two lines meet.
        last = observed.loc[observed.groupby(series)["year"].idxmax()].assign(segment="Prognos")
        projected = frame[frame["projection"]].assign(segment="Prognos")
        frame = pd.concat([observed, last, projected], ignore_index=True)
        encoding["strokeDash"] = alt.StrokeDash(
            "segment:N", title="Uppgift", sort=["Utfall", "Prognos"],
            scale=alt.Scale(domain=["Utfall", "Prognos"], range=[[1, 0], [5, 4]]))
        encoding["detail"] = alt.Detail(f"{series}:N")
        encoding["tooltip"].append(alt.Tooltip("segment:N", title="Uppgift"))
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(**encoding)
        .properties(title=chart_title(title, source, subtitle), width=560)
    )


def supply_projection_chart(
    df: pd.DataFrame,
    *,
    source: str,
    lines: dict[str, str],
    band: tuple[str, str] = ("tp_min", "tp_max"),
    band_label: str = "Nedbrytning av T&P: spannet mellan metoderna",
    title: str = "Tillgångens utveckling i länet: två beräkningar",
    value_title: str = "Index, basåret = 100",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """A shaded band (the breakdown of the national forecast over the methods) and lines
    (e.g. the cohort-flow projections), as an index with a rule at 100.

    ``df`` has ``year``, the two ``band`` columns and the columns named in ``lines``
    (column → legend label).

    >>> df = pd.DataFrame({"year": [2023, 2035], "tp_min": [100, 104], "tp_max": [100, 108],
    ...                    "cohort": [100, 103]})
    >>> spec = supply_projection_chart(df, source="Källa: exempel.",
    ...                                lines={"cohort": "Kohortmodell"}).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['area', 'rule', 'line']
    """
    name = "tillgångsdiagrammet"
    frame = checked_frame(df, name, ["year", *band, *lines])
    _int_years(frame, "year", name)
    for column in [*band, *lines]:
        require_numeric(frame, column, name)
    require_unique(frame, ["year"], name)
    labels = list(lines.values())
    long = frame.melt(id_vars="year", value_vars=list(lines), var_name="column",
                      value_name="value")
    long["series"] = long["column"].map(lines)
    band_frame = frame[["year", *band]].rename(columns={band[0]: "low", band[1]: "high"})
    band_frame["label"] = band_label
    colors = [TEXT_COLOR, PRIMARY, ACCENT, "#2a9d6f"]
    y_scale = alt.Scale(zero=False)
    area = (
        alt.Chart(band_frame)
        .mark_area(color=BAND_COLOR, opacity=0.8)
        .encode(
            x=_year_axis(),
            y=alt.Y("low:Q", title=value_title, axis=alt.Axis(format=INDEX_FORMAT),
                    scale=y_scale),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Fält"),
                alt.Tooltip("year:Q", title="År", format=YEAR_FORMAT),
                alt.Tooltip("low:Q", title="Lägst", format=".1f"),
                alt.Tooltip("high:Q", title="Högst", format=".1f"),
            ],
        )
    )
    base_rule = alt.Chart(pd.DataFrame({"y": [100.0]})).mark_rule(
        strokeDash=[2, 2], color=NATIONAL_GREY).encode(y="y:Q")
    line = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=_year_axis(),
            y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=INDEX_FORMAT),
                    scale=y_scale),
            color=alt.Color("series:N", title="Beräkning", sort=labels,
                            scale=alt.Scale(domain=labels, range=colors[: len(labels)]),
                            legend=alt.Legend(orient="bottom", direction="vertical",
                                              labelLimit=480)),
            tooltip=[
                alt.Tooltip("series:N", title="Beräkning"),
                alt.Tooltip("year:Q", title="År", format=YEAR_FORMAT),
                alt.Tooltip("value:Q", title=value_title, format=".1f"),
            ],
        )
    )
    if subtitle is None:
        subtitle = f"Skuggat fält – {band_label}."
    return alt.layer(area, base_rule, line).properties(
        title=chart_title(title, source, subtitle), width=560)


def change_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Förändring av efterfrågan per utbildningsgrupp",
    value_title: str = "Förändring, antal personer",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """Horizontal bars of a change per group (growth blue, decline orange), with a line
    from the lowest to the highest method when ``change_min``/``change_max`` are given.

    ``df`` has ``short_name`` and ``change`` (optionally ``change_min``, ``change_max``).

    >>> df = pd.DataFrame({"short_name": ["A", "B"], "change": [120, -40]})
    >>> change_chart(df, source="Källa: exempel.").to_dict()["layer"][0]["mark"]["type"]
    'bar'
    """
    name = "förändringsdiagrammet"
    frame = checked_frame(df, name, ["short_name", "change"], ["change_min", "change_max"])
    for column in ("change", "change_min", "change_max"):
        if column in frame.columns:
            require_numeric(frame, column, name)
    frame["short_name"] = frame["short_name"].astype(str)
    require_unique(frame, ["short_name"], name)
    frame["direction"] = frame["change"].map(lambda v: "Ökar" if v >= 0 else "Minskar")
    order = frame.sort_values("change", ascending=False)["short_name"].tolist()
    y = alt.Y("short_name:N", title="Utbildningsgrupp", sort=order)
    x = alt.X("change:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT))
    tooltip = [alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
               alt.Tooltip("change:Q", title=value_title, format=COUNT_FORMAT)]
    has_range = {"change_min", "change_max"} <= set(frame.columns)
    if has_range:
        tooltip += [alt.Tooltip("change_min:Q", title="Lägst över metoderna", format=COUNT_FORMAT),
                    alt.Tooltip("change_max:Q", title="Högst över metoderna", format=COUNT_FORMAT)]
    bars = alt.Chart(frame).mark_bar().encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("direction:N", title="Riktning",
                        scale=alt.Scale(domain=["Ökar", "Minskar"], range=[PRIMARY, ACCENT])))
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=TEXT_COLOR).encode(x="x:Q")
    layers: list[Any] = [bars, zero]
    if has_range:
        if subtitle is None:
            subtitle = "Det svarta strecket visar spannet mellan metoderna."
        layers.append(alt.Chart(frame).mark_rule(color=TEXT_COLOR, strokeWidth=2).encode(
            x="change_min:Q", x2="change_max:Q", y=y, tooltip=tooltip))
    return alt.layer(*layers).properties(title=chart_title(title, source, subtitle), width=460)


def balance_ratio_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Tillgång per 100 efterfrågade",
    value_title: str = "Tillgång per 100 efterfrågade (100 = balans)",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """Bars from 100 to 100 · S/D per group, coloured by the judgement and labelled with
    it in words (readable without colour). Shortage to the left, surplus to the right.

    ``df`` has ``short_name``, ``ratio`` and ``judgement``.

    >>> df = pd.DataFrame({"short_name": ["A"], "ratio": [91.0], "judgement": ["brist"]})
    >>> spec = balance_ratio_chart(df, source="Källa: exempel.").to_dict()
    >>> spec["layer"][0]["encoding"]["x2"]["field"]
    'base'
    """
    from kompetens_lib.present.tables import JUDGEMENT_STYLE

    name = "balansdiagrammet"
    frame = checked_frame(df, name, ["short_name", "ratio", "judgement"])
    require_numeric(frame, "ratio", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["judgement"] = frame["judgement"].astype(str)
    require_unique(frame, ["short_name"], name)
    frame = frame.dropna(subset=["ratio"])
    frame["base"] = 100.0
    words = [w for w in JUDGEMENT_STYLE if w in set(frame["judgement"])]
    unknown = sorted(set(frame["judgement"]) - set(JUDGEMENT_STYLE))
    if unknown:
        raise KompetensError(
            f"Okänd bedömning i {name}: {unknown[0]!r}. Giltiga: {', '.join(JUDGEMENT_STYLE)}."
        )
    colors = [JUDGEMENT_STYLE[w][0] for w in words]
    order = frame.sort_values("ratio")["short_name"].tolist()
    y = alt.Y("short_name:N", title="Utbildningsgrupp", sort=order)
    tooltip = [alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
               alt.Tooltip("ratio:Q", title="Tillgång per 100 efterfrågade", format=".0f"),
               alt.Tooltip("judgement:N", title="Bedömning")]
    bars = alt.Chart(frame).mark_bar(stroke="#8a8a8a", strokeWidth=0.5).encode(
        x=alt.X("ratio:Q", title=value_title, scale=alt.Scale(zero=False),
                axis=alt.Axis(format=".0f")),
        x2="base:Q", y=y, tooltip=tooltip,
        color=alt.Color("judgement:N", title="Bedömning", sort=words,
                        scale=alt.Scale(domain=words, range=colors)))
    labels = alt.Chart(frame).mark_text(align="left", dx=6, fontSize=11).encode(
        x=alt.X("max_x:Q"), y=y, text="judgement:N"
    ).transform_calculate(max_x="max(datum.ratio, 100)")
    rule = alt.Chart(pd.DataFrame({"x": [100.0]})).mark_rule(color=TEXT_COLOR).encode(x="x:Q")
    if subtitle is None:
        subtitle = ("Tillgången räknad där folk arbetar (boende + nettoinpendling). Under 100: "
                    "färre än som efterfrågas. Ordet är bedömningen.")
    return alt.layer(bars, labels, rule).properties(
        title=chart_title(title, source, subtitle), width=420)


def need_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Rekryteringsbehov per utbildningsgrupp",
    value_title: str = "Antal personer under perioden",
    subtitle: str | Sequence[str] | None = None,
) -> alt.Chart:
    """Stacked horizontal bars: replacement demand + expansion demand per group.

    A negative expansion (shrinking demand) is drawn as zero – the need is then the
    replacement alone – and the default subtitle says so. ``df`` has ``short_name``,
    ``replacement`` and ``expansion``; the largest need is on top.

    >>> df = pd.DataFrame({"short_name": ["A"], "replacement": [100], "expansion": [-30]})
    >>> chart = need_chart(df, source="Källa: exempel.")
    >>> chart.to_dict()["encoding"]["x"]["stack"]
    'zero'
    """
    name = "behovsdiagrammet"
    frame = checked_frame(df, name, ["short_name", "replacement", "expansion"])
    require_numeric(frame, "replacement", name)
    require_numeric(frame, "expansion", name)
    frame["short_name"] = frame["short_name"].astype(str)
    require_unique(frame, ["short_name"], name)
    frame["expansion"] = frame["expansion"].clip(lower=0)
    frame["total"] = frame["replacement"] + frame["expansion"]
    order = frame.sort_values("total", ascending=False)["short_name"].tolist()
    long = frame.melt(id_vars=["short_name", "total"], value_vars=["replacement", "expansion"],
                      var_name="part", value_name="value")
    long["part"] = long["part"].map(dict(zip(["replacement", "expansion"], NEED_PARTS)))
    long["part_order"] = long["part"].map({p: i for i, p in enumerate(NEED_PARTS)})
    if subtitle is None:
        subtitle = ("Krymper efterfrågan visas expansionsbehovet som noll: "
                    "då är behovet bara ersättningsbehovet.")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=value_title, stack="zero",
                    axis=alt.Axis(format=COUNT_FORMAT)),
            y=alt.Y("short_name:N", title="Utbildningsgrupp", sort=order),
            color=alt.Color("part:N", title="Del av behovet", sort=list(NEED_PARTS),
                            scale=alt.Scale(domain=list(NEED_PARTS), range=[PRIMARY, ACCENT])),
            order=alt.Order("part_order:Q"),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("part:N", title="Del av behovet"),
                alt.Tooltip("value:Q", title="Antal personer", format=COUNT_FORMAT),
                alt.Tooltip("total:Q", title="Rekryteringsbehov", format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title(title, source, subtitle), width=460)
    )


def need_output_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Rekryteringsbehov och examinerade per år",
    value_title: str = "Antal personer per år",
    subtitle: str | Sequence[str] | None = None,
) -> alt.Chart:
    """Two bars per group: the yearly recruitment need and the graduates per year.

    ``df`` has ``short_name``, ``need_per_year`` and ``graduates``.

    >>> df = pd.DataFrame({"short_name": ["A"], "need_per_year": [50.0], "graduates": [30.0]})
    >>> need_output_chart(df, source="Källa: exempel.").to_dict()["encoding"]["yOffset"]["field"]
    'series'
    """
    name = "diagrammet över behov och examinerade"
    frame = checked_frame(df, name, ["short_name", "need_per_year", "graduates"])
    require_numeric(frame, "need_per_year", name)
    require_numeric(frame, "graduates", name)
    frame["short_name"] = frame["short_name"].astype(str)
    require_unique(frame, ["short_name"], name)
    labels = {"need_per_year": "Rekryteringsbehov per år",
              "graduates": "Examinerade per år i länet"}
    order = frame.sort_values("need_per_year", ascending=False)["short_name"].tolist()
    long = frame.melt(id_vars="short_name", value_vars=list(labels), var_name="column",
                      value_name="value")
    long["series"] = long["column"].map(labels)
    series = list(labels.values())
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT)),
            y=alt.Y("short_name:N", title="Utbildningsgrupp", sort=order),
            yOffset=alt.YOffset("series:N", sort=series),
            color=alt.Color("series:N", title="", sort=series,
                            scale=alt.Scale(domain=series, range=[ACCENT, PRIMARY])),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("series:N", title="Mått"),
                alt.Tooltip("value:Q", title=value_title, format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title(title, source, subtitle), width=460, height=alt.Step(12))
    )


def places_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Nybörjarplatser per år att planera för",
    value_title: str = "Nybörjarplatser per år",
    subtitle: str | Sequence[str] | None = None,
) -> alt.Chart:
    """Stacked horizontal bars of places per year per group, by form of education.

    ``df`` has ``short_name``, ``form_label`` ("Gymnasieskola" …) and ``places``.

    >>> df = pd.DataFrame({"short_name": ["A", "A"], "form_label": ["Gymnasieskola", "Komvux"],
    ...                    "places": [30.0, 10.0]})
    >>> places_chart(df, source="Källa: exempel.").to_dict()["encoding"]["color"]["field"]
    'form_label'
    """
    name = "platsdiagrammet"
    frame = checked_frame(df, name, ["short_name", "form_label", "places"])
    require_numeric(frame, "places", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["form_label"] = frame["form_label"].astype(str)
    require_unique(frame, ["short_name", "form_label"], name)
    forms = [f for f in FORM_ORDER if f in set(frame["form_label"])]
    forms += [f for f in dict.fromkeys(frame["form_label"]) if f not in forms]
    totals = frame.groupby("short_name")["places"].sum().sort_values(ascending=False)
    frame["form_order"] = frame["form_label"].map({f: i for i, f in enumerate(forms)})
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("places:Q", title=value_title, stack="zero",
                    axis=alt.Axis(format=COUNT_FORMAT)),
            y=alt.Y("short_name:N", title="Utbildningsgrupp", sort=totals.index.tolist()),
            color=alt.Color("form_label:N", title="Utbildningsform", sort=forms,
                            scale=alt.Scale(domain=forms, range=list(PALETTE[: len(forms)]))),
            order=alt.Order("form_order:Q"),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("form_label:N", title="Utbildningsform"),
                alt.Tooltip("places:Q", title=value_title, format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title(title, source, subtitle), width=460)
    )
