"""Parameters of a fully connected ReLU network, checked and run on the trusted side.

a3, a4 and a5 each grade a network by its returned parameters ``{"W1", "b1", ..., "WL",
"bL"}``: :func:`trained_model` records them where the notebook runs; they are forged data until
:func:`chained_layers` has checked that they form a network, and :func:`relu_mlp_scores` runs
that network here (``relu`` between layers, none after the last).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.judging.records import NotPlainDataError, Record, to_plain

PARAM_KEY = re.compile(r"[Wb]\d+")


def trained_model(namespace: Mapping[str, Any], name: str, kind: str) -> tuple[Any, Record]:
    """The notebook's trained model ``name`` and its ``params`` dict as ``param_W1``, ... records.

    Probe side: only the keys ``W<l>`` / ``b<l>`` are recorded, each as plain data.

    Parameters
    ----------
    namespace : mapping
        The notebook's globals.
    name : str
        The global holding the model (an object with a ``params`` dict).
    kind : str
        What the model should be, for the error (``"your trained MLP"``).

    Raises
    ------
    NotPlainDataError
        If the global is not set or has no ``params`` dict.
    """
    model = namespace.get(name)
    if model is None:
        raise NotPlainDataError(f"`{name}` is not set: run the cell that trains it")
    params = getattr(model, "params", None)
    if not isinstance(params, dict):
        raise NotPlainDataError(f"`{name}` has no params dict; it should be {kind}")
    rec: Record = {
        f"param_{key}": to_plain(value, f"{name}.params[{key!r}]")
        for key, value in params.items()
        if isinstance(key, str) and PARAM_KEY.fullmatch(key)
    }
    return model, rec


def layer_keys(num_layers: int) -> list[str]:
    """``["W1", "b1", ..., "WL", "bL"]`` for ``num_layers`` = L."""
    return [f"{p}{layer}" for layer in range(1, num_layers + 1) for p in ("W", "b")]


def chained_layers(
    params: Mapping[str, np.ndarray], *, n_in: int | None = None, n_out: int | None = None
) -> int:
    """The number of layers L, once ``params`` is checked to form a network.

    Parameters
    ----------
    params : mapping of str to ndarray
        Exactly ``W1, b1, ..., WL, bL`` with ``W_l`` of shape ``(d_{l-1}, d_l)`` and ``b_l`` of
        shape ``(d_l,)``.
    n_in, n_out : int, optional
        The widths ``d_0`` and ``d_L`` the network must have, when given.

    Returns
    -------
    int
        L, at least 1.

    Raises
    ------
    NotPlainDataError
        Naming what does not fit: up to five missing or extra keys, or the first layer whose
        shapes do not fit together, that does not take the previous one's output, or the wrong
        input or output width.
    """
    layers = sum(1 for k in params if k.startswith("W"))
    if layers < 1 or set(params) != set(layer_keys(layers)):
        wrong = sorted(set(params) ^ set(layer_keys(layers)), key=str)
        shown = ", ".join(map(repr, wrong[:5])) + (", ..." if len(wrong) > 5 else "")
        raise NotPlainDataError(
            f"params must be exactly W1, b1, ..., WL, bL; missing or extra: {shown or 'all'}"
        )
    width = n_in
    for layer in range(1, layers + 1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise NotPlainDataError(
                f"W{layer} has shape {W.shape} and b{layer} {b.shape}; they do not fit together"
            )
        if width is not None and W.shape[0] != width:
            source = f"W{layer - 1}'s output" if layer > 1 else "the data"
            raise NotPlainDataError(f"W{layer} has {W.shape[0]} rows; {source} has {width} columns")
        width = W.shape[1]
    if n_out is not None and width != n_out:
        raise NotPlainDataError(f"the network has {width} outputs, expected {n_out}")
    return layers


def relu_mlp_scores(params: Mapping[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Scores of ``x -> relu(x W1 + b1) -> ... -> x WL + bL`` (eval mode: no dropout).

    Parameters
    ----------
    params : mapping of str to ndarray
        ``W1, b1, ..., WL, bL``; checked by :func:`chained_layers` with ``n_in = X.shape[1]``.
    X : ndarray of shape (N, D)
        Inputs.

    Returns
    -------
    ndarray of shape (N, d_L)
        The last layer's scores.

    Raises
    ------
    NotPlainDataError
        If the parameters do not form a network taking ``D`` inputs.
    """
    layers = chained_layers(params, n_in=X.shape[1])
    h = X
    for layer in range(1, layers + 1):
        h = h @ params[f"W{layer}"] + params[f"b{layer}"]
        if layer < layers:
            h = np.maximum(h, 0.0)
    return h
