"""The probe registry, the generic probes and the safe runner."""

from __future__ import annotations

import contextlib
import copy
import io
import site
import sys
import sysconfig
import traceback
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from autograder.judging.records import NotPlainDataError, Record, dtype_name, to_plain
from autograder.judging.spec import Part
from autograder.student.gradcheck import check_directional, numeric_gradient

ProbeFn = Callable[[Mapping[str, Any], Part, dict[str, Any]], Record]
PROBES: dict[str, ProbeFn] = {}
MeasureFn = Callable[[Record, Mapping[str, Any], Part], Record]
MEASURES: dict[str, MeasureFn] = {}

MAX_ENTRYWISE = 400  # above this many entries a gradient is checked along random directions


def register(name: str) -> Callable[[ProbeFn], ProbeFn]:
    """Register a probe under ``name`` (decorator)."""

    def deco(fn: ProbeFn) -> ProbeFn:
        if name in PROBES:
            raise ValueError(f"probe {name!r} registered twice")
        PROBES[name] = fn
        return fn

    return deco


def register_measure(name: str) -> Callable[[MeasureFn], MeasureFn]:
    """Register the trusted-side measure of the probe ``name`` (decorator).

    A probe runs where the student's code runs (a sandbox, possibly hostile) and only records
    what the student's functions returned. Its measure runs on the trusted side, after the
    record has crossed back: ``measure(record, args, part) -> record`` derives every quantity a
    check scores (accuracy on held-out data, statistics, replays, comparisons with the inputs)
    from the raw values and the trusted side's own copy ``args`` of the case's inputs.
    """

    def deco(fn: MeasureFn) -> MeasureFn:
        if name in MEASURES:
            raise ValueError(f"measure {name!r} registered twice")
        MEASURES[name] = fn
        return fn

    return deco


def measure_record(part: Part, args: Mapping[str, Any], record: Record) -> Record:
    """Apply the part's measure (trusted side) to a raw probe record.

    A record that already failed is returned as it is. Values the measure cannot use (a forged
    or malformed record: wrong shapes, missing keys, wrong types) make the case an error, never
    a crash of the grader and never a pass.

    Parameters
    ----------
    part : Part
    args : mapping
        The trusted side's own copy of the case's inputs (never the sandbox's).
    record : dict
        The raw record.

    Returns
    -------
    dict
        A new record with the measured keys added.
    """
    fn = MEASURES.get(part.probe)
    if fn is None or "__error__" in record:
        return record
    try:
        return fn(dict(record), args, part)
    except Exception as exc:  # a malformed record is the student's error, never the grader's
        text = str(exc) if isinstance(exc, NotPlainDataError) else f"{type(exc).__name__}: {exc}"
        return {
            "__error__": f"the values returned could not be graded: {text}"[:500],
            "__status__": "error",
            "__returned__": True,
        }


