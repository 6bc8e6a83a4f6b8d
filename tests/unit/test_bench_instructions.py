"""``python -m benchmarks.instructions`` counts what the docs say it counts: the child program
decides the frozen benchmark ruleset's cases end to end at the level asked, and the total is read
from callgrind's report."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks import instructions
from tests.conftest import ROOT


def test_the_total_is_read_from_callgrinds_report() -> None:
    report = "==1== Events    : Ir\n==1== Collected : 4638256599\n==1==\n==1== I   refs:      4,638,256,599\n"
    assert 4638256599 == instructions.collected(report)
    with pytest.raises(RuntimeError, match="no total"):
        instructions.collected("valgrind: command not found")


@pytest.mark.parametrize("level", instructions.LEVELS)
def test_the_child_decides_at_the_level_asked(level: str) -> None:
    """Run without valgrind, the child program decides 2 + 3 cases at ``level`` and exits 0;
    the frozen ruleset it names is the benchmark's."""
    code = instructions.child_code(ROOT, level, 2, 3, 5)
    code += f"\nprint(type(engine.evaluate(parse_case_json(texts[0]), explain={level!r})).__name__)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    expected = {"full": "Decision", "deciding": "DecidingDecision", "outcome": "OutcomeDecision"}
    assert expected[level] == result.stdout.strip()
    assert instructions.RULESET.is_file()
