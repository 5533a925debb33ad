"""Chart builders: tidy frames in, Altair charts out (never rendered here).

Every chart has a Swedish title, axis titles that name the unit, and the source note as the
last subtitle line, so the source stays with the chart when it is saved as an image. Builders
take a copy of the data, keep only the columns they draw, and refuse frames larger than
:data:`MAX_ROWS` rather than let a chart grow silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.render import ACCENT, NATIONAL_GREY, PALETTE, PRIMARY, TEXT_COLOR
from kompetens_lib.reference.taxonomy import LEVELS, POPULATION_AGE_BANDS, age_band_label

__all__ = [
    "MAX_ROWS",
    "age_structure_chart",
    "backtest_chart",
    "balance_ratio_chart",
    "bar_chart",
    "change_chart",
    "commuting_chart",
    "flows_chart",
    "level_mix_chart",
    "line_chart",
    "location_quotient_chart",
    "method_comparison_chart",
    "method_range_chart",
    "need_chart",
    "need_output_chart",
    "older_share_chart",
    "places_chart",
    "retirements_chart",
    "supply_projection_chart",
]

# Altair's own limit for inline data; above it charts get slow and notebooks large.
MAX_ROWS = 5_000

COUNT_FORMAT = ",.0f"  # 12 345
PERCENT_FORMAT = ".0%"  # 12 %
PERCENT_TOOLTIP_FORMAT = ".1%"  # 12,3 %
LQ_FORMAT = ".1f"  # 1,2
YEAR_FORMAT = "d"  # 2024, not 2 024

NATIONAL_AREA = "Riket"
DIRECTION_LABELS: dict[str, str] = {"in": "Inpendlare", "ut": "Utpendlare"}


# ----------------------------------------------------------------------------------------
# Validation shared by the builders
# ----------------------------------------------------------------------------------------


def _fmt_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def _fmt_num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _show(value: object) -> str:
    """A value as a participant would type it: 'Skåne län' quoted, 2015 not np.int64(2015)."""
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar
    return repr(value) if isinstance(value, str) else str(value)


def _frame(
    df: object, chart: str, required: Sequence[str], optional: Sequence[str] = ()
) -> pd.DataFrame:
    """Check type, columns and size; return a copy holding only the named columns."""
    needs = ", ".join(required) + (f" (valfritt: {', '.join(optional)})" if optional else "")
    if not isinstance(df, pd.DataFrame):
        raise KompetensError(
            f"{chart} behöver en tabell (pandas DataFrame) med kolumnerna {needs}, "
            f"men fick {type(df).__name__}."
        )
    missing = [column for column in required if column not in df.columns]
    if missing:
        raise KompetensError(
            f"Tabellen till {chart} saknar kolumnen {', '.join(repr(m) for m in missing)}. "
            f"Diagrammet behöver kolumnerna {needs}; tabellen har "
            f"{', '.join(map(str, df.columns))}."
        )
    if len(df) > MAX_ROWS:
        raise KompetensError(
            f"Tabellen till {chart} har {_fmt_int(len(df))} rader; ett diagram får visa högst "
            f"{_fmt_int(MAX_ROWS)}. Summera först (till exempel med groupby) eller välj färre "
            "grupper, år eller områden."
        )
    if len(df) == 0:
        raise KompetensError(f"Tabellen till {chart} är tom: det finns inget att rita.")
    keep = [*required, *(c for c in optional if c in df.columns)]
    return df.loc[:, keep].copy()


def _numeric(frame: pd.DataFrame, column: str, chart: str) -> None:
    converted = pd.to_numeric(frame[column], errors="coerce")
    bad = frame.loc[converted.isna() & frame[column].notna(), column]
    if len(bad):
        raise KompetensError(
            f"Kolumnen {column!r} till {chart} ska innehålla tal, men har {bad.iloc[0]!r}."
        )
    frame[column] = converted.astype("float64")


def _shares(frame: pd.DataFrame, column: str, chart: str) -> None:
    _numeric(frame, column, chart)
    values = frame[column].dropna()
    if len(values) and (values.min() < 0 or values.max() > 1 + 1e-9):
        worst = values.max() if values.max() > 1 else values.min()
        hint = " Dela med 100 om värdena är procent." if 1 < values.max() <= 100 else ""
        raise KompetensError(
            f"Kolumnen {column!r} till {chart} ska vara andelar mellan 0 och 1, men har "
            f"värdet {_fmt_num(float(worst))}.{hint}"
        )


def _share_value(value: float | None, name: str, chart: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise KompetensError(
            f"{name} till {chart} ska vara ett tal mellan 0 och 1, fick {value!r}."
        ) from None
    if not 0 <= number <= 1:
        raise KompetensError(
            f"{name} till {chart} ska vara en andel mellan 0 och 1, fick {_fmt_num(number)}."
        )
    return number


def _unique(frame: pd.DataFrame, keys: list[str], chart: str) -> None:
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        row = frame.loc[dup, keys].iloc[0]
        where = ", ".join(f"{k}={_show(row[k])}" for k in keys)
        raise KompetensError(
            f"Tabellen till {chart} har flera rader för {where}. Varje kombination av "
            f"{', '.join(keys)} ska förekomma en gång: summera först."
        )


def _top_n(n: int, chart: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise KompetensError(f"n till {chart} ska vara ett positivt heltal, fick {n!r}.")
    return n


def _source(source: object) -> str:
    if not isinstance(source, str) or not source.strip():
        raise KompetensError(
            "Varje diagram behöver en källa: ange source, till exempel "
            "source='Källa: SCB, egen bearbetning.'"
        )
    return source.strip()


def chart_title(title: str, source: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    lines: list[str] = []
    if isinstance(subtitle, str):
        lines.append(subtitle)
    elif subtitle:
        lines.extend(subtitle)
    lines.append(_source(source))
    return alt.TitleParams(text=title, subtitle=lines, anchor="start")


def _area_colors(areas: list[str]) -> alt.Scale:
    """Regions in the palette's colours, Riket always grey, in the order given."""
    others = iter(c for c in PALETTE if c != NATIONAL_GREY)
    return alt.Scale(
        domain=areas, range=[NATIONAL_GREY if a == NATIONAL_AREA else next(others) for a in areas]
    )


