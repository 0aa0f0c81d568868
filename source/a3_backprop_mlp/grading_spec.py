"""Grading spec of a3_backprop_mlp (instructor-only: holds the hidden cases).

Every case comes from a fixed seed, so the public cases written into the release and the hidden
cases regenerated at grading time are the same on every machine.

Kinks: inputs of ReLU-like layers are kept at least 1e-2 away from 0 and hinge margins at least
1e-3 away from 0, so finite differences are valid there; one dedicated case per kinked layer puts
exact zeros in the input and checks the values only (``relu'(0) = 0``). Large-input cases (scores
and logits in the hundreds) check the values and that NumPy raised no overflow warning; their
gradients are compared with the reference, not with finite differences. Float32 cases check the
values with float32 tolerances and that the dtype is kept.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from autograder.judging.spec import AssignmentSpec, Case, Check, Part, Tolerance
from autograder.student.datasets import load_digits_split

FloatArray = np.ndarray


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _off_zero(x: FloatArray, gap: float = 1e-2) -> FloatArray:
    """Move entries closer than ``gap`` to 0 away from it (keeps finite differences off kinks)."""
    return np.where(np.abs(x) < gap, x + np.where(x < 0, -5 * gap, 5 * gap), x)


# ------------------------------------------------------------------------------ layers

OUT_TOL: Tolerance = {"rtol": 1e-6, "atol": 1e-9}
F32_TOL: Tolerance = {"rtol": 1e-4, "atol": 1e-6}
DTYPE_CHECK = Check(
    "true", "dtype_kept", label="dtype kept (float32 in, float32 out for every returned array)"
)
NO_OVERFLOW = Check(
    "true",
    "no_overflow",
    label=(
        "no overflow warning from NumPy (never exponentiate a large positive number, "
        "not even in a branch that np.where throws away)"
    ),
)

ACTIVATION_CHECKS = (
    Check("match", "out", label="out (forward)", **OUT_TOL),
    Check("match", "dx", label="dx (backward)", **OUT_TOL),
    Check("selfgrad", "dx", against="numeric_dx", label="dx"),
    Check("match", "out_f32", label="out (forward, float32)", **F32_TOL),
    Check("match", "dx_f32", label="dx (backward, float32)", **F32_TOL),
    DTYPE_CHECK,
    NO_OVERFLOW,
)
CASE_CHECKS = {
    "normal": ("out", "dx", "selfgrad:dx"),
    "large": ("out", "dx", "no_overflow"),
    "zeros": ("out", "dx"),
    "f32": ("out_f32", "dx_f32", "dtype_kept"),
}


def _act_case(
    name: str,
    which: str,
    seed: int,
    shape: tuple[int, ...],
    note: str,
    *,
    kind: str = "normal",
    alpha: float | None = None,
    scale: float = 2.0,
) -> Case:
    """``x`` and ``dout`` for the layer ``which``: normal, large, with exact zeros, or float32."""
    rng = _rng(seed)
    if kind == "large":
        x = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(40.0, 1000.0, size=shape)
        x.flat[:2] = (-0.75, 1.5)  # and a few ordinary values
    else:
        x = _off_zero(rng.standard_normal(shape) * scale)
    if kind == "zeros":
        x.flat[::3] = 0.0
    dout = rng.standard_normal(shape)
    dtype = np.float32 if kind == "f32" else np.float64
    args: dict[str, object] = {"which": which, "x": x.astype(dtype), "dout": dout.astype(dtype)}
    if alpha is not None:
        args["alpha"] = alpha
    return Case(name, args, note, CASE_CHECKS[kind])


def _activation_part(
    part_id: str,
    title: str,
    names: tuple[str, ...],
    points: float,
    public: list[Case],
    hidden: list[Case],
    hints: dict[str, str] | None = None,
    facts: tuple[str, ...] = (),
) -> Part:
    functions = tuple(f"{n}_{step}" for n in names for step in ("forward", "backward"))
    return Part(
        part_id,
        title,
        functions,
        points,
        "a3_activation",
        ACTIVATION_CHECKS,
        public_cases=lambda: public,
        hidden_cases=lambda: hidden,
        options={"hint_facts": list(facts)},
        hints=hints or {},
    )


def _sigmoid_tanh() -> Part:
    public = [
        _act_case("sigmoid", "sigmoid", 301, (4, 5), "sigmoid, x of shape (4, 5)"),
        _act_case("tanh", "tanh", 302, (3, 6), "tanh, x of shape (3, 6)"),
        _act_case("sigmoid_large", "sigmoid", 303, (3, 4), "sigmoid, |x| up to 1000", kind="large"),
        _act_case("tanh_large", "tanh", 304, (2, 5), "tanh, |x| up to 1000", kind="large"),
        _act_case("sigmoid_f32", "sigmoid", 305, (3, 4), "sigmoid, float32", kind="f32"),
    ]
    hidden = [
        _act_case("h_sigmoid_3d", "sigmoid", 1301, (2, 3, 4), "sigmoid, a 3-D input"),
        _act_case("h_tanh_1d", "tanh", 1302, (7,), "tanh, a 1-D input"),
        _act_case(
            "h_sigmoid_large", "sigmoid", 1303, (5, 3), "sigmoid, |x| up to 1000", kind="large"
        ),
        _act_case("h_tanh_large", "tanh", 1304, (4, 4), "tanh, |x| up to 1000", kind="large"),
        _act_case("h_sigmoid_f32", "sigmoid", 1305, (3, 5), "sigmoid, float32", kind="f32"),
        _act_case("h_tanh_f32", "tanh", 1306, (6, 2), "tanh, float32", kind="f32"),
        _act_case(
            "h_sigmoid_zero", "sigmoid", 1307, (3, 3), "sigmoid, exact zeros in x", kind="zeros"
        ),
    ]
    return _activation_part(
        "test_sigmoid_tanh",
        "Sigmoid and tanh",
        ("sigmoid", "tanh"),
        6,
        public,
        hidden,
        facts=("exp",),
        hints={
            "out:nonfinite": "NaN or infinity for inputs of large size means an exponential "
            "overflowed: "
            "for the sigmoid exponentiate only -|x| (1 / (1 + e) for x >= 0, e / (1 + e) for "
            "x < 0); for tanh call np.tanh"
        },
    )


RELU_HINT = (
    "ReLU has a kink at 0 where its derivative is taken to be 0 (leaky ReLU's: alpha): build the "
    "mask with x > 0, not x >= 0, so that relu'(0) = 0"
)


def _relu_leaky() -> Part:
    public = [
        _act_case("relu", "relu", 311, (4, 5), "ReLU, x of shape (4, 5)"),
        _act_case("leaky_relu", "leaky_relu", 312, (3, 6), "leaky ReLU, default alpha = 0.01"),
        _act_case(
            "leaky_relu_alpha", "leaky_relu", 313, (5, 3), "leaky ReLU, alpha = 0.2", alpha=0.2
        ),
        _act_case(
            "relu_at_zero",
            "relu",
            314,
            (3, 4),
            "exact zeros in x: relu'(0) must be 0",
            kind="zeros",
        ),
        _act_case(
            "leaky_relu_at_zero",
            "leaky_relu",
            315,
            (2, 6),
            "exact zeros in x: the slope at 0 is alpha",
            kind="zeros",
            alpha=0.1,
        ),
        _act_case("relu_f32", "relu", 316, (4, 3), "ReLU, float32", kind="f32"),
    ]
    hidden = [
        _act_case("h_relu_3d", "relu", 1311, (2, 2, 5), "ReLU, a 3-D input"),
        _act_case(
            "h_leaky_alpha", "leaky_relu", 1312, (6, 3), "leaky ReLU, alpha = 0.3", alpha=0.3
        ),
        _act_case(
            "h_relu_zero",
            "relu",
            1313,
            (5, 3),
            "exact zeros in x: relu'(0) must be 0",
            kind="zeros",
        ),
        _act_case(
            "h_leaky_zero",
            "leaky_relu",
            1314,
            (4, 4),
            "exact zeros in x: the slope at 0 is alpha",
            kind="zeros",
        ),
        _act_case("h_relu_f32", "relu", 1315, (3, 7), "ReLU, float32", kind="f32"),
        _act_case("h_leaky_f32", "leaky_relu", 1316, (5, 2), "leaky ReLU, float32", kind="f32"),
    ]
    return _activation_part(
        "test_relu_leaky_relu",
        "ReLU and leaky ReLU",
        ("relu", "leaky_relu"),
        6,
        public,
        hidden,
        hints={"dx": RELU_HINT},
    )


def _smooth() -> Part:
    public = [
        _act_case("elu", "elu", 321, (4, 5), "ELU, default alpha = 1"),
        _act_case("gelu", "gelu", 322, (3, 6), "GELU (exact, with the normal CDF)"),
        _act_case("silu", "silu", 323, (5, 3), "SiLU / swish"),
        _act_case("elu_large", "elu", 324, (3, 4), "ELU, |x| up to 1000", kind="large"),
        _act_case("silu_large", "silu", 325, (3, 4), "SiLU, |x| up to 1000", kind="large"),
        _act_case("gelu_f32", "gelu", 326, (3, 5), "GELU, float32", kind="f32"),
    ]
    hidden = [
        _act_case("h_elu_alpha", "elu", 1321, (4, 3), "ELU, alpha = 0.5", alpha=0.5),
        _act_case(
            "h_elu_zero",
            "elu",
            1320,
            (3, 4),
            "exact zeros in x, alpha = 0.5: the slope at 0 is 1 (x > 0 branch only for x > 0)",
            kind="zeros",
            alpha=0.5,
        ),
        _act_case("h_gelu_3d", "gelu", 1322, (2, 3, 3), "GELU, a 3-D input", scale=3.0),
        _act_case("h_silu_1d", "silu", 1323, (9,), "SiLU, a 1-D input", scale=3.0),
        _act_case("h_gelu_large", "gelu", 1324, (4, 3), "GELU, |x| up to 1000", kind="large"),
        _act_case("h_elu_large", "elu", 1325, (5, 2), "ELU, |x| up to 1000", kind="large"),
        _act_case("h_silu_large", "silu", 1326, (2, 6), "SiLU, |x| up to 1000", kind="large"),
        _act_case("h_elu_f32", "elu", 1327, (3, 5), "ELU, float32", kind="f32"),
        _act_case("h_gelu_f32", "gelu", 1328, (4, 4), "GELU, float32", kind="f32"),
        _act_case("h_silu_f32", "silu", 1329, (6, 2), "SiLU, float32", kind="f32"),
    ]
    return _activation_part(
        "test_elu_gelu_silu",
        "ELU, GELU and SiLU",
        ("elu", "gelu", "silu"),
        6,
        public,
        hidden,
        facts=("exp",),
        hints={
            "out": "exponentiate only non-positive numbers: np.expm1(np.minimum(x, 0)) for ELU, "
            "exp(-|x|) for the sigmoid inside SiLU; GELU is x * normal_cdf(x), exactly"
        },
    )


def _softmax() -> Part:
    public = [
        _act_case("small", "softmax", 331, (4, 3), "x of shape (4, 3)"),
        _act_case("three_d", "softmax", 332, (2, 3, 4), "x of shape (2, 3, 4): over the last axis"),
        _act_case("large", "softmax", 333, (3, 4), "scores up to 1000 in size", kind="large"),
        _act_case("f32", "softmax", 334, (2, 5), "float32", kind="f32"),
    ]
    hidden = [
        _act_case("h_wide", "softmax", 1331, (2, 10), "ten classes", scale=3.0),
        _act_case("h_one_row", "softmax", 1332, (1, 5), "a single sample"),
        _act_case("h_large", "softmax", 1333, (4, 3), "scores up to 1000 in size", kind="large"),
        _act_case("h_f32", "softmax", 1334, (3, 6), "float32", kind="f32"),
    ]
    return _activation_part(
        "test_softmax",
        "Softmax layer",
        ("softmax",),
        6,
        public,
        hidden,
        facts=("exp", "softmax"),
        hints={
            "dx": "the backward pass of softmax is p * (dout - sum(dout * p)) along the class "
            "axis: every output depends on every input through the normaliser"
        },
    )


# ------------------------------------------------------------------------------ affine


def _affine_case(
    name: str, seed: int, x_shape: tuple[int, ...], M: int, note: str, *, f32: bool = False
) -> Case:
    rng = _rng(seed)
    D = int(np.prod(x_shape[1:]))
    dtype = np.float32 if f32 else np.float64
    args = {
        "x": rng.standard_normal(x_shape).astype(dtype),
        "w": (rng.standard_normal((D, M)) * 0.5).astype(dtype),
        "b": rng.standard_normal(M).astype(dtype),
        "dout": rng.standard_normal((x_shape[0], M)).astype(dtype),
    }
    return Case(name, args, note, ("f32",) if f32 else None)


def _affine_public() -> list[Case]:
    return [
        _affine_case("flat", 341, (3, 4), 5, "x of shape (3, 4), M = 5"),
        _affine_case("images", 342, (4, 2, 3), 5, "x of shape (4, 2, 3): flattened to D = 6"),
        _affine_case("f32", 343, (3, 2, 2), 3, "float32", f32=True),
    ]


def _affine_hidden() -> list[Case]:
    return [
        _affine_case("h_4d", 1341, (2, 3, 2, 2), 3, "a 4-D input"),
        _affine_case("h_one", 1342, (1, 7), 4, "a single sample"),
        _affine_case("h_wide", 1343, (6, 5), 1, "one output unit"),
        _affine_case("h_f32", 1344, (5, 2, 2), 3, "float32", f32=True),
    ]


def _restricted(cases: list[Case], normal: tuple[str, ...], f32: tuple[str, ...]) -> list[Case]:
    """The cases with their checks: ``f32`` for the float32 case, ``normal`` for the others."""
    return [Case(c.name, c.args, c.note, f32 if c.checks else normal) for c in cases]


AFFINE_FORWARD_KEYS = (("out",), ("out_f32", "dtype_kept"))
AFFINE_BACKWARD_KEYS = (
    ("dx", "dw", "db", "selfgrad:dx", "selfgrad:dw", "selfgrad:db"),
    ("dx_f32", "dw_f32", "db_f32", "dtype_kept"),
)


def _affine_forward_part() -> Part:
    return Part(
        "test_affine_forward",
        "Affine layer: forward",
        ("affine_forward",),
        4,
        "a3_affine",
        (
            Check("match", "out", label="out", **OUT_TOL),
            Check("match", "out_f32", label="out (float32)", **F32_TOL),
            DTYPE_CHECK,
        ),
        public_cases=lambda: _restricted(_affine_public(), *AFFINE_FORWARD_KEYS),
        hidden_cases=lambda: _restricted(_affine_hidden(), *AFFINE_FORWARD_KEYS),
        options={"backward": False},
        hints={"out": "flatten each sample first: x.reshape(N, -1) @ w + b, with N = x.shape[0]"},
    )


def _affine_backward_part() -> Part:
    grad_checks = []
    for key in ("dx", "dw", "db"):
        grad_checks += [
            Check("match", key, label=key, rtol=1e-6, atol=1e-9),
            Check("selfgrad", key, against=f"numeric_{key}", label=key),
            Check("match", f"{key}_f32", label=f"{key} (float32)", **F32_TOL),
        ]
    return Part(
        "test_affine_backward",
        "Affine layer: backward",
        ("affine_forward", "affine_backward"),
        8,
        "a3_affine",
        (*grad_checks, DTYPE_CHECK),
        public_cases=lambda: _restricted(_affine_public(), *AFFINE_BACKWARD_KEYS),
        hidden_cases=lambda: _restricted(_affine_hidden(), *AFFINE_BACKWARD_KEYS),
        hints={
            "dx": "dx must have the shape of the ORIGINAL x, e.g. (N, d1, d2): compute "
            "dout @ w.T and reshape it back with .reshape(x.shape)",
            "db": "each bias b_j is added to the output of EVERY sample, so its gradient sums "
            "dout over the batch axis: db = dout.sum(axis=0), of shape (M,)",
            "dw": "dw = X.T @ dout with X = x.reshape(N, -1), of shape (D, M)",
        },
    )


# ------------------------------------------------------------------------------ Jacobians

JAC_TOL: Tolerance = {"rtol": 1e-7, "atol": 1e-10}


def _affine_jacobian_case(name: str, seed: int, D: int, M: int) -> Case:
    rng = _rng(seed)
    args = {
        "x": rng.standard_normal(D),
        "w": rng.standard_normal((D, M)),
        "dout": rng.standard_normal(M),
    }
    return Case(name, args, f"one sample, D = {D} inputs, M = {M} outputs")


def _affine_jacobians() -> Part:
    return Part(
        "test_affine_jacobians",
        "Jacobians of the affine layer",
        ("affine_jacobian_input", "affine_jacobian_weights"),
        6,
        "a3_jacobian",
        (
            Check("match", "J_x", label="affine_jacobian_input(w)", **JAC_TOL),
            Check(
                "match", "vjp_x", label="J_x.T @ dout (must equal affine_backward's dx)", **JAC_TOL
            ),
            Check("match", "J_w", label="affine_jacobian_weights(x, M)", **JAC_TOL),
            Check(
                "match",
                "vjp_w",
                label="(J_w.T @ dout).reshape(D, M) (must equal affine_backward's dw)",
                **JAC_TOL,
            ),
        ),
        public_cases=lambda: [
            _affine_jacobian_case("tiny", 351, 3, 2),
            _affine_jacobian_case("small", 352, 4, 3),
        ],
        hidden_cases=lambda: [
            _affine_jacobian_case("h_a", 1351, 5, 4),
            _affine_jacobian_case("h_b", 1352, 2, 6),
            _affine_jacobian_case("h_c", 1353, 1, 3),
            _f32(_affine_jacobian_case("h_f32", 1354, 3, 2), ("J_x", "J_w")),
        ],
        options={"kind": "affine"},
        hints={
            "J_x": "y_i = sum_j x_j w[j, i] + b_i, so dy_i/dx_j = w[j, i]: row i of J is "
            "column i of w",
            "J_w": "with w flattened row by row (entry (k, l) at position k * M + l), "
            "dy_i/dw[k, l] = x_k when l == i and 0 otherwise",
        },
    )


def _f32(case: Case, checks: tuple[str, ...]) -> Case:
    """The case with its float arrays in float32: the Jacobian must keep that dtype."""
    args = {
        k: v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype.kind == "f" else v
        for k, v in case.args.items()
    }
    return Case(case.name, args, case.note + ", float32: J keeps the dtype", checks)


def _elementwise_case(name: str, seed: int, activation: str, D: int) -> Case:
    rng = _rng(seed)
    args = {
        "x": _off_zero(rng.standard_normal(D) * 2.0),
        "activation": activation,
        "dout": rng.standard_normal(D),
    }
    return Case(name, args, f"{activation}, D = {D}")


def _elementwise_jacobian() -> Part:
    return Part(
        "test_elementwise_jacobian",
        "Jacobian of an elementwise activation",
        ("elementwise_jacobian",),
        3,
        "a3_jacobian",
        (
            Check("match", "J", label="elementwise_jacobian(x, activation)", **JAC_TOL),
            Check(
                "match", "vjp", label="J.T @ dout (must equal the activation's backward)", **JAC_TOL
            ),
        ),
        public_cases=lambda: [
            _elementwise_case("sigmoid", 361, "sigmoid", 5),
            _elementwise_case("relu", 362, "relu", 6),
            _elementwise_case("gelu", 363, "gelu", 4),
        ],
        hidden_cases=lambda: [
            _elementwise_case("h_tanh", 1361, "tanh", 7),
            _elementwise_case("h_leaky", 1362, "leaky_relu", 5),
            _elementwise_case("h_elu", 1363, "elu", 6),
            _elementwise_case("h_silu", 1364, "silu", 3),
            _f32(_elementwise_case("h_f32", 1365, "tanh", 4), ("J",)),
        ],
        options={"kind": "elementwise"},
        hints={"J": "output i depends on input i only: J is diagonal, with f'(x_i) at [i, i]"},
    )


def _softmax_jacobian_case(name: str, seed: int, C: int, scale: float, note: str) -> Case:
    rng = _rng(seed)
    s = rng.standard_normal(C) * scale
    p = np.exp(s - s.max())
    p /= p.sum()
    return Case(name, {"p": p, "dout": rng.standard_normal(C)}, note)


SOFTMAX_JACOBIAN_HINT = (
    "every probability depends on every score through the normaliser: dp_i/ds_j = "
    "p_i (1[i == j] - p_j), i.e. J = diag(p) - outer(p, p); the outer product is missing if "
    "only the diagonal is right"
)


def _softmax_jacobian() -> Part:
    return Part(
        "test_softmax_jacobian",
        "Jacobian of softmax",
        ("softmax_jacobian",),
        4,
        "a3_jacobian",
        (
            Check("match", "J", label="softmax_jacobian(p)", **JAC_TOL),
            Check("match", "vjp", label="J.T @ dout (must equal softmax_backward's dx)", **JAC_TOL),
        ),
        public_cases=lambda: [
            _softmax_jacobian_case("three", 371, 3, 1.0, "3 classes"),
            _softmax_jacobian_case("five", 372, 5, 2.0, "5 classes"),
        ],
        hidden_cases=lambda: [
            _softmax_jacobian_case("h_four", 1371, 4, 1.0, "4 classes"),
            _softmax_jacobian_case("h_peaked", 1372, 8, 6.0, "8 classes, a confident p"),
            _softmax_jacobian_case("h_two", 1373, 2, 0.5, "2 classes"),
            _f32(_softmax_jacobian_case("h_f32", 1374, 4, 1.0, "4 classes"), ("J",)),
        ],
        options={"kind": "softmax"},
        hints={"J": SOFTMAX_JACOBIAN_HINT, "vjp": SOFTMAX_JACOBIAN_HINT},
    )


# ------------------------------------------------------------------------------ losses


def _loss_checks(grad: str) -> tuple[Check, ...]:
    return (
        Check("match", "loss", rtol=1e-6, atol=1e-9),
        Check("match", grad, rtol=1e-5, atol=1e-8),
        Check("selfgrad", grad, against=f"numeric_{grad}", label=grad),
    )


def _loss_part(
    name: str,
    title: str,
    points: float,
    grad: str,
    wrt: str,
    public: list[Case],
    hidden: list[Case],
    hints: dict[str, str] | None = None,
    facts: tuple[str, ...] = (),
) -> Part:
    return Part(
        f"test_{name}",
        title,
        (name,),
        points,
        "loss_grad",
        _loss_checks(grad),
        public_cases=lambda: public,
        hidden_cases=lambda: hidden,
        options={"outputs": ["loss", grad], "wrt": wrt, "hint_facts": list(facts)},
        hints=hints or {},
    )


def _mse_case(name: str, seed: int, shape: tuple[int, ...], note: str, f32: bool = False) -> Case:
    rng = _rng(seed)
    dtype = np.float32 if f32 else np.float64
    pred = rng.standard_normal(shape).astype(dtype)
    target = rng.standard_normal(shape).astype(dtype)
    return Case(name, {"pred": pred, "target": target}, note, ("loss", "dpred") if f32 else None)


def _mse() -> Part:
    return _loss_part(
        "mse_loss",
        "Mean squared error",
        3,
        "dpred",
        "pred",
        [
            _mse_case("multi_output", 381, (4, 3), "N = 4 samples, 3 outputs each"),
            _mse_case("one_output", 382, (6, 1), "N = 6 samples, 1 output each"),
        ],
        [
            _mse_case("h_a", 1381, (7, 2), "N = 7, 2 outputs"),
            _mse_case("h_b", 1382, (1, 5), "a single sample"),
            _mse_case("h_f32", 1383, (5, 3), "float32", f32=True),
        ],
        hints={
            "loss": "mse_loss is the mean over ALL entries (pred.size of them), with no 1/2",
            "dpred": "the gradient of mean((pred - target)**2) is 2 * (pred - target) / pred.size",
        },
        facts=("square", "mean_entries"),
    )


def _bce_case(name: str, seed: int, shape: tuple[int, ...], note: str, *, kind: str) -> Case:
    rng = _rng(seed)
    if kind == "large":
        logits = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(40.0, 900.0, size=shape)
        targets = (rng.random(shape) < 0.5).astype(np.float64)
        targets.flat[0] = 1.0 if logits.flat[0] < 0 else 0.0  # at least one confident mistake
    else:
        logits = rng.standard_normal(shape) * 2.0
        if kind == "soft":
            targets = rng.uniform(0.0, 1.0, size=shape)
        else:
            targets = (rng.random(shape) < 0.5).astype(np.float64)
    if kind == "f32":
        args = {"logits": logits.astype(np.float32), "targets": targets.astype(np.float32)}
        return Case(name, args, note, ("loss", "dlogits"))
    return Case(name, {"logits": logits, "targets": targets}, note)


BCE_HINT = (
    "an infinite or NaN loss for logits of large size: sigmoid(z) rounds to exactly 0 or "
    "1 there and log(0) = -inf. Compute the loss from the logits, "
    "max(z, 0) - z * t + log1p(exp(-|z|)), never from the probabilities"
)


def _bce() -> Part:
    return _loss_part(
        "bce_with_logits_loss",
        "Binary cross-entropy with logits",
        5,
        "dlogits",
        "logits",
        [
            _bce_case("hard_labels", 391, (4, 3), "0/1 targets, 3 labels per sample", kind="hard"),
            _bce_case("soft_targets", 392, (5, 2), "targets in [0, 1]", kind="soft"),
            _bce_case("large_logits", 393, (2, 4), "logits up to 900 in size", kind="large"),
        ],
        [
            _bce_case("h_multilabel", 1391, (8, 5), "multilabel, 5 labels", kind="hard"),
            _bce_case("h_binary", 1392, (9,), "binary: logits of shape (N,)", kind="hard"),
            _bce_case("h_large", 1393, (3, 3), "logits up to 900 in size", kind="large"),
            _bce_case("h_soft", 1394, (2, 6), "targets in [0, 1]", kind="soft"),
            _bce_case("h_f32", 1395, (4, 3), "float32", kind="f32"),
        ],
        hints={"loss:nonfinite": BCE_HINT},
        facts=("mean_entries", "exp"),
    )


def _labelled_scores(
    seed: int, N: int, C: int, *, scale: float = 1.0, hinge: bool = False, f32: bool = False
) -> dict[str, object]:
    """``scores`` (N, C) and labels ``y``; hinge margins kept at least 1e-3 from 0."""
    rng = _rng(seed)
    while True:
        scores = rng.standard_normal((N, C)) * scale
        y = rng.integers(0, C, size=N)
        margins = scores - scores[np.arange(N), y][:, None] + 1.0
        margins[np.arange(N), y] = 1.0
        if not hinge or np.abs(margins).min() >= 1e-3:
            dtype = np.float32 if f32 else np.float64
            return {"scores": scores.astype(dtype), "y": y}


def _softmax_ce() -> Part:
    return _loss_part(
        "softmax_cross_entropy_loss",
        "Softmax cross-entropy",
        4,
        "dscores",
        "scores",
        [
            Case("small", _labelled_scores(401, 5, 3), "N = 5, C = 3"),
            Case("large", _labelled_scores(402, 4, 3, scale=400.0), "scores in the hundreds"),
        ],
        [
            Case("h_ten", _labelled_scores(1401, 7, 10, scale=2.0), "N = 7, C = 10"),
            Case("h_one", _labelled_scores(1402, 1, 4), "a single sample"),
            Case("h_large", _labelled_scores(1403, 6, 5, scale=900.0), "scores near 1000"),
            Case("h_f32", _labelled_scores(1404, 6, 4, f32=True), "float32", ("loss", "dscores")),
        ],
        hints={
            "loss": "use log-sum-exp with the row maximum subtracted: "
            "log(sum(exp(s))) = m + log(sum(exp(s - m)))",
        },
        facts=("mean_samples", "exp", "softmax"),
    )


def _lecture_scores() -> dict[str, object]:
    """The lecture's cat/car/frog scores, one image per row."""
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    return {"scores": scores, "y": np.array([0, 1, 2])}


