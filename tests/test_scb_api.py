"""SCB's PxWeb API v2 through pxwebpy, against recorded answers served on 127.0.0.1:
selection, tidy output, provenance, splitting, the rate limit, 429, broken connections,
Swedish errors, the recipes and ``kompetens data fetch``."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pxweb_server import FIXTURES, PxWebServer

from kompetens_lib import cli, load
from kompetens_lib.data.recipe_math import finest_codes, rake, round_columns, sni_sections
from kompetens_lib.data.recipes import (
    CACHE_RECIPES,
    RECIPES,
    SOURCES,
    WORKBOOK_RECIPES,
    RecipeError,
    describe,
    fetch_recipe,
    get_recipe,
    years_from_select,
)
from kompetens_lib.data.scb_api import (
    API_URL_ENV,
    DEFAULT_API_URL,
    ScbApiError,
    ScbClient,
    fetch_table,
    parse_select,
    provenance_path,
    read_provenance,
    resolve_api_url,
)
from kompetens_lib.data.tables import TABLES, validate
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.industries import INDUSTRY_CODES
from kompetens_lib.reference.regions import COUNTY_CODES


@pytest.fixture
def server():
    with PxWebServer() as srv:
        yield srv


@pytest.fixture
def client(server):
    return ScbClient(server.url)


def cube(table_id: str) -> tuple[dict, np.ndarray]:
    """The recorded full answer and its values as an array (for independent checks)."""
    doc = json.loads((FIXTURES / table_id / "data.json").read_text(encoding="utf-8"))
    values = np.array([np.nan if v is None else v for v in doc["value"]], dtype=float)
    return doc, values.reshape(doc["size"])


def at(doc: dict, values: np.ndarray, **codes: str) -> np.ndarray:
    index = tuple(doc["dimension"][d]["category"]["index"][codes[d]] if d in codes else slice(None)
                  for d in doc["id"])
    return values[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cells_in(request) -> int:
    return int(np.prod([len(s["valueCodes"]) for s in request.body["selection"]]))


# --------------------------------------------------------------------------- base URL


def test_api_url_comes_from_flag_then_environment_then_scb(monkeypatch):
    monkeypatch.delenv(API_URL_ENV, raising=False)
    assert resolve_api_url() == DEFAULT_API_URL == "https://statistikdatabasen.scb.se/api/v2"
    monkeypatch.setenv(API_URL_ENV, "http://127.0.0.1:9/api/v2/")
    assert resolve_api_url() == "http://127.0.0.1:9/api/v2"
    assert resolve_api_url("http://mirror.example/api/v2") == "http://mirror.example/api/v2"
    with pytest.raises(KompetensError, match="Ogiltig adress.*http:// eller https://"):
        resolve_api_url("statistikdatabasen.scb.se")


def test_environment_variable_reaches_the_client(server, monkeypatch):
    monkeypatch.setenv(API_URL_ENV, server.url)
    frame = fetch_table("TAB638", {"Region": ["09"], "Tid": ["2023"]})
    assert frame.attrs["provenance"]["api_url"] == server.url
    assert server.requests[0].path == "/api/v2/config"


# --------------------------------------------------------------------------- fetching


def test_fetch_gives_codes_labels_values_and_provenance(client, server):
    frame = client.fetch("TAB638", {"Region": ["01", "12"], "Kon": ["män"], "Tid": ["2023"]})
    assert frame.columns.tolist() == ["region", "region_label", "kon", "kon_label",
                                      "tabellinnehall", "tabellinnehall_label", "year", "value"]
    assert frame["region"].tolist() == ["01", "12"]
    assert frame["region_label"].tolist() == ["Stockholms län", "Skåne län"]
    assert set(frame["kon"]) == {"1"} and set(frame["kon_label"]) == {"män"}
    assert frame["year"].dtype == "int64" and str(frame["value"].dtype) == "Int64"
    # Left-out variables: Alder answers with its total "tot", Civilstand is summed.
    doc, values = cube("TAB638")
    expected = at(doc, values, Region="12", Alder="tot", Kon="1", ContentsCode="BE0101N1",
                  Tid="2023").sum()
    assert frame.loc[frame["region"] == "12", "value"].item() == expected
    sent = server.data_requests()[-1].body["selection"]
    assert {s["variableCode"] for s in sent} == {"Region", "Kon", "ContentsCode", "Tid"}
    record = frame.attrs["provenance"]
    assert record["table_id"] == "TAB638"
    assert record["title"].startswith("Folkmängden efter region")
    assert record["api_version"] == "2.2.0"
    assert "cc0" in record["licence"]
    assert record["source_note"] == "Källa: SCB, tabell TAB638"
    assert record["query"]["selection"] == sent
    assert record["calls"] == 1 and record["cells"] == 2 and record["synthetic"] is False
    assert record["columns"] == {"Region": "region", "Kon": "kon",
                                 "ContentsCode": "tabellinnehall", "Tid": "year"}
    assert record["fetched"].endswith("+00:00")


def test_period_codes_stay_text_and_wildcards_expand(client):
    frame = client.fetch("TAB9906", {"Region": ["0*"], "Utbildngrupp": ["00S"],
                                            "Kon": ["1+2"], "ContentsCode": ["U3N08"]})
    assert set(frame["region"]) == {"00", "01", "03", "04", "05", "06", "07", "08", "09"}
    assert set(frame["period"]) == {f"{y - 1}-{y}" for y in range(2019, 2024)}
    assert "year" not in frame.columns


def test_unknown_variable_and_value_are_explained_in_swedish(client):
    with pytest.raises(KompetensError, match=r"ingen variabel 'Lan'.*Region \(region\)"):
        client.fetch("TAB638", {"Lan": ["12"]})
    with pytest.raises(KompetensError, match=r"har inget värde '2031'.*2022 \(2022\)"):
        client.fetch("TAB638", {"Tid": ["2031"]})


def test_large_selection_is_split_by_the_cell_limit_in_config():
    with PxWebServer(config={"maxDataCells": 500}) as small, PxWebServer() as big:
        select = {"Region": ["*"], "Alder": ["*"], "Tid": ["2023"]}
        split = ScbClient(small.url).fetch("TAB638", select)
        whole = ScbClient(big.url).fetch("TAB638", select)
        requests = small.data_requests()
        assert len(requests) == split.attrs["provenance"]["calls"] > 1
        assert all(cells_in(r) <= 500 for r in requests)
        assert sum(cells_in(r) for r in requests) == split.attrs["provenance"]["cells"]
        assert len(big.data_requests()) == 1
        pd.testing.assert_frame_equal(split.reset_index(drop=True),
                                      whole.reset_index(drop=True), check_like=True)


def test_calls_per_time_window_from_config_are_respected():
    with PxWebServer(config={"maxCallsPerTimeWindow": 2, "timeWindow": 1,
                             "maxDataCells": 150}) as srv:
        client = ScbClient(srv.url)
        client.fetch("TAB638", {"Region": ["01", "03", "04"], "Alder": ["*"], "Tid": ["2023"]})
        limited = [r.at for r in srv.requests if not r.path.endswith("/config")]
        assert len(limited) >= 4
        # Never a third call within one second of the first of two.
        assert all(later - earlier >= 0.95 for earlier, later in zip(limited, limited[2:]))


def test_429_is_retried_after_the_time_the_server_gives(client, server):
    server.answer_data_with("429", retry_after="0.3")
    frame = client.fetch("TAB638", {"Region": ["12"], "Tid": ["2023"]})
    first, second = server.data_requests()
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.3
    assert frame.attrs["provenance"]["calls"] == 2
    assert len(frame) == 1


def test_429_that_does_not_stop_is_a_swedish_error(client, server):
    server.answer_data_with("429", "429", "429", "429", retry_after="0.05")
    with pytest.raises(ScbApiError, match="429, för många anrop") as err:
        client.fetch("TAB638", {"Region": ["12"], "Tid": ["2023"]})
    assert err.value.kind == "limit"
    assert len(server.data_requests()) == 4


def test_broken_connection_is_a_swedish_network_error(client, server):
    server.answer_data_with("break")
    with pytest.raises(ScbApiError, match="Kunde inte nå SCB:s API") as err:
        client.fetch("TAB638", {"Region": ["12"], "Tid": ["2023"]})
    assert err.value.kind == "network"
    assert "tidigare hämtade data är orörda" in str(err.value)


def test_unreachable_api_is_a_swedish_network_error():
    with pytest.raises(ScbApiError, match="Kunde inte nå SCB:s API på http://127.0.0.1") as err:
        ScbClient(f"http://127.0.0.1:{free_port()}/api/v2")
    assert err.value.kind == "network"


def test_unknown_table_and_non_v2_api_are_explained(client):
    with pytest.raises(ScbApiError, match=r"Tabellen TAB99999 finns inte.*\(404\)") as err:
        client.fetch("TAB99999")
    assert err.value.kind == "table"
    with (PxWebServer(config={"apiVersion": "1.1"}) as old,
          pytest.raises(ScbApiError, match="inte ett användbart PxWeb API v2")):
        ScbClient(old.url)


def test_parse_select():
    assert parse_select(["Region=01, 03", "Tid=2023", "Region=12"]) == {
        "Region": ["01", "03", "12"], "Tid": ["2023"]}
    with pytest.raises(KompetensError, match="VARIABEL=KOD,KOD"):
        parse_select(["Region"])


# --------------------------------------------------------------------------- recipes


@pytest.mark.parametrize("name", CACHE_RECIPES)
def test_recipe_gives_exactly_the_table_the_library_loads(name, client, tmp_path):
    table = fetch_recipe(name, client=client)
    output = get_recipe(name).output
    example = load(output)  # the bundled data: the shape every source must have
    assert table.columns.tolist() == example.columns.tolist()
    assert table.dtypes.to_dict() == example.dtypes.to_dict()
    pd.testing.assert_frame_equal(validate(output, table), table)
    assert set(table["region"]) == {"00", *COUNTY_CODES}
    table.to_parquet(tmp_path / f"{output}.parquet", index=False)
    loaded = load(output, source=tmp_path)
    pd.testing.assert_frame_equal(loaded, table)
    record = table.attrs["provenance"]
    assert record["table"] == output and record["synthetic"] is False
    found = {"RegionInd19U3N": "TAB9906"}  # looked up in the index (its v1 name otherwise)
    assert record["table_id"] == ", ".join(dict.fromkeys(
        found.get(SOURCES[key].table_id, SOURCES[key].table_id)
        for key in RECIPES[get_recipe(name).name].sources))


def test_employment_takes_its_ages_from_bas_and_keeps_scb_group_totals(client):
    employed = fetch_recipe("employment", client=client)
    assert employed.attrs["provenance"]["table_id"] == "TAB6369, TAB3981, TAB3200"
    doc, values = cube("TAB6369")
    # Förskollärare (SCB 15B, the workbook's 103, eftergymnasial ≥ 3 år) in Skåne 2023.
    scb = at(doc, values, Region="12", Utbildngrupp="15B", Kon="1+2",
             ContentsCode="000005SJ", Tid="2023")
    ours = employed.query("region == '12' and education_group == '103' and year == 2023")
    ours = ours.set_index("age_band")["value"]
    assert (ours > 0).all()  # 65-74 too: BAS has the employed up to 74
    # Independently: BAS's employed by age (TAB3200) split by the level's share of the
    # band's population (TAB3981); SCB's 20-64 total scaled by all ages / ages 20-64.
    bas_doc, bas = cube("TAB3200")
    uf_doc, uf = cube("TAB3981")
    ages = {f"{lo}-{lo + 4}": lo for lo in range(15, 75, 5)}
    bands = {"16-24": (15, 20), "25-34": (25, 30), "35-44": (35, 40), "45-54": (45, 50),
             "55-64": (55, 60), "65-74": (65, 70)}
    weight, core = {}, 0.0
    for band, lows in bands.items():
        people = at(uf_doc, uf, Region="12", Alder=band, Kon="1", Tid="2023") + at(
            uf_doc, uf, Region="12", Alder=band, Kon="2", Tid="2023")
        mix = people[[5, 6]].sum() / people.sum()  # UF0506 levels 6 and 7: ≥ 3 years
        counts = {lo: at(bas_doc, bas, Region="12", Kon="1+2", Alder=f"{lo}-{lo + 4}",
                         Fodelseregion="tot", ContentsCode="000002NT", Tid="2023")
                  for lo in lows}
        weight[band] = sum(counts.values()) * mix
        core += sum(v for lo, v in counts.items() if 20 <= lo <= 60) * mix
    assert set(ages) >= {f"{lo}-{lo + 4}" for lows in bands.values() for lo in lows}
    expected = scb * sum(weight.values()) / core
    assert abs(ours.sum() - expected) <= 1
    for band in bands:
        assert ours[band] == pytest.approx(expected * weight[band] / sum(weight.values()),
                                           abs=1)
    counties = employed[employed["region"] != "00"].groupby(
        ["education_group", "age_band", "year"])["value"].sum()
    riket = employed[employed["region"] == "00"].set_index(
        ["education_group", "age_band", "year"])["value"]
    pd.testing.assert_series_equal(counties.sort_index(), riket.sort_index(), check_names=False)


def test_labour_force_ages_count_the_employed_and_the_unemployed(client):
    labour = fetch_recipe("labour_force", client=client)
    sent = {item["variableCode"]: item["valueCodes"]
            for item in labour.attrs["provenance"]["parts"][2]["query"]["selection"]}
    assert labour.attrs["provenance"]["table_id"] == "TAB6368, TAB3981, TAB3200"
    assert sorted(sent["ContentsCode"]) == ["000002NM", "000002NT"]
    assert (labour.query("age_band == '65-74'")["value"].sum()) > 0


def test_industry_employed_keeps_scb_industries_and_the_employed_groups(client):
    table = fetch_recipe("industry_employed", client=client)
    record = table.attrs["provenance"]
    assert record["table_id"] == "TAB6369, TAB3981, TAB3200, TAB3204"
    assert "skattning" in record["method"] and "syntetiskt" in record["method"]
    assert "B+C" in " ".join(record["notes"])
    assert set(table["industry"]) <= set(load("industry_employed")["industry"])
    employed = fetch_recipe("employment", client=client)
    by_group = employed.groupby(["region", "education_group", "year"])["value"].sum()
    ours = table.groupby(["region", "education_group", "year"])["value"].sum()
    pd.testing.assert_series_equal(ours.sort_index(), by_group.sort_index(), check_names=False)
    doc, values = cube("TAB3204")
    cell = {"Region": "12", "Kon": "1+2", "Fodelseregion": "tot", "ContentsCode": "000002XH",
            "Tid": "2023"}
    scb_share = at(doc, values, SNI2007="B+C", **cell) / at(doc, values, SNI2007="A-U+US",
                                                            **cell)
    skane = table.query("region == '12' and year == 2023")
    share = skane[skane["industry"].isin(["B", "C"])]["value"].sum() / skane["value"].sum()
    assert share == pytest.approx(scb_share, abs=2e-3)


def test_sni_codes_are_read_as_sections_and_aggregates_dropped():
    assert sni_sections("R+S+T+U") == {"R", "S", "T", "U"}
    assert sni_sections("A-U+US") == set(INDUSTRY_CODES)
    assert sni_sections("00") == {"US"} and sni_sections("totalt") is None
    kept = finest_codes(["A-U+US", "B+C", "B", "C", "F", "M+N"])
    assert kept == {"B": {"B"}, "C": {"C"}, "F": {"F"}, "M+N": {"M", "N"}}


def test_raking_meets_the_column_totals_in_integers_and_the_row_shares():
    seed = np.array([[5.0, 1.0, 1.0], [1.0, 4.0, 2.0]])
    rows, cols = np.array([30.0, 70.0]), np.array([120, 50, 30])
    fitted = rake(seed, rows, cols)
    np.testing.assert_allclose(fitted.sum(axis=1), rows * 2, rtol=1e-6)  # scaled to 200
    whole = round_columns(fitted, cols)
    assert whole.dtype == np.int64 and whole.sum(axis=0).tolist() == cols.tolist()
    assert np.abs(whole - fitted).max() < 1


def renamed_in_index(tmp_path: Path, renames: dict[str, str | None],
                     copies: dict[str, str] | None = None) -> Path:
    """A copy of the fixtures where tables get other ids (``None``: left out of the index,
    the table itself kept under its id) and ``copies`` adds a table as a second id."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    listing = json.loads((target / "tables.json").read_text(encoding="utf-8"))
    entries = []
    for entry in listing["tables"]:
        old = entry["id"]
        for new_id in [renames.get(old, old), *[c for c, o in (copies or {}).items() if o == old]]:
            if new_id is None:
                continue
            entries.append({**entry, "id": new_id})
            if new_id != old:
                shutil.copytree(target / old, target / new_id, dirs_exist_ok=True)
    listing["tables"] = entries
    (target / "tables.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
    return target


def test_the_flow_table_is_found_in_the_index_whatever_its_v2_id(tmp_path):
    with PxWebServer(renamed_in_index(tmp_path, {"TAB9906": "TAB4321"})) as srv:
        client = ScbClient(srv.url)
        flows = fetch_recipe("supply_flows", client=client)
        graduates = fetch_recipe("graduates", client=client)
        searches = [r for r in srv.requests if r.path.endswith("/tables") and "query" in r.query]
    assert flows.attrs["provenance"]["table_id"] == "TAB4321"
    assert graduates.attrs["provenance"]["table_id"] == "TAB4321"
    assert any("TAB4321 hittades i SCB:s tabellindex" in n
               for n in flows.attrs["provenance"]["notes"])
    assert len(searches) == 1  # looked up once per client, by the first query
    assert searches[0].query["query"] == [SOURCES["supply_flows"].find.queries[0]]
    assert SOURCES["supply_flows"].find and SOURCES["employed_by_age"].find is None


def test_a_flow_table_missing_from_the_index_is_explained_and_can_be_given(tmp_path,
                                                                          monkeypatch):
    fixtures = renamed_in_index(tmp_path, {"TAB9906": None})
    shutil.copytree(fixtures / "TAB9906", fixtures / "TAB7777")
    with PxWebServer(fixtures) as srv:
        client = ScbClient(srv.url)
        with pytest.raises(RecipeError, match=r"Hittade inte tabellen In- och utflöden.*"
                                              r"tabellindex.*Sökte på 'In- och utflöden.*"
                                              r"KOMPETENS_SCB_TABELL_RegionInd19U3N=TAB"):
            fetch_recipe("supply_flows", client=client)
        monkeypatch.setenv("KOMPETENS_SCB_TABELL_RegionInd19U3N", "TAB7777")
        flows = fetch_recipe("supply_flows", client=client)
    assert flows.attrs["provenance"]["table_id"] == "TAB7777"


def test_two_tables_with_the_flows_are_not_guessed_between(tmp_path):
    with PxWebServer(renamed_in_index(tmp_path, {}, copies={"TAB9907": "TAB9906"})) as srv:
        with pytest.raises(RecipeError, match=r"flera tabeller passar: TAB9906 .*TAB9907"):
            fetch_recipe("supply_flows", client=ScbClient(srv.url))


def test_a_found_table_without_the_flows_among_its_contents_is_not_taken(tmp_path):
    def other_contents(doc):
        labels = doc["dimension"]["ContentsCode"]["category"]["label"]
        for code, label in labels.items():
            labels[code] = label.replace("inflyttare", "pendlare")

    fixtures = changed_fixtures(tmp_path, "TAB9906", other_contents)
    with PxWebServer(fixtures) as srv:
        with pytest.raises(RecipeError, match=r"ingen av de funna tabellerna har det "
                                              r"innehållet \(TAB9906 \(In- och utflöden"):
            fetch_recipe("graduates", client=ScbClient(srv.url))


def test_recipe_drops_aggregates_and_names_groups_the_workbook_lacks(client):
    employed = fetch_recipe("employment", client=client)
    groups = set(employed["education_group"])
    assert groups == {"002", "003", "103", "104", "108", "307", "313", "305", "404", "405",
                      "502", "522", "702", "713", "903"}
    notes = " ".join(employed.attrs["provenance"]["notes"])
    assert "röntgensjuksköterskeutbildning" in notes and "utelämnades" in notes


def test_commuting_and_graduates_follow_their_documented_rules(client):
    commuting = fetch_recipe("commuting", client=client)
    assert (commuting["value"] > 0).all()  # SCB's negative out-commuters made positive
    doc, values = cube("TAB6369")
    out = at(doc, values, Region="05", Utbildngrupp="00S", Kon="1+2", ContentsCode="000005SM",
             Tid="2022")
    row = commuting.query("region == '05' and year == 2022 and direction == 'ut'")
    assert row["value"].item() == abs(out)
    graduates = fetch_recipe("graduates", client=client)
    forms = graduates.drop_duplicates("education_group").set_index("education_group")["form"]
    assert forms["502"] == "gymnasium" and forms["522"] == "yh" and forms["313"] == "yh"
    assert forms["103"] == "högskola" and "002" not in forms.index
    assert set(graduates["year"]) == set(range(2019, 2024))  # "2022-2023" → 2023


def test_extra_recipes_give_tidy_tables(client):
    levels = fetch_recipe("education_level", client=client)
    assert levels.columns.tolist() == ["region", "education_level", "age_band", "year", "value"]
    assert set(levels["education_level"]) == {"förgymnasial", "gymnasial",
                                              "eftergymnasial < 3 år", "eftergymnasial ≥ 3 år",
                                              "okänd"}
    flows = fetch_recipe("supply_flows", client=client)
    assert "examinerade_inom_regionen" in set(flows["flow"])
    assert flows.attrs["provenance"]["table_id"] == "TAB9906"  # found in the index


def test_years_can_be_chosen_and_unknown_years_are_explained(client):
    population = fetch_recipe("population", client=client, years=[2022])
    assert set(population.loc[~population["projection"], "year"]) == {2022}
    # the projection follows the chosen base year with no gap (2023 interpolated)
    assert sorted(set(population.loc[population["projection"], "year"])) == list(
        range(2023, 2041))
    with pytest.raises(RecipeError, match="inga uppgifter för år 1999.*2019–2023"):
        fetch_recipe("population", client=client, years=[1999])
    assert years_from_select({"Tid": ["2022", "2023"]}) == [2022, 2023]
    with pytest.raises(RecipeError, match="bara år går att välja"):
        years_from_select({"Region": ["12"]})


def test_forecast_recipe_points_to_the_template(client):
    with pytest.raises(RecipeError, match="tp-mall.md.*validate_tp_template"):
        fetch_recipe("national_forecast", client=client)
    assert get_recipe("employed").name == "employment"
    with pytest.raises(RecipeError, match="Okänt recept.*'employment' \\(employed\\)"):
        get_recipe("sysselsättning")
    assert "TAB6369" in describe() and "ingen SCB-tabell" in describe()
    assert set(WORKBOOK_RECIPES) | {"national_forecast"} >= {
        r.name for r in RECIPES.values() if r.output in TABLES}


def changed_fixtures(tmp_path: Path, table_id: str, change) -> Path:
    """A copy of the fixtures where ``change(doc)`` edits one table's metadata and data."""
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, target)
    for name in ("metadata.json", "data.json"):
        file = target / table_id / name
        doc = json.loads(file.read_text(encoding="utf-8"))
        change(doc)
        file.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return target


