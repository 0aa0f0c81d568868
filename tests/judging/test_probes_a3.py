"""a3 grading in-process (no Jupyter): the reference earns full marks on every part, public and
hidden, and each common mistake of the issue costs points on its own part only, with a message
that names the likely cause.

The release's case file is written with the instructor build function into a temporary folder,
which becomes the working directory, as a student's notebook folder would be. The student's
namespace is the reference package plus the two trained models the notebook defines.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import solutions.a3_backprop_mlp as reference
from autograder.judging.probes import probe_and_measure, run_probe
from autograder.judging.spec import AssignmentSpec
from autograder.student.datasets import load_digits_split
from autograder.student.grader import Grader
from tests.grading_support import (
    assert_bug_costs_its_part_only,
    assert_hidden_cases_differ,
    assert_reference_full_marks,
    assert_reported_all_passed,
)

ASSIGNMENT = "a3_backprop_mlp"


def _train(
    model: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr: float,
    epochs: int,
    batch: int,
    rng: np.random.Generator,
    momentum: float = 0.0,
) -> None:
    """Minibatch SGD with heavy-ball momentum, as the notebook's ``train`` helper does it."""
    N = X.shape[0]
    velocity = {key: np.zeros_like(value) for key, value in model.params.items()}
    for _ in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch):
            idx = order[start : start + batch]
            _, grads = model.loss(X[idx], y[idx])
            for key in model.params:
                velocity[key] = momentum * velocity[key] - lr * grads[key]
                model.params[key] = model.params[key] + velocity[key]


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


@pytest.fixture(scope="module")
def models() -> dict[str, Any]:
    """The XOR, tiny-batch and digits networks, trained as the notebook's reference does."""
    rng = np.random.default_rng(0)
    xor = reference.MLP([2, 4, 2], "tanh", rng, weight_scale=1.0)
    _train(xor, XOR_X, XOR_Y, lr=0.1, epochs=200, batch=4, rng=rng)
    data = load_digits_split()
    rng = np.random.default_rng(0)
    tiny = reference.MLP([64, 64, 10], "relu", rng)
    _train(tiny, data["X_train"][:20], data["y_train"][:20], lr=0.3, epochs=200, batch=20, rng=rng)
    rng = np.random.default_rng(0)
    digits = reference.MLP([64, 64, 10], "relu", rng, reg=1e-4)
    _train(
        digits, data["X_train"], data["y_train"], lr=0.3, epochs=30, batch=32, rng=rng, momentum=0.9
    )
    return {"xor_model": xor, "tiny_model": tiny, "digits_model": digits}


@pytest.fixture
def namespace(models: dict[str, Any]) -> dict[str, Any]:
    ns: dict[str, Any] = {name: getattr(reference, name) for name in reference.__all__}
    ns.update(models)
    ns["np"] = np
    return ns


def _scores(grader: Grader, spec: AssignmentSpec, ns: dict[str, Any]) -> dict[str, float]:
    return {p.id: grader.check(p.id, ns) for p in spec.parts}


# ------------------------------------------------------------------------------ the reference


def test_spec_totals_100_points_with_the_written_answers(spec: AssignmentSpec) -> None:
    assert spec.total_points == 106  # 100 before issue 12 added two parts (4 + 2 points)
    assert set(spec.manual_parts) == {"written_dead_relu", "written_output_layers"}