def probe_and_measure(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Probe then measure in one process: for the reference and a student's own kernel.

    Isolated grading never uses this: there the probe runs in the sandbox and the measure on
    the trusted side, each with its own copy of ``args``.
    """
    return measure_record(part, args, run_probe(namespace, part, args))


class MissingFunctionError(LookupError):
    """A function the part needs is not defined in the notebook."""


def student_function(namespace: Mapping[str, Any], name: str) -> Callable[..., Any]:
    """Look up a student's function by name.

    Raises
    ------
    MissingFunctionError
        If it is not defined or not callable.
    """
    fn = namespace.get(name)
    if fn is None:
        raise MissingFunctionError(
            f"`{name}` is not defined: run its answer cell first (and keep its name unchanged)"
        )
    if not callable(fn):
        raise MissingFunctionError(f"`{name}` is a {type(fn).__name__}, expected a function")
    return fn


def unpack(out: Any, names: tuple[str, ...], fn_name: str) -> Record:
    """Name the values a function returned: one name for one value, a tuple for several.

    Raises
    ------
    NotPlainDataError
        If the number of returned values is wrong or a value is not numeric.
    """
    if len(names) == 1:
        return {names[0]: to_plain(out, f"the value returned by {fn_name}")}
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        got = f"{len(out)} values" if isinstance(out, (tuple, list)) else f"a {type(out).__name__}"
        raise NotPlainDataError(f"{fn_name} returned {got}; expected a tuple ({', '.join(names)})")
    rec: Record = {}
    for name, value in zip(names, out, strict=True):
        rec[name] = to_plain(value, f"{name} returned by {fn_name}")
        rec[f"__dtype_{name}"] = dtype_name(value)
    return rec


@register("call")
def probe_call(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Call the part's first function with the case's arguments and record its outputs.

    Options: ``outputs`` (names of the returned values, default ``("out",)``).
    """
    name = part.functions[0]
    fn = student_function(namespace, name)
    outputs = tuple(part.options.get("outputs", ("out",)))
    rec = unpack(fn(**args), outputs, name)
    if len(outputs) == 1:
        rec[f"__dtype_{outputs[0]}"] = dtype_name(rec[outputs[0]])
    return rec


@register("loss_grad")
def probe_loss_grad(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Call ``fn(**args) -> (loss, grad)`` and the finite differences of the student's own loss.

    Options: ``outputs`` (default ``("loss", "grad")``), ``wrt`` (the argument differentiated).
    Records ``numeric_<grad>`` (entrywise for small tensors, else ``directional_ok``).
    """
    name = part.functions[0]
    fn = student_function(namespace, name)
    outputs = tuple(part.options.get("outputs", ("loss", "grad")))
    wrt = part.options.get("wrt", "W")
    pristine = copy.deepcopy(args)
    rec = unpack(fn(**args), outputs, name)
    grad_name = outputs[1]

    def loss_at(w: np.ndarray) -> float:
        call_args = copy.deepcopy(pristine)
        call_args[wrt] = w.astype(np.asarray(pristine[wrt]).dtype, copy=True)
        return float(fn(**call_args)[0])

    x = np.asarray(pristine[wrt])
    if x.size <= MAX_ENTRYWISE:
        rec[f"numeric_{grad_name}"] = numeric_gradient(loss_at, x)
    else:
        result = check_directional(loss_at, x, rec[grad_name], np.random.default_rng(0))
        rec["directional_ok"] = result.ok
    return rec


def _copy_args(args: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.copy() if isinstance(v, np.ndarray) else copy.deepcopy(v)) for k, v in args.items()
    }


def _mutated(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changed = []
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            other = after[key]
            if (
                not isinstance(other, np.ndarray)
                or other.shape != value.shape
                or not np.array_equal(other, value, equal_nan=True)
            ):
                changed.append(key)
    return changed


def run_probe(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Run the part's probe on copies of ``args``; never raises for anything the student did.

    Returns
    -------
    dict
        The probe's outputs plus metadata (never a timing: no verdict reads the clock):
        ``__mutated__`` (names of inputs the function modified), ``__warnings__`` (warnings
        raised, as text), ``__output_chars__`` (how much the student's code printed) and,
        when it failed, ``__error__`` and ``__status__`` (``missing`` or ``error``).
    """
    probe = PROBES[part.probe]
    call_args = _copy_args(args)
    out_buf, err_buf = io.StringIO(), io.StringIO()
    rec: Record
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(out_buf), contextlib.redirect_stderr(err_buf):
                rec = probe(namespace, part, call_args)
        except MissingFunctionError as exc:
            rec = {"__error__": str(exc), "__status__": "missing"}
        except NotPlainDataError as exc:
            rec = {"__error__": str(exc), "__status__": "error", "__returned__": True}
        except (Exception, SystemExit) as exc:  # any student exception, exit() too, is recorded
            where = _student_line(exc)
            rec = {
                "__error__": f"{type(exc).__name__}: {exc}{where}",
                "__error_type__": type(exc).__name__,
                "__error_where__": where,
                "__status__": "error",
            }
    rec["__output_chars__"] = len(out_buf.getvalue()) + len(err_buf.getvalue())
    mutated = _mutated(args, call_args)
    if mutated:
        rec["__mutated__"] = ", ".join(mutated)
    messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    if messages:
        rec["__warnings__"] = "; ".join(messages)[:500]
    return rec


_LIBRARY_ROOTS = {
    sys.prefix,
    sys.base_prefix,
    sysconfig.get_paths()["stdlib"],
    *site.getsitepackages(),
}
_LIBRARY_DIRS = (
    *(str(Path(p).resolve()) for p in _LIBRARY_ROOTS),
    str(Path(__file__).resolve().parents[2]),  # the autograder package itself
)


def _is_student_frame(filename: str) -> bool:
    """Frames of the student's own code: not the grader's, NumPy's or the standard library's."""
    if filename.startswith("<"):
        return True
    resolved = str(Path(filename).resolve())
    return not any(resolved.startswith(d) for d in _LIBRARY_DIRS)


def _student_line(exc: BaseException) -> str:
    """Where in the student's own code the exception came from: `` (line N: `code`)``."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_student_frame(f.filename)]
    if not frames:
        return ""
    last = frames[-1]
    return f" (line {last.lineno}: `{(last.line or '').strip()[:120]}`)"
