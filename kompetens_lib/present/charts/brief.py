"""The two charts of the one-page brief (notebook 07): the recruitment need of the largest
groups, split into retirements and growth, and the groups where supply falls shortest."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.common import COUNT_FORMAT, chart_title
from kompetens_lib.present.render import PRIMARY

__all__ = ["need_chart", "shortage_chart"]


def need_chart(need: pd.DataFrame, *, source: str, n: int = 10, period: str = "",
               method: str = "") -> alt.Chart:
    """Stacked horizontal bars: recruitment need of the ``n`` largest groups, split into
    retirements and growth (negative growth shown as 0).

    ``need`` has ``short_name``, ``replacement``, ``expansion``, ``need`` (e.g.
    :func:`kompetens_lib.workbook.results.need_table`).

    >>> df = pd.DataFrame({"short_name": ["A", "B"], "replacement": [500.0, 300.0],
    ...                    "expansion": [200.0, -50.0], "need": [700.0, 300.0]})
    >>> need_chart(df, source="Källa: exempel.").to_dict()["mark"]["type"]
    'bar'
    """
    for column in ("short_name", "replacement", "expansion", "need"):
        if column not in need.columns:
            raise KompetensError(
                f"Tabellen till behovsdiagrammet saknar kolumnen {column!r}; den behöver "
                "short_name, replacement, expansion och need (från results.need_table)."
            )
    top = need.nlargest(n, "need")
    order = top["short_name"].astype(str).tolist()
    parts = {"Ersättningsbehov": top["replacement"].clip(lower=0),
             "Ökad efterfrågan": top["expansion"].clip(lower=0)}
    frame = pd.concat([
        pd.DataFrame({"short_name": top["short_name"].astype(str), "part": label,
                      "value": values.astype(float), "need": top["need"].astype(float)})
        for label, values in parts.items()
    ], ignore_index=True)
    frame["order"] = frame["part"].map({"Ersättningsbehov": 0, "Ökad efterfrågan": 1})
    subtitle = [f"De {len(order)} utbildningsgrupper som behöver flest nya personer"
                + (f" {period}" if period else "") + "."]
    if method:
        subtitle.append(f"Nedbrytning med metoden {method.lower()}.")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", stack="zero", title="Antal personer",
                    axis=alt.Axis(format=COUNT_FORMAT)),
            y=alt.Y("short_name:N", title=None, sort=order),
            color=alt.Color("part:N", title="Därför behövs de",
                            scale=alt.Scale(domain=list(parts), range=[PRIMARY, "#d9822b"])),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("part:N", title="Del"),
                alt.Tooltip("value:Q", title="Personer", format=COUNT_FORMAT),
                alt.Tooltip("need:Q", title="Rekryteringsbehov totalt", format=COUNT_FORMAT),
            ],
        )
        .properties(title=chart_title("Rekryteringsbehov per utbildningsgrupp", source, subtitle),
                    width=520)
    )


def shortage_chart(table: pd.DataFrame, *, source: str, n: int = 10,
                   target_year: int | None = None) -> alt.Chart:
    """Horizontal bars of how many are missing per 100 demanded (100 − supply per 100
    demanded) in the target year, for the ``n`` groups where supply falls shortest,
    coloured by judgement. Bars start at 0; a negative bar means more supply than demand.

    ``table`` has ``short_name``, ``ratio`` (100 · S/D) and ``judgement`` (e.g.
    :func:`kompetens_lib.workbook.results.balance_table`).

    >>> df = pd.DataFrame({"short_name": ["A", "B"], "ratio": [88.0, 97.0],
    ...                    "judgement": ["stor brist", "brist"]})
    >>> spec = shortage_chart(df, source="Källa: exempel.").to_dict()
    >>> [row["missing"] for row in spec["datasets"][spec["data"]["name"]]]
    [12.0, 3.0]
    """
    from kompetens_lib.present.tables import JUDGEMENT_STYLE

    for column in ("short_name", "ratio", "judgement"):
        if column not in table.columns:
            raise KompetensError(
                f"Tabellen till bristdiagrammet saknar kolumnen {column!r}; den behöver "
                "short_name, ratio och judgement (från results.balance_table)."
            )
    frame = table.dropna(subset=["ratio"]).nsmallest(n, "ratio")[
        ["short_name", "ratio", "judgement"]].copy()
    if frame.empty:
        raise KompetensError("Bristdiagrammet har inga grupper med både tillgång och efterfrågan.")
    frame["short_name"] = frame["short_name"].astype(str)
    frame["judgement"] = frame["judgement"].astype(str)
    frame["ratio"] = frame["ratio"].astype(float)
    frame["missing"] = 100.0 - frame["ratio"]
    order = frame["short_name"].tolist()
    words = [w for w in JUDGEMENT_STYLE if w in set(frame["judgement"])]
    when = f" {target_year}" if target_year else ""
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("missing:Q", title="Saknas per 100 efterfrågade", axis=alt.Axis(format="d")),
            y=alt.Y("short_name:N", title=None, sort=order),
            color=alt.Color("judgement:N", title=f"Bedömning{when}", sort=words,
                            scale=alt.Scale(domain=words,
                                            range=[JUDGEMENT_STYLE[w][0] for w in words])),
            tooltip=[
                alt.Tooltip("short_name:N", title="Utbildningsgrupp"),
                alt.Tooltip("missing:Q", title="Saknas per 100 efterfrågade", format=".0f"),
                alt.Tooltip("ratio:Q", title="Tillgång per 100 efterfrågade", format=".0f"),
                alt.Tooltip("judgement:N", title="Bedömning"),
            ],
        )
    )
    subtitle = [f"De {len(order)} utbildningsgrupper där tillgången räcker sämst{when}.",
                "10 betyder att det finns 90 tillgängliga per 100 efterfrågade."]
    return bars.properties(
        title=chart_title("Där det blir svårast att rekrytera", source, subtitle), width=520)
