"""a1 parity with PyTorch in float64: softmax, softmax cross-entropy and the multiclass hinge."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import solutions.a1_linear_classifiers as a1
from tests.solutions.test_a1_gradients import hinge_case

torch = pytest.importorskip("torch")
F = torch.nn.functional
pytestmark = pytest.mark.torch

SVM_LOSSES = [a1.svm_loss_naive, a1.svm_loss_vectorized]
SOFTMAX_LOSSES = [a1.softmax_loss_naive, a1.softmax_loss_vectorized]


def t(a: np.ndarray, grad: bool = False) -> Any:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


@pytest.mark.parametrize("shape", [(5,), (4, 6), (2, 3, 7)])
def test_softmax_matches_torch(shape: tuple[int, ...]) -> None:
    x = np.random.default_rng(0).standard_normal(shape) * 5
    np.testing.assert_allclose(
        a1.softmax(x), torch.softmax(t(x), dim=-1).numpy(), rtol=1e-12, atol=1e-15
    )


def torch_softmax_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> Any:
    tW = t(W, grad=True)
    loss = F.cross_entropy(t(X) @ tW, torch.tensor(y)) + 0.5 * reg * (tW**2).sum()
    loss.backward()
    return loss.item(), tW.grad.numpy()


@pytest.mark.parametrize("loss_fn", SOFTMAX_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("reg", [0.0, 0.3])
@pytest.mark.parametrize(("N", "D", "C"), [(1, 1, 2), (9, 4, 6), (20, 7, 10)])
def test_softmax_loss_matches_torch(loss_fn: Any, reg: float, N: int, D: int, C: int) -> None:
    rng = np.random.default_rng(N + D + C)
    W, X, y = rng.standard_normal((D, C)), rng.standard_normal((N, D)) * 2, rng.integers(0, C, N)
    loss, dW = loss_fn(W, X, y, reg)
    t_loss, t_dW = torch_softmax_loss(W, X, y, reg)
    assert loss == pytest.approx(t_loss, rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(dW, t_dW, rtol=1e-10, atol=1e-13)


def torch_hinge_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float, delta: float) -> Any:
    # F.multi_margin_loss(p=1, margin=delta) computes, per sample,
    #     sum_{j != y} max(0, delta - s_y + s_j) / C
    # ("/ x.size(0)" in the torch docs, x being that sample's C scores), then (reduction='mean')
    # averages over the N samples. Our hinge loss has no "/ C", so multiply torch's by C.
    tW = t(W, grad=True)
    C = W.shape[1]
    hinge = F.multi_margin_loss(t(X) @ tW, torch.tensor(y), p=1, margin=delta) * C
    loss = hinge + 0.5 * reg * (tW**2).sum()
    loss.backward()
    return loss.item(), tW.grad.numpy()


def test_torch_multi_margin_loss_divides_by_c() -> None:
    # Behaviour check of the convention above on the lecture's cat: our loss there is 2.9
    # (by hand: max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9), torch's is 2.9 / 3.
    scores = torch.tensor([[3.2, 5.1, -1.7]], dtype=torch.float64)
    assert F.multi_margin_loss(scores, torch.tensor([0]), p=1, margin=1.0).item() == (
        pytest.approx(2.9 / 3, abs=1e-12)
    )


@pytest.mark.parametrize("loss_fn", SVM_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("reg", [0.0, 0.3])
@pytest.mark.parametrize("delta", [1.0, 2.5])
@pytest.mark.parametrize(("N", "D", "C"), [(1, 3, 2), (9, 4, 6), (20, 7, 10)])
def test_svm_loss_matches_torch(
    loss_fn: Any, reg: float, delta: float, N: int, D: int, C: int
) -> None:
    rng = np.random.default_rng(100 + N + D + C)
    if N == 1:  # a single sample may have only active or only inactive margins
        W, X, y = rng.standard_normal((D, C)), rng.standard_normal((N, D)), rng.integers(0, C, N)
    else:
        W, X, y = hinge_case(rng, N, D, C, delta=delta)  # away from kinks: gradients are unique
    loss, dW = loss_fn(W, X, y, reg, delta=delta)
    t_loss, t_dW = torch_hinge_loss(W, X, y, reg, delta)
    assert loss == pytest.approx(t_loss, rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(dW, t_dW, rtol=1e-10, atol=1e-13)
