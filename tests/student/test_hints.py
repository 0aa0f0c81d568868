"""Tests of ``autograder.student.hints.diagnose``: one test per bug pattern, and silence on
noise."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.student.hints import diagnose


@pytest.fixture
def expected() -> np.ndarray:
    # no zero entries and no symmetry, so every pattern below is unambiguous
    rng = np.random.default_rng(0)
    return rng.uniform(0.5, 2.0, size=(5, 4)) * rng.choice([-1.0, 1.0], size=(5, 4))


def test_correct_answer_has_no_hint(expected: np.ndarray) -> None:
    assert diagnose(expected, expected.copy()) is None


def test_random_noise_has_no_hint(expected: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    for _ in range(5):
        noisy = expected + rng.normal(scale=0.1, size=expected.shape)
        assert diagnose(expected, noisy, {"N": 5}) is None
        assert diagnose(expected, rng.standard_normal(expected.shape), {"N": 5}) is None


def test_shape_transposed(expected: np.ndarray) -> None:
    hint = diagnose(expected, expected.T)
    assert hint is not None
    assert "transpose" in hint and "(4, 5)" in hint and "(5, 4)" in hint


def test_shape_flattened(expected: np.ndarray) -> None:
    hint = diagnose(expected, expected.ravel())
    assert hint is not None
    assert "right number of entries" in hint and "(5, 4)" in hint and "reshape" in hint


def test_wrong_size_names_both_shapes(expected: np.ndarray) -> None:
    hint = diagnose(expected, expected[:3])
    assert hint is not None and "(3, 4)" in hint and "(5, 4)" in hint


def test_scalar_for_array(expected: np.ndarray) -> None:
    hint = diagnose(expected, 3.0)
    assert hint is not None and "single number" in hint


def test_all_zero(expected: np.ndarray) -> None:
    hint = diagnose(expected, np.zeros_like(expected), {"N": 5})
    assert hint is not None and "exactly zero" in hint


def test_nan_and_inf(expected: np.ndarray) -> None:
    for bad in (np.nan, np.inf):
        got = expected.copy()
        got[2, 1] = bad
        hint = diagnose(expected, got, {"facts": ("exp", "softmax")})
        assert hint is not None and "NaN or infinity" in hint and "maximum" in hint
        # no softmax advice in a part that has no softmax
        plain = diagnose(expected, got)
        assert plain is not None and "NaN or infinity" in plain and "softmax" not in plain


@pytest.mark.parametrize(
    ("factor", "words"),
    [
        (8.0, "N = 8 times too large"),
        (1 / 8, "N = 8 times too small"),
        (2.0, "twice the expected value"),
        (0.5, "half the expected value"),
        (-1.0, "flipped sign"),
    ],
)
def test_constant_factors_with_batch_size(expected: np.ndarray, factor: float, words: str) -> None:
    hint = diagnose(expected, factor * expected, {"N": 8})
    assert hint is not None and words in hint, hint


def test_factor_n_without_context_is_a_plain_factor(expected: np.ndarray) -> None:
    hint = diagnose(expected, 8.0 * expected)
    assert hint is not None
    assert "same factor 8" in hint and "batch" not in hint


def test_unnamed_factor_is_reported_with_its_value(expected: np.ndarray) -> None:
    hint = diagnose(expected, 3.7 * expected, {"N": 8})
    assert hint is not None and "same factor 3.7" in hint


def test_factor_is_recognised_on_a_scalar() -> None:
    hint = diagnose(2.5, 2.5 * 6, {"N": 6})
    assert hint is not None and "N = 6 times too large" in hint


def test_square_transpose() -> None:
    rng = np.random.default_rng(2)
    A = rng.standard_normal((4, 4))
    assert not np.allclose(A, A.T)
    hint = diagnose(A, A.T)
    assert hint is not None and "transpose" in hint


def test_one_row_differs(expected: np.ndarray) -> None:
    got = expected.copy()
    got[1] += 0.25
    hint = diagnose(expected, got)
    assert hint is not None and "only row 1 differs" in hint
    assert "bias" not in hint


def test_last_row_points_at_the_bias_row(expected: np.ndarray) -> None:
    got = expected.copy()
    got[-1] *= 3.0
    hint = diagnose(expected, got)
    assert hint is not None and "only row 4 differs" in hint and "bias" in hint


def test_one_column_differs(expected: np.ndarray) -> None:
    got = expected.copy()
    got[:, 2] = 0.0
    hint = diagnose(expected, got)
    assert hint is not None and "only column 2 differs" in hint


def _reg_setup() -> tuple[np.ndarray, np.ndarray, float]:
    rng = np.random.default_rng(3)
    W = rng.standard_normal((4, 3))
    data_grad = rng.standard_normal((4, 3))
    return W, data_grad, 0.3


def test_missing_penalty_gradient() -> None:
    W, data_grad, reg = _reg_setup()
    expected = data_grad + reg * W
    hint = diagnose(expected, data_grad, {"N": 7, "reg": reg, "W": W})
    assert hint is not None and "reg * W, is missing" in hint


def test_doubled_penalty_gradient() -> None:
    W, data_grad, reg = _reg_setup()
    expected = data_grad + reg * W
    hint = diagnose(expected, data_grad + 2 * reg * W, {"reg": reg, "W": W})
    assert hint is not None and "counted twice" in hint


def test_penalty_missing_from_scalar_loss() -> None:
    W, _, reg = _reg_setup()
    penalty = 0.5 * reg * float(np.sum(W * W))  # by hand: 0.5 * reg * ||W||^2
    data_loss = 1.234
    hint = diagnose(data_loss + penalty, data_loss, {"N": 7, "reg": reg, "W": W})
    assert hint is not None and "missing from the loss" in hint


def test_penalty_doubled_in_scalar_loss() -> None:
    W, _, reg = _reg_setup()
    penalty = 0.5 * reg * float(np.sum(W * W))
    data_loss = 1.234
    hint = diagnose(data_loss + penalty, data_loss + 2 * penalty, {"reg": reg, "W": W})
    assert hint is not None and "twice the L2 penalty" in hint


def test_no_penalty_hint_when_reg_is_zero() -> None:
    W, data_grad, _ = _reg_setup()
    # with reg = 0 a difference of 0.3 * W is just a wrong answer, not a missing penalty
    hint = diagnose(data_grad, data_grad - 0.3 * W, {"reg": 0.0, "W": W})
    assert hint is None or "penalty" not in hint


def test_non_numeric_answer() -> None:
    hint = diagnose(np.ones(3), "abc")
    assert hint is not None and "str" in hint


def test_a_row_is_named_only_if_every_other_entry_passes_the_checks_tolerance() -> None:
    expected = np.arange(1.0, 25.0).reshape(6, 4)
    got = expected * (1 + 5e-6)  # every entry off by 5e-6 relative: fails a 1e-6 check
    got[0] += 3.0  # row 0 off by much more
    assert diagnose(expected, got, {"rtol": 1e-6, "atol": 1e-9}) is None
    assert diagnose(expected, got, {"rtol": 1e-4, "atol": 1e-9}) == "only row 0 differs"
