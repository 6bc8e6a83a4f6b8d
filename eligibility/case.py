"""The case model: what a caller tells the engine about one person and one matter.

An absent key or ``null`` always means *unknown*, never false or zero. The engine derives ages
and intervals itself from the dates given, so callers send facts as recorded, not conclusions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eligibility.errors import CaseError, Problem

_MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True)

Unit = Annotated[str, Field(min_length=1, max_length=60)]
"""The unit as recorded: ``g``, ``grams``, ``gr``, ``g gross``, ``g net``, ``g dried``,
``g mixture``, ``g pure``, ``kg``, ``oz``, ``ml``, ``tablets``, ``pills``, ``blotters``,
``plants``, ``seedlings``, ``units``, ``doses``… Mass is converted to grams, volume to
millilitres, counts stay counts; a weight's basis (gross, pure, fresh) is kept. A unit the
engine cannot read leaves the quantity unknown, with a notice."""

Purpose = Literal[
    "personal_use", "sale", "supply", "cultivation", "manufacture", "transport", "import"
]
Disposition = Literal[
    "conviction",
    "caution",
    "conditional_caution",
    "youth_caution",
    "warning",
    "diversion",
    "deferred_judgment",
    "infringement_notice",
    "penalty_notice",
    "administrative_sanction",
    "dismissal",
    "acquittal",
]
Plea = Literal["guilty", "not_guilty", "no_contest"]
Label = Annotated[str, Field(min_length=1, max_length=200)]
"""A short free-text label; lowercase identifiers are conventional for categories and classes."""


class Quantity(BaseModel):
    """An amount of a substance as recorded, with its unit."""

    model_config = _MODEL_CONFIG

    value: Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
    """The amount; not negative."""
    unit: Unit
    """The unit the amount was recorded in."""


class Period(BaseModel):
    """A period in custody; ``end`` absent while the person is still in custody or if unknown."""

    model_config = _MODEL_CONFIG

    start: dt.date
    """First day in custody."""
    end: dt.date | None = None
    """Last day in custody; absent while the person is still in custody or when unknown."""


class Person(BaseModel):
    """The person; give ``birth_date`` where known so every age can be derived."""

    model_config = _MODEL_CONFIG

    birth_date: dt.date | None = None
    """Date of birth (YYYY-MM-DD); every age the rules read is derived from it."""
    age_at_offense: Annotated[int, Field(ge=0, le=130)] | None = None
    """Age in completed years on the offence date, when the birth date is not known."""


class Charge(BaseModel):
    """One charge in the current matter."""

    model_config = _MODEL_CONFIG

    statute: Label | None = None
    """The provision as recorded, e.g. ``"H&S 11350(a)"``; matched against the ruleset's table."""
    description: str | None = None
    """The offence as the record describes it, in words; shown, never read by the rules."""
    category: Label | None = None
    """E.g. ``possession``, ``supply``; defaults from the statute table when the statute is known."""
    substance: Label | None = None
    """The substance as recorded (`marijuana`, `Kokainhydrochlorid`, `shabu`); read through the jurisdiction's vocabulary, and unknown with a notice when no name matches."""
    quantity: Quantity | None = None
    """How much of the substance, as recorded; absent means unknown."""
    purpose: Purpose | None = None
    """What the substance was for, as found or charged: `personal_use`, `sale`, `supply`, `cultivation`, `manufacture`, `transport` or `import`."""
    violence: bool | None = None
    """The offence involved violence or threatened violence."""
    weapon: bool | None = None
    """A firearm or other weapon was used or carried in connection with the offence."""
    drug_related: bool | None = None
    """The offence is a drug offence; defaults from the statute table when the statute is read."""
    class_: Label | None = Field(default=None, alias="class")
    """E.g. ``felony``, ``misdemeanor``, ``indictable``; defaults from the statute table."""


