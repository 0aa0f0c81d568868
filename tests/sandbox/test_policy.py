"""The restart policy: what a run's end costs (skip a cell, skip a part, stop) and the bound."""

from __future__ import annotations

from typing import Any

from autograder.sandbox.policy import Action, Decision, decide, max_runs
from autograder.sandbox.watcher import SUBMISSION_STEP, Ending, RunEnd

CELL = {"type": "event", "event": "start", "step": "cell", "index": 3}
PART = {"type": "event", "event": "start", "step": "part", "part": "test_l1"}
CRASH_WHY = "the process ended (exit code -9): a crash, exit(), or too much memory or output"
TIMEOUT_WHY = "time limit (the code did not stop when interrupted)"


def _end(ending: Ending, step: dict[str, Any] | None, code: int | None = -9) -> RunEnd:
    return RunEnd(ending, step, code, started=True)


def test_done_finishes_and_the_total_limit_stops_without_a_restart() -> None:
    assert decide(_end(Ending.DONE, None, 0)) == Decision(Action.FINISH)
    out = decide(_end(Ending.TOTAL_TIMEOUT, PART))
    assert out == Decision(Action.OUT_OF_TIME) and not out.restart
    assert decide(_end(Ending.TOTAL_TIMEOUT, dict(SUBMISSION_STEP))).action is Action.OUT_OF_TIME


def test_a_crash_skips_the_running_step_and_restarts() -> None:
    cell = decide(_end(Ending.CRASH, CELL))
    assert cell == Decision(Action.SKIP_CELL, "error", CRASH_WHY, cell=3) and cell.restart
    part = decide(_end(Ending.CRASH, PART))
    assert part == Decision(Action.SKIP_PART, "error", CRASH_WHY, part="test_l1") and part.restart


def test_a_step_timeout_skips_the_step_as_a_timeout() -> None:
    assert decide(_end(Ending.STEP_TIMEOUT, CELL)) == Decision(
        Action.SKIP_CELL, "timeout", TIMEOUT_WHY, cell=3
    )
    assert decide(_end(Ending.STEP_TIMEOUT, PART)) == Decision(
        Action.SKIP_PART, "timeout", TIMEOUT_WHY, part="test_l1"
    )


def test_a_crash_before_any_step_gives_up_and_names_the_exit_code() -> None:
    out = decide(RunEnd(Ending.CRASH, None, 1, started=False))
    why = "the process ended (exit code 1): a crash, exit(), or too much memory or output"
    assert out == Decision(Action.GIVE_UP, "error", why) and not out.restart


def test_restarts_are_bounded() -> None:
    # one run, one restart per part, and 50 for cells: 2 + 7 + 50 for seven parts
    assert max_runs(7) == 59
    assert max_runs(0) == 52
