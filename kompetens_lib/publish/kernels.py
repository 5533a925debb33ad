"""Kernels for batch runs: every notebook gets a fresh kernel process, cheaply.

Starting a Python kernel and importing pandas, altair and this library costs ~1.5 s of CPU,
more than many of the workbook's notebooks spend on their own work. On Linux a worker
therefore keeps a *template process* that has imported all of that (and read the data
tables) once; each notebook's kernel is a ``fork()`` of it, an ordinary ipykernel process
of its own that starts with the imports already in memory. Nothing is shared between
notebooks: each kernel is a separate process, forked from a template no notebook ever ran
in, and it is killed when its notebook is done.

Where forking is unavailable or unsafe (not Linux, a ``python3`` kernel spec that runs
another interpreter, ``KOMPETENS_FORK_KERNELS=0``, or a template that fails), kernels are
started the ordinary way. Either way the next kernel is started while the current notebook
runs, so start-up overlaps with useful work.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["FORK_ENV", "KERNEL_NAME", "NOTEBOOK_NAMES", "PRELOAD", "PRELOAD_PACKAGES",
           "Limits", "MARK_ENV", "die_with_parent", "fork_supported", "guard", "kill_group",
           "kill_marked",
           "preload_modules", "release", "serve", "shutdown", "start_plain", "take_kernel",
           "template_peak_mb"]

FORK_ENV = "KOMPETENS_FORK_KERNELS"
KERNEL_NAME = "python3"
KERNEL_ARGS = ["--log-level=ERROR"]
# What a template process imports before it forks kernels: everything the workbook's
# notebooks import. (Nothing that starts an engine or a thread of its own: vl-convert's
# renderer stays unloaded until a kernel needs it.) Names are tried one by one: a name that
# is missing (a module that moved) costs the kernels a little time, never a failure.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipywidgets",
    "pandas", "altair", "kompetens_lib",
)
#: Every module of these packages is imported, however they are split into modules.
PRELOAD_PACKAGES = ("kompetens_lib.workbook", "kompetens_lib.present")
#: What notebooks import as ``from kompetens_lib import charts, results, …``: resolved on
#: the package, so the template holds the very modules (or facades) a notebook gets.
NOTEBOOK_NAMES = ("brief", "charts", "compare", "explore", "keyfigures", "mandate", "maps",
                  "params", "profile", "results")
#: A function of this name in a module of ``kompetens_lib.workbook`` computes, in the
#: template, what every notebook would otherwise compute again (the whole-country tables).
PRIME = "prime"
# Run in each new kernel before its notebook arrives (instant in a forked kernel).
WARM_UP = ("import kompetens_lib.publish.kernels as _kompetens_kernels\n"
           "_kompetens_kernels.preload_modules()\n"
           "del _kompetens_kernels")
READY_TIMEOUT = 30  # seconds a forked kernel may take to answer before we start one plainly


# --- dying with the parent, limits, the guard of an untrusted kernel -----------------------

_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent dies (prctl
    PR_SET_PDEATHSIG), so that a killed ``kompetens run`` leaves no workers, templates or
    kernels behind. Returns whether it could (False elsewhere than Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    return True


class Limits(dict):
    """Resource limits of an untrusted kernel (a participant's notebook): ``memory_mb``
    (address space, RLIMIT_AS), ``file_mb`` (largest file it may write, RLIMIT_FSIZE) and
    ``cpu_seconds`` (RLIMIT_CPU); ``disk_mb``, the most the files under ``disk_path`` may
    take together (the guard kills the kernel and all it started when they take more); and
    ``sandbox``, ``{"writable": folder, "hidden": [folders]}`` for
    :func:`kompetens_lib.publish.sandbox.enter`. A dict, so that it travels as JSON to
    :func:`guard`."""

    def __init__(self, memory_mb: int | None = None, file_mb: int | None = None,
                 cpu_seconds: int | None = None, disk_mb: int | None = None,
                 disk_path: str | None = None, sandbox: dict | None = None):
        super().__init__(memory_mb=memory_mb, file_mb=file_mb, cpu_seconds=cpu_seconds,
                         disk_mb=disk_mb, disk_path=disk_path, sandbox=sandbox)


def _apply_limits(limits: dict) -> None:
    import resource

    for key, which, scale in (("memory_mb", resource.RLIMIT_AS, 1024 * 1024),
                              ("file_mb", resource.RLIMIT_FSIZE, 1024 * 1024),
                              ("cpu_seconds", resource.RLIMIT_CPU, 1)):
        value = limits.get(key)
        if value:
            try:
                resource.setrlimit(which, (int(value) * scale, int(value) * scale))
            except (ValueError, OSError):
                pass


#: ``python -c GUARD LIMITS_JSON KERNEL_COMMAND…`` starts a kernel under :func:`guard`.
GUARD = "from kompetens_lib.publish.kernels import guard; guard()"


#: How often (seconds) the guard measures the disk space its kernel's files take.
DISK_POLL = 0.2


def guard() -> None:
    """A small parent for an untrusted kernel (``sys.argv``: limits as JSON, then the
    kernel's command). The kernel runs as a child of this process, with the limits (and in
    the sandbox, if the limits ask for one), and dies with it; this process dies with its
    own parent. So a participant's cell that kills its parent process
    (``os.kill(os.getppid(), …)``) kills only this guard and its own kernel, never the
    facilitator's run. With ``disk_mb`` the guard measures the kernel's folder every
    :data:`DISK_POLL` seconds and kills its whole process group when the files take more.
    Exits with the kernel's exit status."""
    limits = json.loads(sys.argv[1])
    command = sys.argv[2:]
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts are the kernel's (same group)
    pid = os.fork()
    if pid == 0:
        try:
            die_with_parent()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            box = limits.get("sandbox")
            if box:
                from kompetens_lib.publish.sandbox import enter

                try:
                    enter(box["writable"], box.get("hidden", []),
                          [a for a in command if a.startswith("/")])
                except OSError as exc:  # never run unprotected when protection was asked
                    sys.stderr.write(f"sandlådan gick inte att skapa: {exc}\n")
                    os._exit(126)
            _apply_limits(limits)
            os.execv(command[0], command)
        finally:
            os._exit(127)

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    signal.signal(signal.SIGTERM, forward)
    disk = int(limits.get("disk_mb") or 0) * 1024 * 1024
    folder = limits.get("disk_path")
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG if disk and folder else 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            status = 1
            break
        if done:
            break
        from kompetens_lib.publish.sandbox import folder_bytes

        if folder_bytes(folder, stop=disk) > disk:
            if os.getpgrp() == os.getpid():  # its own group: the kernel, what it started
                os.killpg(os.getpgrp(), signal.SIGKILL)
            os.kill(pid, signal.SIGKILL)
        time.sleep(DISK_POLL)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF if status else 0)


