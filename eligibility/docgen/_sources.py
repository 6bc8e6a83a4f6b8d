"""What the reference pages are made from: each loaded version with its file's own text.

The compiled :class:`Ruleset` is what the engine evaluates, so the pages render it: the same
citations, periods and parameter values a decision reports. A few things a legal reviewer needs
are compiled away (named definitions are expanded into the conditions; statute families, offence
spellings and a source's in-force period and notes are not kept), so they are read from the
validated file model of the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from eligibility import _expr as E
from eligibility import ruleset_schema as S
from eligibility._model import MeasureDef, Period, Ruleset
from eligibility._yaml import YamlError, load_yaml
from eligibility.errors import Problem, RulesetError


@dataclass(frozen=True)
class Version:
    """One version of a ruleset: the compiled ruleset and its validated file."""

    ruleset: Ruleset
    file: S.RulesetFile
    path: Path
    """The ruleset file."""

    @property
    def key(self) -> str:
        """Names the version in anchors: its first day in force (versions never overlap)."""
        return "v" + self.ruleset.in_force.start.isoformat()


@dataclass(frozen=True)
class RulesetDoc:
    """Every version of one ruleset id, oldest first: one reference page."""

    id: str
    versions: tuple[Version, ...]

    @property
    def latest(self) -> Version:
        """The version in force last."""
        return self.versions[-1]

    @property
    def jurisdiction(self) -> str:
        """The jurisdiction code of the latest version."""
        return self.latest.ruleset.jurisdiction

    @property
    def page(self) -> str:
        """The page's file name."""
        return f"{self.id}.md"

    def anchor_prefix(self, version: Version) -> str:
        """Anchors of a multi-version page are prefixed with the version key."""
        return f"{version.key}-" if len(self.versions) > 1 else ""


def read_file_model(ruleset: Ruleset) -> S.RulesetFile:
    """The validated file model of a loaded ruleset (re-read from its file)."""
    try:
        text = Path(ruleset.path).read_text(encoding="utf-8")
        return S.RulesetFile.model_validate(load_yaml(text, ruleset.path).data)
    except (OSError, UnicodeDecodeError, YamlError, ValidationError) as exc:
        # The loader validated this file moments ago; it changed or vanished since.
        raise RulesetError(
            [Problem(f"the ruleset file changed while it was read: {exc}", file=ruleset.path)]
        ) from None


def group(rulesets: Sequence[Ruleset]) -> list[RulesetDoc]:
    """Versions grouped by ruleset id, sorted by jurisdiction then id; versions oldest first."""
    by_id: dict[str, list[Ruleset]] = {}
    for r in rulesets:
        by_id.setdefault(r.id, []).append(r)
    docs = []
    for rid, versions in by_id.items():
        versions.sort(key=lambda r: r.in_force.start)
        docs.append(
            RulesetDoc(
                rid,
                tuple(Version(r, read_file_model(r), Path(r.path)) for r in versions),
            )
        )
    return sorted(docs, key=lambda d: (d.jurisdiction, d.id))


def find(ruleset: Ruleset, measure_id: str) -> MeasureDef | None:
    """The measure of ``ruleset`` with this id, if it has one."""
    return next((m for m in ruleset.measures if m.id == measure_id), None)


def parameters_read(measure: MeasureDef, ruleset: Ruleset) -> list[str]:
    """The parameters a measure's conditions read (definitions expanded), in declaration order."""
    names: set[str] = set()
    for criterion in measure.criteria():
        names.update(_names(criterion.condition))
    return [p for p in ruleset.parameters if p in names]


def _names(node: E.Node) -> Iterator[str]:
    if isinstance(node, E.Name):
        yield node.name
    for field in node.__dataclass_fields__:
        child = getattr(node, field)
        if isinstance(child, E.Node):
            yield from _names(child)
        elif isinstance(child, tuple):
            for item in child:
                if isinstance(item, E.Node):
                    yield from _names(item)


def effective(measure: MeasureDef | None, version: Ruleset) -> Period | None:
    """The part of ``version``'s in-force period in which ``measure`` is in force."""
    if measure is None:
        return None
    own = measure.in_force or version.in_force
    start = max(own.start, version.in_force.start)
    ends = [d for d in (own.until, version.in_force.until) if d is not None]
    until = min(ends) if ends else None
    if until is not None and until < start:
        return None
    return Period(start, until)


def merge(periods: Sequence[Period]) -> list[Period]:
    """Periods sorted, with touching or overlapping ones joined."""
    out: list[Period] = []
    for p in sorted(periods, key=lambda p: p.start):
        last = out[-1] if out else None
        if last is not None and (
            last.until is None or last.until + dt.timedelta(days=1) >= p.start
        ):
            if last.until is not None and (p.until is None or p.until > last.until):
                out[-1] = Period(last.start, p.until)
        else:
            out.append(p)
    return out
