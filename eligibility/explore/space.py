"""What to generate for a ruleset: the values its conditions compare against.

Random values rarely land on a threshold or a listed substance, so the explorer reads the
ruleset first: every literal and parameter value a condition compares a field with, every
look-back duration and every date at which something changes. Cases are then drawn from these
values and their neighbours (a threshold, one below, one above).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eligibility import _expr as E
from eligibility._model import MeasureDef, Ruleset
from eligibility._reference import children


@dataclass
class Space:
    """The values worth generating for one jurisdiction's rulesets, by field.

    Keys are ``charges.<field>``, ``priors.<field>``, case names (``age_at_offense``) and
    declared fact names."""

    jurisdiction: str
    codes: list[str] = field(default_factory=list)
    """Canonical offence codes of the statute tables, in table order."""
    strings: dict[str, set[str]] = field(default_factory=dict)
    numbers: dict[str, set[Decimal]] = field(default_factory=dict)
    durations: set[E.Duration] = field(default_factory=set)
    dates: set[dt.date] = field(default_factory=set)
    facts: dict[str, Any] = field(default_factory=dict)
    """Declared facts by name (their :class:`~eligibility._model.FactDef`)."""

    def strings_for(self, key: str, *defaults: str) -> list[str]:
        """Sorted values compared with ``key``, followed by ``defaults`` not among them."""
        found = sorted(self.strings.get(key, set()))
        return found + [d for d in defaults if d not in found]

    def numbers_for(self, key: str) -> list[Decimal]:
        """Each number compared with ``key`` and its neighbours, smallest first."""
        out: set[Decimal] = set()
        for n in self.numbers.get(key, set()):
            step = Decimal("0.01") if n != n.to_integral_value() or n < 2 else Decimal(1)
            out |= {n, n + step}
            if n - step >= 0:
                out.add(n - step)
        return sorted(out)


def measure_space(ruleset: Ruleset, measure: MeasureDef) -> Space:
    """The values a measure's scope, requirements and exceptions compare against — the ones
    that tend to let it apply, to draw more often (an exclusion's values are left out)."""
    space = Space(ruleset.jurisdiction)
    params = {name: [v.value for v in p.values] for name, p in ruleset.parameters.items()}
    for c in measure.criteria():
        if c.role != "excluded_if":
            _walk(c.condition, {}, params, space)
    return space


def space_for(rulesets: Iterable[Ruleset]) -> Space:
    """Harvest the comparison values of every condition of ``rulesets`` (one jurisdiction)."""
    rulesets = list(rulesets)
    space = Space(rulesets[0].jurisdiction)
    for r in rulesets:
        space.codes.extend(c for c in r.offences if c not in space.codes)
        space.facts.update(r.facts)
        space.dates |= {r.in_force.start, r.in_force.start - dt.timedelta(days=1)}
        if r.in_force.until:
            space.dates |= {r.in_force.until, r.in_force.until + dt.timedelta(days=1)}
        for m in r.measures:
            if m.in_force:
                space.dates |= {m.in_force.start, m.in_force.start - dt.timedelta(days=1)}
                if m.in_force.until:
                    space.dates |= {m.in_force.until, m.in_force.until + dt.timedelta(days=1)}
        for p in r.parameters.values():
            for v in p.values:
                space.dates.add(v.period.start)
        params = {name: [v.value for v in p.values] for name, p in r.parameters.items()}
        for c in r.criteria():
            _walk(c.condition, {}, params, space)
    return space


def _subject(node: E.Node, bound: dict[str, str], params: dict[str, list[Any]]) -> str | None:
    """The field a comparison side names: ``charges.substance``, ``age_at_offense``…"""
    if isinstance(node, E.Attr) and isinstance(node.obj, E.Name) and node.obj.name in bound:
        return f"{bound[node.obj.name]}.{node.name}"
    if isinstance(node, E.Name) and node.name not in bound and node.name not in params:
        return node.name
    return None


def _values(node: E.Node, params: dict[str, list[Any]]) -> list[Any]:
    """Every value a comparison side can take: literals, list items, all dated values."""
    if isinstance(node, E.Lit):
        return [node.value]
    if isinstance(node, E.ListLit):
        return [v for item in node.items for v in _values(item, params)]
    if isinstance(node, E.Name) and node.name in params:
        out: list[Any] = []
        for v in params[node.name]:
            out.extend(v if isinstance(v, tuple) else [v])
        return out
    return []


def _walk(node: E.Node, bound: dict[str, str], params: dict[str, list[Any]], space: Space) -> None:
    if isinstance(node, (E.Quant, E.Count)) and isinstance(node.collection, E.Name):
        _walk(node.body, {**bound, node.var: node.collection.name}, params, space)
        return
    if isinstance(node, E.Call) and node.func in ("years", "months", "days") and node.args:
        arg = node.args[0]
        if isinstance(arg, E.Lit) and isinstance(arg.value, Decimal):
            n = int(arg.value)
            space.durations.add(E.Duration(**{node.func: n}))
    if isinstance(node, E.Call) and node.func == "date" and node.args:
        arg = node.args[0]
        if isinstance(arg, E.Lit) and isinstance(arg.value, str):
            try:
                day = dt.date.fromisoformat(arg.value)
            except ValueError:
                day = None
            if day is not None:
                space.dates |= {day, day + dt.timedelta(days=1)}
    if isinstance(node, E.Lit):
        if isinstance(node.value, E.Duration):
            space.durations.add(node.value)
        elif isinstance(node.value, dt.date):
            space.dates |= {node.value, node.value + dt.timedelta(days=1)}
    if isinstance(node, (E.Cmp, E.In)):
        for subject_side, value_side in ((node.left, node.right), (node.right, node.left)):
            key = _subject(subject_side, bound, params)
            if key is None:
                continue
            for v in _values(value_side, params):
                if isinstance(v, str):
                    space.strings.setdefault(key, set()).add(v)
                elif isinstance(v, Decimal):
                    space.numbers.setdefault(key, set()).add(v)
                elif isinstance(v, dt.date):
                    space.dates.add(v)
    for child in children(node):
        _walk(child, bound, params, space)


def favourable(measure: MeasureDef) -> dict[str, bool]:
    """For each yes/no field the measure's criteria read, the value that helps it apply:
    ``True`` for ``consent`` in a requirement, ``False`` for ``charges.violence`` in an
    exclusion. Fields read both ways are left out."""
    found: dict[str, set[bool]] = {}

    def note(key: str | None, value: bool) -> None:
        if key is not None:
            found.setdefault(key, set()).add(value)

    def walk(node: E.Node, want: bool, bound: dict[str, str]) -> None:
        if isinstance(node, E.Not):
            walk(node.operand, not want, bound)
        elif isinstance(node, E.BoolOp):
            for operand in node.operands:
                walk(operand, want, bound)
        elif isinstance(node, E.Quant) and isinstance(node.collection, E.Name):
            walk(node.body, want, {**bound, node.var: node.collection.name})
        elif isinstance(node, E.Cmp) and node.op in ("==", "!="):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, E.Lit) and isinstance(other.value, bool):
                    note(_subject(side, bound, {}), other.value == (want == (node.op == "==")))
        elif isinstance(node, (E.Name, E.Attr)):
            note(_subject(node, bound, {}), want)

    for c in measure.criteria():
        walk(c.condition, c.role != "excluded_if", {})
    return {key: values.pop() for key, values in found.items() if len(values) == 1}


