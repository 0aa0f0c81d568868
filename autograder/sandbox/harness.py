"""The sandboxed side of isolated grading (runs INSIDE the sandbox, as untrusted code's host).

``python -m autograder.sandbox.harness WORKDIR`` reads ``WORKDIR/plan.json`` and the case
inputs, deletes the inputs file, executes the submission's code cells in order (IPython, so
magics work; test cells run too, against a stub grader that does nothing), then probes every
part and writes ``WORKDIR/records/<part>.npz``. Progress goes to ``WORKDIR/progress.jsonl``
(one JSON line per step start and end) so the driver outside can tell which step hung or
crashed, skip it and restart. Nothing here judges: no expected value is ever in the sandbox.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np


class _Timeout(BaseException):
    """Raised by the alarm when a step runs past its time limit."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout("time limit reached")


class _CappedText(io.TextIOBase):
    """A text sink that keeps the first ``limit`` characters and drops the rest."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0

    def write(self, s: str) -> int:
        if self.size < self.limit:
            self.kept.append(s[: self.limit - self.size])
        self.size += len(s)
        return len(s)

    def writable(self) -> bool:
        return True


def _install_stub_grader() -> None:
    """Make ``from autograder.notebook import Grader`` give a grader that checks nothing."""

    class Grader:
        def __init__(self, assignment: str) -> None:
            self.assignment = assignment

        def check(self, part_id: str, namespace: Any, *, hidden: bool = False) -> float:
            return 0.0

    stub = types.ModuleType("autograder.notebook")
    stub.Grader = Grader  # type: ignore[attr-defined]
    sys.modules["autograder.notebook"] = stub


class Progress:
    """Appends one JSON line per event to ``progress.jsonl`` (flushed and synced)."""

    def __init__(self, path: Path) -> None:
        self.fh = path.open("a", encoding="utf-8")

    def log(self, **event: Any) -> None:
        self.fh.write(json.dumps(event) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())


def _load_inputs(work: Path, plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    from autograder.casefile import decode_value

    path = work / "inputs.npz"
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    path.unlink()
    inputs: dict[str, list[dict[str, Any]]] = {}
    for part in plan["parts"]:
        cases = []
        for i, kinds in enumerate(part["case_args"]):
            cases.append(
                {n: decode_value(k, arrays[f"{part['id']}/{i}/{n}"]) for n, k in kinds.items()}
            )
        inputs[part["id"]] = cases
    return inputs


def main(work_dir: str) -> int:
    """Run the plan in ``work_dir``; returns the process exit code."""
    work = Path(work_dir)
    plan = json.loads((work / "plan.json").read_text(encoding="utf-8"))
    inputs = _load_inputs(work, plan)
    progress = Progress(work / "progress.jsonl")
    _install_stub_grader()
    signal.signal(signal.SIGALRM, _alarm)

    from IPython.core.interactiveshell import InteractiveShell

    from autograder.casefile import part_from_json
    from autograder.probes import run_probe
    from autograder.sandbox.recordfile import write_records

    real_stdout, real_stderr = sys.stdout, sys.stderr
    sink = _CappedText()
    sys.stdout = sys.stderr = sink  # the student's prints go nowhere that matters
    shell = InteractiveShell.instance()
    nb = json.loads((work / "submission.ipynb").read_text(encoding="utf-8"))
    skip_cells = set(plan.get("skip_cells", []))
    for index, cell in enumerate(nb.get("cells", [])):
        if index in skip_cells or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        progress.log(event="start", step="cell", index=index)
        signal.alarm(int(plan["cell_timeout"]))
        try:
            shell.run_cell(source, store_history=False, silent=False)
        except _Timeout:
            progress.log(event="timeout", step="cell", index=index)
        finally:
            signal.alarm(0)
        progress.log(event="end", step="cell", index=index)
    records_dir = work / "records"
    records_dir.mkdir(exist_ok=True)
    skip_parts = set(plan.get("skip_parts", []))
    for part_json in plan["parts"]:
        pid = part_json["id"]
        if pid in skip_parts or (records_dir / f"{pid}.npz").exists():
            continue
        part = part_from_json(part_json)
        progress.log(event="start", step="part", part=pid)
        signal.alarm(int(plan["part_timeout"]))
        records: list[dict[str, Any]] = []
        try:
            for args in inputs.get(pid, []):
                records.append(run_probe(shell.user_ns, part, args))
        except _Timeout:
            records += [{"__error__": "time limit reached", "__status__": "timeout"}] * (
                len(inputs.get(pid, [])) - len(records)
            )
        finally:
            signal.alarm(0)
        write_records(records_dir / f"{pid}.npz", records)
        progress.log(event="end", step="part", part=pid)
    sys.stdout, sys.stderr = real_stdout, real_stderr
    progress.log(event="done", printed=sink.size)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
