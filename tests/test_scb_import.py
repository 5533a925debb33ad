"""Import of hand-downloaded SCB files: every encoding, separator and layout, real samples,
broken files, writing and the CLI entry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kompetens_lib import cli
from kompetens_lib.data.scb_import import (
    ScbImportError,
    format_report,
    import_scb_file,
    snake_name,
    write_tidy,
)
from kompetens_lib.errors import KompetensError

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "scb_export_samples"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared is not beside the repo")


def scb_text(header: list[str], rows: list[list[object]], sep: str = ",") -> str:
    """Text shaped like SCB's web export: labels and headings quoted, numbers bare."""

    def cell(value: object, quote: bool) -> str:
        if isinstance(value, str) and (quote or sep in value):
            return f'"{value}"'
        return str(value)

    lines = [sep.join(cell(h, True) for h in header)]
    for row in rows:
        lines.append(sep.join(cell(v, not _is_value(v)) for v in row))
    return "\n".join(lines) + "\n"


def _is_value(v: object) -> bool:
    if not isinstance(v, str):
        return True
    return v in {"..", ".", ""} or v.replace(" ", "").replace(",", "").replace(".", "").isdigit()


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "uttag.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def report(df: pd.DataFrame) -> dict:
    return df.attrs["import_report"]


def one(df: pd.DataFrame, **where: object) -> object:
    mask = np.ones(len(df), dtype=bool)
    for column, value in where.items():
        mask &= (df[column] == value).to_numpy()
    hits = df.loc[mask, "value"]
    assert len(hits) == 1, where
    return hits.iloc[0]


# A Swedish table with a national total, trailing spaces, "2006 Samtliga" headings,
# spaces as thousands separators and both missing markers.
SV_HEADER = ["region", "utbildningsnivå ", "kön", "2006 Samtliga", "2007 Samtliga"]
SV_ROWS = [
    ["00 Riket", "gymnasial utbildning", "män", "12 500", "13 000"],
    ["00 Riket", "gymnasial utbildning", "kvinnor", "11 000", ".."],
    ["01 Stockholms län  ", "gymnasial utbildning", "män", "4 000", "4 100"],
    ["01 Stockholms län  ", "gymnasial utbildning", "kvinnor", "3 500", ".."],
    ["12 Skåne län", "gymnasial utbildning ", "män", "8 500", "8 900"],
    ["12 Skåne län", "gymnasial utbildning ", "kvinnor", "7 500", "."],
]


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_every_encoding_and_separator_gives_the_same_table(tmp_path, encoding, sep):
    path = write(tmp_path, scb_text(SV_HEADER, SV_ROWS, sep), encoding)
    df = import_scb_file(path)
    assert df.columns.tolist() == [
        "region",
        "region_label",
        "region_type",
        "utbildningsniva",
        "kon",
        "heading",
        "year",
        "value",
    ]
    assert len(df) == 12
    assert df["region"].unique().tolist() == ["00", "01", "12"]
    assert df["region_label"].unique().tolist() == ["Riket", "Stockholms län", "Skåne län"]
    assert df["utbildningsniva"].unique().tolist() == ["gymnasial utbildning"]
    assert set(df["heading"]) == {"Samtliga"}
    assert df["year"].dtype == "int64" and df["year"].unique().tolist() == [2006, 2007]
    assert str(df["value"].dtype) == "Int64"
    assert one(df, region="01", kon="män", year=2006) == 4000
    assert one(df, region="12", kon="kvinnor", year=2006) == 7500
    assert pd.isna(one(df, region="12", kon="kvinnor", year=2007))
    r = report(df)
    assert r["encoding"] == encoding
    assert r["separator"] == sep
    assert r["missing"] == 3
    assert r["missing_by_marker"] == {"..": 2, ".": 1, "": 0}
    assert r["rows"] == 12 and r["data_rows"] == 6
    (region_check,) = [t for t in r["totals"] if t["dimension"] == "region"]
    assert region_check["total"] == "00 Riket"
    assert region_check["groups_checked"] == 3  # the fourth has a missing part
    assert region_check["mismatches"] == 0
    assert r["warnings"] == []


