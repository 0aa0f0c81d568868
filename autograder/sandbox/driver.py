"""The trusted side of isolated grading: run the harness in the sandbox, restart, then judge.

For one submission: write the plan (parts and case *inputs*, never expected values) into a
fresh work folder, start the harness in the sandbox, and watch its progress. A step (cell or
part) that outlives its limit is killed; a crash (``os._exit``, a signal, running out of memory)
ends the run. Either way the step that was running is skipped and the harness restarted, so a
fault costs only its own part. The records it wrote are then read as untrusted data and judged
here, in this process, against ``solutions``: nothing the notebook does can reach the verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder.casefile import encode_value, part_to_json
from autograder.judge import CaseResult, PartResult, judge_part
from autograder.records import Record
from autograder.sandbox.bwrap import bwrap_usable, reduced_isolation_note, sandbox_command
from autograder.sandbox.limits import Limits, ProcessCgroup, apply_rlimits
from autograder.sandbox.recordfile import RecordFileError, read_records, write_records
from autograder.spec import AssignmentSpec, Case

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
    """Every part's cases (public then hidden) with their reference records (trusted side)."""

    spec: AssignmentSpec
    cases: dict[str, list[tuple[Case, bool]]]
    references: dict[str, list[Record | None]]

    @classmethod
    def build(cls, spec: AssignmentSpec) -> IsolatedCases:
        """Generate every case and compute the reference records (imports ``solutions``)."""
        from autograder.reference import reference_records

        cases, refs = {}, {}
        for part in spec.parts:
            pairs = [(c, False) for c in part.public_cases()] + [
                (c, True) for c in part.hidden_cases()
            ]
            cases[part.id] = pairs
            refs[part.id] = reference_records(spec, part, [c for c, _ in pairs])
        return cls(spec, cases, refs)


def _write_plan(
    work: Path, ic: IsolatedCases, skip_cells: set[int], skip_parts: set[str], limits: Limits
) -> None:
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
    }
    (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    np.savez(work / "inputs.npz", **members)  # type: ignore[arg-type]


def _events(work: Path) -> list[dict[str, Any]]:
    path = work / "progress.jsonl"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[-10_000:]:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            out.append(event)
    return out


def _running_step(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last step that started and did not end."""
    open_step = None
    for event in events:
        if event.get("event") == "start":
            open_step = event
        elif event.get("event") == "end":
            open_step = None
    return open_step


def _launch(work: Path, limits: Limits, cgroup: ProcessCgroup) -> subprocess.Popen[bytes]:
    package_dir = Path(__file__).resolve().parent.parent
    # the package is found through its parent folder, where nothing else is mounted
    env = {**SANDBOX_ENV, "PYTHONPATH": str(package_dir.parent)}
    out = (work / "stdout.log").open("wb")
    err = (work / "stderr.log").open("wb")
    nproc_fallback = not cgroup.active

    def preexec() -> None:
        cgroup.join()
        apply_rlimits(limits, nproc_fallback=nproc_fallback)

    if bwrap_usable():
        cmd = sandbox_command(work, package_dir, env)
        cwd = None
    else:
        import sys

        env = {
            **env,
            "HOME": str(work),
            "MPLCONFIGDIR": str(work / ".mpl"),
            "PATH": os.environ.get("PATH", ""),
        }
        cmd = [sys.executable, "-m", "autograder.sandbox.harness", str(work)]
        cwd = str(work)
    return subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=err,
        env=env if not bwrap_usable() else {},
        cwd=cwd,
        preexec_fn=preexec,
        start_new_session=True,
    )


def run_submission(
    notebook: Path, ic: IsolatedCases, limits: Limits, work: Path
) -> tuple[dict[str, list[Record]], SandboxRun]:
    """Run the harness (with restarts) on ``notebook``; return each part's records.

    Parts the harness never finished get records saying why (``timeout`` or ``error``).
    """
    run = SandboxRun(isolated=bwrap_usable())
    if not run.isolated:
        run.notes.append(reduced_isolation_note())
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, work / "submission.ipynb")
    (work / "records").mkdir(exist_ok=True)
    skip_cells: set[int] = set()
    skip_parts: set[str] = set()
    start = time.monotonic()
    total_parts = len(ic.spec.parts)
    max_runs = 2 + total_parts + 50
    for _ in range(max_runs):
        (work / "progress.jsonl").unlink(missing_ok=True)
        _write_plan(work, ic, skip_cells, skip_parts, limits)
        cgroup = ProcessCgroup(limits.max_processes)
        if not cgroup.active and run.isolated and not any("processes" in n for n in run.notes):
            run.notes.append(
                "the process limit could not use a cgroup: it falls back to RLIMIT_NPROC"
            )
        proc = _launch(work, limits, cgroup)
        killed_step: dict[str, Any] | None = None
        reason = ""
        watched: tuple[str, float] = ("", 0.0)
        try:
            while proc.poll() is None:
                time.sleep(0.05)
                step = _running_step(_events(work))
                if time.monotonic() - start > limits.submission_timeout:
                    reason = "submission time limit"
                    killed_step = step or {"step": "submission"}
                    break
                if step is None:
                    continue
                key = json.dumps(step, sort_keys=True)
                if watched[0] != key:
                    watched = (key, time.monotonic())
                    continue
                limit = limits.cell_timeout if step.get("step") == "cell" else limits.part_timeout
                if time.monotonic() - watched[1] > limit + KILL_GRACE:
                    reason = "time limit (the code did not stop when interrupted)"
                    killed_step = step
                    break
        finally:
            if proc.poll() is None:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, 9)
            proc.wait()
            cgroup.close()
        events = _events(work)
        if killed_step is None and any(e.get("event") == "done" for e in events):
            break
        step = killed_step or _running_step(events)
        if reason == "submission time limit":
            for part in ic.spec.parts:
                if not (work / "records" / f"{part.id}.npz").exists():
                    run.failed_parts.setdefault(part.id, "timeout")
            run.notes.append("the submission ran out of its total time limit")
            break
        status = "timeout" if killed_step is not None else "error"
        why = (
            reason
            or f"the process ended (exit code {proc.returncode}): "
            "a crash, exit(), or too much memory or output"
        )
        if step is None:
            run.notes.append(f"the notebook's process ended before any step started ({why})")
            if not events:  # the harness itself failed to start: an installation problem
                tail = (work / "stderr.log").read_text(errors="replace").strip().splitlines()[-3:]
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
        path = work / "records" / f"{part.id}.npz"
        if part.id in run.failed_parts or not path.exists():
            status = run.failed_parts.get(part.id, "error")
            msg = (
                "this part's code ran out of time (an infinite loop?)"
                if status == "timeout"
                else "the notebook's process died while this part ran (exit(), a crash, or memory)"
            )
            records[part.id] = [{"__error__": msg, "__status__": status, "__fault__": True}] * n
            continue
        try:
            records[part.id] = read_records(path, n)
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
        results.append(
            judge_part(part, ic.cases[part.id], records[part.id], ic.references[part.id])
        )
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
