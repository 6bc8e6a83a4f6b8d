"""What-if answers on real cases: as of a day, the timeline, counterfactuals, the next question,
the interactive `ask`, replay, and the HTTP routes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from eligibility import Registry, evaluate, parse_case_json
from eligibility.case import Case
from eligibility.cli import app as cli
from eligibility.decision import Decision
from eligibility.errors import CaseError
from eligibility.whatif import decide, parts_from
from tests.conftest import ROOT, RULESETS
from tests.service_client import JSON, app_over, request

EXAMPLES = ROOT / "docs" / "examples"
JUVENILE = EXAMPLES / "de" / "juvenile-deferral.json"
PRIOR_FELONY = EXAMPLES / "us-ca" / "prior-felony.json"
PARTIAL = EXAMPLES / "us-ca" / "partial.json"
SIMPLE = EXAMPLES / "us-ca" / "simple-possession.json"
CAUTION_2015 = EXAMPLES / "gb-eng" / "caution-2015.json"


def _case(path: Path) -> Case:
    return parse_case_json(path.read_bytes())


def _outcome(decision: Decision, measure: str) -> str:
    return str(next(m.outcome for m in decision.measures if m.id == measure))


def test_a_decision_asked_for_nothing_is_unchanged(durable_registry: Registry) -> None:
    """Without as_of or what-if parts the decision is the plain (schema 1.1) document, byte for
    byte."""
    case = _case(SIMPLE)
    plain = durable_registry.evaluate(case).to_json()
    assert plain == evaluate(case, durable_registry, as_of=None, what_if=()).to_json()
    assert plain == decide(durable_registry, case).to_json()
    document = json.loads(plain)
    assert ("1.1", False, False) == (
        document["schema_version"],
        "as_of" in document,
        "what_if" in document,
    )


def test_as_of_decides_as_if_taken_that_day(durable_registry: Registry) -> None:
    """As of the 18th birthday, § 35 BtMG no longer needs the guardians' consent (§ 38(1))."""
    case = _case(JUVENILE)
    before = evaluate(case, durable_registry)
    after = evaluate(case, durable_registry, as_of=dt.date(2025, 6, 1))
    assert "undetermined" == _outcome(before, "btmg_35_deferral_of_execution")
    assert "eligible" == _outcome(after, "btmg_35_deferral_of_execution")
    assert after.as_of is not None
    assert ("2025-06-01", "2025-03-01") == (after.as_of.date, after.as_of.replaces_decision_date)
    assert "1.2" == after.schema_version
    moved = case.model_copy(update={"decision_date": dt.date(2025, 6, 1)})
    assert durable_registry.evaluate(moved).measures == after.measures


def test_as_of_before_the_offence_is_refused_on_the_command_line() -> None:
    """A decision cannot precede the offence: exit 1 with the date named, no traceback."""
    result = CliRunner().invoke(cli, ["check", str(JUVENILE), "--as-of", "2024-01-01"])
    assert 1 == result.exit_code
    assert "before the offence date 2024-09-10" in result.output
    bad = CliRunner().invoke(cli, ["check", str(JUVENILE), "--as-of", "1 June"])
    assert (1, True) == (bad.exit_code, "YYYY-MM-DD" in bad.output)


def test_timeline_names_the_birthday_that_opens_deferral(durable_registry: Registry) -> None:
    """The 17-year-old becomes eligible for § 35 BtMG on turning 18, citing § 38 Abs. 1 S. 2."""
    decision = decide(durable_registry, _case(JUVENILE), parts=("timeline",))
    assert decision.what_if is not None and decision.what_if.timeline is not None
    [change] = [
        c for c in decision.what_if.timeline if c.measure == "btmg_35_deferral_of_execution"
    ]
    assert ("2025-06-01", "undetermined", "eligible", "gained") == (
        change.date,
        change.before,
        change.outcome,
        change.kind,
    )
    assert "guardian_consent_for_juvenile" == change.criterion
    assert "§ 38 Abs. 1 S. 2" == change.citation.pinpoint
    assert "turns 18" in change.text
    assert "2050-03-01" == decision.what_if.timeline_horizon


def test_timeline_is_empty_when_the_window_counts_from_the_offence(
    durable_registry: Registry,
) -> None:
    """§ 1000(a)(4) counts five years back from the offence, so waiting changes nothing."""
    decision = decide(durable_registry, _case(PRIOR_FELONY), parts=("timeline",))
    assert decision.what_if is not None
    assert [] == decision.what_if.timeline


