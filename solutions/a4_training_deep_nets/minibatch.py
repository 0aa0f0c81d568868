"""Minibatches for one epoch: every sample exactly once, optionally in a random order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import check_same_rows, require_rng
from solutions.a4_training_deep_nets._common import check_int


def iterate_minibatches(
    X: NDArray[Any],
    y: NDArray[Any],
    batch_size: int,
    rng: np.random.Generator | None,
    shuffle: bool = True,
) -> Iterator[tuple[NDArray[Any], NDArray[Any]]]:
    """Yield ``(X_batch, y_batch)`` pairs covering every sample exactly once (one epoch).

    The order is ``order = rng.permutation(N)`` when ``shuffle`` is true (exactly one call, made
    when this function is called, not lazily), else ``np.arange(N)``. Batch ``k`` holds the rows
    ``order[k * batch_size : (k + 1) * batch_size]``, so there are ``ceil(N / batch_size)``
    batches and only the last one may be smaller (``N % batch_size`` rows). Full batch,
    stochastic (``batch_size = 1``) and minibatch gradient descent are the three uses.

    Arguments are checked, and the order drawn, when the function is called, not lazily at the
    first batch.

    Parameters
    ----------
    X : ndarray of shape (N, ...)
        Inputs (any dtype).
    y : ndarray of shape (N, ...)
        Targets, one per row of ``X``.
    batch_size : int
        ``>= 1``; larger than ``N`` gives one full batch.
    rng : np.random.Generator or None
        Source of the shuffle; may be ``None`` only when ``shuffle`` is false.
    shuffle : bool, default True

    Returns
    -------
    iterator of (X_batch, y_batch)
        ``X_batch`` of shape (B, ...), ``y_batch`` of shape (B, ...), copies (fancy indexing).
    """
    func = "iterate_minibatches"
    for name, arr in (("X", X), ("y", y)):
        if not isinstance(arr, np.ndarray) or arr.ndim < 1:
            raise TypeError(
                f"{func}: argument '{name}' must be a NumPy array with a first axis of samples, "
                f"got {type(arr).__name__}"
            )
    N = check_same_rows(func, X=X, y=y)
    B = check_int(batch_size, func, "batch_size")
    if shuffle or rng is not None:
        require_rng(rng, func)
    order = rng.permutation(N) if shuffle and rng is not None else np.arange(N)
    return _batches(X, y, order, B)


def _batches(
    X: NDArray[Any], y: NDArray[Any], order: NDArray[np.integer[Any]], B: int
) -> Iterator[tuple[NDArray[Any], NDArray[Any]]]:
    for start in range(0, order.shape[0], B):
        idx = order[start : start + B]
        yield X[idx], y[idx]
