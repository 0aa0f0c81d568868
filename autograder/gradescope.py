"""Gradescope: an autograder zip whose ``run_autograder`` grades in the same sandbox.

``autograder gradescope A --out A.zip`` packs the course (engine, reference solutions, the
assignment's grading spec and case file) with Gradescope's two scripts: ``setup.sh`` installs
Python, bubblewrap and the package; ``run_autograder`` grades ``/autograder/submission`` with
the isolated engine and writes ``/autograder/results/results.json`` (one test per part with
score, max_score, status, visibility and the messages). The zip is instructor-only: Gradescope
never shows it to students.
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path
from typing import Any

from autograder.course import course_root, load_spec, release_dir, source_dir
from autograder.report import part_text

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when the autograder image is built.
set -euo pipefail
apt-get update
apt-get install -y python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/source/.venv
/autograder/source/.venv/bin/pip install --quiet -e /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{DLF_PYTHON:-$ROOT/source/.venv/bin/python}}"
cd "$ROOT/source"
DLF_COURSE_ROOT="$ROOT/source" "$PYTHON" -m autograder.gradescope {assignment} \\
    "$ROOT/submission" "$ROOT/results/results.json"
"""

PACKAGE_GLOBS = (
    "pyproject.toml",
    "README.md",
    "nbgrader_config.py",
    "autograder/**/*.py",
    "solutions/**/*.py",
)


def build_zip(assignment: str, out: Path) -> Path:
    """Write the Gradescope autograder zip for ``assignment``; return its path."""
    root = course_root()
    if root is None:  # pragma: no cover - course_root raises when required
        raise RuntimeError("no course root")
    out.parent.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for pattern in PACKAGE_GLOBS:
        files += [p for p in root.glob(pattern) if "__pycache__" not in p.parts]
    files += [p for p in source_dir(assignment).glob("*.py")]
    files += [p for p in release_dir(assignment).glob("*")]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("setup.sh", date_time=(1980, 1, 1, 0, 0, 0)), SETUP_SH)
        info = zipfile.ZipInfo("run_autograder", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o755 << 16
        zf.writestr(info, RUN_AUTOGRADER.format(assignment=assignment))
        for path in sorted(set(files)):
            zf.write(path, "source/" + str(path.relative_to(root)))
    return out


def find_notebook(submission: Path, assignment: str) -> Path | None:
    """The submitted notebook: ``<assignment>.ipynb`` anywhere below, else the only ``.ipynb``."""
    named = sorted(submission.rglob(f"{assignment}.ipynb"))
    if named:
        return named[0]
    any_nb = [p for p in sorted(submission.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return any_nb[0] if len(any_nb) == 1 else None


def results_json(assignment: str, submission: Path) -> dict[str, Any]:
    """Grade one submission in the sandbox and return Gradescope's ``results.json`` content."""
    from autograder.sandbox.driver import IsolatedCases, Limits, grade_isolated

    start = time.perf_counter()
    spec = load_spec(assignment)
    notebook = find_notebook(submission, assignment)
    parts, run = grade_isolated(notebook, IsolatedCases.build(spec), Limits())
    tests = [
        {
            "name": p.title,
            "number": p.part_id,
            "score": p.score,
            "max_score": p.points,
            "status": "passed" if p.status == "ok" else "failed",
            "output": part_text(p),
            "visibility": "visible",
        }
        for p in parts
    ]
    manual = ", ".join(f"{k} ({v:g} points)" for k, v in spec.manual_parts.items())
    output = [f"Auto-graded {sum(p.score for p in parts):g} / {sum(p.points for p in parts):g}."]
    if manual:
        output.append(f"Written answers graded by hand: {manual}.")
    output += run.notes
    return {
        "score": round(sum(p.score for p in parts), 6),
        "execution_time": round(time.perf_counter() - start, 2),
        "output": "\n".join(output),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.gradescope ASSIGNMENT SUBMISSION_DIR RESULTS_JSON``."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m autograder.gradescope ASSIGNMENT SUBMISSION_DIR RESULTS_JSON")
        return 2
    assignment, submission, results = args[0], Path(args[1]), Path(args[2])
    data = results_json(assignment, submission)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