def test_counterfactual_reclassifies_the_prior_felony(durable_registry: Registry) -> None:
    """Diversion opens if the 2021 burglary were a misdemeanour (or reduced under Proposition 47),
    one change each, citing § 1000(a)(4)."""
    decision = decide(durable_registry, _case(PRIOR_FELONY), parts=("counterfactuals",))
    assert decision.what_if is not None and decision.what_if.counterfactuals is not None
    found = [
        c for c in decision.what_if.counterfactuals if c.measure == "pc1000_pretrial_diversion"
    ]
    proposals = [[(c.fact, c.value, c.criterion) for c in cf.changes] for cf in found]
    assert [("priors[0].felony", False, "no_felony_conviction_within_5_years")] in proposals
    assert {"eligible"} == {cf.outcome for cf in found}
    assert {"§ 1000(a)(4)"} == {c.citation.pinpoint for cf in found for c in cf.changes}


def test_next_question_asks_for_consent_first(durable_registry: Registry) -> None:
    """Consent bears on three measures (§ 1000, § 1001.36, Proposition 36), so it is asked
    before violence or the record."""
    decision = decide(durable_registry, _case(PARTIAL), parts=("next_questions",))
    assert decision.what_if is not None and decision.what_if.next_questions is not None
    found = decision.what_if.next_questions
    first = found.ranked[0]
    assert (
        "consent",
        [
            "pc1000_pretrial_diversion",
            "pc1001_36_mental_health_diversion",
            "prop36_probation_with_treatment",
        ],
    ) == (
        first.fact,
        sorted(first.settles + first.may_settle),
    )
    opens = [
        sorted((a.fact, json.dumps(a.value)) for a in d.answers)
        for d in found.deciding_answers
        if d.measure == "prop36_probation_with_treatment" and d.outcome == "entitled"
    ]
    assert [[("consent", "true"), ("priors", "[]")]] == opens


def test_a_fact_that_decides_either_way_ranks_first(durable_registry: Registry) -> None:
    """The guardians' consent decides § 35 whichever way it is answered: it `settles` it, and
    ranks before every fact that bears on as many measures but settles fewer."""
    decision = decide(durable_registry, _case(JUVENILE), parts=("next_questions",))
    assert decision.what_if is not None and decision.what_if.next_questions is not None
    ranked = decision.what_if.next_questions.ranked
    [guardian] = [q for q in ranked if q.fact == "facts.guardian_consent"]
    assert (["btmg_35_deferral_of_execution"], []) == (guardian.settles, guardian.may_settle)
    keys = [(-len(q.settles) - len(q.may_settle), -len(q.settles)) for q in ranked]
    assert sorted(keys) == keys


def test_lex_mitior_names_the_milder_law_between_act_and_decision(
    durable_registry: Registry,
) -> None:
    """Cautioned in 2014 and caught again on 1 March 2015, dealt with on 13 April 2015: the law
    of the act still allowed a simple caution, the law of the decision (s. 17(4), in force
    13 April 2015) does not. The comparison says so; the decision itself is unchanged."""
    case = _case(CAUTION_2015)
    decision = decide(durable_registry, case, parts=("lex_mitior",))
    assert decision.what_if is not None and decision.what_if.lex_mitior is not None
    [ruleset] = [
        r for r in decision.what_if.lex_mitior if r.ruleset == "gb-eng-out-of-court-disposals"
    ]
    assert ["2015-03-01", "2015-04-13"] == [s.law_of for s in ruleset.states]
    [milder] = [m for m in ruleset.measures if m.milder]
    assert ("simple_caution", "ineligible", "eligible", "2015-03-01") == (
        milder.measure,
        milder.applied,
        milder.mildest,
        milder.mildest_law_of,
    )
    assert "ineligible" == _outcome(decision, "simple_caution")
    # The law of 1 March 2015, applied to a decision taken that day, opens the caution.
    assert "eligible" == _outcome(
        evaluate(case, durable_registry, as_of=dt.date(2015, 3, 1)), "simple_caution"
    )


def test_unknown_what_if_part_is_refused() -> None:
    """A misspelt part is a case error naming the parts there are."""
    with pytest.raises(CaseError) as caught:
        parts_from(["timelines"])
    assert "timeline" in (caught.value.problems[0].hint or "")
    assert ("next_questions", "timeline", "counterfactuals", "lex_mitior") == parts_from(["all"])


