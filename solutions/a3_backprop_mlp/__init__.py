"""Reference solutions of assignment a3: layers, Jacobians and backprop in multilayer perceptrons.

Layer API (docs/architecture.md, Conventions): ``name_forward(x, ...) -> (out, cache)`` and
``name_backward(dout, cache) -> grads`` (one gradient per input, in input order; a single array
when the layer has one input). Losses: ``name(pred, target) -> (loss, dpred)``, each a mean.
"""

from solutions.a3_backprop_mlp.activations import (
    ACTIVATION_NAMES,
    activation_derivative,
    elu_backward,
    elu_forward,
    gelu_backward,
    gelu_forward,
    get_activation,
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    silu_backward,
    silu_forward,
    swish_backward,
    swish_forward,
    tanh_backward,
    tanh_forward,
)
from solutions.a3_backprop_mlp.affine import affine_backward, affine_forward
from solutions.a3_backprop_mlp.jacobians import (
    affine_jacobian_bias,
    affine_jacobian_input,
    affine_jacobian_weights,
    elementwise_jacobian,
    softmax_jacobian,
)
from solutions.a3_backprop_mlp.losses import (
    bce_with_logits_loss,
    hinge_loss,
    mse_loss,
    softmax_cross_entropy_loss,
)
from solutions.a3_backprop_mlp.mlp import LOSS_NAMES, MLP
from solutions.a3_backprop_mlp.saturation import sigmoid_output_gradients
from solutions.a3_backprop_mlp.softmax import softmax_backward, softmax_forward

__all__ = [
    "ACTIVATION_NAMES",
    "LOSS_NAMES",
    "MLP",
    "activation_derivative",
    "affine_backward",
    "affine_forward",
    "affine_jacobian_bias",
    "affine_jacobian_input",
    "affine_jacobian_weights",
    "bce_with_logits_loss",
    "elementwise_jacobian",
    "elu_backward",
    "elu_forward",
    "gelu_backward",
    "gelu_forward",
    "get_activation",
    "hinge_loss",
    "leaky_relu_backward",
    "leaky_relu_forward",
    "mse_loss",
    "relu_backward",
    "relu_forward",
    "sigmoid_backward",
    "sigmoid_forward",
    "sigmoid_output_gradients",
    "silu_backward",
    "silu_forward",
    "softmax_backward",
    "softmax_cross_entropy_loss",
    "softmax_forward",
    "softmax_jacobian",
    "swish_backward",
    "swish_forward",
    "tanh_backward",
    "tanh_forward",
]
