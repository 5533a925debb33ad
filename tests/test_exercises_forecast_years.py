"""Exercise checks on a T&P table of the template's shape: only the base and target years.

SCB's forecast often gives the base year (before the county's latest history year) and the
target year only (docs/tp-mall.md). The workbook fills the years between; the checks take
their expected values from the same workbook functions, so correct answers pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import kompetens_lib as kl
from kompetens_lib import exercises as ex
from kompetens_lib.data.tables import example_dir
from kompetens_lib.workbook import balance_tables, breakdown_tables

#: The template's shape: T&P's own base year, three years before the history ends, and 2035.
TP_BASE, TARGET = 2020, 2035
MASTER_TEXTS = {
    "metodforklaring": (
        "Trendandelen ger högst värde eftersom länets andel av gruppen har ökat stadigt de "
        "senaste tio åren, och trenden skrivs fram. Fast andel antar att andelen står still "
        "och hamnar lägre. Shift-share ligger mittemellan eftersom bara halva länets "
        "försprång förs vidare."),
    "balans_kommentar": (
        "Med trösklarna 2, 5 och 10 procent flyttas bedömningen för en av mina grupper ett "
        "steg mot brist. Trösklarna är ett modellval och inte statistik, så jag redovisar "
        "bedömningen tillsammans med kvoten."),
}


@pytest.fixture
def two_year_source(tmp_path, monkeypatch) -> str:
    """The example tables, with a national forecast of only the years 2020 and 2035."""
    folder = tmp_path / "data"
    folder.mkdir()
    for path in Path(example_dir()).iterdir():
        shutil.copy(path, folder / path.name)
    forecast = pd.read_parquet(folder / "national_forecast.parquet")
    first = int(forecast["year"].min())
    base = forecast[forecast["year"] == first].assign(year=TP_BASE)
    two = pd.concat([base, forecast[forecast["year"] == TARGET]], ignore_index=True)
    two.to_parquet(folder / "national_forecast.parquet", index=False)
    # ex.context validates the parameters, which sets KOMPETENS_DATA: restore it afterwards.
    monkeypatch.setenv("KOMPETENS_DATA", str(folder))
    assert kl.load("national_forecast", str(folder))["year"].unique().tolist() == [TP_BASE,
                                                                                  TARGET]
    return str(folder)


def assert_all_passed(report: ex.ExerciseReport) -> None:
    assert report.problem == ""
    for result in report.results:
        assert result.status == ex.PASSED, result.text()


@pytest.mark.parametrize("region", ["12", "25"])
def test_correct_breakdown_answers_pass_with_only_base_and_target_year(two_year_source,
                                                                      region):
    ctx = ex.context("ovning3", region, [], source=two_year_source)
    assert (ctx.base_year, ctx.target_year) == (2023, TARGET)
    values = breakdown_tables.method_values(region, "demand", base_year=ctx.base_year,
                                   source=two_year_source)
    mine = values[values["education_group"] == ctx.group]
    fixed = mine[mine["method"] == "fixed_share"][["year", "value"]]
    spread = breakdown_tables.method_range(mine, ctx.target_year, n=1)["spread"].iloc[0]
    answers = {"ctx": ctx, "min_nedbrytning": fixed, "metodspann": float(spread),
               "metodforklaring": MASTER_TEXTS["metodforklaring"]}
    assert_all_passed(ex.run_checks("ovning3", answers))


def test_a_breakdown_of_the_forecast_table_itself_passes_with_its_two_years(two_year_source):
    ctx = ex.context("ovning3", "12", ["713"], source=two_year_source)
    employed = kl.load("employed", two_year_source)
    forecast = kl.load("national_forecast", two_year_source)
    base = employed[(employed["year"] == ctx.base_year) & (employed["education_group"] == "713")]
    share = (base.loc[base["region"] == "12", "value"].sum()
             / base.loc[base["region"] == "00", "value"].sum())
    group = forecast[forecast["education_group"] == "713"]
    answer = group.assign(value=group["demand"] * share)[["year", "value"]]
    assert ex.check_own_breakdown(ctx, answer).status == ex.PASSED
    national = group.assign(value=group["demand"])[["year", "value"]]
    assert "rikets prognos" in " ".join(ex.check_own_breakdown(ctx, national).messages)


@pytest.mark.parametrize("region", ["12", "25"])
def test_correct_balance_answers_pass_with_only_base_and_target_year(two_year_source, region):
    ctx = ex.context("ovning5", region, [], source=two_year_source)
    table = balance_tables.balance_table(region, base_year=ctx.base_year,
                                         target_year=ctx.target_year, source=two_year_source,
                                         basis="breakdown")
    mine = table[table["education_group"].isin(ctx.groups)]
    shortage = mine.loc[mine["judgement"].isin(ex.SHORTAGE_WORDS), "education_group"].tolist()
    ratio = float(mine.loc[mine["education_group"] == ctx.group, "ratio"].iloc[0])
    answers = {"ctx": ctx, "brist_grupper": shortage, "kvot": ratio,
               "balans_kommentar": MASTER_TEXTS["balans_kommentar"]}
    assert_all_passed(ex.run_checks("ovning5", answers))
