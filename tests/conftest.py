"""Shared fixtures: the shipped rulesets loaded once per evaluator."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eligibility import Registry

ROOT = Path(__file__).resolve().parent.parent
RULESETS = Path(os.environ.get("ELIGIBILITY_TEST_RULESETS", ROOT / "rulesets"))
"""The rulesets under test: the shipped ones, or a draft folder named by the environment."""
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def durable_registry() -> Registry:
    """The shipped rulesets, evaluated by durable-rules (the product path)."""
    return Registry.load(RULESETS, evaluator="durable-rules")


@pytest.fixture(scope="session")
def reference_registry() -> Registry:
    """The shipped rulesets, evaluated by the reference evaluator (the oracle)."""
    return Registry.load(RULESETS, evaluator="reference")
