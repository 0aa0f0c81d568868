# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 2: computation graphs and automatic differentiation
#
# Training a network needs the gradient of one number, the loss, with respect to every
# parameter. In assignment 1 you derived such gradients by hand, one loss at a time. Here you
# build the machinery that derives them automatically, for any function written with a few
# elementary operations:
#
# 1. a **numerical gradient** by centred differences and a **relative error**: the gradient
#    checker you will use for the rest of the course, and why it must run in float64 with a
#    well-chosen step;
# 2. **backpropagation by hand** on two small computation graphs from the lecture;
# 3. **`Value`**, a scalar **reverse-mode** engine: every operation records a node of the graph
#    with its local derivatives, and one backward pass, in reverse topological order, gives the
#    gradient of the output with respect to every node; it differentiates through loops and
#    branches, and trains a tiny network;
# 4. **`Dual`**, dual numbers for **forward mode**, where the derivative travels forward with
#    the value;
# 5. **Jacobians** by both modes, and why reverse mode wins for a scalar loss of many parameters.
#
# ### How this notebook works
#
# - Each graded function or class lives in an **answer cell**. Replace every
#   `raise NotImplementedError()` with your code; the class cells have several. Do not rename
#   anything or change signatures: the grader looks your code up by name.
# - The cell right after an answer cell is a **test cell**. It runs your code on a few cases and
#   shows a table headed TO DO (not answered yet), PASS (full credit), FAIL (less) or ERROR (your
#   code raised) with one row per case (`ok` or the share of credit it earned) and, for each
#   failure, what is wrong, where, expected against got, and a hint. Do not edit test cells.
# - When your notebook is graded, each test also runs **hidden cases** (other numbers, other
#   shapes, other graphs). Code that is correct in general passes them.
# - Keep the file `a2_autodiff.cases.npz` in the same folder as this notebook.
# - Three questions are answered in words (marked **Written answer**); they are graded by hand.
# - Run the notebook from top to bottom (*Kernel → Restart & Run All*) before you submit. The
#   whole notebook runs in a few seconds.
#
# ### The mathematics in one page
#
# A **computation graph** writes a function as a sequence of elementary steps. Each node $v_k$
# is an elementary function of earlier nodes, its **parents** (the inputs are the first nodes):
# $$v_k = \varphi_k\bigl(v_{p_1}, \dots, v_{p_r}\bigr).$$
# The **forward pass** evaluates the nodes in an order in which every parent comes before its
# children (a *topological order*). Each step also knows its **local derivatives**
# $\partial v_k / \partial v_{p}$: the derivative of $x + y$ with respect to $x$ is 1, of $x y$ it
# is $y$, of $e^x$ it is $e^x$.
#
# **Reverse mode** (backpropagation) computes the **adjoint** $\bar v_j = \partial f /
# \partial v_j$ of every node for the output $f$. It starts from $\bar f = 1$ and walks the
# graph backwards; by the multivariable chain rule a node's adjoint sums over **every** node
# that uses it:
# $$\bar v_j = \sum_{k \,:\, j \text{ is a parent of } k} \bar v_k \,
# \frac{\partial v_k}{\partial v_j}.$$
# One backward pass gives the gradient with respect to **all** inputs at once.
#
# **Forward mode** carries, next to each value $v_k$, its derivative $\dot v_k = \partial v_k /
# \partial x_j$ along one chosen input $x_j$:
# $$\dot v_k = \sum_{p \text{ parent of } k} \frac{\partial v_k}{\partial v_p}\, \dot v_p .$$
# One forward pass gives the derivative of **all** outputs with respect to **one** input.
#
# For $f: \mathbb{R}^n \to \mathbb{R}^m$ the Jacobian $J \in \mathbb{R}^{m \times n}$ has
# $J_{ij} = \partial f_i / \partial x_j$. One forward-mode pass seeded with $\dot x = e_j$
# gives $J e_j$, **column** $j$ (how every output reacts to input $j$); one reverse-mode pass
# seeded with $\bar f = e_i$ gives $e_i^\top J = \nabla f_i^\top$, **row** $i$ (the gradient of
# output $i$). So the full Jacobian costs $n$ forward passes or $m$ backward passes. A loss has
# $m = 1$: one backward pass, however many parameters.
#
# ### Conventions (the same in every assignment of this course)
#
# - Arrays are float64 unless a test says otherwise; a function returns the dtype it was given.
# - A function never modifies its input arrays (or restores them before returning).
# - Scalars in this assignment are plain Python floats wrapped in `Value` or `Dual` objects.

# %%
import math
import time

import matplotlib.pyplot as plt
import numpy as np

from autograder.student.grader import Grader
from autograder.student.plots_graph import draw_graph

grader = Grader("a2_autodiff")
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Part 1: the numerical gradient
#
# A derivative is a limit, $f'(x) = \lim_{h \to 0} \bigl(f(x+h) - f(x)\bigr)/h$. A computer
# cannot take the limit, but it can evaluate the quotient for a small $h$. Taylor's theorem
# says how good that is:
# $$f(x \pm h) = f(x) \pm h f'(x) + \frac{h^2}{2} f''(x) \pm \frac{h^3}{6} f'''(x) + O(h^4).$$
# The **forward difference** $\bigl(f(x+h) - f(x)\bigr)/h = f'(x) + \frac{h}{2} f''(x) + \dots$
# is off by $O(h)$. Subtracting the two expansions cancels the even terms, so the **centred
# difference**
# $$\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4)$$
# is off by only $O(h^2)$: with $h = 10^{-5}$ that is about $10^{-11}$ instead of $10^{-5}$.
# Note the denominator: the two points are $2h$ apart.
#
# For a function of an array $x$ (any shape), the partial derivative with respect to entry $i$
# moves **only that entry**: $x \pm h e_i$, where $e_i$ is 1 at index $i$ and 0 elsewhere. So
# the whole gradient costs $2D$ evaluations of $f$ for $D$ entries. That is far too slow to
# train with (a network with $10^6$ weights would need $2 \cdot 10^6$ forward passes per step),
# but it needs nothing but $f$ itself, which makes it the referee for every gradient you derive
# or compute in another way.
#
# **Your task.** Write `numerical_gradient(f, x, h=1e-5)`:
#
# 1. visit every index of `x` (whatever its shape: `np.ndindex(x.shape)` yields them all);
# 2. save the entry, set it to `old + h` and evaluate `f(x)`, set it to `old - h` and evaluate
#    again, then **put `old` back** (so `x` holds its original values when you return);
# 3. store `(f_plus - f_minus) / (2 h)` in an array of the shape and **dtype** of `x`.
#
# Work in `x`'s dtype: do not convert `x` to float64 (with a float32 `x`, the step `x[i] + h`
# and the differences must be float32; the experiment after Part 2 depends on it).
# `np.zeros_like(x)` makes the result array and `x.dtype.type(h)` gives $h$ in `x`'s dtype.

