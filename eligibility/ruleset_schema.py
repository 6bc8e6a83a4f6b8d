"""The ruleset file format: what a policy team writes in ``rulesets/<jurisdiction>/*.yaml``.

These models validate a file's shape; the loader (``eligibility._loader``) then checks the
meaning (names, types, references, dates) and compiles the file into a :class:`Ruleset`.
Every field is documented here because the JSON Schema for editors is generated from it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_CONFIG = ConfigDict(
    extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
)

Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
"""A lowercase identifier such as ``no_felony_within_5_years``."""

SourceKind = Literal[
    "statute", "regulation", "case_law", "guidance", "secondary", "constitution", "treaty"
]
MeasureKind = Literal[
    "no_action",
    "warning",
    "caution",
    "conditional_caution",
    "infringement_notice",
    "non_prosecution",
    "diversion",
    "deferred_judgment",
    "treatment_order",
    "probation_with_treatment",
    "deferred_sentence",
    "suspended_sentence",
    "deferred_execution",
    "drug_court",
    "administrative",
    "exemption",
    "dispense_with_punishment",
    "plea_bargain",
    "sentence_reduction",
]
Stage = Literal["police", "prosecution", "court", "sentencing", "execution", "administrative"]


class InForce(BaseModel):
    """The period a rule, source or value is in force; both ends inclusive."""

    model_config = _CONFIG

    from_: dt.date = Field(alias="from")
    """First day in force."""
    until: dt.date | None = None
    """Last day in force; absent while still in force."""


class Citation(BaseModel):
    """A pinpoint into one of the ruleset's ``sources``."""

    model_config = _CONFIG

    source: Ident
    """The ``id`` of an entry in ``sources``."""
    pinpoint: str | None = Field(default=None, max_length=200)
    """Section, subdivision or paragraph, e.g. ``§ 1000(a)(4)``."""
    url: str | None = Field(default=None, pattern=r"^https?://")
    """A deep link for this pinpoint, when it differs from the source's URL."""


class Source(BaseModel):
    """An instrument the ruleset cites."""

    model_config = _CONFIG

    id: Ident
    """The id criteria and parameters cite the source by."""
    title: str = Field(min_length=1)
    """Full citation of the instrument, e.g. ``California Penal Code § 1000``."""
    kind: SourceKind
    """``guidance`` marks official police or prosecutorial guidance, reported as such in every
    decision; ``secondary`` marks commentary used where the primary text was not available."""
    url: str = Field(pattern=r"^https?://")
    """Where the text that was read can be found (the official text first)."""
    in_force: InForce | None = None
    """When the instrument, in the version read, is in force."""
    notes: str | None = None
    """Which text was read, when, and anything a reviewer should know about it."""


class Assume(BaseModel):
    """Assume a value when the fact is not given; every decision discloses the assumption."""

    model_config = _CONFIG

    assume: bool | float | int | str
    """The value assumed when the fact is missing; every decision that uses it discloses it."""
    reason: str = Field(min_length=1)
    """Why this assumption is safe, in one sentence."""


class FactDecl(BaseModel):
    """A fact the ruleset reads beyond the common case model, given in the case's ``facts``."""

    model_config = _CONFIG

    type: Literal["bool", "number", "string", "date"]
    """The fact's type: `bool`, `number`, `string` or `date`."""
    question: str = Field(min_length=1)
    """The question to ask when the fact is missing."""
    values: list[str] | None = None
    """For strings: the accepted values."""
    missing: Literal["undetermined"] | Assume = "undetermined"
    """What a missing value does: leave criteria that need it unknown (default), or assume."""


class Unsettled(BaseModel):
    """A point of law the sources leave open; criteria that depend on it stay ``unknown``."""

    model_config = _CONFIG

    text: str = Field(min_length=1)
    """The open question, in one or two sentences."""
    citation: Citation
    """Where the question arises."""


class DatedValue(BaseModel):
    """One value of a parameter and the period it applies."""

    model_config = _CONFIG

    from_: dt.date = Field(alias="from")
    """First day this value applies."""
    until: dt.date | None = None
    """Last day this value applies; absent while it still does."""
    value: Any
    """The value, of the parameter's type."""
    citation: Citation | None = None
    """Where this value comes from, if not the parameter's own citation."""


