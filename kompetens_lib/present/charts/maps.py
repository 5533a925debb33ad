"""A schematic map of Sweden's 21 counties: one tile per county, placed roughly as on a map.

A tile map needs no geometry files and no internet, every county gets the same visual
weight (Gotland is as easy to read as Norrbotten), and it renders identically in notebooks,
static PNG/SVG files and offline HTML pages. The chart says that it is schematic.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.charts.common import chart_title
from kompetens_lib.reference.regions import COUNTY_CODES, regions

__all__ = [
    "SCHEMATIC_NOTE",
    "TILES",
    "TILE_SIZE",
    "abbreviate",
    "county_map_chart",
    "tile_frame",
]

# (column, row) of each county's tile; row 0 is the north.
TILES: dict[str, tuple[int, int]] = {
    "25": (2, 0),
    "24": (1, 1),
    "23": (0, 2), "22": (1, 2),
    "20": (0, 3), "21": (1, 3),
    "17": (0, 4), "19": (1, 4), "03": (2, 4),
    "14": (0, 5), "18": (1, 5), "04": (2, 5), "01": (3, 5),
    "13": (0, 6), "06": (1, 6), "05": (2, 6), "09": (3, 6),
    "07": (1, 7), "08": (2, 7),
    "12": (0, 8), "10": (1, 8),
}
TILE_SIZE = 62
SCHEMATIC_NOTE = "Schematisk karta: varje län är en ruta, placerad ungefär som på en karta."


def tile_frame(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """Join county values onto the tile grid; every county must appear exactly once."""
    if "region" not in df.columns or value not in df.columns:
        raise KompetensError(
            f"Kartan behöver kolumnerna 'region' och {value!r}; tabellen har {list(df.columns)}.")
    frame = df[["region", value]].copy()
    frame["region"] = frame["region"].astype(str).str.zfill(2)
    frame = frame[frame["region"] != "00"]
    unknown = sorted(set(frame["region"]) - set(COUNTY_CODES))
    if unknown:
        raise KompetensError(f"Okända länskoder i kartans data: {unknown}. Giltiga är 01–25.")
    if frame["region"].duplicated().any():
        dupes = sorted(frame.loc[frame["region"].duplicated(), "region"])
        raise KompetensError(f"Kartan ska ha ett värde per län; {dupes} förekommer flera gånger.")
    names = regions().set_index("code")
    tiles = pd.DataFrame([(c, col, row) for c, (col, row) in TILES.items()],
                         columns=["region", "col", "row"])
    tiles["name"] = tiles["region"].map(names["name"]).astype(str)
    tiles["short_name"] = tiles["region"].map(names["short_name"]).astype(str)
    tiles["abbrev"] = tiles["short_name"].map(abbreviate)
    return tiles.merge(frame, on="region", how="left")


def _dark_tiles(values: pd.Series, mid: float | None) -> pd.Series:
    """True where the tile colour is dark enough to need white text."""
    valid = values.dropna()
    if valid.empty:
        return pd.Series(False, index=values.index)
    if mid is not None:
        spread = (valid - mid).abs().max() or 1.0
        return ((values - mid).abs() / spread > 0.6).fillna(False)
    lo, hi = valid.min(), valid.max()
    return (((values - lo) / ((hi - lo) or 1.0)) > 0.6).fillna(False)


def abbreviate(name: str) -> str:
    """A county's short name cut to fit a tile: at most nine characters."""
    return name if len(name) <= 9 else name[:8] + "."


def county_map_chart(df: pd.DataFrame, *, value: str, title: str, value_title: str,
                     source: str, fmt: str | None = None, scheme: str = "blues",
                     subtitle: str | None = None,
                     domain_mid: float | None = None) -> alt.LayerChart:
    """Tile map coloured by ``value`` (columns ``region`` and ``value``; Riket rows ignored).

    ``fmt`` is a d3 format for the label and tooltip (",.0f", ".1%", ".2f"); with
    ``domain_mid`` a diverging scale is centred there (e.g. 100 for S/D × 100, 1 for a
    location quotient). Counties without a value are grey and say "uppgift saknas".
    """
    frame = tile_frame(df, value)
    frame["dark"] = _dark_tiles(frame[value], domain_mid)
    fmt = fmt or ",.0f"
    lines = [subtitle] if subtitle else []
    lines.append(SCHEMATIC_NOTE)
    if domain_mid is not None:
        # A domain symmetric around the midpoint: the midpoint is the neutral colour, and
        # equal distances above and below look equally strong.
        valid = frame[value].dropna()
        spread = float((valid - domain_mid).abs().max()) if len(valid) else 1.0
        spread = spread or 1.0
        scale = alt.Scale(scheme="redblue", domain=[domain_mid - spread, domain_mid + spread])
    else:
        scale = alt.Scale(scheme=scheme)
    base = alt.Chart(frame).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
        tooltip=[alt.Tooltip("name:N", title="Län"),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=fmt)],
    )
    tiles = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=3).encode(
        color=alt.condition(
            f"isValid(datum['{value}'])",
            alt.Color(f"{value}:Q", title=value_title, scale=scale,
                      legend=alt.Legend(orient="right", format=fmt)),
            alt.value("#d0d0d0"),
        ),
    )
    text_color = alt.condition("datum.dark", alt.value("white"), alt.value("#1b1b1b"))
    names = base.mark_text(baseline="bottom", dy=-2, fontSize=10).encode(
        text="abbrev:N", color=text_color,
    )
    values = base.mark_text(baseline="top", dy=2, fontSize=11, fontWeight="bold").encode(
        text=alt.Text(f"{value}:Q", format=fmt), color=text_color,
    )
    cols = max(c for c, _ in TILES.values()) + 1
    rows = max(r for _, r in TILES.values()) + 1
    return alt.layer(tiles, names, values).properties(
        title=chart_title(title, source, lines), width=cols * TILE_SIZE, height=rows * TILE_SIZE,
    )