# %% nbgrader={"grade": false, "grade_id": "numerical_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by centred differences, one entry at a time.

    ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)``, where ``e_i`` is 1 at index ``i`` and
    0 elsewhere.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``: a scalar function of an array shaped like ``x``.
    x : ndarray of any shape, floating point
        The point. It may be perturbed in place, one entry at a time, but every entry must be
        put back: ``x`` holds its original values when the function returns.
    h : float, default 1e-5
        The step (> 0).

    Returns
    -------
    ndarray, same shape and dtype as ``x``
        The estimated gradient of ``f`` at ``x``.
    """
    ### BEGIN SOLUTION
    grad = np.zeros_like(x)
    step = x.dtype.type(h)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + step
        f_plus = f(x)
        x[idx] = old - step
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * step)
    return grad
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_numerical_gradient", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_numerical_gradient", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_numerical_gradient", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# A check you can do in your head: for $f(x) = \frac{1}{3}\sum_i x_i^3 + x_0 x_1$ the gradient
# is $(x_0^2 + x_1,\; x_1^2 + x_0,\; x_2^2)$.

# %%
def cubic(x):
    return np.sum(x**3) / 3 + x[0] * x[1]


x_cubic = np.array([1.0, -2.0, 0.5])
print("numerical:", numerical_gradient(cubic, x_cubic))
print("exact:    ", np.array([1.0 - 2.0, 4.0 + 1.0, 0.25]))

# %% [markdown]
# ## Part 2: the relative error
#
# How close is "close"? An absolute difference of $10^{-6}$ is tiny for a gradient of size
# 1000 and enormous for a gradient of size $10^{-6}$, so gradients are compared **relative to
# their size**. We use the largest entrywise difference over the largest magnitude found in
# either array:
# $$\operatorname{rel}(a, b) = \frac{\max_i |a_i - b_i|}{\max\bigl(\max_i |a_i|,\;
# \max_i |b_i|,\; 10^{-12}\bigr)}.$$
#
# - It does not change when both arrays are multiplied by the same factor, and it is
#   symmetric in $a$ and $b$.
# - The **floor** $10^{-12}$ keeps the denominator positive: two all-zero gradients (a layer
#   whose inputs are all zero, a parameter that does not affect the loss) have error 0, not
#   $0/0 = $ NaN.
# - The scale is the whole array's, not each entry's. The popular entrywise ratio
#   $|a_i - b_i| / (|a_i| + |b_i|)$ divides by zero where both entries are 0, and makes a
#   correct gradient look wrong where an entry is tiny: a true entry $10^{-9}$ estimated as
#   $1.1 \cdot 10^{-9}$ (round-off) scores 0.05 there.
#
# A float64 gradient check passes comfortably below about $10^{-7}$; a real bug typically gives
# $10^{-2}$ or more.
#
# **Your task.** Write `relative_error(a, b)` with exactly this formula. It must also accept two
# plain numbers (`np.asarray` turns them into 0-d arrays).

# %% nbgrader={"grade": false, "grade_id": "relative_error", "locked": false, "schema_version": 3, "solution": true, "task": false}
def relative_error(a, b):
    """Largest difference between ``a`` and ``b`` relative to the largest magnitude in either.

    ``max_i |a_i - b_i| / max(max_i |a_i|, max_i |b_i|, 1e-12)``

    Parameters
    ----------
    a, b : ndarray or number
        Two arrays of the same shape (for instance an analytic and a numerical gradient), or
        two numbers.

    Returns
    -------
    float
        0 when ``a == b`` (also when both are all zero); never a division by zero.
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    diff = np.max(np.abs(a - b))
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)
    return float(diff / scale)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_relative_error", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_relative_error", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_relative_error", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### How small should $h$ be?
#
# The centred difference has two errors pulling in opposite directions:
#
# - **truncation**: the Taylor terms we dropped, about $\frac{h^2}{6} |f'''|$; it shrinks as
#   $h$ shrinks;
# - **round-off**: $f$ is only computed to a relative precision $\varepsilon$ (the machine
#   epsilon: $1.2 \cdot 10^{-7}$ in float32, $2.2 \cdot 10^{-16}$ in float64), so the
#   numerator carries an error of about $\varepsilon |f|$, and dividing by $2h$ gives about
#   $\varepsilon |f| / h$; it **grows** as $h$ shrinks. Worse, for $h$ below about
#   $\varepsilon |x| / 2$ the perturbation $x + h$ rounds back to $x$ (round to nearest) and the
#   estimate is exactly 0; a little above that, $x + h$ is only a few steps of the floating-point
#   grid away from $x$ and the estimate is coarse.
#
# Their sum is smallest where the two are equal, near $h \approx \varepsilon^{1/3}$, with an
# error of about $\varepsilon^{2/3}$. The cell below measures it with your two functions on
# $f(x) = \sum_i \sin(x_i)\, e^{x_i / 2}$, whose exact gradient is
# $e^{x_i/2}\bigl(\cos x_i + \tfrac12 \sin x_i\bigr)$, in both precisions.

# %%
def wave(x):
    """sum_i sin(x_i) exp(x_i / 2), computed in x's dtype."""
    return np.sum(np.sin(x) * np.exp(x / 2))


def wave_gradient(x):
    return np.exp(x / 2) * (np.cos(x) + 0.5 * np.sin(x))


x_wave = np.array([0.3, -1.2, 2.0, 0.7, -0.4])
steps = np.logspace(-13, 0, 40)
exact_wave = wave_gradient(x_wave)
step_errors = {}
for dtype in (np.float32, np.float64):
    step_errors[dtype.__name__] = np.array(
        [relative_error(numerical_gradient(wave, x_wave.astype(dtype), h), exact_wave)
         for h in steps]
    )

fig, ax = plt.subplots(figsize=(7, 5.2))
for (name, errs), color in zip(step_errors.items(), ("#D55E00", "#0072B2")):
    best = int(np.argmin(errs))
    ax.loglog(steps, errs, "o-", ms=3, color=color,
              label=f"{name}: best h = {steps[best]:.0e}, error {errs[best]:.0e}")
    ax.plot(steps[best], errs[best], "*", ms=14, color=color)
    eps = np.finfo(name).eps
    ax.loglog(steps, eps / steps, ":", color=color, lw=1)
ax.loglog(steps, steps**2 / 6, "--", color="grey", lw=1, label="truncation ~ h² / 6")
ax.plot([], [], ":", color="grey", lw=1, label="round-off ~ ε / h")
ax.axhline(1e-7, color="green", lw=0.8)
ax.text(1.5e-13, 1.4e-7, "a float64 check passes below this line", color="green", fontsize=9)
ax.set_ylim(1e-12, 3.0)
ax.set_xlabel("step h")
ax.set_ylabel("relative error of the numerical gradient")
ax.set_title("centred differences: truncation against round-off")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=9)
fig.tight_layout()
ax.grid(alpha=0.3, which="both")
plt.show()

