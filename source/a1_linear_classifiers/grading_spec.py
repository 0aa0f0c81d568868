"""Grading spec of a1_linear_classifiers (instructor-only: holds the hidden cases).

Every case is generated from a fixed seed, so the public cases written into the release and the
hidden cases regenerated at grading time are the same on every machine. Loss cases keep every
hinge margin at least 1e-3 away from its kink, so finite differences are valid there.
"""

from __future__ import annotations

import numpy as np

from autograder.judging.spec import AssignmentSpec, Case, Check, Part

LOSS_CHECKS = (
    Check("match", "loss", rtol=1e-6, atol=1e-9),
    Check("match", "dW", rtol=1e-5, atol=1e-8),
    Check("selfgrad", "dW", against="numeric_dW", label="dW"),
)
F32_LOSS_CHECKS = ("loss", "dW")  # finite differences are meaningless in float32


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _linear_case(
    seed: int,
    N: int,
    D: int,
    C: int,
    reg: float,
    *,
    scale: float = 1.0,
    hinge: bool = False,
    dtype: type = np.float64,
    delta: float | None = None,
) -> dict[str, object]:
    """Random (W, X, y, reg[, delta]), resampled until every hinge margin is >= 1e-3 from 0."""
    rng = _rng(seed)
    while True:
        W: np.ndarray = (rng.standard_normal((D, C)) * 0.5 * scale).astype(dtype)
        X: np.ndarray = (rng.standard_normal((N, D)) * scale).astype(dtype)
        y = rng.integers(0, C, size=N)
        scores = X.astype(np.float64) @ W.astype(np.float64)
        margins = scores - scores[np.arange(N), y][:, None] + (1.0 if delta is None else delta)
        margins[np.arange(N), y] = 1.0
        if not hinge or np.abs(margins).min() >= 1e-3:
            args: dict[str, object] = {"W": W, "X": X, "y": y, "reg": reg}
            if delta is not None:
                args["delta"] = delta
            return args


def _hinge_kink() -> dict[str, object]:
    """Scores (W = I, X = scores) with margins of exactly 0, where the gradient is taken as 0.

    Row 0: class 1 scores 1 below the correct class, so its margin is 2 - 3 + 1 = 0 exactly;
    row 1: with delta = 0.5, class 0 scores 0.5 below the correct class 2 (margin 0).
    """
    X = np.array([[3.0, 2.0, -1.0], [1.0, 2.5, 1.5]])
    return {"W": np.eye(3), "X": X, "y": np.array([0, 2]), "reg": 0.0, "delta": 0.5}


def _lecture_example() -> dict[str, object]:
    """The lecture's three images (cat, car, frog) as scores: W = I, X = scores."""
    X = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    return {"W": np.eye(3), "X": X, "y": np.array([0, 1, 2]), "reg": 0.0}


def _loss_part(name: str, points: float, title: str, *, hinge: bool) -> Part:
    def public() -> list[Case]:
        cases = [
            Case(
                "small",
                _linear_case(11, 5, 4, 3, 0.0, hinge=hinge),
                "N=5, D=4, C=3, no regularisation",
            ),
            Case(
                "regularised", _linear_case(12, 8, 6, 4, 0.3, hinge=hinge), "N=8, D=6, C=4, reg=0.3"
            ),
        ]
        if hinge:
            cases.insert(
                0, Case("lecture", _lecture_example(), "cat/car/frog scores of the lecture")
            )
            cases.append(
                Case(
                    "delta_2",
                    _linear_case(13, 6, 5, 4, 0.1, hinge=True, delta=2.0),
                    "margin delta = 2.0 (not the default 1.0)",
                )
            )
        else:
            cases.append(
                Case("large", _linear_case(15, 5, 4, 3, 0.0, scale=30.0), "scores up to about 2000")
            )
        return cases

    def hidden() -> list[Case]:
        cases = [
            Case("h1", _linear_case(101, 17, 7, 5, 0.05, hinge=hinge), "odd batch size"),
            Case("h2", _linear_case(102, 3, 9, 10, 1.5, hinge=hinge), "strong regularisation"),
            Case("h3", _linear_case(103, 12, 5, 2, 0.0, hinge=hinge), "two classes"),
            Case(
                "h4",
                _linear_case(104, 6, 4, 3, 0.1, hinge=hinge, dtype=np.float32),
                "float32 inputs",
                checks=F32_LOSS_CHECKS,
            ),
        ]
        if not hinge:
            cases.append(
                Case("h5", _linear_case(105, 5, 4, 3, 0.0, scale=30.0), "very large scores")
            )
        else:
            cases += [
                Case(
                    "h_delta",
                    _linear_case(106, 7, 4, 5, 0.2, hinge=True, delta=0.25),
                    "margin delta = 0.25",
                ),
                Case(
                    "h_kink",
                    _hinge_kink(),
                    "margins of exactly 0 (gradient 0 there), delta = 0.5",
                    checks=F32_LOSS_CHECKS,  # finite differences straddle the kink
                ),
            ]
        return cases

    return Part(
        id=f"test_{name}",
        title=title,
        functions=(name,),
        points=points,
        probe="loss_grad",
        checks=LOSS_CHECKS,
        public_cases=public,
        hidden_cases=hidden,
        options={
            "outputs": ["loss", "dW"],
            "wrt": "W",
            "hint_facts": [] if hinge else ["exp", "softmax"],
        },
    )


