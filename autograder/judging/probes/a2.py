"""Probes specific to assignment a2 (computation graphs and automatic differentiation).

Expressions reach these probes as plain data, a **program**, so that a case can be stored in the
release's ``.npz`` and sent to a sandbox:

- ``program``: an int array of shape ``(K, 3)``; row ``k`` is ``(op, a, b)`` and creates node
  ``n + k`` (nodes ``0 .. n-1`` are the inputs). ``op`` indexes :data:`OPS`; ``a`` is a node;
  ``b`` is a node for the ops of :data:`BINARY`, an index into ``consts`` for the ops with a
  constant, and ``-1`` for the unary ops;
- ``consts``: a float array of the constants used;
- ``outputs``: an int array of the nodes returned.

:func:`run_program` replays a program on the student's objects (``Value`` or ``Dual``) with the
ordinary operators and methods, exactly as a student's own expression would call them.
:func:`record_program` goes the other way: it turns a Python function of symbolic inputs into a
program (the spec writes its cases with it).

Probes record plain data only: numbers read from the student's nodes (``data``, ``grad``,
``local_grads``, ``val``, ``der``), never the nodes themselves.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograder.judging.probes.core import register, register_measure, student_function, unpack
from autograder.judging.records import NotPlainDataError, Record, dtype_name, to_plain
from autograder.judging.spec import Part

BINARY = ("add", "sub", "mul", "div")
CONST_RIGHT = ("addc", "subc", "mulc", "divc", "pow")
CONST_LEFT = ("radd", "rsub", "rmul", "rdiv")
UNARY = ("neg", "exp", "log", "tanh", "sigmoid", "relu", "sin", "cos")
OPS: tuple[str, ...] = BINARY + CONST_RIGHT + CONST_LEFT + UNARY
"""Every operation a program may use; a row's ``op`` is an index into this tuple."""

_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


# ---------------------------------------------------------------------------- programs


def run_program(
    program: NDArray[Any], consts: NDArray[Any], inputs: Sequence[Any], kind: type | None = None
) -> list[Any]:
    """Replay ``program`` on ``inputs`` with Python's operators; return every node.

    Parameters
    ----------
    program : int ndarray of shape (K, 3)
        Rows ``(op, a, b)`` (see the module docstring).
    consts : float ndarray of shape (C,)
        The constants the rows refer to.
    inputs : sequence of n objects
        The input nodes (the student's ``Value`` or ``Dual`` objects).
    kind : type, optional
        When given, every result must be an instance of it.

    Returns
    -------
    list
        ``n + K`` nodes: the inputs, then one result per row.

    Raises
    ------
    NotPlainDataError
        If an operation returns something that is not a ``kind``.
    """
    nodes = list(inputs)
    for op, a, b in np.asarray(program, dtype=np.int64).reshape(-1, 3):
        name = OPS[int(op)]
        left = nodes[int(a)]
        if name in BINARY:
            right = nodes[int(b)]
        elif name in CONST_RIGHT or name in CONST_LEFT:
            right = float(consts[int(b)])
        result = _apply(name, left, right if name not in UNARY else None)
        if kind is not None and not isinstance(result, kind):
            raise NotPlainDataError(
                f"`{_expression(name, kind.__name__)}` returned a {type(result).__name__}, "
                f"expected a {kind.__name__} (every operation must return a new {kind.__name__})"
            )
        nodes.append(result)
    return nodes


def _apply(name: str, a: Any, b: Any) -> Any:
    """One operation, written the way a student's expression would write it."""
    if name in ("add", "addc"):
        return a + b
    if name in ("sub", "subc"):
        return a - b
    if name in ("mul", "mulc"):
        return a * b
    if name in ("div", "divc"):
        return a / b
    if name == "pow":
        return a**b
    if name == "radd":
        return b + a
    if name == "rsub":
        return b - a
    if name == "rmul":
        return b * a
    if name == "rdiv":
        return b / a
    if name == "neg":
        return -a
    return getattr(a, name)()


def _expression(name: str, cls: str) -> str:
    """How an operation looks in code, for messages (``a * b``, ``2.0 - a``, ``a.exp()``)."""
    a = cls[0].lower()
    if name in BINARY:
        return f"{a} {_SYMBOL[name]} b"
    if name in CONST_RIGHT:
        return f"{a} {_SYMBOL.get(name.removesuffix('c'), '**')} 2.0"
    if name in CONST_LEFT:
        return f"2.0 {_SYMBOL[name.removeprefix('r')]} {a}"
    if name == "neg":
        return f"-{a}"
    return f"{a}.{name}()"


