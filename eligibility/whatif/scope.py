"""Measures at the level of facts, re-decided cheaply for variations of the facts.

A :class:`Scope` is one measure with the ruleset version the case selects, the case's
normalised facts and the parameter values of the measure's governing day: exactly what the
engine decides it from. Varying a fact here and re-deciding with the reference evaluator costs
microseconds; whatever the what-if modules conclude this way they confirm on the whole case
through :meth:`Registry.evaluate` before reporting it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eligibility._model import CriterionDef, MeasureDef, Ruleset
from eligibility._outcome import decide
from eligibility._reference import Evaluator
from eligibility.case import Case

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

Var = tuple[Any, ...]
"""A normalised fact: ``("consent",)``, or ``("priors", 0, "felony")`` for a list item's field."""

OPEN = ("eligible", "entitled")


@dataclass(frozen=True)
class Scope:
    """One measure, ready to be re-decided over varied facts."""

    ruleset: Ruleset
    measure: MeasureDef
    values: Mapping[str, Any]
    params: Mapping[str, Any]
    in_force: bool
    day: dt.date

    def verdicts(self, values: Mapping[str, Any] | None = None) -> dict[str, bool | None]:
        """Every criterion's verdict over ``values`` (default: the case's own facts)."""
        ev = Evaluator(self.values if values is None else values, self.params)
        return {c.key: ev.truth(c.condition) for c in self.measure.criteria()}

    def outcome(self, values: Mapping[str, Any] | None = None) -> str:
        """The measure's outcome over ``values``."""
        if not self.in_force:
            return "not_applicable"
        return decide(self.measure, self.verdicts(values), True).outcome

    def base(self) -> dict[str, bool | None]:
        """The verdicts over the case's own facts, computed once."""
        cached: dict[str, bool | None] | None = self.__dict__.get("_base")
        if cached is None:
            cached = self.verdicts()
            object.__setattr__(self, "_base", cached)
        return cached

    def filled(self, changes: Mapping[Var, Any]) -> str:
        """The outcome when ``changes`` only *fill in* facts missing from the case's own.

        Kleene logic is monotone: a known verdict stays what it is when a missing fact becomes
        known, so only the criteria still unknown are decided again."""
        if not self.in_force:
            return "not_applicable"
        return decide(self.measure, self.changed(changes, only_unknown=True), True).outcome

    def changed(
        self, changes: Mapping[Var, Any], only_unknown: bool = False
    ) -> dict[str, bool | None]:
        """Every criterion's verdict with ``changes`` made to the case's facts.

        A criterion that reads none of the changed facts keeps its verdict; one that does is
        decided once per combination of the changes it reads (the searches try many sets of
        changes that share them)."""
        base = self.base()
        memo: dict[tuple[str, str], bool | None] = self.__dict__.setdefault("_memo", {})
        values: dict[str, Any] | None = None
        verdicts = dict(base)
        for c in self.measure.criteria():
            if only_unknown and base[c.key] is not None:
                continue
            read = [(v, x) for v, x in changes.items() if self.reads(c, v)]
            if not read:
                continue
            key = (c.key, repr(sorted(read, key=repr)))
            hit = memo.get(key, ...)
            if hit is ...:
                if values is None:
                    values = assign(self.values, changes)
                hit = memo[key] = Evaluator(values, self.params).truth(c.condition)
            verdicts[c.key] = hit
        return verdicts

    def reads(self, c: CriterionDef, var: Var) -> bool:
        """True if criterion ``c`` (or one of its exceptions) reads the fact ``var``."""
        for node in (c, *c.unless):
            if len(var) == 1:
                if var[0] in node.read_names or any(var[0] == n for n, _ in node.read_lists):
                    return True
            elif any(n == var[0] and var[2] in f for n, f in node.read_lists):
                return True
        return False

    def variables(self) -> list[Var]:
        """Every fact the measure's criteria read, item by item, in a stable order."""
        out: list[Var] = []
        names: set[str] = set()
        lists: dict[str, set[str]] = {}
        for c in self.measure.criteria():
            names.update(c.read_names)
            for name, fields in c.read_lists:
                lists.setdefault(name, set()).update(fields)
        out.extend((n,) for n in sorted(names))
        for name in sorted(lists):
            items = self.values.get(name)
            if items is None:
                out.append((name,))
                continue
            for i in range(len(items)):
                out.extend((name, i, f) for f in sorted(lists[name]))
        return out


def budget(case: Case, base: int) -> int:
    """A search budget of ``base`` re-decisions for a case with up to ten charges and priors,
    shrinking in proportion beyond: a decision over a long record costs in proportion to its
    length, and a what-if answer must stay interactive (docs/what-if.md#limits)."""
    items = len(case.charges or ()) + len(case.priors or ())
    return base if items <= 10 else max(base // 10, base * 10 // items)


def current(values: Mapping[str, Any], var: Var) -> Any:
    """The value of ``var`` in ``values`` (``None`` when missing)."""
    if len(var) == 1:
        return values.get(var[0])
    items = values.get(var[0])
    if items is None or var[1] >= len(items):
        return None
    return items[var[1]].get(var[2])


def assign(values: Mapping[str, Any], changes: Mapping[Var, Any]) -> dict[str, Any]:
    """``values`` with ``changes`` made (a value of ``None`` makes the fact missing)."""
    out = dict(values)
    for var, value in changes.items():
        if len(var) == 1:
            if value is None:
                out.pop(var[0], None)
            else:
                out[var[0]] = value
            continue
        name, index, field = var
        items = list(out.get(name) or ())
        item = dict(items[index])
        if value is None:
            item.pop(field, None)
        else:
            item[field] = value
        items[index] = item
        out[name] = tuple(items)
    return out


def scopes(registry: Registry, case: Case) -> dict[str, Scope]:
    """Every measure of the case's jurisdiction that can be decided from facts, by measure id
    (those whose law cannot be selected, for want of a date, are left out)."""
    groups = registry.groups_for(case.jurisdiction.lower())
    out: dict[str, Scope] = {}
    if groups is None:
        return out
    for rid in sorted(groups):
        selected = registry._select(tuple(groups[rid]), case)
        ruleset = selected.ruleset
        if ruleset is None:
            continue
        facts = registry._normalisers[id(ruleset)].normalise(case)
        for measure in ruleset.measures:
            basis = measure.governing_date or selected.basis
            day = case.offense_date if basis == "offense_date" else case.decision_date
            if day is None:
                continue
            in_force = measure.in_force is None or measure.in_force.contains(day)
            _, params = ruleset.snapshot(day)
            out[measure.id] = Scope(ruleset, measure, facts.values, params, in_force, day)
    return out
