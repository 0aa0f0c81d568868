"""a1 known answers, each worked out by hand in the comments (never copied from the output).

The lecture's cat/car/frog hinge example, softmax of hand-picked rows, the penalties, the
perceptron on AND/OR/XOR and on a tiny dataset traced update by update, SGD against a gradient
descent loop written here, and predict/accuracy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import solutions.a1_linear_classifiers as a1

SVM_LOSSES = [a1.svm_loss_naive, a1.svm_loss_vectorized]
SOFTMAX_LOSSES = [a1.softmax_loss_naive, a1.softmax_loss_vectorized]
ALL_LOSSES = SVM_LOSSES + SOFTMAX_LOSSES

# ---------------------------------------------------------------- the lecture's example
# One image per row; columns are the class scores (cat, car, frog). Feeding the scores as X with
# W = identity makes X @ W the scores themselves.
LECTURE_SCORES = np.array(
    [
        [3.2, 5.1, -1.7],  # a cat image   (correct class 0)
        [1.3, 4.9, 2.0],  # a car image   (correct class 1)
        [2.2, 2.5, -3.1],  # a frog image  (correct class 2)
    ]
)
LECTURE_LABELS = np.array([0, 1, 2])
# Per image, L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + 1):
#   cat : max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + max(0, -3.9) = 2.9
#   car : max(0, 1.3 - 4.9 + 1) + max(0,  2.0 - 4.9 + 1) = max(0, -2.6) + max(0, -1.9) = 0
#   frog: max(0, 2.2 + 3.1 + 1) + max(0,  2.5 + 3.1 + 1) = 6.3 + 6.6 = 12.9
LECTURE_PER_IMAGE = [2.9, 0.0, 12.9]


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("i", [0, 1, 2])
def test_lecture_example_per_image(loss_fn: Any, i: int) -> None:
    loss, _ = loss_fn(np.eye(3), LECTURE_SCORES[i : i + 1], LECTURE_LABELS[i : i + 1], 0.0)
    assert loss == pytest.approx(LECTURE_PER_IMAGE[i], abs=1e-12)


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
def test_lecture_example_mean_and_gradient(loss_fn: Any) -> None:
    loss, dW = loss_fn(np.eye(3), LECTURE_SCORES, LECTURE_LABELS, 0.0)
    # Mean over the three images: (2.9 + 0 + 12.9) / 3 = 15.8 / 3.
    assert loss == pytest.approx(15.8 / 3, abs=1e-12)
    # dW = X^T @ G / N where row i of G has +1 at each active wrong class and -(#active) at y_i:
    #   cat : only car active         -> G_0 = [-1, 1, 0]
    #   car : nothing active          -> G_1 = [ 0, 0, 0]
    #   frog: cat and car both active -> G_2 = [ 1, 1, -2]
    # Row d of X^T @ G is X[0, d] * G_0 + X[2, d] * G_2:
    #   d=0:  3.2*[-1,1,0] + 2.2*[1,1,-2] = [-1.0,  5.4, -4.4]
    #   d=1:  5.1*[-1,1,0] + 2.5*[1,1,-2] = [-2.6,  7.6, -5.0]
    #   d=2: -1.7*[-1,1,0] - 3.1*[1,1,-2] = [-1.4, -4.8,  6.2]
    expected = np.array([[-1.0, 5.4, -4.4], [-2.6, 7.6, -5.0], [-1.4, -4.8, 6.2]]) / 3
    np.testing.assert_allclose(dW, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
def test_lecture_example_with_regularisation_and_delta(loss_fn: Any) -> None:
    # W = 2 I doubles every score. Cat: max(0, 10.2 - 6.4 + 0.5) + max(0, -3.4 - 6.4 + 0.5)
    # = 4.3; car: max(0, 2.6 - 9.8 + 0.5) + max(0, 4.0 - 9.8 + 0.5) = 0;
    # frog: max(0, 4.4 + 6.2 + 0.5) + max(0, 5.0 + 6.2 + 0.5) = 11.1 + 11.7 = 22.8.
    # Penalty 0.5 * 0.1 * sum((2I)^2) = 0.05 * 12 = 0.6.
    loss, _ = loss_fn(2 * np.eye(3), LECTURE_SCORES, LECTURE_LABELS, 0.1, delta=0.5)
    assert loss == pytest.approx((4.3 + 0.0 + 22.8) / 3 + 0.6, abs=1e-12)


@pytest.mark.parametrize("loss_fn", SOFTMAX_LOSSES, ids=lambda f: f.__name__)
def test_softmax_loss_on_the_lecture_cat(loss_fn: Any) -> None:
    # -log p_cat = log(e^3.2 + e^5.1 + e^-1.7) - 3.2 = log(24.53 + 164.02 + 0.18) - 3.2 ≈ 2.04
    expected = math.log(math.exp(3.2) + math.exp(5.1) + math.exp(-1.7)) - 3.2
    loss, _ = loss_fn(np.eye(3), LECTURE_SCORES[:1], LECTURE_LABELS[:1], 0.0)
    assert loss == pytest.approx(expected, rel=1e-12)
    assert loss == pytest.approx(2.04, abs=5e-3)


# ---------------------------------------------------------------- limits worked out by hand


@pytest.mark.parametrize("loss_fn", SOFTMAX_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("C", [2, 3, 10])
def test_softmax_loss_of_zero_weights_is_log_c(loss_fn: Any, C: int) -> None:
    # W = 0: every score is 0, every p_j = 1/C, so -log p_y = ln C for each sample; the penalty
    # 0.5 * reg * sum(0) = 0 whatever reg is.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 4))
    y = rng.integers(0, C, size=5)
    loss, _ = loss_fn(np.zeros((4, C)), X, y, 3.0)
    assert loss == pytest.approx(math.log(C), rel=1e-12)


@pytest.mark.parametrize("loss_fn", SOFTMAX_LOSSES, ids=lambda f: f.__name__)
def test_softmax_gradient_at_zero_weights_by_hand(loss_fn: Any) -> None:
    # C = 3, W = 0 so p = (1/3, 1/3, 1/3) in every row and the penalty gradient reg * W = 0.
    # x_0 = (1, 2), y_0 = 0: p - onehot = (-2/3, 1/3, 1/3)
    # x_1 = (3,-1), y_1 = 2: p - onehot = ( 1/3, 1/3,-2/3)
    # outer(x_0, .) = [[-2/3, 1/3, 1/3], [-4/3, 2/3, 2/3]]
    # outer(x_1, .) = [[ 1,   1,  -2  ], [-1/3,-1/3, 2/3]]
    # sum / N=2     = [[1/6, 2/3, -5/6], [-5/6, 1/6, 2/3]]
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    loss, dW = loss_fn(np.zeros((2, 3)), X, np.array([0, 2]), 0.5)
    expected = np.array([[1 / 6, 2 / 3, -5 / 6], [-5 / 6, 1 / 6, 2 / 3]])
    np.testing.assert_allclose(dW, expected, rtol=1e-12, atol=1e-15)
    assert loss == pytest.approx(math.log(3), rel=1e-12)


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("C", [2, 4, 7])
def test_svm_loss_with_tiny_weights_is_c_minus_1(loss_fn: Any, C: int) -> None:
    # Scores ~1e-8: each of the C - 1 wrong classes has margin s_j - s_y + 1 ≈ 1 > 0, so
    # L_i ≈ C - 1 for every sample, and every wrong class is active. Then row i of the
    # coefficient matrix G is +1 on the C - 1 wrong classes and -(C - 1) on y_i; dW = X^T G / N.
    rng = np.random.default_rng(1)
    N, D = 6, 3
    W = 1e-8 * rng.standard_normal((D, C))
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, size=N)
    loss, dW = loss_fn(W, X, y, 0.0)
    assert loss == pytest.approx(C - 1, abs=1e-6)
    G = np.ones((N, C))
    G[np.arange(N), y] = -(C - 1)
    np.testing.assert_allclose(dW, X.T @ G / N, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
def test_svm_loss_is_zero_when_every_margin_is_met(loss_fn: Any) -> None:
    # Correct score beats each other score by 2 > delta = 1: no active margin, loss 0, dW = 0
    # apart from the penalty gradient reg * W.
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    W = np.array([[3.0, 1.0], [0.0, 2.0]])  # scores [[3, 1], [0, 2]] with y = [0, 1]
    loss, dW = loss_fn(W, X, np.array([0, 1]), 0.2)
    assert loss == pytest.approx(0.5 * 0.2 * (9 + 1 + 0 + 4), abs=1e-12)
    np.testing.assert_allclose(dW, 0.2 * W, atol=1e-15)


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
def test_svm_uses_subgradient_zero_at_an_exact_kink(loss_fn: Any) -> None:
    # The documented convention: a margin of exactly 0 counts as inactive. Scores (1, 0) with
    # y = 0 and delta = 1: margin 0 - 1 + 1 = 0 exactly (all values are exact in binary), so the
    # loss is 0 and dW is 0; scores (1, 0.5) give margin 0.5 > 0: loss 0.5, dW = x^T (-1, 1).
    X = np.array([[1.0, 0.0]])
    loss, dW = loss_fn(np.eye(2), X, np.array([0]), 0.0)
    assert loss == 0.0
    np.testing.assert_array_equal(dW, np.zeros((2, 2)))
    loss, dW = loss_fn(np.array([[1.0, 0.5], [0.0, 0.0]]), X, np.array([0]), 0.0)
    assert loss == 0.5
    np.testing.assert_array_equal(dW, [[-1.0, 1.0], [0.0, 0.0]])


def test_l2_penalty_by_hand() -> None:
    # sum(W^2) = 1 + 4 + 9 + 0.25 = 14.25; 0.5 * 0.1 * 14.25 = 0.7125; gradient 0.1 * W.
    W = np.array([[1.0, -2.0], [3.0, 0.5]])
    value, grad = a1.l2_penalty(W, 0.1)
    assert value == pytest.approx(0.7125, abs=1e-15)
    np.testing.assert_allclose(grad, [[0.1, -0.2], [0.3, 0.05]], rtol=1e-15)


def test_l1_penalty_by_hand() -> None:
    # sum|W| = 1 + 2 + 3 + 0.5 + 0 = 6.5; 0.1 * 6.5 = 0.65; gradient 0.1 * sign(W), 0 at 0.
    W = np.array([1.0, -2.0, 3.0, 0.5, 0.0])
    value, grad = a1.l1_penalty(W, 0.1)
    assert value == pytest.approx(0.65, abs=1e-15)
    np.testing.assert_allclose(grad, [0.1, -0.1, 0.1, 0.1, 0.0], rtol=1e-15)


@pytest.mark.parametrize("penalty", [a1.l1_penalty, a1.l2_penalty], ids=lambda f: f.__name__)
def test_penalties_vanish_with_zero_reg(penalty: Any) -> None:
    value, grad = penalty(np.array([[1.0, -2.0]]), 0.0)
    assert value == 0.0
    np.testing.assert_array_equal(grad, [[0.0, 0.0]])


def test_softmax_by_hand() -> None:
    # exp([0, ln 2, ln 3]) = [1, 2, 3], sum 6 -> [1/6, 1/3, 1/2]; adding 10 to a row, or
    # shifting by -1000, leaves it unchanged (the shift cancels in the ratio).
    expected = np.array([1 / 6, 1 / 3, 1 / 2])
    row = np.log([1.0, 2.0, 3.0])
    out = a1.softmax(np.stack([row, row + 10.0, row - 1000.0, np.log([2.0, 1.0, 3.0])]))
    np.testing.assert_allclose(out[:3], np.tile(expected, (3, 1)), rtol=1e-12)
    np.testing.assert_allclose(out[3], [1 / 3, 1 / 6, 1 / 2], rtol=1e-12)
    # 1-D input; equal scores give the uniform distribution.
    np.testing.assert_allclose(a1.softmax(row), expected, rtol=1e-12)
    np.testing.assert_allclose(a1.softmax(np.full((2, 4), 7.0)), np.full((2, 4), 0.25))


def test_add_bias_column_by_hand() -> None:
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(a1.add_bias_column(X), [[1.0, 2.0, 1.0], [3.0, 4.0, 1.0]])
    assert a1.add_bias_column(np.zeros((0, 3))).shape == (0, 4)


# ---------------------------------------------------------------- perceptron

BOOL_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


@pytest.mark.parametrize(
    ("name", "y"),
    [("AND", [-1, -1, -1, 1]), ("OR", [-1, 1, 1, 1]), ("NAND", [1, 1, 1, -1])],
)
def test_perceptron_learns_linearly_separable_gates(name: str, y: list[int]) -> None:
    labels = np.array(y)
    w = a1.perceptron_fit(BOOL_X, labels, epochs=50, lr=1.0)
    assert w.shape == (3,)
    np.testing.assert_array_equal(a1.perceptron_predict(w, BOOL_X), labels, err_msg=name)


def test_perceptron_does_not_separate_xor() -> None:
    # No line separates XOR: if w1*0 + w2*0 + b <= 0, w1 + b > 0, w2 + b > 0 then
    # w1 + w2 + b > -b >= 0, so (1, 1) would be predicted +1. Some point is always wrong.
    y = np.array([-1, 1, 1, -1])
    for epochs in (1, 10, 500):
        w = a1.perceptron_fit(BOOL_X, y, epochs=epochs, lr=1.0)
        assert (a1.perceptron_predict(w, BOOL_X) != y).any()


def test_perceptron_updates_traced_by_hand() -> None:
    # Bias trick: x_1 = (1, 0, 1), x_2 = (0, 1, 1), x_3 = (1, 1, 1); y = (+1, -1, +1); lr = 0.5.
    # Epoch 1, from w = 0:
    #   x_1: y * w.x = 0    <= 0 -> w += 0.5 * (1, 0, 1)     = (0.5,  0,   0.5)
    #   x_2: w.x = 0.5, y * w.x = -0.5 <= 0 -> w -= 0.5 * (0, 1, 1) = (0.5, -0.5, 0)
    #   x_3: w.x = 0.5 - 0.5 + 0 = 0 <= 0 -> w += 0.5 * (1, 1, 1)  = (1,    0,   0.5)
    # Epoch 2:
    #   x_1: w.x = 1.5 > 0 ok; x_2: w.x = 0.5, y = -1 -> w -= 0.5 * (0, 1, 1) = (1, -0.5, 0)
    #   x_3: w.x = 1 - 0.5 + 0 = 0.5 > 0 ok.
    # Epoch 3: x_1: 1 > 0, x_2: -(-0.5) = 0.5 > 0, x_3: 0.5 > 0 -> no update, converged.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([1, -1, 1])
    np.testing.assert_allclose(a1.perceptron_fit(X, y, epochs=1, lr=0.5), [1.0, 0.0, 0.5])
    np.testing.assert_allclose(a1.perceptron_fit(X, y, epochs=2, lr=0.5), [1.0, -0.5, 0.0])
    np.testing.assert_allclose(a1.perceptron_fit(X, y, epochs=5, lr=0.5), [1.0, -0.5, 0.0])
    # Float labels -1.0 / +1.0 are the same labels.
    np.testing.assert_allclose(
        a1.perceptron_fit(X, y.astype(float), epochs=1, lr=0.5), [1.0, 0.0, 0.5]
    )


def test_perceptron_predict_by_hand() -> None:
    # w = (1, -0.5, 0): scores x1 - 0.5 x2 -> (1, 0) -> 1, (0, 1) -> -0.5, (1, 1) -> 0.5,
    # (0, 0) -> 0, which is NOT > 0 and so predicted -1.
    w = np.array([1.0, -0.5, 0.0])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    pred = a1.perceptron_predict(w, X)
    np.testing.assert_array_equal(pred, [1, -1, 1, -1])
    # The bias is the last entry: w = (0, 0, 2) predicts +1 everywhere.
    np.testing.assert_array_equal(a1.perceptron_predict(np.array([0.0, 0.0, 2.0]), X), [1] * 4)


# ---------------------------------------------------------------- sgd


def quadratic_loss(
    W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float
) -> tuple[float, np.ndarray]:
    """Least squares to one-hot targets: 0.5/N * ||X W - T||^2 + 0.5 reg ||W||^2.

    Gradient, by the chain rule: X^T (X W - T) / N + reg W.
    """
    T = np.eye(W.shape[1])[y]
    R = X @ W - T
    loss = 0.5 * float(np.sum(R * R)) / X.shape[0] + 0.5 * reg * float(np.sum(W * W))
    return loss, X.T @ R / X.shape[0] + reg * W


def test_quadratic_loss_helper_gradient() -> None:
    # The helper is itself checked against finite differences before we rely on it.
    from tests.numeric import assert_grad_close, numeric_grad

    rng = np.random.default_rng(2)
    W, X, y = rng.standard_normal((3, 2)), rng.standard_normal((5, 3)), rng.integers(0, 2, 5)
    loss, dW = quadratic_loss(W, X, y, 0.3)
    assert_grad_close(dW, numeric_grad(lambda w: quadratic_loss(w, X, y, 0.3)[0], W), loss)


def test_full_batch_sgd_is_gradient_descent() -> None:
    rng = np.random.default_rng(3)
    N, D, C = 8, 3, 2
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, N)
    W0 = rng.standard_normal((D, C))
    lr, reg, iters = 0.2, 0.05, 30
    W_gd, hist_gd = W0.copy(), []
    for _ in range(iters):
        loss, dW = quadratic_loss(W_gd, X, y, reg)
        hist_gd.append(loss)
        W_gd = W_gd - lr * dW
    W, hist = a1.sgd(
        quadratic_loss, W0, X, y, lr=lr, reg=reg, batch_size=N, num_iters=iters,
        rng=np.random.default_rng(4),
    )  # fmt: skip
    # A full batch is a permutation of the rows, and the mean loss does not depend on the order
    # (only the rounding of the sums does).
    np.testing.assert_allclose(W, W_gd, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hist, hist_gd, rtol=1e-12)
    assert hist[-1] < hist[0]


def test_sgd_on_half_squared_norm_by_hand() -> None:
    # loss = 0.5 ||W||^2 with gradient W (returned as the SAME object as W, which an in-place
    # update would alias): W_k = (1 - lr)^k W0 and loss_k = 0.5 (1 - lr)^(2k) ||W0||^2.
    def loss_fn(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> Any:
        return 0.5 * float(np.sum(W * W)), W

    W0 = np.array([[2.0, -1.0], [0.5, 4.0]])
    W0_before = W0.copy()
    X, y = np.zeros((3, 2)), np.zeros(3, dtype=int)
    W, hist = a1.sgd(
        loss_fn, W0, X, y, lr=0.25, reg=0.0, batch_size=2, num_iters=4,
        rng=np.random.default_rng(0),
    )  # fmt: skip
    np.testing.assert_allclose(W, 0.75**4 * W0_before, rtol=1e-15)
    sq = float(np.sum(W0_before**2))  # 4 + 1 + 0.25 + 16 = 21.25
    np.testing.assert_allclose(hist, [0.5 * 0.75 ** (2 * k) * sq for k in range(4)], rtol=1e-15)
    np.testing.assert_array_equal(W0, W0_before)


class Recorder:
    """A loss_fn that records its arguments and returns a fixed, identifiable loss."""

    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = []

    def __call__(
        self, W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float
    ) -> tuple[float, np.ndarray]:
        self.calls.append((W.copy(), X.copy(), y.copy(), reg))
        return float(len(self.calls)), np.ones_like(W)


@pytest.mark.parametrize(("batch_size", "num_iters"), [(1, 5), (4, 17), (10, 3)])
def test_sgd_minibatches_and_history(batch_size: int, num_iters: int) -> None:
    N, D, C = 10, 2, 3
    X = np.column_stack([np.arange(N, dtype=float), np.linspace(-1, 1, N)])  # row id in col 0
    y = np.arange(N) % C
    W0 = np.zeros((D, C))
    W0_before, X_before, y_before = W0.copy(), X.copy(), y.copy()
    rec = Recorder()
    W, hist = a1.sgd(
        rec, W0, X, y, lr=0.5, reg=0.125, batch_size=batch_size, num_iters=num_iters,
        rng=np.random.default_rng(5),
    )  # fmt: skip
    assert len(hist) == num_iters == len(rec.calls)
    assert hist == [float(k) for k in range(1, num_iters + 1)]  # the loss before each update
    for k, (Wk, Xb, yb, reg) in enumerate(rec.calls):
        idx = Xb[:, 0].astype(int)
        assert Xb.shape == (batch_size, D)
        assert len(set(idx.tolist())) == batch_size  # distinct rows
        np.testing.assert_array_equal(Xb, X[idx])  # whole rows of X ...
        np.testing.assert_array_equal(yb, y[idx])  # ... with their own labels
        assert reg == 0.125
        np.testing.assert_allclose(Wk, -0.5 * k * np.ones((D, C)))  # W_k = W0 - k * lr * 1
    np.testing.assert_allclose(W, -0.5 * num_iters * np.ones((D, C)))
    np.testing.assert_array_equal(W0, W0_before)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_sgd_batches_are_random_and_reproducible() -> None:
    N = 12
    X = np.column_stack([np.arange(N, dtype=float), np.ones(N)])
    y = np.zeros(N, dtype=int)

    def batches(seed: int) -> list[tuple[int, ...]]:
        rec = Recorder()
        a1.sgd(
            rec, np.zeros((2, 2)), X, y, lr=0.1, reg=0.0, batch_size=3, num_iters=40,
            rng=np.random.default_rng(seed),
        )  # fmt: skip
        return [tuple(sorted(Xb[:, 0].astype(int).tolist())) for _, Xb, _, _ in rec.calls]

    first = batches(7)
    assert first == batches(7)  # all randomness comes from rng
    assert first != batches(8)
    assert len(set(first)) > 1  # not the same batch every time
    assert set().union(*first) == set(range(N))  # 40 batches of 3 visit all 12 rows


def test_sgd_softmax_fits_separable_blobs() -> None:
    # Three well separated blobs: SGD on the softmax loss must drive training accuracy to 1.
    rng = np.random.default_rng(6)
    centres = np.array([[4.0, 0.0], [-4.0, 0.0], [0.0, 4.0]])
    y = np.repeat(np.arange(3), 20)
    X = a1.add_bias_column(centres[y] + 0.5 * rng.standard_normal((60, 2)))
    W, hist = a1.sgd(
        a1.softmax_loss_vectorized, np.zeros((3, 3)), X, y, lr=0.5, reg=1e-4, batch_size=10,
        num_iters=100, rng=rng,
    )  # fmt: skip
    assert hist[0] == pytest.approx(math.log(3))  # W0 = 0
    assert np.mean(hist[-10:]) < 0.1 * hist[0]
    assert a1.accuracy(a1.predict(W, X), y) == 1.0


# ---------------------------------------------------------------- predict / accuracy


def test_predict_by_hand() -> None:
    # W columns: class 0 = x1, class 1 = x2, class 2 = x2 - x1.
    #   (2, 1):  scores ( 2, 1, -1) -> 0
    #   (1, 3):  scores ( 1, 3,  2) -> 1
    #   (-2, 1): scores (-2, 1,  3) -> 2
    W = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]])
    X = np.array([[2.0, 1.0], [1.0, 3.0], [-2.0, 1.0]])
    pred = a1.predict(W, X)
    np.testing.assert_array_equal(pred, [0, 1, 2])
    assert pred.dtype == np.int64
    # 2 of the 3 predictions equal (0, 1, 1).
    assert a1.accuracy(pred, np.array([0, 1, 1])) == pytest.approx(2 / 3)


def test_accuracy_by_hand() -> None:
    assert a1.accuracy(np.array([1, 1, 1, 1]), np.array([1, 0, 1, 0])) == 0.5
    assert a1.accuracy(np.array([2, 0]), np.array([2, 0])) == 1.0
    assert a1.accuracy(np.array([2, 0]), np.array([0, 2])) == 0.0
    assert isinstance(a1.accuracy(np.array([1]), np.array([1])), float)
