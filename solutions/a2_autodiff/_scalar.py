"""Scalar helpers shared by :class:`Value`, :class:`Dual` and the module-level functions.

Each elementary function is written once here, as a pair ``(value, local derivative)`` on plain
Python floats, so that the reverse-mode and forward-mode engines cannot disagree about a formula
or a convention (``relu'(0) = 0``, ties of ``maximum`` split the gradient in half).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

__all__ = ["UNARY", "describe", "is_real", "log_rule", "maximum_rule", "power_rule", "sigmoid"]


def is_real(x: object) -> bool:
    """Whether ``x`` is a plain real number (Python or NumPy int/float scalar, but not a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def describe(x: object) -> str:
    """A short description of ``x`` for error messages."""
    shape = getattr(x, "shape", None)
    if shape is not None:
        return f"{type(x).__name__} of shape {shape} and dtype {getattr(x, 'dtype', '?')}"
    return type(x).__name__


def sigmoid(x: float) -> float:
    """Logistic function ``1 / (1 + exp(-x))`` without overflow for any finite ``x``.

    For ``x < 0`` the equivalent form ``exp(x) / (1 + exp(x))`` is used, so ``exp`` only ever
    sees a non-positive argument.
    """
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _exp_rule(x: float) -> tuple[float, float]:
    e = math.exp(x)
    return e, e


def _tanh_rule(x: float) -> tuple[float, float]:
    t = math.tanh(x)
    return t, 1.0 - t * t


def _sigmoid_rule(x: float) -> tuple[float, float]:
    s = sigmoid(x)
    return s, s * (1.0 - s)


def _relu_rule(x: float) -> tuple[float, float]:
    # The kink at 0 gets derivative 0 (the convention of the lecture notes and of PyTorch).
    return (x, 1.0) if x > 0 else (0.0, 0.0)


def _sin_rule(x: float) -> tuple[float, float]:
    return math.sin(x), math.cos(x)


def _cos_rule(x: float) -> tuple[float, float]:
    return math.cos(x), -math.sin(x)


def log_rule(x: float, func: str) -> tuple[float, float]:
    """``(log x, 1 / x)``; a non-positive ``x`` raises a ``ValueError`` naming ``func``."""
    if x <= 0:
        raise ValueError(f"{func}: log is only defined for positive numbers, got {x!r}")
    return math.log(x), 1.0 / x


def power_rule(x: float, p: float, func: str) -> tuple[float, float]:
    """``(x ** p, p * x ** (p - 1))`` for a constant exponent ``p``.

    Raises
    ------
    ValueError
        If ``x < 0`` and ``p`` is not an integer (the result would be complex).
    ZeroDivisionError
        If ``x == 0`` and ``p < 0``.

    Notes
    -----
    ``p == 0`` has derivative 0 everywhere; at ``x == 0`` with ``0 < p < 1`` the derivative is
    ``+inf`` (as in PyTorch).
    """
    if x < 0 and not p.is_integer():
        raise ValueError(
            f"{func}: a negative base {x!r} raised to the non-integer power {p!r} is not a real "
            "number"
        )
    if x == 0 and p < 0:
        raise ZeroDivisionError(f"{func}: 0 cannot be raised to the negative power {p!r}")
    value = x**p
    if p == 0:
        slope = 0.0
    elif x == 0 and p < 1:
        slope = math.inf
    else:
        slope = p * x ** (p - 1)
    return float(value), float(slope)


def maximum_rule(a: float, b: float) -> tuple[float, float, float]:
    """``(max(a, b), d/da, d/db)``: the larger input gets the whole gradient.

    On a tie each input gets half (as ``torch.maximum`` does), so that ``maximum(x, x)`` has
    derivative 1. A NaN input gives a NaN value.
    """
    if a > b:
        return a, 1.0, 0.0
    if b > a:
        return b, 0.0, 1.0
    value = a if a == b else math.nan
    return value, 0.5, 0.5


UNARY: dict[str, Callable[[float], tuple[float, float]]] = {
    "exp": _exp_rule,
    "tanh": _tanh_rule,
    "sigmoid": _sigmoid_rule,
    "relu": _relu_rule,
    "sin": _sin_rule,
    "cos": _cos_rule,
}
"""The unary functions whose rule needs no domain check: name -> ``x -> (f(x), f'(x))``."""
