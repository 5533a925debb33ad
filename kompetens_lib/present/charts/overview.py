"""The map of the cohort overview (``build/index.html``): one tile per county, with
drop-downs for the education group and the measure, computed in the browser."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kompetens_lib.present.charts.common import chart_title
from kompetens_lib.present.charts.maps import SCHEMATIC_NOTE, TILE_SIZE, TILES, abbreviate
from kompetens_lib.reference.regions import region_name

__all__ = ["map_chart"]


def map_chart(data: pd.DataFrame, *, source: str, group: str | None = None) -> alt.LayerChart:
    """Tile map with two drop-downs: education group (starting on ``group`` when it is
    one of the data's) and measure. The title names the chosen group and measure."""
    groups = list(dict.fromkeys(data["group"]))
    if group in groups:
        groups.remove(group)
        groups.insert(0, group)
    measures = list(dict.fromkeys(data["measure"]))
    tiles = pd.DataFrame([(c, col, row) for c, (col, row) in TILES.items()],
                         columns=["region", "col", "row"])
    frame = data.merge(tiles, on="region")
    frame["name"] = frame["region"].map(region_name)
    frame["abbrev"] = frame["region"].map(
        lambda c: abbreviate(region_name(c).removesuffix(" län").removesuffix("s")))
    group_param = alt.param(name="grupp", value=groups[0],
                      bind=alt.binding_select(options=groups, name="Utbildningsgrupp: "))
    measure = alt.param(name="matt", value=measures[0],
                        bind=alt.binding_select(options=measures, name="Mått: "))
    base = alt.Chart(frame).transform_filter(
        "datum.group == grupp && datum.measure == matt"
    ).transform_joinaggregate(
        lo="min(value)", hi="max(value)"
    ).transform_calculate(
        rel="(datum.value - datum.lo) / max(datum.hi - datum.lo, 1e-9)"
    ).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
        tooltip=[alt.Tooltip("name:N", title="Län"), alt.Tooltip("group:N", title="Grupp"),
                 alt.Tooltip("measure:N", title="Mått"), alt.Tooltip("label:N", title="Värde")],
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        color=alt.Color("rel:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=None),
    )
    text_color = alt.condition("datum.rel > 0.6", alt.value("white"), alt.value("#1b1b1b"))
    names = base.mark_text(baseline="bottom", dy=-2, fontSize=10).encode(
        text="abbrev:N", color=text_color)
    values = base.mark_text(baseline="top", dy=2, fontSize=11, fontWeight="bold").encode(
        text="label:N", color=text_color)
    cols = max(c for c, _ in TILES.values()) + 1
    rows = max(r for _, r in TILES.values()) + 1
    title = chart_title("Länen jämförda för en utbildningsgrupp", source,
                        [SCHEMATIC_NOTE,
                         "Välj grupp och mått under kartan. Mörkare ruta = högre värde."])
    title = title.to_dict() if hasattr(title, "to_dict") else dict(title)
    # The title follows the drop-downs, so a saved picture says what it shows.
    title["text"] = {"expr": "matt + ' – ' + grupp"}
    return alt.layer(rect, names, values).add_params(group_param, measure).properties(
        title=title, width=cols * TILE_SIZE, height=rows * TILE_SIZE,
    )
