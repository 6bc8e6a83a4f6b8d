"""The durable-rules adapter: the only module that imports durable-rules.

The engine is vendored (``vendor/durable_rules``, built as ``_eligibility_durable_engine``).

It drives the C binding (``durable_rules_engine``) directly, never ``durable.engine.Host``:
Host starts timer threads that race with synchronous use and swallows errors raised in actions.
Each compiled ruleset gets its own handle and one internal session slot (``"w"``), never the
case id: durable finds sessions by a 32-bit hash of the id, so two case ids could collide and
share facts. After each case the asserted fact is retracted, which leaves the slot empty for
the next case; a sentinel rule must fire on every case or the evaluation is an error. A lock
per handle keeps assert → drain → retract atomic, so threads may share a handle safely.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from dataclasses import dataclass
from typing import Any

import _eligibility_durable_engine as _dre
import orjson

from eligibility._compile import Plan
from eligibility._ruleset_bounds import fnv1a_32
from eligibility.errors import EngineError

DURABLE_VERSION = "2.0.28"
"""The durable-rules release the vendored engine was taken from (vendor/durable_rules/CHANGES.md)."""

_SLOT = "w"
_MAX_FIELDS = 250
RULES_PER_HANDLE = 120
"""Most rules one handle holds; a larger ruleset is spread over several handles. The engine keeps
the ``$nex`` children of a node in a list of 128 (error 107 past it) and every rule's condition
hangs off the sentinel's ``t`` test, so one handle stays below that. (It was 30 while the engine
walked its network with a fixed stack of 64 pending nodes and failed with error 303 past it;
the vendored engine grows that stack, vendor/durable_rules/CHANGES.md.)"""
_names = itertools.count()


def _dumps(value: Any) -> str:
    # One serialiser for rules and facts: durable does not decode \\u escapes, so the two must
    # spell every string identically. orjson writes non-ASCII text as itself, like
    # json.dumps(ensure_ascii=False), and compactly.
    return orjson.dumps(value).decode()


def _check_field_names(plan: Plan) -> None:
    names = {"t", "sid", "id", *plan.case_fields, *plan.derived_case}
    for list_name, fields in plan.list_fields.items():
        names.update({"c_" + list_name, "n_" + list_name, *fields})
        names.update(plan.derived_item.get(list_name, {}))
    for name in plan.missing_rules.values():
        names.add(name)
    if len(names) > _MAX_FIELDS:
        raise EngineError(
            f"the ruleset reads {len(names)} fields; durable-rules allows {_MAX_FIELDS}"
        )
    seen: dict[int, str] = {}
    for name in sorted(names):
        other = seen.setdefault(fnv1a_32(name), name)
        if other != name:
            raise EngineError(
                f"fields {other!r} and {name!r} collide in durable-rules' 32-bit name hash; "
                "rename one of them"
            )


@dataclass(frozen=True)
class _Handle:
    """One durable-rules handle and the part of the case document its rules can read."""

    handle: int
    fields: frozenset[str]
    """Top-level fields named anywhere in its rules (``t`` and ``sid`` always)."""
    items: dict[str, frozenset[str]]
    """Per list field (``c_<list>``): the item fields named in its rules."""
    needs: str | None
    """A list field every rule but the sentinel requires to be non-empty: when the case's list
    is empty or absent, only the sentinel can fire, so the handle is not asked."""
    whole: frozenset[str] = frozenset()
    """List fields whose items these rules read (almost) every field of: sent as they are."""

    def document(self, fact: dict[str, Any], trimmed: dict[tuple[str, Any], Any]) -> str:
        """The case document trimmed to what these rules read. durable-rules' cost grows with
        the size of the document, for every rule; a field no rule names cannot change a match.
        ``trimmed`` holds each list already cut down to some item fields for this case, so
        handles reading the same fields share it."""
        doc = {}
        for name, value in fact.items():
            if name not in self.fields:
                continue
            wanted = self.items.get(name)
            if wanted is not None and value and name not in self.whole:
                rows = trimmed.get((name, wanted))
                if rows is None:
                    rows = trimmed[(name, wanted)] = [
                        {k: v for k, v in row.items() if k in wanted} for row in value
                    ]
                value = rows
            doc[name] = value
        return _dumps(doc)


def _needs(rule: Any) -> str | None:
    """The list field ``rule`` needs non-empty (``$iany`` over it, or ``n_<list> > 0``), if any."""
    try:
        (pattern,) = rule["all"]
        conds = pattern["m"]["$and"]
    except (KeyError, TypeError, ValueError):
        return None
    for cond in conds:
        if isinstance(cond, dict) and len(cond) == 1:
            ((op, arg),) = cond.items()
            if op == "$iany" and isinstance(arg, dict) and len(arg) == 1:
                return str(next(iter(arg)))
            if op == "$gt" and isinstance(arg, dict) and len(arg) == 1:
                ((name, bound),) = arg.items()
                if name.startswith("n_") and bound == 0:
                    return "c_" + str(name)[2:]
    return None


def _group(plan: Plan, names: list[str]) -> list[list[str]]:
    """Rules in handles of at most RULES_PER_HANDLE: all in one when they fit (one document to
    parse, one drain: 7 % faster on the benchmark corpus than a handle per list, 105 against
    113 µs per case for the engine core), else rules needing the same list together (so a case
    with an empty list skips their handles, and each handle reads a smaller document)."""
    if len(names) <= RULES_PER_HANDLE:
        return [names]
    by_need: dict[str, list[str]] = {}
    for name in names:
        by_need.setdefault(_needs(plan.rules[name]) or "", []).append(name)
    chunks = []
    for need in sorted(by_need):
        group = by_need[need]
        chunks += [group[i : i + RULES_PER_HANDLE] for i in range(0, len(group), RULES_PER_HANDLE)]
    return chunks or [[]]


def _reads(plan: Plan, rules: dict[str, Any], handle: int) -> _Handle:
    text = _dumps(rules)
    top = {"t", "sid", *plan.case_fields, *plan.derived_case}
    for list_name in plan.list_fields:
        top |= {"c_" + list_name, "n_" + list_name}
    fields = frozenset(n for n in top if f'"{n}"' in text) | {"t", "sid"}
    items = {}
    whole = set()
    for list_name, own in plan.list_fields.items():
        if "c_" + list_name in fields:
            wanted = {*own, *plan.derived_item.get(list_name, {})}
            items["c_" + list_name] = frozenset(f for f in wanted if f'"$i.{f}"' in text)
            if len(items["c_" + list_name]) * 4 >= len(wanted) * 3:
                # It reads most of each item: sending the rest costs the engine less than
                # cutting it off costs here (a field no rule names cannot change a match).
                whole.add("c_" + list_name)
    needs = {_needs(rule) for name, rule in rules.items() if name != "s"}
    need = needs.pop() if len(needs) == 1 else None
    return _Handle(handle, fields, items, need, frozenset(whole))


class DurableRuleset:
    """One compiled ruleset loaded into durable-rules (over one or more handles)."""

    def __init__(self, plan: Plan, label: str) -> None:
        _check_field_names(plan)
        for name in plan.rules:
            if '"' in name or "\\" in name:
                raise EngineError(f"rule name {name!r} is not plain")  # we read names by slicing
        self.plan = plan
        self._lock = threading.Lock()
        sentinel = plan.rules["s"]
        # Rules with the same condition (one witness serving several atoms, or the "true" and
        # "not false" witnesses of a two-valued plan) are loaded once; the others are aliases.
        first: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}
        names = []
        for name, rule in plan.rules.items():
            if name == "s":
                continue
            same = first.setdefault(json.dumps(rule, sort_keys=True), name)
            if same == name:
                names.append(name)
            else:
                self._aliases.setdefault(same, []).append(name)
        self._handles: list[_Handle] = []
        self._sessions: set[int] = set()
        """Handles whose slot session exists."""
        try:
            for chunk in _group(plan, names):
                rules = {"s": sentinel, **{n: plan.rules[n] for n in chunk}}
                # A fresh name per handle: durable keeps no global registry at this level, but
                # unique names keep its error messages unambiguous across reloads.
                handle = _create(f"{label}#{next(_names)}", _dumps(rules))
                self._handles.append(_reads(plan, rules, handle))
        except Exception as exc:  # the binding raises its own error type with a numeric code
            self.close()
            raise EngineError(f"durable-rules rejected the compiled ruleset: {exc}") from None

    @property
    def handles(self) -> int:
        """How many durable-rules handles the ruleset spans."""
        return len(self._handles)

    def fired(self, fact: dict[str, Any]) -> set[str]:
        """Assert ``fact`` into the slot, collect the names of the rules that fired, clean up."""
        fact = {**fact, "sid": _SLOT}
        names: set[str] = {"s"}
        trimmed: dict[tuple[str, Any], Any] = {}
        with self._lock:
            for h in self._handles:
                if h.needs is not None and not fact.get(h.needs):
                    continue  # every rule here needs a non-empty list the case does not have
                self._sessions.add(h.handle)  # asserting creates the slot's session
                got = _fire(h.handle, h.document(fact, trimmed))
                if "s" not in got:
                    raise EngineError(
                        "the sentinel rule did not fire: durable-rules did not see the case"
                    )
                names |= got
        for name in [n for n in names if n in self._aliases]:
            names.update(self._aliases[name])
        return names

    def close(self) -> None:
        """Free the handles (their slots are empty between cases)."""
        with self._lock:
            handles, self._handles = [h.handle for h in self._handles], []
            for handle in handles:
                # Best effort: a handle that cannot be deleted is unusable anyway. The slot's
                # session goes first (deleting a ruleset frees its pools but not live sessions).
                if handle in self._sessions:
                    with contextlib.suppress(Exception):  # already gone after a refused case
                        _dre.delete_state(handle, _SLOT)
                with contextlib.suppress(Exception):
                    _dre.delete_ruleset(handle)

    def __del__(self) -> None:  # pragma: no cover - best effort at interpreter exit
        # Not contextlib.suppress: module globals may already be gone at interpreter exit.
        try:  # noqa: SIM105
            self.close()
        except Exception:
            pass


def _create(name: str, definition: str) -> int:
    """Create a handle. (durable-rules 2.0.28 refused valid definitions with error 102 now and
    then, depending on the heap: it read a node field it never set. The vendored engine zeroes
    its nodes, so a refusal is now always the definition's fault and is not retried.)"""
    handle: int = _dre.create_ruleset(name, definition)
    return handle


def _fire(handle: int, doc: str) -> set[str]:
    """Assert one case document into one handle's slot, drain the actions, retract it: one call
    into the vendored engine (``assert_fired``, vendor/durable_rules/CHANGES.md), which runs the
    same engine steps the binding's separate calls do and returns the rule names read from each
    action's message (``{"<rule name>": …``)."""
    try:
        rc, _state, names = _dre.assert_fired(handle, doc)
    except MemoryError:
        raise EngineError("durable-rules ran out of memory deciding the case") from None
    except Exception as exc:
        # The engine abandoned the action in progress; empty the slot so the next case starts
        # clean, then report.
        with contextlib.suppress(Exception):  # the original error is the one to report
            _dre.delete_state(handle, _SLOT)
        raise EngineError(f"durable-rules failed on the case: {exc}") from None
    if rc not in (0, 1):
        raise EngineError(f"durable-rules returned code {rc} for a fresh case")
    return set(names)
