"""As of a date: a case decided as if the decision were taken on another day.

The day replaces the case's ``decision_date``; everything the law derives from it follows (the
ruleset version and parameter values in force where the decision date governs, the person's age
at the decision, look-back windows counted back from the decision). Law that governs by the
offence date is unaffected, as it is in court. The decision records the day and the date it
replaced (``as_of``), so a stored decision can be replayed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from eligibility.case import Case
from eligibility.decision import WHAT_IF_SCHEMA_VERSION, AsOfOut, Decision
from eligibility.errors import CaseError, Problem

if TYPE_CHECKING:
    from eligibility._evaluate import Registry


def on_day(case: Case, day: dt.date) -> Case:
    """``case`` with its decision date set to ``day``."""
    return case.model_copy(update={"decision_date": day})


def check_day(case: Case, day: dt.date) -> None:
    """Refuse a day before the offence: no decision is taken on an offence not yet committed."""
    if case.offense_date is not None and day < case.offense_date:
        raise CaseError(
            [
                Problem(
                    f"as-of date {day} is before the offence date {case.offense_date}",
                    location="as_of",
                    hint="give a day on or after the offence date",
                )
            ]
        )


def evaluate_as_of(registry: Registry, case: Case, day: dt.date, strict: bool = False) -> Decision:
    """The decision for ``case`` as the law stood, and the facts were, on ``day``."""
    check_day(case, day)
    decision = registry.evaluate(on_day(case, day), strict=strict)
    stamp = AsOfOut(
        date=day.isoformat(),
        replaces_decision_date=case.decision_date.isoformat() if case.decision_date else None,
    )
    return decision.model_copy(update={"as_of": stamp, "schema_version": WHAT_IF_SCHEMA_VERSION})


def parse_day(text: str, where: str = "as_of") -> dt.date:
    """A ``YYYY-MM-DD`` day from the command line or a query string, refused with its place."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CaseError(
            [Problem(f"{text!r} is not a date", location=where, hint="give it as YYYY-MM-DD")]
        ) from None
