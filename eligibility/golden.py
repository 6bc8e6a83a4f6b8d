"""Golden cases: facts in, expected outcomes and the criteria that decide them out.

A golden file lives beside its ruleset in ``rulesets/<jurisdiction>/cases/*.yaml``::

    cases:
      - name: A felony conviction one day inside the five-year window excludes diversion
        case: {case_id: …, jurisdiction: US-CA, …}
        expect:
          pc1000_pretrial_diversion:
            outcome: ineligible
            because: [no_felony_conviction_within_5_years]   # exactly the deciding criteria
            criteria: {consents: met}                           # optional extra statuses
        missing_facts: [priors[0].felony]                       # optional, exact
        unsettled: [five_year_boundary_day]                     # optional, exact

``because`` lists exactly the criteria the decision names as deciding the outcome, so a test
fails when a different criterion (or an extra one) is behind the same outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eligibility._files import read_bounded
from eligibility._yaml import YamlError, load_yaml
from eligibility.case import Case, parse_case, path_of, problems_from_validation
from eligibility.decision import Decision, MeasureResult
from eligibility.errors import CaseError, Problem, RulesetError

_CONFIG = ConfigDict(extra="forbid", frozen=True)


class MeasureExpect(BaseModel):
    """What a golden case expects of one measure."""

    model_config = _CONFIG

    outcome: Literal["entitled", "eligible", "ineligible", "not_applicable", "undetermined"]
    because: list[str] | None = None
    criteria: dict[str, Literal["met", "not_met", "unknown"]] = Field(default_factory=dict)


class GoldenCase(BaseModel):
    """One golden case as written in the file."""

    model_config = _CONFIG

    name: str = Field(min_length=1)
    """The behaviour the case pins, as a sentence; it names the test."""
    case: dict[str, Any]
    expect: dict[str, MeasureExpect] = Field(min_length=1)
    missing_facts: list[str] | None = None
    unsettled: list[str] | None = None


class GoldenFile(BaseModel):
    """A file of golden cases."""

    model_config = _CONFIG

    cases: list[GoldenCase] = Field(min_length=1)


@dataclass(frozen=True)
class Golden:
    """A parsed golden case ready to run."""

    name: str
    file: str
    line: int | None
    case: Case
    spec: GoldenCase


def load_golden(path: Path) -> list[Golden]:
    """Load a golden file; raise :class:`RulesetError` naming every problem."""
    file = str(path)
    try:
        loaded = load_yaml(read_bounded(path).decode("utf-8"), file)
    except YamlError as exc:
        raise RulesetError([exc.problem]) from None
    except UnicodeDecodeError:
        raise RulesetError([Problem("the file is not UTF-8 text", file=file)]) from None
    try:
        parsed = GoldenFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise RulesetError(
            [
                loaded.problem(path_of(p.location or ""), p.message)
                for p in problems_from_validation(exc)
            ]
        ) from None
    out: list[Golden] = []
    problems: list[Problem] = []
    for i, spec in enumerate(parsed.cases):
        mark = loaded.mark(("cases", i))
        try:
            case = parse_case(spec.case, f"{file} (case {i + 1})")
        except CaseError as exc:
            problems.extend(
                loaded.problem(("cases", i, "case", *path_of(p.location or "")), p.message)
                for p in exc.problems
            )
            continue
        out.append(Golden(spec.name, file, mark.line if mark else None, case, spec))
    if problems:
        raise RulesetError(problems)
    return out


def compare(golden: Golden, decision: Decision) -> list[str]:
    """Differences between what ``golden`` expects and ``decision``; empty when it passes."""
    diffs = []
    by_id = {m.id: m for m in decision.measures}
    for measure_id, want in sorted(golden.spec.expect.items()):
        got = by_id.get(measure_id)
        if got is None:
            diffs.append(
                f"{measure_id}: no such measure in the decision (have: {', '.join(by_id)})"
            )
            continue
        outcome_differs = got.outcome != want.outcome
        because_differs = want.because is not None and sorted(want.because) != sorted(
            got.deciding_criteria
        )
        if outcome_differs or because_differs:
            diffs.append(_measure_diff(measure_id, want, got, outcome_differs))
        statuses = {c.id: c.status for c in got.criteria}
        statuses.update({u.id: u.status for c in got.criteria for u in c.unless})
        for crit, status in sorted(want.criteria.items()):
            if crit not in statuses:
                diffs.append(f"{measure_id}.{crit}: no such criterion in the decision")
            elif statuses[crit] != status:
                diffs.append(f"{measure_id}.{crit}: expected {status}, got {statuses[crit]}")
    if golden.spec.missing_facts is not None:
        got_missing = sorted(f.fact for f in decision.missing_facts)
        if sorted(golden.spec.missing_facts) != got_missing:
            diffs.append(
                f"missing facts: expected {sorted(golden.spec.missing_facts)}, got {got_missing}"
            )
    if golden.spec.unsettled is not None:
        got_unsettled = sorted(u.id for u in decision.unsettled)
        if sorted(golden.spec.unsettled) != got_unsettled:
            diffs.append(
                f"unsettled points: expected {sorted(golden.spec.unsettled)}, got {got_unsettled}"
            )
    return diffs


def _measure_diff(
    measure_id: str, want: MeasureExpect, got: MeasureResult, outcome_differs: bool
) -> str:
    """Expected against actual outcome and deciding criteria, then each criterion either side
    names, with its status in the decision, its text and its citation."""
    if outcome_differs:
        head = f"{measure_id}: expected outcome {want.outcome}, got {got.outcome}"
    else:
        head = f"{measure_id}: {got.outcome} as expected, but decided by other criteria"
    expected = ", ".join(want.because) if want.because is not None else "(not stated)"
    actual = ", ".join(got.deciding_criteria) or "(none: every condition is met)"
    lines = [
        head,
        f"  - expected: {want.outcome:<15} because {expected}",
        f"  + actual:   {got.outcome:<15} because {actual}",
        f"    reason: {got.reason}",
    ]
    results = {c.id: c for c in got.criteria}
    results.update({u.id: u for c in got.criteria for u in c.unless})
    named = list(dict.fromkeys([*(want.because or []), *got.deciding_criteria]))
    if named:
        lines.append("    criteria:")
    for cid in named:
        side = (
            "expected and actual"
            if cid in got.deciding_criteria and cid in (want.because or [])
            else "actual only"
            if cid in got.deciding_criteria
            else "expected only"
        )
        c = results.get(cid)
        if c is None:
            lines.append(f"      ? {cid} ({side}): no such criterion in this measure")
            continue
        cite = c.citation.title + (f", {c.citation.pinpoint}" if c.citation.pinpoint else "")
        lines.append(f"      {_MARKS[c.status]} {cid} ({side}, {c.status}): {c.text} [{cite}]")
    return "\n".join(lines)


_MARKS = {"met": "✓", "not_met": "✗", "unknown": "?"}


def golden_files(root: Path) -> list[Path]:
    """Every golden file under a rulesets folder."""
    return sorted(root.glob("*/cases/*.yaml"))