class Prior(BaseModel):
    """One earlier disposition: a conviction, caution, warning, diversion, notice…"""

    model_config = _MODEL_CONFIG

    statute: Label | None = None
    """The provision as recorded; read against the case jurisdiction's table when the prior is from that jurisdiction."""
    jurisdiction: Label | None = None
    """Where the prior was recorded; absent means the case's own jurisdiction."""
    description: str | None = None
    """The offence as the record describes it, in words; shown, never read by the rules."""
    category: Label | None = None
    """E.g. `possession`, `supply`, `violence`; defaults from the statute table when the statute is read."""
    disposition: Disposition | None = None
    """How the earlier matter ended: a conviction, a caution, a warning, a diversion, a notice, a dismissal…"""
    offense_date: dt.date | None = None
    """Date the earlier offence was committed."""
    disposition_date: dt.date | None = None
    """Date of conviction, caution, notice or other disposition."""
    release_date: dt.date | None = None
    """Date of release from custody served for this prior, if any."""
    custody: list[Period] | None = None
    """Periods served in custody for this prior; look-back windows that are extended by time in custody read them."""
    felony: bool | None = None
    """The prior is a felony (or the jurisdiction's equivalent) as the law counting it uses the word."""
    violent: bool | None = None
    """The prior offence involved violence or threatened violence."""
    serious_or_violent_felony: bool | None = None
    """A serious or violent felony in the sense the jurisdiction's law uses (e.g. Cal. PC 1192.7(c),
    667.5(c))."""
    drug_related: bool | None = None
    """The prior is a drug offence; defaults from the statute table when the statute is read."""
    class_: Label | None = Field(default=None, alias="class")
    """E.g. `felony`, `misdemeanor`, `indictable`; defaults from the statute table when the statute is read."""


FactValue = bool | int | float | str | None
"""A ruleset-declared fact; dates are given as ``YYYY-MM-DD`` strings and checked against the
ruleset's declared type when the case is evaluated."""


class Case(BaseModel):
    """One matter to screen."""

    model_config = _MODEL_CONFIG

    case_id: Annotated[str, Field(min_length=1, max_length=200)]
    """The caller's own identifier for the matter, echoed in the decision."""
    jurisdiction: Annotated[str, Field(min_length=2, max_length=20)]
    """ISO 3166 code, e.g. ``US-CA``; case-insensitive."""
    offense_date: dt.date | None = None
    """Date the offence was committed (YYYY-MM-DD); absent means unknown."""
    decision_date: dt.date | None = None
    """Date of the decision being screened (charging, hearing, sentencing)."""
    person: Person | None = None
    """The person charged; absent means nothing about them is known."""
    consent: bool | None = None
    """The person consents to the measure (and to any treatment it involves)."""
    admits_offense: bool | None = None
    """The person admits the offence (as cautions and warnings usually require)."""
    plea: Plea | None = None
    """The plea entered: `guilty`, `not_guilty` or `no_contest`; absent means none entered or unknown."""
    charges: list[Charge] | None = None
    """The charges in the current matter; an empty list means none, an absent list means unknown."""
    priors: list[Prior] | None = None
    """Every earlier disposition; an empty list means none, an absent list means unknown."""
    facts: dict[str, FactValue] = Field(default_factory=dict)
    """Facts that a ruleset declares as its own (see that ruleset's ``facts``)."""


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = "class" if part == "class_" else part
            out += f".{name}" if out else name
    return out


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
        return _date_message(err.get("input"))
    return str(err.get("msg", "invalid value"))


def _date_message(value: Any) -> str:
    """Say what is wrong with a date: ``2024-02-30`` has a day February lacks in 2024."""
    import calendar
    import re

    if isinstance(value, str):
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
        if m:
            year, month, day = (int(g) for g in m.groups())
            if not 1 <= month <= 12:
                return f"expected a date as YYYY-MM-DD: {value} has no month {month}"
            days = calendar.monthrange(year, month)[1]
            if not 1 <= day <= days:
                name = calendar.month_name[month]
                return (
                    f"expected a date as YYYY-MM-DD: {name} has {days} days in {year}, "
                    f"so {value} does not exist"
                )
        elif re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}", value):
            return f"expected a date as YYYY-MM-DD, not day and month first ({value})"
    return "expected a date as YYYY-MM-DD"


