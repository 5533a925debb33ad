"""Worker processes for batch runs of notebooks (the runner's and the cohort's feedback).

Workers are spawned (no forked copy of the parent's threads and kernels), ignore Ctrl-C (the
main process decides what stops) and stop their kernels when they exit; on Ctrl-C the main
process stops every worker at once with :func:`stop_pool`.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing

__all__ = ["MEMORY_PER_WORKER_MB", "init_worker", "spawn_pool", "stop_pool", "worker_limit"]

#: What one worker with its kernel template and a kernel needs at most (measured ~600 MB for
#: the workbook's notebooks), with a margin.
MEMORY_PER_WORKER_MB = 800


def init_worker() -> None:
    """Initializer of a worker process: ignore SIGINT, stop kernels at exit."""
    import signal
    from multiprocessing import util

    from kompetens_lib.publish.kernels import die_with_parent, shutdown

    die_with_parent()  # a killed run leaves no worker building on its own
    # Ctrl-C reaches every process of the terminal; the main process decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    util.Finalize(None, shutdown, exitpriority=10)


def spawn_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A pool of ``workers`` spawned worker processes set up by :func:`init_worker`."""
    return cf.ProcessPoolExecutor(max_workers=workers,
                                  mp_context=multiprocessing.get_context("spawn"),
                                  initializer=init_worker)


def stop_pool(running: cf.ProcessPoolExecutor) -> None:
    """Ctrl-C: stop every worker now (their kernel templates and kernels follow them), and
    drop the notebooks not yet started. Finished notebooks stay; a rerun resumes."""
    for process in list(getattr(running, "_processes", {}).values()):
        try:
            process.terminate()
        except Exception:  # noqa: BLE001 - already gone
            pass
    running.shutdown(wait=False, cancel_futures=True)


def _available_mb() -> float | None:
    try:
        for line in open("/proc/meminfo", encoding="ascii"):
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def worker_limit(requested: int | None) -> tuple[int, str]:
    """How many worker processes to start for ``requested`` (None: one per core), at most
    one per core and as many as the free memory holds (:data:`MEMORY_PER_WORKER_MB` each),
    and a Swedish note when fewer than requested ("" otherwise)."""
    import os

    cores = os.cpu_count() or 1
    memory = _available_mb()
    by_memory = max(1, int(memory // MEMORY_PER_WORKER_MB)) if memory else cores
    limit = max(1, min(cores, by_memory))
    wanted = requested or cores
    if wanted <= limit:
        return wanted, ""
    why = f"{cores} kärnor" + (f" och {memory / 1024:.1f} GB ledigt minne".replace(".", ",")
                               if memory else "")
    note = (f"--jobs {wanted} är fler processer än datorn räcker till ({why}); kör med "
            f"{limit}.") if requested else ""
    return limit, note
