"""Fixtures shared by the tests that grade one assignment in-process (no Jupyter).

A test module that uses them names its assignment in a module constant ``ASSIGNMENT``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.course import load_spec
from autograder.instructor.build import write_public_cases
from autograder.judging.spec import AssignmentSpec
from autograder.student.grader import Grader


def _assignment(request: pytest.FixtureRequest) -> str:
    name = getattr(request.module, "ASSIGNMENT", None)
    if not isinstance(name, str):
        raise pytest.UsageError(f"{request.module.__name__} uses `spec` but names no ASSIGNMENT")
    return name


@pytest.fixture(scope="module")
def spec(request: pytest.FixtureRequest) -> AssignmentSpec:
    """The module's assignment's grading spec."""
    return load_spec(_assignment(request))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, spec: AssignmentSpec) -> Path:
    """A folder holding only the release's case file, written from the spec."""
    folder = tmp_path_factory.mktemp("release")
    write_public_cases(spec, folder / f"{spec.name}.cases.npz")
    return folder


@pytest.fixture
def grader(release: Path, spec: AssignmentSpec, monkeypatch: pytest.MonkeyPatch) -> Grader:
    """The in-notebook ``Grader``, run from the release folder, printing text (no rich output)."""
    monkeypatch.chdir(release)
    monkeypatch.setenv("DLF_RESULT_JSON", "0")
    return Grader(spec.name)
