"""Fault records: a policy decision turned into notes, failed parts and records (exact words)."""

from __future__ import annotations

import numpy as np

from autograder.sandbox.faults import (
    SandboxRun,
    note_nproc_fallback,
    part_records,
    record_decision,
)
from autograder.sandbox.limits import Limits
from autograder.sandbox.policy import Action, Decision
from autograder.sandbox.recordfile import encode_records

PARTS = ["p1", "p2", "p3"]
WHY = "the process ended (exit code 3): a crash, exit(), or too much memory or output"
LIMITS = Limits(part_timeout=7.5, submission_timeout=90)


def test_skipped_cell_and_part_are_recorded_with_their_cause() -> None:
    run = SandboxRun()
    record_decision(run, Decision(Action.SKIP_CELL, "error", WHY, cell=4), PARTS, [])
    record_decision(run, Decision(Action.SKIP_PART, "timeout", "t", part="p2"), PARTS, [])
    assert run.skipped_cells == {4: f"error: {WHY}"}
    assert run.failed_parts == {"p2": "timeout"}
    assert run.restarts == 2 and run.notes == []


def test_out_of_time_fails_only_the_parts_without_records() -> None:
    run = SandboxRun(failed_parts={"p1": "error"})
    record_decision(run, Decision(Action.OUT_OF_TIME), PARTS, ["p2"])
    # p1 keeps its earlier failure, p2 sent its records, p3 ran out of time
    assert run.failed_parts == {"p1": "error", "p3": "timeout"}
    assert run.notes == ["the submission ran out of its total time limit"]
    assert run.restarts == 0


def test_giving_up_fails_every_part_and_quotes_the_start_up_error() -> None:
    run = SandboxRun(failed_parts={"p1": "timeout"})
    decision = Decision(Action.GIVE_UP, "error", WHY)
    record_decision(run, decision, PARTS, [], ["line a", "line b"])
    assert run.notes == ["the grader could not start: your instructor has been told"]
    assert run.problems == ["grader start-up failed: line a | line b"]
    assert run.failed_parts == {"p1": "timeout", "p2": "error", "p3": "error"}
    # a crash between two steps, after p1's records arrived: p1 keeps them
    between = SandboxRun()
    record_decision(between, decision, PARTS, ["p1"], None)
    assert between.notes == [
        f"the notebook's process ended while no cell or part was running ({WHY})"
    ]
    assert between.failed_parts == {"p2": "error", "p3": "error"} and between.problems == []


def test_finish_records_nothing() -> None:
    run = SandboxRun()
    record_decision(run, Decision(Action.FINISH), PARTS, PARTS)
    assert run == SandboxRun()


def test_nproc_problem_is_for_the_instructor_once_and_for_isolated_runs_only() -> None:
    plain = SandboxRun(isolated=False)
    note_nproc_fallback(plain)
    assert plain.problems == []
    run = SandboxRun()
    for _ in range(3):  # once per start of the harness
        note_nproc_fallback(run)
    assert run.problems == [
        "the process limit could not use a cgroup: it falls back to RLIMIT_NPROC"
    ]
    assert run.notes == []


def test_part_records_decode_what_arrived_and_fault_the_rest() -> None:
    run = SandboxRun(failed_parts={"p2": "timeout", "p3": "error"})
    good = encode_records([{"out": np.arange(2.0)}, {"out": np.ones(1)}])
    received = {"p1": good, "p2": good, "p4": b"not an npz"}
    counts = {"p1": 2, "p2": 2, "p3": 1, "p4": 1, "p5": 3}
    records = part_records(counts, run, received, LIMITS)
    assert list(records) == ["p1", "p2", "p3", "p4", "p5"]
    assert np.array_equal(records["p1"][0]["out"], [0.0, 1.0]) and len(records["p1"]) == 2
    timeout = (
        "time limit: this part did not finish within 7.5 s "
        "(or the submission within its total of 90 s)"
    )
    died = "the notebook's process died while this part ran (exit(), a crash, or memory)"
    # p2 arrived but failed (a later record never overrides the fault)
    assert records["p2"] == [{"__error__": timeout, "__status__": "timeout", "__fault__": True}] * 2
    assert records["p3"] == [{"__error__": died, "__status__": "error", "__fault__": True}]
    assert records["p5"] == [{"__error__": died, "__status__": "error", "__fault__": True}] * 3
    (unreadable,) = records["p4"]
    assert unreadable["__status__"] == "error" and unreadable["__fault__"] is True
    assert unreadable["__error__"].startswith("your results could not be read: ")
