"""Per-layer activation and gradient statistics of a deep fully connected stack.

This is the measurement behind the initialisation study: push a batch through ``L`` layers
``h_l = g(h_{l-1} @ W_l + b_l)``, then push a fixed upstream gradient back, and look at how the
activations' spread and the weight gradients' size evolve with depth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from solutions._validation import as_float_array
from solutions.a4_training_deep_nets._common import FloatArray, get_activation


def _check_stack(
    func: str,
    X: Any,
    weights: Any,
    biases: Any,
) -> tuple[list[FloatArray], list[FloatArray | None]]:
    as_float_array(X, func, "X", ndim=2)
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise TypeError(
            f"{func}: argument 'weights' must be a non-empty list of 2-D arrays, "
            f"got {type(weights).__name__}"
        )
    ws = list(weights)
    width = X.shape[1]
    for i, W in enumerate(ws):
        as_float_array(W, func, f"weights[{i}]", ndim=2)
        if W.shape[0] != width:
            raise ValueError(
                f"{func}: argument 'weights[{i}]' has shape {W.shape} but its input has {width} "
                f"features; expected shape ({width}, D_{i + 1})"
            )
        width = W.shape[1]
    if biases is None:
        return ws, [None] * len(ws)
    bs = list(biases)
    if len(bs) != len(ws):
        raise ValueError(
            f"{func}: argument 'biases' has {len(bs)} entries but there are {len(ws)} weight "
            "matrices; give one bias vector per layer (or None)"
        )
    for i, (b, W) in enumerate(zip(bs, ws, strict=True)):
        as_float_array(b, func, f"biases[{i}]", ndim=1)
        if b.shape[0] != W.shape[1]:
            raise ValueError(
                f"{func}: argument 'biases[{i}]' has shape {b.shape}, expected ({W.shape[1]},)"
            )
    return ws, bs


def layer_statistics(
    X: FloatArray,
    weights: Sequence[FloatArray],
    activation: str,
    *,
    biases: Sequence[FloatArray] | None = None,
    dout: FloatArray | None = None,
    return_activations: bool = False,
) -> dict[str, Any]:
    """Forward a batch through a deep stack, backpropagate a fixed gradient, report per layer.

    The stack has ``L = len(weights)`` layers, each ``a_l = h_{l-1} @ W_l + b_l`` followed by
    ``h_l = g(a_l)``, with ``h_0 = X`` and the same activation ``g`` at every layer (the last
    included: it is a stack of hidden layers, no output layer). The upstream gradient
    ``dL/dh_L`` is ``dout``; by default ``dout = ones((N, D_L)) / N``, the gradient of
    ``L = sum(h_L) / N`` (mean over the batch of the sum of the last layer's units), chosen
    because it does not depend on the size of ``h_L`` itself.

    Backward, for ``l = L, ..., 1``: ``da_l = dh_l * g'(a_l)``, ``dW_l = h_{l-1}.T @ da_l``,
    ``dh_{l-1} = da_l @ W_l.T``.

    Parameters
    ----------
    X : ndarray of shape (N, D_0)
        Input batch, floating point.
    weights : sequence of L ndarrays
        ``weights[l-1]`` has shape ``(D_{l-1}, D_l)``.
    activation : str
        ``"tanh"``, ``"relu"``, ``"sigmoid"``, ``"leaky_relu"`` (slope 0.01) or ``"linear"``.
        ``relu'(0)`` is taken as 0.
    biases : sequence of L ndarrays, optional
        ``biases[l-1]`` has shape ``(D_l,)``; zero biases when omitted.
    dout : ndarray of shape (N, D_L), optional
        Upstream gradient ``dL/dh_L``; default ``ones / N``.
    return_activations : bool, default False
        Also return every ``h_l`` (for histograms).

    Returns
    -------
    dict
        ``"mean"``: ndarray (L,), ``mean(h_l)`` over all ``N * D_l`` entries;
        ``"std"``: ndarray (L,), ``std(h_l)`` over all entries (population, ``ddof=0``);
        ``"grad_norm"``: ndarray (L,), Frobenius norm of ``dL/dW_l``;
        ``"input_grad_norm"``: ndarray (L,), Frobenius norm of ``dL/dh_{l-1}``, the gradient
        reaching layer ``l``'s input (entry 0 is the gradient w.r.t. ``X``);
        ``"activations"`` (only if ``return_activations``): list of L ndarrays ``h_l``,
        each (N, D_l).
        Entry ``l - 1`` of every array belongs to layer ``l``. Arrays have ``X``'s dtype.

    Notes
    -----
    Under a small-normal initialisation the tanh activations' std shrinks layer after layer and
    the gradients vanish towards the input; with Xavier (tanh) or He (ReLU) the std stays of
    the same order through the whole stack.
    """
    func = "layer_statistics"
    ws, bs = _check_stack(func, X, weights, biases)
    g, dg = get_activation(activation, func)
    N = X.shape[0]
    dtype = X.dtype

    pre: list[FloatArray] = []
    hs: list[FloatArray] = [X]
    for W, b in zip(ws, bs, strict=True):
        a = hs[-1] @ W.astype(dtype, copy=False)
        if b is not None:
            a = a + b.astype(dtype, copy=False)
        pre.append(a)
        hs.append(g(a))

    out_shape = hs[-1].shape
    if dout is None:
        dh = np.full(out_shape, 1.0 / N, dtype=dtype)
    else:
        as_float_array(dout, func, "dout", ndim=2)
        if dout.shape != out_shape:
            raise ValueError(
                f"{func}: argument 'dout' has shape {dout.shape}, expected the last layer's "
                f"output shape {out_shape}"
            )
        dh = dout.astype(dtype, copy=False)

    L = len(ws)
    grad_norm = np.empty(L, dtype=dtype)
    input_grad_norm = np.empty(L, dtype=dtype)
    for k in range(L - 1, -1, -1):
        da = dh * dg(pre[k], hs[k + 1])
        grad_norm[k] = np.linalg.norm(hs[k].T @ da)
        dh = da @ ws[k].T.astype(dtype, copy=False)
        input_grad_norm[k] = np.linalg.norm(dh)

    result: dict[str, Any] = {
        "mean": np.array([h.mean() for h in hs[1:]], dtype=dtype),
        "std": np.array([h.std() for h in hs[1:]], dtype=dtype),
        "grad_norm": grad_norm,
        "input_grad_norm": input_grad_norm,
    }
    if return_activations:
        result["activations"] = hs[1:]
    return result
