"""The launcher: it limits its own process, then execs the command (no ``preexec_fn``)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from autograder.sandbox import limits
from autograder.sandbox.launch import LAUNCH_FAILED, launcher_command, parse

REPORT = (
    "import json, os, resource, sys\n"
    "os.write(int(sys.argv[1]), b'via the inherited pipe')\n"
    "print(json.dumps({'pid': os.getpid(), 'sid': os.getsid(0),"
    " 'as': resource.getrlimit(resource.RLIMIT_AS),"
    " 'fsize': resource.getrlimit(resource.RLIMIT_FSIZE),"
    " 'core': resource.getrlimit(resource.RLIMIT_CORE),"
    " 'nproc': resource.getrlimit(resource.RLIMIT_NPROC),"
    " 'cgroup': open('/proc/self/cgroup').read()}))\n"
)
MEMORY = 3 * 1024**3 + 4096  # values no default would give
OUTPUT = 5 * 1024**2 + 512


def _launch(
    nproc: int | None, cgroup: limits.ProcessCgroup | None = None
) -> tuple[subprocess.Popen[str], dict, bytes]:
    read_end, write_end = os.pipe()
    cmd = launcher_command(
        [sys.executable, "-c", REPORT, str(write_end)],
        memory_bytes=MEMORY,
        max_output_bytes=OUTPUT,
        nproc=nproc,
        cgroup=None if cgroup is None else cgroup.path,
    )
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, text=True, pass_fds=(write_end,), start_new_session=True
    )
    os.close(write_end)
    out, _ = proc.communicate(timeout=60)
    with os.fdopen(read_end, "rb") as pipe:
        piped = pipe.read()
    assert proc.returncode == 0, out
    return proc, json.loads(out), piped


def test_the_command_runs_in_the_launched_process_with_its_limits() -> None:
    proc, seen, piped = _launch(nproc=37)
    # exec keeps the process: same pid as the one started, and the session subprocess made
    assert seen["pid"] == proc.pid and seen["sid"] == proc.pid
    assert seen["as"] == [MEMORY, MEMORY] and seen["fsize"] == [OUTPUT, OUTPUT]
    assert seen["core"] == [0, 0] and seen["nproc"] == [37, 37]
    assert piped == b"via the inherited pipe"


def test_without_the_fallback_the_process_limit_is_left_alone() -> None:
    _, seen, _ = _launch(nproc=None)
    assert seen["nproc"] == list(resource.getrlimit(resource.RLIMIT_NPROC))


def test_the_command_runs_inside_the_cgroup() -> None:
    cgroup = limits.ProcessCgroup(16)
    if not cgroup.active:
        pytest.skip("no writable pids cgroup here (needs root and the pids controller)")
    assert cgroup.path is not None
    name = cgroup.path.name
    try:
        _, seen, _ = _launch(nproc=None, cgroup=cgroup)
    finally:
        cgroup.close()
    assert name in seen["cgroup"]


def test_a_launch_that_cannot_start_exits_with_its_code_and_says_why() -> None:
    bad = launcher_command(
        ["/nonexistent/harness"],
        memory_bytes=MEMORY,
        max_output_bytes=OUTPUT,
        nproc=None,
        cgroup=None,
    )
    proc = subprocess.run(bad, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == LAUNCH_FAILED
    assert proc.stderr.startswith("launch: FileNotFoundError")


def test_parse_round_trips_and_rejects_malformed_arguments() -> None:
    cmd = launcher_command(
        ["prog", "--memory", "x"],
        memory_bytes=10,
        max_output_bytes=20,
        nproc=3,
        cgroup=None,
        python="py",
    )
    assert cmd[:2] == ["py", "-I"] and cmd[2].endswith("launch.py")
    options, command = parse(cmd[3:])
    assert options == {"--memory": "10", "--output": "20", "--nproc": "3"}
    assert command == ["prog", "--memory", "x"]  # what follows "--" is the command's own
    for argv in (
        ["--memory", "1"],
        ["--memory", "1", "--"],
        ["--memory", "--"],
        ["--x", "1", "--", "p"],
    ):
        with pytest.raises(ValueError):
            parse(argv)
