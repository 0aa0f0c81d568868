"""a3 layers: affine, elementwise activations and softmax (values and gradients).

Expected values are derived by hand in the comments or computed by a second, naive implementation
here (Python's ``math`` module, entry by entry). Gradients are checked entrywise in float64
against the independent finite-difference oracle ``tests.numeric`` with the rule of
docs/architecture.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import solutions.a3_backprop_mlp as a3
from tests.numeric import assert_grad_close, numeric_grad

KINKED = {"relu": 0.0, "leaky_relu": 0.0, "elu": 0.0}
ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "swish"]


def away_from_kink(x: np.ndarray, rng: np.random.Generator, eps: float = 1e-3) -> np.ndarray:
    """Resample every entry closer than ``eps`` to 0 until none is (docs/architecture.md)."""
    x = x.copy()
    close = np.abs(x) < eps
    while close.any():
        x[close] = rng.standard_normal(int(close.sum()))
        close = np.abs(x) < eps
    return x


def check_layer_grad(
    forward: Callable[..., Any],
    backward: Callable[..., Any],
    inputs: list[np.ndarray],
    dout: np.ndarray,
) -> None:
    """Entrywise check of each input gradient of ``backward``; ``f = sum(forward(...) * dout)``."""
    _, cache = forward(*inputs)
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    assert len(grads) == len(inputs)
    for k, (x, g) in enumerate(zip(inputs, grads, strict=True)):
        assert g.shape == x.shape

        def f(v: np.ndarray, k: int = k) -> float:
            args = list(inputs)
            args[k] = v
            return float(np.sum(forward(*args)[0] * dout))

        assert_grad_close(g, numeric_grad(f, x), f_scale=f(x))


# ---------------------------------------------------------------- naive reference activations


def _phi_cdf(v: float) -> float:
    return 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))


NAIVE: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    # name: (f, f') written entry by entry from the textbook definitions
    "sigmoid": (
        lambda v: 1.0 / (1.0 + math.exp(-v)),
        lambda v: math.exp(-v) / (1.0 + math.exp(-v)) ** 2,
    ),
    "tanh": (math.tanh, lambda v: 1.0 / math.cosh(v) ** 2),
    "relu": (lambda v: v if v > 0 else 0.0, lambda v: 1.0 if v > 0 else 0.0),
    "leaky_relu": (lambda v: v if v > 0 else 0.01 * v, lambda v: 1.0 if v > 0 else 0.01),
    "elu": (lambda v: v if v > 0 else math.exp(v) - 1.0, lambda v: 1.0 if v > 0 else math.exp(v)),
    "gelu": (
        lambda v: v * _phi_cdf(v),
        lambda v: _phi_cdf(v) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi),
    ),
    "silu": (
        lambda v: v / (1.0 + math.exp(-v)),
        lambda v: 1 / (1 + math.exp(-v)) + v * math.exp(-v) / (1 + math.exp(-v)) ** 2,
    ),
}
NAIVE["swish"] = NAIVE["silu"]


def naive(name: str, x: np.ndarray, which: int = 0) -> np.ndarray:
    """Apply the naive scalar f (which=0) or f' (which=1) to every entry."""
    fn = NAIVE[name][which]
    return np.array([fn(float(v)) for v in x.ravel()]).reshape(x.shape)


# ---------------------------------------------------------------- affine


def test_affine_forward_by_hand() -> None:
    x = np.array([[1.0, 2.0]])
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, -0.5, 1.0])
    out, _ = a3.affine_forward(x, w, b)
    # [1*1 + 2*2 + 0.5, 1*0 + 2*1 - 0.5, 1*(-1) + 2*0 + 1] = [5.5, 1.5, 0]
    np.testing.assert_array_equal(out, [[5.5, 1.5, 0.0]])


def test_affine_backward_by_hand() -> None:
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.zeros(3)
    _, cache = a3.affine_forward(x, w, b)
    dout = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    dx, dw, db = a3.affine_backward(dout, cache)
    # dx row 0 = dout0 @ w.T = w[:, 0] = [1, 2]; row 1 = 2 * w[:, 2] = [-2, 0]
    np.testing.assert_array_equal(dx, [[1.0, 2.0], [-2.0, 0.0]])
    # dw = x.T @ dout: column 0 = x[0] * 1, column 2 = x[1] * 2, column 1 = 0
    np.testing.assert_array_equal(dw, [[1.0, 0.0, 6.0], [2.0, 0.0, -2.0]])
    np.testing.assert_array_equal(db, [1.0, 0.0, 2.0])


@pytest.mark.parametrize("x_shape", [(3, 4), (2, 3, 2), (2, 2, 1, 3)])
def test_affine_gradcheck(x_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    D = int(np.prod(x_shape[1:]))
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((D, 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((x_shape[0], 5))
    check_layer_grad(a3.affine_forward, a3.affine_backward, [x, w, b], dout)


def test_affine_input_of_rank_four_matches_flattened() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 2, 2, 2))
    w, b = rng.standard_normal((8, 4)), rng.standard_normal(4)
    out, cache = a3.affine_forward(x, w, b)
    out_flat, cache_flat = a3.affine_forward(x.reshape(3, 8), w, b)
    np.testing.assert_allclose(out, out_flat, rtol=1e-15, atol=0)
    dout = rng.standard_normal((3, 4))
    dx = a3.affine_backward(dout, cache)[0]
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx.reshape(3, 8), a3.affine_backward(dout, cache_flat)[0])


