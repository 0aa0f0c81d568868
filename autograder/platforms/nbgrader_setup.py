"""``autograder nbgrader-course``: a ready nbgrader course folder made from a clean checkout.

The repository keeps its notebooks as text (``source/<a>/<a>.py``); nbgrader wants ``.ipynb``
sources, their files (the case file) and a gradebook that knows the assignments. This writes,
in the course folder (``course/`` by default, outside git):

- ``nbgrader_config.py`` (the repository's),
- ``source/<a>/<a>.ipynb`` (the instructor notebook: solutions and hidden tests) with
  ``<a>.cases.npz``,
- ``gradebook.db`` with every assignment, its notebooks, cells and points, and ``release/<a>/``,
  both from ``nbgrader generate_assignment`` (the release is checked to be cell for cell the one
  students get in ``assignments/``),
- an empty ``submitted/`` for the submissions (``submitted/<student>/<a>/<a>.ipynb``).

Running it again refreshes the sources and the release and keeps the gradebook's grades.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.course import course_root, load_spec, release_dir
from autograder.instructor.build import instructor_notebook, write_public_cases
from autograder.notebook_files import read_notebook
from autograder.platforms.nbgrader_course import run_nbgrader

DEFAULT_FOLDER = "course"


def _same_cells(a: Path, b: Path) -> bool:
    """True when two notebooks have the same cells (type, source, nbgrader metadata)."""

    def key(path: Path) -> list[tuple[str, str, str]]:
        return [
            (c.cell_type, c.source, repr(sorted(c.metadata.get("nbgrader", {}).items())))
            for c in read_notebook(path).cells
        ]

    return key(a) == key(b)


def setup_course(folder: Path, assignments: list[str]) -> list[str]:
    """Create or refresh the nbgrader course in ``folder``; return a line per assignment.

    Raises
    ------
    NbgraderError
        If an nbgrader command fails.
    RuntimeError
        If nbgrader's release differs from the committed one (run ``autograder build``).
    """
    root = course_root()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", folder / "nbgrader_config.py")  # type: ignore[operator]
    (folder / "submitted").mkdir(exist_ok=True)
    lines = []
    for name in assignments:
        src = folder / "source" / name
        src.mkdir(parents=True, exist_ok=True)
        instructor_notebook(name, src)
        write_public_cases(load_spec(name), src / f"{name}.cases.npz")
        run_nbgrader(folder, "generate_assignment", name, "--force")
        released = folder / "release" / name / f"{name}.ipynb"
        committed = release_dir(name) / f"{name}.ipynb"
        if committed.is_file() and not _same_cells(released, committed):
            raise RuntimeError(
                f"nbgrader's release of {name} differs from {committed}: run `autograder build`"
            )
        spec = load_spec(name)
        auto = sum(p.points for p in spec.parts)
        manual = sum(spec.manual_parts.values())
        lines.append(
            f"{name}: source, release and gradebook ready ({auto:g} auto-graded points, "
            f"{manual:g} graded by hand)"
        )
    return lines
