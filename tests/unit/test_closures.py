"""The compiled closures (eligibility/_closures.py) compute what the reference evaluator does,
on the edge cases the shortcuts in them must not change."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from eligibility import _expr as E
from eligibility._closures import term
from eligibility._reference import Evaluator

OPS = ("==", "!=", "<", "<=", ">", ">=")
LITERALS = [Decimal(0), Decimal(2), Decimal("2.5"), Decimal(-1), Decimal("-2.5"), Decimal(7)]


@pytest.mark.parametrize("op", OPS)
def test_count_comparisons_agree_with_the_reference_whatever_is_unknown(op: str) -> None:
    """A count over items that are true, false or unknown, compared with whole, fractional and
    negative numbers on either side: the same Kleene value as the reference evaluator."""
    count = E.Count("p", E.Name("xs"), E.Attr(E.Name("p"), "v"))
    for lit, items, flip in itertools.product(
        LITERALS, itertools.product([True, False, None], repeat=3), (False, True)
    ):
        left, right = (E.Lit(lit), count) if flip else (count, E.Lit(lit))
        node = E.Cmp(op, left, right)
        facts = {"xs": tuple({"v": v} if v is not None else {} for v in items)}
        expected = Evaluator(facts, {}).value(node, {})
        got = term(node)(facts, {}, {})
        assert (expected, type(expected)) == (got, type(got)), (lit, items, flip)


def test_constant_calls_are_made_once_and_mean_the_same() -> None:
    """years(5) and date("…") with a literal argument are computed when the closure is built."""
    for node in (
        E.Arith("-", E.Name("offense_date"), E.Call("years", (E.Lit(Decimal(5)),))),
        E.Cmp(">=", E.Name("offense_date"), E.Call("date", (E.Lit("2018-01-01"),))),
        E.Arith("-", E.Name("offense_date"), E.Call("months", (E.Name("n"),))),
    ):
        for day in (dt.date(2020, 2, 29), dt.date(2018, 1, 1), None):
            facts = {"offense_date": day}
            params = {"n": Decimal(18)}
            assert Evaluator(facts, params).value(node, {}) == term(node)(facts, params, {})
