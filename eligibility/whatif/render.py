"""The what-if parts of a decision as text, after the report ``render_text`` prints."""

from __future__ import annotations

from eligibility.decision import Decision


def render_what_if(decision: Decision) -> str:
    """The as-of line and the what-if sections present in ``decision`` ("" when none is)."""
    lines: list[str] = []
    if decision.as_of is not None:
        was = decision.as_of.replaces_decision_date
        lines.append(
            f"As of {decision.as_of.date}: decided as if taken that day"
            + (f" (the case's decision date {was} replaced)." if was else ".")
        )
        lines.append("")
    w = decision.what_if
    if w is None:
        return "\n".join(lines) + ("\n" if lines else "")
    if w.next_questions is not None:
        lines.append("What to ask next (the fact that decides most first):")
        if not w.next_questions.ranked:
            lines.append("  nothing: no measure is undetermined for want of a fact")
        for n, q in enumerate(w.next_questions.ranked, 1):
            settles = ", ".join(q.settles) or "—"
            may = f"; may settle: {', '.join(q.may_settle)}" if q.may_settle else ""
            lines.append(f"  {n}. {q.fact}: {q.question}  (settles: {settles}{may})")
        for d in w.next_questions.deciding_answers:
            answers = "; ".join(a.text for a in d.answers)
            lines.append(f"  → {d.measure} becomes {d.outcome} if {answers}")
        lines.append("")
    if w.timeline is not None:
        lines.append(f"When it changes (if nothing else does, up to {w.timeline_horizon}):")
        if not w.timeline:
            lines.append("  no outcome changes with time alone")
        for c in w.timeline:
            lines.append(f"  {c.measure}: {c.text}")
        lines.append("")
    if w.counterfactuals is not None:
        lines.append("What would open it (smallest changes to the facts):")
        if not w.counterfactuals:
            lines.append(
                "  none found: no change to the facts that may vary (up to three) opens a measure"
            )
        for cf in w.counterfactuals:
            changes = "; ".join(f"{c.text} [{c.criterion}]" for c in cf.changes)
            lines.append(f"  {cf.measure} → {cf.outcome}: {changes}")
        lines.append("")
    if w.lex_mitior is not None:
        lines.append("The law between the act and the decision (lex mitior):")
        if not w.lex_mitior:
            lines.append("  not compared: the offence date or the decision date is not given")
        for lm in w.lex_mitior:
            states = ", ".join(f"{s.law_of} (version {s.version})" for s in lm.states)
            lines.append(f"  {lm.ruleset}: {len(lm.states)} state(s) of the law from {states}")
            for m in lm.measures:
                mark = "!" if m.milder else " "
                lines.append(f"   {mark} {m.measure}: {m.text}")
        lines.append("")
    return "\n".join(lines) + "\n"


def with_what_if(report: str, decision: Decision) -> str:
    """``report`` (the text ``render_text`` made) with the what-if sections before the closing
    disclaimers."""
    extra = render_what_if(decision)
    if not extra:
        return report
    at = report.rfind(decision.disclaimer)
    return report + extra if at < 0 else report[:at] + extra + report[at:]