def _bias_cases(seeds: list[int]) -> list[Case]:
    out = []
    for s in seeds:
        rng = _rng(s)
        n, d = int(rng.integers(1, 7)), int(rng.integers(1, 5))
        out.append(Case(f"n{n}_d{d}", {"X": rng.standard_normal((n, d))}, f"X of shape ({n}, {d})"))
    X32 = _rng(seeds[0] + 50).standard_normal((3, 2)).astype(np.float32)
    name = "h_float32" if seeds[0] > 100 else "float32"
    out.append(Case(name, {"X": X32}, "float32 X: the result keeps its dtype"))
    return out


def _perceptron_case(
    name: str, gate: str | None, seed: int, epochs: int, lr: float, dtype: type = np.float64
) -> Case:
    rng = _rng(seed)
    if gate is not None:
        X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        a, b = X[:, 0] > 0, X[:, 1] > 0
        y = np.where(a & b if gate == "and" else a | b, 1, -1)
    else:
        w_true = rng.standard_normal(3)
        X = rng.standard_normal((20, 2))
        s = X @ w_true[:2] + w_true[2]
        keep = np.abs(s) > 0.3
        X, y = X[keep], np.where(s[keep] > 0, 1, -1)
    X_test = rng.uniform(-1.5, 2.5, size=(15, 2))
    if gate is not None:
        # a grid of halves: with 0/1 inputs the learned weights are multiples of lr, so some
        # grid points score exactly 0, where the prediction must be -1 (``> 0`` is +1)
        grid = np.arange(-1.0, 2.01, 0.5)
        X_test = np.array([[a, b] for a in grid for b in grid])
    return Case(
        name,
        {
            "X": X.astype(dtype),
            "y": y.astype(np.int64),
            "epochs": epochs,
            "lr": lr,
            "X_test": X_test.astype(dtype),
        },
        (gate.upper() + " gate" if gate else "random separable points")
        + (", float32: w keeps the dtype" if dtype == np.float32 else ""),
    )


def _softmax_cases(hidden: bool) -> list[Case]:
    if not hidden:
        rng = _rng(21)
        return [
            Case("zeros", {"scores": np.zeros((2, 4))}, "all-zero scores: uniform 1/C"),
            Case("random", {"scores": rng.standard_normal((5, 3))}, "N=5, C=3"),
            Case(
                "large", {"scores": np.array([[1e4, 0.0, -1e4], [5e3, 5e3, 0.0]])}, "scores of 1e4"
            ),
        ]
    rng = _rng(121)
    return [
        Case("h1", {"scores": rng.standard_normal((7, 10)) * 3}, "N=7, C=10"),
        Case("h2", {"scores": rng.standard_normal((4, 2)) * 800 + 1000}, "large positive scores"),
        Case("h3", {"scores": rng.standard_normal((3, 5)) * 800 - 1000}, "large negative scores"),
        Case("h4", {"scores": rng.standard_normal((6, 4)).astype(np.float32)}, "float32 scores"),
    ]


