"""The compiled closures (eligibility/_closures.py) compute what the reference evaluator does,
on the edge cases the shortcuts in them must not change."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from eligibility import Registry
from eligibility import _expr as E
from eligibility._closures import term
from eligibility._compile import Plan, atom_values, encode, fold
from eligibility._evaluate import DurableEngine
from eligibility._reference import Bound, Evaluator
from eligibility.golden import golden_files, load_golden
from tests.conftest import RULESETS

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


# -- the generated encoder and verdict function, against the walks they unroll ----------------

GOLDEN = [g for path in golden_files(RULESETS) for g in load_golden(path)]


def _walk_encode(plan: Plan, facts: Mapping[str, Any], params: Mapping[str, Any]) -> Any:
    """The durable document and its completeness by walking the plan's fields and terms, as the
    encoder did before it was generated."""
    out: dict[str, Any] = {"t": "case"}
    for dname, fact in plan.case_fields.items():
        if facts.get(fact) is not None:
            out[dname] = encode(facts[fact])
    complete = True
    for list_name, item_fields in plan.list_fields.items():
        items = facts.get(list_name)
        if items is None:
            continue
        derived = plan.derived_item.get(list_name, {})
        rows = []
        for i, item in enumerate(items):
            row = {f: encode(item[f]) for f in item_fields if item.get(f) is not None}
            for dname, (var, node) in derived.items():
                value = Evaluator(facts, params).value(node, {var: Bound(list_name, i, item)})
                if value is not None:
                    row[dname] = encode(value)
            complete = complete and len(row) == len(item_fields | derived.keys())
            rows.append(row)
        out["c_" + list_name] = rows
        out["n_" + list_name] = len(rows)
    for dname, node in plan.derived_case.items():
        value = Evaluator(facts, params).value(node, {})
        if value is not None:
            out[dname] = encode(value)
    complete = complete and all(f in out for f in plan.quantified_case_fields)
    return out, complete


def test_the_generated_encoder_writes_what_walking_the_plan_writes() -> None:
    """Every golden case of every jurisdiction, under each ruleset version in force and both of
    its plans: the same document (same keys, same order, same values) and the same verdict on
    completeness; and the generated verdict function gives what folding the atoms gives."""
    registry = Registry.load(RULESETS, evaluator="durable-rules")
    engine = registry._engine
    assert isinstance(engine, DurableEngine)
    checked = 0
    for golden in GOLDEN:
        day = golden.case.offense_date
        groups = registry.groups_for(golden.case.jurisdiction) or {}
        for versions in groups.values():
            for ruleset in versions:
                if day is None or not ruleset.in_force.contains(day):
                    continue
                facts = registry._normalisers[id(ruleset)].normalise(golden.case)
                key, params = ruleset.snapshot(day)
                for complete in (False, True):
                    plan, handle = engine.compiled(ruleset, key, params, complete)
                    expected = _walk_encode(plan, facts.values, params)
                    got = plan.encode_checked(facts.values, params)
                    assert (list(expected[0].items()), expected[1]) == (
                        list(got[0].items()),
                        got[1],
                    ), golden.name
                    fired = handle.fired(got[0])
                    folded = atom_values(plan, fired)
                    assert {k: fold(f, folded) for k, f in plan.formulas.items()} == (
                        plan.verdicts(fired)
                    ), golden.name
                    checked += 1
    assert checked > 1000


def test_fact_records_by_shape_are_what_reading_the_facts_gives() -> None:
    """Every criterion of every golden case, and the same cases with their records emptied,
    removed or grown past the cached shapes (70 priors): the criterion's fact records, labels,
    order and values, are those of reading its facts one by one and sorting the labels."""
    from eligibility._evaluate import _fact_read, _facts_read

    registry = Registry.load(RULESETS, evaluator="durable-rules")
    checked = 0
    for golden in GOLDEN:
        groups = registry.groups_for(golden.case.jurisdiction) or {}
        priors = list(golden.case.priors or [])
        variants = [
            golden.case,
            golden.case.model_copy(update={"priors": None, "charges": []}),
            golden.case.model_copy(update={"priors": (priors * 70)[:70] if priors else None}),
        ]
        for case in variants:
            for versions in groups.values():
                ruleset = versions[-1]
                facts = registry._normalisers[id(ruleset)].normalise(case)
                ev = Evaluator(facts.values, {})
                for c in ruleset.criteria():
                    read = ev.reads(c.read_names, dict(c.read_lists))
                    expected = [_fact_read(k, read[k]) for k in sorted(read)]
                    assert expected == _facts_read(c.read_names, c.read_lists, ev), c.key
                    checked += 1
    assert checked > 10_000
