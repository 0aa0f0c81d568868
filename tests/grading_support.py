"""The score a planted bug must get, predicted from the checks it must fail (shared by the tests).

A prediction maps a public case's name (or ``"*"`` for every case) to the keys of the checks the
bug must fail there, written by hand from the bug, never from the grader's output.
"""

from __future__ import annotations

import re
from typing import Any

from autograder.judging.spec import AssignmentSpec, Part

MUTATED = "inputs unchanged"
"""Stands for the extra check's credit the judge takes when a function modifies an input."""


def expected_public_score(part: Part, failing: dict[str, set[str]]) -> float:
    """``points`` times the mean over public cases of the credit the predicted failures leave.

    The judge's rules, restated: a case's credit is the weighted mean of its checks
    (``Check.weight``, default 1) plus one more of weight 1 when an input was modified;
    ``selfgrad`` checks are diagnostics and earn nothing; a failed ``gate`` check (the part's
    ``options["gate"]``) leaves the case nothing.
    """
    credits = []
    gates = set(part.options.get("gate", ()))
    weight = {c.key: c.weight for c in part.checks} | {MUTATED: 1.0}
    for case in part.public_cases():
        keys = [c.key for c in part.checks if case.checks is None or c.key in case.checks]
        bad = failing.get(case.name, failing.get("*", set()))
        if MUTATED in bad:
            keys.append(MUTATED)
        assert bad <= set(keys), (case.name, bad, keys)  # the prediction names real checks
        scored = [k for k in keys if not k.startswith("selfgrad:")]
        total = sum(weight[k] for k in scored)
        lost = sum(weight[k] for k in bad & set(scored))
        credits.append(0.0 if bad & gates else 1 - lost / total)
    return part.points * sum(credits) / len(credits)


def assert_reference_full_marks(
    grader: Any, spec: AssignmentSpec, namespace: dict[str, Any], *, hidden: bool
) -> None:
    """Every part of ``spec`` checked by ``grader`` on ``namespace`` earns all its points."""
    for part in spec.parts:
        score = grader.check(part.id, namespace, hidden=hidden)
        assert isinstance(score, float)
        assert score == part.points, (part.id, grader.results[part.id])
        assert grader.results[part.id].status == "ok"


def assert_reported_all_passed(spec: AssignmentSpec, out: str, err: str) -> None:
    """What the checks printed: one ``[PASS]`` per part, no ``[FAIL]``, nothing on stderr."""
    assert err == ""
    assert out.count("[PASS]") == len(spec.parts) and "[FAIL]" not in out


def assert_hidden_cases_differ(spec: AssignmentSpec) -> None:
    """Every part has hidden cases, and none is named like a public one."""
    for part in spec.parts:
        public = {c.name for c in part.public_cases()}
        hidden = part.hidden_cases()
        assert hidden, part.id
        assert not public & {c.name for c in hidden}, part.id


def assert_bug_costs_its_part_only(
    grader: Any,
    spec: AssignmentSpec,
    namespace: dict[str, Any],
    bug: tuple[str, Any, str, dict[str, set[str]]]
    | tuple[dict[str, Any], str, dict[str, set[str]]],
    capfd: Any,
) -> None:
    """A planted bug loses the predicted score on its own part only, and says so.

    ``bug`` is ``(name, function, words, failing)`` or ``({name: function, ...}, words,
    failing)``: the notebook globals it replaces (the part is the first name's), words its
    message must contain, and the checks it must fail per public case (see
    :func:`expected_public_score`). The hidden cases cost points too, and stderr carries a line
    only for a final 0 (it makes nbgrader's Validate say "failed").
    """
    if len(bug) == 4:
        name, fn, words, failing = bug
        replacements = {name: fn}
    else:
        replacements, words, failing = bug
    namespace.update(replacements)
    name = next(iter(replacements))
    affected = next(p for p in spec.parts if name in p.functions)
    assert set(failing) - {"*"} <= {c.name for c in affected.public_cases()}
    scores = {p.id: grader.check(p.id, namespace) for p in spec.parts}
    assert all(isinstance(v, float) for v in scores.values())
    for part in spec.parts:
        if part.id != affected.id:
            assert scores[part.id] == part.points, part.id
    expected = expected_public_score(affected, failing)
    assert expected < affected.points
    assert abs(scores[affected.id] - expected) <= 1e-6, (scores[affected.id], expected)
    assert grader.results[affected.id].status == "failed"
    out, err = capfd.readouterr()
    assert err == ""
    assert words in out
    assert re.search(rf"\[FAIL\] {re.escape(affected.title)} \({affected.id}\)", out)
    hidden = grader.check(affected.id, namespace, hidden=True)
    assert isinstance(hidden, float) and 0.0 <= hidden < affected.points
    zero = f"FAILED: 0 / {affected.points:g} points (the report above says what is wrong)\n"
    assert capfd.readouterr().err == (zero if hidden == 0 else "")
