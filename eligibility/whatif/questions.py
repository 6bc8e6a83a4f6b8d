"""The next question: which missing fact decides most, and which answers decide each measure.

For every undetermined measure the facts it lacks are tried with every value its conditions
distinguish (:mod:`eligibility.whatif.domains`). A fact *settles* a measure when every answer
decides it, and *may settle* it when some answers do. Facts are ranked by how many measures they
can decide, then by how many they decide whichever way they are answered. The smallest sets of
answers that decide a measure are found by trying one fact, then two, then three.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from eligibility._facts import completed_years
from eligibility._outcome import decide
from eligibility._reference import Evaluator
from eligibility.case import Case
from eligibility.decision import Answer, DecidingAnswers, Decision, NextQuestion, QuestionsOut
from eligibility.whatif.domains import OTHER, constants, domain
from eligibility.whatif.paths import case_path, case_value, describe
from eligibility.whatif.scope import Scope, Var, scopes

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

MAX_SET = 3
"""The largest set of answers searched for."""
MAX_TRIES = 1500
"""Evaluations spent per measure on the search for deciding sets."""
MAX_SETS = 5
"""Deciding sets reported per measure."""

_ITEM = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")
Assignment = dict[Var, Any]


@dataclass
class _Question:
    path: str
    text: str
    measures: list[str] = field(default_factory=list)
    answers: dict[str, tuple[Any, Assignment]] = field(default_factory=dict)
    """By the answer's JSON text: the case document's value, and the normalised facts it sets."""


def _var(name: str) -> Var:
    m = _ITEM.match(name)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (name,)


def _missing(scope: Scope) -> list[Var]:
    """The missing facts the decision lists for the measure: those of the criteria that leave
    it undetermined (and of their exceptions still unknown)."""
    ev = Evaluator(scope.values, scope.params)
    verdicts = scope.verdicts()
    names: set[str] = set()
    for c in decide(scope.measure, verdicts, True).deciding:
        for node in (c, *c.unless):
            if verdicts[node.key] is None:
                names |= ev.missing(node.condition)
    skip = set(scope.ruleset.unsettled) | set(scope.ruleset.parameters)
    return [_var(n) for n in sorted(names - skip)]


def _birth_answers(scope: Scope, case: Case, ages: Mapping[str, set[Any]]) -> list[Assignment]:
    """Birth dates that put the person on each side of every age the conditions compare."""
    given = case.person.age_at_offense if case.person else None
    dates = {"age_at_offense": case.offense_date, "age_at_decision": case.decision_date}
    births: set[dt.date] = set()
    for name, day in dates.items():
        if day is None:
            continue
        for age in domain(scope, (name,), {(name,): ages.get(name, set())}):
            try:
                births.add(day.replace(year=day.year - int(age)))
            except ValueError:  # 29 February in a common year
                births.add(day.replace(year=day.year - int(age), day=28))
    out = []
    for b in sorted(births):
        if (
            given is not None
            and case.offense_date
            and completed_years(b, case.offense_date) != given
        ):
            continue
        assignment: Assignment = {}
        for name, day in dates.items():
            if day is not None and day >= b:
                assignment[(name,)] = Decimal(completed_years(b, day))
        out.append({("birth_date",): b, **assignment})
    return out


def gather(
    registry: Registry, case: Case, decision: Decision
) -> tuple[dict[str, Scope], list[_Question]]:
    """The undetermined measures' scopes and the questions that bear on them."""
    sc = scopes(registry, case)
    asked = {f.fact: f.question for f in decision.missing_facts}
    questions: dict[str, _Question] = {}
    for m in decision.measures:
        scope = sc.get(m.id)
        if m.outcome != "undetermined" or scope is None or not scope.in_force:
            continue
        found = constants(scope)
        for var in _missing(scope):
            path = case_path(var, scope.ruleset)
            if path is None or path in ("offense_date", "decision_date"):
                continue
            q = questions.setdefault(path, _Question(path, asked.get(path, f"What is {path}?")))
            if m.id not in q.measures:
                q.measures.append(m.id)
            if path == "person.birth_date":
                ages = {k[0]: v for k, v in found.items() if k[0].startswith("age_at")}
                for a in _birth_answers(scope, case, ages):
                    birth = a.pop(("birth_date",))
                    q.answers.setdefault(json.dumps(birth.isoformat()), (birth.isoformat(), a))
                continue
            for value in domain(scope, var, found):
                shown = case_value(var, value, case)
                key = json.dumps(shown, sort_keys=True, default=str)
                q.answers.setdefault(key, (shown, {}))[1][var] = value
    return sc, sorted(questions.values(), key=lambda q: q.path)


def _outcome(scope: Scope, assignment: Assignment) -> str:
    # Answers only fill in missing facts, so only the unknown criteria are decided again.
    return scope.filled(assignment)


def rank(sc: Mapping[str, Scope], questions: list[_Question]) -> list[NextQuestion]:
    """The questions, the one that decides most first."""
    ranked = []
    for q in questions:
        settles, may = [], []
        for mid in q.measures:
            outcomes = [_outcome(sc[mid], a) for _, a in q.answers.values()]
            decided = [o != "undetermined" for o in outcomes]
            if decided and all(decided):
                settles.append(mid)
            elif any(decided):
                may.append(mid)
        ranked.append(NextQuestion(fact=q.path, question=q.text, settles=settles, may_settle=may))
    ranked.sort(key=lambda n: (-len(n.settles) - len(n.may_settle), -len(n.settles), n.fact))
    return ranked


def deciding_sets(
    sc: Mapping[str, Scope], questions: list[_Question], measure: str
) -> list[DecidingAnswers]:
    """The smallest sets of answers that decide ``measure``, fewest answers first."""
    scope = sc[measure]
    relevant = [q for q in questions if measure in q.measures and q.answers]
    found: list[frozenset[tuple[str, str]]] = []
    out: list[DecidingAnswers] = []
    tries = 0
    for size in range(1, MAX_SET + 1):
        for group in itertools.combinations(relevant, size):
            for picks in itertools.product(*(sorted(q.answers.items()) for q in group)):
                key = frozenset((q.path, k) for q, (k, _) in zip(group, picks, strict=True))
                if any(f <= key for f in found):
                    continue
                tries += 1
                if tries > MAX_TRIES:
                    return out
                assignment: Assignment = {}
                for _, (_, a) in picks:
                    assignment.update(a)
                outcome = _outcome(scope, assignment)
                if outcome == "undetermined":
                    continue
                found.append(key)
                if len(out) < MAX_SETS:
                    answers = [
                        Answer(fact=q.path, value=shown, text=_text(q.path, shown))
                        for q, (_, (shown, _)) in zip(group, picks, strict=True)
                    ]
                    out.append(DecidingAnswers(measure=measure, outcome=outcome, answers=answers))
    return out


def _text(path: str, value: Any) -> str:
    if value == OTHER:
        return f"{path}: anything the law does not name"
    return f"{path} = {describe(value)}"


def next_questions(registry: Registry, case: Case, decision: Decision) -> QuestionsOut:
    """The ranked questions and the deciding sets of answers for ``decision``'s case."""
    sc, questions = gather(registry, case, decision)
    ranked = rank(sc, questions)
    sets: list[DecidingAnswers] = []
    for m in decision.measures:
        if m.outcome == "undetermined" and m.id in sc:
            sets.extend(deciding_sets(sc, questions, m.id))
    return QuestionsOut(ranked=ranked, deciding_answers=sets)
