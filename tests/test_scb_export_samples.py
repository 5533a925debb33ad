"""Every real SCB export in ../shared/data/scb_export_samples is read whatever geography its
region column holds, with the count and sum of values a plain CSV read gives."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from kompetens_lib.data.scb_import import import_scb_file

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scb_export_samples"
FILES = sorted(SAMPLES.glob("*.csv")) if SAMPLES.is_dir() else []
YEAR = re.compile(r"^(18|19|20|21)\d\d")


def plain_count_and_sum(path: Path) -> tuple[int, int]:
    """Count and sum the numbers under the year columns, by a straightforward CSV read."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    year_cols = [i for i, h in enumerate(header) if YEAR.match(h.strip())]
    count = total = 0
    for row in rows[1:]:
        for i in year_cols:
            cell = row[i].strip().replace(" ", "")
            if cell.isdigit():
                count += 1
                total += int(cell)
    return count, total


@pytest.mark.skipif(not FILES, reason="../shared/data/scb_export_samples is not beside the repo")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_real_export_is_read_with_the_right_count_and_sum(path):
    df = import_scb_file(path)
    count, total = plain_count_and_sum(path)
    assert count > 0
    assert int(df["value"].notna().sum()) == count
    assert int(df["value"].sum()) == total
    if "region" in df:
        assert df["region_type"].notna().all()
        assert set(df["region_type"]) <= {"riket", "riksområde", "län", "fa-region", "kommun",
                                          "okänd"}


@pytest.mark.skipif(not FILES, reason="../shared/data/scb_export_samples is not beside the repo")
def test_nuts_exports_get_the_riksomrade_type_and_sweden_is_riket():
    df = import_scb_file(SAMPLES / "0000002T.csv")
    kinds = df.drop_duplicates("region").set_index("region")["region_type"].to_dict()
    assert kinds == {"00": "riket", "SE21": "riksområde"}
    df = import_scb_file(SAMPLES / "AM0110A2.csv")
    assert set(df["region"]) == {"SE11", "SE12", "SE21", "SE22", "SE23", "SE31", "SE32", "SE33"}