class Parameter(BaseModel):
    """A dated, cited value: a threshold, a look-back period, an offence list."""

    model_config = _CONFIG

    type: str = Field(pattern=r"^(number|string|date|bool|list\[(number|string|date)\])$")
    """The value's type: `number`, `string`, `date`, `bool` or a list of one of them."""
    description: str = Field(min_length=1)
    """What the value is, in plain language."""
    citation: Citation
    """The provision that sets it."""
    values: list[DatedValue] = Field(min_length=1)
    """The values over time, each with its dates (and its own citation where it differs)."""


class Offence(BaseModel):
    """One row of the jurisdiction's statute table."""

    model_config = _CONFIG

    code: str = Field(min_length=1, max_length=80)
    """The canonical code conditions compare against, e.g. ``HSC 11350``."""
    title: str = Field(min_length=1)
    """The offence's name as the statute gives it."""
    aliases: list[str] = Field(default_factory=list)
    """Other spellings courts record; matching ignores case, spaces and punctuation."""
    category: str | None = None
    """E.g. `possession`, `supply`, `use`; leave out when it depends on the case."""
    class_: str | None = Field(default=None, alias="class")
    """``felony``, ``misdemeanor``…; leave out when it depends on the case (a wobbler)."""
    drug_related: bool | None = None
    """The offence is a drug offence."""
    citation: Citation | None = None
    """The provision that creates the offence."""


class Criterion(BaseModel):
    """One condition of a measure, named after the provision it encodes."""

    model_config = _CONFIG

    id: Ident
    """Named after the provision it encodes (`no_felony_within_5_years`), not the outcome."""
    text: str = Field(min_length=1)
    """One plain-language sentence that is true when the condition holds."""
    citation: Citation
    """The provision the criterion encodes."""
    condition: str = Field(min_length=1)
    """The condition, in the condition language (docs/rulesets.md); three-valued: unknown facts make it unknown."""


class Exclusion(Criterion):
    """A condition that, when it holds, excludes the measure unless an exception holds."""

    unless: list[Criterion] = Field(default_factory=list)
    """Exceptions: the exclusion does not apply when one of them is met."""


class Measure(BaseModel):
    """An alternative to prosecution or imprisonment the law provides."""

    model_config = _CONFIG

    id: Ident
    """The measure's id within the ruleset."""
    title: str = Field(min_length=1)
    """Its name, with the provision that creates it."""
    kind: MeasureKind
    """What kind of alternative it is."""
    stage: Stage
    """Where in the process it applies."""
    decided_by: str = Field(min_length=1)
    """Who decides, e.g. ``court``, ``prosecutor``, ``police``."""
    when_met: Literal["entitled", "eligible"]
    """``entitled`` when the law says the measure *shall* apply; ``eligible`` when it *may*."""
    citation: Citation
    """The provision that creates the measure."""
    in_force: InForce | None = None
    """When the measure is in force, where that differs from the ruleset."""
    governing_date: Literal["offense_date", "decision_date"] | None = None
    """Overrides the ruleset's governing date for this measure (its in-force check and the
    parameter values it reads)."""
    applies_to: list[Criterion] = Field(default_factory=list)
    """Scope: outside it the measure is ``not_applicable``."""
    requires: list[Criterion] = Field(default_factory=list)
    """Conditions that must all hold."""
    excluded_if: list[Exclusion] = Field(default_factory=list)
    """Exclusions: any one met makes the measure ineligible, unless an exception holds."""
    notes: list[str] = Field(default_factory=list)
    """What the measure involves and what the screening does not decide, in plain language."""


class NoAlternative(BaseModel):
    """For ``alternatives: none``: the law that provides no alternative, and what it covers."""

    model_config = _CONFIG

    id: Ident
    """The statement's id."""
    title: str = Field(min_length=1)
    """What it says, in a few words."""
    text: str = Field(min_length=1)
    """Why the law provides no alternative, in one or two sentences."""
    citation: Citation
    """The provision that leaves no alternative."""
    applies_to: list[Criterion] = Field(default_factory=list)
    """The cases the statement covers."""


Outcome = Literal["entitled", "eligible", "ineligible", "not_applicable", "undetermined"]


