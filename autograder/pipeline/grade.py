"""``autograder grade``: from a folder of submissions to a gradebook, feedback and a report.

The data flow (``docs/architecture.md`` draws it): find the submissions
(:mod:`.submissions`), make the chosen engine (:mod:`.engines`: isolated by default), run it
over the batch a few at a time (:func:`.engines.run_pool`; a fault in one submission costs only
that submission's row), then write every output (:mod:`.outputs`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from autograder.course import load_spec
from autograder.judging.results import StudentResult
from autograder.pipeline.engines import make_engine, run_pool
from autograder.pipeline.outputs import write_outputs
from autograder.pipeline.submissions import Submission, find_submissions


def grade(
    assignment: str,
    submissions: Path,
    out: Path,
    *,
    jobs: int | None = None,
    cell_timeout: int = 60,
    submission_timeout: float | None = None,
    progress: bool = True,
    engine: str = "isolated",
    memory_bytes: int = 2 * 1024**3,
    max_processes: int = 128,
) -> list[StudentResult]:
    """Grade every submission of ``assignment`` under ``submissions`` into ``out``.

    Parameters
    ----------
    assignment : str
    submissions : Path
        nbgrader ``submitted/`` layout or a flat folder of ``<student>.ipynb``.
    out : Path
        Receives ``gradebook.csv``, ``results.json``, ``feedback/<student>/<assignment>.html``
        and ``report.html``.
    jobs : int, optional
        Submissions graded at once (default: the number of cores).
    cell_timeout : int
        Seconds per cell (and, isolated, per part) before it is stopped.
    submission_timeout : float, optional
        Seconds for a whole submission (default 30 cells' worth); the isolated and nbgrader
        engines enforce it, nbclient bounds each cell only.
    progress : bool
        Show a progress bar on stderr.
    engine : {"isolated", "nbclient", "nbgrader"}
        ``isolated`` (default): the notebook runs in a sandbox (bubblewrap: no network, no view
        of the course repository or other submissions, limits on time, memory, processes and
        output) that only exports raw values; they are measured and judged here against
        ``solutions``, so no cheat inside the notebook can change a verdict. ``nbclient``:
        persistent worker processes execute each notebook in its own kernel, with the hidden
        tests in its test cells, scored by nbgrader's rule. ``nbgrader``: the real ``nbgrader
        autograde`` once per submission in its own course folder (slow to start; kept to prove
        equal scores).
    memory_bytes, max_processes : int
        Sandbox limits (``isolated`` only).

    Returns
    -------
    list of StudentResult, sorted by student
    """
    spec = load_spec(assignment)
    subs = find_submissions(submissions, assignment)
    jobs = max(1, jobs or os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="dlf-grade-") as tmp:
        chosen = make_engine(
            engine,
            spec,
            Path(tmp),
            jobs=jobs,
            cell_timeout=cell_timeout,
            submission_timeout=submission_timeout or 30.0 * cell_timeout,
            memory_bytes=memory_bytes,
            max_processes=max_processes,
        )
        results = run_pool(chosen, subs, jobs=jobs, progress=progress)
    results.sort(key=lambda r: r.student)
    note_renamed(subs, results)
    write_outputs(out, spec, results)
    return results


def note_renamed(subs: list[Submission], results: list[StudentResult]) -> None:
    """Tell the student (and the instructor, on stderr) when a file name had to be changed."""
    for sub in subs:
        if sub.renamed_from:
            note = f"the submission {sub.renamed_from!r} was graded as {sub.student!r}"
            print(f"note: {note} (its name is not safe as a file name)", file=sys.stderr)
            for r in results:
                if r.student == sub.student:
                    r.notes.append(note)