def test_a_renamed_variable_stops_the_recipe_before_any_data_call(tmp_path):
    def rename(doc):
        doc["id"] = ["UtbGrupp" if d == "Utbildngrupp" else d for d in doc["id"]]
        doc["dimension"]["UtbGrupp"] = doc["dimension"].pop("Utbildngrupp")

    with PxWebServer(changed_fixtures(tmp_path, "TAB6369", rename)) as srv:
        with pytest.raises(RecipeError, match=r"TAB6369 saknar variabeln 'Utbildngrupp'.*"
                                              r"UtbGrupp \(utbildning\).*recipe_sources.py"):
            fetch_recipe("employment", client=ScbClient(srv.url))
        assert srv.data_requests() == []


def test_a_renumbered_value_is_found_by_its_label(tmp_path):
    def recode(doc):
        category = doc["dimension"]["ContentsCode"]["category"]
        for key in ("index", "label", "unit"):
            category[key] = {("000009XX" if c == "000005SJ" else c): v
                             for c, v in category[key].items()}

    with PxWebServer(changed_fixtures(tmp_path, "TAB6369", recode)) as srv:
        employed = fetch_recipe("employment", client=ScbClient(srv.url))
        sent = srv.data_requests("TAB6369")[0].body["selection"]
        assert {"variableCode": "ContentsCode", "valueCodes": ["000009XX"]} in sent
        assert len(employed) > 0


