"""Explanation levels (docs/explanation.md): `deciding` and `outcome` say what the full decision
says, a `deciding` decision expands to the byte-identical full one, and expansion refuses
another case, other rulesets, another evaluator or a decision that was altered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from eligibility import Registry, parse_case, parse_case_json
from eligibility.decision import DecidingDecision, Decision, OutcomeDecision
from eligibility.explain import ExpandError, expand, render_short, shorten
from eligibility.golden import golden_files, load_golden
from tests.conftest import RULESETS
from tests.strategies import any_case

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = [g for path in golden_files(RULESETS) for g in load_golden(path)]
PARTIAL = ROOT / "docs/examples/us-ca/partial.json"


def _schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (ROOT / "docs/schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def test_every_golden_case_expands_to_the_identical_full_decision(
    durable_registry: Registry,
) -> None:
    """For all golden cases of every jurisdiction: the `deciding` decision, written and read
    back as JSON, expands to exactly the bytes of the full decision; both short levels are what
    shortening the full decision gives; and each validates against its published schema."""
    deciding_schema = _schema("decision-deciding")
    outcome_schema = _schema("decision-outcome")
    for golden in GOLDEN:
        case = golden.case
        full = durable_registry.evaluate(case)
        deciding = durable_registry.evaluate(case, explain="deciding")
        outcome = durable_registry.evaluate(case, explain="outcome")
        assert shorten(full, "deciding", case) == deciding, golden.name
        assert shorten(full, "outcome", case) == outcome, golden.name
        text = deciding.to_json()
        assert expand(text, case, durable_registry).to_json() == full.to_json(), golden.name
        jsonschema.validate(json.loads(text), deciding_schema)
        jsonschema.validate(json.loads(outcome.to_json()), outcome_schema)
        # The short writers give pydantic's own bytes, like the full one.
        assert text == deciding.model_dump_json(indent=2) + "\n"
        assert outcome.to_json_bytes(indent=False) == outcome.model_dump_json().encode()


def test_the_levels_carry_what_they_promise(durable_registry: Registry) -> None:
    case = parse_case_json(PARTIAL.read_bytes())
    full = durable_registry.evaluate(case)
    deciding = durable_registry.evaluate(case, explain="deciding")
    outcome = durable_registry.evaluate(case, explain="outcome")
    assert isinstance(deciding, DecidingDecision) and isinstance(outcome, OutcomeDecision)
    assert [(m.id, m.outcome) for m in full.measures] == [
        (m.id, m.outcome) for m in deciding.measures
    ]
    assert [(m.id, m.outcome) for m in full.measures] == [
        (m.id, m.outcome) for m in outcome.measures
    ]
    for m_full, m_short in zip(full.measures, deciding.measures, strict=True):
        assert m_full.deciding_criteria == [c.id for c in m_short.deciding_criteria]
        assert m_full.reason == m_short.reason
        by_id = {c.id: c for c in m_full.criteria}
        for c in m_short.deciding_criteria:
            assert (c.status, c.citation) == (by_id[c.id].status, by_id[c.id].citation)
    assert full.missing_facts == deciding.missing_facts and full.missing_facts
    assert full.notices == deciding.notices and len(full.notices) == outcome.notices
    assert [r.content_hash for r in full.rulesets] == [r.content_hash for r in outcome.rulesets]
    # The point of the short levels: a fraction of the bytes.
    assert len(deciding.to_json()) < len(full.to_json()) / 2
    assert len(outcome.to_json()) < len(deciding.to_json()) / 2
    text = render_short(deciding)
    assert "To decide what is undetermined, find out:" in text
    assert "§ 1000(a)(4)" in text and "not legal advice" in text


def _deciding(registry: Registry) -> tuple[Any, DecidingDecision]:
    case = parse_case_json(PARTIAL.read_bytes())
    return case, registry.evaluate(case, explain="deciding")


def test_expansion_refuses_another_case(durable_registry: Registry) -> None:
    case, deciding = _deciding(durable_registry)
    data = json.loads(PARTIAL.read_bytes())
    data["person"]["birth_date"] = "1990-01-02"
    other = parse_case(data)
    with pytest.raises(ExpandError) as refused:
        expand(deciding, other, durable_registry)
    assert "case_hash" == refused.value.problems[0].location
    # Spacing and key order are not the case: the same case re-serialised expands.
    data["person"]["birth_date"] = json.loads(PARTIAL.read_bytes())["person"]["birth_date"]
    reordered = parse_case_json(json.dumps(dict(reversed(list(data.items())))).encode())
    same = parse_case_json(json.dumps(data, indent=7).encode())
    assert expand(deciding, same, durable_registry) == durable_registry.evaluate(case)
    assert expand(deciding, reordered, durable_registry) == durable_registry.evaluate(case)


def test_expansion_refuses_other_rulesets(durable_registry: Registry) -> None:
    case, deciding = _deciding(durable_registry)
    tampered = deciding.model_dump(mode="json")
    tampered["rulesets"][0]["content_hash"] = "0" * 64
    with pytest.raises(ExpandError) as refused:
        expand(tampered, case, durable_registry)
    message = refused.value.problems[0].message
    assert tampered["rulesets"][0]["id"] in message and "0" * 64 in message


def test_expansion_refuses_an_altered_outcome(durable_registry: Registry) -> None:
    case, deciding = _deciding(durable_registry)
    tampered = deciding.model_dump(mode="json")
    first = tampered["measures"][0]
    first["outcome"] = "entitled" if first["outcome"] != "entitled" else "ineligible"
    with pytest.raises(ExpandError) as refused:
        expand(tampered, case, durable_registry)
    assert first["id"] in refused.value.problems[0].message


def test_expansion_refuses_another_evaluator_and_a_malformed_decision(
    durable_registry: Registry, reference_registry: Registry
) -> None:
    case, deciding = _deciding(durable_registry)
    with pytest.raises(ExpandError, match="durable-rules evaluator"):
        expand(deciding, case, reference_registry)
    with pytest.raises(ExpandError) as refused:
        expand({"explanation": "deciding"}, case, durable_registry)
    assert {"case_id", "case_hash", "measures"} <= {p.location for p in refused.value.problems}
    outcome = durable_registry.evaluate(case, explain="outcome")
    with pytest.raises(ExpandError):  # an outcome decision has too little to expand
        expand(outcome.to_json(), case, durable_registry)


def test_an_unknown_level_is_refused(durable_registry: Registry) -> None:
    case, _ = _deciding(durable_registry)
    with pytest.raises(ValueError, match="full, deciding or outcome"):
        durable_registry.evaluate(case, explain="brief")  # type: ignore[call-overload]


def test_strict_mode_refuses_at_every_level(durable_registry: Registry) -> None:
    data = json.loads(PARTIAL.read_bytes())
    data["charges"][0]["statute"] = "HSC 99999"
    case = parse_case(data)
    for level in ("full", "deciding", "outcome"):
        durable_registry.evaluate(case, explain=level)
        with pytest.raises(Exception, match="99999"):
            durable_registry.evaluate(case, strict=True, explain=level)


@pytest.mark.parametrize("jurisdiction", ["us-ca", "de", "gb-eng", "ph"])
def test_generated_cases_expand_to_the_full_decision(
    jurisdiction: str, durable_registry: Registry
) -> None:
    """On generated cases (unknowns, long records, odd dates): the short levels agree with the
    full decision and a `deciding` decision expands to its exact bytes."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=any_case(durable_registry, jurisdiction))
    def check(data: dict[str, Any]) -> None:
        case = parse_case(data)
        full = durable_registry.evaluate(case)
        deciding = durable_registry.evaluate(case, explain="deciding")
        assert shorten(full, "deciding", case) == deciding
        assert shorten(full, "outcome", case) == durable_registry.evaluate(case, explain="outcome")
        assert (
            expand(deciding.to_json_bytes(False), case, durable_registry).to_json()
            == full.to_json()
        )

    check()


