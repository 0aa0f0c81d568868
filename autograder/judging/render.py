"""Text and HTML renderings of part results (what students and instructors read)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from autograder.judging.results import CaseResult, PartResult

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
    text = f"{score:.4g} / {auto_points:g} auto-graded points"
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
        f"<small>({html.escape(result.part_id)})</small>: {result.score:.4g} / {result.points:g} "
        f'<span class="status">{html.escape(result.status)}</span></h3>'
        f"<ul>{''.join(items)}</ul></section>"
    )


_COLOURS = {
    "ok": ("#1e7b34", "#e6f4ea"),
    "partial": ("#8a5a00", "#fdf3dc"),
    "bad": ("#b3261e", "#fce8e6"),
}


def _credit_style(score: float) -> tuple[str, str]:
    """(text colour, background) for a credit in [0, 1]: green full, amber partial, red none."""
    key = "ok" if score >= 1.0 else ("partial" if score > 0 else "bad")
    return _COLOURS[key]


def is_unanswered(result: PartResult) -> bool:
    """True when every case failed because the answer still raises ``NotImplementedError``."""
    return bool(result.cases) and all(
        c.score == 0 and any("NotImplementedError" in m for m in c.messages) for c in result.cases
    )


def unanswered_line(result: PartResult) -> str:
    """The one line that stands for a part not answered yet."""
    return (
        f"[TODO] {result.title} ({result.part_id}): not answered yet (the answer cell still "
        f"raises NotImplementedError), 0 / {result.points:g} points"
    )


def part_table_html(result: PartResult, *, only_hidden: bool = False) -> str:
    """One part as a self-contained HTML table: status colour, per-case credit and messages.

    Inline styles only (JupyterLab keeps them in untrusted notebooks); messages are escaped.
    """
    fg, bg = _credit_style(result.score / result.points if result.points else 0.0)
    mark = _MARK.get(result.status, result.status.upper())
    scope = " (hidden cases)" if only_hidden else ""
    cell = "padding:3px 8px;border-top:1px solid #ddd;vertical-align:top;text-align:left"
    rows = []
    if is_unanswered(result):
        mark = "TO DO"
        rows.append(
            f"<tr><td style='{cell}' colspan='3'>Not answered yet: replace "
            "<code>raise NotImplementedError()</code> in the answer cell above with your code, "
            "run it, then run this cell again.</td></tr>"
        )
    for case in result.cases if not rows else []:
        if only_hidden and not case.hidden:
            continue
        cfg, cbg = _credit_style(case.score)
        verdict = "ok" if case.score >= 1.0 else f"{case.score:.0%}"
        note = (
            f"<br><small style='color:#555'>{html.escape(case.note)}</small>" if case.note else ""
        )
        msgs = "".join(
            "<pre style='white-space:pre-wrap;margin:0 0 2px 0;font-size:12px;background:none'>"
            f"{html.escape(m)}</pre>"
            for m in case.messages
        )
        rows.append(
            f"<tr><td style='{cell}'>{html.escape(case.name)}{note}</td>"
            f"<td style='{cell};color:{cfg};background:{cbg};font-weight:bold;"
            f"text-align:center'>{verdict}</td><td style='{cell}'>{msgs}</td></tr>"
        )
    head = (
        f"<tr><th colspan='3' style='padding:4px 8px;text-align:left;color:{fg};background:{bg};"
        f"border-left:6px solid {fg}'>{mark}: {html.escape(result.title)}{scope} "
        f"<code>{html.escape(result.part_id)}</code> "
        f"<span style='float:right'>{result.score:g} / {result.points:g} points</span></th></tr>"
        f"<tr><th style='{cell}'>case</th><th style='{cell}'>credit</th>"
        f"<th style='{cell}'>what is wrong, and the likely cause</th></tr>"
    )
    return (
        "<table class='dlf-report' style='border-collapse:collapse;width:100%;max-width:980px;"
        f"font-size:13px;table-layout:auto'>{head}{''.join(rows)}</table>"
    )
