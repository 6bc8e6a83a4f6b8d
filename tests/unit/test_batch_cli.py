"""`eligibility batch`: one line per input line, in order; error records; CSV; workers; summary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from eligibility import EngineError, Registry, parse_case
from eligibility.batch import flatten_case
from eligibility.cli import app
from tests.conftest import ROOT

CASES = ROOT / "docs/examples/batch/cases.jsonl"
CSV_CASES = ROOT / "docs/examples/batch/cases.csv"
EXAMPLES = [json.loads(line) for line in CASES.read_text().splitlines()]


def _batch(*args: str | Path) -> Result:
    return CliRunner().invoke(app, ["batch", *map(str, args)])


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_line_is_the_decision_that_check_gives(
    tmp_path: Path, durable_registry: Registry
) -> None:
    """Same content as `eligibility check --format json`, one compact line per case, in order."""
    out = tmp_path / "decisions.jsonl"
    result = _batch(CASES, "-o", out)
    assert 0 == result.exit_code, result.output
    expected = [json.loads(durable_registry.evaluate(parse_case(d)).to_json()) for d in EXAMPLES]
    assert expected == _lines(out)
    assert all("\n" not in line for line in out.read_text().splitlines())
    assert ["decisions.jsonl"] == sorted(p.name for p in tmp_path.iterdir())


BAD = [
    json.dumps(EXAMPLES[0]),
    '{"case_id": "x", "jurisdiction": ',
    "",
    json.dumps({"case_id": "nowhere-1", "jurisdiction": "XX"}),
    json.dumps({**EXAMPLES[1], "consent": "yes"}),
    json.dumps([1, 2]),
    json.dumps(EXAMPLES[2]),
]


def test_bad_lines_become_error_records_at_their_line(tmp_path: Path) -> None:
    """Never a dropped line: every bad line has an error record naming its line and problem."""
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(BAD) + "\n")
    out = tmp_path / "out.jsonl"
    result = _batch(source, "-o", out, "--summary", tmp_path / "summary.json")
    assert 1 == result.exit_code, result.output
    lines = _lines(out)
    assert len(BAD) == len(lines)
    assert [EXAMPLES[0]["case_id"], EXAMPLES[2]["case_id"]] == [
        lines[0]["case_id"],
        lines[6]["case_id"],
    ]
    errors = {
        rec["line"]: (rec["case_id"], rec["error"]["kind"], rec["error"]["message"])
        for rec in lines
        if "error" in rec
    }
    assert {
        2: (None, "case", "malformed JSON: Expecting value"),
        3: (None, "case", "empty line: expected a case as a JSON object"),
        4: ("nowhere-1", "jurisdiction", "jurisdiction: unknown jurisdiction 'XX' (hint: known jurisdictions: AU-NSW, CA, CA-BC, DE, GB-ENG, PH, PT, US, US-CA, US-NY)"),
        5: (EXAMPLES[1]["case_id"], "case", "consent: Input should be a valid boolean"),
        6: (None, "case", "a case must be a JSON object"),
    } == errors  # fmt: skip
    assert 34 == lines[1]["error"]["problems"][0]["column"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (7, 2, {"case": 4, "jurisdiction": 1}) == (
        summary["records"],
        summary["decided"],
        summary["errors"]["by_kind"],
    )
    assert "screened 7 record(s): 2 decided, 5 error(s) (4 case, 1 jurisdiction)" in result.stderr


def test_engine_failures_are_recorded_and_exit_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine failure or a bug on one case is that case's error record; the batch goes on."""
    real = Registry.evaluate

    def flaky(self: Registry, case: Any, strict: bool = False, explain: Any = "full") -> Any:
        if case.case_id == EXAMPLES[1]["case_id"]:
            raise EngineError("durable-rules error 102")
        if case.case_id == EXAMPLES[2]["case_id"]:
            raise RuntimeError("a bug")
        return real(self, case, strict, explain)

    monkeypatch.setattr(Registry, "evaluate", flaky)
    out = tmp_path / "out.jsonl"
    result = _batch(CASES, "-o", out, "-q")
    assert 4 == result.exit_code, result.output
    kinds = [rec.get("error", {}).get("kind") for rec in _lines(out)]
    assert [None, "engine", "internal"] + [None] * (len(EXAMPLES) - 3) == kinds
    assert "" == result.stderr


