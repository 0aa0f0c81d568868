"""``autograder check``: run a notebook and report its score part by part."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from autograder.course import course_root, load_spec, source_dir
from autograder.judging.casefile import CaseFile
from autograder.judging.results import PartResult
from autograder.judging.spec import Part
from autograder.notebook_files import nbgrader_meta, read_notebook, source_notebook
from autograder.pipeline.execute import execute, restore_test_cells
from autograder.pipeline.outcomes import read_outcomes


def guess_assignment(nb_path: Path) -> str:
    """The assignment a notebook belongs to: the ``Grader("...")`` it creates, else its name."""
    text = nb_path.read_text(encoding="utf-8", errors="replace")
    match = re.search(r'Grader\(\\?"([A-Za-z0-9_]+)\\?"\)', text)
    return match.group(1) if match else nb_path.stem


def check_notebook(
    nb_path: Path, *, hidden: bool = False, timeout: int = 60
) -> tuple[list[PartResult], list[str]]:
    """Run ``nb_path`` (a copy; the file is not modified) and return every part's result.

    Test cells are first restored from the release (or, with ``hidden``, from the instructor
    source, which adds the hidden cases), so edited or deleted test cells change nothing.

    Returns
    -------
    results : list of PartResult
    notes : list of str
        Things the student should know (test cells that were restored, a dead kernel).
    """
    nb_path = Path(nb_path)
    nb = read_notebook(nb_path)
    assignment = guess_assignment(nb_path)
    case_path = nb_path.parent / f"{assignment}.cases.npz"
    notes = []
    if hidden:
        reference = source_notebook(source_dir(assignment) / f"{assignment}.py")
        parts: list[Part] = list(load_spec(assignment).parts)
    else:
        if not case_path.is_file():
            raise FileNotFoundError(f"{case_path.name} must sit next to the notebook")
        root = course_root(required=False)
        release = (root / "assignments" / assignment / f"{assignment}.ipynb") if root else None
        reference = (
            read_notebook(release) if release and release.is_file() else read_notebook(nb_path)
        )
        casefile = CaseFile(case_path)
        parts = [casefile.part(pid) for pid in casefile.part_ids]
    missing = restore_test_cells(nb, reference)
    if missing:
        notes.append(f"test cells put back: {', '.join(missing)} (test cells must not be deleted)")
    with tempfile.TemporaryDirectory(prefix="dlf-check-") as tmp:
        work = Path(tmp)
        if case_path.is_file():
            (work / case_path.name).write_bytes(case_path.read_bytes())
        why = execute(nb, work, timeout=timeout)
    if why:
        notes.append(f"the notebook stopped early: {why}")
    return read_outcomes(nb, parts, cell_timeout=timeout), notes


def manual_points(nb_path: Path, autograded: list[str]) -> float:
    """Points of the notebook's graded cells that are not auto-graded (written answers)."""
    total = 0.0
    for cell in read_notebook(nb_path).cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("grade_id") not in autograded:
            total += float(meta.get("points", 0))
    return total
