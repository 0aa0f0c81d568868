"""A residual block ``out = x + F(x)`` and gradient norms through deep plain vs residual stacks.

The branch is ``F(x) = g(x @ w1 + b1) @ w2 + b2`` (affine -> activation -> affine). Because of the
identity path, ``dL/dx = dout + (dL/dx through F)``: the upstream gradient reaches the input
undiminished even when the branch's Jacobian is tiny, which is why deep residual stacks do not
suffer from vanishing gradients the way plain stacks ``out = F(x)`` do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from solutions._validation import as_float_array, check_positive, require_rng
from solutions.a4_training_deep_nets._common import FloatArray, check_int, get_activation

BlockParams = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def _check_block(func: str, x: Any, w1: Any, b1: Any, w2: Any, b2: Any, prefix: str = "") -> None:
    as_float_array(x, func, "x", ndim=2)
    as_float_array(w1, func, f"{prefix}w1", ndim=2)
    as_float_array(b1, func, f"{prefix}b1", ndim=1)
    as_float_array(w2, func, f"{prefix}w2", ndim=2)
    as_float_array(b2, func, f"{prefix}b2", ndim=1)
    D, H = x.shape[1], w1.shape[1]
    if w1.shape[0] != D:
        raise ValueError(
            f"{func}: argument '{prefix}w1' has shape {w1.shape}, expected ({D}, H) for x of "
            f"shape {x.shape} (N, D); the block maps D -> H -> D"
        )
    for name, got, want in (
        (f"{prefix}b1", b1.shape, (H,)),
        (f"{prefix}w2", w2.shape, (H, D)),
        (f"{prefix}b2", b2.shape, (D,)),
    ):
        if got != want:
            raise ValueError(
                f"{func}: argument '{name}' has shape {got}, expected {want} for x of shape "
                f"{x.shape} (N, D) and hidden width H = w1.shape[1]; the block maps D -> H -> D"
            )


def _block_forward(
    x: FloatArray,
    w1: FloatArray,
    b1: FloatArray,
    w2: FloatArray,
    b2: FloatArray,
    activation: str,
    skip: bool,
    func: str,
) -> tuple[FloatArray, tuple[Any, ...]]:
    g, dg = get_activation(activation, func)
    dt = x.dtype
    a = x @ w1.astype(dt, copy=False) + b1.astype(dt, copy=False)
    h = g(a)
    f = h @ w2.astype(dt, copy=False) + b2.astype(dt, copy=False)
    out = x + f if skip else f
    return out, (x, w1, w2, a, h, dg, skip)


def _block_backward(dout: FloatArray, cache: tuple[Any, ...]) -> tuple[FloatArray, ...]:
    x, w1, w2, a, h, dg, skip = cache
    dt = x.dtype
    dw2 = h.T @ dout
    db2 = dout.sum(axis=0)
    da = (dout @ w2.T.astype(dt, copy=False)) * dg(a, h)
    dw1 = x.T @ da
    db1 = da.sum(axis=0)
    dx = da @ w1.T.astype(dt, copy=False)
    if skip:
        dx = dx + dout
    return (
        dx.astype(dt, copy=False),
        dw1.astype(w1.dtype, copy=False),
        db1.astype(w1.dtype, copy=False),
        dw2.astype(w2.dtype, copy=False),
        db2.astype(w2.dtype, copy=False),
    )


def residual_forward(
    x: FloatArray,
    w1: FloatArray,
    b1: FloatArray,
    w2: FloatArray,
    b2: FloatArray,
    activation: str = "relu",
) -> tuple[FloatArray, tuple[Any, ...]]:
    """Forward pass of a residual block ``out = x + F(x)``, ``F(x) = g(x @ w1 + b1) @ w2 + b2``.

    Parameters
    ----------
    x : ndarray of shape (N, D)
        Input batch.
    w1 : ndarray of shape (D, H)
    b1 : ndarray of shape (H,)
    w2 : ndarray of shape (H, D)
    b2 : ndarray of shape (D,)
    activation : str, default "relu"
        ``g``: ``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"leaky_relu"`` or ``"linear"``.

    Returns
    -------
    out : ndarray of shape (N, D)
        Same dtype as ``x``.
    cache : tuple
        Opaque, for :func:`residual_backward`.
    """
    func = "residual_forward"
    _check_block(func, x, w1, b1, w2, b2)
    return _block_forward(x, w1, b1, w2, b2, activation, True, func)


def residual_backward(
    dout: FloatArray, cache: tuple[Any, ...]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Backward pass of :func:`residual_forward`.

    With ``a = x @ w1 + b1``, ``h = g(a)``: ``dw2 = h.T @ dout``, ``db2 = sum_n dout``,
    ``da = (dout @ w2.T) * g'(a)``, ``dw1 = x.T @ da``, ``db1 = sum_n da`` and
    ``dx = dout + da @ w1.T`` (the ``dout`` term is the identity path).

    Parameters
    ----------
    dout : ndarray of shape (N, D)
        Upstream gradient ``dL/dout``.
    cache : tuple
        From :func:`residual_forward`.

    Returns
    -------
    dx : ndarray of shape (N, D)
    dw1 : ndarray of shape (D, H)
    db1 : ndarray of shape (H,)
    dw2 : ndarray of shape (H, D)
    db2 : ndarray of shape (D,)
    """
    func = "residual_backward"
    if not isinstance(cache, tuple) or len(cache) != 7 or not cache[6]:
        raise TypeError(f"{func}: argument 'cache' must be the cache returned by residual_forward")
    as_float_array(dout, func, "dout", ndim=2)
    if dout.shape != cache[0].shape:
        raise ValueError(
            f"{func}: argument 'dout' has shape {dout.shape}, expected the block's output shape "
            f"{cache[0].shape}"
        )
    dx, dw1, db1, dw2, db2 = _block_backward(dout, cache)
    return dx, dw1, db1, dw2, db2