def _ordered(values: pd.Series, preferred: Sequence[str] = ()) -> list[str]:
    """Preferred order first, then the rest in order of appearance."""
    present = list(dict.fromkeys(values.astype(str)))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


def _areas(frame: pd.DataFrame) -> list[str]:
    areas = list(dict.fromkeys(frame["area"].astype(str)))
    # Regions before Riket, so the region is the first (and strongest) colour.
    return [a for a in areas if a != NATIONAL_AREA] + [a for a in areas if a == NATIONAL_AREA]


# ----------------------------------------------------------------------------------------
# Charts for the first notebook
# ----------------------------------------------------------------------------------------


def location_quotient_chart(
    df: pd.DataFrame,
    *,
    source: str,
    n: int = 15,
    title: str = "Lokaliseringskvot per utbildningsgrupp",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """Horizontal bars of the location quotient of the ``n`` largest groups, rule at 1,0.

    ``df`` has ``short_name``, ``lq`` and ``employed`` (and optionally a boolean
    ``highlight``), one row per education group. Groups without a quotient are left out.

    >>> df = pd.DataFrame({"short_name": ["Förskollärare", "Ekonom"], "lq": [1.2, 0.8],
    ...                    "employed": [9000, 12000]})
    >>> chart = location_quotient_chart(df, source="Källa: exempel.")
    >>> chart.to_dict()["layer"][0]["mark"]["type"]
    'bar'
    """
    name = "lokaliseringskvotdiagrammet"
    n = _top_n(n, name)
    frame = _frame(df, name, ["short_name", "lq", "employed"], ["highlight"])
    _numeric(frame, "lq", name)
    _numeric(frame, "employed", name)
    frame["short_name"] = frame["short_name"].astype(str)
    _unique(frame, ["short_name"], name)
    frame = frame.dropna(subset=["lq"]).nlargest(n, "employed").sort_values("lq", ascending=False)
    if subtitle is None:
        subtitle = (
            f"De {n} största utbildningsgrupperna efter antal förvärvsarbetande. "
            "Över 1,0: gruppen är vanligare i regionen än i riket."
        )
    color: Any = alt.value(PRIMARY)
    if "highlight" in frame.columns:
        frame["highlight"] = frame["highlight"].fillna(False).astype(bool)
        color = alt.when(alt.datum.highlight).then(alt.value(ACCENT)).otherwise(alt.value(PRIMARY))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "lq:Q", title="Lokaliseringskvot (riket = 1,0)", axis=alt.Axis(format=LQ_FORMAT)
            ),
            y=alt.Y("short_name:N", title="Utbildningsgrupp", sort=frame["short_name"].tolist()),
            color=color,
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("lq:Q", title="Lokaliseringskvot", format=".2f"),
                alt.Tooltip("employed:Q", title="Förvärvsarbetande", format=COUNT_FORMAT),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"lq": [1.0]}))
        .mark_rule(strokeDash=[4, 3], color=TEXT_COLOR)
        .encode(x="lq:Q")
    )
    return alt.layer(bars, rule).properties(title=chart_title(title, source, subtitle))


