"""Reference solutions of assignment a2: computation graphs and automatic differentiation.

- :mod:`.numerical`: ``numerical_gradient`` (centred differences) and ``relative_error``;
- :mod:`.by_hand`: the lecture's two graphs differentiated by hand;
- :mod:`.value`: ``Value``, a scalar reverse-mode engine, and ``trace`` to list its graph;
- :mod:`.dual`: ``Dual``, forward mode with dual numbers;
- :mod:`.ops`: ``exp, log, sin, cos, tanh, sigmoid, relu, maximum`` for Values, Duals and numbers;
- :mod:`.jacobian`: Jacobians by forward mode (n passes) and reverse mode (m passes).
"""

from solutions.a2_autodiff.by_hand import add_mul_graph, logistic_loss_graph
from solutions.a2_autodiff.dual import Dual
from solutions.a2_autodiff.jacobian import (
    jacobian_forward,
    jacobian_forward_with_count,
    jacobian_reverse,
    jacobian_reverse_with_count,
)
from solutions.a2_autodiff.numerical import numerical_gradient, relative_error
from solutions.a2_autodiff.ops import cos, exp, log, maximum, relu, sigmoid, sin, tanh
from solutions.a2_autodiff.value import Edge, Value, trace

__all__ = [
    "Dual",
    "Edge",
    "Value",
    "add_mul_graph",
    "cos",
    "exp",
    "jacobian_forward",
    "jacobian_forward_with_count",
    "jacobian_reverse",
    "jacobian_reverse_with_count",
    "log",
    "logistic_loss_graph",
    "maximum",
    "numerical_gradient",
    "relative_error",
    "relu",
    "sigmoid",
    "sin",
    "tanh",
    "trace",
]
