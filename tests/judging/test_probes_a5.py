"""a5 grading in-process (no Jupyter): the reference earns full marks on every part, public and
hidden, and each common mistake of the issue costs points on its own part only.

The namespace is the reference package plus what the notebook's own cells define when run as a
script (the trained ``mc_regressor`` and the four networks of the overfitting study), so the
trained-model parts are graded on exactly what the instructor notebook produces. Expected values
of the scripted cases are derived by hand in the tests below.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import solutions.a5_regularization as reference
from autograder.course import source_dir
from autograder.judging.probes import measure_record, run_probe
from autograder.judging.spec import AssignmentSpec
from autograder.student.grader import Grader
from tests.grading_support import assert_hidden_cases_differ, assert_reference_full_marks

ASSIGNMENT = "a5_regularization"


def _notebook_script() -> str:
    """The instructor notebook's code without its test cells and plots."""
    text = (source_dir(ASSIGNMENT) / f"{ASSIGNMENT}.py").read_text()
    lines = [
        line
        for line in text.splitlines()
        if "grader.check" not in line and line.strip() != "score" and "plt.show" not in line
    ]
    return "\n".join(lines).replace("progress=True", "progress=False")


@pytest.fixture(scope="module")
def notebook_ns(release: Path) -> dict[str, Any]:
    """The globals of the instructor notebook, run as a script (about 5 s)."""
    import os

    import matplotlib

    matplotlib.use("Agg")
    cwd = os.getcwd()
    os.chdir(release)
    try:
        ns: dict[str, Any] = {"__name__": "a5_notebook"}
        exec(compile(_notebook_script(), "a5_notebook", "exec"), ns)
    finally:
        os.chdir(cwd)
    return ns


TRAINED = ("mc_regressor", "model_none", "model_l2", "model_dropout", "model_early")


@pytest.fixture
def namespace(notebook_ns: dict[str, Any]) -> dict[str, Any]:
    ns: dict[str, Any] = {name: getattr(reference, name) for name in reference.__all__}
    ns.update({name: notebook_ns[name] for name in TRAINED})
    # the package's train takes an a4 Optimizer; the notebook's loop (Adam with lr) is graded
    ns["train"] = notebook_ns["train"]
    ns["np"] = np
    return ns


def _scores_with_hidden(
    grader: Grader, spec: AssignmentSpec, ns: dict[str, Any]
) -> dict[str, float]:
    return {p.id: grader.check(p.id, ns, hidden=True) for p in spec.parts}


# ------------------------------------------------------------------------------ the reference


def test_spec_totals_100_points_with_the_written_answers(spec: AssignmentSpec) -> None:
    assert spec.total_points == 100
    assert set(spec.manual_parts) == {"written_map_prior", "written_rank_regularizers"}


@pytest.mark.parametrize("which", ["package", "notebook"])
def test_reference_scores_full_points_on_every_part(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    notebook_ns: dict[str, Any],
    which: str,
) -> None:
    ns = namespace if which == "package" else notebook_ns
    for hidden in (False, True):
        assert_reference_full_marks(grader, spec, ns, hidden=hidden)


def test_hidden_cases_differ_from_public_ones(spec: AssignmentSpec) -> None:
    assert_hidden_cases_differ(spec)


def test_every_keyword_is_passed_by_some_case(spec: AssignmentSpec) -> None:
    """beta1/beta2/eps/weight_decay/reg, min_delta, scope and dtype appear in some case (that
    some case gives each a non-default value is ``autograder validate``'s coverage rule, tested
    in tests/instructor/test_coverage.py)."""
    seen: dict[str, set[str]] = {}
    for part in spec.parts:
        for case in part.public_cases() + part.hidden_cases():
            seen.setdefault(part.id, set()).update(case.args)
    assert {"beta1", "beta2", "eps", "weight_decay", "reg"} <= seen["test_weight_decay"]
    assert "min_delta" in seen["test_early_stopping"]
    assert "scope" in seen["test_magnitude_prune"]
    assert "dtype" in seen["test_quantization"]
    assert {"p", "reg", "train"} <= seen["test_dropout_mlp"]
    assert "n_samples" in seen["test_mc_dropout_predict"]
    assert {"stop_at", "progress"} <= seen["test_train"]


# ------------------------------------------------------------------------------ hand-derived


def _record(spec: AssignmentSpec, part_id: str, case_name: str, ns: dict[str, Any]) -> dict:
    part = spec.part(part_id)
    case = next(c for c in part.public_cases() + part.hidden_cases() if c.name == case_name)
    return measure_record(part, case.args, run_probe(ns, part, case.args))


