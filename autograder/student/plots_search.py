"""Plots and checks for a hyper-parameter search on a grid (student-facing helper).

A search stores its results as a dict ``{(a, b): score}``, one entry per run, where ``a`` and
``b`` are the values of two hyper-parameters (for example the learning rate and the
regularisation strength). :func:`grid_heatmap` draws the grid as a heat map on log-scale axes
and marks the best run; :func:`best_on_edge` says whether the best value of either
hyper-parameter lies on the border of its grid, in which case the grid must be extended.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

__all__ = ["best_on_edge", "grid_heatmap"]


def _grid(
    results: Mapping[tuple[float, float], float],
) -> tuple[list[float], list[float], np.ndarray]:
    """Sorted values of both hyper-parameters and their score matrix (NaN where no run)."""
    if not results:
        raise ValueError("results is empty: run the search first")
    for key in results:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(
                f"results must map pairs (a, b) of hyper-parameter values to scores; key {key!r} "
                "is not a pair"
            )
    a_values = sorted({float(a) for a, _ in results})
    b_values = sorted({float(b) for _, b in results})
    grid = np.full((len(b_values), len(a_values)), np.nan)
    for (a, b), score in results.items():
        grid[b_values.index(float(b)), a_values.index(float(a))] = float(score)
    return a_values, b_values, grid


def _best_key(results: Mapping[tuple[float, float], float]) -> tuple[float, float]:
    """The key of the highest finite score (NaN scores, from diverged runs, never win)."""
    finite = {k: v for k, v in results.items() if np.isfinite(v)}
    if not finite:
        raise ValueError("no run has a finite score")
    return max(finite, key=lambda k: finite[k])


def grid_heatmap(
    results: Mapping[tuple[float, float], float],
    *,
    xlabel: str,
    ylabel: str,
    title: str = "",
    ax: Axes | None = None,
    fmt: str = "{:.3f}",
) -> Axes:
    """Draw ``{(a, b): score}`` as a heat map, ``a`` across and ``b`` up, best run starred.

    Parameters
    ----------
    results : mapping of (float, float) to float
        One score per run (higher is better); missing pairs are left blank.
    xlabel, ylabel : str
        Names of the first and the second hyper-parameter.
    title : str, optional
    ax : matplotlib Axes, optional
        Drawn on a new figure if not given.
    fmt : str, default "{:.3f}"
        Format of the number written in each cell.

    Returns
    -------
    matplotlib Axes
    """
    a_values, b_values, grid = _grid(results)
    best = _best_key(results)  # before drawing: no empty figure is left behind by an error
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * len(a_values) + 2.2, 0.7 * len(b_values) + 1.6))
    finite = grid[np.isfinite(grid)]
    vmin = float(finite.min()) if finite.size else 0.0
    vmax = float(finite.max()) if finite.size else 1.0
    image = ax.imshow(grid, origin="lower", cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
    for i, b in enumerate(b_values):
        for j, a in enumerate(a_values):
            value = grid[i, j]
            if np.isnan(value):
                continue
            light = vmax > vmin and (value - vmin) / (vmax - vmin) > 0.6
            star = " *" if (a, b) == (float(best[0]), float(best[1])) else ""
            ax.text(
                j,
                i,
                fmt.format(value) + star,
                ha="center",
                va="center",
                fontsize=8,
                color="black" if light else "white",
            )
    ax.set_xticks(range(len(a_values)), [f"{a:g}" for a in a_values])
    ax.set_yticks(range(len(b_values)), [f"{b:g}" for b in b_values])
    ax.set_xlabel(f"{xlabel} (log scale)")
    ax.set_ylabel(f"{ylabel} (log scale)")
    ax.set_title(title or "search grid (* = best run)")
    ax.figure.colorbar(image, ax=ax)
    return ax


def best_on_edge(
    results: Mapping[tuple[float, float], float], names: tuple[str, str] = ("a", "b")
) -> list[str]:
    """Say which hyper-parameter's best value lies on the border of its grid.

    Parameters
    ----------
    results : mapping of (float, float) to float
    names : (str, str)
        Names of the two hyper-parameters, for the messages.

    Returns
    -------
    list of str
        One sentence per hyper-parameter whose best value is its grid's smallest or largest
        value ("extend the grid"), empty when the best run is inside the grid in both directions.
    """
    a_values, b_values, _ = _grid(results)
    best = _best_key(results)
    out = []
    for name, value, values in ((names[0], best[0], a_values), (names[1], best[1], b_values)):
        if len(values) < 3:
            out.append(f"{name}: only {len(values)} value(s) tried; a search needs at least 3")
        elif float(value) == values[0]:
            out.append(f"{name}: the best value {value:g} is the smallest tried: try smaller ones")
        elif float(value) == values[-1]:
            out.append(f"{name}: the best value {value:g} is the largest tried: try larger ones")
    return out
