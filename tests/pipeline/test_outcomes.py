"""The one reader of executed test cells, on hand-made cells (no kernel, no nbgrader run).

Each cell below is what nbclient or nbgrader leaves after running a test cell; the expected
verdict is stated from the rules in :mod:`autograder.pipeline.outcomes`' docstring.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest

from autograder.judging.results import CaseResult, PartResult
from autograder.judging.spec import Part
from autograder.pipeline.outcomes import (
    MISSING_MESSAGE,
    NO_RESULT_MESSAGE,
    read_outcome,
    read_outcomes,
    timeout_message,
)
from autograder.student.grader import RESULT_MIME

PART = Part("test_p", "a part", ("f",), 4.0, "call", ())


def verdict(score: float, status: str = "ok") -> dict[str, Any]:
    """The result a check displays: ``score`` of 4 points."""
    case = CaseResult("c1", False, "", score / 4.0, [], status)
    return PartResult("test_p", "a part", 4.0, score, status, [case]).to_dict()


def cell(*outputs: dict[str, Any], points: float = 4.0) -> Any:
    out = nbformat.v4.new_code_cell("grader.check('test_p', globals())")
    out.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "grade_id": "test_p",
        "points": points,
    }
    out.outputs = [nbformat.from_dict(o) for o in outputs]
    return out


def shown(payload: dict[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": {RESULT_MIME: payload}, "metadata": {}}


def value(x: str) -> dict[str, Any]:
    return {
        "output_type": "execute_result",
        "data": {"text/plain": x},
        "metadata": {},
        "execution_count": 1,
    }


def error(ename: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": ename, "evalue": "", "traceback": []}


def test_no_cell_is_missing() -> None:
    res = read_outcome(PART, None)
    assert (res.status, res.score, res.cases[0].messages) == ("missing", 0.0, [MISSING_MESSAGE])


@pytest.mark.parametrize("ename", ["CellTimeoutError", "KeyboardInterrupt"])
def test_both_time_limit_errors_are_a_timeout_in_every_mode(ename: str) -> None:
    for mode in ("result", "nbgrader"):
        res = read_outcome(PART, cell(shown(verdict(4.0)), error(ename)), score_from=mode)
        assert (res.status, res.score) == ("timeout", 0.0)
        assert res.cases[0].messages == [timeout_message(None)]


def test_a_time_limit_message_states_the_limit_when_it_is_known() -> None:
    res = read_outcome(PART, cell(error("CellTimeoutError")), cell_timeout=20)
    assert res.cases[0].messages == ["time limit: this test cell did not finish within 20 s"]


def test_a_timeout_wins_over_the_error_that_follows_it() -> None:
    res = read_outcome(PART, cell(error("KeyboardInterrupt"), error("NameError")))
    assert res.status == "timeout"


def test_another_error_is_an_error_naming_it_and_scores_nothing() -> None:
    res = read_outcome(PART, cell(shown(verdict(4.0)), error("NameError")))
    assert (res.status, res.score) == ("error", 0.0)
    assert "NameError" in res.cases[0].messages[0]


def test_a_cell_that_showed_no_result_is_an_error() -> None:
    for mode in ("result", "nbgrader"):
        res = read_outcome(PART, cell(value("4.0")), score_from=mode)
        assert (res.status, res.score, res.cases[0].messages) == (
            "error",
            0.0,
            [NO_RESULT_MESSAGE],
        )


def test_the_result_is_the_verdict_with_its_own_score() -> None:
    res = read_outcome(PART, cell(shown(verdict(3.0, "failed")), value("3.0")))
    assert (res.status, res.score, res.cases[0].name) == ("failed", 3.0, "c1")


def test_nbgrader_mode_scores_by_nbgraders_rule_with_the_specs_points() -> None:
    # the notebook claims 100 points for the cell; the spec's 4 count. The value 2.5 is what
    # nbgrader's determine_grade awards, however the attached result scores itself
    res = read_outcome(
        PART, cell(shown(verdict(4.0)), value("2.5"), points=100.0), score_from="nbgrader"
    )
    assert (res.score, res.points, res.status) == (2.5, 4.0, "failed")


def test_nbgrader_mode_gives_nothing_for_output_on_stderr() -> None:
    stderr = {"output_type": "stream", "name": "stderr", "text": "warning\n"}
    res = read_outcome(PART, cell(stderr, shown(verdict(4.0)), value("4.0")), score_from="nbgrader")
    assert (res.score, res.status) == (0.0, "failed")
    assert read_outcome(PART, cell(stderr, shown(verdict(4.0)))).score == 4.0


@pytest.mark.parametrize("text", ["nan", "inf", "'full marks'"])
def test_a_value_that_is_not_a_finite_number_fails(text: str) -> None:
    # nbgrader itself would give NaN or a non-number full points: only tampering makes them
    res = read_outcome(PART, cell(shown(verdict(4.0)), value(text)), score_from="nbgrader")
    assert (res.score, res.status) == (0.0, "failed")


def test_scores_are_kept_within_zero_and_the_points() -> None:
    high = read_outcome(PART, cell(shown(verdict(9.0))))
    low = read_outcome(PART, cell(shown(verdict(4.0)), value("-3")), score_from="nbgrader")
    assert (high.score, low.score) == (4.0, 0.0)


def test_read_outcomes_keeps_the_parts_order_and_finds_cells_by_grade_id() -> None:
    other = Part("test_q", "another", ("g",), 2.0, "call", ())
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell(shown(verdict(4.0)))]
    results = read_outcomes(nb, [other, PART])
    assert [(r.part_id, r.status) for r in results] == [("test_q", "missing"), ("test_p", "ok")]
