"""Time ``autograder grade`` against plain serial ``nbgrader autograde`` on the same submissions.

Makes N demo submissions of a1 (a mix of the reference, the mistaken and the untouched one),
grades them (1) with ``autograder grade --jobs J`` (the isolated engine, the default), (2) with
``--engine nbclient`` (the tests run in the notebook's kernel, not isolated) and (3) with one plain
``nbgrader autograde`` over a course folder holding all of them (nbgrader grades serially), then
compares the per-part scores, which must be equal, and prints the times.

Run: ``.venv/bin/python benchmarks/grade_speed.py [--students 20] [--jobs 2]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from autograder.course import course_root, load_spec, release_dir
from autograder.instructor.build import instructor_notebook
from autograder.instructor.demo import (
    apply_mistakes,
    load_mistakes,
    reference_submission,
    write_submission,
)
from autograder.notebook_files import read_notebook
from autograder.pipeline.grade import grade
from autograder.platforms.nbgrader_course import make_course, run_nbgrader

A1 = "a1_linear_classifiers"


def make_submissions(folder: Path, n: int) -> None:
    """``n`` students cycling through reference, mistakes and untouched notebooks."""
    ref = reference_submission(A1)
    kinds = [
        ref,
        apply_mistakes(ref, load_mistakes(A1)),
        read_notebook(release_dir(A1) / f"{A1}.ipynb"),
    ]
    for i in range(n):
        write_submission(folder, f"s{i:02d}", A1, kinds[i % 3])


def nbgrader_serial(folder: Path, work: Path) -> tuple[float, dict[tuple[str, str], float]]:
    """Plain ``nbgrader autograde`` over every submission; returns seconds and per-part scores."""
    from nbgrader.api import Gradebook

    course = make_course(work / "course")
    src = course / "source" / A1
    src.mkdir(parents=True)
    instructor_notebook(A1, src)
    shutil.copy(release_dir(A1) / f"{A1}.cases.npz", src)
    run_nbgrader(course, "generate_assignment", A1, "--force")
    shutil.copytree(folder / "submitted", course / "submitted")
    env = dict(os.environ, DLF_COURSE_ROOT=str(course_root()))
    start = time.perf_counter()
    run_nbgrader(course, "autograde", A1, "--create", env=env)
    seconds = time.perf_counter() - start
    scores = {}
    spec = load_spec(A1)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in sorted(p.name for p in (course / "submitted").iterdir()):
            for part in spec.parts:
                g = gb.find_grade(part.id, A1, A1, student)
                scores[(student, part.id)] = float(g.score)
    return seconds, scores


def main() -> None:
    """Parse arguments, run both, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_submissions(work / "subs", args.students)
        seconds: dict[str, float] = {}
        scores: dict[str, dict[tuple[str, str], float]] = {}
        for engine in ("isolated", "nbclient"):
            start = time.perf_counter()
            results = grade(
                A1, work / "subs", work / engine, jobs=args.jobs, progress=False, engine=engine
            )
            seconds[engine] = time.perf_counter() - start
            scores[engine] = {(r.student, p.part_id): p.score for r in results for p in r.parts}
        theirs, nb_scores = nbgrader_serial(work / "subs", work)
    ours = seconds["isolated"]
    diff = {
        k: (scores["isolated"][k], scores["nbclient"][k], nb_scores[k])
        for k in nb_scores
        if max(abs(scores[e][k] - nb_scores[k]) for e in scores) > 1e-6
    }
    print("| grader | submissions | wall time (s) | per submission (s) |")
    print("|---|---|---|---|")
    n = args.students
    for engine, label in (("isolated", "sandboxed, the default"), ("nbclient", "not isolated")):
        t = seconds[engine]
        print(
            f"| autograder grade --engine {engine} --jobs {args.jobs} ({label}) | {n} | "
            f"{t:.1f} | {t / n:.2f} |"
        )
    print(f"| nbgrader autograde (serial) | {n} | {theirs:.1f} | {theirs / n:.2f} |")
    print(
        f"speed-up of the default over nbgrader: {theirs / ours:.2f}x; per-part scores equal "
        f"across the three: {not diff} ({len(nb_scores)} compared)"
    )
    for key, (a, b, c) in sorted(diff.items()):
        print(f"  DIFFERENT {key}: isolated {a}, nbclient {b}, nbgrader {c}")


if __name__ == "__main__":
    main()
