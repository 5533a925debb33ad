"""The names ``kompetens_lib.cohort`` imports from the exercises' former single module.

TODO(merge): cohort imports these from :mod:`kompetens_lib.exercises` (and its feedback cell
says ``import kompetens_lib.exercises as _kompetens_feedback``); then delete this module.
"""

from kompetens_lib.exercises import (
    ALL_PASSED,
    EXERCISES,
    FAILED,
    MISSING,
    PASSED,
    RELEASE_MANIFEST,
    REPORT_MIME,
    checks,
    default_groups,
    exercise,
    group_name,
    master_paths,
    parse_groups,
    participant_copy,
    report,
)

__all__ = [
    "ALL_PASSED", "EXERCISES", "FAILED", "MISSING", "PASSED", "RELEASE_MANIFEST",
    "REPORT_MIME", "checks", "default_groups", "exercise", "group_name", "master_paths",
    "parse_groups", "participant_copy", "report",
]
