"""From a normalised fact to the case document: where it is given, and how to give a value.

What-if answers speak the case document's language (``charges[0].quantity``,
``priors[1].felony``, ``facts.consent_to_treatment``) so a clerk can give them and a property
test can apply them. Facts the law fixes in the past — dates, the birth date and the ages
derived from it, where a prior was recorded, under which statute, how it was disposed of — are
never proposed as changes.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from eligibility._evaluate import _ITEM_PATH  # where a derived item field is given
from eligibility._model import Ruleset
from eligibility.case import Case, parse_case
from eligibility.whatif.domains import OTHER
from eligibility.whatif.scope import Var

FIXED_FIELDS = frozenset(
    {
        "offense_date",
        "decision_date",
        "age_at_offense",
        "age_at_decision",
        "disposition_date",
        "release_date",
        "custody_days",
        "jurisdiction",
        "statute",
        "offense",
        "disposition",
        "substance",
        "category",
        "drug_related",
    }
)
"""Facts of the past the law fixes, and the nature of an offence: never proposed as changes.
(A quantity is proposed: it is often a finding or an estimate, and the law's thresholds are
what a clerk needs to see; so is a class — a felony reduced to a misdemeanour — since the law
itself provides for reclassification.)"""

_TOP = frozenset({"consent", "admits_offense", "plea", "charges", "priors"})
_UNIT = {"quantity_g": "g", "quantity_ml": "ml", "quantity_units": "units"}


def case_path(var: Var, ruleset: Ruleset) -> str | None:
    """Where ``var`` is given in the case document (``None``: not a fact a case gives)."""
    if len(var) == 1:
        name = var[0]
        if name in ruleset.facts:
            return f"facts.{name}"
        if name in ("age_at_offense", "age_at_decision"):
            return "person.birth_date"
        return name if name in _TOP or name in FIXED_FIELDS else None
    name, index, field = var
    return f"{name}[{index}].{_ITEM_PATH.get(field, field)}"


def changeable(var: Var, ruleset: Ruleset) -> bool:
    """True if a what-if may propose changing ``var``."""
    return var[-1] not in FIXED_FIELDS and case_path(var, ruleset) is not None


def case_value(var: Var, value: Any, case: Case) -> Any:
    """The case document's value for normalised ``value`` of ``var`` (JSON-ready)."""
    if isinstance(value, tuple):
        return [dict(item) for item in value]
    if len(var) == 3 and var[2] in _UNIT:
        unit = _UNIT[var[2]]
        if var[2] == "quantity_units":
            charge = (case.charges or [])[var[1]] if case.charges else None
            if charge is not None and charge.quantity is not None:
                unit = charge.quantity.unit
        return {"value": _number(value), "unit": unit}
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def describe(value: Any) -> str:
    """A value as a clerk reads it."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and "unit" in value:
        return f"{value['value']} {value['unit']}"
    if isinstance(value, list):
        return "none" if not value else f"{len(value)} record(s)"
    return str(value)


def apply(case: Case, edits: dict[str, Any]) -> Case:
    """``case`` with ``edits`` (case path → JSON value) made, validated as any case is."""
    doc = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    doc = copy.deepcopy(doc)
    for path, value in edits.items():
        _set(doc, path, value)
    return parse_case(doc, "<what-if>")


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    head, _, field = path.rpartition(".")
    target: Any = doc
    if head:
        for part in head.split("."):
            name, _, index = part.partition("[")
            target = target.setdefault(name, {}) if not index else target[name][int(index[:-1])]
    if value is None:
        target.pop(field, None)
    else:
        target[field] = value


def proposable(value: Any) -> bool:
    """False for the stand-in "anything else" text, which is not a value to propose."""
    return bool(value != OTHER and value != ({},))
