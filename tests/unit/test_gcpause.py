"""The collector pause around long records: it happens, it ends, and it respects the caller."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from eligibility import parse_case
from eligibility._evaluate import Registry
from eligibility._gcpause import LONG_RECORD, collector_paused
from eligibility.case import Case


def _case(priors: int) -> Case:
    prior = {"statute": "HSC 11350", "disposition": "conviction", "offense_date": "2010-01-01"}
    return parse_case(
        {
            "case_id": "long",
            "jurisdiction": "US-CA",
            "offense_date": "2024-01-01",
            "charges": [{"statute": "HSC 11350"}],
            "priors": [prior] * priors,
        }
    )


@pytest.mark.parametrize(("priors", "paused"), [(LONG_RECORD, True), (3, False)])
def test_only_a_long_record_pauses_the_collector_and_the_pause_ends(
    priors: int, paused: bool, durable_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    inner = Registry._evaluate

    def spy(self: Registry, case: Case, strict: bool, explain: Any = "full") -> Any:
        seen.append(gc.isenabled())
        return inner(self, case, strict, explain)

    monkeypatch.setattr(Registry, "_evaluate", spy)
    assert gc.isenabled()
    durable_registry.evaluate(_case(priors))
    assert [not paused] == seen
    assert gc.isenabled()


def test_nested_pauses_resume_once_and_never_enable_a_collector_the_caller_disabled() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause is still in progress
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
