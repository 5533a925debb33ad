"""General bar and line charts for tables the other builders do not cover (the notebooks'
own questions, the explorers' sensitivity views)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.common import (
    COUNT_FORMAT,
    YEAR_FORMAT,
    chart_title,
    checked_frame,
    require_numeric,
    require_unique,
)

__all__ = ["Sort", "bar_chart", "line_chart"]

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
    frame = checked_frame(df, name, [x, y, *extra])
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
    frame = checked_frame(df, name, [x, y, *extra])
    require_numeric(frame, y, name)
    x_type = _type(frame[x])
    x_scale = alt.Scale()
    if x_type == "quantitative" and pd.api.types.is_integer_dtype(frame[x]) and x_format is None:
        x_format = YEAR_FORMAT  # years: no thousands separator
        x_scale = alt.Scale(zero=False)
    if color:
        require_unique(frame, [x, color], name)
    else:
        require_unique(frame, [x], name)
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
