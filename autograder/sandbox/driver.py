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
import sys
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
from autograder.judging.results import PartResult, nothing_submitted, unreadable_notebook
from autograder.judging.spec import AssignmentSpec, Case
from autograder.sandbox.bwrap import (
    bwrap_usable,
    harness_command,
    reduced_isolation_note,
    sandbox_command,
)
from autograder.sandbox.channel import ResultReader, encode_frame
from autograder.sandbox.faults import SandboxRun, note_nproc_fallback, part_records, record_decision
from autograder.sandbox.launch import launcher_command
from autograder.sandbox.limits import Limits, ProcessCgroup
from autograder.sandbox.policy import Action, Decision, decide, max_runs
from autograder.sandbox.watcher import RunEnd, is_step, run_end, watch

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


@dataclass
class _Launched:
    """A started harness: its process, its result reader and its cgroup."""

    proc: subprocess.Popen[bytes]
    reader: ResultReader
    cgroup: ProcessCgroup

    def alive(self) -> bool:
        """Whether the harness is still running."""
        return self.proc.poll() is None

    def events(self) -> list[dict[str, Any]]:
        """The progress events received so far."""
        return self.reader.snapshot()


def _harness_command(work: Path, logs: Path) -> tuple[list[str], dict[str, str], str | None]:
    """The harness's command, environment and working folder: bwrap, or the plain fallback."""
    package_dir = Path(__file__).resolve().parent.parent
    if bwrap_usable():
        return sandbox_command(work, package_dir, dict(SANDBOX_ENV)), {}, None
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
    return harness_command(sys.executable, import_root), env, str(work)


def _launch(
    work: Path, logs: Path, limits: Limits, plan: Callable[[int], bytes], cgroup: ProcessCgroup
) -> _Launched:
    """Start the harness in ``work`` (the only folder it can write); logs go to ``logs``.

    ``logs`` is outside anything the sandbox can see, so the files opened there are the
    driver's own. The plan goes in on standard input, the results come back on a pipe. The
    harness starts through the launcher (:mod:`.launch`), which joins the cgroup and sets the
    rlimits in its own process before it execs the command (no ``preexec_fn``, which is unsafe
    in the grading thread pool); the new session is made by ``subprocess`` itself.
    """
    read_end, write_end = os.pipe()
    harness, env, cwd = _harness_command(work, logs)
    cmd = launcher_command(
        harness,
        memory_bytes=limits.memory_bytes,
        max_output_bytes=limits.max_output_bytes,
        nproc=None if cgroup.active else limits.max_processes,
        cgroup=cgroup.path,
    )
    with (logs / "stdout.log").open("wb") as out, (logs / "stderr.log").open("wb") as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            pass_fds=(write_end,),
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
    with contextlib.suppress(OSError):  # the harness, and children left in its group after it
        os.killpg(proc.pid, 9)
    proc.wait()
    launched.cgroup.close()
    launched.reader.join()


@dataclass
class _Session:
    """One submission's grading: what is fixed, and what the runs so far left.

    ``skip_cells`` and ``skip_parts`` are the steps later runs leave out; ``received`` holds
    the records frames that arrived (untrusted bytes), the first one per part.
    """

    notebook: Path
    ic: IsolatedCases
    limits: Limits
    logs: Path
    run: SandboxRun
    start: float
    skip_cells: set[int] = field(default_factory=set)
    skip_parts: set[str] = field(default_factory=set)
    received: dict[str, bytes] = field(default_factory=dict)

    def skip(self, decision: Decision) -> None:
        """Leave out, in the next runs, the step the decision skips."""
        if decision.cell is not None:
            self.skip_cells.add(decision.cell)
        if decision.part is not None:
            self.skip_parts.add(decision.part)

    def run_once(self, run_dir: Path) -> RunEnd:
        """One run of the harness in the fresh folder ``run_dir``, watched until it ends."""
        run_dir.mkdir()
        shutil.copyfile(self.notebook, run_dir / "submission.ipynb")
        cgroup = ProcessCgroup(self.limits.max_processes)
        if not cgroup.active:
            note_nproc_fallback(self.run)
        skip_cells, done = set(self.skip_cells), self.skip_parts | set(self.received)

        def plan(fd: int) -> bytes:
            return _plan_frame(self.ic, skip_cells, done, self.limits, fd)

        launched = _launch(run_dir, self.logs, self.limits, plan, cgroup)
        try:
            kill = watch(launched, self.limits, self.start)
        finally:
            _stop(launched)
        shutil.rmtree(run_dir, ignore_errors=True)
        for pid, payload in launched.reader.records.items():
            self.received.setdefault(pid, payload)
        events = launched.reader.snapshot()
        for event in events:
            if event.get("event") == "timeout" and is_step(event) and event["step"] == "cell":
                self.run.stopped_cells[event["index"]] = self.limits.cell_timeout
        if launched.reader.problem:
            note = (
                f"part of what the notebook sent back could not be read ({launched.reader.problem})"
            )
            if note not in self.run.notes:
                self.run.notes.append(note)
        return run_end(kill, events, launched.proc.returncode)


