"""a4 stack_jacobian: closed forms, finite differences, an entrywise chain rule, PyTorch.

Every expected value is derived here independently of the reference: by hand for diagonal and
orthogonal linear stacks (singular values known in closed form), by central differences of a
forward pass written here, by an entrywise loop over the layer Jacobians, and (when PyTorch is
installed) by ``torch.autograd.functional.jacobian`` in float64.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from solutions.a4_training_deep_nets import stack_jacobian

# (g, g') written here, independently of the reference's table
ACT: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "linear": (lambda a: a, lambda a: np.ones_like(a)),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
    "leaky_relu": (lambda a: np.where(a > 0, a, 0.01 * a), lambda a: np.where(a > 0, 1.0, 0.01)),
    "tanh": (np.tanh, lambda a: 1.0 / np.cosh(a) ** 2),
    "sigmoid": (
        lambda a: 1.0 / (1.0 + np.exp(-a)),
        lambda a: np.exp(-a) / (1.0 + np.exp(-a)) ** 2,
    ),
}


def forward(x: np.ndarray, weights: list[np.ndarray], biases: list[np.ndarray], act: str):
    g = ACT[act][0]
    h = x
    for W, b in zip(weights, biases, strict=True):
        h = g(h @ W + b)
    return h


def random_stack(seed: int, sizes: list[int], scale: float = 1.0):
    rng = np.random.default_rng(seed)
    ws = [scale * rng.standard_normal((a, b)) / np.sqrt(a) for a, b in itertools.pairwise(sizes)]
    bs = [0.1 * rng.standard_normal(b) for b in sizes[1:]]
    return rng.standard_normal(sizes[0]), ws, bs


# ------------------------------------------------------------------------------ closed forms


def test_diagonal_linear_stack_by_hand() -> None:
    # W_1 = diag(2, -3, 0.5), W_2 = diag(1, 2, 4): J = diag(2, -6, 2), sigma = (6, 2, 2)
    ws = [np.diag([2.0, -3.0, 0.5]), np.diag([1.0, 2.0, 4.0])]
    J, s = stack_jacobian(np.array([0.3, -1.0, 2.0]), ws, "linear")
    np.testing.assert_allclose(J, np.diag([2.0, -6.0, 2.0]), rtol=1e-15)
    np.testing.assert_allclose(s, [6.0, 2.0, 2.0], rtol=1e-12)  # LAPACK may differ in the last bits


def test_relu_switches_off_the_negative_inputs_by_hand() -> None:
    # diagonal positive weights keep each sign: x = (1, -2, 3) leaves unit 1 off in every layer,
    # so J = diag(2 * 3, 0, 1 * 1) and its singular values are (6, 1, 0)
    ws = [np.diag([2.0, 5.0, 1.0]), np.diag([3.0, 7.0, 1.0])]
    J, s = stack_jacobian(np.array([1.0, -2.0, 3.0]), ws, "relu")
    np.testing.assert_allclose(J, np.diag([6.0, 0.0, 1.0]), atol=0.0)
    np.testing.assert_allclose(s, [6.0, 1.0, 0.0], atol=1e-12)


def test_relu_derivative_at_exactly_zero_is_zero() -> None:
    # a_1 = x @ W_1 = (0, 1): the first unit sits at the kink and passes nothing back
    J, _ = stack_jacobian(np.array([1.0, 1.0]), [np.array([[1.0, 0.5], [-1.0, 0.5]])], "relu")
    np.testing.assert_array_equal(J, [[0.0, 0.0], [0.5, 0.5]])


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_scaled_orthogonal_linear_stack_has_all_singular_values_scale_to_the_depth(
    scale: float,
) -> None:
    """Orthogonal Q_l scaled by c: J = c**L Q_L.T ... Q_1.T, every singular value c**L."""
    rng = np.random.default_rng(3)
    L, D = 12, 5
    ws = [scale * np.linalg.qr(rng.standard_normal((D, D)))[0] for _ in range(L)]
    _, s = stack_jacobian(rng.standard_normal(D), ws, "linear")
    np.testing.assert_allclose(s, np.full(D, scale**L), rtol=1e-12)


# ------------------------------------------------------------------------------ numerically


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "leaky_relu", "relu", "linear"])
def test_matches_central_differences_of_the_forward_pass(act: str) -> None:
    x, ws, bs = random_stack(11, [4, 6, 5, 3], scale=1.3)
    J, s = stack_jacobian(x, ws, act, biases=bs)
    h = 1e-6
    numeric = np.empty((3, 4))
    for i in range(4):
        e = np.zeros(4)
        e[i] = h
        numeric[:, i] = (forward(x + e, ws, bs, act) - forward(x - e, ws, bs, act)) / (2 * h)
    # central differences: error O(h**2 * g''') + O(eps / h) ~ 1e-9 on entries of order 1
    np.testing.assert_allclose(J, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s, np.linalg.svd(numeric, compute_uv=False), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid"])
def test_matches_an_entrywise_chain_rule(act: str) -> None:
    """J_l[j, i] = g'(a_l[j]) W_l[i, j], multiplied J_L ... J_1 with explicit index loops."""
    x, ws, bs = random_stack(12, [5, 7, 6, 4, 5], scale=1.5)
    g, dg = ACT[act]
    h, layer_jacobians = x, []
    for W, b in zip(ws, bs, strict=True):
        a = h @ W + b
        Jl = np.zeros((W.shape[1], W.shape[0]))
        for j in range(W.shape[1]):
            for i in range(W.shape[0]):
                Jl[j, i] = dg(a[j : j + 1])[0] * W[i, j]
        layer_jacobians.append(Jl)
        h = g(a)
    prod = np.eye(5)
    for Jl in layer_jacobians:
        new = np.zeros((Jl.shape[0], prod.shape[1]))
        for r in range(new.shape[0]):
            for c in range(new.shape[1]):
                new[r, c] = sum(Jl[r, k] * prod[k, c] for k in range(Jl.shape[1]))
        prod = new
    J, s = stack_jacobian(x, ws, act, biases=bs)
    np.testing.assert_allclose(J, prod, rtol=1e-12, atol=1e-14)
    assert s.shape == (5,) and np.all(np.diff(s) <= 0)


