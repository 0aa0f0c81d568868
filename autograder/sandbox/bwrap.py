"""The bubblewrap command that runs the harness with no network and a private filesystem view.

Only the system's libraries, the Python installation, the virtual environment and the
``autograder`` package are visible (read-only), plus the submission's own work folder: not the
course repository (so neither ``solutions`` nor the grading specs), not other students' files,
not the gradebook. The network, PIDs, IPC and hostname are unshared.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
SANDBOX_WORK = "/sandbox"


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, if installed."""
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def bwrap_trial() -> tuple[bool, str]:
    """Whether bwrap can really start a sandbox here, found by one trial run (cached).

    bwrap is often installed where it cannot work: a Docker container (Gradescope's included)
    usually forbids creating user namespaces, and then every sandboxed run dies at once. The
    trial runs ``true`` with the same namespace flags as the real sandbox.

    Returns
    -------
    usable : bool
    why : str
        Empty when usable, else what went wrong (bwrap's own message when it gave one).
    """
    exe = bwrap_path()
    if exe is None:
        return False, "bubblewrap (bwrap) is not installed"
    cmd = [exe, "--die-with-parent", "--new-session", "--unshare-all"]
    cmd += ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        proc = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap could not be run ({exc})"
    if proc.returncode != 0:
        message = " ".join(proc.stderr.split())[:300] or f"exit code {proc.returncode}"
        return False, f"bwrap is installed but cannot create a sandbox here ({message})"
    return True, ""


def bwrap_usable() -> bool:
    """True when bwrap is installed and its trial run works (see :func:`bwrap_trial`)."""
    return bwrap_trial()[0]


def reduced_isolation_note() -> str:
    """What every result says when grading falls back to a plain limited process."""
    why = bwrap_trial()[1]
    fix = (
        "install it with `apt-get install bubblewrap`"
        if bwrap_path() is None
        else "allow user namespaces (e.g. run the container with --privileged or a seccomp "
        "profile that permits them)"
    )
    return (
        f"isolation is REDUCED: {why}, so the notebook ran as a plain process with resource "
        f"limits but could read this machine's files and use its network; {fix}"
    )


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
    # only the package is mounted in its parent folder: nothing else is importable from there
    return [*args, *harness_command(python, package_dir.parent)]


def harness_command(python: str, import_root: Path) -> list[str]:
    """The command that starts the harness with a ``sys.path`` the student cannot shadow.

    ``-I``: no ``PYTHONPATH``, no user site-packages, and not the current folder (the student's
    work folder) on ``sys.path``. ``import_root`` is a folder holding the ``autograder``
    package and nothing of the course's instructor side (the course is not always
    pip-installed: Gradescope puts it on ``PYTHONPATH``).
    """
    boot = (
        "import runpy, sys; "
        f"sys.path.insert(0, {str(import_root)!r}); "
        "runpy.run_module('autograder.sandbox.harness', run_name='__main__', alter_sys=True)"
    )
    return [python, "-I", "-c", boot]
