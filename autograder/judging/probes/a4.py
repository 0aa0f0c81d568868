"""Probes and trusted-side measures of assignment a4 (initialisation, gradient flow, optimisers).

Every probe only calls the student's functions on the case's inputs and records what they
returned. Everything scored beyond a plain comparison with the reference (sample statistics of an
initialiser's draws, whether a minibatch epoch covers every sample once, the accuracy of the
capstone network on held-out data, whether an input was modified) is computed by the matching
measure, on the trusted side, from those raw values and the trusted copy of the case's inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.judging.probes.core import register, register_measure, student_function, unpack
from autograder.judging.probes.relu_mlp import chained_layers, layer_keys, relu_mlp_scores
from autograder.judging.records import NotPlainDataError, Record, to_plain
from autograder.judging.spec import Part
from autograder.student.datasets_a4 import load_inverted_digits

# ------------------------------------------------------------------------------ initialisers

# name -> (distribution, variance as a function of (fan_in, fan_out, std)); trusted table
INIT_TARGETS: dict[str, tuple[str, Any]] = {
    "zeros_init": ("zeros", lambda fi, fo, s: 0.0),
    "small_normal_init": ("normal", lambda fi, fo, s: s * s),
    "xavier_uniform_init": ("uniform", lambda fi, fo, s: 2.0 / (fi + fo)),
    "xavier_normal_init": ("normal", lambda fi, fo, s: 2.0 / (fi + fo)),
    "he_normal_init": ("normal", lambda fi, fo, s: 2.0 / fi),
    "he_uniform_init": ("uniform", lambda fi, fo, s: 2.0 / fi),
    "lecun_normal_init": ("normal", lambda fi, fo, s: 1.0 / fi),
}
HEAD = 256  # entries of the repeated draws recorded (the records must stay well under 16 MB)
F32_SUFFIX = "_f32"  # record keys of a float32 case (residual, layer norm)
SIGMAS = 6.0  # statistical tolerances: 6 standard errors of the statistic (two-sided p ~ 2e-9)


@register("a4_init")
def probe_init(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Three draws of the initialiser ``args["name"]``: seed, the same seed again, seed + 1.

    Case args: ``name``, ``fan_in``, ``fan_out``, ``seed`` and optionally ``std`` and ``dtype``
    (a dtype name), passed as keywords. Records ``W``, ``W_same_seed``, ``W_other_seed`` and
    ``next_draws``: four ``rng.random()`` values drawn from the first generator after the call
    (what the initialiser left of the stream). Of the second and third arrays only the first
    ``HEAD`` entries (in C order) are recorded.
    """
    name = str(args["name"])
    fn = student_function(namespace, name)
    fi, fo, seed = int(args["fan_in"]), int(args["fan_out"]), int(args["seed"])
    kwargs: dict[str, Any] = {}
    if "std" in args:
        kwargs["std"] = float(args["std"])
    if "dtype" in args:
        kwargs["dtype"] = np.dtype(str(args["dtype"]))
    rng = np.random.default_rng(seed)
    rec: Record = {"W": to_plain(fn(fi, fo, rng, **kwargs), f"the array returned by {name}")}
    rec["next_draws"] = rng.random(4)
    for key, s in (("W_same_seed", seed), ("W_other_seed", seed + 1)):
        again = to_plain(fn(fi, fo, np.random.default_rng(s), **kwargs), f"what {name} returned")
        rec[key] = np.ravel(again)[:HEAD]  # enough to compare, small enough to export
    return rec


def _array(record: Record, key: str) -> np.ndarray:
    value = record.get(key)
    if not isinstance(value, np.ndarray):
        raise NotPlainDataError(f"'{key}' is not an array ({type(value).__name__})")
    return value


