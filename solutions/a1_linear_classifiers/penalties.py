"""Weight penalties: L1 (lasso) and L2 (ridge / weight decay), value and gradient."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array, check_positive

FloatArray = NDArray[np.floating[Any]]


def l1_penalty(W: FloatArray, reg: float) -> tuple[float, FloatArray]:
    """L1 penalty ``reg * sum(|W|)`` and its (sub)gradient ``reg * sign(W)`` (0 at 0).

    Parameters
    ----------
    W : ndarray of any shape
    reg : float
        Strength (>= 0).

    Returns
    -------
    value : float
    grad : ndarray, same shape and dtype as ``W``
    """
    as_float_array(W, "l1_penalty", "W")
    check_positive(reg, "l1_penalty", "reg", allow_zero=True)
    return reg * float(np.sum(np.abs(W))), (reg * np.sign(W)).astype(W.dtype, copy=False)


def l2_penalty(W: FloatArray, reg: float) -> tuple[float, FloatArray]:
    """L2 penalty ``0.5 * reg * sum(W**2)`` and its gradient ``reg * W``.

    Parameters
    ----------
    W : ndarray of any shape
    reg : float
        Strength (>= 0).

    Returns
    -------
    value : float
    grad : ndarray, same shape and dtype as ``W``
    """
    as_float_array(W, "l2_penalty", "W")
    check_positive(reg, "l2_penalty", "reg", allow_zero=True)
    return 0.5 * reg * float(np.sum(W * W)), (reg * W).astype(W.dtype, copy=False)
