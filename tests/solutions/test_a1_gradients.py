"""a1 gradients: float64 finite-difference checks and naive == vectorized (hypothesis).

Every analytic gradient is checked against ``tests/numeric.py`` (centred differences, an oracle
that shares no code with ``solutions``), with the entrywise rule of docs/architecture.md. Hinge
cases are resampled until every margin is at least 1e-3 away from its kink.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import solutions.a1_linear_classifiers as a1
from tests.numeric import assert_grad_close, numeric_grad

LossFn = Callable[..., tuple[float, np.ndarray]]

SVM_LOSSES = [a1.svm_loss_naive, a1.svm_loss_vectorized]
SOFTMAX_LOSSES = [a1.softmax_loss_naive, a1.softmax_loss_vectorized]
KINK_GAP = 1e-3


def hinge_margins(W: np.ndarray, X: np.ndarray, y: np.ndarray, delta: float) -> np.ndarray:
    """Margins ``s_ij - s_iy_i + delta`` for the N*(C-1) pairs ``j != y_i`` (flattened)."""
    s = X @ W
    m = s - s[np.arange(len(y)), y][:, None] + delta
    keep = np.ones_like(m, dtype=bool)
    keep[np.arange(len(y)), y] = False
    return m[keep]


def hinge_case(
    rng: np.random.Generator, N: int, D: int, C: int, delta: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random (W, X, y) whose margins are all >= KINK_GAP from 0, with some active, some not.

    X gets a constant last column (the bias trick) so that the bias row of W is non-zero and
    exercised, as docs/architecture.md, Gradient checks asks.
    """
    for _ in range(1000):
        W = rng.standard_normal((D, C))
        X = np.hstack([rng.standard_normal((N, D - 1)), np.ones((N, 1))])
        y = rng.integers(0, C, size=N)
        m = hinge_margins(W, X, y, delta)
        if np.abs(m).min() >= KINK_GAP and (m > 0).any() and (m < 0).any():
            return W, X, y
    raise RuntimeError("could not sample a hinge case away from the kinks")


# ---------------------------------------------------------------- finite-difference checks


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("reg", [0.0, 0.7])
@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_svm_gradient_matches_finite_differences(loss_fn: LossFn, reg: float, delta: float) -> None:
    rng = np.random.default_rng(10)
    W, X, y = hinge_case(rng, N=7, D=4, C=5, delta=delta)
    loss, dW = loss_fn(W, X, y, reg, delta=delta)
    num = numeric_grad(lambda w: loss_fn(w, X, y, reg, delta=delta)[0], W)
    assert dW.shape == W.shape
    assert np.abs(num).max() > 0.1  # a non-trivial gradient
    assert_grad_close(dW, num, f_scale=loss)


