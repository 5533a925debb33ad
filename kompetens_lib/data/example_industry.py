"""Deterministic generator of the bundled industry example tables (synthetic, calibrated).

Two tables, made from the bundled example tables (loaded, never regenerated here) and the
assumptions written out as constants below; neither is official statistics:

* ``industry_employed``: employed (by workplace) by county × industry (SNI 2007 sections) ×
  education group × year, 2010–2023. Summed over industries it equals the example
  ``employed`` table (summed over age bands) exactly, for every county, group and year, so the
  two tables never disagree.
* ``industry_forecast``: the national forecast of demand by industry and year in T&P's shape
  (base year to 2035). Summed over industries it equals the national forecast's total demand
  exactly in every year.

How: a national staffing pattern (industry × group) is fitted by iterative proportional
fitting (IPF) from an affinity seed (which educations each industry employs) to the national
industry sizes and the national group totals; each county's matrix is then fitted from the
national pattern to the county's industry structure (national sizes × the county tilts below)
and its exact group totals, and rounded so that every county × group × year total holds.

Assumptions (not SCB's figures): the national industry sizes (roughly the shares of the
register-based employment statistics), the county tilts (mining in Norrbotten and
Västerbotten, manufacturing in Jönköping, Västra Götaland and the industrial counties, a
large public sector in Jämtland and Gotland, ICT, finance and business services in
Stockholm), the yearly drift of industry shares and the industries' forecast growth rates.

Run ``python -m kompetens_lib.data.example_industry`` to rewrite the bundled files after the
example ``employed`` or ``national_forecast`` table has changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_lib._internal.files import atomic_write
from kompetens_lib.data.tables import EXAMPLE_SOURCE, example_dir, load
from kompetens_lib.reference.industries import INDUSTRY_CODES
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE

__all__ = ["GENERATOR_VERSION", "SEED", "TABLE_TITLES", "generate", "provenance_records",
           "write"]

SEED = 20261201
GENERATOR_VERSION = "1"
IPF_ITERATIONS = 200

# --- national industry sizes (assumption: rough shares of the employed) -------------------
INDUSTRY_SIZE: dict[str, float] = {
    "A": 0.020, "B": 0.0025, "C": 0.105, "D": 0.006, "E": 0.0075, "F": 0.075, "G": 0.115,
    "H": 0.050, "I": 0.032, "J": 0.048, "K": 0.020, "L": 0.016, "M": 0.080, "N": 0.055,
    "O": 0.060, "P": 0.110, "Q": 0.155, "R": 0.020, "S": 0.022, "T": 0.0004, "U": 0.0004,
    "US": 0.010,
}
# Yearly drift of the national industry shares (log-slope per year, centred on 2017).
INDUSTRY_TREND: dict[str, float] = {
    "A": -0.010, "B": 0.005, "C": -0.010, "F": 0.008, "G": -0.003, "J": 0.020, "K": -0.003,
    "M": 0.012, "N": 0.006, "P": 0.004, "Q": 0.005,
}
# County tilts of the industry structure (multipliers on the national shares).
COUNTY_TILT: dict[str, dict[str, float]] = {
    "01": {"J": 2.3, "K": 2.2, "M": 1.6, "L": 1.3, "O": 1.1, "U": 6.0, "C": 0.5, "A": 0.15,
           "B": 0.1},
    "03": {"P": 1.3, "M": 1.2, "O": 1.1, "C": 0.9},
    "06": {"C": 1.7, "H": 1.1, "J": 0.7},
    "09": {"O": 1.3, "P": 1.1, "Q": 1.25, "A": 3.0, "I": 1.6, "C": 0.6, "J": 0.6, "K": 0.6},
    "10": {"O": 1.3},
    "12": {"G": 1.1, "M": 1.1},
    "13": {"F": 1.15, "G": 1.1},
    "14": {"C": 1.35, "H": 1.1},
    "18": {"B": 1.5},
    "20": {"B": 2.5, "I": 1.3},
    "22": {"C": 1.2},
    "23": {"O": 1.35, "P": 1.15, "Q": 1.25, "I": 1.8, "A": 2.0, "C": 0.6, "J": 0.6, "K": 0.6},
    "24": {"B": 5.0, "P": 1.15},
    "25": {"B": 14.0, "D": 1.8, "O": 1.2},
}
INDUSTRIAL = {"04", "06", "07", "08", "10", "17", "18", "19", "20", "21", "25"}
INDUSTRIAL_TILT = {"C": 1.3, "F": 1.05}
NORTH_INLAND = {"08", "09", "17", "20", "21", "22", "23", "24", "25"}
NORTH_INLAND_TILT = {"A": 1.5, "Q": 1.08}

# --- staffing pattern seed (assumption): which industries employ an education group ------
BACKGROUND = 0.05  # every industry employs a few of every group
FIELD_AFFINITY: dict[str, dict[str, float]] = {
    "0": {i: 1.0 for i in INDUSTRY_SIZE},
    "1": {"P": 10, "Q": 1, "O": 0.5},
    "2": {"R": 5, "J": 3, "P": 3, "M": 1},
    "3": {"K": 4, "M": 4, "O": 4, "G": 2, "L": 2, "J": 1.5, "N": 1.5},
    "4": {"J": 6, "M": 6, "P": 2, "C": 2},
    "5": {"C": 5, "F": 3, "M": 3, "D": 1, "E": 1},
    "6": {"A": 10, "M": 1},
    "7": {"Q": 12},
    "8": {"S": 4, "N": 4, "O": 2},
    "9": {i: 1.0 for i in INDUSTRY_SIZE},
}
GROUP_AFFINITY: dict[str, dict[str, float]] = {
    "101": {"P": 8, "Q": 3}, "301": {"G": 4, "K": 2, "N": 2, "O": 2},
    "302": {"G": 5, "N": 2, "O": 2, "H": 1}, "304": {"R": 5, "P": 5},
    "307": {"M": 6, "O": 6, "K": 2, "U": 1}, "308": {"J": 8, "O": 2},
    "309": {"Q": 6, "O": 3}, "310": {"O": 8, "M": 1, "U": 1}, "312": {"Q": 10},
    "403": {"M": 3, "O": 4, "P": 3}, "404": {"J": 10, "M": 3, "K": 2},
    "406": {"B": 8, "M": 4, "O": 2}, "407": {"C": 5, "M": 4},
    "501": {"C": 4, "F": 2, "M": 2}, "502": {"F": 12}, "503": {"F": 4, "D": 4, "C": 2, "B": 2},
    "504": {"G": 3, "H": 4, "C": 2, "B": 2}, "505": {"C": 10, "B": 3},
    "506": {"F": 6, "L": 5}, "507": {"C": 6, "F": 2, "E": 2}, "510": {"M": 10},
    "512": {"F": 5, "M": 5, "O": 2}, "514": {"J": 5, "C": 3, "M": 4, "D": 2},
    "515": {"C": 6, "B": 3}, "517": {"F": 5, "M": 5, "O": 2}, "518": {"C": 5, "B": 2},
    "519": {"J": 4, "C": 3, "D": 2}, "601": {"A": 10, "E": 1}, "603": {"A": 6, "M": 2},
    "604": {"A": 8, "O": 2}, "605": {"M": 6, "A": 3},
    "701": {"P": 6, "Q": 6, "R": 1, "T": 0.2}, "702": {"Q": 14, "T": 0.2},
    "705": {"G": 5, "C": 3, "Q": 3}, "708": {"R": 5, "P": 4, "Q": 2},
    "710": {"G": 6, "Q": 2}, "714": {"Q": 8, "O": 2}, "715": {"Q": 8, "O": 6},
    "801": {"I": 12, "C": 2, "P": 1}, "802": {"H": 12}, "803": {"S": 6, "N": 3, "I": 2},
    "805": {"O": 15}, "806": {"H": 10}, "903": {"N": 2, "I": 2, "H": 1.5, "US": 6},
}
# --- national forecast by industry (assumption): yearly growth to 2035 before calibration --
FORECAST_GROWTH: dict[str, float] = {
    "A": -0.010, "B": 0.010, "C": -0.002, "D": 0.010, "E": 0.006, "F": 0.004, "G": -0.002,
    "H": 0.002, "I": 0.006, "J": 0.018, "K": -0.004, "L": 0.004, "M": 0.012, "N": 0.008,
    "O": 0.004, "P": 0.004, "Q": 0.011, "R": 0.005, "S": 0.003,
}

TABLE_TITLES = {
    "industry_employed": "Förvärvsarbetande (dagbefolkning) efter län, näringsgren (SNI 2007), "
                         "utbildningsgrupp och år",
    "industry_forecast": "Nationell prognos: efterfrågan efter näringsgren (SNI 2007) och år",
}
PROVENANCE_COMMON = {
    "source": "Exempeldata (syntetiska), framtagna av kompetens_lib.data.example_industry",
    "method": "Syntetiska data: fördelade på näringsgrenar med antagna näringsgrensstrukturer "
              "och bemanningsmönster, så att summan över näringsgrenar är exakt exempeltabellen "
              "employed respektive den nationella prognosens efterfrågan. Inte officiell "
              "statistik; se modulens dokumentation för antagandena.",
    "generated": "2026-12-01",
    "generator_version": GENERATOR_VERSION,
    "seed": SEED,
    "licence": "CC0 1.0 (exempeldata)",
    "synthetic": True,
}


def _vector(values: dict[str, float], default: float = 0.0) -> np.ndarray:
    return np.array([values.get(i, default) for i in INDUSTRY_CODES], dtype=float)


def _ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Fit ``seed`` (..., I, G) to row totals (..., I) and column totals (..., G); the
    column step comes last, so the column totals (the education groups) hold exactly."""
    matrix = seed.astype(float).copy()
    for _ in range(IPF_ITERATIONS):
        r = matrix.sum(axis=-1)
        matrix *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[..., None]
        c = matrix.sum(axis=-2)
        matrix *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[..., None, :]
    return matrix


