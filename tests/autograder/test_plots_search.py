"""The search helpers: the edge check and the heat map of a hyper-parameter grid."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from autograder.student.plots_search import best_on_edge, grid_heatmap


def _grid(best: tuple[float, float]) -> dict[tuple[float, float], float]:
    """A 3 x 3 grid of learning rates and regularisations scoring 0.5 except at ``best``."""
    out = {(lr, reg): 0.5 for lr in (0.01, 0.1, 1.0) for reg in (1e-4, 1e-3, 1e-2)}
    out[best] = 0.9
    return out


def test_best_inside_the_grid_needs_no_extension() -> None:
    assert best_on_edge(_grid((0.1, 1e-3)), ("lr", "reg")) == []


@pytest.mark.parametrize(
    ("best", "expected"),
    [
        ((1.0, 1e-3), ["lr: the best value 1 is the largest tried: try larger ones"]),
        ((0.1, 1e-4), ["reg: the best value 0.0001 is the smallest tried: try smaller ones"]),
        (
            (0.01, 1e-2),
            [
                "lr: the best value 0.01 is the smallest tried: try smaller ones",
                "reg: the best value 0.01 is the largest tried: try larger ones",
            ],
        ),
    ],
)
def test_best_on_an_edge_says_which_way_to_extend(
    best: tuple[float, float], expected: list[str]
) -> None:
    assert best_on_edge(_grid(best), ("lr", "reg")) == expected


def test_two_values_are_not_a_search() -> None:
    results = {(lr, reg): 0.5 for lr in (0.1, 1.0) for reg in (1e-4, 1e-3, 1e-2)}
    results[(1.0, 1e-3)] = 0.9
    assert (
        best_on_edge(results, ("lr", "reg"))[0]
        == "lr: only 2 value(s) tried; a search needs at least 3"
    )


def test_a_diverged_run_never_wins() -> None:
    results = _grid((0.1, 1e-3))
    results[(1.0, 1e-2)] = float("nan")
    assert best_on_edge(results, ("lr", "reg")) == []


def test_empty_results_are_an_error() -> None:
    with pytest.raises(ValueError, match="run the search first"):
        best_on_edge({})


def test_heatmap_puts_each_run_in_its_cell_and_stars_the_best() -> None:
    results = _grid((0.1, 1e-3))
    del results[(1.0, 1e-4)]  # a pair not run stays blank
    ax = grid_heatmap(results, xlabel="lr", ylabel="reg")
    try:
        image = np.ma.filled(ax.images[0].get_array(), np.nan)
        assert image.shape == (3, 3)
        assert np.isnan(image[0, 2])  # row reg = 1e-4, column lr = 1
        assert image[1, 1] == 0.9  # reg = 1e-3, lr = 0.1
        texts = [t.get_text() for t in ax.texts]
        assert texts.count("0.900 *") == 1 and len(texts) == 8
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "0.1", "1"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["0.0001", "0.001", "0.01"]
        assert ax.get_xlabel() == "lr (log scale)"
    finally:
        plt.close(ax.figure)
