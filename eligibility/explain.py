"""Explanation levels: a decision with less reasoning, and expanding it back (docs/explanation.md).

``full`` is the :class:`~eligibility.decision.Decision`. ``deciding`` keeps each measure's
outcome, reason and deciding criteria with their citations, the missing facts, open points,
assumptions and notices, and the hashes of the case and of every ruleset version applied:
:func:`expand` turns it, with the case, back into the full decision, and checks that it is the
same decision. ``outcome`` keeps the outcomes only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from eligibility._evaluate import case_hash, ruleset_hashes, short_decision
from eligibility.case import Case, problems_from_validation
from eligibility.decision import (
    EXPLANATIONS,
    AnyDecision,
    DecidingDecision,
    Decision,
    Explanation,
    MeasureDeciding,
    OutcomeDecision,
)
from eligibility.errors import CaseError, Problem

if TYPE_CHECKING:
    from eligibility._evaluate import Registry

__all__ = ["EXPLANATIONS", "ExpandError", "Explanation", "expand", "render_short", "shorten"]


class ExpandError(CaseError):
    """A short decision cannot be expanded: another case, other rulesets, or a different result."""


def shorten(decision: Decision, explain: Explanation, case: Case) -> AnyDecision:
    """The same decision at a shorter level, derived from the full one (what
    ``Registry.evaluate(case, explain=...)`` gives directly, faster)."""
    if explain == "full":
        return decision
    return short_decision(explain, case, decision.__dict__)


def _as_deciding(short: DecidingDecision | Mapping[str, Any] | bytes | str) -> DecidingDecision:
    if isinstance(short, DecidingDecision):
        return short
    try:
        if isinstance(short, bytes | str):
            return DecidingDecision.model_validate_json(short)
        return DecidingDecision.model_validate(short)
    except ValidationError as exc:
        problems = [
            dataclasses.replace(p, message=f"not a `deciding` decision: {p.message}")
            for p in problems_from_validation(exc)[:20]
        ]
        raise ExpandError(problems) from None


def expand(
    short: DecidingDecision | Mapping[str, Any] | bytes | str,
    case: Case,
    registry: Registry | None = None,
) -> Decision:
    """The full Decision behind a ``deciding`` one, from the case it was made for.

    Checks, and raises :class:`ExpandError` naming what differs, that the case is the one
    decided (its ``case_hash``), that every ruleset version it names is the one loaded now
    (``content_hash`` and ``records_hash``), and that the full decision derived now shortens to
    exactly the stored one. Made by the same engine version, the result is byte-identical to
    the full decision the case got when it was screened."""
    stored = _as_deciding(short)
    if registry is None:
        from eligibility import default_registry

        registry = default_registry()
    if case.case_id != stored.case_id:
        raise ExpandError(
            [
                Problem(
                    f"the decision is for case {stored.case_id!r}, not {case.case_id!r}",
                    location="case_id",
                )
            ]
        )
    got = case_hash(case)
    if got != stored.case_hash:
        raise ExpandError(
            [
                Problem(
                    f"this is not the case that was decided: its hash is {got}, the decision's "
                    f"is {stored.case_hash}",
                    location="case_hash",
                    hint="give the case exactly as it was screened (spacing and key order do "
                    "not matter; any value does)",
                )
            ]
        )
    if stored.engine.evaluator != registry.evaluator:
        raise ExpandError(
            [
                Problem(
                    f"the decision was made by the {stored.engine.evaluator} evaluator; these "
                    f"rulesets are loaded with {registry.evaluator}",
                    location="engine.evaluator",
                )
            ]
        )
    full = registry.evaluate(case)
    now = {h.id: h for h in ruleset_hashes(full.rulesets)}
    problems = []
    for h in stored.rulesets:
        loaded = now.get(h.id)
        if loaded != h:
            state = (
                "is not loaded"
                if loaded is None
                else f"is loaded as version {loaded.version} sha256 {loaded.content_hash} "
                f"(records {loaded.records_hash})"
            )
            problems.append(
                Problem(
                    f"ruleset {h.id} was version {h.version} sha256 {h.content_hash} (records "
                    f"{h.records_hash}) when decided, and {state}",
                    location=f"rulesets[{h.id}]",
                    hint="load the rulesets the decision was made with (--rulesets DIR, or a "
                    "checkout of the commit that holds them)",
                )
            )
    if set(now) != {h.id for h in stored.rulesets}:
        extra = sorted(set(now) - {h.id for h in stored.rulesets})
        if extra:
            problems.append(
                Problem(
                    "rulesets loaded now that the decision did not apply: " + ", ".join(extra),
                    location="rulesets",
                )
            )
    if problems:
        raise ExpandError(problems)
    derived = shorten(full, "deciding", case)
    assert isinstance(derived, DecidingDecision)
    if derived.model_copy(update={"engine": stored.engine}) != stored:
        raise ExpandError([_first_difference(stored, derived)])
    return full


def _first_difference(stored: DecidingDecision, derived: DecidingDecision) -> Problem:
    for a, b in zip(stored.measures, derived.measures, strict=False):
        if a != b:
            return Problem(
                f"measure {a.id}: the decision says {a.outcome} ({a.reason}); deciding it again "
                f"with the same rulesets gives {b.outcome} ({b.reason})",
                location=f"measures[{a.id}]",
                hint=f"the engine was {stored.engine.version}, is {derived.engine.version}",
            )
    for name in DecidingDecision.model_fields:
        if name != "engine" and getattr(stored, name) != getattr(derived, name):
            return Problem(
                f"`{name}` differs from what deciding the case again gives",
                location=name,
                hint=f"the engine was {stored.engine.version}, is {derived.engine.version}",
            )
    return Problem("the decision differs from what deciding the case again gives")


def render_short(decision: DecidingDecision | OutcomeDecision) -> str:
    """A short decision as text for people: each measure's outcome and, at the ``deciding``
    level, why, with the deciding criteria and their citations."""
    lines = [decision.summary, ""]
    for m in decision.measures:
        lines.append(f"{m.outcome.upper():15} {m.id}  ({m.ruleset}; decided by {m.decided_by})")
        if isinstance(m, MeasureDeciding):
            lines.append(f"    {m.reason}")
            for c in m.deciding_criteria:
                where = c.citation.title + (
                    f" {c.citation.pinpoint}" if c.citation.pinpoint else ""
                )
                lines.append(f"    - {c.id} [{c.role}: {c.status}] {where}")
    if isinstance(decision, DecidingDecision):
        if decision.missing_facts:
            lines += ["", "To decide what is undetermined, find out:"]
            lines += [f"  - {f.fact}: {f.question}" for f in decision.missing_facts]
        if decision.unsettled:
            lines += ["", "Open points of law:"]
            lines += [f"  - {u.ruleset}/{u.id}: {u.text}" for u in decision.unsettled]
        if decision.notices:
            lines += ["", "How the record was read:"]
            lines += [f"  - {n.location}: {n.message}" for n in decision.notices]
    elif decision.notices:
        lines += [
            "",
            f"{decision.notices} notice(s) on how the record was read: ask for "
            "--explain deciding or full to see them.",
        ]
    lines += [
        "",
        f"Explanation: {decision.explanation} (--explain full gives every criterion "
        "and the facts it read).",
        decision.disclaimer,
        "",
    ]
    return "\n".join(lines)
