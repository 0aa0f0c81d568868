"""Grading one submission with nbclient: restore test cells, execute, score each test cell.

This runs inside a worker process of :class:`.nbclient.NbclientEngine`; the student's code runs
in a kernel process of its own that the worker starts for this submission alone, in a temporary
folder of its own. The score of each test cell is nbgrader's own rule (the cell's value, 0 after
an error or output on stderr) within the spec's points, so it equals what ``nbgrader
autograde`` awards; statuses and messages come from the check's attached result
(:mod:`autograder.pipeline.outcomes` reads both).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from autograder.judging.results import nothing_submitted, unreadable_notebook
from autograder.judging.spec import AssignmentSpec
from autograder.notebook_files import read_notebook
from autograder.pipeline.execute import execute, restore_test_cells
from autograder.pipeline.outcomes import NO_RESULT_MESSAGE, read_outcomes


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
        return {"parts": [p.to_dict() for p in nothing_submitted(spec)], "notes": notes}
    try:
        nb = read_notebook(Path(submission))
        if not hasattr(nb, "cells"):
            raise ValueError("no cells")
    except Exception as exc:
        return {"parts": [p.to_dict() for p in unreadable_notebook(spec, exc)], "notes": notes}
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
    parts = read_outcomes(nb, list(spec.parts), score_from="nbgrader", cell_timeout=cell_timeout)
    if why:
        for p in parts:  # the test cells that never ran, not those that raised before the death
            if p.cases[0].messages == [NO_RESULT_MESSAGE]:
                p.cases[0].messages = [
                    "the kernel died before this test ran (exit() or os._exit() in the notebook?)"
                ]
    return {"parts": [p.to_dict() for p in parts], "notes": notes}