# ---------------------------------------------------------------- elementwise activations


def layer(name: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    return getattr(a3, f"{name}_forward"), getattr(a3, f"{name}_backward")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_values_match_naive(name: str) -> None:
    x = np.linspace(-6.0, 6.0, 49).reshape(7, 7)
    forward, _ = layer(name)
    out, _ = forward(x)
    np.testing.assert_allclose(out, naive(name, x), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_derivative_matches_naive(name: str) -> None:
    rng = np.random.default_rng(3)
    x = away_from_kink(rng.standard_normal((4, 6)) * 3, rng)
    forward, backward = layer(name)
    _, cache = forward(x)
    ones = np.ones_like(x)
    np.testing.assert_allclose(backward(ones, cache), naive(name, x, 1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        a3.activation_derivative(x, name), naive(name, x, 1), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_gradcheck(name: str) -> None:
    rng = np.random.default_rng(4)
    x = away_from_kink(rng.standard_normal((3, 5)) * 2, rng)
    forward, backward = layer(name)
    check_layer_grad(forward, backward, [x], rng.standard_normal((3, 5)))


@pytest.mark.parametrize(("name", "alpha"), [("leaky_relu", 0.2), ("elu", 0.5), ("elu", 2.0)])
def test_activation_alpha_gradcheck(name: str, alpha: float) -> None:
    rng = np.random.default_rng(5)
    x = away_from_kink(rng.standard_normal((4, 4)), rng)
    forward, backward = layer(name)

    def fwd(v: np.ndarray) -> Any:
        return forward(v, alpha=alpha)

    check_layer_grad(fwd, backward, [x], rng.standard_normal((4, 4)))
    # by hand at x = -1: leaky: alpha * -1; elu: alpha * (e^-1 - 1)
    expected = -alpha if name == "leaky_relu" else alpha * (math.exp(-1.0) - 1.0)
    assert forward(np.array([-1.0]), alpha=alpha)[0][0] == pytest.approx(expected, rel=1e-15)


def test_relu_derivative_at_zero_is_zero() -> None:
    x = np.array([-1.0, 0.0, -0.0, 2.0])
    _, cache = a3.relu_forward(x)
    np.testing.assert_array_equal(a3.relu_backward(np.ones(4), cache), [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(a3.activation_derivative(x, "relu"), [0.0, 0.0, 0.0, 1.0])


def test_kinked_activations_use_left_slope_at_zero() -> None:
    x = np.array([0.0])
    for name, slope in [("leaky_relu", 0.01), ("elu", 1.0)]:
        forward, backward = layer(name)
        _, cache = forward(x)
        assert backward(np.ones(1), cache)[0] == pytest.approx(slope, rel=1e-15)


def test_activation_values_by_hand() -> None:
    x = np.array([0.0, 1.0, -1.0])
    # sigmoid(0) = 1/2; sigmoid(1) = 1 / (1 + e^-1) = 0.7310585786300049
    np.testing.assert_allclose(
        a3.sigmoid_forward(x)[0], [0.5, 0.7310585786300049, 0.2689414213699951], rtol=1e-15
    )
    # gelu(0) = 0; gelu(1) = Phi(1) = 0.8413447460685429; gelu(-1) = -Phi(-1) = -0.1586552539314571
    np.testing.assert_allclose(
        a3.gelu_forward(x)[0], [0.0, 0.8413447460685429, -0.15865525393145707], rtol=1e-14
    )
    # gelu'(0) = Phi(0) + 0 = 1/2; sigmoid'(0) = 1/4; silu'(0) = sigmoid(0) = 1/2
    assert a3.activation_derivative(np.array([0.0]), "gelu")[0] == 0.5
    assert a3.activation_derivative(np.array([0.0]), "sigmoid")[0] == 0.25
    assert a3.activation_derivative(np.array([0.0]), "silu")[0] == 0.5


def test_swish_is_silu() -> None:
    assert a3.swish_forward is a3.silu_forward
    assert a3.swish_backward is a3.silu_backward


def test_get_activation_binds_parameters() -> None:
    forward, backward = a3.get_activation("leaky_relu", alpha=0.5)
    out, cache = forward(np.array([-2.0, 3.0]))
    np.testing.assert_array_equal(out, [-1.0, 3.0])
    np.testing.assert_array_equal(backward(np.ones(2), cache), [0.5, 1.0])
    with pytest.raises(TypeError, match="alpha"):
        a3.get_activation("relu", alpha=0.5)
    with pytest.raises(ValueError, match="softplus"):
        a3.get_activation("softplus")


# ---------------------------------------------------------------- softmax layer


def test_softmax_forward_by_hand() -> None:
    # exp(0) : exp(ln 2) = 1 : 2, so p = [1/3, 2/3]
    p, _ = a3.softmax_forward(np.array([[0.0, math.log(2.0)]]))
    np.testing.assert_allclose(p, [[1 / 3, 2 / 3]], rtol=1e-15)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
def test_softmax_gradcheck(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(6)
    x = rng.standard_normal(shape) * 2
    check_layer_grad(a3.softmax_forward, a3.softmax_backward, [x], rng.standard_normal(shape))


def test_softmax_forward_matches_naive() -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4, 6)) * 3
    expected = np.array([[math.exp(v) for v in row] for row in x])
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(a3.softmax_forward(x)[0], expected, rtol=1e-13)
