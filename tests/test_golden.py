"""Every golden case of every shipped ruleset, one test each, named by the case's sentence."""

from __future__ import annotations

import pytest

from eligibility import Registry
from eligibility.golden import Golden, compare, golden_files, load_golden
from tests.conftest import RULESETS

GOLDEN = [g for path in golden_files(RULESETS) for g in load_golden(path)]


def test_every_jurisdiction_has_golden_cases(durable_registry: Registry) -> None:
    """A shipped ruleset without golden cases is untested law."""
    with_cases = {g.case.jurisdiction.lower() for g in GOLDEN}
    assert sorted(durable_registry.by_jurisdiction) == sorted(with_cases)


@pytest.mark.parametrize("golden", GOLDEN, ids=[g.name for g in GOLDEN])
def test_golden_case(golden: Golden, durable_registry: Registry) -> None:
    """The decision has the expected outcomes, deciding criteria, missing facts and open points."""
    decision = durable_registry.evaluate(golden.case)
    assert [] == compare(golden, decision)
    # The fast writer gives exactly pydantic's bytes (the output contract), indented and compact.
    assert decision.to_json() == decision.model_dump_json(indent=2) + "\n"
    assert decision.to_json_bytes(indent=False) == decision.model_dump_json().encode()
