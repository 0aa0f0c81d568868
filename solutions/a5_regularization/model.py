"""An MLP classifier with inverted dropout after every hidden activation.

It extends a3's :class:`~solutions.a3_backprop_mlp.MLP` (same parameters, initialisation and L2
penalty, softmax cross-entropy loss) with a drop probability ``p`` and a train/eval switch::

    h_0 = X
    h_l = dropout(g(h_{l-1} @ W_l + b_l))      l = 1 .. L-1   (hidden layers)
    scores = h_{L-1} @ W_L + b_L                              (no dropout on input or output)

In train mode with ``p > 0`` each hidden layer's mask is drawn, first hidden layer first, by
:func:`~solutions.a5_regularization.dropout_forward` (one ``rng.random(h.shape)`` call per hidden
layer). With ``p = 0`` or in eval mode no dropout layer runs and ``rng`` is not used, so the
network is exactly a3's MLP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from solutions._validation import as_float_array, as_label_array, check_probability, require_rng
from solutions.a3_backprop_mlp.activations import get_activation
from solutions.a3_backprop_mlp.affine import affine_backward, affine_forward
from solutions.a3_backprop_mlp.losses import softmax_cross_entropy_loss
from solutions.a3_backprop_mlp.mlp import MLP
from solutions.a5_regularization.dropout import dropout_backward, dropout_forward

FloatArray = NDArray[np.floating[Any]]


class DropoutMLP(MLP):
    """Softmax MLP classifier ``D -> H1 -> ... -> C`` with dropout between hidden layers.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., C]``.
    activation : str, default "relu"
        Hidden activation (any name of a3's ``ACTIVATION_NAMES``).
    rng : np.random.Generator
        Source of the initial weights (a3's rule: He normal for the ReLU family, Xavier normal
        for sigmoid/tanh, drawn ``W1`` first; biases 0).
    p : float, default 0.0
        Drop probability of every hidden unit in train mode, in ``[0, 1)``.
    reg : float, default 0.0
        L2 strength on the weights (never the biases).
    dtype : {np.float64, np.float32}, default np.float64

    Attributes
    ----------
    params : dict of str to ndarray
        ``"W1", "b1", ..., "WL", "bL"`` as in a3's MLP.
    p : float
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        rng: np.random.Generator | None = None,
        *,
        p: float = 0.0,
        reg: float = 0.0,
        dtype: Any = np.float64,
    ) -> None:
        check_probability(p, "DropoutMLP", "p")
        super().__init__(layer_sizes, activation, rng, reg=reg, loss="softmax", dtype=dtype)
        self.p = float(p)

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.layer_sizes)
        return (
            f"DropoutMLP({sizes}, activation={self.activation!r}, p={self.p}, reg={self.reg}, "
            f"dtype={self.dtype.name})"
        )

    def _prepare(self, X: Any, func: str, train: Any, rng: Any) -> tuple[FloatArray, bool]:
        as_float_array(X, func, "X", ndim=2)
        if X.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"{func}: argument 'X' has shape {X.shape}, expected (N, {self.layer_sizes[0]})"
            )
        if not isinstance(train, bool | np.bool_):
            raise TypeError(f"{func}: argument 'train' must be True or False, got {train!r}")
        drop = bool(train) and self.p > 0
        if drop:
            require_rng(rng, func)
        return X.astype(self.dtype, copy=False), drop

    def _forward(
        self, X: FloatArray, drop: bool, rng: np.random.Generator | None
    ) -> tuple[FloatArray, list[tuple[Any, ...]]]:
        act_forward, _ = get_activation(self.activation, **self.activation_params)
        h = X
        caches: list[tuple[Any, ...]] = []
        L = self.num_layers
        for layer in range(1, L):
            z, aff = affine_forward(h, self.params[f"W{layer}"], self.params[f"b{layer}"])
            h, act = act_forward(z)
            dc = None
            if drop:
                h, dc = dropout_forward(h, self.p, train=True, rng=rng)
            caches.append((aff, act, dc))
        scores, aff = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        caches.append((aff, None, None))
        return scores, caches

    def forward(
        self, X: FloatArray, *, train: bool = False, rng: np.random.Generator | None = None
    ) -> FloatArray:
        """Class scores (logits).

        Parameters
        ----------
        X : ndarray of shape (N, D)
        train : bool, default False
            Apply dropout (needs ``rng`` when ``p > 0``).
        rng : np.random.Generator, optional

        Returns
        -------
        scores : ndarray of shape (N, C)
        """
        Xc, drop = self._prepare(X, "DropoutMLP.forward", train, rng)
        return self._forward(Xc, drop, rng)[0]

    def predict_proba(
        self, X: FloatArray, *, train: bool = False, rng: np.random.Generator | None = None
    ) -> FloatArray:
        """Softmax class probabilities; with ``train=True`` one Monte Carlo dropout sample.

        Parameters
        ----------
        X : ndarray of shape (N, D)
        train : bool, default False
        rng : np.random.Generator, optional

        Returns
        -------
        probs : ndarray of shape (N, C)
            Rows sum to 1.
        """
        scores = self.forward(X, train=train, rng=rng)
        shifted = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)

    def loss(
        self,
        X: FloatArray,
        y: NDArray[Any],
        *,
        train: bool = False,
        rng: np.random.Generator | None = None,
    ) -> tuple[float, dict[str, FloatArray]]:
        """Mean softmax cross-entropy plus ``0.5 * reg * sum_l ||W_l||**2`` and its gradients.

        In train mode with ``p > 0`` the loss is that of one thinned network (one mask per
        hidden layer drawn from ``rng``) and the gradients are exact for that network.

        Parameters
        ----------
        X : ndarray of shape (N, D)
        y : ndarray of shape (N,)
            Integer labels in ``[0, C)``.
        train : bool, default False
        rng : np.random.Generator, optional
            Required when ``train`` and ``p > 0``.

        Returns
        -------
        loss : float
        grads : dict of str to ndarray
            Same keys, shapes and dtype as :attr:`params`.
        """
        func = "DropoutMLP.loss"
        Xc, drop = self._prepare(X, func, train, rng)
        as_label_array(y, func, "y", num_classes=self.layer_sizes[-1])
        if y.shape[0] != Xc.shape[0]:
            raise ValueError(f"{func}: X has {Xc.shape[0]} rows but y has {y.shape[0]} labels")
        scores, caches = self._forward(Xc, drop, rng)
        loss, d = softmax_cross_entropy_loss(scores, y)
        _, act_backward = get_activation(self.activation, **self.activation_params)
        grads: dict[str, FloatArray] = {}
        for layer in range(self.num_layers, 0, -1):
            aff, _, _ = caches[layer - 1]
            dh, dW, db = affine_backward(d, aff)
            if self.reg:
                dW = dW + self.reg * self.params[f"W{layer}"]
            grads[f"W{layer}"] = dW
            grads[f"b{layer}"] = db
            if layer > 1:
                _, act, dc = caches[layer - 2]
                if dc is not None:
                    dh = dropout_backward(dh, dc)
                d = act_backward(dh, act)
        if self.reg:
            loss += (
                0.5
                * self.reg
                * sum(
                    float(np.sum(self.params[f"W{k}"] ** 2)) for k in range(1, self.num_layers + 1)
                )
            )
        return float(loss), {k: grads[k] for k in self.params}

    def predict(self, X: FloatArray) -> NDArray[Any]:
        """Predicted classes in eval mode (no dropout).

        Parameters
        ----------
        X : ndarray of shape (N, D)

        Returns
        -------
        ndarray of shape (N,), int64
        """
        return np.argmax(self.forward(X), axis=1).astype(np.int64)
