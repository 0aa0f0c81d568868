"""Property tests: random expressions differentiated by Value, by Dual, by finite differences and
by PyTorch must agree (assignment a2).

Hypothesis builds random expression trees over three variables from the operations both engines
share. A small interpreter evaluates a tree with Values, with Duals, with plain floats (the
finite-difference oracle uses ``math`` only, independently of ``solutions``) and with PyTorch
float64 tensors. Domains are kept safe by construction: ``log`` and fractional or negative powers
are applied to ``u*u + 0.5 > 0``, and divisors are ``b*b + 0.5``. Trees whose values overflow or
grow beyond 1e3 are rejected, and the finite-difference and PyTorch comparisons also reject points
within 1e-3 of a kink (``relu`` at 0, a tie of ``maximum``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from solutions.a2_autodiff import Dual, Value
from tests.numeric import assert_grad_close, numeric_grad

N_VARS = 3
UNARY = ["neg", "sin", "cos", "tanh", "sigmoid", "relu", "exp", "log"]
POWERS = [2, 3, -1, 0.5, 1.5, -0.5]
BINARY = ["add", "sub", "mul", "div", "max"]

leaves = st.one_of(
    st.tuples(st.just("var"), st.integers(0, N_VARS - 1)),
    st.tuples(st.just("const"), st.floats(-2.0, 2.0, allow_nan=False)),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.tuples(st.just("unary"), st.sampled_from(UNARY), children),
        st.tuples(st.just("pow"), st.sampled_from(POWERS), children),
        st.tuples(st.just("binary"), st.sampled_from(BINARY), children, children),
    )


trees = st.recursive(leaves, _extend, max_leaves=10)
points = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=N_VARS, max_size=N_VARS)


# ---------------------------------------------------------------------------- plain-float backend
def _sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t)) if t >= 0 else math.exp(t) / (1.0 + math.exp(t))


MATH: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda t: t if t > 0 else 0.0,
    "exp": math.exp,
    "log": math.log,
}


class Stats:
    """What the float evaluation saw: the largest magnitude and the closest approach to a kink."""

    def __init__(self) -> None:
        self.largest = 0.0
        self.kink_margin = math.inf


def evaluate(tree: Any, xs: list[Any], stats: Stats | None = None, torch: Any = None) -> Any:
    """Evaluate ``tree`` on ``xs`` (floats, Values, Duals or torch tensors).

    Methods are called on non-float operands (``u.sin()``); float operands use ``math``.
    """
    kind = tree[0]
    if kind == "var":
        out = xs[tree[1]]
    elif kind == "const":
        out = tree[1]
    elif kind == "unary":
        name, u = tree[1], evaluate(tree[2], xs, stats, torch)
        if name == "neg":
            out = -u
        else:
            if name == "log":
                u = u * u + 0.5
            if name == "relu" and stats is not None:
                stats.kink_margin = min(stats.kink_margin, abs(u))
            out = MATH[name](u) if isinstance(u, float) else getattr(u, name)()
    elif kind == "pow":
        p, u = tree[1], evaluate(tree[2], xs, stats, torch)
        out = u**p if isinstance(p, int) and p > 0 else (u * u + 0.5) ** p
    else:
        name = tree[1]
        a = evaluate(tree[2], xs, stats, torch)
        b = evaluate(tree[3], xs, stats, torch)
        if name == "add":
            out = a + b
        elif name == "sub":
            out = a - b
        elif name == "mul":
            out = a * b
        elif name == "div":
            out = a / (b * b + 0.5)
        else:
            if stats is not None:
                stats.kink_margin = min(stats.kink_margin, abs(a - b))
            out = _maximum(a, b, torch)
    if stats is not None:
        stats.largest = max(stats.largest, abs(out))
    return out


def _maximum(a: Any, b: Any, torch: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        return max(a, b)
    if torch is not None:
        return torch.maximum(
            torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
        )
    if isinstance(a, float):
        return b.maximum(a)
    return a.maximum(b)


def float_eval(tree: Any, x: list[float]) -> tuple[float, Stats]:
    """Evaluate with floats; reject trees that overflow or blow up."""
    stats = Stats()
    try:
        value = float(evaluate(tree, list(x), stats))
    except (OverflowError, ZeroDivisionError):
        assume(False)
    assume(math.isfinite(value) and stats.largest <= 1e3)
    return value, stats


def value_grad(tree: Any, x: list[float]) -> tuple[float, np.ndarray]:
    leaves = [Value(v) for v in x]
    out = evaluate(tree, leaves)
    if not isinstance(out, Value):  # a tree of constants only
        return float(out), np.zeros(N_VARS)
    out.backward()
    return out.data, np.array([leaf.grad for leaf in leaves])


def dual_grad(tree: Any, x: list[float]) -> tuple[float, np.ndarray]:
    ders, val = [], math.nan
    for j in range(N_VARS):
        out = evaluate(tree, [Dual(v, 1.0 if i == j else 0.0) for i, v in enumerate(x)])
        if not isinstance(out, Dual):
            return float(out), np.zeros(N_VARS)
        val = out.val
        ders.append(out.der)
    return val, np.array(ders)


def fd_grad(tree: Any, x: list[float]) -> np.ndarray:
    return numeric_grad(lambda v: float(evaluate(tree, [float(t) for t in v])), np.array(x))


common = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@common
@given(trees, points)
def test_value_and_dual_agree(tree: Any, x: list[float]) -> None:
    value, _ = float_eval(tree, x)
    v_data, v_grad = value_grad(tree, x)
    d_val, d_grad = dual_grad(tree, x)
    # The same float operations produce the value in every mode.
    assert v_data == value
    assert d_val == value
    # Derivatives: the same local rules, summed in different orders.
    np.testing.assert_allclose(v_grad, d_grad, rtol=1e-9, atol=1e-10)


@common
@given(trees, points)
def test_value_matches_finite_differences(tree: Any, x: list[float]) -> None:
    value, stats = float_eval(tree, x)
    assume(stats.kink_margin > 1e-3)
    _, v_grad = value_grad(tree, x)
    assert_grad_close(v_grad, fd_grad(tree, x), f_scale=value)


@common
@given(trees, points)
def test_dual_matches_finite_differences(tree: Any, x: list[float]) -> None:
    value, stats = float_eval(tree, x)
    assume(stats.kink_margin > 1e-3)
    _, d_grad = dual_grad(tree, x)
    assert_grad_close(d_grad, fd_grad(tree, x), f_scale=value)


@pytest.mark.torch
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(trees, points)
def test_value_matches_torch_float64(tree: Any, x: list[float]) -> None:
    torch = pytest.importorskip("torch")
    _, stats = float_eval(tree, x)
    assume(stats.kink_margin > 1e-3)
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in x]
    out = evaluate(tree, leaves, torch=torch)
    if isinstance(out, torch.Tensor) and out.requires_grad:
        grads = torch.autograd.grad(out, leaves, allow_unused=True)
        t_grad = np.array([0.0 if g is None else g.item() for g in grads])
    else:
        t_grad = np.zeros(N_VARS)
    t_value = out.item() if isinstance(out, torch.Tensor) else float(out)
    v_data, v_grad = value_grad(tree, x)
    assert v_data == pytest.approx(t_value, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(v_grad, t_grad, rtol=1e-9, atol=1e-10)
