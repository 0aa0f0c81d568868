"""Fault records: what a skipped cell or part, or a run cut short, leaves in the results.

:func:`record_decision` writes the restart policy's decision into the :class:`SandboxRun`
(notes for the student, skipped cells, failed parts); :func:`part_records` turns every part
into the records the judge sees, with a fault record (``__fault__``) for each case of a part
that failed or whose records could not be read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from autograder.judging.records import Record
from autograder.sandbox.limits import Limits
from autograder.sandbox.policy import Action, Decision
from autograder.sandbox.recordfile import RecordFileError, decode_records

OUT_OF_TIME_NOTE = "the submission ran out of its total time limit"
NPROC_FALLBACK_NOTE = "the process limit could not use a cgroup: it falls back to RLIMIT_NPROC"
STARTUP_FAILED = "grader start-up failed: "
DIED_MESSAGE = "the notebook's process died while this part ran (exit(), a crash, or memory)"


@dataclass
class SandboxRun:
    """What happened while the submission ran.

    Attributes
    ----------
    restarts : int
        How many times the harness was restarted after a fault.
    skipped_cells : dict
        ``cell index -> why``: cells left out of later runs because they crashed or hung.
    stopped_cells : dict
        ``cell index -> seconds``: cells interrupted at their time limit (the rest ran).
    failed_parts : dict
        ``part id -> status`` of parts that failed by a fault.
    notes : list of str
        For the student (their feedback).
    problems : list of str
        For the instructor only: the grader's own trouble (a harness that could not start,
        a weaker process limit), never shown to students.
    isolated : bool
        Whether bubblewrap isolated the run.
    """

    restarts: int = 0
    skipped_cells: dict[int, str] = field(default_factory=dict)
    stopped_cells: dict[int, float] = field(default_factory=dict)
    failed_parts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    isolated: bool = True


def note_nproc_fallback(run: SandboxRun) -> None:
    """Tell the instructor, once, that the process limit is only ``RLIMIT_NPROC`` here."""
    if run.isolated and NPROC_FALLBACK_NOTE not in run.problems:
        run.problems.append(NPROC_FALLBACK_NOTE)


def _out_of_time(run: SandboxRun, part_ids: Sequence[str], received: Iterable[str]) -> None:
    have = set(received)
    for pid in part_ids:
        if pid not in have:
            run.failed_parts.setdefault(pid, "timeout")
    run.notes.append(OUT_OF_TIME_NOTE)


def _gave_up(
    run: SandboxRun,
    why: str,
    part_ids: Sequence[str],
    received: Iterable[str],
    startup_error: Sequence[str] | None,
) -> None:
    if startup_error is not None:  # the harness itself failed: an installation problem
        run.problems.append(STARTUP_FAILED + " | ".join(startup_error))
        run.notes.append("the grader could not start: your instructor has been told")
    else:
        run.notes.append(f"the notebook's process ended while no cell or part was running ({why})")
    have = set(received)
    for pid in part_ids:
        if pid not in have:
            run.failed_parts.setdefault(pid, "error")


def _skipped(run: SandboxRun, decision: Decision) -> None:
    if decision.cell is not None:
        run.skipped_cells[decision.cell] = f"{decision.status}: {decision.why}"
    if decision.part is not None:
        run.failed_parts[decision.part] = decision.status
    run.restarts += 1


def record_decision(
    run: SandboxRun,
    decision: Decision,
    part_ids: Sequence[str],
    received: Iterable[str],
    startup_error: Sequence[str] | None = None,
) -> None:
    """Write what the restart policy decided into ``run``.

    Parameters
    ----------
    run : SandboxRun
        Updated in place.
    decision : Decision
    part_ids : sequence of str
        Every part of the assignment, in order.
    received : iterable of str
        The parts whose records arrived (in any run so far).
    startup_error : sequence of str or None
        The last lines of the harness's standard error when it sent no event at all (it
        failed to start); ``None`` when it did send events.
    """
    if decision.action is Action.OUT_OF_TIME:
        _out_of_time(run, part_ids, received)
    elif decision.action is Action.GIVE_UP:
        _gave_up(run, decision.why, part_ids, received, startup_error)
    elif decision.restart:
        _skipped(run, decision)


def fault_message(status: str, limits: Limits) -> str:
    """What every case of a part that failed with ``status`` says."""
    if status == "timeout":
        return (
            f"time limit: this part did not finish within {limits.part_timeout:g} s "
            f"(or the submission within its total of {limits.submission_timeout:g} s)"
        )
    return DIED_MESSAGE


def fault_records(status: str, message: str, num_cases: int) -> list[Record]:
    """``num_cases`` records saying the part failed (the judge scores them 0)."""
    return [{"__error__": message, "__status__": status, "__fault__": True}] * num_cases


def part_records(
    num_cases: dict[str, int], run: SandboxRun, received: dict[str, bytes], limits: Limits
) -> dict[str, list[Record]]:
    """Every part's records: decoded when they arrived and the part did not fail.

    Parameters
    ----------
    num_cases : dict
        ``part id -> number of cases``, in the assignment's order.
    run : SandboxRun
        Its ``failed_parts`` say which parts failed and how.
    received : dict
        ``part id -> payload`` of the records frames received (untrusted bytes).
    limits : Limits
        For the time-limit message.
    """
    records: dict[str, list[Record]] = {}
    for pid, n in num_cases.items():
        if pid in run.failed_parts or pid not in received:
            status = run.failed_parts.get(pid, "error")
            records[pid] = fault_records(status, fault_message(status, limits), n)
            continue
        try:
            records[pid] = decode_records(received[pid], n)
        except RecordFileError as exc:
            records[pid] = fault_records("error", f"your results could not be read: {exc}", n)
    return records
