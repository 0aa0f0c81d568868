"""Why cross-entropy, not MSE, follows a sigmoid: the two gradients with respect to the logits."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def _sigmoid(z: NDArray[np.floating]) -> NDArray[np.floating]:
    """Stable logistic sigmoid in float64 (no exponential of a large positive number)."""
    z64 = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z64))
    return np.where(z64 >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_output_gradients(
    z: NDArray[np.floating], t: NDArray[np.floating]
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """Gradients with respect to the logits ``z`` of MSE on ``sigmoid(z)`` and of BCE on ``z``.

    Parameters
    ----------
    z : ndarray of any shape
        Logits, floating point.
    t : ndarray, same shape as ``z``
        Targets in ``[0, 1]``.

    Returns
    -------
    d_mse : ndarray, shape and dtype of ``z``
        ``d/dz mean((sigmoid(z) - t)**2) = 2 (p - t) p (1 - p) / z.size`` with ``p = sigmoid(z)``.
    d_bce : ndarray, shape and dtype of ``z``
        ``d/dz`` of the binary cross-entropy on logits, ``(p - t) / z.size``.
    """
    p = _sigmoid(z)
    diff = p - np.asarray(t, dtype=np.float64)
    d_mse = 2.0 * diff * p * (1.0 - p) / p.size
    d_bce = diff / p.size
    dtype = np.asarray(z).dtype
    return d_mse.astype(dtype), d_bce.astype(dtype)
