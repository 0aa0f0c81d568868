"""L2 penalty vs decoupled weight decay, for SGD and for Adam (AdamW).

An L2 penalty ``0.5 * reg * ||w||**2`` adds ``reg * w`` to the gradient, and that sum is what the
optimiser sees. Decoupled weight decay instead shrinks the weights directly,
``w <- w * (1 - lr * weight_decay)``, and lets the optimiser see the data gradient only.

- For SGD the two are the same update:
  ``w - lr * (dw + reg * w) = w * (1 - lr * reg) - lr * dw``, so ``weight_decay = reg`` in this
  lr-scaled convention (PyTorch's). In the unscaled convention of Loshchilov & Hutter,
  ``w <- (1 - lambda) w - lr * dw``, the equivalence reads ``lambda = lr * reg``.
- For Adam they differ: the penalty's gradient ``reg * w`` is divided by ``sqrt(vhat)`` like the
  rest of the gradient, so weights with large gradients are barely regularised. AdamW decays every
  weight at the same relative rate ``lr * weight_decay``, whatever its gradient history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from solutions._validation import as_float_array, check_positive
from solutions.a4_training_deep_nets._common import FloatArray, check_int
from solutions.a4_training_deep_nets.optimizers import (
    State,
    adam_init,
    adam_step,
    sgd_init,
    sgd_step,
)


def _check_pair(func: str, w: Any, dw: Any) -> None:
    as_float_array(w, func, "w")
    as_float_array(dw, func, "dw")
    if w.shape != dw.shape:
        raise ValueError(
            f"{func}: arguments 'w' and 'dw' must have the same shape, got {w.shape} and {dw.shape}"
        )


def sgd_l2_step(
    w: FloatArray, dw: FloatArray, state: State, *, lr: float, reg: float
) -> tuple[FloatArray, State]:
    """SGD on the L2-penalised loss: ``w - lr * (dw + reg * w)``.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
        Gradient of the DATA loss (without the penalty).
    state : dict
        From :func:`~solutions.a4_training_deep_nets.sgd_init` (empty).
    lr : float
        Learning rate (>= 0).
    reg : float
        L2 strength (>= 0); the penalty is ``0.5 * reg * sum(w**2)``.

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
    """
    func = "sgd_l2_step"
    _check_pair(func, w, dw)
    check_positive(reg, func, "reg", allow_zero=True)
    return sgd_step(w, dw + reg * w, state, lr=lr)


def sgd_decoupled_step(
    w: FloatArray, dw: FloatArray, state: State, *, lr: float, weight_decay: float
) -> tuple[FloatArray, State]:
    """SGD with decoupled weight decay: ``w * (1 - lr * weight_decay) - lr * dw``.

    Mathematically identical to :func:`sgd_l2_step` with ``reg = weight_decay`` (the results
    differ only by floating-point rounding).

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
        Gradient of the data loss.
    state : dict
        Empty (from ``sgd_init``).
    lr : float
        Learning rate (>= 0).
    weight_decay : float
        Decay coefficient (>= 0), scaled by ``lr`` as in PyTorch.

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
    """
    func = "sgd_decoupled_step"
    _check_pair(func, w, dw)
    check_positive(weight_decay, func, "weight_decay", allow_zero=True)
    check_positive(lr, func, "lr", allow_zero=True)
    return sgd_step(w * (1 - lr * weight_decay), dw, state, lr=lr)


def adam_l2_step(
    w: FloatArray,
    dw: FloatArray,
    state: State,
    *,
    lr: float,
    reg: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[FloatArray, State]:
    """Adam on the L2-penalised loss: the gradient ``dw + reg * w`` is fed to Adam.

    Equals ``torch.optim.Adam(weight_decay=reg)``.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
        Gradient of the data loss.
    state : dict
        From :func:`~solutions.a4_training_deep_nets.adam_init` or the previous step.
    lr : float
    reg : float
        L2 strength (>= 0).
    beta1, beta2, eps : float
        Adam's hyper-parameters (defaults 0.9, 0.999, 1e-8).

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
        ``{"m", "v", "t"}``.
    """
    func = "adam_l2_step"
    _check_pair(func, w, dw)
    check_positive(reg, func, "reg", allow_zero=True)
    return adam_step(w, dw + reg * w, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


def adamw_step(
    w: FloatArray,
    dw: FloatArray,
    state: State,
    *,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> tuple[FloatArray, State]:
    """One AdamW step (``torch.optim.AdamW``): decay the weights, then take Adam's step.

    ``w' = w * (1 - lr * weight_decay)``; then, with the data gradient ``dw`` only,
    ``t <- t + 1``, ``m <- b1 m + (1 - b1) dw``, ``v <- b2 v + (1 - b2) dw**2`` and
    ``w_new = w' - lr * mhat / (sqrt(vhat) + eps)`` with the bias-corrected ``mhat``, ``vhat``.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
        Gradient of the data loss (no penalty term).
    state : dict
        ``{"m", "v", "t"}`` from ``adam_init`` or the previous step.
    lr : float
        Learning rate (>= 0).
    beta1, beta2 : float, default 0.9 and 0.999
    eps : float, default 1e-8
    weight_decay : float, default 1e-2
        Decoupled decay coefficient (>= 0), PyTorch's default.

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
    """
    func = "adamw_step"
    _check_pair(func, w, dw)
    check_positive(weight_decay, func, "weight_decay", allow_zero=True)
    check_positive(lr, func, "lr", allow_zero=True)
    decayed = w * (1 - lr * weight_decay)
    return adam_step(decayed, dw, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)


def _default_grad(w: FloatArray) -> FloatArray:
    # Data loss 0.5 * sum(c_i (w_i - 1)^2) with very different curvatures c = (10, 0.1).
    return np.array([10.0, 0.1]) * (w - 1.0)


def l2_vs_decoupled_decay(
    w0: FloatArray | None = None,
    grad_fn: Callable[[FloatArray], FloatArray] | None = None,
    *,
    reg: float = 0.1,
    lr_sgd: float = 0.05,
    lr_adam: float = 0.05,
    num_steps: int = 100,
) -> dict[str, Any]:
    """Run SGD+L2, SGD+decoupled decay, Adam+L2 and AdamW side by side from the same start.

    The two SGD runs use ``reg`` and ``weight_decay = reg`` and end at the same point (up to
    rounding); the two Adam runs use the same numbers and do not.

    Parameters
    ----------
    w0 : ndarray, optional
        Start, default ``(0.0, 0.0)``.
    grad_fn : callable, optional
        ``grad_fn(w) -> dw``, the gradient of the data loss. Default: the gradient of
        ``0.5 * (10 (w_0 - 1)**2 + 0.1 (w_1 - 1)**2)``, a bowl whose two coordinates have very
        different gradient scales (which is where Adam+L2 and AdamW part ways).
    reg : float, default 0.1
        L2 strength and decoupled decay coefficient (>= 0).
    lr_sgd, lr_adam : float, default 0.05
        Learning rates.
    num_steps : int, default 100

    Returns
    -------
    dict
        ``"sgd_l2"``, ``"sgd_decoupled"``, ``"adam_l2"``, ``"adamw"``: final weights, each
        shaped like ``w0``; ``"sgd_max_abs_diff"`` and ``"adam_max_abs_diff"``: the largest
        entrywise difference between the two runs of each optimiser (float; about 1e-16 for
        SGD, clearly non-zero for Adam).
    """
    func = "l2_vs_decoupled_decay"
    w_start = np.zeros(2) if w0 is None else as_float_array(w0, func, "w0")
    g = _default_grad if grad_fn is None else grad_fn
    check_positive(reg, func, "reg", allow_zero=True)
    T = check_int(num_steps, func, "num_steps")

    runs: dict[str, Any] = {}
    for name, init, step, kwargs in (
        ("sgd_l2", sgd_init, sgd_l2_step, {"lr": lr_sgd, "reg": reg}),
        ("sgd_decoupled", sgd_init, sgd_decoupled_step, {"lr": lr_sgd, "weight_decay": reg}),
        ("adam_l2", adam_init, adam_l2_step, {"lr": lr_adam, "reg": reg}),
        ("adamw", adam_init, adamw_step, {"lr": lr_adam, "weight_decay": reg}),
    ):
        w = w_start.copy()
        state = init(w)
        for _ in range(T):
            w, state = step(w, g(w), state, **kwargs)
        runs[name] = w
    runs["sgd_max_abs_diff"] = float(np.max(np.abs(runs["sgd_l2"] - runs["sgd_decoupled"])))
    runs["adam_max_abs_diff"] = float(np.max(np.abs(runs["adam_l2"] - runs["adamw"])))
    return runs
