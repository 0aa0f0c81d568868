"""Tests of the two computation graphs differentiated by hand (assignment a2)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from solutions.a2_autodiff import add_mul_graph, logistic_loss_graph
from tests.numeric import assert_grad_close, numeric_grad

# Worked by hand, lecture example f = (x + y) z at x = -2, y = 5, z = -4:
#   forward:  q = x + y = 3,  f = q z = 3 * (-4) = -12
#   backward: df/df = 1;  df/dq = z = -4;  df/dz = q = 3;
#             df/dx = df/dq * dq/dx = -4 * 1 = -4;  df/dy = -4 * 1 = -4.


def test_add_mul_lecture_example() -> None:
    f, grads = add_mul_graph(-2.0, 5.0, -4.0)
    assert f == -12.0
    assert grads == {"x": -4.0, "y": -4.0, "z": 3.0}


def test_add_mul_other_point() -> None:
    # x = 1, y = 2, z = 3: q = 3, f = 9; df/dx = df/dy = z = 3, df/dz = q = 3.
    f, grads = add_mul_graph(1, 2, 3)
    assert f == 9.0
    assert grads == {"x": 3.0, "y": 3.0, "z": 3.0}
    assert all(isinstance(g, float) for g in grads.values())


def test_add_mul_validation() -> None:
    with pytest.raises(TypeError, match=r"add_mul_graph.*'y'.*real number"):
        add_mul_graph(1.0, "2", 3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"add_mul_graph.*'z'"):
        add_mul_graph(1.0, 2.0, np.array([3.0]))  # type: ignore[arg-type]


# Worked by hand, lecture exercise loss = -log sigmoid(w . x) at x = (1, 1, 1), w = (1, 1, -1.5):
#   s = w . x = 1 + 1 - 1.5 = 0.5
#   exp(-0.5) = 1 / sqrt(e) = 0.6065306597126334   (sqrt(e) = 1.6487212707001282)
#   p = sigmoid(0.5) = 1 / (1 + 0.6065306597126334) = 1 / 1.6065306597126334 = 0.6224593312018546
#   loss = -log p = log(1.6065306597126334) = 0.4740769841801067
#   dloss/dp = -1/p;  dp/ds = p (1 - p);  so dloss/ds = -(1 - p) = p - 1 = -0.3775406687981454
#   ds/dw = x  ->  dloss/dw = -0.3775406687981454 * (1, 1, 1)
#   ds/dx = w  ->  dloss/dx = -0.3775406687981454 * (1, 1, -1.5)
#                           = (-0.3775406687981454, -0.3775406687981454, 0.5663110031972181)
S_HALF = 0.6224593312018546
LOSS = 0.4740769841801067
DLOSS_DS = -0.3775406687981454


def test_logistic_loss_lecture_example() -> None:
    # The constants above, cross-checked against math (an independent evaluation).
    assert math.isclose(S_HALF, 1 / (1 + math.exp(-0.5)), rel_tol=1e-15)
    assert math.isclose(LOSS, -math.log(S_HALF), rel_tol=1e-15)
    x = np.array([1.0, 1.0, 1.0])
    w = np.array([1.0, 1.0, -1.5])
    loss, grads = logistic_loss_graph(w, x)
    assert loss == pytest.approx(LOSS, rel=1e-14)
    assert set(grads) == {"w", "x"}
    np.testing.assert_allclose(grads["w"], [DLOSS_DS, DLOSS_DS, DLOSS_DS], rtol=1e-14)
    np.testing.assert_allclose(grads["x"], [DLOSS_DS, DLOSS_DS, -1.5 * DLOSS_DS], rtol=1e-14)
    np.testing.assert_allclose(grads["x"][2], 0.5663110031972181, rtol=1e-14)


def test_logistic_loss_at_zero_margin() -> None:
    # w = 0: s = 0, sigmoid(0) = 1/2, loss = log 2, dloss/ds = -1/2, dloss/dw = -x/2, dloss/dx = 0.
    x = np.array([2.0, -4.0])
    loss, grads = logistic_loss_graph(np.zeros(2), x)
    assert loss == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(grads["w"], [-1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(grads["x"], [0.0, 0.0], atol=0)


def test_logistic_loss_extreme_margins_are_finite() -> None:
    # s = -800: loss = log(1 + e^800) = 800 + log(1 + e^-800) = 800 (to double precision) and
    # dloss/ds = -sigmoid(800) = -1, so dloss/dw = -x.  s = +800: loss = log(1 + e^-800) ~ 0.
    x = np.array([1.0, 1.0])
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        loss, grads = logistic_loss_graph(np.array([-400.0, -400.0]), x)
        assert loss == pytest.approx(800.0, rel=1e-15)
        np.testing.assert_allclose(grads["w"], [-1.0, -1.0], rtol=1e-15)
        loss, grads = logistic_loss_graph(np.array([400.0, 400.0]), x)
        assert 0.0 <= loss < 1e-300
        assert np.all(np.isfinite(grads["w"]))
        assert np.all(grads["w"] <= 0)


def test_logistic_loss_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    w, x = rng.normal(size=6), rng.normal(size=6)

    def loss_of_w(v: np.ndarray) -> float:
        return float(np.log1p(np.exp(-(v @ x))))  # an independent formula for -log sigmoid

    def loss_of_x(v: np.ndarray) -> float:
        return float(np.log1p(np.exp(-(w @ v))))

    loss, grads = logistic_loss_graph(w, x)
    assert loss == pytest.approx(loss_of_w(w), rel=1e-13)
    assert_grad_close(grads["w"], numeric_grad(loss_of_w, w), loss)
    assert_grad_close(grads["x"], numeric_grad(loss_of_x, x), loss)


def test_logistic_loss_keeps_dtype() -> None:
    w = np.array([1.0, 1.0, -1.5], dtype=np.float32)
    x = np.ones(3, dtype=np.float32)
    loss, grads = logistic_loss_graph(w, x)
    assert grads["w"].dtype == np.float32
    assert grads["x"].dtype == np.float32
    assert loss == pytest.approx(LOSS, rel=1e-6)


@pytest.mark.torch
def test_logistic_loss_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    w, x = rng.normal(size=5), rng.normal(size=5)
    tw = torch.tensor(w, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    t_loss = -torch.nn.functional.logsigmoid(tw @ tx)
    t_loss.backward()
    loss, grads = logistic_loss_graph(w, x)
    assert loss == pytest.approx(t_loss.item(), rel=1e-13)
    np.testing.assert_allclose(grads["w"], tw.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads["x"], tx.grad.numpy(), rtol=1e-12)


def test_logistic_loss_validation() -> None:
    with pytest.raises(ValueError, match=r"logistic_loss_graph.*same shape.*\(3,\).*\(2,\)"):
        logistic_loss_graph(np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match=r"logistic_loss_graph.*'w'.*floating"):
        logistic_loss_graph(np.array([1, 1, 2]), np.ones(3))
    with pytest.raises(ValueError, match=r"logistic_loss_graph.*'x'.*1-D"):
        logistic_loss_graph(np.ones(3), np.ones((3, 1)))
