"""``autograder mutate``: the mutant generator on small hand-written cells and the equivalence
check (the gate on the released assignments is in ``test_mutation_gate.py``)."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from autograder.instructor.fidelity.mutants import mutants_of, targets_in_cell
from autograder.instructor.fidelity.mutate import (
    _same,
    installed,
    notebook_namespace,
)

CELL = '''def hinge(x, delta=1.0):
    """Doc."""
    n = x.shape[0]
    ### BEGIN SOLUTION
    m = np.maximum(0.0, x + delta)
    s = m.sum(axis=1, keepdims=True)
    return s / n, m > 0
    ### END SOLUTION
'''

CLASS_CELL = """class Box:
    def __init__(self, v):
        self.v = v

    def double(self):
        ### BEGIN SOLUTION
        return Box(self.v * 2)
        ### END SOLUTION
"""


def _mutated_lines(cell: str) -> dict[str, list[str]]:
    (target,) = targets_in_cell(cell)
    out: dict[str, list[str]] = {}
    for m in mutants_of(target):
        out.setdefault(m.operator, []).append(ast.unparse(m.node))
    return out


def test_every_operator_fires_on_a_small_answer() -> None:
    by_op = _mutated_lines(CELL)
    assert {
        "arith",
        "boundary",
        "compare",
        "const",
        "axis",
        "keepdims",
        "drop_term",
        "kwarg_default",
        "astype64",
    } <= set(by_op)
    assert any("x - delta" in src for src in by_op["arith"])
    assert any("m >= 0" in src for src in by_op["boundary"])
    assert any("axis=0" in src for src in by_op["axis"])
    assert any("keepdims" not in src for src in by_op["keepdims"])
    # delta ignored: both of its uses (here one) in the solution take the default 1.0
    (ignored,) = by_op["kwarg_default"]
    assert "x + 1.0" in ignored
    assert any("np.maximum(0.0, x)" in src for src in by_op["drop_term"])


def test_code_outside_the_solution_block_is_never_mutated() -> None:
    (target,) = targets_in_cell(CELL)
    for m in mutants_of(target):
        if m.description.endswith("cast to float64 on entry"):
            continue  # inserted before the block, on purpose
        assert "n = x.shape[0]" in ast.unparse(m.node), m.description


def test_in_place_and_copy_operators() -> None:
    cell = (
        "def f(a, b):\n    ### BEGIN SOLUTION\n    c = a * b\n    d = b.copy()\n"
        "    return c + d\n    ### END SOLUTION\n"
    )
    (target,) = targets_in_cell(cell)
    descriptions = [m.description for m in mutants_of(target) if m.operator == "inplace"]
    assert descriptions == ["line 3: `c = a * b` done in place on a", "line 4: b.copy() -> b"]


def test_a_method_mutant_is_installed_and_removed() -> None:
    ns = notebook_namespace([CLASS_CELL])
    (target,) = targets_in_cell(CLASS_CELL)
    arith = next(m for m in mutants_of(target) if m.operator == "arith")  # * -> /
    box = ns["Box"](3.0)
    assert box.double().v == 6.0
    with installed(ns, arith):
        assert box.double().v == 1.5
    assert box.double().v == 6.0


def test_same_compares_values_dtypes_and_mutation() -> None:
    a = {"out": np.array([1.0, 2.0]), "__dtype_out": "float64", "__seconds__": 1.0}
    assert _same(a, {**a, "__seconds__": 9.0})
    assert not _same(a, {**a, "out": np.array([1.0, 2.0 + 1e-6])})
    assert not _same(a, {**a, "__dtype_out": "float32"})
    assert not _same(a, {**a, "__mutated__": "x"})
    # a scalar returned as a Python float or a NumPy float64 is the same answer
    s = {"loss": 1.5, "__dtype_loss": "float"}
    assert _same(s, {"loss": np.float64(1.5), "__dtype_loss": "float64"})
    # a history returned as a list or as a float64 array is the same answer
    h = {"history": np.array([3.0, 2.0]), "__dtype_history": "list"}
    assert _same(h, {"history": np.array([3.0, 2.0]), "__dtype_history": "float64"})
    assert not _same(h, {"history": np.array([3.0, 2.5]), "__dtype_history": "float64"})


def test_cli_grades_a_seeded_sample_and_applies_the_floor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from autograder.cli import main

    args = ["mutate", "a1", "--max-mutants", "12", "--quiet", "--no-diffs"]
    assert main([*args, "--floor", "0"]) == 0
    first = capsys.readouterr().out
    assert "mutants generated, 12 graded" in first
    # the same seed grades the same sample; an impossible floor fails the command
    assert main([*args, "--floor", "1.01"]) == 1
    second = capsys.readouterr().out
    assert first.splitlines()[:-1] == second.splitlines()[:-2]


def test_a_table_of_functions_runs_but_a_computation_does_not() -> None:
    """A setup cell's ``{"relu": (lambda ..., ...)}`` is defined (answers look it up by name);
    anything that calls, indexes or computes at the top level is skipped."""
    cell = (
        "import numpy as np\n"
        "ACTS = {'relu': (lambda a: np.maximum(a, 0.0), np.sign)}\n"
        "ALIAS = ACTS\n"
        "data = np.ones(3)\n"
        "first = ACTS['relu']\n"
        "late = lambda a, k=np.ones(2): a\n"
    )
    ns = notebook_namespace([cell])
    assert ns["ACTS"]["relu"][0](np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert ns["ALIAS"] is ns["ACTS"]
    assert "data" not in ns and "first" not in ns and "late" not in ns