@pytest.mark.parametrize(
    ("case", "stops", "best_epoch", "best_loss"),
    [
        # 1.0 best, 0.8 best (epoch 1), 0.9 and 0.85 are two bad epochs: stop at epoch 3
        ("patience_2", [0, 0, 0, 1], 1, 0.8),
        # ties are not improvements: epochs 2, 3, 4 are bad, stop at 4, the first 0.5 is best
        ("tie", [0, 0, 0, 0, 1], 1, 0.5),
        # min_delta 0.05: 0.95 is not < 1.0 - 0.05; 0.92 and 0.8 improve; 0.79, 0.785 do not
        ("h_min_delta", [0, 0, 0, 0, 0, 1], 3, 0.8),
        # patience 0: the first bad epoch (0.45) stops
        ("h_patience_0", [0, 0, 1], 1, 0.4),
        # improvements at epochs 0, 1, 2 and 4: never stops
        ("h_never_stops", [0, 0, 0, 0, 0], 4, 0.5),
    ],
)
def test_early_stopping_cases_by_hand(
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    case: str,
    stops: list[int],
    best_epoch: int,
    best_loss: float,
) -> None:
    rec = _record(spec, "test_early_stopping", case, namespace)
    assert rec["stops"].tolist() == stops
    assert rec["best_epoch"] == best_epoch and rec["best_loss"] == best_loss
    # the probe passes W = full(best_epoch) at the best epoch, then overwrites it in place
    assert np.all(rec["restored_W"] == best_epoch) and np.all(rec["restored_again_W"] == best_epoch)


def test_quantisation_by_hand() -> None:
    """scale = 1.27 / 127 = 0.01; -0.635 / 0.01 = -63.5 rounds half to even: -64."""
    q, scale = reference.quantize_int8(np.array([1.27, -0.635, 0.004, -1.27]))
    assert scale == pytest.approx(0.01, rel=1e-12)
    assert q.dtype == np.int8 and q.tolist() == [127, -64, 0, -127]


def test_pruning_global_against_per_tensor_by_hand() -> None:
    """Global 50% of {W1: [0.1, 0.2], W2: [3, 4]} drops all of W1; per tensor one from each."""
    weights = {"W1": np.array([0.1, 0.2]), "W2": np.array([3.0, 4.0])}
    pruned, _ = reference.magnitude_prune(weights, 0.5)
    assert pruned["W1"].tolist() == [0.0, 0.0] and pruned["W2"].tolist() == [3.0, 4.0]
    pruned, _ = reference.magnitude_prune(weights, 0.5, scope="per_tensor")
    assert pruned["W1"].tolist() == [0.0, 0.2] and pruned["W2"].tolist() == [0.0, 4.0]


def test_study_models_beat_the_unregularised_one(notebook_ns: dict[str, Any]) -> None:
    """The thresholds (0.80) sit above what the unregularised network reaches on the test split."""
    from autograder.judging.probes.relu_mlp import relu_mlp_scores
    from autograder.student.datasets import load_digits_split

    data = load_digits_split(include_test=True)

    def acc(name: str) -> float:
        scores = relu_mlp_scores(notebook_ns[name].params, data["X_test"])
        return float(np.mean(scores.argmax(axis=1) == data["y_test"]))

    assert acc("model_none") < 0.80
    for name in ("model_l2", "model_dropout", "model_early"):
        assert acc(name) >= 0.82, name


# ------------------------------------------------------------------------------ common mistakes


def adamw_adds_decay_to_gradient(
    w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2
):
    """Adam + L2 under AdamW's name."""
    return reference.adam_l2_step(
        w, dw, state, lr=lr, reg=weight_decay, beta1=beta1, beta2=beta2, eps=eps
    )


def dropout_p_as_keep(x, p, *, train, rng=None):
    """Keeps a unit with probability p."""
    if not train:
        return x.copy(), (None, p, False)
    mask = rng.random(x.shape) < p
    return (x * mask / (1 - p)).astype(x.dtype), (mask, p, True)


def dropout_not_scaled(x, p, *, train, rng=None):
    """No 1 / (1 - p) at train time."""
    if not train:
        return x.copy(), (None, p, False)
    mask = rng.random(x.shape) >= p
    return (x * mask).astype(x.dtype), (mask, 0.0, True)


