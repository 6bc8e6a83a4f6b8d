"""The Decision: the output contract, one JSON document per case.

This pydantic model is the source of truth; ``eligibility schema decision`` prints the JSON
Schema generated from it. Identical input and rulesets give byte-identical JSON.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from eligibility.records.notices import NoticeKind

SCHEMA_VERSION = "1.1"
DISCLAIMER = (
    "This is a screening aid, not legal advice: it states what the encoded law makes "
    "possible and who decides."
)

_CONFIG = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

Outcome = Literal["entitled", "eligible", "ineligible", "not_applicable", "undetermined"]
Status = Literal["met", "not_met", "unknown"]
FactValue = str | int | float | bool | None


class CitationOut(BaseModel):
    """Where a rule comes from."""

    model_config = _CONFIG

    source: str
    """The id of the source in the ruleset's `sources` list."""
    title: str
    """The instrument's title, e.g. `California Penal Code § 1000`."""
    pinpoint: str | None
    """The provision within it, e.g. `§ 1000(a)(4)`; null when the whole instrument is cited."""
    url: str
    """Where the text that was read can be found."""
    kind: str
    """``statute``, ``regulation``, ``case_law``, ``guidance``…; guidance is not law."""


class FactRead(BaseModel):
    """A fact a criterion read, with the value it had (``null`` when missing)."""

    model_config = _CONFIG

    fact: str
    """The fact, as a path in the normalised case (`charges[0].offense`, `age_at_offense`, a declared fact)."""
    value: FactValue
    """Its value as the criterion read it; null when it is missing (unknown)."""


class CriterionResult(BaseModel):
    """One criterion's verdict and why."""

    model_config = _CONFIG

    id: str
    """The criterion's id, named after the provision it encodes."""
    role: Literal["scope", "requires", "excluded_if", "unless"]
    """`scope` (outside it the measure is not applicable), `requires`, `excluded_if`, or `unless` (an exception to an exclusion)."""
    status: Status
    """Whether the criterion's statement holds for this case (for an exclusion, ``met`` means
    the exclusion applies)."""
    text: str
    """One plain-language sentence that is true when the criterion is met."""
    citation: CitationOut
    """The provision the criterion encodes."""
    facts: list[FactRead]
    """The facts the criterion read, with their values."""
    unless: list[CriterionResult] = Field(default_factory=list)
    """For an exclusion: its exceptions, each a criterion of its own."""


class GoverningDate(BaseModel):
    """Which date selected the law, and its value."""

    model_config = _CONFIG

    basis: Literal["offense_date", "decision_date"]
    """Which date selected the law: the offence date or the decision date."""
    date: str | None
    """That date (YYYY-MM-DD); null when the case does not give it."""
    reason: str
    """Why that date governs, citing the rule that says so."""


class MeasureResult(BaseModel):
    """One measure's outcome, who decides, and the criteria behind it."""

    model_config = _CONFIG

    id: str
    """The measure's id within its ruleset."""
    ruleset: str
    """The id of the ruleset that encodes the measure."""
    title: str
    """The measure's name, with the provision that creates it."""
    kind: str
    """What kind of alternative it is (diversion, caution, treatment, administrative handling…)."""
    stage: str
    """Where in the process it applies: police, prosecution, court, sentencing or execution."""
    decided_by: str
    """Who decides whether to apply it."""
    outcome: Outcome
    """`entitled` (the law says shall), `eligible` (may, someone decides), `ineligible`, `not_applicable` or `undetermined`."""
    reason: str
    """One line saying why, naming the criteria that decided the outcome."""
    deciding_criteria: list[str]
    """Ids of the criteria that decided the outcome: those out of scope, not met, excluding
    or unknown. Empty when every condition is met or the measure is not in force."""
    citation: CitationOut
    """The provision that creates the measure."""
    guidance_based: bool
    """True when any criterion that decided the outcome rests on guidance rather than law."""
    in_force: dict[str, str | None] | None
    """The measure's in-force period (`from`, `until`); null when it follows its ruleset's."""
    governing_date: GoverningDate
    """The date that selected the law for this measure, and why."""
    criteria: list[CriterionResult]
    """Every criterion of the measure with its status, whatever the outcome."""
    notes: list[str] = Field(default_factory=list)
    """Plain-language notes on what the measure involves and what the screening does not decide."""


