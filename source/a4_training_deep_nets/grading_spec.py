"""Grading spec of a4_training_deep_nets (instructor-only: holds the hidden cases).

Every case comes from a fixed seed, so the public cases written into the release and the hidden
cases regenerated at grading time are the same on every machine.

Initialisers are graded statistically (see :func:`autograder.judging.probes.a4.init_statistics`):
the sample variance, mean and shape of the distribution of one large draw (tens of thousands of
entries) are compared with the initialiser's target with tolerances of 6 standard errors, so a
correct initialiser fails with probability about 2e-9 per check, and never for the fixed seeds here
(the tests run the reference on every case). The rng must be the only randomness: the same seed
gives the same array, another seed another one. Nothing asks for bit-equality with the reference's
stream.

Optimisers are graded on whole trajectories of several steps on a noisy quadratic, every
hyper-parameter set to a non-default value in some case. Minibatches are judged from the rows the
student's iterator returned: every sample exactly once per epoch, the last short batch kept.
The capstone is graded on the accuracy of the returned parameters, computed on the trusted side.
"""

from __future__ import annotations

import numpy as np

from autograder.judging.spec import AssignmentSpec, Case, Check, Part, Tolerance

FloatArray = np.ndarray
TOL: Tolerance = {"rtol": 1e-6, "atol": 1e-9}
# float32 cases compare float32 with float32: two correct orders of summation over at most 16
# terms of size ~3 differ by about 16 * 3 * 6e-8 < 3e-6; a wrong formula is off by ~0.1
F32_TOL: Tolerance = {"rtol": 1e-4, "atol": 1e-5}
F32 = "_f32"  # suffix of the record keys of a float32 case (see probes.a4._forward_backward)
DTYPE_KEPT = Check(
    "true", "dtype_kept", label="dtype kept (float32 in, float32 out for every returned array)"
)
DTYPE_HINT = (
    "a float32 x must give float32 results: NumPy keeps float32 unless an array is made with "
    "its float64 default (np.zeros(shape), np.ones(shape), np.array(list), np.where(c, 1.0, "
    "0.01) from Python numbers) or cast (np.asarray(v, dtype=float), .astype(float)); use "
    "zeros_like / ones_like, dtype=x.dtype or .astype(x.dtype)"
)


def _f32_variant(
    checks: tuple[Check, ...], tol: dict[str, Tolerance] | None = None
) -> tuple[Check, ...]:
    """``checks`` again on the float32 keys (float32 tolerances), and the dtype check."""
    tol = tol or {}
    f32 = tuple(
        Check(c.kind, c.key + F32, label=f"{c.label}, float32", **tol.get(c.key, F32_TOL))
        for c in checks
    )
    return (*f32, DTYPE_KEPT)


def _as_float32(case: Case, checks: tuple[Check, ...]) -> Case:
    """``case`` with every float array cast to float32, judged by ``checks`` only."""
    args = {
        k: v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
        for k, v in case.args.items()
    }
    return Case(case.name, args, f"{case.note}, float32", tuple(c.key for c in checks))


def _float64_only(cases: list[Case], checks: tuple[Check, ...]) -> list[Case]:
    """``cases`` judged by ``checks`` only (not by the float32 ones)."""
    keys = tuple(c.key for c in checks)
    return [Case(c.name, c.args, c.note, keys) for c in cases]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ------------------------------------------------------------------------------ initialisers

INIT_FUNCTIONS = (
    "zeros_init",
    "small_normal_init",
    "xavier_uniform_init",
    "xavier_normal_init",
    "he_normal_init",
    "he_uniform_init",
    "lecun_normal_init",
)


def _init_case(
    name: str, fn: str, fan_in: int, fan_out: int, seed: int, note: str, **extra: object
) -> Case:
    args: dict[str, object] = {
        "name": fn,
        "fan_in": fan_in,
        "fan_out": fan_out,
        "seed": seed,
        **extra,
    }
    return Case(name, args, note)


