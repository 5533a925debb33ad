"""Charts of the industry notebook (issue 13): the county's industries against Riket, the
industry-based breakdown beside fixed share, the establishment layer and its extra need."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kompetens_lib.present.charts.common import (
    COUNT_FORMAT,
    LQ_FORMAT,
    PERCENT_TOOLTIP_FORMAT,
    YEAR_FORMAT,
    chart_title,
    checked_frame,
    require_numeric,
    top_n,
)
from kompetens_lib.present.render import ACCENT, NATIONAL_GREY, PALETTE, PRIMARY, TEXT_COLOR

__all__ = ["OTHER_GROUPS", "establishment_layer_chart", "extra_need_chart",
           "industry_breakdown_chart", "industry_lq_chart"]

OTHER_GROUPS = "Övriga grupper"


def industry_lq_chart(df: pd.DataFrame, *, source: str,
                      title: str = "Lokaliseringskvot per näringsgren",
                      subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """Horizontal bars of the location quotient by industry, rule at 1,0.

    ``df`` is :func:`kompetens_lib.workbook.industry_tables.industry_structure`'s table
    (``short_name``, ``lq``, ``employed``, ``region_share``, ``national_share``); industries
    without employment in Riket are left out.

    >>> df = pd.DataFrame({"short_name": ["Gruvor", "Handel"], "lq": [5.0, 0.8],
    ...                    "employed": [9000, 12000], "region_share": [0.1, 0.1],
    ...                    "national_share": [0.02, 0.125]})
    >>> industry_lq_chart(df, source="Källa: exempel.").to_dict()["layer"][0]["mark"]["type"]
    'bar'
    """
    name = "näringsgrensdiagrammet"
    frame = checked_frame(df, name, ["short_name", "lq", "employed", "region_share",
                                     "national_share"])
    for column in ("lq", "employed", "region_share", "national_share"):
        require_numeric(frame, column, name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame = frame.dropna(subset=["lq"]).sort_values("lq", ascending=False)
    frame["above"] = frame["lq"] > 1
    if subtitle is None:
        subtitle = "Över 1,0: näringsgrenen är en större del av länets sysselsättning än rikets."
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("lq:Q", title="Lokaliseringskvot (riket = 1,0)", axis=alt.Axis(format=LQ_FORMAT)),
        y=alt.Y("short_name:N", title="Näringsgren", sort=frame["short_name"].tolist()),
        color=alt.when(alt.datum.above).then(alt.value(ACCENT)).otherwise(alt.value(PRIMARY)),
        tooltip=[alt.Tooltip("short_name:N", title="Näringsgren"),
                 alt.Tooltip("lq:Q", title="Lokaliseringskvot", format=".2f"),
                 alt.Tooltip("employed:Q", title="Förvärvsarbetande", format=COUNT_FORMAT),
                 alt.Tooltip("region_share:Q", title="Andel i länet",
                             format=PERCENT_TOOLTIP_FORMAT),
                 alt.Tooltip("national_share:Q", title="Andel i riket",
                             format=PERCENT_TOOLTIP_FORMAT)],
    )
    rule = alt.Chart(pd.DataFrame({"lq": [1.0]})).mark_rule(
        strokeDash=[4, 3], color=TEXT_COLOR).encode(x="lq:Q")
    return alt.layer(bars, rule).properties(title=chart_title(title, source, subtitle))


def industry_breakdown_chart(df: pd.DataFrame, *, source: str, n: int = 12,
                             title: str = "Näringsgrensbaserad nedbrytning och fast andel",
                             subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """Two dots per group, the industry-based breakdown and fixed share in the target year,
    joined by a line, for the ``n`` groups where they differ most.

    ``df`` is :func:`kompetens_lib.workbook.industry_tables.industry_breakdown_table`'s table
    (``short_name``, ``industry``, ``fixed_share``, ``difference``).
    """
    name = "diagrammet över näringsgrensbaserad nedbrytning"
    n = top_n(n, name)
    frame = checked_frame(df, name, ["short_name", "industry", "fixed_share", "difference"])
    for column in ("industry", "fixed_share", "difference"):
        require_numeric(frame, column, name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame = frame.reindex(frame["difference"].abs().sort_values(ascending=False).index).head(n)
    order = frame["short_name"].tolist()
    labels = {"industry": "Näringsgrensbaserad", "fixed_share": "Fast andel"}
    long = frame.melt(id_vars=["short_name"], value_vars=list(labels), var_name="method",
                      value_name="value")
    long["method"] = long["method"].map(labels)
    if subtitle is None:
        subtitle = (f"De {n} grupper där metoderna skiljer mest. Efterfrågan målåret, antal "
                    "personer.")
    y = alt.Y("short_name:N", title="Utbildningsgrupp", sort=order)
    lines = alt.Chart(frame).mark_rule(color=NATIONAL_GREY).encode(
        x=alt.X("industry:Q", title="Efterfrågan målåret (antal personer)",
                axis=alt.Axis(format=COUNT_FORMAT)),
        x2="fixed_share:Q", y=y)
    dots = alt.Chart(long).mark_point(filled=True, size=80).encode(
        x="value:Q", y=y,
        color=alt.Color("method:N", title="Metod",
                        scale=alt.Scale(domain=list(labels.values()), range=[ACCENT, PRIMARY])),
        tooltip=[alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                 alt.Tooltip("method:N", title="Metod"),
                 alt.Tooltip("value:Q", title="Efterfrågan", format=COUNT_FORMAT)])
    return alt.layer(lines, dots).properties(title=chart_title(title, source, subtitle))


def establishment_layer_chart(layer: pd.DataFrame, *, source: str, n: int = 6,
                              title: str = "Etableringslagret per utbildningsgrupp och år",
                              subtitle: str | Sequence[str] | None = None) -> alt.Chart:
    """Stacked bars of the establishment layer by year: the ``n`` groups with the largest
    absolute value in the last year, the rest as :data:`OTHER_GROUPS`.

    ``layer`` is :func:`kompetens_lib.workbook.industry_tables.establishment_layer`'s table
    for one county (``short_name``, ``year``, ``value``).
    """
    name = "diagrammet över etableringslagret"
    n = top_n(n, name)
    frame = checked_frame(layer, name, ["short_name", "year", "value"])
    require_numeric(frame, "value", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame["year"] = frame["year"].astype(int)
    last = frame[frame["year"] == frame["year"].max()]
    top = last.groupby("short_name")["value"].sum().abs().nlargest(n).index.tolist()
    frame["group"] = frame["short_name"].where(frame["short_name"].isin(top), OTHER_GROUPS)
    frame = frame.groupby(["year", "group"], as_index=False)["value"].sum()
    domain = [*top, OTHER_GROUPS] if (frame["group"] == OTHER_GROUPS).any() else top
    colors = [c for c in PALETTE if c != NATIONAL_GREY][:len(top)]
    colors += [NATIONAL_GREY] * (len(domain) - len(colors))
    if subtitle is None:
        subtitle = ("Efterfrågan som etableringarna lägger till (negativ vid nedläggning), "
                    "antal personer.")
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("year:O", title="År", axis=alt.Axis(format=YEAR_FORMAT, labelAngle=0)),
        y=alt.Y("sum(value):Q", title="Antal personer", axis=alt.Axis(format=COUNT_FORMAT)),
        color=alt.Color("group:N", title="Utbildningsgrupp",
                        scale=alt.Scale(domain=domain, range=colors), sort=domain),
        order=alt.Order("group:N"),
        tooltip=[alt.Tooltip("year:O", title="År"),
                 alt.Tooltip("group:N", title="Utbildningsgrupp"),
                 alt.Tooltip("sum(value):Q", title="Antal personer", format=COUNT_FORMAT)],
    ).properties(title=chart_title(title, source, subtitle))


def extra_need_chart(df: pd.DataFrame, *, source: str, n: int = 12,
                     title: str = "Extra rekryteringsbehov av etableringarna",
                     subtitle: str | Sequence[str] | None = None) -> alt.LayerChart:
    """Horizontal bars of the extra recruitment need by group over the period (negative:
    less need), the ``n`` groups with the largest absolute change.

    ``df`` is :func:`kompetens_lib.workbook.establishment_effect.extra_need`'s table
    (``short_name``, ``extra_need``, ``layer_expansion``).
    """
    name = "diagrammet över extra rekryteringsbehov"
    n = top_n(n, name)
    frame = checked_frame(df, name, ["short_name", "extra_need", "layer_expansion"])
    require_numeric(frame, "extra_need", name)
    require_numeric(frame, "layer_expansion", name)
    frame["short_name"] = frame["short_name"].astype(str)
    frame = frame.reindex(frame["extra_need"].abs().sort_values(ascending=False).index).head(n)
    frame["positive"] = frame["extra_need"] >= 0
    if subtitle is None:
        subtitle = (f"De {n} grupper där behovet ändras mest. Antal personer under perioden: "
                    "rekryteringsbehov med etableringarna minus utan.")
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("extra_need:Q", title="Extra rekryteringsbehov (antal personer)",
                axis=alt.Axis(format=COUNT_FORMAT)),
        y=alt.Y("short_name:N", title="Utbildningsgrupp", sort=frame["short_name"].tolist()),
        color=alt.when(alt.datum.positive).then(alt.value(PRIMARY)).otherwise(alt.value(ACCENT)),
        tooltip=[alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                 alt.Tooltip("extra_need:Q", title="Extra behov", format=COUNT_FORMAT),
                 alt.Tooltip("layer_expansion:Q", title="Etableringarnas expansion",
                             format=COUNT_FORMAT)])
    rule = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=TEXT_COLOR).encode(x="x:Q")
    return alt.layer(bars, rule).properties(title=chart_title(title, source, subtitle))
