"""The condition language: parsing, Kleene semantics, and the durable compilation agreeing with it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from eligibility import ConditionSyntaxError
from eligibility import _expr as E
from eligibility._reference import Evaluator

FACTS: dict[str, Any] = {
    "offense_date": dt.date(2024, 3, 15),
    "consent": True,
    "priors": (
        {"felony": True, "disposition_date": dt.date(2019, 3, 15)},
        {"disposition_date": dt.date(2010, 1, 1)},  # felony unknown
    ),
    "charges": (),
}


def truth(text: str, facts: dict[str, Any] | None = None) -> bool | None:
    return Evaluator(FACTS if facts is None else facts, {"limit": Decimal(15)}).truth(E.parse(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("consent and admits_offense", None),  # true and unknown
        ("not consent and admits_offense", False),  # false and unknown
        ("consent or admits_offense", True),  # true or unknown
        ("not (consent) or admits_offense", None),  # false or unknown
        ("not admits_offense", None),
        ("some c in charges satisfies c.violence", False),  # empty list: no item
        ("every c in charges satisfies c.violence", True),  # empty list: vacuously true
        ("some p in priors satisfies p.felony", True),  # settled by the first prior
        ("every p in priors satisfies p.felony", None),  # the second prior is unknown
        ("some x in plea_list satisfies x.felony", None),  # unknown list is unknown, never empty
        ("count(p in priors where p.disposition_date < offense_date) == 2", True),
        ("count(p in priors where p.felony) >= 1", True),  # one known felony settles it
        ("count(p in priors where p.felony) >= 2", None),
    ],
)
def test_kleene_three_valued_semantics(text: str, expected: bool | None) -> None:
    """false and unknown is false; true or unknown is true; anything else with unknown is unknown."""
    facts = dict(FACTS)
    if "plea_list" in text:
        text = text.replace("plea_list", "priors")
        facts.pop("priors")
    assert expected == truth(text, facts)


def test_five_years_before_a_leap_day_is_the_28th_of_february() -> None:
    """Calendar arithmetic clamps to the end of a shorter month."""
    assert dt.date(2019, 2, 28) == E.Duration(years=5).shift(dt.date(2024, 2, 29), -1)
    assert truth('date("2024-02-29") - years(5) == date("2019-02-28")')


def test_a_prior_exactly_on_the_boundary_day_is_inside_an_inclusive_window() -> None:
    """`>=` includes the boundary day; `>` excludes it: the ruleset states which the law means."""
    assert truth("some p in priors satisfies p.disposition_date >= offense_date - years(5)")
    assert not truth("some p in priors satisfies p.disposition_date > offense_date - years(5)")


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("consent and", "the condition ends too early", 12),
        ("consent andd admits_offense", "unexpected 'andd'", 9),
        ("age >= 18 ; x", "unexpected character ';'", 11),
    ],
)
def test_syntax_errors_give_line_and_column(text: str, message: str, column: int) -> None:
    """A condition that does not parse names where."""
    with pytest.raises(ConditionSyntaxError) as caught:
        E.parse(text)
    assert (message, 1, column) == (caught.value.message, caught.value.line, caught.value.column)


def test_conditions_are_bounded_in_size() -> None:
    """A pathological condition is refused, not evaluated."""
    with pytest.raises(ConditionSyntaxError, match="too large"):
        E.parse(" and ".join(["x"] * 500))
    with pytest.raises(ConditionSyntaxError, match="at most 4000"):
        E.parse("consent or " * 400 + "consent")


def test_no_python_is_evaluated() -> None:
    """Python syntax is not part of the language."""
    with pytest.raises(ConditionSyntaxError):
        E.parse("__import__('os').system('true')")
