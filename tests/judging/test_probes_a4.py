"""a4 grading in-process (no Jupyter): the reference earns full marks on every part, public and
hidden; an untouched release earns nothing; each common mistake of the issue costs points on its
own part only, with a message that names the likely cause; the statistical checks of the
initialisers almost never fail a correct initialiser; the capstone's thresholds are out of reach
of a linear model and of a badly initialised deep network (both trained and measured here).

Every expected score below is predicted by hand from the bug (which checks of which public case
it must break), never copied from a run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import solutions.a4_training_deep_nets as reference
from autograder.judging.probes import measure_record, run_probe
from autograder.judging.probes.a4 import INIT_TARGETS, init_statistics
from autograder.judging.spec import AssignmentSpec
from autograder.student.datasets_a4 import load_inverted_digits
from autograder.student.grader import Grader
from tests.grading_support import (
    MUTATED,
    assert_bug_costs_its_part_only,
    assert_hidden_cases_differ,
    assert_reference_full_marks,
    assert_reported_all_passed,
)

ASSIGNMENT = "a4_training_deep_nets"
ACT = {  # (g, g'), written here for the planted bugs
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
    "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
}
DEEP = [64, 64, 64, 64, 64, 64, 10]


# ------------------------------------------------------------------------------ a small trainer


def relu_net_loss(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> tuple:
    """Softmax cross-entropy of a ReLU net and its gradients (written independently here)."""
    L = len(params) // 2
    acts, pres = [X], []
    for k in range(1, L + 1):
        z = acts[-1] @ params[f"W{k}"] + params[f"b{k}"]
        pres.append(z)
        acts.append(np.maximum(z, 0.0) if k < L else z)
    logits = acts[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    N = X.shape[0]
    loss = -float(logp[np.arange(N), y].mean())
    delta = np.exp(logp)
    delta[np.arange(N), y] -= 1.0
    delta /= N
    grads = {}
    for k in range(L, 0, -1):
        if k < L:
            delta = delta * (pres[k - 1] > 0)
        grads[f"W{k}"] = acts[k - 1].T @ delta
        grads[f"b{k}"] = delta.sum(axis=0)
        delta = delta @ params[f"W{k}"].T
    return loss, grads


def train_relu_net(
    sizes: list[int], init: Callable[..., np.ndarray], optimizer: str, lr: float, epochs: int
) -> dict[str, np.ndarray]:
    """The notebook's recipe: weights from ``init`` then zero biases, batches of 32, rng seed 0."""
    data = load_inverted_digits()
    rng = np.random.default_rng(0)
    params: dict[str, np.ndarray] = {}
    for k, (a, b) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{k}"] = init(a, b, rng)
        params[f"b{k}"] = np.zeros(b)
    opt = reference.Optimizer.from_name(optimizer, lr=lr)
    for _ in range(epochs):
        for xb, yb in reference.iterate_minibatches(data["X_train"], data["y_train"], 32, rng):
            with np.errstate(all="ignore"):
                _, grads = relu_net_loss(params, xb, yb)
            params = opt.step(params, grads)
    return params


@pytest.fixture(scope="module")
def deep_params() -> dict[str, np.ndarray]:
    """The capstone trained as the notebook does it: He init, momentum 0.9, lr 0.05, 20 epochs."""
    return train_relu_net(DEEP, reference.he_normal_init, "momentum", 0.05, 20)


@pytest.fixture
def namespace(deep_params: dict[str, np.ndarray]) -> dict[str, Any]:
    ns: dict[str, Any] = {name: getattr(reference, name) for name in reference.__all__}
    ns["deep_params"] = deep_params
    return ns


def _scores(grader: Grader, spec: AssignmentSpec, ns: dict[str, Any]) -> dict[str, float]:
    return {p.id: grader.check(p.id, ns) for p in spec.parts}


# ------------------------------------------------------------------------------ the reference


def test_spec_totals_100_points_with_the_written_answers(spec: AssignmentSpec) -> None:
    assert spec.total_points == 100
    assert sum(p.points for p in spec.parts) == 90
    assert set(spec.manual_parts) == {"written_he_variance", "written_newton_minibatch"}


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


