"""A multilayer perceptron: affine layers with an activation between them, trained by backprop.

``scores = A_L(... act(A_2(act(A_1(X)))))`` with ``A_l(h) = h @ W_l + b_l``. The forward pass keeps
what each layer's backward pass needs; the backward pass walks the layers in reverse, each one
turning the gradient of its output into the gradients of its parameters and of its input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import (
    as_float_array,
    as_label_array,
    check_positive,
    require_rng,
)
from solutions.a3_backprop_mlp.activations import ACTIVATION_NAMES, get_activation
from solutions.a3_backprop_mlp.losses import bce_with_logits_loss, hinge_loss, mse_loss

FloatArray = NDArray[np.floating[Any]]

LOSS_NAMES: tuple[str, ...] = ("softmax", "mse", "bce", "hinge")
"""Values accepted by the ``loss`` argument of :class:`MLP`."""

RELU_FAMILY: frozenset[str] = frozenset({"relu", "leaky_relu", "elu", "gelu", "silu", "swish"})
"""Activations initialised with He (Kaiming) normal weights; the others get Xavier/Glorot."""


def _check_layer_sizes(layer_sizes: Any) -> tuple[int, ...]:
    """Validate ``[D, H1, ..., C]``: at least two positive integers."""
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(
            "MLP: argument 'layer_sizes' must be a sequence of ints like [D, H1, ..., C], "
            f"got {type(layer_sizes).__name__}"
        )
    sizes = tuple(layer_sizes)
    ok = all(not isinstance(s, bool) and isinstance(s, (int, np.integer)) and s >= 1 for s in sizes)
    if len(sizes) < 2 or not ok:
        raise ValueError(
            "MLP: argument 'layer_sizes' must hold at least two positive integers "
            f"[D, H1, ..., C] (input size first, number of outputs last), got {list(sizes)!r}"
        )
    return tuple(int(s) for s in sizes)


def _softmax_cross_entropy_inplace(
    scores: FloatArray, y: NDArray[np.integer[Any]]
) -> tuple[float, FloatArray]:
    """Softmax cross-entropy of a score array the network owns, overwritten by the gradient.

    Same value and gradient as :func:`~solutions.a3_backprop_mlp.softmax_cross_entropy_loss`
    (whose result the tests compare it with), but for already-validated input and with fewer
    passes and temporaries: the labels are addressed by flat index, and the normalisation and the
    ``1/N`` of the mean are applied in a single multiplication.
    """
    N, C = scores.shape
    label_at = np.arange(0, N * C, C)
    label_at += y
    scores -= scores.max(axis=1, keepdims=True)
    flat = scores.reshape(-1)
    label_scores = flat.take(label_at)
    np.exp(scores, out=scores)
    norm = scores.sum(axis=1)
    loss = (float(np.log(norm).sum()) - float(label_scores.sum())) / N
    np.divide(1.0 / N, norm, out=norm)
    scores *= norm[:, None]
    flat[label_at] -= 1.0 / N
    return loss, scores


class _Workspace:
    """Arrays an MLP reuses from one call to the next for batches of the same size.

    Allocating a fresh multi-megabyte array costs page faults and zero-filling every time the
    allocator has returned the memory to the system; reusing the hidden-layer buffers avoids that.
    Nothing in here is ever returned to the caller.
    """

    def __init__(
        self, rows: int, layer_sizes: tuple[int, ...], dtype: np.dtype[Any], relu: bool
    ) -> None:
        hidden = layer_sizes[1:-1] if relu else ()
        self.rows = rows
        self.dtype = dtype
        self.hidden = [np.empty((rows, width), dtype=dtype) for width in hidden]
        self.grad_hidden = [np.empty((rows, width), dtype=dtype) for width in hidden]
        self.mask = [np.empty((rows, width), dtype=bool) for width in hidden]
        self.ones = np.ones(rows, dtype=dtype)


class MLP:
    """Fully connected network ``D -> H1 -> ... -> C`` with one activation after every hidden layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., C]``: input size, hidden widths, number of outputs. ``[D, C]`` is a linear
        model (no hidden layer).
    activation : str, default "relu"
        Hidden activation, one of ``ACTIVATION_NAMES`` (``"sigmoid"``, ``"tanh"``, ``"relu"``,
        ``"leaky_relu"``, ``"elu"``, ``"gelu"``, ``"silu"``/``"swish"``). None follows the last
        layer: the network outputs raw scores (logits) or regression values.
    rng : np.random.Generator
        Source of the initial weights (required; there is no global random state).
    reg : float, default 0.0
        L2 strength: the loss gains ``0.5 * reg * sum(W_l ** 2)`` over the weights (never the
        biases), and each weight gradient ``reg * W_l``.
    loss : {"softmax", "mse", "bce", "hinge"}, default "softmax"
        ``"softmax"``: softmax cross-entropy, integer labels ``y`` of shape ``(N,)``;
        ``"hinge"``: multiclass hinge with margin 1, integer labels;
        ``"mse"``: mean squared error (regression), float targets of shape ``(N, C)``;
        ``"bce"``: binary cross-entropy with logits (binary or multilabel), float targets of
        shape ``(N, C)`` in ``[0, 1]``.
    weight_scale : float, optional
        If given, every weight is ``weight_scale * standard_normal``. Otherwise He normal
        (``std = sqrt(2 / fan_in)``) for the ReLU family (``relu``, ``leaky_relu``, ``elu``,
        ``gelu``, ``silu``) and Xavier/Glorot normal (``std = sqrt(2 / (fan_in + fan_out))``) for
        ``sigmoid`` and ``tanh``, for every layer including the last.
    dtype : {np.float64, np.float32}, default np.float64
        dtype of the parameters and of the computation (inputs are converted to it).
    activation_params : mapping, optional
        Parameters of the activation, e.g. ``{"alpha": 0.1}`` for ``"leaky_relu"``.

    Attributes
    ----------
    params : dict of str to ndarray
        ``"W1", "b1", ..., "WL", "bL"``: ``W_l`` of shape ``(d_{l-1}, d_l)``, ``b_l`` of shape
        ``(d_l,)``. Biases start at 0. Weights are drawn layer by layer, ``W1`` first, as float64
        ``rng.standard_normal`` and then converted to ``dtype``.
    layer_sizes : tuple of int
    num_layers : int
        Number of affine layers ``L = len(layer_sizes) - 1``.

    Notes
    -----
    A ReLU network runs a fused fast path: the hidden activations are computed in place in
    buffers that are reused from one call to the next while the batch size stays the same (so a
    model must not be used from several threads at once), the ReLU mask is recovered from the
    stored output (``relu(z) > 0`` exactly when ``z > 0``), and the softmax loss overwrites the
    scores with their gradient. Other activations use this package's layer functions. No
    gradient is ever formed for the input ``X``, and the bias gradients are column sums computed
    as ``ones @ d`` (a BLAS matrix-vector product, about twice as fast as ``d.sum(axis=0)``).
    Every array returned (scores, gradients) is new and belongs to the caller.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        rng: np.random.Generator | None = None,
        *,
        reg: float = 0.0,
        loss: str = "softmax",
        weight_scale: float | None = None,
        dtype: Any = np.float64,
        activation_params: Mapping[str, float] | None = None,
    ) -> None:
        func = "MLP"
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        if not isinstance(activation, str) or activation not in ACTIVATION_NAMES:
            raise ValueError(
                f"{func}: argument 'activation' must be one of {', '.join(ACTIVATION_NAMES)}, "
                f"got {activation!r}"
            )
        params = dict(activation_params or {})
        self._act_forward, self._act_backward = get_activation(activation, **params)
        generator = require_rng(rng, func)
        check_positive(reg, func, "reg", allow_zero=True)
        if not isinstance(loss, str) or loss not in LOSS_NAMES:
            raise ValueError(
                f"{func}: argument 'loss' must be one of {', '.join(LOSS_NAMES)}, got {loss!r}"
            )
        if weight_scale is not None:
            check_positive(weight_scale, func, "weight_scale")
        try:
            dt = np.dtype(dtype)
        except TypeError as exc:
            raise TypeError(
                f"{func}: argument 'dtype' must be a NumPy dtype, got {dtype!r}"
            ) from exc
        if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise TypeError(f"{func}: argument 'dtype' must be float32 or float64, got {dt}")

        self.activation = activation
        self.activation_params = params
        self.reg = float(reg)
        self.loss_type = loss
        self.dtype = dt
        self.num_layers = len(self.layer_sizes) - 1
        self._relu = activation == "relu"
        self._work: _Workspace | None = None
        self.params: dict[str, FloatArray] = {}
        for layer, (fan_in, fan_out) in enumerate(
            zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True), start=1
        ):
            if weight_scale is not None:
                std = float(weight_scale)
            elif activation in RELU_FAMILY:
                std = np.sqrt(2.0 / fan_in)
            else:
                std = np.sqrt(2.0 / (fan_in + fan_out))
            W = generator.standard_normal((fan_in, fan_out)) * std
            self.params[f"W{layer}"] = W.astype(dt)
            self.params[f"b{layer}"] = np.zeros(fan_out, dtype=dt)

    # ------------------------------------------------------------------ helpers

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.layer_sizes)
        return (
            f"MLP({sizes}, activation={self.activation!r}, loss={self.loss_type!r}, "
            f"reg={self.reg}, dtype={self.dtype.name})"
        )

    def _inputs(self, X: Any, func: str) -> FloatArray:
        """Validate ``X`` (N, D) or (N, d1, ..., dk), flatten it and convert it to ``dtype``."""
        as_float_array(X, func, "X", min_ndim=2)
        D = self.layer_sizes[0]
        if int(np.prod(X.shape[1:])) != D:
            raise ValueError(
                f"{func}: argument 'X' has shape {X.shape}, expected (N, {D}): the network's "
                f"input size is layer_sizes[0] = {D}"
            )
        return X.reshape(X.shape[0], D).astype(self.dtype, copy=False)

    def _targets(self, y: Any, N: int, func: str) -> Any:
        """Validate the targets for the configured loss."""
        C = self.layer_sizes[-1]
        if self.loss_type in ("softmax", "hinge"):
            as_label_array(y, func, "y", num_classes=C)
        else:
            as_float_array(y, func, "y", ndim=2)
            if y.shape[1] != C:
                raise ValueError(
                    f"{func}: argument 'y' has shape {y.shape}, expected (N, {C}) targets "
                    f"for loss={self.loss_type!r}"
                )
            if self.loss_type == "bce" and not np.all((y >= 0) & (y <= 1)):
                raise ValueError(
                    f"{func}: argument 'y' must hold targets in [0, 1] for loss='bce', got "
                    f"values in [{np.nanmin(y)}, {np.nanmax(y)}]"
                )
            y = y.astype(self.dtype, copy=False)
        if y.shape[0] != N:
            raise ValueError(f"{func}: X has {N} rows but y has {y.shape[0]}; expected one per row")
        return y

    def _weights(self) -> list[tuple[FloatArray, FloatArray]]:
        return [(self.params[f"W{i}"], self.params[f"b{i}"]) for i in range(1, self.num_layers + 1)]

    def _workspace(self, N: int) -> _Workspace:
        """Scratch buffers for a batch of ``N`` rows, kept from the previous call when possible."""
        work = self._work
        if work is None or work.rows != N or work.dtype != self.dtype:
            work = _Workspace(N, self.layer_sizes, self.dtype, self._relu)
            self._work = work
        return work

    def _relu_forward(self, X: FloatArray) -> tuple[FloatArray, list[FloatArray]]:
        """ReLU forward pass into reused buffers: the scores and each layer's input."""
        work = self._workspace(X.shape[0])
        layers = self._weights()
        inputs = [X]
        h = X
        for (W, b), buf in zip(layers[:-1], work.hidden, strict=True):
            z = np.matmul(h, W, out=buf)
            z += b
            h = np.maximum(z, 0, out=z)
            inputs.append(h)
        W, b = layers[-1]
        scores = h @ W
        scores += b
        return scores, inputs

    def _generic_forward(self, X: FloatArray) -> tuple[FloatArray, list[FloatArray], list[Any]]:
        """Forward pass with the activation's layer functions: scores, layer inputs, caches."""
        layers = self._weights()
        inputs = [X]
        caches = []
        h = X
        for W, b in layers[:-1]:
            z = h @ W
            z += b
            h, cache = self._act_forward(z)
            inputs.append(h)
            caches.append(cache)
        W, b = layers[-1]
        scores = h @ W
        scores += b
        return scores, inputs, caches

    # ------------------------------------------------------------------ public API

    def forward(self, X: FloatArray) -> FloatArray:
        """Network output for a batch.

        Parameters
        ----------
        X : ndarray of shape (N, D)
            Inputs (or ``(N, d1, ..., dk)`` with ``d1 * ... * dk = D``), floating point.

        Returns
        -------
        scores : ndarray of shape (N, C)
            Raw outputs of the last affine layer (logits for classification), in ``dtype``.
        """
        X = self._inputs(X, "MLP.forward")
        if self._relu:
            return self._relu_forward(X)[0]
        return self._generic_forward(X)[0]

    def predict(self, X: FloatArray) -> NDArray[Any]:
        """Predictions: the class for ``"softmax"``/``"hinge"``, 0/1 labels for ``"bce"``, values
        for ``"mse"``.

        Parameters
        ----------
        X : ndarray of shape (N, D)

        Returns
        -------
        ndarray
            ``(N,)`` int64 class indices (``argmax`` of the scores) for ``"softmax"`` and
            ``"hinge"``; ``(N, C)`` int64 labels ``scores > 0`` (probability > 0.5) for ``"bce"``;
            the ``(N, C)`` scores themselves for ``"mse"``.
        """
        scores = self.forward(X)
        if self.loss_type in ("softmax", "hinge"):
            return np.argmax(scores, axis=1).astype(np.int64)
        if self.loss_type == "bce":
            return (scores > 0).astype(np.int64)
        return scores

    def loss(self, X: FloatArray, y: NDArray[Any]) -> tuple[float, dict[str, FloatArray]]:
        """Mean loss over the batch (plus the L2 penalty) and its gradient for every parameter.

        Parameters
        ----------
        X : ndarray of shape (N, D)
            Inputs, floating point (converted to ``dtype``).
        y : ndarray
            ``(N,)`` integer labels in ``[0, C)`` for ``"softmax"`` and ``"hinge"``; ``(N, C)``
            float targets for ``"mse"`` and (in ``[0, 1]``) for ``"bce"``.

        Returns
        -------
        loss : float
            Data loss plus ``0.5 * reg * sum_l sum(W_l ** 2)``.
        grads : dict of str to ndarray
            Same keys, shapes and dtype as :attr:`params`.
        """
        func = "MLP.loss"
        X = self._inputs(X, func)
        N = X.shape[0]
        if N == 0:
            raise ValueError(f"{func}: argument 'X' has no rows; the mean loss is undefined")
        y = self._targets(y, N, func)
        layers = self._weights()
        L = self.num_layers

        if self._relu:
            scores, inputs = self._relu_forward(X)
            caches: list[Any] = []
        else:
            scores, inputs, caches = self._generic_forward(X)

        if self.loss_type == "softmax":
            loss, d = _softmax_cross_entropy_inplace(scores, y)
        elif self.loss_type == "hinge":
            loss, d = hinge_loss(scores, y)
        elif self.loss_type == "mse":
            loss, d = mse_loss(scores, y)
        else:
            loss, d = bce_with_logits_loss(scores, y)

        # backward, last layer first; no gradient is formed for X itself
        work = self._workspace(N)
        grads: dict[str, FloatArray] = {}
        for layer in range(L, 0, -1):
            W, _ = layers[layer - 1]
            h = inputs[layer - 1]
            dW = h.T @ d
            if self.reg:
                dW += self.reg * W
            grads[f"W{layer}"] = dW
            grads[f"b{layer}"] = work.ones @ d  # column sums as a matrix-vector product
            if layer > 1:
                if self._relu:
                    dh = np.matmul(d, W.T, out=work.grad_hidden[layer - 2])
                    mask = np.greater(h, 0, out=work.mask[layer - 2])
                    np.multiply(dh, mask, out=dh)
                else:
                    dh = self._act_backward(d @ W.T, caches[layer - 2])
                d = dh

        if self.reg:
            loss += 0.5 * self.reg * sum(float(np.sum(W * W)) for W, _ in layers)
        return float(loss), {k: grads[k] for k in self.params}
