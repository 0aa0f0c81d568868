"""Early stopping on the validation loss, keeping a copy of the best parameters."""

from __future__ import annotations

import copy
import math
from typing import Any

from solutions.a4_training_deep_nets._common import check_int, check_number


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs.

    Call :meth:`step` once per epoch, in order, with that epoch's validation loss and the current
    parameters. Epochs are counted from 0 (the first call is epoch 0). An epoch IMPROVES when
    ``val_loss < best_loss - min_delta`` (strictly better by more than ``min_delta``; the first
    finite loss always improves). On an improvement the loss, the epoch and a deep copy of the
    parameters are recorded and the count of bad epochs is reset to 0; otherwise the count grows
    by 1. :meth:`step` returns True on an epoch that does not improve and brings the count to
    ``patience`` or more. A NaN loss never improves.

    Parameters
    ----------
    patience : int
        Number of consecutive epochs without improvement that stops training (>= 0; 0 stops at
        the first epoch that does not improve).
    min_delta : float, default 0.0
        Minimum decrease that counts as an improvement (>= 0).

    Attributes
    ----------
    best_loss : float
        Lowest validation loss seen (``inf`` before the first step).
    best_epoch : int or None
        Epoch of ``best_loss``.
    best_params : object or None
        Deep copy of the parameters passed at ``best_epoch``; later changes to the caller's
        parameters (even in place) do not affect it.
    num_bad_epochs : int
        Consecutive epochs without improvement so far.
    epoch : int
        Number of :meth:`step` calls so far.
    should_stop : bool
        The value the last :meth:`step` returned.
    """

    def __init__(self, patience: int, min_delta: float = 0.0) -> None:
        self.patience = check_int(patience, "EarlyStopping", "patience", minimum=0)
        self.min_delta = check_number(min_delta, "EarlyStopping", "min_delta")
        if self.min_delta < 0:
            raise ValueError(f"EarlyStopping: argument 'min_delta' must be >= 0, got {min_delta!r}")
        self.best_loss: float = math.inf
        self.best_epoch: int | None = None
        self.best_params: Any = None
        self.num_bad_epochs = 0
        self.epoch = 0
        self.should_stop = False

    def step(self, val_loss: float, params: Any) -> bool:
        """Record one epoch's validation loss; return True when training should stop.

        Parameters
        ----------
        val_loss : float
            Validation loss of this epoch.
        params : object
            Current parameters (typically a dict of arrays); deep-copied on an improvement.

        Returns
        -------
        bool
            True once ``patience`` consecutive epochs have not improved.
        """
        if isinstance(val_loss, bool):
            raise TypeError("EarlyStopping.step: argument 'val_loss' must be a number, got bool")
        try:
            loss = float(val_loss)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"EarlyStopping.step: argument 'val_loss' must be a number, "
                f"got {type(val_loss).__name__}"
            ) from exc
        improved = loss < self.best_loss - self.min_delta
        if improved:
            self.best_loss = loss
            self.best_epoch = self.epoch
            self.best_params = copy.deepcopy(params)
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        self.epoch += 1
        self.should_stop = not improved and self.num_bad_epochs >= self.patience
        return self.should_stop

    def restore(self) -> Any:
        """Return a deep copy of the best parameters (the caller may modify it freely).

        Raises
        ------
        RuntimeError
            If no epoch has improved yet (no :meth:`step`, or only NaN losses).
        """
        if self.best_epoch is None:
            raise RuntimeError(
                "EarlyStopping.restore: no best parameters yet; call step(val_loss, params) "
                "with a finite loss first"
            )
        return copy.deepcopy(self.best_params)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"best_loss={self.best_loss}, best_epoch={self.best_epoch}, "
            f"num_bad_epochs={self.num_bad_epochs})"
        )