def test_english_labels_map_to_the_same_names(tmp_path):
    header = ["region", "level of education", "sex", "2017", "2018"]
    rows = [
        ["00 Sweden", "post-secondary education", "total", 300, 330],
        ["00 Sweden", "post-secondary education", "men", 140, 150],
        ["00 Sweden", "post-secondary education", "women", 160, 180],
        ["01 Stockholm county", "post-secondary education", "total", 100, 110],
        ["01 Stockholm county", "post-secondary education", "men", 45, 50],
        ["01 Stockholm county", "post-secondary education", "women", 55, 60],
    ]
    df = import_scb_file(write(tmp_path, scb_text(header, rows)))
    assert df.columns.tolist() == [
        "region",
        "region_label",
        "region_type",
        "utbildningsniva",
        "kon",
        "year",
        "value",
    ]
    assert df["region"].unique().tolist() == ["00", "01"]
    assert df["region_label"].unique().tolist() == ["Sweden", "Stockholm county"]
    checks = {t["dimension"]: t for t in report(df)["totals"]}
    assert checks["kon"]["total"] == "total" and checks["kon"]["groups_checked"] == 4
    assert checks["kon"]["mismatches"] == 0
    # Stockholm alone does not add up to Sweden: reported, not hidden.
    assert checks["region"]["mismatches"] == 6
    assert any("Summakontroll 'region'" in w for w in report(df)["warnings"])


def test_totals_within_rounding_pass_and_real_differences_are_reported(tmp_path):
    header = ["utbildningsgrupp", "kön", "2017"]
    rows = [
        ["samtliga utbildningsgrupper", "totalt", 5000],  # parts: 2200 + 3200 = 5400
        ["103 förskollärarutbildning", "totalt", 2200],
        ["108 yrkeslärarutbildning", "totalt", 3200],
    ]
    df = import_scb_file(write(tmp_path, scb_text(header, rows)))
    (check,) = report(df)["totals"]
    assert check["dimension"] == "utbildningsgrupp"
    assert check["mismatches"] == 1 and check["max_abs_diff"] == 400
    assert check["tolerance_unit"] == 100  # SCB rounded these to hundreds
    assert "summa 5400, totalt 5000" in report(df)["warnings"][0]
    with pytest.raises(ScbImportError, match="summakontrollen"):
        import_scb_file(write(tmp_path, scb_text(header, rows)), strict_totals=True)
    # Off by 100 is what rounding three numbers to hundreds can give (2150 + 3150 = 5300).
    rows[0][2] = 5300
    df = import_scb_file(write(tmp_path, scb_text(header, rows)))
    assert report(df)["totals"][0]["mismatches"] == 0
    assert report(df)["warnings"] == []


def test_codes_split_only_where_every_label_starts_with_one(tmp_path):
    header = ["utbildningsgrupp SUN 2000", "ålder", "kön", "2016", "2017"]
    rows = [
        ["samtliga utbildningsgrupper", "16-24 år", "män", 900, 950],
        ["55C civilingenjörsutbildning; väg- och vatten", "16-24 år", "män", 400, 420],
        ["55D civilingenjörsutbildning; maskin, fordon", "16-24 år", "män", 500, 530],
        ["samtliga utbildningsgrupper", "25-34 år", "män", 1000, 1100],
        ["55C civilingenjörsutbildning; väg- och vatten", "25-34 år", "män", 450, 500],
        ["55D civilingenjörsutbildning; maskin, fordon", "25-34 år", "män", 550, 600],
    ]
    for sep in (",", ";"):
        df = import_scb_file(write(tmp_path, scb_text(header, rows, sep)))
        assert df.columns.tolist() == [
            "utbildningsgrupp_sun_2000",
            "utbildningsgrupp_sun_2000_label",
            "alder",
            "kon",
            "year",
            "value",
        ]
        groups = df.drop_duplicates("utbildningsgrupp_sun_2000")
        assert groups["utbildningsgrupp_sun_2000"].tolist() == [
            "samtliga utbildningsgrupper",
            "55C",
            "55D",
        ]
        assert groups["utbildningsgrupp_sun_2000_label"].iloc[2] == (
            "civilingenjörsutbildning; maskin, fordon"
        )
        # "16-24 år" is an age band, not code "16" with label "-24 år".
        assert df["alder"].unique().tolist() == ["16-24 år", "25-34 år"]
        assert one(df, utbildningsgrupp_sun_2000="55D", alder="25-34 år", year=2017) == 600
        assert report(df)["totals"][0]["mismatches"] == 0


