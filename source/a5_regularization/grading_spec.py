"""Grading spec of a5_regularization (instructor-only: holds the hidden cases).

Every case comes from a fixed seed, so the public cases written into the release and the hidden
cases regenerated at grading time are the same on every machine. Every verdict is computed on the
trusted side (see ``autograder/probes/a5.py``): statistical checks of dropout use 6 standard
errors of the binomial law (a correct dropout fails one with probability below 2e-9, and the
seeds are fixed), the overfitting study is scored on the held-out test split from the returned
parameters, quantisation on the ``scale / 2`` bound computed from the returned codes.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from autograder.judging.spec import AssignmentSpec, Case, Check, Part, Tolerance

FloatArray = np.ndarray


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ------------------------------------------------------------------------------ weight decay

STEP_TOL: Tolerance = {"rtol": 1e-9, "atol": 1e-12}


def _wd_case(
    name: str, rule: str, seed: int, shape: tuple[int, ...], steps: int, note: str, **kw: float
) -> Case:
    rng = _rng(seed)
    args = {
        "rule": rule,
        "w": rng.standard_normal(shape),
        "curvature": np.exp(rng.uniform(-2.5, 2.5, shape)),  # gradient scales 0.08 .. 12
        "target": rng.standard_normal(shape),
        "steps": steps,
        **kw,
    }
    checks = (
        ("w_final",) if rule.startswith("sgd") else ("w_final", "m_final", "v_final", "t_final")
    )
    return Case(name, args, note, checks)


def _weight_decay() -> Part:
    return Part(
        "test_weight_decay",
        "L2 penalty and decoupled weight decay",
        ("sgd_l2_step", "sgd_decoupled_step", "adam_l2_step", "adamw_step"),
        10,
        "a5_weight_decay",
        (
            Check("match", "w_final", label="weights after the steps", **STEP_TOL),
            Check("match", "m_final", label="Adam's first moment m", **STEP_TOL),
            Check("match", "v_final", label="Adam's second moment v", **STEP_TOL),
            Check("equal", "t_final", label="Adam's step count t"),
        ),
        public_cases=lambda: [
            _wd_case(
                "sgd_l2_one_step", "sgd_l2", 1, (5,), 1, "SGD + L2, one step", lr=0.1, reg=0.05
            ),
            _wd_case(
                "sgd_decoupled",
                "sgd_decoupled",
                2,
                (5,),
                10,
                "SGD with decoupled decay, 10 steps",
                lr=0.05,
                weight_decay=0.1,
            ),
            _wd_case("adam_l2", "adam_l2", 3, (6,), 10, "Adam + L2, 10 steps", lr=0.05, reg=0.1),
            _wd_case("adamw", "adamw", 4, (6,), 10, "AdamW, 10 steps", lr=0.05, weight_decay=0.1),
        ],
        hidden_cases=lambda: [
            _wd_case(
                "h_sgd_l2", "sgd_l2", 11, (3, 4), 25, "SGD + L2, matrix, 25 steps", lr=0.02, reg=0.3
            ),
            _wd_case(
                "h_sgd_decoupled",
                "sgd_decoupled",
                12,
                (3, 4),
                25,
                "decoupled decay, matrix, 25 steps",
                lr=0.02,
                weight_decay=0.3,
            ),
            _wd_case(
                "h_adam_l2",
                "adam_l2",
                13,
                (2, 5),
                30,
                "Adam + L2 with beta1, beta2, eps given",
                lr=0.01,
                reg=0.2,
                beta1=0.8,
                beta2=0.99,
                eps=1e-6,
            ),
            _wd_case(
                "h_adamw",
                "adamw",
                14,
                (2, 5),
                30,
                "AdamW with beta1, beta2, eps and weight_decay given",
                lr=0.01,
                weight_decay=0.5,
                beta1=0.85,
                beta2=0.95,
                eps=1e-7,
            ),
            _wd_case(
                "h_adamw_default",
                "adamw",
                15,
                (4,),
                5,
                "AdamW with the default weight_decay = 1e-2",
                lr=0.1,
            ),
        ],
        hints={
            "w_final": "SGD + L2 steps along dw + reg * w; decoupled decay first shrinks "
            "w * (1 - lr * weight_decay), then steps along dw alone. AdamW decays the weights "
            "directly and feeds Adam the DATA gradient only: adding weight_decay * w to the "
            "gradient makes it Adam + L2, the very thing AdamW fixes",
            "m_final": "Adam's moments see the gradient: dw + reg * w for Adam + L2, dw alone "
            "for AdamW (the decay never enters m or v)",
        },
    )


# ------------------------------------------------------------------------------ dropout

DROPOUT_CHECKS = (
    Check("true", "keep_rate_ok", label="fraction of units kept is 1 - p (6 standard errors)"),
    Check("true", "kept_scaled_ok", label="kept units are x / (1 - p), dropped ones exactly 0"),
    Check("true", "mean_ok", label="expectation preserved: mean of out / x over the draws is 1"),
    Check("true", "independent_ok", label="each unit dropped independently of its neighbours"),
    Check("true", "fresh_masks_ok", label="a new mask at every call in train mode"),
    Check(
        "true",
        "backward_mask_ok",
        label="backward uses the forward's mask: dx = dout * mask / (1 - p)",
    ),
    Check(
        "true", "seeded_ok", label="the mask comes from the rng passed in (same seed, same mask)"
    ),
    Check("true", "eval_identity_ok", label="eval mode (train=False) returns x unchanged"),
    Check("true", "eval_backward_ok", label="eval-mode backward returns dout unchanged"),
    Check("true", "dtype_kept", label="dtype kept (float32 in, float32 out)"),
)


def _no_zeros(x: FloatArray) -> FloatArray:
    return np.where(np.abs(x) < 0.05, x + np.where(x < 0, -0.2, 0.2), x)


def _dropout_case(
    name: str,
    seed: int,
    shape: tuple[int, ...],
    p: float,
    draws: int,
    note: str,
    dtype: type = np.float64,
) -> Case:
    rng = _rng(seed)
    x: np.ndarray = _no_zeros(rng.standard_normal(shape)).astype(dtype)
    dout: np.ndarray = rng.standard_normal(shape).astype(dtype)
    return Case(name, {"x": x, "dout": dout, "p": p, "draws": draws, "seed": seed + 100}, note)


def _dropout() -> Part:
    return Part(
        "test_dropout",
        "Inverted dropout, forward and backward",
        ("dropout_forward", "dropout_backward"),
        10,
        "a5_dropout",
        DROPOUT_CHECKS,
        public_cases=lambda: [
            _dropout_case("p_0.3", 1, (8, 25), 0.3, 200, "p = 0.3, 200 draws of 8 x 25 units"),
            _dropout_case("p_0", 2, (4, 5), 0.0, 5, "p = 0: nothing is dropped"),
        ],
        hidden_cases=lambda: [
            _dropout_case("h_p_0.75", 11, (6, 40), 0.75, 150, "p = 0.75 (most units dropped)"),
            _dropout_case("h_3d", 12, (4, 5, 6), 0.2, 100, "a 3-D input, p = 0.2"),
            _dropout_case("h_f32", 13, (5, 20), 0.4, 100, "float32 input", dtype=np.float32),
        ],
        options={"passes": {"rng": "a generator seeded from the case's seed, per draw"}},
        hints={
            "keep_rate_ok": "p is the probability of DROPPING a unit (PyTorch's convention): "
            "keep where rng.random(x.shape) >= p. Using p as the keep probability is the "
            "usual cause",
            "kept_scaled_ok": "inverted dropout divides the kept units by (1 - p) at TRAIN time",
            "mean_ok": "without the 1 / (1 - p) scaling the expected output is (1 - p) x",
            "independent_ok": "draw one random number per unit: rng.random(x.shape), not one "
            "per row or column",
            "backward_mask_ok": "keep the mask in the cache and reuse it in backward: drawing "
            "a new mask there sends the gradient through other units",
            "seeded_ok": "draw only from the rng argument (not np.random.*, not a generator "
            "made inside the function)",
            "eval_identity_ok": "inverted dropout needs no scaling at test time: return a copy "
            "of x (scaling by 1 - p there is the non-inverted scheme)",
        },
    )


# ------------------------------------------------------------------------------ dropout MLP

MAX_LAYERS = 3
MLP_TOL: Tolerance = {"rtol": 1e-8, "atol": 1e-10}


def _mlp_case(
    name: str, seed: int, sizes: list[int], N: int, p: float, reg: float, train: bool, note: str
) -> Case:
    rng = _rng(seed)
    args: dict[str, object] = {
        "layer_sizes": np.array(sizes),
        "p": p,
        "reg": reg,
        "train": train,
        "seed": seed + 100,
        "X": rng.standard_normal((N, sizes[0])),
        "y": rng.integers(0, sizes[-1], size=N),
    }
    for layer, (fan_in, fan_out) in enumerate(pairwise(sizes), start=1):
        args[f"W{layer}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        args[f"b{layer}"] = 0.1 * rng.standard_normal(fan_out)  # non-zero: their gradients count
    L = len(sizes) - 1
    checks = (
        "loss",
        "scores_eval",
        *tuple(f"d{p_}{layer}" for layer in range(1, L + 1) for p_ in ("W", "b")),
    )
    return Case(name, args, note, checks)


def _zero_preactivation_case() -> Case:
    """Hidden units whose pre-activation is exactly 0 (ReLU's kink: its derivative is 0 there).

    A sample of all zeros meets zero first-layer biases, so all of its first-layer
    pre-activations are exactly 0.
    """
    case = _mlp_case("h_kink", 13, [5, 6, 3], 6, 0.3, 0.0, True, "")
    args = dict(case.args)
    X = np.array(args["X"], copy=True)
    X[0] = 0.0
    args["X"], args["b1"] = X, np.zeros_like(args["b1"])
    note = "a sample of zeros with zero first-layer biases: pre-activations exactly 0"
    return Case(case.name, args, note, case.checks)


DB_HINT = (
    "db_l is the upstream gradient summed over the batch (for a hidden layer after the mask, "
    "1 / (1 - p) and the ReLU derivative); the L2 penalty adds no reg term to the biases"
)


def _dropout_mlp() -> Part:
    grads = tuple(
        Check("match", f"d{p_}{layer}", label=f"grads['{p_}{layer}']", **MLP_TOL)
        for layer in range(1, MAX_LAYERS + 1)
        for p_ in ("W", "b")
    )
    return Part(
        "test_dropout_mlp",
        "A dropout MLP and its gradient under a fixed rng",
        ("DropoutMLP",),
        10,
        "a5_dropout_mlp",
        (
            Check("match", "loss", label="loss (train mode, the case's rng)", **MLP_TOL),
            Check("match", "scores_eval", label="forward(X) in eval mode", **MLP_TOL),
            *grads,
        ),
        public_cases=lambda: [
            _mlp_case("one_hidden", 1, [5, 8, 3], 6, 0.4, 0.0, True, "5-8-3, p = 0.4"),
            _mlp_case(
                "two_hidden_reg",
                2,
                [6, 10, 7, 4],
                9,
                0.25,
                0.05,
                True,
                "6-10-7-4, p = 0.25, reg = 0.05",
            ),
        ],
        hidden_cases=lambda: [
            _mlp_case(
                "h_eval", 11, [4, 12, 5], 7, 0.5, 0.1, False, "train=False: no dropout, reg = 0.1"
            ),
            _mlp_case("h_big_p", 12, [7, 16, 9, 3], 10, 0.6, 0.01, True, "p = 0.6, reg = 0.01"),
            _zero_preactivation_case(),
        ],
        options={"passes": {"rng": "a generator seeded from the case's seed"}},
        hints={
            "loss": "train mode: one mask per hidden layer, rng.random(h.shape) >= p, first "
            "hidden layer first, after the ReLU; the L2 penalty is 0.5 * reg * sum(W**2) over "
            "the weights only",
            "db1": DB_HINT,
            "db2": DB_HINT,
            "dW1": "the gradient flows back through the SAME mask (and 1 / (1 - p)) as the "
            "forward pass",
        },
    )


# ------------------------------------------------------------------------------ MC dropout


def _mc_case(
    name: str, seed: int, N: int, D: int, H: int, K: int, p: float, n_samples: int, note: str
) -> Case:
    rng = _rng(seed)
    args = {
        "X": rng.standard_normal((N, D)),
        "W1": rng.standard_normal((D, H)),
        "b1": 0.3 * rng.standard_normal(H),
        "W2": rng.standard_normal((H, K)) / np.sqrt(H),
        "b2": 0.1 * rng.standard_normal(K),
        "p": p,
        "n_samples": n_samples,
        "seed": seed + 100,
    }
    return Case(name, args, note)


def _mc_dropout() -> Part:
    return Part(
        "test_mc_dropout_predict",
        "Monte Carlo dropout: predictive mean and spread",
        ("mc_dropout_predict",),
        6,
        "a5_mc_dropout",
        (
            Check("match", "mean", label="predictive mean", rtol=1e-9, atol=1e-12),
            Check("match", "std", label="predictive standard deviation", rtol=1e-9, atol=1e-12),
        ),
        public_cases=lambda: [
            _mc_case("one_output", 1, 5, 2, 16, 1, 0.3, 20, "5 inputs, 20 passes, p = 0.3"),
        ],
        hidden_cases=lambda: [
            _mc_case("h_three_outputs", 11, 8, 3, 12, 3, 0.6, 7, "3 outputs, 7 passes"),
        ],
        hints={
            "mean": "call model(X, rng) n_samples times with the SAME rng (one after the "
            "other) and average over the passes (axis 0)",
            "std": "the population standard deviation over the passes (ddof = 0, np.std's "
            "default), per input and output",
        },
    )


def _band_case(name: str, x: FloatArray, seed: int, note: str) -> Case:
    in_gap = np.abs(x) < 0.8  # the training inputs leave out (-1, 1)
    return Case(
        name,
        {"x": x[:, None], "in_gap": in_gap, "passes": 100, "seed": seed, "max_fit_error": 0.25},
        note,
    )


def _mc_band() -> Part:
    return Part(
        "test_mc_band",
        "Monte Carlo dropout: more spread where there is no data",
        ("mc_regressor",),
        4,
        "a5_mc_band",
        (
            # The notebook's settings give 1.3 to 1.5 (seeds 0-2 of the regressor); a network
            # whose spread does not grow in the gap gives about 1.
            Check(
                "at_least",
                "spread_ratio",
                threshold=1.15,
                floor=1.0,
                label="spread in the gap / spread on the data",
            ),
            Check(
                "true",
                "fits_data",
                label="the predictive mean fits sin(x) where there is data (RMS <= 0.25)",
            ),
        ),
        public_cases=lambda: [_band_case("grid", np.linspace(-3, 3, 61), 5, "61 inputs")],
        hidden_cases=lambda: [
            _band_case("h_grid", np.linspace(-2.9, 2.9, 47), 17, "another grid, another rng")
        ],
    )


# ------------------------------------------------------------------------------ early stopping

ES_CHECKS = (
    Check("equal", "stops", label="the value step() returned at each epoch (0/1)"),
    Check("equal", "best_epoch", label="best_epoch"),
    Check("match", "best_loss", label="best_loss", rtol=0, atol=0),
    Check(
        "match", "restored_W", label="restore()['W']: the best epoch's parameters", rtol=0, atol=0
    ),
    Check("match", "restored_b", label="restore()['b']", rtol=0, atol=0),
    Check(
        "match",
        "restored_again_W",
        label="a second restore() after the first result was modified",
        rtol=0,
        atol=0,
    ),
)


def _es_case(name: str, losses: list[float], patience: int, note: str, **kw: float) -> Case:
    return Case(name, {"losses": np.array(losses), "patience": patience, **kw}, note)


def _early_stopping() -> Part:
    return Part(
        "test_early_stopping",
        "Early stopping",
        ("EarlyStopping",),
        10,
        "a5_early_stopping",
        ES_CHECKS,
        public_cases=lambda: [
            _es_case(
                "patience_2",
                [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.6],
                2,
                "stops at epoch 3: two epochs without a new best after epoch 1",
            ),
            _es_case(
                "tie",
                [1.0, 0.5, 0.5, 0.5, 0.5],
                3,
                "ties are not improvements: stops at epoch 4, the first 0.5 is the best",
            ),
        ],
        hidden_cases=lambda: [
            _es_case(
                "h_min_delta",
                [1.0, 0.95, 0.92, 0.8, 0.79, 0.785, 0.7],
                2,
                "min_delta = 0.05: small gains do not count",
                min_delta=0.05,
            ),
            _es_case("h_patience_0", [0.5, 0.4, 0.45, 0.3], 0, "patience 0"),
            _es_case(
                "h_never_stops",
                [3.0, 2.0, 1.0, 1.5, 0.5],
                4,
                "patience never exhausted: the last improvement is restored",
            ),
        ],
        hints={
            "stops": "an epoch improves when val_loss < best_loss - min_delta (strictly); "
            "step returns True once patience epochs in a row have not improved",
            "restored_W": "store a COPY of the parameters at the best epoch (copy.deepcopy): "
            "training overwrites the arrays in place, so a stored reference holds the last "
            "values, not the best",
            "restored_again_W": "restore() must return a copy each time, so the caller can "
            "modify it without changing the stored best parameters",
            "best_epoch": "epochs count from 0 (the first step is epoch 0); a tie does not "
            "move the best epoch",
        },
    )


# ------------------------------------------------------------------------------ training loop


def _train_case(
    name: str, seed: int, N: int, batch_size: int, epochs: int, note: str, **extra: object
) -> Case:
    rng = _rng(seed)
    D, C = 4, 3
    X = rng.standard_normal((N, D))
    X[:, 0] = np.arange(N)  # the row index: the grader's model records which rows it saw
    X_val = rng.standard_normal((7, D))
    args = {
        "X_train": X,
        "y_train": rng.integers(0, C, size=N),
        "X_val": X_val,
        "y_val": rng.integers(0, C, size=7),
        "W": 0.1 * rng.standard_normal((D, C)),
        "b": 0.1 * rng.standard_normal(C),
        "lr": 0.05,
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed + 100,
        **extra,
    }
    checks = ("minibatches_ok", "history_ok", "params_ok") + (
        ("early_stopping_ok",) if "stop_at" in extra else ()
    )
    return Case(name, args, note, checks)


def _training_loop() -> Part:
    return Part(
        "test_train",
        "The training loop",
        ("train",),
        8,
        "a5_train",
        (
            Check(
                "true",
                "minibatches_ok",
                label="minibatches: rng.permutation(N) each epoch, sliced in order, train=True",
            ),
            Check(
                "true",
                "history_ok",
                label="history: train/val loss and accuracy after every epoch run",
            ),
            Check(
                "true",
                "params_ok",
                label="final parameters (Adam on every parameter; the best ones restored)",
            ),
            Check(
                "true",
                "early_stopping_ok",
                label="early_stopping.step(val_loss, params) every epoch, stop when True",
            ),
        ),
        public_cases=lambda: [
            _train_case("three_epochs", 1, 23, 5, 3, "23 rows in batches of 5, 3 epochs"),
            _train_case(
                "early_stop",
                2,
                12,
                4,
                6,
                "a stopper that says stop at epoch 3; its best epoch is 1",
                stop_at=3,
                best=1,
                progress=False,
            ),
        ],
        hidden_cases=lambda: [
            _train_case("h_one_batch", 11, 9, 16, 4, "batch larger than the data set"),
            _train_case("h_stop_first", 12, 15, 6, 5, "stop at epoch 0", stop_at=0, best=0),
        ],
        options={"passes": {"early_stopping": "a scripted stopper, in the cases that stop"}},
        hints={
            "minibatches_ok": "each epoch: order = rng.permutation(N), then the batches "
            "order[start:start + batch_size] for start in range(0, N, batch_size); pass "
            "train=True and rng=rng to model.loss",
            "params_ok": "one adam_step per parameter per minibatch, each with its own state "
            "from adam_init; with early stopping, model.params.update(early_stopping.restore()) "
            "at the end",
            "early_stopping_ok": "after the epoch's evaluation call early_stopping.step with "
            "the validation loss and model.params, and break when it returns True",
        },
    )


# ------------------------------------------------------------------------------ the study

# Measured with the notebook's own settings and training loop (300 training digits, 30% of their
# labels replaced, 64-128-10 ReLU network, Adam lr 3e-3, batch 50, 80 epochs, seed 0), accuracy on
# the held-out test split: no regularisation 0.7675; L2 reg = 0.03: 0.8625; dropout p = 0.7:
# 0.8475; early stopping (patience 5): 0.865 (with the solutions package's loop, seeds 0 / 1:
# 0.767 / 0.780, 0.863 / 0.860, 0.848 / 0.845, 0.865 / 0.858). The thresholds sit above what the
# unregularised network reaches (full credit from 0.80, partial from 0.78).
STUDY_THRESHOLD, STUDY_FLOOR = 0.80, 0.78


def _study_case(variable: str, hidden: bool) -> Case:
    return Case(
        f"h_{variable}" if hidden else variable,
        {"variable": variable},
        f"{variable} on the held-out test split",
        (f"accuracy_{variable}", "has_hidden_layer", "regularised"),
    )


def _study() -> Part:
    regularised = ("model_l2", "model_dropout", "model_early")
    return Part(
        "test_overfitting_study",
        "An overfitting study: L2, dropout and early stopping",
        regularised,
        10,
        "a5_study",
        (
            *(
                Check(
                    "at_least",
                    f"accuracy_{v}",
                    threshold=STUDY_THRESHOLD,
                    floor=STUDY_FLOOR,
                    label=f"held-out test accuracy of {v}",
                )
                for v in regularised
            ),
            Check("true", "has_hidden_layer", label="the model is an MLP with a hidden layer"),
            Check(
                "true",
                "regularised",
                label="the regulariser is on (model_l2.reg > 0, model_dropout.p > 0)",
            ),
        ),
        # the public cases are scored on the test split too: the notebook never loads it
        public_cases=lambda: [_study_case(v, False) for v in regularised],
        hidden_cases=lambda: [_study_case(v, True) for v in regularised],
    )


# ------------------------------------------------------------------------------ compression


def _prune_case(
    name: str,
    seed: int,
    shapes: dict[str, tuple[int, ...]],
    sparsity: float,
    note: str,
    scope: str | None = None,
    single: bool = False,
) -> Case:
    rng = _rng(seed)
    args: dict[str, object] = {"sparsity": sparsity}
    scales = np.geomspace(0.3, 3.0, len(shapes))  # tensors of different magnitudes
    for (key, shape), s in zip(shapes.items(), scales, strict=True):
        w = s * _no_zeros(rng.standard_normal(shape))
        args["w" if single else f"weights_{key}"] = w
    if scope is not None:
        args["scope"] = scope
    return Case(name, args, note)


def _already_pruned_case() -> Case:
    """Weights of which some are exactly 0 already (a net pruned before), 50% asked for."""
    case = _prune_case("h_some_zeros", 14, {"W": (6, 6)}, 0.5, "", single=True)
    w = np.array(case.args["w"], copy=True)
    w.ravel()[::5] = 0.0  # 8 of 36 weights are 0 already: fewer than the 18 to prune
    return Case(
        case.name, {**case.args, "w": w}, "8 of 36 weights exactly 0 already; 50% asked for"
    )


def _pruning() -> Part:
    return Part(
        "test_magnitude_prune",
        "Magnitude pruning to a target sparsity",
        ("magnitude_prune",),
        8,
        "a5_prune",
        (
            Check("equal", "zeros", label="number of weights set to 0 (all tensors)"),
            Check("equal", "zeros_per", label="number of zeros in each tensor"),
            Check(
                "true",
                "kept_unchanged",
                label="kept weights unchanged, mask True exactly where a weight is kept",
            ),
        ),
        public_cases=lambda: [
            _prune_case("one_array", 1, {"W": (6, 5)}, 0.4, "one array, 40%", single=True),
            _prune_case(
                "global",
                2,
                {"W1": (8, 6), "W2": (6, 4)},
                0.5,
                "two layers of different scales, 50% globally",
            ),
        ],
        hidden_cases=lambda: [
            _prune_case(
                "h_per_tensor",
                11,
                {"W1": (10, 8), "W2": (8, 3), "W3": (3, 2)},
                0.3,
                "scope='per_tensor': 30% of each tensor",
                scope="per_tensor",
            ),
            _prune_case(
                "h_global_90",
                12,
                {"W1": (12, 9), "W2": (9, 4)},
                0.9,
                "90% globally, scope='global' given",
            ),
            _prune_case(
                "h_zero", 13, {"W": (5, 5)}, 0.0, "sparsity 0: nothing pruned", single=True
            ),
            _already_pruned_case(),
        ],
        hints={
            "zeros_per": "scope='global' ranks the magnitudes of ALL the tensors together "
            "(so layers end with different sparsities); counting per tensor is "
            "scope='per_tensor'",
            "zeros": "prune k = round(sparsity * n) weights: the k smallest |w|",
        },
    )


def _quant_case(name: str, seed: int, shape: tuple[int, ...], note: str, **extra: object) -> Case:
    rng = _rng(seed)
    w = rng.standard_normal(shape) * rng.uniform(0.05, 3.0)
    q_given = rng.integers(-127, 128, size=shape).astype(np.int8)
    args = {"w": w, "q_given": q_given, "scale_given": float(rng.uniform(0.001, 0.1)), **extra}
    return Case(name, args, note)


def _quant_zeros_case() -> Case:
    """A matrix with exact zeros (pruned weights): their codes must be exactly 0."""
    case = _quant_case("h_zeros", 13, (9, 4), "")
    w = np.array(case.args["w"], copy=True)
    w[::3] = 0.0
    return Case(case.name, {**case.args, "w": w}, "a 9 x 4 matrix with rows of exact zeros")


def _quantization() -> Part:
    return Part(
        "test_quantization",
        "Symmetric int8 quantisation",
        ("quantize_int8", "dequantize_int8"),
        8,
        "a5_quantize",
        (
            Check("true", "int8_ok", label="q is int8 with codes in [-127, 127]"),
            Check("true", "scale_ok", label="scale = max|w| / 127"),
            Check("true", "error_ok", label="|w - q * scale| <= scale / 2 for every entry"),
            Check("match", "deq", label="dequantize_int8(q, scale)", rtol=1e-6, atol=1e-12),
            Check("true", "deq_dtype_ok", label="dequantised array of the requested dtype"),
        ),
        public_cases=lambda: [
            _quant_case("matrix", 1, (8, 6), "an 8 x 6 matrix"),
        ],
        hidden_cases=lambda: [
            _quant_case(
                "h_f32_out",
                11,
                (20, 7),
                "dtype=np.float32 asked of dequantize_int8",
                dtype="float32",
            ),
            _quant_case("h_vector", 12, (50,), "a vector of 50 weights"),
            _quant_zeros_case(),
        ],
        hints={
            "error_ok": "ROUND to the nearest integer (np.round) before casting: .astype(int8) "
            "alone truncates towards 0 and can be a whole step off; round(w / scale) with "
            "scale = max|w| / 127 stays in [-127, 127]; a "
            "larger range (e.g. dividing by 127.5 or 128) overflows int8 and wraps around, "
            "and an asymmetric range (min and max) needs a zero point this scheme does not have",
            "scale_ok": "the symmetric scheme maps max|w| to 127: scale = max|w| / 127",
            "int8_ok": "return q as an int8 array with codes in [-127, 127]: round in float64 "
            "and clip BEFORE casting (128 cast to int8 wraps around to -128)",
        },
    )


PARTS = (
    _weight_decay(),
    _dropout(),
    _dropout_mlp(),
    _mc_dropout(),
    _mc_band(),
    _early_stopping(),
    _training_loop(),
    _study(),
    _pruning(),
    _quantization(),
)

SPEC = AssignmentSpec(
    name="a5_regularization",
    parts=PARTS,
    reference_module="solutions.a5_regularization",
    manual_parts={"written_map_prior": 8, "written_rank_regularizers": 8},
)
