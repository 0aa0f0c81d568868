"""Loss functions with their gradients: ``name(pred, target) -> (loss, dpred)``.

Every loss is a mean (over all entries for the elementwise losses, over the batch for the
classification losses), returned as a Python ``float``; the gradient has the shape and dtype of the
prediction. Which output layer and loss go with which task:

==============================  ======================  =========================================
task                            network output          loss
==============================  ======================  =========================================
regression                      linear, ``(N, K)``      :func:`mse_loss`
binary / multilabel             logits, ``(N, K)``      :func:`bce_with_logits_loss` (sigmoid)
multiclass, one label each      scores, ``(N, C)``      :func:`softmax_cross_entropy_loss`
multiclass, max-margin          scores, ``(N, C)``      :func:`hinge_loss`
==============================  ======================  =========================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array, as_label_array, check_positive, check_same_rows
from solutions.a3_backprop_mlp._checks import check_nonempty, check_same_shape

FloatArray = NDArray[np.floating[Any]]


def _elementwise_args(func: str, pred: Any, target: Any, pred_name: str, target_name: str) -> None:
    """Validate the prediction/target pair of an elementwise loss."""
    as_float_array(pred, func, pred_name, min_ndim=1)
    check_same_shape(func, pred, target, pred_name, target_name)
    as_float_array(target, func, target_name, min_ndim=1)
    if pred.size == 0:
        raise ValueError(
            f"{func}: argument '{pred_name}' is empty (shape {pred.shape}); "
            "the mean of no entries is undefined"
        )


def mse_loss(pred: FloatArray, target: FloatArray) -> tuple[float, FloatArray]:
    """Mean squared error over ALL entries: ``mean((pred - target) ** 2)``.

    There is no factor 1/2, so this equals ``torch.nn.functional.mse_loss`` and the gradient is
    ``2 * (pred - target) / pred.size``.

    Parameters
    ----------
    pred : ndarray of shape (N, ...)
        Predictions, floating point.
    target : ndarray of shape (N, ...)
        Targets, same shape, floating point.

    Returns
    -------
    loss : float
    dpred : ndarray of shape (N, ...)
        Gradient with respect to ``pred``, dtype of ``pred``.
    """
    _elementwise_args("mse_loss", pred, target, "pred", "target")
    diff = pred - target
    loss = float(np.mean(diff * diff))
    return loss, (diff * (2.0 / diff.size)).astype(pred.dtype, copy=False)


def bce_with_logits_loss(logits: FloatArray, targets: FloatArray) -> tuple[float, FloatArray]:
    """Binary cross-entropy on logits, a mean over all entries, stable for any logit.

    For a logit ``z`` and target ``t`` in ``[0, 1]``, with ``s = sigmoid(z)``,
    ``-t log s - (1 - t) log(1 - s) = max(z, 0) - z t + log(1 + exp(-|z|))``. The right-hand side
    never exponentiates a positive number, so it neither overflows nor takes ``log(0)``. The
    gradient is ``(s - t) / size``. Each column can be its own binary problem (multilabel).

    Parameters
    ----------
    logits : ndarray of shape (N, ...)
        Raw scores (before the sigmoid), floating point.
    targets : ndarray of shape (N, ...)
        Targets in ``[0, 1]`` (hard 0/1 labels or soft probabilities), floating point.

    Returns
    -------
    loss : float
    dlogits : ndarray of shape (N, ...)
        Gradient with respect to ``logits``, dtype of ``logits``.

    Raises
    ------
    ValueError
        If a target lies outside ``[0, 1]``, or the shapes differ.
    """
    func = "bce_with_logits_loss"
    _elementwise_args(func, logits, targets, "logits", "targets")
    if not np.all((targets >= 0) & (targets <= 1)):
        raise ValueError(
            f"{func}: argument 'targets' must lie in [0, 1], got values in "
            f"[{np.nanmin(targets)}, {np.nanmax(targets)}]"
        )
    z, t = logits, targets
    e = np.exp(-np.abs(z))
    loss = float(np.mean(np.maximum(z, 0) - z * t + np.log1p(e)))
    s = 1.0 / (1.0 + e)
    np.multiply(s, e, out=s, where=z < 0)  # sigmoid(z) = e / (1 + e) for z < 0
    dlogits = (s - t) * (1.0 / z.size)
    return loss, dlogits.astype(logits.dtype, copy=False)


def _class_args(func: str, scores: Any, y: Any) -> tuple[int, int]:
    """Validate ``scores`` (N, C) and labels ``y`` (N,) of a classification loss; return N, C."""
    as_float_array(scores, func, "scores", ndim=2)
    check_nonempty(scores, func, "scores")
    as_label_array(y, func, "y", num_classes=scores.shape[1])
    N = check_same_rows(func, scores=scores, y=y)
    return N, scores.shape[1]


def softmax_cross_entropy_loss(
    scores: FloatArray, y: NDArray[np.integer[Any]]
) -> tuple[float, FloatArray]:
    """Softmax cross-entropy, mean over the batch: ``mean_i(log sum_k exp(s_ik) - s_iy_i)``.

    The log-sum-exp is computed after subtracting each row's maximum, so it is stable for scores
    of any magnitude. The gradient is ``(softmax(scores) - onehot(y)) / N``; each of its rows sums
    to 0.

    Parameters
    ----------
    scores : ndarray of shape (N, C)
        Class scores (logits), floating point.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.

    Returns
    -------
    loss : float
    dscores : ndarray of shape (N, C)
        Dtype of ``scores``.
    """
    N, _ = _class_args("softmax_cross_entropy_loss", scores, y)
    rows = np.arange(N)
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    norm = p.sum(axis=1)
    loss = float(np.mean(np.log(norm) - shifted[rows, y]))
    p /= norm[:, None]
    p[rows, y] -= 1.0
    p /= N
    return loss, p


def hinge_loss(
    scores: FloatArray, y: NDArray[np.integer[Any]], delta: float = 1.0
) -> tuple[float, FloatArray]:
    """Multiclass hinge (SVM) loss, mean over the batch.

    ``L = 1/N sum_i sum_{j != y_i} max(0, s_ij - s_iy_i + delta)``. A wrong class with a positive
    margin gets gradient ``+1/N`` and pushes the correct class by ``-1/N``; at a kink (margin
    exactly 0) the subgradient 0 is used.

    Parameters
    ----------
    scores : ndarray of shape (N, C)
        Class scores, floating point.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    delta : float, default 1.0
        Required margin (> 0).

    Returns
    -------
    loss : float
    dscores : ndarray of shape (N, C)
        Dtype of ``scores``.
    """
    func = "hinge_loss"
    N, _ = _class_args(func, scores, y)
    check_positive(delta, func, "delta")
    rows = np.arange(N)
    margins = scores - scores[rows, y][:, None] + delta
    margins[rows, y] = 0.0
    active = margins > 0
    loss = float(np.sum(margins, where=active)) / N
    dscores = active.astype(scores.dtype)
    dscores[rows, y] = -active.sum(axis=1)
    dscores /= N
    return loss, dscores
