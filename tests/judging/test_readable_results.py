"""What people read: totals that name the hand-graded points, the in-notebook HTML table, the
one line for an unanswered part, and the class report's per-part table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.course import load_spec
from autograder.judging.render import (
    is_unanswered,
    part_table_html,
    part_text,
    total_line,
    unanswered_line,
)
from autograder.judging.results import CaseResult, PartResult
from autograder.pipeline.outputs import write_feedback, write_report
from autograder.student.grader import RESULT_MIME, PartReport

A1 = "a1_linear_classifiers"
NOT_IMPL = "raised NotImplementedError (line 3: `raise NotImplementedError()`)"


def _part(scores: list[float], messages: list[list[str]], points: float = 6.0) -> PartResult:
    cases = [
        CaseResult(f"case {i}", False, "a note", s, m, "ok" if s >= 1 else "failed")
        for i, (s, m) in enumerate(zip(scores, messages, strict=True))
    ]
    score = points * sum(scores) / len(scores)
    status = "ok" if score >= points else "failed"
    return PartResult("test_x", "The <x> part", points, score, status, cases)


def test_total_line_names_the_hand_graded_points() -> None:
    assert (
        total_line(75.18928, 92, 8) == "75.19 / 92 auto-graded points, plus 8 points graded by hand"
    )
    assert total_line(0, 92, 0) == "0 / 92 auto-graded points"


def test_html_table_colours_each_case_and_escapes_messages() -> None:
    result = _part([1.0, 0.5, 0.0], [[], ["hint: N = 3 times too large"], ["<script>x</script>"]])
    html = part_table_html(result)
    rows = re.findall(r"<tr><td.*?</tr>", html)
    assert len(rows) == 3
    # credit cells: full green, partial amber, none red, each with its percentage
    assert "#e6f4ea" in rows[0] and ">ok<" in rows[0]
    assert "#fdf3dc" in rows[1] and ">50%<" in rows[1] and "N = 3 times too large" in rows[1]
    assert "#fce8e6" in rows[2] and ">0%<" in rows[2]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "The &lt;x&gt; part" in html and "3 / 6 points" in html  # 6 * (1 + .5 + 0) / 3
    assert "FAIL" in html and "#b3261e" not in rows[0]


def test_notebook_report_is_html_with_the_text_report_as_fallback() -> None:
    result = _part([1.0, 0.0], [[], ["wrong sign"]])
    report = PartReport(result)
    bundle = report.mimebundle()
    assert bundle["text/plain"] == part_text(result) == repr(report)
    assert bundle["text/html"] == part_table_html(result) == report._repr_html_()
    assert PartResult.from_dict(bundle[RESULT_MIME]) == result


def test_unanswered_part_is_one_line() -> None:
    untouched = _part([0.0, 0.0], [[NOT_IMPL], [NOT_IMPL]])
    assert is_unanswered(untouched)
    line = unanswered_line(untouched)
    assert "\n" not in line and line.startswith("[TODO] The <x> part (test_x)")
    assert "0 / 6 points" in line
    half = _part([0.0, 0.0], [[NOT_IMPL], ["shape (3,), expected (3, 1)"]])
    assert not is_unanswered(half)


def test_class_report_shows_max_points_and_status_counts(tmp_path: Path) -> None:
    spec = load_spec(A1)
    first = spec.parts[0]

    def row(status: str, score: float) -> list[PartResult]:
        head = PartResult(first.id, first.title, first.points, score, status, [])
        rest = [PartResult(p.id, p.title, p.points, p.points, "ok", []) for p in spec.parts[1:]]
        return [head, *rest]

    rows = [("ann", row("ok", first.points)), ("bob", row("failed", 1.0)), ("cy", row("error", 0))]
    path = tmp_path / "report.html"
    write_report(path, spec, rows)
    text = path.read_text()
    header = re.search(r"<tr><th>part</th><th>max</th><th>mean</th>(.*?)</tr>", text)
    assert header is not None
    assert re.findall(r"<th>(\w+)</th>", header.group(1)) == ["ok", "failed", "error"]
    cells = re.search(rf"<tr><td>1\. .*?\({first.id}\)</small></td>(.*?)</tr>", text)
    assert cells is not None
    values = re.findall(r"<td[^>]*>([^<]*)</td>", cells.group(1))
    mean = (first.points + 1.0 + 0) / 3
    assert values == [f"{first.points:g}", f"{mean:.2f}", "1", "1", "1"]
    for gid, pts in spec.manual_parts.items():
        assert f"<td>{gid} <small>(written, graded by hand)</small></td><td>{pts:g}</td>" in text
    auto, manual = sum(p.points for p in spec.parts), sum(spec.manual_parts.values())
    assert f"out of {auto:g} auto-graded points, plus {manual:g} points graded by hand" in text
    assert "data:image/png;base64," in text


def test_feedback_total_names_the_hand_graded_points(tmp_path: Path) -> None:
    spec = load_spec(A1)
    parts = [PartResult(p.id, p.title, p.points, 0.0, "failed", []) for p in spec.parts]
    path = tmp_path / "fb.html"
    write_feedback(path, spec, "ann", parts)
    auto, manual = sum(p.points for p in spec.parts), sum(spec.manual_parts.values())
    assert f"0 / {auto:g} auto-graded points, plus {manual:g} points graded by hand" in (
        path.read_text()
    )


@pytest.mark.parametrize("manual", [0.0, 8.0])
def test_grade_summary_says_what_is_graded_by_hand(manual: float) -> None:
    from dataclasses import replace

    from autograder.pipeline.outputs import summary_text

    spec = load_spec(A1)
    spec = replace(spec, manual_parts={"written": manual} if manual else {})
    text = summary_text(spec, [])
    assert ("plus 8 points graded by hand" in text) == bool(manual)


def test_html_table_of_an_unanswered_part_says_what_to_do() -> None:
    html = part_table_html(_part([0.0, 0.0], [[NOT_IMPL], [NOT_IMPL]]))
    assert "TO DO" in html and "Not answered yet" in html
    assert html.count("<tr>") == 3  # header, column names, one row instead of one per case