def test_decimal_comma_with_semicolons_and_decimal_point_with_commas(tmp_path):
    text = '"region";"kön";"2019";"2020"\n"01 Stockholms län";"män";12,5;"1 013,25"\n'
    df = import_scb_file(write(tmp_path, text, "latin-1"))
    assert df["value"].dtype == "float64"
    assert df["value"].tolist() == [12.5, 1013.25]
    assert report(df)["decimal"] == ","
    text = '"region","kön","2019","2020"\n"01 Stockholms län","män",12.5,1013.25\n'
    df = import_scb_file(write(tmp_path, text))
    assert df["value"].tolist() == [12.5, 1013.25]
    assert report(df)["decimal"] == "."


def test_title_lines_footnotes_crlf_and_trailing_separators(tmp_path):
    text = (
        '"Befolkning 16-74 år efter region och kön. År 2016-2017"\r\n'
        "\r\n"
        '"region";"kön";"2016";"2017";\r\n'
        '"03 Uppsala län";"män";1 200;1 300;\r\n'
        '"03 Uppsala län";"kvinnor";1 100;-;\r\n'
        "\r\n"
        '"Förklaring: .. = uppgift saknas"\r\n'
        "Källa: SCB; Befolkningsstatistik\r\n"
    )
    df = import_scb_file(write(tmp_path, text, "utf-8-sig"))
    assert len(df) == 4
    assert one(df, kon="kvinnor", year=2017) == 0  # SCB's dash means zero
    r = report(df)
    assert r["header_line"] == 3
    assert r["title"] == ["Befolkning 16-74 år efter region och kön. År 2016-2017"]
    assert r["footnotes"] == ["Förklaring: .. = uppgift saknas", "Källa: SCB; Befolkningsstatistik"]
    assert r["zeros_from_dash"] == 1 and r["missing"] == 0


def test_year_in_rows_layout(tmp_path):
    header = ["region", "år", "Antal personer"]
    rows = [
        ["Stockholms län", "2018", "1 000"],
        ["Stockholms län", "2019", ".."],
        ["Riket", "2018", 9000],
    ]
    df = import_scb_file(write(tmp_path, scb_text(header, rows)))
    assert df.columns.tolist() == ["region", "region_label", "region_type", "year", "value"]
    assert df["region"].tolist() == ["01", "01", "00"]
    assert df["year"].tolist() == [2018, 2019, 2018]
    assert df["value"].tolist()[0] == 1000 and pd.isna(df["value"].iloc[1])
    assert report(df)["layout"] == "long"


def test_county_names_without_codes_are_resolved(tmp_path):
    header = ["län", "2017"]
    rows = [["Riket", 10], ["Gotlands län", 1], ["Västra Götaland ", 4]]
    df = import_scb_file(write(tmp_path, scb_text(header, rows)))
    assert df["region"].tolist() == ["00", "09", "14"]
    assert df["region_label"].tolist() == ["Riket", "Gotlands län", "Västra Götaland"]


def test_quarter_headings_keep_the_extra_text(tmp_path):
    header = ["region", "2019K3", "2019K4"]
    df = import_scb_file(write(tmp_path, scb_text(header, [["01 Stockholms län", 1, 2]])))
    assert df["year"].tolist() == [2019, 2019]
    assert df["heading"].tolist() == ["K3", "K4"]


