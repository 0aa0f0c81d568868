"""Softmax and the softmax cross-entropy loss with its gradient, naive and vectorized.

``L = -1/N sum_i log p_iy_i + 0.5 * reg * sum(W**2)`` with ``p = softmax(X @ W)``; the gradient
is ``X.T @ (p - onehot(y)) / N + reg * W``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a1_linear_classifiers._checks import check_linear_loss_args, result_dtype

FloatArray = NDArray[np.floating[Any]]


def softmax(scores: FloatArray) -> FloatArray:
    """Numerically stable softmax over the last axis.

    The row maximum is subtracted before exponentiating, which leaves the result unchanged
    (softmax is shift-invariant) and keeps every exponent <= 0, so nothing overflows.

    Parameters
    ----------
    scores : ndarray of shape (..., C)
        Class scores (logits), floating point.

    Returns
    -------
    ndarray of shape (..., C)
        Probabilities; each row is positive and sums to 1. Same dtype as ``scores``.
    """
    as_float_array(scores, "softmax", "scores", min_ndim=1)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def _log_softmax(scores: FloatArray) -> FloatArray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_loss_naive(
    W: FloatArray, X: FloatArray, y: NDArray[np.integer[Any]], reg: float
) -> tuple[float, FloatArray]:
    """Softmax cross-entropy loss with explicit loops over samples and classes.

    Parameters
    ----------
    W : ndarray of shape (D, C)
    X : ndarray of shape (N, D)
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    reg : float
        L2 strength (>= 0).

    Returns
    -------
    loss : float
    dW : ndarray of shape (D, C)
    """
    check_linear_loss_args("softmax_loss_naive", W, X, y, reg)
    dtype = result_dtype(W, X)
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype=dtype)
    for i in range(N):
        scores = X[i] @ W
        scores = scores - np.max(scores)
        log_norm = np.log(np.sum(np.exp(scores)))
        loss += float(log_norm - scores[y[i]])
        for j in range(C):
            p_j = np.exp(scores[j] - log_norm)
            dW[:, j] += (p_j - (j == y[i])) * X[i]
    loss = loss / N + 0.5 * reg * float(np.sum(W * W))
    dW = dW / N + reg * W
    return float(loss), dW.astype(W.dtype, copy=False)


def softmax_loss_vectorized(
    W: FloatArray, X: FloatArray, y: NDArray[np.integer[Any]], reg: float
) -> tuple[float, FloatArray]:
    """Softmax cross-entropy loss without Python loops; same contract as the naive version.

    Returns
    -------
    loss : float
    dW : ndarray of shape (D, C)
    """
    check_linear_loss_args("softmax_loss_vectorized", W, X, y, reg)
    N = X.shape[0]
    rows = np.arange(N)
    log_p = _log_softmax(X @ W)
    loss = -float(np.mean(log_p[rows, y])) + 0.5 * reg * float(np.sum(W * W))
    dscores = np.exp(log_p)
    dscores[rows, y] -= 1.0
    dW = X.T @ dscores / N + reg * W
    return loss, dW.astype(W.dtype, copy=False)
