"""``autograder grade``: grade a folder of submissions in parallel with nbgrader autograde.

Every submission is graded in its own temporary nbgrader course folder and its own processes
(nbgrader and its kernel), with a time limit per cell and per submission, so a crash, a timeout,
a corrupt file or a deleted test cell in one submission never stops or alters another. Every
student gets one row per part in ``gradebook.csv``; feedback and a report are written next to it.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from autograder.course import course_root, load_spec, release_dir
from autograder.instructor.build import instructor_notebook, write_public_cases
from autograder.judging.judge import CaseResult, PartResult
from autograder.judging.render import summary_table
from autograder.judging.spec import AssignmentSpec
from autograder.notebook_files import nbgrader_meta, read_notebook, write_notebook
from autograder.pipeline.outputs import write_feedback, write_report
from autograder.pipeline.submissions import Submission, find_submissions
from autograder.platforms.nbgrader_course import NbgraderError, make_course, run_nbgrader
from autograder.sandbox.limits import Limits, release_leftover_cgroups
from autograder.student.grader import RESULT_MIME

CSV_FIELDS = ("student", "assignment", "part", "score", "max_score", "status")


@dataclass
class StudentResult:
    """Every part's verdict for one student, plus how grading went."""

    student: str
    parts: list[PartResult] = field(default_factory=list)
    manual: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    problem: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Auto-graded total."""
        return sum(p.score for p in self.parts)


def _uniform(spec: AssignmentSpec, status: str, message: str) -> list[PartResult]:
    return [
        PartResult(
            p.id,
            p.title,
            p.points,
            0.0,
            status,
            [CaseResult("submission", False, "", 0.0, [message], status)],
        )
        for p in spec.parts
    ]


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


def _cell_outcome(cell: Any) -> tuple[float | None, str, list[str], dict[str, Any] | None]:
    """Score, status, messages and the embedded result of one autograded test cell."""
    from nbgrader.utils import determine_grade

    score, _ = determine_grade(cell)
    payload = None
    errors = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "display_data" and RESULT_MIME in out.get("data", {}):
            payload = out["data"][RESULT_MIME]
        if out.get("output_type") == "error":
            errors.append(out.get("ename", "Error"))
    if "CellTimeoutError" in errors:
        return (
            0.0,
            "timeout",
            ["time limit: this test cell did not finish within the cell time limit"],
            None,
        )
    if errors:
        return (
            0.0,
            "error",
            [
                f"the test cell raised {errors[-1]}: run your notebook top to bottom "
                "and fix the first error"
            ],
            None,
        )
    return score, "", [], payload


def parse_autograded(
    spec: AssignmentSpec, nb_path: Path
) -> tuple[list[PartResult], dict[str, float]]:
    """Read the parts' verdicts from an autograded notebook.

    The score is what nbgrader awards the test cell (its numeric output); the messages and
    status come from the check's machine-readable result attached to the cell.
    """
    nb = read_notebook(nb_path)
    cells: dict[str, Any] = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("grade_id"):
            cells.setdefault(meta["grade_id"], cell)
    parts = []
    for part in spec.parts:
        cell = cells.get(part.id)
        if cell is None:
            parts.append(
                PartResult(
                    part.id,
                    part.title,
                    part.points,
                    0.0,
                    "missing",
                    [
                        CaseResult(
                            "notebook", False, "", 0.0, ["the test cell is missing"], "missing"
                        )
                    ],
                )
            )
            continue
        score, status, messages, payload = _cell_outcome(cell)
        if score is not None and not math.isfinite(float(score)):
            # a test cell whose value is NaN or infinite (the notebook's code can make it so
            # in these engines) scores nothing
            score, status = 0.0, "failed"
            messages = ["the test cell's score is not a finite number"]
        if score is not None:
            score = min(max(float(score), 0.0), part.points)
        if payload is not None:
            result = PartResult.from_dict(payload)
            result.score = min(float(score or 0.0), part.points)
        else:
            result = PartResult(
                part.id,
                part.title,
                part.points,
                float(score or 0.0),
                status or "error",
                [
                    CaseResult(
                        "test cell",
                        False,
                        "",
                        0.0,
                        messages or ["no result was recorded"],
                        status or "error",
                    )
                ],
            )
        if status:
            result.status = status
        elif result.score < part.points and result.status == "ok":
            result.status = "failed"
        parts.append(result)
    manual = {gid: pts for gid, pts in spec.manual_parts.items()}
    return parts, manual


def grade_one(
    spec: AssignmentSpec,
    sub: Submission,
    template: Path,
    workdir: Path,
    *,
    cell_timeout: int,
    submission_timeout: float,
) -> StudentResult:
    """Grade one submission in its own course folder; never raises."""
    start = time.perf_counter()
    result = StudentResult(sub.student)
    try:
        if sub.notebook is None:
            result.parts = _uniform(spec, "missing", f"no {spec.name}.ipynb was submitted")
            return result
        try:
            nb = read_notebook(sub.notebook)
        except Exception as exc:
            result.parts = _uniform(
                spec,
                "invalid",
                f"the notebook file could not be read ({type(exc).__name__}): "
                "it is not a valid .ipynb (was it edited by hand or truncated?)",
            )
            return result
        course = workdir / sub.student
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
                f"--Execute.timeout={cell_timeout}",
                timeout=submission_timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            result.parts = _uniform(
                spec, "timeout", "grading this notebook took longer than the time limit"
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
            result.parts = _uniform(spec, "error", why)
            return result
        result.parts, result.manual = parse_autograded(spec, graded)
        return result
    except Exception as exc:
        result.parts = _uniform(
            spec, "error", f"internal grading error: {type(exc).__name__}: {exc}"
        )
        result.problem = repr(exc)
        return result
    finally:
        result.seconds = time.perf_counter() - start
        shutil.rmtree(workdir / sub.student, ignore_errors=True)


def write_gradebook(path: Path, spec: AssignmentSpec, results: list[StudentResult]) -> None:
    """``gradebook.csv``: one row per (student, part), manual parts with status ``manual``."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_FIELDS)
        for res in results:
            for part in res.parts:
                writer.writerow(
                    [
                        res.student,
                        spec.name,
                        part.part_id,
                        f"{part.score:g}",
                        f"{part.points:g}",
                        part.status,
                    ]
                )
            for gid, pts in spec.manual_parts.items():
                writer.writerow([res.student, spec.name, gid, "", f"{pts:g}", "manual"])