def test_matches_pytorch_float64_autograd() -> None:
    torch = pytest.importorskip("torch")
    x, ws, bs = random_stack(13, [6, 8, 8, 8, 4], scale=1.4)

    def net(t):  # type: ignore[no-untyped-def]
        for W, b in zip(ws, bs, strict=True):
            t = torch.tanh(t @ torch.from_numpy(W) + torch.from_numpy(b))
        return t

    expected = torch.autograd.functional.jacobian(net, torch.from_numpy(x)).numpy()
    J, s = stack_jacobian(x, ws, "tanh", biases=bs)
    np.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(s, np.linalg.svd(expected, compute_uv=False), rtol=1e-10)


# ------------------------------------------------------------------------------ contract


def test_shapes_order_and_inputs_left_alone() -> None:
    x, ws, bs = random_stack(14, [3, 8, 2])
    copies = [x.copy(), *(w.copy() for w in ws), *(b.copy() for b in bs)]
    J, s = stack_jacobian(x, ws, "tanh", biases=bs)
    assert J.shape == (2, 3) and s.shape == (2,)
    assert s[0] >= s[1] >= 0
    for before, after in zip(copies, [x, *ws, *bs], strict=True):
        np.testing.assert_array_equal(before, after)


def test_zero_biases_by_default() -> None:
    x, ws, _ = random_stack(15, [4, 4, 4])
    J0, _ = stack_jacobian(x, ws, "sigmoid")
    J1, _ = stack_jacobian(x, ws, "sigmoid", biases=[np.zeros(4), np.zeros(4)])
    np.testing.assert_array_equal(J0, J1)


def test_bad_input_is_rejected_with_a_named_error() -> None:
    x, ws, _ = random_stack(16, [4, 5])
    with pytest.raises((TypeError, ValueError), match="stack_jacobian"):
        stack_jacobian(x[None, :], ws, "tanh")
    with pytest.raises(ValueError, match="weights"):
        stack_jacobian(np.ones(3), ws, "tanh")
    with pytest.raises(ValueError, match="activation"):
        stack_jacobian(x, ws, "softplus")
