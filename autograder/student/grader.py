"""The checks a notebook's test cells call (student-facing).

Usage in a notebook::

    from autograder.student.grader import Grader
    grader = Grader("a1_linear_classifiers")
    ...
    grader.check("test_svm_loss_naive", globals())   # in the part's test cell

``check`` probes the student's functions on the part's public cases (expected values read from
the release's ``<assignment>.cases.npz``), shows a report (in JupyterLab a coloured HTML table,
elsewhere the same report as text) and returns the score as a float in ``[0, points]``, which
nbgrader reads as the cell's partial credit. It writes to stderr only for a part's final verdict
of 0 points (see :func:`_say_failed`), so a correct cell can never be zeroed by stray output.
With ``hidden=True`` (only in the instructor's hidden test blocks) it also runs the hidden cases,
generated from the grading spec in the course repository and judged against ``solutions``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.judging.casefile import CaseFile
from autograder.judging.judge import judge_part
from autograder.judging.probes import probe_and_measure
from autograder.judging.records import Record
from autograder.judging.render import part_table_html, part_text
from autograder.judging.results import PartResult
from autograder.judging.spec import Case, Part

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


class PartReport:
    """A part's verdict as a notebook shows it: an HTML table, with the text report as fallback.

    Parameters
    ----------
    result : PartResult
    only_hidden : bool
        Show the hidden cases only (the public ones were just shown).
    """

    def __init__(self, result: PartResult, *, only_hidden: bool = False) -> None:
        self.result = result
        self.only_hidden = only_hidden

    def _repr_html_(self) -> str:
        return part_table_html(self.result, only_hidden=self.only_hidden)

    def __repr__(self) -> str:
        return part_text(self.result, only_hidden=self.only_hidden)

    def mimebundle(self) -> dict[str, Any]:
        """HTML, plain text and the machine-readable result the graders read back."""
        return {
            "text/plain": repr(self),
            "text/html": self._repr_html_(),
            RESULT_MIME: self.result.to_dict(),
        }


def _show(report: PartReport) -> None:
    """Display the report (rich, with the result attached) under IPython, else print it."""
    shell = None
    if os.environ.get("DLF_RESULT_JSON", "1") == "1":
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython ships with every kernel
            shell = None
    if shell is None:
        print(repr(report))
        return
    from IPython.display import display

    display(report.mimebundle(), raw=True)


def _say_failed(result: PartResult, *, final: bool) -> None:
    """Tell nbgrader's Validate that a part scoring 0 *failed* (it calls any 0 "partial credit").

    nbgrader gives a test cell 0 points when it writes to stderr, and its Validate reports that
    text; so one line goes to stderr, only when the verdict is 0 anyway and is the part's last
    (the hidden check when hidden tests follow: under ``nbgrader autograde`` the public check is
    never the last one).
    """
    if result.score > 0 or not final:
        return
    # short: nbgrader's Validate cuts the line at about 80 characters
    why = "the report above says what is wrong"
    sys.stderr.write(f"FAILED: 0 / {result.points:g} points ({why})\n")


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
        from autograder.judging.reference import usable_cases

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

        Warnings and stray output are captured and reported in the message, so they can never
        zero a correct cell under nbgrader; only a final verdict of 0 points writes one line to
        stderr (so nbgrader's Validate says the part failed).

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
        _show(PartReport(result, only_hidden=hidden))
        final = hidden or os.environ.get("NBGRADER_EXECUTION") == "validate"
        _say_failed(result, final=final)
        return float(result.score)
