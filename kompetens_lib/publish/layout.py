"""Where a build puts things: the names of the folders and files under ``build/``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["BUNDLE_DIR", "CHART_DIR", "DECK_NAME", "NOTEBOOK_DIR", "NOTEBOOK_ENV", "PDF_NAME",
           "REPORT_NAME", "SCENARIO_DIR", "SCENARIO_PARAMETER",
           "STATE_DIR"]

#: The workbook's notebooks, beside the package in a source checkout.
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
#: Environment variable that points a run at another notebook folder.
NOTEBOOK_ENV = "KOMPETENS_NOTEBOOKS"
#: Per county: what the last run of each notebook saw (for incremental builds).
STATE_DIR = ".kompetens"
#: Per county: the report without code, for strategists and communicators.
REPORT_NAME = "rapport.html"
#: Per county: every chart as PNG and SVG for slides.
CHART_DIR = "diagram"
#: Per build: files every page shares (the chart library, the page stylesheet), once.
BUNDLE_DIR = "_static"
#: Per county: the report printed to PDF (A4).
PDF_NAME = "rapport.pdf"
#: Per county: the slide deck.
DECK_NAME = "presentation.pptx"
#: Per build: the copy of ``kompetens run --scenario FILE``, as
#: ``scenario/<content hash>/<name>.toml`` (the events only, no comments).
SCENARIO_DIR = "scenario"
#: The notebooks' parameter that gets the path of that copy.
SCENARIO_PARAMETER = "scenario_file"
