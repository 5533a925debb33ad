"""The charts of notebook 08: how far every county lies from yours, and the recruitment need
as a share of today's employed in your county, comparable counties and Riket."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.common import (
    COUNT_FORMAT,
    PERCENT_TOOLTIP_FORMAT,
    chart_title,
)
from kompetens_lib.present.render import ACCENT, NATIONAL_GREY, PRIMARY, TEXT_COLOR
from kompetens_lib.reference.regions import region_name
from kompetens_lib.workbook.compare import (
    ALL_GROUPS,
    METHOD_LABELS,
    ROLE_NATIONAL,
    ROLE_OWN,
    ROLE_PEER,
    SIZE_WEIGHT,
)

__all__ = ["comparison_chart", "distance_chart"]


def distance_chart(table: pd.DataFrame, *, source: str) -> alt.Chart:
    """Horizontal bars of the distance to every other county; the chosen ones stand out.

    ``table`` is :func:`comparable_regions`.
    """
    frame = table[["name", "mix_distance", "size_ratio", "distance", "chosen"]].copy()
    frame["name"] = frame["name"].astype(str)
    frame["kind"] = np.where(frame["chosen"], "Jämförbart län", "Övriga län")
    own = region_name(table.attrs["region"]) if table.attrs.get("region") else "ditt län"
    weight = table.attrs.get("size_weight", SIZE_WEIGHT)
    shown_weight = f"{weight:g}".replace(".", ",")
    subtitle = [
        (f"Avstånd = skillnad i utbildningssammansättning (procentenheter) + {shown_weight} × "
        "skillnad i storlek"),
        "(logaritmen av kvoten mellan antalen förvärvsarbetande). Kortast avstånd: mest likt.",
    ]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("distance:Q", title="Avstånd (lägre = mer likt)",
                    axis=alt.Axis(format=".0f")),
            y=alt.Y("name:N", title=None, sort=frame["name"].tolist()),
            color=alt.Color("kind:N", title=None,
                            scale=alt.Scale(domain=["Jämförbart län", "Övriga län"],
                                            range=[ACCENT, "#b9c9d6"])),
            tooltip=[
                alt.Tooltip("name:N", title="Län"),
                alt.Tooltip("mix_distance:Q", title="Skillnad i sammansättning, procentenheter",
                            format=".1f"),
                alt.Tooltip("size_ratio:Q", title="Storlek jämfört med ditt län", format=".2f"),
                alt.Tooltip("distance:Q", title="Avstånd", format=".1f"),
            ],
        )
        .properties(title=chart_title(f"Vilka län liknar {own} mest", source, subtitle), width=480)
    )


def comparison_chart(frame: pd.DataFrame, *, source: str) -> alt.LayerChart:
    """Bars of the recruitment need as a share of today's employed, per area; your county
    in the accent colour, Riket grey, a rule at Riket's level.

    ``frame`` is :func:`group_comparison`.
    """
    needed = ["area", "role", "need_rate", "need", "employed", "share_55plus"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise KompetensError(
            f"Tabellen till jämförelsediagrammet saknar {', '.join(missing)}; använd "
            "compare.group_comparison."
        )
    data = frame[needed].copy()
    data["area"] = data["area"].astype(str)
    data["role"] = data["role"].astype(str)
    data = data.dropna(subset=["need_rate"])
    if data.empty:
        raise KompetensError("Ingen av områdena har förvärvsarbetande i gruppen: inget att "
                             "jämföra.")
    attrs = frame.attrs
    group = attrs.get("group_label", "")
    base, target = attrs.get("base_year", ""), attrs.get("target_year", "")
    roles = [ROLE_OWN, ROLE_PEER, ROLE_NATIONAL]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("need_rate:Q", title="Rekryteringsbehov i procent av dagens antal",
                    axis=alt.Axis(format=".0%")),
            y=alt.Y("area:N", title=None, sort=data["area"].tolist()),
            color=alt.Color("role:N", title=None, sort=roles,
                            scale=alt.Scale(domain=roles, range=[ACCENT, PRIMARY,
                                                                 NATIONAL_GREY])),
            tooltip=[
                alt.Tooltip("area:N", title="Område"),
                alt.Tooltip("need_rate:Q", title="Behov i procent av dagens antal",
                            format=PERCENT_TOOLTIP_FORMAT),
                alt.Tooltip("need:Q", title="Rekryteringsbehov, personer", format=COUNT_FORMAT),
                alt.Tooltip("employed:Q", title=f"Förvärvsarbetande {base}",
                            format=COUNT_FORMAT),
                alt.Tooltip("share_55plus:Q", title="Andel 55 år och äldre",
                            format=PERCENT_TOOLTIP_FORMAT),
            ],
        )
    )
    national = data[data["role"] == ROLE_NATIONAL]
    layers = [bars]
    if len(national):
        rule = (alt.Chart(national[["need_rate"]])
                .mark_rule(strokeDash=[4, 3], color=TEXT_COLOR).encode(x="need_rate:Q"))
        layers.append(rule)
    method = METHOD_LABELS.get(attrs.get("method", ""), "")
    subtitle = [(f"{group}. " if attrs.get("group") == ALL_GROUPS else "")
                + (f"Behov {base}–{target} (pensionsavgångar + ökad efterfrågan) delat med "
                   f"antalet förvärvsarbetande {base}."),
                f"Streckad linje: riket. Nedbrytning med metoden {method.lower()}."]
    title = ("Rekryteringsbehovet jämfört med liknande län" if attrs.get("group") == ALL_GROUPS
             or not group else f"Rekryteringsbehovet för {group} jämfört med liknande län")
    return alt.layer(*layers).properties(
        title=chart_title(title, source, subtitle),
        width=480)
