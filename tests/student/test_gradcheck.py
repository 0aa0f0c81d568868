"""Tests of ``autograder.student.gradcheck``: finite differences, the pass rule and the hints it
gives.

Expected gradients are derived by hand (quadratics, linear least squares) or computed by the
independent oracle in ``tests/numeric.py``; nothing is copied from the module's own output.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable

import numpy as np
import pytest

from autograder.student.gradcheck import (
    ABS_FLOOR,
    REL_TOL,
    check_directional,
    check_gradient,
    compare_gradients,
    error_ratio,
    numeric_gradient,
)
from tests.numeric import numeric_grad

# ------------------------------------------------------------------------------ numeric_gradient


def _spd(rng: np.random.Generator, n: int) -> np.ndarray:
    B = rng.standard_normal((n, n))
    return B @ B.T + n * np.eye(n)


def test_numeric_gradient_of_quadratic_is_a_times_x() -> None:
    # f(x) = 0.5 x^T A x with A symmetric: df/dx_k = sum_j A_kj x_j, i.e. the gradient is A x.
    # Centred differences are exact for a quadratic (odd Taylor terms cancel), so only round-off
    # (~eps * |f| / h ~ 1e-10 here) separates them.
    rng = np.random.default_rng(0)
    A = _spd(rng, 6)
    x = rng.standard_normal(6)
    got = numeric_gradient(lambda z: 0.5 * z @ A @ z, x)
    np.testing.assert_allclose(got, A @ x, rtol=0, atol=1e-8)


def test_numeric_gradient_matrix_shape_and_entries() -> None:
    # f(W) = sum(C * W**2) / 2 has gradient C * W entrywise (hand derivation), shape of W.
    rng = np.random.default_rng(1)
    C = rng.uniform(0.5, 2.0, size=(3, 4))
    W = rng.standard_normal((3, 4))
    got = numeric_gradient(lambda z: 0.5 * np.sum(C * z * z), W)
    assert got.shape == (3, 4)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, C * W, rtol=0, atol=1e-8)


def test_numeric_gradient_leaves_x_unchanged_and_evaluates_at_x() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3))
    before = x.copy()
    seen_max_shift = []

    def f(z: np.ndarray) -> float:
        # every evaluation is at x plus a step in ONE entry: the rest must have been restored
        diff = np.abs(z - before)
        seen_max_shift.append((int(np.count_nonzero(diff > 0)), float(diff.max())))
        return float(np.sum(z**3))

    numeric_gradient(f, x, h=1e-6)
    assert np.array_equal(x, before)
    assert len(seen_max_shift) == 2 * x.size
    assert all(count == 1 and abs(shift - 1e-6) < 1e-12 for count, shift in seen_max_shift)


def test_numeric_gradient_float32_input_is_computed_in_float64() -> None:
    # d/dx sum(x^2) = 2x; in float32 the step 1e-6 would be lost to round-off entirely.
    x32 = np.array([0.5, -1.25, 2.0], dtype=np.float32)
    got = numeric_gradient(lambda z: float(np.sum(z * z)), x32)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, 2 * x32.astype(np.float64), rtol=0, atol=1e-8)
    assert x32.dtype == np.float32


# ------------------------------------------------------------------------------ the pass rule


def test_error_ratio_follows_the_documented_rule() -> None:
    # allowed = 1e-8 * max(1, |f|) + 1e-5 * max(|a|, |n|), worked by hand for three entries
    a = np.array([1.0, 0.0, 100.0])
    n = np.array([1.0 + 5e-6, 2e-8, 100.0 + 2e-3])
    f_value = 3.0
    allowed = np.array(
        [3e-8 + 1e-5 * (1.0 + 5e-6), 3e-8 + 1e-5 * 2e-8, 3e-8 + 1e-5 * (100.0 + 2e-3)]
    )
    expected = np.abs(a - n) / allowed
    np.testing.assert_allclose(error_ratio(a, n, f_value), expected, rtol=1e-9)
    assert ABS_FLOOR == 1e-8 and REL_TOL == 1e-5


def test_error_ratio_nan_is_infinite() -> None:
    ratio = error_ratio(np.array([np.nan, 1.0]), np.array([1.0, 1.0]))
    assert np.isinf(ratio[0]) and ratio[1] == 0.0


def test_tiny_correct_gradient_passes_thanks_to_the_absolute_floor() -> None:
    # f = 1 + 0.5e-9 * sum(x^2): gradient 1e-9 * x (by hand). With |f| ~ 1 and h = 1e-6 the
    # centred difference resolves steps of about eps / (2h) ~ 1e-10, the size of the entries.
    rng = np.random.default_rng(3)
    x = rng.standard_normal(20)

    def f(z: np.ndarray) -> float:
        return 1.0 + 0.5e-9 * float(np.sum(z * z))

    analytic = 1e-9 * x
    numeric = numeric_grad(f, x)  # independent oracle
    bare = np.abs(analytic - numeric) / (np.abs(analytic) + np.abs(numeric))
    assert bare.max() > 1e-3  # CS231n's rule would flag this correct gradient...
    result = compare_gradients("dx", analytic, numeric, f_value=f(x))
    assert result.ok, result.message()  # ...the absolute floor does not
    assert result.num_bad == 0 and result.size == 20
    assert result.hint is None
    assert "passed" in result.message()


def test_compare_gradients_counts_bad_entries_and_reports_worst() -> None:
    a = np.zeros((3, 3)) + 1.0
    n = a.copy()
    n[1, 2] = 1.5  # the worst
    n[0, 0] = 1.01
    result = compare_gradients("dW", a, n)
    assert not result.ok
    assert result.num_bad == 2 and result.size == 9
    assert result.worst[0][0] == (1, 2)
    assert result.worst[0][1] == pytest.approx(1.5) and result.worst[0][2] == pytest.approx(1.0)
    assert {w[0] for w in result.worst} == {(1, 2), (0, 0)}
    assert result.max_rel_error == pytest.approx(0.5 / 1.5)
    msg = result.message()
    assert "dW" in msg and "2 of 9 entries" in msg and "at [1, 2]" in msg


def test_compare_gradients_shape_mismatch_fails_with_transpose_hint() -> None:
    result = compare_gradients("dW", np.ones((4, 3)), np.ones((3, 4)))
    assert not result.ok
    assert result.hint is not None and "transpose" in result.hint


# ------------------------------------------------------------------------------ injected bugs

N, D = 5, 4  # a square (D, D) weight so that "transposed" keeps the shape


def _least_squares() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((N, D))
    T = rng.standard_normal((N, D))
    W = rng.standard_normal((D, D))
    return X, T, W


def _loss(X: np.ndarray, T: np.ndarray) -> object:
    # L(W) = 0.5/N * ||X W - T||^2, gradient X^T (X W - T) / N
    return lambda W: 0.5 / N * float(np.sum((X @ W - T) ** 2))


def _row_two_wrong(g: np.ndarray) -> np.ndarray:
    out = g.copy()
    out[2] += 0.3
    return out


BUGS = {
    "factor N": (lambda g: N * g, "N = 5 times too large"),
    "divided by N twice": (lambda g: g / N, "N = 5 times too small"),
    "factor 2": (lambda g: 2 * g, "twice the expected value"),
    "flipped sign": (lambda g: -g, "flipped sign"),
    "zeros": (lambda g: np.zeros_like(g), "exactly zero"),
    "transposed": (lambda g: g.T.copy(), "transpose"),
    "one row wrong": (_row_two_wrong, "only row 2 differs"),
}


def test_correct_least_squares_gradient_passes() -> None:
    X, T, W = _least_squares()
    f = _loss(X, T)
    result = check_gradient(f, W, X.T @ (X @ W - T) / N, name="dW")
    assert result.ok, result.message()


@pytest.mark.parametrize("bug", list(BUGS))
def test_each_injected_bug_fails_and_the_hint_names_it(bug: str) -> None:
    X, T, W = _least_squares()
    f = _loss(X, T)
    correct = X.T @ (X @ W - T) / N
    inject, words = BUGS[bug]
    numeric = numeric_grad(f, W)
    result = compare_gradients("dW", inject(correct), numeric, f(W), context={"N": N})
    assert not result.ok
    assert result.hint is not None and words in result.hint, result.hint
    assert words in result.message()


def test_check_gradient_reports_one_row_in_its_message() -> None:
    X, T, W = _least_squares()
    f = _loss(X, T)
    bad = _row_two_wrong(X.T @ (X @ W - T) / N)
    result = check_gradient(f, W, bad, name="dW")
    assert not result.ok
    assert result.num_bad == D  # exactly the D entries of row 2
    assert all(idx[0] == 2 for idx, _, _ in result.worst)
    assert "dW: 4 of 16 entries disagree" in result.message()


# ------------------------------------------------------------------------------ directional


@functools.cache
def _big_base() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(12345)
    n = 400_000
    return rng.standard_normal(n) * 2e-3, rng.uniform(0.5, 1.5, size=n)


def _big_quadratic(seed: int) -> tuple[Callable[[np.ndarray], float], np.ndarray, np.ndarray, int]:
    """f(x) = 0.5 * sum(w * x^2) on 400k entries (gradient w * x by hand), |f| ~ 1.

    One entry, k (chosen by the seed), is large (|x_k| = 1 while the rest are ~2e-3), so a 1%
    error there is a one-entry bug that sampling a few entries would almost never hit.
    """
    base, w = _big_base()
    x = base.copy()
    k = int(np.random.default_rng(seed).integers(x.size))
    x[k] = 1.0

    def f(z: np.ndarray) -> float:
        return 0.5 * float(np.sum(w * z * z))

    return f, x, w * x, k


def test_directional_check_passes_a_correct_large_gradient() -> None:
    for seed in range(3):
        f, x, g, _ = _big_quadratic(seed)
        result = check_directional(f, x, g, np.random.default_rng(1000 + seed), name="dx")
        assert result.ok, result.message()
        assert result.size == 3


def test_directional_check_catches_one_percent_error_in_one_of_400k_entries() -> None:
    caught = 0
    for seed in range(10):
        f, x, g, k = _big_quadratic(seed)
        bad = g.copy()
        bad[k] *= 1.01
        calls = 0

        def counted(z: np.ndarray, f=f) -> float:
            nonlocal calls
            calls += 1
            return f(z)

        result = check_directional(counted, x, bad, np.random.default_rng(1000 + seed), name="dx")
        # the cost is counted, not timed: f at x and at x +- h u for 3 directions, whatever the size
        assert calls == 1 + 2 * 3
        caught += not result.ok
    assert caught == 10


@pytest.mark.filterwarnings("ignore:All-NaN slice encountered:RuntimeWarning")
def test_directional_check_leaves_x_unchanged_and_flags_a_wrong_shape() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4))
    before = x.copy()
    result = check_directional(lambda z: float(np.sum(z**2)), x, np.ones((4, 3)), rng, name="dW")
    assert np.array_equal(x, before)
    assert not result.ok
    assert result.hint is not None and "(4, 3)" in result.hint and "(3, 4)" in result.hint


def test_all_nan_gradient_fails_without_a_runtime_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = compare_gradients("dW", np.full((2, 2), np.nan), np.ones((2, 2)))
    assert not result.ok and result.num_bad == 4
    assert result.hint is not None and "NaN" in result.hint
