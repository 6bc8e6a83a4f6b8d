"""The pipeline: select the law in force, normalise, run the engine, assemble the Decision."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import math
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast, overload

import orjson
from pydantic import BaseModel

from eligibility._compile import CompileError, Compiler, Plan
from eligibility._facts import Facts, Normaliser
from eligibility._gcpause import LONG_RECORD, collector_paused
from eligibility._loader import iter_ruleset_files, load_ruleset_files
from eligibility._model import Cite, CriterionDef, MeasureDef, Ruleset
from eligibility._outcome import MeasureVerdict, decide
from eligibility._reference import Evaluator, ReadSlot, list_sizes, read_slots, read_value
from eligibility.case import Case
from eligibility.decision import (
    DISCLAIMER,
    SCHEMA_VERSION,
    AnyDecision,
    AssumptionOut,
    CitationOut,
    CriterionResult,
    DecidingCriterion,
    DecidingDecision,
    Decision,
    EngineInfo,
    Explanation,
    FactRead,
    GoverningDate,
    MeasureDeciding,
    MeasureOutcome,
    MeasureResult,
    MissingFact,
    NoticeOut,
    OutcomeDecision,
    RulesetApplied,
    RulesetHash,
    UnsettledPoint,
)
from eligibility.errors import (
    CaseError,
    Problem,
    RulesetError,
    UnknownJurisdictionError,
)
from eligibility.limits import check_time
from eligibility.records.notices import REFUSED_IN_STRICT_MODE, Notice

EvaluatorName = Literal["durable-rules", "reference"]
_MAX_READINGS = 16
"""The most combinations of readings tried for one case: each costs one evaluation."""
Role = Literal["scope", "requires", "excluded_if", "unless"]

_QUESTIONS = {
    "offense_date": "On what date was the offence committed?",
    "decision_date": "On what date is the decision being made?",
    "age_at_offense": "What is the person's date of birth (or age on the offence date)?",
    "age_at_decision": "What is the person's date of birth?",
    "consent": "Does the person consent to the measure and any treatment it involves?",
    "admits_offense": "Does the person admit the offence?",
    "plea": "How has the person pleaded (guilty, not_guilty, no_contest)?",
    "charges": "What is the person charged with?",
    "priors": "What is the person's prior record? Give an empty list if there is none.",
}
_CASE_PATH = {"age_at_offense": "person.birth_date", "age_at_decision": "person.birth_date"}
_ITEM_QUESTIONS = {
    "offense": "Which statute is it (as recorded)?",
    "statute": "Which statute is it (as recorded)?",
    "category": "What kind of offence is it (possession, supply…)?",
    "class": "What class of offence is it (felony, misdemeanor…)?",
    "substance": "Which substance was involved?",
    "quantity_g": "What quantity (with its unit) was involved?",
    "quantity_ml": "What quantity (with its unit) was involved?",
    "quantity_units": "How many plants or units were involved?",
    "purpose": "For what purpose (personal_use, sale…)?",
    "violence": "Did it involve violence or threatened violence?",
    "weapon": "Was a weapon used or carried?",
    "drug_related": "Was it a drug offence?",
    "jurisdiction": "Where was it recorded?",
    "disposition": "How was it disposed of (conviction, caution, diversion…)?",
    "offense_date": "On what date was it committed?",
    "disposition_date": "On what date was the conviction or other disposition?",
    "release_date": "On what date was the person released from custody for it?",
    "custody_days": "What periods (start and end dates) did the person spend in custody for it?",
    "felony": "Was it a felony?",
    "violent": "Was it a violent offence?",
    "serious_or_violent_felony": "Was it a serious or violent felony?",
}
_ITEM_PATH = {
    "offense": "statute",
    "quantity_g": "quantity",
    "quantity_ml": "quantity",
    "quantity_units": "quantity",
    "custody_days": "custody",
}
_M = TypeVar("_M", bound=BaseModel)
_Reads = dict[tuple[Any, ...], list[FactRead]]
"""Fact records already built for one case and governing day, by what a criterion reads."""

_RANK = {"entitled": 4, "eligible": 3, "undetermined": 2, "ineligible": 1, "not_applicable": 0}


@functools.cache
def engine_version() -> str:
    """The installed eligibility version."""
    try:
        return metadata.version("eligibility")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0.0.0+source"


def shipped_rulesets_dir() -> Path:
    """The rulesets that ship with eligibility: inside the wheel, or beside a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_shipped_rulesets"
    if packaged.is_dir():
        return packaged
    return here.parent / "rulesets"


def default_rulesets_dir() -> Path:
    """``$ELIGIBILITY_RULESETS`` if set, else the shipped rulesets."""
    env = os.environ.get("ELIGIBILITY_RULESETS")
    return Path(env) if env else shipped_rulesets_dir()


# -- engines -----------------------------------------------------------------------------------


class _Engine(Protocol):
    name: EvaluatorName

    def verdicts(
        self, ruleset: Ruleset, key: tuple[Any, ...], params: Mapping[str, Any], facts: Facts
    ) -> dict[str, bool | None]: ...


class ReferenceEngine:
    """Evaluates criteria with the pure-Python reference evaluator (the test oracle)."""

    name: EvaluatorName = "reference"

    def verdicts(
        self, ruleset: Ruleset, key: tuple[Any, ...], params: Mapping[str, Any], facts: Facts
    ) -> dict[str, bool | None]:
        ev = Evaluator(facts.values, params)
        return {c.key: ev.truth(c.condition) for c in ruleset.criteria()}


