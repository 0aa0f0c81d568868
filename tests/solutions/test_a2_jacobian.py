"""Tests of ``jacobian_forward`` and ``jacobian_reverse`` (assignment a2).

Each test function is written once against a tiny namespace of elementary functions, so the same
formula runs with Duals and Values (methods), with floats (``math``, for the finite-difference
oracle) and with PyTorch tensors.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from solutions.a2_autodiff import (
    Dual,
    Value,
    jacobian_forward,
    jacobian_forward_with_count,
    jacobian_reverse,
    jacobian_reverse_with_count,
    sin,
)
from tests.numeric import assert_grad_close, numeric_grad

METHODS = SimpleNamespace(
    sin=lambda u: u.sin(),
    cos=lambda u: u.cos(),
    exp=lambda u: u.exp(),
    log=lambda u: u.log(),
    tanh=lambda u: u.tanh(),
    sigmoid=lambda u: u.sigmoid(),
    relu=lambda u: u.relu(),
)
MATH = SimpleNamespace(
    sin=math.sin,
    cos=math.cos,
    exp=math.exp,
    log=math.log,
    tanh=math.tanh,
    sigmoid=lambda t: 1.0 / (1.0 + math.exp(-t)),
    relu=lambda t: max(t, 0.0),
)


def wide(x: list[Any], L: Any) -> list[Any]:
    """R^5 -> R^2 (n > m)."""
    return [
        x[0] * L.sin(x[1]) + x[2] ** 2 - x[3] / (x[4] * x[4] + 1.0),
        L.exp(x[0] - 2.0 * x[4]) + L.tanh(x[1]) * x[3] + L.sigmoid(x[2]),
    ]


def tall(x: list[Any], L: Any) -> list[Any]:
    """R^2 -> R^5 (m > n)."""
    return [
        x[0] * x[1],
        L.sin(x[0]) + L.cos(x[1]),
        L.log(x[0] * x[0] + x[1] * x[1]),
        3.0 / (1.0 + x[1] ** 2),
        L.relu(x[0]) * x[1] - x[0],
    ]


CASES = [(wide, np.array([0.3, -1.1, 0.8, 1.7, -0.4])), (tall, np.array([0.7, -1.3]))]


def fd_jacobian(fn: Any, x: np.ndarray) -> np.ndarray:
    m = len(fn(list(x), MATH))
    return np.stack([numeric_grad(lambda v, i=i: fn(list(v), MATH)[i], x) for i in range(m)])


@pytest.mark.parametrize(("fn", "x"), CASES)
def test_forward_reverse_and_finite_differences_agree(fn: Any, x: np.ndarray) -> None:
    def f(xs: list[Any]) -> list[Any]:
        return fn(xs, METHODS)

    Jf, n_passes = jacobian_forward_with_count(f, x)
    Jr, m_passes = jacobian_reverse_with_count(f, x)
    m, n = len(fn(list(x), MATH)), x.size
    assert Jf.shape == Jr.shape == (m, n)
    assert (n_passes, m_passes) == (n, m)
    np.testing.assert_allclose(Jf, Jr, rtol=1e-12, atol=1e-14)
    values = fn(list(x), MATH)
    fd = fd_jacobian(fn, x)
    for i in range(m):
        assert_grad_close(Jr[i], fd[i], f_scale=values[i])
    np.testing.assert_array_equal(jacobian_forward(f, x), Jf)
    np.testing.assert_array_equal(jacobian_reverse(f, x), Jr)


@pytest.mark.torch
@pytest.mark.parametrize(("fn", "x"), CASES)
def test_jacobians_match_torch(fn: Any, x: np.ndarray) -> None:
    torch = pytest.importorskip("torch")
    TORCH = SimpleNamespace(
        sin=torch.sin,
        cos=torch.cos,
        exp=torch.exp,
        log=torch.log,
        tanh=torch.tanh,
        sigmoid=torch.sigmoid,
        relu=torch.relu,
    )
    J_torch = torch.autograd.functional.jacobian(
        lambda t: torch.stack(fn(list(t), TORCH)), torch.tensor(x, dtype=torch.float64)
    ).numpy()

    def f(xs: list[Any]) -> list[Any]:
        return fn(xs, METHODS)

    np.testing.assert_allclose(jacobian_forward(f, x), J_torch, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(jacobian_reverse(f, x), J_torch, rtol=1e-12, atol=1e-14)


def test_hand_jacobian_and_no_stale_gradients() -> None:
    # f(x) = (x0 x1, x2) at (2, 3, 5): J = [[x1, x0, 0], [0, 0, 1]] = [[3, 2, 0], [0, 0, 1]].
    # The second output does not depend on x0, x1: their gradients from the first row's pass
    # must not leak into the second row.
    def f(x: list[Any]) -> list[Any]:
        return [x[0] * x[1], x[2]]

    x = np.array([2.0, 3.0, 5.0])
    expected = np.array([[3.0, 2.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(jacobian_reverse(f, x), expected)
    np.testing.assert_array_equal(jacobian_forward(f, x), expected)


def test_constant_outputs_and_scalar_output() -> None:
    # f(x) = (x0 + x1, 2): the constant output has a zero row.
    def f(x: list[Any]) -> list[Any]:
        return [x[0] + x[1], 2.0]

    x = np.array([1.0, -1.0])
    for jac in (jacobian_forward, jacobian_reverse):
        np.testing.assert_array_equal(jac(f, x), [[1.0, 1.0], [0.0, 0.0]])
    # a single scalar is one output: the gradient of x0^2 x1 is (2 x0 x1, x0^2) = (-2, 1)
    for jac in (jacobian_forward, jacobian_reverse):
        np.testing.assert_array_equal(jac(lambda x: x[0] ** 2 * x[1], x), [[-2.0, 1.0]])


def test_module_functions_work_in_both_modes() -> None:
    # d/dx0 [x0 sin(x1)] = sin(x1), d/dx1 = x0 cos(x1)
    def f(x: list[Any]) -> list[Any]:
        return [x[0] * sin(x[1])]

    x = np.array([2.0, 0.5])
    expected = [[math.sin(0.5), 2.0 * math.cos(0.5)]]
    np.testing.assert_allclose(jacobian_forward(f, x), expected, rtol=1e-15)
    np.testing.assert_allclose(jacobian_reverse(f, x), expected, rtol=1e-15)


def test_pass_counts_are_real(monkeypatch: pytest.MonkeyPatch) -> None:
    # Forward mode evaluates f once per input; reverse mode evaluates f once and runs one
    # backward pass per output.
    calls = {"f": 0, "backward": 0}

    def f(x: list[Any]) -> list[Any]:
        calls["f"] += 1
        return wide(x, METHODS) + tall(x[:2], METHODS)  # n = 5, m = 7

    x = np.array([0.3, -1.1, 0.8, 1.7, -0.4])
    _, passes = jacobian_forward_with_count(f, x)
    assert passes == 5
    assert calls["f"] == 5

    original = Value.backward

    def counting_backward(self: Value) -> None:
        calls["backward"] += 1
        original(self)

    monkeypatch.setattr(Value, "backward", counting_backward)
    calls["f"] = 0
    _, passes = jacobian_reverse_with_count(f, x)
    assert passes == 7
    assert calls == {"f": 1, "backward": 7}


@pytest.mark.parametrize(("n", "m"), [(1, 6), (6, 1), (4, 4)])
def test_counts_follow_n_and_m(n: int, m: int) -> None:
    # f_i(x) = sum_j (i + 1) x_j^2  ->  J[i, j] = 2 (i + 1) x_j
    def f(x: list[Any]) -> list[Any]:
        total = x[0] ** 2
        for xj in x[1:]:
            total = total + xj**2
        return [(i + 1) * total for i in range(m)]

    x = np.linspace(-1.0, 1.0, n)
    expected = 2.0 * np.outer(np.arange(1, m + 1), x)
    Jf, pf = jacobian_forward_with_count(f, x)
    Jr, pr = jacobian_reverse_with_count(f, x)
    assert (pf, pr) == (n, m)
    np.testing.assert_allclose(Jf, expected, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(Jr, expected, rtol=1e-15, atol=1e-15)


def test_dtype_follows_x() -> None:
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert jacobian_forward(lambda v: [v[0] * v[1]], x).dtype == np.float32
    assert jacobian_reverse(lambda v: [v[0] * v[1]], x).dtype == np.float32


def test_jacobian_validation() -> None:
    x = np.array([1.0, 2.0])
    for jac, name in (
        (jacobian_forward, "jacobian_forward"),
        (jacobian_reverse, "jacobian_reverse"),
    ):
        with pytest.raises(TypeError, match=rf"{name}.*'f'.*callable"):
            jac("f", x)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=rf"{name}.*'x'.*floating"):
            jac(lambda v: [v[0]], np.array([1, 2]))
        with pytest.raises(ValueError, match=rf"{name}.*'x'.*1-D"):
            jac(lambda v: [v[0]], np.ones((2, 2)))
        with pytest.raises(ValueError, match=rf"{name}.*'x' is empty"):
            jac(lambda v: [], np.zeros(0))
        with pytest.raises(ValueError, match=rf"{name}.*no outputs"):
            jac(lambda v: [], x)
        with pytest.raises(TypeError, match=rf"{name}.*output 1.*convert an input to float"):
            jac(lambda v: [v[0], "y"], x)
        with pytest.raises(TypeError, match=rf"{name}.*must return a list of scalars"):
            jac(lambda v: {"y": v[0]}, x)
    with pytest.raises(TypeError, match=r"jacobian_forward.*output 0.*Value"):
        jacobian_forward(lambda v: [Value(1.0) * 2], x)
    with pytest.raises(TypeError, match=r"jacobian_reverse.*output 0.*Dual"):
        jacobian_reverse(lambda v: [Dual(1.0)], x)
    with pytest.raises(TypeError):  # math functions cannot take a Value
        jacobian_reverse(lambda v: [math.sin(v[0])], x)
