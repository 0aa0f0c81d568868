"""The nbgrader engine: the real ``nbgrader autograde``, once per submission.

Every submission is graded in its own temporary nbgrader course folder and its own processes
(nbgrader and its kernel), with a time limit per cell and per submission. Slow to start; kept
to prove that the other engines award what nbgrader awards. Not isolated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import TracebackType

from autograder.course import course_root, release_dir
from autograder.instructor.build import instructor_notebook, write_public_cases
from autograder.judging.results import (
    StudentResult,
    nothing_submitted,
    uniform_results,
    unreadable_notebook,
)
from autograder.judging.spec import AssignmentSpec
from autograder.notebook_files import read_notebook, write_notebook
from autograder.pipeline.outcomes import read_outcomes
from autograder.pipeline.submissions import Submission
from autograder.platforms.nbgrader_course import NbgraderError, make_course, run_nbgrader


def prepare_template(spec: AssignmentSpec, workdir: Path) -> Path:
    """A course folder with the instructor notebook and a gradebook that knows the assignment."""
    course = make_course(workdir / "template")
    src = course / "source" / spec.name
    src.mkdir(parents=True)
    instructor_notebook(spec.name, src)
    casefile = release_dir(spec.name) / f"{spec.name}.cases.npz"
    if casefile.is_file():
        shutil.copy(casefile, src / casefile.name)
    else:
        write_public_cases(spec, src / casefile.name)
    run_nbgrader(course, "generate_assignment", spec.name, "--force")
    return course


class NbgraderEngine:
    """``nbgrader autograde`` in a copy of a template course folder per submission."""

    def __init__(
        self,
        spec: AssignmentSpec,
        workdir: Path,
        *,
        cell_timeout: int,
        submission_timeout: float,
    ) -> None:
        self.spec = spec
        self.workdir = workdir
        self.cell_timeout = cell_timeout
        self.submission_timeout = submission_timeout
        self._template: Path | None = None

    def __enter__(self) -> NbgraderEngine:
        self._template = prepare_template(self.spec, self.workdir)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._template = None

    def grade_one(self, sub: Submission) -> StudentResult:
        """Autograde ``sub`` in its own course folder (removed afterwards)."""
        if self._template is None:
            raise RuntimeError("NbgraderEngine.grade_one called outside 'with engine:'")
        try:
            return self._grade(sub, self._template, self.workdir / "students" / sub.student)
        finally:
            shutil.rmtree(self.workdir / "students" / sub.student, ignore_errors=True)

    def _grade(self, sub: Submission, template: Path, course: Path) -> StudentResult:
        spec = self.spec
        result = StudentResult(sub.student)
        if sub.notebook is None:
            result.parts = nothing_submitted(spec)
            return result
        try:
            nb = read_notebook(sub.notebook)
        except Exception as exc:
            result.parts = unreadable_notebook(spec, exc)
            return result
        shutil.copytree(template, course)
        target = course / "submitted" / sub.student / spec.name
        target.mkdir(parents=True)
        write_notebook(nb, target / f"{spec.name}.ipynb")
        casefile = template / "source" / spec.name / f"{spec.name}.cases.npz"
        shutil.copy(casefile, target / casefile.name)
        env = dict(os.environ)
        env["DLF_COURSE_ROOT"] = str(course_root())
        env["PYTHONWARNINGS"] = "ignore"
        try:
            run_nbgrader(
                course,
                "autograde",
                spec.name,
                f"--student={sub.student}",
                "--create",
                "--force",
                f"--Execute.timeout={self.cell_timeout}",
                timeout=self.submission_timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            result.parts = uniform_results(
                spec.parts,
                "timeout",
                f"grading this notebook took longer than its limit of "
                f"{self.submission_timeout:g} s",
            )
            return result
        except NbgraderError as exc:
            result.problem = str(exc)[-2000:]
        graded = course / "autograded" / sub.student / spec.name / f"{spec.name}.ipynb"
        if not graded.is_file():
            why = (
                "the notebook's kernel died (does it call exit() or os._exit()?)"
                if "DeadKernel" in result.problem
                else "nbgrader could not grade the notebook"
            )
            result.parts = uniform_results(spec.parts, "error", why)
            return result
        result.parts = read_outcomes(
            read_notebook(graded),
            list(spec.parts),
            score_from="nbgrader",
            cell_timeout=self.cell_timeout,
        )
        return result
