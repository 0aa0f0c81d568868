"""Numerical differentiation and the error measure used to compare gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from solutions._validation import as_float_array, check_positive
from solutions.a2_autodiff._scalar import describe, is_real

__all__ = ["numerical_gradient", "relative_error"]

FloatArray = NDArray[np.floating[Any]]


def _scalar_output(out: object, dtype: np.dtype[Any]) -> np.floating[Any]:
    """Check that ``f`` returned one real number and convert it to ``dtype``."""
    if isinstance(out, np.ndarray) and out.ndim == 0 and out.dtype.kind in "iuf":
        return dtype.type(out[()])
    if is_real(out):
        return dtype.type(out)
    if isinstance(out, (np.ndarray, list, tuple)):
        raise ValueError(
            f"numerical_gradient: f must return a single real number, got {describe(out)}"
            + (f" of length {len(out)}" if isinstance(out, (list, tuple)) else "")
            + "; if f returns (loss, grad), wrap it: lambda x: f(x)[0]"
        )
    raise TypeError(f"numerical_gradient: f must return a real number, got {describe(out)}")


def numerical_gradient(
    f: Callable[[FloatArray], float], x: FloatArray, h: float = 1e-5
) -> FloatArray:
    """Gradient of a scalar function by centred differences, one entry of ``x`` at a time.

    ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)``. The error of this formula is ``O(h**2)``
    (the even terms of the Taylor series cancel), so it is exact up to round-off for a quadratic
    ``f``, whose third derivative vanishes.

    ``x`` is perturbed IN PLACE, one entry at a time, so ``f`` may ignore its argument and read
    ``x`` through a closure (``lambda _: loss(W)`` with ``x = W``). Every entry is put back
    exactly (bit for bit) right after its two evaluations, also when ``f`` raises.

    Everything is computed in ``x``'s dtype: the perturbed entry ``x[i] +- h`` is rounded to that
    dtype, ``f``'s result is converted to it and the difference quotient is formed in it. With
    float32 the rounding error ``~ eps * |f| / h`` is large for every ``h``; use float64 for
    gradient checks.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``: a scalar function of an array shaped like ``x``.
    x : ndarray of any shape, floating point
        The point; must be writeable. Unchanged on return.
    h : float, default 1e-5
        Step (> 0).

    Returns
    -------
    ndarray, same shape and dtype as ``x``
        The estimated gradient ``df/dx``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a floating-point array, ``h`` is not a number or
        ``f`` returns something other than a real number.
    ValueError
        If ``h <= 0``, ``x`` is read-only or ``f`` returns an array or sequence.
    """
    func = "numerical_gradient"
    if not callable(f):
        raise TypeError(f"{func}: argument 'f' must be callable, got {describe(f)}")
    as_float_array(x, func, "x")
    check_positive(h, func, "h")
    if not x.flags.writeable:
        raise ValueError(
            f"{func}: argument 'x' is read-only; pass a writeable array (e.g. x.copy()) because "
            "it is perturbed in place"
        )
    dtype = x.dtype
    step = dtype.type(h)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + step
            f_plus = _scalar_output(f(x), dtype)
            x[idx] = original - step
            f_minus = _scalar_output(f(x), dtype)
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (step + step)
    return grad


def _as_real_array(a: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(a)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"relative_error: argument '{name}' must hold real numbers (an int or float array or "
            f"a number), got {describe(a)} of dtype {arr.dtype}"
        )
    return arr.astype(np.float64, copy=False)


def relative_error(a: ArrayLike, b: ArrayLike, *, floor: float = 1e-12) -> float:
    """Max-norm relative error between two arrays, with a floor on the scale.

    Defined as::

        max_i |a_i - b_i| / max(max_i |a_i|, max_i |b_i|, floor)

    i.e. the largest entrywise difference measured against the largest magnitude present in
    either array (never less than ``floor``).

    Why this form:

    - it is 0 exactly when ``a == b`` (including two all-zero arrays) and never divides by zero,
      since the denominator is at least ``floor > 0``;
    - it is symmetric in ``a`` and ``b``;
    - it is scale-invariant (``relative_error(c*a, c*b) == relative_error(a, b)``) as long as the
      arrays' largest magnitude stays above ``floor``; below it, differences are measured in
      units of ``floor``, so two arrays that are both essentially zero count as agreeing;
    - the scale is the largest magnitude of the whole array, not of each entry, so tiny entries
      that are off by round-off (a correct gradient entry of 1e-9 estimated as 1.1e-9) do not
      make a correct gradient look wrong, as the entrywise ``|a-b| / (|a|+|b|)`` does.

    Parameters
    ----------
    a, b : array_like of real numbers, same shape
        For instance an analytic and a numerical gradient. Numbers are accepted as 0-d arrays.
    floor : float, default 1e-12
        Smallest scale used in the denominator (> 0).

    Returns
    -------
    float
        In ``[0, 2]`` (``max|a-b| <= 2 max(|a|, |b|)``); NaN if either array holds a NaN or if
        an infinite entry differs from its partner (so a check never passes on them); 0.0 for
        two empty arrays.

    Raises
    ------
    TypeError
        If an argument does not hold real numbers.
    ValueError
        If the shapes differ (no broadcasting) or ``floor <= 0``.
    """
    A = _as_real_array(a, "a")
    B = _as_real_array(b, "b")
    check_positive(floor, "relative_error", "floor")
    if A.shape != B.shape:
        raise ValueError(
            f"relative_error: arguments 'a' and 'b' must have the same shape, got {A.shape} and "
            f"{B.shape}"
        )
    if A.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        # Equal entries (also equal infinities) contribute exactly 0, never inf - inf = NaN.
        diff = float(np.max(np.where(A == B, 0.0, np.abs(A - B))))
        scale = max(float(np.max(np.abs(A))), float(np.max(np.abs(B))), float(floor))
    if np.isnan(diff) or np.isinf(diff):
        return float("nan")
    return diff / scale
