"""The sandboxed side of isolated grading (runs INSIDE the sandbox, as untrusted code's host).

``python -I -m autograder.sandbox.harness`` reads its plan and the case inputs from standard
input (one frame, see :mod:`.channel`), imports everything it needs, executes the submission's
code cells in order (IPython, so magics work; test cells run too, against a stub grader that
does nothing), then probes every part and sends each part's records over the result pipe
(the file descriptor the plan names), with one progress event per
step start and end, so the driver outside can tell which step hung or crashed, skip it and
restart. Nothing here judges and nothing here is trusted: no expected value is ever in the
sandbox, and the driver treats every byte it receives as possibly forged. When the last part is
sent the process ends at once (``os._exit``): a thread or an ``atexit`` handler the student left
behind never runs after it.
"""

from __future__ import annotations

import importlib.abc
import io
import json
import os
import signal
import sys
import types
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.sandbox.channel import read_frame, send

SECRET_PACKAGES = ("solutions", "source", "grading_spec")


class _BlockSecrets(importlib.abc.MetaPathFinder):
    """Refuses to import the instructor's packages, should they be on this machine at all.

    In the bubblewrap sandbox they are not mounted; in the reduced fallback (no bubblewrap) the
    course may be on disk, and this keeps a plain ``import solutions`` from finding it.
    """

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> None:
        if fullname.split(".")[0] in SECRET_PACKAGES:
            raise ImportError(f"{fullname} is not available while grading")
        return None


class _Timeout(BaseException):
    """Raised by the alarm when a step runs past its time limit."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout("time limit reached")


def run_cell_within(shell: Any, source: str, seconds: int) -> bool:
    """Run one cell in IPython's ``shell``, stopped after ``seconds``; False if it was stopped.

    Needs :func:`_alarm` as the ``SIGALRM`` handler. IPython catches whatever a cell raises, the
    alarm's :class:`_Timeout` included, and keeps it as the result's ``error_in_exec``.
    """
    signal.alarm(seconds)
    try:
        result = shell.run_cell(source, store_history=False, silent=False)
        return not isinstance(result.error_in_exec, _Timeout)
    except _Timeout:  # the alarm rang outside the cell's own code
        return False
    finally:
        signal.alarm(0)


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
    """Make ``from autograder.student.grader import Grader`` give a grader that checks nothing."""

    class Grader:
        def __init__(self, assignment: str) -> None:
            self.assignment = assignment

        def check(self, part_id: str, namespace: Any, *, hidden: bool = False) -> float:
            return 0.0

    stub = types.ModuleType("autograder.student.grader")
    stub.Grader = Grader  # type: ignore[attr-defined]
    sys.modules["autograder.student.grader"] = stub


class Progress:
    """Sends one progress event per step over the result pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def log(self, **event: Any) -> None:
        send(self.fd, {"type": "event", **event})


def _read_plan() -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The plan and every case's inputs, from standard input (closed afterwards)."""
    from autograder.judging.casefile import decode_value

    frame = read_frame(sys.stdin.buffer)
    if frame is None or frame[0].get("type") != "plan":
        raise SystemExit("harness: no plan on standard input")
    header, payload = frame
    plan = header["plan"]
    with np.load(io.BytesIO(payload), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    sys.stdin.close()
    os.close(0)
    inputs: dict[str, list[dict[str, Any]]] = {}
    for part in plan["parts"]:
        cases = []
        for i, kinds in enumerate(part["case_args"]):
            cases.append(
                {n: decode_value(k, arrays[f"{part['id']}/{i}/{n}"]) for n, k in kinds.items()}
            )
        inputs[part["id"]] = cases
    return plan, inputs


def main() -> int:
    """Run the plan read from standard input; returns the process exit code."""
    plan, inputs = _read_plan()
    result_fd = int(plan["result_fd"])
    progress = Progress(result_fd)
    _install_stub_grader()
    signal.signal(signal.SIGALRM, _alarm)

    # everything the harness needs is imported before any student code runs
    from IPython.core.interactiveshell import InteractiveShell

    from autograder.judging.casefile import part_from_json
    from autograder.judging.probes import run_probe
    from autograder.sandbox.recordfile import encode_records

    sys.meta_path.insert(0, _BlockSecrets())
    for name in list(sys.modules):
        if name.split(".")[0] in SECRET_PACKAGES:
            del sys.modules[name]
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sink = _CappedText()
    sys.stdout = sys.stderr = sink  # the student's prints go nowhere that matters
    shell = InteractiveShell.instance()
    with open("submission.ipynb", encoding="utf-8") as fh:
        nb = json.load(fh)
    skip_cells = set(plan.get("skip_cells", []))
    for index, cell in enumerate(nb.get("cells", [])):
        if index in skip_cells or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        progress.log(event="start", step="cell", index=index)
        if not run_cell_within(shell, source, int(plan["cell_timeout"])):
            progress.log(event="timeout", step="cell", index=index)
        progress.log(event="end", step="cell", index=index)
    skip_parts = set(plan.get("skip_parts", []))
    for part_json in plan["parts"]:
        pid = part_json["id"]
        if pid in skip_parts:
            continue
        part = part_from_json(part_json)
        progress.log(event="start", step="part", part=pid)
        signal.alarm(int(plan["part_timeout"]))
        records: list[dict[str, Any]] = []
        try:
            for args in inputs.get(pid, []):
                records.append(run_probe(shell.user_ns, part, args))
        except _Timeout:
            limit = f"time limit: this part did not finish within {plan['part_timeout']} s"
            records += [{"__error__": limit, "__status__": "timeout"}] * (
                len(inputs.get(pid, [])) - len(records)
            )
        finally:
            signal.alarm(0)
        send(result_fd, {"type": "records", "part": pid}, encode_records(records))
        progress.log(event="end", step="part", part=pid)
    sys.stdout, sys.stderr = real_stdout, real_stderr
    progress.log(event="done", printed=sink.size)
    return 0


if __name__ == "__main__":
    code = main()
    # end now: no student thread, atexit handler or finaliser runs after the last record
    os._exit(code)
