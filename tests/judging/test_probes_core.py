"""Tests of ``autograder.judging.probes.core``: the safe runner and the generic probes.

Student code runs as a notebook cell would (:mod:`tests.judging.student_code`).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from autograder.judging.judge import judge_part
from autograder.judging.probes import run_probe
from autograder.judging.spec import Case, Check, Part
from tests.judging.student_code import student


def call_part(fn: str = "f", outputs: tuple[str, ...] = ("out",)) -> Part:
    return Part(
        "test_f",
        "F",
        (fn,),
        2,
        "call",
        (Check("match", outputs[0]),),
        options={"outputs": list(outputs)},
    )


LOSS_PART = Part(
    "test_loss",
    "Loss",
    ("loss",),
    3,
    "loss_grad",
    (Check("match", "loss"), Check("match", "dW"), Check("selfgrad", "dW", against="numeric_dW")),
    options={"outputs": ["loss", "dW"], "wrt": "W"},
)


def test_call_records_outputs_and_dtype(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        def f(x, k):
            return x * k, float(x.sum())
    """,
    )
    x = np.arange(6.0).reshape(2, 3)
    rec = run_probe(ns, call_part(outputs=("out", "total")), {"x": x, "k": 3})
    np.testing.assert_array_equal(rec["out"], 3 * x)
    assert rec["total"] == 15.0
    assert rec["__dtype_out"] == "float64"
    assert "__error__" not in rec and "__mutated__" not in rec and "__warnings__" not in rec
    assert "__seconds__" not in rec and rec["__output_chars__"] == 0  # no clock is read


def test_call_keeps_float32_dtype(tmp_path: Path) -> None:
    ns = student(tmp_path, "def f(x):\n    return x * 2\n")
    rec = run_probe(ns, call_part(), {"x": np.ones(3, dtype=np.float32)})
    assert rec["out"].dtype == np.float32 and rec["__dtype_out"] == "float32"


def test_mutation_is_named_and_callers_array_is_unchanged(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        def f(x, y):
            x *= 2          # in place: a bug
            return x + y
    """,
    )
    x, y = np.array([1.0, 2.0]), np.array([10.0, 20.0])
    rec = run_probe(ns, call_part(), {"x": x, "y": y})
    assert rec["__mutated__"] == "x"
    np.testing.assert_array_equal(x, [1.0, 2.0])  # the probe worked on a copy
    np.testing.assert_array_equal(rec["out"], [12.0, 24.0])


def test_exception_is_recorded_with_type_and_student_line(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        def f(x):
            rows = x.shape[0]
            return x[rows + 5]
    """,
    )
    rec = run_probe(ns, call_part(), {"x": np.zeros((3, 2))})
    assert rec["__status__"] == "error"
    err = rec["__error__"]
    assert err.startswith("IndexError:")
    assert "line 4" in err and "return x[rows + 5]" in err


def test_exception_inside_numpy_still_points_at_the_student_line(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        def f(X):
            return np.hstack([X, np.ones(X.shape[0])])
    """,
    )
    rec = run_probe(ns, call_part(), {"X": np.zeros((3, 2))})
    assert rec["__status__"] == "error"
    assert rec["__error__"].startswith("ValueError:")
    assert "np.hstack([X, np.ones(X.shape[0])])" in rec["__error__"]


def test_missing_function(tmp_path: Path) -> None:
    rec = run_probe({"g": lambda: 1}, call_part(), {"x": np.zeros(2)})
    assert rec["__status__"] == "missing"
    assert "`f` is not defined" in rec["__error__"]


def test_name_bound_to_a_non_function(tmp_path: Path) -> None:
    rec = run_probe({"f": 3}, call_part(), {"x": np.zeros(2)})
    assert rec["__status__"] == "missing"
    assert "int" in rec["__error__"]


def test_returning_none_says_return(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        def f(x):
            out = x + 1      # forgot to return
    """,
    )
    rec = run_probe(ns, call_part(), {"x": np.zeros(2)})
    assert rec["__status__"] == "error"
    assert "None" in rec["__error__"] and "`return`" in rec["__error__"]


def test_wrong_tuple_length(tmp_path: Path) -> None:
    ns = student(tmp_path, "def f(x):\n    return x, x, x\n")
    rec = run_probe(ns, call_part(outputs=("a", "b")), {"x": np.zeros(2)})
    assert rec["__status__"] == "error"
    assert "3 values" in rec["__error__"] and "(a, b)" in rec["__error__"]


def test_single_array_where_a_tuple_is_expected(tmp_path: Path) -> None:
    ns = student(tmp_path, "def f(x):\n    return x\n")
    rec = run_probe(ns, call_part(outputs=("a", "b")), {"x": np.zeros(2)})
    assert rec["__status__"] == "error"
    assert "ndarray" in rec["__error__"] and "(a, b)" in rec["__error__"]


