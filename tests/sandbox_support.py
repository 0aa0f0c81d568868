"""What the isolation tests need to know about this machine, scoped to what the tests start.

``SANDBOX_SKIP`` skips a test where bubblewrap cannot run a sandbox here, except under CI
(``CI`` set), where isolation must be tested: there the tests run, and fail if it does not work.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.sandbox.bwrap import bwrap_usable


def bwrap_works() -> bool:
    """Whether ``bwrap`` is installed AND can create the namespaces a sandbox needs here."""
    return bwrap_usable()


ON_CI = bool(os.environ.get("CI"))
SANDBOX_SKIP = pytest.mark.skipif(
    not ON_CI and not bwrap_works(),
    reason="bubblewrap is not installed or cannot create namespaces here (not skipped on CI)",
)


def descendants(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid`` with its command line (read from ``/proc``)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # the command name in stat may hold spaces and parentheses: the ppid follows the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        commands[int(entry.name)] = cmd.strip()
    out: dict[int, str] = {}
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        out[child] = commands.get(child, "")
        todo += children.get(child, [])
    return out
