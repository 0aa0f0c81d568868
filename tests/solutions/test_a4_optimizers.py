"""a4 optimisers, gradient clipping and schedules: hand values, PyTorch parity, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from solutions.a4_training_deep_nets import (
    OPTIMIZERS,
    Optimizer,
    adam_init,
    adam_step,
    clip_grad_norm,
    cosine_schedule,
    global_grad_norm,
    momentum_init,
    momentum_step,
    nesterov_init,
    nesterov_step,
    rmsprop_init,
    rmsprop_step,
    sgd_init,
    sgd_step,
    step_decay,
)

# ------------------------------------------------------------------------------ hand values


def test_momentum_by_hand() -> None:
    # mu = 0.9, lr = 0.1, constant gradient 1: v1 = 1, v2 = 1.9, so w: 0 -> -0.1 -> -0.29.
    w = np.zeros(1)
    state = momentum_init(w)
    w, state = momentum_step(w, np.ones(1), state, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(w, [-0.1], rtol=1e-15)
    w, state = momentum_step(w, np.ones(1), state, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(w, [-0.29], rtol=1e-15)
    np.testing.assert_allclose(state["velocity"], [1.9], rtol=1e-15)


def test_nesterov_by_hand() -> None:
    # first step: v = 1, w -= 0.1 * (1 + 0.9 * 1) = 0.19.
    w, state = nesterov_step(np.zeros(1), np.ones(1), nesterov_init(np.zeros(1)), lr=0.1)
    np.testing.assert_allclose(w, [-0.19], rtol=1e-15)
    np.testing.assert_allclose(state["velocity"], [1.0])


def test_rmsprop_by_hand() -> None:
    # s = (1 - 0.99) * 2^2 = 0.04, sqrt(s) = 0.2, w = 0 - 0.1 * 2 / (0.2 + 1e-8).
    w, state = rmsprop_step(np.zeros(1), np.full(1, 2.0), rmsprop_init(np.zeros(1)), lr=0.1)
    np.testing.assert_allclose(w, [-0.2 / (0.2 + 1e-8)], rtol=1e-13)
    np.testing.assert_allclose(state["square_avg"], [0.04], rtol=1e-13)


def test_adam_first_steps_by_hand() -> None:
    # Step 1: t = 1, mhat = g, vhat = g^2, so the step is lr * g / (|g| + eps) ~ lr * sign(g).
    w0 = np.array([1.0, -1.0])
    g = np.array([0.5, -4.0])
    state = adam_init(w0)
    assert state["t"] == 0
    w1, state = adam_step(w0, g, state, lr=0.1)
    assert state["t"] == 1
    np.testing.assert_allclose(w1, w0 - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-15)
    # Step 2 with the same gradient: m = g (0.1 + 0.09)/(1 - 0.81) = g, vhat = g^2 again.
    w2, state = adam_step(w1, g, state, lr=0.1)
    assert state["t"] == 2
    np.testing.assert_allclose(w2, w1 - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-13)


# -------------------------------------------------------------------------- PyTorch parity

TORCH_CASES = [
    ("sgd", {}, "SGD", {}),
    ("sgd", {"weight_decay": 0.1}, "SGD", {"weight_decay": 0.1}),
    ("momentum", {"momentum": 0.9}, "SGD", {"momentum": 0.9}),
    (
        "momentum",
        {"momentum": 0.5, "weight_decay": 0.01},
        "SGD",
        {"momentum": 0.5, "weight_decay": 0.01},
    ),
    ("nesterov", {"momentum": 0.9}, "SGD", {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", {}, "RMSprop", {}),
    ("rmsprop", {"alpha": 0.9, "eps": 1e-6}, "RMSprop", {"alpha": 0.9, "eps": 1e-6}),
    ("adam", {}, "Adam", {}),
    (
        "adam",
        {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05},
        "Adam",
        {"betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05},
    ),
]


@pytest.mark.torch
@pytest.mark.parametrize(("name", "ours", "torch_name", "theirs"), TORCH_CASES)
def test_optimisers_match_torch_over_several_steps(
    name: str, ours: dict, torch_name: str, theirs: dict
) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4))
    grads = [rng.standard_normal((3, 4)) * (k + 1) for k in range(7)]
    lr = 0.05

    p = torch.nn.Parameter(torch.tensor(w.copy()))
    opt = getattr(torch.optim, torch_name)([p], lr=lr, **theirs)
    init, step = OPTIMIZERS[name]
    state = init(w)
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        w, state = step(w, g, state, lr=lr, **ours)
        np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------------------- properties

_floats = st.floats(-10, 10, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(OPTIMIZERS)),
    w=arrays(np.float64, (2, 3), elements=_floats),
    grads=st.lists(arrays(np.float64, (2, 3), elements=_floats), min_size=1, max_size=4),
)
def test_zero_learning_rate_is_the_identity(name: str, w: np.ndarray, grads: list) -> None:
    init, step = OPTIMIZERS[name]
    state = init(w)
    current = w
    for g in grads:
        current, state = step(current, g, state, lr=0.0)
    np.testing.assert_array_equal(current, w)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_steps_never_mutate_their_inputs(name: str) -> None:
    init, step = OPTIMIZERS[name]
    rng = np.random.default_rng(1)
    w = rng.standard_normal(5)
    state = init(w)
    w, state = step(w, rng.standard_normal(5), state, lr=0.1)  # a non-trivial state
    dw = rng.standard_normal(5)
    saved = (w.copy(), dw.copy(), {k: np.copy(v) for k, v in state.items()})
    new_w, new_state = step(w, dw, state, lr=0.1)
    np.testing.assert_array_equal(w, saved[0])
    np.testing.assert_array_equal(dw, saved[1])
    for k, v in state.items():
        np.testing.assert_array_equal(v, saved[2][k])
        assert new_state[k] is not v or not isinstance(v, np.ndarray)
    assert new_w is not w


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_in_float32_out(name: str) -> None:
    init, step = OPTIMIZERS[name]
    w = np.ones(4, dtype=np.float32)
    state = init(w)
    for _ in range(2):
        w, state = step(w, np.full(4, 0.5, dtype=np.float32), state, lr=0.1)
    assert w.dtype == np.float32
    assert all(v.dtype == np.float32 for v in state.values() if isinstance(v, np.ndarray))


def test_optimiser_errors_name_function_and_argument() -> None:
    w = np.zeros(3)
    with pytest.raises(ValueError, match="adam_step: argument 'state' lacks"):
        adam_step(w, w, {"m": w, "v": w}, lr=0.1)
    with pytest.raises(ValueError, match="momentum_step: argument 'momentum'"):
        momentum_step(w, w, momentum_init(w), lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="sgd_step: arguments must have the same shape"):
        sgd_step(w, np.zeros(4), sgd_init(w), lr=0.1)
    with pytest.raises(ValueError, match="rmsprop_step: argument 'lr'"):
        rmsprop_step(w, w, rmsprop_init(w), lr=-1.0)
    with pytest.raises(TypeError, match="nesterov_step: argument 'dw'"):
        nesterov_step(w, [0.0, 0.0, 0.0], nesterov_init(w), lr=0.1)
    with pytest.raises(ValueError, match=r"adam_step: state\['m'\] has shape"):
        adam_step(w, w, adam_init(np.zeros(2)), lr=0.1)


def test_optimizer_wrapper_applies_the_step_to_every_parameter() -> None:
    rng = np.random.default_rng(2)
    params = {"W1": rng.standard_normal((2, 3)), "b1": rng.standard_normal(3)}
    snapshot = {k: v.copy() for k, v in params.items()}
    opt = Optimizer.from_name("momentum", lr=0.1, momentum=0.5)
    states = {k: momentum_init(v) for k, v in params.items()}
    expected = dict(params)
    current = params
    for _ in range(3):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        current = opt.step(current, grads)
        for k in expected:
            expected[k], states[k] = momentum_step(
                expected[k], grads[k], states[k], lr=0.1, momentum=0.5
            )
    for k in params:
        np.testing.assert_array_equal(current[k], expected[k])
        np.testing.assert_array_equal(params[k], snapshot[k])
    with pytest.raises(ValueError, match=r"Optimizer\.step: argument 'grads'"):
        opt.step(params, {"W2": np.zeros(1)})
    with pytest.raises(ValueError, match=r"Optimizer\.from_name"):
        Optimizer.from_name("lbfgs", lr=0.1)


# --------------------------------------------------------------------------------- clipping


def test_clip_grad_norm_by_hand() -> None:
    grads = {"a": np.array([3.0]), "b": np.array([[4.0]])}  # global norm 5
    clipped, total = clip_grad_norm(grads, 1.0)
    assert total == pytest.approx(5.0, rel=1e-15)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(clipped["a"], [3.0 * coef], rtol=1e-15)
    np.testing.assert_allclose(clipped["b"], [[4.0 * coef]], rtol=1e-15)
    unclipped, total = clip_grad_norm(grads, 10.0)
    np.testing.assert_array_equal(unclipped["a"], grads["a"])
    assert unclipped["a"] is not grads["a"]
    np.testing.assert_array_equal(grads["a"], [3.0])  # input untouched
    assert clip_grad_norm({}, 1.0) == ({}, 0.0)
    assert global_grad_norm(grads) == pytest.approx(5.0)


@pytest.mark.torch
@pytest.mark.parametrize("max_norm", [0.5, 3.0, 100.0])
def test_clip_grad_norm_matches_torch(max_norm: float) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    grads = {
        "W": rng.standard_normal((3, 2)),
        "b": rng.standard_normal(2),
        "v": rng.standard_normal(4),
    }
    params = []
    for g in grads.values():
        p = torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64))
        p.grad = torch.tensor(g)
        params.append(p)
    total_t = torch.nn.utils.clip_grad_norm_(params, max_norm)
    clipped, total = clip_grad_norm(grads, max_norm)
    assert total == pytest.approx(float(total_t), rel=1e-14)
    for (name, _), p in zip(grads.items(), params, strict=True):
        np.testing.assert_allclose(clipped[name], p.grad.numpy(), rtol=1e-14)


def test_clip_grad_norm_float32_and_errors() -> None:
    clipped, _ = clip_grad_norm({"g": np.full(4, 10.0, dtype=np.float32)}, 1.0)
    assert clipped["g"].dtype == np.float32
    with pytest.raises(ValueError, match="clip_grad_norm: argument 'max_norm'"):
        clip_grad_norm({"g": np.ones(2)}, 0.0)
    with pytest.raises(TypeError, match="clip_grad_norm: argument 'grads'"):
        clip_grad_norm([np.ones(2)], 1.0)
    with pytest.raises(ValueError, match="not finite"):
        clip_grad_norm({"g": np.array([np.nan])}, 1.0, error_if_nonfinite=True)


# -------------------------------------------------------------------------------- schedules


def test_schedules_by_hand() -> None:
    assert step_decay(0.1, 25, drop=0.5, every=10) == pytest.approx(0.025)
    assert step_decay(0.1, 9, drop=0.5, every=10) == 0.1
    assert cosine_schedule(1.0, 0, 10) == 1.0
    assert cosine_schedule(1.0, 5, 10, lr_min=0.2) == pytest.approx(0.6)  # cos(pi/2) = 0
    assert cosine_schedule(1.0, 10, 10, lr_min=0.2) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="cosine_schedule: argument 'lr_min'"):
        cosine_schedule(0.1, 0, 10, lr_min=0.5)
    with pytest.raises(ValueError, match="step_decay: argument 'every'"):
        step_decay(0.1, 3, drop=0.5, every=0)


@pytest.mark.torch
def test_schedules_match_torch() -> None:
    torch = pytest.importorskip("torch")

    def torch_lrs(make, n):
        p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=0.3)
        sched = make(opt)
        lrs = []
        for _ in range(n):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return lrs

    cos = torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=12, eta_min=0.01), 13
    )
    np.testing.assert_allclose(
        [cosine_schedule(0.3, k, 12, lr_min=0.01) for k in range(13)], cos, rtol=1e-12
    )
    steps = torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4, gamma=0.5), 13)
    np.testing.assert_allclose(
        [step_decay(0.3, k, drop=0.5, every=4) for k in range(13)], steps, rtol=1e-14
    )
    assert math.isclose(cos[-1], 0.01, rel_tol=1e-12)
