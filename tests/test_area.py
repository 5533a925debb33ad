"""Planning areas end to end: the municipal example tables add up to the county tables, the
breakdown of a county's need to its municipalities adds up to the county, an area that is a
whole county gets the county's need and places, and ``kompetens run --area`` builds the
area's notebook and report (or refuses a bad file in Swedish before any work)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib import cli
from kompetens_lib.data import example_municipal
from kompetens_lib.errors import KompetensError, KompetensWarning, PlanningAreaError
from kompetens_lib.methods.municipal import municipal_shares, net_commuting
from kompetens_lib.publish.runner import AREA_NOTEBOOKS, find_notebooks
from kompetens_lib.reference.regions import COUNTY_CODES
from kompetens_lib.workbook import area_tables
from kompetens_lib.workbook.need_tables import need_table, places_table, programme_places

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KompetensWarning)
        yield


def _county_of(frame: pd.DataFrame) -> pd.Series:
    return frame["municipality"].str[:2]


# --- the municipal example tables ---------------------------------------------------------

def test_municipal_population_adds_up_to_the_county_population():
    municipal = kl.load("municipal_population")
    county = kl.load("population")
    county = county[county["region"].isin(COUNTY_CODES) & ~county["projection"]]
    summed = municipal.assign(region=_county_of(municipal)).groupby(
        ["region", "age_band", "year"])["value"].sum()
    expected = county.set_index(["region", "age_band", "year"])["value"]
    pd.testing.assert_series_equal(summed.sort_index(), expected.sort_index(),
                                   check_names=False, check_dtype=False)
    assert municipal["municipality"].nunique() == 290


def test_the_bundled_published_populations_are_scbs_290_adding_up_to_riket():
    published = example_municipal.published_population()
    assert set(published) == set(kl.municipalities()["code"])
    assert sum(published.values()) == 10_587_710  # SCB, Riket 31 December 2024
    stockholm = sum(v for c, v in published.items() if c.startswith("01"))
    assert stockholm == 2_473_307 and published["0186"] == 48_377


def test_municipal_populations_are_calibrated_to_the_published_shares_of_their_county():
    municipal = kl.load("municipal_population")
    latest = municipal["year"].max()
    totals = municipal[municipal["year"] == latest].groupby("municipality")["value"].sum()
    published = pd.Series(example_municipal.published_population())
    county = totals.groupby(totals.index.str[:2]).transform("sum")
    share = totals / county
    expected = published / published.groupby(published.index.str[:2]).transform("sum")
    # exact to rounding (one person per age band)
    assert ((share - expected.reindex(share.index)).abs() * county <= 8).all()
    # So the levels are SCB's within the county example's own calibration (about 2 %).
    ratio = totals / published.reindex(totals.index)
    assert ratio.between(0.97, 1.03).all()
    assert 47_000 < totals["0186"] < 49_500  # Lidingö, SCB 48 377
    # Earlier years move: not one fixed share for every year.
    first = municipal[municipal["year"] == municipal["year"].min()].groupby(
        "municipality")["value"].sum()
    moved = (first / first.groupby(first.index.str[:2]).transform("sum")) / share
    assert moved.std() > 0.02 and moved.between(0.6, 1.5).all()


def test_municipal_employed_add_up_to_the_county_by_workplace_and_by_residence():
    municipal = kl.load("municipal_employed")
    employed = kl.load("employed")
    employed = employed[employed["region"].isin(COUNTY_CODES)]
    county_work = employed.groupby(["region", "year"])["value"].sum()
    by_basis = municipal.assign(region=_county_of(municipal)).groupby(
        ["basis", "region", "year"])["value"].sum()
    work = by_basis.loc["arbetsort"]
    pd.testing.assert_series_equal(work.sort_index(), county_work.sort_index(),
                                   check_names=False, check_dtype=False)
    commuting = kl.load("commuting").pivot_table(index=["region", "year"], columns="direction",
                                                 values="value")
    residence = county_work - commuting["in"].reindex(county_work.index) \
        + commuting["ut"].reindex(county_work.index)
    pd.testing.assert_series_equal(by_basis.loc["bostadsort"].sort_index(),
                                   residence.sort_index(), check_names=False,
                                   check_dtype=False)


def test_net_commuting_of_a_countys_municipalities_is_the_countys_net_commuting():
    net = net_commuting(kl.load("municipal_employed"))
    per_county = net.groupby(["county", "year"])["net"].sum()
    commuting = kl.load("commuting").pivot_table(index=["region", "year"], columns="direction",
                                                 values="value")
    expected = (commuting["in"] - commuting["ut"]).reindex(per_county.index)
    assert per_county.to_numpy() == pytest.approx(expected.to_numpy())
    # Municipalities differ: some have in-commuting, some out-commuting.
    latest = net[net["year"] == net["year"].max()]
    assert (latest["net"] > 0).any() and (latest["net"] < 0).any()


def test_employed_by_group_add_up_to_the_county_groups_and_to_the_municipal_totals():
    groups = kl.load("municipal_employed_group")
    employed = kl.load("employed")
    employed = employed[employed["region"].isin(COUNTY_CODES)
                        & employed["year"].isin(groups["year"].unique())]
    expected = employed.groupby(["region", "education_group", "year"], observed=True)[
        "value"].sum()
    summed = groups.assign(region=_county_of(groups)).groupby(
        ["region", "education_group", "year"], observed=True)["value"].sum()
    summed, expected = summed.align(expected, fill_value=0)
    assert (summed == expected).all()
    totals = groups.groupby(["municipality", "year"])["value"].sum()
    work = kl.load("municipal_employed")
    work = work[work["basis"] == "arbetsort"].set_index(["municipality", "year"])["value"]
    assert (totals == work.reindex(totals.index)).all()


def test_municipal_tables_say_they_are_synthetic_and_regenerate_exactly():
    for name, frame in example_municipal.generate().items():
        bundled = kl.load(name)
        assert bundled.attrs["provenance"]["synthetic"] is True
        method = bundled.attrs["provenance"]["method"]
        assert "Inte officiell statistik" in method and "syntetiska" in method
        bundled.attrs = {}
        pd.testing.assert_frame_equal(frame, bundled, obj=name)


def test_a_municipal_table_with_an_unknown_municipality_is_refused(tmp_path):
    frame = kl.load("municipal_employed")
    frame["municipality"] = frame["municipality"].astype(object)
    frame.loc[frame.index[3], "municipality"] = "9999"
    frame.to_parquet(tmp_path / "municipal_employed.parquet", index=False)
    with pytest.raises(kl.DataValidationError, match="okända värden i kolumnen 'municipality'"):
        kl.load("municipal_employed", tmp_path)


# --- shares from the municipality's own history ------------------------------------------

def _history() -> pd.DataFrame:
    # Two municipalities of Blekinge: 1080 grows from 50 % to 60 % of the county (by hand).
    return pd.DataFrame({"municipality": ["1080", "1081"] * 3,
                         "year": [2020, 2020, 2021, 2021, 2022, 2022],
                         "value": [50, 50, 55, 45, 60, 40]})


def test_fixed_shares_are_the_base_year_shares_in_every_year():
    shares = municipal_shares(_history(), 2022, [2022, 2030], method="fixed")
    got = shares.set_index(["municipality", "year"])["weight"]
    assert got[("1080", 2030)] == pytest.approx(0.6)
    assert got[("1081", 2022)] == pytest.approx(0.4)


def test_trend_shares_follow_the_municipalitys_own_trend_and_add_up_to_one():
    shares = municipal_shares(_history(), 2022, [2023, 2030], method="trend")
    got = shares.set_index(["municipality", "year"])["weight"]
    assert got[("1080", 2023)] == pytest.approx(0.65)  # +5 points a year
    assert got[("1080", 2030)] == pytest.approx(1.0)  # 1081 clipped at 0, rescaled
    assert got[("1081", 2030)] == pytest.approx(0.0)
    assert shares.groupby("year")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(KompetensError, match="Okänd andelsmetod"):
        municipal_shares(_history(), 2022, [2030], method="rak")


# --- the breakdown of the need ------------------------------------------------------------

@pytest.mark.parametrize("share_method", ["fixed", "trend"])
def test_municipal_need_adds_up_to_the_countys_need(share_method):
    municipal = area_tables.municipal_need("20", share_method=share_method)
    county = need_table("20").set_index("education_group")
    summed = municipal.groupby("education_group")[["replacement", "expansion"]].sum()
    summed = summed.reindex(county.index)
    assert summed["replacement"].to_numpy() == pytest.approx(county["replacement"].to_numpy())
    assert summed["expansion"].to_numpy() == pytest.approx(county["expansion"].to_numpy(),
                                                           abs=1e-6)
    assert set(municipal["municipality"]) == set(kl.municipalities("20")["code"])


def test_an_area_of_a_whole_county_gets_the_countys_need_places_and_intake():
    area = kl.planning_area(kl.municipalities("10")["code"].tolist(), name="Hela Blekinge")
    need = area_tables.area_need(area)
    by_group = area_tables.area_need_by_group(need).set_index("education_group")
    county = need_table("10").set_index("education_group")
    assert by_group["need"].reindex(county.index).to_numpy() == pytest.approx(
        county["need"].to_numpy())
    planned = area_tables.area_programme_places(area, need).set_index("programme")
    expected = programme_places(places_table(need_table("10"))).set_index("programme")
    assert planned["places"].reindex(expected.index).to_numpy() == pytest.approx(
        expected["places"].to_numpy())
    assert planned["intake"].reindex(expected.index).to_numpy() == pytest.approx(
        expected["intake"].to_numpy())


def test_an_area_across_a_county_border_adds_its_county_parts():
    area = area_tables.load_area("")  # the example: Ludvika, Smedjebacken, Fagersta
    assert area.counties == ["19", "20"] and len(area.codes) == 3
    need = area_tables.area_need(area)
    assert sorted(need["county"].unique()) == ["19", "20"]
    by_group = area_tables.area_need_by_group(need)
    parts = need.groupby("education_group")["need"].sum()
    assert by_group.set_index("education_group")["need"].to_numpy() == pytest.approx(
        parts.reindex(by_group["education_group"]).to_numpy())
    assert (by_group["need"] >= by_group["replacement"] - 1e-9).all()
    # A part of a county needs less than the county.
    dalarna = need_table("20").set_index("education_group")["need"]
    part = need[need["county"] == "20"].set_index("education_group")["need"]
    assert (part <= dalarna.reindex(part.index) + 1e-9).all() and part.sum() < dalarna.sum()
    planned = area_tables.area_programme_places(area, need)
    assert set(planned["form"]) == {"gymnasium", "komvux", "yh"}
    assert planned["places"].sum() > 0 and planned["intake"].sum() > 0


def test_area_members_show_employment_commuting_and_share_of_the_county():
    area = area_tables.load_area("")
    members = area_tables.area_members(area)
    assert members["name"].tolist() == ["Ludvika", "Smedjebacken", "Fagersta"]
    assert (members["net"] == members["workplace"] - members["residence"]).all()
    assert ((members["share_of_county"] > 0) & (members["share_of_county"] < 1)).all()
    commuting = area_tables.area_commuting(area)
    latest = commuting[commuting["year"] == members.attrs["year"]].iloc[0]
    assert latest["net"] == pytest.approx(members["net"].sum())


# --- the build ----------------------------------------------------------------------------

def test_county_builds_leave_the_area_notebook_out():
    names = [p.name for p in find_notebooks(None, ROOT / "notebooks")]
    assert AREA_NOTEBOOKS[0] not in names and len(names) == 9
    assert (ROOT / "notebooks" / AREA_NOTEBOOKS[0]).is_file()


@pytest.mark.parametrize("text, expected", [
    ('[X]\nkommuner = ["Ludvika", "Smedjebacken"]\n', "minst 3 kommuner"),
    ('[X]\nkommuner = ["Ludvika", "Smedjebacken", "Atlantis"]\n', "Atlantis"),
    ("[X\nkommuner = 1", "kan inte läsas som TOML"),
])
def test_a_bad_area_file_is_refused_in_swedish_before_any_work(tmp_path, capsys, text,
                                                                 expected):
    area_file = tmp_path / "omrade.toml"
    area_file.write_text(text, encoding="utf-8")
    out = tmp_path / "bygge"
    assert cli.main(["run", "--area", str(area_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "kompetens: fel:" in err and expected in err
    assert not out.exists()


def test_a_missing_area_file_and_area_with_region_are_refused(tmp_path, capsys):
    out = tmp_path / "bygge"
    assert cli.main(["run", "--area", str(tmp_path / "finns-inte.toml"), "--out",
                     str(out)]) == 2
    assert "filen finns inte" in capsys.readouterr().err
    example = area_tables.example_area_file()
    assert cli.main(["run", "--area", str(example), "--region", "20", "--out",
                     str(out)]) == 2
    assert "ange inte --region" in capsys.readouterr().err
    with pytest.raises(PlanningAreaError, match="TOML-fil"):
        area_tables.load_area(tmp_path / "omrade.txt")
    assert not out.exists()


def test_a_file_with_two_areas_plans_one_build_per_area_before_any_work(tmp_path):
    from kompetens_lib.publish.area_build import plan_areas

    area_file = tmp_path / "omraden.toml"
    area_file.write_text('[Skaraborg]\nkommuner = ["Skövde", "Skara", "Falköping"]\n'
                         '[Bergslagen]\nkommuner = ["Ludvika", "Smedjebacken", "Fagersta"]\n',
                         encoding="utf-8")
    jobs = plan_areas(area_file, tmp_path / "bygge", {"base_year": "2022"},
                      ROOT / "notebooks")
    assert [j.folder.name for j in jobs] == ["omrade-skaraborg", "omrade-bergslagen"]
    assert jobs[0].parameters == {"base_year": 2022}
    assert not (tmp_path / "bygge").exists()
    with pytest.raises(KompetensError, match="Okänd parameter: regionx"):
        plan_areas(area_file, tmp_path / "bygge", {"regionx": "1"}, ROOT / "notebooks")
    with pytest.raises(KompetensError, match="--area"):
        plan_areas(area_file, tmp_path / "bygge", {"area_file": "x"}, ROOT / "notebooks")
    with pytest.raises(KompetensError, match="share_method = 'rak' finns inte"):
        plan_areas(area_file, tmp_path / "bygge", {"share_method": "rak"}, ROOT / "notebooks")


def test_run_area_builds_the_notebook_report_and_overview_for_an_area_across_a_border(
        tmp_path):
    area_file = tmp_path / "bergslagen.toml"
    area_file.write_text('["Södra Bergslagen"]\nkommuner = ["Ludvika", "Smedjebacken", '
                         '"Norberg"]\n', encoding="utf-8")
    out = tmp_path / "bygge"
    assert cli.main(["run", "--area", str(area_file), "--out", str(out),
                     "--notebook-dir", str(ROOT / "notebooks")]) == 0
    folder = out / "omrade-sodra-bergslagen"
    nb = nbformat.read(folder / AREA_NOTEBOOKS[0], as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    shown = "\n".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells
                      for o in c.get("outputs", []))
    assert "Rekryteringsbehov 2023–2035, Södra Bergslagen" in shown
    assert "Planerat mot i dag per program, Södra Bergslagen" in shown
    assert "Norberg" in shown and "Västmanlands län" in shown
    assert (folder / "09_planeringsomrade.html").stat().st_size > 0
    # One figure, one definition: the notebook's need is the report's and the overview's.
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
                      if o.get("output_type") == "stream")
    match = re.search(r"Rekryteringsbehov i Södra Bergslagen [^:]+: ([\d\u00a0]+) personer",
                      printed)
    assert match, printed
    summary = json.loads((folder / "omrade.json").read_text(encoding="utf-8"))
    assert int(match[1].replace("\u00a0", "")) == summary["figures"]["behov"] > 0
    report = (folder / "rapport.html").read_text(encoding="utf-8")
    assert "Södra Bergslagen" in report and "inte officiell statistik" in report
    assert "Nybörjarplatser per yrkesprogram" in report
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Planeringsområden" in index and "omrade-sodra-bergslagen/rapport.html" in index


def _two_areas(path: Path, third: str = "Norberg") -> Path:
    path.write_text('["Södra Bergslagen"]\nkommuner = ["Ludvika", "Smedjebacken", '
                    f'"{third}"]\n\n["Västra Skaraborg"]\n'
                    'kommuner = ["Lidköping", "Götene", "Vara"]\n', encoding="utf-8")
    return path


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def test_an_area_build_is_incremental_per_area_and_force_builds_it_again(tmp_path, capsys):
    area_file = _two_areas(tmp_path / "omraden.toml")
    out = tmp_path / "bygge"
    run = ["run", "--area", str(area_file), "--out", str(out),
           "--notebook-dir", str(ROOT / "notebooks")]
    assert cli.main(run) == 0
    south, west = out / "omrade-sodra-bergslagen", out / "omrade-vastra-skaraborg"
    before = {"south": _mtimes(south), "west": _mtimes(west)}
    capsys.readouterr()

    assert cli.main(run) == 0  # nothing changed: nothing is built
    printed = capsys.readouterr().out
    assert printed.count("oförändrat sedan förra bygget") == 2
    assert _mtimes(south) == before["south"] and _mtimes(west) == before["west"]

    _two_areas(area_file, third="Fagersta")  # one area changes: only it is built again
    assert cli.main(run) == 0
    printed = capsys.readouterr().out
    assert printed.count("oförändrat sedan förra bygget") == 1
    assert _mtimes(west) == before["west"] and _mtimes(south) != before["south"]
    assert "Fagersta" in (south / "rapport.html").read_text(encoding="utf-8")

    (west / "rapport.html").write_text("trasig", encoding="utf-8")  # a damaged output
    assert cli.main([*run, "--force"]) == 0
    assert "oförändrat" not in capsys.readouterr().out
    assert "Västra Skaraborg" in (west / "rapport.html").read_text(encoding="utf-8")


def test_a_failed_area_build_keeps_the_last_good_one(tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    source = ROOT / "notebooks" / AREA_NOTEBOOKS[0]
    (notebooks / source.name).write_bytes(source.read_bytes())
    area_file = tmp_path / "omrade.toml"
    area_file.write_text('["Södra Bergslagen"]\nkommuner = ["Ludvika", "Smedjebacken", '
                         '"Norberg"]\n', encoding="utf-8")
    out = tmp_path / "bygge"
    run = ["run", "--area", str(area_file), "--out", str(out), "--notebook-dir", str(notebooks)]
    assert cli.main(run) == 0
    folder = out / "omrade-sodra-bergslagen"
    good = {name: (folder / name).read_bytes() for name in
            (AREA_NOTEBOOKS[0], "rapport.html", "omrade.json")}
    nb = nbformat.read(notebooks / source.name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('avsiktligt fel')"))
    nbformat.write(nb, str(notebooks / source.name))
    capsys.readouterr()
    assert cli.main(run) == 1
    printed = capsys.readouterr().out
    assert "avsiktligt fel" in printed and "den senaste lyckade versionen" in printed
    assert {name: (folder / name).read_bytes() for name in good} == good
    failed = nbformat.read(folder / "09_planeringsomrade.misslyckad.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in failed.cells
               for o in c.get("outputs", []))
