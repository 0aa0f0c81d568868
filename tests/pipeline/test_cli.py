"""The command line: every subcommand parses, and the cheap ones run through ``main``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main, parser

COMMANDS = ("build", "validate", "grade", "check", "demo", "gradescope", "nbgrader-course")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    assert command in capsys.readouterr().out


def test_module_entry_point_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert all(c in proc.stdout for c in COMMANDS)


def test_check_of_the_untouched_release_reports_every_part_and_is_quiet(tmp_path: Path) -> None:
    from autograder.course import release_dir

    release = release_dir("a2_autodiff")
    proc = subprocess.run(
        [sys.executable, "-m", "autograder", "check", str(release / "a2_autodiff.ipynb")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no kernel or library chatter on a student's terminal
    # the nine autograded parts, none answered yet: one line each, not one per case
    todo = [line for line in proc.stdout.splitlines() if line.startswith("[TODO]")]
    assert len(todo) == 9 and all("NotImplementedError" in line for line in todo)
    assert proc.stdout.count("NotImplementedError") == 9
    from autograder.course import load_spec

    spec = load_spec("a2_autodiff")
    auto, manual = sum(p.points for p in spec.parts), sum(spec.manual_parts.values())
    assert f"total: 0 / {auto:g} auto-graded points, plus {manual:g} points graded by hand" in (
        proc.stdout
    )


def test_unknown_assignment_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "a9_nothing", "--check"]) == 2
    err = capsys.readouterr().err
    assert "unknown assignment 'a9_nothing'" in err and "a1_linear_classifiers" in err


def test_check_of_a_missing_notebook(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", str(tmp_path / "nope.ipynb")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_grade_of_an_empty_folder_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["grade", "a1", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "no submissions" in capsys.readouterr().err


def test_gradescope_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a1.zip"
    assert main(["gradescope", "a1", "--out", str(out), "--hidden-visibility", "hidden"]) == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        run = zf.read("run_autograder").decode()
    # Gradescope unpacks the zip into /autograder/source: everything at the zip's root
    assert {"setup.sh", "run_autograder", "solutions/__init__.py"} <= names
    assert "source/a1_linear_classifiers/grading_spec.py" in names
    assert "--hidden-visibility hidden" in run
    assert "wrote" in capsys.readouterr().out
