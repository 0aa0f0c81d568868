"""Argument checks shared by the a3 layers, losses and network.

They build on :mod:`solutions._validation` and raise the same kind of errors: a ``TypeError`` or
``ValueError`` that names the function, the argument, what it got and what was expected.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array

FloatArray = NDArray[np.floating[Any]]


def check_cache(cache: Any, func: str, length: int, forward: str) -> tuple[Any, ...]:
    """Check that ``cache`` looks like the tuple a forward function returned.

    Parameters
    ----------
    cache : Any
        The cache passed to a backward function.
    func : str
        The backward function's name.
    length : int
        Number of items the matching forward function stores.
    forward : str
        The matching forward function's name, for the message.

    Returns
    -------
    tuple
        ``cache`` itself.

    Raises
    ------
    TypeError
        If ``cache`` is not a tuple of ``length`` items.
    """
    if not isinstance(cache, tuple) or len(cache) != length:
        raise TypeError(
            f"{func}: argument 'cache' must be the cache returned by {forward}, "
            f"got {type(cache).__name__}"
        )
    return cache


def check_dout(dout: Any, func: str, shape: tuple[int, ...], forward: str) -> FloatArray:
    """Check the upstream gradient of a backward function: floating point, shaped like the output.

    Parameters
    ----------
    dout : Any
        Upstream gradient.
    func : str
        The backward function's name.
    shape : tuple of int
        Shape of the forward output ``dout`` must match.
    forward : str
        The matching forward function's name, for the message.

    Returns
    -------
    ndarray
        ``dout`` itself.

    Raises
    ------
    TypeError
        If ``dout`` is not a floating-point ndarray.
    ValueError
        If its shape differs from the forward output's.
    """
    as_float_array(dout, func, "dout")
    if dout.shape != tuple(shape):
        raise ValueError(
            f"{func}: argument 'dout' has shape {dout.shape}, expected the shape {tuple(shape)} "
            f"of the output of {forward}"
        )
    return dout


def check_same_shape(func: str, a: FloatArray, b: Any, name_a: str, name_b: str) -> None:
    """Check that ``b`` is an ndarray with exactly the shape of ``a``.

    Raises
    ------
    TypeError
        If ``b`` is not an ndarray.
    ValueError
        Naming both arguments and their shapes when the shapes differ.
    """
    if not isinstance(b, np.ndarray):
        raise TypeError(
            f"{func}: argument '{name_b}' must be a NumPy array, got {type(b).__name__}"
        )
    if a.shape != b.shape:
        raise ValueError(
            f"{func}: arguments '{name_a}' and '{name_b}' must have the same shape, "
            f"got {a.shape} and {b.shape}"
        )


def check_nonempty(x: FloatArray, func: str, name: str) -> None:
    """Check that ``x`` has at least one row (a mean over an empty batch is undefined).

    Raises
    ------
    ValueError
        If ``x.shape[0] == 0``.
    """
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(
            f"{func}: argument '{name}' has shape {x.shape}; expected at least one sample "
            "(the mean over an empty batch is undefined)"
        )


def check_number(value: Any, func: str, name: str, *, minimum: float | None = None) -> float:
    """Check that ``value`` is a finite real number (``>= minimum`` when given) and return it.

    Raises
    ------
    TypeError
        If it is not a real number (``bool`` is refused too).
    ValueError
        If it is not finite or below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: argument '{name}' must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or (minimum is not None and value < minimum):
        bound = f" and >= {minimum}" if minimum is not None else ""
        raise ValueError(f"{func}: argument '{name}' must be finite{bound}, got {value!r}")
    return float(value)
