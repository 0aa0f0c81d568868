"""AST-level mutants of the answers written in a source notebook's solution blocks.

What is mutated is the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` inside a
function or method of the instructor notebook: exactly the text a student replaces, so a mutant is
a plausible one-bug submission. (The reference package ``solutions/`` is not mutated: it is what
the judge compares with, so mutating it would move the expected values along with the answer.)

Operators (one change per mutant):

========================  ==================================================================
``arith``                 ``+ <-> -``, ``* <-> /``, ``** -> *``, ``// -> /``, ``@ -> *``
``compare``               ``< <-> >``, ``<= <-> >=``, ``== <-> !=``
``boundary``              ``> <-> >=``, ``< <-> <=`` (what happens exactly at a kink or a tie)
``const``                 a number ``c`` becomes ``c + 1`` (integers) or ``2 c`` (floats, 1 for 0)
``axis``                  ``axis=k`` changed (0 <-> 1, -1 -> 0, None -> 0) or removed
``keepdims``              ``keepdims=True`` removed
``drop_term``             ``a + b``, ``a * b`` -> ``a`` or ``b``; ``a - b``, ``a / b`` -> ``a``
``kwarg_default``         every use of a parameter with a default replaced by the default
``inplace``               ``y = p <op> e`` -> ``p <op>= e; y = p`` for a parameter ``p``;
                          ``p.copy()`` -> ``p``
``astype64``              the first argument cast to float64 on entry, or a returned value cast
========================  ==================================================================
"""

from __future__ import annotations

import ast
import copy
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from autograder.notebook_files import nbgrader_meta, source_notebook

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

_ARITH: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.Pow: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.MatMult: ast.Mult,
}
_COMPARE: dict[type, type] = {
    ast.Lt: ast.Gt,
    ast.Gt: ast.Lt,
    ast.LtE: ast.GtE,
    ast.GtE: ast.LtE,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}
_BOUNDARY: dict[type, type] = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt}
_AXIS_SWAP = {0: 1, 1: 0, -1: 0}


@dataclass(frozen=True)
class Target:
    """A function or method whose body holds a solution block.

    Attributes
    ----------
    owner : str
        The top-level name in the notebook (a function or a class).
    method : str or None
        The method's name for a class, else ``None``.
    node : ast.FunctionDef
        The definition as written in the notebook (line numbers of its cell).
    lines : tuple of (int, int)
        Line ranges (inclusive, in the cell) of its solution blocks.
    """

    owner: str
    method: str | None
    node: ast.FunctionDef
    lines: tuple[tuple[int, int], ...]

    @property
    def name(self) -> str:
        """``owner`` or ``owner.method``."""
        return f"{self.owner}.{self.method}" if self.method else self.owner


@dataclass(frozen=True)
class Mutant:
    """One mutated definition.

    Attributes
    ----------
    target : Target
    operator : str
        One of the operators of the module docstring.
    description : str
        What changed, e.g. ``"line 12: + -> -"``.
    node : ast.FunctionDef
        The mutated definition.
    """

    target: Target
    operator: str
    description: str
    node: ast.FunctionDef

    def diff(self) -> str:
        """A unified diff of the definition, before and after (changed lines only)."""
        before = ast.unparse(self.target.node).splitlines()
        after = ast.unparse(self.node).splitlines()
        lines = difflib.unified_diff(before, after, lineterm="", n=0)
        return "\n".join(line for line in lines if not line.startswith(("---", "+++", "@@")))


def definition_cells(path: object) -> list[str]:
    """Source of every code cell of a notebook that is not a test cell."""
    from pathlib import Path

    nb = source_notebook(Path(str(path)))
    out = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        out.append(str(cell.source))
    return out


def _solution_ranges(source: str) -> list[tuple[int, int]]:
    ranges, start = [], None
    for no, line in enumerate(source.splitlines(), start=1):
        if line.strip() == BEGIN:
            start = no
        elif line.strip() == END and start is not None:
            ranges.append((start, no))
            start = None
    return ranges


def targets_in_cell(source: str) -> list[Target]:
    """Functions and methods of one cell that contain (part of) a solution block."""
    ranges = _solution_ranges(source)
    if not ranges:
        return []
    tree = ast.parse(source)
    found = []

    def inside(fn: ast.FunctionDef) -> tuple[tuple[int, int], ...]:
        end = fn.end_lineno or fn.lineno
        return tuple(r for r in ranges if fn.lineno <= r[0] <= end)

    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and inside(node):
            found.append(Target(node.name, None, node, inside(node)))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and inside(item):
                    found.append(Target(node.name, item.name, item, inside(item)))
    return found


