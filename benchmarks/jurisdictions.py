"""The second corpus: every shipped golden case of every jurisdiction, screened repeatedly.

Golden cases are the hand-written edge cases of each ruleset (look-back boundaries, unknown
facts, unsettled points of law), so they are a harder mix than the generated California corpus:
more unknowns, so more of the larger three-valued plans. One row per jurisdiction.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict

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


def run(registry: Registry, min_cases: int = 2_000) -> list[tuple[str, int, float, float, float]]:
    """Per jurisdiction: (code, golden cases, cases/s, p50 µs, p99 µs), JSON in → JSON out,
    each jurisdiction's cases cycled until ``min_cases`` have been screened."""
    rows = []
    for code, texts in corpus().items():
        for text in texts:  # warm-up: compile every plan these cases need
            registry.evaluate(parse_case_json(text)).to_json()
        rounds = max(1, -(-min_cases // len(texts)))
        latencies = []
        perf = time.perf_counter_ns
        start = perf()
        for _ in range(rounds):
            for text in texts:
                t0 = perf()
                registry.evaluate(parse_case_json(text)).to_json()
                latencies.append((perf() - t0) / 1000)
        total = (perf() - start) / 1e9
        q = statistics.quantiles(latencies, n=100)
        rows.append((code, len(texts), len(latencies) / total, q[49], q[98]))
    return rows
