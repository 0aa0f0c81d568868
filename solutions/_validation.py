"""Input validation shared by every reference function.

Every public function of :mod:`solutions` validates its input with these helpers, so that bad
input always gets a ``TypeError`` or ``ValueError`` naming the function, the argument, what it got
(shape, dtype) and what was expected. ``assert`` is never used for validation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "as_float_array",
    "as_label_array",
    "check_positive",
    "check_probability",
    "check_same_rows",
    "require_rng",
]


def _describe(x: Any) -> str:
    """Return a short description of ``x`` for error messages: type, shape and dtype."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__}"


def as_float_array(
    x: Any,
    func: str,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_ndim: int | None = None,
) -> NDArray[np.floating[Any]]:
    """Check that ``x`` is a floating-point NumPy array of the expected rank and return it.

    Parameters
    ----------
    x : Any
        The argument to check. It must already be an ``np.ndarray`` of a floating dtype: integer
        arrays are refused, because silently converting them hides bugs such as integer division.
    func, name : str
        The calling function's and the argument's names, used in the error message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    min_ndim : int, optional
        Minimum number of dimensions.

    Returns
    -------
    ndarray
        ``x`` itself (never a copy).

    Raises
    ------
    TypeError
        If ``x`` is not an ndarray or its dtype is not floating point.
    ValueError
        If ``x`` has the wrong number of dimensions.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: argument '{name}' must be a NumPy array, got {_describe(x)}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{func}: argument '{name}' must have a floating-point dtype (float32 or float64), "
            f"got {_describe(x)}; convert it with .astype(np.float64)"
        )
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and x.ndim not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{func}: argument '{name}' must be {want}, got {_describe(x)}")
    if min_ndim is not None and x.ndim < min_ndim:
        raise ValueError(
            f"{func}: argument '{name}' must have at least {min_ndim} dimensions, "
            f"got {_describe(x)}"
        )
    return x


def as_label_array(
    y: Any, func: str, name: str, *, num_classes: int | None = None
) -> NDArray[np.integer[Any]]:
    """Check that ``y`` is a 1-D integer label array with values in ``[0, num_classes)``.

    Parameters
    ----------
    y : Any
        Labels, shape ``(N,)``, integer dtype.
    func, name : str
        Caller and argument names for the error message.
    num_classes : int, optional
        Number of classes ``C``; when given, every label must lie in ``[0, C)``.

    Returns
    -------
    ndarray of shape (N,)
        ``y`` itself.

    Raises
    ------
    TypeError
        If ``y`` is not an integer ndarray.
    ValueError
        If ``y`` is not 1-D or holds a label outside ``[0, num_classes)``.
    """
    if not isinstance(y, np.ndarray):
        raise TypeError(f"{func}: argument '{name}' must be a NumPy array, got {_describe(y)}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{func}: argument '{name}' must hold integer class labels, got {_describe(y)}"
        )
    if y.ndim != 1:
        raise ValueError(f"{func}: argument '{name}' must be 1-D of shape (N,), got {_describe(y)}")
    if num_classes is not None and y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"{func}: argument '{name}' holds labels in [{y.min()}, {y.max()}], "
            f"expected every label in [0, {num_classes})"
        )
    return y


def check_same_rows(func: str, **arrays: np.ndarray) -> int:
    """Check that every array has the same first dimension ``N`` and return ``N``.

    Raises
    ------
    ValueError
        Naming each argument with its shape when the first dimensions differ.
    """
    rows = {name: a.shape[0] for name, a in arrays.items()}
    if len(set(rows.values())) > 1:
        shown = ", ".join(f"'{k}' has {v}" for k, v in rows.items())
        raise ValueError(f"{func}: arguments must have the same number of rows N, but {shown}")
    return next(iter(rows.values()))


def check_positive(value: Any, func: str, name: str, *, allow_zero: bool = False) -> None:
    """Check that a scalar hyper-parameter is a finite number, positive (or >= 0 if allowed).

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If it is not finite or not positive.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: argument '{name}' must be a number, got {_describe(value)}")
    ok = value >= 0 if allow_zero else value > 0
    if not np.isfinite(value) or not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{func}: argument '{name}' must be finite and {bound}, got {value!r}")


def check_probability(value: Any, func: str, name: str, *, allow_one: bool = False) -> None:
    """Check that ``value`` lies in ``[0, 1)`` (or ``[0, 1]`` when ``allow_one``).

    Raises
    ------
    TypeError, ValueError
        If it is not a number or lies outside the interval.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: argument '{name}' must be a number, got {_describe(value)}")
    upper_ok = value <= 1 if allow_one else value < 1
    if not (value >= 0 and upper_ok):
        interval = "[0, 1]" if allow_one else "[0, 1)"
        raise ValueError(f"{func}: argument '{name}' must lie in {interval}, got {value!r}")


def require_rng(rng: Any, func: str, name: str = "rng") -> np.random.Generator:
    """Check that ``rng`` is a ``np.random.Generator`` (global seeding is never used).

    Raises
    ------
    TypeError
        If it is anything else, including an int seed or the legacy ``RandomState``.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{func}: argument '{name}' must be a np.random.Generator "
            f"(e.g. np.random.default_rng(0)), got {_describe(rng)}"
        )
    return rng
