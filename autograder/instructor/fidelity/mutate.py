"""``autograder mutate``: how many one-bug variants of the model answers the grading spec catches.

Each mutant of :mod:`autograder.instructor.fidelity.mutants` replaces one function (or one method
of a class) in a
namespace built from the instructor notebook's definitions, and every part that grades that
function is scored on its public and hidden cases exactly as the notebook's ``Grader`` does it
in-process (probe, then judge against the ``solutions`` reference). A mutant is **killed** when
some part loses points. A surviving mutant is **equivalent** when its probe records equal the
unmutated notebook's (to 1e-9) on every case and on extra inputs derived from the cases (values
jittered, rounded to a grid of 0.5 so that ties and exact zeros occur, and cast to float32);
equivalent mutants are listed and left out of the kill rate.

A mutant that runs longer than ``timeout`` seconds on a part is counted as killed (the grader's
own time limit per part would stop it); the limit is far above any honest run, so the outcome does
not depend on the machine's speed. (a2's deep-chain probe times ``backward()`` itself; the
reference and the unmutated answer are retried up to :data:`ATTEMPTS` times when it fails.)
"""

from __future__ import annotations

import ast
import random
import signal
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder.course import load_spec, source_dir
from autograder.instructor.fidelity.mutants import (
    Mutant,
    Target,
    definition_cells,
    mutants_of,
    targets_in_cell,
)
from autograder.judging.judge import judge_part
from autograder.judging.probes import probe_and_measure
from autograder.judging.records import Record
from autograder.judging.reference import ReferenceFailedError, reference_records
from autograder.judging.spec import AssignmentSpec, Case, Part

EQUIVALENCE_RTOL = 1e-9
PYTHON_CONTAINERS = {"list", "tuple", "float", "int"}


class MutantTimeoutError(BaseException):
    """A mutant ran past its time limit (a BaseException, so probes cannot swallow it)."""


@dataclass
class MutantResult:
    """The verdict on one mutant."""

    mutant: Mutant
    parts: tuple[str, ...]
    killed: bool
    equivalent: bool = False
    timed_out: bool = False
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class PartStats:
    """Kill counts of the mutants graded by one part."""

    part_id: str
    killed: int = 0
    survived: list[MutantResult] = field(default_factory=list)
    equivalent: list[MutantResult] = field(default_factory=list)

    @property
    def counted(self) -> int:
        """Non-equivalent mutants."""
        return self.killed + len(self.survived)

    @property
    def rate(self) -> float:
        """Kill rate over the non-equivalent mutants (1.0 when there are none)."""
        return self.killed / self.counted if self.counted else 1.0


@dataclass
class MutationReport:
    """Every mutant's verdict for one assignment."""

    assignment: str
    results: list[MutantResult] = field(default_factory=list)
    generated: int = 0
    ungraded: list[str] = field(default_factory=list)
    baseline_problems: list[str] = field(default_factory=list)

    def by_part(self, spec: AssignmentSpec) -> list[PartStats]:
        """Per-part statistics, in notebook order (a mutant counts for every part it touches)."""
        stats = {p.id: PartStats(p.id) for p in spec.parts}
        for r in self.results:
            for pid in r.parts:
                s = stats[pid]
                if r.equivalent:
                    s.equivalent.append(r)
                elif r.killed:
                    s.killed += 1
                else:
                    s.survived.append(r)
        return [s for s in stats.values() if s.counted or s.equivalent]

    @property
    def killed(self) -> int:
        """Killed mutants."""
        return sum(r.killed for r in self.results)

    @property
    def equivalent(self) -> list[MutantResult]:
        """Mutants that behave like the model answer."""
        return [r for r in self.results if r.equivalent]

    @property
    def survivors(self) -> list[MutantResult]:
        """Non-equivalent mutants that keep full marks."""
        return [r for r in self.results if not r.killed and not r.equivalent]

    @property
    def rate(self) -> float:
        """Kill rate over the non-equivalent mutants."""
        counted = self.killed + len(self.survivors)
        return self.killed / counted if counted else 1.0


# ---------------------------------------------------------------------------- namespace


