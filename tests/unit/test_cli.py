"""The `eligibility` command on the shipped example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from eligibility.cli import app
from tests.conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "us-ca" / "simple-possession.json"


def test_check_prints_each_measure_with_outcome_who_decides_and_criteria() -> None:
    """The text report lists every measure, who decides, and a ✓/✗/? criteria tree with citations."""
    result = CliRunner().invoke(app, ["check", str(EXAMPLE)])
    assert 0 == result.exit_code
    out = result.stdout
    assert "■ Pretrial drug diversion (Penal Code § 1000, from 2018)  —  ELIGIBLE" in out
    assert (
        "■ Probation with drug treatment (Proposition 36 of 2000, Penal Code § 1210.1)  —  ENTITLED"
        in out
    )
    assert (
        "■ Deferred entry of judgment (former Penal Code § 1000, 1997–2017)  —  NOT APPLICABLE"
        in out
    )
    assert "Who decides: the court, which must order it unless an exclusion applies" in out
    assert (
        "    ✓ The offence charged did not involve a crime of violence or threatened violence."
        in out
    )
    assert (
        "[California Penal Code § 1000 (as amended by AB 208, Stats. 2017, ch. 778), § 1000(a)(2)]"
        in out
    )
    assert "Assumptions applied:" in out


def test_json_format_prints_the_decision_document() -> None:
    """--format json prints the Decision; its outcomes match the text report."""
    result = CliRunner().invoke(app, ["check", str(EXAMPLE), "--format", "json"])
    assert 0 == result.exit_code
    decision = json.loads(result.stdout)
    assert "1.1" == decision["schema_version"]
    assert {
        "pc1000_pretrial_diversion": "eligible",
        "pc1000_deferred_entry_of_judgment": "not_applicable",
        "prop36_probation_with_treatment": "entitled",
        "pc1001_95_misdemeanor_diversion": "eligible",
        "pc1001_36_mental_health_diversion": "undetermined",
        "pc1001_80_military_diversion": "undetermined",
        "hsc11395_treatment_mandated_felony": "not_applicable",
    } == {m["id"]: m["outcome"] for m in decision["measures"]}


def test_dash_reads_the_case_from_standard_input() -> None:
    """`eligibility check -` reads the case from stdin and gives the same decision as the file."""
    from_file = CliRunner().invoke(app, ["check", str(EXAMPLE), "--format", "json"]).stdout
    from_stdin = (
        CliRunner()
        .invoke(app, ["check", "-", "--format", "json"], input=EXAMPLE.read_text())
        .stdout
    )
    assert from_file == from_stdin


def test_rulesets_option_points_at_another_folder() -> None:
    """--rulesets selects another folder; a case of a jurisdiction only there is then known."""
    result = CliRunner().invoke(
        app,
        ["check", "-", "--rulesets", str(ROOT / "tests/fixtures/rulesets"), "--format", "json"],
        input=json.dumps(
            {
                "case_id": "z1",
                "jurisdiction": "ZZ",
                "offense_date": "2024-01-01",
                "charges": [{"statute": "TA 2"}],
            }
        ),
    )
    assert 0 == result.exit_code
    assert "zz-supply" in result.stdout


def test_installed_command_finds_the_shipped_rulesets_from_any_directory(tmp_path: Path) -> None:
    """Run as a real process from an unrelated working directory."""
    proc = subprocess.run(
        [sys.executable, "-m", "eligibility", "check", str(EXAMPLE), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == proc.returncode, proc.stderr
    assert "us-ca-drug-diversion" == json.loads(proc.stdout)["rulesets"][0]["id"]


def test_reference_evaluator_gives_the_same_outcomes() -> None:
    """The oracle is selectable from the CLI and agrees on the example."""
    engine = json.loads(CliRunner().invoke(app, ["check", str(EXAMPLE), "-f", "json"]).stdout)
    oracle = json.loads(
        CliRunner()
        .invoke(app, ["check", str(EXAMPLE), "-f", "json", "--evaluator", "reference"])
        .stdout
    )
    assert [m["outcome"] for m in engine["measures"]] == [m["outcome"] for m in oracle["measures"]]
    assert "reference" == oracle["engine"]["evaluator"]


def test_rulesets_command_lists_versions() -> None:
    """`eligibility rulesets` lists each ruleset with its version and in-force period."""
    result = CliRunner().invoke(app, ["rulesets"])
    assert 0 == result.exit_code
    assert "us-ca-drug-diversion" in result.stdout
    assert "in force 1997-01-01 –" in result.stdout


def test_test_command_runs_golden_cases_with_a_summary_line(tmp_path: Path) -> None:
    """`eligibility test` prints a line per case and `N passed, N failed`; a failure shows the diff."""
    ok = CliRunner().invoke(app, ["test", str(ROOT / "rulesets" / "us-ca")])
    assert 0 == ok.exit_code
    assert ok.stdout.endswith("102 passed, 0 failed\n")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "cases:\n"
        "  - name: The example is wrongly expected to be ineligible for diversion\n"
        f"    case: {EXAMPLE.read_text()}\n"
        "    expect:\n"
        "      pc1000_pretrial_diversion: {outcome: ineligible, because: [consents]}\n",
        encoding="utf-8",
    )
    failed = CliRunner().invoke(app, ["test", str(wrong)])
    assert 1 == failed.exit_code
    assert "FAIL The example is wrongly expected to be ineligible for diversion" in failed.stdout
    assert "pc1000_pretrial_diversion: expected outcome ineligible, got eligible" in failed.stdout
    assert failed.stdout.endswith("0 passed, 1 failed\n")


def test_coverage_lists_the_branches_no_golden_case_reaches() -> None:
    """--coverage marks reached statuses and names the gaps (here eight that open law keeps unknown)."""
    result = CliRunner().invoke(app, ["test", str(ROOT / "rulesets" / "us-ca"), "--coverage"])
    assert 0 == result.exit_code
    assert (
        "    pc1000_pretrial_diversion: ✓ eligible  ✓ ineligible  ✓ not_applicable  ✓ undetermined"
        in result.stdout
    )
    assert (
        "branches no golden case reaches (9):\n"
        "  - us-ca-drug-diversion pc1000_pretrial_diversion.offense_under_2018_law: not_met\n"
        "  - us-ca-drug-diversion pc1000_deferred_entry_of_judgment.decided_before_2018: not_met\n"
        "  - us-ca-drug-diversion prop36_probation_with_treatment.found_guilty_after_act: not_met\n"
        "  - us-ca-drug-diversion prop36_probation_with_treatment.firearm_with_listed_drug: met\n"
        "  - us-ca-drug-diversion hsc11395_treatment_mandated_felony.adult_or_adult_court_hsc11395: not_met\n"
        "  - us-ca-general-diversion pc1001_95_misdemeanor_diversion.no_felony_charged: not_met\n"
        "  - us-ca-general-diversion pc1001_95_misdemeanor_diversion.domestic_violence_offense: met\n"
        "  - us-ca-general-diversion pc1001_80_military_diversion.no_felony_charged: not_met\n"
        "  - us-ca-general-diversion pc1001_80_military_diversion.driving_under_the_influence: met\n"
    ) in result.stdout
