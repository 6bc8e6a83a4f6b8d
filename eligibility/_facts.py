"""Normalisation: a :class:`Case` becomes the facts a ruleset's conditions read.

Ages are completed years; quantities are converted to grams, millilitres or a count and
rounded to six decimal places (a microgram), the precision both evaluators share; recorded
statutes become canonical offence codes; declared facts are type-checked and assumptions
applied and recorded. Unknown stays unknown: an absent value is simply not in the result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from eligibility._model import Ruleset
from eligibility._types import Scalar, suggest
from eligibility.case import Case, Charge, Prior
from eligibility.errors import CaseError, Problem
from eligibility.records.notices import Notice
from eligibility.records.reader import read_quantity, read_statute, read_substance

QUANTUM = Decimal("0.000001")
MAX_NUMBER = 10**12
"""The largest magnitude a numeric fact may have: the engine compares numbers exactly, as
integer millionths, and those must fit in 64 bits."""


@dataclass(frozen=True)
class Assumption:
    """A value assumed for a missing fact, disclosed in every decision that used it."""

    fact: str
    value: Any
    reason: str


@dataclass(frozen=True)
class Facts:
    """The normalised facts of one case under one ruleset."""

    values: Mapping[str, Any]
    assumptions: tuple[Assumption, ...]
    notices: tuple[Notice, ...] = ()
    """What was read how, and what could not be read."""
    readings: tuple[tuple[str, int, tuple[Mapping[str, Any], ...]], ...] = ()
    """Charges and priors whose record names several provisions, every one known: the list
    (``charges``/``priors``), the index, and the item under each reading."""


def quantise(value: Decimal) -> Decimal:
    """Round to the shared precision of six decimal places."""
    return value.quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


def completed_years(birth: dt.date, day: dt.date) -> int:
    """Age in completed years on ``day``, by calendar comparison: a year is completed on the
    birthday itself, and a 29 February birthday is completed on 1 March in common years."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


