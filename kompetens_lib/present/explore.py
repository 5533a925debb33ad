"""Interactive explorers for the notebooks: pick a county, a group, a method or a target year
and the chart is recomputed through the library.

Each explorer is three layers: a frozen *state*, a pure *view* (state → Altair chart) and
pure *callbacks* ``on_…(state, new value) → (new state, chart)``; the ipywidgets only wire
them together. Tests call the callbacks directly, and can drive the widgets in plain pytest
(observers fire synchronously). In batch runs (``interactive=False``, papermill's default)
the same call returns the static chart of the initial state, so the executed notebook and
its HTML page are complete without a kernel.

For browser tests every explorer is a ``VBox`` with the CSS classes ``kompetens-explorer``
and ``kompetens-explorer-<name>`` (``nedbrytning``, ``karta``, ``platser``); its controls
carry Swedish descriptions ("Län", "Utbildningsgrupp", "Prognos", "Metod", "Målår", "Andel
som nyexaminerade möter") and a class each (``kompetens-explorer-lan``, ``-grupp``,
``-prognos``, ``-metod``, ``-malar``, ``-andel``); the chart is an SVG image in an
``Output`` with the class ``kompetens-explorer-output``, and its title names the current
choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import altair as alt

from kompetens_lib._internal.checks import check_share
from kompetens_lib.errors import KompetensError
from kompetens_lib.present import charts
from kompetens_lib.reference.regions import region_name, regions, resolve_region
from kompetens_lib.reference.taxonomy import education_groups, resolve_group
from kompetens_lib.workbook import (
    balance_tables,
    breakdown_tables,
    forecast,
    need_tables,
)
from kompetens_lib.workbook.assumptions import Assumptions
from kompetens_lib.workbook.brief import forecast_years, source_note
from kompetens_lib.workbook.defaults import (
    DEFAULT_DAMPING,
    GRADUATE_SHARE,
    METHOD_LABELS,
    METHODS,
    resolve_method,
)

__all__ = [
    "ALL_GROUPS",
    "EXPLORER_CLASS",
    "OUTPUT_CLASS",
    "BalanceMapState",
    "BreakdownState",
    "Explorer",
    "PlacesState",
    "SvgChart",
    "balance_map_explorer",
    "balance_map_view",
    "breakdown_explorer",
    "breakdown_view",
    "on_column",
    "on_graduate_share",
    "on_group",
    "on_map_group",
    "on_map_method",
    "on_map_target_year",
    "on_places_method",
    "on_places_region",
    "on_region",
    "places_explorer",
    "places_sensitivity_view",
    "places_view",
]

EXPLORER_CLASS = "kompetens-explorer"
OUTPUT_CLASS = "kompetens-explorer-output"
#: The "group" that stands for all education groups together.
ALL_GROUPS = "T"
_STYLE = {"description_width": "initial"}


# ----------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------


def _group_code(value: object) -> str:
    if str(value).strip().casefold() in ("t", "alla", "samtliga", "alla utbildningsgrupper"):
        return ALL_GROUPS
    return resolve_group(value)


def _group_name(code: str) -> str:
    if code == ALL_GROUPS:
        return "alla utbildningsgrupper"
    names = education_groups().set_index("code")["short_name"]
    return str(names[code])


def _method(value: object) -> str:
    return resolve_method(value)


def _note(source: Any) -> str:
    return source_note("employed", source)


def _county_options() -> list[tuple[str, str]]:
    return [(str(r.name), str(r.code)) for r in regions().itertuples()]


def _group_options(include_all: bool) -> list[tuple[str, str]]:
    groups = education_groups()
    options = [(f"{r.short_name} ({r.code})", str(r.code)) for r in groups.itertuples()]
    return ([("Alla utbildningsgrupper", ALL_GROUPS)] if include_all else []) + options


def _method_options() -> list[tuple[str, str]]:
    return [(METHOD_LABELS[m], m) for m in METHODS]


class SvgChart:
    """A chart shown as an SVG image, for widget outputs.

    JupyterLab does not run the scripts of HTML outputs inside an ``Output`` widget, so the
    workbook's interactive renderer would leave the chart blank there; vl-convert draws the
    same spec (Swedish theme and locale included) as SVG with no browser. The spec travels
    along under :data:`kompetens_lib.present.render.CHART_SPEC_MIME` for tests and exports.
    """

    def __init__(self, chart: alt.TopLevelMixin):
        self.spec = chart.to_dict()

    @property
    def title(self) -> str:
        title = self.spec.get("title", "")
        return str(title.get("text", "")) if isinstance(title, dict) else str(title)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        import vl_convert as vlc

        from kompetens_lib.present.render import CHART_SPEC_MIME

        return {"image/svg+xml": vlc.vegalite_to_svg(self.spec),
                "text/plain": f"Diagram: {self.title}", CHART_SPEC_MIME: self.spec}


class Explorer:
    """Holds the state, the widgets and the output, and redraws on every change.

    ``controls`` maps a state field to ``(widget, callback)``; the callback is one of the
    pure ``on_…`` functions. ``box`` is what the notebook displays.
    """

    def __init__(self, name: str, state: Any, view: Callable[[Any], alt.TopLevelMixin],
                 controls: dict[str, tuple[Any, Callable[[Any, Any], tuple[Any, Any]]]]):
        import ipywidgets as widgets

        self.state = state
        self.view = view
        self.controls = controls
        self.output = widgets.Output()
        self.output.add_class(OUTPUT_CLASS)
        self.message = widgets.HTML(value="")
        self.message.add_class("kompetens-explorer-message")
        for widget, callback in controls.values():
            widget.observe(self._handler(callback), names="value")
        self.box = widgets.VBox(
            [widgets.HBox([w for w, _ in controls.values()],
                          layout=widgets.Layout(flex_flow="row wrap")),
             self.message, self.output])
        self.box.add_class(EXPLORER_CLASS)
        self.box.add_class(f"{EXPLORER_CLASS}-{name}")
        self.chart = view(state)
        self._show(self.chart)

    def _handler(self, callback: Callable[[Any, Any], tuple[Any, Any]]) -> Callable:
        def handle(change: dict) -> None:
            try:
                self.state, self.chart = callback(self.state, change["new"])
            except KompetensError as exc:  # a Swedish message instead of a traceback
                self.message.value = f"<p style='color:#a00'>{exc}</p>"
                return
            self.message.value = ""
            self._show(self.chart)
        return handle

    def _show(self, chart: Any) -> None:
        # Outside a kernel `with output: display()` only prints; this works in both.
        self.output.outputs = ()
        self.output.append_display_data(SvgChart(chart))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)


# ----------------------------------------------------------------------------------------
# Notebook 02: one group in one county, by every method
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownState:
    """What the breakdown explorer shows: ``column`` is "demand" or "supply"; ``group`` a
    group code or :data:`ALL_GROUPS`."""

    region: str
    group: str = ALL_GROUPS
    column: str = "demand"
    base_year: int | None = None
    source: Any = None
    damping: float = DEFAULT_DAMPING


def breakdown_view(state: BreakdownState) -> alt.LayerChart:
    """The four methods' lines for the state's county, group and side of the forecast."""
    values = breakdown_tables.method_values(state.region, state.column, base_year=state.base_year,
                                   source=state.source, damping=state.damping)
    group = None if state.group == ALL_GROUPS else state.group
    totals = breakdown_tables.method_totals(values, group=group)
    side = forecast.COLUMN_LABELS[state.column]
    return charts.method_comparison_chart(
        totals, source=_note(state.source),
        title=f"{side}: {_group_name(state.group)} i {region_name(state.region)}",
        value_title="Antal personer",
        subtitle="Det skuggade fältet visar spannet mellan metoderna.",
    )


def on_region(state: BreakdownState, value: object) -> tuple[BreakdownState, Any]:
    """Callback: another county."""
    new = replace(state, region=resolve_region(value))
    return new, breakdown_view(new)


def on_group(state: BreakdownState, value: object) -> tuple[BreakdownState, Any]:
    """Callback: another education group (code, short name or "T" for all)."""
    new = replace(state, group=_group_code(value))
    return new, breakdown_view(new)


def on_column(state: BreakdownState, value: object) -> tuple[BreakdownState, Any]:
    """Callback: demand or supply."""
    new = replace(state, column=forecast.forecast_side(str(value)))
    return new, breakdown_view(new)


def breakdown_explorer(
    region: object,
    group: object = ALL_GROUPS,
    *,
    column: str = "demand",
    base_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    interactive: bool = False,
) -> Any:
    """Explorer for notebook 02: county ("Län"), group ("Utbildningsgrupp") and side of the
    forecast ("Prognos") → the four methods' lines and their band.

    Returns an :class:`Explorer` when ``interactive``, else the chart of the initial state.
    """
    state = BreakdownState(resolve_region(region), _group_code(group),
                                  forecast.forecast_side(column), base_year, source, damping)
    if not interactive:
        return breakdown_view(state)
    import ipywidgets as widgets

    county = widgets.Dropdown(options=_county_options(), value=state.region,
                              description="Län", style=_STYLE)
    county.add_class("kompetens-explorer-lan")
    groups = widgets.Dropdown(options=_group_options(True), value=state.group,
                              description="Utbildningsgrupp", style=_STYLE,
                              layout=widgets.Layout(width="26rem"))
    groups.add_class("kompetens-explorer-grupp")
    side = widgets.ToggleButtons(options=[("Efterfrågan", "demand"), ("Tillgång", "supply")],
                                 value=state.column, description="Prognos",
                                 style=_STYLE)
    side.add_class("kompetens-explorer-prognos")
    return Explorer("nedbrytning", state, breakdown_view,
                    {"region": (county, on_region), "group": (groups, on_group),
                     "column": (side, on_column)})


# ----------------------------------------------------------------------------------------
# Notebook 04: one group in all 21 counties, on the map
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceMapState:
    """What the map explorer shows: one group, one method, one target year."""

    group: str
    method: str = "fixed_share"
    target_year: int | None = None
    base_year: int | None = None
    source: Any = None
    damping: float = DEFAULT_DAMPING


def balance_map_view(state: BalanceMapState) -> alt.TopLevelMixin:
    """Tile map of supply per 100 demanded for the state's group in all 21 counties."""
    table = balance_tables.county_balance(state.group, base_year=state.base_year,
                                   target_year=state.target_year, method=state.method,
                                   source=state.source, damping=state.damping)
    year = table.attrs["target_year"]
    return charts.county_map_chart(
        table, value="ratio",
        title=f"{table.attrs['short_name']}: tillgång per 100 efterfrågade {year}",
        value_title="Tillgång per 100 efterfrågade", source=_note(state.source), fmt=".0f",
        domain_mid=100.0,
        subtitle=f"Metod: {METHOD_LABELS[state.method]}. Under 100 (rött): brist; "
                 "över 100 (blått): överskott.",
    )


