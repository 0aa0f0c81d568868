"""The error function and the standard normal CDF in plain NumPy (GELU needs them).

NumPy has no ``erf`` and SciPy is not a dependency of the course, so the exact GELU
``x * Phi(x)`` is built here on W. J. Cody's rational Chebyshev approximations ("Rational
Chebyshev approximations for the error function", Mathematics of Computation 23, 1969,
pp. 631-637; the coefficients are those of the public-domain SPECFUN routine ``CALERF``).
Three intervals of ``|u|`` are used: ``[0, 0.46875]`` (erf directly), ``(0.46875, 4]`` and
``(4, inf)`` (erfc as ``exp(-u**2)`` times a rational function). ``erf`` agrees with the C
library's to about 1e-16 absolute and ``erfc`` to better than 1e-13 relative (the test-suite checks
both on a dense grid against :mod:`math`). Elements are routed to their interval with index arrays
(``take``/``put``), which is several times faster than boolean masks or ``np.vectorize(math.erf)``
(about 240 ns per element here, against roughly 40-90 ns).

Working with ``erfc`` rather than ``1 - erf`` keeps the *relative* accuracy of
``Phi(x) = erfc(-x / sqrt(2)) / 2`` for very negative ``x``, where ``Phi`` is tiny.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Float64Array = NDArray[np.float64]

# erf(u) = u * A(u^2) / B(u^2) on |u| <= 0.46875 (coefficients listed from the constant term up).
_A = (3.20937758913846947e03, 3.77485237685302021e02, 1.13864154151050156e02,
      3.16112374387056560e00, 1.85777706184603153e-1)  # fmt: skip
_B = (2.84423683343917062e03, 1.28261652607737228e03, 2.44024637934444173e02,
      2.36012909523441209e01, 1.0)  # fmt: skip
# erfc(u) = exp(-u^2) * C(u) / D(u) on 0.46875 < u <= 4.
_C = (1.23033935479799725e03, 2.05107837782607147e03, 1.71204761263407058e03,
      8.81952221241769090e02, 2.98635138197400131e02, 6.61191906371416295e01,
      8.88314979438837594e00, 5.64188496988670089e-1, 2.15311535474403846e-8)  # fmt: skip
_D = (1.23033935480374942e03, 3.43936767414372164e03, 4.36261909014324716e03,
      3.29079923573345963e03, 1.62138957456669019e03, 5.37181101862009858e02,
      1.17693950891312499e02, 1.57449261107098347e01, 1.0)  # fmt: skip
# erfc(u) = exp(-u^2) / u * (1/sqrt(pi) - s * P(s) / Q(s)) with s = 1/u^2 on u > 4.
_P = (6.58749161529837803e-4, 1.60837851487422766e-2, 1.25781726111229246e-1,
      3.60344899949804439e-1, 3.05326634961232344e-1, 1.63153871373020978e-2)  # fmt: skip
_Q = (2.33520497626869185e-3, 6.05183413124413191e-2, 5.27905102951428412e-1,
      1.87295284992346047e00, 2.56852019228982242e00, 1.0)  # fmt: skip

_INV_SQRT_PI = 0.56418958354775628695
_SMALL = 0.46875
_MIDDLE = 4.0
_BIG = 26.543  # erfc(u) underflows to 0 in float64 beyond this
_SQRT_HALF = 0.70710678118654752440
_INV_SQRT_2PI = 0.39894228040143267794


def _poly(coeffs: tuple[float, ...], t: Float64Array) -> Float64Array:
    """Evaluate ``sum_k coeffs[k] * t**k`` by Horner's rule."""
    acc = np.full_like(t, coeffs[-1])
    for c in coeffs[-2::-1]:
        acc *= t
        acc += c
    return acc


def _erfc_abs(y: Float64Array) -> Float64Array:
    """``erfc(y)`` for a 1-D array of ``y > 0.46875`` (intervals two and three)."""
    out = np.zeros_like(y)
    mid = np.flatnonzero(y <= _MIDDLE)
    ym = y.take(mid)
    num, den = _poly(_C, ym), _poly(_D, ym)
    np.multiply(ym, ym, out=ym)
    np.negative(ym, out=ym)
    np.exp(ym, out=ym)
    np.put(out, mid, ym * num / den)
    tail = np.flatnonzero((y > _MIDDLE) & (y < _BIG))
    if tail.size:
        yt = y.take(tail)
        s = 1.0 / (yt * yt)
        value = np.exp(-(yt * yt)) / yt * (_INV_SQRT_PI - s * _poly(_P, s) / _poly(_Q, s))
        np.put(out, tail, value)
    return out


def erfc(u: NDArray[np.floating[Any]]) -> Float64Array:
    """Complementary error function ``erfc(u) = 1 - erf(u)``, elementwise, in float64.

    Parameters
    ----------
    u : ndarray of any shape
        Real arguments (any floating dtype; NaN propagates).

    Returns
    -------
    ndarray of the same shape, float64
        Values in ``[0, 2]``, with full relative accuracy also where ``erfc(u)`` is tiny.
    """
    u64 = np.asarray(u, dtype=np.float64)
    flat = u64.ravel()
    y = np.abs(flat)
    out = np.empty_like(flat)
    small = np.flatnonzero(y <= _SMALL)
    us = flat.take(small)
    t = us * us
    np.put(out, small, 1.0 - us * _poly(_A, t) / _poly(_B, t))
    large = np.flatnonzero(y > _SMALL)
    tail = _erfc_abs(y.take(large))
    negative = np.flatnonzero(flat.take(large) < 0.0)
    np.put(tail, negative, 2.0 - tail.take(negative))
    np.put(out, large, tail)
    np.put(out, np.flatnonzero(np.isnan(flat)), np.nan)
    return out.reshape(u64.shape)


def erf(u: NDArray[np.floating[Any]]) -> Float64Array:
    """Error function ``erf(u) = 2/sqrt(pi) * integral_0^u exp(-t**2) dt``, elementwise, float64.

    Parameters
    ----------
    u : ndarray of any shape

    Returns
    -------
    ndarray of the same shape, float64, values in ``[-1, 1]``
    """
    u64 = np.asarray(u, dtype=np.float64)
    flat = u64.ravel()
    y = np.abs(flat)
    out = np.empty_like(flat)
    small = np.flatnonzero(y <= _SMALL)
    us = flat.take(small)
    t = us * us
    np.put(out, small, us * _poly(_A, t) / _poly(_B, t))
    large = np.flatnonzero(y > _SMALL)
    value = 1.0 - _erfc_abs(y.take(large))
    np.put(out, large, np.copysign(value, flat.take(large)))
    np.put(out, np.flatnonzero(np.isnan(flat)), np.nan)
    return out.reshape(u64.shape)


def normal_cdf(x: NDArray[np.floating[Any]]) -> Float64Array:
    """Standard normal CDF ``Phi(x) = erfc(-x / sqrt(2)) / 2``, elementwise, float64.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape, float64, values in ``[0, 1]``
    """
    return 0.5 * erfc(-_SQRT_HALF * np.asarray(x, dtype=np.float64))


def normal_pdf(x: NDArray[np.floating[Any]]) -> Float64Array:
    """Standard normal density ``phi(x) = exp(-x**2 / 2) / sqrt(2 pi)``, elementwise, float64.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape, float64
    """
    x64 = np.asarray(x, dtype=np.float64)
    return _INV_SQRT_2PI * np.exp(-0.5 * (x64 * x64))
