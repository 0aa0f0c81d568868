"""Jacobians by forward mode (one JVP per input) and by reverse mode (one VJP per output).

For ``f: R^n -> R^m`` the Jacobian ``J`` is ``(m, n)``, ``J[i, j] = d f_i / d x_j``.

- Forward mode seeds the tangent ``e_j`` on the inputs and carries it through ``f`` with dual
  numbers: one evaluation gives ``J @ e_j``, the j-th COLUMN. ``n`` passes build ``J``.
- Reverse mode records ``f`` once as a graph of :class:`Value` nodes, then seeds ``e_i`` on the
  outputs and runs ``backward``: one pass gives ``e_i^T J``, the i-th ROW (the gradient of
  ``f_i``). ``m`` passes build ``J``.

So forward mode is the cheaper one for tall functions (``m > n``) and reverse mode for wide ones
(``n > m``), above all for a scalar loss of many parameters (``m = 1``), which is why training
uses reverse mode (backpropagation).

How ``f`` must be written
-------------------------
``f`` takes a list of ``n`` scalars and returns a list (or tuple) of ``m`` scalars. The inputs are
:class:`Dual` numbers in forward mode and :class:`Value` nodes in reverse mode, so ``f`` may only
use operations both provide: ``+ - * /`` (with numbers on either side), unary ``-``, ``** c`` for a
number ``c``, the methods ``.exp() .log() .sin() .cos() .tanh() .sigmoid() .relu()
.maximum(other)``, or the functions of :mod:`solutions.a2_autodiff.ops` (``sin(u)`` ...), which
also accept numbers. For example::

    def f(x):
        return [x[0] * x[1].sin(), (x[0] - 2 * x[2]).exp(), x[1] ** 2 / x[2]]

An output may also be a plain number (a constant: its row is zero). A single scalar returned
instead of a list counts as ``m = 1``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array
from solutions.a2_autodiff._scalar import describe, is_real
from solutions.a2_autodiff.dual import Dual
from solutions.a2_autodiff.value import Value

__all__ = [
    "jacobian_forward",
    "jacobian_forward_with_count",
    "jacobian_reverse",
    "jacobian_reverse_with_count",
]

FloatArray = NDArray[np.floating[Any]]
Scalar: TypeAlias = Any  # a Dual, a Value or a number, depending on the mode
VectorFunction: TypeAlias = Callable[[list[Any]], Sequence[Scalar] | Scalar]


def _check_args(f: object, x: object, func: str) -> FloatArray:
    if not callable(f):
        raise TypeError(f"{func}: argument 'f' must be callable, got {describe(f)}")
    arr = as_float_array(x, func, "x", ndim=1)
    if arr.size == 0:
        raise ValueError(f"{func}: argument 'x' is empty; f needs at least one input")
    return arr


def _outputs(result: object, kind: type, func: str) -> list[Any]:
    """Normalise ``f``'s result to a list of ``kind`` scalars or numbers, or raise."""
    if isinstance(result, (list, tuple)):
        outs = list(result)
    elif isinstance(result, np.ndarray) and result.ndim == 1:
        outs = result.tolist()
    elif isinstance(result, (Value, Dual)) or is_real(result):
        outs = [result]
    else:
        raise TypeError(
            f"{func}: f must return a list of scalars ({kind.__name__} or numbers), got "
            f"{describe(result)}"
        )
    if not outs:
        raise ValueError(f"{func}: f returned no outputs; it must return at least one scalar")
    for i, out in enumerate(outs):
        if not (isinstance(out, kind) or is_real(out)):
            raise TypeError(
                f"{func}: output {i} of f is a {describe(out)}; with {kind.__name__} inputs every "
                f"output must be a {kind.__name__} computed from them or a plain number (did f "
                "convert an input to float, or use math/numpy functions on it?)"
            )
    return outs


