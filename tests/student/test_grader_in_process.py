"""``Grader.check`` run in-process (no Jupyter): the reference scores full marks on every part,
and each realistic bug costs points on its own part only, with a hint in the printed report.

The release's case file is written with the instructor build function into a temporary folder,
which becomes the working directory, exactly as a student's notebook folder would be.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import solutions.a1_linear_classifiers as reference
from autograder.judging.spec import AssignmentSpec
from autograder.student.datasets import load_digits_split
from autograder.student.grader import Grader
from tests.grading_support import (
    MUTATED,
    assert_bug_costs_its_part_only,
    assert_reference_full_marks,
    assert_reported_all_passed,
)

ASSIGNMENT = "a1_linear_classifiers"


@pytest.fixture(scope="module")
def trained_w() -> np.ndarray:
    # a softmax classifier from the region the notebook's search finds, with the reference sgd
    data = load_digits_split(bias=True)
    W, _ = reference.sgd(
        reference.softmax_loss_vectorized,
        np.zeros((65, 10)),
        data["X_train"],
        data["y_train"],
        lr=1.0,
        reg=1e-4,
        batch_size=200,
        num_iters=1000,
        rng=np.random.default_rng(0),
    )
    return W


@pytest.fixture
def namespace(trained_w: np.ndarray) -> dict[str, Any]:
    ns: dict[str, Any] = {name: getattr(reference, name) for name in reference.__all__}
    ns["best_W"] = trained_w.copy()
    ns["np"] = np
    return ns


def _scores(grader: Grader, spec: AssignmentSpec, ns: dict[str, Any]) -> dict[str, float]:
    return {p.id: grader.check(p.id, ns) for p in spec.parts}


# ------------------------------------------------------------------------------ the reference


@pytest.mark.parametrize("hidden", [False, True])
def test_reference_scores_full_points_on_every_part(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    hidden: bool,
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert_reference_full_marks(grader, spec, namespace, hidden=hidden)
    assert_reported_all_passed(spec, *capfd.readouterr())


def test_public_cases_come_from_the_case_file(grader: Grader, spec: AssignmentSpec) -> None:
    assert grader.casefile.part_ids == [p.id for p in spec.parts]
    assert grader.casefile.path.parent == Path.cwd()
    assert grader.casefile.part("test_sgd") == spec.part("test_sgd")


def test_unknown_part_prints_an_error_and_scores_zero(
    grader: Grader, namespace: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    assert grader.check("test_nope", namespace) == 0.0
    out, err = capfd.readouterr()
    assert "[ERROR] test_nope" in out and "test_svm_loss_naive" in out and err == ""


def test_missing_function_scores_zero_with_a_clear_message(
    grader: Grader, namespace: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    del namespace["softmax"]
    assert grader.check("test_softmax", namespace) == 0.0
    assert grader.results["test_softmax"].status == "missing"
    out, err = capfd.readouterr()
    assert "[MISSING]" in out and "`softmax` is not defined" in out and err == ""


# ------------------------------------------------------------------------------ buggy students


def svm_no_mean(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float, delta: float = 1.0):
    """Vectorized hinge loss that sums instead of averaging over the batch."""
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + delta)
    margins[rows, y] = 0.0
    loss = margins.sum() + 0.5 * reg * np.sum(W * W)
    coeff = (margins > 0).astype(W.dtype)
    coeff[rows, y] = -coeff.sum(axis=1)
    return float(loss), X.T @ coeff + reg * W


def softmax_unstable(scores: np.ndarray) -> np.ndarray:
    """Softmax without subtracting the row maximum: overflows on scores of 1e4."""
    e = np.exp(scores)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_loss_no_reg_grad(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float):
    """Correct loss (with the penalty), gradient without the penalty's reg * W."""
    N = X.shape[0]
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    p = np.exp(log_p)
    loss = -np.mean(log_p[np.arange(N), y]) + 0.5 * reg * np.sum(W * W)
    p[np.arange(N), y] -= 1.0
    return float(loss), X.T @ p / N


def bias_first(X: np.ndarray) -> np.ndarray:
    """The column of ones put first instead of last."""
    return np.hstack([np.ones((X.shape[0], 1)), X])


def sgd_with_replacement(loss_fn, W0, X, y, *, lr, reg, batch_size, num_iters, rng):
    """Minibatches drawn with replacement: a sample can appear twice in one batch."""
    W, hist = W0.copy(), []
    for _ in range(num_iters):
        idx = rng.integers(0, X.shape[0], size=batch_size)
        loss, dW = loss_fn(W, X[idx], y[idx], reg)
        hist.append(loss)
        W = W - lr * dW
    return W, hist


def sgd_in_place(loss_fn, W0, X, y, *, lr, reg, batch_size, num_iters, rng):
    """Right updates, but applied to the caller's W0 in place."""
    W, hist = W0, []
    for _ in range(num_iters):
        idx = rng.choice(X.shape[0], size=batch_size, replace=False)
        loss, dW = loss_fn(W, X[idx], y[idx], reg)
        hist.append(loss)
        W -= lr * dW
    return W, hist


