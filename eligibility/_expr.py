"""The condition language: grammar, syntax tree and parser.

A small, safe language (never ``eval``)::

    age_at_offense >= 18 and not (some c in charges satisfies c.violence)
    every p in priors satisfies (p.felony == false or p.disposition_date < offense_date - years(5))
    count(p in priors where p.disposition == "caution") < 2
    c.offense in listed_offenses

Operators, loosest first: ``or``; ``and``; ``not``; comparisons (``== != < <= > >=``) and
``in`` / ``not in``; ``+`` / ``-``. Quantifiers ``some``/``every x in xs satisfies …`` extend as
far right as possible, so wrap them in parentheses when combining them with other terms.
Literals: numbers, ``"strings"``, ``true``/``false``, ``[lists]``, ``date("2018-01-01")``,
durations ``years(n)``, ``months(n)``, ``days(n)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from eligibility.errors import ConditionSyntaxError
from eligibility.limits import Limits, current

MAX_LENGTH = Limits.condition_chars
"""Longest condition text accepted by default, in characters (``condition_chars`` in
:mod:`eligibility.limits`, which :func:`parse` reads)."""
MAX_DEPTH = Limits.condition_nesting
"""Deepest nesting of the syntax tree accepted by default (``condition_nesting``)."""
MAX_NODES = Limits.condition_nodes
"""Most syntax-tree nodes accepted in one condition by default (``condition_nodes``)."""

_GRAMMAR = r"""
?start: expr
?expr: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> not_
         | quantifier
         | comparison
quantifier: QUANT NAME _IN sum _SATISFIES or_expr
?comparison: sum
           | sum CMP sum -> cmp
           | sum _IN sum -> in_
           | sum _NOT _IN sum -> not_in
?sum: atom
    | sum ADDOP atom -> arith
?atom: NUMBER -> number
     | STRING -> string
     | _TRUE -> true
     | _FALSE -> false
     | "[" [expr ("," expr)*] "]" -> list_
     | _COUNT "(" NAME _IN sum _WHERE or_expr ")" -> count
     | NAME "(" [expr ("," expr)*] ")" -> call
     | path
     | "(" expr ")"
path: NAME ("." NAME)*

QUANT.2: /\b(some|every)\b/
_OR.2: /\bor\b/
_AND.2: /\band\b/
_NOT.2: /\bnot\b/
_IN.2: /\bin\b/
_SATISFIES.2: /\bsatisfies\b/
_WHERE.2: /\bwhere\b/
_TRUE.2: /\btrue\b/
_FALSE.2: /\bfalse\b/
_COUNT.2: /\bcount\b(?=\s*\()/
CMP: "==" | "!=" | "<=" | ">=" | "<" | ">"
ADDOP: "+" | "-"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /\d+(\.\d+)?/
STRING: /"([^"\\]|\\.)*"/
%import common.WS
%ignore WS
%ignore /#[^\n]*/
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


@dataclass(frozen=True)
class Node:
    """A syntax-tree node; ``line`` and ``column`` are 1-based within the condition text."""

    line: int = field(default=0, compare=False, kw_only=True)
    column: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Lit(Node):
    """A literal: ``Decimal`` number, string, bool, date or a :class:`Duration`."""

    value: Any


@dataclass(frozen=True)
class Duration:
    """A calendar duration; subtracting ``years(5)`` from 29 Feb clamps to 28 Feb."""

    years: int = 0
    months: int = 0
    days: int = 0

    def shift(self, date: dt.date, sign: int) -> dt.date:
        """Move ``date`` by this duration forward (``sign=1``) or back (``sign=-1``)."""
        months = date.year * 12 + (date.month - 1) + sign * (self.years * 12 + self.months)
        year, month = divmod(months, 12)
        month += 1
        if not 1 <= year <= 9999:
            raise OverflowError("date out of range")
        day = min(date.day, _days_in_month(year, month))
        return dt.date(year, month, day) + dt.timedelta(days=sign * self.days)

    def __str__(self) -> str:
        parts = [
            f"{n} {unit}"
            for n, unit in ((self.years, "years"), (self.months, "months"), (self.days, "days"))
            if n
        ]
        return " ".join(parts) or "0 days"


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


