"""Probes and measures of a5's trained parts: the training loop and the overfitting study.

The training-loop probe runs the student's ``train`` on the grader's own linear model and a
scripted early stopper, recording which rows each minibatch held, the returned history and the
final parameters; its measure replays the loop the notebook specifies (an independent
implementation) and compares. The study's probe records the trained networks' parameters; its
measure computes their accuracy on the held-out test split, which the notebook never loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.judging.probes.core import register, register_measure, student_function
from autograder.judging.probes.relu_mlp import chained_layers, relu_mlp_scores, trained_model
from autograder.judging.records import NotPlainDataError, Record, record_array, to_plain
from autograder.judging.spec import Part
from autograder.student.datasets import load_digits_split

FloatArray = np.ndarray


# ------------------------------------------------------------------------------ training loop

HISTORY_KEYS = ("train_loss", "val_loss", "train_acc", "val_acc")


def _softmax_ce(scores: FloatArray, y: FloatArray) -> tuple[float, FloatArray]:
    """Mean softmax cross-entropy of ``scores`` and its gradient (the grader's own, float64)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(scores.shape[0])
    d = np.exp(log_p)
    d[rows, y] -= 1.0
    return float(-log_p[rows, y].mean()), d / scores.shape[0]


class _RecordingModel:
    """The grader's model for the training-loop part: a linear softmax classifier.

    Column 0 of every input row holds the row's index, so ``loss`` can record which rows each
    minibatch held. ``params`` is ``{"W1": (D, C), "b1": (C,)}``; ``loss`` returns the mean
    cross-entropy and its gradients, ``forward`` the scores, ``predict`` the labels.
    """

    def __init__(self, W: FloatArray, b: FloatArray) -> None:
        self.params = {"W1": W.copy(), "b1": b.copy()}
        self.batches: list[FloatArray] = []
        self.flags: list[bool] = []

    def forward(self, X: FloatArray, *, train: bool = False, rng: Any = None) -> FloatArray:
        return np.asarray(X) @ self.params["W1"] + self.params["b1"]

    def predict(self, X: FloatArray) -> FloatArray:
        return np.argmax(self.forward(X), axis=1)

    def loss(
        self, X: FloatArray, y: FloatArray, *, train: bool = False, rng: Any = None
    ) -> tuple[float, dict[str, FloatArray]]:
        X = np.asarray(X, dtype=np.float64)
        self.batches.append(X[:, 0].copy())
        self.flags.append(bool(train))
        loss, d = _softmax_ce(self.forward(X), np.asarray(y))
        return loss, {"W1": X.T @ d, "b1": d.sum(axis=0)}


class _ScriptedStopper:
    """The grader's early stopper: records each ``step``, says stop at epoch ``stop_at``, and
    restores a copy of the parameters it was given at epoch ``best``."""

    def __init__(self, stop_at: int, best: int) -> None:
        self.stop_at, self.best = stop_at, best
        self.losses: list[float] = []
        self.kept: dict[str, FloatArray] | None = None

    def step(self, val_loss: float, params: Mapping[str, FloatArray]) -> bool:
        epoch = len(self.losses)
        self.losses.append(float(val_loss))
        if epoch == self.best:
            self.kept = {k: np.array(v, copy=True) for k, v in params.items()}
        return epoch >= self.stop_at

    def restore(self) -> dict[str, FloatArray]:
        return {k: v.copy() for k, v in (self.kept or {}).items()}


@register("a5_train")
def probe_train(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Run the student's ``train`` on the grader's linear model (and scripted stopper).

    Case args: ``X_train``, ``y_train``, ``X_val``, ``y_val`` (column 0 of ``X_train`` is the
    row index), ``W``, ``b`` (initial parameters), ``lr``, ``epochs``, ``batch_size``, ``seed``,
    optionally ``stop_at`` and ``best`` (an early stopper is passed) and ``progress``. Records
    the rows of every minibatch (``batch_rows``, concatenated, and ``batch_sizes``), whether
    every ``loss`` call had ``train=True`` (``loss_train_flags``), the returned history
    (``history_<key>``), the final parameters (``final_W1``, ``final_b1``) and the validation
    losses the stopper received (``stopper_losses``).
    """
    fn = student_function(namespace, "train")
    model = _RecordingModel(args["W"], args["b"])
    kwargs: dict[str, Any] = {
        "lr": float(args["lr"]),
        "epochs": int(args["epochs"]),
        "batch_size": int(args["batch_size"]),
        "rng": np.random.default_rng(int(args["seed"])),
    }
    stopper = None
    if "stop_at" in args:
        stopper = _ScriptedStopper(int(args["stop_at"]), int(args["best"]))
        kwargs["early_stopping"] = stopper
    if "progress" in args:
        kwargs["progress"] = bool(args["progress"])
    history = fn(
        model,
        args["X_train"].copy(),
        args["y_train"].copy(),
        args["X_val"].copy(),
        args["y_val"].copy(),
        **kwargs,
    )
    if not isinstance(history, dict):
        raise NotPlainDataError(f"train returned a {type(history).__name__}, expected a dict")
    rec: Record = {
        "batch_rows": np.concatenate(model.batches) if model.batches else np.zeros(0),
        "batch_sizes": np.array([len(b) for b in model.batches], dtype=np.int64),
        "loss_train_flags": np.array(model.flags, dtype=bool),
        "final_W1": to_plain(model.params["W1"], "model.params['W1'] after train"),
        "final_b1": to_plain(model.params["b1"], "model.params['b1'] after train"),
    }
    for key in HISTORY_KEYS:
        if key in history:
            rec[f"history_{key}"] = to_plain(list(history[key]), f"history[{key!r}]")
    if stopper is not None:
        rec["stopper_losses"] = np.array(stopper.losses, dtype=np.float64)
    return rec


def _replay_train(args: Mapping[str, Any]) -> dict[str, Any]:
    """The training the notebook asks for, replayed by the grader (an independent implementation).

    Each epoch: ``order = rng.permutation(N)``, minibatches ``order[s:s + batch_size]``, Adam
    (0.9, 0.999, 1e-8, bias-corrected) on every parameter, then the mean cross-entropy and the
    accuracy on both splits; the scripted stopper ends the run at ``stop_at`` and the
    parameters of epoch ``best`` are restored.
    """
    X, y = np.asarray(args["X_train"], dtype=np.float64), np.asarray(args["y_train"])
    Xv, yv = np.asarray(args["X_val"], dtype=np.float64), np.asarray(args["y_val"])
    params = {"W1": np.array(args["W"], dtype=np.float64), "b1": np.array(args["b"], dtype=float)}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v2 = {k: np.zeros_like(v) for k, v in params.items()}
    t = {k: 0 for k in params}
    lr, bs = float(args["lr"]), int(args["batch_size"])
    rng = np.random.default_rng(int(args["seed"]))
    rows: list[FloatArray] = []
    history: dict[str, list[float]] = {k: [] for k in HISTORY_KEYS}
    kept = None
    stop_at = int(args["stop_at"]) if "stop_at" in args else None
    best = int(args["best"]) if "best" in args else None
    for epoch in range(int(args["epochs"])):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], bs):
            idx = order[start : start + bs]
            rows.append(idx.astype(np.float64))
            _, d = _softmax_ce(X[idx] @ params["W1"] + params["b1"], y[idx])
            grads = {"W1": X[idx].T @ d, "b1": d.sum(axis=0)}
            for k in params:
                t[k] += 1
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v2[k] = 0.999 * v2[k] + 0.001 * grads[k] ** 2
                m_hat, v_hat = m[k] / (1 - 0.9 ** t[k]), v2[k] / (1 - 0.999 ** t[k])
                params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
        for split, (Xs, ys) in (("train", (X, y)), ("val", (Xv, yv))):
            scores = Xs @ params["W1"] + params["b1"]
            history[f"{split}_loss"].append(_softmax_ce(scores, ys)[0])
            history[f"{split}_acc"].append(float(np.mean(scores.argmax(axis=1) == ys)))
        if epoch == best:
            kept = {k: val.copy() for k, val in params.items()}
        if stop_at is not None and epoch >= stop_at:
            break
    if kept is not None:
        params = kept
    return {"rows": np.concatenate(rows), "history": history, "params": params}


@register_measure("a5_train")
def measure_train(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Compare the recorded run with the grader's replay (:func:`_replay_train`).

    ``minibatches_ok``: the same rows in the same minibatches, every ``loss`` call in train
    mode; ``history_ok``: the four history lists, one entry per epoch run, equal to the replay's
    (relative 1e-6); ``params_ok``: the final parameters equal the replay's (relative 1e-6, so
    the BLAS's last bits never matter); ``early_stopping_ok`` (cases with a stopper): ``step``
    called once per epoch with that epoch's validation loss and training stopped when it said so
    (that the best parameters were restored is ``params_ok``).
    """
    want = _replay_train(args)
    rows = record_array(record, "batch_rows")
    flags = np.asarray(record.get("loss_train_flags", np.zeros(0, dtype=bool)), dtype=bool)
    rec = dict(record)
    rec["minibatches_ok"] = bool(
        rows.shape == want["rows"].shape and np.array_equal(rows, want["rows"]) and flags.all()
    )
    hist_ok = True
    for key in HISTORY_KEYS:
        got = record.get(f"history_{key}")
        exp = np.asarray(want["history"][key])
        hist_ok &= (
            got is not None
            and np.shape(got) == exp.shape
            and bool(np.allclose(np.asarray(got, dtype=np.float64), exp, rtol=1e-6, atol=1e-9))
        )
    rec["history_ok"] = bool(hist_ok)
    rec["params_ok"] = all(
        np.shape(record[f"final_{k}"]) == v.shape
        and bool(np.allclose(record_array(record, f"final_{k}"), v, rtol=1e-6, atol=1e-9))
        for k, v in want["params"].items()
    )
    if "stop_at" in args:
        got = record_array(record, "stopper_losses")
        exp = np.asarray(want["history"]["val_loss"])
        rec["early_stopping_ok"] = bool(
            got.shape == exp.shape and np.allclose(got, exp, rtol=1e-6, atol=1e-9)
        )
    return rec


# ------------------------------------------------------------------------------ the study

STUDY_MODELS = ("model_none", "model_l2", "model_dropout", "model_early")


@register("a5_study")
def probe_study(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """The parameters of the trained network named by ``args["variable"]``, as raw arrays.

    Records ``param_<key>`` for every ``W<l>``/``b<l>`` in the model's ``params`` dict, and the
    model's ``reg`` and ``p`` attributes (as ``attr_reg``, ``attr_p``) when it has them.
    """
    name = str(args["variable"])
    model, rec = trained_model(namespace, name, "a trained DropoutMLP")
    for attr in ("reg", "p"):
        value = getattr(model, attr, None)
        if isinstance(value, (int, float, np.integer, np.floating)):
            rec[f"attr_{attr}"] = float(value)
    return rec


@register_measure("a5_study")
def measure_study(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Accuracy of the returned parameters on the held-out test split (loaded here).

    Records ``accuracy_<variable>``, ``has_hidden_layer`` and ``regularised``: the model named
    ``model_l2`` has ``reg > 0``, ``model_dropout`` has ``p > 0`` (others: True).
    """
    params = {
        k.removeprefix("param_"): record_array(record, k) for k in record if k.startswith("param_")
    }
    for key, value in params.items():
        if not np.all(np.isfinite(value)):
            raise NotPlainDataError(f"{args['variable']}.params[{key!r}] holds NaN or inf")
    data = load_digits_split(include_test=True)
    chained_layers(params, n_in=data["X_test"].shape[1], n_out=10)
    scores = relu_mlp_scores(params, data["X_test"])
    rec = dict(record)
    rec[f"accuracy_{args['variable']}"] = float(np.mean(scores.argmax(axis=1) == data["y_test"]))
    rec["has_hidden_layer"] = sum(1 for k in params if k.startswith("W")) >= 2
    needed = {"model_l2": "attr_reg", "model_dropout": "attr_p"}.get(str(args["variable"]))
    rec["regularised"] = needed is None or float(record.get(needed, 0.0)) > 0
    return rec
