"""The batch summary: outcome counts, the criteria that block most cases, the facts most missing.

A :class:`Tally` is filled record by record (in each worker, per chunk), merged in the main
process and kept in the resume checkpoint, so a resumed run reports on every line. Its JSON form
(:meth:`Tally.to_json`, written by ``--summary FILE``) is documented in ``docs/batch.md``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eligibility.decision import AnyDecision, OutcomeDecision

SUMMARY_VERSION = "1"
OUTCOMES = ("entitled", "eligible", "ineligible", "not_applicable", "undetermined")
_INDEX = re.compile(r"\[\d+\]")


@dataclass
class Tally:
    """Counts over the screened records; ``merge`` adds another tally's counts."""

    records: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    """(jurisdiction, ruleset, measure, outcome) → cases."""
    blocking: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    """(jurisdiction, ruleset, measure, criterion) → cases where it made the measure ineligible."""
    missing: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(jurisdiction, fact path with list items as ``[]``) → undetermined cases missing it."""

    def add_error(self, kind: str) -> None:
        """Count a record that gave an error record."""
        self.records += 1
        self.errors[kind] += 1

    def add_decision(self, decision: AnyDecision) -> None:
        """Count a decided record, at any explanation level (an ``outcome`` decision names no
        deciding criteria or missing facts, so it adds none)."""
        if isinstance(decision, OutcomeDecision):
            self._add(
                decision.jurisdiction,
                [(m.ruleset, m.id, m.outcome, []) for m in decision.measures],
                [],
            )
            return
        self._add(
            decision.jurisdiction,
            [
                (
                    m.ruleset,
                    m.id,
                    m.outcome,
                    [c if isinstance(c, str) else c.id for c in m.deciding_criteria],
                )
                for m in decision.measures
            ],
            [f.fact for f in decision.missing_facts],
        )

    def add_output(self, record: Mapping[str, Any]) -> None:
        """Count an output record as a decoded dict: a decision or an error record."""
        if "error" in record:
            self.add_error(str(record["error"].get("kind", "case")))
            return
        self._add(
            record["jurisdiction"],
            [
                (
                    m["ruleset"],
                    m["id"],
                    m["outcome"],
                    [c if isinstance(c, str) else c["id"] for c in m.get("deciding_criteria", ())],
                )
                for m in record["measures"]
            ],
            [f["fact"] for f in record.get("missing_facts", ())],
        )

    def _add(
        self,
        jurisdiction: str,
        measures: list[tuple[str, str, str, list[str]]],
        missing: list[str],
    ) -> None:
        self.records += 1
        undetermined = False
        for ruleset, measure, outcome, deciding in measures:
            self.outcomes[(jurisdiction, ruleset, measure, outcome)] += 1
            if outcome == "ineligible":
                for criterion in deciding:
                    self.blocking[(jurisdiction, ruleset, measure, criterion)] += 1
            undetermined = undetermined or outcome == "undetermined"
        if undetermined:
            for fact in {_INDEX.sub("[]", f) for f in missing}:
                self.missing[(jurisdiction, fact)] += 1

    def merge(self, other: Tally) -> None:
        """Add ``other``'s counts to this tally."""
        self.records += other.records
        self.errors.update(other.errors)
        self.outcomes.update(other.outcomes)
        self.blocking.update(other.blocking)
        self.missing.update(other.missing)

    # -- the summary document --------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The summary document (its shape is documented in docs/batch.md)."""
        measures: dict[tuple[str, str, str], Counter[str]] = {}
        for (jur, rs, measure, outcome), n in self.outcomes.items():
            measures.setdefault((jur, rs, measure), Counter())[outcome] += n
        rows = []
        for (jur, rs, measure), counts in sorted(measures.items()):
            row: dict[str, Any] = {"jurisdiction": jur, "ruleset": rs, "measure": measure}
            row["cases"] = sum(counts.values())
            row.update({o: counts[o] for o in OUTCOMES})
            rows.append(row)
        ineligible = {k: c["ineligible"] for k, c in measures.items()}
        blocking: list[dict[str, Any]] = [
            {
                "jurisdiction": jur,
                "ruleset": rs,
                "measure": measure,
                "criterion": criterion,
                "cases": n,
                "share_of_ineligible": round(n / ineligible[(jur, rs, measure)], 4),
            }
            for (jur, rs, measure, criterion), n in self.blocking.items()
        ]
        blocking.sort(key=lambda b: (-b["cases"], b["jurisdiction"], b["measure"], b["criterion"]))
        missing: list[dict[str, Any]] = [
            {"jurisdiction": jur, "fact": fact, "cases": n}
            for (jur, fact), n in self.missing.items()
        ]
        missing.sort(key=lambda m: (-m["cases"], m["jurisdiction"], m["fact"]))
        return {
            "summary_version": SUMMARY_VERSION,
            "records": self.records,
            "decided": self.records - sum(self.errors.values()),
            "errors": {
                "total": sum(self.errors.values()),
                "by_kind": dict(sorted(self.errors.items())),
            },
            "outcomes": rows,
            "blocking_criteria": blocking,
            "missing_facts": missing,
        }

    def state(self) -> dict[str, Any]:
        """Every count, for the resume checkpoint (:meth:`from_state` reads it back)."""
        return {
            "records": self.records,
            "errors": dict(self.errors),
            "outcomes": [[*k, n] for k, n in self.outcomes.items()],
            "blocking": [[*k, n] for k, n in self.blocking.items()],
            "missing": [[*k, n] for k, n in self.missing.items()],
        }

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> Tally:
        """The tally saved by :meth:`state`."""
        return cls(
            records=int(data["records"]),
            errors=Counter(data["errors"]),
            outcomes=Counter({(a, b, c, d): n for a, b, c, d, n in data["outcomes"]}),
            blocking=Counter({(a, b, c, d): n for a, b, c, d, n in data["blocking"]}),
            missing=Counter({(a, b): n for a, b, n in data["missing"]}),
        )


def render(summary: Mapping[str, Any], top: int = 10) -> str:
    """The summary for people: totals, outcomes per measure, top blocking criteria and gaps."""
    errors = summary["errors"]
    kinds = ", ".join(f"{n:,} {k}" for k, n in errors["by_kind"].items())
    lines = [
        f"screened {summary['records']:,} record(s): {summary['decided']:,} decided, "
        f"{errors['total']:,} error(s)" + (f" ({kinds})" if kinds else "")
    ]
    if summary["outcomes"]:
        lines.append("")
        lines.append(
            f"{'jurisdiction':12} {'measure':44} "
            + " ".join(f"{o.replace('not_applicable', 'n/a'):>12}" for o in OUTCOMES)
        )
        for row in summary["outcomes"]:
            lines.append(
                f"{row['jurisdiction']:12} {row['measure']:44} "
                + " ".join(f"{row[o]:>12,}" for o in OUTCOMES)
            )
    if summary["blocking_criteria"]:
        lines.append("")
        lines.append("criteria that made a measure ineligible most often:")
        for b in summary["blocking_criteria"][:top]:
            lines.append(
                f"  {b['cases']:>10,}  {b['jurisdiction']} {b['measure']}: {b['criterion']}"
                f"  ({b['share_of_ineligible']:.0%} of its ineligible cases)"
            )
    if summary["missing_facts"]:
        lines.append("")
        lines.append("facts most often missing from undetermined cases:")
        for m in summary["missing_facts"][:top]:
            lines.append(f"  {m['cases']:>10,}  {m['jurisdiction']} {m['fact']}")
    return "\n".join(lines) + "\n"
