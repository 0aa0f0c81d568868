"""Tests of ``autograder.judging.judge``: partial credit, statuses and what messages may reveal.

Student and reference records are written by hand here (plain dicts), so the judge is tested
on its own, without probes or ``solutions``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.judging.judge import judge_case, judge_part
from autograder.judging.render import part_text
from autograder.judging.results import PartResult
from autograder.judging.spec import Case, Check, Part

LOSS_CHECKS = (
    Check("match", "loss", rtol=1e-6, atol=1e-9),
    Check("match", "dW", rtol=1e-5, atol=1e-8),
    Check("selfgrad", "dW", against="numeric_dW", label="dW"),
)
LOSS_PART = Part("test_loss", "A loss", ("loss",), 12, "loss_grad", LOSS_CHECKS)

rng = np.random.default_rng(0)
W = rng.standard_normal((4, 3))
X = rng.standard_normal((6, 4))
DW = rng.standard_normal((4, 3))
CASE = Case("small", {"W": W, "X": X, "y": np.zeros(6, dtype=np.int64), "reg": 0.0}, "N=6")


def ref_record(loss: float = 1.75, dW: np.ndarray = DW) -> dict[str, object]:
    return {"loss": loss, "dW": dW.copy()}


def student_record(loss: float = 1.75, dW: np.ndarray = DW, numeric: np.ndarray = DW) -> dict:
    return {"loss": loss, "dW": dW.copy(), "numeric_dW": numeric.copy()}


def all_messages(result: PartResult) -> str:
    return "\n".join(m for c in result.cases for m in c.messages)


# ------------------------------------------------------------------------------ credit


def test_everything_right_scores_full_points() -> None:
    result = judge_part(LOSS_PART, [(CASE, False)], [student_record()], [ref_record()])
    assert result.score == 12 and result.status == "ok"
    assert result.cases[0].messages == [] and result.cases[0].status == "ok"


def test_loss_right_gradient_wrong_loses_half_of_the_case() -> None:
    # dW doubled everywhere: the match check fails (1 of the 2 scored checks passes); the
    # student's own loss is still the true one, so its finite differences equal DW and the
    # selfgrad diagnostic says the bug is in the gradient.
    bad = student_record(dW=2 * DW, numeric=DW)
    result = judge_part(LOSS_PART, [(CASE, False)], [bad], [ref_record()])
    assert result.cases[0].score == pytest.approx(1 / 2)
    assert result.score == pytest.approx(12 / 2, abs=1e-6)
    assert result.status == "failed" and result.cases[0].status == "failed"
    text = all_messages(result)
    assert "twice the expected value" in text
    assert "finite differences of your own loss" in text


def test_self_consistency_alone_earns_nothing() -> None:
    # A wrong loss whose gradient is right *for that loss* (the constant-zero loss with a zero
    # gradient, say): loss and dW fail, and agreeing with its own finite differences earns 0.
    bad = student_record(loss=2.0, dW=DW + 1.0, numeric=DW + 1.0)
    result = judge_part(LOSS_PART, [(CASE, False)], [bad], [ref_record()])
    assert result.cases[0].score == 0.0
    zero = student_record(loss=0.0, dW=np.zeros_like(DW), numeric=np.zeros_like(DW))
    assert judge_part(LOSS_PART, [(CASE, False)], [zero], [ref_record()]).score == 0.0


def test_partial_credit_averages_over_cases() -> None:
    case2 = Case("second", CASE.args, "again")
    records = [student_record(), student_record(loss=0.0)]  # second case: loss wrong only
    result = judge_part(
        LOSS_PART, [(CASE, False), (case2, False)], records, [ref_record(), ref_record()]
    )
    # case scores 1 and 1/2 (selfgrad is not scored): 12 * (1 + 1/2) / 2 = 9
    assert result.score == pytest.approx(9.0, abs=1e-6)
    assert [c.score for c in result.cases] == pytest.approx([1.0, 1 / 2])


def test_case_restricted_checks() -> None:
    # a float32 case checks only loss and dW (no finite differences): selfgrad is ignored
    case = Case("f32", CASE.args, "float32", checks=("loss", "dW"))
    rec = student_record(numeric=DW + 5.0)
    result = judge_part(LOSS_PART, [(case, True)], [rec], [ref_record()])
    assert result.score == 12


def test_output_not_produced() -> None:
    rec = student_record()
    del rec["loss"]
    result = judge_part(LOSS_PART, [(CASE, False)], [rec], [ref_record()])
    assert result.cases[0].score == pytest.approx(1 / 2)
    assert "loss: not produced" in all_messages(result)


def test_a_missing_measurement_is_never_a_pass() -> None:
    # finite differences that a sandbox dropped (say, by patching the grader's size limit)
    # cannot earn anything, and a wrong dW still fails against the reference
    rec = student_record(dW=DW + 1.0)
    del rec["numeric_dW"]
    result = judge_part(LOSS_PART, [(CASE, False)], [rec], [ref_record()])
    assert result.score == pytest.approx(12 / 2)
    assert any("no finite differences" in m for m in result.cases[0].messages)


def test_a_nan_accuracy_is_a_failed_check_not_a_nan_score() -> None:
    part = Part("test_acc", "acc", ("f",), 4.0, "call", (Check("at_least", "acc", threshold=0.9),))
    result = judge_part(part, [(CASE, False)], [{"acc": float("nan")}], [None])
    assert result.score == 0.0 and result.status == "failed"
    assert "not a number" in result.cases[0].messages[0]


def test_missing_reference_output_is_an_instructor_error() -> None:
    with pytest.raises(KeyError, match="stale"):
        judge_part(LOSS_PART, [(CASE, False)], [student_record()], [{"loss": 1.75}])


# ------------------------------------------------------------------------------ messages


def test_public_message_shows_expected_and_got() -> None:
    bad = student_record(loss=2.5)
    result = judge_part(LOSS_PART, [(CASE, False)], [bad], [ref_record(loss=1.75)])
    text = all_messages(result)
    assert "expected 1.75, got 2.5" in text
    assert result.cases[0].name == "small"


def test_public_array_message_names_entries() -> None:
    dW = DW.copy()
    dW[2, 1] += 1.0
    result = judge_part(LOSS_PART, [(CASE, False)], [student_record(dW=dW)], [ref_record()])
    text = all_messages(result)
    assert "1 of 12 entries differ" in text
    assert f"at [2, 1]: expected {DW[2, 1]:.6g}, got {dW[2, 1]:.6g}" in text


SECRET = 12345.678


def _hidden_case() -> Case:
    # distinctive inputs too: none of their printed values may show up in a message
    Wh = np.full((3, 3), 4321.5)
    Wh[0, 0] = 777.25
    Xh = np.full((4, 3), 98.765)
    return Case("h_secret_name", {"W": Wh, "X": Xh, "reg": 0.0}, "a hidden case")


def _secret_strings(case: Case) -> list[str]:
    out = ["12345.678", "12345.7", "12346", "h_secret_name"]
    for value in case.args.values():
        if isinstance(value, np.ndarray):
            out += [f"{v:.6g}" for v in np.unique(value)]
    return out


@pytest.mark.parametrize(
    "got",
    [
        {"loss": 2.5, "dW": np.full((3, 3), SECRET)},  # scalar wrong
        {"loss": SECRET, "dW": np.full((3, 3), 1.0)},  # array wrong everywhere
        {"loss": SECRET, "dW": np.full((3, 3), SECRET) * np.eye(3) + SECRET},  # some entries
        {"loss": SECRET, "dW": np.full((3, 4), SECRET)},  # wrong shape
        {"loss": 0.0, "dW": np.zeros((3, 3))},  # all zero
    ],
)
def test_hidden_messages_never_show_expected_values_or_inputs(got: dict) -> None:
    case = _hidden_case()
    ref = {"loss": SECRET, "dW": np.full((3, 3), SECRET)}
    rec = dict(got, numeric_dW=np.full((3, 3), 5.0))
    result = judge_part(LOSS_PART, [(case, True)], [rec], [ref])
    text = all_messages(result) + "\n" + part_text(result)
    assert result.score < 12
    assert result.cases[0].name == "hidden case 1"
    for secret in _secret_strings(case):
        assert secret not in text, f"{secret!r} leaked in:\n{text}"
    assert not re.search(r"expected -?[0-9]", text)  # a shape "expected (3, 3)" may show


def test_hidden_scalar_factor_hint_does_not_reveal_the_expected_value() -> None:
    case = _hidden_case()
    ref = {"loss": SECRET, "dW": np.full((3, 3), 2.0)}
    rec = {"loss": 1.0, "dW": np.full((3, 3), 2.0), "numeric_dW": np.full((3, 3), 2.0)}
    result = judge_part(LOSS_PART, [(case, True)], [rec], [ref])
    text = all_messages(result)
    revealed = [float(m) for m in re.findall(r"factor ([0-9.eE+-]+)", text)]
    # 1 / revealed would be the hidden expected loss
    assert not any(abs(1 / r - SECRET) < 1e-2 for r in revealed if r), text


def test_hidden_selfgrad_message_hides_worst_entries() -> None:
    case = _hidden_case()
    ref = {"loss": 1.0, "dW": np.full((3, 3), 2.0)}
    rec = {"loss": 1.0, "dW": np.full((3, 3), 3.0), "numeric_dW": np.full((3, 3), SECRET)}
    result = judge_part(LOSS_PART, [(case, True)], [rec], [ref])
    text = all_messages(result)
    assert "finite differences" in text and "12345" not in text and " at [" not in text


def test_hidden_equal_check_hides_values() -> None:
    part = Part(
        "test_predict",
        "Predict",
        ("predict",),
        2,
        "call",
        (Check("equal", "pred", label="predict(W, X)"),),
    )
    case = Case("h1", {"X": np.zeros((4, 2))})
    ref = {"pred": np.array([3, 1, 4, 1])}
    got = {"pred": np.array([3, 1, 5, 9])}
    hidden = judge_part(part, [(case, True)], [got], [ref])
    public = judge_part(part, [(case, False)], [got], [ref])
    assert "2 of 4 differ" in all_messages(hidden)
    assert "[3, 1, 4, 1]" not in all_messages(hidden)
    assert "expected [3, 1, 4, 1], got [3, 1, 5, 9]" in all_messages(public)


def test_mutation_and_warnings_become_notes() -> None:
    rec = student_record()
    rec["__mutated__"] = "W"
    rec["__warnings__"] = "RuntimeWarning: overflow encountered in exp"
    result = judge_case(LOSS_PART, CASE, rec, ref_record(), hidden=False, label="small")
    text = "\n".join(result.messages)
    assert "modified its input(s) W in place" in text
    assert "overflow encountered in exp" in text


# ------------------------------------------------------------------------------ statuses


def _err(status: str) -> dict:
    return {
        "__error__": "ZeroDivisionError: division by zero (line 3: `1/0`)",
        "__status__": status,
    }


def test_status_error_when_every_case_raised() -> None:
    result = judge_part(
        LOSS_PART, [(CASE, False), (CASE, True)], [_err("error")] * 2, [ref_record()] * 2
    )
    assert result.status == "error" and result.score == 0
    assert all(c.status == "error" for c in result.cases)
    assert result.cases[0].messages == [
        "raised ZeroDivisionError: division by zero (line 3: `1/0`)"
    ]


def test_status_failed_when_some_cases_raised() -> None:
    result = judge_part(
        LOSS_PART,
        [(CASE, False), (CASE, False)],
        [student_record(), _err("error")],
        [ref_record()] * 2,
    )
    assert result.status == "failed" and result.score == pytest.approx(6.0)


def test_status_missing_wins() -> None:
    missing = {
        "__error__": "`loss` is not defined: run its answer cell first",
        "__status__": "missing",
    }
    result = judge_part(
        LOSS_PART, [(CASE, False), (CASE, False)], [missing, _err("error")], [ref_record()] * 2
    )
    assert result.status == "missing" and result.score == 0
    assert result.cases[0].messages == [missing["__error__"]]


def test_status_timeout() -> None:
    timeout = {"__error__": "took longer than 10 s", "__status__": "timeout"}
    result = judge_part(
        LOSS_PART, [(CASE, False), (CASE, False)], [student_record(), timeout], [ref_record()] * 2
    )
    assert result.status == "timeout" and result.score == pytest.approx(6.0)


def test_no_cases_scores_zero() -> None:
    result = judge_part(LOSS_PART, [], [], [])
    assert result.score == 0 and result.status == "failed"


# ------------------------------------------------------------------------------ other kinds

ACC_PART = Part(
    "test_tuned",
    "Tuned",
    ("best_W",),
    10,
    "trained_accuracy",
    (Check("at_least", "accuracy", threshold=0.92, floor=0.80, label="val acc"),),
)
ACC_CASE = Case("validation", {"split": "val"})


@pytest.mark.parametrize(
    ("acc", "credit"),
    [(0.95, 1.0), (0.92, 1.0), (0.86, 0.5), (0.83, 0.25), (0.80, 0.0), (0.5, 0.0)],
)
def test_at_least_linear_partial_credit(acc: float, credit: float) -> None:
    # credit = (acc - 0.80) / (0.92 - 0.80) between floor and threshold, by hand
    result = judge_part(ACC_PART, [(ACC_CASE, False)], [{"accuracy": acc}], [None])
    assert result.score == pytest.approx(10 * credit, abs=1e-6)
    if credit < 1:
        assert f"val acc = {acc:.4f}, needs at least 0.9200" in all_messages(result)


def test_at_least_without_floor_is_all_or_nothing() -> None:
    part = Part("p", "p", ("f",), 4, "call", (Check("at_least", "acc", threshold=0.9),))
    assert judge_part(part, [(ACC_CASE, False)], [{"acc": 0.89}], [None]).score == 0
    assert judge_part(part, [(ACC_CASE, False)], [{"acc": 0.9}], [None]).score == 4


def test_equal_check_on_ints() -> None:
    part = Part("p", "p", ("f",), 3, "call", (Check("equal", "n", label="count"),))
    case = Case("c", {})
    assert judge_part(part, [(case, False)], [{"n": 25}], [{"n": 25}]).score == 3
    wrong = judge_part(part, [(case, False)], [{"n": 24}], [{"n": 25}])
    assert wrong.score == 0
    assert "count: not equal (expected 25, got 24)" in all_messages(wrong)


def test_true_check() -> None:
    part = Part("p", "p", ("f",), 2, "call", (Check("true", "ok", label="rows distinct"),))
    case = Case("c", {})
    assert judge_part(part, [(case, False)], [{"ok": True}], [None]).score == 2
    res = judge_part(part, [(case, False)], [{"ok": False}], [None])
    assert res.score == 0 and "rows distinct: not satisfied" in all_messages(res)


def test_match_tolerances_are_applied() -> None:
    part = Part("p", "p", ("f",), 1, "call", (Check("match", "v", rtol=1e-3, atol=0.0),))
    case = Case("c", {})
    assert judge_part(part, [(case, False)], [{"v": 1.0009}], [{"v": 1.0}]).score == 1
    assert judge_part(part, [(case, False)], [{"v": 1.0011}], [{"v": 1.0}]).score == 0


def test_match_rejects_nan() -> None:
    part = Part("p", "p", ("f",), 1, "call", (Check("match", "v"),))
    res = judge_part(
        part,
        [(Case("c", {}), False)],
        [{"v": np.array([np.nan, 1.0])}],
        [{"v": np.array([np.nan, 1.0])}],
    )
    assert res.score == 0


def test_batch_size_from_case_sharpens_the_hint() -> None:
    # the case's X has N = 6 rows: a gradient 6 times too large is named as such
    result = judge_part(LOSS_PART, [(CASE, False)], [student_record(dW=6 * DW)], [ref_record()])
    assert "N = 6 times too large" in all_messages(result)


def test_part_result_round_trips_through_dict() -> None:
    result = judge_part(LOSS_PART, [(CASE, False)], [student_record(loss=3.0)], [ref_record()])
    again = PartResult.from_dict(result.to_dict())
    assert again == result