class MissingFact(BaseModel):
    """A fact that is not given and would help decide the listed measures."""

    model_config = _CONFIG

    fact: str
    """Where to give it in the case document, e.g. ``priors[0].felony``."""
    question: str
    """The question to ask to find it out."""
    decides: list[str]
    """The measures it would help decide."""


class UnsettledPoint(BaseModel):
    """An open point of law that leaves the listed measures undetermined."""

    model_config = _CONFIG

    id: str
    """The open point's id within its ruleset."""
    ruleset: str
    """The ruleset that declares it."""
    text: str
    """What is open, with the readings the sources leave."""
    citation: CitationOut
    """Where the question arises."""
    decides: list[str]
    """The measures it leaves undetermined."""


class AssumptionOut(BaseModel):
    """A value assumed for a missing fact, as the ruleset declares."""

    model_config = _CONFIG

    fact: str
    """The fact assumed, as a path in the case (`facts.<name>`)."""
    ruleset: str
    """The ruleset that declares the assumption."""
    value: FactValue
    """The value assumed."""
    reason: str
    """Why the ruleset may assume it."""


class NoticeOut(BaseModel):
    """What in the case was read how, or could not be read, and what would settle it."""

    model_config = _CONFIG

    location: str
    """Where in the case, e.g. ``charges[0].statute``."""
    kind: NoticeKind
    """``*_read``: read, and how; ``citation_ambiguous``: the record does not say which
    sub-level, so only what every reading shares is known; ``citation_not_in_table``,
    ``citation_unreadable``, ``substance_unknown``, ``unit_unknown``: not read, so what depends on
    it is unknown; ``quantity_basis``: a gross, pure or fresh weight kept apart from the weight
    the rules compare."""
    recorded: str
    """The value as the case gives it."""
    read_as: list[str]
    """What it was read as; several when ambiguous; empty when not read."""
    message: str
    """What was read how, or why it could not be read."""
    question: str | None
    """What to find out to settle it, when something is left unknown."""
    rulesets: list[str]
    """The rulesets whose tables or vocabulary read it so."""


class RulesetApplied(BaseModel):
    """A ruleset version applied to the case, and why that version."""

    model_config = _CONFIG

    id: str
    """The ruleset's id."""
    title: str
    """The ruleset's title."""
    version: str | None
    """The version applied; null when no version is in force on the governing date."""
    content_hash: str | None
    """SHA-256 of the ruleset file's bytes."""
    records_hash: str | None = None
    """SHA-256 of the jurisdiction's records vocabulary (``records/vocabulary.yaml``), which
    reads its citations, substances and units; null when it has none."""
    checked: str | None
    """The date its sources were last checked (YYYY-MM-DD)."""
    in_force: dict[str, str | None] | None
    """The version's in-force period (`from`, `until`)."""
    selected_because: str
    """Why this version was applied (the governing date and the rule choosing it)."""
    disclaimer: str
    """The ruleset's own statement that it is not legal advice."""


class EngineInfo(BaseModel):
    """What produced the decision."""

    model_config = _CONFIG

    name: str
    """Always `eligibility`."""
    version: str
    """The engine's version."""
    evaluator: Literal["durable-rules", "reference"]
    """What decided the criteria: `durable-rules` (the engine) or `reference` (the test oracle)."""
    durable_rules: str
    """The durable-rules version behind the engine."""


