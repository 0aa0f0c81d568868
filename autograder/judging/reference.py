"""Instructor side: the reference implementation's records (imports ``solutions`` lazily).

This is the only module of :mod:`autograder` that imports ``solutions``, and only inside its
functions, so importing any student-facing module never touches the solutions.
"""

from __future__ import annotations

import importlib
from typing import Any

from autograder.judging.probes.core import probe_and_measure
from autograder.judging.records import Record
from autograder.judging.spec import AssignmentSpec, Case, Part


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
        rec = probe_and_measure(namespace, part, case.args)
        if "__error__" in rec:
            raise ReferenceFailedError(
                f"reference failed on {part.id}/{case.name}: {rec['__error__']}"
            )
        out.append(rec)
    return out


def usable_cases(
    spec: AssignmentSpec, part: Part, cases: list[tuple[Case, bool]]
) -> tuple[list[tuple[Case, bool]], list[Record | None], list[str]]:
    """The cases the reference can answer, their records, and what failed (instructor-side).

    A reference that fails on a case is a bug in the spec or in ``solutions``, never the
    student's: the case is left out of grading (students are graded on the others) and the
    failure is returned once, for the instructor, instead of crashing the batch or scoring
    every student 0.

    Returns
    -------
    kept : list of (Case, hidden)
    references : list of records aligned with ``kept``
    problems : list of str
        One line per case left out.
    """
    try:
        return cases, reference_records(spec, part, [c for c, _ in cases]), []
    except ReferenceFailedError:
        pass
    kept: list[tuple[Case, bool]] = []
    refs: list[Record | None] = []
    problems: list[str] = []
    for pair in cases:
        try:
            refs.append(reference_records(spec, part, [pair[0]])[0])
            kept.append(pair)
        except ReferenceFailedError as exc:
            problems.append(f"{exc}; the case was left out of grading")
    return kept, refs, problems


def reference_mlp_predictions(
    module: str,
    activation: str,
    loss: str,
    params: dict[str, Any],
    X: Any,
) -> Any | None:
    """Predictions of the reference MLP of ``module`` with the given parameters.

    Used by trusted-side measures to score a model from the parameters a notebook trained,
    so that held-out data never enters the sandbox. Returns ``None`` where ``solutions`` is not
    installed (a student's own kernel, where a self-check has nothing to protect).

    Parameters
    ----------
    module : str
        e.g. ``"solutions.a3_backprop_mlp"``.
    activation, loss : str
        As the model was built.
    params : dict
        ``W1, b1, ..., WL, bL`` with ``W_l`` of shape ``(d_{l-1}, d_l)``.
    X : ndarray of shape (N, D)

    Raises
    ------
    ValueError
        If the reference refuses the activation, loss or parameters.
    """
    import numpy as np

    try:
        mlp_class = importlib.import_module(module).MLP
    except ImportError:
        return None
    num_layers = len(params) // 2
    sizes = [int(params["W1"].shape[0])] + [
        int(params[f"W{i}"].shape[1]) for i in range(1, num_layers + 1)
    ]
    model = mlp_class(sizes, activation=activation, rng=np.random.default_rng(0), loss=loss)
    for key, value in params.items():
        model.params[key] = np.array(value, dtype=np.float64, copy=True)
    return model.predict(np.asarray(X, dtype=np.float64))
