"""Elementwise activation functions as layers: ``X_forward(x) -> (out, cache)``, ``X_backward``.

Every activation here acts on each entry separately, ``out[i] = f(x[i])``, so its backward pass is
``dx = dout * f'(x)`` and its Jacobian is diagonal. The functions accept arrays of any shape with
at least one dimension and keep their dtype (float32 in, float32 out).

==============  ==========================================  ===================================
name            f(x)                                        f'(x)
==============  ==========================================  ===================================
``sigmoid``     ``1 / (1 + exp(-x))``                       ``f (1 - f)``
``tanh``        ``tanh(x)``                                 ``1 - f**2``
``relu``        ``max(x, 0)``                               ``1 if x > 0 else 0`` (0 at 0)
``leaky_relu``  ``x if x > 0 else alpha x``                 ``1 if x > 0 else alpha``
``elu``         ``x if x > 0 else alpha (exp(x) - 1)``      ``1 if x > 0 else alpha exp(x)``
``gelu``        ``x Phi(x)`` (Phi: standard normal CDF)     ``Phi(x) + x phi(x)``
``silu``        ``x sigmoid(x)`` (also called swish)        ``s (1 + x (1 - s))``, s = sigmoid
==============  ==========================================  ===================================

At the kinks of ``relu``, ``leaky_relu`` and ``elu`` (``x == 0``) the derivative of the left
piece is used, as PyTorch does: the masks are ``x > 0``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a3_backprop_mlp._checks import check_cache, check_dout, check_number
from solutions.a3_backprop_mlp._special import normal_cdf, normal_pdf

FloatArray = NDArray[np.floating[Any]]
Cache = tuple[Any, ...]
Forward = Callable[[FloatArray], tuple[FloatArray, Cache]]
Backward = Callable[[FloatArray, Cache], FloatArray]

ACTIVATION_NAMES: tuple[str, ...] = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "gelu",
    "silu",
    "swish",
)
"""Names accepted by :func:`get_activation`, :func:`activation_derivative` and the MLP."""


def _stable_sigmoid(x: FloatArray) -> FloatArray:
    """``1 / (1 + exp(-x))`` without overflow: only ``exp(-|x|) <= 1`` is ever computed.

    For ``x >= 0`` it is ``1 / (1 + e)`` and for ``x < 0`` it is ``e / (1 + e)`` with
    ``e = exp(-|x|)``; both forms are exact rewrites and neither can overflow.
    """
    e = np.exp(-np.abs(x))
    out = 1.0 / (1.0 + e)
    np.multiply(out, e, out=out, where=x < 0)
    return out


def _backward_args(
    dout: Any, cache: Any, func: str, length: int, forward: str
) -> tuple[FloatArray, Cache]:
    """Validate a backward call whose cache starts with the forward input (or output)."""
    items = check_cache(cache, func, length, forward)
    check_dout(dout, func, items[0].shape, forward)
    return dout, items


# --------------------------------------------------------------------------- sigmoid


def sigmoid_forward(x: FloatArray) -> tuple[FloatArray, Cache]:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow for any ``x``.

    Parameters
    ----------
    x : ndarray of shape (...)
        Input of any shape (at least 1-D), floating point.

    Returns
    -------
    out : ndarray of shape (...)
        Values in ``[0, 1]``, same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`sigmoid_backward`.
    """
    as_float_array(x, "sigmoid_forward", "x", min_ndim=1)
    out = _stable_sigmoid(x)
    return out, (out,)


def sigmoid_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of the sigmoid: ``dx = dout * s * (1 - s)`` with ``s`` the forward output.

    Parameters
    ----------
    dout : ndarray of shape (...)
        Upstream gradient, shaped like the forward input.
    cache : tuple
        From :func:`sigmoid_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
        Same shape and dtype as the forward input.
    """
    dout, (s,) = _backward_args(dout, cache, "sigmoid_backward", 1, "sigmoid_forward")
    return (dout * (s * (1.0 - s))).astype(s.dtype, copy=False)


# --------------------------------------------------------------------------- tanh


def tanh_forward(x: FloatArray) -> tuple[FloatArray, Cache]:
    """Hyperbolic tangent, elementwise.

    Parameters
    ----------
    x : ndarray of shape (...)

    Returns
    -------
    out : ndarray of shape (...)
        Values in ``[-1, 1]``, same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`tanh_backward`.
    """
    as_float_array(x, "tanh_forward", "x", min_ndim=1)
    out = np.tanh(x)
    return out, (out,)


def tanh_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of tanh: ``dx = dout * (1 - t**2)`` with ``t`` the forward output.

    Parameters
    ----------
    dout : ndarray of shape (...)
    cache : tuple
        From :func:`tanh_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
    """
    dout, (t,) = _backward_args(dout, cache, "tanh_backward", 1, "tanh_forward")
    return (dout * (1.0 - t * t)).astype(t.dtype, copy=False)


# --------------------------------------------------------------------------- relu


def relu_forward(x: FloatArray) -> tuple[FloatArray, Cache]:
    """Rectified linear unit ``max(x, 0)``, elementwise.

    Parameters
    ----------
    x : ndarray of shape (...)

    Returns
    -------
    out : ndarray of shape (...)
        Same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`relu_backward`.
    """
    as_float_array(x, "relu_forward", "x", min_ndim=1)
    return np.maximum(x, 0), (x,)


def relu_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of ReLU: ``dx = dout`` where ``x > 0``, else 0 (so ``relu'(0) = 0``).

    Parameters
    ----------
    dout : ndarray of shape (...)
    cache : tuple
        From :func:`relu_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
    """
    dout, (x,) = _backward_args(dout, cache, "relu_backward", 1, "relu_forward")
    return np.where(x > 0, dout, 0).astype(x.dtype, copy=False)


