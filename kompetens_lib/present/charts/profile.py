"""Charts of notebook 01 (the county today): location quotients, education levels, age
structure, the older share and commuting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.common import (
    COUNT_FORMAT,
    LQ_FORMAT,
    PERCENT_FORMAT,
    PERCENT_TOOLTIP_FORMAT,
    YEAR_FORMAT,
    area_colors,
    area_order,
    chart_title,
    checked_frame,
    ordered,
    require_numeric,
    require_shares,
    require_unique,
    share_value,
    top_n,
)
from kompetens_lib.present.render import ACCENT, PRIMARY, TEXT_COLOR
from kompetens_lib.reference.taxonomy import LEVELS, POPULATION_AGE_BANDS, age_band_label

__all__ = [
    "DIRECTION_LABELS",
    "age_structure_chart",
    "commuting_chart",
    "level_mix_chart",
    "location_quotient_chart",
    "older_share_chart",
]

DIRECTION_LABELS: dict[str, str] = {"in": "Inpendlare", "ut": "Utpendlare"}


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
    n = top_n(n, name)
    frame = checked_frame(df, name, ["short_name", "lq", "employed"], ["highlight"])
    require_numeric(frame, "lq", name)
    require_numeric(frame, "employed", name)
    frame["short_name"] = frame["short_name"].astype(str)
    require_unique(frame, ["short_name"], name)
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
    frame = checked_frame(df, name, ["area", "level", "share"])
    require_shares(frame, "share", name)
    frame["area"] = frame["area"].astype(str)
    frame["level"] = frame["level"].astype(str)
    require_unique(frame, ["area", "level"], name)
    areas = area_order(frame)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title=value_title, axis=alt.Axis(format=PERCENT_FORMAT)),
            y=alt.Y("level:N", title="Utbildningsnivå", sort=ordered(frame["level"], LEVELS)),
            yOffset=alt.YOffset("area:N", sort=areas),
            color=alt.Color("area:N", title="Område", sort=areas, scale=area_colors(areas)),
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
    frame = checked_frame(df, name, ["area", "age_band", "share"])
    require_shares(frame, "share", name)
    frame["area"] = frame["area"].astype(str)
    codes = frame["age_band"].astype(str).str.strip()
    unknown = sorted(set(codes) - set(POPULATION_AGE_BANDS))
    if unknown:
        raise KompetensError(
            f"Okänd åldersgrupp i {name}: {unknown[0]!r}. Giltiga koder: "
            f"{', '.join(POPULATION_AGE_BANDS)}."
        )
    frame["age_band"] = codes
    require_unique(frame, ["area", "age_band"], name)
    frame["age_label"] = codes.map(age_band_label)
    order = [age_band_label(c) for c in POPULATION_AGE_BANDS if c in set(codes)]
    areas = area_order(frame)
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("age_label:N", title="Åldersgrupp", sort=order, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("area:N", sort=areas),
            y=alt.Y("share:Q", title=value_title, axis=alt.Axis(format=PERCENT_FORMAT)),
            color=alt.Color("area:N", title="Område", sort=areas, scale=area_colors(areas)),
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
    n = top_n(n, name)
    average = share_value(average, "average", name)
    frame = checked_frame(df, name, ["short_name", "share_55plus", "employed"])
    require_shares(frame, "share_55plus", name)
    require_numeric(frame, "employed", name)
    frame["short_name"] = frame["short_name"].astype(str)
    require_unique(frame, ["short_name"], name)
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
    frame = checked_frame(df, name, ["year", "direction", "value"])
    require_numeric(frame, "year", name)
    require_numeric(frame, "value", name)
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
    require_unique(frame, ["year", "direction"], name)
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
