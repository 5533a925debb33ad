"""Deterministic generator of the bundled example data (synthetic, calibrated).

The workbook must run offline on a fresh machine, so it ships example tables for all 21
counties. They are *synthetic*: made by this module from a handful of published figures
and plausible structural assumptions, never official statistics. Every table produced here
carries provenance with ``synthetic: true``, and every chart and report made from it says
"Exempeldata – inte officiell statistik".

Calibration figures (exact in the output unless stated otherwise):

* Population aged 16–74 by county, 2017 — SCB, table UF0506 (Befolkning 16–74 år efter
  region och utbildningsnivå), as quoted in the project's domain primer; exact per county.
* Population 31 December 2024: Riket 10 587 710, Stockholms län 2 473 307 — SCB,
  Befolkningsstatistik (Folkmängd i riket, län och kommuner 31 december 2024); exact.
* People employed by education group nationally (SUN 2000, ~97 groups): 5 217 639 in 2018 —
  SCB, Befolkningens utbildning och sysselsättning (register); the 2018 national total of the
  ``employed`` table is exactly this figure.
* National employment forecast: employed grow by about 490 000 to 2035 — SCB, Trender och
  prognoser 2020; the national forecast's demand grows by exactly 490 000 from the base year
  to 2035.
* Balance judgements in the base year and 2035 for the named groups (förskollärare, lärare
  i fritidshem, yrkeslärare, ämneslärare, grundlärare, kemister, ekonomer, journalister,
  biologer, samhällsvetare, jurister; shortage of care-trained and of upper-secondary
  industry, vehicle, construction and restaurant programmes) — SCB, Trender och prognoser
  2017/2020/2023 (the 2020 table of post-secondary groups). SCB's "relativt balanserat" is
  the scale step "balans" here, "god till balanserad" is "visst överskott".
* About a fifth of the employed are aged 55–64 (the retirement wave) — SCB, register-based
  labour-market statistics; approximate (the age structure is modelled, not fitted).

Everything else — county profiles (Stockholm's high share of long post-secondary education,
industrial counties' technical programmes, university counties, an older population in the
north and inland), participation and unemployment rates, commuting rates, growth rates,
graduation rates — is an assumption written out as a constant below. Random variation uses
a fixed seed, so ``generate()`` returns identical tables on every run and platform.

Run ``python -m kompetens_lib.data.example_data`` to rewrite the bundled files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from kompetens_lib._internal.files import atomic_write
from kompetens_lib.reference.regions import COUNTY_CODES, NATIONAL_CODE
from kompetens_lib.reference.taxonomy import AGE_BANDS, POPULATION_AGE_BANDS, education_groups

SEED = 20261126
GENERATOR_VERSION = "2"
HISTORY_YEARS = tuple(range(2010, 2024))
BASE_YEAR = 2023
TARGET_YEAR = 2035
POPULATION_YEARS = tuple(range(2010, TARGET_YEAR + 1))
FORECAST_YEARS = tuple(range(BASE_YEAR, TARGET_YEAR + 1))

# --- calibration figures ---------------------------------------------------------------
POP_16_74_2017: dict[str, int] = {
    "01": 1_694_184, "14": 1_228_946, "12": 969_042, "05": 330_877, "03": 270_514,
    "06": 253_892, "13": 230_748, "18": 215_820, "04": 206_908, "21": 205_797,
    "20": 204_576, "17": 202_013, "24": 195_388, "19": 194_124, "25": 183_234,
    "22": 176_022, "08": 173_984, "07": 140_415, "10": 113_273, "23": 93_363, "09": 42_601,
}
POP_TOTAL_2024_RIKET = 10_587_710
POP_TOTAL_2024_STOCKHOLM = 2_473_307
EMPLOYED_2018_RIKET = 5_217_639
DEMAND_GROWTH_TO_2035 = 490_000

# --- county profiles (assumptions) -----------------------------------------------------
# Ageing index: negative = younger than Riket, positive = older (north and inland).
AGEING: dict[str, float] = {
    "01": -0.8, "03": -0.5, "04": 0.2, "05": -0.1, "06": 0.0, "07": 0.2, "08": 0.6,
    "09": 0.7, "10": 0.5, "12": -0.2, "13": 0.0, "14": -0.2, "17": 0.6, "18": 0.0,
    "19": 0.2, "20": 0.6, "21": 0.5, "22": 0.6, "23": 0.7, "24": 0.2, "25": 0.6,
}
# Annual population growth 2017–2024 (Stockholm is solved from the calibration figure).
POP_GROWTH: dict[str, float] = {
    "03": 0.013, "04": 0.008, "05": 0.008, "06": 0.007, "07": 0.008, "08": 0.004,
    "09": 0.004, "10": 0.002, "12": 0.010, "13": 0.011, "14": 0.009, "17": 0.003,
    "18": 0.008, "19": 0.008, "20": 0.002, "21": 0.002, "22": 0.000, "23": 0.003,
    "24": 0.005, "25": -0.001,
}
# Share of out-commuters among the employed living in the county, and the county's pull
# on commuters (destination weight).
OUT_COMMUTING: dict[str, float] = {
    "01": 0.04, "03": 0.16, "04": 0.14, "05": 0.05, "06": 0.06, "07": 0.06, "08": 0.05,
    "09": 0.02, "10": 0.07, "12": 0.04, "13": 0.17, "14": 0.04, "17": 0.05, "18": 0.07,
    "19": 0.11, "20": 0.05, "21": 0.07, "22": 0.04, "23": 0.04, "24": 0.03, "25": 0.03,
}
COMMUTING_PULL: dict[str, float] = {
    "01": 0.45, "14": 0.12, "12": 0.09, "03": 0.05, "05": 0.04, "06": 0.035, "13": 0.03,
    "18": 0.025, "19": 0.02, "04": 0.02,
}
UNEMPLOYMENT: dict[str, float] = {
    "01": 0.065, "03": 0.060, "04": 0.090, "05": 0.075, "06": 0.060, "07": 0.070,
    "08": 0.065, "09": 0.050, "10": 0.085, "12": 0.085, "13": 0.060, "14": 0.065,
    "17": 0.075, "18": 0.080, "19": 0.085, "20": 0.070, "21": 0.090, "22": 0.075,
    "23": 0.055, "24": 0.060, "25": 0.065,
}
STOCKHOLM = "01"
# Gotland is an island: few commute in or out, and net commuting is close to zero.
GOTLAND = "09"
GOTLAND_NET_IN = 0.002  # in-commuters exceed out-commuters by 0.2 % of the out-commuters

# --- variation over time (assumptions) -------------------------------------------------
# Year-to-year noise of a county × group cell: relative sd sqrt(NOISE_FLOOR² + NOISE_COUNT/n),
# Poisson-like (over-dispersed by NOISE_COUNT) so that small cells vary most.
NOISE_FLOOR = 0.005
NOISE_COUNT = 1.5
# A slow random walk of each county × group share (relative sd per year): shares drift
# without following a straight line.
SHARE_WALK = 0.006
# County employment drift relative to Riket: (total log change 2010–2023, wiggle period in
# years, phase). Positive counties gain, negative lose, none along a straight line.
COUNTY_DRIFT: dict[str, tuple[float, float, float]] = {
    "01": (0.03, 11.0, -0.6), "03": (0.025, 9.0, 0.0), "13": (0.025, 8.0, 0.3),
    "25": (0.03, 7.0, 2.4), "24": (0.02, 10.0, 2.0), "21": (-0.04, 9.0, 0.2),
    "22": (-0.04, 8.0, 0.8), "10": (-0.03, 6.0, 1.0), "17": (-0.025, 9.0, 0.0),
    "23": (0.02, 7.0, 1.5), "09": (-0.03, 6.0, 0.5),
}
# The RAMS → BAS series break (SCB's register statistics changed from RAMS to BAS in
# 2019/2020): BAS counts about 50 000 more employed, from 2020 on.
SERIES_BREAK_YEAR = 2020
SERIES_BREAK_EMPLOYED = 50_000
UNIVERSITY = {"03": 1.25, "05": 1.15, "24": 1.2, "12": 1.15, "14": 1.05}
INDUSTRIAL = {"06", "19", "21", "10", "08", "04", "18", "07", "17", "20", "25"}
NORTH_INLAND = {"25", "24", "23", "22", "20", "21", "17", "09", "08"}

# --- labour market by age (assumptions) ------------------------------------------------
POP_AGE_SHARE = np.array([0.18, 0.105, 0.135, 0.125, 0.13, 0.115, 0.11, 0.10])
POP_AGE_AGEING = np.array([-0.10, -0.08, -0.15, -0.08, 0.0, 0.10, 0.18, 0.25])
EMPLOYMENT_RATE = np.array([0.50, 0.82, 0.87, 0.87, 0.83, 0.20])  # 16-24 … 65-74
UNEMPLOYMENT_AGE = np.array([2.0, 1.0, 0.85, 0.8, 0.8, 0.5])
YEAR_CYCLE = {2010: 1.25, 2011: 1.15, 2012: 1.15, 2013: 1.15, 2014: 1.1, 2015: 1.05,
              2016: 1.0, 2017: 0.95, 2018: 0.9, 2019: 0.92, 2020: 1.2, 2021: 1.15,
              2022: 1.0, 2023: 1.02}
LEVEL_UNEMPLOYMENT = {"förgymnasial": 2.0, "gymnasial": 1.0, "eftergymnasial < 3 år": 0.7,
                      "eftergymnasial ≥ 3 år": 0.5, "okänd": 2.5}

# --- education groups (assumptions) ----------------------------------------------------
# Relative size (roughly thousands employed) by level, with overrides by short name.
LEVEL_WEIGHT = {"förgymnasial": 200.0, "gymnasial": 100.0, "eftergymnasial < 3 år": 25.0,
                "eftergymnasial ≥ 3 år": 25.0, "okänd": 100.0}
GROUP_WEIGHT = {
    "Folkskola": 40, "Grundskola": 430, "Gymn. samhäll/humaniora": 300,
    "Gymn. naturvetenskap": 170, "Gymn. teknik (allmän)": 90, "Gymn. pedagogik": 6,
    "Förskollärare": 85, "Fritidspedagog": 20, "Grundlärare tidiga år": 75,
    "Ämneslärare": 90, "Speciallärare/specialpedagog": 25, "Yrkeslärare": 15,
    "Gymn. estetisk": 60, "Gymn. humaniora och konst": 15, "Humanister": 25,
    "Konstnärlig utbildning": 20, "Medieproduktion": 12, "Teologer": 6,
    "Gymn. ekonomi": 230, "Gymn. handel och administration": 180, "Ekonomer": 190,
    "Personal- och beteendevetare": 30, "Jurister": 35, "Journalister och medievetare": 15,
    "Psykologer": 12, "Samhällsvetare och förvaltning": 75, "Medicinska sekreterare": 15,
    "YH ekonomi, handel, administration": 40, "Biologer och miljövetare": 18,
    "Datautbildade": 110, "Fysiker och matematiker": 12, "Geovetare": 6, "Kemister": 12,
    "Övriga naturvetare": 15, "Gymnasieingenjörer": 70, "Gymn. bygg": 200,
    "Gymn. data, el och energi": 150, "Gymn. fordon": 120, "Gymn. industri": 160,
    "Gymn. VVS och fastighet": 30, "Övrig gymn. teknik och tillverkning": 120,
    "Arkitekter": 12, "Civilingenjörer industriell ekonomi": 30,
    "Civilingenjörer bygg och lantmäteri": 50, "Civilingenjörer maskin och fordon": 55,
    "Civilingenjörer teknisk fysik, el och data": 60, "Civilingenjörer kemi och material": 40,
    "Civilingenjörer övrig inriktning": 25, "Högskoleingenjörer bygg och lantmäteri": 30,
    "Högskoleingenjörer maskin och fordon": 40,
    "Högskoleingenjörer teknisk fysik, el och data": 45,
    "Högskoleingenjörer kemi och material": 15, "Högskoleingenjörer övrig inriktning": 30,
    "YH teknik": 35, "Gymn. naturbruk": 70, "Agronomer och hortonomer": 7,
    "Jägmästare och skogsvetare": 4, "Veterinärer": 3, "Gymn. barn och fritid": 110,
    "Gymn. vård och omsorg": 420, "Tandsköterskor": 15, "Apotekare": 7,
    "Arbetsterapeuter": 12, "Biomedicinska analytiker": 10, "Fritidsledare": 8,
    "Läkare": 42, "Receptarier": 5, "Fysioterapeuter": 16, "Barnmorskor": 8,
    "Sjuksköterskor": 100, "Social omsorg, eftergymn.": 30, "Socionomer": 45,
    "Specialistsjuksköterskor": 50, "Tandhygienister": 5, "Tandläkare": 8,
    "Övrig hälso- och sjukvård, eftergymn.": 40, "Gymn. restaurang och livsmedel": 80,
    "Gymn. transport": 60, "Övrig gymn. tjänster": 70, "Poliser": 22,
    "Transport, eftergymn.": 10, "Gymnasial, ospecificerad": 60,
    "Eftergymnasial, ospecificerad": 40, "Okänd utbildning": 150,
}
# Age profile: + older, − younger (a log-slope across the six bands).
LEVEL_AGE = {"förgymnasial": 0.3, "gymnasial": 0.0, "eftergymnasial < 3 år": -0.1,
             "eftergymnasial ≥ 3 år": -0.15, "okänd": -0.2}
GROUP_AGE = {
    "Folkskola": 2.5, "Gymnasieingenjörer": 0.9, "Förskollärare": 0.45,
    "Fritidspedagog": 0.45, "Grundlärare tidiga år": 0.4, "Ämneslärare": 0.5,
    "Speciallärare/specialpedagog": 0.7, "Yrkeslärare": 0.8, "Datautbildade": -0.6,
    "Gymn. vård och omsorg": 0.4, "Specialistsjuksköterskor": 0.6, "Barnmorskor": 0.4,
    "Tandläkare": 0.3, "Gymn. industri": 0.3, "Gymn. teknik (allmän)": -0.5,
    "Gymn. samhäll/humaniora": -0.2, "Gymn. naturvetenskap": -0.3,
    "Civilingenjörer teknisk fysik, el och data": -0.25, "Poliser": -0.2,
    "Medicinska sekreterare": 0.6, "Gymn. handel och administration": 0.2,
}
# Annual drift of each group's share (education upgrading).
LEVEL_TREND = {"förgymnasial": -0.03, "gymnasial": -0.004, "eftergymnasial < 3 år": 0.01,
               "eftergymnasial ≥ 3 år": 0.022, "okänd": 0.02}
GROUP_TREND = {"Folkskola": -0.12, "Datautbildade": 0.04, "Gymnasieingenjörer": -0.05,
               "Gymn. teknik (allmän)": 0.03, "Sjuksköterskor": 0.015}
# National forecast: annual demand growth to 2035 before calibration, by level and group.
LEVEL_GROWTH = {"förgymnasial": -0.03, "gymnasial": 0.0, "eftergymnasial < 3 år": 0.008,
                "eftergymnasial ≥ 3 år": 0.012, "okänd": 0.0}
FIELD_GROWTH = {"1": 0.006, "7": 0.015}
GROUP_GROWTH = {"Datautbildade": 0.02, "Gymn. vård och omsorg": 0.012,
                "Journalister och medievetare": -0.01, "Humanister": -0.005,
                "Gymn. samhäll/humaniora": -0.01, "Gymn. ekonomi": -0.006,
                "Gymn. handel och administration": -0.008}

# Balance judgements (base year, 2035). Published for the named groups (see docstring).
JUDGEMENT_PUBLISHED = {
    "Förskollärare": ("stor brist", "stor brist"),
    "Fritidspedagog": ("stor brist", "stor brist"),
    "Yrkeslärare": ("stor brist", "stor brist"),
    "Ämneslärare": ("brist", "brist"),
    "Grundlärare tidiga år": ("balans", "brist"),
    "Kemister": ("balans", "brist"),
    "Ekonomer": ("balans", "balans"),
    "Journalister och medievetare": ("god tillgång", "stort överskott"),
    "Biologer och miljövetare": ("visst överskott", "stort överskott"),
    "Samhällsvetare och förvaltning": ("visst överskott", "överskott"),
    "Jurister": ("god tillgång", "visst överskott"),
    "Gymn. vård och omsorg": ("brist", "stor brist"),
    "Gymn. bygg": ("brist", "stor brist"),
    "Gymn. data, el och energi": ("brist", "stor brist"),
    "Gymn. fordon": ("brist", "stor brist"),
    "Gymn. industri": ("brist", "stor brist"),
    "Gymn. restaurang och livsmedel": ("brist", "brist"),
}
# Assumed judgements for other groups (not SCB's): plausible, clearly modelled.
JUDGEMENT_ASSUMED = {
    "Sjuksköterskor": ("brist", "brist"), "Specialistsjuksköterskor": ("stor brist", "stor brist"),
    "Barnmorskor": ("brist", "brist"), "Läkare": ("brist", "viss brist"),
    "Tandläkare": ("brist", "brist"), "Biomedicinska analytiker": ("brist", "brist"),
    "Psykologer": ("brist", "viss brist"), "Socionomer": ("balans", "viss brist"),
    "Speciallärare/specialpedagog": ("stor brist", "brist"),
    "Civilingenjörer teknisk fysik, el och data": ("viss brist", "brist"),
    "Högskoleingenjörer bygg och lantmäteri": ("brist", "brist"),
    "Högskoleingenjörer maskin och fordon": ("brist", "brist"),
    "Högskoleingenjörer teknisk fysik, el och data": ("brist", "brist"),
    "Datautbildade": ("viss brist", "balans"), "Humanister": ("visst överskott", "överskott"),
    "Konstnärlig utbildning": ("överskott", "stort överskott"),
    "Medieproduktion": ("överskott", "stort överskott"),
    "Personal- och beteendevetare": ("visst överskott", "överskott"),
    "Gymn. samhäll/humaniora": ("överskott", "stort överskott"),
    "Gymn. ekonomi": ("visst överskott", "överskott"),
    "Gymn. handel och administration": ("visst överskott", "överskott"),
    "Gymn. naturvetenskap": ("balans", "visst överskott"),
    "Gymn. VVS och fastighet": ("brist", "brist"), "Gymn. barn och fritid": ("balans", "balans"),
    "Gymn. transport": ("viss brist", "brist"), "Tandsköterskor": ("brist", "brist"),
    "Folkskola": ("stort överskott", "stort överskott"),
    "Grundskola": ("stort överskott", "stort överskott"),
}
LEVEL_JUDGEMENT = {"gymnasial": ("balans", "balans"),
                   "eftergymnasial < 3 år": ("balans", "visst överskott"),
                   "eftergymnasial ≥ 3 år": ("balans", "balans")}
JUDGEMENT_RATIO = {"stor brist": 0.88, "brist": 0.93, "viss brist": 0.97, "balans": 1.0,
                   "visst överskott": 1.04, "överskott": 1.08, "stort överskott": 1.15,
                   "god tillgång": 1.06, "": 1.0}
# Graduates per year as a share of the group's employed, and how they split over forms.
GRADUATION_RATE = {"gymnasial": 0.05, "eftergymnasial < 3 år": 0.05,
                   "eftergymnasial ≥ 3 år": 0.035}

PROVENANCE_COMMON = {
    "source": "Exempeldata (syntetiska), framtagna av kompetens_lib.data.example_data",
    "method": "Syntetiska data kalibrerade mot SCB:s publicerade totaler; se modulens "
              "dokumentation för varje kalibreringsuppgift och antagande.",
    "generated": "2026-11-26",
    "generator_version": GENERATOR_VERSION,
    "seed": SEED,
    "licence": "CC0 1.0 (exempeldata); kalibreringsuppgifterna: SCB, CC0",
    "synthetic": True,
}
#: Series breaks the loader marks (``load(...).attrs["series_breaks"]``).
SERIES_BREAKS = {"employed": [{"year": SERIES_BREAK_YEAR, "before": "RAMS", "after": "BAS"}],
                 "labour_force": [{"year": SERIES_BREAK_YEAR, "before": "RAMS", "after": "BAS"}]}
TABLE_TITLES = {
    "employed": "Förvärvsarbetande (dagbefolkning) efter län, utbildningsgrupp, ålder och år",
    "labour_force": "Arbetskraft (nattbefolkning) efter län, utbildningsgrupp, ålder och år",
    "population": "Befolkning efter län, ålder och år, med framskrivning till 2035",
    "graduates": "Examinerade efter län, utbildningsgrupp, utbildningsform och år",
    "commuting": "In- och utpendlare över länsgräns efter län och år",
    "national_forecast": "Nationell prognos (i T&P:s form): tillgång och efterfrågan "
                         "efter utbildningsgrupp och år, med bedömning",
}


def _county_array(mapping: dict[str, float], default: float = 0.0) -> np.ndarray:
    return np.array([mapping.get(c, default) for c in COUNTY_CODES], dtype=float)


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Round non-negative values to integers summing exactly to ``total`` (largest remainder)."""
    scaled = values / values.sum() * total
    floor = np.floor(scaled).astype(np.int64)
    short = int(total - floor.sum())
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def _population(rng: np.random.Generator) -> np.ndarray:
    """Population [county, band(8), year] for POPULATION_YEARS, calibrated (see module doc)."""
    years = np.array(POPULATION_YEARS)
    ageing = _county_array(AGEING)
    n_c = len(COUNTY_CODES)
    # Age shares per county and year: older counties have more 65+, and all age slowly.
    drift = (ageing[:, None, None] + 0.01 * (years[None, None, :] - 2017))
    shares = POP_AGE_SHARE[None, :, None] * np.exp(drift * POP_AGE_AGEING[None, :, None])
    shares /= shares.sum(axis=1, keepdims=True)
    working = shares[:, 1:7, :].sum(axis=1)  # share 16–74

    i2017 = int(np.where(years == 2017)[0][0])
    i2024 = int(np.where(years == 2024)[0][0])
    pop1674 = np.array([POP_16_74_2017[c] for c in COUNTY_CODES], dtype=float)
    total2017 = pop1674 / working[:, i2017]
    growth = _county_array(POP_GROWTH)
    sthlm = COUNTY_CODES.index(STOCKHOLM)
    growth[sthlm] = (POP_TOTAL_2024_STOCKHOLM / total2017[sthlm]) ** (1 / 7) - 1
    growth = growth + rng.normal(0, 0.0005, n_c) * (np.arange(n_c) != sthlm)
    # Growth halves after 2024 (the projection is more cautious than the recent past).
    steps = np.where(years <= 2024, years - 2017, 7 + 0.5 * (years - 2024))
    totals = total2017[:, None] * (1 + growth[:, None]) ** steps[None, :]
    # A ramp from 2017 to 2024 brings the other counties to Riket's 2024 total.
    others = np.arange(n_c) != sthlm
    rest = POP_TOTAL_2024_RIKET - POP_TOTAL_2024_STOCKHOLM
    factor = rest / totals[others, i2024].sum()
    ramp = 1 + (factor - 1) * np.clip((years - 2017) / 7, 0, None)
    totals[others] *= ramp[None, :]
    pop = totals[:, None, :] * shares

    result = np.rint(pop).astype(np.int64)
    for c in range(n_c):  # exact 16–74 in 2017 per county
        result[c, 1:7, i2017] = _round_to_total(pop[c, 1:7, i2017], POP_16_74_2017[COUNTY_CODES[c]])
    result[sthlm, :, i2024] = _round_to_total(pop[sthlm, :, i2024], POP_TOTAL_2024_STOCKHOLM)
    residual = POP_TOTAL_2024_RIKET - result[:, :, i2024].sum()
    result[others.nonzero()[0][0], 0, i2024] += residual  # absorbed by Uppsala's children
    return result


