"""Tests of the scalar reverse-mode engine ``Value`` (assignment a2).

Every expected derivative is worked out by hand in the comments (calculus rules), or computed by
an independent naive loop.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from solutions.a2_autodiff import Dual, Value, trace


def test_lecture_example_add_mul() -> None:
    # f = (x + y) z at x = -2, y = 5, z = -4: q = 3, f = -12; df/dx = df/dy = z = -4, df/dz = q = 3.
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.backward()
    assert f.data == -12.0
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert f.grad == 1.0


def test_lecture_example_logistic_loss() -> None:
    # loss = -log sigmoid(w . x), x = (1, 1, 1), w = (1, 1, -1.5): s = 0.5,
    # sigmoid(0.5) = 1 / (1 + e^-0.5) = 0.6224593312018546, loss = 0.4740769841801067,
    # dloss/ds = sigmoid(0.5) - 1 = -0.3775406687981454; dloss/dw_i = dloss/ds * x_i,
    # dloss/dx_i = dloss/ds * w_i.
    xs = [Value(1.0), Value(1.0), Value(1.0)]
    ws = [Value(1.0), Value(1.0), Value(-1.5)]
    s = ws[0] * xs[0] + ws[1] * xs[1] + ws[2] * xs[2]
    loss = -(s.sigmoid().log())
    loss.backward()
    assert s.data == 0.5
    assert loss.data == pytest.approx(0.4740769841801067, rel=1e-15)
    g = -0.3775406687981454
    assert [w.grad for w in ws] == pytest.approx([g, g, g], rel=1e-14)
    assert [x.grad for x in xs] == pytest.approx([g, g, -1.5 * g], rel=1e-14)


# One row per operation: the function, the point, the expected value and derivative by hand.
UNARY_CASES = [
    # d/da (-a) = -1
    (lambda a: -a, 3.0, -3.0, -1.0),
    # d/da (a + 2) = 1, d/da (2 + a) = 1
    (lambda a: a + 2, 3.0, 5.0, 1.0),
    (lambda a: 2 + a, 3.0, 5.0, 1.0),
    # d/da (a - 2) = 1, d/da (2 - a) = -1
    (lambda a: a - 2, 3.0, 1.0, 1.0),
    (lambda a: 2 - a, 3.0, -1.0, -1.0),
    # d/da (2a) = 2 from either side
    (lambda a: a * 2, 3.0, 6.0, 2.0),
    (lambda a: 2 * a, 3.0, 6.0, 2.0),
    # d/da (a / 2) = 1/2;  d/da (2 / a) = -2 / a^2 = -2/9
    (lambda a: a / 2, 3.0, 1.5, 0.5),
    (lambda a: 2 / a, 3.0, 2 / 3, -2 / 9),
    # NumPy scalars on the left defer to the reflected methods
    (lambda a: np.float64(2.0) * a, 3.0, 6.0, 2.0),
    (lambda a: np.float32(2.0) - a, 3.0, -1.0, -1.0),
    # powers: d/da a^2 = 2a = 6; a^-1 -> -1/a^2 = -1/9; a^0.5 -> 0.5/sqrt(a); a^0 -> 0;
    # (-2)^3 = -8 with derivative 3 * (-2)^2 = 12
    (lambda a: a**2, 3.0, 9.0, 6.0),
    (lambda a: a**-1, 3.0, 1 / 3, -1 / 9),
    (lambda a: a**0.5, 3.0, math.sqrt(3.0), 0.5 / math.sqrt(3.0)),
    (lambda a: a**0, 3.0, 1.0, 0.0),
    (lambda a: a**3, -2.0, -8.0, 12.0),
    # exp' = exp: at 0 value 1, slope 1;  log' = 1/a: at 2 slope 0.5
    (lambda a: a.exp(), 0.0, 1.0, 1.0),
    (lambda a: a.exp(), 1.0, math.e, math.e),
    (lambda a: a.log(), 2.0, math.log(2.0), 0.5),
    # sin' = cos, cos' = -sin
    (lambda a: a.sin(), 0.0, 0.0, 1.0),
    (lambda a: a.cos(), math.pi / 2, math.cos(math.pi / 2), -1.0),
    # tanh' = 1 - tanh^2 (1 at 0);  sigmoid' = s (1 - s) = 1/4 at 0
    (lambda a: a.tanh(), 0.0, 0.0, 1.0),
    (lambda a: a.sigmoid(), 0.0, 0.5, 0.25),
    # relu: slope 1 above 0, 0 below, and 0 AT 0 (the convention)
    (lambda a: a.relu(), 2.0, 2.0, 1.0),
    (lambda a: a.relu(), -1.0, 0.0, 0.0),
    (lambda a: a.relu(), 0.0, 0.0, 0.0),
]


@pytest.mark.parametrize(("fn", "at", "value", "slope"), UNARY_CASES)
def test_elementary_derivatives(fn, at: float, value: float, slope: float) -> None:  # type: ignore[no-untyped-def]
    a = Value(at)
    out = fn(a)
    assert isinstance(out, Value)
    out.backward()
    assert out.data == pytest.approx(value, rel=1e-15, abs=1e-15)
    assert a.grad == pytest.approx(slope, rel=1e-15, abs=1e-15)


def test_relu_derivative_at_zero_is_zero() -> None:
    a = Value(0.0)
    r = a.relu()
    r.backward()
    assert r.data == 0.0
    assert a.grad == 0.0


def test_binary_derivatives() -> None:
    # a = 3, b = -2:  d(ab)/da = b = -2, d(ab)/db = a = 3 ("multiply swaps");
    # d(a/b)/da = 1/b = -0.5, d(a/b)/db = -a/b^2 = -0.75; d(a-b)/db = -1.
    for make, da, db in [
        (lambda a, b: a + b, 1.0, 1.0),
        (lambda a, b: a - b, 1.0, -1.0),
        (lambda a, b: a * b, -2.0, 3.0),
        (lambda a, b: a / b, -0.5, -0.75),
        (lambda a, b: a.maximum(b), 1.0, 0.0),  # max routes the gradient to the larger input
        (lambda a, b: b.maximum(a), 1.0, 0.0),
    ]:
        a, b = Value(3.0), Value(-2.0)
        out = make(a, b)
        out.backward()
        assert (a.grad, b.grad) == (pytest.approx(da), pytest.approx(db))


def test_maximum_tie_splits_the_gradient() -> None:
    # On a tie each input gets half (torch.maximum's rule), so max(x, x) has slope 1.
    a, b = Value(1.5), Value(1.5)
    m = a.maximum(b)
    m.backward()
    assert (m.data, a.grad, b.grad) == (1.5, 0.5, 0.5)
    x = Value(2.0)
    y = x.maximum(x)
    y.backward()
    assert x.grad == 1.0
    c = Value(-1.0)
    d = c.maximum(0.0)  # relu written with maximum: slope 0 below zero
    d.backward()
    assert (d.data, c.grad) == (0.0, 0.0)


def test_fan_out_a_times_a() -> None:
    # d(a*a)/da = a + a = 2a: both edges from a contribute.
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0


def test_fan_out_node_used_twice_in_a_sum() -> None:
    # d(a + a)/da = 2; b = a*a, c = b + a -> dc/da = 2a + 1 = 7 at a = 3.
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    a = Value(3.0)
    b = a * a
    c = b + a
    c.backward()
    assert a.grad == 7.0
    assert b.grad == 1.0


def test_fan_out_diamond() -> None:
    # u = 2x, v = 3x, f = u v = 6 x^2 -> df/dx = 12 x = 24 at x = 2 (two paths: 3x*2 + 2x*3).
    x = Value(2.0)
    u, v = x * 2, x * 3
    f = u * v
    f.backward()
    assert f.data == 24.0
    assert x.grad == 24.0
    assert (u.grad, v.grad) == (6.0, 4.0)


def test_gradients_accumulate_and_zero_grad_resets() -> None:
    # f = (x y) z at x=2, y=3, z=4: df/dx = yz = 12, df/dy = xz = 8, df/dz = xy = 6.
    x, y, z = Value(2.0), Value(3.0), Value(4.0)
    xy = x * y
    f = xy * z
    f.backward()
    assert (x.grad, y.grad, z.grad) == (12.0, 8.0, 6.0)
    # A second call ADDS exactly the same derivatives again (not more: the intermediate xy,
    # whose grad is 4 after the first call, must not re-propagate the old value).
    f.backward()
    assert (x.grad, y.grad, z.grad) == (24.0, 16.0, 12.0)
    assert xy.grad == 8.0
    assert f.grad == 2.0
    f.zero_grad()
    assert (x.grad, y.grad, z.grad, xy.grad, f.grad) == (0.0, 0.0, 0.0, 0.0, 0.0)
    f.backward()
    assert (x.grad, y.grad, z.grad) == (12.0, 8.0, 6.0)


def test_backward_from_an_intermediate_node() -> None:
    x, y = Value(2.0), Value(3.0)
    s = x + y
    _ = s * s
    s.backward()  # only the graph behind s is visited: ds/dx = ds/dy = 1
    assert (x.grad, y.grad, s.grad) == (1.0, 1.0, 1.0)


def test_long_chain_is_iterative() -> None:
    # y = x + x + ... + x (100 001 terms) built as a chain of 100 000 additions: depth 100 000,
    # dy/dx = 100 001 exactly. A recursive topological sort would exceed Python's recursion limit.
    # (How long it takes is measured in benchmarks/, never asserted here.)
    x = Value(0.25)
    y = x
    for _ in range(100_000):
        y = y + x
    y.backward()
    assert y.data == 0.25 * 100_001
    assert x.grad == 100_001.0
    del y


def test_long_unary_chain_matches_a_naive_product() -> None:
    # y = sin(sin(...sin(x))) 30 000 times; dy/dx = prod_k cos(u_k) with u_0 = x,
    # u_{k+1} = sin(u_k), computed here by a plain loop.
    x = Value(1.0)
    y = x
    for _ in range(30_000):
        y = y.sin()
    y.backward()
    u, slope = 1.0, 1.0
    for _ in range(30_000):
        slope *= math.cos(u)
        u = math.sin(u)
    assert y.data == u
    assert x.grad == pytest.approx(slope, rel=1e-9)


def test_trace_of_the_lecture_graph() -> None:
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    f = q * z
    f.backward()
    nodes, edges = trace(f)
    assert len(nodes) == 5
    assert {id(n) for n in nodes} == {id(x), id(y), id(z), id(q), id(f)}
    assert nodes[-1] is f
    assert f.graph()[0] == nodes
    got = {(id(e.source), id(e.target), e.op, e.local_grad) for e in edges}
    assert got == {
        (id(x), id(q), "+", 1.0),  # add distributes: local gradient 1 to each operand
        (id(y), id(q), "+", 1.0),
        (id(q), id(f), "*", -4.0),  # multiply swaps: q's local gradient is z
        (id(z), id(f), "*", 3.0),  # and z's is q
    }
    assert len(edges) == 4
    # topological: every edge goes from an earlier node to a later one
    position = {id(n): i for i, n in enumerate(nodes)}
    assert all(position[id(e.source)] < position[id(e.target)] for e in edges)
    # values forward and gradients backward along each edge, as the notebook draws them
    assert [(e.source.data, e.source.grad) for e in edges if e.target is f] == [
        (3.0, -4.0),
        (-4.0, 3.0),
    ]


def test_trace_lists_repeated_operands_and_constants() -> None:
    a = Value(3.0, label="a")
    out = a * a + 1
    nodes, edges = trace(out)
    assert sum(1 for e in edges if e.source is a) == 2
    constants = [n for n in nodes if n.label == "1"]
    assert len(constants) == 1
    assert constants[0].op == ""
    assert out.parents[1] is constants[0]
    assert out.local_grads == (1.0, 1.0)
    with pytest.raises(TypeError, match=r"trace.*'root'.*Value"):
        trace(3.0)  # type: ignore[arg-type]


def test_repr_is_readable() -> None:
    x = Value(-2.0, label="x")
    f = x * 3
    f.backward()
    assert repr(x) == "Value(data=-2, grad=3, label='x')"
    assert repr(f) == "Value(data=-6, grad=1, op='*')"
    assert "op='**2'" in repr(x**2)


def test_data_is_a_float() -> None:
    v = Value(np.float32(1.5))
    assert type(v.data) is float
    assert v.data == 1.5
    assert type(Value(3).data) is float
    assert v.grad == 0.0


def test_value_validation() -> None:
    with pytest.raises(TypeError, match=r"Value.*'data'.*real number.*str"):
        Value("1.0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Value.*'data'.*bool"):
        Value(True)
    with pytest.raises(TypeError, match=r"Value.*'data'.*ndarray"):
        Value(np.array([1.0]))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Value.*'label'"):
        Value(1.0, label=3)  # type: ignore[arg-type]
    v = Value(2.0)
    with pytest.raises(TypeError, match=r"Value.__add__.*Value or a real number.*str"):
        v + "a"  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Value.__rmul__.*list"):
        [1.0] * v  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Value.__mul__.*Value and Dual cannot be mixed"):
        v * Dual(1.0, 1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Value.__pow__.*exponent.*plain number.*Value"):
        v ** Value(2.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"Value.__rpow__"):
        2.0**v  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"Value.log.*positive.*-1"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"Value.log"):
        Value(0.0).log()
    with pytest.raises(ValueError, match=r"Value.__pow__.*negative base.*non-integer"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ZeroDivisionError, match=r"Value.__pow__"):
        Value(0.0) ** -1
    with pytest.raises(ZeroDivisionError, match=r"Value.__truediv__"):
        v / 0
    with pytest.raises(ZeroDivisionError, match=r"Value.__truediv__"):
        1.0 / Value(0.0)


def test_values_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b
    assert len({a, b}) == 2