@dataclass(frozen=True)
class Name(Node):
    """A name: a case field, a declared fact, a parameter, a definition or a bound variable."""

    name: str


@dataclass(frozen=True)
class Attr(Node):
    """``obj.name``: a field of a list item bound by a quantifier or ``count``."""

    obj: Node
    name: str


@dataclass(frozen=True)
class ListLit(Node):
    """``[a, b, c]``."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    """``not x``."""

    operand: Node


@dataclass(frozen=True)
class BoolOp(Node):
    """``a and b and …`` (op ``"and"``) or ``a or b or …`` (op ``"or"``)."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Cmp(Node):
    """A comparison ``left op right`` with op one of ``== != < <= > >=``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    """``left in right`` or, with ``negated``, ``left not in right``."""

    left: Node
    right: Node
    negated: bool = False


@dataclass(frozen=True)
class Arith(Node):
    """``left + right`` or ``left - right``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Quant(Node):
    """``some var in collection satisfies body`` (kind ``"some"``) or ``every …``."""

    kind: str
    var: str
    collection: Node
    body: Node


@dataclass(frozen=True)
class Count(Node):
    """``count(var in collection where body)``: how many items satisfy ``body``."""

    var: str
    collection: Node
    body: Node


@dataclass(frozen=True)
class Call(Node):
    """A call of a built-in function (``years``, ``months``, ``days``, ``date``)."""

    func: str
    args: tuple[Node, ...]


def _pos(meta: Any) -> dict[str, int]:
    return {"line": getattr(meta, "line", 0) or 0, "column": getattr(meta, "column", 0) or 0}


@v_args(meta=True)
class _Build(Transformer[Token, Node]):
    def number(self, meta: Any, children: list[Token]) -> Node:
        return Lit(Decimal(str(children[0])), **_pos(meta))

    def string(self, meta: Any, children: list[Token]) -> Node:
        raw = str(children[0])[1:-1]
        return Lit(raw.replace('\\"', '"').replace("\\\\", "\\"), **_pos(meta))

    def true(self, meta: Any, children: list[Any]) -> Node:
        return Lit(True, **_pos(meta))

    def false(self, meta: Any, children: list[Any]) -> Node:
        return Lit(False, **_pos(meta))

    def list_(self, meta: Any, children: list[Node | None]) -> Node:
        return ListLit(tuple(c for c in children if c is not None), **_pos(meta))

    def path(self, meta: Any, children: list[Token]) -> Node:
        node: Node = Name(
            str(children[0]), line=children[0].line or 0, column=children[0].column or 0
        )
        for tok in children[1:]:
            node = Attr(node, str(tok), line=tok.line or 0, column=tok.column or 0)
        return node

    def call(self, meta: Any, children: list[Any]) -> Node:
        func = str(children[0])
        args = tuple(c for c in children[1:] if c is not None)
        return Call(func, args, **_pos(meta))

    def count(self, meta: Any, children: list[Any]) -> Node:
        var, coll, body = children
        return Count(str(var), coll, body, **_pos(meta))

    def quantifier(self, meta: Any, children: list[Any]) -> Node:
        kind, var, coll, body = children
        return Quant(str(kind), str(var), coll, body, **_pos(meta))

    def not_(self, meta: Any, children: list[Node]) -> Node:
        return Not(children[0], **_pos(meta))

    def or_expr(self, meta: Any, children: list[Node]) -> Node:
        return BoolOp("or", tuple(children), **_pos(meta))

    def and_expr(self, meta: Any, children: list[Node]) -> Node:
        return BoolOp("and", tuple(children), **_pos(meta))

    def cmp(self, meta: Any, children: list[Any]) -> Node:
        left, op, right = children
        return Cmp(str(op), left, right, **_pos(meta))

    def in_(self, meta: Any, children: list[Node]) -> Node:
        return In(children[0], children[1], False, **_pos(meta))

    def not_in(self, meta: Any, children: list[Node]) -> Node:
        return In(children[0], children[1], True, **_pos(meta))

    def arith(self, meta: Any, children: list[Any]) -> Node:
        left, op, right = children
        return Arith(str(op), left, right, **_pos(meta))


