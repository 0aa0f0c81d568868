"""The verdict types: one case, one part, one student; and the same verdict for every part.

Plain dataclasses, JSON-ready (:meth:`PartResult.to_dict`), shared by the in-notebook checks,
every grading engine and the outputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from autograder.judging.spec import AssignmentSpec, Part

STATUSES = ("ok", "failed", "error", "timeout", "missing", "invalid", "manual")


@dataclass
class CaseResult:
    """The verdict on one case.

    Attributes
    ----------
    name : str
        Case name (``"hidden 2"`` for hidden cases).
    hidden : bool
    note : str
    score : float
        In ``[0, 1]``.
    messages : list of str
        One per failed check, plus notes (mutation, warnings).
    status : str
        One of :data:`STATUSES` but ``manual``.
    """

    name: str
    hidden: bool
    note: str
    score: float
    messages: list[str] = field(default_factory=list)
    status: str = "ok"


@dataclass
class PartResult:
    """The verdict on one part, serialisable to JSON with :meth:`to_dict`."""

    part_id: str
    title: str
    points: float
    score: float
    status: str
    cases: list[CaseResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PartResult:
        """Rebuild from :meth:`to_dict`'s output."""
        cases = [CaseResult(**c) for c in data.get("cases", [])]
        return cls(
            part_id=data["part_id"],
            title=data.get("title", data["part_id"]),
            points=float(data["points"]),
            score=float(data["score"]),
            status=data["status"],
            cases=cases,
        )


def failed_part(part: Part, status: str, message: str, case: str = "submission") -> PartResult:
    """A part that earned nothing, with one pseudo-case named ``case`` that says why."""
    return PartResult(
        part.id,
        part.title,
        part.points,
        0.0,
        status,
        [CaseResult(case, False, "", 0.0, [message], status)],
    )


def uniform_results(parts: Iterable[Part], status: str, message: str) -> list[PartResult]:
    """The same verdict for every part (nothing submitted, an unreadable file, a dead grader)."""
    return [failed_part(p, status, message) for p in parts]


def nothing_submitted(spec: AssignmentSpec) -> list[PartResult]:
    """Every part ``missing``: the student's folder holds no notebook of the assignment."""
    return uniform_results(spec.parts, "missing", f"no {spec.name}.ipynb was submitted")


def unreadable_notebook(spec: AssignmentSpec, exc: BaseException) -> list[PartResult]:
    """Every part ``invalid``: the submitted file is not a notebook (one wording everywhere)."""
    return uniform_results(
        spec.parts,
        "invalid",
        f"the file is not a valid notebook ({type(exc).__name__}): was it truncated or edited "
        "outside Jupyter?",
    )


@dataclass
class StudentResult:
    """Every part's verdict for one student, plus how grading went.

    Attributes
    ----------
    student : str
    parts : list of PartResult
        One per auto-graded part, in the spec's order.
    seconds : float
        Wall-clock time spent grading (reported, never scored).
    problem : str
        The grader's own trouble (an exception), for the instructor.
    notes : list of str
        What the student should know (restored test cells, skipped cells, a renamed file).
    """

    student: str
    parts: list[PartResult] = field(default_factory=list)
    seconds: float = 0.0
    problem: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Auto-graded total."""
        return sum(p.score for p in self.parts)
