"""The inverted digits of assignment a4's capstone.

Half of the images (chosen by a fixed seed per split) are photographic negatives of the centred
digits, ``x -> -x``. A linear classifier cannot handle both polarities: its scores for ``-x`` are
the negated scores for ``x``, so whatever class it picks for an image it ranks last for the
image's negative. A ReLU network can (``relu(z) + relu(-z) = |z|``), provided it trains.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograder.student.datasets import load_digits_split

SPLIT_SEEDS = {"train": 41, "val": 42, "test": 43}


def _invert_half(X: NDArray[Any], seed: int) -> tuple[NDArray[Any], NDArray[np.bool_]]:
    flipped: NDArray[np.bool_] = np.asarray(np.random.default_rng(seed).random(X.shape[0]) < 0.5)
    return np.where(flipped[:, None], -X, X), flipped


def load_inverted_digits(*, include_test: bool = False) -> dict[str, NDArray[Any]]:
    """The course's digits split with half of every split's images negated.

    Parameters
    ----------
    include_test : bool, default False
        Also return the held-out test split (only the grader asks for it).

    Returns
    -------
    dict
        ``X_train`` (1000, 64), ``y_train``, ``X_val`` (397, 64), ``y_val``, ``inverted_train``
        and ``inverted_val`` (bool masks of the negated images), ``mean_image`` (64,); with
        ``include_test`` also ``X_test`` (400, 64), ``y_test`` and ``inverted_test``.
    """
    data = load_digits_split(include_test=include_test)
    out: dict[str, NDArray[Any]] = {"mean_image": data["mean_image"]}
    for split, seed in SPLIT_SEEDS.items():
        if f"X_{split}" not in data:
            continue
        out[f"X_{split}"], out[f"inverted_{split}"] = _invert_half(data[f"X_{split}"], seed)
        out[f"y_{split}"] = data[f"y_{split}"]
    return out
