"""Compiling a ruleset's conditions to durable-rules "witness" rules (JSON definition form).

durable-rules 2.0.28 has silent wrong-answer bugs (``$or`` across fields inside array items,
``$iall`` on empty arrays, stale negations); see ``docs/engine.md``. The compilation therefore
uses only constructs verified correct:

* every condition is split into *atoms*: scalar comparisons and ``some``/``every`` quantifiers;
* a scalar atom gets one rule that fires when the atom is **false** (its fields present);
* a quantifier's body is turned into two DNFs over presence-aware literals: "the body is true
  for this item" and "the body is not false for this item" (true or unknown), one rule per
  conjunctive clause, each an ``$iany`` with an ``$and`` body (``every`` is ``not some not``,
  so ``$iall`` is never used and vacuous truth is automatic);
* every case-level field read gets a ``missing`` rule (``$nex``), and a sentinel rule fires on
  every case, so a case the engine did not see is an error, never "all met";
* terms the engine cannot compute (date arithmetic, ``count``) are *lifted* into derived fields
  that the normaliser fills in with the reference evaluator's semantics.

The result of an evaluation is the set of fired rule names; :func:`fold` turns it into Kleene
verdicts per criterion. Firing order never matters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product
from typing import Any

from eligibility import _expr as E
from eligibility._closures import encoder_function, verdict_function
from eligibility._model import Ruleset
from eligibility._reference import Evaluator, children, kleene_and, kleene_not, kleene_or

MAX_CLAUSES = 256
"""Most DNF clauses one quantifier may compile to; larger conditions are a load error."""

TAG = {"t": "case"}
SCALE = 10**6
"""Numbers reach durable as integers in millionths, so no float is ever written with an
exponent (durable rejects ``1e-05``) and comparisons are exact at the shared precision."""


class CompileError(Exception):
    """A condition cannot be compiled for durable-rules."""


class _TooLarge(Exception):
    """A quantifier body would exceed what durable-rules accepts in one rule."""


MAX_ITEM_EXPRESSIONS = 24
"""Most comparisons one witness rule may hold; a longer item body is lifted into a derived field.
durable-rules 2.0.28 failed with error 113 on long item predicates; the vendored engine accepts
them (vendor/durable_rules/CHANGES.md, item 10), and the bound stays because a set lookup in the
normaliser is cheaper than dozens of comparisons per item per rule."""


LIFT_MEMBERSHIP = 4
"""An item's ``in``/``not in`` over at least this many values becomes a derived field."""


def _leaves(conds: Any) -> int:
    if isinstance(conds, list):
        return sum(_leaves(c) for c in conds)
    if isinstance(conds, dict):
        if any(k in ("$and", "$or", "$iany") for k in conds):
            return sum(_leaves(v) for v in conds.values())
        return 1
    return 0


# -- operands and literals ---------------------------------------------------------------------


@dataclass(frozen=True)
class Operand:
    """``kind`` is ``case`` (a top-level field), ``item`` (a field of the ranged item), ``lit``,
    or ``unknown`` (a parameter with no value in force: the literal is unknown)."""

    kind: str
    value: Any


@dataclass(frozen=True)
class Literal:
    """A comparison ``left op right`` (op ``in``/``notin`` take a tuple of literal values)."""

    op: str
    left: Operand
    right: Operand

    def fields(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (o.kind, o.value) for o in (self.left, self.right) if o.kind in ("case", "item")
        )


@dataclass(frozen=True)
class Prim:
    """``T``: the literal holds; ``F``: it fails with its fields present; ``M``: a field is missing."""

    kind: str
    literal: Literal | None = None
    missing: tuple[str, str] | None = None


Clause = frozenset[Prim]
DNF = list[Clause]

_NEGATE = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    "<=": ">",
    ">": "<=",
    "in": "notin",
    "notin": "in",
}
_FLIP = {"==": "==", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_DURABLE_OP = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def encode(value: Any) -> Any:
    """A runtime value as durable-rules sees it."""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        return int(value * SCALE)
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, int):
        return value * SCALE
    raise CompileError(f"cannot encode {type(value).__name__}")