def _initializers() -> Part:
    # fans far apart, so that a Xavier with fan_in only, or a He with 1 / fan_in, is off by a
    # factor of 1.6 or more while the tolerance on the variance is 6 * sqrt(2 / n) < 0.04
    public = [
        _init_case("zeros", "zeros_init", 30, 20, 401, "zeros, (30, 20)"),
        _init_case("small_normal", "small_normal_init", 200, 300, 402, "std = 0.05", std=0.05),
        _init_case("xavier_uniform", "xavier_uniform_init", 100, 400, 403, "(100, 400)"),
        _init_case("xavier_normal", "xavier_normal_init", 400, 100, 404, "(400, 100)"),
        _init_case("he_normal", "he_normal_init", 150, 400, 405, "(150, 400)"),
        _init_case("he_uniform", "he_uniform_init", 300, 200, 406, "(300, 200)"),
        _init_case("lecun_normal", "lecun_normal_init", 250, 240, 407, "(250, 240)"),
        _init_case(
            "he_normal_f32", "he_normal_init", 200, 300, 408, "dtype float32", dtype="float32"
        ),
    ]
    hidden = [
        _init_case("h_zeros", "zeros_init", 7, 90, 1401, "zeros, another shape", dtype="float32"),
        _init_case("h_small", "small_normal_init", 300, 250, 1402, "default std"),
        _init_case("h_xu", "xavier_uniform_init", 500, 120, 1403, "fan_in > fan_out"),
        _init_case("h_xn", "xavier_normal_init", 80, 600, 1404, "fan_in < fan_out"),
        _init_case("h_hn", "he_normal_init", 600, 100, 1405, "fan_in > fan_out"),
        _init_case("h_hu", "he_uniform_init", 120, 500, 1406, "fan_in < fan_out"),
        _init_case("h_ln", "lecun_normal_init", 90, 700, 1407, "fan_in < fan_out"),
        _init_case("h_xu_f32", "xavier_uniform_init", 256, 256, 1408, "float32", dtype="float32"),
        _init_case(
            "h_small_f32",
            "small_normal_init",
            240,
            260,
            1409,
            "float32, std = 1",
            std=1.0,
            dtype="float32",
        ),
    ]
    variance_hint = (
        "the variance of W must be Xavier's 2 / (fan_in + fan_out) (not 1 / fan_in: that is "
        "LeCun's; not the slides' 1 / (fan_in + fan_out), half of it), He's 2 / fan_in (not "
        "1 / fan_in: ReLU zeroes half the units), LeCun's 1 / fan_in, small_normal_init's std**2 "
        "(use its std argument); multiply standard_normal by sqrt(variance), not by the variance; "
        "a uniform U(-r, r) has variance r**2 / 3, so r = sqrt(3 * variance)"
    )
    return Part(
        "test_initializers",
        "Weight initialisers",
        INIT_FUNCTIONS,
        8,
        "a4_init",
        (
            Check("true", "shape_ok", label="W has shape (fan_in, fan_out)"),
            Check("true", "dtype_ok", label="W has the requested dtype (float64 by default)"),
            Check(
                "true",
                "rng_only",
                label="rng is the only randomness: the same seed gives the same W, another "
                "seed another W (zeros_init draws nothing)",
            ),
            Check(
                "true",
                "variance_ok",
                label="sample variance of W within 6 standard errors of the target",
            ),
            Check("true", "mean_ok", label="sample mean of W within 6 standard errors of 0"),
            Check(
                "true",
                "distribution_ok",
                label="shape of the distribution (uniform: |W| <= r and reaching r; "
                "normal: tails like a Gaussian's, kurtosis 3)",
            ),
        ),
        public_cases=lambda: public,
        hidden_cases=lambda: hidden,
        hints={
            "variance_ok": variance_hint,
            "distribution_ok": "a uniform initialiser draws rng.uniform(-a, a) with "
            "a = sqrt(3 * variance); a normal one std * rng.standard_normal(...)",
            "rng_only": "draw only from the rng argument (never np.random.* or a new "
            "default_rng inside the function); zeros_init must not draw at all",
            "dtype_ok": "draw in float64 and finish with .astype(dtype)",
        },
    )


# ------------------------------------------------------------------------------ layer statistics


def _stack_params(
    rng: np.random.Generator, sizes: list[int], scale: float, biases: bool
) -> dict[str, object]:
    """``W1, ...`` of ``scale * N(0, 1 / fan_in)`` and, with ``biases``, ``b1, ...`` of
    ``0.1 * N(0, 1)``, drawn layer by layer (``W1, b1, W2, ...``) from ``rng``."""
    params: dict[str, object] = {}
    for k in range(1, len(sizes)):
        params[f"W{k}"] = (
            scale * rng.standard_normal((sizes[k - 1], sizes[k])) / np.sqrt(sizes[k - 1])
        )
        if biases:
            params[f"b{k}"] = 0.1 * rng.standard_normal(sizes[k])
    return params


def _stack_case(
    name: str,
    seed: int,
    sizes: list[int],
    activation: str,
    scale: float,
    N: int,
    note: str,
    *,
    biases: bool = False,
    dout: bool = False,
    activations: bool = False,
) -> Case:
    rng = _rng(seed)
    args: dict[str, object] = {
        "X": rng.standard_normal((N, sizes[0])),
        "activation": activation,
        "num_layers": len(sizes) - 1,
    }
    args.update(_stack_params(rng, sizes, scale, biases))
    if dout:
        args["dout"] = rng.standard_normal((N, sizes[-1]))
    if activations:
        args["return_activations"] = True
    checks = ("mean", "std", "grad_norm", "input_grad_norm") + (
        ("activations",) if activations else ()
    )
    return Case(name, args, note, checks)


def _layer_statistics() -> Part:
    public = [
        _stack_case("tanh_xavier", 411, [20] * 11, "tanh", 1.0, 40, "10 tanh layers, width 20"),
        _stack_case(
            "relu_he_biases",
            412,
            [16] + [24] * 10,
            "relu",
            np.sqrt(2.0),
            30,
            "10 ReLU layers, biases and a given dout",
            biases=True,
            dout=True,
        ),
        _stack_case(
            "tanh_small_activations",
            413,
            [8, 12, 12, 12, 12],
            "tanh",
            0.3,
            10,
            "4 layers, small weights, return_activations=True",
            activations=True,
        ),
    ]
    hidden = [
        _stack_case("h_sigmoid", 1411, [10] * 11, "sigmoid", 1.0, 25, "10 sigmoid layers"),
        _stack_case(
            "h_leaky",
            1412,
            [12, 20, 20, 20, 20, 20, 8],
            "leaky_relu",
            1.4,
            15,
            "leaky ReLU",
            biases=True,
        ),
        _stack_case(
            "h_linear_dout",
            1413,
            [6] * 11,
            "linear",
            1.2,
            9,
            "linear layers, a given dout",
            dout=True,
            activations=True,
        ),
        _stack_case("h_relu_wide", 1414, [30] * 11, "relu", 2.0, 20, "ReLU, too large weights"),
    ]
    tol: Tolerance = {"rtol": 1e-6, "atol": 1e-12}
    return Part(
        "test_layer_statistics",
        "Per-layer statistics of a deep stack",
        ("layer_statistics",),
        6,
        "a4_layer_statistics",
        (
            Check("match", "mean", label="result['mean']", **tol),
            Check("match", "std", label="result['std']", **tol),
            Check("match", "grad_norm", label="result['grad_norm']", **tol),
            Check("match", "input_grad_norm", label="result['input_grad_norm']", **tol),
            Check("match", "activations", label="result['activations']", **tol),
        ),
        public_cases=lambda: public,
        hidden_cases=lambda: hidden,
        options={"passes": {"biases": "the case's b1, b2, ... (in the cases that have them)"}},
        hints={
            "std": "std over all N * D_l entries of h_l, population (ddof=0): h.std()",
            "grad_norm": "dW_l = h_{l-1}.T @ (dh_l * g'(a_l)), its Frobenius norm; the default "
            "upstream gradient is ones / N",
            "input_grad_norm": "entry l - 1 is the norm of the gradient reaching layer l's INPUT, "
            "dh_{l-1} = da_l @ W_l.T (entry 0: the gradient with respect to X)",
        },
    )


