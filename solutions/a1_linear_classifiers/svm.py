"""Multiclass SVM (hinge) loss and its gradient, naive and vectorized.

``L = 1/N sum_i sum_{j != y_i} max(0, s_ij - s_iy_i + delta) + 0.5 * reg * sum(W**2)`` with
``s = X @ W``. At a kink (a margin exactly 0) the subgradient 0 is used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import check_positive
from solutions.a1_linear_classifiers._checks import check_linear_loss_args, result_dtype

FloatArray = NDArray[np.floating[Any]]


def svm_loss_naive(
    W: FloatArray, X: FloatArray, y: NDArray[np.integer[Any]], reg: float, delta: float = 1.0
) -> tuple[float, FloatArray]:
    """Multiclass hinge loss with explicit loops over samples and classes.

    Parameters
    ----------
    W : ndarray of shape (D, C)
        Weights (with the bias trick, the last row holds the biases and is regularised too).
    X : ndarray of shape (N, D)
        Inputs, one per row.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    reg : float
        L2 strength (>= 0); the penalty is ``0.5 * reg * sum(W**2)``.
    delta : float, default 1.0
        Margin (> 0).

    Returns
    -------
    loss : float
        Mean hinge loss plus the penalty.
    dW : ndarray of shape (D, C)
        Gradient of ``loss`` with respect to ``W``, dtype of ``W``.
    """
    check_linear_loss_args("svm_loss_naive", W, X, y, reg)
    check_positive(delta, "svm_loss_naive", "delta")
    dtype = result_dtype(W, X)
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype=dtype)
    for i in range(N):
        scores = X[i] @ W
        correct = scores[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - correct + delta
            if margin > 0:
                loss += float(margin)
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / N + 0.5 * reg * float(np.sum(W * W))
    dW = dW / N + reg * W
    return float(loss), dW.astype(W.dtype, copy=False)


def svm_loss_vectorized(
    W: FloatArray, X: FloatArray, y: NDArray[np.integer[Any]], reg: float, delta: float = 1.0
) -> tuple[float, FloatArray]:
    """Multiclass hinge loss without Python loops; same contract as :func:`svm_loss_naive`.

    Returns
    -------
    loss : float
    dW : ndarray of shape (D, C)
    """
    check_linear_loss_args("svm_loss_vectorized", W, X, y, reg)
    check_positive(delta, "svm_loss_vectorized", "delta")
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + delta
    margins[rows, y] = 0.0
    active = margins > 0
    loss = float(np.sum(margins[active])) / N + 0.5 * reg * float(np.sum(W * W))
    coeff = active.astype(scores.dtype)
    coeff[rows, y] = -coeff.sum(axis=1)
    dW = X.T @ coeff / N + reg * W
    return loss, dW.astype(W.dtype, copy=False)