def test_ask_asks_the_next_question_and_writes_the_completed_case(tmp_path: Path) -> None:
    """`eligibility ask` reads answers from standard input and writes the completed case."""
    out = tmp_path / "done.json"
    result = CliRunner().invoke(
        cli,
        ["ask", str(PARTIAL), "--out", str(out)],
        # consent, violence, ten § 1001.36/§ 1001.80 questions skipped, the § 1000.1 waiver, priors
        input="yes\nno\n" + "\n" * 10 + "yes\nnone\n\n\n",
    )
    assert 0 == result.exit_code, result.output
    assert result.output.index("consent") < result.output.index("violence")
    assert "prop36_probation_with_treatment: undetermined → entitled" in result.output
    completed = json.loads(out.read_text())
    assert (True, False, [], True) == (
        completed["consent"],
        completed["charges"][0]["violence"],
        completed["priors"],
        completed["facts"]["waives_speedy_trial_rights"],
    )


def test_ask_refuses_an_answer_the_case_cannot_take_and_asks_again(tmp_path: Path) -> None:
    """A quantity without a unit is not accepted; the question is asked again."""
    out = tmp_path / "done.json"
    result = CliRunner().invoke(cli, ["ask", str(PARTIAL), "-o", str(out)], input="maybe\nq\n")
    assert 0 == result.exit_code, result.output
    assert "not accepted" in result.output
    assert "consent" not in json.loads(out.read_text())


def test_replay_of_an_unchanged_decision_is_byte_identical(tmp_path: Path) -> None:
    """A stored decision (as of a day, with a timeline) replays to the same bytes."""
    stored = tmp_path / "decision.json"
    made = CliRunner().invoke(
        cli,
        ["check", str(JUVENILE), "-f", "json", "--as-of", "2025-04-01", "--what-if", "timeline"],
    )
    stored.write_text(made.stdout)
    result = CliRunner().invoke(cli, ["replay", str(stored), str(JUVENILE)])
    assert 0 == result.exit_code, result.output
    assert result.output.startswith("byte-identical")
    assert "de-btmg version 2026.12.07" in result.output and ": loaded" in result.output


def test_replay_after_a_change_in_the_law_names_the_first_differing_criterion(
    tmp_path: Path,
) -> None:
    """Widening § 1000(a)(4)'s window to ten years brings the 2018 felony into it:
    the replay says so, names the criterion, and that the stored ruleset hash is not loaded."""
    stored = tmp_path / "decision.json"
    stored.write_text(CliRunner().invoke(cli, ["check", str(SIMPLE), "-f", "json"]).stdout)
    changed = tmp_path / "rulesets" / "us-ca"
    changed.mkdir(parents=True)
    shutil.copytree(RULESETS / "us-ca" / "records", changed / "records")
    text = (RULESETS / "us-ca" / "drug-diversion.yaml").read_text()
    text = text.replace(
        "lookback_start: offense_date - years(5)", "lookback_start: offense_date - years(10)"
    )
    (changed / "drug-diversion.yaml").write_text(
        text.replace('version: "2026.12.07"', 'version: "2027.01.01"')
    )
    result = CliRunner().invoke(
        cli, ["replay", str(stored), str(SIMPLE), "--rulesets", str(changed.parent), "--json"]
    )
    assert 1 == result.exit_code, result.output
    report = json.loads(result.stdout)
    assert (False, False) == (report["identical"], report["needs"][0]["loaded"])
    difference = report["difference"]
    assert (
        "pc1000_pretrial_diversion",
        "no_felony_conviction_within_5_years",
        "met",
        "unknown",  # in the window now, and whether it was reduced (§ 17(b), § 1170.18) is asked
    ) == (
        difference["measure"],
        difference["criterion"],
        difference["before"],
        difference["after"],
    )
    assert "version 2027.01.01" in difference["law_after"]


@pytest.fixture(scope="module")
def service(durable_registry: Registry) -> FastAPI:
    return app_over(durable_registry, RULESETS)


def test_http_what_if_answers_what_the_library_decides(
    service: FastAPI, durable_registry: Registry
) -> None:
    """POST /v1/what-if?as_of=…&parts=… gives the library's decision, byte for byte."""
    answered = request(
        service,
        "POST",
        "/v1/what-if?as_of=2025-04-01&parts=timeline,counterfactuals",
        content=JUVENILE.read_bytes(),
        headers=JSON,
    )
    expected = decide(
        durable_registry, _case(JUVENILE), dt.date(2025, 4, 1), ("timeline", "counterfactuals")
    )
    assert (200, expected.to_json()) == (answered.status_code, answered.text)


def test_http_what_if_refuses_a_bad_day(service: FastAPI) -> None:
    """A malformed as_of is a 422 problem naming it."""
    answered = request(
        service, "POST", "/v1/what-if?as_of=tomorrow", content=JUVENILE.read_bytes(), headers=JSON
    )
    assert 422 == answered.status_code
    assert "as_of" in answered.text


