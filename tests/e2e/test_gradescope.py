"""The Gradescope zip: its ``run_autograder`` writes a valid results.json with isolated scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.course import load_spec
from autograder.demo import demo_submissions
from autograder.gradescope import build_zip
from tests.sandbox_support import SANDBOX_SKIP

A1 = "a1_linear_classifiers"
pytestmark = [pytest.mark.slow, SANDBOX_SKIP]


def test_run_autograder_writes_results_json(tmp_path: Path) -> None:
    zpath = build_zip(A1, tmp_path / "a1.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        assert "setup.sh" in names and "run_autograder" in names
        assert not any(
            "submitted" in n or (n.endswith(".ipynb") and "source/source" in n) for n in names
        )
        zf.extractall(root)
    # Gradescope would mount the source at /autograder/source and run setup.sh; here the
    # extracted course runs with this interpreter, where `autograder` is already installed.
    subs = tmp_path / "subs"
    expected = {"reference": 92.0, "untouched": 0.0}
    demo_submissions(A1, subs)
    spec = load_spec(A1)
    for student, total in expected.items():
        sub_dir = root / "submission"
        if sub_dir.exists():
            for p in sub_dir.iterdir():
                p.unlink()
        sub_dir.mkdir(exist_ok=True)
        src = subs / "submitted" / student / A1 / f"{A1}.ipynb"
        (sub_dir / f"{A1}.ipynb").write_bytes(src.read_bytes())
        env = dict(os.environ, AUTOGRADER_ROOT=str(root), DLF_PYTHON=sys.executable)
        proc = subprocess.run(
            ["bash", str(root / "run_autograder")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        results = json.loads((root / "results" / "results.json").read_text())
        assert results["score"] == pytest.approx(total)
        assert len(results["tests"]) == len(spec.parts)
        for test, part in zip(results["tests"], spec.parts, strict=True):
            assert set(test) >= {"score", "max_score", "status", "visibility", "output", "name"}
            assert test["max_score"] == part.points
            assert test["status"] in ("passed", "failed")
            assert 0 <= test["score"] <= test["max_score"]
