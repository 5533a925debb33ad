"""The county resolver accepts what participants and papermill type, and explains errors."""

from __future__ import annotations

import pytest

import kompetens_lib as kl
from kompetens_lib.errors import KompetensError


def test_reference_table_has_the_21_counties_with_string_codes():
    table = kl.regions()
    assert len(table) == 21
    assert table["code"].tolist()[:3] == ["01", "03", "04"]
    assert table["code"].tolist()[-1] == "25"
    assert all(len(c) == 2 for c in table["code"])
    assert table.set_index("code").loc["12", "name"] == "Skåne län"
    assert table.set_index("code").loc["14", "short_name"] == "Västra Götaland"
    assert kl.regions(include_national=True)["code"].iloc[0] == "00"


@pytest.mark.parametrize(
    "value, code",
    [
        ("12", "12"), ("Skåne", "12"), ("skane", "12"), ("Skåne län", "12"), ("SKÅNE LÄN", "12"),
        ("skane lan", "12"), (12, "12"), (5, "05"), ("5", "05"), ("05", "05"), (1, "01"),
        ("Östergötland", "05"), ("ostergotlands lan", "05"), ("Västra Götalands län", "14"),
        ("vastra gotaland", "14"), ("Västra-Götaland", "14"), ("Stockholms län", "01"),
        ("stockholm", "01"), ("Region Skåne", "12"), (" Norrbotten ", "25"), (25.0, "25"),
        ("Gävleborgs län", "21"), ("jamtland", "23"), ("Örebro", "18"),
    ],
)
def test_resolver_accepts_codes_names_short_names_and_integers(value, code):
    assert kl.resolve_region(value) == code


def test_riket_only_when_allowed():
    assert kl.resolve_region("Riket", allow_national=True) == "00"
    assert kl.resolve_region(0, allow_national=True) == "00"
    with pytest.raises(KompetensError):
        kl.resolve_region("00")


@pytest.mark.parametrize("value, suggestion", [
    ("Skåna", "'Skåne län' (12)"), ("Norrbote", "'Norrbottens län' (25)"),
    ("Vastra Gotlands", "'Västra Götalands län' (14)"), ("Upsala län", "'Uppsala län' (03)"),
])
def test_near_miss_suggests_the_closest_county(value, suggestion):
    with pytest.raises(KompetensError) as err:
        kl.resolve_region(value)
    message = str(err.value)
    assert f"Menade du {suggestion}?" in message
    assert "Giltiga val" in message and "25 Norrbotten" in message


@pytest.mark.parametrize("value", ["Atlantis", 2, "99", 11, "", None, True, 3.5, [12]])
def test_unknown_values_raise_a_swedish_error_listing_valid_choices(value):
    with pytest.raises(KompetensError) as err:
        kl.resolve_region(value)
    message = str(err.value)
    assert "Giltiga val är länskod eller namn" in message
    assert "01 Stockholm" in message and "12 Skåne" in message
    assert "Menade du" not in message or isinstance(value, str)


def test_every_county_resolves_from_its_own_name_short_name_and_code():
    for row in kl.regions().itertuples():
        assert kl.resolve_region(row.name) == row.code
        assert kl.resolve_region(row.short_name) == row.code
        assert kl.resolve_region(int(row.code)) == row.code
        assert kl.resolve_region(row.slug) == row.code
