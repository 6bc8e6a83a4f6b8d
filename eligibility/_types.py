"""Static types of the condition language, the built-in case schema, and the type checker.

Conditions are checked when a ruleset loads, so a misspelt fact or a comparison of a date with a
number is a load error with file, line and column, never an evaluation surprise.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from eligibility import _expr as E


class Scalar(Enum):
    """A scalar type."""

    BOOL = "bool"
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    DURATION = "duration"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ListOf:
    """A list; ``elem`` is ``None`` for an empty list literal, which fits any list type."""

    elem: Type | None

    def __str__(self) -> str:
        return f"list of {self.elem}" if self.elem else "empty list"


@dataclass(frozen=True)
class Record:
    """A list item of the case model (a charge or a prior)."""

    name: str
    fields: Mapping[str, Scalar]

    def __str__(self) -> str:
        return self.name


Type = Scalar | ListOf | Record

CHARGE = Record(
    "charge",
    {
        "offense": Scalar.STRING,
        "statute": Scalar.STRING,
        "category": Scalar.STRING,
        "class": Scalar.STRING,
        "substance": Scalar.STRING,
        "quantity_g": Scalar.NUMBER,
        "quantity_gross_g": Scalar.NUMBER,
        "quantity_pure_g": Scalar.NUMBER,
        "quantity_fresh_g": Scalar.NUMBER,
        "quantity_ml": Scalar.NUMBER,
        "quantity_units": Scalar.NUMBER,
        "purpose": Scalar.STRING,
        "violence": Scalar.BOOL,
        "weapon": Scalar.BOOL,
        "drug_related": Scalar.BOOL,
    },
)
"""Fields of a charge as conditions see them. ``offense`` is the canonical code from the
ruleset's statute table; quantities are converted to grams, millilitres or a count."""

PRIOR = Record(
    "prior",
    {
        "offense": Scalar.STRING,
        "statute": Scalar.STRING,
        "jurisdiction": Scalar.STRING,
        "category": Scalar.STRING,
        "class": Scalar.STRING,
        "disposition": Scalar.STRING,
        "offense_date": Scalar.DATE,
        "disposition_date": Scalar.DATE,
        "release_date": Scalar.DATE,
        "custody_days": Scalar.NUMBER,
        "felony": Scalar.BOOL,
        "violent": Scalar.BOOL,
        "serious_or_violent_felony": Scalar.BOOL,
        "drug_related": Scalar.BOOL,
    },
)
"""Fields of a prior. ``custody_days`` is the total of its custody periods in days."""

CASE_FIELDS: Mapping[str, Type] = {
    "offense_date": Scalar.DATE,
    "decision_date": Scalar.DATE,
    "age_at_offense": Scalar.NUMBER,
    "age_at_decision": Scalar.NUMBER,
    "consent": Scalar.BOOL,
    "admits_offense": Scalar.BOOL,
    "plea": Scalar.STRING,
    "charges": ListOf(CHARGE),
    "priors": ListOf(PRIOR),
}
"""Names every condition may read, derived from the common case model."""

FUNCTIONS = {"years", "months", "days", "date"}


@dataclass(frozen=True)
class TypeProblem:
    """A type error at a position inside a condition."""

    message: str
    line: int
    column: int
    hint: str | None = None


