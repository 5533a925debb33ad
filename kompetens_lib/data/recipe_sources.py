"""The assumptions of the recipes about SCB's tables: ids, variables, values (``SOURCES``).

Assumptions about SCB's tables
------------------------------
All of SCB's table ids, variable codes and value labels the recipes rely on are written in
:data:`SOURCES` below and nowhere else. Before any data are fetched, each one is checked
against the table's live ``/metadata``; a difference stops the fetch with a Swedish message
that names the table, the variable and what the table has instead. Values are chosen by
their Swedish label, with SCB's code as a first guess, so a renumbered code does not break a
recipe but a renamed value does. ``tests/fixtures/pxweb`` is written to them:

* ``TAB638`` (BE0101, folkmängd): variables ``Region``, ``Civilstand``, ``Alder`` (one-year
  ages labelled "N år", "100+ år"), ``Kon``, ``ContentsCode`` (``BE0101N1`` Folkmängd),
  ``Tid`` – as used in public v2 scripts (pxwebpy's documentation, Region Dalarna). Years
  from 2025 are in SCB's CKM table TAB5557, which no recipe reads yet.
* ``TAB698`` (BE0401, SCB's population projection by region, one-year age and sex, 2024–
  2070; ``ContentsCode`` ``000004LG``): id and variables as in a public Karlstad v2 pipeline
  (``pipeline/hamta-scb-data.ps1``, "SCB:s befolkningsframskrivning per ålder"). The recipe
  reads Riket ("00") and projects the counties from it
  (:mod:`kompetens_lib.data.population_projection`); the content label "Folkmängd" is assumed.
* ``TAB6369`` (AM9906, regional matching indicators: employed 20–64 by workplace and by
  residence, commuters across county borders, by education group) and ``TAB6368``
  (participation 20–64 by education group, "I arbetskraften"): ids, variables
  ``Region``, ``Utbildngrupp``, ``Kon``, ``ContentsCode``, ``Tid`` and the content labels are
  from Region Dalarna's v2 scripts (2026). Out-commuters may be negative; the absolute is used.
* ``TAB3981`` (UF0506, population 16–74 by education level and age): id, ``UtbildningsNiva``
  and ``ContentsCode`` ``UF0506A1`` confirmed by Region Dalarna's v2 migration guide
  (Region-Dalarna/diagram, MIGRERING_PXWEB2R.md); age bands as in SCB's CSV export.
* ``TAB3200`` (BAS, AM0210D ``ArRegArbStatus``: population 15–74 by region of residence,
  sex, 5-year age, region of birth and labour-market status, 2020–): id from Region Dalarna's
  migrated script (Region-Dalarna/diagram, ``diag_syss_rams_bas_tidssserie_fran_ar1993``:
  "AM0210/AM0210D/ArRegArbStatus (BAS 2020-) -> TAB3200", variables ``Region``, ``Kon``,
  ``Alder``, ``Fodelseregion``, ``ContentsCode``, ``Tid``); the count contents ``000002NT``
  (employed) and ``000002NM`` (unemployed), the ages ``15-19`` … ``70-74`` and
  ``Fodelseregion`` ``tot`` as confirmed live by a public population generator (2026-07).
  The Swedish content labels are not documented anywhere public: the code is taken when its
  label looks like "sysselsatta" / "arbetslösa" (``Pick.like``). Ages come from here.
* ``TAB3204`` (BAS, employed by the workplace's region and SNI 2007, 2020–): id, variables
  ``Region``, ``Kon`` (``1+2``), ``SNI2007`` (``A-U+US``, ``B+C``, ``F``, ``H`` …),
  ``Fodelseregion`` (``tot``) and ``ContentsCode`` ``000002XH`` (by workplace) from a public
  v2 fetcher checked against the API in October 2026. SCB's joint industry codes
  (``B+C`` …) are read as sets of sections; aggregates overlapping finer codes are dropped.
* ``RegionInd19U3N`` (AM9906, supply flows 18–64): **its v2 id is looked up, not written
  down.** No public v2 script, issue or page names its ``TAB`` id (searched 2026-12; Region
  Dalarna still fetches it through v1, ``START__AM__AM9906__AM9906B``, while its siblings
  moved to TAB6368 and TAB6369). The recipe asks SCB's v2 index (``/tables?query=…``,
  :class:`Find`) and takes the one table whose metadata has the recipe's variables and the
  flows among its contents; the id found is named in the provenance. The environment
  variable ``KOMPETENS_SCB_TABELL_RegionInd19U3N=TAB…`` gives the id directly. Contents are
  matched by SCB's labels ("- Varav examinerade …").
* Education groups are matched by SCB's label against
  :func:`kompetens_lib.reference.taxonomy.education_groups` (the same labels, spaces normalised);
  SCB's aggregates (:data:`GROUP_AGGREGATES`) are dropped; a group the workbook does not know
  is left out and named in the provenance notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kompetens_lib.reference.taxonomy import AGE_BANDS

__all__ = ["ALL", "COUNTIES", "GROUP_AGGREGATES", "ONLY", "SOURCES", "TOTAL", "YEARS", "Choice",
           "Find", "Pick", "Source"]

ALL = "*"  # every value
TOTAL = "total"  # left out when it may be eliminated, else the value labelled "totalt"
COUNTIES = "counties"  # the 21 counties ("01".."25"); Riket is summed from them
YEARS = "years"  # every year, or those the user chose
ONLY = "only"  # the table's single value (error if there are several)


@dataclass(frozen=True)
class Pick:
    """A value chosen by its Swedish label; ``code`` is SCB's code as far as known."""

    label: str
    code: str | None = None
    like: str | None = None  # a regex: SCB's code with a label matching it is accepted too


