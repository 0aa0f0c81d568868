"""A student in JupyterLab: open the a1 release, run a test cell before and after answering."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from autograder.course import load_spec, release_dir
from autograder.instructor.demo import reference_submission
from autograder.notebook_files import nbgrader_meta
from tests.browser.conftest import Lab, dismiss_news, screenshot_dir

A1 = "a1_linear_classifiers"
PART = "test_add_bias_column"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _answer(grade_id: str) -> str:
    """The reference answer for one answer cell (what a student who got it right types)."""
    nb = reference_submission(A1)
    return next(c.source for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def _cell(page: Any, text: str) -> Any:
    """The notebook cell whose text contains ``text``."""
    return page.locator(".jp-Notebook .jp-Cell").filter(has_text=text).first


def _report(page: Any) -> Any:
    """The HTML report table in the first test cell's output."""
    return _cell(page, f'grader.check("{PART}"').locator("table.dlf-report").first


def _run_cell(page: Any, cell: Any) -> None:
    """Select ``cell``, run it with Shift+Enter and wait until it has run (``[n]:`` prompt)."""
    prompt = cell.locator(".jp-InputArea-prompt").first
    prompt.scroll_into_view_if_needed()
    prompt.click()  # select the cell (command mode)
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "e => /\\[\\d+\\]/.test(e.textContent)", arg=prompt.element_handle(), timeout=60_000
    )


def test_student_runs_a_test_cell_unanswered_then_answered(
    lab_factory: Any, page: Any, tmp_path: Path
) -> None:
    work = tmp_path / "student"
    work.mkdir()
    for item in release_dir(A1).iterdir():  # what a student downloads: notebook and case file
        shutil.copy(item, work / item.name)
    lab: Lab = lab_factory(work)
    page.goto(lab.at(f"lab/tree/{A1}.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    dismiss_news(page)
    shots = screenshot_dir()
    part = load_spec(A1).part(PART)

    # 1. run the first cells (imports, data), the answer cell as released, then the test cell
    for text in (
        "from autograder.student.grader import Grader",
        "load_digits_split(",
        "def add_bias_column(",
    ):
        _run_cell(page, _cell(page, text))
    test_cell = _cell(page, f'grader.check("{PART}"')
    _run_cell(page, test_cell)
    report = _report(page)
    try:
        report.wait_for(state="attached")
    except Exception:
        page.screenshot(path=str(shots / "student_failure.png"))
        raise  # off-screen cells may be rendered lazily
    report.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "student_unanswered.png"))
    text = report.inner_text()
    assert f"0 / {part.points:g} points" in text
    assert "TO DO" in text and "Not answered yet" in text and "NotImplementedError()" in text
    header = report.locator("th").first
    assert header.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"  # red
    # the plain-text report is there too, for consoles and nbconvert (not shown in the page)
    assert "[PASS]" not in test_cell.inner_text()

    # 2. type the right answer in the answer cell, run it, then the test cell again
    answer = _cell(page, "def add_bias_column(")
    answer.locator(".cm-content").first.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(_answer("add_bias_column"))
    page.keyboard.press("Shift+Enter")  # runs the answer cell, selects the test cell
    page.keyboard.press("Shift+Enter")  # runs the test cell
    passed = _cell(page, f'grader.check("{PART}"').locator("table.dlf-report", has_text="PASS")
    passed.wait_for(state="attached")
    passed.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "student_answered.png"))
    text = passed.inner_text()
    assert f"{part.points:g} / {part.points:g} points" in text
    assert "NotImplementedError" not in text
    header = passed.locator("th").first
    assert header.evaluate("e => getComputedStyle(e).color") == "rgb(30, 123, 52)"  # green
    # every public case is listed with its credit
    cases = [c.name for c in part.public_cases()]
    rows = passed.locator("tr").all_inner_texts()
    for name in cases:
        assert any(r.startswith(name) and "ok" in r for r in rows), (name, rows)
