"""The bias trick: fold the bias into the weights by appending a constant feature."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array


def add_bias_column(X: NDArray[np.floating[Any]]) -> NDArray[np.floating[Any]]:
    """Append a column of ones to ``X`` so that ``add_bias_column(X) @ W`` includes a bias.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        Data, one sample per row, floating point.

    Returns
    -------
    ndarray of shape (N, D + 1)
        ``X`` with a last column of ones, same dtype as ``X``. ``X`` is not modified.
    """
    as_float_array(X, "add_bias_column", "X", ndim=2)
    return np.hstack([X, np.ones((X.shape[0], 1), dtype=X.dtype)])
