"""Time every assignment's notebook top to bottom (the course promises under 30 s on 2 cores).

Runs the instructor notebook of each assignment (solutions filled in, hidden tests included, so
every answer cell and test cell does its full work) in a fresh Jupyter kernel, as
``autograder validate`` does, and prints the seconds, kernel start included. This is a
measurement, not a test: a loaded or slower machine takes longer, so nothing asserts on it.

Run: ``.venv/bin/python benchmarks/notebook_time.py [ASSIGNMENT ...] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import statistics

from autograder.course import assignment_names, resolve_assignment
from autograder.instructor.validate import validate

LIMIT_SECONDS = 30.0


def main() -> None:
    """Print the median run time of each notebook over ``--repeat`` runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = [resolve_assignment(a) for a in args.assignments] or assignment_names()
    print(f"{'assignment':<28} {'median s':>9} {'runs':>24}  within {LIMIT_SECONDS:.0f} s")
    for name in names:
        times = []
        for _ in range(args.repeat):
            report = validate(name)
            if report.problems:
                print(f"{name}: validation problems: {report.problems}")
            times.append(report.seconds)
        median = statistics.median(times)
        runs = ", ".join(f"{t:.1f}" for t in times)
        verdict = "yes" if median < LIMIT_SECONDS else "NO"
        print(f"{name:<28} {median:>9.1f} {runs:>24}  {verdict}")


if __name__ == "__main__":
    main()
