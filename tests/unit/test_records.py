"""Records as they come: citations, substances and units are read, or left unknown with a
notice — never refused (except with ``--strict``) and never turned into a false."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eligibility import Registry, parse_case_json
from eligibility.cli import app
from tests.conftest import FIXTURES, ROOT

STRICT = sorted((FIXTURES / "strict_cases").glob("*.json"))


@pytest.mark.parametrize("path", STRICT, ids=[p.stem for p in STRICT])
def test_strict_refuses_what_cannot_be_read_with_the_question_that_settles_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --strict an unreadable value is exit 1, naming the field and what to ask."""
    monkeypatch.chdir(ROOT)
    relative = str(path.relative_to(ROOT))
    result = CliRunner().invoke(app, ["check", relative, "--strict"])
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").replace("{file}", relative)
    assert expected == f"exit {result.exit_code}\n{result.stderr}"


@pytest.mark.parametrize("path", STRICT, ids=[p.stem for p in STRICT])
def test_without_strict_the_same_case_is_screened_with_a_notice(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --strict the case is decided (exit 0) and the decision lists the notice."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", str(path.relative_to(ROOT)), "--format", "json"])
    assert 0 == result.exit_code
    kinds = {n["kind"] for n in json.loads(result.stdout)["notices"]}
    assert kinds & {"citation_unreadable", "unit_unknown"}


def _case(registry: Registry, **charge: object) -> dict[str, object]:
    case = {
        "case_id": "r",
        "jurisdiction": "US-CA",
        "offense_date": "2024-03-15",
        "decision_date": "2024-06-01",
        "person": {"birth_date": "1990-01-01"},
        "consent": True,
        "charges": [charge],
        "priors": [],
    }
    decision = registry.evaluate(parse_case_json(json.dumps(case)))
    return {m.id: m.outcome for m in decision.measures} | {"notices": decision.notices}


def test_a_citation_with_a_state_prefix_reads_like_the_table_spelling(
    reference_registry: Registry,
) -> None:
    """`Cal. Health & Safety Code § 11377` decides exactly as `HSC 11377` does."""
    plain = _case(reference_registry, statute="HSC 11377")
    prefixed = _case(reference_registry, statute="Cal. Health & Safety Code § 11377")
    plain.pop("notices")
    prefixed.pop("notices")
    assert plain == prefixed


def test_a_citation_outside_the_table_is_never_decided_against_a_reading_of_it(
    reference_registry: Registry,
) -> None:
    """A section the table lacks (PC 215) is no error and turns nothing false: each measure is
    undetermined or has the outcome every readable offence in its place would give."""
    unknown = _case(reference_registry, statute="PC 215")
    notices = unknown.pop("notices")
    readable = [_case(reference_registry, statute=s) for s in ("HSC 11377", "PC 211", "PC 459")]
    for measure, outcome in unknown.items():
        others = {r[measure] for r in readable}
        assert outcome == "undetermined" or {outcome} == others, measure
    assert ["citation_not_in_table"] == [n.kind for n in notices]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("recorded", "read_as"),
    [
        ("Methamphetamine Hydrochloride", "methamphetamine"),
        ("crack", "cocaine base"),
        ("ICE", "methamphetamine"),
        ("heroin (diacetylmorphine)", "heroin"),
    ],
)
def test_substance_spellings_read_as_the_name_the_rules_use(
    recorded: str, read_as: str, reference_registry: Registry
) -> None:
    """Case, salts and parenthesised qualifiers do not change which substance it is."""
    ruleset = reference_registry.by_jurisdiction["us-ca"]["us-ca-drug-diversion"][0]
    assert read_as == ruleset.substances.read(recorded).name


def test_an_unknown_substance_is_unknown_with_a_suggestion(reference_registry: Registry) -> None:
    """`methamphetamin` is no name the rules know: unknown, with a did-you-mean."""
    ruleset = reference_registry.by_jurisdiction["us-ca"]["us-ca-drug-diversion"][0]
    reading = ruleset.substances.read("methamfetamine")
    assert (None, "unknown") == (reading.name, reading.kind)
    assert "methamphetamine" in reading.suggestions