# ------------------------------------------------------------------------------ symmetry


def _two_layer_case(
    name: str,
    seed: int,
    N: int,
    D: int,
    H: int,
    C: int,
    note: str,
    *,
    constant: bool,
    activation: str | None = None,
    lr: float = 0.5,
    steps: int = 20,
    score_scale: float = 1.0,
) -> Case:
    rng = _rng(seed)
    if constant:  # every hidden unit the same (zero biases; weights 0.1 and 0.2)
        W1, W2 = np.full((D, H), 0.1), np.full((H, C), 0.2)
    else:
        W1, W2 = rng.standard_normal((D, H)) / np.sqrt(D), rng.standard_normal((H, C)) / np.sqrt(H)
        W2 = score_scale * W2
    args: dict[str, object] = {
        "X": rng.standard_normal((N, D)),
        "y": rng.integers(0, C, size=N),
        "W1": W1,
        "b1": np.zeros(H),
        "W2": W2,
        "b2": np.zeros(C),
        "lr": lr,
        "steps": steps,
    }
    if activation is not None:
        args["activation"] = activation
    return Case(name, args, note)


def _two_layer() -> Part:
    tol: Tolerance = {"rtol": 1e-6, "atol": 1e-9}
    return Part(
        "test_train_two_layer",
        "Equal units stay equal: full-batch training of a two-layer net",
        ("train_two_layer",),
        4,
        "a4_two_layer",
        (
            Check("match", "W1", label="trained W1", **tol),
            Check("match", "b1", label="trained b1", **tol),
            Check("match", "W2", label="trained W2", **tol),
            Check("match", "b2", label="trained b2", **tol),
            Check(
                "true",
                "symmetry_kept",
                label="hidden units equal after training exactly when equal at the start",
            ),
        ),
        public_cases=lambda: [
            _two_layer_case("constant", 415, 40, 8, 6, 3, "equal units, tanh", constant=True),
            _two_layer_case("random", 416, 30, 5, 4, 3, "random weights, tanh", constant=False),
        ],
        hidden_cases=lambda: [
            _two_layer_case(
                "h_relu",
                1415,
                25,
                6,
                5,
                4,
                "equal units, ReLU",
                constant=True,
                activation="relu",
                steps=15,
                lr=0.3,
            ),
            _two_layer_case(
                "h_sigmoid",
                1416,
                20,
                4,
                7,
                2,
                "random weights, sigmoid",
                constant=False,
                activation="sigmoid",
                steps=30,
                lr=1.0,
            ),
            # scores of a thousand or more, far apart between rows: exp overflows unless the
            # softmax subtracts each ROW's maximum
            _two_layer_case(
                "h_large_scores",
                1417,
                12,
                4,
                5,
                3,
                "random weights, scores in the thousands",
                constant=False,
                steps=3,
                lr=1e-3,
                score_scale=3000.0,
            ),
        ],
        hints={
            "W1:nonfinite": "subtract each row's maximum score before np.exp (S - S.max(axis=1, "
            "keepdims=True)): exp of a score above 709 overflows",
            "W1": "one step: dS = (softmax(S) - onehot(y)) / N, dW2 = H.T @ dS, db2 = dS.sum(0), "
            "dA = (dS @ W2.T) * g'(A), dW1 = X.T @ dA, db1 = dA.sum(0); update every parameter "
            "by -lr times its gradient, all from the same forward pass",
        },
    )


# ------------------------------------------------------------------------------ stack Jacobian


def _jacobian_case(
    name: str,
    seed: int,
    sizes: list[int],
    activation: str,
    scale: float,
    note: str,
    *,
    biases: bool = False,
    dead_unit: bool = False,
) -> Case:
    """One sample through ``len(sizes) - 1`` layers of weights ``scale * sqrt(1 / fan_in)``."""
    rng = _rng(seed)
    args: dict[str, object] = {
        "x": rng.standard_normal(sizes[0]),
        "activation": activation,
        "num_layers": len(sizes) - 1,
    }
    args.update(_stack_params(rng, sizes, scale, biases))
    if dead_unit:  # unit 0 of layer 1 gets a pre-activation of exactly 0 (no bias there)
        args["W1"][:, 0] = 0.0  # type: ignore[index]
    return Case(name, args, note)