def level_mix_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Utbildningsnivå",
    subtitle: str | Sequence[str] | None = None,
    value_title: str = "Andel, procent",
) -> alt.Chart:
    """Grouped horizontal bars: the share at each education level, one bar per area.

    ``df`` has ``area`` (e.g. "Skåne län", "Riket"), ``level`` and ``share`` (0–1). Levels
    follow :data:`kompetens_lib.reference.taxonomy.LEVELS`; Riket is grey.

    >>> df = pd.DataFrame({"area": ["Skåne län", "Riket"], "level": ["gymnasial"] * 2,
    ...                    "share": [0.41, 0.43]})
    >>> level_mix_chart(df, source="Källa: exempel.").to_dict()["encoding"]["x"]["axis"]
    {'format': '.0%'}
    """
    name = "diagrammet över utbildningsnivå"
    frame = _frame(df, name, ["area", "level", "share"])
    _shares(frame, "share", name)
    frame["area"] = frame["area"].astype(str)
    frame["level"] = frame["level"].astype(str)
    _unique(frame, ["area", "level"], name)
    areas = _areas(frame)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title=value_title, axis=alt.Axis(format=PERCENT_FORMAT)),
            y=alt.Y("level:N", title="Utbildningsnivå", sort=_ordered(frame["level"], LEVELS)),
            yOffset=alt.YOffset("area:N", sort=areas),
            color=alt.Color("area:N", title="Område", sort=areas, scale=_area_colors(areas)),
            tooltip=[
                alt.Tooltip("area:N", title="Område"),
                alt.Tooltip("level:N", title="Utbildningsnivå"),
                alt.Tooltip("share:Q", title="Andel", format=PERCENT_TOOLTIP_FORMAT),
            ],
        )
        .properties(title=chart_title(title, source, subtitle))
    )


def age_structure_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Åldersstruktur",
    subtitle: str | Sequence[str] | None = None,
    value_title: str = "Andel, procent",
) -> alt.Chart:
    """Grouped bars: the share in each age band, one bar per area.

    ``df`` has ``area``, ``age_band`` (codes such as "16-24", shown as "16–24 år") and
    ``share`` (0–1).

    >>> df = pd.DataFrame({"area": ["Riket"], "age_band": ["16-24"], "share": [0.1]})
    >>> age_structure_chart(df, source="Källa: exempel.").to_dict()["encoding"]["x"]["sort"]
    ['16–24 år']
    """
    name = "åldersdiagrammet"
    frame = _frame(df, name, ["area", "age_band", "share"])
    _shares(frame, "share", name)
    frame["area"] = frame["area"].astype(str)
    codes = frame["age_band"].astype(str).str.strip()
    unknown = sorted(set(codes) - set(POPULATION_AGE_BANDS))
    if unknown:
        raise KompetensError(
            f"Okänd åldersgrupp i {name}: {unknown[0]!r}. Giltiga koder: "
            f"{', '.join(POPULATION_AGE_BANDS)}."
        )
    frame["age_band"] = codes
    _unique(frame, ["area", "age_band"], name)
    frame["age_label"] = codes.map(age_band_label)
    order = [age_band_label(c) for c in POPULATION_AGE_BANDS if c in set(codes)]
    areas = _areas(frame)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("age_label:N", title="Åldersgrupp", sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("area:N", sort=areas),
            y=alt.Y("share:Q", title=value_title, axis=alt.Axis(format=PERCENT_FORMAT)),
            color=alt.Color("area:N", title="Område", sort=areas, scale=_area_colors(areas)),
            tooltip=[
                alt.Tooltip("area:N", title="Område"),
                alt.Tooltip("age_label:N", title="Åldersgrupp"),
                alt.Tooltip("share:Q", title="Andel", format=PERCENT_TOOLTIP_FORMAT),
            ],
        )
        # Wide enough that "16–24 år" labels stay horizontal with two bars per band.
        .properties(title=chart_title(title, source, subtitle), width=max(520, 90 * len(order)))
    )


