"""What would change it: the smallest sets of changes to the facts that open a measure.

For a measure that is not eligible or entitled, the facts its deciding criteria read (given or
missing) are varied over the values the conditions distinguish (:mod:`~eligibility.whatif.domains`),
one fact at a time, then two, then three, until the measure becomes eligible or entitled. Only
sets no smaller set already achieves are kept, so each is minimal. Facts the law fixes in the
past (dates, ages, the record's dispositions) are never varied (:data:`~eligibility.whatif.paths.FIXED_FIELDS`).
Every set reported has been applied to the case document and re-decided by the engine.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eligibility._evaluate import citation_out
from eligibility._outcome import decide
from eligibility.case import Case
from eligibility.decision import Change, Counterfactual, Decision
from eligibility.errors import EligibilityError
from eligibility.whatif.domains import constants, domain
from eligibility.whatif.paths import apply, case_path, case_value, changeable, describe, proposable
from eligibility.whatif.scope import OPEN, Scope, Var, budget, current, scopes

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

MAX_CHANGES = 3
"""The most facts a counterfactual changes."""
MAX_TRIES = 400
"""Re-decisions spent per measure (fewer for a long record, :func:`~.scope.budget`)."""
MAX_SETS = 3
"""Counterfactuals reported per measure."""


def counterfactuals(registry: Registry, case: Case, decision: Decision) -> list[Counterfactual]:
    """For every measure not eligible or entitled, the smallest sets of changes that open it."""
    sc = scopes(registry, case)
    out: list[Counterfactual] = []
    for m in decision.measures:
        scope = sc.get(m.id)
        if (
            m.outcome in OPEN
            or scope is None
            or not scope.in_force
            or scope.measure.when_met is None
        ):
            continue
        out.extend(_measure(registry, case, scope))
    return out


def _measure(registry: Registry, case: Case, scope: Scope) -> list[Counterfactual]:
    base = scope.base()
    deciding = decide(scope.measure, base, True).deciding
    found = constants(scope)
    options: dict[Var, list[Any]] = {}
    for var in scope.variables():
        if not changeable(var, scope.ruleset):
            continue
        now = current(scope.values, var)
        values = [v for v in domain(scope, var, found) if v != now and proposable(v)]
        if isinstance(now, Decimal):  # the least change first: the nearest number
            values.sort(key=lambda v: abs(v - now) if isinstance(v, Decimal) else 0)
        if values:
            options[var] = values
    pool = [v for v in options if any(scope.reads(c, v) for c in deciding)]
    kept: list[frozenset[Var]] = []
    out: list[Counterfactual] = []
    tries = 0
    allowed = budget(case, MAX_TRIES)
    for size in range(1, MAX_CHANGES + 1):
        for group in itertools.combinations(options if size == 1 else pool, size):
            if any(k <= set(group) for k in kept):
                continue
            for picks in itertools.product(*(options[v] for v in group)):
                tries += 1
                if tries > allowed or len(out) >= MAX_SETS:
                    return out
                changes = dict(zip(group, picks, strict=True))
                verdicts = scope.changed(changes)
                outcome = decide(scope.measure, verdicts, True).outcome
                if outcome not in OPEN:
                    continue
                made = _confirmed(registry, case, scope, changes, verdicts, base, outcome)
                if made is not None:
                    kept.append(frozenset(group))
                    out.append(made)
                    break
    return out


def _confirmed(
    registry: Registry,
    case: Case,
    scope: Scope,
    changes: dict[Var, Any],
    verdicts: dict[str, bool | None],
    base: dict[str, bool | None],
    outcome: str,
) -> Counterfactual | None:
    """The counterfactual, if making its changes to the case document gives ``outcome``."""
    edits: dict[str, Any] = {}
    made = []
    for var, value in changes.items():
        path = case_path(var, scope.ruleset)
        assert path is not None  # changeable() checked it
        shown = case_value(var, value, case)
        was = current(scope.values, var)
        edits[path] = shown
        turned = [
            c
            for c in scope.measure.criteria()
            if base[c.key] != verdicts[c.key] and scope.reads(c, var)
        ]
        crit = (
            turned[0]
            if turned
            else next(c for c in scope.measure.criteria() if scope.reads(c, var))
        )
        made.append(
            Change(
                fact=path,
                value=shown,
                text=f"if {path} were {describe(shown)} (now {describe(case_value(var, was, case)) if was is not None else 'not given'})",
                criterion=crit.id,
                citation=citation_out(crit.cite),
            )
        )
    try:
        decision = registry.evaluate(apply(case, edits))
    except EligibilityError:
        return None
    got = next((m.outcome for m in decision.measures if m.id == scope.measure.id), None)
    if got != outcome:
        return None
    return Counterfactual(measure=scope.measure.id, outcome=outcome, changes=made)