@pytest.mark.parametrize("loss_fn", SOFTMAX_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("reg", [0.0, 0.7])
def test_softmax_loss_gradient_matches_finite_differences(loss_fn: LossFn, reg: float) -> None:
    rng = np.random.default_rng(11)
    W = rng.standard_normal((4, 5))
    X = np.hstack([rng.standard_normal((7, 3)), np.ones((7, 1))])
    y = rng.integers(0, 5, size=7)
    loss, dW = loss_fn(W, X, y, reg)
    num = numeric_grad(lambda w: loss_fn(w, X, y, reg)[0], W)
    assert dW.shape == W.shape
    assert np.abs(num).max() > 0.05
    assert_grad_close(dW, num, f_scale=loss)


def test_l1_penalty_gradient_away_from_zero() -> None:
    rng = np.random.default_rng(12)
    W = rng.standard_normal((3, 4))
    W[np.abs(W) < KINK_GAP] = 0.5  # |w| >= 1e-3: the finite difference never crosses 0
    assert (W < 0).any() and (W > 0).any()
    value, grad = a1.l1_penalty(W, 0.3)
    num = numeric_grad(lambda w: a1.l1_penalty(w, 0.3)[0], W)
    assert_grad_close(grad, num, f_scale=value)


@pytest.mark.parametrize("shape", [(3, 4), (5,), (2, 3, 2)])
def test_l2_penalty_gradient(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(13)
    W = rng.standard_normal(shape)
    value, grad = a1.l2_penalty(W, 0.3)
    num = numeric_grad(lambda w: a1.l2_penalty(w, 0.3)[0], W)
    assert grad.shape == W.shape
    assert_grad_close(grad, num, f_scale=value)


# ---------------------------------------------------------------- naive == vectorized

shapes = st.tuples(
    st.integers(1, 12),  # N
    st.integers(1, 6),  # D
    st.integers(2, 6),  # C
)
regs = st.floats(0.0, 2.0, allow_nan=False)
seeds = st.integers(0, 2**32 - 1)


def random_case(
    seed: int, N: int, D: int, C: int, scale: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((D, C)) * scale
    X = rng.standard_normal((N, D)) * scale
    y = rng.integers(0, C, size=N)
    return W, X, y


@settings(max_examples=60, deadline=None)
@given(
    shape=shapes,
    reg=regs,
    seed=seeds,
    scale=st.sampled_from([0.01, 1.0, 5.0]),
    delta=st.sampled_from([1.0, 0.25, 3.0]),
)
def test_svm_naive_equals_vectorized(
    shape: tuple[int, int, int], reg: float, seed: int, scale: float, delta: float
) -> None:
    N, D, C = shape
    W, X, y = random_case(seed, N, D, C, scale)
    # Naive (row @ W) and vectorized (X @ W) round differently in the last bit; a margin that
    # close to the kink could legitimately be active in one and not in the other.
    assume(np.abs(hinge_margins(W, X, y, delta)).min() > 1e-9)
    loss_n, dW_n = a1.svm_loss_naive(W, X, y, reg, delta=delta)
    loss_v, dW_v = a1.svm_loss_vectorized(W, X, y, reg, delta=delta)
    np.testing.assert_allclose(loss_v, loss_n, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dW_v, dW_n, rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(shape=shapes, reg=regs, seed=seeds, scale=st.sampled_from([0.01, 1.0, 5.0]))
def test_softmax_naive_equals_vectorized(
    shape: tuple[int, int, int], reg: float, seed: int, scale: float
) -> None:
    N, D, C = shape
    W, X, y = random_case(seed, N, D, C, scale)
    loss_n, dW_n = a1.softmax_loss_naive(W, X, y, reg)
    loss_v, dW_v = a1.softmax_loss_vectorized(W, X, y, reg)
    np.testing.assert_allclose(loss_v, loss_n, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dW_v, dW_n, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- a second naive implementation


def reference_svm(W: Any, X: Any, y: Any, reg: float, delta: float) -> tuple[float, np.ndarray]:
    """Textbook hinge loss written from the formula, sample by sample, for cross-checking."""
    N, C = X.shape[0], W.shape[1]
    total, grad = 0.0, np.zeros_like(W)
    for i in range(N):
        s = [float(X[i] @ W[:, j]) for j in range(C)]
        for j in range(C):
            if j != y[i] and s[j] - s[y[i]] + delta > 0:
                total += s[j] - s[y[i]] + delta
                grad[:, j] += X[i]
                grad[:, y[i]] -= X[i]
    return total / N + 0.5 * reg * float((W**2).sum()), grad / N + reg * W


def reference_softmax_loss(W: Any, X: Any, y: Any, reg: float) -> tuple[float, np.ndarray]:
    """Cross-entropy from the formula with math-level operations, for cross-checking."""
    N, C = X.shape[0], W.shape[1]
    total, grad = 0.0, np.zeros_like(W)
    for i in range(N):
        s = X[i] @ W
        e = np.exp(s - s.max())
        p = e / e.sum()
        total += -np.log(p[y[i]])
        target = np.zeros(C)
        target[y[i]] = 1.0
        grad += np.outer(X[i], p - target)
    return total / N + 0.5 * reg * float((W**2).sum()), grad / N + reg * W


@settings(max_examples=30, deadline=None)
@given(shape=shapes, reg=regs, seed=seeds)
def test_losses_match_a_second_implementation(
    shape: tuple[int, int, int], reg: float, seed: int
) -> None:
    N, D, C = shape
    W, X, y = random_case(seed, N, D, C, 1.0)
    assume(np.abs(hinge_margins(W, X, y, 1.0)).min() > 1e-9)
    for ours, ref in (
        (a1.svm_loss_vectorized(W, X, y, reg), reference_svm(W, X, y, reg, 1.0)),
        (a1.softmax_loss_vectorized(W, X, y, reg), reference_softmax_loss(W, X, y, reg)),
    ):
        np.testing.assert_allclose(ours[0], ref[0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours[1], ref[1], rtol=1e-10, atol=1e-12)
