"""The reference evaluator: Kleene three-valued semantics, straight from the syntax tree.

It is the oracle the property tests hold durable-rules to, and it computes the explanation
parts of a decision (which facts a criterion read, which missing facts would decide it) and
the derived terms the durable compilation lifts out of conditions (``offense_date - years(5)``,
``count(…)``). ``None`` means unknown throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eligibility import _expr as E


@dataclass(frozen=True)
class Bound:
    """A quantifier variable: the list it ranges over, the item's index and the item."""

    list_name: str
    index: int
    item: Mapping[str, Any]


Env = Mapping[str, Bound]

ReadSlot = tuple[str, int, str | None, Any]
"""Where the value of one fact a condition reads comes from: a case-level fact
``("name", 0, None, name)``, an item's field ``("item", index, field, list name)``, or a fixed
value ``("fixed", 0, None, value)`` (a list that is unknown, or empty)."""


def list_sizes(
    facts: Mapping[str, Any], lists: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[int, ...]:
    """The length of each list read, ``-1`` for one that is unknown."""
    return tuple(-1 if (items := facts.get(name)) is None else len(items) for name, _ in lists)


def read_slots(
    names: tuple[str, ...], lists: tuple[tuple[str, tuple[str, ...]], ...], sizes: tuple[int, ...]
) -> dict[str, ReadSlot]:
    """The label of each fact a condition reads (``priors[2].felony``) and where its value
    comes from, given the lengths of the lists (:func:`list_sizes`): the same for every case
    whose lists have those lengths."""
    slots: dict[str, ReadSlot] = {name: ("name", 0, None, name) for name in names}
    for (list_name, fields), size in zip(lists, sizes, strict=True):
        if size <= 0:
            slots[list_name] = ("fixed", 0, None, None if size < 0 else "none")
        for i in range(size):
            for f in fields:
                slots[f"{list_name}[{i}].{f}"] = ("item", i, f, list_name)
    return slots


def read_value(facts: Mapping[str, Any], slot: ReadSlot) -> Any:
    """The value ``slot`` (:func:`read_slots`) names; a list read as a whole is its length."""
    kind, index, field_name, ref = slot
    if kind == "item":
        return facts[ref][index].get(field_name)
    if kind == "name":
        value = facts.get(ref)
        return f"{len(value)} record(s)" if isinstance(value, tuple) else value
    return ref


def kleene_and(values: list[bool | None]) -> bool | None:
    """False if any is false; true if all are true; unknown otherwise."""
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def kleene_or(values: list[bool | None]) -> bool | None:
    """True if any is true; false if all are false; unknown otherwise."""
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def kleene_not(value: bool | None) -> bool | None:
    """Negation that keeps unknown unknown."""
    return None if value is None else not value


class Evaluator:
    """Evaluates conditions over normalised facts and parameter values."""

    def __init__(self, facts: Mapping[str, Any], params: Mapping[str, Any]) -> None:
        self.facts = facts
        self.params = params
        self._lengths: tuple[tuple[str, int], ...] | None = None

    def lengths(self) -> tuple[tuple[str, int], ...]:
        """Every list of the facts and its length (worked out once): with a condition's names
        and lists, what its read slots (:func:`read_slots`) depend on."""
        if self._lengths is None:
            self._lengths = tuple(
                (name, len(value)) for name, value in self.facts.items() if type(value) is tuple
            )
        return self._lengths

    # -- values ---------------------------------------------------------------------------

    def value(self, node: E.Node, env: Env) -> Any:
        """The value of ``node`` (``None`` if unknown)."""
        if isinstance(node, E.Lit):
            return node.value
        if isinstance(node, E.Name):
            if node.name in env:
                return env[node.name]
            if node.name in self.params:
                return self.params[node.name]
            return self.facts.get(node.name)
        if isinstance(node, E.Attr):
            obj = self.value(node.obj, env)
            return obj.item.get(node.name) if isinstance(obj, Bound) else None
        if isinstance(node, E.ListLit):
            items = [self.value(i, env) for i in node.items]
            return None if any(i is None for i in items) else tuple(items)
        if isinstance(node, E.Not):
            return kleene_not(self.value(node.operand, env))
        if isinstance(node, E.BoolOp):
            values = [self.value(o, env) for o in node.operands]
            return kleene_and(values) if node.op == "and" else kleene_or(values)
        if isinstance(node, E.Cmp):
            if isinstance(node.left, E.Count) or isinstance(node.right, E.Count):
                return self._compare_count(node, env)
            left, right = self.value(node.left, env), self.value(node.right, env)
            if left is None or right is None:
                return None
            return _compare(node.op, left, right)
        if isinstance(node, E.In):
            left, right = self.value(node.left, env), self.value(node.right, env)
            if right == ():
                return node.negated  # nothing is in an empty list, known or not
            if left is None or right is None:
                return None
            return (left in right) != node.negated
        if isinstance(node, E.Arith):
            left, right = self.value(node.left, env), self.value(node.right, env)
            if left is None or right is None:
                return None
            return _arith(node.op, left, right)
        if isinstance(node, E.Call):
            arg = self.value(node.args[0], env)
            if arg is None:
                return None
            if node.func == "date":
                return E.parse_date_literal(arg)
            n = int(arg)
            return E.Duration(**{node.func: n})
        if isinstance(node, E.Quant):
            results = self._each(node, env)
            if results is None:
                return None
            if node.kind == "some":
                return kleene_or(results)
            return kleene_and(results)
        if isinstance(node, E.Count):
            results = self._each(node, env)
            if results is None or any(r is None for r in results):
                return None
            return Decimal(sum(1 for r in results if r))
        raise TypeError(f"unsupported node {type(node).__name__}")

    def _compare_count(self, node: E.Cmp, env: Env) -> bool | None:
        """Compare a count whose items may be unknown: decided when every possible count agrees
        (two known cautions satisfy ``count(…) >= 2`` whatever a third, unknown prior was)."""
        bounds = []
        for side in (node.left, node.right):
            if isinstance(side, E.Count):
                results = self._each(side, env)
                if results is None:
                    return None
                low = sum(1 for r in results if r is True)
                bounds.append((low, low + sum(1 for r in results if r is None)))
            else:
                value = self.value(side, env)
                if value is None:
                    return None
                bounds.append((value, value))
        (l_lo, l_hi), (r_lo, r_hi) = bounds
        outcomes = {
            _compare(node.op, Decimal(a), Decimal(b))
            for a in range(int(l_lo), int(l_hi) + 1)
            if a == l_lo or a <= l_hi
            for b in ([r_lo] if r_lo == r_hi else range(int(r_lo), int(r_hi) + 1))
        }
        return outcomes.pop() if len(outcomes) == 1 else None

    def _each(self, node: E.Quant | E.Count, env: Env) -> list[bool | None] | None:
        assert isinstance(node.collection, E.Name)
        name = node.collection.name
        items = self.facts.get(name)
        if items is None:
            return None
        return [
            self.value(node.body, {**env, node.var: Bound(name, i, item)})
            for i, item in enumerate(items)
        ]

    def truth(self, node: E.Node) -> bool | None:
        """The Kleene truth value of a condition."""
        result = self.value(node, {})
        assert result is None or isinstance(result, bool)
        return result

    # -- explanation ----------------------------------------------------------------------

    def missing(self, node: E.Node, env: Env | None = None) -> set[str]:
        """Missing facts that leave ``node`` unknown; empty when ``node`` is decided."""
        env = env or {}
        if self.value(node, env) is not None:
            return set()
        if isinstance(node, E.Name):
            if node.name in env or node.name in self.params:
                return set()
            return {node.name}
        if isinstance(node, E.Attr):
            obj = self.value(node.obj, env)
            if isinstance(obj, Bound):
                return {f"{obj.list_name}[{obj.index}].{node.name}"}
            return self.missing(node.obj, env)
        if isinstance(node, (E.Quant, E.Count)):
            assert isinstance(node.collection, E.Name)
            name = node.collection.name
            items = self.facts.get(name)
            if items is None:
                return {name}
            out: set[str] = set()
            for i, item in enumerate(items):
                out |= self.missing(node.body, {**env, node.var: Bound(name, i, item)})
            return out
        out = set()
        for child in children(node):
            out |= self.missing(child, env)
        return out

    def reads(self, names: tuple[str, ...], lists: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
        """Values of the facts a condition reads (see :func:`facts_read`); ``None`` when missing."""
        read = tuple(lists.items())
        slots = read_slots(names, read, list_sizes(self.facts, read))
        return {label: read_value(self.facts, slot) for label, slot in slots.items()}


def facts_read(
    node: E.Node, skip: frozenset[str]
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Case-level names and, per list, the item fields a condition reads (``skip``: parameters
    and unsettled points, which are not facts)."""
    names: set[str] = set()
    lists: dict[str, set[str]] = {}

    def walk(n: E.Node, bound: Mapping[str, str]) -> None:
        if isinstance(n, E.Name):
            if n.name not in bound and n.name not in skip:
                names.add(n.name)
            return
        if isinstance(n, E.Attr) and isinstance(n.obj, E.Name) and n.obj.name in bound:
            lists.setdefault(bound[n.obj.name], set()).add(n.name)
            return
        if isinstance(n, (E.Quant, E.Count)):
            assert isinstance(n.collection, E.Name)
            lists.setdefault(n.collection.name, set())
            walk(n.body, {**bound, n.var: n.collection.name})
            return
        for child in children(n):
            walk(child, bound)

    walk(node, {})
    return tuple(sorted(names)), {k: tuple(sorted(v)) for k, v in sorted(lists.items())}


def children(node: E.Node) -> list[E.Node]:
    """The direct sub-expressions of a node."""
    if isinstance(node, E.Not):
        return [node.operand]
    if isinstance(node, E.BoolOp):
        return list(node.operands)
    if isinstance(node, (E.Cmp, E.In, E.Arith)):
        return [node.left, node.right]
    if isinstance(node, E.Attr):
        return [node.obj]
    if isinstance(node, E.ListLit):
        return list(node.items)
    if isinstance(node, E.Call):
        return list(node.args)
    if isinstance(node, (E.Quant, E.Count)):
        return [node.collection, node.body]
    return []


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _arith(op: str, left: Any, right: Any) -> Any:
    if isinstance(left, dt.date) and isinstance(right, E.Duration):
        try:
            return right.shift(left, 1 if op == "+" else -1)
        except (OverflowError, ValueError):
            return None
    return left + right if op == "+" else left - right
