"""The launcher: a tiny program that limits its own process, then becomes the harness's command.

The driver grades several submissions at once from a thread pool, where ``subprocess``'s
``preexec_fn`` is unsafe (Python's documentation warns it can deadlock once threads exist).
So the driver starts this file as a program instead::

    python -I .../launch.py --memory BYTES --output BYTES [--nproc N] [--cgroup DIR] -- CMD...

It joins the ``pids`` cgroup ``DIR`` (if given), sets its rlimits (address space, file size,
no core files and, when there is no cgroup, ``RLIMIT_NPROC``), then ``os.execvp``'s ``CMD``,
which keeps the process id, the session the driver started it in (``start_new_session``), the
cgroup, the rlimits and the inherited file descriptors. It imports only the standard library
(so ``python -I`` can run it wherever the course is installed) and does nothing after the exec.
If a step fails it exits with :data:`LAUNCH_FAILED` and says why on standard error, which the
driver reports like any harness that failed to start.
"""

from __future__ import annotations

import os
import resource
import sys
from collections.abc import Sequence
from pathlib import Path

LAUNCH_FAILED = 125
"""Exit code of a launch that failed before the command could start."""


def launcher_command(
    command: Sequence[str],
    *,
    memory_bytes: int,
    max_output_bytes: int,
    nproc: int | None,
    cgroup: Path | None,
    python: str = sys.executable,
) -> list[str]:
    """The command that starts ``command`` through this launcher.

    Parameters
    ----------
    command : sequence of str
        The real command (its first item an absolute path, or a name on ``PATH``).
    memory_bytes, max_output_bytes : int
        ``RLIMIT_AS`` and ``RLIMIT_FSIZE`` (``RLIMIT_CORE`` is always 0).
    nproc : int or None
        ``RLIMIT_NPROC``, set only when given (the fallback when no cgroup limits processes).
    cgroup : Path or None
        A ``pids`` cgroup folder to join before the exec.
    python : str
        The interpreter that runs the launcher.
    """
    args = [python, "-I", str(Path(__file__).resolve())]
    args += ["--memory", str(int(memory_bytes)), "--output", str(int(max_output_bytes))]
    if nproc is not None:
        args += ["--nproc", str(int(nproc))]
    if cgroup is not None:
        args += ["--cgroup", str(cgroup)]
    return [*args, "--", *command]


def parse(argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Split ``argv`` into the options before ``--`` and the command after it.

    Raises
    ------
    ValueError
        On an unknown or valueless option, or when no command follows ``--``.
    """
    if "--" not in argv:
        raise ValueError("no '--' before the command")
    split = list(argv).index("--")
    head, command = list(argv[:split]), list(argv[split + 1 :])
    if not command:
        raise ValueError("no command after '--'")
    if len(head) % 2:
        raise ValueError(f"an option without a value in {head}")
    options = dict(zip(head[::2], head[1::2], strict=True))
    unknown = set(options) - {"--memory", "--output", "--nproc", "--cgroup"}
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}")
    return options, command


def apply_limits(options: dict[str, str]) -> None:
    """Join the cgroup and set the rlimits the options name, in the calling process."""
    if "--cgroup" in options:
        (Path(options["--cgroup"]) / "cgroup.procs").write_text(str(os.getpid()))
    memory = int(options["--memory"])
    output = int(options["--output"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if "--nproc" in options:
        nproc = int(options["--nproc"])
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def main(argv: Sequence[str]) -> int:
    """Limit this process as ``argv`` says, then exec the command (returns only on failure)."""
    try:
        options, command = parse(argv)
        apply_limits(options)
        os.execvp(command[0], command)
    except (ValueError, KeyError, OSError) as exc:
        print(f"launch: {type(exc).__name__}: {exc}", file=sys.stderr)
    return LAUNCH_FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