class _Tape:
    """The rows, constants and node values recorded by the :class:`Sym` objects of a program."""

    def __init__(self, n_inputs: int) -> None:
        self.rows: list[tuple[int, int, int]] = []
        self.consts: list[float] = []
        self.values: list[float] = []
        self.count = n_inputs

    def const(self, c: float) -> int:
        self.consts.append(float(c))
        return len(self.consts) - 1

    def push(self, op: str, a: int, b: int, value: float) -> Sym:
        self.rows.append((OPS.index(op), a, b))
        self.values.append(value)
        node = Sym(self, self.count, value)
        self.count += 1
        return node


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


_FLOAT_UNARY: dict[str, Callable[[float], float]] = {
    "neg": lambda x: -x,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda x: max(x, 0.0),
    "sin": math.sin,
    "cos": math.cos,
}


class Sym:
    """A symbolic scalar that records every operation applied to it on a shared tape.

    Used to write case programs: ``record_program(lambda x: [x[0] * x[1].exp()], [1.0, 2.0])``.
    Each node also carries its float value, so a case generator can keep away from kinks and
    domain edges (``value`` of a ``relu`` input, of a ``log`` argument).
    """

    def __init__(self, tape: _Tape, index: int, value: float) -> None:
        self.tape, self.index, self.value = tape, index, float(value)

    def _binary(self, op: str, other: Sym | float, func: Callable[[float, float], float]) -> Sym:
        if isinstance(other, Sym):
            return self.tape.push(op, self.index, other.index, func(self.value, other.value))
        c = float(other)
        return self.tape.push(op + "c", self.index, self.tape.const(c), func(self.value, c))

    def _left(self, op: str, c: float, func: Callable[[float, float], float]) -> Sym:
        return self.tape.push(op, self.index, self.tape.const(c), func(float(c), self.value))

    def __add__(self, other: Sym | float) -> Sym:
        return self._binary("add", other, lambda p, q: p + q)

    def __sub__(self, other: Sym | float) -> Sym:
        return self._binary("sub", other, lambda p, q: p - q)

    def __mul__(self, other: Sym | float) -> Sym:
        return self._binary("mul", other, lambda p, q: p * q)

    def __truediv__(self, other: Sym | float) -> Sym:
        return self._binary("div", other, lambda p, q: p / q)

    def __radd__(self, c: float) -> Sym:
        return self._left("radd", c, lambda p, q: p + q)

    def __rsub__(self, c: float) -> Sym:
        return self._left("rsub", c, lambda p, q: p - q)

    def __rmul__(self, c: float) -> Sym:
        return self._left("rmul", c, lambda p, q: p * q)

    def __rtruediv__(self, c: float) -> Sym:
        return self._left("rdiv", c, lambda p, q: p / q)

    def __pow__(self, c: float) -> Sym:
        return self.tape.push("pow", self.index, self.tape.const(c), self.value ** float(c))

    def __neg__(self) -> Sym:
        return self._unary("neg")

    def _unary(self, op: str) -> Sym:
        return self.tape.push(op, self.index, -1, _FLOAT_UNARY[op](self.value))

    def exp(self) -> Sym:
        """Record ``exp``."""
        return self._unary("exp")

    def log(self) -> Sym:
        """Record ``log``."""
        return self._unary("log")

    def tanh(self) -> Sym:
        """Record ``tanh``."""
        return self._unary("tanh")

    def sigmoid(self) -> Sym:
        """Record ``sigmoid``."""
        return self._unary("sigmoid")

    def relu(self) -> Sym:
        """Record ``relu``."""
        return self._unary("relu")

    def sin(self) -> Sym:
        """Record ``sin``."""
        return self._unary("sin")

    def cos(self) -> Sym:
        """Record ``cos``."""
        return self._unary("cos")


def _trace(f: Callable[[list[Sym]], Sequence[Sym]], x: Sequence[float]) -> tuple[_Tape, list[Sym]]:
    tape = _Tape(len(x))
    outs = list(f([Sym(tape, i, v) for i, v in enumerate(x)]))
    return tape, outs


def record_program(
    f: Callable[[list[Sym]], Sequence[Sym]], x: Sequence[float]
) -> dict[str, NDArray[Any]]:
    """Trace ``f`` on symbolic inputs with the values ``x``.

    Returns
    -------
    dict
        ``program`` (int64, ``(K, 3)``), ``consts`` (float64) and ``outputs`` (int64): plain
        data for a case's arguments.
    """
    tape, outs = _trace(f, x)
    return {
        "program": np.array(tape.rows, dtype=np.int64).reshape(-1, 3),
        "consts": np.array(tape.consts, dtype=np.float64),
        "outputs": np.array([o.index for o in outs], dtype=np.int64),
    }