def _penalty_cases(hidden: bool) -> list[Case]:
    rng = _rng(131 if hidden else 31)
    shapes = [(3, 4), (7,), (2, 3, 2)] if hidden else [(4, 3), (5, 2)]
    regs = [0.7, 2.0, 0.0] if hidden else [0.5, 0.1]
    cases = []
    for k, (shape, reg) in enumerate(zip(shapes, regs, strict=True)):
        W = rng.standard_normal(shape)
        W[np.abs(W) < 1e-3] = 0.5
        if k == 1:
            W.flat[::3] = 0.0  # exact zeros: the L1 kink, where the gradient is 0
        cases.append(
            Case(
                f"{'h' if hidden else 'w'}{k + 1}",
                {"W": W, "reg": reg},
                f"W of shape {shape}, reg={reg}" + (", some entries exactly 0" if k == 1 else ""),
            )
        )
    W32 = rng.standard_normal((3, 3)).astype(np.float32)
    W32[1, 1] = 0.0
    name = "h_f32" if hidden else "float32"
    cases.append(Case(name, {"W": W32, "reg": 0.25}, "float32 W: the gradient keeps its dtype"))
    return cases


def _sgd_case(
    name: str, seed: int, N: int, batch: int, iters: int, note: str, dtype: type = np.float64
) -> Case:
    rng = _rng(seed)
    D, C = 3, 2
    feats = rng.standard_normal((N, D))
    X: np.ndarray = np.hstack([feats, np.arange(N, dtype=np.float64)[:, None]]).astype(dtype)
    W0: np.ndarray = (rng.standard_normal((D + 1, C)) * 0.1).astype(dtype)
    targets: np.ndarray = (feats @ rng.standard_normal((D, C))).astype(dtype)
    checks = (
        ("W", "history", "num_calls", "w0_unchanged")
        if batch == N
        else (
            "num_calls",
            "batch_sizes_ok",
            "distinct_rows_ok",
            "loss_decreased",
            "w0_unchanged",
            "replay_ok",
        )
    )
    return Case(
        name,
        {
            "X": X,
            "y": np.zeros(N, dtype=np.int64),
            "targets": targets,
            "W0": W0,
            "lr": 0.05 if batch == N else 0.02,
            "reg": 0.01,
            "batch_size": batch,
            "num_iters": iters,
            "seed": seed,
        },
        note,
        checks,
    )


def _labels_cases(hidden: bool) -> list[Case]:
    rng = _rng(141 if hidden else 41)
    out = []
    for k, (n, d, c) in enumerate(
        [(9, 5, 4), (1, 3, 2), (30, 2, 7)] if hidden else [(6, 4, 3), (10, 3, 5)]
    ):
        out.append(
            Case(
                f"{'h' if hidden else 'p'}{k + 1}",
                {"W": rng.standard_normal((d, c)), "X": rng.standard_normal((n, d))},
                f"N={n}, C={c}",
            )
        )
    return out


def _accuracy_cases(hidden: bool) -> list[Case]:
    rng = _rng(151 if hidden else 51)
    out = []
    for k, n in enumerate([13, 1, 40] if hidden else [8, 20]):
        y = rng.integers(0, 4, size=n)
        pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, 4, size=n))
        out.append(
            Case(f"{'h' if hidden else 'p'}{k + 1}", {"y_pred": pred, "y_true": y}, f"N={n}")
        )
    return out


