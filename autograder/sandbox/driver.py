"""The trusted side of isolated grading: run the harness in the sandbox, restart, then judge.

For one submission: start the harness in the sandbox with a fresh work folder holding only the
notebook, hand it the plan (parts and case *inputs*, never expected values) on its standard
input, and watch the progress events and records it sends back over a pipe (see
:mod:`.channel`; the driver never follows a path the sandbox could have made). A step (cell or
part) that outlives its limit is killed; a crash (``os._exit``, a signal, running out of memory)
ends the run. Either way the step that was running is skipped and the harness restarted in a new
folder, so a fault costs only its own part. When the harness says it is done, everything it
started is killed at once. The records are read as untrusted data, measured and judged here, in
this process, against ``solutions``: nothing the notebook does can reach the verdict.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder.judging.casefile import encode_value, part_to_json
from autograder.judging.judge import judge_part
from autograder.judging.probes.core import measure_record
from autograder.judging.records import Record
from autograder.judging.results import CaseResult, PartResult
from autograder.judging.spec import AssignmentSpec, Case
from autograder.sandbox.bwrap import (
    bwrap_usable,
    harness_command,
    reduced_isolation_note,
    sandbox_command,
)
from autograder.sandbox.channel import ResultReader, encode_frame
from autograder.sandbox.limits import Limits, ProcessCgroup, apply_rlimits
from autograder.sandbox.recordfile import RecordFileError, decode_records, write_records

SANDBOX_ENV = {
    "HOME": "/sandbox",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/sandbox/.mpl",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "LANG": "C.UTF-8",
}
KILL_GRACE = 5.0  # seconds past a step's limit before the driver kills a harness that ignores it


@dataclass
class SandboxRun:
    """What happened while the submission ran."""

    restarts: int = 0
    skipped_cells: dict[int, str] = field(default_factory=dict)
    failed_parts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    isolated: bool = True
    seconds: float = 0.0


@dataclass
class IsolatedCases:
    """Every part's cases (public then hidden) with their reference records (trusted side).

    ``problems`` lists the cases the reference itself failed on (left out of grading, to be
    reported once to the instructor).
    """

    spec: AssignmentSpec
    cases: dict[str, list[tuple[Case, bool]]]
    references: dict[str, list[Record | None]]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, spec: AssignmentSpec) -> IsolatedCases:
        """Generate every case and compute the reference records (imports ``solutions``)."""
        from autograder.judging.reference import usable_cases

        cases, refs, problems = {}, {}, []
        for part in spec.parts:
            pairs = [(c, False) for c in part.public_cases()] + [
                (c, True) for c in part.hidden_cases()
            ]
            cases[part.id], refs[part.id], failed = usable_cases(spec, part, pairs)
            problems += failed
        return cls(spec, cases, refs, problems)


def _plan_frame(
    ic: IsolatedCases, skip_cells: set[int], skip_parts: set[str], limits: Limits, result_fd: int
) -> bytes:
    """The harness's standard input: the plan (parts, limits, what to skip) and every input."""
    parts, members = [], {}
    for part in ic.spec.parts:
        entry = part_to_json(part)
        entry["case_args"] = []
        for i, (case, _) in enumerate(ic.cases[part.id]):
            kinds = {}
            for name, value in case.args.items():
                kinds[name], members[f"{part.id}/{i}/{name}"] = encode_value(value)
            entry["case_args"].append(kinds)
        parts.append(entry)
    plan = {
        "parts": parts,
        "skip_cells": sorted(skip_cells),
        "skip_parts": sorted(skip_parts),
        "cell_timeout": max(1, int(limits.cell_timeout)),
        "part_timeout": max(1, int(limits.part_timeout)),
        "result_fd": result_fd,
    }
    buf = io.BytesIO()
    np.savez(buf, **members)  # type: ignore[arg-type]
    return encode_frame({"type": "plan", "plan": plan}, buf.getvalue())