def _unsettled_names(node: E.Node, unsettled: frozenset[str]) -> set[str]:
    found = {node.name} if isinstance(node, E.Name) and node.name in unsettled else set()
    for child in children(node):
        found |= _unsettled_names(child, unsettled)
    return found


def _never(node: E.Node, value: bool, unsettled: frozenset[str]) -> bool:
    """True when ``node`` can never evaluate to ``value`` because an open point (always
    unknown) stands in the way; conservative: ``False`` when unsure."""
    if isinstance(node, E.Name):
        return node.name in unsettled
    if isinstance(node, E.Not):
        return _never(node.operand, not value, unsettled)
    if isinstance(node, E.BoolOp):
        # `a and b` is true only if all are; false if any is (dually for `or`).
        blocking_one = (node.op == "and") == value
        results = [_never(o, value, unsettled) for o in node.operands]
        return any(results) if blocking_one else all(results)
    return False


def open_points_blocking(measure: MeasureDef, outcome: str, unsettled: frozenset[str]) -> set[str]:
    """The open points that make ``outcome`` impossible for ``measure`` by the shape of its
    conditions (e.g. its only exclusion is ``… and <open point>``); empty when none does."""
    if outcome == "ineligible":
        requirements = [c.condition for c in measure.requires]
        exclusions = [c.condition for c in measure.excluded_if]
        if all(_never(c, False, unsettled) for c in requirements) and all(
            _never(c, True, unsettled) for c in exclusions
        ):
            return {n for c in (*requirements, *exclusions) for n in _unsettled_names(c, unsettled)}
        return set()
    if outcome == measure.when_met:
        blocking = [
            c.condition
            for c in (*measure.applies_to, *measure.requires)
            if _never(c.condition, True, unsettled)
        ] + [
            c.condition
            for c in measure.excluded_if
            if _never(c.condition, False, unsettled) and not c.unless
        ]
        return {n for c in blocking for n in _unsettled_names(c, unsettled)}
    return set()
