"""Explicit Jacobian matrices of the layers for ONE sample, to connect backprop with calculus.

For a layer ``y = f(x)`` with ``x`` of shape ``(D,)`` and ``y`` of shape ``(M,)``, the Jacobian is
the ``(M, D)`` matrix ``J[i, j] = d y_i / d x_j``: row ``i`` is the gradient of output ``i``
(row form), column ``j`` the response of every output to input ``j`` (column form). Backward
passes never build it: they compute the vector-Jacobian product ``J^T dout`` directly, which is
cheaper. These functions build it anyway, so that ``J.T @ dout == backward(dout)`` can be seen.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a3_backprop_mlp.activations import activation_derivative

FloatArray = NDArray[np.floating[Any]]


def affine_jacobian_input(w: FloatArray) -> FloatArray:
    """Jacobian of ``y = x @ w + b`` with respect to the input ``x`` of one sample.

    ``y_i = sum_j x_j w[j, i] + b_i``, so ``d y_i / d x_j = w[j, i]``: the Jacobian is ``w.T``.

    Parameters
    ----------
    w : ndarray of shape (D, M)
        The layer's weights.

    Returns
    -------
    J : ndarray of shape (M, D)
        ``w.T`` as a new C-contiguous array, dtype of ``w``.
    """
    as_float_array(w, "affine_jacobian_input", "w", ndim=2)
    return np.ascontiguousarray(w.T)


def affine_jacobian_weights(x: FloatArray, M: int) -> FloatArray:
    """Jacobian of ``y = x @ w + b`` with respect to the weights, flattened in C (row-major) order.

    With ``vec(w)[k * M + l] = w[k, l]``, ``d y_i / d w[k, l] = x_k`` if ``l == i`` else 0. So
    row ``i`` of the Jacobian holds ``x_k`` at the columns ``k * M + i``: the Kronecker product
    ``x^T (x) I_M`` (a ``1 x D`` row times the ``M x M`` identity). Most of its entries are 0,
    which is why backprop forms ``dw = outer(x, dout)`` instead.

    Parameters
    ----------
    x : ndarray of shape (D,)
        One input sample.
    M : int
        Number of outputs (columns of ``w``), ``>= 1``.

    Returns
    -------
    J : ndarray of shape (M, D * M)
        Dtype of ``x``.
    """
    func = "affine_jacobian_weights"
    as_float_array(x, func, "x", ndim=1)
    if isinstance(M, bool) or not isinstance(M, (int, np.integer)) or M < 1:
        raise ValueError(f"{func}: argument 'M' must be a positive integer, got {M!r}")
    return np.kron(x[None, :], np.eye(int(M), dtype=x.dtype))


def affine_jacobian_bias(M: int, dtype: Any = np.float64) -> FloatArray:
    """Jacobian of ``y = x @ w + b`` with respect to ``b``: the ``(M, M)`` identity.

    Parameters
    ----------
    M : int
        Number of outputs, ``>= 1``.
    dtype : dtype, default float64

    Returns
    -------
    J : ndarray of shape (M, M)
    """
    if isinstance(M, bool) or not isinstance(M, (int, np.integer)) or M < 1:
        raise ValueError(
            f"affine_jacobian_bias: argument 'M' must be a positive integer, got {M!r}"
        )
    return np.eye(int(M), dtype=dtype)


def elementwise_jacobian(x: FloatArray, activation: str, **params: float) -> FloatArray:
    """Jacobian of an elementwise activation ``y = f(x)`` at one sample: ``diag(f'(x))``.

    Output ``i`` depends on input ``i`` only, so every off-diagonal entry is 0; the diagonal holds
    the local derivatives (see :func:`solutions.a3_backprop_mlp.activation_derivative`). The
    vector-Jacobian product ``J^T dout = f'(x) * dout`` is therefore an elementwise product.

    Parameters
    ----------
    x : ndarray of shape (D,)
        The activation's input (pre-activation), one sample.
    activation : str
        Name of the activation, e.g. ``"relu"`` (see ``ACTIVATION_NAMES``).
    **params : float
        ``alpha`` for ``"leaky_relu"`` and ``"elu"``.

    Returns
    -------
    J : ndarray of shape (D, D)
        Diagonal matrix, dtype of ``x``.
    """
    as_float_array(x, "elementwise_jacobian", "x", ndim=1)
    return np.diag(activation_derivative(x, activation, **params))


def softmax_jacobian(p: FloatArray) -> FloatArray:
    """Jacobian of softmax at one sample, from its output: ``J = diag(p) - p p^T``.

    With ``p_i = exp(x_i) / sum_k exp(x_k)``: ``d p_i / d x_j = p_i (1[i == j] - p_j)``. The
    matrix is symmetric, and each row and column sums to 0 (shifting all scores changes nothing).

    Parameters
    ----------
    p : ndarray of shape (C,)
        Softmax probabilities of one sample (non-negative, summing to 1).

    Returns
    -------
    J : ndarray of shape (C, C)
        Dtype of ``p``.

    Raises
    ------
    ValueError
        If ``p`` is not a probability vector (e.g. raw scores were passed).
    """
    func = "softmax_jacobian"
    as_float_array(p, func, "p", ndim=1)
    total = float(p.sum())
    if p.size == 0 or np.any(p < 0) or abs(total - 1.0) > 1e-4:
        raise ValueError(
            f"{func}: argument 'p' must be a probability vector (entries >= 0 summing to 1), "
            f"got entries summing to {total:.6g}; pass softmax(scores), not the scores"
        )
    return np.diag(p) - np.outer(p, p)