def older_share_chart(
    df: pd.DataFrame,
    *,
    source: str,
    average: float | None = None,
    average_label: str = "Genomsnitt, alla grupper",
    n: int = 15,
    title: str = "Andel förvärvsarbetande som är 55 år eller äldre",
    subtitle: str | Sequence[str] | None = None,
) -> alt.Chart | alt.LayerChart:
    """Horizontal bars of the share aged 55+ in the ``n`` largest groups; rule at ``average``.

    ``df`` has ``short_name``, ``share_55plus`` (0–1) and ``employed``. The share aged 55+
    is the part of today's workforce that reaches 65 within about ten years.

    >>> df = pd.DataFrame({"short_name": ["Vård"], "share_55plus": [0.3], "employed": [500]})
    >>> spec = older_share_chart(df, source="Källa: exempel.", average=0.25).to_dict()
    >>> spec["layer"][1]["mark"]["type"]
    'rule'
    """
    name = "diagrammet över andel 55 år och äldre"
    n = _top_n(n, name)
    average = _share_value(average, "average", name)
    frame = _frame(df, name, ["short_name", "share_55plus", "employed"])
    _shares(frame, "share_55plus", name)
    _numeric(frame, "employed", name)
    frame["short_name"] = frame["short_name"].astype(str)
    _unique(frame, ["short_name"], name)
    frame = (
        frame.dropna(subset=["share_55plus"])
        .nlargest(n, "employed")
        .sort_values("share_55plus", ascending=False)
    )
    if subtitle is None:
        subtitle = f"De {n} största utbildningsgrupperna efter antal förvärvsarbetande."
        if average is not None:
            subtitle += f" Linjen visar {average_label.lower()}."
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "share_55plus:Q",
                title="Andel 55 år eller äldre, procent",
                axis=alt.Axis(format=PERCENT_FORMAT),
            ),
            y=alt.Y("short_name:N", title="Utbildningsgrupp", sort=frame["short_name"].tolist()),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("share_55plus:Q", title="Andel 55+", format=PERCENT_TOOLTIP_FORMAT),
                alt.Tooltip("employed:Q", title="Förvärvsarbetande", format=COUNT_FORMAT),
            ],
        )
    )
    titled = chart_title(title, source, subtitle)
    if average is None:
        return bars.properties(title=titled)
    mean = pd.DataFrame({"average": [average], "label": [average_label]})
    rule = (
        alt.Chart(mean)
        .mark_rule(strokeDash=[4, 3], color=TEXT_COLOR)
        .encode(
            x="average:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Linje"),
                alt.Tooltip("average:Q", title="Andel", format=PERCENT_TOOLTIP_FORMAT),
            ],
        )
    )
    return alt.layer(bars, rule).properties(title=titled)


