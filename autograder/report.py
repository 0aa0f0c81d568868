"""Text and HTML renderings of part results (what students and instructors read)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from autograder.judge import CaseResult, PartResult

_MARK = {
    "ok": "PASS",
    "failed": "FAIL",
    "error": "ERROR",
    "missing": "MISSING",
    "timeout": "TIMEOUT",
}


def part_text(result: PartResult, *, only_hidden: bool = False) -> str:
    """A readable report of one part: a header line, then one line (or block) per case.

    Parameters
    ----------
    result : PartResult
    only_hidden : bool
        Show hidden cases only (used when the public ones were just shown).
    """
    scope = "with the hidden cases: " if only_hidden else ""
    lines = [
        f"[{_MARK.get(result.status, result.status.upper())}] {result.title} ({result.part_id}), "
        f"{scope}{result.score:g} / {result.points:g} points"
    ]
    lines += case_lines([c for c in result.cases if c.hidden or not only_hidden])
    return "\n".join(lines)


def case_lines(cases: Iterable[CaseResult]) -> list[str]:
    """One line per case (name, note, credit), each followed by its messages, indented."""
    lines = []
    for case in cases:
        note = f" [{case.note}]" if case.note else ""
        verdict = "ok" if case.score >= 1.0 else f"{case.score:.0%} credit"
        lines.append(f"  - {case.name}{note}: {verdict}")
        for msg in case.messages:
            lines.extend("      " + line for line in msg.splitlines())
    return lines


def total_line(score: float, auto_points: float, manual_points: float) -> str:
    """``"X / A auto-graded points, plus M points graded by hand"`` (the last part if M > 0)."""
    text = f"{score:g} / {auto_points:g} auto-graded points"
    if manual_points:
        text += f", plus {manual_points:g} points graded by hand"
    return text


def summary_table(rows: Iterable[tuple[str, float, float, str]]) -> str:
    """A fixed-width table of ``(part, score, max, status)`` rows with a total line."""
    rows = list(rows)
    width = max([len(r[0]) for r in rows] + [4])
    out = [f"{'part':<{width}}  {'score':>7}  {'max':>5}  status"]
    total = maximum = 0.0
    for name, score, mx, status in rows:
        out.append(f"{name:<{width}}  {score:>7.2f}  {mx:>5g}  {status}")
        total += score
        maximum += mx
    out.append(f"{'total':<{width}}  {total:>7.2f}  {maximum:>5g}")
    return "\n".join(out)


def part_html(result: PartResult) -> str:
    """One part as an HTML section (messages escaped)."""
    cls = "ok" if result.status == "ok" else "bad"
    items = []
    for case in result.cases:
        msgs = "".join(f"<pre>{html.escape(m)}</pre>" for m in case.messages)
        note = f" <em>{html.escape(case.note)}</em>" if case.note else ""
        items.append(f"<li>{html.escape(case.name)}{note}: {case.score:.0%}{msgs}</li>")
    return (
        f'<section class="{cls}"><h3>{html.escape(result.title)} '
        f"<small>({html.escape(result.part_id)})</small>: {result.score:g} / {result.points:g} "
        f'<span class="status">{html.escape(result.status)}</span></h3>'
        f"<ul>{''.join(items)}</ul></section>"
    )
