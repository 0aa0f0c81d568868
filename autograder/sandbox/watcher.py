"""The watcher: follows one run of the harness and says what ended it.

It reads only the progress events the harness sent over the result pipe (see :mod:`.channel`)
and whether the process is still alive. While the run goes on it enforces the limits: a step
(cell or part) still running :data:`KILL_GRACE` seconds past its own limit (the harness's alarm
did not stop it), or a submission past its total time, is to be killed. Once the harness has
been stopped, :func:`run_end` names what ended the run (:class:`Ending`) and the step that was
running then.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from autograder.sandbox.limits import Limits

KILL_GRACE = 5.0  # seconds past a step's limit before the driver kills a harness that ignores it
POLL_SECONDS = 0.05
SUBMISSION_STEP: dict[str, Any] = {"step": "submission"}
"""The "step" killed by the total time limit when no step was running."""

Event = dict[str, Any]


class Ending(Enum):
    """What ended one run of the harness."""

    DONE = "done"  # the harness said it finished every step
    CRASH = "crash"  # the process ended without saying it was done
    STEP_TIMEOUT = "step timeout"  # killed: a step ran past its limit and the grace
    TOTAL_TIMEOUT = "total timeout"  # killed: the submission ran past its total time


class Watched(Protocol):
    """What the watcher needs of a started harness."""

    def alive(self) -> bool:
        """Whether the process is still running."""
        ...

    def events(self) -> list[Event]:
        """A copy of the progress events received so far."""
        ...


@dataclass(frozen=True)
class Kill:
    """Why the watcher stopped a run that was still going."""

    ending: Ending
    step: Event


@dataclass(frozen=True)
class RunEnd:
    """How one run of the harness ended.

    Attributes
    ----------
    ending : Ending
    step : dict or None
        The step running when the run ended (``{"step": "cell", "index": i}`` or
        ``{"step": "part", "part": id}``; :data:`SUBMISSION_STEP` for a total timeout between
        steps); ``None`` when no step was running.
    exit_code : int or None
        The process's exit code (negative: killed by that signal).
    started : bool
        Whether the harness sent any event at all (``False``: it failed to start).
    """

    ending: Ending
    step: Event | None
    exit_code: int | None
    started: bool


def is_step(event: Event) -> bool:
    """Whether ``event`` names a step well: a cell by its integer index, or a part by its id.

    Events come from the sandbox, so a forged one (an index that is not a number) is ignored
    rather than trusted.
    """
    if event.get("step") == "cell":
        index = event.get("index")
        return isinstance(index, int) and not isinstance(index, bool) and index >= 0
    return event.get("step") == "part" and isinstance(event.get("part"), str)


def running_step(events: list[Event]) -> Event | None:
    """The last well-formed step that started and did not end."""
    open_step = None
    for event in events:
        if event.get("event") == "start" and is_step(event):
            open_step = event
        elif event.get("event") == "end":
            open_step = None
    return open_step


def is_done(events: list[Event]) -> bool:
    """Whether the harness said it is done."""
    return any(e.get("event") == "done" for e in events)


def step_limit(step: Event, limits: Limits) -> float:
    """Seconds ``step`` may run (its own limit, before the grace)."""
    return limits.cell_timeout if step.get("step") == "cell" else limits.part_timeout


class StepClock:
    """When the step now running was first seen running (a new step restarts the clock)."""

    def __init__(self) -> None:
        self.key = ""
        self.since = 0.0

    def seconds(self, step: Event, now: float) -> float | None:
        """Seconds ``step`` has been seen running, or ``None`` when it was not seen before."""
        key = json.dumps(step, sort_keys=True)
        if key != self.key:
            self.key, self.since = key, now
            return None
        return now - self.since


def check_limits(
    events: list[Event], limits: Limits, clock: StepClock, now: float, elapsed: float, grace: float
) -> Kill | None:
    """The kill the limits call for after ``elapsed`` seconds of the submission, if any."""
    step = running_step(events)
    if elapsed > limits.submission_timeout:
        return Kill(Ending.TOTAL_TIMEOUT, step or dict(SUBMISSION_STEP))
    if step is None:
        return None
    seconds = clock.seconds(step, now)
    if seconds is not None and seconds > step_limit(step, limits) + grace:
        return Kill(Ending.STEP_TIMEOUT, step)
    return None


def watch(
    run: Watched,
    limits: Limits,
    start: float,
    *,
    grace: float = KILL_GRACE,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Kill | None:
    """Wait until the harness is done or dies (``None``) or must be killed (the :class:`Kill`).

    ``start`` is when the submission's first run started (on ``clock``): the total time limit
    counts every restart.
    """
    steps = StepClock()
    while run.alive():
        sleep(POLL_SECONDS)
        events = run.events()
        if is_done(events):
            return None  # stopped at once by the caller: nothing the student left runs on
        now = clock()
        kill = check_limits(events, limits, steps, now, now - start, grace)
        if kill is not None:
            return kill
    return None


def run_end(kill: Kill | None, events: list[Event], exit_code: int | None) -> RunEnd:
    """What ended the run, from the watcher's kill and every event read after the stop."""
    started = bool(events)
    if kill is not None:
        return RunEnd(kill.ending, kill.step, exit_code, started)
    if is_done(events):
        return RunEnd(Ending.DONE, None, exit_code, started)
    return RunEnd(Ending.CRASH, running_step(events), exit_code, started)
