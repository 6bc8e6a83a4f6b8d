"""Legal semantics: from criterion verdicts to a measure's outcome (DESIGN §3), in our code.

Order: not in force → ``not_applicable``; scope not met → ``not_applicable`` (scope unknown →
``undetermined``); an exclusion that holds with no exception holding → ``ineligible``; a
requirement not met → ``ineligible``; anything still unknown → ``undetermined``; otherwise
``entitled`` or ``eligible`` as the measure declares. Every criterion is reported either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eligibility._model import CriterionDef, MeasureDef
from eligibility._reference import kleene_and, kleene_not, kleene_or

Verdicts = Mapping[str, bool | None]


@dataclass(frozen=True)
class MeasureVerdict:
    """A measure's outcome and the criteria that decided it."""

    outcome: str
    deciding: tuple[CriterionDef, ...]
    """The criteria the reason line names: failures, exclusions or unknowns."""


def exclusion_applies(excl: CriterionDef, verdicts: Verdicts) -> bool | None:
    """Kleene value of "the exclusion holds and none of its exceptions holds"."""
    if not excl.unless:
        return verdicts[excl.key]
    excepted = kleene_or([verdicts[u.key] for u in excl.unless])
    return kleene_and([verdicts[excl.key], kleene_not(excepted)])


def decide(measure: MeasureDef, verdicts: Verdicts, in_force: bool) -> MeasureVerdict:
    """The outcome of ``measure`` given every criterion's verdict."""
    if not in_force:
        return MeasureVerdict("not_applicable", ())
    scope_out = tuple(c for c in measure.applies_to if verdicts[c.key] is False)
    if scope_out:
        return MeasureVerdict("not_applicable", scope_out)
    scope_unknown = tuple(c for c in measure.applies_to if verdicts[c.key] is None)
    if measure.when_met is None:  # the law provides no alternative for what it covers
        if scope_unknown:
            return MeasureVerdict("undetermined", scope_unknown)
        return MeasureVerdict("not_applicable", ())
    excluded = tuple(e for e in measure.excluded_if if exclusion_applies(e, verdicts) is True)
    failed = tuple(r for r in measure.requires if verdicts[r.key] is False)
    if (excluded or failed) and not scope_unknown:
        return MeasureVerdict("ineligible", excluded + failed)
    unknown = (
        scope_unknown
        + tuple(r for r in measure.requires if verdicts[r.key] is None)
        + tuple(e for e in measure.excluded_if if exclusion_applies(e, verdicts) is None)
    )
    if unknown:
        return MeasureVerdict("undetermined", unknown)
    return MeasureVerdict(measure.when_met, ())
