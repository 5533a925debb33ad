"""One definition per key figure (DOMAIN §8): recruitment need, its replacement and
retirement shares, groups in shortage and places to plan, computed here once and used by
notebooks 04–06, the brief, the report, the overview and the exercises.

Definitions (all groups of the county's need table, the chosen method, base → target year):

- ``need_total``: Σ need (replacement + max(expansion, 0), or net of decline with
  ``openings="net"``), rounded as SCB rounds.
- ``need_replacement`` and ``share_need_replacement``: Σ replacement (retirements, deaths,
  other permanent exits, net out-migration) and its share of ``need_total``.
- ``need_retirements`` and ``share_need_retirements``: the retirement part alone.
- ``shortage_groups``: groups judged *stor brist* or *brist* in the target year
  (:data:`SHORTAGE`), on the balance basis of notebook 04.
- ``places_to_plan``: starting places per year in the programmes dimensioning covers
  (upper-secondary vocational programmes, komvux/yrkesvux, YH); never university.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kompetens_lib.methods.exits import NET_OUT_MIGRATION
from kompetens_lib.methods.supply import EXIT_AGE
from kompetens_lib.reference.regions import region_name
from kompetens_lib.workbook.assumptions import Assumptions
from kompetens_lib.workbook.balance_tables import SHORTAGE, balance_table, shortage_count
from kompetens_lib.workbook.forecast import round_persons
from kompetens_lib.workbook.need_tables import need_table, places_table, programme_places

__all__ = [
    "KEY_FIGURE_LABELS",
    "SHORTAGE",
    "county_key_figures",
    "need_figures",
    "shortage_count",
]

def need_figures(need: pd.DataFrame, programmes: pd.DataFrame) -> dict:
    """The need and places key figures from :func:`need_table` and
    :func:`programme_places` (the same numbers wherever they are shown)."""
    total = float(need["need"].sum())
    replacement = float(need["replacement"].sum())
    retired = float(need["retirements"].sum()) if "retirements" in need else replacement
    horizon = int(need["horizon"].iloc[0])
    by_form = programmes.groupby("form_label", observed=True, sort=False)[
        ["places", "intake"]].sum()
    return {
        "need_period": str(need["period"].iloc[0]),
        "need_total": round_persons(total),
        "need_per_year": round_persons(total / horizon),
        "need_replacement": round_persons(replacement),
        "need_retirements": round_persons(retired),
        "need_expansion": round_persons(float(need["expansion"].clip(lower=0).sum())),
        "share_need_replacement": round(replacement / total, 4) if total else 0.0,
        "share_need_retirements": round(retired / total, 4) if total else 0.0,
        "places_to_plan": round_persons(float(programmes["places"].sum())),
        "intake_today": round_persons(float(programmes["intake"].sum())),
        "places_per_year": {str(k): round_persons(float(v)) for k, v in
                            by_form["places"].items()},
        "intake_per_year": {str(k): round_persons(float(v)) for k, v in
                            by_form["intake"].items()},
    }


def county_key_figures(
    region: object,
    *,
    base_year: int | None = None,
    target_year: int | None = None,
    method: str | None = None,
    exit_age: int = EXIT_AGE,
    openings: str = "max",
    net_out_migration: float = NET_OUT_MIGRATION,
    assumptions: Assumptions | None = None,
    source: Any = None,
) -> dict:
    """Every key figure of a county, computed once (see the module docstring).

    ``region`` may be a :class:`~kompetens_lib.workbook.params.Params`.

    >>> f = county_key_figures("23")
    >>> f["need_total"] > f["need_replacement"] > 0
    True
    """
    need = need_table(region, base_year=base_year, target_year=target_year, method=method,
                      exit_age=exit_age, source=source, openings=openings,
                      net_out_migration=net_out_migration)
    a = assumptions or Assumptions(exit_age=exit_age)
    places = places_table(need, a, source=source)
    programmes = programme_places(places, source=source)
    balance = balance_table(region, base_year=base_year, target_year=target_year,
                            method=method, source=source)
    code = need.attrs["region"]
    return {
        "region": code,
        "region_name": region_name(code),
        "base_year": need.attrs["base_year"],
        "target_year": need.attrs["target_year"],
        "method": need.attrs["method"],
        **need_figures(need, programmes),
        "shortage_groups": shortage_count(balance),
    }


KEY_FIGURE_LABELS: dict[str, str] = {
    "need_period": "Period",
    "need_total": "Rekryteringsbehov under perioden, alla utbildningsgrupper",
    "need_per_year": "Rekryteringsbehov per år",
    "need_replacement": "varav ersättningsbehov (alla permanenta avgångar)",
    "need_retirements": "varav pensionsavgångar",
    "need_expansion": "varav expansionsbehov (växande grupper)",
    "share_need_replacement": "Ersättningsbehovets andel av rekryteringsbehovet",
    "share_need_retirements": "Pensionsavgångarnas andel av rekryteringsbehovet",
    "places_to_plan": "Nybörjarplatser per år att planera för (yrkesprogram, yrkesvux, YH)",
    "intake_today": "Antagna i dag i samma utbildningar",
    "places_per_year": "Nybörjarplatser per år, per utbildningsform",
    "intake_per_year": "Antagna i dag, per utbildningsform",
    "shortage_groups": "Utbildningsgrupper med brist eller stor brist målåret",
}