def test_full_is_the_default_and_unchanged(durable_registry: Registry) -> None:
    case, _ = _deciding(durable_registry)
    assert isinstance(durable_registry.evaluate(case), Decision)
    assert durable_registry.evaluate(case, explain="full") == durable_registry.evaluate(case)
    assert durable_registry.evaluate(case).engine.durable_rules == "2.0.28+eligibility"


# -- the command line, batch and the service ---------------------------------------------------


def test_check_and_expand_on_the_command_line(tmp_path: Path) -> None:
    """`check --explain deciding` then `expand` prints exactly what `check` prints; a wrong case
    is exit 1 naming the hash; `--explain` with `--what-if` is a usage error."""
    from typer.testing import CliRunner

    from eligibility.cli import app

    runner = CliRunner()
    short = runner.invoke(app, ["check", str(PARTIAL), "--explain", "deciding", "-f", "json"])
    assert 0 == short.exit_code, short.output
    assert "deciding" == json.loads(short.stdout)["explanation"]
    stored = tmp_path / "deciding.json"
    stored.write_text(short.stdout, encoding="utf-8")
    expanded = runner.invoke(app, ["expand", str(stored), str(PARTIAL)])
    assert 0 == expanded.exit_code, expanded.output
    assert runner.invoke(app, ["check", str(PARTIAL), "-f", "json"]).stdout == expanded.stdout
    other = ROOT / "docs/examples/us-ca/simple-possession.json"
    refused = runner.invoke(app, ["expand", str(stored), str(other)])
    assert 1 == refused.exit_code
    assert "the decision is for case 'CA-2024-000789'" in refused.stderr
    text = runner.invoke(app, ["check", str(PARTIAL), "--explain", "outcome"])
    assert 0 == text.exit_code and "UNDETERMINED    pc1000_pretrial_diversion" in text.stdout
    usage = runner.invoke(
        app, ["check", str(PARTIAL), "--explain", "outcome", "--what-if", "timeline"]
    )
    assert 2 == usage.exit_code and "--explain full" in usage.stderr