def notebook_namespace(cells: list[str]) -> dict[str, Any]:
    """Run the imports, definitions and constant assignments of the notebook's code cells.

    Only ``import``, ``def``, ``class``, assignments of literals and of tables that call nothing
    (a dict of lambdas) run: training loops, plots and test cells do not, so this takes well
    under a second.
    """
    namespace: dict[str, Any] = {"__name__": "__mutate__"}
    for source in cells:
        tree = ast.parse(source)
        keep: list[ast.stmt] = [
            node
            for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
            or (
                isinstance(node, ast.Assign)
                and all(isinstance(t, ast.Name) for t in node.targets)
                and (_is_literal(node.value) or _computes_nothing(node.value))
            )
        ]
        for node in keep:
            code = compile(ast.Module(body=[node], type_ignores=[]), "<notebook>", "exec")
            try:
                exec(code, namespace)
            except NameError:
                # a helper whose defaults need data the skipped cells would have loaded (a
                # search's ``flat=2 / len(y_val)``): no graded answer is defined that way
                continue
    return namespace


def _computes_nothing(node: ast.expr) -> bool:
    """Whether an expression only names and packs things: a table of functions such as
    ``{"relu": (lambda a: ..., np.sign)}``, with no call outside a lambda's body."""
    packing = (ast.Dict, ast.Tuple, ast.List, ast.Name, ast.Attribute, ast.Constant, ast.Load)
    stack: list[ast.AST] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Lambda):
            if item.args.defaults or item.args.kw_defaults:
                return False  # defaults are evaluated at definition
            continue
        if not isinstance(item, packing):
            return False
        stack.extend(ast.iter_child_nodes(item))
    return True


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


@contextmanager
def installed(namespace: dict[str, Any], mutant: Mutant) -> Iterator[None]:
    """Put the mutated definition in place of the original for the duration of the block."""
    module = ast.Module(body=[mutant.node], type_ignores=[])
    scratch: dict[str, Any] = {}
    code = compile(module, f"<mutant {mutant.target.name}>", "exec")
    target = mutant.target
    if target.method is None:
        old = namespace[target.owner]
        exec(code, namespace, scratch)
        fn = scratch[target.owner]
        namespace[target.owner] = fn
        try:
            yield
        finally:
            namespace[target.owner] = old
        return
    cls = namespace[target.owner]
    exec(code, namespace, scratch)
    fn = scratch[target.method]
    had = target.method in vars(cls)
    old_attr = vars(cls).get(target.method)
    setattr(cls, target.method, fn)
    try:
        yield
    finally:
        if had:
            setattr(cls, target.method, old_attr)
        else:
            delattr(cls, target.method)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`MutantTimeoutError` in the block after ``seconds`` (main thread only)."""

    def on_alarm(signum: int, frame: types.FrameType | None) -> None:
        raise MutantTimeoutError

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------- grading


@dataclass
class _PartData:
    part: Part
    cases: list[tuple[Case, bool]]
    references: list[Record | None]


ATTEMPTS = 3  # a2's deep-chain probe times backward(): a loaded machine can fail it once


def _part_data(spec: AssignmentSpec, part: Part) -> _PartData:
    public, hidden = part.public_cases(), part.hidden_cases()
    cases = [(c, False) for c in public] + [(c, True) for c in hidden]
    for attempt in range(ATTEMPTS):
        try:
            return _PartData(part, cases, reference_records(spec, part, public + hidden))
        except ReferenceFailedError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def score_part(data: _PartData, namespace: dict[str, Any]) -> float:
    """The part's score on public and hidden cases, graded in-process like ``Grader``."""
    records = [probe_and_measure(namespace, data.part, case.args) for case, _ in data.cases]
    return judge_part(data.part, data.cases, records, data.references).score


def loses_points(data: _PartData, namespace: dict[str, Any]) -> bool:
    """Whether some case of the part scores below full marks (stops at the first such case)."""
    for pair, ref in zip(data.cases, data.references, strict=True):
        record = probe_and_measure(namespace, data.part, pair[0].args)
        if judge_part(data.part, [pair], [record], [ref]).score < data.part.points:
            return True
    return False


