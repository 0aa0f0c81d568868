"""a3 parity with PyTorch in float64: every layer, activation, loss, Jacobian and the MLP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import solutions.a3_backprop_mlp as a3
from tests.solutions.test_a3_layers import away_from_kink

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.torch

RTOL, ATOL = 1e-12, 1e-14


def t(a: np.ndarray, grad: bool = False) -> Any:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def close(ours: Any, theirs: Any, rtol: float = RTOL, atol: float = ATOL) -> None:
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


TORCH_ACTIVATIONS: dict[str, Callable[..., Any]] = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda x, alpha=0.01: F.leaky_relu(x, negative_slope=alpha),
    "elu": lambda x, alpha=1.0: F.elu(x, alpha=alpha),
    "gelu": lambda x: F.gelu(x, approximate="none"),
    "silu": F.silu,
    "swish": F.silu,
}


def test_affine_matches_torch() -> None:
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((3, 2, 4)), rng.standard_normal((8, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((3, 5))
    out, cache = a3.affine_forward(x, w, b)
    dx, dw, db = a3.affine_backward(dout, cache)
    tx, tw, tb = t(x, True), t(w, True), t(b, True)
    tout = tx.reshape(3, 8) @ tw + tb
    tout.backward(t(dout))
    close(out, tout)
    close(dx, tx.grad)
    close(dw, tw.grad)
    close(db, tb.grad)


@pytest.mark.parametrize(
    ("name", "params"),
    [(name, {}) for name in TORCH_ACTIVATIONS]
    + [("leaky_relu", {"alpha": 0.3}), ("elu", {"alpha": 0.5})],
)
def test_activation_matches_torch(name: str, params: dict[str, float]) -> None:
    rng = np.random.default_rng(1)
    x = away_from_kink(rng.standard_normal((6, 7)) * 3, rng)
    x[0, :3] = [-40.0, 40.0, 0.0]  # saturated regions and the kink itself (same convention)
    dout = rng.standard_normal((6, 7))
    forward, backward = a3.get_activation(name, **params)
    out, cache = forward(x)
    tx = t(x, True)
    tout = TORCH_ACTIVATIONS[name](tx, **params)
    tout.backward(t(dout))
    close(out, tout)
    close(backward(dout, cache), tx.grad)


def test_softmax_matches_torch() -> None:
    rng = np.random.default_rng(2)
    x, dout = rng.standard_normal((2, 3, 5)) * 4, rng.standard_normal((2, 3, 5))
    p, cache = a3.softmax_forward(x)
    tx = t(x, True)
    tp = torch.softmax(tx, dim=-1)
    tp.backward(t(dout))
    close(p, tp)
    close(a3.softmax_backward(dout, cache), tx.grad)


def test_jacobians_match_torch() -> None:
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal(4), rng.standard_normal((4, 3)), rng.standard_normal(3)
    jac = torch.autograd.functional.jacobian
    close(a3.affine_jacobian_input(w), jac(lambda v: v @ t(w) + t(b), t(x)))
    tw_jac = jac(lambda v: t(x) @ v.reshape(4, 3) + t(b), t(w.ravel()))
    close(a3.affine_jacobian_weights(x, 3), tw_jac)
    p = a3.softmax_forward(x)[0]
    close(a3.softmax_jacobian(p), jac(lambda v: torch.softmax(v, dim=0), t(x)))
    for name in ("sigmoid", "gelu", "elu", "silu"):
        close(a3.elementwise_jacobian(x, name), jac(TORCH_ACTIVATIONS[name], t(x)))


def test_losses_match_torch() -> None:
    rng = np.random.default_rng(4)
    N, C = 6, 4
    scores, y = rng.standard_normal((N, C)) * 3, rng.integers(0, C, size=N)
    targets = rng.uniform(size=(N, C))
    regression = rng.standard_normal((N, C))
    cases: list[tuple[Callable[..., Any], Any, Callable[[Any], Any]]] = [
        (a3.mse_loss, regression, lambda s: F.mse_loss(s, t(regression))),
        (
            a3.bce_with_logits_loss,
            targets,
            lambda s: F.binary_cross_entropy_with_logits(s, t(targets)),
        ),
        (
            a3.softmax_cross_entropy_loss,
            y,
            lambda s: F.cross_entropy(s, torch.from_numpy(y)),
        ),
        # PyTorch's multi_margin_loss also divides by the number of classes C
        (a3.hinge_loss, y, lambda s: C * F.multi_margin_loss(s, torch.from_numpy(y), margin=1.0)),
    ]
    for ours, target, theirs in cases:
        loss, d = ours(scores, target)
        ts = t(scores, True)
        tloss = theirs(ts)
        tloss.backward()
        assert loss == pytest.approx(float(tloss.detach()), rel=1e-13), ours.__name__
        close(d, ts.grad)


def test_hinge_delta_matches_torch() -> None:
    rng = np.random.default_rng(5)
    scores, y = rng.standard_normal((5, 3)), rng.integers(0, 3, size=5)
    loss, d = a3.hinge_loss(scores, y, delta=0.4)
    ts = t(scores, True)
    tloss = 3 * F.multi_margin_loss(ts, torch.from_numpy(y), margin=0.4)
    tloss.backward()
    assert loss == pytest.approx(float(tloss.detach()), rel=1e-13)
    close(d, ts.grad)


TORCH_LOSSES: dict[str, Callable[[Any, Any, int], Any]] = {
    "softmax": lambda s, y, C: F.cross_entropy(s, torch.from_numpy(y)),
    "hinge": lambda s, y, C: C * F.multi_margin_loss(s, torch.from_numpy(y)),
    "mse": lambda s, y, C: F.mse_loss(s, t(y)),
    "bce": lambda s, y, C: F.binary_cross_entropy_with_logits(s, t(y)),
}


@pytest.mark.parametrize("loss", list(TORCH_LOSSES))
@pytest.mark.parametrize("activation", [*TORCH_ACTIVATIONS])
def test_mlp_matches_torch(activation: str, loss: str) -> None:
    rng = np.random.default_rng(6)
    sizes, N, reg = [5, 7, 6, 4], 8, 0.05
    model = a3.MLP(sizes, activation, rng, reg=reg, loss=loss)
    for layer in range(1, 4):
        model.params[f"b{layer}"] = rng.standard_normal(sizes[layer])
    X = rng.standard_normal((N, 5))
    y = (
        rng.integers(0, 4, size=N)
        if loss in ("softmax", "hinge")
        else (rng.uniform(size=(N, 4)) if loss == "bce" else rng.standard_normal((N, 4)))
    )
    value, grads = model.loss(X, y)

    tparams = {k: t(v, True) for k, v in model.params.items()}
    h = t(X)
    for layer in range(1, 4):
        h = h @ tparams[f"W{layer}"] + tparams[f"b{layer}"]
        if layer < 3:
            h = TORCH_ACTIVATIONS[activation](h)
    tloss = TORCH_LOSSES[loss](h, y, 4)
    tloss = tloss + 0.5 * reg * sum((tparams[f"W{k}"] ** 2).sum() for k in range(1, 4))
    tloss.backward()
    assert value == pytest.approx(float(tloss.detach()), rel=1e-12)
    close(model.forward(X), h, rtol=1e-12, atol=1e-13)
    for key, grad in grads.items():
        close(grad, tparams[key].grad, rtol=1e-10, atol=1e-13)
