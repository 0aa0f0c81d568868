"""Hints name the right cause or none: a table of seeded bugs across a1-a3.

Each bug edits the model answer of the instructor notebook (a text replacement inside one
function), grades its part in-process on the public and hidden cases (as ``Grader`` does), and
checks the report: the words that MUST appear (the hint that fits, predicted by hand from the
bug and the case: e.g. a loss averaged over N only where it averages over N*K = 4*3 entries is
K = 3 times too large), and that none of the diagnoses that would be WRONG for this bug appears.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

from autograder.course import load_spec, source_dir
from autograder.instructor.fidelity.mutants import definition_cells
from autograder.instructor.fidelity.mutate import _part_data, notebook_namespace
from autograder.judging.judge import judge_part
from autograder.judging.probes import probe_and_measure

A1, A2, A3 = "a1_linear_classifiers", "a2_autodiff", "a3_backprop_mlp"

# diagnoses that are right for some bugs and wrong for every other one
SHIFT = "shifted by one step"
SQUARE = "derivative of x**2"
HALF_PENALTY = "1/2 of the L2 penalty"
PLAIN_FACTOR = "constant factor"
EVERY_NODE = "every node of the chain must be visited"
BCE_NOTE = "sigmoid(z) rounds to exactly 0"
SAME_EVERY = "same for every entry"
ROW_MAX = "subtract the row maximum"
WRONG = (SHIFT, SQUARE, HALF_PENALTY, PLAIN_FACTOR, EVERY_NODE, BCE_NOTE, SAME_EVERY, ROW_MAX)

Edit = tuple[str, str]

# name: (assignment, part, function whose cell is edited, edits, must appear, may also appear)
BUGS: dict[str, tuple[str, str, str, list[Edit], tuple[str, ...], tuple[str, ...]]] = {
    # ---------------------------------------------------------------- a1
    "svm: sum instead of mean (loss and dW)": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [("/ N + 0.5", "+ 0.5"), ("X.T @ coeff / N + reg * W", "X.T @ coeff + reg * W")],
        ("N = 5 times too large",),
        (),
    ),
    "svm: penalty missing from the loss": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [(" + 0.5 * reg * float(np.sum(W * W))", "")],
        ("the L2 penalty 0.5 * reg * sum(W**2) is missing from the loss",),
        (),
    ),
    "svm: reg * W missing from dW": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [("dW = X.T @ coeff / N + reg * W", "dW = X.T @ coeff / N")],
        ("reg * W, is missing",),
        (),
    ),
    "svm: penalty gradient counted twice": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [("dW = X.T @ coeff / N + reg * W", "dW = X.T @ coeff / N + 2 * reg * W")],
        ("counted twice",),
        (),
    ),
    "svm: dW with the wrong sign": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [("dW = X.T @ coeff / N + reg * W", "dW = -(X.T @ coeff / N + reg * W)")],
        ("flipped sign",),
        (),
    ),
    # an additive error on a scalar: expected and got, and no factor
    "svm: 0.1 added to the loss": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [
            (
                "loss = float(np.sum(margins[positive])) / N",
                "loss = 0.1 + float(np.sum(margins[positive])) / N",
            )
        ],
        ("loss: value differs (expected",),
        (),
    ),
    "svm: delta ignored": (
        A1,
        "test_svm_loss_vectorized",
        "svm_loss_vectorized",
        [("+ delta", "+ 1.0")],
        ("margin delta = 2.0",),
        (),
    ),
    "svm naive: gradient taken at margin 0": (
        A1,
        "test_svm_loss_naive",
        "svm_loss_naive",
        [("if margin > 0:", "if margin >= 0:")],
        ("margins of exactly 0",),
        (),
    ),
    "softmax: no max subtracted": (
        A1,
        "test_softmax",
        "softmax",
        [("shifted = scores - scores.max(axis=-1, keepdims=True)", "shifted = scores")],
        ("NaN or infinity", ROW_MAX),
        (),
    ),
    "softmax loss: dW not averaged": (
        A1,
        "test_softmax_loss_vectorized",
        "softmax_loss_vectorized",
        [("dW = X.T @ dscores / N + reg * W", "dW = X.T @ dscores + reg * W")],
        ("N = 5 times too large", "the data term (without the penalty's reg * W): N = 8 times"),
        (),
    ),
    "softmax loss: penalty without its 1/2": (
        A1,
        "test_softmax_loss_vectorized",
        "softmax_loss_vectorized",
        [("+ 0.5 * reg * float(np.sum(W * W))", "+ reg * float(np.sum(W * W))")],
        ("the loss has twice the L2 penalty",),
        (),
    ),
    "softmax loss: summed over the batch": (
        A1,
        "test_softmax_loss_vectorized",
        "softmax_loss_vectorized",
        [("-float(np.mean(log_p[rows, y]))", "-float(np.sum(log_p[rows, y]))")],
        ("N = 5 times too large",),
        (),
    ),
    "l2: value without the 1/2": (
        A1,
        "test_l2_penalty",
        "l2_penalty",
        [("value = 0.5 * reg *", "value = reg *")],
        ("the loss has twice the L2 penalty",),
        (),
    ),
    "l2: gradient without the 2 of the square": (
        A1,
        "test_l2_penalty",
        "l2_penalty",
        [("grad = (reg * W)", "grad = (0.5 * reg * W)")],
        ("half the expected value", SQUARE),
        (),
    ),
    "l1: sign replaced by the value": (
        A1,
        "test_l1_penalty",
        "l1_penalty",
        [("reg * np.sign(W)", "reg * W")],
        ("entries differ",),
        (),
    ),
    "sgd: loss recorded after the update": (
        A1,
        "test_sgd",
        "sgd",
        [
            (
                "history.append(float(loss))\n        W = W - lr * dW",
                "W = W - lr * dW\n"
                "        history.append(float(loss_fn(W, X[idx], y[idx], reg)[0]))",
            )
        ],
        (SHIFT,),
        (),
    ),
    "sgd: step uphill": (
        A1,
        "test_sgd",
        "sgd",
        [("W = W - lr * dW\n    return", "W = W + lr * dW\n    return")],
        ("final W",),
        (),
    ),
    "predict: argmax over the samples": (
        A1,
        "test_predict",
        "predict",
        [("return np.argmax(X @ W, axis=1)", "return np.argmax(X @ W, axis=0)")],
        ("shape",),
        (),
    ),
    "accuracy: a count": (
        A1,
        "test_accuracy",
        "accuracy",
        [("np.mean(y_pred == y_true)", "np.sum(y_pred == y_true)")],
        ("N = 8 times too large",),
        (),
    ),
    "bias column first": (
        A1,
        "test_add_bias_column",
        "add_bias_column",
        [("np.hstack([X, ones])", "np.hstack([ones, X])")],
        ("entries differ",),
        (),
    ),
    # ---------------------------------------------------------------- a2
    "numerical gradient: divided by h, not 2h": (
        A2,
        "test_numerical_gradient",
        "numerical_gradient",
        [("/ (2 * step)", "/ step")],
        ("twice the expected value", "a term counted twice"),
        (),
    ),
    "numerical gradient: f_minus - f_plus": (
        A2,
        "test_numerical_gradient",
        "numerical_gradient",
        [("(f_plus - f_minus)", "(f_minus - f_plus)")],
        ("flipped sign",),
        (),
    ),
    "numerical gradient: float64 result": (
        A2,
        "test_numerical_gradient",
        "numerical_gradient",
        [("grad = np.zeros_like(x)", "grad = np.zeros_like(x, dtype=np.float64)")],
        ("dtype float64, expected float32",),
        (),
    ),
    "relative error: not divided by the scale": (
        A2,
        "test_relative_error",
        "relative_error",
        [("return float(diff / scale)", "return float(diff)")],
        ("value differs",),
        (),
    ),
    "add_mul_graph: dz from x instead of q": (
        A2,
        "test_add_mul_graph",
        "add_mul_graph",
        [("df_dz = df_df * q", "df_dz = df_df * x")],
        ("value differs",),
        (),
    ),
    # a swapped pair of gradients is not a history shifted by a step
    "logistic graph: dw and dx swapped": (
        A2,
        "test_logistic_loss_graph",
        "logistic_loss_graph",
        [('{"w": dloss_ds * x, "x": dloss_ds * w}', '{"w": dloss_ds * w, "x": dloss_ds * x}')],
        ("entries differ",),
        (),
    ),
    "logistic graph: dloss/ds = p instead of p - 1": (
        A2,
        "test_logistic_loss_graph",
        "logistic_loss_graph",
        [("dloss_ds = dloss_dp * p * (1.0 - p)", "dloss_ds = p")],
        ("every entry is off by the same factor",),
        (),
    ),
    "Value: product's local gradients swapped": (
        A2,
        "test_value_ops",
        "Value",
        [('(other.data, self.data), "*"', '(self.data, other.data), "*"')],
        ("local derivatives",),
        (),
    ),
    "Value: naive sigmoid overflows": (
        A2,
        "test_value_ops",
        "Value",
        [("if self.data >= 0:", "if True:")],
        ("OverflowError",),
        (),
    ),
    "backward: chain-rule factor missing": (
        A2,
        "test_value_backward",
        "backward",
        [("parent.grad += local * node.grad", "parent.grad += local")],
        ("gradient at the start of a long chain",),
        (),
    ),
    "backward: overwrites instead of accumulating": (
        A2,
        "test_value_backward",
        "backward",
        [("parent.grad += local * node.grad", "parent.grad = local * node.grad")],
        ("accumulate with +=",),
        (),
    ),
    "dual: product without the product rule": (
        A2,
        "test_dual",
        "Dual",
        [("self.der * other.val + self.val * other.der", "self.der * other.der")],
        ("der",),
        (),
    ),
    "jacobian_forward: transposed": (
        A2,
        "test_jacobian_forward",
        "jacobian_forward",
        [("np.array(columns, dtype=x.dtype).T", "np.array(columns, dtype=x.dtype)")],
        ("transpose",),
        (),
    ),
    "jacobian_forward: float64 result": (
        A2,
        "test_jacobian_forward",
        "jacobian_forward",
        [("np.array(columns, dtype=x.dtype).T", "np.array(columns).T")],
        ("dtype float64, expected float32",),
        (),
    ),
    "jacobian_reverse: gradients not reset": (
        A2,
        "test_jacobian_reverse",
        "jacobian_reverse",
        [("            node.grad = 0.0\n", "            pass\n")],
        ("entries differ",),
        (),
    ),
    # ---------------------------------------------------------------- a3
    "mse: averaged over N, not N*K": (
        A3,
        "test_mse_loss",
        "mse_loss",
        [
            (
                "loss = float(np.mean(diff * diff))",
                "loss = float(np.sum(diff * diff)) / diff.shape[0]",
            ),
            ("dpred = 2.0 * diff / diff.size", "dpred = 2.0 * diff / diff.shape[0]"),
        ],
        ("K = 3 times too large",),
        (),
    ),
    "mse: gradient without the 2": (
        A3,
        "test_mse_loss",
        "mse_loss",
        [("dpred = 2.0 * diff / diff.size", "dpred = diff / diff.size")],
        ("half the expected value", SQUARE),
        (),
    ),
    "mse: summed": (
        A3,
        "test_mse_loss",
        "mse_loss",
        [("np.mean(diff * diff)", "np.sum(diff * diff)"), ("2.0 * diff / diff.size", "2.0 * diff")],
        ("N*K = 12 times too large",),
        (),
    ),
    "mse: float64 gradient": (
        A3,
        "test_mse_loss",
        "mse_loss",
        [("return loss, dpred", "return loss, dpred.astype(np.float64)")],
        ("dtype float64, expected float32",),
        (),
    ),
    "mse: pred modified in place": (
        A3,
        "test_mse_loss",
        "mse_loss",
        [("diff = pred - target", "pred -= target\n    diff = pred")],
        ("modified its input(s) pred in place",),
        (),
    ),
    "bce: loss from log(sigmoid)": (
        A3,
        "test_bce_with_logits_loss",
        "bce_with_logits_loss",
        [
            (
                "loss = float(np.mean(np.maximum(z, 0) - z * t + np.log1p(e)))",
                "loss = float(np.mean(-(t * np.log(s) + (1 - t) * np.log(1 - s))))",
            )
        ],
        ("NaN or infinite", BCE_NOTE),
        (),
    ),
    # a finite wrong loss: no note about infinite losses
    "bce: summed": (
        A3,
        "test_bce_with_logits_loss",
        "bce_with_logits_loss",
        [("loss = float(np.mean(", "loss = float(np.sum(")],
        ("N*K = 12 times too large",),
        (),
    ),
    "softmax CE: gradient averaged over N*K": (
        A3,
        "test_softmax_cross_entropy_loss",
        "softmax_cross_entropy_loss",
        [("return loss, dscores / N", "return loss, dscores / scores.size")],
        ("K = 3 times too small",),
        (),
    ),
    "softmax CE: loss averaged over N*K": (
        A3,
        "test_softmax_cross_entropy_loss",
        "softmax_cross_entropy_loss",
        [
            (
                "loss = float(np.mean(log_norm - shifted[rows, y]))",
                "loss = float(np.sum(log_norm - shifted[rows, y])) / scores.size",
            )
        ],
        ("K = 3 times too small",),
        (),
    ),
    "hinge: delta ignored": (
        A3,
        "test_hinge_loss",
        "hinge_loss",
        [("+ delta", "+ 1.0")],
        ("delta = 2.0 (not the default 1.0)",),
        (),
    ),
    "hinge: gradient taken at margin 0": (
        A3,
        "test_hinge_loss",
        "hinge_loss",
        [("positive = margins > 0", "positive = margins >= 0")],
        ("margins of exactly 0",),
        (),
    ),
    "relu: derivative 1 at 0": (
        A3,
        "test_relu_leaky_relu",
        "relu_backward",
        [("(x > 0)", "(x >= 0)")],
        ("relu'(0) must be 0",),
        (),
    ),
    "elu: slope alpha at 0": (
        A3,
        "test_elu_gelu_silu",
        "elu_backward",
        [("np.where(x > 0, dout,", "np.where(x >= 0, dout,")],
        ("exact zeros in x, alpha = 0.5",),
        (),
    ),
    "softmax layer: no max subtracted": (
        A3,
        "test_softmax",
        "softmax_forward",
        [("np.exp(x - x.max(axis=-1, keepdims=True))", "np.exp(x)")],
        ("NaN or infinity", ROW_MAX),
        (),
    ),
    "sigmoid: exp of -x overflows": (
        A3,
        "test_sigmoid_tanh",
        "sigmoid_forward",
        [
            (
                "out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))",
                "out = 1.0 / (1.0 + np.exp(-x))",
            )
        ],
        ("no overflow warning",),
        (),
    ),
    "affine: db averaged": (
        A3,
        "test_affine_backward",
        "affine_backward",
        [("db = dout.sum(axis=0)", "db = dout.mean(axis=0)")],
        ("times too small",),
        (),
    ),
    "affine: dw transposed": (
        A3,
        "test_affine_backward",
        "affine_backward",
        [("dw = x.reshape(N, -1).T @ dout", "dw = (x.reshape(N, -1).T @ dout).T")],
        ("transpose",),
        (),
    ),
    "mlp: reg * W missing from the gradients": (
        A3,
        "test_mlp",
        "MLP",
        [("h.T @ d + self.reg * W", "h.T @ d")],
        ("grads['W1']",),
        (),
    ),
    "mlp: weight_scale ignored": (
        A3,
        "test_mlp",
        "MLP",
        [("std = weight_scale", "std = np.sqrt(2.0 / fan_in)")],
        ("initial params['W1']",),
        (),
    ),
}


@functools.cache
def _cells(assignment: str) -> tuple[str, ...]:
    return tuple(definition_cells(source_dir(assignment) / f"{assignment}.py"))


@functools.cache
def _data(assignment: str, part_id: str) -> Any:
    spec = load_spec(assignment)
    return _part_data(spec, spec.part(part_id))


def _bugged_namespace(assignment: str, function: str, edits: list[Edit]) -> dict[str, Any]:
    cells = list(_cells(assignment))
    top = re.compile(rf"^(def {function}\(|class {function}\b)", re.M)
    owner = [i for i, c in enumerate(cells) if top.search(c)]
    assert len(owner) == 1, function
    text = cells[owner[0]]
    for old, new in edits:
        assert text.count(old) == 1, (function, old)  # the edit is where it is meant to be
        text = text.replace(old, new)
    cells[owner[0]] = text
    return notebook_namespace(cells)


def report(bug: str) -> str:
    """Every message of the bug's part, public and hidden cases."""
    assignment, part_id, function, edits, _, _ = BUGS[bug]
    data = _data(assignment, part_id)
    ns = _bugged_namespace(assignment, function, edits)
    records = [probe_and_measure(ns, data.part, case.args) for case, _ in data.cases]
    result = judge_part(data.part, data.cases, records, data.references)
    assert result.score < result.points, bug  # the bug is caught
    return "\n".join(f"[{c.name}: {c.note}] " + "\n".join(c.messages) for c in result.cases)


def test_the_table_is_large_and_spans_the_assignments() -> None:
    assert len(BUGS) >= 40
    assert {b[0] for b in BUGS.values()} == {A1, A2, A3}
    assert all(sum(b[0] == a for b in BUGS.values()) >= 10 for a in (A1, A2, A3))


@pytest.mark.parametrize("bug", list(BUGS))
def test_the_hint_that_fits_appears_and_no_wrong_one(bug: str) -> None:
    text = report(bug)
    _, _, _, _, must, allowed = BUGS[bug]
    for words in must:
        assert words in text, (bug, words, text)
    for words in WRONG:
        if words not in must and words not in allowed:
            assert words not in text, (bug, words, text)