PARTS = (
    Part(
        "test_add_bias_column",
        "The bias trick",
        ("add_bias_column",),
        4,
        "call",
        (Check("match", "out", rtol=0, atol=0, label="add_bias_column(X)"),),
        public_cases=lambda: _bias_cases([1, 2]),
        hidden_cases=lambda: _bias_cases([101, 102, 103]),
        options={"outputs": ["out"]},
    ),
    Part(
        "test_perceptron",
        "Perceptron",
        ("perceptron_fit", "perceptron_predict"),
        8,
        "perceptron",
        (
            Check("match", "w", rtol=1e-9, atol=1e-12, label="weights w"),
            Check("equal", "pred", label="predictions"),
        ),
        public_cases=lambda: [
            _perceptron_case("and", "and", 0, 10, 1.0),
            _perceptron_case("separable", None, 3, 5, 0.5),
        ],
        hidden_cases=lambda: [
            _perceptron_case("h_or", "or", 7, 7, 0.3),
            _perceptron_case("h_sep", None, 203, 3, 1.0),
            _perceptron_case("h_sep2", None, 204, 1, 0.1),
            _perceptron_case("h_f32", None, 205, 4, 0.5, dtype=np.float32),
        ],
    ),
    _loss_part("svm_loss_naive", 12, "Multiclass SVM loss, with loops", hinge=True),
    _loss_part("svm_loss_vectorized", 12, "Multiclass SVM loss, vectorized", hinge=True),
    Part(
        "test_softmax",
        "Stable softmax",
        ("softmax",),
        6,
        "call",
        (Check("match", "probs", rtol=1e-6, atol=1e-12, label="softmax(scores)"),),
        public_cases=lambda: _softmax_cases(False),
        hidden_cases=lambda: _softmax_cases(True),
        options={"outputs": ["probs"], "hint_facts": ["exp", "softmax"]},
    ),
    _loss_part("softmax_loss_naive", 10, "Softmax cross-entropy, with loops", hinge=False),
    _loss_part("softmax_loss_vectorized", 10, "Softmax cross-entropy, vectorized", hinge=False),
    Part(
        "test_l1_penalty",
        "L1 penalty",
        ("l1_penalty",),
        3,
        "call",
        (Check("match", "value"), Check("match", "grad")),
        public_cases=lambda: _penalty_cases(False),
        hidden_cases=lambda: _penalty_cases(True),
        options={"outputs": ["value", "grad"]},
    ),
    Part(
        "test_l2_penalty",
        "L2 penalty",
        ("l2_penalty",),
        3,
        "call",
        (Check("match", "value"), Check("match", "grad")),
        public_cases=lambda: _penalty_cases(False),
        hidden_cases=lambda: _penalty_cases(True),
        options={"outputs": ["value", "grad"], "hint_facts": ["square"]},
    ),
    Part(
        "test_sgd",
        "Minibatch SGD",
        ("sgd",),
        10,
        "sgd",
        (
            Check("match", "W", rtol=1e-6, atol=1e-9, label="final W"),
            Check("match", "history", rtol=1e-6, atol=1e-9, label="loss history"),
            Check("equal", "num_calls", label="calls of loss_fn (one per iteration)"),
            Check("true", "w0_unchanged", label="W0 left unchanged (work on a copy)"),
            Check("true", "batch_sizes_ok", label="every minibatch has batch_size rows"),
            Check(
                "true", "distinct_rows_ok", label="no sample twice in a minibatch (replace=False)"
            ),
            Check("true", "loss_decreased", label="the loss goes down"),
            Check(
                "true",
                "replay_ok",
                label=(
                    "final W and loss history follow W <- W - lr * dW on the minibatches "
                    "your code drew (the loss taken before each update)"
                ),
            ),
        ),
        public_cases=lambda: [
            _sgd_case("full_batch", 61, 12, 12, 25, "batch_size = N: plain gradient descent"),
            _sgd_case("minibatch", 62, 40, 8, 200, "batch_size = 8"),
        ],
        hidden_cases=lambda: [
            _sgd_case("h_full", 161, 7, 7, 40, "batch_size = N, other data"),
            _sgd_case("h_mini", 162, 50, 5, 300, "batch_size = 5"),
            _sgd_case("h_one", 163, 30, 1, 400, "batch_size = 1"),
            _sgd_case("h_f32", 164, 6, 6, 20, "float32 W0 and data: W keeps the dtype", np.float32),
        ],
        # an sgd that never updates, or updates wrongly, earns nothing for calling loss_fn the
        # right number of times or leaving W0 alone
        options={"gate": ["W", "replay_ok"]},
    ),
    Part(
        "test_predict",
        "Predict",
        ("predict",),
        2,
        "call",
        (Check("equal", "pred", label="predict(W, X)"),),
        public_cases=lambda: _labels_cases(False),
        hidden_cases=lambda: _labels_cases(True),
        options={"outputs": ["pred"]},
    ),
    Part(
        "test_accuracy",
        "Accuracy",
        ("accuracy",),
        2,
        "call",
        (Check("match", "acc", label="accuracy(y_pred, y_true)"),),
        public_cases=lambda: _accuracy_cases(False),
        hidden_cases=lambda: _accuracy_cases(True),
        options={"outputs": ["acc"]},
    ),
    Part(
        "test_tuned_softmax",
        "Tuned softmax classifier",
        ("best_W",),
        10,
        "trained_accuracy",
        (Check("at_least", "accuracy", threshold=0.92, floor=0.80, label="accuracy"),),
        public_cases=lambda: [Case("validation", {"split": "val"}, "the validation split")],
        hidden_cases=lambda: [Case("test", {"split": "test"}, "a held-out test split")],
        options={"variable": "best_W"},
    ),
)

SPEC = AssignmentSpec(
    name="a1_linear_classifiers",
    parts=PARTS,
    reference_module="solutions.a1_linear_classifiers",
    manual_parts={
        "written_xor": 4,
        "written_kink": 4,
        "written_init_and_new_point": 4,
        "written_search": 2,
    },
)
