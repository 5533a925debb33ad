"""The one notebook executor: parameters in, a kernel, time limits, a Swedish summary out.

``kompetens run`` (the runner), ``kompetens adapt`` and the cohort's feedback all execute
notebooks through :func:`execute_notebook`. It injects parameters with papermill, runs the
cells on a forked or a plainly started kernel (see :mod:`kompetens_lib.publish.kernels`),
enforces a time limit per cell and, optionally, per notebook, survives a kernel that dies,
saves the notebook once at the end, and writes it atomically: a run that is interrupted
(Ctrl-C) never replaces an existing output, and a failed run replaces it only when asked to
(``keep_failed``, so that the saved notebook shows where it failed).
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kompetens_lib._internal.files import make_readable

__all__ = ["ALWAYS_RUN_TAG", "CELL_TIMEOUT", "DEAD_KERNEL", "ERROR", "NOTEBOOK_TIMEOUT", "STARTUP",
           "CellRun", "DEFAULT_CELL_TIMEOUT", "ENGINE_NAME", "Execution",
           "execute_notebook", "inject_parameters", "notebook_language", "one_line_error",
           "register_engine", "sign_notebook"]

DEFAULT_CELL_TIMEOUT = 600  # seconds
ENGINE_NAME = "kompetens"
#: A code cell with this tag runs even after the notebook's time limit has passed (the
#: feedback's report cell: the checks of what did run are still worth having).
ALWAYS_RUN_TAG = "kompetens-always-run"

# Why a run stopped, in Execution.reason.
ERROR, CELL_TIMEOUT, DEAD_KERNEL, NOTEBOOK_TIMEOUT, STARTUP = (
    "error", "cell_timeout", "dead_kernel", "notebook_timeout", "startup")


@dataclass
class CellRun:
    """One code cell that was sent to the kernel: its index in the notebook, how long it
    took."""

    index: int
    seconds: float


@dataclass
class Execution:
    """What became of one notebook run (never an exception, except Ctrl-C).

    ``ok`` is False when a cell failed (unless errors were allowed), a cell or the notebook
    ran out of time, or the kernel died or could not start; ``error`` then says so in one
    Swedish line ("cell N: ErrorName: message") and ``reason`` is one of ``"error"``,
    ``"cell_timeout"``, ``"dead_kernel"``, ``"notebook_timeout"`` or ``"startup"`` (the
    kernel or the notebook could not be started).
    ``stopped_at`` is the index of the cell that was running when the run stopped; ``skipped``
    lists the code cells left out because the notebook's time limit had passed.
    """

    ok: bool
    nb: nbformat.NotebookNode | None = None
    error: str = ""
    reason: str = ""
    exception: BaseException | None = field(default=None, repr=False)
    stopped_at: int | None = None
    cells: list[CellRun] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    seconds: float = 0.0
    kernel_peak_mb: float | None = None
    output: Path | None = None


def one_line_error(exc: BaseException) -> str:
    """'cell N: ErrorName: message' for papermill errors, else 'ErrorName: message', in at
    most 300 characters; time-outs and dead kernels are explained in Swedish.

    >>> one_line_error(ValueError("fel  värde"))
    'ValueError: fel värde'
    """
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    value = " ".join(str(value).split())
    if name in ("CellTimeoutError", "TimeoutError") or "timed out" in value.lower():
        value = f"cellen tog längre tid än tidsgränsen – {value}"
    elif name == "DeadKernelError" or "kernel died" in value.lower():
        value = f"kärnan (Python-processen) dog – {value}"
    cell = getattr(exc, "exec_count", None)
    where = f"cell {cell}: " if cell else ""
    text = f"{where}{name}: {value}"
    return text if len(text) <= 300 else text[:297] + "…"


def sign_notebook(notebook) -> None:
    """Mark an executed notebook (a path or the node that was written) as trusted on this
    machine, so that JupyterLab runs its chart outputs when it is opened (papermill's
    notebooks are unsigned). Signing is a convenience: it never fails."""
    try:
        nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(
            notebook, as_version=4)
        from nbformat.sign import NotebookNotary

        NotebookNotary().sign(nb)
    except Exception:  # noqa: BLE001 - signing is a convenience, never a reason to fail
        pass


class _Run:
    """State of one run shared with the engine and its client: the time limit, the cells
    that ran, the notebook as far as it got."""

    def __init__(self, km, notebook_timeout: int | None, cell_timeout: int | None):
        self.km = km
        self.notebook_timeout = notebook_timeout
        self.cell_timeout = cell_timeout
        self.deadline: float | None = None
        self.killed = threading.Event()
        self.killer: threading.Timer | None = None
        self.cells: list[CellRun] = []
        self.skipped: list[int] = []
        self.current: int | None = None
        self.nb: nbformat.NotebookNode | None = None

    def start_clock(self) -> None:
        """The notebook's time starts when its kernel is ready (a slow start on a busy
        machine must not use it up). A kernel still busy a cell's time limit after the
        notebook's is killed: a loop that swallows interrupts cannot hold the run."""
        if self.notebook_timeout is None or self.deadline is not None:
            return
        self.deadline = time.monotonic() + self.notebook_timeout
        self.killer = threading.Timer(self.notebook_timeout + (self.cell_timeout or 0),
                                      self.kill)
        self.killer.daemon = True
        self.killer.start()

    def kill(self) -> None:
        pid = _kernel_pid(self.km)
        if pid:
            self.killed.set()
            pgid = getattr(getattr(self.km, "provisioner", None), "pgid", None)
            try:
                if pgid and pgid != os.getpgrp():
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def stop_clock(self) -> None:
        if self.killer is not None:
            self.killer.cancel()

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