def test_total_labels():
    from kompetens_lib.data.scb_cells import is_total_label

    for label in ["totalt", "Total", "samtliga utbildningsgrupper", "Riket", "Sweden", "alla län"]:
        assert is_total_label(label), label
    for label in ["allmän utbildning", "totalförsvarets skolor", "Sverigefinnar", "män"]:
        assert not is_total_label(label), label


def test_variable_names():
    assert snake_name("utbildningsnivå") == "utbildningsniva"
    assert snake_name("ålder") == "alder"
    assert snake_name("kön ") == "kon"
    assert snake_name("Sex") == "kon"
    assert snake_name("occupation (SSYK 2012)") == "occupation_ssyk_2012"
    assert snake_name("Utbildningsgrupp SUN 2000") == "utbildningsgrupp_sun_2000"


# --------------------------------------------------------------------------- broken files


def expect_error(path: Path, *phrases: str, **kwargs: object) -> str:
    with pytest.raises(ScbImportError) as info:
        import_scb_file(path, **kwargs)
    message = str(info.value)
    assert isinstance(info.value, KompetensError)
    assert path.name in message or "Okänd" in message
    for phrase in phrases:
        assert phrase in message, message
    return message


def test_ragged_row_names_its_line(tmp_path):
    text = scb_text(SV_HEADER, SV_ROWS).splitlines()
    text[3] = text[3].rsplit(",", 1)[0]  # drop the last field of line 4
    path = write(tmp_path, "\n".join(text) + "\n")
    expect_error(path, "rad 4", "4 fält", "rubrikraden (rad 1) har 5", "Förväntade 5 fält")


def test_no_year_columns(tmp_path):
    text = (
        '"region","kön","antal"\n'
        '"01 Stockholms län","män",2017\n'
        '"01 Stockholms län","kvinnor",2015\n'
    )
    expect_error(write(tmp_path, text), "rad 1", "inga årskolumner", "'antal'")
    expect_error(write(tmp_path, '"region","kön"\n"01","män"\n'), "rad 1", "inga årskolumner")


def test_non_numeric_value_names_line_and_column(tmp_path):
    rows = [list(r) for r in SV_ROWS]
    rows[4][4] = "ca 8900"
    expect_error(
        write(tmp_path, scb_text(SV_HEADER, rows)),
        "rad 6",
        "kolumn '2007 Samtliga'",
        "'ca 8900'",
        "inget tal",
    )
    rows[4][4] = "12 34"  # not a thousands grouping
    expect_error(write(tmp_path, scb_text(SV_HEADER, rows)), "rad 6", "'12 34'")


def test_mixed_decimal_marks_are_an_error(tmp_path):
    text = '"region";"2019";"2020"\n"01 Stockholms län";1,5;2.5\n'
    expect_error(write(tmp_path, text), "rad 2", "både komma och punkt", "'2.5'")


def test_empty_and_header_only_files(tmp_path):
    expect_error(write(tmp_path, ""), "tom")
    expect_error(write(tmp_path, "\n  \n"), "tom")
    expect_error(write(tmp_path, '"region","2017"\n\n'), "rad 1", "inga datarader")


def test_forced_wrong_encoding_is_caught(tmp_path):
    latin1 = write(tmp_path, scb_text(SV_HEADER, SV_ROWS), "latin-1")
    expect_error(latin1, "rad 1", "utf-8", "latin-1 eller UTF-8", encoding="utf-8")
    utf8 = write(tmp_path, scb_text(SV_HEADER, SV_ROWS), "utf-8", name="u.csv")
    # Read as Latin-1, UTF-8 gives "Ã¥" for "å": refused, naming the first such line.
    expect_error(utf8, "rad 1", "dubbelkodade", "lästes som latin-1", encoding="latin-1")
    damaged = write(
        tmp_path, scb_text(SV_HEADER, SV_ROWS).replace("Skåne", "Sk\ufffdne"), name="d.csv"
    )
    expect_error(damaged, "rad 6", "�")
    expect_error(latin1, "Okänd teckenkodning", encoding="klingon")


