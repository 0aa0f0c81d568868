"""The package layout by audience holds: who may import whom, and no import cycles.

The graph is read from the source (every ``import`` statement, including those inside functions),
so a lazy import that crosses a boundary is caught as well as a module-level one.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import autograder

PACKAGE = Path(autograder.__file__).resolve().parent
ROOT = PACKAGE.parent
TOP_LEVEL = {
    "autograder",
    "autograder.__main__",
    "autograder.cli",
    "autograder.course",
    "autograder.notebook_files",
}
AUDIENCES = ("student", "judging", "sandbox", "pipeline", "instructor", "platforms")


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """``module -> modules of the package it imports`` (``from a.b import c`` names ``a.b.c``
    when ``c`` is a module, else ``a.b``)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    targets.append(sub if sub in modules else node.module)
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or ``None`` (iterative depth-first search)."""
    state: dict[str, int] = {}
    for root in sorted(graph):
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        path = [root]
        state[root] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            nxt = todo.pop()
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, sorted(graph[nxt])))
                path.append(nxt)
    return None


def audience(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in AUDIENCES) else "top"


MODULES = module_files()
GRAPH = import_graph(MODULES)


def test_the_graph_is_read_from_the_real_package() -> None:
    # a broken walk would make every other test here pass vacuously
    assert len(MODULES) > 40
    assert "autograder.judging.judge" in GRAPH["autograder.student.grader"]
    assert "autograder.sandbox.driver" in reachable(GRAPH, "autograder.pipeline.grade")


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_relative_imports() -> None:
    """The graph reads absolute imports only; a relative one would slip past every rule here."""
    relative = [
        f"{name}:{node.lineno}"
        for name, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


def test_no_import_cycles() -> None:
    assert find_cycle(GRAPH) is None


def test_every_module_sits_in_a_package_named_for_its_audience() -> None:
    loose = {m for m in MODULES if audience(m) == "top"} - TOP_LEVEL
    assert loose == set()


@pytest.mark.parametrize("side", ["student", "judging"])
def test_the_notebook_side_never_reaches_the_pipeline_sandbox_or_instructor_tools(
    side: str,
) -> None:
    """What a student's kernel imports cannot pull in grading machinery (or its attack surface)."""
    allowed = {"student", "judging", "top"}
    bad = {}
    for module in MODULES:
        if audience(module) == side:
            far = {m for m in reachable(GRAPH, module) if audience(m) not in allowed}
            far |= {"autograder.cli"} & reachable(GRAPH, module)
            if far:
                bad[module] = sorted(far)
    assert bad == {}


def test_the_sandbox_depends_only_on_the_judging_side() -> None:
    bad = {
        m: sorted(d for d in GRAPH[m] if audience(d) not in ("sandbox", "judging", "student"))
        for m in MODULES
        if audience(m) == "sandbox"
    }
    assert {m: d for m, d in bad.items() if d} == {}


def test_released_notebooks_import_only_the_student_package() -> None:
    imported = set()
    releases = sorted((ROOT / "assignments").glob("*/*.ipynb"))
    assert len(releases) >= 5
    for nb_path in releases:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "autograder"
                ):
                    imported.add(node.module)
                if isinstance(node, ast.Import):
                    imported |= {a.name for a in node.names if a.name.startswith("autograder")}
    assert imported, "no notebook imports autograder: the scan is broken"
    assert {m for m in imported if not m.startswith("autograder.student")} == set()


def _assignments() -> list[str]:
    from autograder.course import assignment_names

    return assignment_names()


@pytest.mark.parametrize("assignment", _assignments())
def test_every_graded_part_can_be_found_from_the_layout(assignment: str) -> None:
    """docs/architecture.md, Finding a graded part: each place it names really holds the part."""
    import importlib

    from autograder.course import load_spec
    from autograder.judging.probes import PROBES

    prefix = assignment.split("_")[0]
    spec = load_spec(assignment)
    notebook = (ROOT / "source" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
    reference = importlib.import_module(spec.reference_module)
    solution_tests = "".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "tests" / "solutions").glob(f"test_{prefix}_*.py")
    )
    assert (ROOT / "tests" / "judging" / f"test_probes_{prefix}.py").is_file()
    lost = []
    for part in spec.parts:
        if f'"grade_id": "{part.id}"' not in notebook:
            lost.append(f"{part.id}: no test cell in the notebook's source")
        probe_module = PROBES[part.probe].__module__
        if probe_module not in (
            "autograder.judging.probes.core",
            f"autograder.judging.probes.{prefix}",
        ) and not probe_module.startswith(f"autograder.judging.probes.{prefix}_"):
            lost.append(f"{part.id}: its probe {part.probe!r} lives in {probe_module}")
        # the functions the student writes (the other names are trained parameters or models)
        for name in (n for n in part.functions if f"def {n}(" in notebook):
            if not hasattr(reference, name):
                lost.append(f"{part.id}: {spec.reference_module} has no {name}")
            # named as called, or (activation pairs tested by name) as a quoted stem
            stem = name.removesuffix("_forward").removesuffix("_backward")
            pattern = rf"\b{name}\b|[\"']{stem}[\"']"
            if not re.search(pattern, solution_tests):
                lost.append(f"{part.id}: no tests/solutions/test_{prefix}_*.py is about {name}")
    assert lost == []
