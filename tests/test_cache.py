"""The offline cache: built from the local PxWeb server, loaded through ``load``, checked
against its manifest, kept intact when the network fails."""

from __future__ import annotations

import json
import socket
import warnings
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from pxweb_server import PxWebServer

from kompetens_lib import cli, load, provenance, source_note
from kompetens_lib.data.cache import (
    MANIFEST,
    build_cache,
    read_manifest,
    sha256_file,
    verify_cache,
    verify_table,
)
from kompetens_lib.data.scb_api import ScbApiError
from kompetens_lib.data.tables import TABLES
from kompetens_lib.errors import DataValidationError, KompetensError

TEMPLATE = Path(str(files("kompetens_lib") / "data" / "tp_template_example.csv"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One cache built through the CLI from the local server, shared read-only."""
    directory = tmp_path_factory.mktemp("cache") / "workshop"
    with PxWebServer() as server:
        code = cli.main(["data", "cache", "--out", str(directory), "--api-url", server.url,
                         "--tp-mall", str(TEMPLATE), "--recipes", "population", "employment",
                         "labour_force", "graduates", "commuting"])
    assert code == 0
    return directory


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def copy_of(directory: Path, target: Path) -> Path:
    target.mkdir()
    for path in directory.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    return target


def test_every_workbook_table_loads_from_the_cache(built):
    assert {p.name for p in built.iterdir()} == {
        *(f"{name}.parquet" for name in TABLES), "provenance.json", MANIFEST}
    for name in TABLES:
        table = load(name, source=built)
        example = load(name)
        assert table.columns.tolist() == example.columns.tolist()
        assert table.dtypes.to_dict() == example.dtypes.to_dict()
        assert len(table) > 0
        assert table.attrs["provenance"]["synthetic"] is False
    assert verify_cache(built) == sorted(TABLES)


def test_source_note_names_scb_and_the_table_ids(built):
    assert source_note("employed", built) == (
        "Källa: SCB, Statistikdatabasen, tabeller TAB6369, TAB3981, TAB3200. Regional "
        "nedbrytning: "
        "egen beräkning, inte officiell statistik.")
    assert "tabeller TAB638, TAB698." in source_note("population", built)
    assert "Exempeldata" not in source_note("commuting", built)
    assert "Trender och prognoser" in source_note("national_forecast", built)


def test_provenance_and_manifest_have_the_documented_shape(built):
    records = json.loads((built / "provenance.json").read_text(encoding="utf-8"))
    assert set(records) == set(TABLES)
    example = json.loads(Path(str(files("kompetens_lib") / "data" / "example" /
                                  "provenance.json")).read_text(encoding="utf-8"))
    for name, record in records.items():
        assert {"table", "title", "source", "synthetic"} <= set(record)
        assert record["synthetic"] is False and record["table"] == name
        assert set(example[name]) & set(record) >= {"table", "title", "source", "synthetic"}
    assert records["labour_force"]["table_id"] == "TAB6368, TAB3981, TAB3200"
    assert records["employed"]["licence"].endswith("/cc0/")
    assert provenance("graduates", built)["method"].startswith("Hämtad ur SCB:s")
    manifest = read_manifest(built)
    assert manifest["format"] == 1 and set(manifest["tables"]) == set(TABLES)
    for name, entry in manifest["tables"].items():
        assert entry["sha256"] == sha256_file(built / entry["file"])
        assert entry["rows"] == len(load(name, source=built))
        assert entry["written"] and entry["origin"] in {"api", "mall"}
    assert manifest["tables"]["national_forecast"]["origin"] == "mall"
    assert manifest["tables"]["employed"]["years"] == [2019, 2023]


def test_a_changed_file_fails_its_checksum(built, tmp_path, capsys):
    cache = copy_of(built, tmp_path / "copy")
    table = pd.read_parquet(cache / "employed.parquet")
    table.loc[0, "value"] += 1  # still a valid table: only the checksum can tell
    table.to_parquet(cache / "employed.parquet", index=False)
    with pytest.raises(DataValidationError, match=r"employed.parquet stämmer inte med cachens "
                                                  r"manifest.json: kontrollsumman \(sha256\)"):
        load("employed", source=cache)
    assert load("population", source=cache) is not None  # the other tables still load
    assert cli.main(["data", "cache", "--out", str(cache), "--kontrollera"]) == 1
    assert "kontrollsumman" in capsys.readouterr().err


def test_a_table_missing_from_the_manifest_is_refused(built, tmp_path):
    cache = copy_of(built, tmp_path / "copy")
    manifest = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    del manifest["tables"]["commuting"]
    (cache / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataValidationError, match="'commuting' \\(pendling\\) finns i cachen.*"
                                                  "men inte i dess manifest.json"):
        load("commuting", source=cache)
    with pytest.raises(DataValidationError, match="anger filen"):
        verify_table(cache, "employed", cache / "employed.csv")
    (cache / MANIFEST).write_text("{nej", encoding="utf-8")
    with pytest.raises(DataValidationError, match="går inte att läsa"):
        load("employed", source=cache)


def test_network_failure_leaves_the_cache_as_it_was(built, tmp_path, capsys):
    cache = copy_of(built, tmp_path / "copy")
    before = snapshot(cache)
    with PxWebServer() as server:
        server.answer_data_with("break")
        code = cli.main(["data", "cache", "--out", str(cache), "--api-url", server.url])
    assert code == 1
    err = capsys.readouterr().err
    assert "kompetens data cache: fel: Kunde inte nå SCB:s API" in err
    assert "orörda" in err
    assert snapshot(cache) == before
    assert len(load("employed", source=cache)) > 0
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}/api/v2"
    with pytest.raises(ScbApiError):  # an API that is not there at all: same promise
        build_cache(cache, api_url=nowhere)
    assert snapshot(cache) == before


def test_a_failed_recipe_is_reported_and_the_others_are_written(tmp_path, capsys):
    fixtures = tmp_path / "fixtures"
    from pxweb_server import FIXTURES

    for path in FIXTURES.rglob("*.json"):
        if "TAB9906" not in path.parts:  # the flow table is gone, from the index too
            target = fixtures / path.relative_to(FIXTURES)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    listing = json.loads((fixtures / "tables.json").read_text(encoding="utf-8"))
    listing["tables"] = [t for t in listing["tables"] if t["id"] != "TAB9906"]
    (fixtures / "tables.json").write_text(json.dumps(listing), encoding="utf-8")
    cache = tmp_path / "cache"
    with PxWebServer(fixtures) as server:
        code = cli.main(["data", "cache", "--out", str(cache), "--api-url", server.url])
    assert code == 1
    out = capsys.readouterr().out
    assert "MISSLYCKADES graduates: Hittade inte tabellen In- och utflöden" in out
    assert "tabellindex" in out and "KOMPETENS_SCB_TABELL_RegionInd19U3N" in out
    assert "national_forecast saknas" in out and "--tp-template" in out
    assert set(read_manifest(cache)["tables"]) == {"population", "employed", "labour_force",
                                                   "commuting", "industry_employed"}
    assert len(load("commuting", source=cache)) > 0


def test_an_update_keeps_the_tables_it_does_not_fetch(tmp_path):
    cache = tmp_path / "cache"
    with PxWebServer() as server:
        first = build_cache(cache, recipes=["population"], api_url=server.url, years=[2022])
        second = build_cache(cache, recipes=["commuting"], api_url=server.url)
    assert list(first.written) == ["population"]
    assert list(second.written) == ["commuting"] and second.kept == ["population"]
    assert set(read_manifest(cache)["tables"]) == {"population", "commuting"}
    population = load("population", source=cache)
    assert set(population.loc[~population["projection"], "year"]) == {2022}
    assert verify_cache(cache) == ["commuting", "population"]


def test_tables_from_files_keep_their_provenance_offline(tmp_path):
    fetched = tmp_path / "hämtat"
    fetched.mkdir()
    with PxWebServer() as server:
        assert cli.main(["data", "fetch", "--recipe", "employment", "--api-url", server.url,
                         "--out", str(fetched / "employed.parquet")]) == 0
    # No server any more: the cache is built from the file alone.
    cache = tmp_path / "cache"
    report = build_cache(cache, from_files=[str(fetched / "employed.parquet")],
                         tp_template=TEMPLATE)
    assert set(report.written) == {"employed", "national_forecast"}
    assert report.written["employed"]["origin"] == "fil"
    assert provenance("employed", cache)["table_id"] == "TAB6369, TAB3981, TAB3200"
    pd.testing.assert_frame_equal(load("employed", source=cache),
                                  load("employed", source=fetched))
    with pytest.raises(KompetensError, match="ingen av arbetsbokens tabeller"):
        build_cache(cache, from_files=[f"sysselsatta={fetched / 'employed.parquet'}"])
    # A file from a folder with provenance.json (here the bundled example) keeps its record.
    example = Path(str(files("kompetens_lib") / "data" / "example" / "commuting.parquet"))
    build_cache(cache, from_files=[str(example)])
    assert provenance("commuting", cache)["synthetic"] is True
    assert source_note("commuting", cache).startswith("Källa: Exempeldata")


def test_the_forecast_needs_the_template(tmp_path):
    with pytest.raises(KompetensError, match="docs/tp-mall.md"):
        build_cache(tmp_path / "cache", recipes=["national_forecast"])
    assert not (tmp_path / "cache").exists()
    report = build_cache(tmp_path / "cache", tp_template=TEMPLATE)
    assert list(report.written) == ["national_forecast"]
    forecast = load("national_forecast", source=tmp_path / "cache")
    assert forecast["education_group"].tolist()[:2] == ["103", "103"]


def test_the_industry_forecast_comes_from_a_file_and_replaces_the_example(tmp_path):
    with pytest.raises(KompetensError, match="industry_forecast=FIL.*exempeldatans"):
        build_cache(tmp_path / "cache", recipes=["industry_forecast"])
    assert not (tmp_path / "cache").exists()
    own = load("industry_forecast").assign(demand=lambda f: f["demand"] // 2)
    file = tmp_path / "tp_naringsgren.csv"
    own.to_csv(file, index=False)
    report = build_cache(tmp_path / "cache", recipes=["industry_forecast"],
                         from_files=[f"industry_forecast={file}"])
    assert list(report.written) == ["industry_forecast"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to the example, so no warning
        loaded = load("industry_forecast", source=tmp_path / "cache")
    pd.testing.assert_frame_equal(loaded, own, check_like=True)
    assert verify_cache(tmp_path / "cache") == ["industry_forecast"]


def test_cache_help_is_swedish(capsys):
    assert cli.main(["data", "cache", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Användning:" in text and "--tp-mall" in text and "utan nätverk" in text


def test_loading_a_table_uses_the_read_side_of_the_cache_only():
    import subprocess
    import sys

    code = ("import sys, kompetens_lib.data.tables as t; t.load('employed'); "
            "print(sorted(m for m in sys.modules if m.startswith('kompetens_lib.data.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = done.stdout
    assert "kompetens_lib.data.cache_manifest" in loaded
    for build_side in ("kompetens_lib.data.cache'", "recipes", "scb_api", "tp_template"):
        assert build_side not in loaded, loaded


def test_the_build_side_reexports_the_read_side():
    from kompetens_lib.data import cache, cache_manifest

    for name in ("MANIFEST", "PROVENANCE", "read_manifest", "sha256_file", "verify_cache",
                 "verify_table"):
        assert getattr(cache, name) is getattr(cache_manifest, name)
