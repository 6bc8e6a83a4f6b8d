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
    assert [] == compare(golden, durable_registry.evaluate(golden.case))
