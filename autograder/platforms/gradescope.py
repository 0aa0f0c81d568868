"""Gradescope: an autograder zip whose ``run_autograder`` grades in the same sandbox.

``autograder gradescope A --out A.zip`` packs what grading needs at the **root** of the zip, the
way Gradescope expects it (it unpacks the zip into ``/autograder/source/``):

- ``setup.sh``: run once when Gradescope builds the image (Ubuntu 22.04, Python 3.10): installs
  Python's venv module and bubblewrap with apt, then the grading dependencies
  (``requirements.txt``) into ``/autograder/source/.venv``. The course itself is *not*
  pip-installed: an installed copy of ``solutions`` would sit in the interpreter's
  ``site-packages``, which the sandbox can read. It stays in ``/autograder/source``, which the
  sandbox cannot see.
- ``run_autograder``: Gradescope copies it to ``/autograder/run_autograder`` and runs it for
  every submission: it grades ``/autograder/submission/`` with the isolated engine and writes
  ``/autograder/results/results.json``.
- ``autograder/``, ``solutions/``, ``source/A/`` (the grading spec) and ``assignments/A/``.

``results.json`` follows Gradescope's specification: one test per part for its public cases
(``visible``) and one for its hidden cases (visibility chosen by the instructor, by default
``after_published``: students see those scores and messages only once grades are published,
so hidden cases cannot be probed by resubmitting), each with ``name``, ``number``, ``score``,
``max_score``, ``status``, ``output`` and ``visibility``. The points of a part are split
between its two tests in proportion to their number of cases, exactly as the part's score
is computed. The top-level ``output`` says how many points are graded by hand.

Where bwrap is installed but cannot create namespaces (Docker without privileges), a trial run
finds out, and grading uses the limited-process fallback and says so in every test's output.
If the grader itself cannot start, ``run_autograder`` writes no results and exits non-zero with
the reason (Gradescope then reports an autograder failure) instead of scoring the student 0.
The zip is instructor-only: Gradescope never shows it to students.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograder.course import course_root, load_spec, release_dir, source_dir
from autograder.judging.render import case_lines, total_line
from autograder.judging.results import CaseResult, PartResult
from autograder.sandbox.faults import STARTUP_FAILED

DISTRIBUTION = "deep-learning-foundations"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
# What grading runs: the trusted judge and the sandboxed harness (IPython), plus what the
# notebooks import. Version bounds come from the package's own requirements.
GRADING_PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "ipython", "tqdm")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04).
# Python 3.10 and later are supported, so the image's own python3 is used.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${DLF_SKIP_APT:-}" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv bubblewrap
fi
PYTHON="${DLF_SETUP_PYTHON:-python3}"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ is needed"'
"$PYTHON" -m venv "$SOURCE/.venv"
"$SOURCE/.venv/bin/python" -m pip install --quiet --upgrade pip
"$SOURCE/.venv/bin/python" -m pip install --quiet -r "$SOURCE/requirements.txt"
(cd "$SOURCE" && "$SOURCE/.venv/bin/python" -c 'import IPython, autograder.platforms.gradescope')
echo "setup.sh: grading environment ready in $SOURCE/.venv"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope copies this to /autograder/run_autograder and runs it for every submission.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$ROOT/source"
export DLF_COURSE_ROOT="$ROOT/source"
export PYTHONPATH="$ROOT/source"
export MPLBACKEND=Agg
exec "$ROOT/source/.venv/bin/python" -m autograder.platforms.gradescope {assignment} \\
    "$ROOT/submission" "$ROOT/results/results.json" --hidden-visibility {visibility}
"""

PACKAGE_GLOBS = ("nbgrader_config.py", "autograder/**/*.py", "solutions/**/*.py")


def grading_requirements() -> list[str]:
    """The requirement lines ``setup.sh`` installs: :data:`GRADING_PACKAGES` with our bounds."""
    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        declared = []
    bounds = {}
    for line in declared:
        if "extra ==" in line:
            continue
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)", line)
        if match:
            bounds[match.group(1).lower()] = line.split(";")[0].strip()
    return [bounds.get(name, name) for name in GRADING_PACKAGES]


def _entry(name: str, *, executable: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def build_zip(assignment: str, out: Path, *, hidden_visibility: str = "after_published") -> Path:
    """Write the Gradescope autograder zip for ``assignment``; return its path.

    Parameters
    ----------
    assignment : str
    out : Path
    hidden_visibility : str
        Gradescope visibility of the hidden cases' tests (one of :data:`VISIBILITIES`).
    """
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}")
    root = course_root()
    if root is None:  # pragma: no cover - course_root raises when required
        raise RuntimeError("no course root")
    out.parent.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for pattern in PACKAGE_GLOBS:
        files += [p for p in root.glob(pattern) if "__pycache__" not in p.parts]
    files += list(source_dir(assignment).glob("*.py"))
    files += [p for p in release_dir(assignment).glob("*") if p.is_file()]
    run = RUN_AUTOGRADER.format(assignment=assignment, visibility=hidden_visibility)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_entry("setup.sh", executable=True), SETUP_SH)
        zf.writestr(_entry("run_autograder", executable=True), run)
        zf.writestr(_entry("requirements.txt"), "\n".join(grading_requirements()) + "\n")
        for path in sorted(set(files)):
            zf.writestr(_entry(str(path.relative_to(root))), path.read_bytes())
    return out


