"""Time to eligibility: the days from which a measure's outcome changes if nothing else does.

Only time moves: the decision is taken on a later day, so the person is older, look-back
windows counted back from the decision slide forward, and the law in force on the decision day
may be another version (a law that starts, a sunset). The days on which a condition can turn
are read from the conditions and the law's dates, not found by trying every day:

* every date a ruleset version, a measure or a parameter value starts or stops being in force;
* every birthday on which the person reaches an age a condition compares with the age at the
  decision;
* every day on which a date comparison involving the decision date flips: the other side's
  value (a prior's date, a fixed day) less the offset on the decision date's side (``years(10)``).

The decision is then evaluated on those days only; where two neighbouring days disagree, the
day of the change is pinned down by halving the interval, so the day named and the day before
it are both evaluated and the claim holds by construction (the property tests check it again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from eligibility import _expr as E
from eligibility._model import Ruleset
from eligibility._reference import Bound, Evaluator, children
from eligibility.case import Case
from eligibility.decision import CriterionResult, MeasureResult, OutcomeChange
from eligibility.errors import EligibilityError
from eligibility.whatif.asof import on_day
from eligibility.whatif.scope import OPEN, budget

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

HORIZON_YEARS = 25
"""How far past the decision date the timeline looks."""
MAX_DECISIONS = 300
"""Decisions a timeline may take (fewer for a long record, :func:`~.scope.budget`); with more
candidate days it looks up to the day where they run out, and says so by its horizon."""
_DECISION = frozenset({"decision_date", "age_at_decision"})
_ONE = dt.timedelta(days=1)


def horizon(case: Case) -> dt.date | None:
    """The last day the timeline looks at (``None`` when the case gives no decision date)."""
    day = case.decision_date
    if day is None:
        return None
    try:
        return day.replace(year=day.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + HORIZON_YEARS, day=28)


def candidates(registry: Registry, case: Case) -> dict[dt.date, str]:
    """Days on which an outcome may change, each with what happens on it."""
    out: dict[dt.date, str] = {}
    groups = registry.groups_for(case.jurisdiction.lower()) or {}
    for versions in groups.values():
        for r in versions:
            _law_dates(r, out)
            try:
                values = registry._normalisers[id(r)].normalise(case).values
            except EligibilityError:  # an older version's statute table may not know the charge
                continue
            if case.decision_date is None:
                continue
            _, params = r.snapshot(case.decision_date)
            ev = Evaluator(values, params)
            for c in r.criteria():
                for env in _envs(c.condition, ev, {}):
                    _flips(env[0], env[1], ev, case, out)
    return out


def _law_dates(r: Ruleset, out: dict[dt.date, str]) -> None:
    if r.governing_date != "offense_date":
        out.setdefault(r.in_force.start, f"{r.title} (version {r.version}) takes effect")
        if r.in_force.until:
            out.setdefault(r.in_force.until + _ONE, f"{r.title} (version {r.version}) ceases")
    for m in r.measures:
        if m.in_force is None or (m.governing_date or r.governing_date) == "offense_date":
            continue
        out.setdefault(m.in_force.start, f"{m.title} takes effect")
        if m.in_force.until:
            out.setdefault(m.in_force.until + _ONE, f"{m.title} ceases to be in force")
    for p in r.parameters.values():
        for v in p.values:
            out.setdefault(v.period.start, f"{p.description} changes")
            if v.period.until:
                out.setdefault(v.period.until + _ONE, f"{p.description} changes")


def _mentions(node: E.Node, names: frozenset[str]) -> bool:
    if isinstance(node, E.Name):
        return node.name in names
    return any(_mentions(c, names) for c in children(node))


def _envs(
    node: E.Node, ev: Evaluator, env: Mapping[str, Any]
) -> Iterator[tuple[E.Node, Mapping[str, Any]]]:
    """Every comparison on the decision's side, with each binding of its quantifier variables."""
    if not _mentions(node, _DECISION):
        return
    if isinstance(node, E.Cmp):
        yield node, env
        return
    if isinstance(node, (E.Quant, E.Count)):
        assert isinstance(node.collection, E.Name)
        name = node.collection.name
        for i, item in enumerate(ev.facts.get(name) or ()):
            yield from _envs(node.body, ev, {**env, node.var: Bound(name, i, item)})
        return
    for child in children(node):
        yield from _envs(child, ev, env)


def _flips(
    node: E.Node, env: Mapping[str, Any], ev: Evaluator, case: Case, out: dict[dt.date, str]
) -> None:
    assert isinstance(node, E.Cmp)
    for side, other in ((node.left, node.right), (node.right, node.left)):
        if not _mentions(side, _DECISION) or _mentions(other, _DECISION):
            continue
        target = ev.value(other, env)
        if target is None:
            continue
        if _mentions(side, frozenset({"age_at_decision"})):
            birth = case.person.birth_date if case.person else None
            if birth is None:
                continue
            for age in (int(target) - 1, int(target), int(target) + 1):
                day = _years_after(birth, age)
                if day:
                    out.setdefault(day, f"the person turns {age} (born {birth})")
            continue
        here = ev.value(side, env)
        if not isinstance(here, dt.date) or not isinstance(target, dt.date):
            continue
        assert case.decision_date is not None
        flip = target - (here - case.decision_date)
        what = _name(other, env)
        gap = _gap(here, case.decision_date)
        if what == "the date":
            text = (
                f"the decision date reaches {target}"
                if not gap
                else f"{target} is {gap} before the decision date"
            )
        else:
            text = f"{what} ({target}) is {gap or 'no longer after'} before the decision date"
        for k in (-1, 0, 1):
            out.setdefault(flip + k * _ONE, text)


