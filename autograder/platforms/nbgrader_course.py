"""Temporary nbgrader course folders: how the build and the grader drive nbgrader.

nbgrader wants a course folder (``source/``, ``release/``, ``submitted/``, a gradebook
database). The repository keeps text sources instead, so every nbgrader step runs in a fresh
temporary course folder holding a copy of the repository's ``nbgrader_config.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.course import course_root


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


def make_course(tmp: Path) -> Path:
    """Create an empty course folder in ``tmp`` with the repository's nbgrader config."""
    root = course_root()
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", tmp / "nbgrader_config.py")  # type: ignore[operator]
    return tmp


def run_nbgrader(
    course: Path, *args: str, timeout: float | None = None, env: dict[str, str] | None = None
) -> str:
    """Run ``nbgrader ARGS`` in ``course`` with the current interpreter; return its log.

    Raises
    ------
    NbgraderError
        If nbgrader exits non-zero.
    subprocess.TimeoutExpired
        If it runs longer than ``timeout`` seconds.
    """
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    # nbgrader runs the `alembic` and `jupyter` executables: put this interpreter's bin first.
    env = dict(os.environ if env is None else env)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    proc = subprocess.run(
        cmd, cwd=course, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-25:])
        raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{tail}")
    return log
