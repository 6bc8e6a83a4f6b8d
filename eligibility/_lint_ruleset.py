"""Lint one ruleset file: the loader's problems as errors, then, once the file loads, the
checks the loader does not make (logic of measures, unused declarations, dead dated values)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from eligibility import _expr as E
from eligibility import ruleset_schema as S
from eligibility._files import read_bounded
from eligibility._lint_checks import Finding, Level, finding, loader_code
from eligibility._lint_logic import GaveUp, Names, Reach, reach
from eligibility._loader import load_ruleset_text
from eligibility._model import CriterionDef, MeasureDef, Ruleset
from eligibility._reference import facts_read
from eligibility._ruleset_bounds import names_in
from eligibility._types import CASE_FIELDS, Scalar
from eligibility._yaml import Loaded, YamlError, load_yaml
from eligibility.errors import ConditionSyntaxError, RulesetError
from eligibility.records.vocabulary import load_vocabulary

YamlPath = tuple[str | int, ...]


def lint_ruleset(path: Path, shown: str) -> tuple[Ruleset | None, list[Finding]]:
    """Lint the ruleset file at ``path`` (named ``shown`` in messages); the ruleset if it loads."""
    try:
        raw = read_bounded(path)
    except RulesetError as exc:
        problems = [dataclasses.replace(p, file=shown) for p in exc.problems]
        return None, [finding("L001", p) for p in problems]
    try:
        ruleset = load_ruleset_text(raw, shown, load_vocabulary(path.parent))
    except RulesetError as exc:
        stage = _failed_stage(raw, shown)
        return None, [finding(loader_code(p, stage), p) for p in exc.problems]
    loaded = load_yaml(raw.decode("utf-8"), shown)
    model = S.RulesetFile.model_validate(loaded.data)
    return ruleset, _Semantic(ruleset, model, loaded).run()


def _failed_stage(raw: bytes, file: str) -> str:
    """Which stage of loading failed: ``yaml``, ``schema`` or ``meaning``."""
    try:
        loaded = load_yaml(raw.decode("utf-8"), file)
    except (UnicodeDecodeError, YamlError):
        return "yaml"
    try:
        S.RulesetFile.model_validate(loaded.data)
    except ValidationError:
        return "schema"
    return "meaning" if isinstance(loaded.data, dict) else "schema"


class _Semantic:
    """The checks that need a ruleset that loads."""

    def __init__(self, ruleset: Ruleset, model: S.RulesetFile, loaded: Loaded) -> None:
        self.r = ruleset
        self.m = model
        self.loaded = loaded
        self.found: list[Finding] = []
        terms = {n: t for n, t in CASE_FIELDS.items() if isinstance(t, Scalar)}
        terms.update({n: f.type for n, f in ruleset.facts.items()})
        self.names = Names(
            terms=terms,
            choices={n: f.values for n, f in ruleset.facts.items() if f.values is not None},
            unsettled=frozenset(ruleset.unsettled),
        )

    def run(self) -> list[Finding]:
        for measure, path in self._measures():
            self._logic(measure, path)
        self._unused()
        self._dead_values()
        return sorted(self.found, key=lambda f: (f.problem.line or 0, f.problem.column or 0))

    def report(
        self, code: str, path: YamlPath, message: str, hint: str, level: Level | None = None
    ) -> None:
        self.found.append(finding(code, self.loaded.problem(path, message, hint), level))

    def _measures(self) -> Iterator[tuple[MeasureDef, YamlPath]]:
        if self.r.alternatives == "none":
            yield self.r.measures[0], ("no_alternative",)
            return
        for i, measure in enumerate(self.r.measures):
            yield measure, ("measures", i)

    # -- L1xx: the logic of a measure -----------------------------------------------------

    def _snapshots(self, measure: MeasureDef) -> list[dict[str, Any]]:
        """Each distinct set of parameter values in force while the measure is."""
        start, until = self.r.in_force.start, self.r.in_force.until
        if measure.in_force is not None:
            start = max(start, measure.in_force.start)
            if measure.in_force.until is not None:
                until = min(until or dt.date.max, measure.in_force.until)
        if until is not None and until < start:
            return []
        days = {start} | {
            v.period.start
            for p in self.r.parameters.values()
            for v in p.values
            if start < v.period.start and (until is None or v.period.start <= until)
        }
        seen: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}
        for day in sorted(days):
            key, values = self.r.snapshot(day)
            seen.setdefault(key, values)
        return list(seen.values())

    def _reach(
        self, node: E.Node, snapshots: list[dict[str, Any]], free: bool = False
    ) -> Reach | None:
        """Whether ``node`` can be true / false under any snapshot; ``None`` if too large."""
        try:
            results = [reach(node, self.names, s, free_unsettled=free) for s in snapshots]
        except GaveUp:
            return None
        return Reach(any(r.true for r in results), any(r.false for r in results))

    def _logic(self, measure: MeasureDef, path: YamlPath) -> None:
        snapshots = self._snapshots(measure)
        if not snapshots:
            return  # the loader reports a measure that is never in force
        blocked = always = False
        for role, group in (("applies_to", measure.applies_to), ("requires", measure.requires)):
            for k, crit in enumerate(group):
                stops, holds = self._condition(measure, crit, (*path, role, k), snapshots)
                blocked, always = blocked or stops, always or holds
        for j, excl in enumerate(measure.excluded_if):
            epath = (*path, "excluded_if", j)
            blocked |= self._exclusion(measure, excl, epath, snapshots)
        if blocked:
            return
        met = _met(measure)
        whole = self._reach(met, snapshots)
        if whole is None:
            return
        if not whole.true:
            free = self._reach(met, snapshots, free=True)
            self._never_met(measure.id, path, "its conditions contradict each other", free)
        elif not whole.false and measure.when_met is not None and not always:
            self.report(
                "L102",
                path,
                f"`{measure.id}` can never be ineligible or not applicable: its conditions "
                "hold for every case while it is in force",
                "check for a condition that always holds; if the law really opens the measure "
                "to everyone, say so in `notes`",
            )

    def _never_met(self, mid: str, path: YamlPath, why: str, free: Reach | None) -> None:
        if free is not None and free.true:
            self.report(
                "L101",
                path,
                f"`{mid}` can never be met, only undetermined: {why} unless an unsettled "
                "point is settled",
                "if the open point decides every case, this is intended; otherwise combine it "
                "with `or` so that cases it does not concern are decided",
                level="warning",
            )
        else:
            self.report(
                "L101",
                path,
                f"`{mid}` can never be met: {why}",
                "check the comparison operators and constants, and that a scope or requirement "
                "does not rule out what another needs",
            )

    def _condition(
        self, measure: MeasureDef, crit: CriterionDef, path: YamlPath, snapshots: list[Any]
    ) -> tuple[bool, bool]:
        """Check one scope or requirement: whether it alone stops the measure being met, and
        whether it always holds (each reported here)."""
        result = self._reach(crit.condition, snapshots)
        if result is None:
            return False, False
        where = (*path, "condition")
        free = self._reach(crit.condition, snapshots, free=True)
        if not result.true:
            self._never_met(measure.id, where, f"`{crit.id}` can never hold", free)
            return True, False
        if free is not None and not free.false:
            what = "scope" if crit.role == "scope" else "requirement"
            self.report(
                "L103",
                where,
                f"{what} `{crit.id}` always holds, so it decides nothing",
                "check the comparison and its constant, or remove the criterion",
            )
            return False, True
        return False, False

    def _exclusion(
        self, measure: MeasureDef, excl: CriterionDef, path: YamlPath, snapshots: list[Any]
    ) -> bool:
        """Check an exclusion and its exceptions; True when it alone stops the measure."""
        result = self._reach(excl.condition, snapshots, free=True)
        if result is None:
            return False
        where = (*path, "condition")
        if not result.true:
            self.report(
                "L104",
                where,
                f"exclusion `{excl.id}` can never apply",
                "check the comparison and its constant, or remove the exclusion",
            )
            return False
        for k, exc in enumerate(excl.unless):
            both = E.BoolOp("and", (excl.condition, exc.condition))
            joint = self._reach(both, snapshots, free=True)
            if joint is not None and not joint.true:
                self.report(
                    "L105",
                    (*path, "unless", k, "condition"),
                    f"exception `{exc.id}` can never apply while exclusion `{excl.id}` does",
                    "an exception matters only when its exclusion holds; check that both can "
                    "hold for the same case",
                )
        if not result.false and not excl.unless:
            strict = self._reach(excl.condition, snapshots)
            if strict is not None and not strict.false:
                self._never_met(measure.id, where, f"exclusion `{excl.id}` always applies", None)
                return True
        return False

    # -- L2xx: declared but unused --------------------------------------------------------

    def _unused(self) -> None:
        read: set[str] = set()
        for crit in self.r.criteria():
            read.update(facts_read(crit.condition, frozenset())[0])
        unused = [
            ("L201", "facts", self.r.facts, "fact", "no condition reads it"),
            ("L202", "parameters", self.r.parameters, "parameter", "no condition reads it"),
            ("L203", "unsettled", self.r.unsettled, "unsettled point", "no condition uses it"),
        ]
        for code, section, group, what, why in unused:
            for name in group:
                if name not in read:
                    self.report(
                        code,
                        (section, name),
                        f"{what} `{name}` is declared but {why}",
                        "remove it, or use it in the condition it was meant for",
                    )
        for key in self._unused_definitions():
            self.report(
                "L204",
                ("definitions", key),
                f"definition `{key.partition('(')[0]}` is never used",
                "remove it, or use it in the condition it was meant for",
            )
        cited = {c.source for c in _citations(self.m)}
        for i, source in enumerate(self.m.sources):
            if source.id not in cited:
                self.report(
                    "L205",
                    ("sources", i),
                    f"source `{source.id}` is never cited",
                    "remove it, or cite it where the ruleset relies on it",
                )

    def _unused_definitions(self) -> list[str]:
        keys = {key.partition("(")[0]: key for key in self.m.definitions}
        uses = {name: _called(self.m.definitions[key]) for name, key in keys.items()}
        todo = set()
        for crit in self.r.criteria():
            todo |= _called(crit.source_text)
        used: set[str] = set()
        while todo:
            name = todo.pop()
            if name in keys and name not in used:
                used.add(name)
                todo |= uses[name]
        return [key for name, key in keys.items() if name not in used]

    # -- L206: dated values outside the ruleset's period ----------------------------------

    def _dead_values(self) -> None:
        period = self.r.in_force
        for name, param in self.m.parameters.items():
            for i, v in enumerate(param.values):
                ends_before = v.until is not None and v.until < period.start
                starts_after = period.until is not None and v.from_ > period.until
                if ends_before or starts_after:
                    span = f"{v.from_} – {v.until or ''}".rstrip()
                    self.report(
                        "L206",
                        ("parameters", name, "values", i),
                        f"this value of `{name}` ({span}) is never used: the ruleset is in "
                        f"force {period.render()}",
                        "remove it, or move it to the version of the ruleset in force then",
                    )


def _met(measure: MeasureDef) -> E.Node:
    """The condition under which the measure is met (Kleene-true exactly when it is)."""
    parts: list[E.Node] = [c.condition for c in (*measure.applies_to, *measure.requires)]
    for excl in measure.excluded_if:
        exception = E.BoolOp("or", tuple(u.condition for u in excl.unless))
        applies = E.BoolOp("and", (excl.condition, E.Not(exception)))
        parts.append(E.Not(applies if excl.unless else excl.condition))
    return E.BoolOp("and", tuple(parts))


def _called(text: str) -> set[str]:
    """Names and functions a condition text mentions (definitions among them)."""
    try:
        node = E.parse(text)
    except ConditionSyntaxError:
        return set()
    return names_in(node)


def _citations(node: Any) -> Iterator[S.Citation]:
    """Every citation anywhere in a ruleset file model."""
    if isinstance(node, S.Citation):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _citations(getattr(node, name))
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _citations(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from _citations(item)
