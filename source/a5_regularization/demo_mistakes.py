"""Typical a5 mistakes for the demo submission (instructor-only: each is a near-solution).

Each mistake is a text substitution in one answer cell of the instructor's notebook, with the
test cells that must lose points because of it. None reaches another graded part: the notebook's
DropoutMLP draws its masks itself (not through dropout_forward), the training loop uses the given
Adam (not adamw_step), and the early-stopped network of the overfitting study still clears its
threshold with the last instead of the best weights (5 epochs later), which is what both the
early-stopping mistake and the training-loop mistake leave it with.
"""

from autograder.instructor.demo import Mistake

MISTAKES = [
    Mistake(
        cell="adamw_step",
        old="decayed = w * (1 - lr * weight_decay)\n    return adam_step(decayed, dw, state,",
        new="decayed = w\n    return adam_step(decayed, dw + weight_decay * w, state,",
        parts=("test_weight_decay",),
        what="AdamW that adds the decay to the gradient (Adam + L2)",
    ),
    Mistake(
        cell="dropout_forward",
        old="mask = rng.random(x.shape) >= p",
        new="mask = rng.random(x.shape) < p",
        parts=("test_dropout",),
        what="p used as the keep probability",
    ),
    Mistake(
        cell="dropout_forward",
        old="out = (x * mask / (1 - p)).astype(x.dtype, copy=False)",
        new="out = (x * mask).astype(x.dtype, copy=False)",
        parts=("test_dropout",),
        what="dropout not scaled by 1 / (1 - p) at train time",
    ),
    Mistake(
        cell="dropout_forward",
        old="return x.copy(), (None, p, False)",
        new="return x * (1 - p), (None, p, False)",
        parts=("test_dropout",),
        what="dropout scaled at test time (the non-inverted scheme)",
    ),
    Mistake(
        cell="dropout_backward",
        old="return (dout * mask / (1 - p)).astype(dout.dtype, copy=False)",
        new="new_mask = np.random.default_rng().random(dout.shape) >= p\n"
        "    return (dout * new_mask / (1 - p)).astype(dout.dtype, copy=False)",
        parts=("test_dropout",),
        what="a new mask drawn in backward",
    ),
    Mistake(
        cell="DropoutMLP",
        old='grads[f"b{layer}"] = d.sum(axis=0)',
        new='grads[f"b{layer}"] = d.sum(axis=0) + self.reg * self.params[f"b{layer}"]',
        parts=("test_dropout_mlp",),
        what="weight decay (L2) applied to the biases",
    ),
    Mistake(
        cell="EarlyStopping",
        old="self.best_params = copy.deepcopy(params)",
        new="self.best_params = params",
        parts=("test_early_stopping",),
        what="early stopping stores a reference that later training overwrites",
    ),
    Mistake(
        cell="train",
        old="        model.params.update(early_stopping.restore())",
        new="        pass  # the best parameters are never restored",
        parts=("test_train",),
        what="training loop that keeps the last instead of the best weights",
    ),
    Mistake(
        cell="magnitude_prune",
        old='if scope == "per_tensor":',
        new="if True:  # counted per tensor whatever the scope",
        parts=("test_magnitude_prune",),
        what="sparsity counted per tensor when asked for global",
    ),
    Mistake(
        cell="quantize_int8",
        old="scale = max_abs / 127.0 if max_abs > 0 else 1.0\n"
        "    q = np.clip(np.round(w.astype(np.float64) / scale), -127, 127).astype(np.int8)",
        new="scale = max_abs / 127.5 if max_abs > 0 else 1.0\n"
        "    q = np.round(w.astype(np.float64) / scale).astype(np.int8)",
        parts=("test_quantization",),
        what="quantisation whose rounding overflows int8 (range 127.5, no clipping)",
    ),
]