def test_binary_and_old_excel_files_are_refused(tmp_path):
    expect_error(write(tmp_path, "region,2017\n", "utf-16-le", name="b.csv"), "nollbytes")
    old = tmp_path / "gammal.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    expect_error(old, ".xls")


def test_duplicate_rows_and_columns(tmp_path):
    rows = [list(r) for r in SV_ROWS] + [list(SV_ROWS[2])]
    expect_error(write(tmp_path, scb_text(SV_HEADER, rows)), "rad 8", "rad 4", "samma etiketter")
    header = ["region", "2017", "2017"]
    expect_error(write(tmp_path, scb_text(header, [["01 Stockholms län", 1, 2]])), "två gånger")


def test_unbalanced_quote(tmp_path):
    text = '"region","kön","2017"\n"01 Stockholms län,"män",5\n'
    expect_error(write(tmp_path, text), "rad 2", "citattecken")


def test_region_code_that_contradicts_its_name(tmp_path):
    text = '"region","2017"\n"03 Stockholms län",5\n'
    expect_error(write(tmp_path, text), "rad 2", "koden 03", "län 01")
    text = '"region","2017"\n"Atlantis",5\n'
    expect_error(write(tmp_path, text), "rad 2", "'Atlantis'", "känns inte igen")


def test_data_row_after_footnotes_is_an_error(tmp_path):
    text = '"region","2017"\n"01 Stockholms län",5\n\n"Källa: SCB"\n"03 Uppsala län",6\n'
    expect_error(write(tmp_path, text), "rad 5", "fotnoterna")


# --------------------------------------------------------------------------- real downloads


@needs_samples
def test_real_uf0506_education_level_by_county():
    df = import_scb_file(SAMPLES / "UF0506A1.csv")
    assert df.columns.tolist() == [
        "region",
        "region_label",
        "region_type",
        "alder",
        "utbildningsniva",
        "kon",
        "year",
        "value",
    ]
    assert df.shape == (336, 8)
    assert df["region"].nunique() == 21 and df["year"].unique().tolist() == [2017]
    value = one(
        df,
        region="01",
        kon="män",
        utbildningsniva="förgymnasial utbildning kortare än 9 år",
    )
    assert value == 25559
    # Population 16-74 by county in 2017 as published (DOMAIN.md §3).
    by_region = df.groupby("region")["value"].sum()
    assert by_region["01"] == 1_694_184 and by_region["12"] == 969_042
    assert by_region["09"] == 42_601
    assert df.loc[df["region"] == "05", "region_label"].iloc[0] == "Östergötlands län"
    r = report(df)
    assert (r["encoding"], r["separator"], r["missing"]) == ("latin-1", ",", 0)


@needs_samples
def test_real_english_occupation_file():
    df = import_scb_file(SAMPLES / "000000NK.csv")
    assert df.shape == (396 * 4, 9)
    assert df.columns.tolist()[:5] == [
        "region",
        "region_label",
        "region_type",
        "occupation_ssyk_2012",
        "occupation_ssyk_2012_label",
    ]
    assert df["region"].nunique() == 22 and "99" in set(df["region"])
    assert set(df["occupation_ssyk_2012"]) == {"214"}
    assert df["alder"].nunique() == 9  # "16-24 years" kept whole
    assert one(df, region="01", alder="25-29 years", kon="men", year=2017) == 1737
    assert one(df, region="12", alder="16-24 years", kon="women", year=2014) is not None


@needs_samples
def test_real_education_group_file_with_codes_like_55C():
    df = import_scb_file(SAMPLES / "AM0110D2.csv")
    assert df.shape == (5 * 14, 5)
    assert df["utbildningsgrupp_sun_2000"].unique().tolist() == ["55C", "55D", "55E", "55F", "55G"]
    assert df["year"].min() == 2004 and df["year"].max() == 2017
    assert one(df, utbildningsgrupp_sun_2000="55G", year=2017) == 43000
    assert report(df)["totals"] == []  # "totalt" is the only member of kön


