"""The affine (fully connected) layer ``out = x @ w + b``, forward and backward.

Inputs of any rank ``(N, d1, ..., dk)`` are flattened to ``(N, D)`` with ``D = d1 * ... * dk``
(C order), so an image batch can feed a fully connected layer directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a3_backprop_mlp._checks import check_cache, check_dout

FloatArray = NDArray[np.floating[Any]]
AffineCache = tuple[FloatArray, FloatArray, FloatArray]


def affine_forward(x: FloatArray, w: FloatArray, b: FloatArray) -> tuple[FloatArray, AffineCache]:
    """Forward pass of an affine layer: ``out = x.reshape(N, D) @ w + b``.

    Parameters
    ----------
    x : ndarray of shape (N, d1, ..., dk)
        Input batch; each sample is flattened (C order) to ``D = d1 * ... * dk`` features.
    w : ndarray of shape (D, M)
        Weights, one column per output unit.
    b : ndarray of shape (M,)
        Biases.

    Returns
    -------
    out : ndarray of shape (N, M)
        Layer output, in the common dtype of the inputs (float32 inputs give float32).
    cache : tuple
        Opaque; pass it to :func:`affine_backward`.

    Raises
    ------
    TypeError
        If an argument is not a floating-point ndarray.
    ValueError
        If the shapes do not fit together.
    """
    func = "affine_forward"
    as_float_array(x, func, "x", min_ndim=2)
    as_float_array(w, func, "w", ndim=2)
    as_float_array(b, func, "b", ndim=1)
    N = x.shape[0]
    D = int(np.prod(x.shape[1:]))
    if w.shape[0] != D:
        raise ValueError(
            f"{func}: x has shape {x.shape}, i.e. D = {D} features per sample, but w has shape "
            f"{w.shape}; expected w of shape (D, M) = ({D}, M)"
        )
    if b.shape[0] != w.shape[1]:
        raise ValueError(
            f"{func}: b has shape {b.shape} but w has shape {w.shape}; "
            f"expected b of shape (M,) = ({w.shape[1]},)"
        )
    out = x.reshape(N, D) @ w
    out += b
    return out, (x, w, b)


def affine_backward(
    dout: FloatArray, cache: AffineCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Backward pass of an affine layer.

    With ``X = x.reshape(N, D)``: ``dX = dout @ w.T``, ``dw = X.T @ dout``, ``db = dout.sum(0)``
    (each bias is added to every sample, so its gradient sums over the batch).

    Parameters
    ----------
    dout : ndarray of shape (N, M)
        Gradient of the loss with respect to the layer output.
    cache : tuple
        From :func:`affine_forward`.

    Returns
    -------
    dx : ndarray of shape (N, d1, ..., dk)
        Gradient with respect to ``x``, reshaped back to ``x``'s original shape and dtype.
    dw : ndarray of shape (D, M)
        Gradient with respect to ``w``, dtype of ``w``.
    db : ndarray of shape (M,)
        Gradient with respect to ``b``, dtype of ``b``.
    """
    func = "affine_backward"
    x, w, b = check_cache(cache, func, 3, "affine_forward")
    check_dout(dout, func, (x.shape[0], w.shape[1]), "affine_forward")
    x2d = x.reshape(x.shape[0], w.shape[0])
    dx = (dout @ w.T).reshape(x.shape)
    dw = x2d.T @ dout
    db = dout.sum(axis=0)
    return (
        dx.astype(x.dtype, copy=False),
        dw.astype(w.dtype, copy=False),
        db.astype(b.dtype, copy=False),
    )
