"""a5 dropout: documented mask, eval identity, mean preservation, gradients, MC dropout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from solutions.a5_regularization import (
    DropoutMLP,
    dropout_backward,
    dropout_forward,
    mc_dropout_predict,
)
from tests.numeric import assert_grad_close, numeric_grad


def test_train_mode_uses_the_documented_mask() -> None:
    x = np.random.default_rng(0).standard_normal((5, 7))
    out, _ = dropout_forward(x, 0.3, train=True, rng=np.random.default_rng(11))
    mask = np.random.default_rng(11).random((5, 7)) >= 0.3
    np.testing.assert_array_equal(out, x * mask / 0.7)


def test_p_zero_keeps_everything() -> None:
    x = np.random.default_rng(1).standard_normal(10)
    out, cache = dropout_forward(x, 0.0, train=True, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dropout_backward(np.ones(10), cache), np.ones(10))


@settings(max_examples=30, deadline=None)
@given(
    x=arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 5)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    ),
    p=st.floats(0.0, 0.99),
)
def test_eval_mode_is_the_identity_and_uses_no_randomness(x: np.ndarray, p: float) -> None:
    rng = np.random.default_rng(3)
    out, cache = dropout_forward(x, p, train=False, rng=rng)
    np.testing.assert_array_equal(out, x)
    assert out is not x
    assert rng.random() == np.random.default_rng(3).random()  # generator untouched
    dout = np.ones_like(x)
    np.testing.assert_array_equal(dropout_backward(dout, cache), dout)


@settings(max_examples=20, deadline=None)
@given(
    p=st.floats(0.05, 0.9),
    c=st.floats(-3.0, 3.0).filter(lambda v: abs(v) > 0.1),
    seed=st.integers(0, 2**32 - 1),
)
def test_train_mode_preserves_the_mean(p: float, c: float, seed: int) -> None:
    n = 40_000
    out, _ = dropout_forward(np.full(n, c), p, train=True, rng=np.random.default_rng(seed))
    # Each entry is c / (1 - p) with probability 1 - p, else 0: mean c, variance
    # c^2 p / (1 - p). The sample mean's standard error is |c| sqrt(p / ((1 - p) n)); allow 6.
    se = abs(c) * np.sqrt(p / ((1 - p) * n))
    assert abs(out.mean() - c) <= 6 * se
    assert set(np.unique(out)).issubset({0.0, c / (1 - p)})


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_dropout_backward_matches_finite_differences(p: float) -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 6))
    dout = rng.standard_normal((4, 6))
    out, cache = dropout_forward(x, p, train=True, rng=np.random.default_rng(9))
    dx = dropout_backward(dout, cache)

    def f(v: np.ndarray) -> float:  # the same seed gives the same mask on every call
        return float(
            np.sum(dout * dropout_forward(v, p, train=True, rng=np.random.default_rng(9))[0])
        )

    assert_grad_close(dx, numeric_grad(f, x), float(np.sum(dout * out)))


def test_dropout_mlp_gradients_with_dropout_active() -> None:
    rng = np.random.default_rng(5)
    model = DropoutMLP([4, 6, 5, 3], "tanh", rng, p=0.4, reg=0.05)
    for k in model.params:
        if k.startswith("b"):
            model.params[k] = rng.standard_normal(model.params[k].shape)  # non-zero biases
    X = rng.standard_normal((6, 4))
    y = rng.integers(0, 3, 6)
    loss, grads = model.loss(X, y, train=True, rng=np.random.default_rng(21))
    for name, value in list(model.params.items()):

        def f(v: np.ndarray, name: str = name) -> float:
            saved = model.params[name]
            model.params[name] = v
            try:
                return model.loss(X, y, train=True, rng=np.random.default_rng(21))[0]
            finally:
                model.params[name] = saved

        assert_grad_close(grads[name], numeric_grad(f, value), loss)
    # The masks really are active: eval mode gives another loss.
    assert model.loss(X, y)[0] != pytest.approx(loss)


def test_float32_and_errors() -> None:
    x = np.ones((3, 3), dtype=np.float32)
    out, cache = dropout_forward(x, 0.5, train=True, rng=np.random.default_rng(0))
    assert out.dtype == np.float32
    assert dropout_backward(np.ones((3, 3), np.float32), cache).dtype == np.float32
    for bad in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="dropout_forward: argument 'p'"):
            dropout_forward(x, bad, train=True, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="dropout_forward: argument 'rng'"):
        dropout_forward(x, 0.5, train=True)
    with pytest.raises(TypeError, match="dropout_forward: argument 'train'"):
        dropout_forward(x, 0.5, train="yes", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="dropout_backward: argument 'dout'"):
        dropout_backward(np.ones((2, 3)), cache)


# ------------------------------------------------------------------------------ MC dropout


def test_mc_dropout_mean_and_spread_of_input_dropout() -> None:
    p = 0.5
    X = np.array([[1.0, -2.0], [0.5, 3.0]])

    def forward(Xb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return dropout_forward(Xb, p, train=True, rng=rng)[0]

    S = 4000
    mean, std = mc_dropout_predict(forward, X, n_samples=S, rng=np.random.default_rng(6))
    # Each sample is 0 or 2x with probability 1/2: mean x, standard deviation |x|. The mean's
    # standard error is |x| / sqrt(S). If a fraction f = 1/2 + d of the S samples kept x, the
    # sample std is exactly 2|x| sqrt(f (1 - f)) = |x| sqrt(1 - 4 d^2); d has standard error
    # 1 / (2 sqrt(S)), and at 6 of them (d = 0.047) the relative error is 0.45% < 1%.
    assert np.all(np.abs(mean - X) <= 6 * np.abs(X) / np.sqrt(S))
    np.testing.assert_allclose(std, np.abs(X), rtol=0.01)


def test_mc_dropout_of_a_deterministic_function_has_no_spread() -> None:
    X = np.arange(6.0).reshape(3, 2)
    mean, std = mc_dropout_predict(
        lambda Xb, r: Xb * 2, X, n_samples=5, rng=np.random.default_rng(0)
    )
    np.testing.assert_array_equal(mean, X * 2)
    np.testing.assert_array_equal(std, 0.0)


def test_mc_dropout_accepts_a_dropout_mlp() -> None:
    rng = np.random.default_rng(7)
    model = DropoutMLP([3, 8, 4], "relu", rng, p=0.5)
    X = rng.standard_normal((5, 3))
    mean, std = mc_dropout_predict(model, X, n_samples=10, rng=np.random.default_rng(1))
    assert mean.shape == std.shape == (5, 4)
    np.testing.assert_allclose(mean.sum(axis=1), 1.0)
    assert std.max() > 0
    # same samples as calling predict_proba in train mode by hand, in order
    r = np.random.default_rng(1)
    manual = np.stack([model.predict_proba(X, train=True, rng=r) for _ in range(10)])
    np.testing.assert_allclose(mean, manual.mean(axis=0), rtol=1e-14)
    with pytest.raises(TypeError, match="mc_dropout_predict: argument 'model'"):
        mc_dropout_predict(object(), X, n_samples=2, rng=r)
    with pytest.raises(ValueError, match="mc_dropout_predict: argument 'n_samples'"):
        mc_dropout_predict(model, X, n_samples=0, rng=r)
