"""Plain-data records: what a probe exports and a judge reads.

A record maps names to NumPy arrays, Python numbers, strings or booleans: never a live object, so
a record can cross a process boundary as ``.npz`` (read with ``allow_pickle=False``) or JSON.
Keys starting with ``__`` are metadata: ``__error__`` (the student's exception, as text),
``__status__`` (``missing``, ``timeout``, ``error``), ``__mutated__`` (inputs the function changed),
and ``__warnings__``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Record = dict[str, Any]


class NotPlainDataError(TypeError):
    """Raised when a student's return value cannot be turned into numbers."""


def to_plain(value: Any, what: str) -> Any:
    """Convert a returned value to plain data (an ndarray of a basic dtype, or a Python scalar).

    Parameters
    ----------
    value : Any
        What the student's function returned (or one element of a returned tuple).
    what : str
        How to name it in the error (``"the loss"``).

    Raises
    ------
    NotPlainDataError
        With a message a student can act on (``returned None: did you forget return?``).
    """
    if value is None:
        raise NotPlainDataError(f"{what} is None: did you forget a `return`?")
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        arr = np.asarray(value) if not isinstance(value, int) or abs(value) < 2**63 else None
        if arr is None or arr.dtype.kind not in "biuf":
            raise NotPlainDataError(f"{what} is too large to be stored as a number")
        return arr.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        try:
            arr = np.array(value)
        except (ValueError, TypeError) as exc:
            raise NotPlainDataError(f"{what} could not be read as an array: {exc}") from None
        base = np.asarray(arr)
        if base.dtype.kind not in "biuf":
            raise NotPlainDataError(f"{what} has dtype {base.dtype}, expected numbers")
        return np.array(base, copy=True)
    raise NotPlainDataError(f"{what} is a {type(value).__name__}, expected a number or an ndarray")


def dtype_name(value: Any) -> str:
    """The dtype of a returned array as text (``"float32"``), or the Python type's name."""
    if isinstance(value, np.ndarray):
        return str(value.dtype)
    return type(value).__name__


def record_array(
    record: Record, key: str, shape: tuple[int, ...] | None = None, *, what: str = ""
) -> np.ndarray:
    """``record[key]`` as a float64 array of ``shape``, for a trusted-side measure.

    Parameters
    ----------
    record : Record
        A probe's record (untrusted).
    key : str
    shape : tuple of int, optional
        The shape it must have.
    what : str
        How a student would name it in the error (default: ``key``), e.g. ``"the outputs of
        dropout_forward, one per call"``.

    Raises
    ------
    NotPlainDataError
        When it is missing, not numbers, or of another shape, with a message naming ``what``.
    """
    name = what or key
    if key not in record:
        raise NotPlainDataError(f"{name}: nothing was returned")
    arr = np.asarray(record[key])
    if arr.dtype.kind not in "biuf":
        raise NotPlainDataError(f"{name} must be numbers, not {arr.dtype}")
    if shape is not None and arr.shape != shape:
        raise NotPlainDataError(f"{name} has shape {arr.shape}, expected {shape}")
    return arr.astype(np.float64)
