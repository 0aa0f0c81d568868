"""Diagnoses of a wrong array: the telltale shapes of common bugs, in words a student can act on.

:func:`diagnose` looks at *how* an answer differs from the expected one, never at why, so the
same rules serve every assignment: a shape that is the transpose or the flattening of the expected
one, an answer that is exactly zero (never written), a constant factor (2, N, K, N*K, 1/N, -1), a
constant added to every entry, a transpose of a square answer, NaN or infinity, a history shifted
by a step, and a difference confined to one row or column. A cause is named only when it fits the
part and the data (the case's ``N`` and ``K``, a penalty with ``reg > 0``, the part's facts);
otherwise the message shows expected against got and no guess.
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


def _named_factors(context: dict[str, Any]) -> list[tuple[float, str]]:
    """The factors that have a known cause in this part, each with its cause.

    A cause is named only where it can happen: the batch size ``N`` and the entries per sample
    ``K`` where the case has them, the L2 penalty's 1/2 where ``reg > 0``, the derivative of a
    square where the part's facts say it squares something (``"square"``), the mean over all
    ``N*K`` entries (``"mean_entries"``) or over the ``N`` samples only (``"mean_samples"``).
    """
    n, k = context.get("N"), context.get("K")
    facts = set(context.get("facts", ()))
    twice = ["a term counted twice"]
    if context.get("reg"):
        twice.insert(0, "the 1/2 of the L2 penalty dropped")
    half = ["a factor 2 missing"]
    if "square" in facts:
        half = ["a factor 2 missing (the derivative of x**2 is 2x)"]
    named = [
        (-1.0, "flipped sign: check the direction of the update or a missing minus"),
        (2.0, "twice the expected value: " + " or ".join(twice) + "?"),
        (0.5, "half the expected value: " + " or ".join(half) + "?"),
    ]
    if n and n > 1:
        named += [
            (float(n), f"N = {n} times too large: did you forget to average over the batch?"),
            (1.0 / n, f"N = {n} times too small: did you divide by the batch size twice?"),
        ]
    if k and k > 1 and "mean_entries" in facts:
        named.append(
            (
                float(k),
                f"K = {k} times too large: averaged over the N samples only, but this loss "
                "averages over all N*K entries",
            )
        )
        if n and n > 1:
            named.append(
                (float(n * k), f"N*K = {n * k} times too large: average over all N*K entries")
            )
    if k and k > 1 and "mean_samples" in facts:
        named.append(
            (
                1.0 / k,
                f"K = {k} times too small: this loss averages over the N samples only, "
                "not over all N*K entries",
            )
        )
    return named


def _factor_hint(ratio: float, context: dict[str, Any], *, scalar: bool = False) -> str | None:
    """The cause of a constant factor, several when they coincide, or the bare factor.

    A scalar has a ratio to any expected value, so for a scalar only a named cause is a hint.
    """
    matches = [
        text
        for value, text in _named_factors(context)
        if abs(ratio - value) <= _FACTOR_TOL * max(1.0, abs(value))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        return f"off by a factor {ratio:.6g}, which fits several causes: " + "; or ".join(matches)
    if scalar:
        return None
    if context.get("hidden"):
        return "every entry is off by the same factor"
    return f"every entry is off by the same factor {ratio:.6g}"


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


def _additive_hint(expected: np.ndarray, got: np.ndarray, context: dict[str, Any]) -> str | None:
    """Every entry off by the same nonzero amount (arrays of two or more entries only)."""
    if expected.size < 2:
        return None
    diff = got - expected
    d0 = float(np.median(diff))
    scale = max(1.0, float(np.abs(expected).max()))
    if abs(d0) <= 1e-9 * scale or not np.allclose(diff, d0, rtol=1e-6, atol=1e-9 * scale):
        return None
    amount = "" if context.get("hidden") else f" {d0:.6g}"
    return (
        f"every entry is off by the same amount{amount} (added, not multiplied): "
        "a constant term too many or missing?"
    )


def _row_col_hint(
    expected: np.ndarray, got: np.ndarray, rtol: float = 1e-5, atol: float = 1e-8
) -> str | None:
    """ "only row k differs" when every other entry passes the check's own tolerance."""
    if expected.ndim != 2 or min(expected.shape) < 2:
        return None
    bad = ~np.isclose(got, expected, rtol=rtol, atol=atol)
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
    hint = _factor_hint(ratio, context)
    return None if hint is None else "the data term (without the penalty's reg * W): " + hint


def _shift_hint(expected: np.ndarray, got: np.ndarray, context: dict[str, Any]) -> str | None:
    """A history that is the expected one shifted by one step (recorded after an update)."""
    if "history" not in str(context.get("output", "")) or expected.ndim != 1 or expected.size < 3:
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
        ``N`` (batch size), ``K`` (entries per sample), ``reg`` and ``W`` (to recognise a
        missing penalty), ``facts`` (what the part computes: ``"square"``, ``"mean_entries"``,
        ``"mean_samples"``, ``"exp"``, ``"softmax"``), ``output`` (the checked output's name;
        a ``history`` may be shifted by a step), ``hidden`` (true for a hidden case: no hint
        may then reveal a number derived from its values) and ``rtol``/``atol`` (the check's
        tolerance: a row or column is "the only one that differs" only if the rest pass it).

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
        facts = set(ctx.get("facts", ()))
        text = "contains NaN or infinity: an overflow, a division by 0 or the log of 0?"
        if "softmax" in facts:
            text += " Use the stable form: subtract the row maximum before exponentiating"
        elif "exp" in facts:
            text += " Exponentiate only numbers <= 0 (rewrite exp(x) for large x)"
        return text
    if e.size and np.all(g == 0) and np.any(e != 0):
        return "exactly zero: is the result ever computed, updated or accumulated into?"
    reg_hint = _regularisation_hint(e, g, ctx)
    if reg_hint:
        return reg_hint
    ratio = _constant_factor(e, g)
    if ratio is not None and abs(ratio - 1.0) > _FACTOR_TOL:
        factor = _factor_hint(ratio, ctx, scalar=e.size == 1)
        if factor:
            return factor
    data_hint = _data_term_factor(e, g, ctx)
    if data_hint:
        return data_hint
    additive = _additive_hint(e, g, ctx)
    if additive:
        return additive
    shifted = _shift_hint(e, g, ctx)
    if shifted:
        return shifted
    if e.ndim == 2 and e.shape[0] == e.shape[1] and e.shape[0] > 1 and _close(g, e.T):
        return "this is the transpose of the expected matrix"
    return _row_col_hint(e, g, ctx.get("rtol", 1e-5), ctx.get("atol", 1e-8))
