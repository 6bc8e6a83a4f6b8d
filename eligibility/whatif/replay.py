"""Replay: re-derive a stored decision from its case and say whether it still comes out the same.

The stored decision names what it was made with — the ruleset versions and their SHA-256
content hashes, the evaluator, the as-of day and the what-if parts — so the replay asks for the
same again and compares the bytes. When they differ it names the rulesets whose stored hash is
no longer loaded, and walks both decisions in order to the first measure and criterion whose
result differs, with the law behind it before and after: the criterion's text and citation and
the ruleset version that carried it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eligibility.case import Case
from eligibility.errors import CaseError, Problem

if TYPE_CHECKING:
    from eligibility._evaluate import Registry


@dataclass(frozen=True)
class RulesetNeed:
    """A ruleset version the stored decision was made with, and whether it is loaded."""

    id: str
    version: str | None
    content_hash: str | None
    loaded: bool
    now: str | None
    """The version the loaded rulesets select for the case now (and its hash)."""


@dataclass(frozen=True)
class Difference:
    """The first result that differs, and the law behind it then and now."""

    measure: str
    criterion: str | None
    before: str
    after: str
    law_before: str
    law_after: str
    changes: list[str] = field(default_factory=list)
    """What changed in the law behind the criterion, when the stored ruleset version was found
    in the rulesets' git history (condition, definitions, parameters, text, citation)."""
    found_in: str | None = None
    """The git commit that holds the ruleset version the stored decision was made with."""


