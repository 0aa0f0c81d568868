"""Reference solutions of assignment a4: initialisation, gradient flow and optimisation."""

from solutions.a4_training_deep_nets.clipping import clip_grad_norm, global_grad_norm
from solutions.a4_training_deep_nets.initializers import (
    INITIALIZERS,
    he_normal_init,
    he_uniform_init,
    init_weights,
    lecun_normal_init,
    small_normal_init,
    xavier_normal_init,
    xavier_uniform_init,
    zeros_init,
)
from solutions.a4_training_deep_nets.jacobian import stack_jacobian
from solutions.a4_training_deep_nets.layernorm import layernorm_backward, layernorm_forward
from solutions.a4_training_deep_nets.minibatch import iterate_minibatches
from solutions.a4_training_deep_nets.newton import (
    gd_vs_newton,
    gradient_descent_quadratic,
    ill_conditioned_bowl,
    newton_quadratic,
    newton_step,
    quadratic_bowl,
)
from solutions.a4_training_deep_nets.optimizers import (
    OPTIMIZERS,
    Optimizer,
    adam_init,
    adam_step,
    momentum_init,
    momentum_step,
    nesterov_init,
    nesterov_step,
    rmsprop_init,
    rmsprop_step,
    sgd_init,
    sgd_step,
)
from solutions.a4_training_deep_nets.residual import (
    init_blocks,
    residual_backward,
    residual_forward,
    stack_grad_norms,
)
from solutions.a4_training_deep_nets.schedules import cosine_schedule, step_decay
from solutions.a4_training_deep_nets.statistics import layer_statistics
from solutions.a4_training_deep_nets.symmetry import train_two_layer

__all__ = [
    "INITIALIZERS",
    "OPTIMIZERS",
    "Optimizer",
    "adam_init",
    "adam_step",
    "clip_grad_norm",
    "cosine_schedule",
    "gd_vs_newton",
    "global_grad_norm",
    "gradient_descent_quadratic",
    "he_normal_init",
    "he_uniform_init",
    "ill_conditioned_bowl",
    "init_blocks",
    "init_weights",
    "iterate_minibatches",
    "layer_statistics",
    "layernorm_backward",
    "layernorm_forward",
    "lecun_normal_init",
    "momentum_init",
    "momentum_step",
    "nesterov_init",
    "nesterov_step",
    "newton_quadratic",
    "newton_step",
    "quadratic_bowl",
    "residual_backward",
    "residual_forward",
    "rmsprop_init",
    "rmsprop_step",
    "sgd_init",
    "sgd_step",
    "small_normal_init",
    "stack_grad_norms",
    "stack_jacobian",
    "step_decay",
    "train_two_layer",
    "xavier_normal_init",
    "xavier_uniform_init",
    "zeros_init",
]
