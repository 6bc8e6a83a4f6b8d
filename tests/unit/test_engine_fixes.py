"""Regression tests for the bugs fixed in the vendored durable-rules engine (vendor/durable_rules).

Each fix's test fails (or crashes) on durable-rules 2.0.28 as released and passes on the vendored
engine; the adapter workaround each bug needed is gone, and these tests show it is not needed.
Bugs that crash the process or depend on what the heap holds run in a fresh interpreter whose
heap is first filled with a chosen byte, which turns "now and then" into "every time".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import _eligibility_durable_engine as engine
import pytest

import eligibility
from eligibility import EngineError
from eligibility._compile import Plan
from eligibility._durable import RULES_PER_HANDLE, DurableRuleset

SENTINEL = {"pri": 2, "all": [{"m": {"t": "case"}}]}


def run_fresh(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter that imports this same eligibility."""
    env = {**os.environ, "PYTHONPATH": str(Path(eligibility.__file__).resolve().parent.parent)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        cwd=Path(__file__).parent,  # nothing importable here shadows the engine under test
    )


def test_an_item_predicate_ending_in_an_or_loads_whatever_the_heap_holds() -> None:
    """Error 102: a forward node's right operand type was never set, so a valid `$iany` whose
    `$and` ends in a same-field `$or` was refused when the heap held 0x0C there (168 of 199
    creations on 2.0.28 in this set-up; the adapter used to retry with a padded definition).
    Driven through the binding: the adapter's own allocations move the heap too much to aim."""
    result = run_fresh(
        """
        import json
        import _eligibility_durable_engine as engine
        item = {"$and": [{"$i.kind": "felony"}, {"$or": [{"$i.code": "A"}, {"$i.code": "B"}]}]}
        definition = json.dumps({
            "s": {"pri": 2, "all": [{"m": {"t": "case"}}]},
            "w": {"all": [{"m": {"$and": [{"t": "case"}, {"$iany": {"c_priors": item}}]}}]},
        })
        refused = 0
        for n in range(1, 200):
            junk = [bytearray(b"\\x0c" * (n * 512)) for _ in range(4)]
            del junk
            try:
                engine.delete_ruleset(engine.create_ruleset(f"heap{n}", definition))
            except engine.error:
                refused += 1
        print(refused)
        """
    )
    assert (0, "0") == (result.returncode, result.stdout.strip()), result.stderr


def test_closing_a_ruleset_whose_case_fired_nothing_does_not_crash() -> None:
    """A session created by an assertion that ran no action had uninitialised action-context
    pointers, and deleting it freed them (a segfault on 2.0.28 with this heap); the adapter used
    to leak such handles instead of deleting them."""
    result = run_fresh(
        """
        from eligibility import EngineError
        from eligibility._compile import Plan
        from eligibility._durable import DurableRuleset
        junk = [bytearray(b"\\x41" * (n * 1024)) for n in range(1, 200)]
        del junk
        ruleset = DurableRuleset(Plan(rules={"s": {"all": [{"m": {"t": "never"}}]}}), "idle")
        try:
            ruleset.fired({"t": "case"})
        except EngineError:
            pass
        ruleset.close()
        print("closed")
        """
    )
    assert (0, "closed") == (result.returncode, result.stdout.strip()), result.stderr


def test_a_case_seen_by_no_rule_still_leaves_the_handle_usable() -> None:
    """A case no rule fired on is an error, and the handle decides the next case normally (the
    adapter no longer sets such a handle aside as unsafe to delete)."""
    ruleset = DurableRuleset(Plan(rules={"s": SENTINEL}), "partial")
    try:
        with pytest.raises(EngineError, match="sentinel"):
            ruleset.fired({"t": "other"})
        assert {"s"} == ruleset.fired({"t": "case"})
    finally:
        ruleset.close()


def test_a_full_handle_of_rules_can_all_fire_at_once() -> None:
    """Error 303: more than 64 alpha nodes pending at once overflowed a fixed stack; the engine
    now grows it, so one handle holds RULES_PER_HANDLE rules (it was 30) and all may fire."""
    rules: dict[str, object] = {"s": SENTINEL}
    for i in range(RULES_PER_HANDLE):
        rules[f"m{i}"] = {"all": [{"m": {"$and": [{"t": "case"}, {"$nex": {f"f{i}": 1}}]}}]}
    ruleset = DurableRuleset(Plan(rules=rules), "full")
    try:
        assert 1 == ruleset.handles
        assert {"s", *(f"m{i}" for i in range(RULES_PER_HANDLE))} == ruleset.fired({"t": "case"})
    finally:
        ruleset.close()


def _or_groups(groups: int) -> str:
    item = {
        # 50 fields at most: an element may have 254 properties (error 302 past it)
        "$and": [{"$or": [{f"$i.f{j % 50}": "A"}, {f"$i.f{j % 50}": "B"}]} for j in range(groups)],
    }
    pattern = {"$and": [{"t": "case"}, {"$iany": {"c_priors": item}}]}
    return json.dumps({"w": {"all": [{"m": pattern}]}})


