"""The mutation gate: each released assignment's spec kills at least 95% of the non-equivalent
one-bug mutants of its model answers (``autograder mutate``; all mutants, none sampled).

Slow (about 1 min of CPU per assignment on one core); the failure message lists every surviving
mutant with its diff."""

from __future__ import annotations

import pytest

from autograder.course import load_spec
from autograder.instructor.fidelity.mutate import report_text, run_mutation

FLOOR = 0.95
RELEASED = [
    "a1_linear_classifiers",
    "a2_autodiff",
    "a3_backprop_mlp",
    "a4_training_deep_nets",
    "a5_regularization",
]


@pytest.mark.slow
@pytest.mark.parametrize("assignment", RELEASED)
def test_the_spec_kills_95_percent_of_the_mutants(assignment: str) -> None:
    report = run_mutation(assignment, seed=0)
    text = report_text(report, load_spec(assignment))
    assert not report.baseline_problems, text
    assert len(report.results) >= 150, text  # the generator found the answers
    assert report.rate >= FLOOR, text
