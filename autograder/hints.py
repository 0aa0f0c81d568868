"""Diagnoses of a wrong array: the telltale shapes of common bugs, in words a student can act on.

:func:`diagnose` looks at *how* an answer differs from the expected one, never at why, so the
same rules serve every assignment: a shape that is the transpose or the flattening of the expected
one, an answer that is exactly zero (never written), a constant factor (2, N, 1/N, -1), a
transpose of a square answer, NaN or infinity (overflow), and a difference confined to one row or
column. Context (the batch size ``N``, a regularisation strength and weights) sharpens the hints.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_FACTOR_TOL = 1e-6


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _shape_hint(expected: np.ndarray, got: np.ndarray) -> str:
    if got.shape == expected.shape[::-1] and got.ndim >= 2:
        return f"shape {got.shape} is the transpose of the expected {expected.shape}"
    if got.size == expected.size:
        return (
            f"shape {got.shape} has the right number of entries but should be {expected.shape}: "
            "reshape it back (for example dx.reshape(x.shape))"
        )
    if got.ndim == 0 and expected.ndim > 0:
        return f"got a single number, expected an array of shape {expected.shape}"
    return f"shape {got.shape}, expected {expected.shape}"


def _factor_hint(ratio: float, context: dict[str, Any]) -> str:
    n = context.get("N")
    named = [
        (-1.0, "flipped sign: check the direction of the update or a missing minus"),
        (
            2.0,
            "twice the expected value: a factor 2 "
            "(the 1/2 of the L2 penalty, or a term counted twice?)",
        ),
        (0.5, "half the expected value: a missing factor 2 (the derivative of x**2 is 2x)"),
    ]
    if n and n > 2:
        named += [
            (float(n), f"N = {n} times too large: did you forget to average over the batch?"),
            (1.0 / n, f"N = {n} times too small: did you divide by the batch size twice?"),
        ]
    for value, text in named:
        if abs(ratio - value) <= _FACTOR_TOL * max(1.0, abs(value)):
            return text
    if context.get("hidden"):
        return "off by a constant factor (the same for every entry)"
    return f"off by a constant factor {ratio:.6g}"


def _constant_factor(expected: np.ndarray, got: np.ndarray) -> float | None:
    mask = np.abs(expected) > 1e-8 * max(1.0, float(np.abs(expected).max(initial=0.0)))
    if mask.sum() < 1:
        return None
    r = got[mask] / expected[mask]
    r0 = float(np.median(r))
    if r0 == 0 or not np.isfinite(r0):
        return None
    if np.allclose(r, r0, rtol=1e-6, atol=0) and np.allclose(got[~mask], 0, atol=1e-9):
        return r0
    return None


def _row_col_hint(expected: np.ndarray, got: np.ndarray) -> str | None:
    if expected.ndim != 2 or min(expected.shape) < 2:
        return None
    bad = ~np.isclose(got, expected, rtol=1e-5, atol=1e-8)
    rows = np.flatnonzero(bad.any(axis=1))
    cols = np.flatnonzero(bad.any(axis=0))
    if len(rows) == 1 and expected.shape[0] > 2:
        last = (
            " (the last row: the bias row with the bias trick?)"
            if rows[0] == expected.shape[0] - 1
            else ""
        )
        return f"only row {rows[0]} differs{last}"
    if len(cols) == 1 and expected.shape[1] > 2:
        return f"only column {cols[0]} differs"
    return None


def _regularisation_hint(
    expected: np.ndarray, got: np.ndarray, context: dict[str, Any]
) -> str | None:
    reg, W = context.get("reg"), context.get("W")
    if not reg or W is None:
        return None
    W = np.asarray(W, dtype=np.float64)
    diff = got - expected
    if expected.ndim == 0:
        penalty = 0.5 * reg * float(np.sum(W * W))
        for mult, text in (
            (-1.0, "the L2 penalty 0.5 * reg * sum(W**2) is missing from the loss"),
            (1.0, "the loss has twice the L2 penalty: it is 0.5 * reg * sum(W**2)"),
        ):
            if abs(float(diff) - mult * penalty) <= 1e-7 * max(1.0, penalty):
                return text
        return None
    if W.shape != expected.shape:
        return None
    for mult, text in (
        (-1.0, "the gradient of the penalty, reg * W, is missing"),
        (1.0, "the penalty's gradient is counted twice: it is reg * W"),
    ):
        if _close(diff, mult * reg * W):
            return text
    return None


def _data_term_factor(expected: np.ndarray, got: np.ndarray, context: dict[str, Any]) -> str | None:
    """A constant factor on the data term alone, with the penalty ``reg * W`` set aside."""
    reg, W = context.get("reg"), context.get("W")
    if not reg or W is None or np.shape(W) != expected.shape:
        return None
    penalty = reg * np.asarray(W, dtype=np.float64)
    ratio = _constant_factor(expected - penalty, got - penalty)
    if ratio is None or abs(ratio - 1.0) <= _FACTOR_TOL:
        return None
    return "the data term (without the penalty's reg * W) is " + _factor_hint(ratio, context)


def _shift_hint(expected: np.ndarray, got: np.ndarray) -> str | None:
    """A sequence that is the expected one shifted by one step (recorded after an update)."""
    if expected.ndim != 1 or expected.size < 3:
        return None
    if _close(got[:-1], expected[1:]):
        return (
            "your sequence is the expected one shifted by one step: "
            "record each value before the update"
        )
    if _close(got[1:], expected[:-1]):
        return "your sequence lags the expected one by one step"
    return None


def diagnose(expected: Any, got: Any, context: dict[str, Any] | None = None) -> str | None:
    """Say what a wrong answer's error looks like, or ``None`` when no pattern fits.

    Parameters
    ----------
    expected, got : array_like
        The correct and the submitted values.
    context : dict, optional
        ``N`` (batch size), ``reg`` and ``W`` (to recognise a missing penalty), ``hidden``
        (true for a hidden case: no hint may then reveal a number derived from its values).

    Returns
    -------
    str or None
        One short hint.
    """
    ctx = context or {}
    try:
        e = np.asarray(expected, dtype=np.float64)
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"got a {type(got).__name__}, expected numbers"
    if e.shape != g.shape:
        return _shape_hint(e, g)
    if not np.isfinite(g).all():
        return (
            "contains NaN or infinity: an overflow (in exp?); use a numerically stable form "
            "(for softmax, subtract the row maximum first)"
        )
    if e.size and np.all(g == 0) and np.any(e != 0):
        return "exactly zero: is the result ever computed, updated or accumulated into?"
    reg_hint = _regularisation_hint(e, g, ctx)
    if reg_hint:
        return reg_hint
    ratio = _constant_factor(e, g)
    if ratio is not None and abs(ratio - 1.0) > _FACTOR_TOL:
        return _factor_hint(ratio, ctx)
    data_hint = _data_term_factor(e, g, ctx)
    if data_hint:
        return data_hint
    shifted = _shift_hint(e, g)
    if shifted:
        return shifted
    if e.ndim == 2 and e.shape[0] == e.shape[1] and e.shape[0] > 1 and _close(g, e.T):
        return "this is the transpose of the expected matrix"
    return _row_col_hint(e, g)
