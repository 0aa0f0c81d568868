"""The default engine: each notebook runs in the sandbox; its raw values are judged here."""

from __future__ import annotations

import contextlib
import sys
from types import TracebackType

from autograder.judging.results import StudentResult
from autograder.judging.spec import AssignmentSpec
from autograder.pipeline.submissions import Submission
from autograder.sandbox.driver import IsolatedCases, grade_isolated
from autograder.sandbox.limits import Limits, release_leftover_cgroups


class IsolatedEngine:
    """Grade in the sandbox (one submission per job at a time); judge against ``solutions``.

    Entering builds every case's reference record once for the batch (cases the reference itself
    fails on are left out and reported once, as the instructor's problem). The trusted side's
    own NumPy work (references, measures) is small: it runs on one BLAS thread, since several
    threads spinning on busy cores make small products many times slower. Leaving removes the
    sandboxes' leftover cgroups.
    """

    def __init__(self, spec: AssignmentSpec, limits: Limits) -> None:
        self.spec = spec
        self.limits = limits
        self._stack = contextlib.ExitStack()
        self._cases: IsolatedCases | None = None

    def __enter__(self) -> IsolatedEngine:
        from threadpoolctl import threadpool_limits

        self._stack.enter_context(threadpool_limits(limits=1))
        try:
            self._cases = IsolatedCases.build(self.spec)
        except BaseException:
            self._stack.close()  # BLAS gets its threads back
            raise
        for problem in self._cases.problems:
            print(f"INSTRUCTOR ERROR (not the students'): {problem}", file=sys.stderr)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stack.close()
        stuck = release_leftover_cgroups()
        if stuck:
            print(
                f"warning: the processes of {len(stuck)} sandbox(es) did not die after SIGKILL; "
                f"their cgroups are left in place: {', '.join(str(p) for p in stuck)}",
                file=sys.stderr,
            )

    def grade_one(self, sub: Submission) -> StudentResult:
        """Run ``sub`` in the sandbox and judge its records."""
        if self._cases is None:
            raise RuntimeError("IsolatedEngine.grade_one called outside 'with engine:'")
        res = StudentResult(sub.student)
        res.parts, run = grade_isolated(sub.notebook, self._cases, self.limits)
        res.notes = run.notes
        res.problem = "; ".join(run.problems)
        return res
