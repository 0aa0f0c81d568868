"""The nbgrader route from a clean checkout, with README's commands, as an instructor runs them.

Every command runs by its ``.venv/bin/`` path with a PATH that does not hold the virtual
environment (not activated), in the course folder made by ``autograder nbgrader-course``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import course_root, load_spec
from autograder.instructor.demo import demo_submissions
from autograder.notebook_files import nbgrader_meta, read_notebook, write_notebook

A1 = "a1_linear_classifiers"
BIN = Path(sys.executable).parent
BARE_PATH = "/usr/bin:/bin"  # no virtual environment on PATH (and no `alembic` there)
pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = BARE_PATH
    env["MPLBACKEND"] = "Agg"
    return env


def _run(cwd: Path, *cmd: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(cmd), cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``autograder nbgrader-course a1`` then the demo submissions plus one edited test cell."""
    folder = tmp_path_factory.mktemp("nbgrader") / "course"
    proc = _run(
        Path.cwd(), str(BIN / "autograder"), "nbgrader-course", "a1", "--folder", str(folder)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{A1}: source, release and gradebook ready" in proc.stdout
    demo_submissions(A1, folder)
    # a student who edits a locked test cell: nbgrader must still warn about that one cell
    nb = read_notebook(folder / "submitted" / "reference" / A1 / f"{A1}.ipynb")
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "test_perceptron":
            cell.source = "score = 8.0\nscore"
    tamper = folder / "submitted" / "tamperer" / A1
    tamper.mkdir(parents=True)
    write_notebook(nb, tamper / f"{A1}.ipynb")
    return folder


def test_course_folder_has_sources_case_files_and_gradebook(course: Path) -> None:
    from nbgrader.api import Gradebook

    src = course / "source" / A1
    assert (src / f"{A1}.ipynb").is_file() and (src / f"{A1}.cases.npz").is_file()
    assert (course / "nbgrader_config.py").read_text() == (
        course_root() / "nbgrader_config.py"  # type: ignore[operator]
    ).read_text()
    spec = load_spec(A1)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(A1)
        assert [n.name for n in assignment.notebooks] == [A1]
        assert assignment.max_score == spec.total_points
        graded = {c.name: c.max_score for c in assignment.notebooks[0].grade_cells}
    assert graded == {p.id: p.points for p in spec.parts} | spec.manual_parts


def test_nbgrader_creates_a_gradebook_without_alembic_on_path(tmp_path: Path) -> None:
    # nbgrader runs the `alembic` executable when it creates a gradebook; the course's config
    # puts the one next to nbgrader's Python on PATH
    bare = tmp_path / "bare"
    bare.mkdir()
    proc = _run(bare, str(BIN / "nbgrader"), "db", "student", "list")
    assert proc.returncode != 0 and "alembic" in proc.stderr  # the cause, without our config
    configured = tmp_path / "configured"
    configured.mkdir()
    shutil.copy(course_root() / "nbgrader_config.py", configured)  # type: ignore[operator]
    proc = _run(configured, str(BIN / "nbgrader"), "db", "student", "list")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (configured / "gradebook.db").is_file()


def test_autograde_feedback_export_match_autograder_grade(course: Path, tmp_path: Path) -> None:
    proc = _run(course, str(BIN / "nbgrader"), "autograde", A1, timeout=900)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    # no false "checksum has changed" warning; the one edited test cell is still reported
    warnings = [line for line in log.splitlines() if "checksum" in line]
    assert len(warnings) == 1 and "test_perceptron" in warnings[0], warnings
    proc = _run(course, str(BIN / "nbgrader"), "generate_feedback", A1)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for student in ("reference", "untouched", "mistakes", "tamperer"):
        assert (course / "feedback" / student / A1 / f"{A1}.html").is_file()
    proc = _run(course, str(BIN / "nbgrader"), "export")
    assert proc.returncode == 0, proc.stderr[-2000:]
    with (course / "grades.csv").open() as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    # the same submissions through the project's own grader
    out = tmp_path / "grades"
    proc = _run(
        Path.cwd(), str(BIN / "autograder"), "grade", A1, str(course / "submitted"),
        "--out", str(out), "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours: dict[str, float] = {}
    with (out / "gradebook.csv").open() as f:
        for row in csv.DictReader(f):
            if row["status"] != "manual":
                ours[row["student"]] = ours.get(row["student"], 0.0) + float(row["score"])
    spec = load_spec(A1)
    auto = sum(p.points for p in spec.parts)
    assert ours["reference"] == pytest.approx(auto) and ours["untouched"] == 0.0
    assert 0 < ours["mistakes"] < auto
    for student in ("reference", "untouched", "mistakes"):
        assert float(exported[student]["raw_score"]) == pytest.approx(ours[student], abs=1e-4)
        assert float(exported[student]["max_score"]) == spec.total_points
    # the tampered test cell was put back and graded for real: same as the reference
    assert float(exported["tamperer"]["raw_score"]) == pytest.approx(auto, abs=1e-4)


@pytest.mark.parametrize("student", ["untouched", "reference"])
def test_validate_says_failed_for_zero_and_passed_for_full_marks(
    course: Path, student: str
) -> None:
    nb = course / "submitted" / student / A1 / f"{A1}.ipynb"
    proc = _run(course, str(BIN / "nbgrader"), "validate", str(nb), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = proc.stdout
    spec = load_spec(A1)
    if student == "reference":
        assert "Success! Your notebook passes all the tests." in text, text[-3000:]
        assert "FAILED" not in text
        return
    # every auto-graded part scores 0: each is reported failed, none as "partial credit"; the
    # two written answers are reported unanswered
    failing = len(spec.parts) + len(spec.manual_parts)
    assert f"VALIDATION FAILED ON {failing} CELL(S)" in text, text[:3000]
    assert text.count("FAILED: 0 /") == len(spec.parts)
    assert "Partial credit" not in text