def _hinge_kink() -> dict[str, object]:
    """Margins of exactly 0 (gradient 0 there): row 0 with delta = 1, row 1 with delta = 0.5."""
    scores = np.array([[3.0, 2.0, -1.0], [1.0, 2.5, 1.5]])
    return {"scores": scores, "y": np.array([0, 2]), "delta": 0.5}


def _hinge_delta(seed: int, N: int, C: int, delta: float) -> dict[str, object]:
    """Scores whose margins with this ``delta`` keep at least 1e-3 from 0."""
    rng = _rng(seed)
    while True:
        scores = rng.standard_normal((N, C)) * 1.5
        y = rng.integers(0, C, size=N)
        margins = scores - scores[np.arange(N), y][:, None] + delta
        margins[np.arange(N), y] = 1.0
        if np.abs(margins).min() >= 1e-3:
            return {"scores": scores, "y": y, "delta": delta}


def _hinge() -> Part:
    return _loss_part(
        "hinge_loss",
        "Multiclass hinge loss",
        4,
        "dscores",
        "scores",
        [
            Case("lecture", _lecture_scores(), "cat/car/frog scores of the lecture"),
            Case("random", _labelled_scores(411, 6, 4, scale=1.5, hinge=True), "N = 6, C = 4"),
            Case("delta", _hinge_delta(412, 5, 4, 2.0), "delta = 2.0 (not the default 1.0)"),
            Case(
                "kink",
                _hinge_kink(),
                "margins of exactly 0: their gradient is 0 (delta = 0.5)",
                ("loss", "dscores"),
            ),
        ],
        [
            Case("h_a", _labelled_scores(1411, 9, 5, scale=1.5, hinge=True), "N = 9, C = 5"),
            Case("h_b", _labelled_scores(1412, 3, 2, hinge=True), "two classes"),
            Case("h_c", _labelled_scores(1413, 12, 7, scale=0.5, hinge=True), "small scores"),
            Case("h_delta", _hinge_delta(1414, 7, 3, 0.3), "delta = 0.3"),
            Case(
                "h_f32",
                _labelled_scores(1415, 5, 4, hinge=True, f32=True),
                "float32",
                ("loss", "dscores"),
            ),
        ],
        facts=("mean_samples",),
    )


