"""Typical a4 mistakes for the demo submission (instructor-only: each is a near-solution).

Each mistake is a text substitution in one answer cell of the instructor's notebook, with the
test cell that must lose points because of it. None of them reaches another graded part: the
capstone network is initialised with he_normal_init and trained with momentum_step (neither is
mistaken here), without clipping; stack_jacobian only feeds a plot, and SGD's in-place weight
decay changes nothing but dw where weight_decay is 0 (the notebook's SGD runs); dropping the
last short minibatch leaves it 968 of its 1000 training images per epoch, which still clears
the accuracy thresholds by a wide margin.
"""

from autograder.instructor.demo import Mistake

MISTAKES = [
    Mistake(
        cell="initializers",
        old="s = np.sqrt(2.0 / (fan_in + fan_out))",
        new="s = np.sqrt(1.0 / fan_in)",
        parts=("test_initializers",),
        what="Xavier normal with the variance of fan_in only (1 / fan_in)",
    ),
    Mistake(
        cell="initializers",
        old="a = np.sqrt(6.0 / fan_in)",
        new="a = np.sqrt(3.0 / fan_in)",
        parts=("test_initializers",),
        what="He uniform with variance 1 / fan_in (LeCun's) instead of 2 / fan_in",
    ),
    Mistake(
        cell="stack_jacobian",
        old="J = (dg(a)[:, None] * W.T) @ J",
        new="J = W.T @ J",
        parts=("test_stack_jacobian",),
        what="the stack's Jacobian without the activation's derivative g'(a_l)",
    ),
    Mistake(
        cell="clip_grad_norm",
        old="clipped = {k: g * coef if coef < 1 else g.copy() for k, g in grads.items()}",
        new="clipped = {k: g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6))\n"
        "               for k, g in grads.items()}",
        parts=("test_clip_grad_norm",),
        what="every tensor clipped by its own norm instead of the global norm",
    ),
    Mistake(
        cell="residual",
        old="dx = dout + da @ w1.T",
        new="dx = da @ w1.T",
        parts=("test_residual",),
        what="residual backward without the identity path",
    ),
    Mistake(
        cell="layernorm",
        old="mu = x.mean(axis=-1, keepdims=True)\n"
        "    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)",
        new="mu = x.mean(axis=0, keepdims=True)\n"
        "    var = ((x - mu) ** 2).mean(axis=0, keepdims=True)",
        parts=("test_layernorm",),
        what="layer norm statistics over the batch axis",
    ),
    Mistake(
        cell="layernorm",
        old="dx = r * (g - g.mean(axis=-1, keepdims=True)\n"
        "              - xhat * (g * xhat).mean(axis=-1, keepdims=True))",
        new="dx = r * g",
        parts=("test_layernorm",),
        what="layer-norm backward without the mean terms",
    ),
    Mistake(
        cell="sgd_momentum_nesterov",
        old='return w - lr * (g + momentum * v), {"velocity": v}',
        new='return w - lr * (g + momentum * state["velocity"]), {"velocity": v}',
        parts=("test_sgd_momentum_nesterov",),
        what="Nesterov's look-ahead taken along the old velocity",
    ),
    Mistake(
        cell="sgd_momentum_nesterov",
        old="return w - lr * (dw + weight_decay * w), {}",
        new="dw += weight_decay * w\n    return w - lr * dw, {}",
        parts=("test_sgd_momentum_nesterov",),
        what="SGD adding the weight decay into the caller's gradient dw (in place)",
    ),
    Mistake(
        cell="rmsprop",
        old="return w - lr * g / (np.sqrt(s) + eps)",
        new="return w - lr * g / np.sqrt(s + eps)",
        parts=("test_rmsprop",),
        what="RMSProp with eps inside the square root",
    ),
    Mistake(
        cell="adam",
        old='t = state["t"] + 1\n',
        new='t = state["t"]\n',
        parts=("test_adam",),
        what="Adam's step count incremented after use (the first step uses t = 0)",
    ),
    Mistake(
        cell="adam",
        old='{"m": m, "v": v, "t": t}',
        new='{"m": m, "v": v, "t": t + 1}',
        parts=("test_adam",),
        what="(the second half of the step count incremented after use)",
    ),
    Mistake(
        cell="iterate_minibatches",
        old="for start in range(0, N, batch_size):",
        new="for start in range(0, N - batch_size + 1, batch_size):",
        parts=("test_minibatches",),
        what="the last short minibatch dropped",
    ),
]
