"""Demo submissions and ``autograder demo``.

Submissions are made from the release (never hand-edited copies that could drift): the
*reference* fills every answer cell with the instructor's solution, *untouched* is the release
itself, *mistakes* is the reference with the typical mistakes listed in
``source/<assignment>/demo_mistakes.py`` (instructor-only, since a mistake is a near-solution).
:func:`faulty_submissions` adds the faults a batch must survive: an infinite loop, a syntax
error, a deleted test cell, a file that is not JSON, and a call of ``os._exit``.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.course import load_spec, release_dir, source_dir
from autograder.notebook_files import nbgrader_meta, read_notebook, source_notebook, write_notebook

DEMO_ASSIGNMENTS = (
    "a1_linear_classifiers",
    "a2_autodiff",
    "a3_backprop_mlp",
    "a4_training_deep_nets",
    "a5_regularization",
)


@dataclass(frozen=True)
class Mistake:
    """A typical student mistake, as a text substitution in one answer cell.

    Attributes
    ----------
    cell : str
        ``grade_id`` of the answer cell.
    old, new : str
        Text replaced in the reference answer (``old`` must occur exactly once).
    parts : tuple of str
        Test cells that must lose points because of it.
    what : str
        The mistake in words.
    """

    cell: str
    old: str
    new: str
    parts: tuple[str, ...]
    what: str


def _strip_markers(source: str) -> str:
    return "\n".join(
        line for line in source.splitlines() if not re.search(r"### (BEGIN|END) SOLUTION", line)
    )


def reference_submission(assignment: str, release_folder: Path | None = None) -> NotebookNode:
    """The release with every answer cell filled with the instructor's answer.

    ``release_folder`` is the release to start from (default: the committed one).
    """
    folder = release_folder if release_folder is not None else release_dir(assignment)
    release = read_notebook(folder / f"{assignment}.ipynb")
    answers = {
        nbgrader_meta(c).get("grade_id"): c
        for c in source_notebook(source_dir(assignment) / f"{assignment}.py").cells
        if nbgrader_meta(c).get("solution")
    }
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and gid in answers:
            cell.source = _strip_markers(answers[gid].source)
    return nb


def load_mistakes(assignment: str) -> list[Mistake]:
    """The instructor's list of demo mistakes for ``assignment`` (empty when there is none)."""
    path = source_dir(assignment) / "demo_mistakes.py"
    if not path.is_file():
        return []
    spec = importlib.util.spec_from_file_location(f"_dlf_mistakes_{assignment}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.MISTAKES)


def apply_mistakes(nb: NotebookNode, mistakes: list[Mistake]) -> NotebookNode:
    """A copy of ``nb`` with each mistake's substitution applied.

    Raises
    ------
    ValueError
        If a mistake's ``old`` text does not occur exactly once in its cell.
    """
    out = copy.deepcopy(nb)
    cells = {nbgrader_meta(c).get("grade_id"): c for c in out.cells}
    for m in mistakes:
        cell = cells.get(m.cell)
        count = cell.source.count(m.old) if cell is not None else 0
        if count != 1:
            raise ValueError(
                f"mistake {m.what!r}: {m.old!r} occurs {count} times in cell {m.cell!r}"
            )
        cell.source = cell.source.replace(m.old, m.new)  # type: ignore[union-attr]
    return out


def _function_name(cell: NotebookNode) -> str:
    match = re.search(r"^def (\w+)\(", cell.source, re.MULTILINE)
    if not match:
        raise ValueError(f"cell {cell.get('id')} defines no function")
    return match.group(1)


def _fault_targets(nb: NotebookNode, spec_parts: list[str]) -> list[str]:
    """Test ids whose function no other answer cell uses, fewest uses elsewhere first.

    A fault planted there costs only its own part (other answers do not call it), and the
    fewest other cells run into it (an infinite loop costs a time limit per use).
    """
    cells = [c for c in nb.cells if c.cell_type == "code"]
    ranked = []
    for test_id in spec_parts:
        answer_id = test_id.removeprefix("test_")
        answer = next((c for c in cells if nbgrader_meta(c).get("grade_id") == answer_id), None)
        # a fault replaces the whole answer cell, so only cells that define one function
        # (and nothing another part needs) can carry one
        if (
            answer is None
            or len(re.findall(r"^(?:def|class) \w+", answer.source, re.MULTILINE)) != 1
        ):
            continue
        pattern = re.compile(rf"\b{re.escape(_function_name(answer))}\b")
        users = [c for c in cells if c is not answer and pattern.search(c.source)]
        if any(nbgrader_meta(c).get("solution") for c in users):
            continue
        ranked.append((len(users), spec_parts.index(test_id), test_id))
    return [test_id for _, _, test_id in sorted(ranked)]


def _answer_cell(nb: NotebookNode, grade_id: str) -> NotebookNode:
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def faulty_submissions(
    assignment: str, reference: NotebookNode
) -> dict[str, tuple[NotebookNode | str, dict[str, str]]]:
    """Submissions with faults, each with the statuses its parts must get.

    Returns
    -------
    dict
        ``student -> (notebook or raw text, {part id: expected status})``; parts not listed must
        grade as in the reference (``ok``).
    """
    spec = load_spec(assignment)
    targets = _fault_targets(reference, [p.id for p in spec.parts])
    if len(targets) < 2:
        raise ValueError(f"{assignment}: fewer than two parts whose function no other answer uses")
    first, second = spec.part(targets[0]), spec.part(targets[1])
    answer_of = {p.id: p.id.removeprefix("test_") for p in spec.parts}
    out: dict[str, tuple[NotebookNode | str, dict[str, str]]] = {}

    looping = copy.deepcopy(reference)
    cell = _answer_cell(looping, answer_of[first.id])
    cell.source = f"def {_function_name(cell)}(*args, **kwargs):\n    while True:\n        pass\n"
    out["fault_infinite_loop"] = (looping, {first.id: "timeout"})

    broken = copy.deepcopy(reference)
    cell = _answer_cell(broken, answer_of[first.id])
    cell.source = f"def {_function_name(cell)}(X:\n    return X\n"
    out["fault_syntax_error"] = (broken, {first.id: "missing"})

    deleted = copy.deepcopy(reference)
    deleted.cells = [c for c in deleted.cells if nbgrader_meta(c).get("grade_id") != second.id]
    out["fault_deleted_test_cell"] = (deleted, {})

    out["fault_not_json"] = (
        '{"cells": [ this is not a notebook',
        {p.id: "invalid" for p in spec.parts},
    )

    exiting = copy.deepcopy(reference)
    test_index = next(
        i for i, c in enumerate(exiting.cells) if nbgrader_meta(c).get("grade_id") == second.id
    )
    exiting.cells.insert(test_index + 1, nbformat.v4.new_code_cell("import os\nos._exit(3)"))
    # The isolated grader restarts the notebook without the cell that killed it, so no part
    # is lost (in-kernel grading with nbgrader loses every part after that cell).
    out["fault_os_exit"] = (exiting, {})
    return out


def write_submission(
    folder: Path,
    student: str,
    assignment: str,
    nb: NotebookNode | str,
    release_folder: Path | None = None,
) -> Path:
    """Write one submission in nbgrader's ``submitted/<student>/<assignment>/`` layout.

    The case file is copied from ``release_folder`` (default: the committed release).
    """
    target = folder / "submitted" / student / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, str):
        target.write_text(nb, encoding="utf-8")
    else:
        write_notebook(nb, target)
    source = release_folder if release_folder is not None else release_dir(assignment)
    casefile = source / f"{assignment}.cases.npz"
    (target.parent / casefile.name).write_bytes(casefile.read_bytes())
    return target