class DurableEngine:
    """Evaluates criteria with durable-rules, one compiled handle per ruleset and parameter set."""

    name: EvaluatorName = "durable-rules"

    def __init__(self) -> None:
        from eligibility._durable import DurableRuleset  # the one module that imports durable

        self._factory = DurableRuleset
        self._compiled: dict[tuple[Any, ...], tuple[Plan, Any]] = {}
        self._same_layout: dict[tuple[int, int], bool] = {}
        """(three-valued plan, two-valued plan) → whether they encode a case alike."""
        self._lock = threading.Lock()

    def compiled(
        self,
        ruleset: Ruleset,
        key: tuple[Any, ...],
        params: Mapping[str, Any],
        complete: bool = False,
    ) -> tuple[Plan, Any]:
        full = (id(ruleset), ruleset.content_hash, complete, *key)
        hit = self._compiled.get(full)
        if hit is not None:
            return hit
        with self._lock:
            hit = self._compiled.get(full)
            if hit is None:
                try:
                    plan = Compiler(ruleset, params, complete).compile()
                except CompileError as exc:
                    raise RulesetError([Problem(str(exc), file=ruleset.path)]) from None
                hit = (plan, self._factory(plan, ruleset.id))
                self._compiled[full] = hit
        return hit

    def verdicts(
        self, ruleset: Ruleset, key: tuple[Any, ...], params: Mapping[str, Any], facts: Facts
    ) -> dict[str, bool | None]:
        plan, handle = self.compiled(ruleset, key, params)
        fact, complete = plan.encode_checked(facts.values, params)
        if complete:
            # Every quantified field is known: the smaller two-valued plan gives the same verdicts.
            full = plan
            plan, handle = self.compiled(ruleset, key, params, complete=True)
            same = self._same_layout.get((id(full), id(plan)))
            if same is None:  # the plans are kept for the registry's life, so their ids hold
                same = self._same_layout[(id(full), id(plan))] = plan.layout() == full.layout()
            if not same:
                # The plans lifted different terms (an oversized body in one of them): the
                # derived fields differ, so the case is encoded for the plan that reads it.
                fact = plan.encode_case(facts.values, params)
        return plan.verdicts(handle.fired(fact))


_Measured = MeasureResult | MeasureDeciding | MeasureOutcome
"""A measure's entry as the pipeline builds it: in full, or as the ``deciding`` or ``outcome``
level gives it."""


# -- the registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selected:
    ruleset: Ruleset | None
    versions: tuple[Ruleset, ...]
    basis: str
    day: dt.date | None
    because: str


