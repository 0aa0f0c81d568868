"""Probes specific to assignment a3 (layers, Jacobians and backprop in multilayer perceptrons).

Layers follow the course's API: ``name_forward(x, ...) -> (out, cache)`` and
``name_backward(dout, cache) -> grads``. A layer probe calls the student's forward, then the
student's backward on the case's upstream gradient ``dout``, and records the outputs and, in
float64, the finite differences of ``sum(forward(x) * dout)`` with respect to every input: the
gradient the backward pass must return (so a backward that disagrees with its own forward is
caught even when both differ from the reference).

Float32 cases record their outputs under names ending in ``_f32`` so the spec can judge them with
float32 tolerances, and record ``dtype_kept``. Calls that make NumPy warn about an overflow, an
invalid value or a division by zero record ``no_overflow = False``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from itertools import pairwise
from typing import Any

import numpy as np

from autograder.judging.probes.core import (
    MAX_ENTRYWISE,
    register,
    register_measure,
    student_function,
    unpack,
)
from autograder.judging.probes.relu_mlp import chained_layers, layer_keys, trained_model
from autograder.judging.records import NotPlainDataError, Record, dtype_name, to_plain
from autograder.judging.spec import Part
from autograder.student.datasets import load_digits_split
from autograder.student.gradcheck import numeric_gradient

NUMERIC_TROUBLE = ("overflow", "invalid value", "divide by zero")
DIRECTIONS = 3  # random directions per parameter tensor in the network check
STEP = 1e-6


@contextmanager
def _watch_overflow(flags: list[bool]) -> Iterator[None]:
    """Note in ``flags`` whether NumPy warned about overflow, NaN or division by zero.

    The warnings are re-issued afterwards, so the runner still reports them as a note.
    """
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(over="warn", invalid="warn", divide="warn"),
    ):
        warnings.simplefilter("always")
        yield
    trouble = [
        w
        for w in caught
        if issubclass(w.category, RuntimeWarning)
        and any(t in str(w.message) for t in NUMERIC_TROUBLE)
    ]
    flags.append(not trouble)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _split_forward(result: Any, name: str) -> tuple[Any, Any]:
    """``(out, cache)`` from a forward function's return value, or a clear error."""
    if not isinstance(result, tuple) or len(result) != 2:
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else type(result).__name__
        raise NotPlainDataError(f"{name} returned {got}; expected the tuple (out, cache)")
    return result


def _suffix(x: Any) -> str:
    return "_f32" if isinstance(x, np.ndarray) and x.dtype == np.float32 else ""


def _same_dtype(values: list[Any], dtype: np.dtype[Any]) -> bool:
    return all(isinstance(v, np.ndarray) and v.dtype == dtype for v in values)


def _layer_gradient(
    forward: Callable[..., Any],
    args: dict[str, Any],
    wrt: str,
    dout: np.ndarray,
) -> np.ndarray:
    """Centred differences of ``sum(forward(**args)[0] * dout)`` with respect to ``args[wrt]``."""
    pristine = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in args.items()}

    def f(value: np.ndarray) -> float:
        call = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in pristine.items()}
        call[wrt] = value.copy()
        out = np.asarray(forward(**call)[0], dtype=np.float64)
        return float(np.sum(out * dout))

    return numeric_gradient(f, pristine[wrt])