def _stack_jacobian() -> Part:
    # J is a product of at most 10 well-scaled matrices: its entries and singular values agree
    # between orders of multiplication to ~1e-13 relative to the largest; the tolerances leave
    # four decades of room, while every mistake below changes them by O(1)
    tol: Tolerance = {"rtol": 1e-7, "atol": 1e-10}
    order_hint = (
        "J_l = diag(g'(a_l)) @ W_l.T has shape (D_l, D_{l-1}) and multiplies on the LEFT: "
        "J <- J_l @ J, from J = I; without the factor g'(a_l) you get the Jacobian of a "
        "linear stack, and J of shape (D_0, D_L) is the transpose"
    )
    return Part(
        "test_stack_jacobian",
        "The Jacobian of a deep stack and its singular values",
        ("stack_jacobian",),
        5,
        "a4_stack_jacobian",
        (
            Check("match", "J", label="J = d h_L / d x", **tol),
            Check("match", "singular_values", label="singular values of J", **tol),
        ),
        public_cases=lambda: [
            _jacobian_case("relu_he", 417, [8] * 7, "relu", np.sqrt(2.0), "6 ReLU layers, He"),
            _jacobian_case(
                "tanh_biases",
                418,
                [5, 7, 6, 4],
                "tanh",
                1.5,
                "tanh, widths 5-7-6-4, biases given",
                biases=True,
            ),
            _jacobian_case(
                "relu_dead_unit",
                419,
                [6, 6, 6, 6, 6],
                "relu",
                2.0 * np.sqrt(2.0),
                "2x He; a unit whose pre-activation is exactly 0 (relu'(0) = 0)",
                dead_unit=True,
            ),
        ],
        hidden_cases=lambda: [
            _jacobian_case(
                "h_half_he", 1417, [6] * 11, "relu", 0.5 * np.sqrt(2.0), "10 ReLU layers, 0.5x He"
            ),
            _jacobian_case(
                "h_sigmoid", 1418, [3, 6, 6, 2], "sigmoid", 1.0, "sigmoid, biases", biases=True
            ),
            _jacobian_case("h_linear", 1419, [4, 5, 4, 3], "linear", 1.0, "linear layers"),
            _jacobian_case(
                "h_leaky", 1420, [7, 5, 9, 7], "leaky_relu", 1.3, "leaky ReLU, biases", biases=True
            ),
        ],
        options={"passes": {"biases": "the case's b1, b2, ... (in the cases that have them)"}},
        hints={
            "J": order_hint,
            "singular_values": "np.linalg.svd(J, compute_uv=False): all min(D_0, D_L) of them, "
            "largest first",
        },
    )


# ------------------------------------------------------------------------------ clipping


def _clip_case(
    name: str,
    seed: int,
    shapes: tuple[tuple[int, ...], ...],
    scale: float,
    max_norm: float,
    note: str,
    *,
    nonfinite: bool = False,
) -> Case:
    rng = _rng(seed)
    args: dict[str, object] = {"max_norm": max_norm}
    for key, shape in zip(("W1", "b1", "W2"), shapes, strict=True):
        args[f"g_{key}"] = scale * rng.standard_normal(shape)
    if nonfinite:
        args["g_W2"].flat[1] = np.nan  # type: ignore[attr-defined]
        args["error_if_nonfinite"] = True
        return Case(name, args, note, ("raised",))
    return Case(name, args, note)


def _clip() -> Part:
    public = [
        _clip_case("clipped", 421, ((3, 4), (4,), (4, 2)), 3.0, 1.0, "global norm well above 1"),
        _clip_case("unchanged", 422, ((2, 3), (3,), (3, 3)), 0.1, 5.0, "global norm below 5"),
        _clip_case(
            "nan_raises",
            423,
            ((2, 2), (2,), (2, 2)),
            1.0,
            1.0,
            "a NaN with error_if_nonfinite=True must raise ValueError",
            nonfinite=True,
        ),
    ]
    hidden = [
        _clip_case("h_big", 1421, ((10, 8), (8,), (8, 3)), 50.0, 2.5, "very large gradients"),
        _clip_case("h_one_big", 1422, ((5, 5), (5,), (1, 1)), 1.0, 0.5, "one tiny tensor"),
        _clip_case("h_below", 1423, ((4, 4), (4,), (4, 1)), 0.01, 1.0, "already small"),
        _clip_case(
            "h_nan",
            1424,
            ((3, 3), (3,), (3, 3)),
            1.0,
            1.0,
            "a NaN, error_if_nonfinite=True",
            nonfinite=True,
        ),
    ]
    tol: Tolerance = {"rtol": 1e-9, "atol": 1e-12}
    global_hint = (
        "clip by the GLOBAL norm sqrt(sum_k ||g_k||**2) of all the tensors together and, only "
        "when the factor max_norm / (total_norm + 1e-6) is below 1, multiply every tensor by it "
        "(otherwise return unchanged copies); clipping each tensor by its own norm changes the "
        "direction of the gradient"
    )
    return Part(
        "test_clip_grad_norm",
        "Gradient clipping by the global norm",
        ("clip_grad_norm",),
        7,
        "a4_clip",
        (
            Check("match", "clipped_W1", label="clipped['W1']", **tol),
            Check("match", "clipped_b1", label="clipped['b1']", **tol),
            Check("match", "clipped_W2", label="clipped['W2']", **tol),
            Check("match", "total_norm", label="total_norm (before clipping)", **tol),
            Check("equal", "raised", label="raises ValueError exactly when asked to"),
            Check("true", "inputs_unchanged", label="the gradients passed in are not modified"),
        ),
        public_cases=lambda: public,
        hidden_cases=lambda: hidden,
        hints={
            "clipped_W1": global_hint,
            "clipped_W2": global_hint,
            "inputs_unchanged": "return new arrays (g * coef); never g *= coef on the "
            "caller's gradients",
        },
    )