# ------------------------------------------------------------------------------ the network

MAX_LAYERS = 4
PARAM_KEYS = tuple(f"{p}{layer}" for layer in range(1, MAX_LAYERS + 1) for p in ("W", "b"))
_SQRT_HALF = 1.0 / math.sqrt(2.0)
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _np_activation(name: str, z: FloatArray) -> FloatArray:
    """The hidden activations in plain NumPy (to keep the cases' kinks and margins apart)."""
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if name == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))
    if name == "gelu":
        return z * 0.5 * _erfc(-z * _SQRT_HALF)
    if name == "silu":
        return z / (1.0 + np.exp(-z))
    raise ValueError(name)


def _mlp_case(
    name: str,
    seed: int,
    sizes: list[int],
    activation: str,
    loss: str,
    reg: float,
    N: int,
    note: str,
    *,
    init: bool = False,
    weight_scale: float | None = None,
) -> Case:
    """Random parameters (non-zero biases), inputs and targets away from kinks.

    With ``init``, the initial parameters made by ``__init__`` are compared too (drawn layer by
    layer with ``rng.standard_normal``, as the notebook says; ``weight_scale`` when given).
    """
    rng = _rng(seed)
    L = len(sizes) - 1
    while True:
        params = {}
        for layer, (fan_in, fan_out) in enumerate(pairwise(sizes), start=1):
            params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out)) * 1.2 / np.sqrt(fan_in)
            params[f"b{layer}"] = rng.standard_normal(fan_out) * 0.5
        X = rng.standard_normal((N, sizes[0]))
        C = sizes[-1]
        y: FloatArray
        if loss in ("softmax", "hinge"):
            y = rng.integers(0, C, size=N)
        elif loss == "mse":
            y = rng.standard_normal((N, C))
        else:
            y = (rng.random((N, C)) < 0.5).astype(np.float64)
        h, gaps = X, []
        for layer in range(1, L + 1):
            z = h @ params[f"W{layer}"] + params[f"b{layer}"]
            if layer < L:
                gaps.append(np.abs(z).min())
                h = _np_activation(activation, z)
        if loss == "hinge":
            margins = z - z[np.arange(N), y][:, None] + 1.0
            margins[np.arange(N), y] = 1.0
            gaps.append(np.abs(margins).min())
        if min(gaps, default=1.0) >= 1e-3:
            break
    keys = [k for k in PARAM_KEYS if k in params]
    args: dict[str, object] = {
        "layer_sizes": np.array(sizes, dtype=np.int64),
        "activation": activation,
        "loss": loss,
        "reg": reg,
        "seed": seed,
        "X": X,
        "y": y,
        **params,
    }
    if weight_scale is not None:
        args["weight_scale"] = weight_scale
    checks = (
        *((f"init_{k}" for k in keys) if init else ()),
        "params_ok",
        "loss",
        "scores",
        *(f"d{k}" for k in keys),
        *(f"selfgrad:proj_{k}" for k in keys),
    )
    return Case(name, args, note, checks)


