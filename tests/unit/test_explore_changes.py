"""The case pairs `eligibility explore` draws for each kind of invariant change: both cases are
valid, and the second differs from the first exactly as the invariant says."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from eligibility import Registry, parse_case
from eligibility._invariants import Change
from eligibility.explore.changes import Pair, pairs
from eligibility.explore.space import space_for
from eligibility.explore.strategies import Cases
from tests.conftest import RULESETS

DE = Registry([r for r in Registry.load(RULESETS, "reference").rulesets if r.id == "de-btmg"])
CASES = Cases(space_for(DE.rulesets))
QUICK = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _quantity(c: dict[str, Any]) -> float:
    return float(c["quantity"]["value"]) if "quantity" in c else -1.0


CHANGES: list[tuple[Change, Any]] = [
    (Change("add", "priors"), lambda b, a: a["priors"][:-1] == b["priors"]),
    (Change("add", "charges"), lambda b, a: a["charges"][:-1] == b["charges"]),
    (
        Change("increase", "charges.quantity"),
        lambda b, a: any(
            _quantity(y) > _quantity(x) and x["quantity"]["unit"] == y["quantity"]["unit"]
            for x, y in zip(b["charges"], a["charges"], strict=True)
        ),
    ),
    (
        Change("increase", "person.age"),
        lambda b, a: (
            dt.date.fromisoformat(a["person"]["birth_date"])
            < dt.date.fromisoformat(b["person"]["birth_date"])
        ),
    ),
    (
        Change("increase", "facts.expected_penalty_months"),
        lambda b, a: a["facts"]["expected_penalty_months"] > b["facts"]["expected_penalty_months"],
    ),
    (
        Change("set", "", (("charges.purpose", "supply"), ("facts.land", "berlin"))),
        lambda b, a: (
            any(c.get("purpose") == "supply" for c in a["charges"])
            and "berlin" == a["facts"]["land"]
        ),
    ),
]


@pytest.mark.parametrize(("change", "applied"), CHANGES, ids=[c.describe() for c, _ in CHANGES])
def test_each_change_gives_two_valid_cases_differing_as_declared(
    change: Change, applied: Any
) -> None:
    """Both cases are accepted by the engine; the change is visible in the second."""

    @QUICK
    @given(pair=pairs(CASES, change))
    def check(pair: Pair) -> None:
        before, after = pair
        DE.evaluate(parse_case(before))
        DE.evaluate(parse_case(after))
        assert applied(before, after)

    check()
