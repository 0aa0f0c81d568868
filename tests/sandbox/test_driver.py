"""The restart loop of ``run_submission``, end to end with a fake harness (no bwrap).

The fake harness is a small Python program started exactly as the real one is in the no-bwrap
fallback (through the launcher, in a fresh work folder, plan on standard input, frames on the
result pipe). It walks the plan like the harness does and, per step, does what the test says:
``ok``, ``crash`` (``os._exit(7)``) or ``hang`` (sleeps, ignoring every limit). The expected
notes, skipped cells, failed parts and records follow from that script and the restart policy.
"""

from __future__ import annotations

import functools
import json
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.judging.spec import AssignmentSpec, Case, Check, Part
from autograder.sandbox import driver, watcher
from autograder.sandbox.bwrap import reduced_isolation_note
from autograder.sandbox.driver import IsolatedCases, Limits, run_submission

FAKE = """
import json, os, resource, sys, time
from autograder.sandbox.channel import read_frame, send
from autograder.sandbox.recordfile import encode_records
SCRIPT = json.loads({script!r})
header, _ = read_frame(sys.stdin.buffer)
plan = header["plan"]
fd = plan["result_fd"]
def ev(**event):
    send(fd, {{"type": "event", **event}})
def act(what):
    if what == "crash":
        os._exit(7)
    if what == "hang":
        time.sleep(60)
for index, what in enumerate(SCRIPT["cells"]):
    if index in plan["skip_cells"]:
        continue
    ev(event="start", step="cell", index=index)
    act(what)
    if what == "stopped":  # what the harness says of a cell its alarm interrupted
        ev(event="timeout", step="cell", index=index)
    ev(event="end", step="cell", index=index)
memory = resource.getrlimit(resource.RLIMIT_AS)[0]
for part in plan["parts"]:
    pid, n = part["id"], len(part["case_args"])
    if pid in plan["skip_parts"]:
        continue
    ev(event="start", step="part", part=pid)
    act(SCRIPT["parts"][pid])
    records = [{{"case": i, "memory": memory}} for i in range(n)]
    send(fd, {{"type": "records", "part": pid}}, encode_records(records))
    ev(event="end", step="part", part=pid)
ev(event="done", printed=0)
os._exit(0)
"""
MEMORY = 3 * 1024**3 + 8192  # no default: the fake reports it, so the launcher must have set it
DIED = "the notebook's process died while this part ran (exit(), a crash, or memory)"
CRASH_WHY = "the process ended (exit code {}): a crash, exit(), or too much memory or output"


def _cases(n: int) -> list[tuple[Case, bool]]:
    return [(Case(f"c{i}", {"x": np.arange(3.0) + i}), i > 0) for i in range(n)]


def _ic(counts: dict[str, int]) -> IsolatedCases:
    parts = tuple(
        Part(pid, pid.upper(), ("f",), 1.0, "call", (Check("match", "out"),)) for pid in counts
    )
    spec = AssignmentSpec("fake", parts, "fake_reference")
    cases = {pid: _cases(n) for pid, n in counts.items()}
    return IsolatedCases(spec, cases, {pid: [None] * n for pid, n in counts.items()})


def _run(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    script: Any,
    ic: IsolatedCases,
    limits: Limits,
    watch: Any = None,
) -> tuple[dict, driver.SandboxRun]:
    """Run ``script`` as the fake harness (``code`` when a string), watched by ``watch``."""
    code = script if isinstance(script, str) else FAKE.format(script=json.dumps(script))
    monkeypatch.setattr(driver, "bwrap_usable", lambda: False)
    monkeypatch.setattr(driver, "harness_command", lambda python, root: [python, "-c", code])
    monkeypatch.setattr(driver, "watch", watch or functools.partial(watcher.watch, grace=0.05))
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text('{"cells": []}')
    return run_submission(notebook, ic, limits, tmp_path / "work")


