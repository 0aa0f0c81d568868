"""Case files compared by meaning: a last-bit BLAS difference passes, a real change fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.instructor.casecompare import compare_arrays, compare_casefiles


def _save(path: Path, **arrays: np.ndarray) -> Path:
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


def _one_ulp(a: np.ndarray) -> np.ndarray:
    """Every entry moved by one ulp, away from zero (what another BLAS kernel may give)."""
    return np.nextafter(a, np.where(a >= 0, np.inf, -np.inf)).astype(a.dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_one_ulp_everywhere_passes(tmp_path: Path, dtype: type) -> None:
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((5, 7)) * 10.0 ** rng.integers(-8, 8, (5, 7))).astype(dtype)
    assert compare_arrays("a", a, _one_ulp(a)) is None
    assert (
        compare_casefiles(_save(tmp_path / "a.npz", x=a), _save(tmp_path / "b.npz", x=_one_ulp(a)))
        == []
    )


def test_cancellation_to_zero_passes_relative_to_the_arrays_scale() -> None:
    # a gradient entry that cancels to 0.0 here and to 2e-16 on another CPU, in an array of size-1
    # entries: within rtol * scale
    a = np.array([1.0, -0.5, 0.0])
    b = np.array([1.0, -0.5, 2.2e-16])
    assert compare_arrays("g", a, b) is None


def test_float32_gets_eight_of_its_own_ulps_and_no_more() -> None:
    a = np.array([1.0, 3.0], dtype=np.float32)
    assert compare_arrays("a", a, a * np.float32(1 + 4 * 1.2e-7)) is None
    assert compare_arrays("a", a, a * np.float32(1 + 1e-5)) is not None


def test_real_changes_fail() -> None:
    a = np.linspace(-3.0, 3.0, 13)
    assert compare_arrays("x", a, a * (1 + 1e-9)) is not None  # a changed tolerance or formula
    assert compare_arrays("x", a, a[:-1]) is not None  # shape
    assert compare_arrays("x", a, a.astype(np.float32)) is not None  # dtype
    assert compare_arrays("y", np.arange(4), np.array([0, 1, 2, 4])) is not None  # integers exact
    assert compare_arrays("s", np.asarray("a"), np.asarray("b")) is not None  # strings exact
    assert compare_arrays("n", np.array([np.nan]), np.array([0.0])) is not None
    assert compare_arrays("n", np.array([np.inf]), np.array([-np.inf])) is not None
    assert compare_arrays("n", np.array([np.nan, np.inf]), np.array([np.nan, np.inf])) is None


def test_members_must_match(tmp_path: Path) -> None:
    a = _save(tmp_path / "a.npz", x=np.zeros(2), y=np.ones(2))
    b = _save(tmp_path / "b.npz", x=np.zeros(2))
    problems = compare_casefiles(a, b)
    assert problems == ["y: only in the committed file"]
