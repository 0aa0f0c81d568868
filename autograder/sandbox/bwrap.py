"""The bubblewrap command that runs the harness with no network and a private filesystem view.

Only the system's libraries, the Python installation, the virtual environment and the
``autograder`` package are visible (read-only), plus the submission's own work folder: not the
course repository (so neither ``solutions`` nor the grading specs), not other students' files,
not the gradebook. The network, PIDs, IPC and hostname are unshared.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
SANDBOX_WORK = "/sandbox"


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, if installed."""
    return shutil.which("bwrap")


def _bind_system() -> list[str]:
    args: list[str] = []
    for d in SYSTEM_DIRS:
        p = Path(d)
        if p.is_symlink():
            args += ["--symlink", str(p.readlink()), d]
        elif p.is_dir():
            args += ["--ro-bind", d, d]
    return args


def sandbox_command(work: Path, package_dir: Path, env: dict[str, str]) -> list[str]:
    """The full command: bwrap, its mounts and environment, then the harness.

    Parameters
    ----------
    work : Path
        The submission's work folder (mounted read-write at ``/sandbox``).
    package_dir : Path
        The ``autograder`` package folder (mounted read-only at the same path).
    env : dict
        Environment variables set inside (nothing else is inherited).
    """
    exe = bwrap_path()
    if exe is None:
        raise FileNotFoundError("bwrap is not installed")
    prefixes = sorted({str(Path(sys.base_prefix).resolve()), str(Path(sys.prefix).resolve())})
    args = [exe, "--die-with-parent", "--new-session", "--unshare-all", "--clearenv"]
    # fresh /tmp, /proc and /dev first: a later mount would hide binds below them
    args += ["--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"]
    args += _bind_system()
    for prefix in prefixes:
        args += ["--ro-bind", prefix, prefix]
    if Path(sys.prefix) != Path(sys.prefix).resolve():
        args += ["--ro-bind", sys.prefix, sys.prefix]
    args += ["--ro-bind", str(package_dir), str(package_dir)]
    args += ["--bind", str(work), SANDBOX_WORK, "--chdir", SANDBOX_WORK]
    for key, value in env.items():
        args += ["--setenv", key, value]
    python = str(Path(sys.executable))
    # -I: no PYTHONPATH, no user site, no current folder on sys.path (the student's folder)
    return [*args, python, "-I", "-m", "autograder.sandbox.harness"]