def _group_shares(groups: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Education-group shares [county, group, band(6), year] of the employed."""
    years = np.array(HISTORY_YEARS)
    level = groups["level"].to_numpy()
    short = groups["short_name"].to_numpy()
    field = groups["field_code"].to_numpy()
    weight = np.array([GROUP_WEIGHT.get(s, LEVEL_WEIGHT[lv]) for s, lv in zip(short, level)])
    age_slope = np.array([GROUP_AGE.get(s, LEVEL_AGE[lv]) for s, lv in zip(short, level)])
    trend = np.array([GROUP_TREND.get(s, LEVEL_TREND[lv]) for s, lv in zip(short, level)])
    band = np.arange(len(AGE_BANDS)) - 2.5
    age_tilt = np.exp(0.35 * age_slope[:, None] * band[None, :])
    young = np.ones((len(groups), len(AGE_BANDS)))
    young[level == "eftergymnasial ≥ 3 år", 0] = 0.15
    young[level == "eftergymnasial < 3 år", 0] = 0.4
    young[short == "Grundskola", 0] = 3.0
    young[short == "Folkskola", :4] = 0.02
    age_tilt *= young

    tilt = np.ones((len(COUNTY_CODES), len(groups)))
    long_post = level == "eftergymnasial ≥ 3 år"
    vocational_tech = (level == "gymnasial") & (field == "5")
    for i, code in enumerate(COUNTY_CODES):
        if code == STOCKHOLM:
            tilt[i, long_post] *= 1.55
            tilt[i, level == "eftergymnasial < 3 år"] *= 1.15
            tilt[i, level == "gymnasial"] *= 0.8
            tilt[i, vocational_tech] *= 0.75
            tilt[i, field == "6"] *= 0.25
            tilt[i, level == "okänd"] *= 1.4
            for name, k in (("Datautbildade", 1.8), ("Jurister", 1.8), ("Ekonomer", 1.3),
                            ("Journalister och medievetare", 2.0),
                            ("Civilingenjörer teknisk fysik, el och data", 1.5)):
                tilt[i, short == name] *= k
        if code in UNIVERSITY:
            tilt[i, long_post] *= UNIVERSITY[code]
        if code in INDUSTRIAL:
            tilt[i, vocational_tech] *= 1.35
            tilt[i, short == "Gymn. industri"] *= 1.25
            tilt[i, long_post] *= 0.82
        if code in NORTH_INLAND:
            tilt[i, field == "6"] *= 2.0
            tilt[i, short == "Jägmästare och skogsvetare"] *= 1.5
            tilt[i, short == "Gymn. vård och omsorg"] *= 1.15
        if code in {"09", "23"}:
            tilt[i, short == "Gymn. restaurang och livsmedel"] *= 1.4
            tilt[i, field == "6"] *= 1.3
        if code == "03":
            for name in ("Kemister", "Biologer och miljövetare", "Apotekare"):
                tilt[i, short == name] *= 1.8
        if code == "05":
            tilt[i, short == "Civilingenjörer teknisk fysik, el och data"] *= 1.5
        if code == "14":
            tilt[i, short == "Civilingenjörer maskin och fordon"] *= 1.4
            tilt[i, short == "Gymn. fordon"] *= 1.2
    tilt *= rng.lognormal(0.0, 0.08, tilt.shape)

    time = np.exp(trend[:, None] * (years[None, :] - 2017))
    shares = (weight[None, :, None, None] * tilt[:, :, None, None]
              * age_tilt[None, :, :, None] * time[None, :, None, :])
    return shares / shares.sum(axis=1, keepdims=True)


def _variation(cells: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative factor [c, g, y] for the employed: county drift, a random walk of
    each cell's share, and year-to-year noise that grows as cells get small."""
    years = np.array(HISTORY_YEARS, dtype=float)
    size = cells.sum(axis=2)  # [c, g, y]
    n_c, n_g, n_y = size.shape
    drift = np.ones((n_c, n_y))
    share = (years - years[0]) / (years[-1] - years[0])
    for code, (change, period, phase) in COUNTY_DRIFT.items():
        wiggle = 0.6 * (np.sin(2 * np.pi * (years - years[0]) / period + phase) - np.sin(phase))
        path = np.clip(share + wiggle, 0.0, None)
        # Centred on the period's mean, so the county's average employment rate stays put.
        drift[COUNTY_CODES.index(code)] = np.exp(change * (path - path.mean()))
    walk = np.exp(np.cumsum(rng.normal(0, SHARE_WALK, (n_c, n_g, n_y)), axis=2))
    # The walk moves groups within a county, not the county's total (the drift does that).
    walk /= ((size * walk).sum(axis=1) / size.sum(axis=1))[:, None, :]
    sd = np.sqrt(NOISE_FLOOR**2 + NOISE_COUNT / np.maximum(size, 1.0))
    noise = np.clip(1 + rng.normal(0, 1, size.shape) * sd, 0.3, None)
    return drift[:, None, :] * walk * noise


def _long(array: np.ndarray, axes: list[tuple[str, tuple]]) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([values for _, values in axes],
                                       names=[name for name, _ in axes])
    frame = pd.DataFrame({"value": array.reshape(-1)}, index=index).reset_index()
    return frame


def _with_national(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    national = frame.groupby(keys, sort=False, as_index=False)["value"].sum()
    national.insert(0, "region", NATIONAL_CODE)
    return pd.concat([national, frame], ignore_index=True)


def _finish(frame: pd.DataFrame, string_cols: list[str]) -> pd.DataFrame:
    frame = frame.astype({c: "string" for c in string_cols})
    frame["year"] = frame["year"].astype("int64")
    for col in ("value", "supply", "demand"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    return frame.reset_index(drop=True)


def generate() -> dict[str, pd.DataFrame]:
    """Build every example table; deterministic (fixed seed, no clock, no I/O)."""
    rng = np.random.default_rng(SEED)
    groups = education_groups()
    n_c = len(COUNTY_CODES)
    years = np.array(HISTORY_YEARS)
    n_y = len(years)

    population = _population(rng)
    pop_years = np.array(POPULATION_YEARS)
    hist = np.isin(pop_years, years)
    working_pop = population[:, 1:7, :][:, :, hist].astype(float)  # [c, a, y]

    # Employed by residence before calibration: population × employment rate × cycle.
    unemp = _county_array(UNEMPLOYMENT)
    cycle = np.array([YEAR_CYCLE[y] for y in years])
    u = unemp[:, None, None] * UNEMPLOYMENT_AGE[None, :, None] * cycle[None, None, :]
    county_effect = (1 - unemp) / (1 - unemp.mean())
    emp_res = working_pop * EMPLOYMENT_RATE[None, :, None] * county_effect[:, None, None]
    emp_res *= (1 - u) / (1 - unemp.mean() * UNEMPLOYMENT_AGE[None, :, None])

    # Commuting across county borders: out-commuters by residence, in-commuters by pull.
    out_rate = _county_array(OUT_COMMUTING)[:, None] * rng.lognormal(0, 0.01, (n_c, n_y))
    res_total = emp_res.sum(axis=1)  # [c, y]
    out_comm = res_total * out_rate
    pull = _county_array(COMMUTING_PULL, 0.01)
    in_comm = pull[:, None] / pull.sum() * out_comm.sum(axis=0)[None, :]
    gotland = COUNTY_CODES.index(GOTLAND)
    rest_in = np.arange(n_c) != gotland
    in_comm[gotland] = out_comm[gotland] * (1 + GOTLAND_NET_IN)
    in_comm[rest_in] *= ((out_comm.sum(axis=0) - in_comm[gotland])
                         / in_comm[rest_in].sum(axis=0))[None, :]
    work_factor = (res_total - out_comm + in_comm) / res_total  # [c, y]

    shares = _group_shares(groups, rng)  # [c, g, a, y]
    emp_res_g = emp_res[:, None, :, :] * shares
    emp_res_g *= _variation(emp_res_g, rng)[:, :, None, :]
    emp_work = emp_res_g * work_factor[:, None, None, :]
    i2018 = int(np.where(years == 2018)[0][0])
    k = EMPLOYED_2018_RIKET / emp_work[..., i2018].sum()
    emp_res_g *= k
    emp_work *= k
    out_comm *= k
    in_comm *= k
    # RAMS → BAS: BAS counts SERIES_BREAK_EMPLOYED more employed from the break year on.
    after = years >= SERIES_BREAK_YEAR
    level = 1 + SERIES_BREAK_EMPLOYED / emp_work[..., after].sum(axis=(0, 1, 2))
    emp_work[..., after] *= level[None, None, None, :]
    emp_res_g[..., after] *= level[None, None, None, :]

    employed = np.rint(emp_work).astype(np.int64)
    residual = EMPLOYED_2018_RIKET - employed[..., i2018].sum()
    flat = employed[..., i2018].reshape(-1)
    flat[np.argmax(flat)] += residual
    employed[..., i2018] = flat.reshape(employed[..., i2018].shape)

    level_u = np.array([LEVEL_UNEMPLOYMENT[lv] for lv in groups["level"]])
    u_g = np.minimum(u[:, None, :, :] * level_u[None, :, None, None], 0.6)
    labour_force = np.rint(emp_res_g / (1 - u_g)).astype(np.int64)

    axes_g = [("region", COUNTY_CODES), ("education_group", tuple(groups["code"])),
              ("age_band", AGE_BANDS), ("year", HISTORY_YEARS)]
    keys = ["education_group", "age_band", "year"]
    tables: dict[str, pd.DataFrame] = {}
    tables["employed"] = _finish(_with_national(_long(employed, axes_g), keys),
                                 ["region", "education_group", "age_band"])
    tables["labour_force"] = _finish(_with_national(_long(labour_force, axes_g), keys),
                                     ["region", "education_group", "age_band"])

    pop_frame = _long(population, [("region", COUNTY_CODES), ("age_band", POPULATION_AGE_BANDS),
                                   ("year", POPULATION_YEARS)])
    pop_frame = _with_national(pop_frame, ["age_band", "year"])
    pop_frame["projection"] = pop_frame["year"] > BASE_YEAR
    tables["population"] = _finish(pop_frame, ["region", "age_band"])

    tables["graduates"] = _graduates(groups, emp_res_g, rng)
    tables["commuting"] = _commuting(out_comm, in_comm)
    tables["national_forecast"] = _national_forecast(groups, employed, rng)
    return tables


def _graduates(groups: pd.DataFrame, emp_res_g: np.ndarray,
               rng: np.random.Generator) -> pd.DataFrame:
    """Graduates by county (residence), group, form and year."""
    young = emp_res_g[:, :, :2, :].sum(axis=2)  # 16–34, [c, g, y]
    national_stock = emp_res_g.sum(axis=(0, 2))  # [g, y]
    uni = _county_array(UNIVERSITY, 1.0)
    rows = []
    for g, row in enumerate(groups.itertuples(index=False)):
        rate = GRADUATION_RATE.get(row.level)
        if rate is None:
            continue
        forms = _forms(row.short_name, row.level)
        weights = young[:, g, :] * (uni[:, None] if row.level != "gymnasial" else 1.0)
        weights = weights / weights.sum(axis=0, keepdims=True)
        total = national_stock[g] * rate * rng.lognormal(0, 0.05, national_stock.shape[1])
        per_county = weights * total[None, :]
        for form, part in forms.items():
            values = np.rint(per_county * part).astype(np.int64)
            for c, code in enumerate(COUNTY_CODES):
                for y, year in enumerate(HISTORY_YEARS):
                    rows.append((code, row.code, form, year, values[c, y]))
    frame = pd.DataFrame(rows, columns=["region", "education_group", "form", "year", "value"])
    frame = _with_national(frame, ["education_group", "form", "year"])
    return _finish(frame, ["region", "education_group", "form"])


def _forms(short: str, level: str) -> dict[str, float]:
    if level == "gymnasial":
        if short == "Gymn. vård och omsorg":
            return {"gymnasium": 0.35, "komvux": 0.65}
        if short in ("Gymn. samhäll/humaniora", "Gymn. naturvetenskap", "Gymn. ekonomi",
                     "Gymn. teknik (allmän)", "Gymn. estetisk", "Gymnasieingenjörer"):
            return {"gymnasium": 0.95, "komvux": 0.05}
        return {"gymnasium": 0.7, "komvux": 0.3}
    if level == "eftergymnasial < 3 år":
        if short.startswith("YH") or short in ("Medicinska sekreterare", "Transport, eftergymn."):
            return {"yh": 1.0}
        if "ej examen" in short or short in ("Poliser", "Tandhygienister", "Fritidsledare"):
            return {"högskola": 1.0}
        return {"yh": 0.7, "högskola": 0.3}
    return {"högskola": 1.0}


def _commuting(out_comm: np.ndarray, in_comm: np.ndarray) -> pd.DataFrame:
    rows = []
    for y, year in enumerate(HISTORY_YEARS):
        outs = np.rint(out_comm[:, y]).astype(np.int64)
        ins = _round_to_total(in_comm[:, y], int(outs.sum()))
        for c, code in enumerate(COUNTY_CODES):
            rows.append((code, year, "in", ins[c]))
            rows.append((code, year, "ut", outs[c]))
    frame = pd.DataFrame(rows, columns=["region", "year", "direction", "value"])
    frame = _with_national(frame, ["year", "direction"])
    return _finish(frame, ["region", "direction"])


def _judgements(short: str, level: str) -> tuple[str, str]:
    if short in JUDGEMENT_PUBLISHED:
        return JUDGEMENT_PUBLISHED[short]
    if short in JUDGEMENT_ASSUMED:
        return JUDGEMENT_ASSUMED[short]
    if "ej examen" in short or "ospecificerad" in short or level == "okänd":
        return ("", "")  # not a forecast group: no judgement ("Inte aktuellt")
    return LEVEL_JUDGEMENT.get(level, ("", ""))


def _national_forecast(groups: pd.DataFrame, employed: np.ndarray,
                       rng: np.random.Generator) -> pd.DataFrame:
    base = employed[..., HISTORY_YEARS.index(BASE_YEAR)].sum(axis=(0, 2)).astype(float)
    level = groups["level"].to_numpy()
    short = groups["short_name"].to_numpy()
    field = groups["field_code"].to_numpy()
    growth = np.array([
        GROUP_GROWTH.get(s, LEVEL_GROWTH[lv] + FIELD_GROWTH.get(f, 0.0))
        for s, lv, f in zip(short, level, field)
    ]) + rng.normal(0, 0.002, len(groups))
    horizon = TARGET_YEAR - BASE_YEAR
    change = base * ((1 + growth) ** horizon - 1)
    change *= DEMAND_GROWTH_TO_2035 / change.sum()
    target = base + change
    target_int = np.rint(target).astype(np.int64)
    target_int[np.argmax(target_int)] += DEMAND_GROWTH_TO_2035 - (target_int.sum() - base.sum())

    rows = []
    for g, row in enumerate(groups.itertuples(index=False)):
        j0, j1 = _judgements(row.short_name, row.level)
        r0 = JUDGEMENT_RATIO[j0] * (1 + rng.normal(0, 0.004))
        r1 = JUDGEMENT_RATIO[j1] * (1 + rng.normal(0, 0.004))
        for year in FORECAST_YEARS:
            w = (year - BASE_YEAR) / horizon
            demand = int(base[g]) if year == BASE_YEAR else (
                int(target_int[g]) if year == TARGET_YEAR
                else int(round(base[g] + w * (target_int[g] - base[g]))))
            ratio = r0 + w * (r1 - r0)
            judgement = j0 if year == BASE_YEAR else (j1 if year == TARGET_YEAR else "")
            rows.append((row.code, year, int(round(demand * ratio)), demand, judgement))
    frame = pd.DataFrame(rows, columns=["education_group", "year", "supply", "demand",
                                        "judgement"])
    return _finish(frame, ["education_group", "judgement"])


def provenance_records() -> dict[str, dict]:
    """Provenance of every example table (source, method, date, licence, synthetic flag)."""
    return {name: {"table": name, "title": title, **PROVENANCE_COMMON,
                   **({"series_breaks": SERIES_BREAKS[name]} if name in SERIES_BREAKS else {})}
            for name, title in TABLE_TITLES.items()}


def write(directory: Path | str) -> list[Path]:
    """Write every table as parquet plus ``provenance.json`` into ``directory`` atomically."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in generate().items():
        written.append(atomic_write(directory / f"{name}.parquet",
                               lambda p, f=frame: f.to_parquet(p, index=False,
                                                               compression="zstd")))
    text = json.dumps(provenance_records(), ensure_ascii=False, indent=2, sort_keys=True)
    written.append(atomic_write(directory / "provenance.json",
                           lambda p: Path(p).write_text(text + "\n", encoding="utf-8")))
    return written


if __name__ == "__main__":  # pragma: no cover
    target = Path(__file__).parent / "example"
    for p in write(target):
        print(f"skrev {p} ({p.stat().st_size / 1024:.0f} KiB)")
