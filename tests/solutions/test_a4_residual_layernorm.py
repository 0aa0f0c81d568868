"""a4 residual block and layer normalisation: hand values, gradient checks, PyTorch parity."""

from __future__ import annotations

import numpy as np
import pytest

from solutions.a4_training_deep_nets import (
    init_blocks,
    layernorm_backward,
    layernorm_forward,
    residual_backward,
    residual_forward,
    stack_grad_norms,
)
from tests.numeric import assert_grad_close, numeric_grad

# ----------------------------------------------------------------------------------- residual


def test_residual_forward_by_hand() -> None:
    x = np.array([[1.0, -2.0]])
    w1 = np.eye(2)
    b1 = np.array([0.5, 0.5])  # a = [1.5, -1.5] -> relu -> [1.5, 0]
    w2 = np.array([[1.0, 2.0], [3.0, 4.0]])  # [1.5, 0] @ w2 = [1.5, 3.0]
    b2 = np.array([0.1, -0.1])  # F = [1.6, 2.9]; out = x + F = [2.6, 0.9]
    out, _ = residual_forward(x, w1, b1, w2, b2)
    np.testing.assert_allclose(out, [[2.6, 0.9]], rtol=1e-15)


def _block_inputs(seed: int, activation: str):
    """Small float64 inputs with non-zero biases, ReLU pre-activations >= 1e-3 from the kink."""
    rng = np.random.default_rng(seed)
    while True:
        x = rng.standard_normal((4, 3))
        w1 = rng.standard_normal((3, 5))
        b1 = rng.standard_normal(5)
        w2 = rng.standard_normal((5, 3))
        b2 = rng.standard_normal(3)
        if activation != "relu" or np.abs(x @ w1 + b1).min() >= 1e-3:
            return x, w1, b1, w2, b2, rng.standard_normal((4, 3))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("seed", [0, 1])
def test_residual_gradients_match_finite_differences(activation: str, seed: int) -> None:
    x, w1, b1, w2, b2, dout = _block_inputs(seed, activation)
    args = [x, w1, b1, w2, b2]
    out, cache = residual_forward(*args, activation=activation)
    grads = residual_backward(dout, cache)
    f_value = float(np.sum(dout * out))
    for i, (arg, grad) in enumerate(zip(args, grads, strict=True)):
        assert grad.shape == arg.shape

        def f(v: np.ndarray, i: int = i) -> float:
            trial = list(args)
            trial[i] = v
            return float(np.sum(dout * residual_forward(*trial, activation=activation)[0]))

        assert_grad_close(grad, numeric_grad(f, arg), f_value)


def test_residual_backward_identity_path() -> None:
    # With w2 = 0 the branch contributes nothing to dx, so dx must equal dout exactly.
    x, w1, b1, _, b2, dout = _block_inputs(3, "tanh")
    _, cache = residual_forward(x, w1, b1, np.zeros((5, 3)), b2, activation="tanh")
    np.testing.assert_array_equal(residual_backward(dout, cache)[0], dout)


def test_residual_float32_and_errors() -> None:
    x, w1, b1, w2, b2, dout = (a.astype(np.float32) for a in _block_inputs(4, "tanh"))
    out, cache = residual_forward(x, w1, b1, w2, b2, activation="tanh")
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in residual_backward(dout, cache))
    with pytest.raises(ValueError, match="residual_forward: argument 'w2'"):
        residual_forward(x, w1, b1, w2.T, b2)
    with pytest.raises(TypeError, match="residual_forward: argument 'x'"):
        residual_forward(x.astype(int), w1, b1, w2, b2)
    with pytest.raises(ValueError, match="residual_backward: argument 'dout'"):
        residual_backward(dout[:2], cache)


def test_stack_grad_norms_match_numeric_gradient() -> None:
    rng = np.random.default_rng(5)
    blocks = init_blocks(3, 3, 4, rng, bias_std=0.5)
    x = rng.standard_normal((2, 3))
    dout = rng.standard_normal((2, 3))

    def run(xv: np.ndarray, residual: bool) -> np.ndarray:
        h = xv
        for w1, b1, w2, b2 in blocks:
            f = np.tanh(h @ w1 + b1) @ w2 + b2
            h = h + f if residual else f
        return h

    for residual in (True, False):
        norms = stack_grad_norms(x, blocks, residual=residual, activation="tanh", dout=dout)
        assert norms.shape == (4,)
        dx = numeric_grad(lambda v, r=residual: float(np.sum(dout * run(v, r))), x)
        np.testing.assert_allclose(norms[0], np.linalg.norm(dx), rtol=1e-6)
        np.testing.assert_allclose(norms[-1], np.linalg.norm(dout), rtol=1e-15)


def test_residual_stack_keeps_the_gradient_that_a_plain_stack_loses() -> None:
    rng = np.random.default_rng(6)
    blocks = init_blocks(30, 16, 16, rng, scale=0.3)
    x = rng.standard_normal((8, 16))
    plain = stack_grad_norms(x, blocks, residual=False)
    resid = stack_grad_norms(x, blocks, residual=True)
    # Each plain block scales gradients by roughly 0.3^2 (He std times 0.3, twice): ~1e-31 after 30.
    assert plain[0] < 1e-10 * plain[-1]
    # The identity path alone carries dout through every residual block.
    assert resid[0] > 0.5 * resid[-1]


