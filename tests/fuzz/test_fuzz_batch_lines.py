"""Fuzzing batch input: every record of a JSON Lines or CSV file becomes exactly one output
line (a decision or an error record), whatever the records hold."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from eligibility import Registry
from eligibility.batch.records import Reader
from eligibility.batch.workers import screen_chunk
from eligibility.errors import CaseError
from tests.conftest import RULESETS
from tests.fuzz._corpus import (
    CASE_TOKENS,
    CSV_HEADER,
    CSV_ROWS,
    CSV_TOKENS,
    FUZZ,
    LINE_SEEDS,
    mutated,
)

_REGISTRY = Registry.load(RULESETS)


def _run(data: bytes, fmt: str) -> tuple[int, list[dict[str, object]]]:
    try:
        reader = Reader(io.BytesIO(data), fmt)  # type: ignore[arg-type]  # "jsonl" or "csv"
    except CaseError:  # a CSV header that is not valid: refused before any record
        assert fmt == "csv"
        return 0, []
    records = 0
    lines: list[dict[str, object]] = []
    for chunk in reader.chunks(16):
        blob, count, _ = screen_chunk(_REGISTRY, chunk)
        records += count
        lines += [json.loads(line) for line in blob.splitlines()]
    reader.close()
    return records, lines


@FUZZ
@given(st.lists(mutated(LINE_SEEDS, CASE_TOKENS), min_size=1, max_size=4))
def test_every_json_line_gives_exactly_one_output_line(lines: list[bytes]) -> None:
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    records, out = _run(data, "jsonl")
    assert (records, data.count(b"\n")) == (len(out), records)  # lines end at "\n" only


@FUZZ
@given(st.lists(mutated(CSV_ROWS, CSV_TOKENS), min_size=1, max_size=3), st.booleans())
def test_every_csv_record_gives_exactly_one_output_line(
    rows: list[bytes], fuzz_header: bool
) -> None:
    header = CSV_HEADER
    if fuzz_header:
        header = header.replace(b",priors,", b",priors,priors.999999999.statute,", 1)
    records, out = _run(header + b"".join(rows), "csv")
    assert records == len(out)
