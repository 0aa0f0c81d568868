"""Plotting helpers for the multilayer-perceptron notebook (student-facing, matplotlib only).

Like :mod:`autograder.student.plots`, every helper draws into an Axes or Figure it is given (or a
new one)
and returns it; none calls ``plt.show()``. The helpers take the student's own functions or
arrays, never anything from the reference solutions:

- :func:`activation_gallery`: each activation and its derivative, the derivative obtained from the
  student's backward pass with an upstream gradient of ones;
- :func:`jacobian_images`: Jacobian matrices as images, to see their structure (diagonal, sparse);
- :func:`function_fits` and :func:`error_by_width`: a 1-D regression target with the fits of
  networks of growing width, and their errors;
- :func:`training_curves`: the loss per step next to the accuracies per epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike, NDArray

from autograder.student.plots import PALETTE, curves, loss_curve

__all__ = [
    "activation_gallery",
    "error_by_width",
    "function_fits",
    "jacobian_images",
    "training_curves",
]

LayerPair = tuple[Callable[..., Any], Callable[..., Any]]


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def _value_and_slope(
    pair: LayerPair, x: NDArray[np.float64], name: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``f(x)`` and ``f'(x)`` from a ``(forward, backward)`` pair, with clear errors."""
    forward, backward = pair
    result = forward(x)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError(
            f"activation_gallery: {name}'s forward returned {type(result).__name__}; "
            "expected the tuple (out, cache)"
        )
    out, cache = result
    slope = backward(np.ones_like(x), cache)
    out_arr = np.asarray(out, dtype=np.float64)
    slope_arr = np.asarray(slope, dtype=np.float64)
    if out_arr.shape != x.shape or slope_arr.shape != x.shape:
        raise ValueError(
            f"activation_gallery: {name} returned shapes {out_arr.shape} and {slope_arr.shape} "
            f"for an input of shape {x.shape}; both must have the input's shape"
        )
    return out_arr, slope_arr