class TypeCheckError(Exception):
    """Raised internally to stop checking one condition at its first type error."""

    def __init__(self, problem: TypeProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


def _fail(node: E.Node, message: str, hint: str | None = None) -> TypeCheckError:
    return TypeCheckError(TypeProblem(message, node.line, node.column, hint))


def fits(value: Any, t: Scalar) -> bool:
    """Whether a plain value (as loaded from YAML) has scalar type ``t``; a date is a date."""
    if t == Scalar.BOOL:
        return isinstance(value, bool)
    if t == Scalar.NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == Scalar.STRING:
        return isinstance(value, str)
    if t == Scalar.DATE:
        return isinstance(value, dt.date)
    return False


def suggest(name: str, candidates: list[str]) -> str | None:
    """Return ``did you mean …?`` text for the closest candidate, if any is close."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


class Checker:
    """Type-checks conditions against the case schema, declared facts and parameters.

    ``definitions`` must already be expanded (see ``_loader``); names left are case fields,
    facts, parameters and bound variables.
    """

    def __init__(self, names: Mapping[str, Type]) -> None:
        self.names = dict(names)

    def check_condition(self, node: E.Node) -> None:
        """Check that ``node`` is a well-typed boolean condition."""
        t = self.type_of(node, {})
        if t != Scalar.BOOL:
            raise _fail(node, f"a condition must be true or false, but this is a {t}")

    def type_of(self, node: E.Node, bound: Mapping[str, Record], in_item: bool = False) -> Type:
        """Infer the type of ``node``; raise :class:`TypeCheckError` on the first problem."""
        if isinstance(node, E.Lit):
            if isinstance(node.value, bool):
                return Scalar.BOOL
            if isinstance(node.value, str):
                return Scalar.STRING
            return Scalar.NUMBER
        if isinstance(node, E.Name):
            if node.name in bound:
                return bound[node.name]
            if node.name in self.names:
                return self.names[node.name]
            raise _fail(
                node,
                f"unknown name `{node.name}`",
                suggest(node.name, [*self.names, *bound])
                or "declare it under `facts:` or `parameters:`",
            )
        if isinstance(node, E.Attr):
            obj = self.type_of(node.obj, bound, in_item)
            if not isinstance(obj, Record):
                raise _fail(node, f"`.{node.name}` can only follow a list item, not a {obj}")
            if node.name not in obj.fields:
                raise _fail(
                    node,
                    f"a {obj.name} has no field `{node.name}`",
                    suggest(node.name, list(obj.fields)),
                )
            return obj.fields[node.name]
        if isinstance(node, E.ListLit):
            types = {self.type_of(i, bound, in_item) for i in node.items}
            if len(types) > 1:
                raise _fail(node, "a list must hold values of one type")
            elem = types.pop() if types else None
            if elem is not None and not isinstance(elem, Scalar):
                raise _fail(
                    node, "a list literal may hold only numbers, strings, dates or booleans"
                )
            return ListOf(elem)
        if isinstance(node, E.Not):
            self._expect(node.operand, Scalar.BOOL, bound, in_item, "`not` needs")
            return Scalar.BOOL
        if isinstance(node, E.BoolOp):
            for op in node.operands:
                self._expect(op, Scalar.BOOL, bound, in_item, f"`{node.op}` needs")
            return Scalar.BOOL
        if isinstance(node, E.Cmp):
            left = self.type_of(node.left, bound, in_item)
            right = self.type_of(node.right, bound, in_item)
            if left != right or not isinstance(left, Scalar) or left == Scalar.DURATION:
                raise _fail(node, f"cannot compare a {left} with a {right}")
            if node.op not in {"==", "!="} and left not in {Scalar.NUMBER, Scalar.DATE}:
                raise _fail(node, f"`{node.op}` compares numbers or dates, not a {left}")
            return Scalar.BOOL
        if isinstance(node, E.In):
            left = self.type_of(node.left, bound, in_item)
            right = self.type_of(node.right, bound, in_item)
            if not isinstance(right, ListOf):
                raise _fail(node.right, f"`in` needs a list on its right, not a {right}")
            if not isinstance(left, Scalar) or left == Scalar.DURATION:
                raise _fail(node.left, f"`in` cannot test a {left}")
            if right.elem is not None and right.elem != left:
                raise _fail(node, f"cannot look for a {left} in a {right}")
            return Scalar.BOOL
        if isinstance(node, E.Arith):
            left = self.type_of(node.left, bound, in_item)
            right = self.type_of(node.right, bound, in_item)
            if left == right == Scalar.NUMBER:
                return Scalar.NUMBER
            if left == Scalar.DATE and right == Scalar.DURATION:
                return Scalar.DATE
            raise _fail(
                node,
                f"cannot compute {left} {node.op} {right}",
                "dates move by durations, e.g. offense_date - years(5)",
            )
        if isinstance(node, (E.Quant, E.Count)):
            if in_item:
                raise _fail(
                    node,
                    "a quantifier or count inside another is not supported",
                    "state the inner test as a separate criterion",
                )
            coll = self.type_of(node.collection, bound, in_item)
            if not (isinstance(coll, ListOf) and isinstance(coll.elem, Record)):
                raise _fail(node.collection, f"can only range over charges or priors, not a {coll}")
            if not isinstance(node.collection, E.Name):
                raise _fail(node.collection, "range over a list by its name")
            if node.var in self.names:
                raise _fail(node, f"`{node.var}` already names something else; pick another name")
            inner = {**bound, node.var: coll.elem}
            self._expect(node.body, Scalar.BOOL, inner, True, "the test of a quantifier needs")
            return Scalar.BOOL if isinstance(node, E.Quant) else Scalar.NUMBER
        if isinstance(node, E.Call):
            if node.func not in FUNCTIONS:
                raise _fail(
                    node, f"unknown function `{node.func}`", suggest(node.func, sorted(FUNCTIONS))
                )
            if len(node.args) != 1:
                raise _fail(node, f"`{node.func}` takes one argument")
            (arg,) = node.args
            if node.func == "date":
                if not (isinstance(arg, E.Lit) and isinstance(arg.value, str)):
                    raise _fail(node, 'write a date as date("YYYY-MM-DD")')
                try:
                    E.parse_date_literal(arg.value)
                except ValueError:
                    raise _fail(arg, f"{arg.value!r} is not a date as YYYY-MM-DD") from None
                return Scalar.DATE
            self._expect(arg, Scalar.NUMBER, bound, in_item, f"`{node.func}` needs")
            if isinstance(arg, E.Lit) and arg.value != int(arg.value):
                raise _fail(arg, f"`{node.func}` needs a whole number")
            return Scalar.DURATION
        raise _fail(node, "unsupported expression")

    def _expect(
        self, node: E.Node, want: Type, bound: Mapping[str, Record], in_item: bool, what: str
    ) -> None:
        got = self.type_of(node, bound, in_item)
        if got != want:
            raise _fail(node, f"{what} a {want}, but this is a {got}")


def parse_type(text: str) -> Type | None:
    """Parse a declared type such as ``number`` or ``list[string]``; ``None`` if unknown."""
    text = text.strip()
    if text.startswith("list[") and text.endswith("]"):
        inner = parse_type(text[5:-1])
        return ListOf(inner) if isinstance(inner, Scalar) else None
    try:
        return Scalar(text)
    except ValueError:
        return None
