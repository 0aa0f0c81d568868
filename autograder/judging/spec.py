"""The grading spec: graded parts, their cases and the checks that score them.

A spec is plain data plus case generators. Each assignment's spec lives next to its source
(``source/<assignment>/grading_spec.py``, instructor-only) and defines ``SPEC``. The public part of
a spec (every part's definition and the public cases with their reference records) is written into
the release as ``<assignment>.cases.npz`` by :mod:`autograder.judging.casefile`, so a student's
kernel can judge public cases without the spec module, the hidden cases or ``solutions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

CheckKind = Literal["match", "equal", "selfgrad", "at_least", "true"]


class Tolerance(TypedDict):
    """A ``match`` check's tolerances, for ``Check(..., **tol)``: ``|got - want| <= atol +
    rtol * |want|`` entrywise."""

    rtol: float
    atol: float


@dataclass(frozen=True)
class Check:
    """One comparison made on every case of a part (unless the case restricts its checks).

    Attributes
    ----------
    kind : {"match", "equal", "selfgrad", "at_least", "true"}
        ``match``: the student's output ``output`` is close to the reference's (``rtol``, ``atol``).
        ``equal``: exactly equal (labels, counts). ``selfgrad``: the student's analytic gradient
        ``output`` agrees with the finite differences ``against`` of the student's own function
        (gradient-check rule): a diagnostic shown when a scored check fails, never credit.
        ``at_least``: the student's scalar ``output`` is at least
        ``threshold`` (full credit), with linear partial credit down to ``floor``. ``true``: the
        student's boolean ``output`` is true.
    output : str
        Name of the recorded output.
    against : str
        For ``selfgrad``: the record holding the numeric gradient.
    rtol, atol : float
        Tolerances of ``match``.
    threshold, floor : float
        For ``at_least``.
    label : str
        How the check is named in messages (defaults to ``output``).
    weight : float
        Its share of the case's credit relative to the other checks (default 1): a group of
        checks on one property (the initial value of every parameter tensor) can share one.
    """

    kind: CheckKind
    output: str
    against: str = ""
    rtol: float = 1e-6
    atol: float = 1e-8
    threshold: float = 0.0
    floor: float | None = None
    label: str = ""
    weight: float = 1.0

    @property
    def name(self) -> str:
        """The label shown to students."""
        return self.label or self.output

    @property
    def key(self) -> str:
        """How a case names this check in ``Case.checks``: the output, or ``selfgrad:<output>``."""
        return f"selfgrad:{self.output}" if self.kind == "selfgrad" else self.output


@dataclass(frozen=True)
class Case:
    """A seeded input of a part.

    Attributes
    ----------
    name : str
        Unique within the part, e.g. ``"small"``; shown for public cases only.
    args : dict
        Keyword arguments of the probe: arrays, numbers, strings, booleans.
    note : str
        What the case exercises (``"scores of 1e4"``); shown even for hidden cases.
    checks : tuple of str, optional
        Keys (:attr:`Check.key`) of the part's checks that apply to this case; all by default.
    """

    name: str
    args: dict[str, Any]
    note: str = ""
    checks: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Part:
    """A graded part: one test cell, one probe, its checks and cases.

    Attributes
    ----------
    id : str
        The nbgrader ``grade_id`` of the part's test cell.
    title : str
        Human title.
    functions : tuple of str
        Names the student defines for this part; the probe looks them up in the notebook.
    points : float
        Maximum score.
    probe : str
        Name of the probe in :data:`autograder.judging.probes.PROBES`.
    checks : tuple of Check
    public_cases, hidden_cases : callable
        Zero-argument functions returning the list of cases (so hidden inputs are only ever
        generated where the spec module is present).
    options : dict
        Probe options shared by every case (e.g. ``{"wrt": "W"}``); also ``hint_facts``, what
        the part computes, so that a hint names only causes that can happen here
        (``"square"``, ``"mean_entries"``, ``"mean_samples"``, ``"exp"``, ``"softmax"``;
        see :func:`autograder.student.hints.diagnose`), ``no_overflow`` (an overflow warning
        costs a check's credit), ``passes`` (parameters the probe itself passes, for the
        coverage check) and ``gate``, a list of check keys: a case where any of them fails
        scores 0 (side conditions such as "W0 left unchanged" earn nothing without the core
        result).
    hints : dict
        Extra hints keyed by check output, shown when that check fails; a key
        ``"<output>:nonfinite"`` is shown only when that output holds NaN or infinity.
    """

    id: str
    title: str
    functions: tuple[str, ...]
    points: float
    probe: str
    checks: tuple[Check, ...]
    public_cases: Callable[[], list[Case]] = field(default=lambda: [], compare=False)
    hidden_cases: Callable[[], list[Case]] = field(default=lambda: [], compare=False)
    options: dict[str, Any] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignmentSpec:
    """Every graded part of one assignment, in notebook order.

    Attributes
    ----------
    name : str
        The assignment's folder name, e.g. ``"a1_linear_classifiers"``.
    parts : tuple of Part
    reference_module : str
        Dotted module of the reference implementation (instructor-only), e.g.
        ``"solutions.a1_linear_classifiers"``.
    manual_parts : dict
        ``grade_id -> points`` of written answers graded by hand in nbgrader's formgrader.
    """

    name: str
    parts: tuple[Part, ...]
    reference_module: str
    manual_parts: dict[str, float] = field(default_factory=dict)

    def part(self, part_id: str) -> Part:
        """Return the part with this id.

        Raises
        ------
        KeyError
            Listing the known ids.
        """
        for p in self.parts:
            if p.id == part_id:
                return p
        known = ", ".join(p.id for p in self.parts)
        raise KeyError(f"{self.name} has no graded part {part_id!r}; known parts: {known}")

    @property
    def total_points(self) -> float:
        """Auto-graded plus manually graded points."""
        return sum(p.points for p in self.parts) + sum(self.manual_parts.values())
