"""a4 Newton vs gradient descent on quadratics, and minibatch iteration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solutions.a4_training_deep_nets import (
    gd_vs_newton,
    gradient_descent_quadratic,
    ill_conditioned_bowl,
    iterate_minibatches,
    newton_quadratic,
    newton_step,
    quadratic_bowl,
)

# ---------------------------------------------------------------------------------- Newton


def test_newton_step_on_a_quadratic_lands_on_the_minimiser() -> None:
    # f = 0.5 w.A.w - b.w with A = diag(2, 8), b = (2, 8): minimiser A^{-1} b = (1, 1).
    A = np.diag([2.0, 8.0])
    b = np.array([2.0, 8.0])
    w = np.array([-3.0, 5.0])
    _, grad = quadratic_bowl(w, A, b)
    np.testing.assert_allclose(grad, [2 * -3.0 - 2.0, 8 * 5.0 - 8.0])
    np.testing.assert_allclose(newton_step(w, grad, A), [1.0, 1.0], rtol=1e-15)


def test_newton_step_on_a_quartic_by_hand() -> None:
    # f(x) = x^4 at x = 2: f' = 32, f'' = 48, so x - f'/f'' = 2 - 2/3 = 4/3.
    got = newton_step(np.array([2.0]), np.array([32.0]), np.array([[48.0]]))
    np.testing.assert_allclose(got, [4.0 / 3.0], rtol=1e-15)


def test_newton_step_errors_and_dtype() -> None:
    with pytest.raises(ValueError, match="newton_step: argument 'hessian' is singular"):
        newton_step(np.zeros(2), np.ones(2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="newton_step: expected grad of shape"):
        newton_step(np.zeros(2), np.ones(3), np.eye(2))
    out = newton_step(np.zeros(2, np.float32), np.ones(2, np.float32), np.eye(2, dtype=np.float32))
    assert out.dtype == np.float32


def test_gradient_descent_on_a_diagonal_bowl_by_hand() -> None:
    # A = diag(1, 10), b = 0, lr = 0.1: coordinate i is multiplied by (1 - 0.1 * a_i) per step,
    # i.e. by 0.9 and by 0 (the stiff coordinate is solved in one step).
    A = np.diag([1.0, 10.0])
    traj = gradient_descent_quadratic(A, np.zeros(2), np.array([1.0, 1.0]), lr=0.1, num_steps=5)
    assert traj.shape == (6, 2)
    np.testing.assert_allclose(traj[:, 0], 0.9 ** np.arange(6), rtol=1e-14)
    np.testing.assert_allclose(traj[1:, 1], 0.0, atol=1e-15)


def test_gd_vs_newton_on_an_ill_conditioned_bowl() -> None:
    A, b = ill_conditioned_bowl(50.0)
    np.testing.assert_allclose(np.linalg.eigvalsh(A), [1.0, 50.0], rtol=1e-12)
    np.testing.assert_allclose(np.linalg.solve(A, b), [1.0, 1.0], rtol=1e-12)
    res = gd_vs_newton(50.0, num_steps=40)
    assert res["gd"].shape == res["newton"].shape == (41, 2)
    np.testing.assert_allclose(res["newton"][1], res["w_star"], rtol=1e-12)
    assert res["newton_loss"][1] < 1e-20
    # GD with lr < 2 / lambda_max shrinks every eigen-component, so f - f* never increases.
    assert np.all(np.diff(res["gd_loss"]) <= 1e-15)
    # Along eigenvector u_i the error is multiplied by (1 - lr * lambda_i) at every step.
    lam, U = np.linalg.eigh(A)
    e0 = U.T @ (res["gd"][0] - res["w_star"])
    e40 = U.T @ (res["gd"][40] - res["w_star"])
    np.testing.assert_allclose(e40, (1 - res["lr"] * lam) ** 40 * e0, rtol=1e-9, atol=1e-14)
    assert abs(e40[0]) > 0.2 * abs(e0[0])  # flat direction: 0.964^40 = 0.23 of the error left
    np.testing.assert_allclose(newton_quadratic(A, b, np.zeros(2), num_steps=2)[2], [1.0, 1.0])


# ------------------------------------------------------------------------------ minibatches


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2**32 - 1))
def test_minibatches_cover_every_index_once_in_the_documented_order(
    n: int, batch_size: int, seed: int
) -> None:
    X = np.arange(n, dtype=np.float64).reshape(n, 1) * np.ones((1, 3))
    y = np.arange(n) * 10
    batches = list(iterate_minibatches(X, y, batch_size, np.random.default_rng(seed)))
    seen = np.concatenate([xb[:, 0] for xb, _ in batches]).astype(int)
    assert sorted(seen.tolist()) == list(range(n))
    np.testing.assert_array_equal(seen, np.random.default_rng(seed).permutation(n))
    for xb, yb in batches:
        np.testing.assert_array_equal(yb, xb[:, 0].astype(int) * 10)  # rows stay paired
    sizes = [len(yb) for _, yb in batches]
    assert len(sizes) == -(-n // batch_size)
    assert all(s == batch_size for s in sizes[:-1])
    assert sizes[-1] == n - batch_size * (len(sizes) - 1)


def test_minibatches_without_shuffle_and_errors() -> None:
    X = np.arange(5.0).reshape(5, 1)
    y = np.arange(5)
    batches = list(iterate_minibatches(X, y, 2, None, shuffle=False))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="iterate_minibatches: argument 'batch_size'"):
        iterate_minibatches(X, y, 0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="iterate_minibatches: argument 'rng'"):
        iterate_minibatches(X, y, 2, None)
    with pytest.raises(ValueError, match="iterate_minibatches: arguments must have the same"):
        iterate_minibatches(X, y[:4], 2, np.random.default_rng(0))
