"""Compare two case files by meaning, not by bytes (what ``autograder build --check`` needs).

Why not bytes: the reference records in a case file are computed with NumPy, whose BLAS takes a
different kernel path on a different CPU (and may sum in another order), so the same source gives
reference floats that differ in the last bit or two from one machine to the next. Rounding the
stored values would not fix that (a value near a rounding boundary still flips), so the check
compares meanings instead:

- member names, the manifest (part definitions, case names, notes, argument kinds), array
  shapes and dtypes, integers, booleans and strings must be identical;
- floats must agree to ``|a - b| <= rtol * max(|a|, |b|) + rtol * scale``, with ``scale`` the
  largest magnitude in the array and ``rtol = 1e-12`` for float64 (a few ulps of 2.2e-16 each, of
  a value or of a cancellation among terms of the array's size, pass; any real change of a case
  or a reference, such as a new seed, a changed formula or another constant, moves values by far
  more and fails). A float32 value's ulp is 1.2e-7 relative, so float32 arrays get eight of their
  own ulps, ``8 * 1.2e-7``, instead. NaN must face NaN, and an infinity the same infinity.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

RTOL = 1e-12


def _load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _float_close(a: np.ndarray, b: np.ndarray, rtol: float) -> np.ndarray:
    """Entrywise agreement of two float arrays of one shape (see the module docstring)."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    finite = np.isfinite(a64) & np.isfinite(b64)
    scale = float(np.max(np.abs(np.where(finite, a64, 0.0)), initial=0.0))
    same_special = (np.isnan(a64) & np.isnan(b64)) | (~np.isnan(a64) & (a64 == b64))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(a64 - b64)
        # the smallest normal float as an absolute floor: an all-zero array whose entries become
        # one subnormal ulp (5e-324) on another machine has a scale of nothing to be relative to
        bound = rtol * np.maximum(np.abs(a64), np.abs(b64)) + rtol * scale + np.finfo(a.dtype).tiny
    return same_special | (finite & (diff <= bound))


def compare_arrays(name: str, a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> str | None:
    """``None`` if two stored arrays mean the same, else why they differ.

    Parameters
    ----------
    name : str
        Member name, for the message.
    a, b : ndarray
        The committed and the freshly built value (any shape, same or different dtype).
    rtol : float
        Relative tolerance for floating-point entries.
    """
    if a.dtype != b.dtype:
        return f"{name}: dtype {a.dtype} vs {b.dtype}"
    if a.shape != b.shape:
        return f"{name}: shape {a.shape} vs {b.shape}"
    if a.dtype.kind in "fc":
        rtol = max(rtol, 8 * float(np.finfo(a.dtype).eps))
        if a.dtype.kind == "c":
            ok = _float_close(a.real, b.real, rtol) & _float_close(a.imag, b.imag, rtol)
        else:
            ok = _float_close(a, b, rtol)
        if ok.all():
            return None
        bad = int((~ok).sum())
        k = int(np.argmax(~ok.ravel()))
        return (
            f"{name}: {bad} of {a.size} entries differ beyond rtol {rtol:g} "
            f"(first at flat index {k}: {a.ravel()[k]!r} vs {b.ravel()[k]!r})"
        )
    if np.array_equal(a, b):
        return None
    return f"{name}: values differ"


def compare_casefiles(committed: Path, fresh: Path, rtol: float = RTOL) -> list[str]:
    """Every difference in meaning between two case files (empty when they agree).

    Parameters
    ----------
    committed, fresh : Path
        ``.npz`` case files (read with ``allow_pickle=False``).
    rtol : float
        Relative tolerance for floats (see the module docstring).

    Returns
    -------
    list of str
        One line per differing member.
    """
    a, b = _load(committed), _load(fresh)
    problems = [f"{k}: only in the committed file" for k in sorted(set(a) - set(b))]
    problems += [f"{k}: only in the fresh build" for k in sorted(set(b) - set(a))]
    for key in sorted(set(a) & set(b)):
        msg = compare_arrays(key, a[key], b[key], rtol)
        if msg:
            problems.append(msg)
    return problems