class Invariant(BaseModel):
    """A property the author declares the encoded law has, checked by ``eligibility explore``.

    Each invariant changes a case in one way — ``add`` an item to a list, ``increase`` a number,
    or ``set`` fields to values — and states the outcomes that change must ``never`` produce for
    the listed measures: whenever a case's outcome is not one of ``never``, the changed case's
    outcome is not one either. Give exactly one of ``add``, ``increase`` and ``set``.
    """

    model_config = _CONFIG

    id: Ident
    """The invariant's id."""
    text: str = Field(min_length=1)
    """The property in one plain-language sentence, e.g. "A longer record never makes a person
    eligible for diversion"."""
    citation: Citation | None = None
    """The provision the property follows from, if one does."""
    measures: list[Ident] | None = None
    """The measures it holds for; every measure of the ruleset when left out."""
    add: Literal["priors", "charges"] | None = None
    """Add one more item (a prior, a charge) to a case whose list is known."""
    increase: str | None = Field(
        default=None, pattern=r"^(charges\.quantity|person\.age|facts\.[a-z][a-z0-9_]*)$"
    )
    """Make a known number larger: ``charges.quantity`` (one charge's quantity, same unit),
    ``person.age`` (an older person: an earlier birth date) or ``facts.<number fact>``."""
    set: dict[str, bool | int | float | str] | None = Field(default=None, min_length=1)
    """Set fields to values: ``consent``, ``admits_offense``, ``plea``, ``facts.<name>``, or
    ``charges.<field>`` / ``priors.<field>`` (on one charge or prior), e.g.
    ``{charges.violence: true}``."""
    never: list[Outcome] = Field(min_length=1)
    """The outcomes the change never leads to when the case did not already have one of them."""


class RulesetFile(BaseModel):
    """One ruleset: a programme (or a statement that none exists) under one jurisdiction's law."""

    model_config = _CONFIG

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]
    """Stable id shared by every version of the programme, e.g. ``us-ca-pc1000``."""
    jurisdiction: Annotated[str, Field(pattern=r"^[a-z]{2}(-[a-z0-9]{1,3})?$")]
    """ISO 3166 code in lowercase, e.g. ``us-ca``, ``de``, ``gb-eng``."""
    title: str = Field(min_length=1)
    """The programme's name."""
    version: str = Field(min_length=1, max_length=40)
    """The ruleset's version (conventionally the date of the last change)."""
    checked: dt.date
    """The date the encoded text was last checked against the sources."""
    disclaimer: str = Field(min_length=1)
    """States that the ruleset is not legal advice."""
    in_force: InForce
    """When this version of the law is in force."""
    governing_date: Literal["offense_date", "decision_date", "more_favourable"]
    """Which date selects the law: the offence date, the decision date, or whichever of the two
    versions is more favourable to the person (the milder later law)."""
    governing_date_reason: str = Field(min_length=1)
    """Why that date governs, with its authority, in one or two sentences."""
    applies_in_subdivisions: bool = False
    """True when this (national) law also applies to cases filed under a subdivision's code,
    e.g. Canada's CDSA (``ca``) for a case in British Columbia (``CA-BC``)."""
    alternatives: Literal["provided", "none"] = "provided"
    """`provided`, or `none` where the law provides no alternative for the offences covered."""
    no_alternative: NoAlternative | None = None
    """For `alternatives: none`: the statement, cited, that the law provides none."""
    notes: list[str] = Field(default_factory=list)
    """How to give the case for this ruleset, and what it does not cover."""
    sources: list[Source] = Field(min_length=1)
    """Every instrument cited, with the text read."""
    facts: dict[Ident, FactDecl] = Field(default_factory=dict)
    """Case facts this ruleset reads beyond the common case model."""
    unsettled: dict[Ident, Unsettled] = Field(default_factory=dict)
    """Open points of law; each leaves what depends on it undetermined."""
    parameters: dict[Ident, Parameter] = Field(default_factory=dict)
    """Dated, cited values: thresholds, look-back periods, offence lists."""
    definitions: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\([a-z][a-z0-9_]*\))?$")], str
    ] = Field(default_factory=dict)
    """Named sub-conditions or terms, usable by name in any condition. A name with one
    parameter, ``listed_charge(c)``, is used on a list item: ``some c in charges satisfies
    listed_charge(c)``."""
    statute_families: dict[str, list[str]] = Field(default_factory=dict)
    """Code families and the spellings courts record for them, e.g. ``HSC: [HS, H&S]``."""
    offences: list[Offence] = Field(default_factory=list)
    """The statute table: canonical codes, spellings, categories and classes."""
    measures: list[Measure] = Field(default_factory=list)
    """The alternatives the law provides, each with its conditions."""
    invariants: list[Invariant] = Field(default_factory=list)
    """Properties the encoded law has, which ``eligibility explore`` searches for cases to break."""
