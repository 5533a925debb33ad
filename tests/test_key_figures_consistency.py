"""One figure, one definition (DOMAIN §8): the brief, the need tables of notebook 06 and the
key-figure JSON a notebook shows give the same numbers for every county (issue 12)."""

import json

import pytest

from kompetens_lib.present import keyfigures
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.workbook import brief, key_figures, need_tables
from kompetens_lib.workbook.forecast import round_persons


@pytest.mark.parametrize("region", COUNTY_CODES)
def test_brief_need_tables_and_shown_json_agree(region):
    content = brief.brief_content(region)
    county = key_figures.county_key_figures(region)
    need = need_tables.need_table(region)
    places = need_tables.places_table(need)
    notebook = key_figures.need_figures(need, need_tables.programme_places(places))
    legacy = need_tables.key_figures_need(need, places)
    shown = json.loads(json.dumps(keyfigures.bundle(
        notebook, section="behov", title="t", labels=key_figures.KEY_FIGURE_LABELS)[
        keyfigures.MIME]))
    expected_total = round_persons(need["need"].sum())
    for source in (content.figures, county, notebook, legacy, shown):
        assert source["need_total"] == expected_total
        assert source["share_need_replacement"] == pytest.approx(
            round(need["replacement"].sum() / need["need"].sum(), 4))
    for source in (content.figures, county, shown):
        assert source["places_to_plan"] == county["places_to_plan"]
    assert content.figures["share_need_retirements"] == county["share_need_retirements"]
    assert legacy["places_per_year"] == county["places_per_year"]
    assert content.figures["shortage_groups"] == county["shortage_groups"]
    assert f"Brist i {county['shortage_groups']} utbildningsgrupper" in \
        content.messages[2].title or county["shortage_groups"] == 0