def dropout_scaled_at_test(x, p, *, train, rng=None):
    """Non-inverted at test time: multiplies by 1 - p in eval mode."""
    if not train:
        return x * (1 - p), (None, p, False)
    return reference.dropout_forward(x, p, train=True, rng=rng)


def dropout_backward_new_mask(dout, cache):
    """Draws another mask in backward."""
    _, p, train = cache
    if not train:
        return dout.copy()
    fresh = np.random.default_rng(12345).random(dout.shape) >= p
    return dout * fresh / (1 - p)


class DropoutMLPDecayingBiases(reference.DropoutMLP):
    """L2 on the biases too."""

    def loss(self, X, y, *, train=False, rng=None):
        loss, grads = super().loss(X, y, train=train, rng=rng)
        for key, value in self.params.items():
            if key.startswith("b"):
                grads[key] = grads[key] + self.reg * value
                loss += 0.5 * self.reg * float(np.sum(value**2))
        return loss, grads


class EarlyStoppingByReference(reference.EarlyStopping):
    """Keeps the caller's dict itself."""

    def step(self, val_loss, params):
        stop = super().step(val_loss, params)
        if self.best_epoch == self.epoch - 1:
            self.best_params = params
        return stop


def prune_per_tensor_always(weights, sparsity, *, scope="global"):
    """Ignores scope: per tensor."""
    if isinstance(weights, np.ndarray):
        return reference.magnitude_prune(weights, sparsity)
    return reference.magnitude_prune(weights, sparsity, scope="per_tensor")


def quantize_overflowing(w):
    """Range 127.5 and no clipping: max|w| maps to 127.5, rounds to 128, wraps to -128."""
    scale = float(np.max(np.abs(w))) / 127.5
    return np.round(w / scale).astype(np.int8), scale


def quantize_asymmetric(w):
    """An asymmetric min-max range without a zero point."""
    lo, hi = float(w.min()), float(w.max())
    scale = (hi - lo) / 254
    return np.clip(np.round((w - lo) / scale) - 127, -127, 127).astype(np.int8), scale


def _train_variant(notebook_ns: dict[str, Any], old: str, new: str) -> Any:
    """The notebook's train with one substitution in its source."""
    text = _notebook_script()
    start = text.index("def train(")
    source = text[start : text.index("    return history\n", start) + len("    return history\n")]
    assert source.count(old) == 1, old
    ns = dict(notebook_ns)
    exec(source.replace(old, new), ns)
    return ns["train"]


TRAIN_MISTAKES = {
    "no_restore": ("model.params.update(early_stopping.restore())", "pass"),
    "no_shuffle": ("order = rng.permutation(N)", "order = np.arange(N)"),
    "stopper_wrong_loss": (
        'early_stopping.step(history["val_loss"][-1],',
        'early_stopping.step(history["val_loss"][-1] + 1.0,',
    ),
}


@pytest.mark.parametrize("mistake", sorted(TRAIN_MISTAKES))
def test_training_loop_mistakes_cost_the_training_part_only(
    grader: Grader,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    notebook_ns: dict[str, Any],
    mistake: str,
) -> None:
    ns = dict(namespace)
    ns["train"] = _train_variant(notebook_ns, *TRAIN_MISTAKES[mistake])
    scores = _scores_with_hidden(grader, spec, ns)
    for part in spec.parts:
        if part.id == "test_train":
            assert scores[part.id] < part.points, mistake
        else:
            assert scores[part.id] == part.points, (mistake, part.id)


