"""A measure's outcome is worked out once per combination of its criteria's verdicts
(``eligibility._evaluate._Decided``): what it gives must be what deciding afresh gives, for every
measure of every shipped ruleset, whatever the verdicts, and after its memo is full."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import Registry, _evaluate
from eligibility._evaluate import _Decided, _reason, citation_out
from eligibility._model import MeasureDef, Ruleset
from eligibility._outcome import decide
from eligibility.decision import DecidingCriterion, MeasureDeciding, MeasureOutcome
from eligibility.golden import golden_files, load_golden
from tests.conftest import RULESETS


def _measures(registry: Registry) -> list[tuple[Ruleset, MeasureDef]]:
    return [(r, m) for r in registry.rulesets for m in r.measures]


def _expected(ruleset: Ruleset, measure: MeasureDef, verdicts: Any, in_force: bool) -> Any:
    verdict = decide(measure, verdicts, in_force)
    guidance = measure.cite.guidance or any(c.cite.guidance for c in verdict.deciding)
    if verdict.outcome in ("entitled", "eligible"):
        guidance = guidance or any(c.cite.guidance for c in measure.criteria())
    return verdict, guidance


VERDICT = st.sampled_from([True, False, None])


@settings(max_examples=300, deadline=None)
@given(data=st.data(), in_force=st.booleans())
def test_the_memo_gives_what_deciding_afresh_gives(
    durable_registry: Registry, data: st.DataObject, in_force: bool
) -> None:
    pairs = _measures(durable_registry)
    ruleset, measure = data.draw(st.sampled_from(pairs))
    decided = durable_registry._decided[id(measure)]
    verdicts = {c.key: data.draw(VERDICT) for c in measure.criteria()}
    for _ in range(2):  # decided afresh, then from the memo
        verdict, guidance, brief, deciding = decided(verdicts, in_force)
        assert (verdict, guidance) == _expected(ruleset, measure, verdicts, in_force)
        common: dict[str, Any] = {
            "id": measure.id,
            "ruleset": ruleset.id,
            "outcome": verdict.outcome,
            "decided_by": measure.decided_by,
            "guidance_based": guidance,
        }
        assert brief == MeasureOutcome(**common)
        if not in_force:  # its reason names the day: made with the decision
            assert deciding is None
            continue
        status = {True: "met", False: "not_met", None: "unknown"}
        assert deciding == MeasureDeciding(
            **common,
            reason=_reason(measure, verdict, verdicts),
            citation=citation_out(measure.cite),
            deciding_criteria=[
                DecidingCriterion(
                    id=c.id,
                    role=c.role,
                    status=status[verdicts[c.key]],
                    text=c.text,
                    citation=citation_out(c.cite),
                )
                for c in verdict.deciding
            ],
        )


def test_a_full_memo_still_decides(
    durable_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond its bound the memo stops growing and every combination is decided afresh."""
    monkeypatch.setattr(_evaluate, "_DECIDED_MAX", 2)
    ruleset, measure = next(
        (r, m) for r, m in _measures(durable_registry) if len(m.criteria()) >= 2
    )
    decided = _Decided(ruleset, measure)
    keys = [c.key for c in measure.criteria()]
    combos = [
        {k: (True, False, None)[(i + j) % 3] for j, k in enumerate(keys)} for i in range(3)
    ] + [dict.fromkeys(keys, None)]
    for verdicts in combos * 2:
        verdict, guidance, _, _ = decided(verdicts, True)
        assert (verdict, guidance) == _expected(ruleset, measure, verdicts, True)
    assert len(decided._memo) == 2


def test_every_shipped_measure_has_its_memo(durable_registry: Registry) -> None:
    assert {id(m) for _, m in _measures(durable_registry)} == set(durable_registry._decided)


def test_a_caller_changing_a_decision_changes_no_other(durable_registry: Registry) -> None:
    """Entries are shared between decisions only where nothing in them can be changed: emptying
    the lists of one decision leaves the next decision of the same case as it was."""
    case = next(
        g.case
        for path in golden_files(RULESETS)
        for g in load_golden(path)
        if g.case.priors and g.case.jurisdiction.lower() == "us-ca"
    )
    for level in ("deciding", "outcome"):
        first = durable_registry.evaluate(case, explain=level)
        expected = first.to_json()
        for m in first.measures:
            for value in m.__dict__.values():
                if isinstance(value, list):
                    value.clear()
        first.rulesets.clear()
        assert durable_registry.evaluate(case, explain=level).to_json() == expected, level
