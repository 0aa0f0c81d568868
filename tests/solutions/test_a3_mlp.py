"""a3 MLP: gradient checks of every parameter, a naive second implementation, init, training."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import solutions.a3_backprop_mlp as a3
from tests.numeric import assert_grad_close, numeric_grad
from tests.solutions.test_a3_layers import ELEMENTWISE, naive
from tests.solutions.test_a3_losses import naive_bce, naive_hinge, naive_softmax_ce

KINKED = {"relu", "leaky_relu", "elu"}
LOSSES = ["softmax", "mse", "bce", "hinge"]


def naive_forward(
    params: dict[str, np.ndarray], X: np.ndarray, activation: str
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Scores and hidden pre-activations, with the activation applied entry by entry (math)."""
    L = len(params) // 2
    h, pre = X, []
    for layer in range(1, L + 1):
        z = h @ params[f"W{layer}"] + params[f"b{layer}"]
        if layer < L:
            pre.append(z)
            h = naive(activation, z)
    return z, pre


def naive_loss(
    params: dict[str, np.ndarray], X: np.ndarray, y: Any, activation: str, loss: str, reg: float
) -> float:
    scores, _ = naive_forward(params, X, activation)
    if loss == "softmax":
        data = naive_softmax_ce(scores, y)
    elif loss == "hinge":
        data = naive_hinge(scores, y)
    elif loss == "bce":
        data = naive_bce(scores, y)
    else:
        data = float(np.mean((scores - y) ** 2))
    penalty = sum(float(np.sum(w**2)) for k, w in params.items() if k.startswith("W"))
    return data + 0.5 * reg * penalty


def make_targets(rng: np.random.Generator, loss: str, N: int, C: int) -> np.ndarray:
    if loss in ("softmax", "hinge"):
        return rng.integers(0, C, size=N)
    if loss == "bce":
        return rng.uniform(size=(N, C))
    return rng.standard_normal((N, C))


def far_from_kinks(model: a3.MLP, X: np.ndarray, y: np.ndarray) -> bool:
    """True if every kinked pre-activation and hinge margin is at least 1e-3 from its kink."""
    scores, pre = naive_forward(model.params, X, model.activation)
    if model.activation in KINKED and any(np.any(np.abs(z) < 1e-3) for z in pre):
        return False
    if model.loss_type == "hinge":
        rows = np.arange(len(y))
        margins = scores - scores[rows, y][:, None] + 1.0
        margins[rows, y] = 1.0
        return bool(np.all(np.abs(margins) >= 1e-3))
    return True


def random_setup(
    sizes: list[int], activation: str, loss: str, reg: float, N: int, seed: int
) -> tuple[a3.MLP, np.ndarray, np.ndarray]:
    """A model with NON-ZERO random biases and data kept away from every kink (resampled)."""
    rng = np.random.default_rng(seed)
    model = a3.MLP(sizes, activation, rng, reg=reg, loss=loss)
    y = make_targets(rng, loss, N, sizes[-1])
    while True:
        for layer in range(1, model.num_layers + 1):
            model.params[f"b{layer}"] = rng.standard_normal(sizes[layer]) * 0.5
        X = rng.standard_normal((N, sizes[0]))
        if far_from_kinks(model, X, y):
            return model, X, y


def check_all_grads(model: a3.MLP, X: np.ndarray, y: np.ndarray) -> None:
    loss, grads = model.loss(X, y)
    assert set(grads) == set(model.params)
    for key, value in list(model.params.items()):
        assert grads[key].shape == value.shape
        assert grads[key].dtype == value.dtype

        def f(v: np.ndarray, key: str = key) -> float:
            model.params[key] = v
            return model.loss(X, y)[0]

        numeric = numeric_grad(f, value.copy())
        model.params[key] = value
        assert_grad_close(grads[key], numeric, f_scale=loss)


# ---------------------------------------------------------------- gradient checks


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ELEMENTWISE)
def test_mlp_gradcheck_every_activation_and_loss(activation: str, loss: str) -> None:
    model, X, y = random_setup([4, 5, 4, 3], activation, loss, reg=0.1, N=5, seed=10)
    assert all(np.any(model.params[f"b{k}"] != 0) for k in (1, 2, 3))
    check_all_grads(model, X, y)


@pytest.mark.parametrize(
    "sizes",
    [[3, 2], [4, 6, 3], [3, 4, 4, 4, 2], [2, 3, 3, 3, 3, 3]],
    ids=lambda s: "-".join(map(str, s)),
)
@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
def test_mlp_gradcheck_depths(sizes: list[int], activation: str) -> None:
    model, X, y = random_setup(sizes, activation, "softmax", reg=0.3, N=4, seed=len(sizes))
    check_all_grads(model, X, y)


