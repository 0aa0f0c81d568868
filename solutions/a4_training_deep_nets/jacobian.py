"""The Jacobian of a deep stack with respect to its input, and its singular values.

Backpropagation multiplies the upstream gradient by one layer Jacobian per layer; the product
of those Jacobians is the Jacobian of the whole stack, and its singular values say by how much
the stack stretches or shrinks a vector (a gradient on the way back) in each direction. Weights
a factor ``c`` above the right scale multiply every singular value by about ``c`` per layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solutions._validation import as_float_array
from solutions.a4_training_deep_nets._common import FloatArray, get_activation
from solutions.a4_training_deep_nets.statistics import _check_stack


def stack_jacobian(
    x: FloatArray,
    weights: Sequence[FloatArray],
    activation: str,
    *,
    biases: Sequence[FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Jacobian of ``h_L`` with respect to the input ``x`` of a deep stack, and its singular values.

    The stack is ``a_l = h_{l-1} @ W_l + b_l``, ``h_l = g(a_l)`` for ``l = 1..L`` with
    ``h_0 = x`` (the same activation at every layer, the last included, as in
    :func:`layer_statistics`). Layer ``l``'s Jacobian is
    ``J_l = d h_l / d h_{l-1} = diag(g'(a_l)) @ W_l.T`` of shape ``(D_l, D_{l-1})``, and the
    stack's is the product ``J = J_L @ ... @ J_2 @ J_1``.

    Parameters
    ----------
    x : ndarray of shape (D_0,)
        One input sample.
    weights : sequence of L ndarrays
        ``weights[l-1]`` has shape ``(D_{l-1}, D_l)``.
    activation : str
        ``"tanh"``, ``"relu"``, ``"sigmoid"``, ``"leaky_relu"`` (slope 0.01) or ``"linear"``;
        ``relu'(0)`` is 0.
    biases : sequence of L ndarrays of shape (D_l,), optional
        Zero biases when omitted.

    Returns
    -------
    J : ndarray of shape (D_L, D_0)
        ``J[j, i] = d h_L[j] / d x[i]``.
    singular_values : ndarray of shape (min(D_0, D_L),)
        The singular values of ``J`` in decreasing order.
    """
    func = "stack_jacobian"
    as_float_array(x, func, "x", ndim=1)
    ws, bs = _check_stack(func, x[None, :], weights, biases)
    g, dg = get_activation(activation, func)
    J = np.eye(x.shape[0], dtype=x.dtype)
    h = x
    for W, b in zip(ws, bs, strict=True):
        a = h @ W if b is None else h @ W + b
        h = g(a)
        J = (dg(a, h)[:, None] * W.T) @ J
    return J, np.linalg.svd(J, compute_uv=False)
