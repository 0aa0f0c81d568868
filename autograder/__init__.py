"""The course's grading engine and student-facing helpers (public).

Released notebooks import :mod:`autograder.notebook` (the checks), :mod:`autograder.gradcheck`,
:mod:`autograder.datasets` and :mod:`autograder.plots`. Nothing in this package imports
``solutions`` at module level: only the instructor-side reference runner
(:mod:`autograder.reference`) does, lazily, and a test enforces that boundary.
"""

__version__ = "0.1.0"