def program_values(f: Callable[[list[Sym]], Sequence[Sym]], x: Sequence[float]) -> list[float]:
    """The float value of every node ``f`` creates on ``x`` (to check domains and magnitudes)."""
    return _trace(f, x)[0].values


# ---------------------------------------------------------------------------- helpers


def _student_class(namespace: Mapping[str, Any], name: str) -> type:
    cls = student_function(namespace, name)
    if not isinstance(cls, type):
        raise NotPlainDataError(f"`{name}` is a {type(cls).__name__}, expected a class")
    return cls


def _number(obj: Any, attr: str, what: str) -> float:
    """Read ``obj.<attr>`` as a float, with a message a student can act on."""
    if not hasattr(obj, attr):
        raise NotPlainDataError(
            f"{what} has no attribute `{attr}`: keep the attributes set in the given __init__"
        )
    value = getattr(obj, attr)
    plain = to_plain(value, f"`{attr}` of {what}")
    if isinstance(plain, np.ndarray) and plain.size != 1:
        raise NotPlainDataError(
            f"`{attr}` of {what} is an array of shape {plain.shape}, not a number"
        )
    return float(np.asarray(plain).reshape(()))


def _leaves(cls: type, values: NDArray[Any], *tangent: NDArray[Any]) -> list[Any]:
    if tangent:
        return [cls(float(v), float(t)) for v, t in zip(values, tangent[0], strict=True)]
    return [cls(float(v)) for v in values]


# ---------------------------------------------------------------------------- numerical


def _weights(x: NDArray[Any]) -> NDArray[Any]:
    return np.linspace(0.5, 1.5, x.size).reshape(x.shape).astype(x.dtype)


TEST_FUNCTIONS: dict[str, Callable[[NDArray[Any]], Any]] = {
    # Each is computed in x's dtype, so a float32 x gives a float32 function.
    "sines": lambda x: np.sum(np.sin(x) * _weights(x)),
    "quartic": lambda x: np.sum(x**4) / x.dtype.type(4) - np.sum(_weights(x) * x * x),
    "logsumexp": lambda x: np.log(np.sum(np.exp(x))),
    "coupled": lambda x: np.sum(x * np.roll(x, 1)) + np.sum(np.exp(x / x.dtype.type(2))),
}
"""Scalar test functions of an array of any shape, chosen by name in a case."""


@register("numerical_gradient")
def probe_numerical_gradient(
    namespace: Mapping[str, Any], part: Part, args: dict[str, Any]
) -> Record:
    """Call ``numerical_gradient(f, x[, h])`` on a named test function.

    Case args: ``func`` (a key of :data:`TEST_FUNCTIONS`), ``x`` and optionally ``h``.
    Records ``grad`` (``grad32`` when ``x`` is float32, judged with looser tolerances), its
    ``dtype`` (as text) and ``x_after``, the array ``x`` as the function left it.
    """
    fn = student_function(namespace, "numerical_gradient")
    x = args["x"]
    func = TEST_FUNCTIONS[str(args["func"])]
    out = fn(func, x) if "h" not in args else fn(func, x, float(args["h"]))
    key = "grad32" if np.asarray(x).dtype == np.float32 else "grad"
    rec = unpack(out, (key,), "numerical_gradient")
    rec["dtype"] = dtype_name(out)
    rec["x_after"] = np.array(x, copy=True)
    return rec


