"""Probes specific to assignment a1 (linear classifiers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.judging.probes.core import register, register_measure, student_function, unpack
from autograder.judging.records import NotPlainDataError, Record, to_plain
from autograder.judging.spec import Part
from autograder.student.datasets import load_digits_split


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
    """Run the student's ``sgd`` on a recording least-squares loss; record raw values only.

    Records the returned ``W`` and ``history``, ``W0_after`` (the caller's ``W0`` after the
    call), and the minibatches the student's code passed to ``loss_fn``: ``batch_ids`` (their
    sample ids, concatenated) and ``batch_lens`` (their sizes). Every verdict on them is made by
    :func:`measure_sgd` on the trusted side.
    """
    sgd = student_function(namespace, "sgd")
    X, y, targets = args["X"], args["y"], args["targets"]
    batches: list[np.ndarray] = []
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
    rec["W0_after"] = np.array(args["W0"], copy=True)
    rec["batch_ids"] = (
        np.concatenate(batches).astype(np.int64) if batches else np.zeros(0, dtype=np.int64)
    )
    rec["batch_lens"] = np.array([len(b) for b in batches], dtype=np.int64)
    return rec


def _int_vector(rec: Record, key: str) -> np.ndarray:
    value = np.asarray(rec.get(key, np.zeros(0)))
    if value.ndim != 1 or value.dtype.kind not in "iu":
        raise NotPlainDataError(f"the grader's record {key!r} is malformed")
    return value.astype(np.int64)


@register_measure("sgd")
def measure_sgd(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: judge the minibatches and replay the update rule on them.

    Adds ``num_calls``, ``w0_unchanged`` (against the trusted copy of ``W0``),
    ``batch_sizes_ok``, ``distinct_rows_ok``, ``loss_decreased`` and ``replay_ok``: starting
    from ``W0``, the update ``W <- W - lr * dW`` on each minibatch the student's code drew, with
    the trusted loss, gives the returned history (the loss before each update) and final ``W``.
    So a record that claims good batches must also carry the weights and losses that honest
    SGD on those batches produces.
    """
    ids, lens = _int_vector(rec, "batch_ids"), _int_vector(rec, "batch_lens")
    N = int(args["X"].shape[0])
    if lens.sum() != ids.size or (ids.size and (ids.min() < 0 or ids.max() >= N)):
        raise NotPlainDataError("the minibatches recorded do not fit the data")
    bs = int(args["batch_size"])
    batches = np.split(ids, np.cumsum(lens)[:-1]) if lens.size else []
    history = np.asarray(rec["history"], dtype=np.float64).ravel()
    rec["num_calls"] = int(lens.size)
    rec["w0_unchanged"] = bool(np.array_equal(np.asarray(rec["W0_after"]), args["W0"]))
    rec["batch_sizes_ok"] = bool(lens.size) and bool(np.all(lens == bs))
    rec["distinct_rows_ok"] = bool(lens.size) and all(len(np.unique(b)) == len(b) for b in batches)
    fifth = max(1, history.size // 5)
    rec["loss_decreased"] = bool(
        history.size > 1 and float(np.mean(history[-fifth:])) < float(np.mean(history[:fifth]))
    )
    replayed: list[np.ndarray] = []
    loss_fn = _quadratic_loss(replayed, args["targets"])
    W = np.array(args["W0"], dtype=np.float64, copy=True)
    losses = []
    for batch in batches:
        loss, grad = loss_fn(W, args["X"][batch], args["y"][batch], float(args["reg"]))
        losses.append(loss)
        W = W - float(args["lr"]) * grad
    got_W = np.asarray(rec["W"], dtype=np.float64)
    rec["replay_ok"] = bool(
        len(batches) == int(args["num_iters"])
        and got_W.shape == W.shape
        and history.shape == (len(losses),)
        and np.allclose(got_W, W, rtol=1e-6, atol=1e-9)
        and np.allclose(history, losses, rtol=1e-6, atol=1e-9)
    )
    return rec


@register("trained_accuracy")
def probe_trained_accuracy(
    namespace: Mapping[str, Any], part: Part, args: dict[str, Any]
) -> Record:
    """The notebook's trained weights (a global), as they are: scored by the measure.

    Options: ``variable`` (the global's name, e.g. ``"best_W"``).
    """
    name = part.options.get("variable", "best_W")
    if namespace.get(name) is None:
        raise NotPlainDataError(
            f"`{name}` is not set: run the search cell that trains and stores your best weights"
        )
    return {"W": to_plain(namespace[name], f"`{name}`")}


@register_measure("trained_accuracy")
def measure_trained_accuracy(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: the weights' accuracy on a digits split the sandbox never sees.

    Case args: ``split`` (``"val"``, or ``"test"``: the held-out split, loaded only here).
    """
    name = part.options.get("variable", "best_W")
    split = str(args.get("split", part.options.get("split", "val")))
    data = load_digits_split(bias=True, include_test=True)
    X, y = data[f"X_{split}"], data[f"y_{split}"]
    W = np.asarray(rec["W"])
    if W.shape != (X.shape[1], 10) or W.dtype.kind not in "iuf":
        raise NotPlainDataError(
            f"`{name}` has shape {W.shape}, expected ({X.shape[1]}, 10) (with the bias row)"
        )
    with np.errstate(all="ignore"):
        scores = X @ W.astype(np.float64)
    ok = np.isfinite(scores).all()
    rec["accuracy"] = float(np.mean(np.argmax(scores, axis=1) == y)) if ok else 0.0
    return rec
