"""Grading one submission with nbclient: restore test cells, execute, score each test cell.

This runs inside a worker process of :class:`.nbclient.NbclientEngine`; the student's code runs
in a kernel process of its own that the worker starts for this submission alone, in a temporary
folder of its own. The score of each test cell is nbgrader's own rule
(:func:`nbgrader.utils.determine_grade`) applied with the spec's points, so it equals what
``nbgrader autograde`` awards; statuses and messages come from the check's attached result
(:mod:`autograder.pipeline.outcomes` reads both).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from autograder.judging.results import PartResult, uniform_results
from autograder.judging.spec import AssignmentSpec
from autograder.notebook_files import read_notebook
from autograder.pipeline.execute import execute, restore_test_cells
from autograder.pipeline.outcomes import read_outcomes


def score_cells(spec: AssignmentSpec, nb: Any) -> list[PartResult]:
    """Score each part from its executed test cell with nbgrader's rule and the spec's points."""
    return read_outcomes(nb, list(spec.parts), score_from="nbgrader")


def grade_submission(
    spec_name: str, submission: str | None, instructor_nb: str, casefile: str, *, cell_timeout: int
) -> dict[str, Any]:
    """Grade one notebook file; never raises for anything the submission does.

    Parameters
    ----------
    spec_name : str
        Assignment name (the spec is loaded from the course repository).
    submission : str or None
        Path of the submitted ``.ipynb``; ``None`` when nothing was submitted.
    instructor_nb : str
        Path of the instructor notebook (test cells with hidden tests).
    casefile : str
        Path of the release's case file.
    cell_timeout : int
        Seconds per cell.

    Returns
    -------
    dict
        ``{"parts": [PartResult dicts], "notes": [...]}``.
    """
    import time

    from autograder.course import load_spec

    start = time.perf_counter()
    result = _grade(
        load_spec(spec_name), submission, instructor_nb, casefile, cell_timeout=cell_timeout
    )
    result["seconds"] = time.perf_counter() - start
    return result


def _grade(
    spec: AssignmentSpec,
    submission: str | None,
    instructor_nb: str,
    casefile: str,
    *,
    cell_timeout: int,
) -> dict[str, Any]:
    notes: list[str] = []
    if submission is None:
        parts = uniform_results(spec.parts, "missing", f"no {spec.name}.ipynb was submitted")
        return {"parts": [p.to_dict() for p in parts], "notes": notes}
    try:
        nb = read_notebook(Path(submission))
        if not hasattr(nb, "cells"):
            raise ValueError("no cells")
    except Exception as exc:
        parts = uniform_results(
            spec.parts,
            "invalid",
            f"the file is not a valid notebook ({type(exc).__name__}); "
            "was it truncated or edited outside Jupyter?",
        )
        return {"parts": [p.to_dict() for p in parts], "notes": notes}
    missing = restore_test_cells(nb, read_notebook(Path(instructor_nb)))
    if missing:
        notes.append(f"deleted test cells were put back and graded: {', '.join(missing)}")
    work = Path(tempfile.mkdtemp(prefix="dlf-sub-"))
    try:
        shutil.copy(casefile, work / Path(casefile).name)
        why = execute(nb, work, timeout=cell_timeout, env={"PYTHONWARNINGS": "ignore"})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if why:
        notes.append(
            f"the notebook's kernel died ({why}): does it call exit() or os._exit()? "
            "Parts after that point could not be graded"
        )
    parts = score_cells(spec, nb)
    if why:
        for p in parts:
            if p.status == "error":
                p.cases[0].messages = [
                    "the kernel died before this test ran (exit() or os._exit() in the notebook?)"
                ]
    return {"parts": [p.to_dict() for p in parts], "notes": notes}