@pytest.mark.parametrize("groups", [14, 500])
def test_a_pattern_with_many_or_groups_loads_and_matches(groups: int) -> None:
    """Error 113: a pattern's $and/$or structure lived in 32 entries inside every node, so an item
    predicate of 14 same-field `$or`s was refused (13 loaded); the sequence now grows, to 1,023
    entries (500 groups is 1,004)."""
    handle = engine.create_ruleset(f"groups{groups}", _or_groups(groups))
    try:
        prior = {f"f{j % 50}": "B" for j in range(groups)}
        doc = json.dumps({"t": "case", "sid": "g", "c_priors": [{"f0": "C"}, prior]})
        rc, state = engine.assert_fact(handle, doc)
        started = engine.start_action_for_state(handle, state)
        assert (0, True) == (rc, started is not None)
        assert engine.complete_and_start_action(handle, state) is None
        engine.retract_fact(handle, doc)
        engine.delete_state(handle, "g")
    finally:
        engine.delete_ruleset(handle)


def test_a_pattern_past_the_new_bound_is_refused_with_error_113() -> None:
    with pytest.raises(engine.error, match="error code: 113"):
        engine.create_ruleset("groups520", _or_groups(520))


def _separately(handle: int, doc: str) -> set[str]:
    """The binding's four calls, one at a time, as the adapter made them before assert_fired."""
    names = set()
    rc, state = engine.assert_fact(handle, doc)
    if rc == 0:
        started = engine.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message is not None:
            names.add(message[2 : message.index('"', 2)])
            message = engine.complete_and_start_action(handle, state)
    engine.retract_fact(handle, doc)
    return names


def test_assert_fired_gives_what_the_separate_calls_give_and_leaves_the_slot_empty() -> None:
    """assert_fired (our addition, CHANGES.md) runs assert, every action and the retraction in
    one call: the same rule names as the four separate calls, on cases that fire none, some or
    all rules, and the slot is empty after each (the same case fires again the same way)."""
    rules = {
        "s": SENTINEL,
        "a": {"all": [{"m": {"$and": [{"t": "case"}, {"$gt": {"n": 2}}]}}]},
        "b": {"all": [{"m": {"$and": [{"t": "case"}, {"$nex": {"x": 1}}]}}]},
        "c": {"all": [{"m": {"$and": [{"t": "case"}, {"$iany": {"c_p": {"$i.f": "A"}}}]}}]},
    }
    one = engine.create_ruleset("fired-one", json.dumps(rules))
    other = engine.create_ruleset("fired-other", json.dumps(rules))
    try:
        docs = [
            {"t": "case", "sid": "w", "n": 1, "x": 1, "c_p": []},
            {"t": "case", "sid": "w", "n": 3, "c_p": [{"f": "B"}, {"f": "A"}]},
            {"t": "other", "sid": "w"},
        ]
        for data in docs * 3:
            doc = json.dumps(data)
            rc, _state, names = engine.assert_fired(one, doc)
            assert rc in (0, 1)
            assert _separately(other, doc) == set(names)
            assert len(names) == len(set(names))  # each fired rule once
        assert {"s", "a", "b", "c"} == set(engine.assert_fired(one, json.dumps(docs[1]))[2])
        assert [] == engine.assert_fired(one, json.dumps(docs[2]))[2]
        with pytest.raises(engine.error):
            engine.assert_fired(one, "not json")
        # A refused document leaves the handle deciding the next case normally.
        assert {"s", "a", "b", "c"} == set(engine.assert_fired(one, json.dumps(docs[1]))[2])
    finally:
        for handle in (one, other):
            engine.delete_state(handle, "w")
            engine.delete_ruleset(handle)


def _prior_rule(i: int) -> dict[str, object]:
    return {"all": [{"m": {"$and": [{"t": "case"}, {"$iany": {"c_priors": {"$i.f": f"v{i}"}}}]}}]}


def _case_rule(i: int) -> dict[str, object]:
    return {"all": [{"m": {"$and": [{"t": "case"}, {"$nex": {f"g{i}": 1}}]}}]}


def test_rules_share_one_handle_when_they_fit_and_are_grouped_by_list_when_not() -> None:
    """One handle when all rules fit (one document parsed, one drain); past RULES_PER_HANDLE,
    rules over the same list share handles that a case with an empty list never asks — and
    either way the same rules fire."""
    small = {"s": SENTINEL, **{f"p{i}": _prior_rule(i) for i in range(5)}}
    small |= {f"c{i}": _case_rule(i) for i in range(5)}
    big = {"s": SENTINEL, **{f"p{i}": _prior_rule(i) for i in range(70)}}
    big |= {f"c{i}": _case_rule(i) for i in range(70)}
    one = DurableRuleset(Plan(rules=small, list_fields={"priors": {"f"}}), "small")
    split = DurableRuleset(Plan(rules=big, list_fields={"priors": {"f"}}), "big")
    try:
        assert 1 == one.handles
        assert 2 == split.handles
        assert {h.needs for h in split._handles} == {None, "c_priors"}
        with_priors = {"t": "case", "c_priors": [{"f": "v3"}], "n_priors": 1}
        without = {"t": "case", "c_priors": [], "n_priors": 0}
        assert {"s", "p3", *(f"c{i}" for i in range(5))} == one.fired(with_priors)
        assert {"s", *(f"c{i}" for i in range(5))} == one.fired(without)
        assert {"s", "p3", *(f"c{i}" for i in range(70))} == split.fired(with_priors)
        assert {"s", *(f"c{i}" for i in range(70))} == split.fired(without)
    finally:
        one.close()
        split.close()