# %% [markdown]
# ### Written answer: the step size and the precision
#
# Read the plot. Explain the V shape of each curve: which error dominates on each side of the
# minimum, and with which slope? Why does float32 never get much below $10^{-5}$ and reach an
# error of exactly 1 for $h$ below about $10^{-8}$, while float64 reaches about $10^{-11}$? Which
# $h$ would you use for float64 gradient checks, and why is a gradient check in float32
# unable to tell a correct gradient from a slightly wrong one? (4-8 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_step_size", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# Right of the minimum the **truncation** error $h^2 |f'''| / 6$ dominates: the curves follow
# the dashed line with slope +2 on the log-log plot (ten times smaller $h$, a hundred times
# smaller error). Left of it the **round-off** error $\varepsilon |f| / h$ dominates: $f(x+h)$
# and $f(x-h)$ agree in almost all their digits, their difference keeps only the noise of the
# last digits, and dividing by a smaller $h$ magnifies that noise; the curves follow the dotted
# lines with slope $-1$. The best $h$ balances the two, $h \approx \varepsilon^{1/3}$, with
# error $\approx \varepsilon^{2/3}$ (times a factor set by $f$): about $10^{-6}$ to $10^{-5}$
# and $10^{-11}$ in float64, but about $5 \cdot 10^{-3}$ and $10^{-5}$ in float32, since
# $\varepsilon_{32} \approx 10^{-7}$ (measured here: $2 \cdot 10^{-5}$ at $h \approx 5 \cdot
# 10^{-3}$). An entry's $x_i + h$ rounds back to $x_i$ in float32 once $h$ is below half the
# float32 spacing at $x_i$, about $\varepsilon_{32} |x_i| / 2$: from $1.5 \cdot 10^{-8}$ for
# $x_i = 0.3$ to $1.2 \cdot 10^{-7}$ for $x_i = 2.0$ (the inputs run from $0.3$ to $2.0$ in
# size). Below the smallest of these, about $10^{-8}$, every estimate is exactly 0 and the
# relative error exactly 1; between $10^{-8}$ and $10^{-7}$ some entries are already 0 and the
# others span only a few float32 numbers, so the error is of order 1. For float64 checks I would use $h$ between $10^{-6}$ and $10^{-5}$ (inputs of order
# one), where the error is about $10^{-10}$. In float32 even the best $h$ leaves an error of
# $10^{-5}$ (and $10^{-3}$ or worse for a slightly wrong $h$), as large as the effect of a real
# but small bug (a wrong term of relative size $10^{-4}$, a missing regulariser with a small
# weight), so a correct and a buggy gradient
# cannot be told apart; gradient checks must therefore be run in float64.

# %% [markdown]
# ## Part 3: backpropagation by hand
#
# Before automating it, do it by hand on the lecture's example, $f(x, y, z) = (x + y)\, z$ at
# $x = -2$, $y = 5$, $z = -4$. Name the intermediate node $q = x + y$, so the graph has two
# steps, $q = x + y$ and $f = q z$.
#
# **Forward pass** (the values, written above the arrows in the lecture's figure; Part 5 draws
# this graph with your engine): $q = -2 + 5 = 3$, $f = 3 \cdot (-4) = -12$.
#
# **Backward pass** (the gradients, written below the arrows), from the output back, each step
# multiplying the gradient arriving from above (*upstream*) by the node's local derivative:
#
# | node | local derivatives | gradient |
# |---|---|---|
# | $f$ | | $\partial f / \partial f = 1$ |
# | $f = q z$ | $\partial f / \partial q = z$, $\partial f / \partial z = q$ | $\partial f / \partial q = 1 \cdot z = -4$, $\;\partial f / \partial z = 1 \cdot q = 3$ |
# | $q = x + y$ | $\partial q / \partial x = \partial q / \partial y = 1$ | $\partial f / \partial x = \partial f / \partial q \cdot 1 = -4$, $\;\partial f / \partial y = -4$ |
#
# Two patterns are worth remembering: an **addition distributes** its upstream gradient
# unchanged to every operand, and a **multiplication swaps**: each factor receives the upstream
# gradient times the *other* factor's value.
#
# **Your task.** Write `add_mul_graph(x, y, z)` for any numbers: the forward pass one line per
# node, then the backward pass one line per gradient, exactly as in the table (no formula for
# the final answer in one go). Return `f` and a dict with the three gradients.

# %% nbgrader={"grade": false, "grade_id": "add_mul_graph", "locked": false, "schema_version": 3, "solution": true, "task": false}
def add_mul_graph(x, y, z):
    """Value and gradient of ``f = (x + y) * z``, node by node.

    Parameters
    ----------
    x, y, z : float

    Returns
    -------
    f : float
    grads : dict
        ``{"x": df/dx, "y": df/dy, "z": df/dz}``.
    """
    ### BEGIN SOLUTION
    # forward pass
    q = x + y
    f = q * z
    # backward pass: upstream gradient times local derivative
    df_df = 1.0
    df_dq = df_df * z
    df_dz = df_df * q
    df_dx = df_dq * 1.0
    df_dy = df_dq * 1.0
    return f, {"x": df_dx, "y": df_dy, "z": df_dz}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_add_mul_graph", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_add_mul_graph", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_add_mul_graph", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### The logistic loss
#
# The second lecture example is the loss of logistic regression on one sample with label 1,
# $$\ell(w) = -\log \sigma(w \cdot x), \qquad \sigma(s) = \frac{1}{1 + e^{-s}},$$
# at $x = (1, 1, 1)$ and $w = (1, 1, -1.5)$. Its graph has three steps:
# $$s = w \cdot x = \sum_i w_i x_i, \qquad p = \sigma(s), \qquad \ell = -\log p .$$
# Forward: $s = 1 + 1 - 1.5 = 0.5$, $p = \sigma(0.5) \approx 0.6225$,
# $\ell = -\log 0.6225 \approx 0.4741$.
#
# Backward, with the local derivatives $\frac{d\ell}{dp} = -\frac{1}{p}$,
# $\frac{dp}{ds} = \sigma'(s) = p(1 - p)$ (differentiate $(1 + e^{-s})^{-1}$ and simplify),
# $\frac{\partial s}{\partial w_i} = x_i$ and $\frac{\partial s}{\partial x_i} = w_i$:
# $$\frac{d\ell}{ds} = -\frac{1}{p}\, p (1-p) = p - 1 \approx -0.3775, \qquad
# \frac{\partial \ell}{\partial w} = (p - 1)\, x \approx (-0.3775, -0.3775, -0.3775),$$
# $$\frac{\partial \ell}{\partial x} = (p - 1)\, w \approx (-0.3775, -0.3775, 0.5663).$$
# The dot product is a sum of products, so the two patterns above apply again: the sum
# distributes $d\ell/ds$ to every product, each product swaps it onto the other factor. The
# gradient $(p - 1) x$ has a meaning: since $p - 1 < 0$, a gradient-descent step
# $-\eta\,(p - 1)\, x$ (with a learning rate $\eta > 0$) moves $w$ along $x$, which raises $w \cdot x$ and so $p$; and the
# gradient vanishes as $p \to 1$.
#
# **Your task.** Write `logistic_loss_graph(w, x)` for vectors of any length $D$, node by node
# (`math.exp`, `math.log` and `np.dot` are enough). Return the loss and a dict with the two
# gradients as arrays of shape `(D,)`.

# %% nbgrader={"grade": false, "grade_id": "logistic_loss_graph", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logistic_loss_graph(w, x):
    """Value and gradients of ``loss = -log(sigmoid(w . x))``, node by node.

    Parameters
    ----------
    w : ndarray of shape (D,)
        Weights.
    x : ndarray of shape (D,)
        Input.

    Returns
    -------
    loss : float
    grads : dict
        ``{"w": dloss/dw, "x": dloss/dx}``, ndarrays of shape (D,).
    """
    ### BEGIN SOLUTION
    # forward pass
    s = float(np.dot(w, x))
    p = 1.0 / (1.0 + math.exp(-s))
    loss = -math.log(p)
    # backward pass
    dloss_dp = -1.0 / p
    dloss_ds = dloss_dp * p * (1.0 - p)
    return loss, {"w": dloss_ds * x, "x": dloss_ds * w}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logistic_loss_graph", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_logistic_loss_graph", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_logistic_loss_graph", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ## Part 4: `Value`, a node of the graph