def activation_gallery(
    pairs: Mapping[str, LayerPair],
    *,
    x: ArrayLike | None = None,
    fig: Figure | None = None,
    ncols: int = 4,
) -> Figure:
    """Plot each activation ``f`` and its derivative ``f'``, one panel per activation.

    The derivative is read from the backward pass: for an elementwise layer,
    ``backward(ones, cache)`` is ``f'(x) * 1``. So the plot shows exactly what your backward
    function computes.

    Parameters
    ----------
    pairs : mapping of str to (forward, backward)
        ``{"relu": (relu_forward, relu_backward), ...}`` with ``forward(x) -> (out, cache)`` and
        ``backward(dout, cache) -> dx``.
    x : array_like of shape (M,), optional
        Where to evaluate; 801 points on ``[-5, 5]`` by default.
    fig : Figure, optional
        Figure to draw into (it is cleared); a new one when omitted.
    ncols : int, default 4
        Panels per row.

    Returns
    -------
    Figure
    """
    grid = np.linspace(-5.0, 5.0, 801) if x is None else np.asarray(x, dtype=np.float64)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(f"activation_gallery: argument 'x' must be 1-D, got shape {grid.shape}")
    names = list(pairs)
    if not names:
        raise ValueError("activation_gallery: no activation given")
    cols = max(1, min(ncols, len(names)))
    rows = (len(names) + cols - 1) // cols
    if fig is None:
        fig = plt.figure(figsize=(3.4 * cols, 2.8 * rows))
    else:
        fig.clear()
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, name in enumerate(names):
        ax = axes[k // cols][k % cols]
        out, slope = _value_and_slope(pairs[name], grid, name)
        ax.axhline(0.0, color="0.6", linewidth=0.8)
        ax.axvline(0.0, color="0.6", linewidth=0.8)
        ax.plot(grid, out, color=PALETTE[0], label="f(x)")
        ax.plot(grid, slope, color=PALETTE[5], linestyle="--", label="f'(x)")
        ax.set_title(name)
        ax.set_ylim(-1.6, 3.1)
        ax.grid(alpha=0.3)
        if k == 0:
            ax.legend(loc="upper left", fontsize="small")
    for k in range(len(names), rows * cols):
        axes[k // cols][k % cols].set_axis_off()
    fig.tight_layout()
    return fig


def jacobian_images(
    matrices: Mapping[str, ArrayLike], *, fig: Figure | None = None, cmap: str = "RdBu_r"
) -> Figure:
    """Show Jacobian matrices side by side as images (rows: outputs, columns: inputs).

    Each matrix gets its own symmetric colour scale (white is exactly 0), so the structure
    stands out: a diagonal for an elementwise layer, a sparse banded pattern for the weights of
    an affine layer, a dense symmetric matrix for softmax.

    Parameters
    ----------
    matrices : mapping of str to array_like of shape (M, D)
        Titles and matrices.
    fig : Figure, optional
        Figure to draw into (it is cleared); a new one when omitted.
    cmap : str, default "RdBu_r"
        A diverging colour map.

    Returns
    -------
    Figure
    """
    items = [(title, np.asarray(J, dtype=np.float64)) for title, J in matrices.items()]
    if not items:
        raise ValueError("jacobian_images: no matrix given")
    for title, J in items:
        if J.ndim != 2:
            raise ValueError(f"jacobian_images: {title!r} must be a 2-D matrix, got {J.shape}")
    widths = [max(J.shape[1], 4) for _, J in items]
    if fig is None:
        fig = plt.figure(figsize=(min(18.0, 2.0 * len(items) + 0.42 * sum(widths)), 3.6))
    else:
        fig.clear()
    axes = fig.subplots(1, len(items), squeeze=False, width_ratios=widths)[0]
    for ax, (title, J) in zip(axes, items, strict=True):
        scale = float(np.abs(J).max(initial=0.0)) or 1.0
        image = ax.imshow(J, cmap=cmap, vmin=-scale, vmax=scale, interpolation="nearest")
        ax.set_title(f"{title}\nshape {J.shape[0]} x {J.shape[1]}", fontsize="medium")
        ax.set_xlabel("input j")
        ax.set_ylabel("output i")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.colorbar(image, ax=ax, shrink=0.7, pad=0.03)
    fig.tight_layout()
    return fig


def function_fits(
    x: ArrayLike,
    target: ArrayLike,
    fits: Mapping[str, ArrayLike],
    ax: Axes | None = None,
    *,
    points: tuple[ArrayLike, ArrayLike] | None = None,
    title: str | None = None,
) -> Axes:
    """Plot a 1-D target function and several fitted curves on the same axes.

    Parameters
    ----------
    x : array_like of shape (M,) or (M, 1)
        Where the curves are evaluated (sorted).
    target : array_like of shape (M,) or (M, 1)
        The true function at ``x``.
    fits : mapping of str to array_like of shape (M,) or (M, 1)
        ``{label: prediction at x}``, e.g. ``{"width 4": model.forward(x)}``.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    points : (array_like, array_like), optional
        Training points ``(x_train, y_train)`` to scatter.
    title : str, optional
        Axes title.

    Returns
    -------
    Axes
    """
    xs = np.asarray(x, dtype=np.float64).reshape(-1)
    ys = np.asarray(target, dtype=np.float64).reshape(-1)
    if xs.shape != ys.shape:
        raise ValueError(f"function_fits: x has {xs.size} points but target has {ys.size}")
    ax = _axes(ax, (6.0, 3.8))
    if points is not None:
        px = np.asarray(points[0], dtype=np.float64).reshape(-1)
        py = np.asarray(points[1], dtype=np.float64).reshape(-1)
        if px.shape != py.shape:
            raise ValueError(
                f"function_fits: points has {px.size} inputs but {py.size} targets; pass "
                "(x_train, y_train) with one target per input"
            )
        ax.scatter(px, py, s=10, color="0.55", label="training points", zorder=1)
    ax.plot(xs, ys, color="black", linewidth=2.5, label="target", zorder=2)
    for k, (label, pred) in enumerate(fits.items()):
        p = np.asarray(pred, dtype=np.float64).reshape(-1)
        if p.shape != xs.shape:
            raise ValueError(
                f"function_fits: fit {label!r} has {p.size} values for {xs.size} points"
            )
        ax.plot(xs, p, color=PALETTE[k % len(PALETTE)], linewidth=1.5, label=label, zorder=3)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def error_by_width(
    widths: Sequence[int] | ArrayLike,
    errors: Mapping[str, Sequence[float] | ArrayLike],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    ylabel: str = "mean squared error",
) -> Axes:
    """Plot errors against the hidden width on log-log axes (one curve per named series).

    Parameters
    ----------
    widths : sequence of int, length K
        Hidden-layer widths.
    errors : mapping of str to sequence of float, each length K
        E.g. ``{"training points": [...], "dense grid": [...]}``.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    title : str, optional
        Axes title.
    ylabel : str
        Vertical axis label.

    Returns
    -------
    Axes
    """
    w = np.asarray(widths, dtype=np.float64).reshape(-1)
    ax = _axes(ax, (4.8, 3.8))
    for k, (label, values) in enumerate(errors.items()):
        v = np.asarray(values, dtype=np.float64).reshape(-1)
        if v.shape != w.shape:
            raise ValueError(f"error_by_width: {label!r} has {v.size} values for {w.size} widths")
        ax.plot(w, v, marker="o", color=PALETTE[k % len(PALETTE)], label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(w)
    ax.set_xticklabels([str(int(v)) for v in w])
    ax.set_xlabel("hidden units")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def training_curves(
    loss_history: Sequence[float] | ArrayLike,
    accuracies: Mapping[str, Sequence[float] | ArrayLike] | None = None,
    *,
    fig: Figure | None = None,
    title: str | None = None,
) -> Figure:
    """The minibatch loss per step (left) and accuracies per epoch (right).

    Parameters
    ----------
    loss_history : sequence of float
        One loss per update step.
    accuracies : mapping of str to sequence of float, optional
        ``{"training": [...], "validation": [...]}``, one value per epoch. When omitted, only
        the loss is drawn.
    fig : Figure, optional
        Figure to draw into (it is cleared); a new one when omitted.
    title : str, optional
        Figure title.

    Returns
    -------
    Figure
    """
    panels = 2 if accuracies else 1
    if fig is None:
        fig = plt.figure(figsize=(5.6 * panels, 3.6))
    else:
        fig.clear()
    axes = fig.subplots(1, panels, squeeze=False)[0]
    loss_curve(loss_history, ax=axes[0], title="minibatch loss")
    if accuracies:
        curves(
            accuracies, ax=axes[1], xlabel="epoch", ylabel="accuracy", title="accuracy", marker="."
        )
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
