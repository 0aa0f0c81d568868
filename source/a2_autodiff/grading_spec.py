"""Grading spec of a2_autodiff (instructor-only: holds the hidden cases).

Every case comes from a fixed seed or fixed numbers, so the public cases written into the release
and the hidden cases regenerated at grading time are the same on every machine. Expressions are
written as ordinary Python functions of symbolic inputs and recorded as plain-data programs
(:func:`autograder.judging.probes.a2.record_program`), which the probes replay on the
student's ``Value`` and ``Dual`` objects.

How the parts stay independent of each other:

- ``test_value_ops`` reads each node's ``data`` and ``local_grads`` without calling ``backward``;
- ``test_value_backward`` uses only ``+``, ``-`` and ``*``;
- the Jacobian parts use functions without products or quotients (so a wrong product rule in
  ``Dual`` does not reach ``jacobian_forward``), in which every output's graph is a tree (no node
  reaches an output along two paths, so an engine that mishandles fan-out or shared nodes still
  differentiates them correctly), and each case uses one elementary function besides ``+`` and
  ``-`` (a wrong derivative of, say, ``tanh`` costs only the cases with ``tanh``). Outputs do
  share inputs and intermediate nodes with each other, which catches a ``jacobian_reverse`` that
  does not reset the gradients between rows.

Inputs stay away from kinks (``relu`` at 0) and domain edges (``log`` near 0).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograder.judging.probes.a2 import Sym, program_values, record_program
from autograder.judging.spec import AssignmentSpec, Case, Check, Part

Fn = Callable[[list[Sym]], Sequence[Sym]]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _program_case(
    name: str,
    f: Fn,
    x: Sequence[float],
    note: str,
    *,
    checks: tuple[str, ...] | None = None,
    **extra: Any,
) -> Case:
    args: dict[str, Any] = {"x": np.asarray(x, dtype=np.float64), **record_program(f, x)}
    args.update(extra)
    return Case(name, args, note, checks)


# ------------------------------------------------------------------ numerical_gradient


def _numgrad_case(
    name: str,
    seed: int,
    shape: tuple[int, ...],
    func: str,
    note: str,
    *,
    h: float | None = None,
    dtype: type = np.float64,
    restored: bool = False,
) -> Case:
    """A case of ``numerical_gradient``.

    Most cases check the gradient alone, so that a wrong gradient loses (nearly) all credit;
    the float32 cases also check the dtype, and the ``restored`` ones that ``x`` is unchanged.
    """
    x: np.ndarray = _rng(seed).uniform(-1.5, 1.5, size=shape).astype(dtype)
    args: dict[str, Any] = {"func": func, "x": x}
    if h is not None:
        args["h"] = h
    checks: tuple[str, ...] = ("grad32", "dtype") if dtype == np.float32 else ("grad",)
    if restored:
        checks += ("x_unchanged",)
    return Case(name, args, note, checks)


def _numgrad_public() -> list[Case]:
    return [
        _numgrad_case(
            "vector",
            1,
            (5,),
            "sines",
            "f = sum(w * sin(x)), x of shape (5,), h = 1e-5",
            restored=True,
        ),
        _numgrad_case(
            "matrix", 2, (3, 4), "quartic", "a quartic of x of shape (3, 4), h = 1e-2", h=1e-2
        ),
        _numgrad_case(
            "float32",
            3,
            (4,),
            "logsumexp",
            "log(sum(exp(x))) in float32, h = 1e-3",
            h=1e-3,
            dtype=np.float32,
        ),
    ]


def _numgrad_hidden() -> list[Case]:
    return [
        _numgrad_case(
            "h_3d",
            101,
            (2, 3, 2),
            "coupled",
            "entries coupled, x of shape (2, 3, 2)",
            restored=True,
        ),
        _numgrad_case("h_step", 102, (6,), "logsumexp", "a large step h = 0.05", h=0.05),
        _numgrad_case("h_one", 103, (1,), "quartic", "a single entry"),
        _numgrad_case(
            "h_float32", 104, (3, 2), "sines", "float32, h = 1e-3", h=1e-3, dtype=np.float32
        ),
    ]


# ------------------------------------------------------------------ relative_error


_ERR = ("err",)


def _relerr_public() -> list[Case]:
    rng = _rng(11)
    a = rng.standard_normal((2, 3))
    big = rng.standard_normal(4) * 1e3
    return [
        Case("close", {"a": a, "b": a + 1e-6 * rng.standard_normal((2, 3))}, "nearly equal", _ERR),
        Case("scale", {"a": big, "b": big * 1.01 + 3.0}, "entries of order 1000", _ERR),
        Case("numbers", {"a": 2.0, "b": 2.5}, "two numbers", _ERR),
        Case(
            "zeros",
            {"a": np.zeros(3), "b": np.zeros(3), "zeros": True},
            "two all-zero arrays",
            ("zero_ok",),
        ),
    ]


def _relerr_hidden() -> list[Case]:
    rng = _rng(111)
    a = rng.standard_normal((3, 4)) * 1e-4
    return [
        Case(
            "h_small",
            {"a": a, "b": a * (1 + 1e-3 * rng.standard_normal((3, 4)))},
            "tiny entries",
            _ERR,
        ),
        Case(
            "h_one_zero",
            {"a": np.zeros(5), "b": rng.standard_normal(5)},
            "one array all zero",
            _ERR,
        ),
        Case("h_equal", {"a": a[0], "b": a[0].copy()}, "equal arrays", _ERR),
        Case(
            "h_zeros",
            {"a": np.zeros((2, 2)), "b": np.zeros((2, 2)), "zeros": True},
            "two all-zero matrices",
            ("zero_ok",),
        ),
    ]


# ------------------------------------------------------------------ by hand


def _add_mul_cases(hidden: bool) -> list[Case]:
    if not hidden:
        return [
            Case("lecture", {"x": -2.0, "y": 5.0, "z": -4.0}, "x = -2, y = 5, z = -4"),
            Case("other", {"x": 1.5, "y": 0.25, "z": 3.0}, "x = 1.5, y = 0.25, z = 3"),
        ]
    rng = _rng(121)
    return [
        Case(
            f"h{k}",
            {n: float(v) for n, v in zip("xyz", rng.uniform(-3, 3, 3), strict=True)},
            "random x, y, z",
        )
        for k in range(3)
    ]


def _logistic_case(name: str, seed: int, D: int, note: str) -> Case:
    rng = _rng(seed)
    while True:
        w, x = rng.uniform(-1.5, 1.5, D), rng.uniform(-1.5, 1.5, D)
        if 0.2 < abs(float(w @ x)) < 4.0:
            return Case(name, {"w": w, "x": x}, note)


def _logistic_cases(hidden: bool) -> list[Case]:
    if not hidden:
        return [
            Case(
                "lecture",
                {"w": np.array([1.0, 1.0, -1.5]), "x": np.array([1.0, 1.0, 1.0])},
                "w = (1, 1, -1.5), x = (1, 1, 1)",
            ),
            _logistic_case("d4", 22, 4, "D = 4"),
        ]
    return [
        _logistic_case("h_d5", 131, 5, "D = 5"),
        _logistic_case("h_d1", 132, 1, "D = 1"),
        _logistic_case("h_d8", 133, 8, "D = 8"),
    ]


# ------------------------------------------------------------------ Value: operations

_NO_LOCAL = ("data",)  # operations built from others: only their values are checked


def _value_ops_cases(hidden: bool) -> list[Case]:
    if not hidden:
        a, b = 1.5, -0.75
        return [
            _program_case(
                "add",
                lambda x: [x[0] + x[1], x[0] + 2.5, 2.5 + x[1], x[0] + x[0]],
                [a, b],
                "a + b, a + 2.5, 2.5 + b, a + a",
            ),
            _program_case(
                "mul",
                lambda x: [x[0] * x[1], x[0] * 3.0, -2.0 * x[1], x[0] * x[0]],
                [a, b],
                "a * b, a * 3, -2 * b, a * a",
            ),
            _program_case(
                "pow",
                lambda x: [x[0] ** 2, x[0] ** -1.5, x[1] ** 3, x[0] ** 0.5],
                [a, b],
                "a ** 2, a ** -1.5, b ** 3, a ** 0.5",
            ),
            _program_case(
                "exp_log",
                lambda x: [x[0].exp(), x[1].exp(), x[0].log()],
                [a, b],
                "exp(a), exp(b), log(a)",
            ),
            _program_case(
                "tanh_sigmoid",
                lambda x: [x[0].tanh(), x[1].tanh(), x[0].sigmoid(), x[1].sigmoid()],
                [a, b],
                "tanh(a), tanh(b), sigmoid(a), sigmoid(b)",
            ),
            _program_case("relu", lambda x: [x[0].relu(), x[1].relu()], [a, b], "relu(a), relu(b)"),
            _program_case(
                "relu_at_zero",
                lambda x: [x[0].relu(), x[1].relu()],
                [0.0, 2.0],
                "relu(0) and relu(2): at exactly 0 the derivative is 0",
            ),
            _program_case(
                "sigmoid_extreme",
                lambda x: [x[0].sigmoid(), x[1].sigmoid(), x[2].sigmoid()],
                [-750.0, 750.0, 0.5],
                "sigmoid(-750), sigmoid(750), sigmoid(0.5): no overflow",
            ),
            _program_case(
                "sub_div",
                lambda x: [x[0] - x[1], 4.0 - x[1], -x[0], x[0] / x[1], 3.0 / x[0]],
                [a, b],
                "a - b, 4 - b, -a, a / b, 3 / a (built from + * ** : values only)",
                checks=_NO_LOCAL,
            ),
        ]
    a, b, c = -2.25, 0.6, 3.1
    return [
        _program_case(
            "h_add",
            lambda x: [x[2] + x[0], x[1] + -1.0, 0.5 + x[2], x[1] + x[1]],
            [a, b, c],
            "sums",
        ),
        _program_case(
            "h_mul",
            lambda x: [x[1] * x[2], x[0] * x[0], 0.25 * x[2], x[2] * -4.0],
            [a, b, c],
            "products",
        ),
        _program_case(
            "h_pow",
            lambda x: [x[2] ** 1.5, x[0] ** 2, x[1] ** -1, x[0] ** 3],
            [a, b, c],
            "powers",
        ),
        _program_case(
            "h_exp_log",
            lambda x: [x[0].exp(), x[1].log(), x[2].log(), x[2].exp()],
            [a, b, c],
            "exp and log",
        ),
        _program_case(
            "h_tanh_sigmoid",
            lambda x: [x[0].tanh(), x[2].tanh(), x[0].sigmoid(), x[2].sigmoid()],
            [a, b, c],
            "tanh and sigmoid",
        ),
        _program_case(
            "h_relu", lambda x: [x[0].relu(), x[1].relu(), x[2].relu()], [a, b, c], "relu"
        ),
        _program_case(
            "h_sigmoid_extreme",
            lambda x: [x[0].sigmoid(), x[1].sigmoid(), x[2].sigmoid(), x[2].relu()],
            [-800.0, 800.0, 0.0],
            "sigmoid of -800, 800 and 0: no overflow (never exp of a large positive number); "
            "relu at exactly 0 (derivative 0)",
        ),
        _program_case(
            "h_sub_div",
            lambda x: [x[2] - x[0], x[0] - 0.5, 1.0 - x[1], x[2] / x[0], -x[1], 2.0 / x[2]],
            [a, b, c],
            "differences and quotients (values only)",
            checks=_NO_LOCAL,
        ),
    ]


# ------------------------------------------------------------------ Value: backward


def _graph_case(
    name: str,
    kind: str,
    f: Callable[[list[Sym]], tuple[Sym, list[Sym]]],
    x: Sequence[float],
    note: str,
) -> Case:
    """A one-output graph: ``f`` returns the output and the nodes whose gradients are recorded."""
    chosen: list[int] = []

    def g(inputs: list[Sym]) -> list[Sym]:
        out, record = f(inputs)
        chosen.extend(n.index for n in record)
        return [out]

    case = _program_case(name, g, x, note, checks=(f"grads_{kind}",), kind=kind)
    case.args["record"] = np.array(chosen, dtype=np.int64)
    return case


def _lecture_graph(s: list[Sym]) -> tuple[Sym, list[Sym]]:
    q = s[0] + s[1]
    return q * s[2], [*s, q]


def _diamond(s: list[Sym]) -> tuple[Sym, list[Sym]]:
    u = s[0] * s[1]
    v = u + s[2]
    return u * v, [*s, u, v]


def _diamond_flipped(s: list[Sym]) -> tuple[Sym, list[Sym]]:
    u = s[0] + s[1]
    v = s[2] * u
    return v * u - s[2], [*s, u, v]


def _shared_interior(s: list[Sym]) -> tuple[Sym, list[Sym]]:
    u = s[0] + s[1]
    w = s[2] * u
    return (u * w) - (u + s[2]) * w, [*s, u, w]


def _random_dag(seed: int, n: int, ops: int) -> tuple[Fn, list[float], list[int]]:
    """A random graph of ``+ - *`` with much reuse, kept small in value and in path count.

    Returns the function, the input values and the indices (in creation order) of the interior
    nodes to record. The number of paths from the output to any node stays below 2000, so that
    even an engine that revisits shared nodes finishes quickly.
    """
    rng = _rng(seed)
    while True:
        x = [float(v) for v in rng.choice([-1, 1], n) * rng.uniform(0.5, 1.2, n)]
        plan = [
            (
                str(rng.choice(["+", "-", "*", "*"])),
                int(rng.integers(0, n + k)),
                int(rng.integers(max(0, n + k - 4), n + k)),
            )
            for k in range(ops)
        ]

        def f(inputs: list[Sym], plan: list[tuple[str, int, int]] = plan) -> list[Sym]:
            nodes = list(inputs)
            for op, i, j in plan:
                a, b = nodes[i], nodes[j]
                nodes.append(a + b if op == "+" else a - b if op == "-" else a * b)
            return [nodes[-1]]

        values = program_values(f, x)
        paths = [0] * (n + ops)
        paths[-1] = 1
        for k in range(ops - 1, -1, -1):
            _, i, j = plan[k]
            paths[i] += paths[n + k]
            paths[j] += paths[n + k]
        if max(abs(v) for v in values) < 20 and max(paths) < 2000 and min(paths[:n]) > 0:
            interior = [n + k for k in range(0, ops, 5)]
            return f, x, interior


def _dag_case(name: str, seed: int, note: str) -> Case:
    f, x, interior = _random_dag(seed, 4, 30)
    case = _program_case(name, f, x, note, checks=("grads_shared",), kind="shared")
    case.args["record"] = np.array(list(range(4)) + interior, dtype=np.int64)
    return case


def _deep_case(name: str, steps: int, x0: float, factor: float) -> Case:
    return Case(
        name,
        {"kind": "deep", "steps": steps, "x0": x0, "factor": factor},
        f"a chain of {2 * steps + 1:,} nodes: x * c1 * c2 * ... (each c a new leaf)",
        ("grads_deep",),
    )


def _backward_cases(hidden: bool) -> list[Case]:
    if not hidden:
        return [
            _graph_case(
                "lecture",
                "tree",
                _lecture_graph,
                [-2.0, 5.0, -4.0],
                "f = (x + y) * z: grads of x, y, z, q = x + y",
            ),
            _graph_case(
                "square",
                "fanout",
                lambda s: (s[0] * s[0], [s[0]]),
                [3.0],
                "f = a * a: one operation uses a twice; grad of a",
            ),
            _graph_case(
                "two_branches",
                "fanout",
                lambda s: (s[0] * s[1] + s[0] * s[2], list(s)),
                [2.0, -1.5, 0.5],
                "f = x * y + x * z: x feeds two branches; grads of x, y, z",
            ),
            _graph_case(
                "diamond",
                "shared",
                _diamond,
                [1.5, -2.0, 0.5],
                "u = x * y, v = u + z, f = u * v: u reaches f directly and through v; "
                "grads of x, y, z, u, v",
            ),
            _graph_case(
                "diamond_flipped",
                "shared",
                _diamond_flipped,
                [0.5, 1.0, -2.0],
                "u = x + y, v = z * u, f = v * u - z: the same shape, operands the other way "
                "round; grads of x, y, z, u, v",
            ),
            _deep_case("deep_chain", 50_000, 1.5, 2.0 ** (1.0 / 50_000)),
        ]
    return [
        _graph_case(
            "h_tree",
            "tree",
            lambda s: ((s[0] - s[1]) * (s[2] + s[3]) * s[4], list(s)),
            [0.5, -1.25, 2.0, 0.75, -1.5],
            "a tree of + - *",
        ),
        _graph_case(
            "h_cube",
            "fanout",
            lambda s: (s[0] * s[0] * s[0] - s[1] * s[0], list(s)),
            [1.25, 0.5],
            "a node used three times and more",
        ),
        _graph_case(
            "h_shared",
            "shared",
            _shared_interior,
            [0.75, -0.5, 1.25],
            "an intermediate node used by three later nodes",
        ),
        _dag_case("h_dag1", 141, "a random graph with many shared nodes"),
        _dag_case("h_dag2", 142, "another random graph with many shared nodes"),
        _deep_case("h_deep_chain", 30_000, -0.8, 0.5 ** (1.0 / 30_000)),
    ]


# ------------------------------------------------------------------ Dual


def _dual_case(name: str, f: Fn, x: Sequence[float], v: Sequence[float], note: str) -> Case:
    return _program_case(name, f, x, note, v=np.asarray(v, dtype=np.float64))


def _random_composition(seed: int, n: int) -> tuple[Fn, list[float]]:
    """A random expression of every Dual operation, with safe arguments for log, / and **."""
    rng = _rng(seed)
    x = [float(v) for v in rng.uniform(0.3, 1.5, n)]
    picks = [int(v) for v in rng.integers(0, n, 12)]

    def f(s: list[Sym]) -> list[Sym]:
        a, b, c, d = (s[picks[k]] for k in range(4))
        p = (a * b).sin() + c.exp() / (d + 2.0)
        q = ((b - c).tanh() * a + 1.5).log() - (a * 0.5).cos() * d
        r = (p * q) ** 2 / (1.0 + s[picks[4]] ** 2) - (s[picks[5]] * s[picks[6]]).tanh()
        return [p, q, r]

    return f, x


def _dual_cases(hidden: bool) -> list[Case]:
    if not hidden:
        x, v = [0.8, 1.7], [1.0, -0.5]
        fc, xc = _random_composition(31, 3)
        return [
            _dual_case(
                "add_sub",
                lambda s: [s[0] + s[1], s[0] - s[1], s[0] + 2.0, 3.0 - s[1], -s[0]],
                x,
                v,
                "a + b, a - b, a + 2, 3 - b, -a",
            ),
            _dual_case(
                "mul",
                lambda s: [s[0] * s[1], s[0] * s[0], 2.5 * s[1], s[1] * -1.5],
                x,
                v,
                "a * b, a * a, 2.5 * b, b * -1.5",
            ),
            _dual_case(
                "div", lambda s: [s[0] / s[1], 1.0 / s[0], s[1] / 4.0], x, v, "a / b, 1 / a, b / 4"
            ),
            _dual_case(
                "pow",
                lambda s: [s[0] ** 3, s[1] ** 0.5, s[0] ** -2],
                x,
                v,
                "a ** 3, b ** 0.5, a ** -2",
            ),
            _dual_case("sin_cos", lambda s: [s[0].sin(), s[1].cos()], x, v, "sin(a), cos(b)"),
            _dual_case("exp_log", lambda s: [s[0].exp(), s[1].log()], x, v, "exp(a), log(b)"),
            _dual_case("tanh", lambda s: [s[0].tanh(), s[1].tanh()], x, v, "tanh(a), tanh(b)"),
            _dual_case("composition", fc, xc, [0.5, -1.0, 2.0], "a composition of every operation"),
        ]
    x, v = [-1.1, 0.45, 2.2], [0.3, 1.0, -2.0]
    f1, x1 = _random_composition(131, 3)
    f2, x2 = _random_composition(132, 4)
    return [
        _dual_case(
            "h_add_sub",
            lambda s: [s[2] - s[0], s[1] + s[2], 1.0 - s[0], s[1] - 0.5],
            x,
            v,
            "sums and differences",
        ),
        _dual_case(
            "h_mul",
            lambda s: [s[0] * s[2], s[1] * s[1], -3.0 * s[0], s[2] * 0.5],
            x,
            v,
            "products",
        ),
        _dual_case("h_div", lambda s: [s[2] / s[0], 2.0 / s[1], s[0] / 3.0], x, v, "quotients"),
        _dual_case("h_pow", lambda s: [s[1] ** 1.5, s[0] ** 2, s[2] ** -1], x, v, "powers"),
        _dual_case(
            "h_unary",
            lambda s: [s[0].sin(), s[2].cos(), s[1].log(), s[0].exp(), s[2].tanh()],
            x,
            v,
            "sin, cos, log, exp, tanh",
        ),
        _dual_case("h_comp1", f1, x1, [1.0, 0.0, -0.5], "a composition of every operation"),
        _dual_case("h_comp2", f2, x2, [0.2, -0.7, 1.1, 0.4], "another composition"),
    ]


# ------------------------------------------------------------------ Jacobians
#
# Each case uses one elementary function besides + and -, so that a wrong derivative of one
# operation in Value or Dual (which the Jacobian answers use) costs only the cases with it.

_TERMS: dict[str, Callable[[Sym, float], Sym]] = {
    "tanh": lambda t, c: (t + c).tanh(),
    "exp": lambda t, c: (t - c).exp(),
    "log": lambda t, c: (t + 2.0 + abs(c)).log(),
    "square": lambda t, c: (t + c) ** 2,
}


def _random_vector_function(seed: int, n: int, m: int, kind: str) -> tuple[Fn, list[float]]:
    """``f: R^n -> R^m`` of sums and differences of ``kind`` terms, each output a tree.

    Every output uses distinct inputs (no node reaches an output along two paths).
    """
    rng = _rng(seed)
    x = [float(v) for v in rng.uniform(-1.0, 1.0, n)]
    plans = []
    for _ in range(m):
        used = rng.permutation(n)[: int(rng.integers((n + 1) // 2, n + 1))]
        plans.append(
            [
                (int(j), round(float(rng.uniform(-0.5, 0.5)), 3), bool(rng.random() < 0.4))
                for j in used
            ]
        )
    term = _TERMS[kind]

    def f(s: list[Sym]) -> list[Sym]:
        outs = []
        for plan in plans:
            total: Sym | None = None
            for j, c, minus in plan:
                t = term(s[j], c)
                total = t if total is None else (total - t if minus else total + t)
            assert total is not None
            outs.append(total)
        return outs

    return f, x


def _wide(s: list[Sym]) -> list[Sym]:  # tanh
    return [
        (s[0] + s[1] - s[2]).tanh() + s[3].tanh() - (s[4] - 0.5).tanh(),
        (s[4] + 2.0).tanh() - s[0].tanh() + (s[2] - s[1]).tanh(),
    ]


def _tall(s: list[Sym]) -> list[Sym]:  # exp
    return [
        s[0] + s[1],
        (s[0] - s[1]).exp(),
        s[0].exp() - (s[1] + 0.5).exp(),
        (1.0 - s[1]).exp(),
    ]


def _shared_rows(s: list[Sym]) -> list[Sym]:  # log
    u = s[0] - s[1]  # used by all three outputs
    return [(u + 3.0).log(), (u + 4.0).log() + s[2], (u + s[2] + 5.0).log()]


def _jacobian_cases(hidden: bool) -> list[Case]:
    if not hidden:
        return [
            _program_case("wide", _wide, [0.3, -0.6, 0.9, 0.2, -0.4], "f: R^5 -> R^2, with tanh"),
            _program_case("tall", _tall, [0.7, -0.2], "f: R^2 -> R^4, with exp"),
            _program_case(
                "shared",
                _shared_rows,
                [0.4, 1.1, -0.8],
                "f: R^3 -> R^3 with log, every output uses u = x0 - x1",
            ),
            Case(
                "float32",
                {
                    **_program_case("f32", _tall, [0.5, -0.25], "").args,
                    "x": np.array([0.5, -0.25], dtype=np.float32),
                },
                "float32 x: J has the dtype of x",
            ),
        ]
    out = []
    for k, (n, m, kind) in enumerate([(6, 1, "square"), (1, 5, "tanh"), (4, 4, "exp")]):
        f, x = _random_vector_function(150 + k, n, m, kind)
        out.append(_program_case(f"h_{n}_{m}", f, x, f"f: R^{n} -> R^{m}, with {kind}"))
    f, x = _random_vector_function(160, 3, 2, "square")
    case = _program_case("h_float32", f, x, "float32 x: J has the dtype of x")
    out.append(Case(case.name, {**case.args, "x": case.args["x"].astype(np.float32)}, case.note))
    return out


# ------------------------------------------------------------------ the parts

PARTS = (
    Part(
        "test_numerical_gradient",
        "Numerical gradient (centred differences)",
        ("numerical_gradient",),
        10,
        "numerical_gradient",
        (
            Check("match", "grad", rtol=1e-7, atol=1e-9, label="numerical gradient"),
            Check("match", "grad32", rtol=1e-4, atol=1e-6, label="numerical gradient in float32"),
            Check("equal", "dtype", label="dtype of the gradient (the dtype of x)"),
            Check("true", "x_unchanged", label="x is unchanged on return"),
        ),
        public_cases=_numgrad_public,
        hidden_cases=_numgrad_hidden,
        hints={
            "grad": "the centred difference of entry i is (f(x + h e_i) - f(x - h e_i)) / (2h): "
            "the two points are 2h apart; change one entry at a time and use the h you are given",
            "grad32": "the same centred difference as in float64, computed in x's dtype: "
            "perturb a float32 x as float32 (do not convert x to float64) and store the result "
            "in an array of x's dtype",
            "x_unchanged": "put each entry back to its saved value right after its two "
            "evaluations (or perturb a copy of x)",
        },
    ),
    Part(
        "test_relative_error",
        "Relative error",
        ("relative_error",),
        6,
        "relative_error",
        (
            Check("match", "err", rtol=1e-6, atol=1e-15, label="relative_error(a, b)"),
            Check("true", "zero_ok", label="relative_error of two all-zero arrays is 0"),
        ),
        public_cases=_relerr_public,
        hidden_cases=_relerr_hidden,
        hints={
            "err": "relative_error(a, b) = max|a - b| / max(max|a|, max|b|, 1e-12): the largest "
            "difference over the largest magnitude found in either array",
            "zero_ok": "when a and b are both zero the largest magnitude is 0: keep the "
            "denominator at least 1e-12 (max(..., 1e-12)) so that equal arrays give 0, never "
            "NaN or a ZeroDivisionError",
        },
    ),
    Part(
        "test_add_mul_graph",
        "Backprop by hand: f = (x + y) z",
        ("add_mul_graph",),
        5,
        "by_hand",
        (
            Check("match", "f", rtol=1e-9, atol=1e-12, label="f"),
            Check("match", "dx", rtol=1e-9, atol=1e-12, label="df/dx"),
            Check("match", "dy", rtol=1e-9, atol=1e-12, label="df/dy"),
            Check("match", "dz", rtol=1e-9, atol=1e-12, label="df/dz"),
        ),
        public_cases=lambda: _add_mul_cases(False),
        hidden_cases=lambda: _add_mul_cases(True),
        options={"value": "f", "grads": ["x", "y", "z"]},
        hints={
            "dz": "a product sends each factor the OTHER factor's value: df/dz = q = x + y",
            "dx": "a sum passes its gradient unchanged to both operands: df/dx = df/dq = z",
        },
    ),
    Part(
        "test_logistic_loss_graph",
        "Backprop by hand: the logistic loss",
        ("logistic_loss_graph",),
        7,
        "by_hand",
        (
            Check("match", "loss", rtol=1e-9, atol=1e-12, label="loss"),
            Check("match", "dw", rtol=1e-7, atol=1e-10, label="dloss/dw"),
            Check("match", "dx", rtol=1e-7, atol=1e-10, label="dloss/dx"),
        ),
        public_cases=lambda: _logistic_cases(False),
        hidden_cases=lambda: _logistic_cases(True),
        options={"value": "loss", "grads": ["w", "x"]},
        hints={
            "loss": "loss = -log(sigmoid(s)) with s = w . x",
            "dw": "dloss/ds = sigmoid(s) - 1, and s = w . x sends dloss/ds * x to w",
            "dx": "dloss/ds = sigmoid(s) - 1, and s = w . x sends dloss/ds * w to x",
        },
    ),
    Part(
        "test_value_ops",
        "Value: operations and local derivatives",
        ("Value",),
        14,
        "value_ops",
        (
            Check("match", "data", rtol=1e-9, atol=1e-12, label="values (.data)"),
            Check(
                "match", "local", rtol=1e-9, atol=1e-12, label="local derivatives (.local_grads)"
            ),
        ),
        public_cases=lambda: _value_ops_cases(False),
        hidden_cases=lambda: _value_ops_cases(True),
        options={"no_overflow": True},
        hints={
            "local": "entry [k, i] is the derivative of the case's k-th expression with respect "
            "to its input i (a, b, ...), read from local_grads: local_grads[j] is the "
            "derivative of the new node with respect to parents[j], at the current values "
            "(see the table above the class)",
        },
    ),
    Part(
        "test_value_backward",
        "Value: the backward pass",
        ("Value",),
        16,
        "value_backward",
        (
            Check(
                "match", "grads_tree", rtol=1e-9, atol=1e-12, label="gradients (no shared nodes)"
            ),
            Check(
                "match",
                "grads_fanout",
                rtol=1e-9,
                atol=1e-12,
                label="gradients with a node used twice",
            ),
            Check(
                "match",
                "grads_shared",
                rtol=1e-9,
                atol=1e-12,
                label="gradients through shared intermediate nodes",
            ),
            Check(
                "match",
                "grads_deep",
                rtol=1e-9,
                atol=1e-12,
                label="gradient at the start of a long chain",
            ),
        ),
        public_cases=lambda: _backward_cases(False),
        hidden_cases=lambda: _backward_cases(True),
        hints={
            "grads_tree": "seed the output with grad 1, then each node, output first, adds "
            "local_grad * node.grad to each of its parents",
            "grads_fanout": "a node used twice (a * a, or x in two branches) must receive the "
            "SUM of the contributions of both uses: accumulate with +=, never overwrite with =",
            "grads_shared": "a shared node receives one contribution per use, all added with +=, "
            "and may pass its gradient on only once, after EVERY node that uses it has added "
            "its contribution: the order must hold each node exactly once (a visited set), "
            "each node before the nodes it was computed from",
            "grads_deep": "the chain x * c * c * ... * c has d out / d x = c ** (number of "
            "factors); if the small graphs pass but this fails, a long chain loses nodes "
            "(check that the order holds all of them) or a node is visited twice",
        },
    ),
    Part(
        "test_dual",
        "Dual numbers (forward mode)",
        ("Dual",),
        12,
        "dual",
        (
            Check("match", "val", rtol=1e-9, atol=1e-12, label="values (.val)"),
            Check("match", "der", rtol=1e-8, atol=1e-11, label="derivatives (.der)"),
        ),
        public_cases=lambda: _dual_cases(False),
        hidden_cases=lambda: _dual_cases(True),
        hints={
            "der": "(a + a' eps)(b + b' eps) = ab + (a' b + a b') eps: the product rule; "
            "a / b has derivative (a' b - a b') / b**2; f(u) has derivative f'(u) * u'",
        },
    ),
    Part(
        "test_jacobian_forward",
        "Jacobian by forward mode",
        ("jacobian_forward",),
        8,
        "jacobian",
        (
            Check("match", "J", rtol=1e-9, atol=1e-12, label="Jacobian"),
            Check("equal", "calls", label="evaluations of f (one pass per input)"),
        ),
        public_cases=lambda: _jacobian_cases(False),
        hidden_cases=lambda: _jacobian_cases(True),
        hints={
            "J": "pass j seeds der = 1 on input j and 0 on the others; the outputs' der form "
            "COLUMN j of J, which has shape (m, n). If test_dual fails, fix Dual first",
            "calls": "evaluate f exactly once per input: n passes",
        },
    ),
    Part(
        "test_jacobian_reverse",
        "Jacobian by reverse mode",
        ("jacobian_reverse",),
        10,
        "jacobian",
        (Check("match", "J", rtol=1e-9, atol=1e-12, label="Jacobian"),),
        public_cases=lambda: _jacobian_cases(False),
        hidden_cases=lambda: _jacobian_cases(True),
        hints={
            "J": "backward from output i gives ROW i of J (shape (m, n)); gradients "
            "accumulate, so set every grad to 0 before each backward pass. If a Value test "
            "fails, fix Value first",
        },
    ),
)

SPEC = AssignmentSpec(
    name="a2_autodiff",
    parts=PARTS,
    reference_module="solutions.a2_autodiff",
    manual_parts={"written_step_size": 4, "written_fan_out": 4, "written_reverse_mode": 4},
)
