"""The workbook's tables: their names, Swedish labels, key and count columns.

Apart from :mod:`kompetens_lib.data.tables` so that the cache's manifest check can name a
table without importing the loader that calls it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SERIES_BREAKS", "TABLES", "TABLE_LABELS", "TableSpec"]


@dataclass(frozen=True)
class TableSpec:
    """What a table must look like: key columns (all string codes except ``year``) and
    count columns (non-negative integers)."""

    keys: tuple[str, ...]
    counts: tuple[str, ...] = ("value",)
    extra: tuple[str, ...] = ()
    national_rows: bool = True


TABLES: dict[str, TableSpec] = {
    "employed": TableSpec(("region", "education_group", "age_band", "year")),
    "labour_force": TableSpec(("region", "education_group", "age_band", "year")),
    "population": TableSpec(("region", "age_band", "year"), extra=("projection",)),
    "graduates": TableSpec(("region", "education_group", "form", "year")),
    "commuting": TableSpec(("region", "year", "direction")),
    "national_forecast": TableSpec(
        ("education_group", "year"), counts=("supply", "demand"), extra=("judgement",),
        national_rows=False,
    ),
}

TABLE_LABELS: dict[str, str] = {
    "employed": "förvärvsarbetande",
    "labour_force": "arbetskraft",
    "population": "befolkning",
    "graduates": "examinerade",
    "commuting": "pendling",
    "national_forecast": "nationell prognos",
}

#: Tables a data source may lack. ``intake`` (today's intake per county, programme and year;
#: issue 12, dimensioning beside today's intake; generator
#: :mod:`kompetens_lib.data.example_education`): ``load`` then reads the bundled example
#: (synthetic; its provenance says so). The industry tables (issue 13; generator
#: :mod:`kompetens_lib.data.example_industry`) are loadable and validated like the others.
#: They stay out of TABLES, which caches, kernel preloads and the data overview require of
#: every data source.
OPTIONAL_TABLES: dict[str, TableSpec] = {
    "intake": TableSpec(("region", "programme", "form", "year"), national_rows=False),
    "industry_employed": TableSpec(("region", "industry", "education_group", "year")),
    "industry_forecast": TableSpec(("industry", "year"), counts=("demand",),
                                   national_rows=False),
    # Municipalities (issue 14; generator :mod:`kompetens_lib.data.example_municipal`):
    # keyed by the four-digit municipality code, no Riket rows.
    "municipal_population": TableSpec(("municipality", "age_band", "year"),
                                      national_rows=False),
    "municipal_employed": TableSpec(("municipality", "basis", "year"), national_rows=False),
    "municipal_employed_group": TableSpec(("municipality", "education_group", "year"),
                                          national_rows=False),
}
OPTIONAL_TABLE_LABELS: dict[str, str] = {
    "intake": "antagna per utbildning",
    "industry_employed": "förvärvsarbetande efter näringsgren och utbildningsgrupp",
    "industry_forecast": "nationell prognos efter näringsgren",
    "municipal_population": "befolkning per kommun",
    "municipal_employed": "förvärvsarbetande per kommun efter arbetsort och bostadsort",
    "municipal_employed_group": "förvärvsarbetande per kommun och utbildningsgrupp",
}
TABLE_LABELS.update(OPTIONAL_TABLE_LABELS)
#: Optional tables that ``load`` reads from the bundled example when a source lacks them,
#: with a warning that names the table: today's intake (context beside the plan) and the
#: industry tables (SCB publishes no county × industry × education table; notebook 05 then
#: shows the industry view on synthetic data and says so).
#: The municipal tables likewise (planning areas; the example's split of the counties over
#: their municipalities is approximate, see :mod:`kompetens_lib.data.example_municipal`).
EXAMPLE_FALLBACK: tuple[str, ...] = ("intake", "industry_employed", "industry_forecast",
                                     "municipal_population", "municipal_employed",
                                     "municipal_employed_group")
__all__ += ["EXAMPLE_FALLBACK", "OPTIONAL_TABLES", "OPTIONAL_TABLE_LABELS"]
#: Series breaks in SCB's statistics behind a table: (first year of the new series, old
#: series, new series). Register-based employment changed from RAMS to BAS (Befolkningens
#: arbetsmarknadsstatus) in 2019/2020; BAS counts about 50 000 more employed.
SERIES_BREAKS: dict[str, tuple[tuple[int, str, str], ...]] = {
    "employed": ((2020, "RAMS", "BAS"),),
    "labour_force": ((2020, "RAMS", "BAS"),),
    "municipal_employed": ((2020, "RAMS", "BAS"),),
}