def _describe(exc: UnexpectedInput) -> tuple[str, str | None]:
    if isinstance(exc, UnexpectedEOF):
        return "the condition ends too early", "check for a missing operand or closing bracket"
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {exc.char!r}", None
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            return "the condition ends too early", "check for a missing operand or closing bracket"
        expected = sorted(e.lstrip("_").lower() for e in exc.expected if not e.startswith("__ANON"))
        hint = "expected one of: " + ", ".join(expected[:8]) if expected else None
        return f"unexpected {str(tok)!r}", hint
    return "cannot parse the condition", None


def _measure(node: Node, depth: int = 1) -> tuple[int, int]:
    """Return (node count, depth) of a syntax tree."""
    children: list[Node] = []
    if isinstance(node, (Not,)):
        children = [node.operand]
    elif isinstance(node, BoolOp):
        children = list(node.operands)
    elif isinstance(node, (Cmp, In, Arith)):
        children = [node.left, node.right]
    elif isinstance(node, (Quant, Count)):
        children = [node.collection, node.body]
    elif isinstance(node, Attr):
        children = [node.obj]
    elif isinstance(node, (ListLit,)):
        children = list(node.items)
    elif isinstance(node, Call):
        children = list(node.args)
    count, deepest = 1, depth
    for child in children:
        c, d = _measure(child, depth + 1)
        count += c
        deepest = max(deepest, d)
    return count, deepest


def parse(text: str) -> Node:
    """Parse a condition; raise :class:`ConditionSyntaxError` with line and column on failure."""
    bounds = current()
    max_length, max_depth, max_nodes = (
        bounds.condition_chars,
        bounds.condition_nesting,
        bounds.condition_nodes,
    )
    if len(text) > max_length:
        raise ConditionSyntaxError(
            f"the condition is {len(text)} characters long; at most {max_length} are allowed",
            1,
            1,
            "split it into named definitions",
        )
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as exc:
        message, hint = _describe(exc)
        line = getattr(exc, "line", 1)
        column = getattr(exc, "column", 1)
        if message == "the condition ends too early":
            lines = text.rstrip().split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        raise ConditionSyntaxError(
            message, line if line > 0 else 1, column if column > 0 else 1, hint
        ) from None
    try:
        node = _Build().transform(tree) if isinstance(tree, Tree) else tree
        if isinstance(node, Token):  # a bare NAME cannot reach here, but keep mypy and us honest
            raise ConditionSyntaxError("cannot parse the condition", 1, 1)
        count, depth = _measure(node)
    except RecursionError:  # e.g. a thousand chained `not`: far past max_depth
        raise ConditionSyntaxError(
            f"the condition nests deeper than {max_depth} levels",
            1,
            1,
            "split it into named definitions",
        ) from None
    if count > max_nodes or depth > max_depth:
        raise ConditionSyntaxError(
            f"the condition is too large ({count} nodes, depth {depth}; limits "
            f"{max_nodes} and {max_depth})",
            1,
            1,
            "split it into named definitions",
        )
    return node


def parse_date_literal(text: str) -> dt.date:
    """Parse the argument of ``date("YYYY-MM-DD")``."""
    return dt.date.fromisoformat(text)


def to_decimal(value: Any) -> Decimal:
    """Convert an int, float or string number to ``Decimal`` without binary noise."""
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "Arith",
    "Attr",
    "BoolOp",
    "Call",
    "Cmp",
    "Count",
    "Duration",
    "In",
    "ListLit",
    "Lit",
    "Name",
    "Node",
    "Not",
    "Quant",
    "parse",
    "parse_date_literal",
    "to_decimal",
]
