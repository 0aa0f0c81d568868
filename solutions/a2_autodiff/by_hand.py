"""The two computation graphs of the lecture, differentiated by hand, node by node.

Each function runs a forward pass that stores every intermediate node, then a backward pass that
starts from ``d(out)/d(out) = 1`` and multiplies by one local derivative per edge, from the output
back to the inputs. No autodiff is used: these are the answers the engines are checked against.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a2_autodiff._scalar import describe, is_real, sigmoid

__all__ = ["add_mul_graph", "logistic_loss_graph"]

FloatArray = NDArray[np.floating[Any]]


def add_mul_graph(x: float, y: float, z: float) -> tuple[float, dict[str, float]]:
    """Value and gradient of ``f = (x + y) * z``, by hand on its two-node graph.

    Forward: ``q = x + y``, ``f = q * z``. Backward: ``df/dq = z`` and ``df/dz = q`` (a product
    sends each factor the other factor's value), then ``df/dx = df/dy = df/dq * 1`` (a sum passes
    the gradient unchanged to every operand).

    Parameters
    ----------
    x, y, z : float
        Real numbers.

    Returns
    -------
    f : float
    grads : dict
        ``{"x": df/dx, "y": df/dy, "z": df/dz}``, floats.

    Raises
    ------
    TypeError
        If an argument is not a real number.

    Examples
    --------
    >>> add_mul_graph(-2.0, 5.0, -4.0)
    (-12.0, {'x': -4.0, 'y': -4.0, 'z': 3.0})
    """
    for name, v in (("x", x), ("y", y), ("z", z)):
        if not is_real(v):
            raise TypeError(
                f"add_mul_graph: argument '{name}' must be a real number, got {describe(v)}"
            )
    x, y, z = float(x), float(y), float(z)
    # forward
    q = x + y
    f = q * z
    # backward
    df_df = 1.0
    df_dq = df_df * z
    df_dz = df_df * q
    df_dx = df_dq * 1.0
    df_dy = df_dq * 1.0
    return f, {"x": df_dx, "y": df_dy, "z": df_dz}


def logistic_loss_graph(w: FloatArray, x: FloatArray) -> tuple[float, dict[str, FloatArray]]:
    """Value and gradients of the logistic loss ``-log(sigmoid(w . x))``, by hand.

    Graph: ``s = w . x``, ``p = sigmoid(s)``, ``loss = -log(p)``. Backward:

    - ``dloss/dp = -1 / p`` and ``dp/ds = p (1 - p)``, so ``dloss/ds = -(1 - p) = -sigmoid(-s)``;
    - ``s = sum_i w_i x_i``, so ``dloss/dw = dloss/ds * x`` and ``dloss/dx = dloss/ds * w``
      (the product rule again: each factor receives the other one).

    The loss is evaluated as ``log(1 + exp(-s))`` with ``np.logaddexp(0, -s)`` and ``dloss/ds`` as
    ``-sigmoid(-s)``: mathematically the same, but finite and accurate for any ``s`` (the naive
    ``-log(p)`` overflows to inf once ``p`` underflows to 0, and ``p - 1`` loses every digit
    once ``p`` rounds to 1).

    Parameters
    ----------
    w : ndarray of shape (D,)
        Weights, floating point.
    x : ndarray of shape (D,)
        Input, floating point.

    Returns
    -------
    loss : float
    grads : dict
        ``{"w": dloss/dw, "x": dloss/dx}``, ndarrays of shape ``(D,)`` in the wider of the two
        input dtypes.

    Raises
    ------
    TypeError
        If ``w`` or ``x`` is not a floating-point ndarray.
    ValueError
        If they are not 1-D or their lengths differ.

    Examples
    --------
    At ``x = (1, 1, 1)``, ``w = (1, 1, -1.5)``: ``s = 0.5``, ``loss = 0.474077...``.
    """
    func = "logistic_loss_graph"
    as_float_array(w, func, "w", ndim=1)
    as_float_array(x, func, "x", ndim=1)
    if w.shape != x.shape:
        raise ValueError(
            f"{func}: arguments 'w' and 'x' must have the same shape (D,), got {w.shape} and "
            f"{x.shape}"
        )
    dtype = np.result_type(w.dtype, x.dtype)
    # forward
    s = float(np.dot(w.astype(np.float64), x.astype(np.float64)))
    loss = float(np.logaddexp(0.0, -s))
    # backward
    dloss_ds = -sigmoid(-s)  # = p - 1, without cancellation
    grad_w = (dloss_ds * x).astype(dtype)
    grad_x = (dloss_ds * w).astype(dtype)
    return loss, {"w": grad_w, "x": grad_x}
