"""a4 layer_statistics against a naive forward pass and finite-difference gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solutions.a4_training_deep_nets import init_weights, layer_statistics
from tests.numeric import numeric_grad

ACTS = {"tanh": np.tanh, "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a))}


def _naive_forward(X, ws, bs, act):
    """Loop-based forward pass, written independently of the reference."""
    hs = []
    h = X
    for W, b in zip(ws, bs, strict=True):
        a = np.zeros((h.shape[0], W.shape[1]))
        for n in range(h.shape[0]):
            for j in range(W.shape[1]):
                a[n, j] = sum(h[n, i] * W[i, j] for i in range(W.shape[0])) + b[j]
        h = ACTS[act](a)
        hs.append(h)
    return hs


@pytest.mark.parametrize("act", sorted(ACTS))
def test_statistics_match_naive_forward_and_numeric_gradients(act: str) -> None:
    rng = np.random.default_rng(0)
    sizes = [3, 4, 5, 2]
    ws = [rng.standard_normal((a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [rng.standard_normal(b) for b in sizes[1:]]  # non-zero biases
    X = rng.standard_normal((4, 3))
    dout = rng.standard_normal((4, 2))

    stats = layer_statistics(X, ws, act, biases=bs, dout=dout)

    hs = _naive_forward(X, ws, bs, act)
    np.testing.assert_allclose(stats["mean"], [h.mean() for h in hs], rtol=1e-12)
    np.testing.assert_allclose(
        stats["std"], [np.sqrt(((h - h.mean()) ** 2).mean()) for h in hs], rtol=1e-12
    )

    # The documented loss is L = sum(dout * h_L): differentiate it numerically.
    def loss_with(k: int):
        def f(Wk: np.ndarray) -> float:
            trial = list(ws)
            trial[k] = Wk
            return float(np.sum(dout * _naive_forward(X, trial, bs, act)[-1]))

        return f

    expected = [np.linalg.norm(numeric_grad(loss_with(k), ws[k])) for k in range(3)]
    np.testing.assert_allclose(stats["grad_norm"], expected, rtol=1e-6)

    dX = numeric_grad(lambda Xv: float(np.sum(dout * _naive_forward(Xv, ws, bs, act)[-1])), X)
    np.testing.assert_allclose(stats["input_grad_norm"][0], np.linalg.norm(dX), rtol=1e-6)
    for key in ("mean", "std", "grad_norm", "input_grad_norm"):
        assert stats[key].shape == (3,)


def test_default_dout_is_ones_over_n_and_biases_default_to_zero() -> None:
    rng = np.random.default_rng(1)
    ws = init_weights([4, 6, 6, 3], "xavier_normal", rng)
    X = rng.standard_normal((5, 4))
    default = layer_statistics(X, ws, "relu")
    explicit = layer_statistics(
        X, ws, "relu", biases=[np.zeros(6), np.zeros(6), np.zeros(3)], dout=np.full((5, 3), 0.2)
    )
    for key in ("mean", "std", "grad_norm", "input_grad_norm"):
        np.testing.assert_allclose(default[key], explicit[key], rtol=1e-14)


def test_return_activations() -> None:
    rng = np.random.default_rng(2)
    ws = init_weights([3, 4, 2], "he_normal", rng)
    X = rng.standard_normal((6, 3))
    stats = layer_statistics(X, ws, "relu", return_activations=True)
    acts = stats["activations"]
    assert [a.shape for a in acts] == [(6, 4), (6, 2)]
    np.testing.assert_allclose(acts[0], np.maximum(X @ ws[0], 0))


def test_small_init_vanishes_and_xavier_keeps_the_signal_in_deep_tanh_net() -> None:
    X = np.random.default_rng(3).standard_normal((100, 64))
    small = layer_statistics(
        X, init_weights([64] * 11, "small_normal", np.random.default_rng(4)), "tanh"
    )
    xavier = layer_statistics(
        X, init_weights([64] * 11, "xavier_normal", np.random.default_rng(4)), "tanh"
    )
    # std 0.01 weights multiply the spread by about 0.01 * sqrt(64) = 0.08 per layer.
    assert small["std"][-1] < 1e-8 * small["std"][0]
    assert small["grad_norm"][-1] < 1e-6
    # Xavier keeps every layer's spread within a factor of ~10 of the first one.
    assert np.all(xavier["std"] > 0.1 * xavier["std"][0])


def test_float32_is_preserved() -> None:
    rng = np.random.default_rng(5)
    ws = init_weights([3, 3, 3], "he_normal", rng, dtype=np.float32)
    stats = layer_statistics(rng.standard_normal((4, 3)).astype(np.float32), ws, "tanh")
    assert stats["std"].dtype == np.float32 and stats["grad_norm"].dtype == np.float32


def test_errors() -> None:
    X = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"layer_statistics: argument 'weights\[1\]'"):
        layer_statistics(X, [np.zeros((3, 4)), np.zeros((5, 2))], "tanh")
    with pytest.raises(ValueError, match="layer_statistics: argument 'activation'"):
        layer_statistics(X, [np.zeros((3, 4))], "softplus")
    with pytest.raises(ValueError, match="layer_statistics: argument 'dout'"):
        layer_statistics(X, [np.zeros((3, 4))], "tanh", dout=np.zeros((2, 3)))
    with pytest.raises(TypeError, match="layer_statistics: argument 'weights'"):
        layer_statistics(X, np.zeros((3, 4)), "tanh")
