"""A reference that fails on a case is the instructor's problem: reported once, never a 0."""

from __future__ import annotations

import numpy as np

from autograder.judging.reference import usable_cases
from autograder.judging.spec import AssignmentSpec, Case, Check, Part
from autograder.sandbox.driver import IsolatedCases


def double(x: np.ndarray) -> np.ndarray:
    """The 'reference' of the fake spec: fails (a bug in solutions) on negative input."""
    if np.any(x < 0):
        raise ValueError("reference bug: negative input")
    return 2 * x


def _spec() -> AssignmentSpec:
    part = Part(
        id="test_double",
        title="double",
        functions=("double",),
        points=2.0,
        probe="call",
        checks=(Check("match", "out"),),
        public_cases=lambda: [Case("ok", {"x": np.array([1.0, 2.0])})],
        hidden_cases=lambda: [
            Case("h_bad", {"x": np.array([-1.0])}),
            Case("h_ok", {"x": np.array([3.0])}),
        ],
    )
    return AssignmentSpec("fake", (part,), reference_module=__name__)


def test_the_failing_case_is_left_out_and_reported_once() -> None:
    spec = _spec()
    part = spec.parts[0]
    pairs = [(c, False) for c in part.public_cases()] + [(c, True) for c in part.hidden_cases()]
    kept, refs, problems = usable_cases(spec, part, pairs)
    assert [c.name for c, _ in kept] == ["ok", "h_ok"]
    assert [r["out"].tolist() for r in refs if r is not None] == [[2.0, 4.0], [6.0]]
    assert len(problems) == 1
    assert "test_double/h_bad" in problems[0] and "reference bug" in problems[0]
    assert "left out of grading" in problems[0]


def test_isolated_cases_build_does_not_raise_and_lists_the_problem() -> None:
    ic = IsolatedCases.build(_spec())
    assert [c.name for c, _ in ic.cases["test_double"]] == ["ok", "h_ok"]
    assert len(ic.references["test_double"]) == 2
    assert len(ic.problems) == 1