def _ref(o: Operand) -> str:
    return f"$i.{o.value}" if o.kind == "item" else str(o.value)


def _condition(lit: Literal, negate: bool) -> dict[str, Any]:
    """Durable condition for a literal (or its negation); false whenever a field is missing."""
    op = _NEGATE[lit.op] if negate else lit.op
    left, right = lit.left, lit.right
    if op in ("in", "notin"):
        values = list(dict.fromkeys(encode(v) for v in right.value))
        name = _ref(left)
        if op == "in":
            if not values:
                return {"$and": [{"$ex": {name: 1}}, {"$nex": {name: 1}}]}  # never true
            if len(values) == 1:
                return {name: values[0]}
            return {"$or": [{name: v} for v in values]}
        if not values:
            return {"$ex": {name: 1}}
        return {"$and": [{"$neq": {name: v}} for v in values]}
    target: Any
    if right.kind == "lit":
        target = encode(right.value)
    elif right.kind == "case":
        target = {"$m": right.value}
    else:  # pragma: no cover - item-vs-item comparisons are lifted before this point
        raise CompileError("cannot compare two item fields directly")
    if op == "==":
        return {_ref(left): target}
    return {_DURABLE_OP[op]: {_ref(left): target}}


# -- formulas over atoms -----------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """A unit the engine decides: a scalar literal, or a quantifier over a list."""

    index: int
    kind: str  # "scalar" or "some"/"every"
    case_fields: frozenset[str]
    literal: Literal | None = None
    list_name: str | None = None


Formula = tuple[Any, ...]
"""``("atom", i)``, ``("const", v)``, ``("not", f)``, ``("and", [f…])``, ``("or", [f…])``."""


