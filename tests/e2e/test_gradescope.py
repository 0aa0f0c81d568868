"""The Gradescope zip, used the way Gradescope uses it.

Gradescope unpacks the zip into ``/autograder/source/``, runs ``setup.sh`` once in a fresh image,
copies ``run_autograder`` to ``/autograder/run_autograder``, puts the submission's files in
``/autograder/submission/`` and reads ``/autograder/results/results.json``. These tests do the
same under a temporary root (``AUTOGRADER_ROOT``): ``setup.sh`` really runs, creating a fresh
virtual environment from the system's Python and installing the grading requirements into it
with pip (apt is skipped: bubblewrap is already installed here). Then the results are checked
field by field against Gradescope's specification, and again where ``bwrap`` is installed but
cannot create namespaces (a stand-in ``bwrap`` that fails exactly as the real one does in an
unprivileged container).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from autograder.course import load_spec
from autograder.instructor.demo import demo_submissions
from autograder.platforms.gradescope import build_zip
from tests.sandbox_support import SANDBOX_SKIP

A1 = "a1_linear_classifiers"
pytestmark = pytest.mark.slow
needs_bwrap = SANDBOX_SKIP  # skipped where bwrap cannot work, except on CI
TOP_KEYS = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
TEST_KEYS = {"score", "max_score", "status", "name", "number", "output", "tags", "visibility"}
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
# bwrap 0.8's own message when the kernel or container forbids unprivileged user namespaces
NO_USERNS = (
    "bwrap: No permissions to creating new namespace, likely because the kernel does not allow "
    "non-privileged user namespaces. On e.g. debian this can be enabled with "
    "'sysctl kernel.unprivileged_userns_clone=1'."
)


@pytest.fixture(scope="module")
def gradescope_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``/autograder`` as Gradescope leaves it after building the image from our zip."""
    tmp = tmp_path_factory.mktemp("gs")
    zpath = build_zip(A1, tmp / "a1.zip", hidden_visibility="after_published")
    root = tmp / "autograder"
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        zf.extractall(root / "source")
    # Gradescope's layout: these at the zip root, the course importable from there
    for name in (
        "setup.sh",
        "run_autograder",
        "requirements.txt",
        "autograder/platforms/gradescope.py",
    ):
        assert name in names
    assert f"source/{A1}/grading_spec.py" in names
    assert not any(n.startswith("source/source/") or "submitted" in n for n in names)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    env = dict(os.environ, DLF_SKIP_APT="1", DLF_SETUP_PYTHON=sys._base_executable)
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    start = time.perf_counter()
    proc = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        cwd=root / "source",
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    print(f"zip {zpath.stat().st_size} bytes; setup.sh {time.perf_counter() - start:.0f} s")
    # the fresh environment grades with the zip's copy of the course, not this checkout's
    python = root / "source" / ".venv" / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import autograder, sys; print(autograder.__file__, sys.prefix)"],
        cwd=root / "source",
        env={"PATH": env["PATH"], "PYTHONPATH": str(root / "source")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert Path(where[0]).is_relative_to(root / "source" / "autograder")
    assert Path(where[1]) == root / "source" / ".venv"
    return root


def _submissions(tmp: Path) -> dict[str, Path]:
    subs = tmp / "demo"
    demo_submissions(A1, subs)
    return {s: subs / "submitted" / s / A1 / f"{A1}.ipynb" for s in ("reference", "untouched")}


def _run_autograder(
    root: Path, notebook: Path, path_prefix: str = "", *, expect_rc: int = 0
) -> dict[str, Any]:
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    submission.mkdir()
    shutil.copy(notebook, submission / f"{A1}.ipynb")
    results = root / "results" / "results.json"
    results.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["AUTOGRADER_ROOT"] = str(root)
    env["PATH"] = path_prefix + env["PATH"]
    start = time.perf_counter()
    proc = subprocess.run(
        [str(root / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    print(f"run_autograder {notebook.parent.parent.name}: {time.perf_counter() - start:.0f} s")
    assert proc.returncode == expect_rc, proc.stdout[-2000:] + proc.stderr[-3000:]
    if expect_rc:
        assert not results.exists()
        return {"stdout": proc.stdout}
    data: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    return data


def _validate(data: dict[str, Any], expected_total: float) -> None:
    """Check every field against Gradescope's results.json specification and the spec."""
    spec = load_spec(A1)
    auto = sum(p.points for p in spec.parts)
    manual = sum(spec.manual_parts.values())
    assert manual > 0
    assert set(data) <= TOP_KEYS
    assert data["visibility"] == "visible" and data["stdout_visibility"] == "hidden"
    assert isinstance(data["execution_time"], float | int) and data["execution_time"] > 0
    assert data["score"] == pytest.approx(expected_total, abs=1e-6)
    assert f"{expected_total:g} / {auto:g} auto-graded points" in data["output"]
    assert f"plus {manual:g} points graded by hand" in data["output"]
    tests = data["tests"]
    for test in tests:
        assert set(test) <= TEST_KEYS
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["output"], str) and test["output"]
        assert test["visibility"] in VISIBILITIES
        assert test["status"] in ("passed", "failed")
        assert 0 <= test["score"] <= test["max_score"] + 1e-9
        assert (test["status"] == "passed") == (test["score"] >= test["max_score"] - 1e-6)
    assert len({t["number"] for t in tests}) == len(tests)
    assert sum(t["score"] for t in tests) == pytest.approx(data["score"], abs=1e-5)
    # each part: a visible test for its public cases, one after_published for the hidden ones,
    # whose maximum points add up to the part's points from the grading spec
    for index, part in enumerate(spec.parts, start=1):
        mine = [t for t in tests if t["number"].split(".")[0] == str(index)]
        public = [t for t in mine if t["name"].endswith("(public cases)")]
        hidden = [t for t in mine if t["name"].endswith("(hidden cases)")]
        assert len(public) == 1 and public[0]["visibility"] == "visible"
        assert len(hidden) == (1 if part.hidden_cases() else 0)
        assert all(t["visibility"] == "after_published" for t in hidden)
        assert all(t["name"].startswith(part.title) for t in mine)
        assert sum(t["max_score"] for t in mine) == pytest.approx(part.points, abs=1e-5)
        n_public, n_hidden = len(part.public_cases()), len(part.hidden_cases())
        share = part.points * n_public / (n_public + n_hidden)
        assert public[0]["max_score"] == pytest.approx(share, abs=1e-5)


@needs_bwrap
def test_gradescope_run_reference_and_untouched(gradescope_root: Path, tmp_path: Path) -> None:
    spec = load_spec(A1)
    full = sum(p.points for p in spec.parts)
    notebooks = _submissions(tmp_path)
    reference = _run_autograder(gradescope_root, notebooks["reference"])
    _validate(reference, full)
    assert all(t["status"] == "passed" for t in reference["tests"])
    assert "REDUCED" not in reference["output"]
    untouched = _run_autograder(gradescope_root, notebooks["untouched"])
    _validate(untouched, 0.0)
    assert all(t["status"] == "failed" for t in untouched["tests"])
    # hidden cases never reveal what they are: no inputs or expected values in their output
    hidden_out = [t["output"] for t in untouched["tests"] if "(hidden cases)" in t["name"]]
    assert hidden_out and not any("expected" in o for o in hidden_out)


def test_gradescope_where_bwrap_cannot_create_namespaces(
    gradescope_root: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "bwrap").write_text(f'#!/bin/sh\necho "{NO_USERNS}" >&2\nexit 1\n')
    (fake / "bwrap").chmod(0o755)
    spec = load_spec(A1)
    notebooks = _submissions(tmp_path)
    reference = _run_autograder(gradescope_root, notebooks["reference"], f"{fake}{os.pathsep}")
    _validate(reference, sum(p.points for p in spec.parts))
    assert "isolation is REDUCED" in reference["output"]
    for test in reference["tests"]:
        assert test["status"] == "passed"
        assert "isolation is REDUCED" in test["output"]
        assert "No permissions to creating new namespace" in test["output"]


def test_gradescope_fails_loudly_when_the_grader_cannot_start(
    gradescope_root: Path, tmp_path: Path
) -> None:
    # a bwrap whose trial run works but that cannot start the real sandbox: nothing of the
    # student's ran, so no score (not a 0) is written and Gradescope reports the failure
    fake = tmp_path / "fakebin"
    fake.mkdir()
    script = (
        'for last; do :; done\n[ "$last" = true ] && exit 0\necho "bwrap: broken" >&2\nexit 1\n'
    )
    (fake / "bwrap").write_text("#!/bin/sh\n" + script)
    (fake / "bwrap").chmod(0o755)
    notebooks = _submissions(tmp_path)
    out = _run_autograder(
        gradescope_root, notebooks["reference"], f"{fake}{os.pathsep}", expect_rc=1
    )
    assert "the grader could not start" in out["stdout"]
    assert "bwrap: broken" in out["stdout"]
