"""An instructor in the browser: formgrader's manual grading, the feedback pages, report.html."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from autograder.course import load_spec
from autograder.instructor.demo import demo_submissions
from tests.browser.conftest import BARE_PATH, BIN, WIDTH, Lab, fits_width, screenshot_dir

A1 = "a1_linear_classifiers"
GRADES_DELAY = 2.0  # seconds formgrader's grades request is held back (see the first test)
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _run(cwd: Path, *cmd: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=BARE_PATH, MPLBACKEND="Agg")
    proc = subprocess.run(
        list(cmd), cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, (cmd, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's instructor route: nbgrader-course, submissions, autograde (one student)."""
    course = tmp_path_factory.mktemp("formgrader") / "course"
    _run(Path.cwd(), str(BIN / "autograder"), "nbgrader-course", "a1", "--folder", str(course))
    demo_submissions(A1, course)
    _run(course, str(BIN / "nbgrader"), "autograde", A1, "--student", "reference")
    return course


def test_formgrader_grades_a_written_answer(
    graded_course: Path, lab_factory: Any, page: Any
) -> None:
    from nbgrader.api import Gradebook

    spec = load_spec(A1)
    written, points = next(iter(spec.manual_parts.items()))
    given = points - 1
    lab: Lab = lab_factory(graded_course)

    held_back = []

    def late_grades(route: Any) -> None:  # a loaded server: the grades arrive after the page
        held_back.append(route.request.url)
        time.sleep(GRADES_DELAY)
        route.continue_()

    page.route("**/formgrader/api/grades?*", late_grades)
    page.goto(lab.at("tree"))  # logs in (the token sets the session cookie)
    page.goto(f"{lab.url}/formgrader/gradebook/{A1}/{A1}")
    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gb:
        submission_id = gb.find_submission_notebook(A1, A1, "reference").id
    # the submissions list (names hidden by default: "Submission #1"), then that submission
    page.locator(f"a[href$='/formgrader/submissions/{submission_id}']").first.click()
    box = page.locator(f"input.score#{written}")
    box.wait_for()
    # The input is in the served HTML, but formgrader binds it to its grade (and renders the
    # stored score into it) only once its grades have been fetched: a value typed before then
    # is overwritten and never saved. Wait for that fetch, as a grader's eye waits for the page.
    page.wait_for_function(
        "() => window.formgrader && formgrader.grades && formgrader.grades.loaded === true",
        timeout=60_000,
    )
    assert box.input_value() == ""  # not graded yet
    box.fill(f"{given:g}")
    box.press("Tab")  # formgrader saves when the field loses focus
    box.scroll_into_view_if_needed()
    # the "saved" tick only flashes: wait for the score to reach the gradebook instead
    deadline = time.monotonic() + 60
    saved = None
    while time.monotonic() < deadline:
        with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gb:
            saved = gb.find_grade(written, A1, A1, "reference").manual_score
        if saved is not None:
            break
        time.sleep(0.5)
    page.screenshot(path=str(screenshot_dir() / "formgrader_written_answer.png"))
    assert held_back, "formgrader's grades request was never seen: the race is not exercised"
    assert saved == given
    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(A1, "reference")
        auto = sum(p.points for p in spec.parts)
        assert submission.score == pytest.approx(auto + given)
        assert submission.needs_manual_grade  # the other written answer is still to grade


def test_feedback_pages_and_class_report_fit_1280_px(
    graded_course: Path, page: Any, tmp_path: Path
) -> None:
    out = tmp_path / "grades"
    _run(
        Path.cwd(), str(BIN / "autograder"), "grade", A1, str(graded_course / "submitted"),
        "--out", str(out), "--quiet",
    )  # fmt: skip
    _run(graded_course, str(BIN / "nbgrader"), "generate_feedback", A1, "--student", "reference")
    pages = {
        "report.png": out / "report.html",
        "feedback_mistakes.png": out / "feedback" / "mistakes" / f"{A1}.html",
        "feedback_nbgrader.png": graded_course / "feedback" / "reference" / A1 / f"{A1}.html",
    }
    shots = screenshot_dir()
    spec = load_spec(A1)
    for shot, path in pages.items():
        assert path.is_file(), path
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(shots / shot), full_page=shot == "report.png")
        width, window = fits_width(page)
        assert window == WIDTH
        assert width <= window, f"{path.name} is {width} px wide in a {window} px window"
    page.goto(pages["report.png"].as_uri())
    text = page.inner_text("body")
    for part in spec.parts:  # each part with its maximum in the parts table
        assert part.title in text
    header = page.locator("table").first.locator("tr").first.inner_text()
    assert header.split() == ["part", "max", "mean", "ok", "failed", "error"]
    image = page.locator("img[alt='score distributions']")
    box = image.bounding_box()
    assert box is not None and box["width"] <= WIDTH
