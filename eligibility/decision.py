"""The Decision: the output contract, one JSON document per case.

This pydantic model is the source of truth; ``eligibility schema decision`` prints the JSON
Schema generated from it. Identical input and rulesets give byte-identical JSON.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

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
    title: str
    pinpoint: str | None
    url: str
    kind: str
    """``statute``, ``regulation``, ``case_law``, ``guidance``…; guidance is not law."""


class FactRead(BaseModel):
    """A fact a criterion read, with the value it had (``null`` when missing)."""

    model_config = _CONFIG

    fact: str
    value: FactValue


class CriterionResult(BaseModel):
    """One criterion's verdict and why."""

    model_config = _CONFIG

    id: str
    role: Literal["scope", "requires", "excluded_if", "unless"]
    status: Status
    """Whether the criterion's statement holds for this case (for an exclusion, ``met`` means
    the exclusion applies)."""
    text: str
    citation: CitationOut
    facts: list[FactRead]
    unless: list[CriterionResult] = Field(default_factory=list)


class GoverningDate(BaseModel):
    """Which date selected the law, and its value."""

    model_config = _CONFIG

    basis: Literal["offense_date", "decision_date"]
    date: str | None
    reason: str


class MeasureResult(BaseModel):
    """One measure's outcome, who decides, and the criteria behind it."""

    model_config = _CONFIG

    id: str
    ruleset: str
    title: str
    kind: str
    stage: str
    decided_by: str
    outcome: Outcome
    reason: str
    """One line saying why, naming the criteria that decided the outcome."""
    deciding_criteria: list[str]
    """Ids of the criteria that decided the outcome: those out of scope, not met, excluding
    or unknown. Empty when every condition is met or the measure is not in force."""
    citation: CitationOut
    guidance_based: bool
    """True when any criterion that decided the outcome rests on guidance rather than law."""
    in_force: dict[str, str | None] | None
    governing_date: GoverningDate
    criteria: list[CriterionResult]
    notes: list[str] = Field(default_factory=list)


class MissingFact(BaseModel):
    """A fact that is not given and would help decide the listed measures."""

    model_config = _CONFIG

    fact: str
    """Where to give it in the case document, e.g. ``priors[0].felony``."""
    question: str
    decides: list[str]


class UnsettledPoint(BaseModel):
    """An open point of law that leaves the listed measures undetermined."""

    model_config = _CONFIG

    id: str
    ruleset: str
    text: str
    citation: CitationOut
    decides: list[str]


class AssumptionOut(BaseModel):
    """A value assumed for a missing fact, as the ruleset declares."""

    model_config = _CONFIG

    fact: str
    ruleset: str
    value: FactValue
    reason: str


class NoticeOut(BaseModel):
    """What in the case was read how, or could not be read, and what would settle it."""

    model_config = _CONFIG

    location: str
    """Where in the case, e.g. ``charges[0].statute``."""
    kind: Literal[
        "citation_read",
        "citation_ambiguous",
        "citation_not_in_table",
        "citation_unreadable",
        "substance_read",
        "substance_unknown",
        "unit_unknown",
        "quantity_basis",
    ]
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
    question: str | None
    """What to find out to settle it, when something is left unknown."""
    rulesets: list[str]
    """The rulesets whose tables or vocabulary read it so."""


class RulesetApplied(BaseModel):
    """A ruleset version applied to the case, and why that version."""

    model_config = _CONFIG

    id: str
    title: str
    version: str | None
    content_hash: str | None
    """SHA-256 of the ruleset file's bytes."""
    checked: str | None
    in_force: dict[str, str | None] | None
    selected_because: str
    disclaimer: str


class EngineInfo(BaseModel):
    """What produced the decision."""

    model_config = _CONFIG

    name: str
    version: str
    evaluator: Literal["durable-rules", "reference"]
    durable_rules: str


class Decision(BaseModel):
    """The screening result for one case."""

    model_config = _CONFIG

    schema_version: str = SCHEMA_VERSION
    case_id: str
    jurisdiction: str
    engine: EngineInfo
    rulesets: list[RulesetApplied]
    measures: list[MeasureResult]
    missing_facts: list[MissingFact]
    unsettled: list[UnsettledPoint]
    assumptions: list[AssumptionOut]
    notices: list[NoticeOut] = Field(default_factory=list)
    """What in the case was read how, what could not be read, and the question that settles it."""
    summary: str
    disclaimer: str = DISCLAIMER

    def to_json(self) -> str:
        """Canonical JSON: stable key order, two-space indent, UTF-8 text."""
        return self.to_json_bytes().decode()

    def to_json_bytes(self, indent: bool = True) -> bytes:
        """The same JSON as UTF-8 bytes: indented and newline-terminated (``to_json``), or
        compact on one line without the newline (a batch line, an item of a list response)."""
        try:
            if indent:
                return orjson.dumps(self, default=_fields, option=_INDENT) + b"\n"
            return orjson.dumps(self, default=_fields)
        except orjson.JSONEncodeError:
            # What orjson refuses (an integer beyond 64 bits in a fact value) pydantic writes.
            if indent:
                return self.model_dump_json(indent=2).encode() + b"\n"
            return self.model_dump_json().encode()


_INDENT = orjson.OPT_INDENT_2


def _fields(obj: Any) -> dict[str, Any]:
    """A model's fields in declaration order: how orjson writes the Decision's nested models.

    orjson (Apache-2.0/MIT) writes a decision several times faster than pydantic's own
    serialiser; every value the engine puts in a Decision is already JSON-ready (dates are
    text), and a test holds the bytes identical to ``model_dump_json`` on every golden case."""
    if isinstance(obj, BaseModel):
        return obj.__dict__
    raise TypeError(f"{type(obj).__name__} is not part of a Decision")
