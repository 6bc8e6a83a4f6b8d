"""Rendering a Decision as text for people. The Decision itself is data; this only reads it."""

from __future__ import annotations

from eligibility.decision import CitationOut, CriterionResult, Decision, MeasureResult

_MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}
_ROLE_TITLE = {
    "scope": "Applies to",
    "requires": "Requires",
    "excluded_if": "Excluded if (✓ means the exclusion applies)",
}
MAX_FACTS_SHOWN = 6


def _cite(c: CitationOut) -> str:
    label = f"{c.title}, {c.pinpoint}" if c.pinpoint else c.title
    if c.kind == "guidance":
        label += " [guidance, not law]"
    elif c.kind == "secondary":
        label += " [secondary source]"
    return label


def _value(v: object) -> str:
    if v is None:
        return "(missing)"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _criterion(c: CriterionResult, indent: str, lines: list[str], prefix: str = "") -> None:
    lines.append(f"{indent}{_MARK[c.status]} {prefix}{c.text}")
    lines.append(f"{indent}    [{_cite(c.citation)}]")
    if c.facts:
        shown = [f"{f.fact} = {_value(f.value)}" for f in c.facts[:MAX_FACTS_SHOWN]]
        more = len(c.facts) - MAX_FACTS_SHOWN
        tail = f", … {more} more" if more > 0 else ""
        lines.append(f"{indent}    read: {'; '.join(shown)}{tail}")
    for u in c.unless:
        _criterion(u, indent + "    ", lines, prefix="unless: ")


def _measure(m: MeasureResult, lines: list[str]) -> None:
    lines.append(f"■ {m.title}  —  {m.outcome.upper().replace('_', ' ')}")
    lines.append(f"  Who decides: {m.decided_by}  ·  stage: {m.stage}")
    lines.append(f"  Law: {_cite(m.citation)} <{m.citation.url}>")
    gd = m.governing_date
    lines.append(f"  Governing date: {gd.basis.replace('_', ' ')} {gd.date or '(not given)'}")
    lines.append(f"  Why: {m.reason}")
    if m.guidance_based:
        lines.append("  Note: this outcome rests partly on official guidance, not on law.")
    for role in ("scope", "requires", "excluded_if"):
        group = [c for c in m.criteria if c.role == role]
        if not group:
            continue
        lines.append(f"  {_ROLE_TITLE[role]}:")
        for c in group:
            _criterion(c, "    ", lines)
    for note in m.notes:
        lines.append(f"  · {note}")
    lines.append("")


def render_text(decision: Decision) -> str:
    """A plain-text report: measures with their criteria tree, missing facts, assumptions."""
    lines = [decision.summary, ""]
    for r in decision.rulesets:
        version = f"version {r.version}" if r.version else "no version selected"
        digest = f", sha256 {r.content_hash[:12]}…" if r.content_hash else ""
        lines.append(f"Ruleset {r.id} ({version}{digest}, checked {r.checked or '—'})")
        lines.append(f"  Selected: {r.selected_because}")
    lines.append("")
    for m in decision.measures:
        _measure(m, lines)
    if decision.missing_facts:
        lines.append("Missing facts (give these to decide the undetermined measures):")
        for f in decision.missing_facts:
            lines.append(f"  ? {f.fact}: {f.question}  (decides: {', '.join(f.decides)})")
        lines.append("")
    if decision.unsettled:
        lines.append("Unsettled points of law (the sources do not decide these):")
        for u in decision.unsettled:
            lines.append(
                f"  ? {u.id}: {u.text} [{_cite(u.citation)}]  (affects: {', '.join(u.decides)})"
            )
        lines.append("")
    if decision.notices:
        lines.append("How the record was read:")
        for n in decision.notices:
            mark = "?" if n.question else "•"
            lines.append(f"  {mark} {n.location} `{n.recorded}` {n.message}")
            if n.question:
                lines.append(f"      ask: {n.question}")
        lines.append("")
    if decision.assumptions:
        lines.append("Assumptions applied:")
        for a in decision.assumptions:
            lines.append(f"  • {a.fact} = {_value(a.value)}: {a.reason}")
        lines.append("")
    lines.append(decision.disclaimer)
    for r in decision.rulesets:
        lines.append(f"{r.id}: {r.disclaimer}")
    return "\n".join(lines) + "\n"
