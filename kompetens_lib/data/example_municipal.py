"""Deterministic generator of the bundled municipal example tables (synthetic, calibrated).

Three optional tables for planning areas (DOMAIN §10), made from the bundled county example
tables (loaded, never regenerated here); none is official statistics:

* ``municipal_population``: population per municipality × age band × year (the county
  example's history years). Summed over a county's municipalities it equals the county's
  example ``population`` exactly, for every age band and year.
* ``municipal_employed``: employed per municipality × ``basis`` × year, ``basis``
  "arbetsort" (by workplace, *dagbefolkning*) or "bostadsort" (by residence,
  *nattbefolkning*). By workplace the municipalities of a county add up to the county's
  example ``employed`` (summed over groups and ages); by residence to the county's employed
  minus in-commuters plus out-commuters (example ``commuting``). So a municipality's net
  commuting is workplace − residence, and the net commuting of a county's municipalities
  adds up to the county's.
* ``municipal_employed_group``: employed by workplace per municipality × education group ×
  year for the last :data:`GROUP_YEARS` years (the base years a breakdown needs). Summed
  over municipalities it equals the county's employed by group exactly; summed over groups
  it equals ``municipal_employed`` by workplace.

**Calibration.** Each municipality's share of its county's population is calibrated to
SCB's published population on 31 December 2024 (*Folkmängd i riket, län och kommuner 31
december 2024*; the 290 figures are bundled in ``municipal_population_2024.csv``, whose
header cites where they were read and how they were checked). For the example's latest
history year the municipalities of a county get exactly those shares of the county's
example population (to the person, after rounding); as the county example is itself
calibrated to SCB's county totals (within about 2 %), Lidingö comes out at about 48 000
against SCB's 48 377. Earlier years drift back from the anchor by the municipality's own
growth (towns slightly faster than the rest, :data:`TOWN_GROWTH`, and a fixed pseudo-random
part per municipality, seeded by its code). The age profile is synthetic: towns (the
county's main town, code ending "80", and the former towns, 81–99) are younger; each year's
split is fitted so that the municipalities add up to the county in every age band and the
municipality totals keep their shares. Jobs concentrate in towns (:data:`JOB_TILT`),
post-secondary groups more so (:data:`LEVEL_TILT`). Employed by workplace and residence are
synthetic splits, not SCB's; replace the tables with SCB's own (employed by workplace and
residence per municipality: SCB's BAS tables by municipality; population: TAB638 by
municipality) for real work.

Run ``python -m kompetens_lib.data.example_municipal`` to rewrite the bundled files after
the county example tables have changed.
"""

from __future__ import annotations

import json
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_lib._internal.files import atomic_write_bytes
from kompetens_lib.data.recipe_math import rake, round_columns
from kompetens_lib.data.tables import example_dir, load
from kompetens_lib.reference.geography import municipalities
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.reference.taxonomy import education_groups

__all__ = ["ANCHOR_YEAR", "BASES", "GROUP_YEARS", "TABLE_TITLES", "generate",
           "published_population", "write"]

#: The two bases of employment: by workplace (dagbefolkning), by residence (nattbefolkning).
BASES: tuple[str, ...] = ("arbetsort", "bostadsort")
#: Years (the latest of the employment history) with employed by education group.
GROUP_YEARS = 3
#: The year of the published municipal populations the shares are calibrated to.
ANCHOR_YEAR = 2024
#: Yearly growth of a town's population share relative to the county (others the negative).
TOWN_GROWTH = 0.004
#: Spread of a municipality's own yearly growth relative to its county.
GROWTH_SPREAD = 0.004
#: Jobs per resident aged 16-74 relative to the county: seat, other towns, the rest.
JOB_TILT = {"seat": 1.30, "town": 1.05, "rest": 0.80}
#: Extra tilt of post-secondary groups (by workplace) in the seat, towns and the rest.
LEVEL_TILT = {"seat": 1.35, "town": 1.05, "rest": 0.80}
#: Age profile: towns are younger (share multipliers by age band).
YOUNG_TILT = {"16-24": 1.12, "25-34": 1.15, "65-74": 0.90, "75+": 0.88}

