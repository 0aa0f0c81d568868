"""Probes and measures of assignment a5 (regularisation and generalisation).

Every probe only calls the student's code on the case's inputs and records what it returned
(raw arrays and numbers, or the parameters of a trained model); the matching measure, run on the
trusted side with the trusted copy of the case's inputs, derives every quantity a check scores:

- dropout: keep rate, scaling of the kept units, mean over many draws, independence of the
  units, eval being the identity, the backward pass using the forward's mask, determinism for a
  seed, each a boolean with a tolerance derived from the binomial distribution (see
  :func:`measure_dropout`);
- Monte Carlo dropout band: the predictive spread inside the gap of the training inputs against
  the spread on them, from the raw stochastic passes;
- training loop and overfitting study: see :mod:`autograder.judging.probes.a5_trained`;
- pruning and int8 quantisation: sparsity, kept weights unchanged, the ``scale / 2`` error bound,
  symmetric range, no int8 overflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.judging.probes.core import register, register_measure, student_function, unpack
from autograder.judging.probes.relu_mlp import layer_keys
from autograder.judging.records import NotPlainDataError, Record, dtype_name, record_array, to_plain
from autograder.judging.spec import Part

FloatArray = np.ndarray

# Statistical checks accept a deviation of up to Z_TOL standard errors. For a correct dropout the
# probability that one such statistic lands outside is below 2e-9 (normal tail at 6 sigma), and
# the cases use fixed seeds, so the reference's verdict is the same on every machine.
Z_TOL = 6.0


# ------------------------------------------------------------------------------ weight decay


@register("a5_weight_decay")
def probe_weight_decay(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Run ``steps`` steps of the update rule ``rule`` on a grader-chosen quadratic.

    Case args: ``rule`` (``"sgd_l2"``, ``"sgd_decoupled"``, ``"adam_l2"`` or ``"adamw"``: the
    student's ``<rule>_step``), ``w`` (start), ``curvature`` and ``target`` (the data loss is
    ``0.5 * sum(curvature * (w - target)**2)``, so ``dw = curvature * (w - target)``), ``steps``
    and the keyword arguments of the step (``lr`` and ``reg`` or ``weight_decay``, optionally
    ``beta1``, ``beta2``, ``eps``). The Adam state starts at ``{"m": 0, "v": 0, "t": 0}``.
    Records ``w_final`` and, for Adam rules, ``m_final``, ``v_final`` and ``t_final``.
    """
    rule = str(args["rule"])
    fn = student_function(namespace, f"{rule}_step")
    w = np.array(args["w"], dtype=np.float64, copy=True)
    curvature, target = np.asarray(args["curvature"]), np.asarray(args["target"])
    kwargs = {
        k: float(args[k])
        for k in ("lr", "reg", "weight_decay", "beta1", "beta2", "eps")
        if k in args
    }
    adam = rule.startswith("adam")
    state: dict[str, Any] = {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0} if adam else {}
    for _ in range(int(args["steps"])):
        dw = curvature * (w - target)
        out = fn(w, dw, state, **kwargs)
        if not isinstance(out, tuple) or len(out) != 2:
            raise NotPlainDataError(f"{rule}_step returned something else than (new_w, new_state)")
        w, state = out
        w = to_plain(w, f"new_w returned by {rule}_step")
        if not isinstance(w, np.ndarray):
            raise NotPlainDataError(f"new_w returned by {rule}_step is not an array")
        if not isinstance(state, dict):
            raise NotPlainDataError(f"new_state returned by {rule}_step is not a dict")
    rec: Record = {"w_final": w}
    if adam:
        for key in ("m", "v", "t"):
            if key not in state:
                raise NotPlainDataError(f"the Adam state returned by {rule}_step has no {key!r}")
            rec[f"{key}_final"] = to_plain(state[key], f"state[{key!r}] of {rule}_step")
    return rec