def init_blocks(
    depth: int,
    dim: int,
    hidden: int,
    rng: np.random.Generator,
    *,
    scale: float = 1.0,
    bias_std: float = 0.0,
) -> list[BlockParams]:
    """Random parameters for ``depth`` blocks mapping ``dim -> hidden -> dim``.

    Per block, in this order: ``w1 = scale * sqrt(2 / dim) * rng.standard_normal((dim, hidden))``,
    ``b1 = bias_std * rng.standard_normal(hidden)``,
    ``w2 = scale * sqrt(2 / hidden) * rng.standard_normal((hidden, dim))``,
    ``b2 = bias_std * rng.standard_normal(dim)`` (He scaling times ``scale``). The bias draws are
    made even when ``bias_std = 0``, so the weights do not depend on ``bias_std``.

    Parameters
    ----------
    depth, dim, hidden : int
        Number of blocks, block input/output width D, hidden width H (all >= 1).
    rng : np.random.Generator
    scale : float, default 1.0
        Multiplies the He standard deviation; below 1 the plain stack's gradients vanish.
    bias_std : float, default 0.0

    Returns
    -------
    list of (w1, b1, w2, b2)
    """
    func = "init_blocks"
    check_int(depth, func, "depth")
    check_int(dim, func, "dim")
    check_int(hidden, func, "hidden")
    require_rng(rng, func)
    check_positive(scale, func, "scale")
    check_positive(bias_std, func, "bias_std", allow_zero=True)
    blocks: list[BlockParams] = []
    for _ in range(depth):
        w1 = scale * np.sqrt(2.0 / dim) * rng.standard_normal((dim, hidden))
        b1 = bias_std * rng.standard_normal(hidden)
        w2 = scale * np.sqrt(2.0 / hidden) * rng.standard_normal((hidden, dim))
        b2 = bias_std * rng.standard_normal(dim)
        blocks.append((w1, b1, w2, b2))
    return blocks


def stack_grad_norms(
    x: FloatArray,
    blocks: Sequence[BlockParams],
    *,
    residual: bool,
    activation: str = "relu",
    dout: FloatArray | None = None,
) -> FloatArray:
    """Norms of the gradient at the input of every block of a deep plain or residual stack.

    The stack applies ``h_k = h_{k-1} + F_k(h_{k-1})`` (``residual=True``) or
    ``h_k = F_k(h_{k-1})`` (``residual=False``) for ``k = 1..K`` with ``h_0 = x`` and
    ``F_k(h) = g(h @ w1 + b1) @ w2 + b2``. The upstream gradient ``dL/dh_K`` is ``dout``,
    by default ``ones / N``, and it is backpropagated to ``x``.

    Parameters
    ----------
    x : ndarray of shape (N, D)
    blocks : sequence of K tuples (w1, b1, w2, b2)
        Shapes (D, H), (H,), (H, D), (D,), e.g. from :func:`init_blocks`.
    residual : bool
        With (True) or without (False) the identity path.
    activation : str, default "relu"
    dout : ndarray of shape (N, D), optional

    Returns
    -------
    norms : ndarray of shape (K + 1,)
        ``norms[k] = ||dL/dh_k||`` (Frobenius); ``norms[0]`` is the gradient at the network's
        input ``x`` and ``norms[K] = ||dout||``. Plot it against ``k`` for both stacks.
    """
    func = "stack_grad_norms"
    as_float_array(x, func, "x", ndim=2)
    if not isinstance(blocks, Sequence) or not blocks:
        raise TypeError(f"{func}: argument 'blocks' must be a non-empty list of (w1, b1, w2, b2)")
    caches = []
    h = x
    for k, block in enumerate(blocks):
        if not isinstance(block, tuple | list) or len(block) != 4:
            raise TypeError(f"{func}: argument 'blocks[{k}]' must be a tuple (w1, b1, w2, b2)")
        w1, b1, w2, b2 = block
        _check_block(func, h, w1, b1, w2, b2, prefix=f"blocks[{k}].")
        h, cache = _block_forward(h, w1, b1, w2, b2, activation, bool(residual), func)
        caches.append(cache)
    if dout is None:
        dh = np.full(h.shape, 1.0 / h.shape[0], dtype=h.dtype)
    else:
        as_float_array(dout, func, "dout", ndim=2)
        if dout.shape != h.shape:
            raise ValueError(f"{func}: argument 'dout' has shape {dout.shape}, expected {h.shape}")
        dh = dout
    K = len(caches)
    norms = np.empty(K + 1, dtype=x.dtype)
    norms[K] = np.linalg.norm(dh)
    for k in range(K - 1, -1, -1):
        dh = _block_backward(dh, caches[k])[0]
        norms[k] = np.linalg.norm(dh)
    return norms