# ------------------------------------------------------------------------------ residual, layernorm


def _residual_case(
    name: str, seed: int, N: int, D: int, H: int, note: str, activation: str | None = None
) -> Case:
    rng = _rng(seed)
    args: dict[str, object] = {
        "x": rng.standard_normal((N, D)),
        "w1": rng.standard_normal((D, H)) * np.sqrt(2.0 / D),
        "b1": 0.1 * rng.standard_normal(H),
        "w2": rng.standard_normal((H, D)) * np.sqrt(2.0 / H),
        "b2": 0.1 * rng.standard_normal(D),
        "dout": rng.standard_normal((N, D)),
    }
    if activation is not None:
        args["activation"] = activation
    return Case(name, args, note)


RESIDUAL_CHECKS = (
    Check("match", "out", label="out (forward)", **TOL),
    Check("match", "dx", label="dx", **TOL),
    Check("match", "dw1", label="dw1", **TOL),
    Check("match", "db1", label="db1", **TOL),
    Check("match", "dw2", label="dw2", **TOL),
    Check("match", "db2", label="db2", **TOL),
)
RESIDUAL_F32_CHECKS = _f32_variant(RESIDUAL_CHECKS)


def _residual() -> Part:
    identity_hint = (
        "out = x + F(x) has two paths from x to out: dx = dout (the identity path) + the "
        "gradient through F, da @ w1.T"
    )
    return Part(
        "test_residual",
        "Residual block",
        ("residual_forward", "residual_backward"),
        8,
        "a4_residual",
        (*RESIDUAL_CHECKS, *RESIDUAL_F32_CHECKS),
        public_cases=lambda: [
            *_float64_only(
                [
                    _residual_case("relu", 431, 5, 4, 6, "ReLU branch (default), D = 4, H = 6"),
                    _residual_case("tanh", 432, 3, 5, 3, "tanh branch", "tanh"),
                ],
                RESIDUAL_CHECKS,
            ),
            _as_float32(
                _residual_case("f32", 434, 4, 5, 6, "ReLU branch (default)"), RESIDUAL_F32_CHECKS
            ),
        ],
        hidden_cases=lambda: [
            *_float64_only(
                [
                    _residual_case("h_sigmoid", 1431, 6, 3, 7, "sigmoid branch", "sigmoid"),
                    _residual_case("h_leaky", 1432, 4, 6, 2, "leaky ReLU branch", "leaky_relu"),
                    _residual_case("h_one", 1433, 1, 5, 5, "a single sample"),
                ],
                RESIDUAL_CHECKS,
            ),
            _as_float32(
                _residual_case("h_f32", 1434, 5, 3, 4, "leaky ReLU branch", "leaky_relu"),
                RESIDUAL_F32_CHECKS,
            ),
        ],
        hints={"dx": identity_hint, "dtype_kept": DTYPE_HINT},
    )


def _layernorm_case(
    name: str,
    seed: int,
    shape: tuple[int, ...],
    note: str,
    *,
    eps: float | None = None,
    spread: float = 2.0,
) -> Case:
    rng = _rng(seed)
    D = shape[-1]
    args: dict[str, object] = {
        "x": 1.5 + spread * rng.standard_normal(shape),
        "gamma": 1.0 + 0.3 * rng.standard_normal(D),
        "beta": 0.5 * rng.standard_normal(D),
        "dout": rng.standard_normal(shape),
    }
    if eps is not None:
        args["eps"] = eps
    return Case(name, args, note)


LAYERNORM_CHECKS = (
    Check("match", "out", label="out (forward)", **TOL),
    Check("match", "dx", label="dx", rtol=1e-6, atol=1e-8),
    Check("match", "dgamma", label="dgamma", **TOL),
    Check("match", "dbeta", label="dbeta", **TOL),
)
LAYERNORM_F32_CHECKS = _f32_variant(LAYERNORM_CHECKS)


def _layernorm() -> Part:
    out_hint = (
        "normalise each SAMPLE over its features (the last axis, keepdims=True), "
        "not each feature over the batch (axis 0: that is batch normalisation), and put "
        "eps inside the square root: (x - mean) / sqrt(var + eps)"
    )
    dx_hint = (
        "x reaches xhat directly and through mean(x) and var(x): "
        "dx = (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps) with g = dout * gamma "
        "and the means over the last axis"
    )
    return Part(
        "test_layernorm",
        "Layer normalisation",
        ("layernorm_forward", "layernorm_backward"),
        7,
        "a4_layernorm",
        (*LAYERNORM_CHECKS, *LAYERNORM_F32_CHECKS),
        public_cases=lambda: [
            *_float64_only(
                [
                    _layernorm_case("batch", 441, (4, 6), "x of shape (4, 6)"),
                    _layernorm_case(
                        "three_d", 442, (2, 3, 5), "x of shape (2, 3, 5), eps = 1e-3", eps=1e-3
                    ),
                    _layernorm_case(
                        "small_variance",
                        443,
                        (3, 8),
                        "rows of variance ~1e-6: eps matters",
                        spread=1e-3,
                    ),
                ],
                LAYERNORM_CHECKS,
            ),
            _as_float32(
                # eps = 1e-3, so that eps outside the square root is off by ~4e-4, past rtol 1e-4
                _layernorm_case("f32", 444, (5, 6), "x of shape (5, 6), eps = 1e-3", eps=1e-3),
                LAYERNORM_F32_CHECKS,
            ),
        ],
        hidden_cases=lambda: [
            *_float64_only(
                [
                    _layernorm_case("h_wide", 1441, (5, 16), "16 features"),
                    _layernorm_case("h_one", 1442, (1, 7), "a single sample", eps=0.1),
                    _layernorm_case("h_flat", 1443, (6, 4), "nearly constant rows", spread=1e-4),
                    _layernorm_case("h_vector", 1444, (9,), "a 1-D x: one sample"),
                ],
                LAYERNORM_CHECKS,
            ),
            _as_float32(
                _layernorm_case(
                    "h_f32", 1445, (2, 3, 8), "x of shape (2, 3, 8), eps = 1e-3", eps=1e-3
                ),
                LAYERNORM_F32_CHECKS,
            ),
        ],
        hints={
            "out": out_hint,
            "dx": dx_hint,
            "dtype_kept": DTYPE_HINT,  # the float32 checks have no other hint: a dtype fails
            # them as often as a formula does, and the float64 cases name the formula
        },
    )


