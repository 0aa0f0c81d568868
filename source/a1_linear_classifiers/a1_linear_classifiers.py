# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Assignment 1: linear classifiers, losses and gradient descent
#
# In this notebook you build, in plain NumPy, everything needed to train a linear classifier on
# images of handwritten digits:
#
# 1. the **bias trick**, which folds the bias into the weight matrix;
# 2. the **perceptron**, the oldest learning rule, and why it cannot learn XOR;
# 3. the **multiclass SVM (hinge) loss** and its gradient, first with loops, then vectorized;
# 4. a numerically **stable softmax** and the **softmax cross-entropy loss** with its gradient;
# 5. **L1 and L2 penalties** (regularisation);
# 6. a **gradient check**, and what goes wrong at a kink;
# 7. **minibatch stochastic gradient descent** (SGD), prediction and accuracy;
# 8. a softmax classifier for 8x8 digits, tuned by a documented hyper-parameter search, with its
#    weights shown as images.
#
# ### How this notebook works
#
# - Each graded function lives in its own **answer cell**. Its signature and docstring are given;
#   replace `raise NotImplementedError()` with your code. Do not rename the function or change its
#   arguments: the grader looks it up by name.
# - The cell right after an answer cell is a **test cell**. It runs your function on a few cases and
#   shows a report: a table headed TO DO (not answered yet), PASS (full credit), FAIL (less) or
#   ERROR (your code raised), with one row per case (`ok` or the share of credit it earned and, for
#   a failure, which output is wrong, where, expected against got, and a hint) and your score for
#   that part on the right. Do not edit test cells.
# - When your notebook is graded, each test also runs **hidden cases** (other sizes, float32
#   inputs, extreme values). A function that is correct for every valid input passes them; the
#   visible cases are chosen so that a function which passes them is very unlikely to fail the
#   hidden ones unless it is wrong in general.
# - Keep the file `a1_linear_classifiers.cases.npz` in the same folder as this notebook: it holds
#   the visible cases and their expected values.
# - Five questions are answered in words (marked **Written answer**); they are graded by hand.
# - Run the notebook from top to bottom (*Kernel → Restart & Run All*) before you submit. The
#   whole notebook runs in well under 30 seconds; if a cell takes much longer, something is not
#   vectorized.
#
# ### Conventions (the same in every assignment of this course)
#
# - Data is **row-major**: the inputs are a matrix $X \in \mathbb{R}^{N \times D}$, one sample per
#   row ($N$ samples, $D$ features). Labels are integers $y_i \in \{0, \dots, C-1\}$ stored in an
#   array of shape `(N,)`.
# - A linear classifier has weights $W \in \mathbb{R}^{D \times C}$, one **column per class**. The
#   class scores of every sample are the rows of
#   $$S = X W \in \mathbb{R}^{N \times C}, \qquad s_{ij} = x_i^\top w_j,$$
#   where $x_i$ is row $i$ of $X$ and $w_j$ is column $j$ of $W$. The predicted class of sample
#   $i$ is $\arg\max_j s_{ij}$. (The lectures write one sample as a column vector and its scores
#   as $W x$ with $W$ of shape $C \times D$: our $W$ is the lectures' $W$ **transposed**, so that
#   a whole batch is the single product $X W$.)
# - Every loss is a **mean over the batch** plus a penalty:
#   $$L(W) = \frac{1}{N} \sum_{i=1}^{N} L_i(W) + R(W).$$
#   Averaging (rather than summing) keeps the loss and a good learning rate independent of $N$.
# - The L2 penalty is $R(W) = \frac{\lambda}{2} \sum_{k,j} W_{kj}^2$ with gradient $\lambda W$
#   ($\lambda$ is called `reg` in the code).
# - With the bias trick (Part 1) the biases are the **last row of $W$**. In this assignment that
#   row is **regularised like every other row**, which keeps every formula to one line. (From
#   assignment 3 on, biases are a separate vector and are never regularised.)
# - Arrays are float64 unless a test says otherwise; a function returns the dtype it was given.
#   A function must **never modify its input arrays**.
# - Randomness always comes from an explicit `rng` (a `np.random.Generator`) passed as an
#   argument; never call `np.random.seed`.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from autograder.student import datasets, plots, plots_search
from autograder.student.gradcheck import check_gradient
from autograder.student.grader import Grader

grader = Grader("a1_linear_classifiers")
rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)


def timed(fn, *args):
    """Return ``fn(*args)`` and the seconds it took."""
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start

# %% [markdown]
# ### The data
#
# Our main dataset is scikit-learn's **digits**: 1797 grey-scale images of 8x8 pixels, each a
# handwritten digit 0-9 (it ships with scikit-learn, so nothing is downloaded). Each image is
# flattened to $D = 64$ features, scaled to $[0, 1]$, and the mean training image is subtracted,
# so every feature is centred. We load it with `bias=True`, which appends a constant feature 1 to
# every image (the bias trick of Part 1), so each row has 65 entries: 64 pixels, then the 1.
#
# The split is fixed: 1000 training, 397 validation and 400 test images. You train on `X_train`
# and choose hyper-parameters on `X_val`. The 400 test images are not loaded here: the grader
# measures your final classifier on them, as held-out data it has never been tuned on.

# %%
digits = datasets.load_digits_split(bias=True)
X_train, y_train = digits["X_train"], digits["y_train"]
X_val, y_val = digits["X_val"], digits["y_val"]
D, C = X_train.shape[1], 10      # 65 features (with the bias), 10 classes
for name in ("X_train", "y_train", "X_val", "y_val"):
    print(f"{name:8s} shape {digits[name].shape}, dtype {digits[name].dtype}")

# The pixels were centred: add the mean image back (and drop the bias column) to display them.
plots.image_grid(X_train[:20, :-1] + digits["mean_image"], y_train[:20])
plt.show()

# %% [markdown]
# ## Part 1: the bias trick
#
# A linear classifier with a bias computes, for one sample $x \in \mathbb{R}^D$ (a row),
# $$s = x^\top W + b, \qquad W \in \mathbb{R}^{D \times C},\; b \in \mathbb{R}^{C}.$$
# Append a constant feature 1 to every sample and stack $b$ under $W$ as an extra row:
# $$\tilde{x} = \begin{bmatrix} x \\ 1 \end{bmatrix} \in \mathbb{R}^{D+1}, \qquad
# \tilde{W} = \begin{bmatrix} W \\ b^\top \end{bmatrix} \in \mathbb{R}^{(D+1) \times C}
# \quad\Longrightarrow\quad \tilde{x}^\top \tilde{W} = x^\top W + b.$$
# The classifier is now a single matrix product, so every loss and gradient below needs to handle
# only one parameter, $W$, and the bias's gradient comes for free as the last row of
# $\partial L / \partial \tilde W$. For a whole batch, the trick appends a column of ones to $X$.
#
# **Your task.** Write `add_bias_column`.

# %% nbgrader={"grade": false, "grade_id": "add_bias_column", "locked": false, "schema_version": 3, "solution": true, "task": false}
def add_bias_column(X):
    """Append a column of ones to ``X``, so that ``add_bias_column(X) @ W`` includes a bias.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        Data, one sample per row, floating point.

    Returns
    -------
    ndarray of shape (N, D + 1)
        ``X`` followed by a last column of ones, with the same dtype as ``X``.
        ``X`` itself is not modified.
    """
    ### BEGIN SOLUTION
    ones = np.ones((X.shape[0], 1), dtype=X.dtype)
    return np.hstack([X, ones])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_add_bias_column", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_add_bias_column", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_add_bias_column", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# A quick check that the trick does what the equation says: one product with the stacked weights
# equals the product plus the bias.

