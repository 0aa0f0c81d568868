"""Offline datasets used by the notebooks and the grader (nothing is downloaded).

Digits come from scikit-learn's bundled copy (1797 images of 8x8 pixels, 10 classes); the small
2-D problems are generated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

SPLIT_SEED = 20261122
N_TRAIN, N_VAL = 1000, 397  # the remaining 400 images form the test split


@lru_cache(maxsize=2)
def _digits(bias: bool) -> dict[str, NDArray[Any]]:
    from sklearn.datasets import load_digits  # local import: scikit-learn is slow to import

    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    parts = {
        "train": order[:N_TRAIN],
        "val": order[N_TRAIN : N_TRAIN + N_VAL],
        "test": order[N_TRAIN + N_VAL :],
    }
    mean = X[parts["train"]].mean(axis=0)
    out: dict[str, NDArray[Any]] = {}
    for name, idx in parts.items():
        Xs = X[idx] - mean
        if bias:
            Xs = np.hstack([Xs, np.ones((len(idx), 1))])
        out[f"X_{name}"] = Xs
        out[f"y_{name}"] = y[idx]
    out["mean_image"] = mean
    return out


def load_digits_split(*, bias: bool = False, include_test: bool = False) -> dict[str, NDArray[Any]]:
    """The course's fixed split of scikit-learn's digits, centred by the training mean.

    Pixels are scaled to ``[0, 1]`` and the training split's mean image is subtracted.

    Parameters
    ----------
    bias : bool, default False
        Append a last column of ones (the bias trick).
    include_test : bool, default False
        Also return the held-out test split. Only the grader asks for it: the notebooks train on
        ``X_train``, tune on ``X_val`` and are scored on ``X_test`` without ever seeing it.
        (The images are scikit-learn's public copy, so this keeps honest work honest; it cannot
        stop a student who goes looking for them.)

    Returns
    -------
    dict
        ``X_train`` (1000, 64[+1]), ``y_train`` (1000,), ``X_val`` (397, ...), ``y_val`` and
        ``mean_image`` (64,); with ``include_test``, also ``X_test`` (400, ...) and ``y_test``.
        Fresh copies each call.
    """
    return {
        k: v.copy() for k, v in _digits(bias).items() if include_test or not k.endswith("_test")
    }


def xor_points() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The four XOR points with labels in {-1, +1}.

    Returns
    -------
    X : ndarray of shape (4, 2)
    y : ndarray of shape (4,)
        +1 where exactly one coordinate is 1.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([-1, 1, 1, -1], dtype=np.int64)
    return X, y


def logic_gate(name: str) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Truth table of ``"and"``, ``"or"`` or ``"xor"`` with labels in {-1, +1}.

    Returns
    -------
    X : ndarray of shape (4, 2)
    y : ndarray of shape (4,)

    Raises
    ------
    ValueError
        For an unknown gate.
    """
    X, _ = xor_points()
    a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
    table = {"and": a & b, "or": a | b, "xor": a ^ b}
    if name not in table:
        raise ValueError(f"logic_gate: unknown gate {name!r}, expected one of {sorted(table)}")
    return X, np.where(table[name], 1, -1).astype(np.int64)


def blobs(
    n_per_class: int,
    rng: np.random.Generator,
    *,
    centers: NDArray[Any] | None = None,
    std: float = 0.6,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Gaussian blobs in 2-D, one per class, for decision-region plots.

    Returns
    -------
    X : ndarray of shape (n_per_class * C, 2)
    y : ndarray of shape (n_per_class * C,)
    """
    c = np.array([[-2.0, 0.0], [2.0, 0.5], [0.0, 2.5]]) if centers is None else np.asarray(centers)
    X = np.concatenate([ci + std * rng.standard_normal((n_per_class, 2)) for ci in c])
    y = np.repeat(np.arange(len(c)), n_per_class)
    return X, y.astype(np.int64)
