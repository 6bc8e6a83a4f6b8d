"""Fuzzing ruleset YAML: whatever the bytes, a Ruleset or a RulesetError, in bounded time."""

from __future__ import annotations

import time

from hypothesis import given

from eligibility._loader import load_ruleset_text
from eligibility.errors import RulesetError
from tests.fuzz._corpus import FUZZ, RULESET_SEEDS, SECONDS, YAML_TOKENS, mutated


@FUZZ
@given(mutated(RULESET_SEEDS, YAML_TOKENS))
def test_any_ruleset_bytes_load_or_give_a_ruleset_error(data: bytes) -> None:
    started = time.monotonic()
    try:
        load_ruleset_text(data, "fuzz.yaml")
    except RulesetError as exc:
        assert exc.problems
    assert time.monotonic() - started < SECONDS
