"""Inverted dropout, forward and backward, and Monte Carlo dropout predictions.

``p`` is the probability of DROPPING a unit (as in PyTorch's ``nn.Dropout(p)``). Inverted dropout
rescales the kept units by ``1 / (1 - p)`` during training, so every unit's expected value is
unchanged, ``E[out] = (1 - p) * x / (1 - p) = x``, and evaluation needs no rescaling: it is the
identity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from solutions._validation import as_float_array, check_probability, require_rng
from solutions.a4_training_deep_nets._common import FloatArray, check_int

DropoutCache = tuple[Any, float, bool]


def dropout_forward(
    x: FloatArray, p: float, *, train: bool, rng: np.random.Generator | None = None
) -> tuple[FloatArray, DropoutCache]:
    """Inverted dropout.

    Train mode: the keep mask is drawn with exactly one call
    ``mask = rng.random(x.shape) >= p`` (so a unit is kept with probability ``1 - p``; the draw
    is made even when ``p = 0``, where it keeps everything), and
    ``out = x * mask / (1 - p)``. Eval mode: ``out`` is a copy of ``x`` and ``rng`` is not used.

    Parameters
    ----------
    x : ndarray of any shape
        Activations, floating point.
    p : float
        Drop probability in ``[0, 1)``.
    train : bool
        Training (drop and rescale) or evaluation (identity).
    rng : np.random.Generator, optional
        Required in train mode.

    Returns
    -------
    out : ndarray, same shape and dtype as ``x``
    cache : tuple
        Opaque, for :func:`dropout_backward`.
    """
    func = "dropout_forward"
    as_float_array(x, func, "x")
    check_probability(p, func, "p")
    if not isinstance(train, bool | np.bool_):
        raise TypeError(f"{func}: argument 'train' must be True or False, got {train!r}")
    if not train:
        return x.copy(), (None, float(p), False)
    gen = require_rng(rng, func)
    mask = gen.random(x.shape) >= p
    out = (x * mask / (1 - p)).astype(x.dtype, copy=False)
    return out, (mask, float(p), True)


def dropout_backward(dout: FloatArray, cache: DropoutCache) -> FloatArray:
    """Backward pass of :func:`dropout_forward`: ``dx = dout * mask / (1 - p)`` in train mode,
    ``dx = dout`` (a copy) in eval mode.

    Parameters
    ----------
    dout : ndarray, shape of the forward input
    cache : tuple
        From :func:`dropout_forward`.

    Returns
    -------
    dx : ndarray, same shape and dtype as ``dout``
    """
    func = "dropout_backward"
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(f"{func}: argument 'cache' must be the cache returned by dropout_forward")
    mask, p, train = cache
    as_float_array(dout, func, "dout")
    if not train:
        return dout.copy()
    if dout.shape != mask.shape:
        raise ValueError(
            f"{func}: argument 'dout' has shape {dout.shape}, expected the forward input's "
            f"shape {mask.shape}"
        )
    return (dout * mask / (1 - p)).astype(dout.dtype, copy=False)


def mc_dropout_predict(
    model: Callable[[FloatArray, np.random.Generator], FloatArray] | Any,
    X: FloatArray,
    *,
    n_samples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Monte Carlo dropout: average ``n_samples`` stochastic forward passes with dropout ON.

    Keeping dropout active at test time samples a different thinned network per pass; the mean
    of the passes approximates the prediction of the ensemble and their spread shows how
    uncertain the network is about each input.

    Parameters
    ----------
    model : callable or model
        Either a function ``forward(X, rng) -> out`` that applies dropout in train mode with the
        given generator, or an object with ``predict_proba(X, *, train, rng)`` (such as
        :class:`~solutions.a5_regularization.DropoutMLP`), called with ``train=True``. Return
        probabilities for a classifier, predictions for a regressor.
    X : ndarray of shape (N, D)
        Inputs.
    n_samples : int
        Number of stochastic passes (>= 1), made one after the other with the same ``rng``.
    rng : np.random.Generator

    Returns
    -------
    mean : ndarray of shape (N, K)
        Mean over the passes.
    std : ndarray of shape (N, K)
        Standard deviation over the passes (population, ``ddof=0``).
    """
    func = "mc_dropout_predict"
    if callable(model):
        forward = model
    elif hasattr(model, "predict_proba"):

        def forward(Xb: FloatArray, r: np.random.Generator) -> FloatArray:
            return np.asarray(model.predict_proba(Xb, train=True, rng=r))

    else:
        raise TypeError(
            f"{func}: argument 'model' must be a function forward(X, rng) or have a "
            f"predict_proba(X, *, train, rng) method, got {type(model).__name__}"
        )
    as_float_array(X, func, "X", min_ndim=1)
    S = check_int(n_samples, func, "n_samples")
    require_rng(rng, func)
    outs = np.stack([np.asarray(forward(X, rng)) for _ in range(S)])
    return outs.mean(axis=0), outs.std(axis=0)
