"""Learning-rate schedules as closed-form functions of the epoch or step number."""

from __future__ import annotations

import math

from solutions._validation import check_positive
from solutions.a4_training_deep_nets._common import check_int


def step_decay(lr0: float, epoch: int, *, drop: float, every: int) -> float:
    """Step decay: multiply the learning rate by ``drop`` every ``every`` epochs.

    ``lr = lr0 * drop ** (epoch // every)``, which equals
    ``torch.optim.lr_scheduler.StepLR(step_size=every, gamma=drop)`` after ``epoch`` calls of
    ``scheduler.step()``.

    Parameters
    ----------
    lr0 : float
        Initial learning rate (> 0).
    epoch : int
        Epoch number, counted from 0 (>= 0).
    drop : float
        Factor in ``(0, 1]``.
    every : int
        Period in epochs (>= 1).

    Returns
    -------
    float
        The learning rate for this epoch.
    """
    func = "step_decay"
    check_positive(lr0, func, "lr0")
    check_int(epoch, func, "epoch", minimum=0)
    check_positive(drop, func, "drop")
    if drop > 1:
        raise ValueError(f"{func}: argument 'drop' must lie in (0, 1], got {drop!r}")
    check_int(every, func, "every")
    return float(lr0) * float(drop) ** (int(epoch) // int(every))


def cosine_schedule(lr0: float, step: int, total_steps: int, *, lr_min: float = 0.0) -> float:
    """Cosine annealing from ``lr0`` at step 0 down to ``lr_min`` at ``step = total_steps``.

    ``lr = lr_min + (lr0 - lr_min) * (1 + cos(pi * step / total_steps)) / 2``: the closed form of
    ``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=total_steps, eta_min=lr_min)`` after
    ``step`` calls of ``scheduler.step()``. Like PyTorch's, the formula is periodic: past
    ``total_steps`` the rate climbs back towards ``lr0`` (usually one stops at ``total_steps``).

    Parameters
    ----------
    lr0 : float
        Initial (largest) learning rate (> 0).
    step : int
        Step (or epoch) number, from 0 (>= 0).
    total_steps : int
        Length ``T_max`` of the half cosine (>= 1).
    lr_min : float, default 0.0
        Final learning rate, ``0 <= lr_min <= lr0``.

    Returns
    -------
    float
    """
    func = "cosine_schedule"
    check_positive(lr0, func, "lr0")
    check_int(step, func, "step", minimum=0)
    check_int(total_steps, func, "total_steps")
    check_positive(lr_min, func, "lr_min", allow_zero=True)
    if lr_min > lr0:
        raise ValueError(f"{func}: argument 'lr_min' = {lr_min!r} exceeds lr0 = {lr0!r}")
    cos = math.cos(math.pi * int(step) / int(total_steps))
    return float(lr_min) + (float(lr0) - float(lr_min)) * (1.0 + cos) / 2.0