def test_http_next_question_for_a_partial_case(service: FastAPI) -> None:
    """POST /v1/next-question returns the question to ask now."""
    answered = request(
        service, "POST", "/v1/next-question", content=PARTIAL.read_bytes(), headers=JSON
    )
    body = answered.json()
    assert (200, "consent") == (answered.status_code, body["question"]["fact"])
    assert body["question"]["question"].startswith("Does the person consent")


def test_http_replay_of_a_stored_decision(service: FastAPI, durable_registry: Registry) -> None:
    """POST /v1/replay with the stored decision and its case: identical, hashes loaded."""
    stored = json.loads(durable_registry.evaluate(_case(SIMPLE)).to_json())
    case = json.loads(SIMPLE.read_text())
    answered = request(service, "POST", "/v1/replay", json={"decision": stored, "case": case})
    body = answered.json()
    assert (200, True, True) == (
        answered.status_code,
        body["identical"],
        body["needs"][0]["loaded"],
    )
    stored["measures"][0]["outcome"] = "ineligible"
    again = request(service, "POST", "/v1/replay", json={"decision": stored, "case": case}).json()
    assert (False, "pc1000_pretrial_diversion") == (
        again["identical"],
        again["difference"]["measure"],
    )


def test_a_long_record_shortens_the_timeline_and_says_so(durable_registry: Registry) -> None:
    """Sixty dated priors give more candidate days than a long record's budget of decisions:
    the timeline stops early and its horizon names the last day it looked at."""
    document = json.loads((EXAMPLES / "us-ny" / "example.json").read_text())
    start = dt.date(2015, 1, 1)
    document["priors"] = [
        {
            "category": "assault",
            "class": "d_felony",
            "disposition": "conviction",
            "disposition_date": (start + dt.timedelta(days=40 * i)).isoformat(),
            "felony": True,
            "serious_or_violent_felony": i % 2 == 0,
            "custody": [],
        }
        for i in range(60)
    ]
    case = parse_case_json(json.dumps(document))
    decision = decide(durable_registry, case, parts=("timeline",))
    assert decision.what_if is not None and decision.what_if.timeline_horizon is not None
    assert decision.what_if.timeline is not None
    assert decision.what_if.timeline_horizon < "2049-06-03"
    assert all(c.date <= decision.what_if.timeline_horizon for c in decision.what_if.timeline)


@pytest.mark.parametrize(
    "path", [JUVENILE, PRIOR_FELONY, PARTIAL, CAUTION_2015], ids=lambda p: p.stem
)
def test_what_if_decisions_are_deterministic_and_valid(
    durable_registry: Registry, path: Path
) -> None:
    """The same case gives the same bytes twice, and the document validates against the
    Decision model (so against docs/schemas/decision.schema.json)."""
    first = decide(durable_registry, _case(path), parts=parts_from(["all"])).to_json()
    again = decide(durable_registry, _case(path), parts=parts_from(["all"])).to_json()
    assert first == again
    assert first == Decision.model_validate_json(first).to_json()


def test_replay_finds_the_stored_law_in_git_history_and_names_the_change(tmp_path: Path) -> None:
    """When the rulesets folder is a git checkout, the replay finds the ruleset version with the
    stored hash in its history and names what changed: here the definition of the window."""
    import subprocess

    law = tmp_path / "rulesets" / "us-ca"
    law.mkdir(parents=True)
    original = (RULESETS / "us-ca" / "drug-diversion.yaml").read_text()
    (law / "drug-diversion.yaml").write_text(original)

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "the law as decided")
    first = git("rev-parse", "HEAD")
    stored = tmp_path / "decision.json"
    made = CliRunner().invoke(
        cli, ["check", str(SIMPLE), "-f", "json", "--rulesets", str(law.parent)]
    )
    stored.write_text(made.stdout)
    widened = original.replace(
        "lookback_start: offense_date - years(5)", "lookback_start: offense_date - years(10)"
    )
    (law / "drug-diversion.yaml").write_text(widened)
    git("commit", "-q", "-am", "the window widened")

    result = CliRunner().invoke(
        cli, ["replay", str(stored), str(SIMPLE), "--rulesets", str(law.parent), "--json"]
    )
    difference = json.loads(result.stdout)["difference"]
    assert (first, "no_felony_conviction_within_5_years") == (
        difference["found_in"],
        difference["criterion"],
    )
    assert [
        "definition lookback_start: `offense_date - years(5)` → `offense_date - years(10)`"
    ] == difference["changes"]
