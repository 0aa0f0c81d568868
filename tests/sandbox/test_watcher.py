"""The watcher, on fake harnesses: what ended a run, and when a hung step is killed.

Two kinds of fakes: in-process runs on a fake clock (every poll advances it by exactly one
second, so the moment of a kill follows from the limits by hand), and tiny Python programs that
speak the frame protocol of :mod:`autograder.sandbox.channel` over a real pipe (done, a crash
mid-part, a hang, ``os._exit`` before any step, garbage frames). No bwrap; each runs in well
under a second.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from autograder.sandbox.channel import ResultReader
from autograder.sandbox.limits import Limits
from autograder.sandbox.watcher import (
    SUBMISSION_STEP,
    Ending,
    Kill,
    run_end,
    running_step,
    watch,
)

CELL0_START = {"type": "event", "event": "start", "step": "cell", "index": 0, "size": 0}


def _event(event: str, **what: Any) -> dict[str, Any]:
    return {"type": "event", "event": event, **what}


# ----------------------------------------------------------- in-process fakes on a fake clock


@dataclass
class ScriptedRun:
    """A fake harness whose events at time ``t`` are ``script(t)``; it dies at ``dies_at``."""

    script: Callable[[float], list[dict[str, Any]]]
    dies_at: float = float("inf")
    now: float = 0.0
    polls: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, _seconds: float) -> None:
        self.now += 1.0  # one fake second per poll, whatever the poll interval is

    def alive(self) -> bool:
        return self.now < self.dies_at

    def events(self) -> list[dict[str, Any]]:
        self.polls.append(self.now)
        return self.script(self.now)


def _watch(run: ScriptedRun, limits: Limits, grace: float = 2.0) -> Kill | None:
    return watch(run, limits, 0.0, grace=grace, clock=run.clock, sleep=run.sleep)


def test_a_step_is_killed_once_past_its_limit_and_the_grace() -> None:
    run = ScriptedRun(lambda t: [_event("start", step="cell", index=4)])
    kill = _watch(run, Limits(cell_timeout=3, part_timeout=100, submission_timeout=1000))
    # first seen at the first poll (t = 1); killed at the first t with t - 1 > 3 + 2, t = 7
    assert kill == Kill(Ending.STEP_TIMEOUT, _event("start", step="cell", index=4))
    assert run.now == 7


def test_a_part_uses_the_part_limit_and_a_new_step_restarts_its_clock() -> None:
    def script(t: float) -> list[dict[str, Any]]:
        events = [_event("start", step="part", part="p1")]
        if t >= 4:  # p1 ends at t = 4 and p2 starts
            events += [
                _event("end", step="part", part="p1"),
                _event("start", step="part", part="p2"),
            ]
        return events

    run = ScriptedRun(script)
    kill = _watch(run, Limits(cell_timeout=1, part_timeout=5, submission_timeout=1000))
    # p1 seen from t = 1 would be killed at t = 9 (t - 1 > 7), but p2 starts at t = 4, so
    # p2 is killed at the first t with t - 4 > 5 + 2, t = 12
    assert kill is not None and kill.ending is Ending.STEP_TIMEOUT
    assert kill.step["part"] == "p2" and run.now == 12


def test_the_total_limit_counts_from_the_first_run_and_names_the_running_step() -> None:
    run = ScriptedRun(lambda t: [_event("start", step="part", part="p3")], now=0.0)
    kill = watch(
        run,
        Limits(cell_timeout=100, part_timeout=100, submission_timeout=5),
        -10.0,  # the submission's first run started 10 s before this one
        grace=2.0,
        clock=run.clock,
        sleep=run.sleep,
    )
    # elapsed = t + 10 > 5 already at the first poll, t = 1
    assert kill == Kill(Ending.TOTAL_TIMEOUT, _event("start", step="part", part="p3"))
    assert run.now == 1


def test_the_total_limit_between_steps_kills_the_submission_step() -> None:
    run = ScriptedRun(
        lambda t: [_event("start", step="cell", index=0), _event("end", step="cell", index=0)]
    )
    kill = _watch(run, Limits(cell_timeout=100, part_timeout=100, submission_timeout=5))
    assert kill == Kill(Ending.TOTAL_TIMEOUT, SUBMISSION_STEP) and run.now == 6  # 6 > 5


def _done_at(when: float) -> ScriptedRun:
    return ScriptedRun(
        lambda t: [_event("start", step="cell", index=1)] + ([_event("done")] if t >= when else [])
    )


def test_done_ends_the_watch_unless_a_kill_came_first_and_so_does_a_dead_process() -> None:
    limits = Limits(cell_timeout=2, submission_timeout=1000)
    # cell 1 is first seen at t = 1 and would be killed at the first t with t - 1 > 2 + 0, t = 4
    early = _done_at(3)
    assert _watch(early, limits, grace=0) is None and early.now == 3
    late = _done_at(5)
    assert _watch(late, limits, grace=0) == Kill(
        Ending.STEP_TIMEOUT, _event("start", step="cell", index=1)
    )
    assert late.now == 4
    dead = ScriptedRun(lambda t: [_event("start", step="cell", index=1)], dies_at=3)
    assert _watch(dead, Limits(cell_timeout=100, submission_timeout=1000)) is None
    # alive when checked at t = 0, 1, 2, each check followed by a poll one second later;
    # dead when checked at t = 3
    assert dead.polls == [1.0, 2.0, 3.0]


def test_running_step_and_run_end() -> None:
    start0 = _event("start", step="cell", index=0)
    start_p = _event("start", step="part", part="p")
    assert running_step([]) is None
    assert running_step([start0, _event("end", step="cell", index=0)]) is None
    assert running_step([start0, _event("end"), start_p]) == start_p
    assert run_end(None, [], 1).ending is Ending.CRASH and not run_end(None, [], 1).started
    crash = run_end(None, [start0, _event("end"), start_p], -9)
    assert (crash.ending, crash.step, crash.exit_code, crash.started) == (
        Ending.CRASH,
        start_p,
        -9,
        True,
    )
    done = run_end(None, [start0, _event("done")], 0)
    assert done.ending is Ending.DONE and done.step is None
    # a run the watcher killed stays killed even if "done" was read after the kill
    killed = run_end(Kill(Ending.STEP_TIMEOUT, start_p), [start_p, _event("done")], -9)
    assert killed.ending is Ending.STEP_TIMEOUT and killed.step == start_p


# ------------------------------------------------- fake harness programs over a real pipe

FAKE_PRELUDE = """
import os, sys, time
from autograder.sandbox.channel import send
fd = int(sys.argv[1])
def ev(**event):
    send(fd, {"type": "event", **event})