class Decision(BaseModel):
    """The screening result for one case."""

    model_config = _CONFIG

    schema_version: str = SCHEMA_VERSION
    """The version of this document's schema."""
    case_id: str
    """The case's own identifier, as given."""
    jurisdiction: str
    """The jurisdiction screened, as an ISO 3166 code in upper case."""
    engine: EngineInfo
    """The engine, its version and the evaluator that decided this case."""
    rulesets: list[RulesetApplied]
    """Every ruleset of the jurisdiction, with the version applied and why."""
    measures: list[MeasureResult]
    """One entry per measure of every ruleset, with its outcome and the criteria behind it."""
    missing_facts: list[MissingFact]
    """Facts not given that would decide undetermined measures, with the questions to ask."""
    unsettled: list[UnsettledPoint]
    """Open points of law that leave measures undetermined."""
    assumptions: list[AssumptionOut]
    """Values assumed for missing facts, as the rulesets declare."""
    notices: list[NoticeOut] = Field(default_factory=list)
    """What in the case was read how, what could not be read, and the question that settles it."""
    summary: str
    """One line: how many measures have each outcome."""
    disclaimer: str = DISCLAIMER
    """That this is a screening aid, not legal advice."""
    as_of: AsOfOut | None = Field(default=None, exclude_if=lambda v: v is None)
    """Present only when the decision was evaluated as of a day other than the case's own
    decision date (schema 1.2)."""
    what_if: WhatIfOut | None = Field(default=None, exclude_if=lambda v: v is None)
    """Present only when what-if answers were asked for (schema 1.2; docs/what-if.md)."""

    def to_json(self) -> str:
        """Canonical JSON: stable key order, two-space indent, UTF-8 text."""
        return self.to_json_bytes().decode()

    def to_json_bytes(self, indent: bool = True) -> bytes:
        """The same JSON as UTF-8 bytes: indented and newline-terminated (``to_json``), or
        compact on one line without the newline (a batch line, an item of a list response)."""
        # The optional parts are left out when absent, as ``exclude_if`` does for pydantic.
        d = self.__dict__
        top = (
            d
            if d.get("as_of") is not None and d.get("what_if") is not None
            else {k: v for k, v in d.items() if v is not None or k not in _OPTIONAL}
        )
        try:
            if indent:
                return orjson.dumps(top, default=_fields, option=_INDENT) + b"\n"
            return orjson.dumps(top, default=_fields)
        except orjson.JSONEncodeError:
            # What orjson refuses (an integer beyond 64 bits in a fact value) pydantic writes.
            if indent:
                return self.model_dump_json(indent=2).encode() + b"\n"
            return self.model_dump_json().encode()


_INDENT = orjson.OPT_INDENT_2
_OPTIONAL = frozenset({"as_of", "what_if"})


# -- the shorter explanation levels (docs/explanation.md) ------------------------------------

Explanation = Literal["full", "deciding", "outcome"]
"""How much of the reasoning a decision carries: ``full`` (the Decision), ``deciding`` (the
outcomes with the criteria that decided them, enough to expand to the full decision later) or
``outcome`` (the outcomes only)."""
EXPLANATIONS: tuple[Explanation, ...] = ("full", "deciding", "outcome")


class RulesetHash(BaseModel):
    """The ruleset version a short decision was made with: what expanding it needs loaded."""

    model_config = _CONFIG

    id: str
    """The ruleset's id."""
    version: str | None
    """The version applied; null when no version is in force on the governing date."""
    content_hash: str | None
    """SHA-256 of the ruleset file's bytes (null when no version was applied)."""
    records_hash: str | None
    """SHA-256 of the jurisdiction's records vocabulary; null when it has none."""


class DecidingCriterion(BaseModel):
    """A criterion that decided a measure's outcome, with its citation."""

    model_config = _CONFIG

    id: str
    """The criterion's id."""
    role: Literal["scope", "requires", "excluded_if", "unless"]
    """`scope`, `requires`, `excluded_if` or `unless`."""
    status: Status
    """``met``, ``not_met`` or ``unknown``, as in the full decision."""
    text: str
    """One plain-language sentence that is true when the criterion is met."""
    citation: CitationOut
    """The provision the criterion encodes."""


