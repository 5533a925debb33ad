"""The choices and defaults a notebook offers, for the layers that show them.

Methods and their Swedish labels (the four share methods, and with the industry-based one
the methods compared side by side), the default damping, graduate share and exit age live in
the analysis core; ``present`` and ``exercises`` read them here, as the notebooks do.
"""

from __future__ import annotations

from kompetens_lib.methods.breakdown import (
    COMPARED_LABELS,
    COMPARED_METHODS,
    DEFAULT_DAMPING,
    METHOD_LABELS,
    METHODS,
    resolve_method,
)
from kompetens_lib.methods.need import GRADUATE_SHARE
from kompetens_lib.methods.supply import EXIT_AGE, EXIT_AGE_RANGE, check_exit_age
from kompetens_lib.methods.uncertainty import DEFAULT_CREDIBILITY, DEFAULT_QUANTILE

__all__ = [
    "COMPARED_LABELS",
    "COMPARED_METHODS",
    "DEFAULT_CREDIBILITY",
    "DEFAULT_DAMPING",
    "DEFAULT_QUANTILE",
    "EXIT_AGE",
    "EXIT_AGE_RANGE",
    "GRADUATE_SHARE",
    "METHODS",
    "METHOD_LABELS",
    "check_exit_age",
    "resolve_method",
]
