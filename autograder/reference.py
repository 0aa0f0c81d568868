"""Instructor side: the reference implementation's records (imports ``solutions`` lazily).

This is the only module of :mod:`autograder` that imports ``solutions``, and only inside its
functions, so importing any student-facing module never touches the solutions.
"""

from __future__ import annotations

import importlib
from typing import Any

from autograder.probes import measure_record, run_probe
from autograder.records import Record
from autograder.spec import AssignmentSpec, Case, Part


class ReferenceFailedError(RuntimeError):
    """The reference itself failed on a case: a bug in the spec or in ``solutions``."""


def reference_namespace(spec: AssignmentSpec) -> dict[str, Any]:
    """The reference module's public names, as a notebook namespace would hold them."""
    module = importlib.import_module(spec.reference_module)
    return {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}


def needs_reference(part: Part) -> bool:
    """Whether any check compares with the reference (``match`` or ``equal``)."""
    return any(c.kind in ("match", "equal") for c in part.checks)


def reference_records(spec: AssignmentSpec, part: Part, cases: list[Case]) -> list[Record | None]:
    """Probe the reference on every case.

    Raises
    ------
    ReferenceFailedError
        If the reference raised or returned something unusable on a case.
    """
    if not needs_reference(part):
        return [None] * len(cases)
    namespace = reference_namespace(spec)
    out: list[Record | None] = []
    for case in cases:
        rec = measure_record(part, case.args, run_probe(namespace, part, case.args))
        if "__error__" in rec:
            raise ReferenceFailedError(
                f"reference failed on {part.id}/{case.name}: {rec['__error__']}"
            )
        out.append(rec)
    return out
