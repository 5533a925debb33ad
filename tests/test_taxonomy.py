"""The education-group taxonomy is built on SCB's groups and is internally consistent."""

from __future__ import annotations

import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.taxonomy import (
    AGE_BANDS,
    LEVELS,
    age_bands,
    group_members,
    resolve_group,
)


def test_groups_have_stable_unique_codes_and_all_columns():
    groups = kl.education_groups()
    assert list(groups.columns) == ["code", "label", "short_name", "level", "field_code",
                                    "field", "kind"]
    assert groups["code"].is_unique and groups["short_name"].is_unique
    assert len(groups) == 102
    assert set(groups["level"]) == set(LEVELS)
    assert groups["code"].str.match(r"^\d{3}$").all()
    # The first digit of a code is the SUN broad field.
    assert (groups["code"].str[0] == groups["field_code"]).all()


def test_known_groups_have_the_right_level_and_field():
    g = kl.education_groups().set_index("short_name")
    assert g.loc["Förskollärare", "level"] == "eftergymnasial ≥ 3 år"
    assert g.loc["Förskollärare", "field"] == "pedagogik och lärarutbildning"
    assert g.loc["Gymn. vård och omsorg", "level"] == "gymnasial"
    assert g.loc["Gymn. vård och omsorg", "field"] == "hälso- och sjukvård samt social omsorg"
    assert g.loc["YH teknik", "level"] == "eftergymnasial < 3 år"
    assert g.loc["Grundskola", "level"] == "förgymnasial"
    assert g.loc["Läkare", "field_code"] == "7"


def test_labels_match_scbs_list_of_detailed_groups(shared_dir):
    lines = [ln.rstrip() for ln in (shared_dir / "data/education_groups_scb_am9906.txt")
             .read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    detailed = [" ".join(ln.split()) for ln in lines[4:-14]]
    assert kl.education_groups()["label"].tolist() == detailed
    aggregates = set(lines[:4] + lines[-14:])
    agg_labels = set(kl.education_groups(aggregates=True).query("kind != 'grupp'")["label"])
    assert set(kl.education_groups()["field"]) <= aggregates
    assert "samtliga utbildningsgrupper" in agg_labels


def test_aggregates_partition_the_detailed_groups():
    all_codes = set(kl.education_groups()["code"])
    levels = [set(group_members(f"N{i}")) for i in range(1, len(LEVELS) + 1)]
    assert set().union(*levels) == all_codes
    assert sum(len(s) for s in levels) == len(all_codes)
    fields = [set(group_members(f"I{i}")) for i in range(10)]
    assert set().union(*fields) == all_codes
    assert set(group_members("T")) == all_codes
    with pytest.raises(KompetensError, match="Okänt aggregat"):
        group_members("X1")


def test_resolve_group_by_code_name_and_label():
    assert resolve_group("103") == "103"
    assert resolve_group("förskollärare") == "103"
    assert resolve_group("förskollärarutbildning") == "103"
    with pytest.raises(KompetensError, match="Menade du 'Förskollärare'"):
        resolve_group("Förskolärare")


def test_age_bands():
    table = age_bands()
    assert table["code"].tolist() == list(AGE_BANDS)
    assert table["label"].iloc[0] == "16–24 år"
    assert table["lower"].tolist() == [16, 25, 35, 45, 55, 65]
    assert table["upper"].tolist() == [24, 34, 44, 54, 64, 74]
    assert age_bands(include_population_only=True)["code"].tolist()[-1] == "75+"
