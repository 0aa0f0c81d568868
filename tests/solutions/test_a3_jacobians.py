"""a3 explicit Jacobians: each equals its definition, and ``J.T @ dout`` equals the backward."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import solutions.a3_backprop_mlp as a3
from tests.numeric import numeric_grad
from tests.solutions.test_a3_layers import ELEMENTWISE, away_from_kink


def numeric_jacobian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """Finite-difference Jacobian, one output at a time, from the independent oracle."""
    m = f(x).size
    return np.stack([numeric_grad(lambda v, i=i: f(v)[i], x) for i in range(m)])


def test_affine_jacobian_input_by_hand_and_vjp() -> None:
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # D = 2, M = 3
    J = a3.affine_jacobian_input(w)
    # out_i = x_0 w[0, i] + x_1 w[1, i], so row i of J is (w[0, i], w[1, i]): J = w.T
    np.testing.assert_array_equal(J, [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
    rng = np.random.default_rng(0)
    x, b, dout = rng.standard_normal(2), rng.standard_normal(3), rng.standard_normal(3)
    _, cache = a3.affine_forward(x[None, :], w, b)
    dx = a3.affine_backward(dout[None, :], cache)[0][0]
    np.testing.assert_allclose(J.T @ dout, dx, rtol=1e-14)


def test_affine_jacobian_weights_matches_definition_and_vjp() -> None:
    rng = np.random.default_rng(1)
    D, M = 3, 4
    x, w, b = rng.standard_normal(D), rng.standard_normal((D, M)), rng.standard_normal(M)
    J = a3.affine_jacobian_weights(x, M)
    assert J.shape == (M, D * M)
    # definition: d out_i / d w[k, l] = x_k if l == i else 0, with w flattened row-major
    expected = np.zeros((M, D * M))
    for i in range(M):
        for k in range(D):
            expected[i, k * M + i] = x[k]
    np.testing.assert_array_equal(J, expected)
    # and numerically: out as a function of vec(w)
    numeric = numeric_jacobian(lambda v: x @ v.reshape(D, M) + b, w.ravel())
    np.testing.assert_allclose(J, numeric, atol=1e-8)
    dout = rng.standard_normal(M)
    _, cache = a3.affine_forward(x[None, :], w, b)
    dw = a3.affine_backward(dout[None, :], cache)[1]
    np.testing.assert_allclose((J.T @ dout).reshape(D, M), dw, rtol=1e-14)


def test_affine_jacobian_bias_is_identity() -> None:
    np.testing.assert_array_equal(a3.affine_jacobian_bias(3), np.eye(3))
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal(2), rng.standard_normal((2, 3)), rng.standard_normal(3)
    dout = rng.standard_normal(3)
    _, cache = a3.affine_forward(x[None, :], w, b)
    np.testing.assert_array_equal(
        a3.affine_jacobian_bias(3).T @ dout, a3.affine_backward(dout[None, :], cache)[2]
    )


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_jacobian_vjp_equals_backward(name: str) -> None:
    rng = np.random.default_rng(3)
    x = away_from_kink(rng.standard_normal(6) * 2, rng)
    J = a3.elementwise_jacobian(x, name)
    assert J.shape == (6, 6)
    np.testing.assert_array_equal(J, np.diag(np.diag(J)))  # off-diagonal entries are exactly 0
    forward, backward = getattr(a3, f"{name}_forward"), getattr(a3, f"{name}_backward")
    dout = rng.standard_normal(6)
    _, cache = forward(x)
    np.testing.assert_allclose(J.T @ dout, backward(dout, cache), rtol=1e-12, atol=1e-15)
    numeric = numeric_jacobian(lambda v: forward(v)[0], x)
    np.testing.assert_allclose(J, numeric, rtol=1e-6, atol=1e-8)


def test_elementwise_jacobian_parameters() -> None:
    x = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(
        a3.elementwise_jacobian(x, "leaky_relu", alpha=0.3), np.diag([0.3, 1.0])
    )
    # elu'(-1) = alpha * e^-1
    np.testing.assert_allclose(
        a3.elementwise_jacobian(x, "elu", alpha=2.0), np.diag([2.0 * np.exp(-1.0), 1.0])
    )


def test_softmax_jacobian_by_hand() -> None:
    p = np.array([1 / 3, 2 / 3])
    # diag(p) - p p^T = [[1/3 - 1/9, -2/9], [-2/9, 2/3 - 4/9]] = [[2/9, -2/9], [-2/9, 2/9]]
    np.testing.assert_allclose(
        a3.softmax_jacobian(p), [[2 / 9, -2 / 9], [-2 / 9, 2 / 9]], rtol=1e-14
    )


def test_softmax_jacobian_definition_and_vjp() -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal(5)
    p, cache = a3.softmax_forward(x)
    J = a3.softmax_jacobian(p)
    # definition entry by entry: d p_i / d x_j = p_i (1[i == j] - p_j)
    expected = np.array([[p[i] * ((i == j) - p[j]) for j in range(5)] for i in range(5)])
    np.testing.assert_allclose(J, expected, rtol=1e-14, atol=1e-17)
    numeric = numeric_jacobian(lambda v: a3.softmax_forward(v)[0], x)
    np.testing.assert_allclose(J, numeric, atol=1e-8)
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)
    dout = rng.standard_normal(5)
    np.testing.assert_allclose(J.T @ dout, a3.softmax_backward(dout, cache), rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_refuses_scores() -> None:
    with pytest.raises(ValueError, match=r"softmax_jacobian: argument 'p'"):
        a3.softmax_jacobian(np.array([2.0, -1.0, 3.0]))