class MeasureOutcome(BaseModel):
    """One measure's outcome and who decides (the ``outcome`` level)."""

    model_config = _CONFIG

    id: str
    """The measure's id within its ruleset."""
    ruleset: str
    """The id of the ruleset that encodes the measure."""
    outcome: Outcome
    """`entitled`, `eligible`, `ineligible`, `not_applicable` or `undetermined`."""
    decided_by: str
    """Who decides whether to apply it."""
    guidance_based: bool
    """True when any criterion that decided the outcome rests on guidance rather than law."""


class MeasureDeciding(BaseModel):
    """One measure's outcome, why, and the criteria that decided it (the ``deciding`` level)."""

    model_config = _CONFIG

    id: str
    """The measure's id within its ruleset."""
    ruleset: str
    """The id of the ruleset that encodes the measure."""
    outcome: Outcome
    """`entitled`, `eligible`, `ineligible`, `not_applicable` or `undetermined`."""
    decided_by: str
    """Who decides whether to apply it."""
    guidance_based: bool
    """True when any criterion that decided the outcome rests on guidance rather than law."""
    reason: str
    """One line saying why, as in the full decision."""
    citation: CitationOut
    """The provision that creates the measure."""
    deciding_criteria: list[DecidingCriterion]
    """The criteria that decided the outcome (out of scope, not met, excluding or unknown), with
    their citations; empty when every condition is met or the measure is not in force."""


class _Short(BaseModel):
    """What the two shorter levels share: how to write them."""

    model_config = _CONFIG

    def to_json(self) -> str:
        """Canonical JSON: stable key order, two-space indent, UTF-8 text."""
        return self.to_json_bytes().decode()

    def to_json_bytes(self, indent: bool = True) -> bytes:
        """Indented and newline-terminated, or compact on one line (a batch line)."""
        if indent:
            return orjson.dumps(self.__dict__, default=_fields, option=_INDENT) + b"\n"
        return orjson.dumps(self.__dict__, default=_fields)


class DecidingDecision(_Short):
    """The ``deciding`` level: each measure's outcome with the criteria that decided it and
    their citations, the missing facts, open points and notices, and the hashes of the case and
    of the ruleset versions applied — enough to expand it later, with the case, to the
    identical full Decision (``eligibility expand``)."""

    schema_version: str = SCHEMA_VERSION
    """The version of this document's schema."""
    explanation: Literal["deciding"] = "deciding"
    """The level of explanation: always ``deciding``."""
    case_id: str
    """The case's own identifier, as given."""
    case_hash: str
    """SHA-256 of the case as read (canonical JSON of the parsed case): expanding checks that
    the case given is this one."""
    jurisdiction: str
    """The jurisdiction screened, as an ISO 3166 code in upper case."""
    engine: EngineInfo
    """The engine, its version and the evaluator that decided this case."""
    rulesets: list[RulesetHash]
    """Every ruleset of the jurisdiction, with the version applied and its hashes."""
    measures: list[MeasureDeciding]
    """One entry per measure of every ruleset."""
    missing_facts: list[MissingFact]
    """Facts not given that would decide undetermined measures, with the questions to ask."""
    unsettled: list[UnsettledPoint]
    """Open points of law that leave measures undetermined."""
    assumptions: list[AssumptionOut]
    """Values assumed for missing facts, as the rulesets declare."""
    notices: list[NoticeOut]
    """What in the case was read how, what could not be read, and the question that settles it."""
    summary: str
    """One line: how many measures have each outcome."""
    disclaimer: str = DISCLAIMER
    """That this is a screening aid, not legal advice."""


