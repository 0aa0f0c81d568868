"""The judge: score a part's probe records against the reference records.

Works on plain data only (see :mod:`autograder.judging.records`), so the records may come from the
same
kernel (self-check, nbgrader) or from a sandbox (isolated grading) without any change here.
Each case scores in ``[0, 1]`` as the mean of its checks; the part scores ``points`` times the
mean over cases. Messages name the case, the output, how many entries differ, the worst entries
(public cases only: hidden cases never reveal inputs or expected values) and a hint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.judging.records import Record
from autograder.judging.redact import redact
from autograder.judging.results import CaseResult, PartResult
from autograder.judging.spec import Case, Check, Part
from autograder.student.gradcheck import compare_gradients
from autograder.student.hints import diagnose


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def compare_match(
    label: str, expected: Any, got: Any, check: Check, *, hidden: bool, context: dict[str, Any]
) -> str | None:
    """Compare one output with the reference; return ``None`` if close, else a message."""
    e = np.asarray(expected)
    g = np.asarray(got)
    if e.shape != g.shape:
        hint = diagnose(e, g, context)
        return f"{label}: shape {g.shape}, expected {e.shape}" + (f"; hint: {hint}" if hint else "")
    if e.dtype.kind == "b" or g.dtype.kind == "b":
        e, g = e.astype(np.float64), g.astype(np.float64)
    e64, g64 = e.astype(np.float64), g.astype(np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.isclose(g64, e64, rtol=check.rtol, atol=check.atol, equal_nan=False)
    if ok.all():
        return None
    bad = int((~ok).sum())
    nonfinite = int((~np.isfinite(g64)).sum())
    if nonfinite:
        text = f"{label}: {nonfinite} of {e64.size} entries are NaN or infinite"
        hint = diagnose(e64, g64, context)
        return text + (f"\n    hint: {hint}" if hint else "")
    if e64.ndim == 0:
        text = f"{label}: value differs"
        if not hidden:
            text += f" (expected {_fmt(float(e64))}, got {_fmt(float(g64))})"
        else:
            rel_scalar = abs(float(g64) - float(e64)) / max(abs(float(e64)), 1e-12)
            text += f" (relative error {rel_scalar:.1e})"
    else:
        denom = np.maximum(np.abs(e64), 1e-12)
        with np.errstate(invalid="ignore"):
            rel = np.abs(g64 - e64) / denom
        worst = np.nanmax(np.where(ok, 0.0, rel)) if np.isfinite(rel).any() else float("inf")
        text = f"{label}: {bad} of {e64.size} entries differ (max relative error {worst:.1e})"
        if not hidden:
            err = np.where(ok, -1.0, np.nan_to_num(np.abs(g64 - e64), nan=np.inf))
            for k in np.argsort(err, axis=None)[::-1][:3]:
                if err.flat[k] < 0:
                    break
                idx = list(int(i) for i in np.unravel_index(k, e64.shape))
                text += f"\n    at {idx}: expected {_fmt(e64.flat[k])}, got {_fmt(g64.flat[k])}"
    hint = diagnose(e64, g64, {**context, "rtol": check.rtol, "atol": check.atol})
    return text + (f"\n    hint: {hint}" if hint else "")


def dtype_mismatch(label: str, expected: Any, got: Any) -> str | None:
    """A message when an array's dtype breaks the reference's: float32 kept, integers kept.

    The reference returns float32 only where the contract keeps the input's dtype, and integers
    only for labels and counts, so these are the two dtypes a student's array must reproduce.
    """
    e, g = np.asarray(expected), np.asarray(got)
    if e.ndim == 0 or not isinstance(got, np.ndarray):
        return None
    if e.dtype == np.float32 and g.dtype != np.float32:
        return (
            f"{label}: dtype {g.dtype}, expected float32 (the input's dtype must be kept: no "
            "float64 constants, casts or np.zeros without dtype=)"
        )
    if e.dtype.kind in "iu" and g.dtype.kind not in "iu":
        return f"{label}: dtype {g.dtype}, expected integers (labels or counts)"
    return None


def _check_case(
    check: Check,
    student: Record,
    reference: Record | None,
    *,
    hidden: bool,
    context: dict[str, Any],
) -> tuple[float, str | None]:
    """Score one check on one case: ``(credit in [0, 1], message or None)``."""
    label = check.name
    if check.output not in student:
        return 0.0, f"{label}: not produced"
    got = student[check.output]
    if check.kind in ("match", "equal"):
        if reference is None or check.output not in reference:
            raise KeyError(
                f"reference record lacks {check.output!r}: the spec or the casefile is stale"
            )
        wrong_dtype = dtype_mismatch(label, reference[check.output], got)
        if wrong_dtype:
            return 0.0, wrong_dtype
        if check.kind == "equal":
            e, g = np.asarray(reference[check.output]), np.asarray(got)
            if e.shape == g.shape and np.array_equal(e, g):
                return 1.0, None
            shown = "" if hidden else f" (expected {e.tolist()}, got {g.tolist()})"
            if e.shape != g.shape:
                shown = f": shape {g.shape}, expected {e.shape}" + shown
            elif e.size > 1:
                shown = f": {int((e != g).sum())} of {e.size} differ" + shown
            return 0.0, f"{label}: not equal{shown}"
        msg = compare_match(
            label,
            reference[check.output],
            got,
            check,
            hidden=hidden,
            context={**context, "output": check.output},
        )
        return (1.0, None) if msg is None else (0.0, msg)
    if check.kind == "selfgrad":
        if check.against not in student:
            # a missing measurement is a failure, never a pass
            return 0.0, f"{label}: no finite differences were recorded"
        loss = np.asarray(student.get("loss", 1.0), dtype=np.float64)
        f_value = float(loss) if loss.ndim == 0 else 1.0
        result = compare_gradients(
            label, got, student[check.against], f_value, {**context, "output": check.output}
        )
        if result.ok:
            return 1.0, None
        result.name = f"{label} vs finite differences of your own loss"
        if hidden:
            result.worst = []
        return 0.0, result.message()
    if check.kind == "at_least":
        value = float(np.asarray(got))
        if not np.isfinite(value):
            return 0.0, f"{label} is {value}: not a number"
        if value >= check.threshold:
            return 1.0, None
        floor = check.floor if check.floor is not None else check.threshold
        credit = 0.0 if value <= floor else (value - floor) / (check.threshold - floor)
        return (
            credit,
            f"{label} = {value:.4f}, needs at least {check.threshold:.4f} for full credit",
        )
    if check.kind == "true":
        return (1.0, None) if bool(np.asarray(got)) else (0.0, f"{label}: not satisfied")
    raise ValueError(f"unknown check kind {check.kind!r}")


def case_context(case: Case) -> dict[str, Any]:
    """Facts about a case's inputs that sharpen hints: batch size ``N``, entries per sample
    ``K`` (of a 2-D prediction or score array), ``reg``, ``W``."""
    ctx: dict[str, Any] = {}
    for key in ("X", "x", "scores", "pred", "logits", "y_pred", "y_true", "y"):
        value = case.args.get(key)
        if isinstance(value, np.ndarray) and value.ndim >= 1:
            ctx["N"] = int(value.shape[0])
            break
    for key in ("scores", "pred", "logits"):
        value = case.args.get(key)
        if isinstance(value, np.ndarray) and value.ndim == 2:
            ctx["K"] = int(value.shape[1])
            break
    if "reg" in case.args:
        ctx["reg"] = float(case.args["reg"])
    if isinstance(case.args.get("W"), np.ndarray):
        ctx["W"] = case.args["W"]
    return ctx


def _nonfinite(value: Any) -> bool:
    """Whether a recorded output holds NaN or infinity (False for non-numbers)."""
    try:
        return not bool(np.isfinite(np.asarray(value, dtype=np.float64)).all())
    except (TypeError, ValueError):
        return False


def judge_case(
    part: Part, case: Case, student: Record, reference: Record | None, *, hidden: bool, label: str
) -> CaseResult:
    """Score every applicable check of ``part`` on one case."""
    result = CaseResult(name=label, hidden=hidden, note=case.note, score=0.0)
    if "__error__" in student:
        result.status = student.get("__status__", "error")
        # "__fault__": the grader's own account of what happened (the process died, ...)
        raised = (
            result.status == "error"
            and not student.get("__returned__", False)
            and not student.get("__fault__", False)
        )
        text = str(student["__error__"])
        if hidden and raised and "__error_type__" in student:
            # the exception's message may quote a hidden input: show its type and the line only
            text = f"{student['__error_type__']}{student.get('__error_where__', '')}"
        # any text from where the student's code ran may be forged to quote hidden inputs or
        # this machine's paths: scrubbed by value, whatever its source claims to be
        text = redact(text, case.args if hidden else None)
        result.messages.append(f"raised {text}" if raised else text)
        return result
    checks = [c for c in part.checks if case.checks is None or c.key in case.checks]
    facts = tuple(part.options.get("hint_facts", ()))
    context = {**case_context(case), "hidden": hidden, "facts": facts}
    credits: list[float] = []
    weights: list[float] = []
    diagnostics = []
    gates = set(part.options.get("gate", ()))
    gate_failed = False
    for check in checks:
        credit, msg = _check_case(check, student, reference, hidden=hidden, context=context)
        if check.key in gates and credit < 1.0:
            gate_failed = True
        if check.kind == "selfgrad":
            # self-consistency earns nothing: a wrong loss with the gradient of that wrong loss
            # is still wrong, and the finite differences come from where the student's code
            # runs. It only tells a student whose gradient differs from the reference's where
            # the bug is (the gradient, or the loss it is the gradient of), so it is shown
            # when a scored check failed.
            if msg:
                diagnostics.append(msg)
            continue
        credit = credit if np.isfinite(credit) else 0.0
        credits.append(credit)
        weights.append(float(check.weight))
        if msg:
            notes = [part.hints.get(check.output)]
            if _nonfinite(student.get(check.output)):
                notes.append(part.hints.get(f"{check.output}:nonfinite"))
            result.messages.append(msg + "".join(f"\n    note: {n}" for n in notes if n))
    scrub_args = case.args if hidden else None
    if part.options.get("no_overflow") and "overflow" in str(student.get("__warnings__", "")):
        # the part requires overflow-free code: a warning costs one check's credit
        credits.append(0.0)
        weights.append(1.0)
        result.messages.append(
            "no overflow: NumPy or math warned of an overflow; never exponentiate a large "
            "positive number (for the sigmoid of x < 0 use exp(x) / (1 + exp(x)))"
        )
    if "__mutated__" in student:
        # the notebooks say a function must not modify its inputs: that costs one check's credit
        credits.append(0.0)
        weights.append(1.0)
        names = redact(str(student["__mutated__"])[:200], scrub_args)
        result.messages.append(
            f"inputs unchanged: your function modified its input(s) {names} "
            "in place; the caller's arrays must be left unchanged (work on a copy)"
        )
    # a case with nothing scored is a spec error, never a free pass
    result.score = float(np.average(credits, weights=weights)) if sum(weights) > 0 else 0.0
    if gate_failed:
        # the part's core result is wrong: its side conditions (called often enough, input
        # left alone, ...) are then no achievement of their own
        result.score = 0.0
        result.messages.append(
            "note: no credit for this case while "
            + " / ".join(c.name for c in checks if c.key in gates)
            + " is wrong"
        )
    if result.messages:
        result.messages += diagnostics
    result.status = "ok" if result.score >= 1.0 else "failed"
    if "__warnings__" in student:
        warned = redact(str(student["__warnings__"])[:500], scrub_args)
        result.messages.append(f"note: warnings were raised: {warned}")
    return result


def judge_part(
    part: Part,
    cases: list[tuple[Case, bool]],
    student: list[Record],
    reference: list[Record | None],
) -> PartResult:
    """Score a part from its records.

    Parameters
    ----------
    part : Part
    cases : list of (Case, hidden)
    student, reference : list of records, aligned with ``cases``

    Returns
    -------
    PartResult
        Score ``points * mean(case scores)``, rounded to 1e-6, and a status: ``ok`` (full
        marks), ``missing`` (a function is not defined), ``timeout``, ``error`` (every case
        raised) or ``failed``.
    """
    results = []
    hidden_no = 0
    for (case, hidden), srec, rrec in zip(cases, student, reference, strict=True):
        if hidden:
            hidden_no += 1
        label = f"hidden case {hidden_no}" if hidden else case.name
        results.append(judge_case(part, case, srec, rrec, hidden=hidden, label=label))
    mean = float(np.mean([r.score for r in results])) if results else 0.0
    score = round(part.points * mean, 6)
    statuses = {r.status for r in results}
    if score >= part.points:
        status = "ok"
    elif "missing" in statuses:
        status = "missing"
    elif "timeout" in statuses:
        status = "timeout"
    elif statuses == {"error"}:
        status = "error"
    else:
        status = "failed"
    return PartResult(part.id, part.title, part.points, score, status, results)