def test_untouched_release_scores_nothing(
    grader: Grader, spec: AssignmentSpec, capfd: pytest.CaptureFixture[str]
) -> None:
    def todo(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError()

    ns: dict[str, Any] = {f: todo for p in spec.parts for f in p.functions}
    ns["deep_params"] = None  # the release's training cell leaves it at None
    scores = _scores(grader, spec, ns)
    assert scores == {p.id: 0.0 for p in spec.parts}
    assert "NotImplementedError" in capfd.readouterr().out


def test_hidden_cases_differ_from_public_ones(spec: AssignmentSpec) -> None:
    assert_hidden_cases_differ(spec)


def test_every_keyword_parameter_is_passed_by_some_case(spec: AssignmentSpec) -> None:
    """Each graded function's keyword parameters appear in some public or hidden case (that one
    gets a non-default value is the coverage rule of ``autograder validate``, tested in
    tests/instructor/test_coverage.py)."""
    seen: dict[str, set[str]] = {}
    for part in spec.parts:
        keys = set()
        for case in part.public_cases() + part.hidden_cases():
            keys |= set(case.args)
        seen[part.id] = keys
    want = {
        "test_initializers": {"std", "dtype"},
        "test_layer_statistics": {"b1", "dout", "return_activations"},
        "test_train_two_layer": {"activation"},
        "test_stack_jacobian": {"b1"},
        "test_clip_grad_norm": {"error_if_nonfinite"},
        "test_residual": {"activation"},
        "test_layernorm": {"eps"},
        "test_sgd_momentum_nesterov": {"momentum", "weight_decay"},
        "test_rmsprop": {"alpha", "eps", "weight_decay"},
        "test_adam": {"beta1", "beta2", "eps", "weight_decay"},
        "test_schedules": {"lr_min"},
        "test_minibatches": {"shuffle"},
    }
    for part_id, keys in want.items():
        assert keys <= seen[part_id], (part_id, keys - seen[part_id])
    # and not only at their default values
    init = spec.part("test_initializers")
    assert any(c.args.get("std", 0.01) != 0.01 for c in init.public_cases())
    assert any(c.args.get("dtype") == "float32" for c in init.public_cases())
    adam = spec.part("test_adam").public_cases()
    assert any(
        c.args.get("beta1", 0.9) != 0.9 and c.args.get("beta2", 0.999) != 0.999 for c in adam
    )


# ------------------------------------------------------------------------------ statistics


@pytest.mark.parametrize("name", sorted(INIT_TARGETS))
def test_statistical_checks_pass_correct_initialisers_for_many_seeds(name: str) -> None:
    """200 seeds per initialiser: with 6-sigma tolerances a correct initialiser never fails.

    (Each check fails with probability about 2e-9 per draw; 200 * 7 * 3 draws here.)
    """
    kind, var_fn = INIT_TARGETS[name]
    fn = getattr(reference, name)
    fi, fo = 120, 90
    var = var_fn(fi, fo, 0.01)
    for seed in range(200):
        W = fn(fi, fo, np.random.default_rng(seed))
        stats = init_statistics(W, kind, var)
        assert stats["variance_ok"] and stats["mean_ok"] and stats["distribution_ok"], seed


def test_statistical_checks_reject_a_variance_off_by_a_fifth() -> None:
    """The tolerance on the variance (6 * sqrt(2 / n) = 0.039 for n = 48000) catches 20%."""
    rng = np.random.default_rng(0)
    W = np.sqrt(1.2 * 2.0 / 200) * rng.standard_normal((200, 240))
    assert not init_statistics(W, "normal", 2.0 / 200)["variance_ok"]
    assert init_statistics(W, "normal", 1.2 * 2.0 / 200)["variance_ok"]


# ------------------------------------------------------------------------------ common mistakes


def xavier_normal_fan_in_only(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    return (np.sqrt(1.0 / fan_in) * rng.standard_normal((fan_in, fan_out))).astype(dtype)


def he_normal_lecun_variance(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    return (np.sqrt(1.0 / fan_in) * rng.standard_normal((fan_in, fan_out))).astype(dtype)


def he_uniform_lecun_variance(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    a = np.sqrt(3.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)


def xavier_uniform_drawn_normal(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    s = np.sqrt(2.0 / (fan_in + fan_out))
    return (s * rng.standard_normal((fan_in, fan_out))).astype(dtype)


def lecun_from_global_state(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    return (np.sqrt(1.0 / fan_in) * np.random.standard_normal((fan_in, fan_out))).astype(dtype)  # noqa: NPY002


def he_normal_ignoring_dtype(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    return np.sqrt(2.0 / fan_in) * rng.standard_normal((fan_in, fan_out))


def zeros_that_draw(fan_in: int, fan_out: int, rng: Any, *, dtype: Any = np.float64):
    return (0.0 * rng.standard_normal((fan_in, fan_out))).astype(dtype)


def layer_statistics_ddof1(X: np.ndarray, weights: list, activation: str, **kw: Any) -> dict:
    out = reference.layer_statistics(
        X,
        weights,
        activation,
        return_activations=True,
        **{k: v for k, v in kw.items() if k != "return_activations"},
    )
    out["std"] = np.array([h.std(ddof=1) for h in out["activations"]])
    if not kw.get("return_activations"):
        del out["activations"]
    return out


def train_two_layer_stale_w2(X, y, W1, b1, W2, b2, *, lr, steps, activation="tanh") -> tuple:
    """W2 updated before the gradient is sent back through it (dA uses the new W2)."""
    g = np.tanh if activation == "tanh" else (lambda a: np.maximum(a, 0.0))
    N = X.shape[0]
    for _ in range(steps):
        A = X @ W1 + b1
        H = g(A)
        S = H @ W2 + b2
        P = np.exp(S - S.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        P[np.arange(N), y] -= 1.0
        dS = P / N
        W2, b2 = W2 - lr * H.T @ dS, b2 - lr * dS.sum(axis=0)
        dA = (dS @ W2.T) * (1 - H**2 if activation == "tanh" else (A > 0))
        W1, b1 = W1 - lr * X.T @ dA, b1 - lr * dA.sum(axis=0)
    return W1, b1, W2, b2


def stack_jacobian_wrong_order(x, weights, activation, *, biases=None) -> tuple:
    """J <- J @ J_l: the layer Jacobians multiplied from the other side."""
    g, dg = ACT[activation]
    J, h = np.eye(x.shape[0]), x
    for k, W in enumerate(weights):
        a = h @ W + (0.0 if biases is None else biases[k])
        J = J @ (dg(a)[:, None] * W.T)
        h = g(a)
    return J, np.linalg.svd(J, compute_uv=False)


def stack_jacobian_no_mask(x, weights, activation, *, biases=None) -> tuple:
    """J <- W_l.T @ J: the activation's derivative forgotten (a linear stack's Jacobian)."""
    J = np.eye(x.shape[0])
    for W in weights:
        J = W.T @ J
    return J, np.linalg.svd(J, compute_uv=False)


def sgd_gradient_in_place(w, dw, state, *, lr, weight_decay=0.0):
    dw += weight_decay * w
    return w - lr * dw, {}


def momentum_state_in_place(w, dw, state, *, lr, momentum=0.9, weight_decay=0.0):
    v = state["velocity"]
    v *= momentum
    v += dw + weight_decay * w
    return w - lr * v, state


def adam_counting_in_the_state(
    w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0
):
    state["t"] += 1
    t = state["t"]
    g = dw + weight_decay * w
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    new_w = w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return new_w, {"m": m, "v": v, "t": t}


def clip_per_tensor(grads: dict, max_norm: float, *, error_if_nonfinite: bool = False) -> tuple:
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    if error_if_nonfinite and not np.isfinite(total):
        raise ValueError("non-finite")
    clipped = {k: g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for k, g in grads.items()}
    return clipped, total


def clip_in_place(grads: dict, max_norm: float, *, error_if_nonfinite: bool = False) -> tuple:
    clipped, total = reference.clip_grad_norm(
        grads, max_norm, error_if_nonfinite=error_if_nonfinite
    )
    for k, g in grads.items():
        g[...] = clipped[k]
    return grads, total


def residual_backward_no_identity(dout: np.ndarray, cache: tuple) -> tuple:
    dx, dw1, db1, dw2, db2 = reference.residual_backward(dout, cache)
    return dx - dout, dw1, db1, dw2, db2


def residual_backward_float64_bias(dout: np.ndarray, cache: tuple) -> tuple:
    dx, dw1, db1, dw2, _ = reference.residual_backward(dout, cache)
    db2 = np.zeros(dout.shape[1])  # float64 by default
    for row in dout:
        db2 += row
    return dx, dw1, db1, dw2, db2


def residual_backward_float64_copy(dout: np.ndarray, cache: tuple) -> tuple:
    dx_ref, dw1, db1, dw2, db2 = reference.residual_backward(dout, cache)
    dx = np.array(dout, dtype=float)  # the identity path, copied as float64
    dx += dx_ref - dout  # plus the branch's share, da @ w1.T
    return dx, dw1, db1, dw2, db2


def layernorm_forward_float64(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> tuple:
    return reference.layernorm_forward(np.asarray(x, dtype=float), gamma, beta, eps)


def layernorm_forward_batch_axis(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> tuple:
    mu = x.mean(axis=0, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=0, keepdims=True)
    r = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * r
    return xhat * gamma + beta, (xhat, r, gamma)


def layernorm_forward_eps_outside(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> tuple:
    mu = x.mean(axis=-1, keepdims=True)
    r = 1.0 / (x.std(axis=-1, keepdims=True) + eps)
    xhat = (x - mu) * r
    return xhat * gamma + beta, (xhat, r, gamma)


def layernorm_backward_any_cache(dout: np.ndarray, cache: tuple) -> tuple:
    """The correct backward formula, on whatever (xhat, r, gamma) the forward cached."""
    xhat, r, gamma = cache
    lead = tuple(range(dout.ndim - 1))
    g = dout * gamma
    dx = r * (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=lead), dout.sum(axis=lead)


def layernorm_backward_no_mean_terms(dout: np.ndarray, cache: tuple) -> tuple:
    xhat, r, gamma = cache
    lead = tuple(range(dout.ndim - 1))
    return r * dout * gamma, (dout * xhat).sum(axis=lead), dout.sum(axis=lead)


def nesterov_old_velocity(w, dw, state, *, lr, momentum=0.9, weight_decay=0.0):
    g = dw + weight_decay * w
    v = momentum * state["velocity"] + g
    return w - lr * (g + momentum * state["velocity"]), {"velocity": v}


def rmsprop_eps_inside(w, dw, state, *, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
    g = dw + weight_decay * w
    s = alpha * state["square_avg"] + (1 - alpha) * g * g
    return w - lr * g / np.sqrt(s + eps), {"square_avg": s}


def adam_without_bias_correction(
    w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0
):
    g = dw + weight_decay * w
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    return w - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": state["t"] + 1}


def adam_count_after_use(w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = dw + weight_decay * w
    t = state["t"]
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        new_w = w - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return new_w, {"m": m, "v": v, "t": t + 1}


def adam_in_place(w, dw, state, **hyper):
    new_w, new_state = reference.adam_step(w, dw, state, **hyper)
    w[...] = new_w
    return w, new_state


def step_decay_float_division(lr0, epoch, *, drop, every):
    return lr0 * drop ** (epoch / every)


def newton_wrong_sign(w, grad, hessian):
    return w + np.linalg.solve(hessian, grad)


def minibatches_drop_last(X, y, batch_size, rng, shuffle=True) -> Iterator[tuple]:
    N = X.shape[0]
    order = rng.permutation(N) if shuffle else np.arange(N)
    for start in range(0, N - batch_size + 1, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def minibatches_with_replacement(X, y, batch_size, rng, shuffle=True) -> Iterator[tuple]:
    N = X.shape[0]
    order = rng.integers(0, N, size=N) if shuffle else np.arange(N)
    for start in range(0, N, batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[idx]


def minibatches_labels_unshuffled(X, y, batch_size, rng, shuffle=True) -> Iterator[tuple]:
    N = X.shape[0]
    order = rng.permutation(N) if shuffle else np.arange(N)
    for start in range(0, N, batch_size):
        yield X[order[start : start + batch_size]], y[start : start + batch_size]


TRAJ = {"trajectory"}
MB_LOST = {"each_once", "sizes_ok", "order_ok"}

# name: ({function: replacement}, words the report must contain,
#        {public case or "*": keys of the checks it must fail}), predicted by hand from the bug.
BUGS: dict[str, tuple[dict[str, Callable[..., Any]], str, dict[str, set[str]]]] = {
    # (400, 100): 1 / 400 against 2 / 500, a ratio of 0.625; still normal, mean still ~0
    "Xavier with fan_in only": (
        {"xavier_normal_init": xavier_normal_fan_in_only},
        "not 1 / fan_in: that is LeCun's",
        {"xavier_normal": {"variance_ok"}},
    ),
    # ratio 0.5 on both He normal cases (float64 and float32)
    "He normal with 1 / fan_in": (
        {"he_normal_init": he_normal_lecun_variance},
        "He's 2 / fan_in",
        {"he_normal": {"variance_ok"}, "he_normal_f32": {"variance_ok"}},
    ),
    # a = sqrt(3 / 300) = 0.1 < sqrt(6 / 300) = 0.14: the largest |W| never reaches the bound
    "He uniform with 1 / fan_in": (
        {"he_uniform_init": he_uniform_lecun_variance},
        "a = sqrt(3 * variance)",
        {"he_uniform": {"variance_ok", "distribution_ok"}},
    ),
    # right variance, but a normal passes the bound a = sqrt(3) s in 8% of 40000 draws
    "Xavier uniform drawn from a normal": (
        {"xavier_uniform_init": xavier_uniform_drawn_normal},
        "rng.uniform(-a, a)",
        {"xavier_uniform": {"distribution_ok"}},
    ),
    "LeCun drawing from np.random": (
        {"lecun_normal_init": lecun_from_global_state},
        "never np.random",
        {"lecun_normal": {"rng_only"}},
    ),
    "He normal ignoring dtype": (
        {"he_normal_init": he_normal_ignoring_dtype},
        ".astype(dtype)",
        {"he_normal_f32": {"dtype_ok"}},
    ),
    "zeros_init drawing from the rng": (
        {"zeros_init": zeros_that_draw},
        "zeros_init must not draw",
        {"zeros": {"rng_only"}},
    ),
    "layer std with ddof=1": (
        {"layer_statistics": layer_statistics_ddof1},
        "population (ddof=0)",
        {"*": {"std"}},
    ),
    # from the first step on W1 and b1 differ, and through them all later steps; units that
    # start equal still get equal updates, and random ones stay distinct
    "W2 updated before the backward pass uses it": (
        {"train_two_layer": train_two_layer_stale_w2},
        "all from the same forward pass",
        {"*": {"W1", "b1", "W2", "b2"}},
    ),
    # square stacks give a different product, the 5-7-6-4 stack no product at all (an error)
    "stack Jacobian multiplied in the wrong order": (
        {"stack_jacobian": stack_jacobian_wrong_order},
        "multiplies on the LEFT",
        {"*": {"J", "singular_values"}},
    ),
    # about half of the ReLU derivatives are 0 and every tanh' < 1: J and its spectrum change
    "stack Jacobian without g'(a_l)": (
        {"stack_jacobian": stack_jacobian_no_mask},
        "without the factor g'(a_l)",
        {"*": {"J", "singular_values"}},
    ),
    # every tensor's own norm is above 1 in "clipped"; all below 5 in "unchanged"
    "clipping per tensor": (
        {"clip_grad_norm": clip_per_tensor},
        "GLOBAL norm",
        {"clipped": {"clipped_W1", "clipped_b1", "clipped_W2"}},
    ),
    # only the clipped case scales (the others copy or raise)
    "clipping in place": (
        {"clip_grad_norm": clip_in_place},
        "never g *= coef",
        {"clipped": {"inputs_unchanged", MUTATED}},
    ),
    "residual backward without the identity": (
        {"residual_backward": residual_backward_no_identity},
        "the identity path",
        {"*": {"dx"}, "f32": {"dx_f32"}},
    ),
    # float64 db2 from a float32 x: right values, wrong dtype (a match is of values and dtype)
    "residual backward accumulating in float64": (
        {"residual_backward": residual_backward_float64_bias},
        "a float32 x must give float32 results",
        {"f32": {"db2_f32", "dtype_kept"}},
    ),
    # dx float64 (right values): the identity-path hint on dx must not be shown
    "residual backward copying dout as float64": (
        {"residual_backward": residual_backward_float64_copy},
        "a float32 x must give float32 results",
        {"f32": {"dx_f32", "dtype_kept"}},
    ),
    # xhat is wrong, so out, dx and dgamma are; dbeta = sum(dout) does not depend on it
    "layer norm over the batch axis": (
        {
            "layernorm_forward": layernorm_forward_batch_axis,
            "layernorm_backward": layernorm_backward_any_cache,
        },
        "not each feature over the batch",
        {"*": {"out", "dx", "dgamma"}, "f32": {"out_f32", "dx_f32", "dgamma_f32"}},
    ),
    # x cast to float64: out and dx come out float64 (the reference backward returns dgamma and
    # dbeta in gamma's dtype, float32); no hint about the axis or eps for a dtype failure
    "layer norm casting x to float64": (
        {"layernorm_forward": layernorm_forward_float64},
        "a float32 x must give float32 results",
        {"f32": {"out_f32", "dx_f32", "dtype_kept"}},
    ),
    # 1 / (std + eps) for 1 / sqrt(var + eps): relative error about eps / std - eps / (2 var),
    # 3.8e-6 at var ~ 4 and eps = 1e-5 (past rtol 1e-6), 3.8e-4 at eps = 1e-3 (past the float32
    # rtol 1e-4), and large when var ~ 1e-6; dbeta = sum(dout) does not depend on it
    "layer norm with eps outside the square root": (
        {
            "layernorm_forward": layernorm_forward_eps_outside,
            "layernorm_backward": layernorm_backward_any_cache,
        },
        "eps inside the square root",
        {"*": {"out", "dx", "dgamma"}, "f32": {"out_f32", "dx_f32", "dgamma_f32"}},
    ),
    "layer-norm backward without the mean terms": (
        {"layernorm_backward": layernorm_backward_no_mean_terms},
        "through mean(x) and var(x)",
        {"*": {"dx"}, "f32": {"dx_f32"}},
    ),
    "Nesterov along the old velocity": (
        {"nesterov_step": nesterov_old_velocity},
        "the NEW velocity",
        {"nesterov": TRAJ, "nesterov_mu": TRAJ},
    ),
    # with eps = 0.1 the two differ by far; with eps = 1e-8 and |g| ~ 1 by a relative 1e-8 per
    # step, below the trajectory's rtol of 1e-7
    "RMSProp with eps inside the root": (
        {"rmsprop_step": rmsprop_eps_inside},
        "OUTSIDE the square root",
        {"large_eps": TRAJ},
    ),
    "Adam without bias correction": (
        {"adam_step": adam_without_bias_correction},
        "without BOTH corrections",
        {"*": TRAJ},
    ),
    # 1 - beta**0 = 0 on the first step: the trajectory is NaN
    "Adam's step count incremented after use": (
        {"adam_step": adam_count_after_use},
        "increment t FIRST",
        {"*": TRAJ},
    ),
    "Adam updating w in place": (
        {"adam_step": adam_in_place},
        "w passed to a step is not modified",
        {"*": {"w_unchanged"}},
    ),
    # the trajectory is right; dw changes only where weight_decay is not 0 (sgd_decay; the
    # momentum and Nesterov cases call their own steps)
    "SGD adding the weight decay into dw": (
        {"sgd_step": sgd_gradient_in_place},
        "changes the caller's gradient",
        {"sgd_decay": {"dw_unchanged"}},
    ),
    # the right trajectory from a velocity updated in the caller's dict, in both momentum cases
    "momentum updating the state in place": (
        {"momentum_step": momentum_state_in_place},
        "changes the caller's state",
        {"momentum": {"state_unchanged"}, "momentum_half": {"state_unchanged"}},
    ),
    "Adam counting steps in the caller's state": (
        {"adam_step": adam_counting_in_the_state},
        "state['t'] += 1",
        {"*": {"state_unchanged"}},
    ),
    # epochs 0..20 every 5: all but multiples of 5 differ
    "step decay with float division": (
        {"step_decay": step_decay_float_division},
        "integer division",
        {"halving": {"step_decay"}},
    ),
    "Newton's step uphill": (
        {"newton_step": newton_wrong_sign},
        "return w - d",
        {"*": {"newton"}},
    ),
    # 23 = 4 * 5 + 3 and 10 = 2 * 4 + 2 lose their short batch; 24 = 4 * 6 loses nothing
    "last short minibatch dropped": (
        {"iterate_minibatches": minibatches_drop_last},
        "the last short batch must be kept",
        {"short_last": MB_LOST, "in_order": MB_LOST},
    ),
    # N draws with replacement repeat some samples (not when shuffle=False)
    "minibatches drawn with replacement": (
        {"iterate_minibatches": minibatches_with_replacement},
        "no sample repeated",
        {"short_last": {"each_once", "order_ok"}, "exact": {"each_once", "order_ok"}},
    ),
    "labels not shuffled with their rows": (
        {"iterate_minibatches": minibatches_labels_unshuffled},
        "labels of its X_batch's rows",
        {"short_last": {"aligned"}, "exact": {"aligned"}},
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


@pytest.mark.parametrize(
    ("replaced", "fn", "wrong_causes"),
    [
        ("layernorm_forward", layernorm_forward_float64, ("over the batch", "mean(x) and var(x)")),
        ("residual_backward", residual_backward_float64_copy, ("the identity path",)),
    ],
)
def test_a_dtype_mistake_is_not_blamed_on_the_formula(
    grader: Grader,
    namespace: dict[str, Any],
    replaced: str,
    fn: Any,
    wrong_causes: tuple[str, ...],
    capfd: pytest.CaptureFixture[str],
) -> None:
    namespace[replaced] = fn
    part = "test_layernorm" if replaced.startswith("layernorm") else "test_residual"
    grader.check(part, namespace)
    grader.check(part, namespace, hidden=True)
    out = capfd.readouterr().out
    assert "a float32 x must give float32 results" in out
    for cause in wrong_causes:
        assert cause not in out, cause


# ------------------------------------------------------------------------------ the capstone


def _capstone_record(spec: AssignmentSpec, params: Any, split: str) -> dict[str, Any]:
    part = spec.part("test_deep_digits")
    args = {"split": split}
    return measure_record(part, args, run_probe({"deep_params": params}, part, args))


def test_capstone_reference_recipe_clears_both_thresholds_with_a_margin(
    spec: AssignmentSpec, deep_params: dict[str, np.ndarray]
) -> None:
    val = _capstone_record(spec, deep_params, "val")
    test = _capstone_record(spec, deep_params, "test")
    assert val["deep_enough"] and test["deep_enough"]
    assert val["accuracy_val"] >= 0.82 + 0.03
    assert test["accuracy_test"] >= 0.85 + 0.03


def test_capstone_out_of_reach_of_a_linear_model_and_a_badly_initialised_net(
    spec: AssignmentSpec,
) -> None:
    """The measured numbers of the spec's comment: below the partial-credit floor of 0.5."""
    linear = train_relu_net([64, 10], reference.zeros_init, "momentum", 0.05, 20)
    small = train_relu_net(DEEP, reference.small_normal_init, "momentum", 0.05, 20)
    small_adam = train_relu_net(DEEP, reference.small_normal_init, "adam", 1e-3, 20)
    for params in (linear, small, small_adam):
        for split in ("val", "test"):
            rec = _capstone_record(spec, params, split)
            assert rec[f"accuracy_{split}"] < 0.5, (split, rec[f"accuracy_{split}"])
    assert not _capstone_record(spec, linear, "val")["deep_enough"]


def test_capstone_measure_rejects_what_is_not_a_64_to_10_network(spec: AssignmentSpec) -> None:
    rng = np.random.default_rng(0)
    wrong_input = {"W1": rng.standard_normal((65, 10)), "b1": np.zeros(10)}
    rec = _capstone_record(spec, wrong_input, "val")
    assert rec["deep_enough"] is False and rec["accuracy_val"] == 0.0
    broken_chain = {f"W{k}": rng.standard_normal((64, 64)) for k in range(1, 7)}
    broken_chain.update({f"b{k}": np.zeros(64) for k in range(1, 7)})
    rec = _capstone_record(spec, broken_chain, "val")  # ends with 64 scores, not 10
    assert rec["deep_enough"] is False and rec["accuracy_val"] == 0.0
    rec = _capstone_record(spec, None, "val")
    assert "__error__" in rec


@pytest.mark.parametrize("forged_count", [10**9, -1, 65, 2.0])
def test_capstone_measure_refuses_a_forged_layer_count_before_any_work(
    spec: AssignmentSpec, forged_count: object
) -> None:
    """The record comes from the sandbox: a huge ``num_layers`` must not make the host loop."""
    part = spec.part("test_deep_digits")
    case = part.public_cases()[0]
    record = {"W1": np.zeros((64, 10)), "b1": np.zeros(10), "num_layers": forged_count}
    measured = measure_record(part, case.args, record)
    assert "number of layers" in measured["__error__"]
    assert measured["__status__"] == "error"


def test_a_forged_initialiser_record_is_an_error_not_a_pass(spec: AssignmentSpec) -> None:
    part = spec.part("test_initializers")
    case = part.public_cases()[2]
    forged = {"W": "looks fine", "W_same_seed": 1.0, "W_other_seed": 2.0, "next_draws": 0.0}
    rec = measure_record(part, case.args, forged)
    assert rec.get("__status__") == "error"


def test_optimizer_measure_decides_the_no_modification_checks_itself(
    spec: AssignmentSpec,
) -> None:
    """From a reference record: an altered gradient, state or state layout fails its check."""
    part = spec.part("test_sgd_momentum_nesterov")
    case = next(c for c in part.public_cases() if c.name == "momentum_half")
    ns = {name: getattr(reference, name) for name in part.functions}
    raw = run_probe(ns, part, case.args)
    good = measure_record(part, case.args, raw)
    assert good["w_unchanged"] and good["dw_unchanged"] and good["state_unchanged"]
    assert good["state_sizes_before"].tolist() == [3] * case.args["noise"].shape[0]

    bent = dict(raw, grads_after=raw["grads_after"] + 0.1 * raw["inputs_after"])
    assert measure_record(part, case.args, bent)["dw_unchanged"] is False
    stepped = raw["state_after"].copy()
    stepped[4] += 1.0
    assert (
        measure_record(part, case.args, dict(raw, state_after=stepped))["state_unchanged"] is False
    )
    grown = dict(raw, state_after=np.append(raw["state_after"], 0.0))
    grown["state_sizes_after"] = raw["state_sizes_after"].copy()
    grown["state_sizes_after"][-1] += 1
    assert measure_record(part, case.args, grown)["state_unchanged"] is False
    short = dict(raw, grads_after=raw["grads_after"][:-1])
    assert measure_record(part, case.args, short).get("__status__") == "error"