Choice = str | tuple[Pick, ...]


@dataclass(frozen=True)
class Find:
    """How a table whose v2 id is not known is found in SCB's v2 index (``/tables?query=``).

    The ``queries`` are tried in order; a table found qualifies only if its metadata has
    every variable the recipe selects and a content (``ContentsCode``) for every label in
    ``contents``. The first query that gives exactly one such table decides.
    """

    queries: tuple[str, ...]
    contents: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """One of SCB's tables as a recipe reads it: id, what it is, the selection sent.

    With ``find`` the ``table_id`` is a name only (the v1 name, and the suffix of the
    environment variable that may give the id); the id asked for is the one SCB's v2 index
    gives (see :class:`Find`).
    """

    table_id: str
    about: str  # Swedish
    select: dict[str, Choice]
    verified: str  # Swedish: what the assumptions rest on
    find: Find | None = None


_AGES_1Y = tuple(Pick(f"{a} år", str(a)) for a in range(100)) + (Pick("100+ år", "100+"),)
_AGE_BANDS_UF = tuple(Pick(f"{band} år", band) for band in AGE_BANDS)

# RegionInd19U3N: no public v2 script, issue or page names its TAB id (searched 2026-12:
# Region Dalarna's hamta_data still fetches it through v1, START__AM__AM9906__AM9906B,
# while its siblings moved: RegionInd19U1bN1 -> TAB6368, RegionInd19U2 -> TAB6369). So the
# id is not written down: the recipe asks SCB's v2 index for the table and takes the one
# whose contents are the flows (labels as in Region Dalarna's v1 fetcher
# hamta_arbmarkn_inut_region_utbildngrupp_kon_tid_RegionInd19U3N_scb.R). The id found is in
# the provenance; KOMPETENS_SCB_TABELL_RegionInd19U3N=TAB… still overrides it.
_U3N_FIND = Find(
    queries=("In- och utflöden utbildningsgrupp", "utbildningsgrupp inflyttare",
             "RegionInd19U3N", "utbildningsgrupp 18-64"),
    contents=("- Varav inflyttare till regionen", "- Varav examinerade inom regionen"),
)
_U3N_VERIFIED = ("tabell-id hittas i SCB:s v2-tabellindex (v1-namnet RegionInd19U3N, AM9906B): "
                 "tabellen med flödena som innehåll väljs; innehållet matchas på SCB:s "
                 "etiketter")
