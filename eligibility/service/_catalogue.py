"""What the service says about its rulesets: the list with versions in force, and one ruleset's
measures and sources. Built from the loaded :class:`Registry`, never from the files again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from eligibility._evaluate import citation_out
from eligibility._model import CriterionDef, MeasureDef, Period, Ruleset
from eligibility.decision import CitationOut
from eligibility.service._runtime import Loaded

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class InForce(BaseModel):
    """A period in force, as decisions write it; ``until`` is ``null`` while it lasts."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: dt.date = Field(alias="from")
    until: dt.date | None


class RulesetVersion(BaseModel):
    """One version (one file) of a ruleset."""

    model_config = _CONFIG

    version: str
    file: str
    """The file, relative to the rulesets folder."""
    content_hash: str
    """SHA-256 of the file's bytes; decisions name the same hash."""
    in_force: InForce
    in_force_today: bool
    checked: dt.date
    """When the sources were last checked."""


class RulesetSummary(BaseModel):
    """A ruleset and all its versions."""

    model_config = _CONFIG

    id: str
    jurisdiction: str
    title: str
    measures: int
    versions: list[RulesetVersion]


class RulesetList(BaseModel):
    """Every loaded ruleset."""

    model_config = _CONFIG

    fingerprint: str
    """SHA-256 over every file's path and content hash: changes whenever a file does."""
    loaded_at: dt.datetime
    today: dt.date
    rulesets: list[RulesetSummary]


class CriterionInfo(BaseModel):
    """A criterion as the ruleset states it."""

    model_config = _CONFIG

    id: str
    role: str
    text: str
    citation: CitationOut
    unless: list[CriterionInfo]


class MeasureInfo(BaseModel):
    """A measure: what it is, who decides, and its criteria."""

    model_config = _CONFIG

    id: str
    title: str
    kind: str
    stage: str
    decided_by: str
    when_met: str | None
    citation: CitationOut
    in_force: InForce | None
    criteria: list[CriterionInfo]
    notes: list[str]


class RulesetDetail(BaseModel):
    """One version of one ruleset: its measures and its sources."""

    model_config = _CONFIG

    id: str
    jurisdiction: str
    title: str
    version: str
    content_hash: str
    in_force: InForce
    checked: dt.date
    disclaimer: str
    sources: dict[str, CitationOut]
    measures: list[MeasureInfo]
    versions: list[RulesetVersion]


def _period(p: Period) -> InForce:
    return InForce(start=p.start, until=p.until)


def _version(r: Ruleset, root: Path, today: dt.date) -> RulesetVersion:
    return RulesetVersion(
        version=r.version,
        file=Path(r.path).relative_to(root).as_posix(),
        content_hash=r.content_hash,
        in_force=_period(r.in_force),
        in_force_today=r.in_force.contains(today),
        checked=r.checked,
    )


def _criterion(c: CriterionDef) -> CriterionInfo:
    return CriterionInfo(
        id=c.id,
        role=c.role,
        text=c.text,
        citation=citation_out(c.cite),
        unless=[_criterion(u) for u in c.unless],
    )


def _measure(m: MeasureDef) -> MeasureInfo:
    return MeasureInfo(
        id=m.id,
        title=m.title,
        kind=m.kind,
        stage=m.stage,
        decided_by=m.decided_by,
        when_met=m.when_met,
        citation=citation_out(m.cite),
        in_force=_period(m.in_force) if m.in_force else None,
        criteria=[_criterion(c) for c in (*m.applies_to, *m.requires, *m.excluded_if)],
        notes=list(m.notes),
    )


def _groups(loaded: Loaded) -> dict[str, list[Ruleset]]:
    return {
        rid: versions
        for g in loaded.registry.by_jurisdiction.values()
        for rid, versions in g.items()
    }


def ruleset_list(loaded: Loaded, today: dt.date) -> RulesetList:
    """Every ruleset with its versions, sorted by jurisdiction and id."""
    summaries = [
        RulesetSummary(
            id=rid,
            jurisdiction=versions[-1].jurisdiction.upper(),
            title=versions[-1].title,
            measures=len(versions[-1].measures),
            versions=[_version(r, loaded.root, today) for r in versions],
        )
        for rid, versions in _groups(loaded).items()
    ]
    summaries.sort(key=lambda s: (s.jurisdiction, s.id))
    return RulesetList(
        fingerprint=loaded.fingerprint, loaded_at=loaded.loaded_at, today=today, rulesets=summaries
    )


def ruleset_detail(loaded: Loaded, ruleset_id: str, on: dt.date) -> RulesetDetail | None:
    """The version of ``ruleset_id`` in force ``on`` that day, else its latest; ``None`` if unknown."""
    versions = _groups(loaded).get(ruleset_id)
    if versions is None:
        return None
    chosen = next((r for r in versions if r.in_force.contains(on)), versions[-1])
    return RulesetDetail(
        id=chosen.id,
        jurisdiction=chosen.jurisdiction.upper(),
        title=chosen.title,
        version=chosen.version,
        content_hash=chosen.content_hash,
        in_force=_period(chosen.in_force),
        checked=chosen.checked,
        disclaimer=chosen.disclaimer,
        sources={key: citation_out(c) for key, c in sorted(chosen.sources.items())},
        measures=[_measure(m) for m in chosen.measures],
        versions=[_version(r, loaded.root, on) for r in versions],
    )
