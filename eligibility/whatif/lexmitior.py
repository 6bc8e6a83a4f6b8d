"""Lex mitior, generally: every state of the law between the act and the decision, compared.

Where the law says the milder law applies — StGB § 2(3) ("Wird das Gesetz, das bei Beendigung
der Tat gilt, vor der Entscheidung geändert, so ist das mildeste Gesetz anzuwenden"), Portugal's
Código Penal art. 2(4) (the regime "concretamente mais favorável ao agente"), ICCPR art. 15(1)
— the milder law may be neither the law of the act nor the law of the decision but one in force
in between. For each ruleset this lists every state of its law from the offence date to the
decision date (a new version, a parameter's new value, a measure starting or ending) and the
outcome of every measure under each, applied to the same facts; then, measure by measure, the
outcome under the law the decision applied beside the most favourable one.

It informs; it does not change the decision. Whether a milder law applies, and which law is
"milder" in the concrete case, is for the court (the rulesets that encode a milder-law rule say
so with ``governing_date: more_favourable``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eligibility._model import Ruleset
from eligibility._outcome import decide
from eligibility._reference import Evaluator
from eligibility.case import Case
from eligibility.decision import Decision, LawState, LawStateOutcome, LexMitiorOut, MilderLaw
from eligibility.errors import EligibilityError

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

_RANK = {"entitled": 4, "eligible": 3, "undetermined": 2, "ineligible": 1, "not_applicable": 0}
_ONE = dt.timedelta(days=1)


def _changes(versions: list[Ruleset], start: dt.date, end: dt.date) -> list[dt.date]:
    """The days in [start, end] on which this ruleset's law may differ from the day before."""
    days = {start}
    for r in versions:
        bounds = [r.in_force.start, *([r.in_force.until + _ONE] if r.in_force.until else [])]
        for m in r.measures:
            if m.in_force is not None:
                bounds += [
                    m.in_force.start,
                    *([m.in_force.until + _ONE] if m.in_force.until else []),
                ]
        for p in r.parameters.values():
            for v in p.values:
                bounds += [v.period.start, *([v.period.until + _ONE] if v.period.until else [])]
        days.update(d for d in bounds if start < d <= end)
    return sorted(days)


def _state(registry: Registry, r: Ruleset, case: Case, day: dt.date) -> dict[str, str] | None:
    try:
        facts = registry._normalisers[id(r)].normalise(case)
    except EligibilityError:  # this version's statute table does not know the record
        return None
    _, params = r.snapshot(day)
    ev = Evaluator(facts.values, params)
    verdicts = {c.key: ev.truth(c.condition) for c in r.criteria()}
    return {
        m.id: decide(m, verdicts, m.in_force is None or m.in_force.contains(day)).outcome
        for m in r.measures
    }


def lex_mitior(registry: Registry, case: Case, decision: Decision) -> list[LexMitiorOut]:
    """Per ruleset, the states of the law between the offence and the decision, compared."""
    start, end = case.offense_date, case.decision_date
    groups = registry.groups_for(case.jurisdiction.lower()) or {}
    if start is None or end is None or end < start:
        return []
    applied = {m.id: m for m in decision.measures}
    out = []
    for rid in sorted(groups):
        versions = groups[rid]
        states: list[tuple[dt.date, Ruleset, dict[str, str]]] = []
        for day in _changes(versions, start, end):
            r = next((v for v in versions if v.in_force.contains(day)), None)
            found = _state(registry, r, case, day) if r is not None else None
            if r is None or found is None:
                continue
            if states and states[-1][1] is r and states[-1][2] == found:
                continue  # the same law, to the same effect
            states.append((day, r, found))
        if not states:
            continue
        measures = []
        for mid in dict.fromkeys(m for _, _, o in states for m in o):  # the rulesets' order
            best_day, _, best = max(
                states, key=lambda s: (_RANK[s[2].get(mid, "not_applicable")], -s[0].toordinal())
            )
            mildest = best.get(mid, "not_applicable")
            have = applied.get(mid)
            used = have.outcome if have else "not_applicable"
            # Milder means an alternative opens that the law applied does not open (or an
            # entitlement where it gives discretion): "undetermined" under another law is no
            # more favourable than a definite "not applicable", which may mean a successor law
            # in another ruleset covers the conduct.
            milder = _RANK[mildest] > max(_RANK[used], _RANK["undetermined"])
            text = (
                f"the law of {best_day} gives {mildest.replace('_', ' ')}, more favourable than "
                f"{used.replace('_', ' ')} under the law applied"
                if milder
                else f"no law in force between {start} and {end} opens more than the law applied "
                f"({used.replace('_', ' ')})"
            )
            measures.append(
                MilderLaw(
                    measure=mid,
                    applied=used,
                    applied_law_of=have.governing_date.date if have else None,
                    mildest=mildest,
                    mildest_law_of=best_day.isoformat(),
                    milder=milder,
                    text=text,
                )
            )
        out.append(
            LexMitiorOut(
                ruleset=rid,
                governing=f"{versions[0].governing_date}: {versions[0].governing_date_reason}",
                states=[
                    LawState(
                        law_of=d.isoformat(),
                        version=r.version,
                        outcomes=[LawStateOutcome(measure=k, outcome=v) for k, v in o.items()],
                    )
                    for d, r, o in states
                ],
                measures=measures,
            )
        )
    return out
