"""`eligibility lint`: each broken file is paired with the exact output a user should see."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eligibility import RulesetError, load_ruleset
from eligibility._lint_checks import CHECKS
from eligibility._lint_ruleset import lint_ruleset
from eligibility.cli import app
from tests.conftest import FIXTURES, ROOT, RULESETS

LINT = FIXTURES / "lint"
CASES = sorted(p for p in LINT.iterdir() if p.suffix != ".expected")
BAD_RULESETS = sorted((FIXTURES / "bad_rulesets").glob("*.yaml"))
ZZ = str(FIXTURES / "rulesets")


def _lint(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["lint", *args])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_check_reports_exactly_the_expected_lines(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Location, level, message, hint and code, in the exact words a policy team reads."""
    monkeypatch.chdir(ROOT)
    relative = str(path.relative_to(ROOT))
    code, out = _lint(relative, "--rulesets", ZZ)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert expected.replace("{file}", relative) == f"exit {code}\n{out}"


def test_every_check_has_a_fixture_that_triggers_it() -> None:
    """Each code in the table has a fixture named after it whose output shows that code."""
    by_code = {p.name[:4]: p for p in CASES}
    assert sorted(CHECKS) == sorted(by_code)
    for code, path in by_code.items():
        assert f"[{code} {CHECKS[code].name}]" in path.with_suffix(".expected").read_text()


def test_shipped_rulesets_and_golden_cases_lint_without_errors() -> None:
    """Every shipped ruleset and golden file passes lint (warnings are allowed, and listed
    in docs/lint.md); exit code 0."""
    code, out = _lint("--rulesets", str(RULESETS))
    assert 0 == code, out
    assert [] == [line for line in out.splitlines() if ": error: " in line]
    assert re.search(r"^0 error\(s\), \d+ warning\(s\) in \d+ file\(s\)$", out, re.M)


def test_a_clean_folder_exits_0_with_no_findings() -> None:
    """The test jurisdiction's rulesets have nothing to report."""
    assert (0, "0 error(s), 0 warning(s) in 2 file(s)\n") == _lint(ZZ)


def test_warnings_alone_exit_0_and_any_error_exits_1() -> None:
    """Exit 1 means at least one error; warnings never fail a run."""
    assert 0 == _lint(str(LINT / "L103_always_holds.yaml"))[0]
    both = [str(LINT / "L103_always_holds.yaml"), str(LINT / "L005_type.yaml")]
    code, out = _lint(*both)
    assert 1 == code
    assert out.endswith("1 error(s), 1 warning(s) in 2 file(s)\n")


def test_a_path_that_does_not_exist_is_a_usage_error() -> None:
    """A mistyped path exits 2, like every command-line mistake."""
    assert 2 == _lint("no/such/ruleset.yaml")[0]


def test_json_format_lists_every_finding_with_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """--format json: a versioned document with counts and one object per finding."""
    monkeypatch.chdir(ROOT)
    path = "tests/fixtures/lint/L101_never_met.yaml"
    code, out = _lint(path, "--format", "json")
    assert 1 == code
    document = json.loads(out)
    assert {"version": 1, "files": [path], "errors": 1, "warnings": 1} == {
        k: v for k, v in document.items() if k != "problems"
    }
    assert {
        "file": path,
        "line": 18,
        "column": 5,
        "level": "error",
        "code": "L101",
        "check": "never-met",
        "location": "measures[0]",
        "message": "`police_caution` can never be met: its conditions contradict each other",
        "hint": "check the comparison operators and constants, and that a scope or "
        "requirement does not rule out what another needs",
    } == document["problems"][0]
    assert ["error", "warning"] == [p["level"] for p in document["problems"]]


@pytest.mark.parametrize("path", BAD_RULESETS, ids=[p.stem for p in BAD_RULESETS])
def test_lint_reports_exactly_the_loaders_problems_as_errors(path: Path) -> None:
    """Lint adds codes to the loader's problems; it neither drops nor rewords them."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    ruleset, findings = lint_ruleset(path, str(path))
    assert ruleset is None
    assert [p.render() for p in caught.value.problems] == [f.problem.render() for f in findings]
    assert {"error"} == {f.level for f in findings}


def test_loader_problems_are_sorted_into_specific_codes() -> None:
    """No problem of the bad-ruleset fixtures falls through to the catch-all code."""
    codes = {
        f.code
        for path in BAD_RULESETS
        for f in lint_ruleset(path, str(path))[1]
        if f.problem.message
    }
    assert {"L001", "L002", "L003", "L004", "L005", "L006", "L007", "L010", "L011"} == codes


DOC = ROOT / "docs" / "lint.md"
EXAMPLES = re.findall(
    r"```console\n\$ (eligibility lint tests/[^\n]*)\n(.*?)```", DOC.read_text(), re.S
)


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_docs_show_the_output_lint_really_prints(
    command: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example output in docs/lint.md is exactly what the command prints today."""
    monkeypatch.chdir(ROOT)
    assert output == _lint(*command.split()[2:])[1]


def test_docs_list_every_check() -> None:
    """Each code and name of the check table has a row in docs/lint.md."""
    text = DOC.read_text()
    assert [] == [c for c in CHECKS.values() if f"| {c.code} | {c.name} |" not in text]
