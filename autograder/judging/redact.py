"""Scrub text that came from a student's code before it is shown in feedback.

Two things must never reach feedback, whatever the student's code prints, warns or raises:

- the inputs of hidden cases: every number in the text that equals an entry of the case's inputs
  (to the 4 significant digits any printout keeps) is replaced by ``<hidden>``; small integers
  (|v| < 100: counts, shapes, line numbers, labels) are kept, since they say nothing a student
  could use and hiding them would blank every message;
- this machine's paths (the course repository, the grader's temporary folders, the Python
  installation), which a sandboxed process can read in ``/proc``: replaced by ``<course>``,
  ``<tmp>`` and ``<python>``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
TMP_PATH = re.compile(r"/tmp/(?:dlf|pytest)[\w./-]*")
SMALL_INT = 100
MAX_VALUES = 200_000  # inputs larger than this are sampled (the text is short anyway)


def _input_values(args: Mapping[str, Any]) -> np.ndarray:
    values = []
    for value in args.values():
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            values.append(value.astype(np.float64).ravel()[:MAX_VALUES])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append(np.array([float(value)]))
    return np.unique(np.concatenate(values)) if values else np.zeros(0)


def _matches(number: float, values: np.ndarray) -> bool:
    if not values.size or not np.isfinite(number):
        return False
    i = int(np.searchsorted(values, number))
    near = values[max(0, i - 1) : i + 1]
    return bool(np.any(np.abs(near - number) <= 5e-4 * max(abs(number), 1e-12)))


def redact_inputs(text: str, args: Mapping[str, Any]) -> str:
    """Replace numbers of ``text`` that are entries of the case's inputs ``args``."""
    values = _input_values(args)

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        try:
            number = float(token)
        except ValueError:
            return token
        if float(number).is_integer() and abs(number) < SMALL_INT:
            return token
        return "<hidden>" if _matches(number, values) else token

    return NUMBER.sub(replace, text)


def host_paths() -> list[tuple[str, str]]:
    """``(path, placeholder)`` pairs for this machine's paths, longest first."""
    from autograder.course import course_root

    pairs = []
    root = course_root(required=False)
    if root is not None:
        pairs.append((str(root), "<course>"))
    for prefix in {sys.prefix, sys.base_prefix}:
        pairs.append((prefix, "<python>"))
    return sorted(pairs, key=lambda p: -len(p[0]))


def redact_paths(text: str) -> str:
    """Replace this machine's paths in ``text``."""
    for path, placeholder in host_paths():
        if len(path) > 1:
            text = text.replace(path, placeholder)
    return TMP_PATH.sub("<tmp>", text)


def redact(text: str, args: Mapping[str, Any] | None) -> str:
    """Both scrubs: host paths always, hidden inputs when ``args`` (a hidden case's) is given."""
    text = redact_paths(text)
    return redact_inputs(text, args) if args is not None else text