"""


@dataclass
class _Live:
    proc: subprocess.Popen[bytes]
    reader: ResultReader

    def alive(self) -> bool:
        return self.proc.poll() is None

    def events(self) -> list[dict[str, Any]]:
        return self.reader.snapshot()


def _run_fake(body: str, limits: Limits, grace: float = 0.05) -> tuple[Any, ResultReader]:
    """Run the fake harness ``body``, watch it, stop it like the driver does; return the end."""
    read_end, write_end = os.pipe()
    code = FAKE_PRELUDE + textwrap.dedent(body)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(write_end)],
        pass_fds=(write_end,),
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )
    os.close(write_end)
    reader = ResultReader(os.fdopen(read_end, "rb")).start()
    live = _Live(proc, reader)

    t0 = time.monotonic()

    def clock() -> float:
        # time stands still until the fake's first event: a slow interpreter start on a busy
        # machine cannot use up a limit before the fake has done anything
        return time.monotonic() - t0 if reader.snapshot() else 0.0

    try:
        kill = watch(live, limits, 0.0, grace=grace, clock=clock)
    finally:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join()
    return run_end(kill, reader.snapshot(), proc.returncode), reader


ROOMY = Limits(cell_timeout=30, part_timeout=30, submission_timeout=60)


def test_fake_harness_done_then_lingering_is_done_with_its_records() -> None:
    end, reader = _run_fake(
        """
        ev(event="start", step="cell", index=0); ev(event="end", step="cell", index=0)
        ev(event="start", step="part", part="p")
        send(fd, {"type": "records", "part": "p"}, b"raw-records")
        ev(event="end", step="part", part="p"); ev(event="done", printed=0)
        time.sleep(30)  # a thread the student left behind: the watcher must not wait for it
        """,
        ROOMY,
    )
    assert end.ending is Ending.DONE and end.step is None and end.started
    assert end.exit_code == -signal.SIGKILL  # it was still running when stopped
    assert reader.records == {"p": b"raw-records"}


def test_fake_harness_crashing_mid_part_names_the_part_and_its_exit_code() -> None:
    end, reader = _run_fake(
        """
        ev(event="start", step="cell", index=0); ev(event="end", step="cell", index=0)
        ev(event="start", step="part", part="p1")
        os._exit(3)
        """,
        ROOMY,
    )
    assert end.ending is Ending.CRASH and end.exit_code == 3
    assert end.step == {"type": "event", "event": "start", "step": "part", "part": "p1", "size": 0}
    assert reader.records == {}


def test_fake_harness_hanging_in_a_cell_past_its_limit_is_killed() -> None:
    end, _ = _run_fake(
        """
        ev(event="start", step="cell", index=2)
        time.sleep(30)  # ignores the alarm
        """,
        Limits(cell_timeout=0.05, part_timeout=30, submission_timeout=60),
    )
    assert end.ending is Ending.STEP_TIMEOUT and end.step is not None
    assert end.step["index"] == 2 and end.exit_code == -signal.SIGKILL


def test_fake_harness_out_of_total_time_in_a_part() -> None:
    end, _ = _run_fake(
        """
        ev(event="start", step="part", part="slow")
        time.sleep(30)
        """,
        Limits(cell_timeout=30, part_timeout=30, submission_timeout=0.1),
    )
    assert end.ending is Ending.TOTAL_TIMEOUT and end.step is not None
    assert end.step["part"] == "slow"


def test_fake_harness_exiting_before_any_step_sent_nothing() -> None:
    end, _ = _run_fake("os._exit(1)", ROOMY)
    assert (end.ending, end.step, end.exit_code, end.started) == (Ending.CRASH, None, 1, False)


def test_fake_harness_garbage_frame_stops_reading_what_follows() -> None:
    end, reader = _run_fake(
        """
        ev(event="start", step="cell", index=0)
        os.write(fd, b"\\x00\\x00\\x00\\x05notjs")  # a 5-byte header that is not JSON
        ev(event="end", step="cell", index=0)
        ev(event="done", printed=0)
        """,
        ROOMY,
    )
    # the reader stops at the malformed frame, so neither "end" nor "done" counts: the harness
    # exited (code 0) while, as far as the driver can tell, cell 0 was running
    assert reader.problem == "frame header is not JSON"
    assert end.ending is Ending.CRASH and end.exit_code == 0
    assert end.step == CELL0_START


@pytest.mark.parametrize(
    "forged",
    [
        {"step": "cell", "index": "x"},
        {"step": "cell", "index": True},
        {"step": "cell", "index": -1},
        {"step": "cell"},
        {"step": "part", "part": 3},
        {"step": "oops"},
    ],
)
def test_a_forged_start_event_names_no_step(forged: dict[str, Any]) -> None:
    """The sandbox can send any event: a malformed step is ignored, never trusted or fatal."""
    from autograder.sandbox.policy import Action, decide

    events = [_event("start", **forged)]
    assert running_step(events) is None
    assert decide(run_end(None, events, -9), Limits()).action is Action.GIVE_UP
