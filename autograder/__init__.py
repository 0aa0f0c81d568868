"""Deep Learning Foundations: the course's grading engine and the helpers its notebooks use.

Packages, by who uses them (``docs/architecture.md`` draws the data flow):

- :mod:`autograder.student`: everything a released notebook imports (the in-notebook checks,
  gradient checks, datasets, plots);
- :mod:`autograder.judging`: how a part is checked and scored (specs, probes, the judge, verdict
  types), shared by the notebook's checks and the grading pipeline;
- :mod:`autograder.sandbox`: running a submission where it cannot reach the verdict;
- :mod:`autograder.pipeline`: ``autograder grade`` and ``autograder check``;
- :mod:`autograder.instructor`: building and checking releases, the demo, spec fidelity;
- :mod:`autograder.platforms`: nbgrader and Gradescope;
- :mod:`autograder.course` (where the course's files are), :mod:`autograder.notebook_files`
  (reading and writing notebooks), :mod:`autograder.cli` (the ``autograder`` command).

Nothing in this package imports ``solutions`` at module level: only the reference runner
(:mod:`autograder.judging.reference`) does, lazily, and a test enforces that boundary.
"""

__version__ = "0.1.0"
