"""Generator of the bundled example table ``intake``: today's intake (new starters) per
county, programme and year, for setting planned places beside what is offered and filled
today (DOMAIN §11). Synthetic; run ``python -m kompetens_lib.data.example_education``.

Calibration (every figure rounded, national level only; counties are never official):

- Upper-secondary vocational programmes: Skolverket reports 37 140 pupils in the first
  year of a vocational programme in 2022/23 and 38 300 in 2023/24 (Skolverket, news of
  14 March 2024, "Fler elever läser ett yrkesprogram i gymnasieskolan"). They are split
  over the 12 programmes by the programme mix of year-1 pupils in Skolverket's SIRIS
  statistics for 2016/17 (Riket: Barn och fritid 2 828, Bygg och anläggning 4 375, El och
  energi 4 849, Fordon och transport 3 505, Handel och administration 2 899, Hantverk
  2 276, Hotell och turism 1 077, Industriteknik 1 344, Naturbruk 2 998, Restaurang och
  livsmedel 1 803, VVS och fastighet 1 156, Vård och omsorg 3 362), the latest programme
  split the workbook holds; the mix has shifted since (hotell och turism has grown).
- Each county's share of a year's intake is its share of the population aged 16–24 in the
  example population table.
- Komvux (yrkesvux) and YH: no published total is used. The intake is the county's
  example graduates of the groups a programme leads to (``load("graduates")``, mean of
  the last three years) divided by the completion rate assumed in dimensioning
  (komvux 0.70, YH 0.75), so the example is consistent with the example graduates.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_lib._internal.files import atomic_write_bytes
from kompetens_lib.data.tables import example_dir, load
from kompetens_lib.reference.programmes import programme_groups, programmes
from kompetens_lib.reference.regions import COUNTY_CODES

__all__ = ["COMPLETION", "NATIONAL_VOCATIONAL_INTAKE", "PROGRAMME_MIX_2016", "intake_table",
           "write_intake"]

#: Pupils in year 1 of a vocational programme, Riket (Skolverket, see above).
NATIONAL_VOCATIONAL_INTAKE: dict[int, int] = {2022: 37_140, 2023: 38_300}
#: Year-1 pupils per vocational programme, Riket, 2016/17 (Skolverket SIRIS).
PROGRAMME_MIX_2016: dict[str, int] = {
    "BF": 2828, "BA": 4375, "EE": 4849, "FT": 3505, "HA": 2899, "HV": 2276, "HT": 1077,
    "IN": 1344, "NB": 2998, "RL": 1803, "VF": 1156, "VO": 3362,
}
#: Completion rates used to turn example graduates into starters (as in dimensioning).
COMPLETION: dict[str, float] = {"komvux": 0.70, "yh": 0.75}

PROVENANCE = {
    "table": "intake",
    "title": "Antagna (nybörjare) per län, utbildning och år",
    "synthetic": True,
    "source": "Exempeldata (syntetiska), framtagna av kompetens_lib.data.example_education",
    "method": ("Gymnasiets yrkesprogram: Skolverkets riksantal elever i årskurs 1 på "
               "yrkesprogram 2022/23 och 2023/24, fördelade på programmen efter fördelningen "
               "2016/17 (SIRIS) och på länen efter befolkningen 16–24 år. Komvux och YH: "
               "exempeldatans examinerade delat med antagen genomströmning. Länssiffrorna är "
               "inte officiell statistik."),
    "licence": "CC0 1.0 (exempeldata)",
}


def intake_table(source: object = None) -> pd.DataFrame:
    """The synthetic intake: ``region``, ``programme``, ``form``, ``year``, ``value``."""
    pop = load("population", source)
    young = pop[(pop["age_band"] == "16-24") & pop["region"].isin(COUNTY_CODES)]
    rows = []
    mix = pd.Series(PROGRAMME_MIX_2016, dtype=float)
    mix = mix / mix.sum()
    for year, total in NATIONAL_VOCATIONAL_INTAKE.items():
        share = young[young["year"] == year].set_index("region")["value"].astype(float)
        share = share / share.sum()
        for programme, p_share in mix.items():
            values = _whole(total * p_share * share.to_numpy())
            for region, value in zip(share.index, values):
                rows.append((region, programme, "gymnasium", year, value))
    grads = load("graduates", source)
    links = programme_groups()
    for form, rate in COMPLETION.items():
        part = links[links["form"] == form]
        g = grads[(grads["form"] == form) & grads["region"].isin(COUNTY_CODES)]
        for year in NATIONAL_VOCATIONAL_INTAKE:
            recent = g[g["year"].between(year - 2, year)]
            mean = recent.groupby(["region", "education_group"], observed=True)["value"] \
                .sum() / 3.0
            merged = part.merge(mean.rename("graduates").reset_index(), on="education_group")
            merged["value"] = merged["graduates"] * merged["weight"] / rate
            per = merged.groupby(["region", "programme"], observed=True)["value"].sum()
            for (region, programme), value in per.items():
                rows.append((region, programme, form, year, int(round(value))))
    out = pd.DataFrame(rows, columns=["region", "programme", "form", "year", "value"])
    known = set(programmes()["code"])
    out = out[out["programme"].isin(known)]
    for column in ("region", "programme", "form"):
        out[column] = out[column].astype("string")
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("int64")
    return out.sort_values(["region", "form", "programme", "year"]).reset_index(drop=True)


def _whole(values: np.ndarray) -> list[int]:
    """Round to whole persons keeping the sum (largest remainders)."""
    floor = np.floor(values).astype(int)
    rest = int(round(values.sum())) - int(floor.sum())
    order = np.argsort(-(values - floor))
    floor[order[:rest]] += 1
    return floor.tolist()


def write_intake(directory: Path | None = None) -> Path:
    """Write ``intake.parquet`` and ``intake.provenance.json`` to ``directory`` (default the
    bundled example folder), atomically."""
    directory = Path(directory) if directory is not None else example_dir()
    frame = intake_table()
    target = directory / "intake.parquet"
    atomic_write_bytes(target, frame.to_parquet(index=False))
    atomic_write_bytes(directory / "intake.provenance.json",
                       json.dumps(PROVENANCE, ensure_ascii=False, indent=2).encode("utf-8"))
    return target


if __name__ == "__main__":
    print(write_intake())
