"""``kompetens_lib.params`` of the flat layout: validate the parameters cell
(:mod:`kompetens_lib.workbook.params`) and show the summary
(:mod:`kompetens_lib.present.summaries`)."""

from __future__ import annotations

from kompetens_lib.compat.scenario import validate
from kompetens_lib.present.summaries import params_bundle as summary_bundle
from kompetens_lib.present.summaries import show_params as show
from kompetens_lib.workbook.params import Params, scenario

__all__ = ["Params", "scenario", "show", "summary_bundle", "validate"]