@dataclass
class Plan:
    """A compiled ruleset: durable JSON rules and what each fired name means."""

    rules: dict[str, Any] = field(default_factory=dict)
    atoms: list[Atom] = field(default_factory=list)
    formulas: dict[str, Formula] = field(default_factory=dict)
    missing_rules: dict[str, str] = field(default_factory=dict)
    """Fired name → case-level field found missing."""
    witnesses: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Fired name → (atom index, ``F`` scalar false | ``T`` some item true | ``N`` some item not false)."""
    case_fields: dict[str, str] = field(default_factory=dict)
    """Durable field name → source fact name, for plain case-level facts."""
    list_fields: dict[str, set[str]] = field(default_factory=dict)
    """List fact name → item fields read (derived item fields included)."""
    derived_case: dict[str, E.Node] = field(default_factory=dict)
    derived_item: dict[str, dict[str, tuple[str, E.Node]]] = field(default_factory=dict)
    """List name → derived field → (bound variable, term)."""
    complete: bool = False
    """A plan for cases whose quantified fields are all known: it omits the "not false"
    witnesses, which only matter when a list item or a field a quantifier reads is unknown."""
    quantified_case_fields: set[str] = field(default_factory=set)
    """Case-level fields read inside quantifier bodies."""
    membership: dict[str, tuple[str, frozenset[Any], bool]] = field(default_factory=dict)
    """Derived item field → (item field, values, negated) for lifted ``in`` tests, computed
    with a set lookup (the reference evaluator's semantics: unknown field → unknown)."""
    _compiled: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The plan's encoder and verdict function, generated on first use
    (eligibility/_closures.py)."""

    def verdicts(self, fired: set[str]) -> dict[str, bool | None]:
        """Every criterion's Kleene verdict from the names of the rules that fired (what
        ``atom_values`` then ``fold`` give, by a function generated for this plan)."""
        fn = self._compiled.get("verdicts")
        if fn is None:
            fn = self._compiled["verdicts"] = verdict_function(self)
        result: dict[str, bool | None] = fn(fired)
        return result

    def layout(self) -> tuple[Any, ...]:
        """What `encode_case` writes; two plans with the same layout read the same fact."""
        return (
            self.case_fields,
            {k: frozenset(v) for k, v in self.list_fields.items()},
            self.derived_case,
            self.derived_item,
        )

    def encode_case(self, facts: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
        """The durable fact for one case: only the fields the rules read, None left out."""
        return self.encode_checked(facts, params)[0]

    def encode_checked(
        self, facts: Mapping[str, Any], params: Mapping[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """The durable fact for one case, and whether it is complete: every field a quantifier
        reads is present (case-level, and in every item), so the smaller two-valued plan gives
        the same verdicts."""
        fn = self._compiled.get("encoder")
        if fn is None:
            fn = self._compiled["encoder"] = encoder_function(self)
        result: tuple[dict[str, Any], bool] = fn(facts, params)
        return result


AS_IS = frozenset({bool, str})
"""Value types durable-rules reads as they are (``encode`` returns them unchanged)."""


class Compiler:
    """Compiles every criterion of one ruleset under one set of parameter values."""

    def __init__(self, ruleset: Ruleset, params: Mapping[str, Any], complete: bool = False) -> None:
        self.ruleset = ruleset
        self.params = params
        self.complete = complete
        self.plan = Plan(complete=complete)
        self._derived: dict[tuple[str | None, E.Node], str] = {}
        self._missing: dict[str, str] = {}

    def compile(self) -> Plan:
        for crit in self.ruleset.criteria():
            try:
                self.plan.formulas[crit.key] = self.formula(crit.condition)
            except CompileError as exc:
                raise CompileError(f"{crit.key}: {exc}") from None
        self.plan.rules["s"] = {"pri": 2, "all": [{"m": TAG}]}
        return self.plan

    # -- structure ------------------------------------------------------------------------

    def formula(self, node: E.Node) -> Formula:
        if isinstance(node, E.Not):
            return ("not", self.formula(node.operand))
        if isinstance(node, E.BoolOp):
            return (node.op, [self.formula(o) for o in node.operands])
        if isinstance(node, E.Quant):
            return self.quantifier(node)
        if isinstance(node, E.Lit):
            return ("const", node.value)
        lit = self.literal(node, None)
        if isinstance(lit, tuple):
            return lit
        return self.scalar(lit)

    def scalar(self, lit: Literal) -> Formula:
        index = len(self.plan.atoms)
        fields = frozenset(name for kind, name in lit.fields() if kind == "case")
        self.plan.atoms.append(Atom(index, "scalar", fields, literal=lit))
        for f in fields:
            self._missing_rule(f)
        name = f"a{index}f"
        self.plan.rules[name] = {"all": [{"m": {"$and": [TAG, _condition(lit, negate=True)]}}]}
        self.plan.witnesses[name] = (index, "F")
        return ("atom", index)

    def quantifier(self, node: E.Quant) -> Formula:
        assert isinstance(node.collection, E.Name)
        list_name = node.collection.name
        self.plan.list_fields.setdefault(list_name, set())
        try:
            body = self.body(node.body, node.var, list_name)
            rules = self._witnesses(node, body, list_name)
        except _TooLarge:
            # Long item predicates make large, slow rule sets (durable-rules 2.0.28 refused them
            # with error 113): the body is lifted whole into a derived item field, three-valued.
            lifted = self.lifted_bool(node.body, (node.var, list_name))
            rules = self._witnesses(node, ("lit", lifted), list_name)
        index = len(self.plan.atoms)
        case_fields = {"c_" + list_name}
        for _tag, clause in rules:
            for prim in clause:
                if prim.kind == "M" and prim.missing and prim.missing[0] == "case":
                    case_fields.add(prim.missing[1])
                elif prim.literal is not None:
                    case_fields.update(n for k, n in prim.literal.fields() if k == "case")
        self.plan.atoms.append(Atom(index, node.kind, frozenset(case_fields), list_name=list_name))
        self._missing_rule("c_" + list_name)
        self.plan.quantified_case_fields.update(case_fields - {"c_" + list_name})
        counters = {"T": 0, "N": 0}
        for tag, clause in rules:
            name = f"a{index}{tag.lower()}{counters[tag]}"
            counters[tag] += 1
            self.plan.rules[name] = {
                "all": [{"m": {"$and": [TAG, *_clause_conditions(clause, list_name)]}}]
            }
            self.plan.witnesses[name] = (index, tag)
        return ("atom", index)

    def _witnesses(self, node: E.Quant, body: Formula, list_name: str) -> list[tuple[str, Clause]]:
        """The (tag, clause) witness rules of a quantifier; `_TooLarge` past the engine's limits."""
        c = self.complete
        try:
            if node.kind == "some":
                true_dnf, not_false_dnf = _dnf(body, "T", c), _dnf(body, "NF", c)
            else:  # every x: P  ==  not (some x: not P)
                true_dnf, not_false_dnf = _dnf(body, "F", c), _dnf(body, "NT", c)
        except CompileError:
            raise _TooLarge from None
        out = [("T", clause) for clause in true_dnf] + [("N", clause) for clause in not_false_dnf]
        if len(true_dnf) > MAX_CLAUSES or len(not_false_dnf) > MAX_CLAUSES:
            raise _TooLarge
        for _tag, clause in out:
            if _leaves(_clause_conditions(clause, list_name)) > MAX_ITEM_EXPRESSIONS:
                raise _TooLarge
        return out

    def body(self, node: E.Node, var: str, list_name: str) -> Formula:
        """The quantifier body as a formula over literals (``("lit", Literal)`` leaves)."""
        if isinstance(node, E.Not):
            return ("not", self.body(node.operand, var, list_name))
        if isinstance(node, E.BoolOp):
            return (node.op, [self.body(o, var, list_name) for o in node.operands])
        if isinstance(node, E.Lit):
            return ("const", node.value)
        lit = self.literal(node, (var, list_name))
        if isinstance(lit, tuple):
            return lit
        return ("lit", lit)

    # -- literals -------------------------------------------------------------------------

    def literal(self, node: E.Node, scope: tuple[str, str] | None) -> Literal | Formula:
        """A comparison leaf as a :class:`Literal` (or a constant when it has no fields)."""
        if isinstance(node, E.Name) and node.name in self.ruleset.unsettled:
            return ("const", None)  # an open point of law is unknown, whatever the case says
        if isinstance(node, (E.Name, E.Attr)):  # a boolean fact used as a condition
            node = E.Cmp("==", node, E.Lit(True), line=node.line, column=node.column)
        if isinstance(node, E.Cmp) and (
            isinstance(node.left, E.Count) or isinstance(node.right, E.Count)
        ):
            # A count with unknown items is compared over its possible range (see _reference).
            return self.lifted_bool(node, scope)
        if isinstance(node, E.Cmp):
            left, right = self.operand(node.left, scope), self.operand(node.right, scope)
            op = node.op
            if "unknown" in (left.kind, right.kind):
                return ("const", None)
            if left.kind == "lit" and right.kind == "lit":
                return (
                    "const",
                    Evaluator({}, {}).value(E.Cmp(op, E.Lit(left.value), E.Lit(right.value)), {}),
                )
            if left.kind == "lit" or (left.kind == "case" and right.kind == "item"):
                left, right, op = right, left, _FLIP[op]
            if left.kind == "item" and right.kind == "item":
                return self.lifted_bool(node, scope)
            return Literal(op, left, right)
        if isinstance(node, E.In):
            left, right = self.operand(node.left, scope), self.operand(node.right, scope)
            if right.kind == "lit" and right.value == ():
                return ("const", node.negated)  # nothing is in an empty list, known or not
            if "unknown" in (left.kind, right.kind):
                return ("const", None)
            if right.kind != "lit":
                raise CompileError("`in` needs a list of values on its right")
            if left.kind == "lit":
                return ("const", (left.value in right.value) != node.negated)
            if left.kind == "item" and len(right.value) >= LIFT_MEMBERSHIP:
                # durable-rules has no set operator: `in` spells one comparison per value, for
                # every item and every witness rule — the largest cost of an evaluation. A long
                # membership test on an item is computed once per item instead.
                lifted = self.lifted_bool(node, scope)
                if isinstance(node.left, E.Attr):  # a plain field: a set lookup when encoding
                    values = frozenset(right.value)
                    self.plan.membership[lifted.left.value] = (left.value, values, node.negated)
                return lifted
            return Literal("notin" if node.negated else "in", left, right)
        if isinstance(node, (E.Quant, E.Count, E.Call, E.Arith)):
            return self.lifted_bool(node, scope)
        raise CompileError(f"cannot compile {type(node).__name__}")

    def lifted_bool(self, node: E.Node, scope: tuple[str, str] | None) -> Literal:
        field_ = self.lift(node, scope)
        return Literal("==", field_, Operand("lit", True))

    def operand(self, node: E.Node, scope: tuple[str, str] | None) -> Operand:
        if isinstance(node, E.Lit):
            return Operand("lit", node.value)
        if isinstance(node, E.Name):
            if node.name in self.params:
                value = self.params[node.name]
                return Operand("lit", value)
            if node.name in self.ruleset.parameters:
                return Operand("unknown", node.name)  # no value in force on this date
            return self._case_field("c_" + node.name, node.name)
        if (
            isinstance(node, E.Attr)
            and scope
            and isinstance(node.obj, E.Name)
            and node.obj.name == scope[0]
        ):
            self.plan.list_fields.setdefault(scope[1], set()).add(node.name)
            return Operand("item", node.name)
        if isinstance(node, E.ListLit):
            values = Evaluator({}, self.params).value(node, {})
            if values is None:
                raise CompileError("a list may hold only literal values and parameters")
            return Operand("lit", values)
        if isinstance(node, E.Call) and node.func == "date":
            return Operand("lit", Evaluator({}, {}).value(node, {}))
        return self.lift(node, scope)

    def _case_field(self, dname: str, fact: str) -> Operand:
        self.plan.case_fields[dname] = fact
        return Operand("case", dname)

    def lift(self, node: E.Node, scope: tuple[str, str] | None) -> Operand:
        """Move a term the engine cannot compute into a derived field filled by the normaliser."""
        item_level = scope is not None and _mentions(node, scope[0])
        key = (scope[1] if item_level and scope else None, node)
        if key in self._derived:
            name = self._derived[key]
        else:
            name = f"d{len(self._derived)}"
            self._derived[key] = name
            if item_level and scope:
                self.plan.derived_item.setdefault(scope[1], {})[name] = (scope[0], node)
                self.plan.list_fields.setdefault(scope[1], set())
            else:
                self.plan.derived_case[name] = node
        return Operand("item", name) if item_level else Operand("case", name)

    def _missing_rule(self, dname: str) -> None:
        if dname in self._missing:
            return
        rule = f"m{len(self._missing)}"
        self._missing[dname] = rule
        self.plan.missing_rules[rule] = dname
        self.plan.rules[rule] = {"all": [{"m": {"$and": [TAG, {"$nex": {dname: 1}}]}}]}