# ------------------------------------------------------------------------------ optimisers


def _opt_case(name: str, which: str, seed: int, steps: int, note: str, **hyper: float) -> Case:
    """``steps`` steps from ``w0`` on ``0.5 w A w - b w`` with noisy gradients (D = 3)."""
    rng = _rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    A = Q @ np.diag([1.0, 3.0, 8.0]) @ Q.T
    args: dict[str, object] = {
        "name": which,
        "w0": rng.standard_normal(3) * 2.0,
        "A": 0.5 * (A + A.T),
        "b": rng.standard_normal(3),
        "noise": 0.3 * rng.standard_normal((steps, 3)),
        **hyper,
    }
    return Case(name, args, note)


OPT_CHECKS = (
    Check("match", "trajectory", label="the trajectory w_0, w_1, ..., w_T", rtol=1e-7, atol=1e-10),
    Check("true", "w_unchanged", label="w passed to a step is not modified (a new array returned)"),
    Check("true", "dw_unchanged", label="dw (the gradient) passed to a step is not modified"),
    Check(
        "true",
        "state_unchanged",
        label="the state passed to a step is not modified (a new state dict returned)",
    ),
)
# the side conditions earn nothing while the trajectory is wrong
OPT_OPTIONS = {"gate": ["trajectory"]}
OPT_HINTS = {
    "w_unchanged": "return a new array (w - lr * ...); never w -= ... on the w you were given",
    "dw_unchanged": "the gradient belongs to the caller: g = dw + weight_decay * w makes a new "
    "array, while dw += weight_decay * w (or g = dw; g += ...) changes the caller's gradient",
    "state_unchanged": "build a new dict of new arrays, e.g. v = momentum * state['velocity'] "
    "+ g and return {'velocity': v}; state['velocity'] *= ..., state['t'] += 1 or assigning "
    "into the dict you were given changes the caller's state",
}


def _sgd_momentum() -> Part:
    return Part(
        "test_sgd_momentum_nesterov",
        "SGD, momentum and Nesterov",
        (
            "sgd_init",
            "sgd_step",
            "momentum_init",
            "momentum_step",
            "nesterov_init",
            "nesterov_step",
        ),
        8,
        "a4_optimizer",
        OPT_CHECKS,
        public_cases=lambda: [
            _opt_case("sgd", "sgd", 451, 10, "SGD, lr = 0.1", lr=0.1),
            _opt_case(
                "sgd_decay", "sgd", 452, 8, "SGD, weight_decay = 0.2", lr=0.05, weight_decay=0.2
            ),
            _opt_case("momentum", "momentum", 453, 12, "momentum 0.9 (default)", lr=0.02),
            _opt_case(
                "momentum_half",
                "momentum",
                454,
                10,
                "momentum 0.5, weight_decay 0.1",
                lr=0.05,
                momentum=0.5,
                weight_decay=0.1,
            ),
            _opt_case("nesterov", "nesterov", 455, 12, "Nesterov, momentum 0.9 (default)", lr=0.02),
            _opt_case(
                "nesterov_mu", "nesterov", 456, 10, "Nesterov, momentum 0.7", lr=0.04, momentum=0.7
            ),
        ],
        hidden_cases=lambda: [
            _opt_case("h_sgd", "sgd", 1451, 15, "SGD, lr = 0.2", lr=0.2),
            _opt_case(
                "h_mom",
                "momentum",
                1452,
                15,
                "momentum 0.8, weight decay",
                lr=0.03,
                momentum=0.8,
                weight_decay=0.05,
            ),
            _opt_case(
                "h_nest",
                "nesterov",
                1453,
                15,
                "Nesterov, momentum 0.6, weight decay",
                lr=0.05,
                momentum=0.6,
                weight_decay=0.02,
            ),
        ],
        options=dict(OPT_OPTIONS),
        hints={
            **OPT_HINTS,
            "trajectory": "momentum: v <- mu * v + g, w <- w - lr * v; Nesterov looks ahead "
            "along the NEW velocity: w <- w - lr * (g + mu * v_new); with weight_decay, "
            "g = dw + weight_decay * w",
        },
    )


