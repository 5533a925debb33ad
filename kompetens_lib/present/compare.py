"""Notebook 08 on screen: a county beside comparable counties and Riket, the explorer, and
the commands that borrow another region's notebook.

The tables (comparable counties, the group comparison, the key figures) are
:mod:`kompetens_lib.workbook.compare`; the charts are
:mod:`kompetens_lib.present.charts.compare`. The explorer (:func:`explorer`) lets a
participant pick a county and an education group; its callbacks are plain functions of
(state, new value) → state, tested without a browser.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.compare import comparison_chart, distance_chart
from kompetens_lib.reference.regions import region_name, regions, resolve_region
from kompetens_lib.reference.taxonomy import education_groups
from kompetens_lib.workbook.brief import relevant_groups
from kompetens_lib.workbook.compare import (
    ALL_GROUPS,
    ALL_GROUPS_LABEL,
    DEFAULT_PEERS,
    comparison_source,
    group_code,
    group_comparison,
    peers,
    resolve_method,
    resolve_years,
)

__all__ = [
    "EXPLORER_CLASS",
    "ExplorerState",
    "adapt_commands",
    "choose_group",
    "choose_region",
    "comparison_chart",
    "distance_chart",
    "explorer",
    "explorer_chart",
    "explorer_table",
    "group_options",
    "peers_text",
    "show_adapt_commands",
    "start",
]

#: CSS class of the explorer's container: a stable handle for browser tests.
EXPLORER_CLASS = "kompetens-explorer"


def group_options() -> list[tuple[str, str]]:
    """(label, code) pairs for a group chooser: all groups first, then by short name."""
    groups = education_groups().set_index("code")
    relevant = relevant_groups()
    named = sorted(((str(groups.loc[c, "short_name"]), c) for c in relevant),
                   key=lambda item: item[0].casefold())
    return [(ALL_GROUPS_LABEL, ALL_GROUPS), *named]


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
    code = resolve_region(region)
    base, target = resolve_years(base_year, target_year, source)
    return ExplorerState(code, group_code(group), tuple(peers(code, n, year=base,
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
    return replace(state, group=group_code(value))


def explorer_table(state: ExplorerState) -> pd.DataFrame:
    """The comparison table the explorer's chart is drawn from."""
    return group_comparison(state.region, state.group, peer_regions=state.peers,
                            base_year=state.base_year, target_year=state.target_year,
                            method=state.method, source=state.source)


def explorer_chart(state: ExplorerState) -> alt.LayerChart:
    """The explorer's chart for a state."""
    return comparison_chart(explorer_table(state), source=comparison_source(state.source))


def peers_text(state: ExplorerState) -> str:
    """The caption under the explorer's choosers: which counties the county is compared with."""
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
