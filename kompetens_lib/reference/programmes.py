"""The education programmes that dimensioning sizes (DOMAIN §11), and the education groups
each leads to: the 12 national vocational programmes of upper-secondary school, adult
vocational education (komvux / regionalt yrkesvux) by vocational area, and higher
vocational education (YH) by MYH's education areas.

The table is ``programmes.csv``: ``code``, ``name`` (Swedish), ``form`` (``gymnasium``,
``komvux``, ``yh``, as in the graduates table) and ``education_groups`` (space-separated
SUN-based group codes the programme leads to). The six university-preparatory programmes
and higher education are not in it: they are not sized by labour-market need in the
regions' assignment. The mapping is the workbook's own reading of the programme and group
names (Skolverket's programme list, MYH's education areas, SCB's education groups); a
region may replace it with its own.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["PROGRAMME_FORMS", "programme_groups", "programmes"]

#: The forms of education that dimensioning covers.
PROGRAMME_FORMS: tuple[str, ...] = ("gymnasium", "komvux", "yh")


@lru_cache(maxsize=1)
def _read() -> pd.DataFrame:
    with resources.files(__package__).joinpath("programmes.csv").open(
        encoding="utf-8"
    ) as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return frame


def programmes() -> pd.DataFrame:
    """The programmes: ``code``, ``name``, ``form``, ``education_groups`` (text).

    >>> p = programmes()
    >>> int((p["form"] == "gymnasium").sum())
    12
    """
    return _read().copy()


def programme_groups() -> pd.DataFrame:
    """One row per programme and education group it leads to: ``programme``, ``name``,
    ``form``, ``education_group`` and ``weight`` (1 / number of programmes of the same form
    leading to the group, so a group's need is shared out and not counted twice).

    >>> g = programme_groups()
    >>> float(g.loc[(g["programme"] == "HV") & (g["education_group"] == "803"), "weight"].iloc[0])
    0.5
    """
    rows = []
    for r in _read().itertuples():
        for group in str(r.education_groups).split():
            rows.append({"programme": r.code, "name": r.name, "form": r.form,
                         "education_group": group})
    out = pd.DataFrame(rows)
    count = out.groupby(["form", "education_group"])["programme"].transform("count")
    out["weight"] = 1.0 / count
    for column in ("programme", "name", "form", "education_group"):
        out[column] = out[column].astype("string")
    return out