def test_csv_rows_give_the_same_decisions_as_json_lines(tmp_path: Path) -> None:
    """The shipped CSV example is the JSON Lines example flattened; the outputs are identical."""
    rows = [flatten_case(d) for d in EXAMPLES]
    header = list(dict.fromkeys(k for row in rows for k in row))
    assert header == CSV_CASES.read_text().splitlines()[0].split(",")
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    ra = _batch(CASES, "-o", a, "-q")
    assert 0 == ra.exit_code, a.read_text()[:3000]
    assert 0 == _batch(CSV_CASES, "-o", b, "-q").exit_code
    assert a.read_bytes() == b.read_bytes()


def test_a_csv_row_error_names_the_column_and_the_file_line(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text(
        "case_id,jurisdiction,charges.0.statute,charges.0.description,consent\n"
        'a,US-CA,HSC 11350,"two\nlines",true\n'
        "b,US-CA,HSC 11350,,maybe\n"
    )
    out = tmp_path / "out.jsonl"
    assert 1 == _batch(source, "-o", out, "-q").exit_code
    first, second = _lines(out)
    assert "a" == first["case_id"]
    assert {"line": 4, "case_id": "b"} == {k: second[k] for k in ("line", "case_id")}
    assert "consent: expected true or false" == second["error"]["message"]


def test_csv_rows_that_are_not_text_or_empty_are_error_records(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_bytes(b"case_id,jurisdiction\nb\xff,US-CA\n\nc,XX\n")
    out = tmp_path / "out.jsonl"
    assert 1 == _batch(source, "-o", out, "-q").exit_code
    assert [
        (2, None, "the row is not UTF-8 text"),
        (3, None, "empty row: expected a case"),
        (4, "c", "jurisdiction: unknown jurisdiction 'XX' (hint: known jurisdictions: AU-NSW, CA, CA-BC, DE, GB-ENG, PH, PT, US, US-CA, US-NY)"),
    ] == [(r["line"], r["case_id"], r["error"]["message"]) for r in _lines(out)]  # fmt: skip


def test_an_unknown_csv_column_stops_before_anything_is_written(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text("case_id,jurisdiction,chrges.0.statute\na,US-CA,HSC 11350\n")
    result = _batch(source, "-o", tmp_path / "out.jsonl")
    assert 1 == result.exit_code
    assert (
        f"{source}:1: error: chrges.0.statute: unknown column (hint: did you mean `charges.0.statute`?)"
        in result.stderr
    )
    assert ["cases.csv"] == [p.name for p in tmp_path.iterdir()]


def test_two_workers_write_the_same_bytes_in_the_same_order(tmp_path: Path) -> None:
    """Worker processes change the speed, never the output: small chunks, many in flight."""
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in EXAMPLES * 3))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert 0 == _batch(source, "-o", one, "-q", "--chunk-size", "2").exit_code
    result = _batch(source, "-o", two, "-q", "--chunk-size", "2", "--workers", "2")
    assert 0 == result.exit_code, result.output
    assert one.read_bytes() == two.read_bytes()


def test_the_summary_counts_outcomes_and_blocking_criteria(
    tmp_path: Path, durable_registry: Registry
) -> None:
    """Counts per jurisdiction, measure and outcome; blocking criteria from ineligible measures."""
    out, summary_file = tmp_path / "out.jsonl", tmp_path / "summary.json"
    assert 0 == _batch(CASES, "-o", out, "--summary", summary_file, "-q").exit_code
    summary = json.loads(summary_file.read_text())
    decisions = [durable_registry.evaluate(parse_case(d)) for d in EXAMPLES]
    outcomes = Counter((d.jurisdiction, m.id, m.outcome) for d in decisions for m in d.measures)
    assert outcomes == Counter(
        {(r["jurisdiction"], r["measure"], o): r[o] for r in summary["outcomes"] for o in ("entitled", "eligible", "ineligible", "not_applicable", "undetermined") if r[o]}
    )  # fmt: skip
    blocking = Counter(
        (d.jurisdiction, m.id, c)
        for d in decisions
        for m in d.measures
        if m.outcome == "ineligible"
        for c in m.deciding_criteria
    )
    assert blocking == Counter(
        {(b["jurisdiction"], b["measure"], b["criterion"]): b["cases"] for b in summary["blocking_criteria"]}
    )  # fmt: skip
    assert {"summary_version", "input", "output", "records", "decided", "errors", "outcomes", "blocking_criteria", "missing_facts"} == set(summary)  # fmt: skip
    assert all(m["cases"] >= 1 and "[0]" not in m["fact"] for m in summary["missing_facts"])


def test_decisions_go_to_standard_output_by_default() -> None:
    result = _batch(CASES, "-q")
    assert 0 == result.exit_code
    assert [d["case_id"] for d in EXAMPLES] == [
        json.loads(line)["case_id"] for line in result.stdout.splitlines()
    ]


def test_cases_can_come_from_standard_input() -> None:
    result = CliRunner().invoke(app, ["batch", "-", "-q"], input=CASES.read_bytes())
    assert 0 == result.exit_code
    assert len(EXAMPLES) == len(result.stdout.splitlines())


def test_the_progress_bar_is_off_in_a_pipe_unless_asked(tmp_path: Path) -> None:
    quiet = _batch(CASES, "-o", tmp_path / "a.jsonl", "-q")
    shown = _batch(CASES, "-o", tmp_path / "b.jsonl", "-q", "--progress")
    assert "records" not in quiet.stderr
    assert "10 records" in shown.stderr


def test_a_left_partial_output_needs_resume(tmp_path: Path) -> None:
    """A fresh run never overwrites an interrupted one silently."""
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_bytes(b"")
    result = _batch(CASES, "-o", out)
    assert 2 == result.exit_code
    assert "is left by an interrupted run: add --resume to continue it" in result.stderr
    assert 0 == _batch(CASES, "-o", out, "--resume", "-q").exit_code
    assert len(EXAMPLES) == len(_lines(out))
    assert not (tmp_path / "out.jsonl.partial").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers and --chunk-size must be at least 1"),
        (["--resume"], "--resume needs an input file and an output file (-o FILE)"),
        (["--input-format", "xml"], "--input-format must be jsonl or csv"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = _batch(CASES, *args)
    assert 2 == result.exit_code
    assert message in result.stderr


def test_a_missing_input_file_exits_1(tmp_path: Path) -> None:
    result = _batch(tmp_path / "nope.jsonl", "-o", tmp_path / "out.jsonl")
    assert 1 == result.exit_code
    assert "nope.jsonl: cannot read the input: No such file or directory" in result.stderr


def test_strict_batch_turns_an_unreadable_citation_into_an_error_record(tmp_path: Path) -> None:
    """`batch --strict`: the case with a citation outside the table is a `case` error record,
    the other still a decision; without --strict both are decisions."""
    from tests.conftest import ROOT

    good = json.loads((ROOT / "docs/examples/us-ca/simple-possession.json").read_text())
    odd = json.loads(json.dumps(good))
    odd["charges"][0]["statute"] = "Cal. Pen. Code § 215"
    source = tmp_path / "cases.jsonl"
    source.write_text(json.dumps(good) + "\n" + json.dumps(odd) + "\n", encoding="utf-8")
    kinds = {}
    for strict in (False, True):
        out = tmp_path / f"out-{strict}.jsonl"
        args = ["batch", str(source), "-o", str(out), "--quiet"] + (["--strict"] if strict else [])
        result = CliRunner().invoke(app, args)
        lines = [json.loads(x) for x in out.read_text().splitlines()]
        kinds[strict] = [
            x.get("error", {}).get("kind") if "error" in x else "decision" for x in lines
        ]
        assert result.exit_code in (0, 1)
    assert ["decision", "decision"] == kinds[False]
    assert ["decision", "case"] == kinds[True]
