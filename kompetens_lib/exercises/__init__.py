"""Exercises: the check framework, the checks of each exercise, participant copies.

Participant copies say ``from kompetens_lib import exercises as ex`` and call the names
below (``ex.start``, ``ex.check_…``, ``ex.report``). Importing the package registers the
checks of every exercise, in exercise order.
"""

from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.copies import (
    EXERCISES_DIR,
    EXERCISES_ENV,
    FACILITATOR_TAG,
    MASTERS_DIR,
    ROOT,
    SOLUTION_TAG,
    build_participant_copies,
    exercises_dir,
    master_paths,
    participant_copy,
    participant_text,
)
from kompetens_lib.exercises.framework import (
    ALL_PASSED,
    CHECK_MIME,
    DEFAULT_GROUP_COUNT,
    EXERCISES,
    FAILED,
    FILL_IN,
    HORIZON,
    MISSING,
    NOT_FILLED_IN,
    NOT_YET,
    PASSED,
    RELEASE_MANIFEST,
    REPORT_MIME,
    STATUS_LABELS,
    CheckResult,
    CheckSpec,
    Context,
    Exercise,
    ExerciseReport,
    Note,
    checks,
    context,
    context_bundle,
    default_groups,
    exercise,
    group_name,
    parse_groups,
    report,
    run_checks,
    saved_mandate,
    start,
)
from kompetens_lib.exercises.ovning1_uppdraget import (
    MANDATE_FIELDS,
    check_mandate_complete,
    check_mandate_question,
    save_mandate,
)
from kompetens_lib.exercises.ovning2_nulaget import (
    LQ_MIN_EMPLOYED,
    LQ_THRESHOLD,
    check_high_lq,
    check_largest_groups,
    check_lq_explanation,
)
from kompetens_lib.exercises.ovning3_nedbrytningen import (
    check_method_explanation,
    check_method_range,
    check_own_breakdown,
)
from kompetens_lib.exercises.ovning4_pensionsavgangarna import (
    check_retirement_comment,
    check_retirement_share,
    check_retirements,
)
from kompetens_lib.exercises.ovning5_balansen import (
    SHORTAGE_WORDS,
    check_balance_comment,
    check_balance_ratio,
    check_shortage_groups,
)
from kompetens_lib.exercises.ovning6_rekryteringsbehov import (
    ASSUMPTIONS,
    check_assumptions,
    check_need,
    check_places,
)
from kompetens_lib.exercises.ovning7_kommunicera import (
    check_caveat,
    check_charts,
    check_messages,
    show_charts,
)
from kompetens_lib.exercises.ovning8_lana_ett_exempel import (
    check_adapted_notebook,
    check_comparison,
    compare_key_figures,
    notebook_region,
    region_of,
)
from kompetens_lib.exercises.ovning9_etablering import (
    EXPLANATION_SENTENCES,
    EXPLANATION_WORDS,
    check_effect,
    check_establishment,
    check_explanation,
    event,
)
from kompetens_lib.present.tables import preview

__all__ = [
    "ALL_PASSED", "ASSUMPTIONS", "EXPLANATION_SENTENCES", "EXPLANATION_WORDS",
    "check_effect", "check_establishment", "check_explanation", "event",
    "CHECK_MIME", "DEFAULT_GROUP_COUNT", "EXERCISES",
    "EXERCISES_DIR", "EXERCISES_ENV", "FACILITATOR_TAG", "FAILED", "FILL_IN", "HORIZON",
    "LQ_MIN_EMPLOYED", "LQ_THRESHOLD", "MANDATE_FIELDS", "MASTERS_DIR", "MISSING",
    "NOT_FILLED_IN", "NOT_YET", "Note", "PASSED",
    "RELEASE_MANIFEST", "REPORT_MIME", "ROOT", "SHORTAGE_WORDS", "SOLUTION_TAG",
    "STATUS_LABELS", "CheckResult", "CheckSpec", "Context", "Exercise", "ExerciseReport",
    "KompetensError", "build_participant_copies", "check_adapted_notebook",
    "check_assumptions", "check_balance_comment", "check_balance_ratio", "check_caveat",
    "check_charts", "check_comparison", "check_high_lq", "check_largest_groups",
    "check_lq_explanation", "check_mandate_complete", "check_mandate_question",
    "check_messages", "check_method_explanation", "check_method_range", "check_need",
    "check_own_breakdown", "check_places", "check_retirement_comment",
    "check_retirement_share", "check_retirements", "check_shortage_groups", "checks",
    "compare_key_figures", "context", "context_bundle", "default_groups", "exercise",
    "exercises_dir", "group_name", "master_paths", "notebook_region", "parse_groups",
    "participant_copy", "participant_text", "preview", "region_of", "report", "run_checks",
    "save_mandate", "saved_mandate", "show_charts", "start",
]
