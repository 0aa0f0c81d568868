"""Reference solutions of assignment a1: linear classifiers, losses and gradient descent."""

from solutions.a1_linear_classifiers.bias import add_bias_column
from solutions.a1_linear_classifiers.metrics import accuracy, predict
from solutions.a1_linear_classifiers.penalties import l1_penalty, l2_penalty
from solutions.a1_linear_classifiers.perceptron import perceptron_fit, perceptron_predict
from solutions.a1_linear_classifiers.sgd import sgd
from solutions.a1_linear_classifiers.softmax import (
    softmax,
    softmax_loss_naive,
    softmax_loss_vectorized,
)
from solutions.a1_linear_classifiers.svm import svm_loss_naive, svm_loss_vectorized

__all__ = [
    "accuracy",
    "add_bias_column",
    "l1_penalty",
    "l2_penalty",
    "perceptron_fit",
    "perceptron_predict",
    "predict",
    "sgd",
    "softmax",
    "softmax_loss_naive",
    "softmax_loss_vectorized",
    "svm_loss_naive",
    "svm_loss_vectorized",
]
