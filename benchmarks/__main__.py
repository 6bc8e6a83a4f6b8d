"""``python -m benchmarks``: every performance figure of docs/performance.md, side by side, in one run.

Sections (``--sections``, default all):

* ``decision`` — the same generated California cases through: the plain-Python floor; the peers
  a user would pick instead (zen-engine 0.37.1, json-logic; outcomes only, optional `.[bench]`
  extra); the engine core (normalise + durable-rules verdicts); the reference evaluator and the
  engine to a Decision; and end to end, JSON text in → Decision JSON out. Rows are interleaved
  over ``--repeats`` passes; medians with [min–max]. CPU µs per case is the steadiest column on
  a shared machine.
* ``jurisdictions`` — the second corpus: every jurisdiction's golden cases, end to end.
* ``whatif`` — the extra cost per case of each optional what-if part (docs/what-if.md).
* ``batch`` — ``eligibility batch`` on JSON Lines with 1 and 2 worker processes.
* ``http`` — ``eligibility serve`` under 1, 16 and 64 concurrent clients (loopback).
* ``memory`` — peak RSS of the batch process tree sampled over a long run (``--memory-cases``,
  default 200,000; docs/performance.md reports a 1,000,000-case run).

Before timing, every decision row is compared case by case with the others; a disagreement is
reported and makes the command exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import jurisdictions, peers
from benchmarks.ca_cases import generate
from benchmarks.ca_plain import decide
from eligibility import Registry, load_ruleset, parse_case, parse_case_json

DRUG_DIVERSION = Path(__file__).resolve().parent / "rulesets" / "us-ca" / "drug-diversion.yaml"
"""The decision the floor and the peers encode, frozen: US-CA's drug-diversion ruleset as it was
on 2026-12-06 (before issue 11 changed its law), so that figures stay comparable across runs
and the peers are measured on exactly the decision they encode (benchmarks/rulesets/README.md)."""
SECTIONS = ("decision", "jurisdictions", "batch", "http", "memory", "whatif")


def _machine() -> str:
    cpu = "cpu"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"python {platform.python_version()} on {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} core(s); load average {os.getloadavg()[0]:.1f} at start"
    )


def decision_section(n: int, seed: int, repeats: int) -> int:
    """The core comparison; returns the number of disagreements."""
    raw = generate(n, seed)
    texts = [json.dumps(c) for c in raw]
    cases = [parse_case(c) for c in raw]
    engine = Registry([load_ruleset(DRUG_DIVERSION)], evaluator="durable-rules")
    oracle = Registry([load_ruleset(DRUG_DIVERSION)], evaluator="reference")
    peer_list = peers.peer_rows()

    # Agreement first: a fast wrong answer is not a result.
    disagreements = 0
    for data, case in zip(raw, cases, strict=True):
        by_engine = {m.id: m.outcome for m in engine.evaluate(case).measures}
        by_oracle = {m.id: m.outcome for m in oracle.evaluate(case).measures}
        if not (by_engine == by_oracle == decide(data)):
            disagreements += 1
    wrong = {p.name: peers.count_disagreements(p, raw) for p in peer_list}
    disagreements += sum(wrong.values())

    ruleset = engine.by_jurisdiction["us-ca"]["us-ca-drug-diversion"][0]
    normaliser = engine._normalisers[id(ruleset)]
    core_engine = engine._engine

    def core(case: Any) -> Any:
        facts = normaliser.normalise(case)
        key, params = ruleset.snapshot(case.offense_date)
        return core_engine.verdicts(ruleset, key, params, facts)

    def by_index(fn: Callable[[Any], Any], inputs: list[Any]) -> Callable[[int], Any]:
        return lambda i: fn(inputs[i])

    rows: list[tuple[str, Callable[[int], Any]]] = [
        ("plain Python, outcomes only (floor)", by_index(decide, raw)),
        *((name, by_index(fn, raw)) for name, fn in peers.timed_rows(peer_list)),
        ("engine core: normalise + durable verdicts", by_index(core, cases)),
        ("reference evaluator, Case → Decision", by_index(oracle.evaluate, cases)),
        ("engine (durable-rules), Case → Decision", by_index(engine.evaluate, cases)),
        (
            "end to end: JSON in → Decision JSON out",
            by_index(lambda t: engine.evaluate(parse_case_json(t)).to_json(), texts),
        ),
        (
            "end to end, --explain deciding",
            by_index(
                lambda t: engine.evaluate(parse_case_json(t), explain="deciding").to_json(), texts
            ),
        ),
        (
            "end to end, --explain outcome",
            by_index(
                lambda t: engine.evaluate(parse_case_json(t), explain="outcome").to_json(), texts
            ),
        ),
    ]
    print(
        f"## decision — {n:,} generated US-CA cases (seed {seed}), 3 measures, 27 criteria; "
        f"{repeats} interleaved passes in one process, median [min–max]"
    )
    runs = peers.measure(rows, list(range(n)), repeats)
    peers.report(runs, {name.removeprefix("prep + "): w for name, w in wrong.items()})
    print(f"outcome disagreements (engine vs reference vs floor vs peers): {disagreements}")
    return disagreements


def jurisdictions_section(min_cases: int) -> None:
    print()
    print(
        f"## jurisdictions — every golden case, JSON in → Decision JSON out, each jurisdiction's "
        f"cases cycled to ≥ {min_cases:,}"
    )
    print(
        f"{'jurisdiction':14} {'golden':>7} {'cases/s':>10} {'p50 µs':>10} {'p99 µs':>10}"
        f" {'deciding/s':>11} {'outcome/s':>10}"
    )
    for code, count, rate, p50, p99, deciding, outcome in jurisdictions.run(
        Registry.load(), min_cases
    ):
        print(
            f"{code:14} {count:7} {rate:10,.0f} {p50:10.1f} {p99:10.1f}"
            f" {deciding:11,.0f} {outcome:10,.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated")
    parser.add_argument("--cases", type=int, default=10_000, help="decision corpus size")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved passes per row")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--jurisdiction-cases", type=int, default=2_000, help="cases per jurisdiction"
    )
    parser.add_argument("--batch-cases", type=int, default=10_000, help="batch throughput run")
    parser.add_argument(
        "--memory-cases",
        type=int,
        default=200_000,
        help="memory run (default 200,000; 1,000,000 takes about 12 min and 35 GB of disk)",
    )
    parser.add_argument("--http-requests", type=int, default=5_000, help="per HTTP row, at most")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")

    print("# eligibility benchmark")
    print(_machine())
    print()
    failed = 0
    if "decision" in chosen:
        failed += decision_section(args.cases, args.seed, args.repeats)
    if "jurisdictions" in chosen:
        jurisdictions_section(args.jurisdiction_cases)
    if "batch" in chosen:
        print()
        print("## batch")
        sys.stdout.flush()
        from benchmarks import batch

        batch.print_throughput(args.batch_cases, args.seed)
    if "http" in chosen:
        print()
        print("## http")
        sys.stdout.flush()
        from benchmarks import http

        failed += http.main(["--requests", str(args.http_requests), "--seconds", "10"])
    if "memory" in chosen:
        print()
        print("## memory")
        sys.stdout.flush()
        from benchmarks import batch

        batch.print_memory(args.memory_cases, args.seed)
    if "whatif" in chosen:
        print()
        sys.stdout.flush()
        from benchmarks import whatif

        whatif.main()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"peak memory of this process (max RSS): {peak:.1f} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
