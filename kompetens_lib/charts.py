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

from .errors import KompetensError
from .render import ACCENT, NATIONAL_GREY, PALETTE, PRIMARY, TEXT_COLOR
from .taxonomy import LEVELS, POPULATION_AGE_BANDS, age_band_label

__all__ = [
    "MAX_ROWS",
    "age_structure_chart",
    "bar_chart",
    "commuting_chart",
    "level_mix_chart",
    "line_chart",
    "location_quotient_chart",
    "older_share_chart",
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


def _title(title: str, source: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
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
    return alt.layer(bars, rule).properties(title=_title(title, source, subtitle))


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
    follow :data:`kompetens_lib.taxonomy.LEVELS`; Riket is grey.

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
        .properties(title=_title(title, source, subtitle))
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
        .properties(title=_title(title, source, subtitle), width=max(520, 90 * len(order)))
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
    titled = _title(title, source, subtitle)
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
        .properties(title=_title(title, source, subtitle))
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
        .properties(title=_title(title, source, subtitle))
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
        .properties(title=_title(title, source, subtitle))
    )