# TAB3200 is BAS's v1 AM0210D/ArRegArbStatus ("AM0210/AM0210D/ArRegArbStatus (BAS 2020-) ->
# TAB3200" in Region Dalarna's migrated diagram script diag_syss_rams_bas_tidssserie_fran_ar1993,
# which sends Region, Kon, Alder="20-64", Fodelseregion, ContentsCode, Tid). Its count
# contents 000002NT (employed) and 000002NM (unemployed), 5-year ages 15-19 … 70-74 and
# Fodelseregion "tot" were confirmed live by a public population generator (2026-07); the
# Swedish labels are matched loosely (like=…).
_BAS_STATUS = ("Befolkningen 15–74 år efter region (bostad), kön, ålder, födelseregion och "
               "arbetsmarknadsstatus (BAS, AM0210D ArRegArbStatus)")
_BAS_VERIFIED = ("tabell-id enligt Region Dalarnas v2-migrering (TAB3200 = ArRegArbStatus); "
                 "innehållskoderna 000002NT/000002NM och 5-årsåldrarna enligt en publik "
                 "v2-kontroll (2026); etiketterna matchas löst")
_BAS_AGES = {"Region": COUNTIES, "Kon": TOTAL, "Alder": ALL, "Fodelseregion": TOTAL}

# Keyed by what the selection gives; one SCB table can serve several recipes.
SOURCES: dict[str, Source] = {
    "population": Source(
        "TAB638",
        "Folkmängden efter region, civilstånd, ålder, kön, tabellinnehåll och år (BE0101)",
        {"Region": COUNTIES, "Civilstand": TOTAL, "Alder": _AGES_1Y, "Kon": TOTAL,
         "ContentsCode": (Pick("Folkmängd", "BE0101N1"),), "Tid": YEARS},
        "variabler och koder enligt publika v2-skript (pxwebpy, Region Dalarna)",
    ),
    "education_level": Source(
        "TAB3981",
        "Befolkning 16–74 år efter region, utbildningsnivå, ålder och kön (UF0506)",
        {"Region": COUNTIES, "UtbildningsNiva": ALL, "Alder": _AGE_BANDS_UF, "Kon": TOTAL,
         "ContentsCode": ONLY, "Tid": ALL},
        "tabell-id, UtbildningsNiva och UF0506A1 enligt Region Dalarnas v2-migrering (2026)",
    ),
    "population_projection": Source(
        "TAB698",
        "Framskriven folkmängd efter region, ålder, kön och år (BE0401, "
        "befolkningsframskrivning)",
        {"Region": (Pick("Riket", "00"),), "Alder": ALL, "Kon": ALL,
         "ContentsCode": (Pick("Folkmängd", "000004LG"),), "Tid": ALL},
        "tabell-id och variabler enligt en publik v2-pipeline (Karlstad, 2026); etiketten "
        "'Folkmängd' är antagen",
    ),
    "employed_by_group": Source(
        "TAB6369",
        "Förvärvsarbetande 20–64 år (dag- och nattbefolkning) och pendlare över länsgräns "
        "efter region, utbildningsgrupp och kön (AM9906, regionala matchningsindikatorer)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL,
         "ContentsCode": (Pick("Dagbefolkning (förvärvsarbetande)", "000005SJ"),),
         "Tid": YEARS},
        "tabell-id, variabler och innehåll enligt Region Dalarnas v2-skript (2026)",
    ),
    "commuters": Source(
        "TAB6369",
        "Förvärvsarbetande 20–64 år (dag- och nattbefolkning) och pendlare över länsgräns "
        "efter region, utbildningsgrupp och kön (AM9906, regionala matchningsindikatorer)",
        {"Region": COUNTIES, "Utbildngrupp": (Pick("samtliga utbildningsgrupper", "00S"),),
         "Kon": TOTAL,
         "ContentsCode": (Pick("Inpendlare över regiongräns", "000005SL"),
                          Pick("Utpendlare över regiongräns", "000005SM")),
         "Tid": YEARS},
        "tabell-id, variabler och innehåll enligt Region Dalarnas v2-skript (2026)",
    ),
    "labour_force_by_group": Source(
        "TAB6368",
        "Befolkning 20–64 år efter region, utbildningsgrupp, kön och "
        "arbetskraftstillhörighet (AM9906, RegionInd19U1bN1)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL,
         "ContentsCode": (Pick("I arbetskraften", "000007ID"),), "Tid": YEARS},
        "tabell-id, variabler och innehållskoder enligt Region Dalarnas v2-skript (2026)",
    ),
    "employed_by_age": Source(
        "TAB3200", _BAS_STATUS,
        {**_BAS_AGES, "ContentsCode": (Pick("sysselsatta", "000002NT",
                                            r"sysselsatt|förvärvsarbet"),), "Tid": YEARS},
        _BAS_VERIFIED,
    ),
    "labour_force_by_age": Source(
        "TAB3200", _BAS_STATUS,
        {**_BAS_AGES, "ContentsCode": (
            Pick("sysselsatta", "000002NT", r"sysselsatt|förvärvsarbet"),
            Pick("arbetslösa", "000002NM", r"arbetslös")), "Tid": YEARS},
        _BAS_VERIFIED,
    ),
    # TAB3204 (BAS, employed by the workplace's region and SNI 2007, 2020-): id, variables
    # Region, Kon ("1+2"), SNI2007 ("A-U+US", "B+C", "F", "H" …), Fodelseregion ("tot") and
    # ContentsCode 000002XH (by workplace) / 000002XI (by residence) as in a public v2
    # fetcher checked against the API in October 2026 (fetch_labour: "TAB3204 + TAB3785 …
    # Sysselsatta efter arbetsställets belägenhet och SNI … 2020–2024 (register)"); TAB3785
    # is the preliminary table (AM0210B ArbStDoNArNN, Region Dalarna's migration).
    "employed_by_industry": Source(
        "TAB3204",
        "Sysselsatta efter arbetsställets region, näringsgren (SNI 2007), kön och "
        "födelseregion (BAS)",
        {"Region": COUNTIES, "Kon": TOTAL, "SNI2007": ALL, "Fodelseregion": TOTAL,
         "ContentsCode": (Pick("sysselsatta efter arbetsställets belägenhet", "000002XH",
                               r"arbetsställ|dagbef|sysselsatt|förvärvsarbet"),), "Tid": YEARS},
        "tabell-id, variabler och koder enligt en publik v2-hämtning (kontrollerad mot API:et "
        "oktober 2026); innehållets etikett matchas löst",
    ),
    "graduates_by_group": Source(
        "RegionInd19U3N",
        "In- och utflöden 18–64 år efter region, utbildningsgrupp och kön (AM9906, "
        "RegionInd19U3N)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL,
         "ContentsCode": (Pick("- Varav examinerade inom regionen"),), "Tid": YEARS},
        _U3N_VERIFIED, find=_U3N_FIND,
    ),
    "supply_flows": Source(
        "RegionInd19U3N",
        "In- och utflöden 18–64 år efter region, utbildningsgrupp och kön (AM9906, "
        "RegionInd19U3N)",
        {"Region": COUNTIES, "Utbildngrupp": ALL, "Kon": TOTAL, "ContentsCode": ALL,
         "Tid": YEARS},
        _U3N_VERIFIED, find=_U3N_FIND,
    ),
}

# SCB's aggregates among the education groups of the matching indicators (levels, fields,
# totals), spelled as SCB does (data/education_groups_scb_am9906.txt in ../shared).
GROUP_AGGREGATES: frozenset[str] = frozenset({
    "samtliga utbildningsnivåer", "samtliga utbildningsinriktningar", "allmän utbildning",
    "samtliga utbildningsgrupper", "pedagogik och lärarutbildning", "förgymnasial utbildning",
    "humaniora och konst", "gymnasial utbildning",
    "samhällsvetenskap, juridik, handel, administration",
    "eftergymnasial utbildning, mindre än 3 år", "naturvetenskap, matematik och data",
    "teknik och tillverkning", "eftergymnasial utbildning, 3 år eller mer",
    "lant- och skogsbruk samt djursjukvård", "okänd utbildningsnivå",
    "hälso- och sjukvård samt social omsorg", "tjänster", "okänd utbildningsinriktning",
})
