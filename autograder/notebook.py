"""The checks a notebook's test cells call (student-facing).

Usage in a notebook::

    from autograder.notebook import Grader
    grader = Grader("a1_linear_classifiers")
    ...
    grader.check("test_svm_loss_naive", globals())   # in the part's test cell

``check`` probes the student's functions on the part's public cases (expected values read from
the release's ``<assignment>.cases.npz``), prints a report to stdout, never writes to stderr, and
returns the score as a float in ``[0, points]``, which nbgrader reads as the cell's partial credit.
With ``hidden=True`` (only in the instructor's hidden test blocks) it also runs the hidden cases,
generated from the grading spec in the course repository and judged against ``solutions``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.casefile import CaseFile
from autograder.judge import PartResult, judge_part
from autograder.probes import probe_and_measure
from autograder.records import Record
from autograder.report import part_text
from autograder.spec import Case, Part

RESULT_MIME = "application/vnd.dlf.part-result+json"


def _find_casefile(assignment: str) -> Path:
    name = f"{assignment}.cases.npz"
    candidates = [Path.cwd() / name]
    from autograder.course import course_root, release_dir

    root = course_root(required=False)
    if root is not None:
        candidates.append(release_dir(assignment, root) / name)
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"{name} was not found next to the notebook: keep the file that came with the assignment "
        "in the same folder as the notebook"
    )


def _emit(result: PartResult) -> None:
    """Attach the machine-readable result to the cell's outputs (when running under IPython)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with every kernel
        return
    if get_ipython() is None:
        return
    data = {RESULT_MIME: result.to_dict(), "text/plain": ""}
    display(data, raw=True)


class Grader:
    """Checks the parts of one assignment from inside its notebook.

    Parameters
    ----------
    assignment : str
        The assignment's folder name, e.g. ``"a1_linear_classifiers"``.
    """

    def __init__(self, assignment: str) -> None:
        self.assignment = assignment
        self._casefile: CaseFile | None = None
        self.results: dict[str, PartResult] = {}

    @property
    def casefile(self) -> CaseFile:
        """The release's public cases (loaded on first use)."""
        if self._casefile is None:
            self._casefile = CaseFile(_find_casefile(self.assignment))
        return self._casefile

    def _public(self, part_id: str) -> tuple[Part, list[tuple[Case, bool]], list[Record | None]]:
        part = self.casefile.part(part_id)
        pairs = self.casefile.cases(part_id)
        return part, [(c, False) for c, _ in pairs], [r for _, r in pairs]

    def _with_hidden(
        self, part_id: str
    ) -> tuple[Part, list[tuple[Case, bool]], list[Record | None]]:
        from autograder.course import load_spec
        from autograder.reference import usable_cases

        spec = load_spec(self.assignment)
        part = spec.part(part_id)
        pairs = [(c, False) for c in part.public_cases()] + [(c, True) for c in part.hidden_cases()]
        cases, refs, problems = usable_cases(spec, part, pairs)
        for problem in problems:
            print(f"[INSTRUCTOR] {problem}")
        return part, cases, refs

    def evaluate(
        self, part_id: str, namespace: Mapping[str, Any], *, hidden: bool = False
    ) -> PartResult:
        """Probe and judge one part without printing.

        Parameters
        ----------
        part_id : str
            The part's test-cell id.
        namespace : mapping
            Where the student's functions live (pass ``globals()``).
        hidden : bool
            Include the hidden cases (needs the course repository and ``solutions``).
        """
        part, cases, refs = self._with_hidden(part_id) if hidden else self._public(part_id)
        records = [probe_and_measure(namespace, part, case.args) for case, _ in cases]
        return judge_part(part, cases, records, refs)

    def check(self, part_id: str, namespace: Mapping[str, Any], *, hidden: bool = False) -> float:
        """Run a part's checks, print the report and return the score (the cell's last value).

        Nothing is written to stderr: warnings and stray output are captured and reported in
        the message, so they can never zero a correct cell under nbgrader.

        Returns
        -------
        float
            The score in ``[0, points]``.
        """
        sink = io.StringIO()
        with warnings.catch_warnings(), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            try:
                result = self.evaluate(part_id, namespace, hidden=hidden)
            except (KeyError, FileNotFoundError, OSError, ValueError) as exc:
                print(f"[ERROR] {part_id}: the check could not run: {exc}")
                return 0.0
        self.results[part_id] = result
        print(part_text(result, only_hidden=hidden))
        if os.environ.get("DLF_RESULT_JSON", "1") == "1":
            _emit(result)
        return float(result.score)

    def summary(self) -> str:
        """The scores of every part checked so far, as JSON text."""
        return json.dumps({k: [v.score, v.points, v.status] for k, v in self.results.items()})
