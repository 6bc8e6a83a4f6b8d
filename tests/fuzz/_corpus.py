"""Seeds and mutations shared by the fuzzers.

The default run is short (``ELIGIBILITY_FUZZ_EXAMPLES`` examples per fuzzer, 40 unless set),
so CI spends a few seconds on each; a release check runs them longer, e.g.
``ELIGIBILITY_FUZZ_EXAMPLES=5000 python -m pytest -n 0 tests/fuzz`` (docs/security.md).
Every seed class that once broke an edge is in the corpus: deep nesting, huge integers, empty
and repeated keys, lone surrogates, NUL and non-UTF-8 bytes, oversized lists and texts, alias
bombs, recursive aliases, chained ``not``, doubling definitions, 64-bit overflows, colliding
field names.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, ROOT

EXAMPLES = int(os.environ.get("ELIGIBILITY_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS = 60.0
"""Longest any single input may take (bounded cost); generous, as CI machines are shared."""

CASE_SEEDS: list[bytes] = sorted(
    p.read_bytes()
    for p in [
        *(FIXTURES / "bad_cases").glob("*.json"),
        *(ROOT / "docs" / "examples").glob("*/*.json"),
    ]
)
CASE_TOKENS: list[bytes] = [
    b"[" * 2000,
    b"{" * 40,
    b"]",
    b"}",
    b"9" * 5000,
    b"-0.0e-99999",
    b"1e999",
    b"NaN",
    b"Infinity",
    b'"": ',
    b'"consent": true, "consent": false, ',
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b"\x00",
    b"\xff\xfe",
    b'"priors": [' + b'{"felony": true},' * 1100 + b"{}], ",
    b'"charges": [{"description": "' + b"x" * 12000 + b'"}], ',
    b'"facts": {"' + b"k" * 300 + b'": 1}, ',
    b'"jurisdiction": "US-CA", ',
    b'"offense_date": "2024-02-30", ',
]

LINE_SEEDS: list[bytes] = (
    (ROOT / "docs" / "examples" / "batch" / "cases.jsonl").read_bytes().splitlines()
)
CSV_FILE = (ROOT / "docs" / "examples" / "batch" / "cases.csv").read_bytes()
CSV_HEADER, *CSV_ROWS = CSV_FILE.splitlines(keepends=True)
CSV_TOKENS: list[bytes] = [
    b",",
    b'"',
    b'""',
    b"\r\n",
    b"\n",
    b"999999999",
    b"9" * 5000,
    b"-1",
    b"a" * 200_000,
    b"\x00",
    b"\xff",
    b'"\\ud800"',
    b"true",
    b"2024-13-01",
]

RULESET_SEEDS: list[bytes] = sorted(
    p.read_bytes()
    for p in [
        *(FIXTURES / "rulesets").glob("*/*.yaml"),
        *(FIXTURES / "bad_rulesets").glob("*.yaml"),
        *(FIXTURES / "lint").glob("L0*.yaml"),
    ]
)
YAML_TOKENS: list[bytes] = [
    b"&a [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
    b"*a",
    b"&a [*a]",
    b"!!python/object/apply:os.system ['true']",
    b"!!binary AAAA",
    b"\x00",
    b"\t",
    b"[" * 1200,
    b"]",
    b"99999999999999999999",
    b"not " * 300,
    b"(" * 100,
    b"d1: d0 and d0\n",
    b" and nwrmzhrp and ebbhhrjy",
    b"\n  - ",
    b": ",
    b"'",
    b"{",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], tokens: list[bytes]) -> bytes:
    """A seed with a few mutations: bytes changed, tokens inserted, pieces cut or repeated."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["byte", "token", "cut", "repeat", "bytes"]))
        pos = draw(st.integers(0, len(data)))
        if op == "byte" and data:
            data[min(pos, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "token":
            data[pos:pos] = draw(st.sampled_from(tokens))
        elif op == "cut":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "repeat":
            piece = data[pos : pos + draw(st.integers(1, 32))]
            data[pos:pos] = piece * draw(st.integers(1, 40))
        else:
            data[pos:pos] = draw(st.binary(max_size=12))
    return bytes(data)
