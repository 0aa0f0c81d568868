"""Grading without bubblewrap (the reduced fallback): it says so, and still hides the course.

The fallback runs the harness as a plain limited process, which can read this machine's files;
``python -I`` and an import blocker keep the instructor's packages off every import path, so a
plain ``import solutions`` fails and an honest submission keeps full marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.instructor.demo import reference_submission, write_submission
from autograder.pipeline.grade import grade
from autograder.sandbox import driver
from tests.e2e.adversarial import WRONG_L1, Adversary, build

A1 = "a1_linear_classifiers"
pytestmark = pytest.mark.slow

IMPORT_SOLUTIONS = Adversary(
    "cheat_import_solutions",
    ("test_l1_penalty",),
    answers={
        "l1_penalty": (
            "import importlib\nimport numpy as np\n\ndef l1_penalty(W, reg):\n"
            "    for name in ('solutions.a1_linear_classifiers', 'solutions'):\n"
            "        try:\n"
            "            return importlib.import_module(name).l1_penalty(W, reg)\n"
            "        except Exception:\n"
            "            pass\n" + WRONG_L1
        )
    },
)


def test_the_fallback_says_so_and_keeps_solutions_out_of_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver, "bwrap_usable", lambda: False)
    folder = tmp_path / "subs"
    reference = reference_submission(A1)
    write_submission(folder, "honest", A1, reference)
    write_submission(folder, IMPORT_SOLUTIONS.name, A1, build(reference, IMPORT_SOLUTIONS))
    results = {
        r.student: r
        for r in grade(A1, folder, tmp_path / "out", jobs=2, cell_timeout=20, progress=False)
    }
    honest, cheat = results["honest"], results[IMPORT_SOLUTIONS.name]
    assert all(p.score == p.points for p in honest.parts)
    assert any("isolation is REDUCED" in n for n in honest.notes)
    for part in cheat.parts:
        expected = 0.0 if part.part_id in IMPORT_SOLUTIONS.targets else part.points
        assert part.score == expected, (part.part_id, part.cases[0].messages)