def _grade_nbclient(
    spec: AssignmentSpec,
    subs: list[Submission],
    workdir: Path,
    *,
    jobs: int,
    cell_timeout: int,
    progress: bool,
) -> list[StudentResult]:
    """Grade with persistent worker processes; each submission gets its own kernel and folder."""
    import multiprocessing

    from autograder.pipeline.nbclient_worker import grade_submission

    instructor = instructor_notebook(spec.name, workdir)
    casefile = workdir / f"{spec.name}.cases.npz"
    released = release_dir(spec.name) / casefile.name
    if released.is_file():
        shutil.copy(released, casefile)
    else:
        write_public_cases(spec, casefile)
    results: list[StudentResult] = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = {
            pool.submit(
                grade_submission,
                spec.name,
                str(s.notebook) if s.notebook else None,
                str(instructor),
                str(casefile),
                cell_timeout=cell_timeout,
            ): s
            for s in subs
        }
        started = {id(f): time.perf_counter() for f in futures}
        bar = tqdm(total=len(futures), desc=f"grading {spec.name}", unit="nb", disable=not progress)
        for fut in as_completed(futures):
            sub = futures[fut]
            res = StudentResult(sub.student, seconds=time.perf_counter() - started[id(fut)])
            try:
                data = fut.result()
                res.parts = [PartResult.from_dict(d) for d in data["parts"]]
                res.notes = list(data.get("notes", []))
                res.seconds = float(data.get("seconds", res.seconds))
            except Exception as exc:
                res.parts = _uniform(spec, "error", f"internal grading error: {type(exc).__name__}")
                res.problem = repr(exc)
            results.append(res)
            bar.update(1)
        bar.close()
    return results


