# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 4: training deep networks
#
# Assignment 3 trained networks with one or two hidden layers, and plain gradient descent was
# enough. Stack ten layers and the same recipe stalls: the loss does not move, or it explodes to
# NaN in a few steps. Nothing is wrong with backpropagation; the trouble is **how signals and
# gradients change size** as they cross many layers, and **how the optimiser moves** on a loss
# surface that is much steeper in some directions than in others. This notebook measures both
# problems and builds the standard fixes, in plain NumPy:
#
# 1. **initialisers** (zeros, small normal, Xavier, He, LeCun) and why their variance is what it is;
# 2. **per-layer statistics** of a 10-layer net: activations and gradients under each initialiser;
# 3. **vanishing and exploding gradients**: gradient norm against depth, and the Jacobian of
#    the whole stack (the product of the layer Jacobians) with its singular values;
# 4. **gradient clipping** by the global norm;
# 5. **residual blocks** `x + F(x)`, which keep gradients alive through depth;
# 6. **layer normalisation**, forward and backward;
# 7. **optimisers** as state + step: SGD, momentum, Nesterov, RMSProp, Adam;
# 8. **learning-rate schedules**, and **Newton's method** against gradient descent;
# 9. **minibatches**: every sample once per epoch;
# 10. a **deep network** on digits that no linear model can classify, trained with all of the above.
#
# ### How this notebook works
#
# - Each graded function lives in an **answer cell**; replace `raise NotImplementedError()` with
#   your code and keep the names and arguments (the grader looks them up by name).
# - The **test cell** after a group of answer cells runs your functions on a few cases and shows a
#   table headed TO DO (not answered yet), PASS (full credit), FAIL (less) or ERROR (your code
#   raised), with a row per case (`ok`, or the share of credit it earned, what is wrong and a hint)
#   and your score for the part. Do not edit test cells. Graded runs add **hidden cases** (other
#   shapes, hyper-parameters, seeds).
# - Initialisers are graded **statistically**: the sample variance, mean and shape of the
#   distribution of a large draw must match the target within 6 standard errors, and the `rng`
#   you are given must be the only source of randomness. Optimisers are graded on **whole
#   trajectories** of several steps.
# - Keep `a4_training_deep_nets.cases.npz` next to this notebook.
# - Two questions are answered in words (**Written answer**); they are graded by hand.
# - Run the notebook top to bottom (*Kernel → Restart & Run All*) before submitting; it takes
#   well under 30 seconds.
#
# ### Conventions (the same in every assignment)
#
# - Row-major batches `X` of shape `(N, D)`; a dense layer is `h = g(x @ W + b)` with `W` of
#   shape `(fan_in, fan_out)`, so **fan_in** is the number of inputs of a unit and **fan_out**
#   the number of units.
# - Every loss is a mean over the batch; float64 unless a test says otherwise.
# - A function returns the dtype it was given: when `x` and every parameter (and `dout`) are
#   float32, every array it returns is float32 (tested here for the residual block and layer
#   norm; elsewhere the tests use float64).
# - Randomness only from an explicit `rng` (a `np.random.Generator`); a function never modifies
#   its input arrays: it returns new ones.

# %%
import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from autograder.student import datasets, plots_a4
from autograder.student.datasets_a4 import load_inverted_digits
from autograder.student.grader import Grader

# The matrices here are small: one BLAS thread is faster than several competing for the cores.
threadpool_limits(1)
grader = Grader("a4_training_deep_nets")
rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)

ACTIVATIONS = {
    "linear": (lambda a: a, lambda a: np.ones_like(a)),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(a.dtype)),
    "leaky_relu": (lambda a: np.where(a > 0, a, 0.01 * a),
                   lambda a: np.where(a > 0, 1.0, 0.01).astype(a.dtype)),
    "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
    "sigmoid": (lambda a: 0.5 * (1.0 + np.tanh(0.5 * a)),
                lambda a: 0.25 * (1.0 - np.tanh(0.5 * a) ** 2)),
}
"""name -> (g, g'): the activations used in this notebook (relu'(0) = 0)."""


def relu_mlp_loss(params, X, y):
    """Softmax cross-entropy of the ReLU network ``params = {W1, b1, ..., WL, bL}`` and its grads.

    Hidden layers ``h = relu(h @ W + b)``, the last layer gives raw scores. Returns
    ``(loss, grads)`` with ``grads`` a dict shaped like ``params``.
    """
    L = len(params) // 2
    hs, pre = [X], []
    for k in range(1, L + 1):
        a = hs[-1] @ params[f"W{k}"] + params[f"b{k}"]
        pre.append(a)
        hs.append(np.maximum(a, 0.0) if k < L else a)
    s = hs[-1] - hs[-1].max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    N = X.shape[0]
    loss = float(-np.mean(np.log(p[np.arange(N), y] + 1e-300)))
    d = p.copy()
    d[np.arange(N), y] -= 1.0
    d /= N
    grads = {}
    for k in range(L, 0, -1):
        if k < L:
            d = d * (pre[k - 1] > 0)
        grads[f"W{k}"] = hs[k - 1].T @ d
        grads[f"b{k}"] = d.sum(axis=0)
        d = d @ params[f"W{k}"].T
    return loss, grads


def relu_mlp_accuracy(params, X, y):
    """Fraction of rows of ``X`` whose highest score is the label ``y``."""
    h = X
    L = len(params) // 2
    for k in range(1, L + 1):
        h = h @ params[f"W{k}"] + params[f"b{k}"]
        if k < L:
            h = np.maximum(h, 0.0)
    return float(np.mean(h.argmax(axis=1) == y))

# %% [markdown]
# ## Part 1: initialisers
#
# Take one unit of a dense layer, $a = \sum_{j=1}^{n_\text{in}} x_j W_j$, with weights drawn
# independently, of mean 0 and variance $s^2$, independent of inputs of variance $v$ (and mean
# 0 for now). The terms are independent with mean 0, so their variances add:
# $$\operatorname{Var}(a) = n_\text{in}\, s^2\, v .$$
# If $n_\text{in} s^2 > 1$ the **variance** of the signal grows by that factor at **every**
# layer (its spread, the standard deviation, by $\sqrt{n_\text{in} s^2}$), if it is $< 1$ it
# shrinks by it: after 10 layers a factor 2 has become 1000 and a factor 1/2 one thousandth.
# The backward pass is the same computation with the transposed matrix, so the gradient
# reaching a layer's input has its variance multiplied by $n_\text{out} s^2$ per layer.
#
# - **LeCun**: $s^2 = 1/n_\text{in}$ keeps the forward variance (linear units, SELU).
# - **Xavier / Glorot** (tanh, sigmoid): a compromise between the forward condition
#   $n_\text{in} s^2 = 1$ and the backward one $n_\text{out} s^2 = 1$,
#   $$s^2 = \frac{2}{n_\text{in} + n_\text{out}} .$$
# - **He / Kaiming** (ReLU): $s^2 = 2/n_\text{in}$. ReLU sets half of its inputs to zero, which
#   halves the second moment; doubling the variance makes up for it (you derive this below).
#
# A uniform $U(-r, r)$ has variance $r^2/3$, so the uniform versions use $r = \sqrt{3 s^2}$:
# $r = \sqrt{6/(n_\text{in}+n_\text{out})}$ for Xavier and $\sqrt{6/n_\text{in}}$ for He.
#
# > **Note on the lecture slides.** They write Xavier's variance as $1/(n_\text{in} +
# > n_\text{out})$; the paper's (and every library's) is $2/(n_\text{in} + n_\text{out})$, the
# > average of the two conditions above. They also say that He and LeCun coincide when
# > $n_\text{in} = n_\text{out}$; it is **Xavier and LeCun** that coincide then
# > ($2/(2n) = 1/n$), while He is always twice LeCun.
#
# **Your task.** Write the seven initialisers (He first: the deep ReLU network of Part 10 needs
# a fan-scaled one, and He is made for ReLU).
# Each takes `fan_in, fan_out, rng` and a keyword
# `dtype` (default float64) and returns `W` of shape `(fan_in, fan_out)`. Draw **only** from
# `rng`, in float64, then cast with `.astype(dtype)`: a normal initialiser returns
# `(s * rng.standard_normal((fan_in, fan_out))).astype(dtype)`, a uniform one
# `rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)`. `zeros_init` draws nothing;
# `small_normal_init` has a fixed standard deviation `std` (default 0.01) whatever the fans.

