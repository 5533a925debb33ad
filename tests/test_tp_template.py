"""The T&P template: the shipped example passes, broken templates list every problem."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest

from kompetens_lib.data.tables import validate
from kompetens_lib.data.tp_template import (
    OUTPUT_COLUMNS,
    TEMPLATE_COLUMNS,
    TemplateError,
    validate_tp_template,
)
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.taxonomy import JUDGEMENTS, OTHER_JUDGEMENTS, education_groups

EXAMPLE = Path(str(files("kompetens_lib") / "data" / "tp_template_example.csv"))
DOC = Path(__file__).resolve().parents[1] / "docs" / "tp-mall.md"


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "tp.csv"
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(TemplateError) as info:
        validate_tp_template(path)
    assert isinstance(info.value, KompetensError)
    return info.value.problems


def test_example_passes_and_has_the_national_forecast_shape():
    df = validate_tp_template(EXAMPLE)
    assert tuple(df.columns) == OUTPUT_COLUMNS
    assert df.dtypes.astype(str).to_dict() == {
        "education_group": "string",
        "year": "int64",
        "supply": "int64",
        "demand": "int64",
        "judgement": "string",
    }
    assert set(df["education_group"]) <= set(education_groups()["code"])
    assert df["education_group"].nunique() >= 3 and df["year"].nunique() >= 2
    assert not df.duplicated(["education_group", "year"]).any()
    assert df.equals(df.sort_values(["education_group", "year"], ignore_index=True))
    valid = set(JUDGEMENTS) | set(OTHER_JUDGEMENTS)
    assert set(df["judgement"]) <= valid | {""} and (df["judgement"] == "").any()
    row = df[(df["education_group"] == "305") & (df["year"] == 2035)].iloc[0]  # "Ekonomer"
    assert (row["supply"], row["demand"], row["judgement"]) == (201000, 198000, "balans")
    # Loads like the workbook's own table.
    pd.testing.assert_frame_equal(df, validate("national_forecast", df))
    assert "EXEMPEL" in EXAMPLE.read_text(encoding="utf-8").splitlines()[0]


def test_excel_style_semicolon_cp1252_template(tmp_path):
    text = (
        "Utbildningsgrupp;År;Tillgång;Efterfrågan;Bedömning\r\n"
        "3;2035;12 300;10 400;Relativt balanserat\r\n"
        "förskollärarutbildning;2035;98 000;114 000;STOR BRIST\r\n"
        "Jurister;2035;52000;47000;\r\n"
    )
    df = validate_tp_template(write(tmp_path, text, "cp1252"))
    assert df["education_group"].tolist() == ["003", "103", "307"]
    assert df["supply"].tolist() == [12300, 98000, 52000]
    assert df["demand"].iloc[0] == 10400
    assert df["judgement"].tolist() == ["balans", "stor brist", ""]


def test_english_headings_and_comment_column(tmp_path):
    text = "education_group,year,supply,demand,judgement,kommentar\n108,2020,9200,12600,brist,x\n"
    df = validate_tp_template(write(tmp_path, text))
    assert df.loc[0, "education_group"] == "108" and df.loc[0, "judgement"] == "brist"


def test_broken_template_lists_every_problem(tmp_path):
    text = (
        "# en kommentar\n"
        "utbildningsgrupp,år,tillgång,efterfrågan,bedömning\n"  # line 2
        "Förskolärare,2035,98000,114000,stor brist\n"  # 3: misspelt group
        "108,tjugo,9200,12600,brist\n"  # 4: year
        "305,2035,-5,abc,balans\n"  # 5: negative supply, garbage demand
        "307,2035,52000,,kanske\n"  # 6: missing demand, bad judgement
        "108,2036,9200\n"  # 7: too few fields
        "305,2035,1,2,\n"  # 8: duplicate of line 5's group and year
        "999,1999,1,2,brist\n"  # 9: unknown code and year out of range
    )
    problems = problems_of(write(tmp_path, text))
    found = {(p.line, p.column) for p in problems}
    assert found == {
        (3, "utbildningsgrupp"),
        (4, "år"),
        (5, "tillgång"),
        (5, "efterfrågan"),
        (6, "efterfrågan"),
        (6, "bedömning"),
        (7, ""),
        (8, "utbildningsgrupp"),
        (9, "utbildningsgrupp"),
        (9, "år"),
    }
    by_place = {(p.line, p.column): p for p in problems}
    assert "Menade du 'Förskollärare' (103)?" in by_place[(3, "utbildningsgrupp")].message
    assert by_place[(4, "år")].value == "tjugo" and "2000–2100" in by_place[(4, "år")].message
    assert "negativt" in by_place[(5, "tillgång")].message
    assert "saknas" in by_place[(6, "efterfrågan")].message
    judgement = by_place[(6, "bedömning")]
    assert judgement.value == "kanske" and "'stor brist'" in judgement.message
    assert "'god tillgång'" in judgement.message
    assert "3 fält" in by_place[(7, "")].message
    assert "rad 5" in by_place[(8, "utbildningsgrupp")].message
    # One Swedish error that lists them all, each with line, column and value.
    with pytest.raises(TemplateError) as info:
        validate_tp_template(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith("T&P-mallen tp.csv har 10 problem:")
    assert (
        "- rad 3, kolumn 'utbildningsgrupp', värde 'Förskolärare': Okänd utbildningsgrupp"
        in message
    )
    assert "- rad 6, kolumn 'bedömning', värde 'kanske': okänd bedömning." in message
    assert message.count("\n- ") == 10


def test_fractions_and_judgements_between_base_and_target_year(tmp_path):
    text = (
        "utbildningsgrupp;år;tillgång;efterfrågan;bedömning\n"
        "103;2020;98000;114000;brist\n"
        "103;2025;100000,5;120000;brist\n"  # line 3: a fraction and a mid-year judgement
        "103;2035;104000;127000;stor brist\n"
    )
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.column) for p in problems] == [(3, "tillgång"), (3, "bedömning")]
    assert "inget heltal" in problems[0].message
    assert "basåret 2020 och målåret 2035" in problems[1].message


def test_header_problems_and_judgement_hint(tmp_path):
    text = "grupp,year,tillgång,bedömning,region\n103,2035,1,brsit,01\n103,2036,1,brist\n"
    problems = problems_of(write(tmp_path, text))
    messages = {(p.line, p.column): p.message for p in problems}
    assert "okänd kolumn" in messages[(1, "region")]
    assert "kolumnen saknas" in messages[(1, "efterfrågan")]
    assert "Menade du 'brist'?" in messages[(2, "bedömning")]
    assert (3, "") in messages  # 4 fields under a 5-field header


def test_empty_and_header_only_templates(tmp_path):
    problems = problems_of(write(tmp_path, ""))
    assert "tom" in problems[0].message
    problems = problems_of(write(tmp_path, ",".join(TEMPLATE_COLUMNS) + "\n"))
    assert problems[0].line == 1 and "inga datarader" in problems[0].message
    problems = problems_of(write(tmp_path, "# bara kommentarer\n\n"))
    assert "tom" in problems[0].message


def test_missing_file():
    with pytest.raises(KompetensError, match="finns inte"):
        validate_tp_template("finns-inte.csv")


def test_doc_describes_every_column_and_judgement():
    if not DOC.exists():
        pytest.skip("docs/ not in this install")
    doc = DOC.read_text(encoding="utf-8")
    for column in TEMPLATE_COLUMNS:
        assert f"`{column}`" in doc
    for judgement in JUDGEMENTS + OTHER_JUDGEMENTS:
        assert judgement in doc
    assert "validate_tp_template" in doc
