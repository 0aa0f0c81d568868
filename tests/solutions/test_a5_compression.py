"""a5 compression: magnitude pruning and symmetric int8 quantisation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from solutions.a5_regularization import (
    dequantize_int8,
    magnitude_prune,
    prune_params,
    quantize_int8,
    quantize_params,
)

# ---------------------------------------------------------------------------------- pruning


def test_prune_by_hand() -> None:
    w = np.array([[0.5, -0.1], [0.3, -0.7]])
    pruned, mask = magnitude_prune(w, 0.5)  # k = 2: |-0.1| and |0.3| go
    np.testing.assert_array_equal(pruned, [[0.5, 0.0], [0.0, -0.7]])
    np.testing.assert_array_equal(mask, [[True, False], [False, True]])
    np.testing.assert_array_equal(w, [[0.5, -0.1], [0.3, -0.7]])  # input untouched


def test_ties_are_broken_by_position() -> None:
    pruned, _ = magnitude_prune(np.array([1.0, -1.0, 1.0, 2.0]), 0.5)
    np.testing.assert_array_equal(pruned, [0.0, 0.0, 1.0, 2.0])


def test_global_vs_per_tensor() -> None:
    weights = {"A": np.array([0.1, 0.2, 0.3, 0.4]), "B": np.array([1.0, 2.0, 3.0, 4.0])}
    glob, _ = magnitude_prune(weights, 0.5)
    np.testing.assert_array_equal(glob["A"], 0.0)  # the 4 smallest of all 8 are all in A
    np.testing.assert_array_equal(glob["B"], weights["B"])
    per, masks = magnitude_prune(weights, 0.5, scope="per_tensor")
    np.testing.assert_array_equal(per["A"], [0.0, 0.0, 0.3, 0.4])
    np.testing.assert_array_equal(per["B"], [0.0, 0.0, 3.0, 4.0])
    assert masks["B"].dtype == bool


def test_extreme_sparsities_and_rounding_of_k() -> None:
    w = np.arange(1.0, 11.0)
    np.testing.assert_array_equal(magnitude_prune(w, 0.0)[0], w)
    np.testing.assert_array_equal(magnitude_prune(w, 1.0)[0], 0.0)
    # 0.29 * 100 = 28.999999999999996 in floating point: round gives 29 zeros, not 28.
    assert np.count_nonzero(magnitude_prune(np.arange(1.0, 101.0), 0.29)[0] == 0) == 29


@settings(max_examples=40, deadline=None)
@given(
    w=arrays(np.float64, st.integers(1, 40), elements=st.floats(-10, 10, allow_nan=False)),
    sparsity=st.floats(0.0, 1.0),
)
def test_pruning_properties(w: np.ndarray, sparsity: float) -> None:
    pruned, mask = magnitude_prune(w, sparsity)
    k = round(sparsity * w.size)
    assert np.count_nonzero(~mask) == k
    np.testing.assert_array_equal(pruned[mask], w[mask])
    np.testing.assert_array_equal(pruned[~mask], 0.0)
    if 0 < k < w.size:  # every kept magnitude is at least every pruned one
        assert np.abs(w[mask]).min() >= np.abs(w[~mask]).max()


def test_prune_params_leaves_biases_alone() -> None:
    params = {"W1": np.array([[0.1, 2.0]]), "b1": np.array([0.001, 0.002]), "W2": np.array([[3.0]])}
    out = prune_params(params, 1 / 3)
    np.testing.assert_array_equal(out["W1"], [[0.0, 2.0]])
    np.testing.assert_array_equal(out["b1"], params["b1"])
    assert out["b1"] is not params["b1"]


def test_pruning_dtype_and_errors() -> None:
    pruned, _ = magnitude_prune(np.ones(4, np.float32), 0.5)
    assert pruned.dtype == np.float32
    with pytest.raises(ValueError, match="magnitude_prune: argument 'sparsity'"):
        magnitude_prune(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="magnitude_prune: argument 'scope'"):
        magnitude_prune(np.ones(3), 0.5, scope="layer")
    with pytest.raises(TypeError, match="magnitude_prune: argument 'weights'"):
        magnitude_prune([1.0, 2.0], 0.5)


# ------------------------------------------------------------------------------ quantisation


def test_quantize_by_hand_with_half_to_even_rounding() -> None:
    # max |w| = 127 gives scale 1, so q = round(w): 2.5 -> 2, 3.5 -> 4, -0.5 -> 0 (half to even).
    q, scale = quantize_int8(np.array([127.0, 2.5, 3.5, -0.5, -127.0, 1.2]))
    assert scale == 1.0
    assert q.dtype == np.int8
    np.testing.assert_array_equal(q, [127, 2, 4, 0, -127, 1])
    # scale = 0.5 / 127; w = 0.25 maps to 63.5 -> 64 (even)
    q, scale = quantize_int8(np.array([0.5, 0.25, -0.5]))
    assert scale == pytest.approx(0.5 / 127)
    np.testing.assert_array_equal(q, [127, 64, -127])
    np.testing.assert_allclose(dequantize_int8(q, scale), [0.5, 64 * 0.5 / 127, -0.5])


@settings(max_examples=50, deadline=None)
@given(w=arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e3, 1e3, allow_nan=False)))
def test_round_trip_error_is_at_most_half_a_step(w: np.ndarray) -> None:
    q, scale = quantize_int8(w)
    assert q.min() >= -127 and q.max() <= 127
    err = np.abs(dequantize_int8(q, scale) - w)
    # |w/s - round(w/s)| <= 1/2 exactly; rounding of w/s and q*s adds a few ulps of |w|.
    assert np.all(err <= scale / 2 + 4 * np.finfo(float).eps * np.abs(w))


def test_zero_tensor_and_dtypes_and_errors() -> None:
    q, scale = quantize_int8(np.zeros(3))
    assert scale == 1.0 and np.all(q == 0)
    assert dequantize_int8(q, 0.1, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="dequantize_int8: argument 'q'"):
        dequantize_int8(np.zeros(3), 0.1)
    with pytest.raises(ValueError, match="dequantize_int8: argument 'scale'"):
        dequantize_int8(q, 0.0)
    with pytest.raises(ValueError, match="quantize_int8: argument 'w'"):
        quantize_int8(np.array([np.inf]))
    params = {"W1": np.array([[1.0, -0.3]], dtype=np.float32), "b1": np.array([0.123])}
    out = quantize_params(params)
    assert out["W1"].dtype == np.float32
    np.testing.assert_allclose(out["W1"], [[1.0, -38 / 127]], rtol=1e-6)  # round(38.1) = 38
    np.testing.assert_array_equal(out["b1"], params["b1"])
