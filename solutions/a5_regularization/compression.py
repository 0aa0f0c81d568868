"""Model compression: magnitude pruning to a target sparsity and symmetric int8 quantisation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array, check_probability
from solutions.a4_training_deep_nets._common import FloatArray

BoolArray = NDArray[np.bool_]


def _prune_flat(magnitudes: NDArray[Any], sparsity: float) -> BoolArray:
    """Keep-mask of a flat array: drop the ``round(sparsity * n)`` smallest, ties by index."""
    n = magnitudes.shape[0]
    k = round(sparsity * n)
    keep = np.ones(n, dtype=bool)
    if k:
        order = np.argsort(magnitudes, kind="stable")
        keep[order[:k]] = False
    return keep


def magnitude_prune(
    weights: FloatArray | Mapping[str, FloatArray],
    sparsity: float,
    *,
    scope: str = "global",
) -> tuple[Any, Any]:
    """Zero the smallest-magnitude weights so that a fraction ``sparsity`` of them is zero.

    Which weights go: with ``n`` weights in a group, the ``k = round(sparsity * n)`` ones of
    smallest ``|w|`` (Python's ``round``, half to even) are set to 0. Ties are broken
    deterministically by position: the group is flattened (each array in C order; for a dict,
    the arrays concatenated in the dict's order) and sorted by ``|w|`` with a stable sort, so
    among equal magnitudes the earlier entry is pruned first. Weights that are already 0 count
    as pruned candidates like any other (they are the smallest).

    ``scope="global"`` (default) ranks all the weights of all the arrays together, so layers
    end with different sparsities; ``scope="per_tensor"`` applies the rule to each array on its
    own. Pass weight matrices only: biases are usually not pruned.

    Parameters
    ----------
    weights : ndarray or mapping of str to ndarray
        One array or a dict of arrays (floating point).
    sparsity : float
        Target fraction of zeros in ``[0, 1]``.
    scope : {"global", "per_tensor"}, default "global"

    Returns
    -------
    pruned : ndarray or dict of str to ndarray
        Same structure, shapes and dtypes as ``weights``; new arrays.
    mask : ndarray of bool or dict of str to ndarray of bool
        True where the weight is kept.
    """
    func = "magnitude_prune"
    check_probability(sparsity, func, "sparsity", allow_one=True)
    if scope not in ("global", "per_tensor"):
        raise ValueError(
            f"{func}: argument 'scope' must be 'global' or 'per_tensor', got {scope!r}"
        )
    if isinstance(weights, np.ndarray):
        as_float_array(weights, func, "weights")
        keep = _prune_flat(np.abs(weights).ravel(), float(sparsity)).reshape(weights.shape)
        return np.where(keep, weights, 0).astype(weights.dtype, copy=False), keep
    if not isinstance(weights, Mapping):
        raise TypeError(
            f"{func}: argument 'weights' must be an array or a dict of arrays, "
            f"got {type(weights).__name__}"
        )
    for name, w in weights.items():
        as_float_array(w, func, f"weights[{name!r}]")
    masks: dict[str, BoolArray] = {}
    if scope == "per_tensor":
        for name, w in weights.items():
            masks[name] = _prune_flat(np.abs(w).ravel(), float(sparsity)).reshape(w.shape)
    elif weights:
        flat = np.concatenate([np.abs(w).ravel().astype(np.float64) for w in weights.values()])
        keep = _prune_flat(flat, float(sparsity))
        start = 0
        for name, w in weights.items():
            masks[name] = keep[start : start + w.size].reshape(w.shape)
            start += w.size
    pruned = {
        name: np.where(masks[name], w, 0).astype(w.dtype, copy=False) for name, w in weights.items()
    }
    return pruned, masks


def prune_params(
    params: Mapping[str, FloatArray], sparsity: float, *, scope: str = "global"
) -> dict[str, FloatArray]:
    """Prune the weight matrices (keys starting with ``"W"``) of an MLP's parameters.

    Biases are copied unchanged. See :func:`magnitude_prune` for the rule.

    Parameters
    ----------
    params : mapping of str to ndarray
        ``{"W1", "b1", ...}``.
    sparsity : float
        Fraction of the weights (not biases) to zero, in ``[0, 1]``.
    scope : {"global", "per_tensor"}, default "global"

    Returns
    -------
    dict of str to ndarray
        New parameters, same keys.
    """
    weights = {k: v for k, v in params.items() if k.startswith("W")}
    pruned, _ = magnitude_prune(weights, sparsity, scope=scope)
    return {k: pruned[k] if k in pruned else np.array(v, copy=True) for k, v in params.items()}


def quantize_int8(w: FloatArray) -> tuple[NDArray[np.int8], float]:
    """Symmetric per-tensor int8 quantisation.

    ``scale = max|w| / 127`` (``1.0`` if ``w`` is all zeros, to avoid dividing by 0) and
    ``q = clip(round(w / scale), -127, 127)`` as ``int8``, computed in float64. ``round`` is
    ``np.round``: half to even, so ``2.5 -> 2`` and ``3.5 -> 4``. The zero point is 0 (symmetric
    scheme) and -128 is never used. Every entry then satisfies ``|w - q * scale| <= scale / 2``.

    Parameters
    ----------
    w : ndarray of any shape
        Floating point, finite.

    Returns
    -------
    q : ndarray of int8, same shape as ``w``
    scale : float
    """
    func = "quantize_int8"
    as_float_array(w, func, "w")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{func}: argument 'w' holds NaN or infinite values")
    w64 = w.astype(np.float64)
    max_abs = float(np.max(np.abs(w64))) if w.size else 0.0
    scale = max_abs / 127.0 if max_abs > 0 else 1.0
    q = np.clip(np.round(w64 / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize_int8(q: NDArray[np.int8], scale: float, *, dtype: Any = np.float64) -> FloatArray:
    """Map int8 codes back to real values: ``q * scale`` (in float64, then cast to ``dtype``).

    Parameters
    ----------
    q : ndarray of int8
    scale : float
        From :func:`quantize_int8` (> 0).
    dtype : floating dtype, default float64

    Returns
    -------
    ndarray of ``dtype``, same shape as ``q``
    """
    func = "dequantize_int8"
    if not isinstance(q, np.ndarray) or q.dtype != np.int8:
        got = f"dtype {q.dtype}" if isinstance(q, np.ndarray) else type(q).__name__
        raise TypeError(f"{func}: argument 'q' must be an int8 array, got {got}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: argument 'scale' must be a number, got {type(scale).__name__}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"{func}: argument 'scale' must be finite and > 0, got {scale!r}")
    return (q.astype(np.float64) * float(scale)).astype(dtype)


def quantize_params(params: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """Round-trip the weight matrices (keys starting with ``"W"``) through int8.

    Each weight matrix is replaced by ``dequantize_int8(*quantize_int8(W), dtype=W.dtype)``
    (per-tensor scale); biases are copied unchanged. Use it to measure the accuracy of the 8-bit
    network.

    Parameters
    ----------
    params : mapping of str to ndarray

    Returns
    -------
    dict of str to ndarray
    """
    out: dict[str, FloatArray] = {}
    for k, v in params.items():
        if k.startswith("W"):
            q, scale = quantize_int8(v)
            out[k] = dequantize_int8(q, scale, dtype=v.dtype)
        else:
            out[k] = np.array(v, copy=True)
    return out
