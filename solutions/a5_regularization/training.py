"""A minibatch training loop with per-epoch history, early stopping and a progress bar."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from tqdm.auto import tqdm

from solutions._validation import (
    as_float_array,
    as_label_array,
    check_positive,
    check_same_rows,
    require_rng,
)
from solutions.a4_training_deep_nets._common import FloatArray, check_int
from solutions.a4_training_deep_nets.clipping import clip_grad_norm
from solutions.a4_training_deep_nets.minibatch import iterate_minibatches
from solutions.a4_training_deep_nets.optimizers import Optimizer
from solutions.a5_regularization.early_stopping import EarlyStopping

HISTORY_KEYS: tuple[str, ...] = (
    "epoch",
    "lr",
    "batch_loss",
    "train_loss",
    "val_loss",
    "train_acc",
    "val_acc",
)
"""Keys of the history returned by :func:`train`."""


class Classifier(Protocol):
    """What :func:`train` needs from a model (a3's ``MLP`` and a5's ``DropoutMLP`` qualify)."""

    params: dict[str, FloatArray]

    def loss(self, X: FloatArray, y: NDArray[Any]) -> tuple[float, dict[str, FloatArray]]:
        """Training objective and its gradients (``train=``/``rng=`` keywords optional)."""
        ...

    def forward(self, X: FloatArray) -> FloatArray:
        """Evaluation-mode class scores of shape (N, C)."""
        ...


def evaluate(model: Classifier, X: FloatArray, y: NDArray[Any]) -> tuple[float, float]:
    """Mean softmax cross-entropy (no penalty, no dropout) and accuracy of ``model`` on ``(X, y)``.

    Parameters
    ----------
    model : Classifier
        Anything with ``forward(X) -> scores`` of shape (N, C).
    X : ndarray of shape (N, D)
    y : ndarray of shape (N,)
        Integer labels.

    Returns
    -------
    loss : float
    accuracy : float
        Fraction of rows whose ``argmax`` score is the label.
    """
    func = "evaluate"
    as_float_array(X, func, "X", ndim=2)
    as_label_array(y, func, "y")
    check_same_rows(func, X=X, y=y)
    scores = np.asarray(model.forward(X), dtype=np.float64)
    if scores.ndim != 2 or scores.shape[0] != y.shape[0] or (y.size and y.max() >= scores.shape[1]):
        raise ValueError(
            f"{func}: model.forward(X) returned shape {scores.shape}, expected (N, C) scores "
            f"with N = {y.shape[0]} and C > max(y)"
        )
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(y.shape[0])
    return float(-log_p[rows, y].mean()), float(np.mean(scores.argmax(axis=1) == y))


def _takes_train_flag(model: Any) -> bool:
    try:
        names = inspect.signature(model.loss).parameters
    except (TypeError, ValueError):
        return False
    return "train" in names and "rng" in names


def train(
    model: Classifier,
    X_train: FloatArray,
    y_train: NDArray[Any],
    X_val: FloatArray,
    y_val: NDArray[Any],
    *,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    early_stopping: EarlyStopping | None = None,
    lr_schedule: Callable[[int], float] | None = None,
    clip_norm: float | None = None,
    progress: bool = True,
) -> dict[str, list[float]]:
    """Train ``model`` by minibatch optimisation and record the learning curves.

    Each epoch ``e = 0, 1, ...``:

    1. if ``lr_schedule`` is given, ``optimizer.lr = lr_schedule(e)``;
    2. for each ``(Xb, yb)`` of ``iterate_minibatches(X_train, y_train, batch_size, rng)``
       (one ``rng.permutation`` per epoch): ``loss, grads = model.loss(Xb, yb, train=True,
       rng=rng)`` (plain ``model.loss(Xb, yb)`` if the model's ``loss`` takes no ``train``/
       ``rng``, like a3's MLP), optionally ``clip_grad_norm(grads, clip_norm)``, then
       ``model.params.update(optimizer.step(model.params, grads))``;
    3. evaluate in eval mode (no dropout) the mean cross-entropy (without the L2 penalty) and
       the accuracy on the whole training and validation sets, and append them to the history;
    4. if ``early_stopping`` is given, call ``early_stopping.step(val_loss, model.params)`` and
       stop when it returns True.

    At the end, when ``early_stopping`` is given, the model's parameters are replaced by the
    best ones it kept (``model.params.update(early_stopping.restore())``).

    Parameters
    ----------
    model : Classifier
        Has ``params`` (dict of arrays, updated in place by key), ``loss`` and ``forward``, e.g.
        :class:`~solutions.a5_regularization.DropoutMLP`.
    X_train : ndarray of shape (N, D)
    y_train : ndarray of shape (N,)
        Integer labels.
    X_val : ndarray of shape (M, D)
    y_val : ndarray of shape (M,)
    optimizer : Optimizer
        a4's :class:`~solutions.a4_training_deep_nets.Optimizer`, e.g.
        ``Optimizer.from_name("adam", lr=1e-3)`` or ``Optimizer(adam_init, adamw_step, lr=...,
        weight_decay=...)``.
    epochs : int
        Maximum number of epochs (>= 1).
    batch_size : int
        Minibatch size (>= 1).
    rng : np.random.Generator
        Shuffles every epoch and draws the dropout masks.
    early_stopping : EarlyStopping, optional
    lr_schedule : callable, optional
        ``lr_schedule(epoch) -> lr``, e.g. ``lambda e: cosine_schedule(0.1, e, epochs)``.
    clip_norm : float, optional
        Clip the global gradient norm of every step to this value.
    progress : bool, default True
        Show a tqdm progress bar over the epochs.

    Returns
    -------
    history : dict of str to list
        One entry per epoch run, under the keys ``"epoch"`` (int), ``"lr"``, ``"batch_loss"``
        (mean training objective of the epoch's minibatches, with dropout and penalty),
        ``"train_loss"``, ``"val_loss"``, ``"train_acc"``, ``"val_acc"``.
    """
    func = "train"
    for name, attr in (("params", "params"), ("loss", "loss"), ("forward", "forward")):
        if not hasattr(model, attr):
            raise TypeError(f"{func}: argument 'model' has no '{name}'; expected an MLP-like model")
    as_float_array(X_train, func, "X_train", ndim=2)
    as_float_array(X_val, func, "X_val", ndim=2)
    as_label_array(y_train, func, "y_train")
    as_label_array(y_val, func, "y_val")
    check_same_rows(func, X_train=X_train, y_train=y_train)
    check_same_rows(func, X_val=X_val, y_val=y_val)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{func}: argument 'optimizer' must be an a4 Optimizer, got {type(optimizer).__name__}"
        )
    n_epochs = check_int(epochs, func, "epochs")
    check_int(batch_size, func, "batch_size")
    require_rng(rng, func)
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise TypeError(f"{func}: argument 'early_stopping' must be an EarlyStopping or None")
    if clip_norm is not None:
        check_positive(clip_norm, func, "clip_norm")
    flag = _takes_train_flag(model)

    history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
    bar = tqdm(range(n_epochs), desc="epochs", disable=not progress, leave=False)
    for epoch in bar:
        if lr_schedule is not None:
            optimizer.lr = float(lr_schedule(epoch))
        batch_losses = []
        for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
            if flag:
                loss, grads = model.loss(Xb, yb, train=True, rng=rng)  # type: ignore[call-arg]
            else:
                loss, grads = model.loss(Xb, yb)
            if clip_norm is not None:
                grads, _ = clip_grad_norm(grads, clip_norm)
            model.params.update(optimizer.step(model.params, grads))
            batch_losses.append(loss)
        train_loss, train_acc = evaluate(model, X_train, y_train)
        val_loss, val_acc = evaluate(model, X_val, y_val)
        for key, value in (
            ("epoch", epoch),
            ("lr", optimizer.lr),
            ("batch_loss", float(np.mean(batch_losses))),
            ("train_loss", train_loss),
            ("val_loss", val_loss),
            ("train_acc", train_acc),
            ("val_acc", val_acc),
        ):
            history[key].append(value)
        bar.set_postfix(train_loss=f"{train_loss:.3f}", val_loss=f"{val_loss:.3f}")
        if early_stopping is not None and early_stopping.step(val_loss, model.params):
            break
    bar.close()
    if early_stopping is not None and early_stopping.best_epoch is not None:
        model.params.update(early_stopping.restore())
    return history
