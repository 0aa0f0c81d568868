"""Same verdict on every machine and under any load; the demo leaves the committed tree alone.

- ``build --check`` compares case files by meaning: a one-ulp change of every stored float
  (another CPU's BLAS) passes, a changed case fails.
- ``autograder demo`` builds into its output folder: the committed release is untouched.
- Grading the demo submissions of every released assignment on an idle machine and again while
  six busy processes compete for the cores gives identical gradebooks.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.course import course_root, release_dir
from autograder.instructor.build import build
from autograder.instructor.demo import DEMO_ASSIGNMENTS, demo_submissions, run_demo
from autograder.pipeline.grade import grade

A1 = "a1_linear_classifiers"
pytestmark = pytest.mark.slow


def _rewrite_casefile(path: Path, change: str) -> None:
    """Rewrite a case file with every float moved one ulp, or with one case input changed."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    if change == "ulp":
        for key, arr in arrays.items():
            if arr.dtype.kind == "f":
                # the direction in the array's own dtype: a float64 one would make nextafter
                # step in float64, and casting back would undo the step of a float32 array
                away = np.where(arr >= 0, np.inf, -np.inf).astype(arr.dtype)
                moved = np.nextafter(arr, away)
                assert moved.dtype == arr.dtype and np.all(moved != arr), key
                arrays[key] = moved
    else:
        # a changed case: one input of one case moved by 1e-6 (a float64 input; a float32
        # one is allowed eight of its own ulps, about 1e-6, so it would need a larger change)
        key = next(k for k in sorted(arrays) if "/args/" in k and arrays[k].dtype == np.float64)
        arrays[key] = arrays[key] + 1e-6
    np.savez(path, **arrays)  # type: ignore[arg-type]


@pytest.mark.parametrize("change", ["ulp", "case"])
def test_build_check_compares_case_files_by_meaning(tmp_path: Path, change: str) -> None:
    release = tmp_path / A1
    shutil.copytree(release_dir(A1), release)
    casefile = release / f"{A1}.cases.npz"
    before = casefile.read_bytes()
    _rewrite_casefile(casefile, change)
    assert casefile.read_bytes() != before
    report = build(A1, check=True, release=release)
    if change == "ulp":
        assert report.drift == [], report.drift
    else:
        assert len(report.drift) == 1 and "differs from a fresh build in meaning" in report.drift[0]


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _git_status(root: Path) -> str:
    done = subprocess.run(
        ["git", "status", "--porcelain", "--", "assignments", "source", "solutions"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else "(not a git checkout)"


def test_the_demo_leaves_the_committed_release_untouched(tmp_path: Path) -> None:
    root = course_root()
    assert root is not None
    before, status_before = _tree_digest(root / "assignments"), _git_status(root)
    assert run_demo(tmp_path / "demo", jobs=2, assignments=(A1,)) == 0
    assert _tree_digest(root / "assignments") == before
    assert _git_status(root) == status_before
    assert (tmp_path / "demo" / A1 / "release" / f"{A1}.ipynb").is_file()
    assert (tmp_path / "demo" / A1 / "graded" / "gradebook.csv").is_file()


def _gradebook(path: Path) -> list[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [tuple(row) for row in csv.reader(fh)]


BUSY = "while True:\n    pass\n"


@pytest.mark.parametrize("assignment", DEMO_ASSIGNMENTS)
def test_gradebooks_are_identical_idle_and_under_load(tmp_path: Path, assignment: str) -> None:
    folder = tmp_path / "subs"
    demo_submissions(assignment, folder)
    idle = grade(assignment, folder, tmp_path / "idle", jobs=2, progress=False)
    hogs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(6)]
    try:
        loaded = grade(assignment, folder, tmp_path / "loaded", jobs=2, progress=False)
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()
    assert len(idle) == len(loaded) >= 3
    rows_idle = _gradebook(tmp_path / "idle" / "gradebook.csv")
    rows_loaded = _gradebook(tmp_path / "loaded" / "gradebook.csv")
    assert rows_idle == rows_loaded
    # the reference really got full marks and the untouched release nothing, in both runs
    scores = {r.student: r.score for r in loaded}
    assert scores["untouched"] == 0
    assert scores["reference"] == pytest.approx(sum(p.points for p in loaded[0].parts))
