"""The three ways to grade a batch, behind one interface (:class:`.base.Engine`).

- :mod:`.isolated` (default): the notebook runs in the sandbox, which only returns raw values;
  they are measured and judged here against ``solutions``;
- :mod:`.nbclient`: worker processes execute each notebook in its own kernel with the hidden
  tests in its test cells (:mod:`.nbclient_worker`), scored by nbgrader's rule;
- :mod:`.nbgrader`: the real ``nbgrader autograde``, once per submission in its own course folder.

:func:`.base.run_pool` runs any of them over a batch, a few submissions at a time.
"""

from __future__ import annotations

from pathlib import Path

from autograder.judging.spec import AssignmentSpec
from autograder.pipeline.engines.base import Engine, run_pool
from autograder.sandbox.limits import Limits

ENGINE_NAMES = ("isolated", "nbclient", "nbgrader")


def make_engine(
    name: str,
    spec: AssignmentSpec,
    workdir: Path,
    *,
    jobs: int,
    cell_timeout: int,
    submission_timeout: float,
    memory_bytes: int,
    max_processes: int,
) -> Engine:
    """The engine called ``name`` (one of :data:`ENGINE_NAMES`), not yet started.

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if name == "isolated":
        from autograder.pipeline.engines.isolated import IsolatedEngine

        limits = Limits(
            cell_timeout=cell_timeout,
            part_timeout=cell_timeout,
            submission_timeout=submission_timeout,
            memory_bytes=memory_bytes,
            max_processes=max_processes,
        )
        return IsolatedEngine(spec, limits)
    if name == "nbclient":
        from autograder.pipeline.engines.nbclient import NbclientEngine

        return NbclientEngine(spec, workdir, jobs=jobs, cell_timeout=cell_timeout)
    if name == "nbgrader":
        from autograder.pipeline.engines.nbgrader import NbgraderEngine

        return NbgraderEngine(
            spec, workdir, cell_timeout=cell_timeout, submission_timeout=submission_timeout
        )
    raise ValueError(
        f"grade: unknown engine {name!r}; expected one of {', '.join(map(repr, ENGINE_NAMES))}"
    )


__all__ = ["ENGINE_NAMES", "Engine", "make_engine", "run_pool"]
