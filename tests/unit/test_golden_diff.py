"""`eligibility test` on golden cases that fail on purpose: the exact report a policy team sees."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from eligibility.cli import app
from tests.conftest import FIXTURES, ROOT

FAILING = FIXTURES / "golden" / "failing.yaml"


def test_a_failure_shows_expected_and_actual_outcome_and_the_cited_criteria(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each failing case gets a line, a -expected/+actual diff of outcome and deciding criteria,
    the decision's reason, and every criterion either side names with its status and citation;
    then `N passed, N failed` and exit code 1."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        app,
        [
            "test",
            str(FAILING.relative_to(ROOT)),
            "--rulesets",
            str((FIXTURES / "rulesets").relative_to(ROOT)),
        ],
    )
    assert 1 == result.exit_code
    expected = FAILING.with_suffix(".expected").read_text(encoding="utf-8")
    assert expected == result.stdout
