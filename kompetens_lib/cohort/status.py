"""What became of one participant's exercise notebook in the feedback run: the statuses.

A feedback result is a plain dict (it crosses process boundaries and is saved as JSON):
``participant``, ``exercise``, ``file``, ``status`` (one of the names below), ``seconds``,
``cell_errors``, ``timeouts``, ``checks``, ``problem``, after a crash ``crash_cell`` and, when
the notebook was stopped for writing too much (:data:`DISK_FULL`), ``disk_mb``.
"""

from __future__ import annotations

__all__ = ["BROKEN", "CRASHED", "DISK_FULL", "NOT_HANDED_IN", "NOT_STARTED", "RAN",
           "TIMED_OUT"]

NOT_STARTED, RAN, CRASHED, TIMED_OUT, BROKEN, NOT_HANDED_IN, DISK_FULL = (
    "not_started", "ran", "crashed", "timed_out", "broken", "not_handed_in", "disk_full")
