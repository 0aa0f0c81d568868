"""Gradient clipping by the global L2 norm (the cure for exploding gradients)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from solutions._validation import as_float_array, check_positive
from solutions.a4_training_deep_nets._common import FloatArray


def clip_grad_norm(
    grads: Mapping[str, FloatArray],
    max_norm: float,
    *,
    error_if_nonfinite: bool = False,
) -> tuple[dict[str, FloatArray], float]:
    """Rescale a dict of gradients so that their global L2 norm is at most about ``max_norm``.

    The global norm treats all tensors as one long vector:
    ``total_norm = sqrt(sum_k ||g_k||**2)`` (computed, as PyTorch does, as the L2 norm of the
    per-tensor norms). The scale is ``coef = min(1, max_norm / (total_norm + 1e-6))`` and every
    gradient is multiplied by ``coef`` when ``coef < 1``; otherwise it is returned unchanged
    (a copy). This is exactly ``torch.nn.utils.clip_grad_norm_``'s formula; the ``1e-6`` guards
    against division by zero, so a clipped result has norm slightly below ``max_norm``, and a
    norm within 1e-6 below ``max_norm`` is scaled by a factor just under 1, as in PyTorch.

    Unlike PyTorch's in-place function this one is pure: ``grads`` and its arrays are never
    modified; new arrays are returned.

    Parameters
    ----------
    grads : mapping of str to ndarray
        Gradients of any shapes, floating point. May be empty (total norm 0).
    max_norm : float
        Largest allowed global norm (> 0).
    error_if_nonfinite : bool, default False
        Raise ``ValueError`` if the total norm is NaN or infinite (PyTorch's flag). Otherwise a
        non-finite norm propagates into the result as in PyTorch.

    Returns
    -------
    clipped : dict of str to ndarray
        Same keys, shapes and dtypes as ``grads``.
    total_norm : float
        Global norm of the gradients BEFORE clipping.
    """
    func = "clip_grad_norm"
    if not isinstance(grads, Mapping):
        raise TypeError(
            f"{func}: argument 'grads' must be a dict of name -> gradient array, "
            f"got {type(grads).__name__}"
        )
    for name, g in grads.items():
        as_float_array(g, func, f"grads[{name!r}]")
    check_positive(max_norm, func, "max_norm")
    norms = [float(np.linalg.norm(g.ravel())) for g in grads.values()]
    total_norm = float(np.linalg.norm(np.asarray(norms, dtype=np.float64))) if norms else 0.0
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise ValueError(
            f"{func}: the total norm of the gradients is {total_norm}, not finite; "
            "a NaN or inf is in the gradients"
        )
    coef = float(max_norm) / (total_norm + 1e-6)
    scale = not coef >= 1.0  # also true for a NaN coefficient, which then propagates
    clipped: dict[str, FloatArray] = {}
    for name, g in grads.items():
        clipped[name] = g * np.asarray(coef, dtype=g.dtype) if scale else g.copy()
    return clipped, total_norm


def global_grad_norm(grads: Mapping[str, FloatArray]) -> float:
    """Global L2 norm ``sqrt(sum_k ||g_k||**2)`` of a dict of arrays (0.0 for an empty dict).

    Parameters
    ----------
    grads : mapping of str to ndarray

    Returns
    -------
    float
    """
    func = "global_grad_norm"
    if not isinstance(grads, Mapping):
        raise TypeError(f"{func}: argument 'grads' must be a dict, got {type(grads).__name__}")
    total = 0.0
    for name, g in grads.items():
        as_float_array(g, func, f"grads[{name!r}]")
        total += float(np.sum(np.square(g, dtype=np.float64)))
    return float(np.sqrt(total))
