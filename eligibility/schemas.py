"""JSON Schemas generated from the pydantic models (the models are the source of truth).

The committed copies in ``docs/schemas/`` are checked for freshness by the test suite;
regenerate them with ``python -m eligibility.schemas docs/schemas``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from eligibility.case import Case
from eligibility.decision import SCHEMA_VERSION, DecidingDecision, Decision, OutcomeDecision
from eligibility.ruleset_schema import RulesetFile

_MODELS: dict[str, Any] = {
    "case": Case,
    "decision": Decision,
    "decision-deciding": DecidingDecision,
    "decision-outcome": OutcomeDecision,
    "ruleset": RulesetFile,
}


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``case``, ``decision`` (``decision-deciding``, ``decision-outcome``:
    the shorter explanation levels) or ``ruleset``."""
    model = _MODELS[kind]
    mode = "serialization" if kind.startswith("decision") else "validation"
    schema: dict[str, Any] = model.model_json_schema(by_alias=True, mode=mode)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # A URN, not a URL: the project hosts nothing, and court software caches the files it ships.
    schema["$id"] = f"urn:eligibility:schema:{kind}:{SCHEMA_VERSION}"
    return schema


def render(kind: str) -> str:
    """The schema as committed: two-space indented JSON with a final newline."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def write_all(folder: Path) -> None:
    """Write ``<kind>.schema.json`` for every kind into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind in _MODELS:
        (folder / f"{kind}.schema.json").write_text(render(kind), encoding="utf-8")


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas"))
