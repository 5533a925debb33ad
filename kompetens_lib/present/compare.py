"""Compare a county with comparable counties and Riket, and borrow another region's notebook.

Comparable counties
-------------------
Two counties are compared on the structure of their employment in the base year:

* **mix distance** – the dissimilarity index of the employment mix over the education
  groups, ``½ · Σ_g |s_rg − s_cg|`` with ``s`` the group's share of the county's employed,
  in percentage points: the share of the employed who would have to have another
  education for the two mixes to be equal (0 = same mix);
* **size distance** – ``|ln(E_c / E_r)|``, the log ratio of the numbers employed.

``distance = mix distance + size_weight · size distance``; the ``n`` counties with the
smallest distance are the comparable ones. With the default ``size_weight`` of 3, a county
twice (or half) as large counts as about 2 percentage points more different (3 · ln 2):
the mix decides, size breaks near-ties. Riket is always shown beside them, never chosen.

The explorer (:func:`explorer`) lets a participant pick a county and an education group;
its callbacks are plain functions of (state, new value) → state, tested without a browser.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from kompetens_lib.methods.breakdown import METHOD_LABELS, breakdown
from kompetens_lib.present.charts import COUNT_FORMAT, PERCENT_TOOLTIP_FORMAT, chart_title
from kompetens_lib.data.tables import load, source_note
from kompetens_lib.errors import KompetensError
from kompetens_lib.methods.need import recruitment_need
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE, NATIONAL_NAME, region_name, regions, resolve_region
from kompetens_lib.present.render import ACCENT, NATIONAL_GREY, PRIMARY, TEXT_COLOR
from kompetens_lib.methods.supply import retirements
from kompetens_lib.reference.taxonomy import education_groups, resolve_group

__all__ = [
    "ALL_GROUPS",
    "ALL_GROUPS_LABEL",
    "DEFAULT_PEERS",
    "EXPLORER_CLASS",
    "KEY_FIGURE_LABELS",
    "SIZE_WEIGHT",
    "ExplorerState",
    "adapt_commands",
    "choose_group",
    "choose_region",
    "comparable_regions",
    "comparison_chart",
    "distance_chart",
    "explorer",
    "explorer_chart",
    "explorer_table",
    "group_comparison",
    "group_options",
    "key_figures",
    "peers",
    "peers_text",
    "show_adapt_commands",
    "start",
]

#: Weight of the size distance (|ln size ratio|) against the mix distance (points).
SIZE_WEIGHT = 3.0
DEFAULT_PEERS = 3
#: Code for "all groups an education leads to" in the comparison and the explorer.
ALL_GROUPS = "alla"
ALL_GROUPS_LABEL = "Alla grupper med gymnasial eller eftergymnasial utbildning"
#: CSS class of the explorer's container: a stable handle for browser tests.
EXPLORER_CLASS = "kompetens-explorer"

ROLE_OWN = "Ditt län"
ROLE_PEER = "Jämförbart län"
ROLE_NATIONAL = "Riket"


# ----------------------------------------------------------------------------------------
# Comparable counties
# ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _structure(year: int | None, source: Any) -> tuple[int, pd.DataFrame]:
    employed = load("employed", source)
    years = sorted(employed["year"].unique().tolist())
    chosen = years[-1] if year is None else int(year)
    if chosen not in years:
        raise KompetensError(
            f"Året {year} finns inte bland de förvärvsarbetande. Giltiga år: "
            f"{years[0]}–{years[-1]}."
        )
    frame = employed[(employed["year"] == chosen) & (employed["region"] != NATIONAL_CODE)]
    wide = frame.pivot_table(index="region", columns="education_group", values="value",
                             aggfunc="sum", fill_value=0, observed=True)
    return chosen, wide.astype(float)


def comparable_regions(region: object, *, n: int = DEFAULT_PEERS, year: int | None = None,
                       size_weight: float = SIZE_WEIGHT, source: Any = None) -> pd.DataFrame:
    """All other counties ordered by how comparable they are to ``region``.

    Returns ``region``, ``name``, ``employed``, ``mix_distance`` (percentage points),
    ``size_ratio`` (their employed ÷ yours), ``distance`` and ``chosen`` (True for the
    ``n`` nearest). See the module docstring for the measure.

    >>> comparable_regions("12").head(3)["name"].tolist()
    ['Västra Götalands län', 'Uppsala län', 'Östergötlands län']
    """
    code = resolve_region(region)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 20:
        raise KompetensError(f"Antalet jämförbara län ska vara ett heltal 1–20, inte {n!r}.")
    try:
        weight = float(size_weight)
    except (TypeError, ValueError):
        weight = -1.0
    if not weight >= 0 or not math.isfinite(weight):
        raise KompetensError(
            f"size_weight ska vara ett tal ≥ 0 (0 = bara sammansättningen räknas), inte "
            f"{size_weight!r}."
        )
    chosen_year, wide = _structure(year, source)
    if code not in wide.index:
        raise KompetensError(f"Län {code} saknas bland de förvärvsarbetande {chosen_year}.")
    totals = wide.sum(axis=1)
    shares = wide.div(totals, axis=0)
    own = shares.loc[code]
    others = [c for c in COUNTY_CODES if c in wide.index and c != code]
    mix = 50.0 * (shares.loc[others] - own).abs().sum(axis=1)  # ½ Σ|Δs| in points
    ratio = totals.loc[others] / totals.loc[code]
    out = pd.DataFrame({
        "region": pd.array(others, dtype="string"),
        "name": pd.array([region_name(c) for c in others], dtype="string"),
        "employed": totals.loc[others].round().astype("int64").to_numpy(),
        "mix_distance": mix.to_numpy(),
        "size_ratio": ratio.to_numpy(),
    })
    out["distance"] = out["mix_distance"] + weight * np.abs(np.log(out["size_ratio"]))
    out = out.sort_values(["distance", "region"], kind="stable").reset_index(drop=True)
    out["chosen"] = out.index < n
    out.attrs = {"region": code, "year": chosen_year, "size_weight": weight, "n": int(n)}
    return out


def peers(region: object, n: int = DEFAULT_PEERS, *, year: int | None = None,
          source: Any = None) -> list[str]:
    """Codes of the ``n`` counties most comparable to ``region``."""
    table = comparable_regions(region, n=n, year=year, source=source)
    return table.loc[table["chosen"], "region"].astype(str).tolist()


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


# ----------------------------------------------------------------------------------------
# The county beside comparable counties and Riket
# ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _need_all(base_year: int, target_year: int, method: str, source: Any) -> pd.DataFrame:
    """Recruitment need per county and group (all counties), as in results.need_table."""
    national = load("national_forecast", source)
    employed = load("employed", source)
    options = {"damping": 0.5} if method == "shift_share" else {}
    demand = breakdown(national, employed, method, base_year, column="demand", **options)
    rd = retirements(employed, target_year - base_year, base_year=base_year)
    need = recruitment_need(demand, rd, base_year=base_year)
    base = employed[employed["year"] == base_year]
    stock = base.groupby(["region", "education_group"], observed=True)["value"].sum()
    older = base[base["age_band"].isin(["55-64", "65-74"])].groupby(
        ["region", "education_group"], observed=True)["value"].sum()
    key = pd.MultiIndex.from_frame(need[["region", "education_group"]].astype(str))
    need["employed"] = stock.reindex(key, fill_value=0).to_numpy(dtype=float)
    need["employed_55plus"] = older.reindex(key, fill_value=0).to_numpy(dtype=float)
    return need


def _relevant() -> list[str]:
    from kompetens_lib.present.brief import relevant_groups

    return relevant_groups()


def group_options() -> list[tuple[str, str]]:
    """(label, code) pairs for a group chooser: all groups first, then by short name."""
    groups = education_groups().set_index("code")
    relevant = _relevant()
    named = sorted(((str(groups.loc[c, "short_name"]), c) for c in relevant),
                   key=lambda item: item[0].casefold())
    return [(ALL_GROUPS_LABEL, ALL_GROUPS), *named]


def _group_code(group: object) -> str:
    if str(group).strip().casefold() in (ALL_GROUPS, "alla grupper", "samtliga", "t"):
        return ALL_GROUPS
    return resolve_group(group)


def _group_label(code: str) -> str:
    if code == ALL_GROUPS:
        return ALL_GROUPS_LABEL
    return str(education_groups().set_index("code").loc[code, "short_name"])


def _years(base_year: int | None, target_year: int | None, source: Any) -> tuple[int, int]:
    from kompetens_lib.workbook.results import resolve_target_year, forecast_base_year

    base = forecast_base_year(base_year, source)
    return base, resolve_target_year(base, target_year, source)


def group_comparison(region: object, group: object = ALL_GROUPS, *,
                     peer_regions: Sequence[object] | None = None, n: int = DEFAULT_PEERS,
                     base_year: int | None = None, target_year: int | None = None,
                     method: str = "fixed_share", source: Any = None) -> pd.DataFrame:
    """One education group (or all groups an education leads to) in the county, its
    comparable counties and Riket.

    For each area: ``employed`` in the group in the base year, ``share_55plus`` of them,
    ``replacement`` (retirements to the target year), ``expansion`` (demand change),
    ``need`` (replacement + max(expansion, 0), summed over groups for "alla") and
    ``need_rate`` = need ÷ employed: how large the need is against today's workforce,
    which makes counties of different size comparable. Riket's need is computed on the
    national totals of each group.

    Returns ``area``, ``region``, ``role`` ("Ditt län", "Jämförbart län", "Riket") and the
    measures above, own county first and Riket last. ``peer_regions`` overrides the
    comparable counties (default: :func:`peers`).
    """
    from kompetens_lib.methods.breakdown import resolve_method

    code = resolve_region(region)
    group_code = _group_code(group)
    chosen = resolve_method(method)
    base, target = _years(base_year, target_year, source)
    if peer_regions is None:
        others = peers(code, n, year=base, source=source)
    else:
        others = [resolve_region(p) for p in peer_regions]
        others = [p for p in dict.fromkeys(others) if p != code]
    need = _need_all(base, target, chosen, source)
    members = _relevant() if group_code == ALL_GROUPS else [group_code]
    need = need[need["education_group"].isin(members)]
    rows = []
    for area_code, role in [(code, ROLE_OWN), *((p, ROLE_PEER) for p in others)]:
        part = need[need["region"] == area_code]
        rows.append((region_name(area_code), area_code, role, part["employed"].sum(),
                     part["employed_55plus"].sum(), part["replacement"].sum(),
                     part["expansion"].sum(), part["need"].sum()))
    by_group = need.groupby("education_group", observed=True)[
        ["employed", "employed_55plus", "replacement", "expansion"]].sum()
    national_need = (by_group["replacement"] + by_group["expansion"].clip(lower=0)).sum()
    rows.append((NATIONAL_NAME, NATIONAL_CODE, ROLE_NATIONAL, by_group["employed"].sum(),
                 by_group["employed_55plus"].sum(), by_group["replacement"].sum(),
                 by_group["expansion"].sum(), national_need))
    out = pd.DataFrame(rows, columns=["area", "region", "role", "employed", "employed_55plus",
                                      "replacement", "expansion", "need"])
    employed = out["employed"].where(out["employed"] > 0)
    out["share_55plus"] = out["employed_55plus"] / employed
    out["need_rate"] = out["need"] / employed
    out = out.drop(columns="employed_55plus")
    for column in ("area", "region", "role"):
        out[column] = out[column].astype("string")
    out.attrs = {"region": code, "group": group_code, "group_label": _group_label(group_code),
                 "base_year": base, "target_year": target, "method": chosen,
                 "peers": list(others)}
    return out


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


def key_figures(region: object, group: object, *, n: int = DEFAULT_PEERS,
                base_year: int | None = None, target_year: int | None = None,
                method: str = "fixed_share", source: Any = None) -> dict:
    """Key figures of notebook 07 (section "jamfor") as plain JSON values."""
    code = resolve_region(region)
    table = comparable_regions(code, n=n, year=base_year, source=source)
    chosen = table[table["chosen"]]
    everything = group_comparison(code, ALL_GROUPS, n=n, base_year=base_year,
                                  target_year=target_year, method=method, source=source)
    one = group_comparison(code, group, n=n, base_year=base_year, target_year=target_year,
                           method=method, source=source)

    def rate(frame: pd.DataFrame, role: str) -> float:
        values = frame.loc[frame["role"] == role, "need_rate"].dropna()
        return round(float(values.median()), 4) if len(values) else 0.0

    return {
        "region": code,
        "region_name": region_name(code),
        "peers": [str(x) for x in chosen["name"]],
        "peer_mix_distance": [round(float(x), 1) for x in chosen["mix_distance"]],
        "share_need_rate_all": rate(everything, ROLE_OWN),
        "share_need_rate_all_peers": rate(everything, ROLE_PEER),
        "share_need_rate_all_riket": rate(everything, ROLE_NATIONAL),
        "group": one.attrs["group_label"],
        "share_need_rate_group": rate(one, ROLE_OWN),
        "share_need_rate_group_peers": rate(one, ROLE_PEER),
        "share_need_rate_group_riket": rate(one, ROLE_NATIONAL),
    }


KEY_FIGURE_LABELS: dict[str, str] = {
    "peers": "Jämförbara län",
    "peer_mix_distance": "Skillnad i sammansättning mot dem, procentenheter",
    "share_need_rate_all": "Rekryteringsbehov i procent av dagens antal, ditt län",
    "share_need_rate_all_peers": "… jämförbara län (median)",
    "share_need_rate_all_riket": "… riket",
    "group": "Vald utbildningsgrupp",
    "share_need_rate_group": "Behov i procent av dagens antal i gruppen, ditt län",
    "share_need_rate_group_peers": "… jämförbara län (median)",
    "share_need_rate_group_riket": "… riket",
}


# ----------------------------------------------------------------------------------------
# Borrowing another region's notebook
# ----------------------------------------------------------------------------------------


def adapt_commands(notebook: str, region: object) -> dict[str, str]:
    """The commands that rerun another region's notebook for ``region``.

    Returns ``kompetens`` (the workbook's own command, which also shows the parameters that
    change and their key figures beside yours), ``papermill`` (the run alone with papermill
    on the command line; ``-r`` keeps the county code a string, so "05" keeps its leading
    zero) and ``python`` (papermill from Python). The output is named like
    ``kompetens adapt`` names it: ``<their name>-<code>-<county>.ipynb``.

    >>> adapt_commands("deras.ipynb", "Östergötland")["papermill"]
    'papermill deras.ipynb deras-05-ostergotland.ipynb -r region 05'
    """
    code = resolve_region(region)
    name = str(notebook).strip()
    if not name.endswith(".ipynb") or name == ".ipynb":
        raise KompetensError(
            f"Ange anteckningsbokens filnamn med ändelsen .ipynb, t.ex. 'deras.ipynb'; fick "
            f"{notebook!r}."
        )
    stem = name[: -len(".ipynb")]
    slug = regions().set_index("code").loc[code, "slug"]
    out = f"{stem}-{code}-{slug}.ipynb"
    return {
        "kompetens": f"kompetens adapt {name} --region {code}",
        "papermill": f"papermill {name} {out} -r region {code}",
        "python": (f'papermill.execute_notebook("{name}", "{out}", '
                   f'parameters={{"region": "{code}"}})'),
    }


def show_adapt_commands(notebook: str, region: object) -> None:
    """Display :func:`adapt_commands` as a small Swedish table."""
    from IPython.display import display

    commands = adapt_commands(notebook, region)
    labels = {"kompetens": "Arbetsbokens kommando", "papermill": "Bara körningen, med papermill",
              "python": "Bara körningen, från Python"}
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:12px'>{html.escape(labels[k])}</th>"
        f"<td style='text-align:left'><code>{html.escape(v)}</code></td></tr>"
        for k, v in commands.items())
    text = "\n".join(f"{labels[k]}: {v}" for k, v in commands.items())
    display({"text/html": f"<table class='kompetens-kommandon'>{rows}</table>",
             "text/plain": text}, raw=True)


# ----------------------------------------------------------------------------------------
# The explorer: pick a county and a group, the comparison chart recomputes
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplorerState:
    """What the explorer shows. Change it only through :func:`choose_region` and
    :func:`choose_group`, which return a new state."""

    region: str
    group: str
    peers: tuple[str, ...]
    base_year: int
    target_year: int
    method: str
    n: int = DEFAULT_PEERS
    source: Any = None


def start(region: object, group: object = ALL_GROUPS, *, base_year: int | None = None,
          target_year: int | None = None, method: str = "fixed_share",
          n: int = DEFAULT_PEERS, source: Any = None) -> ExplorerState:
    """The explorer's first state: the county, its comparable counties and a group."""
    from kompetens_lib.methods.breakdown import resolve_method

    code = resolve_region(region)
    base, target = _years(base_year, target_year, source)
    return ExplorerState(code, _group_code(group), tuple(peers(code, n, year=base,
                                                               source=source)),
                         base, target, resolve_method(method), n, source)


