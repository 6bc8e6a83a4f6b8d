"""Lint a golden case file without running its cases: the file reads, every case parses, and
every measure, criterion, outcome, open point, fact and statute it names exists."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eligibility._facts import Normaliser
from eligibility._files import read_bounded
from eligibility._lint_checks import Finding, finding
from eligibility._model import Ruleset
from eligibility._types import suggest
from eligibility._yaml import YamlError, load_yaml
from eligibility.case import Case, path_of
from eligibility.errors import CaseError, Problem, RulesetError
from eligibility.golden import Golden, load_golden

Report = Callable[[str, tuple[str | int, ...], str, str | None], None]
"""``report(code, where, message, hint)``: record a finding at a path in the golden file."""


@dataclass
class RulesetIndex:
    """The rulesets golden cases are checked against, by jurisdiction and id."""

    by_jurisdiction: dict[str, dict[str, list[Ruleset]]] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    """Jurisdictions with a ruleset file that does not load: their golden cases are not
    cross-checked, since a measure they name may be in the broken file."""

    @classmethod
    def of(cls, rulesets: Iterable[Ruleset], broken: Iterable[str]) -> RulesetIndex:
        """Index ``rulesets``; ``broken`` are jurisdictions with files that did not load."""
        index = cls(broken=set(broken))
        for r in rulesets:
            index.by_jurisdiction.setdefault(r.jurisdiction, {}).setdefault(r.id, []).append(r)
        for groups in index.by_jurisdiction.values():
            for versions in groups.values():
                versions.sort(key=lambda r: r.in_force.start)
        return index

    def groups_for(self, jurisdiction: str) -> dict[str, list[Ruleset]] | None:
        """The rulesets a case filed under ``jurisdiction`` is screened against (as the
        registry chooses them: its own, and national ones that apply in subdivisions)."""
        code = jurisdiction.lower()
        parent = code.split("-")[0] if "-" in code else ""
        inherited = {
            rid: versions
            for rid, versions in self.by_jurisdiction.get(parent, {}).items()
            if versions[0].applies_in_subdivisions
        }
        own = self.by_jurisdiction.get(code, {})
        if not own and not inherited:
            return None
        return {**inherited, **own}


def lint_golden(path: Path, index: RulesetIndex) -> list[Finding]:
    """Every problem in the golden file at ``path`` (its name as given is used in messages)."""
    try:
        goldens = load_golden(path)
    except RulesetError as exc:
        return [finding("L301", p) for p in exc.problems]
    try:
        loaded = load_yaml(read_bounded(path).decode("utf-8"), str(path))
    except (
        RulesetError,
        UnicodeDecodeError,
        YamlError,
    ):  # pragma: no cover - load_golden just read it
        return []
    found: list[Finding] = []

    def report(code: str, where: tuple[str | int, ...], message: str, hint: str | None) -> None:
        found.append(finding(code, loaded.problem(where, message, hint)))

    names: dict[str, int] = {}
    for i, golden in enumerate(goldens):
        base: tuple[str | int, ...] = ("cases", i)
        if golden.name in names:
            report(
                "L308",
                (*base, "name"),
                f"case {names[golden.name] + 1} has the same name",
                "name each case by the behaviour it pins, so a failure says which one",
            )
        names.setdefault(golden.name, i)
        jurisdiction = golden.case.jurisdiction.lower()
        groups = index.groups_for(jurisdiction)
        if jurisdiction in index.broken or jurisdiction.split("-")[0] in index.broken:
            continue
        if groups is None:
            known = sorted(j.upper() for j in index.by_jurisdiction)
            report(
                "L302",
                (*base, "case", "jurisdiction"),
                f"no ruleset is loaded for jurisdiction {golden.case.jurisdiction!r}",
                "known jurisdictions: " + ", ".join(known) if known else None,
            )
            continue
        _check_expectations(golden, groups, base, report)
        for p in _rejections(golden.case, groups):
            where = (*base, "case", *path_of(p.location or ""))
            report("L307", where, f"the engine would reject this case: {p.message}", p.hint)
    return found


def _check_expectations(
    golden: Golden, groups: Mapping[str, list[Ruleset]], base: tuple[str | int, ...], report: Report
) -> None:
    rulesets = [r for versions in groups.values() for r in versions]
    criteria: dict[str, set[str]] = {}
    outcomes: dict[str, set[str]] = {}
    for r in rulesets:
        for m in r.measures:
            criteria.setdefault(m.id, set()).update(c.id for c in m.criteria())
            possible = {"not_applicable", "undetermined"}
            if m.when_met is not None:
                possible |= {m.when_met, "ineligible"}
            outcomes.setdefault(m.id, set()).update(possible)
    for mid, want in sorted(golden.spec.expect.items()):
        where = (*base, "expect", mid)
        if mid not in criteria:
            report(
                "L303",
                where,
                f"no measure `{mid}` in the rulesets for {golden.case.jurisdiction.upper()}",
                suggest(mid, sorted(criteria)),
            )
            continue
        if want.outcome not in outcomes[mid]:
            report(
                "L305",
                (*where, "outcome"),
                f"`{mid}` can never be {want.outcome}",
                "its possible outcomes are " + ", ".join(sorted(outcomes[mid])),
            )
        for k, cid in enumerate(want.because or []):
            if cid not in criteria[mid]:
                report(
                    "L304",
                    (*where, "because", k),
                    f"measure `{mid}` has no criterion `{cid}`",
                    suggest(cid, sorted(criteria[mid])),
                )
        for cid in sorted(want.criteria):
            if cid not in criteria[mid]:
                report(
                    "L304",
                    (*where, "criteria", cid),
                    f"measure `{mid}` has no criterion `{cid}`",
                    suggest(cid, sorted(criteria[mid])),
                )
    points = {u for r in rulesets for u in r.unsettled}
    for k, point in enumerate(golden.spec.unsettled or []):
        if point not in points:
            report(
                "L306",
                (*base, "unsettled", k),
                f"no unsettled point `{point}` in the rulesets for "
                f"{golden.case.jurisdiction.upper()}",
                suggest(point, sorted(points)),
            )


def _rejections(case: Case, groups: Mapping[str, list[Ruleset]]) -> list[Problem]:
    """What the engine would reject in ``case``: undeclared facts, and what normalisation
    rejects under every version the case's dates could select."""
    declared = {name for versions in groups.values() for r in versions for name in r.facts}
    problems = [
        Problem(
            f"unknown fact `{name}` for {case.jurisdiction.upper()}",
            location=f"facts.{name}",
            hint=suggest(name, sorted(declared)),
        )
        for name in case.facts
        if name not in declared
    ]
    days = [d for d in (case.offense_date, case.decision_date) if d is not None]
    for _rid, versions in sorted(groups.items()):
        candidates = [r for r in versions if any(r.in_force.contains(d) for d in days)]
        rejected: list[list[Problem]] = []
        for r in candidates or versions[-1:]:
            try:
                Normaliser(r).normalise(case)
            except CaseError as exc:
                rejected.append(exc.problems)
        if rejected and len(rejected) == len(candidates or versions[-1:]):
            problems.extend(rejected[0])
    unique: dict[str | None, Problem] = {}
    for p in problems:
        unique.setdefault(p.location, p)  # one message per field, not one per ruleset
    return list(unique.values())
