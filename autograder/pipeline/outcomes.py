"""The one reader of executed test cells: each part's verdict from its cell's outputs.

Used by the nbclient and nbgrader engines (on the notebook they executed), by ``autograder check``
and by ``autograder validate``. A test cell's outputs say one of four things:

- it raised: a time limit (``CellTimeoutError`` from nbclient, ``KeyboardInterrupt`` when the
  kernel was interrupted) is status ``timeout``, anything else ``error``; the part scores 0;
- it displayed the check's machine-readable result (:data:`RESULT_MIME`): that is the verdict,
  with the score taken from the result itself (``score_from="result"``) or, for engines whose
  scores must equal nbgrader's, by nbgrader's rule (``score_from="nbgrader"``: the cell's
  numeric value, 0 after anything on stderr), always within ``[0, points]`` of the spec;
- it displayed nothing: status ``error``, 0 (the check never ran to the end);
- it is not there: status ``missing``, 0.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from nbformat import NotebookNode

from autograder.judging.results import PartResult, failed_part
from autograder.judging.spec import Part
from autograder.notebook_files import nbgrader_meta
from autograder.student.grader import RESULT_MIME

TIMEOUT_NAMES = ("CellTimeoutError", "KeyboardInterrupt")
MISSING_MESSAGE = "the test cell is missing"
NO_RESULT_MESSAGE = "the test cell recorded no result"


def timeout_message(cell_timeout: float | None) -> str:
    """What a student reads when the test cell ran out of time (the limit stated when known)."""
    limit = f"{cell_timeout:g} s" if cell_timeout else "the cell time limit"
    return f"time limit: this test cell did not finish within {limit}"


def error_message(ename: str) -> str:
    """What a student reads when the test cell raised ``ename``."""
    return f"the test cell raised {ename}: run your notebook top to bottom and fix the first error"


def graded_test_cells(nb: NotebookNode) -> dict[str, Any]:
    """The first auto-graded test cell of each ``grade_id`` (code cells with grade, no solution)."""
    cells: dict[str, Any] = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        graded = meta.get("grade") and not meta.get("solution") and meta.get("grade_id")
        if graded and cell.get("cell_type") == "code":
            cells.setdefault(meta["grade_id"], cell)
    return cells


def _error_name(cell: Any) -> str | None:
    """The name of the error the cell raised: the last one, unless a time limit came first."""
    error = None
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error" and error not in TIMEOUT_NAMES:
            error = out.get("ename", "Error")
    return error


def _payload(cell: Any) -> dict[str, Any] | None:
    """The last machine-readable result the cell displayed."""
    payload = None
    for out in cell.get("outputs", []):
        if out.get("output_type") == "display_data" and RESULT_MIME in out.get("data", {}):
            payload = out["data"][RESULT_MIME]
    return payload


def _nbgrader_score(cell: Any, result_score: float) -> float:
    """nbgrader's rule for a test cell: 0 after an error or anything on stderr, else its value.

    Stricter than nbgrader where only a tampered cell can go: a value that is not a number
    (nbgrader: full points) is NaN here, so it fails; a negative one (nbgrader: full points) is
    clamped to 0 by the caller. With no value at all the check's own score counts.
    """
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "error" or (kind == "stream" and out.get("name") == "stderr"):
            return 0.0
        if kind == "execute_result":
            text = out.get("data", {}).get("text/plain", "")
            try:
                return float("".join(text) if isinstance(text, list) else text)
            except ValueError:
                return math.nan
    return result_score


def read_outcome(
    part: Part,
    cell: Any | None,
    *,
    score_from: Literal["result", "nbgrader"] = "result",
    cell_timeout: float | None = None,
) -> PartResult:
    """The verdict on ``part`` from its executed test ``cell`` (``None``: not in the notebook).

    ``cell_timeout`` (seconds) is stated in a time-limit message when given.
    """
    if cell is None:
        return failed_part(part, "missing", MISSING_MESSAGE, case="test cell")
    error = _error_name(cell)
    if error in TIMEOUT_NAMES:
        return failed_part(part, "timeout", timeout_message(cell_timeout), case="test cell")
    if error:
        return failed_part(part, "error", error_message(error), case="test cell")
    payload = _payload(cell)
    if payload is None:
        return failed_part(part, "error", NO_RESULT_MESSAGE, case="test cell")
    result = PartResult.from_dict(payload)
    result.points = part.points
    score = _nbgrader_score(cell, result.score) if score_from == "nbgrader" else result.score
    if not math.isfinite(score):
        # the notebook's code can make a cell's value NaN or infinite in these engines
        return failed_part(part, "failed", "the test cell's score is not a finite number")
    result.score = min(max(score, 0.0), part.points)
    if result.score < part.points and result.status == "ok":
        result.status = "failed"
    return result


def read_outcomes(
    nb: NotebookNode,
    parts: list[Part],
    *,
    score_from: Literal["result", "nbgrader"] = "result",
    cell_timeout: float | None = None,
) -> list[PartResult]:
    """:func:`read_outcome` for every part, in ``parts``' order."""
    cells = graded_test_cells(nb)
    return [
        read_outcome(p, cells.get(p.id), score_from=score_from, cell_timeout=cell_timeout)
        for p in parts
    ]
