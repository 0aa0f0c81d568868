"""Shared checks of the plot smoke tests: a figure renders to a real PNG file of its size."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def saved_png(fig: Figure, path: Path, dpi: int = 40) -> Path:
    """Save ``fig`` to ``path`` and check it is a non-empty PNG of the figure's size in pixels.

    The width and height are read from the PNG's IHDR chunk (bytes 16 to 24, big-endian) and
    compared with ``figsize * dpi`` (to the pixel), the size matplotlib promises without
    ``bbox_inches``.
    """
    fig.savefig(path, format="png", dpi=dpi)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    expected = fig.get_size_inches() * dpi
    # matplotlib truncates or rounds a fractional size: within one pixel
    assert np.all(np.abs(np.array([width, height]) - expected) < 1.0), (width, height, expected)
    assert len(data) > 100  # more than the header: pixels were written
    return path


def legend_texts(ax: Axes) -> list[str]:
    """The texts of ``ax``'s legend (failing when the helper drew none)."""
    legend = ax.get_legend()
    assert legend is not None, "the helper promised a legend"
    return [t.get_text() for t in legend.get_texts()]
