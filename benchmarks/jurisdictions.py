"""The second corpus: every shipped golden case of every jurisdiction, screened repeatedly.

Golden cases are the hand-written edge cases of each ruleset (look-back boundaries, unknown
facts, unsettled points of law), so they are a harder mix than the generated California corpus:
more unknowns, so more of the larger three-valued plans. One row per jurisdiction.
"""

from __future__ import annotations

import json
from collections import defaultdict

from benchmarks.peers import measure
from eligibility import Registry, default_rulesets_dir, parse_case_json
from eligibility.golden import golden_files, load_golden


def corpus() -> dict[str, list[bytes]]:
    """The JSON text of every golden case, by jurisdiction."""
    out: dict[str, list[bytes]] = defaultdict(list)
    for path in golden_files(default_rulesets_dir()):
        for golden in load_golden(path):
            text = json.dumps(golden.spec.case, default=str).encode()
            out[golden.case.jurisdiction.upper()].append(text)
    return dict(sorted(out.items()))


def run(
    registry: Registry, min_cases: int = 2_000
) -> list[tuple[str, int, float, float, float, float, float]]:
    """Per jurisdiction: (code, golden cases, cases/s, p50 µs, p99 µs, cases/s at ``deciding``,
    cases/s at ``outcome``), JSON in → JSON out, each jurisdiction's cases cycled until
    ``min_cases`` have been screened at each level (the three levels interleaved)."""
    rows = []
    for code, texts in corpus().items():
        cycled = texts * max(1, -(-min_cases // len(texts)))
        runs = measure(
            [
                (
                    level,
                    lambda text, level=level: registry.evaluate(  # type: ignore[misc]
                        parse_case_json(text), explain=level
                    ).to_json(),
                )
                for level in ("full", "deciding", "outcome")
            ],
            cycled,
            1,
        )
        (full,), (deciding,), (outcome,) = runs["full"], runs["deciding"], runs["outcome"]
        rows.append((code, len(texts), full.rate, full.p50, full.p99, deciding.rate, outcome.rate))
    return rows
