"""Probes: call a student's code on one case and record plain data.

A probe is ``probe(namespace, part, args) -> dict`` registered in :data:`PROBES` under a name a
spec refers to. ``namespace`` is the notebook's globals, ``args`` fresh copies of the case's
inputs. Probes never judge: they record outputs (and, for gradients, the finite differences of
the student's own function) and let exceptions propagate to :func:`run_probe`, which turns them
into a record too. A probe may run in a hostile sandbox, so it records only raw return values;
every derived quantity a check scores is computed by the probe's *measure* (registered with
:func:`register_measure`) on the trusted side, from those values and the trusted copy of the
inputs (see :func:`measure_record`).
"""

from __future__ import annotations

# Importing the modules registers their probes.
from autograder.judging.probes import (
    a1,  # noqa: F401  (registration side effect)
    a2,  # noqa: F401
    a3,  # noqa: F401
    a4,  # noqa: F401
    a5,  # noqa: F401
    a5_trained,  # noqa: F401  (a5's trained parts: training loop, overfitting study)
)
from autograder.judging.probes.core import (
    MEASURES,
    PROBES,
    ProbeFn,
    measure_record,
    probe_and_measure,
    register,
    register_measure,
    run_probe,
)

__all__ = [
    "MEASURES",
    "PROBES",
    "ProbeFn",
    "measure_record",
    "probe_and_measure",
    "register",
    "register_measure",
    "run_probe",
]
