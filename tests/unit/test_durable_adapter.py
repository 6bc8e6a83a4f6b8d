"""Contract tests for the durable-rules adapter: each workaround stays in place."""

from __future__ import annotations

import pytest

from eligibility import EngineError, parse_case
from eligibility._compile import Plan
from eligibility._durable import DurableRuleset
from eligibility._evaluate import Registry
from eligibility._ruleset_bounds import fnv1a_32
from tests.conftest import FIXTURES


def test_field_name_hash_collisions_are_refused_at_load() -> None:
    """durable matches field names by a 32-bit hash; two colliding names would alias silently."""
    # A pair found by the durable-rules research: these two names share an FNV-1a hash.
    assert fnv1a_32("yacrqcbaxy") == fnv1a_32("uztgestdqb")
    plan = Plan(
        rules={"s": {"all": [{"m": {"t": "case"}}]}},
        case_fields={"yacrqcbaxy": "a", "uztgestdqb": "b"},
    )
    with pytest.raises(EngineError, match="collide"):
        DurableRuleset(plan, "collision")


def test_a_case_the_engine_did_not_see_is_an_error_not_all_met() -> None:
    """Without the sentinel firing, the evaluation is refused."""
    plan = Plan(rules={"s": {"all": [{"m": {"t": "never"}}]}})
    with pytest.raises(EngineError, match="sentinel"):
        DurableRuleset(plan, "no-sentinel").fired({"t": "case"})


def test_the_slot_is_clean_after_each_case_over_many_cases() -> None:
    """Retracting after each case keeps one slot reusable; more than 1,024 cases never exhaust sessions."""
    registry = Registry.load(FIXTURES / "rulesets")
    case = parse_case(
        {
            "case_id": "c",
            "jurisdiction": "ZZ",
            "offense_date": "2024-01-01",
            "consent": True,
            "admits_offense": True,
            "priors": [],
            "charges": [{"statute": "TA 1"}],
        }
    )
    first = registry.evaluate(case).to_json()
    for _ in range(1500):
        assert first == registry.evaluate(case).to_json()


def test_every_over_an_empty_list_is_vacuously_true_in_the_engine() -> None:
    """durable's $iall is false on []; the compilation never uses it, so `every` holds on no charges."""
    registry = Registry.load(FIXTURES / "rulesets")
    case = parse_case(
        {
            "case_id": "e",
            "jurisdiction": "ZZ",
            "offense_date": "2024-01-01",
            "consent": True,
            "admits_offense": True,
            "priors": [],
            "charges": [],
        }
    )
    caution = registry.evaluate(case).measures[0]
    assert {"possession_charge": "met", "small_quantity": "met"} == {
        c.id: c.status for c in caution.criteria if c.id in ("possession_charge", "small_quantity")
    }


def test_many_rules_matching_at_once_do_not_overflow_the_engine_stack() -> None:
    """durable-rules fails with error 303 past 64 pending alpha nodes; handles are kept small."""
    rules: dict[str, object] = {"s": {"pri": 2, "all": [{"m": {"t": "case"}}]}}
    for i in range(200):
        rules[f"m{i}"] = {"all": [{"m": {"$and": [{"t": "case"}, {"$nex": {f"f{i}": 1}}]}}]}
    fired = DurableRuleset(Plan(rules=rules), "wide").fired({"t": "case"})
    assert {"s", *(f"m{i}" for i in range(200))} == fired
