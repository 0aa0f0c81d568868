"""Private helpers shared by the a4 modules: type aliases, small activations, integer checks.

The activations here are a deliberately small, self-contained table (forward value and the
derivative expressed through the forward pass), so that a4 does not depend on the details of a3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.floating[Any]]

# name -> (forward g(a), derivative g'(a) computed from (a, g(a)))
_Act = tuple[Callable[[FloatArray], FloatArray], Callable[[FloatArray, FloatArray], FloatArray]]


def _sigmoid(a: FloatArray) -> FloatArray:
    # Stable on both tails: exp of a non-positive number only.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(a.dtype, copy=False)


ACTIVATIONS: dict[str, _Act] = {
    "linear": (lambda a: a.copy(), lambda a, h: np.ones_like(a)),
    "relu": (lambda a: np.maximum(a, 0), lambda a, h: (a > 0).astype(a.dtype)),
    "leaky_relu": (
        lambda a: np.where(a > 0, a, 0.01 * a).astype(a.dtype, copy=False),
        lambda a, h: np.where(a > 0, 1.0, 0.01).astype(a.dtype),
    ),
    "tanh": (np.tanh, lambda a, h: 1 - h * h),
    "sigmoid": (_sigmoid, lambda a, h: h * (1 - h)),
}
"""Supported activation names. ``relu'(0) = 0`` and ``leaky_relu'(0) = 0.01`` by convention."""


def get_activation(name: Any, func: str, arg: str = "activation") -> _Act:
    """Look up an activation by name, with an error naming ``func`` and ``arg`` when unknown."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            f"{func}: argument '{arg}' must be one of {sorted(ACTIVATIONS)}, got {name!r}"
        )
    return ACTIVATIONS[name]


def check_int(
    value: Any, func: str, name: str, *, minimum: int = 1, maximum: int | None = None
) -> int:
    """Check that ``value`` is an integer (not a bool) in ``[minimum, maximum]`` and return it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{func}: argument '{name}' must be an integer, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum}"
        raise ValueError(f"{func}: argument '{name}' must be >= {minimum}{upper}, got {value!r}")
    return int(value)


def check_number(value: Any, func: str, name: str) -> float:
    """Check that ``value`` is a finite real number and return it as ``float``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: argument '{name}' must be a number, got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{func}: argument '{name}' must be finite, got {value!r}")
    return float(value)


def check_same_shape(func: str, **arrays: np.ndarray) -> None:
    """Check that every named array has the same shape, naming each one otherwise."""
    shapes = {name: a.shape for name, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        shown = ", ".join(f"'{k}' has shape {v}" for k, v in shapes.items())
        raise ValueError(f"{func}: arguments must have the same shape, but {shown}")