class Registry:
    """The loaded rulesets, grouped by jurisdiction, and the front door for evaluation."""

    def __init__(
        self, rulesets: Iterable[Ruleset], evaluator: EvaluatorName = "durable-rules"
    ) -> None:
        self.rulesets = tuple(rulesets)
        self.by_jurisdiction: dict[str, dict[str, list[Ruleset]]] = {}
        for r in self.rulesets:
            self.by_jurisdiction.setdefault(r.jurisdiction, {}).setdefault(r.id, []).append(r)
        problems = []
        for groups in self.by_jurisdiction.values():
            for versions in groups.values():
                versions.sort(key=lambda r: r.in_force.start)
                for a, b in itertools.pairwise(versions):
                    if a.in_force.until is None or a.in_force.until >= b.in_force.start:
                        problems.append(
                            Problem(
                                f"versions of ruleset {a.id} overlap: {a.path} and {b.path}",
                                file=b.path,
                                hint="end the earlier version the day before the later one starts",
                            )
                        )
                    if a.governing_date != b.governing_date:
                        problems.append(
                            Problem(
                                f"versions of ruleset {a.id} disagree on the governing date",
                                file=b.path,
                            )
                        )
        if problems:
            raise RulesetError(problems)
        self.evaluator: EvaluatorName = evaluator
        self._engine: _Engine = (
            DurableEngine() if evaluator == "durable-rules" else ReferenceEngine()
        )
        self._normalisers = {id(r): Normaliser(r) for r in self.rulesets}
        self._decided = {id(m): _Decided(r, m) for r in self.rulesets for m in r.measures}
        self._hashes: dict[tuple[int, bool], RulesetHash] = {}
        self._by_code: dict[
            str, tuple[dict[str, list[Ruleset]], frozenset[str], tuple[str, ...]] | None
        ] = {}

    @classmethod
    def load(
        cls, root: str | Path | None = None, evaluator: EvaluatorName = "durable-rules"
    ) -> Registry:
        """Load every ruleset under ``root`` (default: the shipped rulesets), all problems at once."""
        base = Path(root) if root is not None else default_rulesets_dir()
        if not base.is_dir():
            raise RulesetError([Problem("no such rulesets folder", file=str(base))])
        rulesets = load_ruleset_files(iter_ruleset_files(base))
        if not rulesets:
            raise RulesetError(
                [Problem("no ruleset files (<jurisdiction>/*.yaml) found", file=str(base))]
            )
        return cls(rulesets, evaluator)

    def jurisdictions(self) -> list[str]:
        """Known jurisdiction codes, sorted, as ISO 3166 in upper case."""
        return sorted(j.upper() for j in self.by_jurisdiction)

    def groups_for(self, jurisdiction: str) -> dict[str, list[Ruleset]] | None:
        """Rulesets (by id, all versions) that apply to a case filed under ``jurisdiction``:
        its own, plus national ones that declare they apply in subdivisions."""
        found = self._groups(jurisdiction.lower())
        return None if found is None else dict(found[0])

    def _groups(
        self, code: str
    ) -> tuple[dict[str, list[Ruleset]], frozenset[str], tuple[str, ...]] | None:
        """What :meth:`groups_for` gives, the fact names those rulesets declare and their ids in
        order: worked out once per jurisdiction code (the registry's rulesets never change),
        shared and not to be changed."""
        if code in self._by_code:
            return self._by_code[code]
        groups = self._groups_uncached(code)
        out = (
            None
            if groups is None
            else (
                groups,
                frozenset(
                    name for versions in groups.values() for r in versions for name in r.facts
                ),
                tuple(sorted(groups)),
            )
        )
        if len(self._by_code) < 1024:  # codes come from cases: bounded
            self._by_code[code] = out
        return out

    def _groups_uncached(self, code: str) -> dict[str, list[Ruleset]] | None:
        own = self.by_jurisdiction.get(code, {})
        parent = code.split("-")[0] if "-" in code else ""
        inherited = {
            rid: versions
            for rid, versions in self.by_jurisdiction.get(parent, {}).items()
            if versions[0].applies_in_subdivisions
        }
        if not own and not inherited:
            return None
        return {**inherited, **own}

    @overload
    def evaluate(
        self, case: Case, strict: bool = False, explain: Literal["full"] = "full"
    ) -> Decision: ...
    @overload
    def evaluate(
        self, case: Case, strict: bool = False, *, explain: Literal["deciding"]
    ) -> DecidingDecision: ...
    @overload
    def evaluate(
        self, case: Case, strict: bool = False, *, explain: Literal["outcome"]
    ) -> OutcomeDecision: ...
    @overload
    def evaluate(
        self, case: Case, strict: bool = False, *, explain: Explanation
    ) -> AnyDecision: ...
    def evaluate(self, case: Case, strict: bool = False, explain: Explanation = "full") -> Any:
        """Screen one case against every ruleset of its jurisdiction.

        What the rulesets cannot read (a citation, a substance, a unit) is unknown and listed in
        the decision's ``notices``; with ``strict`` such a case is refused instead
        (:class:`CaseError` naming each value). ``explain`` chooses how much reasoning the
        decision carries: ``full`` (the :class:`Decision`), ``deciding``
        (:class:`DecidingDecision`: the deciding criteria, expandable to the full decision) or
        ``outcome`` (:class:`OutcomeDecision`); docs/explanation.md."""
        if explain not in ("full", "deciding", "outcome"):
            raise ValueError(f"explain must be full, deciding or outcome, not {explain!r}")
        if len(case.priors or ()) + len(case.charges or ()) < LONG_RECORD:
            return self._evaluate(case, strict, explain)
        with collector_paused():  # see eligibility/_gcpause.py
            return self._evaluate(case, strict, explain)

    def _evaluate(self, case: Case, strict: bool, explain: Explanation = "full") -> AnyDecision:
        code = case.jurisdiction.lower()
        found = self._groups(code)
        if found is None:
            raise UnknownJurisdictionError(case.jurisdiction, self.jurisdictions())
        groups, declared, ids = found
        if case.facts and not declared.issuperset(case.facts):
            self._check_declared_facts(case, groups)
        applied: list[RulesetApplied | RulesetHash] = []
        measures: list[_Measured] = []
        assumptions: list[AssumptionOut] = []
        collector = _Collector()
        notices = _Notices()
        for rid in ids:
            check_time()  # the caller's time budget (eligibility.limits.time_budget), if any
            versions = tuple(groups[rid])
            selected = self._select(versions, case)
            applied.append(
                _applied(selected) if explain != "outcome" else self._ruleset_hash(selected)
            )
            if selected.ruleset is None:
                # Still check the case against the latest version, so a wrong statute or fact
                # value is reported even when no version can be selected.
                notices.add(versions[-1].id, self._normalisers[id(versions[-1])].normalise(case))
                measures.extend(_unselected(selected, collector))
                continue
            ruleset = selected.ruleset
            facts = self._normalisers[id(ruleset)].normalise(case)
            notices.add(ruleset.id, facts)
            if explain != "outcome":  # the outcome level does not list assumptions
                assumptions.extend(
                    AssumptionOut(
                        fact=f"facts.{a.fact}",
                        ruleset=ruleset.id,
                        value=_out(a.value),
                        reason=a.reason,
                    )
                    for a in facts.assumptions
                )
            results = self._measures(ruleset, selected, case, facts, collector, explain)
            if facts.readings:
                results = self._by_readings(
                    ruleset, selected, case, facts, results, collector, explain
                )
            measures.extend(results)
        if explain != "full":
            parts: dict[str, Any] = {
                "case_id": case.case_id,
                "jurisdiction": code.upper(),
                "engine": _engine_info(self.evaluator),
                "rulesets": applied,
                "measures": measures,
                "assumptions": assumptions,
                "summary": _summary(code.upper(), case.case_id, measures),
            }
            if explain == "outcome":
                notices.refuse(strict)  # strict mode refuses at every level
                parts["notices"] = len(notices.seen)  # counted, not built
            else:
                parts["notices"] = notices.out(strict)
                parts["missing_facts"] = collector.missing_facts()
                parts["unsettled"] = collector.unsettled_points()
            return short_decision(explain, case, parts)
        return _trusted(
            Decision,
            {
                "schema_version": SCHEMA_VERSION,
                "case_id": case.case_id,
                "jurisdiction": code.upper(),
                "engine": _engine_info(self.evaluator),
                "rulesets": applied,
                "measures": measures,
                "missing_facts": collector.missing_facts(),
                "unsettled": collector.unsettled_points(),
                "assumptions": assumptions,
                "notices": notices.out(strict),
                "summary": _summary(code.upper(), case.case_id, measures),
                "disclaimer": DISCLAIMER,
                "as_of": None,
                "what_if": None,
            },
        )

    def precheck(self, data: object) -> list[Problem]:
        """What is wrong with a raw case document beyond its structure: an unknown jurisdiction
        or fact name. Reported with the structural problems, so a case's problems come in one
        round."""
        if not isinstance(data, dict) or not isinstance(data.get("jurisdiction"), str):
            return []
        groups = self.groups_for(data["jurisdiction"])
        if groups is None:
            return UnknownJurisdictionError(data["jurisdiction"], self.jurisdictions()).problems
        facts = data.get("facts")
        if not isinstance(facts, dict):
            return []
        names = {k: v for k, v in facts.items() if isinstance(k, str)}
        try:
            self._check_declared_facts(
                Case.model_construct(case_id="", jurisdiction=data["jurisdiction"], facts=names),
                groups,
            )
        except CaseError as exc:
            return exc.problems
        return []

    def _ruleset_hash(self, selected: _Selected) -> RulesetHash:
        """What an ``outcome``-level decision records of the ruleset applied (``ruleset_hashes``
        of :func:`_applied`): one frozen object per ruleset version, or per ruleset when no
        version was selected, shared by every decision."""
        r = selected.ruleset
        ref = r or selected.versions[-1]
        key = (id(ref), r is None)
        out = self._hashes.get(key)
        if out is None:
            out = self._hashes[key] = ruleset_hashes([_applied(selected)])[0]
        return out

    def _check_declared_facts(self, case: Case, groups: Mapping[str, list[Ruleset]]) -> None:
        if not case.facts:
            return
        declared = {name for versions in groups.values() for r in versions for name in r.facts}
        problems = []
        for name in case.facts:
            if name not in declared:
                from eligibility._types import suggest

                problems.append(
                    Problem(
                        f"unknown fact `{name}` for {case.jurisdiction.upper()}",
                        location=f"facts.{name}",
                        hint=suggest(name, sorted(declared))
                        or (
                            "declared facts: " + ", ".join(sorted(declared))
                            if declared
                            else "this jurisdiction declares no facts"
                        ),
                    )
                )
        if problems:
            raise CaseError(problems)

    def _select(self, versions: tuple[Ruleset, ...], case: Case) -> _Selected:
        basis = versions[0].governing_date
        reason = versions[0].governing_date_reason
        if basis == "more_favourable":
            return self._more_favourable(versions, case, reason)
        day = case.offense_date if basis == "offense_date" else case.decision_date
        if day is None:
            return _Selected(
                None,
                versions,
                basis,
                None,
                f"{basis} is not given, so the law in force cannot be selected",
            )
        for r in versions:
            if r.in_force.contains(day):
                return _Selected(
                    r,
                    versions,
                    basis,
                    day,
                    f"in force on {day} ({basis.replace('_', ' ')}): {reason}",
                )
        return _Selected(
            None,
            versions,
            basis,
            day,
            f"no version is in force on {day} ({basis.replace('_', ' ')})",
        )

    def _more_favourable(self, versions: tuple[Ruleset, ...], case: Case, reason: str) -> _Selected:
        options = []
        for basis, day in (
            ("offense_date", case.offense_date),
            ("decision_date", case.decision_date),
        ):
            if day is None:
                return _Selected(
                    None,
                    versions,
                    basis,
                    None,
                    f"{basis} is not given, so the more favourable law cannot be chosen",
                )
            found = next((r for r in versions if r.in_force.contains(day)), None)
            options.append((basis, day, found))
        (b1, d1, r1), (b2, d2, r2) = options
        if r1 is r2:
            if r1 is None:
                return _Selected(None, versions, b1, d1, f"no version is in force on {d1} or {d2}")
            return _Selected(
                r1, versions, b1, d1, f"the same version is in force on both dates: {reason}"
            )
        if r1 is None or r2 is None:
            basis, day, r = (b2, d2, r2) if r1 is None else (b1, d1, r1)
            return _Selected(
                r, versions, basis, day, f"the only version in force on either date: {reason}"
            )
        s1 = self._score(r1, b1, case)
        s2 = self._score(r2, b2, case)
        if s2 > s1:
            return _Selected(
                r2,
                versions,
                b2,
                d2,
                f"the later law (in force on {d2}) is more favourable: {reason}",
            )
        return _Selected(
            r1, versions, b1, d1, f"the law in force on {d1} is at least as favourable: {reason}"
        )

    def _by_readings(
        self,
        ruleset: Ruleset,
        selected: _Selected,
        case: Case,
        facts: Facts,
        results: list[_Measured],
        collector: _Collector,
        explain: Explanation = "full",
    ) -> list[_Measured]:
        """Decide a measure left undetermined by a record that names several provisions, when
        every reading of the record gives it the same outcome (at most ``_MAX_READINGS``
        readings are tried; beyond that the measure stays undetermined)."""
        sizes = [len(v) for _, _, v in facts.readings]
        if math.prod(sizes) > _MAX_READINGS:
            return results
        per_reading: list[list[_Measured]] = []
        for combo in itertools.product(*(v for _, _, v in facts.readings)):
            values = dict(facts.values)
            lists = {name: list(values[name]) for name, _, _ in facts.readings}
            for (name, i, _), variant in zip(facts.readings, combo, strict=True):
                lists[name][i] = variant
            values.update({name: tuple(items) for name, items in lists.items()})
            variant_facts = Facts(values, facts.assumptions)
            per_reading.append(
                self._measures(ruleset, selected, case, variant_facts, _Collector(), explain)
            )
        which = "; ".join(
            f"{name}[{i}].statute: " + " or ".join(str(v.get("offense")) for v in variants)
            for name, i, variants in facts.readings
        )
        out = list(results)
        for k, merged in enumerate(results):
            if merged.outcome != "undetermined":
                continue
            outcomes = {r[k].outcome for r in per_reading}
            if len(outcomes) != 1 or outcomes == {"undetermined"}:
                continue
            first = per_reading[0][k]
            note = (
                f"The record does not say which provision applies ({which}); every reading "
                f"gives this outcome. The criteria shown are those of the first reading."
            )
            if isinstance(first, MeasureResult):
                out[k] = first.model_copy(update={"notes": [*first.notes, note]})
            else:  # the outcome level carries no notes
                out[k] = first
            collector.forget(merged.id)
        return out

    def _score(self, ruleset: Ruleset, basis: str, case: Case) -> tuple[int, ...]:
        facts = self._normalisers[id(ruleset)].normalise(case)
        sel = _Selected(ruleset, (ruleset,), basis, None, "")
        results = self._measures(ruleset, sel, case, facts, _Collector(), "outcome")
        return tuple(sorted((_RANK[m.outcome] for m in results), reverse=True))

    def _measures(
        self,
        ruleset: Ruleset,
        selected: _Selected,
        case: Case,
        facts: Facts,
        collector: _Collector,
        explain: Explanation = "full",
    ) -> list[_Measured]:
        out: list[_Measured] = []
        cache: dict[tuple[Any, ...], dict[str, bool | None]] = {}
        # Per governing day: the parameter key, an evaluator over the facts, and the fact
        # records read so far (criteria reading the same facts, across measures, share one list).
        snapshots: dict[dt.date, tuple[tuple[Any, ...], Evaluator, _Reads]] = {}
        for measure in ruleset.measures:
            check_time()
            basis = measure.governing_date or selected.basis
            day = case.offense_date if basis == "offense_date" else case.decision_date
            if day is None:
                governing = _governing(measure, selected, basis, day)
                out.append(_undated(ruleset, measure, governing, basis, collector))
                continue
            in_force = measure.in_force is None or measure.in_force.contains(day)
            if day not in snapshots:
                key, params = ruleset.snapshot(day)
                snapshots[day] = (key, Evaluator(facts.values, params), {})
            key, ev, reads = snapshots[day]
            if key not in cache:
                cache[key] = self._engine.verdicts(ruleset, key, ev.params, facts)
            verdicts = cache[key]
            verdict, guidance, brief, deciding = self._decided[id(measure)](verdicts, in_force)
            if explain == "outcome":
                out.append(brief)
                continue
            if explain == "deciding" and deciding is not None:
                if verdict.outcome == "undetermined":
                    for c in verdict.deciding:
                        _collect_unknowns(c, verdicts, ev, ruleset, measure.id, collector)
                # Shared and frozen, but its list is the caller's to change: a copy of it.
                entry = dict(deciding.__dict__)
                entry["deciding_criteria"] = [*deciding.deciding_criteria]
                out.append(_trusted(MeasureDeciding, entry))
                continue
            governing = _governing(measure, selected, basis, day)
            out.append(
                _result(
                    ruleset,
                    measure,
                    verdict,
                    guidance,
                    verdicts,
                    (ev, reads),
                    governing,
                    day,
                    in_force,
                    collector,
                )
            )
        return out


