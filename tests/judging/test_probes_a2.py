"""a2 grading in-process (no Jupyter): probes, spec and judge together.

- the reference package (``solutions.a2_autodiff``) and the notebook's own answers (a second,
  differently written correct implementation) earn full marks on every part, public and hidden;
- so do other correct ways of writing the answers (perturbing a copy, rebuilding the graph per
  output, a dict of adjoints, division by a reciprocal);
- each common mistake of the issue, written as a text change to the notebook's answer, costs
  points on its own part only (the Jacobian parts use the student's ``Value`` and ``Dual`` and
  must not pay for their bugs), in the predicted cases, with a message naming the mistake;
- the probes survive broken code (missing class, wrong return types, recursion, slow walks).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest

from autograder.course import load_spec, source_dir
from autograder.instructor.build import write_public_cases
from autograder.judging import probes
from autograder.judging.judge import judge_part
from autograder.judging.probes import a2 as a2_probes
from autograder.judging.probes import probe_and_measure, run_probe
from autograder.judging.reference import reference_namespace, reference_records
from autograder.judging.results import PartResult
from autograder.judging.spec import AssignmentSpec, Case, Part
from autograder.notebook_files import nbgrader_meta, source_notebook
from autograder.student.grader import Grader
from tests.grading_support import MUTATED, expected_public_score

matplotlib.use("Agg")

ASSIGNMENT = "a2_autodiff"


@pytest.fixture(scope="module")
def spec() -> AssignmentSpec:
    return load_spec(ASSIGNMENT)


@pytest.fixture(scope="module")
def cases(spec: AssignmentSpec) -> dict[str, list[tuple[Case, bool]]]:
    return {
        p.id: [(c, False) for c in p.public_cases()] + [(c, True) for c in p.hidden_cases()]
        for p in spec.parts
    }


@pytest.fixture(scope="module")
def references(
    spec: AssignmentSpec, cases: dict[str, list[tuple[Case, bool]]]
) -> dict[str, list[Any]]:
    return {p.id: reference_records(spec, p, [c for c, _ in cases[p.id]]) for p in spec.parts}


def failures(result: PartResult) -> list[tuple[str, list[str]]]:
    """The failing cases of a result with their messages (for assertion output)."""
    return [(c.name, c.messages) for c in result.cases if c.score < 1]


def grade(
    spec: AssignmentSpec,
    cases: dict[str, list[tuple[Case, bool]]],
    references: dict[str, list[Any]],
    namespace: dict[str, Any],
    only: tuple[str, ...] | None = None,
) -> dict[str, PartResult]:
    """Probe and judge every part (or ``only`` these) on public and hidden cases."""
    out = {}
    for part in spec.parts:
        if only is not None and part.id not in only:
            continue
        records = [probe_and_measure(namespace, part, c.args) for c, _ in cases[part.id]]
        out[part.id] = judge_part(part, cases[part.id], records, references[part.id])
    return out


# ------------------------------------------------------------------ the notebook's answers

ANSWER_CELLS = (
    "numerical_gradient",
    "relative_error",
    "add_mul_graph",
    "logistic_loss_graph",
    "value_class",
    "topological_order",
    "backward",
    "dual_class",
    "jacobian_forward",
    "jacobian_reverse",
)


def _answers() -> dict[str, str]:
    nb = source_notebook(source_dir(ASSIGNMENT) / f"{ASSIGNMENT}.py")
    out = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution"):
            out[meta["grade_id"]] = "\n".join(
                line
                for line in cell.source.splitlines()
                if not re.search(r"### (BEGIN|END) SOLUTION", line)
            )
    return out


ANSWERS = _answers()


def notebook_namespace(changes: dict[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """Run the notebook's answer cells, with ``{cell: (old, new)}`` text changes, in order."""
    ns: dict[str, Any] = {"np": np, "math": math}
    for gid in ANSWER_CELLS:
        src = ANSWERS[gid]
        if changes and gid in changes:
            old, new = changes[gid]
            assert src.count(old) == 1, (gid, old)
            src = src.replace(old, new)
        exec(compile(src, f"<cell {gid}>", "exec"), ns)
    return ns