#
# Writing a backward pass by hand for every function does not scale. Instead we let every
# arithmetic operation **record the graph** as it computes: a `Value` wraps one number, and an
# operation on Values returns a new Value that remembers
#
# - `data`: its number, computed in the forward pass;
# - `parents`: the Values it was computed from (a tuple; `a * a` has the parents `(a, a)`);
# - `local_grads`: the derivative of this node with respect to each parent, **at the current
#   values**, in the same order as `parents`; computed in the forward pass too, while the
#   numbers are at hand;
# - `grad`: the gradient $\partial f / \partial \text{node}$, 0.0 until the backward pass of
#   Part 5 fills it in;
# - `op` and `label`: names used to print and draw the graph.
#
# The operations you write, with the local derivatives they store:
#
# | operation | `data` | `local_grads` |
# |---|---|---|
# | `a + b` | $a + b$ | $(1, 1)$ |
# | `a * b` | $a b$ | $(b, a)$ |
# | `a ** c` ($c$ a number) | $a^c$ | $(c\, a^{c-1},)$ |
# | `a.exp()` | $e^a$ | $(e^a,)$ |
# | `a.log()` | $\log a$ | $(1/a,)$ |
# | `a.tanh()` | $t = \tanh a$ | $(1 - t^2,)$ |
# | `a.sigmoid()` | $s = \sigma(a)$ | $(s (1 - s),)$ |
# | `a.relu()` | $\max(a, 0)$ | $(1,)$ if $a > 0$ else $(0,)$ |
#
# A plain number mixed into an expression (`a + 2.5`) is first turned into a constant leaf with
# `Value.lift`. Everything else is given, built from your operations: negation, `a - b = a +
# (-b)`, `a / b = a * b ** -1`, the reflected forms `2.5 + a`, `2.5 * a`, `2.5 - a`, `2.5 / a`
# (Python calls `a.__radd__(2.5)` when the number comes first), and `a.maximum(b)`, which
# routes its gradient to the larger input. `backward()` and `topological_order()` call the
# functions you write in Part 5.
#
# Two details: compute $\sigma(a)$ without overflow (`math.exp(-a)` overflows for $a < -709$;
# for negative $a$ use $e^{a} / (1 + e^{a})$), and give `relu` the derivative 0 at $a = 0$.
#
# **Your task.** Complete the eight operations in the class below (each one line or two:
# `return Value(data, (parents...), (local derivatives...), "op")`).

