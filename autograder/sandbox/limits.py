"""Resource limits for a sandboxed run and how they are enforced.

Memory and file size are per-process rlimits (inherited by every child); the number of
processes uses a cgroup (``pids`` controller, v1 or v2) because ``RLIMIT_NPROC`` does not bind
root; wall time is enforced by the driver. When no cgroup can be created, the process limit
falls back to ``RLIMIT_NPROC`` and the run reports that isolation is reduced.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
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
        path = root / f"dlf-{uuid.uuid4().hex[:12]}"
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
        """Move the calling process into the cgroup (call in the child before exec)."""
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self) -> None:
        """SIGKILL every process still in the cgroup."""
        if self.path is None:
            return
        for _ in range(50):
            pids = [int(p) for p in _read(self.path / "cgroup.procs").split()]
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        """Kill what is left and remove the cgroup (waiting up to 5 s for the processes to go)."""
        if self.path is None:
            return
        deadline = time.monotonic() + 5.0
        while True:
            self.kill_all()
            try:
                self.path.rmdir()
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        self.path = None


def apply_rlimits(limits: Limits, *, nproc_fallback: bool) -> None:
    """Set the calling process's rlimits (call in the child before exec)."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_output_bytes, limits.max_output_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nproc_fallback:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