def _gap(here: dt.date, decision: dt.date) -> str:
    """How far the decision date's side of a comparison lies before the decision date, in the
    words of the duration (``10 years``), or "" when it is the decision date itself."""
    days = (decision - here).days
    if days == 0:
        return ""
    years, rest = divmod(days, 365)
    return f"{round(days / 365.25)} years" if years and rest < years + 2 else f"{days} days"


def _name(node: E.Node, env: Mapping[str, Any]) -> str:
    if isinstance(node, E.Attr) and isinstance(node.obj, E.Name):
        b = env.get(node.obj.name)
        if isinstance(b, Bound):
            return f"{b.list_name}[{b.index}].{node.name}"
    if isinstance(node, E.Name):
        return node.name
    return "the date"


def _years_after(birth: dt.date, years: int) -> dt.date | None:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # born 29 February: the year is completed on 1 March
        return dt.date(birth.year + years, 3, 1) if 1 <= birth.year + years <= 9999 else None


class _Days:
    """Decisions on given days, each evaluated once."""

    def __init__(self, registry: Registry, case: Case) -> None:
        self.registry = registry
        self.case = case
        self.seen: dict[dt.date, dict[str, MeasureResult]] = {}

    def __call__(self, day: dt.date) -> dict[str, MeasureResult]:
        hit = self.seen.get(day)
        if hit is None:
            decision = self.registry.evaluate(on_day(self.case, day))
            hit = self.seen[day] = {m.id: m for m in decision.measures}
        return hit

    def outcomes(self, day: dt.date) -> tuple[str, ...]:
        return tuple(m.outcome for m in self(day).values())


def timeline(registry: Registry, case: Case) -> tuple[list[OutcomeChange], dt.date | None]:
    """Every change of outcome from the day after the decision date, and the last day looked
    at: the horizon, or earlier when a long record has more candidate days than
    :data:`MAX_DECISIONS` decisions can examine (the changes up to that day are complete)."""
    start, last = case.decision_date, horizon(case)
    if start is None or last is None:
        return [], None
    found = candidates(registry, case)
    days = _Days(registry, case)
    points = [start, *sorted(d for d in found if start < d <= last)]
    changes: list[OutcomeChange] = []
    lo = start
    allowed = budget(case, MAX_DECISIONS)
    for point in points[1:]:
        if len(days.seen) >= allowed:
            return changes, lo
        while days.outcomes(point) != days.outcomes(lo):
            a, b = lo, point
            while (b - a).days > 1:
                mid = a + dt.timedelta(days=(b - a).days // 2)
                if days.outcomes(mid) == days.outcomes(a):
                    a = mid
                else:
                    b = mid
            changes.extend(_changes(days(a), days(b), b, found))
            lo = b
        lo = point
    return changes, last


def _changes(
    before: Mapping[str, MeasureResult],
    after: Mapping[str, MeasureResult],
    day: dt.date,
    found: Mapping[dt.date, str],
) -> list[OutcomeChange]:
    origin = next(
        (found[day + k * _ONE] for k in (0, -1, 1, -2, 2) if day + k * _ONE in found), None
    )
    out = []
    for mid, now in after.items():
        was = before.get(mid)
        if was is None or was.outcome == now.outcome:
            continue
        turned = _turned(was.criteria, now.criteria)
        kind = (
            "gained"
            if now.outcome in OPEN and was.outcome not in OPEN
            else ("lost" if was.outcome in OPEN and now.outcome not in OPEN else "changed")
        )
        head = f"{now.outcome.replace('_', ' ')} from {day} (until then {was.outcome.replace('_', ' ')})"
        why = f", when {origin}" if origin else ""
        if turned is not None:
            text = f"{head}{why}: “{turned.text}” is {_status(turned)} ({_label(turned.citation)})"
            citation = turned.citation
        else:
            text = f"{head}{why}: {now.reason}"
            citation = now.citation
        changes = OutcomeChange(
            measure=mid,
            date=day.isoformat(),
            before=was.outcome,
            outcome=now.outcome,
            kind=kind,
            criterion=turned.id if turned else None,
            text=text,
            citation=citation,
        )
        out.append(changes)
    return out


def _turned(was: list[CriterionResult], now: list[CriterionResult]) -> CriterionResult | None:
    before = {c.id: c.status for c in _flat(was)}
    for c in _flat(now):
        if c.id in before and before[c.id] != c.status:
            return c
    return None


def _flat(criteria: list[CriterionResult]) -> Iterator[CriterionResult]:
    for c in criteria:
        yield c
        yield from _flat(c.unless)


def _status(c: CriterionResult) -> str:
    if c.status == "unknown":
        return "then unknown"
    if c.role == "excluded_if":
        return "then applies" if c.status == "met" else "then no longer applies"
    return "then met" if c.status == "met" else "then no longer met"


def _label(c: Any) -> str:
    return f"{c.title}, {c.pinpoint}" if c.pinpoint else c.title
