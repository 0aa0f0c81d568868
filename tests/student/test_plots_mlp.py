"""Smoke tests of the multilayer-perceptron plots (autograder/plots_mlp.py), as notebook a3 calls
them: rendered to PNG, then the axes, labels, legends and plotted data are read back and compared
with the inputs or with closed forms (tanh' = 1 - tanh^2, sigmoid' = s (1 - s), relu' = [x > 0]).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection

from autograder.student import plots_mlp
from autograder.student.plots import PALETTE
from solutions.a3_backprop_mlp import get_activation
from tests.plot_support import legend_texts, saved_png

# ----------------------------------------------------------------------------- activation_gallery

# the seven activations notebook a3 draws (the reference also has swish, an alias of silu)
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu")


def test_activation_gallery_of_the_seven_activations(tmp_path: Path) -> None:
    # a3: {name: get_activation(name) for name in ACTIVATION_NAMES}, 801 points on [-5, 5]
    fig = plots_mlp.activation_gallery({name: get_activation(name) for name in ACTIVATION_NAMES})
    saved_png(fig, tmp_path / "gallery.png")
    assert len(fig.axes) == 8  # 2 rows of 4 panels, the last one empty and hidden
    assert [ax.get_title() for ax in fig.axes[:7]] == list(ACTIVATION_NAMES)
    assert not fig.axes[7].axison
    x = np.linspace(-5.0, 5.0, 801)
    sig = 1.0 / (1.0 + np.exp(-x))
    closed_forms = {
        "sigmoid": (sig, sig * (1.0 - sig)),
        "tanh": (np.tanh(x), 1.0 - np.tanh(x) ** 2),
        "relu": (np.maximum(x, 0.0), (x > 0).astype(float)),
    }
    panels = dict(zip(ACTIVATION_NAMES, fig.axes, strict=False))
    for name, (f, df) in closed_forms.items():
        ax = panels[name]
        value, slope = (line for line in ax.get_lines() if line.get_label() in ("f(x)", "f'(x)"))
        np.testing.assert_allclose(value.get_xdata(), x)
        np.testing.assert_allclose(value.get_ydata(), f, atol=1e-12)
        np.testing.assert_allclose(slope.get_ydata(), df, atol=1e-12)
        assert slope.get_linestyle() == "--"
        assert ax.get_ylim() == (-1.6, 3.1)  # one scale for every panel
    assert legend_texts(fig.axes[0]) == ["f(x)", "f'(x)"]
    assert all(ax.get_legend() is None for ax in fig.axes[1:])


def _relu_pair() -> tuple[Callable[..., Any], Callable[..., Any]]:
    return (lambda x: (np.maximum(x, 0.0), x), lambda dout, x: dout * (x > 0))


def test_activation_gallery_on_given_points_into_a_given_figure(tmp_path: Path) -> None:
    fig = plt.figure()
    fig.add_subplot(3, 3, 1)
    out = plots_mlp.activation_gallery(
        {"relu": _relu_pair(), "identity": (lambda x: (x, None), lambda d, c: d)},
        x=[-1.0, 0.5, 2.0],
        fig=fig,
        ncols=1,
    )
    saved_png(out, tmp_path / "two.png")
    assert out is fig and len(fig.axes) == 2  # cleared, one column of two panels
    lines = [ln for ln in fig.axes[1].get_lines() if ln.get_label() in ("f(x)", "f'(x)")]
    assert [ln.get_ydata().tolist() for ln in lines] == [[-1.0, 0.5, 2.0], [1.0, 1.0, 1.0]]


@pytest.mark.parametrize(
    ("pairs", "kwargs", "error", "message"),
    [
        ({"relu": (np.tanh, np.tanh)}, {}, TypeError, "relu's forward returned ndarray; expected"),
        (
            {"bad": (lambda x: (x[:-1], None), lambda d, c: d)},
            {},
            ValueError,
            r"bad returned shapes \(800,\) and \(801,\) for an input of shape \(801,\)",
        ),
        ({}, {}, ValueError, "no activation given"),
        ({"relu": _relu_pair()}, {"x": np.zeros((3, 2))}, ValueError, "'x' must be 1-D"),
    ],
)
def test_activation_gallery_rejects_what_it_cannot_draw(
    pairs: dict[str, Any], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        plots_mlp.activation_gallery(pairs, **kwargs)


# ----------------------------------------------------------------------------- jacobian_images


def _notebook_jacobians() -> dict[str, np.ndarray]:
    """The four Jacobians a3 shows, built by hand for x of shape (4,) and w of shape (4, 3)."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(4), rng.standard_normal((4, 3))
    weights = np.zeros((3, 12))  # d out_m / d W[d, k] = x_d if k == m, W flattened row-major
    for m in range(3):
        weights[m, m::3] = x
    p = np.exp(x) / np.exp(x).sum()
    return {
        "affine, input: w.T": w.T,
        "affine, weights": weights,
        "tanh: diagonal": np.diag(1.0 - np.tanh(x) ** 2),
        "softmax: diag(p) - p p^T": np.diag(p) - np.outer(p, p),
    }


