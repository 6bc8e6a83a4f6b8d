"""The searches: reachable outcomes, consistent outcomes, and declared invariants.

Every search is a ``hypothesis.find``: Hypothesis generates cases until one satisfies the
condition, then shrinks it to the simplest such case. Each search has its own seed derived from
``--seed`` and its name, so a run is reproducible and adding an invariant does not change the
examples found for the others.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity
from hypothesis.errors import HypothesisException, NoSuchExample

from eligibility._evaluate import Registry
from eligibility._invariants import InvariantDef
from eligibility._model import MeasureDef, Ruleset
from eligibility.case import parse_case
from eligibility.decision import Decision, MeasureResult
from eligibility.errors import CaseError
from eligibility.explore.changes import Pair, pairs
from eligibility.explore.minimal import simplest, simplest_pair
from eligibility.explore.space import (
    favourable,
    measure_space,
    open_points_blocking,
    space_for,
)
from eligibility.explore.strategies import Cases

T = TypeVar("T")
Key = tuple[str, str]
"""(ruleset id, measure id)."""


@dataclass(frozen=True)
class Reach:
    """Whether an outcome of a measure was reached, with the simplest case found."""

    ruleset: Ruleset
    measure: str
    outcome: str
    example: dict[str, Any] | None
    open_points: tuple[str, ...] = ()
    """The unsettled points that make the outcome impossible until they are settled."""


@dataclass(frozen=True)
class Inconsistency:
    """An outcome its own criteria contradict (e.g. eligible while an exclusion applies)."""

    ruleset: Ruleset
    measure: str
    problem: str
    example: dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """The result of searching for a case that breaks a declared invariant."""

    ruleset: Ruleset
    invariant: InvariantDef
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    measure: str | None = None
    outcomes: tuple[str, str] | None = None
    """The measure's outcome before and after the change, when broken."""

    @property
    def broken(self) -> bool:
        """True when a counterexample was found."""
        return self.before is not None


@dataclass
class Report:
    """Everything one exploration found."""

    rulesets: list[Ruleset]
    evaluator: str
    max_examples: int
    seed: int
    reach: list[Reach] = field(default_factory=list)
    inconsistencies: list[Inconsistency] = field(default_factory=list)
    invariants: list[Verdict] = field(default_factory=list)
    cases_evaluated: int = 0

    @property
    def ok(self) -> bool:
        """True when every outcome is reached, none is inconsistent and no invariant breaks."""
        return (
            all(r.example is not None or r.open_points for r in self.reach)
            and not self.inconsistencies
            and not any(v.broken for v in self.invariants)
        )


def expected_outcomes(measure: MeasureDef) -> list[str]:
    """The outcomes a measure can have, given its shape."""
    if measure.when_met is None:  # a statement that the law provides no alternative
        return ["not_applicable", "undetermined"]
    out = [measure.when_met]
    if measure.requires or measure.excluded_if:
        out.append("ineligible")
    return [*out, "not_applicable", "undetermined"]


def inconsistency(m: MeasureResult) -> str | None:
    """Why ``m``'s outcome contradicts its criteria, or ``None`` when it does not."""

    def applies(c: Any) -> bool:
        return bool(c.status == "met" and not any(u.status == "met" for u in c.unless))

    if m.outcome in ("entitled", "eligible"):
        for c in m.criteria:
            if c.role in ("scope", "requires") and c.status != "met":
                return f"{m.outcome} although {c.role} criterion `{c.id}` is {c.status}"
            if (
                c.role == "excluded_if"
                and c.status != "not_met"
                and not any(u.status == "met" for u in c.unless)
            ):
                return f"{m.outcome} although exclusion `{c.id}` is {c.status}"
    if m.outcome == "ineligible" and not any(
        (c.role == "requires" and c.status == "not_met") or (c.role == "excluded_if" and applies(c))
        for c in m.criteria
    ):
        return "ineligible although no requirement fails and no exclusion applies"
    return None


def _favourable(m: MeasureResult) -> int:
    """How many of a measure's criteria are as the measure needs them (a search score)."""
    return sum(
        (c.role in ("scope", "requires") and c.status == "met")
        or (
            c.role == "excluded_if"
            and (c.status == "not_met" or any(u.status == "met" for u in c.unless))
        )
        for c in m.criteria
    )