def _kernel_pid(km) -> int | None:
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    pid = getattr(process, "pid", None) or getattr(provisioner, "pid", None)
    return int(pid) if pid else None


def register_engine() -> str:
    """Register (once) and name papermill's nbclient engine as this executor uses it.

    It saves the notebook once at the end instead of after every cell (each save
    re-serialises and validates the whole notebook, ~1 MB with its chart bundle), and still
    when the kernel dies or a cell times out, so the notebook shows how far it got. Its cells
    respect the run's notebook time limit and are timed one by one."""
    from nbclient.exceptions import CellExecutionError
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    if ENGINE_NAME in papermill_engines._engines:
        return ENGINE_NAME

    class FinalSaveManager(NotebookExecutionManager):
        def save(self, **kwargs):
            if kwargs.get("nb"):
                self.nb = kwargs["nb"]
            self.last_save_time = self.now()

        def save_now(self):
            super().save()

    class Client(PapermillNotebookClient):
        run: _Run

        def papermill_execute_cells(self):
            run = self.run
            run.start_clock()
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type == "code" and cell.source.strip() and run.out_of_time() \
                        and ALWAYS_RUN_TAG not in cell.get("metadata", {}).get("tags", []):
                    run.skipped.append(index)
                    continue
                run.current = index
                started = time.monotonic()
                try:
                    self.nb_man.cell_start(cell, index)
                    self.execute_cell(cell, index)
                except CellExecutionError as ex:
                    self.nb_man.cell_exception(self.nb.cells[index], cell_index=index,
                                               exception=ex)
                    break
                finally:
                    self.nb_man.cell_complete(self.nb.cells[index], cell_index=index)
                    if cell.cell_type == "code" and cell.source.strip():
                        run.cells.append(CellRun(index, time.monotonic() - started))
            else:
                run.current = None  # every cell ran (or was skipped)

    class FinalSaveEngine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                             log_output=False, autosave_cell_every=30, **kwargs):
            run = kwargs.pop("kompetens_run")
            nb_man = FinalSaveManager(nb, output_path=output_path, progress_bar=progress_bar,
                                      log_output=log_output,
                                      autosave_cell_every=autosave_cell_every)
            run.nb = nb_man.nb
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output,
                                             kompetens_run=run, **kwargs)
            except BaseException:
                nb_man.notebook_complete()
                run.nb = nb_man.nb
                nb_man.save_now()  # a dead kernel or a time-out: keep what ran
                raise
            finally:
                nb_man.cleanup_pbar()
            nb_man.notebook_complete()
            run.nb = nb_man.nb
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, kompetens_run=None, **kwargs):
            kwargs.pop("input_path", None)
            kwargs.pop("timeout", None)
            kwargs.pop("startup_timeout", None)
            client = Client(nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                            kernel_name=kernel_name, log_output=log_output,
                            stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            client.run = kompetens_run
            return client.execute()

    papermill_engines.register(ENGINE_NAME, FinalSaveEngine)
    return ENGINE_NAME


def inject_parameters(notebook: str | os.PathLike | nbformat.NotebookNode,
                      parameters: dict) -> nbformat.NotebookNode:
    """The notebook with ``parameters`` injected as papermill does before a run (a cell
    tagged ``injected-parameters`` after the one tagged ``parameters``), not executed."""
    import papermill

    source = notebook if isinstance(notebook, nbformat.NotebookNode) else str(notebook)
    return papermill.execute_notebook(source, None, parameters=parameters, prepare_only=True,
                                      kernel_name="python3", language="python",
                                      progress_bar=False, log_output=False)


def notebook_language(notebook: str | os.PathLike | nbformat.NotebookNode) -> str:
    """The programming language a notebook says it is written in, lower case ("" when it
    says nothing: a notebook without kernelspec is run as Python)."""
    try:
        nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(
            str(notebook), as_version=4)
    except Exception:  # noqa: BLE001 - papermill reports an unreadable file itself
        return ""
    meta = nb.get("metadata", {})
    language = (meta.get("kernelspec", {}) or {}).get("language") \
        or (meta.get("language_info", {}) or {}).get("name") or ""
    return str(language).strip().lower()


def _reason(exc: BaseException, run: _Run) -> str:
    name = type(exc).__name__
    if run.killed.is_set():
        return NOTEBOOK_TIMEOUT
    if name == "DeadKernelError":
        return DEAD_KERNEL
    if name in ("CellTimeoutError", "TimeoutError"):
        return CELL_TIMEOUT
    if name == "PapermillExecutionError" or getattr(exc, "ename", None):
        return ERROR
    return STARTUP if not run.cells and run.current is None else ERROR


def execute_notebook(notebook: str | os.PathLike | nbformat.NotebookNode,
                     output: str | os.PathLike | None = None, *,
                     parameters: dict | None = None, cwd: str | os.PathLike | None = None,
                     kernel: str = "plain", data: str | None = None,
                     env: dict[str, str] | None = None,
                     cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
                     notebook_timeout: int | None = None, interrupt_on_timeout: bool = False,
                     allow_errors: bool = False, keep_failed: bool = True,
                     sign: bool = True, limits: dict | None = None) -> Execution:
    """Execute ``notebook`` (a path or a node) and return an :class:`Execution`.

    ``parameters`` are injected by papermill after the cell tagged ``parameters``. The kernel
    is ``"forked"`` from a preloaded template process for ``(cwd, data)`` (started plainly
    where forking is not possible) or ``"plain"``: a new ``python3`` kernel with ``env``
    added to this process's environment. ``cwd`` defaults to the notebook's folder.

    A cell that runs longer than ``cell_timeout`` seconds fails the run, or with
    ``interrupt_on_timeout`` is interrupted and the run goes on. With ``notebook_timeout``,
    code cells after that many seconds are skipped (except those tagged
    :data:`ALWAYS_RUN_TAG`) and a kernel still busy a cell's limit later is killed. With
    ``allow_errors`` a cell's error does not stop the run nor make it fail.

    The executed notebook is written to ``output`` (made readable and, with ``sign``,
    trusted) through a temporary file in its folder: on success always; after a failure only
    with ``keep_failed`` (the notebook then shows where it stopped); after Ctrl-C never, and
    the ``KeyboardInterrupt`` is raised again.

    ``limits`` (a :class:`kompetens_lib.publish.kernels.Limits`, plain kernels only) runs an
    untrusted notebook under a guard process with memory, file-size and CPU limits, in a
    process group that is killed, with everything the notebook started, when it is done.
    """
    import papermill  # kompetens_lib's import has made its slow dependency lazy

    from kompetens_lib.publish import kernels

    if kernel not in ("forked", "plain"):
        raise ValueError(f"kernel must be 'forked' or 'plain', not {kernel!r}")
    if kernel == "forked" and env:
        raise ValueError("a forked kernel takes its environment from its template: use "
                         "kernel='plain' with env")
    started = time.monotonic()
    if cwd is None:
        cwd = Path(notebook).parent if not isinstance(notebook, nbformat.NotebookNode) \
            else Path.cwd()
    cwd = str(cwd)
    source = notebook if isinstance(notebook, nbformat.NotebookNode) else str(notebook)
    language = notebook_language(source)
    if language not in ("", "python"):
        return Execution(ok=False, reason=STARTUP, seconds=time.monotonic() - started,
                         error=f"anteckningsboken är skriven i språket {language!r}; här körs "
                               "bara Python-anteckningsböcker (kärnan python3)")
    target = Path(output) if output is not None else None
    tmp = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.",
                                   suffix=".ipynb")
        os.close(fd)
    km = None
    run = _Run(None, notebook_timeout, cell_timeout)
    result = Execution(ok=False)
    interrupted = False
    try:
        try:
            if kernel == "forked":
                km = kernels.take_kernel(cwd, data)
            else:
                km = kernels.start_plain(cwd, {**os.environ, **(env or {})}, limits=limits)
            run.km = km
            papermill.execute_notebook(
                source, tmp, parameters=parameters or None, kernel_name=kernels.KERNEL_NAME,
                engine_name=register_engine(), request_save_on_cell_execute=True,
                progress_bar=False, log_output=False, cwd=cwd, execution_timeout=cell_timeout,
                km=km, allow_errors=allow_errors, interrupt_on_timeout=interrupt_on_timeout,
                language="python", kompetens_run=run)
            result.ok = True
        except KeyboardInterrupt:
            interrupted = True
            raise
        except BaseException as exc:  # noqa: BLE001 - a dead kernel or timeout is a failure too
            if allow_errors and type(exc).__name__ == "PapermillExecutionError":
                result.ok = True  # errors in cells were allowed: papermill still complains
            else:
                result.error = one_line_error(exc)
                result.reason = _reason(exc, run)
                result.exception = exc
                result.stopped_at = run.current
        finally:
            run.stop_clock()
            if km is not None:
                result.kernel_peak_mb = kernels.release(km)
        result.nb = run.nb
        if result.nb is not None:
            # papermill marks a failed cell in the notebook it writes, in the same node:
            # the cells' indices in ``result`` are those of the cells as they ran.
            from papermill.execute import remove_error_markers

            result.nb = remove_error_markers(result.nb)
        result.cells, result.skipped = run.cells, run.skipped
        if result.skipped and result.ok:
            result.ok = False
            result.reason = NOTEBOOK_TIMEOUT
            result.error = "anteckningsboken tog längre tid än tidsgränsen"
        if tmp is not None and not interrupted and os.path.getsize(tmp) > 0 \
                and (result.ok or keep_failed):
            if sign:
                sign_notebook(result.nb if result.nb is not None and result.ok else tmp)
            make_readable(tmp)
            os.replace(tmp, target)
            result.output = target
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        result.seconds = time.monotonic() - started
    return result
