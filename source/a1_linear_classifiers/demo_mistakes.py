"""Typical a1 mistakes for the demo submission (instructor-only: each is a near-solution).

Each mistake is a text substitution in one answer cell of the instructor's notebook, with the
test cells that must lose points because of it. The demo and the end-to-end tests check that the
mistaken submission loses points on exactly these parts and keeps full marks everywhere else.
"""

from autograder.instructor.demo import Mistake

MISTAKES = [
    Mistake(
        cell="svm_loss_vectorized",
        old="dW = X.T @ coeff / N + reg * W",
        new="dW = X.T @ coeff + reg * W",
        parts=("test_svm_loss_vectorized",),
        what="gradient summed over the batch instead of averaged",
    ),
    Mistake(
        cell="softmax",
        old="shifted = scores - scores.max(axis=-1, keepdims=True)",
        new="shifted = scores",
        parts=("test_softmax",),
        what="softmax without subtracting the row maximum (overflows)",
    ),
    Mistake(
        cell="softmax_loss_naive",
        old="dW = dW / N + reg * W",
        new="dW = dW / N",
        parts=("test_softmax_loss_naive",),
        what="the penalty's gradient reg * W is missing",
    ),
    Mistake(
        cell="l2_penalty",
        old="value = 0.5 * reg * float(np.sum(W * W))",
        new="value = reg * float(np.sum(W * W))",
        parts=("test_l2_penalty",),
        what="L2 penalty without the 1/2",
    ),
    Mistake(
        cell="sgd",
        old="        W = W - lr * dW\n    return W, history",
        new="        W -= lr * dW\n    return W, history",
        parts=("test_sgd",),
        what="updates in place: with W = W0.copy() removed, the caller's W0 changes",
    ),
    Mistake(
        cell="sgd",
        old="W = W0.copy()",
        new="W = W0",
        parts=("test_sgd",),
        what="no copy of W0",
    ),
]