def _mlp() -> Part:
    checks = [
        Check(
            "true",
            "params_ok",
            label="params made by __init__: keys W1, b1, ..., WL, bL with W_l of shape "
            "(d_{l-1}, d_l) and b_l of shape (d_l,)",
        ),
        Check("match", "loss", rtol=1e-6, atol=1e-9, label="loss"),
        Check("match", "scores", rtol=1e-6, atol=1e-9, label="forward(X)"),
    ]
    checks += [
        Check("match", f"d{k}", rtol=1e-5, atol=1e-8, label=f"grads['{k}']") for k in PARAM_KEYS
    ]
    checks += [
        Check(
            "match",
            f"init_{k}",
            rtol=1e-9,
            atol=1e-12,
            label=f"initial params['{k}'] (std weight_scale, else He / Xavier; zero biases)",
            weight=1 / len(PARAM_KEYS),  # together, one check: the initialisation
        )
        for k in PARAM_KEYS
    ]
    checks += [
        Check(
            "selfgrad",
            f"proj_{k}",
            against=f"numdir_{k}",
            label=f"grads['{k}'] along 3 random directions",
        )
        for k in PARAM_KEYS
    ]
    return Part(
        "test_mlp",
        "The multilayer perceptron",
        ("MLP",),
        15,
        "a3_mlp",
        tuple(checks),
        options={"passes": {"rng": "np.random.default_rng(seed), seed from the case"}},
        public_cases=lambda: [
            _mlp_case(
                "relu_softmax",
                421,
                [5, 7, 3],
                "relu",
                "softmax",
                0.0,
                6,
                "5-7-3, ReLU, softmax cross-entropy; He initialisation",
                init=True,
            ),
            _mlp_case(
                "tanh_deep_reg",
                422,
                [4, 6, 5, 3],
                "tanh",
                "softmax",
                0.1,
                5,
                "4-6-5-3, tanh, softmax cross-entropy, reg = 0.1; Xavier initialisation",
                init=True,
            ),
            _mlp_case(
                "sigmoid_mse",
                423,
                [3, 5, 2],
                "sigmoid",
                "mse",
                0.05,
                4,
                "3-5-2, sigmoid, mean squared error, reg = 0.05; weight_scale = 0.3",
                init=True,
                weight_scale=0.3,
            ),
        ],
        hidden_cases=lambda: [
            _mlp_case(
                "h_linear",
                1421,
                [6, 4],
                "relu",
                "softmax",
                0.2,
                7,
                "no hidden layer (6-4), reg = 0.2",
            ),
            _mlp_case(
                "h_leaky_hinge",
                1422,
                [4, 5, 4, 3, 3],
                "leaky_relu",
                "hinge",
                0.0,
                6,
                "four layers, leaky ReLU, hinge loss; weight_scale = 0.05",
                init=True,
                weight_scale=0.05,
            ),
            _mlp_case(
                "h_gelu_bce",
                1423,
                [3, 8, 4],
                "gelu",
                "bce",
                0.01,
                5,
                "GELU, binary cross-entropy (multilabel), reg = 0.01",
            ),
            _mlp_case(
                "h_elu",
                1424,
                [5, 6, 6, 4],
                "elu",
                "softmax",
                0.05,
                8,
                "ELU, three layers, reg = 0.05",
            ),
            _mlp_case(
                "h_silu_mse", 1425, [2, 10, 1], "silu", "mse", 0.0, 9, "SiLU, one regression output"
            ),
            _mlp_case(
                "h_relu_deep",
                1426,
                [6, 8, 8, 8, 5],
                "relu",
                "softmax",
                0.02,
                7,
                "four layers, ReLU, reg = 0.02",
            ),
        ],
        hints={
            "loss": "the loss is the mean data loss plus 0.5 * reg * the sum of the squared "
            "entries of every weight matrix W_l (never the biases)",
            "scores": "forward(X) returns the raw scores of the last affine layer: no "
            "activation and no softmax after it",
        },
    )


