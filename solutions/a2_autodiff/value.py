"""A scalar reverse-mode automatic differentiation engine.

Every arithmetic operation on :class:`Value` objects creates a new node that remembers its
parents (the operands) and the local partial derivative of its result with respect to each of
them, computed during the forward pass. :meth:`Value.backward` then visits the graph from the
output back to the leaves in reverse topological order and applies the chain rule once per edge:

``parent.adjoint += local_partial * node.adjoint``

so a node reached along several paths (fan-out) receives the sum of the contributions of every
path. The topological order is found with explicit lists (Kahn's algorithm), never by recursion,
so graphs of any depth (a chain of a million nodes) are fine.

Gradients accumulate across calls of :meth:`Value.backward`, as ``.grad`` does in PyTorch: each
call adds ``d(output)/d(node)`` to ``node.grad`` for every node of the graph. Call
:meth:`Value.zero_grad` on the output first to start again from zero.
"""

from __future__ import annotations

from typing import NamedTuple

from solutions.a2_autodiff._scalar import (
    UNARY,
    describe,
    is_real,
    log_rule,
    maximum_rule,
    power_rule,
)

__all__ = ["Edge", "Value", "trace"]


class Value:
    """A scalar that records the operations applied to it, for reverse-mode differentiation.

    Parameters
    ----------
    data : int or float
        The scalar value (a Python or NumPy real number; bools are refused).
    label : str, optional
        A name shown by ``repr`` and useful when drawing the graph (e.g. ``"x"``).

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        The accumulated derivative of the output(s) ``backward`` was called on with respect to
        this node; 0.0 until then.
    op : str
        The operation that produced this node (``"+"``, ``"*"``, ``"exp"``, ``"**2"``...), or
        ``""`` for a leaf.
    label : str
        Optional name. Constants mixed into an expression become leaves labelled with their value.

    Notes
    -----
    Supported: ``+ - * /`` with another ``Value`` or a plain number on either side, unary ``-``,
    ``v ** p`` for a plain-number exponent ``p``, and the methods ``exp``, ``log``, ``sin``,
    ``cos``, ``tanh``, ``sigmoid``, ``relu`` (derivative 0 at 0) and ``maximum``. The same
    operations exist on :class:`~solutions.a2_autodiff.dual.Dual`, so one function can be
    differentiated in reverse and in forward mode.

    Values are compared and hashed by identity: two nodes holding equal numbers are still two
    different nodes of the graph.

    Examples
    --------
    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)
    """

    __slots__ = ("_local_grads", "_parents", "data", "grad", "label", "op")

    # Makes NumPy scalars on the left of an operator (``np.float64(2) * v``) defer to our
    # reflected methods instead of trying to build an object array.
    __array_ufunc__ = None

    def __init__(self, data: float, *, label: str = "") -> None:
        if not is_real(data):
            raise TypeError(
                f"Value: argument 'data' must be a real number (int or float), got {describe(data)}"
            )
        if not isinstance(label, str):
            raise TypeError(f"Value: argument 'label' must be a str, got {describe(label)}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self._parents: tuple[Value, ...] = ()
        self._local_grads: tuple[float, ...] = ()

    # ------------------------------------------------------------------ graph construction
    @classmethod
    def _node(
        cls, data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...], op: str
    ) -> Value:
        """Create an interior node without re-validating (all inputs are already floats)."""
        node = cls.__new__(cls)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node.op = op
        node._parents = parents
        node._local_grads = local_grads
        return node

    @staticmethod
    def _lift(other: object, func: str) -> Value:
        """Return ``other`` as a node: a Value unchanged, a number as a labelled constant leaf."""
        if isinstance(other, Value):
            return other
        if is_real(other):
            number = float(other)  # type: ignore[arg-type]
            return Value(number, label=f"{number:g}")
        raise TypeError(
            f"Value.{func}: the other operand must be a Value or a real number, got "
            f"{describe(other)}"
            + ("; Value and Dual cannot be mixed in one expression" if _is_dual(other) else "")
        )

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from (empty for a leaf); may repeat a node."""
        return self._parents

    @property
    def local_grads(self) -> tuple[float, ...]:
        """``d(self)/d(parent)`` for each entry of :attr:`parents`, from the forward pass."""
        return self._local_grads

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Value | float) -> Value:
        o = self._lift(other, "__add__")
        return Value._node(self.data + o.data, (self, o), (1.0, 1.0), "+")

    def __radd__(self, other: float) -> Value:
        return self._lift(other, "__radd__") + self

    def __sub__(self, other: Value | float) -> Value:
        o = self._lift(other, "__sub__")
        return Value._node(self.data - o.data, (self, o), (1.0, -1.0), "-")

    def __rsub__(self, other: float) -> Value:
        return self._lift(other, "__rsub__") - self

    def __mul__(self, other: Value | float) -> Value:
        o = self._lift(other, "__mul__")
        # d(ab)/da = b and d(ab)/db = a: each factor's gradient is the OTHER factor's value.
        return Value._node(self.data * o.data, (self, o), (o.data, self.data), "*")

    def __rmul__(self, other: float) -> Value:
        return self._lift(other, "__rmul__") * self

    def __truediv__(self, other: Value | float) -> Value:
        o = self._lift(other, "__truediv__")
        if o.data == 0:
            raise ZeroDivisionError(f"Value.__truediv__: division by zero ({self.data!r} / 0)")
        q = self.data / o.data
        return Value._node(q, (self, o), (1.0 / o.data, -q / o.data), "/")

    def __rtruediv__(self, other: float) -> Value:
        return self._lift(other, "__rtruediv__") / self

    def __neg__(self) -> Value:
        return Value._node(-self.data, (self,), (-1.0,), "neg")

    def __pos__(self) -> Value:
        return self

    def __pow__(self, exponent: float) -> Value:
        if not is_real(exponent):
            raise TypeError(
                "Value.__pow__: the exponent must be a plain number (int or float), got "
                f"{describe(exponent)}; a variable exponent is not supported, write "
                "(exponent * base.log()).exp() instead"
            )
        p = float(exponent)
        value, slope = power_rule(self.data, p, "Value.__pow__")
        return Value._node(value, (self,), (slope,), f"**{p:g}")

    def __rpow__(self, base: object) -> Value:
        raise TypeError(
            f"Value.__rpow__: a Value exponent is not supported ({describe(base)} ** Value); "
            "for a constant base c > 0 write (v * math.log(c)).exp() instead"
        )

    # ------------------------------------------------------------------ elementary functions
    def _unary(self, name: str) -> Value:
        value, slope = UNARY[name](self.data)
        return Value._node(value, (self,), (slope,), name)

    def exp(self) -> Value:
        """``e ** self``; derivative ``exp(self)``."""
        return self._unary("exp")

    def log(self) -> Value:
        """Natural logarithm; derivative ``1 / self``. Raises ``ValueError`` unless ``self > 0``."""
        value, slope = log_rule(self.data, "Value.log")
        return Value._node(value, (self,), (slope,), "log")

    def sin(self) -> Value:
        """Sine; derivative ``cos(self)``."""
        return self._unary("sin")

    def cos(self) -> Value:
        """Cosine; derivative ``-sin(self)``."""
        return self._unary("cos")

    def tanh(self) -> Value:
        """Hyperbolic tangent; derivative ``1 - tanh(self) ** 2``."""
        return self._unary("tanh")

    def sigmoid(self) -> Value:
        """Logistic sigmoid (computed without overflow); derivative ``s * (1 - s)``."""
        return self._unary("sigmoid")

    def relu(self) -> Value:
        """``max(0, self)``; derivative 1 for ``self > 0`` and 0 otherwise (0 at the kink)."""
        return self._unary("relu")

    def maximum(self, other: Value | float) -> Value:
        """The larger of ``self`` and ``other``; the gradient is routed to the larger input.

        On a tie each input receives half of the gradient (as with ``torch.maximum``).
        """
        o = self._lift(other, "maximum")
        value, da, db = maximum_rule(self.data, o.data)
        return Value._node(value, (self, o), (da, db), "max")

    # ------------------------------------------------------------------ differentiation
    def backward(self) -> None:
        """Add ``d(self)/d(node)`` to ``node.grad`` for every node of the graph behind ``self``.

        The output is seeded with derivative 1, the nodes are visited in reverse topological
        order (found iteratively) and each node passes ``local_grad * its_adjoint`` to each parent,
        so contributions arriving along different paths are summed.

        Gradients ACCUMULATE: calling ``backward`` twice doubles every ``grad`` (as in PyTorch).
        Call :meth:`zero_grad` first to recompute from scratch. Each call only adds this call's
        derivatives (it never re-propagates gradients left over from earlier calls).
        """
        adjoint: dict[Value, float] = {self: 1.0}
        for node in _reverse_topological_order(self):
            g = adjoint.pop(node)
            node.grad += g
            for parent, local in zip(node._parents, node._local_grads, strict=True):
                adjoint[parent] = adjoint.get(parent, 0.0) + local * g

    def zero_grad(self) -> None:
        """Set ``grad = 0.0`` on this node and on every node it was computed from."""
        for node in _reverse_topological_order(self):
            node.grad = 0.0

    def graph(self) -> tuple[list[Value], list[Edge]]:
        """The graph behind this node as ``(nodes, edges)``; see :func:`trace`."""
        return trace(self)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        parts = [f"data={self.data:.6g}", f"grad={self.grad:.6g}"]
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"


class Edge(NamedTuple):
    """One edge ``source -> target`` of a computation graph.

    Attributes
    ----------
    source : Value
        An operand (its ``data`` is the value flowing forward along the edge and its ``grad`` the
        gradient flowing back, once ``backward`` has run).
    target : Value
        The node computed from it.
    op : str
        ``target.op``, the operation applied.
    local_grad : float
        ``d(target)/d(source)`` along this edge.
    """

    source: Value
    target: Value
    op: str
    local_grad: float


def _is_dual(x: object) -> bool:
    # Imported lazily to keep the two engines' modules independent of each other.
    from solutions.a2_autodiff.dual import Dual

    return isinstance(x, Dual)


def _reverse_topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once and BEFORE all of its parents; ``root`` first.

    Kahn's algorithm, with explicit lists instead of recursion. Pass 1 walks the graph from
    ``root`` and counts, for each node, the edges arriving from the nodes that use it (a node used
    twice by one operation, as in ``a * a``, counts twice). Pass 2 releases ``root``, then any node
    whose every user has been released: when a node comes out, nothing left can still send it a
    gradient, which is exactly the order ``backward`` needs.
    """
    users_left: dict[Value, int] = {root: 0}
    stack = [root]
    while stack:
        node = stack.pop()
        for parent in node._parents:
            if parent in users_left:
                users_left[parent] += 1
            else:
                users_left[parent] = 1
                stack.append(parent)
    order: list[Value] = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for parent in node._parents:
            users_left[parent] -= 1
            if users_left[parent] == 0:
                ready.append(parent)
    return order


def trace(root: Value) -> tuple[list[Value], list[Edge]]:
    """List the computation graph behind ``root``, e.g. to draw it.

    Parameters
    ----------
    root : Value
        The output node.

    Returns
    -------
    nodes : list of Value
        Every node ``root`` depends on, in topological order (leaves early, ``root`` last), each
        once.
    edges : list of Edge
        One ``Edge(source, target, op, local_grad)`` per operand of each interior node. A node
        used twice by one operation (``a * a``) gives two edges.

    Raises
    ------
    TypeError
        If ``root`` is not a Value.
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace: argument 'root' must be a Value, got {describe(root)}")
    nodes = _reverse_topological_order(root)[::-1]
    edges = [
        Edge(parent, node, node.op, local)
        for node in nodes
        for parent, local in zip(node._parents, node._local_grads, strict=True)
    ]
    return nodes, edges
