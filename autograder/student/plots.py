"""Plotting helpers for the notebooks (student-facing, matplotlib only).

Every helper draws into an Axes (or a Figure) that it is given, or creates one, and returns it, so
a notebook can compose several plots in one figure. None of them calls ``plt.show()``: in Jupyter
the figure is displayed at the end of the cell.

Conventions follow the course: points ``X`` of shape ``(N, 2)``, labels ``y`` of shape ``(N,)``
(integers in ``[0, C)``, or ``-1``/``+1`` for a perceptron), weights ``W`` of shape ``(D, C)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "curves",
    "decision_regions",
    "image_grid",
    "linear_boundary",
    "loss_curve",
    "moving_average",
    "scatter_classes",
    "weight_templates",
]

# Colour-blind friendly palette (Okabe-Ito), one colour per class.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#882255",
)


GAP_COLOR = "#b0b0b0"  # the frame drawn around each tile of an image grid


def _axes(ax: Axes | None, figsize: tuple[float, float] = (4.5, 4.0)) -> Axes:
    """Return ``ax``, or the Axes of a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def _points(X: ArrayLike, y: ArrayLike, func: str) -> tuple[NDArray[np.float64], NDArray[Any]]:
    """Check that ``X`` is ``(N, 2)`` and ``y`` is ``(N,)``; return them as arrays."""
    X_arr = np.asarray(X, dtype=np.float64)
    y_arr = np.asarray(y)
    if X_arr.ndim != 2 or X_arr.shape[1] != 2:
        raise ValueError(f"{func}: argument 'X' must have shape (N, 2), got {X_arr.shape}")
    if y_arr.shape != (X_arr.shape[0],):
        raise ValueError(
            f"{func}: argument 'y' must have shape ({X_arr.shape[0]},) to match X, "
            f"got {y_arr.shape}"
        )
    return X_arr, y_arr