# ------------------------------------------------------------------------------ trained models


def _xor_cases(hidden: bool) -> list[Case]:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    if hidden:
        order = np.array([3, 1, 0, 2])
        X = X[order]
        return [
            Case(
                "h_shuffled",
                {"X": X, "y": np.logical_xor(X[:, 0], X[:, 1]).astype(np.int64)},
                "the four points in another order",
            )
        ]
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(np.int64)
    return [Case("four_points", {"X": X, "y": y}, "the four XOR points")]


# Above every linear softmax classifier measured on this split (over 100 settings of lr, reg,
# epochs and momentum: at best 0.947 on validation and 0.980 held out); the reference MLP's
# search reaches 0.957 and 0.9925 (3 images above each bar).
DIGITS_VAL_THRESHOLD = 0.95
DIGITS_TEST_THRESHOLD = 0.985


def _sigmoid_gradient_case(
    name: str, seed: int, shape: tuple[int, ...], note: str, *, kind: str
) -> Case:
    """Logits and targets for ``sigmoid_output_gradients``; float32 cases use ``_f32`` checks."""
    rng = _rng(seed)
    if kind == "saturated":  # confident successes and confident mistakes, |z| from 8 to 700
        z = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(8.0, 700.0, size=shape)
        t = (rng.random(shape) < 0.5).astype(np.float64)
        t.flat[0] = 1.0 if z.flat[0] < 0 else 0.0  # at least one confident mistake
    else:
        z = rng.standard_normal(shape) * 3.0
        t = (
            rng.uniform(0.0, 1.0, size=shape)
            if kind == "soft"
            else ((rng.random(shape) < 0.5).astype(np.float64))
        )
    if kind == "f32":
        keys: tuple[str, ...] | None = ("d_mse_f32", "d_bce_f32", "dtype_d_mse", "dtype_d_bce")
        return Case(name, {"z": z.astype(np.float32), "t": t.astype(np.float32)}, note, keys)
    keys = ("d_mse", "d_bce", "dtype_d_mse", "dtype_d_bce")
    return Case(name, {"z": z, "t": t}, note, keys)