def choose_region(state: ExplorerState, value: object) -> ExplorerState:
    """Callback: another county; its comparable counties are chosen anew."""
    code = resolve_region(value)
    if code == state.region:
        return state
    return replace(state, region=code,
                   peers=tuple(peers(code, state.n, year=state.base_year, source=state.source)))


def choose_group(state: ExplorerState, value: object) -> ExplorerState:
    """Callback: another education group (code, short name or "alla")."""
    return replace(state, group=_group_code(value))


def explorer_table(state: ExplorerState) -> pd.DataFrame:
    """The comparison table the explorer's chart is drawn from."""
    return group_comparison(state.region, state.group, peer_regions=state.peers,
                            base_year=state.base_year, target_year=state.target_year,
                            method=state.method, source=state.source)


def explorer_chart(state: ExplorerState) -> alt.LayerChart:
    """The explorer's chart for a state."""
    return comparison_chart(explorer_table(state),
                            source=source_note("employed", state.source))


def peers_text(state: ExplorerState) -> str:
    names = ", ".join(region_name(p) for p in state.peers)
    return f"{region_name(state.region)} jämförs med {names} och riket."


def explorer(state: ExplorerState):
    """The widget: a county chooser, a group chooser and the chart, in a box with the CSS
    class :data:`EXPLORER_CLASS`. The chart is drawn as SVG so that it shows in any
    front end that shows widgets; batch runs show static charts instead."""
    import ipywidgets as widgets

    county = widgets.Dropdown(
        options=[(row.name, row.code) for row in regions().itertuples()],
        value=state.region, description="Län",
        style={"description_width": "initial"},
    )
    group = widgets.Dropdown(
        options=group_options(), value=state.group, description="Utbildningsgrupp",
        style={"description_width": "initial"}, layout=widgets.Layout(width="520px"),
    )
    county.add_class("kompetens-explorer-lan")
    group.add_class("kompetens-explorer-grupp")
    caption = widgets.HTML(value=html.escape(peers_text(state)))
    out = widgets.Output()
    box = widgets.VBox([widgets.HBox([county, group]), caption, out])
    box.add_class(EXPLORER_CLASS)
    box.state = state  # the current state, for tests and for the curious

    def draw() -> None:
        import vl_convert as vlc
        from IPython.display import SVG

        spec = explorer_chart(box.state).to_dict()
        out.outputs = ()
        out.append_display_data(SVG(vlc.vegalite_to_svg(spec)))

    def on_county(change: dict) -> None:
        box.state = choose_region(box.state, change["new"])
        caption.value = html.escape(peers_text(box.state))
        draw()

    def on_group(change: dict) -> None:
        box.state = choose_group(box.state, change["new"])
        draw()

    county.observe(on_county, names="value")
    group.observe(on_group, names="value")
    draw()
    return box