@needs_samples
@pytest.mark.parametrize("name", ["UF0506A1.csv", "000000NK.csv", "AM0110D2.csv"])
def test_real_files_resaved_in_other_encodings_read_the_same(tmp_path, name):
    original = import_scb_file(SAMPLES / name)
    text = (SAMPLES / name).read_bytes().decode("latin-1")
    resaved = text.replace('","', '";"').replace('",', '";').replace(",", ";")
    path = write(tmp_path, resaved.replace("\n", "\r\n"), "utf-8-sig", name=name)
    again = import_scb_file(path)
    # Labels that held commas now hold semicolons; everything else is identical.
    pd.testing.assert_frame_equal(
        original.drop(
            columns=[c for c in original if c.endswith("_label")] + ["utbildningsniva"],
            errors="ignore",
        ),
        again.drop(
            columns=[c for c in again if c.endswith("_label")] + ["utbildningsniva"],
            errors="ignore",
        ),
    )
    assert report(again)["separator"] == ";" and report(again)["encoding"] == "utf-8-sig"


# --------------------------------------------------------------------------- Excel


def scb_workbook(path: Path, tail: list[list[object]] | None = None) -> Path:
    import openpyxl  # a dependency: a missing install must fail here, not skip

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tabell"
    ws.append(["Befolkning efter region, kön och år"])
    ws.append([])
    ws.append([None, None, 2016, None, "2017"])
    ws.merge_cells("C3:D3")
    ws.append(["region", "kön", "Samtliga", "Män", "Samtliga"])
    ws.append(["00 Riket", "män", 300, 300, 310])
    ws.append([None, "kvinnor", 290, "..", 295.5])
    ws.append(["01 Stockholms län", "män", 100, 100, 110])
    ws.append([None, "kvinnor", 95, "..", 96.5])
    ws.append(["03 Uppsala län", "män", 200, 200, 200])
    ws.append([None, "kvinnor", 195, "..", 199])
    ws.append([])
    ws.append(["Fotnot: .. = uppgift saknas"])
    for row in tail or []:
        ws.append(row)
    wb.save(path)
    return path


def test_excel_download_with_title_subheadings_and_footnotes(tmp_path):
    df = import_scb_file(scb_workbook(tmp_path / "uttag.xlsx"))
    assert df.columns.tolist() == [
        "region", "region_label", "region_type", "kon", "heading", "year", "value"
    ]
    assert len(df) == 6 * 3
    assert df["region"].unique().tolist() == ["00", "01", "03"]
    assert df["heading"].unique().tolist() == ["Samtliga", "Män"]
    assert df["value"].dtype == "float64"
    assert one(df, region="01", kon="kvinnor", year=2017) == 96.5
    assert one(df, region="03", kon="kvinnor", year=2016, heading="Samtliga") == 195
    r = report(df)
    assert r["format"] == "xlsx" and r["sheet"] == "Tabell" and r["header_line"] == 3
    assert r["missing"] == 3
    assert r["title"] == ["Befolkning efter region, kön och år"]
    assert r["footnotes"] == ["Fotnot: .. = uppgift saknas"]
    region = next(t for t in r["totals"] if t["dimension"] == "region")
    assert region["mismatches"] == 0 and region["groups_checked"] == 5
    assert any("upprepar etiketten" in w for w in r["warnings"])


def test_excel_errors(tmp_path):
    bad = scb_workbook(tmp_path / "b.xlsx", tail=[["25 Norrbottens län", "män", 1, 1, 1]])
    expect_error(bad, "rad 13", "efter tabellens slut")
    expect_error(scb_workbook(tmp_path / "c.xlsx"), "'Blad2'", "'Tabell'", sheet="Blad2")
    garbage = tmp_path / "trasig.xlsx"
    garbage.write_bytes(b"PK\x03\x04 inte en riktig arbetsbok")
    expect_error(garbage, "Excel-fil")


# --------------------------------------------------------------------------- writing and CLI


