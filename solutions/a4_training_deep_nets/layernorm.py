"""Layer normalisation over the last axis, forward and backward.

For each sample (each row of the last axis, of length ``D``):
``mu = mean(x)``, ``var = mean((x - mu)**2)`` (biased, as ``torch.nn.functional.layer_norm``),
``xhat = (x - mu) / sqrt(var + eps)`` and ``out = gamma * xhat + beta``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solutions._validation import as_float_array, check_positive
from solutions.a4_training_deep_nets._common import FloatArray


def layernorm_forward(
    x: FloatArray, gamma: FloatArray, beta: FloatArray, eps: float = 1e-5
) -> tuple[FloatArray, tuple[Any, ...]]:
    """Normalise every sample over its last axis, then scale by ``gamma`` and shift by ``beta``.

    Parameters
    ----------
    x : ndarray of shape (..., D)
        Input, at least 1-D; every leading index is an independent sample.
    gamma : ndarray of shape (D,)
        Scale.
    beta : ndarray of shape (D,)
        Shift.
    eps : float, default 1e-5
        Added to the variance inside the square root (> 0).

    Returns
    -------
    out : ndarray of shape (..., D)
        Same dtype as ``x``.
    cache : tuple
        Opaque, for :func:`layernorm_backward`.
    """
    func = "layernorm_forward"
    as_float_array(x, func, "x", min_ndim=1)
    as_float_array(gamma, func, "gamma", ndim=1)
    as_float_array(beta, func, "beta", ndim=1)
    D = x.shape[-1]
    for name, p in (("gamma", gamma), ("beta", beta)):
        if p.shape != (D,):
            raise ValueError(
                f"{func}: argument '{name}' has shape {p.shape}, expected ({D},) to match the "
                f"last axis of x of shape {x.shape}"
            )
    check_positive(eps, func, "eps")
    dt = x.dtype
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + np.asarray(eps, dtype=dt))
    xhat = xc * inv_std
    out = xhat * gamma.astype(dt, copy=False) + beta.astype(dt, copy=False)
    return out, (xhat, inv_std, gamma)


def layernorm_backward(
    dout: FloatArray, cache: tuple[Any, ...]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Backward pass of :func:`layernorm_forward`.

    With ``g = dout * gamma`` (the gradient w.r.t. ``xhat``) and ``r = 1 / sqrt(var + eps)``,
    per sample: ``dx = r * (g - mean(g) - xhat * mean(g * xhat))`` (means over the last axis);
    ``dgamma = sum(dout * xhat)`` and ``dbeta = sum(dout)`` over every leading axis.

    Parameters
    ----------
    dout : ndarray of shape (..., D)
        Upstream gradient, same shape as the forward output.
    cache : tuple
        From :func:`layernorm_forward`.

    Returns
    -------
    dx : ndarray of shape (..., D)
    dgamma : ndarray of shape (D,)
    dbeta : ndarray of shape (D,)
    """
    func = "layernorm_backward"
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(f"{func}: argument 'cache' must be the cache returned by layernorm_forward")
    xhat, inv_std, gamma = cache
    as_float_array(dout, func, "dout", min_ndim=1)
    if dout.shape != xhat.shape:
        raise ValueError(
            f"{func}: argument 'dout' has shape {dout.shape}, expected the forward output's "
            f"shape {xhat.shape}"
        )
    dt = xhat.dtype
    lead = tuple(range(dout.ndim - 1))
    dgamma = (dout * xhat).sum(axis=lead).astype(gamma.dtype, copy=False)
    dbeta = dout.sum(axis=lead).astype(gamma.dtype, copy=False)
    g = dout * gamma.astype(dt, copy=False)
    dx = inv_std * (
        g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True)
    )
    return dx.astype(dt, copy=False), dgamma, dbeta