def _rmsprop() -> Part:
    return Part(
        "test_rmsprop",
        "RMSProp",
        ("rmsprop_init", "rmsprop_step"),
        5,
        "a4_optimizer",
        OPT_CHECKS,
        public_cases=lambda: [
            _opt_case("defaults", "rmsprop", 461, 12, "alpha 0.99, eps 1e-8 (defaults)", lr=0.01),
            _opt_case(
                "large_eps",
                "rmsprop",
                462,
                10,
                "alpha 0.9, eps 0.1: eps is visible",
                lr=0.05,
                alpha=0.9,
                eps=0.1,
            ),
        ],
        hidden_cases=lambda: [
            _opt_case(
                "h_decay",
                "rmsprop",
                1461,
                15,
                "alpha 0.8, eps 0.5, weight decay",
                lr=0.03,
                alpha=0.8,
                eps=0.5,
                weight_decay=0.1,
            ),
            _opt_case("h_default", "rmsprop", 1462, 20, "defaults, lr 0.003", lr=0.003),
        ],
        options=dict(OPT_OPTIONS),
        hints={
            **OPT_HINTS,
            "trajectory": "s <- alpha * s + (1 - alpha) * g**2 and w <- w - lr * g / "
            "(sqrt(s) + eps): eps is added OUTSIDE the square root",
        },
    )


def _adam() -> Part:
    return Part(
        "test_adam",
        "Adam",
        ("adam_init", "adam_step"),
        8,
        "a4_optimizer",
        OPT_CHECKS,
        public_cases=lambda: [
            _opt_case("defaults", "adam", 471, 12, "betas (0.9, 0.999), eps 1e-8", lr=0.1),
            _opt_case(
                "all_set",
                "adam",
                472,
                10,
                "betas (0.8, 0.99), eps 1e-3, weight decay 0.05",
                lr=0.05,
                beta1=0.8,
                beta2=0.99,
                eps=1e-3,
                weight_decay=0.05,
            ),
        ],
        hidden_cases=lambda: [
            _opt_case("h_long", "adam", 1471, 25, "25 steps, defaults", lr=0.05),
            _opt_case(
                "h_betas",
                "adam",
                1472,
                15,
                "betas (0.5, 0.9), eps 0.01",
                lr=0.1,
                beta1=0.5,
                beta2=0.9,
                eps=0.01,
            ),
        ],
        options=dict(OPT_OPTIONS),
        hints={
            **OPT_HINTS,
            "trajectory": "increment t FIRST (the first step uses t = 1, so 1 - beta**t is never "
            "0), then m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t) and "
            "w <- w - lr * m_hat / (sqrt(v_hat) + eps); m and v both start biased towards 0, so "
            "without BOTH corrections the first steps have the wrong size (about 3 times too "
            "large with neither, 10 times too small with only v's)",
        },
    )


# ------------------------------------------------------------------------------ schedules, Newton


def _schedule_case(name: str, note: str, **args: object) -> Case:
    return Case(name, dict(args), note)


def _schedules() -> Part:
    return Part(
        "test_schedules",
        "Learning-rate schedules",
        ("step_decay", "cosine_schedule"),
        4,
        "a4_schedule",
        (
            Check("match", "step_decay", label="step_decay(lr0, epoch, drop=, every=)", **TOL),
            Check("match", "cosine", label="cosine_schedule(lr0, step, total_steps)", **TOL),
        ),
        public_cases=lambda: [
            _schedule_case(
                "halving",
                "drop 0.5 every 5; cosine to 0 over 20 steps",
                lr0=0.1,
                steps=np.arange(0, 21),
                drop=0.5,
                every=5,
                total_steps=20,
            ),
        ],
        hidden_cases=lambda: [
            _schedule_case(
                "h_lr_min",
                "drop 0.1 every 3; cosine down to lr_min = 0.001",
                lr0=0.5,
                steps=np.arange(0, 31, 2),
                drop=0.1,
                every=3,
                total_steps=30,
                lr_min=0.001,
            ),
            _schedule_case(
                "h_one",
                "every epoch",
                lr0=1.0,
                steps=np.array([0, 1, 2, 7]),
                drop=0.9,
                every=1,
                total_steps=7,
                lr_min=0.2,
            ),
        ],
        hints={
            "step_decay": "lr0 * drop ** (epoch // every): integer division, starting at epoch 0",
            "cosine": "lr_min + (lr0 - lr_min) * (1 + cos(pi * step / total_steps)) / 2",
        },
    )


def _newton_case(name: str, seed: int, D: int, kappa: float, note: str, steps: int) -> Case:
    rng = _rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((D, D)))
    eig = np.geomspace(1.0, kappa, D)
    A = Q @ np.diag(eig) @ Q.T
    A = 0.5 * (A + A.T)
    return Case(
        name,
        {
            "A": A,
            "b": rng.standard_normal(D),
            "w": rng.standard_normal(D) * 2.0,
            "lr": 1.5 / kappa,
            "num_steps": steps,
        },
        note,
    )


def _newton() -> Part:
    return Part(
        "test_newton",
        "Newton's step and gradient descent on a quadratic",
        ("newton_step", "gradient_descent_quadratic"),
        4,
        "a4_newton",
        (
            Check("match", "newton", label="newton_step(w, grad, hessian)", rtol=1e-7, atol=1e-9),
            Check(
                "match",
                "gd",
                label="gradient_descent_quadratic(...) trajectory",
                rtol=1e-7,
                atol=1e-9,
            ),
        ),
        public_cases=lambda: [
            _newton_case("bowl_2d", 481, 2, 20.0, "2-D bowl, kappa = 20", 6),
            _newton_case("bowl_4d", 482, 4, 50.0, "4-D bowl, kappa = 50", 5),
        ],
        hidden_cases=lambda: [
            _newton_case("h_3d", 1481, 3, 5.0, "3-D, kappa = 5", 8),
            _newton_case("h_6d", 1482, 6, 100.0, "6-D, kappa = 100", 4),
        ],
        hints={
            "newton": "solve hessian @ d = grad (np.linalg.solve) and return w - d",
            "gd": "row 0 is w0 itself; num_steps steps give num_steps + 1 rows",
        },
    )


