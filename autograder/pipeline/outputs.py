"""What grading a batch writes: the gradebook, results.json, feedback pages and the class report.

:func:`write_outputs` writes them all into the output folder:

- ``gradebook.csv``: one row per (student, part), written answers with status ``manual``;
- ``results.json``: every verdict with its cases and messages (strict JSON: no NaN);
- ``feedback/<student>/<assignment>.html``: one page per student;
- ``report.html``: the class report, with each part's score distribution.

:func:`summary_text` is the console's one line per student. Feedback holds scores and the
checks' messages only: never a test's source, and (because the judge never puts them in
messages) never a hidden case's inputs or expected values.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from autograder.judging.render import part_html, total_line
from autograder.judging.results import STATUSES, PartResult, StudentResult
from autograder.judging.spec import AssignmentSpec

# Everything fits a 1280 px wide window: a 1100 px column, images scaled to it, tables that
# wrap their cells (and scroll inside their own box if they ever must).
STYLE = """<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;
color:#222;overflow-wrap:anywhere}
section{border-left:5px solid #c33;padding:.2em 1em;margin:1em 0;background:#fafafa}
section.ok{border-color:#2a2} pre{white-space:pre-wrap;margin:.2em 0;font-size:90%}
img{max-width:100%;height:auto} .scroll{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left} .status{font-size:70%;color:#666}
td.bad{color:#b3261e} td.zero{color:#999}
</style>"""


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"{STYLE}</head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def write_feedback(
    path: Path,
    spec: AssignmentSpec,
    student: str,
    parts: list[PartResult],
    notes: list[str] | None = None,
) -> None:
    """Write one student's feedback page (scores, messages, and notes about the submission)."""
    total = sum(p.score for p in parts)
    maximum = sum(p.points for p in parts)
    manual_points = sum(spec.manual_parts.values())
    manual = "".join(
        f"<li>{html.escape(gid)}: {pts:g} points, graded by hand</li>"
        for gid, pts in spec.manual_parts.items()
    )
    noted = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes or [])
    body = (
        f"<p>Score: <b>{html.escape(total_line(total, maximum, manual_points))}</b></p>{noted}"
        + "".join(part_html(p) for p in parts)
        + (f"<h2>Written answers</h2><ul>{manual}</ul>" if manual else "")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(f"{spec.name}: feedback for {student}", body), encoding="utf-8")


def _part_scores(part_id: str, rows: list[tuple[str, list[PartResult]]]) -> list[float]:
    return [next((r.score for r in ps if r.part_id == part_id), 0.0) for _, ps in rows]


def _histograms(spec: AssignmentSpec, rows: list[tuple[str, list[PartResult]]]) -> str:
    """Each part's score distribution (and the total's) as a PNG, base64-encoded.

    Bars have dark edges (neighbouring bars stay apart), one bar per score interval, whole
    student counts on the y axis, and labels readable at the page's size.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    parts = list(spec.parts)
    cols = 4
    nrows = int(np.ceil((len(parts) + 1) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(11, 2.5 * nrows), squeeze=False)
    flat = axes.ravel()
    auto = sum(p.points for p in parts)
    bar = {"edgecolor": "#222", "linewidth": 0.8}
    totals = [sum(p.score for p in ps) for _, ps in rows]
    flat[0].hist(totals, bins=np.linspace(0, auto, 11), color="#347", **bar)
    flat[0].set_title(f"total (of {auto:g} auto-graded)", fontsize=11)
    flat[0].set_xlim(0, auto)
    for ax, part in zip(flat[1:], parts, strict=False):
        ax.hist(
            _part_scores(part.id, rows), bins=np.linspace(0, part.points, 6), color="#4a7", **bar
        )
        ax.set_title(f"{part.id.removeprefix('test_')} (of {part.points:g})", fontsize=10)
        ax.set_xlim(0, part.points)
    for ax in flat[len(parts) + 1 :]:
        ax.axis("off")
    for ax in flat[: len(parts) + 1]:
        ax.tick_params(labelsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("points", fontsize=10)
        ax.set_ylabel("students", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _part_summary(spec: AssignmentSpec, rows: list[tuple[str, list[PartResult]]]) -> str:
    """One row per part: its number, title, maximum, mean score and how many of each status."""
    seen = [s for s in STATUSES if any(r.status == s for _, ps in rows for r in ps)]
    head = "".join(f"<th>{html.escape(s)}</th>" for s in seen)
    lines = []
    for i, part in enumerate(spec.parts, start=1):
        results = [next((r for r in ps if r.part_id == part.id), None) for _, ps in rows]
        scores = [r.score for r in results if r is not None]
        mean = f"{np.mean(scores):.2f}" if scores else "-"
        counts = "".join(
            f"<td class='{'zero' if n == 0 else ('' if s == 'ok' else 'bad')}'>{n}</td>"
            for s in seen
            for n in [sum(1 for r in results if r is not None and r.status == s)]
        )
        lines.append(
            f"<tr><td>{i}. {html.escape(part.title)} <small>({html.escape(part.id)})</small></td>"
            f"<td>{part.points:g}</td><td>{mean}</td>{counts}</tr>"
        )
    for gid, pts in spec.manual_parts.items():
        lines.append(
            f"<tr><td>{html.escape(gid)} <small>(written, graded by hand)</small></td>"
            f"<td>{pts:g}</td><td>-</td>{'<td></td>' * len(seen)}</tr>"
        )
    return (
        "<div class='scroll'><table><tr><th>part</th><th>max</th><th>mean</th>"
        f"{head}</tr>{''.join(lines)}</table></div>"
    )


def write_report(
    path: Path, spec: AssignmentSpec, rows: list[tuple[str, list[PartResult]]]
) -> None:
    """Write the class report: parts (maximum, mean, status counts), distributions, scores.

    The score table numbers its columns like the parts table, so it stays narrow.
    """
    auto = sum(p.points for p in spec.parts)
    manual = sum(spec.manual_parts.values())
    head = "".join(
        f"<th title='{html.escape(p.title)} ({p.points:g} points)'>{i}</th>"
        for i, p in enumerate(spec.parts, start=1)
    )
    lines = []
    for student, parts in rows:
        cells = "".join(
            f"<td title='{html.escape(p.status)}' class='{'' if p.status == 'ok' else 'bad'}'>"
            f"{p.score:.4g}</td>"
            for p in parts
        )
        lines.append(
            f"<tr><td>{html.escape(student)}</td>{cells}"
            f"<td><b>{sum(p.score for p in parts):.4g}</b></td></tr>"
        )
    table = (
        f"<div class='scroll'><table><tr><th>student</th>{head}<th>total / {auto:g}</th></tr>"
        f"{''.join(lines)}</table></div>"
    )
    image = _histograms(spec, rows) if rows else ""
    body = (
        f"<p>{len(rows)} submissions. Totals are out of {auto:g} auto-graded points"
        + (f", plus {manual:g} points graded by hand (not included here)" if manual else "")
        + ".</p><h2>Parts</h2>"
        + _part_summary(spec, rows)
        + "<h2>Score distributions</h2>"
        + (f"<img alt='score distributions' src='data:image/png;base64,{image}'>" if image else "")
        + "<h2>Scores (columns are the parts above; red: not ok)</h2>"
        + table
    )
    path.write_text(_page(f"{spec.name}: class report", body), encoding="utf-8")


CSV_FIELDS = ("student", "assignment", "part", "score", "max_score", "status")


def write_gradebook(path: Path, spec: AssignmentSpec, results: list[StudentResult]) -> None:
    """``gradebook.csv``: one row per (student, part), manual parts with status ``manual``."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_FIELDS)
        for res in results:
            for part in res.parts:
                writer.writerow(
                    [
                        res.student,
                        spec.name,
                        part.part_id,
                        f"{part.score:g}",
                        f"{part.points:g}",
                        part.status,
                    ]
                )
            for gid, pts in spec.manual_parts.items():
                writer.writerow([res.student, spec.name, gid, "", f"{pts:g}", "manual"])


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by ``None`` (strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def write_results_json(path: Path, results: list[StudentResult]) -> None:
    """``results.json``: per student, the time taken, the notes, the grader's own problem (for
    the instructor) and every part's verdict."""
    data = [
        {
            "student": r.student,
            "seconds": round(r.seconds, 3),
            "notes": r.notes,
            "problem": r.problem,
            "parts": [p.to_dict() for p in r.parts],
        }
        for r in results
    ]
    path.write_text(json.dumps(finite(data), indent=1, allow_nan=False), encoding="utf-8")


def write_outputs(out: Path, spec: AssignmentSpec, results: list[StudentResult]) -> None:
    """Write the gradebook, results.json, every student's feedback and the class report."""
    out.mkdir(parents=True, exist_ok=True)
    write_gradebook(out / "gradebook.csv", spec, results)
    write_results_json(out / "results.json", results)
    for res in results:
        write_feedback(
            out / "feedback" / res.student / f"{spec.name}.html",
            spec,
            res.student,
            res.parts,
            res.notes,
        )
    write_report(out / "report.html", spec, [(r.student, r.parts) for r in results])


def summary_text(spec: AssignmentSpec, results: list[StudentResult]) -> str:
    """One line per student: total, and any part not ``ok``; then what is graded by hand."""
    total = sum(p.points for p in spec.parts)
    manual = sum(spec.manual_parts.values())
    width = max([len(r.student) for r in results] + [7])
    lines = [f"{'student':<{width}}  {'score':>7} / {total:g}  seconds  not ok"]
    for r in results:
        bad = ", ".join(
            f"{p.part_id.removeprefix('test_')}:{p.status}" for p in r.parts if p.status != "ok"
        )
        lines.append(f"{r.student:<{width}}  {r.score:>7.2f}        {r.seconds:7.1f}  {bad or '-'}")
    if manual:
        lines.append(
            f"scores are out of {total:g} auto-graded points, plus {manual:g} points graded by "
            "hand (written answers: nbgrader's formgrader)"
        )
    return "\n".join(lines)
