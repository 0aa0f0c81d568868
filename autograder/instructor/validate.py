"""``autograder validate``: the source passes every test; the untouched release passes none;
the spec covers every parameter, dtype and no-modification promise and every kink
(:mod:`autograder.instructor.fidelity.coverage`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import load_spec, release_dir, source_dir
from autograder.judging.results import PartResult
from autograder.notebook_files import read_notebook, source_notebook
from autograder.pipeline.execute import execute
from autograder.pipeline.outcomes import read_outcomes


@dataclass
class ValidationReport:
    """Per-part results of the instructor notebook and of the release."""

    assignment: str
    source: list[PartResult] = field(default_factory=list)
    release: list[PartResult] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def validate(assignment: str, *, timeout: int = 120) -> ValidationReport:
    """Run the instructor notebook (with hidden tests) and the release; compare with the spec."""
    import time

    from autograder.instructor.fidelity.coverage import coverage_problems

    spec = load_spec(assignment)
    report = ValidationReport(assignment)
    report.problems += [f"coverage: {p}" for p in coverage_problems(assignment)]
    casefile = release_dir(assignment) / f"{assignment}.cases.npz"
    if not casefile.is_file():
        report.problems.append(f"{casefile} is missing: run `autograder build {assignment}` first")
        return report
    runs = {
        "source": source_notebook(source_dir(assignment) / f"{assignment}.py"),
        "release": read_notebook(release_dir(assignment) / f"{assignment}.ipynb"),
    }
    for name, nb in runs.items():
        with tempfile.TemporaryDirectory(prefix=f"dlf-validate-{name}-") as tmp:
            (Path(tmp) / casefile.name).write_bytes(casefile.read_bytes())
            start = time.perf_counter()
            why = execute(nb, Path(tmp), timeout=timeout)
            if name == "source":
                report.seconds = time.perf_counter() - start
        if why:
            report.problems.append(f"{name} notebook: {why}")
        ordered = read_outcomes(nb, list(spec.parts), cell_timeout=timeout)
        setattr(report, name, ordered)
        for res in ordered:
            if name == "source" and res.score < res.points:
                report.problems.append(
                    f"source: {res.part_id} scores {res.score:g} / {res.points:g} ({res.status})"
                )
            if name == "release" and res.score > 0:
                report.problems.append(
                    f"release: {res.part_id} scores {res.score:g} > 0 before any answer is written"
                )
        if name == "source":
            for cell in nb.cells:
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "stream" and out.get("name") == "stderr":
                        report.problems.append(
                            f"source: cell {cell.get('id')} wrote to stderr: "
                            f"{out.get('text', '')[:200]!r}"
                        )
                    if out.get("output_type") == "error" and cell.get("id") not in {
                        p.id for p in spec.parts
                    }:
                        report.problems.append(
                            f"source: cell {cell.get('id')} raised {out.get('ename')}"
                        )
    return report