@pytest.mark.parametrize("hidden", [False, True])
def test_reference_scores_full_points_on_every_part(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    hidden: bool,
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert_reference_full_marks(grader, spec, namespace, hidden=hidden)
    assert_reported_all_passed(spec, *capfd.readouterr())


def test_hidden_cases_differ_from_public_ones(spec: AssignmentSpec) -> None:
    assert_hidden_cases_differ(spec)


def test_cases_keep_relu_inputs_and_margins_off_the_kinks(spec: AssignmentSpec) -> None:
    """Gradient-checked inputs of kinked layers are >= 1e-3 from 0; the kink cases hold zeros."""
    part = spec.part("test_relu_leaky_relu")
    for case in part.public_cases() + part.hidden_cases():
        x = case.args["x"]
        if case.checks is not None and "selfgrad:dx" in case.checks:
            assert np.abs(x).min() >= 1e-3, case.name
        if "zero" in case.name:
            assert np.any(x == 0) and case.checks == ("out", "dx"), case.name
    assert any("zero" in c.name for c in part.public_cases())


# ------------------------------------------------------------------------------ common mistakes


def affine_backward_flat_dx(dout: np.ndarray, cache: tuple) -> tuple:
    """dx left with the shape of the flattened input (N, D)."""
    x, w, _ = cache
    X = x.reshape(x.shape[0], -1)
    return dout @ w.T, X.T @ dout, dout.sum(axis=0)


def affine_backward_db_not_summed(dout: np.ndarray, cache: tuple) -> tuple:
    """db = dout: one bias gradient per sample instead of their sum."""
    x, w, _ = cache
    X = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), X.T @ dout, dout


