"""A deliberately naive, independent finite-difference oracle for the test-suite.

It shares no code with ``autograder.student.gradcheck`` (which it helps to test) or with
``solutions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centred differences of scalar ``f`` at ``x`` (float64), one entry at a time."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = float(f(x))
        x[idx] = old - h
        minus = float(f(x))
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def assert_grad_close(analytic: Any, numeric: Any, f_scale: float = 1.0) -> None:
    """The rule of docs/architecture.md: ``|a-n| <= 1e-8*max(1,|f|) + 1e-5*max(|a|,|n|)``."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    assert a.shape == n.shape, f"shape {a.shape} != {n.shape}"
    bound = 1e-8 * max(1.0, abs(f_scale)) + 1e-5 * np.maximum(np.abs(a), np.abs(n))
    bad = np.abs(a - n) > bound
    assert not bad.any(), (
        f"{int(bad.sum())} of {a.size} entries differ; worst |a-n| = {np.abs(a - n).max():.3e}"
    )
