"""Hostile and huge cases: refused at the decoding boundary, naming the limit or the field."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


# -- the fast decoding path (orjson) gives the long way's answer, to the value and the message --

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False)
    | st.text(st.sampled_from('ab:"\\é\x00 {}[],'), max_size=6)
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(st.sampled_from(["a", "b", "a:b", ""]), inner), max_size=4)
    ),
    max_leaves=12,
)


def _write(node: Any) -> str:
    """JSON text in which an object is a list of pairs, so keys may repeat."""
    if isinstance(node, list) and node and all(isinstance(p, tuple) for p in node):
        return "{" + ", ".join(f"{json.dumps(k)}: {_write(v)}" for k, v in node) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_write(v) for v in node) + "]"
    return json.dumps(node)


def _outcome(decode: Any, text: str, chosen: limits.Limits) -> Any:
    try:
        return ("document", decode(text.encode(), "c.json", chosen))
    except CaseError as exc:
        return ("refused", _messages(exc))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "a:b"]), _DOCUMENTS), max_size=4),
    st.sampled_from([20, 5]),
)
def test_the_fast_decoder_answers_as_the_long_way(pairs: Any, digits: int) -> None:
    """Repeated keys, colons inside text, integers beyond 64 bits or beyond a lowered digit
    limit, floats near 2**63: orjson takes the usual document and hands everything it might
    read differently to the standard decoder, so the answer is the same either way."""
    from eligibility import _case_json

    chosen = dataclasses.replace(limits.current(), integer_digits=digits)
    text = _write(pairs) if pairs else "{}"

    def long_way(data: bytes, source: str, lim: limits.Limits) -> Any:
        with patch.object(_case_json, "_decode_fast", lambda *_: _case_json._SLOW):
            return _case_json.decode(data, source, lim)

    assert _outcome(long_way, text, chosen) == _outcome(_case_json.decode, text, chosen)


def test_the_fast_decoder_takes_the_usual_case() -> None:
    from eligibility import _case_json

    data = EXAMPLE.read_bytes()
    assert json.loads(data) == _case_json._decode_fast(data, limits.current())


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 1}',  # a repeat the document cannot show
        '{"a": "x:y", "b": 1}',  # a colon in text
        '{"a": 123456789012345678901}',  # beyond 64 bits: orjson reads a float
        '{"a": -9223372036854775809}',
        '{"a": 1e400}',
        "[1]",
    ],
)
def test_the_fast_decoder_hands_over_what_it_might_misread(text: str) -> None:
    from eligibility import _case_json

    assert _case_json._decode_fast(text.encode(), limits.current()) is _case_json._SLOW
