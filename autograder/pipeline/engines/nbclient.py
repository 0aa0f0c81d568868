"""The nbclient engine: persistent worker processes, a kernel and a folder per submission."""

from __future__ import annotations

import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from autograder.course import release_dir
from autograder.instructor.build import instructor_notebook, write_public_cases
from autograder.judging.results import PartResult, StudentResult
from autograder.judging.spec import AssignmentSpec
from autograder.pipeline.engines.nbclient_worker import grade_submission
from autograder.pipeline.submissions import Submission


class NbclientEngine:
    """Execute each notebook with its test cells replaced by the instructor's (hidden tests in).

    Entering writes the instructor notebook and the case file into ``workdir`` and starts
    ``jobs`` worker processes (spawned, so they share no state with this one); each submission
    then runs in a kernel and a temporary folder of its own (see :mod:`.nbclient_worker`).
    Not isolated: the notebook's code runs with this user's rights.
    """

    def __init__(self, spec: AssignmentSpec, workdir: Path, *, jobs: int, cell_timeout: int):
        self.spec = spec
        self.workdir = workdir
        self.jobs = jobs
        self.cell_timeout = cell_timeout
        self._pool: ProcessPoolExecutor | None = None
        self._instructor: Path | None = None
        self._casefile = workdir / f"{spec.name}.cases.npz"

    def __enter__(self) -> NbclientEngine:
        self._instructor = instructor_notebook(self.spec.name, self.workdir)
        released = release_dir(self.spec.name) / self._casefile.name
        if released.is_file():
            shutil.copy(released, self._casefile)
        else:
            write_public_cases(self.spec, self._casefile)
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def grade_one(self, sub: Submission) -> StudentResult:
        """Have a worker process grade ``sub`` and wait for its verdicts."""
        if self._pool is None or self._instructor is None:
            raise RuntimeError("NbclientEngine.grade_one called outside 'with engine:'")
        data = self._pool.submit(
            grade_submission,
            self.spec.name,
            str(sub.notebook) if sub.notebook else None,
            str(self._instructor),
            str(self._casefile),
            cell_timeout=self.cell_timeout,
        ).result()
        res = StudentResult(sub.student)
        res.parts = [PartResult.from_dict(d) for d in data["parts"]]
        res.notes = list(data.get("notes", []))
        res.seconds = float(data.get("seconds", 0.0))
        return res