def _mentions(node: E.Node, var: str) -> bool:
    if isinstance(node, E.Name):
        return node.name == var
    return any(_mentions(c, var) for c in children(node))


# -- three-valued DNF --------------------------------------------------------------------------


def _dnf(f: Formula, want: str, complete: bool = False) -> DNF:
    """DNF of a formula's truth state: ``T`` true, ``F`` false, ``NT`` not true, ``NF`` not false.

    With ``complete``, fields are known to be present, so "a field is missing" never holds and
    only unknown constants (unsettled points of law) can make a literal unknown."""
    kind = f[0]
    if kind == "const":
        value = f[1]
        holds = {
            "T": value is True,
            "F": value is False,
            "NT": value is not True,
            "NF": value is not False,
        }[want]
        return [frozenset()] if holds else []
    if kind == "not":
        return _dnf(f[1], {"T": "F", "F": "T", "NT": "NF", "NF": "NT"}[want], complete)
    if kind in ("and", "or"):
        conj = (kind == "and") == (want in ("T", "NF"))
        parts = [_dnf(g, want, complete) for g in f[1]]
        if not conj:
            return _prune([c for part in parts for c in part])
        out: DNF = [frozenset()]
        for part in parts:
            out = _prune([a | b for a, b in product(out, part)])
            if len(out) > MAX_CLAUSES * 4:
                raise CompileError(f"condition expands to more than {MAX_CLAUSES * 4} clauses")
        return out
    lit: Literal = f[1]
    missing = (
        [] if complete else [frozenset({Prim("M", missing=fld)}) for fld in sorted(lit.fields())]
    )
    if want == "T":
        return [frozenset({Prim("T", lit)})]
    if want == "F":
        return [frozenset({Prim("F", lit)})]
    if want == "NT":
        return _prune([frozenset({Prim("F", lit)}), *missing])
    return _prune([frozenset({Prim("T", lit)}), *missing])