def _running_step(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last step that started and did not end."""
    open_step = None
    for event in events:
        if event.get("event") == "start":
            open_step = event
        elif event.get("event") == "end":
            open_step = None
    return open_step


@dataclass
class _Launched:
    """A started harness: its process, its result reader and its cgroup."""

    proc: subprocess.Popen[bytes]
    reader: ResultReader
    cgroup: ProcessCgroup


def _launch(
    work: Path, logs: Path, limits: Limits, plan: Callable[[int], bytes], cgroup: ProcessCgroup
) -> _Launched:
    """Start the harness in ``work`` (the only folder it can write); logs go to ``logs``.

    ``logs`` is outside anything the sandbox can see, so the files opened there are the
    driver's own. The plan goes in on standard input, the results come back on a pipe.
    """
    package_dir = Path(__file__).resolve().parent.parent
    nproc_fallback = not cgroup.active
    read_end, write_end = os.pipe()

    def preexec() -> None:
        cgroup.join()
        apply_rlimits(limits, nproc_fallback=nproc_fallback)

    if bwrap_usable():
        cmd = sandbox_command(work, package_dir, dict(SANDBOX_ENV))
        env: dict[str, str] = {}
        cwd = None
    else:
        import sys

        env = {
            **SANDBOX_ENV,
            "HOME": str(work),
            "MPLCONFIGDIR": str(work / ".mpl"),
            "PATH": os.environ.get("PATH", ""),
        }
        # a folder holding only a link to the package, so that the course root (and its
        # solutions) is on no import path of the fallback's process
        import_root = logs / "import"
        if not import_root.exists():
            import_root.mkdir()
            (import_root / "autograder").symlink_to(package_dir, target_is_directory=True)
        cmd = harness_command(sys.executable, import_root)
        cwd = str(work)
    with (logs / "stdout.log").open("wb") as out, (logs / "stderr.log").open("wb") as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            pass_fds=(write_end,),
            preexec_fn=preexec,
            start_new_session=True,
        )
    os.close(write_end)
    reader = ResultReader(os.fdopen(read_end, "rb")).start()
    assert proc.stdin is not None
    try:
        proc.stdin.write(plan(write_end))
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the harness died at once: its exit is handled like any other crash
    return _Launched(proc, reader, cgroup)


def _stop(launched: _Launched) -> None:
    """Kill the harness and everything it started, and wait for the result pipe to close."""
    proc = launched.proc
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, 9)
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, 9)  # children left in the group after the harness ended
    proc.wait()
    launched.cgroup.close()
    launched.reader.join()


def _watch(launched: _Launched, limits: Limits, start: float) -> tuple[dict[str, Any] | None, str]:
    """Wait until the harness is done, dies or overruns a limit; return the step killed, why."""
    watched: tuple[str, float] = ("", 0.0)
    reader = launched.reader
    while launched.proc.poll() is None:
        time.sleep(0.05)
        events = reader.snapshot()
        if any(e.get("event") == "done" for e in events):
            return None, ""  # stopped at once by the caller: nothing the student left runs on
        step = _running_step(events)
        if time.monotonic() - start > limits.submission_timeout:
            return step or {"step": "submission"}, "submission time limit"
        if step is None:
            continue
        key = json.dumps(step, sort_keys=True)
        if watched[0] != key:
            watched = (key, time.monotonic())
            continue
        limit = limits.cell_timeout if step.get("step") == "cell" else limits.part_timeout
        if time.monotonic() - watched[1] > limit + KILL_GRACE:
            return step, "time limit (the code did not stop when interrupted)"
    return None, ""


def run_submission(
    notebook: Path, ic: IsolatedCases, limits: Limits, work: Path
) -> tuple[dict[str, list[Record]], SandboxRun]:
    """Run the harness (with restarts) on ``notebook``; return each part's records.

    Every start of the harness gets a fresh, empty work folder under ``work`` holding only a
    copy of the notebook, so nothing a crashed run left there (a module that shadows a package,
    a link) reaches the next. Parts the harness never finished get records saying why
    (``timeout`` or ``error``).
    """
    run = SandboxRun(isolated=bwrap_usable())
    if not run.isolated:
        run.notes.append(reduced_isolation_note())
    logs = work / "host"  # the driver's own folder: never visible in the sandbox
    logs.mkdir(parents=True, exist_ok=True)
    skip_cells: set[int] = set()
    skip_parts: set[str] = set()
    received: dict[str, bytes] = {}
    start = time.monotonic()
    total_parts = len(ic.spec.parts)
    max_runs = 2 + total_parts + 50
    for attempt in range(max_runs):
        run_dir = work / f"run-{attempt}"
        run_dir.mkdir()
        shutil.copyfile(notebook, run_dir / "submission.ipynb")
        cgroup = ProcessCgroup(limits.max_processes)
        if not cgroup.active and run.isolated and not any("processes" in n for n in run.notes):
            run.notes.append(
                "the process limit could not use a cgroup: it falls back to RLIMIT_NPROC"
            )
        done_parts = set(skip_parts) | set(received)

        def plan(fd: int, done: set[str] = done_parts) -> bytes:
            return _plan_frame(ic, skip_cells, done, limits, fd)

        launched = _launch(run_dir, logs, limits, plan, cgroup)
        try:
            killed_step, reason = _watch(launched, limits, start)
        finally:
            _stop(launched)
        shutil.rmtree(run_dir, ignore_errors=True)
        events = launched.reader.snapshot()
        for pid, payload in launched.reader.records.items():
            received.setdefault(pid, payload)
        if killed_step is None and any(e.get("event") == "done" for e in events):
            break
        step = killed_step or _running_step(events)
        if reason == "submission time limit":
            for part in ic.spec.parts:
                if part.id not in received:
                    run.failed_parts.setdefault(part.id, "timeout")
            run.notes.append("the submission ran out of its total time limit")
            break
        status = "timeout" if killed_step is not None else "error"
        why = (
            reason
            or f"the process ended (exit code {launched.proc.returncode}): "
            "a crash, exit(), or too much memory or output"
        )
        if step is None:
            run.notes.append(f"the notebook's process ended before any step started ({why})")
            if not events:  # the harness itself failed to start: an installation problem
                tail = (logs / "stderr.log").read_text(errors="replace").strip().splitlines()[-3:]
                run.notes.append("grader start-up failed: " + " | ".join(tail))
            for part in ic.spec.parts:
                run.failed_parts.setdefault(part.id, "error")
            break
        if step.get("step") == "cell":
            index = int(step.get("index", -1))
            skip_cells.add(index)
            run.skipped_cells[index] = f"{status}: {why}"
        else:
            pid = str(step.get("part"))
            skip_parts.add(pid)
            run.failed_parts[pid] = status
        run.restarts += 1
    run.seconds = time.monotonic() - start
    records: dict[str, list[Record]] = {}
    for part in ic.spec.parts:
        n = len(ic.cases[part.id])
        if part.id in run.failed_parts or part.id not in received:
            status = run.failed_parts.get(part.id, "error")
            msg = (
                f"time limit: this part did not finish within {limits.part_timeout:g} s "
                f"(or the submission within its total of {limits.submission_timeout:g} s)"
                if status == "timeout"
                else "the notebook's process died while this part ran (exit(), a crash, or memory)"
            )
            records[part.id] = [{"__error__": msg, "__status__": status, "__fault__": True}] * n
            continue
        try:
            records[part.id] = decode_records(received[part.id], n)
        except RecordFileError as exc:
            records[part.id] = [
                {
                    "__error__": f"your results could not be read: {exc}",
                    "__status__": "error",
                    "__fault__": True,
                }
            ] * n
    return records, run


def grade_isolated(
    notebook: Path | None, ic: IsolatedCases, limits: Limits
) -> tuple[list[PartResult], SandboxRun]:
    """Grade one submission in the sandbox and judge it here.

    Never raises for anything the submission does.
    """
    spec = ic.spec
    if notebook is None:
        msg = f"no {spec.name}.ipynb was submitted"
        return [_uniform(p, "missing", msg) for p in spec.parts], SandboxRun()
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("no cell list")
    except Exception as exc:
        msg = (
            f"the file is not a valid notebook ({type(exc).__name__}): "
            "was it truncated or edited by hand?"
        )
        return [_uniform(p, "invalid", msg) for p in spec.parts], SandboxRun()
    with tempfile.TemporaryDirectory(prefix="dlf-sandbox-") as tmp:
        work = Path(tmp) / "work"
        records, run = run_submission(notebook, ic, limits, work)
    results = []
    for part in spec.parts:
        pairs = ic.cases[part.id]
        measured = [
            measure_record(part, case.args, rec)
            for (case, _), rec in zip(pairs, records[part.id], strict=True)
        ]
        results.append(judge_part(part, pairs, measured, ic.references[part.id]))
    for index, why in sorted(run.skipped_cells.items()):
        run.notes.append(
            f"cell {index} was skipped after it failed ({why}); "
            "the rest of the notebook ran without it"
        )
    return results, run


def _uniform(part: Any, status: str, message: str) -> PartResult:
    return PartResult(
        part.id,
        part.title,
        part.points,
        0.0,
        status,
        [CaseResult("submission", False, "", 0.0, [message], status)],
    )


__all__ = [
    "IsolatedCases",
    "Limits",
    "SandboxRun",
    "grade_isolated",
    "run_submission",
    "write_records",
]
