"""Prediction and accuracy for a linear classifier."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array


def predict(W: NDArray[np.floating[Any]], X: NDArray[np.floating[Any]]) -> NDArray[np.int64]:
    """Predicted class of each row: ``argmax(X @ W, axis=1)``.

    Parameters
    ----------
    W : ndarray of shape (D, C)
    X : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (N,), dtype int64
    """
    as_float_array(W, "predict", "W", ndim=2)
    as_float_array(X, "predict", "X", ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"predict: X has shape {X.shape} but W has shape {W.shape}; expected (D, C)"
        )
    return np.argmax(X @ W, axis=1).astype(np.int64)


def accuracy(y_pred: NDArray[Any], y_true: NDArray[Any]) -> float:
    """Fraction of predictions equal to the labels, in ``[0, 1]``.

    Parameters
    ----------
    y_pred, y_true : ndarray of shape (N,)

    Returns
    -------
    float
    """
    y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
    if y_pred.shape != y_true.shape or y_pred.ndim != 1:
        raise ValueError(
            f"accuracy: y_pred has shape {y_pred.shape} and y_true {y_true.shape}; "
            "expected two 1-D arrays of the same length"
        )
    if y_true.size == 0:
        raise ValueError("accuracy: empty arrays; accuracy of no predictions is undefined")
    return float(np.mean(y_pred == y_true))
