"""A participant's kernel sees the file system read-only, except its own working copy.

Linux mount namespaces (with a user namespace, so that no root is needed) give a process
its own view of the mounts: :func:`enter` makes every mount read-only in that view except
one folder (the participant's private working copy), and lays an empty read-only file
system over the folders the participant must not even read (the other participants'
snapshot, the release folder, the facilitator's output folder, the other working copies).
Nothing changes outside the process and its children: the facilitator and the other
participants see the files as before.

Where namespaces are unavailable (not Linux, switched off in the kernel, a container that
forbids them, ``KOMPETENS_SANDBOX=0``), :func:`available` says so and the caller falls back
to weaker protection (read-only file modes, checksums after the run).
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["SANDBOX_ENV", "available", "enter", "folder_bytes"]

SANDBOX_ENV = "KOMPETENS_SANDBOX"

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_NOATIME, _MS_NODIRATIME = 32, 1024, 2048
_MS_BIND, _MS_REC, _MS_PRIVATE, _MS_RELATIME = 4096, 16384, 1 << 18, 1 << 21
#: statvfs flags of a mount that a remount inside a user namespace must keep.
_KEEP = ((os.ST_NOSUID, _MS_NOSUID), (os.ST_NODEV, _MS_NODEV), (os.ST_NOEXEC, _MS_NOEXEC),
         (getattr(os, "ST_NOATIME", 1024), _MS_NOATIME),
         (getattr(os, "ST_NODIRATIME", 2048), _MS_NODIRATIME),
         (getattr(os, "ST_RELATIME", 4096), _MS_RELATIME))
#: Mounts left as they are: the kernel's interfaces, terminals and the fresh /dev/shm.
_SYSTEM = ("/proc", "/sys", "/dev/pts", "/dev/shm")


class _Failed(OSError):
    pass


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise _Failed(errno, f"{what}: {os.strerror(errno)}")


def _mount(libc, source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    _call(libc.mount(source.encode() if source else None, target.encode(),
                     fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                     data.encode() if data else None), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as file:
        file.write(text)


def _new_user_namespace(libc) -> None:
    """Enter a new user and mount namespace, as the same user and group as before."""
    uid, gid = os.geteuid(), os.getegid()
    _call(libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _mount_points() -> list[str]:
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4]
        for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
            point = point.replace(code, char)
        points.append(point)
    return points


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def enter(writable: str, hidden: list[str] = (), needed: list[str] = ()) -> None:
    """Isolate this process (call it in a child before ``exec``): every mount read-only
    except ``writable``; each folder of ``hidden`` replaced by an empty read-only one
    (``writable`` itself stays visible even inside a hidden folder; a folder that holds
    ``needed`` paths, the Python installation, this package, ``PYTHONPATH`` or a folder
    named by a ``KOMPETENS_…`` environment variable, is never hidden); a fresh, small
    ``/dev/shm``. Raises OSError if that could not be done completely."""
    libc = _libc()
    writable = os.path.realpath(writable)
    here = os.getcwd()
    root = os.geteuid() == 0
    if root:
        _call(libc.unshare(_CLONE_NEWNS), "unshare")
    else:
        _new_user_namespace(libc)
    _mount(libc, None, "/", None, _MS_REC | _MS_PRIVATE)
    keep = [writable, sys.prefix, sys.base_prefix, *needed,
            str(Path(__file__).resolve().parents[2]),
            *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p),
            # the run's own settings that name folders, e.g. its data source
            *(v for k, v in os.environ.items() if k.startswith("KOMPETENS_")
              and os.path.isabs(v))]
    own = os.open(writable, os.O_PATH | os.O_DIRECTORY)
    try:
        needs = [os.path.realpath(k) for k in keep]
        needs = [k for k in needs if not _inside(k, writable)]  # visible anyway
        for folder in dict.fromkeys(os.path.realpath(h) for h in hidden):
            if folder == "/" or not os.path.isdir(folder) or _inside(folder, writable) \
                    or any(_inside(k, folder) for k in needs):
                continue
            _mount(libc, "tmpfs", folder, "tmpfs", _MS_NOSUID | _MS_NODEV,
                   "size=64k,mode=0755")
            if _inside(writable, folder):  # own working copy, inside a hidden folder
                os.makedirs(writable, exist_ok=True)
                _mount(libc, f"/proc/self/fd/{own}", writable, None, _MS_BIND | _MS_REC)
        if writable not in _mount_points():
            _mount(libc, writable, writable, None, _MS_BIND | _MS_REC)
    finally:
        os.close(own)
    if os.path.isdir("/dev/shm"):
        _mount(libc, "tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=16m")
    for point in reversed(_mount_points()):
        if any(_inside(point, s) for s in _SYSTEM) or _inside(point, writable):
            continue
        try:
            flags = os.statvfs(point).f_flag
        except OSError:
            continue
        if flags & os.ST_RDONLY:
            continue
        keep_flags = sum(ms for st, ms in _KEEP if flags & st)
        _mount(libc, None, point, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | keep_flags)
    if root:
        # Root keeps its capabilities in a namespace of its own: a user namespace on top
        # locks the mounts made above, so that they cannot be undone from inside.
        _new_user_namespace(libc)
    os.chdir(here)  # the working directory as seen through the new mounts


_PROBE = """
import os, sys, tempfile
from kompetens_lib.publish.sandbox import enter
base = tempfile.mkdtemp(prefix='kompetens-sandbox-')
own, other = os.path.join(base, 'egen'), os.path.join(base, 'annan')
os.mkdir(own); os.mkdir(other)
open(os.path.join(other, 'x'), 'w').close()
pid = os.fork()
if pid == 0:
    try:
        enter(own, [base])
        open(os.path.join(own, 'y'), 'w').close()
        try:
            open(os.path.join(other, 'x'), 'w').close()
            os._exit(3)
        except OSError:
            pass
        os._exit(0 if not os.path.exists(os.path.join(other, 'x')) else 4)
    except BaseException:
        os._exit(2)
status = os.waitpid(pid, 0)[1]
ok = status == 0 and os.path.exists(os.path.join(own, 'y'))
import shutil; shutil.rmtree(base, ignore_errors=True)
sys.exit(0 if ok else 1)
"""

_available: bool | None = None


def available() -> bool:
    """Whether :func:`enter` works here (tried once in a child process; never when
    ``KOMPETENS_SANDBOX`` is 0)."""
    global _available
    if os.environ.get(SANDBOX_ENV, "1").strip().lower() in ("0", "false", "nej", "no", "off"):
        return False
    if _available is None:
        if not sys.platform.startswith("linux"):
            _available = False
        else:
            try:
                _available = subprocess.run(
                    [sys.executable, "-c", _PROBE], capture_output=True, timeout=30,
                    env={**os.environ, "PYTHONPATH": os.pathsep.join(
                        p for p in (str(Path(__file__).resolve().parents[2]),
                                    os.environ.get("PYTHONPATH", "")) if p)},
                ).returncode == 0
            except (OSError, subprocess.SubprocessError):
                _available = False
    return _available


def folder_bytes(folder: str | os.PathLike, stop: int | None = None) -> int:
    """Disk space used by the files under ``folder`` (allocated blocks, symlinks not
    followed); counting stops once ``stop`` bytes are exceeded."""
    total = 0
    pending = [str(folder)]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                total += max(info.st_blocks * 512, 0)
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                if stop is not None and total > stop:
                    return total
    return total
