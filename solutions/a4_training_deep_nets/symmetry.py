"""Full-batch training of a two-layer classifier, to watch equal initial weights stay equal.

If every hidden unit starts with the same incoming weights (zero, or any constant) and the same
outgoing weights, every unit computes the same activation, receives the same gradient and makes
the same update: after any number of steps the units are still copies of each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solutions._validation import as_float_array, as_label_array, check_positive
from solutions.a4_training_deep_nets._common import FloatArray, check_int, get_activation


def train_two_layer(
    X: FloatArray,
    y: Any,
    W1: FloatArray,
    b1: FloatArray,
    W2: FloatArray,
    b2: FloatArray,
    *,
    lr: float,
    steps: int,
    activation: str = "tanh",
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Full-batch gradient descent on ``scores = g(X W1 + b1) W2 + b2`` with softmax cross-entropy.

    Each step: forward, mean cross-entropy over the batch, backward
    (``dS = (softmax(S) - onehot(y)) / N``, ``dW2 = H.T dS``, ``db2 = sum dS``,
    ``dA = (dS W2.T) * g'(A)``, ``dW1 = X.T dA``, ``db1 = sum dA``), then every parameter moves
    by ``-lr`` times its gradient. The arguments are not modified.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    y : ndarray of int of shape (N,)
        Labels in ``[0, C)``.
    W1 : ndarray of shape (D, H)
    b1 : ndarray of shape (H,)
    W2 : ndarray of shape (H, C)
    b2 : ndarray of shape (C,)
    lr : float
        Step size (> 0).
    steps : int
        Number of steps (>= 0).
    activation : str, default "tanh"
        Hidden activation: ``"tanh"``, ``"relu"``, ``"sigmoid"``, ``"leaky_relu"``, ``"linear"``.

    Returns
    -------
    W1, b1, W2, b2 : ndarrays
        The trained parameters (new arrays), shapes as given.
    """
    func = "train_two_layer"
    as_float_array(X, func, "X", ndim=2)
    W1 = as_float_array(W1, func, "W1", ndim=2).copy()
    b1 = as_float_array(b1, func, "b1", ndim=1).copy()
    W2 = as_float_array(W2, func, "W2", ndim=2).copy()
    b2 = as_float_array(b2, func, "b2", ndim=1).copy()
    C = W2.shape[1]
    labels = as_label_array(y, func, "y", num_classes=C)
    N, D = X.shape
    H = W1.shape[1]
    if W1.shape[0] != D or b1.shape != (H,) or W2.shape[0] != H or b2.shape != (C,):
        raise ValueError(
            f"{func}: expected W1 ({D}, H), b1 (H,), W2 (H, C), b2 (C,) for X of shape {X.shape}, "
            f"got {W1.shape}, {b1.shape}, {W2.shape}, {b2.shape}"
        )
    if labels.shape != (N,):
        raise ValueError(f"{func}: argument 'y' has shape {labels.shape}, expected ({N},)")
    check_positive(lr, func, "lr")
    T = check_int(steps, func, "steps", minimum=0)
    g, dg = get_activation(activation, func)
    rows = np.arange(N)
    for _ in range(T):
        A = X @ W1 + b1
        Hid = g(A)
        S = Hid @ W2 + b2
        P = np.exp(S - S.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        P[rows, labels] -= 1.0
        dS = P / N
        dA = (dS @ W2.T) * dg(A, Hid)
        W2 = W2 - lr * (Hid.T @ dS)
        b2 = b2 - lr * dS.sum(axis=0)
        W1 = W1 - lr * (X.T @ dA)
        b1 = b1 - lr * dA.sum(axis=0)
    return W1, b1, W2, b2