def kill_group(pgid: int | None) -> None:
    """Kill every process of a kernel's process group (what a participant's cell started
    and left running included). Silent when the group is gone."""
    if not pgid or pgid == os.getpgrp():
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass


#: The environment variable that marks every process of a guarded kernel.
MARK_ENV = "KOMPETENS_VAKT"


def kill_marked(mark: str, rounds: int = 3) -> int:
    """Kill every process whose environment holds ``MARK_ENV=mark`` (a guarded kernel's
    processes, also those in a session of their own); repeat while a round finds one (a
    process may fork while it is killed). Returns how many were killed. A process that
    cleared its environment is not found: the facilitator's guide says so."""
    needle = f"{MARK_ENV}={mark}".encode()
    killed = 0
    for _ in range(rounds):
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as handle:
                    if needle in handle.read().split(b"\0"):
                        found.append(int(entry.name))
            except OSError:
                continue
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        if not found:
            break
    return killed


# --- the template process -------------------------------------------------------------------

def _import_quietly(name: str):
    import importlib

    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a kernel will import it (and report) itself
        return None


def preload_modules() -> list[str]:
    """Import what the workbook's notebooks import (:data:`PRELOAD`, every module of
    :data:`PRELOAD_PACKAGES`, :data:`NOTEBOOK_NAMES` on ``kompetens_lib``); a name that
    cannot be imported is skipped. Returns the modules of the packages that were imported."""
    import pkgutil

    for name in PRELOAD:
        _import_quietly(name)
    loaded = []
    for package_name in PRELOAD_PACKAGES:
        package = _import_quietly(package_name)
        if package is None or not hasattr(package, "__path__"):
            continue
        for info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
            if info.name.rsplit(".", 1)[-1].startswith("_"):
                continue
            if _import_quietly(info.name) is not None:
                loaded.append(info.name)
    library = _import_quietly("kompetens_lib")
    for name in NOTEBOOK_NAMES if library is not None else ():
        try:
            getattr(library, name)
        except Exception:  # noqa: BLE001 - a notebook gets (and reports) the same error
            pass
    return loaded


