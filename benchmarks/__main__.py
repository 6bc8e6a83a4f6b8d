"""``python -m benchmarks``: cases per second and per-case latency, side by side, in one run.

Rows (same generated California cases for every row):

* engine (durable-rules), Case → Decision with full reasoning — the product path;
* reference evaluator, Case → Decision — the test oracle;
* engine core: normalise + durable-rules criterion verdicts, no Decision assembly;
* end to end: JSON text in → Decision JSON text out, through the engine;
* plain Python: the same rules hand-written, outcomes only — the floor.

Before timing, every row's outcomes are compared case by case; a disagreement is reported and
makes the command exit 1. Peak memory (max RSS) is printed at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks import peers
from benchmarks.ca_cases import generate
from benchmarks.ca_plain import decide
from eligibility import Registry, parse_case, parse_case_json


def _time(fn: Callable[[Any], Any], inputs: list[Any], warmup: int) -> tuple[float, list[float]]:
    for item in inputs[:warmup]:
        fn(item)
    gc.collect()
    latencies = []
    perf = time.perf_counter_ns
    start = perf()
    for item in inputs:
        t0 = perf()
        fn(item)
        latencies.append((perf() - t0) / 1000)
    total = (perf() - start) / 1e9
    return total, latencies


def _row(name: str, total: float, lat: list[float], base: float | None) -> str:
    q = statistics.quantiles(lat, n=100)
    rate = len(lat) / total
    ratio = f"{base / rate:8.1f}×" if base else "     1.0×"
    return f"{name:44} {rate:10,.0f} {q[49]:9.1f} {q[98]:9.1f} {ratio}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--cases", type=int, default=10_000, help="number of generated cases (default 10,000)"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    raw = generate(args.cases, args.seed)
    texts = [json.dumps(c) for c in raw]
    cases = [parse_case(c) for c in raw]
    engine = Registry.load(evaluator="durable-rules")
    oracle = Registry.load(evaluator="reference")

    # Agreement first: a fast wrong answer is not a result.
    disagreements = 0
    for data, case in zip(raw, cases, strict=True):
        by_engine = {m.id: m.outcome for m in engine.evaluate(case).measures}
        by_oracle = {m.id: m.outcome for m in oracle.evaluate(case).measures}
        if not (by_engine == by_oracle == decide(data)):
            disagreements += 1

    ruleset = engine.by_jurisdiction["us-ca"]["us-ca-drug-diversion"][0]
    normaliser = engine._normalisers[id(ruleset)]
    core_engine = engine._engine

    def core(case: Any) -> Any:
        facts = normaliser.normalise(case)
        key, params = ruleset.snapshot(case.offense_date)
        return core_engine.verdicts(ruleset, key, params, facts)

    warm = min(500, len(cases))
    rows: list[tuple[str, Callable[[Any], Any], list[Any]]] = [
        ("plain Python, outcomes only (floor)", decide, raw),
        ("engine core: normalise + durable verdicts", core, cases),
        ("reference evaluator, Case → Decision", oracle.evaluate, cases),
        ("engine (durable-rules), Case → Decision", engine.evaluate, cases),
        (
            "end to end: JSON in → Decision JSON out",
            lambda t: engine.evaluate(parse_case_json(t)).to_json(),
            texts,
        ),
    ]
    # Peer engines (zen-engine, json-logic) when installed (`.[bench]`): see benchmarks/peers.py.
    peer_list = peers.peer_rows()
    disagreements += sum(peers.count_disagreements(peer, raw) for peer in peer_list)
    rows += [(name, fn, raw) for name, fn in peers.timed_rows(peer_list)]
    print(
        f"eligibility benchmark — {len(cases):,} generated US-CA cases (seed {args.seed}), 3 measures, 27 criteria"
    )
    print(
        f"python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'cpu'}; "
        f"one process, one thread"
    )
    print()
    print(f"{'variant':44} {'cases/s':>10} {'p50 µs':>9} {'p99 µs':>9} {'vs floor':>9}")
    base = None
    for name, fn, inputs in rows:
        total, lat = _time(fn, inputs, warm)
        if base is None:
            base = len(lat) / total
        print(_row(name, total, lat, None if name.startswith("plain") else base))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"outcome disagreements (engine vs reference vs plain): {disagreements}")
    print(f"peak memory (max RSS): {peak:.1f} MiB")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