def _ny(registry: Registry, statute: str) -> tuple[str, list[str]]:
    case = {
        "case_id": "ny",
        "jurisdiction": "US-NY",
        "offense_date": "2023-12-01",
        "decision_date": "2024-03-01",
        "person": {"birth_date": "1990-05-05"},
        "consent": True,
        "plea": "not_guilty",
        "charges": [{"statute": statute, "substance": "cocaine", "purpose": "sale"}],
        "priors": [],
        "facts": {
            "charging_instrument": "indictment",
            "arraigned_on_instrument": True,
            "trial_commenced": False,
            "willing_to_plead_guilty": True,
            "also_charged_disqualifying_offense": False,
        },
    }
    decision = registry.evaluate(parse_case_json(json.dumps(case)))
    measure = next(m for m in decision.measures if m.id == "judicial_diversion")
    return measure.outcome, [f.fact for f in decision.missing_facts if measure.id in f.decides]


def test_alternatives_that_agree_decide_the_measure(reference_registry: Registry) -> None:
    """`PL 220.16(1) or 220.39(1)`: both class B drug felonies listed in CPL 216.00, so judicial
    diversion is eligible under either reading, with no question left about the charge."""
    outcome, missing = _ny(reference_registry, "PL 220.16(1) or 220.39(1)")
    assert ("eligible", []) == (outcome, [m for m in missing if m.startswith("charges")])


def test_alternatives_that_disagree_leave_the_measure_undetermined(
    reference_registry: Registry,
) -> None:
    """`PL 220.03 or 220.16`: a misdemeanour (not listed) or a class B felony (listed)."""
    outcome, _ = _ny(reference_registry, "PL 220.03 or 220.16")
    assert "undetermined" == outcome


def test_a_jurisdiction_case_schema_types_its_facts_and_validates_a_record_style_case(
    reference_registry: Registry,
) -> None:
    """`eligibility schema case -j DE`: facts typed with their questions, unknown facts refused,
    and the shipped record-style example valid against it."""
    import jsonschema

    from eligibility.records.inputs import case_schema

    schema = case_schema(reference_registry, "DE")
    assert schema is not None
    assert "urn:eligibility:schema:case:DE:1.1" == schema["$id"]
    land = schema["properties"]["facts"]["properties"]["land"]
    assert "berlin" in land["anyOf"][0]["enum"]
    example = json.loads((ROOT / "docs/examples/de/record-style.json").read_text())
    jsonschema.validate(example, schema)
    example["facts"]["no_such_fact"] = True
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example, schema)


def test_a_vocabulary_that_would_move_a_substance_out_of_a_list_is_refused(
    tmp_path: Path,
) -> None:
    """Reading must never change what a list means: mapping `hashish` (in the cannabis list)
    onto `heroin` is a ruleset error naming the list."""
    import shutil

    from eligibility import RulesetError

    shutil.copytree(ROOT / "rulesets" / "de", tmp_path / "de")
    vocab = tmp_path / "de" / "records" / "vocabulary.yaml"
    vocab.write_text(
        vocab.read_text(encoding="utf-8").replace(
            "    heroin: [Diamorphin", "    heroin: [hashish, Diamorphin"
        ),
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as caught:
        Registry.load(tmp_path, evaluator="reference")
    assert (
        "`cannabis_substances` lists `hashish`, which the records vocabulary reads as `heroin`"
        in str(caught.value)
    )


def test_lint_checks_a_vocabulary_file_on_its_own(tmp_path: Path) -> None:
    """`eligibility lint <jurisdiction>/records/vocabulary.yaml` reports a misspelt key."""
    folder = tmp_path / "de" / "records"
    folder.mkdir(parents=True)
    (folder / "vocabulary.yaml").write_text(
        "jurisdiction: DE\nchecked: 2026-12-07\nsubstances:\n  namez: {}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["lint", str(folder / "vocabulary.yaml")])
    assert 1 == result.exit_code
    assert (
        "substances.namez: unknown field (hint: did you mean `names`?) [L002 schema]"
        in result.stdout
    )