# %% nbgrader={"grade": false, "grade_id": "initializers", "locked": false, "schema_version": 3, "solution": true, "task": false}
def he_normal_init(fan_in, fan_out, rng, *, dtype=np.float64):
    """N(0, 2 / fan_in), shape (fan_in, fan_out)."""
    ### BEGIN SOLUTION
    s = np.sqrt(2.0 / fan_in)
    return (s * rng.standard_normal((fan_in, fan_out))).astype(dtype)
    ### END SOLUTION


def he_uniform_init(fan_in, fan_out, rng, *, dtype=np.float64):
    """U(-a, a) with a = sqrt(6 / fan_in), shape (fan_in, fan_out)."""
    ### BEGIN SOLUTION
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)
    ### END SOLUTION


def xavier_uniform_init(fan_in, fan_out, rng, *, dtype=np.float64):
    """U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), shape (fan_in, fan_out)."""
    ### BEGIN SOLUTION
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out)).astype(dtype)
    ### END SOLUTION


def xavier_normal_init(fan_in, fan_out, rng, *, dtype=np.float64):
    """N(0, 2 / (fan_in + fan_out)), shape (fan_in, fan_out)."""
    ### BEGIN SOLUTION
    s = np.sqrt(2.0 / (fan_in + fan_out))
    return (s * rng.standard_normal((fan_in, fan_out))).astype(dtype)
    ### END SOLUTION


def lecun_normal_init(fan_in, fan_out, rng, *, dtype=np.float64):
    """N(0, 1 / fan_in), shape (fan_in, fan_out)."""
    ### BEGIN SOLUTION
    s = np.sqrt(1.0 / fan_in)
    return (s * rng.standard_normal((fan_in, fan_out))).astype(dtype)
    ### END SOLUTION


def small_normal_init(fan_in, fan_out, rng, *, std=0.01, dtype=np.float64):
    """N(0, std**2) weights of shape (fan_in, fan_out), whatever the fans."""
    ### BEGIN SOLUTION
    return (std * rng.standard_normal((fan_in, fan_out))).astype(dtype)
    ### END SOLUTION


def zeros_init(fan_in, fan_out, rng, *, dtype=np.float64):
    """All-zero weights of shape (fan_in, fan_out); draws nothing from ``rng``."""
    ### BEGIN SOLUTION
    return np.zeros((fan_in, fan_out), dtype=dtype)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_initializers", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_initializers", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_initializers", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### Written answer: the He variance
#
# Let $a = \sum_{j=1}^{n} h_j W_j$ where $h_j = \max(z_j, 0)$ are the ReLU outputs of the
# previous layer, the $z_j$ independent and **symmetric** about 0 with variance $\sigma_z^2$,
# and the $W_j$ independent of them with mean 0 and variance $s^2$. (a) Show that
# $\operatorname{Var}(a) = n\, s^2\, E[h_j^2]$ (note that $E[h_j] \ne 0$, so be careful which
# moment appears). (b) Show that $E[h_j^2] = \sigma_z^2 / 2$. (c) Conclude which $s^2$ keeps
# the pre-activation variance the same from layer to layer, and say what happens to
# $\operatorname{Var}(a)$ after 20 layers with Xavier's variance instead when
# $n_\text{in} = n_\text{out}$.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_he_variance", "locked": false, "points": 5, "schema_version": 3, "solution": true, "task": false}
# (a) The terms $h_j W_j$ are independent with $E[h_j W_j] = E[h_j] E[W_j] = 0$, so
# $\operatorname{Var}(a) = \sum_j \operatorname{Var}(h_j W_j) = \sum_j E[h_j^2 W_j^2] =
# \sum_j E[h_j^2] E[W_j^2] = n s^2 E[h_j^2]$: the **second moment** of $h_j$ appears, not its
# variance, because $W_j$ has mean zero. (b) By symmetry of $z_j$,
# $E[z_j^2] = E[z_j^2 1_{z_j > 0}] + E[z_j^2 1_{z_j < 0}] = 2 E[z_j^2 1_{z_j > 0}]$, and
# $h_j^2 = z_j^2 1_{z_j > 0}$, so $E[h_j^2] = \sigma_z^2 / 2$. (c) Hence
# $\operatorname{Var}(a) = n s^2 \sigma_z^2 / 2$, which equals $\sigma_z^2$ when
# $s^2 = 2/n = 2/n_\text{in}$ (He). With Xavier and $n_\text{in} = n_\text{out} = n$,
# $s^2 = 1/n$, each layer multiplies the variance by $1/2$: after 20 layers it is
# $2^{-20} \approx 10^{-6}$ times the first layer's, and the gradients shrink likewise.

# %% [markdown]
# ## Part 2: per-layer statistics of a deep stack
#
# To see an initialiser at work, push a batch through $L$ layers
# $a_l = h_{l-1} W_l + b_l$, $h_l = g(a_l)$ with $h_0 = X$, and look at the spread of every
# $h_l$. Then send back the upstream gradient $\partial \ell / \partial h_L = \texttt{ones}/N$
# (the gradient of the objective $\ell = \frac1N \sum h_L$, chosen because it does not depend
# on the size of $h_L$) and record, layer by layer,
# $$da_l = dh_l \odot g'(a_l), \qquad dW_l = h_{l-1}^\top da_l, \qquad
# dh_{l-1} = da_l\, W_l^\top .$$
#
# **Your task.** Write `layer_statistics(X, weights, activation, *, biases=None, dout=None,
# return_activations=False)`, returning a dict with arrays of length $L$ (entry $l-1$ for layer
# $l$): `"mean"` and `"std"` of $h_l$ over all its entries (`h.mean()`, `h.std()`),
# `"grad_norm"` the Frobenius norm of $dW_l$, `"input_grad_norm"` the norm of $dh_{l-1}$ (the
# gradient reaching layer $l$'s input; entry 0 is the gradient with respect to `X`), and, when
# `return_activations` is true, `"activations"`: the list of the $h_l$. Use the table
# `ACTIVATIONS[name] = (g, g')` defined at the top.

# %% nbgrader={"grade": false, "grade_id": "layer_statistics", "locked": false, "schema_version": 3, "solution": true, "task": false}
def layer_statistics(X, weights, activation, *, biases=None, dout=None,
                     return_activations=False):
    """Forward a batch through a deep stack, backpropagate a fixed gradient, report per layer.

    Parameters
    ----------
    X : ndarray of shape (N, D_0)
    weights : list of L ndarrays, weights[l-1] of shape (D_{l-1}, D_l)
    activation : str
        A key of ``ACTIVATIONS``, applied after every layer (the last included).
    biases : list of L ndarrays of shape (D_l,), optional (zeros when omitted)
    dout : ndarray of shape (N, D_L), optional (default ones / N)
    return_activations : bool, default False

    Returns
    -------
    dict
        "mean", "std", "grad_norm", "input_grad_norm": ndarrays of shape (L,);
        "activations" (only if asked): list of the L arrays h_l.
    """
    ### BEGIN SOLUTION
    g, dg = ACTIVATIONS[activation]
    L = len(weights)
    if biases is None:
        biases = [np.zeros(W.shape[1]) for W in weights]
    hs, pre = [X], []
    for W, b in zip(weights, biases):
        a = hs[-1] @ W + b
        pre.append(a)
        hs.append(g(a))
    N = X.shape[0]
    dh = np.full(hs[-1].shape, 1.0 / N) if dout is None else dout
    grad_norm, input_grad_norm = np.empty(L), np.empty(L)
    for k in range(L - 1, -1, -1):
        da = dh * dg(pre[k])
        grad_norm[k] = np.linalg.norm(hs[k].T @ da)
        dh = da @ weights[k].T
        input_grad_norm[k] = np.linalg.norm(dh)
    result = {
        "mean": np.array([h.mean() for h in hs[1:]]),
        "std": np.array([h.std() for h in hs[1:]]),
        "grad_norm": grad_norm,
        "input_grad_norm": input_grad_norm,
    }
    if return_activations:
        result["activations"] = hs[1:]
    return result
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_layer_statistics", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_layer_statistics", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_layer_statistics", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Ten layers of 128 units, a batch of 200 standard-normal inputs, under four initialisers, for
# tanh and for ReLU. Each panel is the histogram of one layer's activations (same range in every
# panel; for ReLU only the non-zero ones, about half); the numbers are the standard deviations
# of all of them.

