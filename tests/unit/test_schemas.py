"""Generated JSON Schemas are committed and must be fresh."""

from __future__ import annotations

import pytest

from eligibility.schemas import render
from tests.conftest import ROOT


@pytest.mark.parametrize("kind", ["case", "decision", "ruleset"])
def test_committed_schema_matches_the_models(kind: str) -> None:
    """Regenerate with `python -m eligibility.schemas docs/schemas` when the models change."""
    committed = (ROOT / "docs" / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert render(kind) == committed