def init_statistics(W: np.ndarray, kind: str, var: float) -> dict[str, Any]:
    """Sample statistics of ``W`` against its target distribution, with 6-sigma tolerances.

    For ``n`` independent zero-mean draws of variance ``s2``: the sample mean has standard error
    ``sqrt(s2 / n)``; the mean square ``mean(W**2)`` has standard error
    ``s2 * sqrt((kurtosis - 1) / n)``, i.e. ``s2 * sqrt(2 / n)`` for a normal (kurtosis 3) and
    ``s2 * sqrt(0.8 / n)`` for a uniform (kurtosis 9/5); the normal's bound is used for both.
    The sample kurtosis of a normal has standard error ``sqrt(24 / n)``. A uniform ``U(-a, a)``
    stays inside ``[-a, a]`` and its largest ``|W|`` falls below ``a (1 - 20 / n)`` with
    probability ``(1 - 20 / n)**n < e**-20``.
    """
    w = W.astype(np.float64).ravel()
    n = w.size
    if kind == "zeros":
        zero = bool(np.all(w == 0))
        return {
            "variance_ok": zero,
            "mean_ok": zero,
            "distribution_ok": zero,
            "variance_ratio": 0.0,
        }
    m2 = float(np.mean(w * w))
    ratio = m2 / var
    stats: dict[str, Any] = {
        "variance_ratio": ratio,
        "variance_ok": bool(abs(ratio - 1.0) <= SIGMAS * np.sqrt(2.0 / n)),
        "mean_ok": bool(abs(float(np.mean(w))) <= SIGMAS * np.sqrt(var / n)),
    }
    if kind == "uniform":
        a = np.sqrt(3.0 * var)
        top = float(np.max(np.abs(w)))
        stats["distribution_ok"] = bool(top <= a * (1 + 1e-6) and top >= a * (1 - 20.0 / n))
    else:
        kurt = float(np.mean(w**4)) / (m2 * m2) if m2 > 0 else 0.0
        stats["distribution_ok"] = bool(abs(kurt - 3.0) <= SIGMAS * np.sqrt(24.0 / n))
    return stats