def variants(case: Case, seed: int) -> list[dict[str, Any]]:
    """Extra inputs derived from a case: jittered twice, rounded to 0.5, and cast to float32."""
    rng = np.random.default_rng(seed)
    out = []
    for kind in ("jitter", "jitter", "grid", "float32"):
        args = {}
        for key, value in case.args.items():
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                if kind == "jitter":
                    factor = rng.uniform(0.5, 1.5, size=value.shape)
                    value = (value * factor).astype(value.dtype)
                elif kind == "grid":
                    value = (np.round(value * 2) / 2).astype(value.dtype)
                else:
                    value = value.astype(np.float32)
            args[key] = value
        out.append(args)
    return out


def _same(a: Record, b: Record) -> bool:
    keys = {k for k in (*a, *b) if not k.startswith("__") or k.startswith("__dtype_")}
    keys |= {k for k in ("__mutated__", "__error_type__") if k in a or k in b}
    for key in keys:
        if key not in a or key not in b:
            return False
        x, y = a[key], b[key]
        if key.startswith("__dtype_") and (
            np.ndim(a.get(key[len("__dtype_") :], 0)) == 0 or {x, y} & PYTHON_CONTAINERS
        ):
            continue  # a float as a Python float or a NumPy scalar, a list as an array: the same
        if isinstance(x, str) or isinstance(y, str):
            if x != y:
                return False
            continue
        xa, ya = np.asarray(x), np.asarray(y)
        if xa.shape != ya.shape:
            return False
        try:
            if not np.allclose(
                xa.astype(np.float64),
                ya.astype(np.float64),
                rtol=EQUIVALENCE_RTOL,
                atol=1e-12,
                equal_nan=True,
            ):
                return False
        except (TypeError, ValueError):
            if not np.array_equal(xa, ya):
                return False
    return True


def probe_inputs(datas: list[_PartData], seed: int) -> list[tuple[Part, dict[str, Any], bool]]:
    """Every ``(part, args, derived)`` the equivalence check runs: the cases, then derived ones."""
    out = []
    for data in datas:
        for index, (case, _) in enumerate(data.cases):
            out.append((data.part, case.args, False))
            out.extend((data.part, args, True) for args in variants(case, seed + index))
    return out


def records_on(
    inputs: list[tuple[Part, dict[str, Any], bool]], namespace: dict[str, Any]
) -> list[Record]:
    """The probe records of ``namespace`` on every input."""
    return [probe_and_measure(namespace, part, args) for part, args, _ in inputs]


def same_behaviour(
    inputs: list[tuple[Part, dict[str, Any], bool]], want: list[Record], got: list[Record]
) -> bool:
    """Equal records on every case, and on every derived input the model answer accepts."""
    for (_, _, derived), w, g in zip(inputs, want, got, strict=True):
        if derived and "__error__" in w:
            continue  # the derived input is not valid for the model answer either
        if not _same(w, g):
            return False
    return True


def graded_parts(spec: AssignmentSpec, target: Target, uses: dict[str, set[str]]) -> list[Part]:
    """Parts that grade the target: their ``functions`` name it or a definition that calls it.

    ``uses`` maps each top-level definition of the notebook to the names it refers to.
    """
    return [
        p
        for p in spec.parts
        if any(target.owner == f or target.owner in uses.get(f, set()) for f in p.functions)
    ]


