"""Spec coverage: does every graded function's contract meet a case that would catch its breach?

Three rules, read from the instructor notebook (signatures, docstrings, solution code) and the
grading spec (cases and checks):

1. **parameters**: every parameter with a default that the model answer uses gets a non-default
   value in some case (a case argument of the same name), or the part says how its probe passes
   it (``Part.options["passes"]``, e.g. ``{"rng": "a generator seeded from the case"}``);
2. **contracts**: a function whose docstring promises a dtype ("dtype of x", "same dtype") has a
   float32 case checked against the reference (the judge requires float32 to stay float32), and
   one that promises not to modify an input has a case with an array argument (the judge takes
   a check's credit for an input modified in place);
3. **kinks**: a function whose model answer branches at 0 (``x > 0``, ``np.maximum(0, x)``,
   ``np.sign``, ``np.abs``) has a case with an exact zero in a float input, or a case whose note
   says it puts a margin or an input at exactly 0.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from autograder.course import load_spec, source_dir
from autograder.instructor.fidelity.mutants import Target, definition_cells, targets_in_cell
from autograder.judging.spec import Case, Part

DTYPE_PROMISE = re.compile(r"dtype (of|as) ``?\w+|same dtype|keeps? (its|the) dtype", re.I)
NO_MODIFY_PROMISE = re.compile(r"(not|never) (be )?modif", re.I)
EXACT_ZERO_NOTE = re.compile(r"exact(ly)? (0|zero)|exact zeros", re.I)
KINK_CALLS = {"maximum", "minimum", "sign", "abs"}


def _is_zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == 0


def has_kink(target: Target) -> bool:
    """Whether the model answer branches at 0 inside its solution block."""
    lines = target.lines
    for node in ast.walk(target.node):
        line = getattr(node, "lineno", 0)
        if not any(a < line < b for a, b in lines):
            continue
        if (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], (ast.Gt, ast.GtE, ast.Lt, ast.LtE))
            and (_is_zero(node.comparators[0]) or _is_zero(node.left))
        ):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("sign", "abs") or (
                name in ("maximum", "minimum") and any(_is_zero(a) for a in node.args)
            ):
                return True
    return False


def _cases(part: Part) -> list[Case]:
    return [*part.public_cases(), *part.hidden_cases()]


def _signature_defaults(obj: Any) -> dict[str, Any]:
    fn = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return {}
    return {
        name: p.default
        for name, p in sig.parameters.items()
        if p.default is not inspect.Parameter.empty and name != "self"
    }


def _names_in_solution(target: Target) -> set[str]:
    return {
        n.id
        for n in ast.walk(target.node)
        if isinstance(n, ast.Name) and any(a < n.lineno < b for a, b in target.lines)
    }


def _differs(value: Any, default: Any) -> bool:
    if isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return not np.array_equal(np.asarray(value), np.asarray(default))
    return bool(value != default)


def _float32_checked(part: Part, cases: list[Case]) -> bool:
    compared = {c.key for c in part.checks if c.kind in ("match", "equal")}
    for case in cases:
        has32 = any(isinstance(v, np.ndarray) and v.dtype == np.float32 for v in case.args.values())
        keys = set(case.checks) if case.checks is not None else {c.key for c in part.checks}
        if has32 and keys & compared:
            return True
    return False


def _exact_zero(cases: list[Case]) -> bool:
    for case in cases:
        if EXACT_ZERO_NOTE.search(case.note):
            return True
        for v in case.args.values():
            if isinstance(v, np.ndarray) and v.dtype.kind == "f" and np.any(v == 0):
                return True
    return False


def part_problems(
    part: Part, namespace: dict[str, Any], targets: dict[str, list[Target]]
) -> Iterator[str]:
    """The coverage problems of one part (nothing for parts that grade a notebook variable)."""
    cases = _cases(part)
    passed_by_probe = dict(part.options.get("passes", {}))
    for name in part.functions:
        obj = namespace.get(name)
        if not callable(obj):
            continue  # a trained model or weights, not a function
        mine = targets.get(name, [])
        used = set().union(*(_names_in_solution(t) for t in mine)) if mine else set()
        for param, default in _signature_defaults(obj).items():
            if param not in used or param in passed_by_probe:
                continue
            if not any(param in c.args and _differs(c.args[param], default) for c in cases):
                yield (
                    f"{part.id}: parameter `{param}` of {name} never gets a non-default value "
                    f"(default {default!r})"
                )
        doc = inspect.getdoc(obj) or ""
        if DTYPE_PROMISE.search(doc) and not _float32_checked(part, cases):
            yield f"{part.id}: {name} promises a dtype, but no float32 case is compared"
        if NO_MODIFY_PROMISE.search(doc) and not any(
            isinstance(v, np.ndarray) for c in cases for v in c.args.values()
        ):
            yield f"{part.id}: {name} promises not to modify its input, but no case passes an array"


def kink_problems(
    parts: list[Part], namespace: dict[str, Any], targets: dict[str, list[Target]]
) -> Iterator[str]:
    """Functions that branch at 0 with no exact-zero case in any part that grades them."""
    for name, mine in targets.items():
        if not any(has_kink(t) for t in mine):
            continue
        grading = [p for p in parts if name in p.functions]
        if grading and not any(_exact_zero(_cases(p)) for p in grading):
            ids = ", ".join(p.id for p in grading)
            yield f"{ids}: {name} branches at 0, but no case puts an exact zero there"


def coverage_problems(assignment: str) -> list[str]:
    """Every coverage problem of an assignment's spec (empty when clean)."""
    from autograder.instructor.fidelity.mutate import notebook_namespace

    spec = load_spec(assignment)
    cells = definition_cells(source_dir(assignment) / f"{assignment}.py")
    namespace = notebook_namespace(cells)
    targets: dict[str, list[Target]] = {}
    for cell in cells:
        for t in targets_in_cell(cell):
            targets.setdefault(t.owner, []).append(t)
    problems = [p for part in spec.parts for p in part_problems(part, namespace, targets)]
    return problems + list(kink_problems(list(spec.parts), namespace, targets))