@register_measure("a5_weight_decay")
def measure_weight_decay(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Validate the final weights' shape (the comparison with the reference is the judge's)."""
    shape = np.shape(args["w"])
    record["w_final"] = record_array(record, "w_final", shape, what="the final w")
    for key in ("m_final", "v_final"):
        if key in record:
            record[key] = record_array(record, key, shape, what=f"state[{key[0]!r}]")
    return record


# ------------------------------------------------------------------------------ dropout


@register("a5_dropout")
def probe_dropout(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Many train-mode draws of ``dropout_forward`` with their backward passes, and eval mode.

    Case args: ``x`` (no zero entries), ``p``, ``dout``, ``draws`` and ``seed``. Records
    ``outs`` (``draws`` forward outputs from ONE generator ``default_rng(seed)``, stacked),
    ``dxs`` (``dropout_backward(dout, cache)`` right after each draw), ``out_repeat`` (the first
    draw again from a fresh ``default_rng(seed)``), ``out_other_seed`` (from
    ``default_rng(seed + 1)``), ``out_eval`` and ``dx_eval`` (``train=False``, ``rng=None``) and
    the dtypes of the outputs.
    """
    forward = student_function(namespace, "dropout_forward")
    backward = student_function(namespace, "dropout_backward")
    x, dout, p = args["x"], args["dout"], float(args["p"])
    seed, draws = int(args["seed"]), int(args["draws"])

    def call(rng: np.random.Generator | None, train: bool) -> tuple[Any, Any]:
        res = forward(x.copy(), p, train=train, rng=rng)
        if not isinstance(res, tuple) or len(res) != 2:
            raise NotPlainDataError("dropout_forward returned something else than (out, cache)")
        return res

    rng = np.random.default_rng(seed)
    outs, dxs, dtypes = [], [], set()
    for _ in range(draws):
        out, cache = call(rng, True)
        dx = backward(dout.copy(), cache)
        dtypes.update({dtype_name(out), dtype_name(dx)})
        outs.append(to_plain(out, "out returned by dropout_forward"))
        dxs.append(to_plain(dx, "dx returned by dropout_backward"))
    rec: Record = {
        "outs": to_plain(outs, "the outputs of dropout_forward"),
        "dxs": to_plain(dxs, "the gradients of dropout_backward"),
        "out_repeat": to_plain(call(np.random.default_rng(seed), True)[0], "out (same seed)"),
        "out_other_seed": to_plain(call(np.random.default_rng(seed + 1), True)[0], "out"),
    }
    out_eval, cache_eval = call(None, False)
    dx_eval = backward(dout.copy(), cache_eval)
    dtypes.update({dtype_name(out_eval), dtype_name(dx_eval)})
    rec["out_eval"] = to_plain(out_eval, "out returned by dropout_forward(train=False)")
    rec["dx_eval"] = to_plain(dx_eval, "dx returned by dropout_backward after train=False")
    rec["dtypes"] = ",".join(sorted(dtypes))
    return rec


def _z_ok(value: float, expected: float, std_error: float) -> bool:
    """``|value - expected| <= Z_TOL * std_error`` (with a floor for the degenerate p = 0)."""
    return bool(abs(value - expected) <= Z_TOL * std_error + 1e-12)