def _series(values: Any, func: str, arg: str) -> NDArray[np.float64]:
    """``values`` as a 1-D float array (a column ``(T, 1)`` is accepted), or a clear error."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{func}: argument '{arg}' must be a 1-D sequence of numbers, got "
            f"a {type(values).__name__} that is not one ({exc})"
        ) from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{func}: argument '{arg}' must be a 1-D sequence of numbers, got shape {arr.shape}"
        )
    return arr


def _class_colors(classes: NDArray[Any]) -> dict[Any, str]:
    return {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(classes.tolist())}


def scatter_classes(
    X: ArrayLike, y: ArrayLike, ax: Axes | None = None, *, size: float = 60
) -> Axes:
    """Scatter 2-D points coloured by class, with a legend.

    Parameters
    ----------
    X : array_like of shape (N, 2)
        Points.
    y : array_like of shape (N,)
        Labels (any integers, e.g. ``[0, C)`` or ``{-1, +1}``).
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    size : float, default 60
        Marker area.

    Returns
    -------
    Axes
    """
    X_arr, y_arr = _points(X, y, "scatter_classes")
    ax = _axes(ax)
    classes = np.unique(y_arr)
    colors = _class_colors(classes)
    for c in classes.tolist():
        mask = y_arr == c
        ax.scatter(
            X_arr[mask, 0],
            X_arr[mask, 1],
            s=size,
            color=colors[c],
            edgecolors="black",
            linewidths=0.8,
            label=f"y = {c}",
            zorder=3,
        )
    ax.legend(loc="best", fontsize="small")
    return ax


def decision_regions(
    predict_fn: Callable[[NDArray[np.float64]], ArrayLike],
    X: ArrayLike,
    y: ArrayLike,
    ax: Axes | None = None,
    *,
    resolution: int = 150,
    padding: float = 0.5,
    title: str | None = None,
    alpha: float = 0.25,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
) -> Axes:
    """Shade the plane by the class a classifier predicts, and scatter the data on top.

    Parameters
    ----------
    predict_fn : callable
        ``predict_fn(P) -> labels``: maps points ``P`` of shape ``(M, 2)`` to labels of shape
        ``(M,)``, e.g. ``lambda P: perceptron_predict(w, P)``.
    X : array_like of shape (N, 2)
        The data points.
    y : array_like of shape (N,)
        Their labels (the same label set ``predict_fn`` returns).
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    resolution : int, default 150
        Grid points per axis.
    padding : float, default 0.5
        Margin added around the data's bounding box.
    title : str, optional
        Axes title.
    alpha : float, default 0.25
        Opacity of the shaded regions.
    xlabel, ylabel : str
        Axis labels (the two input features by default).

    Returns
    -------
    Axes
    """
    X_arr, y_arr = _points(X, y, "decision_regions")
    if resolution < 2:
        raise ValueError(f"decision_regions: argument 'resolution' must be >= 2, got {resolution}")
    ax = _axes(ax)
    lo = X_arr.min(axis=0) - padding
    hi = X_arr.max(axis=0) + padding
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    pred = np.asarray(predict_fn(grid)).reshape(-1)
    if pred.shape[0] != grid.shape[0]:
        raise ValueError(
            f"decision_regions: predict_fn returned {pred.shape[0]} labels for {grid.shape[0]} "
            "points; it must return one label per row of its input"
        )
    classes = np.unique(np.concatenate([y_arr.ravel(), pred]))
    colors = _class_colors(classes)
    index = np.searchsorted(classes, pred).reshape(gx.shape)
    cmap = ListedColormap([colors[c] for c in classes.tolist()])
    # One image rather than a mesh of quads: much faster to draw and to place a legend around.
    ax.imshow(
        index,
        origin="lower",
        extent=(lo[0], hi[0], lo[1], hi[1]),
        aspect="auto",
        cmap=cmap,
        vmin=-0.5,
        vmax=len(classes) - 0.5,
        alpha=alpha,
        interpolation="nearest",
    )
    for c in classes.tolist():
        mask = y_arr == c
        if mask.any():
            ax.scatter(
                X_arr[mask, 0],
                X_arr[mask, 1],
                s=60,
                color=colors[c],
                edgecolors="black",
                linewidths=0.8,
                label=f"y = {c}",
                zorder=3,
            )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def linear_boundary(
    w: ArrayLike,
    ax: Axes | None = None,
    *,
    xlim: tuple[float, float] | None = None,
    label: str | None = None,
    **line_kwargs: Any,
) -> Axes:
    """Draw the line ``w[0] * x1 + w[1] * x2 + w[2] = 0`` of a 2-D linear classifier.

    Parameters
    ----------
    w : array_like of shape (3,)
        Weights of a 2-D binary classifier with the bias trick (bias last), as returned by a
        perceptron.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    xlim : (float, float), optional
        Horizontal range of the line; the Axes' current limits by default.
    label : str, optional
        Legend label.
    **line_kwargs
        Passed to ``Axes.plot`` (``color``, ``linestyle``...).

    Returns
    -------
    Axes
        Nothing is drawn when ``w[0] == w[1] == 0`` (no boundary exists).
    """
    w_arr = np.asarray(w, dtype=np.float64).reshape(-1)
    if w_arr.shape != (3,):
        raise ValueError(
            f"linear_boundary: argument 'w' must have shape (3,) (two weights, bias last), "
            f"got {w_arr.shape}"
        )
    ax = _axes(ax)
    a, b, c = w_arr.tolist()
    lo, hi = xlim if xlim is not None else ax.get_xlim()
    if a == 0 and b == 0:
        return ax
    if abs(b) >= 1e-12 * max(abs(a), 1.0):
        xs = np.array([lo, hi])
        ax.plot(xs, -(a * xs + c) / b, label=label, **line_kwargs)
    else:  # vertical line x1 = -c / a
        ylo, yhi = ax.get_ylim()
        ax.plot([-c / a, -c / a], [ylo, yhi], label=label, **line_kwargs)
    ax.set_xlim(lo, hi)
    return ax


def moving_average(values: ArrayLike, window: int) -> NDArray[np.float64]:
    """Trailing moving average: entry ``t`` is the mean of ``values[max(0, t - window + 1):t + 1]``.

    Parameters
    ----------
    values : array_like of shape (T,)
    window : int
        Window length (>= 1); 1 returns the values unchanged.

    Returns
    -------
    ndarray of shape (T,)
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if window < 1:
        raise ValueError(f"moving_average: argument 'window' must be >= 1, got {window}")
    if v.size == 0:
        return v
    csum = np.cumsum(np.concatenate([[0.0], v]))
    t = np.arange(1, v.size + 1)
    start = np.maximum(t - window, 0)
    return (csum[t] - csum[start]) / (t - start)


