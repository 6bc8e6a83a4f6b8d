"""Pairs of cases for a declared invariant: a case, and the same case changed as it says."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import strategies as st

from eligibility import _expr as E
from eligibility._invariants import Change
from eligibility.explore.strategies import Cases

Pair = tuple[dict[str, Any], dict[str, Any]]


def _requirements(change: Change) -> frozenset[str]:
    if change.kind == "add":
        return frozenset({change.target})
    if change.kind == "increase":
        return frozenset({"person" if change.target == "person.age" else change.target})
    need = set()
    for key, _ in change.values:
        head = key.partition(".")[0]
        need.add(key if head == "facts" else head if head in ("charges", "priors") else "")
    return frozenset(need - {""})


def pairs(cases: Cases, change: Change, added: Cases | None = None) -> st.SearchStrategy[Pair]:
    """A case and its changed copy; the change is always applicable to the case. ``added``
    draws the item an ``add`` change appends (default: ``cases``)."""
    added = added or cases

    @st.composite
    def build(draw: st.DrawFn) -> Pair:
        before = draw(cases.case(_requirements(change)))
        offense = (
            dt.date.fromisoformat(before["offense_date"]) if "offense_date" in before else None
        )
        if change.kind == "set":
            for key in ("charges", "priors"):
                uses = any(k.startswith(f"{key}.") for k, _ in change.values)
                if uses and not before.get(key):
                    # The field is set on an item, so the case needs one.
                    before[key] = [
                        cases.charge(draw, True)
                        if key == "charges"
                        else cases.prior(draw, offense, True)
                    ]
        after = copy.deepcopy(before)
        if change.kind == "add":
            item = added.charge(draw) if change.target == "charges" else added.prior(draw, offense)
            after[change.target].append(item)
        elif change.target == "charges.quantity":
            with_quantity = [i for i, c in enumerate(after["charges"]) if "quantity" in c]
            i = draw(st.sampled_from(with_quantity))
            after["charges"][i]["quantity"] = cases.larger_quantity(
                draw, after["charges"][i]["quantity"]
            )
        elif change.target == "person.age":
            born = dt.date.fromisoformat(after["person"]["birth_date"])
            years = draw(st.integers(1, 60))
            after["person"]["birth_date"] = E.Duration(years=years).shift(born, -1).isoformat()
        elif change.kind == "increase":
            name = change.target.removeprefix("facts.")
            after["facts"][name] = cases.larger_fact(draw, name, after["facts"][name])
        else:
            for key, value in change.values:
                head, _, field = key.partition(".")
                if head in ("charges", "priors"):
                    i = draw(st.integers(0, len(after[head]) - 1))
                    after[head][i][field] = value
                elif head == "facts":
                    after.setdefault("facts", {})[field] = value
                else:
                    after[key] = value
        return before, after

    return build()