@register_measure("a5_dropout")
def measure_dropout(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Mask statistics of the recorded draws against the binomial law of inverted dropout.

    With ``n = draws * x.size`` independent units each kept with probability ``q = 1 - p``:

    - ``keep_rate_ok``: the fraction kept is within ``Z_TOL`` standard errors
      ``sqrt(q (1 - q) / n)`` of ``q`` (a unit is kept where ``out != 0``; ``x`` has no zeros);
    - ``kept_scaled_ok``: every kept unit equals ``x / (1 - p)`` (relative 1e-6) and every
      dropped one is exactly 0;
    - ``mean_ok``: the mean over draws and units of ``out / x`` is 1 (expectation preserved)
      within ``Z_TOL`` standard errors ``sqrt(p / ((1 - p) n))`` (the ratio is ``1 / q`` with
      probability ``q`` and 0 otherwise, variance ``p / q``);
    - ``independent_ok``: the fraction of horizontally adjacent pairs kept together is ``q**2``
      within ``Z_TOL`` standard errors ``sqrt(q**2 (1 - q**2) / n_pairs)``, which a mask shared
      along a row or column (``q`` instead of ``q**2``) fails (the pairs overlap, so the true
      standard error is at most ``sqrt(3)`` times larger: still within 3.5 of the 6);
    - ``fresh_masks_ok``: not every draw has the same mask (``p > 0``);
    - ``backward_mask_ok``: every ``dx`` equals ``dout * out / x`` for its own draw: the
      gradient passes exactly through the units this forward kept, with the same scaling;
    - ``seeded_ok``: a fresh generator with the same seed gives the first draw again, and
      another seed a different mask (``p > 0``): the mask comes from ``rng`` only;
    - ``eval_identity_ok``, ``eval_backward_ok``: in eval mode ``out == x`` and ``dx == dout``;
    - ``dtype_kept``: every returned array has ``x``'s dtype.
    """
    x = np.asarray(args["x"], dtype=np.float64)
    dout = np.asarray(args["dout"], dtype=np.float64)
    p, draws = float(args["p"]), int(args["draws"])
    q = 1.0 - p
    outs = record_array(
        record,
        "outs",
        (draws, *x.shape),
        what=f"{draws} outputs of dropout_forward (each of x's shape)",
    )
    dxs = record_array(
        record,
        "dxs",
        (draws, *x.shape),
        what=f"{draws} results of dropout_backward (each of x's shape)",
    )
    kept = outs != 0
    n = kept.size
    rec = dict(record)
    rec["keep_rate_ok"] = _z_ok(float(kept.mean()), q, np.sqrt(q * (1 - q) / n))
    tol = 1e-6 * np.abs(x / q)
    rec["kept_scaled_ok"] = bool(np.all(np.where(kept, np.abs(outs - x / q) <= tol, True)))
    with np.errstate(divide="ignore", invalid="ignore"):  # a wrong answer's NaN fails below
        ratio = outs / x
    rec["mean_ok"] = _z_ok(float(ratio.mean()), 1.0, np.sqrt(p / (q * n)))
    pairs = kept[..., :-1] & kept[..., 1:]
    rec["independent_ok"] = _z_ok(
        float(pairs.mean()), q * q, np.sqrt(q * q * (1 - q * q) / pairs.size)
    )
    distinct = len({m.tobytes() for m in kept})
    rec["fresh_masks_ok"] = bool(p == 0 or distinct > 1)
    rec["backward_mask_ok"] = bool(np.allclose(dxs, dout * ratio, rtol=1e-6, atol=1e-12))
    repeat = record_array(record, "out_repeat", x.shape, what="dropout_forward's out")
    other = record_array(record, "out_other_seed", x.shape, what="dropout_forward's out")
    same = bool(np.array_equal(repeat, outs[0]))
    differs = p == 0 or not np.array_equal(other != 0, kept[0])
    rec["seeded_ok"] = same and bool(differs)
    out_eval = record_array(record, "out_eval", x.shape, what="dropout_forward's out (train=False)")
    dx_eval = record_array(record, "dx_eval", x.shape, what="dropout_backward's dx (train=False)")
    rec["eval_identity_ok"] = bool(np.allclose(out_eval, x, rtol=1e-6, atol=0))
    rec["eval_backward_ok"] = bool(np.allclose(dx_eval, dout, rtol=1e-6, atol=0))
    rec["dtype_kept"] = str(record.get("dtypes", "")) == str(np.asarray(args["x"]).dtype)
    return rec


# ------------------------------------------------------------------------------ dropout MLP


@register("a5_dropout_mlp")
def probe_dropout_mlp(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Loss and gradients of the student's ``DropoutMLP`` with the case's parameters and rng.

    Case args: ``layer_sizes``, ``p``, ``reg``, ``train``, ``seed`` (the loss's ``rng`` is
    ``default_rng(seed)``), ``X``, ``y`` and ``W1``, ``b1``, ... Records ``loss``, ``dW1``, ...
    and ``scores_eval`` (``forward(X)`` in eval mode).
    """
    cls = student_function(namespace, "DropoutMLP")
    sizes = [int(s) for s in np.asarray(args["layer_sizes"]).reshape(-1)]
    model = cls(sizes, "relu", np.random.default_rng(0), p=float(args["p"]), reg=float(args["reg"]))
    params = getattr(model, "params", None)
    if not isinstance(params, dict):
        raise NotPlainDataError("DropoutMLP(...).params is not a dict {'W1': ..., 'b1': ...}")
    keys = layer_keys(len(sizes) - 1)
    for key in keys:
        params[key] = np.array(args[key], dtype=np.float64, copy=True)
    X, y = args["X"], args["y"]
    rng = np.random.default_rng(int(args["seed"]))
    out = model.loss(X.copy(), y.copy(), train=bool(args["train"]), rng=rng)
    if not isinstance(out, tuple) or len(out) != 2 or not isinstance(out[1], dict):
        raise NotPlainDataError("DropoutMLP.loss must return the tuple (loss, grads dict)")
    rec: Record = {"loss": to_plain(out[0], "the loss returned by DropoutMLP.loss")}
    for key in keys:
        if key in out[1]:
            rec[f"d{key}"] = to_plain(out[1][key], f"grads[{key!r}]")
    rec["scores_eval"] = to_plain(model.forward(X.copy()), "DropoutMLP.forward(X)")
    return rec


# ------------------------------------------------------------------------------ MC dropout


class _GraderNet:
    """The grader's stochastic model: one hidden ReLU layer with inverted dropout.

    ``forward(X, rng)`` draws its mask with ``rng.random(h.shape) >= p`` (so the reference and a
    correct student average the very same passes) and returns ``(N, K)`` outputs.
    """

    def __init__(self, args: Mapping[str, Any]) -> None:
        self.W1, self.b1 = np.asarray(args["W1"]), np.asarray(args["b1"])
        self.W2, self.b2 = np.asarray(args["W2"]), np.asarray(args["b2"])
        self.p = float(args["p"])

    def __call__(self, X: FloatArray, rng: np.random.Generator) -> FloatArray:
        h = np.maximum(np.asarray(X, dtype=np.float64) @ self.W1 + self.b1, 0.0)
        h = h * (rng.random(h.shape) >= self.p) / (1.0 - self.p)
        return h @ self.W2 + self.b2


@register("a5_mc_dropout")
def probe_mc_dropout(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``mc_dropout_predict(model, X, n_samples=..., rng=default_rng(seed))`` with the grader's
    model (a function ``forward(X, rng)``). Records ``mean`` and ``std``."""
    fn = student_function(namespace, "mc_dropout_predict")
    out = fn(
        _GraderNet(args),
        args["X"].copy(),
        n_samples=int(args["n_samples"]),
        rng=np.random.default_rng(int(args["seed"])),
    )
    return unpack(out, ("mean", "std"), "mc_dropout_predict")


@register("a5_mc_band")
def probe_mc_band(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``passes`` stochastic passes ``mc_regressor.forward(x, train=True, rng=...)`` on the
    grader's inputs ``x`` (a column). Records them stacked as ``preds`` (passes, N)."""
    model = namespace.get("mc_regressor")
    if model is None:
        raise NotPlainDataError("`mc_regressor` is not set: run the cell that trains it")
    forward = getattr(model, "forward", None)
    if not callable(forward):
        raise NotPlainDataError("`mc_regressor` has no forward method")
    rng = np.random.default_rng(int(args["seed"]))
    x = args["x"]
    preds = [
        to_plain(forward(x.copy(), train=True, rng=rng), "mc_regressor.forward(x, train=True)")
        for _ in range(int(args["passes"]))
    ]
    return {"preds": to_plain(preds, "the stochastic predictions")}


@register_measure("a5_mc_band")
def measure_mc_band(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Predictive spread in the gap against the spread on the training range.

    ``in_gap`` marks the inputs inside the gap. Measures ``spread_ratio`` = mean over the gap
    inputs of the standard deviation of the passes, divided by that mean over the other inputs,
    and ``fit_error``: the root mean squared distance of the predictive mean from the clean
    target ``sin(x)`` on the inputs outside the gap (the model must also fit the data).
    """
    x = np.asarray(args["x"], dtype=np.float64).reshape(-1)
    passes = int(args["passes"])
    preds = record_array(record, "preds")
    if preds.size != passes * x.size:
        raise NotPlainDataError(f"the predictions have shape {preds.shape}, expected one per input")
    preds = preds.reshape(passes, x.size)
    if not np.all(np.isfinite(preds)):
        raise NotPlainDataError("the predictions hold NaN or infinite values")
    in_gap = np.asarray(args["in_gap"], dtype=bool)
    std, mean = preds.std(axis=0), preds.mean(axis=0)
    rec = dict(record)
    rec["spread_ratio"] = float(std[in_gap].mean() / max(float(std[~in_gap].mean()), 1e-12))
    rec["fit_error"] = float(np.sqrt(np.mean((mean[~in_gap] - np.sin(x[~in_gap])) ** 2)))
    rec["fits_data"] = bool(rec["fit_error"] <= float(args["max_fit_error"]))
    return rec


# ------------------------------------------------------------------------------ early stopping


@register("a5_early_stopping")
def probe_early_stopping(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Feed a scripted validation-loss sequence to the student's ``EarlyStopping``.

    Case args: ``losses``, ``patience`` and optionally ``min_delta``. At epoch ``e`` the
    parameters passed are ``{"W": full(shape, e), "b": [e]}``; after each ``step`` they are
    overwritten IN PLACE (as training does), so a stopper that keeps a reference restores the
    wrong values. Stops calling at the first ``True``. Records ``stops`` (one 0/1 per call),
    ``best_epoch``, ``best_loss``, ``restored_W``, ``restored_b`` and ``restored_again_W`` (a
    second ``restore()`` after the first result was modified in place).
    """
    cls = student_function(namespace, "EarlyStopping")
    kwargs = {"min_delta": float(args["min_delta"])} if "min_delta" in args else {}
    stopper = cls(int(args["patience"]), **kwargs)
    params = {"W": np.zeros((2, 3)), "b": np.zeros(2)}
    stops = []
    for epoch, loss in enumerate(np.asarray(args["losses"], dtype=np.float64)):
        params["W"][...] = epoch
        params["b"][...] = epoch
        stop = stopper.step(float(loss), params)
        stops.append(1 if bool(stop) else 0)
        # the next epoch's training overwrites the arrays in place, with values no epoch had
        # and no constant factor or offset away from one (so a kept reference shows only as a
        # copy problem, never as a "flipped sign" or "off by a factor" hint)
        params["W"][...] = 1000.0 + epoch + np.arange(params["W"].size).reshape(params["W"].shape)
        params["b"][...] = 1000.0 + epoch + np.arange(params["b"].size)
        if stop:
            break
    rec: Record = {
        "stops": np.array(stops, dtype=np.int64),
        "best_epoch": to_plain(stopper.best_epoch, "EarlyStopping.best_epoch"),
        "best_loss": to_plain(stopper.best_loss, "EarlyStopping.best_loss"),
    }
    restored = stopper.restore()
    if not isinstance(restored, dict) or "W" not in restored or "b" not in restored:
        raise NotPlainDataError("EarlyStopping.restore() must return the parameters dict")
    rec["restored_W"] = to_plain(restored["W"], "restore()['W']")
    rec["restored_b"] = to_plain(restored["b"], "restore()['b']")
    if isinstance(restored["W"], np.ndarray):
        restored["W"][...] = -2.0  # the caller may modify what restore() returned
    again = stopper.restore()
    rec["restored_again_W"] = to_plain(again["W"], "restore()['W'] (second call)")
    return rec


# ------------------------------------------------------------------------------ compression


@register("a5_prune")
def probe_prune(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``magnitude_prune(weights, sparsity[, scope=...])``.

    Case args: ``sparsity``, optionally ``scope``, and either ``w`` (one array) or
    ``weights_<name>`` entries (a dict, in the order given). Records ``pruned_<name>`` and
    ``mask_<name>`` (``<name>`` is ``w`` for one array).
    """
    fn = student_function(namespace, "magnitude_prune")
    names = [k.removeprefix("weights_") for k in args if k.startswith("weights_")]
    weights: Any = args["w"] if "w" in args else {n: args[f"weights_{n}"] for n in names}
    kwargs = {"scope": str(args["scope"])} if "scope" in args else {}
    out = fn(weights, float(args["sparsity"]), **kwargs)
    if not isinstance(out, tuple) or len(out) != 2:
        raise NotPlainDataError("magnitude_prune must return the tuple (pruned, mask)")
    pruned, mask = out
    rec: Record = {}
    if "w" in args:
        rec["pruned_w"] = to_plain(pruned, "pruned")
        rec["mask_w"] = to_plain(mask, "mask")
        rec["__dtype_pruned_w"] = dtype_name(pruned)
        return rec
    if not isinstance(pruned, dict) or not isinstance(mask, dict):
        raise NotPlainDataError(
            "for a dict of weights, return a dict of pruned arrays and of masks"
        )
    for n in names:
        rec[f"pruned_{n}"] = to_plain(pruned.get(n), f"pruned[{n!r}]")
        rec[f"mask_{n}"] = to_plain(mask.get(n), f"mask[{n!r}]")
    return rec


@register_measure("a5_prune")
def measure_prune(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Sparsity reached and whether the kept weights are untouched.

    ``zeros``: the number of zeros in the pruned arrays (all tensors together), ``zeros_per``:
    per tensor, in order; ``kept_unchanged``: pruned equals the input wherever it is not 0, and
    the mask is True exactly where the pruned array is non-zero (no weight is exactly 0 in the
    cases).
    """
    names = ["w"] if "w" in args else [k.removeprefix("weights_") for k in args if "weights_" in k]
    zeros, kept_ok = [], True
    for n in names:
        w = np.asarray(args["w"] if n == "w" else args[f"weights_{n}"], dtype=np.float64)
        pruned = record_array(record, f"pruned_{n}", w.shape, what=f"the pruned {n}")
        mask = record_array(record, f"mask_{n}", w.shape, what=f"the mask of {n}") != 0
        zeros.append(int(np.sum(pruned == 0)))
        kept_ok &= bool(np.all((pruned == 0) | (pruned == w))) and bool(
            np.array_equal(mask, pruned != 0)
        )
    rec = dict(record)
    rec["zeros"] = int(sum(zeros))
    rec["zeros_per"] = np.array(zeros, dtype=np.int64)
    rec["kept_unchanged"] = kept_ok
    return rec


@register("a5_quantize")
def probe_quantize(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``q, scale = quantize_int8(w)`` and ``dequantize_int8(q_given, scale_given[, dtype])``.

    The dequantisation runs on the grader's own codes ``q_given`` and ``scale_given`` (so a
    quantisation mistake does not cost the dequantisation check). Records ``q`` (as int64, its
    dtype in ``q_dtype``), ``scale``, ``deq`` and ``deq_dtype``.
    """
    quantize = student_function(namespace, "quantize_int8")
    dequantize = student_function(namespace, "dequantize_int8")
    out = quantize(args["w"].copy())
    if not isinstance(out, tuple) or len(out) != 2:
        raise NotPlainDataError("quantize_int8 must return the tuple (q, scale)")
    q, scale = out
    rec: Record = {
        "q": np.asarray(to_plain(q, "q returned by quantize_int8")).astype(np.int64),
        "q_dtype": dtype_name(q),
        "scale": to_plain(scale, "scale returned by quantize_int8"),
    }
    kwargs = {"dtype": np.dtype(str(args["dtype"]))} if "dtype" in args else {}
    deq = dequantize(args["q_given"].copy(), float(args["scale_given"]), **kwargs)
    rec["deq"] = to_plain(deq, "the array returned by dequantize_int8")
    rec["deq_dtype"] = dtype_name(deq)
    return rec


@register_measure("a5_quantize")
def measure_quantize(record: Record, args: Mapping[str, Any], part: Part) -> Record:
    """The int8 contract, from the returned codes and scale and the trusted ``w``.

    ``int8_ok``: ``q`` is an int8 array of ``w``'s shape with every code in ``[-127, 127]``
    (symmetric; -128 unused); ``scale_ok``: ``scale = max|w| / 127`` (relative 1e-9);
    ``error_ok``: ``|w - q * scale| <= scale / 2`` for every entry (plus 1e-9 relative slack for
    the rounding of the product), which a code that wrapped around on overflow or an asymmetric
    range breaks; ``deq_dtype_ok``: the dequantised array has the requested dtype.
    """
    w = np.asarray(args["w"], dtype=np.float64)
    q = record_array(record, "q", w.shape, what="the int8 codes q")
    scale_values = record_array(record, "scale", what="scale")
    if scale_values.size != 1:
        raise NotPlainDataError("scale must be one number, max|w| / 127, not one per row or entry")
    scale = float(scale_values.reshape(()))
    rec = dict(record)
    rec["int8_ok"] = record.get("q_dtype") == "int8" and bool(np.all(np.abs(q) <= 127))
    max_abs = float(np.max(np.abs(w)))
    rec["scale_ok"] = bool(np.isfinite(scale) and abs(scale - max_abs / 127) <= 1e-9 * max_abs)
    err = np.abs(w - q * scale)
    rec["error_ok"] = bool(np.isfinite(scale) and np.all(err <= scale / 2 * (1 + 1e-9)))
    want = str(args.get("dtype", "float64"))
    rec["deq_dtype_ok"] = record.get("deq_dtype") == want
    return rec
