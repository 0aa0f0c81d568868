"""Leak checks on a student release: nothing of the solutions or hidden tests may be in it.

A release leaks when it contains solution code (any line of a ``### BEGIN SOLUTION`` block, or
of a written answer's model answer, that does not also appear outside those blocks), hidden-test
text, an import of ``solutions``, a file that is not part of a release, or the data of a hidden
case (its name in the case file, or any of its input arrays).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

from autograder.course import load_spec, source_dir
from autograder.judging.casefile import CaseFile
from autograder.notebook_files import nbgrader_meta, read_notebook, source_notebook

MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "hidden=True",
    "MARK SCHEME",
)
IMPORT_SOLUTIONS = re.compile(
    r"(^\s*(from|import)\s+solutions\b)|(import_module\(\s*['\"]solutions)|(__import__\(\s*['\"]solutions)",
    re.MULTILINE,
)
MIN_LINE = 12


def _secret_lines(assignment: str) -> tuple[set[str], set[str]]:
    """Lines that only the instructor may see, and every line shown outside secret blocks."""
    nb = source_notebook(source_dir(assignment) / f"{assignment}.py")
    secret: set[str] = set()
    public: set[str] = set()
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        lines = cell.source.splitlines()
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret.update(line.strip() for line in lines)
            continue
        inside = False
        for line in lines:
            text = line.strip()
            if re.search(r"### BEGIN (SOLUTION|HIDDEN TESTS)", text):
                inside = True
                continue
            if re.search(r"### END (SOLUTION|HIDDEN TESTS)", text):
                inside = False
                continue
            (secret if inside else public).add(text)
    secret = {s for s in secret - public if len(s) >= MIN_LINE and not s.startswith("#")}
    return secret, public


def _array_digest(arr: np.ndarray) -> str:
    a = np.ascontiguousarray(arr)
    return hashlib.sha256(str(a.dtype).encode() + str(a.shape).encode() + a.tobytes()).hexdigest()


def find_leaks(assignment: str, release: Path) -> list[str]:
    """Return a description of every leak found in ``release`` (empty when clean)."""
    leaks: list[str] = []
    allowed = {f"{assignment}.ipynb", f"{assignment}.cases.npz"}
    for path in sorted(release.rglob("*")):
        if path.is_file() and path.name not in allowed:
            leaks.append(f"{path.name}: not part of a release (only {', '.join(sorted(allowed))})")
    nb_path = release / f"{assignment}.ipynb"
    if not nb_path.is_file():
        return [*leaks, f"{nb_path.name}: missing"]
    nb = read_notebook(nb_path)
    secret, _ = _secret_lines(assignment)
    for index, cell in enumerate(nb.cells):
        text = cell.source
        where = f"{nb_path.name} cell {index} ({cell.get('id', '?')})"
        leaks += [f"{where}: contains the marker {m!r}" for m in MARKERS if m in text]
        if cell.cell_type == "code" and IMPORT_SOLUTIONS.search(text):
            leaks.append(f"{where}: imports the solutions package")
        for line in text.splitlines():
            if line.strip() in secret:
                leaks.append(f"{where}: solution or hidden-test line {line.strip()!r}")
        if cell.get("outputs"):
            leaks.append(f"{where}: has outputs (a release must be cleared)")
    leaks += _casefile_leaks(assignment, release / f"{assignment}.cases.npz")
    return leaks


def _casefile_leaks(assignment: str, path: Path) -> list[str]:
    if not path.is_file():
        return [f"{path.name}: missing"]
    spec = load_spec(assignment)
    casefile = CaseFile(path)
    stored = {
        _array_digest(a) for k, a in casefile.arrays().items() if k != "manifest" and a.size >= 4
    }
    public_names = {(p, c.name) for p in casefile.part_ids for c, _ in casefile.cases(p)}
    public_inputs = {
        _array_digest(v)
        for part in spec.parts
        for case in part.public_cases()
        for v in case.args.values()
        if isinstance(v, np.ndarray)
    }
    stored -= public_inputs  # e.g. the four XOR points: the same in public and hidden cases
    leaks = []
    for part in spec.parts:
        for case in part.hidden_cases():
            if (part.id, case.name) in public_names:
                leaks.append(f"{path.name}: holds the hidden case {part.id}/{case.name}")
            for arg, value in case.args.items():
                if (
                    isinstance(value, np.ndarray)
                    and value.size >= 4
                    and _array_digest(value) in stored
                ):
                    leaks.append(
                        f"{path.name}: holds the input {arg!r} of hidden case {part.id}/{case.name}"
                    )
    return leaks
