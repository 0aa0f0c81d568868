"""Minibatch stochastic gradient descent for a linear classifier's loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array, check_positive, check_same_rows, require_rng

FloatArray = NDArray[np.floating[Any]]
LossFn = Callable[[FloatArray, FloatArray, NDArray[Any], float], tuple[float, FloatArray]]


def sgd(
    loss_fn: LossFn,
    W0: FloatArray,
    X: FloatArray,
    y: NDArray[Any],
    *,
    lr: float,
    reg: float,
    batch_size: int,
    num_iters: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, list[float]]:
    """Minimise ``loss_fn`` by minibatch SGD, starting from ``W0`` (which is not modified).

    Each iteration draws ``batch_size`` distinct rows with
    ``rng.choice(N, size=batch_size, replace=False)``, evaluates
    ``loss, dW = loss_fn(W, X[idx], y[idx], reg)``, records ``loss`` and steps
    ``W = W - lr * dW``.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(W, X_batch, y_batch, reg) -> (loss, dW)``.
    W0 : ndarray of shape (D, C)
        Initial weights.
    X : ndarray of shape (N, D)
    y : ndarray of shape (N,)
    lr : float
        Learning rate (> 0).
    reg : float
        Regularisation strength passed to ``loss_fn`` (>= 0).
    batch_size : int
        Minibatch size, ``1 <= batch_size <= N``.
    num_iters : int
        Number of updates (>= 1).
    rng : np.random.Generator
        Source of the minibatch indices.

    Returns
    -------
    W : ndarray of shape (D, C)
        Final weights.
    loss_history : list of float, length num_iters
        The minibatch loss at each iteration, before its update.
    """
    func = "sgd"
    if not callable(loss_fn):
        raise TypeError(
            f"{func}: argument 'loss_fn' must be callable, got {type(loss_fn).__name__}"
        )
    as_float_array(W0, func, "W0", ndim=2)
    as_float_array(X, func, "X", ndim=2)
    N = check_same_rows(func, X=X, y=y)
    check_positive(lr, func, "lr")
    check_positive(reg, func, "reg", allow_zero=True)
    for name, value, upper in (("batch_size", batch_size, N), ("num_iters", num_iters, None)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{func}: argument '{name}' must be a positive integer, got {value!r}")
        if upper is not None and value > upper:
            raise ValueError(f"{func}: argument '{name}' = {value} exceeds the N = {N} samples")
    require_rng(rng, func)
    W = W0.copy()
    history: list[float] = []
    for _ in range(int(num_iters)):
        idx = rng.choice(N, size=int(batch_size), replace=False)
        loss, dW = loss_fn(W, X[idx], y[idx], reg)
        history.append(float(loss))
        W = W - lr * dW
    return W, history
