"""The restart policy: after a run of the harness ends, what to skip and whether to restart.

A run that ends with the harness done needs nothing more. A step that crashed the harness or
ran past its limit is skipped and the harness restarted in a fresh folder (the next run does
not execute that cell, or does not probe that part), so a fault costs only its own step. A run
that ended before any step started, or a submission out of its total time, ends grading: a
restart would only fail the same way. Restarts are bounded by :func:`max_runs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from autograder.sandbox.limits import Limits
from autograder.sandbox.watcher import Ending, RunEnd, step_limit


def step_timeout_why(seconds: float) -> str:
    """The words for a step killed at its limit of ``seconds``."""
    return f"time limit: it ran past {seconds:g} s and did not stop when interrupted"


class Action(Enum):
    """What the driver does after a run."""

    FINISH = "finish"  # the harness is done
    OUT_OF_TIME = "out of time"  # stop: parts without records failed on time
    GIVE_UP = "give up"  # stop: no step was running, every part failed
    SKIP_CELL = "skip cell"  # restart without the cell
    SKIP_PART = "skip part"  # restart without the part


@dataclass(frozen=True)
class Decision:
    """What to do after one run, and why.

    Attributes
    ----------
    action : Action
    status : str
        ``"timeout"`` (the step was killed on time) or ``"error"`` (the process ended); ``""``
        for :attr:`Action.FINISH` and :attr:`Action.OUT_OF_TIME`.
    why : str
        What ended the run, in words for the notes (``""`` when nothing went wrong).
    cell : int or None
        The cell to skip (:attr:`Action.SKIP_CELL`).
    part : str or None
        The part to skip (:attr:`Action.SKIP_PART`).
    """

    action: Action
    status: str = ""
    why: str = ""
    cell: int | None = None
    part: str | None = None

    @property
    def restart(self) -> bool:
        """Whether the harness runs again."""
        return self.action in (Action.SKIP_CELL, Action.SKIP_PART)


MAX_SKIPPED_CELLS = 50  # a notebook whose cells keep crashing is not worth more restarts


def max_runs(num_parts: int) -> int:
    """How many times the harness may start for a notebook graded on ``num_parts`` parts.

    The first run, one restart per part that may crash or hang, up to
    :data:`MAX_SKIPPED_CELLS` restarts for cells, and one spare.
    """
    return 2 + num_parts + MAX_SKIPPED_CELLS


def crash_why(exit_code: int | None) -> str:
    """The words for a harness that ended without saying it was done."""
    return (
        f"the process ended (exit code {exit_code}): a crash, exit(), or too much memory or output"
    )


def decide(end: RunEnd, limits: Limits) -> Decision:
    """What to skip and whether to restart after the run that ended as ``end``.

    ``limits`` gives the time limit a killed step ran past (stated in :attr:`Decision.why`).
    """
    if end.ending is Ending.DONE:
        return Decision(Action.FINISH)
    if end.ending is Ending.TOTAL_TIMEOUT:
        return Decision(Action.OUT_OF_TIME)
    killed = end.ending is Ending.STEP_TIMEOUT
    status = "timeout" if killed else "error"
    step = end.step
    if killed and step is not None:
        why = step_timeout_why(step_limit(step, limits))
    else:
        why = crash_why(end.exit_code)
    if step is None:
        return Decision(Action.GIVE_UP, status, why)
    if step.get("step") == "cell":
        return Decision(Action.SKIP_CELL, status, why, cell=int(step["index"]))
    return Decision(Action.SKIP_PART, status, why, part=str(step.get("part")))
