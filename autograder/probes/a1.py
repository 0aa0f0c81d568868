"""Probes specific to assignment a1 (linear classifiers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.datasets import load_digits_split
from autograder.probes.core import register, student_function, unpack
from autograder.records import NotPlainDataError, Record, to_plain
from autograder.spec import Part


@register("perceptron")
def probe_perceptron(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Fit with ``perceptron_fit(X, y, epochs=, lr=)`` then predict on ``X_test``.

    Records ``w`` and ``pred`` (predictions of the student's own predict on the fitted ``w``).
    """
    fit = student_function(namespace, "perceptron_fit")
    predict = student_function(namespace, "perceptron_predict")
    w = fit(args["X"], args["y"], epochs=int(args["epochs"]), lr=float(args["lr"]))
    rec = unpack(w, ("w",), "perceptron_fit")
    pred = predict(np.asarray(w), args["X_test"])
    rec.update(unpack(pred, ("pred",), "perceptron_predict"))
    return rec


def _quadratic_loss(recorder: list[np.ndarray], targets: np.ndarray) -> Any:
    """A least-squares loss ``0.5/B * ||X' W' - T[rows]||^2`` that records every batch it sees.

    The last column of ``X`` is a tag, not a feature: it holds each sample's id, so the probe can
    tell which samples each minibatch held. ``X'`` and ``W'`` drop the tag column and its row
    (whose gradient is then only the penalty's).
    """

    def loss_fn(
        W: np.ndarray, Xb: np.ndarray, yb: np.ndarray, reg: float
    ) -> tuple[float, np.ndarray]:
        ids = np.rint(Xb[:, -1]).astype(int)
        recorder.append(ids.copy())
        T = targets[ids]
        R = Xb[:, :-1] @ W[:-1] - T
        B = Xb.shape[0]
        loss = 0.5 * float(np.sum(R * R)) / B + 0.5 * reg * float(np.sum(W * W))
        grad = reg * W
        grad[:-1] += Xb[:, :-1].T @ R / B
        return loss, grad

    return loss_fn


@register("sgd")
def probe_sgd(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Run the student's ``sgd`` on a recording least-squares loss.

    Records the final ``W``, the ``history``, ``w0_unchanged`` (``W0`` was not modified in
    place), and facts about the minibatches: ``batch_sizes_ok`` (every
    batch had ``batch_size`` rows), ``distinct_rows_ok`` (no sample twice in a batch),
    ``num_calls`` and ``loss_decreased`` (the mean of the last fifth of the history below the
    first fifth's).
    """
    sgd = student_function(namespace, "sgd")
    X, y, targets = args["X"], args["y"], args["targets"]
    batches: list[np.ndarray] = []
    W0_before = np.array(args["W0"], copy=True)
    loss_fn = _quadratic_loss(batches, targets)
    out = sgd(
        loss_fn,
        args["W0"],
        X,
        y,
        lr=float(args["lr"]),
        reg=float(args["reg"]),
        batch_size=int(args["batch_size"]),
        num_iters=int(args["num_iters"]),
        rng=np.random.default_rng(int(args["seed"])),
    )
    rec = unpack(out, ("W", "history"), "sgd")
    history = np.asarray(rec["history"], dtype=np.float64).ravel()
    bs = int(args["batch_size"])
    rec["num_calls"] = len(batches)
    rec["w0_unchanged"] = bool(np.array_equal(args["W0"], W0_before))
    rec["batch_sizes_ok"] = bool(batches) and all(len(b) == bs for b in batches)
    rec["distinct_rows_ok"] = bool(batches) and all(len(np.unique(b)) == len(b) for b in batches)
    fifth = max(1, history.size // 5)
    rec["loss_decreased"] = bool(
        history.size > 1 and float(np.mean(history[-fifth:])) < float(np.mean(history[:fifth]))
    )
    return rec


@register("trained_accuracy")
def probe_trained_accuracy(
    namespace: Mapping[str, Any], part: Part, args: dict[str, Any]
) -> Record:
    """Accuracy of the notebook's trained weights (a global) on a split the student never used.

    Options: ``variable`` (the global's name, e.g. ``"best_W"``), ``split`` (``"test"``).
    """
    name = part.options.get("variable", "best_W")
    if namespace.get(name) is None:
        raise NotPlainDataError(
            f"`{name}` is not set: run the search cell that trains and stores your best weights"
        )
    W = to_plain(namespace[name], f"`{name}`")
    split = str(args.get("split", part.options.get("split", "val")))
    data = load_digits_split(bias=True, include_test=True)
    X, y = data[f"X_{split}"], data[f"y_{split}"]
    if not isinstance(W, np.ndarray) or W.shape != (X.shape[1], 10):
        shape = getattr(W, "shape", None)
        raise NotPlainDataError(
            f"`{name}` has shape {shape}, expected ({X.shape[1]}, 10) (with the bias row)"
        )
    return {"accuracy": float(np.mean(np.argmax(X @ W, axis=1) == y))}