# %%
X_demo = rng.standard_normal((4, 3))
W_demo = rng.standard_normal((3, 2))
b_demo = rng.standard_normal(2)
with_trick = add_bias_column(X_demo) @ np.vstack([W_demo, b_demo])
print("one product equals product plus bias:", np.allclose(with_trick, X_demo @ W_demo + b_demo))
print("the digits' last column is the constant feature:", np.all(X_train[:, -1] == 1.0))

# %% [markdown]
# ## Part 2: the perceptron
#
# Rosenblatt's perceptron is a **binary** linear classifier. Here labels are $y_i \in \{-1, +1\}$
# and the weights are one vector $w \in \mathbb{R}^{D+1}$ (bias last, with the bias trick). It
# predicts
# $$\hat{y} = \begin{cases} +1 & \text{if } \tilde{x}^\top w > 0, \\ -1 & \text{otherwise.}
# \end{cases}$$
#
# It learns **one sample at a time**. Start from $w = 0$; in every epoch, visit the samples in
# their order $i = 1, \dots, N$, and whenever sample $i$ is not on the correct side of the
# boundary with a positive margin, i.e. $y_i\, \tilde{x}_i^\top w \le 0$, move $w$ towards it:
# $$w \leftarrow w + \eta\, y_i\, \tilde{x}_i \qquad (\eta > 0 \text{ is the learning rate}).$$
# After the update, $y_i \tilde{x}_i^\top w$ has grown by $\eta \lVert \tilde{x}_i \rVert^2 > 0$:
# the sample is "less wrong". Correct samples leave $w$ unchanged. Note the $\le$: a sample lying
# exactly on the boundary (score 0) counts as a mistake, so the very first sample always causes
# an update. (With $<$ instead, $w$ would stay 0 forever: every score of $w = 0$ is 0.)
#
# If the two classes can be separated by a line (a hyperplane in higher dimensions), the
# perceptron convergence theorem guarantees that this rule makes only finitely many mistakes and
# ends with a separating $w$. If they cannot, it never settles.
#
# **Your task.** Write `perceptron_fit` (use your `add_bias_column`) and `perceptron_predict`.
# Follow the rule exactly (start at zero, samples in order, update on $\le 0$): the test compares
# your weights with the reference's.

