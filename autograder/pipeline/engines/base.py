"""What every engine provides, and the one loop that runs an engine over a batch."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from types import TracebackType
from typing import Protocol

from tqdm import tqdm

from autograder.judging.results import StudentResult, uniform_results
from autograder.judging.spec import AssignmentSpec
from autograder.pipeline.submissions import Submission


class Engine(Protocol):
    """A way to grade one submission at a time, used as a context manager around a batch.

    ``__enter__`` prepares what every submission shares (reference records, an instructor
    notebook, worker processes); ``__exit__`` releases it. :meth:`grade_one` may be called from
    several threads at once and returns the student's verdicts; it may raise only for the
    grader's own faults (the pool turns those into an ``error`` row, never a lost batch).
    """

    spec: AssignmentSpec

    def __enter__(self) -> Engine: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def grade_one(self, sub: Submission) -> StudentResult:
        """Grade one submission."""
        ...


def grade_guarded(engine: Engine, sub: Submission) -> StudentResult:
    """:meth:`Engine.grade_one`, with a grader fault turned into an ``error`` row and timed."""
    start = time.perf_counter()
    try:
        res = engine.grade_one(sub)
    except Exception as exc:  # a grader fault costs one row, never the batch
        res = StudentResult(sub.student, problem=repr(exc))
        res.parts = uniform_results(
            engine.spec.parts, "error", f"internal grading error: {type(exc).__name__}"
        )
    if not res.seconds:
        res.seconds = time.perf_counter() - start
    if res.problem:  # the grader's own trouble: for the instructor, never in feedback
        print(f"grader problem with {sub.student}: {res.problem}", file=sys.stderr)
    return res


def run_pool(
    engine: Engine, subs: list[Submission], *, jobs: int, progress: bool
) -> list[StudentResult]:
    """Grade ``subs`` with ``engine``, ``jobs`` at a time, with a progress bar on stderr.

    Returns
    -------
    list of StudentResult
        One per submission, in the order they finished.
    """
    results: list[StudentResult] = []
    with engine, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(grade_guarded, engine, s) for s in subs]
        desc = f"grading {engine.spec.name}"
        with tqdm(total=len(futures), desc=desc, unit="nb", disable=not progress) as bar:
            for fut in as_completed(futures):
                results.append(fut.result())
                bar.update(1)
    return results
