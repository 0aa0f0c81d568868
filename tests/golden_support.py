"""Gradebook snapshots: the refactoring guard that proves grading did not change.

A snapshot (``tests/golden/<name>.csv``) lists, for every student, part and case of a batch,
the status, whether the case passed, and the score rounded to six decimals. It was written by the
grading code *before* a refactoring, so comparing against it proves a refactoring changed no
verdict; it is not evidence that the verdicts are right (the demo's stated expectations and the
unit tests with hand-derived values are). When a grading spec changes on purpose, rewrite the
snapshot with ``DLF_UPDATE_GOLDEN=1`` and say why in the commit.

Messages are left out: they may name process ids or limits of the machine that ran the batch.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

GOLDEN = Path(__file__).parent / "golden"
HEADER = ("student", "part", "part_status", "part_score", "case", "case_status", "case_score")


def gradebook_rows(results: list[Any]) -> list[tuple[str, ...]]:
    """One row per (student, part, case), sorted, with scores rounded to 1e-6."""
    rows = []
    for res in results:
        for part in res.parts:
            for case in part.cases:
                rows.append(
                    (
                        res.student,
                        part.part_id,
                        part.status,
                        f"{part.score:.6f}",
                        case.name,
                        case.status,
                        f"{case.score:.6f}",
                    )
                )
    return sorted(rows)


def assert_matches_golden(results: list[Any], name: str) -> None:
    """Compare a batch's verdicts with ``tests/golden/<name>.csv`` (or write it when updating)."""
    path = GOLDEN / f"{name}.csv"
    rows = gradebook_rows(results)
    if os.environ.get("DLF_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
        pytest.skip(f"snapshot {path.name} written, not compared")
    assert path.exists(), f"no snapshot {path}: write it with DLF_UPDATE_GOLDEN=1"
    with path.open(encoding="utf-8", newline="") as fh:
        golden = sorted(tuple(r) for r in list(csv.reader(fh))[1:])
    if rows != golden:  # as lists: a row graded twice, or once too few, is a difference too
        now, then = Counter(rows), Counter(golden)
        changed = sorted((now - then).elements()) + sorted((then - now).elements())
        plus = set(now - then)
        raise AssertionError(
            f"{len(changed)} rows differ from {path.name} (- snapshot, + now):\n"
            + "\n".join(("+ " if r in plus else "- ") + ",".join(r) for r in changed[:40])
        )
