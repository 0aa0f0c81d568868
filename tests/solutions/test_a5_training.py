"""a5 DropoutMLP and the training loop: consistency with a3, learning, history, early stopping."""

from __future__ import annotations

import numpy as np
import pytest

from solutions.a3_backprop_mlp import MLP
from solutions.a4_training_deep_nets import Optimizer, adam_init, sgd_init, sgd_step, step_decay
from solutions.a5_regularization import (
    HISTORY_KEYS,
    DropoutMLP,
    EarlyStopping,
    adamw_step,
    evaluate,
    train,
)


def _blobs(seed: int, n: int):
    """Three well separated Gaussian blobs in 4-D."""
    rng = np.random.default_rng(seed)
    centres = np.array([[3.0, 0, 0, 0], [0, 3.0, 0, 0], [0, 0, 3.0, 0]])
    y = rng.integers(0, 3, n)
    return centres[y] + 0.7 * rng.standard_normal((n, 4)), y


def _fit(model, X, y, Xv=None, yv=None, *, opt=None, epochs=2, batch_size=8, seed=1, **kw):
    """train() with the test-suite's defaults (validation set = training set, no bar)."""
    return train(
        model,
        X,
        y,
        X if Xv is None else Xv,
        y if yv is None else yv,
        optimizer=Optimizer.from_name("sgd", lr=0.1) if opt is None else opt,
        epochs=epochs,
        batch_size=batch_size,
        rng=np.random.default_rng(seed),
        **{"progress": False, **kw},
    )


def test_dropout_mlp_without_dropout_is_a3s_mlp() -> None:
    X, y = _blobs(0, 10)
    ours = DropoutMLP([4, 7, 5, 3], "tanh", np.random.default_rng(1), p=0.3, reg=0.1)
    ref = MLP([4, 7, 5, 3], "tanh", np.random.default_rng(1), reg=0.1)
    for k in ref.params:
        np.testing.assert_array_equal(ours.params[k], ref.params[k])
    loss, grads = ours.loss(X, y)  # eval mode: no dropout
    ref_loss, ref_grads = ref.loss(X, y)
    assert loss == pytest.approx(ref_loss, rel=1e-13)
    for k in ref_grads:
        np.testing.assert_allclose(grads[k], ref_grads[k], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X).sum(axis=1), 1.0)


def test_training_learns_and_records_the_history() -> None:
    X, y = _blobs(2, 90)
    Xv, yv = _blobs(3, 45)
    model = DropoutMLP([4, 16, 3], "relu", np.random.default_rng(4), p=0.2)
    before = evaluate(model, Xv, yv)
    hist = _fit(
        model,
        X,
        y,
        Xv,
        yv,
        opt=Optimizer.from_name("adam", lr=0.01),
        epochs=15,
        batch_size=16,
        seed=5,
    )
    assert set(hist) == set(HISTORY_KEYS)
    assert all(len(v) == 15 for v in hist.values())
    assert hist["epoch"] == list(range(15))
    assert hist["val_acc"][-1] >= 0.9  # blobs 3 apart with noise 0.7: nearly separable
    assert hist["train_loss"][-1] < 0.5 * hist["train_loss"][0]
    assert hist["val_loss"][-1] < before[0]
    # the recorded val loss is the eval-mode cross-entropy of the final model
    assert hist["val_loss"][-1] == pytest.approx(evaluate(model, Xv, yv)[0], rel=1e-12)


def test_training_is_reproducible_with_the_same_seeds() -> None:
    X, y = _blobs(6, 40)

    def run():
        m = DropoutMLP([4, 8, 3], "relu", np.random.default_rng(0), p=0.5)
        h = _fit(m, X, y, opt=Optimizer.from_name("momentum", lr=0.05), epochs=3)
        return h, m.params

    (h1, p1), (h2, p2) = run(), run()
    assert h1 == h2
    for k in p1:
        np.testing.assert_array_equal(p1[k], p2[k])


def test_sgd_training_loop_is_plain_minibatch_sgd() -> None:
    # An independent loop: same shuffles (one permutation per epoch) and plain SGD steps.
    X, y = _blobs(7, 20)
    model = DropoutMLP([4, 5, 3], "tanh", np.random.default_rng(2))
    ref = DropoutMLP([4, 5, 3], "tanh", np.random.default_rng(2))
    _fit(model, X, y, opt=Optimizer(sgd_init, sgd_step, lr=0.1), batch_size=6, seed=3)
    rng = np.random.default_rng(3)
    for _ in range(2):
        order = rng.permutation(20)
        for start in range(0, 20, 6):
            idx = order[start : start + 6]
            _, grads = ref.loss(X[idx], y[idx])
            for k in ref.params:
                ref.params[k] = ref.params[k] - 0.1 * grads[k]
    for k in ref.params:
        np.testing.assert_allclose(model.params[k], ref.params[k], rtol=1e-13, atol=1e-15)


def test_early_stopping_stops_and_restores_the_best_params() -> None:
    X, y = _blobs(8, 40)
    model = DropoutMLP([4, 8, 3], "relu", np.random.default_rng(0))
    # Nothing improves by more than 10 after epoch 0, so with patience 1 it stops at epoch 1
    # and must restore the parameters of epoch 0.
    es = EarlyStopping(patience=1, min_delta=10.0)
    hist = _fit(model, X, y, epochs=10, early_stopping=es)
    assert len(hist["val_loss"]) == 2 and es.best_epoch == 0
    assert evaluate(model, X, y)[0] == pytest.approx(hist["val_loss"][0], rel=1e-12)


def test_lr_schedule_adamw_clipping_and_a3_models() -> None:
    X, y = _blobs(9, 30)
    opt = Optimizer(adam_init, adamw_step, lr=1.0, weight_decay=0.01)
    model = DropoutMLP([4, 6, 3], "relu", np.random.default_rng(0), p=0.1)
    schedule = lambda e: step_decay(0.02, e, drop=0.5, every=2)  # noqa: E731
    hist = _fit(model, X, y, opt=opt, epochs=5, batch_size=10, clip_norm=1.0, lr_schedule=schedule)
    assert hist["lr"] == [0.02, 0.02, 0.01, 0.01, 0.005]
    # a3's MLP (whose loss has no train/rng keywords) trains through the same loop
    mlp = MLP([4, 6, 3], "relu", np.random.default_rng(0))
    h = _fit(mlp, X, y, opt=Optimizer.from_name("adam", lr=0.01), batch_size=10, progress=True)
    assert len(h["train_loss"]) == 2


def test_errors() -> None:
    X, y = _blobs(10, 12)
    model = DropoutMLP([4, 3, 3], "relu", np.random.default_rng(0), p=0.5)
    with pytest.raises(TypeError, match="train: argument 'optimizer'"):
        _fit(model, X, y, opt="adam")
    with pytest.raises(ValueError, match="train: argument 'epochs'"):
        _fit(model, X, y, epochs=0)
    with pytest.raises(TypeError, match=r"DropoutMLP\.forward: argument 'rng'"):
        model.forward(X, train=True)
    with pytest.raises(ValueError, match="DropoutMLP: argument 'p'"):
        DropoutMLP([4, 3], "relu", np.random.default_rng(0), p=1.0)
    with pytest.raises(ValueError, match=r"DropoutMLP\.loss: argument 'X'"):
        model.loss(X[:, :3], y)