TABLE_TITLES = {
    "municipal_population": "Befolkning per kommun, åldersgrupp och år",
    "municipal_employed": "Förvärvsarbetande per kommun efter arbetsort och bostadsort",
    "municipal_employed_group": "Förvärvsarbetande efter arbetsort per kommun och "
                                "utbildningsgrupp",
}
_METHOD = ("Länens exempeldata fördelade på kommunerna: befolkningens fördelning följer SCB:s "
           "folkmängd per kommun 31 december 2024, tidigare år och åldersprofil och "
           "sysselsättningen är syntetiska. Kommunerna summerar exakt till länets exempeldata. "
           "Inte officiell statistik. Se kompetens_lib.data.example_municipal.")


def _kind(code: str) -> str:
    suffix = int(code[2:])
    return "seat" if suffix == 80 else "town" if suffix > 80 else "rest"


def _noise(code: str, salt: str, sigma: float) -> float:
    rng = np.random.default_rng(zlib.crc32(f"{code}:{salt}".encode()))
    return float(np.exp(rng.normal(0.0, sigma)))


def _whole(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``values`` adding up to ``total`` (largest remainders)."""
    values = np.asarray(values, dtype=float)
    if total <= 0 or values.sum() <= 0:
        return np.zeros(len(values), dtype=np.int64)
    exact = values / values.sum() * total
    floor = np.floor(exact).astype(np.int64)
    rest = int(total - floor.sum())
    order = np.argsort(-(exact - floor), kind="stable")
    floor[order[:rest]] += 1
    return floor


def _split(totals: pd.DataFrame, keys: list[str], weights) -> list[tuple]:
    """Split each row of ``totals`` (``region``, ``keys``, ``value``) over the county's
    municipalities by ``weights(municipality codes, row)``."""
    munis = municipalities()
    by_county = {c: munis.loc[munis["county"] == c, "code"].tolist() for c in COUNTY_CODES}
    rows = []
    for row in totals.itertuples(index=False):
        codes = by_county[row.region]
        values = _whole(weights(codes, row), int(row.value))
        rows.extend((code, *(getattr(row, k) for k in keys), int(v))
                    for code, v in zip(codes, values))
    return rows


@lru_cache(maxsize=1)
def published_population() -> dict[str, int]:
    """SCB's population of each municipality on 31 December :data:`ANCHOR_YEAR` (code → people),
    from the bundled ``municipal_population_2024.csv``."""
    name = f"municipal_population_{ANCHOR_YEAR}.csv"
    text = resources.files(__package__).joinpath(name).read_text("utf-8")
    rows = [line.split(",") for line in text.splitlines()
            if line and not line.startswith("#")][1:]
    return {code: int(value) for code, value in rows}


def _growth(code: str) -> float:
    """The municipality's yearly growth relative to its county: the town rule plus a fixed
    part of its own (normal, σ = :data:`GROWTH_SPREAD`, within ±3σ), seeded by its code."""
    rng = np.random.default_rng(zlib.crc32(f"{code}:growth".encode()))
    own = float(np.clip(rng.normal(0.0, GROWTH_SPREAD), -3 * GROWTH_SPREAD, 3 * GROWTH_SPREAD))
    return (TOWN_GROWTH if _kind(code) != "rest" else -TOWN_GROWTH) + own


def _population(pop: pd.DataFrame) -> pd.DataFrame:
    """Split the county population (``region``, ``age_band``, ``year``, ``value``) over the
    municipalities: totals in SCB's 2024 shares (drifting back by each one's growth), bands
    fitted to the county's bands (see the module docstring)."""
    published = published_population()
    munis = municipalities()
    latest = int(pop["year"].max())
    bands = list(dict.fromkeys(pop["age_band"]))
    rows = []
    for (county, year), part in pop.groupby(["region", "year"], sort=True):
        codes = munis.loc[munis["county"] == county, "code"].tolist()
        cols = part.set_index("age_band")["value"].reindex(bands).fillna(0).to_numpy()
        shares = np.array([published[c] * np.exp(_growth(c) * (year - latest)) for c in codes])
        tilt = np.array([[YOUNG_TILT.get(b, 1.0) if _kind(c) != "rest"
                          else 1.0 / YOUNG_TILT.get(b, 1.0) for b in bands] for c in codes])
        fitted = rake(shares[:, None] * tilt, shares, cols)
        values = round_columns(fitted, cols)
        rows.extend((code, band, int(year), int(values[i, j]))
                    for i, code in enumerate(codes) for j, band in enumerate(bands))
    return _frame(rows, ["municipality", "age_band", "year", "value"])


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column == "year" or column == "value":
            out[column] = out[column].astype("int64")
        else:
            out[column] = out[column].astype("string")
    return out.sort_values(columns[:-1]).reset_index(drop=True)