# --------------------------------------------------------------------------- leaky relu


def leaky_relu_forward(x: FloatArray, alpha: float = 0.01) -> tuple[FloatArray, Cache]:
    """Leaky ReLU: ``x`` where ``x > 0``, else ``alpha * x``.

    Parameters
    ----------
    x : ndarray of shape (...)
    alpha : float, default 0.01
        Slope for negative inputs (finite, >= 0).

    Returns
    -------
    out : ndarray of shape (...)
        Same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`leaky_relu_backward`.
    """
    as_float_array(x, "leaky_relu_forward", "x", min_ndim=1)
    a = check_number(alpha, "leaky_relu_forward", "alpha", minimum=0.0)
    return np.where(x > 0, x, a * x).astype(x.dtype, copy=False), (x, a)


def leaky_relu_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of leaky ReLU: ``dx = dout`` where ``x > 0``, else ``alpha * dout``.

    Parameters
    ----------
    dout : ndarray of shape (...)
    cache : tuple
        From :func:`leaky_relu_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
    """
    dout, (x, a) = _backward_args(dout, cache, "leaky_relu_backward", 2, "leaky_relu_forward")
    return np.where(x > 0, dout, a * dout).astype(x.dtype, copy=False)


# --------------------------------------------------------------------------- elu


def elu_forward(x: FloatArray, alpha: float = 1.0) -> tuple[FloatArray, Cache]:
    """Exponential linear unit: ``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``.

    ``expm1`` is used for accuracy near 0 and is only ever evaluated at ``min(x, 0)``, so large
    positive inputs cannot overflow.

    Parameters
    ----------
    x : ndarray of shape (...)
    alpha : float, default 1.0
        Saturation value for very negative inputs is ``-alpha`` (finite, >= 0).

    Returns
    -------
    out : ndarray of shape (...)
        Same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`elu_backward`.
    """
    as_float_array(x, "elu_forward", "x", min_ndim=1)
    a = check_number(alpha, "elu_forward", "alpha", minimum=0.0)
    negative_part = a * np.expm1(np.minimum(x, 0))
    out = np.where(x > 0, x, negative_part).astype(x.dtype, copy=False)
    return out, (x, out, a)


def elu_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of ELU: ``dx = dout`` where ``x > 0``, else ``dout * (out + alpha)``.

    For ``x <= 0``, ``d/dx alpha (exp(x) - 1) = alpha exp(x) = out + alpha``, so the cached
    output gives the derivative without another exponential.

    Parameters
    ----------
    dout : ndarray of shape (...)
    cache : tuple
        From :func:`elu_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
    """
    dout, (x, out, a) = _backward_args(dout, cache, "elu_backward", 3, "elu_forward")
    return np.where(x > 0, dout, dout * (out + a)).astype(x.dtype, copy=False)


# --------------------------------------------------------------------------- gelu


def gelu_forward(x: FloatArray) -> tuple[FloatArray, Cache]:
    """Gaussian error linear unit, exact form: ``x * Phi(x)``, ``Phi`` the standard normal CDF.

    ``Phi(x) = erfc(-x / sqrt(2)) / 2`` is evaluated in float64 with a rational approximation
    accurate to about 1e-16 (see :mod:`solutions.a3_backprop_mlp._special`); this is PyTorch's
    ``gelu(x, approximate="none")``, not the tanh approximation.

    Parameters
    ----------
    x : ndarray of shape (...)

    Returns
    -------
    out : ndarray of shape (...)
        Same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`gelu_backward`.
    """
    as_float_array(x, "gelu_forward", "x", min_ndim=1)
    cdf = normal_cdf(x)
    return (x * cdf).astype(x.dtype, copy=False), (x, cdf)


def gelu_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of GELU: ``dx = dout * (Phi(x) + x * phi(x))``, ``phi`` the normal density.

    Parameters
    ----------
    dout : ndarray of shape (...)
    cache : tuple
        From :func:`gelu_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
    """
    dout, (x, cdf) = _backward_args(dout, cache, "gelu_backward", 2, "gelu_forward")
    return (dout * (cdf + x * normal_pdf(x))).astype(x.dtype, copy=False)


# --------------------------------------------------------------------------- silu / swish


