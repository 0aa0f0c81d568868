"""a3 losses: values by hand and from naive loops, gradients, properties and numerical stability."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import solutions.a3_backprop_mlp as a3
from tests.numeric import assert_grad_close, numeric_grad

FAST = settings(max_examples=40, deadline=None)


def check_loss_grad(loss_fn: Callable[..., Any], pred: np.ndarray, target: Any) -> None:
    loss, dpred = loss_fn(pred, target)
    assert isinstance(loss, float)
    assert dpred.shape == pred.shape
    numeric = numeric_grad(lambda v: loss_fn(v, target)[0], pred)
    assert_grad_close(dpred, numeric, f_scale=loss)


def hinge_scores_away_from_kinks(
    rng: np.random.Generator, N: int, C: int, delta: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and labels whose margins ``s_j - s_y + delta`` (j != y) are all >= 1e-3 from 0."""
    y = rng.integers(0, C, size=N)
    while True:
        scores = rng.standard_normal((N, C))
        margins = scores - scores[np.arange(N), y][:, None] + delta
        margins[np.arange(N), y] = 1.0
        if np.all(np.abs(margins) >= 1e-3):
            return scores, y


# ---------------------------------------------------------------- naive references (loops)


def naive_softmax_ce(scores: np.ndarray, y: np.ndarray) -> float:
    total = 0.0
    for row, label in zip(scores, y, strict=True):
        total += -math.log(math.exp(row[label]) / sum(math.exp(v) for v in row))
    return total / len(y)


def naive_hinge(scores: np.ndarray, y: np.ndarray, delta: float = 1.0) -> float:
    total = 0.0
    for row, label in zip(scores, y, strict=True):
        for j, s in enumerate(row):
            if j != label:
                total += max(0.0, s - row[label] + delta)
    return total / len(y)


def naive_bce(z: np.ndarray, t: np.ndarray) -> float:
    terms = []
    for zi, ti in zip(z.ravel(), t.ravel(), strict=True):
        s = 1.0 / (1.0 + math.exp(-zi))
        terms.append(-(ti * math.log(s) + (1 - ti) * math.log(1 - s)))
    return sum(terms) / len(terms)


# ---------------------------------------------------------------- values


def test_mse_by_hand() -> None:
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    loss, d = a3.mse_loss(pred, np.zeros((2, 2)))
    # mean(1, 4, 9, 16) = 30 / 4 = 7.5; d = 2 * pred / 4
    assert loss == 7.5
    np.testing.assert_array_equal(d, [[0.5, 1.0], [1.5, 2.0]])


def test_bce_by_hand() -> None:
    # z = 0: sigmoid = 1/2, so the loss is log 2 whatever t is; d = (1/2 - t) / 3
    t = np.array([0.0, 1.0, 0.25])
    loss, d = a3.bce_with_logits_loss(np.zeros(3), t)
    assert loss == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(d, (0.5 - t) / 3, rtol=1e-15)


def test_softmax_ce_by_hand() -> None:
    # equal scores: p = 1/4 everywhere, loss log 4, grad (1/4 - onehot) / N
    loss, d = a3.softmax_cross_entropy_loss(np.zeros((2, 4)), np.array([1, 3]))
    assert loss == pytest.approx(math.log(4.0), rel=1e-15)
    expected = np.full((2, 4), 0.25)
    expected[0, 1] -= 1.0
    expected[1, 3] -= 1.0
    np.testing.assert_allclose(d, expected / 2, rtol=1e-15)


def test_hinge_by_hand() -> None:
    # label 0: margins 2 - 1 + 1 = 2 (active), -1 - 1 + 1 = -1 (inactive): loss 2
    loss, d = a3.hinge_loss(np.array([[1.0, 2.0, -1.0]]), np.array([0]))
    assert loss == 2.0
    np.testing.assert_array_equal(d, [[-1.0, 1.0, 0.0]])
    # delta 0.5: margins 1.5 and -1.5
    assert a3.hinge_loss(np.array([[1.0, 2.0, -1.0]]), np.array([0]), delta=0.5)[0] == 1.5


def test_hinge_subgradient_zero_at_kink() -> None:
    # margin of class 1: 1.0 - 2.0 + 1.0 = 0 exactly: inactive, gradient 0
    loss, d = a3.hinge_loss(np.array([[2.0, 1.0]]), np.array([0]))
    assert loss == 0.0
    np.testing.assert_array_equal(d, [[0.0, 0.0]])


def test_losses_match_naive_loops() -> None:
    rng = np.random.default_rng(0)
    scores, y = rng.standard_normal((6, 4)) * 2, rng.integers(0, 4, size=6)
    assert a3.softmax_cross_entropy_loss(scores, y)[0] == pytest.approx(
        naive_softmax_ce(scores, y), rel=1e-13
    )
    assert a3.hinge_loss(scores, y)[0] == pytest.approx(naive_hinge(scores, y), rel=1e-13)
    z, t = rng.standard_normal((5, 3)) * 3, rng.uniform(size=(5, 3))
    assert a3.bce_with_logits_loss(z, t)[0] == pytest.approx(naive_bce(z, t), rel=1e-13)
    pred, target = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    expected = sum((p - q) ** 2 for p, q in zip(pred.ravel(), target.ravel(), strict=True)) / 15
    assert a3.mse_loss(pred, target)[0] == pytest.approx(expected, rel=1e-13)