def jacobian_forward_with_count(f: VectorFunction, x: FloatArray) -> tuple[FloatArray, int]:
    """Jacobian of ``f`` at ``x`` by forward mode, and the number of passes used (``n``).

    Pass ``j`` evaluates ``f`` on ``[Dual(x_0, 0), ..., Dual(x_j, 1), ..., Dual(x_{n-1}, 0)]``;
    the tangents of the outputs form column ``j`` of the Jacobian (a Jacobian-vector product
    with ``e_j``).

    Parameters
    ----------
    f : callable
        ``f(list of n Dual) -> list of m Dual`` (see the module docstring for how to write it).
    x : ndarray of shape (n,)
        The point, floating point.

    Returns
    -------
    J : ndarray of shape (m, n), same dtype as ``x``
    passes : int
        The number of evaluations of ``f``: ``n``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a float array or ``f`` returns something else than
        Duals and numbers.
    ValueError
        If ``x`` is not 1-D or empty, ``f`` returns no output or a different number of outputs
        on different passes.
    """
    func = "jacobian_forward"
    x = _check_args(f, x, func)
    point = [float(v) for v in x]
    n = len(point)
    columns: list[list[float]] = []
    for j in range(n):
        seeded = [Dual(v, 1.0 if i == j else 0.0) for i, v in enumerate(point)]
        outs = _outputs(f(seeded), Dual, func)
        if columns and len(outs) != len(columns[0]):
            raise ValueError(
                f"{func}: f returned {len(columns[0])} outputs on the first pass but {len(outs)} "
                "on a later one"
            )
        columns.append([out.der if isinstance(out, Dual) else 0.0 for out in outs])
    J = np.array(columns, dtype=np.float64).T
    return J.astype(x.dtype, copy=False), n


def jacobian_reverse_with_count(f: VectorFunction, x: FloatArray) -> tuple[FloatArray, int]:
    """Jacobian of ``f`` at ``x`` by reverse mode, and the number of backward passes (``m``).

    ``f`` is evaluated once on Value leaves, recording its graph. For each output ``i`` the
    gradients are reset and ``f_i.backward()`` runs: the leaves' ``grad`` is then row ``i`` of
    the Jacobian (a vector-Jacobian product with ``e_i``).

    Parameters
    ----------
    f : callable
        ``f(list of n Value) -> list of m Value`` (see the module docstring for how to write it).
    x : ndarray of shape (n,)
        The point, floating point.

    Returns
    -------
    J : ndarray of shape (m, n), same dtype as ``x``
    passes : int
        The number of backward passes: ``m`` (one per output; a constant output's pass is
        trivial: its row is zero).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a float array or ``f`` returns something else than
        Values and numbers.
    ValueError
        If ``x`` is not 1-D or empty, or ``f`` returns no output.
    """
    func = "jacobian_reverse"
    x = _check_args(f, x, func)
    leaves = [Value(float(v), label=f"x{i}") for i, v in enumerate(x)]
    outs = _outputs(f(list(leaves)), Value, func)
    J = np.zeros((len(outs), len(leaves)), dtype=np.float64)
    for i, out in enumerate(outs):
        if not isinstance(out, Value):
            continue
        # Gradients accumulate, so clear them: on every node out_i depends on, and on the
        # leaves (a leaf out_i does not depend on may still hold an earlier row's gradient).
        for leaf in leaves:
            leaf.grad = 0.0
        out.zero_grad()
        out.backward()
        J[i] = [leaf.grad for leaf in leaves]
    return J.astype(x.dtype, copy=False), len(outs)


def jacobian_forward(f: VectorFunction, x: FloatArray) -> FloatArray:
    """Jacobian ``(m, n)`` of ``f`` at ``x`` by ``n`` forward-mode (JVP) passes with :class:`Dual`.

    See :func:`jacobian_forward_with_count`, which also returns the number of passes.
    """
    return jacobian_forward_with_count(f, x)[0]


def jacobian_reverse(f: VectorFunction, x: FloatArray) -> FloatArray:
    """Jacobian ``(m, n)`` of ``f`` at ``x`` by ``m`` reverse-mode (VJP) passes with :class:`Value`.

    See :func:`jacobian_reverse_with_count`, which also returns the number of passes.
    """
    return jacobian_reverse_with_count(f, x)[0]