def relu_backward_at_zero(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """The ReLU mask built with x >= 0, so relu'(0) = 1."""
    (x,) = cache
    return dout * (x >= 0)


def softmax_jacobian_diagonal(p: np.ndarray) -> np.ndarray:
    """diag(p) without the outer product p p^T."""
    return np.diag(p)


def bce_from_probabilities(logits: np.ndarray, targets: np.ndarray) -> tuple:
    """Binary cross-entropy written with sigmoid probabilities (log(0) for large logits)."""
    s = 1.0 / (1.0 + np.exp(-logits))
    loss = -np.mean(targets * np.log(s) + (1.0 - targets) * np.log(1.0 - s))
    return float(loss), (s - targets) / logits.size


def sigmoid_forward_overflowing(x: np.ndarray) -> tuple:
    """Right values, but exp(-x) overflows (with a warning) for x < -709."""
    out = 1.0 / (1.0 + np.exp(-x))
    return out, (out,)


def tanh_forward_by_formula(x: np.ndarray) -> tuple:
    """tanh as (e^2x - 1) / (e^2x + 1): inf / inf = nan for large inputs."""
    e = np.exp(2.0 * x)
    out = (e - 1.0) / (e + 1.0)
    return out, (out,)


def sigmoid_gradients_without_slope(z: np.ndarray, t: np.ndarray) -> tuple:
    """The MSE gradient taken with respect to p and not carried through the sigmoid."""
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
    return 2.0 * (p - t) / z.size, (p - t) / z.size


def sigmoid_gradients_in_float64(z: np.ndarray, t: np.ndarray) -> tuple:
    """Right values, always returned in float64."""
    d_mse, d_bce = reference.sigmoid_output_gradients(z, t)
    return d_mse.astype(np.float64), d_bce.astype(np.float64)


class MLPRegularisingBiases(reference.MLP):
    """The L2 penalty (and its gradient) applied to the biases too."""

    def loss(self, X: np.ndarray, y: np.ndarray) -> tuple:
        loss, grads = super().loss(X, y)
        for key, value in self.params.items():
            if key.startswith("b"):
                loss += 0.5 * self.reg * float(np.sum(value * value))
                grads[key] = grads[key] + self.reg * value
        return loss, grads


class MLPTransposedInit(reference.MLP):
    """Weights created as (d_out, d_in); everything else right."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in list(self.params):
            if key.startswith("W"):
                self.params[key] = self.params[key].T.copy()


# name: (function replaced, bug, words the report must contain,
#        {public case or "*": keys of the checks it must fail}), predicted by hand from the bug.
BUGS: dict[str, tuple[str, Callable[..., Any], str, dict[str, set[str]]]] = {
    # only the image-shaped cases (float64 and float32) have x of more than two dimensions;
    # the float32 case has no gradient check, only values and dtypes (kept by this bug)
    "dx shaped like the flattened input": (
        "affine_backward",
        affine_backward_flat_dx,
        "reshape it back",
        {"images": {"dx", "selfgrad:dx"}, "f32": {"dx_f32"}},
    ),
    "db not summed over the batch": (
        "affine_backward",
        affine_backward_db_not_summed,
        "sums dout over the batch axis",
        {"*": {"db", "selfgrad:db"}, "f32": {"db_f32"}},
    ),
    # only the kink case has exact zeros; elsewhere x >= 0 and x > 0 agree
    "ReLU gradient on x >= 0": (
        "relu_backward",
        relu_backward_at_zero,
        "x > 0, not x >= 0",
        {"relu_at_zero": {"dx"}},
    ),
    "softmax Jacobian missing the outer product": (
        "softmax_jacobian",
        softmax_jacobian_diagonal,
        "outer product is missing",
        {"*": {"J", "vjp"}},
    ),
    # the gradient (s - t) / size is right; the loss is infinite, and so are its differences
    "BCE from probabilities that underflow": (
        "bce_with_logits_loss",
        bce_from_probabilities,
        "never from the probabilities",
        {"large_logits": {"loss", "selfgrad:dlogits"}},
    ),
    "sigmoid that overflows": (
        "sigmoid_forward",
        sigmoid_forward_overflowing,
        "no overflow warning from NumPy",
        {"sigmoid_large": {"no_overflow"}},
    ),
    "tanh by its exponential formula": (
        "tanh_forward",
        tanh_forward_by_formula,
        "NaN or infinite",
        {"tanh_large": {"out", "dx", "no_overflow"}},
    ),
    # 2 (p - t) / n differs from 2 (p - t) p (1 - p) / n wherever p != t, i.e. on every public
    # case (the float32 one under its own name); d_bce is right
    "MSE gradient not carried through the sigmoid": (
        "sigmoid_output_gradients",
        sigmoid_gradients_without_slope,
        "chain mse_loss's gradient through sigmoid_backward",
        {"mixed": {"d_mse"}, "saturated": {"d_mse"}, "float32": {"d_mse_f32"}},
    ),
    # the values are right; only the float32 case can see the dtype
    "sigmoid gradients returned in float64": (
        "sigmoid_output_gradients",
        sigmoid_gradients_in_float64,
        "dtype of d_mse (the dtype of z)",
        # the float32 case: the dtype names, and the values too (an array of the wrong dtype
        # fails its comparison where the reference keeps float32)
        {"float32": {"dtype_d_mse", "dtype_d_bce", "d_mse_f32", "d_bce_f32"}},
    ),
    # only the regularised cases see the biases' penalty; loss and gradients stay consistent
    "L2 penalty on the biases too": (
        "MLP",
        MLPRegularisingBiases,
        "never the biases",
        {
            "tanh_deep_reg": {"loss", "db1", "db2", "db3"},
            "sigmoid_mse": {"loss", "db1", "db2"},
        },
    ),
    # the grader replaces the parameters, so only the shape check of __init__ fails
    "weights created transposed": (
        "MLP",
        MLPTransposedInit,
        "params made by __init__",
        # the public cases also compare the initial weights, which have the wrong shapes
        {
            "relu_softmax": {"params_ok", "init_W1", "init_W2"},
            "tanh_deep_reg": {"params_ok", "init_W1", "init_W2", "init_W3"},
            "sigmoid_mse": {"params_ok", "init_W1", "init_W2"},
        },
    ),
}


@pytest.mark.parametrize("bug", list(BUGS))
def test_a_mistake_costs_points_on_its_own_part_only(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    bug: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert_bug_costs_its_part_only(grader, spec, namespace, BUGS[bug], capfd)


def test_flattened_dx_message_shows_both_shapes(grader: Grader, namespace: dict[str, Any]) -> None:
    namespace["affine_backward"] = affine_backward_flat_dx
    result = grader.evaluate("test_affine_backward", namespace)
    images = next(c for c in result.cases if c.name == "images")
    assert any("dx: shape (4, 6), expected (4, 2, 3)" in m for m in images.messages)


def test_relu_mistake_is_reported_at_the_zero_entries(
    grader: Grader, namespace: dict[str, Any]
) -> None:
    namespace["relu_backward"] = relu_backward_at_zero
    result = grader.evaluate("test_relu_leaky_relu", namespace)
    case = next(c for c in result.cases if c.name == "relu_at_zero")
    x = grader.casefile.cases("test_relu_leaky_relu")[3][0].args["x"]
    assert int(np.sum(x == 0)) > 0
    assert f"dx (backward): {int(np.sum(x == 0))} of {x.size} entries differ" in case.messages[0]
    assert "expected 0, got" in case.messages[0]


def test_float32_cases_catch_a_dtype_change(grader: Grader, namespace: dict[str, Any]) -> None:
    def sigmoid_float64(x: np.ndarray) -> tuple:
        out, cache = reference.sigmoid_forward(x.astype(np.float64))
        return out, cache

    namespace["sigmoid_forward"] = sigmoid_float64
    result = grader.evaluate("test_sigmoid_tanh", namespace, hidden=True)
    f32 = {(c.hidden, c.note): c for c in result.cases if "float32" in c.note}
    # the visible float32 case already shows it, so the hidden ones hold no surprise
    assert f32[(False, "sigmoid, float32")].score < 1
    messages = f32[(False, "sigmoid, float32")].messages
    assert any("dtype kept" in m for m in messages)
    assert any("dtype float64, expected float32" in m for m in messages)
    assert f32[(True, "sigmoid, float32")].score < 1
    assert f32[(True, "tanh, float32")].score == 1  # tanh was left alone
    assert all(c.score == 1 for c in result.cases if "float32" not in c.note)


# ------------------------------------------------------------------------------ probes


def test_layer_probe_records_numeric_gradient_of_the_students_forward(spec: AssignmentSpec) -> None:
    part = spec.part("test_affine_backward")
    case = part.public_cases()[1]

    def forward_without_bias(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple:
        return reference.affine_forward(x, w, np.zeros_like(b))

    ns = {"affine_forward": forward_without_bias, "affine_backward": reference.affine_backward}
    rec = run_probe(ns, part, case.args)
    # the bias no longer reaches the output: its finite differences are 0, db is not
    assert np.allclose(rec["numeric_db"], 0.0)
    assert np.allclose(rec["db"], case.args["dout"].sum(axis=0))
    assert np.allclose(rec["numeric_dw"], rec["dw"], atol=1e-6)


def test_mlp_probe_sets_parameters_and_checks_directions(spec: AssignmentSpec) -> None:
    part = spec.part("test_mlp")
    case = part.public_cases()[0]
    rec = run_probe({"MLP": reference.MLP}, part, case.args)
    assert rec["params_ok"] is True
    model = reference.MLP(list(case.args["layer_sizes"]), "relu", np.random.default_rng(0))
    for key in ("W1", "b1", "W2", "b2"):
        model.params[key] = case.args[key].copy()
    loss, grads = model.loss(case.args["X"], case.args["y"])
    assert rec["loss"] == pytest.approx(loss)
    for key in ("W1", "b1", "W2", "b2"):
        assert np.allclose(rec[f"d{key}"], grads[key])
        assert rec[f"numdir_{key}"].shape == (3,)
        assert np.allclose(rec[f"numdir_{key}"], rec[f"proj_{key}"], rtol=1e-5, atol=1e-8)
    assert "W3" not in rec and "dW3" not in rec


def test_mlp_that_keeps_copies_of_its_parameters_fails(
    grader: Grader, namespace: dict[str, Any]
) -> None:
    class FrozenMLP(reference.MLP):
        """Reads the parameters it was created with, not self.params."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._frozen = {k: v.copy() for k, v in self.params.items()}

        def loss(self, X: np.ndarray, y: np.ndarray) -> tuple:
            saved, self.params = self.params, self._frozen
            try:
                return super().loss(X, y)
            finally:
                self.params = saved

    namespace["MLP"] = FrozenMLP
    result = grader.evaluate("test_mlp", namespace)
    # forward(X), params_ok and the initial parameters are right; the loss and every gradient
    # of every case are those of the frozen parameters
    assert all(c.score < 0.5 for c in result.cases)
    assert result.score < 0.5 * result.points
    assert any("along 3 random directions" in m for c in result.cases for m in c.messages)


def test_untrained_or_missing_models_score_nothing(
    grader: Grader, namespace: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    class Untrained:
        """Zero weights (every score 0, so class 0 everywhere); its predict lies, perfectly."""

        activation, loss_type = "tanh", "softmax"

        def __init__(self) -> None:
            self.params = {"W1": np.zeros((2, 4)), "b1": np.zeros(4), "W2": np.zeros((4, 2))}
            self.params["b2"] = np.zeros(2)

        def predict(self, X: np.ndarray) -> np.ndarray:
            return np.logical_xor(X[:, 0] > 0.5, X[:, 1] > 0.5).astype(np.int64)

    namespace["xor_model"] = Untrained()
    namespace["digits_model"] = None
    assert grader.check("test_xor", namespace) == 0.0
    assert grader.check("test_digits_mlp", namespace) == 0.0
    out = capfd.readouterr().out
    assert "accuracy of xor_model on the XOR points = 0.5000, needs at least 1.0000" in out
    assert "`digits_model` is not set" in out


def test_a_linear_digits_model_loses_the_hidden_layer_check(
    grader: Grader, namespace: dict[str, Any]
) -> None:
    # a tuned linear softmax classifier (assignment 1's answer) reaches about 0.93 on the
    # validation split: partial credit on the accuracy, none for the structure check
    data = load_digits_split()
    rng = np.random.default_rng(0)
    linear = reference.MLP([64, 10], "relu", rng, reg=1e-3)
    _train(linear, data["X_train"], data["y_train"], lr=0.3, epochs=40, batch=32, rng=rng)
    val = float(np.mean(linear.predict(data["X_val"]) == data["y_val"]))
    assert 0.9 < val < 0.95
    namespace["digits_model"] = linear
    result = grader.evaluate("test_digits_mlp", namespace)
    # the public case: (accuracy credit + 0 for the structure) / 2
    assert result.score == pytest.approx(result.points * (val - 0.85) / (0.95 - 0.85) / 2)
    assert any("hidden layer" in m for c in result.cases for m in c.messages)


# (lr, reg, epochs, momentum): the best linear classifiers of a search of over 100 settings
# (issue 12): the highest validation accuracy (0.947 with assignment 1's sgd) and held-out
# accuracy (0.980) found; the full-credit bars must stay out of a linear model's reach
LINEAR_SETTINGS = [
    (1.0, 1e-3, 40, 0.0),
    (3.0, 1e-3, 40, 0.0),
    (3.0, 1e-4, 40, 0.0),
    (0.3, 1e-4, 40, 0.9),
    (1.0, 1e-4, 40, 0.0),
]


def test_linear_classifiers_stay_below_the_digits_bars(spec: AssignmentSpec) -> None:
    part = spec.part("test_digits_mlp")
    bars = {c.output: c.threshold for c in part.checks if c.kind == "at_least"}
    data = load_digits_split(include_test=True)
    best_val = best_test = 0.0
    for lr, reg, epochs, momentum in LINEAR_SETTINGS:
        rng = np.random.default_rng(0)
        linear = reference.MLP([64, 10], "relu", rng, reg=reg)
        _train(
            linear,
            data["X_train"],
            data["y_train"],
            lr=lr,
            epochs=epochs,
            batch=32,
            rng=rng,
            momentum=momentum,
        )
        best_val = max(best_val, float(np.mean(linear.predict(data["X_val"]) == data["y_val"])))
        best_test = max(best_test, float(np.mean(linear.predict(data["X_test"]) == data["y_test"])))
    assert best_val > 0.93 and best_test > 0.97  # really tuned: close to the bars
    assert best_val < bars["accuracy_val"]
    assert best_test < bars["accuracy_test"]


def test_digits_thresholds_differ_between_validation_and_test(spec: AssignmentSpec) -> None:
    part = spec.part("test_digits_mlp")
    thresholds = {c.output: c.threshold for c in part.checks if c.kind == "at_least"}
    assert thresholds == {"accuracy_val": 0.95, "accuracy_test": 0.985}
    assert [c.args for c in part.public_cases()] == [{"split": "val"}]
    assert [c.args for c in part.hidden_cases()] == [{"split": "test"}]


def test_overflow_warnings_are_recorded_and_still_reported(spec: AssignmentSpec) -> None:
    part = spec.part("test_sigmoid_tanh")
    case = next(c for c in part.public_cases() if c.name == "sigmoid_large")
    ns = {
        "sigmoid_forward": sigmoid_forward_overflowing,
        "sigmoid_backward": reference.sigmoid_backward,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape the runner
        rec = run_probe(ns, part, case.args)
    assert rec["no_overflow"] is False
    assert "overflow" in rec["__warnings__"]
    clean = run_probe(
        {
            "sigmoid_forward": reference.sigmoid_forward,
            "sigmoid_backward": reference.sigmoid_backward,
        },
        part,
        case.args,
    )
    assert clean["no_overflow"] is True and "__warnings__" not in clean


def test_missing_mlp_is_reported_as_missing(
    grader: Grader, namespace: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    del namespace["MLP"]
    assert grader.check("test_mlp", namespace) == 0.0
    assert grader.results["test_mlp"].status == "missing"
    assert "`MLP` is not defined" in capfd.readouterr().out


def test_reference_vjps_equal_the_reference_backward_passes(spec: AssignmentSpec) -> None:
    """What the Jacobian parts call 'J^T dout' is, by construction, the backward pass's output."""
    ns = {name: getattr(reference, name) for name in reference.__all__}
    part = spec.part("test_affine_jacobians")
    for case in part.public_cases() + part.hidden_cases():
        rec = probe_and_measure(ns, part, case.args)
        x, w, dout = case.args["x"], case.args["w"], case.args["dout"]
        _, cache = reference.affine_forward(x[None, :], w, np.zeros(w.shape[1]))
        dx, dw, _ = reference.affine_backward(dout[None, :], cache)
        assert np.allclose(rec["vjp_x"], dx[0]) and np.allclose(rec["vjp_w"], dw)
    part = spec.part("test_elementwise_jacobian")
    for case in part.public_cases() + part.hidden_cases():
        rec = probe_and_measure(ns, part, case.args)
        forward, backward = reference.get_activation(case.args["activation"])
        dx = backward(case.args["dout"], forward(case.args["x"])[1])
        assert np.allclose(rec["vjp"], dx), case.name
    part = spec.part("test_softmax_jacobian")
    for case in part.public_cases() + part.hidden_cases():
        rec = probe_and_measure(ns, part, case.args)
        dx = reference.softmax_backward(case.args["dout"], (case.args["p"],))
        assert np.allclose(rec["vjp"], dx), case.name


def test_the_notebooks_loader_keeps_the_test_split_out_of_sight() -> None:
    shown = load_digits_split(bias=True)
    assert not any(k.endswith("_test") for k in shown)
    assert shown["X_train"].shape == (1000, 65) and shown["X_val"].shape == (397, 65)
    graded = load_digits_split(include_test=True)
    assert graded["X_test"].shape == (400, 64) and graded["y_test"].shape == (400,)
    # the three splits together are all of scikit-learn's images, each once
    from sklearn.datasets import load_digits

    every = np.vstack([graded["X_train"], graded["X_val"], graded["X_test"]])
    assert every.shape[0] == load_digits().target.shape[0]
    assert np.unique(every, axis=0).shape[0] == np.unique(load_digits().data, axis=0).shape[0]