def test_jacobian_images_one_symmetric_image_per_matrix(tmp_path: Path) -> None:
    matrices = _notebook_jacobians()
    fig = plots_mlp.jacobian_images(matrices)
    saved_png(fig, tmp_path / "jacobians.png")
    image_axes = [ax for ax in fig.axes if ax.images and ax.get_xlabel()]
    assert len(image_axes) == 4 and len(fig.axes) == 8  # each with its colour bar
    for ax, (title, J) in zip(image_axes, matrices.items(), strict=True):
        (image,) = ax.images
        np.testing.assert_array_equal(np.asarray(image.get_array()), J)
        scale = np.abs(J).max()
        assert image.get_clim() == (-scale, scale)  # white is exactly 0
        assert ax.get_title() == f"{title}\nshape {J.shape[0]} x {J.shape[1]}"
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("input j", "output i")


def test_jacobian_images_of_a_zero_matrix_into_a_given_figure(tmp_path: Path) -> None:
    fig = plt.figure()
    fig.add_subplot(2, 2, 1)
    plots_mlp.jacobian_images({"zero": np.zeros((2, 3))}, fig=fig, cmap="PuOr")
    saved_png(fig, tmp_path / "zero.png")
    assert len(fig.axes) == 2
    (image,) = fig.axes[0].images
    assert image.get_clim() == (-1.0, 1.0) and image.get_cmap().name == "PuOr"


def test_jacobian_images_rejects_vectors_and_nothing() -> None:
    with pytest.raises(ValueError, match=r"'grad' must be a 2-D matrix, got \(4,\)"):
        plots_mlp.jacobian_images({"grad": np.ones(4)})
    with pytest.raises(ValueError, match="no matrix given"):
        plots_mlp.jacobian_images({})


# ----------------------------------------------------------------------------- function_fits


def test_function_fits_as_the_universal_approximation_panel(tmp_path: Path) -> None:
    # a3: columns (M, 1) from the network, 400 dense points, 60 training points
    x_dense = np.linspace(-np.pi, np.pi, 400)[:, None]
    x_train = np.linspace(-np.pi, np.pi, 60)[:, None]
    fits = {"1 hidden unit": 0.5 * x_dense, "2 hidden units": np.tanh(x_dense)}
    fig, axes = plt.subplots(1, 2)
    plots_mlp.function_fits(
        x_dense, np.sin(x_dense), fits, ax=axes[0], points=(x_train, np.sin(x_train)), title="sin"
    )
    saved_png(fig, tmp_path / "fits.png")
    ax = axes[0]
    target, *fitted = ax.get_lines()
    np.testing.assert_array_equal(target.get_xdata(), x_dense[:, 0])
    np.testing.assert_array_equal(target.get_ydata(), np.sin(x_dense[:, 0]))
    for line, (label, pred) in zip(fitted, fits.items(), strict=True):
        np.testing.assert_array_equal(line.get_ydata(), pred[:, 0])
        assert line.get_label() == label
    assert [line.get_color() for line in fitted] == list(PALETTE[:2])
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_array_equal(points.get_offsets(), np.column_stack([x_train, np.sin(x_train)]))
    assert legend_texts(ax) == ["training points", "target", "1 hidden unit", "2 hidden units"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "y", "sin")
    assert not axes[1].lines