def _in_solution(node: ast.AST, target: Target) -> bool:
    line = getattr(node, "lineno", None)
    return line is not None and any(a < line < b for a, b in target.lines)


def _parameters_with_defaults(fn: ast.FunctionDef) -> dict[str, ast.expr]:
    args = fn.args
    positional = args.posonlyargs + args.args
    out = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(args.defaults) :]],
            args.defaults,
            strict=True,
        )
    )
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if default is not None:
            out[arg.arg] = default
    return out


def _parameters(fn: ast.FunctionDef) -> list[str]:
    args = fn.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg != "self"]


def _np_call(attr: str, *args: ast.expr, **keywords: ast.expr) -> ast.Call:
    return ast.Call(
        func=ast.Attribute(value=ast.Name("np", ast.Load()), attr=attr, ctx=ast.Load()),
        args=list(args),
        keywords=[ast.keyword(arg=k, value=v) for k, v in keywords.items()],
    )


def _float64() -> ast.expr:
    return ast.Attribute(value=ast.Name("np", ast.Load()), attr="float64", ctx=ast.Load())


def _edits(
    node: ast.AST, fn: ast.FunctionDef
) -> Iterator[tuple[str, str, ast.AST | list[ast.stmt]]]:
    """``(operator, description, replacement)`` for one node (a replacement for the node)."""
    new: Any
    value: Any
    op: Any
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        op = type(node.op)
        if op in _ARITH:
            new = copy.copy(node)
            new.op = _ARITH[op]()
            yield "arith", f"{_sym(op)} -> {_sym(_ARITH[op])}", new
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Add, ast.Mult)):
            yield "drop_term", f"`{ast.unparse(node)}` -> `{ast.unparse(node.left)}`", node.left
            yield "drop_term", f"`{ast.unparse(node)}` -> `{ast.unparse(node.right)}`", node.right
        elif isinstance(node.op, (ast.Sub, ast.Div)):
            yield "drop_term", f"`{ast.unparse(node)}` -> `{ast.unparse(node.left)}`", node.left
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op = type(node.ops[0])
        for table, kind in ((_COMPARE, "compare"), (_BOUNDARY, "boundary")):
            if op in table:
                new = copy.copy(node)
                new.ops = [table[op]()]
                yield kind, f"{_sym(op)} -> {_sym(table[op])}", new
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        new_value = value + 1 if isinstance(value, int) else (2 * value if value else 1.0)
        yield "const", f"{value!r} -> {new_value!r}", ast.Constant(new_value)
    if isinstance(node, ast.Call):
        for i, kw in enumerate(node.keywords):
            if kw.arg == "axis":
                value = kw.value.value if isinstance(kw.value, ast.Constant) else "?"
                if value in _AXIS_SWAP or value is None:
                    swapped = _AXIS_SWAP.get(value, 0) if value is not None else 0
                    new = copy.copy(node)
                    new.keywords = [*node.keywords]
                    new.keywords[i] = ast.keyword(arg="axis", value=ast.Constant(swapped))
                    yield "axis", f"axis={value} -> axis={swapped}", new
                new = copy.copy(node)
                new.keywords = node.keywords[:i] + node.keywords[i + 1 :]
                yield "axis", f"axis={value} removed", new
            if kw.arg == "keepdims":
                new = copy.copy(node)
                new.keywords = node.keywords[:i] + node.keywords[i + 1 :]
                yield "keepdims", "keepdims removed", new
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "copy"
            and not node.args
            and isinstance(func.value, ast.Name)
            and func.value.id in _parameters(fn)
        ):
            yield "inplace", f"{func.value.id}.copy() -> {func.value.id}", func.value
    if isinstance(node, ast.Return) and node.value is not None:
        values: list[Any] = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for i, value in enumerate(values):
            if isinstance(value, (ast.Tuple, ast.List, ast.Dict, ast.Constant)):
                continue
            cast = ast.Call(
                func=ast.Attribute(value=_np_call("asarray", value), attr="astype", ctx=ast.Load()),
                args=[_float64()],
                keywords=[],
            )
            if isinstance(node.value, ast.Tuple):
                elts = [*values]
                elts[i] = cast
                new_ret = ast.Return(value=ast.Tuple(elts=elts, ctx=ast.Load()))
            else:
                new_ret = ast.Return(value=cast)
            yield "astype64", f"returned `{ast.unparse(value)}` cast to float64", new_ret
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.BinOp)
        and isinstance(node.value.left, ast.Name)
        and node.value.left.id in _parameters(fn)
    ):
        param = node.value.left.id
        aug = ast.AugAssign(
            target=ast.Name(param, ast.Store()), op=node.value.op, value=node.value.right
        )
        alias = ast.Assign(targets=node.targets, value=ast.Name(param, ast.Load()))
        yield "inplace", f"`{ast.unparse(node)}` done in place on {param}", [aug, alias]


