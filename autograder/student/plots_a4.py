"""Plots of assignment a4: activation histograms per layer, gradient norms against depth,
optimiser trajectories on a contour plot and learning curves.

Every function draws on the given axes (or a new figure) and returns the axes; none computes
anything a grade depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _curve(values: ArrayLike, func: str, label: str) -> np.ndarray:
    """One labelled curve as a 1-D float array, or an error naming it."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(
            f"{func}: curve {label!r} must be 1-D (one value per point), got {v.shape}"
        )
    return v


def activation_histograms(
    grid: Mapping[str, Sequence[ArrayLike]],
    *,
    layers: Sequence[int] = (1, 4, 7, 10),
    bins: int = 40,
    value_range: tuple[float, float] = (-1.0, 1.0),
    drop_zeros: bool = False,
    title: str = "",
) -> Figure:
    """A grid of histograms: one row per initialiser, one column per layer.

    Parameters
    ----------
    grid : mapping of row label to a list of L arrays
        ``grid[label][l - 1]`` holds the activations ``h_l`` of layer ``l`` (any shape).
    layers : sequence of int
        The layers (1-based) shown as columns.
    bins : int
    value_range : (float, float)
        Histogram range, the same in every panel so that the panels compare.
    drop_zeros : bool, default False
        Histogram only the non-zero entries (ReLU layers); the std shown is still of all.
    title : str

    Returns
    -------
    Figure
    """
    rows = list(grid)
    if not rows:
        raise ValueError(
            "activation_histograms: argument 'grid' is empty; give one row per initialiser"
        )
    deepest = max(layers)
    for label in rows:
        if len(grid[label]) < deepest:
            raise ValueError(
                f"activation_histograms: row {label!r} has {len(grid[label])} layers of "
                f"activations but layer {deepest} is asked for; pass one array per layer"
            )
    fig, axes = plt.subplots(
        len(rows), len(layers), figsize=(2.3 * len(layers), 1.55 * len(rows)), squeeze=False
    )
    for i, label in enumerate(rows):
        for j, layer in enumerate(layers):
            ax = axes[i, j]
            values = np.asarray(grid[label][layer - 1], dtype=np.float64).ravel()
            shown = values[values != 0] if drop_zeros else values
            ax.hist(shown, bins=bins, range=value_range, color="C0", alpha=0.85)
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            spread = float(values.std())
            ax.text(
                0.97,
                0.9,
                f"std {spread:.2g}",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=7,
                bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0},
            )
            if i == 0:
                ax.set_title(f"layer {layer}", fontsize=9)
            if j == 0:
                ax.set_ylabel(label, fontsize=8, rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def norms_by_depth(
    curves: Mapping[str, ArrayLike],
    *,
    ax: Axes | None = None,
    xlabel: str = "layer",
    ylabel: str = "gradient norm",
    title: str = "",
    first: int = 1,
) -> Axes:
    """Norms against depth on a logarithmic axis, one line per labelled curve.

    Parameters
    ----------
    curves : mapping of label to a 1-D array
        Entry ``k`` is plotted at ``x = first + k``.
    ax : Axes, optional
    xlabel, ylabel, title : str
    first : int, default 1
        The x value of each curve's first entry.

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (5.5, 3.8))
    for label, values in curves.items():
        v = _curve(values, "norms_by_depth", label)
        ax.semilogy(np.arange(first, first + v.size), v, marker="o", ms=3, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def contour_trajectories(
    f: Callable[[np.ndarray], float],
    trajectories: Mapping[str, ArrayLike],
    *,
    ax: Axes | None = None,
    xlim: tuple[float, float] = (-2.5, 3.0),
    ylim: tuple[float, float] = (-1.5, 3.5),
    minimum: ArrayLike | None = None,
    title: str = "",
) -> Axes:
    """Level sets of a 2-D function and optimiser paths drawn on top.

    Parameters
    ----------
    f : callable
        ``f(w) -> float`` for ``w`` of shape (2,).
    trajectories : mapping of label to an array (T + 1, 2)
    ax : Axes, optional
    xlim, ylim : (float, float)
    minimum : array of shape (2,), optional
        Marked with a star.
    title : str

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (6.0, 5.0))
    xs = np.linspace(*xlim, 160)
    ys = np.linspace(*ylim, 160)
    Z = np.array([[f(np.array([x, y])) for x in xs] for y in ys])
    levels = np.quantile(Z, np.linspace(0.0, 0.95, 14) ** 2)
    ax.contour(xs, ys, Z, levels=np.unique(levels), colors="0.75", linewidths=0.8)
    for label, traj in trajectories.items():
        t = np.asarray(traj, dtype=np.float64)
        if t.ndim != 2 or t.shape[1] != 2:
            raise ValueError(
                f"contour_trajectories: trajectory {label!r} must have shape (T + 1, 2), one "
                f"point per row, got {t.shape}"
            )
        ax.plot(t[:, 0], t[:, 1], marker=".", ms=4, lw=1.2, label=label)
    if minimum is not None:
        m = np.asarray(minimum, dtype=np.float64).reshape(-1)
        if m.shape != (2,):
            raise ValueError(f"contour_trajectories: 'minimum' must have shape (2,), got {m.shape}")
        ax.plot(m[0], m[1], marker="*", ms=14, color="k", ls="none", label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    if title:
        ax.set_title(title)
    return ax


def learning_curves(
    curves: Mapping[str, ArrayLike],
    *,
    ax: Axes | None = None,
    xlabel: str = "epoch",
    ylabel: str = "training loss",
    logy: bool = True,
    title: str = "",
    x: Mapping[str, Any] | None = None,
) -> Axes:
    """Several learning curves on one axes (log scale by default).

    Parameters
    ----------
    curves : mapping of label to a 1-D array
    ax : Axes, optional
    xlabel, ylabel, title : str
    logy : bool, default True
    x : mapping of label to a 1-D array, optional
        The x values of a curve (default ``1, 2, ...``).

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (5.5, 3.8))
    for label, values in curves.items():
        v = _curve(values, "learning_curves", label)
        xv = np.arange(1, v.size + 1) if x is None or label not in x else np.asarray(x[label])
        if xv.shape != v.shape:
            raise ValueError(
                f"learning_curves: curve {label!r} has {v.size} values but x[{label!r}] has "
                f"shape {xv.shape}; give one x value per point"
            )
        ax.plot(xv, v, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