# %%
X_stack = rng.standard_normal((200, 128))
sizes = [128] * 11
inits = {"small normal": small_normal_init, "Xavier": xavier_normal_init,
         "He": he_normal_init, "N(0, 1)": lambda a, b, r: r.standard_normal((a, b))}
for act, rng_range in (("tanh", (-1.0, 1.0)), ("relu", (0.0, 2.5))):
    grid = {}
    for label, init in inits.items():
        init_rng = np.random.default_rng(1)
        ws = [init(a, b, init_rng) for a, b in zip(sizes[:-1], sizes[1:])]
        stats = layer_statistics(X_stack, ws, act, return_activations=True)
        grid[label] = stats["activations"]
    plots_a4.activation_histograms(grid, value_range=rng_range, drop_zeros=(act == "relu"),
                                   title=f"{act}: activations per layer and initialiser")
    plt.show()

# %% [markdown]
# With tanh, small weights shrink the spread of the signal geometrically (by about
# $\sqrt{128 \cdot 0.01^2} = 0.11$ per layer) until every unit outputs 0; N(0, 1) weights saturate every unit at $\pm 1$,
# where $\tanh' \approx 0$; Xavier keeps a spread of the same order through all ten layers. With
# ReLU, Xavier's variance is half of what is needed ($n_\text{in} = n_\text{out}$), so the
# spread halves every two layers, while He keeps it.
#
# ### Equal initial weights keep units identical
#
# With all weights equal (zero is the usual case), every hidden unit of a layer computes the
# same function of the input, receives the same gradient and makes the same update: the units
# stay copies of each other for ever, and a layer of 32 units is worth one. (With exact zeros
# in both layers it is even worse: the gradient of $W_1$ is $X^\top((dS\, W_2^\top) \odot
# g')$ with $W_2 = 0$, so $W_1$ and $b_1$ get zero gradients; with tanh or ReLU the hidden
# layer outputs $H = g(0) = 0$ too, so $dW_2 = H^\top dS = 0$ as well: only $b_2$ ever learns.)
# Random initialisation exists to break this symmetry.
#
# **Your task.** Write `train_two_layer(X, y, W1, b1, W2, b2, *, lr, steps, activation="tanh")`:
# `steps` steps of full-batch gradient descent on the mean softmax cross-entropy of
# `scores = g(X @ W1 + b1) @ W2 + b2`, returning the trained `(W1, b1, W2, b2)` as new arrays.
# Per step, from one forward pass: $dS = (\text{softmax}(S) - \text{onehot}(y))/N$,
# $dW_2 = H^\top dS$, $db_2 = \sum_n dS$, $dA = (dS\, W_2^\top) \odot g'(A)$,
# $dW_1 = X^\top dA$, $db_1 = \sum_n dA$; then every parameter moves by $-\eta$ times its
# gradient. The grader also checks that the trained hidden units are identical exactly when
# they started identical.

