"""a5 L2 penalty vs decoupled weight decay: hand values, PyTorch parity, the SGD/Adam contrast."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from solutions.a4_training_deep_nets import adam_init, sgd_init
from solutions.a5_regularization import (
    adam_l2_step,
    adamw_step,
    l2_vs_decoupled_decay,
    sgd_decoupled_step,
    sgd_l2_step,
)


def test_adamw_with_zero_gradient_only_decays() -> None:
    # dw = 0 gives m = v = 0 and an Adam update of 0 / (0 + eps) = 0, so only the decay acts:
    # w = 2 * (1 - 0.1 * 0.5) = 1.9.
    w, state = adamw_step(
        np.array([2.0]), np.zeros(1), adam_init(np.zeros(1)), lr=0.1, weight_decay=0.5
    )
    np.testing.assert_allclose(w, [1.9], rtol=1e-15)
    assert state["t"] == 1


def test_sgd_l2_by_hand() -> None:
    # w - lr (dw + reg w) = 1 - 0.5 * (0.2 + 0.1 * 1) = 0.85
    w, _ = sgd_l2_step(np.array([1.0]), np.array([0.2]), sgd_init(np.zeros(1)), lr=0.5, reg=0.1)
    np.testing.assert_allclose(w, [0.85], rtol=1e-15)


_vals = st.floats(-5, 5, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    w=arrays(np.float64, 4, elements=_vals),
    dw=arrays(np.float64, 4, elements=_vals),
    lr=st.floats(0.0, 1.0),
    reg=st.floats(0.0, 1.0),
)
def test_sgd_l2_equals_sgd_decoupled_decay(w, dw, lr, reg) -> None:
    # w - lr (dw + reg w) = w (1 - lr reg) - lr dw: equal up to rounding.
    a, _ = sgd_l2_step(w, dw, {}, lr=lr, reg=reg)
    b, _ = sgd_decoupled_step(w, dw, {}, lr=lr, weight_decay=reg)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_demo_shows_equality_for_sgd_and_a_gap_for_adam() -> None:
    res = l2_vs_decoupled_decay()
    assert res["sgd_max_abs_diff"] < 1e-12
    assert res["adam_max_abs_diff"] > 1e-2
    np.testing.assert_allclose(res["sgd_l2"], res["sgd_decoupled"], rtol=1e-12)
    # the data-loss minimiser is (1, 1); the flat coordinate (curvature 0.1, as small as reg) is
    # pulled far towards 0 by the L2 term under SGD: fixed point 0.1 / (0.1 + 0.1) = 0.5.
    res_long = l2_vs_decoupled_decay(num_steps=2000)
    np.testing.assert_allclose(res_long["sgd_l2"], [10 / 10.1, 0.5], rtol=1e-8)


def _torch_run(torch, name, w, grads, lr, **kwargs):
    p = torch.nn.Parameter(torch.tensor(w.copy()))
    opt = getattr(torch.optim, name)([p], lr=lr, **kwargs)
    out = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


@pytest.mark.torch
def test_weight_decay_steps_match_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((2, 3))
    grads = [rng.standard_normal((2, 3)) for _ in range(6)]

    cases = [
        (sgd_l2_step, sgd_init, {"reg": 0.3}, "SGD", {"weight_decay": 0.3}),
        (sgd_decoupled_step, sgd_init, {"weight_decay": 0.3}, "SGD", {"weight_decay": 0.3}),
        (adam_l2_step, adam_init, {"reg": 0.3}, "Adam", {"weight_decay": 0.3}),
        (adamw_step, adam_init, {"weight_decay": 0.3}, "AdamW", {"weight_decay": 0.3}),
        (
            adamw_step,
            adam_init,
            {"weight_decay": 0.01, "beta1": 0.5, "beta2": 0.9, "eps": 1e-4},
            "AdamW",
            {"weight_decay": 0.01, "betas": (0.5, 0.9), "eps": 1e-4},
        ),
    ]
    for step, init, ours, torch_name, theirs in cases:
        expected = _torch_run(torch, torch_name, w0, grads, 0.05, **theirs)
        w, state = w0.copy(), init(w0)
        for g, want in zip(grads, expected, strict=True):
            w, state = step(w, g, state, lr=0.05, **ours)
            np.testing.assert_allclose(w, want, rtol=1e-12, atol=1e-14, err_msg=step.__name__)


def test_dtype_purity_and_errors() -> None:
    w = np.ones(3, dtype=np.float32)
    dw = np.full(3, 0.5, dtype=np.float32)
    state = adam_init(w)
    new_w, new_state = adamw_step(w, dw, state, lr=0.1)
    assert new_w.dtype == np.float32
    np.testing.assert_array_equal(w, 1.0)  # untouched
    assert state["t"] == 0 and new_state["t"] == 1
    with pytest.raises(ValueError, match="adamw_step: argument 'weight_decay'"):
        adamw_step(w, dw, state, lr=0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="sgd_l2_step: arguments 'w' and 'dw'"):
        sgd_l2_step(w, dw[:2], {}, lr=0.1, reg=0.1)
    with pytest.raises(TypeError, match="adam_l2_step: argument 'dw'"):
        adam_l2_step(w, [1, 2, 3], state, lr=0.1, reg=0.1)
