"""Worker processes for batch runs of notebooks (the runner's and the cohort's feedback).

Workers are spawned (no forked copy of the parent's threads and kernels), ignore Ctrl-C (the
main process decides what stops) and stop their kernels when they exit; on Ctrl-C the main
process stops every worker at once with :func:`stop_pool`.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing

__all__ = ["init_worker", "spawn_pool", "stop_pool"]


def init_worker() -> None:
    """Initializer of a worker process: ignore SIGINT, stop kernels at exit."""
    import signal
    from multiprocessing import util

    from kompetens_lib.publish.kernels import shutdown

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
