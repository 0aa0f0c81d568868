"""a3 ``sigmoid_output_gradients``: both gradients against finite differences of losses written
here from their definitions, the saturation numbers the notebook quotes, dtypes and extremes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import solutions.a3_backprop_mlp as a3
from tests.numeric import assert_grad_close, numeric_grad


def mse_through_sigmoid(z: np.ndarray, t: np.ndarray) -> float:
    """mean((sigmoid(z) - t)**2), written with math.exp entry by entry (moderate z only)."""
    p = np.array([1.0 / (1.0 + math.exp(-v)) for v in z.ravel()]).reshape(z.shape)
    return float(np.mean((p - t) ** 2))


def bce_from_definition(z: np.ndarray, t: np.ndarray) -> float:
    """mean(-t log p - (1 - t) log(1 - p)) with p = sigmoid(z) (moderate z only)."""
    p = np.array([1.0 / (1.0 + math.exp(-v)) for v in z.ravel()]).reshape(z.shape)
    return float(np.mean(-t * np.log(p) - (1.0 - t) * np.log(1.0 - p)))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_both_gradients_match_finite_differences(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(sum(shape))
    z = rng.standard_normal(shape) * 3.0
    t = rng.uniform(0.0, 1.0, size=shape)
    d_mse, d_bce = a3.sigmoid_output_gradients(z, t)
    assert d_mse.shape == d_bce.shape == z.shape
    assert_grad_close(d_mse, numeric_grad(lambda v: mse_through_sigmoid(v, t), z))
    assert_grad_close(d_bce, numeric_grad(lambda v: bce_from_definition(v, t), z))


def test_a_confident_mistake_starves_the_squared_error_only() -> None:
    # one entry, t = 1, z = -10: p = 1 / (1 + e^10) = 4.5398e-5
    p = 1.0 / (1.0 + math.exp(10.0))
    d_mse, d_bce = a3.sigmoid_output_gradients(np.array([-10.0]), np.array([1.0]))
    assert d_mse[0] == pytest.approx(2.0 * (p - 1.0) * p * (1.0 - p), rel=1e-12)
    assert d_mse[0] == pytest.approx(-9.08e-5, rel=1e-3)  # the number the notebook quotes
    assert d_bce[0] == pytest.approx(p - 1.0, rel=1e-12)


def test_float32_in_float32_out_and_no_overflow_for_huge_logits() -> None:
    z = np.array([[-700.0, 700.0], [-40.0, 0.0]], dtype=np.float32)
    t = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        d_mse, d_bce = a3.sigmoid_output_gradients(z, t)
    assert d_mse.dtype == d_bce.dtype == np.float32
    assert np.all(np.isfinite(d_mse)) and np.all(np.isfinite(d_bce))
    # confident mistakes: BCE's gradient is -1/n or +1/n, the squared error's vanishes
    assert d_bce[0, 0] == pytest.approx(-0.25) and d_bce[0, 1] == pytest.approx(0.25)
    assert abs(d_mse[0, 0]) < 1e-30 and abs(d_mse[0, 1]) < 1e-30
    # z = 0, t = 1: p = 1/2, so BCE gives (1/2 - 1) / 4 and MSE 2 (1/2 - 1) (1/4) / 4
    assert d_bce[1, 1] == pytest.approx(-0.125) and d_mse[1, 1] == pytest.approx(-0.0625)
