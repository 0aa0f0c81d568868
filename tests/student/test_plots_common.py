"""Smoke tests of the shared plot helpers (autograder/plots.py) with the notebooks' shapes.

Every helper is called as a notebook calls it, rendered to a PNG file, and its figure is read
back: axes, labels, legend entries, and the plotted data compared with the inputs (expected
values are worked out by hand or by a naive loop, never read from the helper's own output).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from autograder.student import plots, plots_a4, plots_graph, plots_mlp, plots_search
from tests.plot_support import legend_texts, saved_png

TEST_FILE_OF = {
    plots: "test_plots_common.py",
    plots_graph: "test_plots_graph.py",
    plots_mlp: "test_plots_mlp.py",
    plots_search: "test_plots_search.py",
    plots_a4: "test_plots_a4.py",
}


def _naive_moving_average(values: list[float], window: int) -> list[float]:
    out = []
    for t in range(len(values)):
        chunk = values[max(0, t - window + 1) : t + 1]
        out.append(sum(chunk) / len(chunk))
    return out


# ----------------------------------------------------------------------------- moving_average


def test_moving_average_by_hand() -> None:
    # windows of 2: [1], [1, 2], [2, 3], [3, 4]
    assert plots.moving_average([1.0, 2.0, 3.0, 4.0], 2).tolist() == [1.0, 1.5, 2.5, 3.5]
    assert plots.moving_average([5.0, 7.0], 1).tolist() == [5.0, 7.0]
    assert plots.moving_average([], 3).shape == (0,)


def test_moving_average_matches_a_naive_loop() -> None:
    values = np.random.default_rng(0).standard_normal(37).tolist()
    np.testing.assert_allclose(
        plots.moving_average(values, 5), _naive_moving_average(values, 5), rtol=1e-12
    )


def test_moving_average_rejects_an_empty_window() -> None:
    with pytest.raises(ValueError, match="'window' must be >= 1, got 0"):
        plots.moving_average([1.0, 2.0], 0)


# ----------------------------------------------------------------------------- loss_curve


def test_loss_curve_draws_raw_and_smoothed_history(tmp_path: Path) -> None:
    # as a3 draws the XOR history: default smoothing, T = 100 -> window 100 // 50 = 2
    history = (np.exp(-np.arange(100) / 30.0) + 0.01).tolist()
    ax = plots.loss_curve(history, title="XOR: training loss")
    saved_png(ax.figure, tmp_path / "loss.png")
    raw, smooth = ax.get_lines()
    np.testing.assert_array_equal(raw.get_xdata(), np.arange(100))
    np.testing.assert_array_equal(raw.get_ydata(), history)
    np.testing.assert_allclose(smooth.get_ydata(), _naive_moving_average(history, 2), rtol=1e-12)
    assert legend_texts(ax) == ["loss (moving average of 2)"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (
        "iteration",
        "loss",
        "XOR: training loss",
    )
    assert ax.get_yscale() == "linear"


def test_loss_curve_twice_on_one_axes_with_log_scale(tmp_path: Path) -> None:
    # as a1 draws the SVM and softmax histories on one panel, smoothed over 10 steps
    fig, axes = plt.subplots(1, 3)
    h_svm, h_soft = np.linspace(3.0, 1.0, 300), np.linspace(1.1, 0.2, 300)
    plots.loss_curve(h_svm, ax=axes[2], label="svm_loss_vectorized", smooth=10)
    plots.loss_curve(h_soft, ax=axes[2], label="softmax_loss_vectorized", smooth=10, logy=True)
    saved_png(fig, tmp_path / "losses.png")
    assert len(fig.axes) == 3 and not axes[0].lines  # drew only where it was told
    lines = axes[2].get_lines()
    assert len(lines) == 4
    np.testing.assert_array_equal(lines[2].get_ydata(), h_soft)
    assert legend_texts(axes[2]) == [
        "svm_loss_vectorized (moving average of 10)",
        "softmax_loss_vectorized (moving average of 10)",
    ]
    assert axes[2].get_yscale() == "log"
    # the smoothed curve has the colour of its raw curve
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()


def test_loss_curve_without_smoothing_draws_one_line() -> None:
    ax = plots.loss_curve([3.0, 2.0, 1.5], smooth=1, label="train")
    (line,) = ax.get_lines()
    assert line.get_ydata().tolist() == [3.0, 2.0, 1.5]
    assert legend_texts(ax) == ["train"]


@pytest.mark.parametrize(
    "bad",
    [np.ones((5, 2)), (np.zeros((3, 2)), [1.0, 0.5])],
    ids=["2-D array", "the (W, history) tuple of sgd"],
)
def test_loss_curve_rejects_what_is_not_one_loss_per_step(bad: object) -> None:
    with pytest.raises(ValueError, match="loss_curve: argument 'history' must be a 1-D sequence"):
        plots.loss_curve(bad)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- curves


def test_curves_as_the_perceptron_error_panel(tmp_path: Path) -> None:
    errors = {"AND": [0.25, 0.0, 0.0], "OR": [0.25, 0.25, 0.0], "XOR": [0.5, 0.75, 0.5]}
    ax = plots.curves(errors, xlabel="epoch", ylabel="training error", title="after each epoch")
    saved_png(ax.figure, tmp_path / "curves.png")
    lines = ax.get_lines()
    assert len(lines) == 3
    for line, values in zip(lines, errors.values(), strict=True):
        assert line.get_xdata().tolist() == [1, 2, 3]  # epochs start at 1
        assert line.get_ydata().tolist() == values
        assert line.get_marker() == "o"
    assert legend_texts(ax) == ["AND", "OR", "XOR"]
    assert [line.get_color() for line in lines] == list(plots.PALETTE[:3])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (
        "epoch",
        "training error",
        "after each epoch",
    )


def test_curves_start_and_marker() -> None:
    ax = plots.curves({"lr = 0.1": np.array([2.0, 1.0])}, start=0, marker="")
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [0, 1]
    assert line.get_marker() in ("", "None")


def test_curves_rejects_a_matrix_for_one_curve() -> None:
    with pytest.raises(ValueError, match="curves: argument 'series\\[\"AND\"\\]' must be a 1-D"):
        plots.curves({"AND": np.ones((3, 4))})


# ----------------------------------------------------------------------------- scatter_classes


def test_scatter_classes_one_collection_per_class(tmp_path: Path) -> None:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([-1, -1, -1, 1])  # AND with perceptron labels
    ax = plots.scatter_classes(X, y, size=30)
    saved_png(ax.figure, tmp_path / "scatter.png")
    assert len(ax.collections) == 2
    assert legend_texts(ax) == ["y = -1", "y = 1"]
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), X[:3])
    np.testing.assert_array_equal(ax.collections[1].get_offsets(), X[3:])
    assert ax.collections[0].get_sizes().tolist() == [30.0]


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros((4, 3)), np.zeros(4), r"'X' must have shape \(N, 2\), got \(4, 3\)"),
        (np.zeros((4, 2)), np.zeros(3), r"'y' must have shape \(4,\) to match X, got \(3,\)"),
    ],
)
def test_scatter_classes_rejects_wrong_shapes(X: np.ndarray, y: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plots.scatter_classes(X, y)


# ----------------------------------------------------------------------------- decision_regions


def _unit_square() -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return X, np.array([0, 1, 0, 0])


def test_decision_regions_shades_the_predicted_class(tmp_path: Path) -> None:
    X, y = _unit_square()
    seen: list[tuple[int, ...]] = []

    def below_diagonal(P: np.ndarray) -> np.ndarray:
        seen.append(P.shape)
        return (P[:, 0] > P[:, 1]).astype(int)

    ax = plots.decision_regions(below_diagonal, X, y, resolution=5, title="x1 > x2")
    saved_png(ax.figure, tmp_path / "regions.png")
    assert seen == [(25, 2)]  # one call on the whole (resolution ** 2, 2) grid
    (image,) = ax.images
    # padding 0.5 around [0, 1]: grid -0.5, 0, 0.5, 1, 1.5 on both axes; row i is x2, column j
    # is x1 (origin lower), and the class is 1 exactly where x1 > x2: strictly below the diagonal
    expected = np.tril(np.ones((5, 5), dtype=int), k=-1).T
    np.testing.assert_array_equal(np.asarray(image.get_array()), expected)
    assert image.get_extent() == [-0.5, 1.5, -0.5, 1.5]
    assert image.get_clim() == (-0.5, 1.5)  # one colour per class index
    assert ax.get_xlim() == (-0.5, 1.5) and ax.get_ylim() == (-0.5, 1.5)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("$x_1$", "$x_2$", "x1 > x2")
    assert legend_texts(ax) == ["y = 0", "y = 1"]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_array_equal(points[0].get_offsets(), X[[0, 2, 3]])
    np.testing.assert_array_equal(points[1].get_offsets(), X[[1]])


def test_decision_regions_with_a_class_only_predicted(tmp_path: Path) -> None:
    # a3's spiral: the network may predict a class no training point in view has
    X, _ = _unit_square()
    fig, axes = plt.subplots(1, 2)
    plots.decision_regions(
        lambda P: np.where(P[:, 0] > 1.2, 2, 0),
        X,
        np.zeros(4, dtype=int),
        ax=axes[1],
        resolution=7,
        padding=0.6,
    )
    saved_png(fig, tmp_path / "spiral.png")
    assert not axes[0].images
    (image,) = axes[1].images
    assert image.get_clim() == (-0.5, 1.5)  # classes 0 and 2: two colour indices
    assert set(np.unique(np.asarray(image.get_array())).tolist()) == {0, 1}
    assert legend_texts(axes[1]) == ["y = 0"]  # no point of class 2: no legend entry for it
    assert axes[1].get_xlim() == pytest.approx((-0.6, 1.6))


def test_decision_regions_rejects_scores_instead_of_labels() -> None:
    X, y = _unit_square()
    with pytest.raises(ValueError, match="predict_fn returned 50 labels for 25 points"):
        plots.decision_regions(lambda P: np.zeros((len(P), 2)), X, y, resolution=5)


def test_decision_regions_rejects_a_one_point_grid() -> None:
    X, y = _unit_square()
    with pytest.raises(ValueError, match="'resolution' must be >= 2, got 1"):
        plots.decision_regions(lambda P: np.zeros(len(P)), X, y, resolution=1)


# ----------------------------------------------------------------------------- linear_boundary


def test_linear_boundary_draws_the_line_where_the_score_is_zero(tmp_path: Path) -> None:
    ax = plots.linear_boundary([1.0, -2.0, 1.0], xlim=(-1.0, 3.0), label="w", color="black")
    saved_png(ax.figure, tmp_path / "line.png")
    (line,) = ax.get_lines()
    # x1 - 2 x2 + 1 = 0  <=>  x2 = (x1 + 1) / 2: (-1, 0) and (3, 2)
    assert line.get_xdata().tolist() == [-1.0, 3.0]
    assert line.get_ydata().tolist() == [0.0, 2.0]
    assert line.get_label() == "w" and line.get_color() == "black"
    assert ax.get_xlim() == (-1.0, 3.0)


def test_linear_boundary_vertical_and_missing_lines() -> None:
    _, ax = plt.subplots()
    ax.set_ylim(-2.0, 2.0)
    plots.linear_boundary(np.array([2.0, 0.0, -1.0]), ax=ax)  # 2 x1 - 1 = 0: x1 = 0.5
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [0.5, 0.5]
    assert line.get_ydata().tolist() == [-2.0, 2.0]
    plots.linear_boundary([0.0, 0.0, 1.0], ax=ax)  # no boundary at all: nothing drawn
    assert len(ax.get_lines()) == 1


def test_linear_boundary_rejects_weights_without_bias() -> None:
    with pytest.raises(ValueError, match=r"'w' must have shape \(3,\).*got \(2,\)"):
        plots.linear_boundary([1.0, 2.0])


# ----------------------------------------------------------------------------- image_grid


def test_image_grid_tiles_the_images_in_order(tmp_path: Path) -> None:
    # a1: the first 20 training digits, 64 pixels each, titled by label, 10 per row
    images = np.random.default_rng(1).uniform(0.0, 16.0, (20, 64))
    labels = np.arange(20) % 10
    fig = plots.image_grid(images, labels)
    saved_png(fig, tmp_path / "digits.png")
    (ax,) = fig.axes
    (image,) = ax.images
    mosaic = np.asarray(image.get_array())
    # tiles 8 x 8, one column of gap, title rows of round(0.35 * 8) = 3: 2 rows, 10 columns
    assert mosaic.shape == (2 * 8 + 3, 10 * 8 + 9)
    np.testing.assert_array_equal(mosaic[0:8, 0:8], images[0].reshape(8, 8))
    np.testing.assert_array_equal(mosaic[11:19, 9 * 9 : 9 * 9 + 8], images[19].reshape(8, 8))
    assert np.isnan(mosaic[8:11, :]).all() and np.isnan(mosaic[:, 8]).all()
    assert [t.get_text() for t in ax.texts] == [str(v) for v in labels]
    assert sum(isinstance(p, Rectangle) for p in ax.patches) == 20
    assert image.get_clim() == (images.min(), images.max())  # one scale shared by all
    assert not ax.axison


def test_image_grid_without_labels_into_a_given_figure(tmp_path: Path) -> None:
    fig = plt.figure()
    fig.add_subplot(2, 2, 1)
    out = plots.image_grid(np.eye(4), shape=(2, 2), fig=fig, ncols=3)
    saved_png(out, tmp_path / "eye.png")
    assert out is fig and len(fig.axes) == 1  # the figure was cleared
    mosaic = np.asarray(fig.axes[0].images[0].get_array())
    assert mosaic.shape == (2 * 2 + 1, 3 * 2 + 2)  # 4 images in rows of 3, 1-pixel gaps
    assert not fig.axes[0].texts


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((20, 65)), None, r"'images' must have shape \(M, 64\).*got \(20, 65\)"),
        (np.zeros((0, 64)), None, "with M >= 1"),
        (np.zeros((3, 64)), [1, 2], "2 labels for 3 images"),
    ],
)
def test_image_grid_rejects_wrong_shapes(
    images: np.ndarray, labels: list[int] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        plots.image_grid(images, labels)


# ----------------------------------------------------------------------------- weight_templates


def test_weight_templates_scales_each_class_to_one(tmp_path: Path) -> None:
    W = np.random.default_rng(2).standard_normal((64, 10))
    W[:, 3] = 0.0  # a class whose weights are all zero stays white, not NaN
    fig = plots.weight_templates(W, shape=(8, 8))
    saved_png(fig, tmp_path / "templates.png")
    (ax,) = fig.axes
    (image,) = ax.images
    mosaic = np.asarray(image.get_array())
    # 5 per row, titles: gaps of round(0.35 * 8) = 3 rows and 1 column
    assert mosaic.shape == (2 * 8 + 3, 5 * 8 + 4)
    np.testing.assert_allclose(
        mosaic[0:8, 0:8], W[:, 0].reshape(8, 8) / np.abs(W[:, 0]).max(), rtol=1e-12
    )
    np.testing.assert_array_equal(mosaic[0:8, 27:35], np.zeros((8, 8)))
    tile_6 = mosaic[11:19, 9:17]  # second row, second column
    np.testing.assert_allclose(tile_6, W[:, 6].reshape(8, 8) / np.abs(W[:, 6]).max(), rtol=1e-12)
    assert image.get_clim() == (-1.0, 1.0)
    assert [t.get_text() for t in ax.texts] == [str(k) for k in range(10)]


def test_weight_templates_of_hidden_units(tmp_path: Path) -> None:
    # a3: the 32 strongest first-layer columns, 8 per row, titled by unit
    W1 = np.random.default_rng(3).standard_normal((64, 32))
    names = [f"unit {j}" for j in range(32)]
    fig = plots.weight_templates(W1, shape=(8, 8), ncols=8, class_names=names, cmap="PuOr")
    saved_png(fig, tmp_path / "units.png")
    (image,) = fig.axes[0].images
    assert np.asarray(image.get_array()).shape == (4 * 8 + 3 * 3, 8 * 8 + 7)
    assert image.get_cmap().name == "PuOr"
    assert [t.get_text() for t in fig.axes[0].texts] == names


def test_weight_templates_names_the_bias_row() -> None:
    with pytest.raises(ValueError, match=r"65 rows.*\(it still has the bias row: pass W\[:-1\]\)"):
        plots.weight_templates(np.zeros((65, 10)))
    with pytest.raises(ValueError, match="must be 2-D"):
        plots.weight_templates(np.zeros(64))
    with pytest.raises(ValueError, match="3 class names for 10 classes"):
        plots.weight_templates(np.zeros((64, 10)), class_names=["a", "b", "c"])


# ----------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("module", list(TEST_FILE_OF), ids=lambda m: m.__name__)
def test_every_public_helper_is_called_by_its_test_file(module: ModuleType) -> None:
    public = [
        name
        for name, obj in inspect.getmembers(module, inspect.isfunction)
        if obj.__module__ == module.__name__ and not name.startswith("_")
    ]
    assert public, f"{module.__name__} defines no public function"
    source = (Path(__file__).parent / TEST_FILE_OF[module]).read_text(encoding="utf-8")
    untested = [name for name in public if not re.search(rf"\b{name}\(", source)]
    assert untested == [], f"{module.__name__}: no smoke test calls {untested}"