class OutcomeDecision(_Short):
    """The ``outcome`` level: each measure's outcome and who decides, with the ruleset versions
    applied; no reasons. Screen with it, then ask for ``deciding`` or ``full`` on the cases that
    need explaining."""

    schema_version: str = SCHEMA_VERSION
    """The version of this document's schema."""
    explanation: Literal["outcome"] = "outcome"
    """The level of explanation: always ``outcome``."""
    case_id: str
    """The case's own identifier, as given."""
    jurisdiction: str
    """The jurisdiction screened, as an ISO 3166 code in upper case."""
    engine: EngineInfo
    """The engine, its version and the evaluator that decided this case."""
    rulesets: list[RulesetHash]
    """Every ruleset of the jurisdiction, with the version applied and its hashes."""
    measures: list[MeasureOutcome]
    """One entry per measure of every ruleset."""
    notices: int
    """How many notices the full decision lists (values read a particular way or not read):
    ask for ``deciding`` to see them."""
    summary: str
    """One line: how many measures have each outcome."""
    disclaimer: str = DISCLAIMER
    """That this is a screening aid, not legal advice."""


AnyDecision = Decision | DecidingDecision | OutcomeDecision
"""A decision at any explanation level."""


_fields: Callable[[Any], dict[str, Any]] = operator.attrgetter("__dict__")
"""A nested model's fields in declaration order: how orjson writes a decision's models.

orjson (Apache-2.0/MIT) writes a decision several times faster than pydantic's own serialiser;
every value the engine puts in a decision is already JSON-ready (dates are text), and a test
holds the bytes identical to ``model_dump_json`` on every golden case at every level. A getter
made in C, not a Python function, because orjson calls it for every nested model (about two
hundred in a full decision: 51 → 29 µs per decision). Only the top-level decision has optional
parts to leave out, and ``to_json_bytes`` does that before handing its fields over."""


# -- optional what-if parts (schema 1.1) -------------------------------------------------------
# Each is absent from a decision unless asked for, so a decision without them is byte-identical
# to what it was before they existed and still says schema version "1.0".

WHAT_IF_SCHEMA_VERSION = "1.2"
"""The schema version a decision states when it carries ``as_of`` or ``what_if``."""


class AsOfOut(BaseModel):
    """The day the decision was evaluated as of, in place of the case's decision date."""

    model_config = _CONFIG

    date: str
    """The day the case was decided as of (YYYY-MM-DD)."""
    replaces_decision_date: str | None
    """The case's own decision date, which ``date`` replaced (``null`` when it gave none)."""


class Answer(BaseModel):
    """One answer to a question: a value for a fact of the case document."""

    model_config = _CONFIG

    fact: str
    """The fact, as a path in the case document."""
    value: Any
    """The answer given to it."""
    text: str
    """The answer in plain language."""


class NextQuestion(BaseModel):
    """A missing fact, ranked by how much answering it decides."""

    model_config = _CONFIG

    fact: str
    """The missing fact, as a path in the case document."""
    question: str
    """The question to ask."""
    settles: list[str]
    """Measures it decides whichever way it is answered."""
    may_settle: list[str]
    """Measures it decides for some answers only."""


class DecidingAnswers(BaseModel):
    """A smallest set of answers that decides an undetermined measure, and what it becomes."""

    model_config = _CONFIG

    measure: str
    """The measure these answers decide."""
    outcome: Outcome
    """The outcome they decide it as."""
    answers: list[Answer]
    """The answers, all needed together."""


class QuestionsOut(BaseModel):
    """What to find out next: missing facts ranked, and the smallest sets of answers that
    decide each undetermined measure."""

    model_config = _CONFIG

    ranked: list[NextQuestion]
    """The missing facts, the most deciding first."""
    deciding_answers: list[DecidingAnswers]
    """The smallest sets of answers that decide each undetermined measure."""


