"""Elementary functions that accept a :class:`Value`, a :class:`Dual` or a plain number.

They let one function body run unchanged in reverse mode, in forward mode and on floats::

    def f(x):
        return [x[0] * sin(x[1]), exp(x[0] - x[1])]

``sin(v)`` is ``v.sin()`` for a Value or a Dual and ``math.sin(v)`` for a number.
"""

from __future__ import annotations

from typing import TypeVar, overload

from solutions.a2_autodiff._scalar import UNARY, describe, is_real, log_rule, maximum_rule
from solutions.a2_autodiff.dual import Dual
from solutions.a2_autodiff.value import Value

__all__ = ["cos", "exp", "log", "maximum", "relu", "sigmoid", "sin", "tanh"]

S = TypeVar("S", Value, Dual)


def _check(x: object, func: str) -> None:
    if not (isinstance(x, (Value, Dual)) or is_real(x)):
        raise TypeError(
            f"{func}: argument 'x' must be a Value, a Dual or a real number, got {describe(x)}"
        )


def _apply(name: str, x: S | float) -> S | float:
    _check(x, name)
    if isinstance(x, (Value, Dual)):
        return getattr(x, name)()
    return UNARY[name](float(x))[0]


@overload
def exp(x: S) -> S: ...
@overload
def exp(x: float) -> float: ...
def exp(x: S | float) -> S | float:
    """``e ** x`` for a Value, a Dual or a number."""
    return _apply("exp", x)


@overload
def log(x: S) -> S: ...
@overload
def log(x: float) -> float: ...
def log(x: S | float) -> S | float:
    """Natural logarithm for a Value, a Dual or a number; ``ValueError`` unless ``x > 0``."""
    _check(x, "log")
    if isinstance(x, (Value, Dual)):
        return x.log()
    return log_rule(float(x), "log")[0]


@overload
def sin(x: S) -> S: ...
@overload
def sin(x: float) -> float: ...
def sin(x: S | float) -> S | float:
    """Sine for a Value, a Dual or a number."""
    return _apply("sin", x)


@overload
def cos(x: S) -> S: ...
@overload
def cos(x: float) -> float: ...
def cos(x: S | float) -> S | float:
    """Cosine for a Value, a Dual or a number."""
    return _apply("cos", x)


@overload
def tanh(x: S) -> S: ...
@overload
def tanh(x: float) -> float: ...
def tanh(x: S | float) -> S | float:
    """Hyperbolic tangent for a Value, a Dual or a number."""
    return _apply("tanh", x)


@overload
def sigmoid(x: S) -> S: ...
@overload
def sigmoid(x: float) -> float: ...
def sigmoid(x: S | float) -> S | float:
    """Logistic sigmoid ``1 / (1 + exp(-x))`` for a Value, a Dual or a number (no overflow)."""
    return _apply("sigmoid", x)


@overload
def relu(x: S) -> S: ...
@overload
def relu(x: float) -> float: ...
def relu(x: S | float) -> S | float:
    """``max(0, x)`` for a Value, a Dual or a number (derivative 0 at 0)."""
    return _apply("relu", x)


def maximum(a: Value | Dual | float, b: Value | Dual | float) -> Value | Dual | float:
    """The larger of ``a`` and ``b``, which may be Values, Duals or numbers (not Value with Dual).

    The gradient goes to the larger input; on a tie each gets half.
    """
    _check(a, "maximum")
    _check(b, "maximum")
    if isinstance(a, (Value, Dual)):
        return a.maximum(b)  # type: ignore[arg-type]
    if isinstance(b, (Value, Dual)):
        # maximum is symmetric, including the half-and-half rule on a tie.
        return b.maximum(a)
    return maximum_rule(float(a), float(b))[0]
