"""What-if answers hold on every shipped jurisdiction's golden cases.

* time to eligibility: on the day before each date the timeline names, the measure has the
  outcome it had before; on the day itself, the outcome the timeline promises;
* counterfactuals: making the proposed changes to the case gives the promised outcome, leaving
  any one change out does not (each set is minimal), and no change touches a fixed past fact;
* next questions: every set of answers said to decide a measure does decide it, as promised,
  and every fact asked about is one the decision lists as missing;
* lex mitior: the outcome under the law applied is the decision's, and a milder law opens what
  the applied law does not.

A sample of each jurisdiction's golden cases keeps this cheap for CI; set
``ELIGIBILITY_WHATIF_ALL=1`` to check every golden case.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from eligibility import Registry
from eligibility.case import Case
from eligibility.golden import golden_files, load_golden
from eligibility.whatif import Part, decide
from eligibility.whatif.asof import on_day
from eligibility.whatif.domains import OTHER
from eligibility.whatif.paths import FIXED_FIELDS, apply
from tests.conftest import RULESETS

PARTS: tuple[Part, ...] = ("next_questions", "timeline", "counterfactuals", "lex_mitior")
SAMPLE = 6
"""Golden cases checked per jurisdiction unless ELIGIBILITY_WHATIF_ALL is set."""


def _cases() -> dict[str, list[tuple[str, Case]]]:
    out: dict[str, list[tuple[str, Case]]] = {}
    for f in golden_files(RULESETS):
        for g in load_golden(f):
            out.setdefault(f.parent.parent.name, []).append((g.name, g.case))
    if os.environ.get("ELIGIBILITY_WHATIF_ALL"):
        return out
    # An even spread over each jurisdiction's files, always the same cases.
    return {j: cases[:: max(1, len(cases) // SAMPLE)][:SAMPLE] for j, cases in out.items()}


CASES = _cases()
PARAMS = [(j, name, case) for j, cases in sorted(CASES.items()) for name, case in cases]


def _outcomes(registry: Registry, case: Case) -> dict[str, str]:
    return {m.id: m.outcome for m in registry.evaluate(case).measures}


def test_every_shipped_jurisdiction_is_covered() -> None:
    """The property below runs on golden cases of every jurisdiction that has them."""
    shipped = {p.parent.parent.name for p in golden_files(RULESETS)}
    assert shipped == set(CASES)


@pytest.mark.parametrize(
    ("jurisdiction", "name", "case"), PARAMS, ids=[f"{j}:{n[:50]}" for j, n, _ in PARAMS]
)
def test_what_if_claims_hold(
    durable_registry: Registry, jurisdiction: str, name: str, case: Case
) -> None:
    decision = decide(durable_registry, case, None, PARTS)
    w = decision.what_if
    assert w is not None and w.timeline is not None and w.counterfactuals is not None
    assert w.next_questions is not None

    for change in w.timeline:
        day = dt.date.fromisoformat(change.date)
        before = _outcomes(durable_registry, on_day(case, day - dt.timedelta(days=1)))
        on = _outcomes(durable_registry, on_day(case, day))
        assert (change.before, change.outcome) == (before[change.measure], on[change.measure])

    for cf in w.counterfactuals:
        edits = {c.fact: c.value for c in cf.changes}
        assert not any(path.rpartition(".")[2] in FIXED_FIELDS for path in edits)
        assert cf.outcome == _outcomes(durable_registry, apply(case, edits))[cf.measure]
        for left_out in edits if len(edits) > 1 else ():
            fewer = {k: v for k, v in edits.items() if k != left_out}
            assert cf.outcome != _outcomes(durable_registry, apply(case, fewer))[cf.measure]

    missing = {f.fact for f in decision.missing_facts}
    assert {q.fact for q in w.next_questions.ranked} <= missing
    for d in w.next_questions.deciding_answers:
        if any(a.value == OTHER for a in d.answers):
            continue
        answered = apply(case, {a.fact: a.value for a in d.answers})
        assert d.outcome == _outcomes(durable_registry, answered)[d.measure]

    outcomes = {m.id: m.outcome for m in decision.measures}
    assert w.lex_mitior is not None
    for ruleset in w.lex_mitior:
        for m in ruleset.measures:
            assert outcomes.get(m.measure, "not_applicable") == m.applied
            if m.milder:
                assert m.mildest in ("eligible", "entitled") and m.applied != m.mildest
