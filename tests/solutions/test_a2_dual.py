"""Tests of forward mode (``Dual``) and of the shared elementary functions (assignment a2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solutions.a2_autodiff import (
    Dual,
    Value,
    cos,
    exp,
    log,
    maximum,
    relu,
    sigmoid,
    sin,
    tanh,
)

# (function, point, value, derivative), derivatives by the usual calculus rules.
CASES = [
    (lambda a: -a, 3.0, -3.0, -1.0),
    (lambda a: a + 2, 3.0, 5.0, 1.0),
    (lambda a: 2 + a, 3.0, 5.0, 1.0),
    (lambda a: a - 2, 3.0, 1.0, 1.0),
    (lambda a: 2 - a, 3.0, -1.0, -1.0),
    (lambda a: a * 2, 3.0, 6.0, 2.0),
    (lambda a: 2 * a, 3.0, 6.0, 2.0),
    (lambda a: a / 2, 3.0, 1.5, 0.5),
    (lambda a: 2 / a, 3.0, 2 / 3, -2 / 9),  # -2 / a^2
    (lambda a: np.float64(2.0) / a, 3.0, 2 / 3, -2 / 9),
    (lambda a: a * a, 3.0, 9.0, 6.0),  # product rule: a'a + aa' = 2a
    (lambda a: a / a, 3.0, 1.0, 0.0),  # quotient rule: (a'a - aa') / a^2 = 0
    (lambda a: a**2, 3.0, 9.0, 6.0),
    (lambda a: a**-2, 2.0, 0.25, -0.25),  # -2 a^-3 = -2/8
    (lambda a: a**1.5, 4.0, 8.0, 3.0),  # 1.5 a^0.5 = 1.5 * 2
    (lambda a: a**3, -2.0, -8.0, 12.0),
    (lambda a: a.exp(), 1.0, math.e, math.e),
    (lambda a: a.log(), 4.0, math.log(4.0), 0.25),
    (lambda a: a.sin(), math.pi / 3, math.sin(math.pi / 3), 0.5),  # cos(pi/3) = 1/2
    (lambda a: a.cos(), math.pi / 6, math.cos(math.pi / 6), -0.5),  # -sin(pi/6) = -1/2
    (lambda a: a.tanh(), 0.0, 0.0, 1.0),
    (lambda a: a.sigmoid(), 0.0, 0.5, 0.25),
    (lambda a: a.relu(), 2.0, 2.0, 1.0),
    (lambda a: a.relu(), -2.0, 0.0, 0.0),
    (lambda a: a.relu(), 0.0, 0.0, 0.0),  # relu'(0) = 0
    (lambda a: a.maximum(1.0), 3.0, 3.0, 1.0),
    (lambda a: a.maximum(5.0), 3.0, 5.0, 0.0),
    (lambda a: a.maximum(3.0), 3.0, 3.0, 0.5),  # a tie averages the tangents (1 + 0) / 2
]


@pytest.mark.parametrize(("fn", "at", "value", "slope"), CASES)
def test_dual_elementary_derivatives(fn, at: float, value: float, slope: float) -> None:  # type: ignore[no-untyped-def]
    out = fn(Dual(at, 1.0))
    assert isinstance(out, Dual)
    assert out.val == pytest.approx(value, rel=1e-15, abs=1e-15)
    assert out.der == pytest.approx(slope, rel=1e-15, abs=1e-15)


@pytest.mark.parametrize(("fn", "at", "value", "slope"), CASES)
def test_value_and_dual_agree_on_each_operation(fn, at: float, value: float, slope: float) -> None:  # type: ignore[no-untyped-def]
    v = Value(at)
    out = fn(v)
    out.backward()
    d = fn(Dual(at, 1.0))
    assert out.data == d.val
    assert v.grad == pytest.approx(d.der, rel=1e-15, abs=1e-15)


def test_dual_product_rule_two_variables() -> None:
    # f(x, y) = x y + sin(x) at (2, 3): df/dx = y + cos x, df/dy = x.
    for seed_x, seed_y, expected in [(1.0, 0.0, 3.0 + math.cos(2.0)), (0.0, 1.0, 2.0)]:
        x, y = Dual(2.0, seed_x), Dual(3.0, seed_y)
        f = x * y + x.sin()
        assert f.val == pytest.approx(6.0 + math.sin(2.0))
        assert f.der == pytest.approx(expected)


def test_dual_directional_derivative() -> None:
    # A general seed v gives the directional derivative grad f . v:
    # f = x^2 y at (1, 2): grad = (2xy, x^2) = (4, 1); v = (3, -2) -> 4*3 + 1*(-2) = 10.
    x, y = Dual(1.0, 3.0), Dual(2.0, -2.0)
    assert (x * x * y).der == 10.0


def test_dual_defaults_and_repr() -> None:
    c = Dual(2)
    assert (c.val, c.der) == (2.0, 0.0)
    assert type(c.val) is float
    assert repr(Dual(1.5, -2.0)) == "Dual(val=1.5, der=-2)"


def test_dual_validation() -> None:
    with pytest.raises(TypeError, match=r"Dual.*'val'.*real number"):
        Dual("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Dual.*'der'.*real number"):
        Dual(1.0, None)  # type: ignore[arg-type]
    d = Dual(2.0, 1.0)
    with pytest.raises(TypeError, match=r"Dual.__sub__.*Dual or a real number"):
        d - "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Dual.__add__.*Value and Dual cannot be mixed"):
        d + Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Dual.__pow__.*exponent.*plain number"):
        d ** Dual(2.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Dual.__rpow__"):
        2**d  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"Dual.log.*positive"):
        Dual(-1.0, 1.0).log()
    with pytest.raises(ValueError, match=r"Dual.__pow__.*negative base"):
        Dual(-1.0, 1.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match=r"Dual.__truediv__"):
        d / Dual(0.0, 1.0)


# ---------------------------------------------------------------------------- shared functions

FUNCS = [
    (exp, math.exp, math.exp),
    (log, math.log, lambda t: 1 / t),
    (sin, math.sin, math.cos),
    (cos, math.cos, lambda t: -math.sin(t)),
    (tanh, math.tanh, lambda t: 1 - math.tanh(t) ** 2),
    (sigmoid, lambda t: 1 / (1 + math.exp(-t)), lambda t: math.exp(-t) / (1 + math.exp(-t)) ** 2),
    (relu, lambda t: max(t, 0.0), lambda t: 1.0 if t > 0 else 0.0),
]


@pytest.mark.parametrize(("fn", "ref", "dref"), FUNCS)
@pytest.mark.parametrize("at", [0.7, 1.9])
def test_module_functions_dispatch(fn, ref, dref, at: float) -> None:  # type: ignore[no-untyped-def]
    assert fn(at) == pytest.approx(ref(at), rel=1e-15)
    assert isinstance(fn(at), float)
    d = fn(Dual(at, 1.0))
    assert isinstance(d, Dual)
    assert d.der == pytest.approx(dref(at), rel=1e-14)
    v = Value(at)
    out = fn(v)
    assert isinstance(out, Value)
    out.backward()
    assert v.grad == pytest.approx(dref(at), rel=1e-14)


def test_module_maximum_and_validation() -> None:
    assert maximum(1.0, 2.0) == 2.0
    assert maximum(Dual(1.0, 1.0), 0.5).der == 1.0
    assert maximum(0.5, Dual(1.0, 1.0)).der == 1.0
    v = Value(-1.0)
    out = maximum(0.0, v)
    assert isinstance(out, Value)
    out.backward()
    assert (out.data, v.grad) == (0.0, 0.0)
    with pytest.raises(TypeError, match=r"sin: argument 'x'.*Value, a Dual or a real number"):
        sin("x")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"maximum"):
        maximum([1.0], 2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"log.*positive"):
        log(-2.0)
    # a stable sigmoid: no overflow far from 0
    assert sigmoid(-1000.0) == 0.0
    assert sigmoid(1000.0) == 1.0


def test_same_function_runs_in_both_modes() -> None:
    # f(x, y) = x sin(y) + exp(x - y) / y at (0.5, 1.5):
    # df/dx = sin y + exp(x - y) / y;  df/dy = x cos y - exp(x - y) / y - exp(x - y) / y^2.
    def f(x, y):  # type: ignore[no-untyped-def]
        return x * sin(y) + exp(x - y) / y

    x0, y0 = 0.5, 1.5
    e = math.exp(x0 - y0)
    dfdx = math.sin(y0) + e / y0
    dfdy = x0 * math.cos(y0) - e / y0 - e / y0**2
    vx, vy = Value(x0), Value(y0)
    out = f(vx, vy)
    out.backward()
    assert (vx.grad, vy.grad) == (pytest.approx(dfdx), pytest.approx(dfdy))
    assert f(Dual(x0, 1.0), Dual(y0, 0.0)).der == pytest.approx(dfdx)
    assert f(Dual(x0, 0.0), Dual(y0, 1.0)).der == pytest.approx(dfdy)
    assert f(x0, y0) == pytest.approx(out.data)