def generate(source: object = None) -> dict[str, pd.DataFrame]:
    """The three tables (see the module docstring), from the county tables of ``source``
    (default the bundled example)."""
    pop = load("population", source)
    pop = pop[pop["region"].isin(COUNTY_CODES) & ~pop["projection"]]
    population = _population(pop)

    working_age = population[~population["age_band"].isin(["0-15", "75+"])]
    adults = working_age.groupby(["municipality", "year"])["value"].sum()

    employed = load("employed", source)
    employed = employed[employed["region"].isin(COUNTY_CODES)]
    workplace_c = employed.groupby(["region", "year"], as_index=False)["value"].sum()

    def job_weight(code: str, year: int) -> float:
        return float(adults[(code, year)]) * JOB_TILT[_kind(code)] * _noise(code, "jobs", 0.15)

    commuting = load("commuting", source)
    net = commuting[commuting["region"].isin(COUNTY_CODES)].pivot_table(
        index=["region", "year"], columns="direction", values="value", aggfunc="sum")
    residence_c = workplace_c.set_index(["region", "year"])["value"]
    residence_c = (residence_c - net["in"].reindex(residence_c.index).fillna(0)
                   + net["ut"].reindex(residence_c.index).fillna(0)).astype("int64")
    residence_c = residence_c.rename("value").reset_index()

    def home_weight(code: str, year: int) -> float:
        return float(adults[(code, year)]) * _noise(code, "residence", 0.05)

    # By education group for the latest years: each group's county total split by the
    # municipality's job weight times its level tilt.
    years = sorted(employed["year"].unique())[-GROUP_YEARS:]
    levels = education_groups().set_index("code")["level"]
    by_group = employed[employed["year"].isin(years)].groupby(
        ["region", "education_group", "year"], as_index=False, observed=True)["value"].sum()

    def group_weight(codes: list[str], r) -> list[float]:
        post = str(levels.get(r.education_group, "")).startswith("eftergymnasial")
        return [job_weight(c, r.year) * (LEVEL_TILT[_kind(c)] if post else 1.0)
                * _noise(c, f"group{r.education_group}", 0.2) for c in codes]

    groups = _frame(_split(by_group, ["education_group", "year"], group_weight),
                    ["municipality", "education_group", "year", "value"])
    workplace = _frame(_split(workplace_c[~workplace_c["year"].isin(years)], ["year"],
                              lambda codes, r: [job_weight(c, r.year) for c in codes]),
                       ["municipality", "year", "value"])
    from_groups = groups.groupby(["municipality", "year"], as_index=False)["value"].sum()
    workplace = pd.concat([workplace, from_groups], ignore_index=True).assign(basis="arbetsort")
    residence = _frame(_split(residence_c, ["year"],
                              lambda codes, r: [home_weight(c, r.year) for c in codes]),
                       ["municipality", "year", "value"]).assign(basis="bostadsort")
    both = pd.concat([workplace, residence], ignore_index=True)
    employed_m = _frame(list(both[["municipality", "basis", "year", "value"]]
                             .itertuples(index=False, name=None)),
                        ["municipality", "basis", "year", "value"])
    return {"municipal_population": population, "municipal_employed": employed_m,
            "municipal_employed_group": groups}


def provenance_records() -> dict[str, dict]:
    """Provenance of each table (synthetic, approximate, not official statistics)."""
    return {name: {"table": name, "title": title, "synthetic": True,
                   "source": "Exempeldata (syntetiska), framtagna av "
                             "kompetens_lib.data.example_municipal",
                   "method": _METHOD, "licence": "CC0 1.0 (exempeldata)"}
            for name, title in TABLE_TITLES.items()}


def write(directory: Path | None = None) -> list[Path]:
    """Write the tables and their provenance sidecars to ``directory`` (default the bundled
    example folder), atomically."""
    directory = Path(directory) if directory is not None else example_dir()
    records = provenance_records()
    written = []
    for name, frame in generate().items():
        target = directory / f"{name}.parquet"
        atomic_write_bytes(target, frame.to_parquet(index=False))
        atomic_write_bytes(directory / f"{name}.provenance.json",
                           json.dumps(records[name], ensure_ascii=False, indent=2)
                           .encode("utf-8"))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