class OutcomeChange(BaseModel):
    """A date from which a measure's outcome changes if nothing else does."""

    model_config = _CONFIG

    measure: str
    """The measure whose outcome changes."""
    date: str
    """The first day of the new outcome (YYYY-MM-DD)."""
    before: Outcome
    """The outcome the day before."""
    outcome: Outcome
    """The outcome from that day."""
    kind: Literal["gained", "lost", "changed"]
    """``gained``: becomes eligible or entitled; ``lost``: stops being so."""
    criterion: str | None
    """The criterion whose result turns on that day (``null`` when the law itself starts or
    stops being in force)."""
    text: str
    """Why, in plain language, naming the date that sets it."""
    citation: CitationOut
    """The provision that sets the date."""


class Change(BaseModel):
    """One change to a fact, and the criterion it turns."""

    model_config = _CONFIG

    fact: str
    """The fact to change, as a path in the case document."""
    value: Any
    """A value that makes the change (``text`` states the whole range that would)."""
    text: str
    """The change in plain language ("if the person consents")."""
    criterion: str
    """The criterion the change turns."""
    citation: CitationOut
    """The provision behind that criterion."""


class Counterfactual(BaseModel):
    """A smallest set of changes to the case's facts that opens a measure."""

    model_config = _CONFIG

    measure: str
    """The measure the changes would open."""
    outcome: Outcome
    """The outcome the measure would then have."""
    changes: list[Change]
    """The changes, all needed together; none of the case's fixed past is changed."""


class LawStateOutcome(BaseModel):
    """A measure's outcome under one state of the law."""

    model_config = _CONFIG

    measure: str
    """The measure."""
    outcome: Outcome
    """Its outcome under that law."""


class LawState(BaseModel):
    """The law as it stood from one day (until the next state) between the act and the decision."""

    model_config = _CONFIG

    law_of: str
    """The first day of this state of the law within the interval."""
    version: str
    """The ruleset version in force then."""
    outcomes: list[LawStateOutcome]
    """Each measure's outcome under that law."""


class MilderLaw(BaseModel):
    """For one measure: the outcome under the law applied, and under the mildest law between
    the act and the decision."""

    model_config = _CONFIG

    measure: str
    """The measure."""
    applied: Outcome
    """Its outcome under the law applied."""
    applied_law_of: str | None
    """The day whose law was applied."""
    mildest: Outcome
    """The mildest outcome any law in force between the act and the decision gives it."""
    mildest_law_of: str
    """The day whose law gives that mildest outcome."""
    milder: bool
    """True when a law in force between the act and the decision opens the measure (eligible or
    entitled) where the law applied does not, or entitles where it only makes eligible."""
    text: str
    """What the comparison says, in plain language."""


class LexMitiorOut(BaseModel):
    """Every state of one ruleset's law between the act and the decision, compared measure by
    measure (StGB § 2(3), Portugal's CP art. 2(4), ICCPR art. 15(1))."""

    model_config = _CONFIG

    ruleset: str
    """The ruleset compared."""
    governing: str
    """How the ruleset itself selects its law (``offense_date``, ``decision_date`` or
    ``more_favourable``), and why."""
    states: list[LawState]
    """Each state of its law between the act and the decision, with the outcomes it gives."""
    measures: list[MilderLaw]
    """Per measure: the outcome applied and the mildest one any of those laws gives."""


class WhatIfOut(BaseModel):
    """The what-if parts asked for; each is ``null`` when not asked for."""

    model_config = _CONFIG

    next_questions: QuestionsOut | None = None
    """What to ask next, when asked for."""
    timeline: list[OutcomeChange] | None = None
    """The dates from which outcomes are gained or lost, when asked for."""
    timeline_horizon: str | None = None
    """The last day the timeline looked at."""
    counterfactuals: list[Counterfactual] | None = None
    """What would have to be different, when asked for."""
    lex_mitior: list[LexMitiorOut] | None = None
    """The milder-law comparison, when asked for."""


Decision.model_rebuild()