@register_measure("a4_init")
def measure_init(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Shape, dtype, reproducibility and the sample statistics of the draws (trusted side).

    Adds ``shape_ok``, ``dtype_ok``, ``rng_only`` (the same seed gives the same array, another
    seed another one; ``zeros_init`` returns zeros and leaves the generator untouched),
    ``variance_ok``, ``mean_ok``, ``distribution_ok`` (uniform bounds or normal kurtosis) and
    ``variance_ratio`` (sample variance / target).
    """
    name = str(args["name"])
    kind, var_fn = INIT_TARGETS[name]
    fi, fo = int(args["fan_in"]), int(args["fan_out"])
    var = float(var_fn(fi, fo, float(args.get("std", 0.01))))
    W, W2, W3 = (_array(record, k) for k in ("W", "W_same_seed", "W_other_seed"))
    draws = _array(record, "next_draws")
    want_dtype = np.dtype(str(args.get("dtype", "float64")))
    head = min(HEAD, fi * fo)
    shape_ok = W.shape == (fi, fo) and W2.shape == W3.shape == (head,)
    record["shape_ok"] = shape_ok
    record["dtype_ok"] = all(a.dtype == want_dtype for a in (W, W2, W3))
    same = shape_ok and bool(np.array_equal(W.ravel()[:head], W2))
    if kind == "zeros":
        fresh = np.random.default_rng(int(args["seed"])).random(4)
        record["rng_only"] = same and draws.shape == (4,) and bool(np.array_equal(draws, fresh))
    else:
        record["rng_only"] = same and not bool(np.array_equal(W.ravel()[:head], W3))
    if shape_ok and np.all(np.isfinite(W)):
        record.update(init_statistics(W, kind, var))
    else:
        record.update(variance_ok=False, mean_ok=False, distribution_ok=False, variance_ratio=-1.0)
    return record


# ------------------------------------------------------------------------------ plain calls


def _stack_args(args: Mapping[str, Any]) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
    L = int(args["num_layers"])
    weights = [args[f"W{k}"] for k in range(1, L + 1)]
    biases = [args[f"b{k}"] for k in range(1, L + 1)] if "b1" in args else None
    return weights, biases


@register("a4_layer_statistics")
def probe_layer_statistics(
    namespace: Mapping[str, Any], part: Part, args: dict[str, Any]
) -> Record:
    """``layer_statistics(X, weights, activation, biases=, dout=, return_activations=)``.

    Case args: ``X``, ``num_layers``, ``W1``... (and ``b1``... for biases), ``activation``,
    optionally ``dout`` and ``return_activations``. Records the returned ``mean``, ``std``,
    ``grad_norm``, ``input_grad_norm`` and, when asked, ``activations`` stacked (L, N, D).
    """
    fn = student_function(namespace, "layer_statistics")
    weights, biases = _stack_args(args)
    kwargs: dict[str, Any] = {}
    if biases is not None:
        kwargs["biases"] = biases
    if "dout" in args:
        kwargs["dout"] = args["dout"]
    if "return_activations" in args:
        kwargs["return_activations"] = bool(args["return_activations"])
    out = fn(args["X"], weights, str(args["activation"]), **kwargs)
    if not isinstance(out, Mapping):
        raise NotPlainDataError(
            f"layer_statistics returned a {type(out).__name__}, expected a dict"
        )
    rec: Record = {}
    for key in ("mean", "std", "grad_norm", "input_grad_norm"):
        if key in out:
            rec[key] = to_plain(out[key], f"result[{key!r}] of layer_statistics")
    if kwargs.get("return_activations") and "activations" in out:
        rec["activations"] = to_plain(
            [np.asarray(h) for h in out["activations"]], "result['activations']"
        )
    return rec


@register("a4_stack_jacobian")
def probe_stack_jacobian(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``stack_jacobian(x, weights, activation[, biases=])``.

    Case args: ``x`` (D_0,), ``num_layers``, ``W1``... (and ``b1``... for biases),
    ``activation``. Records the returned ``J`` and ``singular_values``.
    """
    fn = student_function(namespace, "stack_jacobian")
    weights, biases = _stack_args(args)
    kwargs: dict[str, Any] = {} if biases is None else {"biases": biases}
    out = fn(args["x"], weights, str(args["activation"]), **kwargs)
    return unpack(out, ("J", "singular_values"), "stack_jacobian")


TWO_LAYER = ("W1", "b1", "W2", "b2")


@register("a4_two_layer")
def probe_two_layer(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``train_two_layer(X, y, W1, b1, W2, b2, lr=, steps=[, activation=])``.

    Records the four trained parameters it returns.
    """
    fn = student_function(namespace, "train_two_layer")
    kwargs: dict[str, Any] = {"lr": float(args["lr"]), "steps": int(args["steps"])}
    if "activation" in args:
        kwargs["activation"] = str(args["activation"])
    out = fn(args["X"], args["y"], *(args[k] for k in TWO_LAYER), **kwargs)
    return unpack(out, TWO_LAYER, "train_two_layer")


def _units_equal(W_in: np.ndarray, b: np.ndarray, W_out: np.ndarray) -> bool:
    """Whether every hidden unit has the same incoming weights, bias and outgoing weights."""
    scale = 1.0 + max(float(np.max(np.abs(a))) for a in (W_in, b, W_out))
    spread = max(
        float(np.max(np.ptp(W_in, axis=1))), float(np.ptp(b)), float(np.max(np.ptp(W_out, axis=0)))
    )
    return spread <= 1e-9 * scale  # a BLAS may sum the columns in different orders


@register_measure("a4_two_layer")
def measure_two_layer(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Adds ``symmetry_kept``: the trained hidden units are all equal exactly when they were
    all equal at the start (trusted copy of the initial parameters)."""
    W1, b1, W2 = (_array(record, k) for k in ("W1", "b1", "W2"))
    if W1.shape != args["W1"].shape or b1.shape != args["b1"].shape or W2.shape != args["W2"].shape:
        record["symmetry_kept"] = False
        return record
    started_equal = _units_equal(args["W1"], args["b1"], args["W2"])
    finite = all(np.all(np.isfinite(a)) for a in (W1, b1, W2))
    record["symmetry_kept"] = finite and _units_equal(W1, b1, W2) == started_equal
    return record


CLIP_NAMES = ("W1", "b1", "W2")


@register("a4_clip")
def probe_clip(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``clip_grad_norm(grads, max_norm[, error_if_nonfinite])`` on ``grads = {W1, b1, W2}``.

    Records ``clipped_W1``, ``clipped_b1``, ``clipped_W2``, ``total_norm``, the gradients as
    they are after the call (``after_W1``...) and, when the case passes
    ``error_if_nonfinite=True``, ``raised`` (whether a ``ValueError`` came out: only non-finite
    gradients should raise). Any other exception is the student's error, recorded as such.
    """
    fn = student_function(namespace, "clip_grad_norm")
    grads = {k: args[f"g_{k}"] for k in CLIP_NAMES}
    kwargs: dict[str, Any] = {}
    if "error_if_nonfinite" in args:
        kwargs["error_if_nonfinite"] = bool(args["error_if_nonfinite"])
    rec: Record = {}
    try:
        out = fn(grads, float(args["max_norm"]), **kwargs)
    except ValueError:
        if not kwargs.get("error_if_nonfinite"):
            raise
        rec["raised"] = True
        rec.update({f"after_{k}": np.array(grads[k], copy=True) for k in CLIP_NAMES})
        return rec
    rec["raised"] = False
    if not isinstance(out, tuple) or len(out) != 2 or not isinstance(out[0], Mapping):
        raise NotPlainDataError("clip_grad_norm must return (dict of clipped gradients, norm)")
    clipped = out[0]
    rec["total_norm"] = to_plain(out[1], "the total_norm returned by clip_grad_norm")
    for k in CLIP_NAMES:
        if k in clipped:
            rec[f"clipped_{k}"] = to_plain(clipped[k], f"clipped[{k!r}]")
        rec[f"after_{k}"] = np.array(grads[k], copy=True)
    return rec


@register_measure("a4_clip")
def measure_clip(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Adds ``inputs_unchanged``: every gradient passed in is equal to the trusted input."""
    record["inputs_unchanged"] = all(
        np.array_equal(_array(record, f"after_{k}"), args[f"g_{k}"], equal_nan=True)
        for k in CLIP_NAMES
    )
    return record


def _forward_backward(
    namespace: Mapping[str, Any],
    prefix: str,
    inputs: list[Any],
    kwargs: dict[str, Any],
    dout: np.ndarray,
    names: tuple[str, ...],
) -> Record:
    forward = student_function(namespace, f"{prefix}_forward")
    result = forward(*inputs, **kwargs)
    backward = student_function(namespace, f"{prefix}_backward")
    if not isinstance(result, tuple) or len(result) != 2:
        raise NotPlainDataError(f"{prefix}_forward must return the tuple (out, cache)")
    out, cache = result
    rec: Record = {"out": to_plain(out, f"the out returned by {prefix}_forward")}
    rec.update(unpack(backward(dout, cache), names, f"{prefix}_backward"))
    if np.asarray(inputs[0]).dtype == np.float32:  # checked with float32 tolerances
        rec = {f"{key}{F32_SUFFIX}": value for key, value in rec.items()}
    return rec


@register_measure("a4_residual")
@register_measure("a4_layernorm")
def measure_dtype_kept(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Adds ``dtype_kept``: every array the layer returned has ``x``'s dtype."""
    dtype = np.asarray(args["x"]).dtype
    returned = [v for k, v in record.items() if not k.startswith("__")]  # not the metadata
    record["dtype_kept"] = bool(returned) and all(
        isinstance(v, np.ndarray) and v.dtype == dtype for v in returned
    )
    return record


@register("a4_residual")
def probe_residual(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``residual_forward(x, w1, b1, w2, b2[, activation])``, then ``residual_backward``.

    Records ``out``, ``dx``, ``dw1``, ``db1``, ``dw2``, ``db2`` (each with the suffix
    ``_f32`` when ``x`` is float32).
    """
    kwargs = {"activation": str(args["activation"])} if "activation" in args else {}
    inputs = [args[k] for k in ("x", "w1", "b1", "w2", "b2")]
    names = ("dx", "dw1", "db1", "dw2", "db2")
    return _forward_backward(namespace, "residual", inputs, kwargs, args["dout"], names)


@register("a4_layernorm")
def probe_layernorm(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``layernorm_forward(x, gamma, beta[, eps])`` then ``layernorm_backward(dout, cache)``.

    Records ``out``, ``dx``, ``dgamma``, ``dbeta`` (each with the suffix ``_f32`` when ``x`` is
    float32).
    """
    kwargs = {"eps": float(args["eps"])} if "eps" in args else {}
    inputs = [args[k] for k in ("x", "gamma", "beta")]
    names = ("dx", "dgamma", "dbeta")
    return _forward_backward(namespace, "layernorm", inputs, kwargs, args["dout"], names)


# ------------------------------------------------------------------------------ optimisers

HYPER = ("lr", "momentum", "alpha", "eps", "beta1", "beta2", "weight_decay")


def _state_vector(state: Any, where: str) -> np.ndarray:
    """The numbers of an optimiser state (a dict of arrays and numbers), flattened in key order.

    Only a snapshot: whether the state changed is decided on the trusted side.
    """
    if isinstance(state, Mapping):
        parts = [_state_vector(state[k], f"{where}[{k!r}]") for k in sorted(state, key=str)]
        return np.concatenate(parts) if parts else np.zeros(0)
    value = to_plain(state, f"{where} (the state must be a dict of arrays and numbers)")
    return np.ravel(np.asarray(value, dtype=np.float64))


@register("a4_optimizer")
def probe_optimizer(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Run ``steps`` steps of ``<name>_init`` / ``<name>_step`` on a noisy quadratic.

    Case args: ``name`` (``"adam"``), ``w0`` (D,), ``A`` (D, D), ``b`` (D,), ``noise``
    (steps, D) and the hyper-parameters present among ``lr``, ``momentum``, ``alpha``, ``eps``,
    ``beta1``, ``beta2``, ``weight_decay`` (passed as keywords). The gradient at step ``k`` is
    ``A @ w_k - b + noise[k]``, computed here from the ``w_k`` the student's step returned.
    Records ``trajectory`` (steps + 1, D), ``inputs_after`` and ``grads_after`` (steps, D):
    each ``w_k`` and each gradient as they are after the step that received them, and the
    numbers of the state passed to each step just before (``state_before``) and just after
    (``state_after``) the call, concatenated over the steps, with their lengths per step
    (``state_sizes_before``, ``state_sizes_after``).
    """
    name = str(args["name"])
    init = student_function(namespace, f"{name}_init")
    step = student_function(namespace, f"{name}_step")
    A, b, noise = args["A"], args["b"], args["noise"]
    kwargs = {k: float(args[k]) for k in HYPER if k in args}
    w = np.array(args["w0"], dtype=np.float64, copy=True)
    state = init(w.copy())
    traj, after, grads = [w.copy()], [], []
    before_state: list[np.ndarray] = []
    after_state: list[np.ndarray] = []
    for k in range(noise.shape[0]):
        w_in = w.copy()
        dw = A @ w - b + noise[k]
        before_state.append(_state_vector(state, f"the state passed to {name}_step"))
        out = step(w_in, dw, state, **kwargs)
        after_state.append(_state_vector(state, f"the state passed to {name}_step"))
        if not isinstance(out, tuple) or len(out) != 2:
            raise NotPlainDataError(f"{name}_step must return the tuple (new_w, new_state)")
        new_w = to_plain(out[0], f"the new_w returned by {name}_step")
        if not isinstance(new_w, np.ndarray) or new_w.shape != w.shape:
            raise NotPlainDataError(
                f"{name}_step returned new_w of shape {np.shape(new_w)}, expected {w.shape}"
            )
        after.append(np.array(w_in, copy=True))
        grads.append(np.array(dw, copy=True))
        state = out[1]
        w = new_w.astype(np.float64)
        traj.append(w.copy())
    return {
        "trajectory": np.array(traj),
        "inputs_after": np.array(after),
        "grads_after": np.array(grads),
        "state_before": np.concatenate(before_state),
        "state_after": np.concatenate(after_state),
        "state_sizes_before": np.array([v.size for v in before_state]),
        "state_sizes_after": np.array([v.size for v in after_state]),
    }


@register_measure("a4_optimizer")
def measure_optimizer(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """The no-modification contract of a step, from the raw record and the trusted inputs.

    Adds ``w_unchanged`` (every ``w_k`` handed to a step was left as it was given),
    ``dw_unchanged`` (every gradient is, after its step, still ``A @ w_k - b + noise[k]``
    recomputed here from the trusted ``A``, ``b``, ``noise`` and the recorded ``w_k``; the
    tolerance 1e-12 only absorbs the order of a matrix-vector product's sums) and
    ``state_unchanged`` (the numbers of the state passed to each step are the same after the
    call as before it: a step returns a new state instead of updating the old one).
    """
    traj, after = _array(record, "trajectory"), _array(record, "inputs_after")
    grads = _array(record, "grads_after")
    steps = args["noise"].shape[0]
    D = args["w0"].shape[0]
    if traj.shape != (steps + 1, D) or after.shape != (steps, D) or grads.shape != (steps, D):
        raise NotPlainDataError("the recorded trajectory has the wrong shape")
    record["w_unchanged"] = bool(np.array_equal(after, traj[:-1], equal_nan=True))
    with np.errstate(all="ignore"):
        given = traj[:-1] @ np.asarray(args["A"]).T - args["b"] + args["noise"]
        record["dw_unchanged"] = bool(
            np.all(np.isfinite(given)) and np.allclose(grads, given, rtol=1e-12, atol=1e-12)
        )
    sizes = [_array(record, k) for k in ("state_sizes_before", "state_sizes_after")]
    values = [_array(record, k) for k in ("state_before", "state_after")]
    record["state_unchanged"] = bool(
        sizes[0].shape == sizes[1].shape == (steps,)
        and np.array_equal(sizes[0], sizes[1])
        and values[0].shape == values[1].shape == (int(np.sum(sizes[0])),)
        and np.array_equal(values[0], values[1], equal_nan=True)
    )
    return record


@register("a4_schedule")
def probe_schedule(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """The learning rates of ``step_decay`` and ``cosine_schedule`` at the case's steps.

    Case args: ``lr0``, ``steps`` (int array), ``drop``, ``every``, ``total_steps`` and
    optionally ``lr_min``. Records ``step_decay`` and ``cosine`` (one rate per step).
    """
    decay = student_function(namespace, "step_decay")
    cosine = student_function(namespace, "cosine_schedule")
    lr0 = float(args["lr0"])
    steps = [int(s) for s in np.asarray(args["steps"]).ravel()]
    kw = {"lr_min": float(args["lr_min"])} if "lr_min" in args else {}
    total = int(args["total_steps"])
    return {
        "step_decay": to_plain(
            [
                float(decay(lr0, s, drop=float(args["drop"]), every=int(args["every"])))
                for s in steps
            ],
            "the rates of step_decay",
        ),
        "cosine": to_plain(
            [float(cosine(lr0, s, total, **kw)) for s in steps], "the rates of cosine_schedule"
        ),
    }


@register("a4_newton")
def probe_newton(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``newton_step(w, A @ w - b, A)`` and ``gradient_descent_quadratic(A, b, w, ...)``.

    Records ``newton`` (D,) and ``gd`` (num_steps + 1, D).
    """
    newton = student_function(namespace, "newton_step")
    gd = student_function(namespace, "gradient_descent_quadratic")
    A, b, w = args["A"], args["b"], args["w"]
    return {
        "newton": to_plain(newton(w.copy(), A @ w - b, A.copy()), "the point newton_step returned"),
        "gd": to_plain(
            gd(
                A.copy(), b.copy(), w.copy(), lr=float(args["lr"]), num_steps=int(args["num_steps"])
            ),
            "the trajectory gradient_descent_quadratic returned",
        ),
    }


# ------------------------------------------------------------------------------ minibatches


@register("a4_minibatch")
def probe_minibatch(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Three epochs of ``iterate_minibatches``: seed, the same seed again, seed + 1.

    Case args: ``X`` (N, D), ``y`` (N,), ``batch_size``, ``seed`` (negative: ``rng=None``) and
    optionally ``shuffle``. Records, per run ``r`` in 0, 1, 2, the batches concatenated
    (``X_r``, ``y_r``) and their sizes (``sizes_r``).
    """
    fn = student_function(namespace, "iterate_minibatches")
    X, y = args["X"], args["y"]
    seed = int(args["seed"])
    kwargs = {"shuffle": bool(args["shuffle"])} if "shuffle" in args else {}
    rec: Record = {}
    for run, s in enumerate((seed, seed, seed + 1)):
        rng = None if seed < 0 else np.random.default_rng(s)
        xs, ys = [], []
        for batch in fn(X.copy(), y.copy(), int(args["batch_size"]), rng, **kwargs):
            if not isinstance(batch, tuple) or len(batch) != 2:
                raise NotPlainDataError("iterate_minibatches must yield (X_batch, y_batch) pairs")
            xs.append(to_plain(batch[0], "an X_batch"))
            ys.append(to_plain(batch[1], "a y_batch"))
            if len(xs) > 10 * X.shape[0]:
                raise NotPlainDataError("iterate_minibatches yields more batches than samples")
        rec[f"sizes_{run}"] = np.array([np.shape(b)[0] if np.ndim(b) else 0 for b in xs])
        rec[f"X_{run}"] = np.concatenate(xs) if xs else np.zeros((0, X.shape[1]))
        rec[f"y_{run}"] = np.concatenate(ys) if ys else np.zeros(0)
    return rec


def _order(record: Record, run: int, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, bool]:
    """Sample indices of the returned rows (-1 where a row is no row of X), rows/labels aligned."""
    Xr, yr = _array(record, f"X_{run}"), _array(record, f"y_{run}")
    if Xr.ndim != 2 or Xr.shape[1] != X.shape[1] or yr.shape != (Xr.shape[0],):
        return np.full(0, -1), False
    # X[:, 0] holds the sample's index; the other columns must match too
    idx = np.rint(Xr[:, 0]).astype(np.int64) if Xr.size else np.zeros(0, dtype=np.int64)
    valid = (idx >= 0) & (idx < X.shape[0])
    idx = np.where(valid, idx, -1)
    rows_ok = bool(np.all(valid)) and bool(np.array_equal(X[idx], Xr))
    aligned = rows_ok and bool(np.array_equal(y[idx], yr))
    return idx, aligned


@register_measure("a4_minibatch")
def measure_minibatch(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """From the returned rows: coverage, batch sizes, alignment, order (trusted side).

    Adds ``each_once`` (every sample exactly once per epoch), ``sizes_ok`` (``batch_size``-sized
    batches, only the last one shorter, ``ceil(N / batch_size)`` of them), ``aligned`` (each
    ``y_batch`` holds the labels of its ``X_batch``'s rows), ``order_ok`` (shuffled, reproducibly
    and differently for another seed, when shuffling; ``0..N-1`` in order when not).
    """
    X, y = args["X"], args["y"]
    N, B = X.shape[0], int(args["batch_size"])
    shuffle = bool(args.get("shuffle", True))
    orders, aligned = [], True
    for run in range(3):
        idx, ok = _order(record, run, X, y)
        orders.append(idx)
        aligned = aligned and ok
    record["aligned"] = aligned
    record["each_once"] = all(np.array_equal(np.sort(o), np.arange(N)) for o in orders)
    want = [B] * (N // B) + ([N % B] if N % B else [])
    record["sizes_ok"] = all(
        np.array_equal(_array(record, f"sizes_{run}"), np.array(want)) for run in range(3)
    )
    if not record["each_once"]:
        record["order_ok"] = False
    elif shuffle:
        record["order_ok"] = (
            not np.array_equal(orders[0], np.arange(N))
            and np.array_equal(orders[0], orders[1])
            and not np.array_equal(orders[0], orders[2])
        )
    else:
        record["order_ok"] = all(np.array_equal(o, np.arange(N)) for o in orders)
    return record


# ------------------------------------------------------------------------------ the capstone

MIN_LAYERS = 6
MAX_LAYERS = 64  # the probe records at most this many layers


@register("a4_deep_model")
def probe_deep_model(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Record the trained parameters the notebook left in ``options["variable"]``.

    The global is a dict ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}``. Records every
    ``W<k>`` and ``b<k>`` found (k = 1, 2, ... until one is missing) and ``num_layers``.
    Nothing is evaluated here: the measure computes the accuracy on the trusted side.
    """
    name = str(part.options.get("variable", "deep_params"))
    params = namespace.get(name)
    if not isinstance(params, Mapping):
        raise NotPlainDataError(
            f"`{name}` is not a dict of parameters: run the cell that trains the deep network"
        )
    rec: Record = {}
    k = 0
    while f"W{k + 1}" in params and f"b{k + 1}" in params and k < MAX_LAYERS:
        k += 1
        rec[f"W{k}"] = to_plain(params[f"W{k}"], f"{name}['W{k}']")
        rec[f"b{k}"] = to_plain(params[f"b{k}"], f"{name}['b{k}']")
    rec["num_layers"] = k
    return rec


@register_measure("a4_deep_model")
def measure_deep_model(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Accuracy of the recorded ReLU network on the case's split, computed here.

    Adds ``deep_enough`` (at least 6 weight matrices chaining 64 inputs to 10 scores) and
    ``accuracy_<split>`` (0 when the parameters do not form such a network).
    """
    L = record.get("num_layers")
    if not isinstance(L, int) or not 0 <= L <= MAX_LAYERS:  # a forged count costs nothing here
        raise NotPlainDataError(f"the number of layers is not an integer from 0 to {MAX_LAYERS}")
    params = {key: _array(record, key).astype(np.float64) for key in layer_keys(L)}
    try:
        chained_layers(params, n_in=64, n_out=10)
        chain_ok = True
    except NotPlainDataError:
        chain_ok = False
    record["deep_enough"] = bool(chain_ok and L >= MIN_LAYERS)
    split = str(args["split"])
    data = load_inverted_digits(include_test=split == "test")
    X, y = data[f"X_{split}"], data[f"y_{split}"]
    acc = 0.0
    if chain_ok and all(np.all(np.isfinite(p)) for p in params.values()):
        with np.errstate(all="ignore"):
            acc = float(np.mean(np.argmax(relu_mlp_scores(params, X), axis=1) == y))
    record[f"accuracy_{split}"] = acc
    return record