def _grade_isolated(
    spec: AssignmentSpec, subs: list[Submission], *, jobs: int, limits: Limits, progress: bool
) -> list[StudentResult]:
    """Grade in the sandbox (one submission per job at a time); judge here against ``solutions``.

    The trusted side's own NumPy work (references, measures) is small: it runs on one BLAS
    thread, since several threads spinning on busy cores make small products many times slower.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _grade_isolated_batch(spec, subs, jobs=jobs, limits=limits, progress=progress)


def _grade_isolated_batch(
    spec: AssignmentSpec, subs: list[Submission], *, jobs: int, limits: Limits, progress: bool
) -> list[StudentResult]:
    """:func:`_grade_isolated` without the thread limit."""
    from autograder.sandbox.driver import IsolatedCases, grade_isolated

    cases = IsolatedCases.build(spec)
    for problem in cases.problems:
        print(f"INSTRUCTOR ERROR (not the students'): {problem}", file=sys.stderr)

    def one(sub: Submission) -> StudentResult:
        start = time.perf_counter()
        res = StudentResult(sub.student)
        try:
            res.parts, run = grade_isolated(sub.notebook, cases, limits)
            res.notes = run.notes
        except Exception as exc:  # a grader fault costs one row, never the batch
            res.parts = _uniform(spec, "error", f"internal grading error: {type(exc).__name__}")
            res.problem = repr(exc)
        res.seconds = time.perf_counter() - start
        return res

    results = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(one, s) for s in subs]
        bar = tqdm(total=len(futures), desc=f"grading {spec.name}", unit="nb", disable=not progress)
        for fut in as_completed(futures):
            results.append(fut.result())
            bar.update(1)
        bar.close()
    stuck = release_leftover_cgroups()
    if stuck:
        print(
            f"warning: the processes of {len(stuck)} sandbox(es) did not die after SIGKILL; "
            f"their cgroups are left in place: {', '.join(str(p) for p in stuck)}",
            file=sys.stderr,
        )
    return results


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
        Seconds per cell before the kernel is interrupted.
    submission_timeout : float, optional
        With ``engine="nbgrader"``: seconds for a whole submission (default 30 cells' worth).
    progress : bool
        Show a progress bar on stderr.
    engine : {"isolated", "nbclient", "nbgrader"}
        ``isolated`` (default): the notebook runs in a sandbox (bubblewrap: no network, no view
        of the course repository or other submissions, limits on time, memory, processes and
        output) that only exports probe records; they are judged here against ``solutions``,
        so no cheat inside the notebook can change a verdict. ``nbclient``: persistent worker
        processes execute each notebook in its own kernel, with the hidden tests in its test
        cells, scored by nbgrader's rule. ``nbgrader``: the real ``nbgrader autograde`` once
        per submission in its own course folder (slow to start; kept to prove equal scores).
    memory_bytes, max_processes : int
        Sandbox limits (``isolated`` only).

    Returns
    -------
    list of StudentResult, sorted by student
    """
    spec = load_spec(assignment)
    subs = find_submissions(submissions, assignment)
    jobs = max(1, jobs or os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dlf-grade-") as tmp:
        workdir = Path(tmp)
        if engine == "isolated":
            limits = Limits(
                cell_timeout=cell_timeout,
                part_timeout=cell_timeout,
                submission_timeout=submission_timeout or 30.0 * cell_timeout,
                memory_bytes=memory_bytes,
                max_processes=max_processes,
            )
            results = _grade_isolated(spec, subs, jobs=jobs, limits=limits, progress=progress)
        elif engine == "nbclient":
            results = _grade_nbclient(
                spec, subs, workdir, jobs=jobs, cell_timeout=cell_timeout, progress=progress
            )
        elif engine == "nbgrader":
            limit = submission_timeout or 30.0 * cell_timeout
            template = prepare_template(spec, workdir)
            results = []
            with ThreadPoolExecutor(max_workers=jobs) as tpool:
                futs = [
                    tpool.submit(
                        grade_one,
                        spec,
                        s,
                        template,
                        workdir,
                        cell_timeout=cell_timeout,
                        submission_timeout=limit,
                    )
                    for s in subs
                ]
                bar = tqdm(
                    total=len(futs), desc=f"grading {spec.name}", unit="nb", disable=not progress
                )
                for fut in as_completed(futs):
                    results.append(fut.result())
                    bar.update(1)
                bar.close()
        else:
            raise ValueError(
                f"grade: unknown engine {engine!r}; expected 'isolated', 'nbclient' or 'nbgrader'"
            )
    results.sort(key=lambda r: r.student)
    for sub in subs:
        if sub.renamed_from:
            note = f"the submission {sub.renamed_from!r} was graded as {sub.student!r}"
            print(f"note: {note} (its name is not safe as a file name)", file=sys.stderr)
            for r in results:
                if r.student == sub.student:
                    r.notes.append(note)
    write_gradebook(out / "gradebook.csv", spec, results)
    (out / "results.json").write_text(
        json.dumps(
            _finite(
                [
                    {
                        "student": r.student,
                        "seconds": round(r.seconds, 3),
                        "notes": r.notes,
                        "parts": [p.to_dict() for p in r.parts],
                    }
                    for r in results
                ]
            ),
            indent=1,
            allow_nan=False,
        ),
        encoding="utf-8",
    )
    for res in results:
        write_feedback(
            out / "feedback" / res.student / f"{spec.name}.html",
            spec,
            res.student,
            res.parts,
            res.notes,
        )
    write_report(out / "report.html", spec, [(r.student, r.parts) for r in results])
    return results


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by ``None`` (strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def print_summary(spec: AssignmentSpec, results: list[StudentResult]) -> str:
    """One line per student: total, and any part not ``ok``; then what is graded by hand."""
    total = sum(p.points for p in spec.parts)
    manual = sum(spec.manual_parts.values())
    width = max([len(r.student) for r in results] + [7])
    lines = [f"{'student':<{width}}  {'score':>7} / {total:g}  seconds  not ok"]
    for r in results:
        bad = ", ".join(
            f"{p.part_id.removeprefix('test_')}:{p.status}" for p in r.parts if p.status != "ok"
        )
        lines.append(f"{r.student:<{width}}  {r.score:>7.2f}        {r.seconds:7.1f}  {bad or '-'}")
    if manual:
        lines.append(
            f"scores are out of {total:g} auto-graded points, plus {manual:g} points graded by "
            "hand (written answers: nbgrader's formgrader)"
        )
    return "\n".join(lines)


__all__ = ["grade", "print_summary", "summary_table"]