def test_every_answer_cell_is_known() -> None:
    assert set(ANSWERS) == set(ANSWER_CELLS)


def test_the_reference_scores_full_marks(spec, cases, references) -> None:
    results = grade(spec, cases, references, reference_namespace(spec))
    for part in spec.parts:
        assert results[part.id].score == part.points, failures(results[part.id])


def test_the_notebook_answers_score_full_marks(spec, cases, references) -> None:
    results = grade(spec, cases, references, notebook_namespace())
    for part in spec.parts:
        assert results[part.id].score == part.points, failures(results[part.id])


def test_hidden_cases_differ_from_public_ones(spec) -> None:
    for part in spec.parts:
        public = {c.name for c in part.public_cases()}
        for case in part.hidden_cases():
            assert case.name not in public

        # the numbers fed to the student's code differ (the constants of an expression and the
        # indices of recorded nodes may repeat)
        def inputs(c: Case) -> list[np.ndarray]:
            return [
                v
                for k, v in c.args.items()
                if isinstance(v, np.ndarray)
                and v.size >= 4
                and v.dtype.kind == "f"
                and k != "consts"
            ]

        pub_arrays = [v for c in part.public_cases() for v in inputs(c)]
        for case in part.hidden_cases():
            for v in inputs(case):
                assert not any(v.shape == p.shape and np.array_equal(v, p) for p in pub_arrays)


# ------------------------------------------------------------------ other correct answers

CORRECT_VARIANTS: dict[str, dict[str, tuple[str, str]]] = {
    "numerical gradient on copies": {
        "numerical_gradient": (
            """        old = x[idx]
        x[idx] = old + step
        f_plus = f(x)
        x[idx] = old - step
        f_minus = f(x)
        x[idx] = old
""",
            """        xp, xm = x.copy(), x.copy()
        xp[idx] += step
        xm[idx] -= step
        f_plus, f_minus = f(xp), f(xm)
""",
        )
    },
    "relative error with + 1e-12": {
        "relative_error": (
            "scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)",
            "scale = max(np.max(np.abs(a)), np.max(np.abs(b))) + 1e-12",
        )
    },
    "backward with a dict of adjoints": {
        "backward": (
            """    root.grad = 1.0
    for node in topological_order(root):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad""",
            """    adjoint = {root: 1.0}
    for node in topological_order(root):
        g = adjoint.pop(node, 0.0)
        node.grad += g
        for parent, local in zip(node.parents, node.local_grads):
            adjoint[parent] = adjoint.get(parent, 0.0) + local * g""",
        )
    },
    "division by the reciprocal": {
        "dual_class": (
            """        quotient_der = (self.der * other.val - self.val * other.der) / other.val**2
        return Dual(self.val / other.val, quotient_der)""",
            "        return self * other ** -1",
        )
    },
    "reverse Jacobian rebuilding the graph per output": {
        "jacobian_reverse": (
            """    leaves = [Value(float(v)) for v in x]
    outputs = f(leaves)
    J = np.zeros((len(outputs), len(leaves)), dtype=x.dtype)
    for i, out in enumerate(outputs):
        for node in leaves + out.topological_order():
            node.grad = 0.0
        out.backward()
        J[i] = [leaf.grad for leaf in leaves]
    return J""",
            """    rows = []
    m = len(f([Value(float(v)) for v in x]))
    for i in range(m):
        leaves = [Value(float(v)) for v in x]
        f(leaves)[i].backward()
        rows.append([leaf.grad for leaf in leaves])
    return np.array(rows, dtype=x.dtype)""",
        )
    },
}


@pytest.mark.parametrize("variant", list(CORRECT_VARIANTS))
def test_other_correct_answers_score_full_marks(spec, cases, references, variant) -> None:
    changes = CORRECT_VARIANTS[variant]
    ns = notebook_namespace(changes)
    results = grade(spec, cases, references, ns)
    for part in spec.parts:
        assert results[part.id].score == part.points, (variant, failures(results[part.id]))


# ------------------------------------------------------------------ common mistakes

RECURSIVE_TOPO = """    post_order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for parent in node.parents:
            visit(parent)
        post_order.append(node)

    visit(root)
    return post_order[::-1]"""

