"""The restart policy: what a run's end costs (skip a cell, skip a part, stop) and the bound."""

from __future__ import annotations

from typing import Any

from autograder.sandbox.limits import Limits
from autograder.sandbox.policy import Action, Decision, decide, max_runs
from autograder.sandbox.watcher import SUBMISSION_STEP, Ending, RunEnd

CELL = {"type": "event", "event": "start", "step": "cell", "index": 3}
PART = {"type": "event", "event": "start", "step": "part", "part": "test_l1"}
CRASH_WHY = "the process ended (exit code -9): a crash, exit(), or too much memory or output"
LIMITS = Limits(cell_timeout=7, part_timeout=11, submission_timeout=100)
CELL_TIMEOUT_WHY = "time limit: it ran past 7 s and did not stop when interrupted"
PART_TIMEOUT_WHY = "time limit: it ran past 11 s and did not stop when interrupted"


def _end(ending: Ending, step: dict[str, Any] | None, code: int | None = -9) -> RunEnd:
    return RunEnd(ending, step, code, started=True)


def test_done_finishes_and_the_total_limit_stops_without_a_restart() -> None:
    assert decide(_end(Ending.DONE, None, 0), LIMITS) == Decision(Action.FINISH)
    out = decide(_end(Ending.TOTAL_TIMEOUT, PART), LIMITS)
    assert out == Decision(Action.OUT_OF_TIME) and not out.restart
    between_steps = _end(Ending.TOTAL_TIMEOUT, dict(SUBMISSION_STEP))
    assert decide(between_steps, LIMITS).action is Action.OUT_OF_TIME


def test_a_crash_skips_the_running_step_and_restarts() -> None:
    cell = decide(_end(Ending.CRASH, CELL), LIMITS)
    assert cell == Decision(Action.SKIP_CELL, "error", CRASH_WHY, cell=3) and cell.restart
    part = decide(_end(Ending.CRASH, PART), LIMITS)
    assert part == Decision(Action.SKIP_PART, "error", CRASH_WHY, part="test_l1") and part.restart


def test_a_step_timeout_skips_the_step_as_a_timeout_and_states_its_own_limit() -> None:
    assert decide(_end(Ending.STEP_TIMEOUT, CELL), LIMITS) == Decision(
        Action.SKIP_CELL, "timeout", CELL_TIMEOUT_WHY, cell=3
    )
    assert decide(_end(Ending.STEP_TIMEOUT, PART), LIMITS) == Decision(
        Action.SKIP_PART, "timeout", PART_TIMEOUT_WHY, part="test_l1"
    )


def test_a_crash_before_any_step_gives_up_and_names_the_exit_code() -> None:
    out = decide(RunEnd(Ending.CRASH, None, 1, started=False), LIMITS)
    why = "the process ended (exit code 1): a crash, exit(), or too much memory or output"
    assert out == Decision(Action.GIVE_UP, "error", why) and not out.restart


def test_restarts_are_bounded() -> None:
    # one run, one restart per part, and 50 for cells: 2 + 7 + 50 for seven parts
    assert max_runs(7) == 59
    assert max_runs(0) == 52
