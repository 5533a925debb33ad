"""What every chart builder shares: number formats, the size limit, frame validation with
Swedish messages, the title with its source line, and the area colours."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.present.render import NATIONAL_GREY, PALETTE

__all__ = [
    "COUNT_FORMAT",
    "LQ_FORMAT",
    "MAX_ROWS",
    "NATIONAL_AREA",
    "PERCENT_FORMAT",
    "PERCENT_TOOLTIP_FORMAT",
    "YEAR_FORMAT",
    "area_colors",
    "area_order",
    "chart_title",
    "checked_frame",
    "format_int",
    "format_number",
    "ordered",
    "require_numeric",
    "require_shares",
    "require_source",
    "require_unique",
    "share_value",
    "show_value",
    "top_n",
]

# Altair's own limit for inline data; above it charts get slow and notebooks large.
MAX_ROWS = 5_000

COUNT_FORMAT = ",.0f"  # 12 345
PERCENT_FORMAT = ".0%"  # 12 %
PERCENT_TOOLTIP_FORMAT = ".1%"  # 12,3 %
LQ_FORMAT = ".1f"  # 1,2
YEAR_FORMAT = "d"  # 2024, not 2 024

NATIONAL_AREA = "Riket"


# ----------------------------------------------------------------------------------------
# Validation and titles shared by the builders
# ----------------------------------------------------------------------------------------


def format_int(value: int) -> str:
    """An integer with a non-breaking thousands space, for messages: 12\u00a0345."""
    return f"{value:,}".replace(",", "\u00a0")


def format_number(value: float) -> str:
    """A number as short as it goes, with a decimal comma: 0.25 → '0,25'."""
    return f"{value:g}".replace(".", ",")


def show_value(value: object) -> str:
    """A value as a participant would type it: 'Skåne län' quoted, 2015 not np.int64(2015)."""
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar
    return repr(value) if isinstance(value, str) else str(value)


def checked_frame(
    df: object, chart: str, required: Sequence[str], optional: Sequence[str] = ()
) -> pd.DataFrame:
    """Check type, columns and size; return a copy holding only the named columns."""
    needs = ", ".join(required) + (f" (valfritt: {', '.join(optional)})" if optional else "")
    if not isinstance(df, pd.DataFrame):
        raise KompetensError(
            f"{chart} behöver en tabell (pandas DataFrame) med kolumnerna {needs}, "
            f"men fick {type(df).__name__}."
        )
    missing = [column for column in required if column not in df.columns]
    if missing:
        raise KompetensError(
            f"Tabellen till {chart} saknar kolumnen {', '.join(repr(m) for m in missing)}. "
            f"Diagrammet behöver kolumnerna {needs}; tabellen har "
            f"{', '.join(map(str, df.columns))}."
        )
    if len(df) > MAX_ROWS:
        raise KompetensError(
            f"Tabellen till {chart} har {format_int(len(df))} rader; ett diagram får visa högst "
            f"{format_int(MAX_ROWS)}. Summera först (till exempel med groupby) eller välj färre "
            "grupper, år eller områden."
        )
    if len(df) == 0:
        raise KompetensError(f"Tabellen till {chart} är tom: det finns inget att rita.")
    keep = [*required, *(c for c in optional if c in df.columns)]
    return df.loc[:, keep].copy()


def require_numeric(frame: pd.DataFrame, column: str, chart: str) -> None:
    """Convert ``column`` of ``frame`` to floats in place; a Swedish error names a bad value."""
    converted = pd.to_numeric(frame[column], errors="coerce")
    bad = frame.loc[converted.isna() & frame[column].notna(), column]
    if len(bad):
        raise KompetensError(
            f"Kolumnen {column!r} till {chart} ska innehålla tal, men har {bad.iloc[0]!r}."
        )
    frame[column] = converted.astype("float64")


def require_shares(frame: pd.DataFrame, column: str, chart: str) -> None:
    """Like :func:`require_numeric`, and every value must be a share in [0, 1]."""
    require_numeric(frame, column, chart)
    values = frame[column].dropna()
    if len(values) and (values.min() < 0 or values.max() > 1 + 1e-9):
        worst = values.max() if values.max() > 1 else values.min()
        hint = " Dela med 100 om värdena är procent." if 1 < values.max() <= 100 else ""
        raise KompetensError(
            f"Kolumnen {column!r} till {chart} ska vara andelar mellan 0 och 1, men har "
            f"värdet {format_number(float(worst))}.{hint}"
        )


def share_value(value: float | None, name: str, chart: str) -> float | None:
    """A single share argument (such as ``average``) as a float in [0, 1], or None."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise KompetensError(
            f"{name} till {chart} ska vara ett tal mellan 0 och 1, fick {value!r}."
        ) from None
    if not 0 <= number <= 1:
        raise KompetensError(
            f"{name} till {chart} ska vara en andel mellan 0 och 1, fick {format_number(number)}."
        )
    return number


def require_unique(frame: pd.DataFrame, keys: list[str], chart: str) -> None:
    """Refuse a frame with more than one row per combination of ``keys``."""
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        row = frame.loc[dup, keys].iloc[0]
        where = ", ".join(f"{k}={show_value(row[k])}" for k in keys)
        raise KompetensError(
            f"Tabellen till {chart} har flera rader för {where}. Varje kombination av "
            f"{', '.join(keys)} ska förekomma en gång: summera först."
        )


def top_n(n: int, chart: str) -> int:
    """``n`` (how many groups a chart shows) checked to be a positive integer."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise KompetensError(f"n till {chart} ska vara ett positivt heltal, fick {n!r}.")
    return n


def require_source(source: object) -> str:
    """The source note, stripped; every chart must have one."""
    if not isinstance(source, str) or not source.strip():
        raise KompetensError(
            "Varje diagram behöver en källa: ange source, till exempel "
            "source='Källa: SCB, egen bearbetning.'"
        )
    return source.strip()


def chart_title(
    title: str, source: str, subtitle: str | Sequence[str] | None = None
) -> alt.TitleParams:
    """The title of every chart: ``title``, the subtitle lines, then the source note last."""
    lines: list[str] = []
    if isinstance(subtitle, str):
        lines.append(subtitle)
    elif subtitle:
        lines.extend(subtitle)
    lines.append(require_source(source))
    return alt.TitleParams(text=title, subtitle=lines, anchor="start")


def area_colors(areas: list[str]) -> alt.Scale:
    """Regions in the palette's colours, Riket always grey, in the order given."""
    others = iter(c for c in PALETTE if c != NATIONAL_GREY)
    return alt.Scale(
        domain=areas, range=[NATIONAL_GREY if a == NATIONAL_AREA else next(others) for a in areas]
    )


def ordered(values: pd.Series, preferred: Sequence[str] = ()) -> list[str]:
    """Preferred order first, then the rest in order of appearance."""
    present = list(dict.fromkeys(values.astype(str)))
    return [v for v in preferred if v in present] + [v for v in present if v not in preferred]


def area_order(frame: pd.DataFrame) -> list[str]:
    """The frame's ``area`` values in order of appearance, Riket last."""
    areas = list(dict.fromkeys(frame["area"].astype(str)))
    # Regions before Riket, so the region is the first (and strongest) colour.
    return [a for a in areas if a != NATIONAL_AREA] + [a for a in areas if a == NATIONAL_AREA]


