"""Can a condition ever be true, or ever be false? A small, sound search for ``eligibility lint``.

The question is asked of an already type-checked, definition-expanded condition, under one set
of parameter values. Parts of the condition are sorted into three kinds:

- **terms**: a case field or declared fact compared with a constant (``age_at_offense >= 18``,
  ``plea == "guilty"``, ``offense_date < date("2018-01-01")``, ``x in some_list_parameter``) or
  used as a boolean (``consent``). A term ranges over a finite set of values that reaches every
  outcome of every comparison it takes part in: each constant, a value between and beyond them,
  or, for a string fact with declared ``values``, exactly those values.
- **opaque atoms**: everything else (quantifiers over charges or priors, counts, arithmetic on
  facts, two facts compared with each other). Each distinct atom is a free true/false variable;
  identical atoms (same text up to spacing) share one variable.
- **unsettled points**, always unknown, as the engine reads them.

Opaque atoms over-approximate what cases can do, so "never true" and "never false" answers are
sound: when the search says a condition can never be true, no case makes it true. The converse
does not hold: ``some c in charges satisfies c.quantity_g > 5`` and
``every c in charges satisfies c.quantity_g < 3`` look independent here, so a contradiction
between two opaque atoms is not found.

Only known values are searched: Kleene logic is monotone (filling in an unknown never changes a
decided value, a property the test suite checks for both evaluators), so a condition that can be
true or false with some facts missing can be so with all facts given. The search assigns one
variable at a time and stops a branch as soon as the partial assignment decides the condition.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args

from eligibility import _expr as E
from eligibility._reference import Evaluator, children
from eligibility._types import Scalar, Type
from eligibility.case import Plea

BUDGET = 20_000
"""Most partial evaluations spent on one question before the search gives up (and says so)."""

_OTHER = "\x00other"
"""A string value different from every constant a condition mentions."""


class GaveUp(Exception):
    """The search exhausted its budget without an answer."""


@dataclass(frozen=True)
class Reach:
    """Whether a condition can come out true and whether it can come out false."""

    true: bool
    false: bool


@dataclass(frozen=True)
class Names:
    """What the names in a condition are."""

    terms: Mapping[str, Type]
    """Case fields and declared facts with their types."""
    choices: Mapping[str, tuple[str, ...]]
    """String facts whose declared ``values`` are the only values a case may give."""
    unsettled: frozenset[str]


class _Abstraction:
    """Rewrites a condition so that only terms and opaque atoms remain as variables."""

    def __init__(self, names: Names, params: Mapping[str, Any], free_unsettled: bool) -> None:
        self.names = names
        self.params = params
        self.free_unsettled = free_unsettled
        self.atoms: dict[E.Node, str] = {}
        self.constants: dict[str, set[Any]] = {}
        self.order: list[str] = []
        """Variables in order of first appearance, so the search settles early conjuncts first."""
        self.evaluator = Evaluator({}, params)

    def rewrite(self, node: E.Node) -> E.Node:
        if isinstance(node, E.BoolOp):
            return E.BoolOp(node.op, tuple(self.rewrite(o) for o in node.operands))
        if isinstance(node, E.Not):
            return E.Not(self.rewrite(node.operand))
        if isinstance(node, E.Lit):
            return node
        if isinstance(node, E.Name):
            if node.name in self.names.unsettled:
                return self._atom(node) if self.free_unsettled else node
            if node.name in self.params:
                return node
            if self.names.terms.get(node.name) == Scalar.BOOL:
                self._term(node.name)
                return node
        if isinstance(node, (E.Cmp, E.In)):
            if self._constant_names(node):
                return node  # compares parameters and literals only: the evaluator decides it
            pair = self._term_and_constant(node)
            if pair is not None:
                term, constant = pair
                values = constant if isinstance(node, E.In) else (constant,)
                self._term(term).update(values)
                return node
        return self._atom(node)

    def _constant_names(self, node: E.Node) -> bool:
        if isinstance(node, E.Name):
            return node.name in self.params
        if isinstance(node, (E.Quant, E.Count, E.Attr)):
            return False
        return all(self._constant_names(c) for c in children(node))

    def _atom(self, node: E.Node) -> E.Node:
        if node not in self.atoms:
            self.atoms[node] = f"#atom{len(self.atoms)}"
            self.order.append(self.atoms[node])
        return E.Name(self.atoms[node])

    def _term(self, name: str) -> set[Any]:
        if name not in self.constants:
            self.constants[name] = set()
            self.order.append(name)
        return self.constants[name]

    def _term_and_constant(self, node: E.Cmp | E.In) -> tuple[str, Any] | None:
        sides = [(node.left, node.right)]
        if isinstance(node, E.Cmp):
            sides.append((node.right, node.left))
        for term, other in sides:
            if not (isinstance(term, E.Name) and term.name in self.names.terms):
                continue
            value = self._constant(other)
            if value is not None:
                return term.name, value
        return None

    def _constant(self, node: E.Node) -> Any:
        """The value of ``node`` if it is a constant under these parameters, else ``None``."""
        if isinstance(node, E.Lit):
            return node.value
        if isinstance(node, E.Name) and node.name in self.params:
            return self.params[node.name]
        if isinstance(node, E.Call) and node.func == "date":
            return self.evaluator.value(node, {})
        if isinstance(node, E.ListLit) and all(isinstance(i, E.Lit) for i in node.items):
            return self.evaluator.value(node, {})
        return None

    def domain(self, term: str) -> list[Any]:
        """Values of ``term`` that reach every outcome of every comparison it is in."""
        kind = self.names.terms[term]
        constants = self.constants.get(term, set())
        if kind == Scalar.BOOL:
            return [True, False]
        if kind == Scalar.STRING:
            allowed = self.names.choices.get(term)
            if allowed is None and term == "plea":
                allowed = get_args(Plea)
            if allowed is not None:
                return list(allowed)
            return [*sorted(constants), _OTHER]
        points = sorted(constants)
        if kind == Scalar.DATE:
            one = dt.timedelta(days=1)
            near = {d + k * one for d in points for k in (-1, 0, 1)}
            return sorted(near) or [dt.date(2000, 1, 1)]
        if not points:
            return [Decimal(0)]
        out = [points[0] - 1]
        for low, high in itertools.pairwise(points):
            out += [low, (low + high) / 2]
        return [*out, points[-1], points[-1] + 1]


def reach(
    node: E.Node,
    names: Names,
    params: Mapping[str, Any],
    *,
    free_unsettled: bool = False,
    budget: int = BUDGET,
) -> Reach:
    """Whether ``node`` can be true and whether it can be false under ``params``.

    With ``free_unsettled`` the unsettled points are treated as free true/false variables
    (what the condition could do were the open points settled). Raise :class:`GaveUp` when one
    search needs more than ``budget`` partial evaluations.
    """
    abstraction = _Abstraction(names, params, free_unsettled)
    tree = abstraction.rewrite(node)
    domains = {
        v: abstraction.domain(v) if v in abstraction.constants else [True, False]
        for v in abstraction.order
    }
    search = _Search(domains, abstraction.order, params, budget)
    return Reach(true=search.can(tree, True), false=search.can(tree, False))


class _Search:
    """Backtracking search for an assignment that gives a condition a wanted truth value."""

    def __init__(
        self,
        domains: Mapping[str, list[Any]],
        order: list[str],
        params: Mapping[str, Any],
        budget: int,
    ) -> None:
        self.domains = domains
        self.rank = {v: i for i, v in enumerate(order)}
        self.params = params
        self.budget = budget

    def variables(self, node: E.Node) -> set[str]:
        if isinstance(node, E.Name):
            return {node.name} if node.name in self.domains else set()
        return set().union(*(self.variables(c) for c in children(node)))

    def can(self, node: E.Node, target: bool) -> bool:
        """Can ``node`` be ``target``? Splits ``and``/``or`` into parts with no shared
        variable, which can be decided one by one."""
        if isinstance(node, E.Not):
            return self.can(node.operand, not target)
        if isinstance(node, E.BoolOp):
            every = (node.op == "and") == target  # all operands must reach the target
            if not every:
                return any(self.can(op, target) for op in node.operands)
            for group in self._components(node.operands):
                part = group[0] if len(group) == 1 else E.BoolOp(node.op, tuple(group))
                if not (self.can(part, target) if len(group) == 1 else self._find(part, target)):
                    return False
            return True
        return self._find(node, target)

    def _components(self, operands: tuple[E.Node, ...]) -> list[list[E.Node]]:
        groups: list[tuple[set[str], list[E.Node]]] = []
        for op in operands:
            names, members = self.variables(op), [op]
            for group in [g for g in groups if g[0] & names]:
                groups.remove(group)
                names |= group[0]
                members = [*group[1], *members]
            groups.append((names, members))
        return [members for _, members in groups]

    def _find(self, node: E.Node, target: bool) -> bool:
        variables = sorted(self.variables(node), key=self.rank.__getitem__)
        spent = 0

        def go(assignment: dict[str, Any], i: int) -> bool:
            nonlocal spent
            spent += 1
            if spent > self.budget:
                raise GaveUp
            value = Evaluator(assignment, self.params).truth(node)
            if value is not None:
                return value is target
            if i == len(variables):
                return False
            name = variables[i]
            for candidate in self.domains[name]:
                assignment[name] = candidate
                if go(assignment, i + 1):
                    return True
                del assignment[name]
            return False

        return go({}, 0)
