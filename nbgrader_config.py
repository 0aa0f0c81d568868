"""nbgrader settings shared by every command of the course (build, validate, grade).

`autograder build` and `autograder grade` copy this file into the temporary nbgrader course
folders they create, so these settings apply there too.
"""

import os
import sys

from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
)

from autograder.platforms.nbgrader_plugins import ReleaseAwareOverwriteCells

c = get_config()  # noqa: F821  (nbgrader injects get_config)

# nbgrader runs the `alembic` executable (looked up on PATH) when it creates a gradebook; put the
# one installed next to this Python first, so `.venv/bin/nbgrader` and `.venv/bin/jupyter lab`
# work without activating the virtual environment.
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_bin, os.environ.get("PATH", "")])

c.CourseDirectory.course_id = "deep-learning-foundations"
# Students get a stub that fails loudly until they write their code.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# The per-assignment case files travel with the notebooks.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "grading_spec.py", "*.py"]
# A deleted test cell is put back (and graded) instead of silently losing its points.
c.OverwriteCells.add_missing_cells = True
# Per-cell time limit when autograding; the kernel is interrupted and the next cell runs.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# Test cells submitted unchanged are restored (with their hidden tests) without nbgrader's false
# "checksum has changed" warning; edited ones are still reported.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    ReleaseAwareOverwriteCells,
    CheckCellMetadata,
]
