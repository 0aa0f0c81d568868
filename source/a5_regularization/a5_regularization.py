# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 5: regularisation and generalisation
#
# A network with enough parameters can fit its training set perfectly, noise included. What we
# care about is its error on data it has **not** seen. The difference between the two is the
# **generalisation gap**, and you see it in the learning curves: the training loss keeps going
# down while the validation loss stops falling and climbs back up. **Regularisation** is
# everything we do to shrink that gap without shrinking the model: penalise large weights,
# train a family of thinned networks at once, stop at the right moment. Once a network is
# trained, **compression** asks the opposite question: how much of it can we throw away (prune
# weights, store them in 8 bits) before the accuracy suffers?
#
# You will build, in plain NumPy:
#
# 1. the **L2 penalty** and **decoupled weight decay**, for SGD (where they are the same) and
#    for Adam (where they are not: AdamW), and read L2 as a Gaussian **prior**;
# 2. **inverted dropout**, forward and backward;
# 3. a **dropout MLP** whose gradient is exact for the thinned network it sampled;
# 4. **Monte Carlo dropout**, a cheap predictive uncertainty, on a regression with a gap in the
#    data;
# 5. **early stopping** that keeps the best parameters;
# 6. a **training loop** with a progress bar and learning curves;
# 7. an **overfitting study** (no regularisation, L2, dropout, early stopping) on digits with
#    noisy labels, graded on images you never see;
# 8. **magnitude pruning** to a target sparsity and **int8 quantisation**.
#
# ### How this notebook works
#
# - Each graded function lives in its own **answer cell**; replace `raise NotImplementedError()`
#   with your code and keep the function's name and arguments (the grader looks it up by name).
# - The cell after a group of answer cells is a **test cell**: it runs your functions on a few
#   cases, shows a table headed TO DO (not answered yet), PASS (full credit), FAIL (less) or ERROR
#   (your code raised), with a row per case (`ok`, or the share of credit it earned, what is wrong
#   and a hint) and your score for that part. Do not edit test cells. When your notebook is graded,
#   each test also runs **hidden cases** (other shapes, other probabilities, float32).
# - Keep `a5_regularization.cases.npz` in the same folder as this notebook.
# - Two questions are answered in words (**Written answer**); they are graded by hand.
# - Run the notebook top to bottom (*Kernel → Restart & Run All*) before you submit; it takes
#   well under 30 seconds.
#
# ### Conventions (the same in every assignment of this course)
#
# - Batches are **row-major**: $X \in \mathbb{R}^{N \times D}$, labels are integers in $[0, C)$.
# - Every loss is a **mean** over the batch. The L2 penalty is
#   $\frac{\lambda}{2} \sum_l \lVert W_l \rVert^2$ over the **weights only, never the biases**
#   ($\lambda$ is `reg`), with gradient $\lambda W_l$.
# - **Dropout's `p` is the probability of DROPPING a unit**, as in the lecture notes and
#   PyTorch's `nn.Dropout(p)`. Some texts (the original dropout paper, some courses) use `p` for
#   the probability of *keeping* a unit; here the keep probability is $1 - p$.
# - float64 by default; a function returns the dtype it was given. Functions never modify their
#   input arrays. All randomness comes from an explicit `rng` (`np.random.Generator`).

# %%
import copy

import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from autograder.student import datasets
from autograder.student.grader import Grader

threadpool_limits(1)  # the matrices here are small: one BLAS thread is faster than several
grader = Grader("a5_regularization")
rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ### Given: Adam and the softmax cross-entropy of assignments 3 and 4
#
# These helpers are given (you wrote them before). `adam_step` is Adam with bias correction
# (without a4's `weight_decay` argument):
# $t \leftarrow t + 1$, $m \leftarrow \beta_1 m + (1 - \beta_1) g$,
# $v \leftarrow \beta_2 v + (1 - \beta_2) g^2$,
# $w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)$ with
# $\hat m = m / (1 - \beta_1^t)$ and $\hat v = v / (1 - \beta_2^t)$. Its state is the dict
# `{"m": ..., "v": ..., "t": ...}`.

# %%
def adam_init(w):
    """Adam's state for a parameter ``w``: zero moments, step count 0."""
    return {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}


