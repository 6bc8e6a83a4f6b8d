"""`eligibility explore`: reachable outcomes with minimal example cases, declared invariants and
their counterexamples, all as case files `eligibility check` accepts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from eligibility.cli import app
from tests.conftest import FIXTURES

CAUTION = FIXTURES / "rulesets" / "zz" / "caution.yaml"
BROKEN = FIXTURES / "explore" / "zz" / "caution.yaml"
BUDGET = ["--max-examples", "60"]


@pytest.fixture(scope="module")
def explored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """The fixture caution explored once, its case files written."""
    out = tmp_path_factory.mktemp("explored")
    return CliRunner().invoke(app, ["explore", str(CAUTION), *BUDGET, "--out", str(out)]), out


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """The ruleset with a false invariant explored once, its case files written."""
    out = tmp_path_factory.mktemp("broken")
    return CliRunner().invoke(app, ["explore", str(BROKEN), *BUDGET, "--out", str(out)]), out


def _outcome(case: Path, rulesets: Path, measure: str) -> str:
    result = CliRunner().invoke(
        app, ["check", str(case), "--rulesets", str(rulesets), "--format", "json"]
    )
    assert 0 == result.exit_code, result.output
    decision = json.loads(result.stdout)
    return str(next(m["outcome"] for m in decision["measures"] if m["id"] == measure))


def test_every_outcome_is_reached_with_a_case_file_that_check_accepts(
    explored: tuple[Result, Path],
) -> None:
    """Each outcome of the fixture's caution is reached; each example re-checks to that outcome."""
    result, tmp_path = explored
    assert 0 == result.exit_code, result.output
    assert result.stdout.endswith(
        "4 of 4 outcomes reached, 0 inconsistent, 0 of 2 invariants broken\n"
    )
    assert "✓ larger_quantity_never_opens_a_caution: not broken in 60 examples" in result.stdout
    for outcome in ("eligible", "ineligible", "not_applicable", "undetermined"):
        case = tmp_path / f"police_caution.{outcome}.json"
        assert outcome == _outcome(case, CAUTION.parent.parent, "police_caution")


def test_examples_are_minimal_every_fact_in_them_matters(
    explored: tuple[Result, Path], tmp_path: Path
) -> None:
    """Leaving out any one field of the eligible example changes its outcome."""
    example = json.loads((explored[1] / "police_caution.eligible.json").read_text())
    assert {
        "case_id",
        "jurisdiction",
        "offense_date",
        "consent",
        "admits_offense",
        "charges",
        "priors",
    } == set(example)
    for field in ("offense_date", "consent", "admits_offense", "priors"):
        reduced = tmp_path / f"without-{field}.json"
        reduced.write_text(json.dumps({k: v for k, v in example.items() if k != field}))
        assert "eligible" != _outcome(reduced, CAUTION.parent.parent, "police_caution")


def test_a_broken_invariant_gives_a_shrunk_counterexample_that_check_confirms(
    broken: tuple[Result, Path],
) -> None:
    """The claim "an admission never makes a caution available" is false: explore exits 1 and
    writes a before/after pair differing only in the admission, which `check` confirms."""
    result, tmp_path = broken
    assert 1 == result.exit_code, result.output
    assert (
        f"✗ admitting_never_opens_a_caution ({BROKEN}:67): broken — Wrongly claimed"
        in result.stdout
    )
    assert (
        "setting admits_offense to true turns police_caution from ineligible into eligible:"
        in result.stdout
    )
    assert result.stdout.endswith("1 of 1 invariants broken\n")
    before = json.loads((tmp_path / "admitting_never_opens_a_caution.before.json").read_text())
    after = json.loads((tmp_path / "admitting_never_opens_a_caution.after.json").read_text())
    assert {**before, "case_id": after["case_id"], "admits_offense": True} == after
    assert False is before["admits_offense"]
    rulesets = BROKEN.parent.parent
    assert "ineligible" == _outcome(
        tmp_path / "admitting_never_opens_a_caution.before.json", rulesets, "police_caution"
    )
    assert "eligible" == _outcome(
        tmp_path / "admitting_never_opens_a_caution.after.json", rulesets, "police_caution"
    )


def test_the_same_seed_finds_the_same_cases(broken: tuple[Result, Path]) -> None:
    """Runs are reproducible: the seed (0 unless given) fixes every search."""
    again = CliRunner().invoke(app, ["explore", str(BROKEN), *BUDGET, "--seed", "0"])
    first = [line for line in broken[0].stdout.splitlines() if "written to" not in line]
    assert first == again.stdout.splitlines()