def test_write_tidy_parquet_keeps_types_and_report(tmp_path):
    df = import_scb_file(write(tmp_path, scb_text(SV_HEADER, SV_ROWS)))
    out = write_tidy(df, tmp_path / "ut.parquet")
    back = pd.read_parquet(out)
    assert back["region"].tolist()[:2] == ["00", "00"]
    assert str(back["value"].dtype) == "Int64" and back["value"].isna().sum() == 3
    assert back.attrs["import_report"]["rows"] == 12
    json.dumps(df.attrs["import_report"])  # the report is plain JSON
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.parquet", "uttag.csv"]


def test_write_tidy_csv_and_overwrite(tmp_path):
    df = import_scb_file(write(tmp_path, scb_text(SV_HEADER, SV_ROWS)))
    target = tmp_path / "ut.csv"
    target.write_text("gammalt")
    write_tidy(df, target)
    back = pd.read_csv(target, dtype={"region": str})
    assert back["region"].iloc[4] == "01" and back.shape == df.shape
    assert target.read_text(encoding="utf-8").startswith("region,region_label,")


def test_write_tidy_is_atomic_on_failure(tmp_path, monkeypatch):
    df = import_scb_file(write(tmp_path, scb_text(SV_HEADER, SV_ROWS)))
    target = tmp_path / "ut.parquet"
    target.write_bytes(b"tidigare resultat")

    def boom(self, *args, **kwargs):
        Path(args[0]).write_bytes(b"halv fil")
        raise OSError("disken är full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OSError):
        write_tidy(df, target)
    assert target.read_bytes() == b"tidigare resultat"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.parquet", "uttag.csv"]


def test_write_tidy_refuses_unknown_endings_and_missing_folders(tmp_path):
    df = pd.DataFrame({"year": [2017], "value": [1]})
    with pytest.raises(KompetensError, match=r"\.parquet och \.csv"):
        write_tidy(df, tmp_path / "ut.xlsx")
    with pytest.raises(KompetensError, match="finns inte"):
        write_tidy(df, tmp_path / "saknas" / "ut.csv")


def test_cli_import_writes_and_summarises(tmp_path, capsys):
    source = write(tmp_path, scb_text(SV_HEADER, SV_ROWS, ";"), "latin-1")
    out = tmp_path / "ut" / "tabell.parquet"
    out.parent.mkdir()
    assert cli.main(["data", "import", str(source), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Rader: 12 (från 6 datarader i filen)" in printed
    assert "teckenkodning latin-1, avgränsare semikolon" in printed
    assert "Saknade värden: 3 ('..': 2, '.': 1, tomma: 0)" in printed
    assert (
        "Kolumner: region, region_label, region_type, utbildningsniva, kon, heading, year, value"
        in printed
    )
    assert f"Skrev {out}" in printed
    assert len(pd.read_parquet(out)) == 12
    # Without --out it writes beside the input, once, and never over an existing file.
    assert cli.main(["data", "import", str(source)]) == 0
    assert (tmp_path / "uttag.parquet").exists()
    assert cli.main(["data", "import", str(source)]) == 1
    assert "finns redan" in capsys.readouterr().err


def test_cli_import_reports_errors_in_swedish(tmp_path, capsys):
    broken = write(tmp_path, '"region","kön"\n"01","män"\n')
    assert cli.main(["data", "import", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kompetens data import: fel: uttag.csv, rad 1: hittade inga årskolumner")
    assert cli.main(["data", "import"]) == 2
    assert "följande argument krävs: FIL" in capsys.readouterr().err
    assert cli.main(["data", "import", "--help"]) == 0
    helptext = capsys.readouterr().out
    assert helptext.startswith("Användning: kompetens data import")
    assert "--out FIL" in helptext and "flaggor" in helptext


def test_format_report_mentions_totals():
    text = format_report(
        {
            "source": "x/y.csv",
            "format": "csv",
            "encoding": "utf-8",
            "separator": "\t",
            "decimal": ",",
            "rows": 4,
            "data_rows": 2,
            "columns": ["region", "year", "value"],
            "years": [2016, 2017],
            "missing": 0,
            "missing_by_marker": {},
            "zeros_from_dash": 0,
            "totals": [
                {"dimension": "kon", "total": "totalt", "groups_checked": 2, "mismatches": 0}
            ],
            "warnings": [],
        }
    )
    assert "avgränsare tabb, decimaltecken komma" in text
    assert "år 2016–2017" in text
    assert "Summakontroll kon (totalt): 2 grupper, stämmer." in text


# --------------------------------------------------------------------------- property


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 5_000_000)), min_size=2, max_size=2),
        min_size=1,
        max_size=6,
    ),
    encoding=st.sampled_from(["latin-1", "utf-8", "utf-8-sig"]),
    sep=st.sampled_from([",", ";", "\t"]),
    spaced=st.booleans(),
)
def test_any_integer_table_round_trips(tmp_path_factory, values, encoding, sep, spaced):
    counties = [
        "01 Stockholms län",
        "05 Östergötlands län",
        "12 Skåne län",
        "14 Västra Götalands län",
        "24 Västerbottens län",
        "25 Norrbottens län",
    ]

    def fmt(v: int | None) -> str:
        if v is None:
            return ".."
        return f"{v:,}".replace(",", " ") if spaced else str(v)

    rows = [[counties[i], "män", *(fmt(v) for v in row)] for i, row in enumerate(values)]
    path = write(
        tmp_path_factory.mktemp("p"),
        scb_text(["region", "kön", "2020", "2021"], rows, sep),
        encoding,
    )
    df = import_scb_file(path)
    got = [None if pd.isna(v) else int(v) for v in df["value"]]
    assert got == [v for row in values for v in row]
    assert df["region"].tolist() == [c[:2] for c in counties[: len(values)] for _ in range(2)]
    assert report(df)["missing"] == sum(v is None for row in values for v in row)


