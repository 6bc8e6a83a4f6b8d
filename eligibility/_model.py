"""Compiled, frozen domain objects built from a validated ruleset file."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eligibility import _expr as E
from eligibility._types import Scalar, Type
from eligibility.records.substances import Substances
from eligibility.records.table import StatuteTable
from eligibility.records.vocabulary import Vocabulary

if TYPE_CHECKING:  # _invariants builds on this module's classes
    from eligibility._invariants import InvariantDef


@dataclass(frozen=True)
class Cite:
    """A resolved citation: the instrument, pinpoint, URL and kind."""

    source: str
    title: str
    kind: str
    url: str
    pinpoint: str | None = None

    @property
    def guidance(self) -> bool:
        """True when the cited text is official guidance rather than law."""
        return self.kind == "guidance"

    def label(self) -> str:
        """``Title, pinpoint`` for display."""
        return f"{self.title}, {self.pinpoint}" if self.pinpoint else self.title


@dataclass(frozen=True)
class Period:
    """Inclusive in-force period; ``until`` is ``None`` while still in force."""

    start: dt.date
    until: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        """True if ``day`` falls inside the period."""
        return self.start <= day and (self.until is None or day <= self.until)

    def render(self) -> str:
        """``2018-01-01 – `` or ``1997-01-01 – 2017-12-31``."""
        return f"{self.start.isoformat()} – {self.until.isoformat() if self.until else ''}".rstrip()


@dataclass(frozen=True)
class CriterionDef:
    """A criterion with its parsed, definition-expanded condition."""

    key: str
    """Unique within the ruleset: ``<measure>.<criterion>`` (``.unless.<id>`` for exceptions)."""
    id: str
    role: str
    """``scope``, ``requires``, ``excluded_if`` or ``unless``."""
    text: str
    cite: Cite
    source_text: str
    condition: E.Node
    unless: tuple[CriterionDef, ...] = ()
    read_names: tuple[str, ...] = ()
    """Case-level facts the condition reads (parameters and unsettled points excluded)."""
    read_lists: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per list the condition ranges over, the item fields it reads."""


@dataclass(frozen=True)
class MeasureDef:
    """A measure ready to evaluate. ``when_met`` is ``None`` for a no-alternative statement."""

    id: str
    title: str
    kind: str
    stage: str
    decided_by: str
    when_met: str | None
    cite: Cite
    in_force: Period | None
    applies_to: tuple[CriterionDef, ...]
    requires: tuple[CriterionDef, ...]
    excluded_if: tuple[CriterionDef, ...]
    notes: tuple[str, ...] = ()
    no_alternative_text: str | None = None
    governing_date: str | None = None

    def criteria(self) -> tuple[CriterionDef, ...]:
        """Every criterion of the measure, exceptions included, in declaration order."""
        out: list[CriterionDef] = [*self.applies_to, *self.requires]
        for excl in self.excluded_if:
            out.append(excl)
            out.extend(excl.unless)
        return tuple(out)


@dataclass(frozen=True)
class FactDef:
    """A ruleset-declared fact."""

    name: str
    type: Scalar
    question: str
    values: tuple[str, ...] | None = None
    assume: Any = None
    assume_reason: str | None = None


@dataclass(frozen=True)
class UnsettledDef:
    """An open point of law; conditions naming it always read it as unknown."""

    name: str
    text: str
    cite: Cite


@dataclass(frozen=True)
class DatedValue:
    """One dated value of a parameter."""

    period: Period
    value: Any
    cite: Cite


@dataclass(frozen=True)
class ParameterDef:
    """A dated, cited parameter."""

    name: str
    type: Type
    description: str
    values: tuple[DatedValue, ...]


@dataclass(frozen=True)
class OffenceDef:
    """A statute-table row."""

    code: str
    title: str
    category: str | None
    class_: str | None
    drug_related: bool | None


@dataclass(frozen=True, eq=False)
class Ruleset:
    """One version of one programme's rules, compiled and ready to evaluate."""

    id: str
    jurisdiction: str
    title: str
    version: str
    checked: dt.date
    disclaimer: str
    in_force: Period
    governing_date: str
    governing_date_reason: str
    alternatives: str
    notes: tuple[str, ...]
    sources: Mapping[str, Cite]
    facts: Mapping[str, FactDef]
    unsettled: Mapping[str, UnsettledDef]
    parameters: Mapping[str, ParameterDef]
    offences: Mapping[str, OffenceDef]
    statutes: StatuteTable
    measures: tuple[MeasureDef, ...]
    content_hash: str
    path: str
    applies_in_subdivisions: bool = False
    invariants: tuple[InvariantDef, ...] = ()
    """Properties the author declares the encoded law has (checked by ``eligibility explore``)."""
    substances: Substances = field(default_factory=lambda: Substances({}))
    """Substance names as records write them → the names this ruleset's lists use."""
    vocabulary: Vocabulary | None = None
    """The jurisdiction's records vocabulary, if it has one."""
    _snapshots: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Parameter snapshots by stretch of days (see :meth:`snapshot`); not copied by
    ``dataclasses.replace``, so a changed ruleset computes its own."""

    def criteria(self) -> tuple[CriterionDef, ...]:
        """Every criterion of every measure."""
        return tuple(c for m in self.measures for c in m.criteria())

    def snapshot(self, day: dt.date) -> tuple[tuple[tuple[str, int], ...], dict[str, Any]]:
        """The parameter values in force on ``day`` and a key naming that set of values
        (which dated value of each parameter), so equal sets compile once. Computed once per
        stretch of days between two dates on which some value starts or ends (the returned
        values are shared: read them, never change them)."""
        cache = self._snapshots
        breaks = cache.get("breaks")
        if breaks is None:
            days = set()
            for param in self.parameters.values():
                for value in param.values:
                    days.add(value.period.start)
                    if value.period.until is not None and value.period.until < dt.date.max:
                        days.add(value.period.until + dt.timedelta(days=1))
            breaks = cache["breaks"] = sorted(days)
        stretch = bisect.bisect_right(breaks, day)
        hit = cache.get(stretch)
        if hit is None:
            hit = cache[stretch] = self._snapshot(day)
        return hit

    def _snapshot(self, day: dt.date) -> tuple[tuple[tuple[str, int], ...], dict[str, Any]]:
        key: list[tuple[str, int]] = []
        values: dict[str, Any] = {}
        for name, param in sorted(self.parameters.items()):
            for index, value in enumerate(param.values):
                if value.period.contains(day):
                    key.append((name, index))
                    values[name] = value.value
                    break
        return tuple(key), values
