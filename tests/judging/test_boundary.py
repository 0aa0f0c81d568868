"""``autograder`` never imports ``solutions`` at module level (docs/architecture.md, Layout).

Only :mod:`autograder.judging.reference` may import it, and only inside its functions.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).resolve().parent
ROOT = PACKAGE.parent

IMPORT_ALL = r"""
import importlib, json, pkgutil, sys
import autograder
skip = {"autograder.judging.reference", "autograder.__main__"}  # __main__ runs the CLI on import
names = sorted(m.name for m in pkgutil.walk_packages(autograder.__path__, "autograder.")
               if m.name not in skip)
for name in names:
    importlib.import_module(name)
print(json.dumps({
    "imported": names,
    "solutions": sorted(m for m in sys.modules if m == "solutions" or m.startswith("solutions.")),
}))
"""


def test_importing_every_autograder_module_does_not_import_solutions() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    # the walk really covered the engine (a broken walk would make this test vacuous)
    for name in (
        "autograder.student.grader",
        "autograder.judging.judge",
        "autograder.judging.probes.core",
        "autograder.student.gradcheck",
        "autograder.instructor.build",
        "autograder.instructor.leaks",
    ):
        assert name in report["imported"]
    assert report["solutions"] == []


def _module_level_statements(tree: ast.Module) -> list[ast.stmt]:
    """Statements executed on import: the body and any if/try/with blocks, not defs."""
    out: list[ast.stmt] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for field in ("body", "orelse", "finalbody"):
                todo.extend(getattr(node, field, []))
            for handler in getattr(node, "handlers", []):
                todo.extend(handler.body)
    return out


def _is_solutions(name: object) -> bool:
    return str(name).split(".")[0] == "solutions"


def _dynamic_import(node: ast.AST) -> str | None:
    """``importlib.import_module("solutions...")`` or ``__import__("solutions...")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    arg = node.args[0]
    if name in ("import_module", "__import__") and isinstance(arg, ast.Constant):
        return str(arg.value) if _is_solutions(arg.value) else None
    return None


def _solutions_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for stmt in _module_level_statements(tree):
        if isinstance(stmt, ast.Import):
            found |= {a.name for a in stmt.names if _is_solutions(a.name)}
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and _is_solutions(stmt.module):
            found.add(str(stmt.module))
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)):
            for sub in ast.walk(stmt):
                dynamic = _dynamic_import(sub)
                if dynamic:
                    found.add(dynamic)
    return found


def test_scanner_finds_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os\n"
        "from solutions.a1_linear_classifiers import svm_loss_naive\n"
        "try:\n    import solutions\nexcept ImportError:\n    pass\n"
        "def lazy():\n    import solutions.a2_autodiff\n"
        "import importlib\n"
        "REF = importlib.import_module('solutions.a3_backprop_mlp')\n"
        "def later():\n    return importlib.import_module('solutions.a4_training_deep_nets')\n"
    )
    assert _solutions_imports(bad) == {
        "solutions",
        "solutions.a1_linear_classifiers",
        "solutions.a3_backprop_mlp",
    }


def test_no_module_level_import_of_solutions_in_the_source() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offenders = {str(p.relative_to(ROOT)): _solutions_imports(p) for p in files}
    assert {k: v for k, v in offenders.items() if v} == {}