def _consistent(clause: Clause) -> bool:
    missing = {p.missing for p in clause if p.kind == "M"}
    seen: dict[Literal, str] = {}
    for p in clause:
        if p.literal is None:
            continue
        if p.literal.fields() & missing:
            return False
        if seen.setdefault(p.literal, p.kind) != p.kind:
            return False
    return True


def _prune(dnf: DNF) -> DNF:
    unique = list(dict.fromkeys(c for c in dnf if _consistent(c)))
    # Drop clauses subsumed by a smaller one: fewer rules, same meaning.
    return [c for c in unique if not any(o < c for o in unique)]


def _clause_conditions(clause: Clause, list_name: str) -> list[dict[str, Any]]:
    case_conds: list[dict[str, Any]] = []
    item_conds: list[dict[str, Any]] = []
    for prim in sorted(clause, key=repr):
        if prim.kind == "M":
            assert prim.missing is not None
            kind, name = prim.missing
            target = item_conds if kind == "item" else case_conds
            target.append({"$nex": {f"$i.{name}" if kind == "item" else name: 1}})
            continue
        assert prim.literal is not None
        cond = _condition(prim.literal, negate=prim.kind == "F")
        is_item = any(k == "item" for k, _ in prim.literal.fields())
        (item_conds if is_item else case_conds).append(cond)
    # Identical conditions in one conjunction make durable-rules refuse the ruleset (error 102).
    case_conds = _unique(case_conds)
    item_conds = _unique(item_conds)
    if item_conds:
        case_conds.append({"$iany": {"c_" + list_name: {"$and": item_conds}}})
    else:
        case_conds.append({"$gt": {"n_" + list_name: 0}})
    return case_conds