def demo_submissions(
    assignment: str,
    folder: Path,
    *,
    faults: bool = False,
    release_folder: Path | None = None,
) -> dict[str, dict[str, str]]:
    """Write the demo submissions; return each student's expected non-``ok`` statuses.

    ``reference`` expects every part ``ok``; ``untouched`` expects no part ``ok``; ``mistakes``
    expects exactly the parts its mistakes name to lose points (status ``failed``). They are
    made from ``release_folder`` (default: the committed release).
    """
    rel = release_folder if release_folder is not None else release_dir(assignment)
    reference = reference_submission(assignment, rel)
    release = read_notebook(rel / f"{assignment}.ipynb")
    mistakes = load_mistakes(assignment)
    spec = load_spec(assignment)
    expected: dict[str, dict[str, str]] = {
        "reference": {},
        "untouched": {p.id: "not ok" for p in spec.parts},
    }
    write_submission(folder, "reference", assignment, reference, rel)
    write_submission(folder, "untouched", assignment, release, rel)
    if mistakes:
        write_submission(folder, "mistakes", assignment, apply_mistakes(reference, mistakes), rel)
        expected["mistakes"] = {part: "failed" for m in mistakes for part in m.parts}
    if faults:
        for student, (nb, statuses) in faulty_submissions(assignment, reference).items():
            write_submission(folder, student, assignment, nb, rel)
            expected[student] = statuses
    return expected


def run_demo(
    out: Path, *, jobs: int | None = None, assignments: tuple[str, ...] = DEMO_ASSIGNMENTS
) -> int:
    """Build every demo assignment into ``out``, grade its demo submissions, print the gradebook.

    The release is built into ``out/<assignment>/release/``, never over the committed
    ``assignments/``, so the demo leaves the working tree as it found it.
    """
    from autograder.instructor.build import build
    from autograder.pipeline.grade import grade
    from autograder.pipeline.outputs import summary_text

    status = 0
    for assignment in assignments:
        start = time.perf_counter()
        release = out / assignment / "release"
        report = build(assignment, release=release)
        print(
            f"built {assignment} into {release} in {time.perf_counter() - start:.1f} s"
            + ("" if report.ok else f"; PROBLEMS: {report.leaks}")
        )
        folder = out / assignment / "submissions"
        expected = demo_submissions(assignment, folder, release_folder=release)
        results = grade(assignment, folder, out / assignment / "graded", jobs=jobs)
        print(summary_text(load_spec(assignment), results))
        print((out / assignment / "graded" / "gradebook.csv").read_text(encoding="utf-8"))
        for res in results:
            want = expected.get(res.student, {})
            for part in res.parts:
                exp = want.get(part.part_id, "ok")
                good = (part.status != "ok") if exp == "not ok" else (part.status == exp)
                if not good:
                    print(
                        f"UNEXPECTED: {res.student} {part.part_id} is {part.status}, expected {exp}"
                    )
                    status = 1
        print(
            f"feedback: {out / assignment / 'graded' / 'feedback'}; "
            f"report: {out / assignment / 'graded' / 'report.html'}"
        )
    return status
