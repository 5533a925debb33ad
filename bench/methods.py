"""Time the analysis core on the bundled data, against simply loading its input tables.

Run from the repository root: ``python bench/methods.py``. For each breakdown method (the
four share methods and the industry-based one, on the optional tables by industry) it
prints the time for all counties at once and the time of a widget recompute for one county
(the method's call plus picking the county), with its ratio to loading the inputs with
``kompetens_lib.load`` in the same run: the first (cold) load reads and validates the file;
later (warm) loads return a copy from the in-process cache. No timing is asserted anywhere.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from kompetens_lib import load
from kompetens_lib.methods.backtest import backtest
from kompetens_lib.methods.balance import balance
from kompetens_lib.methods.breakdown import (
    COMPARED_LABELS,
    COMPARED_METHODS,
    METHODS,
    breakdown,
    compare_methods,
)
from kompetens_lib.methods.industry import industry_breakdown
from kompetens_lib.methods.need import dimensioning, recruitment_need
from kompetens_lib.methods.region_totals import population_region_totals
from kompetens_lib.methods.supply import retirements, supply_projection
from kompetens_lib.methods.uncertainty import error_bands
from kompetens_lib.reference.regions import COUNTY_CODES

REPEAT = 7


def seconds(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Median wall time of ``repeat`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ms(x: float) -> str:
    return f"{1000 * x:8.1f} ms"


def main() -> None:
    inputs = ("employed", "labour_force", "national_forecast", "population", "graduates")
    cold: dict[str, float] = {}
    for name in inputs:
        start = time.perf_counter()
        load(name)
        cold[name] = time.perf_counter() - start
    warm = {name: seconds(lambda n=name: load(n)) for name in inputs}
    employed, labour_force = load("employed"), load("labour_force")
    forecast, population, graduates = (
        load("national_forecast"),
        load("population"),
        load("graduates"),
    )

    # The breakdown of one table needs the history and the national forecast.
    load_cold = cold["employed"] + cold["national_forecast"]
    load_warm = warm["employed"] + warm["national_forecast"]
    n_groups = forecast["education_group"].nunique()
    n_years = forecast["year"].nunique()
    print(
        f"Data: {len(employed):,} rows employed, {n_groups} groups, {n_years} forecast years, "
        f"{len(COUNTY_CODES)} counties."
    )
    print(
        f"load('employed') + load('national_forecast'): cold {ms(load_cold)}, warm {ms(load_warm)}"
    )
    print()
    header = (
        f"{'method':<20}{'all counties':>10}{'per county':>14}{'max county':>14}"
        f"{'÷ cold load':>13}{'÷ warm load':>13}"
    )
    # The constrained method runs as the workbook runs it: county totals from the
    # population projection times the base-year employment rates by age.
    years = sorted(int(y) for y in forecast["year"].unique())
    totals = population_region_totals(population, employed, years[0], years)
    options = {"constrained": {"region_totals": totals, "rescale_totals": True}}
    by_industry, industry_employed = load("industry_forecast"), load("industry_employed")

    def run(method: str, opts: dict) -> object:
        if method == "industry":
            return industry_breakdown(forecast, by_industry, industry_employed,
                                      column="demand")
        return breakdown(forecast, employed, method, column="demand", **opts)

    print(header)
    print("-" * len(header))
    for method in COMPARED_METHODS:
        opts = options.get(method, {})
        whole = seconds(lambda m=method, o=opts: run(m, o))
        per_county = []
        for code in COUNTY_CODES:

            def recompute(m: str = method, c: str = code, o: dict = opts) -> object:
                result = run(m, o)
                return result[result["region"] == c]

            per_county.append(seconds(recompute, repeat=3))
        mean = statistics.mean(per_county)
        print(
            f"{COMPARED_LABELS[method]:<20}{ms(whole):>10}{ms(mean):>14}"
            f"{ms(max(per_county)):>14}{mean / load_cold:>12.2f}x{mean / load_warm:>12.2f}x"
        )

    print()
    demand = breakdown(forecast, employed, column="demand")
    supply = breakdown(forecast, labour_force, column="supply")
    replacement = retirements(employed, [5, 10, 12])
    need = recruitment_need(demand, replacement)
    others: list[tuple[str, Callable[[], object]]] = [
        (
            "compare_methods (one county, all four methods)",
            lambda: compare_methods(forecast, employed, "12", column="demand"),
        ),
        (
            "compare_methods (all counties)",
            lambda: compare_methods(forecast, employed, column="demand"),
        ),
        (
            "all four methods, supply and demand",
            lambda: [
                breakdown(forecast, hist, m, column=col)
                for m in METHODS
                for hist, col in ((employed, "demand"), (labour_force, "supply"))
            ],
        ),
        ("retirements (5, 10, 12 years)", lambda: retirements(employed, [5, 10, 12])),
        (
            "supply_projection (population, graduates)",
            lambda: supply_projection(labour_force, population=population, graduates=graduates),
        ),
        ("recruitment_need", lambda: recruitment_need(demand, replacement)),
        ("dimensioning (graduates' form mix)", lambda: dimensioning(need, graduates=graduates)),
        ("balance (judgements from the forecast)", lambda: balance(supply, demand, forecast)),
        ("backtest (all methods, 2015 → 2023)", lambda: backtest(employed, "all", 2015, 2023)),
        (
            "backtest (industry-based, 2015 → 2023)",
            lambda: backtest(employed, "industry", 2015, 2023,
                             industry_history=industry_employed),
        ),
        (
            "population_region_totals (RAS county totals)",
            lambda: population_region_totals(population, employed, years[0], years),
        ),
        (
            "error_bands (one county, 4 horizons)",
            lambda: error_bands(employed, "fixed_share", "09"),
        ),
    ]
    width = max(len(label) for label, _ in others) + 2
    print(f"{'other calls (all counties)':<{width}}{'time':>12}{'÷ cold load':>13}")
    print("-" * (width + 25))
    for label, fn in others:
        t = seconds(fn, repeat=3)
        print(f"{label:<{width}}{ms(t):>12}{t / load_cold:>12.2f}x")


if __name__ == "__main__":
    main()
