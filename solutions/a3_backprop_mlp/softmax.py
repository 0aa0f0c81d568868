"""Softmax over the last axis as a layer: forward and backward (vector-Jacobian product)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a3_backprop_mlp._checks import check_cache, check_dout

FloatArray = NDArray[np.floating[Any]]


def softmax_forward(x: FloatArray) -> tuple[FloatArray, tuple[FloatArray]]:
    """Softmax over the last axis, stable for scores of any magnitude.

    The maximum of each row is subtracted first. Softmax is unchanged by adding a constant to a
    row, and afterwards every exponent is ``<= 0``, so ``exp`` cannot overflow and the largest
    term is exactly 1, so the normaliser is ``>= 1``.

    Parameters
    ----------
    x : ndarray of shape (..., C)
        Scores (logits), floating point, at least 1-D.

    Returns
    -------
    p : ndarray of shape (..., C)
        Probabilities; every row is ``>= 0`` and sums to 1. Same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`softmax_backward`.
    """
    as_float_array(x, "softmax_forward", "x", min_ndim=1)
    if x.shape[-1] == 0:
        raise ValueError(
            f"softmax_forward: argument 'x' has shape {x.shape}; expected at least one class "
            "on the last axis"
        )
    p = x - x.max(axis=-1, keepdims=True)
    np.exp(p, out=p)
    p /= p.sum(axis=-1, keepdims=True)
    return p, (p,)


def softmax_backward(dout: FloatArray, cache: tuple[FloatArray]) -> FloatArray:
    """Backward pass of softmax: ``dx = p * (dout - sum(dout * p, axis=-1))``.

    This is ``J^T dout`` for the Jacobian ``J = diag(p) - p p^T`` of each row, computed in
    ``O(C)`` per row instead of forming the ``C x C`` matrix.

    Parameters
    ----------
    dout : ndarray of shape (..., C)
        Upstream gradient, shaped like the forward input.
    cache : tuple
        From :func:`softmax_forward`.

    Returns
    -------
    dx : ndarray of shape (..., C)
        Same dtype as the forward input.
    """
    (p,) = check_cache(cache, "softmax_backward", 1, "softmax_forward")
    check_dout(dout, "softmax_backward", p.shape, "softmax_forward")
    dx = p * (dout - (dout * p).sum(axis=-1, keepdims=True))
    return dx.astype(p.dtype, copy=False)