# ---------------------------------------------------------------- gradients


@pytest.mark.parametrize("shape", [(4, 3), (5,), (2, 3, 2)])
def test_mse_gradcheck(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    check_loss_grad(a3.mse_loss, rng.standard_normal(shape), rng.standard_normal(shape))


@pytest.mark.parametrize("shape", [(4, 3), (6,)])
def test_bce_gradcheck(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(2)
    targets = rng.uniform(size=shape)
    targets.flat[0], targets.flat[1] = 0.0, 1.0  # hard labels too
    check_loss_grad(a3.bce_with_logits_loss, rng.standard_normal(shape) * 3, targets)


@pytest.mark.parametrize(("N", "C"), [(1, 2), (5, 4), (3, 7)])
def test_softmax_ce_gradcheck(N: int, C: int) -> None:
    rng = np.random.default_rng(3)
    scores, y = rng.standard_normal((N, C)) * 2, rng.integers(0, C, size=N)
    check_loss_grad(a3.softmax_cross_entropy_loss, scores, y)


@pytest.mark.parametrize(("N", "C", "delta"), [(1, 3, 1.0), (6, 4, 1.0), (5, 5, 0.5)])
def test_hinge_gradcheck(N: int, C: int, delta: float) -> None:
    rng = np.random.default_rng(4)
    scores, y = hinge_scores_away_from_kinks(rng, N, C, delta)

    def loss(s: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        return a3.hinge_loss(s, target, delta=delta)

    check_loss_grad(loss, scores, y)


# ---------------------------------------------------------------- properties (hypothesis)


def score_arrays(low: float, high: float) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
        elements=st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


@FAST
@given(x=score_arrays(-50, 50), shift=st.floats(-1e3, 1e3))
def test_softmax_rows_sum_to_one_and_shift_invariant(x: np.ndarray, shift: float) -> None:
    p = a3.softmax_forward(x)[0]
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-13)
    shifted = a3.softmax_forward(x + shift)[0]
    np.testing.assert_allclose(shifted, p, rtol=1e-9, atol=1e-12)
    # one shift per row is allowed too
    row_shift = np.linspace(-shift, shift, x.shape[0])[:, None]
    np.testing.assert_allclose(a3.softmax_forward(x + row_shift)[0], p, rtol=1e-9, atol=1e-12)


@FAST
@given(scores=score_arrays(-30, 30), data=st.data())
def test_softmax_ce_gradient_rows_sum_to_zero(scores: np.ndarray, data: st.DataObject) -> None:
    N, C = scores.shape
    y = np.array(data.draw(st.lists(st.integers(0, C - 1), min_size=N, max_size=N)))
    loss, d = a3.softmax_cross_entropy_loss(scores, y)
    assert loss >= 0
    np.testing.assert_allclose(d.sum(axis=1), 0.0, atol=1e-15)
    # each row is (p - onehot) / N: the label entry is the only negative one
    assert np.all(d[np.arange(N), y] <= 0)


@FAST
@pytest.mark.filterwarnings("error")
@given(x=score_arrays(-1e4, 1e4))
def test_large_inputs_are_finite_without_warnings(x: np.ndarray) -> None:
    big = x.copy()
    big[:, 0] = 1e4
    big[-1, -1] = -1e4
    with np.errstate(over="warn", divide="warn", invalid="warn"):
        for name in ("sigmoid", "tanh", "silu", "gelu", "elu", "softmax"):
            forward, backward = getattr(a3, f"{name}_forward"), getattr(a3, f"{name}_backward")
            out, cache = forward(big)
            assert np.all(np.isfinite(out)), name
            assert np.all(np.isfinite(backward(np.ones_like(big), cache))), name
        targets = (big > 0).astype(np.float64)
        for loss, d in (
            a3.bce_with_logits_loss(big, targets),
            a3.bce_with_logits_loss(big, 1.0 - targets),
            a3.softmax_cross_entropy_loss(big, np.zeros(big.shape[0], dtype=np.int64)),
        ):
            assert math.isfinite(loss)
            assert np.all(np.isfinite(d))


@pytest.mark.filterwarnings("error")
def test_extreme_values_by_hand() -> None:
    x = np.array([-1e4, 0.0, 1e4])
    np.testing.assert_array_equal(a3.sigmoid_forward(x)[0], [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(a3.softmax_forward(x)[0], [0.0, 0.0, 1.0])
    # right with certainty: max(z,0) - z t + log1p(e^-|z|) = 0 for (1e4, 1) and (-1e4, 0)
    loss, d = a3.bce_with_logits_loss(np.array([1e4, -1e4]), np.array([1.0, 0.0]))
    assert loss == 0.0
    np.testing.assert_array_equal(d, [0.0, 0.0])
    # wrong with certainty: each term is 1e4; d = (s - t) / 2
    loss, d = a3.bce_with_logits_loss(np.array([1e4, -1e4]), np.array([0.0, 1.0]))
    assert loss == 1e4
    np.testing.assert_array_equal(d, [0.5, -0.5])
    # log-sum-exp(1e4, 0, -1e4) = 1e4 (to double precision); minus s_y = -1e4 gives 2e4
    loss, d = a3.softmax_cross_entropy_loss(np.array([[1e4, 0.0, -1e4]]), np.array([2]))
    assert loss == 2e4
    np.testing.assert_array_equal(d, [[1.0, 0.0, -1.0]])