def names_used(cells: list[str]) -> dict[str, set[str]]:
    """Each top-level function or class of the notebook -> the global names its code refers to."""
    out: dict[str, set[str]] = {}
    for source in cells:
        for node in ast.parse(source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                out[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return out


def run_mutation(
    assignment: str,
    *,
    max_mutants: int | None = None,
    seed: int = 0,
    timeout: float = 20.0,
    progress: Callable[[int], Any] | None = None,
    on_total: Callable[[int], Any] | None = None,
) -> MutationReport:
    """Generate, grade and classify the mutants of one assignment.

    Parameters
    ----------
    assignment : str
        Folder name, e.g. ``"a1_linear_classifiers"``.
    max_mutants : int, optional
        Grade a deterministic sample of this many mutants (``random.Random(seed)``) instead of all.
    seed : int
        Seed of the sample and of the derived inputs of the equivalence check.
    timeout : float
        Seconds a mutant may run on one part before it counts as killed.
    progress, on_total : callable, optional
        Called with 1 after each mutant, and once with the number of mutants to grade.
    """
    spec = load_spec(assignment)
    cells = definition_cells(source_dir(assignment) / f"{assignment}.py")
    report = MutationReport(assignment)
    namespace = notebook_namespace(cells)
    targets = [t for cell in cells for t in targets_in_cell(cell)]
    uses = names_used(cells)
    pool: list[tuple[Mutant, list[Part]]] = []
    for target in targets:
        parts = graded_parts(spec, target, uses)
        if not parts:
            report.ungraded.append(target.name)
            continue
        pool.extend((m, parts) for m in mutants_of(target))
    report.generated = len(pool)
    if max_mutants is not None and len(pool) > max_mutants:
        chosen = sorted(random.Random(seed).sample(range(len(pool)), max_mutants))
        pool = [pool[i] for i in chosen]
    datas = {p.id: _part_data(spec, p) for _, parts in pool for p in parts}
    for pid, data in sorted(datas.items()):
        score = score_part(data, namespace)
        for _ in range(ATTEMPTS - 1):
            if score >= data.part.points:
                break
            score = score_part(data, namespace)
        if score < data.part.points:
            report.baseline_problems.append(f"{pid}: the model answer scores {score:g}")
    if on_total:
        on_total(len(pool))
    for mutant, parts in pool:
        report.results.append(_grade(mutant, parts, datas, namespace, seed, timeout))
        if progress:
            progress(1)
    return report


def _grade(
    mutant: Mutant,
    parts: list[Part],
    datas: dict[str, _PartData],
    namespace: dict[str, Any],
    seed: int,
    timeout: float,
) -> MutantResult:
    ids = tuple(p.id for p in parts)
    result = MutantResult(mutant, ids, killed=False)
    try:
        with installed(namespace, mutant):
            for part in parts:
                try:
                    with time_limit(timeout):
                        result.killed = loses_points(datas[part.id], namespace)
                except MutantTimeoutError:
                    result.timed_out = result.killed = True
                if result.killed:
                    result.scores[part.id] = 0.0
                    break
    except (SyntaxError, KeyError, TypeError, ValueError, NameError) as exc:
        # the mutant cannot even be defined (e.g. a constant made a keyword invalid)
        result.killed = True
        result.scores["__definition__"] = 0.0
        del exc
        return result
    if not result.killed:
        inputs = probe_inputs([datas[p.id] for p in parts], seed)
        try:
            with time_limit(timeout * 4):
                want = records_on(inputs, namespace)
                with installed(namespace, mutant):
                    got = records_on(inputs, namespace)
            result.equivalent = same_behaviour(inputs, want, got)
        except MutantTimeoutError:
            result.equivalent = False
    return result


# ---------------------------------------------------------------------------- text


def report_text(report: MutationReport, spec: AssignmentSpec, *, show_diffs: bool = True) -> str:
    """Per-part kill rates, then every surviving mutant with its diff, then the equivalent ones."""
    lines = [
        f"{report.assignment}: {report.generated} mutants generated, {len(report.results)} graded"
    ]
    if report.ungraded:
        lines.append(f"  not graded by any part (skipped): {', '.join(report.ungraded)}")
    for problem in report.baseline_problems:
        lines.append(f"  PROBLEM {problem}")
    lines.append(f"  {'part':34s} {'killed':>7s} {'of':>4s} {'rate':>7s} {'equiv':>6s}")
    for s in report.by_part(spec):
        lines.append(
            f"  {s.part_id:34s} {s.killed:7d} {s.counted:4d} {100 * s.rate:6.1f}% "
            f"{len(s.equivalent):6d}"
        )
    counted = report.killed + len(report.survivors)
    timeouts = sum(r.timed_out for r in report.results)
    lines.append(
        f"  total: {report.killed} of {counted} non-equivalent mutants killed "
        f"({100 * report.rate:.1f}%), {len(report.equivalent)} equivalent, {timeouts} by timeout"
    )
    if show_diffs:
        for title, group in (("SURVIVED", report.survivors), ("EQUIVALENT", report.equivalent)):
            for r in group:
                m = r.mutant
                lines.append(
                    f"  {title} [{m.operator}] {m.target.name} ({', '.join(r.parts)}): "
                    f"{m.description}"
                )
                lines.extend("      " + d for d in m.diff().splitlines())
    return "\n".join(lines)


def source_path(assignment: str) -> Path:
    """The instructor notebook's text source."""
    return source_dir(assignment) / f"{assignment}.py"