def test_mlp_gradcheck_leaky_relu_parameter() -> None:
    rng = np.random.default_rng(11)
    model = a3.MLP([3, 4, 2], "leaky_relu", rng, activation_params={"alpha": 0.2})
    model.params["b1"] = rng.standard_normal(4)
    X = rng.standard_normal((4, 3))
    y = rng.integers(0, 2, size=4)
    _, pre = naive_forward(model.params, X, "relu")
    assert np.all(np.abs(pre[0]) > 1e-3)
    check_all_grads(model, X, y)
    # by hand: a negative pre-activation z gives 0.2 z
    out = model.forward(np.zeros((1, 3)))
    h = np.where(model.params["b1"] > 0, model.params["b1"], 0.2 * model.params["b1"])
    np.testing.assert_allclose(out[0], h @ model.params["W2"] + model.params["b2"], rtol=1e-14)


def test_mlp_directional_check_larger_net() -> None:
    """Three random directions per parameter tensor on a bigger net (docs/architecture.md)."""
    model, X, y = random_setup([64, 32, 32, 10], "relu", "softmax", reg=0.01, N=20, seed=12)
    loss, grads = model.loss(X, y)
    rng = np.random.default_rng(13)
    h = 1e-6
    for key, value in list(model.params.items()):
        for _ in range(3):
            v = rng.standard_normal(value.shape)
            model.params[key] = value + h * v
            plus = model.loss(X, y)[0]
            model.params[key] = value - h * v
            minus = model.loss(X, y)[0]
            model.params[key] = value
            assert_grad_close(np.sum(grads[key] * v), (plus - minus) / (2 * h), f_scale=loss)


# ---------------------------------------------------------------- a second implementation


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ["sigmoid", "relu", "elu", "silu"])
def test_mlp_loss_matches_naive(activation: str, loss: str) -> None:
    model, X, y = random_setup([3, 5, 4, 3], activation, loss, reg=0.2, N=6, seed=14)
    expected = naive_loss(model.params, X, y, activation, loss, reg=0.2)
    assert model.loss(X, y)[0] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        model.forward(X), naive_forward(model.params, X, activation)[0], rtol=1e-12, atol=1e-14
    )


def test_l2_applies_to_weights_only() -> None:
    model, X, y = random_setup([3, 4, 2], "tanh", "softmax", reg=0.0, N=5, seed=15)
    loss0, grads0 = model.loss(X, y)
    model.reg = 0.7
    loss1, grads1 = model.loss(X, y)
    W1, W2 = model.params["W1"], model.params["W2"]
    # penalty 0.5 * reg * (sum W1^2 + sum W2^2), gradient reg * W, biases untouched
    assert loss1 - loss0 == pytest.approx(0.35 * (np.sum(W1**2) + np.sum(W2**2)), rel=1e-12)
    np.testing.assert_allclose(grads1["W1"] - grads0["W1"], 0.7 * W1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads1["W2"] - grads0["W2"], 0.7 * W2, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(grads1["b1"], grads0["b1"])
    np.testing.assert_array_equal(grads1["b2"], grads0["b2"])


def test_loss_mutates_neither_inputs_nor_parameters() -> None:
    model, X, y = random_setup([3, 4, 4, 2], "relu", "softmax", reg=0.1, N=5, seed=16)
    X_before = X.copy()
    params_before = {k: v.copy() for k, v in model.params.items()}
    model.loss(X, y)
    model.forward(X)
    np.testing.assert_array_equal(X, X_before)
    for key, value in params_before.items():
        np.testing.assert_array_equal(model.params[key], value)


def test_predict() -> None:
    model, X, _ = random_setup([3, 4, 3], "relu", "softmax", reg=0.0, N=6, seed=17)
    scores = naive_forward(model.params, X, "relu")[0]
    np.testing.assert_array_equal(model.predict(X), np.argmax(scores, axis=1))
    assert model.predict(X).dtype == np.int64
    model.loss_type = "bce"
    np.testing.assert_array_equal(model.predict(X), (scores > 0).astype(int))
    model.loss_type = "mse"
    np.testing.assert_allclose(model.predict(X), scores, rtol=1e-13)


def test_accepts_image_shaped_input() -> None:
    rng = np.random.default_rng(18)
    model = a3.MLP([12, 5, 3], "relu", rng)
    X = rng.standard_normal((4, 3, 2, 2))
    np.testing.assert_array_equal(model.forward(X), model.forward(X.reshape(4, 12)))


# ---------------------------------------------------------------- initialisation


@pytest.mark.parametrize(
    ("activation", "std_of"),
    [
        ("relu", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
        ("gelu", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
        ("leaky_relu", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
        ("tanh", lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out))),
        ("sigmoid", lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out))),
    ],
)
def test_init_scale(activation: str, std_of: Any) -> None:
    model = a3.MLP([400, 300, 100], activation, np.random.default_rng(19))
    for layer, (fan_in, fan_out) in enumerate([(400, 300), (300, 100)], start=1):
        W = model.params[f"W{layer}"]
        # 30k+ samples: the sample std is within 2% of the true one with overwhelming probability
        assert W.std() == pytest.approx(std_of(fan_in, fan_out), rel=0.02)
        assert abs(W.mean()) < 0.05 * std_of(fan_in, fan_out)
        np.testing.assert_array_equal(model.params[f"b{layer}"], 0.0)


