"""Typical a3 mistakes for the demo submission (instructor-only: each is a near-solution).

Each mistake is a text substitution in one answer cell of the instructor's notebook, with the
test cells that must lose points because of it. None of them reaches another graded part: the
notebook's MLP computes its affine products itself, its ReLU inputs are never exactly 0, and its
logits are far too small for the naive binary cross-entropy to overflow.
"""

from autograder.instructor.demo import Mistake

MISTAKES = [
    Mistake(
        cell="affine_backward",
        old="dx = (dout @ w.T).reshape(x.shape)",
        new="dx = dout @ w.T",
        parts=("test_affine_backward",),
        what="dx returned with the shape of the flattened input (N, D)",
    ),
    Mistake(
        cell="affine_backward",
        old="db = dout.sum(axis=0)",
        new="db = dout",
        parts=("test_affine_backward",),
        what="db not summed over the batch",
    ),
    Mistake(
        cell="relu_backward",
        old="dx = dout * (x > 0)",
        new="dx = dout * (x >= 0)",
        parts=("test_relu_leaky_relu",),
        what="ReLU gradient taken on x >= 0 (relu'(0) = 1)",
    ),
    Mistake(
        cell="softmax_jacobian",
        old="return np.diag(p) - np.outer(p, p)",
        new="return np.diag(p)",
        parts=("test_softmax_jacobian",),
        what="softmax Jacobian without the outer product (only its diagonal)",
    ),
    Mistake(
        cell="bce_with_logits_loss",
        old="loss = float(np.mean(np.maximum(z, 0) - z * t + np.log1p(e)))",
        new="loss = float(-np.mean(t * np.log(s) + (1 - t) * np.log(1 - s)))",
        parts=("test_bce_with_logits_loss",),
        what="binary cross-entropy computed from probabilities that round to 0 or 1",
    ),
]
