"""End to end for every demo assignment: build check, validate, grading demo and faulty submissions.

Expected outcomes are stated before grading (by
:func:`autograder.instructor.demo.demo_submissions`): the
reference earns every auto-graded point, the untouched release none, the mistaken submission
loses points on exactly the parts its mistakes touch, and each faulty submission gets its row
with the status of its fault while its other parts grade normally.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from autograder.course import load_spec
from autograder.instructor.build import build
from autograder.instructor.demo import DEMO_ASSIGNMENTS, demo_submissions
from autograder.instructor.validate import validate
from autograder.pipeline.check import check_notebook
from autograder.pipeline.grade import grade
from tests.golden_support import assert_matches_golden

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=DEMO_ASSIGNMENTS)
def assignment(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def graded(
    assignment: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, dict[str, str]], Path, list]:
    folder = tmp_path_factory.mktemp("subs")
    expected = demo_submissions(assignment, folder, faults=True)
    out = tmp_path_factory.mktemp("graded")
    results = grade(assignment, folder, out, jobs=2, cell_timeout=20, progress=False)
    return expected, out, results


def test_release_is_fresh_and_leak_free(assignment: str) -> None:
    report = build(assignment, check=True)
    assert report.drift == []
    assert report.leaks == []


def test_validate_source_passes_release_fails(assignment: str) -> None:
    report = validate(assignment)
    assert report.problems == []
    assert all(r.score == r.points for r in report.source)
    assert all(r.score == 0 for r in report.release)
    # the notebook's run time is measured by benchmarks/notebook_time.py, never asserted here


def test_every_student_has_a_row_per_part(assignment: str, graded) -> None:
    expected, out, _ = graded
    spec = load_spec(assignment)
    with (out / "gradebook.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    students = {r["student"] for r in rows}
    assert students == set(expected)
    per_student = len(spec.parts) + len(spec.manual_parts)
    assert len(rows) == per_student * len(students)
    assert {r["status"] for r in rows if r["part"] in spec.manual_parts} == {"manual"}
    for student in students:
        assert (out / "feedback" / student / f"{assignment}.html").is_file()
    assert (out / "report.html").stat().st_size > 10_000  # holds the plotted distributions


def test_statuses_match_expectations(assignment: str, graded) -> None:
    expected, _, results = graded
    auto_total = sum(p.points for p in load_spec(assignment).parts)
    by_student = {r.student: r for r in results}
    assert by_student["reference"].score == auto_total
    assert by_student["untouched"].score == 0
    for student, want in expected.items():
        for part in by_student[student].parts:
            exp = want.get(part.part_id, "ok")
            if exp == "not ok":
                assert part.status != "ok", (student, part.part_id)
            else:
                assert part.status == exp, (
                    student,
                    part.part_id,
                    part.status,
                    part.cases[0].messages,
                )
            if exp == "ok":
                assert part.score == part.points, (student, part.part_id)
            else:
                assert part.score < part.points, (student, part.part_id)


def test_feedback_never_shows_hidden_tests(assignment: str, graded) -> None:
    _, out, _ = graded
    html = (out / "feedback" / "mistakes" / f"{assignment}.html").read_text()
    assert "hidden=True" not in html
    assert "BEGIN HIDDEN" not in html
    assert "hidden case" in html  # hidden cases are reported, without their values


def test_check_command_matches_grade(assignment: str, graded, tmp_path: Path) -> None:
    _expected, _out, results = graded
    folder = tmp_path / "subs"
    demo_submissions(assignment, folder)
    nb = folder / "submitted" / "mistakes" / assignment / f"{assignment}.ipynb"
    checked, _ = check_notebook(nb, hidden=True, timeout=60)
    graded_scores = {
        p.part_id: p.score for p in next(r for r in results if r.student == "mistakes").parts
    }
    assert {p.part_id: p.score for p in checked} == graded_scores


def test_gradebook_is_unchanged_by_refactoring(assignment: str, graded) -> None:
    """Every verdict of the demo batch (faults included) equals the committed snapshot."""
    _, _, results = graded
    assert_matches_golden(results, f"demo_{assignment}")