def on_map_group(state: BalanceMapState, value: object) -> tuple[BalanceMapState, Any]:
    """Callback: another education group."""
    new = replace(state, group=resolve_group(value))
    return new, balance_map_view(new)


def on_map_method(state: BalanceMapState, value: object) -> tuple[BalanceMapState, Any]:
    """Callback: another breakdown method."""
    new = replace(state, method=_method(value))
    return new, balance_map_view(new)


def on_map_target_year(state: BalanceMapState, value: object) -> tuple[BalanceMapState, Any]:
    """Callback: another target year."""
    base = forecast.forecast_base_year(state.base_year, state.source)
    new = replace(state, target_year=forecast.resolve_target_year(base, int(value), state.source))
    return new, balance_map_view(new)


def balance_map_explorer(
    group: object,
    *,
    method: str = "fixed_share",
    target_year: int | None = None,
    base_year: int | None = None,
    source: Any = None,
    damping: float = DEFAULT_DAMPING,
    interactive: bool = False,
) -> Any:
    """Explorer for notebook 04: group ("Utbildningsgrupp"), method ("Metod") and target year
    ("Målår") → the county map of supply per 100 demanded.

    Returns an :class:`Explorer` when ``interactive``, else the map of the initial state.
    """
    base = forecast.forecast_base_year(base_year, source)
    target = forecast.resolve_target_year(base, target_year, source)
    state = BalanceMapState(resolve_group(group), _method(method), target, base, source,
                            damping)
    if not interactive:
        return balance_map_view(state)
    import ipywidgets as widgets

    years = forecast_years(source)
    groups = widgets.Dropdown(options=_group_options(False), value=state.group,
                              description="Utbildningsgrupp", style=_STYLE,
                              layout=widgets.Layout(width="26rem"))
    groups.add_class("kompetens-explorer-grupp")
    methods = widgets.Dropdown(options=_method_options(), value=state.method,
                               description="Metod", style=_STYLE)
    methods.add_class("kompetens-explorer-metod")
    year = widgets.IntSlider(value=target, min=base + 1, max=int(years[-1]), step=1,
                             description="Målår", style=_STYLE, continuous_update=False)
    year.add_class("kompetens-explorer-malar")
    return Explorer("karta", state, balance_map_view,
                    {"group": (groups, on_map_group), "method": (methods, on_map_method),
                     "target_year": (year, on_map_target_year)})