# the notebook's own body of topological_order (an iterative depth-first search), from its
# first line to the end of the cell: what the variants below replace
ITERATIVE_TOPO = ANSWERS["topological_order"][
    ANSWERS["topological_order"].index("    post_order, visited = [], set()") :
]

MARK_ON_PUSH_TOPO = """    post_order, visited = [], {root}
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post_order.append(node)
            continue
        stack.append((node, True))
        for parent in node.parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, False))
    return post_order[::-1]"""

# name: (changes, the part that must lose points, {case: check keys that fail} for the public
#        cases (predicted by hand from the bug), words the messages must contain)

MISTAKES: dict[str, tuple[dict[str, tuple[str, str]], str, dict[str, set[str]], str]] = {
    # a * a: the second edge overwrites the first (3 instead of 6); x in two branches likewise;
    # the diamonds' u loses one of its two contributions
    "backward overwrites instead of accumulating": (
        {"backward": ("parent.grad += local * node.grad", "parent.grad = local * node.grad")},
        "test_value_backward",
        {
            "square": {"grads_fanout"},
            "two_branches": {"grads_fanout"},
            "diamond": {"grads_shared"},
            "diamond_flipped": {"grads_shared"},
        },
        "accumulate with +=",
    ),
    # depth 1000 is passed on the first, tiny, chain already
    "recursive topological sort": (
        {"topological_order": (ITERATIVE_TOPO, RECURSIVE_TOPO)},
        "test_value_backward",
        {"deep_chain": {"grads_deep"}},
        "recursion",
    ),
    # without the visited check every path to a node adds the node again: a shared node passes
    # its gradient on once per path. Leaves have no parents, so fan-out of leaves is harmless.
    "topological order without a visited set": (
        {
            "topological_order": (
                "        elif node not in visited:\n            visited.add(node)\n",
                "        else:\n",
            )
        },
        "test_value_backward",
        {"diamond": {"grads_shared"}, "diamond_flipped": {"grads_shared"}},
        "visited set",
    ),
    # u is pushed (and marked) by f = u * v, but v, which uses u too, is expanded first and
    # cannot push u again: u finishes after v and is visited before v has added to its grad.
    # With the operands the other way round (diamond_flipped) the order happens to be right.
    "topological order marking nodes when pushed": (
        {"topological_order": (ITERATIVE_TOPO, MARK_ON_PUSH_TOPO)},
        "test_value_backward",
        {"diamond": {"grads_shared"}},
        "each node before the nodes it was computed from",
    ),
    # a list makes every membership test scan it: quadratic time, stopped after the tenth-size
    # chain (about 2 s) with advice instead of running for minutes
    "visited kept in a list": (
        {
            "topological_order": (
                ITERATIVE_TOPO,
                ITERATIVE_TOPO.replace("visited = [], set()", "visited = [], []").replace(
                    "visited.add(node)", "visited.append(node)"
                ),
            )
        },
        "test_value_backward",
        {"deep_chain": {"grads_deep"}},
        "Use a set",
    ),
    "dual product without the product rule": (
        {
            "dual_class": (
                "self.der * other.val + self.val * other.der",
                "self.der * other.der",
            )
        },
        "test_dual",
        {"mul": {"der"}, "composition": {"der"}},
        "the product rule",
    ),
    # exactly twice the centred difference everywhere; the float32 case too
    "centred difference over h": (
        {"numerical_gradient": ("(f_plus - f_minus) / (2 * step)", "(f_plus - f_minus) / step")},
        "test_numerical_gradient",
        {"vector": {"grad"}, "matrix": {"grad"}, "float32": {"grad32"}},
        "twice the expected value",
    ),
    "forward difference": (
        {
            "numerical_gradient": (
                "        x[idx] = old - step\n        f_minus = f(x)\n",
                "        x[idx] = old\n        f_minus = f(x)\n",
            )
        },
        "test_numerical_gradient",
        {"vector": {"grad"}, "matrix": {"grad"}, "float32": {"grad32"}},
        "2h",
    ),
    "numerical gradient in float64 always": (
        {
            "numerical_gradient": (
                "    grad = np.zeros_like(x)\n",
                "    x = x.astype(np.float64)\n    grad = np.zeros_like(x)\n",
            )
        },
        "test_numerical_gradient",
        {"float32": {"grad32", "dtype"}},
        "do not convert x to float64",
    ),
    "numerical gradient not restoring x": (
        {"numerical_gradient": ("        x[idx] = old\n", "")},
        "test_numerical_gradient",
        # the public functions of float64 are separable: a drifting x leaves their gradients
        # right; in float32 the drift of a neighbouring entry changes the rounding
        # and x modified in place costs one more check's credit wherever x drifted
        {"vector": {"x_unchanged", MUTATED}, "matrix": {MUTATED}, "float32": {"grad32", MUTATED}},
        "put each entry back",
    ),
    "relative error dividing by zero": (
        {
            "relative_error": (
                "scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)",
                "scale = max(np.max(np.abs(a)), np.max(np.abs(b)))",
            )
        },
        "test_relative_error",
        {"zeros": {"zero_ok"}},
        "1e-12",
    ),
    "relative error entrywise": (
        {
            "relative_error": (
                "diff = np.max(np.abs(a - b))",
                "diff = np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))",
            )
        },
        "test_relative_error",
        {"close": {"err"}, "scale": {"err"}, "numbers": {"err"}},
        "the largest difference over the largest magnitude",
    ),
    "jacobian_forward transposed": (
        {"jacobian_forward": ("dtype=x.dtype).T", "dtype=x.dtype)")},
        "test_jacobian_forward",
        {"wide": {"J"}, "tall": {"J"}, "shared": {"J"}, "float32": {"J"}},
        "transpose",
    ),
    # rows after the first also hold the earlier rows' gradients; the shared node u also keeps
    # its old grad and passes it on again
    "jacobian_reverse without resetting the gradients": (
        {
            "jacobian_reverse": (
                "        for node in leaves + out.topological_order():\n"
                "            node.grad = 0.0\n",
                "",
            )
        },
        "test_jacobian_reverse",
        {"wide": {"J"}, "tall": {"J"}, "shared": {"J"}, "float32": {"J"}},
        "set every grad to 0",
    ),
    "by hand: the product's gradient not swapped": (
        {"add_mul_graph": ("df_dz = df_df * q", "df_dz = df_df * z")},
        "test_add_mul_graph",
        {"lecture": {"dz"}, "other": {"dz"}},
        "the OTHER factor",
    ),
    "logistic loss: dloss/ds = p instead of p - 1": (
        {"logistic_loss_graph": ("dloss_ds = dloss_dp * p * (1.0 - p)", "dloss_ds = p")},
        "test_logistic_loss_graph",
        {"lecture": {"dw", "dx"}, "d4": {"dw", "dx"}},
        "sigmoid(s) - 1",
    ),
    "Value: tanh derivative without the square": (
        {"value_class": ("(1.0 - t * t,)", "(1.0 - t,)")},
        "test_value_ops",
        {"tanh_sigmoid": {"local"}},
        "local derivatives (.local_grads)",
    ),
}
# mistakes in Value or Dual whose effect must not reach the Jacobian parts (the list)
ENGINE_MISTAKES = {
    "backward overwrites instead of accumulating",
    "visited kept in a list",
    "recursive topological sort",
    "topological order without a visited set",
    "topological order marking nodes when pushed",
    "dual product without the product rule",
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_mistake_costs_points_on_its_own_part_only(spec, cases, references, mistake: str) -> None:
    changes, part_id, failing, words = MISTAKES[mistake]
    ns = notebook_namespace(changes)
    results = grade(spec, cases, references, ns)
    for part in spec.parts:
        if part.id != part_id:
            if part.id.startswith("test_jacobian") and mistake not in ENGINE_MISTAKES:
                continue  # e.g. a wrong tanh in Value also reaches jacobian_reverse
            assert results[part.id].score == part.points, (mistake, failures(results[part.id]))
    result = results[part_id]
    assert result.score < spec.part(part_id).points
    assert result.status in ("failed", "error")
    # public cases: exactly the predicted ones fail, with the predicted credit
    public = [c for c in result.cases if not c.hidden]
    part = spec.part(part_id)
    public_only = judge_part(
        part,
        [(c, False) for c in part.public_cases()],
        [probe_and_measure(ns, part, c.args) for c in part.public_cases()],
        references[part_id][: len(public)],
    )
    assert public_only.score == pytest.approx(expected_public_score(part, failing), abs=1e-6)
    assert {c.name for c in public if c.score < 1} == set(failing)
    text = "\n".join(m for c in result.cases for m in c.messages)
    assert words in text, text


def test_recursion_error_message_names_the_stack(spec, cases, references) -> None:
    ns = notebook_namespace({"topological_order": (ITERATIVE_TOPO, RECURSIVE_TOPO)})
    result = grade(spec, cases, references, ns, only=("test_value_backward",))
    deep = next(c for c in result["test_value_backward"].cases if c.name == "deep_chain")
    assert deep.status == "error"
    assert "RecursionError" in deep.messages[0] and "as a stack" in deep.messages[0]


def test_engine_mistakes_leave_the_jacobians_alone(spec, cases, references) -> None:
    """All engine mistakes at once still leave jacobian_forward and jacobian_reverse correct."""
    changes = {}
    for name in ENGINE_MISTAKES - {
        "topological order marking nodes when pushed",
        "topological order without a visited set",
        "visited kept in a list",
    }:
        changes.update(MISTAKES[name][0])
    results = grade(
        spec,
        cases,
        references,
        notebook_namespace(changes),
        only=("test_jacobian_forward", "test_jacobian_reverse", "test_value_backward"),
    )
    assert results["test_jacobian_forward"].score == 8
    assert results["test_jacobian_reverse"].score == 10
    assert results["test_value_backward"].score < 16


# ------------------------------------------------------------------ the probes themselves


def _part(spec: AssignmentSpec, part_id: str) -> Part:
    return spec.part(part_id)


def test_programs_replay_what_they_recorded() -> None:
    from solutions.a2_autodiff import Dual, Value

    def f(s):
        u = s[0] * s[1] + 2.0
        return [u.tanh(), (1.0 - s[0]) / s[1], (s[1] ** 2).log(), 3.0 * s[0].exp() - u, -u]

    x = [0.7, -1.3]
    prog = a2_probes.record_program(f, x)
    values = a2_probes.program_values(f, x)
    nodes = a2_probes.run_program(prog["program"], prog["consts"], [Value(v) for v in x], Value)
    assert [n.data for n in nodes[2:]] == pytest.approx(values, rel=1e-12)
    duals = a2_probes.run_program(prog["program"], prog["consts"], [Dual(v) for v in x], Dual)
    assert [n.val for n in duals[2:]] == pytest.approx(values, rel=1e-12)
    assert prog["program"].dtype == np.int64 and prog["program"].shape == (11, 3)
    assert prog["outputs"].dtype == np.int64 and len(prog["outputs"]) == 5


def test_every_case_argument_is_plain_data(spec) -> None:
    for part in spec.parts:
        for case in part.public_cases() + part.hidden_cases():
            for value in case.args.values():
                assert isinstance(value, (np.ndarray, int, float, bool, str)), (part.id, value)
                if isinstance(value, np.ndarray):
                    assert value.dtype.kind in "biuf"


def test_a_missing_class_is_reported(spec) -> None:
    part = _part(spec, "test_value_ops")
    rec = run_probe({}, part, part.public_cases()[0].args)
    assert rec["__status__"] == "missing" and "`Value` is not defined" in rec["__error__"]


def test_an_operation_returning_a_float_is_reported(spec) -> None:
    ns = notebook_namespace(
        {
            "value_class": (
                'return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")',
                "return self.data + other.data",
            )
        }
    )
    part = _part(spec, "test_value_ops")
    rec = run_probe(ns, part, part.public_cases()[0].args)
    assert "returned a float, expected a Value" in rec["__error__"]


def test_a_value_without_local_grads_is_reported(spec) -> None:
    ns = notebook_namespace(
        {"value_class": ("        self.local_grads = tuple(float(g) for g in local_grads)\n", "")}
    )
    part = _part(spec, "test_value_ops")
    rec = run_probe(ns, part, part.public_cases()[0].args)
    assert "no `parents` or `local_grads`" in rec["__error__"]


def test_the_untouched_release_scores_zero_without_crashing(spec, cases, references) -> None:
    ns: dict[str, Any] = {"np": np, "math": math}
    for gid in ANSWER_CELLS:
        src = re.sub(
            r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION",
            lambda m: m.group(1) + "raise NotImplementedError()",
            _raw_answer(gid),
            flags=re.DOTALL,
        )
        exec(compile(src, f"<cell {gid}>", "exec"), ns)
    results = grade(spec, cases, references, ns)
    for part in spec.parts:
        assert results[part.id].score == 0, part.id
        assert results[part.id].status == "error", part.id


def _raw_answer(gid: str) -> str:
    nb = source_notebook(source_dir(ASSIGNMENT) / f"{ASSIGNMENT}.py")
    return next(c.source for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid)


LIST_WALK_VALUE = """
class Value:
    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data, self.grad = float(data), 0.0
        self.parents, self.local_grads = tuple(parents), tuple(local_grads)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def backward(self):
        order, visited, stack = [], [], [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in visited:          # membership in a list: quadratic
                visited.append(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents if p not in visited)
        self.grad = 1.0
        for node in reversed(order):
            for parent, g in zip(node.parents, node.local_grads):
                parent.grad += g * node.grad
"""


def test_a_quadratic_walk_is_stopped_by_counting_comparisons_not_by_time(spec) -> None:
    """A list-based visited set is stopped after a fixed count of ``==``, on any machine."""
    part = _part(spec, "test_value_backward")
    deep = next(c for c in part.public_cases() if c.args["kind"] == "deep")
    ns: dict[str, Any] = {}
    exec(LIST_WALK_VALUE, ns)
    rec = run_probe(ns, part, deep.args)
    assert rec["__status__"] == "error"
    assert "ComparisonBudgetError" in rec["__error__"]
    assert "use a set" in rec["__error__"].lower()
    budget = a2_probes.EQ_BUDGET_PER_NODE * (2 * deep.args["steps"] + 1)
    assert f"{budget:,}" in rec["__error__"]
    # the student's class is left as it was: comparison is identity again
    assert ns["Value"](1.0) != ns["Value"](1.0)
    assert "__eq__" not in ns["Value"].__dict__
    # the walk itself is correct: with nothing counted, it passes the small graphs
    small = next(c for c in part.public_cases() if c.args["kind"] != "deep")
    ns["Value"].__add__ = lambda a, b: ns["Value"](a.data + b.data, (a, b), (1.0, 1.0))
    rec = run_probe(ns, part, small.args)
    assert "ComparisonBudgetError" not in rec.get("__error__", "")


def test_a_students_own_equality_is_kept_while_counting(spec) -> None:
    part = _part(spec, "test_value_backward")
    deep = next(c for c in part.public_cases() if c.args["kind"] == "deep")
    ns: dict[str, Any] = {}
    exec(LIST_WALK_VALUE + "\n    def __eq__(self, other):\n        return self is other\n", ns)
    own = ns["Value"].__dict__["__eq__"]
    rec = run_probe(ns, part, deep.args)
    assert "ComparisonBudgetError" in rec["__error__"]
    assert ns["Value"].__dict__["__eq__"] is own


def test_the_deep_chain_passes_for_a_correct_engine(spec) -> None:
    part = _part(spec, "test_value_backward")
    deep = next(c for c in part.public_cases() if c.args["kind"] == "deep")
    rec = run_probe(notebook_namespace(), part, deep.args)
    assert "__error__" not in rec
    assert rec["grads_deep"] == pytest.approx([2.0], rel=1e-9)  # c ** steps = 2 by design


def test_forward_mode_calls_f_once_per_input(spec) -> None:
    part = _part(spec, "test_jacobian_forward")
    for case in part.public_cases():
        rec = run_probe(notebook_namespace(), part, case.args)
        assert rec["calls"] == case.args["x"].size


def test_by_hand_probe_explains_a_wrong_return(spec) -> None:
    part = _part(spec, "test_add_mul_graph")
    ns = {"add_mul_graph": lambda x, y, z: ((x + y) * z, [z, z, x + y])}
    rec = run_probe(ns, part, part.public_cases()[0].args)
    assert "expected a pair (f, {'x': ..., 'y': ..., 'z': ...})" in rec["__error__"]
    ns = {"add_mul_graph": lambda x, y, z: ((x + y) * z, {"x": z, "y": z})}
    rec = run_probe(ns, part, part.public_cases()[0].args)
    assert "no key 'z'" in rec["__error__"]


def test_lecture_values_derived_by_hand(spec, references) -> None:
    """The reference records of the lecture cases equal the numbers worked out in the notebook."""
    add_mul = references["test_add_mul_graph"][0]
    assert (add_mul["f"], add_mul["dx"], add_mul["dy"], add_mul["dz"]) == (-12, -4, -4, 3)
    logistic = references["test_logistic_loss_graph"][0]
    p = 1 / (1 + math.exp(-0.5))
    assert logistic["loss"] == pytest.approx(-math.log(p))
    assert logistic["dx"] == pytest.approx([p - 1, p - 1, -1.5 * (p - 1)])
    lecture = references["test_value_backward"][0]
    assert lecture["grads_tree"].tolist() == [-4.0, -4.0, 3.0, -4.0]
    # u = xy = -3, v = u + z = -2.5, f = uv: du = v + u = -5.5, dx = du * y, dy = du * x
    diamond = references["test_value_backward"][3]
    assert diamond["grads_shared"].tolist() == [11.0, -8.25, -3.0, -5.5, -3.0]


# ------------------------------------------------------------------ the public grader


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, spec: AssignmentSpec) -> Path:
    folder = tmp_path_factory.mktemp("release")
    write_public_cases(spec, folder / f"{ASSIGNMENT}.cases.npz")
    return folder