class Normaliser:
    """Normalises cases for one ruleset."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._gross_counts = bool(
            ruleset.vocabulary and ruleset.vocabulary.file.quantities.gross_counts_as_weight
        )
        """A gross weight (with packaging) counts as the weight the rules compare."""
        self._fact_decls = [
            (
                name,
                decl.type,
                decl.values,
                None
                if decl.assume is None
                else (
                    Decimal(str(decl.assume)) if decl.type == Scalar.NUMBER else decl.assume,
                    Assumption(name, decl.assume, decl.assume_reason or ""),
                ),
            )
            for name, decl in ruleset.facts.items()
        ]
        """Each declared fact: its name, type, allowed values, and the value assumed when it is
        not given with the assumption disclosed (made once; both are immutable)."""

    def offence(
        self, statute: str | None, where: str, given: set[str], notices: list[Notice]
    ) -> dict[str, Any]:
        if statute is None:
            return {}
        return read_statute(
            self.ruleset.statutes, self.ruleset.jurisdiction, statute, where, given, notices
        )

    def charge(self, c: Charge, i: int, notices: list[Notice]) -> dict[str, Any]:
        own = _drop_none(
            {
                "category": c.category,
                "class": c.class_,
                "purpose": c.purpose,
                "violence": c.violence,
                "weapon": c.weapon,
                "drug_related": c.drug_related,
            }
        )
        base = self.offence(c.statute, f"charges[{i}].statute", set(own), notices)
        if c.substance is not None and not self.ruleset.substances.names:
            # The rules compare no substance: the name is kept as recorded, with no notice.
            base["substance"] = c.substance
        elif c.substance is not None:
            base.update(
                read_substance(
                    self.ruleset.substances, c.substance, f"charges[{i}].substance", notices
                )
            )
        if c.quantity is not None:
            base.update(
                read_quantity(
                    c.quantity.value,
                    c.quantity.unit,
                    f"charges[{i}].quantity",
                    self._gross_counts,
                    notices,
                )
            )
        # What the record states itself overrides what the statute table says.
        base.update(own)
        return _drop_none(base)

    def prior(self, p: Prior, i: int, jurisdiction: str, notices: list[Notice]) -> dict[str, Any]:
        custody: int | None = None
        if p.custody is not None and all(period.end is not None for period in p.custody):
            custody = sum(
                (period.end - period.start).days + 1 for period in p.custody if period.end
            )
        own = _drop_none(
            {
                "jurisdiction": p.jurisdiction.lower() if p.jurisdiction else jurisdiction,
                "category": p.category,
                "class": p.class_,
                "disposition": p.disposition,
                "offense_date": p.offense_date,
                "disposition_date": p.disposition_date,
                "release_date": p.release_date,
                "custody_days": Decimal(custody) if custody is not None else None,
                "felony": p.felony,
                "violent": p.violent,
                "serious_or_violent_felony": p.serious_or_violent_felony,
                "drug_related": p.drug_related,
            }
        )
        if own["jurisdiction"] == jurisdiction:
            # What the record states needs no question (read_statute asks only about the
            # table's attributes, so the other names in `own` are never looked at).
            base = self.offence(p.statute, f"priors[{i}].statute", set(own), notices)
        else:  # recorded elsewhere: this jurisdiction's table does not read it
            base = {} if p.statute is None else {"statute": p.statute}
        # What the record states itself overrides what the statute table says.
        base.update(own)
        return _drop_none(base)

    def normalise(self, case: Case) -> Facts:
        """Normalise ``case``; raise :class:`CaseError` listing every problem."""
        problems: list[Problem] = []
        notices: list[Notice] = []
        jurisdiction = self.ruleset.jurisdiction
        values: dict[str, Any] = {
            "offense_date": case.offense_date,
            "decision_date": case.decision_date,
            "consent": case.consent,
            "admits_offense": case.admits_offense,
            "plea": case.plea,
        }
        person = case.person
        if person is not None:
            birth = person.birth_date
            if birth is not None and case.offense_date is not None:
                if birth > case.offense_date:
                    problems.append(
                        Problem(
                            "the birth date is after the offence date", location="person.birth_date"
                        )
                    )
                values["age_at_offense"] = Decimal(completed_years(birth, case.offense_date))
                if (
                    person.age_at_offense is not None
                    and person.age_at_offense != values["age_at_offense"]
                ):
                    problems.append(
                        Problem(
                            "age_at_offense does not match the birth date and offence date",
                            location="person.age_at_offense",
                        )
                    )
            elif person.age_at_offense is not None:
                values["age_at_offense"] = Decimal(person.age_at_offense)
            if birth is not None and case.decision_date is not None:
                values["age_at_decision"] = Decimal(completed_years(birth, case.decision_date))
        if case.charges is not None:
            values["charges"] = tuple(
                self.charge(c, i, notices) for i, c in enumerate(case.charges)
            )
        if case.priors is not None:
            values["priors"] = tuple(
                self.prior(p, i, jurisdiction, notices) for i, p in enumerate(case.priors)
            )
        assumptions = self._declared(case, values, problems)
        if problems:
            raise CaseError(problems)
        return Facts(
            _drop_none(values), tuple(assumptions), tuple(notices), self._readings(case, values)
        )

    def _readings(
        self, case: Case, values: Mapping[str, Any]
    ) -> tuple[tuple[str, int, tuple[Mapping[str, Any], ...]], ...]:
        out = []
        groups: tuple[tuple[str, list[Charge | Prior]], ...] = (
            ("charges", list(case.charges or ())),
            ("priors", list(case.priors or ())),
        )
        for name, records in groups:
            for i, record in enumerate(records):
                if record.statute is None:
                    continue
                where = record.__dict__.get("jurisdiction")  # a charge has none
                if where is not None and where.lower() != self.ruleset.jurisdiction:
                    continue
                reading = self.ruleset.statutes.read(record.statute)
                if not reading.readings:
                    continue
                item = values[name][i]
                own = {k: item[k] for k in ("category", "class", "drug_related") if k in item}
                given = {
                    k
                    for k in ("category", "class", "drug_related")
                    if getattr(record, "class_" if k == "class" else k) is not None
                }
                variants = []
                for code, attrs in reading.readings:
                    variant = {**item, **attrs, "offense": code}
                    variant.update({k: own[k] for k in given})
                    variants.append(variant)
                out.append((name, i, tuple(variants)))
        return tuple(out)

    def _declared(
        self, case: Case, values: dict[str, Any], problems: list[Problem]
    ) -> list[Assumption]:
        assumptions = []
        given_facts = case.facts
        for name, kind, allowed, assumed in self._fact_decls:
            given = given_facts.get(name)
            if given is None:
                if assumed is not None:
                    values[name] = assumed[0]
                    assumptions.append(assumed[1])
                continue
            converted = convert_fact(given, kind, allowed)
            if isinstance(converted, str) and converted.startswith("!"):
                problems.append(Problem(converted[1:], location=f"facts.{name}"))
                continue
            values[name] = converted
        return assumptions


def convert_fact(value: Any, kind: Scalar, allowed: tuple[str, ...] | None) -> Any:
    """Convert a given fact to its declared type; an error is returned as ``"!message"``."""
    if kind == Scalar.BOOL:
        return value if isinstance(value, bool) else "!expected true or false"
    if kind == Scalar.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "!expected a number"
        if isinstance(value, float) and not math.isfinite(value):
            return "!expected a finite number"
        if abs(value) > MAX_NUMBER:
            # Numbers reach durable-rules as integers in millionths, which must fit 64 bits.
            return f"!expected a number between -{MAX_NUMBER:,} and {MAX_NUMBER:,}"
        return quantise(Decimal(repr(value)))
    if kind == Scalar.DATE:
        if not isinstance(value, str):
            return "!expected a date as YYYY-MM-DD"
        try:
            return (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else "!expected a date as YYYY-MM-DD"
            )
        except ValueError:
            return "!expected a date as YYYY-MM-DD"
    if not isinstance(value, str):
        return "!expected text"
    if allowed is not None and value not in allowed:
        hint = suggest(value, list(allowed))
        return f"!expected one of: {', '.join(allowed)}" + (f" ({hint})" if hint else "")
    return value
