"""Smoke tests of the computation-graph drawing (autograder/plots_graph.py).

The graphs are built by hand from a minimal node class (the duck-typed contract the helper
documents), with the gradients of the lecture's example worked out by hand, plus one graph built
by the reference ``Value`` exactly as notebook a2 builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Annotation

from autograder.student.plots_graph import BACKWARD_COLOR, FORWARD_COLOR, draw_graph, graph_layout
from solutions.a2_autodiff import Value
from tests.plot_support import saved_png


@dataclass(eq=False)
class Node:
    data: float
    grad: float = 0.0
    parents: tuple[Node, ...] = ()
    local_grads: tuple[float, ...] = ()
    op: str = ""
    label: str = ""


def _lecture_graph() -> dict[str, Node]:
    """f = (x + y) z at x = -2, y = 5, z = -4, after backward (by hand).

    q = x + y = 3, f = q z = -12; df/df = 1, df/dq = z = -4, df/dz = q = 3,
    df/dx = df/dy = df/dq * 1 = -4.
    """
    x = Node(-2.0, -4.0, label="x")
    y = Node(5.0, -4.0, label="y")
    z = Node(-4.0, 3.0, label="z")
    q = Node(3.0, -4.0, (x, y), (1.0, 1.0), "+", "q")
    f = Node(-12.0, 1.0, (q, z), (-4.0, 3.0), "*", "f")
    return {"x": x, "y": y, "z": z, "q": q, "f": f}


def _arrows(ax: plt.Axes) -> list[Annotation]:
    return [t for t in ax.texts if isinstance(t, Annotation)]


def _labels(ax: plt.Axes, color: str) -> list[str]:
    return sorted(
        t.get_text()
        for t in ax.texts
        if not isinstance(t, Annotation)
        and t.get_color() == color
        and t.get_transform() != ax.transAxes
    )


def test_layout_puts_leaves_left_and_the_output_right() -> None:
    g = _lecture_graph()
    nodes, pos = graph_layout(g["f"])
    assert [n.label for n in nodes] == ["f", "q", "z", "x", "y"]  # breadth first from the root
    # column = longest path from a leaf; a column's nodes are centred on 0
    assert pos[id(g["f"])] == (2.0, 0.0)
    assert pos[id(g["q"])] == (1.0, 0.0)
    assert sorted(pos[id(g[k])] for k in "xyz") == [(0.0, -1.0), (0.0, 0.0), (0.0, 1.0)]


def test_draw_graph_shows_values_and_gradients(tmp_path: Path) -> None:
    g = _lecture_graph()
    ax = draw_graph(g["f"], title="f = (x + y) z at x = -2, y = 5, z = -4")
    saved_png(ax.figure, tmp_path / "graph.png")
    _, pos = graph_layout(g["f"])
    arrows = _arrows(ax)
    # one arrow per edge, from the operand to the node it feeds (always to the right)
    edges = {(a.xyann, a.xy) for a in arrows}
    expected = {(pos[id(p)], pos[id(n)]) for n in (g["q"], g["f"]) for p in n.parents}
    assert len(arrows) == 4 and edges == expected
    boxes = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]
    assert sorted(boxes) == sorted(
        [
            "f = *\ndata -12\ngrad 1",
            "q = +\ndata 3\ngrad -4",
            "x\ndata -2\ngrad -4",
            "y\ndata 5\ngrad -4",
            "z\ndata -4\ngrad 3",
        ]
    )
    # forward: the operand's value; backward: node grad x local derivative (by hand above)
    assert _labels(ax, FORWARD_COLOR) == sorted(["-2", "5", "3", "-4"])
    assert _labels(ax, BACKWARD_COLOR) == sorted(["-4", "-4", "-4", "3"])
    assert ax.get_title() == "f = (x + y) z at x = -2, y = 5, z = -4"
    assert ax.get_xlim() == (-0.6, 2.6) and not ax.axison
    key = [t.get_text() for t in ax.texts if t.get_transform() == ax.transAxes]
    assert key == ["on each edge: the value flowing forward", "and the gradient flowing back"]


def test_draw_graph_without_edge_labels_into_a_given_axes(tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 5.2))
    out = draw_graph(_lecture_graph()["f"], ax=ax, edge_labels=False)
    saved_png(fig, tmp_path / "bare.png")
    assert out is ax and len(fig.axes) == 1
    assert len(_arrows(ax)) == 4
    assert len(ax.texts) == 4 + 5  # arrows and node boxes only
    assert ax.get_title() == ""


def test_a_node_used_twice_gets_two_curved_edges(tmp_path: Path) -> None:
    # b = a * a at a = 3: db/da = a + a = 6, each edge carries 1 * 3 = 3
    a = Node(3.0, 6.0, label="a")
    b = Node(9.0, 1.0, (a, a), (3.0, 3.0), "*", "b")
    ax = draw_graph(b)
    saved_png(ax.figure, tmp_path / "square.png")
    rads = sorted(arrow.arrow_patch.get_connectionstyle().rad for arrow in _arrows(ax))
    assert rads == [-0.35, 0.35]
    assert _labels(ax, FORWARD_COLOR) == ["3", "3"]
    assert _labels(ax, BACKWARD_COLOR) == ["3", "3"]


def test_the_notebook_graph_of_the_reference_value(tmp_path: Path) -> None:
    # notebook a2: g = 2 (x y + max(z, w)) at x = 3, y = -4, z = 2, w = -1
    x, y = Value(3.0, label="x"), Value(-4.0, label="y")
    z, w = Value(2.0, label="z"), Value(-1.0, label="w")
    g = (x * y + z.maximum(w)) * 2.0
    g.backward()
    ax = draw_graph(g, title="add distributes, multiply swaps, max routes")
    saved_png(ax.figure, tmp_path / "patterns.png")
    # nodes: x, y, z, w, the constant 2, x*y, max, the sum, g; edges: 2 + 2 + 2 + 2
    assert len(_arrows(ax)) == 8
    boxes = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(boxes) == 9
    # dg/dx = 2 y = -8, dg/dy = 2 x = 6, dg/dz = 2 (z won the max), dg/dw = 0
    for text in (
        "x\ndata 3\ngrad -8",
        "y\ndata -4\ngrad 6",
        "z\ndata 2\ngrad 2",
        "w\ndata -1\ngrad 0",
    ):
        assert text in boxes


def test_too_large_a_graph_is_refused() -> None:
    node = Node(0.0, label="leaf")
    for k in range(5):
        node = Node(float(k), 1.0, (node,), (1.0,), "+")
    with pytest.raises(ValueError, match="more than 3 nodes; draw a smaller one"):
        draw_graph(node, max_nodes=3)


def test_missing_local_gradients_are_named() -> None:
    x, y = Node(1.0, label="x"), Node(2.0, label="y")
    s = Node(3.0, 1.0, (x, y), (1.0,), "+", "s")  # an __add__ that forgot one slope
    with pytest.raises(ValueError, match="node 's' has 2 parents but 1 local gradients"):
        draw_graph(s)


def test_what_is_not_a_node_is_refused() -> None:
    with pytest.raises(TypeError, match=r"expected a node with 'data' and 'grad' .* float"):
        draw_graph(1.5)
