"""Generated JSON Schemas are committed and must be fresh; the Decision writer's edge case."""

from __future__ import annotations

import pytest

from eligibility import Registry, parse_case_json
from eligibility.decision import FactRead
from eligibility.schemas import render
from tests.conftest import ROOT

CA = ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json"


@pytest.mark.parametrize("kind", ["case", "decision", "ruleset"])
def test_committed_schema_matches_the_models(kind: str) -> None:
    """Regenerate with `python -m eligibility.schemas docs/schemas` when the models change."""
    committed = (ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert render(kind) == committed


def test_a_decision_built_by_hand_with_a_huge_number_is_still_written(
    durable_registry: Registry,
) -> None:
    """orjson refuses integers beyond 64 bits; a Decision an integrator builds with one (the
    engine refuses such facts) is written by pydantic instead, to the same canonical bytes."""
    decision = durable_registry.evaluate(parse_case_json(CA.read_bytes()))
    measure = decision.measures[0]
    criterion = measure.criteria[0].model_copy(
        update={"facts": [FactRead(fact="facts.count", value=2**70)]}
    )
    measure = measure.model_copy(update={"criteria": [criterion, *measure.criteria[1:]]})
    big = decision.model_copy(update={"measures": [measure, *decision.measures[1:]]})
    assert str(2**70) in big.to_json()
    assert big.to_json() == big.model_dump_json(indent=2) + "\n"
    assert big.to_json_bytes(indent=False) == big.model_dump_json().encode()


@pytest.mark.parametrize("kind", ["case", "decision", "ruleset"])
def test_every_property_of_every_schema_is_described(kind: str) -> None:
    """Integrators build forms and mappings from the schemas: no property goes unexplained."""
    from eligibility.schemas import schema_for

    schema = schema_for(kind)
    parts = [(kind, schema), *schema.get("$defs", {}).items()]
    undescribed = [
        f"{where}.{name}"
        for where, part in parts
        for name, prop in (part.get("properties") or {}).items()
        if not prop.get("description")
    ]
    assert [] == undescribed
    assert schema["$id"].startswith(f"urn:eligibility:schema:{kind}:")
