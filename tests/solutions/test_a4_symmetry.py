"""a4 train_two_layer: one step is gradient descent on the loss (checked by finite differences),
equal initial units stay equal, and the arguments are left alone."""

from __future__ import annotations

import numpy as np
import pytest

from solutions.a4_training_deep_nets import train_two_layer


def _loss(X, y, W1, b1, W2, b2, activation):
    A = X @ W1 + b1
    Hid = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0)}[activation](A)
    S = Hid @ W2 + b2
    S = S - S.max(axis=1, keepdims=True)
    logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return -float(np.mean(logp[np.arange(len(y)), y]))


def _numeric_grad(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * h)
    return g


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_one_step_is_a_gradient_step_on_the_mean_cross_entropy(activation: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 4))
    y = rng.integers(0, 3, 7)
    params = [
        rng.standard_normal((4, 5)),
        rng.standard_normal(5),
        rng.standard_normal((5, 3)),
        rng.standard_normal(3),
    ]
    lr = 0.3
    new = train_two_layer(X, y, *params, lr=lr, steps=1, activation=activation)
    for k in range(4):
        grad = _numeric_grad(lambda: _loss(X, y, *params, activation), params[k])
        np.testing.assert_allclose(new[k], params[k] - lr * grad, rtol=1e-6, atol=1e-8)


def test_equal_units_stay_equal_and_random_ones_differ() -> None:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((30, 6))
    y = rng.integers(0, 4, 30)
    W1, b1, W2, _ = train_two_layer(
        X, y, np.full((6, 5), 0.1), np.zeros(5), np.full((5, 4), 0.2), np.zeros(4), lr=0.5, steps=25
    )
    assert np.ptp(W1, axis=1).max() <= 1e-12 and np.ptp(b1) <= 1e-12
    assert np.ptp(W2, axis=0).max() <= 1e-12
    assert np.abs(W1 - 0.1).max() > 1e-3  # it did train
    R1, *_ = train_two_layer(
        X,
        y,
        rng.standard_normal((6, 5)),
        np.zeros(5),
        rng.standard_normal((5, 4)),
        np.zeros(4),
        lr=0.5,
        steps=25,
    )
    assert np.ptp(R1, axis=1).max() > 0.1


def test_arguments_are_not_modified_and_zero_steps_copy() -> None:
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    params = [rng.standard_normal((3, 2)), np.zeros(2), rng.standard_normal((2, 2)), np.zeros(2)]
    before = [p.copy() for p in params]
    out = train_two_layer(X, y, *params, lr=0.1, steps=3)
    for p, b in zip(params, before, strict=True):
        np.testing.assert_array_equal(p, b)
    same = train_two_layer(X, y, *params, lr=0.1, steps=0)
    for p, s in zip(params, same, strict=True):
        np.testing.assert_array_equal(p, s)
        assert s is not p
    assert not np.array_equal(out[0], params[0])