# ---------------------------------------------------------------------------------- layernorm


def test_layernorm_forward_by_hand() -> None:
    # x = (1, 2, 3): mean 2, biased variance 2/3, so xhat = (-1, 0, 1) * sqrt(3/2).
    out, _ = layernorm_forward(np.array([[1.0, 2.0, 3.0]]), np.ones(3), np.zeros(3), eps=1e-300)
    np.testing.assert_allclose(out, [[-np.sqrt(1.5), 0.0, np.sqrt(1.5)]], rtol=1e-14, atol=1e-15)
    out, _ = layernorm_forward(
        np.array([[1.0, 2.0, 3.0]]), np.array([2.0, 1.0, 1.0]), np.array([0.5, 0.5, 0.5]), 1e-300
    )
    np.testing.assert_allclose(out, [[0.5 - 2 * np.sqrt(1.5), 0.5, 0.5 + np.sqrt(1.5)]])


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4), (6,)])
def test_layernorm_gradients_match_finite_differences(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(7)
    D = shape[-1]
    x = rng.standard_normal(shape)
    gamma = rng.standard_normal(D)
    beta = rng.standard_normal(D)  # non-zero shift
    dout = rng.standard_normal(shape)
    out, cache = layernorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    f_value = float(np.sum(dout * out))
    args = [x, gamma, beta]
    for i, (arg, grad) in enumerate(zip(args, (dx, dgamma, dbeta), strict=True)):

        def f(v: np.ndarray, i: int = i) -> float:
            trial = list(args)
            trial[i] = v
            return float(np.sum(dout * layernorm_forward(*trial)[0]))

        assert_grad_close(grad, numeric_grad(f, arg), f_value)


@pytest.mark.torch
@pytest.mark.parametrize("eps", [1e-5, 1e-2])
def test_layernorm_matches_torch_float64(eps: float) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 4, 6)) * 3 + 1
    gamma = rng.standard_normal(6)
    beta = rng.standard_normal(6)
    dout = rng.standard_normal((3, 4, 6))

    tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    tout = torch.nn.functional.layer_norm(tx, (6,), tg, tb, eps=eps)
    tout.backward(torch.tensor(dout))

    out, cache = layernorm_forward(x, gamma, beta, eps=eps)
    dx, dgamma, dbeta = layernorm_backward(dout, cache)
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dgamma, tg.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dbeta, tb.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_layernorm_float32_and_errors() -> None:
    x = np.ones((2, 3), dtype=np.float32) * np.arange(3, dtype=np.float32)
    out, cache = layernorm_forward(x, np.ones(3, np.float32), np.zeros(3, np.float32))
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layernorm_backward(np.ones_like(out), cache))
    with pytest.raises(ValueError, match="layernorm_forward: argument 'gamma'"):
        layernorm_forward(np.ones((2, 3)), np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match="layernorm_forward: argument 'eps'"):
        layernorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), eps=0.0)
    with pytest.raises(TypeError, match="layernorm_forward: argument 'x'"):
        layernorm_forward([[1.0, 2.0]], np.ones(2), np.zeros(2))


# ------------------------------------------------------------------- the spec's float32 cases


def _f32_cases(part_id: str) -> list:
    from autograder.course import load_spec

    part = load_spec("a4_training_deep_nets").part(part_id)
    cases = [c for c in part.public_cases() + part.hidden_cases() if c.name.endswith("f32")]
    assert len(cases) == 2  # one public, one hidden
    return cases


def _in_float64(args: dict) -> dict:
    return {k: v.astype(np.float64) if isinstance(v, np.ndarray) else v for k, v in args.items()}


@pytest.mark.parametrize("part_id", ["test_residual", "test_layernorm"])
def test_float32_cases_are_within_their_tolerance_of_the_float64_answer(part_id: str) -> None:
    """The spec's float32 tolerances (rtol 1e-4, atol 1e-5) hold against the float64 answer.

    The float64 functions are checked above (by hand, finite differences, PyTorch); here the
    float32 reference must return float32 and sit well inside the tolerance the spec allows a
    float32 answer, so that two correct float32 answers cannot fail each other.
    """
    for case in _f32_cases(part_id):
        args = case.args
        assert all(v.dtype == np.float32 for v in args.values() if isinstance(v, np.ndarray))
        if part_id == "test_residual":
            names = ("x", "w1", "b1", "w2", "b2")
            kwargs = {"activation": args["activation"]} if "activation" in args else {}
            fwd, bwd = residual_forward, residual_backward
        else:
            names = ("x", "gamma", "beta")
            kwargs = {"eps": args["eps"]} if "eps" in args else {}
            fwd, bwd = layernorm_forward, layernorm_backward
        results = {}
        for label, a in (("f32", args), ("f64", _in_float64(args))):
            out, cache = fwd(*(a[n] for n in names), **kwargs)
            results[label] = (out, *bwd(a["dout"], cache))
        for got, want in zip(results["f32"], results["f64"], strict=True):
            assert got.dtype == np.float32
            # a tenth of the spec's tolerance: the float32 error is far from the limit
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