class Explorer:
    """Runs the searches for rulesets of one jurisdiction against a registry."""

    def __init__(
        self, registry: Registry, rulesets: list[Ruleset], max_examples: int, seed: int
    ) -> None:
        self.registry = registry
        self.rulesets = rulesets
        self.space = space_for(registry.rulesets)
        self.cases = Cases(self.space)
        self.seed = seed
        self.settings = hypothesis.settings(
            max_examples=max_examples,
            database=None,
            deadline=None,
            verbosity=Verbosity.quiet,
            phases=[Phase.generate, Phase.target, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        self.report = Report(rulesets, registry.evaluator, max_examples, seed)
        self.seen: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.bad: dict[Key, tuple[str, dict[str, Any]]] = {}

    def decide(self, doc: dict[str, Any]) -> Decision | None:
        """Evaluate a generated case, noting every outcome reached and any inconsistency."""
        try:
            decision = self.registry.evaluate(parse_case(doc))
        except CaseError:
            return None  # a generated case the rulesets reject; nothing to learn from it
        self.report.cases_evaluated += 1
        for m in decision.measures:
            self.seen.setdefault((m.ruleset, m.id, m.outcome), doc)
            problem = inconsistency(m)
            if problem is not None:
                self.bad.setdefault((m.ruleset, m.id), (problem, doc))
        return decision

    def find(self, strategy: Any, condition: Callable[[Any], bool], name: str) -> Any | None:
        """The simplest value satisfying ``condition``, or ``None`` if none was generated."""
        try:
            return hypothesis.find(
                strategy,
                condition,
                settings=self.settings,
                random=random.Random(f"{self.seed}:{name}"),
            )
        except (NoSuchExample, HypothesisException):
            return None

    def run(self) -> Report:
        """Every search, in a stable order."""
        for r in self.rulesets:
            for m in r.measures:
                for outcome in expected_outcomes(m):
                    self._reach(r, m, outcome)
        for r in self.rulesets:
            for inv in r.invariants:
                self.report.invariants.append(self._invariant(r, inv))
        for (rid, mid), (problem, first) in sorted(self.bad.items()):

            def still(doc: dict[str, Any], key: Key = (rid, mid)) -> bool:
                return self._inconsistent(doc, key)

            found = self.find(self.cases.case(), still, f"bad:{mid}")
            example = simplest(found if found is not None else first, still)
            owner = next(r for r in self.rulesets if r.id == rid)
            self.report.inconsistencies.append(Inconsistency(owner, mid, problem, example))
        return self.report

    def _result(self, decision: Decision | None, r: Ruleset, mid: str) -> MeasureResult | None:
        """Measure ``mid`` of ruleset version ``r`` in ``decision`` (``None`` when the decision
        applied another version of the ruleset)."""
        if decision is None:
            return None
        applied = next((a for a in decision.rulesets if a.id == r.id), None)
        if applied is None or applied.version not in (r.version, None):
            return None
        return next((m for m in decision.measures if (m.ruleset, m.id) == (r.id, mid)), None)

    def _outcome(self, decision: Decision | None, r: Ruleset, mid: str) -> str | None:
        result = self._result(decision, r, mid)
        return result.outcome if result else None

    def _reach(self, r: Ruleset, m: MeasureDef, outcome: str) -> None:
        blocked = open_points_blocking(m, outcome, frozenset(r.unsettled))
        if blocked:
            self.report.reach.append(Reach(r, m.id, outcome, None, tuple(sorted(blocked))))
            return

        def reached(doc: dict[str, Any]) -> bool:
            decision = self.decide(doc)
            result = self._result(decision, r, m.id)
            if result is None:
                return False
            if guided:
                # Guide the search: the more conditions hold, the closer the case is to it.
                hypothesis.target(float(_favourable(result)), label="conditions that hold")
            return result.outcome == outcome

        # Granting a measure, or refusing it, needs the case inside its scope and time in
        # force: lean towards the facts that let it apply (the refusals come from the rest).
        guided = outcome in (m.when_met, "ineligible")
        cases = self.cases
        if guided:
            cases = Cases(self.space, favourable(m), m.in_force or r.in_force, measure_space(r, m))

        def holds(doc: dict[str, Any]) -> bool:
            return self._outcome(self.decide(doc), r, m.id) == outcome

        found = self.find(cases.case(), reached, f"reach:{r.id}:{m.id}:{outcome}")
        if found is None:
            # Perhaps met while searching for something else (not shrunk by Hypothesis then).
            seen = self.seen.get((r.id, m.id, outcome))
            found = seen if seen is not None and holds(seen) else None
        if found is not None:
            found = simplest(found, holds)
        self.report.reach.append(Reach(r, m.id, outcome, found))

    def _inconsistent(self, doc: dict[str, Any], key: Key) -> bool:
        decision = self.decide(doc)
        if decision is None:
            return False
        return any(
            inconsistency(m) is not None for m in decision.measures if (m.ruleset, m.id) == key
        )

    def _broken(self, pair: Pair, r: Ruleset, inv: InvariantDef) -> tuple[str, str, str] | None:
        before, after = self.decide(pair[0]), self.decide(pair[1])
        for mid in inv.measures:
            was, now = self._outcome(before, r, mid), self._outcome(after, r, mid)
            if was is not None and now is not None and was not in inv.never and now in inv.never:
                return mid, was, now
        return None

    def _invariant(self, r: Ruleset, inv: InvariantDef) -> Verdict:
        # Cases near the measure's scope, where outcomes turn; the case before the change
        # differs from what the change sets, and an added item is drawn without leaning.
        cases = added = self.cases
        measure = next((m for m in r.measures if m.id in inv.measures), None)
        if measure is not None:
            prefer = favourable(measure)
            prefer.update({k: not v for k, v in inv.change.values if isinstance(v, bool)})
            window, focus = measure.in_force or r.in_force, measure_space(r, measure)
            cases = Cases(self.space, prefer, window, focus)
            added = Cases(self.space, None, window, focus)
        found: Pair | None = self.find(
            pairs(cases, inv.change, added),
            lambda p: self._broken(p, r, inv) is not None,
            f"invariant:{r.id}:{inv.id}",
        )
        if found is None:
            return Verdict(r, inv)
        found = simplest_pair(*found, lambda b, a: self._broken((b, a), r, inv) is not None)
        broken = self._broken(found, r, inv)
        assert broken is not None  # the search only returns a pair that breaks it
        mid, was, now = broken
        return Verdict(r, inv, found[0], found[1], mid, (was, now))