def commuting_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "In- och utpendling över länsgränsen",
    subtitle: str | Sequence[str] | None = None,
    value_title: str = "Antal personer",
) -> alt.Chart:
    """Lines of in- and out-commuters per year.

    ``df`` has ``year`` (integer), ``direction`` ("in" or "ut") and ``value`` (persons).

    >>> df = pd.DataFrame({"year": [2022, 2022], "direction": ["in", "ut"], "value": [5, 7]})
    >>> commuting_chart(df, source="Källa: exempel.").to_dict()["mark"]["type"]
    'line'
    """
    name = "pendlingsdiagrammet"
    frame = _frame(df, name, ["year", "direction", "value"])
    _numeric(frame, "year", name)
    _numeric(frame, "value", name)
    if frame["year"].isna().any() or (frame["year"] % 1 != 0).any():
        raise KompetensError(f"Kolumnen 'year' till {name} ska innehålla hela årtal, som 2023.")
    frame["year"] = frame["year"].astype("int64")
    direction = frame["direction"].astype(str).str.strip().str.lower()
    unknown = sorted(set(direction) - set(DIRECTION_LABELS))
    if unknown:
        raise KompetensError(
            f"Okänd riktning i {name}: {unknown[0]!r}. Giltiga värden: 'in' (inpendlare) "
            "och 'ut' (utpendlare)."
        )
    frame["direction"] = direction
    _unique(frame, ["year", "direction"], name)
    frame["direction_label"] = direction.map(DIRECTION_LABELS)
    labels = [DIRECTION_LABELS[d] for d in DIRECTION_LABELS if d in set(direction)]
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "year:Q",
                title="År",
                axis=alt.Axis(format=YEAR_FORMAT, tickMinStep=1),
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=COUNT_FORMAT)),
            color=alt.Color(
                "direction_label:N",
                title="Riktning",
                sort=labels,
                scale=alt.Scale(domain=labels, range=[PRIMARY, ACCENT][: len(labels)]),
            ),
            tooltip=[
                alt.Tooltip("year:Q", title="År", format=YEAR_FORMAT),
                alt.Tooltip("direction_label:N", title="Riktning"),
                alt.Tooltip("value:Q", title=value_title, format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title(title, source, subtitle))
    )


# ----------------------------------------------------------------------------------------
# Generic builders for later notebooks
# ----------------------------------------------------------------------------------------

Sort = Literal["ascending", "descending"] | Sequence[str] | None


def _type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "nominal"
    if pd.api.types.is_numeric_dtype(series):
        return "quantitative"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "temporal"
    return "nominal"


def _axis(fmt: str | None) -> alt.Axis:
    return alt.Axis(format=fmt) if fmt else alt.Axis()


def bar_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    x_title: str,
    y_title: str,
    source: str,
    *,
    subtitle: str | Sequence[str] | None = None,
    color: str | None = None,
    color_title: str | None = None,
    sort: Sort = None,
    x_format: str | None = None,
    y_format: str | None = None,
) -> alt.Chart:
    """A bar chart of one numeric and one category column; horizontal if ``x`` is numeric.

    ``sort`` orders the categories: ``None`` keeps the table's order, "descending" or
    "ascending" sorts by value, a list gives the order. Formats are d3 formats shown with
    Swedish separators (",.0f" → "12 345", ".0%" → "12 %"). Axis titles should name the unit.

    >>> df = pd.DataFrame({"grupp": ["A", "B"], "antal": [1200, 800]})
    >>> c = bar_chart(df, "antal", "grupp", "Antal per grupp", "Antal personer", "Grupp",
    ...               "Källa: exempel.", x_format=",.0f")
    >>> c.to_dict()["encoding"]["x"]["axis"]["format"]
    ',.0f'
    """
    name = "stapeldiagrammet"
    extra = [color] if color and color not in (x, y) else []
    frame = _frame(df, name, [x, y, *extra])
    x_type, y_type = _type(frame[x]), _type(frame[y])
    if (x_type == "quantitative") == (y_type == "quantitative"):
        raise KompetensError(
            f"Ett stapeldiagram behöver en kolumn med tal och en med kategorier; {x!r} och "
            f"{y!r} är {'båda tal' if x_type == 'quantitative' else 'båda kategorier'}."
        )
    value, category = (x, y) if x_type == "quantitative" else (y, x)
    if isinstance(sort, str):
        if sort not in ("ascending", "descending"):
            raise KompetensError(
                f"Okänd sortering: {sort!r}. Giltiga: None (tabellens ordning), "
                "'ascending', 'descending' eller en lista med kategorierna."
            )
        order = frame.sort_values(value, ascending=sort == "ascending")[category]
        category_sort: Any = list(dict.fromkeys(order.astype(str)))
    elif sort is None:
        category_sort = list(dict.fromkeys(frame[category].astype(str)))
    else:
        category_sort = [str(v) for v in sort]
    frame[category] = frame[category].astype(str)
    enc_x = alt.X(f"{x}:{x_type[0].upper()}", title=x_title, axis=_axis(x_format))
    enc_y = alt.Y(f"{y}:{y_type[0].upper()}", title=y_title, axis=_axis(y_format))
    if category == x:
        enc_x = enc_x.sort(category_sort)
    else:
        enc_y = enc_y.sort(category_sort)
    tooltip = [
        alt.Tooltip(f"{category}:N", title=y_title if category == y else x_title),
        alt.Tooltip(
            f"{value}:Q",
            title=x_title if value == x else y_title,
            format=(x_format if value == x else y_format) or ",",
        ),
    ]
    encoding: dict[str, Any] = {"x": enc_x, "y": enc_y, "tooltip": tooltip}
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=color_title or color)
        tooltip.append(alt.Tooltip(f"{color}:N", title=color_title or color))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(**encoding)
        .properties(title=chart_title(title, source, subtitle))
    )