def test_batch_writes_the_level_asked_for(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from eligibility.cli import app

    cases = tmp_path / "cases.jsonl"
    examples = sorted((ROOT / "docs/examples").glob("*/*.json"))
    cases.write_text(
        "".join(json.dumps(json.loads(p.read_bytes())) + "\n" for p in examples), encoding="utf-8"
    )
    counts = {}
    for level in ("full", "deciding", "outcome"):
        out = tmp_path / f"{level}.jsonl"
        summary = tmp_path / f"{level}.summary.json"
        result = CliRunner().invoke(
            app,
            [
                "batch",
                str(cases),
                "-o",
                str(out),
                "-q",
                "--explain",
                level,
                "--summary",
                str(summary),
            ],
        )
        assert 0 == result.exit_code, result.output
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(examples) == len(lines)
        assert {line.get("explanation", "full") for line in lines} == {level}
        counts[level] = json.loads(summary.read_text(encoding="utf-8"))
        counts[level].pop("output")
    # Every level tallies the same outcomes; deciding also the same blocking criteria and
    # missing facts as full.
    assert (
        counts["full"]["outcomes"]
        == counts["deciding"]["outcomes"]
        == counts["outcome"]["outcomes"]
    )
    assert counts["full"] == counts["deciding"]


def test_the_service_answers_each_level_and_expands(durable_registry: Registry) -> None:
    from tests.service_client import JSON, app_over, request

    service = app_over(durable_registry, RULESETS)
    body = PARTIAL.read_bytes()
    full = request(service, "POST", "/v1/evaluate", content=body, headers=JSON)
    deciding = request(service, "POST", "/v1/evaluate?explain=deciding", content=body, headers=JSON)
    outcome = request(service, "POST", "/v1/evaluate?explain=outcome", content=body, headers=JSON)
    assert (200, 200, 200) == (full.status_code, deciding.status_code, outcome.status_code)
    assert "deciding" == deciding.json()["explanation"]
    assert "outcome" == outcome.json()["explanation"]
    pair = {"decision": deciding.json(), "case": json.loads(body)}
    expanded = request(service, "POST", "/v1/expand", json=pair)
    assert 200 == expanded.status_code
    assert full.content == expanded.content
    pair["case"]["person"]["birth_date"] = "1970-01-01"
    refused = request(service, "POST", "/v1/expand", json=pair)
    assert 422 == refused.status_code
    assert "case_hash" in refused.text
    bad = request(service, "POST", "/v1/evaluate?explain=brief", content=body, headers=JSON)
    assert 422 == bad.status_code
    batch = request(
        service,
        "POST",
        "/v1/evaluate/batch?explain=outcome",
        json={"cases": [json.loads(body)]},
    )
    assert "outcome" == batch.json()["results"][0]["decision"]["explanation"]


def _hash_as_defined(case: Any) -> str:
    import hashlib

    import orjson

    data = case.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=any_case(Registry.load(RULESETS), "us-ca"))
def test_the_case_hash_is_the_sha256_of_the_sorted_case(data: dict[str, Any]) -> None:
    """What docs/explanation.md defines: the SHA-256 of the case as read, keys sorted, compact."""
    from eligibility._evaluate import case_hash

    case = parse_case(data)
    assert _hash_as_defined(case) == case_hash(case)


def test_the_case_hash_on_every_golden_case_and_integers_past_63_bits() -> None:
    from eligibility._evaluate import case_hash

    for golden in GOLDEN:
        assert _hash_as_defined(golden.case) == case_hash(golden.case), golden.name
    for n in (2**63 - 1, 2**63 + 5, -(2**63), 1.5):
        case = GOLDEN[0].case.model_copy(update={"facts": {"n": n}})
        assert _hash_as_defined(case) == case_hash(case), n
