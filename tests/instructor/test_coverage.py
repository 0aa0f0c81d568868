"""The spec-coverage rules of ``autograder validate`` on small hand-made parts, and the released
specs are clean."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.instructor.fidelity.coverage import coverage_problems, kink_problems, part_problems
from autograder.instructor.fidelity.mutants import targets_in_cell
from autograder.instructor.fidelity.mutate import notebook_namespace
from autograder.judging.spec import Case, Check, Part

CELL = '''import numpy as np

def hinge(scores, delta=1.0):
    """Hinge of the scores.

    Returns
    -------
    ndarray, same dtype as ``scores``. ``scores`` is not modified.
    """
    ### BEGIN SOLUTION
    return np.maximum(0.0, scores + delta)
    ### END SOLUTION
'''


def _setup() -> tuple[dict, dict]:
    ns = notebook_namespace([CELL])
    targets = {t.owner: [t] for t in targets_in_cell(CELL)}
    return ns, targets


def _part(*cases: Case) -> Part:
    return Part(
        "test_hinge",
        "Hinge",
        ("hinge",),
        1,
        "call",
        (Check("match", "out"),),
        public_cases=lambda: list(cases),
    )


def _problems(*cases: Case) -> list[str]:
    ns, targets = _setup()
    part = _part(*cases)
    return list(part_problems(part, ns, targets)) + list(kink_problems([part], ns, targets))


X = np.array([[0.5, -1.0], [2.0, -0.25]])


def test_a_default_only_spec_breaks_every_rule() -> None:
    problems = _problems(Case("a", {"scores": X}))
    assert any("parameter `delta`" in p and "default 1.0" in p for p in problems)
    assert any("promises a dtype" in p for p in problems)
    assert any("branches at 0" in p for p in problems)
    assert len(problems) == 3  # an array is passed, so the no-modification rule holds


def test_each_case_fixes_its_rule() -> None:
    full = (
        Case("a", {"scores": X}),
        Case("delta", {"scores": X, "delta": 2.0}),
        Case("f32", {"scores": X.astype(np.float32)}),
        Case("kink", {"scores": np.array([[-1.0, 3.0]])}, "margins of exactly 0"),
    )
    assert _problems(*full) == []
    # a delta equal to the default does not count
    same = (Case("delta", {"scores": X, "delta": 1.0}), *full[2:])
    assert any("parameter `delta`" in p for p in _problems(*same))
    # a float32 case whose checks compare nothing with the reference does not count
    unchecked = Case("f32", {"scores": X.astype(np.float32)}, checks=())
    assert any("promises a dtype" in p for p in _problems(full[0], full[1], unchecked, full[3]))
    # an exact zero in a float input is a kink case too
    zero = Case("zero", {"scores": np.array([0.0, 1.0])})
    assert not any("branches at 0" in p for p in _problems(*full[:3], zero))


def test_no_array_argument_breaks_the_no_modification_promise() -> None:
    problems = _problems(Case("a", {"scores": 1.5, "delta": 2.0}))
    assert any("not to modify" in p for p in problems)


@pytest.mark.parametrize("assignment", ["a1_linear_classifiers", "a2_autodiff", "a3_backprop_mlp"])
def test_released_specs_are_covered(assignment: str) -> None:
    assert coverage_problems(assignment) == []