def test_non_numeric_return(tmp_path: Path) -> None:
    ns = student(tmp_path, "def f(x):\n    return 'done'\n")
    rec = run_probe(ns, call_part(), {"x": np.zeros(2)})
    assert rec["__status__"] == "error" and "str" in rec["__error__"]


def test_prints_are_captured_and_never_reach_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    ns = student(
        tmp_path,
        """
        import sys
        def f(x):
            print("debugging", x)
            print("oops", file=sys.stderr)
            return x
    """,
    )
    rec = run_probe(ns, call_part(), {"x": np.zeros(2)})
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert rec["__output_chars__"] == len("debugging [0. 0.]\n") + len("oops\n")
    assert "__error__" not in rec


def test_runtime_warning_is_recorded_not_shown(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    ns = student(
        tmp_path,
        """
        def f(x):
            return np.exp(x)
    """,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the runner must catch it before this filter applies
        rec = run_probe(ns, call_part(), {"x": np.array([1e4, 0.0])})
    assert "RuntimeWarning" in rec["__warnings__"] and "overflow" in rec["__warnings__"]
    assert np.isinf(rec["out"][0])
    assert capfd.readouterr().err == ""


def test_loss_grad_records_numeric_gradient_of_the_students_own_loss(tmp_path: Path) -> None:
    # The student's loss is deliberately NOT the reference's: 0.5 * sum(W^2) * 3 + sum(X @ W).
    # Its true gradient (by hand) is 3 W + X.sum(0)[:, None]; the student returns a wrong one.
    ns = student(
        tmp_path,
        """
        def loss(W, X, reg):
            value = 1.5 * np.sum(W * W) + np.sum(X @ W)
            return float(value), np.zeros_like(W)
    """,
    )
    rng = np.random.default_rng(0)
    W, X = rng.standard_normal((3, 2)), rng.standard_normal((4, 3))
    rec = run_probe(ns, LOSS_PART, {"W": W, "X": X, "reg": 0.0})
    expected_loss = 1.5 * np.sum(W * W) + np.sum(X @ W)
    assert rec["loss"] == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_array_equal(rec["dW"], np.zeros((3, 2)))
    np.testing.assert_allclose(rec["numeric_dW"], 3 * W + X.sum(axis=0)[:, None], atol=1e-7)
    assert "directional_ok" not in rec


def test_loss_grad_large_tensor_uses_a_directional_check(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        def right(W, X, reg):
            return 0.5 * float(np.sum(W * W)), W.copy()
        def wrong(W, X, reg):
            return 0.5 * float(np.sum(W * W)), 2 * W
    """,
    )
    W = np.random.default_rng(1).standard_normal((30, 20))  # 600 entries > 400
    for name, ok in (("right", True), ("wrong", False)):
        part = Part("t", "t", (name,), 1, "loss_grad", LOSS_PART.checks, options=LOSS_PART.options)
        rec = run_probe(ns, part, {"W": W, "X": np.zeros(1), "reg": 0.0})
        assert "numeric_dW" not in rec
        assert rec["directional_ok"] is ok


def test_loss_grad_numeric_gradient_survives_a_loss_that_modifies_w(tmp_path: Path) -> None:
    # Correct value and gradient (0.5 * sum(W^2) -> W), but the gradient aliases W and is
    # scaled in place: the classic `dW = W; dW *= 1` style bug. The numeric gradient of the
    # student's loss is still W (by hand).
    ns = student(
        tmp_path,
        """
        def loss(W, X, reg):
            value = 0.5 * float(np.sum(W * W))
            dW = W
            dW *= 1.0 + reg
            return value, dW
    """,
    )
    W = np.random.default_rng(2).standard_normal((3, 2))
    rec = run_probe(ns, LOSS_PART, {"W": W, "X": np.zeros(1), "reg": 0.5})
    assert rec["__mutated__"] == "W"
    np.testing.assert_allclose(rec["numeric_dW"], W, atol=1e-7)


def test_student_calling_exit_becomes_an_error_record(tmp_path: Path) -> None:
    ns = student(
        tmp_path,
        """
        import sys
        def f(x):
            sys.exit("stop here")
        """,
    )
    rec = run_probe(ns, call_part(), {"x": np.zeros(2)})
    assert rec["__status__"] == "error" and "SystemExit" in rec["__error__"]


def test_huge_python_int_is_scored_not_raised(tmp_path: Path) -> None:
    ns = student(tmp_path, "def f(x):\n    return 10**400\n")
    part = call_part()
    rec = run_probe(ns, part, {"x": np.zeros(2)})
    result = judge_part(part, [(Case("c", {"x": np.zeros(2)}), False)], [rec], [{"out": 0.5}])
    assert result.score == 0.0