def line_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    x_title: str,
    y_title: str,
    source: str,
    *,
    subtitle: str | Sequence[str] | None = None,
    color: str | None = None,
    color_title: str | None = None,
    x_format: str | None = None,
    y_format: str | None = COUNT_FORMAT,
    points: bool = True,
) -> alt.Chart:
    """A line chart, one line per value of ``color``. Integer ``x`` is treated as years.

    >>> df = pd.DataFrame({"år": [2020, 2021], "antal": [10500, 11200]})
    >>> c = line_chart(df, "år", "antal", "Antal", "År", "Antal personer", "Källa: exempel.")
    >>> c.to_dict()["encoding"]["x"]["axis"]["format"]
    'd'
    """
    name = "linjediagrammet"
    extra = [color] if color and color not in (x, y) else []
    frame = _frame(df, name, [x, y, *extra])
    _numeric(frame, y, name)
    x_type = _type(frame[x])
    x_scale = alt.Scale()
    if x_type == "quantitative" and pd.api.types.is_integer_dtype(frame[x]) and x_format is None:
        x_format = YEAR_FORMAT  # years: no thousands separator
        x_scale = alt.Scale(zero=False)
    if color:
        _unique(frame, [x, color], name)
    else:
        _unique(frame, [x], name)
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:{x_type[0].upper()}", title=x_title, axis=_axis(x_format), scale=x_scale),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=_axis(y_format)),
        "tooltip": [
            alt.Tooltip(
                f"{x}:{x_type[0].upper()}",
                title=x_title,
                **({"format": x_format} if x_format and x_type != "temporal" else {}),
            ),
            alt.Tooltip(f"{y}:Q", title=y_title, format=y_format or ","),
        ],
    }
    if color:
        frame[color] = frame[color].astype(str)
        order = list(dict.fromkeys(frame[color]))
        encoding["color"] = alt.Color(f"{color}:N", title=color_title or color, sort=order)
        encoding["tooltip"].append(alt.Tooltip(f"{color}:N", title=color_title or color))
    return (
        alt.Chart(frame)
        .mark_line(point=points)
        .encode(**encoding)
        .properties(title=chart_title(title, source, subtitle))
    )


# ----------------------------------------------------------------------------------------
# Charts for the forecast notebooks (02–05)
# ----------------------------------------------------------------------------------------

#: Methods in the order and colours used in every chart (Swedish labels as in
#: :data:`kompetens_lib.methods.breakdown.METHOD_LABELS`).
METHOD_ORDER: tuple[str, ...] = ("Fast andel", "Trendandel", "Shift-share", "Betingad (RAS)")
METHOD_SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond")
FORM_ORDER: tuple[str, ...] = (
    "Gymnasieskola", "Komvux", "Yrkeshögskola", "Universitet och högskola",
)
NEED_PARTS: tuple[str, ...] = (
    "Ersättningsbehov (pensionsavgångar)", "Expansionsbehov (växande efterfrågan)",
)
BAND_COLOR = "#c9d9e6"
INDEX_FORMAT = ".0f"
DEVIATION_FORMAT = ".1~%"  # −1,5 %, −1 %, 0 %: no repeated labels on small spans


