"""The cohort of participants in a workshop: roster, release, collect, feedback and pages.

``release`` gives each participant of a roster a folder with their exercises, ``collect``
copies their notebooks into a dated snapshot, ``feedback`` runs every collected notebook with
its checks and writes a Swedish page per participant and an overview. Everything stays on
this machine: nothing is sent anywhere. The command line is :mod:`kompetens_lib.cli.cohort`.
"""

from __future__ import annotations

from kompetens_lib.cohort.collect import (
    DEFAULT_SNAPSHOT_DIR,
    MAX_NOTEBOOK_BYTES,
    SNAPSHOT_MANIFEST,
    collect,
    read_snapshot,
)
from kompetens_lib.cohort.feedback import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_DISK_MB,
    DEFAULT_FEEDBACK_DIR,
    DEFAULT_NOTEBOOK_TIMEOUT,
    FEEDBACK_JSON,
    FeedbackJob,
    feedback,
    plan_feedback,
    run_feedback_job,
    run_jobs,
)
from kompetens_lib.cohort.pages import overview_page, participant_page, result_html, summary
from kompetens_lib.cohort.release import (
    BESIDE_SUFFIX,
    DEFAULT_RELEASE_DIR,
    MANIFEST,
    README_NAME,
    ReleaseOutcome,
    file_sha256,
    read_release_manifest,
    release,
    select_exercises,
)
from kompetens_lib.cohort.roster import ROSTER_COLUMNS, Participant, read_roster
from kompetens_lib.cohort.status import (
    BROKEN,
    CRASHED,
    DISK_FULL,
    NOT_HANDED_IN,
    NOT_STARTED,
    RAN,
    TIMED_OUT,
)

__all__ = [
    "BESIDE_SUFFIX", "BROKEN", "CRASHED", "DEFAULT_CELL_TIMEOUT", "DEFAULT_DISK_MB",
    "DEFAULT_FEEDBACK_DIR", "DISK_FULL",
    "DEFAULT_NOTEBOOK_TIMEOUT", "DEFAULT_RELEASE_DIR", "DEFAULT_SNAPSHOT_DIR", "FEEDBACK_JSON",
    "MANIFEST", "MAX_NOTEBOOK_BYTES", "NOT_HANDED_IN", "NOT_STARTED", "RAN", "README_NAME",
    "ROSTER_COLUMNS", "SNAPSHOT_MANIFEST", "TIMED_OUT", "FeedbackJob", "Participant",
    "ReleaseOutcome", "collect", "feedback", "file_sha256", "overview_page", "participant_page",
    "plan_feedback", "read_release_manifest", "read_roster", "read_snapshot", "release",
    "result_html", "run_feedback_job", "run_jobs", "select_exercises", "summary",
]
