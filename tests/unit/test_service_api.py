"""The HTTP routes, in-process: decisions, errors as problem details, catalogue, schemas, CORS."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from eligibility import Registry, parse_case_json
from eligibility.cli import app as cli
from eligibility.schemas import schema_for
from tests.conftest import ROOT, RULESETS
from tests.service_client import JSON, app_over, request

EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*/*.json"))
CA = ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def service(durable_registry: Registry) -> FastAPI:
    return app_over(durable_registry, RULESETS)


def test_evaluate_returns_the_bytes_eligibility_check_prints(service: FastAPI) -> None:
    """POST /v1/evaluate answers exactly what `eligibility check --format json` prints."""
    printed = CliRunner().invoke(cli, ["check", str(CA), "--format", "json"]).stdout_bytes
    answered = request(service, "POST", "/v1/evaluate", content=CA.read_bytes(), headers=JSON)
    assert (200, "application/json") == (answered.status_code, answered.headers["content-type"])
    assert printed == answered.content


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_evaluate_matches_the_library_for_every_example(
    service: FastAPI, durable_registry: Registry, path: Path
) -> None:
    """Every jurisdiction's example case gets the library's Decision, byte for byte."""
    expected = durable_registry.evaluate(parse_case_json(path.read_bytes())).to_json()
    answered = request(service, "POST", "/v1/evaluate", content=path.read_bytes(), headers=JSON)
    assert expected == answered.text


def test_batch_answers_each_case_in_order_with_a_decision_or_a_problem(
    service: FastAPI, durable_registry: Registry
) -> None:
    """One bad case in a batch gets its own problem, located under /cases/<i>; the rest decide."""
    good = json.loads(CA.read_text())
    bad = {**good, "charges": [{"quantity": {"value": -1, "unit": "g"}}]}
    body = {"cases": [good, bad, {**good, "jurisdiction": "XX"}]}
    answered = request(service, "POST", "/v1/evaluate/batch", json=body)
    results = answered.json()["results"]
    assert 200 == answered.status_code
    assert [(0, 200), (1, 422), (2, 422)] == [(r["index"], r["status"]) for r in results]
    expected = durable_registry.evaluate(parse_case_json(CA.read_bytes()))
    assert json.loads(expected.to_json()) == results[0]["decision"]
    [error] = results[1]["problem"]["errors"]
    assert ("cases[1].charges[0].quantity.value", "/cases/1/charges/0/quantity/value") == (
        error["location"],
        error["pointer"],
    )
    assert "urn:eligibility:problem:unknown-jurisdiction" == results[2]["problem"]["type"]


def test_malformed_json_is_a_400_problem_with_line_and_column(service: FastAPI) -> None:
    answered = request(service, "POST", "/v1/evaluate", content=b'{\n  "case_id": }', headers=JSON)
    assert (400, PROBLEM) == (answered.status_code, answered.headers["content-type"])
    assert {
        "type": "urn:eligibility:problem:malformed-json",
        "title": "The request body is not JSON",
        "status": 400,
        "detail": "the body is not valid JSON",
        "errors": [{"message": "malformed JSON: Expecting value", "line": 2, "column": 14}],
    } == answered.json()


def test_an_invalid_case_is_a_422_problem_naming_every_field(service: FastAPI) -> None:
    case = {
        "case_id": "A-1",
        "jurisdiction": "US-CA",
        "offense_date": "15/03/2024",
        "charges": [{"quantity": {"value": 1, "unit": "grams"}}],
        "offence_date": "2024-03-15",
    }
    answered = request(service, "POST", "/v1/evaluate", json=case)
    doc = answered.json()
    assert (422, "urn:eligibility:problem:invalid-case") == (answered.status_code, doc["type"])
    assert [
        ("offense_date", "/offense_date"),
        ("offence_date", "/offence_date"),
    ] == [(e["location"], e["pointer"]) for e in doc["errors"]]
    assert "did you mean `offense_date`?" == doc["errors"][1]["hint"]


def test_an_unknown_jurisdiction_is_a_422_problem_listing_the_known_ones(service: FastAPI) -> None:
    answered = request(service, "POST", "/v1/evaluate", json={"case_id": "1", "jurisdiction": "FR"})
    doc = answered.json()
    assert (422, "urn:eligibility:problem:unknown-jurisdiction") == (
        answered.status_code,
        doc["type"],
    )
    assert "jurisdiction" == doc["errors"][0]["pointer"].lstrip("/")
    assert "US-CA" in doc["errors"][0]["hint"]


def test_a_body_that_is_not_json_is_refused_with_415(service: FastAPI) -> None:
    answered = request(service, "POST", "/v1/evaluate", content=b"case_id=1")
    assert (415, "urn:eligibility:problem:unsupported-media-type") == (
        answered.status_code,
        answered.json()["type"],
    )


def test_bodies_over_the_limit_are_refused_with_413(durable_registry: Registry) -> None:
    """Both a declared length and a streamed (chunked) body are held to the limit."""
    small = app_over(durable_registry, RULESETS, max_body_bytes=2048)
    big = CA.read_bytes() + b" " * 2048
    declared = request(small, "POST", "/v1/evaluate", content=big, headers=JSON)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 512):
            yield big[i : i + 512]

    streamed = request(small, "POST", "/v1/evaluate", content=chunks(), headers=JSON)
    for answered in (declared, streamed):
        assert (413, "urn:eligibility:problem:content-too-large") == (
            answered.status_code,
            answered.json()["type"],
        )


def test_a_batch_longer_than_the_limit_is_refused_naming_cases(durable_registry: Registry) -> None:
    short = app_over(durable_registry, RULESETS, max_batch=2)
    case = json.loads(CA.read_text())
    answered = request(short, "POST", "/v1/evaluate/batch", json={"cases": [case] * 3})
    doc = answered.json()
    assert (422, "urn:eligibility:problem:too-many-cases") == (answered.status_code, doc["type"])
    assert ("/cases", "3 cases; at most 2 per request") == (
        doc["errors"][0]["pointer"],
        doc["errors"][0]["message"],
    )


def test_a_batch_must_be_an_object_with_cases(service: FastAPI) -> None:
    answered = request(service, "POST", "/v1/evaluate/batch", json=[{"case_id": "1"}])
    assert (422, "cases") == (answered.status_code, answered.json()["errors"][0]["location"])


def test_unknown_routes_and_methods_are_problems(service: FastAPI) -> None:
    missing = request(service, "GET", "/v1/nothing-here")
    wrong = request(service, "GET", "/v1/evaluate")
    assert [(404, PROBLEM), (405, PROBLEM)] == [
        (r.status_code, r.headers["content-type"]) for r in (missing, wrong)
    ]


def test_rulesets_lists_every_version_with_its_hash_and_whether_it_is_in_force(
    service: FastAPI, durable_registry: Registry
) -> None:
    listed = request(service, "GET", "/v1/rulesets").json()
    by_id = {r["id"]: r for r in listed["rulesets"]}
    assert {r.id for r in durable_registry.rulesets} == set(by_id)
    bc = by_id["ca-bc-s56-exemption"]
    assert ["CA-BC", 3] == [bc["jurisdiction"], len(bc["versions"])]
    on_disk = {r.path: r.content_hash for r in durable_registry.rulesets}
    for version in bc["versions"]:
        assert on_disk[str(RULESETS / version["file"])] == version["content_hash"]
    assert [True] == [v["in_force_today"] for v in by_id["us-ca-drug-diversion"]["versions"]]


def test_one_ruleset_shows_its_measures_and_sources(service: FastAPI) -> None:
    detail = request(service, "GET", "/v1/rulesets/us-ca-drug-diversion").json()
    measures = {m["id"]: m for m in detail["measures"]}
    assert "pc1000_pretrial_diversion" in measures
    assert "the court" in measures["pc1000_pretrial_diversion"]["decided_by"]
    assert all(c["citation"]["url"] for m in detail["measures"] for c in m["criteria"])
    assert detail["sources"] and all(s["url"] for s in detail["sources"].values())


def test_a_ruleset_version_is_chosen_by_date(service: FastAPI) -> None:
    """`?on=` selects the version in force that day."""
    early = request(service, "GET", "/v1/rulesets/ca-bc-s56-exemption?on=2023-02-01").json()
    late = request(service, "GET", "/v1/rulesets/ca-bc-s56-exemption?on=2024-06-01").json()
    assert early["content_hash"] != late["content_hash"]
    assert early["in_force"]["from"] <= "2023-02-01" < late["in_force"]["from"]


def test_unknown_ruleset_is_404_and_a_bad_date_names_the_parameter(service: FastAPI) -> None:
    missing = request(service, "GET", "/v1/rulesets/no-such-ruleset")
    bad = request(service, "GET", "/v1/rulesets/us-ca-drug-diversion?on=soon")
    assert 404 == missing.status_code
    assert (422, "on") == (bad.status_code, bad.json()["errors"][0]["location"])


@pytest.mark.parametrize("kind", ["case", "decision"])
def test_schemas_are_the_ones_eligibility_schema_prints(service: FastAPI, kind: str) -> None:
    answered = request(service, "GET", f"/v1/schemas/{kind}")
    assert "application/schema+json" == answered.headers["content-type"]
    assert schema_for(kind) == answered.json()


def test_health_and_readiness(service: FastAPI, durable_registry: Registry) -> None:
    assert {"status": "ok"} == request(service, "GET", "/v1/health").json()
    ready = request(service, "GET", "/v1/ready").json()
    assert ("ready", len(durable_registry.rulesets), 0) == (
        ready["status"],
        ready["rulesets"],
        ready["pending"],
    )


def test_cors_is_off_unless_origins_are_given(service: FastAPI, durable_registry: Registry) -> None:
    origin = {"Origin": "https://court.example"}
    plain = request(service, "GET", "/v1/health", headers=origin)
    allowed = app_over(durable_registry, RULESETS, cors_origins=("https://court.example",))
    opened = request(allowed, "GET", "/v1/health", headers=origin)
    assert "access-control-allow-origin" not in plain.headers
    assert "https://court.example" == opened.headers["access-control-allow-origin"]


def test_the_committed_openapi_document_is_fresh(service: FastAPI) -> None:
    """docs/openapi.json is what the service serves; regenerate with
    `python -m eligibility.service.openapi docs/openapi.json`."""
    served = request(service, "GET", "/v1/openapi.json").json()
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == served


def test_strict_refuses_what_the_rulesets_cannot_read_and_the_default_decides_it(
    service: FastAPI,
) -> None:
    """`?strict=true` answers 422 naming the unreadable citation; without it, a decision with
    the notice."""
    case = json.loads(CA.read_text())
    case["charges"][0]["statute"] = "Cal. Pen. Code § 215"
    body = json.dumps(case).encode()
    decided = request(service, "POST", "/v1/evaluate", content=body, headers=JSON)
    assert 200 == decided.status_code
    assert "citation_not_in_table" in {n["kind"] for n in decided.json()["notices"]}
    refused = request(service, "POST", "/v1/evaluate?strict=true", content=body, headers=JSON)
    assert (422, PROBLEM) == (refused.status_code, refused.headers["content-type"])
    assert "charges[0].statute" in refused.text


def test_a_jurisdiction_lists_its_inputs_for_forms(service: FastAPI) -> None:
    """GET /v1/jurisdictions/DE/inputs: declared facts with questions, substances with their
    spellings, code families, offences, units and the narrowed case schema."""
    answered = request(service, "GET", "/v1/jurisdictions/DE/inputs")
    assert 200 == answered.status_code
    inputs = answered.json()
    assert "berlin" in inputs["facts"]["land"]["values"]
    assert "marihuana" in inputs["substances"]["cannabis"]
    assert "BtMG" in inputs["citation_families"]
    assert "urn:eligibility:schema:case:DE:1.1" == inputs["case_schema"]["$id"]
    assert 404 == request(service, "GET", "/v1/jurisdictions/XX/inputs").status_code