def test_each_fault_costs_only_its_step_and_the_rest_is_graded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counts = {"p1": 2, "p2": 1, "p3": 3, "p4": 2}
    script = {
        "cells": ["ok", "crash", "ok"],
        "parts": {"p1": "ok", "p2": "hang", "p3": "crash", "p4": "ok"},
    }
    limits = Limits(part_timeout=0.05, submission_timeout=60, memory_bytes=MEMORY)
    records, run = _run(monkeypatch, tmp_path, script, _ic(counts), limits)
    # run 0: cell 1 crashes -> skipped; run 1: p1 sent, p2 hangs -> killed;
    # run 2: p3 crashes; run 3: p4 sent, done
    assert run.restarts == 3 and not run.isolated
    assert run.skipped_cells == {1: "error: " + CRASH_WHY.format(7)}
    assert run.failed_parts == {"p2": "timeout", "p3": "error"}
    assert run.notes == [reduced_isolation_note()]
    for pid in ("p1", "p4"):
        assert records[pid] == [{"case": i, "memory": MEMORY} for i in range(counts[pid])]
    timeout = (
        "time limit: this part did not finish within 0.05 s "
        "(or the submission within its total of 60 s)"
    )
    assert records["p2"] == [{"__error__": timeout, "__status__": "timeout", "__fault__": True}]
    assert records["p3"] == [{"__error__": DIED, "__status__": "error", "__fault__": True}] * 3
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["host"]  # runs cleaned up
    assert resource.getrlimit(resource.RLIMIT_AS)[0] != MEMORY  # set in the child only


def test_out_of_total_time_keeps_what_arrived(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counts = {"p1": 1, "p2": 2}
    script = {"cells": ["ok"], "parts": {"p1": "ok", "p2": "hang"}}
    limits = Limits(part_timeout=100, submission_timeout=0.5)

    def watch_from_p1(run: Any, limits: Limits, start: float, **_: Any) -> Any:
        # the total time counts from the end of p1: however slowly the fake starts, p1 is in
        def clock() -> float:
            ended = any(e.get("event") == "end" and e.get("part") == "p1" for e in run.events())
            return time.monotonic() if ended else start

        return watcher.watch(run, limits, start, grace=0.05, clock=clock)

    records, run = _run(monkeypatch, tmp_path, script, _ic(counts), limits, watch_from_p1)
    assert run.restarts == 0 and run.failed_parts == {"p2": "timeout"}
    assert run.notes[1:] == ["the submission ran out of its total time limit"]
    assert records["p1"][0]["case"] == 0
    assert records["p2"][0]["__status__"] == "timeout" and len(records["p2"]) == 2


def test_a_harness_that_never_starts_fails_every_part_and_quotes_its_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code = "import os\nos.write(2, b'one\\ntwo\\nthree\\nfour\\n')\nos._exit(4)"
    records, run = _run(monkeypatch, tmp_path, code, _ic({"p1": 1, "p2": 1}), Limits())
    # the grader's own failure: the instructor gets its stderr, the student a plain note
    assert run.notes[1:] == ["the grader could not start: your instructor has been told"]
    assert run.problems == ["grader start-up failed: two | three | four"]  # last three lines
    assert run.failed_parts == {"p1": "error", "p2": "error"} and run.restarts == 0
    assert records == {
        pid: [{"__error__": DIED, "__status__": "error", "__fault__": True}] for pid in ("p1", "p2")
    }


def test_a_cell_stopped_at_its_limit_is_recorded_without_a_restart(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    script = {"cells": ["ok", "stopped", "ok"], "parts": {"p1": "ok"}}
    limits = Limits(cell_timeout=7, submission_timeout=60)
    records, run = _run(monkeypatch, tmp_path, script, _ic({"p1": 1}), limits)
    assert run.stopped_cells == {1: 7} and run.skipped_cells == {} and run.restarts == 0
    assert records["p1"][0]["case"] == 0
