"""The score a planted bug must get, predicted from the checks it must fail (shared by the tests).

A prediction maps a public case's name (or ``"*"`` for every case) to the keys of the checks the
bug must fail there, written by hand from the bug, never from the grader's output.
"""

from __future__ import annotations

from autograder.judging.spec import Part

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
