"""a1 robustness: numerical stability, dtype preservation, clear errors, inputs left unmodified."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

import solutions.a1_linear_classifiers as a1
from tests.solutions.test_a1_linear_classifiers import quadratic_loss

SVM_LOSSES = [a1.svm_loss_naive, a1.svm_loss_vectorized]
SOFTMAX_LOSSES = [a1.softmax_loss_naive, a1.softmax_loss_vectorized]
ALL_LOSSES = SVM_LOSSES + SOFTMAX_LOSSES


def raises(exc: type[Exception], *words: str) -> Any:
    """``pytest.raises`` whose message must contain every word (function, argument, ...).

    Words are matched whole (``\\by\\b``), so the argument ``y`` is not found inside "only".
    """
    return pytest.raises(exc, match="(?s)" + "".join(rf"(?=.*\b{re.escape(w)}\b)" for w in words))


@contextmanager
def strict_floats() -> Iterator[None]:
    """Turn every warning into an error and make overflow / invalid / divide-by-zero raise.

    Underflow stays ignored on purpose: exp(-2e4) underflowing to 0.0 IS the right probability
    for a class that far behind, not an error.
    """
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        yield


# ---------------------------------------------------------------- stability


def test_softmax_of_huge_scores_is_finite_and_exact() -> None:
    # softmax([1e4, 0, -1e4]) = [1, e^-1e4, e^-2e4] / (1 + ...) = [1, 0, 0] in floating point;
    # a row of equal huge scores is uniform; [1e4, 1e4 + ln 3] -> [1/4, 3/4] (shift invariance).
    scores = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4 + math.log(3), 1e4]])
    with strict_floats():
        p = a1.softmax(scores)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-12)
    np.testing.assert_allclose(p[2], [1 / 5, 3 / 5, 1 / 5], rtol=1e-9)


@pytest.mark.parametrize("loss_fn", SOFTMAX_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_softmax_loss_of_huge_scores_is_finite(loss_fn: Any, sign: float) -> None:
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 4))
    X = sign * 1e4 * rng.standard_normal((6, 3))
    y = rng.integers(0, 4, 6)
    with strict_floats():
        loss, dW = loss_fn(W, X, y, 0.1)
    assert math.isfinite(loss)
    assert np.all(np.isfinite(dW))
    # With scores this far apart log-sum-exp is the row maximum (the other terms add at most
    # log C relative to ~1e4), so L ≈ mean_i (max_j s_ij - s_iy_i) + penalty.
    s = X @ W
    top2 = np.sort(s, axis=1)[:, -2:]
    assert (top2[:, 1] - top2[:, 0]).min() > 50  # so p is one-hot up to e^-50
    approx = float(np.mean(s.max(axis=1) - s[np.arange(6), y])) + 0.05 * float(np.sum(W**2))
    assert loss == pytest.approx(approx, abs=math.log(4) + 1e-9)
    # ... and p is (almost) one-hot at the argmax, so dW ≈ X^T (onehot(argmax) - onehot(y)) / N.
    G = np.zeros((6, 4))
    G[np.arange(6), s.argmax(axis=1)] += 1
    G[np.arange(6), y] -= 1
    np.testing.assert_allclose(dW, X.T @ G / 6 + 0.1 * W, rtol=1e-6, atol=1e-6 * 1e4)


@pytest.mark.parametrize("loss_fn", ALL_LOSSES, ids=lambda f: f.__name__)
def test_losses_with_large_weights_are_finite(loss_fn: Any) -> None:
    rng = np.random.default_rng(1)
    W, X, y = 1e4 * rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.integers(0, 5, 4)
    with strict_floats():
        loss, dW = loss_fn(W, X, y, 0.0)
    assert math.isfinite(loss) and np.all(np.isfinite(dW))


# ---------------------------------------------------------------- dtype


def data(dtype: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    W = rng.standard_normal((3, 4)).astype(dtype)
    X = rng.standard_normal((5, 3)).astype(dtype)
    return W, X, rng.integers(0, 4, 5)


@pytest.mark.parametrize("loss_fn", ALL_LOSSES, ids=lambda f: f.__name__)
def test_losses_keep_float32(loss_fn: Any) -> None:
    W32, X32, y = data(np.float32)
    loss32, dW32 = loss_fn(W32, X32, y, 0.1)
    assert dW32.dtype == np.float32
    assert isinstance(loss32, float)
    # ... and agree with float64 to float32 precision.
    loss64, dW64 = loss_fn(W32.astype(np.float64), X32.astype(np.float64), y, 0.1)
    assert dW64.dtype == np.float64
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(dW32, dW64, rtol=1e-4, atol=1e-5)


def test_other_functions_keep_float32() -> None:
    W32, X32, y = data(np.float32)
    assert a1.softmax(X32).dtype == np.float32
    assert a1.add_bias_column(X32).dtype == np.float32
    for penalty in (a1.l1_penalty, a1.l2_penalty):
        assert penalty(W32, 0.1)[1].dtype == np.float32
    signs = np.array([1, -1, 1, -1, 1])
    assert a1.perceptron_fit(X32, signs, epochs=3, lr=0.5).dtype == np.float32
    W, hist = a1.sgd(
        a1.softmax_loss_vectorized, W32, X32, y, lr=0.1, reg=0.1, batch_size=2, num_iters=3,
        rng=np.random.default_rng(0),
    )  # fmt: skip
    assert W.dtype == np.float32
    assert all(isinstance(h, float) for h in hist)


# ---------------------------------------------------------------- errors


def good_args() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.standard_normal((3, 4)), rng.standard_normal((5, 3)), np.array([0, 1, 2, 3, 0])


LOSS_ERRORS: list[tuple[str, Callable[..., tuple[Any, ...]], type[Exception], str]] = [
    # (case, make (W, X, y, reg) from good ones, exception, argument named in the message)
    ("X has D' != D", lambda W, X, y: (W, X[:, :2], y, 0.1), ValueError, "W"),
    ("W transposed", lambda W, X, y: (W.T.copy(), X, y, 0.1), ValueError, "W"),
    ("label == C", lambda W, X, y: (W, X, np.array([0, 1, 4, 3, 0]), 0.1), ValueError, "y"),
    ("label == -1", lambda W, X, y: (W, X, np.array([0, -1, 2, 3, 0]), 0.1), ValueError, "y"),
    ("int X", lambda W, X, y: (W, np.arange(15).reshape(5, 3), y, 0.1), TypeError, "X"),
    ("int W", lambda W, X, y: (np.ones((3, 4), dtype=int), X, y, 0.1), TypeError, "W"),
    ("float y", lambda W, X, y: (W, X, y.astype(float), 0.1), TypeError, "y"),
    ("y too short", lambda W, X, y: (W, X, y[:4], 0.1), ValueError, "y"),
    ("y too long", lambda W, X, y: (W, X, np.append(y, 1), 0.1), ValueError, "y"),
    ("1-D X", lambda W, X, y: (W, X[0], y, 0.1), ValueError, "X"),
    ("negative reg", lambda W, X, y: (W, X, y, -0.1), ValueError, "reg"),
    ("nan reg", lambda W, X, y: (W, X, y, float("nan")), ValueError, "reg"),
    ("list X", lambda W, X, y: (W, X.tolist(), y, 0.1), TypeError, "X"),
]


@pytest.mark.parametrize("loss_fn", ALL_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("case", "make", "exc", "arg"), LOSS_ERRORS, ids=[c[0] for c in LOSS_ERRORS]
)
def test_loss_errors_name_function_and_argument(
    loss_fn: Any, case: str, make: Any, exc: type[Exception], arg: str
) -> None:
    W, X, y = good_args()
    loss_fn(W, X, y, 0.1)  # the good arguments themselves are accepted
    with raises(exc, loss_fn.__name__, arg):
        loss_fn(*make(W, X, y))


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_svm_delta_must_be_positive(loss_fn: Any, delta: float) -> None:
    W, X, y = good_args()
    with raises(ValueError, loss_fn.__name__, "delta"):
        loss_fn(W, X, y, 0.1, delta=delta)


def test_other_function_errors() -> None:
    W, X, _ = good_args()
    with raises(TypeError, "softmax", "scores"):
        a1.softmax(np.array([1, 2, 3]))
    with raises(ValueError, "softmax", "scores"):
        a1.softmax(np.array(1.0))  # 0-D: no class axis
    with raises(TypeError, "add_bias_column", "X"):
        a1.add_bias_column(np.ones((2, 2), dtype=int))
    with raises(ValueError, "add_bias_column", "X"):
        a1.add_bias_column(np.ones(3))
    for penalty in (a1.l1_penalty, a1.l2_penalty):
        with raises(ValueError, penalty.__name__, "reg"):
            penalty(W, -1.0)
        with raises(TypeError, penalty.__name__, "W"):
            penalty(np.ones(3, dtype=int), 1.0)
    with raises(ValueError, "predict", "W"):
        a1.predict(W, X[:, :2])
    with raises(TypeError, "predict", "X"):
        a1.predict(W, X.astype(int))
    with raises(ValueError, "accuracy", "y_pred"):
        a1.accuracy(np.array([0, 1]), np.array([0, 1, 2]))


SGD_KW: dict[str, Any] = {"lr": 0.1, "reg": 0.0, "batch_size": 2, "num_iters": 3}


@pytest.mark.parametrize(
    ("override", "exc", "arg"),
    [
        ({"rng": 0}, TypeError, "rng"),
        ({"rng": np.random.RandomState(0)}, TypeError, "rng"),  # the legacy API
        ({"rng": None}, TypeError, "rng"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"reg": -1.0}, ValueError, "reg"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 6}, ValueError, "batch_size"),  # more than N = 5 distinct rows
        ({"batch_size": 2.0}, ValueError, "batch_size"),
        ({"num_iters": 0}, ValueError, "num_iters"),
    ],
)
def test_sgd_errors(override: dict[str, Any], exc: type[Exception], arg: str) -> None:
    W, X, y = good_args()
    kw = {**SGD_KW, "rng": np.random.default_rng(0), **override}
    with raises(exc, "sgd", arg):
        a1.sgd(quadratic_loss, W, X, y, **kw)


def test_sgd_argument_errors() -> None:
    W, X, y = good_args()
    kw = {**SGD_KW, "rng": np.random.default_rng(0)}
    with raises(TypeError, "sgd", "loss_fn"):
        a1.sgd("softmax", W, X, y, **kw)
    with raises(TypeError, "sgd", "X"):
        a1.sgd(quadratic_loss, W, X.astype(int), y, **kw)
    with raises(TypeError, "sgd", "W0"):
        a1.sgd(quadratic_loss, W.astype(int), X, y, **kw)
    with raises(ValueError, "sgd", "y"):
        a1.sgd(quadratic_loss, W, X, y[:4], **kw)


@pytest.mark.parametrize(
    "labels", [[0, 1, 1, 0], [1, 2, -1, 1], [1.0, -1.0, 0.5, 1.0]], ids=["01", "12", "half"]
)
def test_perceptron_labels_must_be_signs(labels: list[float]) -> None:
    X = np.ones((4, 2))
    with raises(ValueError, "perceptron_fit", "y"):
        a1.perceptron_fit(X, np.array(labels), epochs=1, lr=1.0)


def test_perceptron_other_errors() -> None:
    X, y = np.ones((4, 2)), np.array([1, -1, 1, -1])
    with raises(ValueError, "perceptron_fit", "y"):
        a1.perceptron_fit(X, y[:3], epochs=1, lr=1.0)
    with raises(TypeError, "perceptron_fit", "X"):
        a1.perceptron_fit(X.astype(int), y, epochs=1, lr=1.0)
    with raises(ValueError, "perceptron_fit", "epochs"):
        a1.perceptron_fit(X, y, epochs=0, lr=1.0)
    with raises(ValueError, "perceptron_fit", "lr"):
        a1.perceptron_fit(X, y, epochs=1, lr=-1.0)
    with raises(ValueError, "perceptron_predict", "w"):
        a1.perceptron_predict(np.ones(2), X)  # needs D + 1 = 3 entries


# ---------------------------------------------------------------- inputs are never modified


def frozen(*arrays: np.ndarray) -> list[np.ndarray]:
    """Copies to compare against, and make the originals read-only so that in-place writes fail."""
    copies = [a.copy() for a in arrays]
    for a in arrays:
        a.flags.writeable = False
    return copies


def assert_unchanged(arrays: tuple[np.ndarray, ...], copies: list[np.ndarray]) -> None:
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("loss_fn", ALL_LOSSES, ids=lambda f: f.__name__)
def test_losses_do_not_modify_inputs(loss_fn: Any) -> None:
    W, X, y = good_args()
    # Values the test can check were not overwritten: a plain copy comparison, done on writable
    # arrays (a function could legitimately fail on read-only input, but must not mutate).
    copies = [W.copy(), X.copy(), y.copy()]
    _, dW = loss_fn(W, X, y, 0.3)
    assert dW is not W
    assert_unchanged((W, X, y), copies)
    dW[...] = 123.0  # the returned gradient does not alias the weights
    assert_unchanged((W,), copies[:1])


def test_other_functions_do_not_modify_inputs() -> None:
    W, X, y = good_args()
    scores = X @ W
    copies = [W.copy(), X.copy(), y.copy(), scores.copy()]
    a1.softmax(scores)
    a1.add_bias_column(X)
    a1.l1_penalty(W, 0.2)[1][...] = 9.0
    a1.l2_penalty(W, 0.2)[1][...] = 9.0
    a1.predict(W, X)
    a1.accuracy(y, y[::-1].copy())
    signs = np.array([1, -1, 1, 1, -1])
    sign_copy = signs.copy()
    w = a1.perceptron_fit(X, signs, epochs=3, lr=1.0)
    w_copy = w.copy()
    a1.perceptron_predict(w, X)
    a1.sgd(
        quadratic_loss, W, X, y, lr=0.1, reg=0.1, batch_size=5, num_iters=4,
        rng=np.random.default_rng(0),
    )  # fmt: skip
    assert_unchanged((W, X, y, scores, signs, w), [*copies, sign_copy, w_copy])


def test_functions_accept_read_only_inputs() -> None:
    # Read-only arrays (e.g. memory-mapped data) must work: nothing is written in place.
    W, X, y = good_args()
    scores = X @ W
    copies = frozen(W, X, y, scores)
    for loss_fn in ALL_LOSSES:
        loss_fn(W, X, y, 0.3)
    a1.softmax(scores)
    a1.add_bias_column(X)
    a1.predict(W, X)
    a1.sgd(
        quadratic_loss, W, X, y, lr=0.1, reg=0.1, batch_size=3, num_iters=2,
        rng=np.random.default_rng(0),
    )  # fmt: skip
    assert_unchanged((W, X, y, scores), copies)
