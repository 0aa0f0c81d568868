"""Nothing a student's code prints, warns or raises carries a hidden input or a host path."""

from __future__ import annotations

import sys

import numpy as np

from autograder.course import course_root
from autograder.judging.judge import judge_part
from autograder.judging.redact import redact
from autograder.judging.spec import Case, Check, Part

HIDDEN_X = np.array([0.123456789, -41.5, 2.5e-7, 1234.0, 3.0])
PART = Part("test_f", "f", ("f",), 2.0, "call", (Check("match", "out"),))
CASE = Case("h", {"x": HIDDEN_X}, "hidden")


def test_hidden_input_values_are_replaced_in_any_format() -> None:
    text = "x = [0.1235 -41.50 2.5e-07 1234] at index 3, 1.23456789e-01, 0.999"
    out = redact(text, {"x": HIDDEN_X})
    for secret in ("0.1235", "-41.50", "2.5e-07", "1234", "1.23456789e-01"):
        assert secret not in out
    assert "index 3" in out and "0.999" in out  # small integers and other numbers stay
    assert out.count("<hidden>") == 5


def test_public_cases_are_not_redacted_but_paths_are() -> None:
    root = course_root(required=False)
    assert root is not None
    text = f"{root}/solutions/x.py and {sys.prefix}/lib and /tmp/dlf-sandbox-ab12/run-0 0.1235"
    out = redact(text, None)
    assert str(root) not in out and sys.prefix not in out and "/tmp/dlf" not in out
    assert "<course>/solutions/x.py" in out and "0.1235" in out


def test_the_judge_scrubs_every_text_a_sandbox_can_forge() -> None:
    forged = [
        {"__error__": "values: -41.5 and 1234.0", "__status__": "error", "__returned__": True},
        {"__error__": "the process died at 0.123456789", "__status__": "error", "__fault__": True},
        {"__error__": "ValueError: 2.5e-07", "__error_type__": "ValueError", "__status__": "error"},
        {"out": np.zeros(5), "__warnings__": "RuntimeWarning: x=1234.0", "__mutated__": "-41.5"},
    ]
    for rec in forged:
        result = judge_part(PART, [(CASE, True)], [rec], [{"out": HIDDEN_X}])
        text = "\n".join(m for c in result.cases for m in c.messages)
        for secret in ("41.5", "1234", "0.123", "2.5e-07"):
            assert secret not in text, (rec, text)
