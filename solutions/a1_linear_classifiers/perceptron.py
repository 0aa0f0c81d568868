"""Rosenblatt's perceptron, trained one sample at a time, with labels in {-1, +1}."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array, check_positive, check_same_rows
from solutions.a1_linear_classifiers.bias import add_bias_column


def _check_signs(y: Any, func: str) -> NDArray[Any]:
    if not isinstance(y, np.ndarray) or y.ndim != 1:
        raise ValueError(f"{func}: argument 'y' must be a 1-D array of labels in {{-1, +1}}")
    if not np.all(np.isin(y, (-1, 1))):
        bad = np.unique(y[~np.isin(y, (-1, 1))])[:5]
        raise ValueError(
            f"{func}: argument 'y' must hold labels -1 and +1 only, found {bad.tolist()}; "
            "map {0, 1} labels with 2 * y - 1"
        )
    return y


def perceptron_fit(
    X: NDArray[np.floating[Any]], y: NDArray[Any], *, epochs: int, lr: float
) -> NDArray[np.floating[Any]]:
    """Train a perceptron with the bias trick, visiting the samples in order.

    Starting from ``w = 0``, for each epoch and each sample ``i`` in order, if the sample is not
    classified correctly with a margin, i.e. ``y[i] * (x_i . w) <= 0`` where ``x_i`` is row ``i``
    of ``add_bias_column(X)``, the weights move towards it: ``w += lr * y[i] * x_i``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        Training inputs, floating point.
    y : ndarray of shape (N,)
        Labels, each -1 or +1.
    epochs : int
        Number of passes over the data (> 0).
    lr : float
        Learning rate (> 0).

    Returns
    -------
    w : ndarray of shape (D + 1,)
        Learned weights; the last entry is the bias. Same dtype as ``X``.
    """
    func = "perceptron_fit"
    as_float_array(X, func, "X", ndim=2)
    _check_signs(y, func)
    check_same_rows(func, X=X, y=y)
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"{func}: argument 'epochs' must be a positive integer, got {epochs!r}")
    check_positive(lr, func, "lr")
    Xb = add_bias_column(X)
    w = np.zeros(Xb.shape[1], dtype=X.dtype)
    for _ in range(int(epochs)):
        for x_i, y_i in zip(Xb, y, strict=True):
            if y_i * (x_i @ w) <= 0:
                w += lr * y_i * x_i
    return w


def perceptron_predict(w: NDArray[np.floating[Any]], X: NDArray[np.floating[Any]]) -> NDArray[Any]:
    """Predict labels in {-1, +1}: ``+1`` where ``add_bias_column(X) @ w > 0``, else ``-1``.

    Parameters
    ----------
    w : ndarray of shape (D + 1,)
        Weights from :func:`perceptron_fit`, bias last.
    X : ndarray of shape (N, D)
        Inputs.

    Returns
    -------
    ndarray of shape (N,), dtype int64
        Predicted labels.
    """
    func = "perceptron_predict"
    as_float_array(w, func, "w", ndim=1)
    as_float_array(X, func, "X", ndim=2)
    if w.shape[0] != X.shape[1] + 1:
        raise ValueError(
            f"{func}: 'w' has shape {w.shape} but 'X' has {X.shape[1]} features; "
            f"expected w of shape ({X.shape[1] + 1},) with the bias last"
        )
    scores = add_bias_column(X) @ w
    return np.where(scores > 0, 1, -1).astype(np.int64)
