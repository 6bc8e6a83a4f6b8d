"""Bad input: every fixture is paired with the exact output a user should see, and its exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eligibility import RulesetError, load_ruleset
from eligibility.cli import app
from tests.conftest import FIXTURES, ROOT

BAD_CASES = sorted((FIXTURES / "bad_cases").glob("*.json"))
BAD_RULESETS = sorted((FIXTURES / "bad_rulesets").glob("*.yaml"))
# Cases checked against the test fixtures' rulesets, so the list of known jurisdictions is stable.
AGAINST_FIXTURES = {"unknown_jurisdiction.json"}


def _expected(path: Path, file: str) -> str:
    return path.with_suffix(".expected").read_text(encoding="utf-8").replace("{file}", file)


@pytest.mark.parametrize("path", BAD_CASES, ids=[p.stem for p in BAD_CASES])
def test_bad_case_gets_a_precise_message_and_exit_code_1(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message names the field (and line, for JSON syntax); no traceback; exit code 1."""
    monkeypatch.chdir(ROOT)
    relative = str(path.relative_to(ROOT))
    rulesets = FIXTURES / "rulesets" if path.name in AGAINST_FIXTURES else ROOT / "rulesets"
    result = CliRunner().invoke(app, ["check", relative, "--rulesets", str(rulesets)])
    assert _expected(path, relative) == f"exit {result.exit_code}\n{result.stderr}"
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", BAD_RULESETS, ids=[p.stem for p in BAD_RULESETS])
def test_bad_ruleset_reports_every_problem_with_file_line_and_column(path: Path) -> None:
    """Loading fails with all problems, each located in the file, in the exact words expected."""
    with pytest.raises(RulesetError) as caught:
        load_ruleset(path)
    assert _expected(path, str(path)) == str(caught.value) + "\n"


def test_a_ruleset_folder_with_a_broken_file_exits_3(tmp_path: Path) -> None:
    """The CLI lists the ruleset problems and exits with the documented code 3."""
    folder = tmp_path / "zz"
    folder.mkdir()
    (folder / "broken.yaml").write_bytes(
        (FIXTURES / "bad_rulesets" / "several_problems.yaml").read_bytes()
    )
    result = CliRunner().invoke(
        app,
        [
            "check",
            str(ROOT / "docs/examples/us-ca/simple-possession.json"),
            "--rulesets",
            str(tmp_path),
        ],
    )
    assert 3 == result.exit_code
    assert "error: 3 problem(s) in the rulesets" in result.stderr
    assert "unknown name `consnt` (hint: did you mean `consent`?)" in result.stderr


def test_a_missing_case_file_exits_1_with_its_name(tmp_path: Path) -> None:
    """A case file that does not exist is a case error, not a crash."""
    result = CliRunner().invoke(app, ["check", str(tmp_path / "nope.json")])
    assert 1 == result.exit_code
    assert (
        f"{tmp_path / 'nope.json'}: error: cannot read the case file: No such file or directory"
        in result.stderr
    )


def test_an_unknown_option_exits_2() -> None:
    """Command-line mistakes use the usage exit code."""
    result = CliRunner().invoke(app, ["check", "--frmat", "json", "x.json"])
    assert 2 == result.exit_code
