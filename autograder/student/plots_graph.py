"""Drawing small computation graphs with matplotlib (student-facing; no graphviz needed).

:func:`draw_graph` draws the graph behind a scalar node of an autodiff engine such as assignment
a2's ``Value``: any object with ``data``, ``grad``, ``parents`` (the operands), ``local_grads``
(the derivative of the node with respect to each operand), ``op`` and ``label`` attributes. Leaves
are on the left, the output on the right. Each edge shows the value flowing forward along it
(the operand's ``data``, green, above the edge) and the gradient flowing back along it (the
node's ``grad`` times the edge's local derivative, red, below the edge).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = ["draw_graph", "graph_layout"]

FORWARD_COLOR = "#009E73"
BACKWARD_COLOR = "#D55E00"
NODE_COLOR = "#E8F1FA"
LEAF_COLOR = "#FFF4D6"


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def graph_layout(
    root: Any, max_nodes: int = 60
) -> tuple[list[Any], dict[int, tuple[float, float]]]:
    """The nodes behind ``root`` and a position for each (keyed by ``id(node)``).

    A node's column is the length of the longest path from a leaf to it, so every edge points to
    the right; nodes of one column are spread evenly around 0 in the order they were found.

    Parameters
    ----------
    root : node
        The output; its ``parents`` are followed to the leaves.
    max_nodes : int
        Refuse larger graphs, which would not be readable.

    Returns
    -------
    nodes : list
        Every node ``root`` depends on, each once.
    positions : dict
        ``id(node) -> (x, y)``.

    Raises
    ------
    ValueError
        If the graph has more than ``max_nodes`` nodes.
    """
    nodes: list[Any] = []
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        if len(nodes) > max_nodes:
            raise ValueError(
                f"draw_graph: the graph has more than {max_nodes} nodes; draw a smaller one"
            )
        todo.extend(getattr(node, "parents", ()))
    column = {id(n): 0 for n in nodes}
    for _ in range(len(nodes)):  # longest path from a leaf, by repeated relaxation
        changed = False
        for n in nodes:
            parents = list(getattr(n, "parents", ()))
            want = 1 + max((column[id(p)] for p in parents), default=-1)
            if want != column[id(n)]:
                column[id(n)], changed = want, True
        if not changed:
            break
    by_column: dict[int, list[Any]] = {}
    for n in reversed(nodes):
        by_column.setdefault(column[id(n)], []).append(n)
    positions = {}
    for col, members in by_column.items():
        for rank, n in enumerate(members):
            positions[id(n)] = (float(col), float(rank - (len(members) - 1) / 2))
    return nodes, positions


def _check_node(node: Any) -> None:
    """Raise a clear error for what cannot be drawn: not a node, or operands without slopes."""
    for attr in ("data", "grad"):
        if not hasattr(node, attr):
            raise TypeError(
                f"draw_graph: expected a node with 'data' and 'grad' (a Value), got a "
                f"{type(node).__name__} without '{attr}'"
            )
    parents = tuple(getattr(node, "parents", ()))
    local = tuple(getattr(node, "local_grads", ()))
    if len(local) != len(parents):
        name = getattr(node, "label", "") or getattr(node, "op", "") or "a node"
        raise ValueError(
            f"draw_graph: node {name!r} has {len(parents)} parents but {len(local)} local "
            "gradients; the operation that made it must give one local gradient per operand"
        )


def _node_text(node: Any) -> str:
    op, label = getattr(node, "op", ""), getattr(node, "label", "")
    head = label if label else (op if op else _fmt(float(node.data)))
    if op and label:
        head = f"{label} = {op}"
    return f"{head}\ndata {_fmt(float(node.data))}\ngrad {_fmt(float(node.grad))}"


def draw_graph(
    root: Any,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    edge_labels: bool = True,
    max_nodes: int = 60,
) -> Axes:
    """Draw the computation graph behind ``root`` with values and gradients.

    Parameters
    ----------
    root : node
        An object with ``data``, ``grad``, ``parents``, ``local_grads``, ``op`` and ``label``
        (for instance a ``Value`` after ``root.backward()``).
    ax : Axes, optional
        Where to draw; a new figure sized to the graph when omitted.
    title : str, optional
        Axes title.
    edge_labels : bool, default True
        Write the forward value (green, above) and the backward gradient (red, below) on each
        edge.
    max_nodes : int, default 60
        Refuse larger graphs.

    Returns
    -------
    Axes
    """
    nodes, pos = graph_layout(root, max_nodes)
    for node in nodes:
        _check_node(node)
    width = max(x for x, _ in pos.values()) + 1
    height = max(abs(y) for _, y in pos.values()) * 2 + 1
    if ax is None:
        _, ax = plt.subplots(figsize=(2.3 * width + 1.0, 1.3 * height + 1.2))
    for node in nodes:
        x1, y1 = pos[id(node)]
        parents = list(getattr(node, "parents", ()))
        local = list(getattr(node, "local_grads", ()))
        for k, (parent, g) in enumerate(zip(parents, local, strict=False)):
            x0, y0 = pos[id(parent)]
            twin = sum(p is parent for p in parents) > 1
            rad = 0.0 if not twin else (0.35 if k % 2 == 0 else -0.35)
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": "#555555",
                    "shrinkA": 28,
                    "shrinkB": 28,
                    "connectionstyle": f"arc3,rad={rad}",
                },
            )
            if edge_labels:
                # At the middle of the edge (the apex of a curved one). A curved edge gets both
                # labels on its outer side, so that the two edges of ``a * a`` keep theirs apart.
                mx, my = (x0 + x1) / 2, (y0 + y1) / 2 + rad * 0.5 * (x1 - x0)
                if rad > 0:
                    spots = ((my + 0.2, "bottom"), (my + 0.06, "bottom"))
                elif rad < 0:
                    spots = ((my - 0.06, "top"), (my - 0.2, "top"))
                else:
                    spots = ((my + 0.08, "bottom"), (my - 0.08, "top"))
                texts = (_fmt(float(parent.data)), _fmt(float(g) * float(node.grad)))
                for (ty, va), text, color in zip(
                    spots, texts, (FORWARD_COLOR, BACKWARD_COLOR), strict=True
                ):
                    ax.text(mx, ty, text, color=color, ha="center", va=va, fontsize=9)
        leaf = not parents
        ax.text(
            x1,
            y1,
            _node_text(node),
            ha="center",
            va="center",
            fontsize=9,
            family="monospace",
            bbox={
                "boxstyle": "round,pad=0.4",
                "fc": LEAF_COLOR if leaf else NODE_COLOR,
                "ec": "#333333",
            },
        )
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-height / 2 - 0.2, height / 2 + 0.2)
    ax.axis("off")
    if edge_labels:
        for k, (text, color) in enumerate(
            (
                ("on each edge: the value flowing forward", FORWARD_COLOR),
                ("and the gradient flowing back", BACKWARD_COLOR),
            )
        ):
            ax.text(
                0.0,
                -0.02 - 0.06 * k,
                text,
                color=color,
                transform=ax.transAxes,
                va="top",
                fontsize=9,
            )
    if title:
        ax.set_title(title, pad=18)
    return ax