def _prime(modules: list[str]) -> None:
    """Call every ``prime()`` defined in the workbook's modules (see :data:`PRIME`)."""
    for name in modules:
        module = sys.modules.get(name)
        function = getattr(module, PRIME, None)
        if callable(function) and getattr(function, "__module__", None) == name:
            function()


def _preload() -> None:
    import warnings

    modules = preload_modules()
    try:
        from kompetens_lib.data.tables import TABLES, load

        for table in TABLES:
            load(table)  # validated once here, a cache hit in every kernel
        # every method's whole-country breakdown, copied by each notebook
        _prime([m for m in modules if m.startswith("kompetens_lib.workbook.")])
    except Exception:  # noqa: BLE001 - bad data is reported by the notebook that reads it
        pass
    # Native libraries (OpenBLAS, Arrow) keep thread pools of their own and make them safe
    # across fork(); Python 3.12+ still warns about any thread when forking.
    warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks.*")


def _child(request: dict) -> None:
    """In the forked process: become an ordinary ipykernel for ``request``; never returns."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client gives a kernel it starts
        die_with_parent()  # the template's death (its worker's, the run's) ends the kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # the template's request pipe is not the kernel's business
        os.dup2(devnull, 1)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # ipykernel exits when the template goes away (it exits with its worker). ipykernel
        # read JPY_PARENT_PID when the template imported it, so say it on the command line.
        parent = str(os.getppid())
        os.environ["JPY_PARENT_PID"] = parent
        request["argv"] = [*request["argv"], f"--IPKernelApp.parent_handle={parent}"]
        try:
            import numpy

            numpy.random.seed()  # as random a start as a freshly started process
        except Exception:  # noqa: BLE001
            pass
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve() -> None:
    """The template process: preload, then fork a kernel for each request on stdin.

    A request is one JSON line ``{"argv": [...], "cwd": ..., "env": {...}}``; the answer is
    ``{"pid": N}``. The process exits when stdin closes (its worker is gone).
    """
    out = sys.stdout
    die_with_parent()
    _preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the system reaps finished kernels
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's to handle
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()


# --- the worker's side ----------------------------------------------------------------------

def fork_supported() -> bool:
    """Whether kernels are forked from a template here (Linux, not switched off)."""
    if os.environ.get(FORK_ENV, "1").strip().lower() in ("0", "false", "nej", "no", "off"):
        return False
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _environment(data: str | None) -> dict[str, str]:
    """This process's environment, with the run's data source for the notebooks."""
    from kompetens_lib.data.tables import SOURCE_ENV

    env = dict(os.environ)
    if data:
        env[SOURCE_ENV] = data
    return env


class _Template:
    """A running template process for one (working directory, data source)."""

    def __init__(self, cwd: str, data: str | None):
        env = _environment(data)
        # The template imports this package from wherever this process found it.
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from kompetens_lib.publish.kernels import serve; serve()"],
            cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            bufsize=1, start_new_session=True,
        )
        self.ready = False

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise OSError("mallprocessen för kärnor avslutades oväntat")
        return json.loads(line)

    def fork(self, argv: list[str], cwd: str, env: dict) -> int:
        if not self.ready:
            if not self._answer().get("ready"):
                raise OSError("mallprocessen för kärnor startade inte")
            self.ready = True
        self.proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
        self.proc.stdin.flush()
        return int(self._answer()["pid"])

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            self.proc.kill()
        finally:
            if self.proc.stdout:
                self.proc.stdout.close()


_templates: dict[tuple, _Template] = {}
_broken: set[tuple] = set()


def _vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a process in MB (Linux), 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


class _ForkedProcess:
    """What jupyter_client's local provisioner expects of a ``Popen``, for a forked kernel
    (a child of the template, not of this process: the template's system reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.peak_mb = 0.0

    def _note_peak(self) -> None:
        self.peak_mb = max(self.peak_mb, _vm_hwm_mb(self.pid))

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
                state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state in ("Z", "X"):
                    self.returncode = -1
            except ProcessLookupError:
                self.returncode = -1
            except (PermissionError, OSError, IndexError):
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if signum in (signal.SIGKILL, signal.SIGTERM):
            self._note_peak()
        os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def template_peak_mb() -> float:
    """Peak memory of this worker's template processes in MB (most of it is shared with
    the kernels forked from them, page by page, until a kernel writes to it)."""
    return max((_vm_hwm_mb(t.proc.pid) for t in _templates.values()), default=0.0)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """Launches the kernel as a fork of a template process instead of a new program."""

        template_key: tuple = ()

        async def send_signal(self, signum: int) -> None:
            if isinstance(self.process, _ForkedProcess) and signum in (signal.SIGKILL,
                                                                        signal.SIGTERM):
                self.process._note_peak()
            await super().send_signal(signum)

        async def kill(self, restart: bool = False) -> None:
            await super().kill(restart=restart)
            if isinstance(self.process, _ForkedProcess):
                # Gone within milliseconds: let jupyter_client's first liveness check see
                # that, instead of sleeping its 0.1 s polling interval.
                deadline = time.monotonic() + 0.2
                while self.process.poll() is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.002)

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            argv = _fork_argv(cmd)
            template = _templates.get(self.template_key)
            if argv is None or template is None:
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = template.fork(argv, cwd, env)
            self.process = _ForkedProcess(pid)
            self.pid = pid
            self.pgid = pid  # the kernel calls setsid() first thing
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