@register("a3_activation")
def probe_activation(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Forward then backward of the elementwise layer (or softmax) named by the case.

    Case args: ``which`` (e.g. ``"relu"``: calls ``relu_forward`` and ``relu_backward``), ``x``,
    ``dout`` and, for leaky ReLU and ELU, optionally ``alpha``. Records ``out``, ``dx``,
    ``numeric_dx`` (float64, small inputs), ``dtype_kept`` and ``no_overflow``.
    """
    which = str(args["which"])
    fwd_name, bwd_name = f"{which}_forward", f"{which}_backward"
    forward = student_function(namespace, fwd_name)
    backward = student_function(namespace, bwd_name)
    x, dout = args["x"], args["dout"]
    alpha = float(args["alpha"]) if "alpha" in args else None

    def call_forward(x: np.ndarray) -> Any:
        return forward(x) if alpha is None else forward(x, alpha=alpha)

    pristine = {"x": x.copy()}
    flags: list[bool] = []
    with _watch_overflow(flags):
        out, cache = _split_forward(call_forward(x), fwd_name)
        dx = backward(dout, cache)
    sfx = _suffix(x)
    rec: Record = {
        f"out{sfx}": to_plain(out, f"the out returned by {fwd_name}"),
        f"dx{sfx}": to_plain(dx, f"the dx returned by {bwd_name}"),
        "no_overflow": all(flags),
    }
    if not sfx and x.size <= MAX_ENTRYWISE:
        d = np.asarray(dout, dtype=np.float64)
        rec["numeric_dx"] = _layer_gradient(call_forward, pristine, "x", d)
    return rec


@register("a3_affine")
def probe_affine(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """``affine_forward(x, w, b)`` and, unless ``options["backward"]`` is false, the backward.

    Records ``out`` and, with the backward, ``dx``, ``dw``, ``db`` and their finite differences
    ``numeric_dx``, ``numeric_dw``, ``numeric_db`` (float64), plus ``dtype_kept``.
    """
    forward = student_function(namespace, "affine_forward")
    with_backward = bool(part.options.get("backward", True))
    backward = student_function(namespace, "affine_backward") if with_backward else None
    x, w, b, dout = args["x"], args["w"], args["b"], args["dout"]
    pristine = {"x": x.copy(), "w": w.copy(), "b": b.copy()}
    out, cache = _split_forward(forward(x, w, b), "affine_forward")
    sfx = _suffix(x)
    rec: Record = {f"out{sfx}": to_plain(out, "the out returned by affine_forward")}
    if backward is not None:
        grads = backward(dout, cache)
        named = unpack(grads, ("dx", "dw", "db"), "affine_backward")
        for key in ("dx", "dw", "db"):
            rec[f"{key}{sfx}"] = named[key]
        if not sfx:
            d = np.asarray(dout, dtype=np.float64)
            for key in ("x", "w", "b"):
                rec[f"numeric_d{key}"] = _layer_gradient(forward, pristine, key, d)
    return rec


@register_measure("a3_activation")
@register_measure("a3_affine")
def measure_dtype_kept(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: ``dtype_kept``: every array the layer returned has ``x``'s dtype."""
    dtype = np.asarray(args["x"]).dtype
    sfx = "_f32" if dtype == np.float32 else ""
    returned = [rec[k + sfx] for k in ("out", "dx", "dw", "db") if k + sfx in rec]
    rec["dtype_kept"] = bool(returned) and _same_dtype(returned, dtype)
    return rec


def _matrix(value: Any, what: str) -> np.ndarray:
    arr = to_plain(value, what)
    if not isinstance(arr, np.ndarray) or arr.ndim != 2:
        shape = getattr(arr, "shape", ())
        raise NotPlainDataError(f"{what} has shape {shape}; expected a 2-D matrix")
    return arr


@register("a3_jacobian")
def probe_jacobian(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Explicit Jacobians of one sample, as returned.

    Options: ``kind`` is ``"affine"`` (``affine_jacobian_input(w)`` -> ``J_x``,
    ``affine_jacobian_weights(x, M)`` -> ``J_w``), ``"elementwise"``
    (``elementwise_jacobian(x, activation)`` -> ``J``) or ``"softmax"``
    (``softmax_jacobian(p)`` -> ``J``). The products ``J^T dout`` are the measure's.
    """
    kind = part.options.get("kind", "affine")
    rec: Record = {}
    if kind == "affine":
        x, w = args["x"], args["w"]
        M = w.shape[1]
        rec["J_x"] = _matrix(
            student_function(namespace, "affine_jacobian_input")(w),
            "the matrix returned by affine_jacobian_input",
        )
        rec["J_w"] = _matrix(
            student_function(namespace, "affine_jacobian_weights")(x, M),
            "the matrix returned by affine_jacobian_weights",
        )
        return rec
    if kind == "elementwise":
        fn = student_function(namespace, "elementwise_jacobian")
        rec["J"] = _matrix(
            fn(args["x"], str(args["activation"])), "the matrix returned by elementwise_jacobian"
        )
    else:
        fn = student_function(namespace, "softmax_jacobian")
        rec["J"] = _matrix(fn(args["p"]), "the matrix returned by softmax_jacobian")
    return rec


@register_measure("a3_jacobian")
def measure_jacobian(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: the vector-Jacobian products ``J^T dout`` of the returned Jacobians.

    ``vjp_x``, ``vjp_w`` (reshaped to ``w``'s shape) or ``vjp``, each only when its ``J`` has
    the shape that allows the product (a wrong shape fails the ``J`` check and this one).
    """
    kind = part.options.get("kind", "affine")
    dout = np.asarray(args["dout"], dtype=np.float64)
    if kind == "affine":
        D, M = np.asarray(args["w"]).shape
        J_x, J_w = np.asarray(rec["J_x"]), np.asarray(rec["J_w"])
        if J_x.shape == (M, D):
            rec["vjp_x"] = J_x.T @ dout
        if J_w.shape == (M, D * M):
            rec["vjp_w"] = (J_w.T @ dout).reshape(D, M)
        return rec
    size = np.asarray(args["x"] if kind == "elementwise" else args["p"]).shape[0]
    J = np.asarray(rec["J"])
    if J.shape == (size, size):
        rec["vjp"] = J.T @ dout
    return rec


@register("a3_mlp")
def probe_mlp(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """Build the student's ``MLP``, set its parameters from the case, record loss and gradients.

    Case args: ``layer_sizes`` (int array), ``activation``, ``loss``, ``reg``, ``seed`` (for the
    constructor's ``rng``), ``X``, ``y`` and the parameters ``W1``, ``b1``, ... Records
    ``params_ok`` (the constructor made ``params`` with the right keys and shapes), the initial
    parameters as made by ``__init__`` (``init_W1``, ``init_b1``, ...; with ``weight_scale`` when
    the case has one), ``scores``
    (``forward(X)``), ``loss``, ``dW1``, ``db1``, ... and, per parameter tensor, the student's
    gradient projected on 3 random unit directions (``proj_W1``) and the centred differences of
    the student's own loss along them (``numdir_W1``).
    """
    cls = student_function(namespace, "MLP")
    sizes = [int(s) for s in np.asarray(args["layer_sizes"]).reshape(-1)]
    options: dict[str, Any] = {}
    if "weight_scale" in args:
        options["weight_scale"] = float(args["weight_scale"])
    model = cls(
        sizes,
        activation=str(args["activation"]),
        rng=np.random.default_rng(int(args["seed"])),
        reg=float(args["reg"]),
        loss=str(args["loss"]),
        **options,
    )
    params = getattr(model, "params", None)
    if not isinstance(params, dict):
        raise NotPlainDataError(
            "MLP(...).params is "
            + ("missing" if params is None else f"a {type(params).__name__}")
            + "; expected a dict {'W1': ..., 'b1': ..., ...} made by __init__"
        )
    keys = layer_keys(len(sizes) - 1)
    shapes: dict[str, tuple[int, ...]] = {}
    for layer, (fan_in, fan_out) in enumerate(pairwise(sizes), start=1):
        shapes[f"W{layer}"], shapes[f"b{layer}"] = (fan_in, fan_out), (fan_out,)
    rec: Record = {
        "params_ok": set(params) == set(keys)
        and all(np.shape(params[k]) == shapes[k] for k in keys)
    }
    for key in keys:
        if key in params:
            rec[f"init_{key}"] = to_plain(params[key], f"the initial params[{key!r}]")
        params[key] = np.array(args[key], dtype=np.float64, copy=True)
    X, y = args["X"], args["y"]
    rec["scores"] = to_plain(model.forward(X.copy()), "the scores returned by MLP.forward")
    out = model.loss(X.copy(), y.copy())
    if not isinstance(out, tuple) or len(out) != 2:
        raise NotPlainDataError("MLP.loss returned something else than the tuple (loss, grads)")
    loss, grads = out
    rec["loss"] = to_plain(loss, "the loss returned by MLP.loss")
    if not isinstance(grads, dict):
        raise NotPlainDataError(
            f"MLP.loss returned grads as a {type(grads).__name__}; expected a dict like params"
        )
    grads = {k: to_plain(grads[k], f"grads[{k!r}]") for k in keys if k in grads}
    for key, value in grads.items():
        rec[f"d{key}"] = value

    directions = np.random.default_rng(0)
    for key in keys:
        base = np.array(args[key], dtype=np.float64, copy=True)
        g = grads.get(key)
        numeric, projected = [], []
        for _ in range(DIRECTIONS):
            u = directions.standard_normal(base.shape)
            u /= np.linalg.norm(u) or 1.0
            values = []
            for sign in (1.0, -1.0):
                params[key] = base + sign * STEP * u
                values.append(float(model.loss(X.copy(), y.copy())[0]))
            numeric.append((values[0] - values[1]) / (2 * STEP))
            if isinstance(g, np.ndarray) and g.shape == base.shape:
                projected.append(float(np.sum(g * u)))
            else:
                projected.append(float("nan"))
        params[key] = base
        rec[f"numdir_{key}"] = np.array(numeric)
        rec[f"proj_{key}"] = np.array(projected)
    return rec


@register("a3_sigmoid_gradients")
def probe_sigmoid_gradients(
    namespace: Mapping[str, Any], part: Part, args: dict[str, Any]
) -> Record:
    """``sigmoid_output_gradients(z, t)``: records both returned arrays and their dtype names.

    Outputs are ``d_mse`` and ``d_bce`` (``d_mse_f32``, ``d_bce_f32`` for float32 logits, judged
    with float32 tolerances) and ``dtype_d_mse``, ``dtype_d_bce``: the names of the returned
    dtypes, compared with the reference's on the trusted side.
    """
    fn = student_function(namespace, "sigmoid_output_gradients")
    z, t = args["z"], args["t"]
    out = fn(z, t)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise NotPlainDataError(
            "sigmoid_output_gradients must return a tuple (d_mse, d_bce) of two arrays"
        )
    sfx = _suffix(z)
    rec: Record = {}
    for name, value in zip(("d_mse", "d_bce"), out, strict=True):
        rec[f"{name}{sfx}"] = to_plain(value, f"the {name} returned by sigmoid_output_gradients")
        rec[f"dtype_{name}"] = dtype_name(value)
    return rec


@register("a3_model_accuracy")
def probe_model_accuracy(namespace: Mapping[str, Any], part: Part, args: dict[str, Any]) -> Record:
    """The parameters of a model the notebook trained (a global MLP), as they are.

    Options: ``variable`` (the global's name). Records ``activation``, ``loss_type``, every
    ``param_W1``, ``param_b1``, ... and, only for inputs the case gives (``X``) or the public
    validation split, ``pred``: the model's own predictions, which a student's own kernel uses
    when ``solutions`` is not there. The held-out split never enters the sandbox: the measure
    scores it from the parameters.
    """
    name = str(part.options.get("variable", "model"))
    model, rec = trained_model(namespace, name, "your trained MLP")
    rec["activation"] = str(getattr(model, "activation", "relu"))[:40]
    rec["loss_type"] = str(getattr(model, "loss_type", "softmax"))[:40]
    predict = getattr(model, "predict", None)
    if "X" in args:
        X = args["X"]
    elif args.get("split") == "val":
        X = load_digits_split()["X_val"]
    else:
        return rec
    if not callable(predict):
        raise NotPlainDataError(f"`{name}` has no predict method; it should be your trained MLP")
    rec["pred"] = to_plain(predict(X.copy()), f"{name}.predict(X)")
    return rec


def _model_params(rec: Record) -> dict[str, np.ndarray]:
    """``W1, b1, ...`` from a record, checked to chain (each layer's input is the last output)."""
    params = {
        k.removeprefix("param_"): np.asarray(v) for k, v in rec.items() if k.startswith("param_")
    }
    chained_layers(params)
    return params


@register_measure("a3_model_accuracy")
def measure_model_accuracy(rec: Record, args: Mapping[str, Any], part: Part) -> Record:
    """Trusted side: the accuracy of the returned parameters, run by the reference MLP.

    Case args: either ``X`` and ``y``, or ``split`` (``"val"`` or ``"test"``, loaded here).
    Adds ``accuracy``, ``accuracy_<split>`` and ``has_hidden_layer``. Where ``solutions`` is
    not installed (a student's own kernel) the model's own predictions are used instead.
    """
    from autograder.judging.reference import reference_mlp_predictions

    params = _model_params(rec)
    if "X" in args:
        X, y = args["X"], args["y"]
    else:
        data = load_digits_split(include_test=True)
        X, y = data[f"X_{args['split']}"], data[f"y_{args['split']}"]
    if params["W1"].shape[0] != X.shape[1]:
        raise NotPlainDataError(
            f"W1 has {params['W1'].shape[0]} rows; the data has {X.shape[1]} features"
        )
    try:
        pred = reference_mlp_predictions(
            "solutions.a3_backprop_mlp", str(rec["activation"]), str(rec["loss_type"]), params, X
        )
    except (ValueError, KeyError) as exc:
        raise NotPlainDataError(f"the model could not be run: {exc}") from None
    if pred is None:
        if "pred" not in rec:
            raise NotPlainDataError("no predictions were recorded")
        pred = rec["pred"]
    pred = np.asarray(pred)
    if pred.ndim == 2 and pred.shape[1] == 1:
        pred = pred[:, 0]
    if pred.shape != y.shape:
        raise NotPlainDataError(
            f"predict(X) gives shape {pred.shape}; expected ({y.shape[0]},): "
            "one class label per row of X"
        )
    rec["accuracy"] = float(np.mean(pred == y))
    if "split" in args:
        rec[f"accuracy_{args['split']}"] = rec["accuracy"]
    rec["has_hidden_layer"] = sum(1 for k in params if k.startswith("W")) >= 2
    return rec