@pytest.mark.parametrize(
    ("target", "fits", "points", "message"),
    [
        (np.zeros(5), {}, None, "x has 4 points but target has 5"),
        (np.zeros(4), {"w": np.zeros(3)}, None, "fit 'w' has 3 values for 4 points"),
        (np.zeros(4), {}, (np.zeros(3), np.zeros(2)), "points has 3 inputs but 2 targets"),
    ],
)
def test_function_fits_rejects_mismatched_lengths(
    target: np.ndarray,
    fits: dict[str, np.ndarray],
    points: tuple[np.ndarray, np.ndarray] | None,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        plots_mlp.function_fits(np.zeros(4), target, fits, points=points)


# ----------------------------------------------------------------------------- error_by_width


def test_error_by_width_on_log_log_axes(tmp_path: Path) -> None:
    widths = [1, 2, 4, 8, 32]
    errors = {
        "training points": [0.3, 0.1, 0.02, 4e-3, 1e-4],
        "dense grid": [0.3, 0.1, 0.03, 5e-3, 2e-4],
    }
    ax = plots_mlp.error_by_width(widths, errors, title="error against width")
    saved_png(ax.figure, tmp_path / "width.png")
    lines = ax.get_lines()
    assert len(lines) == 2
    for line, values in zip(lines, errors.values(), strict=True):
        assert line.get_xdata().tolist() == widths
        assert line.get_ydata().tolist() == values
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.xaxis.get_transform().base == 2
    assert ax.get_xticks().tolist() == widths
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "4", "8", "32"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("hidden units", "mean squared error")
    assert legend_texts(ax) == ["training points", "dense grid"]


def test_error_by_width_rejects_one_error_too_few() -> None:
    with pytest.raises(ValueError, match="'dense grid' has 2 values for 3 widths"):
        plots_mlp.error_by_width([1, 2, 4], {"dense grid": [0.1, 0.01]})


# ----------------------------------------------------------------------------- training_curves


def test_training_curves_loss_and_accuracies(tmp_path: Path) -> None:
    loss = np.linspace(2.3, 0.2, 120)  # one per step
    accuracies = {"training": [0.6, 0.8, 0.9], "validation": [0.55, 0.75, 0.8]}  # one per epoch
    fig = plots_mlp.training_curves(loss, accuracies, title="MLP on digits")
    saved_png(fig, tmp_path / "training.png")
    left, right = fig.axes
    assert left.get_title() == "minibatch loss" and right.get_title() == "accuracy"
    np.testing.assert_array_equal(left.get_lines()[0].get_ydata(), loss)
    assert legend_texts(left) == ["loss (moving average of 2)"]  # 120 // 50
    assert [ln.get_ydata().tolist() for ln in right.get_lines()] == list(accuracies.values())
    assert right.get_lines()[0].get_xdata().tolist() == [1, 2, 3]  # epochs from 1
    assert (right.get_xlabel(), right.get_ylabel()) == ("epoch", "accuracy")
    assert legend_texts(right) == ["training", "validation"]
    assert fig.get_suptitle() == "MLP on digits"


def test_training_curves_loss_only_into_a_given_figure(tmp_path: Path) -> None:
    fig = plt.figure()
    fig.add_subplot(2, 2, 1)
    plots_mlp.training_curves([1.0, 0.5, 0.25], fig=fig)
    saved_png(fig, tmp_path / "loss_only.png")
    (ax,) = fig.axes
    assert ax.get_lines()[0].get_ydata().tolist() == [1.0, 0.5, 0.25]
    assert fig.get_suptitle() == ""