def test_grader_report_in_the_notebook(
    release: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(release)
    monkeypatch.setenv("DLF_RESULT_JSON", "0")
    grader = Grader(ASSIGNMENT)
    ns = notebook_namespace(
        {"backward": ("parent.grad += local * node.grad", "parent.grad = local * node.grad")}
    )
    assert grader.check("test_value_ops", ns) == 14.0
    score = grader.check("test_value_backward", ns)
    assert 0 < score < 16
    out, err = capfd.readouterr()
    assert err == ""
    assert "[FAIL] Value: the backward pass" in out
    assert "square [f = a * a" in out and "expected 6, got 3" in out


# ------------------------------------------------------------------ the graph drawing


def test_draw_graph_lays_out_and_labels_a_graph() -> None:
    from autograder.student.plots_graph import draw_graph, graph_layout
    from solutions.a2_autodiff import Value

    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.backward()
    nodes, pos = graph_layout(f)
    assert len(nodes) == 5
    assert pos[id(x)][0] == 0 and pos[id(z)][0] == 0 and pos[id(f)][0] == 2
    ax = draw_graph(f, title="f")
    texts = [t.get_text() for t in ax.texts]
    assert any("grad -4" in t for t in texts) and "3" in texts  # df/dz on the edge z -> f
    a = Value(3.0)
    with pytest.raises(ValueError, match="more than 3 nodes"):
        graph_layout(a * a + a * 2.0, max_nodes=3)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_probe_module_is_registered() -> None:
    for name in (
        "numerical_gradient",
        "relative_error",
        "by_hand",
        "value_ops",
        "value_backward",
        "dual",
        "jacobian",
    ):
        assert name in probes.PROBES


def test_a_wrong_operation_reaches_only_the_jacobian_cases_using_it(
    spec, cases, references
) -> None:
    """Each Jacobian case uses one elementary function: a wrong tanh costs the tanh cases only."""
    ns = notebook_namespace(MISTAKES["Value: tanh derivative without the square"][0])
    result = grade(spec, cases, references, ns, only=("test_jacobian_reverse",))
    bad = [c for c in result["test_jacobian_reverse"].cases if c.score < 1]
    assert [c.note for c in bad] == ["f: R^5 -> R^2, with tanh", "f: R^1 -> R^5, with tanh"]
    assert "fix Value first" in bad[0].messages[0]