def adam_step(w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step on the gradient ``dw``; returns ``(new_w, new_state)``."""
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * dw
    v = beta2 * state["v"] + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}


def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy of ``scores`` (N, C) and its gradient with respect to them."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    N = scores.shape[0]
    loss = -log_p[np.arange(N), y].mean()
    dscores = np.exp(log_p)
    dscores[np.arange(N), y] -= 1
    return float(loss), dscores / N

# %% [markdown]
# ## Part 1: the L2 penalty, weight decay, and the prior behind them
#
# **L2 as a prior.** Training by maximum likelihood minimises the negative log-likelihood of the
# data, $-\log p(\mathcal{D} \mid w)$, which is our mean cross-entropy up to a factor $N$. A
# Bayesian adds a **prior** $p(w)$ and maximises the posterior $p(w \mid \mathcal{D}) \propto
# p(\mathcal{D} \mid w)\, p(w)$: the **MAP** (maximum a posteriori) estimate. With a Gaussian
# prior $w_i \sim \mathcal{N}(0, \sigma^2)$, $-\log p(w) = \frac{1}{2\sigma^2} \lVert w
# \rVert^2 + \text{const}$, so
# $$w_{\text{MAP}} = \arg\min_w \; -\log p(\mathcal{D} \mid w) + \frac{1}{2\sigma^2} \lVert w
# \rVert^2 ,$$
# which is the L2-penalised loss. A small $\sigma$ (a strong belief that weights are small) is a
# large `reg`.
#
# **Penalty or decay?** The penalty $\frac{\lambda}{2} \lVert w \rVert^2$ adds $\lambda w$ to the
# gradient, and the optimiser sees the sum. **Decoupled weight decay** instead shrinks the
# weights directly and lets the optimiser see the data gradient $g$ only:
# $$\text{SGD + L2:}\; w \leftarrow w - \eta (g + \lambda w), \qquad
# \text{decoupled:}\; w \leftarrow w (1 - \eta \lambda) - \eta g .$$
# Expand the first and you get the second: **for SGD they are the same update**. (We scale the
# decay by the learning rate, as PyTorch does; Loshchilov & Hutter write
# $w \leftarrow (1 - \lambda') w - \eta g$ with $\lambda' = \eta\lambda$.)
#
# **For Adam they differ.** Adam + L2 feeds $g + \lambda w$ to Adam, which divides it by
# $\sqrt{\hat v}$: while it trains, a weight whose gradients are large gets its penalty divided
# by a large number, so the penalty pulls it slowly, while a weight with tiny gradients is pulled
# fast. Where it ends is still the minimum of the penalised loss, as for SGD.
# **AdamW** (Adam with decoupled weight decay) first decays every weight at the same relative
# rate, $w' = w(1 - \eta\lambda)$, then takes Adam's step with the data gradient alone:
# $$m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad v \leftarrow \beta_2 v + (1 - \beta_2) g^2,
# \quad w \leftarrow w' - \eta\, \hat m / (\sqrt{\hat v} + \epsilon).$$
# The decay never enters $m$ or $v$.
#
# **Your task.** Write the four steps. Each takes the weights `w`, the gradient `dw` of the
# **data** loss (no penalty in it), the optimiser state, and returns `(new_w, new_state)`.
# SGD's state is an empty dict. Reuse `adam_step` where it helps.

# %% nbgrader={"grade": false, "grade_id": "sgd_l2_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_l2_step(w, dw, state, *, lr, reg):
    """SGD on the L2-penalised loss: ``w - lr * (dw + reg * w)``; returns ``(new_w, state)``."""
    ### BEGIN SOLUTION
    return w - lr * (dw + reg * w), state
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "sgd_decoupled_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_decoupled_step(w, dw, state, *, lr, weight_decay):
    """SGD with decoupled decay: ``w * (1 - lr * weight_decay) - lr * dw``."""
    ### BEGIN SOLUTION
    return w * (1 - lr * weight_decay) - lr * dw, state
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "adam_l2_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adam_l2_step(w, dw, state, *, lr, reg, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam on the L2-penalised loss: Adam's step on the gradient ``dw + reg * w``."""
    ### BEGIN SOLUTION
    return adam_step(w, dw + reg * w, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "adamw_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adamw_step(w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    """AdamW: decay ``w * (1 - lr * weight_decay)``, then Adam's step on ``dw`` alone."""
    ### BEGIN SOLUTION
    decayed = w * (1 - lr * weight_decay)
    return adam_step(decayed, dw, state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_weight_decay", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_weight_decay", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_weight_decay", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### Seeing the difference
#
# A bowl $\frac12 \bigl(10 (w_0 - 1)^2 + 0.1 (w_1 - 1)^2\bigr)$ whose two coordinates have very
# different gradient scales, minimised from $(0, 0)$ with $\lambda = 0.1$ by all four rules. The
# two SGD runs follow the same path (up to rounding) towards the minimum of the penalised loss,
# $(10/10.1,\ 0.1/0.2) \approx (0.99, 0.5)$: the penalty hardly moves the steep coordinate
# $w_0$ and halves the flat one $w_1$. Adam + L2 minimises the same penalised loss, so it ends
# there too. AdamW's decay acts outside Adam's normalisation: it minimises no fixed penalised
# loss, pulls both coordinates at the same relative rate, and ends near $(0.985, 0.985)$.

# %%
def run_rule(step, init, kwargs, w0, steps=300):
    """Iterates of ``step`` on the bowl, from ``w0``."""
    curv, w, state = np.array([10.0, 0.1]), w0.copy(), init(w0)
    path = [w.copy()]
    for _ in range(steps):
        w, state = step(w, curv * (w - 1.0), state, **kwargs)
        path.append(w.copy())
    return np.array(path)


w_start = np.zeros(2)
paths = {
    "SGD + L2": run_rule(sgd_l2_step, lambda w: {}, {"lr": 0.05, "reg": 0.1}, w_start),
    "SGD, decoupled decay": run_rule(sgd_decoupled_step, lambda w: {},
                                     {"lr": 0.05, "weight_decay": 0.1}, w_start),
    "Adam + L2": run_rule(adam_l2_step, adam_init, {"lr": 0.05, "reg": 0.1}, w_start),
    "AdamW": run_rule(adamw_step, adam_init, {"lr": 0.05, "weight_decay": 0.1}, w_start),
}
fig, ax = plt.subplots(figsize=(6.5, 4.5))
for (name, path), style in zip(paths.items(), ["-", ":", "-", "--"], strict=True):
    ax.plot(path[:, 0], path[:, 1], style, lw=2, label=f"{name}: ends at {path[-1].round(3)}")
ax.plot(1, 1, "k*", ms=12, label="minimum of the data loss")
ax.set(xlabel="$w_0$ (steep direction)", ylabel="$w_1$ (flat direction)",
       title="L2 penalty vs decoupled weight decay")
ax.legend(fontsize=8)
plt.show()
sgd_gap = np.abs(paths["SGD + L2"][-1] - paths["SGD, decoupled decay"][-1]).max()
print("SGD: largest difference", sgd_gap)
print("Adam: largest difference", np.abs(paths["Adam + L2"][-1] - paths["AdamW"][-1]).max())

# %% [markdown]
# ### Written answer: the prior behind L2
#
# (a) Write the negative log-posterior of a network's weights with a Gaussian prior
# $\mathcal{N}(0, \sigma^2 I)$ and show that the MAP estimate minimises the mean loss plus
# $\frac{\lambda}{2} \lVert w \rVert^2$; express $\lambda$ in terms of $\sigma^2$ and the number
# of training examples $N$ (remember that our loss is a **mean**). (b) What does a larger
# training set do to the strength of the prior, and why is that sensible? (c) Which prior gives
# the L1 penalty, and what does it do to the weights that L2 does not? (4-8 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_map_prior", "locked": false, "points": 8, "schema_version": 3, "solution": true, "task": false}
# (a) $-\log p(w \mid \mathcal D) = -\sum_{n} \log p(y_n \mid x_n, w) + \frac{1}{2\sigma^2}
# \lVert w \rVert^2 + \text{const}$. Dividing by $N$ (which does not move the minimiser) gives
# the mean loss plus $\frac{1}{2 N \sigma^2} \lVert w \rVert^2$, so $\lambda = 1 / (N\sigma^2)$.
# (b) For a fixed prior $\sigma$, $\lambda$ falls like $1/N$: the more data, the less the prior
# matters relative to the likelihood, which is what we want, since the data then pins the
# weights down by itself. (c) A Laplace prior $p(w_i) \propto e^{-|w_i| / b}$ gives
# $\frac1b \sum |w_i|$, the L1 penalty; its constant-size gradient pushes small weights exactly
# to zero (sparse solutions), whereas L2 shrinks every weight proportionally and rarely makes
# one exactly zero.

# %% [markdown]
# ## Part 2: inverted dropout
#
# During training, dropout sets each unit of a layer's output to 0 independently with
# probability $p$, drawing a fresh **mask** at every forward pass. Each pass trains a different
# **thinned** network that shares its weights with all the others, so no unit can rely on a
# particular partner being present (no "co-adaptation"), and at test time the full network acts
# like an average of the family.
#
# **Inverted** dropout rescales the kept units during training,
# $$\text{out} = \frac{x \odot m}{1 - p}, \qquad
# m_i \sim \text{Bernoulli}(1 - p) \text{ independently},$$
# so that every unit keeps its expected value, $\mathbb{E}[\text{out}_i] = (1 - p)\, x_i / (1 -
# p) = x_i$, and **evaluation is the identity**: no rescaling at test time, no dropout. (The
# original, non-inverted scheme did not rescale during training and multiplied by $1 - p$ at
# test time instead.)
#
# **Backward.** $\partial\, \text{out}_i / \partial x_i = m_i / (1 - p)$, so
# $dx = \text{dout} \odot m / (1 - p)$ with **the same mask** as the forward pass: keep it in
# the cache.
#
# **Your task.** Write `dropout_forward` and `dropout_backward`. In train mode draw the mask with
# exactly **one** call, `mask = rng.random(x.shape) >= p` (a unit is kept with probability
# $1 - p$); in eval mode return a copy of `x` and do not touch `rng` (it may be `None`). Keep the
# dtype of `x`. The test draws hundreds of masks and checks their statistics: the keep rate,
# the scaling, the mean, the independence of neighbouring units, that the backward pass uses
# the forward's mask, and that the same seed gives the same mask.

# %% nbgrader={"grade": false, "grade_id": "dropout_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dropout_forward(x, p, *, train, rng=None):
    """Inverted dropout with drop probability ``p``.

    Parameters
    ----------
    x : ndarray of any shape
    p : float
        Probability of dropping a unit, in ``[0, 1)``.
    train : bool
        Training (drop and rescale) or evaluation (identity).
    rng : np.random.Generator, optional
        Required in train mode.

    Returns
    -------
    out : ndarray like ``x``
    cache : tuple
        What ``dropout_backward`` needs.
    """
    ### BEGIN SOLUTION
    if not train:
        return x.copy(), (None, p, False)
    mask = rng.random(x.shape) >= p
    out = (x * mask / (1 - p)).astype(x.dtype, copy=False)
    return out, (mask, p, True)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "dropout_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dropout_backward(dout, cache):
    """Gradient of the loss with respect to the input of ``dropout_forward``."""
    ### BEGIN SOLUTION
    mask, p, train = cache
    if not train:
        return dout.copy()
    return (dout * mask / (1 - p)).astype(dout.dtype, copy=False)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_dropout", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_dropout", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_dropout", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# How tight can such a statistical test be? With $n$ units each kept with probability
# $q = 1 - p$, the number kept is binomial, so the observed keep rate has standard error
# $\sqrt{q(1 - q)/n}$. The test accepts 6 standard errors: a correct dropout fails with
# probability below $2 \cdot 10^{-9}$, while using $p$ as the keep probability moves the rate by
# $|1 - 2p|$, hundreds of standard errors for $n = 40\,000$:

# %%
x_demo = np.ones((200, 200))
out_demo, _ = dropout_forward(x_demo, 0.3, train=True, rng=np.random.default_rng(1))
kept = np.mean(out_demo != 0)
print(f"kept {kept:.4f} (expected 0.7000, standard error {np.sqrt(0.7 * 0.3 / 40000):.4f}); "
      f"mean output {out_demo.mean():.4f} (expected 1)")

# %% [markdown]
# ## Part 3: a dropout MLP
#
# The MLP of assignment 3, with inverted dropout after every **hidden** activation (never on the
# input or the output scores):
# $$h_0 = X, \quad h_l = \text{dropout}\bigl(\text{relu}(h_{l-1} W_l + b_l)\bigr) \;\; (l < L),
# \quad \text{scores} = h_{L-1} W_L + b_L .$$
# In train mode, the loss is the loss of **one** thinned network, and its gradient is exact for
# that network: backpropagate through the mask exactly as Part 2 does. The loss is the mean
# softmax cross-entropy plus $\frac{\lambda}{2} \sum_l \lVert W_l \rVert^2$, **weights only**.
#
# **The rng contract** (the grader replays your masks with the same generator): in train mode
# with $p > 0$, draw each hidden layer's mask with one call `rng.random(h.shape) >= p`, first
# hidden layer first, right after its ReLU. In eval mode or with $p = 0$, draw nothing. You may
# call your `dropout_forward`/`dropout_backward` (only in train mode with $p > 0$: it always
# draws a mask), or write the two lines directly (then a mistake in Part 2 costs you nothing
# here).
#
# **Your task.** Complete `_forward` (the scores and whatever the backward pass needs) and
# `loss`. `__init__`, `forward`, `predict` and `predict_proba` are given.

# %% nbgrader={"grade": false, "grade_id": "DropoutMLP", "locked": false, "schema_version": 3, "solution": true, "task": false}
class DropoutMLP:
    """Softmax MLP ``D -> H1 -> ... -> C`` with ReLU and inverted dropout on hidden layers.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, ..., C]``.
    activation : str
        Only ``"relu"`` here.
    rng : np.random.Generator
        Source of the initial weights (He normal; biases 0).
    p : float, default 0.0
        Drop probability of every hidden unit in train mode.
    reg : float, default 0.0
        L2 strength on the weights (never the biases).
    """

    def __init__(self, layer_sizes, activation="relu", rng=None, *, p=0.0, reg=0.0):
        if activation != "relu":
            raise ValueError("DropoutMLP: only activation='relu' is supported here")
        self.layer_sizes = [int(s) for s in layer_sizes]
        self.num_layers = len(self.layer_sizes) - 1
        self.p, self.reg = float(p), float(reg)
        self.params = {}
        for layer in range(1, self.num_layers + 1):
            fan_in, fan_out = self.layer_sizes[layer - 1], self.layer_sizes[layer]
            std = np.sqrt(2.0 / fan_in)
            self.params[f"W{layer}"] = std * rng.standard_normal((fan_in, fan_out))
            self.params[f"b{layer}"] = np.zeros(fan_out)

    def _forward(self, X, train, rng):
        """Scores (N, C) and a list of what the backward pass needs."""
        ### BEGIN SOLUTION
        drop = train and self.p > 0
        h, caches = X, []
        for layer in range(1, self.num_layers):
            z = h @ self.params[f"W{layer}"] + self.params[f"b{layer}"]
            a = np.maximum(z, 0.0)
            mask = None
            if drop:
                mask = rng.random(a.shape) >= self.p
                a = a * mask / (1 - self.p)
            caches.append((h, z, mask))
            h = a
        L = self.num_layers
        scores = h @ self.params[f"W{L}"] + self.params[f"b{L}"]
        caches.append((h, None, None))
        return scores, caches
        ### END SOLUTION

    def forward(self, X, *, train=False, rng=None):
        """Class scores (N, C); dropout only with ``train=True``."""
        return self._forward(X, train, rng)[0]

    def predict_proba(self, X, *, train=False, rng=None):
        """Softmax probabilities (N, C); with ``train=True`` one Monte Carlo dropout sample."""
        scores = self.forward(X, train=train, rng=rng)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Class labels in eval mode."""
        return np.argmax(self.forward(X), axis=1)

    def loss(self, X, y, *, train=False, rng=None):
        """Mean cross-entropy + L2 penalty and the gradients (a dict like ``params``)."""
        ### BEGIN SOLUTION
        scores, caches = self._forward(X, train, rng)
        loss, d = softmax_cross_entropy(scores, y)
        grads = {}
        for layer in range(self.num_layers, 0, -1):
            h, _, _ = caches[layer - 1]
            W = self.params[f"W{layer}"]
            grads[f"W{layer}"] = h.T @ d + self.reg * W
            grads[f"b{layer}"] = d.sum(axis=0)
            if layer > 1:
                _, z, mask = caches[layer - 2]
                dh = d @ W.T
                if mask is not None:
                    dh = dh * mask / (1 - self.p)
                d = dh * (z > 0)
        penalty = sum(np.sum(self.params[f"W{k}"] ** 2) for k in range(1, self.num_layers + 1))
        return float(loss + 0.5 * self.reg * penalty), grads
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_dropout_mlp", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_dropout_mlp", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_dropout_mlp", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# A gradient check of a dropout network must hold the mask fixed: a **new** generator with the
# **same seed** for every loss evaluation samples the same thinned network each time.

# %%
net_chk = DropoutMLP([5, 12, 3], rng=np.random.default_rng(2), p=0.5, reg=0.1)
X_chk, y_chk = rng.standard_normal((6, 5)), rng.integers(0, 3, size=6)
_, g_chk = net_chk.loss(X_chk, y_chk, train=True, rng=np.random.default_rng(7))
u = rng.standard_normal(net_chk.params["W1"].shape)
W1_saved = net_chk.params["W1"].copy()
values = []
for sign in (1, -1):
    net_chk.params["W1"] = W1_saved + sign * 1e-6 * u
    values.append(net_chk.loss(X_chk, y_chk, train=True, rng=np.random.default_rng(7))[0])
net_chk.params["W1"] = W1_saved
print(f"directional derivative: numeric {(values[0] - values[1]) / 2e-6:.8f}, "
      f"analytic {np.sum(g_chk['W1'] * u):.8f}")

# %% [markdown]
# ## Part 4: Monte Carlo dropout
#
# Keep dropout **on** at test time and run the same input through the network $S$ times: each
# pass samples a different thinned network, and the passes are draws from an (approximate)
# ensemble. Their **mean** is the prediction, their **spread** a cheap measure of how
# uncertain the network is about that input (Gal & Ghahramani read this as approximate Bayesian
# inference). Where the training data pinned the function down, the thinned networks agree;
# where there was no data, nothing forced them to, and they disagree.
#
# **Your task.** Write `mc_dropout_predict(model, X, *, n_samples, rng)`. `model` is a function
# `model(X, rng)` that runs one stochastic pass (dropout on) and returns an `(N, K)` array. Call
# it `n_samples` times, one after the other, with the **same** `rng`, and return the mean and
# the standard deviation over the passes (population, `ddof=0`), both of shape `(N, K)`.

# %% nbgrader={"grade": false, "grade_id": "mc_dropout_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mc_dropout_predict(model, X, *, n_samples, rng):
    """Mean and standard deviation over ``n_samples`` passes ``model(X, rng)``."""
    ### BEGIN SOLUTION
    outs = np.stack([np.asarray(model(X, rng)) for _ in range(n_samples)])
    return outs.mean(axis=0), outs.std(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_mc_dropout_predict", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_mc_dropout_predict", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_mc_dropout_predict", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### A regression with a gap
#
# Noisy samples of $\sin x$ on $[-3, -1] \cup [1, 3]$, and nothing in between. The given
# `DropoutRegressor` is a 1-64-64-1 ReLU network with dropout after both hidden layers, trained
# on the mean squared error by full-batch Adam (its masks drawn from `rng` like your MLP's).

# %%
class DropoutRegressor:
    """1-D regression MLP ``1 -> H -> H -> 1`` with ReLU and inverted dropout (given)."""

    def __init__(self, hidden, p, rng):
        sizes = [1, hidden, hidden, 1]
        self.p, self.params = float(p), {}
        for layer in range(1, 4):
            fan_in, fan_out = sizes[layer - 1], sizes[layer]
            std = np.sqrt(2.0 / fan_in)
            self.params[f"W{layer}"] = std * rng.standard_normal((fan_in, fan_out))
            self.params[f"b{layer}"] = np.zeros(fan_out)

    def _run(self, X, train, rng):
        h, caches = X, []
        for layer in range(1, 4):
            z = h @ self.params[f"W{layer}"] + self.params[f"b{layer}"]
            if layer == 3:
                caches.append((h, z, None))
                return z, caches
            keep = (rng.random(z.shape) >= self.p) / (1 - self.p) if train else 1.0
            caches.append((h, z, keep))
            h = np.maximum(z, 0.0) * keep

    def forward(self, X, *, train=False, rng=None):
        """Predictions (N, 1); one stochastic pass with ``train=True``."""
        return self._run(X, train, rng)[0]

    def fit(self, X, y, *, steps, lr, rng):
        """Full-batch Adam on the mean squared error, dropout on."""
        states = {k: adam_init(v) for k, v in self.params.items()}
        for _ in range(steps):
            out, caches = self._run(X, True, rng)
            d = 2 * (out - y) / X.shape[0]
            for layer in range(3, 0, -1):
                h, _, _ = caches[layer - 1]
                grad_W, grad_b = h.T @ d, d.sum(axis=0)
                if layer > 1:
                    _, z_prev, keep = caches[layer - 2]
                    d = (d @ self.params[f"W{layer}"].T) * keep * (z_prev > 0)
                for key, g in ((f"W{layer}", grad_W), (f"b{layer}", grad_b)):
                    self.params[key], states[key] = adam_step(self.params[key], g, states[key],
                                                              lr=lr)
        return self


gap_rng = np.random.default_rng(0)
x_reg = np.concatenate([gap_rng.uniform(-3, -1, 40), gap_rng.uniform(1, 3, 40)])[:, None]
y_reg = np.sin(x_reg) + 0.1 * gap_rng.standard_normal(x_reg.shape)

# %% [markdown]
# **Your task.** Train `mc_regressor`, a `DropoutRegressor`, on `(x_reg, y_reg)`. A drop
# probability around 0.2, 1500 steps and a learning rate of 3e-3 work well (about a second).
# The grader runs 100 stochastic passes of `mc_regressor.forward(x, train=True, rng=...)` on
# inputs of its own in $[-3, 3]$ and computes the spread itself: the mean standard deviation
# inside the gap ($|x| < 0.8$) must be at least **1.15 times** the one outside it
# ($|x| \ge 0.8$, where the data are) (full credit;
# partial from 1.0), and the predictive mean must fit $\sin x$ on the data (RMS error at most
# 0.25).

# %% nbgrader={"grade": false, "grade_id": "train_mc_regressor", "locked": false, "schema_version": 3, "solution": true, "task": false}
mc_regressor = None
### BEGIN SOLUTION
mc_regressor = DropoutRegressor(64, 0.2, np.random.default_rng(1))
mc_regressor.fit(x_reg, y_reg, steps=1500, lr=3e-3, rng=np.random.default_rng(1))
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_mc_band", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_mc_band", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_mc_band", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# The predictive mean with a band of two standard deviations, from your `mc_dropout_predict`:

# %%
x_grid = np.linspace(-3.5, 3.5, 141)[:, None]
mc_mean, mc_std = mc_dropout_predict(
    lambda X, r: mc_regressor.forward(X, train=True, rng=r), x_grid, n_samples=100,
    rng=np.random.default_rng(3),
)
fig, ax = plt.subplots(figsize=(8, 4))
ax.axvspan(-1, 1, color="0.92", label="no training data")
ax.fill_between(x_grid[:, 0], (mc_mean - 2 * mc_std)[:, 0], (mc_mean + 2 * mc_std)[:, 0],
                alpha=0.35, label="mean ± 2 std (MC dropout)")
ax.plot(x_grid, mc_mean, lw=2, label="predictive mean")
ax.plot(x_grid, np.sin(x_grid), "k--", lw=1, label="sin(x)")
ax.plot(x_reg, y_reg, "k.", ms=4, label="training data")
ax.set(xlabel="x", ylabel="y", title="Monte Carlo dropout: 100 passes")
ax.legend(fontsize=8, loc="upper left")
plt.show()

# %% [markdown]
# ## Part 5: early stopping
#
# Training longer lowers the training loss forever; the validation loss reaches its minimum and
# then rises as the network starts fitting noise. **Early stopping** watches the validation loss
# after every epoch, stops once it has not improved for `patience` epochs in a row, and returns
# the parameters of the **best** epoch, not the last. It regularises by limiting how far the
# weights can travel from their small initial values, and it needs a validation split that the
# optimiser never trains on.
#
# **Your task.** Write `EarlyStopping(patience, min_delta=0.0)`:
#
# - `step(val_loss, params)` is called once per epoch (epochs count from 0). The epoch
#   **improves** if `val_loss < best_loss - min_delta` (strictly; a tie is not an improvement;
#   `best_loss` starts at `inf`). On an improvement record `best_loss`, `best_epoch` and a
#   **deep copy** of `params` (`copy.deepcopy`), and reset the count of bad epochs; otherwise
#   add one to it. Return `True` when this epoch did not improve and the count has reached
#   `patience`.
# - `restore()` returns a deep copy of the best parameters (the caller may modify it).
#
# Keep a **deep** copy. The grader's test loop (like PyTorch's optimisers) overwrites the
# parameter arrays **in place** after your `step` returns, so a stored reference or a shallow
# `dict(params)` would end up holding the last values. Your own `train` below stores new arrays
# instead, where a shallow copy would happen to work; `copy.deepcopy` is right in both cases.

# %% nbgrader={"grade": false, "grade_id": "EarlyStopping", "locked": false, "schema_version": 3, "solution": true, "task": false}
class EarlyStopping:
    """Stop when the validation loss has not improved for ``patience`` epochs.

    Attributes
    ----------
    best_loss : float
        Lowest validation loss so far (``inf`` before the first step).
    best_epoch : int or None
        Its epoch (counted from 0).
    """

    def __init__(self, patience, min_delta=0.0):
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.best_loss = np.inf
        self.best_epoch = None
        ### BEGIN SOLUTION
        self.best_params = None
        self.num_bad_epochs = 0
        self.epoch = 0
        ### END SOLUTION

    def step(self, val_loss, params):
        """Record one epoch; return True when training should stop."""
        ### BEGIN SOLUTION
        improved = val_loss < self.best_loss - self.min_delta
        if improved:
            self.best_loss = float(val_loss)
            self.best_epoch = self.epoch
            self.best_params = copy.deepcopy(params)
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        self.epoch += 1
        return (not improved) and self.num_bad_epochs >= self.patience
        ### END SOLUTION

    def restore(self):
        """A deep copy of the best parameters."""
        ### BEGIN SOLUTION
        return copy.deepcopy(self.best_params)
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_early_stopping", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_early_stopping", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_early_stopping", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ## Part 6: the training loop
#
# One loop trains every network of the study. It runs minibatch Adam, records the learning
# curves after every epoch, shows a progress bar, and stops early when told to.
#
# **Your task.** Write `train(model, X_train, y_train, X_val, y_val, *, lr, epochs, batch_size,
# rng, early_stopping=None, progress=True)`, following these steps exactly (the grader runs it
# on a model of its own and replays the same steps):
#
# 1. Before the first epoch, one Adam state per parameter: `states[k] = adam_init(params[k])`.
# 2. For each epoch, wrapped in a progress bar `tqdm(range(epochs), disable=not progress)`:
#    - `order = rng.permutation(N)`, then for `start` in `range(0, N, batch_size)` the minibatch
#      `idx = order[start:start + batch_size]` (the last one may be smaller);
#    - `loss, grads = model.loss(X_train[idx], y_train[idx], train=True, rng=rng)`, then for
#      every key `k` of `model.params`:
#      `model.params[k], states[k] = adam_step(model.params[k], grads[k], states[k], lr=lr)`;
#    - after the epoch, `evaluate` (given below, eval mode) on the whole training set and on the
#      validation set, and append the four numbers to `history["train_loss"]`,
#      `history["val_loss"]`, `history["train_acc"]` and `history["val_acc"]`;
#    - if `early_stopping` is given, call `early_stopping.step(val_loss, model.params)` and
#      `break` when it returns True.
# 3. At the end, if `early_stopping` is given, `model.params.update(early_stopping.restore())`.
#
# Return `history`. Note that `adam_step` returns **new** arrays, which the loop stores back
# into the same dict: an early stopper that kept a reference to that dict (not a deep copy)
# would see them.

# %%
def evaluate(model, X, y):
    """Mean cross-entropy (no penalty, no dropout) and accuracy."""
    loss, _ = softmax_cross_entropy(model.forward(X), y)
    return loss, float(np.mean(model.predict(X) == y))

# %% nbgrader={"grade": false, "grade_id": "train", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(model, X_train, y_train, X_val, y_val, *, lr, epochs, batch_size, rng,
          early_stopping=None, progress=True):
    """Minibatch Adam with per-epoch history; returns ``{"train_loss", "val_loss", ...}``."""
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    ### BEGIN SOLUTION
    states = {k: adam_init(v) for k, v in model.params.items()}
    N = X_train.shape[0]
    bar = tqdm(range(epochs), desc="epochs", disable=not progress, leave=False)
    for _ in bar:
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            _, grads = model.loss(X_train[idx], y_train[idx], train=True, rng=rng)
            for k in model.params:
                model.params[k], states[k] = adam_step(model.params[k], grads[k], states[k],
                                                       lr=lr)
        for split, (Xs, ys) in (("train", (X_train, y_train)), ("val", (X_val, y_val))):
            loss, acc = evaluate(model, Xs, ys)
            history[f"{split}_loss"].append(loss)
            history[f"{split}_acc"].append(acc)
        bar.set_postfix(val_loss=f"{history['val_loss'][-1]:.3f}")
        if early_stopping is not None and early_stopping.step(history["val_loss"][-1],
                                                              model.params):
            break
    bar.close()
    if early_stopping is not None:
        model.params.update(early_stopping.restore())
    ### END SOLUTION
    return history


# %% nbgrader={"grade": true, "grade_id": "test_train", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_train", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_train", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ## Part 7: an overfitting study
#
# To make overfitting easy to see, we train on only **300** training digits and replace **30%**
# of their labels with random ones (a fixed choice, below). A network large enough to memorise
# 300 images learns the wrong labels too, which is exactly what regularisation should prevent.
# The validation split keeps its true labels.
#
# **Your task.** Train four `DropoutMLP`s with one hidden layer of 128 units, with your `train` and
# the same settings apart from the regulariser (Adam `lr=3e-3`, `batch_size=50`, 80 epochs):
#
# - `model_none`: no regularisation;
# - `model_l2`: an L2 penalty (`reg`);
# - `model_dropout`: dropout (`p`);
# - `model_early`: no penalty, no dropout, an `EarlyStopping`;
#
# and keep their histories in `history_none`, `history_l2`, `history_dropout`, `history_early`
# (the plot below draws them). Choose `reg`, `p` and `patience` with the validation split.
#
# **Graded:** the grader computes the accuracy of `model_l2`, `model_dropout` and `model_early`
# from their parameters on a **held-out test split** this notebook never loads. The
# unregularised network reaches about **0.77** there; each regularised one needs **0.80** for
# full credit (partial credit from 0.78). With well-chosen settings they reach 0.84 to 0.87.

# %%
digits = datasets.load_digits_split()
noise_rng = np.random.default_rng(42)
X_small, y_small = digits["X_train"][:300], digits["y_train"][:300].copy()
flipped = noise_rng.random(300) < 0.3
y_small[flipped] = noise_rng.integers(0, 10, size=int(flipped.sum()))
X_val, y_val = digits["X_val"], digits["y_val"]
print(f"{X_small.shape[0]} training images, {int(flipped.sum())} labels replaced; "
      f"{X_val.shape[0]} validation images")

# %% nbgrader={"grade": false, "grade_id": "overfitting_study", "locked": false, "schema_version": 3, "solution": true, "task": false}
model_none = model_l2 = model_dropout = model_early = None
history_none = history_l2 = history_dropout = history_early = None
### BEGIN SOLUTION
settings = {"lr": 3e-3, "epochs": 80, "batch_size": 50}
study_rng = np.random.default_rng(0)
model_none = DropoutMLP([64, 128, 10], rng=study_rng)
history_none = train(model_none, X_small, y_small, X_val, y_val, rng=study_rng, **settings)
study_rng = np.random.default_rng(0)
model_l2 = DropoutMLP([64, 128, 10], rng=study_rng, reg=3e-2)
history_l2 = train(model_l2, X_small, y_small, X_val, y_val, rng=study_rng, **settings)
study_rng = np.random.default_rng(0)
model_dropout = DropoutMLP([64, 128, 10], rng=study_rng, p=0.7)
history_dropout = train(model_dropout, X_small, y_small, X_val, y_val, rng=study_rng, **settings)
study_rng = np.random.default_rng(0)
model_early = DropoutMLP([64, 128, 10], rng=study_rng)
history_early = train(model_early, X_small, y_small, X_val, y_val, rng=study_rng,
                      early_stopping=EarlyStopping(5), **settings)
### END SOLUTION
for name, model in (("none", model_none), ("L2", model_l2), ("dropout", model_dropout),
                    ("early stopping", model_early)):
    print(f"{name:>15}: validation accuracy {evaluate(model, X_val, y_val)[1]:.3f}")

# %% nbgrader={"grade": true, "grade_id": "test_overfitting_study", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_overfitting_study", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_overfitting_study", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# The learning curves, training (solid) and validation (dashed), all on one figure. The
# generalisation gap is the distance between a solid line and its dashed partner.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
histories = {"none": history_none, "L2": history_l2, "dropout": history_dropout,
             "early stopping": history_early}
for (name, hist), color in zip(histories.items(), ["C0", "C1", "C2", "C3"], strict=True):
    for ax, key in zip(axes, ("loss", "acc"), strict=True):
        epochs_run = np.arange(1, len(hist[f"train_{key}"]) + 1)
        ax.plot(epochs_run, hist[f"train_{key}"], color=color, label=f"{name}, training")
        ax.plot(epochs_run, hist[f"val_{key}"], "--", color=color, label=f"{name}, validation")
axes[0].set(xlabel="epoch", ylabel="cross-entropy", title="loss (training labels 30% noisy)")
axes[1].set(xlabel="epoch", ylabel="accuracy", title="accuracy")
axes[1].legend(fontsize=7, ncol=2)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Part 8: magnitude pruning
#
# Many trained weights are close to 0 and matter little. **Magnitude pruning** sets the
# fraction `sparsity` of the weights with the smallest $|w|$ to exactly 0 (a sparse matrix then
# stores and multiplies only the rest). With $n$ weights, prune the $k = $ `round(sparsity * n)`
# smallest. Two ways to count:
#
# - `scope="global"` (default): rank **all** the weights of all the tensors together, so a layer
#   with many small weights loses more of them than one with large weights;
# - `scope="per_tensor"`: apply the rule to each tensor on its own (each ends at `sparsity`).
#
# **Your task.** Write `magnitude_prune(weights, sparsity, *, scope="global")`. `weights` is one
# array or a dict of arrays; return `(pruned, mask)` with the same structure: new arrays with
# the pruned entries set to 0, and boolean masks, True where a weight is kept. Break ties by
# position: sort the magnitudes with a stable sort (`np.argsort(..., kind="stable")`), a dict's
# arrays flattened and concatenated in its order. Biases are not pruned (the helper below only
# passes the `W`s).

# %% nbgrader={"grade": false, "grade_id": "magnitude_prune", "locked": false, "schema_version": 3, "solution": true, "task": false}
def magnitude_prune(weights, sparsity, *, scope="global"):
    """Zero the ``round(sparsity * n)`` smallest-magnitude weights; return ``(pruned, mask)``."""
    ### BEGIN SOLUTION
    def keep_mask(magnitudes):
        keep = np.ones(magnitudes.size, dtype=bool)
        k = round(sparsity * magnitudes.size)
        keep[np.argsort(magnitudes, kind="stable")[:k]] = False
        return keep

    if isinstance(weights, np.ndarray):
        keep = keep_mask(np.abs(weights).ravel()).reshape(weights.shape)
        return np.where(keep, weights, 0).astype(weights.dtype), keep
    if scope == "per_tensor":
        masks = {k: keep_mask(np.abs(w).ravel()).reshape(w.shape) for k, w in weights.items()}
    else:
        flat = keep_mask(np.concatenate([np.abs(w).ravel() for w in weights.values()]))
        masks, start = {}, 0
        for k, w in weights.items():
            masks[k] = flat[start:start + w.size].reshape(w.shape)
            start += w.size
    pruned = {k: np.where(masks[k], w, 0).astype(w.dtype) for k, w in weights.items()}
    return pruned, masks
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_magnitude_prune", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_magnitude_prune", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_magnitude_prune", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Validation accuracy of the L2-trained network as more and more of its weights are pruned,
# globally and per tensor:

# %%
def pruned_copy(model, sparsity, scope):
    """A copy of ``model`` with its weight matrices pruned."""
    clone = copy.deepcopy(model)
    W = {k: v for k, v in model.params.items() if k.startswith("W")}
    clone.params.update(magnitude_prune(W, sparsity, scope=scope)[0])
    return clone


sparsities = [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98]
fig, ax = plt.subplots(figsize=(6.5, 4))
for scope in ("global", "per_tensor"):
    accs = [evaluate(pruned_copy(model_l2, s, scope), X_val, y_val)[1] for s in sparsities]
    ax.plot(sparsities, accs, "o-", label=f"scope={scope!r}")
ax.set(xlabel="sparsity (fraction of weights set to 0)", ylabel="validation accuracy",
       title="accuracy against sparsity", ylim=(0, 1))
ax.legend()
plt.show()

# %% [markdown]
# ## Part 9: int8 quantisation
#
# Storing a weight in 8 bits instead of 64 divides the memory by 8. **Symmetric per-tensor
# quantisation** maps the range $[-\max|w|, \max|w|]$ onto the integers $[-127, 127]$:
# $$\text{scale} = \frac{\max_i |w_i|}{127}, \qquad q = \text{clip}\bigl(\text{round}(w /
# \text{scale}), -127, 127\bigr) \in \texttt{int8}, \qquad \hat w = q \cdot \text{scale}.$$
# Rounding to the nearest integer moves each weight by at most half a step:
# $|w - \hat w| \le \text{scale} / 2$. The zero point is 0 (0 stays exactly 0, which pruning
# needs) and the code -128 is never used, so the range is symmetric. Compute in float64 and
# cast to `int8` only after clipping: casting 128 to `int8` silently wraps around to -128.
# If `w` is all zeros, use `scale = 1.0`.
#
# **Your task.** Write `quantize_int8(w) -> (q, scale)` and
# `dequantize_int8(q, scale, *, dtype=np.float64)`, which returns `q * scale` as `dtype`.

# %% nbgrader={"grade": false, "grade_id": "quantize_int8", "locked": false, "schema_version": 3, "solution": true, "task": false}
def quantize_int8(w):
    """Symmetric int8 codes of ``w`` and their scale: ``(q, scale)``."""
    ### BEGIN SOLUTION
    max_abs = float(np.max(np.abs(w)))
    scale = max_abs / 127.0 if max_abs > 0 else 1.0
    q = np.clip(np.round(w.astype(np.float64) / scale), -127, 127).astype(np.int8)
    return q, scale
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "dequantize_int8", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dequantize_int8(q, scale, *, dtype=np.float64):
    """Real values ``q * scale`` of the codes, as ``dtype``."""
    ### BEGIN SOLUTION
    return (q.astype(np.float64) * float(scale)).astype(dtype)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_quantization", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_quantization", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_quantization", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# The cost and the gain on the L2-trained network: its validation accuracy with every weight
# matrix round-tripped through int8, and the memory of its weight matrices.

# %%
quantized = copy.deepcopy(model_l2)
bytes_float, bytes_int8 = 0, 0
for key, W in model_l2.params.items():
    if key.startswith("W"):
        q, scale = quantize_int8(W)
        quantized.params[key] = dequantize_int8(q, scale)
        bytes_float += W.nbytes
        bytes_int8 += q.nbytes + 8  # the codes and one float64 scale
print(f"validation accuracy: float64 {evaluate(model_l2, X_val, y_val)[1]:.3f}, "
      f"int8 {evaluate(quantized, X_val, y_val)[1]:.3f}")
print(f"weight matrices: {bytes_float} bytes in float64, {bytes_int8} bytes in int8 "
      f"({bytes_float / bytes_int8:.1f} times smaller)")

# %% [markdown]
# ### Written answer: ranking the regularisers
#
# Using **your** curves and numbers from Parts 7 to 9: (a) rank no regularisation, L2, dropout
# and early stopping by validation accuracy, and say what the curves show about each (where the
# validation loss turns up, how large the gap between training and validation ends). (b) Why
# does each regulariser help on noisy labels, in one sentence each? (c) Which would you try
# first on a new problem, and what does early stopping need that the other two do not?
# (5-10 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_rank_regularizers", "locked": false, "points": 8, "schema_version": 3, "solution": true, "task": false}
# (a) With the reference settings: early stopping and L2 (about 0.83-0.87) ahead of dropout
# (about 0.82-0.85), all well ahead of no regularisation (about 0.75). Without regularisation the
# training accuracy reaches 1 (the wrong labels memorised) while the validation loss turns up
# after about 15 epochs and keeps rising: the largest gap. L2 keeps the training accuracy near
# 0.7 (it cannot fit the noise) and the two curves close together; dropout slows the
# memorisation and shrinks the gap; early stopping stops near the minimum of the validation
# loss, before the noise is learned. (b) L2 keeps the weights small, so the function stays
# smooth and cannot bend around single mislabelled images; dropout forces every unit to be
# useful within many thinned networks, which averages out what only one image supports; early
# stopping ends training before the slow phase in which the noise is fitted. (c) Early stopping
# costs nothing and needs no tuning beyond patience, but it needs a validation split held out
# from training (and the best parameters kept); L2 or AdamW's decay next, dropout for large
# networks.

# %% [markdown]
# ## Recap
#
# - L2 is a Gaussian prior (MAP). For SGD an L2 penalty and decoupled weight decay are the same
#   update; for Adam they are not, and AdamW decays every weight at the same rate.
# - Inverted dropout drops with probability $p$ and divides by $1 - p$ at training time, so
#   evaluation is the identity; the backward pass reuses the forward's mask.
# - Monte Carlo dropout turns one network into an ensemble whose spread grows where there was
#   no data.
# - Early stopping needs a validation split and must keep a **copy** of the best parameters.
# - Pruning and 8-bit quantisation shrink a trained network several times at a small cost in
#   accuracy; quantisation's error is at most half a step per weight.
