"""a1's probes and measures (``autograder.judging.probes.a1``): sgd and the trained model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.judging.probes import PROBES, measure_record, run_probe
from autograder.judging.spec import Check, Part
from tests.judging.student_code import student


def test_every_part_probe_of_a1_is_registered() -> None:
    for name in ("call", "loss_grad", "perceptron", "sgd", "trained_accuracy"):
        assert name in PROBES


def test_sgd_probe_records_batches(tmp_path: Path) -> None:
    # A "student" sgd written here independently of solutions: plain minibatch SGD.
    ns = student(
        tmp_path,
        """
        def sgd(loss_fn, W0, X, y, *, lr, reg, batch_size, num_iters, rng):
            W = W0.copy()
            hist = []
            for _ in range(num_iters):
                idx = rng.choice(X.shape[0], size=batch_size, replace=False)
                loss, dW = loss_fn(W, X[idx], y[idx], reg)
                hist.append(loss)
                W = W - lr * dW
            return W, hist
    """,
    )
    rng = np.random.default_rng(3)
    N = 10
    feats = rng.standard_normal((N, 2))
    X = np.hstack([feats, np.arange(N, dtype=float)[:, None]])
    args = {
        "X": X,
        "y": np.zeros(N, dtype=np.int64),
        "targets": feats @ rng.standard_normal((2, 2)),
        "W0": np.zeros((3, 2)),
        "lr": 0.1,
        "reg": 0.0,
        "batch_size": 4,
        "num_iters": 30,
        "seed": 5,
    }
    part = Part("test_sgd", "SGD", ("sgd",), 1, "sgd", (Check("true", "batch_sizes_ok"),))
    raw = run_probe(ns, part, args)
    assert "__error__" not in raw, raw.get("__error__")
    # the sandbox side records raw values only; the verdicts are the trusted measure's
    assert "batch_sizes_ok" not in raw and "replay_ok" not in raw
    assert raw["batch_lens"].tolist() == [4] * 30 and raw["batch_ids"].size == 120
    rec = measure_record(part, args, raw)
    assert rec["num_calls"] == 30
    assert rec["batch_sizes_ok"] is True and rec["distinct_rows_ok"] is True
    assert rec["loss_decreased"] is True and rec["w0_unchanged"] is True
    assert rec["replay_ok"] is True
    assert rec["history"].shape == (30,)


def test_sgd_measure_rejects_forged_records(tmp_path: Path) -> None:
    """A forged record (good-looking batches, weights not from SGD on them) fails the replay."""
    rng = np.random.default_rng(3)
    N = 10
    feats = rng.standard_normal((N, 2))
    args = {
        "X": np.hstack([feats, np.arange(N, dtype=float)[:, None]]),
        "y": np.zeros(N, dtype=np.int64),
        "targets": feats @ rng.standard_normal((2, 2)),
        "W0": np.zeros((3, 2)),
        "lr": 0.1,
        "reg": 0.0,
        "batch_size": 4,
        "num_iters": 3,
        "seed": 5,
    }
    part = Part("test_sgd", "SGD", ("sgd",), 1, "sgd", (Check("true", "replay_ok"),))
    forged = {
        "W": np.zeros((3, 2)),  # "never updates"
        "history": np.array([3.0, 2.0, 1.0]),
        "W0_after": np.zeros((3, 2)),
        "batch_ids": np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]),
        "batch_lens": np.array([4, 4, 4]),
    }
    rec = measure_record(part, args, forged)
    assert rec["batch_sizes_ok"] and rec["distinct_rows_ok"] and rec["loss_decreased"]
    assert rec["replay_ok"] is False
    out_of_range = {**forged, "batch_ids": np.array([0, 1, 2, 99] * 3)}
    assert measure_record(part, args, out_of_range)["__status__"] == "error"


def test_trained_accuracy_probe_needs_the_global(tmp_path: Path) -> None:
    part = Part(
        "t",
        "t",
        ("best_W",),
        1,
        "trained_accuracy",
        (Check("at_least", "accuracy"),),
        options={"variable": "best_W"},
    )
    rec = run_probe({}, part, {"split": "val"})
    assert rec["__status__"] == "error" and "best_W" in rec["__error__"]
    raw = run_probe({"best_W": np.zeros((64, 10))}, part, {"split": "val"})
    assert "accuracy" not in raw  # measured on the trusted side only
    rec = measure_record(part, {"split": "val"}, raw)
    assert rec["__status__"] == "error" and "(65, 10)" in rec["__error__"]
    nan = measure_record(part, {"split": "val"}, {"W": np.full((65, 10), np.nan)})
    assert nan["accuracy"] == 0.0
