"""The search helpers: the edge check and the heat map of a hyper-parameter grid."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from autograder.student.plots_search import best_on_edge, grid_heatmap
from tests.plot_support import saved_png


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
    image = np.ma.filled(ax.images[0].get_array(), np.nan)
    assert image.shape == (3, 3)
    assert np.isnan(image[0, 2])  # row reg = 1e-4, column lr = 1
    assert image[1, 1] == 0.9  # reg = 1e-3, lr = 0.1
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("0.900 *") == 1 and len(texts) == 8
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.01", "0.1", "1"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.0001", "0.001", "0.01"]
    assert ax.get_xlabel() == "lr (log scale)"


def test_heatmap_renders_with_its_colour_scale_and_colour_bar(tmp_path: Path) -> None:
    # a3's XOR search: the fraction of 3 seeds solved, 4 learning rates x 3 weight scales
    results = {(lr, s): 0.0 for lr in (0.01, 0.1, 1.0, 10.0) for s in (0.1, 1.0, 10.0)}
    results[(1.0, 1.0)] = 1.0
    results[(0.1, 1.0)] = 2 / 3
    fig, axes = plt.subplots(1, 2)
    ax = grid_heatmap(
        results, xlabel="learning rate", ylabel="weight_scale", ax=axes[0], fmt="{:.2f}"
    )
    saved_png(fig, tmp_path / "heatmap.png")
    assert ax is axes[0] and len(fig.axes) == 3  # the two panels and the colour bar
    (image,) = ax.images
    assert image.get_clim() == (0.0, 1.0)  # the lowest and highest score
    assert image.get_array().shape == (3, 4)  # rows: weight scales, columns: rates
    assert ax.get_title() == "search grid (* = best run)"
    assert ax.get_ylabel() == "weight_scale (log scale)"
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    # a cell above 60 % of the range gets dark text on the light end of viridis
    assert colours["1.00 *"] == "black" and colours["0.67"] == "black"
    assert colours["0.00"] == "white"
    assert len(ax.texts) == 12


def test_heatmap_without_a_finite_score_draws_nothing() -> None:
    results = {(0.1, 1e-3): float("nan"), (1.0, 1e-3): float("inf")}
    before = plt.get_fignums()
    with pytest.raises(ValueError, match="no run has a finite score"):
        grid_heatmap(results, xlabel="lr", ylabel="reg")
    assert plt.get_fignums() == before  # no empty figure left behind


def test_results_keyed_by_one_value_are_refused() -> None:
    with pytest.raises(ValueError, match=r"key 0\.1 is not a pair"):
        grid_heatmap({0.1: 0.5, 1.0: 0.7}, xlabel="lr", ylabel="reg")  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"key \(0.1, 0.001, 5\) is not a pair"):
        best_on_edge({(0.1, 1e-3, 5): 0.5})  # type: ignore[dict-item]
