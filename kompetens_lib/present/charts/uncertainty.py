"""Charts of the uncertainty beyond the method range (notebook 02): the back-test error
band by horizon and cell size, and the target year's groups with their band."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kompetens_lib.present.charts.common import (
    chart_title,
    checked_frame,
    require_numeric,
)

__all__ = ["error_band_chart", "group_band_chart"]


def error_band_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Hur fel har nedbrytningen blivit? Felband efter horisont och gruppstorlek",
    subtitle: str | Sequence[str] | None = None,
) -> alt.Chart:
    """One line per size class: the error band (percent) against the back-test horizon.

    ``df`` has ``horizon``, ``size_class`` and ``band`` (e.g. from
    ``breakdown_tables.error_band_table``).

    >>> df = pd.DataFrame({"horizon": [2, 8], "size_class": ["10 000+"] * 2, "band": [2.0, 4.0]})
    >>> error_band_chart(df, source="Källa: exempel.").to_dict()["mark"]["type"]
    'line'
    """
    name = "felbandsdiagrammet"
    frame = checked_frame(df, name, ["horizon", "size_class", "band"])
    require_numeric(frame, "band", name)
    frame["size_class"] = frame["size_class"].astype(str)
    order = list(dict.fromkeys(frame["size_class"]))
    if subtitle is None:
        subtitle = ("Felet som 8 av 10 grupper i bakåttestet hamnade inom. Små grupper i små "
                    "län dras mot mönstret för alla län.")
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("horizon:Q", title="Horisont, år från basåret", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("band:Q", title="Felband, ± procent", axis=alt.Axis(format=".0f")),
        color=alt.Color("size_class:N", title="Gruppens storlek i länet", sort=order),
        tooltip=[alt.Tooltip("size_class:N", title="Storlek"),
                 alt.Tooltip("horizon:Q", title="Horisont, år"),
                 alt.Tooltip("band:Q", title="Felband, ± procent", format=".1f")],
    ).properties(title=chart_title(title, source, subtitle), width=420)


def group_band_chart(
    df: pd.DataFrame,
    *,
    source: str,
    title: str = "Efterfrågan målåret med felband",
    subtitle: str | Sequence[str] | None = None,
) -> alt.LayerChart:
    """Per group: a bar from ``low`` to ``high`` (the back-test band), the method range as a
    thin dark rule and the chosen method's ``value`` as a point.

    >>> df = pd.DataFrame({"short_name": ["A"], "value": [100.0], "low": [90.0],
    ...                    "high": [110.0], "method_min": [95.0], "method_max": [104.0]})
    >>> [l["mark"]["type"] for l in group_band_chart(df, source="K.").to_dict()["layer"]]
    ['bar', 'rule', 'point']
    """
    name = "felbandet per grupp"
    frame = checked_frame(df, name, ["short_name", "value", "low", "high", "method_min",
                                     "method_max"])
    for column in ("value", "low", "high", "method_min", "method_max"):
        require_numeric(frame, column, name)
    frame["short_name"] = frame["short_name"].astype(str)
    if subtitle is None:
        subtitle = ("Ljust fält: felbandet från bakåttestet. Mörkt streck: spannet mellan "
                    "metoderna. Punkt: vald metod.")
    y = alt.Y("short_name:N", title="Utbildningsgrupp", sort=None)
    tooltip = [alt.Tooltip("short_name:N", title="Grupp"),
               alt.Tooltip("value:Q", title="Vald metod", format=",.0f"),
               alt.Tooltip("low:Q", title="Felband, lägst", format=",.0f"),
               alt.Tooltip("high:Q", title="Felband, högst", format=",.0f")]
    band = alt.Chart(frame).mark_bar(opacity=0.35, height=12).encode(
        x=alt.X("low:Q", title="Antal förvärvsarbetande"), x2="high:Q", y=y, tooltip=tooltip)
    rule = alt.Chart(frame).mark_rule(strokeWidth=3).encode(x="method_min:Q", x2="method_max:Q",
                                                            y=y)
    point = alt.Chart(frame).mark_point(filled=True, size=50).encode(x="value:Q", y=y,
                                                                     tooltip=tooltip)
    return alt.layer(band, rule, point).properties(
        title=chart_title(title, source, subtitle), width=420)