def _unique(conds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for cond in conds:
        seen.setdefault(json.dumps(cond, sort_keys=True), cond)
    return list(seen.values())


# -- folding fired rules into verdicts ---------------------------------------------------------


def atom_values(plan: Plan, fired: set[str]) -> list[bool | None]:
    """Kleene value of every atom from the set of fired rule names."""
    missing = {plan.missing_rules[n] for n in fired if n in plan.missing_rules}
    seen: dict[int, set[str]] = {}
    for name in fired:
        hit = plan.witnesses.get(name)
        if hit is not None:
            seen.setdefault(hit[0], set()).add(hit[1])
    values: list[bool | None] = []
    for atom in plan.atoms:
        tags = seen.get(atom.index, set())
        if atom.kind == "scalar":
            values.append(None if atom.case_fields & missing else "F" not in tags)
            continue
        assert atom.list_name is not None
        if "c_" + atom.list_name in missing:
            values.append(None)
            continue
        some = True if "T" in tags else (None if "N" in tags else False)
        values.append(some if atom.kind == "some" else kleene_not(some))
    return values


def fold(f: Formula, atoms: list[bool | None]) -> bool | None:
    """Kleene value of a criterion formula."""
    kind = f[0]
    if kind == "atom":
        return atoms[f[1]]
    if kind == "const":
        value = f[1]
        return value if isinstance(value, bool) else None
    if kind == "not":
        return kleene_not(fold(f[1], atoms))
    values = [fold(g, atoms) for g in f[1]]
    return kleene_and(values) if kind == "and" else kleene_or(values)
