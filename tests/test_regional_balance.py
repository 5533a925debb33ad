"""Balance on one basis (workplace) with the county's own supply (issue 12)."""

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib.methods.balance import balance_on_workplace_basis
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.reference.taxonomy import JUDGEMENTS
from kompetens_lib.workbook import balance_tables

SHORTAGE = JUDGEMENTS[:3]


@pytest.fixture(scope="module")
def tables():
    return {r: balance_tables.balance_table(r, target_year=2035) for r in COUNTY_CODES}


@pytest.mark.parametrize("region", COUNTY_CODES)
def test_no_group_has_supply_above_demand_and_a_shortage_judgement(tables, region):
    table = tables[region]
    contradictions = table[(table["ratio"] > 100) & table["judgement"].isin(SHORTAGE)]
    assert contradictions.empty, contradictions[["short_name", "ratio", "judgement"]]


def test_at_least_a_third_of_the_groups_get_different_judgements_across_counties(tables):
    wide = pd.DataFrame({r: t.set_index("education_group")["judgement"]
                         for r, t in tables.items()})
    differing = int((wide.nunique(axis=1) > 1).sum())
    assert differing >= len(wide) / 3


def test_the_breakdown_basis_gives_every_county_the_national_judgement():
    # What the workplace basis fixes: with both sides broken down by the fixed share,
    # Stockholm and Jämtland get the same words for every group.
    a = balance_tables.balance_table("01", target_year=2035, basis="breakdown")
    b = balance_tables.balance_table("23", target_year=2035, basis="breakdown")
    joined = a.set_index("education_group")["judgement"].to_frame("a").join(
        b.set_index("education_group")["judgement"].rename("b"))
    assert (joined["a"] == joined["b"]).all()


def test_net_commuting_is_its_own_term_of_the_balance(tables):
    stockholm = tables["01"]
    assert (stockholm["supply"] - stockholm["supply_residence"]).to_numpy() == pytest.approx(
        stockholm["net_commuting"].to_numpy())
    flows = kl.load("commuting")
    flows = flows[(flows["region"] == "01") & (flows["year"] == 2023)].set_index("direction")
    net = float(flows.loc["in", "value"] - flows.loc["ut", "value"])
    # Spread over the groups; made to sum to 0 per group nationally, so close to the net.
    assert stockholm["net_commuting"].sum() == pytest.approx(net, rel=0.1)
    assert stockholm["net_commuting"].sum() > 0


def test_county_supply_adds_up_to_the_national_supply():
    full = balance_tables.regional_balance_all(2023, 2035, "fixed_share")
    national = kl.load("national_forecast").set_index(["education_group", "year"])["supply"]
    summed = full.groupby(["education_group", "year"])["supply"].sum()
    assert summed.to_numpy() == pytest.approx(national.reindex(summed.index).to_numpy(),
                                              rel=1e-6)


def test_a_county_whose_supply_grows_slower_moves_towards_shortage():
    s = pd.DataFrame({"region": ["04", "04"], "education_group": "108", "year": [2023, 2035],
                      "value": [100.0, 90.0]})
    d = pd.DataFrame({"region": ["04", "04"], "education_group": "108", "year": [2023, 2035],
                      "value": [100.0, 100.0]})
    n = pd.DataFrame({"education_group": ["108"], "year": [2023], "supply": [100.0],
                      "demand": [100.0], "judgement": ["balans"]})
    out = balance_on_workplace_basis(s, d, n, None, base_year=2023)
    assert out["judgement"].tolist() == ["balans", "brist"]  # −10 %: two steps


def test_a_judgement_never_contradicts_the_side_of_100():
    # The nation starts in "stor brist" at S/D = 80; a county at 101 would be moved only
    # two steps (to "viss brist") by the thresholds, but it has more supply than demand.
    s = pd.DataFrame({"region": ["04"], "education_group": "108", "year": [2023],
                      "value": [101.0]})
    d = s.assign(value=100.0)
    n = pd.DataFrame({"education_group": ["108"], "year": [2023], "supply": [80.0],
                      "demand": [100.0], "judgement": ["stor brist"]})
    out = balance_on_workplace_basis(s, d, n, None, base_year=2023, thresholds=(0.1, 0.2, 0.5))
    assert out["judgement"].tolist() == ["balans"]
    assert out.attrs["set_to_balance"] == 1


def test_an_unknown_basis_is_refused_in_swedish():
    with pytest.raises(kl.KompetensError, match="basis ska vara"):
        balance_tables.balance_table("04", basis="bostad")
