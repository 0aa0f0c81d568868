"""Smoke tests of assignment a4's plots (autograder/plots_a4.py), as notebook a4 calls them:
rendered to PNG, then the panels, labels, legends, scales and plotted data are read back and
compared with the inputs or with counts worked out by hand.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet
from matplotlib.patches import Rectangle

from autograder.student import plots_a4
from tests.plot_support import legend_texts, saved_png

# -------------------------------------------------------------------------- activation_histograms


def _bars(ax: plt.Axes) -> list[float]:
    return [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]


def test_activation_histograms_grid_of_initialisers_by_layer(tmp_path: Path) -> None:
    # a4: four initialisers, ten layers of activations each (here 20 x 8 instead of 200 x 128)
    rng = np.random.default_rng(0)
    inits = ["small normal", "Xavier", "He", "N(0, 1)"]
    grid = {label: [np.tanh(rng.standard_normal((20, 8))) for _ in range(10)] for label in inits}
    fig = plots_a4.activation_histograms(grid, title="tanh: activations per layer and initialiser")
    saved_png(fig, tmp_path / "histograms.png")
    assert len(fig.axes) == 4 * 4  # rows: initialisers; columns: layers 1, 4, 7, 10
    axes = np.array(fig.axes).reshape(4, 4)
    assert [ax.get_title() for ax in axes[0]] == ["layer 1", "layer 4", "layer 7", "layer 10"]
    assert all(ax.get_title() == "" for ax in axes[1:].ravel())
    assert [ax.get_ylabel() for ax in axes[:, 0]] == inits
    assert fig.get_suptitle() == "tanh: activations per layer and initialiser"
    for ax in axes.ravel():
        assert len(_bars(ax)) == 40 and ax.get_xlim() == pytest.approx((-1.1, 1.1))
    # panel (He, layer 7) counts the 160 activations of grid["He"][6], all inside (-1, 1)
    assert sum(_bars(axes[2, 2])) == 160
    (text,) = axes[2, 2].texts
    expected_std = statistics.pstdev(grid["He"][6].ravel().tolist())
    assert text.get_text() == f"std {expected_std:.2g}"


def test_activation_histograms_drop_zeros_counts_by_hand(tmp_path: Path) -> None:
    # bins of width 0.5 on [-1, 1]: one value at -0.75, two at -0.25, three at 0.25, four at 0.75
    # and five zeros, which fall in [0, 0.5) unless dropped
    values = np.array([-0.75] + [-0.25] * 2 + [0.25] * 3 + [0.75] * 4 + [0.0] * 5)
    grid = {"relu": [values, values]}
    kwargs = {"layers": (2,), "bins": 4, "value_range": (-1.0, 1.0)}
    fig_all = plots_a4.activation_histograms(grid, **kwargs)  # type: ignore[arg-type]
    fig_nz = plots_a4.activation_histograms(grid, drop_zeros=True, **kwargs)  # type: ignore[arg-type]
    saved_png(fig_nz, tmp_path / "relu.png")
    assert _bars(fig_all.axes[0]) == [1, 2, 8, 4]
    assert _bars(fig_nz.axes[0]) == [1, 2, 3, 4]
    # the std shown is of all 15 values, zeros included, either way
    expected = f"std {statistics.pstdev(values.tolist()):.2g}"
    assert fig_nz.axes[0].texts[0].get_text() == expected == fig_all.axes[0].texts[0].get_text()
    assert fig_nz.axes[0].get_title() == "layer 2"


def test_activation_histograms_names_a_row_with_too_few_layers() -> None:
    grid = {"Xavier": [np.zeros(3)] * 10, "He": [np.zeros(3)] * 9}
    with pytest.raises(ValueError, match="row 'He' has 9 layers of activations but layer 10"):
        plots_a4.activation_histograms(grid)
    with pytest.raises(ValueError, match="'grid' is empty"):
        plots_a4.activation_histograms({})


# ----------------------------------------------------------------------------- norms_by_depth


def test_norms_by_depth_on_a_log_axis(tmp_path: Path) -> None:
    # a4: gradient norms of 30 ReLU layers at 0.5, 1 and 2 times the He scale
    curves = {f"{f} x He": 3.0 * f ** np.arange(30) for f in (0.5, 1.0, 2.0)}
    fig, axes = plt.subplots(1, 2)
    out = plots_a4.norms_by_depth(
        curves, ax=axes[0], xlabel="layer l", title="ReLU, 30 layers: gradient norm"
    )
    saved_png(fig, tmp_path / "norms.png")
    assert out is axes[0] and not axes[1].lines
    lines = axes[0].get_lines()
    assert len(lines) == 3
    for line, values in zip(lines, curves.values(), strict=True):
        assert line.get_xdata().tolist() == list(range(1, 31))
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert axes[0].get_yscale() == "log"
    assert (axes[0].get_xlabel(), axes[0].get_ylabel()) == ("layer l", "gradient norm")
    assert axes[0].get_title() == "ReLU, 30 layers: gradient norm"
    assert legend_texts(axes[0]) == list(curves)


def test_norms_by_depth_from_block_zero() -> None:
    ax = plots_a4.norms_by_depth({"residual": [1.0, 1.0, 1.0]}, first=0, ylabel="norm")
    assert ax.get_lines()[0].get_xdata().tolist() == [0, 1, 2]
    assert ax.get_ylabel() == "norm" and ax.get_title() == ""


def test_norms_by_depth_rejects_a_matrix() -> None:
    with pytest.raises(ValueError, match=r"norms_by_depth: curve 'He' must be 1-D.*\(30, 2\)"):
        plots_a4.norms_by_depth({"He": np.ones((30, 2))})


# ----------------------------------------------------------------------------- contour_trajectories


A_BOWL = np.diag([1.0, 20.0])
W_STAR = np.array([1.0, 0.5])


def _bowl(w: np.ndarray) -> float:
    d = w - W_STAR
    return float(0.5 * d @ A_BOWL @ d)


def _gd_path(lr: float, steps: int) -> np.ndarray:
    path = [np.array([-2.0, 3.0])]
    for _ in range(steps):
        path.append(path[-1] - lr * A_BOWL @ (path[-1] - W_STAR))
    return np.array(path)


def test_contour_trajectories_draws_each_path_over_level_sets(tmp_path: Path) -> None:
    paths = {"SGD, lr 0.09": _gd_path(0.09, 40), "GD, lr 0.05": _gd_path(0.05, 40)}
    ax = plots_a4.contour_trajectories(
        _bowl, paths, minimum=W_STAR, ylim=(-2.5, 3.5), title="40 steps on a bowl"
    )
    saved_png(ax.figure, tmp_path / "contour.png")
    lines = ax.get_lines()
    assert len(lines) == 3  # two paths and the star
    for line, path in zip(lines[:2], paths.values(), strict=True):
        np.testing.assert_array_equal(line.get_xdata(), path[:, 0])
        np.testing.assert_array_equal(line.get_ydata(), path[:, 1])
    assert (lines[2].get_xdata().tolist(), lines[2].get_ydata().tolist()) == ([1.0], [0.5])
    assert lines[2].get_marker() == "*"
    assert legend_texts(ax) == ["SGD, lr 0.09", "GD, lr 0.05", "minimum"]
    (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    levels = np.asarray(contours.levels)
    # at most 14 increasing levels, all values the bowl takes on the shown box (0 to 0.5 * 3^2
    # + 10 * 3^2 = 94.5 at the corners)
    assert 2 <= levels.size <= 14 and np.all(np.diff(levels) > 0)
    assert levels[0] >= 0.0 and levels[-1] <= 94.5
    assert ax.get_xlim() == (-2.5, 3.0) and ax.get_ylim() == (-2.5, 3.5)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (
        "$w_1$",
        "$w_2$",
        "40 steps on a bowl",
    )


def test_contour_trajectories_without_minimum_into_a_given_axes(tmp_path: Path) -> None:
    fig, axes = plt.subplots(1, 2)
    newton = np.array([[-2.0, 3.0], [1.0, 0.5]])
    plots_a4.contour_trajectories(_bowl, {"Newton (1 step)": newton}, ax=axes[0], xlim=(-3, 3))
    saved_png(fig, tmp_path / "newton.png")
    (line,) = axes[0].get_lines()
    assert line.get_xdata().tolist() == [-2.0, 1.0]
    assert legend_texts(axes[0]) == ["Newton (1 step)"]
    assert axes[0].get_xlim() == (-3.0, 3.0)


@pytest.mark.parametrize(
    ("paths", "minimum", "message"),
    [
        ({"SGD": np.zeros((2, 41))}, None, r"'SGD' must have shape \(T \+ 1, 2\).*\(2, 41\)"),
        ({"SGD": np.zeros(41)}, None, r"'SGD' must have shape \(T \+ 1, 2\).*\(41,\)"),
        ({"SGD": np.zeros((3, 2))}, np.zeros(3), r"'minimum' must have shape \(2,\), got \(3,\)"),
    ],
)
def test_contour_trajectories_rejects_paths_that_are_not_points(
    paths: dict[str, np.ndarray], minimum: np.ndarray | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        plots_a4.contour_trajectories(_bowl, paths, minimum=minimum)


# ----------------------------------------------------------------------------- learning_curves


def test_learning_curves_log_scale_by_default(tmp_path: Path) -> None:
    # a4: the loss of SGD with and without clipping; a diverged run is NaN from some step on
    curves = {"no clipping": [2.3, 5.0, np.nan, np.nan], "clip at 1": [2.3, 1.9, 1.5, 1.2]}
    ax = plots_a4.learning_curves(curves, xlabel="step", ylabel="minibatch loss", title="clip")
    saved_png(ax.figure, tmp_path / "clip.png")
    lines = ax.get_lines()
    assert len(lines) == 2
    for line, values in zip(lines, curves.values(), strict=True):
        assert line.get_xdata().tolist() == [1, 2, 3, 4]
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert ax.get_yscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "minibatch loss", "clip")
    assert legend_texts(ax) == list(curves)


def test_learning_curves_with_own_x_and_linear_scale(tmp_path: Path) -> None:
    # a4's schedules: learning rate per epoch 0..20, some curves with their own x values
    epochs = np.arange(21)
    curves = {"step decay": 0.1 * 0.5 ** (epochs // 5), "constant": np.full(3, 0.1)}
    fig, axes = plt.subplots(1, 2)
    plots_a4.learning_curves(
        curves, ax=axes[1], x={"step decay": epochs}, logy=False, ylabel="learning rate"
    )
    saved_png(fig, tmp_path / "schedules.png")
    decay, constant = axes[1].get_lines()
    assert decay.get_xdata().tolist() == list(range(21))
    assert constant.get_xdata().tolist() == [1, 2, 3]  # no x given: 1, 2, ...
    assert axes[1].get_yscale() == "linear" and axes[1].get_xlabel() == "epoch"


def test_learning_curves_rejects_x_of_another_length() -> None:
    with pytest.raises(
        ValueError, match=r"curve 'SGD' has 4 values but x\['SGD'\] has shape \(3,\)"
    ):
        plots_a4.learning_curves({"SGD": [1.0, 0.5, 0.3, 0.2]}, x={"SGD": [0, 250, 500]})
    with pytest.raises(ValueError, match=r"learning_curves: curve 'SGD' must be 1-D"):
        plots_a4.learning_curves({"SGD": np.ones((4, 3))})
