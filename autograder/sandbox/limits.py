"""Resource limits for a sandboxed run and how they are enforced.

Memory and file size are per-process rlimits (inherited by every child), set by the launcher
(:mod:`.launch`) in its own process before it execs the harness; the number of
processes uses a cgroup (``pids`` controller, v1 or v2) because ``RLIMIT_NPROC`` does not bind
root; wall time is enforced by the driver. When no cgroup can be created, the process limit
falls back to ``RLIMIT_NPROC`` and the run reports that isolation is reduced.

Every cgroup is named ``dlf-<pid of the grading process>-<random>``. One whose processes do not
die within a few seconds of SIGKILL (on a loaded machine, a fork storm can take longer) is kept
on a list and removed by :func:`release_leftover_cgroups`, which the grading run calls once the
batch is done (and again at exit). It also removes the cgroups of grading processes that died
without cleaning up, so no run leaves processes or cgroups behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Limits of one sandboxed run.

    Attributes
    ----------
    cell_timeout : float
        Seconds for one notebook cell.
    part_timeout : float
        Seconds for probing one part (all its cases).
    submission_timeout : float
        Seconds for the whole submission, restarts included.
    memory_bytes : int
        Address-space limit per process.
    max_processes : int
        Processes and threads in the sandbox at once.
    max_output_bytes : int
        Largest file the sandbox may write (its stdout/stderr logs included).
    """

    cell_timeout: float = 60.0
    part_timeout: float = 60.0
    submission_timeout: float = 600.0
    memory_bytes: int = 2 * 1024**3
    max_processes: int = 128
    max_output_bytes: int = 16 * 1024**2


CLOSE_WAIT_SECONDS = 5.0
"""How long :meth:`ProcessCgroup.close` waits for killed processes before deferring removal."""

_NAME = re.compile(r"^dlf-(\d+)-[0-9a-f]{12}$")
_pending: set[Path] = set()
_pending_lock = threading.Lock()


def _pids_cgroup_root() -> Path | None:
    for candidate in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if (candidate / "cgroup.procs").exists() and os.access(candidate, os.W_OK):
            if candidate.name == "cgroup" and "pids" not in _read(candidate / "cgroup.controllers"):
                continue
            return candidate
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


class ProcessCgroup:
    """A fresh ``pids`` cgroup with ``pids.max`` set; removed (and emptied) on :meth:`close`."""

    def __init__(self, max_processes: int) -> None:
        self.path: Path | None = None
        root = _pids_cgroup_root()
        if root is None:
            return
        path = root / f"dlf-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(max_processes))
            self.path = path
        except OSError:
            with contextlib.suppress(OSError):
                path.rmdir()

    @property
    def active(self) -> bool:
        """Whether the cgroup exists (and so the process limit is enforced)."""
        return self.path is not None

    def join(self) -> None:
        """Move the calling process into the cgroup (the launcher does this by path instead)."""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def close(self) -> None:
        """Kill what is left and remove the cgroup.

        Waits up to :data:`CLOSE_WAIT_SECONDS` for the killed processes to go; a cgroup that
        still cannot be removed then is left to :func:`release_leftover_cgroups`.
        """
        if self.path is None:
            return
        if not _kill_and_remove(self.path, CLOSE_WAIT_SECONDS):
            with _pending_lock:
                _pending.add(self.path)
        self.path = None


def _kill_all(path: Path) -> None:
    """SIGKILL every process listed in the cgroup at ``path`` (several rounds, for forks)."""
    for _ in range(50):
        pids = [int(p) for p in _read(path / "cgroup.procs").split()]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _kill_and_remove(path: Path, wait: float) -> bool:
    """Kill the cgroup's processes and remove it, retrying for ``wait`` seconds.

    Returns
    -------
    bool
        Whether the cgroup is gone.
    """
    deadline = time.monotonic() + wait
    while True:
        _kill_all(path)
        try:
            path.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def _owner_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists but belongs to another user
        pass
    return True


def release_leftover_cgroups(wait: float = 30.0) -> list[Path]:
    """Remove the cgroups whose removal was deferred, and those of dead grading processes.

    Parameters
    ----------
    wait : float
        Seconds to keep killing and retrying, in all.

    Returns
    -------
    list of Path
        The cgroups that are still there (their processes would not die in time), sorted.
    """
    with _pending_lock:
        targets = set(_pending)
    root = _pids_cgroup_root()
    if root is not None:
        for path in root.glob("dlf-*"):
            match = _NAME.match(path.name)
            owner = int(match.group(1)) if match else os.getpid()
            if owner != os.getpid() and not _owner_alive(owner):
                targets.add(path)
    deadline = time.monotonic() + wait
    left = []
    for path in sorted(targets):
        gone = _kill_and_remove(path, max(0.0, deadline - time.monotonic()))
        if gone:
            with _pending_lock:
                _pending.discard(path)
        else:
            left.append(path)
    return left


atexit.register(release_leftover_cgroups, 10.0)