# ----------------------------------------------------------------------------------------
# Notebook 06: places to plan when the assumptions change
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacesState:
    """What the places explorer shows; ``assumptions`` holds the other assumptions."""

    region: str
    graduate_share: float = GRADUATE_SHARE
    method: str = "fixed_share"
    assumptions: Assumptions = field(default_factory=Assumptions)
    base_year: int | None = None
    target_year: int | None = None
    source: Any = None
    n: int = 12


def places_view(state: PlacesState) -> alt.Chart:
    """Places per year by form for the county's groups with the largest need."""
    a = replace(state.assumptions, graduate_share=state.graduate_share)
    need = need_tables.need_table(state.region, base_year=state.base_year,
                              target_year=state.target_year, method=state.method,
                              exit_age=a.exit_age, source=state.source)
    places = need_tables.places_table(need, a, source=state.source)
    share = f"{state.graduate_share * 100:.0f}".replace(".", ",")
    return charts.places_chart(
        need_tables.top_places(places, n=state.n), source=_note(state.source),
        title=f"Nybörjarplatser per år att planera för i {region_name(state.region)}",
        subtitle=[
            f"Gymnasieskola, komvux och yrkeshögskola: de {state.n} grupperna med flest platser.",
            f"Nyexaminerade möter {share} % av behovet. Metod: {METHOD_LABELS[state.method]}.",
        ],
    )


