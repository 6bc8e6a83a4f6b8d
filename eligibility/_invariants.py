"""Declared invariants: properties an author states the encoded law has.

An invariant names a change to a case and the outcomes that change never produces, e.g. "one
more prior never makes a person eligible". The loader checks each one against the ruleset (its
measures exist, the changed field exists and the value fits); ``eligibility explore`` then
searches for a case that breaks it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from eligibility import ruleset_schema as S
from eligibility._model import Cite, FactDef, MeasureDef
from eligibility._types import Scalar, fits, suggest
from eligibility.case import Charge, Prior, parse_case
from eligibility.errors import CaseError

YamlPath = tuple[str | int, ...]
ErrorFn = Callable[[YamlPath, str, "str | None"], None]

TOP_LEVEL_SETTABLE = ("consent", "admits_offense", "plea")
"""Case fields an invariant may ``set`` directly."""
ITEM_FIELDS = {
    "charges": sorted(
        f.alias or name
        for name, f in Charge.model_fields.items()
        if name not in {"statute", "description", "quantity"}
    ),
    "priors": sorted(
        f.alias or name
        for name, f in Prior.model_fields.items()
        if name
        not in {
            "statute",
            "description",
            "custody",
            "offense_date",
            "disposition_date",
            "release_date",
        }
    ),
}
"""Fields of a charge or prior an invariant may ``set`` (statutes, dates and quantities are
changed by ``add`` and ``increase`` instead)."""


@dataclass(frozen=True)
class Change:
    """How an invariant changes a case: exactly one of ``add``, ``increase`` and ``set``."""

    kind: str
    """``add``, ``increase`` or ``set``."""
    target: str
    """``priors``/``charges`` for add; ``charges.quantity``, ``person.age`` or
    ``facts.<name>`` for increase; empty for set."""
    values: tuple[tuple[str, Any], ...] = ()
    """For set: (path, value) pairs."""

    def describe(self) -> str:
        """The change in words, e.g. ``one more prior``."""
        if self.kind == "add":
            return f"one more {self.target.rstrip('s')}"
        if self.kind == "increase":
            return f"a larger {self.target}"
        return "setting " + ", ".join(f"{k} to {json.dumps(v)}" for k, v in self.values)


@dataclass(frozen=True)
class InvariantDef:
    """A checked, declared invariant of a ruleset."""

    id: str
    text: str
    cite: Cite | None
    measures: tuple[str, ...]
    change: Change
    never: tuple[str, ...]
    line: int | None = None
    """Line of the invariant in the ruleset file."""


def build_invariants(
    items: list[S.Invariant],
    measures: tuple[MeasureDef, ...],
    facts: Mapping[str, FactDef],
    cite: Callable[[S.Citation, YamlPath], Cite],
    error: ErrorFn,
    line_of: Callable[[YamlPath], int | None],
) -> tuple[InvariantDef, ...]:
    """Check the ``invariants`` section and build its definitions; report problems via ``error``."""
    out: list[InvariantDef] = []
    seen: set[str] = set()
    ids = [m.id for m in measures]
    for i, inv in enumerate(items):
        path: YamlPath = ("invariants", i)
        if inv.id in seen:
            error((*path, "id"), f"duplicate invariant id `{inv.id}`", None)
        seen.add(inv.id)
        chosen = tuple(inv.measures) if inv.measures is not None else tuple(ids)
        for k, mid in enumerate(chosen if inv.measures is not None else ()):
            if mid not in ids:
                error(
                    (*path, "measures", k),
                    f"unknown measure `{mid}`",
                    suggest(mid, ids) or ("measures: " + ", ".join(ids) if ids else None),
                )
        change = _change(inv, path, facts, error)
        if change is None:
            continue
        out.append(
            InvariantDef(
                id=inv.id,
                text=inv.text,
                cite=cite(inv.citation, (*path, "citation")) if inv.citation else None,
                measures=chosen,
                change=change,
                never=tuple(inv.never),
                line=line_of(path),
            )
        )
    return tuple(out)


def _change(
    inv: S.Invariant, path: YamlPath, facts: Mapping[str, FactDef], error: ErrorFn
) -> Change | None:
    given = [k for k in ("add", "increase", "set") if getattr(inv, k) is not None]
    if len(given) != 1:
        error(
            path,
            "an invariant needs exactly one of `add`, `increase` and `set`"
            + (f" (it has {', '.join(given)})" if given else ""),
            "e.g. `add: priors`, `increase: charges.quantity` or `set: {charges.violence: true}`",
        )
        return None
    if inv.add is not None:
        return Change("add", inv.add)
    if inv.increase is not None:
        if inv.increase.startswith("facts."):
            name = inv.increase.removeprefix("facts.")
            decl = facts.get(name)
            if decl is None or decl.type != Scalar.NUMBER:
                numbers = sorted(n for n, f in facts.items() if f.type == Scalar.NUMBER)
                error(
                    (*path, "increase"),
                    f"`{name}` is not a number fact of this ruleset",
                    suggest(name, numbers)
                    or ("number facts: " + ", ".join(numbers) if numbers else None),
                )
                return None
        return Change("increase", inv.increase)
    assert inv.set is not None
    ok = True
    for key, value in inv.set.items():
        problem = _check_set(key, value, facts)
        if problem is not None:
            error((*path, "set", key), problem[0], problem[1])
            ok = False
    return Change("set", "", tuple(sorted(inv.set.items()))) if ok else None


def _check_set(key: str, value: Any, facts: Mapping[str, FactDef]) -> tuple[str, str | None] | None:
    """Why ``key: value`` cannot be set, with a hint; ``None`` when it can."""
    head, _, field = key.partition(".")
    if head == "facts":
        decl = facts.get(field)
        if decl is None:
            return f"unknown fact `{field}`", suggest(field, sorted(facts))
        if not _fits(value, decl.type) or (decl.values and value not in decl.values):
            allowed = f": one of {', '.join(decl.values)}" if decl.values else ""
            return f"the value does not fit the {decl.type.value} fact `{field}`{allowed}", None
        return None
    if head in ITEM_FIELDS and field:
        if field not in ITEM_FIELDS[head]:
            return (
                f"`{field}` is not a field of {head} an invariant can set",
                suggest(field, ITEM_FIELDS[head]) or "fields: " + ", ".join(ITEM_FIELDS[head]),
            )
        document: dict[str, Any] = {head: [{field: value}]}
    elif key in TOP_LEVEL_SETTABLE:
        document = {key: value}
    else:
        return (
            f"cannot set `{key}`",
            "set consent, admits_offense, plea, facts.<name>, charges.<field> or priors.<field>",
        )
    try:
        parse_case({"case_id": "check", "jurisdiction": "zz", **document})
    except CaseError as exc:
        return f"the value does not fit `{key}`: {exc.problems[0].message}", _choices(key)
    return None


def _choices(key: str) -> str | None:
    head, _, field = key.partition(".")
    model: Any = {"charges": Charge, "priors": Prior}.get(head)
    info = None
    if model is not None:
        info = next(
            (f for n, f in model.model_fields.items() if (f.alias or n) == field),
            None,
        )
    literals = [a for arg in get_args(info.annotation) for a in get_args(arg)] if info else []
    values = [v for v in literals if isinstance(v, str)]
    return "one of " + ", ".join(values) if values else None


def _fits(value: Any, t: Scalar) -> bool:
    # An invariant's dates arrive as text (they are checked as dates when the case is built).
    return isinstance(value, str) if t == Scalar.DATE else fits(value, t)
