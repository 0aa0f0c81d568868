"""a4 initialisers: documented draws, statistics against the formulas, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.a4_training_deep_nets import (
    INITIALIZERS,
    he_normal_init,
    he_uniform_init,
    init_weights,
    lecun_normal_init,
    small_normal_init,
    xavier_normal_init,
    xavier_uniform_init,
    zeros_init,
)

# name -> (function, kind, target standard deviation as a function of (fan_in, fan_out)), the
# formulas written out from the literature (Glorot & Bengio 2010, He et al. 2015, LeCun 1998).
NORMAL = {
    "small_normal": (small_normal_init, lambda fi, fo: 0.01),
    "xavier_normal": (xavier_normal_init, lambda fi, fo: np.sqrt(2.0 / (fi + fo))),
    "he_normal": (he_normal_init, lambda fi, fo: np.sqrt(2.0 / fi)),
    "lecun_normal": (lecun_normal_init, lambda fi, fo: np.sqrt(1.0 / fi)),
}
UNIFORM = {  # half-width a of U(-a, a)
    "xavier_uniform": (xavier_uniform_init, lambda fi, fo: np.sqrt(6.0 / (fi + fo))),
    "he_uniform": (he_uniform_init, lambda fi, fo: np.sqrt(6.0 / fi)),
}


@pytest.mark.parametrize("name", sorted(NORMAL))
def test_normal_draw_is_the_documented_one(name: str) -> None:
    fn, std = NORMAL[name]
    got = fn(7, 5, np.random.default_rng(3))
    expected = std(7, 5) * np.random.default_rng(3).standard_normal((7, 5))
    assert got.shape == (7, 5) and got.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", sorted(UNIFORM))
def test_uniform_draw_is_the_documented_one(name: str) -> None:
    fn, a = UNIFORM[name]
    got = fn(6, 9, np.random.default_rng(4))
    expected = np.random.default_rng(4).uniform(-a(6, 9), a(6, 9), size=(6, 9))
    np.testing.assert_array_equal(got, expected)


def test_small_normal_std_kwarg() -> None:
    got = small_normal_init(3, 4, np.random.default_rng(0), std=0.5)
    np.testing.assert_array_equal(got, 0.5 * np.random.default_rng(0).standard_normal((3, 4)))


@settings(max_examples=15, deadline=None)
@given(
    name=st.sampled_from(sorted(NORMAL)),
    fan_in=st.integers(150, 400),
    fan_out=st.integers(150, 400),
    seed=st.integers(0, 2**32 - 1),
)
def test_normal_std_matches_formula(name: str, fan_in: int, fan_out: int, seed: int) -> None:
    fn, std = NORMAL[name]
    W = fn(fan_in, fan_out, np.random.default_rng(seed))
    n = W.size
    sigma = std(fan_in, fan_out)
    # For n iid N(0, sigma^2) draws the sample std has standard error sigma / sqrt(2n) and the
    # sample mean sigma / sqrt(n); 6 standard errors fail with probability ~2e-9.
    assert abs(W.std() - sigma) <= 6 * sigma / np.sqrt(2 * n)
    assert abs(W.mean()) <= 6 * sigma / np.sqrt(n)


@settings(max_examples=10, deadline=None)
@given(
    name=st.sampled_from(sorted(UNIFORM)),
    fan_in=st.integers(150, 400),
    fan_out=st.integers(150, 400),
    seed=st.integers(0, 2**32 - 1),
)
def test_uniform_std_and_range_match_formula(
    name: str, fan_in: int, fan_out: int, seed: int
) -> None:
    fn, a_of = UNIFORM[name]
    W = fn(fan_in, fan_out, np.random.default_rng(seed))
    a = a_of(fan_in, fan_out)
    n = W.size
    sigma = a / np.sqrt(3.0)  # variance of U(-a, a) is a^2 / 3
    # Var(s^2) = (mu4 - sigma^4) / n with mu4 = a^4 / 5, so sd(s) ~= sigma / sqrt(5 n).
    assert abs(W.std() - sigma) <= 6 * sigma / np.sqrt(5 * n)
    assert np.all(np.abs(W) <= a)


def test_zeros_init_is_zero_and_draws_nothing() -> None:
    rng = np.random.default_rng(5)
    W = zeros_init(3, 2, rng)
    np.testing.assert_array_equal(W, np.zeros((3, 2)))
    assert rng.random() == np.random.default_rng(5).random()


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_float32_output_is_the_float64_draw_cast(name: str) -> None:
    fn = INITIALIZERS[name]
    w32 = fn(5, 4, np.random.default_rng(1), dtype=np.float32)
    w64 = fn(5, 4, np.random.default_rng(1))
    assert w32.dtype == np.float32
    np.testing.assert_array_equal(w32, w64.astype(np.float32))


def test_init_weights_draws_layer_by_layer() -> None:
    ws = init_weights([4, 3, 2], "he_normal", np.random.default_rng(2))
    rng = np.random.default_rng(2)
    expected = [he_normal_init(4, 3, rng), he_normal_init(3, 2, rng)]
    assert [w.shape for w in ws] == [(4, 3), (3, 2)]
    for got, want in zip(ws, expected, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("kwargs", "exc", "needle"),
    [
        ({"fan_in": 0, "fan_out": 3}, ValueError, "'fan_in'"),
        ({"fan_in": 2, "fan_out": 2.5}, TypeError, "'fan_out'"),
        ({"fan_in": 2, "fan_out": 3, "rng": 0}, TypeError, "'rng'"),
        ({"fan_in": 2, "fan_out": 3, "dtype": np.int32}, TypeError, "'dtype'"),
    ],
)
def test_errors_name_function_and_argument(kwargs: dict, exc: type, needle: str) -> None:
    args = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(exc, match="he_uniform_init") as info:
        he_uniform_init(args.pop("fan_in"), args.pop("fan_out"), args.pop("rng"), **args)
    assert needle in str(info.value)


def test_init_weights_rejects_unknown_name() -> None:
    with pytest.raises(ValueError, match="init_weights: argument 'init'"):
        init_weights([2, 2], "glorot", np.random.default_rng(0))
