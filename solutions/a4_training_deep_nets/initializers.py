"""Weight initialisers for a fully connected layer ``h = x @ W + b`` with ``W`` of shape
``(fan_in, fan_out)``.

Why the scales: with zero-mean weights of variance ``s**2`` and inputs of variance ``v``, a unit's
pre-activation ``sum_j x_j W_jk`` has variance ``fan_in * s**2 * v`` (forward pass) and the
gradient flowing back to an input has variance ``fan_out * s**2`` times the upstream one
(backward pass). Keeping both near 1 gives

- Xavier/Glorot: ``s**2 = 2 / (fan_in + fan_out)`` (compromise of both passes; tanh, sigmoid),
- He/Kaiming: ``s**2 = 2 / fan_in`` (ReLU zeroes half of the units, so twice LeCun's variance),
- LeCun: ``s**2 = 1 / fan_in`` (forward pass only; SELU, linear).

A uniform ``U(-a, a)`` has variance ``a**2 / 3``, hence ``a = sqrt(3) * s``.

Reproducibility contract (so a student's version can match the reference bit for bit): every
random initialiser makes exactly ONE call to the generator, in float64, of the full shape
``(fan_in, fan_out)`` in C order, multiplies by its scale in float64 and only then casts to
``dtype``:

- normal:  ``W = (std * rng.standard_normal((fan_in, fan_out))).astype(dtype)``
- uniform: ``W = rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)``

``zeros_init`` draws nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from solutions._validation import check_positive, require_rng
from solutions.a4_training_deep_nets._common import FloatArray, check_int

Initializer = Callable[..., FloatArray]


def _check_args(func: str, fan_in: Any, fan_out: Any, rng: Any, dtype: Any) -> np.dtype[Any]:
    check_int(fan_in, func, "fan_in")
    check_int(fan_out, func, "fan_out")
    require_rng(rng, func)
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{func}: argument 'dtype' is not a NumPy dtype: {dtype!r}") from exc
    if not np.issubdtype(dt, np.floating):
        raise TypeError(
            f"{func}: argument 'dtype' must be a floating-point dtype (float32 or float64), "
            f"got {dt}"
        )
    return dt


def _normal(std: float, fan_in: int, fan_out: int, rng: np.random.Generator, dt: Any) -> FloatArray:
    return (std * rng.standard_normal((fan_in, fan_out))).astype(dt)


def _uniform(
    limit: float, fan_in: int, fan_out: int, rng: np.random.Generator, dt: Any
) -> FloatArray:
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(dt)


def zeros_init(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, dtype: Any = np.float64
) -> FloatArray:
    """All-zero weights (draws nothing from ``rng``).

    Every hidden unit of a layer then computes the same function and receives the same gradient,
    so they stay identical for ever: zero init cannot break the symmetry between units.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
        Accepted for a uniform signature; not used.
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("zeros_init", fan_in, fan_out, rng, dtype)
    return np.zeros((fan_in, fan_out), dtype=dt)


def small_normal_init(
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    *,
    std: float = 0.01,
    dtype: Any = np.float64,
) -> FloatArray:
    """Normal weights of a fixed small standard deviation, ``N(0, std**2)``, whatever the fans.

    Draw: ``(std * rng.standard_normal((fan_in, fan_out))).astype(dtype)``. In a deep tanh net
    the activations shrink geometrically from layer to layer (vanishing signal and gradients).

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
    std : float, default 0.01
        Standard deviation (> 0).
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("small_normal_init", fan_in, fan_out, rng, dtype)
    check_positive(std, "small_normal_init", "std")
    return _normal(float(std), fan_in, fan_out, rng, dt)


def xavier_uniform_init(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, dtype: Any = np.float64
) -> FloatArray:
    """Xavier/Glorot uniform: ``U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``.

    Draw: ``rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)``; variance
    ``a**2 / 3 = 2 / (fan_in + fan_out)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("xavier_uniform_init", fan_in, fan_out, rng, dtype)
    return _uniform(np.sqrt(6.0 / (fan_in + fan_out)), fan_in, fan_out, rng, dt)