def test_bas_contents_are_taken_by_code_when_the_label_looks_alike(tmp_path):
    def relabel(doc, label):
        doc["dimension"]["ContentsCode"]["category"]["label"]["000002NT"] = label

    with PxWebServer(changed_fixtures(
            tmp_path / "a", "TAB3200", lambda d: relabel(d, "Antal sysselsatta"))) as srv:
        assert len(fetch_recipe("employment", client=ScbClient(srv.url))) > 0
    with PxWebServer(changed_fixtures(
            tmp_path / "b", "TAB3200", lambda d: relabel(d, "Sysselsättningsgrad"))) as srv:
        with pytest.raises(RecipeError, match="TAB3200 har inget värde 'sysselsatta'"):
            fetch_recipe("employment", client=ScbClient(srv.url))


# --------------------------------------------------------------------------- CLI


def test_cli_fetch_writes_the_table_and_its_provenance(server, tmp_path, capsys):
    out = tmp_path / "befolkning.csv"
    assert cli.main(["data", "fetch", "TAB638", "--api-url", server.url, "--select",
                     "Region=12,01", "--select", "Tid=2023", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Hämtade tabell TAB638" in printed and f"Skrev {out}" in printed
    frame = pd.read_csv(out, dtype={"region": str})
    assert frame["region"].tolist() == ["01", "12"]
    record = read_provenance(out)
    assert record == json.loads(provenance_path(out).read_text(encoding="utf-8"))
    for key in ("table_id", "title", "query", "fetched", "api_version", "licence",
                "source_note"):
        assert record[key]
    parquet = tmp_path / "befolkning.parquet"
    assert cli.main(["data", "fetch", "TAB638", "--api-url", server.url, "--select",
                     "Region=12", "--out", str(parquet)]) == 0
    assert pd.read_parquet(parquet).attrs["provenance"]["table_id"] == "TAB638"


def test_cli_fetch_recipe_and_listing(server, tmp_path, capsys):
    out = tmp_path / "employed.parquet"
    assert cli.main(["data", "fetch", "--recipe", "employment", "--api-url", server.url,
                     "--select", "Tid=2023", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "receptet 'employment'" in printed and "TAB6369, TAB3981" in printed
    loaded = load("employed", source=tmp_path)
    assert set(loaded["year"]) == {2023}
    assert cli.main(["data", "fetch", "--lista"]) == 0
    assert "employment" in capsys.readouterr().out


def test_cli_fetch_failure_leaves_an_earlier_file_untouched(server, tmp_path, capsys,
                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["data", "fetch", "TAB638", "--api-url", server.url]) == 0
    out = tmp_path / "TAB638.parquet"  # the default name
    before = out.read_bytes()
    server.answer_data_with("break")
    assert cli.main(["data", "fetch", "TAB638", "--api-url", server.url, "--select",
                     "Region=12", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "kompetens data fetch: fel: Kunde inte nå SCB:s API" in err
    assert out.read_bytes() == before
    # Without --out an existing default file is never overwritten.
    assert cli.main(["data", "fetch", "TAB638", "--api-url", server.url]) == 1
    assert "TAB638.parquet finns redan" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_cli_fetch_arguments_are_checked_in_swedish(capsys):
    assert cli.main(["data", "fetch"]) == 2
    assert "ange antingen ett tabell-id" in capsys.readouterr().err
    assert cli.main(["data", "fetch", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "Användning:" in help_text and "--select" in help_text and "flaggor" in help_text
    assert cli.main(["data", "fetch", "--recipe", "okänt"]) == 1
    assert "Okänt recept" in capsys.readouterr().err


def test_cli_fetch_lists_variables(server, capsys):
    assert cli.main(["data", "fetch", "TAB6369", "--variabler", "--api-url", server.url]) == 0
    printed = capsys.readouterr().out
    assert "Utbildngrupp – utbildning [måste väljas]" in printed


def test_the_data_guide_names_every_recipe_and_flag():
    guide = (Path(__file__).resolve().parents[1] / "docs" / "data.md")
    if not guide.exists():
        pytest.skip("docs/ not in this install")
    text = guide.read_text(encoding="utf-8")
    for name in RECIPES:
        assert f"`{name}`" in text, name
    for flag in ("--select", "--out", "--api-url", "--recipe", "--variables", "--list",
                 "--recipes", "--from-files", "--tp-template", "--befolkningsprognos",
                 "--check", API_URL_ENV,
                 "manifest.json", "provenance.json", "SOURCES"):
        assert flag in text, flag


def test_the_status_of_a_failure_comes_from_the_answer_not_the_message_text():
    """pxwebpy's HTTPError carries only text; the status is that of the last answer the
    client's adapter saw ("Reached max amount of retries." names none)."""
    import requests

    from kompetens_lib.data.scb_api import _LastAnswer, _translated

    answer = requests.Response()
    answer.status_code = 429
    answer._content = b'{"detail": "Too many requests"}'
    last = _LastAnswer()
    with pytest.raises(ScbApiError, match="429, för många anrop") as err:
        with _translated("http://x/api/v2", "data hämtades", "TAB638", last):
            last.response = answer
            raise requests.exceptions.HTTPError("Reached max amount of retries.")
    assert err.value.kind == "limit"
    answer.status_code = 400
    with pytest.raises(ScbApiError, match="SCB:s förklaring: Too many requests") as err:
        with _translated("http://x/api/v2", "data hämtades", "TAB638", last):
            last.response = answer
            raise requests.exceptions.HTTPError("Error 404: text that says something else")
    assert err.value.kind == "query"


def test_an_answer_from_an_earlier_call_does_not_decide_a_later_failure():
    import requests

    from kompetens_lib.data.scb_api import _LastAnswer, _translated

    earlier = requests.Response()
    earlier.status_code = 429
    last = _LastAnswer()
    last.response = earlier
    with pytest.raises(ScbApiError) as err:
        with _translated("http://x/api/v2", "data hämtades", "TAB638", last):
            raise requests.exceptions.HTTPError("Error 404: Not Found")  # before any answer
    assert err.value.kind == "table"


def test_recipes_and_the_api_client_do_not_import_each_other():
    import ast

    source = Path(__file__).resolve().parents[1] / "kompetens_lib" / "data" / "scb_api.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {f"{n.module}.{a.name}" for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module for a in n.names}
    assert not [m for m in imported if m and "recipes" in m]