def _sigmoid_output_gradients() -> Part:
    """MSE vs cross-entropy through a sigmoid: both gradients with respect to the logits."""
    return Part(
        "test_sigmoid_output_gradients",
        "Gradients through a sigmoid: MSE vs cross-entropy",
        ("sigmoid_output_gradients",),
        4,
        "a3_sigmoid_gradients",
        (
            Check("match", "d_mse", rtol=1e-6, atol=1e-12, label="d_mse (MSE through sigmoid)"),
            Check("match", "d_bce", rtol=1e-6, atol=1e-12, label="d_bce (BCE on the logits)"),
            Check("match", "d_mse_f32", rtol=1e-4, atol=1e-7, label="d_mse in float32"),
            Check("match", "d_bce_f32", rtol=1e-4, atol=1e-7, label="d_bce in float32"),
            Check("equal", "dtype_d_mse", label="dtype of d_mse (the dtype of z)"),
            Check("equal", "dtype_d_bce", label="dtype of d_bce (the dtype of z)"),
        ),
        public_cases=lambda: [
            _sigmoid_gradient_case(
                "mixed", 451, (4, 3), "logits of size ~3, 0/1 targets", kind="hard"
            ),
            _sigmoid_gradient_case(
                "saturated",
                452,
                (2, 4),
                "|z| from 8 to 700: confident mistakes and successes",
                kind="saturated",
            ),
            _sigmoid_gradient_case(
                "float32", 453, (3, 2), "float32 logits and targets", kind="f32"
            ),
        ],
        hidden_cases=lambda: [
            _sigmoid_gradient_case("h_soft", 1451, (7,), "soft targets, shape (N,)", kind="soft"),
            _sigmoid_gradient_case("h_sat", 1452, (3, 3), "saturated logits", kind="saturated"),
            _sigmoid_gradient_case("h_3d", 1453, (2, 3, 2), "a 3-D array", kind="hard"),
            _sigmoid_gradient_case("h_f32", 1454, (5, 2), "float32", kind="f32"),
        ],
        hints={
            "d_mse": (
                "d/dz mean((sigmoid(z) - t)**2) = 2 (p - t) p (1 - p) / z.size: chain mse_loss's "
                "gradient through sigmoid_backward"
            ),
            "d_bce": "the BCE gradient on logits is (sigmoid(z) - t) / z.size",
        },
    )