# %% nbgrader={"grade": false, "grade_id": "train_two_layer", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_two_layer(X, y, W1, b1, W2, b2, *, lr, steps, activation="tanh"):
    """Full-batch gradient descent on a two-layer softmax classifier; returns (W1, b1, W2, b2)."""
    ### BEGIN SOLUTION
    g, dg = ACTIVATIONS[activation]
    N = X.shape[0]
    for _ in range(steps):
        A = X @ W1 + b1
        H = g(A)
        S = H @ W2 + b2
        P = np.exp(S - S.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        P[np.arange(N), y] -= 1.0
        dS = P / N
        dA = (dS @ W2.T) * dg(A)
        W2, b2 = W2 - lr * H.T @ dS, b2 - lr * dS.sum(axis=0)
        W1, b1 = W1 - lr * X.T @ dA, b1 - lr * dA.sum(axis=0)
    return W1.copy(), b1.copy(), W2.copy(), b2.copy()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_train_two_layer", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_train_two_layer", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_train_two_layer", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# A 64-32-10 tanh net trained for 100 steps on the digits, once from equal weights (0.1 in the
# first layer, 0.2 in the second) and once from Xavier weights: the spread across the 32 hidden
# units of each input's weights is still exactly 0 for the first.

# %%
digits = datasets.load_digits_split()
X_dig, y_dig = digits["X_train"], digits["y_train"]
sym_rng = np.random.default_rng(2)
for label, W1_0, W2_0 in (
    ("equal", np.full((64, 32), 0.1), np.full((32, 10), 0.2)),
    ("Xavier", xavier_normal_init(64, 32, sym_rng), xavier_normal_init(32, 10, sym_rng)),
):
    W1_t, b1_t, W2_t, b2_t = train_two_layer(X_dig, y_dig, W1_0, np.zeros(32), W2_0,
                                             np.zeros(10), lr=0.5, steps=100)
    spread = float(np.max(np.ptp(W1_t, axis=1)))
    print(f"{label:6s} init: largest spread across hidden units of a weight = {spread:.2e}")

# %% [markdown]
# ## Part 3: vanishing and exploding gradients
#
# For one input sample $x = h_0$, layer $l$ maps $h_{l-1}$ to $h_l = g(a_l)$ with
# $a_l = h_{l-1} W_l + b_l$. Its Jacobian (how each $h_l[j]$ moves when $h_{l-1}[i]$ moves) is
# $$J_l = \frac{\partial h_l}{\partial h_{l-1}} = \operatorname{diag}(g'(a_l))\, W_l^\top
# \qquad (D_l \times D_{l-1}),$$
# and by the chain rule the Jacobian of the whole stack is the product
# $J = J_L J_{L-1} \cdots J_1$ ($D_L \times D_0$): the new layer always multiplies on the
# **left**. The backward pass computes $\nabla_{x} L = J^\top \nabla_{h_L} L$, so the size of
# every gradient that reaches the input is decided by $J$: the **singular values**
# $\sigma_1 \ge \sigma_2 \ge \dots$ of $J$ are exactly how much it stretches or shrinks a
# vector in each direction ($\sigma_1 = \max_{\lVert v \rVert = 1} \lVert J^\top v \rVert$).
# If a typical layer scales vectors by a factor $\rho$, $L$ layers scale them by about
# $\rho^L$: vanishing for $\rho < 1$, exploding for $\rho > 1$.
#
# > **Note on the lecture slides.** They relate vanishing and exploding gradients to the
# > **eigenvalues** of the Jacobian. A layer's Jacobian is $D_l \times D_{l-1}$, usually not
# > square, so it has no eigenvalues; and even a square one can have small eigenvalues while it
# > stretches some vector enormously: $\begin{pmatrix} 0 & 100 \\ 0 & 0 \end{pmatrix}$ has
# > both eigenvalues 0 and maps $(0, 1)$ to $(100, 0)$. The size of a gradient is governed by
# > the **singular values**; the eigenvalue argument is right only for symmetric (normal)
# > matrices, where the two coincide in absolute value.
#
# **Your task.** Write `stack_jacobian(x, weights, activation, *, biases=None)` for one sample
# `x` of shape `(D_0,)` and the stack of Part 2 (`ACTIVATIONS[activation]` after every layer,
# zero biases when `biases` is None). Start from the identity `J = np.eye(D_0)` and, layer by
# layer, compute $a_l$, then `J = (g'(a_l)[:, None] * W_l.T) @ J`, then $h_l$. Return
# `(J, singular_values)`: `J` of shape `(D_L, D_0)` with `J[j, i]` $= \partial h_L[j] /
# \partial x[i]$, and its singular values in decreasing order
# (`np.linalg.svd(J, compute_uv=False)`).

# %% nbgrader={"grade": false, "grade_id": "stack_jacobian", "locked": false, "schema_version": 3, "solution": true, "task": false}
def stack_jacobian(x, weights, activation, *, biases=None):
    """Jacobian J (D_L, D_0) of h_L with respect to one sample x, and its singular values.

    Parameters
    ----------
    x : ndarray of shape (D_0,)
    weights : list of L ndarrays, weights[l-1] of shape (D_{l-1}, D_l)
    activation : str
        A key of ``ACTIVATIONS``, applied after every layer (the last included).
    biases : list of L ndarrays of shape (D_l,), optional (zeros when omitted)

    Returns
    -------
    J : ndarray of shape (D_L, D_0), J[j, i] = d h_L[j] / d x[i]
    singular_values : ndarray of shape (min(D_0, D_L),), decreasing
    """
    ### BEGIN SOLUTION
    g, dg = ACTIVATIONS[activation]
    if biases is None:
        biases = [np.zeros(W.shape[1]) for W in weights]
    J, h = np.eye(x.shape[0]), x
    for W, b in zip(weights, biases):
        a = h @ W + b
        J = (dg(a)[:, None] * W.T) @ J
        h = g(a)
    return J, np.linalg.svd(J, compute_uv=False)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_stack_jacobian", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_stack_jacobian", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_stack_jacobian", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ReLU stacks of 30 layers of width 64 at 0.5, 1 and 2 times the He standard deviation. Left:
# the norm of the gradient reaching each layer's input (from your `layer_statistics`); at 1x it
# stays level, at 0.5x it shrinks by about $0.5$ per layer (vanishing), at 2x it grows by about
# 2 per layer (exploding). Right: the 20 largest singular values of the 30-layer Jacobian at
# one input sample (from your `stack_jacobian`).

# %%
X_depth = rng.standard_normal((200, 64))
curves, spectra = {}, {}
for factor in (0.5, 1.0, 2.0):
    depth_rng = np.random.default_rng(4)
    ws = [factor * he_normal_init(64, 64, depth_rng) for _ in range(30)]
    curves[f"{factor} x He"] = layer_statistics(X_depth, ws, "relu")["input_grad_norm"]
    spectra[f"{factor} x He"] = stack_jacobian(X_depth[0], ws, "relu")[1]
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plots_a4.norms_by_depth(curves, ax=axes[0], xlabel="layer l (the gradient reaching its input)",
                        title="ReLU, 30 layers: gradient norm against depth")
for label, sv in spectra.items():
    axes[1].semilogy(np.arange(1, 21), sv[:20], marker="o", ms=3, label=label)
axes[1].set_xlabel("index")
axes[1].set_ylabel("singular value")
axes[1].set_title("the 20 largest singular values of the 30-layer Jacobian")
axes[1].legend(fontsize=8)
axes[1].grid(True, which="both", alpha=0.3)
fig.tight_layout()
plt.show()
for label, sv in spectra.items():
    print(f"{label}: largest singular value {sv[0]:.2e}, "
          f"per layer (sigma_1 ** (1/30)) {sv[0] ** (1 / 30):.2f}")

# %% [markdown]
# The singular values of the 30-layer Jacobian spread over many orders of magnitude (every ReLU
# that is off removes a direction, so most of the 64 are numerically zero; the plot shows the
# 20 largest), and their whole level moves by a factor $2^{30} \approx 10^9$ between 0.5x and
# 1x He, and again between 1x and 2x: the same factor as the gradient norms on the left. Here
# it is exact: ReLU is positively homogeneous ($\max(0, c a) = c \max(0, a)$ for $c > 0$), so
# with zero biases scaling every weight by $c$ keeps every unit's on/off pattern and multiplies
# $J$ by exactly $c^{30}$; the per-layer factors printed above are $c$ times the one at 1x.
# Three fixes follow: clip gradients that explode (Part 4), give the gradient a path that does not
# shrink (Part 5), and renormalise the activations at every layer (Part 6).

# %% [markdown]
# ## Part 4: gradient clipping
#
# When the gradient explodes, one step can throw the parameters far away. **Clipping by the
# global norm** treats all the gradient tensors $g_1, \dots, g_K$ as one long vector,
# $$\lVert g \rVert = \sqrt{\textstyle\sum_k \lVert g_k \rVert^2}, \qquad
# c = \frac{\texttt{max\_norm}}{\lVert g \rVert + 10^{-6}},$$
# and, if $c < 1$, multiplies **every** tensor by the same $c$: the direction of the step is
# kept, only its length is capped. (Clipping each tensor by its own norm would change the
# direction.) The $10^{-6}$ avoids a division by zero; PyTorch's `clip_grad_norm_` uses the same
# formula.
#
# **Your task.** Write `clip_grad_norm(grads, max_norm, *, error_if_nonfinite=False)` for a dict
# of gradients. Return `(clipped, total_norm)`: a **new** dict of **new** arrays (never modify
# `grads`; copies also when nothing is clipped) and the global norm **before** clipping. With
# `error_if_nonfinite=True`, raise `ValueError` when the total norm is NaN or infinite.

# %% nbgrader={"grade": false, "grade_id": "clip_grad_norm", "locked": false, "schema_version": 3, "solution": true, "task": false}
def clip_grad_norm(grads, max_norm, *, error_if_nonfinite=False):
    """Scale a dict of gradients so that their global L2 norm is at most about max_norm.

    Returns
    -------
    clipped : dict of str to ndarray (new arrays, same keys and shapes)
    total_norm : float, the global norm before clipping
    """
    ### BEGIN SOLUTION
    total_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise ValueError(f"the total norm of the gradients is {total_norm}")
    coef = max_norm / (total_norm + 1e-6)
    clipped = {k: g * coef if coef < 1 else g.copy() for k, g in grads.items()}
    return clipped, total_norm
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_clip_grad_norm", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_clip_grad_norm", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_clip_grad_norm", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# A 6-layer ReLU net on the digits with a learning rate far too large for plain SGD (2.0):
# without clipping, the first large gradients throw the weights where most ReLUs are dead and
# the loss stalls at chance level ($\ln 10 \approx 2.3$); with the global norm clipped to 1,
# the same learning rate trains.

# %%
def init_relu_net(sizes, init, rng):
    """{W1, b1, ...} of a ReLU net: weights from ``init``, zero biases."""
    params = {}
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = init(a, b, rng)
        params[f"b{k}"] = np.zeros(b)
    return params


clip_curves = {}
for label, max_norm in (("no clipping", None), ("clipped to norm 1", 1.0)):
    run_rng = np.random.default_rng(5)
    params = init_relu_net([64, 64, 64, 64, 64, 64, 10], he_normal_init, run_rng)
    losses = []
    for step in range(150):
        idx = run_rng.integers(0, len(y_dig), 64)
        with np.errstate(all="ignore"):
            loss, grads = relu_mlp_loss(params, X_dig[idx], y_dig[idx])
        if max_norm is not None:
            grads, _ = clip_grad_norm(grads, max_norm)
        params = {k: params[k] - 2.0 * grads[k] for k in params}
        losses.append(loss if np.isfinite(loss) else np.nan)
    clip_curves[label] = losses
plots_a4.learning_curves(clip_curves, xlabel="step", ylabel="minibatch loss",
                         title="SGD with lr = 2.0 on a 6-layer net")
plt.show()

# %% [markdown]
# ## Part 5: residual blocks
#
# A residual block adds its input to the output of a small branch,
# $$\text{out} = x + F(x), \qquad F(x) = g(x w_1 + b_1)\, w_2 + b_2 .$$
# Its Jacobian is $I + J_F$: the identity is always there. Through $K$ blocks the gradient is
# multiplied by $\prod_k (I + J_{F_k})^\top$, and even when every $J_{F_k}$ is tiny the product
# stays close to the identity instead of vanishing.
#
# > **Note on the lecture slides.** They write the gradient through residual blocks as
# > $\frac{\partial z_l}{\partial \theta_l} \frac{\partial L}{\partial z_L} (1 + \sum f'(z_i))$.
# > Expanding the product does give "1 + a sum of single-block terms + higher products", but the
# > gradient is the **product** $\prod_k (I + J_k)$ of matrices: the cross terms
# > $J_i J_j, \dots$ are there too, and scalars $f'$ do not describe matrices.
#
# **Your task.** Write `residual_forward(x, w1, b1, w2, b2, activation="relu")` returning
# `(out, cache)` and `residual_backward(dout, cache)` returning `(dx, dw1, db1, dw2, db2)`,
# with $a = x w_1 + b_1$, $h = g(a)$: $dw_2 = h^\top \text{dout}$, $db_2 = \sum_n
# \text{dout}$, $da = (\text{dout}\, w_2^\top) \odot g'(a)$, $dw_1 = x^\top da$,
# $db_1 = \sum_n da$ and $dx = \text{dout} + da\, w_1^\top$. Keep the dtype: when `x`, the
# weights, the biases and `dout` are float32, every returned array is float32 (one public and
# one hidden case are float32; the activations in `ACTIVATIONS` keep the dtype).

# %% nbgrader={"grade": false, "grade_id": "residual", "locked": false, "schema_version": 3, "solution": true, "task": false}
def residual_forward(x, w1, b1, w2, b2, activation="relu"):
    """out = x + g(x @ w1 + b1) @ w2 + b2 for x of shape (N, D); returns (out, cache)."""
    ### BEGIN SOLUTION
    g, dg = ACTIVATIONS[activation]
    a = x @ w1 + b1
    h = g(a)
    out = x + h @ w2 + b2
    return out, (x, w1, w2, a, h, dg)
    ### END SOLUTION


def residual_backward(dout, cache):
    """Gradients (dx, dw1, db1, dw2, db2) of the residual block."""
    ### BEGIN SOLUTION
    x, w1, w2, a, h, dg = cache
    dw2 = h.T @ dout
    db2 = dout.sum(axis=0)
    da = (dout @ w2.T) * dg(a)
    dw1 = x.T @ da
    db1 = da.sum(axis=0)
    dx = dout + da @ w1.T
    return dx, dw1, db1, dw2, db2
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_residual", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_residual", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_residual", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Fifty blocks of width 32 (hidden 64), with the branches initialised at **0.5 times** the He
# scale. The plain stack applies $F_k$ alone and its gradient vanishes (it falls by some 24
# orders of magnitude); the residual stack, with the same weights, keeps a usable gradient at
# every depth (it grows slowly, about 25 times over the 50 blocks). (The plain stack is
# your residual block with the identity path subtracted.)

# %%
X_res = rng.standard_normal((64, 32))
res_rng = np.random.default_rng(6)
blocks = [(0.5 * he_normal_init(32, 64, res_rng), np.zeros(64),
           0.5 * he_normal_init(64, 32, res_rng), np.zeros(32)) for _ in range(50)]
res_curves = {}
for label, skip in (("plain  h = F(h)", False), ("residual  h = h + F(h)", True)):
    h, caches = X_res, []
    for w1, b1, w2, b2 in blocks:
        out, cache = residual_forward(h, w1, b1, w2, b2)
        h = out if skip else out - h
        caches.append(cache)
    dh = np.ones_like(h) / len(h)
    norms = [np.linalg.norm(dh)]
    for cache in reversed(caches):
        dx = residual_backward(dh, cache)[0]
        dh = dx if skip else dx - dh
        norms.append(np.linalg.norm(dh))
    res_curves[label] = norms[::-1]
plots_a4.norms_by_depth(res_curves, first=0, xlabel="block k (gradient at its input)",
                        title="gradient norm through 50 blocks")
plt.show()

# %% [markdown]
# ## Part 6: layer normalisation
#
# Layer normalisation rescales **each sample** over its features (the last axis) to mean 0 and
# variance 1, then applies a learned scale $\gamma$ and shift $\beta$ per feature:
# $$\mu = \tfrac1D \textstyle\sum_i x_i, \quad \sigma^2 = \tfrac1D \sum_i (x_i - \mu)^2, \quad
# \hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \quad
# \text{out}_i = \gamma_i \hat x_i + \beta_i .$$
# (Batch normalisation normalises each feature over the **batch** axis instead; layer norm does
# not depend on the other samples.) For the backward pass, let $g_i = \text{dout}_i \gamma_i$
# and $r = 1/\sqrt{\sigma^2 + \varepsilon}$. Every $x_i$ reaches every $\hat x_j$, directly and
# through $\mu$ and $\sigma^2$; adding the three paths gives
# $$dx_i = r\Bigl(g_i - \tfrac1D \textstyle\sum_j g_j - \hat x_i\, \tfrac1D \sum_j g_j \hat x_j\Bigr),$$
# and $d\gamma = \sum \text{dout} \odot \hat x$, $d\beta = \sum \text{dout}$ over every
# leading axis. The $\varepsilon$ matters when a sample's features are nearly constant: it keeps
# $r$ (and the gradient) finite.
#
# **Your task.** Write `layernorm_forward(x, gamma, beta, eps=1e-5)` (x of shape `(..., D)`,
# returns `(out, cache)`) and `layernorm_backward(dout, cache)` returning `(dx, dgamma, dbeta)`.
# As for the residual block, when `x`, `gamma`, `beta` and `dout` are float32, every returned
# array is float32.

# %% nbgrader={"grade": false, "grade_id": "layernorm", "locked": false, "schema_version": 3, "solution": true, "task": false}
def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Normalise every sample over its last axis, then scale and shift; returns (out, cache)."""
    ### BEGIN SOLUTION
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    r = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * r
    return xhat * gamma + beta, (xhat, r, gamma)
    ### END SOLUTION


def layernorm_backward(dout, cache):
    """Gradients (dx, dgamma, dbeta) of layer normalisation."""
    ### BEGIN SOLUTION
    xhat, r, gamma = cache
    lead = tuple(range(dout.ndim - 1))
    dgamma = (dout * xhat).sum(axis=lead)
    dbeta = dout.sum(axis=lead)
    g = dout * gamma
    dx = r * (g - g.mean(axis=-1, keepdims=True)
              - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_layernorm", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_layernorm", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_layernorm", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Twenty tanh layers with weights at four times the Xavier scale: without normalisation almost
# half of the units are saturated (pinned near $\pm 1$, where $\tanh' \approx 0$); with a
# layer norm before every tanh the pre-activations have unit spread at every depth, whatever
# the scale of the weights, and under 1% of the units saturate.

# %%
X_ln = rng.standard_normal((200, 64))
spread = {"no normalisation": [], "layer norm before tanh": []}
ln_rng = np.random.default_rng(7)
ws = [4.0 * xavier_normal_init(64, 64, ln_rng) for _ in range(20)]
ones, zeros = np.ones(64), np.zeros(64)
h_plain, h_norm = X_ln, X_ln
for W in ws:
    a_plain = h_plain @ W
    a_norm = layernorm_forward(h_norm @ W, ones, zeros)[0]
    h_plain, h_norm = np.tanh(a_plain), np.tanh(a_norm)
    spread["no normalisation"].append(np.mean(np.abs(h_plain) > 0.99))
    spread["layer norm before tanh"].append(np.mean(np.abs(h_norm) > 0.99))
plots_a4.learning_curves(spread, xlabel="layer", ylabel="fraction of saturated units",
                         logy=False, title="tanh units with |h| > 0.99, weights 4x Xavier")
plt.show()

# %% [markdown]
# ## Part 7: optimisers as state + step
#
# Each optimiser is a pair of functions: `name_init(w)` returns its state, and
# `name_step(w, dw, state, *, lr, ...)` returns `(new_w, new_state)`, both **new** objects:
# it never modifies `w`, the gradient `dw`, the `state` dict or the arrays in it (the caller may
# still need them; the grader checks all three after every step). From here on, $g$ is the
# gradient (no longer an activation) and $\mu$ the momentum: with $g = dw + \lambda w$
# (`weight_decay` $\lambda$, a coupled L2 term as in PyTorch; 0 by default):
#
# | optimiser | state | step |
# |---|---|---|
# | SGD | `{}` | $w \leftarrow w - \eta g$ |
# | momentum | `{"velocity": 0}` | $v \leftarrow \mu v + g$, $\;w \leftarrow w - \eta v$ |
# | Nesterov | `{"velocity": 0}` | $v \leftarrow \mu v + g$, $\;w \leftarrow w - \eta (g + \mu v)$ |
# | RMSProp | `{"square_avg": 0}` | $s \leftarrow \alpha s + (1-\alpha) g^2$, $\;w \leftarrow w - \eta\, g / (\sqrt{s} + \varepsilon)$ |
# | Adam | `{"m": 0, "v": 0, "t": 0}` | $t \leftarrow t + 1$, $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$, $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$, $w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \varepsilon)$ |
#
# Defaults: `momentum=0.9`, `alpha=0.99`, `eps=1e-8`, `beta1=0.9`, `beta2=0.999`. These are
# `torch.optim`'s formulas step for step.
#
# - **Momentum** averages successive gradients: along a steep direction where the gradient
#   changes sign, they cancel; along a shallow one they add up, so the step grows to up to
#   $1/(1-\mu)$ times the plain one.
# - **Nesterov** takes the gradient step and then one more momentum step along the **new**
#   velocity: it looks ahead, which damps the overshoot of heavy-ball momentum.
# - **RMSProp** divides by a running root mean square of the gradient, per coordinate: steep
#   coordinates get smaller steps, flat ones larger. $\varepsilon$ is added **outside** the
#   square root (PyTorch's convention).
# - **Adam** combines both. $m$ and $v$ start at 0, so for the first steps they are biased
#   towards 0: after one step $m = (1-\beta_1) g$, a tenth of $g$, and $v = (1-\beta_2) g^2$,
#   a thousandth of $g^2$. Dividing each by its own $1 - \beta^t$ removes both biases, and then
#   the first step is exactly $\eta\,\mathrm{sign}(g)$ (ignoring $\varepsilon$). Leave both out
#   and it is about 3 times too large ($0.1 / \sqrt{0.001}$); correct only $v$ and it is 10
#   times too small. The step count $t$ is incremented **first**, so the first step uses
#   $t = 1$ (with $t = 0$, $1 - \beta^0 = 0$).
#
# > **Note on assignment 3's momentum.** a3's training helper wrote momentum as
# > $v \leftarrow \mu v - \eta g$, $w \leftarrow w + v$: the velocity there holds the learning
# > rate. With a constant $\eta$ the two forms give the same iterates ($v_\text{a3} =
# > -\eta\, v_\text{here}$). When $\eta$ changes (a schedule), they differ: in a3's form the
# > old steps keep the old rate and a new rate takes effect gradually; in the form used here
# > (and in PyTorch) the new rate multiplies the whole accumulated velocity at once.

# %% nbgrader={"grade": false, "grade_id": "sgd_momentum_nesterov", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_init(w):
    """State of plain SGD: an empty dict."""
    ### BEGIN SOLUTION
    return {}
    ### END SOLUTION


def sgd_step(w, dw, state, *, lr, weight_decay=0.0):
    """w - lr * (dw + weight_decay * w); returns (new_w, new_state)."""
    ### BEGIN SOLUTION
    return w - lr * (dw + weight_decay * w), {}
    ### END SOLUTION


def momentum_init(w):
    """{"velocity": zeros like w}."""
    ### BEGIN SOLUTION
    return {"velocity": np.zeros_like(w)}
    ### END SOLUTION


def momentum_step(w, dw, state, *, lr, momentum=0.9, weight_decay=0.0):
    """Heavy-ball momentum: v <- momentum * v + g, w <- w - lr * v."""
    ### BEGIN SOLUTION
    g = dw + weight_decay * w
    v = momentum * state["velocity"] + g
    return w - lr * v, {"velocity": v}
    ### END SOLUTION


def nesterov_init(w):
    """{"velocity": zeros like w}."""
    ### BEGIN SOLUTION
    return {"velocity": np.zeros_like(w)}
    ### END SOLUTION


def nesterov_step(w, dw, state, *, lr, momentum=0.9, weight_decay=0.0):
    """Nesterov momentum: v <- momentum * v + g, w <- w - lr * (g + momentum * v)."""
    ### BEGIN SOLUTION
    g = dw + weight_decay * w
    v = momentum * state["velocity"] + g
    return w - lr * (g + momentum * v), {"velocity": v}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sgd_momentum_nesterov", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_sgd_momentum_nesterov", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_sgd_momentum_nesterov", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "rmsprop", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rmsprop_init(w):
    """{"square_avg": zeros like w}."""
    ### BEGIN SOLUTION
    return {"square_avg": np.zeros_like(w)}
    ### END SOLUTION


def rmsprop_step(w, dw, state, *, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
    """s <- alpha * s + (1 - alpha) * g**2, w <- w - lr * g / (sqrt(s) + eps)."""
    ### BEGIN SOLUTION
    g = dw + weight_decay * w
    s = alpha * state["square_avg"] + (1 - alpha) * g * g
    return w - lr * g / (np.sqrt(s) + eps), {"square_avg": s}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_rmsprop", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_rmsprop", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_rmsprop", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "adam", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adam_init(w):
    """{"m": zeros like w, "v": zeros like w, "t": 0}."""
    ### BEGIN SOLUTION
    return {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}
    ### END SOLUTION


def adam_step(w, dw, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    """One Adam step with bias correction (t incremented first); returns (new_w, new_state)."""
    ### BEGIN SOLUTION
    g = dw + weight_decay * w
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_adam", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_adam", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_adam", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### Trajectories on an ill-conditioned bowl
#
# $f(w) = \tfrac12 (w - w^\star)^\top A (w - w^\star)$ with the eigenvalues of $A$ equal to 1
# and 20, its axes rotated by 30°. Plain gradient descent must keep $\eta < 2/20$ to be stable
# along the steep axis, and then crawls along the shallow one; momentum and Nesterov build up
# speed along the valley; RMSProp and Adam rescale each coordinate.

# %%
angle = np.pi / 6
R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
A_bowl = R @ np.diag([1.0, 20.0]) @ R.T
w_star = np.array([1.0, 1.0])


def bowl(w):
    """Value of the ill-conditioned bowl."""
    d = w - w_star
    return 0.5 * d @ A_bowl @ d


def run_optimizer(init, step, w0, grad_fn, num_steps, **hyper):
    """Trajectory (num_steps + 1, D) of an optimiser from w0."""
    w, state, path = w0.copy(), init(w0), [w0.copy()]
    for _ in range(num_steps):
        w, state = step(w, grad_fn(w), state, **hyper)
        path.append(w)
    return np.array(path)


grad_bowl = lambda w: A_bowl @ (w - w_star)  # noqa: E731
w_start = np.array([-2.0, 3.0])
paths = {
    "SGD, lr 0.09": run_optimizer(sgd_init, sgd_step, w_start, grad_bowl, 40, lr=0.09),
    "momentum 0.9, lr 0.02": run_optimizer(momentum_init, momentum_step, w_start, grad_bowl, 40,
                                           lr=0.02),
    "Nesterov 0.9, lr 0.02": run_optimizer(nesterov_init, nesterov_step, w_start, grad_bowl, 40,
                                           lr=0.02),
    "RMSProp, lr 0.1": run_optimizer(rmsprop_init, rmsprop_step, w_start, grad_bowl, 40, lr=0.1),
    "Adam, lr 0.3": run_optimizer(adam_init, adam_step, w_start, grad_bowl, 40, lr=0.3),
}
plots_a4.contour_trajectories(bowl, paths, minimum=w_star, ylim=(-2.5, 3.5),
                              title="40 steps on a bowl of condition number 20")
plt.show()

# %% [markdown]
# ### A training loop for any optimiser
#
# `train_relu_net` (given) trains a ReLU network on minibatches with any optimiser of this part
# (its `init` and `step`), optionally with clipping and a learning-rate schedule.

# %%
def train_relu_net(params, X, y, init, step, *, epochs, batch_size, rng, clip=None,
                   lr_schedule=None, progress=None, **hyper):
    """Minibatch training of ``relu_mlp_loss``; returns (params, mean loss per epoch)."""
    states = {k: init(v) for k, v in params.items()}
    history = []
    for epoch in range(epochs):
        lr = hyper["lr"] if lr_schedule is None else lr_schedule(epoch)
        total, count = 0.0, 0
        for xb, yb in iterate_minibatches(X, y, batch_size, rng):
            loss, grads = relu_mlp_loss(params, xb, yb)
            if clip is not None:
                grads, _ = clip_grad_norm(grads, clip)
            new = {}
            for k in params:
                new[k], states[k] = step(params[k], grads[k], states[k],
                                         **{**hyper, "lr": lr})
            params = new
            total, count = total + loss * len(yb), count + len(yb)
        history.append(total / count)
        if progress is not None:
            progress.update(1)
    return params, history

# %% [markdown]
# `train_relu_net` draws its minibatches with `iterate_minibatches`, which you write in Part 9;
# the comparison of optimisers is run there, once you have it.
#
# ## Part 8: schedules and Newton's method
#
# A constant learning rate is a compromise: large early to make progress, small late to settle
# into a minimum. Two common **schedules**:
# - step decay: $\eta_e = \eta_0\, \text{drop}^{\lfloor e / \text{every} \rfloor}$;
# - cosine annealing: $\eta_t = \eta_\text{min} + (\eta_0 - \eta_\text{min})
#   \frac{1 + \cos(\pi t / T)}{2}$, from $\eta_0$ at $t = 0$ to $\eta_\text{min}$ at $t = T$.
#
# **Newton's method** uses the curvature: on a quadratic $f(w) = \tfrac12 w^\top A w - b^\top w$
# the gradient is $A w - b$ and the Hessian $A$, and the step $w - H^{-1} \nabla f$ lands on
# the minimiser $A^{-1} b$ in **one** step, whatever the conditioning (the lecture's
# $x - f'(x)/f''(x)$ in matrix form). Gradient descent $w \leftarrow w - \eta (A w - b)$
# multiplies the error along each eigenvector of $A$ by $1 - \eta \lambda_i$: it converges only
# if $\eta < 2 / \lambda_\text{max}$, and then needs about $\lambda_\text{max}/\lambda_\text{min}$
# steps. For a network with $10^6$ parameters the Hessian has $10^{12}$ entries, so nobody
# forms it; momentum and Adam are cheap substitutes for its rescaling.
#
# **Your task.** Write `step_decay(lr0, epoch, *, drop, every)`,
# `cosine_schedule(lr0, step, total_steps, *, lr_min=0.0)`, `newton_step(w, grad, hessian)`
# (solve $H d = \nabla f$ with `np.linalg.solve`; never invert $H$) and
# `gradient_descent_quadratic(A, b, w0, *, lr, num_steps)` returning the trajectory of shape
# `(num_steps + 1, D)` whose row 0 is `w0`.

# %% nbgrader={"grade": false, "grade_id": "schedules", "locked": false, "schema_version": 3, "solution": true, "task": false}
def step_decay(lr0, epoch, *, drop, every):
    """lr0 * drop ** (epoch // every)."""
    ### BEGIN SOLUTION
    return lr0 * drop ** (epoch // every)
    ### END SOLUTION


def cosine_schedule(lr0, step, total_steps, *, lr_min=0.0):
    """lr_min + (lr0 - lr_min) * (1 + cos(pi * step / total_steps)) / 2."""
    ### BEGIN SOLUTION
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * step / total_steps)) / 2
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_schedules", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_schedules", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_schedules", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "newton", "locked": false, "schema_version": 3, "solution": true, "task": false}
def newton_step(w, grad, hessian):
    """w - hessian^{-1} grad, computed with np.linalg.solve."""
    ### BEGIN SOLUTION
    return w - np.linalg.solve(hessian, grad)
    ### END SOLUTION


def gradient_descent_quadratic(A, b, w0, *, lr, num_steps):
    """Trajectory (num_steps + 1, D) of w <- w - lr * (A w - b) from w0."""
    ### BEGIN SOLUTION
    traj = [w0.copy()]
    for _ in range(num_steps):
        traj.append(traj[-1] - lr * (A @ traj[-1] - b))
    return np.array(traj)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_newton", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_newton", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_newton", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# On the bowl of Part 7 ($\lambda_\text{max} = 20$, so the limit is $\eta < 0.1$): gradient
# descent at $0.9$ and $1.05$ times the limit, and Newton's single step. Right: the gap
# $f(w_k) - f(w^\star)$; just above the limit the iterates diverge. Below them, the
# schedules.

# %%
b_bowl = A_bowl @ w_star
newton_path = np.array([w_start, newton_step(w_start, A_bowl @ w_start - b_bowl, A_bowl)])
gd_paths = {f"GD, lr = {f:.2f} x 2/lambda_max": gradient_descent_quadratic(
    A_bowl, b_bowl, w_start, lr=f * 2 / 20.0, num_steps=30) for f in (0.9, 1.05)}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
shown = {k: p[:8] for k, p in gd_paths.items()}  # the first 7 steps
plots_a4.contour_trajectories(bowl, {**shown, "Newton (1 step)": newton_path}, ax=axes[0],
                              minimum=w_star, ylim=(-2.5, 3.5),
                              title="gradient descent (7 steps) vs Newton")
plots_a4.learning_curves({k: [bowl(w) + 1e-16 for w in p] for k, p in gd_paths.items()},
                         ax=axes[1], xlabel="step", ylabel="f(w) - f(w*)",
                         x={k: np.arange(31) for k in gd_paths}, title="gap to the minimum")
fig.tight_layout()
plt.show()
epochs_s = np.arange(21)
schedules = {"step decay, drop 0.5 every 5": [step_decay(0.1, e, drop=0.5, every=5)
                                              for e in epochs_s],
             "cosine over 20 epochs": [cosine_schedule(0.1, e, 20) for e in epochs_s],
             "cosine down to lr_min = 0.02": [cosine_schedule(0.1, e, 20, lr_min=0.02)
                                              for e in epochs_s]}
plots_a4.learning_curves(schedules, x={k: epochs_s for k in schedules}, xlabel="epoch",
                         ylabel="learning rate", logy=False, title="schedules from lr0 = 0.1")
plt.show()

# %% [markdown]
# ## Part 9: minibatches
#
# One **epoch** visits every training sample once. Full-batch gradient descent uses all $N$
# samples per step (one exact, expensive step per epoch); stochastic gradient descent uses one
# ($N$ cheap, noisy steps); **minibatch** gradient descent uses $B$ ($\lceil N/B \rceil$ steps of
# moderate noise, and vectorised matrix products).
#
# **Your task.** Write `iterate_minibatches(X, y, batch_size, rng, shuffle=True)` that yields
# `(X_batch, y_batch)` pairs covering **every sample exactly once**: take
# `order = rng.permutation(N)` when `shuffle` (else `np.arange(N)`; `rng` may then be `None`),
# and yield the rows `order[k*B:(k+1)*B]` for `k = 0, 1, ...`: $\lceil N/B \rceil$ batches, the
# last one shorter when $B$ does not divide $N$ (keep it: dropping it would never train on those
# samples in that epoch). Write it as a generator (`yield`) or return an iterator.

# %% nbgrader={"grade": false, "grade_id": "iterate_minibatches", "locked": false, "schema_version": 3, "solution": true, "task": false}
def iterate_minibatches(X, y, batch_size, rng, shuffle=True):
    """Yield (X_batch, y_batch) covering every row of X exactly once."""
    ### BEGIN SOLUTION
    N = X.shape[0]
    order = rng.permutation(N) if shuffle else np.arange(N)
    for start in range(0, N, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_minibatches", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_minibatches", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_minibatches", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Full batch, stochastic and minibatch gradient descent on a 64-32-10 ReLU network with a softmax
# output for the digits, compared **per gradient evaluation of one sample** (the cost): at equal
# cost, small batches make many more updates, which is why they win early; the full batch makes
# one exact step per epoch. Then the optimisers of Part 7 on a 4-layer ReLU net, 8 epochs each.

# %%
cost_curves, cost_x = {}, {}
for label, B, lr in (("full batch (B = 1000)", 1000, 0.5), ("minibatch (B = 32)", 32, 0.1),
                     ("stochastic (B = 1)", 1, 0.01)):
    mb_rng = np.random.default_rng(8)
    params = init_relu_net([64, 32, 10], he_normal_init, mb_rng)
    evals, xs, ys = 0, [], []
    for epoch in range(4):
        for xb, yb in iterate_minibatches(X_dig, y_dig, B, mb_rng):
            _, grads = relu_mlp_loss(params, xb, yb)
            params = {k: params[k] - lr * grads[k] for k in params}
            evals += len(yb)
            if evals % 250 < len(yb) or len(yb) >= 250:
                xs.append(evals)
                ys.append(relu_mlp_loss(params, X_dig, y_dig)[0])
    cost_curves[label], cost_x[label] = ys, xs
fig, axes = plt.subplots(1, 2, figsize=(13, 4))
plots_a4.learning_curves(cost_curves, x=cost_x, ax=axes[0], xlabel="samples processed",
                         ylabel="training loss", title="cost per gradient evaluation")

opt_runs = {"SGD, lr 0.1": (sgd_init, sgd_step, {"lr": 0.1}),
            "momentum, lr 0.02": (momentum_init, momentum_step, {"lr": 0.02}),
            "Nesterov, lr 0.02": (nesterov_init, nesterov_step, {"lr": 0.02}),
            "RMSProp, lr 1e-3": (rmsprop_init, rmsprop_step, {"lr": 1e-3}),
            "Adam, lr 1e-3": (adam_init, adam_step, {"lr": 1e-3})}
opt_curves = {}
with tqdm(total=8 * len(opt_runs), desc="optimisers on digits") as bar:
    for label, (init, step, hyper) in opt_runs.items():
        opt_rng = np.random.default_rng(9)
        params = init_relu_net([64, 64, 64, 64, 10], he_normal_init, opt_rng)
        _, opt_curves[label] = train_relu_net(params, X_dig, y_dig, init, step, epochs=8,
                                              batch_size=32, rng=opt_rng, progress=bar, **hyper)
plots_a4.learning_curves(opt_curves, ax=axes[1], ylabel="mean training loss of the epoch",
                         title="optimisers on the digits (4 ReLU layers)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Written answer: Newton, batch sizes
#
# (a) Newton's method lands on the minimum of the bowl of Part 7 in one step. Give two reasons
# why it is not used to train networks with millions of parameters, and say what momentum,
# RMSProp and Adam keep of its idea. (b) In the first plot above, why do the minibatch and
# stochastic runs reach a low loss with far fewer processed samples than the full batch? What do
# they give up, and why are minibatches of 32-256 preferred to single samples in practice?
# (4-8 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_newton_minibatch", "locked": false, "points": 5, "schema_version": 3, "solution": true, "task": false}
# (a) The Hessian of a network with $P$ parameters has $P^2$ entries ($10^{12}$ for a million
# parameters: terabytes) and solving with it costs $O(P^3)$ per step; and a network's loss is not
# a convex quadratic: the Hessian has negative and near-zero eigenvalues at saddle points, where
# the Newton step goes uphill or is huge, and a minibatch estimate of it is noisy. Momentum
# accumulates speed along directions of consistently small curvature, and RMSProp and Adam divide
# each coordinate by a running estimate of its gradient's size, a cheap diagonal stand-in for the
# curvature rescaling $H^{-1}$. (b) At the same cost, a batch of 32 makes about 30 updates where
# the full batch makes one, and early on a noisy step in roughly the right direction is almost as
# good as an exact one, so many cheap steps win. They give up accuracy: the gradient estimate has
# variance $\propto 1/B$, so the loss fluctuates and the learning rate must be smaller (or
# decayed) to settle. Single samples waste the hardware (no vectorisation: a batch of 32 costs
# little more than one sample on a vector unit) and are very noisy; batches of 32-256 balance
# noise, speed per sample and the number of updates.

# %% [markdown]
# ## Part 10: a deep network for the inverted digits
#
# The digits of assignment 1, but **half of the images are negatives** (every pixel of the
# centred image multiplied by $-1$). A linear classifier cannot cope: apart from its bias, its
# scores for $-x$ are the negated scores for $x$, so the class it ranks first for an image it
# tends to rank last for the image's negative (in practice it reaches only about 0.23-0.28). A ReLU network can: $\max(z, 0) + \max(-z, 0) = |z|$
# does not care about the sign.
#
# **Your task.** Train a ReLU network with **at least 6 weight matrices** (64 inputs, 10
# scores, e.g. `[64, 64, 64, 64, 64, 64, 10]`) on `X_train` with the tools of this notebook,
# choosing settings with `X_val` (do not train on it), and store its parameters in
# `deep_params`, a dict `{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}` in the format of
# `relu_mlp_loss` (hidden layers ReLU, last layer raw scores). The grader computes the accuracy
# of `deep_params` itself.
#
# **Targets:** validation accuracy **0.82** earns full credit (partial from 0.5); on a
# **held-out test split** this notebook never loads, **0.85** earns full credit (partial from
# 0.5). Measured: He initialisation and momentum (0.9, lr 0.05, batches of 32, 20 epochs) reach
# 0.88 and 0.93 in about a second; the same network with `small_normal_init` weights reaches
# 0.09 (momentum) or 0.42 (Adam, lr 1e-3); a linear classifier at most 0.24 and 0.28.

# %%
inv = load_inverted_digits()
X_train, y_train = inv["X_train"], inv["y_train"]
X_val, y_val = inv["X_val"], inv["y_val"]
print("X_train", X_train.shape, " X_val", X_val.shape,
      " negatives in train:", int(inv["inverted_train"].sum()))

# %% nbgrader={"grade": false, "grade_id": "train_deep_digits", "locked": false, "schema_version": 3, "solution": true, "task": false}
deep_params = None
deep_history = None
### BEGIN SOLUTION
deep_rng = np.random.default_rng(0)
deep_params = init_relu_net([64, 64, 64, 64, 64, 64, 10], he_normal_init, deep_rng)
with tqdm(total=20, desc="deep net") as bar:
    deep_params, deep_history = train_relu_net(deep_params, X_train, y_train, momentum_init,
                                               momentum_step, epochs=20, batch_size=32,
                                               rng=deep_rng, progress=bar, lr=0.05)
### END SOLUTION
print(f"validation accuracy: {relu_mlp_accuracy(deep_params, X_val, y_val):.3f}")

# %% nbgrader={"grade": true, "grade_id": "test_deep_digits", "locked": true, "points": 9, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_deep_digits", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_deep_digits", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# The same recipe (momentum 0.9, lr 0.05, 20 epochs of batches of 32) with a small-normal
# initialisation, for comparison, and a linear classifier (one weight matrix):

# %%
compare = {"your deep_params": deep_history}
for label, sizes_c, init in (("small normal init", [64, 64, 64, 64, 64, 64, 10],
                              small_normal_init),
                             ("linear classifier", [64, 10], zeros_init)):
    c_rng = np.random.default_rng(0)
    p0 = init_relu_net(sizes_c, init, c_rng)
    p_c, compare[label] = train_relu_net(p0, X_train, y_train, momentum_init, momentum_step,
                                         epochs=20, batch_size=32, rng=c_rng, lr=0.05)
    print(f"{label}: validation accuracy {relu_mlp_accuracy(p_c, X_val, y_val):.3f}")
plots_a4.learning_curves(compare, ylabel="mean training loss of the epoch",
                         title="inverted digits")
plt.show()

# %% [markdown]
# ## Recap
#
# - The variance of the weights decides whether signals and gradients survive depth: Xavier
#   ($2/(n_\text{in} + n_\text{out})$) for tanh, He ($2/n_\text{in}$) for ReLU; zeros never break
#   the symmetry between units; too small vanishes, too large explodes or saturates.
# - The backward pass multiplies Jacobians, and their singular values set the gradient's size
#   through depth.
# - Clipping caps exploding steps (one factor for all tensors); residual connections add an
#   identity to every block's Jacobian; layer normalisation resets every sample's spread.
# - Momentum and Nesterov accumulate speed along shallow directions, RMSProp and Adam rescale
#   each coordinate, and Adam's bias correction fixes its zero start. Newton rescales by the
#   exact curvature, at a cost no network can pay.
# - Every epoch visits each sample once; minibatches trade gradient noise for many more updates.
#
# Before submitting: *Kernel → Restart & Run All*, check that every test cell shows its score and
# that both written answers are filled in.
