"""Where things are: the course repository, its assignments, sources and specs."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from autograder.judging.spec import AssignmentSpec

ENV_ROOT = "DLF_COURSE_ROOT"


class CourseError(RuntimeError):
    """A problem with the course layout: a missing folder, spec or assignment."""


def course_root(required: bool = True) -> Path | None:
    """The repository root: ``$DLF_COURSE_ROOT``, else the folder holding this package.

    Parameters
    ----------
    required : bool
        Raise when no root with a ``source/`` folder is found (instructor commands need it).

    Raises
    ------
    CourseError
        If ``required`` and no course root is found.
    """
    candidates = []
    if os.environ.get(ENV_ROOT):
        candidates.append(Path(os.environ[ENV_ROOT]))
    candidates.append(Path(__file__).resolve().parent.parent)
    for root in candidates:
        if (root / "source").is_dir():
            return root
    if required:
        raise CourseError(
            "the course's instructor sources (a 'source/' folder) were not found; run from a clone "
            f"of the course repository or set {ENV_ROOT} to it"
        )
    return None


def assignment_names(root: Path | None = None) -> list[str]:
    """Names of every assignment whose source folder holds its notebook and its grading spec.

    A folder with only one of the two is work in progress and is not built, checked or graded.
    """
    base = (root or course_root()) / "source"  # type: ignore[operator]
    return sorted(
        p.name
        for p in base.iterdir()
        if (p / "grading_spec.py").is_file() and (p / f"{p.name}.py").is_file()
    )


def resolve_assignment(name: str, root: Path | None = None) -> str:
    """Accept a full name (``a1_linear_classifiers``) or its prefix (``a1``).

    Raises
    ------
    CourseError
        If no or several assignments match.
    """
    names = assignment_names(root)
    if name in names:
        return name
    matches = [n for n in names if n.startswith(name + "_") or n.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    raise CourseError(f"unknown assignment {name!r}; known: {', '.join(names) or 'none'}")


def source_dir(assignment: str, root: Path | None = None) -> Path:
    """``source/<assignment>/``."""
    return (root or course_root()) / "source" / assignment  # type: ignore[operator]


def release_dir(assignment: str, root: Path | None = None) -> Path:
    """``assignments/<assignment>/`` (the committed student release)."""
    return (root or course_root()) / "assignments" / assignment  # type: ignore[operator]


def load_spec(assignment: str, root: Path | None = None) -> AssignmentSpec:
    """Import ``source/<assignment>/grading_spec.py`` and return its ``SPEC`` (instructor-only).

    Raises
    ------
    CourseError
        If the spec file is missing or defines no ``SPEC``.
    """
    path = source_dir(assignment, root) / "grading_spec.py"
    if not path.is_file():
        raise CourseError(f"no grading spec at {path}")
    module_name = f"_dlf_spec_{assignment}"
    if module_name in sys.modules:
        module = sys.modules[module_name]
    else:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise CourseError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    result = getattr(module, "SPEC", None)
    if not isinstance(result, AssignmentSpec):
        raise CourseError(f"{path} defines no SPEC of type AssignmentSpec")
    return result