def xavier_normal_init(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, dtype: Any = np.float64
) -> FloatArray:
    """Xavier/Glorot normal: ``N(0, s**2)`` with ``s = sqrt(2 / (fan_in + fan_out))``.

    Draw: ``(s * rng.standard_normal((fan_in, fan_out))).astype(dtype)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("xavier_normal_init", fan_in, fan_out, rng, dtype)
    return _normal(np.sqrt(2.0 / (fan_in + fan_out)), fan_in, fan_out, rng, dt)


def he_normal_init(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, dtype: Any = np.float64
) -> FloatArray:
    """He/Kaiming normal (fan-in mode, ReLU gain): ``N(0, s**2)`` with ``s = sqrt(2 / fan_in)``.

    Draw: ``(s * rng.standard_normal((fan_in, fan_out))).astype(dtype)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("he_normal_init", fan_in, fan_out, rng, dtype)
    return _normal(np.sqrt(2.0 / fan_in), fan_in, fan_out, rng, dt)


def he_uniform_init(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, dtype: Any = np.float64
) -> FloatArray:
    """He/Kaiming uniform: ``U(-a, a)`` with ``a = sqrt(6 / fan_in)`` (variance ``2 / fan_in``).

    Draw: ``rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("he_uniform_init", fan_in, fan_out, rng, dtype)
    return _uniform(np.sqrt(6.0 / fan_in), fan_in, fan_out, rng, dt)


def lecun_normal_init(
    fan_in: int, fan_out: int, rng: np.random.Generator, *, dtype: Any = np.float64
) -> FloatArray:
    """LeCun normal: ``N(0, s**2)`` with ``s = sqrt(1 / fan_in)``.

    Draw: ``(s * rng.standard_normal((fan_in, fan_out))).astype(dtype)``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer (>= 1).
    rng : np.random.Generator
    dtype : floating dtype, default float64

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    """
    dt = _check_args("lecun_normal_init", fan_in, fan_out, rng, dtype)
    return _normal(np.sqrt(1.0 / fan_in), fan_in, fan_out, rng, dt)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros_init,
    "small_normal": small_normal_init,
    "xavier_uniform": xavier_uniform_init,
    "xavier_normal": xavier_normal_init,
    "he_normal": he_normal_init,
    "he_uniform": he_uniform_init,
    "lecun_normal": lecun_normal_init,
}
"""Every initialiser by short name, for loops over initialisers in plots and studies."""


def init_weights(
    layer_sizes: Sequence[int],
    init: str | Initializer,
    rng: np.random.Generator,
    *,
    dtype: Any = np.float64,
) -> list[FloatArray]:
    """Weights of a stack of fully connected layers, drawn layer by layer in order.

    For ``layer_sizes = (d0, d1, ..., dL)`` returns ``[init(d0, d1, rng), init(d1, d2, rng), ...]``,
    calling the initialiser once per layer, first layer first, with the same ``rng``.

    Parameters
    ----------
    layer_sizes : sequence of int, length L + 1 >= 2
        Input size followed by every layer's output size.
    init : str or callable
        A key of :data:`INITIALIZERS` (``"he_normal"``, ...) or an initialiser function.
    rng : np.random.Generator
    dtype : floating dtype, default float64

    Returns
    -------
    list of L ndarrays, the l-th of shape (layer_sizes[l], layer_sizes[l + 1])
    """
    func = "init_weights"
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"{func}: argument 'layer_sizes' needs at least 2 entries (input and one layer), "
            f"got {layer_sizes!r}"
        )
    for i, s in enumerate(sizes):
        check_int(s, func, f"layer_sizes[{i}]")
    if isinstance(init, str):
        if init not in INITIALIZERS:
            raise ValueError(
                f"{func}: argument 'init' must be one of {sorted(INITIALIZERS)} or a function, "
                f"got {init!r}"
            )
        init_fn = INITIALIZERS[init]
    elif callable(init):
        init_fn = init
    else:
        raise TypeError(f"{func}: argument 'init' must be a name or a function, got {init!r}")
    require_rng(rng, func)
    return [init_fn(a, b, rng, dtype=dtype) for a, b in itertools.pairwise(sizes)]
