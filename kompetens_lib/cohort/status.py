"""What became of one participant's exercise notebook in the feedback run: the statuses.

A feedback result is a plain dict (it crosses process boundaries and is saved as JSON):
``participant``, ``exercise``, ``file``, ``status`` (one of the names below), ``seconds``,
``cell_errors``, ``timeouts``, ``checks``, ``problem`` and, after a crash, ``crash_cell``.
"""

from __future__ import annotations

__all__ = ["BROKEN", "CRASHED", "NOT_HANDED_IN", "NOT_STARTED", "RAN", "TIMED_OUT"]

NOT_STARTED, RAN, CRASHED, TIMED_OUT, BROKEN, NOT_HANDED_IN = (
    "not_started", "ran", "crashed", "timed_out", "broken", "not_handed_in")
