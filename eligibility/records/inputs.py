"""The input contract of one jurisdiction, for court software that builds its forms from it.

:func:`jurisdiction_inputs` lists what a case for the jurisdiction may say — declared facts with
their types, allowed values and questions; the substance names and spellings its records
vocabulary reads; the code families and citation forms its statute tables read; the units —
and :func:`case_schema` is the case JSON Schema narrowed to it (facts typed, known citations and
substances as examples).
"""

from __future__ import annotations

import copy
from typing import Any

from eligibility._evaluate import Registry
from eligibility._types import Scalar
from eligibility.case import Case
from eligibility.decision import SCHEMA_VERSION
from eligibility.records.substances import substance_key

__all__ = ["case_schema", "jurisdiction_inputs"]

UNITS = [
    "g", "g net", "g gross", "g dried", "g mixture", "g pure", "mg", "kg", "oz", "lb", "ml", "l",
    "tablets", "pills", "capsules", "blotters", "doses", "units", "plants", "seedlings",
]  # fmt: skip
"""Examples of units as records write them (docs/records.md lists every form read)."""

_JSON_TYPE = {
    Scalar.BOOL: {"type": "boolean"},
    Scalar.NUMBER: {"type": "number"},
    Scalar.STRING: {"type": "string"},
    Scalar.DATE: {"type": "string", "format": "date"},
}


def jurisdiction_inputs(registry: Registry, code: str) -> dict[str, Any] | None:
    """What a case for ``code`` may give, or ``None`` for an unknown jurisdiction."""
    groups = registry.groups_for(code)
    if groups is None:
        return None
    rulesets = [r for versions in groups.values() for r in versions]
    facts: dict[str, dict[str, Any]] = {}
    for r in rulesets:
        for name, decl in r.facts.items():
            entry = facts.setdefault(
                name,
                {
                    "type": decl.type.value,
                    "question": decl.question,
                    "values": list(decl.values) if decl.values else None,
                    "assumed_when_missing": decl.assume,
                    "rulesets": [],
                },
            )
            if r.id not in entry["rulesets"]:
                entry["rulesets"].append(r.id)
    substances: dict[str, set[str]] = {}
    families: dict[str, set[str]] = {}
    citations: dict[str, str] = {}
    for r in rulesets:
        for key, name in r.substances.to_name.items():
            substances.setdefault(name, set()).add(key)
        for name, spellings in r.statutes.families.items():
            families.setdefault(name, set()).update(spellings)
        for row in r.statutes.rows.values():
            citations.setdefault(row.code, row.title)
    return {
        "jurisdiction": code.upper(),
        "rulesets": sorted({r.id for r in rulesets}),
        "facts": dict(sorted(facts.items())),
        "substances": {
            n: sorted(k for k in keys if k != substance_key(n))
            for n, keys in sorted(substances.items())
        },
        "citation_families": {n: sorted(s) for n, s in sorted(families.items())},
        "offences": dict(sorted(citations.items())),
        "units": UNITS,
    }


def case_schema(registry: Registry, code: str) -> dict[str, Any] | None:
    """The case JSON Schema for ``code``: ``jurisdiction`` fixed, ``facts`` typed with their
    questions as descriptions, citations, substances and units given as examples."""
    inputs = jurisdiction_inputs(registry, code)
    if inputs is None:
        return None
    schema: dict[str, Any] = copy.deepcopy(Case.model_json_schema(by_alias=True, mode="validation"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:eligibility:schema:case:{inputs['jurisdiction']}:{SCHEMA_VERSION}"
    schema["title"] = f"Case ({inputs['jurisdiction']})"
    props = schema["properties"]
    props["jurisdiction"] = {
        "const": inputs["jurisdiction"],
        "description": "This schema is for this jurisdiction only.",
    }
    fact_props: dict[str, Any] = {}
    for name, f in inputs["facts"].items():
        prop: dict[str, Any] = dict(_JSON_TYPE[Scalar(f["type"])])
        if f["values"]:
            prop["enum"] = f["values"]
        prop["description"] = f["question"]
        fact_props[name] = {"anyOf": [prop, {"type": "null"}], "description": f["question"]}
    props["facts"] = {
        "type": "object",
        "properties": fact_props,
        "additionalProperties": False,
        "description": "Facts the jurisdiction's rulesets declare; absent or null is unknown.",
    }
    defs = schema.get("$defs", {})
    examples = list(inputs["offences"])[:40]
    for item in ("Charge", "Prior"):
        statute = defs.get(item, {}).get("properties", {}).get("statute")
        if statute is not None:
            statute["examples"] = examples
    charge = defs.get("Charge", {}).get("properties", {})
    if "substance" in charge:
        charge["substance"]["examples"] = list(inputs["substances"])
    unit = defs.get("Quantity", {}).get("properties", {}).get("unit")
    if unit is not None:
        unit["examples"] = UNITS
    return schema