# -- assembling the decision -------------------------------------------------------------------


class _Notices:
    """Gathers the notices of every ruleset's reading, each once, naming the rulesets."""

    def __init__(self) -> None:
        self.seen: dict[tuple[Any, ...], tuple[Notice, list[str]]] = {}

    def add(self, ruleset: str, facts: Facts) -> None:
        for n in facts.notices:
            key = (n.location, n.kind, n.recorded, n.read_as, n.message, n.question)
            entry = self.seen.setdefault(key, (n, []))
            if ruleset not in entry[1]:
                entry[1].append(ruleset)

    def out(self, strict: bool) -> list[NoticeOut]:
        self.refuse(strict)
        return [
            _trusted(
                NoticeOut,
                {
                    "location": n.location,
                    "kind": n.kind,
                    "recorded": n.recorded,
                    "read_as": list(n.read_as),
                    "message": n.message,
                    "question": n.question,
                    "rulesets": sorted(rulesets),
                },
            )
            for n, rulesets in sorted(
                self.seen.values(), key=lambda e: (_loc_key(e[0].location), e[0].kind, e[0].message)
            )
        ]

    def refuse(self, strict: bool) -> None:
        """In strict mode, refuse the case if a value was not read (:class:`CaseError`)."""
        if strict:
            refused = [
                Problem(
                    f"{n.recorded!r} {n.message}",
                    location=n.location,
                    hint=n.question,
                )
                for n, _ in self.seen.values()
                if n.kind in REFUSED_IN_STRICT_MODE
            ]
            if refused:
                raise CaseError(refused)