def places_sensitivity_view(state: PlacesState) -> alt.Chart:
    """The batch-run stand-in for the slider: places per form for shares 50–90 %."""
    need = need_tables.need_table(state.region, base_year=state.base_year,
                              target_year=state.target_year, method=state.method,
                              exit_age=state.assumptions.exit_age, source=state.source)
    table = need_tables.places_sensitivity(need, state.assumptions, source=state.source)
    return charts.line_chart(
        table, "graduate_share", "places",
        f"Nybörjarplatser per år och andel som nyexaminerade möter, {region_name(state.region)}",
        "Andel av behovet som nyexaminerade möter, procent", "Nybörjarplatser per år",
        _note(state.source), color="form_label", color_title="Utbildningsform",
        x_format=".0%",
        subtitle=["Så mycket flyttar det mest omdiskuterade antagandet svaret. Alla grupper.",
                  f"Metod: {METHOD_LABELS[state.method]}."],
    )


def on_places_region(state: PlacesState, value: object) -> tuple[PlacesState, Any]:
    """Callback: another county."""
    new = replace(state, region=resolve_region(value))
    return new, places_view(new)


def on_graduate_share(state: PlacesState, value: object) -> tuple[PlacesState, Any]:
    """Callback: another share of the need that new graduates meet (0–1)."""
    new = replace(state, graduate_share=check_share(value, "graduate_share"))
    return new, places_view(new)


def on_places_method(state: PlacesState, value: object) -> tuple[PlacesState, Any]:
    """Callback: another breakdown method."""
    new = replace(state, method=_method(value))
    return new, places_view(new)


def places_explorer(
    region: object,
    assumptions: Assumptions | None = None,
    *,
    method: str = "fixed_share",
    base_year: int | None = None,
    target_year: int | None = None,
    source: Any = None,
    interactive: bool = False,
) -> Any:
    """Explorer for notebook 06: county ("Län"), method ("Metod") and the share of the need
    that new graduates meet ("Andel som nyexaminerade möter") → places per year by form.

    Returns an :class:`Explorer` when ``interactive``. In batch runs, where the places
    chart of the initial state is already in the notebook, it returns what the slider
    would show instead: places per form for shares from 50 to 90 %
    (:func:`places_sensitivity_view`).
    """
    a = assumptions or Assumptions()
    state = PlacesState(resolve_region(region), a.graduate_share, _method(method), a,
                        base_year, target_year, source)
    if not interactive:
        return places_sensitivity_view(state)
    import ipywidgets as widgets

    county = widgets.Dropdown(options=_county_options(), value=state.region,
                              description="Län", style=_STYLE)
    county.add_class("kompetens-explorer-lan")
    methods = widgets.Dropdown(options=_method_options(), value=state.method,
                               description="Metod", style=_STYLE)
    methods.add_class("kompetens-explorer-metod")
    share = widgets.FloatSlider(value=state.graduate_share, min=0.0, max=1.0, step=0.05,
                                description="Andel som nyexaminerade möter", style=_STYLE,
                                readout_format=".0%", continuous_update=False)
    share.add_class("kompetens-explorer-andel")
    return Explorer("platser", state, places_view,
                    {"region": (county, on_places_region), "method": (methods, on_places_method),
                     "graduate_share": (share, on_graduate_share)})
