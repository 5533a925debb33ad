"""`--jobs` is capped by the free memory as well as by the cores, with a Swedish note
(issue 15): a machine with room for one worker gets one, however many are asked for."""

from __future__ import annotations

from kompetens_lib.publish import workers


def test_jobs_are_capped_by_the_free_memory_with_a_swedish_note(monkeypatch):
    monkeypatch.setattr(workers, "_available_mb", lambda: workers.MEMORY_PER_WORKER_MB * 1.5)
    count, note = workers.worker_limit(999)
    assert count == 1
    assert "--jobs 999" in note and "GB ledigt minne" in note
    monkeypatch.setattr(workers, "_available_mb", lambda: workers.MEMORY_PER_WORKER_MB * 64)
    assert workers.worker_limit(1) == (1, "")