def silu_forward(x: FloatArray) -> tuple[FloatArray, Cache]:
    """SiLU, also called swish: ``x * sigmoid(x)``, with the overflow-free sigmoid.

    Parameters
    ----------
    x : ndarray of shape (...)

    Returns
    -------
    out : ndarray of shape (...)
        Same dtype as ``x``.
    cache : tuple
        Opaque; pass it to :func:`silu_backward`.
    """
    as_float_array(x, "silu_forward", "x", min_ndim=1)
    s = _stable_sigmoid(x)
    return x * s, (x, s)


def silu_backward(dout: FloatArray, cache: Cache) -> FloatArray:
    """Backward pass of SiLU: ``dx = dout * s * (1 + x * (1 - s))`` with ``s = sigmoid(x)``.

    Product rule: ``d/dx [x s(x)] = s + x s (1 - s)``.

    Parameters
    ----------
    dout : ndarray of shape (...)
    cache : tuple
        From :func:`silu_forward`.

    Returns
    -------
    dx : ndarray of shape (...)
    """
    dout, (x, s) = _backward_args(dout, cache, "silu_backward", 2, "silu_forward")
    return (dout * (s * (1.0 + x * (1.0 - s)))).astype(x.dtype, copy=False)


swish_forward = silu_forward
"""Alias of :func:`silu_forward` (swish with beta = 1 is SiLU)."""
swish_backward = silu_backward
"""Alias of :func:`silu_backward`."""


# --------------------------------------------------------------------------- lookup helpers

_LAYERS: dict[str, tuple[Callable[..., tuple[FloatArray, Cache]], Backward]] = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "elu": (elu_forward, elu_backward),
    "gelu": (gelu_forward, gelu_backward),
    "silu": (silu_forward, silu_backward),
    "swish": (silu_forward, silu_backward),
}
_PARAMS: dict[str, tuple[str, ...]] = {"leaky_relu": ("alpha",), "elu": ("alpha",)}


def _check_name(name: Any, func: str, params: dict[str, Any]) -> str:
    """Check an activation name and its keyword parameters."""
    if not isinstance(name, str) or name not in _LAYERS:
        raise ValueError(
            f"{func}: argument 'activation' must be one of {', '.join(ACTIVATION_NAMES)}; "
            f"got {name!r}"
        )
    unknown = set(params) - set(_PARAMS.get(name, ()))
    if unknown:
        allowed = _PARAMS.get(name, ())
        raise TypeError(
            f"{func}: activation {name!r} takes "
            f"{'the parameter ' + ', '.join(allowed) if allowed else 'no parameters'}, "
            f"got {', '.join(sorted(unknown))}"
        )
    return name


def get_activation(activation: str, **params: float) -> tuple[Forward, Backward]:
    """Look up an activation's ``(forward, backward)`` pair by name.

    Parameters
    ----------
    activation : str
        One of :data:`ACTIVATION_NAMES`.
    **params : float
        ``alpha`` for ``"leaky_relu"`` and ``"elu"``; nothing for the others.

    Returns
    -------
    forward : callable
        ``forward(x) -> (out, cache)`` with the parameters bound.
    backward : callable
        ``backward(dout, cache) -> dx``.

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For a parameter the activation does not take.
    """
    name = _check_name(activation, "get_activation", params)
    forward, backward = _LAYERS[name]
    if not params:
        return forward, backward

    def bound_forward(x: FloatArray) -> tuple[FloatArray, Cache]:
        return forward(x, **params)

    return bound_forward, backward


def activation_derivative(x: FloatArray, activation: str, **params: float) -> FloatArray:
    """The derivative ``f'(x)`` of an elementwise activation, entry by entry (for plots).

    It is computed from the closed forms in this module's table, independently of the backward
    functions; :func:`solutions.a3_backprop_mlp.elementwise_jacobian` puts it on a diagonal.

    Parameters
    ----------
    x : ndarray of shape (...)
        Points at which to differentiate, at least 1-D.
    activation : str
        One of :data:`ACTIVATION_NAMES`.
    **params : float
        ``alpha`` for ``"leaky_relu"`` (default 0.01) and ``"elu"`` (default 1.0).

    Returns
    -------
    ndarray of shape (...)
        ``f'(x)``, same dtype as ``x``. At ``x == 0`` the kinked activations use the left slope.
    """
    func = "activation_derivative"
    as_float_array(x, func, "x", min_ndim=1)
    name = _check_name(activation, func, params)
    one = np.ones_like(x)
    if name == "sigmoid":
        s = _stable_sigmoid(x)
        grad = s * (1.0 - s)
    elif name == "tanh":
        grad = 1.0 - np.tanh(x) ** 2
    elif name == "relu":
        grad = np.where(x > 0, one, 0.0)
    elif name == "leaky_relu":
        a = check_number(params.get("alpha", 0.01), func, "alpha", minimum=0.0)
        grad = np.where(x > 0, one, a)
    elif name == "elu":
        a = check_number(params.get("alpha", 1.0), func, "alpha", minimum=0.0)
        grad = np.where(x > 0, one, a * np.exp(np.minimum(x, 0)))
    elif name == "gelu":
        grad = normal_cdf(x) + x * normal_pdf(x)
    else:  # silu / swish
        s = _stable_sigmoid(x)
        grad = s + x * s * (1.0 - s)
    return np.asarray(grad).astype(x.dtype, copy=False)