def _tiny_batch_cases(hidden: bool) -> list[Case]:
    """The first 20 training digits, as the notebook's ``X_tiny, y_tiny`` (reversed if hidden)."""
    data = load_digits_split()
    X, y = data["X_train"][:20], data["y_train"][:20]
    if hidden:
        return [
            Case(
                "h_reversed",
                {"X": X[::-1].copy(), "y": y[::-1].copy()},
                "the 20 images in another order",
            )
        ]
    return [Case("tiny_batch", {"X": X, "y": y}, "the 20 images of X_tiny")]


def _tiny_batch() -> Part:
    """Overfitting a tiny batch: the sanity check before a search."""
    return Part(
        "test_tiny_batch",
        "Sanity check: overfit a tiny batch",
        ("tiny_model",),
        2,
        "a3_model_accuracy",
        (
            Check(
                "at_least",
                "accuracy",
                threshold=1.0,
                floor=0.5,
                label="training accuracy of tiny_model on its 20 images",
            ),
            Check(
                "true",
                "has_hidden_layer",
                label="tiny_model is an MLP with a hidden layer (params W1 and W2 at least)",
            ),
        ),
        public_cases=lambda: _tiny_batch_cases(False),
        hidden_cases=lambda: _tiny_batch_cases(True),
        options={"variable": "tiny_model"},
    )


