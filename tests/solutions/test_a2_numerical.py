"""Tests of ``numerical_gradient`` and ``relative_error`` (assignment a2)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from solutions.a2_autodiff import numerical_gradient, relative_error

# ---------------------------------------------------------------------------- numerical_gradient


def test_quadratic_is_exact_up_to_round_off() -> None:
    # f(x) = 0.5 x^T A x + b^T x with A symmetric has gradient A x + b. Centred differences are
    # exact for a quadratic: ((x+h)^2 - (x-h)^2) / (2h) = 2x, since the odd Taylor terms cancel
    # and the third derivative is 0; only round-off (~ eps |f| / h ~ 1e-11) remains.
    rng = np.random.default_rng(0)
    M = rng.normal(size=(5, 5))
    A = M + M.T
    b = rng.normal(size=5)
    x = rng.normal(size=5)

    def f(v: np.ndarray) -> float:
        return float(0.5 * v @ A @ v + b @ v)

    grad = numerical_gradient(f, x, h=1e-5)
    np.testing.assert_allclose(grad, A @ x + b, rtol=0, atol=1e-8)


def test_quadratic_on_a_3d_array() -> None:
    # f = sum(C * x**2) + sum(B * x) has gradient 2 C x + B, entry by entry, for any shape.
    rng = np.random.default_rng(1)
    C, B, x = (rng.normal(size=(2, 3, 4)) for _ in range(3))
    grad = numerical_gradient(lambda v: float(np.sum(C * v**2) + np.sum(B * v)), x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, 2 * C * x + B, rtol=0, atol=1e-8)


@pytest.mark.parametrize("h", [1e-2, 1e-3])
def test_error_is_h_squared_on_a_cubic(h: float) -> None:
    # For f = sum(x^3): ((x+h)^3 - (x-h)^3) / (2h) = (6 x^2 h + 2 h^3) / (2h) = 3 x^2 + h^2,
    # so the centred-difference error is exactly h^2 (the O(h^2) truncation term), per entry.
    x = np.array([0.5, -1.0, 2.0])
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), x, h=h)
    np.testing.assert_allclose(grad - 3 * x**2, np.full(3, h**2), rtol=1e-5)


def test_default_step_is_1e_minus_5() -> None:
    # With the cubic above, the error is h^2 = 1e-10 for the documented default h = 1e-5.
    x = np.array([1.0])
    err = numerical_gradient(lambda v: float(v[0] ** 3), x)[0] - 3.0
    assert abs(err - 1e-10) < 2e-11


@pytest.mark.parametrize("shape", [(), (4,), (2, 3, 2)])
def test_x_is_restored_bit_for_bit(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape)
    if x.ndim:
        x.flat[0] = -0.0  # the sign of zero must survive as well
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert x.tobytes() == before.tobytes()


def test_x_is_restored_when_f_raises() -> None:
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    calls = 0

    def f(v: np.ndarray) -> float:
        nonlocal calls
        calls += 1
        if calls == 4:  # while x[1] is perturbed
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    assert x.tobytes() == before.tobytes()


def test_f_may_read_x_through_a_closure() -> None:
    # The usual pattern: f ignores its argument and evaluates a loss of W, perturbed in place.
    W = np.array([[1.0, -2.0], [0.5, 3.0]])

    def loss() -> float:
        return float(np.sum(W**2))  # gradient 2 W

    grad = numerical_gradient(lambda _: loss(), W)
    np.testing.assert_allclose(grad, 2 * W, atol=1e-8)


def test_float32_is_computed_in_float32() -> None:
    # Round-off in float32 (eps ~ 1.2e-7) gives an error of order eps |f| / h ~ 1e-2 at h = 1e-5,
    # far above float64's; the result keeps the input dtype.
    x64 = np.linspace(-1.0, 1.0, 7)
    x32 = x64.astype(np.float32)
    exact = np.cos(x64)
    g32 = numerical_gradient(lambda v: np.sum(np.sin(v)), x32, h=1e-5)
    g64 = numerical_gradient(lambda v: np.sum(np.sin(v)), x64, h=1e-5)
    assert g32.dtype == np.float32
    assert g64.dtype == np.float64
    err32 = np.max(np.abs(g32 - exact))
    err64 = np.max(np.abs(g64 - exact))
    assert err32 > 1e-3
    assert err64 < 1e-9


def test_accepts_numpy_scalar_and_0d_array_outputs() -> None:
    x = np.array([2.0])
    assert numerical_gradient(lambda v: np.float64(v[0] ** 2), x)[0] == pytest.approx(4.0)
    assert numerical_gradient(lambda v: np.array(v[0] ** 2), x)[0] == pytest.approx(4.0)


def test_numerical_gradient_validation() -> None:
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"numerical_gradient.*'f'.*callable"):
        numerical_gradient(3.0, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"numerical_gradient.*'x'.*floating"):
        numerical_gradient(np.sum, np.array([1, 2]))
    with pytest.raises(TypeError, match=r"numerical_gradient.*'x'.*NumPy array"):
        numerical_gradient(np.sum, [1.0, 2.0])  # type: ignore[arg-type]
    for bad_h in (0.0, -1e-5, float("inf")):
        with pytest.raises(ValueError, match=r"numerical_gradient.*'h'"):
            numerical_gradient(np.sum, x, h=bad_h)
    with pytest.raises(TypeError, match=r"numerical_gradient.*'h'"):
        numerical_gradient(np.sum, x, h="small")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"single real number.*\(loss, grad\)"):
        numerical_gradient(lambda v: (float(np.sum(v)), v), x)
    with pytest.raises(ValueError, match="single real number"):
        numerical_gradient(lambda v: v * 2, x)
    with pytest.raises(TypeError, match="must return a real number"):
        numerical_gradient(lambda v: "loss", x)
    frozen = x.copy()
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(np.sum, frozen)


# ---------------------------------------------------------------------------- relative_error


def test_relative_error_zero_for_equal_arrays_including_zeros() -> None:
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        assert relative_error(np.zeros(5), np.zeros(5)) == 0.0
        assert relative_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0
        a = np.array([1.5, -2.0, 0.0])
        assert relative_error(a, a.copy()) == 0.0
        assert relative_error(0.0, 0.0) == 0.0
        assert relative_error(np.array([np.inf, 1.0]), np.array([np.inf, 1.0])) == 0.0


def test_relative_error_hand_values() -> None:
    # max|a-b| = 0.2, largest magnitude 2.2  ->  0.2 / 2.2 = 1/11.
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(1 / 11)
    # Opposite signs: |1 - (-1)| / 1 = 2, the largest possible value.
    assert relative_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(2.0)
    # One array zero: |a| / |a| = 1.
    assert relative_error(np.array([0.0, 3.0]), np.zeros(2)) == pytest.approx(1.0)
    # Plain numbers work: |3 - 4| / 4.
    assert relative_error(3.0, 4.0) == pytest.approx(0.25)


def test_relative_error_floor() -> None:
    # Both essentially zero: the denominator is the floor, 1e-20 / 1e-12 = 1e-8.
    assert relative_error(np.array([1e-20]), np.array([0.0])) == pytest.approx(1e-8)
    assert relative_error(np.array([1e-20]), np.array([0.0]), floor=1e-30) == pytest.approx(1.0)


def test_relative_error_is_not_fooled_by_tiny_entries() -> None:
    # A correct gradient with one tiny entry off by round-off: the scale is the largest entry,
    # so the error is 1e-10 / 1 = 1e-10 (the entrywise |a-b|/(|a|+|b|) would say 0.048).
    a = np.array([1.0, 1e-9])
    b = np.array([1.0, 1.1e-9])
    assert relative_error(a, b) == pytest.approx(1e-10, rel=1e-6)


def test_relative_error_nan_never_passes() -> None:
    assert np.isnan(relative_error(np.array([np.nan, 1.0]), np.array([0.0, 1.0])))
    assert np.isnan(relative_error(np.array([np.inf]), np.array([1.0])))


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 6), elements=finite).flatmap(
        lambda a: st.tuples(st.just(a), hnp.arrays(np.float64, a.shape, elements=finite))
    )
)
def test_relative_error_symmetric_and_bounded(pair: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = pair
    e = relative_error(a, b)
    assert e == relative_error(b, a)
    assert 0.0 <= e <= 2.0
    assert relative_error(a, a) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, 4, elements=st.floats(-10, 10)),
    hnp.arrays(np.float64, 4, elements=st.floats(-10, 10)),
    st.sampled_from([1e-4, 0.1, 3.0, 1e5]),
)
def test_relative_error_scale_invariant(a: np.ndarray, b: np.ndarray, c: float) -> None:
    a = a.copy()
    a[0] = 1.0  # keep the scale well above the floor
    assert relative_error(c * a, c * b) == pytest.approx(relative_error(a, b), rel=1e-12)


def test_relative_error_validation() -> None:
    with pytest.raises(ValueError, match=r"relative_error.*same shape.*\(3,\).*\(1, 3\)"):
        relative_error(np.zeros(3), np.zeros((1, 3)))
    with pytest.raises(TypeError, match=r"relative_error.*'a'.*real numbers"):
        relative_error(np.array(["x"]), np.zeros(1))
    with pytest.raises(TypeError, match=r"relative_error.*'b'.*real numbers"):
        relative_error(np.zeros(1), np.array([1j]))
    with pytest.raises(ValueError, match=r"relative_error.*'floor'"):
        relative_error(np.zeros(1), np.zeros(1), floor=0.0)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