def find_notebook(submission: Path, assignment: str) -> Path | None:
    """The submitted notebook: ``<assignment>.ipynb`` anywhere below, else the only ``.ipynb``."""
    named = sorted(submission.rglob(f"{assignment}.ipynb"))
    if named:
        return named[0]
    any_nb = [p for p in sorted(submission.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return any_nb[0] if len(any_nb) == 1 else None


def _subset_test(
    part: PartResult, cases: list[CaseResult], n_cases: int, *, hidden: bool
) -> dict[str, Any]:
    """A Gradescope test for some of a part's cases, worth their share of the part's points."""
    share = part.points * len(cases) / n_cases
    score = part.points * sum(c.score for c in cases) / n_cases
    passed = all(c.score >= 1.0 for c in cases)
    kind = "hidden cases" if hidden else "public cases"
    header = f"{part.title}, {kind}: {score:.4g} / {share:.4g} points"
    if not passed and part.status in ("missing", "timeout", "error"):
        header += f" ({part.status})"
    return {
        "name": f"{part.title} ({kind})",
        "score": round(score, 6),
        "max_score": round(share, 6),
        "status": "passed" if passed else "failed",
        "output": "\n".join([header, *case_lines(cases)]),
    }


def gradescope_tests(
    parts: list[PartResult], notes: Sequence[str], hidden_visibility: str
) -> list[dict[str, Any]]:
    """One test per part for its public cases and one for its hidden cases (if any).

    ``notes`` (e.g. reduced isolation) are added to every test's output, so they are seen
    whatever the visibility of the other tests.
    """
    tests = []
    for index, part in enumerate(parts, start=1):
        groups = [
            (False, [c for c in part.cases if not c.hidden]),
            (True, [c for c in part.cases if c.hidden]),
        ]
        for sub, (hidden, cases) in enumerate(g for g in groups if g[1]):
            test = _subset_test(part, cases, len(part.cases), hidden=hidden)
            if notes:
                test["output"] += "\n\n" + "\n".join(f"Note: {n}" for n in notes)
            test["number"] = f"{index}.{sub + 1}"
            test["visibility"] = hidden_visibility if hidden else "visible"
            tests.append(test)
    return tests


def results_json(
    assignment: str, submission: Path, *, hidden_visibility: str = "after_published"
) -> tuple[dict[str, Any], str]:
    """Grade one submission in the sandbox; return Gradescope's ``results.json`` content.

    Returns
    -------
    results : dict
    problem : str
        The grader's own trouble, for the instructor (``""`` when there was none); it starts
        with :data:`~autograder.sandbox.faults.STARTUP_FAILED` when the grader itself could not
        start (nothing the student did).
    """
    from autograder.pipeline.engines.isolated import IsolatedEngine
    from autograder.pipeline.submissions import Submission
    from autograder.sandbox.bwrap import bwrap_usable
    from autograder.sandbox.limits import Limits

    start = time.perf_counter()
    spec = load_spec(assignment)
    notebook = find_notebook(submission, assignment)
    with IsolatedEngine(spec, Limits()) as engine:
        graded = engine.grade_one(Submission("submission", notebook))
    parts = graded.parts
    score = sum(p.score for p in parts)
    auto = sum(p.points for p in parts)
    manual = sum(spec.manual_parts.values())
    output = [total_line(score, auto, manual) + "."]
    if manual:
        written = ", ".join(f"{k} ({v:g})" for k, v in spec.manual_parts.items())
        output.append(f"Written answers graded by hand later: {written}.")
    if any(c.hidden for p in parts for c in p.cases) and hidden_visibility != "visible":
        output.append(
            "The hidden cases' results are shown "
            + {
                "after_published": "once the grades are published.",
                "after_due_date": "after the due date.",
                "hidden": "only to the instructors.",
            }[hidden_visibility]
        )
    if notebook is None:
        output.append(f"No {assignment}.ipynb was found in the submission.")
    output += [f"Note: {n}" for n in graded.notes]
    results = {
        "score": round(score, 6),
        "execution_time": round(time.perf_counter() - start, 2),
        "output": "\n".join(output),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": gradescope_tests(parts, [] if bwrap_usable() else graded.notes, hidden_visibility),
    }
    return results, graded.problem


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point ``run_autograder`` calls.

    ``python -m autograder.platforms.gradescope ASSIGNMENT SUBMISSION_DIR RESULTS_JSON [options]``
    """
    import argparse

    p = argparse.ArgumentParser(prog="python -m autograder.platforms.gradescope")
    p.add_argument("assignment")
    p.add_argument("submission", type=Path)
    p.add_argument("results", type=Path)
    p.add_argument("--hidden-visibility", choices=VISIBILITIES, default="after_published")
    args = p.parse_args(argv)
    data, problem = results_json(
        args.assignment, args.submission, hidden_visibility=args.hidden_visibility
    )
    if problem:
        print(f"grader problem (for the instructor): {problem}", file=sys.stderr)
    if STARTUP_FAILED in problem:
        # no results.json: Gradescope then reports an autograder failure instead of a 0
        print(f"the grader could not start (not the student's fault):\n{problem}")
        return 1
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