# each mistake, its part, and words its messages must hold: the cause, as a student should be
# told it (written from the mistake, not from the grader's output)
MISTAKES = {
    "adamw_step": (adamw_adds_decay_to_gradient, "test_weight_decay", "DATA gradient only"),
    "dropout_forward:keep": (dropout_p_as_keep, "test_dropout", "probability of DROPPING"),
    "dropout_forward:unscaled": (dropout_not_scaled, "test_dropout", "divides the kept units"),
    "dropout_forward:test": (dropout_scaled_at_test, "test_dropout", "no scaling at test time"),
    "dropout_backward": (dropout_backward_new_mask, "test_dropout", "reuse it in backward"),
    "DropoutMLP": (DropoutMLPDecayingBiases, "test_dropout_mlp", "no reg term to the biases"),
    "EarlyStopping": (EarlyStoppingByReference, "test_early_stopping", "store a COPY"),
    "magnitude_prune": (prune_per_tensor_always, "test_magnitude_prune", "ranks the magnitudes"),
    "quantize_int8:overflow": (quantize_overflowing, "test_quantization", "clip BEFORE casting"),
    "quantize_int8:asymmetric": (quantize_asymmetric, "test_quantization", "max|w| / 127"),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_mistake_loses_points_on_its_own_part_only_and_names_its_cause(
    grader: Grader, spec: AssignmentSpec, namespace: dict[str, Any], mistake: str
) -> None:
    fn, part_id, cause = MISTAKES[mistake]
    ns = dict(namespace)
    ns[mistake.split(":")[0]] = fn
    scores = _scores_with_hidden(grader, spec, ns)
    for part in spec.parts:
        if part.id == part_id:
            assert scores[part.id] < part.points, (mistake, part.id)
            messages = " ".join(m for c in grader.results[part.id].cases for m in c.messages)
            assert cause in messages, messages
            assert "flipped sign" not in messages and "same factor" not in messages, messages
        else:
            assert scores[part.id] == part.points, (mistake, part.id, grader.results[part.id])


def test_early_stopping_by_reference_still_passes_the_study(notebook_ns: dict[str, Any]) -> None:
    """The notebook's study retrained with the by-reference EarlyStopping clears 0.80 anyway,
    so that mistake costs only the early-stopping part (what the demo expects)."""
    from autograder.judging.probes.relu_mlp import relu_mlp_scores
    from autograder.student.datasets import load_digits_split

    ns = dict(notebook_ns)
    study_rng = np.random.default_rng(0)
    model = ns["DropoutMLP"](list(ns["model_early"].layer_sizes), rng=study_rng)
    ns["train"](
        model,
        ns["X_small"],
        ns["y_small"],
        ns["X_val"],
        ns["y_val"],
        rng=study_rng,
        **ns["settings"],  # the notebook's own study settings
        early_stopping=EarlyStoppingByReference(5),
        progress=False,
    )
    data = load_digits_split(include_test=True)
    scores = relu_mlp_scores(copy.deepcopy(model.params), data["X_test"])
    assert float(np.mean(scores.argmax(axis=1) == data["y_test"])) >= 0.80


def test_demo_mistakes_name_their_parts(spec: AssignmentSpec) -> None:
    from autograder.instructor.demo import load_mistakes

    mistakes = load_mistakes(ASSIGNMENT)
    ids = {p.id for p in spec.parts}
    assert mistakes and all(set(m.parts) <= ids for m in mistakes)


# ------------------------------------------------------------------------------ forged records


def test_measures_reject_malformed_records(spec: AssignmentSpec, namespace: dict[str, Any]) -> None:
    """A real record with one value of the wrong shape is an error (or fails the check that
    reads it), never a pass."""
    for part_id, key, check in (
        ("test_dropout", "outs", None),
        ("test_magnitude_prune", "pruned_w", None),
        ("test_quantization", "q", None),
        ("test_quantization", "scale", None),
        ("test_train", "batch_rows", "minibatches_ok"),
        ("test_overfitting_study", "param_W1", None),
    ):
        part = spec.part(part_id)
        case = part.public_cases()[0]
        honest = run_probe(namespace, part, copy.deepcopy(case.args))
        assert key in honest and "__error__" not in measure_record(part, case.args, honest)
        forged = measure_record(part, case.args, {**honest, key: np.zeros((1, 2, 3))})
        if check is None:
            assert "__error__" in forged, (part_id, key)
        else:
            assert forged[check] is False, (part_id, key)


def test_dropout_measure_separates_the_binomial_law_from_keep_probability(
    spec: AssignmentSpec,
) -> None:
    """Draws with keep rate 1 - p pass the 6-standard-error check; keep rate p fails it."""
    part = spec.part("test_dropout")
    case = part.public_cases()[0]  # p = 0.3, 200 draws of 8 x 25 units
    x, dout, p = case.args["x"], case.args["dout"], case.args["p"]
    rng = np.random.default_rng(0)

    def record(keep: float) -> dict:
        masks = rng.random((200, *x.shape)) < keep
        outs = x * masks / (1 - p)
        return {
            "outs": outs,
            "dxs": dout * masks / (1 - p),
            "out_repeat": outs[0],
            "out_other_seed": outs[1],
            "out_eval": x.copy(),
            "dx_eval": dout.copy(),
            "dtypes": "float64",
        }

    good = measure_record(part, case.args, record(1 - p))
    bad = measure_record(part, case.args, record(p))
    assert good["keep_rate_ok"] and good["mean_ok"] and good["independent_ok"]
    assert not bad["keep_rate_ok"] and not bad["mean_ok"]
