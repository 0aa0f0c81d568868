"""Newton's method vs gradient descent on a quadratic bowl.

On ``f(w) = 0.5 * w @ A @ w - b @ w`` with ``A`` symmetric positive definite, the gradient is
``A w - b`` and the Hessian is ``A``. Gradient descent with step ``lr`` contracts the error along
each eigenvector of ``A`` by ``|1 - lr * lambda_i|``; it is stable only for
``lr < 2 / lambda_max`` and then crawls along the flattest direction at rate
``1 - lr * lambda_min``, so an ill-conditioned bowl (``kappa = lambda_max / lambda_min`` large)
needs about ``kappa`` steps. Newton's step ``w - H^{-1} grad`` rescales every direction by its
curvature and lands on the minimiser ``A^{-1} b`` in one step (the 1-D rule
``x - f'(x) / f''(x)`` of the lecture, in matrix form).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solutions._validation import as_float_array, check_positive
from solutions.a4_training_deep_nets._common import FloatArray, check_int


def _check_quadratic(func: str, w: Any, A: Any, b: Any, wname: str = "w0") -> None:
    as_float_array(w, func, wname, ndim=1)
    as_float_array(A, func, "A", ndim=2)
    as_float_array(b, func, "b", ndim=1)
    D = w.shape[0]
    if A.shape != (D, D) or b.shape != (D,):
        raise ValueError(
            f"{func}: expected A of shape ({D}, {D}) and b of shape ({D},) for {wname} of shape "
            f"({D},), got A {A.shape} and b {b.shape}"
        )


def quadratic_bowl(w: FloatArray, A: FloatArray, b: FloatArray) -> tuple[float, FloatArray]:
    """Value and gradient of ``f(w) = 0.5 * w @ A @ w - b @ w`` (``A`` symmetric).

    Parameters
    ----------
    w : ndarray of shape (D,)
    A : ndarray of shape (D, D)
        Symmetric (the Hessian of ``f``).
    b : ndarray of shape (D,)

    Returns
    -------
    f : float
    grad : ndarray of shape (D,)
        ``A @ w - b``.
    """
    _check_quadratic("quadratic_bowl", w, A, b, "w")
    Aw = A @ w
    return float(0.5 * w @ Aw - b @ w), Aw - b


def newton_step(w: FloatArray, grad: FloatArray, hessian: FloatArray) -> FloatArray:
    """One Newton step ``w - H^{-1} grad``, computed by solving ``H d = grad`` (no inverse).

    Parameters
    ----------
    w : ndarray of shape (D,)
        Current point.
    grad : ndarray of shape (D,)
        Gradient at ``w``.
    hessian : ndarray of shape (D, D)
        Hessian at ``w``, invertible.

    Returns
    -------
    new_w : ndarray of shape (D,)
        Same dtype as ``w``.

    Raises
    ------
    ValueError
        If the Hessian is singular.
    """
    func = "newton_step"
    as_float_array(w, func, "w", ndim=1)
    as_float_array(grad, func, "grad", ndim=1)
    as_float_array(hessian, func, "hessian", ndim=2)
    D = w.shape[0]
    if grad.shape != (D,) or hessian.shape != (D, D):
        raise ValueError(
            f"{func}: expected grad of shape ({D},) and hessian of shape ({D}, {D}) for w of "
            f"shape ({D},), got grad {grad.shape} and hessian {hessian.shape}"
        )
    try:
        d = np.linalg.solve(hessian, grad)
    except np.linalg.LinAlgError as exc:
        raise ValueError(
            f"{func}: argument 'hessian' is singular; Newton's step is undefined"
        ) from exc
    return (w - d).astype(w.dtype, copy=False)


def gradient_descent_quadratic(
    A: FloatArray, b: FloatArray, w0: FloatArray, *, lr: float, num_steps: int
) -> FloatArray:
    """Trajectory of gradient descent ``w <- w - lr * (A w - b)`` on the quadratic bowl.

    Parameters
    ----------
    A : ndarray of shape (D, D)
    b : ndarray of shape (D,)
    w0 : ndarray of shape (D,)
        Starting point.
    lr : float
        Step size (> 0).
    num_steps : int
        Number of steps (>= 0).

    Returns
    -------
    trajectory : ndarray of shape (num_steps + 1, D)
        Row ``k`` is the point after ``k`` steps; row 0 is ``w0``.
    """
    func = "gradient_descent_quadratic"
    _check_quadratic(func, w0, A, b)
    check_positive(lr, func, "lr")
    T = check_int(num_steps, func, "num_steps", minimum=0)
    traj = np.empty((T + 1, w0.shape[0]), dtype=w0.dtype)
    traj[0] = w0
    for k in range(T):
        traj[k + 1] = traj[k] - lr * (A @ traj[k] - b)
    return traj


def newton_quadratic(A: FloatArray, b: FloatArray, w0: FloatArray, *, num_steps: int) -> FloatArray:
    """Trajectory of Newton's method (:func:`newton_step` with Hessian ``A``) on the bowl.

    Parameters
    ----------
    A : ndarray of shape (D, D)
        Symmetric positive definite.
    b : ndarray of shape (D,)
    w0 : ndarray of shape (D,)
    num_steps : int
        Number of steps (>= 0).

    Returns
    -------
    trajectory : ndarray of shape (num_steps + 1, D)
        Row 0 is ``w0``; from row 1 on, every row is the minimiser ``A^{-1} b`` (up to rounding).
    """
    func = "newton_quadratic"
    _check_quadratic(func, w0, A, b)
    T = check_int(num_steps, func, "num_steps", minimum=0)
    traj = np.empty((T + 1, w0.shape[0]), dtype=w0.dtype)
    traj[0] = w0
    for k in range(T):
        traj[k + 1] = newton_step(traj[k], A @ traj[k] - b, A)
    return traj


def ill_conditioned_bowl(
    condition_number: float, *, angle: float = np.pi / 6, w_star: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """A 2-D bowl ``(A, b)`` with eigenvalues 1 and ``condition_number``, rotated by ``angle``.

    ``A = R diag(1, kappa) R.T`` with ``R`` the rotation by ``angle`` and ``b = A @ w_star``, so
    the minimiser is ``w_star`` (default ``(1, 1)``).

    Parameters
    ----------
    condition_number : float
        ``kappa >= 1``.
    angle : float, default pi/6
        Rotation of the eigenvectors (radians).
    w_star : ndarray of shape (2,), optional
        Minimiser.

    Returns
    -------
    A : ndarray of shape (2, 2)
    b : ndarray of shape (2,)
    """
    func = "ill_conditioned_bowl"
    check_positive(condition_number, func, "condition_number")
    if condition_number < 1:
        raise ValueError(
            f"{func}: argument 'condition_number' must be >= 1, got {condition_number}"
        )
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([1.0, float(condition_number)]) @ R.T
    A = 0.5 * (A + A.T)
    ws = np.ones(2) if w_star is None else as_float_array(w_star, func, "w_star", ndim=1)
    if ws.shape != (2,):
        raise ValueError(f"{func}: argument 'w_star' must have shape (2,), got {ws.shape}")
    return A, A @ ws


def gd_vs_newton(
    condition_number: float = 20.0,
    *,
    w0: FloatArray | None = None,
    lr: float | None = None,
    num_steps: int = 30,
) -> dict[str, Any]:
    """GD and Newton trajectories on :func:`ill_conditioned_bowl` for a contour plot.

    Parameters
    ----------
    condition_number : float, default 20
        ``kappa`` of the bowl (eigenvalues 1 and ``kappa``); minimiser ``(1, 1)``.
    w0 : ndarray of shape (2,), optional
        Start, default ``(-2.0, 3.0)``.
    lr : float, optional
        GD step, default ``1.8 / kappa`` (90% of the stability limit ``2 / lambda_max``, which
        makes GD zig-zag across the valley and crawl along it).
    num_steps : int, default 30

    Returns
    -------
    dict
        ``"A"`` (2, 2), ``"b"`` (2,), ``"w_star"`` (2,), ``"gd"`` and ``"newton"``
        trajectories of shape (num_steps + 1, 2), ``"gd_loss"`` and ``"newton_loss"`` of shape
        (num_steps + 1,): ``f(w_k) - f(w_star)`` (>= 0), and ``"lr"``.
    """
    A, b = ill_conditioned_bowl(condition_number)
    start = np.array([-2.0, 3.0]) if w0 is None else w0
    step = 1.8 / float(condition_number) if lr is None else lr
    gd = gradient_descent_quadratic(A, b, start, lr=step, num_steps=num_steps)
    nt = newton_quadratic(A, b, start, num_steps=num_steps)
    w_star = np.linalg.solve(A, b)
    f_star = quadratic_bowl(w_star, A, b)[0]

    def gap(traj: FloatArray) -> FloatArray:
        return np.array([quadratic_bowl(w, A, b)[0] - f_star for w in traj])

    return {
        "A": A,
        "b": b,
        "w_star": w_star,
        "gd": gd,
        "newton": nt,
        "gd_loss": gap(gd),
        "newton_loss": gap(nt),
        "lr": float(step),
    }
