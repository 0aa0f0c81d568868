"""The trusted side's ReLU network: parameter checks and scores (shared by a3, a4 and a5)."""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest

from autograder.judging.probes.relu_mlp import (
    chained_layers,
    layer_keys,
    relu_mlp_scores,
    trained_model,
)
from autograder.judging.records import NotPlainDataError


def _params(*sizes: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (n_in, n_out) in enumerate(pairwise(sizes), start=1):
        params[f"W{layer}"] = rng.standard_normal((n_in, n_out))
        params[f"b{layer}"] = rng.standard_normal(n_out)
    return params


def _scores_one_sample_at_a_time(params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """A second implementation: scalar loops over one sample, unit and input at a time."""
    layers = len(params) // 2
    out = []
    for x in X:
        h = [float(v) for v in x]
        for layer in range(1, layers + 1):
            W, b = params[f"W{layer}"], params[f"b{layer}"]
            a = [
                sum(h[i] * float(W[i, j]) for i in range(len(h))) + float(b[j])
                for j in range(W.shape[1])
            ]
            h = [max(v, 0.0) for v in a] if layer < layers else a
        out.append(h)
    return np.array(out)


def test_layer_keys_in_order() -> None:
    assert layer_keys(2) == ["W1", "b1", "W2", "b2"]
    assert layer_keys(0) == []


def test_scores_match_a_loop_implementation_and_relu_is_not_applied_last() -> None:
    params = _params(5, 4, 3, 2)
    X = np.random.default_rng(1).standard_normal((6, 5))
    expected = _scores_one_sample_at_a_time(params, X)
    np.testing.assert_allclose(relu_mlp_scores(params, X), expected, rtol=1e-12, atol=1e-12)
    assert (expected < 0).any()  # the last layer's negative scores survive: no relu after it


def test_a_hand_computed_two_layer_net() -> None:
    params = {
        "W1": np.array([[1.0, -1.0]]),
        "b1": np.array([0.0, 0.5]),
        "W2": np.array([[2.0], [3.0]]),
        "b2": np.array([-1.0]),
    }
    # x = 2: (2, -1.5) -> relu (2, 0) -> 2*2 + 0*3 - 1 = 3
    # x = -1: (-1, 1.5) -> relu (0, 1.5) -> 0*2 + 1.5*3 - 1 = 3.5
    scores = relu_mlp_scores(params, np.array([[2.0], [-1.0]]))
    np.testing.assert_allclose(scores, [[3.0], [3.5]])


def test_chained_layers_counts_layers_and_checks_the_widths() -> None:
    assert chained_layers(_params(64, 30, 10), n_in=64, n_out=10) == 2
    assert chained_layers(_params(3, 3)) == 1


@pytest.mark.parametrize(
    ("params", "widths", "message"),
    [
        ({}, {}, "exactly W1, b1, ..., WL, bL; missing or extra: all"),
        ({**_params(3, 2), "extra": np.zeros(1)}, {}, "missing or extra: 'extra'$"),
        ({"W1": np.zeros((3, 2))}, {}, "missing or extra: 'b1'$"),
        ({"W1": np.zeros((3, 2)), "b1": np.zeros(3)}, {}, "do not fit together"),
        ({"W1": np.zeros(3), "b1": np.zeros(3)}, {}, "do not fit together"),
        ({**_params(3, 2), "W2": np.zeros((3, 1)), "b2": np.zeros(1)}, {}, "W1's output"),
        (_params(3, 2), {"n_in": 4}, "the data has 4 columns"),
        (_params(3, 2), {"n_out": 10}, "2 outputs, expected 10"),
    ],
)
def test_parameters_that_are_no_network_are_named(
    params: dict[str, np.ndarray], widths: dict[str, int], message: str
) -> None:
    with pytest.raises(NotPlainDataError, match=message):
        chained_layers(params, **widths)


def test_a_flood_of_keys_is_not_repeated_back() -> None:
    params = {**_params(3, 2), **{f"junk{i}": np.zeros(1) for i in range(10_000)}}
    with pytest.raises(NotPlainDataError) as caught:
        chained_layers(params)
    assert len(str(caught.value)) < 200 and str(caught.value).endswith(", ...")


def test_scores_refuse_parameters_that_do_not_take_the_data() -> None:
    with pytest.raises(NotPlainDataError, match="W1 has 3 rows"):
        relu_mlp_scores(_params(3, 2), np.zeros((4, 5)))


def test_trained_model_records_only_the_layer_parameters_as_plain_data() -> None:
    net = SimpleNamespace(
        params={"W1": np.ones((2, 3)), "b1": np.zeros(3), "W_extra": 1.0, 7: 2.0, "v1": 3.0}
    )
    model, record = trained_model({"net": net}, "net", "your trained MLP")
    assert model is net
    assert set(record) == {"param_W1", "param_b1"}
    np.testing.assert_array_equal(record["param_W1"], np.ones((2, 3)))


@pytest.mark.parametrize(
    ("namespace", "message"),
    [({}, "`net` is not set: run the cell"), ({"net": object()}, "no params dict; it should be")],
)
def test_trained_model_says_what_is_missing(namespace: dict, message: str) -> None:
    with pytest.raises(NotPlainDataError, match=message):
        trained_model(namespace, "net", "your trained MLP")