def test_excel_with_years_in_rows_and_unnamed_label_columns(tmp_path):
    import openpyxl  # a dependency: a missing install must fail here, not skip

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Titel"])
    ws.append(["region", "år", "Antal"])
    ws.append(["01 Stockholms län", "2017", 5])
    ws.append(["01 Stockholms län", "2018", ".."])
    ws.append([])
    ws.append(["Källa: SCB"])
    wb.save(tmp_path / "lang.xlsx")
    df = import_scb_file(tmp_path / "lang.xlsx")
    assert df["year"].tolist() == [2017, 2018] and df["value"].iloc[0] == 5
    assert report(df)["layout"] == "long" and report(df)["footnotes"] == ["Källa: SCB"]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, None, 2017])
    ws.append(["01 Stockholms län", "män", 5])
    ws.append([None, "kvinnor", 6])
    wb.save(tmp_path / "namnlos.xlsx")
    df = import_scb_file(tmp_path / "namnlos.xlsx")
    # A column of county labels is recognised by its values; others get a stand-in name.
    assert df.columns.tolist() == [
        "region", "region_label", "region_type", "variabel_2", "year", "value"
    ]
    assert "Kolumn 2 saknar rubrik och kallas 'variabel_2'." in report(df)["warnings"]


def test_the_import_keeps_its_public_names_after_the_split():
    import kompetens_lib as kl
    from kompetens_lib.data import scb_cells, scb_csv, scb_tidy, writing

    assert kl.scb_import.import_scb_file is import_scb_file
    assert kl.scb_import.write_tidy is writing.write_tidy is kl.scb_api.write_tidy
    assert kl.scb_import.snake_name is scb_cells.snake_name
    assert kl.scb_import.ImportReport is scb_tidy.ImportReport
    assert kl.scb_import.ScbImportError is ScbImportError
    text, used = scb_csv.decode("år;2023\n".encode("latin-1"), "x.csv", None)
    assert (text, used) == ("år;2023\n", "latin-1")
    assert scb_cells.parse_number("1 234,5") == (1234.5, "float:,:1")