@dataclass(frozen=True)
class ReplayReport:
    """What a replay found."""

    identical: bool
    needs: list[RulesetNeed]
    engine_before: str
    engine_after: str
    difference: Difference | None = None
    notes: list[str] = field(default_factory=list)
    fresh_json: str = field(default="", repr=False)
    """The re-derived decision (not part of the printed report)."""

    def render(self) -> str:
        """The report as text."""
        lines = ["byte-identical" if self.identical else "DIFFERENT"]
        for n in self.needs:
            state = "loaded" if n.loaded else f"NOT loaded (now: {n.now or 'none selected'})"
            lines.append(f"  needs {n.id} version {n.version} sha256 {n.content_hash}: {state}")
        if self.engine_before != self.engine_after:
            lines.append(f"  engine: stored {self.engine_before}, now {self.engine_after}")
        d = self.difference
        if d is not None:
            where = f"{d.measure}" + (f", criterion {d.criterion}" if d.criterion else "")
            lines.append(f"  first difference: {where}: {d.before} → {d.after}")
            lines.append(f"    law then: {d.law_before}")
            lines.append(f"    law now:  {d.law_after}")
            if d.found_in:
                lines.append(f"    the stored ruleset version is commit {d.found_in}; since then:")
            lines.extend(f"      {c}" for c in d.changes)
        lines.extend(f"  {n}" for n in self.notes)
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as JSON."""
        from dataclasses import asdict

        body = asdict(self)
        body.pop("fresh_json")
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def replay(registry: Registry, stored_bytes: bytes, case: Case) -> ReplayReport:
    """Re-derive ``stored_bytes`` (a decision's JSON) from ``case`` and compare."""
    from eligibility import whatif
    from eligibility._evaluate import Registry

    try:
        stored: dict[str, Any] = json.loads(stored_bytes)
        if not isinstance(stored, dict) or "measures" not in stored:
            raise ValueError
    except ValueError:
        raise CaseError([Problem("the stored decision is not a decision's JSON")]) from None
    if stored.get("case_id") != case.case_id:
        raise CaseError(
            [
                Problem(
                    f"the decision is for case {stored.get('case_id')!r}, the case is {case.case_id!r}",
                    location="case_id",
                )
            ]
        )
    evaluator = stored.get("engine", {}).get("evaluator", "durable-rules")
    if evaluator != registry.evaluator:
        registry = Registry(registry.rulesets, evaluator)
    as_of = stored.get("as_of")
    day = dt.date.fromisoformat(as_of["date"]) if as_of else None
    parts = tuple(
        k for k, v in (stored.get("what_if") or {}).items() if v is not None and k in whatif.PARTS
    )
    if as_of and as_of.get("replaces_decision_date") is not None:
        case = case.model_copy(
            update={"decision_date": dt.date.fromisoformat(as_of["replaces_decision_date"])}
        )
    fresh = whatif.decide(registry, case, day, parts)
    now = json.loads(fresh.to_json())
    identical = stored_bytes in (fresh.to_json_bytes(), fresh.to_json_bytes(indent=False))
    hashes = {(r.id, r.content_hash) for r in registry.rulesets}
    selected = {r["id"]: r for r in now["rulesets"]}
    needs = []
    for r in stored.get("rulesets", []):
        cur = selected.get(r["id"])
        needs.append(
            RulesetNeed(
                id=r["id"],
                version=r.get("version"),
                content_hash=r.get("content_hash"),
                loaded=r.get("content_hash") is None or (r["id"], r.get("content_hash")) in hashes,
                now=f"version {cur['version']} sha256 {cur['content_hash']}"
                if cur and cur.get("version")
                else None,
            )
        )
    difference = None if identical else first_difference(stored, now)
    if difference is not None and difference.criterion is not None:
        difference = _with_history(registry, stored, difference)
    return ReplayReport(
        identical=identical,
        needs=needs,
        engine_before=_engine(stored),
        engine_after=_engine(now),
        difference=difference,
        fresh_json=fresh.to_json(),
    )


def _with_history(registry: Registry, stored: dict[str, Any], d: Difference) -> Difference:
    """``d`` with the change in the law behind it, if the stored version is in git history."""
    from eligibility.whatif.history import find, law_changes

    measure = next(m for m in stored["measures"] if m["id"] == d.measure)
    was = next((r for r in stored.get("rulesets", []) if r["id"] == measure["ruleset"]), None)
    if was is None or not was.get("content_hash"):
        return d
    current = [r for r in registry.rulesets if r.id == measure["ruleset"]]
    if not current or any(r.content_hash == was["content_hash"] for r in current):
        return d  # the stored version is loaded: the law did not change, the engine did
    for r in current:
        found = find(r.path, was["content_hash"])
        if found is not None:
            assert d.criterion is not None
            changes = law_changes(found[1], r, d.measure, d.criterion, r.path)
            return dataclasses.replace(d, changes=changes, found_in=found[0])
    return d


def _engine(d: dict[str, Any]) -> str:
    e = d.get("engine", {})
    return f"{e.get('name')} {e.get('version')} ({e.get('evaluator')}, durable-rules {e.get('durable_rules')})"


def _law(c: dict[str, Any] | None, ruleset: dict[str, Any] | None) -> str:
    version = f"{ruleset['id']} version {ruleset.get('version')}" if ruleset else "no ruleset"
    if c is None:
        return f"(no such criterion) in {version}"
    cite = c["citation"]
    pin = f", {cite['pinpoint']}" if cite.get("pinpoint") else ""
    return f"“{c['text']}” [{cite['title']}{pin}] in {version}"


def first_difference(stored: dict[str, Any], now: dict[str, Any]) -> Difference | None:
    """The first measure (in the stored order) whose outcome or criteria differ."""
    rs_before = {r["id"]: r for r in stored.get("rulesets", [])}
    rs_after = {r["id"]: r for r in now.get("rulesets", [])}
    after = {(m["ruleset"], m["id"]): m for m in now["measures"]}
    for m in stored["measures"]:
        n = after.get((m["ruleset"], m["id"]))
        rb, ra = rs_before.get(m["ruleset"]), rs_after.get(m["ruleset"])
        if n is None:
            return Difference(
                m["id"], None, m["outcome"], "(measure gone)", _law(None, rb), _law(None, ra)
            )
        old = {c["id"]: c for c in _flat(m["criteria"])}
        new = {c["id"]: c for c in _flat(n["criteria"])}
        for cid in [*old, *(k for k in new if k not in old)]:
            a, b = old.get(cid), new.get(cid)
            if (
                a is None
                or b is None
                or (a["status"], a["text"], a["citation"])
                != (
                    b["status"],
                    b["text"],
                    b["citation"],
                )
            ):
                return Difference(
                    m["id"],
                    cid,
                    a["status"] if a else "(no such criterion)",
                    b["status"] if b else "(no such criterion)",
                    _law(a, rb),
                    _law(b, ra),
                )
        if m != n:
            return Difference(m["id"], None, m["outcome"], n["outcome"], m["reason"], n["reason"])
    return None


def _flat(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in criteria:
        out.append(c)
        out.extend(_flat(c.get("unless", [])))
    return out
