"""a5 EarlyStopping on hand-made validation-loss sequences."""

from __future__ import annotations

import numpy as np
import pytest

from solutions.a5_regularization import EarlyStopping


def _run(es: EarlyStopping, losses: list[float]) -> list[bool]:
    return [es.step(loss, {"W": np.full(2, float(epoch))}) for epoch, loss in enumerate(losses)]


def test_stops_after_patience_epochs_without_improvement() -> None:
    # improvements at epochs 0 (1.0), 1 (0.8), 3 (0.79); epochs 4, 5, 6 are bad -> stop at 6.
    es = EarlyStopping(patience=3)
    flags = _run(es, [1.0, 0.8, 0.85, 0.79, 0.9, 0.95, 0.97])
    assert flags == [False, False, False, False, False, False, True]
    assert es.best_epoch == 3 and es.best_loss == 0.79
    np.testing.assert_array_equal(es.restore()["W"], [3.0, 3.0])


def test_min_delta_requires_a_large_enough_improvement() -> None:
    # 0.79 is not below 0.8 - 0.02 = 0.78, so the best stays at epoch 1; bad: 2, 3, 4.
    es = EarlyStopping(patience=3, min_delta=0.02)
    flags = _run(es, [1.0, 0.8, 0.85, 0.79, 0.9, 0.5])
    assert flags == [False, False, False, False, True, False]
    assert es.best_epoch == 5  # 0.5 improves and resets the count (the caller stopped before)
    es = EarlyStopping(patience=3, min_delta=0.02)
    _run(es, [1.0, 0.8, 0.85, 0.79, 0.9])
    assert es.best_epoch == 1 and es.best_loss == 0.8 and es.num_bad_epochs == 3


def test_an_improvement_resets_the_count() -> None:
    es = EarlyStopping(patience=2)
    flags = _run(es, [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.86])
    assert flags == [False, False, False, False, False, False, True]
    assert es.best_epoch == 4


def test_equal_loss_is_not_an_improvement_and_patience_zero() -> None:
    es = EarlyStopping(patience=0)
    assert _run(es, [0.5, 0.5]) == [False, True]
    es = EarlyStopping(patience=5)
    _run(es, [float("nan"), 0.4, float("nan")])
    assert es.best_epoch == 1 and es.num_bad_epochs == 1


def test_best_params_are_a_deep_copy() -> None:
    es = EarlyStopping(patience=2)
    params = {"W": np.array([1.0, 2.0]), "b": np.array([0.5])}
    es.step(0.3, params)
    params["W"] += 100.0  # in-place training update after the best epoch
    params["b"][0] = -1.0
    es.step(0.4, params)
    restored = es.restore()
    np.testing.assert_array_equal(restored["W"], [1.0, 2.0])
    np.testing.assert_array_equal(restored["b"], [0.5])
    restored["W"][0] = 7.0  # modifying the restored copy leaves the saved one intact
    np.testing.assert_array_equal(es.best_params["W"], [1.0, 2.0])
    np.testing.assert_array_equal(es.restore()["W"], [1.0, 2.0])


def test_errors() -> None:
    with pytest.raises(RuntimeError, match=r"EarlyStopping\.restore"):
        EarlyStopping(3).restore()
    with pytest.raises(ValueError, match="EarlyStopping: argument 'patience'"):
        EarlyStopping(-1)
    with pytest.raises(TypeError, match="EarlyStopping: argument 'patience'"):
        EarlyStopping(1.5)
    with pytest.raises(ValueError, match="EarlyStopping: argument 'min_delta'"):
        EarlyStopping(2, min_delta=-0.1)
    with pytest.raises(TypeError, match=r"EarlyStopping\.step: argument 'val_loss'"):
        EarlyStopping(2).step("low", {})
