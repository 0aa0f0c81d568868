"""The ``autograder`` command line (also ``python -m autograder``)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from autograder.course import CourseError, assignment_names, resolve_assignment
from autograder.pipeline.engines import ENGINE_NAMES
from autograder.platforms.gradescope import VISIBILITIES


def _assignments(name: str | None) -> list[str]:
    return [resolve_assignment(name)] if name else assignment_names()


def cmd_build(args: argparse.Namespace) -> int:
    """Build (or check) the releases."""
    from autograder.instructor.build import build

    status = 0
    for name in _assignments(args.assignment):
        start = time.perf_counter()
        report = build(name, check=args.check)
        verb = "checked" if args.check else "built"
        print(f"{name}: {verb} {len(report.files)} files in {time.perf_counter() - start:.1f} s")
        for line in report.drift:
            print(f"  DRIFT {line}")
        for line in report.leaks:
            print(f"  LEAK  {line}")
        if not report.ok:
            status = 1
    return status


def cmd_validate(args: argparse.Namespace) -> int:
    """Source passes everything, release nothing."""
    from autograder.instructor.validate import validate
    from autograder.judging.render import summary_table

    status = 0
    for name in _assignments(args.assignment):
        report = validate(name, timeout=args.timeout)
        print(f"{name}: source notebook ran in {report.seconds:.1f} s")
        rows = [
            (s.part_id, s.score, s.points, f"source {s.status}, release {r.status}")
            for s, r in zip(report.source, report.release, strict=False)
        ]
        if rows:
            print(summary_table(rows))
        for problem in report.problems:
            print(f"  PROBLEM {problem}")
        print(f"{name}: {'valid' if report.ok else 'INVALID'}")
        status |= 0 if report.ok else 1
    return status


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade a folder of submissions."""
    from autograder.course import load_spec
    from autograder.pipeline.grade import grade
    from autograder.pipeline.outputs import summary_text

    name = resolve_assignment(args.assignment)
    start = time.perf_counter()
    results = grade(
        name,
        Path(args.submissions),
        Path(args.out),
        jobs=args.jobs,
        cell_timeout=args.timeout,
        progress=not args.quiet,
        engine=args.engine,
        memory_bytes=int(args.memory_gb * 1024**3),
        max_processes=args.max_procs,
    )
    print(summary_text(load_spec(name), results))
    print(
        f"graded {len(results)} submissions in {time.perf_counter() - start:.1f} s "
        f"with {args.jobs or os.cpu_count()} jobs; gradebook: {Path(args.out) / 'gradebook.csv'}"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Score one notebook."""
    from autograder.judging.render import (
        is_unanswered,
        part_text,
        summary_table,
        total_line,
        unanswered_line,
    )
    from autograder.pipeline.check import check_notebook, manual_points

    path = Path(args.notebook)
    if not path.is_file():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    results, notes = check_notebook(path, hidden=args.hidden, timeout=args.timeout)
    for res in results:
        if is_unanswered(res):
            print(unanswered_line(res))
        elif res.status != "ok" or args.verbose:
            print(part_text(res))
    for note in notes:
        print(f"note: {note}")
    print(summary_table([(r.part_id, r.score, r.points, r.status) for r in results]))
    score, auto = sum(r.score for r in results), sum(r.points for r in results)
    print("total: " + total_line(score, auto, manual_points(path, [r.part_id for r in results])))
    return 0


def cmd_gradescope(args: argparse.Namespace) -> int:
    """Build a Gradescope autograder zip."""
    from autograder.platforms.gradescope import build_zip

    name = resolve_assignment(args.assignment)
    path = build_zip(
        name,
        Path(args.out or f"build/gradescope/{name}.zip"),
        hidden_visibility=args.hidden_visibility,
    )
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB): upload it as the autograder")
    print(f"hidden cases' results: {args.hidden_visibility} (public cases: visible)")
    return 0


def cmd_nbgrader_course(args: argparse.Namespace) -> int:
    """Make (or refresh) the nbgrader course folder."""
    from autograder.platforms.nbgrader_setup import setup_course

    folder = Path(args.folder)
    for line in setup_course(folder, _assignments(args.assignment)):
        print(line)
    here = folder.resolve()
    layout = "<student>/<assignment>/<assignment>.ipynb"
    print(
        f"nbgrader course ready in {here}\n"
        f"  put submissions in {here / 'submitted'}/{layout}, then\n"
        f"  cd {here} && {Path(sys.executable).parent / 'nbgrader'} autograde <assignment>\n"
        f"  formgrader: cd {here} && {Path(sys.executable).parent / 'jupyter'} lab "
        "(Nbgrader > Formgrader)"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build, then grade the bundled demo submissions."""
    from autograder.instructor.demo import run_demo

    return run_demo(Path(args.out), jobs=args.jobs)


def cmd_mutate(args: argparse.Namespace) -> int:
    """Grade one-bug mutants of the model answers; fail below ``--floor``."""
    from tqdm import tqdm

    from autograder.course import load_spec
    from autograder.instructor.fidelity.mutate import report_text, run_mutation

    status = 0
    for name in _assignments(args.assignment):
        start = time.perf_counter()
        bar = tqdm(desc=name, unit="mutant", disable=args.quiet, file=sys.stderr)
        report = run_mutation(
            name,
            max_mutants=args.max_mutants,
            seed=args.seed,
            progress=bar.update,
            on_total=partial(setattr, bar, "total"),
        )
        bar.close()
        print(report_text(report, load_spec(name), show_diffs=not args.no_diffs))
        print(f"{name}: graded in {time.perf_counter() - start:.1f} s")
        if report.rate < args.floor or report.baseline_problems:
            print(
                f"{name}: kill rate {100 * report.rate:.1f}% below {100 * args.floor:.0f}%"
                if report.rate < args.floor
                else f"{name}: the model answer loses points"
            )
            status = 1
    return status


def parser() -> argparse.ArgumentParser:
    """The argument parser."""
    p = argparse.ArgumentParser(
        prog="autograder", description="Build, validate and grade the course."
    )
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="text sources -> nbgrader release in assignments/")
    b.add_argument("assignment", nargs="?", help="e.g. a1 or a1_linear_classifiers (default: all)")
    b.add_argument("--check", action="store_true", help="fail on drift or leaks; write nothing")
    b.set_defaults(func=cmd_build)
    v = sub.add_parser("validate", help="source passes every test, release passes none")
    v.add_argument("assignment", nargs="?")
    v.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    v.set_defaults(func=cmd_validate)
    g = sub.add_parser("grade", help="grade a folder of submissions")
    g.add_argument("assignment")
    g.add_argument("submissions", help="nbgrader submitted/ folder or a folder of <student>.ipynb")
    g.add_argument("--out", required=True, help="output folder")
    g.add_argument("--jobs", type=int, default=None, help="parallel submissions (default: cores)")
    g.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="isolated",
        help="isolated (default: sandboxed, no cheat can change a verdict), nbclient (test cells "
        "in the kernel, like nbgrader) or nbgrader (one real `nbgrader autograde` each)",
    )
    g.add_argument("--memory-gb", type=float, default=2.0, help="sandbox memory limit")
    g.add_argument("--max-procs", type=int, default=128, help="sandbox process limit")
    g.set_defaults(func=cmd_grade)
    c = sub.add_parser("check", help="run a notebook and print its score part by part")
    c.add_argument("notebook")
    c.add_argument(
        "--hidden", action="store_true", help="include hidden cases (needs the course repository)"
    )
    c.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    c.add_argument("-v", "--verbose", action="store_true", help="show passing parts too")
    c.set_defaults(func=cmd_check)
    gs = sub.add_parser("gradescope", help="build a Gradescope autograder zip (isolated grading)")
    gs.add_argument("assignment")
    gs.add_argument("--out", default=None, help="zip path (default build/gradescope/<A>.zip)")
    gs.add_argument(
        "--hidden-visibility",
        choices=VISIBILITIES,
        default="after_published",
        help="when students see the hidden cases' results (default: after_published; "
        "'visible' lets students probe the hidden cases by resubmitting)",
    )
    gs.set_defaults(func=cmd_gradescope)
    n = sub.add_parser(
        "nbgrader-course",
        help="make an nbgrader course folder (sources, case files, gradebook, release)",
    )
    n.add_argument("assignment", nargs="?", help="one assignment (default: all)")
    n.add_argument("--folder", default="course", help="course folder (default: course/)")
    n.set_defaults(func=cmd_nbgrader_course)
    m = sub.add_parser("mutate", help="kill rate of the spec on one-bug mutants of the answers")
    m.add_argument("assignment", nargs="?")
    m.add_argument("--max-mutants", type=int, default=None, help="grade a seeded sample")
    m.add_argument("--seed", type=int, default=0, help="seed of the sample and derived inputs")
    m.add_argument("--floor", type=float, default=0.95, help="fail below this kill rate")
    m.add_argument("--no-diffs", action="store_true", help="rates only, no diffs")
    m.add_argument("--quiet", action="store_true", help="no progress bar")
    m.set_defaults(func=cmd_mutate)
    d = sub.add_parser("demo", help="build, grade the demo submissions, print the gradebook")
    d.add_argument("--out", default="build/demo", help="output folder (default build/demo)")
    d.add_argument("--jobs", type=int, default=None)
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (CourseError, FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"autograder {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