PARTS = (
    _affine_forward_part(),
    _affine_backward_part(),
    _affine_jacobians(),
    _sigmoid_tanh(),
    _relu_leaky(),
    _smooth(),
    _elementwise_jacobian(),
    _softmax(),
    _softmax_jacobian(),
    _mse(),
    _bce(),
    _softmax_ce(),
    _hinge(),
    _sigmoid_output_gradients(),
    _mlp(),
    Part(
        "test_xor",
        "XOR with one hidden layer",
        ("xor_model",),
        4,
        "a3_model_accuracy",
        (
            Check(
                "at_least",
                "accuracy",
                threshold=1.0,
                floor=0.5,
                label="accuracy of xor_model on the XOR points",
            ),
        ),
        public_cases=lambda: _xor_cases(False),
        hidden_cases=lambda: _xor_cases(True),
        options={"variable": "xor_model"},
    ),
    _tiny_batch(),
    Part(
        "test_digits_mlp",
        "An MLP for digits",
        ("digits_model",),
        8,
        "a3_model_accuracy",
        (
            Check(
                "at_least",
                "accuracy_val",
                threshold=DIGITS_VAL_THRESHOLD,
                floor=0.85,
                label="validation accuracy of digits_model",
            ),
            Check(
                "at_least",
                "accuracy_test",
                threshold=DIGITS_TEST_THRESHOLD,
                floor=0.85,
                label="held-out test accuracy of digits_model",
            ),
            Check(
                "true",
                "has_hidden_layer",
                label=(
                    "digits_model is an MLP with a hidden layer (params W1 and W2 at least): "
                    "a linear classifier is assignment 1's answer, not this part's"
                ),
            ),
        ),
        public_cases=lambda: [
            Case(
                "validation",
                {"split": "val"},
                "the validation split",
                ("accuracy_val", "has_hidden_layer"),
            )
        ],
        hidden_cases=lambda: [
            Case(
                "test",
                {"split": "test"},
                "a held-out test split",
                ("accuracy_test", "has_hidden_layer"),
            )
        ],
        options={"variable": "digits_model"},
    ),
)

SPEC = AssignmentSpec(
    name="a3_backprop_mlp",
    parts=PARTS,
    reference_module="solutions.a3_backprop_mlp",
    manual_parts={"written_dead_relu": 4, "written_output_layers": 4},
)
