"""The search behind `never-met` and its kin: what it proves, and what it cannot see."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eligibility import _expr as E
from eligibility._lint_logic import GaveUp, Names, Reach, reach
from eligibility._types import CASE_FIELDS, Scalar

NAMES = Names(
    terms={
        **{n: t for n, t in CASE_FIELDS.items() if isinstance(t, Scalar)},
        "land": Scalar.STRING,
        "first_offence": Scalar.BOOL,
    },
    choices={"land": ("bayern", "berlin")},
    unsettled=frozenset({"open_point"}),
)
PARAMS = {"adult_age": Decimal(18), "lands": ("bayern",)}


def _reach(text: str, free: bool = False) -> Reach:
    return reach(E.parse(text), NAMES, PARAMS, free_unsettled=free)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("age_at_offense >= 18", Reach(true=True, false=True)),
        ("age_at_offense >= adult_age and age_at_offense < 16", Reach(true=False, false=True)),
        ("age_at_offense > 17 or age_at_offense <= 17", Reach(true=True, false=False)),
        ("age_at_offense > 17.5 and age_at_offense < 18", Reach(true=True, false=True)),
        (
            'offense_date >= date("2018-01-01") and offense_date < date("2018-01-02")',
            Reach(True, True),
        ),
        (
            'offense_date > date("2018-01-01") and offense_date < date("2018-01-02")',
            Reach(False, True),
        ),
        ('land == "hamburg"', Reach(true=False, false=True)),
        ('land in lands or land == "berlin"', Reach(true=True, false=False)),
        ('plea == "guilty" and plea == "no_contest"', Reach(true=False, false=True)),
        ("first_offence and not first_offence", Reach(true=False, false=True)),
    ],
)
def test_terms_range_over_every_value_their_comparisons_distinguish(
    condition: str, expected: Reach
) -> None:
    """Facts compared with constants are searched exactly: thresholds, dates (whole days),
    declared string values, list parameters."""
    assert expected == _reach(condition)


def test_identical_opaque_atoms_are_one_variable() -> None:
    """The same quantifier written twice is the same truth value."""
    atom = "(some c in charges satisfies c.violence)"
    assert Reach(true=False, false=True) == _reach(f"{atom} and not {atom}")


def test_different_opaque_atoms_are_independent_so_their_contradiction_is_not_seen() -> None:
    """The documented limit: two quantifiers that contradict each other look satisfiable."""
    some = "(some c in charges satisfies c.quantity_g > 5)"
    every = "(every c in charges satisfies c.quantity_g < 3)"
    assert Reach(true=True, false=True) == _reach(f"{some} and {every}")


def test_an_unsettled_point_stays_unknown_unless_treated_as_free() -> None:
    """Read as the engine reads it, an open point is never true or false; settled either way,
    it can be."""
    assert Reach(true=False, false=False) == _reach("open_point")
    assert Reach(true=False, false=True) == _reach("age_at_offense >= 18 and open_point")
    assert Reach(true=True, false=True) == _reach("open_point", free=True)


def test_independent_parts_are_searched_separately() -> None:
    """A conjunction of 30 unrelated requirements is decided without trying 2^30 cases."""
    parts = " and ".join(f"(some c in charges satisfies c.quantity_g > {i})" for i in range(30))
    assert Reach(true=True, false=True) == reach(E.parse(parts), NAMES, PARAMS, budget=100)


def test_the_search_gives_up_past_its_budget() -> None:
    """A coupled search larger than the budget raises rather than guessing."""
    atoms = " or ".join(f"(some c in charges satisfies c.quantity_g > {i})" for i in range(12))
    with pytest.raises(GaveUp):
        first = "(some c in charges satisfies c.quantity_g > 0)"
        reach(E.parse(f"({atoms}) and (not {first} or open_point)"), NAMES, PARAMS, budget=50)