@register_measure("numerical_gradient")
def measure_numerical_gradient(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: ``x_unchanged``: ``x`` restored on return (up to round-off)."""
    before, after = args["x"], np.asarray(rec.pop("x_after", np.zeros(0)))
    rec["x_unchanged"] = bool(
        after.shape == before.shape
        and after.dtype.kind == "f"
        and np.allclose(after, before, rtol=1e-12, atol=0.0)
    )
    return rec


@register("relative_error")
def probe_relative_error(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Call ``relative_error(a, b)``; record ``err``."""
    fn = student_function(namespace, "relative_error")
    out = fn(args["a"], args["b"])
    rec = unpack(out, ("err",), "relative_error")
    if np.asarray(rec["err"]).size != 1:
        raise NotPlainDataError(
            f"relative_error returned an array of shape {np.shape(rec['err'])}; expected one number"
        )
    return rec


@register_measure("relative_error")
def measure_relative_error(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: when both inputs are all zero (case arg ``zeros=True``), ``zero_ok``
    (the result is exactly 0: not NaN) replaces ``err``."""
    if args.get("zeros", False):
        value = float(np.asarray(rec.pop("err")).reshape(()))
        rec["zero_ok"] = value == 0.0
    return rec


# ---------------------------------------------------------------------------- by hand


@register("by_hand")
def probe_by_hand(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Call a by-hand graph ``fn(**args) -> (value, {name: gradient})``.

    Options: ``value`` (the name of the value, e.g. ``"f"``) and ``grads`` (the dict's keys).
    Records the value and ``d<key>`` for every key.
    """
    name = part.functions[0]
    fn = student_function(namespace, name)
    value_name = str(part.options.get("value", "f"))
    keys = [str(k) for k in part.options.get("grads", ())]
    out = fn(**args)
    shape = f"({value_name}, {{{', '.join(repr(k) + ': ...' for k in keys)}}})"
    if not isinstance(out, (tuple, list)) or len(out) != 2 or not isinstance(out[1], Mapping):
        raise NotPlainDataError(
            f"{name} returned a {type(out).__name__}; expected a pair {shape}: the value and a "
            "dict of gradients"
        )
    rec: Record = {value_name: to_plain(out[0], f"the value {value_name} returned by {name}")}
    for key in keys:
        if key not in out[1]:
            raise NotPlainDataError(
                f"the dict of gradients returned by {name} has no key {key!r} "
                f"(it has {sorted(map(str, out[1]))}); expected {shape}"
            )
        rec[f"d{key}"] = to_plain(out[1][key], f"the gradient {key!r} returned by {name}")
    return rec


# ---------------------------------------------------------------------------- Value


@register("value_ops")
def probe_value_ops(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Apply single operations to ``Value`` leaves and read each result's node.

    Case args: ``x`` (leaf values) and a program whose every row works on the leaves.
    Records ``data`` (each output's ``.data``) and ``local``: ``local[k, i]`` is the sum of
    ``local_grads[j]`` over the parents ``j`` of output ``k`` that ARE leaf ``i`` (so ``a * a``
    gives ``2a``), i.e. the output's derivative with respect to the leaf, read from the node
    without calling ``backward``.
    """
    Value = _student_class(namespace, "Value")
    leaves = _leaves(Value, args["x"])
    nodes = run_program(args["program"], args["consts"], leaves, Value)
    outs = [nodes[int(i)] for i in args["outputs"]]
    data = np.array([_number(o, "data", "a Value") for o in outs])
    local = np.zeros((len(outs), len(leaves)))
    for k, node in enumerate(outs):
        parents = getattr(node, "parents", None)
        grads = getattr(node, "local_grads", None)
        if parents is None or grads is None:
            raise NotPlainDataError(
                "a Value made by an operation has no `parents` or `local_grads`: every operation "
                "must create its node with Value(data, parents, local_grads, op)"
            )
        parents, grads = list(parents), list(grads)
        if len(parents) != len(grads):
            raise NotPlainDataError(
                f"a node has {len(parents)} parents but {len(grads)} local gradients: give one "
                "local derivative per parent, in the same order"
            )
        for parent, g in zip(parents, grads, strict=True):
            for i, leaf in enumerate(leaves):
                if parent is leaf:
                    local[k, i] += float(np.asarray(to_plain(g, "a local gradient")).reshape(()))
    return {"data": data, "local": local}


EQ_BUDGET_PER_NODE = 4  # equality comparisons between nodes a backward() may make per node


class ComparisonBudgetError(RuntimeError):
    """backward() compared nodes with ``==`` far more often than a linear graph walk does."""


@contextlib.contextmanager
def _counted_equality(Value: type, budget: int, size: int) -> Iterator[list[int]]:
    """Count ``==`` between nodes of the student's class while the block runs.

    A graph walk that keeps its visited nodes in a set compares (almost) no nodes with ``==``;
    one that tests membership in a list compares each node with every node already visited, so
    its count grows with the square of the graph. Counting is exact and does not depend on the
    machine or its load, unlike a timing. Past ``budget`` comparisons the walk is stopped with a
    :class:`ComparisonBudgetError`. The class is restored afterwards.
    """
    count = [0]
    own = Value.__dict__.get("__eq__")

    def counting_eq(self: Any, other: Any) -> Any:
        count[0] += 1
        if count[0] > budget:
            raise ComparisonBudgetError(
                f"backward() compared nodes with == more than {budget:,} times on a chain of "
                f"{size:,} nodes (a walk that keeps visited nodes in a set compares almost none): "
                "is a membership test done on a list (`node in visited`)? Use a set"
            )
        if own is not None:
            return own(self, other)
        return NotImplemented if self is not other else True

    setattr(Value, "__eq__", counting_eq)  # noqa: B010  (a class attribute, set on purpose)
    try:
        yield count
    finally:
        if own is not None:
            setattr(Value, "__eq__", own)  # noqa: B010
        else:
            with contextlib.suppress(AttributeError, TypeError):
                del Value.__eq__


def _backward(node: Any, size: int) -> None:
    """``node.backward()``, turning a RecursionError into advice."""
    try:
        node.backward()
    except RecursionError:
        raise RecursionError(
            f"maximum recursion depth exceeded in backward() on a chain of {size:,} nodes: a graph "
            "walk in which a function calls itself once per node cannot go deeper than Python's "
            "recursion limit (about 1000); keep the nodes still to visit in a list used as a "
            "stack instead"
        ) from None


def _chain(Value: type, x0: float, factor: float, steps: int) -> tuple[Any, Any]:
    """``x * c * c * ... * c`` (``steps`` products), each ``c`` a new leaf: ``2 * steps`` nodes."""
    x = Value(x0)
    v = x
    for _ in range(steps):
        v = v * Value(factor)
    return x, v


@register("value_backward")
def probe_value_backward(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Build a graph from ``Value`` leaves, call ``backward()`` on its output, read ``grad``.

    Case args: ``kind`` (names the record, ``grads_<kind>``); for a program, ``x``, ``program``,
    ``consts``, ``outputs`` (one node) and ``record`` (the nodes whose ``grad`` is recorded);
    for ``kind == "deep"``, ``x0``, ``factor`` and ``steps``: a chain of ``2 * steps + 1``
    nodes, whose input's gradient is recorded. On the deep chain, comparisons of nodes with ``==``
    are counted (see :func:`_counted_equality`): a walk whose work grows with the square of the
    graph is stopped with advice after a fixed number of them, whatever the machine's speed.
    """
    Value = _student_class(namespace, "Value")
    kind = str(args["kind"])
    if kind == "deep":
        steps = int(args["steps"])
        size = 2 * steps + 1
        x, out = _chain(Value, float(args["x0"]), float(args["factor"]), steps)
        with _counted_equality(Value, EQ_BUDGET_PER_NODE * size, size):
            _backward(out, size)
        return {"grads_deep": np.array([_number(x, "grad", "the chain's input")])}
    leaves = _leaves(Value, args["x"])
    nodes = run_program(args["program"], args["consts"], leaves, Value)
    out = nodes[int(np.asarray(args["outputs"]).reshape(-1)[0])]
    _backward(out, len(nodes))
    grads = [_number(nodes[int(i)], "grad", f"node {int(i)}") for i in args["record"]]
    return {f"grads_{kind}": np.array(grads)}


# ---------------------------------------------------------------------------- Dual


@register("dual")
def probe_dual(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Evaluate a program on ``Dual(x_i, v_i)`` inputs; record the outputs' ``val`` and ``der``.

    ``der`` of an output is then the directional derivative of that output along ``v``.
    """
    Dual = _student_class(namespace, "Dual")
    inputs = _leaves(Dual, args["x"], args["v"])
    nodes = run_program(args["program"], args["consts"], inputs, Dual)
    outs = [nodes[int(i)] for i in args["outputs"]]
    return {
        "val": np.array([_number(o, "val", "a Dual") for o in outs]),
        "der": np.array([_number(o, "der", "a Dual") for o in outs]),
    }


# ---------------------------------------------------------------------------- Jacobians


@register("jacobian")
def probe_jacobian(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Call ``jacobian_*(f, x)`` with ``f`` built from a program; count ``f``'s evaluations.

    ``f`` takes a list of ``n`` scalars (the student's ``Dual`` or ``Value`` objects) and returns
    the list of the program's outputs. Records ``J`` and ``calls``.
    """
    name = part.functions[0]
    fn = student_function(namespace, name)
    program, consts = args["program"], args["consts"]
    outputs = [int(i) for i in args["outputs"]]
    calls = 0

    def f(xs: Sequence[Any]) -> list[Any]:
        nonlocal calls
        calls += 1
        nodes = run_program(program, consts, list(xs))
        return [nodes[i] for i in outputs]

    rec = unpack(fn(f, args["x"]), ("J",), name)
    rec["calls"] = calls
    return rec
