"""Argument checks shared by the a1 loss functions."""

from __future__ import annotations

from typing import Any

import numpy as np

from solutions._validation import as_float_array, as_label_array, check_positive


def check_linear_loss_args(func: str, W: Any, X: Any, y: Any, reg: Any) -> None:
    """Validate ``(W, X, y, reg)`` of a linear-classifier loss.

    ``W`` must be ``(D, C)``, ``X`` ``(N, D)``, ``y`` integer ``(N,)`` in ``[0, C)`` and ``reg``
    a number ``>= 0``; ``W`` and ``X`` floating point.

    Raises
    ------
    TypeError, ValueError
        Naming ``func`` and the offending argument.
    """
    as_float_array(W, func, "W", ndim=2)
    as_float_array(X, func, "X", ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"{func}: X has shape {X.shape} (N, D) but W has shape {W.shape}; expected W of shape "
            f"(D, C) = ({X.shape[1]}, C). Did you forget the bias column, or pass W transposed?"
        )
    as_label_array(y, func, "y", num_classes=W.shape[1])
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{func}: X has {X.shape[0]} rows but y has {y.shape[0]} labels; expected one per row"
        )
    if X.shape[0] == 0:
        raise ValueError(f"{func}: X has no rows; the mean loss over an empty batch is undefined")
    check_positive(reg, func, "reg", allow_zero=True)


def result_dtype(W: np.ndarray, X: np.ndarray) -> np.dtype[Any]:
    """The dtype a loss computes and returns in: the wider of ``W``'s and ``X``'s dtypes."""
    return np.result_type(W.dtype, X.dtype)