def _method_scale(labels: Sequence[str]) -> tuple[list[str], alt.Scale]:
    order = [m for m in METHOD_ORDER if m in labels] + [m for m in labels if m not in METHOD_ORDER]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(order))]
    return order, alt.Scale(domain=order, range=colors)


def _int_years(frame: pd.DataFrame, column: str, chart: str) -> None:
    _numeric(frame, column, chart)
    if frame[column].isna().any() or (frame[column] % 1 != 0).any():
        raise KompetensError(f"Kolumnen {column!r} till {chart} ska innehålla hela årtal, som 2023.")
    frame[column] = frame[column].astype("int64")


def _year_axis(title: str = "År") -> alt.X:
    # nice=False: the axis ends at the last year instead of a rounded year after it.
    return alt.X("year:Q", title=title, axis=alt.Axis(format=YEAR_FORMAT, tickMinStep=1),
                 scale=alt.Scale(zero=False, nice=False))


def method_comparison_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Riksprognosen nedbruten till länet med fyra metoder",
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
    frame = _frame(df, name, ["year", "method_label", "value"])
    _int_years(frame, "year", name)
    _numeric(frame, "value", name)
    frame["method_label"] = frame["method_label"].astype(str)
    _unique(frame, ["year", "method_label"], name)
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
    frame = _frame(df, name, ["short_name", "method_label", "value"])
    _numeric(frame, "value", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["method_label"] = frame["method_label"].astype(str)
    _unique(frame, ["short_name", "method_label"], name)
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
    title: str = "Back-test: hur fel hade metoderna för länet?",
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
    name = "back-testdiagrammet"
    frame = _frame(df, name, ["method_label", "wape"], ["wape_all"])
    _numeric(frame, "wape", name)
    frame["method_label"] = frame["method_label"].astype(str)
    _unique(frame, ["method_label"], name)
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
        _numeric(frame, "wape_all", name)
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
    frame = _frame(df, name, ["short_name", "horizon_label", "value"])
    _numeric(frame, "value", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["horizon_label"] = frame["horizon_label"].astype(str)
    _unique(frame, ["short_name", "horizon_label"], name)
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
    frame = _frame(df, name, ["year", "value", series], ["projection"])
    _int_years(frame, "year", name)
    _numeric(frame, "value", name)
    frame[series] = frame[series].astype(str)
    _unique(frame, ["year", series], name)
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
    frame = _frame(df, name, ["year", *band, *lines])
    _int_years(frame, "year", name)
    for column in [*band, *lines]:
        _numeric(frame, column, name)
    _unique(frame, ["year"], name)
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
    frame = _frame(df, name, ["short_name", "change"], ["change_min", "change_max"])
    for column in ("change", "change_min", "change_max"):
        if column in frame.columns:
            _numeric(frame, column, name)
    frame["short_name"] = frame["short_name"].astype(str)
    _unique(frame, ["short_name"], name)
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
            subtitle = "Det svarta strecket visar spannet mellan de fyra metoderna."
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
    from kompetens_lib.workbook.results import JUDGEMENT_STYLE

    name = "balansdiagrammet"
    frame = _frame(df, name, ["short_name", "ratio", "judgement"])
    _numeric(frame, "ratio", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["judgement"] = frame["judgement"].astype(str)
    _unique(frame, ["short_name"], name)
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
        subtitle = "Under 100: färre i arbetskraften än som efterfrågas. Ordet är bedömningen."
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
    frame = _frame(df, name, ["short_name", "replacement", "expansion"])
    _numeric(frame, "replacement", name)
    _numeric(frame, "expansion", name)
    frame["short_name"] = frame["short_name"].astype(str)
    _unique(frame, ["short_name"], name)
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
    frame = _frame(df, name, ["short_name", "need_per_year", "graduates"])
    _numeric(frame, "need_per_year", name)
    _numeric(frame, "graduates", name)
    frame["short_name"] = frame["short_name"].astype(str)
    _unique(frame, ["short_name"], name)
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
    frame = _frame(df, name, ["short_name", "form_label", "places"])
    _numeric(frame, "places", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["form_label"] = frame["form_label"].astype(str)
    _unique(frame, ["short_name", "form_label"], name)
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