# %% nbgrader={"grade": false, "grade_id": "perceptron_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def perceptron_fit(X, y, *, epochs, lr):
    """Train a perceptron with the bias trick, visiting the samples in order.

    Starting from ``w = 0``, for each epoch and each sample ``i`` in order: if
    ``y[i] * (x_i @ w) <= 0``, where ``x_i`` is row ``i`` of ``add_bias_column(X)``, update
    ``w += lr * y[i] * x_i``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        Training inputs, floating point.
    y : ndarray of shape (N,)
        Labels, each -1 or +1.
    epochs : int
        Number of passes over the data (>= 1).
    lr : float
        Learning rate (> 0).

    Returns
    -------
    w : ndarray of shape (D + 1,)
        Learned weights; the last entry is the bias. Same dtype as ``X``.
    """
    ### BEGIN SOLUTION
    Xb = add_bias_column(X)
    w = np.zeros(Xb.shape[1], dtype=X.dtype)
    for _ in range(epochs):
        for x_i, y_i in zip(Xb, y):
            if y_i * (x_i @ w) <= 0:
                w += lr * y_i * x_i
    return w
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "perceptron_predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def perceptron_predict(w, X):
    """Predict labels in {-1, +1}: +1 where ``add_bias_column(X) @ w > 0``, else -1.

    Parameters
    ----------
    w : ndarray of shape (D + 1,)
        Weights from ``perceptron_fit``, bias last.
    X : ndarray of shape (N, D)
        Inputs.

    Returns
    -------
    ndarray of shape (N,), dtype int64
        Predicted labels, each -1 or +1.
    """
    ### BEGIN SOLUTION
    scores = add_bias_column(X) @ w
    return np.where(scores > 0, 1, -1).astype(np.int64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_perceptron", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_perceptron", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_perceptron", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### Logic gates: AND and OR are learned, XOR is not
#
# The four points $(0,0), (0,1), (1,0), (1,1)$ with the truth table of a gate as labels are the
# smallest interesting test. The cell below trains a perceptron on AND, OR and XOR and draws each
# learned line with the region it classifies as $+1$. Since the algorithm is deterministic,
# training for $k$ epochs gives exactly the weights after epoch $k$ of a longer run, so the last
# panel plots the training error after each epoch.

# %%
gate_names = ("and", "or", "xor")
n_epochs = 10
fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
errors = {}
for ax, name in zip(axes, gate_names):
    X_gate, y_gate = datasets.logic_gate(name)
    errors[name.upper()] = [
        np.mean(perceptron_predict(perceptron_fit(X_gate, y_gate, epochs=k, lr=1.0), X_gate)
                != y_gate)
        for k in range(1, n_epochs + 1)
    ]
    w_gate = perceptron_fit(X_gate, y_gate, epochs=n_epochs, lr=1.0)
    plots.decision_regions(lambda P, w=w_gate: perceptron_predict(w, P), X_gate, y_gate, ax=ax,
                           title=f"{name.upper()}: w = {w_gate}")
    plots.linear_boundary(w_gate, ax=ax, color="black")
plots.curves(errors, ax=axes[3], xlabel="epoch", ylabel="training error",
             title="training error after each epoch")
fig.tight_layout()
plt.show()

# %% [markdown]
# AND and OR reach zero training error within a few epochs. (The AND error rises again for one
# epoch: after epoch 4 two negative points lie exactly on the line; they are predicted $-1$,
# which is right, but the update rule treats their score 0 as a mistake and moves the line.)
#
# XOR never does better than 50%: on this data one epoch of updates brings $w$ back to exactly
# zero, so the perceptron cycles forever (no line is drawn because $w = 0$ has no boundary).
# This is not a weakness of the perceptron's learning rule alone, as the next question shows.

# %% [markdown]
# ### Written answer: XOR
#
# Explain why **no** linear classifier, whatever its training algorithm, can classify all four
# XOR points correctly. A short algebraic or geometric argument is enough (3-6 sentences). Then
# name one change to the model that makes XOR solvable.

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_xor", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# A linear classifier outputs $+1$ exactly when $w_1 x_1 + w_2 x_2 + b > 0$. Classifying XOR
# would need $w_1 + b > 0$ and $w_2 + b > 0$ (the positive points $(1,0)$ and $(0,1)$), and
# $b \le 0$ and $w_1 + w_2 + b \le 0$ (the negative points $(0,0)$ and $(1,1)$). Adding the first
# two gives $w_1 + w_2 + 2b > 0$, adding the last two gives $w_1 + w_2 + 2b \le 0$: a
# contradiction, so no $(w_1, w_2, b)$ exists. Geometrically, each class of a linear classifier
# is a half-plane, which is convex; the two positive points and the two negative points are the
# diagonals of the square and both diagonals pass through $(0.5, 0.5)$, which would have to lie
# in both half-planes at once. Fixes: add a non-linear feature such as $x_1 x_2$ (then
# $x_1 + x_2 - 2 x_1 x_2$ separates the classes), or use a hidden layer with a non-linearity
# (a two-layer network), which composes several lines.

# %% [markdown]
# ## Part 3: the multiclass SVM (hinge) loss
#
# From now on we have $C$ classes and $W \in \mathbb{R}^{D \times C}$. A **loss** says how
# unhappy we are with the scores. The multiclass SVM loss wants the correct class's score to beat
# every other class's score by at least a margin $\Delta$ (we use $\Delta = 1$):
# $$L_i = \sum_{j \ne y_i} \max\bigl(0,\; s_{ij} - s_{i y_i} + \Delta\bigr),
# \qquad L = \frac{1}{N}\sum_{i=1}^N L_i + \frac{\lambda}{2} \sum_{k,j} W_{kj}^2 .$$
# The function $\max(0, m)$ is the **hinge**: an incorrect class costs nothing once it is beaten by
# the margin, and costs linearly more the further it is from that.
#
# ### Worked example (from the lecture)
#
# Three training images, a cat, a car and a frog, with these scores (one column per image):
#
# | score of class | cat image | car image | frog image |
# |---|---|---|---|
# | cat  | **3.2** | 1.3 | 2.2 |
# | car  | 5.1 | **4.9** | 2.5 |
# | frog | -1.7 | 2.0 | **-3.1** |
#
# - **cat image** (correct score 3.2): $\max(0, 5.1 - 3.2 + 1) + \max(0, -1.7 - 3.2 + 1)
#   = 2.9 + 0 = 2.9$. The car score wins, so the cat image is penalised; the frog score is far
#   enough below.
# - **car image** (correct score 4.9): $\max(0, 1.3 - 4.9 + 1) + \max(0, 2.0 - 4.9 + 1) = 0 + 0
#   = 0$. The car wins by more than the margin: no loss.
# - **frog image** (correct score $-3.1$): $\max(0, 2.2 + 3.1 + 1) + \max(0, 2.5 + 3.1 + 1)
#   = 6.3 + 6.6 = 12.9$.
#
# The data loss is the mean, $(2.9 + 0 + 12.9)/3 \approx 5.27$.
#
# ### The gradient
#
# Each term with a **positive** margin $m_{ij} = s_{ij} - s_{iy_i} + \Delta > 0$ contributes
# $s_{ij} - s_{iy_i} + \Delta$ to $L_i$ (the constant $\Delta$ does not change the derivative),
# and since $s_{ij} = x_i^\top w_j$:
# $$\frac{\partial L_i}{\partial w_j} = x_i \;\;(j \ne y_i,\ m_{ij} > 0), \qquad
# \frac{\partial L_i}{\partial w_{y_i}} = -\,\bigl|\{j \ne y_i : m_{ij} > 0\}\bigr|\; x_i .$$
# Terms with $m_{ij} < 0$ contribute nothing. At $m_{ij} = 0$ exactly the hinge has a kink and
# no derivative; we use 0 there (the condition is `margin > 0`). Finally
# $\partial L / \partial W = \frac{1}{N} \sum_i \partial L_i / \partial W + \lambda W$.
#
# **Your task.** Write `svm_loss_naive` with explicit loops over samples and classes (the
# clearest way to get the formula right), returning the loss and its gradient.

# %% nbgrader={"grade": false, "grade_id": "svm_loss_naive", "locked": false, "schema_version": 3, "solution": true, "task": false}
def svm_loss_naive(W, X, y, reg, delta=1.0):
    """Multiclass SVM (hinge) loss and its gradient, with loops over samples and classes.

    ``L = 1/N sum_i sum_{j != y_i} max(0, s_ij - s_iy_i + delta) + 0.5 * reg * sum(W**2)``
    with ``s = X @ W``. Where a margin is exactly 0, use the gradient 0.

    Parameters
    ----------
    W : ndarray of shape (D, C)
        Weights, one column per class (with the bias trick the last row holds the biases and is
        regularised too).
    X : ndarray of shape (N, D)
        Inputs, one sample per row.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    reg : float
        L2 strength (>= 0).
    delta : float, default 1.0
        Margin (> 0).

    Returns
    -------
    loss : float
        Mean hinge loss over the N samples plus the L2 penalty.
    dW : ndarray of shape (D, C)
        Gradient of ``loss`` with respect to ``W``, same dtype as ``W``.
    """
    ### BEGIN SOLUTION
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        scores = X[i] @ W
        correct = scores[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - correct + delta
            if margin > 0:
                loss += float(margin)
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / N + 0.5 * reg * float(np.sum(W * W))
    dW = dW / N + reg * W
    return loss, dW
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_svm_loss_naive", "locked": true, "points": 12, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_svm_loss_naive", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_svm_loss_naive", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Besides comparing your loss and gradient with the reference, the test **checks your gradient
# against finite differences of your own loss** (you will do this yourself in Part 7). So a
# wrong loss with a gradient that is consistent with it still loses the "loss" check, and a
# right loss with a wrong gradient loses both gradient checks.
#
# Now reproduce the worked example. If $W$ is the $3 \times 3$ identity, the scores are the
# inputs themselves, so we can pass the table's columns as the rows of $X$:

# %%
lecture_scores = np.array([[3.2, 5.1, -1.7],    # cat image: scores of cat, car, frog
                           [1.3, 4.9, 2.0],     # car image
                           [2.2, 2.5, -3.1]])   # frog image
lecture_labels = np.array([0, 1, 2])            # cat = 0, car = 1, frog = 2
by_hand = [2.9, 0.0, 12.9]                      # computed by hand above
for i, name in enumerate(["cat", "car", "frog"]):
    loss_i, _ = svm_loss_naive(np.eye(3), lecture_scores[i:i + 1], lecture_labels[i:i + 1], 0.0)
    print(f"{name:4s} image: loss {loss_i:.4f} (by hand {by_hand[i]})")
mean_loss, _ = svm_loss_naive(np.eye(3), lecture_scores, lecture_labels, 0.0)
print(f"mean over the three images: {mean_loss:.4f} (by hand {np.mean(by_hand):.4f})")

# %% [markdown]
# ### Vectorized
#
# Loops in Python are slow: every iteration pays the interpreter's overhead. The same loss can be
# computed with a handful of array operations on the whole batch:
#
# 1. `scores = X @ W`, shape $(N, C)$; the correct scores are `scores[np.arange(N), y]`.
# 2. The margins, shape $(N, C)$: subtract the correct score of each row (broadcast a column),
#    add $\Delta$, and set the correct class's entry of each row to 0 (it is not part of the sum).
# 3. The loss is the sum of the positive margins divided by $N$, plus the penalty.
# 4. For the gradient, build a coefficient matrix $M \in \mathbb{R}^{N \times C}$ with
#    $M_{ij} = 1$ where the margin is positive and, in the correct column, $M_{iy_i} = -$(number of
#    positive margins in row $i$). Then $\partial L / \partial W = X^\top M / N + \lambda W$:
#    exactly the loop's updates, added up by one matrix product.
#
# **Your task.** Write `svm_loss_vectorized` without any Python loop. It must return the same
# values as the naive version.

# %% nbgrader={"grade": false, "grade_id": "svm_loss_vectorized", "locked": false, "schema_version": 3, "solution": true, "task": false}
def svm_loss_vectorized(W, X, y, reg, delta=1.0):
    """Multiclass SVM (hinge) loss and its gradient, without Python loops.

    Same contract as ``svm_loss_naive``.

    Parameters
    ----------
    W : ndarray of shape (D, C)
        Weights.
    X : ndarray of shape (N, D)
        Inputs.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    reg : float
        L2 strength (>= 0).
    delta : float, default 1.0
        Margin (> 0).

    Returns
    -------
    loss : float
        Mean hinge loss plus the L2 penalty.
    dW : ndarray of shape (D, C)
        Gradient of ``loss`` with respect to ``W``, same dtype as ``W``.
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + delta
    margins[rows, y] = 0.0
    positive = margins > 0
    loss = float(np.sum(margins[positive])) / N + 0.5 * reg * float(np.sum(W * W))
    coeff = positive.astype(scores.dtype)
    coeff[rows, y] = -coeff.sum(axis=1)
    dW = X.T @ coeff / N + reg * W
    return loss, dW.astype(W.dtype, copy=False)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_svm_loss_vectorized", "locked": true, "points": 12, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_svm_loss_vectorized", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_svm_loss_vectorized", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Both versions on the digits training set (with the bias column), at small random weights: the
# values must agree to round-off, and the vectorized one should be one to two orders of magnitude
# faster.

# %%
W_small = 0.001 * rng.standard_normal((D, C))
(loss_n, dW_n), t_naive = timed(svm_loss_naive, W_small, X_train, y_train, 1e-3)
(loss_v, dW_v), t_vec = timed(svm_loss_vectorized, W_small, X_train, y_train, 1e-3)
print(f"naive:      loss {loss_n:.6f} in {1e3 * t_naive:7.2f} ms")
print(f"vectorized: loss {loss_v:.6f} in {1e3 * t_vec:7.2f} ms  ({t_naive / t_vec:.0f}x faster)")
print(f"loss difference {abs(loss_n - loss_v):.1e}, largest gradient difference "
      f"{np.max(np.abs(dW_n - dW_v)):.1e}")

# %% [markdown]
# At $W \approx 0$ every score is about 0, so every margin is about $\Delta = 1$ and the loss
# is close to $(C - 1)\Delta = 9$: a useful sanity check of any SVM implementation.

# %% [markdown]
# ## Part 4: a stable softmax
#
# The softmax turns a row of scores into probabilities:
# $$p_{ij} = \frac{e^{s_{ij}}}{\sum_{k=1}^{C} e^{s_{ik}}}, \qquad p_{ij} > 0,\;
# \sum_j p_{ij} = 1 .$$
# Computed literally it breaks as soon as a score is large: `np.exp(1000)` overflows to `inf`
# (float64 stops near $e^{709}$), and `inf / inf` is `nan`:

# %%
big_scores = np.array([1000.0, 999.0, 998.0])
with np.errstate(over="ignore", invalid="ignore"):   # silence NumPy's overflow warning here
    literal = np.exp(big_scores) / np.sum(np.exp(big_scores))
print("literal softmax of", big_scores, "->", literal)

# %% [markdown]
# The fix uses the fact that softmax does not change when the same constant $c$ is subtracted from
# every score of a row:
# $$\frac{e^{s_{ij} - c}}{\sum_k e^{s_{ik} - c}} = \frac{e^{-c}\, e^{s_{ij}}}{e^{-c} \sum_k
# e^{s_{ik}}} = p_{ij}.$$
# Choosing $c = \max_k s_{ik}$ makes every exponent $\le 0$, so nothing overflows, and the largest
# term is $e^0 = 1$, so the denominator is at least 1 (no division by zero either).
#
# **Your task.** Write a stable `softmax` over the last axis (the class axis).

# %% nbgrader={"grade": false, "grade_id": "softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax(scores):
    """Numerically stable softmax over the last axis.

    Subtract each row's maximum before exponentiating: the result is unchanged and no
    exponential overflows.

    Parameters
    ----------
    scores : ndarray of shape (N, C)
        Class scores, floating point (any shape ``(..., C)`` works the same way).

    Returns
    -------
    ndarray of shape (N, C)
        Probabilities: every entry positive, every row sums to 1. Same dtype as ``scores``.
    """
    ### BEGIN SOLUTION
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softmax", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_softmax", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_softmax", globals(), hidden=True)
### END HIDDEN TESTS
score

# %%
print("stable softmax of", big_scores, "->", softmax(big_scores[None, :])[0])
print("same as the softmax of", big_scores - 1000, "->", softmax(big_scores[None, :] - 1000)[0])

# %% [markdown]
# ## Part 5: the softmax cross-entropy loss
#
# Read the probabilities as the model's belief $P(\text{class } j \mid x_i)$. The cross-entropy
# loss is the negative log-probability of the correct class (maximum likelihood):
# $$L_i = -\log p_{i y_i} = -s_{i y_i} + \log \sum_{k} e^{s_{ik}},
# \qquad L = \frac{1}{N} \sum_i L_i + \frac{\lambda}{2} \sum_{k,j} W_{kj}^2 .$$
# Only the correct class's probability appears, yet every score matters: raising a wrong class's
# score takes probability away from the correct one, because the probabilities sum to 1.
#
# For the lecture's cat image (scores 3.2, 5.1, -1.7) the probabilities are about 0.13, 0.87 and
# 0.00, so the loss is $-\log 0.13 \approx 2.04$. Unlike the hinge loss, it is never exactly
# zero: the model is always pushed to be more confident.
#
# **Gradient.** Differentiating $L_i$ with respect to the scores of row $i$ gives
# $\partial L_i / \partial s_{ij} = p_{ij} - [j = y_i]$ ("probability minus one-hot"), and with
# $s_{ij} = x_i^\top w_j$:
# $$\frac{\partial L}{\partial W} = \frac{1}{N} X^\top (P - Y) + \lambda W,$$
# where $P$ holds the probabilities and $Y$ is the one-hot matrix of the labels, both $(N, C)$.
#
# **Stability.** Do not compute $\log(p_{iy_i})$ from a softmax: for large scores $p_{iy_i}$ can
# underflow to 0 and $\log 0 = -\infty$. Compute the log-probabilities directly,
# $\log p_{ij} = (s_{ij} - c_i) - \log \sum_k e^{s_{ik} - c_i}$ with $c_i = \max_k s_{ik}$.
#
# **Your task.** Write `softmax_loss_naive` with loops over samples (and classes for the
# gradient), then `softmax_loss_vectorized` without loops.

# %% nbgrader={"grade": false, "grade_id": "softmax_loss_naive", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_loss_naive(W, X, y, reg):
    """Softmax cross-entropy loss and its gradient, with explicit loops.

    ``L = -1/N sum_i log p_iy_i + 0.5 * reg * sum(W**2)`` with ``p_i = softmax(x_i @ W)``.

    Parameters
    ----------
    W : ndarray of shape (D, C)
        Weights.
    X : ndarray of shape (N, D)
        Inputs.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    reg : float
        L2 strength (>= 0).

    Returns
    -------
    loss : float
        Mean cross-entropy plus the L2 penalty (finite even for very large scores).
    dW : ndarray of shape (D, C)
        Gradient of ``loss`` with respect to ``W``, same dtype as ``W``.
    """
    ### BEGIN SOLUTION
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        scores = X[i] @ W
        scores = scores - np.max(scores)
        log_norm = np.log(np.sum(np.exp(scores)))
        loss += float(log_norm - scores[y[i]])
        for j in range(C):
            p_j = np.exp(scores[j] - log_norm)
            dW[:, j] += (p_j - (j == y[i])) * X[i]
    loss = loss / N + 0.5 * reg * float(np.sum(W * W))
    dW = dW / N + reg * W
    return loss, dW
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softmax_loss_naive", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_softmax_loss_naive", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_softmax_loss_naive", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "softmax_loss_vectorized", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_loss_vectorized(W, X, y, reg):
    """Softmax cross-entropy loss and its gradient, without Python loops.

    Same contract as ``softmax_loss_naive``; the gradient is
    ``X.T @ (P - Y) / N + reg * W`` with ``P`` the probabilities and ``Y`` the one-hot labels.

    Parameters
    ----------
    W : ndarray of shape (D, C)
        Weights.
    X : ndarray of shape (N, D)
        Inputs.
    y : ndarray of shape (N,)
        Integer labels in ``[0, C)``.
    reg : float
        L2 strength (>= 0).

    Returns
    -------
    loss : float
        Mean cross-entropy plus the L2 penalty.
    dW : ndarray of shape (D, C)
        Gradient of ``loss`` with respect to ``W``, same dtype as ``W``.
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -float(np.mean(log_p[rows, y])) + 0.5 * reg * float(np.sum(W * W))
    dscores = np.exp(log_p)
    dscores[rows, y] -= 1.0
    dW = X.T @ dscores / N + reg * W
    return loss, dW.astype(W.dtype, copy=False)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softmax_loss_vectorized", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_softmax_loss_vectorized", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_softmax_loss_vectorized", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Three sanity checks whose answers we know without any code:
#
# 1. At $W = 0$ all scores are 0, every class gets probability $1/C$, so the loss is exactly
#    $\ln C = \ln 10 \approx 2.3026$ on digits. (A freshly initialised classifier whose loss is far
#    from $\ln C$ has a bug.)
# 2. The lecture's cat image: about 2.04 (computed above by hand, from the softmax).
# 3. One sample with scores $(1000, 0)$ whose correct class is the second one:
#    $L = -0 + \log(e^{1000} + e^{0}) = 1000$ up to $e^{-1000}$. A loss computed as
#    $-\log(\text{softmax})$ gives `inf` here. The visible case `large` above already has scores
#    near 2000, and the hidden cases go further: make sure this line prints 1000 for both
#    versions.
#
# The last line compares the naive and vectorized versions on digits.

# %%
expected_cat = -np.log(np.exp(3.2) / (np.exp(3.2) + np.exp(5.1) + np.exp(-1.7)))
for fn in (softmax_loss_naive, softmax_loss_vectorized):
    zero_loss, _ = fn(np.zeros((D, C)), X_train, y_train, 0.0)
    cat_loss, _ = fn(np.eye(3), lecture_scores[:1], lecture_labels[:1], 0.0)
    big_loss, _ = fn(np.eye(2), np.array([[1000.0, 0.0]]), np.array([1]), 0.0)
    print(f"{fn.__name__}:")
    print(f"  W = 0:       loss {zero_loss:.6f}   ln(10) = {np.log(10):.6f}")
    print(f"  cat image:   loss {cat_loss:.6f}   expected {expected_cat:.6f}")
    print(f"  huge scores: loss {big_loss:.6f}   expected 1000"
          + ("" if np.isclose(big_loss, 1000.0) else "   <-- not stable: see 'Stability' above"))

W_small = 0.001 * rng.standard_normal((D, C))
(loss_n, dW_n), t_naive = timed(softmax_loss_naive, W_small, X_train, y_train, 1e-3)
(loss_v, dW_v), t_vec = timed(softmax_loss_vectorized, W_small, X_train, y_train, 1e-3)
print(f"digits: naive {1e3 * t_naive:.1f} ms, vectorized {1e3 * t_vec:.2f} ms; loss difference "
      f"{abs(loss_n - loss_v):.1e}, largest gradient difference {np.max(np.abs(dW_n - dW_v)):.1e}")

# %% [markdown]
# ### Written answer: the loss at initialisation, and adding a point
#
# (a) A classifier is initialised with small random weights, `W = 0.001 * rng.standard_normal((D,
# C))`, and no regularisation. Without running anything, what softmax loss do you expect on the
# digits ($C = 10$), and why? What SVM loss ($\Delta = 1$)? If the first loss your code prints is
# 4.6 for the softmax, what would you suspect?
#
# (b) A trained classifier gets every margin of the SVM loss right on a new training point
# $(x, y)$: its correct score beats every other score by more than $\Delta$. The point is added
# to the training set. What does it contribute to the SVM loss and to its gradient, and what to
# the softmax loss and its gradient? Which of the two classifiers will still change its weights
# because of this point? (2-6 sentences for each of (a) and (b).)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_init_and_new_point", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# (a) With weights of size $10^{-3}$ every score is within about $10^{-2}$ of 0, so the softmax
# gives every class a probability close to $1/C$ and every sample a loss close to $-\ln(1/C) =
# \ln C = \ln 10 \approx 2.30$ (the cell above measures 2.3026 at $W = 0$). For the SVM every
# margin $s_j - s_{y_i} + \Delta$ is close to $\Delta = 1$, so each sample pays about
# $(C - 1)\Delta = 9$. A first softmax loss of 4.6 is $2 \ln 10 = \ln 100$, the loss of a
# uniform guess among 100 classes: with 10 classes it means that the initial scores are not
# close to 0 (weights far from small, so some wrong classes are already confidently preferred)
# or that the loss is counted twice (a factor 2 somewhere); either way a bug or a bad
# initialisation, found before any training has happened.
#
# (b) For the SVM the point's loss is exactly 0 (every hinge is at 0) and so is its gradient: it
# adds nothing to the sum, and the mean loss only shrinks by the factor $N/(N+1)$ because $N$
# grew; the weights feel no pull from it. For the softmax its loss $-\log p_y$ is small but
# always positive (no finite score makes $p_y = 1$), and its gradient $x (p - \text{onehot}(y))^\top$
# is non-zero: it keeps asking for a still larger margin. So the softmax classifier changes its
# weights because of the point and the SVM does not: the hinge loss is satisfied once the margin
# is met, cross-entropy never is.

# %% [markdown]
# ## Part 6: regularisation, L1 and L2
#
# Many weight matrices fit the training data equally well: doubling $W$ doubles every score and
# so keeps every prediction, on any data. (If $W$ beats every margin, so that the hinge loss is
# 0, then $2W$ beats it too and also has loss 0: the data alone cannot choose between them.) A penalty $R(W)$ added to the loss expresses a preference among them,
# for "simpler" weights, and so reduces overfitting. $\lambda$ sets the trade-off: too small and
# the classifier memorises noise, too large and it cannot fit the data.
#
# | penalty | value | gradient | effect |
# |---|---|---|---|
# | L2 (ridge, weight decay) | $\frac{\lambda}{2}\sum W_{kj}^2$ | $\lambda W$ | shrinks every weight in proportion to its size; prefers many small weights spread over correlated features |
# | L1 (lasso) | $\lambda \sum \lvert W_{kj}\rvert$ | $\lambda\, \mathrm{sign}(W)$ | the same push towards 0 for every non-zero weight, however small; drives many weights to exactly 0 (sparse) |
#
# $|w|$ has a kink at 0; use the subgradient $\mathrm{sign}(0) = 0$ there (`np.sign` does).
# In a gradient step, L2 multiplies the weights by $(1 - \eta\lambda)$ before the data's update,
# which is why it is also called **weight decay**.
#
# **Your task.** Write both penalties; each returns its value and its gradient. They work on an
# array `W` of any shape.

# %% nbgrader={"grade": false, "grade_id": "l1_penalty", "locked": false, "schema_version": 3, "solution": true, "task": false}
def l1_penalty(W, reg):
    """L1 penalty ``reg * sum(|W|)`` and its subgradient ``reg * sign(W)`` (0 where W is 0).

    Parameters
    ----------
    W : ndarray of any shape
        Weights.
    reg : float
        Strength (>= 0).

    Returns
    -------
    value : float
        The penalty.
    grad : ndarray, same shape and dtype as ``W``
        Its gradient with respect to ``W``.
    """
    ### BEGIN SOLUTION
    value = reg * float(np.sum(np.abs(W)))
    grad = (reg * np.sign(W)).astype(W.dtype, copy=False)
    return value, grad
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_l1_penalty", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_l1_penalty", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_l1_penalty", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "l2_penalty", "locked": false, "schema_version": 3, "solution": true, "task": false}
def l2_penalty(W, reg):
    """L2 penalty ``0.5 * reg * sum(W**2)`` and its gradient ``reg * W``.

    Parameters
    ----------
    W : ndarray of any shape
        Weights.
    reg : float
        Strength (>= 0).

    Returns
    -------
    value : float
        The penalty.
    grad : ndarray, same shape and dtype as ``W``
        Its gradient with respect to ``W``.
    """
    ### BEGIN SOLUTION
    value = 0.5 * reg * float(np.sum(W * W))
    grad = (reg * W).astype(W.dtype, copy=False)
    return value, grad
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_l2_penalty", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_l2_penalty", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_l2_penalty", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# Two weight vectors that give the **same score** $w^\top x = 1$ on the input $x = (1, 1)$: one
# puts all its weight on the first feature, the other splits it. L1 cannot tell them apart; L2
# prefers the split one. The plot shows why L1 produces exact zeros: near 0 the L2 gradient
# vanishes (tiny weights are hardly pushed), while the L1 gradient keeps its full size.

# %%
w_one = np.array([1.0, 0.0])
w_split = np.array([0.5, 0.5])
for name, w in (("all on one feature", w_one), ("split evenly", w_split)):
    print(f"{name:18s} score {w @ np.ones(2):.1f}   L1 {l1_penalty(w, 1.0)[0]:.3f}"
          f"   L2 {l2_penalty(w, 1.0)[0]:.3f}")

w_line = np.linspace(-2.0, 2.0, 401)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
for pen, name in ((l1_penalty, "L1"), (l2_penalty, "L2")):
    value = np.array([pen(np.array([v]), 1.0)[0] for v in w_line])
    axes[0].plot(w_line, value, label=name)
    axes[1].plot(w_line, pen(w_line, 1.0)[1], label=name)
axes[0].set(title="penalty of one weight (reg = 1)", xlabel="w", ylabel="penalty")
axes[1].set(title="its gradient", xlabel="w", ylabel="gradient")
for ax in axes:
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Part 7: checking a gradient numerically
#
# An analytic gradient is easy to get subtly wrong (a missing $1/N$, a sign, a transpose), and a
# wrong gradient often still lowers the loss a bit, so training alone will not reveal it. The
# **centred difference** estimates each partial derivative from two loss evaluations,
# $$\frac{\partial f}{\partial W_{kj}} \approx \frac{f(W + h E_{kj}) - f(W - h E_{kj})}{2h},$$
# where $E_{kj}$ is 1 at entry $(k, j)$ and 0 elsewhere. Its error is $O(h^2)$ for a smooth $f$,
# plus round-off of order $\varepsilon_{\text{mach}} |f| / h$; in float64 a step $h = 10^{-6}$
# balances the two. In float32 even the best step leaves a relative error of about $2 \cdot
# 10^{-5}$ (assignment 2 measures it), as large as the effect of a small bug, so a float32 check
# cannot tell a correct gradient from a slightly wrong one: always check in float64.
#
# `check_gradient(f, W, dW)` from `autograder.student.gradcheck` does this for every entry and compares
# with your `dW` entry by entry, allowing $|a - n| \le 10^{-8} \max(1, |f|) + 10^{-5}
# \max(|a|, |n|)$. Its result has `.ok` and `.message()`.
#
# Below we check both vectorized losses at a random point, chosen so that no hinge margin is
# within $10^{-3}$ of zero (why this matters is the topic of the next question).

# %%
def random_problem(rng, N=6, D=5, C=4, min_margin=1e-3):
    """Random (W, X, y) whose hinge margins are all at least min_margin away from 0."""
    while True:
        W = 0.5 * rng.standard_normal((D, C))
        X = rng.standard_normal((N, D))
        y = rng.integers(0, C, size=N)
        scores = X @ W
        margins = scores - scores[np.arange(N), y][:, None] + 1.0
        margins[np.arange(N), y] = 1.0           # the correct class has no hinge
        if np.abs(margins).min() >= min_margin:
            return W, X, y


W_chk, X_chk, y_chk = random_problem(rng)
for loss_fn in (svm_loss_vectorized, softmax_loss_vectorized):
    _, dW_chk = loss_fn(W_chk, X_chk, y_chk, 0.1)
    result = check_gradient(lambda W, f=loss_fn: f(W, X_chk, y_chk, 0.1)[0], W_chk, dW_chk,
                            name="dW")
    print(f"{loss_fn.__name__}: ok = {result.ok}. {result.message()}")

# %% [markdown]
# ### A check that fails on a correct gradient
#
# Now the cat image with slightly different scores, $(3.0, 2.0, -1.5)$. The car's margin is
# $2.0 - 3.0 + 1 = 0$ **exactly**: the point sits on the hinge's kink. The SVM loss is 0 and your
# gradient is 0 (the margin is not $> 0$), which is a valid choice, yet the check fails. (Ignore
# its hint, which guesses at a bug: there is none here.)

# %%
W_kink = np.eye(3)
X_kink = np.array([[3.0, 2.0, -1.5]])
y_kink = np.array([0])
loss_kink, dW_kink = svm_loss_vectorized(W_kink, X_kink, y_kink, 0.0)
result = check_gradient(lambda W: svm_loss_vectorized(W, X_kink, y_kink, 0.0)[0], W_kink, dW_kink,
                        name="dW")
print("loss:", loss_kink)
print("ok =", result.ok)
print(result.message())

# %% [markdown]
# ### Written answer: gradient checks at a kink
#
# Explain why the check above fails even though `svm_loss_vectorized` is correct. Where do the
# values reported (such as $\pm 1.5$ and $\pm 1$) come from? When can this happen in practice, and
# how should a gradient check be set up to avoid it? (3-6 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_kink", "locked": false, "points": 4, "schema_version": 3, "solution": true, "task": false}
# The hinge $\max(0, m)$ is not differentiable at $m = 0$: its slope is 0 on the left and 1 on the
# right. Our code picks the subgradient 0 there (the margin is not $> 0$), but the centred
# difference evaluates the loss at $W \pm hE$, i.e. on **both** sides of the kink. Moving
# $W_{11}$ by $\pm h$ changes the car score by $\pm 2h$ (the input feature is 2), so the margin
# becomes $+2h$ (loss $2h$) or $-2h$ (loss 0), and the estimate is $(2h - 0)/2h = 1$, the
# average of the two one-sided slopes $0$ and $2$. Every entry $W_{k1}$ of the car's column does
# the same with its own input feature $x_k$: the estimate is $x_k / 2$ ($1.5$, $1$, $-0.75$ for
# $x = (3, 2, -1.5)$), and every entry of the cat's column gives $-x_k / 2$ ($-1.5$, $-1$,
# $0.75$), which is what the report lists. Neither number is "the" derivative: none
# exists at the kink, so the disagreement says nothing about the code. It happens whenever some
# margin (or a ReLU input, or an $|w|$ in L1) lies within $h$ of zero, which is rare for random
# real-valued data but common for small integer or symmetric inputs, or weights initialised to
# exactly 0 with L1. To avoid it, check at points where every margin is at least about $10^{-3}$
# from zero (resample the inputs until it holds), or detect that a kink was crossed (the sets of
# active margins at $W + hE$ and $W - hE$ differ) and skip those entries.

# %% [markdown]
# ## Part 8: gradient descent and minibatch SGD
#
# Training means minimising $L(W)$. **Gradient descent** repeats
# $$W \leftarrow W - \eta\, \nabla_W L(W),$$
# a small step against the gradient, the direction in which the loss decreases fastest; the
# learning rate $\eta$ sets the step. Too small and progress is slow; too large and the loss
# oscillates or blows up.
#
# Each full gradient costs a pass over all $N$ samples. **Minibatch stochastic gradient descent**
# instead estimates it from a random batch of $B \ll N$ samples. Because the batch is drawn
# **uniformly at random** (every sample equally likely to be in it), the expected minibatch mean
# is the full mean: the minibatch loss and gradient are unbiased estimates of the full ones.
# (Averaging rather than summing only keeps their scale independent of $B$; a batch drawn
# always from the same few samples would be biased, mean or not.) They are noisy, but $N / B$
# times cheaper, so many more steps fit in the same time. With $B = N$ it is plain gradient
# descent.
#
# **Your task.** Write `sgd`, following these rules (they make your runs reproducible and
# comparable with everyone else's):
#
# 1. Start from a copy, `W = W0.copy()`; **never modify `W0`** (the grader checks that the
#    caller's array is unchanged).
# 2. Repeat `num_iters` times:
#    - draw the minibatch with exactly `idx = rng.choice(N, size=batch_size, replace=False)`
#      (`N = X.shape[0]`; no other use of `rng`, so your batches are the reference's);
#    - call `loss, dW = loss_fn(W, X[idx], y[idx], reg)` **once**;
#    - append `float(loss)` to the history: the loss **before** this iteration's update;
#    - update `W = W - lr * dW`.
# 3. Return `(W, history)`: the final weights and a list of `num_iters` floats.
#
# The test counts the calls to `loss_fn`, checks every batch's size, that no sample appears
# twice in a batch and that `W0` is unchanged, compares `W` and the history with the reference
# when `batch_size = N` (where the order of the samples cannot matter), and checks that the loss
# goes down.

# %% nbgrader={"grade": false, "grade_id": "sgd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd(loss_fn, W0, X, y, *, lr, reg, batch_size, num_iters, rng):
    """Minimise ``loss_fn`` by minibatch SGD, starting from ``W0`` (which is not modified).

    Each iteration draws ``idx = rng.choice(N, size=batch_size, replace=False)``, evaluates
    ``loss, dW = loss_fn(W, X[idx], y[idx], reg)``, records ``loss`` and steps
    ``W = W - lr * dW``.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(W, X_batch, y_batch, reg) -> (loss, dW)``, e.g. ``softmax_loss_vectorized``.
    W0 : ndarray of shape (D, C)
        Initial weights.
    X : ndarray of shape (N, D)
        Training inputs.
    y : ndarray of shape (N,)
        Training labels.
    lr : float
        Learning rate (> 0).
    reg : float
        Regularisation strength passed to ``loss_fn`` (>= 0).
    batch_size : int
        Minibatch size, ``1 <= batch_size <= N``.
    num_iters : int
        Number of updates (>= 1).
    rng : np.random.Generator
        Source of the minibatch indices.

    Returns
    -------
    W : ndarray of shape (D, C)
        Final weights.
    history : list of float, length num_iters
        The minibatch loss at each iteration, before its update.
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    W = W0.copy()
    history = []
    for _ in range(num_iters):
        idx = rng.choice(N, size=batch_size, replace=False)
        loss, dW = loss_fn(W, X[idx], y[idx], reg)
        history.append(float(loss))
        W = W - lr * dW
    return W, history
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sgd", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_sgd", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_sgd", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### The learning rate, seen in the loss curves
#
# The same softmax classifier trained on the digits with your `sgd` and six learning rates,
# each a factor of 10 from the next (same initial weights, same minibatches). Read the curves
# before you search for a learning rate in Part 10: too small and the loss hardly moves in 300
# steps; larger, and it falls quickly; too large and it jumps up and down, or goes up, because
# each step overshoots the valley it is meant to descend. The right panel zooms in on the first
# 30 steps.

# %%
lr_curves = {}
with np.errstate(over="ignore", invalid="ignore"):   # the largest rate may overflow: that is the point
    for lr in (1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0):
        _, lr_hist = sgd(softmax_loss_vectorized, np.zeros((D, C)), X_train, y_train, lr=lr,
                         reg=1e-4, batch_size=100, num_iters=300, rng=np.random.default_rng(7))
        lr_curves[f"lr = {lr:g}"] = lr_hist
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
plots.curves(lr_curves, ax=axes[0], xlabel="step", ylabel="minibatch loss",
             title="softmax on digits: the loss for six learning rates", marker="")
plots.curves({k: v[:30] for k, v in lr_curves.items()}, ax=axes[1], xlabel="step",
             ylabel="minibatch loss", title="the first 30 steps", marker=".")
for ax in axes:
    ax.set_yscale("log")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Part 9: prediction and accuracy
#
# A linear classifier predicts the class with the highest score, $\hat{y}_i = \arg\max_j
# s_{ij}$ (the softmax is monotonic, so the most probable class is the same). Accuracy is the
# fraction of correct predictions.
#
# **Your task.** Write `predict` and `accuracy`.

# %% nbgrader={"grade": false, "grade_id": "predict", "locked": false, "schema_version": 3, "solution": true, "task": false}
def predict(W, X):
    """Predicted class of each row: ``argmax(X @ W, axis=1)``.

    Parameters
    ----------
    W : ndarray of shape (D, C)
        Weights.
    X : ndarray of shape (N, D)
        Inputs.

    Returns
    -------
    ndarray of shape (N,), dtype int64
        Predicted labels in ``[0, C)``.
    """
    ### BEGIN SOLUTION
    return np.argmax(X @ W, axis=1).astype(np.int64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_predict", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_predict", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_predict", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% nbgrader={"grade": false, "grade_id": "accuracy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def accuracy(y_pred, y_true):
    """Fraction of predictions equal to the true labels.

    Parameters
    ----------
    y_pred : ndarray of shape (N,)
        Predicted labels.
    y_true : ndarray of shape (N,)
        True labels.

    Returns
    -------
    float
        In ``[0, 1]``.
    """
    ### BEGIN SOLUTION
    return float(np.mean(y_pred == y_true))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_accuracy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_accuracy", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_accuracy", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### Everything together on a 2-D problem
#
# Three Gaussian blobs in the plane, one per class. We train the SVM and the softmax classifier
# with your `sgd` (bias trick, zero initial weights) and shade the plane by the predicted class.
# A linear classifier with $C$ classes splits the plane into **at most** $C$ convex regions
# (each is an intersection of half-planes, $s_j \ge s_k$ for every $k$; a class whose score
# never wins gets no region) whose borders are straight lines.

# %%
X_blobs, y_blobs = datasets.blobs(60, rng)
Xb_blobs = add_bias_column(X_blobs)
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
for ax, loss_fn in zip(axes[:2], (svm_loss_vectorized, softmax_loss_vectorized)):
    W_blobs, hist_blobs = sgd(loss_fn, np.zeros((3, 3)), Xb_blobs, y_blobs, lr=0.1, reg=1e-3,
                              batch_size=30, num_iters=300, rng=rng)
    acc = accuracy(predict(W_blobs, Xb_blobs), y_blobs)
    plots.decision_regions(lambda P, W=W_blobs: predict(W, add_bias_column(P)), X_blobs, y_blobs,
                           ax=ax, title=f"{loss_fn.__name__}: training accuracy {acc:.2f}")
    plots.loss_curve(hist_blobs, ax=axes[2], label=loss_fn.__name__, smooth=10)
axes[2].set_title("minibatch loss during training")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Part 10: a softmax classifier for digits
#
# Now train a softmax classifier on the 1000 training digits (with the bias column, so
# $W \in \mathbb{R}^{65 \times 10}$). SGD has two hyper-parameters that matter here, the learning
# rate $\eta$ and the regularisation strength $\lambda$, and their best values cannot be derived:
# we **search** them, measuring each candidate by its accuracy on the **validation** split,
# which training never saw, and keep the weights with the best validation accuracy.
#
# Choosing by validation (not training) accuracy rewards classifiers that generalise; choosing
# by the test split would make the test score an optimistic, useless estimate. That is why the
# grader measures your final weights on the validation split **and on a held-out split you must
# not use**.
#
# **How to search.** Both hyper-parameters act multiplicatively (a step twice as long, a penalty
# twice as strong), and you do not even know their order of magnitude, so search on a
# **logarithmic grid**: values a constant factor apart, such as $10^{-3}, 10^{-2}, 10^{-1},
# \dots$, never equally spaced ones. Then:
#
# 1. start with a coarse grid, about four values of each, factors of 10 apart, and train one
#    run per pair;
# 2. draw the validation accuracies as a **heat map** (the cell after the test does it from
#    `results`) and find the best cell;
# 3. if the best value of a hyper-parameter is at the **edge** of its grid (its smallest or its
#    largest value), the best may lie beyond it: **extend the grid** in that direction and run
#    the new pairs, until the best value is **inside** the grid, or until the accuracy no longer
#    changes along that edge (then the value does not matter there; say so);
# 4. optionally refine around the best cell with a finer factor (3 instead of 10).
#
# Keep each run short (batches of about 100 and at most a thousand iterations; each run a
# fraction of a second) and the whole search under about 10 seconds. Start every run from small
# random weights (`0.001 * rng.standard_normal((D, C))`) and give it its own generator, seeded
# from the run's position in the grid, so that the results do not depend on the order of the
# runs. A diverged run (loss `nan`) simply scores a low accuracy; silence its warnings with
# `np.errstate(over="ignore", invalid="ignore")`.
#
# **Your task.** Write the search, with your `sgd`, `softmax_loss_vectorized`, `predict` and
# `accuracy`. It fills `results` (one entry `(lr, reg) -> validation accuracy` per run, the
# heat map's data) and defines `best_W` (shape `(65, 10)`), `best_val` and `best_history` (the
# loss history of the best run). Then write, in the markdown cell after the heat map, which
# grids you tried and why you stopped.
#
# **Target:** an accuracy of at least **0.92** earns full credit; partial credit starts at 0.80.
# The grader measures `best_W` on the validation split (the visible test) and on the 400 held-out
# test images (hidden), each for half of the points, with the same thresholds.

# %% nbgrader={"grade": false, "grade_id": "tune_softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
results = {}           # (lr, reg) -> validation accuracy, one entry per run
best_val = -1.0        # the best validation accuracy so far
best_W = None          # its weights, shape (65, 10)
best_history = None    # its loss history, for the plot below

### BEGIN SOLUTION
def run_search(learning_rates, regularisations):
    """Train one run per new (lr, reg) pair of the grid and record its validation accuracy."""
    global best_val, best_W, best_history
    for lr in learning_rates:
        for reg in regularisations:
            if (lr, reg) in results:
                continue
            seed = 100 + int(round(10 * np.log10(lr))) * 100 + int(round(10 * np.log10(reg)))
            run_rng = np.random.default_rng(abs(seed))
            W0 = 0.001 * run_rng.standard_normal((D, C))
            with np.errstate(over="ignore", invalid="ignore"):
                W, history = sgd(softmax_loss_vectorized, W0, X_train, y_train, lr=lr, reg=reg,
                                 batch_size=100, num_iters=300, rng=run_rng)
                val = accuracy(predict(W, X_val), y_val) if np.all(np.isfinite(W)) else 0.0
            results[(lr, reg)] = val
            if val > best_val:
                best_val, best_W, best_history = val, W, history


# 1. a coarse grid, factors of 10 (as powers of 10, so that extended values stay round)
lr_powers, reg_powers = [-2, -1, 0, 1], [-5, -4, -3, -2]
run_search([10.0**k for k in lr_powers], [10.0**k for k in reg_powers])
# 3. while the best value of a hyper-parameter sits on an edge of its grid, extend that edge,
#    unless the accuracy is flat there (the edge within two validation images of its neighbour)
def extend(powers, best, score_at, flat=2 / len(y_val)):
    """Add the power beyond the edge ``best`` sits on, unless the edge is flat; True if added."""
    if best == powers[-1] and score_at(powers[-1]) - score_at(powers[-2]) > flat:
        powers.append(best + 1)
        return True
    if best == powers[0] and score_at(powers[0]) - score_at(powers[1]) > flat:
        powers.insert(0, best - 1)
        return True
    return False


for _ in range(4):
    best_lr, best_reg = max(results, key=results.get)
    grew_lr = extend(lr_powers, round(np.log10(best_lr)), lambda k: results[(10.0**k, best_reg)])
    grew_reg = extend(reg_powers, round(np.log10(best_reg)),
                      lambda k: results[(best_lr, 10.0**k)])
    if not (grew_lr or grew_reg):
        break
    run_search([10.0**k for k in lr_powers], [10.0**k for k in reg_powers])
### END SOLUTION

print(f"{len(results)} runs; best validation accuracy: {best_val:.3f}")

# %% nbgrader={"grade": true, "grade_id": "test_tuned_softmax", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
score = grader.check("test_tuned_softmax", globals())
### BEGIN HIDDEN TESTS
score = grader.check("test_tuned_softmax", globals(), hidden=True)
### END HIDDEN TESTS
score

# %% [markdown]
# ### Your search, as a heat map
#
# Each cell is one run: its validation accuracy, the best one starred. Below the map, a check of
# step 3: whether the best value of a hyper-parameter is still on the edge of its grid.

# %%
plots_search.grid_heatmap(results, xlabel="learning rate", ylabel="reg",
                          title="softmax on digits: validation accuracy")
plt.show()
for line in plots_search.best_on_edge(results, ("learning rate", "reg")) or [
        "the best run is inside the grid in both directions"]:
    print(line)

# %% [markdown]
# ### Written answer: your search
#
# Document your search: which grids you ran (in order), what the heat map showed, where the best
# values lie and why you stopped. If the best value of a hyper-parameter is still on an edge of
# its grid, explain why extending further would not help. (3-6 sentences.)

# %% [markdown] nbgrader={"grade": true, "grade_id": "written_search", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# I started from a coarse logarithmic grid, learning rates $10^{-2}, \dots, 10$ and
# regularisation strengths $10^{-5}, \dots, 10^{-2}$ (16 runs of 300 steps of 100 samples). The
# heat map put the best run at $\eta = 10$, $\lambda = 10^{-5}$, a corner: the largest learning
# rate and the smallest penalty tried, and the accuracy still rose towards both edges (0.92 at
# $\eta = 1$), so I extended the grid to $\eta = 100$ and $\lambda = 10^{-6}$. At $\eta = 100$
# the accuracy drops (to 0.46 with $\lambda = 10^{-2}$, where the steps overshoot), and
# $\lambda = 10^{-6}$ is no better than $10^{-5}$, so the best pair, $\eta = 10$ and $\lambda =
# 10^{-5}$, is now inside the grid in both directions and I stopped. Along the $\lambda$ axis the
# accuracy changes by only one to three images below $10^{-3}$: in 300 steps such a weak penalty
# hardly matters, and a finer search there would fit the noise of 397 validation images. The
# best run reaches 0.947 on the validation split.

# %% [markdown]
# ### What did it learn?
#
# The loss curve of the best run, and each class's weight column (without the bias row) drawn as
# an 8x8 image. A pixel's weight says how much ink at that pixel (compared with the mean image)
# raises (red) or lowers (blue) the class's score: each column is a **template** that the
# classifier matches against the image with a dot product. Each template is coloured on its own
# scale (its largest weight is full red or blue), so compare shapes, not colour strength across
# digits. The 0 typically shows a red ring around a blue centre (where a 0 has no ink) and the 7
# red along the top with blue in the lower middle and on the left; your run may differ a little.
# The templates are noisy and partial: one template per class has to
# cover every way of writing that digit while telling it apart from the nine others, which is
# exactly the limit of a linear classifier that hidden layers (assignment 3) remove.

# %%
plots.loss_curve(best_history, title="softmax classifier on digits: minibatch loss")
plt.show()
plots.weight_templates(best_W[:-1], shape=(8, 8))
plt.show()

# %% [markdown]
# ## Recap
#
# - With the **bias trick** a linear classifier is one product $XW$; the bias is the last row.
# - The **perceptron** learns any linearly separable problem (AND, OR) but no linear classifier
#   can represent XOR.
# - The **hinge loss** asks the correct score to win by a margin and is zero once it does;
#   **cross-entropy** turns scores into probabilities with a **stable softmax** and always asks
#   for more confidence. Both gradients have one-line vectorized forms: $X^\top M / N$.
# - **L2** shrinks weights smoothly (weight decay); **L1** pushes them to exactly zero.
# - Always **check a gradient numerically**, in float64 and away from kinks.
# - **Minibatch SGD** trades exact gradients for many cheap steps; hyper-parameters are chosen
#   on a **validation** split.
#
# Before submitting: *Kernel → Restart & Run All*, and check that every test cell shows its
# score and the five written answers are filled in.