def _sym(op: Any) -> str:
    table: dict[Any, str] = {
        ast.Add: "+",
        ast.Sub: "-",
        ast.Mult: "*",
        ast.Div: "/",
        ast.Pow: "**",
        ast.FloorDiv: "//",
        ast.MatMult: "@",
        ast.Lt: "<",
        ast.Gt: ">",
        ast.LtE: "<=",
        ast.GtE: ">=",
        ast.Eq: "==",
        ast.NotEq: "!=",
    }
    return table[op]


def _slots(fn: ast.AST) -> list[tuple[ast.AST, str, int | None, ast.AST]]:
    """Every ``(parent, field, index, child)`` of ``fn`` in a fixed (breadth-first) order."""
    out: list[tuple[ast.AST, str, int | None, ast.AST]] = []
    for parent in ast.walk(fn):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, ast.AST):
                out.append((parent, field, None, value))
            elif isinstance(value, list):
                out.extend(
                    (parent, field, i, v) for i, v in enumerate(value) if isinstance(v, ast.AST)
                )
    return out


def _replace(slot: tuple[ast.AST, str, int | None, ast.AST], new: ast.AST | list[ast.stmt]) -> None:
    parent, field, index, _ = slot
    if index is None:
        setattr(parent, field, new)
        return
    seq = getattr(parent, field)
    seq[index : index + 1] = new if isinstance(new, list) else [new]


def mutants_of(target: Target) -> list[Mutant]:
    """Every single-change mutant of one target's solution code, in a fixed order."""
    fn = target.node
    out: list[Mutant] = []
    original_slots = _slots(fn)
    for k, slot in enumerate(original_slots):
        node = slot[3]
        if not _in_solution(node, target):
            continue
        parent = slot[0]
        if (
            isinstance(node, ast.Constant)
            and isinstance(parent, ast.keyword)
            and parent.arg in ("axis", "keepdims")
        ):
            continue  # covered by the axis and keepdims operators
        for operator, description, replacement in _edits(node, fn):
            mutated = copy.deepcopy(fn)
            _replace(_slots(mutated)[k], copy.deepcopy(replacement))
            ast.fix_missing_locations(mutated)
            where = f"line {getattr(node, 'lineno', '?')}: "
            out.append(Mutant(target, operator, where + description, mutated))
    out.extend(_default_mutants(target))
    out.extend(_entry_cast_mutants(target))
    return out


def _default_mutants(target: Target) -> list[Mutant]:
    """A parameter with a default ignored: its uses in the solution replaced by the default."""
    out = []
    for name, default in _parameters_with_defaults(target.node).items():
        mutated = copy.deepcopy(target.node)
        count = 0
        for slot in _slots(mutated):
            node = slot[3]
            if (
                isinstance(node, ast.Name)
                and node.id == name
                and isinstance(node.ctx, ast.Load)
                and _in_solution(node, target)
            ):
                _replace(slot, copy.deepcopy(default))
                count += 1
        if count:
            ast.fix_missing_locations(mutated)
            text = f"parameter {name} ignored (its default {ast.unparse(default)} used)"
            out.append(Mutant(target, "kwarg_default", text, mutated))
    return out


def _entry_cast_mutants(target: Target) -> list[Mutant]:
    """The first parameter cast to float64 on entry (top-level functions only)."""
    params = _parameters(target.node)
    if target.method is not None or not params:
        return []
    mutated = copy.deepcopy(target.node)
    first = params[0]
    cast = ast.Assign(
        targets=[ast.Name(first, ast.Store())],
        value=_np_call("asarray", ast.Name(first, ast.Load()), dtype=_float64()),
    )
    body = mutated.body
    start = (
        1
        if body
        and isinstance(body[0], ast.Expr)
        and isinstance(getattr(body[0], "value", None), ast.Constant)
        else 0
    )
    body.insert(start, cast)
    ast.fix_missing_locations(mutated)
    return [Mutant(target, "astype64", f"{first} cast to float64 on entry", mutated)]