_COMMON_NAMES = {
    "dob": "person.birth_date",
    "date_of_birth": "person.birth_date",
    "birthdate": "person.birth_date",
    "birthday": "person.birth_date",
    "birth_date": "person.birth_date",
    "age": "person.age_at_offense (or person.birth_date)",
    "offence_date": "offense_date",
    "date_of_offence": "offense_date",
    "date_of_offense": "offense_date",
    "offense": "charges[].statute",
    "statute": "charges[].statute",
    "hearing_date": "decision_date",
    "sentencing_date": "decision_date",
    "prior_convictions": "priors",
    "convictions": "priors",
    "drug": "charges[].substance",
    "substance": "charges[].substance",
}
"""Names records and other systems use for a field, and where the case model has it."""


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def suggest_field(model: Any, path: tuple[str | int, ...]) -> str | None:
    """``did you mean …?`` for an unknown field at ``path`` inside ``model``, if one is close."""
    import difflib

    for part in path[:-1]:
        if isinstance(part, int):
            continue
        fields = model.model_fields
        info = (
            fields.get(part)
            or fields.get(part + "_")
            or next((f for f in fields.values() if f.alias == part), None)
        )
        model = _model_in(info.annotation) if info else None
        if model is None:
            return None
    allowed = [f.alias or name for name, f in model.model_fields.items()]
    common = _COMMON_NAMES.get(str(path[-1]).lower())
    if common is not None and not (common in allowed or common.startswith(str(path[-1]))):
        return f"did you mean `{common}`?"
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def path_of(location: str) -> tuple[str | int, ...]:
    """``charges[0].quantity`` → ``("charges", 0, "quantity")``."""
    parts: list[str | int] = []
    for chunk in location.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in indexes if i.isdigit())
    return tuple(parts)


def problems_from_validation(exc: ValidationError, prefix: str = "") -> list[Problem]:
    """Turn a pydantic error into one :class:`Problem` per field, naming the field path."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Unions report one error per member type; the member name is noise for a user.
        loc = tuple(p for p in loc if p not in {"bool", "int", "float", "str", "date"})
        where = _loc(loc)
        problems.append(Problem(_message(err), location=f"{prefix}{where}" if where else prefix))
    # A union fact value yields one message per member; keep one per location.
    seen: set[str | None] = set()
    unique = []
    for p in problems:
        if p.location not in seen:
            seen.add(p.location)
            unique.append(p)
    return unique


def parse_case_json(text: str | bytes, source: str = "<case>") -> Case:
    """Parse one case from JSON text; raise :class:`CaseError` naming every wrong field.

    The text is decoded under the limits of :mod:`eligibility.limits` by :mod:`eligibility._case_json`
    (size, nesting, integer length, repeated keys, text that is not Unicode), so no input, however
    malformed or large, gets further than a :class:`CaseError`."""
    from eligibility import _case_checks, _case_json

    data = _case_json.decode(text, source)
    _case_checks.check_counts(data, source)
    try:
        # A valid case is validated in one pass (what the slow path below accepts, this
        # accepts, to the value); only a wrong one goes the long way round, which reports
        # wrong fields with their hints.
        case = Case.model_validate_json(text)
    except ValidationError:
        return parse_case(data, source)
    _case_checks.check_case(case, source)
    return case


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def parse_case(data: Any, source: str = "<case>") -> Case:
    """Validate a decoded case document (a mapping) with JSON semantics."""
    from eligibility import _case_checks

    if not isinstance(data, dict):
        raise CaseError([Problem("a case must be a JSON object", file=source)])
    _case_checks.check_counts(data, source)
    try:
        # Round-trip through JSON so dicts from YAML and from JSON are validated identically
        # (strict mode then accepts ISO date strings and nothing else).
        text = json.dumps(data, default=_jsonable)
        case = Case.model_validate_json(text)
        _case_checks.check_case(case, source)
        return case
    except RecursionError:
        _case_checks.check(data, source)  # names the limit and where it is broken
        raise CaseError([Problem("the case nests too deep to read", file=source)]) from None
    except ValidationError as exc:
        # Limits, empty keys and text that is not Unicode first: the model's messages for
        # those point into the re-serialised text, not at the field.
        _case_checks.check(data, source)
        problems = [
            Problem(
                p.message,
                file=source,
                location=p.location,
                hint=suggest_field(Case, path_of(p.location or ""))
                if p.message == "unknown field" and p.location
                else None,
            )
            for p in problems_from_validation(exc)
        ]
        raise CaseError(problems) from None
    except (TypeError, ValueError) as exc:
        raise CaseError([Problem(f"unsupported value: {exc}", file=source)]) from None