def loss_curve(
    history: Sequence[float] | ArrayLike,
    ax: Axes | None = None,
    *,
    smooth: int | None = None,
    label: str = "loss",
    logy: bool = False,
    title: str | None = None,
) -> Axes:
    """Plot a loss history against the iteration, raw (faint) and smoothed.

    Parameters
    ----------
    history : sequence of float, length T
        One loss per iteration, e.g. the history returned by ``sgd``.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    smooth : int, optional
        Moving-average window. By default about ``T / 50`` (at least 1); 1 draws the raw curve only.
    label : str, default "loss"
        Legend label of the curve.
    logy : bool, default False
        Logarithmic vertical axis.
    title : str, optional
        Axes title.

    Returns
    -------
    Axes
    """
    h = _series(history, "loss_curve", "history")
    ax = _axes(ax, figsize=(6.0, 3.5))
    window = max(1, h.size // 50) if smooth is None else int(smooth)
    it = np.arange(h.size)
    if window > 1:
        (raw,) = ax.plot(it, h, alpha=0.3, linewidth=0.8)
        ax.plot(
            it,
            moving_average(h, window),
            color=raw.get_color(),
            label=f"{label} (moving average of {window})",
        )
    else:
        ax.plot(it, h, label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def _grid_shape(n: int, ncols: int) -> tuple[int, int]:
    cols = max(1, min(ncols, n))
    return (n + cols - 1) // cols, cols


def _mosaic(
    tiles: NDArray[np.float64], shape: tuple[int, int], ncols: int, vgap: int
) -> tuple[NDArray[np.float64], list[tuple[int, int]]]:
    """Tile ``M`` flattened images into one array, separated by NaN gaps.

    Returns the mosaic and the ``(row, column)`` of each tile's top-left pixel.
    """
    h, w = shape
    M = tiles.shape[0]
    rows, cols = _grid_shape(M, ncols)
    out = np.full((rows * (h + vgap) - vgap, cols * (w + 1) - 1), np.nan)
    corners = []
    for k in range(M):
        r, c = divmod(k, cols)
        top, left = r * (h + vgap), c * (w + 1)
        out[top : top + h, left : left + w] = tiles[k].reshape(shape)
        corners.append((top, left))
    return out, corners


def _show_mosaic(
    tiles: NDArray[np.float64],
    titles: Sequence[str] | None,
    shape: tuple[int, int],
    ncols: int,
    fig: Figure | None,
    cell_inches: float,
    imshow_kwargs: dict[str, Any],
) -> Figure:
    """Draw tiles as ONE image in one Axes (fast to draw, unlike one Axes per tile)."""
    h, w = shape
    vgap = max(1, round(0.35 * h)) if titles is not None else 1
    mosaic, corners = _mosaic(tiles, shape, ncols, vgap)
    _, cols = _grid_shape(tiles.shape[0], ncols)
    upper = -float(vgap) if titles is not None else -1.0
    if fig is None:
        width = cell_inches * cols
        height = width * (mosaic.shape[0] - upper) / (mosaic.shape[1] + 1.0)
        fig = plt.figure(figsize=(width, height))
    else:
        fig.clear()
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.imshow(mosaic, interpolation="nearest", **imshow_kwargs)
    for k, (top, left) in enumerate(corners):
        ax.add_patch(
            Rectangle((left - 0.5, top - 0.5), w, h, fill=False, edgecolor=GAP_COLOR, linewidth=0.8)
        )
        if titles is not None:
            ax.text(
                left + (w - 1) / 2, top - 0.7, titles[k], ha="center", va="bottom", fontsize="small"
            )
    ax.set_xlim(-1.0, mosaic.shape[1])
    ax.set_ylim(mosaic.shape[0], upper)
    ax.set_axis_off()
    return fig


def weight_templates(
    W: ArrayLike,
    shape: tuple[int, int] = (8, 8),
    *,
    class_names: Sequence[str] | None = None,
    fig: Figure | None = None,
    ncols: int = 5,
    cmap: str = "RdBu_r",
) -> Figure:
    """Show each class's weight column as an image ("template").

    Each column is scaled by its own largest absolute value, so its colours run from -1 (blue,
    lowers the class's score) through 0 (white) to +1 (red, raises it).

    Parameters
    ----------
    W : array_like of shape (H * Wd, C)
        Weights WITHOUT the bias row (pass ``W[:-1]`` when ``W`` was trained with the bias trick).
    shape : (int, int), default (8, 8)
        Image shape ``(H, Wd)`` each column is reshaped to.
    class_names : sequence of str, optional
        Titles, one per class; ``"0" ... "C-1"`` by default.
    fig : Figure, optional
        Figure to draw into (it is cleared); a new one when omitted.
    ncols : int, default 5
        Templates per row.
    cmap : str, default "RdBu_r"
        A diverging colour map.

    Returns
    -------
    Figure
    """
    W_arr = np.asarray(W, dtype=np.float64)
    pixels = int(np.prod(shape))
    if W_arr.ndim != 2:
        raise ValueError(f"weight_templates: argument 'W' must be 2-D (D, C), got {W_arr.shape}")
    if W_arr.shape[0] != pixels:
        extra = " (it still has the bias row: pass W[:-1])" if W_arr.shape[0] == pixels + 1 else ""
        raise ValueError(
            f"weight_templates: W has {W_arr.shape[0]} rows but an image of shape {shape} has "
            f"{pixels} pixels{extra}"
        )
    C = W_arr.shape[1]
    names = [str(k) for k in range(C)] if class_names is None else list(class_names)
    if len(names) != C:
        raise ValueError(f"weight_templates: {len(names)} class names for {C} classes")
    scale = np.abs(W_arr).max(axis=0)
    tiles = (W_arr / np.where(scale > 0, scale, 1.0)).T
    return _show_mosaic(
        tiles, names, shape, ncols, fig, 1.6, {"cmap": cmap, "vmin": -1.0, "vmax": 1.0}
    )


def image_grid(
    images: ArrayLike,
    labels: Sequence[Any] | ArrayLike | None = None,
    shape: tuple[int, int] = (8, 8),
    *,
    fig: Figure | None = None,
    ncols: int = 10,
    cmap: str = "gray_r",
) -> Figure:
    """Show flattened images in a grid, optionally titled by their labels.

    Parameters
    ----------
    images : array_like of shape (M, H * Wd)
        One flattened image per row (e.g. digits without the bias column).
    labels : sequence of length M, optional
        Titles.
    shape : (int, int), default (8, 8)
        Image shape ``(H, Wd)``.
    fig : Figure, optional
        Figure to draw into (it is cleared); a new one when omitted.
    ncols : int, default 10
        Images per row.
    cmap : str, default "gray_r"
        Colour map (dark ink on a light background), shared by all images.

    Returns
    -------
    Figure
    """
    imgs = np.asarray(images, dtype=np.float64)
    pixels = int(np.prod(shape))
    if imgs.ndim != 2 or imgs.shape[1] != pixels or imgs.shape[0] == 0:
        raise ValueError(
            f"image_grid: argument 'images' must have shape (M, {pixels}) with M >= 1 for images "
            f"of shape {shape}, got {imgs.shape}"
        )
    M = imgs.shape[0]
    titles = None if labels is None else [str(v) for v in np.asarray(labels).reshape(-1).tolist()]
    if titles is not None and len(titles) != M:
        raise ValueError(f"image_grid: {len(titles)} labels for {M} images")
    return _show_mosaic(
        imgs,
        titles,
        shape,
        ncols,
        fig,
        0.9,
        {"cmap": cmap, "vmin": float(imgs.min()), "vmax": float(imgs.max())},
    )


def curves(
    series: Mapping[str, Sequence[float] | ArrayLike],
    ax: Axes | None = None,
    *,
    xlabel: str = "epoch",
    ylabel: str = "",
    title: str | None = None,
    start: int = 1,
    marker: str = "o",
) -> Axes:
    """Plot several named curves on one Axes (e.g. training error per epoch).

    Parameters
    ----------
    series : mapping of str to sequence of float
        ``{label: values}``; value ``t`` is drawn at ``x = start + t``.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    xlabel, ylabel : str
        Axis labels.
    title : str, optional
        Axes title.
    start : int, default 1
        The x value of each curve's first entry.
    marker : str, default "o"
        Marker of the points.

    Returns
    -------
    Axes
    """
    arrays = {name: _series(v, "curves", f'series["{name}"]') for name, v in series.items()}
    ax = _axes(ax, figsize=(5.0, 3.5))
    for k, (name, v) in enumerate(arrays.items()):
        ax.plot(
            np.arange(start, start + v.size),
            v,
            marker=marker,
            label=name,
            color=PALETTE[k % len(PALETTE)],
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    return ax