def _startup_error(end: RunEnd, logs: Path) -> list[str] | None:
    """The harness's last lines of standard error when it sent no event (failed to start)."""
    if end.started:
        return None
    return (logs / "stderr.log").read_text(errors="replace").strip().splitlines()[-3:]


def run_submission(
    notebook: Path, ic: IsolatedCases, limits: Limits, work: Path
) -> tuple[dict[str, list[Record]], SandboxRun]:
    """Run the harness (with restarts) on ``notebook``; return each part's records.

    Every start of the harness gets a fresh, empty work folder under ``work`` holding only a
    copy of the notebook, so nothing a crashed run left there (a module that shadows a package,
    a link) reaches the next. Parts the harness never finished get records saying why
    (``timeout`` or ``error``): see :mod:`.watcher`, :mod:`.policy` and :mod:`.faults`.
    """
    run = SandboxRun(isolated=bwrap_usable())
    if not run.isolated:
        run.notes.append(reduced_isolation_note())
    logs = work / "host"  # the driver's own folder: never visible in the sandbox
    logs.mkdir(parents=True, exist_ok=True)
    part_ids = [part.id for part in ic.spec.parts]
    session = _Session(notebook, ic, limits, logs, run, time.monotonic())
    for attempt in range(max_runs(len(part_ids))):
        end = session.run_once(work / f"run-{attempt}")
        decision = decide(end, limits)
        startup = _startup_error(end, logs) if decision.action is Action.GIVE_UP else None
        record_decision(run, decision, part_ids, session.received, startup)
        if not decision.restart:
            break
        session.skip(decision)
    num_cases = {pid: len(ic.cases[pid]) for pid in part_ids}
    return part_records(num_cases, run, session.received, limits), run


def grade_isolated(
    notebook: Path | None, ic: IsolatedCases, limits: Limits
) -> tuple[list[PartResult], SandboxRun]:
    """Grade one submission in the sandbox and judge it here.

    Never raises for anything the submission does.
    """
    spec = ic.spec
    if notebook is None:
        return nothing_submitted(spec), SandboxRun()
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("no cell list")
    except Exception as exc:
        return unreadable_notebook(spec, exc), SandboxRun()
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
    cells = data["cells"]
    for index, why in sorted(run.skipped_cells.items()):
        run.notes.append(
            f"{cell_label(cells, index)} was skipped after it failed ({why}); "
            "the rest of the notebook ran without it"
        )
    for index, seconds in sorted(run.stopped_cells.items()):
        run.notes.append(
            f"{cell_label(cells, index)} was stopped at its time limit of {seconds:g} s "
            "(an infinite loop, or very slow code?); the cells after it ran"
        )
    return results, run


def cell_label(cells: list[Any], index: int) -> str:
    """How a student finds cell ``index`` (counted over every cell, from 0) in Jupyter.

    Code cells are numbered from 1 in notebook order, as Jupyter numbers them after *Restart &
    Run All*, and the cell's first line is quoted.
    """
    number = sum(
        1 for c in cells[: index + 1] if isinstance(c, dict) and c.get("cell_type") == "code"
    )
    cell = cells[index] if 0 <= index < len(cells) and isinstance(cells[index], dict) else {}
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    quoted = f' ("{first[:60]}{"..." if len(first) > 60 else ""}")' if first else ""
    return f"code cell {number}{quoted}"


__all__ = [
    "IsolatedCases",
    "Limits",
    "SandboxRun",
    "grade_isolated",
    "run_submission",
]
