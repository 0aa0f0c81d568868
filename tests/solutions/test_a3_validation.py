"""a3 dtype preservation (float32 in, float32 out) and clear errors for bad input."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

import solutions.a3_backprop_mlp as a3
from solutions.a3_backprop_mlp._special import erf, erfc, normal_cdf

ACTIVATION_LAYERS = [
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "gelu",
    "silu",
    "swish",
    "softmax",
]


def raises(exc: type[Exception], *words: str) -> Any:
    """``pytest.raises`` whose message must contain every word (function, argument, ...)."""
    return pytest.raises(exc, match="(?s)" + "".join(f"(?=.*{re.escape(w)})" for w in words))


# ---------------------------------------------------------------- dtype preservation


@pytest.mark.parametrize("name", ACTIVATION_LAYERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_keeps_dtype(name: str, dtype: Any) -> None:
    x = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    forward, backward = getattr(a3, f"{name}_forward"), getattr(a3, f"{name}_backward")
    out, cache = forward(x)
    assert out.dtype == dtype
    assert backward(np.ones_like(x), cache).dtype == dtype
    if name != "softmax":
        assert a3.activation_derivative(x, name).dtype == dtype
        assert a3.elementwise_jacobian(x[0], name).dtype == dtype


def test_float32_activation_values_close_to_float64() -> None:
    x = np.linspace(-5, 5, 41)
    for name in ACTIVATION_LAYERS:
        forward = getattr(a3, f"{name}_forward")
        np.testing.assert_allclose(
            forward(x.astype(np.float32))[0], forward(x)[0], rtol=1e-6, atol=1e-6
        )


def test_affine_keeps_dtype() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 2)).astype(np.float32)
    w = rng.standard_normal((6, 4)).astype(np.float32)
    b = np.zeros(4, dtype=np.float32)
    out, cache = a3.affine_forward(x, w, b)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in a3.affine_backward(np.ones_like(out), cache))
    assert a3.affine_jacobian_input(w).dtype == np.float32
    assert a3.affine_jacobian_weights(x[0, 0], 4).dtype == np.float32
    p = a3.softmax_forward(w[0])[0]
    assert a3.softmax_jacobian(p).dtype == np.float32


def test_losses_keep_dtype() -> None:
    rng = np.random.default_rng(1)
    s = rng.standard_normal((4, 3)).astype(np.float32)
    y = np.array([0, 2, 1, 1])
    t = rng.uniform(size=(4, 3)).astype(np.float32)
    for loss, d in (
        a3.mse_loss(s, t),
        a3.bce_with_logits_loss(s, t),
        a3.softmax_cross_entropy_loss(s, y),
        a3.hinge_loss(s, y),
    ):
        assert isinstance(loss, float)
        assert d.dtype == np.float32


def test_mlp_float32_computation_stays_float32() -> None:
    model = a3.MLP([4, 5, 3], "gelu", np.random.default_rng(2), dtype=np.float32)
    X = np.ones((2, 4), dtype=np.float32)
    assert model.forward(X).dtype == np.float32
    for loss in ("softmax", "mse", "bce", "hinge"):
        model.loss_type = loss
        y = np.array([0, 2]) if loss in ("softmax", "hinge") else np.full((2, 3), 0.5)
        _, grads = model.loss(X, y)
        assert all(g.dtype == np.float32 for g in grads.values()), loss


# ---------------------------------------------------------------- the numpy-only erf


def test_erf_and_erfc_against_math() -> None:
    u = np.concatenate([np.linspace(-9, 9, 20001), [0.0, 0.46875, 4.0, 26.5, 27.0, 40.0]])
    np.testing.assert_allclose(erf(u), [math.erf(v) for v in u], rtol=0, atol=3e-16)
    ref = np.array([math.erfc(v) for v in u])
    # beyond u = 26.543 erfc is subnormal (< 1e-307) and is flushed to 0 on purpose
    np.testing.assert_allclose(erfc(u), ref, rtol=1e-13, atol=1e-300)
    assert np.isnan(erf(np.array([np.nan]))[0])
    assert np.isnan(erfc(np.array([np.nan]))[0])
    np.testing.assert_array_equal(erfc(np.array([-np.inf, np.inf])), [2.0, 0.0])
    # Phi(-10) = erfc(10 / sqrt 2) / 2 with full relative accuracy in the far tail
    assert normal_cdf(np.array([-10.0]))[0] == pytest.approx(
        0.5 * math.erfc(10 / math.sqrt(2)), rel=1e-13
    )


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("name", ACTIVATION_LAYERS)
def test_activation_errors(name: str) -> None:
    forward, backward = getattr(a3, f"{name}_forward"), getattr(a3, f"{name}_backward")
    func = forward.__name__
    with raises(TypeError, func, "'x'", "floating"):
        forward(np.arange(4))
    with raises(TypeError, func, "'x'", "NumPy array"):
        forward([1.0, 2.0])
    _, cache = forward(np.ones((2, 3)))
    bfunc = backward.__name__
    with raises(ValueError, bfunc, "'dout'", "(2, 3)", "(3, 2)"):
        backward(np.ones((3, 2)), cache)
    with raises(TypeError, bfunc, "'dout'"):
        backward(np.ones((2, 3), dtype=int), cache)
    with raises(TypeError, bfunc, "'cache'"):
        backward(np.ones((2, 3)), None)


def test_alpha_errors() -> None:
    with raises(ValueError, "leaky_relu_forward", "'alpha'"):
        a3.leaky_relu_forward(np.ones(2), alpha=-0.1)
    with raises(TypeError, "elu_forward", "'alpha'"):
        a3.elu_forward(np.ones(2), alpha="big")  # type: ignore[arg-type]
    with raises(ValueError, "activation_derivative", "'activation'", "relu"):
        a3.activation_derivative(np.ones(2), "rleu")


def test_affine_errors() -> None:
    x, w, b = np.ones((2, 3)), np.ones((3, 4)), np.ones(4)
    with raises(ValueError, "affine_forward", "w", "(3, 4)", "(6, M)"):
        a3.affine_forward(np.ones((2, 3, 2)), w, b)
    with raises(ValueError, "affine_forward", "b", "(5,)"):
        a3.affine_forward(x, w, np.ones(5))
    with raises(TypeError, "affine_forward", "'w'", "floating"):
        a3.affine_forward(x, np.ones((3, 4), dtype=np.int64), b)
    with raises(ValueError, "affine_forward", "'x'", "at least 2"):
        a3.affine_forward(np.ones(3), w, b)
    _, cache = a3.affine_forward(x, w, b)
    with raises(ValueError, "affine_backward", "'dout'", "(2, 4)"):
        a3.affine_backward(np.ones((2, 3)), cache)


def test_jacobian_errors() -> None:
    with raises(ValueError, "affine_jacobian_input", "'w'", "2-D"):
        a3.affine_jacobian_input(np.ones(3))
    with raises(ValueError, "affine_jacobian_weights", "'x'", "1-D"):
        a3.affine_jacobian_weights(np.ones((1, 3)), 2)
    with raises(ValueError, "affine_jacobian_weights", "'M'"):
        a3.affine_jacobian_weights(np.ones(3), 0)
    with raises(ValueError, "elementwise_jacobian", "'x'", "1-D"):
        a3.elementwise_jacobian(np.ones((2, 2)), "relu")
    with raises(ValueError, "softmax_jacobian", "'p'", "probability"):
        a3.softmax_jacobian(np.array([0.5, 0.7]))


def test_loss_errors() -> None:
    s = np.zeros((3, 4))
    with raises(ValueError, "mse_loss", "'pred'", "'target'", "(3, 4)", "(4, 3)"):
        a3.mse_loss(s, np.zeros((4, 3)))
    with raises(TypeError, "mse_loss", "'target'", "floating"):
        a3.mse_loss(s, np.zeros((3, 4), dtype=int))
    with raises(ValueError, "mse_loss", "'pred'", "empty"):
        a3.mse_loss(np.zeros((0, 2)), np.zeros((0, 2)))
    with raises(ValueError, "bce_with_logits_loss", "'targets'", "[0, 1]"):
        a3.bce_with_logits_loss(s, np.full((3, 4), 1.5))
    with raises(ValueError, "softmax_cross_entropy_loss", "'y'", "[0, 4)"):
        a3.softmax_cross_entropy_loss(s, np.array([0, 4, 1]))
    with raises(TypeError, "softmax_cross_entropy_loss", "'y'", "integer"):
        a3.softmax_cross_entropy_loss(s, np.array([0.0, 1.0, 1.0]))
    with raises(ValueError, "softmax_cross_entropy_loss", "same number of rows"):
        a3.softmax_cross_entropy_loss(s, np.array([0, 1]))
    with raises(ValueError, "softmax_cross_entropy_loss", "'scores'", "2-D"):
        a3.softmax_cross_entropy_loss(np.zeros(4), np.array([0]))
    with raises(ValueError, "hinge_loss", "'y'", "[-1, 1]"):
        a3.hinge_loss(s, np.array([0, -1, 1]))
    with raises(ValueError, "hinge_loss", "'delta'"):
        a3.hinge_loss(s, np.array([0, 1, 1]), delta=0.0)
    with raises(ValueError, "hinge_loss", "'scores'", "at least one sample"):
        a3.hinge_loss(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_mlp_constructor_errors() -> None:
    rng = np.random.default_rng(0)
    with raises(TypeError, "MLP", "'rng'", "Generator"):
        a3.MLP([2, 3])
    with raises(TypeError, "MLP", "'rng'", "Generator"):
        a3.MLP([2, 3], "relu", 0)  # type: ignore[arg-type]
    with raises(ValueError, "MLP", "'layer_sizes'"):
        a3.MLP([2], "relu", rng)
    with raises(ValueError, "MLP", "'layer_sizes'"):
        a3.MLP([2, 0, 3], "relu", rng)
    with raises(TypeError, "MLP", "'layer_sizes'"):
        a3.MLP(5, "relu", rng)  # type: ignore[arg-type]
    with raises(ValueError, "MLP", "'activation'", "gelu"):
        a3.MLP([2, 3], "softmax", rng)
    with raises(ValueError, "MLP", "'loss'", "hinge"):
        a3.MLP([2, 3], "relu", rng, loss="cross_entropy")
    with raises(ValueError, "MLP", "'reg'"):
        a3.MLP([2, 3], "relu", rng, reg=-1.0)
    with raises(ValueError, "MLP", "'weight_scale'"):
        a3.MLP([2, 3], "relu", rng, weight_scale=0.0)
    with raises(TypeError, "MLP", "'dtype'", "float32 or float64"):
        a3.MLP([2, 3], "relu", rng, dtype=np.int64)
    with raises(TypeError, "alpha"):
        a3.MLP([2, 3], "tanh", rng, activation_params={"alpha": 0.1})


def test_mlp_call_errors() -> None:
    model = a3.MLP([4, 5, 3], "relu", np.random.default_rng(0))
    with raises(ValueError, "MLP.loss", "'X'", "(N, 4)"):
        model.loss(np.ones((2, 5)), np.array([0, 1]))
    with raises(TypeError, "MLP.forward", "'X'", "floating"):
        model.forward(np.ones((2, 4), dtype=int))
    with raises(ValueError, "MLP.loss", "'y'", "[0, 3)"):
        model.loss(np.ones((2, 4)), np.array([0, 3]))
    with raises(ValueError, "MLP.loss", "2 rows", "y has 3"):
        model.loss(np.ones((2, 4)), np.array([0, 1, 2]))
    with raises(ValueError, "MLP.loss", "no rows"):
        model.loss(np.ones((0, 4)), np.zeros(0, dtype=int))
    model.loss_type = "mse"
    with raises(ValueError, "MLP.loss", "'y'", "(N, 3)"):
        model.loss(np.ones((2, 4)), np.ones((2, 2)))
    model.loss_type = "bce"
    with raises(ValueError, "MLP.loss", "'y'", "[0, 1]"):
        model.loss(np.ones((2, 4)), np.full((2, 3), 2.0))
    with raises(TypeError, "MLP.loss", "'y'", "floating"):
        model.loss(np.ones((2, 4)), np.ones((2, 3), dtype=int))