# %% nbgrader={"grade": false, "grade_id": "value_class", "locked": false, "schema_version": 3, "solution": true, "task": false}
class Value:
    """A scalar node of a computation graph, for reverse-mode differentiation.

    Parameters
    ----------
    data : float
        The number.
    parents : tuple of Value, default ()
        The nodes this one was computed from (empty for a leaf).
    local_grads : tuple of float, default ()
        ``d(self) / d(parents[k])`` for each parent, at the current values.
    op : str, default ""
        The operation that made this node (``"+"``, ``"*"``, ``"exp"``...); ``""`` for a leaf.
    label : str, default ""
        An optional name, shown when printing or drawing.
    """

    def __init__(self, data, parents=(), local_grads=(), op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)
        self.op = op
        self.label = label

    @staticmethod
    def lift(other):
        """``other`` as a Value: a Value unchanged, a number as a constant leaf."""
        return other if isinstance(other, Value) else Value(other, label=f"{other:g}")

    # ------------------------------------------------------------ your operations
    def __add__(self, other):
        """``self + other``."""
        other = Value.lift(other)
        ### BEGIN SOLUTION
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")
        ### END SOLUTION

    def __mul__(self, other):
        """``self * other``."""
        other = Value.lift(other)
        ### BEGIN SOLUTION
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")
        ### END SOLUTION

    def __pow__(self, c):
        """``self ** c`` for a plain number ``c``."""
        ### BEGIN SOLUTION
        return Value(self.data**c, (self,), (c * self.data ** (c - 1),), f"**{c:g}")
        ### END SOLUTION

    def exp(self):
        """``e ** self``."""
        ### BEGIN SOLUTION
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")
        ### END SOLUTION

    def log(self):
        """Natural logarithm (``self.data > 0``)."""
        ### BEGIN SOLUTION
        return Value(math.log(self.data), (self,), (1.0 / self.data,), "log")
        ### END SOLUTION

    def tanh(self):
        """Hyperbolic tangent."""
        ### BEGIN SOLUTION
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")
        ### END SOLUTION

    def sigmoid(self):
        """Logistic sigmoid ``1 / (1 + e ** -self)``, without overflow."""
        ### BEGIN SOLUTION
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            e = math.exp(self.data)
            s = e / (1.0 + e)
        return Value(s, (self,), (s * (1.0 - s),), "sigmoid")
        ### END SOLUTION

    def relu(self):
        """``max(self, 0)``, with derivative 0 at 0."""
        ### BEGIN SOLUTION
        if self.data > 0:
            return Value(self.data, (self,), (1.0,), "relu")
        return Value(0.0, (self,), (0.0,), "relu")
        ### END SOLUTION

    # ------------------------------------------------------------ given: built from the above
    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,), "neg")

    def __sub__(self, other):
        return self + (-Value.lift(other))

    def __truediv__(self, other):
        return self * Value.lift(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value.lift(other) - self

    def __rtruediv__(self, other):
        return Value.lift(other) / self

    def maximum(self, other):
        """The larger of ``self`` and ``other``; the gradient goes to the larger one."""
        other = Value.lift(other)
        if self.data >= other.data:
            return Value(self.data, (self, other), (1.0, 0.0), "max")
        return Value(other.data, (self, other), (0.0, 1.0), "max")

    def topological_order(self):
        """Every node this one depends on, each once, every node before its parents."""
        return topological_order(self)

    def backward(self):
        """Fill in ``grad`` = d(self)/d(node) on every node of the graph behind ``self``."""
        backward(self)

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


# %% nbgrader={"grade": true, "grade_id": "test_value_ops", "locked": true, "points": 14, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_value_ops", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_value_ops", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Each operation made one node, which knows its parents and its local derivatives:

# %%
a = Value(2.0, label="a")
b = a * a + a.exp()
print(b, "made by", repr(b.op), "from", b.parents)
print("local derivatives of b:", b.local_grads)
print("the product a * a:", b.parents[0].parents, b.parents[0].local_grads)

# %% [markdown]
# ## Part 5: the backward pass
#
# After the forward pass the graph holds every value and every local derivative. The backward
# pass turns them into gradients with the reverse-mode rule of the introduction: set
# `out.grad = 1`, then visit the nodes **from the output back to the leaves**, and let each node
# pass its gradient to its parents:
# $$\texttt{parent.grad} \mathrel{+}= \texttt{local\_grad} \times \texttt{node.grad}.$$
# Two things make this correct.
#
# **Accumulate.** A node used several times (`a * a`, or `x` feeding two branches, the
# *fan-out* of the lecture) influences the output along several paths, and by the multivariable
# chain rule its gradient is the **sum** over all of them. So contributions are added with `+=`;
# an assignment `=` would keep only the last path.
#
# **Order.** A node may pass its gradient on only when it is complete, i.e. after **every** node
# that uses it has added its contribution. So the nodes are visited in **reverse topological
# order**: every node before the nodes it was computed from, each node exactly once. (Visiting a
# shared node twice would pass its gradient on twice.) A word on names: the introduction's
# topological order lists parents first, and the function you write below returns that order
# **reversed**, root first, because that is the order the backward pass needs. It keeps the
# short name `topological_order`; read it as "the reverse topological order".
#
# **Finding the order.** A depth-first search lists a node *after* all of its parents have been
# listed (post-order); reversing that list gives the order we need. The textbook version is a
# function that calls itself on each parent, but Python allows only about 1000 nested calls
# (`sys.getrecursionlimit()`), while a graph can be much deeper: a recurrent network unrolled
# over 10 000 time steps, or a long chain of small operations. Write the search **without
# recursion**, with a list used as a stack, for instance of pairs `(node, expanded)`:
#
# - pop a pair; if `expanded` is true, all parents of the node are done: append it to the result;
# - otherwise, if the node has not been visited, mark it visited (a `set`), push
#   `(node, True)` back, then push `(parent, False)` for each parent not visited yet.
#
# Mark a node visited when you **expand** it, not when you push it: a node pushed early may be
# reached again through another path, and must then be finished inside that path, before the
# node that reached it (in the post-order every node comes after all its parents). Graphs in
# the tests have up to about 100 000 nodes, so membership tests must be fast: a `set`, not a
# list.
#
# **Your task.** Write `topological_order(root)`, then `backward(root)`. The class above calls
# them (`root.topological_order()`, `root.backward()`), so nothing needs re-running after a
# change here other than this cell. `backward` is called once, on a graph whose `grad` are all 0.

# %% nbgrader={"grade": false, "grade_id": "topological_order", "locked": false, "schema_version": 3, "solution": true, "task": false}
def topological_order(root):
    """Every node ``root`` depends on (``root`` included), each exactly once.

    Every node comes BEFORE the nodes it was computed from, so ``root`` is first and the leaves
    come last: the order in which the backward pass visits the nodes. No recursion.

    Parameters
    ----------
    root : Value

    Returns
    -------
    list of Value
    """
    ### BEGIN SOLUTION
    post_order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post_order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node.parents:
                if parent not in visited:
                    stack.append((parent, False))
    return post_order[::-1]
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def backward(root):
    """Reverse-mode pass: set ``node.grad = d(root)/d(node)`` for every node behind ``root``.

    Seeds ``root.grad = 1``, then visits the nodes in ``topological_order(root)`` and adds
    ``local_grad * node.grad`` to each parent's ``grad``.

    Parameters
    ----------
    root : Value
        The output; every ``grad`` of its graph is 0 before the call.
    """
    ### BEGIN SOLUTION
    root.grad = 1.0
    for node in topological_order(root):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_value_backward", "locked": true, "points": 16, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_value_backward", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_value_backward", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### The worked example, drawn by your engine
#
# Your engine on $f = (x + y) z$. Each box is a node with its value and gradient; each edge
# carries the value flowing forward (green, above) and the gradient flowing back along it, the
# node's gradient times the edge's local derivative (red, below). Compare with the table of
# Part 3.

# %%
x = Value(-2.0, label="x")
y = Value(5.0, label="y")
z = Value(-4.0, label="z")
q = x + y
q.label = "q"
f = q * z
f.label = "f"
f.backward()
draw_graph(f, title="f = (x + y) z at x = -2, y = 5, z = -4")
plt.show()

# %% [markdown]
# ### Patterns of gradient flow
#
# $g = 2\,\bigl(x y + \max(z, w)\bigr)$ at $x = 3$, $y = -4$, $z = 2$, $w = -1$ shows the three
# patterns of the lecture at once: the **addition distributes** the gradient 2 to both of its
# inputs; the **multiplication swaps**: $x$ receives $2 y = -8$ and $y$ receives $2 x = 6$;
# the **max routes** the whole gradient to the input that won in the forward pass ($z$) and
# nothing to the other ($w$), which is why that choice had to be recorded.

# %%
x, y = Value(3.0, label="x"), Value(-4.0, label="y")
z, w = Value(2.0, label="z"), Value(-1.0, label="w")
g = (x * y + z.maximum(w)) * 2.0
g.backward()
draw_graph(g, title="add distributes, multiply swaps, max routes")
plt.show()
print("grads: x", x.grad, " y", y.grad, " z", z.grad, " w", w.grad)

# %% [markdown]
# ### The logistic loss, automatically
#
# The same engine differentiates the logistic loss of Part 3 with no extra work: write the
# forward pass with Values and call `backward()`. The gradients match your hand derivation,
# and the graph shows the dot product's sum distributing the gradient to each product.

# %%
w_lect = np.array([1.0, 1.0, -1.5])
x_lect = np.array([1.0, 1.0, 1.0])
w_nodes = [Value(v, label=f"w{i}") for i, v in enumerate(w_lect)]
x_nodes = [Value(v, label=f"x{i}") for i, v in enumerate(x_lect)]
s = w_nodes[0] * x_nodes[0] + w_nodes[1] * x_nodes[1] + w_nodes[2] * x_nodes[2]
loss = -(s.sigmoid().log())
loss.backward()
by_hand_loss, by_hand_grads = logistic_loss_graph(w_lect, x_lect)
print(f"loss: engine {loss.data:.6f}, by hand {by_hand_loss:.6f}")
print("dloss/dw: engine", np.array([v.grad for v in w_nodes]), " by hand", by_hand_grads["w"])
print("dloss/dx: engine", np.array([v.grad for v in x_nodes]), " by hand", by_hand_grads["x"])
draw_graph(loss, title="-log sigmoid(w . x) at x = (1, 1, 1), w = (1, 1, -1.5)")
plt.show()

# %% [markdown]
# ### Your engine against your gradient checker
#
# A random expression with shared nodes, checked with Parts 1 and 2: the engine's gradient
# against centred differences of the same expression evaluated on plain floats.

# %%
def expression(v):
    """Works on Values and on floats (for floats, with the math module's functions)."""
    u = v[0] * v[1] + v[2]
    t = u.tanh() if isinstance(u, Value) else math.tanh(u)
    return t * u + (v[0] - v[2]) * t * 3.0 + v[1] ** 2


point = np.array([0.4, -1.3, 0.8])
nodes = [Value(p) for p in point]
out = expression(nodes)
out.backward()
engine_grad = np.array([n.grad for n in nodes])
checked = numerical_gradient(lambda p: expression(list(p)), point.copy())
print("engine:   ", engine_grad)
print("numerical:", checked)
print(f"relative error {relative_error(engine_grad, checked):.1e}")

# %% [markdown]
# ### Written answer: fan-out
#
# For $f = a \cdot a$ at $a = 3$, the graph has one node with the parents $(a, a)$ and the local
# derivatives $(3, 3)$. Using the multivariable chain rule, explain why the correct gradient is
# 6 and what an engine that **assigns** (`parent.grad = local * node.grad`) instead of adding
# returns. Then explain, with the graph $u = x y$, $v = u + z$, $f = u v$, why a node must not
# pass its gradient on before every node that uses it has passed theirs, and how the
# reverse topological order guarantees it. (4-8 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_fan_out", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# Treat the two uses of $a$ as two variables, $f = m(a_1, a_2) = a_1 a_2$ with $a_1 = a_2 = a$.
# By the multivariable chain rule $\frac{df}{da} = \frac{\partial m}{\partial a_1}
# \frac{da_1}{da} + \frac{\partial m}{\partial a_2} \frac{da_2}{da} = a_2 + a_1 = 3 + 3 = 6$:
# a variable that influences the output along several paths gets the **sum** of the
# contributions of all of them, which is what $2a$ says. The node passes $3 \cdot 1$ to $a$
# twice, once per edge; with `=` the second contribution overwrites the first and the engine
# returns 3, half the truth (in general, only the last path's share). In $u = xy$, $v = u + z$,
# $f = uv$, the node $u$ is used twice: directly by $f$ (contribution $v$) and through $v$
# (contribution $\bar v \cdot 1 = u$), so $\bar u = v + u$. If $u$ sent $\bar u \cdot y$ to $x$
# before $v$ had added its share, $x$ and $y$ would receive a gradient built from an incomplete
# $\bar u$, and a second visit of $u$ would send its gradient twice. A reverse topological order
# lists every node after all nodes that use it ($f$, then $v$, then $u$), and each node exactly
# once, so when a node is visited its gradient is final, and it is passed on exactly once.

# %% [markdown]
# ### Differentiating through control flow
#
# The engine records the operations that **actually ran**, so a function may use Python's
# `if`, `for` and `while` freely, with conditions that depend on the data: each call builds the
# graph of its own path. Two examples.
#
# **A loop whose length depends on the input.** Newton's method computes $\sqrt{a}$ by repeating
# $r \leftarrow \frac12 (r + a / r)$ until $r^2$ is within $10^{-12}$ of $a$; how many times
# depends on $a$. The engine differentiates the whole iteration and recovers
# $\frac{d}{da}\sqrt a = \frac{1}{2\sqrt a}$, although no line of the code says so. (Each pass
# changes $r$ and so its derivative; at convergence the derivative has converged too.)
#
# **A branch.** $h(x) = x^2$ for $x > 1$ and $\tanh x$ otherwise: the gradient is that of the
# branch taken, $2x$ or $1 - \tanh^2 x$ (at the switch point $x = 1$ itself the function has a
# kink, like ReLU at 0, and the engine returns the derivative of the branch the code chose).

# %%
def newton_sqrt(a):
    """sqrt(a) for a > 0 by Newton's iteration, on Values or floats; also the number of steps."""
    r, steps = a * 1.0, 0          # start at r = a
    while abs((r * r - a).data if isinstance(r, Value) else r * r - a) > 1e-12:
        r = 0.5 * (r + a / r)
        steps += 1
    return r, steps


def h(x):
    return x * x if x.data > 1 else x.tanh()


for a_value in (0.25, 2.0, 50.0):
    a = Value(a_value)
    root, steps = newton_sqrt(a)
    root.backward()
    print(f"a = {a_value:5}: {steps} Newton steps, {len(root.topological_order()):3d} nodes; "
          f"sqrt(a) = {root.data:.10f}, d/da = {a.grad:.10f}, exact 1/(2 sqrt a) = "
          f"{1 / (2 * math.sqrt(a_value)):.10f}")
for x_value in (-0.5, 0.9, 1.1, 3.0):
    x = Value(x_value)
    out = h(x)
    out.backward()
    exact = 2 * x_value if x_value > 1 else 1 - math.tanh(x_value) ** 2
    print(f"h'({x_value:4}) = {x.grad:.6f}   (the branch's derivative: {exact:.6f})")

# %% [markdown]
# ### Training a tiny network with your engine
#
# Nothing in `Value` knows about neural networks, yet it is all a training loop needs. Below, a
# network with 2 inputs, one hidden layer of 4 tanh units and 1 sigmoid output is written with
# Values only, and trained by plain gradient descent on the four XOR points of assignment 1
# with the logistic loss $-\bigl(t \log p + (1 - t) \log(1 - p)\bigr)$, averaged over the
# points. Each step builds a fresh graph from the current weights (plain floats, so no `grad`
# needs resetting), calls **your** `backward`, and moves every weight against its gradient.
# If your engine is right, the loss falls and the four points end up on the right side of 0.5.

# %%
def tiny_net(weights, point):
    """p = sigmoid(w2 . tanh(W1 x + b1) + b2) for one point, built from Values."""
    W1, b1, w2, b2 = weights
    hidden = [(W1[j][0] * point[0] + W1[j][1] * point[1] + b1[j]).tanh() for j in range(4)]
    score = b2
    for j in range(4):
        score = score + w2[j] * hidden[j]
    return score.sigmoid()


def as_values(tree):
    """The same nested lists of floats, as leaf Values."""
    return [as_values(t) for t in tree] if isinstance(tree, list) else Value(tree)


def leaves(tree):
    return [leaf for t in tree for leaf in leaves(t)] if isinstance(tree, list) else [tree]


xor_points = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
xor_targets = [0.0, 1.0, 1.0, 0.0]
init = np.random.default_rng(3)
weights = [init.normal(0.0, 1.0, (4, 2)).tolist(), [0.0] * 4, init.normal(0.0, 1.0, 4).tolist(),
           0.0]
tiny_losses = []
for step in range(300):
    params = as_values(weights)
    total = Value(0.0)
    for point, target in zip(xor_points, xor_targets):
        p = tiny_net(params, point)
        total = total - (target * p.log() + (1.0 - target) * (1.0 - p).log())
    loss = total / len(xor_points)
    loss.backward()
    tiny_losses.append(loss.data)
    flat_params = leaves(params)
    new_values = [leaf.data - 1.0 * leaf.grad for leaf in flat_params]   # learning rate 1
    weights = [[new_values[2 * j:2 * j + 2] for j in range(4)], new_values[8:12],
               new_values[12:16], new_values[16]]

final = as_values(weights)
print("loss: first step", round(tiny_losses[0], 4), " last step", round(tiny_losses[-1], 4))
print("p(t = 1) on the four points:",
      [round(tiny_net(final, point).data, 3) for point in xor_points], " targets:", xor_targets)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(tiny_losses)
ax.set(xlabel="gradient-descent step", ylabel="logistic loss", yscale="log",
       title="a 2-4-1 tanh network trained with your Value")
ax.grid(alpha=0.3, which="both")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Part 6: forward mode with dual numbers
#
# Forward mode needs no graph at all. A **dual number** $a + a' \varepsilon$ is a pair: a value
# $a$ and a derivative $a'$, with the rule $\varepsilon^2 = 0$ (like complex numbers with
# $i^2 = -1$). Arithmetic on dual numbers *is* the chain rule:
# $$(a + a'\varepsilon) + (b + b'\varepsilon) = (a + b) + (a' + b')\varepsilon,$$
# $$(a + a'\varepsilon)(b + b'\varepsilon) = ab + (a'b + ab')\varepsilon + a'b'\varepsilon^2
# = ab + (a' b + a b')\varepsilon \quad\text{(the product rule)},$$
# $$\frac{a + a'\varepsilon}{b + b'\varepsilon} = \frac{a}{b} + \frac{a' b - a b'}{b^2}\,
# \varepsilon, \qquad
# g(a + a'\varepsilon) = g(a) + g'(a)\, a'\varepsilon \text{ for a smooth } g$$
# (from the Taylor series: $g(a + \delta) = g(a) + g'(a)\delta + \dots$ with $\delta = a'
# \varepsilon$, whose square vanishes). So `Dual(x, 1.0)` pushed through any expression comes
# out as `Dual(f(x), f'(x))`. With several inputs, the derivatives seeded on the inputs choose a
# direction $v$ (`Dual(x_i, v_i)`), and every output's `der` is the directional derivative
# $\nabla f \cdot v$.
#
# **Your task.** Complete `Dual`: `+`, `*`, `/`, `** c` (a number $c$), `exp`, `log`, `sin`,
# `cos`, `tanh`. Each returns a new `Dual(value, derivative)`. Negation, subtraction and the
# reflected forms are given.

# %% nbgrader={"grade": false, "grade_id": "dual_class", "locked": false, "schema_version": 3, "solution": true, "task": false}
class Dual:
    """A dual number ``val + der * eps`` with ``eps ** 2 = 0``, for forward-mode derivatives.

    Parameters
    ----------
    val : float
        The value.
    der : float, default 0.0
        The derivative carried along (0 for a constant).
    """

    def __init__(self, val, der=0.0):
        self.val = float(val)
        self.der = float(der)

    @staticmethod
    def lift(other):
        """``other`` as a Dual: a Dual unchanged, a number as a constant."""
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    # ------------------------------------------------------------ your operations
    def __add__(self, other):
        """``self + other``."""
        other = Dual.lift(other)
        ### BEGIN SOLUTION
        return Dual(self.val + other.val, self.der + other.der)
        ### END SOLUTION

    def __mul__(self, other):
        """``self * other``: the product rule."""
        other = Dual.lift(other)
        ### BEGIN SOLUTION
        return Dual(self.val * other.val, self.der * other.val + self.val * other.der)
        ### END SOLUTION

    def __truediv__(self, other):
        """``self / other``: the quotient rule."""
        other = Dual.lift(other)
        ### BEGIN SOLUTION
        quotient_der = (self.der * other.val - self.val * other.der) / other.val**2
        return Dual(self.val / other.val, quotient_der)
        ### END SOLUTION

    def __pow__(self, c):
        """``self ** c`` for a plain number ``c``."""
        ### BEGIN SOLUTION
        return Dual(self.val**c, c * self.val ** (c - 1) * self.der)
        ### END SOLUTION

    def exp(self):
        """``e ** self``."""
        ### BEGIN SOLUTION
        e = math.exp(self.val)
        return Dual(e, e * self.der)
        ### END SOLUTION

    def log(self):
        """Natural logarithm (``self.val > 0``)."""
        ### BEGIN SOLUTION
        return Dual(math.log(self.val), self.der / self.val)
        ### END SOLUTION

    def sin(self):
        """Sine."""
        ### BEGIN SOLUTION
        return Dual(math.sin(self.val), math.cos(self.val) * self.der)
        ### END SOLUTION

    def cos(self):
        """Cosine."""
        ### BEGIN SOLUTION
        return Dual(math.cos(self.val), -math.sin(self.val) * self.der)
        ### END SOLUTION

    def tanh(self):
        """Hyperbolic tangent."""
        ### BEGIN SOLUTION
        t = math.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.der)
        ### END SOLUTION

    # ------------------------------------------------------------ given
    def __neg__(self):
        return Dual(-self.val, -self.der)

    def __sub__(self, other):
        return self + (-Dual.lift(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Dual.lift(other) - self

    def __rtruediv__(self, other):
        return Dual.lift(other) / self

    def __repr__(self):
        return f"Dual(val={self.val:.6g}, der={self.der:.6g})"


# %% nbgrader={"grade": true, "grade_id": "test_dual", "locked": true, "points": 12, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_dual", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_dual", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# One pass of $h(t) = t \sin t + e^{-t^2}$ with `Dual(t, 1.0)` gives the value and the
# derivative together; your checker confirms the derivative.

# %%
def h_curve(t):
    if isinstance(t, Dual):
        return t * t.sin() + (-(t * t)).exp()
    return t * math.sin(t) + math.exp(-t * t)


t0 = 0.7
out = h_curve(Dual(t0, 1.0))
check = numerical_gradient(lambda v: h_curve(float(v[0])), np.array([t0]))[0]
print(f"h({t0}) = {out.val:.6f}, h'({t0}) = {out.der:.8f}, centred difference {check:.8f}")

# %% [markdown]
# ## Part 7: Jacobians by forward and by reverse mode
#
# Now $f: \mathbb{R}^n \to \mathbb{R}^m$, written as a Python function that takes a list of $n$
# scalars and returns a list of $m$ scalars, using only operations both `Value` and `Dual`
# provide (`+ - * /`, `** c`, `.exp()`, `.log()`, `.tanh()`), so the same function runs in both
# modes. For example:
#
# ```python
# def f(v):
#     return [v[0] + v[1].tanh(), (v[0] - v[2]).exp(), v[1] ** 2 - v[2]]
# ```
#
# **Forward mode** (`jacobian_forward`): for each input $j$, call `f` on
# `[Dual(x_0, 0), ..., Dual(x_j, 1), ..., Dual(x_{n-1}, 0)]`: the outputs' `der` are
# $\partial f_i / \partial x_j$ for every $i$, **column** $j$ of $J$. That is exactly $n$ calls
# of `f`, whatever $m$.
#
# **Reverse mode** (`jacobian_reverse`): call `f` once on Value leaves; then, for each output
# $i$, set every `grad` of the graph to 0, call `outputs[i].backward()` and read the leaves'
# `grad`: $\partial f_i / \partial x_j$ for every $j$, **row** $i$ of $J$. That is $m$ backward
# passes, whatever $n$. Resetting matters: the outputs share leaves (and maybe intermediate
# nodes), and `backward` adds to `grad`. `leaves + outputs[i].topological_order()` lists every
# node whose `grad` must be reset.
#
# Both return $J$ of shape $(m, n)$, with `x`'s dtype. (The two forms of the Jacobian are easy
# to mix up: a forward pass gives a column, all outputs' sensitivity to one input; a backward
# pass gives a row, one output's gradient. The test checks which is which.)
#
# **Note on the lecture notes.** Their Jacobian slide says the row form ($\nabla f_i$, row $i$)
# is "calculated efficiently using forward mode" and the column form ($\partial \mathbf f /
# \partial x_i$, column $i$) "using the backward mode". It is the other way round: one forward
# pass seeded with input $j$ gives column $j$, and one backward pass seeded at output $i$ gives
# row $i$, as derived above and measured below.

# %% nbgrader={"grade": false, "grade_id": "jacobian_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def jacobian_forward(f, x):
    """Jacobian of ``f`` at ``x`` by forward mode: one pass with ``Dual`` inputs per input.

    Parameters
    ----------
    f : callable
        ``f(list of n scalars) -> list of m scalars``.
    x : ndarray of shape (n,)
        The point.

    Returns
    -------
    J : ndarray of shape (m, n), dtype of ``x``
        ``J[i, j] = d f_i / d x_j``.
    """
    ### BEGIN SOLUTION
    n = x.shape[0]
    columns = []
    for j in range(n):
        inputs = [Dual(float(x[i]), 1.0 if i == j else 0.0) for i in range(n)]
        columns.append([out.der for out in f(inputs)])
    return np.array(columns, dtype=x.dtype).T
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_jacobian_forward", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_jacobian_forward", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_jacobian_forward", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "jacobian_reverse", "locked": false, "schema_version": 3, "solution": true, "task": false}
def jacobian_reverse(f, x):
    """Jacobian of ``f`` at ``x`` by reverse mode: one backward pass per output.

    For each output ``out`` of ``f``: set the ``grad`` of every node to 0, call
    ``out.backward()`` (the method: the cost plot below counts its calls) and read row ``i``
    from the inputs' ``grad``.

    Parameters
    ----------
    f : callable
        ``f(list of n scalars) -> list of m scalars``.
    x : ndarray of shape (n,)
        The point.

    Returns
    -------
    J : ndarray of shape (m, n), dtype of ``x``
        ``J[i, j] = d f_i / d x_j``.
    """
    ### BEGIN SOLUTION
    leaves = [Value(float(v)) for v in x]
    outputs = f(leaves)
    J = np.zeros((len(outputs), len(leaves)), dtype=x.dtype)
    for i, out in enumerate(outputs):
        for node in leaves + out.topological_order():
            node.grad = 0.0
        out.backward()
        J[i] = [leaf.grad for leaf in leaves]
    return J
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_jacobian_reverse", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_jacobian_reverse", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_jacobian_reverse", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Both modes agree on the example above:

# %%
def example(v):
    return [v[0] + v[1].tanh(), (v[0] - v[2]).exp(), v[1] ** 2 - v[2]]


x_example = np.array([0.5, -1.0, 2.0])
print("forward mode:\n", jacobian_forward(example, x_example) + 0.0)  # -0.0 shown as 0.0
print("reverse mode:\n", jacobian_reverse(example, x_example) + 0.0)

# %% [markdown]
# ### What each mode costs
#
# The cell below measures both modes on **wide** functions ($n$ inputs, one output: a loss) and
# on **tall** ones (one input, $m$ outputs), counting the passes: the calls of `f` in forward
# mode, the calls of `backward` in reverse mode (each output is wrapped in a node that counts
# them), and the time.

# %%
class CountingValue(Value):
    """A node equal to its one parent, whose backward() calls are counted."""

    calls = 0

    def backward(self):
        CountingValue.calls += 1
        super().backward()


def passes(jacobian, f, x):
    """(passes, seconds) of one Jacobian: f's calls (forward) or backward's calls (reverse)."""
    calls = {"f": 0}

    def counted(v):
        calls["f"] += 1
        out = f(v)
        if isinstance(out[0], Value):
            out = [CountingValue(o.data, (o,), (1.0,), "id") for o in out]
        return out

    CountingValue.calls = 0
    start = time.perf_counter()
    J = jacobian(counted, x)
    seconds = time.perf_counter() - start
    return (calls["f"] if jacobian is jacobian_forward else CountingValue.calls), seconds, J


def wide(v):   # R^n -> R: a sum of n terms
    total = v[0].tanh()
    for t in v[1:]:
        total = total + t.tanh()
    return [total]


def tall(v):   # R -> R^m
    return [(v[0] + 0.1 * k).tanh() for k in range(tall.m)]


sizes = [1, 2, 4, 8, 16, 32, 64, 128]
cost = {key: [] for key in ("wide_fwd", "wide_rev", "tall_fwd", "tall_rev")}
for size in sizes:
    x_wide = np.linspace(-1, 1, size)
    tall.m = size
    for key, jac, fun, point in (
        ("wide_fwd", jacobian_forward, wide, x_wide),
        ("wide_rev", jacobian_reverse, wide, x_wide),
        ("tall_fwd", jacobian_forward, tall, np.array([0.3])),
        ("tall_rev", jacobian_reverse, tall, np.array([0.3])),
    ):
        cost[key].append(passes(jac, fun, point)[:2])

fig, axes = plt.subplots(1, 3, figsize=(15, 4))
styles = {"fwd": ("forward mode", "#0072B2", "o-"), "rev": ("reverse mode", "#D55E00", "s--")}
for ax, shape, xlabel in ((axes[0], "wide", "n inputs (m = 1 output)"),
                          (axes[1], "tall", "m outputs (n = 1 input)")):
    for mode, (name, color, style) in styles.items():
        ax.plot(sizes, [p for p, _ in cost[f"{shape}_{mode}"]], style, color=color, label=name)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("passes")
    ax.set_title(f"{shape} functions: passes for the Jacobian")
    ax.legend()
    ax.grid(alpha=0.3)
for shape, marker in (("wide", "-"), ("tall", ":")):
    for mode, (name, color, _) in styles.items():
        axes[2].loglog(sizes, [1e3 * s for _, s in cost[f"{shape}_{mode}"]], marker, color=color,
                       label=f"{name}, {shape}")
axes[2].set_xlabel("n (wide) or m (tall)")
axes[2].set_ylabel("milliseconds")
axes[2].set_title("time for the Jacobian")
axes[2].legend(fontsize=8)
axes[2].grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# For the wide function the forward-mode passes grow with $n$ while reverse mode needs one
# backward pass; for the tall function it is the other way round. Each pass costs a small
# constant times one evaluation of $f$, so the time is the number of passes times the cost of
# $f$, and here $f$ itself grows with the size: on the wide function forward mode costs about
# $n \cdot n$ (its curve is twice as steep), reverse mode about $n$. With $n = 128$ inputs and
# one output, forward mode evaluates the function 128 times.

# %% [markdown]
# ### Written answer: reverse mode for training
#
# A network has $10^6$ parameters and one scalar loss. How many passes does each mode need for
# the full gradient, and roughly what does each cost compared with one evaluation of the loss?
# What does reverse mode need to keep in memory that forward mode does not, and why? Name a
# situation in which forward mode would be the better choice. (4-8 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_reverse_mode", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# The gradient is the $1 \times 10^6$ Jacobian of the loss. Forward mode produces one column
# per pass, the derivative of the loss along one parameter, so it needs $n = 10^6$ passes, each
# costing a small constant times one evaluation of the loss: about a million forward passes per
# training step (no better than finite differences, only exact). Reverse mode produces one row
# per pass, and there is only one row: one forward pass to record the graph plus one backward
# pass of comparable cost gives all $10^6$ derivatives, a few times the cost of one evaluation
# in total. The price is memory: the backward pass visits the nodes in reverse order and needs
# every intermediate value (or the local derivatives computed from them) of the forward pass,
# so the whole graph, all activations of all layers, must be stored until the backward pass
# has used it; forward mode carries each derivative along with its value and can forget
# everything behind it. Forward mode is the better choice when there are few inputs and many
# outputs ($n \ll m$), e.g. the sensitivity of a whole output image or trajectory to one or two
# hyper-parameters, or a Jacobian-vector product $Jv$ along one direction, which costs one
# forward pass without storing anything.

# %% [markdown]
# ## Recap
#
# - A **centred difference** $\bigl(f(x+h) - f(x-h)\bigr)/2h$ is exact to $O(h^2)$; round-off
#   adds $\varepsilon |f| / h$, so use float64 and $h \approx 10^{-6}$ to $10^{-5}$. Compare
#   gradients with a **relative error** that never divides by zero.
# - A **computation graph** orders the work: forward in topological order (parents first),
#   backward in the reverse topological order (root first: what `topological_order` returns); each node multiplies the upstream gradient by its **local derivatives**.
#   Addition distributes, multiplication swaps, max routes.
# - Gradients of a node used several times are **summed**; each node is processed **once**,
#   after all its users; the order is found **without recursion**.
# - **Forward mode** (dual numbers) gives one Jacobian column per pass, **reverse mode** one
#   row per pass: for a scalar loss of many parameters, reverse mode (backpropagation) wins.
#
# Before submitting: *Kernel → Restart & Run All*, and check that every test cell shows its
# score and the three written answers are filled in.