def sgd_never_updates(loss_fn, W0, X, y, *, lr, reg, batch_size, num_iters, rng):
    """Draws proper minibatches and calls loss_fn, but never moves W."""
    W, hist = W0.copy(), []
    for _ in range(num_iters):
        idx = rng.choice(X.shape[0], size=batch_size, replace=False)
        loss, _ = loss_fn(W, X[idx], y[idx], reg)
        hist.append(loss)
    return W, hist


def accuracy_count(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Number of correct predictions instead of the fraction."""
    return float(np.sum(y_pred == y_true))


def l2_penalty_in_place(W: np.ndarray, reg: float):
    """Right value and gradient, but the gradient is computed by scaling W in place."""
    value = 0.5 * reg * float(np.sum(W * W))
    W *= reg
    return value, W


# name: (function replaced, bug, words the report must contain,
#        {public case or "*" for every case: keys of the checks it must fail}), predicted by
#        hand from the bug.
BUGS: dict[str, tuple[str, Callable[..., Any], str, dict[str, set[str]]]] = {
    # sums instead of averaging: loss and dW are N times too large on every case, but dW is
    # the true gradient of that (wrong) loss, so the finite-difference check still passes
    "svm without 1/N": (
        "svm_loss_vectorized",
        svm_no_mean,
        "N = 5 times too large",
        {"*": {"loss", "dW"}},
    ),
    "softmax without max": ("softmax", softmax_unstable, "NaN or infinity", {"large": {"probs"}}),
    # only the regularised case has reg > 0; its gradient disagrees with the reference and with
    # the finite differences of its own (correct) loss
    "softmax loss without reg * W": (
        "softmax_loss_vectorized",
        softmax_loss_no_reg_grad,
        "reg * W, is missing",
        {"regularised": {"dW", "selfgrad:dW"}},
    ),
    "bias column first": (
        "add_bias_column",
        bias_first,
        "entries differ",
        {"*": {"out"}},
    ),
    # full batch: another random stream and repeated rows change W and the history;
    # minibatch: rows repeat within a batch (almost surely over 200 draws of 8 from 40)
    "sgd with replacement": (
        "sgd",
        sgd_with_replacement,
        "no sample twice in a minibatch (replace=False): not satisfied",
        {"full_batch": {"W", "history"}, "minibatch": {"distinct_rows_ok"}},
    ),
    # the side conditions hold (calls, batch sizes, distinct rows, W0 untouched) but the core
    # result is wrong in every case: the gate leaves no credit at all
    "sgd that never updates": (
        "sgd",
        sgd_never_updates,
        "no credit for this case while",
        {"full_batch": {"W", "history"}, "minibatch": {"loss_decreased", "replay_ok"}},
    ),
    "sgd updating W0 in place": (
        "sgd",
        sgd_in_place,
        "modified its input(s) W0 in place",
        # the W0 check fails, and modifying an input costs one more check's credit
        {"*": {"w0_unchanged", MUTATED}},
    ),
    "accuracy as a count": (
        "accuracy",
        accuracy_count,
        "N = 8 times too large",
        {"*": {"acc"}},
    ),
}


@pytest.mark.parametrize("bug", list(BUGS))
def test_a_bug_costs_points_on_its_own_part_only(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    bug: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert_bug_costs_its_part_only(grader, spec, namespace, BUGS[bug], capfd)


def test_softmax_overflow_warning_is_reported_not_printed(
    grader: Grader, namespace: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    namespace["softmax"] = softmax_unstable
    grader.check("test_softmax", namespace)
    out, err = capfd.readouterr()
    assert err == ""
    assert "warnings were raised: RuntimeWarning" in out and "overflow" in out


def test_bias_first_report_shows_expected_and_got(
    grader: Grader, namespace: dict[str, Any]
) -> None:
    namespace["add_bias_column"] = bias_first
    result = grader.evaluate("test_add_bias_column", namespace)
    case = result.cases[0]
    X = grader.casefile.cases("test_add_bias_column")[0][0].args["X"]
    D = X.shape[1]
    shown = re.findall(r"at \[(\d+), (\d+)\]: expected (\S+), got (\S+)", case.messages[0])
    assert len(shown) == 3
    for i, j, expected, got in shown:
        r, c = int(i), int(j)
        # by hand: [X, 1] was expected, [1, X] was returned
        assert expected == (f"{X[r, c]:.6g}" if c < D else "1")
        assert got == ("1" if c == 0 else f"{X[r, c - 1]:.6g}")


def test_accuracy_count_hint_names_the_average(
    grader: Grader, namespace: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    namespace["accuracy"] = accuracy_count
    grader.check("test_accuracy", namespace)
    assert "N = 8 times too large" in capfd.readouterr().out


def test_in_place_modification_is_reported(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    capfd: pytest.CaptureFixture[str],
) -> None:
    namespace["l2_penalty"] = l2_penalty_in_place
    scores = _scores(grader, spec, namespace)
    for part in spec.parts:
        if part.id != "test_l2_penalty":
            assert scores[part.id] == part.points, part.id
    out, err = capfd.readouterr()
    assert err == ""
    assert "modified its input(s) W in place" in out
    assert 0.0 <= scores["test_l2_penalty"] <= 3.0