def test_an_id_or_a_folder_selects_rulesets_and_an_unknown_id_is_a_usage_error() -> None:
    """`explore zz-caution --rulesets …` finds the file, a folder gives all its rulesets, and a
    misspelt id exits 2 with a hint."""
    rulesets = str(CAUTION.parent.parent)
    ok = CliRunner().invoke(
        app, ["explore", "zz-caution", "--rulesets", rulesets, "--max-examples", "20"]
    )
    assert 0 == ok.exit_code, ok.output
    folder = CliRunner().invoke(app, ["explore", str(CAUTION.parent), "--max-examples", "20"])
    assert f"explore zz-caution 1 ({CAUTION})\nexplore zz-supply 1 (" in folder.stdout
    wrong = CliRunner().invoke(app, ["explore", "zz-cuation", "--rulesets", rulesets])
    assert 2 == wrong.exit_code
    assert "did you mean `zz-caution`?" in wrong.stderr
    assert "Traceback" not in wrong.output


def test_an_invalid_ruleset_exits_3_with_file_and_line() -> None:
    """Invariant problems are reported like every other ruleset problem."""
    bad = FIXTURES / "bad_rulesets" / "bad_invariants.yaml"
    result = CliRunner().invoke(app, ["explore", str(bad)])
    assert 3 == result.exit_code
    assert f"{bad}:32:16: error: invariants[0].measures[0]: unknown measure" in result.stderr


def test_without_hypothesis_explore_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hypothesis is an optional dependency; its absence is a clear message and exit code 2."""
    for name in [m for m in sys.modules if m.startswith("eligibility.explore")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    result = CliRunner().invoke(app, ["explore", str(CAUTION)])
    assert 2 == result.exit_code
    assert "pip install 'eligibility[authoring]'" in result.stderr


def test_an_outcome_that_contradicts_its_criteria_is_named() -> None:
    """The consistency check flags eligible-while-excluded and ineligible-without-a-failure."""
    from eligibility import Registry, parse_case
    from eligibility.explore.search import inconsistency

    registry = Registry.load(CAUTION.parent.parent, evaluator="reference")
    case = {
        "case_id": "c",
        "jurisdiction": "ZZ",
        "offense_date": "2024-01-01",
        "consent": True,
        "admits_offense": True,
        "charges": [{"statute": "TA 1", "quantity": {"value": 1, "unit": "g"}}],
        "priors": [],
    }
    measure = registry.evaluate(parse_case(case)).measures[0]
    assert None is inconsistency(measure)
    assert "ineligible although no requirement fails and no exclusion applies" == inconsistency(
        measure.model_copy(update={"outcome": "ineligible"})
    )
    excluded = [
        c.model_copy(update={"status": "met"}) if c.role == "excluded_if" else c
        for c in measure.criteria
    ]
    assert "eligible although exclusion `caution_within_2_years` is met" == inconsistency(
        measure.model_copy(update={"criteria": excluded})
    )


def test_explore_leaves_no_hypothesis_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis' cache goes to a temporary folder, not into the policy team's repository."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    no_alternative = FIXTURES / "rulesets" / "zz" / "no-alternative.yaml"
    result = CliRunner().invoke(app, ["explore", str(no_alternative), "--max-examples", "10"])
    assert 0 == result.exit_code, result.output
    assert [] == list(tmp_path.iterdir())


def test_an_outcome_an_open_point_rules_out_is_named_not_failed() -> None:
    """NSW's youth justice conference can only be refused once an open point is settled
    (whether it needs admission and consent): explore says so and does not count it as a
    failure; California's diversion can be refused today."""
    from eligibility import Registry
    from eligibility.explore.space import open_points_blocking
    from tests.conftest import RULESETS

    registry = Registry.load(RULESETS, evaluator="reference")
    by_id = {(r.id, m.id): (r, m) for r in registry.rulesets for m in r.measures}
    r, conference = by_id[("au-nsw-young-offenders-act", "yoa_youth_justice_conference")]
    assert {"yoa_conference_conditions"} == open_points_blocking(
        conference, "ineligible", frozenset(r.unsettled)
    )
    assert set() == open_points_blocking(conference, "eligible", frozenset(r.unsettled))
    r, diversion = by_id[("us-ca-drug-diversion", "pc1000_pretrial_diversion")]
    assert set() == open_points_blocking(diversion, "ineligible", frozenset(r.unsettled))