@functools.lru_cache(maxsize=1024)  # locations repeat from case to case; the key is pure
def _loc_key(location: str) -> tuple[Any, ...]:
    """``charges[10]`` after ``charges[2]``."""
    return tuple(int(p) if p.isdigit() else p for p in _INDEX.split(location))


_INDEX = re.compile(r"\[(\d+)\]")


class _Collector:
    """Gathers missing facts and unsettled points across measures, in a stable order."""

    def __init__(self) -> None:
        self.missing: dict[str, tuple[str, list[str]]] = {}
        self.unsettled: dict[tuple[str, str], tuple[Any, list[str]]] = {}

    def add_missing(self, path: str, question: str, measure: str) -> None:
        entry = self.missing.setdefault(path, (question, []))
        if measure not in entry[1]:
            entry[1].append(measure)

    def add_unsettled(self, ruleset: Ruleset, name: str, measure: str) -> None:
        entry = self.unsettled.setdefault((ruleset.id, name), (ruleset.unsettled[name], []))
        if measure not in entry[1]:
            entry[1].append(measure)

    def forget(self, measure: str) -> None:
        """``measure`` was decided after all: it no longer needs the missing facts or open
        points recorded for it."""
        for key, (_question, measures) in list(self.missing.items()):
            if measure in measures:
                measures.remove(measure)
                if not measures:
                    del self.missing[key]
        for ukey, (_point, umeasures) in list(self.unsettled.items()):
            if measure in umeasures:
                umeasures.remove(measure)
                if not umeasures:
                    del self.unsettled[ukey]

    def missing_facts(self) -> list[MissingFact]:
        return [
            _trusted(MissingFact, {"fact": k, "question": q, "decides": m})
            for k, (q, m) in sorted(self.missing.items())
        ]

    def unsettled_points(self) -> list[UnsettledPoint]:
        return [
            _trusted(
                UnsettledPoint,
                {
                    "id": name,
                    "ruleset": rid,
                    "text": u.text,
                    "citation": citation_out(u.cite),
                    "decides": m,
                },
            )
            for (rid, name), (u, m) in sorted(self.unsettled.items())
        ]