def test_init_weight_scale_and_reproducibility() -> None:
    a = a3.MLP([5, 4, 3], "relu", np.random.default_rng(20), weight_scale=1e-2)
    rng = np.random.default_rng(20)
    # documented draw order: W1 then W2, float64 standard normals times the scale
    np.testing.assert_array_equal(a.params["W1"], rng.standard_normal((5, 4)) * 1e-2)
    np.testing.assert_array_equal(a.params["W2"], rng.standard_normal((4, 3)) * 1e-2)
    b = a3.MLP([5, 4, 3], "relu", np.random.default_rng(20), weight_scale=1e-2)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert list(a.params) == ["W1", "b1", "W2", "b2"]
    c = a3.MLP([5, 4, 3], "relu", np.random.default_rng(21), weight_scale=1e-2)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_float32_model() -> None:
    m64 = a3.MLP([6, 8, 3], "tanh", np.random.default_rng(22))
    m32 = a3.MLP([6, 8, 3], "tanh", np.random.default_rng(22), dtype=np.float32)
    for key in m64.params:
        assert m32.params[key].dtype == np.float32
        np.testing.assert_array_equal(m32.params[key], m64.params[key].astype(np.float32))
    X = np.random.default_rng(23).standard_normal((10, 6))
    y = np.arange(10) % 3
    assert m32.forward(X).dtype == np.float32  # float64 input is converted to the model's dtype
    assert m32.forward(X.astype(np.float32)).dtype == np.float32
    loss32, grads32 = m32.loss(X.astype(np.float32), y)
    loss64, grads64 = m64.loss(X, y)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for key in grads64:
        assert grads32[key].dtype == np.float32
        np.testing.assert_allclose(grads32[key], grads64[key], rtol=1e-3, atol=1e-5)


# ---------------------------------------------------------------- it learns


def test_xor_is_solved_by_one_hidden_layer() -> None:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = a3.MLP([2, 8, 2], "tanh", np.random.default_rng(0))
    for _ in range(500):
        _, grads = model.loss(X, y)
        for key, grad in grads.items():
            model.params[key] -= 0.5 * grad
    np.testing.assert_array_equal(model.predict(X), y)
    assert model.loss(X, y)[0] < 0.05
    # a linear model (no hidden layer) cannot: at least one XOR point stays wrong
    linear = a3.MLP([2, 2], "relu", np.random.default_rng(0))
    for _ in range(500):
        _, grads = linear.loss(X, y)
        for key, grad in grads.items():
            linear.params[key] -= 0.5 * grad
    assert np.sum(linear.predict(X) != y) >= 1


def test_fused_softmax_loss_of_the_network_matches_the_public_one() -> None:
    from solutions.a3_backprop_mlp.mlp import _softmax_cross_entropy_inplace

    rng = np.random.default_rng(24)
    for dtype in (np.float64, np.float32):
        scores = (rng.standard_normal((9, 6)) * 4).astype(dtype)
        y = rng.integers(0, 6, size=9)
        loss, d = a3.softmax_cross_entropy_loss(scores, y)
        fused_loss, fused_d = _softmax_cross_entropy_inplace(scores.copy(), y)
        assert fused_d.dtype == dtype
        assert fused_loss == pytest.approx(loss, rel=1e-6 if dtype == np.float32 else 1e-14)
        np.testing.assert_allclose(fused_d, d, rtol=1e-5 if dtype == np.float32 else 1e-13)