def _round_columns(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers along axis -2 (industries) adding up exactly to ``totals`` (largest remainder)."""
    floor = np.floor(values)
    short = (totals - floor.sum(axis=-2)).astype(np.int64)  # (..., G), 0 ≤ short < I
    order = np.argsort(-(values - floor), axis=-2, kind="stable")
    rank = np.argsort(order, axis=-2, kind="stable")
    return (floor + (rank < short[..., None, :])).astype(np.int64)


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    floor = np.floor(values)
    extra = int(total - floor.sum())
    order = np.argsort(-(values - floor), kind="stable")
    out = floor.astype(np.int64)
    out[order[:extra]] += 1
    return out


def _structure(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """Industry shares [county, year, industry] of each county's employed."""
    size = _vector(INDUSTRY_SIZE)
    trend = _vector(INDUSTRY_TREND)
    tilt = np.ones((len(COUNTY_CODES), len(INDUSTRY_CODES)))
    for c, code in enumerate(COUNTY_CODES):
        for table, members in ((INDUSTRIAL_TILT, INDUSTRIAL), (NORTH_INLAND_TILT, NORTH_INLAND)):
            if code in members:
                tilt[c] *= _vector(table, 1.0)
        tilt[c] *= _vector(COUNTY_TILT.get(code, {}), 1.0)
    tilt *= rng.lognormal(0.0, 0.05, tilt.shape)
    time = np.exp(trend[None, :] * (years[:, None] - 2017))  # [y, i]
    shares = size[None, None, :] * tilt[:, None, :] * time[None, :, :]
    return shares / shares.sum(axis=-1, keepdims=True)


def _affinity(groups: list[str]) -> np.ndarray:
    """Staffing-pattern seed [industry, group]."""
    seed = np.full((len(INDUSTRY_CODES), len(groups)), BACKGROUND)
    for g, code in enumerate(groups):
        table = GROUP_AFFINITY.get(code, FIELD_AFFINITY[code[0]])
        seed[:, g] += _vector(table)
    return seed


def _employed_cube(employed: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    counties = employed[employed["region"] != NATIONAL_CODE]
    totals = counties.groupby(["region", "year", "education_group"])["value"].sum()
    groups = sorted(counties["education_group"].unique().tolist())
    years = np.array(sorted(counties["year"].unique().tolist()), dtype=np.int64)
    index = pd.MultiIndex.from_product([list(COUNTY_CODES), years.tolist(), groups])
    cube = totals.reindex(index, fill_value=0).to_numpy().reshape(
        len(COUNTY_CODES), len(years), len(groups))
    return groups, years, cube


def generate(source: str = EXAMPLE_SOURCE) -> dict[str, pd.DataFrame]:
    """Build both industry tables from the example tables of ``source``; deterministic."""
    rng = np.random.default_rng(SEED)
    employed = load("employed", source)
    forecast = load("national_forecast", source)
    groups, years, totals = _employed_cube(employed)  # totals [c, y, g]

    structure = _structure(rng, years)  # [c, y, i]
    national_groups = totals.sum(axis=0)  # [y, g]
    national_rows = _vector(INDUSTRY_SIZE)[None, :] / sum(INDUSTRY_SIZE.values())
    national_rows = national_rows * national_groups.sum(axis=1, keepdims=True)  # [y, i]
    pattern = _ipf(np.repeat(_affinity(groups)[None], len(years), axis=0),
                   national_rows, national_groups)  # [y, i, g]
    county_rows = structure * totals.sum(axis=2, keepdims=True)  # [c, y, i]
    fitted = _ipf(np.repeat(pattern[None], len(COUNTY_CODES), axis=0), county_rows, totals)
    counts = _round_columns(fitted, totals)  # [c, y, i, g]

    index = pd.MultiIndex.from_product(
        [list(COUNTY_CODES), years.tolist(), list(INDUSTRY_CODES), groups],
        names=["region", "year", "industry", "education_group"])
    frame = pd.DataFrame({"value": counts.reshape(-1)}, index=index).reset_index()
    national = frame.groupby(["year", "industry", "education_group"], as_index=False)["value"].sum()
    national.insert(0, "region", NATIONAL_CODE)
    frame = pd.concat([national, frame], ignore_index=True)
    frame = frame[frame["value"] > 0][["region", "industry", "education_group", "year", "value"]]
    frame = frame.astype({"region": "string", "industry": "string",
                          "education_group": "string", "year": "int64", "value": "int64"})

    base_year = int(forecast["year"].min())
    base = national.loc[national["year"] == base_year].groupby("industry")["value"].sum()
    return {
        "industry_employed": frame.reset_index(drop=True),
        "industry_forecast": _industry_forecast(base.reindex(list(INDUSTRY_CODES), fill_value=0),
                                                forecast),
    }


def _industry_forecast(base: pd.Series, forecast: pd.DataFrame) -> pd.DataFrame:
    """Demand by industry and year: the base year's employed grown at the assumed rates, the
    change scaled so that the industries add up to the national forecast's total each year."""
    totals = forecast.groupby("year")["demand"].sum().sort_index()
    base_year = int(totals.index[0])
    start = base.to_numpy(dtype=float)
    if int(start.sum()) != int(totals.iloc[0]):
        raise ValueError("the example employed and national_forecast tables disagree in the "
                         "base year; regenerate the example data first")
    growth = _vector(FORECAST_GROWTH)
    rows = []
    for year, total in totals.items():
        h = int(year) - base_year
        change = start * ((1 + growth) ** h - 1)
        wanted = float(total) - start.sum()
        if h == 0:
            values = start.astype(np.int64)
        else:
            # Scale the pattern of change to the year's total change (a constant share of
            # change would distort small industries; a scale on the change does not).
            scale = wanted / change.sum() if change.sum() != 0 else 0.0
            values = _round_to_total(start + change * scale, int(total))
        rows += [(code, int(year), int(v)) for code, v in zip(INDUSTRY_CODES, values)]
    frame = pd.DataFrame(rows, columns=["industry", "year", "demand"])
    return frame.astype({"industry": "string", "year": "int64", "demand": "int64"})


def provenance_records() -> dict[str, dict]:
    """Provenance of both tables (source, method, date, licence, ``synthetic``)."""
    return {name: {"table": name, "title": title, **PROVENANCE_COMMON}
            for name, title in TABLE_TITLES.items()}


def write(directory: Path | str | None = None) -> list[Path]:
    """Write both tables as parquet, each with its provenance sidecar, atomically."""
    directory = Path(directory) if directory is not None else example_dir()
    written = []
    records = provenance_records()
    for name, frame in generate().items():
        written.append(atomic_write(directory / f"{name}.parquet",
                                    lambda p, f=frame: f.to_parquet(p, index=False,
                                                                    compression="zstd")))
        text = json.dumps(records[name], ensure_ascii=False, indent=2, sort_keys=True)
        written.append(atomic_write(directory / f"{name}.parquet.provenance.json",
                                    lambda p, t=text: Path(p).write_text(t + "\n",
                                                                         encoding="utf-8")))
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write():
        print(f"skrev {p} ({p.stat().st_size / 1024:.0f} KiB)")