def _guarded_provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class GuardedProvisioner(LocalProvisioner):
        """Starts the kernel under :func:`guard`, with the run's limits."""

        limits: dict = {}

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            guarded = [sys.executable, "-c", GUARD, json.dumps(dict(self.limits)), *cmd]
            # Every process the kernel starts inherits this mark, also one that leaves the
            # kernel's process group (setsid, a daemon): release() sweeps them by it.
            self.mark = secrets.token_hex(16)
            kwargs["env"] = {**(kwargs.get("env") or os.environ), MARK_ENV: self.mark}
            return await super().launch_kernel(guarded, **kwargs)

    return GuardedProvisioner


def _fork_argv(cmd: list[str]) -> list[str] | None:
    """The kernel's arguments if ``cmd`` starts this very interpreter's ipykernel, else None
    (a kernel spec for another Python cannot be forked from this one)."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    try:
        same = os.path.samefile(cmd[0], sys.executable)
    except OSError:
        same = False
    return list(cmd[3:]) if same else None


def _template_for(key: tuple) -> _Template | None:
    if key in _broken or not fork_supported():
        return None
    if key not in _templates:
        try:
            _templates[key] = _Template(*key)
        except OSError:
            _broken.add(key)
            return None
    return _templates[key]


def _new_manager(key: tuple, forked: bool, limits: dict | None = None):
    import uuid

    import zmq.asyncio
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        def client(self, **kwargs):
            # Clients share the manager's ZeroMQ context, which is destroyed with the kernel:
            # that also closes the sockets of the client nbclient makes (it leaves them open
            # for a kernel it did not start, a dozen file descriptors per notebook).
            kwargs.setdefault("context", self.context)
            client = super().client(**kwargs)
            self.clients.append(client)
            return client

    # nbclient needs an asynchronous manager (its cell time limit relies on it).
    km = Manager(kernel_name=KERNEL_NAME, context=zmq.asyncio.Context())
    km.clients = []
    if forked and _template_for(key) is not None:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        provisioner = _provisioner_class()(kernel_id=str(uuid.uuid4()), kernel_spec=spec,
                                           parent=km)
        provisioner.template_key = key
        km.provisioner = provisioner
        km.kernel_id = provisioner.kernel_id
    elif limits is not None:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        provisioner = _guarded_provisioner_class()(kernel_id=str(uuid.uuid4()),
                                                   kernel_spec=spec, parent=km)
        provisioner.limits = dict(limits)
        km.provisioner = provisioner
        km.kernel_id = provisioner.kernel_id
    return km


def _start(key: tuple, forked: bool = True):
    """Start a kernel for ``key`` = (working directory, data source) and send it WARM_UP."""
    from jupyter_core.utils import run_sync

    cwd, data = key
    km = _new_manager(key, forked)
    try:
        run_sync(km.start_kernel)(cwd=cwd, env=_environment(data), extra_arguments=KERNEL_ARGS)
    except Exception:
        _discard(km)
        if not forked:
            raise
        _broken.add(key)  # a template that cannot fork a kernel: start them plainly
        return _start(key, forked=False)
    kc = km.client()
    kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    kc.execute(WARM_UP, silent=True, store_history=False)
    return km, kc


def _discard(km) -> None:
    from jupyter_core.utils import run_sync

    for client in getattr(km, "clients", ()):
        try:
            client.stop_channels()  # before its sockets go with the context
        except Exception:  # noqa: BLE001
            pass
    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - a dead kernel has nothing to shut down
        pass
    try:
        km.context.destroy(linger=0)
    except Exception:  # noqa: BLE001
        pass


_warm: dict[tuple, tuple] = {}
_exit_hook = False


def _stop_at_exit() -> None:
    """Stop waiting kernels and templates when this process ends (multiprocessing's
    workers skip atexit; the runner registers a finaliser for them as well)."""
    global _exit_hook
    if not _exit_hook:
        import atexit

        atexit.register(shutdown)
        _exit_hook = True


def _forked(km) -> bool:
    return isinstance(getattr(km.provisioner, "process", None), _ForkedProcess)


def _answers(kc, timeout: float) -> bool:
    """Whether a kernel answers a ``kernel_info`` request on its shell channel within
    ``timeout`` seconds (replies to earlier requests, such as WARM_UP's, are skipped)."""
    from jupyter_core.utils import run_sync

    async def ask() -> bool:
        msg_id = kc.kernel_info()
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                reply = await kc.shell_channel.get_msg(timeout=left)
            except Exception:  # noqa: BLE001 - queue.Empty after the time limit
                return False
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    try:
        return run_sync(ask)()
    except Exception:  # noqa: BLE001
        return False


def take_kernel(cwd: str, data: str | None):
    """A started kernel manager for a notebook in ``cwd`` reading ``data``: the kernel
    started while the previous notebook ran if there is one, and start the next.

    A forked kernel must answer within READY_TIMEOUT seconds; if it does not, forking is
    given up for ``(cwd, data)`` in this worker and kernels are started plainly."""
    from jupyter_core.utils import run_sync

    key = (cwd, data)
    _stop_at_exit()
    km, kc = _warm.pop(key) if key in _warm else _start(key)
    if _forked(km) and not _answers(kc, READY_TIMEOUT):
        _broken.add(key)
        kc.stop_channels()
        _discard(km)
        km, kc = _start(key, forked=False)
    elif not run_sync(km.is_alive)():
        kc.stop_channels()
        _discard(km)
        km, kc = _start(key)
    kc.stop_channels()
    try:
        _warm[key] = _start(key)
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        pass
    return km


def start_plain(cwd: str, env: dict[str, str], limits: dict | None = None):
    """A kernel manager with a newly started ``python3`` kernel in ``cwd`` with exactly the
    environment ``env``: no template, no warm-up, nothing shared (the cohort's feedback
    runs a participant's notebook this way). With ``limits`` (a :class:`Limits`) the kernel
    runs under :func:`guard`: limited, in its own process group, a child of the guard and
    not of this process. Stop it with :func:`release`."""
    from jupyter_core.utils import run_sync

    km = _new_manager((cwd, None), forked=False, limits=limits)
    try:
        run_sync(km.start_kernel)(cwd=cwd, env=dict(env), extra_arguments=KERNEL_ARGS)
    except BaseException:
        _discard(km)
        raise
    return km


def release(km) -> float | None:
    """Stop a notebook's kernel; return its peak memory in MB for a forked kernel (None
    for a kernel started plainly: the caller's resource usage of children has it)."""
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    pgid = getattr(provisioner, "pgid", None)
    mark = getattr(provisioner, "mark", None)
    _discard(km)
    kill_group(pgid)  # whatever the notebook started and left running
    if mark:
        kill_marked(mark)  # and what left the group
    return process.peak_mb if isinstance(process, _ForkedProcess) else None


def shutdown() -> None:
    """Stop kernels started for notebooks that never came, and the template processes."""
    while _warm:
        _, (km, kc) = _warm.popitem()
        try:
            kc.stop_channels()
        except Exception:  # noqa: BLE001
            pass
        _discard(km)
    while _templates:
        _, template = _templates.popitem()
        template.close()
    _broken.clear()
