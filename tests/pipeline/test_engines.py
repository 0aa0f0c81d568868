"""The pool loop every engine shares, with fake engines (milliseconds, no notebook runs)."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from types import TracebackType

import pytest

from autograder.judging.results import StudentResult, failed_part
from autograder.judging.spec import AssignmentSpec, Part
from autograder.pipeline.engines import ENGINE_NAMES, base, make_engine, run_pool
from autograder.pipeline.submissions import Submission

SPEC = AssignmentSpec(
    "a0_fake",
    (
        Part("test_a", "first", ("f",), 2.0, "call", ()),
        Part("test_b", "second", ("g",), 3.0, "call", ()),
    ),
    reference_module="solutions.a0_fake",
)


class FakeEngine:
    """Grades by name: ``crash*`` raises, ``pair*`` wait for each other; logs enter and exit."""

    spec = SPEC

    def __init__(self, pair_timeout: float = 10.0) -> None:
        self.events: list[str] = []
        self.lock = threading.Lock()
        self.active = 0
        self.most_at_once = 0
        self.pair = threading.Barrier(
            2, timeout=pair_timeout
        )  # breaks unless two pair* run at once

    def __enter__(self) -> FakeEngine:
        self.events.append("enter")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.events.append("exit")

    def grade_one(self, sub: Submission) -> StudentResult:
        with self.lock:
            self.active += 1
            self.most_at_once = max(self.most_at_once, self.active)
        try:
            if sub.student.startswith("pair"):
                self.pair.wait()
            if sub.student.startswith("crash"):
                raise RuntimeError(f"grader bug for {sub.student} at /secret/path")
            res = StudentResult(sub.student)
            res.parts = [failed_part(p, "failed", "graded by the fake") for p in SPEC.parts]
            return res
        finally:
            with self.lock:
                self.active -= 1


def subs(*names: str) -> list[Submission]:
    return [Submission(n, Path(f"{n}.ipynb")) for n in names]


def test_every_submission_gets_a_row_and_the_engine_is_entered_and_left_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticks = itertools.count()  # a clock that moves one second per reading
    monkeypatch.setattr(base.time, "perf_counter", lambda: float(next(ticks)))
    engine = FakeEngine()
    results = run_pool(engine, subs("ann", "bob", "cy"), jobs=1, progress=False)
    assert sorted(r.student for r in results) == ["ann", "bob", "cy"]
    assert engine.events == ["enter", "exit"]
    # timed by the pool (the engine did not): one reading before, one after each submission
    assert [r.seconds for r in results] == [1.0, 1.0, 1.0]


def test_a_grader_fault_costs_its_row_only_and_names_no_detail() -> None:
    results = {
        r.student: r for r in run_pool(FakeEngine(), subs("ann", "crash1"), jobs=2, progress=False)
    }
    crashed = results["crash1"]
    assert [p.status for p in crashed.parts] == ["error", "error"]
    assert [p.score for p in crashed.parts] == [0.0, 0.0]
    message = crashed.parts[0].cases[0].messages[0]
    assert message == "internal grading error: RuntimeError"  # the path stays in `problem`
    assert "/secret/path" in crashed.problem
    assert [p.status for p in results["ann"].parts] == ["failed", "failed"]


def test_jobs_submissions_are_graded_at_once() -> None:
    engine = FakeEngine()
    results = run_pool(engine, subs("pair1", "pair2", "bob"), jobs=2, progress=False)
    assert all(p.status == "failed" for r in results for p in r.parts)  # the barrier held
    assert engine.most_at_once == 2
    # one at a time, the pair can never meet: both rows are grader errors, not a hang
    alone = run_pool(FakeEngine(0.2), subs("pair1", "pair2"), jobs=1, progress=False)
    assert all(p.status == "error" for r in alone for p in r.parts)


def test_an_unknown_engine_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown engine 'nbgradr'.*'isolated', 'nbclient'"):
        make_engine(
            "nbgradr",
            SPEC,
            Path("."),
            jobs=1,
            cell_timeout=1,
            submission_timeout=1.0,
            memory_bytes=1,
            max_processes=1,
        )
    assert ENGINE_NAMES == ("isolated", "nbclient", "nbgrader")
