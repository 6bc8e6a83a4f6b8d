"""The values worth trying for a fact, read from the conditions that compare it.

A condition compares a fact with constants (``c.quantity_g <= small_quantity_g``,
``c.substance in ["cannabis", "hashish"]``, ``plea == "guilty"``). Between two neighbouring
constants every comparison gives the same result, so one value per stretch, and the constants
themselves, cover every outcome the conditions can reach: that is the domain tried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, get_args

from eligibility import _expr as E
from eligibility._reference import Evaluator, children
from eligibility._types import Scalar
from eligibility.case import Disposition, Plea, Purpose
from eligibility.whatif.scope import Scope, Var

OTHER = "(other)"
"""A text value none of the conditions names: it stands for "anything else"."""

_BOOL_FIELDS = frozenset(
    {
        "consent",
        "admits_offense",
        "violence",
        "weapon",
        "drug_related",
        "felony",
        "violent",
        "serious_or_violent_felony",
    }
)
_ENUMS: dict[str, tuple[Any, ...]] = {
    "plea": get_args(Plea),
    "purpose": get_args(Purpose),
    "disposition": get_args(Disposition),
}
Field = tuple[str, ...]
"""``("plea",)`` for a case-level fact, ``("charges", "quantity_g")`` for an item field."""


def field_of(var: Var) -> Field:
    """The field a variable is an instance of."""
    return (var[0],) if len(var) == 1 else (var[0], var[2])


def constants(scope: Scope) -> dict[Field, set[Any]]:
    """Per field, the constants the measure's conditions compare it with."""
    ev = Evaluator(scope.values, scope.params)
    out: dict[Field, set[Any]] = {}
    for c in scope.measure.criteria():
        _walk(c.condition, {}, ev, out)
    return out


def _ref(node: E.Node, bound: Mapping[str, str]) -> Field | None:
    if isinstance(node, E.Name) and node.name not in bound:
        return (node.name,)
    if isinstance(node, E.Attr) and isinstance(node.obj, E.Name) and node.obj.name in bound:
        return (bound[node.obj.name], node.name)
    return None


def _walk(
    node: E.Node, bound: Mapping[str, str], ev: Evaluator, out: dict[Field, set[Any]]
) -> None:
    if isinstance(node, (E.Quant, E.Count)):
        assert isinstance(node.collection, E.Name)
        _walk(node.body, {**bound, node.var: node.collection.name}, ev, out)
        return
    if isinstance(node, (E.Cmp, E.In)):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            ref = _ref(side, bound)
            if ref is None or (len(ref) == 1 and ref[0] in ev.params):
                continue
            value = ev.value(other, {})  # constants only: a bound variable reads as unknown
            if value is None:
                continue
            if isinstance(node, E.In) and side is node.left:
                out.setdefault(ref, set()).update(value if isinstance(value, tuple) else ())
            elif isinstance(node, E.Cmp):
                out.setdefault(ref, set()).add(value)
    for child in children(node):
        _walk(child, bound, ev, out)


def domain(scope: Scope, var: Var, found: Mapping[Field, set[Any]]) -> list[Any]:
    """Values worth trying for ``var`` (its current value included when it has one)."""
    field = field_of(var)
    name = field[-1]
    if len(var) == 1 and var[0] in ("priors", "charges"):
        # A missing record: "none" is an answer; "some" leaves its items unknown.
        return [(), ({},)] if var[0] == "priors" else []
    declared = scope.ruleset.facts.get(name) if len(field) == 1 else None
    if declared is not None:
        if declared.type == Scalar.BOOL:
            return [True, False]
        if declared.values:
            return list(declared.values)
    if name in _BOOL_FIELDS:
        return [True, False]
    if name in _ENUMS:
        return list(_ENUMS[name])
    seen = found.get(field, set())
    if any(isinstance(v, bool) for v in seen):
        return [True, False]
    numbers = sorted(v for v in seen if isinstance(v, Decimal))
    if numbers:
        return _number_regions(numbers, integral=name.startswith("age") or name.endswith("units"))
    days = sorted(v for v in seen if isinstance(v, dt.date))
    if days:
        return sorted({d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)})
    texts = sorted(v for v in seen if isinstance(v, str))
    return [*texts, OTHER] if texts else []


def _number_regions(points: Iterable[Decimal], integral: bool) -> list[Decimal]:
    pts = sorted(set(points))
    reps: set[Decimal] = set()
    for a, b in zip(pts, [*pts[1:], None], strict=True):
        reps.update({a - 1, a, a + 1})
        if b is not None:
            reps.add((a + b) / 2)
    out = sorted(r for r in reps if r >= 0 and (not integral or r == r.to_integral_value()))
    return [r.quantize(Decimal("0.000001")) for r in out]
