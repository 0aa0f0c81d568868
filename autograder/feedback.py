"""HTML feedback per student and the class report with each part's score distribution.

Feedback holds scores and the checks' messages only: never a test's source, and (because the
judge never puts them in messages) never a hidden case's inputs or expected values.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

from autograder.judge import PartResult
from autograder.report import part_html
from autograder.spec import AssignmentSpec

STYLE = """<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}
section{border-left:5px solid #c33;padding:.2em 1em;margin:1em 0;background:#fafafa}
section.ok{border-color:#2a2} pre{white-space:pre-wrap;margin:.2em 0;font-size:90%}
table{border-collapse:collapse}
td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left} .status{font-size:70%;color:#666}
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
    manual = "".join(
        f"<li>{html.escape(gid)}: {pts:g} points, graded by hand</li>"
        for gid, pts in spec.manual_parts.items()
    )
    noted = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes or [])
    body = (
        f"<p>Auto-graded score: <b>{total:g} / {maximum:g}</b></p>{noted}"
        + "".join(part_html(p) for p in parts)
        + (f"<h2>Written answers</h2><ul>{manual}</ul>" if manual else "")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_page(f"{spec.name}: feedback for {student}", body), encoding="utf-8")


def _histograms(spec: AssignmentSpec, rows: list[tuple[str, list[PartResult]]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    parts = list(spec.parts)
    cols = 4
    nrows = int(np.ceil((len(parts) + 1) / cols))
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols, 2.4 * nrows), squeeze=False)
    flat = axes.ravel()
    totals = [sum(p.score for p in ps) for _, ps in rows]
    flat[0].hist(totals, bins=10, range=(0, sum(p.points for p in parts)), color="#347")
    flat[0].set_title("total (auto-graded)", fontsize=9)
    for ax, part in zip(flat[1:], parts, strict=False):
        scores = [next((r.score for r in ps if r.part_id == part.id), 0.0) for _, ps in rows]
        ax.hist(scores, bins=np.linspace(0, part.points, 6), color="#4a7")
        ax.set_title(part.id.removeprefix("test_"), fontsize=9)
        ax.set_xlim(0, part.points)
    for ax in flat[len(parts) + 1 :]:
        ax.axis("off")
    from matplotlib.ticker import MaxNLocator

    for ax in flat[: len(parts) + 1]:
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("points", fontsize=7)
        ax.set_ylabel("students", fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def write_report(
    path: Path, spec: AssignmentSpec, rows: list[tuple[str, list[PartResult]]]
) -> None:
    """Write the class report: a score table and each part's score distribution."""
    head = "".join(f"<th>{html.escape(p.id.removeprefix('test_'))}</th>" for p in spec.parts)
    lines = []
    for student, parts in rows:
        cells = "".join(f"<td title='{html.escape(p.status)}'>{p.score:g}</td>" for p in parts)
        lines.append(
            f"<tr><td>{html.escape(student)}</td>{cells}"
            f"<td>{sum(p.score for p in parts):g}</td></tr>"
        )
    table = f"<table><tr><th>student</th>{head}<th>total</th></tr>{''.join(lines)}</table>"
    image = _histograms(spec, rows) if rows else ""
    body = (
        f"<p>{len(rows)} submissions.</p>"
        + (f"<img alt='score distributions' src='data:image/png;base64,{image}'>" if image else "")
        + table
    )
    path.write_text(_page(f"{spec.name}: class report", body), encoding="utf-8")
