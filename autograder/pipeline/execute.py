"""Run a notebook with nbclient, after putting its test cells back as the instructor wrote them.

The verdicts are then read from the executed test cells by :mod:`autograder.pipeline.outcomes`.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from autograder.course import course_root
from autograder.notebook_files import nbgrader_meta
from autograder.pipeline.outcomes import graded_test_cells

TIMEOUT_ERROR = {
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["CellTimeoutError: the cell did not finish within the time limit"],
}


def restore_test_cells(nb: NotebookNode, reference: NotebookNode) -> list[str]:
    """Replace every test cell of ``nb`` by ``reference``'s and put back deleted ones.

    Test cells are matched by ``grade_id``; a missing one is inserted after the cell that
    precedes it in ``reference`` (or at the end). Returns the ids that were missing.
    """
    tests = graded_test_cells(reference)
    order = list(reference.cells)
    seen = set()
    for i, cell in enumerate(nb.cells):
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in tests:
            nb.cells[i] = copy.deepcopy(tests[gid])
            seen.add(gid)
    missing = [gid for gid in tests if gid not in seen]
    for gid in missing:
        ref_index = next(i for i, c in enumerate(order) if nbgrader_meta(c).get("grade_id") == gid)
        anchor = nbgrader_meta(order[ref_index - 1]).get("grade_id") if ref_index else None
        pos = next(
            (
                i + 1
                for i, c in enumerate(nb.cells)
                if anchor and nbgrader_meta(c).get("grade_id") == anchor
            ),
            len(nb.cells),
        )
        nb.cells.insert(pos, copy.deepcopy(tests[gid]))
    return missing


def execute(
    nb: NotebookNode, workdir: Path, *, timeout: int = 60, env: dict[str, str] | None = None
) -> str:
    """Execute ``nb`` in place with its kernel's working directory ``workdir``.

    Returns
    -------
    str
        ``""`` when it ran to the end, else why it stopped (``"dead kernel"``).
    """
    saved = dict(os.environ)
    os.environ.setdefault("DLF_COURSE_ROOT", str(course_root(required=False) or ""))
    os.environ.update(env or {})
    sockets = tempfile.mkdtemp(prefix="dlf-kernel-")
    # local (unix) sockets in a private folder rather than TCP on loopback: no other user can
    # connect, and ipykernel does not warn on stderr about unencrypted TCP
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
    try:
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout=TIMEOUT_ERROR,
            resources={"metadata": {"path": str(workdir)}},
        )
        client.execute()
        return ""
    except DeadKernelError:
        return "dead kernel"
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if km.has_kernel:  # nbclient leaves a kernel manager it was given running
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
