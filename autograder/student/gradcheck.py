"""Numeric gradient checks in float64, with reports a student can act on.

The pass rule (measured, see docs/architecture.md, Gradient checks) is entrywise::

    |a - n| <= ABS_FLOOR * max(1, |f|) + REL_TOL * max(|a|, |n|)

where ``a`` is the analytic gradient, ``n`` the centred difference and ``f`` the function's value.
The absolute floor keeps tiny entries (where round-off dominates) from failing a correct answer,
which the bare ``|a - n| / (|a| + |n|)`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograder.student.hints import diagnose

ABS_FLOOR = 1e-8
REL_TOL = 1e-5
DEFAULT_STEP = 1e-6

FloatArray = NDArray[np.float64]


def numeric_gradient(
    f: Callable[[FloatArray], Any], x: NDArray[Any], h: float = DEFAULT_STEP
) -> FloatArray:
    """Centred-difference gradient of a scalar function, one entry at a time, in float64.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It is called with a float64 copy of ``x`` that is perturbed in place.
    x : ndarray of any shape
        The point; it is never modified.
    h : float, default 1e-6
        Step. In float64 and with entries of order one, 1e-6 to 1e-5 balances truncation
        (``O(h^2)``) against round-off (``O(eps / h)``).

    Returns
    -------
    ndarray of float64, shape of ``x``
    """
    work = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(work)
    for idx in np.ndindex(*work.shape):
        old = work[idx]
        work[idx] = old + h
        f_plus = float(f(work))
        work[idx] = old - h
        f_minus = float(f(work))
        work[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


def error_ratio(analytic: NDArray[Any], numeric: NDArray[Any], f_value: float = 1.0) -> FloatArray:
    """Each entry's error divided by its allowed error; an entry passes when its ratio is <= 1.

    Parameters
    ----------
    analytic, numeric : ndarray, same shape
    f_value : float
        The function's value at the point (scales the absolute floor).

    Returns
    -------
    ndarray of float64, same shape
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    allowed = ABS_FLOOR * max(1.0, abs(float(f_value))) + REL_TOL * np.maximum(np.abs(a), np.abs(n))
    with np.errstate(invalid="ignore"):
        ratio = np.abs(a - n) / allowed
    return np.where(np.isfinite(ratio), ratio, np.inf)


@dataclass
class GradCheckResult:
    """Outcome of comparing an analytic gradient with a numeric one.

    Attributes
    ----------
    name : str
        The tensor's name, e.g. ``"dW"``.
    ok : bool
        Whether every entry passed.
    num_bad, size : int
        Failing entries and all entries.
    max_rel_error : float
        ``max |a - n| / max(|a|, |n|, 1e-12)`` over entries (a summary number, not the rule).
    worst : list of (index, numeric, analytic)
        Up to three worst entries by error ratio.
    hint : str or None
        A diagnosis of the error's shape (constant factor, sign, transpose, zero, one row/column).
    """

    name: str
    ok: bool
    num_bad: int
    size: int
    max_rel_error: float
    worst: list[tuple[tuple[int, ...], float, float]] = field(default_factory=list)
    hint: str | None = None

    def message(self) -> str:
        """A one-paragraph report: which tensor, how many entries, the worst ones, the hint."""
        if self.ok:
            return f"{self.name}: gradient check passed ({self.size} entries)"
        lines = [
            f"{self.name}: {self.num_bad} of {self.size} entries disagree with finite differences "
            f"(max relative error {self.max_rel_error:.2e})"
        ]
        for idx, num, ana in self.worst:
            lines.append(f"  at {list(idx)}: finite differences {num:.6g}, your gradient {ana:.6g}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


def compare_gradients(
    name: str,
    analytic: Any,
    numeric: Any,
    f_value: float = 1.0,
    context: dict[str, Any] | None = None,
) -> GradCheckResult:
    """Compare an analytic gradient with a numeric one under the module's pass rule.

    Parameters
    ----------
    name : str
        Tensor name for the report.
    analytic, numeric : array_like
        Must have the same shape; a different shape fails with a hint.
    f_value : float
        The function's value at the point.
    context : dict, optional
        Extra facts for :func:`autograder.student.hints.diagnose` (e.g. the batch size ``N``).

    Returns
    -------
    GradCheckResult
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        hint = diagnose(n, a, context)
        return GradCheckResult(name, False, n.size, n.size, float("inf"), [], hint)
    ratio = error_ratio(a, n, f_value)
    bad = ratio > 1.0
    denom = np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-12)
    with np.errstate(invalid="ignore", over="ignore"):
        rel = np.abs(a - n) / denom
    rel = np.where(np.isnan(rel), np.inf, rel)
    max_rel = float(rel.max()) if rel.size else 0.0
    if not np.isfinite(a).all():
        max_rel = float("inf")
    worst_flat = np.argsort(ratio, axis=None)[::-1][: min(3, int(bad.sum()))]
    worst = [
        (tuple(int(i) for i in np.unravel_index(k, a.shape)), float(n.flat[k]), float(a.flat[k]))
        for k in worst_flat
    ]
    hint = diagnose(n, a, context) if bad.any() else None
    return GradCheckResult(name, not bad.any(), int(bad.sum()), int(a.size), max_rel, worst, hint)


def check_gradient(
    f: Callable[[FloatArray], Any],
    x: NDArray[Any],
    analytic: Any,
    *,
    name: str = "gradient",
    h: float = DEFAULT_STEP,
) -> GradCheckResult:
    """Check ``analytic`` against centred differences of ``f`` at ``x`` (all entries).

    Use it on small shapes; for networks prefer :func:`check_directional`.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : ndarray
        Point; not modified.
    analytic : ndarray, shape of ``x``
        The gradient to check.
    name : str
        Tensor name for the report.
    h : float
        Step.

    Returns
    -------
    GradCheckResult
    """
    f_value = float(f(np.array(x, dtype=np.float64)))
    return compare_gradients(name, analytic, numeric_gradient(f, x, h), f_value)


def check_directional(
    f: Callable[[FloatArray], Any],
    x: NDArray[Any],
    analytic: Any,
    rng: np.random.Generator,
    *,
    name: str = "gradient",
    directions: int = 3,
    h: float = DEFAULT_STEP,
) -> GradCheckResult:
    """Check directional derivatives ``g . u`` along random unit directions ``u``.

    Costs ``2 * directions`` evaluations of ``f`` whatever the size of ``x``, and catches an
    error in a single entry of a large gradient that sampling a few entries would miss.

    Returns
    -------
    GradCheckResult
        With ``size = directions`` and entries indexed by direction.
    """
    base = np.array(x, dtype=np.float64)
    g = np.asarray(analytic, dtype=np.float64)
    f_value = float(f(base.copy()))
    numeric, projected = [], []
    for _ in range(directions):
        u = rng.standard_normal(base.shape)
        u /= np.linalg.norm(u) or 1.0
        numeric.append((float(f(base + h * u)) - float(f(base - h * u))) / (2 * h))
        projected.append(float(np.sum(g * u)) if g.shape == base.shape else float("nan"))
    result = compare_gradients(name, np.array(projected), np.array(numeric), f_value)
    if g.shape != base.shape:
        result.hint = f"{name} has shape {g.shape}, expected {base.shape}"
    return result
