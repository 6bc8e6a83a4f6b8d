"""Fuzzing case JSON: whatever the bytes, a Decision or a CaseError, in bounded time."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from eligibility import Registry, limits, parse_case_json
from eligibility.errors import CaseError
from tests.conftest import RULESETS
from tests.fuzz._corpus import CASE_SEEDS, CASE_TOKENS, FUZZ, SECONDS, mutated

_REGISTRY = Registry.load(RULESETS)

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec="utf-8") | st.sampled_from(["\ud800", "\x00"]), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["", "case_id", "priors", "facts", "x", "class"]), inner, max_size=4
        )
    ),
    max_leaves=30,
)


def _screen(data: bytes | str) -> None:
    started = time.monotonic()
    try:
        case = parse_case_json(data, "fuzz.json")
        with limits.time_budget():
            _REGISTRY.evaluate(case)
    except CaseError:
        pass
    assert time.monotonic() - started < SECONDS


@FUZZ
@given(mutated(CASE_SEEDS, CASE_TOKENS))
def test_any_bytes_are_a_decision_or_a_case_error(data: bytes) -> None:
    _screen(data)


@FUZZ
@given(_JSON, st.sampled_from(["US-CA", "DE", "ZZ", "us-ca"]))
def test_any_json_document_is_a_decision_or_a_case_error(
    document: object, jurisdiction: str
) -> None:
    import json

    if isinstance(document, dict):
        document = {"case_id": "fuzz", "jurisdiction": jurisdiction, **document}
    try:
        text = json.dumps(document, allow_nan=True)
    except (ValueError, RecursionError):  # pragma: no cover - the generator keeps it small
        return
    _screen(text)
