"""Hostile and huge cases: refused at the decoding boundary, naming the limit or the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from eligibility import limits
from eligibility.case import parse_case, parse_case_json
from eligibility.cli import app
from eligibility.errors import CaseError
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json"
PRIOR = {"statute": "HSC 11350", "disposition": "conviction", "disposition_date": "2010-01-05"}


def _case(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_bytes())
    data.update(changes)
    return data


def _messages(exc: CaseError) -> list[str]:
    return [p.render() for p in exc.problems]


def test_more_priors_than_the_limit_are_refused_naming_the_limit() -> None:
    text = json.dumps(_case(priors=[PRIOR] * 1001))
    with pytest.raises(CaseError) as caught:
        parse_case_json(text, "c.json")
    expected = [
        "c.json: error: priors: 1,001 priors, beyond the priors limit "
        "(1,000, ELIGIBILITY_LIMIT_PRIORS)"
    ]
    assert expected == _messages(caught.value)


def test_a_case_at_the_limit_is_accepted() -> None:
    case = parse_case_json(json.dumps(_case(priors=[PRIOR] * 1000)))
    assert 1000 == len(case.priors or [])


def test_a_limit_changed_in_the_environment_is_the_one_enforced() -> None:
    changed = limits.from_env({"ELIGIBILITY_LIMIT_PRIORS": "2", "ELIGIBILITY_LIMIT_NESTING": ""})
    assert (2, 32) == (changed.priors, changed.nesting)
    with pytest.raises(ValueError, match="ELIGIBILITY_LIMIT_CHARGES='many' is not a number"):
        limits.from_env({"ELIGIBILITY_LIMIT_CHARGES": "many"})
    with limits.override(priors=2), pytest.raises(CaseError, match="3 priors, beyond"):
        parse_case_json(json.dumps(_case(priors=[PRIOR] * 3)))


def test_custody_periods_are_counted_over_all_priors() -> None:
    prior = {**PRIOR, "custody": [{"start": "2010-01-05", "end": "2010-02-05"}] * 3}
    with limits.override(custody_periods=5), pytest.raises(CaseError) as caught:
        parse_case_json(json.dumps(_case(priors=[prior, prior])))
    assert "6 custody periods, beyond the custody periods limit" in _messages(caught.value)[0]


def test_a_text_longer_than_the_limit_is_refused_at_its_field() -> None:
    charge = {"statute": "HSC 11350(a)", "description": "x" * 10_001}
    with pytest.raises(CaseError) as caught:
        parse_case_json(json.dumps(_case(charges=[charge])), "c.json")
    expected = [
        "c.json: error: charges[0].description: a text of 10,001 characters, beyond the "
        "string chars limit (10,000, ELIGIBILITY_LIMIT_STRING_CHARS)"
    ]
    assert expected == _messages(caught.value)


def test_a_repeated_key_inside_a_list_item_is_refused_at_that_item() -> None:
    text = json.dumps(_case(priors=[PRIOR])).replace(
        '"statute": "HSC 11350"', '"felony": true, "statute": "HSC 11350", "felony": false'
    )
    with pytest.raises(CaseError) as caught:
        parse_case_json(text, "c.json")
    expected = [
        "c.json: error: priors[0]: the key 'felony' appears more than once in one object "
        "(hint: give each field once)"
    ]
    assert expected == _messages(caught.value)


def test_nan_and_infinity_are_not_json() -> None:
    with pytest.raises(CaseError, match="NaN is not a JSON value"):
        parse_case_json('{"case_id": "x", "jurisdiction": "US-CA", "facts": {"a": NaN}}')


def test_a_decoded_document_nested_too_deep_is_refused_not_a_recursion_error() -> None:
    """Documents from YAML golden files and CSV rows skip the JSON decoder; they are bounded too."""
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(CaseError) as caught:
        parse_case(_case(facts={"x": deep}), "g.yaml")
    assert "nests deeper than the nesting limit (32" in _messages(caught.value)[0]


def test_a_lone_surrogate_in_a_decoded_document_points_at_the_field() -> None:
    with pytest.raises(CaseError) as caught:
        parse_case(_case(case_id="a\ud800b"), "g.yaml")
    assert caught.value.problems[0].location == "case_id"


def test_check_reads_no_more_than_the_case_limit_from_an_endless_file() -> None:
    """`eligibility check /dev/zero` ran out of memory (exit 4); it is refused with exit 1."""
    result = CliRunner().invoke(app, ["check", "/dev/zero"])
    expected = (
        "error: the case is not valid\n  /dev/zero: error: the case is larger than the case "
        "bytes limit (1,048,576, ELIGIBILITY_LIMIT_CASE_BYTES)\n"
    )
    assert (1, expected) == (result.exit_code, result.stderr)


def test_a_repeated_key_followed_by_malformed_json_is_a_case_error() -> None:
    """Found by the case JSON fuzzer: locating the repeated key re-read the whole text."""
    text = '{"case_id": "x","case_id": "x", "jurisdiction": "US-CA"}cts": 1}'
    with pytest.raises(CaseError, match="the key 'case_id' appears more than once"):
        parse_case_json(text)


def test_an_evaluation_past_its_time_budget_is_abandoned_with_exit_4() -> None:
    with limits.override(evaluation_seconds=1e-9):
        result = CliRunner().invoke(app, ["check", str(EXAMPLE)])
    assert 4 == result.exit_code
    assert "time budget (1e-09 s, ELIGIBILITY_LIMIT_EVALUATION_SECONDS)" in result.stderr


def test_a_limit_set_to_nonsense_in_the_environment_is_exit_2() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "ELIGIBILITY_LIMIT_PRIORS": "lots"}
    done = subprocess.run(
        [sys.executable, "-c", "from eligibility.cli import main; main()", "check", "x.json"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    expected = "error: ELIGIBILITY_LIMIT_PRIORS='lots' is not a number\n"
    assert (2, expected) == (done.returncode, done.stderr)