_set = object.__setattr__
# BaseModel keeps these three in slots; their descriptors set them without a name lookup.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """An instance of a Decision model from values this module built from checked rulesets,
    without re-validating them: what ``model_construct`` does, minus its per-field bookkeeping
    (which was the single largest cost of a decision). ``values`` must name every field; the
    property tests re-validate whole decisions against the model."""
    model = object.__new__(cls)
    _set(model, "__dict__", values)
    _set_fields_set(model, set(values))
    _set_extra(model, None)
    _set_private(model, None)
    return model


_citations: dict[Cite, CitationOut] = {}
_citations_by_object: dict[int, tuple[Cite, CitationOut]] = {}
"""The same records by the citation object, which is looked up without hashing its five texts;
each entry holds its citation, so an id is never one of another object. Bounded: cleared when
full."""


def citation_out(c: Cite) -> CitationOut:
    """The Decision's record of a citation: one frozen object per cited provision, shared by
    every decision (and service response) that cites it."""
    hit = _citations_by_object.get(id(c))
    if hit is not None and hit[0] is c:
        return hit[1]
    out = _citations.get(c)
    if out is None:
        out = _citations.setdefault(
            c,
            _trusted(
                CitationOut,
                {
                    "source": c.source,
                    "title": c.title,
                    "pinpoint": c.pinpoint,
                    "url": c.url,
                    "kind": c.kind,
                },
            ),
        )
    if len(_citations_by_object) >= 65_536:
        _citations_by_object.clear()
    _citations_by_object[id(c)] = (c, out)
    return out


_FACT_READS_MAX = 8_192
_fact_reads: dict[tuple[str, type, Any], FactRead] = {}


def _fact_read(name: str, value: Any) -> FactRead:
    # Keyed by type too: 1 == True in a dict. Bounded: cleared when full.
    key = (name, type(value), value)
    out = _fact_reads.get(key)
    if out is None:
        if len(_fact_reads) >= _FACT_READS_MAX:
            _fact_reads.clear()
        out = _fact_reads[key] = _trusted(FactRead, {"fact": name, "value": _out(value)})
    return out


def _out(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return value
    return str(value)


def _status(v: bool | None) -> Literal["met", "not_met", "unknown"]:
    return "unknown" if v is None else ("met" if v else "not_met")


def _criterion(
    c: CriterionDef,
    verdicts: Mapping[str, bool | None],
    ev: Evaluator,
    reads: _Reads,
) -> CriterionResult:
    key = (c.read_names, c.read_lists)
    facts = reads.get(key)
    if facts is None:
        facts = reads[key] = _facts_read(c.read_names, c.read_lists, ev)
    return _trusted(
        CriterionResult,
        {
            "id": c.id,
            "role": cast(Role, c.role),  # the loader sets one of the four roles
            "status": _status(verdicts[c.key]),
            "text": c.text,
            "citation": citation_out(c.cite),
            "facts": facts,
            "unless": [_criterion(u, verdicts, ev, reads) for u in c.unless],
        },
    )


_LAYOUTS_MAX = 4_096
_LAYOUT_ITEMS_MAX = 64
_layouts: dict[tuple[Any, ...], list[tuple[str, ReadSlot]]] = {}


def _facts_read(
    names: tuple[str, ...], lists: tuple[tuple[str, tuple[str, ...]], ...], ev: Evaluator
) -> list[FactRead]:
    """The fact records of a criterion reading ``names`` and the item fields ``lists``: what
    ``Evaluator.reads`` gives, in the order of its labels. The labels and their order depend
    only on the names and the lengths of the lists, so they are laid out once per such shape
    (keyed by the lengths of all the case's lists, worked out once per case; for records of up
    to 64 items in all, longer ones are laid out for the case)."""
    lengths = ev.lengths()
    shape = (names, lists, lengths)
    layout = _layouts.get(shape)
    if layout is None:
        slots = read_slots(names, lists, list_sizes(ev.facts, lists))
        layout = [(label, slots[label]) for label in sorted(slots)]
        if sum(n for _, n in lengths) <= _LAYOUT_ITEMS_MAX:
            if len(_layouts) >= _LAYOUTS_MAX:
                _layouts.clear()
            _layouts[shape] = layout
    return [_fact_read(label, read_value(ev.facts, slot)) for label, slot in layout]


def _missing_path(name: str, ruleset: Ruleset) -> tuple[str, str] | None:
    """Case-document path and question for a missing fact name, or None for unsettled points."""
    if name in ruleset.unsettled:
        return None
    if name in ruleset.facts:
        return f"facts.{name}", ruleset.facts[name].question
    if "[" in name:
        head, _, fld = name.rpartition(".")
        kind = head.split("[")[0]
        index = int(head.split("[")[1].rstrip("]"))
        noun = "charge" if kind == "charges" else "prior"
        question = f"For {noun} {index + 1}: {_ITEM_QUESTIONS.get(fld, f'what is its {fld}?')}"
        return f"{head}.{_ITEM_PATH.get(fld, fld)}", question
    if name in ruleset.parameters:
        return (
            f"parameter {name}",
            "The ruleset has no value for this parameter on the governing date.",
        )
    return _CASE_PATH.get(name, name), _QUESTIONS.get(name, f"What is {name}?")


def _governing(
    measure: MeasureDef, selected: _Selected, basis: str, day: dt.date | None
) -> GoverningDate:
    """Which date governed ``measure`` and why (the full decision says so for each measure)."""
    return _trusted(
        GoverningDate,
        {
            "basis": basis if basis != "more_favourable" else "offense_date",
            "date": day.isoformat() if day else None,
            "reason": (
                f"this measure is governed by the {basis.replace('_', ' ')}"
                if measure.governing_date
                else selected.because
            ),
        },
    )


class _Decided:
    """One measure's outcome for each combination of its criteria's verdicts, worked out once.

    A measure's outcome, the criteria that decided it and whether guidance decided it depend on
    nothing but those verdicts and whether the measure is in force (``decide``), and so do its
    ``outcome``-level entry and, while it is in force, its ``deciding``-level entry (its reason
    and its deciding criteria with their status; out of force, the reason names the day). A
    registry keeps them (frozen models; a decision gets the ``outcome`` entry itself, which holds
    no list, and a copy of the ``deciding`` one with its own list) for the combinations it meets:
    at most ``_DECIDED_MAX`` per measure, decided afresh beyond that."""

    __slots__ = ("_keys", "_measure", "_memo", "_ruleset")

    def __init__(self, ruleset: Ruleset, measure: MeasureDef) -> None:
        self._ruleset = ruleset
        self._measure = measure
        self._keys = tuple(c.key for c in measure.criteria())
        self._memo: dict[tuple[bool | None, ...], _DecidedEntry] = {}

    def __call__(self, verdicts: Mapping[str, bool | None], in_force: bool) -> _DecidedEntry:
        key = (in_force, *map(verdicts.__getitem__, self._keys))
        hit = self._memo.get(key)
        if hit is None:
            hit = self._decide(verdicts, in_force)
            if len(self._memo) < _DECIDED_MAX:
                self._memo[key] = hit
        return hit

    def _decide(self, verdicts: Mapping[str, bool | None], in_force: bool) -> _DecidedEntry:
        measure = self._measure
        verdict = decide(measure, verdicts, in_force)
        guidance = measure.cite.guidance or any(c.cite.guidance for c in verdict.deciding)
        if verdict.outcome in ("entitled", "eligible"):
            guidance = guidance or any(c.cite.guidance for c in measure.criteria())
        brief = _trusted(
            MeasureOutcome,
            {
                "id": measure.id,
                "ruleset": self._ruleset.id,
                "outcome": verdict.outcome,
                "decided_by": measure.decided_by,
                "guidance_based": guidance,
            },
        )
        if not in_force:
            return verdict, guidance, brief, None
        deciding = _trusted(
            MeasureDeciding,
            {
                "id": measure.id,
                "ruleset": self._ruleset.id,
                "outcome": verdict.outcome,
                "decided_by": measure.decided_by,
                "guidance_based": guidance,
                "reason": _reason(measure, verdict, verdicts),
                "citation": citation_out(measure.cite),
                "deciding_criteria": [_deciding_criterion(c, verdicts) for c in verdict.deciding],
            },
        )
        return verdict, guidance, brief, deciding


_DECIDED_MAX = 4096
_DecidedEntry = tuple[MeasureVerdict, bool, MeasureOutcome, MeasureDeciding | None]
"""A measure's verdict, whether guidance decided it, and its ``outcome``- and (in force)
``deciding``-level entries."""


def _result(
    ruleset: Ruleset,
    measure: MeasureDef,
    verdict: MeasureVerdict,
    guidance: bool,
    verdicts: Mapping[str, bool | None],
    reading: tuple[Evaluator, _Reads],
    governing: GoverningDate,
    day: dt.date,
    in_force: bool,
    collector: _Collector,
) -> MeasureResult:
    """A measure's full entry; at the ``deciding`` level, that of a measure not in force on the
    day (its reason names the day, so it is not kept by :class:`_Decided`)."""
    if not in_force:
        assert measure.in_force is not None
        reason = f"Not in force on {day} ({governing.basis.replace('_', ' ')}); in force {measure.in_force.render()}."
        criteria: list[CriterionResult] = []
    else:  # the full level (the deciding level's entries in force are made by _Decided)
        ev, reads = reading
        criteria = [
            _criterion(c, verdicts, ev, reads)
            for c in (*measure.applies_to, *measure.requires, *measure.excluded_if)
        ]
        reason = _reason(measure, verdict, verdicts)
        if verdict.outcome == "undetermined":
            for c in verdict.deciding:
                _collect_unknowns(c, verdicts, ev, ruleset, measure.id, collector)
    return _measure_result(
        ruleset,
        measure,
        governing,
        verdict.outcome,
        reason,
        deciding=[c.id for c in verdict.deciding],
        criteria=criteria,
        guidance=guidance,
    )


def _deciding_criterion(c: CriterionDef, verdicts: Mapping[str, bool | None]) -> DecidingCriterion:
    return _trusted(
        DecidingCriterion,
        {
            "id": c.id,
            "role": cast(Role, c.role),
            "status": _status(verdicts[c.key]),
            "text": c.text,
            "citation": citation_out(c.cite),
        },
    )


def short_decision(
    explain: Literal["deciding", "outcome"], case: Case, parts: Mapping[str, Any]
) -> AnyDecision:
    """The decision at the ``deciding`` or ``outcome`` level, from the parts of the full one it
    keeps (named as the Decision's fields): what evaluating at that level builds, and what
    shortening a full decision reads (``eligibility.explain.shorten``). At the ``outcome``
    level ``notices`` may be their count."""
    common = {
        "schema_version": SCHEMA_VERSION,
        "explanation": explain,
        "case_id": parts["case_id"],
    }
    rest = {
        "jurisdiction": parts["jurisdiction"],
        "engine": parts["engine"],
        "rulesets": ruleset_hashes(parts["rulesets"]),
    }
    notices = parts["notices"]
    if explain == "outcome":
        return _trusted(
            OutcomeDecision,
            {
                **common,
                **rest,
                "measures": [outcome_measure(m) for m in parts["measures"]],
                "notices": notices if isinstance(notices, int) else len(notices),
                "summary": parts["summary"],
                "disclaimer": DISCLAIMER,
            },
        )
    return _trusted(
        DecidingDecision,
        {
            **common,
            "case_hash": case_hash(case),
            **rest,
            "measures": [deciding_measure(m) for m in parts["measures"]],
            "missing_facts": parts["missing_facts"],
            "unsettled": parts["unsettled"],
            "assumptions": parts["assumptions"],
            "notices": notices,
            "summary": parts["summary"],
            "disclaimer": DISCLAIMER,
        },
    )


def ruleset_hashes(applied: Iterable[RulesetApplied | RulesetHash]) -> list[RulesetHash]:
    """What a short decision records of each ruleset applied."""
    return [
        a
        if isinstance(a, RulesetHash)
        else _trusted(
            RulesetHash,
            {
                "id": a.id,
                "version": a.version,
                "content_hash": a.content_hash,
                "records_hash": a.records_hash,
            },
        )
        for a in applied
    ]


def outcome_measure(m: MeasureResult | MeasureOutcome) -> MeasureOutcome:
    """A measure at the ``outcome`` level."""
    if isinstance(m, MeasureOutcome):  # made at that level (shared, frozen)
        return m
    return _trusted(
        MeasureOutcome,
        {
            "id": m.id,
            "ruleset": m.ruleset,
            "outcome": m.outcome,
            "decided_by": m.decided_by,
            "guidance_based": m.guidance_based,
        },
    )


def deciding_measure(m: MeasureResult | MeasureDeciding) -> MeasureDeciding:
    """A measure at the ``deciding`` level: its deciding criteria, from the criteria listed."""
    if isinstance(m, MeasureDeciding):  # made at that level (shared, frozen)
        return m
    by_id = {c.id: c for c in m.criteria}
    return _trusted(
        MeasureDeciding,
        {
            "id": m.id,
            "ruleset": m.ruleset,
            "outcome": m.outcome,
            "decided_by": m.decided_by,
            "guidance_based": m.guidance_based,
            "reason": m.reason,
            "citation": m.citation,
            "deciding_criteria": [
                _trusted(
                    DecidingCriterion,
                    {
                        "id": c.id,
                        "role": c.role,
                        "status": c.status,
                        "text": c.text,
                        "citation": c.citation,
                    },
                )
                for c in (by_id[i] for i in m.deciding_criteria if i in by_id)
            ],
        },
    )


def case_hash(case: Case) -> str:
    """SHA-256 of the case as read: its canonical JSON (sorted keys, compact), so the same case
    written with other spacing or key order has the same hash."""
    data = case.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _collect_unknowns(
    c: CriterionDef,
    verdicts: Mapping[str, bool | None],
    ev: Evaluator,
    ruleset: Ruleset,
    measure: str,
    collector: _Collector,
) -> None:
    nodes = [c] if verdicts[c.key] is None else []
    nodes += [u for u in c.unless if verdicts[u.key] is None]
    for node in nodes:
        for name in sorted(ev.missing(node.condition)):
            found = _missing_path(name, ruleset)
            if found is None:
                collector.add_unsettled(ruleset, name, measure)
            else:
                collector.add_missing(found[0], found[1], measure)


def _reason(
    measure: MeasureDef, verdict: MeasureVerdict, verdicts: Mapping[str, bool | None]
) -> str:
    outcome = verdict.outcome
    if measure.when_met is None:
        if outcome == "undetermined":
            return "Undetermined: unknown whether the case is covered — " + "; ".join(
                c.text for c in verdict.deciding
            )
        if verdict.deciding:
            return "Not covered by this provision: " + "; ".join(c.text for c in verdict.deciding)
        return f"No alternative provided by law: {measure.no_alternative_text} ({measure.cite.label()})"
    if outcome == "not_applicable":
        return "Does not apply to this case — not met: " + "; ".join(
            c.text for c in verdict.deciding
        )
    if outcome == "ineligible":
        parts = []
        for c in verdict.deciding:
            if c.role == "excluded_if":
                parts.append(f"excluded: {c.text} ({c.cite.label()})")
            else:
                parts.append(f"not met: {c.text} ({c.cite.label()})")
        return "Ineligible — " + "; ".join(parts)
    if outcome == "undetermined":
        return "Undetermined — unknown: " + "; ".join(c.text for c in verdict.deciding)
    n = len(measure.applies_to) + len(measure.requires)
    m = len(measure.excluded_if)
    who = measure.decided_by
    met = f"all {n} condition(s) met" + (f", none of {m} exclusion(s) applies" if m else "")
    if outcome == "entitled":
        return f"Entitled — {met}; the law says the measure shall apply. Decided by: {who}."
    return f"Eligible — {met}; the measure may be granted. Decided by: {who}."


def _period(p: Any) -> dict[str, str | None] | None:
    if p is None:
        return None
    return {"from": p.start.isoformat(), "until": p.until.isoformat() if p.until else None}


def _measure_result(
    ruleset: Ruleset,
    measure: MeasureDef,
    governing: GoverningDate,
    outcome: str,
    reason: str,
    deciding: list[str] | None = None,
    criteria: list[CriterionResult] | None = None,
    guidance: bool | None = None,
) -> MeasureResult:
    """The decision entry of one measure; without criteria when it was not evaluated."""
    return _trusted(
        MeasureResult,
        {
            "id": measure.id,
            "ruleset": ruleset.id,
            "title": measure.title,
            "kind": measure.kind,
            "stage": measure.stage,
            "decided_by": measure.decided_by,
            "outcome": outcome,
            "reason": reason,
            "deciding_criteria": deciding or [],
            "citation": citation_out(measure.cite),
            "guidance_based": measure.cite.guidance if guidance is None else guidance,
            "in_force": _period(measure.in_force),
            "governing_date": governing,
            "criteria": criteria or [],
            "notes": list(measure.notes),
        },
    )


def _undated(
    ruleset: Ruleset,
    measure: MeasureDef,
    governing: GoverningDate,
    basis: str,
    collector: _Collector,
) -> MeasureResult:
    collector.add_missing(basis, _QUESTIONS[basis], measure.id)
    reason = f"Undetermined — the {basis.replace('_', ' ')} is not given, so the law in force cannot be selected."
    return _measure_result(ruleset, measure, governing, "undetermined", reason)


def _unselected(selected: _Selected, collector: _Collector) -> list[MeasureResult]:
    """Measures of a ruleset for which no version could be selected."""
    latest = selected.versions[-1]
    out = []
    for measure in latest.measures:
        governing = GoverningDate(
            basis=selected.basis if selected.basis != "more_favourable" else "offense_date",
            date=selected.day.isoformat() if selected.day else None,
            reason=selected.because,
        )
        if selected.day is None:
            out.append(_undated(latest, measure, governing, governing.basis, collector))
        else:
            reason = f"Not applicable: {selected.because}."
            out.append(_measure_result(latest, measure, governing, "not_applicable", reason))
    return out


def _applied(selected: _Selected) -> RulesetApplied:
    r = selected.ruleset
    ref = r or selected.versions[-1]
    return _trusted(
        RulesetApplied,
        {
            "id": ref.id,
            "title": ref.title,
            "version": r.version if r else None,
            "content_hash": r.content_hash if r else None,
            "records_hash": ref.vocabulary.content_hash if ref.vocabulary else None,
            "checked": r.checked.isoformat() if r else None,
            "in_force": _period(r.in_force) if r else None,
            "selected_because": selected.because,
            "disclaimer": ref.disclaimer,
        },
    )


def _summary(jurisdiction: str, case_id: str, measures: Iterable[_Measured]) -> str:
    key = tuple((m.outcome, m.id) for m in measures)
    tail = _summary_tails.get(key)
    if tail is None:
        tail = _summary_tail(key)
        if len(_summary_tails) < 4096:  # combinations of outcomes: few, but bounded
            _summary_tails[key] = tail
    return f"{jurisdiction} case {case_id}: {tail}"


def _summary_tail(outcomes: tuple[tuple[str, str], ...]) -> str:
    """The summary after the case id, from each measure's (outcome, id)."""
    counts: dict[str, list[str]] = {}
    for outcome, measure in outcomes:
        counts.setdefault(outcome, []).append(measure)
    parts = []
    for outcome in ("entitled", "eligible", "undetermined", "ineligible", "not_applicable"):
        ids = counts.get(outcome)
        if ids:
            label = outcome.replace("_", " ")
            parts.append(f"{len(ids)} {label} ({', '.join(ids)})")
    return ("; ".join(parts) if parts else "no measures") + "."


_summary_tails: dict[tuple[tuple[str, str], ...], str] = {}


@functools.cache
def _engine_info(evaluator: EvaluatorName) -> EngineInfo:
    return EngineInfo(
        name="eligibility",
        version=engine_version(),
        evaluator=evaluator,
        durable_rules=_durable_version(),
    )


@functools.cache
def _durable_version() -> str:
    """The vendored durable-rules release and that it is ours (vendor/durable_rules/CHANGES.md).
    (Before it was vendored this read the installed durable-rules package's version; with no
    such package it said ``unknown``.)"""
    from eligibility._durable import DURABLE_VERSION

    return f"{DURABLE_VERSION}+eligibility"
