"""First-order optimisers as explicit state + pure step functions.

Each optimiser ``name`` has ``name_init(w) -> state`` and
``name_step(w, dw, state, *, lr, ...) -> (new_w, new_state)``. A step never modifies ``w``,
``dw``, ``state`` or the arrays inside ``state``: it returns new ones. The semantics equal
``torch.optim`` (float64, one parameter tensor, default flags) step for step:

- ``sgd``:      ``w <- w - lr * g``                                  (``SGD``)
- ``momentum``: ``v <- mu * v + g``; ``w <- w - lr * v``               (``SGD(momentum=mu)``;
  ``v`` starts at 0, so the first step's ``v`` is ``g``, as PyTorch's buffer)
- ``nesterov``: ``v <- mu * v + g``; ``w <- w - lr * (g + mu * v)``     (``SGD(nesterov=True)``)
- ``rmsprop``:  ``s <- alpha * s + (1 - alpha) * g**2``; ``w <- w - lr * g / (sqrt(s) + eps)``
  (``RMSprop``, not centred, no momentum)
- ``adam``: ``t <- t + 1`` FIRST; ``m <- b1 m + (1 - b1) g``; ``v <- b2 v + (1 - b2) g**2``;
  ``mhat = m / (1 - b1**t)``; ``vhat = v / (1 - b2**t)``;
  ``w <- w - lr * mhat / (sqrt(vhat) + eps)``
  (``Adam``; ``eps`` is added after the square root of the bias-corrected ``vhat``)

Here ``g = dw + weight_decay * w`` (coupled L2, PyTorch's ``weight_decay`` argument; 0 by
default). Decoupled weight decay (AdamW) lives in a5.

The momentum update ``v <- mu v + g; w <- w - lr v`` is the lecture's
``w_n = w_{n-1} - lr * g + mu * (w_{n-1} - w_{n-2})`` with a constant learning rate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from solutions._validation import as_float_array, check_positive
from solutions.a4_training_deep_nets._common import FloatArray, check_same_shape

State = dict[str, Any]
InitFn = Callable[[FloatArray], State]
StepFn = Callable[..., tuple[FloatArray, State]]


def _check_w(func: str, w: Any) -> None:
    as_float_array(w, func, "w")


def _check_step(
    func: str, w: Any, dw: Any, state: Any, keys: tuple[str, ...], lr: Any, weight_decay: Any
) -> None:
    as_float_array(w, func, "w")
    as_float_array(dw, func, "dw")
    check_same_shape(func, w=w, dw=dw)
    if not isinstance(state, Mapping):
        raise TypeError(
            f"{func}: argument 'state' must be the dict returned by the matching _init "
            f"function or the previous step, got {type(state).__name__}"
        )
    missing = [k for k in keys if k not in state]
    if missing:
        raise ValueError(
            f"{func}: argument 'state' lacks the keys {missing}; create it with the matching "
            f"_init function (expected keys {list(keys)}, got {sorted(state)})"
        )
    for k in keys:
        if isinstance(state[k], np.ndarray) and state[k].shape != w.shape:
            raise ValueError(
                f"{func}: state[{k!r}] has shape {state[k].shape} but w has shape {w.shape}; "
                "was the state made for another parameter?"
            )
    check_positive(lr, func, "lr", allow_zero=True)
    check_positive(weight_decay, func, "weight_decay", allow_zero=True)


def _check_unit(func: str, name: str, value: Any) -> float:
    check_positive(value, func, name, allow_zero=True)
    if value >= 1:
        raise ValueError(f"{func}: argument '{name}' must lie in [0, 1), got {value!r}")
    return float(value)


def _grad(w: FloatArray, dw: FloatArray, weight_decay: float) -> FloatArray:
    g = dw.astype(w.dtype, copy=False)
    return g + weight_decay * w if weight_decay else g


# --------------------------------------------------------------------------------------------- SGD


def sgd_init(w: FloatArray) -> State:
    """State of plain SGD: an empty dict (SGD has no memory).

    Parameters
    ----------
    w : ndarray
        The parameter (only checked).

    Returns
    -------
    dict
        ``{}``.
    """
    _check_w("sgd_init", w)
    return {}


def sgd_step(
    w: FloatArray, dw: FloatArray, state: State, *, lr: float, weight_decay: float = 0.0
) -> tuple[FloatArray, State]:
    """One step of plain gradient descent, ``w - lr * (dw + weight_decay * w)``.

    Parameters
    ----------
    w : ndarray of any shape
        Parameter.
    dw : ndarray, same shape as ``w``
        Gradient of the loss w.r.t. ``w``.
    state : dict
        From :func:`sgd_init` (empty).
    lr : float
        Learning rate (>= 0).
    weight_decay : float, default 0.0
        Coupled L2 coefficient added to the gradient (>= 0).

    Returns
    -------
    new_w : ndarray, same shape and dtype as ``w``
    new_state : dict
        A new empty dict.
    """
    _check_step("sgd_step", w, dw, state, (), lr, weight_decay)
    return w - lr * _grad(w, dw, weight_decay), {}


# ---------------------------------------------------------------------------------------- momentum


def momentum_init(w: FloatArray) -> State:
    """State of SGD with momentum: a zero velocity of ``w``'s shape and dtype.

    Parameters
    ----------
    w : ndarray

    Returns
    -------
    dict
        ``{"velocity": zeros_like(w)}``.
    """
    _check_w("momentum_init", w)
    return {"velocity": np.zeros_like(w)}


def momentum_step(
    w: FloatArray,
    dw: FloatArray,
    state: State,
    *,
    lr: float,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
) -> tuple[FloatArray, State]:
    """One step of SGD with (heavy-ball) momentum, ``torch.optim.SGD(momentum=mu, dampening=0)``.

    ``v_new = momentum * v + g`` and ``w_new = w - lr * v_new``, with ``g = dw + weight_decay*w``.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
    state : dict
        ``{"velocity": ndarray like w}`` from :func:`momentum_init` or the previous step.
    lr : float
        Learning rate (>= 0).
    momentum : float, default 0.9
        Momentum coefficient ``mu`` in ``[0, 1)``.
    weight_decay : float, default 0.0

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
        ``{"velocity": v_new}``.
    """
    func = "momentum_step"
    _check_step(func, w, dw, state, ("velocity",), lr, weight_decay)
    mu = _check_unit(func, "momentum", momentum)
    v = mu * state["velocity"] + _grad(w, dw, weight_decay)
    return w - lr * v, {"velocity": v}


def nesterov_init(w: FloatArray) -> State:
    """State of Nesterov momentum: a zero velocity, as :func:`momentum_init`.

    Parameters
    ----------
    w : ndarray

    Returns
    -------
    dict
        ``{"velocity": zeros_like(w)}``.
    """
    _check_w("nesterov_init", w)
    return {"velocity": np.zeros_like(w)}


def nesterov_step(
    w: FloatArray,
    dw: FloatArray,
    state: State,
    *,
    lr: float,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
) -> tuple[FloatArray, State]:
    """One step of Nesterov momentum in PyTorch's form, ``SGD(momentum=mu, nesterov=True)``.

    ``v_new = mu * v + g`` and ``w_new = w - lr * (g + mu * v_new)``: the step looks ahead along
    the updated velocity.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
    state : dict
        ``{"velocity": ndarray like w}``.
    lr : float
        Learning rate (>= 0).
    momentum : float, default 0.9
        ``mu`` in ``[0, 1)``.
    weight_decay : float, default 0.0

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
        ``{"velocity": v_new}``.
    """
    func = "nesterov_step"
    _check_step(func, w, dw, state, ("velocity",), lr, weight_decay)
    mu = _check_unit(func, "momentum", momentum)
    g = _grad(w, dw, weight_decay)
    v = mu * state["velocity"] + g
    return w - lr * (g + mu * v), {"velocity": v}


# ----------------------------------------------------------------------------------------- RMSprop


def rmsprop_init(w: FloatArray) -> State:
    """State of RMSprop: a zero running average of squared gradients.

    Parameters
    ----------
    w : ndarray

    Returns
    -------
    dict
        ``{"square_avg": zeros_like(w)}``.
    """
    _check_w("rmsprop_init", w)
    return {"square_avg": np.zeros_like(w)}


def rmsprop_step(
    w: FloatArray,
    dw: FloatArray,
    state: State,
    *,
    lr: float,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[FloatArray, State]:
    """One step of RMSprop, ``torch.optim.RMSprop`` (not centred, no momentum).

    ``s_new = alpha * s + (1 - alpha) * g**2`` and ``w_new = w - lr * g / (sqrt(s_new) + eps)``.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
    state : dict
        ``{"square_avg": ndarray like w}``.
    lr : float
        Learning rate (>= 0).
    alpha : float, default 0.99
        Decay of the running average, in ``[0, 1)``.
    eps : float, default 1e-8
        Added to the root (> 0).
    weight_decay : float, default 0.0

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
        ``{"square_avg": s_new}``.
    """
    func = "rmsprop_step"
    _check_step(func, w, dw, state, ("square_avg",), lr, weight_decay)
    a = _check_unit(func, "alpha", alpha)
    check_positive(eps, func, "eps")
    g = _grad(w, dw, weight_decay)
    s = a * state["square_avg"] + (1 - a) * (g * g)
    return w - lr * g / (np.sqrt(s) + eps), {"square_avg": s}


# -------------------------------------------------------------------------------------------- Adam


def adam_init(w: FloatArray) -> State:
    """State of Adam: zero first and second moments and a step count of 0.

    Parameters
    ----------
    w : ndarray

    Returns
    -------
    dict
        ``{"m": zeros_like(w), "v": zeros_like(w), "t": 0}``.
    """
    _check_w("adam_init", w)
    return {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}


def _adam_update(
    func: str,
    w: FloatArray,
    g: FloatArray,
    state: State,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
) -> tuple[FloatArray, State]:
    b1 = _check_unit(func, "beta1", beta1)
    b2 = _check_unit(func, "beta2", beta2)
    check_positive(eps, func, "eps")
    t_old = state["t"]
    if isinstance(t_old, bool) or not isinstance(t_old, (int, np.integer)) or t_old < 0:
        raise ValueError(f"{func}: state['t'] must be an integer step count >= 0, got {t_old!r}")
    t = int(t_old) + 1
    m = b1 * state["m"] + (1 - b1) * g
    v = b2 * state["v"] + (1 - b2) * (g * g)
    m_hat = m / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}


def adam_step(
    w: FloatArray,
    dw: FloatArray,
    state: State,
    *,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> tuple[FloatArray, State]:
    """One step of Adam with bias correction, ``torch.optim.Adam``.

    ``t_new = t + 1`` (first: the first step uses ``t = 1``), ``m_new = b1 m + (1 - b1) g``,
    ``v_new = b2 v + (1 - b2) g**2``, ``mhat = m_new / (1 - b1**t_new)``,
    ``vhat = v_new / (1 - b2**t_new)`` and ``w_new = w - lr * mhat / (sqrt(vhat) + eps)``.

    Parameters
    ----------
    w : ndarray of any shape
    dw : ndarray, same shape as ``w``
    state : dict
        ``{"m": ndarray, "v": ndarray, "t": int}`` from :func:`adam_init` or the previous step.
    lr : float
        Learning rate (>= 0).
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the moment estimates, in ``[0, 1)``.
    eps : float, default 1e-8
        Added after the square root (> 0).
    weight_decay : float, default 0.0
        Coupled L2 (PyTorch ``Adam(weight_decay=...)``), NOT AdamW's decoupled decay.

    Returns
    -------
    new_w : ndarray like ``w``
    new_state : dict
        ``{"m": m_new, "v": v_new, "t": t_new}``.
    """
    func = "adam_step"
    _check_step(func, w, dw, state, ("m", "v", "t"), lr, weight_decay)
    g = _grad(w, dw, weight_decay)
    return _adam_update(func, w, g, state, float(lr), beta1, beta2, eps)


# --------------------------------------------------------------------------------------- registry

OPTIMIZERS: dict[str, tuple[InitFn, StepFn]] = {
    "sgd": (sgd_init, sgd_step),
    "momentum": (momentum_init, momentum_step),
    "nesterov": (nesterov_init, nesterov_step),
    "rmsprop": (rmsprop_init, rmsprop_step),
    "adam": (adam_init, adam_step),
}
"""``name -> (init, step)`` for every optimiser of this module."""


class Optimizer:
    """A thin wrapper applying an ``(init, step)`` pair to every entry of a parameter dict.

    It keeps one state per parameter name (created by ``init`` on first sight of the name) and a
    mutable ``lr`` that a schedule may change between steps. ``step`` is pure with respect to its
    arguments: it returns a NEW dict of new arrays and never modifies ``params`` or ``grads``.

    Parameters
    ----------
    init : callable
        ``init(w) -> state``.
    step : callable
        ``step(w, dw, state, *, lr, **hyperparams) -> (new_w, new_state)``.
    lr : float
        Learning rate passed to every step (>= 0).
    **hyperparams
        Further keyword arguments of ``step`` (``momentum``, ``beta1``, ``weight_decay``, ...).

    Attributes
    ----------
    lr : float
    hyperparams : dict
    states : dict of str to dict
        The current optimiser state of each parameter.

    Examples
    --------
    >>> opt = Optimizer.from_name("adam", lr=1e-3)
    >>> params = opt.step(params, grads)  # doctest: +SKIP
    """

    def __init__(self, init: InitFn, step: StepFn, *, lr: float, **hyperparams: Any) -> None:
        if not callable(init) or not callable(step):
            raise TypeError("Optimizer: arguments 'init' and 'step' must be functions")
        check_positive(lr, "Optimizer", "lr", allow_zero=True)
        self.init = init
        self.step_fn = step
        self.lr = float(lr)
        self.hyperparams = dict(hyperparams)
        self.states: dict[str, State] = {}

    @classmethod
    def from_name(cls, name: str, *, lr: float, **hyperparams: Any) -> Optimizer:
        """Build the optimiser ``name`` (a key of :data:`OPTIMIZERS`).

        Parameters
        ----------
        name : str
            ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"`` or ``"adam"``.
        lr : float
        **hyperparams
            Passed to the step function.

        Returns
        -------
        Optimizer
        """
        if name not in OPTIMIZERS:
            raise ValueError(
                f"Optimizer.from_name: argument 'name' must be one of {sorted(OPTIMIZERS)}, "
                f"got {name!r}"
            )
        init, step = OPTIMIZERS[name]
        return cls(init, step, lr=lr, **hyperparams)

    def step(
        self, params: Mapping[str, FloatArray], grads: Mapping[str, FloatArray]
    ) -> dict[str, FloatArray]:
        """Update every parameter that has a gradient.

        Parameters
        ----------
        params : mapping of str to ndarray
        grads : mapping of str to ndarray
            Same keys as ``params`` (a parameter without a gradient is copied unchanged; a
            gradient without a parameter is an error).

        Returns
        -------
        dict of str to ndarray
            The updated parameters (new arrays).
        """
        unknown = set(grads) - set(params)
        if unknown:
            raise ValueError(
                f"Optimizer.step: argument 'grads' has keys {sorted(unknown)} that are not in "
                f"'params' (keys {sorted(params)})"
            )
        new_params: dict[str, FloatArray] = {}
        for name, w in params.items():
            if name not in grads:
                new_params[name] = np.array(w, copy=True)
                continue
            state = self.states.get(name)
            if state is None:
                state = self.init(w)
            new_w, self.states[name] = self.step_fn(
                w, grads[name], state, lr=self.lr, **self.hyperparams
            )
            new_params[name] = new_w
        return new_params

    def reset(self) -> None:
        """Forget every parameter's state (the next step starts afresh)."""
        self.states = {}

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        name = getattr(self.step_fn, "__name__", "step")
        return f"Optimizer({name}, lr={self.lr!r}{', ' if hyper else ''}{hyper})"
