"""Properties every shipped ruleset must satisfy on generated cases (Hypothesis).

* durable-rules and the reference evaluator agree on every outcome and criterion status;
* the same case gives byte-identical JSON;
* the order of charges and priors does not change any outcome or criterion status;
* unknowns are sound: an outcome decided while facts are unknown stays the same when they are filled in;
* every outcome is explained: ineligible names a failed criterion with a citation, undetermined
  names a missing fact or an unsettled point, entitled/eligible have every condition met.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility import Decision, Registry, parse_case
from tests.conftest import RULESETS
from tests.strategies import any_case, case_with_unknowns, rulesets_of

_REGISTRY = Registry.load(RULESETS, evaluator="reference")
JURISDICTIONS = sorted(_REGISTRY.by_jurisdiction)
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIFFERENTIAL = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Budgets sized so the whole suite stays under ten minutes on two cores.


def _statuses(decision: Decision) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in decision.measures:
        out[m.id] = (m.outcome, sorted(m.deciding_criteria))
        for c in m.criteria:
            out[f"{m.id}.{c.id}"] = c.status
            for u in c.unless:
                out[f"{m.id}.{c.id}.{u.id}"] = u.status
    return out


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_durable_rules_agrees_with_the_reference_evaluator(
    jurisdiction: str, durable_registry: Registry, reference_registry: Registry
) -> None:
    """The engine and the oracle give the same decision, apart from naming the evaluator."""

    @DIFFERENTIAL
    @given(data=any_case(reference_registry, jurisdiction))
    def check(data: dict[str, Any]) -> None:
        case = parse_case(data)
        by_engine = durable_registry.evaluate(case).model_dump()
        by_oracle = reference_registry.evaluate(case).model_dump()
        by_engine["engine"].pop("evaluator")
        by_oracle["engine"].pop("evaluator")
        assert by_oracle == by_engine

    check()


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_the_same_case_gives_byte_identical_json(
    jurisdiction: str, durable_registry: Registry
) -> None:
    """Evaluating a case twice, and through a freshly loaded registry, gives the same bytes; the
    decision (assembled without re-validation, for speed) validates against its own model; and
    the fast writer (orjson) gives exactly the bytes pydantic's own serialiser gives."""
    fresh = Registry.load(RULESETS)

    @settings(max_examples=20, deadline=None)
    @given(data=any_case(durable_registry, jurisdiction))
    def check(data: dict[str, Any]) -> None:
        case = parse_case(data)
        first = durable_registry.evaluate(case).to_json()
        assert first == durable_registry.evaluate(case).to_json()
        assert first == fresh.evaluate(case).to_json()
        again = Decision.model_validate_json(first)
        assert again.to_json() == first
        assert again.model_dump_json(indent=2) + "\n" == first
        decision = durable_registry.evaluate(case)
        assert decision.to_json_bytes(indent=False) == decision.model_dump_json().encode()

    check()


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_order_of_charges_and_priors_does_not_matter(
    jurisdiction: str, durable_registry: Registry
) -> None:
    """Shuffling charges and priors leaves every outcome and criterion status unchanged."""

    @SETTINGS
    @given(data=any_case(durable_registry, jurisdiction), seed=st.integers(0, 2**32 - 1))
    def check(data: dict[str, Any], seed: int) -> None:
        shuffled = dict(data)
        rng = random.Random(seed)
        for key in ("charges", "priors"):
            if key in shuffled:
                items = list(shuffled[key])
                rng.shuffle(items)
                shuffled[key] = items
        expected = _statuses(durable_registry.evaluate(parse_case(data)))
        assert expected == _statuses(durable_registry.evaluate(parse_case(shuffled)))

    check()


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_filling_in_unknown_facts_never_changes_a_decided_outcome(
    jurisdiction: str, durable_registry: Registry
) -> None:
    """An outcome decided with facts unknown is the outcome for every way of filling them in."""

    assumed = {
        name: decl.assume
        for r in rulesets_of(durable_registry, jurisdiction)
        for name, decl in r.facts.items()
        if decl.assume is not None
    }

    @SETTINGS
    @given(pair=case_with_unknowns(durable_registry, jurisdiction))
    def check(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
        full, partial = pair
        # An assumed fact is not unknown: where the partial case leaves it out, the ruleset's
        # disclosed assumption stands, so the completion uses it too.
        full = {
            **full,
            "facts": {
                **full["facts"],
                **{k: v for k, v in assumed.items() if k not in partial.get("facts", {})},
            },
        }
        # Likewise a record's category, class or drug_related left out beside a statute of the
        # jurisdiction is not unknown: the statute table supplies it, so the completion does too.
        for key in ("charges", "priors"):
            if key in partial and key in full:
                full[key] = [
                    _table_decides(whole, part, jurisdiction)
                    for whole, part in zip(full[key], partial[key], strict=True)
                ]
        with_unknowns = durable_registry.evaluate(parse_case(partial))
        complete = {m.id: m.outcome for m in durable_registry.evaluate(parse_case(full)).measures}
        for m in with_unknowns.measures:
            if m.outcome != "undetermined":
                assert (m.id, m.outcome) == (m.id, complete[m.id])

    check()


def _table_decides(
    whole: dict[str, Any], part: dict[str, Any], jurisdiction: str
) -> dict[str, Any]:
    own = part.get("jurisdiction")
    if "statute" not in part or (own is not None and own.lower() != jurisdiction):
        return whole
    dropped = {"category", "class", "drug_related"} - set(part)
    return {k: v for k, v in whole.items() if k not in dropped}


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_outcome_is_explained(jurisdiction: str, durable_registry: Registry) -> None:
    """Ineligible cites a failure, undetermined names what is missing, eligible has all met."""

    @SETTINGS
    @given(data=any_case(durable_registry, jurisdiction))
    def check(data: dict[str, Any]) -> None:
        decision = durable_registry.evaluate(parse_case(data))
        missing_for = {m for f in decision.missing_facts for m in f.decides}
        unsettled_for = {m for u in decision.unsettled for m in u.decides}
        for m in decision.measures:
            by_id = {c.id: c for c in m.criteria}
            if m.outcome == "ineligible":
                failed = [
                    by_id[i]
                    for i in m.deciding_criteria
                    if (by_id[i].role == "requires" and by_id[i].status == "not_met")
                    or (by_id[i].role == "excluded_if" and by_id[i].status == "met")
                ]
                assert failed, m.id
                assert all(c.citation.url for c in failed)
            elif m.outcome == "undetermined":
                assert m.id in missing_for | unsettled_for, m.id
            elif m.outcome in ("entitled", "eligible"):
                for c in m.criteria:
                    if c.role in ("scope", "requires"):
                        assert c.status == "met", (m.id, c.id)
                    elif c.role == "excluded_if" and c.status != "not_met":
                        assert any(u.status == "met" for u in c.unless), (m.id, c.id)

    check()