# ------------------------------------------------------------------------------ minibatches


def _batch_case(
    name: str, seed: int, N: int, batch_size: int, note: str, shuffle: bool | None = None
) -> Case:
    rng = _rng(seed)
    X = np.column_stack([np.arange(N, dtype=np.float64), rng.standard_normal((N, 2))])
    args: dict[str, object] = {
        "X": X,
        "y": rng.integers(0, 1000, size=N),
        "batch_size": batch_size,
        "seed": -1 if shuffle is False else seed,
    }
    if shuffle is not None:
        args["shuffle"] = shuffle
    return Case(name, args, note)


def _minibatches() -> Part:
    return Part(
        "test_minibatches",
        "Minibatches",
        ("iterate_minibatches",),
        7,
        "a4_minibatch",
        (
            Check("true", "each_once", label="every sample exactly once per epoch"),
            Check(
                "true",
                "sizes_ok",
                label="batches of batch_size rows, the last one shorter when N % batch_size > 0",
            ),
            Check("true", "aligned", label="each y_batch holds the labels of its X_batch's rows"),
            Check(
                "true",
                "order_ok",
                label="shuffled (the same order for the same seed, another for another seed); "
                "in order 0..N-1 when shuffle=False",
            ),
        ),
        public_cases=lambda: [
            _batch_case("short_last", 491, 23, 5, "N = 23, batch_size = 5 (shuffled)"),
            _batch_case("exact", 492, 24, 6, "N = 24, batch_size = 6, shuffle=True", True),
            _batch_case("in_order", 493, 10, 4, "shuffle=False, rng=None", False),
        ],
        hidden_cases=lambda: [
            _batch_case("h_one_batch", 1491, 9, 16, "batch_size > N: one batch"),
            _batch_case("h_sgd", 1492, 12, 1, "batch_size = 1 (stochastic)"),
            _batch_case("h_big", 1493, 101, 10, "N = 101, batch_size = 10"),
            _batch_case("h_order", 1494, 7, 3, "shuffle=False", False),
        ],
        hints={
            "each_once": "loop start = 0, B, 2B, ... while start < N and take "
            "order[start:start + B]: the last short batch must be kept and no sample repeated",
            "sizes_ok": "ceil(N / batch_size) batches; only the last one may be shorter",
        },
    )


# ------------------------------------------------------------------------------ the capstone

# Measured with the notebook's recipe and seeds (accuracy on the validation / held-out test
# split of the inverted digits; 20 epochs of batches of 32 from np.random.default_rng(0)):
#   6 ReLU layers of 64 units, He init, momentum 0.9, lr 0.05:        0.88 / 0.93
#   the same with Adam, lr 1e-3:                                      0.89 / 0.93
#   the same net with small_normal (std 0.01) weights, momentum:      0.09 / 0.08
#   the same net with small_normal weights, Adam lr 1e-3:             0.42 / 0.43
#   a linear softmax classifier (momentum, Adam, or SGD 40 epochs):   <= 0.24 / <= 0.28
# The thresholds (0.82 validation, 0.85 test) leave the fixed network a margin of 0.06 and are
# far out of reach of a linear model (whatever its training: it cannot rank both polarities)
# and of the badly initialised deep net. tests/judging/test_probes_a4.py re-measures both.
DEEP_VAL, DEEP_TEST, DEEP_FLOOR = 0.82, 0.85, 0.5


def _deep_digits() -> Part:
    return Part(
        "test_deep_digits",
        "A deep network for the inverted digits",
        ("deep_params",),
        9,
        "a4_deep_model",
        (
            Check(
                "true",
                "deep_enough",
                label="deep_params is a ReLU network of at least 6 weight matrices, "
                "64 inputs -> ... -> 10 scores (W1, b1, ..., WL, bL)",
            ),
            Check(
                "at_least",
                "accuracy_val",
                threshold=DEEP_VAL,
                floor=DEEP_FLOOR,
                label="validation accuracy of deep_params",
            ),
            Check(
                "at_least",
                "accuracy_test",
                threshold=DEEP_TEST,
                floor=DEEP_FLOOR,
                label="held-out test accuracy of deep_params",
            ),
        ),
        public_cases=lambda: [
            Case(
                "validation",
                {"split": "val"},
                "the validation split",
                ("deep_enough", "accuracy_val"),
            ),
        ],
        hidden_cases=lambda: [
            Case(
                "test", {"split": "test"}, "a held-out test split", ("deep_enough", "accuracy_test")
            ),
        ],
        options={"variable": "deep_params"},
        hints={
            "accuracy_val": "weights that are too small (small_normal_init) make the signal vanish "
            "through 6 layers: use a fan-scaled initialiser (He, std sqrt(2 / fan_in), is made "
            "for ReLU); then Adam (lr ~ 1e-3) or momentum, minibatches, 20 epochs or so, "
            "trained on X_train only",
        },
    )


PARTS = (
    _initializers(),
    _layer_statistics(),
    _two_layer(),
    _stack_jacobian(),
    _clip(),
    _residual(),
    _layernorm(),
    _sgd_momentum(),
    _rmsprop(),
    _adam(),
    _schedules(),
    _newton(),
    _minibatches(),
    _deep_digits(),
)

SPEC = AssignmentSpec(
    name="a4_training_deep_nets",
    parts=PARTS,
    reference_module="solutions.a4_training_deep_nets",
    manual_parts={"written_he_variance": 5, "written_newton_minibatch": 5},
)
