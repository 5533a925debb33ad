"""Chart builders: assertions on chart.to_dict() (mark, encodings, titles, source, formats)."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import charts
from kompetens_lib.present.render import NATIONAL_GREY, PRIMARY

SOURCE = (
    "Källa: Exempeldata – inte officiell statistik (syntetiska data kalibrerade mot SCB:s "
    "publicerade totaler)."
)
LEVELS = ["förgymnasial", "gymnasial", "eftergymnasial < 3 år", "eftergymnasial ≥ 3 år"]


@pytest.fixture
def lq_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "short_name": [f"Grupp {i:02d}" for i in range(20)],
            "lq": [0.5 + 0.05 * ((i * 7) % 20) for i in range(20)],
            "employed": [1000 * (i + 1) for i in range(20)],
        }
    )


@pytest.fixture
def level_frame() -> pd.DataFrame:
    rows = [("Riket", lvl, s) for lvl, s in zip(LEVELS, [0.11, 0.43, 0.15, 0.31])]
    # Region rows last and levels shuffled: the chart must still order both.
    rows += [("Skåne län", lvl, s) for lvl, s in zip(reversed(LEVELS), [0.3, 0.16, 0.42, 0.12])]
    return pd.DataFrame(rows, columns=["area", "level", "share"])


@pytest.fixture
def age_frame() -> pd.DataFrame:
    bands = ["55-64", "16-24", "25-34", "35-44", "45-54", "65-74"]
    rows = [(a, b, 1 / 6) for a in ("Skåne län", "Riket") for b in bands]
    return pd.DataFrame(rows, columns=["area", "age_band", "share"])


@pytest.fixture
def older_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "short_name": [f"Grupp {i:02d}" for i in range(20)],
            "share_55plus": [0.1 + 0.01 * ((i * 3) % 20) for i in range(20)],
            "employed": [500 * (i + 1) for i in range(20)],
        }
    )


@pytest.fixture
def commuting_frame() -> pd.DataFrame:
    rows = [
        (y, d, 40000 + 1000 * (y - 2015) + (5000 if d == "ut" else 0))
        for y in range(2015, 2024)
        for d in ("ut", "in")
    ]
    return pd.DataFrame(rows, columns=["year", "direction", "value"])


def _title(spec: dict) -> tuple[str, list[str]]:
    title = spec["title"]
    subtitle = title.get("subtitle", [])
    return title["text"], [subtitle] if isinstance(subtitle, str) else subtitle


def _values(spec: dict, layer: dict | None = None) -> list[dict]:
    """Rows of the (inline) dataset that a spec or one of its layers draws."""
    data = (layer or spec)["data"]
    return spec["datasets"][data["name"]]


def test_location_quotient_chart(lq_frame: pd.DataFrame) -> None:
    spec = charts.location_quotient_chart(lq_frame, source=SOURCE, n=15).to_dict()
    text, subtitle = _title(spec)
    assert text == "Lokaliseringskvot per utbildningsgrupp"
    assert subtitle[-1] == SOURCE
    bars, rule = spec["layer"]
    assert bars["mark"]["type"] == "bar"
    x, y = bars["encoding"]["x"], bars["encoding"]["y"]
    assert (x["field"], x["type"], x["axis"]["format"]) == ("lq", "quantitative", ".1f")
    assert x["title"] == "Lokaliseringskvot (riket = 1,0)"
    assert (y["field"], y["type"]) == ("short_name", "nominal")
    rows = _values(spec, bars)
    # The 15 largest groups by employment, ordered by quotient, largest first.
    assert {r["short_name"] for r in rows} == {f"Grupp {i:02d}" for i in range(5, 20)}
    by_lq = sorted(rows, key=lambda r: -r["lq"])
    assert y["sort"] == [r["short_name"] for r in by_lq]
    assert rule["mark"]["type"] == "rule"
    assert _values(spec, rule) == [{"lq": 1.0}]
    assert bars["encoding"]["color"] == {"value": PRIMARY}
    assert {t["title"] for t in bars["encoding"]["tooltip"]} == {
        "Utbildningsgrupp",
        "Lokaliseringskvot",
        "Förvärvsarbetande",
    }


def test_location_quotient_highlight_and_missing_quotients(lq_frame: pd.DataFrame) -> None:
    frame = lq_frame.assign(highlight=lq_frame["short_name"] == "Grupp 19")
    frame.loc[18, "lq"] = float("nan")  # no national employment: no quotient
    spec = charts.location_quotient_chart(frame, source=SOURCE, n=5).to_dict()
    bars = spec["layer"][0]
    color = bars["encoding"]["color"]
    condition = color["condition"]
    condition = condition[0] if isinstance(condition, list) else condition
    assert condition["test"] == "datum.highlight"
    assert color["value"] == PRIMARY
    names = [r["short_name"] for r in _values(spec, bars)]
    assert "Grupp 18" not in names and len(names) == 5
    assert "De 5 största" in _title(spec)[1][0]


def test_level_mix_chart(level_frame: pd.DataFrame) -> None:
    spec = charts.level_mix_chart(level_frame, source=SOURCE).to_dict()
    assert spec["mark"]["type"] == "bar"
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"], enc["x"]["axis"]["format"]) == (
        "share",
        "quantitative",
        ".0%",
    )
    assert enc["y"]["sort"] == LEVELS
    assert enc["yOffset"]["field"] == "area"
    assert enc["color"]["field"] == "area" and enc["color"]["title"] == "Område"
    # The region first in its colour; Riket grey.
    assert enc["color"]["scale"] == {
        "domain": ["Skåne län", "Riket"],
        "range": [PRIMARY, NATIONAL_GREY],
    }
    assert _title(spec) == ("Utbildningsnivå", [SOURCE])


def test_age_structure_chart(age_frame: pd.DataFrame) -> None:
    spec = charts.age_structure_chart(
        age_frame, source=SOURCE, subtitle="Förvärvsarbetande"
    ).to_dict()
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert enc["x"]["field"] == "age_label" and enc["x"]["type"] == "nominal"
    assert enc["x"]["sort"] == [
        "16–24 år",
        "25–34 år",
        "35–44 år",
        "45–54 år",
        "55–64 år",
        "65–74 år",
    ]
    assert enc["xOffset"]["field"] == "area"
    assert enc["y"]["axis"]["format"] == ".0%"
    assert _title(spec) == ("Åldersstruktur", ["Förvärvsarbetande", SOURCE])
    assert {r["age_label"] for r in _values(spec)} >= {"16–24 år", "65–74 år"}


def test_older_share_chart_with_average(older_frame: pd.DataFrame) -> None:
    spec = charts.older_share_chart(older_frame, source=SOURCE, average=0.2, n=10).to_dict()
    bars, rule = spec["layer"]
    enc = bars["encoding"]
    assert bars["mark"]["type"] == "bar"
    assert (enc["x"]["field"], enc["x"]["axis"]["format"]) == ("share_55plus", ".0%")
    assert "55 år" in enc["x"]["title"]
    rows = _values(spec, bars)
    assert len(rows) == 10 and {r["employed"] for r in rows} == {500 * i for i in range(11, 21)}
    assert enc["y"]["sort"] == [
        r["short_name"] for r in sorted(rows, key=lambda r: -r["share_55plus"])
    ]
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["x"]["field"] == "average"
    assert _values(spec, rule)[0]["average"] == 0.2
    text, subtitle = _title(spec)
    assert text == "Andel förvärvsarbetande som är 55 år eller äldre"
    assert subtitle[-1] == SOURCE and "Linjen visar" in subtitle[0]


def test_older_share_chart_without_average_is_single_layer(older_frame: pd.DataFrame) -> None:
    spec = charts.older_share_chart(older_frame, source=SOURCE).to_dict()
    assert spec["mark"]["type"] == "bar" and "layer" not in spec


def test_commuting_chart(commuting_frame: pd.DataFrame) -> None:
    spec = charts.commuting_chart(commuting_frame, source=SOURCE).to_dict()
    assert spec["mark"] == {"type": "line", "point": True}
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"], enc["x"]["axis"]["format"]) == (
        "year",
        "quantitative",
        "d",
    )
    assert (enc["y"]["field"], enc["y"]["axis"]["format"], enc["y"]["title"]) == (
        "value",
        ",.0f",
        "Antal personer",
    )
    assert enc["color"]["field"] == "direction_label"
    assert enc["color"]["scale"]["domain"] == ["Inpendlare", "Utpendlare"]
    assert {r["direction_label"] for r in _values(spec)} == {"Inpendlare", "Utpendlare"}
    assert _title(spec)[1] == [SOURCE]


def test_builders_do_not_mutate_input(
    lq_frame, level_frame, age_frame, older_frame, commuting_frame
) -> None:
    frames = [lq_frame, level_frame, age_frame, older_frame, commuting_frame]
    before = [f.copy() for f in frames]
    charts.location_quotient_chart(lq_frame.assign(highlight=False), source=SOURCE)
    charts.level_mix_chart(level_frame, source=SOURCE)
    charts.age_structure_chart(age_frame, source=SOURCE)
    charts.older_share_chart(older_frame, source=SOURCE, average=0.2)
    charts.commuting_chart(commuting_frame, source=SOURCE)
    for frame, copy in zip(frames, before):
        pd.testing.assert_frame_equal(frame, copy)


def test_bar_chart_generic() -> None:
    df = pd.DataFrame({"grupp": ["A", "B", "C"], "antal": [1200, 3400, 800]})
    spec = charts.bar_chart(
        df,
        "antal",
        "grupp",
        "Antal per grupp",
        "Antal personer",
        "Grupp",
        SOURCE,
        sort="descending",
        x_format=",.0f",
    ).to_dict()
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert (enc["x"]["type"], enc["x"]["axis"]["format"], enc["x"]["title"]) == (
        "quantitative",
        ",.0f",
        "Antal personer",
    )
    assert (enc["y"]["type"], enc["y"]["sort"]) == ("nominal", ["B", "A", "C"])
    assert _title(spec) == ("Antal per grupp", [SOURCE])
    vertical = charts.bar_chart(df, "grupp", "antal", "T", "Grupp", "Antal", SOURCE).to_dict()
    assert vertical["encoding"]["x"]["sort"] == ["A", "B", "C"]  # table order by default
    assert vertical["encoding"]["y"]["type"] == "quantitative"


def test_line_chart_generic_treats_integer_x_as_years() -> None:
    df = pd.DataFrame(
        {"år": [2020, 2021, 2020, 2021], "antal": [1, 2, 3, 4], "län": ["A", "A", "B", "B"]}
    )
    spec = charts.line_chart(
        df, "år", "antal", "Antal", "År", "Antal personer", SOURCE, color="län", color_title="Län"
    ).to_dict()
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "line"
    assert enc["x"]["axis"]["format"] == "d" and enc["y"]["axis"]["format"] == ",.0f"
    assert enc["color"] == {"field": "län", "type": "nominal", "title": "Län", "sort": ["A", "B"]}


# ----------------------------------------------------------------------------------------
# Refusals: Swedish messages that say what is wrong and what is valid
# ----------------------------------------------------------------------------------------


def test_missing_column_names_it_and_the_needed_ones(lq_frame: pd.DataFrame) -> None:
    with pytest.raises(
        KompetensError, match=r"saknar kolumnen 'lq'.*behöver kolumnerna short_name, lq, employed"
    ):
        charts.location_quotient_chart(lq_frame.drop(columns="lq"), source=SOURCE)


def test_too_many_rows_are_refused_not_truncated() -> None:
    df = pd.DataFrame({"x": range(charts.MAX_ROWS + 1), "y": ["a"] * (charts.MAX_ROWS + 1)})
    with pytest.raises(KompetensError, match="5\u00a0001 rader.*högst 5\u00a0000.*Summera"):
        charts.bar_chart(df, "x", "y", "T", "X", "Y", SOURCE)
    ok = df.head(charts.MAX_ROWS)
    assert (
        len(_values(charts.bar_chart(ok, "x", "y", "T", "X", "Y", SOURCE).to_dict()))
        == charts.MAX_ROWS
    )


def test_shares_given_as_percent_get_a_hint(level_frame: pd.DataFrame) -> None:
    with pytest.raises(KompetensError, match="mellan 0 och 1.*43.*Dela med 100"):
        charts.level_mix_chart(level_frame.assign(share=level_frame["share"] * 100), source=SOURCE)


@pytest.mark.parametrize("source", ["", "   ", None])
def test_source_is_required(lq_frame: pd.DataFrame, source: object) -> None:
    with pytest.raises(KompetensError, match="behöver en källa"):
        charts.location_quotient_chart(lq_frame, source=source)  # type: ignore[arg-type]


def test_not_a_dataframe() -> None:
    with pytest.raises(KompetensError, match="behöver en tabell.*fick list"):
        charts.commuting_chart([1, 2], source=SOURCE)  # type: ignore[arg-type]


def test_duplicates_are_refused(commuting_frame: pd.DataFrame) -> None:
    doubled = pd.concat([commuting_frame, commuting_frame.head(1)])
    with pytest.raises(KompetensError, match="flera rader för year=2015, direction='ut'"):
        charts.commuting_chart(doubled, source=SOURCE)


def test_unknown_codes_list_valid_ones(
    age_frame: pd.DataFrame, commuting_frame: pd.DataFrame
) -> None:
    with pytest.raises(
        KompetensError, match="Okänd åldersgrupp.*'55\\+'.*Giltiga koder: 0-15, 16-24"
    ):
        charts.age_structure_chart(age_frame.replace({"55-64": "55+"}), source=SOURCE)
    with pytest.raises(KompetensError, match="Okänd riktning.*'inpendlare'.*'in'"):
        charts.commuting_chart(commuting_frame.replace({"in": "inpendlare"}), source=SOURCE)
    # Case and spaces are forgiven.
    spec = charts.commuting_chart(commuting_frame.replace({"in": " In "}), source=SOURCE).to_dict()
    assert {r["direction"] for r in _values(spec)} == {"in", "ut"}


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_n(lq_frame: pd.DataFrame, n: object) -> None:
    with pytest.raises(KompetensError, match="positivt heltal"):
        charts.location_quotient_chart(lq_frame, source=SOURCE, n=n)  # type: ignore[arg-type]


def test_average_outside_zero_one(older_frame: pd.DataFrame) -> None:
    with pytest.raises(KompetensError, match="andel mellan 0 och 1, fick 24"):
        charts.older_share_chart(older_frame, source=SOURCE, average=24)


def test_non_numeric_values(lq_frame: pd.DataFrame) -> None:
    frame = lq_frame.astype({"lq": object})
    frame.loc[0, "lq"] = "saknas"
    with pytest.raises(KompetensError, match="'lq'.*ska innehålla tal.*'saknas'"):
        charts.location_quotient_chart(frame, source=SOURCE)


def test_bar_chart_needs_one_numeric_and_one_category_column() -> None:
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    with pytest.raises(KompetensError, match="båda tal"):
        charts.bar_chart(df, "a", "b", "T", "A", "B", SOURCE)
    with pytest.raises(KompetensError, match="Okänd sortering"):
        charts.bar_chart(df.astype({"b": str}), "a", "b", "T", "A", "B", SOURCE, sort="störst")


# ----------------------------------------------------------------------------------------
# The specs render: every builder compiles and shows its source and Swedish numbers
# ----------------------------------------------------------------------------------------


def test_all_builders_render_with_source_and_swedish_numbers(
    lq_frame, level_frame, age_frame, older_frame, commuting_frame
) -> None:
    import vl_convert as vlc

    from kompetens_lib.present import render

    built = {
        "lq": charts.location_quotient_chart(lq_frame, source=SOURCE),
        "level": charts.level_mix_chart(level_frame, source=SOURCE),
        "age": charts.age_structure_chart(age_frame, source=SOURCE),
        "older": charts.older_share_chart(older_frame, source=SOURCE, average=0.2),
        "commuting": charts.commuting_chart(commuting_frame, source=SOURCE),
    }
    render.register()
    with alt.theme.enable(render.THEME_NAME):
        # Plain <text> and each line (<tspan>) of multi-line titles.
        texts = {
            name: re.findall(
                r"<(?:text|tspan)[^>]*>([^<]+)</(?:text|tspan)>",
                vlc.vegalite_to_svg(chart.to_dict()),
            )
            for name, chart in built.items()
        }
    for name, found in texts.items():
        assert SOURCE in found, name
    assert "1,0" in texts["lq"]
    assert "40\u00a0%" in texts["level"]
    assert "16–24 år" in texts["age"]
    assert "50\u00a0000" in texts["commuting"] and "2020" in texts["commuting"]
